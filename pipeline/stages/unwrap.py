"""Unwrapping: rebuild the paragraphs of text a greedy wrapper broke at a fixed width.

A greedy wrapper breaks a line only where the next word would not fit, so a break where the next
word *would* have fitted ends a paragraph. Blank lines, list markers, a deeper indent and lines
that could have been broken earlier also end one; a break after a letter and a hyphen is
rejoined without a space. Used by the layout stage (stages/layout.py) for wrapped text and by
stages/markdown.py for wrapped Markdown paragraphs.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

STAGE = "layout"  # unwrapping is part of the layout stage: its audit events carry that name

_LIST_ITEM = re.compile(r"(?:[-*+•·‣◦▪–]|\(?\d{1,3}[.)]|\(?[a-zA-Z][.)])\s+(?=\S)")
_HYPHEN_CHUNK = re.compile(r"^[^\s-]*[^\W\d_]-(?=[^\W\d_])")
_TERMINAL = re.compile(r"[.!?…»\"”)\]:]$")
_SENTENCE_END = re.compile(r"[.!?…»\"”)\]]$")  # a line ending in a colon is a label ("Lire aussi :")
OPENING = " \t[(*_`\"'“‘«¿¡"  # what may come before a sentence's next word: markup, quotes
_STOP = re.compile(r"[.!?…][\"»”’')\]]*$")  # a sentence's end, closing quotes and brackets after it


_CAPS = "[A-ZÀ-ÖØ-ÞА-ЯЁ]"
# A dateline: a place in capitals, maybe a date, maybe the agency in brackets, then a dash.
_DATELINE = re.compile(
    rf"(?P<place>{_CAPS}{{3,}}(?:[ '’-]{_CAPS}{{2,}})*)"  # MOSCOU, NEW YORK
    r"(?P<more>(?:, [^()\n]{1,40}?)?(?: \([^()\n]{2,30}\))?)"  # ", 5 March", " (AP)"
    r" ?(?:--?|–|—)\s"
)


def dateline(line: str) -> bool:
    """Does a news dispatch start here ("PARIS, 5 mars (AFP) -", "NEW YORK (Reuters) -")? A lone
    capitalised word before a dash ("HTML – ...") is an acronym in a sentence, not a place."""
    m = _DATELINE.match(line.lstrip())
    if m is None:
        return False
    return "(" in m["more"] or any(c.isdigit() for c in m["more"]) or " " in m["place"]


@dataclass
class Block:
    """A reconstructed line: its text, the 1-based input lines it came from, and where in the text
    one input line was joined to the next with a space (offsets of those spaces)."""

    text: str
    first: int
    last: int
    joins: tuple[int, ...] = ()


def could_break(line: str, width: int) -> bool:
    """True if a greedy wrapper would have broken this over-long line: it has a space in time."""
    text = line.strip()
    return " " in text[: width + 1]


def first_chunk(line: str) -> str:
    """The first piece a greedy wrapper may move to the next line: a word, or a word's part up
    to its first hyphen (textwrap breaks "well-known" after "well-")."""
    # Split at ASCII white space only, as wrappers do: "«\u00a0mot" is one piece for them.
    word = line.lstrip(" \t").split(" ", 1)[0].split("\t", 1)[0]
    m = _HYPHEN_CHUNK.match(word)
    return m.group(0) if m else word


def hyphen_break(a: str, b: str) -> bool:
    """`a` ends inside a hyphenated word that continues on `b`."""
    a = a.rstrip()
    return len(a) >= 2 and a[-1] == "-" and a[-2].isalpha() and b.lstrip()[:1].isalpha()


def word_break(a: str, b: str, width: int) -> bool:
    """`a` was filled up by a word longer than the width that goes on on `b`: a wrapper breaks
    such a word anywhere (text without spaces, as Chinese or Japanese, or a URL)."""
    a = a.rstrip()
    return len(a) == width and len(a.rsplit(" ", 1)[-1]) + len(first_chunk(b)) > width


def fits(a: str, b: str, width: int) -> bool:
    """Would `b`'s first piece have fitted at the end of `a`? Then the break is a paragraph end."""
    chunk = first_chunk(b)
    if len(chunk) > width and ("](" in chunk or "://" in chunk):
        return False  # a link target, a URL: wrappers move it to a line of its own, never break it
    # A word longer than the width (a line without spaces as long as the width is taken for part
    # of one): a wrapper fills the line with part of it, so only a line it did not fill ends here.
    if len(chunk) > width or len(chunk) == width == len(b.strip()):
        return len(a.rstrip()) < width
    gap = 0 if hyphen_break(a, b) else 1
    return len(a.rstrip()) + gap + len(chunk) <= width


def blank_separated(lines: Sequence[str]) -> bool:
    """Does the document put blank lines between its paragraphs? (One in five lines or more.)"""
    blank = sum(1 for line in lines if not line.strip())
    return blank * 5 >= len(lines) - blank


