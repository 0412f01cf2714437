"""A live progress line for a person at a terminal: documents done, rate, ETA.

Luigi runs each task in a forked process (always: `[worker] timeout` needs one), so the CLI process
cannot count documents itself. Each shard task writes its counts to a small file about once a second
(`work/progress/<its output name>.json`, no fsync: it is only a hint). A thread of the CLI process
walks the batch's task graph once (the same `requires()` Luigi walks, so new stages are included),
then polls those files; a finished task's file is not read again. Several workers, or several
processes sharing a central scheduler, write the same files, so every watcher sees all the work.
The thread writes with os.write, holding no Python lock a forked task process could inherit.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from pathlib import Path
from typing import Any

import luigi.task

from pipeline import jsonl
from pipeline.layout import OutputLayout

POLL_SECONDS = 0.5


def progress_path(task: Any) -> Path:
    return OutputLayout(Path(task.output_dir)).progress(task.output().path)


def write_progress(task: Any, done: int, total: int) -> None:
    """Called by a shard task about once a second; never fails the task."""
    with contextlib.suppress(OSError), jsonl.atomic_open(progress_path(task), sync=False) as f:
        f.write(jsonl.dumps({"stage": task.stage, "done": done, "total": total}))


class ProgressLine:
    """Redraws one line on a terminal (`fd`, stderr by default) while the batch of `root` runs."""

    def __init__(self, root: Any, fd: int = 2) -> None:
        self.root, self.fd = root, fd
        self.paths: dict[Path, tuple[str, Path]] = {}  # progress file -> (stage, the task's output)
        self.finished: dict[Path, tuple[int, int]] = {}
        self.started = time.monotonic()
        self.at_start: tuple[float, int] | None = None  # work already done (reused) when polling began
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="webclean-progress", daemon=True)
        self.shown = False

    def __enter__(self) -> ProgressLine:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_event.set()
        self.thread.join(timeout=5)
        if self.shown:
            os.write(self.fd, b"\r\x1b[K")  # leave the terminal clean for the summary

    def _loop(self) -> None:
        with contextlib.suppress(Exception):  # progress is a courtesy: it never breaks a run
            self.collect(self.root)
            while not self.stop_event.wait(POLL_SECONDS):
                line = self.render()
                if line and not self.stop_event.is_set():
                    os.write(self.fd, ("\r\x1b[K" + line).encode("utf-8", "replace"))
                    self.shown = True

    def collect(self, root: Any) -> None:
        """Every shard task below `root` (a stage task has a `stage` and a `shard`)."""
        seen: set[str] = set()
        stack = [root]
        while stack:
            task = stack.pop()
            if task.task_id in seen:
                continue
            seen.add(task.task_id)
            if getattr(task, "stage", "") and hasattr(task, "shard"):
                self.paths[progress_path(task)] = (task.stage, Path(task.output().path))
            stack.extend(luigi.task.flatten(task.requires()))

    def counts(self) -> list[tuple[str, int, int]]:
        """(stage, done, total) of every shard task; (stage, 0, 0) for one that has not started."""
        rows = []
        for path, (stage, output) in list(self.paths.items()):
            counts = self.finished.get(path) or self._read(path)
            if counts is None and output.exists():  # done by an earlier run that kept no progress file
                counts = (1, 1)
            if counts and counts[1] and counts[0] >= counts[1]:
                self.finished[path] = counts
            rows.append((stage, *(counts or (0, 0))))
        return rows

    @staticmethod
    def _read(path: Path) -> tuple[int, int] | None:
        try:
            record = jsonl.loads(path.read_bytes())
            return int(record["done"]), int(record["total"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def render(self) -> str:
        rows = self.counts()
        if not rows:
            return ""
        if self.at_start is None:
            self.at_start = (share_done(rows), sum(done for _, done, _ in rows))
        return format_line(rows, time.monotonic() - self.started, self.at_start)


def share_done(rows: list[tuple[str, int, int]]) -> float:
    return sum(min(1.0, done / total) if total else 0.0 for _, done, total in rows) / len(rows)


def format_line(rows: list[tuple[str, int, int]], elapsed: float, at_start: tuple[float, int] = (0.0, 0)) -> str:
    """`42% | 1,234 documents written | 6,000/6,000 files read | 310 docs/s | ETA 0:41`."""
    fraction = share_done(rows)
    stages = {stage for stage, _, _ in rows}
    written = sum(done for stage, done, _ in rows if stage == "write")
    read = [(done, total) for stage, done, total in rows if stage == "encoding"]
    # Documents through the whole chain per second: every stage's work, shared out over the stages.
    # Reused outputs of an earlier run (at_start) say nothing about speed.
    rate = (sum(done for _, done, _ in rows) - at_start[1]) / max(1, len(stages)) / max(elapsed, 1e-6)
    parts = [f"{fraction:4.0%}", f"{written:,} documents written"]
    if read:
        parts.append(f"{sum(d for d, _ in read):,}/{sum(t for _, t in read):,} files read")
    parts.append(f"{rate:,.0f} docs/s")
    gained = fraction - at_start[0]
    parts.append(f"ETA {_clock(elapsed * (1 - fraction) / gained)}" if gained > 0.01 else "ETA --:--")
    return " | ".join(parts)


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"
