"""The shard tasks' loops run with the cyclic collector paused, collecting young garbage now and then."""

from __future__ import annotations

import gc
from typing import Any

import pytest

from pipeline import collector, tasks


def test_the_youngest_generation_is_collected_every_n_documents(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    collected: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda generation=2: collected.append(generation) or 0)
    assert gc.isenabled()
    with collector.paused_per_document(every=3) as document_done:
        assert not gc.isenabled()
        for _ in range(7):
            document_done()
    assert collected == [0, 0] and gc.isenabled()


def test_a_cycle_made_while_paused_is_freed_by_the_young_collection() -> None:
    class Node:
        other: Any = None

    freed: list[str] = []
    with collector.paused_per_document(every=2) as document_done:
        a, b = Node(), Node()
        a.other, b.other = b, a  # a cycle: reference counting alone never frees it
        gc.callbacks.append(lambda phase, info: freed.append(phase) if info["collected"] else None)
        try:
            del a, b
            document_done()
            assert freed == []  # not yet: one document of two
            document_done()
        finally:
            gc.callbacks.pop()
    assert "stop" in freed


def test_the_collector_is_back_on_after_a_failing_shard() -> None:
    with pytest.raises(RuntimeError), collector.paused_per_document() as document_done:
        document_done()
        raise RuntimeError("a failing stage")
    assert gc.isenabled()
    assert tasks.cyclic_gc_paused is collector.cyclic_gc_paused  # the batch tasks' pause is the same one


def _child_reports(queue: Any) -> None:
    with collector.cyclic_gc_paused(resume=True):
        pass
    resumed = gc.isenabled()
    with collector.paused_per_document():
        pass
    queue.put((collector.task_process(), resumed, gc.isenabled()))


def test_a_task_process_does_not_resume_the_collector_it_ends_with() -> None:
    """In a process started for one task (as Luigi's task processes are), the collector stays off
    after the task's loop: resuming it would only walk what the task leaves, then the process ends."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_child_reports, args=(queue,))
    child.start()
    in_task_process, resumed, enabled_after = queue.get(timeout=60)
    child.join(timeout=60)
    assert in_task_process and resumed  # `resume=True` is obeyed there
    assert not enabled_after  # by default, still off after the per-document pause
    assert not collector.task_process() and gc.isenabled()
