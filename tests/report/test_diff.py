"""The before/after diff of a repaired line (pipeline/report/diff.py)."""

from __future__ import annotations

import re

from pipeline.report import marked_diff


def test_repair_diff_marks_only_what_changed() -> None:
    old, new = marked_diff("cette ann&eacute;e <b>", "cette année <b>")  # escaped, marked on both sides
    assert (old, new) == ("cette ann<mark>&amp;eacute;</mark>e &lt;b&gt;", "cette ann<mark>é</mark>e &lt;b&gt;")
    old, new = marked_diff("Le conseil a Ã©tÃ© rÃ©uni. " * 40, "Le conseil a été réuni. " * 40)  # a long line
    assert old.count("<mark>Ã©</mark>") == new.count("<mark>é</mark>") == 120 and old.count("<mark>") == 120
    assert re.sub(r"</?mark>", "", new) == "Le conseil a été réuni. " * 40
