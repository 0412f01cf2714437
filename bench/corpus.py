"""The benchmark corpus: many distinct pages grown deterministically from the repo's own pages.

Sources are the seeds (`seeds/*.txt`) and the development pages (`tests/devset/pages`,
`tests/devset/holdout/pages`). Page `i` of a corpus depends only on the seed and `i` (its own
random generator), so a corpus of 100 pages is the first 100 pages of a corpus of 5,000.

Each page keeps its base page's head and tail (site chrome, which should repeat across pages and
be learned as boilerplate) and rebuilds the article body: paragraphs' sentences are shuffled,
dropped or borrowed, body paragraphs of other pages are sometimes appended, and numbers
(counters, dates, figures) get new digits. No two pages are byte-equal. About 15% are damaged on
purpose, in the proportions of /work/shared/design/perf-facts.md: mojibake over the whole page (7%),
one mojibake paragraph (4%), HTML entities (2%), Windows-1252 bytes (2%).
"""

from __future__ import annotations

import hashlib
import html.entities
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  (registers the "sloppy-windows-1252" codec)

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (ROOT / "seeds", ROOT / "tests/devset/pages", ROOT / "tests/devset/holdout/pages")
OUT = ROOT / "bench" / "out"
VERSION = 1  # bump when the generator changes, so cached corpora are rebuilt
DAMAGE = (("mojibake", 0.07), ("mojibake-paragraph", 0.04), ("entities", 0.02), ("cp1252", 0.02))

_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÀ-ÖØ-Þ«\"“])")
_NUMBER = re.compile(r"\d+")
_GOOD_END = tuple('.!?…»"”)')


@dataclass(frozen=True)
class Base:
    """A source page split into head chrome, article body and tail chrome."""

    name: str
    head: list[str]
    body: list[str]
    tail: list[str]


def is_paragraph(line: str) -> bool:
    """A sentence-like article paragraph (the part that gets rebuilt)."""
    words = len(line.split())
    return words >= 25 or (words >= 10 and line.rstrip().endswith(_GOOD_END))


def split_page(name: str, text: str) -> Base:
    lines = text.rstrip("\n").split("\n")
    good = [i for i, line in enumerate(lines) if is_paragraph(line)]
    if not good:
        return Base(name, lines, [], [])
    return Base(name, lines[: good[0]], lines[good[0] : good[-1] + 1], lines[good[-1] + 1 :])


def load_bases() -> list[Base]:
    paths = sorted(p for folder in SOURCES for p in folder.glob("*.txt"))
    return [split_page(p.stem, p.read_text(encoding="utf-8")) for p in paths]


def sources_digest() -> str:
    digest = hashlib.sha256(str(VERSION).encode())
    for folder in SOURCES:
        for p in sorted(folder.glob("*.txt")):
            digest.update(p.name.encode() + p.read_bytes())
    return digest.hexdigest()[:16]


# Varying ---------------------------------------------------------------------------------------


def vary_paragraph(line: str, pool: list[str], rng: random.Random) -> str:
    sentences = _SENTENCE.split(line)
    rng.shuffle(sentences)
    if len(sentences) > 1 and rng.random() < 0.25:
        sentences.pop(rng.randrange(len(sentences)))
    if pool and rng.random() < 0.5:
        sentences.insert(rng.randrange(len(sentences) + 1), rng.choice(pool))
    return " ".join(sentences)


def vary_body(body: list[str], rng: random.Random) -> list[str]:
    pool = [s for line in body if is_paragraph(line) for s in _SENTENCE.split(line)]
    out = []
    for line in body:
        if is_paragraph(line):
            if rng.random() >= 0.15:
                out.append(vary_paragraph(line, pool, rng))
        elif rng.random() >= 0.3:
            out.append(line)
    for i in range(len(out) - 1):  # local shuffle: the article still reads top to bottom
        if rng.random() < 0.2:
            out[i], out[i + 1] = out[i + 1], out[i]
    return out


def vary_numbers(text: str, rng: random.Random) -> str:
    def new(m: re.Match[str]) -> str:
        if rng.random() < 0.5:
            return m.group()
        digits = len(m.group())
        if digits <= 2:  # days, hours, minutes: stay plausible
            return f"{rng.randrange(1, 29):0{digits}d}"
        return str(rng.randrange(10 ** (digits - 1), 10**digits))

    return _NUMBER.sub(new, text)


def page_text(i: int, bases: list[Base], seed: int, salt: int = 0) -> tuple[str, str]:
    """The base page's name and the text of page `i`."""
    rng = random.Random(f"{seed}:{i}:{salt}")
    base = rng.choice(bases)
    body = vary_body(base.body, rng)
    if base.body:
        donors = [b for b in bases if b.body and b is not base]
        for donor in rng.sample(donors, rng.choice((0, 1, 1, 2))):
            body += vary_body(donor.body, rng)
    return base.name, vary_numbers("\n".join(base.head + body + base.tail), rng) + "\n"


# Damaging --------------------------------------------------------------------------------------


def mojibake(text: str) -> str:
    """UTF-8 read as Windows-1252: "été" becomes "Ã©tÃ©"."""
    return text.encode("utf-8").decode("sloppy-windows-1252")


def mojibake_paragraph(text: str) -> str:
    lines = text.split("\n")
    candidates = [i for i, line in enumerate(lines) if not line.isascii()]
    if candidates:
        worst = max(candidates, key=lambda i: len(lines[i]))
        lines[worst] = mojibake(lines[worst])
    return "\n".join(lines)


def _entity(ch: str) -> str:
    if ch == "\u2019":
        return "&#8217;"
    name = html.entities.codepoint2name.get(ord(ch))
    return f"&{name};" if name else f"&#x{ord(ch):X};"


