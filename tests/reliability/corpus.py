"""A bad-input corpus, generated: good pages mixed with every kind of input that breaks pipelines.

`build_corpus(root)` writes the small cases under `root` and returns one `Case` per input item
(its `source` name in every output) with the outcome each of its documents must have. The big
cases (a 200 MB single line, a gzip bomb, 20 and 50 MB pages) are written by their own functions,
streamed, so only the test that needs them pays for them.

Good documents are the five seed pages and the French texts of tests/data/languages/fr.jsonl,
each used at most twice, so learned boilerplate (lines seen in 3+ documents) never takes them.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from tests.conftest import ROOT, SEEDS

MIB = 1 << 20
PATH_MAX = 4096
SEED_PATHS = sorted(SEEDS.glob("*.txt"))
FRENCH = ROOT / "tests" / "data" / "languages" / "fr.jsonl"
MIN_GOOD_CHARS = 450  # shorter texts may fall below [normalise] min_doc_chars once chrome is removed

RUSSIAN = (
    "Правительство России утвердило новый порядок распределения субсидий для регионов страны.\n"
    "По словам министра финансов, изменения позволят быстрее направлять средства на ремонт школ и больниц.\n"
    "Решение вступит в силу с первого января следующего года после публикации постановления.\n"
)
JAPANESE = "政府は新しい予算案を閣議決定した。地方自治体への交付金が増額される見通しだ。\n" * 6
MALFORMED_HTML = (
    "<html><head><title>Budget <b>municipal</title><body><div><p>{0}<p>{1}</div></span>"
    "<table><tr><td>{2}</table></i></b><p><<>>&&;<!-- never closed <script>var x = '</p>"
)
ODD_NAMES = ("with space.txt", 'quote\'s "double".txt', "élan ünïcødé 日本.txt", "tab\there.txt")


@dataclass(frozen=True)
class Outcome:
    """What must happen to one document: its decision and a piece of its reason (if not kept)."""

    decision: str
    reason: str = ""


CLEAN = Outcome("clean")


@dataclass(frozen=True)
class Case:
    """One input item (its `source`) and the outcome of each of its documents, in order."""

    name: str
    source: str
    outcomes: tuple[Outcome, ...]
    audit_rule: str = ""  # a rule id the item's audit log must name
    what: str = ""  # what the pipeline does, in words (for docs/reliability.md)


@dataclass
class Corpus:
    root: Path
    cases: list[Case] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # case name -> why this machine cannot build it
    _texts: Iterator[str] | None = None

    def add(self, case: Case) -> None:
        self.cases.append(case)

    def text(self) -> str:
        """The next good French text (21 distinct ones, handed out in turn: none is used more than twice)."""
        if self._texts is None:
            self._texts = _cycle(good_texts())
        return next(self._texts)


def _cycle(texts: list[str]) -> Iterator[str]:
    while True:
        yield from texts


def good_texts() -> list[str]:
    """The longer French texts, then the seeds (already used once as the good pages)."""
    with FRENCH.open(encoding="utf-8") as f:
        french = [json.loads(line)["text"] for line in f if line.strip()]
    return [t for t in french if len(t) >= MIN_GOOD_CHARS] + [p.read_text(encoding="utf-8") for p in SEED_PATHS]


def is_root() -> bool:
    return os.geteuid() == 0


def build_corpus(root: Path) -> Corpus:
    """Write every small case under `root`."""
    root.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(root)
    for builder in BUILDERS:
        builder(corpus)
    return corpus


def _good_pages(c: Corpus) -> None:
    (c.root / "good").mkdir()
    for path in SEED_PATHS:
        shutil.copy(path, c.root / "good" / path.name)
        c.add(Case(f"good page {path.name}", f"good/{path.name}", (CLEAN,), what="clean"))


def _empty_and_blank(c: Corpus) -> None:
    (c.root / "empty.txt").write_bytes(b"")
    c.add(Case("empty file", "empty.txt", (Outcome("rejected", "no content"),), what="rejected: no content"))
    (c.root / "blank.txt").write_text(" \t\n\r\n   \n\u00a0\u2003\n" * 50, encoding="utf-8")
    c.add(Case("white space only", "blank.txt", (Outcome("rejected", "no content"),), what="rejected: no content"))


def _binary(c: Corpus) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)) * 8 + b"\x00" * 64
    (c.root / "picture.txt").write_bytes(png)
    outcome = Outcome("quarantined", "binary content: NUL byte")
    c.add(Case("binary (PNG) named .txt", "picture.txt", (outcome,), what="quarantined: binary content"))
    (c.root / "not-gzip.txt.gz").write_bytes(b"plain text, not gzip\n" * 10)
    c.add(
        Case(
            "not gzip data, named .txt.gz",
            "not-gzip.txt.gz",
            (Outcome("quarantined", "corrupt gzip data"),),
            what="quarantined: corrupt gzip data",
        )
    )


def _encodings(c: Corpus) -> None:
    (c.root / "utf16.txt").write_bytes(c.text().encode("utf-16-le"))
    c.add(
        Case(
            "UTF-16 LE without BOM",
            "utf16.txt",
            (CLEAN,),
            audit_rule="encoding.decode.utf-16-le",
            what="decoded as UTF-16 LE (audited), clean",
        )
    )
    (c.root / "koi8r.txt").write_bytes(RUSSIAN.encode("koi8_r"))
    c.add(
        Case(
            "KOI8-R Russian",
            "koi8r.txt",
            (Outcome("rejected", "language: detected ru"),),
            audit_rule="encoding.decode.koi8-r",
            what="decoded as KOI8-R (audited), then rejected: Russian is not an accepted language",
        )
    )
    (c.root / "shift_jis.txt").write_bytes(JAPANESE.encode("shift_jis"))
    c.add(
        Case(
            "Shift-JIS Japanese",
            "shift_jis.txt",
            (Outcome("rejected", ""),),
            what="Shift-JIS is not in [encoding] fallback_encodings: decoded as a single-byte code page "
            "(audited), the garbled text is rejected, never clean",
        )
    )


def _jsonl_mixed(c: Corpus) -> None:
    q = "quarantined"
    rows: list[tuple[str, Outcome]] = [
        ("\ufeff" + json.dumps({"id": "good-1", "text": c.text(), "url": "https://example.org/a"}), CLEAN),
        ('{"id": "broken", "text": "unterminated', Outcome(q, "invalid JSON")),
        (json.dumps({"id": "no-text", "title": "a record without text"}), Outcome(q, "has no 'text'")),
        (json.dumps({"id": "null-text", "text": None}), Outcome(q, "'text' is null, not a string")),
        (json.dumps({"id": "number-text", "text": 42}), Outcome(q, "'text' is int, not a string")),
        (json.dumps({"id": "list-text", "text": ["a", "b"]}), Outcome(q, "'text' is list, not a string")),
        (json.dumps(["not", "an", "object"]), Outcome(q, "a JSON list, not an object")),
        (json.dumps({"id": True, "text": "\x00\x07" + c.text().replace("\n", "\r\n")}), CLEAN),
        ("\x01 garbage \x7f", Outcome(q, "invalid JSON")),
        (json.dumps({"id": 7, "html": "<html><body><article>" + _paragraphs(c.text()) + "</article></body>"}), CLEAN),
        ('{"text": "lone surrogate \\ud800"}', Outcome(q, "invalid JSON")),
    ]
    body = "\n".join(line for line, _ in rows[:7]) + "\n\n  \n" + "\n".join(line for line, _ in rows[7:]) + "\n"
    (c.root / "mixed.jsonl").write_text(body, encoding="utf-8")
    c.add(
        Case(
            "JSONL: BOM, invalid lines, text missing/null/number/list among good records",
            "mixed.jsonl",
            tuple(outcome for _, outcome in rows),
            what="each bad line quarantined with its own reason (file#line); the good records (after a BOM, "
            "with NUL/control characters, CRLF, an html record) clean; blank lines are not records",
        )
    )


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())


def _truncated_gzip(c: Corpus) -> None:
    records = "".join(json.dumps({"id": f"gz-{i}", "text": c.text()}) + "\n" for i in range(12))
    data = gzip.compress(records.encode("utf-8"), compresslevel=1)
    path = c.root / "truncated.jsonl.gz"
    path.write_bytes(data[: len(data) * 3 // 4])
    readable = _complete_lines(path)
    outcomes = (CLEAN,) * readable + (Outcome("quarantined", "truncated gzip stream"),)
    c.add(
        Case(
            "truncated .jsonl.gz",
            "truncated.jsonl.gz",
            outcomes,
            what=f"the {readable} complete records before the cut are clean; the rest is one quarantined item "
            "'truncated gzip stream ... (after N lines)'",
        )
    )


def _complete_lines(path: Path) -> int:
    n = 0
    with gzip.open(path, "rb") as f:
        try:
            for line in f:
                n += line.endswith(b"\n")
        except EOFError:
            pass
    return n


def _duplicate_ids(c: Corpus) -> None:
    lines = [json.dumps({"id": "same", "text": c.text()}) for _ in range(3)]
    lines.append(json.dumps({"id": "other", "text": c.text()}))
    (c.root / "dupes.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    c.add(
        Case(
            "duplicate ids in a .jsonl",
            "dupes.jsonl",
            (CLEAN,) * 4,
            audit_rule="input.duplicate-id",
            what="all kept (each has its own source file#line); the 2nd and 3rd carry an input.duplicate-id "
            "note in the audit log, counted in manifest notes",
        )
    )


def _unreadable(c: Corpus) -> None:
    os.mkfifo(c.root / "fifo.txt")
    outcome = Outcome("quarantined", "not a regular file: a FIFO")
    c.add(Case("FIFO named .txt", "fifo.txt", (outcome,), what="quarantined, never opened (it would block)"))
    (c.root / "a-folder").mkdir()
    (c.root / "folder-link.txt").symlink_to("a-folder")
    outcome = Outcome("quarantined", "not a regular file: a folder")
    c.add(Case("symlink to a folder, named .txt", "folder-link.txt", (outcome,), what="quarantined"))
    if is_root():
        c.skipped["chmod 000"] = "running as root, chmod 000 does not stop reading; the FIFO and folder cases cover it"
        return
    locked = c.root / "locked.txt"
    locked.write_text(c.text(), encoding="utf-8")
    locked.chmod(0)
    c.add(Case("chmod 000", "locked.txt", (Outcome("quarantined", "permission denied"),), what="quarantined"))


def _links(c: Corpus) -> None:
    (c.root / "loop-a.txt").symlink_to("loop-b.txt")
    (c.root / "loop-b.txt").symlink_to("loop-a.txt")
    for name in ("loop-a.txt", "loop-b.txt"):
        c.add(Case(f"symlink loop ({name})", name, (Outcome("quarantined", "symlink loop"),), what="quarantined"))
    (c.root / "dangling.txt").symlink_to("does-not-exist.txt")
    c.add(Case("dangling symlink", "dangling.txt", (Outcome("quarantined", "dangling symlink"),), what="quarantined"))
    (c.root / "self-loop").symlink_to(".")  # a folder link to its parent: links to folders are not followed
    outcome = Outcome("quarantined", "not a regular file: a folder")
    c.add(
        Case(
            "folder symlink to its parent", "self-loop", (outcome,), what="not followed (no endless walk); quarantined"
        )
    )


def _odd_names(c: Corpus) -> None:
    names = c.root / "names"
    names.mkdir()
    for name in ODD_NAMES:
        (names / name).write_text(c.text(), encoding="utf-8")
        c.add(Case(f"file name {name!r}", f"names/{name}", (CLEAN,), what="clean, audit log named safely"))
    long_name = "é" * 125 + ".txt"  # 254 bytes: a legal name whose audit log name would not be
    (names / long_name).write_text(c.text(), encoding="utf-8")
    c.add(Case("254-byte file name", f"names/{long_name}", (CLEAN,), what="clean, audit name cut and hashed"))
    latin1 = os.fsdecode(b"caf\xe9 latin-1.txt")  # not UTF-8: JSON cannot carry it as is
    (names / latin1).write_text(c.text(), encoding="utf-8")
    c.add(Case("file name in Latin-1 bytes", "names/caf\\xe9 latin-1.txt", (CLEAN,), what="clean, source 'caf\\xe9'"))


def _audit_name_collisions(c: Corpus) -> None:
    """Pairs of names that a naive audit/<source> mapping would send to one log."""
    folder = c.root / "collide"
    (folder / "back").mkdir(parents=True)
    for name in ("new\nline.txt", "new_line.txt", "back\\slash.txt", "back/slash.txt", "colon:x.txt", "colon_x.txt"):
        (folder / name).write_text(c.text(), encoding="utf-8")
        c.add(Case(f"colliding name {name!r}", f"collide/{name}", (CLEAN,), what="clean, own audit log"))


def _deep(c: Corpus) -> None:
    parts = [f"d{i:02d}" for i in range(40)]
    folder = c.root.joinpath("deep", *parts)
    folder.mkdir(parents=True)
    (folder / "bottom.txt").write_text(c.text(), encoding="utf-8")
    c.add(Case("40 nested folders", "/".join(["deep", *parts, "bottom.txt"]), (CLEAN,), what="clean"))
    _beyond_path_max(c)


def _beyond_path_max(c: Corpus) -> None:
    """Folders nested past PATH_MAX (made relative to open folders): the first one the walker cannot list."""
    name = "n" * 200
    rel: list[str] = ["long"]
    fd = os.open(c.root, os.O_RDONLY)
    try:
        os.mkdir("long", dir_fd=fd)
        fd = _descend(fd, "long")
        while len(os.fsencode(c.root.joinpath(*rel))) < PATH_MAX + 400:
            os.mkdir(name, dir_fd=fd)
            fd = _descend(fd, name)
            rel.append(name)
        os.close(os.open("lost.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd))
    finally:
        os.close(fd)
    depth = next(i for i in range(1, len(rel) + 1) if len(os.fsencode(c.root.joinpath(*rel[:i]))) >= PATH_MAX)
    outcome = Outcome("quarantined", "cannot list folder: File name too long")
    c.add(Case("folders nested past PATH_MAX", "/".join(rel[:depth]), (outcome,), what="the folder quarantined"))


def _descend(fd: int, name: str) -> int:
    child = os.open(name, os.O_RDONLY, dir_fd=fd)
    os.close(fd)
    return child


def _html(c: Corpus) -> None:
    paragraphs = [line for line in c.text().splitlines() if len(line) > 60]
    paragraphs += [line for line in c.text().splitlines() if len(line) > 60]
    (c.root / "malformed.html").write_text(MALFORMED_HTML.format(*paragraphs), encoding="utf-8")
    c.add(
        Case(
            "malformed HTML",
            "malformed.html",
            (CLEAN,),
            audit_rule="input.html.trafilatura",
            what="parsed leniently, main text kept",
        )
    )
    (c.root / "nul.html").write_bytes(b"<html><<<</body></html>\x00\x00<script>")
    outcome = Outcome("rejected", "no content")
    what = "valid UTF-8, so NULs are control characters (removed), not binary; rejected: no content"
    c.add(Case("HTML with NUL bytes and no text", "nul.html", (outcome,), what=what))
    (c.root / "no-text.htm").write_text("<html><head><script>x()</script></head><body><nav>Menu</nav></body>")
    outcome = Outcome("rejected", "no content")
    c.add(Case("HTML with no main text", "no-text.htm", (outcome,), what="rejected: no content"))


BUILDERS: tuple[Callable[[Corpus], None], ...] = (
    _good_pages,
    _empty_and_blank,
    _binary,
    _encodings,
    _jsonl_mixed,
    _truncated_gzip,
    _duplicate_ids,
    _unreadable,
    _links,
    _odd_names,
    _audit_name_collisions,
    _deep,
    _html,
)


def write_chunks(f: BinaryIO, size: int, unit: bytes = b"Lorem ipsum dolor sit amet ") -> None:
    """`size` bytes of `unit` repeated, no line break, written 1 MiB at a time."""
    chunk = (unit * (MIB // len(unit) + 1))[:MIB]
    for _ in range(size // MIB):
        f.write(chunk)
    f.write(chunk[: size % MIB])


def write_single_line(path: Path, size: int) -> None:
    with path.open("wb") as f:
        write_chunks(f, size)


def write_gzip_bomb(path: Path, size: int) -> None:
    """A small .gz file that expands to `size` bytes of one line."""
    with gzip.open(path, "wb", compresslevel=9) as f:
        write_chunks(f, size, b"a")  # type: ignore[arg-type]


def write_big_html(path: Path, size: int, text: str) -> None:
    """An HTML page of about `size` bytes: paragraphs of `text` in nested markup."""
    unit = f"<div class='c'><p>{text}</p><span>x</span></div>\n".encode()
    with path.open("wb") as f:
        f.write(b"<html><head><title>big</title></head><body>")
        write_chunks(f, size, unit)
        f.write(b"</body></html>")


def write_jsonl_with_big_record(path: Path, size: int, key: str, good: list[str]) -> None:
    """A good record, one record whose `key` holds `size` bytes, another good record."""
    with path.open("wb") as f:
        f.write((json.dumps({"id": "before", "text": good[0]}) + "\n").encode())
        f.write(f'{{"id": "huge", "{key}": "'.encode())
        write_chunks(f, size)
        f.write(b'"}\n')
        f.write((json.dumps({"id": "after", "text": good[1]}) + "\n").encode())
