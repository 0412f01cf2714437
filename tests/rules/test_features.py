"""LineFeatures' shares are the regexes' counts, whichever way they are counted."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.rules.features import _FOLD_PAIRS, MAX_KEY_CHARS, STAND_INS, LineFeatures, latin1_bytes, line_key

ASCII = st.text(st.characters(max_codepoint=0x7F), max_size=60)
LATIN = st.text(st.characters(max_codepoint=0xFF), max_size=40)  # Latin-1: counted on bytes
# Latin-1 and the characters counted through a stand-in (features.STAND_INS), with others around them
MIXED = st.text(st.sampled_from("aZ9_ éÉßЖжΩ½²٣ \t-.,`’‘“”„–—…•€œŒ‹›ªµº×÷ÿ\x85\u00a0中文한"), max_size=40)
ANY = st.text(max_size=40) | LATIN | MIXED


def plain_shares(text: str) -> tuple[float, float, float]:
    """digit, letter and upper-case shares, counted with the regexes (the reference)."""
    text = " ".join(text.split())
    chars = len(text) or 1
    letters = sum(map(len, re.findall(r"[^\W\d_]+", text)))
    upper = len(re.findall(r"[A-ZÀ-ÖØ-ÞА-ЯΑ-Ω]", text))
    return len(re.findall(r"\d", text)) / chars, letters / chars, upper / (letters or 1)


@settings(max_examples=500, deadline=None)
@given(ASCII | ANY)
def test_shares_are_the_regex_counts(text: str) -> None:
    f = LineFeatures(text)
    assert (f.digit_share, f.alpha_share, f.upper_share) == plain_shares(text)


def test_each_share_alone_is_the_same() -> None:
    # read in any order (a feature rule may ask for one share only)
    for text in ("Read MORE 12 items", "Ölpreis 2½ STEIGT", "", "___ 42"):
        for k, name in enumerate(("digit_share", "alpha_share", "upper_share")):
            assert getattr(LineFeatures(text), name) == plain_shares(text)[k]


@settings(max_examples=500, deadline=None)
@given(ASCII | ANY)
def test_words_and_keys_are_the_plain_ones(text: str) -> None:
    f = LineFeatures(text)
    plain_words = len(re.findall(r"\w+", f.text))
    unspaced = len(re.findall(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]", f.text))
    assert f.words == plain_words + unspaced // 2
    folded = text[:MAX_KEY_CHARS]
    for char, replacement in _FOLD_PAIRS:  # every pair tried, in order
        folded = folded.replace(char, replacement)
    if not folded.isascii():
        folded = unicodedata.normalize("NFKC", folded)
    assert line_key(text) == " ".join(folded.split()).casefold()


@settings(max_examples=500, deadline=None)
@given(
    ASCII | ANY | st.sampled_from(["www.example.org", "https://a.b/c d", "a.b", "a. b", "x.y/z\u00a0w", "a\u2003.b"])
)
def test_link_like_is_the_link_pattern(text: str) -> None:
    f = LineFeatures(text)
    link = re.compile(r"^(?:https?://|www\.)\S+$|^[\w-]+(?:\.[\w-]+)+(?:/\S*)?$")
    assert f.link_like == bool(link.match(f.text))


def test_folds_give_ascii() -> None:
    # what lets an ASCII line try only the ASCII folds: a fold never makes a line wider
    assert all(len(char) == 1 and replacement.isascii() for char, replacement in _FOLD_PAIRS)


def plain_latin1_bytes(text: str) -> bytes | None:
    """Every stand-in put in place, then one encode (the reference)."""
    for char, stand_in in STAND_INS:
        text = text.replace(char, stand_in)
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return None


@settings(max_examples=500, deadline=None)
@given(ASCII | ANY)
def test_latin1_bytes_are_the_plain_ones(text: str) -> None:
    assert latin1_bytes(text) == plain_latin1_bytes(text)


def test_latin1_bytes_give_up_at_a_character_without_stand_in() -> None:
    assert latin1_bytes("’Жа’") is None and latin1_bytes("Ж’") is None
    assert latin1_bytes("’é…") == plain_latin1_bytes("’é…") is not None


def test_a_name_ending_in_an_abbreviation_is_not_a_sentence_end() -> None:
    assert not LineFeatures.of("TSV Grünwald 1908 e.V.").terminal
    assert not LineFeatures.of("Freundeskreis des Museums e. V.").terminal
    assert LineFeatures.of("Die Mitglieder trafen sich im Vereinsheim.").terminal
