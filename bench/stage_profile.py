"""The pipeline's stages in one process, timed one by one, optionally under pyinstrument.

    python bench/stage_profile.py --corpus DIR --json OUT.json [--profile OUT.txt] [--top 30] [--cpu]
                                  [--languages any]

The run mirrors the Luigi chain shard-less: read and repair every file, detect its site and
count its lines for learning (as RepairEncoding does), serialise; learn the boilerplate pack from
the counts (LearnBoilerplate); then chrome, language and normalise, each over
every document with the work-file round trip a task does (`Document.from_line(line)` in,
`doc.to_line()` out); last, the outputs and audit logs written as WriteOutputs writes
them (atomic files, fsync), into a temporary folder. The loops after the encoding one run
with the cyclic garbage collector paused, as the tasks run them (pipeline/collector.py). `sign` is the signatures the
encoding and normalise tasks write beside their outputs for the duplicate searches (their
sidecars, as the tasks write them). `--languages any` as for real pages (mostly English: with the
default settings the language stage rejects them, and the later stages measure little). What
Luigi itself costs (scheduling, forked task processes, interpreter start-up) is what the
subprocess run takes beyond this.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pipeline import jsonl
from pipeline.collector import paused_per_document
from pipeline.core import ChromeStep, Context, EncodingStep, LanguageStep, NormaliseStep, Step
from pipeline.dedup_tasks import SignatureSidecar
from pipeline.document import OK, QUARANTINED, REJECTED, Document
from pipeline.inputs import discover, read_input
from pipeline.layout import OutputLayout
from pipeline.outputs import AuditWriter, OutputParts, ShardStats, clean_record, quarantine_record, rejected_record
from pipeline.settings import Settings, load_settings
from pipeline.stages.boilerplate import BoilerplateCounter, count_for_learning, line_keys, render_pack
from pipeline.stages.paragraphs import final_text
from pipeline.tasks import learn_once

TIMERS = {"wall": time.perf_counter, "cpu": time.process_time}
_timer = [time.perf_counter]  # --cpu: this process's CPU time, steadier on a shared machine


def now() -> float:
    return _timer[0]()


ORDER = ("setup", "read", "encoding", "learn", "chrome", "language", "normalise", "sign", "serde", "write")


class Clock:
    """Seconds per named part; `part(name)` is a context manager, `add` takes a measured span."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    @contextmanager
    def part(self, name: str) -> Iterator[None]:
        t = now()
        try:
            yield
        finally:
            self.seconds[name] += now() - t

    def add(self, name: str, since: float) -> float:
        t = now()
        self.seconds[name] += t - since
        return t


def encode_all(corpus: Path, ctx: Context, folder: Path, clock: Clock) -> tuple[list[bytes], BoilerplateCounter]:
    """Read and repair every file; count lines for learning and sign them as RepairEncoding does."""
    records = []
    counter = BoilerplateCounter(ctx.settings.learn)
    repair = EncodingStep(ctx)
    with SignatureSidecar(folder / "encoding.sigs", learn_once(ctx.settings), lines=True) as sigs:
        for f in discover([str(corpus)]):
            t = now()
            items = list(read_input(f, ctx.settings.input))
            t = clock.add("read", t)
            for doc, payload in items:
                doc.payload = payload
                doc = repair(doc)
                t = clock.add("encoding", t)
                keys = line_keys(doc) if doc.active and counter.settings.enabled else None
                group = count_for_learning(counter, doc, ctx.rules, keys)
                t = clock.add("learn", t)
                sigs.add(doc, group=group, skip=group is None, keys=keys)
                t = clock.add("sign", t)
                records.append(doc.to_line())
                t = clock.add("serde", t)
    return records, counter


def learn(counter: BoilerplateCounter, ctx: Context, folder: Path, clock: Clock) -> Path:
    """What LearnBoilerplate does once the shards are counted: merge (one shard here) and decide."""
    with clock.part("learn"):
        merged = BoilerplateCounter(ctx.settings.learn)
        merged.merge(jsonl.loads(jsonl.dumps(counter.to_record())))
        path = folder / "learned.toml"
        path.write_text(render_pack(merged.learned(ctx.settings.chrome), "benchmark"), encoding="utf-8")
    return path


