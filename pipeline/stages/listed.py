"""Lists on extracted text (the chrome stage, HTML path): one date alone on a line is a dateline,
chrome; two or more in a row are a list (a schedule, the phases of a project), content.

Rules with `role = "list-item"` mark such shapes (configs/rules/generic/meta.toml). The HTML
extractor already removed the page's layout (archive menus, widgets of dated teasers), so on its
text a run of them is the article's own list. On the text path they stay chrome.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class _Line(Protocol):
    rule: str | None
    reason: str
    cls: str


def keep_runs(lines: Sequence[_Line], item_rules: frozenset[str]) -> None:
    """Undo the drops of list-item rules on lines next to another such line (empty lines aside)."""
    visible = [line for line in lines if line.cls != "empty"]
    listed = [line.rule is not None and line.rule in item_rules for line in visible]
    runs = [
        line
        for k, line in enumerate(visible)
        if listed[k] and ((k > 0 and listed[k - 1]) or (k + 1 < len(visible) and listed[k + 1]))
    ]
    for line in runs:
        line.rule, line.reason = None, ""
