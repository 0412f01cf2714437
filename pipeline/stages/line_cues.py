"""The line model's cues: what a line and its place in the page are made of (stages/line_model.py
weighs them). A line's own cues (length, words, shares, shapes, stopwords of the page's language,
furniture words) and the keys of its context cues (neighbours, zone, main block, position), worked
out alike for training (`line_model.page_parts`) and in the chrome stage (`line_model.score_lines`).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import re
import tomllib
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from pipeline.rules.features import LineFeatures, latin1_bytes, line_key
from pipeline.settings import CONFIG_DIR

_WORDS = re.compile(r"[^\W\d_]+")
_COUNTER = re.compile(r"^\(?\d[\d.,]*\)?(?:\s+\w+){0,2}$|^\w+(?:\s+\w+)?\s*\(?\d+\)?$")
_DATE = re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{2,4}\b|\b(?:19|20)\d{2}\b")
_TIME = re.compile(r"\b\d{1,2}[:h]\d{2}\b")
_SEPARATORS = re.compile(r"\s[|•·»>/]\s|\s-\s")
# ...as substring tests: a line's `LineFeatures.text` holds no white space but single spaces (\s in
# `re` and str.split agree on what white space is), and a few tests in C beat a regex scan.
_SEPARATOR_STRINGS = tuple(f" {mark} " for mark in "|•·»>/-")
_BULLET = re.compile(r"^[-*•·–—►▸>+]\s")
_CONTACT = re.compile(r"@\w|\bhttps?://|\bwww\.")


class LineLike(Protocol):
    """What the model reads of a line under classification (chrome.Line)."""

    key: str
    cls: str
    rule: str | None

    @property
    def feats(self) -> Any: ...


@functools.lru_cache(maxsize=1)
def chrome_words() -> frozenset[str]:
    """The furniture words of every language (configs/lexicon/chrome-words.toml), folded like keys."""
    with open(CONFIG_DIR / "lexicon" / "chrome-words.toml", "rb") as f:
        groups = tomllib.load(f)["words"]
    return frozenset(w for words in groups.values() for word in words for w in _WORDS.findall(line_key(word)))


@functools.lru_cache(maxsize=16)
def stopword_lists() -> dict[str, frozenset[str]]:
    """Every stopword list under configs/stopwords/, by language code."""
    out = {}
    for path in sorted((CONFIG_DIR / "stopwords").glob("*.txt")):
        out[path.stem] = frozenset(w.strip() for w in path.read_text(encoding="utf-8").split() if w.strip())
    return out


_LANGUAGE_SAMPLE = 1500  # characters of the page's lines that choose its stopword list


def page_stopwords(keys: list[str]) -> frozenset[str]:
    """The stopwords of the language whose list the page's distinct words hit most (empty if none)."""
    if sum(map(len, keys)) + len(keys) <= _LANGUAGE_SAMPLE:  # (a small page: all of them, summed in C)
        return _stopwords_of_head(tuple(keys))
    size = 0
    for end, key in enumerate(keys, 1):  # only the keys the sample needs are joined
        size += len(key) + 1
        if size > _LANGUAGE_SAMPLE:
            return _stopwords_of_head(tuple(keys[:end]))
    return _stopwords_of_head(tuple(keys))


@functools.lru_cache(maxsize=4096)
def _stopwords_of_head(head: tuple[str, ...]) -> frozenset[str]:
    """By the keys themselves (their hashes are known): a page's later passes and a site's pages
    repeat them, and the joined sample need not be made and hashed again."""
    return _stopwords_of(" ".join(head)[:_LANGUAGE_SAMPLE])


@functools.lru_cache(maxsize=4096)
def _stopwords_of(sample: str) -> frozenset[str]:
    words = set(sample.split())  # keys are casefolded; a split is cheap
    best, best_hits = frozenset[str](), 0
    for stop in stopword_lists().values():
        hits = len(stop.intersection(words))
        if hits > best_hits:
            best, best_hits = stop, hits
    return best


def _bucket(value: float, edges: tuple[float, ...]) -> int:
    """The index of the first edge above value (len(edges) if none)."""
    return bisect.bisect_right(edges, value)


_WORD_EDGES = (1, 2, 3, 4, 6, 9, 13, 20, 30, 50, 90)
_SHARE_EDGES = (0.01, 0.1, 0.25, 0.5, 0.8)


def _end_class(char: str) -> str:
    if char in _ENDINGS:
        return char
    return "a" if char.isalpha() else "d" if char.isdigit() else "o"


