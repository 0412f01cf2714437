"""No rule may hold a string from a test-split page: the test split measures what rules written
elsewhere do on sites never seen (issue 12). A rule example, or a literal run of a pattern, of 25
characters or more that occurs in a test page but in no train or dev page was taken from it."""

from __future__ import annotations

import re
import tomllib

import pytest

from pipeline.evaluation.pages import load_pages
from pipeline.settings import CONFIG_DIR
from tests.conftest import SHARED

pytestmark = pytest.mark.skipif(not (SHARED / "realpages").is_dir(), reason="needs ../shared (the real pages)")

MIN_CHARS = 25
_SPACE = re.compile(r"\s+")
_PATTERN_SYNTAX = re.compile(r"\\[a-zA-Z]|[\\^$()|?*+\[\]{}.]")


def _folded(text: str) -> str:
    return _SPACE.sub(" ", text.lower())


def _strings_of_rules() -> list[tuple[str, str]]:
    """(rule id, string) for every example and every literal run of a pattern or marker."""
    out = []
    for path in sorted((CONFIG_DIR / "rules").rglob("*.toml")):
        with path.open("rb") as f:
            pack = tomllib.load(f)
        for rule in pack.get("rule", []):
            rid = f"{path.stem}.{rule.get('id')}"
            examples = rule.get("examples", {})
            out += [(rid, e) for kind in ("match", "keep") for e in examples.get(kind, [])]
            patterns = [*rule.get("patterns", []), *rule.get("marker", [])]
            out += [(rid, run.strip()) for p in patterns for run in _PATTERN_SYNTAX.split(p)]
    return [(rid, _folded(s)) for rid, s in out if len(s.strip()) >= MIN_CHARS]


def test_no_rule_holds_a_string_found_only_in_test_pages() -> None:
    pages: dict[bool, list[str]] = {True: [], False: []}
    for page in load_pages(SHARED):
        pages[page.split == "test"].append(_folded(page.raw().decode("utf-8", "replace")))
    test, elsewhere = "\n".join(pages[True]), "\n".join(pages[False])
    taken = [(rid, s) for rid, s in _strings_of_rules() if s in test and s not in elsewhere]
    assert not taken, f"rule strings found only in test-split pages: {taken}"
