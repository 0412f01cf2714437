"""The step protocol (pipeline/core.py): what the base does for every stage, and the steps' order."""

from __future__ import annotations

import gc
from collections.abc import Callable

import pytest

from pipeline import core, fingerprint, tasks
from pipeline.core import (
    BATCH_STAGES,
    STEP_TYPES,
    ChromeStep,
    Context,
    EncodingStep,
    Step,
    clean_document,
    run_steps,
    steps,
)
from pipeline.document import QUARANTINED, REJECTED, AuditEvent, Document
from pipeline.settings import STAGES
from tests.conftest import SEEDS

Apply = Callable[[Step, Document], Document]


def document(*lines: str, status: str = "ok") -> Document:
    doc = Document(id="d", source="d.txt", file="d.txt", metadata={"format": "txt"})
    doc.set_text("\n".join(lines))
    if status == REJECTED:
        doc.reject("rejected earlier", "chrome", "earlier.rule")
    elif status == QUARANTINED:
        doc.quarantine("unreadable", "encoding")
    return doc


class Recorder(Step):
    """A step that drops lines starting with "x", rejects documents whose first line is "reject",
    quarantines "broken", and remembers the documents it was given."""

    name = "test"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.seen: list[Document] = []

    def apply(self, doc: Document) -> Document:
        self.seen.append(doc)
        keep = [not line.startswith("x") for line in doc.lines]
        for line, k in zip(doc.lines, keep, strict=True):
            if not k:
                doc.events.append(AuditEvent("test", "drop", "test.x", "starts with x", text=line))
        doc.keep_lines(keep)
        if doc.lines and doc.lines[0] == "reject":
            doc.reject("asked to", "test", "test.reject")
        elif doc.lines and doc.lines[0] == "broken":
            doc.quarantine("asked to", "test")
        return doc


def test_inactive_documents_are_passed_through_untouched(ctx: Context) -> None:
    step = Recorder(ctx)
    rejected, quarantined = document("a", "xb", status=REJECTED), document("xa", status=QUARANTINED)
    before = [(d.lines[:], d.events[:], d.status) for d in (rejected, quarantined)]
    assert step(rejected) is rejected and step(quarantined) is quarantined
    assert step.seen == []
    assert [(d.lines, d.events, d.status) for d in (rejected, quarantined)] == before
    assert (step.stats.skipped, step.stats.docs_in, step.stats.lines_dropped) == (2, 0, 0)


def test_every_real_step_passes_an_inactive_document_through(ctx: Context) -> None:
    doc = document("Accueil", "Le conseil municipal a voté le budget.", "Partager sur Facebook", status=REJECTED)
    doc.payload = b"never decoded"
    lines, events = doc.lines[:], doc.events[:]
    chain = steps(ctx)
    run_steps(doc, chain)
    assert (doc.lines, doc.events, doc.status, doc.payload) == (lines, events, REJECTED, b"never decoded")
    assert all(s.stats.skipped == 1 and s.stats.docs_in == 0 for s in chain)


def test_counters_add_up(ctx: Context) -> None:
    step = Recorder(ctx)
    earlier = document("a", "xb")
    earlier.events.append(AuditEvent("chrome", "drop", "earlier", "an earlier stage's drop", line=9))
    docs = [
        earlier,
        document("xa", "xb", "c"),
        document("reject", "x1"),
        document("broken"),
        document("a", status=REJECTED),
    ]
    for doc in docs:
        step(doc)
    s = step.stats
    assert (s.docs_in, s.docs_out, s.rejected, s.quarantined, s.skipped) == (4, 2, 1, 1, 1)
    assert s.docs_in == s.docs_out + s.rejected + s.quarantined
    assert s.lines_dropped == 4  # its own drops only, not the earlier stage's
    record = s.to_record()
    assert record["name"] == "test" and record["lines_dropped"] == 4 and isinstance(record["seconds"], float)


