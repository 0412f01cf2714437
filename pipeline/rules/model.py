"""Rules and rule packs, as loaded from `configs/rules/**.toml` (schema: docs/rules.md).

Kinds:
- line:    the whole line matches an exact string or a pattern (on its `line_key`);
- feature: the line's shape matches (`when`: length, words, digit share, link shape...);
- block:   a marker line, then what follows it (`take`: headlines, next N lines, or to the end);
- context: decisions the classifier takes from neighbours (title, isolated short lines,
           repeated paragraphs); declared here so every audit rule id is found in a pack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.rules.features import LineFeatures

ZONES = ("any", "head", "tail", "edge", "body")
TAKES = ("headlines", "next", "to_end")


@dataclass(frozen=True)
class Condition:
    feature: str
    op: str  # "min", "max" or "is"
    value: float | bool

    def holds(self, feats: LineFeatures) -> bool:
        actual = feats.value(self.feature)
        if self.op == "min":
            return actual >= self.value
        if self.op == "max":
            return actual <= self.value
        return actual == self.value


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    description: str = ""
    patterns: tuple[re.Pattern[str], ...] = ()
    exact: frozenset[str] = frozenset()
    when: tuple[Condition, ...] = ()
    zone: str = "any"
    take: str = ""
    count: int = 1
    sites: frozenset[str] | None = None
    examples_match: tuple[str, ...] = ()
    examples_keep: tuple[str, ...] = ()

    def matches(self, key: str, feats: LineFeatures, zone: str) -> bool:
        """Does this line rule, feature rule or block marker match the line?"""
        if not self.zone_allows(zone):
            return False
        if self.when and not all(c.holds(feats) for c in self.when):
            return False
        if self.exact or self.patterns:
            return key in self.exact or any(p.search(key) for p in self.patterns)
        return bool(self.when)

    def zone_allows(self, zone: str) -> bool:
        if self.zone == "any":
            return True
        if self.zone == "edge":
            return zone in ("head", "tail")
        return zone == self.zone


@dataclass(frozen=True)
class SiteInfo:
    id: str
    domains: tuple[str, ...] = ()
    detect: tuple[re.Pattern[str], ...] = ()
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class RulePack:
    id: str
    path: Path
    description: str = ""
    site: SiteInfo | None = None
    rules: tuple[Rule, ...] = field(default_factory=tuple)

    def of_kind(self, *kinds: str) -> list[Rule]:
        return [r for r in self.rules if r.kind in kinds]
