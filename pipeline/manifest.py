"""manifest.json: what a batch did, and the accounting check that nothing was lost.

For every input file, the documents the encoding stage read must equal the documents written
to clean + rejected + quarantine. A mismatch fails the batch (CleanBatch raises), loudly.
Built from plain data (the output folder's layout, the plan, the settings and the run's
fingerprints) and the work files the shards left; no Luigi here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import __version__, jsonl
from pipeline.dedup_tasks import read_summary
from pipeline.fingerprint import Fingerprints, code_digest, library_versions
from pipeline.layout import ROUTES, OutputLayout
from pipeline.plan import Plan
from pipeline.settings import Settings

LIBRARIES = ("luigi", "ftfy", "langdetect", "langdetect-rs", "trafilatura", "orjson")


def build_manifest(
    layout: OutputLayout, plan: Plan, settings: Settings, fingerprints: Fingerprints, started: str | None
) -> dict[str, Any]:
    """The manifest of a finished batch; also removes what an earlier, larger batch left behind."""
    acc = _account(layout, plan, fingerprints)
    timing = _stage_seconds(layout, plan, fingerprints)
    _remove_stale_parts(layout, plan.shards)
    jsonl.sweep_temporaries(layout.root)
    per_file = dict(sorted(acc.per_file.items())) if acc.per_file is not None else None
    return {
        "pipeline": {"version": __version__, "code": code_digest(), "libraries": library_versions(LIBRARIES)},
        "config": {"files": list(settings.sources), "languages": list(settings.language.accept),
                   "fingerprints": fingerprints.as_dict()},
        "plan": {"id": plan.id, "shards": plan.shards, "files": plan.files, "bytes": plan.bytes},
        "started": started,
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "documents": {"in": acc.read, "clean": acc.docs.get("clean", 0), "rejected": acc.docs.get("rejected", 0),
                      "quarantined": acc.docs.get("quarantined", 0)},
        "chars": acc.chars,
        "timing": timing,
        "stages": dict(sorted(acc.totals["actions"].items())),
        "rules": dict(acc.totals["rules"].most_common()),
        "rejection_reasons": dict(acc.totals["reasons"].most_common()),
        "duplicates": read_summary(layout.dedup_summary(plan.id, fingerprints["normalise"])),  # issue 13
        "notes": dict(acc.totals["notes"].most_common()),
        "languages": dict(acc.totals["languages"].most_common()),
        "sites": dict(acc.totals["sites"].most_common()),
        "accounting": {"ok": not acc.problem_count, "files": acc.files, "problems": acc.problems,
                       "per_file": per_file},
    }  # fmt: skip


PER_FILE_LIMIT = 1000  # manifest.json lists each file's outcome up to this many files


@dataclass
class Accounting:
    """What the shards read and wrote, added up shard by shard."""

    totals: dict[str, Counter[str]] = field(
        default_factory=lambda: {k: Counter() for k in ("rules", "actions", "reasons", "notes", "languages", "sites")}
    )
    docs: dict[str, int] = field(default_factory=dict)  # clean / rejected / quarantined
    chars: dict[str, int] = field(default_factory=lambda: {"in": 0, "out": 0})
    read: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)  # the first 100
    problem_count: int = 0
    per_file: dict[str, dict[str, int]] | None = field(default_factory=dict)


def _account(layout: OutputLayout, plan: Plan, fingerprints: Fingerprints) -> Accounting:
    """The accounting check, shard by shard: a file is read and written in one shard, so memory
    holds one shard's files at a time, however many files the batch has."""
    acc = Accounting()
    previous: set[str] = set()  # a file split by byte ranges is read by consecutive shards: count it once
    for i in range(plan.shards):
        shard = jsonl.loads(layout.done(plan.id, i, fingerprints["normalise"]).read_bytes())
        read = jsonl.loads(layout.read_counts(plan.id, i, fingerprints["encoding"]).read_bytes())
        for key, counter in acc.totals.items():
            counter.update(shard.get(key, {}))  # "notes" is missing from shards written before it existed
        acc.chars["in"] += shard["chars_in"]
        acc.chars["out"] += shard["chars_out"]
        outcome: dict[str, dict[str, int]] = shard["outcome"]
        for file in sorted(read.keys() | outcome.keys()):
            counts = outcome.get(file, {})
            _add(acc.docs, counts)
            if read.get(file, 0) != sum(counts.values()):
                acc.problem_count += 1
                if len(acc.problems) < 100:
                    acc.problems.append(f"{file}: read {read.get(file, 0)}, written {sum(counts.values())}")
            if acc.per_file is not None and file in read:
                if file in acc.per_file:  # the next piece of a split file
                    counts = dict(acc.per_file[file])
                    _add(counts, outcome.get(file, {}))
                acc.per_file[file] = counts
        acc.read += sum(read.values())
        acc.files += len(read.keys() - previous)
        previous = set(read)
        if acc.per_file is not None and len(acc.per_file) > PER_FILE_LIMIT:
            acc.per_file = None
    return acc


def _add(total: dict[str, int], counts: dict[str, int]) -> None:
    if not total:
        total.update(counts)
        return
    for key, n in counts.items():
        total[key] = total.get(key, 0) + n


def _stage_seconds(layout: OutputLayout, plan: Plan, fingerprints: Fingerprints) -> dict[str, float]:
    """Seconds spent inside each stage's tasks, summed over shards (from work/timing/)."""
    out: dict[str, float] = {}
    for stage in ("encoding", "chrome", "language", "normalise", "write"):
        for i in range(plan.shards):
            if stage == "write":  # WriteOutputs' own output is its shard's marker under work/done/
                output = layout.done(plan.id, i, fingerprints["normalise"])
            else:
                output = layout.shard_output(stage, plan.id, i, fingerprints[stage])
            seconds = _seconds(layout.timing(output))
            if seconds is not None:
                out[stage] = round(out.get(stage, 0.0) + seconds, 3)
    return out


def _seconds(path: Path) -> float | None:
    """A task's seconds from its timing file; None when missing or unreadable (written without
    fsync, it may be empty after a crash: it is a hint, not an output)."""
    try:
        return float(jsonl.loads(path.read_bytes())["seconds"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _remove_stale_parts(layout: OutputLayout, shards: int) -> None:
    """Part files numbered beyond this plan's shards come from an earlier, larger batch."""
    for folder in ROUTES:
        for path in layout.parts(folder):
            try:
                n = int(path.stem.split("-")[1])
            except (IndexError, ValueError):
                continue
            if n >= shards:
                path.unlink()


def counts_line(out: Path) -> str:
    """A finished batch in one line: documents in, clean, rejected, quarantined (files, shards)."""
    m = jsonl.loads(OutputLayout(out).manifest.read_bytes())
    d = m["documents"]
    return (
        f"{d['in']} documents in, {d['clean']} clean, {d['rejected']} rejected, {d['quarantined']} quarantined "
        f"({m['plan']['files']} files, {m['plan']['shards']} shards)"
    )
