"""Ordinary mistakes get a clear answer (issue 16), each through a real subprocess of the CLI.

A user's mistake: exit 2 and one line saying what is wrong and what to do, no traceback. An
output folder belongs to one batch. Unsupported files are counted. A person at a terminal sees
progress; a pipe does not. `make test` says loudly what it cannot run.
"""

from __future__ import annotations

import json
import os
import pty
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.layout import OutputLayout
from tests.conftest import ROOT, SEEDS, run_cli

BIG_FILES = 2500  # enough for a run of a few seconds: time to see progress, or to press Ctrl-C


def one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> str:
    """Exit 2, exactly one line on stderr, starting with `error:`, no traceback; the line."""
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr[-2000:]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr[-2000:]
    for word in words:
        assert word in lines[0]
    return lines[0]


def copy_seeds(folder: Path, n: int = 5) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for seed in sorted(SEEDS.glob("*.txt"))[:n]:
        shutil.copyfile(seed, folder / seed.name)
    return folder


@pytest.fixture(scope="module")
def big_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("big") / "in"
    folder.mkdir()
    texts = [p.read_bytes() for p in sorted(SEEDS.glob("*.txt"))]
    for i in range(BIG_FILES):
        (folder / f"d{i:05d}.txt").write_bytes(texts[i % len(texts)])
    return folder


# ---------------------------------------------------------------- 1, 2: the output folder is owned by its batch


def test_output_inside_an_input_folder_is_refused(tmp_path: Path) -> None:
    inp = copy_seeds(tmp_path / "in", 2)
    for out in (inp / "out", inp):
        line = one_line_error(run_cli("run", "--input", str(inp), "--output", str(out)), "inside the input folder")
        assert "choose an output folder outside the inputs" in line
    assert sorted(p.name for p in inp.iterdir()) == sorted(p.name for p in sorted(SEEDS.glob("*.txt"))[:2])


def test_a_folder_of_another_batch_is_refused_or_replaced_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("run", "--input", str(SEEDS), "--output", str(out)).returncode == 0
    other = copy_seeds(tmp_path / "other", 1)

    refused = run_cli("run", "--input", str(other), "--output", str(out))
    one_line_error(refused, "already holds another batch's outputs", "--overwrite", "empty folder")
    assert json.loads(OutputLayout(out).manifest.read_text())["documents"]["in"] == 5  # untouched

    replaced = run_cli("run", "--input", str(other), "--output", str(out), "--overwrite")
    assert replaced.returncode == 0, replaced.stderr
    assert "done: 1 documents in" in replaced.stdout
    assert len(OutputLayout(out).audit_logs()) == 1  # the old batch's five logs are gone
    report = OutputLayout(out).report.read_text(encoding="utf-8")
    assert all(seed.name not in report for seed in sorted(SEEDS.glob("*.txt"))[1:])

    again = run_cli("run", "--input", str(other), "--output", str(out))  # the same batch: its own folder
    assert again.returncode == 0 and "nothing to do" in again.stdout

    OutputLayout(out).marker.unlink()  # outputs from before folders were claimed
    one_line_error(run_cli("run", "--input", str(other), "--output", str(out)), "outputs of an earlier run")

    handmade = tmp_path / "handmade"  # no marker, no trace of a run: a folder of the user's, used as it is
    OutputLayout(handmade).folder("clean").mkdir(parents=True)
    assert run_cli("run", "--input", str(other), "--output", str(handmade)).returncode == 0


# ---------------------------------------------------------------- 3, 4: values checked at start


@pytest.mark.parametrize(("value", "hint"), [("xx", "'xx'"), ("eng", "did you mean 'en'"),
                                             ("fr-FR", "did you mean 'fr'"), ("", "give language codes")])  # fmt: skip
def test_language_codes_are_checked_against_the_detector(tmp_path: Path, value: str, hint: str) -> None:
    result = run_cli("run", "--input", str(SEEDS), "--output", str(tmp_path / "o"), "--languages", value)
    one_line_error(result, "--languages", hint)
    assert not (tmp_path / "o").exists()


