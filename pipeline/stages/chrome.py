"""Chrome removal: a line classifier one can read top to bottom (after jusText).

Pass 1, rules: each line is tried against the site's pack, the learned rules, then the generic
packs; the first rule that matches decides (block rules also take the lines after their marker).
Pass 2, repeats: a paragraph already seen in the document, exactly or nearly, is dropped
(stages/repeats.py).
Pass 3, context: a short line (a headline, a caption, a menu entry) stays only inside the
article, between sentence-like paragraphs; at the edges or next to chrome it goes.

Every dropped line becomes an AuditEvent naming the rule id, which is always found in a pack.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from pipeline.document import AuditEvent, Document
from pipeline.rules.engine import Matcher
from pipeline.rules.features import QUESTION_ENDS, TIME_PREFIX, LineFeatures, line_key
from pipeline.rules.loader import RuleSet
from pipeline.rules.model import Rule
from pipeline.settings import ChromeSettings
from pipeline.stages import article_end, line_model, listed, spare
from pipeline.stages.lines import (
    ISOLATED,
    LISTING,
    NEAR,
    REPEATED,
    TEASER,
    TITLE,
    Line,
    Slot,
    _again,
    _class,
    _drop,
    _line,
)
from pipeline.stages.lines import preformatted as preformatted
from pipeline.stages.repeats import drop_repeats
from pipeline.stages.title import page_title_line, title_line
from pipeline.stages.title import settle as settle_title

STAGE = "chrome"
_SITE_SCAN_LINES = 40
# Lines removed for these reasons are not chrome: their neighbours are judged as if they were absent.
_TRANSPARENT = (REPEATED, NEAR, TITLE)
_COMMA_LIST = re.compile(r"^[^,.!?;:]{1,60}(?:,[^,.!?;:]{1,60}){3,},?$")
_SENTENCE_END = re.compile(r"[.!?…](?:\s|$)|[。！？]")
_LIST_ITEM, _BULLETS = re.compile(r"^\s*[-*•·–—▪►✓]\s"), "-*•·–—▪►✓"  # a bullet first (most keys: none)
_RANK_OR_TIME = re.compile(r"^\s*(\d{1,2}\.?|\d{1,2}[:.]\d{2})\s*$")  # "1", "2.", "18:45"
PROSE_AFTER_HEADING = 15  # extracted text: a paragraph this long after a closing heading is the article going on
_MODEL_PASSES = 4  # cleaning again after the line model acted: at most this many more passes


def classify(text: str, settings: ChromeSettings) -> str:
    """Context-free class: 'good' (sentence-like paragraph), 'short' (anything else) or 'empty'."""
    feats = LineFeatures.of(text)
    return _class(feats, settings)


def site_evidence(doc: Document, ruleset: RuleSet, keys: list[str] | None = None) -> tuple[str | None, dict[str, int]]:
    """The site, and the marker scores it was chosen by ({} when given or found by the URL).

    Scores the encoding task counted over the same lines (`doc.site_markers`) are used as they are.
    """
    given = doc.site or site_by_domain(doc, ruleset)
    if given:
        return given, {}
    scores = doc.site_markers if doc.site_markers is not None else marker_scores(doc, ruleset, keys)
    best = max(scores.values(), default=0)
    winners = [s for s, v in scores.items() if v == best]
    return (winners[0] if best > 0 and len(winners) == 1 else None), scores


def site_by_domain(doc: Document, ruleset: RuleSet) -> str | None:
    if doc.url:
        host = (urlsplit(doc.url).hostname or "").lower()
        for site, pack in ruleset.sites.items():
            if pack.site and any(host == d or host.endswith("." + d) for d in pack.site.domains):
                return site
    return None


def marker_scores(doc: Document, ruleset: RuleSet, keys: list[str] | None = None) -> dict[str, int]:
    """Per site, how many of its detect patterns the document's first and last lines match."""
    n = len(doc.lines)
    window = [*range(min(n, _SITE_SCAN_LINES)), *range(max(_SITE_SCAN_LINES, n - _SITE_SCAN_LINES), n)]
    if keys is None:
        keys = [line_key(doc.lines[i]) if doc.lines[i].strip() else "" for i in range(n)]
    text = "\n".join(keys[i] for i in window if keys[i])
    scores: dict[str, int] = {}
    for site, pack in ruleset.sites.items():
        if pack.site:  # detect patterns are compiled with re.MULTILINE: ^ and $ are line ends
            scores[site] = pack.site.markers_found(text)
    return scores


