"""ftfy's two hot spots, with the same answers, faster: installed into ftfy by `install()` (the
encoding stage calls it once, when imported). Each stands down, leaving ftfy as it is, when ftfy's
own function or pattern is not the one this module was written for.

The mojibake test (`is_bad`), without trying its pattern everywhere.

Repairing a suspect line, ftfy asks `is_bad(text)` before each decoding step, and once more on
the repaired line to stop: a search of `ftfy.badness.BADNESS_RE`, an alternation of some forty
sequences that CPython's `re` tries at every position of the line: the repair step took 0.47 s
of CPU on the benchmark's 3,000 pages (mojibake in 15 % of them) with it, 0.29 s with this.

Every one of those sequences holds a non-ASCII character within its first `window` characters
(every character class of ftfy's categories is non-ASCII; the sequences starting with an ASCII
letter or a space have a non-ASCII one second or third). So the pattern matches somewhere if
and only if it matches at most `window` characters before some non-ASCII character: the fast
pattern searches for a non-ASCII character (a one-class start, which `re` skips to in C) and
checks ftfy's own pattern, unchanged, at that character and the `window` ones before it
(lookbehinds of each width, each holding a lookahead of the pattern). `window` is read from the
pattern's parse tree when this module is imported; if the tree holds anything this reading does
not know, ftfy is left as it is.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

import ftfy
import ftfy.badness
import ftfy.chardata
import ftfy.fixes

MAX_WINDOW = 4  # more than this many characters before the first non-ASCII one: not worth it
_ANY_CHARACTER = r"[\s\S]"  # "." without DOTALL, which would change the `.` of ftfy's pattern


def ascii_window(pattern: str, flags: int) -> int | None:
    """How many characters a match of `pattern` may start before its first character that can
    only be non-ASCII, at most; None when some alternative has none, or the tree is unknown."""
    if flags & re.IGNORECASE:
        return None  # a non-ASCII letter may then match an ASCII one (the Kelvin sign, "k")
    parser: Any = importlib.import_module("re._parser")  # CPython's own parser: the tree `re` compiles
    try:
        tree = list(parser.parse(pattern, flags))
    except Exception:  # a parser of another Python version: leave ftfy alone
        return None
    if len(tree) != 1 or str(tree[0][0]) != "BRANCH":
        return None
    offsets = [_first_non_ascii(list(alternative)) for alternative in tree[0][1][1]]
    return None if any(o is None for o in offsets) else max(o for o in offsets if o is not None)


def _first_non_ascii(items: list[tuple[Any, Any]]) -> int | None:
    """The largest offset the first non-ASCII-only item of a sequence may have."""
    longest = 0
    for op, arg in items:
        kind = str(op)
        if kind == "LITERAL" and arg >= 0x80:
            return longest
        if kind == "IN" and all(_non_ascii(str(o), a) for o, a in arg):
            return longest
        if kind in ("LITERAL", "IN", "ANY", "NOT_LITERAL"):
            longest += 1
        elif kind == "AT":
            continue
        elif kind in ("MAX_REPEAT", "MIN_REPEAT") and arg[1] <= MAX_WINDOW and len(arg[2]) == 1:
            if str(arg[2][0][0]) not in ("LITERAL", "IN", "ANY", "NOT_LITERAL"):
                return None
            longest += arg[1]
        else:
            return None
    return None


def _non_ascii(kind: str, arg: Any) -> bool:
    """Does this member of a character class hold only non-ASCII characters?"""
    return (kind == "LITERAL" and arg >= 0x80) or (kind == "RANGE" and arg[0] >= 0x80)


def fast_pattern(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """A pattern that matches somewhere exactly when `pattern` does (see the module's docstring)."""
    window = ascii_window(pattern.pattern, pattern.flags)
    if window is None or window > MAX_WINDOW:
        return None
    ahead = f"(?=(?:{pattern.pattern}\n))"  # the new line ends a verbose pattern's last comment
    behind = "|".join(f"(?<={ahead}{_ANY_CHARACTER * (k + 1)})" for k in range(window + 1))
    return re.compile(f"[^\\x00-\\x7f](?:{behind})", pattern.flags)


def install() -> dict[str, bool]:
    """Both replacements, each with whether it took."""
    return {"is_bad": install_bad_test(), "remove_control_chars": install_control_removal()}


def install_bad_test() -> bool:
    """Give ftfy the fast `is_bad`; False (and ftfy unchanged) when its pattern is not understood."""
    fast = fast_pattern(ftfy.badness.BADNESS_RE)
    if fast is None or getattr(ftfy, "is_bad", None) is not ftfy.badness.is_bad:
        return False
    search = fast.search

    def is_bad(text: str) -> bool:
        return search(text) is not None

    ftfy.is_bad = is_bad  # the name ftfy's repair loop calls (ftfy/__init__.py imports it)
    return True


def install_control_removal() -> bool:
    """Give ftfy a `remove_control_chars` that translates only a text holding one of the
    characters it removes: ftfy's own `str.translate` looks up every character in a dict, `re`
    finds that there is none (most texts) in C, 15x faster. The same text comes back either way.
    False (and ftfy unchanged) when ftfy's fixer is not its own."""
    table = ftfy.chardata.CONTROL_CHARS
    if ftfy.FIXERS.get("remove_control_chars") is not ftfy.fixes.remove_control_chars:
        return False
    controls = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(table)) + "]")

    def remove_control_chars(text: str) -> str:
        return text.translate(table) if controls.search(text) else text

    ftfy.FIXERS["remove_control_chars"] = remove_control_chars  # what ftfy's repair loop calls
    return True
