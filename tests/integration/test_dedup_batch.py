"""Copies in a batch and across batches: one copy delivered intact, the others rejected naming it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.layout import OutputLayout
from tests.conftest import DEVSET, SEEDS, run_cli, tree_digest

VOV = DEVSET / "pages" / "015_vov_festival-hue.txt"
# Twelve re-crawls of one VOV article, as they arrive: the same text in other encodings.
ENCODINGS = ["utf-8-sig", "utf-16", "cp1252", "latin-1", "utf-8", "utf-16-be"] * 2


def records(out: Path, folder: str) -> list[dict]:
    return [json.loads(line) for p in OutputLayout(out).parts(folder) for line in p.read_text().splitlines()]


def clean_texts(out: Path) -> dict[str, str]:
    return {r["source"]: r["text"] for r in records(out, "clean")}


def run(inputs: Path, out: Path, *extra: str) -> None:
    result = run_cli("run", "--input", str(inputs), "--output", str(out), "--local-scheduler", *extra)
    assert result.returncode == 0, result.stderr


def other_pages(folder: Path) -> Path:
    """The development pages and the seeds (79 pages of several sites), as one batch."""
    folder.mkdir()
    for d in (DEVSET / "pages", DEVSET / "holdout" / "pages", DEVSET / "holdout2" / "pages", SEEDS):
        for page in sorted(d.glob("*.txt")):
            shutil.copyfile(page, folder / page.name)
    return folder


@pytest.fixture(scope="module")
def vov_batches(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    tmp = tmp_path_factory.mktemp("vov")
    alone = other_pages(tmp / "alone")
    copies = tmp / "copies"
    shutil.copytree(alone, copies)
    text = VOV.read_text(encoding="utf-8")
    for k, enc in enumerate(ENCODINGS):
        (copies / f"zz_recrawl_{k:02d}.txt").write_bytes(text.encode(enc))
    run(alone, tmp / "out-alone")
    run(copies, tmp / "out-copies")
    off = tmp / "off.toml"
    off.write_text("[dedup]\nenabled = false\nlearn_once = false\n")
    run(copies, tmp / "out-off", "--config", str(off))
    return tmp / "out-alone", tmp / "out-copies", tmp / "out-off"


def test_vov_recrawls_do_not_erase_the_article(vov_batches: tuple[Path, Path, Path]) -> None:
    alone, copies, off = vov_batches
    # Without counting copies once (the state before issue 13) the article and its copies are lost.
    assert VOV.name not in clean_texts(off)
    assert not any(r["source"].startswith("zz_recrawl") for r in records(off, "clean"))
    # Now: the article is delivered once, intact, and every other page as when cleaned without copies.
    assert clean_texts(copies) == clean_texts(alone)
    assert VOV.name in clean_texts(copies)
    dups = [r for r in records(copies, "rejected") if r["source"].startswith("zz_recrawl")]
    assert sorted(r["source"] for r in dups) == [f"zz_recrawl_{k:02d}.txt" for k in range(12)]
    assert {r["reason"] for r in dups} == {"duplicate"}
    kept_id = next(r["id"] for r in records(copies, "clean") if r["source"] == VOV.name)
    assert {(r["duplicate_of"]["id"], r["duplicate_of"]["source"]) for r in dups} == {(kept_id, VOV.name)}
    # A Xinhua dispatch reprinted by cvn with cuts (similarity 0.83): syndication, both delivered.
    assert {"013_xinhua_terminal-sihanoukville.txt", "014_cvn_terminal-sihanoukville-cvn.txt"} <= set(
        clean_texts(alone)
    )
    manifest = json.loads(OutputLayout(copies).manifest.read_text())
    assert manifest["accounting"]["ok"] and manifest["duplicates"]["copies"] >= 12
    assert manifest["duplicates"]["largest_clusters"][0] == {"id": kept_id, "source": VOV.name, "batch": None,
                                                            "copies": 12}  # fmt: skip
    assert "12 copies counted once" in OutputLayout(copies).learned_rules.read_text()


@pytest.fixture(scope="module")
def ten_copies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """10 copies of each seed, as a new user would try it: some in cp1252, some with a share line."""
    folder = tmp_path_factory.mktemp("ten") / "in"
    folder.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        for k in range(10):
            body = text if k % 2 == 0 else text.replace("\n", "\nPartager\n", 1)
            enc = "cp1252" if k % 3 == 1 else "utf-8"
            try:
                data = body.encode(enc)
            except UnicodeEncodeError:
                data = body.encode("utf-8")
            (folder / f"{seed.stem}-{k}.txt").write_bytes(data)
    return folder


def test_ten_copies_of_each_seed(ten_copies: Path, tmp_path: Path) -> None:
    run(SEEDS, tmp_path / "seeds")
    run(ten_copies, tmp_path / "out")
    out = tmp_path / "out"
    clean = records(out, "clean")
    assert sorted(r["source"] for r in clean) == sorted(f"{p.stem}-0.txt" for p in SEEDS.glob("*.txt"))
    seeds = {Path(src).stem: text for src, text in clean_texts(tmp_path / "seeds").items()}
    assert {r["source"][: -len("-0.txt")]: r["text"] for r in clean} == seeds  # intact
    rejected = records(out, "rejected")
    assert len(rejected) == 45 and {r["reason"] for r in rejected} == {"duplicate"}
    for r in rejected:
        assert r["duplicate_of"]["source"] == r["source"].rsplit("-", 1)[0] + "-0.txt"
    audit = OutputLayout(out).audit_log("000_772bc50bf7748530-3.txt").read_text()
    assert '"rule":"dedup.duplicate"' in audit and "copy of document" in audit
    manifest = json.loads(OutputLayout(out).manifest.read_text())
    assert manifest["documents"] == {"in": 50, "clean": 5, "rejected": 45, "quarantined": 0}
    assert manifest["rejection_reasons"] == {"dedup.duplicate": 45}
    assert manifest["duplicates"]["copies"] == 45
    assert "45 copies" in OutputLayout(out).report.read_text()


def test_keep_copies_marks_them(ten_copies: Path, tmp_path: Path) -> None:
    keep = tmp_path / "keep.toml"
    keep.write_text("[dedup]\nkeep_copies = true\n")
    run(ten_copies, tmp_path / "out", "--config", str(keep))
    clean = records(tmp_path / "out", "clean")
    assert len(clean) == 50 and sum("duplicate_of" in r for r in clean) == 45


def test_index_across_batches_rerun_identical_and_rebuilt(tmp_path: Path) -> None:
    day1, day2 = tmp_path / "day1", tmp_path / "day2"
    day1.mkdir()
    day2.mkdir()
    seeds = sorted(SEEDS.glob("*.txt"))
    for p in seeds[:3]:
        shutil.copyfile(p, day1 / p.name)
    for p in seeds[2:]:  # seed 2 re-crawled the next day, with a counter line
        (day2 / f"recrawl-{p.name}").write_text("Vu 4321 fois\n" + p.read_text(encoding="utf-8"), encoding="utf-8")
    index = tmp_path / "index"
    run(day1, tmp_path / "out1", "--dedup-index", str(index))
    run(day2, tmp_path / "out2", "--dedup-index", str(index))
    rejected = records(tmp_path / "out2", "rejected")
    assert [r["source"] for r in rejected] == [f"recrawl-{seeds[2].name}"]
    of = rejected[0]["duplicate_of"]
    assert of["source"] == seeds[2].name and of["batch"] == str((tmp_path / "out1").resolve())
    assert len(records(tmp_path / "out2", "clean")) == 2
    # A rerun from scratch decides the same (the batch's own segment is not read back).
    first = tree_digest(tmp_path / "out2")
    shutil.rmtree(tmp_path / "out2")
    run(day2, tmp_path / "out2", "--dedup-index", str(index))
    assert tree_digest(tmp_path / "out2") == first
    # Rebuilt from the outputs, the index holds the same documents.
    before = sorted(p.read_text() for p in index.glob("*.jsonl"))
    shutil.rmtree(index)
    result = run_cli("dedup-index", "--index", str(index), "--outputs", str(tmp_path / "out1"), str(tmp_path / "out2"))
    assert result.returncode == 0, result.stderr
    assert sorted(p.read_text() for p in index.glob("*.jsonl")) == before