def remove_chrome(doc: Document, ruleset: RuleSet, settings: ChromeSettings) -> Document:
    """Run the three passes on an active document; drop lines and record why.

    A page may carry markers of two sites (a Sputnik page quoting "Selon VOV"). Cleaning can
    remove one site's markers, so the cleaned text could point to the other site, and cleaning
    it again would apply other rules. So when markers of several sites are found, the kept
    lines are cleaned again under the site they now point to, until that site stays the same
    or nothing more goes: what comes out is what cleaning it once more would give. The record
    keeps the site the whole page pointed to.
    """
    sites, acted, kept, repeats = _clean_once(doc, ruleset, settings)
    detected = doc.site  # what the whole page says stays the record's site
    if sites > 1:
        for _ in ruleset.sites:
            site, before = doc.site, len(doc.lines)
            doc.site = None
            _, acted, kept, repeats = _clean_once(doc, ruleset, settings, kept, repeats)
            if doc.site == site or len(doc.lines) == before:
                break
    # The line model reads a line's neighbours and the page's shape, which any drop of the pass
    # changed: while a pass dropped something, clean the kept lines again until one drops nothing
    # (cleaning twice = once). A pass that drops nothing costs no bookkeeping (`_record`).
    for _ in range(_MODEL_PASSES):
        if not acted:
            break
        before, doc.site = len(doc.lines), detected
        _, acted, kept, repeats = _clean_once(doc, ruleset, settings, kept, repeats)
        if len(doc.lines) == before:
            break
    doc.site = detected
    if doc.metadata.get("format") not in ("html", "jsonl-html"):
        _drop_after_article(doc, ruleset, settings, kept)
        above = (ruleset.decision_id(ISOLATED), ruleset.decision_id(article_end.BEFORE))
        settle_title(doc, STAGE, ruleset.decision_id(TITLE), above, _BEFORE)
    return doc


def _drop_after_article(doc: Document, ruleset: RuleSet, settings: ChromeSettings, kept: list[Line]) -> None:
    """Text path, once the passes are done: the kept lines before the article and beyond the
    furniture that closes it go (`article_end`). A segment's weight: its sentence-like words,
    each line's counted by the line model's belief that it is content (teasers are doubtful)."""
    belief = [1.0 if line.prob is None else line.prob for line in kept]
    words = [line.feats.words * p if line.cls == "good" else 0.0 for line, p in zip(kept, belief, strict=True)]
    length = [None if line.cls == "empty" else line.feats.words for line in kept]
    rows = [line_model.ROLE in line.spared for line in kept]  # a table's or a list's rows (spare.py)
    before, after, stream = (ruleset.decision_id(r) for r in (article_end.BEFORE, article_end.ROLE, article_end.STREAM))
    article_end.drop_outside(doc, STAGE, (before, after, stream), (words, length), settings, rows)


