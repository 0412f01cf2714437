"""The indexed first-match lookup gives exactly the answer of trying every rule in order."""

from __future__ import annotations

import re

import pytest

from pipeline.core import Context
from pipeline.rules.features import LineFeatures, line_key
from pipeline.rules.prefilter import first_chars
from tests.conftest import DEVSET, SEEDS


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("^(partager|facebook)$", set("pPfF")),
        ("^(>\\s*)?(lire|voir) aussi", set(">lLvV")),
        ("^[\\d\\s.,]+$", set("0123456789 .,")),
        ("^\\bx", set("xX")),
        ("cookies", None),
        ("^.*x", None),
        ("^a|b", None),
        ("^(a)?", None),
    ],
)
def test_first_chars(pattern: str, expected: set[str] | None) -> None:
    got = first_chars(re.compile(pattern, re.IGNORECASE))
    assert (None if got is None else set(got)) == expected


def test_lookup_equals_trying_every_rule(ctx: Context) -> None:
    pages = [*SEEDS.glob("*.txt"), *DEVSET.rglob("*.txt")]
    lines = {line for page in pages for line in page.read_text(encoding="utf-8").splitlines() if line.strip()}
    sites = [None, *ctx.rules.sites]
    checked = 0
    for site in sites:
        matcher = ctx.rules.matcher(site)
        for line in sorted(lines):
            for zone, pos in (("head", 0.0), ("body", 0.5), ("tail", 1.0)):
                feats = LineFeatures.of(line)
                feats.pos = pos
                key = line_key(line)
                fast, slow = matcher.first(key, feats, zone), matcher.first_slowly(key, feats, zone)
                assert fast is slow, (site, zone, line)
                checked += 1
    assert checked > 5000
