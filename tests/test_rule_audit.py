"""`bench/rule_audit.py` labels each dropped line as the trainer labels lines, per rule id."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from pipeline.core import Context
from pipeline.evaluation.pages import Page
from pipeline.settings import load_settings
from tests.conftest import BENCH, ROOT, bench_module

ARTICLE = [
    "The council voted on Tuesday to rebuild the old footbridge over the river before next winter.",
    "Work starts in March, and the crossing will stay closed to cyclists for about six weeks.",
    "The mayor said the new bridge would be wider, with a separate lane for bicycles and prams.",
]


@pytest.fixture(scope="module")
def audit() -> Iterator[ModuleType]:
    with bench_module("rule_audit") as module:
        yield module


def _page(tmp_path: Path, lines: list[str], reference: str) -> Page:
    path = tmp_path / "page.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return Page("wcxb/page", "wcxb", "train", "example", path, reference)


def test_dropped_lines_are_labelled_content_chrome_or_copy(audit: ModuleType, tmp_path: Path) -> None:
    ctx = Context.load(load_settings(None))
    ctx = dataclasses.replace(ctx, settings=ctx.settings.with_languages("any"))
    # The reference keeps "Contact Us" as a paragraph (a disagreement the audit must show as
    # content), the share button is chrome, and the repeated paragraphs (a block) are copies.
    lines = ["Share on Facebook", *ARTICLE, ARTICLE[0], ARTICLE[1], "Contact Us"]
    page = _page(tmp_path, lines, "\n".join([*ARTICLE, "Contact Us"]))
    rows = {r["text"]: r for r in audit.dropped_lines(ctx, page, page.raw(), "txt")}
    assert rows["Share on Facebook"]["content"] is False and rows["Share on Facebook"]["copy"] is False
    assert rows["Contact Us"]["content"] is True and rows["Contact Us"]["rule"] == "generic.meta.contact-us"
    assert rows[ARTICLE[0]]["copy"] is True and rows[ARTICLE[0]]["content"] is False
    table = audit.table([{"page": "p", "path": "text", **r} for r in rows.values()])
    assert table["generic.meta.contact-us"]["content_lines"] == 1
    assert table["generic.meta.contact-us"]["examples"] == ["p [text]: Contact Us"]
    assert "| generic.meta.contact-us | 1 | 0 | 0 | 2 | 0 |" in audit.render(table)


def test_the_test_split_is_refused() -> None:
    done = subprocess.run([sys.executable, str(BENCH / "rule_audit.py"), "--splits", "dev,test"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 2 and "test split stays unseen" in done.stderr


def test_content_lines_lists_every_erased_line_per_rule(audit: ModuleType) -> None:
    rows = [
        {"page": "a", "path": "text", "rule": "r.one", "text": "First kept", "words": 2, "content": True},
        {"page": "a", "path": "html", "rule": "r.one", "text": "Second", "words": 1, "content": True},
        {"page": "b", "path": "text", "rule": "r.two", "text": "A much longer line", "words": 4, "content": True},
        {"page": "b", "path": "text", "rule": "r.two", "text": "Menu", "words": 1, "content": False},
    ]
    listed = audit.content_lines(rows).splitlines()
    assert listed == ["r.two: 4 content words", "  b [text]", "    A much longer line",
                      "r.one: 3 content words", "  a [html]", "    Second", "  a [text]", "    First kept"]  # fmt: skip
    assert audit.content_lines(rows, ("r.one",)).splitlines()[0] == "r.one: 3 content words"
