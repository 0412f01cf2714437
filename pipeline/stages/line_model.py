"""The trained line model: how likely a line is article content, for the lines no rule decided.

A logistic model over binary cues that carry across sites and languages: the line's length,
words, punctuation, digit/upper/letter shares, position, its neighbours' classes and whether a
rule removed them, counter/link/date/time shapes, the share of stopwords of the page's language,
how often the line recurs in the page, and how many of its words are page-furniture words of any
language (`configs/lexicon/chrome-words.toml`: one list for nine languages, so a weight learnt on
mostly English pages carries over; hashed words, learnt per word, took German sentences for
chrome). The cues are worked out in stages/line_cues.py. Its weights and thresholds are data
(`configs/models/line-model.json`, written by `python -m pipeline train`, see pipeline/train.py);
inference is a sum of weights per line.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import heapq
import itertools
import json
import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from math import exp
from pathlib import Path
from typing import Any, Protocol

from pipeline.errors import ConfigError
from pipeline.settings import CONFIG_DIR
from pipeline.stages.line_cues import (
    ContextKey,
    LineLike,
    _context_names,
    _main_block,
    _own_cues,
    _words_of,
    line_own_cues,
    page_keys,
)

ROLE = "line-model"  # the decision its drops record (the audit names the rule holding the role)
FORMAT = 1  # version of the model file's layout

Parts = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]  # a line's own cues, its context's, stage two's


class Scored(LineLike, Protocol):
    """...and what it writes on it in the chrome stage."""

    prob: float | None
    cues: list[str] | None
    parts: Parts | None
    spared: tuple[str, ...]
    sure: bool  # sentence-like, and p >= keep_above in an earlier run: the model never drops it


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
    _second_scores: dict[SecondKey, tuple[tuple[str, ...], float]] = dataclasses.field(  # (cues, probability)
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
    """`_second_key` of every line of a page: each probability's buckets are found once, and on a
    page of at most 9 lines (most later runs) the wide window, the whole page, is summed once."""
    at, n = bisect.bisect_right, len(first)
    own = [at(_OWN_EDGES, p) for p in first]
    side = [at(_P_EDGES, p) for p in first]
    whole = at(_P_EDGES, sum(first) / n) if 0 < n <= 9 else -1  # = sum(first[0 : j + 9]) / n for each j
    keys = []
    for j, mine in enumerate(first):
        near = first[j - 3 if j > 3 else 0 : j + 4]
        m = len(near)
        if whole < 0:
            wide = first[j - 8 if j > 8 else 0 : j + 9]
            ww = at(_P_EDGES, sum(wide) / len(wide))
        keys.append((own[j], side[j - 1] if j else side[j], side[j + 1] if j + 1 < n else side[j],
                     at(_P_EDGES, (sum(near) - mine) / (m - 1)) if m > 1 else side[j],
                     ww if whole < 0 else whole, extracted))  # fmt: skip
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


# In the chrome stage ----------------------------------------------------------------------------


def score_lines(lines: Sequence[Scored], model: LineModel, extracted: bool, long_words: int) -> list[int]:
    """Every line no rule decided gets the model's probability that it is content.

    Text path: a line the model is sure of is spared by the context pass. HTML path: the extractor
    already chose the article, so no line goes as an isolated short line or as the title; only an
    explicit rule, an exact repeat, a page of teasers or the model on strong evidence (`drops`)
    removes one.

    The probabilities are `page_probabilities(page_parts(lines))`, the same floats added in the same
    order; the cues and their weight sums come from the model's memos (`_scored`).
    Returns the indexes of the lines under the highest drop threshold: the only ones `drops` may drop.

    A sentence-like line the model was sure of (p >= `keep_above`) stays `sure` in the later runs:
    they score it again without the neighbours the last run dropped, and chrome gone from around a
    paragraph is no evidence against it (the second stage read the neighbours' drops as a chrome
    block, and peeled an article's lead next to a byline, run after run). Measured on train/dev
    text in docs/line-model.md.
    """
    index, stop, repeats, keys = page_keys(lines)
    own_memo, context_memo = model._own_scores, model._context_scores
    weights, bias = model.weights, model.bias
    owns, arounds, first = [], [], []
    for i, n, key in zip(index, repeats, keys, strict=True):
        line = lines[i]
        own_key = (line.feats.text, line.key, line.cls, stop, n)
        own = own_memo.get(own_key) or _memo_put(own_memo, own_key, _scored(_own_of(line, stop, n), weights))
        around = context_memo.get(key) or _memo_put(context_memo, key, _scored(_context_names(key), weights))
        owns.append(own[0])
        arounds.append(around[0])
        z = bias + own[1] + around[1]  # = _sigmoid(z), the clamp without two calls
        first.append(1.0 / (1.0 + exp(-(z if -30.0 <= z <= 30.0 else 30.0 if z > 30.0 else -30.0))))
    weights2, bias2, keep_above = model.weights2, model.bias2, model.keep_above
    second_memo = model._second_scores
    low, highest = [], model.html_drop_below if extracted else max(model.drop_below, model.long_drop_below)
    keys2 = _second_keys(first, extracted) if weights2 else []
    for j, i in enumerate(index):
        prob, second = first[j], _NO_CUES
        if weights2:
            key2 = keys2[j]  # (the memo holds the second stage's cues and probability)
            second, prob = second_memo.get(key2) or _memo_put(second_memo, key2, _second(key2, weights2, bias2))
        line = lines[i]
        line.prob = prob
        line.spared = SPARED_EXTRACTED if extracted else SPARED_IF_SURE if prob >= keep_above else ()
        line.parts = (owns[j], arounds[j], second)  # what `drops` names the strongest of, for the lines it drops
        if prob >= keep_above and line.cls == "good":
            line.sure = True  # (kept by `_again` for the next runs)
        elif prob < highest and not line.sure:
            low.append(i)
    return low


def _second(key2: SecondKey, weights2: dict[str, float], bias2: float) -> tuple[tuple[str, ...], float]:
    """A line's second-stage cues and its probability (= `_sigmoid`)."""
    cues = _second_names(key2)
    z = bias2 + _weight_sum(cues, weights2)
    return cues, 1.0 / (1.0 + exp(-(z if -30.0 <= z <= 30.0 else 30.0 if z > 30.0 else -30.0)))


_NO_CUES: tuple[str, ...] = ()


def _own_of(line: Scored, stop: frozenset[str], repeats: int) -> tuple[str, ...]:
    """= `line_own_cues`, without its memo (the model's own memo holds the same keys: a miss there is
    a miss in it, and a new line was looked up and stored twice)."""
    return tuple(_own_cues(line.feats, line.key, line.cls, _words_of(line.key), stop, repeats))


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


def drops(
    lines: Sequence[Scored], model: LineModel, extracted: bool, long_words: int, low: Sequence[int] | None = None
) -> list[tuple[int, str]]:
    """The lines still kept that the model drops, with the reason (`prob` rounded for the record).
    `low`: the indexes `score_lines` returned (None: every line is looked at)."""
    threshold = model.threshold
    # = line.prob < threshold(extracted, line.feats.words, long_words), the method's branches read once
    short, long = (model.html_drop_below,) * 2 if extracted else (model.drop_below, model.long_drop_below)
    below = {i for i in (range(len(lines)) if low is None else low) if (p := (line := lines[i]).prob) is not None
             and line.rule is None and p < (long if line.feats.words >= long_words else short)
             and not line.sure}  # fmt: skip
    if not below:
        return []
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
        limit = threshold(extracted, line.feats.words, long_words)
        out.append((i, f"line model: p(content) = {line.prob:.3f} < {limit} ({', '.join(_strongest(line, model))})"))
        line.prob = round(line.prob or 0.0, 4)
    return out
