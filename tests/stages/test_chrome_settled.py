"""A later pass that `_settled` only tries is one that would drop nothing: the stage's output is the
one of running every pass in full (the fixed point the line model needs, `remove_chrome`)."""

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


class Spy:
    """Wraps `_settled`; each call is checked against a whole pass over copies of the same lines."""

    def __init__(self) -> None:
        self.real = chrome._settled
        self.answers: list[bool] = []
        self.ran_full: list[int] = []  # lines a whole pass dropped, where `_settled` said False

    def __call__(
        self, doc: Document, ruleset: RuleSet, cs: ChromeSettings, kept: list[Line], site: str | None, repeats: bool
    ) -> bool:
        twin, lines = copy.deepcopy(doc), [dataclasses.replace(line) for line in kept]
        settled = self.real(doc, ruleset, cs, kept, site, repeats)
        self.answers.append(settled)
        twin.site, before = site, len(twin.lines)
        _, _, again, _ = chrome._clean_once(twin, ruleset, cs, lines, repeats)
        if settled:  # nothing dropped, the same probabilities and sparing
            assert len(twin.lines) == before
            assert [(x.prob, x.spared) for x in again] == [(x.prob, x.spared) for x in kept]
        else:
            self.ran_full.append(before - len(twin.lines))
        return settled


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Spy:
    spy = Spy()
    monkeypatch.setattr(chrome, "_settled", spy)
    return spy


def clean(ctx: Context, text: str) -> Document:
    doc = Document(id="t", source="t.txt", file="t.txt")
    doc.set_text(text)
    return chrome.remove_chrome(doc, ctx.rules, ctx.settings.chrome)


def test_a_settled_pass_drops_nothing_on_the_devset(ctx: Context, spy: Spy) -> None:
    for path in PAGES:
        clean(ctx, path.read_text(encoding="utf-8"))
    for text in FORMER_GAPS.values():
        clean(ctx, text)
    assert spy.answers.count(True) >= 10  # else this tests nothing


def test_a_settled_pass_drops_nothing_on_generated_pages(ctx: Context, spy: Spy) -> None:
    # Pages of real paragraphs and chrome lines (site markers among them): about one in fifty
    # needs a later pass that drops lines (a few of them after a pass `_settled` is asked about).
    rng, pool = random.Random(1), [*PARAGRAPHS, *CHROME, ":B{", "![]() |", "Menu", "0<"]
    for _ in range(3000):
        clean(ctx, "\n".join(rng.choice(pool) for _ in range(rng.randint(1, 12))))
    assert spy.answers.count(True) >= 100
    assert sum(1 for n in spy.ran_full if n) >= 3  # passes that dropped lines: the check had to say so


def settled(
    ctx: Context, texts: list[str], bias2: float, tmp_path: Path, zone: str | None = None, repeats: bool = False
) -> bool:
    """`_settled` on lines the rules saw as they are (one line's zone then made `zone`), the shipped
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
    return chrome._settled(doc, ctx.rules, cs, lines, None, repeats)


def test_a_line_the_model_would_drop_is_no_settled_pass(ctx: Context, tmp_path: Path) -> None:
    page = [LONG[0], "Une ligne courte", LONG[1], LONG[2]]  # the short line inside the article
    assert settled(ctx, page, 20.0, tmp_path)
    assert not settled(ctx, page, -20.0, tmp_path)


def test_a_line_in_another_zone_is_no_settled_pass(ctx: Context, tmp_path: Path) -> None:
    page = [LONG[0], LONG[1], "Voilà tout"]  # the short line after them spared by a sure model
    assert settled(ctx, page, 20.0, tmp_path)
    assert not settled(ctx, page, 20.0, tmp_path, zone="body")  # the rules must see it again


def test_a_repeat_is_no_settled_pass_when_the_repeats_pass_runs(ctx: Context, tmp_path: Path) -> None:
    page = [LONG[0], LONG[1], LONG[0]]  # (a first pass that found no repeat skips the pass in later ones)
    assert settled(ctx, page, 20.0, tmp_path)
    assert not settled(ctx, page, 20.0, tmp_path, repeats=True)