def _clean_once(
    doc: Document, ruleset: RuleSet, settings: ChromeSettings, carried: list[Line] | None = None, repeats: bool = True
) -> tuple[int, bool, list[Line], bool]:
    """One run of the passes; returns how many sites' markers were found (0 if the site was given),
    whether, with the line model on, the pass dropped a line or the model kept one from a context
    drop, the kept lines (`carried` into the next run: what the text alone decides is kept), and
    whether the repeats pass found a repeat (`repeats`: if not, it cannot find one among the kept
    lines of a later run: they are fewer, see `drop_repeats`)."""
    lines = [_line(t, settings) for t in doc.lines] if carried is None else [_again(line) for line in carried]
    if carried is None and doc.joins:
        _set_pieces(lines, doc)
    keys = [line.key for line in lines] if doc.site is None else None  # (for the site markers)
    doc.site, scores = site_evidence(doc, ruleset, keys)
    doc.site_markers = None  # they describe these lines only: some are dropped below
    extracted = doc.metadata.get("format") in ("html", "jsonl-html")
    apply_rules(lines, ruleset.matcher(doc.site), settings, extracted)
    if extracted:  # a run of dates is a schedule there, not datelines
        listed.keep_runs(lines, ruleset.with_role("list-item"))
    model = line_model.load_model(settings.line_model)
    # Extracted text: lists of near-identical items (references, ingredients) are content.
    if repeats:
        copies_only = extracted and model is not None
        repeats = drop_repeats(lines, settings, near=not (extracted and model), copies_only=copies_only)
    low: list[int] = []  # the lines the model may drop
    if model is not None:
        low = line_model.score_lines(lines, model, extracted, settings.long_min_words)
    if not extracted:  # rows of a flattened table or dated list are not menus (spare.py)
        # ...nor titles: a later run took the next headline-like line above the article for its
        # title, run after run (the first run's title is gone), a schedule's first rows among them.
        later = () if carried is None else (TITLE,)
        closing = (settings.article_end_packs, settings.closing_list_chars)  # (the list closing a short page)
        spare.spare_rows(lines, (ISOLATED, line_model.ROLE, *later), (TITLE,), (ISOLATED,), closing)
    title = apply_context(lines, extracted=extracted, inline=ruleset.inline(), framers=settings.listing_framers)
    if extracted and (page := page_title_line(lines, doc.title)) is not None:
        lines[page].rule, lines[page].reason = TITLE, "the page's title, moved to the record's title field"
        title = page  # (not `_drop`: the line model spares every line of extracted text from `title`)
    if model is not None:
        drops = line_model.drops(lines, model, extracted, settings.long_min_words, low)
        inside = _between_paragraphs(lines, {i for i, _ in drops})
        for i, why in drops:
            if i not in inside:
                _drop(lines[i], line_model.ROLE, why)
    acted, kept = _record(doc, ruleset, lines, title)
    return sum(1 for v in scores.values() if v), model is not None and acted, kept, repeats


PARAGRAPH_WORDS = 20  # a paragraph's neighbours: long sentence-like lines the model keeps


def _between_paragraphs(lines: list[Line], dropped: set[int]) -> set[int]:
    """The sentence-like lines of `PARAGRAPH_WORDS` words or more among the model's `dropped` whose
    visible neighbours on both sides are such lines, kept (no rule, not `dropped`): a paragraph in
    the middle of the article's text, where a doubtful model read no more than its wording (a
    teaser's lead or a promo stands among furniture, not between two of the article's paragraphs)."""
    visible = [i for i, line in enumerate(lines) if line.cls != "empty"]

    def paragraph(i: int, kept: bool) -> bool:
        line = lines[i]
        return (
            line.cls == "good"
            and line.feats.words >= PARAGRAPH_WORDS
            and (not kept or (line.rule is None and i not in dropped))
        )

    return {
        i
        for k, i in enumerate(visible)
        if i in dropped and paragraph(i, False) and 0 < k < len(visible) - 1
        and paragraph(visible[k - 1], True) and paragraph(visible[k + 1], True)
    }  # fmt: skip


def _record(doc: Document, ruleset: RuleSet, lines: list[Line], title: int | None) -> tuple[bool, list[Line]]:
    """The end of a run; returns whether a line was dropped or spared from a context drop, and the
    kept lines. A run that dropped nothing (most later runs) changes nothing here: no paywall stub
    (it follows a paywall rule's drop), no title (taken by a drop), no audit event (`_audit`)."""
    if all(line.rule is None for line in lines):
        return any(line.saved for line in lines), lines
    return _audit(doc, ruleset, lines, title)


