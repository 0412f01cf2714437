"""The before/after diff of a repaired line: both sides escaped, what differs in `<mark>`."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Sequence

from pipeline.report.html import esc

REFINE_CHARS = 200  # a changed run this short (both sides together) is diffed again, character by character
_TOKEN = re.compile(r"\w+\s*|\W\s*")  # a word or another character, then spaces


@functools.lru_cache(maxsize=1024)  # a repaired line repeats across sampled documents (a fifth of them here)
def marked_diff(old: str, new: str) -> tuple[str, str]:
    """Both sides escaped, what differs in `<mark>`. Diffed as tokens (a word or a single other character, with
    the spaces after it: few repeat, so this is cheap on long lines); a short changed run is diffed again by
    character, so a repair shows as the few characters it changed."""
    return _marked(_TOKEN.findall(old), _TOKEN.findall(new), refine=True)


@functools.lru_cache(maxsize=4096)
def _marked_chars(old: str, new: str) -> tuple[str, str]:
    """A changed run diffed by character, its common start and end set aside first (so "ann&eacute;e" against
    "année" marks "&eacute;" and "é"); repairs repeat, so runs are cached."""
    start = _common_start(old, new)
    end = _common_start(old[start:][::-1], new[start:][::-1])
    middle_old, middle_new = _marked(old[start : len(old) - end], new[start : len(new) - end], refine=False)
    head, tail = esc(old[:start]), esc(old[len(old) - end :])
    return head + middle_old + tail, head + middle_new + tail


def _common_start(a: str, b: str) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def _marked(old: Sequence[str], new: Sequence[str], refine: bool) -> tuple[str, str]:
    out_old, out_new = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        a, b = "".join(old[i1:i2]), "".join(new[j1:j2])
        if op == "equal":
            a, b = esc(a), esc(b)
        elif refine and op == "replace" and len(a) + len(b) <= REFINE_CHARS:
            a, b = _marked_chars(a, b)
        else:
            a, b = (f"<mark>{esc(a)}</mark>" if a else ""), (f"<mark>{esc(b)}</mark>" if b else "")
        out_old.append(a)
        out_new.append(b)
    return "".join(out_old), "".join(out_new)
