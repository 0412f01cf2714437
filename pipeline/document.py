"""The one record that flows between stages, and the audit events it carries.

A `Document` is read from an input file, passes every stage, and ends in exactly one place:
clean output (status "ok"), rejected (status "rejected", with a reason), or quarantine (status
"quarantined", with the error). Stages never drop a Document; they change its text, append
`AuditEvent`s, or set its status. Later stages pass rejected and quarantined documents through.

Between Luigi tasks a Document is one line of a work file (`to_line` / `from_line`): its fields
as a JSON object, a tab, and its events as a JSON array. The events are carried as those bytes: a
stage appends its own without parsing and rebuilding the earlier ones, and without escaping them
into a JSON string (they are 60-65 % of a line; as a string, escaping and unescaping them was half
of every task's reading and writing); WriteOutputs expands them. JSON holds no raw tab, so the
first one ends the object. `to_record` / `from_record` give the same as one object, the events in
one string (`events_json`). `WORK_FORMAT` is part of every stage fingerprint (fingerprint.py): the
work files of another format have other names, so a resumed run never mixes them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import orjson

WORK_FORMAT = "line: object, tab, events"  # change it when `to_line` changes

OK = "ok"
REJECTED = "rejected"
QUARANTINED = "quarantined"


@dataclass
class AuditEvent:
    """One change a stage made: what, where (1-based line of the repaired text), why, by which rule."""

    stage: str
    action: str
    rule: str
    reason: str
    line: int | None = None
    text: str = ""
    after: str | None = None
    # Drops by the line model: its probability that the line is content, and its strongest cues.
    prob: float | None = None
    cues: list[str] | None = None

    def to_record(self, doc_id: str, last_line: int | None = None) -> dict[str, Any]:
        record: dict[str, Any] = {
            "doc": doc_id,
            "stage": self.stage,
            "action": self.action,
            "rule": self.rule,
        }
        if self.line is not None:
            record["line"] = self.line
            if last_line is not None and last_line != self.line:
                record["line_end"] = last_line  # a paragraph rebuilt from several input lines
        record["text"] = self.text
        if self.after is not None:
            record["after"] = self.after
        record["reason"] = self.reason
        if self.prob is not None:
            record["prob"] = self.prob
            record["cues"] = self.cues or []
        return record


@dataclass
class Document:
    """A document and its story so far.

    `lines` holds the current text line by line and `line_numbers` the 1-based number each line
    had in the repaired input, so events of later stages still point at the input's lines.
    """

    id: str
    source: str
    file: str
    lines: list[str] = field(default_factory=list)
    line_numbers: list[int] = field(default_factory=list)
    status: str = OK
    reason: str | None = None
    site: str | None = None
    url: str | None = None
    title: str | None = None
    lang: str | None = None
    lang_prob: float | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    chars_in: int = 0
    lines_in: int = 0
    events: list[AuditEvent] = field(default_factory=list)
    # [first, last] input lines of each line rebuilt from several (stages/layout.py); the first
    # is also its entry in `line_numbers`, so the pairs survive any later filtering of lines.
    spans: list[list[int]] = field(default_factory=list)
    # [first input line, offsets...] of each line unwrapped from wrapped text: where its input lines
    # were joined with a space (the chrome stage may judge such a line as the lines it came from).
    joins: list[list[int]] = field(default_factory=list)
    # Per site pack, how many of its markers the lines hold: counted by the encoding task while
    # learning, used once by the chrome stage (cleared there), never written to outputs.
    site_markers: dict[str, int] | None = None
    # Events of earlier stages as a JSON array's text or UTF-8 bytes, not parsed (see from_line);
    # empty when none.
    carried: str | bytes = field(default="", repr=False)
    # The raw input (bytes of a file, text of a JSONL record) until the encoding step decodes it;
    # never written to records.
    payload: bytes | str | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def active(self) -> bool:
        """True while stages should still work on it (not rejected, not quarantined)."""
        return self.status == OK

    def set_text(self, text: str) -> None:
        self.lines = text.split("\n")
        self.line_numbers = list(range(1, len(self.lines) + 1))

    def keep_lines(self, keep: list[bool]) -> None:
        """Keep the lines whose flag is True, with their input line numbers."""
        self.lines = [line for line, k in zip(self.lines, keep, strict=True) if k]
        self.line_numbers = [n for n, k in zip(self.line_numbers, keep, strict=True) if k]

    def reject(self, reason: str, stage: str, rule: str) -> None:
        self.status = REJECTED
        self.reason = reason
        self.events.append(AuditEvent(stage=stage, action="reject", rule=rule, reason=reason))

    def quarantine(self, error: str, stage: str) -> None:
        self.status = QUARANTINED
        self.reason = error
        self.events.append(AuditEvent(stage=stage, action="quarantine", rule=f"{stage}.unreadable", reason=error))

    def to_record(self) -> dict[str, Any]:
        # Built field by field: dataclasses.asdict deep-copies everything and was a tenth of a run.
        record = {name: getattr(self, name) for name in _RECORD_NAMES}
        record["events_json"] = self._events_json().decode()
        return record

    def to_line(self) -> bytes:
        """The document as one line of a work file (see the module's docstring)."""
        record = {name: getattr(self, name) for name in _RECORD_NAMES}
        return b"".join((orjson.dumps(record), b"\t", self._events_json(), b"\n"))  # one copy of a long text

    def _events_json(self) -> bytes:
        carried = self.carried.encode() if isinstance(self.carried, str) else self.carried
        new = orjson.dumps([_event_fields(e) for e in self.events]) if self.events else b""
        return _join_json_arrays(carried, new)

    @classmethod
    def from_line(cls, line: bytes, expand: bool = False) -> Document:
        """A document from a line `to_line` wrote; `expand` as in `from_record`."""
        head, _, events = line.partition(b"\t")
        fields_ = orjson.loads(head)
        events = events[:-1] if events.endswith(b"\n") else events
        if expand:
            return cls(**fields_, events=_expanded(events))
        return cls(**fields_, carried=events)

    @classmethod
    def from_record(cls, record: dict[str, Any], expand: bool = False) -> Document:
        """`expand`: parse the carried events into `events` (to write audit logs); otherwise they
        stay a string and `events` holds only what the next stage adds."""
        fields_ = {k: v for k, v in record.items() if k != "events_json"}
        carried = record.get("events_json", "")
        if expand:
            return cls(**fields_, events=_expanded(carried))
        return cls(**fields_, carried=carried)


def _expanded(events_json: str | bytes) -> list[AuditEvent]:
    # Positional: `_event_fields` wrote the fields in declaration order (a keyword call for each
    # of ~150 events a real page was a fifth of WriteOutputs' reading).
    return [AuditEvent(*e.values()) for e in orjson.loads(events_json or b"[]")]


def read_documents(path: str | Path, expand: bool = False) -> Iterator[Document]:
    """The documents of a work file, in order (`expand`: see `Document.from_record`)."""
    with open(path, "rb") as f:
        for line in f:
            yield Document.from_line(line, expand)


def _event_fields(e: AuditEvent) -> dict[str, Any]:
    """An event's fields in declaration order (AuditEvent(**fields) rebuilds it); the line
    model's two fields only on its drops. Written out: a comprehension over `fields()` was a
    tenth of a stage's time on real pages."""
    fields_: dict[str, Any] = {"stage": e.stage, "action": e.action, "rule": e.rule, "reason": e.reason,
                               "line": e.line, "text": e.text, "after": e.after}  # fmt: skip
    if e.prob is not None:
        fields_["prob"], fields_["cues"] = e.prob, e.cues
    return fields_


def _join_json_arrays(a: bytes, b: bytes) -> bytes:
    """Two JSON arrays' texts as one array's text, without parsing them."""
    a, b = (b"" if x == b"[]" else x for x in (a, b))
    if not a or not b:
        return a or b or b"[]"
    return a[:-1] + b"," + b[1:]


_RECORD_NAMES = [f.name for f in fields(Document) if f.name not in ("events", "carried", "payload")]
