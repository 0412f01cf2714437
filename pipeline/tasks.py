"""Luigi tasks: they only move shards of documents between the stage functions of `core`.

    RepairEncoding(shard) ─┬─> RemoveChrome(shard) -> CheckLanguage(shard) -> NormaliseParagraphs(shard)
    LearnBoilerplate ──────┘        -> WriteOutputs(shard) -> CleanBatch (manifest.json)

RepairEncoding also detects each document's site and counts its lines for learning; the one
LearnBoilerplate task only adds the shards' counts up, so nothing heavy runs alone.

Intermediate results are JSON lines under `<output>/work/<stage>/`, one file per shard, named by
plan id, shard and the stage's settings fingerprint: a changed setting or rule pack reruns the
stages it affects and nothing else; an unchanged one skips finished work. Every file is written
atomically (pipeline.jsonl.atomic_open).
"""

from __future__ import annotations

import dataclasses
import functools
import os
import shutil
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import luigi

from pipeline import __version__, jsonl
from pipeline.core import Context, chrome_stage, language_stage, normalise_stage, repair_stage
from pipeline.document import OK, QUARANTINED, REJECTED, Document
from pipeline.inputs import read_input
from pipeline.outputs import (
    ShardStats,
    audit_path,
    clean_record,
    quarantine_record,
    rejected_record,
    summary_record,
)
from pipeline.plan import Plan, load_plan
from pipeline.progress import write_progress
from pipeline.ranges import audit_part, merge_audit_parts
from pipeline.report import build_report, track
from pipeline.settings import DedupSettings, Settings, load_settings
from pipeline.stages.boilerplate import BoilerplateCounter, render_pack
from pipeline.stages.paragraphs import final_text

PROGRESS_EVERY_SECONDS = 1.0


@functools.lru_cache(maxsize=8)
def settings_for(config: str, languages: str) -> Settings:
    return load_settings(config or None).with_languages(languages or None)


@functools.lru_cache(maxsize=8)
def context_for(config: str, languages: str, learned: str) -> Context:
    """The settings and rule packs of a run; the CLI loads the base one before Luigi forks any task."""
    if learned:
        base = context_for(config, languages, "")
        return Context(base.settings, base.rules.with_learned(Path(learned)))
    ctx = Context.load(settings_for(config, languages))
    ctx.rules.prepare()
    return ctx


class BatchTask(luigi.Task):
    """Parameters every task of a batch shares; `fingerprint` makes config versions distinct tasks."""

    output_dir = luigi.Parameter(description="the batch's output folder")
    plan = luigi.Parameter(description="plan id (hash of the input files and shard limits)")
    config = luigi.Parameter(default="", description="settings file laid over configs/settings.toml")
    languages = luigi.Parameter(default="", description="accepted languages override, e.g. fr,en or any")
    fingerprint = luigi.Parameter(default="", description="settings fingerprint, for the scheduler")
    # Duplicates across batches (issue 13, pipeline/dedup_index.py): the index folder, this batch's
    # name in it (default: the output folder) and its day (YYYY-MM-DD).
    dedup_index = luigi.Parameter(default="", description="cross-batch duplicate index folder")
    batch_name = luigi.Parameter(default="", description="this batch's name in the duplicate index")
    batch_day = luigi.Parameter(default="", description="this batch's day, for the index horizon")

    @property
    def settings(self) -> Settings:
        return settings_for(self.config, self.languages)

    @property
    def work(self) -> Path:
        return Path(self.output_dir) / "work"

    @property
    def plan_info(self) -> Plan:
        return load_plan(self.work / "plans" / self.plan)

    def stage_target(self, stage: str, name: str) -> luigi.LocalTarget:
        fp = self.settings.fingerprint(stage)
        return luigi.LocalTarget(str(self.work / stage / f"{self.plan}-{name}-{fp}.jsonl"))


class ShardTask(BatchTask):
    """One stage over one shard: read documents, apply the stage function, write them on."""

    shard = luigi.IntParameter(description="shard number within the plan")
    stage = ""

    def output(self) -> luigi.LocalTarget:
        return self.stage_target(self.stage, f"{self.shard:05d}")

    def process(self, doc: Document) -> Document:
        raise NotImplementedError

    expand_events = False  # parse the events of earlier stages (only to write audit logs)

    def documents(self) -> Iterator[Document]:
        for record in jsonl.read_jsonl(self.input_path()):
            yield Document.from_record(record, expand=self.expand_events)

    def input_path(self) -> str:
        return str(self.input().path)

    def total(self) -> int:
        with open(self.input_path(), "rb") as f:
            return sum(1 for _ in f)

    def run(self) -> None:
        progress = Progress(self, self.total())
        with jsonl.atomic_open(self.output().path) as out:
            for doc in self.documents():
                doc = self.process(doc)
                out.write(jsonl.dumps(doc.to_record()))
                progress.step(doc)
        progress.finish()


