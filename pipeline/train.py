"""`python -m pipeline train`: fit the line model on the TRAIN split, set its thresholds on DEV.

Examples are the lines the line model will judge: each train page's lines after the rules and the
repeats pass (`chrome.undecided`), on both paths (whole-page text, and trafilatura's text of the
HTML pages). A line's label: it occurs in the page's reference text (`in_reference`). The
article-extraction benchmark's pages are left out of training and of the thresholds: they gate
the HTML path. Fitting is scikit-learn's logistic regression (liblinear, fixed order of rows and
columns: the same data gives the same file). The thresholds are chosen by running the pipeline
on the dev pages with each candidate and keeping the best macro F1.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.core import Context, EncodingStep
from pipeline.document import Document
from pipeline.errors import ConfigError
from pipeline.evaluation.metric import macro
from pipeline.evaluation.pages import Page, load_pages
from pipeline.evaluation.realpages import clean, text_input
from pipeline.html import extract
from pipeline.stages import chrome, line_model

GROUPS = ("realpages", "wcxb")  # aeb stays out: it gates the HTML path
_TOKEN = re.compile(r"\w+")
C = 0.5  # inverse regularisation strength of the first stage, chosen on dev
C2 = 1.0  # ... and of the second
MIN_WEIGHT = 0.02  # smaller weights are left out of the file
DROP_GRID = (0.2, 0.3, 0.4)
KEEP_GRID = (0.6, 0.7, 0.8, 0.95)  # 1.01: the model never spares a line from the context pass
HTML_GRID = (0.0, 0.05)
# Long paragraphs (`[chrome] long_min_words`) need stronger evidence than drop_below: the model
# learnt from whole pages, where the first lines are chrome, and clean text starts with the article.
LONG_GRID = (0.1, 0.2, 0.3)  # 0.0: the model never drops a line trafilatura kept


@dataclass(frozen=True)
class Reference:
    """A reference text in the three forms `in_reference` asks."""

    lines: frozenset[str]  # each paragraph's words
    tokens: str  # all words, space-separated and padded
    shingles: frozenset[tuple[str, ...]]

    @classmethod
    def of(cls, text: str) -> Reference:
        tokens = _TOKEN.findall(text.casefold())
        lines = frozenset(" ".join(_TOKEN.findall(line.casefold())) for line in text.splitlines())
        return cls(lines, f" {' '.join(tokens)} ", frozenset(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3)))


def in_reference(line: str, ref: Reference) -> bool:
    """A line is content when its words occur in the reference: a very short line as a whole
    paragraph there ("Home" is in most texts), a short one as a run of words, a long one as mostly
    its 4-word shingles (references reflow and trim)."""
    tokens = _TOKEN.findall(line.casefold())
    if not tokens:
        return False
    if len(tokens) < 4:
        return " ".join(tokens) in ref.lines
    if len(tokens) < 8:
        return f" {' '.join(tokens)} " in ref.tokens
    grams = [tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3)]
    return sum(g in ref.shingles for g in grams) >= 0.5 * len(grams)


def _inputs(page: Page, ctx: Context) -> Iterator[bytes]:
    """The text of each path a page takes: the whole page, and trafilatura's extract of HTML."""
    yield text_input(page).encode("utf-8")
    if page.is_html:
        yield extract(page.raw().decode("utf-8", errors="replace"), ctx.settings.input)[0].encode()


@dataclass
class PageLines:
    """One page on one path: its undecided lines' cues, labels (content = 1) and weights."""

    key: str
    cues: list[list[str]]
    labels: list[int]
    weights: list[float]
    extracted: bool = False  # trafilatura's text of an HTML page (else the whole page as text)


