"""The real-page measure's pieces: the shingle metric, the C4 baseline, the split's pages."""

from __future__ import annotations

import pytest

from pipeline.evaluation.c4 import c4_lines
from pipeline.evaluation.metric import macro, page_scores
from pipeline.evaluation.pages import SPLITS, load_pages
from tests.conftest import SHARED

ARTICLE = "The council met on Monday and voted for the new bridge over the river after a long debate."


def test_identical_texts_score_one() -> None:
    assert page_scores(ARTICLE, ARTICLE) == (1.0, 1.0)


def test_chrome_costs_precision_and_missing_text_costs_recall() -> None:
    p, r = page_scores(ARTICLE + "\nShare this on Facebook Twitter and email it now", ARTICLE)
    assert p is not None and p < 1.0 and r == 1.0
    p, r = page_scores(ARTICLE[:40], ARTICLE)
    assert p == 1.0 and r < 1.0


def test_empty_prediction_counts_for_recall_only() -> None:
    score = macro([("", ARTICLE), (ARTICLE, ARTICLE)])
    assert (score.pages, score.precision, score.recall) == (2, 1.0, 0.5)


def test_c4_keeps_sentences_and_drops_menus() -> None:
    page = (
        "Home\nNews\nSport\n"
        + "\n".join(f"Sentence number {i} is here." for i in range(5))
        + "\nEnable Javascript now."
    )
    kept = c4_lines(page).splitlines()
    assert kept == [f"Sentence number {i} is here." for i in range(5)]


def test_c4_discards_short_pages_and_code() -> None:
    assert c4_lines("One sentence here.\nTwo sentences here.") == ""
    assert c4_lines("\n".join(["A full sentence is here."] * 6) + "\nfunction f() { return 1; }") == ""


@pytest.mark.skipif(not (SHARED / "realpages").exists(), reason="real pages not beside the repo")
def test_split_pages_load_with_references() -> None:
    pages = list(load_pages(SHARED, ("test",)))
    assert pages and all(p.split == "test" and p.reference for p in pages)
    assert {p.group for p in pages} == {"realpages", "wcxb", "aeb"}
    assert SPLITS == ("train", "dev", "test")