def entities(text: str) -> str:
    return "".join(_entity(ch) if not ch.isascii() else ch for ch in text.replace("&", "&amp;"))


def damage_kind(rng: random.Random) -> str | None:
    x = rng.random()
    for kind, share in DAMAGE:
        if x < share:
            return kind
        x -= share
    return None


def damaged(text: str, kind: str | None) -> bytes:
    if kind == "cp1252":
        return text.encode("cp1252", errors="xmlcharrefreplace")
    if kind == "mojibake":
        text = mojibake(text)
    elif kind == "mojibake-paragraph":
        text = mojibake_paragraph(text)
    elif kind == "entities":
        text = entities(text)
    return text.encode("utf-8")


# Corpora ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    data: bytes
    damage: str | None


def pages(n: int, seed: int, body_paragraphs: int | None = None) -> Iterator[Page]:
    """`n` distinct pages; `body_paragraphs` caps the body (small pages for the memory runs)."""
    bases = load_bases()
    if body_paragraphs is not None:
        bases = [Base(b.name, b.head[:3], b.body[:body_paragraphs], b.tail[-3:]) for b in bases]
    seen: set[bytes] = set()
    for i in range(n):
        for salt in range(100):
            name, text = page_text(i, bases, seed, salt)
            kind = damage_kind(random.Random(f"{seed}:{i}:damage"))
            data = damaged(text, kind)
            digest = hashlib.blake2b(data, digest_size=16).digest()
            if digest not in seen:
                break
        seen.add(digest)
        yield Page(f"{i:06d}_{name[:48]}.txt", data, kind)


@dataclass(frozen=True)
class Corpus:
    path: Path
    files: int
    bytes: int
    damaged: int


def stamp_for(n: int, seed: int, body_paragraphs: int | None) -> dict[str, object]:
    return {"pages": n, "seed": seed, "body_paragraphs": body_paragraphs, "sources": sources_digest()}


def build_txt(n: int, seed: int = 0, body_paragraphs: int | None = None, out: Path = OUT) -> Corpus:
    """bench/out/corpus-N/*.txt, rebuilt only when the seed, size or sources changed."""
    suffix = f"-small{body_paragraphs}" if body_paragraphs is not None else ""
    folder = out / f"corpus-{n}{suffix}"
    stamp_path = folder.with_name(folder.name + ".json")
    stamp = stamp_for(n, seed, body_paragraphs)
    if stamp_path.exists():
        old = json.loads(stamp_path.read_text())
        if old.get("stamp") == stamp:
            return Corpus(folder, old["files"], old["bytes"], old["damaged"])
    _clear(folder)
    size = damaged_pages = 0
    for page in pages(n, seed, body_paragraphs):
        (folder / page.name).write_bytes(page.data)
        size += len(page.data)
        damaged_pages += page.damage is not None
    stamp_path.write_text(json.dumps({"stamp": stamp, "files": n, "bytes": size, "damaged": damaged_pages}))
    return Corpus(folder, n, size, damaged_pages)


def build_jsonl(megabytes: int, seed: int = 0, out: Path = OUT) -> Corpus:
    """One large JSONL file of about `megabytes` MB (records: id, text), rebuilt only when needed."""
    path = out / f"jsonl-{megabytes}mb" / "big.jsonl"
    stamp_path = path.parent.with_name(path.parent.name + ".json")
    stamp = stamp_for(megabytes, seed, None)
    if stamp_path.exists() and path.exists():
        old = json.loads(stamp_path.read_text())
        if old.get("stamp") == stamp:
            return Corpus(path, old["files"], old["bytes"], old["damaged"])
    _clear(path.parent)
    limit, size, records, damaged_pages = megabytes * 1_000_000, 0, 0, 0
    with open(path, "wb") as f:
        for page in pages(10**9, seed):
            text = page.data.decode("utf-8") if page.damage != "cp1252" else page.data.decode("cp1252")
            line = json.dumps({"id": page.name[:-4], "text": text}, ensure_ascii=False).encode() + b"\n"
            f.write(line)
            size, records = size + len(line), records + 1
            damaged_pages += page.damage is not None
            if size >= limit:
                break
    stamp_path.write_text(json.dumps({"stamp": stamp, "files": records, "bytes": size, "damaged": damaged_pages}))
    return Corpus(path, records, size, damaged_pages)


def _clear(folder: Path) -> None:
    if folder.exists():
        for p in folder.iterdir():
            p.unlink()
    folder.mkdir(parents=True, exist_ok=True)


def build_jsonl_records(records: int, seed: int = 0, out: Path = OUT) -> Corpus:
    """One JSONL file of the first `records` pages (records: id, text), rebuilt only when needed."""
    path = out / f"jsonl-{records}" / "records.jsonl"
    stamp_path = path.parent.with_name(path.parent.name + ".json")
    stamp = stamp_for(records, seed, None)
    if stamp_path.exists() and path.exists():
        old = json.loads(stamp_path.read_text())
        if old.get("stamp") == stamp:
            return Corpus(path, old["files"], old["bytes"], old["damaged"])
    _clear(path.parent)
    size = damaged_pages = 0
    with open(path, "wb") as f:
        for page in pages(records, seed):
            text = page.data.decode("utf-8") if page.damage != "cp1252" else page.data.decode("cp1252")
            line = json.dumps({"id": page.name[:-4], "text": text}, ensure_ascii=False).encode() + b"\n"
            f.write(line)
            size += len(line)
            damaged_pages += page.damage is not None
    stamp_path.write_text(json.dumps({"stamp": stamp, "files": records, "bytes": size, "damaged": damaged_pages}))
    return Corpus(path, records, size, damaged_pages)