def examples(pages: list[Page], ctx: Context) -> list[PageLines]:
    """Every undecided line of the pages, page by page (longer lines weigh more: the metric counts words)."""
    out = []
    repair = EncodingStep(ctx)
    for page in pages:
        ref = Reference.of(page.reference)
        for n, payload in enumerate(_inputs(page, ctx)):
            # Extracted text is given as text, so that the encoding step does not extract it again.
            doc = Document(id=page.key, source=page.path.name, file=page.path.name, metadata={"format": "txt"})
            doc.payload = payload
            doc = repair(doc)
            lines = chrome.undecided(doc, ctx.rules, ctx.settings.chrome)
            cues = sorted(line_model.page_cues(lines).items())
            labels = [int(in_reference(lines[i].text, ref)) for i, _ in cues]
            weights = [min(lines[i].feats.words, 100) ** 0.5 + 1.0 for i, _ in cues]
            out.append(PageLines(page.key, [c for _, c in cues], labels, weights, extracted=n == 1))
    return out


@dataclass(frozen=True)
class Fitted:
    weights: dict[str, float]
    bias: float
    weights2: dict[str, float]
    bias2: float


def fit_stages(pages: list[PageLines]) -> Fitted:
    """Stage 1 on the lines' own cues; stage 2 on first-stage probabilities of each line and its
    neighbours, taken out of fold (two folds by page) so that they are as sure as on unseen pages."""
    flat = _flatten(pages)
    weights, bias = fit(*flat)
    folds = [[p for p in pages if hashlib.sha256(p.key.encode()).digest()[0] % 2 == k] for k in (0, 1)]
    first: dict[int, list[float]] = {}
    for k in (0, 1):
        w, b = fit(*_flatten(folds[1 - k]))
        for page in folds[k]:
            first[id(page)] = [line_model.sigmoid(b, w, cues) for cues in page.cues]
    rows2 = [list(line_model.context_cues(first[id(p)], j, p.extracted)) for p in pages for j in range(len(p.cues))]
    weights2, bias2 = fit(rows2, flat[1], flat[2], c=C2)
    return Fitted(weights, bias, weights2, bias2)


def _flatten(pages: list[PageLines]) -> tuple[list[list[str]], list[int], list[float]]:
    return (
        [c for p in pages for c in p.cues],
        [x for p in pages for x in p.labels],
        [w for p in pages for w in p.weights],
    )


def fit(
    rows: list[list[str]], labels: list[int], weights: list[float], c: float = 0.0
) -> tuple[dict[str, float], float]:
    try:  # only training needs them (the [train] extra)
        from scipy.sparse import csr_matrix
        from sklearn.linear_model import LogisticRegression
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ConfigError("training needs scikit-learn: pip install -e '.[train]'") from e
    vocab = {cue: j for j, cue in enumerate(sorted({c for row in rows for c in row}))}
    indptr, indices = [0], []
    for row in rows:
        cols = sorted({vocab[c] for c in row})
        indices += cols
        indptr.append(len(indices))
    x = csr_matrix(([1.0] * len(indices), indices, indptr), shape=(len(rows), len(vocab)))
    clf = LogisticRegression(C=c or C, solver="liblinear", max_iter=1000, random_state=0)
    clf.fit(x, labels, sample_weight=weights)
    coef = clf.coef_[0]
    out = {cue: round(float(coef[j]), 3) for cue, j in vocab.items() if abs(coef[j]) >= MIN_WEIGHT}
    return out, round(float(clf.intercept_[0]), 3)


def model_data(fitted: Fitted, thresholds: dict[str, float], info: dict[str, Any]) -> str:
    data = {"format": line_model.FORMAT, "version": info.get("version", ""), "kind": "logistic, two stages",
            "thresholds": thresholds, "trained_on": info,
            "bias2": fitted.bias2, "weights2": dict(sorted(fitted.weights2.items())),
            "bias": fitted.bias, "weights": dict(sorted(fitted.weights.items()))}  # fmt: skip
    return json.dumps(data, indent=0, ensure_ascii=False) + "\n"


Inputs = dict[tuple[str, str], bytes]  # (page key, path) -> payload


