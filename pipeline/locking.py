"""One run per output folder with the local scheduler.

Luigi's own process lock is keyed by the exact command line (and `luigi.build` turns it off), so
two runs of the same batch spelled differently would both work. An flock on `<output>/.lock`
makes the second exit at once with a message naming the first. Against a central scheduler no
lock is taken: luigid itself hands each shard to one worker.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType
from typing import IO

from pipeline.layout import OutputLayout


class BatchBusy(RuntimeError):
    """Another process is running a batch into the same output folder."""


class BatchLock:
    def __init__(self, output: Path) -> None:
        self.path = OutputLayout(output).lock
        self.f: IO[str] | None = None

    def __enter__(self) -> BatchLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        f = open(self.path, "a+")
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "unknown"
            f.close()
            raise BatchBusy(
                f"another run is already writing to {self.path.parent} (pid {holder}); "
                "wait for it to finish, or use --scheduler-url to share the work"
            ) from None
        f.seek(0)
        f.truncate()
        f.write(str(os.getpid()))
        f.flush()
        self.f = f
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.f is not None:
            fcntl.flock(self.f, fcntl.LOCK_UN)
            self.f.close()
            self.f = None
