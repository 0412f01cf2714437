"""Outputs do not depend on the sharding: one shard or many, a JSONL file whole or in byte ranges.

What may change is only how the records are cut into part files (their number and names): the
records read in part order, every audit log and the manifest's counts are the same.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.layout import OutputLayout
from tests.conftest import SEEDS, run_cli, tree_digest


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20 text files and one JSONL file of 60 records (ids repeating, blank lines, broken JSON)."""
    root = tmp_path_factory.mktemp("sharding") / "in"
    root.mkdir()
    seeds = sorted(SEEDS.glob("*.txt"))
    for i in range(20):
        shutil.copyfile(seeds[i % len(seeds)], root / f"page{i:02d}.txt")
    lines = []
    for i in range(60):
        text = seeds[i % len(seeds)].read_text(encoding="utf-8")
        record = {"text": text + f"\nNuméro {i}.", **({"id": f"doc{i % 25}"} if i % 4 else {})}
        lines.append(json.dumps(record, ensure_ascii=False))
        if i % 9 == 0:
            lines.append("")
        if i % 17 == 0:
            lines.append('{"text": ')
    (root / "records.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def _run(batch: Path, out: Path, settings: str) -> dict:
    config = out.with_suffix(".toml")
    config.write_text("[input]\n" + settings)
    result = run_cli("run", "--input", str(batch), "--output", str(out), "--config", str(config), "--local-scheduler")
    assert result.returncode == 0, result.stderr
    return json.loads(OutputLayout(out).manifest.read_text())


def _records(out: Path, folder: str) -> bytes:
    return b"".join(p.read_bytes() for p in OutputLayout(out).parts(folder))


def test_many_shards_and_byte_ranges_give_the_outputs_of_one_shard(batch: Path, tmp_path: Path) -> None:
    one = _run(batch, tmp_path / "one", "min_shards = 1\n")
    many = _run(batch, tmp_path / "many", "min_shards = 6\nshard_min_bytes = 1\n")
    assert one["plan"]["shards"] == 1 and many["plan"]["shards"] >= 6
    many_layout = OutputLayout(tmp_path / "many")
    plan = next(many_layout.plans.iterdir())
    assert (
        len(json.loads(many_layout.plan_meta(plan.name).read_text())["split"]["records.jsonl"]) >= 2
    )  # read by several shards
    for folder in ("clean", "rejected", "quarantine"):
        assert _records(tmp_path / "one", folder) == _records(tmp_path / "many", folder), folder
    audit = {k: v for k, v in tree_digest(tmp_path / "one").items() if k.startswith("audit/")}
    assert audit == {k: v for k, v in tree_digest(tmp_path / "many").items() if k.startswith("audit/")}
    assert many_layout.audit_log("records.jsonl").relative_to(many_layout.root).as_posix() in audit
    for key in ("documents", "chars", "rules", "notes", "rejection_reasons"):
        assert one[key] == many[key], key
    assert one["notes"].get("input.duplicate-id")  # ids repeat across the byte ranges too
    assert one["accounting"] == many["accounting"] and many["accounting"]["files"] == 21
