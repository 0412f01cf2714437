"""What a pattern tells before it runs, worked out once from its parse tree (rules/regex_tree.py).

- `first_chars`: the characters a match of an anchored pattern can start with, so a line is
  tried only against the rules that can start with its first character;
- `required_literals`: strings one of which every match contains ("cookie" for
  `^(?=.*\\bcookies?\\b)...`), so a pattern that would scan a whole line is skipped with a few
  substring tests when none of them is in the line;
- `case_neutral`: the pattern gives the same answers on keys with or without IGNORECASE, so it
  can run case-sensitively (two to three times faster on long alternations of words);
- `key_lengths`, `spaceless`: a pattern that binds the whole key (`^...$`) matches keys of a few
  lengths only, and perhaps no key holding a space, so the Matcher leaves it out for other keys.

Both are conservative: when in doubt they answer None ("could be anything"), never a wrong bound.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from pipeline.rules import regex_tree as C


class Source(Protocol):
    """What is read of a pattern here: its text and flags (a compiled pattern, or a rule's pattern
    not compiled alone, rules/model.py RulePattern)."""

    @property
    def pattern(self) -> str: ...

    @property
    def flags(self) -> int: ...

    def __hash__(self) -> int: ...  # the analyses are cached by pattern


_MAX_SET = 400
# A requirement is worth testing only if its strings are long enough to be rare in text and
# few enough to test quickly.
MIN_LITERAL = 3
MAX_LITERALS = 16


def union_or_none(sets: Iterable[frozenset[str] | None]) -> frozenset[str] | None:
    """The union of the patterns' answers, or None as soon as one pattern could be anything."""
    out: set[str] = set()
    for found in sets:
        if found is None:
            return None
        out |= found
    return frozenset(out)


@functools.lru_cache(maxsize=4096)
def tree(pattern: Source) -> list[Any] | None:
    """The pattern's parse tree (rules/regex_tree.py); None for syntax it leaves alone."""
    try:
        return C.parse(pattern.pattern)
    except C.Unsupported:
        return None


@functools.lru_cache(maxsize=4096)
def first_chars(pattern: Source) -> frozenset[str] | None:
    """Characters a match of an anchored pattern can start with; None when it could be anything."""
    parsed = tree(pattern)
    if not parsed or parsed[0] != (C.AT, C.AT_BEGINNING):
        return None
    chars, nullable = _sequence(parsed[1:])
    if chars is None or nullable:
        return None
    return frozenset(c for ch in chars for c in {ch, ch.lower(), ch.upper(), ch.casefold()})


PREFIX_CHARS = 2  # how many leading characters of a line the Matcher looks up its rules by
_MAX_PREFIXES = 3000


@functools.lru_cache(maxsize=4096)
def first_prefixes(pattern: Source, n: int = PREFIX_CHARS) -> frozenset[str] | None:
    """Strings of at most `n` characters, one of which starts every key an anchored pattern matches
    (a shorter string: anything may follow it); None when it could start with anything.

    `^(teilen|share)` gives {"te", "sh"}: a line starting "de" is not tried against it at all."""
    parsed = tree(pattern)
    if not parsed or parsed[0] != (C.AT, C.AT_BEGINNING):
        return None
    found = _seq_prefixes(parsed[1:], n)
    if found is None or any(text == "" for text, _ in found):
        return None
    return _case_forms({text for text, _ in found})


def _case_forms(texts: set[str]) -> frozenset[str] | None:
    """The texts with each character in every case IGNORECASE matches on keys (None: too many)."""
    out: set[str] = set()
    for prefix in texts:
        forms: set[str] = {""}
        for ch in prefix:
            forms = {f + v for f in forms for v in {ch, ch.lower(), ch.upper(), ch.casefold()} if len(v) == 1}
        if not forms or len(out) > _MAX_PREFIXES:
            return None
        out |= forms
    return frozenset(out)


