"""copied_runs: which exact repeats are a second copy of a stretch of text."""

from __future__ import annotations

from pipeline.stages.copies import copied_runs


def paras(*spec: str) -> list[tuple[str, int]]:
    """Paragraphs from specs: "a30" is paragraph a with 30 words."""
    return [(s[0], int(s[1:])) for s in spec]


def test_a_copy_of_two_long_paragraphs_in_order_goes() -> None:
    assert copied_runs(paras("z9", "a30", "b30", "c10", "a30", "b30"), long_words=25) == {4, 5}


def test_order_matters() -> None:
    assert copied_runs(paras("z9", "a30", "b30", "c10", "b30", "a30"), long_words=25) == set()


def test_single_repeats_and_short_runs_stay() -> None:
    # a pull quote, then a recurring question between unique answers
    assert copied_runs(paras("t9", "q12", "x40", "a30", "y40", "q12", "z40", "a30"), long_words=25) == set()
    # a copied run of labels under both bounds
    assert copied_runs(paras("t9", "l5", "m5", "n20", "l5", "m5"), long_words=25) == set()


def test_many_words_in_short_paragraphs_make_a_copy() -> None:
    first = [f"{chr(97 + k)}20" for k in range(8)]  # 160 words, no long paragraph
    assert copied_runs(paras("t9", *first, "z3", *first), long_words=25) == set(range(10, 18))
    assert copied_runs(paras("t9", *first, "z3", *first), long_words=25, min_words=161) == set()


def test_a_copy_of_the_opening_paragraph_goes() -> None:
    assert copied_runs(paras("a20", "a20", "b30"), long_words=25) == {1}
    assert copied_runs(paras("a20", "b30", "c9", "a20"), long_words=25) == {3}
    assert copied_runs(paras("z9", "a20", "b30", "a20"), long_words=25) == set()
