"""The line model in the chrome stage: its thresholds, what it spares, what its drops record."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from pipeline.core import Context
from pipeline.document import Document
from pipeline.errors import ConfigError
from pipeline.fingerprint import fingerprints_of
from pipeline.stages import line_model
from pipeline.stages.chrome import remove_chrome
from tests.stages.test_chrome import P1, P2, P3

LINK = "Zorblat quux"  # no rule knows it: only the model can drop it
CUE = "w2"  # two words: only this line has the cue


def model_file(tmp_path: Path, weights: dict[str, float], bias: float = 2.0, **thresholds: float) -> str:
    t = {"drop_below": 0.2, "keep_above": 0.9, "html_drop_below": 0.02, **thresholds}
    data = {"format": line_model.FORMAT, "version": "t", "thresholds": t, "bias": bias, "weights": weights}
    path = tmp_path / f"model-{len(list(tmp_path.iterdir()))}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def with_model(ctx: Context, path: str) -> Context:
    chrome = dataclasses.replace(ctx.settings.chrome, line_model=path)
    return dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, chrome=chrome))


def clean(ctx: Context, *lines: str, fmt: str = "txt") -> Document:
    doc = Document(id="t", source="t.txt", file="t.txt", metadata={"format": fmt})
    doc.set_text("\n".join(lines))
    return remove_chrome(doc, ctx.rules, ctx.settings.chrome)


def test_a_line_below_the_threshold_goes_with_probability_and_cues(ctx: Context, tmp_path: Path) -> None:
    run = with_model(ctx, model_file(tmp_path, {CUE: -6.0}))
    doc = clean(run, P1, LINK, P2, P3)
    assert doc.lines == [P1, P2, P3]
    (event,) = [e for e in doc.events if e.action == "drop"]
    assert event.rule == line_model.RULE and event.text == LINK
    assert event.prob is not None and event.prob < 0.2
    assert event.cues and event.cues[0].startswith(CUE + " ")
    record = event.to_record("t")
    assert record["prob"] == event.prob and record["cues"] == event.cues
    assert "p(content)" in record["reason"]


def test_the_threshold_decides(ctx: Context, tmp_path: Path) -> None:
    # sigmoid(2 - 2.5) = 0.38: dropped under a 0.5 threshold, kept under 0.2
    assert LINK not in clean(with_model(ctx, model_file(tmp_path, {CUE: -2.5}, drop_below=0.5)), P1, LINK, P2).lines
    assert LINK in clean(with_model(ctx, model_file(tmp_path, {CUE: -2.5}, drop_below=0.2)), P1, LINK, P2).lines


def test_a_confident_line_is_spared_by_the_context_pass(ctx: Context, tmp_path: Path) -> None:
    menu = "Sport"  # a short line before the article: the context pass drops it...
    assert menu not in clean(ctx, menu, "Économie", P1, P2).lines
    run = with_model(ctx, model_file(tmp_path, {}, bias=5.0, keep_above=0.9))
    assert menu in clean(run, menu, "Économie", P1, P2).lines  # ...unless the model is sure it is content


def test_html_path_keeps_lists_the_extractor_kept(ctx: Context, tmp_path: Path) -> None:
    ingredients = ["- 500 g Mehl", "- 1 Pck. Backpulver", "- 200 ml Milch"]
    run = with_model(ctx, model_file(tmp_path, {}, bias=1.0, html_drop_below=0.02))
    doc = clean(run, P1, P2, *ingredients, fmt="html")
    assert doc.lines == [P1, P2, *ingredients]
    # the same lines as text, without a model: the context pass drops the trailing run
    assert clean(ctx, P1, P2, *ingredients, fmt="txt").lines == [P1, P2]


def test_shipped_model_loads_and_scores(ctx: Context) -> None:
    model = line_model.load_model(ctx.settings.chrome.line_model)
    assert model is not None and model.weights
    assert 0.0 <= model.html_drop_below <= model.drop_below <= 0.5 < model.keep_above
    doc = clean(ctx, P1, P2, P3)
    assert doc.lines == [P1, P2, P3]


def test_missing_model_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="line_model"):
        line_model.load_model(str(tmp_path / "none.json"))


def test_long_paragraphs_need_stronger_evidence(ctx: Context, tmp_path: Path) -> None:
    long = " ".join(["Enfin"] + ["le conseil a voté le budget"] * 5) + "."  # 31 words: the cue w9
    path = model_file(tmp_path, {CUE: -2.5, "w9": -2.5}, drop_below=0.5, long_drop_below=0.1)  # p = 0.38
    doc = clean(with_model(ctx, path), P1, long, "Zorblat quux", P2)
    assert long in doc.lines and "Zorblat quux" not in doc.lines


def test_the_model_file_is_part_of_the_chrome_fingerprint(ctx: Context, tmp_path: Path) -> None:
    first = fingerprints_of(with_model(ctx, model_file(tmp_path, {CUE: -1.0})).settings)
    second = fingerprints_of(with_model(ctx, model_file(tmp_path, {CUE: -2.0})).settings)
    assert first["chrome"] != second["chrome"]
    assert first["encoding"] == second["encoding"]


def test_html_path_keeps_a_page_that_is_one_list(ctx: Context, tmp_path: Path) -> None:
    calendar = [
        "Spielplan der Saison",
        "1. Runde: 12. März, Hamburg",
        "2. Runde: 9. April, Köln",
        "3. Runde: 7. Mai, Bonn",
    ]
    run = with_model(ctx, model_file(tmp_path, {}, bias=1.0))
    assert clean(run, *calendar, fmt="html").lines == calendar
    # without the line model (or as whole-page text) a page with no sentence is dropped whole
    assert clean(ctx, *calendar, fmt="txt").lines == []