def apply(records: list[bytes], step: Step, clock: Clock, sigs: SignatureSidecar | None = None) -> list[bytes]:
    """`sigs`: the delivered texts' signatures, as NormaliseParagraphs writes them."""
    out = []
    with paused_per_document() as document_done:  # as the tasks run (pipeline/collector.py)
        for line in records:
            t = now()
            doc = Document.from_line(line)
            t = clock.add("serde", t)
            doc = step(doc)
            t = clock.add(step.name, t)
            if sigs is not None:
                sigs.add(doc, final_text(doc))
                t = clock.add("sign", t)
            out.append(doc.to_line())
            clock.add("serde", t)
            document_done()
    return out


def write(records: list[bytes], folder: Path, clock: Clock) -> dict[str, int]:
    routes = {OK: ("clean", clean_record), REJECTED: ("rejected", rejected_record),
              QUARANTINED: ("quarantine", quarantine_record)}  # fmt: skip
    stats, written = ShardStats(), {"clean": 0, "rejected": 0, "quarantine": 0}
    layout = OutputLayout(folder)
    with AuditWriter(layout.audit) as audit, OutputParts(layout, 0) as parts, paused_per_document() as document_done:
        for line in records:
            t = now()
            doc = Document.from_line(line, expand=True)
            t = clock.add("serde", t)
            where, make = routes[doc.status]
            parts.write(where, make(doc))
            audit.write(doc)
            stats.add(doc)
            written[where] += 1
            clock.add("write", t)
            document_done()
    return written


def run_stages(corpus: Path, settings: Settings, clock: Clock) -> dict[str, int]:
    with clock.part("setup"):
        base = Context.load(settings)
    with tempfile.TemporaryDirectory(prefix="webclean-bench-") as tmp:
        records, counter = encode_all(corpus, base, Path(tmp), clock)
        learned = learn(counter, base, Path(tmp), clock)
        with clock.part("setup"):
            chrome_ctx = Context.load(settings, learned)
        records = apply(records, ChromeStep(chrome_ctx), clock)
        records = apply(records, LanguageStep(base), clock)
        with SignatureSidecar(Path(tmp) / "normalise.sigs", settings.dedup, with_shingles=True) as sigs:
            records = apply(records, NormaliseStep(base), clock, sigs)
        written = write(records, Path(tmp), clock)
    return {"documents": len(records), **written}


def profiled(corpus: Path, settings: Settings, top: int) -> tuple[dict[str, int], str, str]:
    """The same run under pyinstrument: (counts, flat self-time list, call tree)."""
    from pyinstrument import Profiler
    from pyinstrument.renderers import ConsoleRenderer

    profiler = Profiler(interval=0.0005)
    with profiler:
        counts = run_stages(corpus, settings, Clock())
    session = profiler.last_session
    assert session is not None
    flat = ConsoleRenderer(flat=True, flat_time="self", short_mode=True).render(session)
    tree = ConsoleRenderer(unicode=True, show_all=False).render(session)
    return counts, "\n".join(flat.splitlines()[: top + 6]), tree


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True, type=Path)
    ap.add_argument("--json", required=True, type=Path, help="where the per-stage seconds go")
    ap.add_argument("--profile", type=Path, help="also profile with pyinstrument; the call tree goes here")
    ap.add_argument("--top", type=int, default=30, help="lines of the flat profile to keep")
    ap.add_argument("--languages", help="accepted languages, as `run --languages` (real pages: any)")
    ap.add_argument("--cpu", action="store_true", help="CPU time of this process instead of wall time "
                    "(steadier on a shared machine; waits for the disk are left out)")  # fmt: skip
    args = ap.parse_args(argv)
    settings = load_settings().with_languages(args.languages)
    _timer[0] = TIMERS["cpu" if args.cpu else "wall"]
    clock = Clock()
    t = now()
    counts = run_stages(args.corpus, settings, clock)
    result: dict[str, Any] = {"seconds": dict(clock.seconds), "total": now() - t, "counts": counts}
    if args.profile:
        _, flat, tree = profiled(args.corpus, settings, args.top)
        args.profile.write_text(tree, encoding="utf-8")
        result["profile_flat"] = flat
    args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