def report(task: luigi.Task, percent: int | None, message: str) -> None:
    """Progress for the scheduler; a no-op when the task runs outside a Luigi worker."""
    track(task)  # tracking URL: the run report, or this shard's section of it
    if callable(task.set_progress_percentage) and percent is not None:
        task.set_progress_percentage(percent)
    if callable(task.set_status_message):
        task.set_status_message(message)


class Progress:
    """Live counts for the Luigi UI: percentage and a status message, throttled."""

    def __init__(self, task: ShardTask, total: int) -> None:
        self.task, self.total, self.done = task, max(total, 1), 0
        self.dropped = self.rejected = self.quarantined = 0
        self.last = 0.0
        self.started = time.monotonic()

    def step(self, doc: Document) -> None:
        self.done += 1
        self.dropped += sum(1 for e in doc.events if e.action == "drop" and e.stage == self.task.stage)
        self.rejected += doc.status == REJECTED
        self.quarantined += doc.status == QUARANTINED
        now = time.monotonic()
        if now - self.last >= PROGRESS_EVERY_SECONDS:
            self.last = now
            self.report()

    def report(self) -> None:
        t = self.task
        write_progress(t, self.done, self.total)  # for the CLI's live progress line (pipeline/progress.py)
        report(
            t,
            min(100, round(100 * self.done / self.total)),
            f"{t.stage} shard {t.shard}: {self.done}/{self.total} docs, {self.dropped} lines dropped, "
            f"{self.rejected} rejected, {self.quarantined} quarantined",
        )

    def finish(self) -> None:
        self.total = self.done or 1
        self.report()
        seconds = round(time.monotonic() - self.started, 3)
        jsonl.write_json(timing_path(self.task), {"stage": self.task.stage, "shard": self.task.shard,
                                                   "docs": self.done, "seconds": seconds})  # fmt: skip


def timing_path(task: ShardTask) -> Path:
    """Where a shard task records how long it ran (read into manifest.json's `timing`)."""
    return task.work / "timing" / (Path(task.output().path).name + ".time.json")


class RepairEncoding(ShardTask):
    """Read the shard's input files; decode, extract HTML, repair the text."""

    stage = "encoding"

    def requires(self) -> list[luigi.Task]:
        return []

    def total(self) -> int:
        return len(self.plan_info.shard_files(self.shard))

    def documents(self) -> Iterator[Document]:
        ctx = context_for(self.config, self.languages, "")
        for f in self.plan_info.shard_files(self.shard):
            for doc, payload in read_input(f, ctx.settings.input):
                yield repair_stage(doc, payload, ctx)

    def process(self, doc: Document) -> Document:
        return doc

    def counts_path(self) -> str:
        return self.output().path[: -len(".jsonl")] + ".counts.json"

    def lines_path(self) -> str:
        return self.output().path[: -len(".jsonl")] + ".lines.json"

    def run(self) -> None:
        progress = Progress(self, self.total())
        read: Counter[str] = Counter()  # documents read per input file, for the accounting check
        # Lines counted per site here, shard by shard in parallel; LearnBoilerplate only adds them up.
        lines = BoilerplateCounter(self.settings.learn)
        rules = context_for(self.config, self.languages, "").rules
        from pipeline.dedup_tasks import SignatureSidecar, sidecar_path  # issue 13: copies count once

        sidecar = SignatureSidecar(sidecar_path(self.output().path, "sig"), self.learn_once, lines=True)
        with jsonl.atomic_open(self.output().path) as out, sidecar as sigs:
            for doc in self.documents():
                group = lines.observe(doc, rules) if self.settings.learn.enabled else None
                sigs.add(doc, group=group, skip=group is None)  # only counted documents can be taken back
                out.write(jsonl.dumps(doc.to_record()))
                if doc.file not in read:
                    progress.step(doc)
                read[doc.file] += 1
            # Both before the output appears complete.
            jsonl.write_json(self.counts_path(), dict(read))
            with jsonl.atomic_open(self.lines_path()) as f:
                f.write(jsonl.dumps(lines.to_record()))
        progress.finish()

    @property
    def learn_once(self) -> DedupSettings:
        """Raw-text signatures only when learning counts copies once."""
        s = self.settings
        return dataclasses.replace(s.dedup, enabled=s.dedup.enabled and s.dedup.learn_once and s.learn.enabled)


