"""Lines the context pass must not take for page furniture, though they are short (text path).

A table or a dated list flattened to text (a calendar, a schedule, a catalogue's index, a
changelog) is a run of short lines that all open the same way: "Jan. 3-5: ...", "Pages 1-76 -
...", "2a etapa: 8 de abril - ...". The context pass drops such a run when it stands next to
removed chrome or outside the prose, which erases the page's data. Menus rarely look like that:
their entries are one or two words and do not open with a number set off by punctuation.

A run is spared when at least `MIN_RUN` neighbouring lines share the shape of their first
`SHAPE_TOKENS` tokens (digits, letters and the punctuation between them), that shape holds a
digit and a punctuation mark, and the lines average `MIN_MEAN_WORDS` words or more.

A list of amounts under its heading is spared too (`listed_amounts`): a recipe's ingredients, a
packing list, flattened to text without bullets ("Zutaten", "300 g Mehl", "2 EL Olivenöl", "1
Zwiebel"). Its lines are too short for a row. Without the heading, lines that open with a number
are as often a teaser rail's "5 days ago", a directory's street numbers or a table of contents
(measured on train/dev pages), so the heading is required; its words are data (`[lists]` in
configs/lexicon/shapes.toml; an item opening with an amount may name a brand and a choice,
`AMOUNT_WORDS`); so is a method's steps under its heading (`method_steps`: "Zubereitung",
then "Ofen vorheizen.", "Mehl unterheben.", `[lists] steps`).

A table's rows keep their cells apart in a text dump (`table_rows`: tab-separated cells, a
whole-page text as `page_text` makes it): `MIN_RUN` neighbouring lines of the same number of cells
are a table (a phase plan, a price list), however short its cells, when half its rows hold a
digit; one layout row of menu cells is no run, a grid of links holds no digits. A programme's
entries open with clock times or days in order (`timed_runs`), however short ("14:00 Dog show").
A data sheet between two paragraphs ("Akku: 36 V", `specs`) is no list of page furniture either.

A list whose items open with their marks written out ("+ Added ...", "– Book ...",
`bulleted_runs`) right before or after a sentence-like line is the article's own list.

After a page's one short paragraph, its own list may stand alone before the share bar (results,
links, parts, departure times: `closing_list`, on a page with little prose only; a file number
under a ruling on any page); and a guide in sections opens with its first heading right above its
first paragraph (`first_heading`).

The short sentences that close a paragraph run (`tail`: a recipe's last step, an interview's last
answer, "Season to taste.", right before the share bar) are no page furniture either: a run of
lines ending a sentence right after a paragraph, nothing dropped between, is spared from the
context pass; when it closes a list of short sentences (steps, questions and answers), from the
line model too, which takes a three-word sentence for a button. (Sparing every such run from the
model cost a train page 0.035: kept "Shop now."-like links after long paragraphs pulled the
model's window down under its neighbours.)
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
import tomllib
from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

from pipeline.rules.features import LEXICON, LineFeatures

MIN_RUN = 3
SHAPE_TOKENS = 3
MIN_MEAN_WORDS = 5  # a run of two-word entries ("Ad: Slot1", "Season 4") is a menu or a widget
MAX_WORDS = 40  # a paragraph ends a run: it is prose, not a row
_MARKS = frozenset(":-+*.,()|/–—#")
_DIGIT = re.compile(r"\d")
_CELLS = re.compile(r"\t+")
_KEY_VALUE = re.compile(r"[^\W\d_][^:]{0,30}:\s+\S")  # "Akku: 36 V", "Screen size: 6.8 inches"
# A clock time opening a line: "10:00", "18.30 Uhr", "9h15"; not a date ("12.03.2025", "14.03.").
_CLOCK = re.compile(r"\s*([01]?\d|2[0-3])[:.h]([0-5]\d)(?![.:\d])")
# A day and month opening a line, as in a calendar: "14.03.", "14.03.2027", "14/03"; the year aside.
_DAY = re.compile(r"\s*([0-3]?\d)[./]([01]?\d)(?:\.|[./](?:\d{4}|\d{2})\b)")
ITEM_WORDS = 8  # an ingredient or a packed item is short
STEP_WORDS = 12  # a step of a method, an answer: a short sentence, shorter than a paragraph
CLOSING_MAX = 12  # a list closing the article (`closing_list`) is short: a longer run is a rail or a menu
MIN_SECTIONS = 2  # headings in the body after the first (`first_heading`)
SECTION_SLACK = 3  # ...which may be this many words longer than the longest of them
SECTION_PARAGRAPHS = 2  # ...each section (the first too) of this many paragraphs at most: tips, phases
SECTION_WORDS = 12  # a section's heading: "Phase 2: Brücke über die Seeve (April bis Dezember 2027)"
HEADING_WORDS = 8  # "Zutaten für 4 Personen (für eine Springform)": a list's heading is short too
AMOUNT_WORDS = 24  # ...an item that opens with an amount may name a brand and a choice: "1 cup (120g) X Flour or Y"
POINT_WORDS = 15  # a review's pro or con, a job ad's task: a phrase, not a paragraph
MIN_POINTS, MAX_POINTS = 2, 10  # "Pros": two points at least; a longer run goes on into the page's furniture
_BULLETS = frozenset("-+*•·–—▪")  # a list item's mark written out in the text ("+ Added ...", "– Book ...")
# An amount: "300 g", "2 EL", "0,5 l", "1/2 TL", "½ Zitrone", "2-3 Zehen", "300g"; then a space or a
# letter, so a clock time ("14:52") or a date ("12.03.2025") is none.
_AMOUNT = re.compile(r"(\d+([.,]\d+)?|\d+/\d+|[½⅓⅔¼¾⅛])(\s?[-–]\s?\d+)?(?=\s|[^\W\d_])")


class Spareable(Protocol):
    text: str
    feats: LineFeatures
    cls: str
    rule: str | None
    spared: tuple[str, ...]
    closing: bool


def shape(text: str, tokens: int = SHAPE_TOKENS) -> str:
    """The opening of a line as a pattern: a digit run is '9', a letter run 'a', the rest as is."""
    return " ".join(token_shape(token) for token in text.split()[:tokens])


def token_shape(token: str) -> str:
    """One token as a pattern: "12." -> "9.", "März:" -> "a:"."""
    pattern = ""
    for char in token:
        cls = "9" if char.isdigit() else "a" if char.isalpha() else char
        if not pattern or pattern[-1] != cls:
            pattern += cls
    return pattern


def _row_like(pattern: str) -> bool:
    return "9" in pattern and any(c in _MARKS for c in pattern)


@functools.lru_cache(maxsize=32_768)  # the passes of the chrome stage see the same lines again
def _row_shape(text: str) -> str:
    """The line's shape if its opening holds a digit (no row-like run without one), else ''."""
    head = " ".join(text.split(maxsplit=SHAPE_TOKENS)[:SHAPE_TOKENS])
    return shape(head) if _DIGIT.search(head) else ""  # (a digit in the head: in one of its tokens)


