"""HTML probes: hand-written article pages whose body holds the furniture an extractor keeps inside
it (photo credits, "Lesen Sie auch:" lines, ads, newsletter and author boxes, share and print
buttons, related links, consent placeholders of embeds, finder boxes), run through the whole
pipeline on the HTML path (trafilatura, then the chrome stage), as `pipeline evaluate` runs it.

Each page (`tests/data/probes/html/<lang>-<kind>.html`) marks its elements inside `<article>`:

    data-probe="c"   chrome: must go
    data-probe="g"   chrome known to stay (a noted gap; an HTML comment above says why)
    data-probe="l"   article known to be lost (a noted loss)
    (no mark)        a <p>, <li>, <h2>-<h4> or <td> without a mark is article: must stay
    <h1>             the title: stays, or becomes the record's title

The whole-page probes (`page_probes.py`) test the text path, where the context pass sees the
page around the article; here the extractor has cut the page down to the article, and what stays
inside it is up to the rules. Written for webclean, never taken from an evaluation page.

    .venv/bin/python bench/html_probes.py            # one row a page
    .venv/bin/python bench/html_probes.py --detail   # and each failing line, with the rule that dropped it

Exit 1 when a page keeps a `c` element, loses an article element, drops a `g` one or keeps an `l`
one. `tests/test_html_probes.py` asserts the same.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from lxml import html as lxml_html
from page_probes import Page as TextPage
from page_probes import cli

from pipeline.core import Context, clean_document
from pipeline.document import Document

PAGES = Path(__file__).resolve().parent.parent / "tests" / "data" / "probes" / "html"
ARTICLE_TAGS = {"p", "li", "h2", "h3", "h4", "td", "figcaption", "blockquote"}


def norm(text: str) -> str:
    """Spaces, a table's bars and a list's bullet aside (the HTML path writes `| a | b |`, `- a`)."""
    return re.sub(r"^- ", "", re.sub(r"\s+", " ", text.replace("|", " ")).strip())


@dataclass
class Page(TextPage):
    """One hand-written page: its marked elements' texts as `lines` (part: C, A, T, G, L; text),
    the page itself, and what the pipeline did with them."""

    raw: bytes = b""


def parse(name: str, raw: bytes) -> Page:
    tree = lxml_html.fromstring(raw)
    article = tree.find(".//article")
    if article is None:
        raise ValueError(f"{name}: no <article>")
    parts: list[tuple[str, str]] = []
    for el in article.iter():
        if not isinstance(el.tag, str):
            continue
        mark = el.get("data-probe")
        inside = any(a.get("data-probe") for a in el.iterancestors())
        holds = any(d.get("data-probe") for d in el.iterdescendants() if isinstance(d.tag, str))
        text = norm(el.text_content())
        if inside or not text or (holds and not mark):
            continue
        if mark:
            if mark not in ("c", "g", "l"):
                raise ValueError(f"{name}: data-probe is c, g or l, not {mark!r}")
            parts.append((mark.upper(), text))
        elif el.tag == "h1":
            parts.append(("T", text))
        elif el.tag in ARTICLE_TAGS and not any(c.tag in ARTICLE_TAGS for c in el.iterdescendants()):
            parts.append(("A", text))
    return Page(name, parts, raw=raw)


def load(folder: Path = PAGES) -> list[Page]:
    return [parse(path.stem, path.read_bytes()) for path in sorted(folder.glob("*.html"))]


def run(ctx: Context, page: Page) -> Page:
    """The pipeline on the page (HTML path); notes chrome kept, article lost, gaps closed."""
    ctx = dataclasses.replace(ctx, settings=ctx.settings.with_languages("any"))
    doc = Document(id=page.name, source=f"{page.name}.html", file=f"{page.name}.html", metadata={"format": "html"})
    doc = clean_document(doc, page.raw, ctx)
    lines = [norm(x) for x in doc.lines] if doc.status == "ok" else []
    kept, joined = set(lines), " ".join(lines)
    rules = {norm(e.text): e.rule for e in doc.events if e.action == "drop"}

    def stays(text: str, part: str) -> bool:
        if part in "CG":  # chrome: a line of its own, or a long one inside a kept line
            return text in kept or (len(text) >= 40 and text in joined)
        return text in joined or (part == "T" and doc.title is not None and norm(doc.title) == text)

    page.left = [t for p, t in page.lines if p == "C" and stays(t, p)]
    page.lost = [(t, rules.get(t, "?")) for p, t in page.lines if p in "AT" and not stays(t, p)]
    page.closed = [t for p, t in page.lines if (p == "G" and not stays(t, p)) or (p == "L" and stays(t, p))]
    return page


def main(argv: list[str] | None = None) -> int:
    return cli(argv, __doc__ or "", load, run, ("chrome kept", "mark it c or unmark it"))


if __name__ == "__main__":
    sys.exit(main())
