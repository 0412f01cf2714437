"""The command's process (`python -m pipeline`, `webclean`): `cli.entry` ends it without the
interpreter's teardown, so what it printed and its exit code must still arrive whole."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pipeline import cli
from pipeline.layout import OutputLayout

ROOT = Path(__file__).resolve().parent.parent


def command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)  # fmt: skip


def test_a_run_prints_its_whole_summary_and_exits_0(tmp_path: Path) -> None:
    done = command("run", "--input", str(ROOT / "seeds"), "--output", str(tmp_path / "out"), "--local-scheduler")
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith("done: ") and lines[-1].startswith("report: ")
    assert OutputLayout(tmp_path / "out").manifest.is_file()


def test_a_mistake_keeps_its_exit_code_and_line(tmp_path: Path) -> None:
    done = command("run", "--input", str(tmp_path / "missing"), "--output", str(tmp_path / "out"))
    assert done.returncode == cli.EXIT_CONFIG
    assert done.stderr.startswith("error: input not found") and done.stderr.endswith("\n")


def test_help_still_leaves_through_argparse() -> None:
    done = command("--help")
    assert done.returncode == 0 and "usage:" in done.stdout


def test_main_itself_returns_the_code(tmp_path: Path) -> None:
    """Tests and callers that run `main` in their own process keep that process."""
    assert cli.main(["run", "--input", str(tmp_path / "missing"), "--output", str(tmp_path / "out")]) == cli.EXIT_CONFIG
