"""The trained line model: how likely a line is article content, for the lines no rule decided.

A logistic model over binary cues that carry across sites and languages: the line's length,
words, punctuation, digit/upper/letter shares, position, its neighbours' classes and whether a
rule removed them, counter/link/date/time shapes, the share of stopwords of the page's language,
how often the line recurs in the page, and how many of its words are page-furniture words of any
language (`configs/lexicon/chrome-words.toml`: one list for nine languages, so a weight learnt on
mostly English pages carries over; hashed words, learnt per word, took German sentences for
chrome). Its weights and thresholds are data (`configs/models/line-model.json`, written by
`python -m pipeline train`, see pipeline/train.py); inference is a sum of weights per line.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import heapq
import itertools
import json
import math
import re
import tomllib
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from math import exp
from pathlib import Path
from typing import Any, Protocol

from pipeline.errors import ConfigError
from pipeline.rules.features import LineFeatures, line_key
from pipeline.settings import CONFIG_DIR

ROLE = "line-model"  # the decision its drops record (the audit names the rule holding the role)
FORMAT = 1  # version of the model file's layout
_WORDS = re.compile(r"[^\W\d_]+")
_COUNTER = re.compile(r"^\(?\d[\d.,]*\)?(?:\s+\w+){0,2}$|^\w+(?:\s+\w+)?\s*\(?\d+\)?$")
_DATE = re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{2,4}\b|\b(?:19|20)\d{2}\b")
_TIME = re.compile(r"\b\d{1,2}[:h]\d{2}\b")
_SEPARATORS = re.compile(r"\s[|•·»>/]\s|\s-\s")
_BULLET = re.compile(r"^[-*•·–—►▸>+]\s")
_CONTACT = re.compile(r"@\w|\bhttps?://|\bwww\.")


Parts = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]  # a line's own cues, its context's, stage two's


class LineLike(Protocol):
    """What the model reads of a line under classification (chrome.Line)."""

    key: str
    cls: str
    rule: str | None

    @property
    def feats(self) -> Any: ...


class Scored(LineLike, Protocol):
    """...and what it writes on it in the chrome stage."""

    prob: float | None
    cues: list[str] | None
    parts: Parts | None
    spared: tuple[str, ...]


# Context decisions that spare a line the model is sure of; on the HTML path, what spares every line.
# A page of teasers (`listing`) stays a page-level decision: its leads read like content line by line.
SPARED_IF_SURE = ("isolated-short",)
SPARED_EXTRACTED = ("isolated-short", "title")
# The model alone never leaves a page fewer words of sentence-like lines than this (a short
# article's only paragraphs are where its guesses cost most).
MIN_SENTENCE_WORDS = 40


@dataclass(frozen=True)
class LineModel:
    weights: dict[str, float]
    bias: float
    drop_below: float  # text path: a line under this probability goes
    keep_above: float  # text path: a line over it is not dropped by the context pass
    html_drop_below: float  # HTML path: strong evidence only
    long_drop_below: float  # text path, paragraphs of `[chrome] long_min_words` words or more
    version: str
    digest: str
    # Second stage: the line's and its neighbours' first-stage probabilities (`context_cues`).
    weights2: dict[str, float] = dataclasses.field(default_factory=dict)
    bias2: float = 0.0

    def threshold(self, extracted: bool, words: int, long_words: int) -> float:
        """Under this p(content) the line goes."""
        if extracted:
            return self.html_drop_below
        return self.long_drop_below if words >= long_words else self.drop_below

    # Weight sums of cue tuples (a line's own, its context's, the second stage's): they recur.
    _own: dict[tuple[str, ...], float] = dataclasses.field(default_factory=dict, repr=False, compare=False)
    _merged: dict[str, float] = dataclasses.field(default_factory=dict, repr=False, compare=False)
    # `score_lines`' memos: the cues and their weight sum, by what they are computed from (a line's
    # text and page-level inputs, a context key, a second-stage key), so a line seen before, in
    # this page's earlier run or on another page of its site, costs a dictionary look-up.
    _own_scores: dict[tuple[str, str, str, frozenset[str], int], tuple[tuple[str, ...], float]] = dataclasses.field(
        default_factory=dict, repr=False, compare=False
    )
    _context_scores: dict[ContextKey, tuple[tuple[str, ...], float]] = dataclasses.field(
        default_factory=dict, repr=False, compare=False
    )
    _second_scores: dict[SecondKey, tuple[tuple[str, ...], float]] = dataclasses.field(
        default_factory=dict, repr=False, compare=False
    )

    def probability(self, cues: list[str]) -> float:
        """First stage: the line's own cues."""
        return sigmoid(self.bias, self.weights, cues)

    def page_probabilities(self, parts: dict[int, Parts], extracted: bool = False) -> dict[int, tuple[float, Parts]]:
        """Per line index: p(content) and the cues behind it, (own, context, second stage).
        `extracted`: the lines come from an HTML extractor (the second stage weighs them apart)."""
        order = sorted(parts)
        total, weights, bias = self._sum, self.weights, self.bias
        first = [_sigmoid(bias + total(parts[i][0], weights) + total(parts[i][1], weights)) for i in order]
        if not self.weights2:
            return {i: (p, parts[i]) for i, p in zip(order, first, strict=True)}
        out = {}
        weights2, bias2 = self.weights2, self.bias2
        for j, i in enumerate(order):
            second = _second_names(_second_key(first, j, extracted))
            own, around, _ = parts[i]
            out[i] = (_sigmoid(bias2 + total(second, weights2)), (own, around, second))
        return out

    def _sum(self, cues: tuple[str, ...], weights: dict[str, float]) -> float:
        """The weight sum of a (cached, recurring) cue tuple, memoised."""
        memo = self._own
        total = memo.get(cues)
        if total is None:
            if len(memo) > 100_000:
                memo.clear()
            total = memo[cues] = _weight_sum(cues, weights)
        return total

    def strongest(self, parts: Parts, n: int = 3) -> list[tuple[str, float]]:
        """The cues that pushed hardest towards chrome (most negative weights, either stage)."""
        weight = self._weight_of().get
        ranked = heapq.nsmallest(n, {(weight(c, 0.0), c) for part in parts for c in part})
        return [(c, round(v, 2)) for v, c in ranked if v < 0]

    def _weight_of(self) -> dict[str, float]:
        """A cue's weight in the stage that has it (the second stage's, when it is not 0)."""
        merged = self._merged
        if not merged:
            merged.update(self.weights)
            merged.update((c, v) for c, v in self.weights2.items() if v)
        return merged


