"""A later run that `_tried` does without `_clean_once` is that run, to the byte: when it drops
nothing, the stage stops there; when it drops lines, the document, the audit and the kept lines are
the ones `_clean_once` gives (the fixed point the line model needs, `remove_chrome`)."""

from __future__ import annotations

import copy
import dataclasses
import json
import random
from pathlib import Path

import pytest

from pipeline.core import Context
from pipeline.document import Document
from pipeline.rules.loader import RuleSet
from pipeline.settings import CONFIG_DIR, ChromeSettings
from pipeline.stages import chrome
from pipeline.stages.lines import Line
from tests.reliability.test_properties import CHROME, FORMER_GAPS, PARAGRAPHS

DEVSET = Path(__file__).resolve().parent.parent / "devset"
LONG = [p for p in PARAGRAPHS if len(p) > 200]
PAGES = sorted(p for folder in ("pages", "holdout/pages") for p in (DEVSET / folder).glob("*.txt"))


def _state(doc: Document, kept: list[Line]) -> tuple[object, ...]:
    lines = [(x.text, x.rule, x.prob, x.spared, x.parts, x.cues) for x in kept]
    events = [dataclasses.astuple(e) for e in doc.events]
    return doc.lines, doc.line_numbers, doc.title, doc.site, events, lines


class Spy:
    """Wraps `_tried`; each run it does is checked against `_clean_once` over copies of the same lines."""

    def __init__(self) -> None:
        self.real = chrome._tried
        self.answers: list[str] = []  # "settled", "finished" (it dropped lines) or "full" (None)

    def __call__(
        self, doc: Document, ruleset: RuleSet, cs: ChromeSettings, kept: list[Line], site: str | None, repeats: bool
    ) -> tuple[int, bool, list[Line], bool] | None:
        twin, lines = copy.deepcopy(doc), [dataclasses.replace(line) for line in kept]
        before = len(doc.lines)
        tried = self.real(doc, ruleset, cs, kept, site, repeats)
        twin.site = site
        _, acted, again, found = chrome._clean_once(twin, ruleset, cs, lines, repeats)
        if tried is None:
            self.answers.append("full")
            return None
        assert _state(doc, tried[2]) == _state(twin, again)
        assert tried[3] == found
        if len(twin.lines) == before:
            self.answers.append("settled")
        else:
            self.answers.append("finished")
            assert tried[1] == acted
        return tried


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Spy:
    spy = Spy()
    monkeypatch.setattr(chrome, "_tried", spy)
    return spy


def clean(ctx: Context, text: str) -> Document:
    doc = Document(id="t", source="t.txt", file="t.txt")
    doc.set_text(text)
    return chrome.remove_chrome(doc, ctx.rules, ctx.settings.chrome)


def test_a_tried_run_is_the_run_on_the_devset(ctx: Context, spy: Spy) -> None:
    for path in PAGES:
        clean(ctx, path.read_text(encoding="utf-8"))
    for text in FORMER_GAPS.values():
        clean(ctx, text)
    assert spy.answers.count("settled") >= 10  # else this tests nothing


def test_a_tried_run_is_the_run_on_generated_pages(ctx: Context, spy: Spy) -> None:
    # Pages of real paragraphs and chrome lines (site markers among them): about one in fifty
    # needs a later run that drops lines.
    rng, pool = random.Random(1), [*PARAGRAPHS, *CHROME, ":B{", "![]() |", "Menu", "0<"]
    for _ in range(3000):
        clean(ctx, "\n".join(rng.choice(pool) for _ in range(rng.randint(1, 12))))
    assert spy.answers.count("settled") >= 100
    assert spy.answers.count("finished") >= 3  # runs that dropped lines, done by `_tried`


def settled(
    ctx: Context, texts: list[str], bias2: float, tmp_path: Path, zone: str | None = None, repeats: bool = False
) -> str:
    """What `_tried` did on lines the rules saw as they are (one line's zone then made `zone`), the shipped
    model's second stage moved by `bias2` (+20: every line sure content, -20: every line chrome)."""
    data = json.loads((CONFIG_DIR / ctx.settings.chrome.line_model).read_text(encoding="utf-8"))
    data["bias2"] = bias2
    (path := tmp_path / f"model{bias2}.json").write_text(json.dumps(data), encoding="utf-8")
    cs = dataclasses.replace(ctx.settings.chrome, line_model=str(path))
    lines = [chrome._line(t, cs) for t in texts]
    chrome.apply_rules(lines, ctx.rules.matcher(None), cs)
    assert all(line.rule is None and line.slot is not None for line in lines)
    if zone is not None:
        slot = lines[-1].slot
        assert slot is not None and slot[1] != zone
        lines[-1].slot = (slot[0], zone, slot[2])  # as if a good line had followed it in the first pass
    doc = Document(id="t", source="t.txt", file="t.txt")
    doc.set_text("\n".join(texts))
    before = len(doc.lines)
    if chrome._tried(doc, ctx.rules, cs, lines, None, repeats) is None:
        return "full"  # left to `_clean_once`
    return "settled" if len(doc.lines) == before else "dropped"


def test_a_line_the_model_would_drop_is_dropped_by_the_tried_run(ctx: Context, tmp_path: Path) -> None:
    page = [LONG[0], "Une ligne courte", LONG[1], LONG[2]]  # the short line inside the article
    assert settled(ctx, page, 20.0, tmp_path) == "settled"
    assert settled(ctx, page, -20.0, tmp_path) == "dropped"


def test_a_line_in_another_zone_is_left_to_a_whole_run(ctx: Context, tmp_path: Path) -> None:
    page = [LONG[0], LONG[1], "Voilà tout"]  # the short line after them spared by a sure model
    assert settled(ctx, page, 20.0, tmp_path) == "settled"
    assert settled(ctx, page, 20.0, tmp_path, zone="body") == "full"  # the rules must see it again


def test_a_repeat_is_dropped_when_the_repeats_pass_runs(ctx: Context, tmp_path: Path) -> None:
    page = [LONG[0], LONG[1], LONG[0]]  # (a first pass that found no repeat skips the pass in later ones)
    assert settled(ctx, page, 20.0, tmp_path) == "settled"
    assert settled(ctx, page, 20.0, tmp_path, repeats=True) == "dropped"
