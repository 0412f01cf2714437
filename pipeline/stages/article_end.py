"""Where the article ends (and starts): kept lines beyond the page furniture that closes it go.

A page's text dump holds the article, then the furniture that closes it (related links, a
comments heading, share buttons, tags), and after that often more of the page: teasers with
their leads, a comment thread without a heading, sidebar widgets. The rules and the model take
most of the closing furniture, but what stands beyond it is judged line by line, and long teaser
leads or comments read like article text. The shape is plain when looked at from the article:
the kept lines fall into segments, split wherever at least `gap` dropped lines stand between two
kept ones; the main segment holds the most sentence-like words; once a gap after it holds a
line that an end-of-article pack took (`end_packs`: related, comments, share...), no later
segment is the article. An article interrupted by an inline box resumes after a short gap, or
after one no end-of-article rule took part in; and the article's own sentences make the main
segment, so a short page is not cut; a segment that opens with two paragraphs in a row (nothing
dropped between them) is the article going on after a large box, or the article itself when the
main segment was a block of teasers, and stays. Before the main segment, beyond such a gap, a
stretch with no line as long as a lead goes too (a menu with its blurbs), unless it stands between
two stretches with one (a list inside the article). Runs once, after the other passes, on the text
path only (an extractor already chose the article). What goes must never be the article itself:
a lighter segment stands for the article only with evidence that the heaviest is not (`_main`),
and a stream of records is not cut when the article follows it (`_follows_article`).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import NamedTuple

from pipeline.document import AuditEvent, Document
from pipeline.settings import ChromeSettings
from pipeline.stages import records

ROLE = "after-article"
BEFORE = "before-article"
STREAM = "record-stream"
PROSE_WORDS = 20  # two paragraphs this long in a row after the gap: the article resumes
LEAD_WORDS = 20  # a segment before the article with no line this long is furniture
FIRST_SHARE = 0.2  # a lighter segment may be the article (with evidence: `_main`) if it weighs this much
STREAM_LEAD = 100  # sentence-like words before a stream of records (`records`): it follows an article
REPLY_LEAD = 50  # ...before a thread marked by reply buttons after dated comments (`records.reply_start`)
BROKEN = 10  # ...and the heaviest has a run of dropped lines for every this many kept lines
CLOSING = 2  # closer lines between the first and the main segment that say the article is over


def segments(numbers: Sequence[int], dropped: Sequence[int], gap: int) -> list[tuple[int, int]]:
    """Kept lines (by input line number, ascending) split where at least `gap` dropped lines stand
    between two of them: (first, end) index ranges into `numbers`. `dropped`: sorted numbers."""
    out: list[tuple[int, int]] = []
    start = 0
    for k in range(1, len(numbers)):
        between = bisect.bisect_left(dropped, numbers[k]) - bisect.bisect_right(dropped, numbers[k - 1])
        if between >= gap:
            out.append((start, k))
            start = k
    if numbers:
        out.append((start, len(numbers)))
    return out


class Evidence(NamedTuple):
    """What lets a segment lighter than the heaviest be the article, and the heaviest go:
    `held(lo, hi)`: the lines dropped between input lines lo and hi hold records' stamps or bylines
    (a comment thread, a ticker: `records.recurring`); `closers`: rule id prefixes whose drops say
    the article is over (related stories, comments), unlike a share bar, which also stands between
    a deck and the body. It takes `CLOSING` such lines: a section's heading and its items, or two
    sections; one is a share bar's comment button or count ("Comment", "12 comments")."""

    held: Callable[[int, int], bool] = lambda lo, hi: False
    closers: tuple[str, ...] = ()


NO_EVIDENCE = Evidence()