def parallel_runs(lines: Sequence[Spareable]) -> list[list[int]]:
    """Runs of neighbouring visible lines that open with the same row-like shape (indices)."""
    visible = [i for i, line in enumerate(lines) if line.cls != "empty"]
    shapes = [_row_shape(lines[i].text) if lines[i].feats.words <= MAX_WORDS else "" for i in visible]
    found: list[list[int]] = []
    for pattern, group in itertools.groupby(zip(shapes, visible, strict=True), key=operator.itemgetter(0)):
        if not pattern or not _row_like(pattern):
            continue
        run = [i for _, i in group]
        if len(run) >= MIN_RUN and sum(lines[i].feats.words for i in run) >= MIN_MEAN_WORDS * len(run):
            found.append(run)
    return found


def table_rows(lines: Sequence[Spareable]) -> list[list[int]]:
    """Runs of `MIN_RUN` or more neighbouring visible lines holding the same number (2 or more) of
    tab-separated cells (a table's rows in a whole-page text; indices), half of them or more with a
    digit (a date, a time, a price): a grid of links laid out as a table ("Ohio LLC | Utah LLC",
    "Hire a UI Designer | Hire a Web Designer") holds none."""
    visible = [i for i, line in enumerate(lines) if line.cls != "empty"]
    cells = [len(_CELLS.split(lines[i].text.strip())) if "\t" in lines[i].text else 0 for i in visible]
    found: list[list[int]] = []
    for count, group in itertools.groupby(zip(cells, visible, strict=True), key=operator.itemgetter(0)):
        run = [i for _, i in group]
        if count >= 2 and len(run) >= MIN_RUN and 2 * sum(bool(_DIGIT.search(lines[i].text)) for i in run) >= len(run):
            found.append(run)
    return found


