"""Lines the context pass must not take for page furniture, though they are short (text path).

A table or a dated list flattened to text (a calendar, a schedule, a catalogue's index, a
changelog) is a run of short lines that all open the same way: "Jan. 3-5: ...", "Pages 1-76 -
...", "2a etapa: 8 de abril - ...". The context pass drops such a run when it stands next to
removed chrome or outside the prose, which erases the page's data. Menus rarely look like that:
their entries are one or two words and do not open with a number set off by punctuation.

A run is spared when at least `MIN_RUN` neighbouring lines share the shape of their first
`SHAPE_TOKENS` tokens (digits, letters and the punctuation between them), that shape holds a
digit and a punctuation mark, and the lines average `MIN_MEAN_WORDS` words or more.
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
from collections.abc import Sequence
from typing import Protocol

from pipeline.rules.features import LineFeatures

MIN_RUN = 3
SHAPE_TOKENS = 3
MIN_MEAN_WORDS = 5  # a run of two-word entries ("Ad: Slot1", "Season 4") is a menu or a widget
MAX_WORDS = 40  # a paragraph ends a run: it is prose, not a row
_MARKS = frozenset(":-+*.,()|/–—#")
_DIGIT = re.compile(r"\d")


class Spareable(Protocol):
    text: str
    feats: LineFeatures
    cls: str
    spared: tuple[str, ...]


def shape(text: str, tokens: int = SHAPE_TOKENS) -> str:
    """The opening of a line as a pattern: a digit run is '9', a letter run 'a', the rest as is."""
    return " ".join(token_shape(token) for token in text.split()[:tokens])


def token_shape(token: str) -> str:
    """One token as a pattern: "12." -> "9.", "März:" -> "a:"."""
    pattern = ""
    for char in token:
        cls = "9" if char.isdigit() else "a" if char.isalpha() else char
        if not pattern or pattern[-1] != cls:
            pattern += cls
    return pattern


def _row_like(pattern: str) -> bool:
    return "9" in pattern and any(c in _MARKS for c in pattern)


@functools.lru_cache(maxsize=32_768)  # the passes of the chrome stage see the same lines again
def _row_shape(text: str) -> str:
    """The line's shape if its opening holds a digit (no row-like run without one), else ''."""
    head = text.split(maxsplit=SHAPE_TOKENS)[:SHAPE_TOKENS]
    return shape(" ".join(head)) if any(_DIGIT.search(t) for t in head) else ""


def parallel_runs(lines: Sequence[Spareable]) -> list[list[int]]:
    """Runs of neighbouring visible lines that open with the same row-like shape (indices)."""
    visible = [i for i, line in enumerate(lines) if line.cls != "empty"]
    shapes = [_row_shape(lines[i].text) if lines[i].feats.words <= MAX_WORDS else "" for i in visible]
    found: list[list[int]] = []
    for pattern, group in itertools.groupby(zip(shapes, visible, strict=True), key=operator.itemgetter(0)):
        if not pattern or not _row_like(pattern):
            continue
        run = [i for _, i in group]
        if len(run) >= MIN_RUN and sum(lines[i].feats.words for i in run) >= MIN_MEAN_WORDS * len(run):
            found.append(run)
    return found


def spare_rows(lines: Sequence[Spareable], roles: tuple[str, ...]) -> None:
    """Mark the lines of every parallel run as spared from the decisions `roles` (the context
    pass's and the line model's: a row reads like a teaser or a menu entry to either)."""
    for run in parallel_runs(lines):
        for i in run:
            lines[i].spared = (*lines[i].spared, *(r for r in roles if r not in lines[i].spared))
