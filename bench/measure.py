"""Run a command as a subprocess: wall time and peak memory of the whole process tree.

Two memory figures, because Luigi runs every task in a forked child (the worker's `timeout`
setting forces that, even with one worker):

- `rss_tree`: the peak of the summed resident set of the process and all its descendants,
  sampled every `interval` seconds with psutil (a spike shorter than that can be missed);
- `rss_max`: the largest resident set any single process of the tree reached, from the kernel
  (`wait4` rusage, exact).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

MIB = 1024 * 1024


@dataclass(frozen=True)
class Measured:
    seconds: float
    rss_tree: int  # bytes
    rss_max: int  # bytes
    returncode: int
    stdout: str
    stderr: str


class TreeSampler(threading.Thread):
    """Polls the summed RSS of a process and its descendants until stopped."""

    def __init__(self, pid: int, interval: float) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self.stopped = threading.Event()

    def sample(self) -> int:
        try:
            root = psutil.Process(self.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return 0
        total = 0
        for p in procs:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                continue
        return total

    def run(self) -> None:
        while not self.stopped.is_set():
            self.peak = max(self.peak, self.sample())
            self.stopped.wait(self.interval)


def run(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None, interval: float = 0.05) -> Measured:
    """Run `cmd` to completion; output goes to temporary files so a chatty child never blocks."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err)
        sampler = TreeSampler(proc.pid, interval)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        sampler.stopped.set()
        sampler.join()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    return Measured(seconds, sampler.peak, usage.ru_maxrss * 1024, proc.returncode, stdout, stderr)
