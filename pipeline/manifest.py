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
    from pipeline.tasks import RepairEncoding

    plan = task.plan_info
    settings = task.settings
    keys = ("rules", "actions", "reasons", "notes", "languages", "sites")
    totals: dict[str, Counter[str]] = {k: Counter() for k in keys}
    outcome: dict[str, Counter[str]] = {}
    chars_in = chars_out = 0
    for target in task.input():
        shard = jsonl.loads(Path(target.path).read_bytes())
        for key, counter in totals.items():
            counter.update(shard.get(key, {}))  # "notes" is missing from shards written before it existed
        for file, counts in shard["outcome"].items():
            outcome.setdefault(file, Counter()).update(counts)
        chars_in += shard["chars_in"]
        chars_out += shard["chars_out"]
    read: Counter[str] = Counter()
    for i in range(plan.shards):
        read.update(jsonl.loads(Path(task.clone(RepairEncoding, shard=i).counts_path()).read_bytes()))
    problems = [
        f"{file}: read {read[file]}, written {sum(outcome.get(file, Counter()).values())}"
        for file in sorted(set(read) | set(outcome))
        if read[file] != sum(outcome.get(file, Counter()).values())
    ]
    timing = _stage_seconds(task, plan.shards)
    docs: Counter[str] = Counter()
    for counts in outcome.values():
        docs.update(counts)
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
        "documents": {"in": sum(read.values()), "clean": docs["clean"], "rejected": docs["rejected"],
                      "quarantined": docs["quarantined"]},
        "chars": {"in": chars_in, "out": chars_out},
        "timing": timing,
        "stages": dict(sorted(totals["actions"].items())),
        "rules": dict(totals["rules"].most_common()),
        "rejection_reasons": dict(totals["reasons"].most_common()),
        "notes": dict(totals["notes"].most_common()),
        "languages": dict(totals["languages"].most_common()),
        "sites": dict(totals["sites"].most_common()),
        "accounting": {"ok": not problems, "files": len(read), "problems": problems[:100],
                       "per_file": {f: dict(outcome.get(f, {})) for f in sorted(read)} if len(read) <= 1000 else None},
    }  # fmt: skip


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
