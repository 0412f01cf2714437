"""manifest.json: what a batch did, and the accounting check that nothing was lost.

For every input file, the documents the encoding stage read must equal the documents written
to clean + rejected + quarantine. A mismatch fails the batch (CleanBatch raises), loudly.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import __version__, jsonl
from pipeline.settings import STAGES

if TYPE_CHECKING:
    from pipeline.tasks import CleanBatch

LIBRARIES = ("luigi", "ftfy", "langdetect", "langdetect-rs", "trafilatura", "orjson")


def library_versions() -> dict[str, str]:
    out = {}
    for name in LIBRARIES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def build_manifest(task: CleanBatch) -> dict[str, Any]:
    plan = task.plan_info
    settings = task.settings
    totals, outcome, chars = _written(task)
    read = _read(task, plan.shards)
    written = {file: sum(counts.values()) for file, counts in outcome.items()}
    problems = [
        f"{file}: read {read.get(file, 0)}, written {written.get(file, 0)}"
        for file in sorted(read.keys() | written.keys())
        if read.get(file, 0) != written.get(file, 0)
    ]
    timing = _stage_seconds(task, plan.shards)
    docs: dict[str, int] = {}
    for counts in outcome.values():
        _add(docs, counts)
    root = Path(task.output_dir)
    _remove_stale_parts(root, plan.shards)
    jsonl.sweep_temporaries(root)
    return {
        "pipeline": {"version": __version__, "libraries": library_versions()},
        "config": {"files": list(settings.sources), "languages": list(settings.language.accept),
                   "fingerprints": {s: settings.fingerprint(s) for s in STAGES}},
        "plan": {"id": plan.id, "shards": plan.shards, "files": plan.files, "bytes": plan.bytes},
        "started": task.started or None,
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "documents": {"in": sum(read.values()), "clean": docs.get("clean", 0), "rejected": docs.get("rejected", 0),
                      "quarantined": docs.get("quarantined", 0)},
        "chars": chars,
        "timing": timing,
        "stages": dict(sorted(totals["actions"].items())),
        "rules": dict(totals["rules"].most_common()),
        "rejection_reasons": dict(totals["reasons"].most_common()),
        "notes": dict(totals["notes"].most_common()),
        "languages": dict(totals["languages"].most_common()),
        "sites": dict(totals["sites"].most_common()),
        "accounting": {"ok": not problems, "files": len(read), "problems": problems[:100],
                       "per_file": {f: outcome.get(f, {}) for f in sorted(read)} if len(read) <= 1000 else None},
    }  # fmt: skip


def _written(task: CleanBatch) -> tuple[dict[str, Counter[str]], dict[str, dict[str, int]], dict[str, int]]:
    """From the shards' stats: totals per key, documents per input file and outcome, characters in and out."""
    keys = ("rules", "actions", "reasons", "notes", "languages", "sites")
    totals: dict[str, Counter[str]] = {k: Counter() for k in keys}
    outcome: dict[str, dict[str, int]] = {}
    chars = {"in": 0, "out": 0}
    for target in task.input():
        shard = jsonl.loads(Path(target.path).read_bytes())
        for key, counter in totals.items():
            counter.update(shard.get(key, {}))  # "notes" is missing from shards written before it existed
        for file, counts in shard["outcome"].items():  # a file is in one shard: no per-file Counter needed
            if file in outcome:
                _add(outcome[file], counts)
            else:
                outcome[file] = counts
        chars["in"] += shard["chars_in"]
        chars["out"] += shard["chars_out"]
    return totals, outcome, chars


def _read(task: CleanBatch, shards: int) -> dict[str, int]:
    """Documents the encoding stage read, per input file."""
    from pipeline.tasks import RepairEncoding

    read: dict[str, int] = {}
    for i in range(shards):
        _add(read, jsonl.loads(Path(task.clone(RepairEncoding, shard=i).counts_path()).read_bytes()))
    return read


def _add(total: dict[str, int], counts: dict[str, int]) -> None:
    if not total:
        total.update(counts)
        return
    for key, n in counts.items():
        total[key] = total.get(key, 0) + n


def _stage_seconds(task: CleanBatch, shards: int) -> dict[str, float]:
    """Seconds spent inside each stage's tasks, summed over shards (from work/timing/)."""
    from pipeline.tasks import (
        CheckLanguage,
        NormaliseParagraphs,
        RemoveChrome,
        RepairEncoding,
        WriteOutputs,
        timing_path,
    )

    out: dict[str, float] = {}
    for cls in (RepairEncoding, RemoveChrome, CheckLanguage, NormaliseParagraphs, WriteOutputs):
        for i in range(shards):
            path = timing_path(task.clone(cls, shard=i))
            if path.exists():
                out[cls.stage] = round(out.get(cls.stage, 0.0) + jsonl.loads(path.read_bytes())["seconds"], 3)
    return out


def _remove_stale_parts(root: Path, shards: int) -> None:
    """Part files numbered beyond this plan's shards come from an earlier, larger batch."""
    for folder in ("clean", "rejected", "quarantine"):
        for path in sorted((root / folder).glob("part-*.jsonl")):
            try:
                n = int(path.stem.split("-")[1])
            except (IndexError, ValueError):
                continue
            if n >= shards:
                path.unlink()
