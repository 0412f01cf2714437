"""Line features: what a line looks like, independent of its exact words.

`line_key` is the form every rule pattern is matched against: casefolded, quotes and no-break
spaces folded, white space collapsed. `LineFeatures` holds the measures that feature rules and
the context classifier use (length, words, digit share, terminal punctuation, link shape...).
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

from pipeline.text import APOSTROPHE, QUOTES, SPACES

# Rules never look further than this into a line: chrome is short, and a bounded subject keeps
# every pattern's worst case bounded too.
MAX_KEY_CHARS = 1000

_FOLD = {
    **QUOTES, **APOSTROPHE, "\u00b4": "'", "`": "'",
    **SPACES, "\u2007": " ", "\t": " ",
    "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u0421": "c", "\u0441": "c",  # Cyrillic С/с in Latin chrome ("Сomment")
    "\u0131": "i",  # dotless ı: case-insensitive patterns match it as i (see rules/prefilter.py)
}  # fmt: skip
# str.translate looks every character up in a dict (~20 µs a line); a replace per character that
# occurs is ~30x faster, as few of them occur in any one line.
_FOLD_PAIRS = tuple(_FOLD.items())
# All an ASCII line can hold (a fold gives ASCII: the line stays ASCII), but white space to a
# space, which the split in `_key` does anyway (a tab).
_ASCII_MARK_PAIRS = tuple((a, b) for a, b in _FOLD_PAIRS if a.isascii() and not (a.isspace() and b.isspace()))
_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
_LETTERS = re.compile(r"[^\W\d_]+")  # runs of letters: removing them leaves the rest
_UPPER = re.compile(r"[A-ZÀ-ÖØ-ÞА-ЯΑ-Ω]")
# Scripts written without spaces: count about one word per two characters.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")
LEXICON = Path(__file__).resolve().parent.parent.parent / "configs" / "lexicon" / "shapes.toml"


def _alternatives(words: list[str]) -> str:
    """A regex alternation of literal words, longest first (so "VOVworld" wins over "VOV")."""
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


def _shapes(path: Path) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The terminal and dateline shapes, with the language-specific words read from `path`."""
    with path.open("rb") as f:
        lexicon = tomllib.load(f)
    marks = _alternatives(lexicon["terminal"]["end_marks"])
    dateline = lexicon["dateline"]
    days, suffixes = _alternatives(dateline["day_words"]), _alternatives(dateline["day_suffixes"])
    agencies = _alternatives(dateline["agencies"])
    # Sentence end, allowing an agency end mark glued after it ("... locales. Fin", "... blessés. -VNA").
    terminal = re.compile(rf"[.!?…;:。！？][\s\"'»”’)\]]*(?:{marks}|[-–—]\s*[A-Z]{{2,6}}(?:/[A-Z]{{2,6}})*)?\s*$")
    shape = re.compile(
        rf"^{_CAPITAL}{_CAPITALS}{{2,40}}(?:\s*\([^)]{{1,40}}\))?,?\s+(?:(?:{days})\s+)?\d{{1,2}}(?:{suffixes})?\s+\w+\.?"
        r"(?:\s+\d{4})?\s*(?:\([\w .-]{2,30}\))?\s*[-–—]+"
        rf"|^{_CAPITAL}[\w'’ .-]{{1,40}}\s*\((?:{agencies})\)\s*[-–—]"
    )
    return terminal, shape


def _headline_shapes(path: Path) -> tuple[re.Pattern[str], tuple[str, ...]]:
    """What a teaser headline may open with (a clock time) and end with (question, exclamation)."""
    with path.open("rb") as f:
        headline = tomllib.load(f)["headline"]
    separators = "".join(re.escape(s) for s in headline["time_separators"])
    return re.compile(rf"^\d{{1,2}}[{separators}]\d{{2}}\b"), tuple(headline["question_ends"])


# Upper-case letters of the Latin and Cyrillic scripts: a dateline's city is written in capitals.
_CAPITAL = "[A-ZÀ-ÖØ-ÞА-ЯЁ]"
_CAPITALS = "[A-ZÀ-ÖØ-ÞА-ЯЁ'’. -]"
_TERMINAL, _DATELINE = _shapes(LEXICON)
with LEXICON.open("rb") as _f:
    _NAME_ENDS = tuple(tomllib.load(_f)["terminal"]["name_ends"])  # "… e.V.": a name, not a sentence
