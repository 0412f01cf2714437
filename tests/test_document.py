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


def test_a_work_file_line_round_trips_with_its_events_as_bytes_and_appends_like_a_record() -> None:
    events = [_event(), _event(after="b\tc\nd", prob=0.25, cues=["short"])]
    doc = Document("d", "f.txt", "f.txt", lines=["a\tb", 'q"'], line_numbers=[1, 2], title="t\tt", events=events)
    line = doc.to_line()
    assert line.endswith(b"\n") and line.count(b"\n") == 1  # one line, whatever the text holds
    again = Document.from_line(line)
    assert again.events == [] and orjson.loads(again.carried) == orjson.loads(doc.to_record()["events_json"])
    again.events.append(AuditEvent("language", "note", "r", "w"))
    expanded = Document.from_line(again.to_line(), expand=True)
    assert expanded.events == [*events, AuditEvent("language", "note", "r", "w")]
    assert dataclasses.replace(expanded, events=[]) == dataclasses.replace(doc, events=[])
    assert again.to_record() == orjson.loads(orjson.dumps(again.to_record()))  # the record form agrees
    assert orjson.loads(again.to_record()["events_json"]) == orjson.loads(again.to_line().partition(b"\t")[2])


def test_a_document_without_events_writes_an_empty_array() -> None:
    doc = Document("d", "f.txt", "f.txt", lines=["a"], line_numbers=[1])
    assert doc.to_line().endswith(b"\t[]\n")
    assert Document.from_line(doc.to_line(), expand=True).events == []
