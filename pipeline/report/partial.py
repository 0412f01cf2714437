"""The report's reading in parts (issue 14): each WriteOutputs shard scans the audit logs and output
parts it wrote, in parallel, as it writes them, and CleanBatch merges the shards' scans instead of
reading every log and record again while nothing else runs.

A shard's scan keeps, log by log, what depends on the order of the logs (the distributions, the
review's examples, the links), and for the whole shard what does not (rules fired, repairs, the top
documents: their keys are unique, so the top of the shards' tops is the top of all; the counts per
outcome and site of its output parts). The merge walks audit/ as `scan_audit` does and takes each
log's entries in that order (the pieces of a file split by byte ranges in shard order), so the
report is the same bytes. It reads the logs and parts instead when a shard's scan is missing, was
made with other context rules, or a file on disk is not the one scanned (size, modification time).
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

from pipeline import jsonl
from pipeline.layout import OutputLayout, audit_path
from pipeline.report import files
from pipeline.report.review import EXAMPLES, Flag, Review
from pipeline.report.scan import AuditScan, Doc, PartsScan, TopK

OUTCOME = dict(files.OUTCOMES)  # output folder -> the outcome its records count as
FORMAT = 2  # of a part: one of another format is not merged


class ShardScan:
    """The scan of one shard's audit logs, fed as WriteOutputs writes them (`AuditWriter`): each
    document's lines as written, so no log is opened and read again. Per log, what depends on the
    order of the logs (the distributions, the review's examples, the links); for the whole shard
    what does not (rules fired, repairs, the top documents: their keys are unique, so the top of
    the shards' tops is the top of all)."""

    def __init__(self, context: set[str], audit: Path, pieces: dict[str, Path]) -> None:
        self.context, self.audit, self.pieces = context, audit, pieces
        self.shard = AuditScan(Review(context))
        self.entries: list[dict[str, Any]] = []
        self.log: AuditScan | None = None
        self.path, self.rel, self.piece = "", "", False

    def open_log(self, file: str, path: Path) -> None:
        """`path`: where the log of input file `file` is written (a piece of a split file's log
        under work/, else its log under audit/, whose path relative to the output folder it is)."""
        shard = self.shard
        self.log = AuditScan(Review(self.context), top=shard.top, flagged=shard.flagged, rejected=shard.rejected)
        self.path, self.piece = str(path), file in self.pieces
        final = str(audit_path(self.audit, file)) if self.piece else self.path
        self.rel = files.audit_rel(self.audit, final)
        self.log.count_log(self.rel)

    def add(self, lines: list[bytes]) -> None:
        """One document's lines (its events, then its summary), as `AuditScan.add_log` reads them."""
        assert self.log is not None
        self.log.add_records(self.rel, jsonl.loads(b"[" + b",".join(lines) + b"]"))

    def close_log(self) -> None:
        """The log is complete on disk: its size and modification time tell the merge it is unchanged."""
        one, self.log = self.log, None
        assert one is not None
        stat = os.stat(self.path)
        self.shard.review.fired |= one.review.fired
        self.shard.review.repairs += one.review.repairs
        mtime = None if self.piece else stat.st_mtime_ns  # a piece: joined later, its time is not the log's
        review = one.review
        self.entries.append({"rel": self.rel, "size": stat.st_size, "mtime": mtime,
                             "removed": one.removed.tolist(), "shares": one.shares.tolist(),
                             "long": _flags(review.long_lines), "large": _flags(review.large_share)})  # fmt: skip

    def to_record(self, outputs: OutputsScan) -> dict[str, Any]:
        """The shard's scan; `outputs`: the counts of the records it wrote, whose part files are now closed."""
        return {
            "format": FORMAT,
            "context": sorted(self.context),
            "logs": self.entries,
            "fired": sorted(self.shard.review.fired),
            "repairs": self.shard.review.repairs,
            **{name: [_entry(key, doc) for key, doc in top.heap] for name, top in _tops(self.shard)},
            "outputs": outputs.to_record(),
        }


class OutputsScan:
    """What `scan_parts` counts of one shard's records, counted as WriteOutputs writes them."""

    def __init__(self, layout: OutputLayout, shard: int) -> None:
        self.layout, self.shard = layout, shard
        self.counts: Counter[str] = Counter()
        self.sites = PartsScan()

    def add(self, route: str, record: dict[str, Any]) -> None:
        outcome = OUTCOME[route]
        self.counts[outcome] += 1
        self.sites.add(record, outcome)

    def to_record(self) -> dict[str, Any]:
        parts = {route: _stamp(self.layout.part(route, self.shard)) for route, _ in files.OUTCOMES}
        sites = {site: dict(counts) for site, counts in self.sites.sites.items()}
        return {"counts": dict(self.counts), "sites": sites, "parts": parts}


def load(parts: list[Path], context: set[str]) -> list[dict[str, Any]] | None:
    """The shards' scans, in shard order; None if one is missing or was made otherwise."""
    records = []
    for part in parts:
        if not part.exists():
            return None
        record = jsonl.loads(part.read_bytes())
        if record.get("format") != FORMAT or set(record["context"]) != context:
            return None
        records.append(record)
    return records


def merged_counts(root: Path, manifest: dict[str, Any], records: list[dict[str, Any]]) -> PartsScan | None:
    """The counts of every output record, from the shards' scans; None if a part file on disk is
    not one a shard scanned."""
    layout, scan = OutputLayout(root), PartsScan()
    if len(records) != len(files.audit_scans(root, manifest)):
        return None
    for shard, record in enumerate(records):
        outputs = record["outputs"]
        for route, stamp in outputs["parts"].items():
            if _stamp(layout.part(route, shard)) != stamp:
                return None
        if any(stamp is not None for stamp in outputs["parts"].values()):
            scan.shards[shard] = Counter(outputs["counts"])
        for site, counts in outputs["sites"].items():
            scan.sites.setdefault(site, Counter()).update(counts)
    return scan


def merged_scan(root: Path, records: list[dict[str, Any]], context: set[str]) -> AuditScan | None:
    """The scan of every audit log under `root`, from the shards' scans (`load`); None when they do
    not cover exactly the logs on disk (the caller then reads the logs)."""
    by_log: dict[str, list[dict[str, Any]]] = {}
    for record in records:  # in shard order
        for entry in record["logs"]:
            by_log.setdefault(entry["rel"], []).append(entry)
    scan = AuditScan(Review(context))
    for log, rel in files.audit_logs(root):
        entries = by_log.pop(rel, None)
        if entries is None or not _unchanged(log, entries):
            return None
        scan.count_log(rel)
        for entry in entries:
            scan.removed.extend(entry["removed"])
            scan.shares.extend(entry["shares"])
            if entry["long"]:
                _merge_flags(scan.review.long_lines, entry["long"])
            if entry["large"]:
                _merge_flags(scan.review.large_share, entry["large"])
    if by_log:
        return None
    for record in records:
        scan.review.fired.update(record["fired"])
        scan.review.repairs += record["repairs"]
    for name, top in _tops(scan):
        # Largest keys first: only the documents kept are built (their events parsed)
        offers = sorted(((tuple(item["key"]), item["doc"]) for r in records for item in r[name]), reverse=True)
        for key, doc in offers:
            top.offer(key, lambda doc=doc: _doc(doc))  # type: ignore[misc]
    return scan


def _unchanged(path: str, entries: list[dict[str, Any]]) -> bool:
    """Is the log on disk the one the entries scanned: same size (a joined log: its pieces' sizes
    added up) and, unless joined, the same modification time?"""
    stat = os.stat(path)
    times = {entry["mtime"] for entry in entries}
    return sum(entry["size"] for entry in entries) == stat.st_size and times in ({None}, {stat.st_mtime_ns})


def _stamp(path: Path) -> list[int] | None:
    """A file's size and modification time; None if it is not there."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


def _tops(scan: AuditScan) -> list[tuple[str, TopK]]:
    return [("top", scan.top), ("flagged", scan.flagged), ("rejected", scan.rejected)]


def _flags(flags: dict[str, Flag]) -> dict[str, Any]:
    return {rule: [flag.count, [list(e) for e in flag.examples]] for rule, flag in flags.items()}


def _merge_flags(into: dict[str, Flag], part: dict[str, Any]) -> None:
    """As if the part's documents had been added after those already in `into`."""
    for rule, (count, examples) in part.items():
        flag = into.setdefault(rule, Flag())
        flag.count += count
        flag.examples.extend(tuple(e) for e in examples)
        del flag.examples[EXAMPLES:]


def _entry(key: tuple[Any, ...], doc: Doc) -> dict[str, Any]:
    """A candidate for the sample; its events as JSON text, parsed only if the merge keeps it."""
    events = jsonl.dumps(doc.events).decode("utf-8")
    return {"key": list(key), "doc": {"id": doc.id, "log": doc.log, "summary": doc.summary,
                                      "events": events, "flags": doc.flags}}  # fmt: skip


def _doc(record: dict[str, Any]) -> Doc:
    return Doc(record["id"], record["log"], record["summary"], jsonl.loads(record["events"]), record["flags"])