def _weight_sum(cues: tuple[str, ...], weights: dict[str, float]) -> float:
    """The sum of the cues' weights, added in the cues' order (the same floats every time)."""
    return sum(map(weights.get, cues, _ZEROS))


_ZEROS = itertools.repeat(0.0)  # map's default weight: endless, never used up


def _memo_put(memo: dict[Any, Any], key: Any, value: Any) -> Any:
    """Store in a memo emptied when full (memory stays bounded)."""
    if len(memo) >= _MEMO_SIZE:
        memo.clear()
    memo[key] = value
    return value


_MEMO_SIZE = 65_536


def sigmoid(bias: float, weights: dict[str, float], cues: list[str] | tuple[str, ...]) -> float:
    return _sigmoid(bias + sum(weights.get(c, 0.0) for c in cues))


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


_P_EDGES = (0.1, 0.3, 0.5, 0.7, 0.9)


def context_cues(first: list[float], j: int, extracted: bool = False) -> tuple[str, ...]:
    """Second-stage cues of line j among a page's undecided lines: its own first-stage
    probability and its neighbours' (content comes in runs, chrome in blocks)."""
    return _second_names(_second_key(first, j, extracted))


_OWN_EDGES = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


SecondKey = tuple[int, int, int, int, int, bool]


def _second_key(first: list[float], j: int, extracted: bool) -> SecondKey:
    # A missing neighbour counts as the line itself: whole pages (the training data) start and end
    # with chrome, clean texts with the article, so the edge itself must not be a cue.
    mine = first[j]
    near = first[max(0, j - 3) : j + 4]
    wide = first[max(0, j - 8) : j + 9]
    at = bisect.bisect_right  # = _bucket, called directly: this runs for every line of every pass
    return (at(_OWN_EDGES, mine), at(_P_EDGES, first[j - 1] if j else mine),
            at(_P_EDGES, first[j + 1] if j + 1 < len(first) else mine),
            at(_P_EDGES, (sum(near) - mine) / (len(near) - 1) if len(near) > 1 else mine),
            at(_P_EDGES, sum(wide) / len(wide)), extracted)  # fmt: skip


