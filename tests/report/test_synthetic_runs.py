"""The report of a synthetic run of 3,000 documents: flags, bounds, the sample, and the manifest it implies."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from pipeline.layout import AUDIT, CLEAN, REJECTED, OutputLayout
from pipeline.report import SAMPLE, build_report
from tests.report.conftest import cell, manifest_of
from tests.report.synthetic import LONG_LINE, PLAN, manifest_from_shards, synthesise_output


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


def test_sample_is_deterministic(synthetic: tuple[Path, str]) -> None:
    root, html = synthetic
    again = build_report(root).read_text(encoding="utf-8")
    ids = re.findall(r'<section class="doc" id="(doc-[0-9a-f]+)"', html)
    assert ids == re.findall(r'<section class="doc" id="(doc-[0-9a-f]+)"', again) and len(set(ids)) == SAMPLE


def test_manifest_from_the_shard_stats(synthetic: tuple[Path, str]) -> None:
    root, _ = synthetic
    expected, built = manifest_of(root), manifest_from_shards(root)
    for key in ("documents", "chars", "stages", "rules", "rejection_reasons", "languages", "sites"):
        assert built[key] == expected[key], key
    assert list(built["rules"].values()) == sorted(built["rules"].values(), reverse=True)  # most common first
    accounting = built["accounting"]
    assert accounting["ok"] and accounting["files"] == 300 and not accounting["problems"]
    assert accounting["per_file"]["batch/000000.jsonl"] == {"clean": 10} and len(accounting["per_file"]) == 300


def test_manifest_accounting_finds_a_lost_document(synthetic: tuple[Path, str], tmp_path: Path) -> None:
    copy = tmp_path / "out"
    shutil.copytree(synthetic[0], copy, ignore=shutil.ignore_patterns(AUDIT, CLEAN, REJECTED))
    counts = OutputLayout(copy).read_counts(PLAN, 3, manifest_of(copy)["config"]["fingerprints"]["encoding"])
    read = json.loads(counts.read_text())
    lost = sorted(read)[5]
    read[lost] += 1  # the encoding stage read one more document than the shard wrote
    counts.write_text(json.dumps(read))
    accounting = manifest_from_shards(copy)["accounting"]
    assert not accounting["ok"] and accounting["problems"] == [f"{lost}: read 11, written 10"]
    assert accounting["per_file"][lost] == {"clean": 10}
