"""Synthetic runs: an output folder in the pipeline's formats (manifest, audit logs, parts, work/encoding,
plan) written without running it, with known flags, repairs and rejections. It also measures big runs:

    .venv/bin/python -c "from tests.report.synthetic import measure; measure(100_000)"
"""

from __future__ import annotations

import contextlib
import json
import math
import random
import shutil
import time
from collections import Counter
from pathlib import Path
from typing import Any

from pipeline import jsonl
from pipeline.layout import CLEAN, REJECTED, OutputLayout
from pipeline.outputs import ShardStats
from pipeline.plan import Plan
from pipeline.report import build_report
from tests.conftest import ROOT

ARTICLE_TEXT = ("le conseil municipal a voté mardi soir le budget de la ville après un long débat sur les travaux "
                "de la piscine et des écoles du quartier nord")  # fmt: skip
ARTICLE = ARTICLE_TEXT.split()
CHROME = [("generic.share.share-buttons", "Partager Facebook Twitter"), ("site.sputnik.short-url", "URL courte"),
          ("generic.related.read-also", "Lire aussi : la piscine rouvre"), ("generic.meta.byline", "Par Jean Dupont"),
          ("generic.context.isolated-short", "Économie"), ("generic.shape.digits-only", "12")]  # fmt: skip
LONG_LINE = " ".join(ARTICLE[:26]) + "."  # 26 words ending with a full stop
COOKIES = "Nous utilisons des cookies " * 120
REPAIRED = "Le budget a été voté mardi soir par le conseil municipal."


def synthetic_doc(rng: random.Random, n: int, source: str) -> tuple[dict[str, Any], list[dict[str, Any]], list[str]]:
    """One document: its encoding-stage record, audit events and kept paragraphs."""
    lines, events, kept = [f"Titre du document {n}"], [], []
    events.append({"stage": "chrome", "action": "drop", "rule": "generic.context.title", "line": 1, "text": lines[0]})
    for _ in range(rng.randint(6, 14)):
        if rng.random() < 0.35:
            rule, text = rng.choice(CHROME)
            if n % 97 == 0:
                rule, text = "generic.related.read-also", LONG_LINE  # a flag: article-like line dropped
            lines.append(text)
            events.append({"stage": "chrome", "action": "drop", "rule": rule, "line": len(lines), "text": text})
        else:
            start = rng.randrange(len(ARTICLE) - 8)
            lines.append(" ".join(ARTICLE[start : start + rng.randint(8, 20)]).capitalize() + ".")
            kept.append(lines[-1])
    if n % 89 == 0:  # a flag: one rule removes most of the document
        lines.append(COOKIES)
        events.append({"stage": "chrome", "action": "drop", "rule": "generic.consent.cookie-notice",
                       "line": len(lines), "text": COOKIES})  # fmt: skip
    if n % 50 == 0 or n % 97 == 0:  # a line the encoding stage repaired
        lines.append(REPAIRED)
        kept.append(REPAIRED)
        events.append({"stage": "encoding", "action": "repair", "rule": "encoding.ftfy", "line": len(lines),
                       "text": REPAIRED.replace("é", "Ã©"), "after": REPAIRED,
                       "reason": "ftfy: fix mojibake"})  # fmt: skip
    record = {"id": f"{n:016x}", "source": source, "file": source, "lines": lines}
    return record, events, kept


PLAN = "5e5e5e5e5e5e"


def synthesise_output(root: Path, docs: int, per_file: int = 100, files_per_shard: int = 100) -> None:
    """An output folder in the pipeline's formats for `docs` documents, written without running it: the outputs,
    audit logs, work files (plan, encoding records and counts, shard stats) and manifest.json."""
    from pipeline.fingerprint import fingerprints_of
    from pipeline.settings import load_settings

    fps = fingerprints_of(load_settings()).as_dict()
    rng, files = random.Random(8), math.ceil(docs / per_file)
    shards = math.ceil(files / files_per_shard)
    total = ShardStats()
    for shard in range(shards):
        first, last = shard * files_per_shard, min(files, (shard + 1) * files_per_shard)
        stats = _write_shard(root, rng, fps, shard, range(first, last), docs, per_file)
        for key in ("rules", "actions", "reasons", "languages", "sites"):
            getattr(total, key).update(getattr(stats, key))
        total.outcome.update(stats.outcome)
        total.chars_in, total.chars_out = total.chars_in + stats.chars_in, total.chars_out + stats.chars_out
    plan = {"plan": PLAN, "shards": shards, "files": files, "bytes": total.chars_in, "inputs": []}
    jsonl.write_json(OutputLayout(root).plan_meta(PLAN), plan)
    decisions = Counter(d for counts in total.outcome.values() for d in counts.elements())
    manifest = {
        "pipeline": {"version": "0.1.0", "libraries": {}},
        "config": {"files": [str(ROOT / "configs" / "settings.toml")], "languages": ["fr"], "fingerprints": fps},
        "plan": {"id": PLAN, "shards": shards, "files": files, "bytes": total.chars_in},
        "started": "2026-01-01T00:00:00+00:00", "finished": "2026-01-01T00:10:00+00:00",
        "documents": {"in": docs, "clean": decisions["clean"], "rejected": decisions["rejected"], "quarantined": 0},
        "chars": {"in": total.chars_in, "out": total.chars_out},
        "stages": dict(total.actions), "rules": dict(total.rules), "rejection_reasons": dict(total.reasons),
        "languages": dict(total.languages), "sites": dict(total.sites),
        "accounting": {"ok": True, "files": files, "problems": [], "per_file": None},
    }  # fmt: skip
    jsonl.write_json(OutputLayout(root).manifest, manifest)


