"""What the report reads of an output folder, and where it lies: the package's only path knowledge.

Every file is read as a stream of parsed JSON records; nothing here looks inside a record's bytes.
The run's plan id and fingerprints come from its manifest.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

from pipeline import jsonl
from pipeline.outputs import audit_path

BATCH_BYTES = 1 << 20  # JSON lines parsed at once
# Output folders and the outcome their records count as.
OUTCOMES = (("clean", "clean"), ("rejected", "rejected"), ("quarantine", "quarantined"))


def manifest_path(root: Path) -> Path:
    return root / "manifest.json"


def report_path(root: Path) -> Path:
    return root / "report.html"


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
    folder = root / "audit"
    start = len(str(folder))
    for path in walk_sorted(folder, ".audit.jsonl"):
        yield path, "audit" + path[start:].replace(os.sep, "/")  # no Path objects: there may be millions


def audit_log(root: Path, source: str) -> str:
    """The audit log of input file `source`, relative to `root`."""
    return audit_path(root / "audit", source).relative_to(root).as_posix()


def walk_sorted(folder: Path, suffix: str) -> Iterator[str]:
    """Files under `folder` ending with `suffix`, in a stable order, streamed (no full listing kept)."""
    for top, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(suffix) and not name.startswith("."):
                yield os.path.join(top, name)


def part_files(root: Path) -> Iterator[tuple[str, int | None, Path]]:
    """Each output part: the outcome its records count as, its shard number (None if unnamed), its path."""
    for folder, outcome in OUTCOMES:
        for path in sorted((root / folder).glob("part-*.jsonl")):
            yield outcome, part_number(path), path


def part_number(path: Path) -> int | None:
    try:
        return int(path.stem.split("-")[1])
    except (IndexError, ValueError):
        return None


def encoding_file(root: Path, manifest: dict[str, Any], shard: int) -> Path:
    """A shard's records after the encoding stage (its repaired input lines), if still there."""
    fp = manifest.get("config", {}).get("fingerprints", {}).get("encoding")
    return root / "work" / "encoding" / f"{_plan(manifest)}-{shard:05d}-{fp}.jsonl"


def shard_plan_file(root: Path, manifest: dict[str, Any], shard: int) -> Path:
    """The input files of a shard, one record each, if the plan is still there."""
    return root / "work" / "plans" / _plan(manifest) / f"shard-{shard:05d}.jsonl"


def _plan(manifest: dict[str, Any]) -> str:
    return str(manifest.get("plan", {}).get("id"))
