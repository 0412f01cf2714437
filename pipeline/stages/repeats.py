"""The chrome stage's second pass: a paragraph already seen in the document, exactly or nearly,
is dropped (stages/chrome.py runs it between the rules and the context pass)."""

from __future__ import annotations

import functools
import itertools
import re

from pipeline.settings import ChromeSettings
from pipeline.stages import copies
from pipeline.stages.lines import NEAR, REPEATED, Line, _drop, preformatted
from pipeline.stages.near import NearIndex

_PAIRS = re.compile(r"[^\W_]+")


def _words(key: str) -> tuple[str, tuple[str, ...]]:
    """A paragraph's exact key (its words, space-joined) and words; short ones (chrome, which
    recurs across passes and pages) cached, long ones not (memory: a word is an object)."""
    return _short_words(key) if len(key) <= _CACHED_WORDS else _split_words(key)


_CACHED_WORDS = 160


def _split_words(key: str) -> tuple[str, tuple[str, ...]]:
    try:  # a Latin-1 key's words: its runs of _PAIRS bytes, every other byte made a space
        words = tuple(key.encode("latin-1").translate(_LATIN1_WORD_BYTES).decode("latin-1").split())
    except UnicodeEncodeError:
        words = tuple(_PAIRS.findall(key))
    return " ".join(words), words


_LATIN1_WORD_BYTES = bytes(c if _PAIRS.fullmatch(chr(c)) else ord(" ") for c in range(256))


_short_words = functools.lru_cache(maxsize=32_768)(_split_words)


_KEEP_PAIRS = 2_000  # paragraphs; a real page has about 60 long enough to be repeats


def drop_repeats(lines: list[Line], settings: ChromeSettings, near: bool = True, copies_only: bool = False) -> bool:
    """Keep the first copy of a repeated paragraph; drop later exact or near copies. Returns whether
    any paragraph was a copy (dropped or not).

    Run again on fewer lines (a later run keeps a subset of these, in the same order), it finds no
    copy where it found none here: a copy needs an earlier paragraph that it repeats, and every
    earlier paragraph there was one here too (`NearIndex`: some single paragraph holds its pairs).

    A short exact repeat goes only when it belongs to a repeated block (a neighbour is a repeat
    too), as when a page carries a second copy of the article; alone, a repeated question or list
    item is more likely content (interviews, recipes) than chrome.
    `copies_only` (extracted text): only a second copy of a stretch of text goes (`copies.py`).
    """
    seen: set[str] = set()
    keys: dict[int, str] = {}  # line index -> its exact key
    earlier = NearIndex(settings.near_dup_containment)
    repeats: dict[int, str] = {}
    # Neighbours are the paragraphs long enough to be repeats themselves: a short line that a later
    # pass removes must not break up a repeated block (cleaning twice must give what once gives).
    least = settings.dedup_min_chars
    order = [
        i for i, line in enumerate(lines) if line.rule is None and line.cls != "empty" and line.feats.chars >= least
    ]
    # A page's word pairs are kept on its lines for later runs, a huge document's are not (memory).
    keep = len(order) <= _KEEP_PAIRS
    for i in order:
        line = lines[i]
        words = None
        if line.exact is None:
            line.exact, words = _words(line.key)
        exact_key = keys[i] = line.exact
        if exact_key in seen:
            repeats[i] = REPEATED
            continue
        seen.add(exact_key)
        if not near or line.feats.words < settings.near_dup_min_words:
            continue
        pairs = line.pairs
        if pairs is None:
            pairs = frozenset(itertools.pairwise(words if words is not None else _words(line.key)[1]))
            if keep:
                line.pairs = pairs
        if pairs and earlier.contains_most(pairs):
            repeats[i] = NEAR
            continue
        earlier.add(pairs)
    found = bool(repeats)
    if copies_only:
        prose = [i for i in order if not preformatted(lines[i])]  # repeats in code are code
        copied = copies.copied_runs([(keys[i], lines[i].feats.words) for i in prose], settings.long_min_words)
        repeats = {i: why for pos, i in enumerate(prose) if pos in copied and (why := repeats.get(i))}
    for pos, i in enumerate(order):
        if i not in repeats:
            continue
        neighbours = order[max(0, pos - 1) : pos + 2]
        in_block = any(j in repeats for j in neighbours if j != i)
        if repeats[i] == "near-duplicate" or lines[i].feats.words >= settings.long_min_words or in_block:
            how = "nearly the same" if repeats[i] == "near-duplicate" else "the same"
            _drop(lines[i], repeats[i], f"{how} paragraph appears earlier in the document")
    return found
