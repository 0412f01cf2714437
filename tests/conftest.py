"""Shared fixtures: the repo's paths, default settings and a loaded Context."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from pipeline.core import Context
from pipeline.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
DEVSET = ROOT / "tests" / "devset"


FINAL = ("clean", "rejected", "quarantine", "audit")


def tree_digest(out: Path) -> dict[str, str]:
    """sha256 of every file of a run's final folders, by relative path: the byte-identity check."""
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for folder in FINAL
        for p in sorted((out / folder).rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings()


@pytest.fixture(scope="session")
def ctx(settings: Settings) -> Context:
    return Context.load(settings)
