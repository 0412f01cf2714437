"""Markdown to plain paragraphs, with markdown-it-py (CommonMark plus tables), for the layout stage.

Policy, one line of output per:
- heading, list item paragraph, block quote paragraph: its text, markers and emphasis gone;
- paragraph: one line per source line, or, when the document is hard-wrapped, the source lines
  rejoined by the greedy-wrapper test of stages/layout.py;
- link: its anchor text, the target dropped; image: removed, its alt text kept only with
  `[layout] markdown_image_alt = true`; a line left empty by a removed image is a drop event;
- table row: its cells joined by " | " (the separator row is markup and goes);
- fenced code block: each source line as it is, or dropped with `markdown_code = "drop"`; an
  indented block is parsed again, dedented (scrapers indent prose and lists too); raw HTML: its
  tags dropped, the text between them kept (no HTML blocks: an unclosed <script> line would
  swallow the page); inline code keeps its text; a link the parser refused (a target with
  spaces, as html2text writes them) still loses its target;
- navigation: a list whose items are nearly all links (`nav_min_items`, `nav_link_share`), and a
  line of several links and little else, are chrome: dropped here with a rule id; so are the
  options of a form's drop-down list, which html2text writes as one line of names, and a script
  it let through as text (outside any code block).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from pipeline.document import AuditEvent
from pipeline.settings import LayoutSettings
from pipeline.stages.unwrap import STAGE, Block, blank_separated, fits, hyphen_break, paragraph_end, word_break

NAV_LIST = "layout.markdown.nav-list"
LINK_LINE = "layout.markdown.link-line"
IMAGE = "layout.markdown.image"
_MAX_DEPTH = 3  # indented blocks parsed again, at most this deep
# A link the parser refused (html2text leaves spaces in targets): the anchor stays, the target goes.
_LEFTOVER_LINK = re.compile(r"!?\[([^\]\n]*)\]\((?:[a-z]+:|/|#)[^)\n]*\)?")
_HEADING = re.compile(r" {0,3}#{1,6} ")
_BLOCK = re.compile(r"\s*(?:#|[-*+>|]\s|\d+[.)]\s|```|~~~|$)")  # a line that starts a block of its own
_OPEN_TARGET = re.compile(r"\]\([^)\s]*$")  # a link target still open at the end of the line
CODE = "layout.markdown.code"
OPTIONS = "layout.markdown.options"
SCRIPT = "layout.markdown.script"
_QUOTE_MARK = re.compile(r"^ {0,3}(?:> ?)+")
# A heading whose marks a no-break space follows: detection counts it (`\s`), the normaliser delivers
# it with a plain space, so the parser reads it as a heading too (cleaning the clean text agrees).
_NBSP_HEADING = re.compile(r"^( {0,3}#{1,6})\u00a0", re.MULTILINE)


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    # No HTML blocks: a scraper's unclosed <script> line would make the rest of the page one raw
    # block. HTML then stays inline, where its tags are dropped and the text around them kept.
    return MarkdownIt("commonmark").enable("table").disable("html_block")


@dataclass
class Piece:
    """Rendered text of one source line of an inline run, with what it was made of."""

    text: str = ""
    link_chars: int = 0
    links: int = 0
    images: int = 0


@dataclass
class Out:
    """A block on its way out, with where it sat (outermost list and item) for the nav decision."""

    block: Block
    piece: Piece
    list_id: int | None = None
    item_id: int | None = None
    drop: str | None = None
    reason: str = ""


@dataclass
class Walk:
    lines: Sequence[str]
    width: int | None
    settings: LayoutSettings
    out: list[Out] = field(default_factory=list)
    depth: int = 0
    lists: int = 0
    items: int = 0
    row: list[str] | None = None
    row_first: int = 0
    guess: bool = True  # see layout.paragraph_end
    indented: int = 0  # inside how many indented blocks parsed again (code an article shows)


def render(children: list[Token], keep_alt: bool) -> list[Piece]:
    """An inline run as pieces, one per source line (split at soft and hard breaks)."""
    pieces = [Piece()]
    in_link = 0
    for t in children:
        p = pieces[-1]
        if t.type in ("text", "code_inline"):
            p.text += t.content
            p.link_chars += len(t.content) if in_link else 0
        elif t.type in ("softbreak", "hardbreak"):
            pieces.append(Piece())
        elif t.type == "link_open":
            in_link += 1
            p.links += 1
        elif t.type == "link_close":
            in_link = max(0, in_link - 1)
        elif t.type == "image":
            p.images += 1
            if keep_alt and t.content:
                p.text += t.content
                p.link_chars += len(t.content) if in_link else 0
    return pieces


def to_blocks(
    lines: Sequence[str], width: int | None, settings: LayoutSettings
) -> tuple[list[Block], list[AuditEvent]]:
    """The document's Markdown as blocks with their input line ranges, and the drop events."""
    joined, firsts, lasts = join_broken_lines(lines, width) if width else (list(lines), None, None)
    walk = Walk(joined, width, settings, guess=not blank_separated(lines))
    _parse(walk, joined, 0, 0)
    _mark_navigation(walk.out, settings)
    blocks, events = [], []
    for o in walk.out:
        b = o.block
        if firsts and lasts:  # back to the input's line numbers
            b = Block(b.text, firsts[b.first - 1], lasts[b.last - 1])
        if o.drop:
            events.append(AuditEvent(STAGE, "drop", o.drop, o.reason, b.first, b.text or lines[b.first - 1]))
        elif b.text.strip():
            blocks.append(b)
    return blocks, events


