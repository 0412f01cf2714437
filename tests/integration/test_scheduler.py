"""Against a real luigid: progress in the scheduler, two processes sharing a batch, --workers 2, busy runs.

The pipeline runs as users run it (`python -m pipeline run ... --scheduler-url URL` in a
subprocess); what it reported is read back from luigid's JSON API.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.layout import OutputLayout
from pipeline.locking import BatchLock
from tests.conftest import ROOT, SEEDS, tree_digest
from tests.integration.luigid import (
    FAMILIES,
    SHARD_FAMILIES,
    Luigid,
    eager_worker_cfg,
    luigi_env,
    pipeline,
    running_luigid,
    worker_pid,
)

pytestmark = pytest.mark.scheduler

COPIES = 8  # x 5 seed files = 40 files; 2 files per shard = 20 shards, 103 tasks
LIVE_COUNTS = re.compile(r"shard 0: 5/5 docs, \d+ lines dropped, \d+ rejected, \d+ quarantined")
RAN = re.compile(r"\) running\s+(\w+\(.*\))\s*$")  # Luigi's INFO line when a worker starts a task
# pipeline/task_guard.py's line when luigid hands out a task another worker has just finished
REDONE = re.compile(r"\b(\w+\(.*\)) already complete \(another worker finished it\)")


@pytest.fixture(scope="module")
def luigid(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Luigid]:
    with running_luigid(tmp_path_factory.mktemp("luigid")) as server:
        yield server


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """40 input files and a settings file with 2 files per shard, so a batch has 20 shards."""
    root = tmp_path_factory.mktemp("corpus")
    (root / "in").mkdir()
    for i in range(COPIES):
        for seed in sorted(SEEDS.glob("*.txt")):
            shutil.copyfile(seed, root / "in" / f"{i:02d}_{seed.name}")
    config = root / "small-shards.toml"
    config.write_text("[input]\nshard_max_files = 2\n")
    return root / "in", config


@pytest.fixture(scope="module")
def reference(corpus: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus cleaned by one local worker: what every shared run must reproduce byte for byte."""
    inputs, config = corpus
    out = tmp_path_factory.mktemp("reference") / "out"
    result = pipeline("run", "--input", str(inputs), "--output", str(out), "--config", str(config), "--local-scheduler")
    assert result.returncode == 0, result.stderr
    assert "40 files, 20 shards" in result.stdout
    return out