def dev_score(ctx: Context, model_text: str, pages: list[Page], inputs: Inputs) -> dict[str, float]:
    """Macro F1 per (path, group) on the dev pages with this model file."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        f.write(model_text)
    chrome_settings = dataclasses.replace(ctx.settings.chrome, line_model=f.name)
    run = dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, chrome=chrome_settings))
    out: dict[str, list[tuple[str, str]]] = {}
    for page in pages:
        for path, fmt in (("text", "txt"), ("html", "html")):
            if (page.key, path) in inputs:
                got = clean(run, page, inputs[page.key, path], fmt)
                out.setdefault(f"{path}/{page.group}", []).append((got, page.reference))
    Path(f.name).unlink()
    line_model.load_model.cache_clear()
    return {k: round(macro(v).f1, 4) for k, v in sorted(out.items())}


def choose_thresholds(ctx: Context, fitted: Fitted, dev: list[Page]) -> dict[str, float]:
    inputs: Inputs = {}
    for page in dev:
        inputs[page.key, "text"] = text_input(page).encode("utf-8")
        if page.is_html:
            inputs[page.key, "html"] = page.raw()
    text_pages = list(dev)
    best: tuple[float, dict[str, float]] = (-1.0, {})
    for drop in DROP_GRID:
        for keep in KEEP_GRID:
            # long paragraphs first under the same threshold (as far as LONG_GRID goes), refined below
            long = min(drop, max(LONG_GRID))
            t = {"drop_below": drop, "keep_above": keep, "html_drop_below": 0.0, "long_drop_below": long}
            scores = dev_score(ctx, model_data(fitted, t, {}), text_pages, _only(inputs, "text"))
            value = sum(scores.values()) / len(scores)
            print(f"  dev text drop<{drop} keep>{keep}: {scores}", file=sys.stderr, flush=True)
            if value > best[0]:
                best = (value, t)
    chosen = dict(best[1])
    best_long: tuple[float, float] = (-1.0, chosen["drop_below"])
    for long in LONG_GRID:
        t = {**chosen, "long_drop_below": min(long, chosen["drop_below"])}
        scores = dev_score(ctx, model_data(fitted, t, {}), text_pages, _only(inputs, "text"))
        print(f"  dev text long<{t['long_drop_below']}: {scores}", file=sys.stderr, flush=True)
        if sum(scores.values()) / len(scores) > best_long[0]:
            best_long = (sum(scores.values()) / len(scores), t["long_drop_below"])
    chosen["long_drop_below"] = best_long[1]
    html_pages = [p for p in dev if p.is_html]
    best_html: tuple[float, float] = (-1.0, 0.0)
    for h in HTML_GRID:
        t = {**chosen, "html_drop_below": h}
        scores = dev_score(ctx, model_data(fitted, t, {}), html_pages, _only(inputs, "html"))
        print(f"  dev html drop<{h}: {scores}", file=sys.stderr, flush=True)
        if scores["html/realpages"] > best_html[0]:
            best_html = (scores["html/realpages"], h)
    chosen["html_drop_below"] = best_html[1]
    return chosen


def _only(inputs: Inputs, path: str) -> Inputs:
    return {k: v for k, v in inputs.items() if k[1] == path}


def train(ctx: Context, shared: Path, out: Path, version: str) -> dict[str, float]:
    """Fit on train, choose thresholds on dev, write the model file; returns the thresholds."""
    base = dataclasses.replace(ctx.settings.chrome, line_model="")
    ctx = dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, chrome=base).with_languages("any"))
    train_pages = list(load_pages(shared, ("train",), GROUPS))
    dev_pages = list(load_pages(shared, ("dev",), GROUPS))
    pages = examples(train_pages, ctx)
    rows, labels, _ = _flatten(pages)
    print(f"train: {len(train_pages)} pages, {len(rows)} lines, {sum(labels)} content", file=sys.stderr, flush=True)
    fitted = fit_stages(pages)
    thresholds = choose_thresholds(ctx, fitted, dev_pages)
    info = {"version": version, "split": "train", "groups": list(GROUPS), "pages": len(train_pages),
            "lines": len(rows), "content_lines": sum(labels), "C": [C, C2], "thresholds_from": "dev"}  # fmt: skip
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(model_data(fitted, thresholds, info), encoding="utf-8")
    tmp.replace(out)
    line_model.load_model.cache_clear()
    return thresholds
