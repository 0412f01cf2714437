"""Finding input files, grouping them into shards, and reading them into Documents.

Formats, by file name: `.txt` (one document, any encoding), `.html`/`.htm` (one page; trafilatura
extracts the main text), `.jsonl` (one document per line with `text` or `html`, optional `id`,
`url`, `site`, `metadata`), each optionally `.gz`. Anything unreadable becomes a quarantined
Document carrying the error, so the batch goes on and the item is accounted for.

The walk is streaming and sorted folder by folder, so neither memory nor order depends on the
size of the input tree.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from pipeline.document import Document
from pipeline.errors import InputError
from pipeline.settings import InputSettings

SUFFIXES = (".txt", ".html", ".htm", ".jsonl")
STAGE = "input"


@dataclass(frozen=True)
class InputFile:
    """One input file of a shard: where it is, and the `source` name it gets in every output."""

    path: str
    source: str
    size: int
    mtime_ns: int
    problem: str | None = None  # a dangling link or a loop: quarantined when the shard is read

    def to_record(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "source": self.source,
            "size": self.size,
            "mtime_ns": self.mtime_ns,
            "problem": self.problem,
        }


def input_kind(name: str) -> str | None:
    """'txt', 'html' or 'jsonl' for a supported file name (gzip or not), else None."""
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    for suffix in SUFFIXES:
        if lower.endswith(suffix):
            return "html" if suffix == ".htm" else suffix[1:]
    return None


def discover(inputs: list[str]) -> Iterator[InputFile]:
    """Every supported input file below `inputs`, in a stable order, streamed."""
    prefix = len(inputs) > 1
    for arg in sorted(inputs):
        root = Path(arg)
        label = root.name if prefix else ""
        if root.is_dir():
            yield from _walk(root, label)
        elif root.exists() or root.is_symlink():
            source = "/".join(p for p in (label, root.name) if p) if prefix else root.name
            yield _entry(root, source)
        else:
            raise InputError(f"input not found: {arg}")


def _walk(root: Path, label: str) -> Iterator[InputFile]:
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                subdirs.append(Path(entry.path))
            elif input_kind(entry.name):
                rel = os.path.relpath(entry.path, root).replace(os.sep, "/")
                yield _entry(Path(entry.path), f"{label}/{rel}" if label else rel)
        stack.extend(reversed(subdirs))  # depth-first, sorted


def _entry(path: Path, source: str) -> InputFile:
    try:
        st = path.stat()
    except OSError as e:
        kind = "symlink loop" if e.errno == 40 else "dangling symlink" if path.is_symlink() else "unreadable"
        return InputFile(str(path), source, 0, 0, f"{kind}: {e.strerror}")
    return InputFile(str(path), source, st.st_size, st.st_mtime_ns)


def plan_shards(inputs: list[str], settings: InputSettings) -> Iterator[list[InputFile]]:
    """Group files into shards of at most `shard_max_files` files and `shard_max_bytes` bytes."""
    shard: list[InputFile] = []
    size = 0
    for f in discover(inputs):
        if shard and (len(shard) >= settings.shard_max_files or size + f.size > settings.shard_max_bytes):
            yield shard
            shard, size = [], 0
        shard.append(f)
        size += f.size
    if shard:
        yield shard


def doc_id(source: str) -> str:
    """A stable id from the source name: the same input always gets the same id."""
    return hashlib.blake2b(source.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def read_input(f: InputFile, settings: InputSettings) -> Iterator[tuple[Document, bytes | str | None]]:
    """Yield each document of one file with its raw payload (bytes for files, str for JSONL text).

    A Document that is already quarantined comes with payload None.
    """
    if f.problem:
        yield _quarantined(f.source, f.source, f.problem), None
        return
    kind = input_kind(f.source) or "txt"
    try:
        if kind == "jsonl":
            yield from _read_jsonl(f, settings)
            return
        data = _read_whole(f, settings.max_record_bytes)
    except (OSError, EOFError, zlib.error, InputError) as e:
        yield _quarantined(f.source, f.source, _describe(e)), None
        return
    doc = Document(id=doc_id(f.source), source=f.source, file=f.source, metadata={"format": kind})
    yield doc, data


def _describe(e: BaseException) -> str:
    if isinstance(e, PermissionError):
        return f"cannot read: permission denied ({e.filename})"
    if isinstance(e, EOFError):
        return "truncated gzip stream: the file ends before the compressed data does"
    if isinstance(e, (zlib.error, gzip.BadGzipFile)):
        return f"corrupt gzip data: {e}"
    if isinstance(e, OSError):
        return f"cannot read: {e.strerror or e}"
    return str(e)


def _open(f: InputFile) -> BinaryIO:
    if f.path.lower().endswith(".gz"):
        return gzip.open(f.path, "rb")  # type: ignore[return-value]
    return open(f.path, "rb")


def _read_whole(f: InputFile, limit: int) -> bytes:
    with _open(f) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"too large: more than {limit} bytes in one document (limit [input] max_record_bytes)")
    return data


def _read_jsonl(f: InputFile, settings: InputSettings) -> Iterator[tuple[Document, bytes | str | None]]:
    n = 0
    try:
        with _open(f) as stream:
            while True:
                line = stream.readline(settings.max_record_bytes + 1)
                if not line:
                    break
                n += 1
                source = f"{f.source}#{n}"
                if len(line) > settings.max_record_bytes and not line.endswith(b"\n"):
                    _skip_rest_of_line(stream)
                    yield (
                        _quarantined(source, f.source, "record too large (limit [input] max_record_bytes)"),
                        None,
                    )
                    continue
                if not line.strip():
                    n -= 1  # blank lines are not records
                    continue
                yield _jsonl_record(line, source, f.source)
    except (OSError, EOFError, zlib.error) as e:
        yield _quarantined(f"{f.source}#{n + 1}", f.source, _describe(e) + f" (after {n} lines)"), None


def _skip_rest_of_line(stream: BinaryIO) -> None:
    while True:
        chunk = stream.readline(1 << 20)
        if not chunk or chunk.endswith(b"\n"):
            return


def _jsonl_record(line: bytes, source: str, file: str) -> tuple[Document, bytes | str | None]:
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as e:
        return _quarantined(source, file, f"invalid JSON: {e}"), None
    if not isinstance(record, dict):
        return _quarantined(source, file, f"a JSON {type(record).__name__}, not an object"), None
    key = "text" if "text" in record else "html" if "html" in record else None
    if key is None:
        return _quarantined(source, file, "record has no 'text' (or 'html') field"), None
    payload = record[key]
    if not isinstance(payload, str):
        kind = "null" if payload is None else type(payload).__name__
        return _quarantined(source, file, f"'{key}' is {kind}, not a string"), None
    given_id = record.get("id")
    doc = Document(
        id=str(given_id) if isinstance(given_id, (str, int)) and str(given_id) else doc_id(source),
        source=source,
        file=file,
        url=record["url"] if isinstance(record.get("url"), str) else None,
        site=record["site"] if isinstance(record.get("site"), str) else None,
        metadata={"format": "jsonl-html" if key == "html" else "jsonl"},
    )
    if isinstance(record.get("metadata"), dict):
        doc.metadata["input"] = record["metadata"]
    return doc, payload


def _quarantined(source: str, file: str, error: str) -> Document:
    doc = Document(id=doc_id(source), source=source, file=file)
    doc.quarantine(error, STAGE)
    return doc