def timed_runs(lines: Sequence[Spareable]) -> list[list[int]]:
    """Runs of `MIN_RUN` or more neighbouring visible lines that open with a clock time or a day
    (`_when`), in order and not all the same (a programme, a timetable, a club's dates; a ticker,
    a live blog or a rail of dated teasers runs newest first), however short the lines ("10:00
    Opening", "14.03. Wanderung"; indices)."""
    visible = [i for i, line in enumerate(lines) if line.cls != "empty"]
    found: list[list[int]] = []
    run: list[tuple[int, int]] = []  # (index, when)
    for i in [*visible, -1]:
        when = _when(lines[i].text) if i >= 0 and lines[i].feats.words <= MAX_WORDS else None
        if when is not None and (not run or when >= run[-1][1]):
            run.append((i, when))
            continue
        if len(run) >= MIN_RUN and run[-1][1] > run[0][1]:
            found.append([k for k, _ in run])
        run = [(i, when)] if when is not None else []
    return found


def _when(text: str) -> int | None:
    """A line's opening clock time in minutes, or its opening day and month (as 10000 + 40 * month
    + day, which orders the days of a year), or None."""
    if clock := _CLOCK.match(text):
        return int(clock.group(1)) * 60 + int(clock.group(2))
    if (day := _DAY.match(text)) and 1 <= int(day.group(2)) <= 12 and 1 <= int(day.group(1)) <= 31:
        return 10_000 + 40 * int(day.group(2)) + int(day.group(1))
    return None


def numbered(headings: Sequence[str]) -> bool:
    """Do the headings all open with the same row-like shape ("Phase 1: ...", "Schritt 2 – ...",
    "3. ...")? Then they number an article's sections, not a page's teasers."""
    shapes = {shape(h, 2) for h in headings}  # (the opening two tokens: the titles that follow vary)
    return len(headings) >= 2 and len(shapes) == 1 and _row_like(shapes.pop())


def framed(lines: Sequence[Spareable], visible: Sequence[int], span: tuple[int, int], framers: tuple[str, ...]) -> bool:
    """Does a line a `framers` pack took (an article's share bar) stand right above the first line of
    `span` or right below its last (indices into `lines`; `visible`: the non-empty ones, in order)?
    Then headline + sentence pairs are an article's sections (a guide's tips, an unnumbered FAQ),
    not a page of teasers: a section front carries no share bar beside its teasers."""
    if not framers:
        return False
    k, m = visible.index(span[0]), visible.index(span[1])
    beside = [visible[k - 1]] if k > 0 else []
    beside += [visible[m + 1]] if m + 1 < len(visible) else []
    return any((rule := lines[i].rule) is not None and rule.startswith(framers) for i in beside)


def specs(lines: Sequence[Spareable]) -> list[int]:
    """A run of short lines between two sentence-like lines, nothing dropped in between, that holds
    `MIN_RUN` or more "key: value" lines and is half made of them (a product's data sheet, with
    its headings; indices)."""
    found: list[int] = []
    run: list[int] | None = None
    for i, line in enumerate(lines):
        if line.cls == "empty":
            continue
        if line.rule is not None:
            run = None
        elif line.cls == "good":
            pairs = sum(bool(_KEY_VALUE.match(lines[k].text)) for k in run or ())
            if run and pairs >= MIN_RUN and 2 * pairs >= len(run):
                found += run
            run = []
        elif run is not None:
            run.append(i)
    return found


