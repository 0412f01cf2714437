"""The chrome probes (`bench/chrome_probes.py`, data in `tests/data/probes/`): every family of
chrome in every language goes on the text path, and every article line stays."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.core import Context
from tests.conftest import bench_module

with bench_module("chrome_probes") as chrome_probes:
    PROBES = chrome_probes.load()


def _name(probe: Any) -> str:
    return f"{probe.lang}-{probe.family}-{probe.place}-{probe.layout}"


def test_every_language_has_every_family() -> None:
    langs = {p.lang for p in PROBES}
    assert {"de", "en", "es", "fr", "it", "nl", "pl", "pt", "ru"} <= langs
    for lang in langs:
        assert {p.family for p in PROBES if p.lang == lang} == set(chrome_probes.FAMILIES), lang


@pytest.mark.parametrize("probe", PROBES, ids=[_name(p) for p in PROBES])
def test_the_chrome_goes_and_the_article_stays(ctx: Context, probe: Any) -> None:
    result = chrome_probes.run(ctx, probe)
    assert result.lost == [], "article lines dropped"
    if result.gap:  # a layout known to leave chrome: the note must stay true
        assert result.left, f"the noted gap is closed, remove its note: {result.gap}"
    else:
        assert result.left == [], "chrome kept"


def test_the_table_counts_every_probe(ctx: Context) -> None:
    probes = [chrome_probes.run(ctx, p) for p in chrome_probes.load()[:14]]
    table = chrome_probes.table(probes)
    assert table.splitlines()[0].split() == ["family", probes[0].lang]
    assert f"/{len(probes)} probes pass" in table