def outside(
    numbers: Sequence[int],
    words: Sequence[float],
    length: Sequence[int | None],
    drops: dict[int, str],
    gap: int,
    end_packs: tuple[str, ...],
    evidence: Evidence = NO_EVIDENCE,
    rows: Sequence[bool] = (),
) -> tuple[list[int], list[int]]:
    """Indices (into `numbers`) of the kept lines before the article and after its end.

    `words`: each kept line's weight, its sentence-like words (0 for a short line); `length`: its
    words (None for an empty line); `drops`: the dropped lines' numbers and the ids of the rules
    that took them; `evidence`: what lets a lighter segment stand for the article (`_main`);
    `rows`: the kept lines that are rows of a table or list (`spare.py`). Before the main segment, a
    segment with no line of `LEAD_WORDS` words goes (a menu with its blurbs, headlines; a lead or a
    deck is longer), unless it holds more rows than the main segment holds paragraphs of that
    length (a schedule is the page's data when the prose is a sidebar's promos; a dated rail or a
    table of contents above an article is not), or both its neighbours hold a lead (a list or a
    table inside the article)."""
    dropped = sorted(drops)
    parts = segments(numbers, dropped, gap)
    if len(parts) < 2:
        return [], []
    main = _main(numbers, drops, parts, (words, length), evidence)
    led = [max((n or 0) for n in length[a:b]) >= LEAD_WORDS for a, b in parts]
    inside = [i > 0 and led[i - 1] and led[i + 1] for i in range(main)]  # between two with leads: a list, a table
    lo, hi = parts[main]
    paragraphs = sum((n or 0) >= LEAD_WORDS for n in length[lo:hi])
    listed = [sum(rows[a:b]) > paragraphs for a, b in parts[:main]]  # a table larger than the prose
    before = [k for i, (a, b) in enumerate(parts[:main]) if not (led[i] or inside[i] or listed[i]) for k in range(a, b)]
    after: list[int] = []
    ended = False
    for a, b in parts[main + 1 :]:
        lo, hi = bisect.bisect_right(dropped, numbers[a - 1]), bisect.bisect_left(dropped, numbers[a])
        ended = ended or any(drops[n].startswith(end_packs) for n in dropped[lo:hi])
        if ended and not _resumes(numbers, dropped, length, a, b):
            after.extend(range(a, b))
    return before, after


def _main(
    numbers: Sequence[int],
    drops: dict[int, str],
    parts: Sequence[tuple[int, int]],
    weights: tuple[Sequence[float], Sequence[int | None]],
    evidence: Evidence,
) -> int:
    """The article's segment: the heaviest, unless one of two choices may pass over it.

    - The heaviest with a lead (a line of `LEAD_WORDS` words), if it weighs `FIRST_SHARE` of the
      heaviest of all while that one holds no more than half the page's weight (one rail of teaser
      headlines among several above a short article) or holds records (`Evidence.held`).
    - The page's first segment (with text), if it holds a lead and `FIRST_SHARE` of the main
      segment's weight, while the main one holds records or stands beyond `CLOSING` closer lines
      (`Evidence.closers`), and is broken up (a run of dropped lines for every `BROKEN` kept lines
      or fewer) or holds fewer paragraphs of `LEAD_WORDS` words: a comment thread (each comment's
      dropped name and date), a live ticker (its dropped times), a rail of promos and headlines.
      They outweigh a short article, but come after it; an article's body runs on unbroken, in
      paragraphs.

    Without that evidence the heaviest stays the article: an interview, a recipe, a poem, a list
    (no line of 20 words) or a body broken up by photo credits below its deck is not erased."""
    words, length = weights
    dropped = sorted(drops)
    weight = [sum(words[a:b]) for a, b in parts]
    main = weight.index(max(weight))
    a, b = parts[main]
    records = evidence.held(numbers[a], numbers[b - 1])
    led = [k for k, (a, b) in enumerate(parts) if max((n or 0) for n in length[a:b]) >= LEAD_WORDS]
    several = 2 * weight[main] <= sum(weight)  # the heaviest holds at most half the page: one rail of several
    if led and main not in led and (records or several) and max(weight[k] for k in led) >= FIRST_SHARE * weight[main]:
        main = max(led, key=weight.__getitem__)  # the heaviest holds no lead: a rail of headlines, not the article
    first = next((k for k, (a, b) in enumerate(parts) if any(n is not None for n in length[a:b])), 0)  # not blank
    a, b = parts[first]
    if main <= first or weight[first] < FIRST_SHARE * weight[main] or max(n or 0 for n in length[a:b]) < LEAD_WORDS:
        return main
    a, b = parts[main]
    between = [n for n in dropped if numbers[parts[first][1] - 1] < n < numbers[a]]
    closed = bool(evidence.closers) and sum(drops[n].startswith(evidence.closers) for n in between) >= CLOSING
    if not closed and not evidence.held(numbers[a], numbers[b - 1]):
        return main
    breaks = sum(_between(numbers, dropped, k - 1, k) > 0 for k in range(a + 1, b))
    if breaks * BROKEN >= sum(n is not None for n in length[a:b]):
        return first
    paragraphs = [sum((n or 0) >= LEAD_WORDS for n in length[a:b]) for a, b in (parts[first], parts[main])]
    return first if paragraphs[0] > paragraphs[1] else main


