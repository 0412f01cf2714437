"""A real luigid for the tests, started the way operators start it (`python -m pipeline scheduler`).

It listens on a free loopback port with its state and log in a temporary folder and reads
configs/luigi.cfg through LUIGI_CONFIG_PATH. Starting waits until the HTTP API answers; stopping
sends SIGTERM, then SIGKILL, so no test leaves a server behind. Every wait has a deadline.

Run as a script (`python -m tests.integration.luigid`) it measures the scheduler overhead per task,
local scheduler vs luigid, at the default shard size and at smaller ones (docs/operations.md).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tests.conftest import ROOT

LUIGI_CFG = ROOT / "configs" / "luigi.cfg"
FAMILIES = ("RepairEncoding", "LearnBoilerplate", "RemoveChrome", "CheckLanguage", "NormaliseParagraphs",
            "FindDuplicates", "WriteOutputs", "CleanBatch")  # fmt: skip
SHARD_FAMILIES = ("RepairEncoding", "RemoveChrome", "CheckLanguage", "NormaliseParagraphs", "WriteOutputs")


def free_port() -> int:
    """A port nobody listens on now (luigid binds it a moment later; `start` retries if it lost the race)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def luigi_env(config: Path = LUIGI_CFG) -> dict[str, str]:
    return dict(os.environ, LUIGI_CONFIG_PATH=str(config))


def eager_worker_cfg(path: Path, log_level: str = "WARNING") -> Path:
    """configs/luigi.cfg with idle workers asking for work every 0.1 s, without Luigi's random
    extra wait of up to 5 s: after luigid is unpaused, every waiting process takes a task at once."""
    text = LUIGI_CFG.read_text()
    assert "log_level = WARNING" in text and "[worker]\n" in text
    text = text.replace("log_level = WARNING", f"log_level = {log_level}")
    path.write_text(text.replace("[worker]\n", "[worker]\nwait_interval = 0.1\nwait_jitter = 0\n", 1))
    return path


def pipeline(*args: str, env: dict[str, str] | None = None, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """`python -m pipeline ARGS` in a subprocess, as a user runs it; bounded so a hang fails the test."""
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, env=env or luigi_env(),
                          capture_output=True, text=True, timeout=timeout)  # fmt: skip


