"""The whole chain through Luigi's local scheduler, as a user runs it (a real subprocess)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from pipeline import fingerprint
from pipeline.layout import OutputLayout
from pipeline.manifest import _stage_seconds
from pipeline.plan import load_plan
from tests.conftest import SEEDS, SHARED, run_cli, tree_digest


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seeds") / "out"
    result = run_cli("run", "--input", str(SEEDS), "--output", str(out), "--local-scheduler")
    assert result.returncode == 0, result.stderr
    assert "5 documents in, 5 clean" in result.stdout
    return out


def test_outputs_and_manifest(seeds_run: Path) -> None:
    records = [json.loads(line) for line in OutputLayout(seeds_run).part("clean", 0).read_text().splitlines()]
    assert [r["source"] for r in records] == sorted(p.name for p in SEEDS.glob("*.txt"))
    for r in records:
        assert set(r) == {"id", "source", "text", "lang", "lang_prob", "site", "title", "metadata"}
        assert r["lang"] == "fr" and r["text"] == r["text"].strip() and "\n\n\n" not in r["text"]
    manifest = json.loads(OutputLayout(seeds_run).manifest.read_text())
    assert manifest["accounting"]["ok"] and manifest["documents"]["in"] == 5
    assert set(manifest["pipeline"]["libraries"]) >= {"luigi", "ftfy", "langdetect", "trafilatura"}
    assert manifest["pipeline"]["code"] == fingerprint.code_digest()  # which code made the batch


@pytest.mark.skipif(not (SHARED / "gold" / "seeds").exists(), reason="shared gold not beside the repo")
def test_seed_quality_and_every_gold_drop_is_audited(seeds_run: Path) -> None:
    score = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), "--gold", str(SHARED / "gold" / "seeds"),
                            "--out", str(seeds_run), "--min-precision", "0.99", "--min-recall", "0.99"],
                           capture_output=True, text=True)  # fmt: skip
    assert score.returncode == 0, score.stdout
    from pipeline.core import Context
    from pipeline.settings import load_settings

    rule_ids = Context.load(load_settings()).rules.rule_ids()
    for gold_path in sorted((SHARED / "gold" / "seeds").glob("*.json")):
        gold = json.loads(gold_path.read_text())
        audit = OutputLayout(seeds_run).audit_log(gold["source"])
        events = [json.loads(line) for line in audit.read_text().splitlines()]
        drops = [e for e in events if e.get("action") == "drop"]
        assert all(e["rule"] in rule_ids for e in drops)
        dropped_texts = [" ".join(e["text"].split()) for e in drops]
        for line in gold["drop"]:
            assert " ".join(line.split()) in dropped_texts, f"{gold['source']}: {line!r} not audited as dropped"


def test_rerun_does_nothing_and_changes_nothing(seeds_run: Path) -> None:
    before = tree_digest(seeds_run)
    result = run_cli("run", "--input", str(SEEDS), "--output", str(seeds_run))
    assert result.returncode == 0 and "nothing to do" in result.stdout
    assert tree_digest(seeds_run) == before


def test_changed_setting_reruns_only_affected_stages(seeds_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("run", "--input", str(SEEDS), "--output", str(out)).returncode == 0
    layout = OutputLayout(out)
    encoding_files = {p: p.stat().st_mtime_ns for p in layout.work_dir("encoding").iterdir()}
    config = tmp_path / "more.toml"
    config.write_text("[normalise]\nmin_doc_chars = 100\n")
    result = run_cli("run", "--input", str(SEEDS), "--output", str(out), "--config", str(config))
    assert result.returncode == 0, result.stderr
    assert {p: p.stat().st_mtime_ns for p in layout.work_dir("encoding").iterdir()} == encoding_files
    assert len(list(layout.work_dir("normalise").glob("*.jsonl"))) == 2  # old and new fingerprint
    assert len(list(layout.work_dir("chrome").glob("*.jsonl"))) == 1  # chrome untouched
    assert tree_digest(out) == tree_digest(seeds_run)  # same result: nothing here is that short


def test_two_workers_give_identical_output(seeds_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "w2"
    result = run_cli("run", "--input", str(SEEDS), "--output", str(out), "--workers", "2")
    assert result.returncode == 0, result.stderr
    assert tree_digest(out) == tree_digest(seeds_run)


def test_configuration_errors_are_clear(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[chrome]\ngood_min_wordz = 3\n")
    result = run_cli("run", "--input", str(SEEDS), "--output", str(tmp_path / "o"), "--config", str(config))
    assert result.returncode == 2
    assert "unknown key [chrome] good_min_wordz" in result.stderr
    missing = run_cli("run", "--input", str(tmp_path / "nope"), "--output", str(tmp_path / "o"))
    assert missing.returncode == 2 and "input not found" in missing.stderr


def test_each_shard_task_records_its_steps_counts_and_time(seeds_run: Path) -> None:
    """The timing file of every shard task holds the task's seconds and its step's (pipeline/core.py)
    counters and time."""
    layout = OutputLayout(seeds_run)
    manifest = json.loads(layout.manifest.read_text())
    plan, fps = manifest["plan"], manifest["config"]["fingerprints"]
    totals: dict[str, Counter[str]] = {}
    for stage in ("encoding", "chrome", "language", "normalise"):
        for shard in range(plan["shards"]):
            record = json.loads(layout.timing(layout.shard_output(stage, plan["id"], shard, fps[stage])).read_text())
            step = record["step"]
            assert record["stage"] == step["name"] == stage and 0 <= step["seconds"] <= record["seconds"]
            assert step["docs_in"] == step["docs_out"] + step["rejected"] + step["quarantined"]
            totals.setdefault(stage, Counter()).update({k: v for k, v in step.items() if isinstance(v, int)})
    assert totals["encoding"]["docs_in"] == 5 and totals["normalise"]["docs_out"] == 5
    audit = [json.loads(line) for p in layout.audit_logs() for line in p.read_text().splitlines()]
    chrome_drops = sum(1 for e in audit if e.get("stage") == "chrome" and e.get("action") == "drop")
    assert totals["chrome"]["lines_dropped"] == chrome_drops > 0


def test_the_manifest_skips_a_timing_file_a_crash_left_empty(seeds_run: Path, tmp_path: Path) -> None:
    """Timing files are written without fsync (a hint, not an output): an empty one is left out."""
    layout = OutputLayout(seeds_run)
    manifest = json.loads(layout.manifest.read_text())
    plan = load_plan(layout.plan_dir(manifest["plan"]["id"]))
    fps = fingerprint.Fingerprints(tuple(manifest["config"]["fingerprints"].items()))
    assert _stage_seconds(layout, plan, fps) == manifest["timing"]
    copy = OutputLayout(tmp_path / "out")
    shutil.copytree(seeds_run, copy.root)
    copy.timing(copy.shard_output("chrome", plan.id, 0, fps["chrome"])).write_bytes(b"")
    seconds = _stage_seconds(copy, load_plan(copy.plan_dir(plan.id)), fps)
    assert "chrome" not in seconds and seconds["encoding"] == manifest["timing"]["encoding"]
