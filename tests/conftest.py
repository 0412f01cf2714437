"""Shared fixtures: the repo's paths, default settings and a loaded Context."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.core import Context
from pipeline.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
DEVSET = ROOT / "tests" / "devset"


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings()


@pytest.fixture(scope="session")
def ctx(settings: Settings) -> Context:
    return Context.load(settings)
