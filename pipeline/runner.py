"""Running batches: the exit codes, and the one code path `run` (cli.py) and `daily` (daily.py)
share from checked options to a batch's task and Luigi's result.

    options = RunOptions.from_args(args)      config path resolved, --languages checked
    prepare(options, out, inputs)             packs loaded and checked, folder allowed and made
    result = run_locked(options, out, plan)   Ctrl-C quiet, folder locked, `plan` makes the tasks
                                              (make_batch: plan the inputs, a CleanBatch), luigi.build
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
import time
import types
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import luigi
from luigi.execution_summary import LuigiRunResult, LuigiStatusCode, _summary_dict
from luigi.rpc import RemoteScheduler

from pipeline.errors import ConfigError
from pipeline.layout import OutputLayout
from pipeline.locking import BatchBusy, BatchLock
from pipeline.outdir import check_location, make_folder
from pipeline.plan import Plan, make_plan
from pipeline.progress import ProgressLine
from pipeline.settings import parse_languages
from pipeline.tasks import CleanBatch, context_for, cyclic_gc_paused, fingerprints_for, settings_for

EXIT_OK, EXIT_FAILED, EXIT_CONFIG, EXIT_BUSY, EXIT_INTERRUPTED, EXIT_PIPE = 0, 1, 2, 3, 130, 141


@dataclass(frozen=True)
class RunOptions:
    """What `run` and `daily` are given besides their inputs and outputs."""

    config: str = ""  # the settings file, resolved ("" = the defaults)
    languages: str = ""  # checked --languages ("" = the settings')
    workers: int = 1
    scheduler_url: str | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> RunOptions:
        return cls(
            config=str(Path(args.config).resolve()) if args.config else "",
            languages=canonical_languages(args.languages),
            workers=args.workers,
            scheduler_url=args.scheduler_url or None,
        )

    def luigi_options(self) -> dict[str, Any]:
        where = {"scheduler_url": self.scheduler_url} if self.scheduler_url else {"local_scheduler": True}
        return {"workers": self.workers, "detailed_summary": True, **where}


def canonical_languages(text: str | None) -> str:
    """`--languages` checked against the detector's codes, as the tasks' parameter ("" = settings)."""
    return "" if text is None else ",".join(parse_languages(text, "--languages"))


def prepare(options: RunOptions, out: Path, inputs: list[str]) -> None:
    """Everything that can be checked before a file is written, then the output folder made.

    The rule packs are validated and kept, with the run's fingerprints, in the caches the tasks use:
    worker processes are forked from this one and share them instead of reloading. Loading them
    makes many objects and no garbage cycles: the cyclic collector is paused meanwhile (it walked
    them again and again, 0.035 s of the 0.25 s it takes, with nothing else running).
    """
    with cyclic_gc_paused():
        context_for(options.config, options.languages, "")
        fingerprints_for(options.config, options.languages)
    check_location(out, inputs)
    if options.scheduler_url:
        check_scheduler(options.scheduler_url)
    make_folder(out)


def make_batch(
    out: Path,
    inputs: list[str],
    options: RunOptions,
    started: str,
    index: dict[str, str] | None = None,
    on_shard: Callable[[int], None] | None = None,
) -> tuple[Plan, CleanBatch]:
    """Plan the inputs into `out` and make the batch's last task (the same plan gives the same task)."""
    settings = settings_for(options.config, options.languages)
    with cyclic_gc_paused():  # the input listing: many objects, no cycles (as in `prepare`)
        plan = make_plan(inputs, settings.input, OutputLayout(out), on_shard)
    task = CleanBatch(output_dir=str(out), plan=plan.id, config=options.config, languages=options.languages,
                      fingerprint=fingerprints_for(options.config, options.languages)["normalise"],
                      started=started, **(index or {}))  # fmt: skip
    return plan, task