def test_settings_out_of_range_or_unknown_languages_are_refused(tmp_path: Path) -> None:
    for text, words in (("[language]\nmin_prob = 7\n", ["min_prob = 7 is out of range", "between 0 and 1"]),
                        ("[input]\nshard_max_files = 0\n", ["shard_max_files", "at least 1"]),
                        ('[language]\naccept = ["french"]\n', ["[language] accept", "'french'"])):  # fmt: skip
        config = tmp_path / "bad.toml"
        config.write_text(text)
        one_line_error(run_cli("run", "--input", str(SEEDS), "--output", str(tmp_path / "o"), "--config", str(config)),
                       *words)  # fmt: skip


@pytest.mark.parametrize("workers", ["0", "-3", "two"])
def test_workers_must_be_at_least_one(tmp_path: Path, workers: str) -> None:
    t0 = time.monotonic()
    result = run_cli("run", "--input", str(SEEDS), "--output", str(tmp_path / "o"), "--workers", workers)
    one_line_error(result, "--workers", "--help")
    assert time.monotonic() - t0 < 30  # it used to wait 124 s for the scheduler


# ---------------------------------------------------------------- 5: no tracebacks for ordinary errors


def test_output_that_is_a_file_or_cannot_be_created(tmp_path: Path) -> None:
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    one_line_error(run_cli("run", "--input", str(SEEDS), "--output", str(a_file)), "is a file", "choose a folder")
    one_line_error(run_cli("run", "--input", str(SEEDS), "--output", str(a_file / "sub")), "cannot create")


def test_explain_a_missing_file_and_debug_shows_the_traceback(tmp_path: Path) -> None:
    one_line_error(run_cli("explain", str(tmp_path / "missing.txt")), "no such file")
    debug = run_cli("explain", str(tmp_path / "missing.txt"), "--debug")
    assert debug.returncode == 2 and "Traceback" in debug.stderr and "no such file" in debug.stderr


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """`evaluate ... | head`: the reader is gone before anything is written."""
    gold, out = tmp_path / "gold", tmp_path / "out"
    gold.mkdir()
    OutputLayout(out).folder("clean").mkdir(parents=True)
    for i in range(50):
        (gold / f"{i}.json").write_text(json.dumps({"source": f"{i}.txt", "keep": ["Un paragraphe."]}))
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "evaluate", "--gold", str(gold), "--output", str(out)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert err == ""


def test_an_unreachable_scheduler_fails_fast(tmp_path: Path) -> None:
    t0 = time.monotonic()
    result = run_cli("run", "--input", str(SEEDS), "--output", str(tmp_path / "o"), "--scheduler-url",
                     "http://127.0.0.1:9/")  # fmt: skip
    one_line_error(result, "no luigid answers at http://127.0.0.1:9/", "--local-scheduler")
    assert time.monotonic() - t0 < 20


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_is_one_line_and_exit_130(big_input: Path, tmp_path: Path, workers: str) -> None:
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "run", "--input", str(big_input), "--output", str(out),
                             "--workers", workers], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not any(OutputLayout(out).work_dir("progress").glob("*.json")):  # task processes are running
            assert proc.poll() is None and time.monotonic() < deadline, "the run ended before it could be interrupted"
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal does on Ctrl-C: the whole process group
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, err[-2000:]
    assert err.strip().splitlines() == ["interrupted: finished work is kept; run the same command again to go on"]


# ---------------------------------------------------------------- 6: evaluate never scores nothing as a result


def test_evaluate_with_a_missing_folder(tmp_path: Path) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "a.json").write_text(json.dumps({"source": "a.txt", "keep": ["x"]}))
    one_line_error(run_cli("evaluate", "--gold", str(tmp_path / "nope"), "--output", str(tmp_path)), "--gold")
    one_line_error(run_cli("evaluate", "--gold", str(tmp_path), "--output", str(tmp_path)), "no gold annotations")
    one_line_error(run_cli("evaluate", "--gold", str(gold), "--output", str(tmp_path / "nope")),
                   "not the output folder of a run")  # fmt: skip


# ---------------------------------------------------------------- 7: nothing skipped silently