def _second_keys(first: list[float], extracted: bool) -> list[SecondKey]:
    """`_second_key` of every line of a page: each probability's buckets are found once."""
    at, n = bisect.bisect_right, len(first)
    own = [at(_OWN_EDGES, p) for p in first]
    side = [at(_P_EDGES, p) for p in first]
    keys = []
    for j, mine in enumerate(first):
        near = first[max(0, j - 3) : j + 4]
        wide = first[max(0, j - 8) : j + 9]
        keys.append((own[j], side[j - 1] if j else side[j], side[j + 1] if j + 1 < n else side[j],
                     at(_P_EDGES, (sum(near) - mine) / (len(near) - 1) if len(near) > 1 else mine),
                     at(_P_EDGES, sum(wide) / len(wide)), extracted))  # fmt: skip
    return keys


@functools.lru_cache(maxsize=8192)
def _second_names(key: SecondKey) -> tuple[str, ...]:
    own, prev, nxt, win, wide, extracted = key
    cues = (f"s2:o{own}", f"s2:pv{prev}", f"s2:nx{nxt}", f"s2:wn{win}", f"s2:ww{wide}", f"s2:o{own}|wn{win}",
            f"s2:pv{prev}|nx{nxt}")  # fmt: skip
    return (*cues, "s2:html", f"s2:o{own}|html", f"s2:wn{win}|html") if extracted else cues


@functools.lru_cache(maxsize=4)
def load_model(path: str) -> LineModel | None:
    """The model at `path` (relative to configs/), or None when the setting is empty."""
    if not path:
        return None
    file = Path(path) if Path(path).is_absolute() else CONFIG_DIR / path
    try:
        raw = file.read_bytes()
        data = json.loads(raw)
    except (OSError, ValueError) as e:
        raise ConfigError(
            f"[chrome] line_model {path}: cannot read the model ({e}); run `python -m pipeline train`"
        ) from e
    if data.get("format") != FORMAT:
        raise ConfigError(f"[chrome] line_model {path}: format {data.get('format')} is not {FORMAT}; retrain it")
    t = data["thresholds"]
    return LineModel({str(k): float(v) for k, v in data["weights"].items()}, float(data["bias"]),
                     float(t["drop_below"]), float(t["keep_above"]), float(t["html_drop_below"]),
                     float(t.get("long_drop_below", t["drop_below"])),
                     str(data.get("version", "")), zlib.crc32(raw).to_bytes(4, "big").hex(),
                     {str(k): float(v) for k, v in data.get("weights2", {}).items()},
                     float(data.get("bias2", 0.0)))  # fmt: skip


# Cues ---------------------------------------------------------------------------------------


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
    head, size = [], 0
    for key in keys:  # only the keys the sample needs are joined
        head.append(key)
        size += len(key) + 1
        if size > _LANGUAGE_SAMPLE:
            break
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
    """`_WORDS.findall(key)`. An ASCII key's words are its runs of a-z and A-Z: turned into words
    by mapping every other byte to a space and splitting (one C loop, not the regex's)."""
    if key.isascii():
        return key.encode("ascii").translate(_ASCII_WORD_BYTES).decode("ascii").split()
    return _WORDS.findall(key)