def test_run_reports_every_stage_to_luigid(luigid: Luigid, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = pipeline("run", "--input", str(SEEDS), "--output", str(out), "--scheduler-url", luigid.url)
    assert result.returncode == 0, result.stderr
    assert "5 documents in" in result.stdout
    tasks = luigid.tasks(out)
    assert sorted(t["name"] for t in tasks.values()) == sorted(FAMILIES)  # one shard: one task per stage
    assert {t["status"] for t in tasks.values()} == {"DONE"}
    assert tasks == luigid.tasks(out, status="DONE")
    for t in tasks.values():
        if t["name"] in SHARD_FAMILIES:  # live counts, kept by luigid after the task is done
            assert t["progress_percentage"] == 100, t
            assert LIVE_COUNTS.search(t["status_message"]), t["status_message"]
        elif t["name"] == "LearnBoilerplate":
            assert t["progress_percentage"] == 100
            assert re.fullmatch(r"learned \d+ boilerplate lines from 5 documents", t["status_message"])
        elif t["name"] == "FindDuplicates":  # issue 13: the one merge task shows its progress too
            assert t["progress_percentage"] == 100
            assert t["status_message"] == "duplicates: 0 copies of 5 kept documents"
        # CleanBatch (manifest + report) reports neither progress nor a message yet: only DONE is checked.


def test_two_processes_share_one_batch(luigid: Luigid, corpus: tuple[Path, Path], reference: Path,
                                       tmp_path: Path) -> None:  # fmt: skip
    """The same command in two processes at once: each runs shards, none twice, the output is the local one."""
    inputs, config = corpus
    out = tmp_path / "out"
    worker_cfg = eager_worker_cfg(tmp_path / "luigi-info.cfg", "INFO")  # INFO lines: to count task runs
    cmd = [sys.executable, "-m", "pipeline", "run", "--input", str(inputs), "--output", str(out),
           "--config", str(config), "--scheduler-url", luigid.url]  # fmt: skip
    logs = [(tmp_path / f"worker{n}.out", tmp_path / f"worker{n}.err") for n in range(2)]

    def start(n: int) -> subprocess.Popen[bytes]:
        with open(logs[n][0], "w") as so, open(logs[n][1], "w") as se:
            return subprocess.Popen(cmd, cwd=ROOT, env=luigi_env(worker_cfg), stdout=so, stderr=se)

    procs = luigid.start_together(start)  # neither starts work before both are there
    try:
        codes = [p.wait(timeout=240) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    stdout = [o.read_text() for o, _ in logs]
    stderr = [e.read_text() for _, e in logs]
    assert codes == [0, 0], stderr
    for text in stdout:
        assert "done: 40 documents in" in text and "(40 files, 20 shards)" in text

    # no task's work done twice: Luigi logs every start; 103 distinct tasks, each worked on once. A
    # stale claim may make luigid hand a finished task out again: that start must have done nothing.
    runs = [[m.group(1) for line in err.splitlines() if (m := RAN.search(line))] for err in stderr]
    started = Counter(task for ran in runs for task in ran)
    started.subtract(m.group(1) for err in stderr for line in err.splitlines() if (m := REDONE.search(line)))
    assert len(started) == 1 + 5 * 20 + 2 and set(started.values()) == {1}, started.most_common(3)
    assert sum(task.startswith("WriteOutputs(") for ran in runs for task in ran) == 20
    # each process ran shard tasks (of any stage: a fast process may well write every shard itself)
    shard_tasks_per_process = [sum("shard=" in task for task in ran) for ran in runs]
    assert min(shard_tasks_per_process) >= 1, shard_tasks_per_process

    # the scheduler agrees: every task DONE, shard tasks run by both processes
    tasks = luigid.tasks(out)
    assert len(tasks) == 103 and {t["status"] for t in tasks.values()} == {"DONE"}
    ran_shards = {worker_pid(t["worker_running"]) for t in tasks.values() if "shard" in t["params"]}
    assert ran_shards == {p.pid for p in procs}

    assert tree_digest(out) == tree_digest(reference)


def test_workers_2_against_luigid(luigid: Luigid, corpus: tuple[Path, Path], reference: Path, tmp_path: Path) -> None:
    inputs, config = corpus
    out = tmp_path / "out"
    result = pipeline("run", "--input", str(inputs), "--output", str(out), "--config", str(config),
                      "--workers", "2", "--scheduler-url", luigid.url)  # fmt: skip
    assert result.returncode == 0, result.stderr
    tasks = luigid.tasks(out)
    assert len(tasks) == 103 and {t["status"] for t in tasks.values()} == {"DONE"}
    assert {t["worker_running"] for t in tasks.values()} == {next(iter(tasks.values()))["worker_running"]}
    assert "workers=2" in next(iter(tasks.values()))["worker_running"]
    assert tree_digest(out) == tree_digest(reference)


def test_second_local_run_of_a_batch_exits_busy(tmp_path: Path) -> None:
    """With the local scheduler, a run into a folder another run is writing to stops at once (exit 3)."""
    out = tmp_path / "out"
    with BatchLock(out):
        t0 = time.monotonic()
        result = pipeline("run", "--input", str(SEEDS), "--output", str(out), "--local-scheduler", timeout=60)
        elapsed = time.monotonic() - t0
    assert result.returncode == 3, result.stderr
    assert f"another run is already writing to {out} (pid {os.getpid()})" in result.stderr
    assert "--scheduler-url" in result.stderr
    assert not OutputLayout(out).folder("clean").exists() and elapsed < 30
    after = pipeline("run", "--input", str(SEEDS), "--output", str(out), "--local-scheduler")
    assert after.returncode == 0, after.stderr  # the lock went with its holder


def test_two_processes_both_run_shards_of_a_300_file_batch_with_default_settings(luigid: Luigid,
                                                                                 tmp_path: Path) -> None:  # fmt: skip
    """300 small files (about 1 MB) are cut into several shards by default (issue 14), so a second
    process against the same luigid finds shard work instead of idling."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(60):
        for seed in sorted(SEEDS.glob("*.txt")):
            shutil.copyfile(seed, inputs / f"{i:02d}_{seed.name}")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "pipeline", "run", "--input", str(inputs), "--output", str(out),
           "--scheduler-url", luigid.url]  # fmt: skip
    env = luigi_env(eager_worker_cfg(tmp_path / "luigi.cfg"))
    procs = luigid.start_together(lambda _: subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                                             stderr=subprocess.PIPE, text=True))  # fmt: skip
    try:
        results = [p.communicate(timeout=300) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _, err in results]
    shards = int(re.search(r"\(300 files, (\d+) shards\)", results[0][0]).group(1))  # type: ignore[union-attr]
    assert shards >= 2
    tasks = luigid.tasks(out)
    assert len(tasks) == 5 * shards + 3 and {t["status"] for t in tasks.values()} == {"DONE"}  # + FindDuplicates
    ran_shards = Counter(worker_pid(t["worker_running"]) for t in tasks.values() if "shard" in t["params"])
    assert set(ran_shards) == {p.pid for p in procs}, ran_shards
