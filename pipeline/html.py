"""HTML pages: trafilatura extracts the main text, which is then cleaned like any text.

trafilatura parses with lxml's HTML parser, which neither fetches anything over the network nor
expands external entities; the page is never loaded from a URL here, only from the input bytes.

A second opinion (balanced mode only, `html_recall_check`): trafilatura's balanced mode compares
its own extraction with readability's and justext's and takes theirs when it is more than twice as
long. On real pages that swap mostly brings the page's teasers, menus and comments back. Its recall
mode skips the comparison when its own extraction is long enough. So the page is also extracted
in recall mode, and when that text is at most half the balanced one but long enough to be an
article, it is taken: the balanced text held another extractor's page-wide text. A recall text
that is longer is never taken (recall mode keeps more chrome than balanced mode). On the train and
dev pages the two texts are either within 5 % of each other or the recall one is at most 35 %.
"""

from __future__ import annotations

import logging
from typing import Any

from pipeline.document import AuditEvent
from pipeline.settings import InputSettings

logging.getLogger("trafilatura").setLevel(logging.ERROR)

RECALL_MIN_CHARS = 500  # a recall text shorter than this is no article: the fallback was right
RECALL_MAX_SHARE = 0.5  # ...taken when at most half the balanced text: the swap takes a text twice as long


def parse(html: str) -> Any:
    """The page as trafilatura's lxml tree (None if it is no HTML); each run copies it, so one parse serves two."""
    import trafilatura  # slow to import (~0.15-0.3 s, measured with -X importtime): only runs with HTML input pay it

    try:
        return trafilatura.load_html(html)
    except (TypeError, ValueError):  # what trafilatura's own extraction takes for "no HTML"
        return None


def trafilatura_text(page: Any, settings: InputSettings, recall: bool = False, metadata: bool = True) -> dict[str, Any]:
    """One trafilatura run on `page` (the HTML, or its tree from `parse`) with the configured options
    (`recall`: in recall mode): text and title."""
    import trafilatura

    if page is None:
        return {"text": "", "title": None}
    result = trafilatura.bare_extraction(
        page,
        output_format="python",
        with_metadata=metadata,
        include_comments=settings.html_include_comments,
        include_tables=settings.html_include_tables,
        include_images=False,
        include_links=False,
        favor_precision=settings.html_favor_precision and not recall,
        favor_recall=settings.html_favor_recall or recall,
        deduplicate=False,
        fast=False,
    )
    data = {} if result is None else result.as_dict() if hasattr(result, "as_dict") else dict(result)
    return {"text": data.get("text") or "", "title": data.get("title") or None}


def prefer_recall(balanced: str, recall: str) -> bool:
    """The recall text replaces the balanced one: long enough to be an article, clearly shorter."""
    return len(recall.strip()) >= RECALL_MIN_CHARS and len(recall) <= RECALL_MAX_SHARE * len(balanced)


def extract(html: str, settings: InputSettings) -> tuple[str, str | None, AuditEvent]:
    """Main text (one paragraph per line), the page title if found, and the audit event."""
    tree = parse(html)
    data = trafilatura_text(tree, settings)
    text, title = data["text"], data["title"]
    rule, how = "input.html.trafilatura", ""
    balanced = not (settings.html_favor_precision or settings.html_favor_recall)
    if balanced and settings.html_recall_check and text.strip():
        try:
            recall = trafilatura_text(tree, settings, recall=True, metadata=False)["text"]
        except Exception as e:  # a second opinion that fails leaves the first one standing
            recall, how = "", f" (the recall-mode check failed: {type(e).__name__})"
        if prefer_recall(text, recall):
            rule = "input.html.recall-extraction"
            how = f" (recall mode; the balanced extraction gave {len(text)} characters)"
            text = recall
    # A page with no main text is readable, so it is not quarantined: it ends up rejected as empty.
    found = f"{len(text)} characters of main text" if text.strip() else "no main text"
    event = AuditEvent("encoding", "extract", rule, f"{found}{how} in {len(html)} characters of HTML")
    return text, title, event