_ASCII_WORD_BYTES = bytes(c if chr(c).isascii() and chr(c).isalpha() else ord(" ") for c in range(256))


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
        tokens = text.split()
        capital = sum([w[:1].isupper() for w in tokens]) / max(1, len(tokens))
        cues += (_LEX_CUES[min(hits, 3)], _LEX_WORD_CUES[min(hits, 2)][few], _CAPITAL_CUES[at(_CAPITAL_EDGES, capital)])
    if digits:  # counters, dates and times hold a digit
        if _COUNTER.match(text):  # = search: every branch starts with ^
            cues.append("counter")
        if _DATE.search(text):
            cues.append("date")
        if _TIME.search(text):
            cues.append("time")
    if _SEPARATORS.search(text):
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
    for k in range(max(0, block[0]), len(visible)):
        rule = lines[visible[k]].rule
        if rule is not None and rule.startswith("generic.comments."):
            return k
    return len(visible)


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


def page_cues(lines: Sequence[LineLike]) -> dict[int, list[str]]:
    """Cues of every visible line no rule decided, by index (for training)."""
    return {i: [*own, *around] for i, (own, around, _) in page_parts(lines).items()}


def page_parts(lines: Sequence[LineLike]) -> dict[int, Parts]:
    """Cues of every visible line no rule decided, by index: its own (cached) and its context's."""
    index, stop, repeats, keys = page_keys(lines)
    return {
        i: (line_own_cues(lines[i], stop, n), _context_names(key), ())
        for i, n, key in zip(index, repeats, keys, strict=True)
    }


def page_keys(lines: Sequence[LineLike]) -> tuple[list[int], frozenset[str], list[int], list[ContextKey]]:
    """What the cues of every visible line no rule decided are made from: the lines' indexes, the
    page's stopwords, how often each line's key recurs on the page (at most 4) and its context key
    (`own_cues` and `_context_names` turn them into cues; training and the stage share this)."""
    visible = [i for i, line in enumerate(lines) if line.cls != "empty"]
    stop = page_stopwords([lines[i].key for i in visible])
    counts = Counter(lines[i].key for i in visible)
    n = len(visible)
    good = [k for k, i in enumerate(visible) if lines[i].cls == "good" and lines[i].rule is None]
    block = _main_block(good)
    thread = _thread_start(lines, visible, block)
    # what each visible line is as a neighbour, worked out once (it is asked from both sides)
    around = ["none", *(_neighbour(lines[i]) for i in visible), "none"]
    first, last = (good[0], good[-1]) if good else (n, -1)
    index, repeats, keys = [], [], []
    right, left, span, (start, end) = bisect.bisect_right, bisect.bisect_left, max(1, n), block
    for k, i in enumerate(visible):
        line = lines[i]
        if line.rule is not None:
            continue
        zone = "head" if k < first else "tail" if k > last else "body"
        # the good lines within 3 of k, k itself left out (it is one when it is good)
        near = right(good, k + 3) - left(good, k - 3) - (line.cls == "good")
        edge = "top" if k < 3 else "end" if n - k <= 3 else ""
        side = "in" if start <= k <= end else "before" if k < start else "after"  # = _side(k, block)
        index.append(i)
        repeats.append(min(counts[line.key], 4))
        keys.append((line.cls, around[k], around[k + 2], zone, min(near, 4), side, min(9, int(10 * k / span)), edge,
                     k > thread))  # fmt: skip
    return index, stop, repeats, keys


# In the chrome stage ----------------------------------------------------------------------------


