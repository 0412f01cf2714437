"""The batch plan: the input files, grouped into shards, written once under `work/plans/<id>/`.

The plan id hashes every file's path, size and modification time and the shard limits, so the
same input gives the same plan (and the same task ids, so a rerun skips finished work), and a
changed input gives a new one. File lists live in files, never in task parameters.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline import jsonl
from pipeline.inputs import InputFile, plan_shards, readable
from pipeline.settings import InputSettings


@dataclass(frozen=True)
class Plan:
    id: str
    folder: Path
    shards: int
    files: int
    bytes: int

    def shard_path(self, shard: int) -> Path:
        return self.folder / f"shard-{shard:05d}.jsonl"

    def shard_files(self, shard: int) -> list[InputFile]:
        return [InputFile.from_record(r) for r in jsonl.read_jsonl(self.shard_path(shard))]


def make_plan(
    inputs: list[str], settings: InputSettings, work: Path, on_shard: Callable[[int], None] | None = None
) -> Plan:
    """Walk the inputs (streaming), write the shard lists, return the plan. `on_shard` gets the
    number of files found so far after each shard (the CLI shows it: a big walk takes a while)."""
    plans = work / "plans"
    tmp = plans / f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir(parents=True)
    digest = hashlib.sha256(repr((settings.shard_max_files, settings.shard_max_bytes)).encode())
    n = files = size = 0
    try:
        for n, shard in enumerate(plan_shards(inputs, settings)):
            records = [f.to_record() for f in shard]
            for r in records:
                digest.update(jsonl.dumps({k: r[k] for k in ("path", "source", "size", "mtime_ns")}))
            jsonl.write_jsonl(tmp / f"shard-{n:05d}.jsonl", records)
            files += len(shard)
            size += sum(f.size for f in shard)
            if on_shard:
                on_shard(files)
        count = n + 1 if files else 0
        plan_id = digest.hexdigest()[:12]
        jsonl.write_json(
            tmp / "plan.json",
            {
                "plan": plan_id,
                "shards": count,
                "files": files,
                "bytes": size,
                "inputs": sorted(readable(os.path.abspath(i)) for i in inputs),  # JSON needs valid UTF-8
            },
        )
        final = plans / plan_id
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
    meta = jsonl.loads((folder / "plan.json").read_bytes())
    return Plan(meta["plan"], folder, meta["shards"], meta["files"], meta["bytes"])
