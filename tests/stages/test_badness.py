"""The fast mojibake test gives ftfy's answers, whatever the text."""

from __future__ import annotations

import re

import ftfy
import ftfy.badness
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.stages import badness

ORIGINAL = ftfy.badness.is_bad
FAST = badness.fast_pattern(ftfy.badness.BADNESS_RE)


def _category_characters() -> str:
    """Some characters of every category ftfy's pattern is made of (ranges expanded)."""
    chars = []
    for spec in ftfy.badness.MOJIBAKE_CATEGORIES.values():
        chars += [chr(c) for c in range(0x80, 0x3000) if re.fullmatch(f"[{spec}]", chr(c))][:12]
    return "".join(chars)


# ASCII letters, spaces and punctuation beside the categories' characters: the sequences that
# start with an ASCII letter or a space and go on in non-ASCII are the ones the window is for.
ALPHABET = "aZz .,?!-\n\t°×²ÂÃÎÐØÙàβ€ВГРСΒΓΞΟāœŒ√≈‚ÄâóГўЂ" + _category_characters()


def fast_is_bad(text: str) -> bool:
    assert FAST is not None
    return FAST.search(text) is not None


def test_the_shipped_ftfy_gets_the_fast_test() -> None:
    assert FAST is not None
    assert badness.ascii_window(ftfy.badness.BADNESS_RE.pattern, ftfy.badness.BADNESS_RE.flags) == 2
    import pipeline.stages.encoding  # noqa: F401 - installs it

    assert ftfy.is_bad is not ORIGINAL and ftfy.is_bad("Ã©tÃ©") and not ftfy.is_bad("été")


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=12) | st.text(max_size=40))
def test_the_fast_test_answers_as_ftfy(text: str) -> None:
    assert fast_is_bad(text) == ORIGINAL(text)


def test_mojibake_of_every_code_page_is_judged_alike() -> None:
    sentences = ["L’été à Noël — déjà vu", "Привет, мир", "Καλημέρα", "Ünïcödé “quotes” €5 ½", "naïve façade"]
    seen = set()
    for sentence in sentences:
        raw = sentence.encode("utf-8")
        for codec in ("cp1252", "latin-1", "mac_roman", "cp1251", "cp1253", "cp1257", "cp437", "koi8_r"):
            text = raw.decode(codec, errors="replace")
            for piece in (text, text[1:], text[: len(text) // 2], f"x {text} y"):
                seen.add(ORIGINAL(piece))
                assert fast_is_bad(piece) == ORIGINAL(piece), (codec, piece)
    assert seen == {True, False}


def test_a_pattern_the_window_cannot_bound_is_left_alone() -> None:
    assert badness.ascii_window("abc|d", 0) is None  # no non-ASCII character at all
    assert badness.ascii_window("é|[a-z]{5}ü", 0) is None  # five characters first: over the limit
    assert badness.ascii_window("é|ab\\w?ü", 0) == 3
    assert badness.ascii_window("é|ü", re.IGNORECASE) is None  # "K" may match the Kelvin sign
    assert badness.ascii_window("é|(ab)ü", 0) is None  # a group: not read
    assert badness.fast_pattern(re.compile("é|[a-z]{5}ü")) is None


def test_a_sequence_whose_first_non_ascii_character_comes_third_is_found() -> None:
    # "[a-z]\s?[ÃÂ][ ]": the widest start in ftfy's pattern, two ASCII characters before "Ã".
    for text in ("voila Ã tout", "a Ã ", "aÃ ", "la Â b", "x\tÂ y"):
        assert ORIGINAL(text) and fast_is_bad(text), text
