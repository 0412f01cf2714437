"""The fast word lists equal the regular expressions' findall, whatever the text."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import words as words_module
from pipeline.words import PUNCTUATION, letter_words, words

WORD = re.compile(r"\w+")
LETTERS = re.compile(r"[^\W\d_]+")
# Prose-like characters, and the awkward ones: digits of other scripts, numerals that are not
# digits, combining marks, the underscore, no-break and thin spaces, and the replaced punctuation.
ALPHABET = "aZé ß ,.;:!?'\"()-_/09٣²½Ⅻ一 \u0301\u00a0\u2009\t\n" + PUNCTUATION + "ДжΩ№@#"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=80) | st.text(max_size=80))
def test_both_lists_are_the_expressions_matches(text: str) -> None:
    assert words(text) == WORD.findall(text)
    assert letter_words(text) == LETTERS.findall(text)


def test_prose_takes_the_fast_path_and_agrees() -> None:
    text = "l’été « très » chaud — 42 °C, n° 7… the cat’s_toy costs £3 × 2 ™ ‑ ok"
    assert words(text) == WORD.findall(text)
    assert letter_words(text) == LETTERS.findall(text)


def test_a_lone_surrogate_falls_back_to_the_expression() -> None:
    text = "ab\ud800cd ef"
    assert words(text) == WORD.findall(text) == ["ab", "cd", "ef"]
    assert letter_words(text) == LETTERS.findall(text)


def test_replaced_characters_are_never_word_characters_and_no_space_is_one() -> None:
    assert not any(WORD.match(char) for char in PUNCTUATION)
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    assert not any(WORD.match(char) for char in spaces)


def test_a_long_text_gives_the_same_lists() -> None:
    text = "l’été, 42 fois_deux; " * 5000  # over the fast path's length
    assert words(text) == WORD.findall(text)
    assert letter_words(text) == LETTERS.findall(text)


def test_a_text_with_uncommon_separators_is_split_again_not_matched(monkeypatch: pytest.MonkeyPatch) -> None:
    # "©", "|" (ASCII, already a space), "→", "½" (a numeral: a word character) and "²" (in a
    # letter word though not isalpha) around words: the second split must give the same lists,
    # and the expression must not run.
    text = "© 2024 acme_corp → news | prix ½ kg², tôt‽ x²y ٣٤"
    expected = (WORD.findall(text), LETTERS.findall(text))
    monkeypatch.setattr(words_module, "_WORD", _Refused())
    monkeypatch.setattr(words_module, "_LETTERS", _Refused())
    assert (words(text), letter_words(text)) == expected


class _Refused:
    def findall(self, text: str) -> list[str]:
        raise AssertionError("the expression ran")


def test_the_separator_tests_agree_with_the_expressions_on_every_character() -> None:
    chars = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    assert [c for c in chars if words_module._not_in_word(c) != (WORD.fullmatch(c) is None)] == []
    assert [c for c in chars if words_module._not_in_letter_word(c) != (LETTERS.fullmatch(c) is None)] == []