def run_locked(
    options: RunOptions, out: Path, plan: Callable[[], list[luigi.Task] | int], live: bool = False
) -> LuigiRunResult | int:
    """Run the tasks `plan` makes (claiming folders, planning) under the output folder's lock; `plan`
    returns an exit code instead when there is nothing to run. Against luigid no lock is taken: it
    hands each task to one worker. `live`: the progress line on the terminal."""
    interrupt_quietly()
    try:
        with BatchLock(out) if not options.scheduler_url else contextlib.nullcontext():
            tasks = plan()
            if isinstance(tasks, int):
                return tasks
            with ProgressLine(tasks[0]) if live else contextlib.nullcontext():
                return luigi.build(tasks, **options.luigi_options())
    except BatchBusy as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_BUSY


def check_scheduler(url: str, timeout: float = 5) -> None:
    """Fail in seconds, not after Luigi's minute of RPC retries ending in pages of tracebacks."""
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/api/worker_list", timeout=timeout) as r:
            if r.status == 200:
                return
    except (OSError, ValueError):
        pass
    raise ConfigError(f"no luigid answers at {url}: start it (python -m pipeline scheduler) "
                      "or run with --local-scheduler")  # fmt: skip


def interrupt_quietly() -> None:
    """Ctrl-C reaches every process of the terminal's group: Luigi's forked task processes leave at
    once and silently (their outputs are atomic), the CLI process alone says so, in one line."""
    parent = os.getpid()

    def handler(signum: int, frame: types.FrameType | None) -> None:
        if os.getpid() != parent:
            os._exit(EXIT_INTERRUPTED)
        if frame is not None and frame.f_globals.get("__name__") == "logging":
            # Inside logging's fork hooks (run around every task process's fork) Python ignores
            # exceptions, so the interrupt would be lost: deliver it again a moment later.
            threading.Timer(0.05, os.kill, (parent, signal.SIGINT)).start()
            return
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, handler)


def succeeded(result: Any, task: Any) -> bool:
    """The run did its work, or other workers of a shared luigid did (`finished_elsewhere`)."""
    status = getattr(result, "status", None)
    ok = status in (LuigiStatusCode.SUCCESS, LuigiStatusCode.SUCCESS_WITH_RETRY)
    return ok or finished_elsewhere(result, task)


def failed_tasks(result: object) -> list[str]:
    """One line per failed task, naming its stage and shard (Luigi's summary shortens long ones)."""
    worker = getattr(result, "worker", None)
    if worker is None:
        return []
    failed = _summary_dict(worker).get("failed", set())
    return sorted(f"failed: {t.task_family} shard {getattr(t, 'shard', '-')} ({t.task_id})" for t in failed)


def finished_elsewhere(result: object, task: Any) -> bool:
    """True when other workers of a shared luigid completed what this worker was not given.

    A worker quits once nothing is left that it may run, even while another worker still runs the
    batch's last tasks; Luigi then calls the run NOT_RUN ("not granted run permission") although
    nothing failed. So wait for those workers, then judge by the root task's own complete().
    """
    worker = getattr(result, "worker", None)
    if getattr(result, "status", None) != LuigiStatusCode.NOT_RUN or worker is None:
        return False
    scheduler = getattr(worker, "_scheduler", None)
    if isinstance(scheduler, RemoteScheduler):
        wait_for_other_workers(scheduler, worker._id, task)
    return bool(task.complete())


def wait_for_other_workers(scheduler: Any, worker_id: str, task: Any, poll: float = 1.0, grace: float = 30.0) -> None:
    """Poll luigid while tasks of ours run elsewhere; ping so it keeps us registered meanwhile.

    A failed task waiting for its retry on another worker (pending, nothing running) gets `grace`
    seconds; a task killed with its worker is back to pending after luigid's worker_disconnect_delay.
    """
    idle_since, told = time.monotonic(), False
    while not task.complete():
        state = scheduler.count_pending(worker=worker_id)
        scheduler.ping(worker=worker_id)
        if state["running_tasks"]:
            idle_since = time.monotonic()
            if not told:
                print(f"waiting: {len(state['running_tasks'])} task(s) of this batch run by other workers", flush=True)
                told = True
        elif not state["n_pending_tasks"] or time.monotonic() - idle_since > grace:
            return
        time.sleep(poll)
