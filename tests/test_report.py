"""The run report (pipeline/report/): built at the end of a run, rebuilt by `report DIR`, bounded, offline.

`synthesise_output` writes an output folder in the pipeline's formats (manifest, audit logs, parts,
work/encoding, plan) without running it; it also measures big runs:

    .venv/bin/python -c "from tests.test_report import measure; measure(100_000)"
"""

from __future__ import annotations

import contextlib
import json
import math
import random
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from pipeline import jsonl
from pipeline.outputs import ShardStats, audit_path
from pipeline.report import SAMPLE, build_report, marked_diff, ranked, report_url, rule_color, track
from pipeline.report import plots as plot_colors
from tests.conftest import ROOT, SEEDS, run_cli

STRUCK_SHORT_URL = re.compile(r'<del>URL courte</del><span class="rule"[^>]*>site\.sputnik\.short-url</span>')
NETWORK_REF = re.compile(r"""\b(?:src|href|action|poster|data|srcset)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "out"
    result = run_cli("run", "--input", str(SEEDS), "--output", str(out), "--local-scheduler")
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def seeds_html(seeds_out: Path) -> str:
    return (seeds_out / "report.html").read_text(encoding="utf-8")


def cell(html: str, label: str) -> str:
    found = re.search(rf"<td>{re.escape(label)}</td><td>([^<]*)</td>", html)
    assert found, label
    return found.group(1)


def test_every_run_writes_the_report(seeds_out: Path, seeds_html: str) -> None:
    manifest = json.loads((seeds_out / "manifest.json").read_text())
    assert seeds_html.startswith("<!DOCTYPE html>") and seeds_html.rstrip().endswith("</html>")
    assert cell(seeds_html, "documents in") == "5" and cell(seeds_html, "clean") == "5"
    assert cell(seeds_html, "rejected") == "0" and cell(seeds_html, "quarantined") == "0"
    assert cell(seeds_html, "characters in") == f"{manifest['chars']['in']:,}"
    assert cell(seeds_html, "characters out") == f"{manifest['chars']['out']:,}"
    assert cell(seeds_html, "lines dropped") == f"{sum(manifest['rules'].values()):,}"
    assert cell(seeds_html, "shards / audit logs") == "1 / 5" and cell(seeds_html, "accounting check") == "ok"


SVG = "{http://www.w3.org/2000/svg}"


def plots(html: str) -> dict[str, ET.Element]:
    """Each inline plot, parsed as XML (so well formed), by name."""
    found = [ET.fromstring(svg) for svg in re.findall(r"<svg\b.*?</svg>", html, re.S)]
    return {str(svg.get("data-plot")): svg for svg in found}


def bars_of(svg: ET.Element) -> list[tuple[str, str]]:
    """The bars of a plot, top to bottom: (tooltip, fill colour); each bar is a rect with a <title>."""
    rects = [r for r in svg.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    return [("".join(r.itertext()), str(r.get("fill"))) for r in rects]


def labels_of(svg: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]


def test_plots_are_inline_svg(seeds_out: Path, seeds_html: str) -> None:
    manifest = json.loads((seeds_out / "manifest.json").read_text())
    drawn = plots(seeds_html)
    assert sorted(drawn) == ["languages", "removed", "rules", "sites"]  # no rejections: nothing to plot
    rules = drawn["rules"]  # one bar per rule, coloured by kind, labelled with its id and count
    assert bars_of(rules) == [(f"{rule}: {n}", rule_color(rule)) for rule, n in ranked(manifest["rules"])]
    assert "site.sputnik.short-url" in labels_of(rules) and "lines dropped per rule" in labels_of(rules)
    assert bars_of(drawn["languages"]) == [("fr: 5", plot_colors.CLEAN)]
    sites = dict(bars_of(drawn["sites"]))
    assert {tip.split(":")[0] for tip in sites} == {"sputnik", "cvn", "vov", "xinhua"}
    assert sites["sputnik: 2 clean, 0 rejected or quarantined"] == plot_colors.CLEAN
    assert len(sites) == 8  # per site: a clean bar and a share-removed bar, no empty rejected bar
    assert {"clean", "rejected or quarantined", "documents per site"} <= set(labels_of(drawn["sites"]))
    removed = drawn["removed"]  # two histograms of the 5 clean documents
    counted = [int(tip.split(": ")[1].split()[0]) for tip, _ in bars_of(removed)]
    assert sum(counted) == 2 * 5 and {"characters", "% of its characters", "documents"} <= set(labels_of(removed))


def bar_widths(svg: ET.Element) -> list[float]:
    rects = [r for r in svg.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    return [float(str(r.get("width"))) for r in rects]


def test_plot_labels_are_escaped_and_cut() -> None:
    odd = 'a<b>&"c\x00d</svg>' + "x" * 60  # a site or rule name may hold any character
    svg = plot_colors.bars([(odd, 10), ("plain", 5)], "t<", "x&", "odd")
    tree = ET.fromstring(svg)  # well-formed XML: nothing unescaped, no character XML forbids
    tips = [tip for tip, _ in bars_of(tree)]
    assert tips == [odd.replace("\x00", "\ufffd") + ": 10", "plain: 5"]  # the tooltip keeps the whole label
    cut = next(t for t in labels_of(tree) if t.startswith("a<b>"))
    assert len(cut) == plot_colors.LABEL_CHARS and cut.endswith("…")
    assert {"t<", "x&", "10", "5"} <= set(labels_of(tree))
    wide, narrow = bar_widths(tree)
    assert wide == pytest.approx(2 * narrow, abs=0.2)  # bars to scale
    assert svg == plot_colors.bars([(odd, 10), ("plain", 5)], "t<", "x&", "odd")  # same data, same bytes


def test_histograms_count_every_document() -> None:
    removed, shares = [0, 5, 120, 3_999, 4_000], [0.0, 0.05, 0.5, 0.999, 1.0]
    tree = ET.fromstring(plot_colors.removed_histograms(removed, shares))
    tips = [tip for tip, _ in bars_of(tree)]
    assert tips == [
        *("0 to 100: 2 documents", "100 to 200: 1 document", "3,900 to 4,000: 2 documents"),  # 40 bins to 4,000
        *("0 to 5: 1 document", "5 to 10: 1 document", "50 to 55: 1 document", "95 to 100: 2 documents"),  # 20 of 5%
    ]
    assert {"1", "2", "1,000", "4,000", "20", "100"} <= set(labels_of(tree))  # ticks: documents, characters, %
    assert ET.fromstring(plot_colors.removed_histograms([], []))  # nothing kept: empty axes, no error


def test_sites_stack_clean_and_rejected() -> None:
    tree = ET.fromstring(plot_colors.sites([("a", 30, 10, 0.25), ("b", 0, 20, None)]))
    bars = bars_of(tree)
    assert [fill for _, fill in bars] == [plot_colors.CLEAN, plot_colors.REJECTED, plot_colors.REMOVED,
                                          plot_colors.REJECTED]  # fmt: skip
    clean, rejected, _, only_rejected = bar_widths(tree)
    assert clean == pytest.approx(3 * rejected, abs=0.2) and only_rejected == pytest.approx(2 * rejected, abs=0.2)
    assert {"40", "20", "25%", "—"} <= set(labels_of(tree))


def test_removed_lines_are_struck_through_with_their_rule(seeds_html: str) -> None:
    assert len(STRUCK_SHORT_URL.findall(seeds_html)) == 2  # both Sputnik seeds are in the sample
    assert seeds_html.count('<section class="doc"') == 5


def test_no_network_references(seeds_html: str) -> None:
    assert not NETWORK_REF.search(seeds_html)
    assert "<script" not in seeds_html and "<link" not in seeds_html
    assert "@import" not in seeds_html and not re.search(r"url\(\s*['\"]?(?:https?:)?//", seeds_html)
    for target in re.findall(r'href="([^"]+)"', seeds_html):
        assert target.startswith(("#", "audit/")), target


def test_audit_links_and_shard_sections(seeds_out: Path, seeds_html: str) -> None:
    for target in set(re.findall(r'href="(audit/[^"]+)"', seeds_html)):
        assert (seeds_out / target).is_file(), target
    assert 'id="shard-00000"' in seeds_html


def test_report_command_rebuilds_the_same_file(seeds_out: Path, seeds_html: str, tmp_path: Path) -> None:
    copy = tmp_path / "out"
    shutil.copytree(seeds_out, copy)
    (copy / "report.html").unlink()
    result = run_cli("report", str(copy))
    assert result.returncode == 0, result.stderr
    rebuilt = (copy / "report.html").read_text(encoding="utf-8")
    assert STRUCK_SHORT_URL.search(rebuilt)
    assert rebuilt == seeds_html  # same run, same bytes


def test_rebuilds_without_the_work_folder(seeds_out: Path, tmp_path: Path) -> None:
    copy = tmp_path / "out"
    shutil.copytree(seeds_out, copy, ignore=shutil.ignore_patterns("work"))
    html = build_report(copy).read_text(encoding="utf-8")
    assert STRUCK_SHORT_URL.search(html) and "reconstructed from the audit log" in html
    assert cell(html, "documents in") == "5"


def test_report_command_without_a_run(tmp_path: Path) -> None:
    result = run_cli("report", str(tmp_path))
    assert result.returncode == 2 and "manifest.json not found" in result.stderr


def test_never_fired_rules_are_listed(seeds_out: Path, seeds_html: str) -> None:
    from pipeline.core import Context
    from pipeline.settings import load_settings

    manifest = json.loads((seeds_out / "manifest.json").read_text())
    never = Context.load(load_settings()).rules.rule_ids() - set(manifest["rules"])
    review = re.search(r'<section id="review">.*?</section>', seeds_html, re.S)
    assert review and never
    listed = set(re.findall(r"<code>([^<]+)</code>", review.group(0)))
    assert listed == never


class FakeTask:
    def __init__(self, output_dir: Path, shard: int | None = None) -> None:
        self.output_dir, self.urls = str(output_dir), []
        if shard is not None:
            self.shard = shard
        self.set_tracking_url = self.urls.append


def test_tracking_urls(tmp_path: Path) -> None:
    shard_task, batch_task = FakeTask(tmp_path, 3), FakeTask(tmp_path)
    track(shard_task)
    track(shard_task)  # set once per task
    track(batch_task)
    assert shard_task.urls == [f"file://{tmp_path.resolve()}/report.html#shard-00003"]
    assert batch_task.urls == [report_url(tmp_path)] == [(tmp_path.resolve() / "report.html").as_uri()]
    outside = FakeTask(tmp_path)
    outside.set_tracking_url = None  # what Luigi leaves outside a worker
    track(outside)


# ---------------------------------------------------------------- synthetic runs: flags, bounds, scale

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
    from pipeline.settings import STAGES, load_settings

    settings = load_settings()
    fps = {s: settings.fingerprint(s) for s in STAGES}
    rng, files = random.Random(8), math.ceil(docs / per_file)
    shards = math.ceil(files / files_per_shard)
    total = ShardStats()
    for shard in range(shards):
        first, last = shard * files_per_shard, min(files, (shard + 1) * files_per_shard)
        stats = _write_shard(root, rng, fps, shard, range(first, last), docs, per_file)
        for key in ("files", "rules", "actions", "reasons", "languages", "sites"):
            getattr(total, key).update(getattr(stats, key))
        total.outcome.update(stats.outcome)
        total.chars_in, total.chars_out = total.chars_in + stats.chars_in, total.chars_out + stats.chars_out
    plan = {"plan": PLAN, "shards": shards, "files": files, "bytes": total.chars_in, "inputs": []}
    jsonl.write_json(root / "work" / "plans" / PLAN / "plan.json", plan)
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
    jsonl.write_json(root / "manifest.json", manifest)


def _write_shard(root: Path, rng: random.Random, fps: dict[str, str], shard: int, files: range, docs: int,
                 per_file: int) -> ShardStats:  # fmt: skip
    part, stats = f"part-{shard:05d}.jsonl", ShardStats()
    work = root / "work"
    with contextlib.ExitStack() as stack:
        out = {name: stack.enter_context(jsonl.atomic_open(path)) for name, path in (
            ("clean", root / "clean" / part), ("rejected", root / "rejected" / part),
            ("encoding", work / "encoding" / f"{PLAN}-{shard:05d}-{fps['encoding']}.jsonl"),
            ("plan", work / "plans" / PLAN / f"shard-{shard:05d}.jsonl"))}  # fmt: skip
        for f in files:
            source = f"batch/{f:06d}.jsonl"
            planned = {"path": source, "source": source, "size": 0, "mtime_ns": 0, "problem": None}
            out["plan"].write(jsonl.dumps(planned))
            with jsonl.atomic_open(audit_path(root / "audit", source)) as audit:
                for n in range(f * per_file, min(docs, (f + 1) * per_file)):
                    _write_doc(rng, n, source, out, audit, stats)
    jsonl.write_json(work / "encoding" / f"{PLAN}-{shard:05d}-{fps['encoding']}.counts.json", dict(stats.files))
    written = Counter(d for counts in stats.outcome.values() for d in counts.elements())
    done = {"shard": shard, "written": dict(written), **stats.to_record()}
    jsonl.write_json(work / "done" / f"{PLAN}-{shard:05d}-{fps['normalise']}.json", done)
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
    stats.files[source] += 1
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
    from pipeline.manifest import build_manifest

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # Luigi's, on import, about a setting of its config
        from pipeline.tasks import CleanBatch

    fingerprint = json.loads((root / "manifest.json").read_text())["config"]["fingerprints"]["normalise"]
    return build_manifest(CleanBatch(output_dir=str(root), plan=PLAN, config="", languages="", fingerprint=fingerprint))


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("synthetic")
    synthesise_output(root, 3000, per_file=10, files_per_shard=40)  # 300 audit logs, 8 shards
    return root, build_report(root).read_text(encoding="utf-8")


def test_report_stays_bounded(synthetic: tuple[Path, str]) -> None:
    _, html = synthetic
    assert len(html.encode()) < 1_000_000
    assert html.count('<section class="doc"') == SAMPLE
    assert html.count('href="audit/') < 200 + 8 * 3 + 3 * 30 * 2 + SAMPLE
    assert "and 100 more under <code>audit/</code>" in html
    assert all(f'id="shard-{s:05d}"' in html for s in range(8))
    assert cell(html, "documents in") == "3,000"


def test_suspicious_rules_are_flagged(synthetic: tuple[Path, str]) -> None:
    _, html = synthetic
    review = re.search(r'<section id="review">.*?</section>', html, re.S)
    assert review
    long_lines, large, never = re.split(r"<h3>", review.group(0))[1:4]
    assert "generic.related.read-also" in long_lines and LONG_LINE[:40] in long_lines
    assert "generic.context" not in long_lines  # context decisions are not flagged
    assert "Never fired" in never and "site.cvn.agency-chain" in never
    assert "A large share" in large and "generic.consent.cookie-notice" in large


def test_repairs_are_highlighted(synthetic: tuple[Path, str]) -> None:
    _, html = synthetic
    assert re.search(r"<mark>Ã©</mark>", html) and re.search(r"<mark>é</mark>", html)


def test_repair_diff_marks_only_what_changed() -> None:
    old, new = marked_diff("cette ann&eacute;e <b>", "cette année <b>")  # escaped, marked on both sides
    assert (old, new) == ("cette ann<mark>&amp;eacute;</mark>e &lt;b&gt;", "cette ann<mark>é</mark>e &lt;b&gt;")
    old, new = marked_diff("Le conseil a Ã©tÃ© rÃ©uni. " * 40, "Le conseil a été réuni. " * 40)  # a long line
    assert old.count("<mark>Ã©</mark>") == new.count("<mark>é</mark>") == 120 and old.count("<mark>") == 120
    assert re.sub(r"</?mark>", "", new) == "Le conseil a été réuni. " * 40


def test_sample_is_deterministic(synthetic: tuple[Path, str]) -> None:
    root, html = synthetic
    again = build_report(root).read_text(encoding="utf-8")
    ids = re.findall(r'<section class="doc" id="(doc-[0-9a-f]+)"', html)
    assert ids == re.findall(r'<section class="doc" id="(doc-[0-9a-f]+)"', again) and len(set(ids)) == SAMPLE


def test_manifest_from_the_shard_stats(synthetic: tuple[Path, str]) -> None:
    root, _ = synthetic
    expected, built = json.loads((root / "manifest.json").read_text()), manifest_from_shards(root)
    for key in ("documents", "chars", "stages", "rules", "rejection_reasons", "languages", "sites"):
        assert built[key] == expected[key], key
    assert list(built["rules"].values()) == sorted(built["rules"].values(), reverse=True)  # most common first
    accounting = built["accounting"]
    assert accounting["ok"] and accounting["files"] == 300 and not accounting["problems"]
    assert accounting["per_file"]["batch/000000.jsonl"] == {"clean": 10} and len(accounting["per_file"]) == 300


def test_manifest_accounting_finds_a_lost_document(synthetic: tuple[Path, str], tmp_path: Path) -> None:
    copy = tmp_path / "out"
    shutil.copytree(synthetic[0], copy, ignore=shutil.ignore_patterns("audit", "clean", "rejected"))
    counts = next((copy / "work" / "encoding").glob(f"{PLAN}-00003-*.counts.json"))
    read = json.loads(counts.read_text())
    lost = sorted(read)[5]
    read[lost] += 1  # the encoding stage read one more document than the shard wrote
    counts.write_text(json.dumps(read))
    accounting = manifest_from_shards(copy)["accounting"]
    assert not accounting["ok"] and accounting["problems"] == [f"{lost}: read 11, written 10"]
    assert accounting["per_file"][lost] == {"clean": 10}


# ---------------------------------------------------------------- tracking URLs in a real luigid


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.scheduler
def test_luigi_ui_links_to_the_report(tmp_path: Path) -> None:
    port = free_port()
    luigid = Path(sys.executable).with_name("luigid")
    server = subprocess.Popen([str(luigid), "--address", "127.0.0.1", "--port", str(port), "--state-path",
                               str(tmp_path / "state.pickle"), "--logdir", str(tmp_path)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        api = f"http://127.0.0.1:{port}/api/task_list?data=" + "%7B%22status%22%3A%22DONE%22%7D"
        for _ in range(100):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(api, timeout=1).close()
                break
            time.sleep(0.1)
        out = tmp_path / "out"
        scheduler = f"http://127.0.0.1:{port}/"
        result = run_cli("run", "--input", str(SEEDS), "--output", str(out), "--scheduler-url", scheduler)
        assert result.returncode == 0, result.stderr
        with urllib.request.urlopen(api, timeout=5) as response:
            tasks = json.loads(response.read())["response"]
    finally:
        server.terminate()
        server.wait(timeout=10)
    urls = {task_id.split("_")[0]: info["tracking_url"] for task_id, info in tasks.items()}
    assert urls["CleanBatch"] == report_url(out)
    assert urls["RemoveChrome"] == report_url(out, 0) == f"{report_url(out)}#shard-00000"
    assert (out / "report.html").exists()


def test_huge_documents_stay_bounded(seeds_out: Path, tmp_path: Path) -> None:
    copy = tmp_path / "out"
    shutil.copytree(seeds_out, copy)
    for path in (copy / "work" / "encoding").glob("*-?????-*.jsonl"):
        records = list(jsonl.read_jsonl(path))
        for record in records:
            record["lines"] += ["mot " * 1000] * 5000  # 5,000 more lines of 4,000 characters each
        jsonl.write_jsonl(path, records)
    html = build_report(copy).read_text(encoding="utf-8")
    assert len(html.encode()) < 1_000_000
    assert STRUCK_SHORT_URL.search(html) and "lines shown" in html
