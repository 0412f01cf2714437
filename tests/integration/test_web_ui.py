"""The luigid web UI in a real headless Chromium, after a batch: the pipeline's tasks are listed as done.

Chromium is Debian's `chromium` package (.ci/run installs it). Without it the test is skipped,
except in CI (CI=true), where a missing browser is a failure. The screenshots (task list,
dependency graph) are kept in the test's tmp folder and copied to data/screenshots/ (git-ignored)
so they can be quoted.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS
from tests.integration.chromium import OFFLINE_FLAGS, find_chromium
from tests.integration.luigid import FAMILIES, SHARD_FAMILIES, Luigid, pipeline, running_luigid

pytestmark = [pytest.mark.browser, pytest.mark.scheduler]

SCREENSHOTS = ROOT / "data" / "screenshots"
SHARDS = 3
FLAGS = OFFLINE_FLAGS
ROW = re.compile(r"</span>\s*(DONE|FAILED|PENDING|RUNNING|DISABLED)\s*</td>\s*<td>(\w+)</td>")
FAMILY_BADGE = re.compile(r'<li data-task="(\w+)"><a href="#"><span class="badge">(\d+)</span>')
DONE_COUNT = re.compile(r'id="DONE_info".*?info-box-number">(\d+)<', re.S)


@pytest.fixture(scope="module")
def chromium() -> str:
    return find_chromium()


@pytest.fixture(scope="module")
def luigid_after_batch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Luigid, Path]]:
    """A fresh luigid that has seen exactly one batch: the 5 seeds in 3 shards of at most 2 files."""
    tmp = tmp_path_factory.mktemp("web-ui")
    config = tmp / "small-shards.toml"
    config.write_text("[input]\nshard_max_files = 2\n")
    with running_luigid(tmp / "luigid") as server:
        out = tmp / "out"
        result = pipeline("run", "--input", str(SEEDS), "--output", str(out), "--config", str(config),
                          "--scheduler-url", server.url)  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert "(5 files, 3 shards)" in result.stdout
        yield server, out


def headless(chromium: str, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """One Chromium run with a throwaway profile; --virtual-time-budget lets the page's AJAX finish."""
    profile = tmp / f"profile-{uuid.uuid4().hex[:8]}"
    cmd = [chromium, *FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=8000", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def test_visualiser_lists_the_batch_as_done(chromium: str, luigid_after_batch: tuple[Luigid, Path],
                                            tmp_path: Path) -> None:  # fmt: skip
    server, out = luigid_after_batch
    page = f"{server.url}static/visualiser/index.html"
    dom = headless(chromium, tmp_path, "--dump-dom", page)
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    expected = {f: str(SHARDS if f in SHARD_FAMILIES else 1) for f in FAMILIES}
    assert dict(FAMILY_BADGE.findall(html)) == expected  # the sidebar: task families and their counts
    assert (m := DONE_COUNT.search(html)) and m.group(1) == str(5 * SHARDS + 3)
    rows = ROW.findall(html)  # the task table's first page
    assert len(rows) == 10 and {status for status, _ in rows} == {"DONE"} and {f for _, f in rows} <= set(FAMILIES)
    assert f"{out}</span>" in html

    png = screenshot(chromium, tmp_path, page, "luigi-ui.png")
    root = next(k for k, t in server.tasks(out).items() if t["name"] == "CleanBatch")
    screenshot(chromium, tmp_path, f"{page}#tab=graph&taskId={root}", "luigi-ui-graph.png")
    assert (SCREENSHOTS / "luigi-ui.png").read_bytes() == png.read_bytes()


def screenshot(chromium: str, tmp: Path, url: str, name: str) -> Path:
    """A 1400x900 PNG of `url` in the test's folder, copied to data/screenshots/ for quoting."""
    png = tmp / name
    shot = headless(chromium, tmp, f"--screenshot={png}", "--window-size=1400,900", url)
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(png, SCREENSHOTS / name)
    return png
