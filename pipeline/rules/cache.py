"""The prepared rule packs of a run, kept on disk between runs (a start-up cache).

Loading the packs (TOML, validation, what each pattern requires, the lookup indexes) took about
0.3 s of CPU at every start, with nothing else running. The prepared `RuleSet` is the same for the
same pack files and the same code, so it is pickled once and read back (about 0.1 s: `re` compiles
its patterns again when it unpickles them).

The key is a digest of everything the object is built from: the pack files found (paths and
bytes), the package's sources (`fingerprint.code_digest`), the Python and pyahocorasick versions
(the automaton is pickled by its own code). Any difference is another key, so a stale entry is
never read. A file is written to a temporary sibling and renamed, carries the digest of its
payload, and is only read when the current user owns it and nobody else may write it: a
damaged, foreign or unreadable entry is ignored and the packs are loaded as without a cache.

Where: `$WEBCLEAN_CACHE`, else `$XDG_CACHE_HOME/webclean`, else `~/.cache/webclean`;
`WEBCLEAN_CACHE=off` turns it off. A few entries are kept (the newest `KEEP`).
"""

from __future__ import annotations

import _sre
import contextlib
import hashlib
import importlib.metadata
import io
import os
import pickle
import re
import stat
import sys
import tempfile
from pathlib import Path
from re import _compiler, _parser  # type: ignore[attr-defined]
from typing import Any

from pipeline.rules.loader import RuleSet, _pack_files, load_ruleset

FORMAT = b"webclean-rules-1\n"
KEEP = 8
OFF = "off"


def prepared_ruleset(generic: list[Path], sites: list[Path], code: str) -> RuleSet:
    """`load_ruleset(generic, sites).prepare()`, read from the cache when it holds it.

    `code` is the digest of the package's sources (fingerprint.code_digest). Errors in the packs
    are raised by the loader as always: nothing is stored for packs that do not load."""
    folder = cache_folder()
    if folder is None:
        return load_ruleset(generic, sites).prepare()
    key = cache_key(generic, sites, code)
    path = folder / f"rules-{key}.pickle"
    rules = read_entry(path, key)
    if rules is None:
        rules = load_ruleset(generic, sites).prepare()
        write_entry(path, key, rules)
    return rules


def cache_folder() -> Path | None:
    where = os.environ.get("WEBCLEAN_CACHE", "")
    if where == OFF:
        return None
    if where:
        return Path(where)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "webclean"


def cache_key(generic: list[Path], sites: list[Path], code: str) -> str:
    """What the prepared packs are made of; reads every pack file (a few hundred KB)."""
    digest = hashlib.sha256(FORMAT)
    versions = (sys.version, sys.implementation.cache_tag, _version("pyahocorasick"), code)
    digest.update(repr(versions).encode())
    for group in (generic, sites):
        digest.update(b"\x00group\n")
        for path in _pack_files(group):
            data = path.read_bytes()
            digest.update(f"{path.resolve()}\n{len(data)}\n".encode() + data)
    return digest.hexdigest()[:32]


def read_entry(path: Path, key: str) -> RuleSet | None:
    """The cached rule set, or None when there is no usable entry."""
    try:
        with open(path, "rb") as f:
            info = os.fstat(f.fileno())
            if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                return None
            data = f.read()
    except OSError:
        return None
    head = FORMAT + key.encode() + b"\n"
    body = data[len(head) + 32 :]
    if not data.startswith(head) or data[len(head) : len(head) + 32] != hashlib.sha256(body).digest():
        return None
    try:
        rules = pickle.loads(body)
    except Exception:  # any unpickling failure means: load the packs instead
        return None
    return rules if isinstance(rules, RuleSet) else None


def write_entry(path: Path, key: str, rules: RuleSet) -> None:
    """Store `rules` under `key` (atomically); a cache that cannot be written is no error."""
    buffer = io.BytesIO()
    try:
        _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(rules)
    except Exception:  # something the packs hold that pickle cannot store: no cache, no error
        return
    body = buffer.getvalue()
    data = FORMAT + key.encode() + b"\n" + hashlib.sha256(body).digest() + body
    tmp = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mode 0600
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
        tmp = None
        prune(path.parent)
    except OSError:
        pass
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


class _Pickler(pickle.Pickler):
    """Compiled patterns stored as `re` compiled them: read back without parsing them again."""

    def reducer_override(self, obj: Any) -> Any:
        return _pattern_reduction(obj) if type(obj) is re.Pattern else NotImplemented


def _pattern_reduction(pattern: re.Pattern[str]) -> Any:
    """A compiled pattern as `_sre.compile`'s arguments (the last step of `re.compile`, the only one
    in C: parsing and code generation are the slow Python part). Only when rebuilding it from them
    gives a pattern equal to it (same text, flags and code); otherwise pickle's own way, which
    compiles it again when it is read."""
    try:
        parsed = _parser.parse(pattern.pattern, pattern.flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for name, i in groupindex.items():
            indexgroup[i] = name
        code = [int(op) for op in _compiler._code(parsed, pattern.flags)]  # plain ints: named ones do not pickle
        args = (pattern.pattern, pattern.flags | parsed.state.flags, code, parsed.state.groups - 1, groupindex,
                tuple(indexgroup))  # fmt: skip
        if _sre.compile(*args) == pattern:
            return _sre.compile, args
    except Exception:  # a pattern this reads differently: pickled as usual
        pass
    return NotImplemented


def prune(folder: Path, keep: int = KEEP) -> None:
    """Remove all but the `keep` newest entries (each code or pack edit makes a new one)."""
    entries = []
    for path in folder.glob("rules-*.pickle"):
        with contextlib.suppress(OSError):
            entries.append((path.stat().st_mtime, path))
    for _, path in sorted(entries, reverse=True)[keep:]:
        with contextlib.suppress(OSError):
            path.unlink()


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"