_ENDINGS = frozenset('.!?:;,)"»”')


@functools.lru_cache(maxsize=65_536)
def own_cues(text: str, key: str, cls: str, stop: frozenset[str], repeats: int) -> tuple[str, ...]:
    """The cues of the line itself (cached: chrome lines recur across a site's pages)."""
    return tuple(_own_cues(LineFeatures(text), key, cls, _words_of(key), stop, repeats))


_OWN_MEMO: dict[tuple[str, str, str, frozenset[str], int], tuple[str, ...]] = {}
_OWN_MEMO_SIZE = 65_536  # entries; emptied when full, so memory stays bounded


def line_own_cues(line: LineLike, stop: frozenset[str], repeats: int) -> tuple[str, ...]:
    """`own_cues` of a line under classification, from the features it already measured."""
    f = line.feats
    memo_key = (f.text, line.key, line.cls, stop, repeats)
    found = _OWN_MEMO.get(memo_key)
    if found is None:
        if len(_OWN_MEMO) >= _OWN_MEMO_SIZE:
            _OWN_MEMO.clear()
        found = _OWN_MEMO[memo_key] = tuple(_own_cues(f, line.key, line.cls, _words_of(line.key), stop, repeats))
    return found


def _words_of(key: str) -> list[str]:
    """`_WORDS.findall(key)`. A Latin-1 key's (most keys') words are its runs of letter bytes (the
    regex's own letters among the 256 characters): every other byte made a space, then split (one C
    loop, not the regex's)."""
    try:
        raw = key.encode("latin-1")
    except UnicodeEncodeError:
        return _WORDS.findall(key)
    return raw.translate(_LATIN1_WORD_BYTES).decode("latin-1").split()


_LATIN1_WORD_BYTES = bytes(c if _WORDS.fullmatch(chr(c)) else ord(" ") for c in range(256))


# The length cue: the bucket of log2(chars + 1) among 3..10, read as the bucket of chars among the
# smallest counts whose log reaches each edge (the same bucket for every whole number of chars).
_LOG_CHARS_EDGES = tuple(next(c for c in range(2**e) if math.log2(c + 1) >= e) for e in range(3, 11))
_CHARS_CUES = tuple(f"c{b}" for b in range(len(_LOG_CHARS_EDGES) + 1))


# Cue names by bucket, made once: a line's cues are looked up, not formatted (`_own_cues` runs for
# every line first seen, and most of a real page's lines are).
_WORD_CUES = tuple(f"w{b}" for b in range(len(_WORD_EDGES) + 1))
_TERMINAL_CUES = tuple((f"w{b}|t0", f"w{b}|t1") for b in range(len(_WORD_EDGES) + 1))
_ALPHA_EDGES, _UPPER_EDGES = (0.5, 0.7, 0.8, 0.9), (0.05, 0.15, 0.3, 0.6, 0.9)
_STOP_EDGES, _CAPITAL_EDGES = (0.01, 0.1, 0.2, 0.3, 0.45), (0.2, 0.5, 0.8, 0.99)
_DIGIT_CUES = tuple(f"dg{b}" for b in range(len(_SHARE_EDGES) + 1))
_ALPHA_CUES = tuple(f"al{b}" for b in range(len(_ALPHA_EDGES) + 1))
_UPPER_CUES = tuple(f"up{b}" for b in range(len(_UPPER_EDGES) + 1))
_STOP_CUES = tuple(tuple(f"sw{b}|w{w}" for w in range(7)) for b in range(len(_STOP_EDGES) + 1))
_LEX_CUES = tuple(f"lex{h}" for h in range(4))
_LEX_WORD_CUES = tuple(tuple(f"lex{h}|w{w}" for w in range(7)) for h in range(3))
_CAPITAL_CUES = tuple(f"cap{b}" for b in range(len(_CAPITAL_EDGES) + 1))
_REPEAT_CUES = ("", "", "rep2", "rep3", "rep4")


@functools.lru_cache(maxsize=64)
def _class_cue(cls: str) -> str:
    return f"cls:{cls}"


@functools.lru_cache(maxsize=1024)
def _end_cue(char: str) -> str:
    return "end:" + _end_class(char)