def _between(numbers: Sequence[int], dropped: Sequence[int], i: int, k: int) -> int:
    """How many dropped lines stand between kept lines i and k."""
    return bisect.bisect_left(dropped, numbers[k]) - bisect.bisect_right(dropped, numbers[i])


def _resumes(numbers: Sequence[int], dropped: Sequence[int], length: Sequence[int | None], a: int, b: int) -> bool:
    """Does the segment open with two paragraphs in a row (nothing dropped between them)? Then the
    article goes on after a large inline box; teaser leads stand apart, under their headlines."""
    first = [k for k in range(a, b) if length[k] is not None][:2]
    if len(first) < 2 or not all((length[k] or 0) >= PROSE_WORDS for k in first):
        return False
    return bisect.bisect_left(dropped, numbers[first[1]]) == bisect.bisect_right(dropped, numbers[first[0]])


def drop_outside(
    doc: Document,
    stage: str,
    rules: tuple[str, str, str],
    weights: tuple[Sequence[float], Sequence[int | None]],
    settings: ChromeSettings,
    rows: Sequence[bool] = (),
) -> None:
    """Drop the document's kept lines before the article and after its end (`outside`, then
    `_stream`), recorded under `rules` (before, after, stream). `weights`: per kept line of `doc`, its
    sentence-like words and its words (`outside`); `stage`: whose drops count; `settings`: the gap,
    the end-of-article packs and the byline rules (`article_end_*`); `rows`: per kept line, whether it
    is a row of a table or list (`outside`)."""
    gap, end_packs = settings.article_end_gap, settings.article_end_packs
    if gap <= 0 or not end_packs:
        return
    events = [e for e in doc.events if e.stage == stage and e.action == "drop" and e.line is not None]
    drops = {e.line: e.rule for e in events if e.line is not None}
    texts = {e.line: e.text for e in events if e.line is not None}
    bylines = settings.article_end_bylines

    def held(lo: int, hi: int) -> bool:  # records' stamps or bylines among the lines dropped in between
        inside = [n for n in drops if lo < n < hi]
        marked = sum(bool(bylines) and drops[n].startswith(bylines) for n in inside)
        return marked >= records.MIN_STAMPS or records.recurring([texts[n] for n in inside])

    evidence = Evidence(held, settings.article_end_closers)
    before, after = outside(doc.line_numbers, *weights, drops, gap, end_packs, evidence, rows)
    gone = {**dict.fromkeys(before, (rules[0], _WHY_BEFORE)), **dict.fromkeys(after, (rules[1], _WHY_AFTER))}
    stream = _stream(doc, (drops, texts), weights[0], set(gone), settings)
    gone.update(dict.fromkeys(stream, (rules[2], _WHY_STREAM)))
    if not gone:
        return
    for k in sorted(gone):
        if doc.lines[k].strip():
            rule, why = gone[k]
            doc.events.append(AuditEvent(stage, "drop", rule, why, doc.line_numbers[k], doc.lines[k]))
    doc.keep_lines([k not in gone for k in range(len(doc.lines))])


