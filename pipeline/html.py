"""HTML pages: trafilatura extracts the main text, which is then cleaned like any text.

trafilatura parses with lxml's HTML parser, which neither fetches anything over the network nor
expands external entities; the page is never loaded from a URL here, only from the input bytes.

A second opinion (balanced mode only, `html_recall_check`): trafilatura's balanced mode compares
its own extraction with readability's and justext's and takes theirs when it is more than twice as
long. On real pages that swap sometimes brings the page's teasers, menus and comments back, and
sometimes it is what rescues the article. So the page is also extracted in recall mode (which
skips the comparison when its own text is long enough). When the two texts share less than half
of their wording, neither is trusted alone: a third run, in precision mode, decides. The recall
text is taken only when the precision text agrees with it (most of each in the other) and not
with the balanced one: two of trafilatura's three modes against the third, and, when it is the
shorter text, only if it reads at least nearly as much like an article (`prose_share`): a swap is
right when it trims the teasers, menus or captions a fallback brought in, wrong when two modes agree
on a caption or a list of links. Otherwise the balanced text stands, so an extraction is never
replaced by a text it barely overlaps on one run's word.

When balanced and recall mode agree, precision mode may still trim: the lines it left out at the
start and end of the balanced text go, when precision mode's text is a part of the balanced one,
at least half of the balanced wording stays, and the rest reads markedly more like an article
(what went was teasers, sign-up notices or link lists, not prose). Lines it left out between kept
lines stay: a list, table or recipe inside the article is not precision mode's to remove.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from typing import Any

from pipeline.document import AuditEvent
from pipeline.settings import InputSettings

logging.getLogger("trafilatura").setLevel(logging.ERROR)

DISAGREE_BELOW = 0.5  # texts sharing less than this (see `overlap`) disagree: trafilatura's own factor 2
AGREE_FROM = 0.8  # texts sharing at least this agree: most of each is in the other
PROSE_MARGIN = 0.1  # a shorter recall text may read this much less like an article, no more
PROSE_MIN_CHARS = 80  # a line this long ending a sentence is article prose (headlines, captions, links are shorter)
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?…。！？\"'”’»)]$")


def parse(html: str) -> Any:
    """The page as trafilatura's lxml tree (None if it is no HTML); each run copies it, so one parse serves several."""
    import trafilatura  # slow to import (~0.15-0.3 s, measured with -X importtime): only runs with HTML input pay it

    try:
        return trafilatura.load_html(html)
    except (TypeError, ValueError):  # what trafilatura's own extraction takes for "no HTML"
        return None


def trafilatura_text(page: Any, settings: InputSettings, mode: str = "", metadata: bool = True) -> dict[str, Any]:
    """One trafilatura run on `page` (the HTML, or its tree from `parse`) with the configured options
    (`mode` "recall" or "precision" overrides the configured one): text and title."""
    import trafilatura

    if page is None:
        return {"text": "", "title": None}
    precision = mode == "precision" or (settings.html_favor_precision and not mode)
    result = trafilatura.bare_extraction(
        page,
        output_format="python",
        with_metadata=metadata,
        include_comments=settings.html_include_comments,
        include_tables=settings.html_include_tables,
        include_images=False,
        include_links=False,
        favor_precision=precision,
        favor_recall=mode == "recall" or (settings.html_favor_recall and not precision),
        deduplicate=False,
        fast=False,
    )
    data = {} if result is None else result.as_dict() if hasattr(result, "as_dict") else dict(result)
    return {"text": data.get("text") or "", "title": data.get("title") or None}


