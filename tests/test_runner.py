"""The run helpers `run` and `daily` share: options, one way to plan a batch, the locked build."""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
from pathlib import Path

import luigi
import pytest

from pipeline import jsonl
from pipeline.daily import CleanDay, day_input
from pipeline.errors import ConfigError
from pipeline.layout import DailyLayout, OutputLayout
from pipeline.locking import BatchLock
from pipeline.manifest import build_manifest
from pipeline.plan import load_plan
from pipeline.runner import EXIT_BUSY, RunOptions, make_batch, prepare, run_locked
from pipeline.tasks import fingerprints_for, settings_for
from tests.conftest import SEEDS


def test_options_resolve_the_settings_file_and_check_the_languages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    args = argparse.Namespace(config="s.toml", languages="fr,en", workers=2, scheduler_url=None)
    options = RunOptions.from_args(args)
    assert options == RunOptions(str(tmp_path.resolve() / "s.toml"), "fr,en", 2, None)
    with pytest.raises(ConfigError, match="--languages"):
        RunOptions.from_args(argparse.Namespace(config=None, languages="xx", workers=1, scheduler_url=None))
    assert options.luigi_options() == {"workers": 2, "detailed_summary": True, "local_scheduler": True}
    url = RunOptions(scheduler_url="http://127.0.0.1:1/").luigi_options()
    assert url["scheduler_url"] == "http://127.0.0.1:1/" and "local_scheduler" not in url


def test_run_and_daily_plan_a_batch_the_same_way(tmp_path: Path) -> None:
    """`daily` plans each day with `make_batch`, as `run` does: the same folder and inputs give the
    same task (so either command finds the other's finished work)."""
    day = dt.date(2024, 5, 1)
    inputs = day_input(tmp_path / "in", day)
    shutil.copytree(SEEDS, inputs)
    out = DailyLayout(tmp_path / "out").day(day).root
    plan, task = make_batch(out, [str(inputs)], RunOptions(), started="")
    assert plan.files == 5 and load_plan(OutputLayout(out).plan_dir(plan.id)) == plan
    daily = CleanDay(date=day, input_root=str(tmp_path / "in"), output_root=str(tmp_path / "out")).batch()
    same = ("output_dir", "plan", "config", "languages", "fingerprint")
    assert {k: getattr(daily, k) for k in same} == {k: getattr(task, k) for k in same}


def test_a_busy_folder_exits_3_before_planning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    planned = []
    with BatchLock(tmp_path):
        code = run_locked(RunOptions(), tmp_path, lambda: planned.append(1) or [])
    assert code == EXIT_BUSY and planned == []
    assert capsys.readouterr().err.startswith("error: ")


def test_nothing_to_run_is_an_exit_code_not_a_build(tmp_path: Path) -> None:
    assert run_locked(RunOptions(), tmp_path, lambda: 0) == 0


def test_the_manifest_is_built_from_plain_data(tmp_path: Path) -> None:
    """After a run, the folder, the plan, the settings and the fingerprints rebuild manifest.json:
    no task is needed (only the finishing time differs)."""
    out = tmp_path / "out"
    options = RunOptions()
    prepare(options, out, [str(SEEDS)])
    plan, task = make_batch(out, [str(SEEDS)], options, started="2026-01-01T00:00:00+00:00")
    assert luigi.build([task], local_scheduler=True, workers=1)
    layout = OutputLayout(out)
    written = jsonl.loads(layout.manifest.read_bytes())
    rebuilt = build_manifest(layout, plan, settings_for("", ""), fingerprints_for("", ""), written["started"])
    rebuilt = jsonl.loads(jsonl.dumps(rebuilt))  # tuples as lists, as in the file
    assert {k: v for k, v in rebuilt.items() if k != "finished"} == {
        k: v for k, v in written.items() if k != "finished"
    }
    assert written["documents"] == {"in": 5, "clean": 5, "rejected": 0, "quarantined": 0}
