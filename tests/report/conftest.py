"""The seeds run every report test reads (run once per session), and helpers to read its report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

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
    return (seeds_out / "report.html").read_text(encoding="utf-8")


def cell(html: str, label: str) -> str:
    found = re.search(rf"<td>{re.escape(label)}</td><td>([^<]*)</td>", html)
    assert found, label
    return found.group(1)
