"""Scheduled batches: `python -m pipeline daily` over <input_root>/YYYY/MM/DD/ folders closed by _SUCCESS."""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.daily import resolve_days
from pipeline.errors import ConfigError
from pipeline.layout import SUCCESS, DailyLayout
from tests.conftest import SEEDS
from tests.integration.luigid import Luigid, pipeline, running_luigid

pytestmark = pytest.mark.scheduler

MAY = [dt.date(2024, 5, d) for d in range(1, 6)]


def deliver(root: Path, day: dt.date, closed: bool = True) -> Path:
    """The day's input as a producer leaves it: the seed pages, then _SUCCESS once the day is closed."""
    folder = root / f"{day:%Y}" / f"{day:%m}" / f"{day:%d}"
    folder.mkdir(parents=True)
    for seed in SEEDS.glob("*.txt"):
        shutil.copyfile(seed, folder / seed.name)
    if closed:
        (folder / SUCCESS).touch()  # the delivery protocol's marker, named as the outputs' one
    return folder


def snapshot(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def luigid(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Luigid]:
    with running_luigid(tmp_path_factory.mktemp("luigid")) as server:
        yield server


def test_one_day_defaults_to_yesterday(tmp_path: Path) -> None:
    yesterday = dt.date.today() - dt.timedelta(days=1)
    deliver(tmp_path / "in", yesterday)
    result = pipeline("daily", "--input-root", str(tmp_path / "in"), "--output-root", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    day = DailyLayout(tmp_path / "out").day(yesterday)
    assert f"{yesterday}: done: 5 documents in" in result.stdout
    assert day.success.exists() and day.manifest.exists()
    assert len(day.part("clean", 0).read_text().splitlines()) == 5


def test_backfill_runs_closed_days_skips_open_one_and_reruns_nothing(luigid: Luigid, tmp_path: Path) -> None:
    """2024-05-01..04 with the 3rd still open: three days run through luigid, the open one waits."""
    inputs, out = tmp_path / "in", tmp_path / "out"
    for day in MAY[:4]:
        deliver(inputs, day, closed=day != MAY[2])
    args = ["daily", "--input-root", str(inputs), "--output-root", str(out), "--start", "2024-05-01",
            "--stop", "2024-05-05", "--scheduler-url", luigid.url]  # fmt: skip
    t0 = time.monotonic()
    result = pipeline(*args)
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - t0 < 60  # the open day is not waited on (stock RangeDaily waits 120 s)
    assert f"{MAY[0]}: done: 5 documents in, 5 clean" in result.stdout
    for day in (MAY[1], MAY[3]):  # same pages every day: re-crawls of the 1st, not delivered again
        assert f"{day}: done: 5 documents in, 0 clean, 5 rejected" in result.stdout
    for day in (MAY[0], MAY[1], MAY[3]):
        assert DailyLayout(out).day(day).success.exists()
    assert f"{MAY[2]}: input not closed yet" in result.stdout and not (out / MAY[2].isoformat()).exists()
    rejected = DailyLayout(out).day(MAY[3]).part("rejected", 0).read_text()
    assert rejected.count('"batch":"2024-05-01"') == 5

    done = luigid.api("task_list", status="DONE", upstream_status="", search=str(out))
    families = sorted(t["name"] for t in done.values() if t["name"] in ("ClosedDays", "CleanDay", "CleanBatch"))
    assert families == ["CleanBatch"] * 3 + ["CleanDay"] * 3 + ["ClosedDays"]

    before = snapshot(out)
    again = pipeline(*args)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("already complete") == 3 and "done:" not in again.stdout
    assert snapshot(out) == before


def test_day_without_success_marker_does_nothing(tmp_path: Path) -> None:
    deliver(tmp_path / "in", MAY[0], closed=False)
    result = pipeline("daily", "--input-root", str(tmp_path / "in"), "--output-root", str(tmp_path / "out"),
                      "--date", "2024-05-01", timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "2024-05-01: input not closed yet (no " in result.stdout and "_SUCCESS" in result.stdout
    assert not (tmp_path / "out" / "2024-05-01").exists()


def test_day_selection() -> None:
    today = dt.date(2024, 5, 10)

    def days(**kw: object) -> list[dt.date]:
        args = {"date": None, "start": None, "stop": None, "last": None, **kw}
        return resolve_days(argparse.Namespace(**args), today)

    assert days() == [dt.date(2024, 5, 9)]
    assert days(date="2024-05-01") == [dt.date(2024, 5, 1)]
    assert days(start="2024-05-01", stop="2024-05-04") == MAY[:3]  # stop is exclusive, as in RangeDaily
    assert days(start="2024-05-08") == [dt.date(2024, 5, 8), dt.date(2024, 5, 9)]
    assert days(last=3) == [dt.date(2024, 5, 7), dt.date(2024, 5, 8), dt.date(2024, 5, 9)]
    for bad in ({"stop": "2024-05-01"}, {"date": "2024-13-01"}, {"start": "2024-05-02", "stop": "2024-05-02"},
                {"last": 0}):  # fmt: skip
        with pytest.raises(ConfigError):
            days(**bad)


def test_unreachable_scheduler_fails_fast_and_clearly(tmp_path: Path) -> None:
    deliver(tmp_path / "in", MAY[0])
    with socket.socket() as s:  # a port with no luigid behind it
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}/"
        result = pipeline("daily", "--input-root", str(tmp_path / "in"), "--output-root", str(tmp_path / "out"),
                          "--date", "2024-05-01", "--scheduler-url", url, timeout=60)  # fmt: skip
    assert result.returncode == 2 and f"no luigid answers at {url}" in result.stderr
    assert not (tmp_path / "out" / "2024-05-01").exists()