def _audit(doc: Document, ruleset: RuleSet, lines: list[Line], title: int | None) -> tuple[bool, list[Line]]:
    """`_record` in full: the paywall check, the title, an audit event per drop, the kept lines."""
    drop_paywall_stub(lines, ruleset.with_role("paywall"))
    if title is not None and doc.title is None:
        doc.title = lines[title].text.strip()
    ids: dict[str, str] = {}  # a role's rule id (`decision_id`), looked up once per run
    for n, line in zip(doc.line_numbers, lines, strict=True):
        if line.rule is not None:
            by_model = line.rule == line_model.ROLE
            rule = line.rule
            if "." not in rule:  # a role has no dot
                rule = ids.get(rule) or ids.setdefault(rule, ruleset.decision_id(rule))
            doc.events.append(AuditEvent(STAGE, "drop", rule, line.reason, n, line.text,
                                         prob=line.prob if by_model else None,
                                         cues=line.cues if by_model else None))  # fmt: skip
    doc.keep_lines([line.rule is None for line in lines])
    acted = any(line.saved or line.rule is not None for line in lines)
    return acted, [line for line in lines if line.rule is None]


def undecided(doc: Document, ruleset: RuleSet, settings: ChromeSettings) -> list[Line]:
    """The document's lines after the rules and the repeats pass: what the line model sees (training)."""
    lines = [_line(t, settings) for t in doc.lines]
    site = site_evidence(doc, ruleset, [line.key for line in lines])[0]
    apply_rules(lines, ruleset.matcher(site), settings)
    drop_repeats(lines, settings)
    return lines


def _set_pieces(lines: list[Line], doc: Document) -> None:
    joins = {j[0]: j[1:] for j in doc.joins}
    for n, line in zip(doc.line_numbers, lines, strict=True):
        if n in joins:
            cuts = [0, *joins[n], len(line.text)]
            line.pieces = tuple(line.text[a:b].strip() for a, b in itertools.pairwise(cuts))


# Pass 1 ------------------------------------------------------------------------------------


def _zones(lines: list[Line]) -> list[str]:
    good = [i for i, line in enumerate(lines) if line.cls == "good"]
    if not good:
        return ["head"] * len(lines)
    first, last = good[0], good[-1]
    return ["head" if i < first else "tail" if i > last else "body" for i in range(len(lines))]


def apply_rules(lines: list[Line], matcher: Matcher, settings: ChromeSettings, extracted: bool = False) -> None:
    zones = _zones(lines)
    last = max(len(lines) - 1, 1)
    for i, line in enumerate(lines):
        line.feats.pos = i / last
    i, position_key = 0, matcher.position_key
    while i < len(lines):
        line = lines[i]
        if line.cls == "empty" or line.rule is not None:
            pass
        elif (old := line.slot) and old[0] is matcher and old[1] == zones[i] and old[2] == position_key(line.feats):
            pass  # = `_slot(...) == old`, the usual case in a later run, written out
        elif (slot := _slot(matcher, line, zones[i])) != old:
            key = line.key
            rule = matcher.first(key, line.feats, zones[i], slot[2])
            if rule is None and (bare := _unbulleted(key)) is not None:
                listed = matcher.first(bare, line.feats, zones[i], slot[2])
                if listed is not None and listed.kind != "block":
                    rule, key = listed, bare
            if rule is not None and extracted:
                rule = _standing(matcher, rule, line, zones[i], key)
            line.slot = None if rule else slot
            if rule is not None:
                _drop(line, rule.id, rule.description or f"matched {rule.kind} rule")
                if rule.kind == "block":
                    claimed = lambda j: _claimed(lines[j], zones[j], matcher)  # noqa: E731
                    i = _take_block(lines, i, rule, settings, claimed, extracted)
        i += 1


