"""The record's title on a whole page as text: the headline over the article, not the menu."""

from __future__ import annotations

from pipeline.core import Context
from tests.stages.chrome_page import clean, dropped

LEAD = (
    "Die Gemeinde hat am Montagabend beschlossen, das alte Hallenbad bis zum Herbst zu sanieren.",
    "Die Kosten von rund vier Millionen Euro teilen sich Land und Gemeinde, sagte der Bürgermeister.",
)


def test_the_headline_over_the_lead_is_the_title_not_the_menu_above_it(ctx: Context) -> None:
    page = (
        "Zum Inhalt springen Zur Navigation",
        "Startseite Politik Sport Kultur",
        "Hallenbad wird bis zum Herbst saniert",
        "12. März 2026",
        *LEAD,
    )
    doc = clean(ctx, *page)
    assert doc.title == "Hallenbad wird bis zum Herbst saniert"
    assert doc.lines == list(LEAD)
    assert dropped(doc)["Hallenbad wird bis zum Herbst saniert"] == "generic.context.title"


def test_a_date_or_score_line_next_to_the_lead_is_not_the_title(ctx: Context) -> None:
    doc = clean(ctx, "Neues Hallenbad für die Gemeinde", "Stand: 12.03.2026 14:05 Uhr", *LEAD)
    assert doc.title == "Neues Hallenbad für die Gemeinde"


def test_no_title_when_no_line_above_reads_like_one(ctx: Context) -> None:
    doc = clean(ctx, "12.03.2026 14:05", *LEAD)
    assert doc.title is None
    assert doc.lines == list(LEAD)


def test_a_page_title_is_known_with_or_without_the_site_name() -> None:
    from pipeline.stages.title import _title_forms

    forms = _title_forms("Harbour town votes to rebuild its sea wall | Coast Herald")
    assert ["harbour", "town", "votes", "to", "rebuild", "its", "sea", "wall"] in forms
    assert ["coast", "herald"] not in forms  # the site's name alone is no title
    assert _title_forms("Herald - Harbour town &amp; port")[-1] == ["harbour", "town", "port"]
    assert _title_forms("Star Wars: a review") == [["star", "wars", "a", "review"]]  # a colon is the title's own


def test_a_title_far_above_the_article_gives_way_to_the_headline_over_it(ctx: Context) -> None:
    # The first run takes the line above the page's first sentence for the title: a welcome line
    # over the site's slogan. Once the slogan and the menu are gone (the article starts with its
    # lead), that title stands far above the article, and the headline right over it takes its place.
    body = (
        *LEAD,
        "Schwimmvereine und Schulen müssen bis dahin in die Nachbarorte ausweichen; der Landkreis stellt Busse.",
        "Im Herbst soll das Bad mit neuer Technik und einem barrierefreien Eingang wieder aufmachen.",
    )
    menu = [
        "Startseite",
        "Politik",
        "Wirtschaft",
        "Sport",
        "Kultur",
        "Region",
        "Wetter",
        "Service",
        "Anzeigen",
        "Abo",
        "Kontakt",
        "Lokales",
    ]
    menu += ["Vereine", "Termine", "Bilder", "Videos", "Podcast", "Leserbriefe", "Archiv", "Suche"]
    welcome, slogan = "Willkommen beim Seekurier Online", "Hier finden Sie alle Nachrichten aus der Stadt und vom See."
    doc = clean(ctx, welcome, slogan, *menu, "Hallenbad wird bis zum Herbst saniert", "12. März 2026", *body)
    assert doc.title == "Hallenbad wird bis zum Herbst saniert"
    assert doc.lines == list(body)
    gone = dropped(doc)
    assert gone["Hallenbad wird bis zum Herbst saniert"] == "generic.context.title"
    assert gone[welcome] == "generic.context.isolated-short"
