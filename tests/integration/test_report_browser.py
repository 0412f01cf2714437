"""The run report in a real headless Chromium: plots drawn, removed lines struck through, a screenshot.

Needs Debian's `chromium` (installed by .ci/run). Skipped when it is missing, except in CI
(`CI=true`), where a missing browser is a failure. Chromium runs offline: a fresh profile, no
background networking, no component updates; the report needs nothing from the network.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS
from tests.integration.chromium import OFFLINE_FLAGS, find_chromium

pytestmark = pytest.mark.browser

SCREENSHOT_COPY = ROOT / "data" / "screenshots" / "report-seeds.png"
WINDOW = (1400, 2000)
OFFLINE = OFFLINE_FLAGS


def chromium() -> str:
    return find_chromium()


def browse(tmp_path: Path, url: str, *options: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    profile.mkdir()
    command = [chromium(), *OFFLINE, f"--user-data-dir={profile}", *options, url]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "out"
    result = subprocess.run([sys.executable, "-m", "pipeline", "run", "--input", str(SEEDS), "--output", str(out),
                             "--local-scheduler"], cwd=ROOT, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return out / "report.html"


def test_plots_and_struck_lines_in_the_dom(report: Path, tmp_path: Path) -> None:
    result = browse(tmp_path, report.as_uri(), "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    svgs = {name: svg for svg, name in re.findall(r'(<svg\b[^>]*data-plot="(\w+)".*?</svg>)', dom, re.S)}
    assert sorted(svgs) == ["languages", "removed", "rules", "sites"]  # no rejections: nothing to plot
    for svg in svgs.values():  # bars drawn (rects with a tooltip), axes and labels as text
        assert re.search(r"<rect [^>]*width=\"[1-9][^>]*><title>", svg) and "<line " in svg and "<text " in svg
    rules = re.findall(r"<rect [^>]*><title>([^<]*): \d+</title>", svgs["rules"])
    manifest = json.loads((report.parent / "manifest.json").read_text())
    assert sorted(rules) == sorted(manifest["rules"])  # one bar per rule
    assert ">site.sputnik.short-url</text>" in svgs["rules"]  # labelled with its id
    assert re.search(r"<del>URL courte</del><span [^>]*>site\.sputnik\.short-url</span>", dom)
    assert 'id="shard-00000"' in dom


def test_screenshot(report: Path, tmp_path: Path) -> None:
    png = tmp_path / "report-seeds.png"
    result = browse(tmp_path, report.as_uri(), f"--screenshot={png}", "--window-size={},{}".format(*WINDOW))
    assert result.returncode == 0 and png.exists(), result.stderr[-2000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", data[16:24]) == WINDOW
    assert len(data) > 20_000  # a drawn page, not a blank one
    SCREENSHOT_COPY.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(png, SCREENSHOT_COPY)


def test_shard_anchor_opens_the_shard_row(report: Path, tmp_path: Path) -> None:
    """The tracking URL of a shard task (report.html#shard-00000) resolves to its row."""
    result = browse(tmp_path, report.as_uri() + "#shard-00000", "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    assert re.search(r'<tr id="shard-00000"><td>00000</td><td>5</td><td>5</td>', result.stdout)