class LearnBoilerplate(BatchTask):
    """Add up the shards' line counts; write the lines that recur across a site's documents as a rule pack."""

    stage = "learn"

    def requires(self) -> list[luigi.Task]:
        return [self.clone(RepairEncoding, shard=i) for i in range(self.plan_info.shards)]

    def output(self) -> luigi.LocalTarget:
        fp = self.settings.fingerprint("learn")
        return luigi.LocalTarget(str(self.work / "learn" / f"{self.plan}-{fp}.toml"))

    def run(self) -> None:
        settings = self.settings
        counter = BoilerplateCounter(settings.learn)
        copies = 0
        if settings.learn.enabled:
            shards = [self.clone(RepairEncoding, shard=i) for i in range(self.plan_info.shards)]
            taken = []
            for n, shard in enumerate(shards):
                with open(shard.lines_path(), "rb") as f:
                    taken.append(counter.merge(jsonl.loads(f.read())))
                report(self, round(100 * (n + 1) / max(1, len(shards))), f"learning: shard {n + 1}")
            if shards and shards[0].learn_once.enabled:  # issue 13: a cluster of copies counts once
                from pipeline.dedup_tasks import learning_copies, take_back_copies

                copies = take_back_copies(self, counter, learning_copies(self, taken))
        learned = counter.learned(settings.chrome) if settings.learn.enabled else []
        docs = sum(counter.docs.values())
        note = f"{len(learned)} lines from {docs} documents ({copies} copies counted once), plan {self.plan}."
        with jsonl.atomic_open(self.output().path) as f:
            f.write(render_pack(learned, note).encode("utf-8"))
        report(self, 100, f"learned {len(learned)} boilerplate lines from {docs} documents")


class RemoveChrome(ShardTask):
    """Drop site furniture: site, generic and learned rules, repeats, context."""

    stage = "chrome"

    def requires(self) -> dict[str, luigi.Task]:
        return {"docs": self.clone(RepairEncoding), "learned": self.clone(LearnBoilerplate)}

    def input_path(self) -> str:
        return str(self.input()["docs"].path)

    def process(self, doc: Document) -> Document:
        return chrome_stage(doc, context_for(self.config, self.languages, self.learned_path))

    @functools.cached_property
    def learned_path(self) -> str:
        return str(self.input()["learned"].path)  # input() rebuilds upstream tasks: once per shard


class CheckLanguage(ShardTask):
    """Detect the language, drop foreign paragraphs, reject unwanted languages."""

    stage = "language"

    def requires(self) -> luigi.Task:
        return self.clone(RemoveChrome)

    def process(self, doc: Document) -> Document:
        return language_stage(doc, context_for(self.config, self.languages, ""))


class NormaliseParagraphs(ShardTask):
    """Tidy paragraphs; reject documents with too little text left."""

    stage = "normalise"

    def requires(self) -> luigi.Task:
        return self.clone(CheckLanguage)

    def process(self, doc: Document) -> Document:
        return normalise_stage(doc, context_for(self.config, self.languages, ""))

    def run(self) -> None:
        """ShardTask.run, and the delivered texts' signatures for FindDuplicates (issue 13),
        written before the output appears."""
        from pipeline.dedup_tasks import SignatureSidecar, sidecar_path

        progress = Progress(self, self.total())
        sidecar = SignatureSidecar(sidecar_path(self.output().path, "sig"), self.settings.dedup, with_shingles=True)
        with jsonl.atomic_open(self.output().path) as out, sidecar as sigs:
            for doc in self.documents():
                doc = self.process(doc)
                sigs.add(doc, final_text(doc))
                out.write(jsonl.dumps(doc.to_record()))
                progress.step(doc)
        progress.finish()


class WriteOutputs(ShardTask):
    """Route each document to clean/rejected/quarantine and write one audit log per input file."""

    stage = "write"
    expand_events = True

    def requires(self) -> dict[str, luigi.Task]:
        from pipeline.dedup_tasks import FindDuplicates

        return {"docs": self.clone(NormaliseParagraphs), "dups": self.clone(FindDuplicates)}

    def input_path(self) -> str:
        return str(self.input()["docs"].path)

    def output(self) -> luigi.LocalTarget:
        fp = self.settings.fingerprint("normalise")
        return luigi.LocalTarget(str(self.work / "done" / f"{self.plan}-{self.shard:05d}-{fp}.json"))

    def run(self) -> None:
        root = Path(self.output_dir)
        part = f"part-{self.shard:05d}.jsonl"
        stats = ShardStats()
        progress = Progress(self, self.total())
        routes = {OK: ("clean", clean_record), REJECTED: ("rejected", rejected_record),
                  QUARANTINED: ("quarantine", quarantine_record)}  # fmt: skip
        written: Counter[str] = Counter()
        # A file split by byte ranges spans shards: its audit log is written in parts (pipeline/ranges.py).
        fp = self.settings.fingerprint("normalise")
        pieces = {f.source: audit_part(self.work, self.plan, fp, self.shard, f.source)
                  for f in self.plan_info.shard_files(self.shard) if f.is_range}  # fmt: skip
        from pipeline.dedup_tasks import FindDuplicates, apply_decision  # issue 13: copies routed here

        copies = self.clone(FindDuplicates).decisions(self.shard)
        with AuditWriter(root / "audit", pieces) as audit, OutputParts(root, part) as parts:
            for i, doc in enumerate(self.documents()):
                extra = apply_decision(doc, copies.get(i), self.settings.dedup)
                folder, make = routes[doc.status]
                parts.write(folder, {**make(doc), **extra})
                written[folder] += 1
                audit.write(doc)
                stats.add(doc)
                progress.step(doc)
        progress.finish()
        os.sync()  # the audit logs were written without a per-file fsync: flush them before the marker
        jsonl.write_json(self.output().path, {"shard": self.shard, "written": dict(written), **stats.to_record()})


