"""The whole-page probes (`bench/page_probes.py`, pages in `tests/data/probes/pages/`): on
hand-written pages of small sites, every chrome line goes on the text path and every article
line stays; a noted gap still leaves its chrome and a noted loss still loses its line."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.core import Context
from tests.conftest import bench_module

with bench_module("page_probes") as page_probes:
    PAGES = page_probes.load()


def test_every_language_has_a_page() -> None:
    langs = {p.name.split("-")[0] for p in PAGES}
    assert {"de", "en", "es", "fr", "it", "nl", "pl", "pt", "ru"} <= langs
    assert sum(p.name.startswith("de-") for p in PAGES) >= 5  # German first and deepest


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_the_chrome_goes_and_the_article_stays(ctx: Context, page: Any) -> None:
    result = page_probes.run(ctx, page)
    assert result.lost == [], "article lines dropped"
    assert result.left == [], "chrome kept"
    assert result.closed == [], "a noted gap or loss no longer holds: mark the line C or A"


def test_an_unmarked_line_is_refused() -> None:
    with pytest.raises(ValueError, match="starts with one of"):
        page_probes.parse("x", "A An article line.\nno part marks this line\n")


def test_the_table_counts_every_page(ctx: Context) -> None:
    pages = [page_probes.run(ctx, p) for p in page_probes.load()[:2]]
    table = page_probes.table(pages)
    assert table.splitlines()[0].split()[:2] == ["page", "chrome"]
    assert f"/{len(pages)} pages pass" in table
