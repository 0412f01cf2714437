"""ftfy's two hot spots made faster (stages/ftfy_fast.py) give ftfy's answers, whatever the text:
the mojibake test, and the control-character removal (translated only when there is something to
remove, with the same explanation)."""

from __future__ import annotations

import re

import ftfy
import ftfy.badness
import ftfy.chardata
import ftfy.fixes
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.stages import encoding, ftfy_fast

ORIGINAL = ftfy.badness.is_bad
FAST = ftfy_fast.fast_pattern(ftfy.badness.BADNESS_RE)


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
    assert ftfy_fast.ascii_window(ftfy.badness.BADNESS_RE.pattern, ftfy.badness.BADNESS_RE.flags) == 2
    assert encoding.FAST_FTFY["is_bad"]  # importing the stage installed it
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
    assert ftfy_fast.ascii_window("abc|d", 0) is None  # no non-ASCII character at all
    assert ftfy_fast.ascii_window("é|[a-z]{5}ü", 0) is None  # five characters first: over the limit
    assert ftfy_fast.ascii_window("é|ab\\w?ü", 0) == 3
    assert ftfy_fast.ascii_window("é|ü", re.IGNORECASE) is None  # "K" may match the Kelvin sign
    assert ftfy_fast.ascii_window("é|(ab)ü", 0) is None  # a group: not read
    assert ftfy_fast.fast_pattern(re.compile("é|[a-z]{5}ü")) is None


def test_a_sequence_whose_first_non_ascii_character_comes_third_is_found() -> None:
    # "[a-z]\s?[ÃÂ][ ]": the widest start in ftfy's pattern, two ASCII characters before "Ã".
    for text in ("voila Ã tout", "a Ã ", "aÃ ", "la Â b", "x\tÂ y"):
        assert ORIGINAL(text) and fast_is_bad(text), text


# Every character ftfy removes, those it keeps on purpose (tab, line ends, C1, joiners), and others.
CONTROLS = "".join(map(chr, ftfy.chardata.CONTROL_CHARS))
KEPT = "\t\n\r\x0c\x85\x9f\u200c\u200d\u200e\u2028\u2029\ufffd"
CONTROL_TEXT = st.text(st.sampled_from(CONTROLS + KEPT + "aé€ Ж中😀")) | st.text(max_size=30)


def test_control_removal_installed() -> None:
    assert encoding.FAST_FTFY == {"is_bad": True, "remove_control_chars": True}
    assert ftfy.FIXERS["remove_control_chars"] is not ftfy.fixes.remove_control_chars


@settings(max_examples=400, deadline=None)
@given(CONTROL_TEXT)
def test_control_removal_same_text_as_ftfy(text: str) -> None:
    assert ftfy.FIXERS["remove_control_chars"](text) == ftfy.fixes.remove_control_chars(text)


def test_each_removed_character_alone_and_amid_text() -> None:
    fast = ftfy.FIXERS["remove_control_chars"]
    for char in CONTROLS:
        for text in (char, f"a{char}b", f"Ж{char}", f"{char}😀"):
            assert fast(text) == ftfy.fixes.remove_control_chars(text) != text


def test_explanation_still_names_the_step() -> None:
    fixed, steps = ftfy.fix_and_explain("caf\u00e9\x07 au lait\ufeff", encoding.FTFY_CONFIG)
    assert fixed == "caf\u00e9 au lait"
    assert [tuple(step) for step in steps or []] == [("apply", "remove_control_chars")]
