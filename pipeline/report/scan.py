"""Streaming a run's audit logs and output parts into fixed aggregates, and choosing the sample.

Memory stays bounded whatever the number of documents: distributions are arrays of numbers, flags
keep a few examples per rule, and the sample is the top few documents by a deterministic key.
"""

from __future__ import annotations

import heapq
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.report import files
from pipeline.report.review import Review

SAMPLE = 20  # documents shown before/after
SAMPLE_FLAGGED = 4  # of which at most this many chosen for a review flag...
SAMPLE_REJECTED = 2  # ...and this many rejected documents
AUDIT_LINKS = 200  # audit logs linked in the list; the rest are counted


@dataclass
class Doc:
    """One document of the sample: its audit events, summary, and what the outputs hold of it."""

    id: str
    log: str  # audit log, relative to the output folder
    summary: dict[str, Any]
    events: list[dict[str, Any]]
    flags: list[str]
    shard: int | None = None
    lines: list[str] | None = None  # the repaired input, from work/encoding/
    text: str | None = None  # the clean record's text

    @property
    def removals(self) -> int:
        return sum(1 for e in self.events if e.get("action") == "drop")


class TopK:
    """The k entries with the largest keys seen so far; keys are unique tuples, so ties never compare items."""

    def __init__(self, k: int) -> None:
        self.k = k
        self.heap: list[tuple[tuple[Any, ...], Doc]] = []

    def wants(self, key: tuple[Any, ...]) -> bool:
        return self.k > 0 and (len(self.heap) < self.k or key > self.heap[0][0])

    def offer(self, key: tuple[Any, ...], make: Callable[[], Doc]) -> None:
        if not self.wants(key):
            return
        entry = (key, make())
        if len(self.heap) < self.k:
            heapq.heappush(self.heap, entry)
        else:
            heapq.heapreplace(self.heap, entry)

    def best(self) -> list[tuple[tuple[Any, ...], Doc]]:
        return sorted(self.heap, key=lambda entry: entry[0], reverse=True)


@dataclass
class AuditScan:
    """What streaming every audit log gives: distributions, the review's judgements, the sample."""

    review: Review
    logs: int = 0
    links: list[str] = field(default_factory=list)
    removed: array[int] = field(default_factory=lambda: array("q"))
    shares: array[float] = field(default_factory=lambda: array("d"))
    top: TopK = field(default_factory=lambda: TopK(SAMPLE))
    flagged: TopK = field(default_factory=lambda: TopK(SAMPLE_FLAGGED))
    rejected: TopK = field(default_factory=lambda: TopK(SAMPLE_REJECTED))
    # the events read since the last summary (a document's lines may come in several calls)
    pending: list[dict[str, Any]] = field(default_factory=list, repr=False, compare=False)

    def count_log(self, rel: str) -> None:
        self.logs += 1
        if len(self.links) < AUDIT_LINKS:
            self.links.append(rel)

    def add_log(self, path: str, rel: str) -> None:
        self.count_log(rel)
        self.pending = []  # events after a log's last summary belong to no document
        self.add_records(rel, files.read_records(path))

    def add_records(self, rel: str, records: Iterable[dict[str, Any]]) -> None:
        """A log's records, or some of them: each document's events, then its summary."""
        events = self.pending
        for record in records:
            if record.get("action") == "summary":
                self.add_doc(rel, record, events)
                events = []
            else:
                events.append(record)
        self.pending = events

    def add_doc(self, log: str, summary: dict[str, Any], events: list[dict[str, Any]]) -> None:
        doc, chars_in = str(summary.get("doc")), int(summary.get("chars_in") or 0)
        if summary.get("decision") == "clean":
            removed = chars_in - int(summary.get("chars_out") or 0)
            self.removed.append(removed)
            self.shares.append(removed / chars_in if chars_in else 0.0)
        changes, flags = self.review.add(doc, log, chars_in, events)
        key = (changes, doc, log, str(summary.get("source")))  # ids may repeat in a file; sources do not

        def make() -> Doc:
            return Doc(doc, log, summary, events, flags)

        self.top.offer(key, make)
        if flags:
            self.flagged.offer((len(flags), *key), make)
        if summary.get("decision") != "clean":
            self.rejected.offer(key, make)

    def sample(self) -> list[Doc]:
        """Flagged and rejected documents first (a few), then those with the most removals; no repeats."""
        chosen: dict[tuple[str, str], Doc] = {}
        for top in (self.flagged, self.rejected, self.top):
            for _, doc in top.best():
                if len(chosen) < SAMPLE:
                    chosen.setdefault((doc.id, doc.log), doc)
        return sorted(chosen.values(), key=lambda d: (-len(d.events), d.id))


def scan_audit(root: Path, context_rules: set[str]) -> AuditScan:
    scan = AuditScan(Review(context_rules))
    for path, rel in files.audit_logs(root):
        scan.add_log(path, rel)
    return scan


@dataclass
class PartsScan:
    """Per shard and per site counts from clean/, rejected/ and quarantine/."""

    shards: dict[int, Counter[str]] = field(default_factory=dict)
    sites: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, record: dict[str, Any], outcome: str) -> None:
        counts = self.sites.setdefault(record.get("site") or "unknown", Counter())
        counts[outcome] += 1
        if outcome == "clean":
            meta = record.get("metadata") or {}
            counts["chars_in"] += int(meta.get("chars_in") or 0)
            counts["chars_out"] += int(meta.get("chars_out") or 0)


def scan_parts(
    root: Path, manifest: dict[str, Any], sample: dict[str, Doc], counts: PartsScan | None = None
) -> PartsScan:
    """Counts every output record; fills in the sample's shard and clean text. `counts`: the counts
    already made (report/partial.py), so only the sample's records are read."""
    if counts is not None:
        for outcome, shard, path in files.part_files(root, manifest):
            for record in files.find_records(path, sample, as_text=True):
                found = sample[str(record.get("id"))]
                found.shard = shard
                found.text = record.get("text") if outcome == "clean" else None
        return counts
    scan = PartsScan()
    for outcome, shard, path in files.part_files(root, manifest):
        shard_counts = scan.shards.setdefault(shard, Counter())
        for record in files.read_records(path):
            shard_counts[outcome] += 1
            scan.add(record, outcome)
            doc = sample.get(str(record.get("id")))
            if doc is not None:
                doc.shard = shard
                doc.text = record.get("text") if outcome == "clean" else None
    return scan


def read_input_lines(root: Path, manifest: dict[str, Any], sample: list[Doc]) -> None:
    """The sample's repaired input lines from work/encoding/, when those files are still there; a document
    not found there keeps `lines` None (its input is then reconstructed)."""
    by_shard: dict[int, dict[str, Doc]] = {}
    for doc in sample:
        if doc.shard is not None:
            by_shard.setdefault(doc.shard, {})[doc.id] = doc
    for shard, docs in sorted(by_shard.items()):
        path = files.encoding_file(root, manifest, shard)
        if not path.exists():
            continue
        for record in files.find_records(path, docs):
            docs.pop(record["id"]).lines = list(record.get("lines") or [])
            if not docs:
                break
