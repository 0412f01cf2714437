"""The HTML path's extraction: tables kept, and the recall-mode second opinion (pipeline/html.py)."""

from __future__ import annotations

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
