"""Which line above the article is its title (the record's `title` field).

An extractor's text (HTML path) starts with the headline, so its first headline-like line is the
title. A whole page as text holds navigation, service links and teaser rails above the article:
there the first such line was a menu entry ("Skip to content", "Advertise with us") on most real
pages. The title is rather the fullest headline-like line among the few lines right above the
article's first paragraph (a byline, a date or a share bar may sit between them).

On the HTML path the line model spares every line from the context pass's title decision, so an
extractor's first line stays in the text, however headline-like; except when it is the page's own
title (the extractor's metadata: `<title>`, `og:title`, the main heading) word for word, above an
article of `PAGE_TITLE_MIN_WORDS` or more: it is then moved to the record's title field
(`page_title_line`). The guard keeps it where the extraction found little more than a headline.
"""

from __future__ import annotations

import html
import re

from pipeline.document import Document
from pipeline.rules.features import LineFeatures
from pipeline.stages.lines import TITLE, Line

NEAR_LINES = 8  # visible lines above the article's first paragraph where the title is looked for
FULL_WORDS = 15  # beyond this many words a line is no more headline-like than at it
MAX_WORDS = 30  # a longer line is a lead or a caption, not a title
MIN_ALPHA = 0.6  # a title is mostly letters (not a date, a score or a price line)
PAGE_TITLE_MIN_WORDS = 150  # HTML path: the page title line goes only above this many words of text
_WORD = re.compile(r"\w+")
_SEPARATOR = re.compile(r"\s+(?:[|·•]|[-–—]{1,2}|::)\s+")  # between a headline and the site's name
KICKER_MAX_WORDS = 4  # a line this short above the title is a kicker (a rubric, a topic)
FAR_LINES = 20  # a title this many non-empty lines above the article's first kept line names something else


def title_line(lines: list[Line], visible: list[int], start: int, extracted: bool) -> int | None:
    """The index of the title among the kept `visible` lines before `start` (the first
    sentence-like paragraph), or None."""
    above = [i for i in visible if i < start and lines[i].kept and _headline_like(lines[i])]
    if extracted:
        return above[0] if above else None
    titled = [i for i in above if _titled(lines[i])]
    near = set([i for i in visible if i < start][-NEAR_LINES:])
    pool = [i for i in titled if i in near] or titled[-1:]
    return max(pool, key=lambda i: (min(lines[i].feats.words, FULL_WORDS), i), default=None)


def _headline_like(line: Line) -> bool:
    return _headline_shape(line.feats) and TITLE not in line.spared


def _headline_shape(feats: LineFeatures) -> bool:
    return feats.words >= 3 and not feats.terminal


def _titled(line: Line) -> bool:
    return _title_shape(line.feats)


def _title_shape(feats: LineFeatures) -> bool:
    return feats.words <= MAX_WORDS and feats.alpha_share >= MIN_ALPHA


def page_title_line(lines: list[Line], page_title: str | None) -> int | None:
    """HTML path: the index of the first kept line (or the second, under a kicker of a few words)
    when its words are the page's `page_title` (the extractor's metadata), with or without the site's
    name after or before a separator, and the kept lines after it hold `PAGE_TITLE_MIN_WORDS` words
    or more; else None."""
    forms = _title_forms(page_title) if page_title else []
    kept = [i for i, line in enumerate(lines) if line.kept][:2]
    if len(kept) == 2 and (lines[kept[0]].feats.words > KICKER_MAX_WORDS or lines[kept[0]].feats.terminal):
        kept = kept[:1]  # (the second line is looked at only under a kicker: a rubric, a topic)
    found = next((i for i in kept if _WORD.findall(lines[i].text.casefold()) in forms), None)
    if found is None:
        return None
    rest = sum(line.feats.words for line in lines[found + 1 :] if line.kept)
    return found if rest >= PAGE_TITLE_MIN_WORDS else None


def _title_forms(title: str) -> list[list[str]]:
    """The words of a page title, and of the title without the site's name after its last separator
    or before its first ("Headline | Site", "Site - Headline": the site's name is the shorter side)."""
    title = html.unescape(title)
    parts = _SEPARATOR.split(title)
    words = _WORD.findall(title.casefold())
    if len(parts) == 1:
        return [words] if words else []
    sides = [
        _WORD.findall(title[: title.rindex(parts[-1])].casefold()),
        _WORD.findall(title[len(parts[0]) :].casefold()),
    ]
    return [words, max(sides, key=len)]


def settle(doc: Document, stage: str, title_rule: str, above_rules: tuple[str, ...], why: str) -> None:
    """Text path, once the article's start is known (`article_end` has dropped what stands before
    it): the first run chose the title above the first sentence-like paragraph, which on many
    pages is a cookie notice or a teaser far above the article. When the title's line stands
    `FAR_LINES` non-empty lines or more above the first kept line (or no title was found), the
    fullest headline-like line among the `NEAR_LINES` dropped lines right above the article
    becomes the title (or none is given), and the drop events say so: the chosen line's becomes
    `title_rule`, the old title's the rule of the line it replaces (`above_rules`: the drops
    before the article a title may come from; `why`: that rule's reason)."""
    if not doc.lines:
        return
    drops = {e.line: e for e in doc.events if e.stage == stage and e.action == "drop" and e.line is not None}
    start = doc.line_numbers[0]
    lines = sorted(n for n, e in drops.items() if n < start and e.text.strip())
    old = next((e for e in drops.values() if e.rule == title_rule), None)
    if (old is None and doc.title is not None) or (old is not None and old.line in lines[-FAR_LINES:]):
        return  # a title given with the record, or one close enough to the article
    near = [n for n in lines[-NEAR_LINES:] if drops[n].rule in above_rules and _titled_text(drops[n].text)]
    best = max(near, key=lambda n: (min(LineFeatures.of(drops[n].text).words, FULL_WORDS), n), default=None)
    if old is not None:
        old.rule, old.reason = (drops[best].rule, drops[best].reason) if best is not None else (above_rules[0], why)
    if best is not None:
        drops[best].rule, drops[best].reason = title_rule, "title line, moved to the record's title field"
    doc.title = drops[best].text.strip() if best is not None else None


def _titled_text(text: str) -> bool:
    """A dropped line's text, judged as `title_line` judges a kept line (headline-like, title-shaped)."""
    feats = LineFeatures.of(text)
    return _headline_shape(feats) and _title_shape(feats)
