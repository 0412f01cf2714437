"""What the report reads of an output folder: the files `pipeline/layout.py` names, read as parsed
JSON records (nothing here looks inside a record's bytes). The run's plan and fingerprints come from
its manifest.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

from pipeline import jsonl
from pipeline.layout import AUDIT_SUFFIX, CLEAN, QUARANTINE, REJECTED, OutputLayout
from pipeline.plan import Plan

BATCH_BYTES = 1 << 20  # JSON lines parsed at once
# Output folders and the outcome their records count as.
OUTCOMES = ((CLEAN, "clean"), (REJECTED, "rejected"), (QUARANTINE, "quarantined"))


def manifest_path(root: Path) -> Path:
    return OutputLayout(root).manifest


def report_path(root: Path) -> Path:
    return OutputLayout(root).report


def read_records(path: str | Path) -> Iterator[dict[str, Any]]:
    """A JSON-lines file's records, parsed about a megabyte of lines at a time: one orjson call per batch is
    cheaper than one per line, and memory stays bounded whatever the file's size."""
    with open(path, "rb") as f:
        while lines := f.readlines(BATCH_BYTES):
            yield from jsonl.loads(b"[" + b",".join([line for line in lines if line.strip()]) + b"]")


def find_records(path: Path, ids: Collection[str]) -> Iterator[dict[str, Any]]:
    """The records of `path` whose `id` is one of `ids`, in file order (each record parsed: ids of any
    length or spelling)."""
    for record in read_records(path):
        if record.get("id") in ids:
            yield record


def audit_logs(root: Path) -> Iterator[tuple[str, str]]:
    """Every audit log in a stable order: its path, and its path relative to `root` ("audit/…")."""
    folder = OutputLayout(root).audit
    start, prefix = len(str(folder)), folder.relative_to(root).as_posix()
    for path in walk_sorted(folder, AUDIT_SUFFIX):
        yield path, prefix + path[start:].replace(os.sep, "/")  # no Path objects: there may be millions


def audit_log(root: Path, source: str) -> str:
    """The audit log of input file `source`, relative to `root`."""
    return OutputLayout(root).audit_log(source).relative_to(root).as_posix()


def walk_sorted(folder: Path, suffix: str) -> Iterator[str]:
    """Files under `folder` ending with `suffix`, in a stable order, streamed (no full listing kept)."""
    for top, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(suffix) and not name.startswith("."):
                yield os.path.join(top, name)


def part_files(root: Path, manifest: dict[str, Any]) -> Iterator[tuple[str, int, Path]]:
    """Each output part of the run's shards: the outcome its records count as, its shard, its path."""
    layout = OutputLayout(root)
    for route, outcome in OUTCOMES:
        for shard in range(_shards(manifest)):
            path = layout.part(route, shard)
            if path.exists():
                yield outcome, shard, path


def encoding_file(root: Path, manifest: dict[str, Any], shard: int) -> Path:
    """A shard's records after the encoding stage (its repaired input lines), if still there."""
    fp = str(manifest.get("config", {}).get("fingerprints", {}).get("encoding"))
    return OutputLayout(root).shard_output("encoding", _plan(manifest), shard, fp)


def shard_plan_file(root: Path, manifest: dict[str, Any], shard: int) -> Path:
    """The input files of a shard, one record each, if the plan is still there."""
    plan = _plan(manifest)
    return Plan(plan, OutputLayout(root).plan_dir(plan), _shards(manifest), 0, 0).shard_path(shard)


def _plan(manifest: dict[str, Any]) -> str:
    return str(manifest.get("plan", {}).get("id"))


def _shards(manifest: dict[str, Any]) -> int:
    return int(manifest.get("plan", {}).get("shards") or 0)
