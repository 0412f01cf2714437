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
    def ev(stage: str, action: str, rule: str) -> AuditEvent:
        return AuditEvent(stage, action, rule, "why")

    docs = [
        Document(
            "a",
            "f",
            "f",
            events=[
                ev("chrome", "drop", "r2"),
                ev("chrome", "drop", "r1"),
                ev("input", "note", "n1"),
                ev("chrome", "drop", "r2"),
            ],
        ),
        Document(
            "b",
            "f",
            "f",
            events=[
                ev("language", "drop", "r3"),
                ev("chrome", "drop", "r1"),
                ev("chrome", "keep", "r9"),
                ev("input", "note", "n2"),
            ],
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
