"""Lists on extracted text: a run of dates is kept, a lone dateline is not (stages/listed.py)."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.stages.listed import keep_runs

DATE = "generic.meta.date-line-intl"
ITEMS = frozenset({DATE})


@dataclass
class Line:
    cls: str
    rule: str | None = None
    reason: str = ""


def _lines(shape: str) -> list[Line]:
    """d: dropped by a list-item rule, s: dropped by another rule, k: kept, e: empty."""
    rules = {"d": DATE, "s": "generic.share.share-intl", "k": None, "e": None}
    return [Line("empty" if c == "e" else "short", rules[c], "dropped" if rules[c] else "") for c in shape]


def _kept(lines: list[Line]) -> str:
    return "".join("e" if line.cls == "empty" else "k" if line.rule is None else "x" for line in lines)


def test_two_or_more_dates_in_a_row_are_a_list() -> None:
    lines = _lines("kddedk")
    keep_runs(lines, ITEMS)
    assert _kept(lines) == "kkkekk" and all(line.reason == "" for line in lines)


def test_a_lone_date_and_other_rules_stay_dropped() -> None:
    lines = _lines("dkdsdksse")
    keep_runs(lines, ITEMS)
    assert _kept(lines) == "xkxxxkxxe"


def test_nothing_is_kept_without_list_item_rules() -> None:
    lines = _lines("dd")
    keep_runs(lines, frozenset())
    assert _kept(lines) == "xx"
