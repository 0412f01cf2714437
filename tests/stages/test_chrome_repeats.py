"""The repeats pass on fewer lines: where it found no copy, a later run over a subset of the lines
finds none either (the chrome stage then skips it in later runs, `_clean_once`)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.rules.features import line_key
from pipeline.settings import ChromeSettings, load_settings
from pipeline.stages import chrome, repeats

CS: ChromeSettings = load_settings().chrome
# Few words, so that exact and near copies (shared word pairs) are common.
WORDS = ("vote", "budget", "mairie", "école", "parking", "travaux", "séance", "taxe")
line_text = st.lists(st.sampled_from(WORDS), min_size=1, max_size=24).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(line_text, min_size=1, max_size=14), keep=st.lists(st.booleans(), min_size=14, max_size=14),
       near=st.booleans(), copies_only=st.booleans())  # fmt: skip
def test_no_copy_found_means_none_among_fewer_lines(
    texts: list[str], keep: list[bool], near: bool, copies_only: bool
) -> None:
    page = [chrome._line(t, CS) for t in texts]
    found = chrome.drop_repeats(page, CS, near=near, copies_only=copies_only)
    assert found or all(line.rule is None for line in page)
    if found:
        return
    fewer = [chrome._line(t, CS) for t, k in zip(texts, keep, strict=False) if k]
    assert not chrome.drop_repeats(fewer, CS, near=near, copies_only=copies_only)
    assert all(line.rule is None for line in fewer)


def test_a_copy_is_reported_even_when_it_stays() -> None:
    short = " ".join(WORDS)  # a lone short repeat stays (no repeated neighbour)
    assert CS.dedup_min_chars <= len(short) and len(WORDS) < min(CS.long_min_words, CS.near_dup_min_words)
    page = [chrome._line(t, CS) for t in (short, "une autre ligne, sans rapport avec la première du tout.", short)]
    assert chrome.drop_repeats(page, CS)
    assert all(line.rule is None for line in page)


@settings(max_examples=400, deadline=None)
@given(st.text(st.characters(max_codepoint=0xFF), max_size=60) | st.text(max_size=30))
def test_a_keys_words_are_the_regex_words(text: str) -> None:
    for key in (line_key(text), text):  # an ASCII key's words are found on its bytes
        words = tuple(re.findall(r"[^\W_]+", key))
        assert repeats._split_words(key) == (" ".join(words), words)


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(line_text, min_size=1, max_size=14), keep=st.lists(st.booleans(), min_size=14, max_size=14))
def test_a_later_run_on_carried_lines_is_a_run_on_fresh_ones(texts: list[str], keep: list[bool]) -> None:
    # carried lines keep their exact keys and word pairs (`Line.exact`, `Line.pairs`) from the first run
    page = [chrome._line(t, CS) for t in texts]
    chrome.drop_repeats(page, CS)
    carried = [line for line, k in zip(page, keep, strict=False) if k and line.rule is None]
    fresh = [chrome._line(line.text, CS) for line in carried]
    assert chrome.drop_repeats(carried, CS) == chrome.drop_repeats(fresh, CS)
    assert [(line.rule, line.reason) for line in carried] == [(line.rule, line.reason) for line in fresh]
