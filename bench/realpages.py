"""The real-page corpus: real web pages as whole-page text, navigation and all (bench/run.py --real).

Made from `../shared/realpages` (override with WEBCLEAN_REALPAGES): the HTML pages of its
`readability/` and `newspaper/` folders turned into text here with resiliparse (every visible
block on its own line, scripts and styles left out: a crawler's text dump), and the `wcxb/` pages,
which are given as such text already (`*.txt.gz`). Pages of 12 KB and a few hundred lines on
average, against 2-3 KB for the generated corpus: the chrome stage's cost grows with lines.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

from corpus import OUT, ROOT, Corpus, _clear

SOURCE = Path(os.environ.get("WEBCLEAN_REALPAGES", ROOT.parent / "shared" / "realpages"))
HTML_FOLDERS = ("readability", "newspaper")
VERSION = 1


def whole_page_text(raw: bytes) -> str:
    """Visible text of an HTML page, one non-empty block a line (main_content=False keeps the chrome)."""
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.encoding import bytes_to_str, detect_encoding

    html = bytes_to_str(raw, detect_encoding(raw))
    text = extract_plain_text(html, main_content=False, alt_texts=False, links=False, list_bullets=False,
                              form_fields=False, noscript=False, comments=True)  # fmt: skip
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line) + "\n"


def _pages(source: Path) -> list[tuple[str, bytes]]:
    pages = []
    for folder in HTML_FOLDERS:
        for path in sorted((source / folder).glob("*.html.gz")):
            text = whole_page_text(gzip.decompress(path.read_bytes()))
            pages.append((f"{folder}-{path.name[: -len('.html.gz')]}.txt", text.encode("utf-8")))
    for path in sorted((source / "wcxb").glob("*.txt.gz")):
        pages.append((f"wcxb-{path.name[: -len('.gz')]}", gzip.decompress(path.read_bytes())))
    return pages


def build_real(out: Path = OUT) -> Corpus | None:
    """bench/out/real/*.txt, rebuilt when the source list changes; None without the real pages."""
    if not SOURCE.is_dir():
        return None
    folder = out / "real"
    stamp_path = folder.with_name("real.json")
    names = sorted(str(p.relative_to(SOURCE)) for f in (*HTML_FOLDERS, "wcxb") for p in (SOURCE / f).glob("*.gz"))
    stamp = {"version": VERSION, "source": str(SOURCE), "files": names}
    if stamp_path.exists() and json.loads(stamp_path.read_text()).get("stamp") == stamp:
        old = json.loads(stamp_path.read_text())
        return Corpus(folder, old["files"], old["bytes"], 0)
    _clear(folder)
    size = 0
    pages = _pages(SOURCE)
    for name, data in pages:
        (folder / name).write_bytes(data)
        size += len(data)
    stamp_path.write_text(json.dumps({"stamp": stamp, "files": len(pages), "bytes": size}))
    return Corpus(folder, len(pages), size, 0)
