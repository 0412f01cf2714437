"""The prepared rule packs of a run, kept on disk between runs (a start-up cache).

Loading the packs (TOML, validation, what each pattern requires, the lookup indexes) took about
0.3 s of CPU at every start, with nothing else running. The prepared `RuleSet` is the same for the
same pack files and the same code, so it is pickled once and read back in about 0.03 s. Pickle
stores a compiled pattern as its text, compiled again when read (0.08 s for the packs): so while
the packs load, `re`'s compile step is replaced by the same steps that also note the arguments of
its last one, `_sre.compile` (`_noting_compiles`), and a pattern is stored as those arguments.

The key is a digest of everything the object is built from: the pack files found (paths and
bytes), the lexicon of line shapes, the package's sources (`fingerprint.code_digest`), the Python
and pyahocorasick versions (the automaton is pickled by its own code). Any difference is another
key, so a stale entry is never read. A file is written to a temporary sibling and renamed,
carries the digest of its payload, and is only read when the current user owns it and nobody
else may write it: a damaged, foreign or unreadable entry is ignored and the packs are loaded as
without a cache.

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
from collections.abc import Iterator
from pathlib import Path
from re import _compiler, _parser  # type: ignore[attr-defined]
from typing import Any

from pipeline.rules.features import LEXICON
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
        with _noting_compiles() as compiled:
            rules = load_ruleset(generic, sites).prepare()
        write_entry(path, key, rules, compiled)
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
    # The lexicon of line shapes too: the loader checks each rule's examples with the line features.
    for group in (generic, sites, [LEXICON]):
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


Compiled = dict[int, tuple[re.Pattern[str], tuple[Any, ...]]]  # id of a pattern -> it, `_sre.compile`'s arguments


def write_entry(path: Path, key: str, rules: RuleSet, compiled: Compiled | None = None) -> None:
    """Store `rules` under `key` (atomically); a cache that cannot be written is no error.
    `compiled`: patterns noted as they were compiled (`_noting_compiles`), stored as compiled."""
    buffer = io.BytesIO()
    try:
        _Pickler(buffer, compiled or {}).dump(rules)
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
    """A pattern noted when it was compiled is stored as `_sre.compile`'s arguments, read back
    without parsing it again; any other one as pickle stores it (compiled again when read)."""

    def __init__(self, file: io.BytesIO, compiled: Compiled) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.compiled = compiled

    def reducer_override(self, obj: Any) -> Any:
        noted = self.compiled.get(id(obj)) if type(obj) is re.Pattern else None
        return (_sre.compile, noted[1]) if noted is not None and noted[0] is obj else NotImplemented


@contextlib.contextmanager
def _noting_compiles() -> Iterator[Compiled]:
    """Within, `re` compiles each new pattern through `_compile_noting`, which notes it; only when
    that compiles test patterns exactly as `re` does (another Python may change `re`'s internals)."""
    original, compiled = _compiler.compile, {}

    def compile_noting(p: Any, flags: int = 0) -> Any:
        if not isinstance(p, str) or flags & re.DEBUG:
            return original(p, flags)
        try:
            pattern, args = _compile_noting(p, flags)
        except re.error:
            raise  # the pattern's own error, as `re` raises it
        except Exception:  # internals not as this reads them: `re` as it is
            return original(p, flags)
        compiled[id(pattern)] = (pattern, args)  # the pattern kept with its id, so the id stays its own
        return pattern

    if _same_as_re():
        _compiler.compile = compile_noting
    try:
        yield compiled
    finally:
        _compiler.compile = original


def _compile_noting(p: str, flags: int) -> tuple[re.Pattern[str], tuple[Any, ...]]:
    """`re._compiler.compile(p, flags)` step by step (parse, code, `_sre.compile`), with the last
    step's arguments (the code as plain ints: its named constants do not pickle)."""
    parsed = _parser.parse(p, flags)
    code = _compiler._code(parsed, flags)
    groupindex = parsed.state.groupdict
    indexgroup = [None] * parsed.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    args = (p, flags | parsed.state.flags, code, parsed.state.groups - 1, groupindex, tuple(indexgroup))
    return _sre.compile(*args), (*args[:2], [int(op) for op in code], *args[3:])


_PROBES = ((r"^(?P<w>\w+)[ \t]+(?:a|b)*?(?P=w)?$", re.IGNORECASE), (r"(?<![é\d])x{2,5}(?=\s|$)", 0),
           (r"[^\W\d]+", re.ASCII))  # fmt: skip


def _same_as_re() -> bool:
    try:
        return all(_compile_noting(p, f)[0] == _compiler.compile(p, f) for p, f in _PROBES)
    except Exception:  # internals not as this reads them
        return False


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
