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
  they require is in it (Rule.matches, rules/prefilter.py);
- those strings, and the punctuation other patterns require ("|" for a pipe menu), are looked
  for in a line all at once (one Aho-Corasick pass): a rule whose text needs what the line does
  not hold is left out of the line's list before any rule is tried. Short strings count there
  (`required_strings`), and a feature rule asking for a link-like line is left out for a line
  with a space.
"""

from __future__ import annotations

import bisect
import functools
import operator
from collections.abc import Callable

import ahocorasick

from pipeline.rules.features import LineFeatures
from pipeline.rules.model import Condition, Rule
from pipeline.rules.prefilter import (
    COMMON_MARKS,
    PREFIX_CHARS,
    Source,
    first_prefixes,
    required_chars,
    required_literals,
    required_strings,
    union_or_none,
)

# (index, rule, its text test when the list's zone and word bound leave nothing else to check)
Test = Callable[[str], object] | None
Candidates = list[tuple[int, Rule, Test]]
Starts = frozenset[str] | None
MEMO_MAX_CHARS = 160
MEMO_SIZE = 32_768  # entries; the memo is emptied when full, so memory stays bounded
_MISSING = object()
_NOTHING: frozenset[str] = frozenset()
_MARK = operator.itemgetter(1)
# A mark no text holds: `_first` adds it for a line whose text holds no space, the one gate of
# the rules that ask for a link-like line (LineFeatures.link_like: no space, a link's shape).
_UNSPACED_GATE = frozenset({"\x00unspaced"})
_LINK_LIKE = Condition("link_like", "is", True)
SECTION_HEADING = "section-heading"  # the rule role (rules/loader.py MATCH_ROLES)


class Matcher:
    def __init__(self, rules: list[Rule]) -> None:
        # Context rules name code's decisions; section headings are asked apart (heads_section).
        self.rules = [r for r in rules if r.kind != "context" and r.role != SECTION_HEADING]
        self.sections = [r for r in rules if r.role == SECTION_HEADING]
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
        self._shared: dict[tuple[int, ...], Candidates] = {}
        self._heads: dict[tuple[str, str, int], list[tuple[int, Rule, Test, Starts]]] = {}
        self._zones: dict[tuple[str, int], list[tuple[int, Rule, Test, Starts, Starts]]] = {}
        # What a line must hold for a rule's text to match (None: not known), and the lists of
        # rules left once what a line holds is known.
        self.gates = [_gate(r) for _, r in self.tried]
        self._marks = _automaton({m for g in self.gates if g for m in g} - _UNSPACED_GATE)
        self._gated: dict[tuple[int, frozenset[str]], Candidates] = {}  # by (id of a shared list, marks)
        self.position_conditions = sorted({c for r in self.rules for c in r.when if c.feature == "pos"}, key=repr)
        self._memo: dict[tuple[str, str, str, tuple[bool, ...]], Rule | None] = {}
        self._where: dict[float, tuple[bool, ...]] = {}  # `position_key` by position

    def position_key(self, feats: LineFeatures) -> tuple[bool, ...]:
        """Which of the rules' position conditions the line meets (`Condition.holds` on its `pos`,
        written out: this runs for every line of every pass)."""
        pos = feats.pos
        key = self._where.get(pos)  # (a page of n lines has n positions: they recur across pages)
        if key is None:
            tests = self._pos_tests
            key = tuple([pos >= v if op == "min" else pos <= v if op == "max" else pos == v for op, v in tests])
            if len(self._where) >= 4096:
                self._where.clear()
            self._where[pos] = key
        return key

    @functools.cached_property
    def _pos_tests(self) -> list[tuple[str, float | bool]]:
        return [(c.op, c.value) for c in self.position_conditions]

    def positional(self, key: str, feats: LineFeatures, zone: str) -> bool:
        """Can the line's position change which rule matches it? Only if a rule with a position
        condition matches it at some position. Such a rule's position conditions (at least, at
        most, equal to a value) hold on a closed interval or at a point, which holds one of their
        values if it is not empty: so each such rule is tried with the line moved to each of them
        (and the line put back). False for most lines: such rules are rare ("comments" or "related"
        headings in the page's second half)."""
        positions = self._positions
        return any(
            (starts is None or key.startswith(starts)) and rule.matches_at(key, feats, zone, positions)
            for rule, starts in self._positional_rules
        )

    @functools.cached_property
    def _positional_rules(self) -> list[tuple[Rule, tuple[str, ...] | None]]:
        """The rules with a position condition, each with the prefixes one of which a key it
        matches starts with (None: any key; a rule listing exact lines may match any)."""
        rules = [r for r in self.rules if any(c.feature == "pos" for c in r.when)]
        return [(r, None if r.exact or (starts := _starts(r)) is None else tuple(sorted(starts))) for r in rules]

    @functools.cached_property
    def _positions(self) -> list[float]:
        return sorted({float(c.value) for c in self.position_conditions})

    def first(self, key: str, feats: LineFeatures, zone: str, where: tuple[bool, ...] | None = None) -> Rule | None:
        """The first rule, in order, that matches the line; None if none does. `where`: its
        `position_key`, when the caller has it.

        Short lines (chrome: the same few hundred per site, again and again) are answered from a
        bounded memo: the answer depends only on the line, its zone and which position
        conditions it meets."""
        if feats.chars > MEMO_MAX_CHARS:
            return self._first(key, feats, zone)
        slot = (key, feats.text, zone, self.position_key(feats) if where is None else where)
        found = self._memo.get(slot, _MISSING)
        if found is _MISSING:
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            found = self._memo[slot] = self._first(key, feats, zone)
        return found  # type: ignore[return-value]

    def heads_section(self, key: str, feats: LineFeatures, zone: str) -> bool:
        """Is the line an article's own section heading ("References", "Weblinks")? Such a rule
        drops nothing: a block of headlines stops before the line (stages/chrome.py)."""
        return any(rule.matches(key, feats, zone) for rule in self.sections)

    def _first(self, key: str, feats: LineFeatures, zone: str) -> Rule | None:
        hit = self.exact.get(key, len(self.rules))
        marks = self.marks_in(key)
        if " " not in feats.text:
            marks = marks | _UNSPACED_GATE
        for i, rule, test in self.candidates(key[:PREFIX_CHARS], zone, feats.words, marks):
            if i >= hit:
                break
            if test(key) if test is not None else rule.matches(key, feats, zone):
                return rule
        for rule in self.rules[hit:]:  # the hit may fail its zone or conditions: go on in order
            if rule.matches(key, feats, zone):
                return rule
        return None

    def candidates(self, first: str, zone: str, words: int, marks: frozenset[str] | None = None) -> Candidates:
        """The rules, in order, that can match a line whose key starts with `first` (its first
        PREFIX_CHARS characters) in `zone` with `words` words, holding `marks` (`marks_in`; None:
        whatever it holds)."""
        slot = (first, zone, bisect.bisect_left(self.bounds, words))
        found = self._lists.get(slot)
        if found is None:
            found = self._lists[slot] = self._listed(first, zone, slot[2], words)
        if marks is None:
            return found
        # Lines whose first characters keep the same list share its entries. (Narrowing `marks` to
        # those the list's gates hold would share more, but that set costs more to build, once per
        # list, than the entries it saves: most lists are met by few lines.)
        gated = self._gated.get((id(found), marks))
        if gated is None:
            if len(self._gated) >= MEMO_SIZE:
                self._gated.clear()
            gates = self._gate_of
            gated = [c for c in found if (g := gates[c[0]]) is None or not g.isdisjoint(marks)]
            self._gated[(id(found), marks)] = gated
        return gated

    def _listed(self, first: str, zone: str, bound: int, words: int) -> Candidates:
        """The candidates of a slot (from the list of the line's first character: many
        two-character prefixes share it), one shared list for every slot that has the same rules
        (kept in `_shared`, so its id names it)."""
        head = first[:1]
        found = [
            (i, r, test) for i, r, test, starts in self._by_head(head, zone, bound, words)
            if starts is None or head in starts or first in starts
        ]  # fmt: skip
        return self._shared.setdefault(tuple(i for i, _, _ in found), found)

    def _by_head(self, head: str, zone: str, bound: int, words: int) -> list[tuple[int, Rule, Test, Starts]]:
        """The rules that can match in `zone` with `words` words (`bound`: its word bound's
        index) a key whose first character is `head`."""
        slot = (head, zone, bound)
        found = self._heads.get(slot)
        if found is None:
            found = self._heads[slot] = [
                (i, r, test, starts) for i, r, test, starts, heads in self._by_zone(zone, bound, words)
                if heads is None or head in heads
            ]  # fmt: skip
        return found

    def _by_zone(self, zone: str, bound: int, words: int) -> list[tuple[int, Rule, Test, Starts, Starts]]:
        """`_by_head` before the first character is known (a few lists: each head's is cut from one)."""
        slot = (zone, bound)
        found = self._zones.get(slot)
        if found is None:
            found = self._zones[slot] = [
                (i, r, r.text_test, starts, heads)
                for (i, r), starts, heads in zip(self.tried, self.starts, self._starts_heads, strict=True)
                if r.zone_allows(zone) and (r.max_words is None or words <= r.max_words)
            ]  # fmt: skip
        return found

    @functools.cached_property
    def _starts_heads(self) -> list[frozenset[str] | None]:
        return [None if starts is None else frozenset(s[:1] for s in starts) for starts in self.starts]

    @functools.cached_property
    def _gate_of(self) -> dict[int, frozenset[str] | None]:
        return {i: g for (i, _), g in zip(self.tried, self.gates, strict=True)}

    def marks_in(self, key: str) -> frozenset[str]:
        """Which of the strings and characters the rules' texts need are in the key."""
        if self._marks is None:
            return _NOTHING
        return frozenset(map(_MARK, self._marks.iter(key)))  # (the search yields (end, mark) pairs)

    def first_slowly(self, key: str, feats: LineFeatures, zone: str) -> Rule | None:
        """The same answer by trying every rule in order (the reference for the tests)."""
        return next((r for r in self.rules if r.matches(key, feats, zone)), None)


def _starts(rule: Rule) -> frozenset[str] | None:
    """Prefixes one of which a line's key must start with for the rule's text to match; None: any
    (or no pattern)."""
    if not rule.patterns:
        return None  # feature rules look at shape, not text
    return union_or_none(first_prefixes(p) for p in rule.patterns)


def _gate(rule: Rule) -> frozenset[str] | None:
    """Strings one of which a line holds whenever the rule matches it; None: not known. A rule
    with needed strings has them tested before its patterns (Rule._text_matches): the same test."""
    if not rule.patterns:  # a feature rule asking for a link-like line: it holds no space
        return _UNSPACED_GATE if not rule.exact and _LINK_LIKE in rule.when else None
    if rule.exact:
        return None  # an exact line: nothing to require
    if rule.needs is not None:
        return frozenset(rule.needs)
    return union_or_none(_pattern_gate(p) for p in rule.patterns)


def _pattern_gate(pattern: Source) -> frozenset[str] | None:
    """Punctuation the pattern needs, unless it is common in prose; else strings it needs."""
    chars = required_chars(pattern)
    if chars is not None and chars.isdisjoint(COMMON_MARKS):
        return chars
    return required_literals(pattern) or chars or required_strings(pattern)


def _automaton(marks: set[str]) -> ahocorasick.Automaton | None:
    if not marks:
        return None
    found = ahocorasick.Automaton()
    for mark in sorted(marks):
        found.add_word(mark, mark)
    found.make_automaton()
    return found
