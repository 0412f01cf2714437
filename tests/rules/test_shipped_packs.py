"""The speed probe of every pattern shipped under configs/rules/: the loader skips it for these
packs at start (it was a third of loading them) and probes every other pack (user, site, learned)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import RuleError
from pipeline.rules import loader

PACKS = sorted(loader.SHIPPED_PACKS.rglob("*.toml"))


def test_there_are_shipped_packs() -> None:
    assert len(PACKS) > 5 and all(loader.shipped(p) for p in PACKS)


@pytest.mark.parametrize("path", PACKS, ids=lambda p: str(p.relative_to(loader.SHIPPED_PACKS)))
def test_every_shipped_pattern_passes_the_speed_probe(path: Path) -> None:
    pack = loader.load_pack(path)
    patterns = [(p, f"rule {r.id}") for r in pack.rules for p in r.patterns]
    patterns += [(p, "[site]") for p in (pack.site.detect if pack.site else ())]
    for pattern, where in patterns:
        loader.check_speed(pattern, path, where)


def test_other_packs_are_probed_at_load(tmp_path: Path) -> None:
    pack = tmp_path / "configs" / "rules" / "slow.toml"  # named like a shipped pack, but elsewhere
    pack.parent.mkdir(parents=True)
    pack.write_text('[pack]\nid = "slow"\n\n[[rule]]\nid = "a"\npatterns = ["(a+)+$"]\n', encoding="utf-8")
    assert not loader.shipped(pack)
    with pytest.raises(RuleError, match="too slow"):
        loader.load_pack(pack)
