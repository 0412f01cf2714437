"""Shared fixtures: the repo's paths, default settings and a loaded Context."""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from pipeline.core import Context
from pipeline.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
DEVSET = ROOT / "tests" / "devset"
LANGUAGES = ROOT / "tests" / "data" / "languages"  # documents in eight languages, written for the tests
BENCH = ROOT / "bench"


FINAL = ("clean", "rejected", "quarantine", "audit")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -m pipeline ARGS` in a real subprocess from the repo root, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)  # fmt: skip


@contextlib.contextmanager
def bench_module(name: str) -> Iterator[ModuleType]:
    """A script of bench/ imported as a module (with bench/ on the path for its own imports)."""
    sys.path.insert(0, str(BENCH))
    try:
        yield importlib.import_module(name)
    finally:
        sys.path.remove(str(BENCH))


def tree_digest(out: Path) -> dict[str, str]:
    """sha256 of every file of a run's final folders, by relative path: the byte-identity check."""
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for folder in FINAL
        for p in sorted((out / folder).rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="session", autouse=True)
def rule_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The start-up cache of rule packs (pipeline/rules/cache.py) in a folder of the session's own,
    for the CLI runs of the tests too: not the user's cache, and not shared with another session."""
    where = tmp_path_factory.mktemp("rule-cache")
    with pytest.MonkeyPatch.context() as m:
        m.setenv("WEBCLEAN_CACHE", str(where))
        yield where


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings()


@pytest.fixture(scope="session")
def ctx(settings: Settings) -> Context:
    return Context.load(settings)
