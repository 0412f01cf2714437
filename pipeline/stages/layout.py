"""Layout: turn whatever layout a scraper wrote into one paragraph a line, before chrome removal.

Scrapers write one block a line (the seeds), text hard-wrapped at a fixed width (lynx and w3m
dumps, mail archives, html2text's 78 columns), Markdown, or a mix. Each document's layout is
detected from cheap line statistics, recorded in its metadata and audit summary, then:

- hard-wrapped text is unwrapped (stages/unwrap.py). A greedy wrapper breaks a line only where the next word would
  not fit, so a break where the next word *would* have fitted ends a paragraph. Blank lines,
  list markers, a deeper indent and lines that could have been broken earlier (one-block lines
  in a mixed document) also end one; a break after a letter and a hyphen is rejoined without a
  space (the wrapper broke a hyphenated word there).
- Markdown is parsed (stages/markdown.py) and turned into plain paragraphs.

Every reconstructed line keeps the input lines it came from: `line_numbers` holds its first
line, `Document.spans` the range of the lines that were joined, so the audit and `explain` still
point at the input.
"""

from __future__ import annotations

import bisect
import collections
import itertools
import re
from dataclasses import dataclass

from pipeline.document import AuditEvent, Document
from pipeline.settings import LayoutSettings
from pipeline.stages.markdown import to_blocks
from pipeline.stages.unwrap import OPENING, STAGE, could_break, fits, unwrap, word_break

LINES, WRAPPED, MARKDOWN, MARKDOWN_WRAPPED, MIXED = "lines", "wrapped", "markdown", "markdown-wrapped", "mixed"