def tail(lines: Sequence[Spareable]) -> tuple[list[int], list[int]]:
    """The short sentences right after a sentence-like line (no line dropped between them), up to
    the first line that does not end a sentence: (those closing a list of short sentences: a
    sentence-like line of `STEP_WORDS` words at most, itself right after another short sentence,
    as in a method's steps or an interview's answers; the others), as indices."""
    visible = [i for i, line in enumerate(lines) if line.cls != "empty"]
    steps: list[int] = []
    closing: list[int] = []
    run: list[int] | None = None  # where the lines of the current run go
    for k, i in enumerate(visible):
        line = lines[i]
        if line.rule is None and line.cls == "good":
            listed = line.feats.words <= STEP_WORDS and k > 0 and _brief(lines[visible[k - 1]])
            run = steps if listed else closing
        elif run is not None and line.rule is None and line.cls == "short" and _sentence_end(line.text):
            run.append(i)
        else:
            run = None
    return steps, closing


def closing_list(lines: Sequence[Spareable], end_packs: tuple[str, ...], prose_chars: int) -> list[int]:
    """The article's own list after its paragraph: `MIN_RUN` to `CLOSING_MAX` lines right after a
    sentence-like line (no line dropped between) and right before a line an end-of-article pack
    took (`end_packs`: the share bar, related stories, comments), none taken by a rule (results, a
    list of links, departure times, parts; indices), when the page's sentence-like lines hold fewer
    than `prose_chars` characters: the list is then most of the article, and without it the page
    is rejected as too short. On a longer page such a run was a rail of headlines or a menu next
    to a teaser's lead (train/dev). On any page, a run that opens with a press contact's heading
    ("Pressekontakt:", "Notes to editors", `closing_words`: a release's contact block) and a run of
    file numbers ("Az. 3 U 12/24" under a ruling) are the article's own."""
    prose = sum(len(line.text.strip()) for line in lines if line.rule is None and line.cls == "good")
    numbers = closing_words()["number"]
    found: list[int] = []
    run: list[int] | None = None
    for i, line in enumerate(lines):
        if line.cls == "empty":
            continue
        if line.rule is None and line.cls == "good":
            run = []
        elif run is not None and line.rule is None:
            run.append(i)
        elif run is not None and line.rule is not None and line.rule.startswith(end_packs):
            listed = MIN_RUN <= len(run) <= CLOSING_MAX and (prose < prose_chars or _contact(lines, run))
            if listed or (run and all(numbers.match(lines[k].text.strip().casefold()) for k in run)):
                found += run
            run = None
        else:
            run = None
    return found


def first_heading(lines: Sequence[Spareable]) -> tuple[int | None, bool]:
    """The first section's heading: the headline-like line right above the first sentence-like
    line (nothing between), when the body goes on in sections from there, one after the other:
    `MIN_SECTIONS` or more headings, each between two sentence-like lines, every section (the
    first too) of 1 to `SECTION_PARAGRAPHS` paragraphs (a guide's tips, a plan's phases:
    "Heizung richtig einstellen", then one paragraph), of any number when the headings are
    numbered alike. Its index or None, and whether it is
    numbered like the others (`numbered`: "Phase 1: ..."; then it is no title either);
    unnumbered, it holds no digit and no colon (a byline, a date, "Authors: ..." stand there on
    real pages). A news article runs longer between its subheadings; the line above its first
    paragraph is its title, a deck or a byline."""
    visible = [i for i, line in enumerate(lines) if line.cls != "empty"]
    kept = [lines[i].rule is None and lines[i].cls == "good" for i in visible]
    if True not in kept or kept.index(True) == 0:
        return None, False
    start = kept.index(True)
    above = visible[start - 1]
    if not _heading(lines[above]):
        return None, False
    heads, longest = _sections(lines, visible, kept, start)
    if len(heads) < MIN_SECTIONS:
        return None, False
    text = lines[above].text
    if numbered([text, *heads]):
        return above, True  # (numbered alike: "Tip #1 - ...", "Tip #2 - ...", however long the sections)
    if longest > SECTION_PARAGRAPHS:
        return None, False  # (a longer stretch of paragraphs: a news article's)
    words = max(len(h.split()) for h in heads)
    plain = not _DIGIT.search(text) and ":" not in text  # (not a byline, "Authors: ...", nor a date)
    return (above, False) if plain and lines[above].feats.words <= words + SECTION_SLACK else (None, False)


