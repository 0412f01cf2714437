"""Duplicate handling between the tasks (issue 13; the pure part is `stages/dedup.py`).

- Signatures are made in the per-shard tasks and written beside their outputs (`*.sig`,
  one line per active document: its position in the shard file, id, source, signature):
  RepairEncoding signs the repaired text (for learning), NormaliseParagraphs the delivered text.
- LearnBoilerplate runs a `Deduplicator` over the repaired texts and takes the copies back out of
  the line counts (`take_back_copies`), so a cluster of copies counts as one document.
- `FindDuplicates`, one task per batch, runs a `Deduplicator` over the delivered texts (after the
  articles of earlier batches, when a cross-batch index is given) and writes, per shard, the
  decisions (`*.decisions.jsonl`) that WriteOutputs applies (`apply_decision`).
"""

from __future__ import annotations

import contextlib
import functools
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import luigi
import numpy as np

from pipeline import jsonl
from pipeline.document import OK, Document
from pipeline.settings import DedupSettings
from pipeline.stages.boilerplate import BoilerplateCounter
from pipeline.stages.dedup import REASON, RULE, STAGE, Deduplicator, Match, Origin, Signature, sign, sign_lines
from pipeline.stages.paragraphs import final_text
from pipeline.tasks import BatchTask, NormaliseParagraphs, RepairEncoding, report

SAMPLE = 20  # decisions shown in the summary (report.html)
CLUSTERS = 10  # largest clusters shown


def sidecar_path(output_path: str, kind: str) -> str:
    return output_path[: -len(".jsonl")] + f".{kind}"  # not *.jsonl: globs of stage outputs skip it


class SignatureSidecar:
    """Signatures of a shard's documents, written atomically beside the shard's output."""

    def __init__(self, path: str, settings: DedupSettings, with_shingles: bool = False, lines: bool = False) -> None:
        """`with_shingles`: also the shingle hashes (exact checks); `lines`: learning's signature."""
        self.settings, self.i, self.with_shingles, self.lines = settings, -1, with_shingles, lines
        self.ctx = jsonl.atomic_open(path)
        self.f: IO[bytes] | None = None

    def __enter__(self) -> SignatureSidecar:
        self.f = self.ctx.__enter__()
        return self

    def add(self, doc: Document, text: str | None = None, group: str | None = None, skip: bool = False) -> None:
        """Called for every document in shard order; only active ones are signed."""
        self.i += 1
        if skip or not doc.active or not self.settings.enabled or self.f is None:
            return
        if self.lines:
            sig = sign_lines(doc.lines, self.settings)
        else:
            sig = sign(doc.text if text is None else text, self.settings, self.with_shingles)
        if sig is not None:
            site = doc.site or urlsplit(doc.url or "").hostname  # a page of no known site: its host
            record = {"i": self.i, "id": doc.id, "source": doc.source, "site": site, **sig.to_record()}
            self.f.write(jsonl.dumps({**record, "group": group} if group else record))

    def __exit__(self, *exc: Any) -> None:
        self.ctx.__exit__(*exc)


def sign_delivered(doc: Document, sidecar: SignatureSidecar) -> None:
    sidecar.add(doc, final_text(doc) if doc.status == OK else None)


# ---- learning: a cluster of copies counts once -------------------------------------------------


def learning_copies(task: BatchTask, taken: list[set[str]]) -> dict[int, dict[int, str]]:
    """Per shard: the position and counted group of each copy of an earlier document whose lines
    were added to the counts (`taken`: per shard, the groups LearnBoilerplate merged)."""
    settings = task.settings.dedup
    dedup = Deduplicator(settings)
    copies: dict[int, dict[int, str]] = {}
    for shard in range(len(taken)):
        path = sidecar_path(task.clone(RepairEncoding, shard=shard).output().path, "sig")
        for rec in jsonl.read_jsonl(path):
            match = dedup.check(Signature.from_record(rec), Origin(rec["id"], rec["source"], site=rec["site"]))
            if match is not None and rec.get("group") in taken[shard]:
                copies.setdefault(shard, {})[rec["i"]] = rec["group"]
        report(task, round(100 * (shard + 1) / max(1, len(taken))), f"learning: copies, shard {shard + 1}")
    return copies