def score_lines(lines: Sequence[Scored], model: LineModel, extracted: bool, long_words: int) -> None:
    """Every line no rule decided gets the model's probability that it is content.

    Text path: a line the model is sure of is spared by the context pass. HTML path: the extractor
    already chose the article, so no line goes as an isolated short line or as the title; only an
    explicit rule, an exact repeat, a page of teasers or the model on strong evidence (`drops`)
    removes one.

    The probabilities are `page_probabilities(page_parts(lines))`, the same floats added in the same
    order; the cues and their weight sums come from the model's memos (`_scored`).
    """
    index, stop, repeats, keys = page_keys(lines)
    own_memo, context_memo = model._own_scores, model._context_scores
    weights, bias = model.weights, model.bias
    owns, arounds, first = [], [], []
    for i, n, key in zip(index, repeats, keys, strict=True):
        line = lines[i]
        own_key = (line.feats.text, line.key, line.cls, stop, n)
        own = own_memo.get(own_key) or _memo_put(own_memo, own_key, _scored(line_own_cues(line, stop, n), weights))
        around = context_memo.get(key) or _memo_put(context_memo, key, _scored(_context_names(key), weights))
        owns.append(own[0])
        arounds.append(around[0])
        first.append(1.0 / (1.0 + exp(-max(-30.0, min(30.0, bias + own[1] + around[1])))))  # = _sigmoid
    weights2, bias2, keep_above = model.weights2, model.bias2, model.keep_above
    second_memo = model._second_scores
    keys2 = _second_keys(first, extracted) if weights2 else []
    for j, i in enumerate(index):
        prob, second = first[j], _NO_CUES
        if weights2:
            key2 = keys2[j]
            scored = second_memo.get(key2) or _memo_put(second_memo, key2, _scored(_second_names(key2), weights2))
            prob, second = 1.0 / (1.0 + exp(-max(-30.0, min(30.0, bias2 + scored[1])))), scored[0]
        line = lines[i]
        line.prob = prob
        line.spared = SPARED_EXTRACTED if extracted else SPARED_IF_SURE if prob >= keep_above else ()
        line.parts = (owns[j], arounds[j], second)  # what `drops` names the strongest of, for the lines it drops


_NO_CUES: tuple[str, ...] = ()


def _scored(cues: tuple[str, ...], weights: dict[str, float]) -> tuple[tuple[str, ...], float]:
    return cues, _weight_sum(cues, weights)


def _strongest(line: Scored, model: LineModel) -> list[str]:
    if line.cues is None and line.parts is not None:
        line.cues = [f"{c} {w:+.2f}" for c, w in model.strongest(line.parts)]
    return line.cues or []


def _lead(lines: Sequence[Scored]) -> int:
    """The index of the first sentence-like line of the main block (-1 if none)."""
    visible = [i for i, line in enumerate(lines) if line.cls != "empty"]
    good = [k for k, i in enumerate(visible) if lines[i].cls == "good" and lines[i].rule is None]
    start = _main_block(good)[0]
    return visible[start] if start >= 0 else -1


def drops(lines: Sequence[Scored], model: LineModel, extracted: bool, long_words: int) -> list[tuple[int, str]]:
    """The lines still kept that the model drops, with the reason (`prob` rounded for the record)."""
    below = {i for i, line in enumerate(lines) if line.prob is not None and line.rule is None
             and line.prob < model.threshold(extracted, line.feats.words, long_words)}  # fmt: skip
    below.discard(_lead(lines))
    left = sum(
        line.feats.words for i, line in enumerate(lines) if line.cls == "good" and line.rule is None and i not in below
    )
    if left < MIN_SENTENCE_WORDS:
        # The model alone would leave (almost) no sentence-like text: a guess is no reason to erase
        # a page's text, so it keeps the sentence-like lines (rules and the length check still decide).
        below = {i for i in below if lines[i].cls != "good"}
    out = []
    for i in sorted(below):
        line = lines[i]
        threshold = model.threshold(extracted, line.feats.words, long_words)
        out.append(
            (i, f"line model: p(content) = {line.prob:.3f} < {threshold} ({', '.join(_strongest(line, model))})")
        )
        line.prob = round(line.prob or 0.0, 4)
    return out
