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
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator

YOUNG_EVERY = 256  # documents between two collections of the youngest generation in a shard's loop


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """For the batch tasks, which run alone: they build large structures without reference cycles
    (parsed line counts, the duplicate index), which the cyclic collector would only walk again
    and again as they grow (a third of the time spent parsing the counts of real pages).
    Reference counting still frees everything; the collector resumes after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def paused_per_document(every: int = YOUNG_EVERY) -> Iterator[Callable[[], None]]:
    """The collector paused (`cyclic_gc_paused`); call what this yields once a document: every
    `every` calls it collects the youngest generation (objects made since the last one)."""
    calls = 0

    def document_done() -> None:
        nonlocal calls
        calls += 1
        if calls % every == 0:
            gc.collect(0)

    with cyclic_gc_paused():
        yield document_done