def take_back_copies(task: BatchTask, counter: BoilerplateCounter, copies: dict[int, dict[int, str]]) -> int:
    """Remove the copies' lines from the counts; returns how many documents were taken back."""
    n = 0
    for shard, positions in sorted(copies.items()):
        path = task.clone(RepairEncoding, shard=shard).output().path
        with open(path, "rb") as f:
            for i, line in enumerate(f):
                if i in positions:  # only the copies are parsed
                    counter.remove(Document.from_record(jsonl.loads(line)), positions[i])
                    n += 1
    return n


# ---- delivery: one merge task decides, WriteOutputs routes -------------------------------------


class FindDuplicates(BatchTask):
    """Decide, over the whole batch in input order, which delivered texts are copies."""

    stage = STAGE

    def requires(self) -> list[luigi.Task]:
        return [self.clone(NormaliseParagraphs, shard=i) for i in range(self.plan_info.shards)]

    def output(self) -> luigi.LocalTarget:
        fp = self.settings.fingerprint("normalise")
        return luigi.LocalTarget(str(self.work / "dedup" / f"{self.plan}-{fp}.json"))

    def decisions_path(self, shard: int) -> Path:
        fp = self.settings.fingerprint("normalise")
        return self.work / "dedup" / f"{self.plan}-{shard:05d}-{fp}.decisions.jsonl"

    def run(self) -> None:
        from pipeline.dedup_index import DedupIndex

        settings = self.settings.dedup
        dedup = Deduplicator(settings)
        summary = Summary()
        index = DedupIndex(Path(self.dedup_index), settings) if self.dedup_index else None
        batch = self.batch_name or str(Path(self.output_dir).resolve())
        earlier = index.load_into(dedup, batch, self.batch_day) if index else 0
        shards = self.requires()
        store = dedup.store = SidecarStore([sidecar_path(shard.output().path, "sig") for shard in shards])
        with store, index.segment(batch, self.batch_day) if index else contextlib.nullcontext() as segment:
            for n in range(len(shards)):
                decisions = []
                for where, rec in store.records(n):
                    sig, me = Signature.from_record(rec), Origin(rec["id"], rec["source"], site=rec["site"])
                    match = dedup.check(sig, me, where)
                    if match is not None:
                        decisions.append(decision_record(rec["i"], rec["id"], match))
                        summary.add(me, match)
                    elif segment is not None:
                        sig = Signature(sig.exact, sig.minhash)  # the index keeps no shingles (size)
                        segment.write(jsonl.dumps({"id": rec["id"], "source": rec["source"], "site": rec["site"],
                                                   **sig.to_record()}))  # fmt: skip
                jsonl.write_jsonl(self.decisions_path(n), decisions)
                report(self, round(100 * (n + 1) / max(1, len(shards))),
                       f"duplicates: shard {n + 1}/{len(shards)}, {summary.total} copies found")  # fmt: skip
        record = summary.to_record(earlier, settings)
        jsonl.write_json(self.output().path, record)
        report(self, 100, f"duplicates: {summary.total} copies of {len(dedup)} kept documents")

    def decisions(self, shard: int) -> dict[int, dict[str, Any]]:
        path = self.decisions_path(shard)
        return {rec["i"]: rec for rec in jsonl.read_jsonl(path)} if path.exists() else {}


class SidecarStore:
    """The shard sidecars of a batch, read in order; a kept document's shingles are fetched back
    by (shard, byte offset) when a candidate needs an exact check, so memory holds none of them."""

    SHIFT = 40  # where = shard << SHIFT | offset

    def __init__(self, paths: list[str]) -> None:
        self.paths = paths
        self.files: dict[int, IO[bytes]] = {}

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
        if shard not in self.files:
            self.files[shard] = open(self.paths[shard], "rb")  # noqa: SIM115 (closed in __exit__)
        f = self.files[shard]
        f.seek(offset)
        sig = Signature.from_record(jsonl.loads(f.readline()))
        return sig.shingle_set() if sig.shingles else None

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


def _note(why: str) -> Any:
    from pipeline.document import AuditEvent

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


def read_summary(task: luigi.Task) -> dict[str, Any] | None:
    path = Path(task.clone(FindDuplicates).output().path)
    return jsonl.loads(path.read_bytes()) if path.exists() else None


def iter_sidecar(path: str) -> Iterator[dict[str, Any]]:
    yield from jsonl.read_jsonl(path)