def _sections(lines: Sequence[Spareable], visible: list[int], kept: list[bool], start: int) -> tuple[list[str], int]:
    """The headings of the sections that follow one another from the first paragraph (`start`, an
    index into `visible`) on, each a heading right above a paragraph, and the most paragraphs a
    section (the first too) holds."""
    heads: list[str] = []
    longest, k = 0, start
    while True:
        paragraphs = len(list(itertools.takewhile(bool, kept[k:])))
        longest = max(longest, paragraphs)
        k += paragraphs
        if k + 1 >= len(visible) or not kept[k + 1] or not _heading(lines[visible[k]]):
            return heads, longest
        heads.append(lines[visible[k]].text)
        k += 1


def _heading(line: Spareable) -> bool:
    """A kept short line that may head a section: a few words, no sentence end."""
    short = line.cls == "short" and 2 <= line.feats.words <= SECTION_WORDS
    return short and line.rule is None and not line.feats.terminal


def _contact(lines: Sequence[Spareable], run: list[int]) -> bool:
    """Does the run open with a press contact's heading (in its first two lines: "Notes to editors",
    then "Media contact:")?"""
    pattern = closing_words()["contact"]
    return any(pattern.match(lines[k].text.strip().casefold()) for k in run[:2])


def _brief(line: Spareable) -> bool:
    """A kept short sentence: a step, a question, an answer."""
    return line.rule is None and line.feats.words <= STEP_WORDS and _sentence_end(line.text)


def _sentence_end(text: str) -> bool:
    """Does the line end a sentence ("Season to taste.", "Why?")? Not a colon: "Contact:" opens a list."""
    return text.rstrip().rstrip(_CLOSERS).endswith(_ENDS)


_ENDS, _CLOSERS = (".", "!", "?", "…", "。", "！", "？"), "\"'»”’)]"


def listed_amounts(lines: Sequence[Spareable], heads: dict[int, str] | None = None) -> list[list[int]]:
    """A list heading (`headed`: "Zutaten", "Ingredients") and the short visible lines after
    it (`ITEM_WORDS` words at most), up to a longer line, a sentence or a line a rule dropped, when
    at least `MIN_RUN` of them and half or more open with an amount (`_AMOUNT`)."""
    heads = headed(lines) if heads is None else heads
    found: list[list[int]] = []
    for i, items in _under_headings(lines, heads, "list", lambda j: _item(lines[j])):
        amounts = sum(bool(_AMOUNT.match(lines[j].text.strip())) for j in items)
        if amounts >= MIN_RUN and 2 * amounts >= len(items):
            found.append([i, *items])
    return found


def _item(line: Spareable) -> bool:
    """A list's item under its heading: short, no sentence, no rule's; longer when it opens with an
    amount (an ingredient naming its brand and a choice, `AMOUNT_WORDS`)."""
    if line.feats.terminal or line.rule is not None:
        return False
    words = line.feats.words
    return words <= ITEM_WORDS or (words <= AMOUNT_WORDS and bool(_AMOUNT.match(line.text.strip())))


