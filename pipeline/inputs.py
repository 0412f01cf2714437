"""Finding input files, grouping them into shards, and reading them into Documents.

Formats, by file name: `.txt` (one document, any encoding), `.html`/`.htm` (one page; trafilatura
extracts the main text), `.jsonl` (one document per line with `text` or `html`, optional `id`,
`url`, `site`, `metadata`), each optionally `.gz`. Anything unreadable becomes a quarantined
Document carrying the error, so the batch goes on and the item is accounted for.

The walk is streaming and sorted folder by folder, so neither memory nor order depends on the
size of the input tree.
"""

from __future__ import annotations

import codecs
import errno
import gzip
import hashlib
import os
import stat
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from pipeline.document import AuditEvent, Document
from pipeline.errors import InputError
from pipeline.settings import InputSettings

SUFFIXES = (".txt", ".html", ".htm", ".jsonl")
# Markers of the delivery protocol (a producer closes a day's folder with _SUCCESS), not documents.
NOT_INPUT = frozenset({"_SUCCESS"})
STAGE = "input"


@dataclass(frozen=True)
class InputFile:
    """One input file of a shard: where it is, and the `source` name it gets in every output."""

    path: str
    source: str
    size: int
    mtime_ns: int
    problem: str | None = None  # a dangling link or a loop: quarantined when the shard is read
    # A piece of a large JSONL file (pipeline/ranges.py): the records that start in bytes
    # [start, end); `first` records of the file come before it, and `carry` holds the ids used
    # before `start` that come again in the piece (id hash, first record), for duplicate-id notes.
    start: int = 0
    end: int = -1  # -1: the whole file
    first: int = 0
    carry: tuple[tuple[int, int], ...] = ()

    @property
    def is_range(self) -> bool:
        return self.end >= 0

    def to_record(self) -> dict[str, Any]:
        """The plan's JSON record. A path that is not valid UTF-8 (bytes from another code page in a
        file name) cannot be JSON: it is kept as hex in `path_hex`, and `path` holds a readable form."""
        record = {
            "path": readable(self.path),
            "source": self.source,
            "size": self.size,
            "mtime_ns": self.mtime_ns,
            "problem": self.problem,
        }
        if record["path"] != self.path:
            record["path_hex"] = os.fsencode(self.path).hex()
        if self.is_range:
            record.update(start=self.start, end=self.end, first=self.first, carry=[list(c) for c in self.carry])
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> InputFile:
        fields = dict(record)
        if "path_hex" in fields:
            fields["path"] = os.fsdecode(bytes.fromhex(fields.pop("path_hex")))
        if "carry" in fields:
            fields["carry"] = tuple((int(k), int(n)) for k, n in fields["carry"])
        return cls(**fields)


