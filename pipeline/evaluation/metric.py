"""The article-extraction benchmark's metric, written from its definition.

Texts become runs of word characters (case kept), then multisets of overlapping 4-token
shingles. Per page, precision and recall of the prediction's shingles against the reference's;
precision is averaged over the pages with a non-empty prediction, recall over all pages, and F1
is the harmonic mean of the two averages (macro, per page: a long page weighs as much as a short one).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_WORD = re.compile(r"\w+")
SHINGLE = 4


def shingles(text: str, n: int = SHINGLE) -> Counter[tuple[str, ...]]:
    tokens = _WORD.findall(text or "")
    if not tokens:
        return Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))


def page_scores(predicted: str, reference: str) -> tuple[float | None, float]:
    """(precision or None when nothing was predicted, recall) of one page."""
    p, g = shingles(predicted), shingles(reference)
    tp = sum((p & g).values())
    fp, fn = sum(p.values()) - tp, sum(g.values()) - tp
    if fp == 0 and fn == 0:
        return 1.0, 1.0
    precision = tp / (tp + fp) if tp + fp else None
    return precision, tp / (tp + fn) if tp + fn else 0.0


@dataclass(frozen=True)
class Score:
    pages: int
    precision: float
    recall: float
    f1: float

    def as_dict(self) -> dict[str, float | int]:
        return {"pages": self.pages, "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4)}  # fmt: skip


def macro(pairs: Iterable[tuple[str, str]]) -> Score:
    """Score (prediction, reference) pairs, one per page."""
    precisions, recalls = [], []
    for predicted, reference in pairs:
        p, r = page_scores(predicted, reference)
        if p is not None and predicted.strip():
            precisions.append(p)
        recalls.append(r)
    p = sum(precisions) / max(1, len(precisions))
    r = sum(recalls) / max(1, len(recalls))
    return Score(len(recalls), p, r, 2 * p * r / (p + r) if p + r else 0.0)
