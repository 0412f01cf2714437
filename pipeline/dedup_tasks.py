"""Duplicate handling over a batch's work files, called by the tasks (issue 13; the per-document
part is `stages/dedup.py`). No Luigi here: paths come from pipeline/layout.py, progress through a
callback.

- Signatures are made in the per-shard tasks and written beside their outputs (`*.sig`,
  one line per active document: its position in the shard file, id, source, signature):
  RepairEncoding signs the repaired text (for learning), NormaliseParagraphs the delivered text.
- LearnBoilerplate runs a `Deduplicator` over the repaired texts and takes the copies back out of
  the line counts (`take_back_copies`), so a cluster of copies counts as one document.
- `find_duplicates` (the FindDuplicates task, one per batch) runs a `Deduplicator` over the
  delivered texts (after the articles of earlier batches, when a cross-batch index is given) and
  writes, per shard, the decisions (`*.decisions.jsonl`) that WriteOutputs applies (`apply_decision`).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, TypeVar
from urllib.parse import urlsplit

import numpy as np
import numpy.random  # numpy imports it on first use: here, once, not in each batch task (LSH, stages/lsh.py)

from pipeline import jsonl
from pipeline.dedup_index import DedupIndex
from pipeline.document import AuditEvent, Document
from pipeline.settings import DedupSettings
from pipeline.stages.boilerplate import BoilerplateCounter
from pipeline.stages.dedup import REASON, RULE, STAGE, Deduplicator, Match, Origin, Signature, sign, sign_lines

SAMPLE = 20  # decisions shown in the summary (report.html)
CLUSTERS = 10  # largest clusters shown


Progress = Callable[[int, int, str], None]  # (shard number from 1, shards, message)
T = TypeVar("T")


class SignatureSidecar:
    """Signatures of a shard's documents, written atomically beside the shard's output."""

    def __init__(self, path: Path, settings: DedupSettings, with_shingles: bool = False, lines: bool = False) -> None:
        """`with_shingles`: also the shingle hashes (exact checks); `lines`: learning's signature."""
        self.settings, self.i, self.with_shingles, self.lines = settings, -1, with_shingles, lines
        self.ctx = jsonl.atomic_open(path)
        self.f: IO[bytes] | None = None

    def __enter__(self) -> SignatureSidecar:
        self.f = self.ctx.__enter__()
        return self

    def add(self, doc: Document, text: str | None = None, group: str | None = None, skip: bool = False,
            keys: list[str] | None = None) -> None:  # fmt: skip
        """Called for every document in shard order; only active ones are signed (`keys`: the
        line keys learning counted, for learning's signature)."""
        self.i += 1
        if skip or not doc.active or not self.settings.enabled or self.f is None:
            return
        if self.lines:
            sig = sign_lines(doc.lines, self.settings, keys)
        else:
            sig = sign(doc.text if text is None else text, self.settings, self.with_shingles)
        if sig is not None:
            site = doc.site or urlsplit(doc.url or "").hostname  # a page of no known site: its host
            record = {"i": self.i, "id": doc.id, "source": doc.source, "site": site, **sig.to_record()}
            self.f.write(jsonl.dumps({**record, "group": group} if group else record))

    def __exit__(self, *exc: Any) -> None:
        self.ctx.__exit__(*exc)


# ---- learning: a cluster of copies counts once -------------------------------------------------


def learning_copies(signatures: list[Path], settings: DedupSettings, taken: list[set[str]],
                    progress: Progress) -> dict[int, dict[int, str]]:  # fmt: skip
    """Per shard: the position and counted group of each copy of an earlier document whose lines
    were added to the counts (`signatures`: the encoding shards' sidecars; `taken`: per shard, the
    groups LearnBoilerplate merged)."""
    dedup = Deduplicator(settings)
    copies: dict[int, dict[int, str]] = {}
    origins: dict[str | None, Origin] = {}
    for shard, path in enumerate(signatures):
        for recs in chunks(jsonl.read_jsonl(path)):
            # Learning asks only whether a document is a copy: a kept one needs no id or source
            # (at a million documents they were a third of its memory), one origin per site.
            docs = [(Signature.from_record(rec), origins.setdefault(rec["site"], Origin("", "", site=rec["site"])), -1)
                    for rec in recs]  # fmt: skip
            for rec, match in zip(recs, dedup.check_many(docs), strict=True):
                if match is not None and rec.get("group") in taken[shard]:
                    copies.setdefault(shard, {})[rec["i"]] = rec["group"]
        progress(shard + 1, len(signatures), f"learning: copies, shard {shard + 1}")
    return copies