def readable(name: str) -> str:
    """`name` as valid Unicode: bytes of a file name that are not UTF-8 become `\\xNN` (JSON cannot
    carry the surrogates Python uses for them, so a source name with one would fail every writer)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
    return name


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
    """Every input file below `inputs`, in a stable order, streamed; files of unsupported types
    come with a `problem` (quarantined, so counted), and `_SUCCESS` markers are left out."""
    prefix = len(inputs) > 1
    for arg in sorted(inputs):
        root = Path(arg)
        label = root.name if prefix else ""
        if root.is_dir():
            yield from _walk(root, label)
        elif root.exists() or root.is_symlink():
            source = "/".join(p for p in (label, root.name) if p) if prefix else root.name
            yield _entry(root, readable(source))
        else:
            raise InputError(f"input not found: {arg}")


def _walk(root: Path, label: str) -> Iterator[InputFile]:
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            files, subdirs = _listing(folder)
        except OSError as e:
            # A folder that cannot be listed (permissions, a path longer than PATH_MAX) would hide its
            # files without a trace: it becomes a quarantined item of its own, so the manifest shows it.
            if folder == root:
                raise InputError(f"cannot list input folder {readable(str(root))}: {e.strerror}") from None
            rel = os.path.relpath(folder, root).replace(os.sep, "/")
            source = readable(f"{label}/{rel}" if label else rel)
            yield InputFile(str(folder), source, 0, 0, f"cannot list folder: {e.strerror}")
            continue
        # The folder's path below the root, once: os.path.relpath of each file was a third of the walk.
        below = "" if folder == root else os.path.relpath(folder, root).replace(os.sep, "/") + "/"
        for name in files:
            rel = below + name
            entry = _entry(folder / name, readable(f"{label}/{rel}" if label else rel))
            if input_kind(name) is None and entry.problem is None:
                entry = InputFile(entry.path, entry.source, 0, entry.mtime_ns, _unsupported(name))
            yield entry
        stack.extend(folder / name for name in reversed(subdirs))  # depth-first, sorted


def _unsupported(name: str) -> str:
    """Files of other types are quarantined with this, so the manifest and the summary count them."""
    suffix = Path(name).suffix or "no extension"
    return f"unsupported file type ({suffix}): webclean reads {', '.join(SUFFIXES)} files, optionally .gz"


def _listing(folder: Path) -> tuple[list[str], list[str]]:
    """A folder's file names and subfolder names, each sorted. Only names are kept (not
    os.DirEntry objects, about five times larger): a folder may hold a million files."""
    files: list[str] = []
    subdirs: list[str] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                subdirs.append(entry.name)
            elif entry.name not in NOT_INPUT:
                files.append(entry.name)
    files.sort()
    subdirs.sort()
    return files, subdirs


def _entry(path: Path, source: str) -> InputFile:
    try:
        st = path.stat()
    except OSError as e:
        kind = "symlink loop" if e.errno == errno.ELOOP else "dangling symlink" if path.is_symlink() else "unreadable"
        return InputFile(str(path), source, 0, 0, f"{kind}: {e.strerror}")
    if not stat.S_ISREG(st.st_mode):  # a FIFO would block the reader forever; a folder cannot be read
        return InputFile(str(path), source, 0, st.st_mtime_ns, _not_regular(st.st_mode))
    return InputFile(str(path), source, st.st_size, st.st_mtime_ns)


def _not_regular(mode: int) -> str:
    kind = "a FIFO" if stat.S_ISFIFO(mode) else "a folder" if stat.S_ISDIR(mode) else "a device or socket"
    return f"not a regular file: {kind}"


def plan_shards(inputs: list[str], settings: InputSettings) -> Iterator[list[InputFile]]:
    """Group files into shards of at most `shard_max_files` files and `shard_max_bytes` bytes."""
    return group(discover(inputs), settings.shard_max_files, settings.shard_max_bytes)


def group(files: Iterable[InputFile], max_files: int, max_bytes: int) -> Iterator[list[InputFile]]:
    """Consecutive files into shards that close at `max_files` files or before passing `max_bytes`."""
    shard: list[InputFile] = []
    size = 0
    for f in files:
        if shard and (len(shard) >= max_files or size + f.size > max_bytes):
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
        if kind == "html" and (error := _html_size_error(len(data), "bytes", settings.max_html_bytes)):
            raise InputError(error)
    except (OSError, EOFError, zlib.error, InputError) as e:
        yield _quarantined(f.source, f.source, _describe(e)), None
        return
    doc = Document(id=doc_id(f.source), source=f.source, file=f.source, metadata={"format": kind})
    yield doc, data


def _html_size_error(size: int, unit: str, limit: int) -> str | None:
    """Why a page is too large to parse, or None: such pages are quarantined before parsing.

    lxml and trafilatura need about 40 MB of memory and 2.5 s of CPU per MiB of HTML (measured: an
    8 MiB page took 370 MB and 20 s, a 20 MiB page 860 MB and 97 s), about twice what plain text of
    the same size needs, so HTML has its own limit, `[input] max_html_bytes`.
    """
    if size <= limit:
        return None
    return f"HTML page too large to parse: {size} {unit} (limit [input] max_html_bytes = {limit})"


def _describe(e: BaseException) -> str:
    if isinstance(e, PermissionError):
        return f"cannot read: permission denied ({readable(str(e.filename))})"
    if isinstance(e, EOFError):
        return "truncated gzip stream: the file ends before the compressed data does"
    if isinstance(e, (zlib.error, gzip.BadGzipFile)):
        return f"corrupt gzip data: {e}"
    if isinstance(e, OSError):
        return f"cannot read: {e.strerror or e}"
    return str(e)


def _open(f: InputFile) -> BinaryIO:
    raw = _open_regular(f.path)
    if f.path.lower().endswith(".gz"):
        gz = gzip.GzipFile(fileobj=raw, mode="rb")
        gz.myfileobj = raw  # type: ignore[assignment]  # so closing the gzip stream closes the file too
        return gz  # type: ignore[return-value]
    return raw


def _open_regular(path: str) -> BinaryIO:
    """Open for reading, refusing what is not a regular file by now (a FIFO swapped in after the plan).

    O_NONBLOCK makes opening a FIFO return at once instead of waiting for a writer that never comes.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(_not_regular(mode))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _read_whole(f: InputFile, limit: int) -> bytes:
    with _open(f) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(_too_large(limit, "document"))
    return data


