"""Where each document ends: clean, rejected or quarantine records, and one audit log per input file.

Records are JSON lines that datatrove's JsonlReader and Hugging Face `datasets` read as they are
(`id`, `text`, and flat fields). Audit logs hold one event per change, in the order the stages
made them, then a summary line per document. `OutputParts` and `AuditWriter` write them; paths
come from pipeline/layout.py (`audit_path` is re-exported here for its older callers).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any, Protocol

from pipeline import jsonl
from pipeline.document import OK, QUARANTINED, REJECTED, Document
from pipeline.layout import ROUTES, OutputLayout, audit_path
from pipeline.stages.paragraphs import final_text


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


DECISIONS = {
    OK: "clean",
    REJECTED: "rejected",
    QUARANTINED: "quarantined",
}  # a document's status as its summary says it


def summary_record(doc: Document) -> dict[str, Any]:
    decision = DECISIONS[doc.status]
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


@dataclass
class ShardStats:
    """Counts a shard contributes to manifest.json."""

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
        decision = DECISIONS[doc.status]
        self.outcome.setdefault(doc.file, Counter())[decision] += 1
        # Each distinct (stage, action, rule) once, in order of first appearance, so every counter
        # gets its keys in the order the events had them (a loop over 150 events a real page was a
        # tenth of WriteOutputs).
        for (stage, action, rule), n in Counter(map(_EVENT_KEY, doc.events)).items():
            self.actions[f"{stage}.{action}"] += n
            if action == "drop":
                self.rules[rule] += n
            elif action == "note":
                self.notes[rule] += n
        if doc.status == REJECTED:
            self.reasons[_reason_key(doc)] += 1
        self.languages[doc.lang or "unknown"] += 1
        self.sites[doc.site or "unknown"] += 1
        self.chars_in += doc.chars_in
        self.chars_out += len(final_text(doc)) if doc.status == OK else 0

    def to_record(self) -> dict[str, Any]:
        return {
            "outcome": {k: dict(v) for k, v in self.outcome.items()},
            "rules": dict(self.rules), "actions": dict(self.actions), "reasons": dict(self.reasons),
            "notes": dict(self.notes), "languages": dict(self.languages), "sites": dict(self.sites),
            "chars_in": self.chars_in, "chars_out": self.chars_out,
        }  # fmt: skip


_EVENT_KEY = attrgetter("stage", "action", "rule")


def _reason_key(doc: Document) -> str:
    for e in reversed(doc.events):
        if e.action == "reject":
            return e.rule
    return "unknown"


class OutputParts:
    """clean/, rejected/ and quarantine/ part files of one shard; empty parts are not left behind."""

    def __init__(self, layout: OutputLayout, shard: int) -> None:
        self.layout, self.shard = layout, shard
        self.files: dict[str, Any] = {}
        self.contexts: dict[str, Any] = {}

    def __enter__(self) -> OutputParts:
        return self

    def write(self, folder: str, record: dict[str, Any]) -> None:
        if folder not in self.files:
            ctx = jsonl.atomic_open(self.layout.part(folder, self.shard))
            self.contexts[folder] = ctx
            self.files[folder] = ctx.__enter__()
        self.files[folder].write(jsonl.dumps(record))

    def __exit__(self, *exc: Any) -> None:
        for folder in ROUTES:
            if folder in self.contexts:
                self.contexts[folder].__exit__(*exc)
            elif exc[0] is None:
                self.layout.part(folder, self.shard).unlink(missing_ok=True)  # stale from an earlier run


class LogReader(Protocol):
    """What reads the audit logs as they are written (report/partial.py's `ShardScan`)."""

    def open_log(self, file: str, path: Path) -> None: ...
    def add(self, lines: list[bytes]) -> None: ...
    def close_log(self) -> None: ...


class AuditWriter:
    """One audit log per input file under `root` (audit/); a file's documents arrive together, so
    logs stream. `pieces`: where a split file's part of its log goes instead (pipeline/ranges.py).
    `reader` is given each document's lines as written, and told when a log is complete on disk."""

    def __init__(self, root: Path, pieces: dict[str, Path] | None = None, reader: LogReader | None = None) -> None:
        self.root, self.pieces, self.reader = root, pieces or {}, reader
        self.current: str | None = None
        self.ctx: Any = None
        self.f: Any = None
        self.logs: dict[str, Path] = {}  # input file -> where its log (or piece) was written, in order

    def __enter__(self) -> AuditWriter:
        return self

    def write(self, doc: Document) -> None:
        if doc.file != self.current:
            self._close(None)
            self.current = doc.file
            path = self.pieces.get(doc.file) or audit_path(self.root, doc.file)
            self.logs[doc.file] = path
            self.ctx = jsonl.atomic_open(path, sync=False)
            self.f = self.ctx.__enter__()
            if self.reader is not None:
                self.reader.open_log(doc.file, path)
        dumps, doc_id = jsonl.dumps, doc.id
        if doc.spans:
            ends = {first: last for first, last in doc.spans}  # lines rebuilt by the layout stage
            lines = [dumps(event.to_record(doc_id, ends.get(event.line or 0))) for event in doc.events]
        else:
            lines = [dumps(event.to_record(doc_id)) for event in doc.events]
        lines.append(dumps(summary_record(doc)))
        self.f.write(b"".join(lines))  # one write a document, not one a line
        if self.reader is not None:
            self.reader.add(lines)

    def _close(self, exc: Any) -> None:
        if self.ctx is not None:
            self.ctx.__exit__(*(exc or (None, None, None)))
            self.ctx = self.f = None
            if self.reader is not None and exc is None:
                self.reader.close_log()

    def __exit__(self, *exc: Any) -> None:
        self._close(exc if exc[0] else None)