def open_target(line: str) -> bool:
    """Does a link target (or its title) start on this line and not end there?"""
    i = line.rfind("](")
    return i >= 0 and ")" not in line[i:]


def join_broken_lines(lines: Sequence[str], width: int) -> tuple[list[str], list[int], list[int]]:
    """Rejoin what a wrapper broke and Markdown cannot span: link targets (broken at a hyphen of
    the URL, or before the link's title) and headings (one line in Markdown). With each joined
    line's first and last input line (1-based)."""
    out: list[str] = []
    firsts: list[int] = []
    lasts: list[int] = []
    for n, line in enumerate(lines, 1):
        target = out and (open_target(out[-1]) or line.lstrip().startswith("]("))
        heading = out and _HEADING.match(out[-1]) and not fits(out[-1], line, width) and not _BLOCK.match(line)
        if (target or heading) and line.strip():
            tight = target and (out[-1].endswith(("-", "/", "(")) or _OPEN_TARGET.search(out[-1]))
            out[-1] += ("" if tight and not line.lstrip().startswith('"') else " ") + line.strip()
            lasts[-1] = n
        else:
            out.append(line)
            firsts.append(n)
            lasts.append(n)
    return out, firsts, lasts


def _parse(w: Walk, lines: Sequence[str], offset: int, depth: int) -> None:
    """Parse `lines` (the walk's lines from `offset` on) and visit the tokens, maps made absolute."""
    for token in parser().parse(_NBSP_HEADING.sub(r"\1 ", "\n".join(lines))):
        if token.map:
            token.map = [token.map[0] + offset, token.map[1] + offset]
        if token.type == "code_block" and token.map and depth < _MAX_DEPTH:
            _indented(w, token, depth)
        else:
            _visit(w, token)


def _indented(w: Walk, t: Token, depth: int) -> None:
    """An indented code block is parsed again, dedented: html2text and text dumps indent prose and
    nested lists by four spaces too (fenced blocks are the code that stays as it is)."""
    start, end = t.map or (0, 0)
    body = [line[4:] if line[:4] == "    " else line.lstrip("\t") for line in w.lines[start:end]]
    w.indented += 1
    _parse(w, body, start, depth + 1)
    w.indented -= 1


def _visit(w: Walk, t: Token) -> None:
    if t.type in ("bullet_list_open", "ordered_list_open"):
        w.depth += 1
        w.lists += w.depth == 1
    elif t.type in ("bullet_list_close", "ordered_list_close"):
        w.depth -= 1
    elif t.type == "list_item_open" and w.depth == 1:
        w.items += 1
    elif t.type == "tr_open" and t.map:
        w.row, w.row_first = [], t.map[0] + 1
    elif t.type == "tr_close" and w.row is not None:
        text = " | ".join(cell for cell in w.row if cell)
        _emit(w, Block(text, w.row_first, w.row_first), Piece(text))
        w.row = None
    elif t.type == "inline" and t.map:
        _inline(w, t)
    elif t.type in ("code_block", "fence") and t.map:
        _code(w, t)


def _emit(w: Walk, block: Block, piece: Piece, drop: str | None = None, reason: str = "") -> None:
    inside = w.depth > 0
    w.out.append(Out(block, piece, w.lists if inside else None, w.items if inside else None, drop, reason))


