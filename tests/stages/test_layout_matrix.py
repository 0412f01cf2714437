"""The layout matrix: the seeds and the development pages written in every layout scrapers use
clean to the text of the one-block-a-line original.

Blank-line-separated wrapping at 60/72/80/100 columns, Markdown and Markdown wrapped at 72 columns
(paragraphs separated by blank lines, as Markdown has them): the same clean text, exactly.
Wrapping without blank lines is ambiguous where a paragraph's last line ends within one word of
the width (both readings wrap to the same lines; docs/layout.md): there the clean text must hold
the original's words (token F1 >= 0.98 over the set), not its exact paragraph breaks.
"""

from __future__ import annotations

import collections
import re
from pathlib import Path

import pytest

from bench.layouts import lines_to_markdown, wrap
from pipeline.core import Context, clean_document
from pipeline.document import Document
from tests.conftest import DEVSET, SEEDS

PAGES = sorted(SEEDS.glob("*.txt")) + sorted((DEVSET / "pages").glob("*.txt"))
WIDTHS = (60, 72, 80, 100)


def clean(text: str, name: str, ctx: Context) -> tuple[str, str]:
    doc = Document(id=name, source=name, file=name, metadata={"format": "txt"})
    doc = clean_document(doc, text, ctx)
    return doc.status, "\n".join(doc.lines) if doc.status == "ok" else ""


@pytest.fixture(scope="module")
def originals(ctx: Context) -> dict[Path, tuple[str, str]]:
    return {p: clean(p.read_text(encoding="utf-8"), p.name, ctx) for p in PAGES}


LAYOUTS = {f"wrap{w}-blank": (lambda t, w=w: wrap(t, w, blank=True)) for w in WIDTHS}
LAYOUTS["markdown"] = lines_to_markdown
LAYOUTS["markdown-wrap72"] = lambda t: lines_to_markdown(t, 72)


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_same_clean_text_in_every_layout(layout: str, ctx: Context, originals: dict[Path, tuple[str, str]]) -> None:
    differ = [
        p.name for p in PAGES if clean(LAYOUTS[layout](p.read_text(encoding="utf-8")), p.name, ctx) != originals[p]
    ]
    assert not differ, f"{layout}: {len(differ)} of {len(PAGES)} pages clean differently: {differ}"


FUZZY = {f"wrap{w}": (lambda t, w=w: wrap(t, w, blank=False)) for w in WIDTHS}


def tokens(text: str) -> collections.Counter[str]:
    return collections.Counter(re.findall(r"\w+", text.lower()))


@pytest.mark.parametrize("layout", sorted(FUZZY))
def test_same_words_when_paragraph_ends_are_ambiguous(
    layout: str, ctx: Context, originals: dict[Path, tuple[str, str]]
) -> None:
    hit = got = want = 0
    for p in PAGES:
        status, text = clean(FUZZY[layout](p.read_text(encoding="utf-8")), p.name, ctx)
        a, b = tokens(originals[p][1]), tokens(text)
        hit, got, want = hit + sum((a & b).values()), got + sum(b.values()), want + sum(a.values())
        assert status == originals[p][0], f"{layout}: {p.name} is {status}, the original {originals[p][0]}"
    f1 = 2 * hit / max(1, got + want)
    assert f1 >= 0.98, f"{layout}: token F1 {f1:.4f} against the one-block-a-line clean text"


def test_seeds_wrapped_without_blank_lines_clean_to_the_same_text(
    ctx: Context, originals: dict[Path, tuple[str, str]]
) -> None:
    # Where ends stay ambiguous in the seeds (a list of headlines whose lines each end within a
    # word of the width), the chrome stage judges the joined paragraph by its input lines.
    seeds = [p for p in PAGES if p.parent == SEEDS]
    differ = [f"{p.name}@{w}" for p in seeds for w in WIDTHS
              if clean(wrap(p.read_text(encoding="utf-8"), w, blank=False), p.name, ctx) != originals[p]]  # fmt: skip
    assert not differ, f"wrapped seeds that clean to another text than the seeds': {differ}"