@functools.lru_cache(maxsize=4096)
def last_suffixes(pattern: Source, n: int = PREFIX_CHARS) -> frozenset[str] | None:
    """Strings of at most `n` characters, one of which ends every key a pattern bound at its end
    (`...$`) matches (a shorter string: anything may precede it); None when it could end with
    anything. `first_prefixes` read on the pattern backwards: `(weiterlesen|read more)$` gives
    {"en", "re"}."""
    parsed = tree(pattern)
    if not parsed or parsed[-1] not in _ENDS:
        return None
    found = _seq_prefixes(_backwards(parsed[:-1]), n)
    if found is None or any(text == "" for text, _ in found):
        return None
    return _case_forms({text[::-1] for text, _ in found})


def _backwards(items: list[Any]) -> list[Any]:
    """A sequence read from its end: the items in reverse order, groups, alternatives and repeats
    reversed inside (lookarounds and atomic groups left as they are: the prefixes stop there)."""
    out: list[Any] = []
    for op, arg in reversed(items):
        if op == C.SUBPATTERN:
            arg = (*arg[:-1], _backwards(list(arg[-1])))
        elif op == C.BRANCH:
            arg = (arg[0], [_backwards(list(b)) for b in arg[1]])
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            arg = (arg[0], arg[1], _backwards(list(arg[2])))
        out.append((op, arg))
    return out


_Prefixes = set[tuple[str, bool]]  # (text, exact): exact means the item matched just this text


def _seq_prefixes(items: list[Any], n: int) -> _Prefixes | None:
    """Prefixes of a sequence; exact ones end where the sequence ends (more may be appended)."""
    done: set[str] = set()
    open_: set[str] = {""}
    for op, arg in items:
        parts = _item_prefixes(op, arg, n)
        if parts is None:
            done |= open_  # anything may follow these
            open_ = set()
            break
        grown: set[str] = set()
        for p in open_:
            for text, exact in parts:
                q = p + text
                if len(q) >= n:
                    done.add(q[:n])
                elif exact:
                    grown.add(q)
                else:
                    done.add(q)
        open_ = grown
        if len(done) + len(open_) > _MAX_PREFIXES:
            return None
        if not open_:
            break
    return {(t, False) for t in done} | {(t, True) for t in open_}


def _item_prefixes(op: Any, arg: Any, n: int) -> _Prefixes | None:
    if op == C.LITERAL:
        return {(chr(arg), True)}
    if op == C.IN:
        chars = _in_set(arg)
        return None if chars is None else {(c, True) for c in chars}
    if op == C.AT:
        return {("", True)}
    if op in (C.SUBPATTERN, C.BRANCH):
        branches = [list(arg[-1])] if op == C.SUBPATTERN else [list(b) for b in arg[1]]
        out: _Prefixes = set()
        for branch in branches:
            found = _seq_prefixes(branch, n)
            if found is None:
                return None
            out |= found
        return out
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        low, high, item = arg
        inner = _item_prefixes(C.SUBPATTERN, (None, 0, 0, item), n)
        if inner is None:
            return None
        once = inner if high == 1 else {(s, False) for s, _ in inner}
        return once | ({("", True)} if low == 0 else set())
    return None


def _sequence(items: list[Any]) -> tuple[set[str] | None, bool]:
    """First characters of a sequence of parsed items, and whether it can match nothing."""
    out: set[str] = set()
    for op, arg in items:
        chars, nullable = _item(op, arg)
        if chars is None:
            return None, False
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
            if chars is None:
                return None, False
            out |= chars
            nullable = nullable or empty
        return out, nullable
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        low, _, item = arg
        chars, nullable = _sequence(list(item))
        return chars, nullable or low == 0
    if op == C.AT:
        return set(), True  # \b and the like match no character
    return None, False


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
            return None
    return out


