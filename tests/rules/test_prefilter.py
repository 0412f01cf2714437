"""Pattern prefilters are sound: a line without any of a pattern's required strings never matches it."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core import Context
from pipeline.rules.features import line_key
from pipeline.rules.prefilter import _safe, required_literals
from tests.conftest import DEVSET, SEEDS


def compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"^(?=.*\bcookies?\b)(?=.*\bnous\b)", {"cookie"}),
        (r"\b(tous droits réservés|all rights reserved)\b", {"tous droits réservés", "all rights reserved"}),
        (r"^(lire|voir) aussi\b", {" aussi"}),
        (r"^(par|by)\s+\w+", None),  # "by" is too short to be worth a test
        (r"^\d+$", None),
        (r"^(abc)?def", {"def"}),  # an optional group requires nothing
        (r"^(x|abcd)efgh", {"efgh"}),
        (r"(abcd)+", {"abcd"}),
        (r"(abcd)*x", None),
        (r"Crédit PHOTO", {"crédit photo"}),
    ],
)
def test_required_literals(pattern: str, expected: set[str] | None) -> None:
    got = required_literals(compiled(pattern))
    assert (None if got is None else set(got)) == expected


def test_every_character_a_literal_matches_is_found_in_the_key() -> None:
    """Case-insensitive matching reaches characters like K (Kelvin) or ı: after line_key, the
    literal's lower case form must still be in the key wherever the pattern would match."""
    literals = [chr(i) for i in range(0x20, 0x250) if _safe(chr(i))]
    subjects = [chr(i) for i in range(0x80, 0x2200)] + ["\u212a", "\u212b", "\u1e9e", "\ufb05", "\ufb06"]
    for c in literals:
        rx = re.compile(re.escape(c), re.IGNORECASE)
        for s in subjects:
            if rx.fullmatch(s):
                assert c.lower() in line_key(s), (c, s)


def pack_patterns(ctx: Context) -> list[re.Pattern[str]]:
    return [p for pack in ctx.rules.all_packs() for rule in pack.rules for p in rule.patterns]


def test_sound_on_every_pack_pattern_over_real_lines(ctx: Context) -> None:
    pages = [*SEEDS.glob("*.txt"), *DEVSET.rglob("*.txt")]
    lines = {line for page in pages for line in page.read_text(encoding="utf-8").splitlines() if line.strip()}
    lines |= {ex for pack in ctx.rules.all_packs() for rule in pack.rules for ex in rule.examples_match}
    keys = sorted({line_key(line) for line in lines})
    checked = 0
    for p in pack_patterns(ctx):
        need = required_literals(p)
        if need is None:
            continue
        for key in keys:
            if p.search(key):
                assert any(s in key for s in need), (p.pattern, key)
                checked += 1
    assert checked > 50


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_sound_on_generated_lines(ctx: Context, data: st.DataObject) -> None:
    """Lines built from rule examples with letters changed in case, accents and spacing."""
    examples = sorted({ex for pack in ctx.rules.all_packs() for rule in pack.rules for ex in rule.examples_match})
    line = data.draw(st.sampled_from(examples))
    noise = data.draw(st.lists(st.sampled_from(["", " ", "É", "ı", "K", "ſ", "\u00a0", "’", "x"]), max_size=3))
    at = data.draw(st.integers(0, len(line)))
    line = data.draw(st.sampled_from([line.upper(), line.lower(), line.title(), line]))
    line = line[:at] + "".join(noise) + line[at:]
    key = line_key(line)
    for p in pack_patterns(ctx):
        need = required_literals(p)
        if need is not None and p.search(key):
            assert any(s in key for s in need), (p.pattern, key)
