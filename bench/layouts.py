"""Write text documents (one block a line) again in the layouts scrapers use, to measure the layout stage.

    python bench/layouts.py --input seeds --output /tmp/layouts [--widths 60,72,80,100] [--html DIR]

For every `NAME.txt[.gz]` under --input: `wrapN/` (every line over N columns hard-wrapped with
textwrap, nothing else changed), `wrapN-blank/` (the same, a blank line between the blocks),
`md/` and `md-wrap72/` (each line a Markdown paragraph, its punctuation escaped, the first a
heading; unwrapped and wrapped at 72).
With --html DIR (pages `NAME.html[.gz]`; needs html2text, installed by hand for measuring):
`markdown/` (html2text, no wrapping) and `markdown-wrap78/` (html2text's default 78 columns).
Each variant folder holds files of the same names, so one scorer scores them all.
"""

from __future__ import annotations

import argparse
import gzip
import textwrap
from collections.abc import Callable
from pathlib import Path


def read_text(path: Path) -> str:
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return data.decode("utf-8")


def wrap(text: str, width: int, blank: bool) -> str:
    """Each line over `width` columns hard-wrapped at it; blank lines between blocks if `blank`."""
    blocks = [textwrap.fill(line, width) if len(line) > width else line for line in text.split("\n") if line.strip()]
    return ("\n\n" if blank else "\n").join(blocks) + "\n"


def escape(line: str) -> str:
    """A line as Markdown text that renders back to itself: every ASCII punctuation escaped."""
    return "".join("\\" + c if c in _PUNCT else c for c in line)


_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def lines_to_markdown(text: str, width: int = 0) -> str:
    """One-block-a-line text as Markdown: the first line a heading, the others paragraphs, blank
    lines between; wrapped at `width` (0: not) the way html2text wraps (never at hyphens)."""
    blocks = [line.strip() for line in text.split("\n") if line.strip()]
    out = []
    for i, line in enumerate(blocks):
        md = ("# " if i == 0 else "") + escape(line)
        if width and len(md) > width:
            md = textwrap.fill(md, width, break_on_hyphens=False, break_long_words=False)
        out.append(md)
    return "\n\n".join(out) + "\n"


def markdown(html: str, width: int) -> str:
    import html2text  # type: ignore[import-not-found]  # measuring only, not a dependency

    h = html2text.HTML2Text()
    h.body_width = width  # 0: no wrapping
    return str(h.handle(html))


def stem(path: Path) -> str:
    return path.name.split(".")[0]


def write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", type=Path, help="folder of one-block-a-line .txt[.gz] documents")
    ap.add_argument("--html", type=Path, help="folder of .html[.gz] pages, for the Markdown variants")
    ap.add_argument("--output", type=Path, required=True)
    ap.add_argument("--widths", default="60,72,80,100")
    a = ap.parse_args()
    widths = [int(w) for w in a.widths.split(",")]
    if a.input:
        for path in sorted(a.input.iterdir()):
            if path.name.endswith((".txt", ".txt.gz")):
                text = read_text(path)
                for w in widths:
                    write(a.output / f"wrap{w}", stem(path), wrap(text, w, blank=False))
                    write(a.output / f"wrap{w}-blank", stem(path), wrap(text, w, blank=True))
                write(a.output / "md", stem(path), lines_to_markdown(text))
                write(a.output / "md-wrap72", stem(path), lines_to_markdown(text, 72))
    if a.html:
        variants: dict[str, Callable[[str], str]] = {
            "markdown": lambda h: markdown(h, 0),
            "markdown-wrap78": lambda h: markdown(h, 78),
        }
        for path in sorted(a.html.iterdir()):
            if path.name.endswith((".html", ".html.gz")):
                data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
                html = data.decode("utf-8", errors="replace")
                for name, make in variants.items():
                    write(a.output / name, stem(path), make(html))


if __name__ == "__main__":
    main()
