"""First-match lookup over an ordered list of rules, fast enough to run on every line.

The answer is always the one of trying every rule in order (`first_slowly`, the tests' reference);
shortcuts only skip rules that cannot match:
- exact-string rules (the learned ones, mostly) are found with one dictionary lookup;
- an anchored pattern (`^(partager|facebook|...)`) can only match a line whose key starts with one
  of a few two-character prefixes ("pa", "fa"; rules/prefilter.py works them out), and a rule's
  zone and word bound rule out whole classes of lines. So for each first two characters, zone
  and line length the rules worth trying are listed once, in order, and a line is tried against
  that list only;
- inside a rule, patterns that would scan the whole line are skipped when none of the strings
  they require is in it (Rule.matches, rules/prefilter.py).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

from pipeline.rules.features import LineFeatures
from pipeline.rules.model import Rule
from pipeline.rules.prefilter import PREFIX_CHARS, first_prefixes, union_or_none

# (index, rule, its text test when the list's zone and word bound leave nothing else to check)
Candidates = list[tuple[int, Rule, Callable[[str], object] | None]]
MEMO_MAX_CHARS = 160
MEMO_SIZE = 32_768  # entries; the memo is emptied when full, so memory stays bounded
_MISSING = object()


class Matcher:
    def __init__(self, rules: list[Rule]) -> None:
        self.rules = [r for r in rules if r.kind != "context"]
        self.exact: dict[str, int] = {}
        for i, rule in enumerate(self.rules):
            for key in rule.exact:
                self.exact.setdefault(key, i)
        # Rules that only list exact strings are found through `exact`; the others are candidates.
        self.tried = [(i, r) for i, r in enumerate(self.rules) if r.patterns or not r.exact]
        self.starts = [_starts(r) for _, r in self.tried]
        # Lines with the same number of words between two consecutive word bounds share a list.
        self.bounds = sorted({int(r.max_words) for _, r in self.tried if r.max_words is not None})
        self._lists: dict[tuple[str, str, int], Candidates] = {}
        self.position_conditions = sorted({c for r in self.rules for c in r.when if c.feature == "pos"}, key=repr)
        self._memo: dict[tuple[str, str, str, tuple[bool, ...]], Rule | None] = {}

    def first(self, key: str, feats: LineFeatures, zone: str) -> Rule | None:
        """The first rule, in order, that matches the line; None if none does.

        Short lines (chrome: the same few hundred per site, again and again) are answered from a
        bounded memo: the answer depends only on the line, its zone and which position
        conditions it meets."""
        if feats.chars > MEMO_MAX_CHARS:
            return self._first(key, feats, zone)
        slot = (key, feats.text, zone, tuple(c.holds(feats) for c in self.position_conditions))
        found = self._memo.get(slot, _MISSING)
        if found is _MISSING:
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            found = self._memo[slot] = self._first(key, feats, zone)
        return found  # type: ignore[return-value]

    def _first(self, key: str, feats: LineFeatures, zone: str) -> Rule | None:
        hit = self.exact.get(key, len(self.rules))
        for i, rule, test in self.candidates(key[:PREFIX_CHARS], zone, feats.words):
            if i >= hit:
                break
            if test(key) if test is not None else rule.matches(key, feats, zone):
                return rule
        for rule in self.rules[hit:]:  # the hit may fail its zone or conditions: go on in order
            if rule.matches(key, feats, zone):
                return rule
        return None

    def candidates(self, first: str, zone: str, words: int) -> Candidates:
        """The rules, in order, that can match a line whose key starts with `first` (its first
        PREFIX_CHARS characters) in `zone` with `words` words."""
        slot = (first, zone, bisect.bisect_left(self.bounds, words))
        found = self._lists.get(slot)
        if found is None:
            found = self._lists[slot] = [
                (i, r, r.text_test)
                for (i, r), starts in zip(self.tried, self.starts, strict=True)
                if (starts is None or first[:1] in starts or first in starts)
                and r.zone_allows(zone)
                and (r.max_words is None or words <= r.max_words)
            ]
        return found

    def first_slowly(self, key: str, feats: LineFeatures, zone: str) -> Rule | None:
        """The same answer by trying every rule in order (the reference for the tests)."""
        return next((r for r in self.rules if r.matches(key, feats, zone)), None)


def _starts(rule: Rule) -> frozenset[str] | None:
    """Prefixes one of which a line's key must start with for the rule's text to match; None: any
    (or no pattern)."""
    if not rule.patterns:
        return None  # feature rules look at shape, not text
    return union_or_none(first_prefixes(p) for p in rule.patterns)