def _write_shard(root: Path, rng: random.Random, fps: dict[str, str], shard: int, files: range, docs: int,
                 per_file: int) -> ShardStats:  # fmt: skip
    layout, stats = OutputLayout(root), ShardStats()
    plan = Plan(PLAN, layout.plan_dir(PLAN), shard + 1, 0, 0)
    with contextlib.ExitStack() as stack:
        out = {name: stack.enter_context(jsonl.atomic_open(path)) for name, path in (
            ("clean", layout.part(CLEAN, shard)), ("rejected", layout.part(REJECTED, shard)),
            ("encoding", layout.shard_output("encoding", PLAN, shard, fps["encoding"])),
            ("plan", plan.shard_path(shard)))}  # fmt: skip
        for f in files:
            source = f"batch/{f:06d}.jsonl"
            planned = {"path": source, "source": source, "size": 0, "mtime_ns": 0, "problem": None}
            out["plan"].write(jsonl.dumps(planned))
            with jsonl.atomic_open(layout.audit_log(source)) as audit:
                for n in range(f * per_file, min(docs, (f + 1) * per_file)):
                    _write_doc(rng, n, source, out, audit, stats)
    read = {f: sum(c.values()) for f, c in stats.outcome.items()}  # documents read per file: all were written
    jsonl.write_json(layout.read_counts(PLAN, shard, fps["encoding"]), read)
    written = Counter(d for counts in stats.outcome.values() for d in counts.elements())
    done = {"shard": shard, "written": dict(written), **stats.to_record()}
    jsonl.write_json(layout.done(PLAN, shard, fps["normalise"]), done)
    return stats


def _write_doc(rng: random.Random, n: int, source: str, out: dict[str, Any], audit: Any, stats: ShardStats) -> None:
    record, events, kept = synthetic_doc(rng, n, source)
    doc, site = record["id"], ("sputnik", "vov", "xinhua", None)[n % 4]
    chars_in, text = len("\n".join(record["lines"])), "\n\n".join(kept)
    rejected = len(text) < 80
    out["encoding"].write(jsonl.dumps(record))
    if rejected:
        events.append({"stage": "normalise", "action": "reject", "rule": "normalise.too-short", "text": "",
                       "reason": "too short"})  # fmt: skip
        stats.reasons["normalise.too-short"] += 1
        out["rejected"].write(jsonl.dumps({"id": doc, "source": source, "reason": "too short", "stage": "normalise",
                                           "lang": "fr", "lang_prob": 0.99, "site": site}))  # fmt: skip
    else:
        meta = {"chars_in": chars_in, "chars_out": len(text), "lines_in": len(record["lines"])}
        out["clean"].write(jsonl.dumps({"id": doc, "source": source, "text": text, "lang": "fr", "lang_prob": 0.99,
                                        "site": site, "title": None, "metadata": meta}))  # fmt: skip
    for e in events:
        audit.write(jsonl.dumps({"doc": doc, **e, "reason": e.get("reason", "synthetic")}))
        stats.actions[f"{e['stage']}.{e['action']}"] += 1
        if e["action"] == "drop":
            stats.rules[e["rule"]] += 1
    audit.write(jsonl.dumps({"doc": doc, "action": "summary", "source": source,
                             "decision": "rejected" if rejected else "clean",
                             "reason": "too short" if rejected else None,
                             "chars_in": chars_in, "chars_out": 0 if rejected else len(text),
                             "lines_in": len(record["lines"]), "lines_out": 0 if rejected else len(kept)}))  # fmt: skip
    stats.outcome.setdefault(source, Counter())["rejected" if rejected else "clean"] += 1
    stats.languages["fr"] += 1
    stats.sites[site or "unknown"] += 1
    stats.chars_in += chars_in
    stats.chars_out += 0 if rejected else len(text)


def measure(docs: int, folder: str = "/tmp/report-scale", per_file: int = 100, files_per_shard: int = 100) -> None:
    """Synthesise a run of `docs` documents, time build_manifest and build_report, print the report's size."""
    root = Path(folder)
    shutil.rmtree(root, ignore_errors=True)
    t0 = time.perf_counter()
    synthesise_output(root, docs, per_file, files_per_shard)
    t1 = time.perf_counter()
    manifest_from_shards(root)
    t2 = time.perf_counter()
    path = build_report(root)
    t3 = time.perf_counter()
    shape = f"{docs:,} documents, {per_file} per file, {files_per_shard} files per shard"
    print(f"{shape}: synthesised in {t1 - t0:.1f} s; build_manifest {t2 - t1:.2f} s; build_report {t3 - t2:.2f} s; "
          f"report.html {path.stat().st_size / 1e6:.2f} MB ({path})")  # fmt: skip


def manifest_from_shards(root: Path) -> dict[str, Any]:
    """What CleanBatch makes of a synthesised run's shard stats and encoding counts."""
    from pipeline.fingerprint import Fingerprints
    from pipeline.manifest import build_manifest
    from pipeline.plan import load_plan
    from pipeline.settings import load_settings

    layout = OutputLayout(root)
    fps = json.loads(layout.manifest.read_text())["config"]["fingerprints"]
    plan = load_plan(layout.plan_dir(PLAN))
    return build_manifest(layout, plan, load_settings(), Fingerprints(tuple(fps.items())), None)