class OutputParts:
    """clean/, rejected/ and quarantine/ part files of one shard; empty parts are not left behind."""

    FOLDERS = ("clean", "rejected", "quarantine")

    def __init__(self, root: Path, part: str) -> None:
        self.root, self.part = root, part
        self.files: dict[str, Any] = {}
        self.contexts: dict[str, Any] = {}

    def __enter__(self) -> OutputParts:
        return self

    def write(self, folder: str, record: dict[str, Any]) -> None:
        if folder not in self.files:
            ctx = jsonl.atomic_open(self.root / folder / self.part)
            self.contexts[folder] = ctx
            self.files[folder] = ctx.__enter__()
        self.files[folder].write(jsonl.dumps(record))

    def __exit__(self, *exc: Any) -> None:
        for folder in self.FOLDERS:
            if folder in self.contexts:
                self.contexts[folder].__exit__(*exc)
            elif exc[0] is None:
                (self.root / folder / self.part).unlink(missing_ok=True)  # stale from an earlier run


class AuditWriter:
    """One audit log per input file; a file's documents arrive together, so logs stream."""

    def __init__(self, root: Path, pieces: dict[str, Path] | None = None) -> None:
        self.root, self.pieces = root, pieces or {}
        self.current: str | None = None
        self.ctx: Any = None
        self.f: Any = None

    def __enter__(self) -> AuditWriter:
        return self

    def write(self, doc: Document) -> None:
        if doc.file != self.current:
            self._close(None)
            self.current = doc.file
            path = self.pieces.get(doc.file) or audit_path(self.root, doc.file)
            self.ctx = jsonl.atomic_open(path, sync=False)
            self.f = self.ctx.__enter__()
        ends = {first: last for first, last in doc.spans}  # lines rebuilt by the layout stage
        for event in doc.events:
            self.f.write(jsonl.dumps(event.to_record(doc.id, ends.get(event.line or 0))))
        self.f.write(jsonl.dumps(summary_record(doc)))

    def _close(self, exc: Any) -> None:
        if self.ctx is not None:
            self.ctx.__exit__(*(exc or (None, None, None)))
            self.ctx = self.f = None

    def __exit__(self, *exc: Any) -> None:
        self._close(exc if exc[0] else None)


class CleanBatch(BatchTask):
    """Every shard written; check the accounting and write manifest.json."""

    started = luigi.Parameter(default="", significant=False, description="start time, for the manifest")

    def requires(self) -> list[luigi.Task]:
        return [self.clone(WriteOutputs, shard=i) for i in range(self.plan_info.shards)]

    def output(self) -> luigi.LocalTarget:
        fp = self.settings.fingerprint("normalise")
        return luigi.LocalTarget(str(self.work / "batch" / f"{self.plan}-{fp}.json"))

    def run(self) -> None:
        from pipeline.manifest import build_manifest

        track(self)
        learned = Path(self.clone(LearnBoilerplate).output().path)
        if learned.exists():  # the batch's learned rules, where rule authors look for their ids
            shutil.copyfile(learned, Path(self.output_dir) / "learned-rules.toml")
        plan = self.plan_info
        merge_audit_parts(
            Path(self.output_dir), self.work, plan.id, self.settings.fingerprint("normalise"), plan.split()
        )
        manifest = build_manifest(self)
        jsonl.write_json(Path(self.output_dir) / "manifest.json", manifest)
        # report.html, also when the accounting check below fails
        build_report(self.output_dir, context_for(self.config, self.languages, ""))
        jsonl.write_json(
            self.output().path,
            {"manifest": str(Path(self.output_dir) / "manifest.json"), "version": __version__},
        )
        d = manifest["documents"]
        report(self, 100, f"manifest: {d['in']} in, {d['clean']} clean, {d['rejected']} rejected, "
               f"{d['quarantined']} quarantined")  # fmt: skip
        if not manifest["accounting"]["ok"]:
            raise RuntimeError(f"accounting check failed: {manifest['accounting']['problems'][:5]}")