TIME_PREFIX, QUESTION_ENDS = _headline_shapes(LEXICON)
_LINK = re.compile(r"^(?:https?://|www\.)\S+$|^[\w-]+(?:\.[\w-]+)+(?:/\S*)?$")


# Most lines are Latin-1 (Western European text): their counts are read on their bytes, where
# deleting or mapping a class of bytes is one C loop. The byte classes are the regexes' own answers
# on each of the 256 characters, so the counts are the regexes' counts.
def _byte_class(pattern: re.Pattern[str]) -> bytes:
    return bytes(c for c in range(256) if pattern.fullmatch(chr(c)))


def _signature(char: str) -> tuple[bool, ...]:
    """Every class a count reads of a character (the regexes', str.isupper for capitals, spaces)."""
    return (*(bool(p.fullmatch(char)) for p in (_WORD, _DIGIT, _LETTERS, _UPPER, _UNSPACED)), char.isupper(),
            char.isspace())  # fmt: skip


def _stand_ins(chars: str) -> tuple[tuple[str, str], ...]:
    """For characters common in Latin text beyond Latin-1 (typographic quotes and dashes, œ), a
    Latin-1 character of the same classes: put in its place, it changes no count."""
    latin = [chr(c) for c in range(0x21, 0x100)]
    pairs = ((c, next((x for x in latin if _signature(x) == _signature(c)), None)) for c in chars)
    return tuple((c, x) for c, x in pairs if x is not None)


_WORD_MARKS = bytes(ord("a") if _WORD.fullmatch(chr(c)) else ord(" ") for c in range(256))  # word bytes "a", others " "
_DIGIT_BYTES, _LETTER_BYTES, _UPPER_BYTES = _byte_class(_DIGIT), _byte_class(_LETTERS), _byte_class(_UPPER)
# Each byte's class for the three counts: "d" digit, "U" upper-case letter, "l" other letter, " " the
# rest. Upper-case letters are letters and no digit is one (asserted), so the classes count alike.
assert set(_UPPER_BYTES) <= set(_LETTER_BYTES) and not set(_DIGIT_BYTES) & set(_LETTER_BYTES)
_CLASS_BYTES = bytes(
    ord("d") if c in _DIGIT_BYTES else ord("U") if c in _UPPER_BYTES else ord("l") if c in _LETTER_BYTES else ord(" ")
    for c in range(256)
)
STAND_INS = _stand_ins("\u2018\u2019\u201a\u201c\u201d\u201e\u2013\u2014\u2026\u2022\u20ac\u0153\u2039\u203a")
_HAS_STAND_IN = frozenset(char for char, _ in STAND_INS)


def latin1_bytes(text: str) -> bytes | None:
    """The text as Latin-1 bytes, the `STAND_INS` put in place first (None if that is not enough).
    For counting classes of characters only: the stand-ins are other characters."""
    if text.isascii():
        return text.encode("ascii")
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError as e:
        if text[e.start] not in _HAS_STAND_IN:
            return None  # that character stays: the second encode would fail too (Cyrillic, CJK)
    for char, stand_in in STAND_INS:
        if char in text:
            text = text.replace(char, stand_in)
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return None


def _count_words(text: str) -> int:
    raw = latin1_bytes(text)
    if raw is not None:  # = len(_WORD.findall(text)): the runs of word bytes (no unspaced script there),
        marked = raw.translate(_WORD_MARKS)  # counted where one starts ("a" after " "), no list made
        return marked.count(b" a") + marked.startswith(b"a")
    return _count_short(text) if len(text) <= _CACHED_CHARS else _count(text)


@functools.lru_cache(maxsize=32_768)
def _count_short(text: str) -> int:
    return _count(text)


def _count(text: str) -> int:
    words = len(_WORD.findall(text))
    if not text.isascii():
        unspaced = len(_UNSPACED.findall(text))
        if unspaced:
            words += unspaced // 2
    return words


def line_key(line: str) -> str:
    """The normalised form rules match against."""
    return _short_key(line) if len(line) <= _CACHED_CHARS else _key(line)


_CACHED_CHARS = 160  # short lines (chrome) recur across a site's pages: their keys are cached


