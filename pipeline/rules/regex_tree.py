"""A reader of the regular expressions in rule packs: the tree the prefilter and the loader's
speed probes work from (rules/prefilter.py, rules/loader.py).

`re` has no public parser (`re._parser` is CPython's private module, free to change in any
release, and the `regex` package exposes none either), so this reads the usual part of the
syntax itself: literals, escapes, classes, groups, alternation, repeats, anchors, lookarounds.
It builds the tree `re` builds, with the same simplifications (a common prefix of alternatives
moved out of them, alternatives of single characters made one class, non-capturing groups
flattened, a one-character class made a literal), so what the prefilter works out is what it
worked out on `re`'s tree. What it does not read (backreferences, conditionals, verbose mode)
raises Unsupported, and the prefilter then answers "could be anything", never a wrong bound.
Patterns reach it compiled by `re` first: their syntax is valid.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# Node kinds, named as in `re`: (kind, argument) pairs, sequences are lists of them.
LITERAL, NOT_LITERAL, IN, ANY, AT = "LITERAL", "NOT_LITERAL", "IN", "ANY", "AT"
SUBPATTERN, BRANCH, ASSERT, ASSERT_NOT, ATOMIC_GROUP = "SUBPATTERN", "BRANCH", "ASSERT", "ASSERT_NOT", "ATOMIC_GROUP"
MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT = "MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"
RANGE, CATEGORY, NEGATE = "RANGE", "CATEGORY", "NEGATE"  # inside IN
AT_BEGINNING, AT_END, AT_BOUNDARY = "AT_BEGINNING", "AT_END", "AT_BOUNDARY"
CATEGORY_DIGIT, CATEGORY_SPACE, CATEGORY_WORD = "CATEGORY_DIGIT", "CATEGORY_SPACE", "CATEGORY_WORD"
MAXREPEAT = 2**32 - 1  # an unbounded repeat's upper bound

Item = tuple[str, Any]
_ESCAPES = {"a": 7, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92}
_CATEGORIES = {"d": CATEGORY_DIGIT, "s": CATEGORY_SPACE, "w": CATEGORY_WORD}
_ANCHORS = {"A": "AT_BEGINNING_STRING", "b": AT_BOUNDARY, "B": "AT_NON_BOUNDARY", "Z": "AT_END_STRING"}
_BRACES = re.compile(r"(\d*)(?:(,)(\d*))?\}")
_FLAGS = re.compile(r"([aiLmsux]*)(?:-([imsx]+))?([:)])")
_HEX = {"x": 2, "u": 4, "U": 8}


class Unsupported(ValueError):
    """Syntax this reader leaves alone."""


def parse(pattern: str) -> list[Item]:
    reader = _Reader(pattern)
    items = reader.alternation()
    if reader.i != len(pattern):
        raise Unsupported(f"unbalanced ) at {reader.i}")
    return items


class _Reader:
    def __init__(self, text: str) -> None:
        self.text, self.i = text, 0

    def take(self, s: str) -> bool:
        if self.text.startswith(s, self.i):
            self.i += len(s)
            return True
        return False

    def next(self) -> str:
        if self.i >= len(self.text):
            raise Unsupported("unexpected end")
        self.i += 1
        return self.text[self.i - 1]

    def alternation(self) -> list[Item]:
        branches = [self.sequence()]
        while self.take("|"):
            branches.append(self.sequence())
        return branches[0] if len(branches) == 1 else _branches(branches)

    def sequence(self) -> list[Item]:
        items: list[Item] = []
        while self.i < len(self.text) and self.text[self.i] not in "|)":
            c = self.next()
            braces = _BRACES.match(self.text, self.i) if c == "{" else None
            if c == "\\":
                items.append(self.escape())
            elif c == "[":
                items.append(self.char_class())
            elif c == "(":
                items.extend(self.group())
            elif c in "*+?" or (braces and (braces.group(1) or braces.group(2))):
                self.repeat(items, c, braces)
            elif c == ".":
                items.append((ANY, None))
            elif c in "^$":
                items.append((AT, AT_BEGINNING if c == "^" else AT_END))
            else:
                items.append((LITERAL, ord(c)))
        flat: list[Item] = []
        for op, arg in items:  # non-capturing groups without flags are no node of their own
            flat.extend(arg[3] if op == SUBPATTERN and arg[:3] == (None, "", "") else [(op, arg)])
        return flat

    def repeat(self, items: list[Item], c: str, braces: re.Match[str] | None) -> None:
        if braces:
            self.i = braces.end()
            low = int(braces.group(1) or 0)
            high = (int(braces.group(3)) if braces.group(3) else MAXREPEAT) if braces.group(2) else low
        else:
            low, high = {"?": (0, 1), "*": (0, MAXREPEAT), "+": (1, MAXREPEAT)}[c]
        if not items or items[-1][0] == AT:
            raise Unsupported("nothing to repeat")
        op, arg = items[-1]
        item = arg[3] if op == SUBPATTERN and arg[:3] == (None, "", "") else [items[-1]]
        kind = MIN_REPEAT if self.take("?") else POSSESSIVE_REPEAT if self.take("+") else MAX_REPEAT
        items[-1] = (kind, (low, high, item))

    def group(self) -> list[Item]:
        """The node of a group (none for a comment or a leading global flag)."""
        capture, flags = 1, ("", "")
        if self.take("?"):
            if self.take("#"):
                while self.next() != ")":
                    pass
                return []
            for opener, kind, direction in (("=", ASSERT, 1), ("!", ASSERT_NOT, 1), ("<=", ASSERT, -1),
                                            ("<!", ASSERT_NOT, -1)):  # fmt: skip
                if self.take(opener):
                    return [(kind, (direction, self.closed()))]
            if self.take(">"):
                return [(ATOMIC_GROUP, self.closed())]
            if self.take("P<"):
                self.i = self.text.index(">", self.i) + 1
            elif self.take(":"):
                capture = 0
            else:
                found = _FLAGS.match(self.text, self.i)
                if not found or "x" in found.group(1) + (found.group(2) or ""):
                    raise Unsupported("group reference, conditional or verbose mode")
                self.i = found.end()
                if found.group(3) == ")":
                    return []  # a global flag: it changes no node
                capture, flags = 0, (found.group(1), found.group(2) or "")
        return [(SUBPATTERN, (capture or None, *flags, self.closed()))]

    def closed(self) -> list[Item]:
        items = self.alternation()
        if not self.take(")"):
            raise Unsupported("missing )")
        return items

    def escape(self) -> Item:
        c = self.next()
        if c in _ANCHORS:
            return AT, _ANCHORS[c]
        if c.lower() in _CATEGORIES:
            name = _CATEGORIES[c.lower()]
            return IN, [(CATEGORY, name if c.islower() else name.replace("_", "_NOT_", 1))]
        if c in "123456789":
            raise Unsupported("a backreference")
        return LITERAL, self.code(c)

    def code(self, c: str) -> int:
        """The character an escape `\\c...` (not a class or an anchor) stands for."""
        if c in _ESCAPES:
            return _ESCAPES[c]
        if c in _HEX:
            digits = self.text[self.i : self.i + _HEX[c]]
            self.i += _HEX[c]
            return int(digits, 16)
        if c == "N":
            end = self.text.index("}", self.i)
            name, self.i = self.text[self.i + 1 : end], end + 1
            return ord(unicodedata.lookup(name))
        if c in "01234567":
            found = re.match(r"[0-7]{0,2}", self.text[self.i :])
            digits = found.group() if found else ""
            self.i += len(digits)
            return int(c + digits, 8)
        if c.isascii() and c.isalnum():
            raise Unsupported(f"escape \\{c}")
        return ord(c)

    def class_item(self, c: str) -> Item:
        if c != "\\":
            return LITERAL, ord(c)
        c = self.next()
        if c.lower() in _CATEGORIES:
            name = _CATEGORIES[c.lower()]
            return CATEGORY, name if c.islower() else name.replace("_", "_NOT_", 1)
        return LITERAL, 8 if c == "b" else self.code(c)

    def char_class(self) -> Item:
        negate = self.take("^")
        items: list[Item] = []
        while True:
            c = self.next()
            if c == "]" and items:
                break
            first = self.class_item(c)
            if not self.take("-"):
                items.append(first)
                continue
            c = self.next()
            if c == "]":
                items += [first, (LITERAL, ord("-"))]
                break
            last = self.class_item(c)
            if first[0] != LITERAL or last[0] != LITERAL:
                raise Unsupported("bad range")
            items.append((RANGE, (first[1], last[1])))
        items = _unique(items)
        if len(items) == 1 and items[0][0] == LITERAL:
            return (NOT_LITERAL, items[0][1]) if negate else items[0]
        return IN, [(NEGATE, None), *items] if negate else items


def _branches(branches: list[list[Item]]) -> list[Item]:
    """Alternatives as `re` keeps them: their common first items moved out, then one class if
    every alternative is one character, else a BRANCH."""
    out: list[Item] = []
    while all(branches) and all(_same(b[0], branches[0][0]) for b in branches):
        out.append(branches[0][0])
        branches = [b[1:] for b in branches]
    chars: list[Item] = []
    for b in branches:
        if len(b) != 1 or not (b[0][0] == LITERAL or (b[0][0] == IN and b[0][1][0][0] != NEGATE)):
            return [*out, (BRANCH, (None, branches))]
        chars.extend([b[0]] if b[0][0] == LITERAL else b[0][1])
    return [*out, (IN, _unique(chars))]


def _same(a: Item, b: Item) -> bool:
    # `re` compares nodes holding sub-sequences by identity: two groups or repeats never match.
    return a == b and a[0] in (LITERAL, NOT_LITERAL, IN, ANY, AT)


def _unique(items: list[Item]) -> list[Item]:
    return list(dict.fromkeys(items))
