"""No input writes outside the output folder, bad rule packs are refused at start, HTML parsing never
reaches the network or the file system, and nothing listens beyond loopback by default.
"""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from pipeline.cli import build_parser
from tests.conftest import ROOT
from tests.reliability.corpus import good_texts
from tests.reliability.helpers import kill_group, manifest, pipeline_cmd, records, run_pipeline


def snapshot(folder: Path, skip: Path) -> dict[str, int]:
    """Every path under `folder` (not under `skip`) with its mtime: what a run may not touch."""
    out = {}
    for p in folder.rglob("*"):
        if skip not in p.parents and p != skip:
            out[str(p)] = p.lstat().st_mtime_ns
    return out


def test_no_input_writes_outside_the_output_folder(tmp_path: Path) -> None:
    token = f"webclean-evil-{uuid.uuid4().hex[:8]}"
    texts = iter(good_texts())  # distinct texts: nothing recurs enough to be learned as boilerplate
    inp = tmp_path / "in"
    cwd = inp / "sub"
    cwd.mkdir(parents=True)
    evil = [f"../../../../../../../../tmp/{token}", f"/tmp/{token}-abs", f"..\\..\\{token}", "a\u0000b", "..", "/"]
    lines = [json.dumps({"id": i, "text": next(texts), "url": f"file:///tmp/{token}",
                         "metadata": {"path": f"../../{token}"}}) for i in evil]  # fmt: skip
    (inp / "evil.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for name in ("..txt", ".hidden.txt", "-rf.txt", "--output=x.txt", "~home.txt", "CON.txt", "a:b.txt"):
        (inp / name).write_text(next(texts), encoding="utf-8")
    (cwd / f"{token}.txt").write_text(next(texts), encoding="utf-8")
    out = tmp_path / "out"
    before = snapshot(tmp_path, out)
    # Two inputs, one of them "..": sources get the label "..", as in "../evil.jsonl".
    result = run_pipeline("run", "--input", "..", f"{token}.txt", "--output", str(out), cwd=cwd)
    assert result.returncode == 0, result.stderr[-3000:]
    assert snapshot(tmp_path, out) == before
    assert not list(Path("/tmp").glob(f"{token}*")) and not list(ROOT.rglob(f"*{token}*"))
    for p in out.rglob("*"):
        assert not p.is_symlink() and out in p.resolve().parents, p
    by_id = {r["id"]: r for r in records(out)}
    assert set(evil) <= set(by_id)  # ids are data: written as given, never used as paths
    assert manifest(out)["accounting"]["ok"]


# --- rule packs -------------------------------------------------------------------------------

BAD_PATTERNS = {
    "does not compile": ("([unclosed", "does not compile"),
    "nested repetition": ("(a+)+$", "too slow"),
    "overlapping alternatives": ("(a|aa)+$", "too slow"),
}
# Exponential patterns the loader's fixed probe lines ("a", "1 ", "a ", "-", ". ", "ab" repeated)
# never trigger: each of these hangs a worker for hours on a line of 40 x / digits / é.
MISSED_PATTERNS = {"x then y": "(x+x+)+y", "digits": r"^(\d+)*z$", "accented": "(é+)+ç"}


def write_pack(folder: Path, pattern: str) -> Path:
    packs = folder / "packs"
    packs.mkdir(parents=True)
    (packs / "bad.toml").write_text(
        f'[pack]\nid = "bad"\n\n[[rule]]\nid = "evil"\npatterns = [{json.dumps(pattern)}]\n', encoding="utf-8"
    )
    config = folder / "bad-pack.toml"
    config.write_text('[chrome]\ngeneric_packs = ["packs"]\n', encoding="utf-8")
    return config


@pytest.mark.parametrize("name", sorted(BAD_PATTERNS))
def test_bad_rule_pack_is_refused_at_start(name: str, tmp_path: Path) -> None:
    pattern, message = BAD_PATTERNS[name]
    config = write_pack(tmp_path, pattern)
    out = tmp_path / "out"
    start = time.monotonic()
    result = run_pipeline("run", "--input", str(ROOT / "seeds"), "--output", str(out), "--config", str(config),
                          timeout=60)  # fmt: skip
    assert result.returncode == 2, result.stderr[-2000:]
    assert message in result.stderr and "bad.toml" in result.stderr and "bad.evil" in result.stderr
    assert not out.exists(), "refused after work started"
    assert time.monotonic() - start < 30


@pytest.mark.parametrize("name", sorted(MISSED_PATTERNS))
def test_catastrophic_patterns_on_other_characters_are_refused(name: str, tmp_path: Path) -> None:
    config = write_pack(tmp_path, MISSED_PATTERNS[name])
    page = tmp_path / "short.txt"  # nothing here triggers the pattern: the check at start must refuse it
    page.write_text("Le conseil municipal a voté le budget.\n", encoding="utf-8")
    result = run_pipeline("run", "--input", str(page), "--output", str(tmp_path / "out"), "--config", str(config),
                          timeout=60)  # fmt: skip
    assert result.returncode == 2 and "too slow" in result.stderr


# --- network and external entities ------------------------------------------------------------


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A loopback socket nobody should connect to."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        s.setblocking(False)
        yield s


def hostile_html(port: int, secret: Path, paragraphs: list[str]) -> str:
    url = f"http://127.0.0.1:{port}"
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "{url}/dtd" [\n'
        f'<!ENTITY secret SYSTEM "file://{secret}"><!ENTITY remote SYSTEM "{url}/entity">'
        f'<!ENTITY % pe SYSTEM "{url}/pe"> %pe;]>\n'
        f'<html xmlns:xi="http://www.w3.org/2001/XInclude"><head><title>t</title>'
        f'<link rel="stylesheet" href="{url}/css"><script src="{url}/js"></script>'
        f'<meta http-equiv="refresh" content="0; url={url}/refresh"><base href="{url}/base/"></head>'
        f'<body><article><p>&secret; &remote;</p>{body}<img src="{url}/img.png" srcset="{url}/2x.png 2x">'
        f'<iframe src="{url}/frame"></iframe><xi:include href="{url}/xi"/><object data="{url}/obj"></object>'
        f'<video poster="{url}/poster"></video></article></body></html>'
    )


def test_html_never_fetches_or_expands_external_entities(listener: socket.socket, tmp_path: Path) -> None:
    port = listener.getsockname()[1]
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-TOKEN-1234", encoding="utf-8")
    paragraphs = [line for line in good_texts()[1].splitlines() if len(line) > 80]
    page = hostile_html(port, secret, paragraphs)
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "page.html").write_text(page, encoding="utf-8")
    (inp / "page.xhtml.html").write_text(page.replace("&secret;", "&secret;&secret;"), encoding="utf-8")
    row = {"id": "j", "html": page, "url": f"http://127.0.0.1:{port}/page"}
    (inp / "pages.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    with ListeningWatch() as watch:
        result = run_pipeline("run", "--input", str(inp), "--output", str(out), timeout=120, on_start=watch.follow)
    assert result.returncode == 0, result.stderr[-3000:]
    with pytest.raises(BlockingIOError):
        listener.accept()  # nothing connected
    written = b"".join(p.read_bytes() for p in out.rglob("*.jsonl"))
    assert b"TOP-SECRET-TOKEN" not in written
    assert watch.listening == set(), "a local run opened a listening socket"
    assert any(r["decision"] == "clean" for r in records(out))  # the article itself got through


class ListeningWatch:
    """Samples, while a run goes, the listening sockets of its process tree."""

    def __init__(self) -> None:
        self.listening: set[tuple[str, int]] = set()
        self.pid: int | None = None
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> ListeningWatch:
        self.thread.start()
        return self

    def follow(self, pid: int) -> None:
        self.pid = pid

    def _loop(self) -> None:
        while not self.stop.wait(0.05):
            if self.pid is not None:
                self.listening |= listening_sockets(self.pid)

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


def listening_sockets(pid: int) -> set[tuple[str, int]]:
    found: set[tuple[str, int]] = set()
    try:
        root = psutil.Process(pid)
        for proc in [root, *root.children(recursive=True)]:
            for c in proc.net_connections(kind="inet"):
                if c.status == psutil.CONN_LISTEN:
                    found.add((c.laddr.ip, c.laddr.port))
    except psutil.Error:
        pass
    return found


# --- scheduler ----------------------------------------------------------------------------------


def test_scheduler_listens_on_loopback_by_default() -> None:
    assert build_parser().parse_args(["scheduler"]).address == "127.0.0.1"
    help_text = subprocess.run(pipeline_cmd("scheduler", "--help"), capture_output=True, text=True, cwd=ROOT).stdout
    assert "--address" in help_text and "loopback" in help_text


@pytest.mark.scheduler
def test_started_scheduler_listens_only_on_loopback(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(pipeline_cmd("scheduler", "--port", str(port), "--state-dir", str(tmp_path)), cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        found: set[tuple[str, int]] = set()
        while time.monotonic() < deadline and not found:
            time.sleep(0.2)
            found = listening_sockets(proc.pid)
        assert found, "luigid did not start listening"
        assert {ip for ip, _ in found} == {"127.0.0.1"}, found
    finally:
        kill_group(proc)