def take_back_copies(documents: list[Path], counter: BoilerplateCounter, copies: dict[int, dict[int, str]]) -> int:
    """Remove the copies' lines from the counts (`documents`: the encoding shards' outputs);
    returns how many documents were taken back."""
    n = 0
    for shard, positions in sorted(copies.items()):
        last = max(positions)
        with open(documents[shard], "rb") as f:
            for i, line in enumerate(f):
                if i in positions:  # only the copies are parsed
                    counter.remove(Document.from_line(line), positions[i])
                    n += 1
                if i == last:  # the rest of the shard holds no copy: not read
                    break
    return n


# ---- delivery: one merge task decides, WriteOutputs routes -------------------------------------


def find_duplicates(signatures: list[Path], decisions: list[Path], settings: DedupSettings,
                    index: DedupIndex | None, batch: str, day: str, progress: Progress) -> dict[str, Any]:  # fmt: skip
    """Check the delivered texts (`signatures`, one sidecar per shard) in input order; write each
    shard's decisions to `decisions[shard]`; return the summary (manifest.json, report.html)."""
    store = SidecarStore(signatures)
    dedup = Deduplicator(settings, store, unknown_differ=True)  # an article lost is worse than one twice
    summary = Summary()
    earlier = index.load_into(dedup, batch, day, store) if index else 0
    with store, index.segment(batch, day) if index else contextlib.nullcontext() as segment:
        for n in range(len(signatures)):
            found = []
            for block in chunks(store.records(n)):
                docs = []
                for where, rec in block:
                    site = sys.intern(rec["site"]) if rec["site"] else None  # one string per site, not per document
                    docs.append((Signature.from_record(rec), Origin(rec["id"], rec["source"], site=site), where))
                for (_, rec), (sig, me, _), match in zip(block, docs, dedup.check_many(docs), strict=True):
                    if match is not None:
                        found.append(decision_record(rec["i"], rec["id"], match))
                        summary.add(me, match)
                    elif segment is not None:  # with its shingles: later batches check near matches exactly
                        segment.write(jsonl.dumps({"id": rec["id"], "source": rec["source"], "site": rec["site"],
                                                   **sig.to_record()}))  # fmt: skip
            jsonl.write_jsonl(decisions[n], found)
            found_so_far = f"{summary.total} copies found"
            progress(n + 1, len(signatures), f"duplicates: shard {n + 1}/{len(signatures)}, {found_so_far}")
    progress(1, 1, f"duplicates: {summary.total} copies of {len(dedup)} kept documents")
    return summary.to_record(earlier, settings)


CHUNK = 512  # documents searched together (Deduplicator.check_many); their records stay in memory meanwhile