def _slot(matcher: Matcher, line: Line, zone: str) -> Slot:
    """What a rule's answer on a line depends on besides its text (the same slot, the same answer):
    the rules, the zone and which position conditions the line meets. A later run that only moves
    the line (drops above it) keeps its slot when no rule with a position condition could match the
    line or its unbulleted form: its answer is then the same anywhere in the page."""
    old, where = line.slot, matcher.position_key(line.feats)
    if old is None or old[0] is not matcher or old[1] != zone:
        return (matcher, zone, where)
    if old[2] == where:
        return old  # (most lines of a later run: compared with itself, at once)
    bare = _unbulleted(line.key)
    if matcher.positional(line.key, line.feats, zone) or (
        bare is not None and matcher.positional(bare, line.feats, zone)
    ):
        return (matcher, zone, where)
    return old


def _unbulleted(key: str) -> str | None:
    """A list item's key without its marker ("- share this": "share this"), for the line rules: a
    share or print button rendered as a list item is the same button. None for any other line."""
    marker = _LIST_ITEM.match(key) if len(key) < 60 and (key[:1] in _BULLETS or key[:1].isspace()) else None
    return key[marker.end() :] if marker else None


def _standing(matcher: Matcher, rule: Rule, line: Line, zone: str, key: str) -> Rule | None:
    """On extracted text: `rule` if it holds there, else the first later rule that matches and holds."""
    ok = lambda r: r.role != "layout-only" and not (r.shape and preformatted(line))  # noqa: E731
    later = matcher.rules[matcher.rules.index(rule) + 1 :]
    return rule if ok(rule) else next((r for r in later if ok(r) and r.matches(key, line.feats, zone)), None)


def _claimed(line: Line, zone: str, matcher: Matcher) -> bool:
    """Does a rule of its own match this line, or is it a section heading? (A block stops before it.)"""
    return matcher.first(line.key, line.feats, zone) is not None or matcher.heads_section(line.key, line.feats, zone)


def _main_text_follows(lines: list[Line], start: int) -> bool:
    """Is there more sentence-like text after line `start` than before it? Then a heading that
    usually closes an article ("You might also like") stands in a menu above it: dropping
    everything after it would erase the article, so it only takes the headlines that follow."""
    before = sum(line.feats.words for line in lines[:start] if line.cls == "good")
    after = sum(line.feats.words for line in lines[start + 1 :] if line.cls == "good")
    return after > before


def _prose_next(lines: list[Line], start: int) -> bool:
    """Extracted text: is the line after a closing heading a long sentence-like paragraph? The
    extractor then removed the box the heading named (a most-read rail inside the article) and
    kept the article around it; a teaser list starts with a headline or a short lead."""
    after = next((line for line in lines[start + 1 :] if line.cls != "empty"), None)
    return after is not None and after.cls == "good" and after.feats.words >= PROSE_AFTER_HEADING


def _take_block(
    lines: list[Line],
    start: int,
    rule: Rule,
    settings: ChromeSettings,
    claimed: Callable[[int], bool],
    extracted: bool = False,
) -> int:
    """Drop what a block marker governs; return the index of the block's last line."""
    reason = f"in the block after the marker of {rule.id}"
    end = start
    if rule.take == "to_end" and not _main_text_follows(lines, start) and not (extracted and _prose_next(lines, start)):
        for line in lines[start + 1 :]:
            _drop(line, rule.id, reason)
        return len(lines) - 1
    if rule.take == "next":
        taken = 0
        for j in range(start + 1, len(lines)):
            if taken == rule.count:
                break
            if lines[j].cls != "empty":
                _drop(lines[j], rule.id, reason)
                taken += 1
            end = j
        return end
    headlines, above = 0, not any(line.cls == "good" for line in lines[:start])  # above the article
    for j in range(start + 1, len(lines)):
        line = lines[j]
        if line.cls == "empty" or _RANK_OR_TIME.match(line.text):
            continue  # a rail's rank number or a ticker's time between its headlines: not the end
        if line.rule is not None or claimed(j):
            break
        lead = next((n for n in lines[j + 1 :] if n.cls != "empty"), None)
        if above and lead is not None and lead.cls == "good" and lead.feats.words >= 12:
            break  # the article's title, right above its lead (a sentence-like paragraph of 12+ words)
        if (shape := "headline" if _headline_like(line, settings) else _joined_headlines(line, settings)) is not None:
            _drop(line, rule.id, f"{reason} ({shape})")
            headlines, end = headlines + 1, j
            continue
        if headlines and line.feats.dateline:
            _drop(line, rule.id, reason + " (teaser lead of another article)")
            end = j
        break
    return end


