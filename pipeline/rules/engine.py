"""First-match lookup over an ordered list of rules, fast enough to run on every line.

Two shortcuts keep the answer identical to trying every rule in order:
- exact-string rules are found with one dictionary lookup;
- most patterns are anchored (`^(partager|facebook|...)`), so they can only match a line whose
  key starts with one of a few characters. Each rule's possible first characters are worked out
  once from the parsed pattern; a line is tried only against the rules that can start with its
  first character, and the rules that can start with anything.
"""

from __future__ import annotations

import re
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

from pipeline.rules.features import LineFeatures
from pipeline.rules.model import Rule

_ANY = None  # "can start with any character"
_MAX_SET = 400


def first_chars(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Characters a match of an anchored pattern can start with; None when it could be anything."""
    parsed = list(_parser.parse(pattern.pattern, pattern.flags))
    if not parsed or parsed[0] != (C.AT, C.AT_BEGINNING):
        return _ANY
    chars, nullable = _sequence(parsed[1:])
    if chars is _ANY or nullable:
        return _ANY
    return frozenset(c for ch in chars for c in {ch, ch.lower(), ch.upper(), ch.casefold()})


def _sequence(items: list[Any]) -> tuple[set[str] | None, bool]:
    """First characters of a sequence of parsed items, and whether it can match nothing."""
    out: set[str] = set()
    for op, arg in items:
        chars, nullable = _item(op, arg)
        if chars is _ANY:
            return _ANY, False
        out |= chars
        if not nullable:
            return out, False
    return out, True


def _item(op: Any, arg: Any) -> tuple[set[str] | None, bool]:
    if op == C.LITERAL:
        return {chr(arg)}, False
    if op == C.IN:
        return _in_set(arg), False
    if op == C.SUBPATTERN:
        return _sequence(list(arg[-1]))
    if op == C.BRANCH:
        out: set[str] = set()
        nullable = False
        for branch in arg[1]:
            chars, empty = _sequence(list(branch))
            if chars is _ANY:
                return _ANY, False
            out |= chars
            nullable = nullable or empty
        return out, nullable
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        low, _, item = arg
        chars, nullable = _sequence(list(item))
        return chars, nullable or low == 0
    if op == C.AT:
        return set(), True  # \b and the like match no character
    return _ANY, False


def _in_set(items: list[Any]) -> set[str] | None:
    out: set[str] = set()
    for op, arg in items:
        if op == C.LITERAL:
            out.add(chr(arg))
        elif op == C.RANGE and arg[1] - arg[0] < _MAX_SET:
            out.update(chr(c) for c in range(arg[0], arg[1] + 1))
        elif op == C.CATEGORY and arg == C.CATEGORY_DIGIT:
            out.update("0123456789")
        elif op == C.CATEGORY and arg == C.CATEGORY_SPACE:
            out.add(" ")  # keys are stripped and collapsed: a space never starts one anyway
        else:
            return _ANY
    return out


class Matcher:
    def __init__(self, rules: list[Rule]) -> None:
        self.rules = [r for r in rules if r.kind != "context"]
        self.exact: dict[str, int] = {}
        for i, rule in enumerate(self.rules):
            for key in rule.exact:
                self.exact.setdefault(key, i)
        self.anywhere: list[tuple[int, Rule]] = []
        self.by_char: dict[str, list[tuple[int, Rule]]] = {}
        for i, rule in enumerate(self.rules):
            if rule.exact and not rule.patterns:
                continue
            starts = self._starts(rule)
            if starts is _ANY:
                self.anywhere.append((i, rule))
            else:
                for ch in starts:
                    self.by_char.setdefault(ch, []).append((i, rule))
        self._merged: dict[str, list[tuple[int, Rule]]] = {}

    @staticmethod
    def _starts(rule: Rule) -> frozenset[str] | None:
        if not rule.patterns:
            return _ANY  # feature rules look at shape, not text
        out: set[str] = set()
        for p in rule.patterns:
            chars = first_chars(p)
            if chars is _ANY:
                return _ANY
            out |= chars
        return frozenset(out)

    def candidates(self, key: str) -> list[tuple[int, Rule]]:
        ch = key[:1]
        if ch not in self._merged:
            self._merged[ch] = sorted(self.anywhere + self.by_char.get(ch, []), key=lambda x: x[0])
        return self._merged[ch]

    def first(self, key: str, feats: LineFeatures, zone: str) -> Rule | None:
        """The first rule, in order, that matches the line; None if none does."""
        hit = self.exact.get(key, len(self.rules))
        for i, rule in self.candidates(key):
            if i >= hit:
                break
            if rule.matches(key, feats, zone):
                return rule
        for rule in self.rules[hit:]:  # the exact hit may fail its zone or conditions: go on in order
            if rule.matches(key, feats, zone):
                return rule
        return None

    def first_slowly(self, key: str, feats: LineFeatures, zone: str) -> Rule | None:
        """The same answer by trying every rule in order (the reference for the tests)."""
        return next((r for r in self.rules if r.matches(key, feats, zone)), None)
