"""A guard for every task's run(): Luigi may hand out a task that another worker has just finished.

With two processes scheduling one batch against luigid, B checks a task (not done yet), A finishes
it, then B's stale "pending" claim reaches luigid, which sets the task back to PENDING (we set
`stable_done_cooldown_secs = 0` in configs/luigi.cfg, so that a rerun right after deleting outputs
works) and hands it out again. Luigi never checks a task's own output before running it: without
the guard the task's work would be done and written a second time (FindDuplicates' included, which
updates the cross-batch duplicate index).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

import luigi

# Luigi's worker log, where it says "running <task>": the guard says there why it did nothing.
worker_log = logging.getLogger("luigi-interface")


def unless_done(run: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Decorate a task's run(): it does nothing if the task's output is already complete."""

    @functools.wraps(run)
    def guarded(task: luigi.Task) -> Any:
        if task.complete():
            worker_log.info("%s already complete (another worker finished it): nothing to do", task)
            return None
        return run(task)

    return guarded