@functools.lru_cache(maxsize=4096)
def required_literals(pattern: Source, shortest: int = MIN_LITERAL) -> frozenset[str] | None:
    """Lower-case strings one of which is in every line (key) the pattern matches; None if unknown.
    `shortest`: the length under which a string is too common to be worth testing.

    Keys are casefolded, so a literal is kept only where lower case and case folding agree and
    case-insensitive matching cannot reach a different letter (ASCII and Latin-1/Latin-A letters).
    """
    parsed = tree(pattern)
    found = _requirement(parsed) if parsed is not None else None
    if found is None or len(found) > MAX_LITERALS or min(map(len, found)) < shortest:
        return None
    return found


# A one-pass search for many strings at once (the Matcher's Aho-Corasick gate) costs the same for
# one string or a hundred, and a short one still skips the rule on lines without it; but a single
# letter is in nearly every line, and its every occurrence is a hit the search reports.
MAX_GATE_STRINGS = 96


@functools.lru_cache(maxsize=4096)
def required_strings(pattern: Source) -> frozenset[str] | None:
    """`required_literals` for a test that looks for all the strings at once: up to
    MAX_GATE_STRINGS strings of two characters or more, or punctuation marks (`_MARKS`)."""
    parsed = tree(pattern)
    return _requirement(parsed, MAX_GATE_STRINGS, _gate_safe, _gate_worth) if parsed is not None else None


def _gate_safe(c: str) -> bool:
    return _safe(c) or c in _MARKS


def _gate_worth(strings: frozenset[str]) -> bool:
    return all(len(s) > 1 or s in _MARKS for s in strings)


def _requirement(
    items: list[Any],
    most: int = MAX_LITERALS,
    usable: Callable[[str], bool] | None = None,
    worth: Callable[[frozenset[str]], bool] | None = None,
) -> frozenset[str] | None:
    """The best requirement a sequence offers: a run of literals (characters `usable` says a key
    holds as their lower case; `_safe` by default), or one of its parts'; at most `most` strings,
    each set `worth` a test (by default any: `required_literals` checks the lengths of the best)."""
    usable = usable or _safe
    best: frozenset[str] | None = None
    run: list[str] = []

    def consider(candidate: frozenset[str] | None) -> None:
        nonlocal best
        # Too many strings to test is no use, however long they are: a weaker usable one wins.
        if not candidate or len(candidate) > most or (worth is not None and not worth(candidate)):
            return
        if best is None or _strength(candidate) > _strength(best):
            best = candidate

    for op, arg in items:
        if op == C.LITERAL and usable(chr(arg)):
            run.append(chr(arg).lower())
            continue
        if run:
            consider(frozenset({"".join(run)}))
            run = []
        if op == C.SUBPATTERN:
            consider(_requirement(list(arg[-1]), most, usable, worth))
        elif op == C.BRANCH:
            branches = [_requirement(list(b), most, usable, worth) for b in arg[1]]
            if all(b is not None for b in branches):
                consider(frozenset().union(*branches))  # type: ignore[arg-type]
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT) and arg[0] >= 1:
            consider(_requirement(list(arg[2]), most, usable, worth))
        elif op == C.ASSERT and arg[0] == 1:  # a lookahead's text is in the line too
            consider(_requirement(list(arg[1]), most, usable, worth))
    if run:
        consider(frozenset({"".join(run)}))
    return best


# Characters a required-character test may name: no letter, digit or space (those are in most
# lines), none that case-insensitive matching or line_key ties to another character.
_MARKS = frozenset("|()[]{}<>/\\@#=+*&%$~^_:;,.!?'\"-©®™»«›‹•·→←►▸…€£")
COMMON_MARKS = frozenset(".,'-:;!?\"")  # in most prose lines: a test on them rarely skips a rule


@functools.lru_cache(maxsize=4096)
def required_chars(pattern: Source) -> frozenset[str] | None:
    """Punctuation characters one of which is in every line (key) the pattern matches ("|" for a
    menu of items between pipes); None if unknown. The rarest such set the pattern offers."""
    parsed = tree(pattern)
    return _char_requirement(parsed) if parsed is not None else None


