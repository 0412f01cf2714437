"""Scheduled batches: one batch per day of input, run nightly or backfilled with Luigi's RangeDaily.

Input for a day arrives in `<input_root>/YYYY/MM/DD/`; whoever delivers it writes `_SUCCESS` there
once the day is closed. `CleanDay` waits for that marker (an ExternalTask), so a half-delivered
day is never cleaned and marked complete. It plans the day's folder when it runs and yields the
day's `CleanBatch` as a dynamic dependency, writing to `<output_root>/YYYY-MM-DD/` (the same
layout and guarantees as `run`), then drops its own `_SUCCESS` marker there for consumers.

`python -m pipeline daily` (see `run_daily`) picks the days, says which are already complete or
not closed yet, and runs the rest: one day as a `CleanDay`, several through `ClosedDays`, a
`RangeDaily` whose window (`days_back`, `days_forward`, `task_limit`) is set from the requested
range so Luigi never clips it silently.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import luigi
from luigi.tools.range import RangeDaily

from pipeline import jsonl
from pipeline.dedup_index import DedupIndex
from pipeline.errors import ConfigError
from pipeline.layout import SUCCESS as MARKER
from pipeline.layout import DailyLayout
from pipeline.manifest import counts_line
from pipeline.outdir import claim, make_folder
from pipeline.runner import EXIT_FAILED, EXIT_OK, RunOptions, finished_elsewhere, make_batch, prepare, run_locked
from pipeline.tasks import CleanBatch, settings_for


def day_input(input_root: str | Path, date: dt.date) -> Path:
    return Path(input_root) / f"{date:%Y}" / f"{date:%m}" / f"{date:%d}"


def day_output(output_root: str | Path, date: dt.date) -> Path:
    return DailyLayout(Path(output_root)).day(date).root


class DayInputClosed(luigi.ExternalTask):
    """The day's input is complete: the producer wrote `<input_root>/YYYY/MM/DD/_SUCCESS`."""

    date = luigi.DateParameter()
    input_root = luigi.Parameter()

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(day_input(self.input_root, self.date) / MARKER))


class CleanDay(luigi.Task):
    """Clean one closed day of input into `<output_root>/YYYY-MM-DD/`; complete once its marker exists.

    The marker is written only after the day's CleanBatch (and so its accounting check) succeeded.
    Delete it to have the day redone: unchanged stages are reused, changed settings rerun theirs.
    """

    date = luigi.DateParameter()
    input_root = luigi.Parameter()
    output_root = luigi.Parameter()
    config = luigi.Parameter(default="", description="settings file laid over configs/settings.toml")
    languages = luigi.Parameter(default="", description="accepted languages override")

    def requires(self) -> DayInputClosed:
        return DayInputClosed(date=self.date, input_root=self.input_root)

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(DailyLayout(Path(self.output_root)).day(self.date).success))

    @classmethod
    def bulk_complete(cls, parameter_tuples: Iterable[Any]) -> list[Any]:
        """Checked one by one: RangeDaily's fallback would guess dates from path names instead."""
        return [d for d in parameter_tuples if cls(date=d).complete()]

    def batch(self) -> CleanBatch:
        """The day's batch. Planning again after the dynamic dependency gives the same plan id."""
        settings = settings_for(self.config, self.languages)
        day = self.date.isoformat()
        index = {}  # issue 13: the days' batches share one duplicate index
        if settings.dedup.enabled:
            index = {"dedup_index": str(DailyLayout(Path(self.output_root)).dedup_index), "batch_name": day,
                     "batch_day": day}  # fmt: skip
        started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        options = RunOptions(self.config, self.languages)
        inputs = [str(day_input(self.input_root, self.date))]
        return make_batch(day_output(self.output_root, self.date), inputs, options, started, index)[1]

    def previous_day(self) -> CleanDay | None:
        """The latest earlier day within the duplicate index's horizon whose input is closed."""
        dedup = settings_for(self.config, self.languages).dedup
        for back in range(1, dedup.index_horizon_days + 1) if dedup.enabled else ():
            day = self.clone(date=self.date - dt.timedelta(days=back))
            if day.input().exists():
                return day
        return None

    def run(self) -> Iterator[luigi.Task]:
        previous = self.previous_day()
        if previous is not None and not previous.complete():
            yield previous  # the duplicate index must hold the days before, whatever runs in parallel
        batch = self.batch()
        yield batch
        if callable(self.set_status_message):  # only set inside a Luigi worker
            self.set_status_message(f"{self.date}: batch {batch.plan} complete")
        jsonl.write_json(
            self.output().path,
            {
                "date": self.date.isoformat(),
                "plan": batch.plan,
                "manifest": str(batch.layout.manifest),
            },
        )


