"""A run of the chrome stage that drops nothing (most later runs, which confirm the fixed point the
line model needs: `remove_chrome`) ends without its bookkeeping (`_record`): what the whole of it
(`_audit`) would give, to the byte."""

from __future__ import annotations

import copy
import dataclasses
import random
from pathlib import Path

import pytest

from pipeline.core import Context
from pipeline.document import Document
from pipeline.rules.loader import RuleSet
from pipeline.stages import chrome
from pipeline.stages.lines import Line
from tests.reliability.test_properties import CHROME, FORMER_GAPS, PARAGRAPHS

DEVSET = Path(__file__).resolve().parent.parent / "devset"
PAGES = sorted(p for folder in ("pages", "holdout/pages") for p in (DEVSET / folder).glob("*.txt"))


def _state(doc: Document, kept: list[Line]) -> tuple[object, ...]:
    lines = [(x.text, x.rule, x.prob, x.spared, x.parts, x.cues, x.saved) for x in kept]
    events = [dataclasses.astuple(e) for e in doc.events]
    return doc.lines, doc.line_numbers, doc.title, events, lines


class Spy:
    """Wraps `_record`; each call is checked against `_audit` over copies of the same document and lines."""

    def __init__(self) -> None:
        self.real = chrome._record
        self.calls: list[bool] = []  # True: a run that dropped nothing

    def __call__(
        self, doc: Document, ruleset: RuleSet, lines: list[Line], title: int | None
    ) -> tuple[bool, list[Line]]:
        twin, copies = copy.deepcopy(doc), [dataclasses.replace(line) for line in lines]
        acted, kept = self.real(doc, ruleset, lines, title)
        whole = chrome._audit(twin, ruleset, copies, title)
        assert acted == whole[0]
        assert _state(doc, kept) == _state(twin, whole[1])
        self.calls.append(len(doc.lines) == len(lines))
        return acted, kept


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Spy:
    spy = Spy()
    monkeypatch.setattr(chrome, "_record", spy)
    return spy


def clean(ctx: Context, text: str) -> Document:
    doc = Document(id="t", source="t.txt", file="t.txt")
    doc.set_text(text)
    return chrome.remove_chrome(doc, ctx.rules, ctx.settings.chrome)


def test_a_run_that_drops_nothing_records_nothing_on_the_devset(ctx: Context, spy: Spy) -> None:
    for path in PAGES:
        clean(ctx, path.read_text(encoding="utf-8"))
    for text in FORMER_GAPS.values():
        clean(ctx, text)
    assert spy.calls.count(True) >= 10  # else this tests nothing
    assert spy.calls.count(False) >= 10


def test_a_run_that_drops_nothing_records_nothing_on_generated_pages(ctx: Context, spy: Spy) -> None:
    # Pages of real paragraphs and chrome lines (site markers among them).
    rng, pool = random.Random(1), [*PARAGRAPHS, *CHROME, ":B{", "![]() |", "Menu", "0<"]
    for _ in range(3000):
        clean(ctx, "\n".join(rng.choice(pool) for _ in range(rng.randint(1, 12))))
    assert spy.calls.count(True) >= 100
    assert spy.calls.count(False) >= 100


def test_a_run_that_spared_a_line_acted(ctx: Context) -> None:
    # (`acted` decides whether a later run is needed: a spared line counts even when none went.)
    lines = [chrome._line(t, ctx.settings.chrome) for t in ("Menu", "Une phrase assez longue pour compter.")]
    lines[0].saved = True
    doc = Document(id="t", source="t.txt", file="t.txt")
    doc.set_text("\n".join(line.text for line in lines))
    assert chrome._record(doc, ctx.rules, lines, None) == (True, lines)
    lines[0].saved = False
    assert chrome._record(doc, ctx.rules, lines, None) == (False, lines)
    assert doc.events == [] and len(doc.lines) == 2
