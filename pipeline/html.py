"""HTML pages: trafilatura extracts the main text, which is then cleaned like any text.

trafilatura parses with lxml's HTML parser, which neither fetches anything over the network nor
expands external entities; the page is never loaded from a URL here, only from the input bytes.
"""

from __future__ import annotations

import logging

from pipeline.document import AuditEvent
from pipeline.settings import InputSettings

logging.getLogger("trafilatura").setLevel(logging.ERROR)


def extract(html: str, settings: InputSettings) -> tuple[str, str | None, AuditEvent]:
    """Main text (one paragraph per line), the page title if found, and the audit event."""
    import trafilatura  # slow to import (~0.15-0.3 s, measured with -X importtime): only runs with HTML input pay it

    result = trafilatura.bare_extraction(
        html,
        output_format="python",
        with_metadata=True,
        include_comments=settings.html_include_comments,
        include_tables=settings.html_include_tables,
        include_images=False,
        include_links=False,
        favor_precision=settings.html_favor_precision,
        favor_recall=settings.html_favor_recall,
        deduplicate=False,
        fast=False,
    )
    data = {} if result is None else result.as_dict() if hasattr(result, "as_dict") else dict(result)
    text = data.get("text") or ""
    title = data.get("title") or None
    # A page with no main text is readable, so it is not quarantined: it ends up rejected as empty.
    found = f"{len(text)} characters of main text" if text.strip() else "no main text"
    event = AuditEvent("encoding", "extract", "input.html.trafilatura", f"{found} in {len(html)} characters of HTML")
    return text, title, event
