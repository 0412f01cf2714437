"""report.html: what a batch did, for people — totals, plots, rules to review, before/after samples.

Built from `manifest.json`, the audit logs and the output parts, read as streams: memory and the
report's size stay bounded whatever the number of documents (counts come from the manifest, the
plots from fixed aggregates, and only a bounded sample of documents is shown in full). The file is
self-contained: CSS inline, plots as inline SVG, links relative to the output folder, nothing
fetched from the network. `python -m pipeline report DIR` rebuilds it; CleanBatch builds it at
the end of every run, and every task's tracking URL in the Luigi UI points at it.

The package, in the order a report is made:
    files     the report's inputs (paths from pipeline/layout.py), read as parsed JSON records
    review    the review heuristics and the run's rule packs; the "Rules to review" section
    scan      the audit logs and output parts streamed into aggregates; the sample chosen
    partial   the same scans in parts: each WriteOutputs shard scans what it wrote, the report merges them
    samples   the before/after section (diff: a repaired line's changed characters)
    sections  totals, plots (drawn by plots), time per stage, shards, audit logs; dedup: duplicates
    html      escaping, tables and the page (report.css); tracking: the Luigi UI's links
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import jsonl
from pipeline.errors import InputError
from pipeline.report import files, partial, sections
from pipeline.report.dedup import duplicates_section
from pipeline.report.diff import marked_diff
from pipeline.report.html import esc, page
from pipeline.report.review import Rules, context_rules, load_rules, review_section
from pipeline.report.samples import samples_section
from pipeline.report.scan import SAMPLE, AuditScan, Doc, PartsScan, read_input_lines, scan_audit, scan_parts
from pipeline.report.sections import ranked, rule_color
from pipeline.report.tracking import report_url, shard_anchor, track

if TYPE_CHECKING:
    from pipeline.core import Context

__all__ = ["SAMPLE", "Run", "build_report", "marked_diff", "ranked", "read_run", "render", "report_url",
           "rule_color", "shard_anchor", "track"]  # fmt: skip


@dataclass
class Run:
    """Everything a report shows, read from an output folder."""

    root: Path
    manifest: dict[str, Any]
    rules: Rules
    audit: AuditScan
    parts: PartsScan
    sample: list[Doc]


def build_report(output_dir: str | Path, context: Context | None = None, chrome_fingerprint: str | None = None) -> Path:
    """Write `<output_dir>/report.html` from manifest.json, the audit logs and the output parts.
    `context`: the run's settings and rule packs when the caller has them loaded (CleanBatch), with
    their chrome fingerprint when the caller has it too."""
    root = Path(output_dir)
    manifest_path = files.manifest_path(root)
    if not manifest_path.exists():
        raise InputError(f"{manifest_path} not found: is {root} the output folder of a finished run?")
    run = read_run(root, jsonl.loads(manifest_path.read_bytes()), context, chrome_fingerprint)
    path = files.report_path(root)
    with jsonl.atomic_open(path) as f:
        f.write(render(run).encode("utf-8"))
    return path


def read_run(root: Path, manifest: dict[str, Any], context: Context | None = None,
             chrome_fingerprint: str | None = None) -> Run:  # fmt: skip
    rules = load_rules(manifest, context, chrome_fingerprint)
    decisions = context_rules(rules, manifest)
    # The shards' scans merged (partial.py), else every audit log and output record read again here
    shards = partial.load(files.audit_scans(root, manifest), decisions)
    audit = (shards is not None and partial.merged_scan(root, shards, decisions)) or scan_audit(root, decisions)
    sample = audit.sample()
    counts = partial.merged_counts(root, manifest, shards) if shards is not None else None
    parts = scan_parts(root, manifest, {d.id: d for d in sample}, counts)
    read_input_lines(root, manifest, sample)
    return Run(root, manifest, rules, audit, parts, sample)


def render(run: Run) -> str:
    m = run.manifest
    title = f"webclean run report — plan {m.get('plan', {}).get('id', '?')}"
    return page(
        title,
        [
            f"<h1>{esc(title)}</h1>",
            sections.nav(),
            sections.totals(m, run.audit),
            duplicates_section(m),  # issue 13
            sections.plots_section(m, run.audit, run.parts),
            review_section(run.audit.review, run.rules, m),
            samples_section(run.sample),
            sections.timing(m),
            sections.shards(run.root, m, run.parts),
            sections.audit_links(run.audit),
        ],
    )
