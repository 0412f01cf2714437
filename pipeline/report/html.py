"""The report's HTML building blocks: escaping, numbers, tables, and the page around the sections."""

from __future__ import annotations

import functools
import html
import re
from importlib import resources
from typing import Any
from urllib.parse import quote

# Characters XML forbids (and HTML calls parse errors): the same text is safe in the page and in its SVG.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
{css}</style></head>
<body>
{body}
</body></html>
"""


def esc(value: object) -> str:
    """Text for HTML and inline SVG: escaped (quotes too), characters XML forbids replaced by U+FFFD."""
    return html.escape(_NOT_XML.sub("\ufffd", str(value)), quote=True)


def href(rel: str) -> str:
    return esc(quote(rel))


def num(n: Any) -> str:
    return f"{n:,}" if isinstance(n, int) else esc(n)


def cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def table(head: list[str] | None, rows: list[list[str]], cls: str = "") -> str:
    """A table of cells already escaped."""
    thead = "<thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead>" if head else ""
    trs = "\n".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{cls}">{thead}<tbody>\n{trs}\n</tbody></table>'


@functools.cache
def css() -> str:
    """The report's style sheet (package data beside this module), inlined in every report."""
    return resources.files(__package__).joinpath("report.css").read_text(encoding="utf-8")


def page(title: str, sections: list[str]) -> str:
    return PAGE.format(title=esc(title), css=css(), body="\n".join(sections))
