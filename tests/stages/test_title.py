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