def sentence_break(a: str, b: str) -> bool:
    """Does a sentence end at the end of `a` and the next start at `b` (capital or digit)?"""
    start = b.lstrip().lstrip(OPENING + "—–-")[:1]
    return (start.isupper() or start.isdigit()) and bool(_STOP.search(a.rstrip()))


def sentence_paragraphs(lines: Sequence[str], width: int) -> bool:
    """Do the document's paragraphs end at half or more of its sentence ends? (Short paragraphs.)

    Counted where it is certain: a break where the next word would have fitted after a sentence
    end (a paragraph end) against sentence ends inside a line (never one in wrapped text). Each
    kind falls on an ambiguous break about as often (a paragraph's last line, a line break inside
    a paragraph: both land within a word of the width about once a line's words), so this ratio
    is the odds that an ambiguous break after a sentence end is a paragraph end.
    """
    ends = inside = 0
    for a, b in itertools.pairwise(lines):
        if len(a.rstrip()) > width // 2:
            ends += bool(b.strip()) and sentence_break(a, b) and fits(a, b, width)
            words = a.split()
            inside += sum(sentence_break(x, y) for x, y in itertools.pairwise(words))
    return 2 * ends + 1 >= inside


def open_quote(text: str) -> bool:
    """Is a quotation still open at the end of `text`? (A sentence end inside it is no paragraph's.)"""
    return text.count('"') % 2 == 1 or text.count("«") > text.count("»") or text.count("“") > text.count("”")


def paragraph_end(a: str, b: str, after: str, width: int, guess: bool = True, short: bool = False) -> bool:
    """Is the break between `a` and `b` a paragraph end? (`after`: the line after `b`, or "".)

    Yes when `b`'s first piece would have fitted. Where it would not, both readings wrap to the
    same lines. Unless blank lines mark the paragraph ends (`guess` false), two cases are told
    apart (docs/layout.md has what they find and miss on the real pages): in a page of short
    paragraphs (`short`: see `sentence_paragraphs`), a sentence end before a capital; and after
    a sentence end, a line that is a paragraph of its own and has no sentence end itself (a colon
    is none): a title, a caption, a label or chrome, not the last line of a prose paragraph.
    """
    if fits(a, b, width):
        return True
    if not guess:
        return False
    if short and sentence_break(a, b):
        return True
    if dateline(b):  # a news dispatch starts here: "PARIS, 5 mars (AFP) -"
        return True
    own = not after.strip() or fits(b, after, width)
    starts = b.lstrip()[:1] not in "|)]}»”,;:."  # a closing mark a wrapper pushed down starts nothing
    return own and starts and bool(_TERMINAL.search(a.rstrip())) and not _SENTENCE_END.search(b.rstrip())


def indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def marker_width(line: str) -> int:
    m = _LIST_ITEM.match(line.lstrip())
    return m.end() if m else 0


class Paragraph:
    """A paragraph being rebuilt from wrapped lines."""

    def __init__(self, line: str, number: int) -> None:
        self.text = line.strip()
        self.first = self.last = number
        self.prev = line
        self.item = marker_width(line) > 0
        self.joins: list[int] = []
        self.cont = indent(line) + marker_width(line)  # deepest indent a continuation may have

    def takes(self, line: str, after: str, width: int, guess: bool, short: bool) -> bool:
        if could_break(self.prev, width) and len(self.prev.rstrip()) > width:
            return False  # a one-block line in a mixed document
        if len(line.rstrip()) > width and could_break(line, width):
            return False
        if indent(line) > self.cont:
            return False
        marker = marker_width(line)
        if marker and (self.item or fits(self.prev, line.lstrip()[marker:], width - marker - 1)):
            return False  # a new list item (a wrapper may also push a lone dash to a line's start)
        return not paragraph_end(self.prev, line, after, width, guess, short and not open_quote(self.text))

    def add(self, line: str, number: int, width: int) -> None:
        tight = hyphen_break(self.prev, line) or word_break(self.prev, line, width)
        if not tight:
            self.joins.append(len(self.text))
        self.text += ("" if tight else " ") + line.strip()
        if self.first == self.last:
            self.cont = indent(line)  # an indented first line: the rest sit at this indent
        self.prev, self.last = line, number

    def block(self) -> Block:
        return Block(self.text, self.first, self.last, tuple(self.joins))


def unwrap(lines: list[str], numbers: list[int], width: int) -> list[Block]:
    """Rebuild the paragraphs of text hard-wrapped at `width` (blank lines are dropped)."""
    blocks: list[Block] = []
    para: Paragraph | None = None
    guess = not blank_separated(lines)
    short = guess and sentence_paragraphs(lines, width)
    for i, (line, n) in enumerate(zip(lines, numbers, strict=True)):
        if not line.strip():
            if para:
                blocks.append(para.block())
            para = None
        elif para and para.takes(line, lines[i + 1] if i + 1 < len(lines) else "", width, guess, short):
            para.add(line, n, width)
        else:
            if para:
                blocks.append(para.block())
            para = Paragraph(line, n)
    if para:
        blocks.append(para.block())
    return blocks
