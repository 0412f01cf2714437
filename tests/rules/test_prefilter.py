"""Pattern prefilters are sound: a line without any of a pattern's required strings never matches
it, and a pattern run without IGNORECASE (case_neutral) answers as it would with it, on keys."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core import Context
from pipeline.rules.features import line_key
from pipeline.rules.prefilter import (
    _lower_safe,
    _safe,
    case_neutral,
    first_prefixes,
    key_lengths,
    last_suffixes,
    required_chars,
    required_literals,
    required_strings,
    spaceless,
)
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
    literals = [chr(i) for i in [*range(0x20, 0x250), *range(0x400, 0x530)] if _safe(chr(i))]
    subjects = [chr(i) for i in [*range(0x80, 0x2200), *range(0x1C80, 0x1C90), *range(0xA640, 0xA6A0)]]
    subjects += ["\u212a", "\u212b", "\u1e9e", "\ufb05", "\ufb06"]
    for c in literals:
        rx = re.compile(re.escape(c), re.IGNORECASE)
        for s in subjects:
            if rx.fullmatch(s):
                assert c.lower() in line_key(s), (c, s)


def pack_patterns(ctx: Context) -> list[re.Pattern[str]]:
    return [p for pack in ctx.rules.all_packs() for rule in pack.rules for p in rule.patterns]


def real_keys(ctx: Context) -> list[str]:
    """The keys of every line of the seeds and dev pages, and of every rule's match examples."""
    pages = [*SEEDS.glob("*.txt"), *DEVSET.rglob("*.txt")]
    lines = {line for page in pages for line in page.read_text(encoding="utf-8").splitlines() if line.strip()}
    lines |= {ex for pack in ctx.rules.all_packs() for rule in pack.rules for ex in rule.examples_match}
    return sorted({line_key(line) for line in lines})


@pytest.mark.parametrize("required", [required_literals, required_chars, required_strings])
def test_sound_on_every_pack_pattern_over_real_lines(ctx: Context, required: Callable[..., Any]) -> None:
    """Whatever a pattern is said to need (strings, or punctuation), every line it matches holds."""
    keys = real_keys(ctx)
    checked = 0
    for p in pack_patterns(ctx):
        need = required(p)
        if need is None:
            continue
        for key in keys:
            if p.search(key):
                assert any(s in key for s in need), (p.pattern, key)
                checked += 1
    assert checked > 50


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"^[^|.!?]{1,60}(\s\|\s[^|!?]{1,60})+$", {"|"}),
        (r"^[^.!?]{3,140}\(\d{1,6}\)$", {"("}),
        (r"^(accueil|home)\s*[/>›»]\s*\w+", {"/", ">", "›", "»"}),
        (r"^\S+@\S+\.[a-z]{2,6}$", {"@"}),  # "." is common in prose: the rarer "@" is chosen
        (r"^(\[|\()video", {"[", "("}),
        (r"^(x|\()y", None),  # one alternative needs no punctuation
        (r"^[^|]+$", None),  # a negated class needs nothing
        (r"^a(\|)?b", None),  # nor does an optional group
    ],
)
def test_required_chars(pattern: str, expected: set[str] | None) -> None:
    got = required_chars(compiled(pattern))
    assert (None if got is None else set(got)) == expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"^(par|by)\s+\w+", {"par", "by"}),  # short strings count for a one-pass search
        (r"^(©|\(c\)|copyright)\s*.{0,100}$", {"©", "(c)", "copyright"}),  # and marks
        (r"^(ab|cd\w*)$", {"ab", "cd"}),
        (r"^(a|b\w*)xy$", {"xy"}),  # a single letter is in nearly every line: not worth a test
        (r"^(a|b\w*)$", None),
        (r"^(x|\w)yz$", {"yz"}),
        (r"^\d+$", None),
        (r"^(x|\d)+$", None),
    ],
)
def test_required_strings(pattern: str, expected: set[str] | None) -> None:
    got = required_strings(compiled(pattern))
    assert (None if got is None else set(got)) == expected


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
        chars = required_chars(p)
        if chars is not None and p.search(key):
            assert any(c in key for c in chars), (p.pattern, key)
        strings = required_strings(p)
        if strings is not None and p.search(key):
            assert any(s in key for s in strings), (p.pattern, key)
        lengths = key_lengths(p)
        if lengths is not None and p.search(key):
            assert lengths[0] <= len(key) <= lengths[1], (p.pattern, key)
        if spaceless(p) and p.search(key):
            assert " " not in key, (p.pattern, key)
        ends = last_suffixes(p)
        if ends is not None and p.search(key):
            assert key[-1:] in ends or key[-2:] in ends, (p.pattern, key)


@pytest.mark.parametrize(
    ("pattern", "neutral"),
    [
        (r"^(teilen|partager|поделитьcя)\s*:?$", True),
        (r"^[^\W\d]{2,13}\.? \d{1,2}º", True),
        (r"^[A-Z]{2,6}$", False),  # upper case: only IGNORECASE lets it match a key
        (r"^Édition$", False),
        (r"^[^A-Z]+$", False),  # a negated upper-case class means the opposite without IGNORECASE
        (r"^ảnh \d+$", False),  # Latin Extended Additional: not checked, so left to IGNORECASE
        (r"(a)\1", False),
    ],
)
def test_case_neutral(pattern: str, neutral: bool) -> None:
    assert case_neutral(compiled(pattern)) is neutral