def _headline_like(line: Line, settings: ChromeSettings) -> bool:
    if _COMMA_LIST.match(line.text):
        return True  # a list of tags or names, however long
    if line.feats.words > settings.headline_max_words or line.feats.words == 0:
        return False
    if TIME_PREFIX.match(line.text.strip()):
        return True
    if line.cls == "short":
        return True
    return line.text.rstrip().endswith(QUESTION_ENDS) and line.feats.words <= 20


def _joined_headlines(line: Line, settings: ChromeSettings) -> str | None:
    """Wrapped text: headlines one a line, each within a word of the width, are joined as one
    paragraph (both readings wrap to the same lines). Each input line starts like a headline,
    and none holds a sentence end, which a prose paragraph of several lines hardly lacks."""
    if len(line.pieces) < 2 or _SENTENCE_END.search(line.text):
        return None
    starts = [p.lstrip("\"'“«(")[:1] for p in line.pieces]
    if all(s.isupper() or s.isdigit() for s in starts) and all(
        0 < len(p.split()) <= settings.headline_max_words for p in line.pieces
    ):
        return f"{len(line.pieces)} headlines joined by unwrapping"
    return None


# Pass 3 ------------------------------------------------------------------------------------


def apply_context(
    lines: list[Line], extracted: bool = False, inline: frozenset[str] = frozenset(), framers: tuple[str, ...] = ()
) -> int | None:
    """Decide short lines from their neighbours; returns the index of the title line, if any.

    `extracted`: the text comes from an HTML extractor that already removed the page layout, so a
    list or table that ends the article is content, not a footer menu. `inline`: the ids of the
    rules that drop furniture sitting inside articles (`RuleSet.inline`); `framers`: the packs whose
    drops next to a page of teaser pairs make it an article (`is_listing`).
    """
    visible = [i for i, line in enumerate(lines) if line.cls != "empty"]
    good = [i for i in visible if lines[i].kept and lines[i].cls == "good"]
    if is_listing(lines, visible, good, extracted, framers):
        for i in visible:
            _drop(lines[i], LISTING, "the page is a list of teasers (headline + lead), not an article")
        return None
    if not good:
        # A page-level decision, no line is spared from it; except that a list (a calendar, a
        # table: an extractor's, or rows spare.py found) is content unless rules found it among
        # chrome (a news ticker).
        listed = [i for i in visible if ISOLATED in lines[i].spared]
        if listed and 3 * sum(lines[i].rule is not None for i in visible) < len(visible):
            return None
        for i in visible:
            lines[i].spared = ()
            _drop(lines[i], ISOLATED, "no sentence-like paragraph in the document")
        return None
    title = title_line(lines, visible, good[0], extracted)
    for i in visible:
        if i < good[0] and lines[i].kept:
            if i == title:  # (an extractor's other lines above the article stay)
                _drop(lines[i], TITLE, "title line, moved to the record's title field")
            elif not extracted:
                _drop(lines[i], ISOLATED, _BEFORE)
        elif i > good[-1] and lines[i].kept and not extracted:
            _drop(lines[i], ISOLATED, "short line after the article ends")
    _decide_runs(lines, visible, extracted, inline)
    return title


_BEFORE = "short line before the article starts"


