"""Crashes and reruns lose nothing and corrupt nothing.

A batch of 60 files in 20 shards (`[input] shard_max_files = 3`) is killed with SIGKILL (the whole
process group, Luigi's forked workers included) at seeded random points, again and again, and
rerun each time; the final clean/, rejected/, quarantine/ and audit/ must be byte-identical to an
undisturbed run's. A shard that keeps failing is retried as configs/luigi.cfg says, the others
finish, the run exits 1 naming the shard, and once the cause is gone a rerun completes the batch
without touching the finished shards' work files.
"""

from __future__ import annotations

import configparser
import json
import os
import random
import re
import shutil
import subprocess
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pipeline.layout import OutputLayout
from tests.conftest import FINAL, ROOT, tree_digest
from tests.reliability.corpus import good_texts
from tests.reliability.helpers import (
    kill_group,
    manifest,
    pipeline_cmd,
    records,
    run_pipeline,
    temporaries,
)

FILES, SHARD_FILES, SHARDS = 60, 3, 20
KILLS = 24
SEED = 20251123
STARTUP_KILLS = 0.2  # share of kills aimed at start-up and planning, before any task output
FINAL_KILLS = 0.25  # share aimed at the writing of clean/, rejected/, quarantine/ and audit/
RUN_TIMEOUT = 120  # seconds one run of the kill loop may take before the test gives up


@dataclass(frozen=True)
class Batch:
    inputs: Path
    config: Path

    def args(self, out: Path, workers: int = 1) -> list[str]:
        return ["run", "--input", str(self.inputs), "--output", str(out), "--config", str(self.config),
                "--workers", str(workers)]  # fmt: skip


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    root = tmp_path_factory.mktemp("batch")
    inputs = root / "in"
    inputs.mkdir()
    texts = good_texts()
    for i in range(FILES):
        text = texts[i % len(texts)]
        if i % 10 == 3:  # JSONL: three records and a broken line
            lines = [json.dumps({"id": f"r{i}-{j}", "text": texts[(i + j) % len(texts)]}) for j in range(3)]
            (inputs / f"f{i:02d}.jsonl").write_text("\n".join(lines) + "\n{broken\n", encoding="utf-8")
        elif i % 10 == 7:
            (inputs / f"f{i:02d}.txt").write_bytes(b"\x00\x01 binary \x00")
        else:
            (inputs / f"f{i:02d}.txt").write_text(text, encoding="utf-8")
    config = root / "shards.toml"
    config.write_text(f"[input]\nshard_max_files = {SHARD_FILES}\n", encoding="utf-8")
    return Batch(inputs, config)


