"""Near copies found through the union of earlier word pairs answer as comparing with each earlier paragraph."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.stages.near import NearIndex

PAIRS = st.frozensets(st.tuples(st.sampled_from("abcdef"), st.sampled_from("abcdef")), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(paragraphs=st.lists(PAIRS, max_size=8), containment=st.sampled_from([0.0, 0.5, 0.8, 1.0, 1.2]))
def test_same_answer_as_every_pair_compared(paragraphs: list[frozenset[tuple[str, str]]], containment: float) -> None:
    index = NearIndex(containment)
    earlier: list[frozenset[tuple[str, str]]] = []
    for pairs in paragraphs:
        slow = any(len(pairs & e) >= containment * len(pairs) for e in earlier)
        assert index.contains_most(pairs) == slow
        if not slow:
            index.add(pairs)
            earlier.append(pairs)


def test_a_paragraph_held_by_two_earlier_ones_together_is_not_a_copy() -> None:
    index = NearIndex(0.8)
    index.add(frozenset({("a", "b"), ("b", "c")}))
    index.add(frozenset({("c", "d"), ("d", "e")}))
    assert not index.contains_most(frozenset({("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")}))
    assert index.contains_most(frozenset({("a", "b"), ("b", "c")}))