def test_case_neutral_characters_reach_no_other_key_character() -> None:
    """A character case_neutral accepts matches, case-insensitively, no other character that can
    stand in a key (keys are NFKC-normalised and casefolded)."""
    accepted = [chr(i) for i in [*range(0x20, 0x250), *range(0x400, 0x530), 0xBA, 0x2026] if _lower_safe(chr(i))]
    subjects = [chr(i) for i in [*range(0x20, 0x2200), *range(0x1C80, 0x1C90), *range(0xA640, 0xA6A0), 0x212A]]
    stable = [s for s in subjects if line_key(s) == s]
    for c in accepted:
        rx = re.compile(re.escape(c), re.IGNORECASE)
        assert {s for s in stable if rx.fullmatch(s)} <= {c}, c


def test_case_neutral_patterns_answer_the_same_without_ignorecase(ctx: Context) -> None:
    pages = [*SEEDS.glob("*.txt"), *DEVSET.rglob("*.txt")]
    lines = {line for page in pages for line in page.read_text(encoding="utf-8").splitlines() if line.strip()}
    rules = [rule for pack in ctx.rules.all_packs() for rule in pack.rules]
    lines |= {ex for rule in rules for ex in (*rule.examples_match, *rule.examples_keep)}
    keys = sorted({line_key(line) for line in lines})
    neutral = [p for p in pack_patterns(ctx) if case_neutral(p)]
    assert len(neutral) > 100
    for p in neutral:
        plain = re.compile(p.pattern, p.flags & ~re.IGNORECASE)
        for key in keys:
            assert bool(p.search(key)) == bool(plain.search(key)), (p.pattern, key)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"^(teilen|share)\s*:?$", {"te", "sh"}),
        (r"^(a|b)?cd", {"ac", "bc", "cd"}),
        (r"^(>\s*)?(lesen sie|lies) auch", {"> ", ">l", "le", "li"}),
        (r"^\d+ comments", set("0123456789")),
        (r"^(x|yz)", {"x", "yz"}),  # after "x" anything may follow
        (r"^(?=.*cookie)", None),
        (r"^[^\W\d]{2,5} x", None),
        (r"lesen sie auch", None),  # not anchored
    ],
)
def test_first_prefixes(pattern: str, expected: set[str] | None) -> None:
    got = first_prefixes(compiled(pattern))
    assert (None if got is None else {p for p in got if p == p.lower()}) == expected


@pytest.mark.parametrize(
    ("affixes", "edges"),
    [(first_prefixes, lambda key: (key[:1], key[:2])), (last_suffixes, lambda key: (key[-1:], key[-2:]))],
    ids=["first_prefixes", "last_suffixes"],
)
def test_affixes_sound_on_every_pack_pattern(
    ctx: Context, affixes: Callable[[re.Pattern[str]], Any], edges: Callable[[str], tuple[str, str]]
) -> None:
    """Every key a pack pattern matches starts (ends) with one of the prefixes (suffixes) the
    Matcher files it under."""
    keys = real_keys(ctx)
    checked = 0
    for p in pack_patterns(ctx):
        filed = affixes(p)
        if filed is None:
            continue
        for key in keys:
            if p.search(key):
                one, two = edges(key)
                assert one in filed or two in filed, (p.pattern, key)
                checked += 1
    assert checked > 200


@pytest.mark.parametrize(
    ("pattern", "lengths", "no_space"),
    [
        ("^(?=.*\\d)[a-z0-9_=&?-]{20,}$", (20, float("inf")), True),
        ("^[^\\w]{1,20}$", (1, 20), False),  # \W holds the space
        ("^(partager|teilen)$", (6, 8), True),
        ("^(?:ab|c){2}\\Z", (2, 4), True),
        ("^[^\\W\\d]+\\.?$", (1, float("inf")), True),
        ("^a.b$", (3, 3), False),
        ("^[^x]+$", (1, float("inf")), False),
        ("^\\w+(?: \\w+)?$", (1, float("inf")), False),
        ("^share", None, False),  # not bound at its end
        ("^a$|^bc$", None, False),  # the anchors bind the alternatives, not the whole
        ("(a)\\1", None, False),
    ],
)
def test_key_lengths_and_spaceless(pattern: str, lengths: tuple[int, float] | None, no_space: bool) -> None:
    assert key_lengths(compiled(pattern)) == lengths
    assert spaceless(compiled(pattern)) is no_space


def test_key_lengths_and_spaceless_sound_on_every_pack_pattern(ctx: Context) -> None:
    """Every key a pack pattern matches has a length in its bounds, and no space if it is spaceless."""
    keys = real_keys(ctx)
    keys += [k[:n] for k in keys[:2000] for n in (1, 5, 20, 21)]  # short keys meet the lower bounds
    checked = 0
    for p in pack_patterns(ctx):
        lengths, no_space = key_lengths(p), spaceless(p)
        if lengths is None and not no_space:
            continue
        for key in keys:
            if p.search(key):
                assert lengths is None or lengths[0] <= len(key) <= lengths[1], (p.pattern, key)
                assert not no_space or " " not in key, (p.pattern, key)
                checked += 1
    assert checked > 200


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("(weiterlesen|read more)$", {"en", "re"}),
        ("[\\w,;]\\s*\\[\\.\\.\\.\\]$", {".]"}),
        ("(?<=a)b$", {"b"}),  # a lookbehind: the suffix stops there
        ("x(?:ab)+$", {"ab"}),
        ("b(?=c)$", None),
        ("^a.{0,10}$", None),
        ("(a|b$)", None),  # not bound at its end
    ],
)
def test_last_suffixes(pattern: str, expected: set[str] | None) -> None:
    got = last_suffixes(compiled(pattern))
    assert (None if got is None else {p for p in got if p == p.lower()}) == expected
