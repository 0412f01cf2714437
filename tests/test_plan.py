"""The plan: shards sized to the batch, large JSONL files as byte ranges, ids stable across reruns."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.layout import OutputLayout
from pipeline.plan import load_plan, make_plan, shard_limits
from pipeline.settings import InputSettings, load_settings

TEXT = "Le conseil municipal a adopté lundi soir le budget primitif de la commune.\n"


def test_limits_aim_at_min_shards_within_floors_and_maxima() -> None:
    s = InputSettings(min_shards=8, shard_min_bytes=256 * 1024)
    assert shard_limits(3000, 9_000_000, s) == (375, 1_125_000)  # small batch: 8 shards
    assert shard_limits(100_000, 10**9, s) == (2000, 64 << 20)  # large batch: the maxima
    assert shard_limits(300, 900_000, s) == (100, 300_000)  # tiny batch: 3 shards of at least 256 KiB
    assert shard_limits(40, 100_000, s) == (40, 100_000)  # under the floor: one shard
    assert shard_limits(0, 0, s) == (1, 1)
    assert shard_limits(1, 80_000_000, s) == (1, 10_000_000)  # one big file: 8 byte ranges
    assert shard_limits(3000, 9_000_000, InputSettings(shard_max_files=2)) == (2, 2_250_000)  # a maximum wins


def test_settings_file_and_code_agree_on_the_sharding_defaults() -> None:
    a, b = load_settings().input, InputSettings()
    keys = ("min_shards", "shard_min_bytes", "shard_max_files", "shard_max_bytes")
    assert [getattr(a, k) for k in keys] == [getattr(b, k) for k in keys]


def test_small_batch_is_cut_into_min_shards(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(40):
        (inputs / f"{i:03d}.txt").write_text(TEXT * (1 + i % 3))
    settings = InputSettings(min_shards=4, shard_min_bytes=1)
    plan = make_plan([str(inputs)], settings, OutputLayout(tmp_path))
    assert plan.shards >= 4 and plan.files == 40
    files = [f.source for i in range(plan.shards) for f in plan.shard_files(i)]
    assert files == sorted(p.name for p in inputs.iterdir())  # every file once, in walk order
    again = make_plan([str(inputs)], settings, OutputLayout(tmp_path))
    assert again.id == plan.id  # the same input and settings: the same plan, the same task ids
    size = sum(p.stat().st_size for p in inputs.iterdir())
    floor = make_plan([str(inputs)], InputSettings(min_shards=4, shard_min_bytes=size // 2), OutputLayout(tmp_path))
    assert floor.shards in (2, 3) and floor.id != plan.id  # the floor: about half the batch per shard


def test_a_large_jsonl_file_spans_shards_and_is_counted_once(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    path = tmp_path / "in" / "big.jsonl"
    path.write_text("".join(json.dumps({"text": f"{TEXT} {i}"}) + "\n" for i in range(400)))
    (tmp_path / "in" / "small.jsonl").write_text(json.dumps({"text": TEXT}) + "\n")
    settings = InputSettings(min_shards=4, shard_min_bytes=1)
    plan = make_plan([str(tmp_path / "in")], settings, OutputLayout(tmp_path))
    assert plan.files == 2 and plan.bytes == path.stat().st_size + (tmp_path / "in" / "small.jsonl").stat().st_size
    assert plan.shards >= 4
    shards = load_plan(plan.folder).split()["big.jsonl"]
    assert shards == list(range(len(shards))) and len(shards) >= 4  # consecutive shards, from the first
    pieces = [f for i in range(plan.shards) for f in plan.shard_files(i) if f.source == "big.jsonl"]
    assert [p.is_range for p in pieces] == [True] * len(pieces) and len(pieces) >= 4
    assert sum(p.size for p in pieces) == path.stat().st_size
