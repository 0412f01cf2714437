"""Does the record's `title` name the article? Text path only, on the pages given as HTML.

The references score the text, never the title, so a title field full of menu entries went unseen
(see stages/title.py). Here the title the text path gives a page is checked against the page's own
title as trafilatura reads it from the HTML (og:title, the headline or `<title>`): they agree when
the words of one hold the words of the other (a site name may follow the page's title).
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.evaluation.pages import SPLITS, Page

_WORD = re.compile(r"\w+")


def page_title(raw: bytes) -> str:
    """The HTML page's own title ('' if none)."""
    import trafilatura

    meta = trafilatura.extract_metadata(raw.decode("utf-8", errors="replace"))
    return (meta.title or "") if meta is not None else ""


def _words(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def agrees(ours: str, theirs: str) -> bool:
    a, b = _words(ours), _words(theirs)
    return bool(a and b) and (a in b or b in a)


def title_rows(pages: list[Page], ours: dict[str, str], theirs: dict[str, str]) -> list[dict[str, Any]]:
    """Per split: pages with a page title, how many of our titles agree with it, how many are empty."""
    rows = []
    for split in SPLITS:
        keys = [p.key for p in pages if p.split == split and theirs.get(p.key)]
        if keys:
            agree = sum(agrees(ours.get(k, ""), theirs[k]) for k in keys)
            empty = sum(not ours.get(k) for k in keys)
            rows.append({"split": split, "pages": len(keys), "agree": agree, "empty": empty})
    return rows


def format_titles(rows: list[dict[str, Any]]) -> str:
    cells = [f"{r['split']} {r['agree']}/{r['pages']} ({r['empty']} without a title)" for r in rows]
    return "text-path titles agreeing with the HTML page's own: " + ", ".join(cells)