def line_keys(lines: Iterable[str]) -> list[str]:
    """Each line's `line_key`, "" for a blank line (one call for a document's lines, not one a line)."""
    short, key, cached = _short_key, _key, _CACHED_CHARS
    return ["" if not line.strip() else short(line) if len(line) <= cached else key(line) for line in lines]


@functools.lru_cache(maxsize=32_768)
def _short_key(line: str) -> str:
    return _key(line)


def _key(line: str) -> str:
    key = line[:MAX_KEY_CHARS]
    if key.isascii():  # most lines: no NFKC, and casefold = lower, which has an ASCII fast path
        for char, replacement in _ASCII_MARK_PAIRS:
            if char in key:
                key = key.replace(char, replacement)
        return " ".join(key.split()).lower()
    # All the folds: in a Latin-1 line `in` answers a wider character at once (str stores a
    # Latin-1 text in one byte a character), so finding the line's widest one (a scan) is not needed.
    for char, replacement in _FOLD_PAIRS:
        if char in key:
            key = key.replace(char, replacement)
    return " ".join(unicodedata.normalize("NFKC", key).split()).casefold()


T = TypeVar("T")


class _lazy(Generic[T]):  # a decorator, named like functools.cached_property
    """functools.cached_property without its lock (Python 3.11 takes one on every first read, and
    the chrome stage makes a few of those per line): computed on first read, then kept in the
    instance's dict, where later reads find it before the descriptor."""

    def __init__(self, compute: Callable[[Any], T]) -> None:
        self.compute = compute
        self.name = compute.__name__

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> _lazy[T]: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> T: ...
    def __get__(self, obj: object | None, owner: type | None = None) -> T | _lazy[T]:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.compute(obj)
        return value


class LineFeatures:
    """Measures of one line. Length and words are computed at once (every line needs them); the
    rest on first use, since most lines are decided before any rule asks for them."""

    def __init__(self, text: str) -> None:
        # Measured on the line as it will be delivered (white space collapsed, as paragraphs.py does),
        # so that cleaning the clean text again takes the same decisions (a tab once counted as a character).
        self.text = " ".join(text.split())
        self.chars = len(self.text)
        self.words = _count_words(self.text)
        self.pos = 0.0  # relative position in the document (0 first line, 1 last), set by the caller

    @classmethod
    def of(cls, line: str) -> LineFeatures:
        return cls(line)

    @_lazy
    def digit_share(self) -> float:
        counts = self._byte_counts
        return (counts[0] if counts else len(_DIGIT.findall(self.text))) / (self.chars or 1)

    @_lazy
    def alpha_share(self) -> float:
        return self._letters / (self.chars or 1)

    @_lazy
    def upper_share(self) -> float:
        counts = self._byte_counts
        return (counts[2] if counts else len(_UPPER.findall(self.text))) / (self._letters or 1)

    @_lazy
    def _letters(self) -> int:
        counts = self._byte_counts
        return counts[1] if counts else self.chars - len(_LETTERS.sub("", self.text))

    @_lazy
    def _byte_counts(self) -> tuple[int, int, int] | None:
        """A Latin-1 line's (most lines') digits, letters and upper-case letters, counted on its
        bytes (`latin1_bytes`). None for other lines."""
        raw = latin1_bytes(self.text)
        if raw is None:
            return None
        classes = raw.translate(_CLASS_BYTES)  # one pass, then a count per class (no copy made per class)
        upper = classes.count(b"U")
        return classes.count(b"d"), upper + classes.count(b"l"), upper

    @_lazy
    def terminal(self) -> bool:
        return bool(_TERMINAL.search(self.text)) and not self.text.rstrip().endswith(_NAME_ENDS)

    @_lazy
    def link_like(self) -> bool:
        # A link holds no white space (_LINK: \S, [\w-] and dots), and `text` holds no white space
        # but single spaces: a line with a space (prose, most lines) is not one.
        return " " not in self.text and bool(_LINK.match(self.text))

    @_lazy
    def dateline(self) -> bool:
        return bool(_DATELINE.match(self.text))

    def value(self, name: str) -> float | bool:
        value: float | bool = getattr(self, name)
        return value

    def __repr__(self) -> str:
        return f"LineFeatures(chars={self.chars}, words={self.words}, pos={self.pos:.2f})"


FEATURE_NAMES = (
    "chars", "words", "digit_share", "alpha_share", "upper_share", "terminal", "link_like", "dateline", "pos",
)  # fmt: skip
