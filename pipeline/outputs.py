"""Where each document ends: clean, rejected or quarantine records, and one audit log per input file.

Records are JSON lines that datatrove's JsonlReader and Hugging Face `datasets` read as they are
(`id`, `text`, and flat fields). Audit logs hold one event per change, in the order the stages
made them, then a summary line per document.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.document import OK, QUARANTINED, REJECTED, Document
from pipeline.stages.paragraphs import final_text

_UNSAFE = re.compile(r"[\x00-\x1f\x7f\\:*?\"<>|~]")
# Audit log names: a part at most this many bytes (255 minus ~55 for "~hash", ".audit.jsonl" and
# the temporary name's ".<name>.tmp-<pid>-<8 hex>"), a whole path at most this many.
MAX_NAME_BYTES = 200
MAX_PATH_BYTES = 3800


def clean_record(doc: Document) -> dict[str, Any]:
    text = final_text(doc)
    metadata = dict(doc.metadata)
    if doc.url:
        metadata["url"] = doc.url
    metadata.update(chars_in=doc.chars_in, chars_out=len(text), lines_in=doc.lines_in, paragraphs_out=len(doc.lines))
    return {
        "id": doc.id,
        "source": doc.source,
        "text": text,
        "lang": doc.lang,
        "lang_prob": doc.lang_prob,
        "site": doc.site,
        "title": doc.title,
        "metadata": metadata,
    }


def rejected_record(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.id,
        "source": doc.source,
        "reason": doc.reason,
        "stage": _last_stage(doc),
        "lang": doc.lang,
        "lang_prob": doc.lang_prob,
        "site": doc.site,
    }


def quarantine_record(doc: Document) -> dict[str, Any]:
    return {"id": doc.id, "source": doc.source, "error": doc.reason, "stage": _last_stage(doc)}


def _last_stage(doc: Document) -> str | None:
    return doc.events[-1].stage if doc.events else None


def summary_record(doc: Document) -> dict[str, Any]:
    decision = {OK: "clean", REJECTED: "rejected", QUARANTINED: "quarantined"}[doc.status]
    chars_out = len(final_text(doc)) if doc.status == OK else 0
    return {
        "doc": doc.id,
        "action": "summary",
        "source": doc.source,
        "decision": decision,
        "reason": doc.reason,
        "site": doc.site,
        "lang": doc.lang,
        "chars_in": doc.chars_in,
        "chars_out": chars_out,
        "lines_in": doc.lines_in,
        "lines_out": len(doc.lines) if doc.status == OK else 0,
        "layout": doc.metadata.get("layout"),
    }


def audit_path(root: Path, file_source: str) -> Path:
    """`audit/<source>.audit.jsonl`, made safe: never outside `root`, whatever the name holds.

    A name that had to change (control characters such as a newline, a backslash, `:*?"<>|~`, `.`
    or `..` parts, names too long) gets `~<hash of the source>` appended, so two sources never share
    a log ("a\\nb.txt" and "a_b.txt" would), and `~` is in the unsafe set so no unchanged name can
    look hashed. Each part is cut to MAX_NAME_BYTES of UTF-8, which leaves room for the suffix and
    the writer's temporary name within the 255-byte limit; a path that would still be too long for
    the OS goes flat under `_long/`.
    """
    parts = [_safe_part(part) for part in file_source.split("/")]
    tag = _source_hash(file_source)
    if "/".join(parts) != file_source:
        parts[-1] += "~" + tag[:8]
    path = root.joinpath(*parts)
    path = path.with_name(path.name + ".audit.jsonl")
    if len(os.fsencode(path)) > MAX_PATH_BYTES:
        path = root / "_long" / f"{tag}.audit.jsonl"
    if _resolved(root) not in (_resolved(path.parent) / path.name).parents:
        raise ValueError(f"audit path for {file_source!r} escapes the output folder")
    return path


@functools.lru_cache(maxsize=4096)
def _resolved(folder: Path) -> Path:
    """A folder's real path; cached, as a shard's logs mostly share a few folders."""
    return folder.resolve()


def _safe_part(part: str) -> str:
    part = _UNSAFE.sub("_", part).strip()
    if part in ("", ".", ".."):
        part = part.replace(".", "_") or "_"
    return part.encode("utf-8", "surrogatepass")[:MAX_NAME_BYTES].decode("utf-8", "ignore")


def _source_hash(source: str) -> str:
    return hashlib.blake2b(source.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


@dataclass
class ShardStats:
    """Counts a shard contributes to manifest.json."""

    files: Counter[str] = field(default_factory=Counter)  # per input file: documents read
    outcome: dict[str, Counter[str]] = field(default_factory=dict)  # per input file: clean/rejected/...
    rules: Counter[str] = field(default_factory=Counter)
    actions: Counter[str] = field(default_factory=Counter)  # "<stage>.<action>"
    reasons: Counter[str] = field(default_factory=Counter)
    notes: Counter[str] = field(default_factory=Counter)  # rule of each "note" event (input.duplicate-id)
    languages: Counter[str] = field(default_factory=Counter)
    sites: Counter[str] = field(default_factory=Counter)
    chars_in: int = 0
    chars_out: int = 0

    def add(self, doc: Document) -> None:
        decision = summary_record(doc)["decision"]
        self.files[doc.file] += 1
        self.outcome.setdefault(doc.file, Counter())[decision] += 1
        for e in doc.events:
            self.actions[f"{e.stage}.{e.action}"] += 1
            if e.action == "drop":
                self.rules[e.rule] += 1
            elif e.action == "note":
                self.notes[e.rule] += 1
        if doc.status == REJECTED:
            self.reasons[_reason_key(doc)] += 1
        self.languages[doc.lang or "unknown"] += 1
        self.sites[doc.site or "unknown"] += 1
        self.chars_in += doc.chars_in
        self.chars_out += len(final_text(doc)) if doc.status == OK else 0

    def to_record(self) -> dict[str, Any]:
        return {
            "files": dict(self.files), "outcome": {k: dict(v) for k, v in self.outcome.items()},
            "rules": dict(self.rules), "actions": dict(self.actions), "reasons": dict(self.reasons),
            "notes": dict(self.notes), "languages": dict(self.languages), "sites": dict(self.sites),
            "chars_in": self.chars_in, "chars_out": self.chars_out,
        }  # fmt: skip


def _reason_key(doc: Document) -> str:
    for e in reversed(doc.events):
        if e.action == "reject":
            return e.rule
    return "unknown"


def group_by_file(docs: Iterable[Document]) -> dict[str, list[Document]]:
    groups: dict[str, list[Document]] = {}
    for doc in docs:
        groups.setdefault(doc.file, []).append(doc)
    return groups
