"""Luigi tasks: they only move shards of documents through the stage steps of `core`.

    RepairEncoding(shard) ─┬─> RemoveChrome(shard) -> CheckLanguage(shard) -> NormaliseParagraphs(shard)
    LearnBoilerplate ──────┘        -> WriteOutputs(shard) -> CleanBatch (manifest.json)

RepairEncoding also detects each document's site and counts its lines for learning; the one
LearnBoilerplate task only adds the shards' counts up, so nothing heavy runs alone.

FindDuplicates (issue 13) runs once after every NormaliseParagraphs shard, before WriteOutputs.

Intermediate results are JSON lines under `<output>/work/<stage>/` (every path: pipeline/layout.py),
one file per shard, named by plan id, shard and the stage's fingerprint (pipeline/fingerprint.py,
computed once per run): a changed setting, rule pack, data file or library version reruns the stages
it affects and nothing else; an unchanged one skips finished work. Every file is written atomically
(pipeline.jsonl.atomic_open). The work itself is in plain functions: the stages (`core`), learning
(`stages/boilerplate.py`), duplicates (`dedup_tasks`), writers (`outputs`), the manifest (`manifest`).
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

import luigi

from pipeline import __version__, jsonl
from pipeline.collector import cyclic_gc_paused, paused_per_document
from pipeline.core import STEP_TYPES, Context, Step, StepStats
from pipeline.dedup_index import DedupIndex
from pipeline.dedup_tasks import (
    SignatureSidecar,
    apply_decision,
    find_duplicates,
    learning_copies,
    read_decisions,
    take_back_copies,
)
from pipeline.document import OK, QUARANTINED, REJECTED, Document, read_documents
from pipeline.fingerprint import Fingerprints, code_digest, run_fingerprints
from pipeline.inputs import read_input
from pipeline.layout import CLEAN, QUARANTINE, OutputLayout
from pipeline.layout import REJECTED as REJECTED_FOLDER
from pipeline.manifest import build_manifest
from pipeline.outputs import AuditWriter, OutputParts, ShardStats, clean_record, quarantine_record, rejected_record
from pipeline.plan import Plan, load_plan
from pipeline.progress import write_progress
from pipeline.ranges import merge_audit_parts
from pipeline.report import build_report, track
from pipeline.report.partial import OutputsScan, ShardScan
from pipeline.report.review import context_decisions
from pipeline.rules.cache import prepared_ruleset
from pipeline.settings import DedupSettings, Settings, load_settings
from pipeline.stages import language
from pipeline.stages.boilerplate import BoilerplateCounter, count_for_learning, line_keys, render_pack
from pipeline.stages.paragraphs import final_text
from pipeline.task_guard import unless_done

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
    settings = settings_for(config, languages)
    rules = prepared_ruleset(settings.pack_paths("generic"), settings.pack_paths("site"), code_digest())
    ctx = Context(settings, rules)  # as Context.load, prepared (read from the start-up cache if there)
    language.prepare(ctx.settings.language)  # the language profiles too, before any fork
    return ctx


@functools.lru_cache(maxsize=8)
def fingerprints_for(config: str, languages: str) -> Fingerprints:
    """The run's one set of fingerprints, from the packs `context_for` loaded; the CLI computes it
    before Luigi forks any task, so every task of the run names its files with the same one."""
    ctx = context_for(config, languages, "")
    return run_fingerprints(ctx.settings, ctx.rules)


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
    def layout(self) -> OutputLayout:
        return OutputLayout(Path(self.output_dir))

    def fp(self, stage: str) -> str:
        return fingerprints_for(self.config, self.languages)[stage]

    @property
    def plan_info(self) -> Plan:
        return load_plan(self.layout.plan_dir(self.plan))

    def shards(self) -> range:
        return range(self.plan_info.shards)

    def progress(self, n: int, total: int, message: str) -> None:
        """For the batch tasks' long loops: n of total done, shown in the Luigi UI."""
        report(self, round(100 * n / max(1, total)), message)


