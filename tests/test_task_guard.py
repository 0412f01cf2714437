"""A task luigid hands out again after another worker finished it does nothing (pipeline/task_guard.py)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import luigi
import pytest
from luigi.task import flatten

from pipeline import tasks
from pipeline.runner import RunOptions, make_batch, prepare
from tests.conftest import SEEDS


def all_tasks(top: luigi.Task) -> list[luigi.Task]:
    """The batch's whole graph, each task once, upstream first."""
    seen: dict[str, luigi.Task] = {}

    def visit(task: luigi.Task) -> None:
        if task.task_id not in seen:
            for dep in flatten(task.requires()):
                visit(dep)
            seen[task.task_id] = task

    visit(top)
    return list(seen.values())


def tree_state(root: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and modification time: an atomic rewrite changes both."""
    return {str(p.relative_to(root)): (p.stat().st_ino, p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def finished_batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, luigi.Task]:
    out = tmp_path_factory.mktemp("guard") / "out"
    options = RunOptions()
    prepare(options, out, [str(SEEDS)])
    _, task = make_batch(out, [str(SEEDS)], options, started="2026-01-01T00:00:00+00:00")
    assert luigi.build([task], local_scheduler=True, workers=1)
    return out, task


def test_a_finished_task_run_again_writes_nothing(
    finished_batch: tuple[Path, luigi.Task], caplog: pytest.LogCaptureFixture
) -> None:
    out, top = finished_batch
    tasks = all_tasks(top)
    assert {t.task_family for t in tasks} >= {"RepairEncoding", "RemoveChrome", "FindDuplicates", "CleanBatch"}
    before = tree_state(out)
    with caplog.at_level(logging.INFO, logger="luigi-interface"):
        for task in tasks:
            task.run()
    assert tree_state(out) == before
    said = [r.getMessage() for r in caplog.records if "another worker finished it" in r.getMessage()]
    assert len(said) == len(tasks)


def test_a_task_whose_output_is_missing_still_runs(finished_batch: tuple[Path, luigi.Task]) -> None:
    _, top = finished_batch
    chrome = next(t for t in all_tasks(top) if t.task_family == "RemoveChrome")
    path = Path(chrome.output().path)
    content = path.read_bytes()
    os.remove(path)
    chrome.run()
    assert path.read_bytes() == content


def test_every_task_run_is_guarded() -> None:
    """A new task (or a new run override) without the guard would redo work luigid hands out again."""
    own_runs = [cls for cls in vars(tasks).values()
                if isinstance(cls, type) and issubclass(cls, luigi.Task) and "run" in vars(cls)]  # fmt: skip
    assert len(own_runs) >= 6
    assert [c.__name__ for c in own_runs if not hasattr(vars(c)["run"], "__wrapped__")] == []
