"""Per-document cost of the encoding, chrome and language stages on the seeds and the development pages.

    .venv/bin/python bench/stage_costs.py [--runs 7]

Each row runs one stage over every document, `--runs` times, and reports the median over the
runs of the time per document in microseconds (the inputs are prepared outside the timed loop).
Compared: ftfy on every line (`[encoding] gate = false`) against the gated default, on clean
pages and on mojibake pages; langdetect against langdetect-rs, in the language stage and in
detection alone on the stage's sample; the chrome stage with and without the line model.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.core import ChromeStep, Context, EncodingStep, LanguageStep  # noqa: E402
from pipeline.document import Document  # noqa: E402
from pipeline.settings import Settings, load_settings  # noqa: E402
from pipeline.stages.language import detect, sample  # noqa: E402
from tests.stages.damage import VARIANTS  # noqa: E402

FOLDERS = (ROOT / "seeds", ROOT / "tests/devset/pages", ROOT / "tests/devset/holdout/pages")


def pages() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for folder in FOLDERS for p in sorted(folder.glob("*.txt"))}


def new_doc(name: str, payload: bytes) -> Document:
    return Document(id=name, source=name, file=name, metadata={"format": "txt"}, payload=payload)


def median_us(work: Callable[[], int], runs: int) -> float:
    """Median over `runs` of the time per item (work() returns how many items it did)."""
    per_item = []
    for _ in range(runs):
        start = time.perf_counter()
        items = work()
        per_item.append((time.perf_counter() - start) / items * 1e6)
    return statistics.median(per_item)


def with_settings(ctx: Context, section: str, **changes: object) -> Context:
    part = dataclasses.replace(getattr(ctx.settings, section), **changes)
    return Context(dataclasses.replace(ctx.settings, **{section: part}), ctx.rules)


def repair_cost(ctx: Context, payloads: dict[str, bytes], runs: int) -> float:
    repair = EncodingStep(ctx)

    def work() -> int:
        for name, data in payloads.items():
            repair(new_doc(name, data))
        return len(payloads)

    return median_us(work, runs)


def language_cost(ctx: Context, prepared: list[Document], runs: int) -> float:
    copies = [[copy.deepcopy(d) for d in prepared] for _ in range(runs)]  # the stage changes documents
    step = LanguageStep(ctx)

    def work() -> int:
        for doc in copies.pop():
            step(doc)
        return len(prepared)

    return median_us(work, runs)


def chrome_costs(variants: list[Context], repaired: list[Document], runs: int) -> list[float]:
    """The chrome stage under each context, their runs interleaved, in CPU time of this process (on a
    shared machine wall time measures the neighbours)."""
    times: list[list[float]] = [[] for _ in variants]
    for _ in range(runs):
        for ctx, spent in zip(variants, times, strict=True):
            docs = [copy.deepcopy(d) for d in repaired]  # the stage changes documents
            step = ChromeStep(ctx)
            start = time.process_time()
            for doc in docs:
                step(doc)
            spent.append((time.process_time() - start) / len(docs) * 1e6)
    return [statistics.median(spent) for spent in times]


def detect_cost(ctx: Context, samples: list[str], runs: int) -> float:
    def work() -> int:
        for text in samples:
            detect(text, ctx.settings.language)
        return len(samples)

    return median_us(work, runs)


def prepare(ctx: Context, payloads: dict[str, bytes]) -> list[Document]:
    """Documents as the language stage receives them: repaired, chrome removed."""
    repair, chrome = EncodingStep(ctx), ChromeStep(ctx)
    return [chrome(repair(new_doc(name, data))) for name, data in payloads.items()]


def rows(settings: Settings, runs: int) -> list[tuple[str, str, float]]:
    ctx = Context.load(settings)
    clean = pages()
    mojibake = {name: VARIANTS["mojibake"](data.decode("utf-8")) for name, data in clean.items()}
    ungated = with_settings(ctx, "encoding", gate=False)
    prepared = prepare(ctx, clean)
    repaired = [EncodingStep(ctx)(new_doc(name, data)) for name, data in clean.items()]
    no_model = with_settings(ctx, "chrome", line_model="")
    samples = [sample(d.lines, settings.language.sample_chars) for d in prepared if d.active]
    reference = with_settings(ctx, "language", backend="langdetect")
    for backend in (ctx, reference):  # load profiles and warm caches before timing
        detect_cost(backend, samples[:3], 1)
    chrome_costs([no_model, ctx], repaired, 1)  # warm the caches both use
    without, with_model = chrome_costs([no_model, ctx], repaired, runs)
    return [
        ("chrome stage", "no line model", without),
        ("chrome stage", "line model (default)", with_model),
        ("encoding, clean pages", "ftfy on every line (gate = false)", repair_cost(ungated, clean, runs)),
        ("encoding, clean pages", "gated (default)", repair_cost(ctx, clean, runs)),
        ("encoding, mojibake pages", "ftfy on every line (gate = false)", repair_cost(ungated, mojibake, runs)),
        ("encoding, mojibake pages", "gated (default)", repair_cost(ctx, mojibake, runs)),
        ("language stage", "langdetect", language_cost(reference, prepared, runs)),
        ("language stage", "langdetect-rs (default)", language_cost(ctx, prepared, runs)),
        ("detect() on the sample", "langdetect", detect_cost(reference, samples, runs)),
        ("detect() on the sample", "langdetect-rs (default)", detect_cost(ctx, samples, runs)),
    ]


def table(results: list[tuple[str, str, float]], docs: int, runs: int) -> str:
    lines = [
        f"{docs} documents (seeds + dev + holdout pages), median of {runs} runs, microseconds per document",
        f"{'stage, input':<26}{'variant':<36}{'us/doc':>9}{'speed-up':>10}",
    ]
    baseline: dict[str, float] = {}
    for stage, variant, cost in results:
        base = baseline.setdefault(stage, cost)
        lines.append(f"{stage:<26}{variant:<36}{cost:>9.0f}{base / cost:>9.1f}x")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    results = rows(load_settings(), args.runs)
    print(table(results, len(pages()), args.runs))


if __name__ == "__main__":
    main()