def test_unsupported_files_are_quarantined_and_counted(tmp_path: Path) -> None:
    inp = copy_seeds(tmp_path / "in", 2)
    (inp / "a.pdf").write_bytes(b"%PDF-1.4")
    out = tmp_path / "out"
    result = run_cli("run", "--input", str(inp), "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert "3 documents in, 2 clean, 0 rejected, 1 quarantined" in result.stdout
    assert "top quarantine errors: unsupported file type 1" in result.stdout
    [record] = [json.loads(line) for line in OutputLayout(out).part("quarantine", 0).read_text().splitlines()]
    assert record["source"] == "a.pdf" and record["error"].startswith("unsupported file type (.pdf)")


def test_daily_with_a_missing_input_root_fails(tmp_path: Path) -> None:
    result = run_cli("daily", "--input-root", str(tmp_path / "typo"), "--output-root", str(tmp_path / "out"))
    one_line_error(result, "--input-root", "no such folder")
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- 8: progress and the summary


def run_on_a_terminal(*args: str) -> tuple[int, str, str]:
    """Run the CLI with stderr on a pseudo-terminal (as a person sees it); exit code, stdout, terminal text."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=slave, text=True)  # fmt: skip
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other side closed
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    out, _ = proc.communicate(timeout=300)
    return proc.returncode, out, seen.decode("utf-8", "replace")


def test_progress_on_a_terminal_not_in_a_pipe_nor_with_quiet(big_input: Path, tmp_path: Path) -> None:
    code, out, terminal = run_on_a_terminal("run", "--input", str(big_input), "--output", str(tmp_path / "a"))
    assert code == 0, terminal[-2000:]
    lines = [line for line in terminal.split("\r") if "docs/s" in line]
    assert lines, terminal[-2000:]
    assert all("documents written" in line and "ETA" in line and "%" in line for line in lines)
    assert f"/{BIG_FILES:,} files read" in terminal
    assert "planning: 2,000 files found" in terminal  # the walk of a big input shows too

    summary = out.strip().splitlines()
    assert summary[0].startswith(f"done: {BIG_FILES} documents in")
    assert summary[-2].startswith("top rejection reasons: dedup.duplicate")  # copies of five pages (issue 13)
    assert summary[-1] == f"report: {OutputLayout(tmp_path / 'a').report}"

    piped = run_cli("run", "--input", str(big_input), "--output", str(tmp_path / "b"))
    assert piped.returncode == 0 and piped.stderr == ""
    code, _, terminal = run_on_a_terminal("run", "--input", str(big_input), "--output", str(tmp_path / "c"), "--quiet")
    assert code == 0 and "docs/s" not in terminal


# ---------------------------------------------------------------- 9: make test says what it cannot run


def test_preflight_says_loudly_what_will_be_skipped(tmp_path: Path) -> None:
    tools = tmp_path / "bin"  # a PATH without chromium
    tools.mkdir()
    for tool in ("dirname", "id"):
        found = shutil.which(tool)
        assert found
        (tools / tool).symlink_to(found)
    env = {"PATH": str(tools), "WEBCLEAN_NO_INSTALL": "1", "WEBCLEAN_SHARED": str(tmp_path / "nope")}
    bash = shutil.which("bash") or "/bin/bash"
    local = subprocess.run([bash, str(ROOT / ".ci" / "preflight")], env=env, capture_output=True, text=True)
    assert local.returncode == 0
    assert "SKIPPED: the browser tests" in local.stderr and "need chromium" in local.stderr
    assert f"SKIPPED: the quality gates that need {tmp_path / 'nope'}" in local.stderr
    ci = subprocess.run([bash, str(ROOT / ".ci" / "preflight")], env={**env, "CI": "true"}, capture_output=True,
                        text=True)  # fmt: skip
    assert ci.returncode == 1 and "CI must run the browser tests" in ci.stderr
    makefile = (ROOT / "Makefile").read_text()
    test_target = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "bash .ci/preflight" in test_target and "pytest" in test_target


def test_no_warnings_the_project_can_fix() -> None:
    """Luigi's range-autoload deprecation warning (configs/luigi.cfg sets the option) and setuptools'
    licence-table warning (an SPDX string)."""
    check = subprocess.run([sys.executable, "-W", "error", "-c", "import pipeline.tasks, pipeline.daily"], cwd=ROOT,
                           capture_output=True, text=True, env={k: v for k, v in os.environ.items()
                                                                if k != "LUIGI_CONFIG_PATH"})  # fmt: skip
    assert check.returncode == 0, check.stderr[-2000:]
    assert '\nlicense = "MIT"\n' in (ROOT / "pyproject.toml").read_text()
