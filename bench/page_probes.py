"""Whole-page probes: hand-written pages of small sites (blogs, shops' magazines, associations,
forums) as a crawler's text dump holds them, one visible block a line, run through the chrome
stage on the text path.

Each page (`tests/data/probes/pages/<lang>-<kind>.txt`) marks every line with its part:

    C <line>   chrome: must go
    A <line>   article: must stay
    T <line>   the title: stays, or becomes the record's title
    G <line>   chrome known to stay (a noted gap; the `# gap:` comment above says why)
    L <line>   article known to be lost (a noted loss; the `# loss:` comment above says why)
    # ...      a comment

Where `chrome_probes.py` puts one family at a time around an article, these pages hold every
family at once, in the order a theme prints them (header, post meta, body, tags, post
navigation, author box, comments, comment form, sidebar, footer, cookie banner), so the
passes that read neighbours (blocks, the line model, the context pass, the article's end) see
what they see on a real page. Written for webclean, never taken from an evaluation page.

    .venv/bin/python bench/page_probes.py            # one row a page
    .venv/bin/python bench/page_probes.py --detail   # and each failing line, with the rule that dropped it

Exit 1 when a page loses an `A` line, keeps a `C` line, drops a `G` line (the gap closed: mark it
`C`) or keeps an `L` line (the loss is mended: mark it `A`). `tests/test_page_probes.py` asserts
the same.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.core import Context
from pipeline.document import Document
from pipeline.settings import load_settings
from pipeline.stages.chrome import remove_chrome

PAGES = Path(__file__).resolve().parent.parent / "tests" / "data" / "probes" / "pages"
PARTS = ("C", "A", "T", "G", "L")


@dataclass
class Page:
    """One hand-written page: its lines with their parts, and what the chrome stage did."""

    name: str
    lines: list[tuple[str, str]]  # (part, text)
    left: list[str] = field(default_factory=list)  # C lines kept
    lost: list[tuple[str, str]] = field(default_factory=list)  # A/T lines dropped, with the rule
    closed: list[str] = field(default_factory=list)  # G lines that went, L lines that stayed

    @property
    def ok(self) -> bool:
        return not self.left and not self.lost and not self.closed

    def count(self, part: str) -> int:
        return sum(p == part for p, _ in self.lines)


def parse(name: str, text: str) -> Page:
    """A page file's lines; refuses an unmarked line, so a typo cannot pass as article."""
    lines = []
    for n, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        part, _, line = raw.partition(" ")
        if part not in PARTS or not line.strip():
            raise ValueError(f"{name}:{n}: a line starts with one of {', '.join(PARTS)} and a space")
        lines.append((part, line.strip()))
    return Page(name, lines)


def load(folder: Path = PAGES) -> list[Page]:
    return [parse(path.stem, path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.txt"))]


def run(ctx: Context, page: Page) -> Page:
    """The chrome stage on the page (text path); notes chrome kept, article lost, gaps closed."""
    doc = Document(id=page.name, source=f"{page.name}.txt", file=f"{page.name}.txt")
    doc.set_text("\n".join(text for _, text in page.lines))
    remove_chrome(doc, ctx.rules, ctx.settings.chrome)
    kept = set(doc.lines)
    rules = {e.text: e.rule for e in doc.events if e.action == "drop"}
    page.left = [text for part, text in page.lines if part == "C" and text in kept]
    page.lost = [(text, rules.get(text, "?")) for part, text in page.lines if part == "A" and text not in kept]
    page.lost += [(t, rules.get(t, "?")) for p, t in page.lines if p == "T" and t not in kept and doc.title != t]
    page.closed = [text for part, text in page.lines if (part == "G") == (text not in kept) and part in "GL"]
    return page


def table(pages: Sequence[Page], what: str = "chrome lines kept") -> str:
    rows = [f"{'page':<16}{'chrome':>8}{'left':>6}{'article':>9}{'lost':>6}{'gaps':>6}{'losses':>8}{'closed':>8}"]
    for p in pages:
        rows.append(
            f"{p.name:<16}{p.count('C'):>8}{len(p.left):>6}{p.count('A') + p.count('T'):>9}"
            f"{len(p.lost):>6}{p.count('G'):>6}{p.count('L'):>8}{len(p.closed):>8}"
        )
    chrome = sum(p.count("C") + p.count("G") for p in pages)
    left = sum(len(p.left) + sum(part == "G" and t not in p.closed for part, t in p.lines) for p in pages)
    rows.append(f"{sum(p.ok for p in pages)}/{len(pages)} pages pass; {what} {left}/{chrome}")
    return "\n".join(rows)


def detail(pages: Sequence[Page], closed_hint: str = "mark it C or A") -> str:
    out = []
    for p in pages:
        if p.ok:
            continue
        out.append(f"[{p.name}]")
        out += [f"  chrome left: {line}" for line in p.left]
        out += [f"  article lost ({rule}): {line}" for line, rule in p.lost]
        out += [f"  noted gap or loss closed ({closed_hint}): {line}" for line in p.closed]
    return "\n".join(out)


def cli(
    argv: list[str] | None,
    doc: str,
    load_pages: Callable[[], Sequence[Page]],
    run_page: Callable[[Context, Any], Page],
    labels: tuple[str, str] = ("chrome lines kept", "mark it C or A"),
) -> int:
    """A probe script's command line: one row a page, `--detail` each failing line; exit 1 on a failure."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--detail", action="store_true", help="list each failing line")
    args = parser.parse_args(argv)
    ctx = Context.load(load_settings())
    pages = [run_page(ctx, p) for p in load_pages()]
    print(table(pages, labels[0]))
    if args.detail:
        print(detail(pages, labels[1]))
    return 0 if all(p.ok for p in pages) else 1


def main(argv: list[str] | None = None) -> int:
    return cli(argv, __doc__ or "", load, run)


if __name__ == "__main__":
    sys.exit(main())