class Luigid:
    """One luigid process and a small client for its JSON API (/api/<method>?data=<json>)."""

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def log(self) -> Path:
        return self.state_dir / "luigid.out"

    def start(self, attempts: int = 3, timeout: float = 30) -> Luigid:
        for _ in range(attempts):
            self.port = free_port()
            self.state_dir.mkdir(parents=True, exist_ok=True)
            with open(self.log, "ab") as log:
                self.proc = subprocess.Popen(
                    [sys.executable, "-m", "pipeline", "scheduler", "--port", str(self.port),
                     "--state-dir", str(self.state_dir)],
                    cwd=ROOT, env=luigi_env(), stdout=log, stderr=subprocess.STDOUT,
                )  # fmt: skip
            if self._wait_ready(timeout):
                return self
            self.stop()
        raise RuntimeError(f"luigid did not start; its log:\n{self.log.read_text(errors='replace')}")

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                return False  # exited: port taken, bad config...
            with contextlib.suppress(OSError):
                self.api("worker_list")
                return True
            time.sleep(0.2)
        return False

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()  # luigid saves its state on SIGTERM
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None

    def api(self, method: str, **data: Any) -> Any:
        query = urllib.parse.urlencode({"data": json.dumps(data)})
        with urllib.request.urlopen(f"{self.url}api/{method}?{query}", timeout=10) as r:
            return json.loads(r.read())["response"]

    def start_together(self, start: Callable[[int], subprocess.Popen[Any]], n: int = 2) -> list[subprocess.Popen[Any]]:
        """Start `n` worker processes (`start(i)`) that take their first task together: luigid is
        paused (Luigi's own pause, as the web UI's button) until each has registered its tasks.
        Without it a process slowed by load may find the batch done before it asks for work."""
        self.api("pause")
        procs: list[subprocess.Popen[Any]] = []
        try:
            procs = [start(i) for i in range(n)]
            self._wait_for_workers(n)
        except BaseException:
            for p in procs:
                p.kill()
            raise
        finally:
            self.api("unpause")
        return procs

    def _wait_for_workers(self, n: int, timeout: float = 100) -> None:
        """Until `n` workers are stakeholders of pending tasks; shorter than a worker's keep-alive
        (120 s idle), so none gives up while it waits."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if sum(w["num_pending"] > 0 for w in self.api("worker_list")) >= n:
                return
            time.sleep(0.2)
        raise AssertionError(f"{n} workers did not register with luigid in {timeout:.0f} s")

    def tasks(self, output_dir: Path | str, status: str = "") -> dict[str, dict[str, Any]]:
        """task_list for one batch (its output folder), any status unless one is given."""
        found = self.api("task_list", status=status, upstream_status="", search=str(output_dir))
        assert "num_tasks" not in found, f"luigid lists too many tasks: {found}"
        return {k: t for k, t in found.items() if t["params"].get("output_dir") == str(output_dir)}


@contextlib.contextmanager
def running_luigid(state_dir: Path) -> Iterator[Luigid]:
    server = Luigid(state_dir).start()
    try:
        yield server
    finally:
        server.stop()


def worker_pid(worker: str) -> int:
    """The pid in a worker id like 'Worker(salt=1, workers=1, host=vm, username=u, pid=123)'."""
    return int(worker.rsplit("pid=", 1)[1].rstrip(")"))


# ------------------------------------------------------------------ scheduler overhead per task
# python -m tests.integration.luigid [--files 200] [--shard-files 2000 10 2]   (about 1 min for the defaults)


def measure_run(inputs: Path, out: Path, shard_files: int, scheduler_url: str | None) -> dict[str, float]:
    """One batch via luigi.build in this process: wall time of the build vs time spent inside tasks.

    Luigi's PROCESSING_TIME event (run() plus the completeness check) fires in the forked task
    process, so each one appends its seconds to a file; the rest of the wall time is overhead:
    completeness checks at scheduling, scheduler calls, forking, polling.
    """
    import luigi

    from pipeline.runner import RunOptions, make_batch

    config = out.parent / f"{out.name}.toml"
    config.write_text(f"[input]\nshard_max_files = {shard_files}\n")
    plan, task = make_batch(out, [str(inputs)], RunOptions(config=str(config)), started="")
    times = out / "task-seconds.txt"
    os.environ["WEBCLEAN_TASK_TIMES"] = str(times)
    where: dict[str, Any] = {"scheduler_url": scheduler_url} if scheduler_url else {"local_scheduler": True}
    t0 = time.perf_counter()
    result = luigi.build([task], workers=1, detailed_summary=True, **where)
    wall = time.perf_counter() - t0
    assert task.complete(), result.summary_text
    seconds = [float(line) for line in times.read_text().split()]
    inside = sum(seconds)
    return {"tasks": len(seconds), "shards": plan.shards, "wall": wall, "inside": inside,
            "per_task_ms": 1000 * (wall - inside) / len(seconds)}  # fmt: skip


def _record_task_time(task: Any, seconds: float) -> None:
    with open(os.environ["WEBCLEAN_TASK_TIMES"], "a") as f:
        f.write(f"{seconds:.6f}\n")


def main(argv: list[str] | None = None) -> None:
    import argparse
    import shutil
    import tempfile

    import luigi

    p = argparse.ArgumentParser(description="scheduler overhead per task: local scheduler vs luigid")
    p.add_argument("--files", type=int, default=200, help="input files (copies of the seeds)")
    p.add_argument("--shard-files", type=int, nargs="+", default=[2000, 10], help="[input] shard_max_files")
    args = p.parse_args(argv)
    luigi.Task.event_handler(luigi.Event.PROCESSING_TIME)(_record_task_time)
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "in"
        inputs.mkdir()
        for i in range(args.files):
            shutil.copyfile(seeds[i % len(seeds)], inputs / f"{i:05d}_{seeds[i % len(seeds)].name}")
        with running_luigid(Path(tmp) / "luigid") as server:
            print("files  shard_max_files  shards  tasks  scheduler  wall_s  in_tasks_s  overhead_ms_per_task")
            for shard_files in args.shard_files:
                for name, url in (("local", None), ("luigid", server.url)):
                    r = measure_run(inputs, Path(tmp) / f"out-{shard_files}-{name}", shard_files, url)
                    print(f"{args.files:5d}  {shard_files:15d}  {r['shards']:6.0f}  {r['tasks']:5.0f}  {name:9s}  "
                          f"{r['wall']:6.2f}  {r['inside']:10.2f}  {r['per_task_ms']:20.1f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