def bulleted_runs(lines: Sequence[Spareable]) -> list[list[int]]:
    """Runs of `MIN_RUN` or more neighbouring visible lines that open with the same list mark written
    out in the text (`_BULLETS` and a space: a changelog's "+ Added ...", a tips list's "– Book ..."),
    averaging `MIN_MEAN_WORDS` words or more, right before or after a sentence-like line no rule took:
    an article's list. A menu's entries are one or two words; a rail of bulleted headlines stands
    among furniture, not against the article's prose (indices)."""
    visible = [i for i, line in enumerate(lines) if line.cls != "empty"]
    marks = [_bullet(lines[i].text) if lines[i].feats.words <= MAX_WORDS else "" for i in visible]
    found: list[list[int]] = []
    k = 0
    for mark, group in itertools.groupby(marks):
        n = len(list(group))
        run, k = visible[k : k + n], k + n
        if not mark or n < MIN_RUN or sum(lines[i].feats.words for i in run) < MIN_MEAN_WORDS * n:
            continue
        beside = visible[k - n - 1 : k - n] if k > n else []
        beside += visible[k : k + 1]
        if any(lines[i].cls == "good" and lines[i].rule is None and not _bullet(lines[i].text) for i in beside):
            found.append(run)
    return found


def _bullet(text: str) -> str:
    """The list mark opening a line ("+", "•", "–"; followed by a space), or ''."""
    text = text.lstrip()
    return text[0] if len(text) > 2 and text[0] in _BULLETS and text[1] in " \t" else ""


def method_steps(lines: Sequence[Spareable], heads: dict[int, str] | None = None) -> list[list[int]]:
    """A method's heading (`headed`: "Zubereitung", "Method") and the visible lines after it, up to
    a line a rule dropped and to the last short sentence, when `MIN_RUN` or more of them, and half
    or more, are short sentences ("Ofen vorheizen.", "Lepić i gotować.")."""
    heads = headed(lines) if heads is None else heads
    found: list[list[int]] = []
    for i, items in _under_headings(lines, heads, "steps", lambda j: lines[j].rule is None):
        briefs = [n for n, j in enumerate(items) if _brief(lines[j])]
        items = items[: briefs[-1] + 1] if briefs else []  # (up to the last step)
        steps = len(briefs)
        if steps >= MIN_RUN and 2 * steps >= len(items):
            found.append([i, *items])
    return found


def _under_headings(
    lines: Sequence[Spareable], heads: dict[int, str], kind: str, belongs: Callable[[int], bool]
) -> Iterator[tuple[int, list[int]]]:
    """Each heading of `kind` and the visible lines right after it, as long as `belongs(index)`."""
    starts = {i for i, what in heads.items() if what == kind}
    if not starts:
        return
    visible = [i for i, line in enumerate(lines) if line.cls != "empty"]
    for k, i in enumerate(visible):
        if i in starts:
            yield i, list(itertools.takewhile(belongs, visible[k + 1 :]))


def listed_points(lines: Sequence[Spareable], heads: dict[int, str] | None = None) -> list[list[int]]:
    """A heading over a review's or a job ad's points (`headed`: "Pros", "Cons", "Ihre Aufgaben",
    "Ihr Profil", `[lists] points`, the whole line) and the short visible lines after it
    (`POINT_WORDS` words at most, `MAX_POINTS` at most), up to a line a rule took, another such
    heading, a line opening with a digit or a price or a line ending in a colon (the offer's price
    box after a review's cons), when `MIN_POINTS` or more. Spared from `isolated-short` and the
    title, not from the line model: kept beside a product's sections, they moved its window and it
    took a section's paragraphs (train/dev)."""
    heads = headed(lines) if heads is None else heads
    under = _under_headings(lines, heads, "points", lambda j: _point(lines[j]) and j not in heads)
    return [[i, *items[:MAX_POINTS]] for i, items in under if len(items) >= MIN_POINTS]


def _point(line: Spareable) -> bool:
    text = line.text.strip()  # (a line ending in a colon heads something else: "Best prices today:")
    opening = text[:1]
    return (
        line.rule is None
        and line.feats.words <= POINT_WORDS
        and not opening.isdigit()
        and opening not in "$€£¥"
        and not text.endswith(":")
    )


