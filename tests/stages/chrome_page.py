"""The chrome stage on a page given as lines, for the chrome tests: what it keeps and what it drops."""

from __future__ import annotations

from pipeline.core import Context
from pipeline.document import Document
from pipeline.stages.chrome import remove_chrome


def clean(ctx: Context, *lines: str, site: str | None = None) -> Document:
    doc = Document(id="t", source="t.txt", file="t.txt", site=site)
    doc.set_text("\n".join(lines))
    return remove_chrome(doc, ctx.rules, ctx.settings.chrome)


def dropped(doc: Document) -> dict[str, str]:
    """Each dropped line's text and the id of the rule that dropped it."""
    return {e.text: e.rule for e in doc.events if e.action == "drop"}
