"""The title check of `pipeline evaluate`: our record title against the HTML page's own."""

from __future__ import annotations

from pathlib import Path

from pipeline.evaluation.pages import Page
from pipeline.evaluation.titles import agrees, format_titles, page_title, title_rows


def test_titles_agree_on_words_either_way_and_never_when_empty() -> None:
    assert agrees("Hallenbad wird saniert", "Hallenbad wird saniert | Lokalzeitung")
    assert agrees("Hallenbad wird saniert – mit Sauna", "Hallenbad wird saniert")
    assert not agrees("Startseite Politik Sport", "Hallenbad wird saniert")
    assert not agrees("", "Hallenbad wird saniert")
    assert not agrees("Hallenbad", "")


def test_the_page_title_is_read_from_the_html() -> None:
    html = "<html><head><title>Hallenbad wird saniert</title></head><body><p>Text.</p></body></html>"
    assert page_title(html.encode()) == "Hallenbad wird saniert"


def _page(key: str, split: str) -> Page:
    return Page(key=key, corpus="newspaper", split=split, site=key, path=Path(f"{key}.html"), reference="")


def test_rows_count_agreement_and_missing_titles_per_split() -> None:
    pages = [_page("a", "train"), _page("b", "train"), _page("c", "train"), _page("d", "dev")]
    ours = {"a": "Hallenbad wird saniert", "b": "Startseite Politik", "c": ""}
    theirs = {"a": "Hallenbad wird saniert", "b": "Neue Kita", "c": "Neue Kita", "d": ""}
    rows = title_rows(pages, ours, theirs)
    assert rows == [{"split": "train", "pages": 3, "agree": 1, "empty": 1}]
    assert format_titles(rows).endswith("train 1/3 (1 without a title)")
