"""Shard counts for the manifest: every event counted, keys in the order the events had them."""

from __future__ import annotations

from collections import Counter

from pipeline.document import AuditEvent, Document
from pipeline.outputs import ShardStats


def _naive(docs: list[Document]) -> tuple[Counter[str], Counter[str], Counter[str]]:
    actions: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    notes: Counter[str] = Counter()
    for doc in docs:
        for e in doc.events:
            actions[f"{e.stage}.{e.action}"] += 1
            if e.action == "drop":
                rules[e.rule] += 1
            elif e.action == "note":
                notes[e.rule] += 1
    return actions, rules, notes


def test_counts_and_their_key_order_are_those_of_one_event_at_a_time() -> None:
    def make(id_: str, *events: tuple[str, str, str]) -> Document:
        return Document(
            id_, "f", "f", events=[AuditEvent(stage, action, rule, "why") for stage, action, rule in events]
        )

    docs = [
        make(
            "a", ("chrome", "drop", "r2"), ("chrome", "drop", "r1"), ("input", "note", "n1"), ("chrome", "drop", "r2")
        ),
        make(
            "b", ("language", "drop", "r3"), ("chrome", "drop", "r1"), ("chrome", "keep", "r9"), ("input", "note", "n2")
        ),
    ]
    stats = ShardStats()
    for doc in docs:
        stats.add(doc)
    actions, rules, notes = _naive(docs)
    assert list(stats.actions.items()) == list(actions.items())
    assert list(stats.rules.items()) == list(rules.items())
    assert list(stats.notes.items()) == list(notes.items())
    assert stats.rules["r2"] == 2 and stats.actions["chrome.drop"] == 4
