"""The seeds run every report test reads (run once per session), and helpers to read its report."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from pipeline.layout import OutputLayout
from tests.conftest import SEEDS, run_cli

STRUCK_SHORT_URL = re.compile(r'<del>URL courte</del><span class="rule"[^>]*>site\.sputnik\.short-url</span>')
NETWORK_REF = re.compile(r"""\b(?:src|href|action|poster|data|srcset)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


@pytest.fixture(scope="session")
def seeds_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "out"
    result = run_cli("run", "--input", str(SEEDS), "--output", str(out), "--local-scheduler")
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def seeds_html(seeds_out: Path) -> str:
    return OutputLayout(seeds_out).report.read_text(encoding="utf-8")


def cell(html: str, label: str) -> str:
    found = re.search(rf"<td>{re.escape(label)}</td><td>([^<]*)</td>", html)
    assert found, label
    return found.group(1)


def manifest_of(out: Path) -> dict[str, Any]:
    return dict(json.loads(OutputLayout(out).manifest.read_text()))


def work_file(out: Path, stage: str, shard: int = 0) -> Path:
    """A shard's output of `stage` (encoding, chrome, language, normalise) in the run of folder `out`."""
    m = manifest_of(out)
    return OutputLayout(out).shard_output(stage, m["plan"]["id"], shard, m["config"]["fingerprints"][stage])
