"""Running the real pipeline as a user does (a subprocess in its own process group) and reading its outputs."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.jsonl import TMP_MARK
from pipeline.layout import OutputLayout
from tests.conftest import ROOT

ROUTES = {"clean": "clean", "rejected": "rejected", "quarantine": "quarantined"}
# Prints the peak RSS of the pipeline (the wrapper's only child) once it ends: RUSAGE_CHILDREN of a
# fresh process counts that child alone, not the other subprocesses the test session ran.
PEAK_RSS_WRAPPER = (
    "import resource, subprocess, sys\n"
    "rc = subprocess.call(sys.argv[1:])\n"
    "print(f'peak-rss-kb {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}', file=sys.stderr)\n"
    "sys.exit(rc)\n"
)


def pipeline_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", *args]


def run_measured(*args: str, timeout: float = 240) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run `python -m pipeline ARGS`; the result and the pipeline's peak RSS in MB."""
    cmd = [sys.executable, "-c", PEAK_RSS_WRAPPER, *pipeline_cmd(*args)]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    return result, int(result.stderr.rsplit("peak-rss-kb ", 1)[1].split()[0]) // 1024


def run_pipeline(
    *args: str,
    timeout: float = 300,
    cwd: Path = ROOT,
    env: dict[str, str] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m pipeline ARGS` in a new session; on timeout the whole group is killed.

    `env` is added to the environment; `on_start` gets the child's pid as soon as it runs.
    """
    proc = subprocess.Popen(pipeline_cmd(*args), cwd=cwd, env={**os.environ, **(env or {})}, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)  # fmt: skip
    if on_start:
        on_start(proc.pid)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        out, err = proc.communicate()
        raise AssertionError(f"pipeline still running after {timeout} s: {args}\n{err[-3000:]}") from None
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def kill_group(proc: subprocess.Popen[Any]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def records(out: Path) -> list[dict[str, Any]]:
    """Every record of clean/, rejected/ and quarantine/, with its `decision` and `why`."""
    found = []
    for folder, decision in ROUTES.items():
        for part in OutputLayout(out).parts(folder):
            for line in part.read_bytes().splitlines():
                record = json.loads(line)
                why = record.get("reason") or record.get("error") or ""
                found.append({**record, "decision": decision, "why": why})
    return found


def audit_events(out: Path, file_source: str) -> list[dict[str, Any]]:
    path = OutputLayout(out).audit_log(file_source)
    return [json.loads(line) for line in path.read_bytes().splitlines()]


def manifest(out: Path) -> dict[str, Any]:
    return json.loads(OutputLayout(out).manifest.read_text(encoding="utf-8"))


def temporaries(folder: Path) -> list[str]:
    """Temporary files or folders (of pipeline.jsonl or Luigi) left anywhere under `folder`."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if TMP_MARK in p.name or "luigi-tmp" in p.name)


def source_file(source: str) -> str:
    """The input file of a document source: `x.jsonl#3` -> `x.jsonl`."""
    return source.rsplit("#", 1)[0] if "#" in source and source.rsplit("#", 1)[1].isdigit() else source


def decisions_per_file(found: list[dict[str, Any]]) -> dict[str, Counter[str]]:
    per: dict[str, Counter[str]] = {}
    for r in found:
        per.setdefault(source_file(r["source"]), Counter())[r["decision"]] += 1
    return per