class ShardTask(BatchTask):
    """One stage over one shard: read documents, run the stage's step on each, write them on."""

    shard = luigi.IntParameter(description="shard number within the plan")
    stage = ""

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(self.layout.shard_output(self.stage, self.plan, self.shard, self.fp(self.stage))))

    def context(self) -> Context:
        return context_for(self.config, self.languages, "")

    def make_step(self) -> Step:
        """The stage's step (pipeline/core.py), made for each run: its counters and clock start at zero."""
        return STEP_TYPES[self.stage](self.context())

    expand_events = False  # parse the events of earlier stages (only to write audit logs)

    def documents(self) -> Iterator[Document]:
        return read_documents(self.input_path(), self.expand_events)

    def input_path(self) -> str:
        return str(self.input().path)

    def total(self) -> int:
        with open(self.input_path(), "rb") as f:
            return sum(1 for _ in f)

    @unless_done
    def run(self) -> None:
        step = self.make_step()
        progress = Progress(self, self.total(), step.stats)
        with jsonl.atomic_open(self.output().path) as out, paused_per_document() as document_done:
            for doc in self.documents():
                doc = step(doc)
                out.write(doc.to_line())
                progress.step(doc)
                document_done()
        progress.finish(step.stats)


def report(task: luigi.Task, percent: int | None, message: str) -> None:
    """Progress for the scheduler; a no-op when the task runs outside a Luigi worker."""
    track(task)  # tracking URL: the run report, or this shard's section of it
    if callable(task.set_progress_percentage) and percent is not None:
        task.set_progress_percentage(percent)
    if callable(task.set_status_message):
        task.set_status_message(message)


class Progress:
    """Live counts for the Luigi UI: percentage and a status message, throttled. The lines dropped
    are the step's own count (`stats`), not counted again over each document's events."""

    def __init__(self, task: ShardTask, total: int, stats: StepStats | None = None) -> None:
        self.task, self.total, self.done, self.stats = task, max(total, 1), 0, stats
        self.rejected = self.quarantined = 0
        self.last = 0.0
        self.started = time.monotonic()

    @property
    def dropped(self) -> int:
        return self.stats.lines_dropped if self.stats else 0

    def step(self, doc: Document) -> None:
        self.done += 1
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

    def finish(self, step: StepStats | None = None) -> None:
        """`seconds`: the whole task, reading and writing included (manifest.json's `timing` sums
        them); `step`: the stage's own counters and time (pipeline/core.py)."""
        self.total = self.done or 1
        self.report()
        seconds = round(time.monotonic() - self.started, 3)
        t = self.task
        record = {"stage": t.stage, "shard": t.shard, "docs": self.done, "seconds": seconds}
        # Not synced: only the manifest's `timing` reads it, and a file a crash left empty is skipped there.
        timing = {**record, "step": step.to_record()} if step else record
        jsonl.write_json(t.layout.timing(t.output().path), timing, sync=False)


class RepairEncoding(ShardTask):
    """Read the shard's input files; decode, extract HTML, repair the text; count lines for learning."""

    stage = "encoding"

    def requires(self) -> list[luigi.Task]:
        return []

    def total(self) -> int:
        return len(self.plan_info.shard_files(self.shard))

    def inputs(self) -> Iterator[Document]:
        """The shard's documents as read, each with its raw payload for the encoding step."""
        for f in self.plan_info.shard_files(self.shard):
            for doc, payload in read_input(f, self.settings.input):
                doc.payload = payload
                yield doc

    @unless_done
    def run(self) -> None:
        step = self.make_step()
        progress = Progress(self, self.total(), step.stats)
        read: Counter[str] = Counter()  # documents read per input file, for the accounting check
        # Lines counted per site here, shard by shard in parallel; LearnBoilerplate only adds them up.
        lines = BoilerplateCounter(self.settings.learn)
        rules = context_for(self.config, self.languages, "").rules
        layout, where = self.layout, (self.plan, self.shard, self.fp(self.stage))
        sidecar = SignatureSidecar(layout.signatures(self.stage, *where), learn_once(self.settings), lines=True)
        # The collector stays on here: HTML extraction (lxml, trafilatura) leaves reference cycles.
        with jsonl.atomic_open(self.output().path) as out, sidecar as sigs:
            for doc in self.inputs():
                doc = step(doc)
                keys = line_keys(doc) if doc.active and lines.settings.enabled else None  # made once, read twice
                group = count_for_learning(lines, doc, rules, keys)
                sigs.add(doc, group=group, skip=group is None, keys=keys)  # only counted documents can be taken back
                out.write(doc.to_line())
                if doc.file not in read:
                    progress.step(doc)
                read[doc.file] += 1
            # Both before the output appears complete.
            jsonl.write_json(layout.read_counts(*where), dict(read))
            with jsonl.atomic_open(layout.line_counts(*where)) as f:
                f.write(jsonl.dumps(lines.to_record()))
        progress.finish(step.stats)


