"""Quality gate: the seeds and the development set, cleaned with the default config."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.core import Context, clean_document
from pipeline.evaluate import evaluate
from pipeline.inputs import discover, read_input
from pipeline.layout import OutputLayout
from pipeline.outputs import clean_record
from tests.conftest import DEVSET, SEEDS, SHARED

SETS = {
    "seeds": (SEEDS, SHARED / "gold" / "seeds"),
    "dev": (DEVSET / "pages", DEVSET / "gold"),
    "holdout": (DEVSET / "holdout" / "pages", DEVSET / "holdout" / "gold"),
    "holdout2": (DEVSET / "holdout2" / "pages", DEVSET / "holdout2" / "gold"),
}


def clean_folder(pages: Path, out: Path, ctx: Context) -> None:
    part = OutputLayout(out).part("clean", 0)
    part.parent.mkdir(parents=True)
    with open(part, "w", encoding="utf-8") as f:
        for item in discover([str(pages)]):
            for doc, payload in read_input(item, ctx.settings.input):
                doc = clean_document(doc, payload, ctx)
                if doc.status == "ok":
                    f.write(json.dumps(clean_record(doc), ensure_ascii=False) + "\n")


@pytest.mark.parametrize("name", list(SETS))
def test_precision_recall_and_decisions(name: str, ctx: Context, tmp_path: Path) -> None:
    pages, gold = SETS[name]
    if not gold.exists():
        pytest.skip(f"{gold} not available")
    clean_folder(pages, tmp_path, ctx)
    summary, per_doc = evaluate(gold, tmp_path)
    print(name, summary)
    wrong = [d for d in per_doc if not d["ok"] or d.get("precision", 1) < 0.9 or d.get("recall", 1) < 0.9]
    assert summary["precision"] >= 0.98 and summary["recall"] >= 0.98, (summary, wrong)
    assert summary["decisions"] == f"{summary['docs']}/{summary['docs']}", wrong


@pytest.mark.parametrize("inside", [0.33, 1.0])
@pytest.mark.parametrize("name", list(SETS))
def test_html_path_same_goals(name: str, inside: float, ctx: Context, tmp_path: Path) -> None:
    """The same pages laid out as HTML, some or all chrome inside <article>, through trafilatura."""
    from tests.devset.render_html import main as render

    pages, gold = SETS[name]
    if not gold.exists():
        pytest.skip(f"{gold} not available")
    render(pages, gold, tmp_path / "html", inside)
    clean_folder(tmp_path / "html" / "pages", tmp_path / "out", ctx)
    summary, per_doc = evaluate(tmp_path / "html" / "gold", tmp_path / "out")
    print(name, inside, summary)
    wrong = [d for d in per_doc if not d["ok"] or d.get("precision", 1) < 0.9 or d.get("recall", 1) < 0.9]
    assert summary["precision"] >= 0.98 and summary["recall"] >= 0.98, (summary, wrong)
    assert summary["decisions"] == f"{summary['docs']}/{summary['docs']}", wrong
