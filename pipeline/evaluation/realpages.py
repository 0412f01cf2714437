"""`python -m pipeline evaluate`: every split, both paths, our pipeline beside the baselines.

Text path: the whole page as text (`page_text.whole_page_text`, or wcxb's text as given); beside
ours the untouched page and the C4 line rules. HTML path: the `.html` pages; beside ours
trafilatura alone: one run with the pipeline's own extraction options (no recall check). All scored per page with the
article-extraction benchmark's metric (`metric.py`), macro-averaged per split and corpus group.
Documents run through `core.clean_document` in this process (no batch, so no learned boilerplate).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pipeline.core import Context, clean_document
from pipeline.document import Document
from pipeline.evaluation.c4 import c4_lines
from pipeline.evaluation.metric import macro, page_scores
from pipeline.evaluation.page_text import whole_page_text
from pipeline.evaluation.pages import SPLITS, Page
from pipeline.evaluation.titles import format_titles, page_title, title_rows
from pipeline.html import trafilatura_text
from pipeline.stages.paragraphs import final_text

SYSTEMS = {"text": ("page", "c4", "webclean"), "html": ("trafilatura", "webclean")}
Outputs = dict[tuple[str, str], dict[str, str]]  # (path, system) -> page key -> text


def text_input(page: Page) -> str:
    """The page as the text path gets it: whole-page text, one visible block a line."""
    raw = page.raw()
    return whole_page_text(raw) if page.is_html else raw.decode("utf-8", errors="replace")


def clean(ctx: Context, page: Page, payload: bytes, fmt: str) -> str:
    return cleaned(ctx, page, payload, fmt)[0]


def cleaned(ctx: Context, page: Page, payload: bytes, fmt: str) -> tuple[str, str]:
    """The clean text ('' unless delivered) and the record's title ('' if none)."""
    name = page.path.name
    doc = Document(id=page.key, source=name, file=name, metadata={"format": fmt})
    doc = clean_document(doc, payload, ctx)
    return (final_text(doc) if doc.status == "ok" else ""), doc.title or ""


def run_page(ctx: Context, page: Page, paths: tuple[str, ...]) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    if "text" in paths:
        text = text_input(page)
        out["text", "page"] = text
        out["text", "c4"] = c4_lines(text)
        out["text", "webclean"], out["title", "webclean"] = cleaned(ctx, page, text.encode("utf-8"), "txt")
        if page.is_html:
            out["title", "page"] = page_title(page.raw())
    if "html" in paths and page.is_html:
        raw = page.raw()
        html = raw.decode("utf-8", errors="replace")
        out["html", "trafilatura"] = trafilatura_text(html, ctx.settings.input, metadata=False)["text"]
        out["html", "webclean"] = clean(ctx, page, raw, "html")
    return out


def run_pages(ctx: Context, pages: Iterable[Page], paths: tuple[str, ...], progress: bool = True) -> Outputs:
    ctx = dataclasses.replace(ctx, settings=ctx.settings.with_languages("any"))
    outputs: Outputs = {}
    for n, page in enumerate(pages, 1):
        for what, text in run_page(ctx, page, paths).items():
            outputs.setdefault(what, {})[page.key] = text
        if progress and n % 100 == 0:
            print(f"  {n} pages", file=sys.stderr, flush=True)
    return outputs


def score_rows(pages: list[Page], outputs: Outputs) -> list[dict[str, Any]]:
    """One row per split, group, path and system, in a stable order."""
    rows = []
    cells = sorted({(p.split, p.group) for p in pages}, key=lambda c: (SPLITS.index(c[0]), c[1]))
    for split, group in cells:
        chosen = [p for p in pages if (p.split, p.group) == (split, group)]
        for path, systems in SYSTEMS.items():
            for system in systems:
                got = outputs.get((path, system))
                have = [p for p in chosen if got is not None and p.key in got]
                if got is None or not have:
                    continue
                score = macro((got[p.key], p.reference) for p in have)
                rows.append({"split": split, "group": group, "path": path, "system": system, **score.as_dict()})
    return rows


def per_page(pages: list[Page], outputs: Outputs) -> dict[str, dict[str, Any]]:
    """Our precision and recall on every page, to find the worst ones."""
    out: dict[str, dict[str, Any]] = {}
    for page in pages:
        for path in SYSTEMS:
            text = outputs.get((path, "webclean"), {}).get(page.key)
            if text is not None:
                p, r = page_scores(text, page.reference)
                out.setdefault(page.key, {"split": page.split})[path] = [
                    None if p is None else round(p, 4),
                    round(r, 4),
                ]
    return out


def format_table(rows: list[dict[str, Any]]) -> str:
    names = ["page", "c4", "trafilatura", "webclean"]
    head = f"{'split':<6} {'group':<10} {'path':<5} {'pages':>5}  " + "  ".join(f"{s:>22}" for s in names)
    lines = [head, "-" * len(head)]
    table: dict[tuple[str, str, str], dict[str, dict[str, Any]]] = {}
    for row in rows:
        table.setdefault((row["split"], row["group"], row["path"]), {})[row["system"]] = row
    for (split, group, path), by_system in table.items():
        pages = next(iter(by_system.values()))["pages"]
        cells = []
        for s in names:
            r = by_system.get(s)
            cells.append(f"{r['f1']:.3f} ({r['precision']:.3f}/{r['recall']:.3f})" if r else "-")
        lines.append(f"{split:<6} {group:<10} {path:<5} {pages:>5}  " + "  ".join(f"{c:>22}" for c in cells))
    lines.append("cells: F1 (precision/recall), article-extraction-benchmark metric, macro over pages")
    return "\n".join(lines)


def evaluate_real_pages(
    ctx: Context, pages: list[Page], paths: tuple[str, ...], json_out: Path | None, echo: Callable[[str], None] = print
) -> list[dict[str, Any]]:
    outputs = run_pages(ctx, pages, paths)
    rows = score_rows(pages, outputs)
    echo(format_table(rows))
    titles = title_rows(pages, outputs.get(("title", "webclean"), {}), outputs.get(("title", "page"), {}))
    if titles:
        echo(format_titles(titles))
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        report = {"rows": rows, "titles": titles, "pages": per_page(pages, outputs)}
        json_out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        echo(f"json: {json_out}")
    return rows
