"""First-match lookup over an ordered list of rules, fast enough to run on every line.

The answer is always the one of trying every rule in order (`first_slowly`, the tests' reference);
shortcuts only skip rules that cannot match:
- exact-string rules (the learned ones, mostly) are found with one dictionary lookup;
- an anchored pattern (`^(partager|facebook|...)`) can only match a line whose key starts with one
  of a few two-character prefixes ("pa", "fa"; rules/prefilter.py works them out), and a rule's
  zone and word bound rule out whole classes of lines. A set of rules is an int (a rule's bit is
  its index): the rules a line's zone and number of words leave, those its first characters
  leave, those what it holds leaves (below) are three masks ANDed, and the rules of the result
  are listed once per mask, in order (a bounded memo); a line is tried against that list only;
- inside a rule, patterns that would scan the whole line are skipped when none of the strings
  they require is in it (Rule.matches, rules/prefilter.py);
- those strings, and the punctuation other patterns require ("|" for a pipe menu), are looked
  for in a line all at once (one Aho-Corasick pass): a rule whose text needs what the line does
  not hold is left out of the line's list before any rule is tried (each mark in the automaton
  carries the mask of the rules that need it: a line's marks ORed). Short strings count there
  (`required_strings`), and a feature rule asking for a link-like line is left out for a line
  with a space.
"""

from __future__ import annotations

import bisect
import functools
import operator
from collections.abc import Callable, Iterable

import ahocorasick

from pipeline.rules.features import LineFeatures
from pipeline.rules.model import UNSPACED_MARK, Rule
from pipeline.rules.prefilter import PREFIX_CHARS

