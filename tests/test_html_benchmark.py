"""The HTML path on the public article-extraction benchmark: at least as good as trafilatura alone.

Both are scored in the same run with the benchmark's own metric (../shared/eval/aeb_score.py);
pages are mostly English, so every language is accepted.
"""

from __future__ import annotations

import dataclasses
import gzip
import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from pipeline.core import Context, clean_document
from pipeline.html import trafilatura_text
from pipeline.inputs import discover, read_input
from pipeline.stages.paragraphs import final_text
from tests.conftest import SHARED

AEB = SHARED / "eval" / "article-extraction-benchmark"


def _metric() -> ModuleType:
    spec = importlib.util.spec_from_file_location("aeb_score", SHARED / "eval" / "aeb_score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _f1(metric: ModuleType, predictions: dict[str, str], truth: dict[str, dict[str, str]]) -> float:
    precisions, recalls = [], []
    for page_id, gold in truth.items():
        p, r = metric.page_scores(predictions.get(f"{page_id}.html.gz", ""), gold["articleBody"])
        if p is not None and predictions.get(f"{page_id}.html.gz"):
            precisions.append(p)
        recalls.append(r)
    p, r = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    return 2 * p * r / (p + r)


@pytest.mark.slow
@pytest.mark.skipif(not AEB.exists(), reason="benchmark data not beside the repo")
def test_pipeline_beats_trafilatura_alone(ctx: Context) -> None:
    ctx = dataclasses.replace(ctx, settings=ctx.settings.with_languages("any"))
    truth = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    ours, alone = {}, {}
    for item in discover([str(AEB / "html")]):
        raw = gzip.decompress(Path(item.path).read_bytes()).decode("utf-8", errors="replace")
        alone[item.source] = trafilatura_text(raw, ctx.settings.input, metadata=False)["text"]
        for doc, payload in read_input(item, ctx.settings.input):
            doc = clean_document(doc, payload, ctx)
            ours[item.source] = final_text(doc) if doc.status == "ok" else ""
    metric = _metric()
    f1_ours, f1_alone = _f1(metric, ours, truth), _f1(metric, alone, truth)
    print(f"article-extraction-benchmark F1: pipeline {f1_ours:.4f}, trafilatura alone {f1_alone:.4f}")
    assert f1_ours >= f1_alone