def _own_cues(f: LineFeatures, key: str, cls: str, words: list[str], stop: frozenset[str], repeats: int) -> list[str]:
    text = f.text
    at = bisect.bisect_right  # = _bucket, called directly: this runs for every line first seen
    wb = at(_WORD_EDGES, f.words)
    digits = f.digit_share
    cues = [_WORD_CUES[wb], _CHARS_CUES[at(_LOG_CHARS_EDGES, f.chars)], _class_cue(cls),
            _end_cue(text[-1] if text else " "), _TERMINAL_CUES[wb][1 if f.terminal else 0],
            _DIGIT_CUES[at(_SHARE_EDGES, digits)], _ALPHA_CUES[at(_ALPHA_EDGES, f.alpha_share)],
            _UPPER_CUES[at(_UPPER_EDGES, f.upper_share)]]  # fmt: skip
    if words:
        few = min(wb, 6)
        if stop:  # a page in a language without a stopword list gets no stopword cue
            cues.append(_STOP_CUES[at(_STOP_EDGES, sum(map(stop.__contains__, words)) / len(words))][few])
        hits = sum(map(_chrome_words_contains(), words))
        cues += (
            _LEX_CUES[min(hits, 3)],
            _LEX_WORD_CUES[min(hits, 2)][few],
            _CAPITAL_CUES[at(_CAPITAL_EDGES, _capital_share(text))],
        )
    if digits:  # counters, dates and times hold a digit
        if _COUNTER.match(text):  # = search: every branch starts with ^
            cues.append("counter")
        if _DATE.search(text):
            cues.append("date")
        if _TIME.search(text):
            cues.append("time")
    if any(map(text.__contains__, _SEPARATOR_STRINGS)):  # = _SEPARATORS.search(text)
        cues.append("sep")
    if _BULLET.search(text):
        cues.append("bullet")
    if ("@" in text or "://" in text or "www." in text) and _CONTACT.search(text):  # what _CONTACT needs
        cues.append("contact")
    if f.link_like:
        cues.append("link")
    if "©" in text or "(c)" in key:
        cues.append("copyright")
    if repeats > 1:
        cues.append(_REPEAT_CUES[min(repeats, 4)])
    return cues


def _capital_share(text: str) -> float:
    """The share of the line's words that start with a capital. The text is `LineFeatures.text`
    (words split by single spaces): a Latin-1 one is read on its bytes (`latin1_bytes`), capitals
    made "A" and every other byte but the space "a", so a capitalised word is " A" (or "A" first)."""
    raw = latin1_bytes(text)
    if raw is not None:
        raw = raw.translate(_CAPITALS)
        return (raw.count(b" A") + raw.startswith(b"A")) / (raw.count(b" ") + 1)
    tokens = text.split()
    return sum([w[:1].isupper() for w in tokens]) / max(1, len(tokens))


_CAPITALS = bytes(ord("A") if chr(c).isupper() else c if c == ord(" ") else ord("a") for c in range(256))


@functools.lru_cache(maxsize=1)
def _chrome_words_contains() -> Callable[[object], bool]:
    return chrome_words().__contains__


def _main_block(good: list[int]) -> tuple[int, int]:
    """The longest stretch of sentence-like lines with gaps of at most 3 other lines: the article."""
    if not good:
        return (-1, -1)
    best, start = (good[0], good[0]), good[0]
    for prev, g in itertools.pairwise(good):
        if g - prev > 4:
            start = g
        if g - start > best[1] - best[0]:
            best = (start, g)
    return best


ContextKey = tuple[str, str, str, str, int, str, int, str, bool]


@functools.lru_cache(maxsize=8192)
def _context_names(key: ContextKey) -> tuple[str, ...]:
    cls, p, x, zone, near, side, decile, edge, in_thread = key
    names: tuple[str, ...] = (f"p:{p}", f"n:{x}", f"{cls}|p:{p}|n:{x}", f"near{near}", f"near{near}|{cls}",
                              f"blk:{side}|{cls}", f"z:{zone}|{cls}", f"pos{decile}", f"pos{decile}|{cls}")  # fmt: skip
    if in_thread:
        names = (*names, f"thread|{cls}")
    return (*names, f"edge|{edge}") if edge else names


def _thread_start(lines: Sequence[LineLike], visible: list[int], block: tuple[int, int]) -> int:
    """The first line (by visible index) after the start of the main block that a comments rule
    removed: what follows it is a comment thread or its form more often than the article."""
    start = max(0, block[0])
    rules = [lines[i].rule for i in visible[start:]]
    if any(rules):  # (none in a later pass: its lines are the kept ones)
        for k, rule in enumerate(rules, start):
            if rule is not None and rule.startswith("generic.comments."):
                return k
    return len(visible)