# (index, rule, its text test when the list's zone and word bound leave nothing else to check)
Test = Callable[[str], object] | None
Candidates = list[tuple[int, Rule, Test]]
MEMO_MAX_CHARS = 160
MEMO_SIZE = 32_768  # entries; the memo is emptied when full, so memory stays bounded
_MISSING = object()
_MARK = operator.itemgetter(1)
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
        self.starts = [r.starts for _, r in self.tried]
        # Lines with the same number of words between two consecutive word bounds share a list.
        self.bounds = sorted({int(r.max_words) for _, r in self.tried if r.max_words is not None})
        # Sets of rules are ints, a rule's bit its index: a line's candidates are the bits its
        # zone and word bound (`_zone_masks`), its first characters (`_unstarted`, `_started`) and
        # what it holds (`line_mask`) all leave, tried in order (`_entries`, a memo by mask).
        self._entry = {i: (i, r, r.text_test) for i, r in self.tried}
        self._unstarted = _mask(i for (i, _), starts in zip(self.tried, self.starts, strict=True) if starts is None)
        started: dict[str, int] = {}
        for (i, _), starts in zip(self.tried, self.starts, strict=True):
            for prefix in starts or ():
                started[prefix] = started.get(prefix, 0) | 1 << i
        self._started = started
        self._zone_masks: dict[tuple[str, int], int] = {}
        self._entries: dict[int, Candidates] = {}
        # What a line must hold for a rule's text to match (None: not known): the rules whose gate
        # holds a mark, found for all the marks a line holds in one Aho-Corasick pass.
        self.gates = [r.gate for _, r in self.tried]
        self._ungated = _mask(i for (i, _), g in zip(self.tried, self.gates, strict=True) if g is None)
        self._unspaced = _mask(i for (i, _), g in zip(self.tried, self.gates, strict=True) if g and UNSPACED_MARK in g)
        by_mark: dict[str, int] = {}
        for (i, _), gate in zip(self.tried, self.gates, strict=True):
            for mark in gate or ():
                if mark != UNSPACED_MARK:
                    by_mark[mark] = by_mark.get(mark, 0) | 1 << i
        self._marks = _automaton(by_mark)
        # A rule whose patterns bind the whole key (`^...$`) matches keys of a few lengths only, and
        # may match no key with a space (`key_lengths`, `spaceless`): the rules a key's length and
        # its holding a space leave, by (length, space) (`shape_mask`).
        self._lengths = [(i, lengths) for i, r in self.tried if (lengths := r.key_lengths) is not None]
        self._spaceless = _mask(i for i, r in self.tried if r.spaceless)
        self._all = _mask(i for i, _ in self.tried)
        self._shapes: dict[int, int] = {}
        # ...and a rule whose patterns are bound at their end, the last characters of a key.
        self._unended = _mask(i for i, r in self.tried if r.ends is None)
        ended: dict[str, int] = {}
        for i, r in self.tried:
            for suffix in r.ends or ():
                ended[suffix] = ended.get(suffix, 0) | 1 << i
        self._ended = ended
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
        return [(r, None if r.exact or (starts := r.starts) is None else tuple(sorted(starts))) for r in rules]

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
        allowed = self.slot_mask(key[:PREFIX_CHARS], zone, feats.words) & self.line_mask(key, feats.text)
        allowed &= self.shape_mask(key) & self.end_mask(key)
        for _, rule, test in self._listed(allowed & ((1 << hit) - 1)):
            if test(key) if test is not None else rule.matches(key, feats, zone):
                return rule
        for rule in self.rules[hit:]:  # the hit may fail its zone or conditions: go on in order
            if rule.matches(key, feats, zone):
                return rule
        return None

    def candidates(self, first: str, zone: str, words: int, marks: int = -1) -> Candidates:
        """The rules, in order, that can match a line whose key starts with `first` (its first
        PREFIX_CHARS characters) in `zone` with `words` words, holding `marks` (`line_mask`; -1:
        whatever it holds): (index, rule, its text test when the zone and word bound leave
        nothing else to check)."""
        return self._listed(self.slot_mask(first, zone, words) & marks)

    def slot_mask(self, first: str, zone: str, words: int) -> int:
        """The rules that can match in `zone` with `words` words a key starting with `first`."""
        bound = bisect.bisect_left(self.bounds, words)
        placed = self._zone_masks.get((zone, bound))
        if placed is None:  # (lines with a number of words between the same two word bounds: one mask)
            placed = self._zone_masks[(zone, bound)] = _mask(
                i for i, r in self.tried if r.zone_allows(zone) and (r.max_words is None or words <= r.max_words)
            )
        started, head = self._started, first[:1]
        starts = self._unstarted | started.get(head, 0)
        if first != head:
            starts |= started.get(first, 0)
        return placed & starts

    def line_mask(self, key: str, text: str) -> int:
        """The rules whose text may match a line with this key (and `text`, its features' text):
        those with no gate, and those whose gate holds a string or character the key holds."""
        found = self._ungated
        if self._marks is not None:  # (the search yields (end, mask of the mark) pairs)
            found = functools.reduce(operator.or_, map(_MARK, self._marks.iter(key)), found)
        if " " not in text:
            found |= self._unspaced
        return found

    def end_mask(self, key: str) -> int:
        """The rules that may match a key ending with its last characters."""
        ended, last = self._ended, key[-1:]
        found = self._unended | ended.get(last, 0)
        if len(key) > 1:
            found |= ended.get(key[-PREFIX_CHARS:], 0)
        return found

    def shape_mask(self, key: str) -> int:
        """The rules that may match a key of its length, holding a space or not."""
        slot = 2 * len(key) + (" " in key)
        found = self._shapes.get(slot)
        if found is None:
            if len(self._shapes) >= MEMO_SIZE:
                self._shapes.clear()
            n, found = len(key), self._all & ~self._spaceless if slot & 1 else self._all
            for i, (least, most) in self._lengths:
                if not least <= n <= most:
                    found &= ~(1 << i)
            self._shapes[slot] = found
        return found

    def _listed(self, mask: int) -> Candidates:
        """The entries of the rules in `mask`, in order (a bounded memo: lines share sets)."""
        found = self._entries.get(mask)
        if found is None:
            if len(self._entries) >= MEMO_SIZE:
                self._entries.clear()
            entry, found, rest = self._entry, [], mask
            while rest:
                low = rest & -rest
                found.append(entry[low.bit_length() - 1])
                rest ^= low
            self._entries[mask] = found
        return found

    def first_slowly(self, key: str, feats: LineFeatures, zone: str) -> Rule | None:
        """The same answer by trying every rule in order (the reference for the tests)."""
        return next((r for r in self.rules if r.matches(key, feats, zone)), None)


def _mask(indices: Iterable[int]) -> int:
    return sum(1 << i for i in set(indices))


def _automaton(masks: dict[str, int]) -> ahocorasick.Automaton | None:
    """Each mark with the rules whose gate holds it."""
    if not masks:
        return None
    found = ahocorasick.Automaton()
    for mark in sorted(masks):
        found.add_word(mark, masks[mark])
    found.make_automaton()
    return found