_WHY_BEFORE = "before the article: beyond a block of dropped lines, no lead or paragraph in it"
_WHY_AFTER = "after the article's end: beyond a block of page furniture that closes it"
_WHY_STREAM = "after the article's end: a stream of stamped records (comments, teasers) starts here"


def _stream(
    doc: Document,
    dropped_lines: tuple[dict[int, str], dict[int, str]],
    words: Sequence[float],
    gone: set[int],
    settings: ChromeSettings,
) -> list[int]:
    """The kept lines (not yet `gone`) from the start of a stream of records to the end, when it
    follows `STREAM_LEAD` sentence-like words: the article, not a page of records. The stream shows
    in the kept lines' stamps (`records.stream_start`) or in the dropped lines' bylines
    (`records.byline_start`: the first kept line after the first byline of the run). A stream with
    more weight after its last record than above it stands above the article (`_follows_article`),
    or in the dropped reply buttons after dated comments (`records.reply_start`: their first text)."""
    (drops, texts), bylines, replies = dropped_lines, settings.article_end_bylines, settings.article_end_replies
    dropped = sorted(drops)
    visible = [k for k in range(len(doc.lines)) if k not in gone and doc.lines[k].strip()]
    joined = [
        i > 0
        and _between(doc.line_numbers, dropped, visible[i - 1], visible[i]) == 0
        and not gone.intersection(range(visible[i - 1] + 1, visible[i]))
        for i in range(len(visible))
    ]
    found = []  # (where a stream opens, where each of its records is marked), as indices into `visible`
    lead: dict[tuple[int, int], float] = defaultdict(lambda: STREAM_LEAD)  # the article's weight above a stream
    stamped = records.stream_start([doc.lines[k] for k in visible], joined)
    if stamped is not None:
        found.append(stamped)
    lines = sorted([*dropped, *(doc.line_numbers[k] for k in visible)])  # the non-empty lines
    kept = [doc.line_numbers[k] for k in visible]
    if bylines and sum(rule.startswith(bylines) for rule in drops.values()) >= records.MIN_STAMPS:
        marked = [i for i, n in enumerate(lines) if drops.get(n, "").startswith(bylines)]
        byline = records.byline_start(marked)
        after = [bisect.bisect_right(kept, lines[i]) for i in marked if byline is not None and i >= byline]
        if after and after[0] < len(visible):
            found.append((after[0], after))
    if replies and sum(rule.startswith(replies) for rule in drops.values()) >= records.MIN_REPLIES:
        text = {**texts, **{doc.line_numbers[k]: doc.lines[k] for k in visible}}
        buttons = [i for i, n in enumerate(lines) if drops.get(n, "").startswith(replies)]
        entries = records.reply_start([text[n] for n in lines], [n not in drops for n in lines], buttons)
        marks = [bisect.bisect_left(kept, lines[i]) for i in entries]
        if marks and marks[0] < len(visible):
            found.append((marks[0], marks))
            lead[marks[0], len(marks)] = REPLY_LEAD
    weight = [words[k] for k in visible]
    starts = [s for s, marks in found if _follows_article(weight, s, marks) and sum(weight[:s]) >= lead[s, len(marks)]]
    if not starts:
        return []
    return [k for k in range(visible[min(starts)], len(doc.lines)) if k not in gone]


def _follows_article(weight: Sequence[float], start: int, marks: Sequence[int]) -> bool:
    """Does a stream opening at `start`, its records marked at `marks` (a stamp, or the first line
    after a byline), follow the article? Not when what follows its last record outweighs what
    stands above it: that is the article, below a stream of teasers under its deck. (A record
    itself may: a long comment outweighs a short article.)"""
    last = max((m for m in marks if m >= start), default=start)
    return sum(weight[last:]) <= sum(weight[:start])
