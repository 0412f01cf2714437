"""The HTML path's extraction settings, measured with the whole pipeline after them.

    .venv/bin/python bench/html_variants.py [--shared ../shared] [--variants recall,comments] [--splits train,dev]

Each variant changes how trafilatura extracts the train and dev HTML pages (one of its options, or
which fallback its balanced mode may compare with); the pipeline then cleans the text as it does
any page. Printed per split and corpus group: F1 (precision/recall) of the extraction alone and
after our cleaning, with the default (`configs/settings.toml`) as the first row, and the CPU time
of the extraction per page. Then, per variant, the words of the lines its extraction adds to the
default's: content or chrome (most of the line's word 4-grams in the reference or not), and
whether our cleaning keeps or removes them. Tune on train and dev only (configs/eval/split.json).
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402
import trafilatura.external  # noqa: E402
from lxml.etree import Element  # noqa: E402
from lxml.html import HtmlElement  # noqa: E402

import pipeline.core as core  # noqa: E402
from pipeline.core import Context, clean_document  # noqa: E402
from pipeline.document import Document  # noqa: E402
from pipeline.evaluation.metric import macro  # noqa: E402
from pipeline.evaluation.pages import Page, load_pages  # noqa: E402
from pipeline.settings import load_settings  # noqa: E402
from pipeline.stages.paragraphs import final_text  # noqa: E402

_WORD = re.compile(r"\w+")


@dataclasses.dataclass(frozen=True)
class Variant:
    settings: dict[str, bool] = dataclasses.field(default_factory=dict)  # [input] html_* overrides
    options: dict[str, Any] = dataclasses.field(default_factory=dict)  # further bare_extraction options
    fallback: str = "both"  # which fallback balanced mode compares with: both, readability, justext


VARIANTS = {
    "default": Variant(),
    "no-recall-check": Variant({"html_recall_check": False}),
    "favor-recall": Variant({"html_favor_recall": True}),
    "favor-precision": Variant({"html_favor_precision": True}),
    "comments": Variant({"html_include_comments": True}),
    "no-tables": Variant({"html_include_tables": False}),
    "links": Variant(options={"include_links": True}),
    "formatting": Variant(options={"include_formatting": True}),
    "deduplicate": Variant(options={"deduplicate": True}),  # a fresh cache per run: within the page only
    "no-fallback": Variant(options={"fast": True}),
    "readability-only": Variant(fallback="readability"),
    "justext-only": Variant(fallback="justext"),
    "recall+comments": Variant({"html_favor_recall": True, "html_include_comments": True}),
    "recall+no-fallback": Variant({"html_favor_recall": True}, {"fast": True}),
}


@contextmanager
def patched(obj: Any, name: str, value: Any) -> Iterator[None]:
    old = getattr(obj, name)
    setattr(obj, name, value)
    try:
        yield
    finally:
        setattr(obj, name, old)


@contextmanager
def extraction(variant: Variant) -> Iterator[None]:
    """trafilatura as the variant wants it, for the time of the block."""
    plain = trafilatura.bare_extraction

    def bare(page: Any, **kwargs: Any) -> Any:
        kwargs.update(variant.options)
        if kwargs.get("deduplicate") is True:
            kwargs["deduplicate"] = trafilatura.deduplication.LRUCache(maxsize=4096)
        return plain(page, **kwargs)

    with patched(trafilatura, "bare_extraction", bare):
        if variant.fallback == "readability":
            with patched(trafilatura.external, "justext_rescue", lambda tree, options: (Element("body"), "")):
                yield
        elif variant.fallback == "justext":
            with patched(trafilatura.external, "try_readability", lambda tree: HtmlElement()):
                yield
        else:
            yield


def run_variant(ctx: Context, variant: Variant, pages: list[Page]) -> dict[str, tuple[str, str, float]]:
    """Page key -> (extracted text, cleaned text, extraction CPU seconds)."""
    s = ctx.settings
    ctx = dataclasses.replace(
        ctx, settings=dataclasses.replace(s, input=dataclasses.replace(s.input, **variant.settings))
    )
    seen: dict[str, Any] = {}
    plain: Callable[..., Any] = core.extract

    def spy(html: str, settings: Any) -> Any:
        start = time.process_time()
        result = plain(html, settings)
        seen.update(text=result[0], cpu=time.process_time() - start)
        return result

    out = {}
    with extraction(variant), patched(core, "extract", spy):
        for page in pages:
            doc = Document(id=page.key, source=page.path.name, file=page.path.name, metadata={"format": "html"})
            seen.clear()
            doc = clean_document(doc, page.raw(), ctx)
            out[page.key] = (seen.get("text", ""), final_text(doc) if doc.status == "ok" else "", seen.get("cpu", 0.0))
    return out


def _share_in(words: list[str], text_words: list[str]) -> float:
    n = min(4, len(words))
    grams = {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}
    have = {tuple(text_words[i : i + n]) for i in range(len(text_words) - n + 1)}
    return len(grams & have) / len(grams)


def added_words(default: str, variant: str, cleaned: str, reference: str) -> Counter[str]:
    """Words of the lines `variant` adds to `default`: content/chrome by the reference, kept/removed by the cleaning."""
    added = Counter(x.strip() for x in variant.splitlines()) - Counter(x.strip() for x in default.splitlines())
    ref, kept = _WORD.findall(reference), _WORD.findall(cleaned)
    counts: Counter[str] = Counter()
    for line, times in added.items():
        words = _WORD.findall(line)
        if words:
            what = "content" if _share_in(words, ref) >= 0.5 else "chrome"
            counts[f"{what} {'kept' if _share_in(words, kept) >= 0.5 else 'removed'}"] += len(words) * times
    return counts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--splits", default="train,dev")
    ap.add_argument("--variants", default=",".join(VARIANTS))
    args = ap.parse_args()
    pages = [p for p in load_pages(Path(args.shared), tuple(args.splits.split(",")), ("realpages", "aeb")) if p.is_html]
    ctx = Context.load(load_settings(None))
    ctx = dataclasses.replace(ctx, settings=ctx.settings.with_languages("any"))
    cells = sorted({(p.split, p.group) for p in pages}, key=lambda c: (args.splits.split(",").index(c[0]), c[1]))
    print(f"{'variant':<22}{'':>6}" + "".join(f"{s + ' ' + g:>24}" for s, g in cells) + "  extract ms/page")
    default = run_variant(ctx, VARIANTS["default"], pages)
    for name in ["default", *(v for v in args.variants.split(",") if v != "default")]:
        got = default if name == "default" else run_variant(ctx, VARIANTS[name], pages)
        for what, index in (("ext", 0), ("ours", 1)):
            row = f"{name:<22}{what:>6}"
            for split, group in cells:
                chosen = [p for p in pages if (p.split, p.group) == (split, group)]
                score = macro((str(got[p.key][index]), p.reference) for p in chosen)
                row += f"{score.f1:>10.4f} ({score.precision:.3f}/{score.recall:.3f})"
            cpu = sum(v[2] for v in got.values()) / len(got) * 1000
            print(row + (f"{cpu:>10.1f}" if what == "ext" else ""), flush=True)
        if name != "default":
            for group in ("realpages", "aeb"):
                words: Counter[str] = Counter()
                for p in (p for p in pages if p.group == group):
                    words += added_words(default[p.key][0], got[p.key][0], got[p.key][1], p.reference)
                print(f"{'':<28}{group} added words: " + ", ".join(f"{k} {v}" for k, v in sorted(words.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