class ClosedDays(RangeDaily):
    """RangeDaily over the days whose input is closed: an open day is left for a later run.

    Stock RangeDaily would require it too, and its missing `_SUCCESS` would keep a keep-alive
    worker waiting for the idle limit, then end the run as "missing external data".
    """

    def missing_datetimes(self, finite_datetimes: list[dt.datetime]) -> list[dt.datetime]:
        missing = super().missing_datetimes(finite_datetimes)
        return sorted(d for d in missing if self._instantiate_task_cls(self.datetime_to_parameter(d)).input().exists())


def parse_date(text: str, flag: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{flag} {text!r} is not a date (YYYY-MM-DD)") from None


def resolve_days(args: argparse.Namespace, today: dt.date) -> list[dt.date]:
    """The requested days, oldest first: --date, --start/--stop (stop exclusive), --last N, or yesterday."""
    if args.stop and not args.start:
        raise ConfigError("--stop needs --start")
    if args.date:
        return [parse_date(args.date, "--date")]
    if args.start:
        start = parse_date(args.start, "--start")
        stop = parse_date(args.stop, "--stop") if args.stop else today
        if stop <= start:
            raise ConfigError(f"empty range: --stop {stop} is not after --start {start} (stop is exclusive)")
        return [start + dt.timedelta(days=i) for i in range((stop - start).days)]
    last = 1 if args.last is None else args.last
    if last < 1:
        raise ConfigError("--last must be at least 1")
    return [today - dt.timedelta(days=i) for i in range(last, 0, -1)]


def triage(tasks: list[CleanDay]) -> list[CleanDay]:
    """Say which days are done or not closed yet; return the ones to run."""
    ready = []
    for task in tasks:
        if task.complete():
            print(f"{task.date}: already complete ({day_output(task.output_root, task.date)}): nothing to do")
        elif not task.input().exists():
            print(f"{task.date}: input not closed yet (no {task.input().path}): skipped, a later run takes it")
        else:
            ready.append(task)
    return ready


def range_task(ready: list[CleanDay]) -> luigi.Task:
    """One day as itself; several as ClosedDays with a window that covers them all, whatever today is."""
    if len(ready) == 1:
        return ready[0]
    first, last = ready[0], ready[-1]
    today = dt.datetime.now(dt.UTC).date()  # RangeDaily measures days_back/forward from UTC now
    params = {k: getattr(first, k) for k in ("input_root", "output_root", "config", "languages")}
    window = {
        "start": first.date,
        "stop": last.date + dt.timedelta(days=1),
        "days_back": max(0, (today - first.date).days) + 2,
        "days_forward": max(0, (last.date - today).days) + 2,
        "task_limit": (last.date - first.date).days + 1,
    }
    return ClosedDays(of=CleanDay, of_params=params, param_name="date", **window)


def manifest_line(out: Path) -> str:
    return f"{counts_line(out)} -> {out}"


def report_days(result: Any, root: luigi.Task, ready: list[CleanDay]) -> int:
    """A line per day run; exit 1 naming the days that did not complete."""
    finished_elsewhere(result, root)
    failed = [task for task in ready if not task.complete()]
    for task in ready:
        out = day_output(task.output_root, task.date)
        print(f"{task.date}: FAILED (see below)" if task in failed else f"{task.date}: done: {manifest_line(out)}")
    if failed:
        print(f"FAILED: {len(failed)} of {len(ready)} days: {', '.join(str(t.date) for t in failed)}", file=sys.stderr)
        print(getattr(result, "summary_text", ""), file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def run_daily(args: argparse.Namespace) -> int:
    """`python -m pipeline daily`: see the module docstring."""
    options = RunOptions.from_args(args)
    settings = settings_for(options.config, options.languages)  # a mistake in the settings file is told first
    in_root, out_root = Path(args.input_root).resolve(), Path(args.output_root).resolve()
    if not in_root.is_dir():  # a mistyped root would skip every day as "not closed yet", forever
        raise ConfigError(f"--input-root {args.input_root}: no such folder: give the folder holding YYYY/MM/DD/")
    days = resolve_days(args, dt.date.today())
    if settings.dedup.enabled:  # an index signed with other settings: told before any task
        index = DedupIndex(DailyLayout(out_root).dedup_index, settings.dedup)
        index.check([(d.isoformat(), d.isoformat()) for d in days])
    prepare(options, out_root, [str(in_root)])
    tasks = [CleanDay(date=d, input_root=str(in_root), output_root=str(out_root), config=options.config,
                      languages=options.languages) for d in days]  # fmt: skip
    ready: list[CleanDay] = []
    root: list[luigi.Task] = []

    def plan() -> list[luigi.Task] | int:
        ready.extend(triage(tasks))
        if not ready:
            return EXIT_OK
        for task in ready:  # a day's folder holds that day's batch only
            day = day_output(out_root, task.date)
            make_folder(day)
            claim(day, [str(day_input(in_root, task.date))], overwrite=False)
        root.append(range_task(ready))
        return root

    result = run_locked(options, out_root, plan)
    return result if isinstance(result, int) else report_days(result, root[0], ready)
