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


@pytest.mark.parametrize(
    "line",
    ["www.example.org", "https://example.org/a/b", "example.org", "  example.org  ", "ex\u00a8ample.org",
     "example .org", "Weiter lesen auf example.org", "Teilen", "a" * 1200 + ".org", " " * 995 + "abcdef.org"],
)  # fmt: skip
def test_link_lines_meet_the_link_rules(ctx: Context, line: str) -> None:
    """A feature rule asking for a link-like line is tried only on lines without a space."""
    matcher = ctx.rules.matcher(None)
    for zone in ("head", "body", "tail"):
        feats = LineFeatures.of(line)
        key = line_key(line)
        assert matcher.first(key, feats, zone) is matcher.first_slowly(key, feats, zone), (zone, line)
    assert any(rule.id == "generic.shape.link-only" for rule in matcher.rules)


def test_a_line_no_positional_rule_can_match_gets_one_answer_anywhere(ctx: Context) -> None:
    """`Matcher.positional` False: every rule, tried in order, gives the same answer at any position
    (so a later run that only moves the line need not try the rules again)."""
    pages = [*SEEDS.glob("*.txt"), *DEVSET.rglob("*.txt")]
    lines = {line for page in pages for line in page.read_text(encoding="utf-8").splitlines() if line.strip()}
    # headings of the positional rules, bare and after a bullet, so that both answers are checked
    lines |= {"3 comments", "- 3 comments", "Das könnte Sie auch interessieren", "Leserkommentare", "à voir aussi"}
    free = positional = 0
    for site in [None, *ctx.rules.sites]:
        matcher = ctx.rules.matcher(site)
        for line in sorted(lines):
            key, feats = line_key(line), LineFeatures.of(line)
            for zone in ("head", "body", "tail"):
                answers = set()
                for pos in (0.0, 0.46, 0.5, 1.0):
                    feats.pos = pos
                    answers.add(matcher.first_slowly(key, feats, zone))
                positional_line = matcher.positional(key, feats, zone)
                assert feats.pos == 1.0  # put back where it was
                if positional_line:
                    positional += 1
                else:
                    assert len(answers) == 1, (site, zone, line)
                    free += 1
    assert free > 5000 and positional > 10


def test_matches_at_is_matches_at_one_of_the_positions(ctx: Context) -> None:
    """`Rule.matches_at` tests the text once: the answer of `matches` tried at each position."""
    lines = ["3 comments", "Leserkommentare", "à voir aussi", "Read more", "a sentence of a few words.", ""]
    matcher = ctx.rules.matcher(None)
    rules = [r for r in matcher.rules if r.when][:40] + [r for r, _ in matcher._positional_rules]
    for rule in rules:
        for line in lines:
            key, feats = line_key(line), LineFeatures.of(line)
            feats.pos = 0.25
            for zone in ("head", "body", "tail"):
                for positions in ([], [0.0], [0.0, 0.5, 1.0], matcher._positions):
                    expected = False
                    for pos in positions:
                        feats.pos = pos
                        expected = expected or rule.matches(key, feats, zone)
                    feats.pos = 0.25
                    assert rule.matches_at(key, feats, zone, positions) == expected, (rule.id, line, zone)
                    assert feats.pos == 0.25


def test_position_key_is_what_the_conditions_say(ctx: Context) -> None:
    matcher = ctx.rules.matcher(None)
    feats = LineFeatures.of("a line")
    for step in [*range(101), *range(100, -1, -1)]:  # (the second time, from the memo)
        feats.pos = step / 100
        assert matcher.position_key(feats) == tuple(c.holds(feats) for c in matcher.position_conditions)
    keys = set()
    for pos in (0.0, 0.47, 1.0):  # under both thresholds, between them, over both
        feats.pos = pos
        keys.add(matcher.position_key(feats))
    assert len(keys) == 3
