"""Tracking URLs for the Luigi UI: every task links to the report, shard tasks to their shard's row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.report.files import report_path


def report_url(output_dir: str | Path, shard: int | None = None) -> str:
    """`file://…/report.html`, or its shard's section; the report may not exist yet."""
    url = report_path(Path(output_dir).resolve()).as_uri()
    return f"{url}#{shard_anchor(shard)}" if shard is not None else url


def shard_anchor(shard: int) -> str:
    return f"shard-{shard:05d}"


def track(task: Any) -> None:
    """Set the task's tracking URL to the report (its shard's section), once; no-op outside a worker."""
    if getattr(task, "_report_tracked", False) or not callable(getattr(task, "set_tracking_url", None)):
        return
    task.set_tracking_url(report_url(task.output_dir, getattr(task, "shard", None)))
    task._report_tracked = True
