"""Where a stream of stamped records starts: comments or teasers kept right after the article.

Below many articles stands a run of records that the line-by-line passes keep: comments, each with
its "2 days ago at 07:52" and "Rating: 36 Votes", or a rail of other stories, each headline and
lead with its "32M ago". When no block of dropped lines stands between the article and that run,
the article's end pass (`article_end`) sees one stretch of text. The run shows in its stamps: a
short line holding a number whose shape ("9 a a a 9:9 a", "9a a") comes back again and again,
every few lines, with a different number each time and in no order. Shapes that do not qualify:
- numbered headings and steps ("1. ...", "Step 2"): their numbers rise;
- a live blog's times, a dated thread read in order: they fall or rise, and stay;
- a slide counter ("of 15"): the same text each time;
- a directory's facts ("Founded: 1946", "Team: 11 – 50"): a bare year or a range, not a moment.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence

from pipeline.stages.spare import token_shape

MAX_WORDS = 6  # a stamp is short
MAX_CHARS = 120  # ...so a longer line is not looked into
MIN_STAMPS = 4  # that many stamps of one shape make a stream
MAX_PERIOD = 8  # ...at most this many lines apart (the median), and never next to each other
_NUMBER = re.compile(r"\d+")
_YEAR = re.compile(r"(1[89]|20)\d\d")
_RANGE = re.compile(r"\d\s+[-–—]\s+\d|\d[–—]\d")  # "11 – 50"; an ISO date's hyphens are no range


def stamp_shape(text: str) -> str:
    """The line's shape if it may be a stamp (short, with a number, no symbol such as a rating's
    stars: "App ★★★★★(4)" is an item of a list), else ''. A digit run is '9', a letter run 'a',
    other characters stay: "2 days ago at 07:52 am" -> "9 a a a 9:9 a"."""
    if len(text) > MAX_CHARS or not _NUMBER.search(text) or any(unicodedata.category(c) == "So" for c in text):
        return ""
    tokens = text.lower().split(maxsplit=MAX_WORDS)
    if len(tokens) > MAX_WORDS:
        return ""
    return " ".join(token_shape(token) for token in tokens)


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in _NUMBER.findall(text))


def _moments(texts: Sequence[str]) -> bool:
    """Do these lines of one shape read as moments: varied, not bare years, mostly not ranges?"""
    numbers = [_numbers(t) for t in texts]
    if len(set(texts)) < 3 or all(len(n) == 1 and _YEAR.fullmatch(str(n[0])) for n in numbers):
        return False
    return sum(bool(_RANGE.search(t)) for t in texts) * 2 <= len(texts)


def _stamps(texts: Sequence[str]) -> bool:
    """Do these lines of one shape read as stamps: moments (`_moments`) in no order?"""
    if not _moments(texts):
        return False
    numbers = [_numbers(t) for t in texts]
    rising = all(a <= b for a, b in itertools.pairwise(numbers))
    return not rising and not all(a >= b for a, b in itertools.pairwise(numbers))


def stream_start(texts: Sequence[str], joined: Sequence[bool]) -> tuple[int, list[int]] | None:
    """Index of the first line of the earliest stream of records among `texts` (visible kept lines
    in order) and the indices of its stamps, or None. `joined[k]`: no line was dropped between lines
    k - 1 and k. The stream opens with the unbroken run that holds its first stamp, when that run
    starts within a record's length (the median distance between stamps) before it; a longer run
    reaches into the article: no cut."""
    where: dict[str, list[int]] = {}
    for k, text in enumerate(texts):
        shape = stamp_shape(text)
        if shape:
            where.setdefault(shape, []).append(k)
    first: tuple[list[int], int] | None = None
    for found in where.values():
        steps = sorted(b - a for a, b in itertools.pairwise(found))
        if len(found) < MIN_STAMPS or steps[0] < 2 or steps[len(steps) // 2] > MAX_PERIOD:
            continue
        if _stamps([texts[k] for k in found]) and (first is None or found[0] < first[0][0]):
            first = (found, steps[len(steps) // 2])
    if first is None:
        return None
    stamps, period = first
    start = stamps[0]
    while start > 0 and joined[start] and stamps[0] - start < period - 1:
        start -= 1
    return None if start > 0 and joined[start] else (start, stamps)


def byline_start(bylines: Sequence[int]) -> int | None:
    """The first of the earliest `MIN_STAMPS` bylines in a row (positions of the lines a byline
    rule dropped, among the page's non-empty lines) each 2 to `MAX_PERIOD` lines after the one
    before: one story's byline, then the next story's. An article has one byline; a run of them is
    a rail of other stories or a thread of comments."""
    for i in range(len(bylines) - MIN_STAMPS + 1):
        run = bylines[i : i + MIN_STAMPS]
        if all(2 <= b - a <= MAX_PERIOD for a, b in itertools.pairwise(run)):
            return run[0]
    return None


def recurring(texts: Sequence[str]) -> bool:
    """Do these lines (the dropped lines inside a stretch of kept text) hold a stamp that comes back
    `MIN_STAMPS` times, as moments: each record's date or time, dropped (a comment thread, a live
    ticker)? In any order: a thread read oldest first rises. An article's own furniture (photo
    credits, an ad label) holds no such run."""
    where: dict[str, list[str]] = {}
    for text in texts:
        shape = stamp_shape(text)
        if shape:
            where.setdefault(shape, []).append(text)
    return any(len(found) >= MIN_STAMPS and _moments(found) for found in where.values())


MIN_REPLIES = 2  # comments in a row, each closed by its reply button, make a thread
MAX_BODY = 6  # a comment's text: at most this many lines between its stamp and its button
MAX_HEADER = 4  # ...and at most this many between one comment's button and the next one's stamp


def _dated(text: str) -> bool:
    """A comment's stamp: a short line with a number ("14 de marzo de 2026 a las 8:12")."""
    return len(text) <= MAX_CHARS and len(text.split()) <= 2 * MAX_WORDS and bool(_NUMBER.search(text))


def reply_start(lines: Sequence[str], kept: Sequence[bool], replies: Sequence[int]) -> list[int]:
    """The first line of each comment's text in the earliest thread, or []: `MIN_REPLIES` comments
    in a row, each a dropped stamp (its date or time), 1 to `MAX_BODY` lines of text, then its reply
    button (`replies`: positions of the dropped buttons, among the page's non-empty `lines`;
    `kept[i]`: line i was kept). A stamp alone is no evidence: a live blog's entries and an
    interview's answers carry no reply button; a stamp and a button per entry, twice, is a thread."""
    entries: list[tuple[int, int]] = []  # (text start, button) of each comment
    for button in replies:
        low = max(entries[-1][1] + 1 if entries else 0, button - MAX_BODY - 1)
        stamp = next((i for i in range(button - 2, low - 1, -1) if not kept[i] and _dated(lines[i])), None)
        if stamp is None:
            continue
        if entries and stamp - entries[-1][1] > MAX_HEADER:  # too far from the last one: a new run
            if len(entries) >= MIN_REPLIES:
                break
            entries = []
        entries.append((stamp + 1, button))
    return [start for start, _ in entries] if len(entries) >= MIN_REPLIES else []