def learn_once(s: Settings) -> DedupSettings:
    """Raw-text signatures only when learning counts copies once."""
    return dataclasses.replace(s.dedup, enabled=s.dedup.enabled and s.dedup.learn_once and s.learn.enabled)


class LearnBoilerplate(BatchTask):
    """Add up the shards' line counts; write the lines that recur across a site's documents as a rule pack."""

    stage = "learn"

    def requires(self) -> list[luigi.Task]:
        return [self.clone(RepairEncoding, shard=i) for i in self.shards()]

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(self.layout.learned(self.plan, self.fp("learn"))))

    @unless_done
    def run(self) -> None:
        with cyclic_gc_paused():
            self._learn()

    def _learn(self) -> None:
        settings, layout, fp = self.settings, self.layout, self.fp("encoding")
        counter = BoilerplateCounter(settings.learn)
        copies = 0
        if settings.learn.enabled:
            shards = self.shards()
            taken = []
            for n in shards:
                taken.append(counter.merge(jsonl.loads(layout.line_counts(self.plan, n, fp).read_bytes())))
                self.progress(n + 1, len(shards), f"learning: shard {n + 1}")
            if shards and learn_once(settings).enabled:  # issue 13: a cluster of copies counts once
                sigs = [layout.signatures("encoding", self.plan, n, fp) for n in shards]
                outputs = [layout.shard_output("encoding", self.plan, n, fp) for n in shards]
                copies = take_back_copies(outputs, counter, learning_copies(sigs, settings.dedup, taken, self.progress))
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

    def context(self) -> Context:
        return context_for(self.config, self.languages, self.learned_path)

    @functools.cached_property
    def learned_path(self) -> str:
        return str(self.input()["learned"].path)  # input() rebuilds upstream tasks: once per shard


class CheckLanguage(ShardTask):
    """Detect the language, drop foreign paragraphs, reject unwanted languages."""

    stage = "language"

    def requires(self) -> luigi.Task:
        return self.clone(RemoveChrome)


class NormaliseParagraphs(ShardTask):
    """Tidy paragraphs; reject documents with too little text left."""

    stage = "normalise"

    def requires(self) -> luigi.Task:
        return self.clone(CheckLanguage)

    @unless_done
    def run(self) -> None:
        """ShardTask.run, and the delivered texts' signatures for FindDuplicates (issue 13),
        written before the output appears."""
        step = self.make_step()
        progress = Progress(self, self.total(), step.stats)
        path = self.layout.signatures(self.stage, self.plan, self.shard, self.fp(self.stage))
        sidecar = SignatureSidecar(path, self.settings.dedup, with_shingles=True)
        with jsonl.atomic_open(self.output().path) as out, sidecar as sigs, paused_per_document() as document_done:
            for doc in self.documents():
                doc = step(doc)
                sigs.add(doc, final_text(doc))
                out.write(doc.to_line())
                progress.step(doc)
                document_done()
        progress.finish(step.stats)


class FindDuplicates(BatchTask):
    """Decide, over the whole batch in input order, which delivered texts are copies (dedup_tasks)."""

    stage = "dedup"

    def requires(self) -> list[luigi.Task]:
        return [self.clone(NormaliseParagraphs, shard=i) for i in self.shards()]

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(self.layout.dedup_summary(self.plan, self.fp("normalise"))))

    @unless_done
    def run(self) -> None:
        with cyclic_gc_paused():
            self._find()

    def _find(self) -> None:
        layout, fp, settings = self.layout, self.fp("normalise"), self.settings.dedup
        index = DedupIndex(Path(self.dedup_index), settings) if self.dedup_index else None
        shards = self.shards()
        summary = find_duplicates(
            [layout.signatures("normalise", self.plan, n, fp) for n in shards],
            [layout.dedup_decisions(self.plan, n, fp) for n in shards],
            settings,
            index,
            self.batch_name or str(Path(self.output_dir).resolve()),
            self.batch_day,
            self.progress,
        )
        jsonl.write_json(self.output().path, summary)


