r"""The words of a text, as `re.findall(r"\w+")` (or `[^\W\d_]+`, letters only) gives them, faster.

The regular expression costs ~20 ns a character, most of the language stage and of signing the
delivered text. For prose there is a cheaper way to the same list: the ASCII characters that
cannot be in a word become spaces in one table lookup over the UTF-8 bytes (`bytes.translate`),
common non-ASCII punctuation is replaced, and `str.split()` cuts the rest. When every piece is
then made of word characters only (one `isalnum`/`isalpha` over them all), the pieces are exactly
the expression's matches: a separator is never a word character and a maximal run of word
characters is one piece. Otherwise (1-7 % of paragraphs, a quarter of whole real pages: a "©", a
"|", an underscore) the characters of the pieces that failed are looked at one by one, those
that are separators become spaces too, and the text is split again; the expression runs only on
a lone surrogate (not encodable) and on texts over 64K characters (peak memory).

Why it is exact: for a `str` pattern, `\w` is `str.isalnum()` or "_" (the same Unicode test in
CPython), `\d` is `str.isdecimal()`, and no letter is a decimal digit, so `[^\W\d_]` holds every
character for which `isalpha()` is true; and no other: a character of `[^\W\d_]` is `isalnum()`
and not `isdecimal()`, which `_not_in_letter_word` tests (a superscript "²" is such a character
without being `isalpha()`). White space is never a word character.
"""

from __future__ import annotations

import itertools
import re
import string
from collections.abc import Callable

_WORD = re.compile(r"\w+")
_LETTERS = re.compile(r"[^\W\d_]+")
# Non-ASCII characters that are never word characters and often sit in prose (tests check both).
PUNCTUATION = "\u2018\u2019\u201c\u201d\u00ab\u00bb\u2013\u2014\u2011\u2026\u00b0\u2022\u20ac\u00a3\u00d7\u00ae\u2122"


def _table(keep: str) -> bytes:
    """ASCII bytes not in `keep` -> space; UTF-8 lead and continuation bytes (>= 0x80) unchanged."""
    return bytes(b if b >= 0x80 or chr(b) in keep else 0x20 for b in range(256))


_WORD_BYTES = _table(string.ascii_letters + string.digits + "_")
_LETTER_BYTES = _table(string.ascii_letters)


_LONGEST = 1 << 16  # a longer text goes to the expression: the copies below would grow peak memory


def _split(text: str, table: bytes, whole: Callable[[str], bool], separator: Callable[[str], bool],
           pattern: re.Pattern[str]) -> list[str]:  # fmt: skip
    if len(text) > _LONGEST:
        return pattern.findall(text)
    try:
        spaced = text.encode().translate(table).decode()
    except UnicodeEncodeError:  # a lone surrogate: never part of a word, let the expression say so
        return pattern.findall(text)
    for char in PUNCTUATION:
        if char in spaced:
            spaced = spaced.replace(char, " ")
    pieces = spaced.split()
    if whole("".join(pieces)):
        return pieces
    # Some piece holds a character the checks above did not turn into a space: the separators
    # among the characters of those pieces become spaces too, and the pieces are cut again.
    odd = set("".join(itertools.filterfalse(whole, pieces)))
    for char in odd:
        if separator(char):
            spaced = spaced.replace(char, " ")
    return spaced.split()


def _not_in_word(char: str) -> bool:
    return not (char.isalnum() or char == "_")


def _not_in_letter_word(char: str) -> bool:
    return not char.isalnum() or char.isdecimal()


def words(text: str) -> list[str]:
    r"""`re.findall(r"\w+", text)`."""
    return _split(text, _WORD_BYTES, str.isalnum, _not_in_word, _WORD)


def letter_words(text: str) -> list[str]:
    r"""`re.findall(r"[^\W\d_]+", text)`: runs of letters (and numerals that are not digits)."""
    return _split(text, _LETTER_BYTES, str.isalpha, _not_in_letter_word, _LETTERS)