def _char_requirement(items: list[Any]) -> frozenset[str] | None:
    best: frozenset[str] | None = None
    for op, arg in items:
        found: frozenset[str] | None = None
        if op == C.LITERAL and chr(arg) in _MARKS:
            found = frozenset(chr(arg))
        elif op == C.IN:
            chars = _in_set(arg) if not any(sub_op == C.NEGATE for sub_op, _ in arg) else None
            found = frozenset(chars) if chars and chars <= _MARKS else None
        elif op == C.SUBPATTERN:
            found = _char_requirement(list(arg[-1]))
        elif op == C.BRANCH:
            branches = [_char_requirement(list(b)) for b in arg[1]]
            found = frozenset().union(*branches) if all(b is not None for b in branches) else None  # type: ignore[arg-type]
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT) and arg[0] >= 1:
            found = _char_requirement(list(arg[2]))
        elif op == C.ASSERT and arg[0] == 1:  # a lookahead's text is in the line too
            found = _char_requirement(list(arg[1]))
        if found and (best is None or _rarity(found) < _rarity(best)):
            best = found
    return best


def _rarity(chars: frozenset[str]) -> tuple[int, int]:
    return len(chars & COMMON_MARKS), len(chars)


def _strength(strings: frozenset[str]) -> tuple[int, int]:
    return min(map(len, strings)), -len(strings)


def _safe(c: str) -> bool:
    low = c.lower()
    if len(low) != 1 or low != c.casefold() or low == "ı" or unicodedata.normalize("NFKC", low) != low:
        return False
    # Latin-1/Latin-A and Cyrillic lower case: no other character a key can hold matches them
    # case-insensitively (checked over all of Unicode in tests/rules/test_prefilter.py).
    if low == "\u0441":
        return False  # Cyrillic с: keys hold it as a Latin c (rules/features.py)
    return c.isascii() or "\u00e0" <= low <= "\u017e" or "\u0430" <= low <= "\u045f"


@functools.lru_cache(maxsize=4096)
def case_neutral(pattern: Source) -> bool:
    """True when every character the pattern names is lower case and reaches no other character a
    key can hold case-insensitively: then, on keys (casefolded), IGNORECASE changes no answer.
    Classes like \\w, \\d, \\s and `.` name no character; `[A-Z]` or a literal `É` make it False."""
    parsed = tree(pattern)
    return parsed is not None and _neutral(parsed)


def _neutral(items: list[Any]) -> bool:
    for op, arg in items:
        if op in (C.LITERAL, C.NOT_LITERAL):
            if not _lower_safe(chr(arg)):
                return False
        elif op == C.IN:
            for sub_op, sub_arg in arg:
                if sub_op == C.LITERAL and not _lower_safe(chr(sub_arg)):
                    return False
                if sub_op == C.RANGE and not all(_lower_safe(chr(c)) for c in range(sub_arg[0], sub_arg[1] + 1)):
                    return False
                if sub_op not in (C.LITERAL, C.RANGE, C.CATEGORY, C.NEGATE):
                    return False
        elif op == C.SUBPATTERN:
            if not _neutral(list(arg[-1])):
                return False
        elif op == C.BRANCH:
            if not all(_neutral(list(b)) for b in arg[1]):
                return False
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            if not _neutral(list(arg[2])):
                return False
        elif op in (C.ASSERT, C.ASSERT_NOT):
            if not _neutral(list(arg[1])):
                return False
        elif op not in (C.AT, C.ANY, C.CATEGORY):
            return False  # backreferences, conditionals...: not worth the doubt
    return True


def _lower_safe(c: str) -> bool:
    """A character that is its own lower case and that case-insensitive matching ties to no other
    character a key can hold (non-letters, ASCII, Latin-1/Latin-A and Cyrillic lower case)."""
    if c.lower() == c == c.upper() == c.casefold():
        return True  # no case at all: IGNORECASE does nothing to it
    return c == c.lower() and _safe(c)