def drop_paywall_stub(lines: list[Line], paywalls: frozenset[str]) -> None:
    """A paywall with at most one paragraph before it: the page holds a teaser, not the article.
    `paywalls`: the ids of the rules with role "paywall" (rules/loader.py)."""
    if not any(line.rule in paywalls for line in lines):
        return
    if sum(1 for line in lines if line.kept and line.cls == "good") <= 1:
        for line in lines:
            _drop(line, TEASER, "only a teaser before a paywall: the article is not in the page")


def is_listing(
    lines: list[Line], visible: list[int], good: list[int], extracted: bool = False, framers: tuple[str, ...] = ()
) -> bool:
    """Every paragraph is a teaser: a one- or two-sentence lead right under a headline, headlines not numbered alike
    (a plan's phases: `spare.numbered`), not framed by an article's furniture (`spare.framed`: a share bar right
    above or below the pairs). Two pairs alone (headline, paragraph, subheading, paragraph) are as likely a short
    article, and emptying an article is the worse mistake: they make a listing only beside a third headline."""
    if len(good) < 2:
        return False
    before = {i: prev for prev, i in itertools.pairwise(visible)}
    for i in good:
        prev = lines[before[i]] if i in before else None
        lead = lines[i]
        if prev is None or not _headline(prev):
            return False
        if extracted and (preformatted(prev) or preformatted(lead)):
            return False  # hard-wrapped preformatted text alternates short and sentence lines too
        if lead.feats.words > 45 or len(_SENTENCE_END.findall(lead.text)) > 2:
            return False
    numbered = spare.numbered([lines[before[i]].text for i in good])  # a plan's phases, steps: sections
    if numbered or any(lines[i].framed for i in good):
        return False
    if spare.framed(lines, visible, (before[good[0]], good[-1]), framers):
        for i in good:  # (the share bar is gone in the next runs)
            lines[i].framed = True
        return False
    return len(good) >= 3 or sum(lines[i].kept and _headline(lines[i]) for i in visible) >= 3


def _headline(line: Line) -> bool:
    return line.cls == "short" and line.feats.words >= 4 and not line.feats.terminal


def _decide_runs(lines: list[Line], visible: list[int], extracted: bool, inline: frozenset[str]) -> None:
    """Runs of kept short lines between sentence paragraphs: subheadings and lists stay. A line
    dropped as inline furniture (a photo credit, an ad label) is looked through like a repeat:
    it sits inside articles, so it says nothing of where the article ends."""
    run: list[int] = []
    before: Line | None = None
    for i in visible:
        line = lines[i]
        if line.rule in _TRANSPARENT or line.rule in inline:
            continue
        if line.kept and line.cls == "short":
            run.append(i)
            continue
        if run:
            _judge_run(lines, run, before, line, extracted)
            run = []
        before = line
    if run and extracted and before is not None and before.kept and before.cls == "good":
        return  # a list ending an extracted article
    for i in run:
        _drop(lines[i], ISOLATED, "short line after the article ends")


def _list_like(lines: list[Line], run: list[int]) -> bool:
    """Most of the run's lines start like list items (a bullet, a quantity, a number)."""
    items = sum(1 for i in run if _LIST_ITEM.match(lines[i].text))
    return items >= 2 and 5 * items >= 3 * len(run)


def _judge_run(lines: list[Line], run: list[int], before: Line | None, after: Line, extracted: bool) -> None:
    # Inside the article (sentence paragraphs on both sides, no removed chrome next to it), a
    # run of short lines is subheadings, a list or a table: it stays.
    bounded = before is not None and before.kept and after.kept and after.cls == "good"
    if bounded:
        return
    if extracted and before is None and after.kept and after.cls == "good":
        return  # extracted text starts with the article: lines leading into it are content
    if _list_like(lines, run) and any(x is not None and x.kept and x.cls == "good" for x in (before, after)):
        return  # a list (ingredients, steps) beside article text: a button next to it is no reason
    why = "short line next to removed chrome"
    for i in run:
        _drop(lines[i], ISOLATED, why)