def _too_large(limit: int, what: str) -> str:
    return f"too large: more than {limit} bytes in one {what} (limit [input] max_record_bytes)"


def _read_jsonl(f: InputFile, settings: InputSettings) -> Iterator[tuple[Document, bytes | str | None]]:
    n = f.first
    first_line: dict[int, int] = dict(f.carry)  # hash of each id -> the record that used it first
    try:
        with _open(f) as stream:
            for _, n, doc, payload in jsonl_records(stream, f, settings):
                _note_duplicate_id(doc, n, first_line)
                yield doc, payload
    except (OSError, EOFError, zlib.error, InputError) as e:
        yield _quarantined(f"{f.source}#{n + 1}", f.source, _describe(e) + f" (after {n} lines)"), None


def jsonl_records(
    stream: BinaryIO, f: InputFile, settings: InputSettings
) -> Iterator[tuple[int, int, Document, bytes | str | None]]:
    """The records of `f` (its byte range if it is a piece) as (offset of the line, record number,
    document, payload); blank lines are not records. The planner reads a large file once with this
    too (pipeline/ranges.py), so the numbering of a piece is the numbering of the whole file."""
    limit = settings.max_record_bytes
    pos = f.start
    if f.start:
        stream.seek(f.start)
    n = f.first
    while not (f.is_range and pos >= f.end):
        line = stream.readline(limit + 1)
        if not line:
            break
        offset = pos
        pos += len(line)
        n += 1
        source = f"{f.source}#{n}"
        if len(line) > limit and not line.endswith(b"\n"):
            pos += _skip_rest_of_line(stream)
            yield offset, n, _quarantined(source, f.source, _too_large(limit, "record")), None
            continue
        if n == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8) :]  # Windows tools start files with one; JSON has none
        if not line.strip():
            n -= 1  # blank lines are not records
            continue
        doc, payload = _jsonl_record(line, source, f.source, settings.max_html_bytes)
        yield offset, n, doc, payload


def _note_duplicate_id(doc: Document, n: int, first_line: dict[int, int]) -> None:
    """Duplicate ids within a file: every record is kept (each has its own `source`, file#line), and
    a later one carries an `input.duplicate-id` note naming the record that used the id first, which
    the audit log and the manifest's `notes` count show. Ids are hashed to 8 bytes, so memory stays
    small on files of millions of records. Duplicates across files are not detected.
    """
    if not doc.active:
        return
    first = first_line.setdefault(id_key(doc.id), n)
    if first != n:
        reason = f"id {doc.id!r} was already used by {doc.file}#{first}; both records are kept"
        doc.events.append(AuditEvent(STAGE, "note", "input.duplicate-id", reason))


def id_key(doc_id: str) -> int:
    """An id hashed to 8 bytes, as the duplicate-id check keeps it."""
    return int.from_bytes(hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=8).digest())


def _skip_rest_of_line(stream: BinaryIO) -> int:
    """Read to the end of the line; the number of bytes skipped."""
    skipped = 0
    while True:
        chunk = stream.readline(1 << 20)
        skipped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return skipped


def _jsonl_record(line: bytes, source: str, file: str, max_html: int) -> tuple[Document, bytes | str | None]:
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
    if key == "html" and (error := _html_size_error(len(payload), "characters", max_html)):
        return _quarantined(source, file, error), None
    given_id = record.get("id")
    doc = Document(
        id=str(given_id) if _usable_id(given_id) else doc_id(source),
        source=source,
        file=file,
        url=record["url"] if isinstance(record.get("url"), str) else None,
        site=record["site"] if isinstance(record.get("site"), str) else None,
        metadata={"format": "jsonl-html" if key == "html" else "jsonl"},
    )
    if isinstance(record.get("metadata"), dict):
        doc.metadata["input"] = record["metadata"]
    return doc, payload


def _usable_id(value: Any) -> bool:
    """A non-empty string or an integer (not true/false, which would become "True"); else one is made."""
    return (isinstance(value, str) and bool(value)) or (isinstance(value, int) and not isinstance(value, bool))


def _quarantined(source: str, file: str, error: str) -> Document:
    doc = Document(id=doc_id(source), source=source, file=file)
    doc.quarantine(error, STAGE)
    return doc
