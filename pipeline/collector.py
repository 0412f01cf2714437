"""Python's cyclic garbage collector, paused where it would only walk objects that are not garbage.

Reference counting frees a document's objects as soon as it is written; the cyclic collector
still runs every 700 new container objects, and its older generations walk every object a task
process inherited from the CLI (rule packs, language profiles) and every object a long page keeps
while it is cleaned. Past the encoding stage the stages make no reference cycles (measured: none left unreachable by
the chrome, language and normalise steps or by WriteOutputs' reading, on the benchmark's small
and real pages), so those walks find nothing: they were 16 % of the stages' CPU time on real
pages and 7 % on small ones (bench/stage_profile.py, collector off). The shard tasks after
RepairEncoding pause the collector for their loop and collect only the youngest generation every
`YOUNG_EVERY` documents, so garbage cycles a library might leave are still freed and memory
stays bounded. RepairEncoding keeps it on: HTML extraction (lxml, trafilatura) leaves cycles
(paused, its task on the check corpus's 40 HTML pages grew from 147 to 214 MiB).

In a process of its own for one task (Luigi forks one per task when a worker timeout is set, as
configs/luigi.cfg does), the collector is not resumed after the task's loop: the process ends with
the task, and resuming it only made the collector walk every object the task left once more (the
chrome stage's memos: 0.15 s of CPU a shard of real pages, 0.6 s of a 925-page run).
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
from collections.abc import Callable, Iterator

YOUNG_EVERY = 256  # documents between two collections of the youngest generation in a shard's loop


def task_process() -> bool:
    """True in a process started for one task (a Luigi task process), which ends with the task."""
    return multiprocessing.parent_process() is not None


@contextlib.contextmanager
def cyclic_gc_paused(resume: bool | None = None) -> Iterator[None]:
    """For the batch tasks, which run alone: they build large structures without reference cycles
    (parsed line counts, the duplicate index), which the cyclic collector would only walk again
    and again as they grow (a third of the time spent parsing the counts of real pages).
    Reference counting still frees everything; the collector resumes after, unless `resume` is
    False (default: unless this is a task process, which is about to end: see the module's docstring)."""
    resume = not task_process() if resume is None else resume
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled and resume:
            gc.enable()


@contextlib.contextmanager
def paused_per_document(every: int = YOUNG_EVERY, resume: bool | None = None) -> Iterator[Callable[[], None]]:
    """The collector paused (`cyclic_gc_paused`); call what this yields once a document: every
    `every` calls it collects the youngest generation (objects made since the last one)."""
    calls = 0

    def document_done() -> None:
        nonlocal calls
        calls += 1
        if calls % every == 0:
            gc.collect(0)

    with cyclic_gc_paused(resume):
        yield document_done
