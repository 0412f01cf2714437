"""ftfy's control-character removal, translated only when there is something to remove
(stages/encoding.py `_fast_control_removal`): the same text and the same explanation as ftfy's."""

from __future__ import annotations

import ftfy
import ftfy.chardata
import ftfy.fixes
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.stages import encoding

# Every character ftfy removes, those it keeps on purpose (tab, line ends, C1, joiners), and others.
CONTROLS = "".join(map(chr, ftfy.chardata.CONTROL_CHARS))
KEPT = "\t\n\r\x0c\x85\x9f\u200c\u200d\u200e\u2028\u2029\ufffd"
TEXT = st.text(st.sampled_from(CONTROLS + KEPT + "aé€ Ж中😀")) | st.text(max_size=30)


def test_installed() -> None:
    assert encoding.CONTROL_REMOVAL_FAST
    assert ftfy.FIXERS["remove_control_chars"] is not ftfy.fixes.remove_control_chars


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_same_text_as_ftfy(text: str) -> None:
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