# Markdown syntax a plain-text page rarely holds: a link or image with its target, an ATX heading,
# strong emphasis, a table's separator row, a code fence, a setext underline, an escaped punctuation mark.
_LONG_WORD = re.compile(r"\S{30,}")  # a URL, a broken link target: no wrapper breaks it
_MD_START = re.compile(r"\s{0,3}(?:#{1,6}\s+\S|```|~~~|(?:={3,}|-{3,})\s*$)|\s*\|?\s*:?-{3,}:?\s*\|")
_MD_INLINE = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)|\*\*\S[^*]*\*\*|__\S[^_]*__|\\[!-/:-@\[-`{-~]")


@dataclass(frozen=True)
class Layout:
    kind: str
    width: int | None
    reason: str


def detect(lines: list[str], settings: LayoutSettings) -> Layout:
    """The document's layout, from line lengths and Markdown syntax; deterministic and one pass."""
    marked = sum(1 for line in lines if markdown_line(line))
    visible = sum(1 for line in lines if line.strip())
    markdown = marked >= settings.markdown_min_lines and marked >= settings.markdown_min_share * visible
    width, wrap_reason, long_lines = wrap_width(lines, settings, markdown)
    md_reason = f"{marked} of {visible} lines carry Markdown syntax"
    if markdown:
        kind = MARKDOWN_WRAPPED if width else MARKDOWN
        return Layout(kind, width, f"{md_reason}; {wrap_reason}" if width else md_reason)
    if width:
        kind = MIXED if long_lines >= settings.min_full_lines else WRAPPED
        return Layout(kind, width, wrap_reason)
    return Layout(LINES, None, "one block a line")


_MD_FIRST = frozenset("#`~=-|:")  # the first character after spaces of every line _MD_START matches


def markdown_line(line: str) -> bool:
    """Does the line carry Markdown syntax? (Cheap tests first: most lines have none.)"""
    if line.lstrip()[:1] in _MD_FIRST and _MD_START.match(line):
        return True
    return ("](" in line or "**" in line or "__" in line or "\\" in line) and bool(_MD_INLINE.search(line))


def wrap_width(lines: list[str], settings: LayoutSettings, markdown: bool = False) -> tuple[int | None, str, int]:
    """The width the text was wrapped at, or None; why; and how many one-block lines it also holds.

    The width is the longest line once the longest few are set aside (a URL, a table row may
    overflow); when that line stands alone (no other within two columns), the next longest that
    does not is tried too, and the one with more full lines wins. The text counts as wrapped
    when enough lines longer than half the width are *full*: the next line's first word would not
    have fitted after them. In one-block-a-line text line lengths are spread out, so only the few
    that happen to end near the width are full.
    """
    # In Markdown, link targets and URLs are words no wrapper breaks: their lines overflow, so
    # they set no width and are not judged full or over-long (they still follow other lines).
    # Code blocks (fenced, or indented four spaces) are not wrapped: they set no width either.
    skip = [False] * len(lines)
    if markdown:
        skip = ["](" in line or bool(_LONG_WORD.search(line)) for line in lines]
        fenced = False
        for i, line in enumerate(lines):
            fence = line.lstrip().startswith(("```", "~~~"))
            skip[i] = skip[i] or fenced or fence or line.startswith(("    ", "\t"))
            fenced = fenced != fence
    lengths = sorted(len(line.rstrip()) for line, s in zip(lines, skip, strict=True) if line.strip() and not s)
    if len(lengths) < settings.min_lines:
        return None, "too few lines to tell", 0
    p95 = lengths[int(len(lengths) * 0.95)]
    below = [n for n in lengths if n <= p95 + p95 // 10]
    widths = [below[-1]]
    for i in range(len(below) - 1, 0, -1):
        if below[i - 1] >= below[i] - 2:
            if below[i] != widths[0]:
                widths.append(below[i])
            break
    if markdown:  # html2text overflows its width here and there: lines pile up just below it
        near = collections.Counter(n for n in below if n >= widths[0] - 10)
        peak = max(near, key=lambda n: (near[n], n))
        widths += [peak] if peak not in widths else []
    widths = [w for w in widths if settings.min_width <= w <= settings.max_width]
    if not widths:
        return None, f"no wrap width ({below[-1]} columns is out of range)", 0
    counts = max(fullness(lines, skip, w) for w in widths)
    if wrapped(counts, settings):
        # A few lines may overflow the width (an indented list item, a quote's marker): a wrapper
        # at a narrower width leaves more lines full; the width with the most wins.
        narrower = (fullness(lines, skip, counts[4] - d) for d in (1, 2))
        counts = max([counts, *narrower], key=lambda c: (c[0] - c[3], c[4]))
    if not wrapped(counts, settings) and not markdown:
        top = wrapped_at_top(lines, skip, lengths, settings)
        if top:
            return top, f"hard-wrapped at {top} columns, its longest lines", 0
    full, candidates, lower, long_lines, width = counts
    reason = f"{full} of {candidates} long lines are full at {width} columns, {lower} go on in lower case"
    if wrapped(counts, settings):
        return width, f"hard-wrapped at {width} columns ({reason})", long_lines
    return None, reason, 0


def wrapped_at_top(lines: list[str], skip: list[bool], lengths: list[int], settings: LayoutSettings) -> int | None:
    """A page of short lines with a few wrapped paragraphs: their lines are the page's longest,
    set aside with the longest 5 %. Wrapped at its longest line when enough of the lines full
    there go on in lower case: two, and half of them; or three, a seventh of them and five lines
    within five columns of it (a wrapper's ceiling). A one-block line that long is followed by a
    new paragraph, and one-block pages have their longest lines spread out."""
    top = lengths[-1]
    if not settings.min_width <= top <= settings.max_width:
        return None
    full, _, lower, _, _ = fullness(lines, skip, top)
    ceiling = len(lengths) - bisect.bisect_left(lengths, top - 5)
    few = lower >= settings.min_full_lines - 1 and 2 * lower >= full
    many = lower >= settings.min_full_lines and 7 * lower >= full and ceiling >= 5
    return top if few or many else None


def wrapped(counts: tuple[int, int, int, int, int], settings: LayoutSettings) -> bool:
    """Do the fullness counts at a width (see `fullness`) show text hard-wrapped at it?

    After a wrapped line the sentence mostly goes on in lower case; after a one-block line that
    merely ends near the width, a new paragraph starts (caseless scripts are not wrapped at spaces).
    And a wrapped text has more full lines than lines a wrapper would have broken earlier.
    Many long lines, nearly all full (`sure_full_share`), need no lower-case evidence (Title Case lists).
    """
    full, candidates, lower, long_lines, _ = counts
    share = full / candidates if candidates else 0.0
    sure = share >= settings.sure_full_share and full >= 3 * settings.min_full_lines
    cased = lower >= settings.min_lower_share * full or sure
    enough = full >= settings.min_full_lines and full > long_lines and cased
    return enough and share >= settings.min_full_share


def fullness(lines: list[str], skip: list[bool], width: int) -> tuple[int, int, int, int, int]:
    """At `width`: full lines, lines longer than half of it, full lines followed by a lower-case
    start, lines over it that a wrapper would have broken; and the width itself."""
    full = candidates = long_lines = lower = 0
    for (a, b), skipped in zip(itertools.pairwise(lines), skip, strict=False):
        if skipped or not b.strip():
            continue
        n = len(a.rstrip())
        if n > width:
            long_lines += could_break(a, width)
        elif n > width // 2:
            candidates += 1
            if not fits(a, b, width):
                full += 1
                # the sentence goes on in lower case, or a word without spaces (Chinese) goes on
                lower += b.lstrip(OPENING)[:1].islower() or word_break(a, b, width)
    return full, candidates, lower, long_lines, width


def normalise_layout(doc: Document, settings: LayoutSettings) -> Document:
    """Detect an active document's layout; rebuild its paragraphs unless it is one block a line."""
    if not doc.active or not settings.enabled:
        return doc
    layout = detect(doc.lines, settings)
    doc.metadata["layout"] = layout.kind
    before = len(doc.lines)
    if layout.width:
        doc.metadata["layout_width"] = layout.width
    if layout.kind == LINES:
        return doc
    if layout.kind in (MARKDOWN, MARKDOWN_WRAPPED):
        # Its line numbers are indices of `doc.lines`: the layout runs right after set_text.

        blocks, events = to_blocks(doc.lines, layout.width, settings)
        doc.events.extend(events)
    else:
        blocks = unwrap(doc.lines, doc.line_numbers, layout.width or 0)
    doc.lines = [b.text for b in blocks]
    doc.line_numbers = [b.first for b in blocks]
    doc.spans = [[b.first, b.last] for b in blocks if b.last > b.first]
    doc.joins = [[b.first, *b.joins] for b in blocks if b.joins]
    reason = f"{layout.reason}; {before} lines -> {len(blocks)} paragraphs"
    doc.events.append(AuditEvent(STAGE, "unwrap", f"layout.{layout.kind}", reason))
    return doc
