"""The HTML path's extraction: tables kept, and the recall-mode second opinion (pipeline/html.py)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from pipeline import html
from pipeline.core import Context, clean_document
from pipeline.document import Document
from pipeline.settings import InputSettings
from pipeline.stages.paragraphs import final_text

ARTICLE = [
    "Le conseil municipal a adopté lundi soir le budget primitif de la commune, après trois heures de débats.",
    "L'opposition a dénoncé une hausse des tarifs de la cantine, que le maire juge inévitable face à l'inflation.",
    "Les travaux de l'école primaire commenceront au printemps, selon le calendrier présenté par l'adjoint.",
]
PHASES = [("Phase", "Début", "Fin"), ("Démolition", "mars 2025", "mai 2025"), ("Gros œuvre", "juin 2025", "avril 2026")]


def _page(extra: str = "") -> str:
    body = "".join(f"<p>{line}</p>" for line in ARTICLE)
    head = "<head><title>Budget</title></head>"
    return f"<html>{head}<body><nav>Accueil</nav><article>{body}{extra}</article></body></html>"


def _clean(page: str, ctx: Context) -> Document:
    doc = Document(id="d", source="a.html", file="a.html", metadata={"format": "html"})
    return clean_document(doc, page.encode(), ctx)


def test_a_table_in_the_article_survives_the_pipeline(ctx: Context) -> None:
    rows = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in PHASES)
    doc = _clean(_page(f"<table>{rows}</table>"), ctx)
    text = final_text(doc)
    assert doc.status == "ok"
    for row in PHASES:
        assert all(cell in text for cell in row), row
    assert not any(e.action == "drop" and "Démolition" in e.text for e in doc.events)


def test_tables_are_left_out_when_the_setting_says_so(ctx: Context) -> None:
    rows = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in PHASES)
    text, _, _ = html.extract(_page(f"<table>{rows}</table>"), InputSettings(html_include_tables=False))
    assert ARTICLE[0] in text and "Démolition" not in text


ARTICLE_TEXT = "\n".join(ARTICLE * 3)
MENU = "\n".join(f"Rubrique {n} : les dernières nouvelles de la région" for n in range(60))


def test_overlap_is_the_shared_share_of_the_larger_text() -> None:
    assert html.overlap(ARTICLE_TEXT, ARTICLE_TEXT) == 1.0
    assert 0.0 < html.overlap(ARTICLE_TEXT, MENU + "\n" + ARTICLE_TEXT) < html.DISAGREE_BELOW
    assert html.overlap(ARTICLE_TEXT, MENU) == 0.0
    assert html.overlap("", ARTICLE_TEXT) == html.overlap("Accueil", "Accueil") == 0.0  # no 4 words: nothing shared


@pytest.mark.parametrize(
    ("balanced", "recall", "precision", "chosen"),
    [
        (MENU + "\n" + ARTICLE_TEXT, ARTICLE_TEXT, ARTICLE_TEXT, True),  # the balanced run took a page-wide text
        (MENU, ARTICLE_TEXT, ARTICLE_TEXT + "\nPartager", True),  # two modes against one, even when longer
        (MENU + "\n" + ARTICLE_TEXT, ARTICLE_TEXT, MENU + "\n" + ARTICLE_TEXT, False),  # precision sides with balanced
        (MENU + "\n" + ARTICLE_TEXT, ARTICLE_TEXT, MENU, False),  # three different texts: the balanced one stands
        (MENU, ARTICLE_TEXT, "", False),  # no corroboration
    ],
)
def test_prefer_recall_needs_precision_mode_on_its_side(
    balanced: str, recall: str, precision: str, chosen: bool
) -> None:
    assert html.prefer_recall(balanced, recall, precision) is chosen


CAPTIONS = "\n".join(f"Photo {n} : la place de la mairie, un soir de juin" for n in range(8))


def test_prose_share_counts_long_lines_that_end_a_sentence() -> None:
    assert html.prose_share(ARTICLE_TEXT) == 1.0
    assert html.prose_share(MENU) == html.prose_share(CAPTIONS) == html.prose_share("") == 0.0
    assert 0.0 < html.prose_share(MENU + "\n" + ARTICLE_TEXT) < 0.5
    assert html.prose_share(ARTICLE[0].rstrip(".")) == 0.0  # no sentence end: a headline or a teaser


@pytest.mark.parametrize(
    ("balanced", "recall", "chosen"),
    [
        (ARTICLE_TEXT + "\n" + MENU, CAPTIONS, False),  # two modes agree on the captions: the article stays
        (ARTICLE_TEXT + "\n" + CAPTIONS, ARTICLE_TEXT, True),  # a trim of the captions a fallback brought in
        (ARTICLE[0], ARTICLE[0] + "\n" + CAPTIONS, True),  # a longer recall text adds text: the vote decides
    ],
)
def test_a_shorter_recall_text_must_read_like_an_article(balanced: str, recall: str, chosen: bool) -> None:
    assert html.prefer_recall(balanced, recall, recall) is chosen


def test_the_article_stays_when_two_modes_agree_on_captions(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_runs(monkeypatch, ARTICLE_TEXT + "\n" + MENU, CAPTIONS, CAPTIONS)
    text, _, event = html.extract("<html></html>", InputSettings())
    assert text == ARTICLE_TEXT + "\n" + MENU and event.rule == "input.html.trafilatura"
    assert "reads less like an article" in event.reason and "prose share balanced 0.24, recall 0.00" in event.reason


TEASERS = "\n".join(
    ["Merci de votre inscription !", *(f"- Les {n} plages à voir cet été en Bretagne" for n in range(3, 10))]
)


RECETTE = "\n".join(
    ["Ingrédients :", "500 g de farine", "3 œufs", "25 cl de lait", "1 pincée de sel", "100 g de sucre"]
)


@pytest.mark.parametrize(
    ("balanced", "precision", "trimmed"),
    [
        (ARTICLE_TEXT + "\n" + TEASERS, ARTICLE_TEXT, ARTICLE_TEXT),  # it left out teasers and a sign-up notice
        (TEASERS + "\n" + ARTICLE_TEXT, ARTICLE_TEXT, ARTICLE_TEXT),  # at the start too
        (ARTICLE_TEXT + "\n" + TEASERS, ARTICLE_TEXT + "\n" + TEASERS, None),  # nothing trimmed
        ("\n".join([*ARTICLE, TEASERS]), ARTICLE[0], None),  # it left out most of the article
        (ARTICLE_TEXT + "\n" + TEASERS, ARTICLE_TEXT + "\n" + MENU, None),  # not a part of the balanced text
    ],
)
def test_precision_mode_trims_the_edges_when_what_goes_is_not_prose(
    balanced: str, precision: str, trimmed: str | None
) -> None:
    assert html.precision_trims(balanced, precision) == trimmed


def test_what_precision_mode_leaves_out_inside_the_article_stays() -> None:
    balanced = "\n".join([ARTICLE[0], TEASERS, *ARTICLE[1:], TEASERS])  # teasers inside and after
    precision = "\n".join(ARTICLE)
    assert html.edge_trim(balanced, precision) == "\n".join([ARTICLE[0], TEASERS, *ARTICLE[1:]])


def test_a_list_of_quantities_at_the_edge_stays() -> None:
    recipe = ARTICLE_TEXT + "\n" + RECETTE
    assert html.edge_trim(recipe, ARTICLE_TEXT) == recipe
    assert html.precision_trims(recipe, ARTICLE_TEXT) is None
    assert html.edge_trim(RECETTE + "\n" + ARTICLE_TEXT, ARTICLE_TEXT) == RECETTE + "\n" + ARTICLE_TEXT


def test_the_precision_trim_is_chosen_and_audited(monkeypatch: pytest.MonkeyPatch) -> None:
    balanced = ARTICLE_TEXT + "\n" + TEASERS
    calls = _fake_runs(monkeypatch, balanced, balanced, ARTICLE_TEXT)
    text, _, event = html.extract("<html></html>", InputSettings())
    assert (text, calls) == (ARTICLE_TEXT, ["", "recall", "precision"])
    assert event.rule == "input.html.precision-trim" and "prose share 0.75 -> 1.00" in event.reason


def test_no_trim_when_precision_mode_keeps_the_teasers(monkeypatch: pytest.MonkeyPatch) -> None:
    balanced = ARTICLE_TEXT + "\n" + TEASERS
    _fake_runs(monkeypatch, balanced, balanced, balanced)
    text, _, event = html.extract("<html></html>", InputSettings())
    assert text == balanced and event.rule == "input.html.trafilatura"


def _fake_runs(monkeypatch: pytest.MonkeyPatch, balanced: str, recall: str, precision: str = "") -> list[str]:
    calls: list[str] = []

    def fake(page: str, settings: InputSettings, mode: str = "", metadata: bool = True) -> dict[str, Any]:
        calls.append(mode)
        return {"text": texts[mode], "title": "T" if metadata else None}

    texts = {"": balanced, "recall": recall, "precision": precision}
    monkeypatch.setattr(html, "trafilatura_text", fake)
    return calls


def test_the_recall_text_is_chosen_and_audited(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _fake_runs(monkeypatch, MENU + "\n" + ARTICLE_TEXT, ARTICLE_TEXT, ARTICLE_TEXT)
    text, title, event = html.extract("<html></html>", InputSettings())
    assert (text, title, calls) == (ARTICLE_TEXT, "T", ["", "recall", "precision"])
    assert event.rule == "input.html.recall-extraction"
    assert "precision mode agrees" in event.reason and f"recall {len(ARTICLE_TEXT)}" in event.reason


def test_no_third_run_when_balanced_and_recall_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _fake_runs(monkeypatch, ARTICLE_TEXT, ARTICLE_TEXT + "\nPartager cet article")
    text, _, event = html.extract("<html></html>", InputSettings())
    assert text == ARTICLE_TEXT and event.rule == "input.html.trafilatura" and calls == ["", "recall"]


def test_the_balanced_text_stays_without_corroboration(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_runs(monkeypatch, MENU + "\n" + ARTICLE_TEXT, "Abonnez-vous à notre lettre d'information quotidienne", MENU)
    text, _, event = html.extract("<html></html>", InputSettings())
    assert text == MENU + "\n" + ARTICLE_TEXT and event.rule == "input.html.trafilatura"
    assert "did not side with it" in event.reason


ONE_RUN = [{"html_recall_check": False}, {"html_favor_precision": True}, {"html_favor_recall": True}]


@pytest.mark.parametrize("changes", ONE_RUN)
def test_one_run_when_the_check_is_off_or_a_mode_is_chosen(monkeypatch: pytest.MonkeyPatch, changes: dict) -> None:
    settings = InputSettings(**changes)
    calls = _fake_runs(monkeypatch, "a\n" * 2000, "b" * 600)
    text, _, event = html.extract("<html></html>", settings)
    assert calls == [""] and text == "a\n" * 2000 and event.rule == "input.html.trafilatura"


def test_a_failing_recall_run_leaves_the_balanced_text(monkeypatch: pytest.MonkeyPatch) -> None:
    def fake(page: str, settings: InputSettings, mode: str = "", metadata: bool = True) -> dict[str, Any]:
        if mode:
            raise RecursionError("deep tree")
        return {"text": "a\n" * 2000, "title": None}

    monkeypatch.setattr(html, "trafilatura_text", fake)
    text, _, event = html.extract("<html></html>", InputSettings())
    assert text == "a\n" * 2000 and event.rule == "input.html.trafilatura"
    assert "recall-mode check failed: RecursionError" in event.reason


def test_extraction_is_deterministic_with_the_check_on(ctx: Context) -> None:
    links = "".join(f"<li><a href='/{n}'>Autre article {n}</a></li>" for n in range(30))
    page = _page(f"<aside><ul>{links}</ul></aside>")
    first = [html.extract(page, ctx.settings.input) for _ in range(2)]
    assert first[0][0] == first[1][0] and first[0][2] == first[1][2]


# Item 4 of issue 12: what trafilatura keeps of an article's lists, tables and headnotes survives
# the cleaning. Pages written here, in German (most of the outside benchmark is German).
DE_INTRO = (
    "Die Veranstaltungen des Kulturvereins finden im Saal des alten Rathauses statt, der Eintritt ist frei "
    "und eine Anmeldung ist nicht nötig."
)
DE_END = "Der Verein bittet um eine kurze Rückmeldung, wer mit dem Bus aus dem Nachbarort anreisen möchte."
DATES = ["Montag, 3. März 2025, 19:00 Uhr", "Dienstag, 15. April 2025, 19:30 Uhr", "Freitag, 9. Mai 2025, 20:00 Uhr"]
INGREDIENTS = ["250 g Butter", "200 g Zucker", "4 Eier", "400 g Mehl", "1 TL Backpulver"]
PHASES_DE = [("Abriss des Altbaus", "März 2025", "Mai 2025"), ("Rohbau", "Juni 2025", "April 2026")]
HEADNOTES = [
    "Eine Kündigung wegen Eigenbedarfs setzt voraus, dass der Vermieter die Person benennt, die einziehen soll.",
    "Ein bloß vager Wunsch, die Wohnung irgendwann selbst zu nutzen, genügt nicht.",
]


def _de_page(body: str) -> str:
    head = "<head><title>Kulturverein</title></head>"
    return f"<html>{head}<body><nav><a href='/'>Startseite</a></nav><article>{body}</article></body></html>"


def _de_clean(body: str, ctx: Context) -> tuple[Document, str]:
    german = dataclasses.replace(ctx, settings=ctx.settings.with_languages("de"))
    doc = _clean(_de_page(body), german)
    return doc, final_text(doc)


def _items(tag: str, items: list[str]) -> str:
    return f"<{tag}>" + "".join(f"<li>{i}</li>" for i in items) + f"</{tag}>"


@pytest.mark.parametrize("wrap", ["<p>{}</p>", "<div>{}</div>"])
def test_a_run_of_dates_is_a_schedule_and_stays(ctx: Context, wrap: str) -> None:
    dates = "".join(wrap.format(d) for d in DATES)
    doc, text = _de_clean(f"<h1>Termine</h1><p>{DE_INTRO}</p>{dates}<p>{DE_END}</p>", ctx)
    assert doc.status == "ok" and all(d in text for d in DATES), text


def test_a_lone_dateline_still_goes(ctx: Context) -> None:
    doc, text = _de_clean(f"<h1>Lesung im Rathaus</h1><p>{DATES[0]}</p><p>{DE_INTRO}</p><p>{DE_END}</p>", ctx)
    assert DATES[0] not in text and DE_INTRO in text
    assert any(e.action == "drop" and e.text == DATES[0] and "date-line" in e.rule for e in doc.events)


def test_the_same_dates_go_on_the_text_path(ctx: Context) -> None:
    german = dataclasses.replace(ctx, settings=ctx.settings.with_languages("de"))
    doc = Document(id="d", source="a.txt", file="a.txt", metadata={"format": "txt"})
    doc = clean_document(doc, "\n".join(["Termine", DE_INTRO, *DATES, DE_END]).encode(), german)
    assert not any(d in final_text(doc) for d in DATES)


PROSE_DE = "".join(f"<p>{line}</p>" for line in [*HEADNOTES, DE_END])  # enough prose for precision mode to trim


def DIVS(lines: list[str]) -> str:
    return "".join(f"<div>{line}</div>" for line in lines)


def _table(rows: list[tuple[str, ...]]) -> str:
    return "<table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows) + "</table>"


TABLE_DE = _table(PHASES_DE)
LEVELS = [("Tag", "Maxau", "Kaub"), ("1", "512", "187"), ("2", "548", "203"), ("3", "601", "241")]  # numbers only
SERIES = "512, 548, 601, 633, 640"  # a series of values, not a counter
PACKING = ["Zelt / Tarp", "Schlafsack / Decke", "Kocher / Brennstoff"]  # pairs, not photo credits
STAGES = [("17.03.2025", "Abriss des Altbaus"), ("02.06.2025", "Beginn des Rohbaus"), ("15.04.2026", "Richtfest")]
SEASONING = ["Salz, Pfeffer, Muskat, Majoran", "Petersilie, Schnittlauch, Dill, Kerbel"]  # ends the page
DATED_DIVS = "".join(f"<div class='row'><div>{d}</div><div>{what}</div></div>" for d, what in STAGES)


@pytest.mark.parametrize(
    ("body", "needed"),
    [
        (f"<p>{DE_INTRO}</p><p>Teilen</p><h2>Zutaten</h2>{_items('ul', INGREDIENTS)}<p>{DE_END}</p>", INGREDIENTS),
        (f"<p>{DE_INTRO}</p><p>{DE_END}</p><h2>Zutaten</h2>{_items('ul', INGREDIENTS)}", INGREDIENTS),
        (f"<p>{DE_INTRO}</p>{TABLE_DE}<p>{DE_END}</p>", [c for row in PHASES_DE for c in row]),
        (
            f"<p>{DE_INTRO}</p><p>Leitsätze des Gerichts:</p>{_items('ol', HEADNOTES)}<p>{DE_END}</p>",
            ["Leitsätze des Gerichts:", *HEADNOTES],
        ),
        (f"<p>{DE_INTRO}</p><h2>Zutaten</h2>{DIVS(INGREDIENTS)}{PROSE_DE}", INGREDIENTS),
        (f"<p>{DE_INTRO}</p>{PROSE_DE}<h2>Zutaten</h2>{DIVS(INGREDIENTS)}", INGREDIENTS),
        (f"<p>{DE_INTRO}</p>{DIVS([' '.join(r) for r in PHASES_DE])}{PROSE_DE}", [PHASES_DE[1][0]]),
        (f"<p>{DE_INTRO}</p>{_table(LEVELS)}{PROSE_DE}", ["| 1 | 512 | 187 |", "| 3 | 601 | 241 |"]),
        (f"<p>{DE_INTRO}</p><p>Die Höchststände der Woche:</p><p>{SERIES}</p>{PROSE_DE}", [SERIES]),
        (f"<p>{DE_INTRO}</p><h2>Packliste</h2>{_items('ul', PACKING)}{PROSE_DE}", PACKING),
        (f"<p>{DE_INTRO}</p><p>Die Bauabschnitte:</p>{DATED_DIVS}{PROSE_DE}", [x for row in STAGES for x in row]),
        (f"<p>{DE_INTRO}</p>{PROSE_DE}<h2>Zum Abschmecken</h2>{_items('ul', SEASONING)}", SEASONING),
    ],
    ids=[
        "ingredients-after-a-share-button",
        "ingredients-ending-the-page",
        "table-of-phases",
        "headnotes",
        "ingredients-in-divs",
        "ingredients-in-divs-ending-the-page",
        "phases-in-divs",
        "table-of-numbers",
        "series-of-numbers",
        "packing-list-of-pairs",
        "dated-phases-in-divs",
        "comma-lists-ending-the-page",
    ],
)
def test_lists_tables_and_headnotes_survive(ctx: Context, body: str, needed: list[str]) -> None:
    doc, text = _de_clean(body, ctx)
    assert doc.status == "ok" and all(n in text for n in needed), text


TEASERS_DE = [f"Weitere Nachrichten aus dem Landkreis, Folge {n}" for n in range(8)]


def test_teaser_links_after_the_article_are_trimmed(ctx: Context) -> None:
    article = "".join(f"<p>{line}</p>" for line in [DE_INTRO, *HEADNOTES, DE_END])
    teasers = "".join(f"<p><a href='/n/{n}'>{t}</a></p>" for n, t in enumerate(TEASERS_DE))
    doc, text = _de_clean(f"<h1>Kulturverein</h1>{article}{teasers}", ctx)
    assert DE_INTRO in text and DE_END in text and not any(t in text for t in TEASERS_DE), text
    assert [e.rule for e in doc.events if e.action == "extract"] == ["input.html.precision-trim"]


TITLE_EN = "Harbour town votes to rebuild its old sea wall"
STORY_EN = [
    "The council voted on Tuesday to rebuild the crumbling sea wall that has protected the harbour since 1890.",
    "Engineers told councillors that two winter storms had loosened the stones along two hundred metres.",
    "The work will cost about four million pounds, shared between the county, the town and a coastal protection fund.",
    "Fishermen who moor their boats behind the wall welcomed the decision but asked for no works in summer.",
    "The mayor said that a barrier of rock bags would be placed along the weakest part before the next storms.",
    "A public meeting on the timetable is planned for next month in the town hall, where the plans will be on display.",
    "Residents of the streets nearest the harbour will receive letters explaining which roads close during the works.",
    "The old wall was last repaired in the sixties, after a storm surge flooded the lower town and its market.",
    "Local schools plan to visit the site so that pupils can see how the new stones are cut and laid.",
    "The harbour master expects the first boats to return to their usual moorings by the end of next year.",
]


def _titled_page(title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}</article></body></html>"


@pytest.fixture
def en_ctx(ctx: Context) -> Context:
    return dataclasses.replace(ctx, settings=ctx.settings.with_languages("en"))


def test_the_page_title_leaves_the_text_for_the_title_field(en_ctx: Context) -> None:
    doc = _clean(_titled_page(TITLE_EN, STORY_EN), en_ctx)
    text = final_text(doc)
    assert doc.status == "ok" and doc.title == TITLE_EN and TITLE_EN not in text and STORY_EN[0] in text, text
    assert [e.rule for e in doc.events if e.text == TITLE_EN] == ["generic.context.title"]


def test_the_page_title_stays_above_a_short_text(en_ctx: Context) -> None:
    doc = _clean(_titled_page(TITLE_EN, STORY_EN[:3]), en_ctx)
    assert doc.status == "ok" and TITLE_EN in final_text(doc)


def test_a_closing_heading_above_more_article_takes_only_itself(en_ctx: Context) -> None:
    story = [*STORY_EN[:6], "More Politics", *STORY_EN[6:]]  # the box itself removed by trafilatura
    doc = _clean(_titled_page(TITLE_EN, story), en_ctx)
    text = final_text(doc)
    assert "More Politics" not in text and all(p in text for p in STORY_EN), text


def test_a_closing_heading_above_teasers_takes_them(en_ctx: Context) -> None:
    teasers = ["Other Local Stories", "Ferry fares rise again", "Operators blame fuel for a third rise this year."]
    doc = _clean(_titled_page(TITLE_EN, [*STORY_EN, *teasers]), en_ctx)
    text = final_text(doc)
    assert all(p in text for p in STORY_EN) and not any(t in text for t in teasers), text


def test_a_rail_of_popular_pieces_takes_its_headlines_only(en_ctx: Context) -> None:
    rail = ["Trending on Harbour News", "Ferry fares rise again", "Lifeboat crew saves two walkers"]
    doc = _clean(_titled_page(TITLE_EN, [*STORY_EN[:5], *rail, *STORY_EN[5:]]), en_ctx)
    text = final_text(doc)
    assert all(p in text for p in STORY_EN) and not any(r in text for r in rail), text
