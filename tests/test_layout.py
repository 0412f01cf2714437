"""The output folder's layout: every path under the root, named as earlier batches named them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline import layout
from pipeline.inputs import doc_id
from pipeline.layout import OutputLayout, audit_path


@pytest.fixture
def out(tmp_path: Path) -> OutputLayout:
    return OutputLayout(tmp_path / "batch")


def test_names_are_the_ones_earlier_batches_wrote(out: OutputLayout) -> None:
    """Renaming a file would make a rerun redo finished work and old folders unreadable: pinned."""
    rel = {
        out.part("clean", 3): "clean/part-00003.jsonl",
        out.part("quarantine", 0): "quarantine/part-00000.jsonl",
        out.manifest: "manifest.json",
        out.report: "report.html",
        out.learned_rules: "learned-rules.toml",
        out.marker: ".webclean-batch.json",
        out.claim_lock: ".webclean-claim.lock",
        out.lock: ".lock",
        out.success: "_SUCCESS",
        out.plan_dir("p1"): "work/plans/p1",
        out.shard_output("chrome", "p1", 2, "fp"): "work/chrome/p1-00002-fp.jsonl",
        out.read_counts("p1", 2, "fp"): "work/encoding/p1-00002-fp.counts.json",
        out.line_counts("p1", 2, "fp"): "work/encoding/p1-00002-fp.lines.json",
        out.signatures("normalise", "p1", 2, "fp"): "work/normalise/p1-00002-fp.sig",
        out.learned("p1", "fp"): "work/learn/p1-fp.toml",
        out.dedup_summary("p1", "fp"): "work/dedup/p1-fp.json",
        out.dedup_decisions("p1", 2, "fp"): "work/dedup/p1-00002-fp.decisions.jsonl",
        out.done("p1", 2, "fp"): "work/done/p1-00002-fp.json",
        out.batch_done("p1", "fp"): "work/batch/p1-fp.json",
        out.timing(out.done("p1", 2, "fp")): "work/timing/p1-00002-fp.json.time.json",
        out.progress(out.shard_output("encoding", "p1", 0, "fp")): "work/progress/p1-00000-fp.jsonl.json",
        out.audit_part("p1", "fp", 4, "big.jsonl"): f"work/audit-parts/p1-fp/00004/{doc_id('big.jsonl')}.audit.jsonl",
        out.audit_log("site/a.html"): "audit/site/a.html.audit.jsonl",
    }
    assert {p.relative_to(out.root).as_posix(): want for p, want in rel.items()} == {w: w for w in rel.values()}


def test_every_top_level_name_a_run_writes_is_owned() -> None:
    """`--overwrite` removes exactly OWNED: each top-level output must be in it (locks are not outputs)."""
    top = {layout.CLEAN, layout.REJECTED, layout.QUARANTINE, layout.AUDIT, layout.WORK, layout.MANIFEST,
           layout.REPORT, layout.LEARNED_RULES, layout.SUCCESS, layout.MARKER}  # fmt: skip
    assert set(layout.OWNED) == top
    assert top >= layout.TRACES and layout.LOCK not in layout.OWNED


def test_only_the_three_routes_are_output_folders(out: OutputLayout) -> None:
    assert [out.folder(r).name for r in layout.ROUTES] == ["clean", "rejected", "quarantine"]
    with pytest.raises(ValueError, match="not an output folder"):
        out.folder("work")


def test_listings_find_what_is_on_disk_sorted(out: OutputLayout) -> None:
    for shard in (10, 2, 0):
        out.part("rejected", shard).parent.mkdir(parents=True, exist_ok=True)
        out.part("rejected", shard).write_text("")
        out.shard_output("chrome", "p1", shard, "fp").parent.mkdir(parents=True, exist_ok=True)
        out.shard_output("chrome", "p1", shard, "fp").write_text("")
    out.signatures("chrome", "p1", 0, "fp").write_text("")  # a sidecar is not a stage output
    out.shard_output("chrome", "p2", 0, "fp").write_text("")  # another plan
    assert [p.name for p in out.parts("rejected")] == ["part-00000.jsonl", "part-00002.jsonl", "part-00010.jsonl"]
    assert [p.name for p in out.stage_files("chrome", "p1", "fp")] == [
        "p1-00000-fp.jsonl",
        "p1-00002-fp.jsonl",
        "p1-00010-fp.jsonl",
    ]
    assert out.parts("clean") == []


def test_layout_is_a_value(tmp_path: Path) -> None:
    a, b = OutputLayout(tmp_path), OutputLayout(tmp_path)
    assert a == b and hash(a) == hash(b)
    with pytest.raises(AttributeError):
        a.root = tmp_path / "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    "source",
    ["../../etc/passwd", "a/../../b.txt", "/abs/path.txt", "a\nb.txt", "a:b*c?.txt", "..", "x/./y", "~home"],
)
def test_audit_logs_stay_inside_the_audit_folder(tmp_path: Path, source: str) -> None:
    root = tmp_path / "audit"
    path = audit_path(root, source)
    assert root.resolve() in path.resolve().parents
    assert path.name.endswith(".audit.jsonl")


def test_changed_names_get_the_source_hash_so_two_sources_never_share_a_log(tmp_path: Path) -> None:
    plain, odd = audit_path(tmp_path, "a_b.txt"), audit_path(tmp_path, "a\nb.txt")
    assert plain.name == "a_b.txt.audit.jsonl"
    assert odd.name == f"a_b.txt~{doc_id('a' + chr(10) + 'b.txt')[:8]}.audit.jsonl"


def test_too_long_paths_go_flat_under_long(tmp_path: Path) -> None:
    source = "/".join(["d" * 190] * 25) + "/page.html"
    path = audit_path(tmp_path, source)
    assert path == tmp_path / layout.LONG / f"{doc_id(source)}.audit.jsonl"
    assert all(len(os.fsencode(part)) <= 255 for part in audit_path(tmp_path, "n" * 400).parts)
