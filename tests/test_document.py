"""Document records between tasks: what to_record writes, from_record reads back."""

from __future__ import annotations

import dataclasses

import orjson

from pipeline.document import AuditEvent, Document


def _event(**extra: object) -> AuditEvent:
    return AuditEvent("chrome", "drop", "generic.x", "why", 3, "Menu", **extra)  # type: ignore[arg-type]


def test_events_are_written_with_every_field_in_declaration_order_the_model_fields_only_on_its_drops() -> None:
    doc = Document("d", "f.txt", "f.txt", lines=["a"], line_numbers=[1])
    doc.events = [_event(), _event(after="b", prob=0.25, cues=["short"])]
    written = orjson.loads(doc.to_record()["events_json"])
    names = [f.name for f in dataclasses.fields(AuditEvent)]
    assert list(written[0]) == [n for n in names if n not in ("prob", "cues")]
    assert list(written[1]) == names
    assert [AuditEvent(**e) for e in written] == doc.events


def test_a_record_round_trips_and_later_events_are_appended_to_the_carried_ones() -> None:
    doc = Document("d", "f.txt", "f.txt", lines=["a", "b"], line_numbers=[1, 2], events=[_event()])
    again = Document.from_record(orjson.loads(orjson.dumps(doc.to_record())))
    again.events.append(_event(after="c"))
    expanded = Document.from_record(again.to_record(), expand=True)
    assert expanded.events == [_event(), _event(after="c")]
    assert dataclasses.replace(expanded, events=[]) == dataclasses.replace(doc, events=[])


def test_expanded_events_are_the_events_written_model_fields_included() -> None:
    events = [_event(), _event(after="b", prob=0.25, cues=["short"]), AuditEvent("language", "note", "r", "w")]
    doc = Document("d", "f.txt", "f.txt", lines=["a"], line_numbers=[1], events=events)
    expanded = Document.from_record(orjson.loads(orjson.dumps(doc.to_record())), expand=True)
    assert expanded.events == events
    assert [e.to_record("d") for e in expanded.events] == [e.to_record("d") for e in events]