def chunks(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """`items` in lists of `size` (the last one shorter)."""
    it = iter(items)
    while block := list(itertools.islice(it, size)):
        yield block


def read_decisions(path: Path) -> dict[int, dict[str, Any]]:
    """A shard's decisions by position in the shard (none when the file is missing)."""
    return {rec["i"]: rec for rec in jsonl.read_jsonl(path)} if path.exists() else {}


class SidecarStore:
    """The shard sidecars of a batch, read in order; a kept document's shingles are fetched back
    by (file, byte offset) when a candidate needs an exact check, so memory holds none of them.
    The index segments of earlier batches are files of the store too (`add_file`)."""

    SHIFT = 40  # where = file number << SHIFT | offset

    def __init__(self, paths: list[Path]) -> None:
        self.paths = list(paths)
        self.files: dict[int, IO[bytes]] = {}

    def add_file(self, path: Path) -> int:
        """Another file holding signatures (an index segment); returns its number."""
        self.paths.append(path)
        return len(self.paths) - 1

    def where(self, file: int, offset: int) -> int:
        return file << self.SHIFT | offset

    def __enter__(self) -> SidecarStore:
        return self

    def records(self, shard: int) -> Iterator[tuple[int, dict[str, Any]]]:
        offset = 0
        with open(self.paths[shard], "rb") as f:
            for line in f:
                yield shard << self.SHIFT | offset, jsonl.loads(line)
                offset += len(line)

    def get(self, where: int) -> np.ndarray | None:
        return self._get(where)

    @functools.lru_cache(maxsize=4096)  # noqa: B019 (one store per task; a kept article is often asked again)
    def _get(self, where: int) -> np.ndarray | None:
        shard, offset = where >> self.SHIFT, where & ((1 << self.SHIFT) - 1)
        try:
            if shard not in self.files:
                self.files[shard] = open(self.paths[shard], "rb")  # noqa: SIM115 (closed in __exit__)
            f = self.files[shard]
            f.seek(offset)
            sig = Signature.from_record(jsonl.loads(f.readline()))
        except OSError:  # an index segment pruned meanwhile by a later batch: the estimate decides
            return None
        return sig.shingle_set() if sig.has_shingles else None

    def __exit__(self, *exc: Any) -> None:
        for f in self.files.values():
            f.close()


def decision_record(i: int, doc_id: str, match: Match) -> dict[str, Any]:
    of: dict[str, Any] = {"id": match.of.id, "source": match.of.source}
    if match.of.batch is not None:
        of["batch"] = match.of.batch
    return {"i": i, "id": doc_id, "duplicate_of": {**of, "similarity": match.similarity, "exact": match.exact}}


def apply_decision(doc: Document, decision: dict[str, Any] | None, settings: DedupSettings) -> dict[str, Any]:
    """Reject a copy (or, with `keep_copies`, only mark it); returns the fields to add to its record."""
    if decision is None or not doc.active:
        return {}
    of = decision["duplicate_of"]
    where = f" (delivered by batch {of['batch']})" if "batch" in of else ""
    kind = "exact copy" if of["exact"] else f"near copy, similarity {of['similarity']:.3f}"
    why = f"{kind} of document {of['id']} from {of['source']}{where}"
    if settings.keep_copies:
        doc.events.append(_note(why))
    else:
        doc.reject(why, STAGE, RULE)
        doc.reason = REASON
    return {"duplicate_of": of}


def _note(why: str) -> AuditEvent:
    return AuditEvent(stage=STAGE, action="note", rule=RULE, reason=why)


class Summary:
    """What FindDuplicates found, for manifest.json and report.html."""

    def __init__(self) -> None:
        self.total = self.exact = self.earlier = 0
        self.clusters: Counter[tuple[str, str, str]] = Counter()
        self.sample: list[dict[str, Any]] = []

    def add(self, me: Origin, match: Match) -> None:
        self.total += 1
        self.exact += match.exact
        self.earlier += match.of.batch is not None
        self.clusters[(match.of.id, match.of.source, match.of.batch or "")] += 1
        if len(self.sample) < SAMPLE:
            self.sample.append({"id": me.id, "source": me.source, "of": match.of.id, "of_source": match.of.source,
                                "of_batch": match.of.batch, "similarity": match.similarity})  # fmt: skip

    def to_record(self, earlier_docs: int, settings: DedupSettings) -> dict[str, Any]:
        top = sorted(self.clusters.items(), key=lambda kv: (-kv[1], kv[0]))[:CLUSTERS]
        return {
            "copies": self.total, "exact": self.exact, "near": self.total - self.exact,
            "of_earlier_batches": self.earlier, "earlier_documents_indexed": earlier_docs,
            "kept_copies": settings.keep_copies,
            "largest_clusters": [{"id": i, "source": s, "batch": b or None, "copies": n} for (i, s, b), n in top],
            "sample": self.sample,
        }  # fmt: skip


def read_summary(path: Path) -> dict[str, Any] | None:
    """FindDuplicates' summary, when the batch ran it."""
    return jsonl.loads(path.read_bytes()) if path.exists() else None
