"""What the layout stage costs on one-block-a-line input (the layout it leaves alone).

    python bench/layout_cost.py [--runs 7] [DIR ...]

Cleans every `*.txt` of the seeds, the development pages and the folders given (e.g. the real
pages as whole-page text) that the layout stage finds one block a line, with every stage
(`core.clean_document`, languages "any"), once with `[layout] enabled = false` and once with the
default settings, page by page (so that other load on the machine hits both alike), `--runs`
times; reports the median time per page of each and of the layout stage alone.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.core import Context, clean_document  # noqa: E402
from pipeline.document import Document  # noqa: E402
from pipeline.settings import load_settings  # noqa: E402
from pipeline.stages.layout import LINES, detect, normalise_layout  # noqa: E402


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("dirs", nargs="*", type=Path)
    a = ap.parse_args()
    folders = [ROOT / "seeds", ROOT / "tests" / "devset" / "pages", *a.dirs]
    on = load_settings().with_languages("any")
    texts = [p.read_text(encoding="utf-8") for d in folders for p in sorted(d.glob("*.txt"))]
    # Only what the layout stage leaves alone: a page it rebuilds (an RFC is hard-wrapped) costs
    # the later stages less, which would hide the cost of looking.
    texts = [t for t in texts if detect(t.split("\n"), on.layout).kind == LINES]
    off = dataclasses.replace(on, layout=dataclasses.replace(on.layout, enabled=False))
    contexts = {"off": Context.load(off), "on": Context.load(on)}

    def clean(ctx: Context, i: int, text: str) -> float:
        doc = Document(id=str(i), source="s", file="s", metadata={"format": "txt"})
        return timed(lambda: clean_document(doc, text, ctx))

    def layout_only(text: str) -> float:
        doc = Document(id="d", source="s", file="s")
        doc.set_text(text)
        return timed(lambda: normalise_layout(doc, on.layout))

    times: dict[str, list[float]] = {"off": [], "on": [], "layout": []}
    for _ in range(a.runs):
        total = dict.fromkeys(times, 0.0)
        for i, text in enumerate(texts):  # page by page, both ways: load changes hit both alike
            order = ("off", "on") if i % 2 else ("on", "off")  # and neither always comes second
            for name in order:
                total[name] += clean(contexts[name], i, text)
            total["layout"] += layout_only(text)
        for name, seconds in total.items():
            times[name].append(seconds)
    ms = {k: 1000 * statistics.median(v) / len(texts) for k, v in times.items()}
    print(f"{len(texts)} pages, median of {a.runs} runs, ms per page:")
    print(f"  all stages, layout off  {ms['off']:.3f}")
    print(f"  all stages, layout on   {ms['on']:.3f}  ({100 * (ms['on'] / ms['off'] - 1):+.1f} %)")
    print(f"  layout stage alone      {ms['layout']:.3f}  ({100 * ms['layout'] / ms['off']:.1f} % of all stages)")


if __name__ == "__main__":
    main()