@functools.cache
def list_headings() -> re.Pattern[str]:
    """The headings of lists ("headings") and of a method's steps ("steps") in every language
    (configs/lexicon/shapes.toml, `[lists]`), as one pattern, a named group for each kind."""
    with LEXICON.open("rb") as f:
        lists = tomllib.load(f)["lists"]
    words = {kind: "|".join(re.escape(w) for w in sorted(lists[key], key=len, reverse=True))
             for kind, key in (("list", "headings"), ("steps", "steps"), ("points", "points"))}  # fmt: skip
    return re.compile(
        rf"(?:(?P<points>{words['points']})\s*:?$|(?:(?P<list>{words['list']})|(?P<steps>{words['steps']}))\b[^.!?]{{0,40}}$)"
    )


@functools.cache
def closing_words() -> dict[str, re.Pattern[str]]:
    """The closing lines' words (configs/lexicon/shapes.toml, `[closing]`), each kind as one pattern
    over a casefolded line: "number", a file number's opening word and its number ("az. 3 u
    12/24"); "contact", a press contact's heading, alone or before a colon ("pressekontakt:")."""
    with LEXICON.open("rb") as f:
        words = tomllib.load(f)["closing"]
    alternatives = {k: "|".join(re.escape(w) for w in sorted(words[k], key=len, reverse=True)) for k in words}
    return {
        "number": re.compile(rf"(?:{alternatives['file_numbers']})[^.!?\d]{{0,16}}\d[^!?]{{0,60}}$"),
        "contact": re.compile(rf"(?:{alternatives['contact_headings']})\s*(?::.{{0,60}})?$"),
    }


def headed(lines: Sequence[Spareable]) -> dict[int, str]:
    """The lines that are a list's or a method's heading, and which ("list", "steps"). (This runs on
    every line of every pass: the word count first, one pattern for both.)"""
    pattern = list_headings()
    heads: dict[int, str] = {}
    for i, x in enumerate(lines):
        if x.feats.words <= HEADING_WORDS and (match := pattern.match(x.text.strip().casefold())):
            heads[i] = "list" if match.group("list") else "steps" if match.group("steps") else "points"
    return heads


def spare_rows(
    lines: Sequence[Spareable],
    roles: tuple[str, ...],
    list_roles: tuple[str, ...] = (),
    tail_roles: tuple[str, ...] = (),
    ends: tuple[tuple[str, ...], int] = ((), 0),
) -> None:
    """Mark the lines of every parallel run and table as spared from the decisions `roles` (the
    context pass's and the line model's: a row reads like a teaser or a menu entry to either), those
    of every list of amounts under its heading from `list_roles` too (an ingredient above the method
    reads like a title), and the short sentences closing a paragraph run (`tail`) from `tail_roles`,
    and from `roles` too when they close a list of short sentences (a method's last step reads like
    a button to the line model; after a long paragraph its doubt stands: "Shop now.")."""
    runs = [(run, roles) for run in (*parallel_runs(lines), *table_rows(lines), *timed_runs(lines), specs(lines))]
    if tail_roles:
        steps, closing = tail(lines)
        runs += [(steps, (*tail_roles, *roles)), (closing, tail_roles)]
    if ends[0]:
        for i in closing_list(lines, *ends):
            lines[i].closing = True  # (the furniture that showed it is gone in the next runs)
        runs.append(([i for i, line in enumerate(lines) if line.closing], roles))
    first, numbered_alike = first_heading(lines)
    if first is not None:  # (numbered like the next ones: a section's heading, not the title)
        runs.append(([first], (*roles, *list_roles) if numbered_alike else roles))
    heads = headed(lines)
    lists = (*listed_amounts(lines, heads), *method_steps(lines, heads), *bulleted_runs(lines))
    runs += [(run, (*roles, *list_roles)) for run in lists]
    runs += [(run, (*tail_roles, *list_roles)) for run in listed_points(lines, heads)]
    for run, spared in runs:
        for i in run:
            lines[i].spared = (*lines[i].spared, *(r for r in spared if r not in lines[i].spared))
