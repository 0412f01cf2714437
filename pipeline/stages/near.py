"""Near copies of a paragraph among a document's earlier paragraphs (the chrome stage's repeats pass).

A paragraph is a near copy when some earlier paragraph holds at least `containment` of its word
pairs. Comparing it with every earlier paragraph costs the square of a page's paragraphs; but no
earlier paragraph holds more of its pairs than all of them together do, so when all of them
together hold too few (most paragraphs), one set operation answers.
"""

from __future__ import annotations

Pair = tuple[str, str]


class NearIndex:
    def __init__(self, containment: float) -> None:
        self.containment = containment
        self.sets: list[frozenset[Pair]] = []
        self.union: set[Pair] = set()

    def add(self, pairs: frozenset[Pair]) -> None:
        self.sets.append(pairs)
        self.union |= pairs

    def contains_most(self, pairs: frozenset[Pair]) -> bool:
        """Does an earlier paragraph hold at least `containment` of `pairs` (a non-empty set)?"""
        least = self.containment * len(pairs)
        if not self.sets or len(pairs & self.union) < least:
            return False
        return any(len(pairs & e) >= least for e in self.sets)
