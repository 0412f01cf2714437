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
ID_START = b'{"id":"'  # how a record written by the pipeline starts
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


def find_records(path: Path, ids: Collection[str], as_text: bool = False) -> Iterator[dict[str, Any]]:
    """The records of `path` whose `id` (`as_text`: as a string) is one of `ids`, in file order. A
    line that starts with its id written without escapes (as the pipeline's files do: `{"id":"…",`)
    is judged by those bytes alone; any other line is parsed (ids of any length or spelling)."""
    wanted = {i.encode("utf-8", "surrogatepass") for i in ids if isinstance(i, str)}
    with open(path, "rb") as f:
        for line in f:
            if line.startswith(ID_START):
                end = line.find(b'"', len(ID_START))
                if end > 0 and b"\\" not in line[len(ID_START) : end] and line[len(ID_START) : end] not in wanted:
                    continue  # its id, read from the bytes, is none of those asked for
            if line.strip():  # a work file's line ends its JSON object with a tab (pipeline/document.py)
                record = jsonl.loads(line.partition(b"\t")[0])
                if (str(record.get("id")) if as_text else record.get("id")) in ids:
                    yield record


def audit_logs(root: Path) -> Iterator[tuple[str, str]]:
    """Every audit log in a stable order: its path, and its path relative to `root` ("audit/…")."""
    folder = OutputLayout(root).audit
    for path in walk_sorted(folder, AUDIT_SUFFIX):
        yield path, audit_rel(folder, path)  # no Path objects: there may be millions


def audit_rel(folder: Path, path: str) -> str:
    """An audit log's path relative to the output folder ("audit/…"), from its path under `folder` (audit/)."""
    return folder.name + path[len(str(folder)) :].replace(os.sep, "/")


def audit_scans(root: Path, manifest: dict[str, Any]) -> list[Path]:
    """Each shard's scan of the audit logs it wrote (pipeline/report/partial.py), whether there or not."""
    fp = str(manifest.get("config", {}).get("fingerprints", {}).get("normalise"))
    layout = OutputLayout(root)
    return [layout.audit_scan(_plan(manifest), shard, fp) for shard in range(_shards(manifest))]


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
