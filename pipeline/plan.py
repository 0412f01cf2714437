"""The batch plan: the input files, grouped into shards, written once under `work/plans/<id>/`.

The plan id hashes every file's path, size and modification time and the shard limits, so the
same input gives the same plan (and the same task ids, so a rerun skips finished work), and a
changed input gives a new one. File lists live in files, never in task parameters.

Shards are sized to the batch (`shard_limits`): the limits are cut so that the batch makes at
least `[input] min_shards` shards, unless a shard would hold less than `shard_min_bytes`. The
plan depends only on the input and the settings, not on how many workers run it, so a rerun with
other workers finds the same tasks done. Large plain JSONL files are cut into byte ranges
(pipeline/ranges.py). Outputs do not depend on the sharding: the records of the clean/rejected/
quarantine part files, read in part order, and every audit log are the same bytes; only the
number of part files and where one part ends change.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline import jsonl
from pipeline.inputs import InputFile, discover, group, readable
from pipeline.layout import PLAN_META, OutputLayout, plan_shard_name
from pipeline.ranges import split_jsonl, splittable
from pipeline.settings import InputSettings


@dataclass(frozen=True)
class Plan:
    id: str
    folder: Path
    shards: int
    files: int
    bytes: int

    def shard_path(self, shard: int) -> Path:
        return self.folder / plan_shard_name(shard)

    def shard_files(self, shard: int) -> list[InputFile]:
        return [InputFile.from_record(r) for r in jsonl.read_jsonl(self.shard_path(shard))]

    def split(self) -> dict[str, list[int]]:
        """Input files read by several shards (byte ranges): source -> the shards, in order."""
        split: dict[str, list[int]] = jsonl.loads((self.folder / PLAN_META).read_bytes()).get("split", {})
        return split


def shard_limits(files: int, size: int, settings: InputSettings) -> tuple[int, int]:
    """(files, bytes) at which a shard closes. The batch is cut into `min_shards` shards, fewer if
    a shard would hold less than `shard_min_bytes` (each shard costs five tasks of fixed overhead,
    measured at about 0.2 s of CPU), never into shards over the maxima."""
    n = max(1, min(settings.min_shards, size // settings.shard_min_bytes))
    return min(settings.shard_max_files, max(1, -(-files // n))), min(settings.shard_max_bytes, max(1, -(-size // n)))


def _pieces(listing: Path, max_bytes: int, settings: InputSettings) -> Iterator[InputFile]:
    """The walked files again, large plain JSONL files as byte ranges."""
    for record in jsonl.read_jsonl(listing):
        f = InputFile.from_record(record)
        yield from split_jsonl(f, max_bytes, settings) if splittable(f, max_bytes) else [f]


def make_plan(
    inputs: list[str], settings: InputSettings, layout: OutputLayout, on_shard: Callable[[int], None] | None = None
) -> Plan:
    """Walk the inputs (streaming), write the shard lists, return the plan. `on_shard` gets the
    number of files found so far after each shard (the CLI shows it: a big walk takes a while)."""
    plans = layout.plans
    tmp = plans / f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir(parents=True)
    n = files = size = 0
    split: dict[str, list[int]] = {}
    try:
        # First pass: walk once, streaming the listing to a file (memory stays flat on a million
        # files) and counting; the shard limits depend on the totals.
        listing = tmp / "files.jsonl"
        with jsonl.atomic_open(listing, sync=False) as out:
            for f in discover(inputs):
                out.write(jsonl.dumps(f.to_record()))
                files += 1
                size += f.size
                if on_shard and files % 1000 == 0:
                    on_shard(files)
        max_files, max_bytes = shard_limits(files, size, settings)
        limits = (settings.shard_max_files, settings.shard_max_bytes, settings.min_shards,
                  settings.shard_min_bytes, max_files, max_bytes)  # fmt: skip
        digest = hashlib.sha256(repr(limits).encode())
        # Pieces of split files are cut at the byte target; shards close at the file target or a
        # quarter over the byte target, so files of uneven sizes still make about `min_shards`
        # shards rather than one more (each costs five tasks).
        slack = min(settings.shard_max_bytes, max_bytes + max_bytes // 4)
        for n, shard in enumerate(group(_pieces(listing, max_bytes, settings), max_files, slack)):
            records = [f.to_record() for f in shard]
            for f, r in zip(shard, records, strict=True):
                keys = (
                    ("path", "source", "size", "mtime_ns", "start")
                    if f.is_range
                    else ("path", "source", "size", "mtime_ns")
                )
                digest.update(jsonl.dumps({k: r[k] for k in keys}))
                if f.is_range:
                    shards = split.setdefault(f.source, [])
                    if not shards or shards[-1] != n:
                        shards.append(n)
            jsonl.write_jsonl(tmp / plan_shard_name(n), records)
        listing.unlink()
        if on_shard:
            on_shard(files)
        count = n + 1 if files else 0
        plan_id = digest.hexdigest()[:12]
        jsonl.write_json(
            tmp / PLAN_META,
            {
                "plan": plan_id,
                "shards": count,
                "files": files,
                "bytes": size,
                "inputs": sorted(readable(os.path.abspath(i)) for i in inputs),  # JSON needs valid UTF-8
                "limits": {"files": max_files, "bytes": max_bytes},
                "split": split,
            },
        )
        final = layout.plan_dir(plan_id)
        if final.exists():
            shutil.rmtree(tmp)
        else:
            try:
                os.replace(tmp, final)
            except OSError:  # another process wrote the same plan first
                shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Plan(plan_id, final, count, files, size)


def load_plan(folder: Path) -> Plan:
    meta = jsonl.loads((folder / PLAN_META).read_bytes())
    return Plan(meta["plan"], folder, meta["shards"], meta["files"], meta["bytes"])
