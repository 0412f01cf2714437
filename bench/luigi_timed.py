"""`python -m pipeline ...`, plus a record of where Luigi spent the time (for the memory runs).

    python bench/luigi_timed.py TIMINGS.jsonl run --input DIR --output DIR --local-scheduler

Runs the pipeline's own CLI unchanged, with Luigi event handlers that append one JSON line per
task (family, id, pid, shard, start, seconds inside `run()`, and `cpu`: the CPU seconds of the task process
over the same span) to TIMINGS.jsonl, and one line each for the moments `luigi.build` is entered and
left (with the CLI process's CPU seconds so far: start-up, then start-up and scheduling). Task
processes are forked, so every line is appended with one write to a file opened in append mode.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any, NoReturn

T0 = time.time()


def append(path: str, record: dict[str, Any]) -> None:
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")


def install(path: str) -> None:
    import luigi

    starts: dict[str, tuple[float, float]] = {}

    @luigi.Task.event_handler(luigi.Event.START)
    def _start(task: luigi.Task) -> None:
        starts[task.task_id] = (time.time(), time.process_time())

    @luigi.Task.event_handler(luigi.Event.PROCESSING_TIME)
    def _done(task: luigi.Task, seconds: float) -> None:
        start, cpu = starts.get(task.task_id, (None, None))
        record = {"event": "task", "family": task.task_family, "id": task.task_id, "pid": os.getpid(),
                  "shard": task.param_kwargs.get("shard"), "start": start, "seconds": seconds,
                  "cpu": None if cpu is None else time.process_time() - cpu}  # fmt: skip
        append(path, record)

    build = luigi.build

    def timed_build(*args: Any, **kwargs: Any) -> Any:
        append(path, {"event": "build-start", "time": time.time(), "process-start": T0, "cpu": time.process_time()})
        try:
            return build(*args, **kwargs)
        finally:
            append(path, {"event": "build-end", "time": time.time(), "cpu": time.process_time()})

    luigi.build = timed_build

    import pipeline.plan

    make_plan = pipeline.plan.make_plan

    def timed_plan(*args: Any, **kwargs: Any) -> Any:  # the CLI imports make_plan when it plans
        t, cpu = time.time(), time.process_time()
        try:
            return make_plan(*args, **kwargs)
        finally:
            append(path, {"event": "plan", "seconds": time.time() - t, "cpu": time.process_time() - cpu})

    pipeline.plan.make_plan = timed_plan


def main() -> NoReturn:
    path, argv = sys.argv[1], sys.argv[2:]
    install(path)
    from pipeline.cli import leave
    from pipeline.cli import main as pipeline_main

    code = pipeline_main(argv)
    append(path, {"event": "exit", "time": time.time(), "cpu": time.process_time()})
    leave(code)  # as the command itself ends (`cli.entry`)


if __name__ == "__main__":
    main()