def test_lines_dropped_match_the_audit_events(ctx: Context) -> None:
    path = sorted(SEEDS.glob("*.txt"))[0]
    doc = Document(id="s", source=path.name, file=path.name, metadata={"format": "txt"}, payload=path.read_bytes())
    encoding, chrome = EncodingStep(ctx), ChromeStep(ctx)
    doc = chrome(encoding(doc))
    drops = sum(1 for e in doc.events if e.action == "drop" and e.stage == "chrome")
    assert drops > 0 and chrome.stats.lines_dropped == drops
    assert (encoding.stats.docs_in, encoding.stats.docs_out) == (1, 1)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_time_inside_apply_accumulates(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock()
    monkeypatch.setattr(core.time, "perf_counter", clock)

    class Slow(Step):
        name = "slow"

        def apply(self, doc: Document) -> Document:
            clock.now += 0.25
            if doc.lines[0] == "boom":
                raise ValueError("a bug in a stage")
            return doc

    step = Slow(ctx)
    step(document("a"))
    step(document("b"))
    clock.now += 5  # time outside the step is not the step's
    step(document("c", status=REJECTED))  # skipped: not timed
    assert step.stats.seconds == pytest.approx(0.5)
    with pytest.raises(ValueError, match="a bug"):  # a bug is not swallowed, its time still counts
        step(document("boom"))
    assert step.stats.seconds == pytest.approx(0.75)


def test_one_stages_list_and_a_step_for_each_per_document_stage(ctx: Context) -> None:
    assert core.STAGES is STAGES and fingerprint.STAGES is STAGES  # one list, in settings.py
    assert [s.name for s in steps(ctx)] == [s for s in STAGES if s not in BATCH_STAGES]
    assert set(STEP_TYPES) | set(BATCH_STAGES) == set(STAGES)
    assert list(fingerprint.run_fingerprints(ctx.settings, ctx.rules).as_dict()) == list(STAGES)  # chained in order
    shard_tasks = (tasks.RepairEncoding, tasks.RemoveChrome, tasks.CheckLanguage, tasks.NormaliseParagraphs)
    assert [t.stage for t in shard_tasks] == list(STEP_TYPES)  # each shard task runs the step of its stage


def test_clean_document_runs_the_steps_in_order(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    order: list[str] = []
    for name, cls in STEP_TYPES.items():
        original = cls.apply

        def apply(
            self: Step, doc: Document, original: Callable[..., Document] = original, name: str = name
        ) -> Document:
            order.append(name)
            return original(self, doc)

        monkeypatch.setattr(cls, "apply", apply)
    path = sorted(SEEDS.glob("*.txt"))[0]
    doc = clean_document(Document(id="s", source=path.name, file=path.name), path.read_bytes(), ctx)
    assert doc.status == "ok" and order == ["encoding", "chrome", "language", "normalise"]
    order.clear()
    german_only = Context(ctx.settings.with_languages("de"), ctx.rules)
    doc = clean_document(Document(id="s", source=path.name, file=path.name), path.read_bytes(), german_only)
    assert doc.status == REJECTED and order == ["encoding", "chrome", "language"]  # normalise never saw it


def test_the_payload_is_consumed_and_never_written(ctx: Context) -> None:
    doc = Document(id="s", source="s.txt", file="s.txt", metadata={"format": "txt"}, payload=b"Un texte.\n")
    doc = EncodingStep(ctx)(doc)
    assert doc.payload is None and doc.lines == ["Un texte.", ""]
    assert "payload" not in Document(id="t", source="t", file="t", payload=b"raw").to_record()


def test_the_batch_tasks_pause_the_cyclic_collector_and_restore_it_even_on_an_error() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), tasks.cyclic_gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("a failing task")
    assert gc.isenabled()
    gc.disable()
    try:
        with tasks.cyclic_gc_paused():
            pass
        assert not gc.isenabled()  # a collector that was off stays off
    finally:
        gc.enable()
