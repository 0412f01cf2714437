"""JSON lines: fast encoding (orjson), streaming reads, and atomic writes.

Every file the pipeline writes appears whole or not at all: it is written to a hidden temporary
file in the same folder (`.name.tmp-<pid>`, which no `*.jsonl` glob matches) and renamed.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import orjson

TMP_MARK = ".tmp-"


def dumps(record: Any, _dumps: Any = orjson.dumps, _newline: int = orjson.OPT_APPEND_NEWLINE) -> bytes:
    """One JSON line, UTF-8, no ASCII escaping, newline-terminated (by orjson: no second copy)."""
    return _dumps(record, option=_newline)


def loads(line: bytes | str) -> Any:
    return orjson.loads(line)


@contextlib.contextmanager
def atomic_open(path: str | Path, sync: bool = True) -> Iterator[IO[bytes]]:
    """Open a temporary sibling of `path` for binary writing; rename it over `path` on success.

    `sync=False` skips the per-file fsync; the caller then syncs once for a whole group of files
    (WriteOutputs does, before its done marker), which matters when a shard has thousands of logs.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}{TMP_MARK}{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        with _create(tmp) as f:
            yield f
            f.flush()
            if sync:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def _create(tmp: Path) -> IO[bytes]:
    """Open a new file for writing, making its folder only when it is missing (a shard writes
    thousands of audit logs into a few folders: one mkdir each would be wasted system calls)."""
    try:
        return open(tmp, "wb")
    except FileNotFoundError:
        tmp.parent.mkdir(parents=True, exist_ok=True)
        return open(tmp, "wb")


def write_jsonl(path: str | Path, records: Iterable[Any]) -> int:
    """Write records atomically; returns how many were written."""
    n = 0
    with atomic_open(path) as f:
        for record in records:
            f.write(dumps(record))
            n += 1
    return n


def write_json(path: str | Path, obj: Any, sync: bool = True) -> None:
    """`sync=False`: no fsync, for files that are only a hint (see `atomic_open`)."""
    with atomic_open(path, sync) as f:
        f.write(orjson.dumps(obj, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")


def read_jsonl(path: str | Path) -> Iterator[Any]:
    with open(path, "rb") as f:
        for line in f:
            if line.strip():
                yield orjson.loads(line)


def sweep_temporaries(folder: str | Path) -> int:
    """Remove temporary files left by writers that were killed; returns how many."""
    removed = 0
    folders = [str(folder)]
    while folders:  # os.scandir streams a folder's entries: audit/ may hold millions of logs
        try:
            entries = os.scandir(folders.pop())
        except OSError:
            continue  # gone or unreadable, as os.walk would skip it
        with entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                elif entry.name.startswith(".") and TMP_MARK in entry.name:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(entry.path)
                        removed += 1
    return removed
