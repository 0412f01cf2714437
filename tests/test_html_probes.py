"""The HTML probes (`bench/html_probes.py`, pages in `tests/data/probes/html/`): the furniture an
extractor keeps inside an article's body goes on the HTML path and every article line stays; a
noted gap still leaves its chrome and a noted loss still loses its line."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.core import Context
from tests.conftest import bench_module

with bench_module("html_probes") as html_probes:
    PAGES = html_probes.load()


def test_german_first_and_three_more_languages() -> None:
    langs = {p.name.split("-")[0] for p in PAGES}
    assert {"de", "es", "fr", "pl"} <= langs
    assert sum(p.name.startswith("de-") for p in PAGES) >= 4


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_the_chrome_goes_and_the_article_stays(ctx: Context, page: Any) -> None:
    result = html_probes.run(ctx, page)
    assert result.lost == [], "article lines dropped"
    assert result.left == [], "chrome kept"
    assert result.closed == [], "a noted gap or loss no longer holds: mark the element c or unmark it"


def test_a_wrong_mark_is_refused() -> None:
    page = b'<html><body><article><p data-probe="x">Teilen</p></article></body></html>'
    with pytest.raises(ValueError, match="data-probe is c, g or l"):
        html_probes.parse("x", page)


def test_marked_elements_and_plain_paragraphs_are_told_apart() -> None:
    page = html_probes.parse(
        "x",
        b"<html><body><article><h1>Titel</h1><p>Ein Satz des Artikels.</p>"
        b'<figure><figcaption><span data-probe="c">Bild 1 von 3</span></figcaption></figure>'
        b'<p data-probe="g">Anna Berg</p></article></body></html>',
    )
    assert page.lines == [("T", "Titel"), ("A", "Ein Satz des Artikels."), ("C", "Bild 1 von 3"), ("G", "Anna Berg")]