def _first_comment(kinds: list[str], rules: list[str | None], start: int) -> int:
    """`_thread_start` from the visible lines' neighbour kinds and rules: a comments rule's kind is
    "rule:comments", so only those lines (found in C) are asked for their rule."""
    k = start
    while (k := _index(kinds, "rule:comments", k)) >= 0:
        rule = rules[k]
        if rule is not None and rule.startswith("generic.comments."):
            return k
        k += 1
    return len(kinds)


def _index(items: list[str], item: str, start: int) -> int:
    """`items.index(item, start)`, -1 when it is not there."""
    try:
        return items.index(item, start)
    except ValueError:
        return -1


def _neighbour(line: LineLike | None) -> str:
    """A neighbour's class, or the kind of rule that removed it: the pack of a generic rule
    ("rule:meta" after a date line, "rule:comments" after a reply button), "rule" for site and
    learned rules. Comments are content-like lines between a commenter's date and a reply button."""
    if line is None:
        return "none"
    if line.rule is None:
        return line.cls
    return _rule_kind(line.rule)


@functools.lru_cache(maxsize=4096)
def _rule_kind(rule: str) -> str:
    return _RULE_KINDS.get(rule.split(".", 2)[1] if rule.startswith("generic.") else "", "rule")


# Packs whose removals say something about the lines next to them (others count as "rule").
_RULE_KINDS = {k: f"rule:{k}" for k in ("meta", "comments", "share", "related", "consent", "widgets", "ads", "tags")}


_FEW_KEYS = 24


def _counts(keys: list[str]) -> dict[str, int]:
    """= Counter(keys): counted in C (Counter's) on a page of many lines, in a loop on a page of a
    few (Counter's Mapping check, an ABC's, costs more there than the loop)."""
    if len(keys) > _FEW_KEYS:
        return Counter(keys)
    counts: dict[str, int] = {}
    get = counts.get
    for key in keys:
        counts[key] = get(key, 0) + 1
    return counts


def page_keys(lines: Sequence[LineLike]) -> tuple[list[int], frozenset[str], list[int], list[ContextKey]]:
    """What the cues of every visible line no rule decided are made from: the lines' indexes, the
    page's stopwords, how often each line's key recurs on the page (at most 4) and its context key
    (`own_cues` and `_context_names` turn them into cues; training and the stage share this)."""
    visible = [i for i, line in enumerate(lines) if line.cls != "empty"]
    n = len(visible)
    shown = [lines[i] for i in visible] if n < len(lines) else lines
    keys_of = [line.key for line in shown]
    stop = page_stopwords(keys_of)
    counts = _counts(keys_of) if len(set(keys_of)) < n else None
    classes = [line.cls for line in shown]
    rules = [line.rule for line in shown]
    if rules.count(None) < n:
        free: Sequence[int] = [k for k, rule in enumerate(rules) if rule is None]  # the lines to key
        good = [k for k in free if classes[k] == "good"]
        # what each visible line is as a neighbour, worked out once (it is asked from both sides): = _neighbour
        kinds = [cls if rule is None else _rule_kind(rule) for cls, rule in zip(classes, rules, strict=True)]
        around = ["none", *kinds, "none"]
        block = _main_block(good)
        thread = _first_comment(kinds, rules, max(0, block[0]))  # = _thread_start(lines, visible, block)
    else:  # no line decided by a rule (a later pass: its lines are the kept ones)
        free = range(n)
        good = [k for k, cls in enumerate(classes) if cls == "good"]
        around = ["none", *classes, "none"]
        block = _main_block(good)
        thread = n  # = _thread_start: no comments rule removed a line
    first, last = (good[0], good[-1]) if good else (n, -1)
    span, (start, end) = max(1, n), block
    marks = [0] * n
    for k in good:
        marks[k] = 1
    below = list(itertools.accumulate(marks, initial=0))  # below[j]: how many good lines come before j
    keys = []
    for k in free:
        cls = classes[k]
        # the good lines within 3 of k, k itself left out (it is one when it is good)
        near = below[k + 4 if k + 4 < n else n] - below[k - 3 if k > 3 else 0] - (cls == "good")
        keys.append((cls, around[k], around[k + 2], "head" if k < first else "tail" if k > last else "body",
                     near if near < 4 else 4, "in" if start <= k <= end else "before" if k < start else "after",
                     10 * k // span, "top" if k < 3 else "end" if n - k <= 3 else "", k > thread))  # fmt: skip
    index = [visible[k] for k in free]
    repeats = [1] * len(free) if counts is None else [c if (c := counts[keys_of[k]]) < 4 else 4 for k in free]
    return index, stop, repeats, keys
