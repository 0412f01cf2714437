"""One fingerprint per stage for a whole run, computed once from what the run actually loaded.

A stage's fingerprint names its work files (pipeline/layout.py): a changed input to the stage
reruns it and the stages after it, an unchanged one reuses finished work. It hashes the settings
sections the stage reads, the loaded rule packs (not the files on disk: a pack edited while a batch
runs must not relabel outputs computed with the old one), the data files the stages read
(lexicon, line model, stopword lists), the versions of the libraries that change the output and
the package's own source code: work left by another version of webclean is never resumed as if it
were this one's (any edit of a module reruns the batch, which is safe; mixing versions is not).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.metadata
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.document import WORK_FORMAT
from pipeline.rules.loader import RuleSet, load_ruleset
from pipeline.rules.model import RulePattern
from pipeline.settings import CONFIG_DIR, LEXICON, STAGES, Settings

STOPWORDS = CONFIG_DIR / "stopwords"
CODE = Path(__file__).resolve().parent  # the pipeline package's sources
# Libraries whose version can change a stage's output, by the first stage that uses them: HTML
# extraction (trafilatura, its justext fallback, lxml), repair, Markdown blocks and signatures
# (rensa, numpy) in encoding; detection in language.
LIBRARIES = {
    "encoding": ("ftfy", "trafilatura", "justext", "lxml", "lxml_html_clean", "markdown-it-py", "rensa", "numpy"),
    "language": ("langdetect", "langdetect-rs"),
}


@dataclass(frozen=True)
class Fingerprints:
    """The fingerprint of every stage of one run."""

    stages: tuple[tuple[str, str], ...]

    def __getitem__(self, stage: str) -> str:
        for name, fp in self.stages:
            if name == stage:
                return fp
        raise ValueError(f"unknown stage {stage!r}")

    def as_dict(self) -> dict[str, str]:
        return dict(self.stages)


def fingerprints_of(settings: Settings) -> Fingerprints:
    """The fingerprints a fresh run with these settings would use (loads the packs: slow)."""
    return run_fingerprints(settings, load_ruleset(settings.pack_paths("generic"), settings.pack_paths("site")))


def run_fingerprints(settings: Settings, rules: RuleSet) -> Fingerprints:
    """Every stage's fingerprint: the files below are read here, once, and never again by the run."""
    data = {
        "sites": _digest([p.site for p in rules.sites.values()]),  # what site detection reads
        "packs": _digest(rules.all_packs()),
        "lexicon": _files_digest([LEXICON]),
        "line_model": _files_digest([_model_path(settings.chrome.line_model)] if settings.chrome.line_model else []),
        "stopwords": _files_digest([STOPWORDS]),
        "code": code_digest(),
    }
    return Fingerprints(tuple((stage, _stage_fingerprint(settings, stage, data)) for stage in STAGES))


def _stage_fingerprint(settings: Settings, stage: str, data: dict[str, str]) -> str:
    upto = STAGES[: STAGES.index(stage) + 1]
    # Work files of one format, made by this very code: a fix in a stage must not meet shards that
    # an older version wrote, so every stage carries the digest of every module.
    parts = [__version__, WORK_FORMAT, data["code"], stage, repr(settings.input)]
    parts += [_section_repr(settings, name) for name in upto]
    # The encoding task also detects each document's site and counts its lines for learning.
    learn = settings.learn
    parts.append(repr((learn.enabled, learn.max_docs_per_site, learn.max_line_chars)))
    parts.append(data["sites"])
    parts.append(repr(settings.layout))  # layout runs inside the encoding task, before learning
    # Signatures are made from the encoding task on; the decisions (threshold...) are taken after
    # normalise, by tasks whose outputs carry the normalise fingerprint.
    d = settings.dedup
    parts.append(repr(d) if stage == "normalise" else repr((d.enabled, d.learn_once, d.shingle_words,
                                                             d.num_perm, d.seed)))  # fmt: skip
    if "learn" in upto:  # learning clusters copies with these
        parts.append(repr((d.threshold, d.num_bands, d.cross_site_threshold)))
    if "chrome" in upto:  # the line shapes' words and the line model decide chrome as much as the packs
        parts += [data["packs"], data["lexicon"], data["line_model"], data["stopwords"]]
    for first, names in LIBRARIES.items():
        if first in upto:
            parts.append(repr(library_versions(names)))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]


def _section_repr(settings: Settings, name: str) -> str:
    """A stage's settings, without where its data files live: their contents are hashed instead, so
    a batch moved or cloned with its checkout does not rerun."""
    section = getattr(settings, name)
    if name == "chrome":
        model = "yes" if section.line_model else ""
        section = dataclasses.replace(section, generic_packs=(), site_packs=(), line_model=model)
    return repr(section)


@functools.cache
def library_versions(names: Iterable[str]) -> dict[str, str]:
    out = {}
    for name in names:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _model_path(path: str) -> Path:
    return Path(path) if Path(path).is_absolute() else CONFIG_DIR / path


def _files_digest(roots: list[Path]) -> str:
    """The names and bytes of data files (folders walked), read now."""
    digest = hashlib.sha256()
    for root in roots:
        for path in sorted(root.rglob("*")) if root.is_dir() else [root]:
            if path.is_dir():
                continue
            try:
                data = path.read_bytes()
            except OSError:
                data = b"unreadable"  # the stage that needs it reports it when it loads the file
            digest.update(f"{path.name}\n{len(data)}\n".encode() + data)
    return digest.hexdigest()


def code_digest() -> str:
    """The relative names and bytes of the package's Python sources (not its bytecode caches):
    which code made a batch, in its fingerprints and its manifest, whatever `__version__` says."""
    package, digest = CODE, hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        data = path.read_bytes()
        digest.update(f"{path.relative_to(package).as_posix()}\n{len(data)}\n".encode() + data)
    return digest.hexdigest()[:16]


def _digest(value: Any) -> str:
    """A hash of loaded rule packs that does not depend on the process (sets are sorted)."""
    return hashlib.sha256(json.dumps(_plain(value), sort_keys=True).encode()).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, (re.Pattern, RulePattern)):  # a rule's pattern, compiled alone or not: the same
        return ["re", value.pattern, value.flags]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.repr}
    if isinstance(value, (set, frozenset)):
        return sorted((_plain(v) for v in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, Path):
        return value.name  # where the packs live is no input to a stage; their contents are
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)
