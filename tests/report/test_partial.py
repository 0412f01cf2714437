"""The audit scan in parts (pipeline/report/partial.py): the shards' scans merged give what reading
every log gives, and any doubt about them falls back to reading the logs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.core import Context, clean_document
from pipeline.document import Document
from pipeline.layout import OutputLayout
from pipeline.outputs import AuditWriter
from pipeline.report import build_report, files
from pipeline.report.partial import ShardScan, load, merged_counts, merged_scan
from pipeline.report.review import Review, context_decisions, context_rules, load_rules
from pipeline.report.scan import AuditScan, scan_audit, scan_parts
from tests.conftest import SEEDS, run_cli


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seeds as text files and a JSONL file split by byte ranges over several shards."""
    root = tmp_path_factory.mktemp("partial")
    batch = root / "in"
    (batch / "sub").mkdir(parents=True)
    seeds = sorted(SEEDS.glob("*.txt"))
    for i, seed in enumerate(seeds):
        shutil.copyfile(seed, batch / ("sub" if i % 2 else ".") / f"p{i}.txt")
    texts = [seed.read_text(encoding="utf-8") for seed in seeds]
    records = [{"id": f"r{i}", "text": texts[i % len(texts)] + f"\nNo {i}."} for i in range(30)]
    (batch / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    config = root / "config.toml"
    config.write_text("[input]\nmin_shards = 4\nshard_min_bytes = 1\n")
    out = root / "out"
    result = run_cli("run", "--input", str(batch), "--output", str(out), "--config", str(config), "--local-scheduler")
    assert result.returncode == 0, result.stderr
    return out


def _scans(out: Path) -> tuple[AuditScan | None, AuditScan]:
    manifest = json.loads(OutputLayout(out).manifest.read_text())
    context = context_rules(load_rules(manifest), manifest)
    assert context  # the shipped packs' context decisions
    records = load(files.audit_scans(out, manifest), context)
    return (merged_scan(out, records, context) if records is not None else None), scan_audit(out, context)


def _same(a: AuditScan, b: AuditScan) -> None:
    assert (a.logs, a.links, a.removed, a.shares, a.review) == (b.logs, b.links, b.removed, b.shares, b.review)
    for name in ("top", "flagged", "rejected"):
        ours, theirs = getattr(a, name).best(), getattr(b, name).best()
        assert [(k, d.summary, d.events, d.flags) for k, d in ours] == [
            (k, d.summary, d.events, d.flags) for k, d in theirs
        ], name


def test_merged_parts_are_the_scan_of_every_log(run: Path) -> None:
    manifest = json.loads(OutputLayout(run).manifest.read_text())
    assert manifest["plan"]["shards"] >= 4 and len(files.audit_scans(run, manifest)) == manifest["plan"]["shards"]
    plan = OutputLayout(run).plan_meta(manifest["plan"]["id"])
    assert len(json.loads(plan.read_text())["split"]["records.jsonl"]) >= 2  # its log joined from pieces
    merged, full = _scans(run)
    assert merged is not None and full.logs >= 6 and full.top.heap
    _same(merged, full)
    other = context_rules(load_rules(manifest), manifest) | {"generic.other"}
    assert load(files.audit_scans(run, manifest), other) is None  # scans made with other rules


def test_merged_counts_are_those_of_every_record(run: Path, tmp_path: Path) -> None:
    manifest = json.loads(OutputLayout(run).manifest.read_text())
    records = load(files.audit_scans(run, manifest), context_rules(load_rules(manifest), manifest))
    assert records is not None
    counts, full = merged_counts(run, manifest, records), scan_parts(run, manifest, {})
    assert counts is not None and len(full.shards) >= 4
    assert (counts.shards, counts.sites) == (full.shards, full.sites)
    copy = tmp_path / "out"
    shutil.copytree(run, copy)
    part = OutputLayout(copy).part("clean", 1)
    part.write_bytes(part.read_bytes()[: part.read_bytes().rindex(b"\n", 0, -1) + 1])  # its last record gone
    assert merged_counts(copy, manifest, records) is None


def test_the_report_is_the_same_without_the_parts(run: Path, tmp_path: Path) -> None:
    copy = tmp_path / "out"
    shutil.copytree(run, copy)
    shutil.rmtree(OutputLayout(copy).work / "audit-scan")
    assert _scans(copy)[0] is None
    assert build_report(copy).read_bytes() == OutputLayout(run).report.read_bytes()


def test_a_log_changed_after_the_run_is_read_again(run: Path, tmp_path: Path) -> None:
    copy = tmp_path / "out"
    shutil.copytree(run, copy)
    log = OutputLayout(copy).audit_log("records.jsonl")
    log.write_bytes(b"".join(log.read_bytes().splitlines(keepends=True)[:-1]))  # the last document's summary gone
    merged, full = _scans(copy)
    assert merged is None and full.logs >= 6
    stray = OutputLayout(copy).audit_log("stray.txt")
    shutil.copyfile(OutputLayout(run).audit_log("records.jsonl"), stray)  # a log no shard wrote
    shutil.copyfile(OutputLayout(run).audit_log("records.jsonl"), log)
    shutil.copystat(OutputLayout(run).audit_log("records.jsonl"), log)
    assert _scans(copy)[0] is None
    stray.unlink()
    merged, full = _scans(copy)
    assert merged is not None
    _same(merged, full)


def test_the_scan_fed_while_writing_is_the_scan_of_the_logs_read_back(tmp_path: Path, ctx: Context) -> None:
    docs = []
    for i, seed in enumerate(sorted(SEEDS.glob("*.txt"))):
        file = f"f{i // 2}.txt"  # two documents a log, the last log one
        doc = Document(id=f"d{i}", source=f"{file}#{i}", file=file, metadata={"format": "txt"})
        docs.append(clean_document(doc, seed.read_bytes(), ctx))
    layout = OutputLayout(tmp_path)
    audit, pieces = layout.audit, {"f1.txt": layout.audit_part("plan", "fp", 0, "f1.txt")}
    context = context_decisions(ctx.rules)
    fed = ShardScan(context, audit, pieces)
    with AuditWriter(audit, pieces, fed) as writer:
        for doc in docs:
            writer.write(doc)
    logs = ["f0.txt", "f1.txt", "f2.txt"]  # a piece's entry names the log it will be joined into
    assert [e["rel"] for e in fed.entries] == [files.audit_rel(audit, str(layout.audit_log(f))) for f in logs]
    assert list(writer.logs.values()) == [layout.audit_log("f0.txt"), pieces["f1.txt"], layout.audit_log("f2.txt")]
    assert [e["mtime"] is None for e in fed.entries] == [False, True, False]  # a piece: joined later
    read = AuditScan(Review(context))
    for file, path in writer.logs.items():
        read.add_log(str(path), files.audit_rel(audit, str(layout.audit_log(file))))
    shard, ours = fed.shard, fed.entries
    assert read.top.heap and read.review.fired  # something to compare
    assert (shard.review.fired, shard.review.repairs) == (read.review.fired, read.review.repairs)
    assert [x for e in ours for x in e["removed"]] == list(read.removed)
    assert [x for e in ours for x in e["shares"]] == list(read.shares)
    for name in ("top", "flagged", "rejected"):
        assert [(k, d.summary, d.events) for k, d in getattr(shard, name).best()] == [
            (k, d.summary, d.events) for k, d in getattr(read, name).best()
        ]
    assert [e["size"] for e in ours] == [p.stat().st_size for p in writer.logs.values()]
