"""Throughput benchmark: the naive loop against the Luigi pipeline, on the same generated pages.

    python bench/run.py [--pages 5000] [--repeat 3] [--profile]   # the table (see bench/README.md)
    python bench/run.py --quick                                   # a few seconds: does it still run?
    python bench/run.py --memory [--big-jsonl]                    # peak memory as the input grows

Every variant runs as its own process and is timed whole (start-up included): the naive loop
(bench/naive.py), the pipeline with one and with two Luigi workers. The per-stage shares come from
the same stage functions run in one process (bench/stage_profile.py).
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import corpus as corpora
import datatrove_env
import measure
import realpages

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PY = sys.executable
MB = 1_000_000
MIB = 1024 * 1024
FINAL = ("clean", "rejected", "quarantine", "audit")


@dataclass
class Variant:
    name: str
    command: Callable[[Path, Path], list[str]]  # (corpus, output) -> argv
    runs: list[measure.Measured] = field(default_factory=list)
    luigi: list[dict[str, Any]] = field(default_factory=list)  # luigi_breakdown of each run

    @property
    def folder(self) -> str:
        return self.name.replace(" ", "").replace(",", "-")

    @property
    def seconds(self) -> float:
        return statistics.median(m.seconds for m in self.runs)


def timings_path(out: Path) -> Path:
    return out.with_name(out.name + ".timings.jsonl")


def pipeline_cmd(workers: int, *extra: str) -> Callable[[Path, Path], list[str]]:
    """`python -m pipeline run ...`, through luigi_timed.py: the same CLI, with each task's time recorded."""

    def cmd(corpus: Path, out: Path) -> list[str]:
        return [PY, str(BENCH / "luigi_timed.py"), str(timings_path(out)), "run", "--input", str(corpus),
                "--output", str(out), "--local-scheduler", "--workers", str(workers), *extra]  # fmt: skip

    return cmd


def datatrove_cmd(python: Path) -> Callable[[Path, Path], list[str]]:
    """datatrove's ftfy-only pipeline (bench/datatrove_ftfy.py), one task, one process, in its own venv."""

    def cmd(corpus: Path, out: Path) -> list[str]:
        return [str(python), str(BENCH / "datatrove_ftfy.py"), "--tasks", "1", "--corpus", str(corpus),
                "--run", str(corpus), str(out)]  # fmt: skip

    return cmd


DATATROVE = "datatrove ftfy-only, 1 task"


def naive_cmd(corpus: Path, out: Path) -> list[str]:
    return [PY, str(BENCH / "naive.py"), "--input", str(corpus), "--output", str(out / "naive.jsonl")]


def measured(cmd: list[str]) -> measure.Measured:
    result = measure.run(cmd, cwd=ROOT)
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {' '.join(cmd)}\n{result.stderr[-3000:]}")
    return result


def fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    timings_path(folder).unlink(missing_ok=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    return folder


def warm(folder: Path) -> None:
    """Read the corpus once so every variant starts from a warm page cache; and compile the
    pipeline's modules to bytecode, as installing a package does. Python writes no bytecode when
    PYTHONDONTWRITEBYTECODE is set (as on the development VM): every run then compiled pipeline/
    again at start-up (0.07 s of CPU, alone), which an installed copy never pays. The rule packs'
    start-up cache (pipeline/rules/cache.py) is filled too, as any earlier run with this code and
    these packs leaves it: only a machine's first run loads the packs (about 0.25 s more)."""
    for p in folder.iterdir() if folder.is_dir() else [folder]:
        p.read_bytes()
    compileall.compile_dir(str(ROOT / "pipeline"), quiet=1)
    subprocess.run([PY, "-c", "from pipeline.tasks import context_for; context_for('', '', '')"], cwd=ROOT, check=True)


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def tree_digest(out: Path) -> str:
    digest = hashlib.sha256()
    for folder in FINAL:
        for p in sorted((out / folder).rglob("*")):
            if p.is_file():
                digest.update(str(p.relative_to(out)).encode() + p.read_bytes())
    return digest.hexdigest()[:16]


# The throughput table ----------------------------------------------------------------------------


def stage_run(corpus: Path, out: Path, profile: bool) -> dict[str, Any]:
    cmd = [PY, str(BENCH / "stage_profile.py"), "--corpus", str(corpus), "--json", str(out / "stages.json")]
    if profile:
        cmd += ["--profile", str(out / "profile.txt")]
    out.mkdir(parents=True, exist_ok=True)
    measured(cmd)
    result: dict[str, Any] = json.loads((out / "stages.json").read_text())
    return result


def throughput(args: argparse.Namespace) -> int:
    pages = 40 if args.quick else args.pages
    repeat = 1 if args.quick else args.repeat
    built = corpora.build_txt(pages, args.seed, out=args.out)
    runs = args.out / ("quick" if args.quick else "runs")
    one, two = Variant("pipeline, 1 worker", pipeline_cmd(1)), Variant("pipeline, 2 workers", pipeline_cmd(2))
    variants = [Variant("naive loop", naive_cmd), *datatrove_variant(args), one, two]
    stages: list[dict[str, Any]] = []
    warm(built.path)
    for r in range(repeat):
        compare(variants, built, runs, r, repeat)
        stages.append(stage_run(built.path, fresh(runs / "stages"), False))
    profile = stage_run(built.path, fresh(runs / "profile"), True) if args.profile and not args.quick else None
    same = tree_digest(runs / one.folder) == tree_digest(runs / two.folder)
    manifest = json.loads((runs / one.folder / "manifest.json").read_text())
    print_table(built, variants, stages, same, manifest["documents"], repeat)
    if profile:
        print_profile(profile, runs / "profile" / "profile.txt")
    for label, extra, naive, flags in extra_corpora(args):
        print(f"\n{label}: {extra.files:,} documents, {extra.bytes / MB:.1f} MB, {shown(extra.path)}", flush=True)
        others = [Variant("naive loop", naive_cmd), *datatrove_variant(args)] if naive else []
        print("\n".join(extra_table(extra, others, flags, runs / label.split()[0].lower(), repeat)), flush=True)
    return 0


def datatrove_variant(args: argparse.Namespace) -> list[Variant]:
    """With --datatrove: datatrove's ftfy-only pipeline in its own venv (made once under --out)."""
    if not args.datatrove or args.quick:
        return []
    return [Variant(DATATROVE, datatrove_cmd(datatrove_env.datatrove_python(args.out)))]


def per_core_line(variants: list[Variant], one: Variant) -> list[str]:
    """Ours (every stage) against datatrove's ftfy-only pipeline, one process each: one core."""
    return [f"pipeline 1 worker / {v.name} = {v.seconds / one.seconds:.2f}x per core (best runs "
            f"{best(v) / best(one):.2f}x); datatrove repairs encoding only, ours runs every stage"
            for v in variants if v.name == DATATROVE]  # fmt: skip


def compare(variants: list[Variant], built: corpora.Corpus, runs: Path, r: int, repeat: int) -> None:
    """One run of each variant, in turn (runs of variants interleave, so load hits them alike)."""
    for v in variants:
        out = fresh(runs / v.folder)
        v.runs.append(measured(v.command(built.path, out)))
        if timings_path(out).exists():
            v.luigi.append(luigi_breakdown(timings_path(out), v.runs[-1].seconds))
        print(f"  run {r + 1}/{repeat}: {v.name}: {v.runs[-1].seconds:.2f} s", file=sys.stderr, flush=True)


def extra_corpora(args: argparse.Namespace) -> list[tuple[str, corpora.Corpus, bool, tuple[str, ...]]]:
    """(label, corpus, with the naive loop, pipeline flags): real pages, one large JSONL file."""
    out = []
    if args.real and not args.quick:
        built = realpages.build_real(args.out)
        if built is None:
            print(f"real pages: {realpages.SOURCE} not found, skipped", file=sys.stderr)
        else:  # mostly English pages: every language accepted, so every page goes through every stage
            out.append(("Real pages as whole-page text (--languages any)", built, True, ("--languages", "any")))
    if args.jsonl_records and not args.quick:
        built = corpora.build_jsonl_records(args.jsonl_records, args.seed, args.out)
        out.append((f"One JSONL file of {args.jsonl_records:,} records", built, False, ()))
    return out


def extra_table(built: corpora.Corpus, others: list[Variant], flags: tuple[str, ...], runs: Path,
                repeat: int) -> list[str]:  # fmt: skip
    variants = list(others)
    variants += [Variant("pipeline, 1 worker", pipeline_cmd(1, *flags)),
                 Variant("pipeline, 2 workers", pipeline_cmd(2, *flags))]  # fmt: skip
    warm(built.path)
    for r in range(repeat):
        compare(variants, built, runs, r, repeat)
    *first, one, two = variants
    same = tree_digest(runs / one.folder) == tree_digest(runs / two.folder)
    manifest = json.loads((runs / one.folder / "manifest.json").read_text())
    lines = [*render(variant_rows(built, variants)), ""]
    if first:
        lines.append(f"pipeline 1 worker / naive = {first[0].seconds / one.seconds:.2f}x (best runs "
                     f"{best(first[0]) / best(one):.2f}x)")  # fmt: skip
        lines += per_core_line(first, one)
    lines += [
        f"2 workers / 1 worker = {one.seconds / two.seconds:.2f}x (best runs {best(one) / best(two):.2f}x); "
        f"{manifest['plan']['shards']} shards; 1 and 2 workers byte-identical: {'yes' if same else 'NO'}",
        *serial_lines(one, two),
    ]
    if two.luigi:
        busy = statistics.median(b["in_tasks"] for b in two.luigi)
        lines.append(f"2 workers: {busy:.2f} s inside tasks in {two.seconds:.2f} s of wall time "
                     f"(on average {busy / two.seconds:.2f} tasks running)")  # fmt: skip
    return lines


def serial_lines(one: Variant, two: Variant) -> list[str]:
    """What runs alone (no second worker can help): the plan, start-up, LearnBoilerplate, FindDuplicates,
    CleanBatch, exit."""
    if not one.luigi or not two.luigi:
        return []
    lines = []
    for v in (one, two):
        parts = {
            "plan": statistics.median(b["plan"] for b in v.luigi),
            "other start-up": statistics.median(b["startup"] - b["plan"] for b in v.luigi),
            "LearnBoilerplate": statistics.median(b["families"].get("LearnBoilerplate", 0.0) for b in v.luigi),
            "FindDuplicates": statistics.median(b["families"].get("FindDuplicates", 0.0) for b in v.luigi),
            "CleanBatch": statistics.median(b["families"].get("CleanBatch", 0.0) for b in v.luigi),
            "exit": statistics.median(b["after"] for b in v.luigi),
        }
        total = sum(parts.values())
        shown_parts = ", ".join(f"{k} {s:.2f}" for k, s in parts.items())
        lines.append(f"{v.name}: runs alone {total:.2f} s = {100 * total / v.seconds:.1f}% of its wall ({shown_parts})")
    lines += [line for v in (one, two) if (line := serial_cpu_line(v))]
    return lines


def serial_cpu_line(v: Variant) -> str:
    """What runs alone in CPU seconds, against the CPU seconds of the whole process tree."""
    cpus = [b["cpu"] for b in v.luigi if b.get("cpu")]
    tree = [m.cpu for m in v.runs if m.cpu]
    if not cpus or not tree:
        return ""
    parts = {
        "start-up and plan": statistics.median(c["startup"] for c in cpus),
        "LearnBoilerplate": statistics.median(c.get("LearnBoilerplate", 0.0) for c in cpus),
        "FindDuplicates": statistics.median(c.get("FindDuplicates", 0.0) for c in cpus),
        "CleanBatch": statistics.median(c.get("CleanBatch", 0.0) for c in cpus),
        "after the build": statistics.median(c["after"] for c in cpus),
    }
    total, cpu = sum(parts.values()), statistics.median(tree)
    shown_parts = ", ".join(f"{k} {s:.2f}" for k, s in parts.items())
    share = 100 * total / cpu
    line = f"{v.name}, CPU time: runs alone {total:.2f} s = {share:.1f}% of the tree's {cpu:.2f} s ({shown_parts})"
    ratios = [s[1] / s[2] for b in v.luigi if (s := b.get("scheduled")) and s.get(1) and s.get(2)]
    if ratios:  # a busy machine does not distort this one either
        line += (f"; its tasks' CPU times scheduled on 2 workers (no Luigi overhead, no contention): "
                 f"{statistics.median(ratios):.2f}x one worker")  # fmt: skip
    return line


def header(built: corpora.Corpus, repeat: int) -> list[str]:
    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    return [
        f"webclean benchmark: {built.files:,} pages, {built.bytes / MB:.1f} MB, {built.damaged:,} damaged "
        f"({100 * built.damaged / max(built.files, 1):.0f}%), corpus {shown(built.path)}",
        f"machine: {cores} cores ({usable} usable), Python {platform.python_version()}, "
        f"code {code_version()}; median of {repeat} run(s), whole processes, pipeline/ compiled to bytecode first",
    ]


def code_version() -> str:
    def git(*a: str) -> str:
        done = subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    diff = git("diff", "HEAD", "--", "pipeline", "configs")
    return f"{head}+dirty-{hashlib.sha256(diff.encode()).hexdigest()[:8]}" if diff else head


def variant_rows(built: corpora.Corpus, variants: list[Variant]) -> list[list[str]]:
    rows = [["variant", "wall s", "best s", "pages/s", "MB/s", "ms/page", "peak RSS tree", "max 1 process"]]
    for v in variants:
        s, fastest = v.seconds, best(v)
        rows.append([v.name, f"{s:.2f}", f"{fastest:.2f}", f"{built.files / s:,.0f}", f"{built.bytes / MB / s:.2f}",
                     f"{1000 * s / built.files:.2f}", f"{max(m.rss_tree for m in v.runs) / MIB:.0f} MiB",
                     f"{max(m.rss_max for m in v.runs) / MIB:.0f} MiB"])  # fmt: skip
    return rows


def stage_rows(built: corpora.Corpus, stages: list[dict[str, Any]]) -> tuple[list[list[str]], float]:
    names = [n for n in stage_order() if any(n in s["seconds"] for s in stages)]
    seconds = {n: statistics.median(s["seconds"].get(n, 0.0) for s in stages) for n in names}
    total = sum(seconds.values()) or 1e-9
    rows = [["stage (in-process)", "s", "share", "µs/page"]]
    for n in names:
        rows.append(
            [n, f"{seconds[n]:.2f}", f"{100 * seconds[n] / total:.1f}%", f"{1e6 * seconds[n] / built.files:,.0f}"]
        )
    rows.append(["total", f"{total:.2f}", "100%", f"{1e6 * total / built.files:,.0f}"])
    return rows, total


def stage_order() -> tuple[str, ...]:
    return ("setup", "read", "encoding", "learn", "chrome", "language", "normalise", "sign", "serde", "write")


FAMILIES = ("RepairEncoding", "LearnBoilerplate", "RemoveChrome", "CheckLanguage", "NormaliseParagraphs",
            "WriteOutputs", "CleanBatch")  # fmt: skip


def best(v: Variant) -> float:
    return min(m.seconds for m in v.runs)


def luigi_rows(v: Variant) -> list[list[str]]:
    """Where the wall time of a pipeline run goes: each task family, Luigi itself, start-up, exit."""
    wall = v.seconds
    parts = [(f, "families", f) for f in FAMILIES] + [
        ("Luigi outside run(): scheduling, forks, complete()", "luigi", None),
        ("start-up: imports, rule packs, plan", "startup", None),
        ("interpreter start and exit", "after", None),
    ]
    rows = [[f"{v.name}: where the wall time goes", "tasks", "s", "share of wall"]]
    for label, key, family in parts:
        values = [b[key].get(family, 0.0) if family else b[key] for b in v.luigi]
        seconds = statistics.median(values)
        tasks = str(max(b["count"].get(family, 0) for b in v.luigi)) if family else ""
        rows.append([label, tasks, f"{seconds:.2f}", f"{100 * seconds / wall:.1f}%"])
    rows.append(["wall", str(max(b["tasks"] for b in v.luigi)), f"{wall:.2f}", "100%"])
    return rows


def print_table(built: corpora.Corpus, variants: list[Variant], stages: list[dict[str, Any]], same: bool,
                docs: dict[str, int], repeat: int) -> None:  # fmt: skip
    naive, *_, one, two = variants
    lines = [*header(built, repeat), "", *render(variant_rows(built, variants)), ""]
    lines += [
        f"ratios (throughput): pipeline 1 worker / naive = {naive.seconds / one.seconds:.2f}x; "
        f"2 workers / 1 worker = {one.seconds / two.seconds:.2f}x (on {os.cpu_count()} cores); best runs: "
        f"{best(naive) / best(one):.2f}x, {best(one) / best(two):.2f}x",
        *per_core_line(variants, one),
        f"pipeline output: {docs['clean']:,} clean, {docs['rejected']:,} rejected, {docs['quarantined']:,} "
        f"quarantined; 1 and 2 workers byte-identical: {'yes' if same else 'NO'}",
        "",
    ]
    if one.luigi:
        lines += [*render(luigi_rows(one)), ""]
    lines += [*serial_lines(one, two), ""]
    if two.luigi:
        busy = statistics.median(b["in_tasks"] for b in two.luigi)
        lines += [f"2 workers: {busy:.2f} s inside tasks in {two.seconds:.2f} s of wall time "
                  f"(on average {busy / two.seconds:.2f} tasks running)", ""]  # fmt: skip
    rows, total = stage_rows(built, stages)
    lines += render(rows)
    lines += [
        f"in-process stages: {built.files / total:,.0f} pages/s",
        "serde = work-file round trip between tasks (to_line, from_line); "
        "write = outputs and audit logs, atomic with fsync",
    ]
    print("\n".join(lines), flush=True)


def render(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for n, row in enumerate(rows):
        cells = [c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def print_profile(profile: dict[str, Any], tree: Path) -> None:
    print(f"\npyinstrument, stage functions in-process (flat, self time; call tree in {shown(tree)}):")
    print(profile["profile_flat"])


# Memory scaling ----------------------------------------------------------------------------------


def luigi_breakdown(timings: Path, wall: float) -> dict[str, Any]:
    """Task count and seconds per family, Luigi's own time, start-up and exit, from luigi_timed.py's records."""
    events = [json.loads(line) for line in timings.read_text().splitlines() if line.strip()]
    tasks = [e for e in events if e["event"] == "task"]
    start = next(e for e in events if e["event"] == "build-start")
    end = next(e for e in events if e["event"] == "build-end")
    in_tasks = sum(e["seconds"] for e in tasks)
    families: dict[str, float] = {}
    count: dict[str, int] = {}
    for e in tasks:
        families[e["family"]] = families.get(e["family"], 0.0) + e["seconds"]
        count[e["family"]] = count.get(e["family"], 0) + 1
    startup = start["time"] - start["process-start"]
    plan = sum(e["seconds"] for e in events if e["event"] == "plan")
    build = end["time"] - start["time"]
    return {"tasks": len(tasks), "in_tasks": in_tasks, "luigi": build - in_tasks, "startup": startup, "plan": plan,
            "after": wall - startup - build, "families": families, "count": count,
            "cpu": cpu_breakdown(events), "scheduled": {w: scheduled(events, w) for w in (1, 2)}}  # fmt: skip


# Each task family's dependencies within a batch: "shard" on the same shard, "all" on every shard.
DEPENDS = {
    "LearnBoilerplate": (("RepairEncoding", "all"),),
    "RemoveChrome": (("RepairEncoding", "shard"), ("LearnBoilerplate", "all")),
    "CheckLanguage": (("RemoveChrome", "shard"),),
    "NormaliseParagraphs": (("CheckLanguage", "shard"),),
    "FindDuplicates": (("NormaliseParagraphs", "all"),),
    "WriteOutputs": (("NormaliseParagraphs", "shard"), ("FindDuplicates", "all")),
    "CleanBatch": (("WriteOutputs", "all"),),
}


def scheduled(events: list[dict[str, Any]], workers: int) -> float | None:
    """CPU seconds from start to exit if the run's tasks, with the CPU times they took, were run by
    `workers` processes with nothing else on the machine: start-up, then each free worker takes
    the first task whose dependencies are done (in the order of the stages, then shards), then the
    exit. No Luigi overhead and no contention between workers: an upper bound for the speed-up."""
    cpu = cpu_breakdown(events)
    order = ("RepairEncoding", *DEPENDS)
    tasks = [e for e in events if e["event"] == "task" and e.get("cpu") is not None]
    sharded = [e for e in tasks if e["family"] not in ("LearnBoilerplate", "FindDuplicates", "CleanBatch")]
    if (
        not cpu
        or not tasks
        or any(e["family"] not in order for e in tasks)
        or any(e.get("shard") is None for e in sharded)
    ):
        return None
    tasks.sort(key=lambda e: (order.index(e["family"]), e.get("shard") or 0))
    needs = [
        [j for j, d in enumerate(tasks) for family, scope in DEPENDS.get(e["family"], ())
         if d["family"] == family and (scope == "all" or d.get("shard") == e.get("shard"))]
        for e in tasks
    ]  # fmt: skip
    finish: dict[int, float] = {}
    free = [0.0] * workers
    while len(finish) < len(tasks):
        w = min(range(workers), key=lambda k: free[k])
        ready = [(max([free[w], *(finish[j] for j in needs[i])]), i) for i in range(len(tasks))
                 if i not in finish and all(j in finish for j in needs[i])]  # fmt: skip
        start, i = min(ready)
        free[w] = finish[i] = start + tasks[i]["cpu"]
    return cpu["startup"] + max(free) + cpu["after"]


def cpu_breakdown(events: list[dict[str, Any]]) -> dict[str, float]:
    """The serial parts in CPU seconds (steadier than wall time on a shared machine): the CLI process's
    start-up (interpreter start before luigi_timed.py's first line aside) and plan, its work after
    `luigi.build` (interpreter exit aside), and the task families' CPU time."""
    found = {e["event"]: e for e in events if e["event"] in ("build-start", "build-end", "exit")}
    if any("cpu" not in e for e in found.values()) or len(found) < 3:
        return {}
    out = {"plan": sum(e.get("cpu") or 0.0 for e in events if e["event"] == "plan")}
    out["startup"] = found["build-start"]["cpu"]
    out["after"] = found["exit"]["cpu"] - found["build-end"]["cpu"]
    for e in events:
        if e["event"] == "task" and e.get("cpu") is not None:
            out[e["family"]] = out.get(e["family"], 0.0) + e["cpu"]
    return out


def memory_case(label: str, built: corpora.Corpus, out: Path) -> tuple[list[str], dict[str, Any]]:
    out = fresh(out)
    timings = out.with_name(out.name + ".timings.jsonl")
    timings.unlink(missing_ok=True)
    cmd = [PY, str(BENCH / "luigi_timed.py"), str(timings), "run", "--input", str(built.path), "--output", str(out),
           "--local-scheduler", "--workers", "1"]  # fmt: skip
    m = measured(cmd)
    b = luigi_breakdown(timings, m.seconds)
    print(f"  {label}: {m.seconds:.1f} s", file=sys.stderr, flush=True)
    share = 100 * b["luigi"] / m.seconds
    row = [
        label,
        f"{built.files:,}",
        f"{built.bytes / MB:,.0f}",
        f"{m.seconds:.1f}",
        f"{built.files / m.seconds:,.0f}",
        f"{m.rss_tree / MIB:.0f} MiB",
        f"{m.rss_max / MIB:.0f} MiB",
        f"{b['tasks']:.0f}",
        f"{b['in_tasks']:.1f}",
        f"{b['luigi']:.1f} ({share:.0f}%)",
        f"{b['startup']:.1f}",
    ]
    return row, b


def memory(args: argparse.Namespace) -> int:
    sizes = [int(n) for n in args.memory_files.split(",") if n]
    cases = [(f"{n:,} small files", corpora.build_txt(n, args.seed, 2, args.out)) for n in sizes]
    mb = 1000 if args.big_jsonl else args.jsonl_mb
    if mb:
        cases.append((f"one JSONL, {mb} MB", corpora.build_jsonl(mb, args.seed, args.out)))
    rows = [["input", "docs", "MB", "wall s", "docs/s", "peak RSS tree", "max 1 process", "Luigi tasks",
             "in tasks s", "Luigi s (share)", "start-up s"]]  # fmt: skip
    families = []
    for label, built in cases:
        row, b = memory_case(label, built, args.out / "memory" / label.split(",")[0].replace(" ", "-"))
        rows.append(row)
        tasks = ", ".join(f"{f} {b['families'][f]:.1f}" for f in FAMILIES if f in b["families"])
        families.append(f"{label}, seconds inside tasks: {tasks}")
    lines = [
        f"memory scaling: pipeline, 1 worker, local scheduler; {os.cpu_count()} cores; code {code_version()}",
        "",
        *render(rows),
        "",
        *families,
        "",
        "in tasks = sum of Luigi's PROCESSING_TIME over tasks (inside run()); Luigi = luigi.build time outside "
        "run() (scheduling, complete() checks, forks); start-up = imports, rule packs, plan",
    ]
    print("\n".join(lines), flush=True)
    return 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=5000, help="pages in the corpus (default 5000)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per variant; the table shows medians (default 3)")
    ap.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    ap.add_argument("--out", type=Path, default=corpora.OUT, help="corpora and run outputs (default bench/out)")
    ap.add_argument("--quick", action="store_true", help="40 pages, one run: checks that it runs, not its figures")
    ap.add_argument("--profile", action="store_true", help="also profile the stages with pyinstrument")
    ap.add_argument("--memory", action="store_true", help="memory scaling instead of the throughput table")
    ap.add_argument("--memory-files", default="10000,100000", help="small-file corpus sizes for --memory")
    ap.add_argument("--jsonl-mb", type=int, default=200, help="size of the one-JSONL case of --memory (0: none)")
    ap.add_argument("--big-jsonl", action="store_true", help="--memory with a ~1 GB JSONL instead")
    ap.add_argument("--real", action="store_true", help="also the real pages as whole-page text (bench/realpages.py)")
    ap.add_argument("--jsonl-records", type=int, default=0, help="also one JSONL file of N records (0: none)")
    ap.add_argument("--datatrove", action="store_true",
                    help="also datatrove's ftfy-only pipeline, 1 task, beside the naive loop (its venv is made "
                         "under --out on first use: pip install datatrove)")  # fmt: skip
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return memory(args) if args.memory else throughput(args)


if __name__ == "__main__":
    sys.exit(main())