class WriteOutputs(ShardTask):
    """Route each document to clean/rejected/quarantine and write one audit log per input file."""

    stage = "write"
    expand_events = True

    def requires(self) -> dict[str, luigi.Task]:
        return {"docs": self.clone(NormaliseParagraphs), "dups": self.clone(FindDuplicates)}

    def input_path(self) -> str:
        return str(self.input()["docs"].path)

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(self.layout.done(self.plan, self.shard, self.fp("normalise"))))

    @unless_done
    def run(self) -> None:
        layout, fp = self.layout, self.fp("normalise")
        stats = ShardStats()
        progress = Progress(self, self.total())
        routes = {OK: (CLEAN, clean_record), REJECTED: (REJECTED_FOLDER, rejected_record),
                  QUARANTINED: (QUARANTINE, quarantine_record)}  # fmt: skip
        written: Counter[str] = Counter()
        # A file split by byte ranges spans shards: its audit log is written in parts (pipeline/ranges.py).
        pieces = {f.source: layout.audit_part(self.plan, fp, self.shard, f.source)
                  for f in self.plan_info.shard_files(self.shard) if f.is_range}  # fmt: skip
        copies = read_decisions(layout.dedup_decisions(self.plan, self.shard, fp))  # issue 13: copies routed here
        outputs = OutputsScan(layout, self.shard)  # what the report counts of the records (report/partial.py)
        # The report's scan of these logs, here in parallel rather than in CleanBatch, from the lines
        # as they are written rather than read back (report/partial.py)
        scan = ShardScan(context_decisions(self.context().rules), layout.audit, pieces)
        with AuditWriter(layout.audit, pieces, scan) as audit, OutputParts(layout, self.shard) as parts, \
                paused_per_document() as document_done:  # fmt: skip
            for i, doc in enumerate(self.documents()):
                extra = apply_decision(doc, copies.get(i), self.settings.dedup)
                folder, make = routes[doc.status]
                record = {**make(doc), **extra}
                parts.write(folder, record)
                outputs.add(folder, record)
                written[folder] += 1
                audit.write(doc)
                stats.add(doc)
                progress.step(doc)
                document_done()
        progress.finish()
        with jsonl.atomic_open(layout.audit_scan(self.plan, self.shard, fp), sync=False) as f:
            f.write(jsonl.dumps(scan.to_record(outputs)))
        # The audit logs were written without a per-file fsync: flush them before the marker. One
        # sync, not an fsync per log: each waits for a journal commit (3 s a shard of 750 logs on the
        # development VM, 0.3 s with sync), and from 32 threads still cost more CPU and wall time.
        os.sync()
        jsonl.write_json(self.output().path, {"shard": self.shard, "written": dict(written), **stats.to_record()})


class CleanBatch(BatchTask):
    """Every shard written; check the accounting and write manifest.json."""

    started = luigi.Parameter(default="", significant=False, description="start time, for the manifest")

    def requires(self) -> list[luigi.Task]:
        return [self.clone(WriteOutputs, shard=i) for i in self.shards()]

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(self.layout.batch_done(self.plan, self.fp("normalise"))))

    @unless_done
    def run(self) -> None:
        with cyclic_gc_paused():  # runs alone, makes many objects and no cycles (the scans, the report)
            self._finish()

    def _finish(self) -> None:
        track(self)
        layout, plan, fingerprints = self.layout, self.plan_info, fingerprints_for(self.config, self.languages)
        learned = layout.learned(plan.id, fingerprints["learn"])
        if learned.exists():  # the batch's learned rules, where rule authors look for their ids
            shutil.copyfile(learned, layout.learned_rules)
        merge_audit_parts(layout, plan.id, fingerprints["normalise"], plan.split())
        manifest = build_manifest(layout, plan, self.settings, fingerprints, self.started or None)
        jsonl.write_json(layout.manifest, manifest)
        # report.html, also when the accounting check below fails
        build_report(self.output_dir, context_for(self.config, self.languages, ""), fingerprints["chrome"])
        jsonl.write_json(self.output().path, {"manifest": str(layout.manifest), "version": __version__})
        d = manifest["documents"]
        report(self, 100, f"manifest: {d['in']} in, {d['clean']} clean, {d['rejected']} rejected, "
               f"{d['quarantined']} quarantined")  # fmt: skip
        if not manifest["accounting"]["ok"]:
            raise RuntimeError(f"accounting check failed: {manifest['accounting']['problems'][:5]}")