@pytest.fixture(scope="module")
def reference(batch: Batch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An undisturbed run with one worker."""
    out = tmp_path_factory.mktemp("reference") / "out"
    result = run_pipeline(*batch.args(out))
    assert result.returncode == 0, result.stderr[-3000:]
    m = manifest(out)
    assert m["accounting"]["ok"] and m["plan"]["shards"] == SHARDS
    assert set(m["documents"]) == {"in", "clean", "rejected", "quarantined"} and m["documents"]["quarantined"]
    return out


def test_one_and_two_workers_give_identical_output(batch: Batch, reference: Path, tmp_path: Path) -> None:
    out = tmp_path / "w2"
    result = run_pipeline(*batch.args(out, workers=2))
    assert result.returncode == 0, result.stderr[-3000:]
    assert tree_digest(out) == tree_digest(reference)


@pytest.mark.slow
def test_sigkill_at_random_points_then_rerun_gives_identical_output(
    batch: Batch, reference: Path, tmp_path: Path
) -> None:
    rng = random.Random(SEED)
    out = tmp_path / "out"
    total = count_outputs(reference)
    where: Counter[str] = Counter()
    kills = batches = 0
    log = tmp_path / "run.log"  # a file, not a pipe: a full pipe would block the run
    while kills < KILLS:
        with log.open("wb") as stderr:
            proc = subprocess.Popen(pipeline_cmd(*batch.args(out, workers=rng.choice((1, 2)))), cwd=ROOT,
                                    stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True)  # fmt: skip
        spot = kill_at_random_point(proc, out, rng, total, KILLS - kills)
        if spot is None:  # the run finished before its kill point: check that batch, start another
            assert proc.returncode == 0, log.read_text(errors="replace")[-3000:]
            assert_same_final_output(out, reference)
            shutil.rmtree(out)
            batches += 1
            continue
        where[spot] += 1
        kills += 1
    print(f"{kills} kills over {batches + 1} batches; being written at the kills: {dict(where)}")  # shown with -s
    final = run_pipeline(*batch.args(out))
    assert final.returncode == 0, final.stderr[-3000:]
    assert_same_final_output(out, reference)


def count_outputs(out: Path) -> int:
    """Finished files under `out` (temporaries and unfinished plan folders not counted); cheap, as it is polled."""
    n = 0
    for _, dirs, files in os.walk(out):
        dirs[:] = [d for d in dirs if ".tmp-" not in d]
        n += sum(1 for name in files if ".tmp-" not in name and "luigi-tmp" not in name)
    return n


def count_final(out: Path) -> int:
    return sum(count_outputs(out / folder) for folder in FINAL)


def kill_at_random_point(
    proc: subprocess.Popen[bytes], out: Path, rng: random.Random, total: int, kills_left: int
) -> str | None:
    """SIGKILL the run's process group at a seeded random point; returns what was being written then.

    A share of the kills fall in start-up and planning (a random delay), a share while the final
    folders are written (once a new file appears there), the others once a random number of new
    files has appeared anywhere; each plus a random delay, so the kills spread over every stage.
    The step is sized so that at least `kills_left` kills fit in the work left.
    """
    leftovers = set(out.rglob("*.tmp-*")) if out.exists() else set()  # from the runs killed before
    mode = rng.random()
    count = count_final if mode > 1 - FINAL_KILLS else count_outputs
    if mode < STARTUP_KILLS:
        deadline, target = time.monotonic() + rng.uniform(0.0, 1.5), None
    else:
        done = count(out)
        step = 1 if count is count_final else max(1, (total - done) // (kills_left + 2))
        deadline, target = None, done + rng.randint(1, step)
    give_up = time.monotonic() + RUN_TIMEOUT
    while proc.poll() is None:
        if time.monotonic() > give_up:
            kill_group(proc)
            raise AssertionError(f"a run made no progress for {RUN_TIMEOUT} s")
        if target is not None and count(out) >= target:
            deadline, target = time.monotonic() + rng.uniform(0.0, 0.08), None
        if deadline is not None and time.monotonic() >= deadline:
            spot = in_progress(out, leftovers)
            kill_group(proc)
            return spot
        time.sleep(0.01)
    return None


def in_progress(out: Path, leftovers: set[Path]) -> str:
    """The folders where this run has temporary files right now (what it was writing), or 'between writes'."""
    if not out.exists():
        return "start-up"
    new = [p for p in out.rglob("*.tmp-*") if p not in leftovers]
    folders = sorted({"work/plans" if "plans" in p.parts else str(p.parent.relative_to(out)) for p in new})
    return ", ".join(folders) or "between writes"


def assert_same_final_output(out: Path, reference: Path) -> None:
    assert tree_digest(out) == tree_digest(reference)
    for folder in FINAL:
        assert temporaries(out / folder) == [], folder
    sources = [r["source"] for r in records(out)]
    assert len(sources) == len(set(sources)), "a document written twice"
    assert manifest(out)["accounting"]["ok"]


BAD_SHARD = 5


@pytest.fixture(scope="module")
def failed_run(batch: Batch, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """A run where WriteOutputs(shard 5) fails every time: a folder sits where its clean part goes."""
    out = tmp_path_factory.mktemp("failing") / "data" / "batches" / "2025-11-23" / "news-fr-0042"  # real-life length
    OutputLayout(out).part("clean", BAD_SHARD).mkdir(parents=True)
    return out, run_pipeline(*batch.args(out))


@pytest.mark.slow
def test_failing_shard_is_retried_and_the_others_finish(failed_run: tuple[Path, Any]) -> None:
    out, failed = failed_run
    assert failed.returncode == 1, failed.stderr[-3000:]
    assert failed.stderr.count("IsADirectoryError") == luigi_retry_count(), failed.stderr[-3000:]
    assert re.search(rf"failed +WriteOutputs\([^)]*shard={BAD_SHARD}\)", failed.stderr)  # Luigi's error log line
    done = sorted(p.name for p in OutputLayout(out).work_dir("done").iterdir())
    assert len(done) == SHARDS - 1 and not any(f"-{BAD_SHARD:05d}-" in name for name in done)
    assert not OutputLayout(out).manifest.exists()


@pytest.mark.slow
def test_failure_summary_names_the_failed_shard(failed_run: tuple[Path, Any]) -> None:
    _, failed = failed_run
    summary = failed.stderr[failed.stderr.index("FAILED (") :]
    assert re.search(rf"shard[= ]{BAD_SHARD}\b", summary), summary


@pytest.mark.slow
def test_fixed_cause_rerun_completes_without_redoing_finished_shards(
    batch: Batch, reference: Path, failed_run: tuple[Path, Any]
) -> None:
    out, _ = failed_run
    # work/progress/ holds hints for the live progress line, rewritten by whichever task runs (here
    # the failed shard's, again): not finished work.
    before = {
        p: p.stat().st_mtime_ns
        for p in OutputLayout(out).work.rglob("*")
        if p.is_file() and p.parent.name != "progress"
    }
    OutputLayout(out).part("clean", BAD_SHARD).rmdir()  # the cause is fixed
    fixed = run_pipeline(*batch.args(out))
    assert fixed.returncode == 0, fixed.stderr[-3000:]
    assert {p: p.stat().st_mtime_ns for p in before} == before, "finished work was redone"
    assert_same_final_output(out, reference)


def luigi_retry_count() -> int:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "configs" / "luigi.cfg")
    return cfg.getint("scheduler", "retry_count")


def test_luigi_config_bounds_retries() -> None:
    """A finite retry count and keep-alive idle limit: a shard that always fails ends the run (Luigi #2070)."""
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "configs" / "luigi.cfg")
    assert 1 <= cfg.getint("scheduler", "retry_count") <= 10
    assert cfg.getint("worker", "max_keep_alive_idle_duration") > 0
    assert os.environ.get("LUIGI_CONFIG_PATH") is None or Path(os.environ["LUIGI_CONFIG_PATH"]).exists()