def _grams(text: str) -> Counter[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return Counter(tuple(words[i : i + 4]) for i in range(max(0, len(words) - 3)))


def overlap(a: str, b: str) -> float:
    """How much two texts share: the word 4-grams they have in common, as a share of the larger
    text's (so a text half as long as the other, wholly inside it, shares 0.5); 0 if either has none."""
    ga, gb = _grams(a), _grams(b)
    size = max(sum(ga.values()), sum(gb.values()))
    return sum((ga & gb).values()) / size if size and ga and gb else 0.0


def inside(a: str, b: str) -> float:
    """The share of `a`'s word 4-grams that `b` holds too (0 if `a` has none)."""
    ga, gb = _grams(a), _grams(b)
    size = sum(ga.values())
    return sum((ga & gb).values()) / size if size else 0.0


def _chars(text: str) -> int:
    return len("".join(text.split()))


def prose_share(text: str) -> float:
    """The share of the text's characters in lines that read like article prose: long and ending a
    sentence. Menus, teasers, captions and link lists are short lines; 0 for an empty text."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    prose = sum(len(line) for line in lines if len(line) >= PROSE_MIN_CHARS and _SENTENCE_END.search(line))
    return prose / max(1, sum(len(line) for line in lines))


def prefer_recall(balanced: str, recall: str, precision: str) -> bool:
    """Two modes against one: the precision text agrees with the recall text and not with the
    balanced one; and a shorter recall text must not read markedly less like an article (a trim of
    padding, not a caption or a list the two modes agree on)."""
    if overlap(recall, precision) < AGREE_FROM or overlap(balanced, precision) >= AGREE_FROM:
        return False
    return _chars(recall) > _chars(balanced) or prose_share(recall) >= prose_share(balanced) - PROSE_MARGIN


def _line_key(line: str) -> str:
    return " ".join(line.split())


def edge_trim(balanced: str, precision: str) -> str:
    """The balanced text without the lines before and after the first and last line precision mode
    kept: chrome sits at the edges of an extraction, while a list, table or recipe that precision
    mode left out between kept lines stays. An edge whose lines mostly start with a number
    (quantities, dates, ranks: ingredients, a schedule, a numbered list) stays too."""
    kept_lines = {_line_key(line) for line in precision.splitlines() if line.strip()}
    lines = balanced.splitlines()
    kept = [i for i, line in enumerate(lines) if line.strip() and _line_key(line) in kept_lines]
    if not kept:
        return balanced
    start = 0 if _listed(lines[: kept[0]]) else kept[0]
    end = len(lines) if _listed(lines[kept[-1] + 1 :]) else kept[-1] + 1
    return "\n".join(lines[start:end])


def _listed(lines: list[str]) -> bool:
    """Do most of these (non-blank) lines start with a number, after a list's dash or bullet?"""
    items = [line.strip().lstrip("-•*· ") for line in lines if line.strip()]
    return bool(items) and 2 * sum(item[:1].isdigit() for item in items) >= len(items)


def precision_trims(balanced: str, precision: str) -> str | None:
    """The balanced text trimmed at its edges by precision mode (`edge_trim`), if that reads
    markedly more like an article: precision mode's text is a part of the balanced one, the trim
    keeps at least half the balanced wording, and its prose share is higher by `PROSE_MARGIN` (what
    it left out was less article-like than the rest). None otherwise."""
    if prose_share(balanced) + PROSE_MARGIN > 1 or inside(precision, balanced) < AGREE_FROM:
        return None
    trimmed = edge_trim(balanced, precision)
    good = prose_share(trimmed) >= prose_share(balanced) + PROSE_MARGIN
    return trimmed if good and overlap(balanced, trimmed) >= DISAGREE_BELOW else None


def _second_opinion(tree: Any, text: str, settings: InputSettings) -> tuple[str, str, str]:
    """(text, rule, how): the balanced `text`, the recall text where precision mode sides with it, or
    the precision text where it trims the balanced one that recall mode agrees with."""
    try:
        recall = trafilatura_text(tree, settings, mode="recall", metadata=False)["text"]
        agree = overlap(text, recall) >= DISAGREE_BELOW
        if agree and prose_share(text) + PROSE_MARGIN > 1:  # no trim can read markedly more like an article
            return text, "input.html.trafilatura", ""
        precision = trafilatura_text(tree, settings, mode="precision", metadata=False)["text"]
    except Exception as e:  # a second opinion that fails leaves the first one standing
        return text, "input.html.trafilatura", f" (the recall-mode check failed: {type(e).__name__})"
    lengths = f"balanced {len(text)}, recall {len(recall)}, precision {len(precision)} characters"
    if agree:
        trimmed = precision_trims(text, precision)
        if trimmed is None:
            return text, "input.html.trafilatura", ""
        prose = f"prose share {prose_share(text):.2f} -> {prose_share(trimmed):.2f}"
        how = f" (trimmed at its edges as precision mode did, to {len(trimmed)}; {lengths}; {prose})"
        return trimmed, "input.html.precision-trim", how
    if prefer_recall(text, recall, precision):
        return recall, "input.html.recall-extraction", f" (recall mode, as precision mode agrees; {lengths})"
    if overlap(recall, precision) >= AGREE_FROM > overlap(text, precision):
        prose = f"prose share balanced {prose_share(text):.2f}, recall {prose_share(recall):.2f}"
        why = "recall and precision mode agree on a shorter text that reads less like an article"
        return text, "input.html.trafilatura", f" ({why}; {lengths}; {prose})"
    return text, "input.html.trafilatura", f" (recall mode disagreed, precision mode did not side with it; {lengths})"


def extract(html: str, settings: InputSettings) -> tuple[str, str | None, AuditEvent]:
    """Main text (one paragraph per line), the page title if found, and the audit event."""
    tree = parse(html)
    data = trafilatura_text(tree, settings)
    text, title = data["text"], data["title"]
    rule, how = "input.html.trafilatura", ""
    balanced = not (settings.html_favor_precision or settings.html_favor_recall)
    if balanced and settings.html_recall_check and text.strip():
        text, rule, how = _second_opinion(tree, text, settings)
    # A page with no main text is readable, so it is not quarantined: it ends up rejected as empty.
    found = f"{len(text)} characters of main text" if text.strip() else "no main text"
    event = AuditEvent("encoding", "extract", rule, f"{found}{how} in {len(html)} characters of HTML")
    return text, title, event