# A key holds no newline (white space collapsed to single spaces, rules/features.py): a pattern
# between ^ and $ (or \A and \Z) at its top level matches the whole key or nothing.
_STARTS = (C.AT, C.AT_BEGINNING), (C.AT, "AT_BEGINNING_STRING")
_ENDS = (C.AT, C.AT_END), (C.AT, "AT_END_STRING")
UNBOUNDED = float("inf")


def _whole(pattern: Source) -> list[Any] | None:
    """The items between a pattern's ^ and $ when both bind it whole (None otherwise)."""
    parsed = tree(pattern)
    if not parsed or len(parsed) < 2 or parsed[0] not in _STARTS or parsed[-1] not in _ENDS:
        return None
    return parsed[1:-1]


@functools.lru_cache(maxsize=4096)
def key_lengths(pattern: Source) -> tuple[int, float] | None:
    """The least and most characters of a key the pattern matches, if it binds the whole key
    (`^...$`; None: any length). `re` matches one character for one, IGNORECASE too."""
    items = _whole(pattern)
    return None if items is None else _width(items)


def _width(items: list[Any]) -> tuple[int, float] | None:
    low, high = 0, 0.0
    for op, arg in items:
        if op in (C.LITERAL, C.NOT_LITERAL, C.IN, C.ANY):
            found: tuple[int, float] | None = (1, 1.0)
        elif op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            found = (0, 0.0)
        elif op == C.SUBPATTERN:
            found = _width(list(arg[-1]))
        elif op == C.ATOMIC_GROUP:
            found = _width(list(arg))
        elif op == C.BRANCH:
            widths = [_width(list(b)) for b in arg[1]]
            found = None if None in widths else (min(w[0] for w in widths), max(w[1] for w in widths))  # type: ignore[index]
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            inner = _width(list(arg[2]))
            most = UNBOUNDED if arg[1] == C.MAXREPEAT else arg[1]
            found = None if inner is None else (arg[0] * inner[0], most * inner[1] if inner[1] else 0.0)
        else:
            return None
        if found is None:
            return None
        low, high = low + found[0], high + found[1]
    return low, high


@functools.lru_cache(maxsize=4096)
def spaceless(pattern: Source) -> bool:
    """True when the pattern binds the whole key (`^...$`) and matches no space: it matches no key
    holding one. Lookarounds match no character: what they test does not count."""
    items = _whole(pattern)
    return items is not None and _no_space(items)


def _no_space(items: list[Any]) -> bool:
    for op, arg in items:
        if op == C.LITERAL:
            ok = arg != 32
        elif op == C.NOT_LITERAL:
            ok = arg == 32
        elif op == C.IN:
            negated = bool(arg) and arg[0][0] == C.NEGATE
            has = _class_has_space(arg[1:] if negated else arg)
            ok = has is not None and has == negated
        elif op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            ok = True
        elif op == C.SUBPATTERN:
            ok = _no_space(list(arg[-1]))
        elif op == C.ATOMIC_GROUP:
            ok = _no_space(list(arg))
        elif op == C.BRANCH:
            ok = all(_no_space(list(b)) for b in arg[1])
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            ok = _no_space(list(arg[2]))
        else:
            ok = False  # ANY and what this does not read
        if not ok:
            return False
    return True


_SPACE_IN = {C.CATEGORY_SPACE: True, "CATEGORY_NOT_SPACE": False, C.CATEGORY_DIGIT: False,
             "CATEGORY_NOT_DIGIT": True, C.CATEGORY_WORD: False, "CATEGORY_NOT_WORD": True}  # fmt: skip


def _class_has_space(items: list[Any]) -> bool | None:
    """Does a class's list of members (no NEGATE) hold the space? None: not known."""
    has = False
    for op, arg in items:
        if op == C.LITERAL:
            has = has or arg == 32
        elif op == C.RANGE:
            has = has or arg[0] <= 32 <= arg[1]
        elif op == C.CATEGORY and arg in _SPACE_IN:
            has = has or _SPACE_IN[arg]
        else:
            return None
    return has
