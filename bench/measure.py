"""Run a command as a subprocess: wall time and peak memory of the whole process tree.

Two memory figures, because Luigi runs every task in a forked child (the worker's `timeout`
setting forces that, even with one worker):

- `rss_tree`: the peak of the summed resident set of the process and all its descendants,
  sampled every `interval` seconds with psutil (a spike shorter than that can be missed);
- `rss_max`: the largest resident set any single process of the tree reached, from the kernel
  (`wait4` rusage, exact).
"""

from __future__ import annotations

import json
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
    cpu: float = 0.0  # CPU seconds (user + system) of the process and the children it waited for (wait4)


class TreeSampler(threading.Thread):
    """Polls the summed RSS of a process and its descendants until stopped."""

    def __init__(self, pid: int, interval: float, curve: Path | None = None, curve_every: float = 5.0) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self.curve, self.curve_every = curve, curve_every
        self.stopped = threading.Event()

    def sample(self) -> dict[int, int]:
        """RSS in bytes of the process and each descendant, by pid."""
        try:
            root = psutil.Process(self.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return {}
        sizes = {}
        for p in procs:
            try:
                sizes[p.pid] = p.memory_info().rss
            except psutil.Error:
                continue
        return sizes

    def run(self) -> None:
        start = last = time.perf_counter()
        if self.curve:
            self.curve.parent.mkdir(parents=True, exist_ok=True)
        log = self.curve.open("a", encoding="utf-8") if self.curve else None
        while not self.stopped.is_set():
            sizes = self.sample()
            self.peak = max(self.peak, sum(sizes.values()))
            now = time.perf_counter()
            if log and now - last >= self.curve_every:  # the curve: a line every few seconds, not every poll
                last = now
                mib = {str(pid): round(rss / MIB) for pid, rss in sizes.items()}
                log.write(json.dumps({"t": round(now - start, 1), "tree_mib": sum(mib.values()), "pids": mib}) + "\n")
                log.flush()
            self.stopped.wait(self.interval)
        if log:
            log.close()


def run(
    cmd: list[str],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    interval: float = 0.05,
    curve: Path | None = None,
) -> Measured:
    """Run `cmd` to completion; output goes to temporary files so a chatty child never blocks.

    `curve`: append a JSON line every 5 s (seconds since start, summed RSS, RSS by pid) to that file."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err)
        sampler = TreeSampler(proc.pid, interval, curve)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        sampler.stopped.set()
        sampler.join()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    cpu = usage.ru_utime + usage.ru_stime
    return Measured(seconds, sampler.peak, usage.ru_maxrss * 1024, proc.returncode, stdout, stderr, cpu)