def _inline(w: Walk, t: Token) -> None:
    pieces = render(t.children or [], w.settings.markdown_image_alt)
    if w.row is not None:  # a table cell
        w.row.append(" ".join(p.text.strip() for p in pieces if p.text.strip()))
        return
    start, end = t.map or (0, 0)
    source = list(w.lines[start:end])
    if len(pieces) != len(source):  # a break inside a code span or link: keep the run as one line
        merged = Piece(" ".join(p.text.strip() for p in pieces), sum(p.link_chars for p in pieces),
                       sum(p.links for p in pieces), sum(p.images for p in pieces))  # fmt: skip
        _piece_out(w, merged, start + 1, end)
        return
    group, first = pieces[0], start + 1
    # A quote's marker is not a word the wrapper moved: the next line's first word comes after it.
    bare = [_QUOTE_MARK.sub("", line, count=1) for line in source]
    for i in range(1, len(pieces)):
        after = bare[i + 1] if i + 1 < len(source) else ""
        ends = paragraph_end(source[i - 1], bare[i], after, w.width, w.guess) if w.width else True
        if not ends and not source[i - 1].endswith("  "):
            tight = hyphen_break(source[i - 1], bare[i]) or word_break(source[i - 1], bare[i], w.width or 0)
            p = pieces[i]
            text = group.text.rstrip() + ("" if tight else " ") + p.text.strip()
            group = Piece(text, group.link_chars + p.link_chars, group.links + p.links, group.images + p.images)
        else:
            _piece_out(w, group, first, start + i)
            group, first = pieces[i], start + i + 1
    _piece_out(w, group, first, end)


def _piece_out(w: Walk, piece: Piece, first: int, last: int) -> None:
    text = " ".join(piece.text.split())
    if "](" in text:
        text = " ".join(_LEFTOVER_LINK.sub(r"\1", text).split())
    if text and options_like(text):
        _emit(w, Block(text, first, last), piece, OPTIONS, "options of a form's drop-down list (Markdown)")
    elif text and not w.indented and script_like(text):
        _emit(w, Block(text, first, last), piece, SCRIPT, "a script's code outside a code block (Markdown)")
    elif text:
        _emit(w, Block(text, first, last), piece)
    elif piece.images:
        _emit(w, Block("", first, last), piece, IMAGE, "image (Markdown): the alt text is not kept")


def options_like(text: str) -> bool:
    """A form's drop-down list as html2text writes it: its options on one line ("Select Month
    January 2015 December 2014 ...", a list of countries): 20+ words, three in four capitalised or
    numbers, none ending a sentence or a clause. Prose, and lists of names written as prose
    (commas), never look like that."""
    words = [word for word in text.split() if any(c.isalnum() for c in word)]
    if len(words) < 20 or any(word[-1] in ".,;:!?" for word in words):
        return False
    upper = sum(1 for word in words if next(c for c in word if c.isalnum()).isupper() or word[0].isdigit())
    return upper >= 0.75 * len(words)


_SCRIPT_SIGNS = ("var ", "function(", "function (", "});", "();", "window.", "document.", "<![CDATA[")


def script_like(text: str) -> bool:
    """A page's script that html2text let through as text (a broken <script> tag): two signs of
    JavaScript and its punctuation dense. (Code that an article shows sits in a code block,
    fenced or indented: never judged.)"""
    signs = sum(1 for sign in _SCRIPT_SIGNS if sign in text)
    return signs >= 2 and sum(text.count(c) for c in "{}();=") >= 0.05 * len(text)


def _code(w: Walk, t: Token) -> None:
    start, end = t.map or (0, 0)
    body = t.content.rstrip("\n").split("\n") if t.content.strip() else []
    first = start + (2 if t.type == "fence" else 1)
    for i, line in enumerate(body):
        n = min(first + i, end)
        if w.settings.markdown_code == "drop":
            _emit(w, Block(line, n, n), Piece(line), CODE, "code block (Markdown), dropped by [layout] markdown_code")
        elif line.strip():
            _emit(w, Block(line.strip(), n, n), Piece(line))


def _link_like(p: Piece, share: float) -> bool:
    chars = len(p.text.strip())
    return chars > 0 and p.links > 0 and p.link_chars >= share * chars


def _mark_navigation(outs: list[Out], s: LayoutSettings) -> None:
    """Drop navigation: lists whose items are nearly all links, and lines of several links only."""
    items: dict[int, dict[int, list[Out]]] = {}
    for o in outs:
        if o.list_id is not None and o.item_id is not None and not o.drop:
            items.setdefault(o.list_id, {}).setdefault(o.item_id, []).append(o)
        elif o.list_id is None and not o.drop and o.piece.links >= 2 and _link_like(o.piece, s.nav_link_share):
            o.drop, o.reason = LINK_LINE, f"a line of {o.piece.links} links and little else (Markdown)"
    for per_item in items.values():
        linked = sum(1 for group in per_item.values() if all(_link_like(o.piece, s.nav_link_share) for o in group))
        if len(per_item) >= s.nav_min_items and linked >= s.nav_link_share * len(per_item):
            reason = f"navigation list: {linked} of {len(per_item)} items are links (Markdown)"
            for group in per_item.values():
                for o in group:
                    o.drop, o.reason = NAV_LIST, reason
        else:  # a short list can still hold a line of links (a tag cloud as one item)
            for group in per_item.values():
                for o in group:
                    if o.piece.links >= s.nav_min_items and _link_like(o.piece, s.nav_link_share):
                        o.drop, o.reason = LINK_LINE, f"a list item of {o.piece.links} links and little else (Markdown)"
