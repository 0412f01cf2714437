"""Atomic writes, and the one flush WriteOutputs makes of the files it wrote without fsync."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import jsonl


def test_sync_files_flushes_the_files_then_their_folders_up_to_the_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "out"
    files = [root / "audit" / "a" / "b" / "x.audit.jsonl", root / "audit" / "y.audit.jsonl", root / "clean" / "p.jsonl"]
    for path in files:
        with jsonl.atomic_open(path, sync=False) as f:
            f.write(b"{}\n")
    synced: list[Path] = []
    real = jsonl._fsync
    monkeypatch.setattr(jsonl, "_fsync", lambda p: (synced.append(Path(p)), real(p)))
    jsonl.sync_files(files, root)
    folders = [root / "audit" / "a" / "b", root / "audit" / "a", root / "audit", root / "clean", root]
    assert synced[:3] == files and sorted(synced[3:]) == sorted(folders)
    assert synced[-1] == root  # a folder after every folder inside it
    assert synced.index(root / "audit" / "a" / "b") < synced.index(root / "audit" / "a") < synced.index(root / "audit")
    assert tmp_path not in synced  # nothing above the output folder


def test_write_outputs_does_not_flush_the_whole_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """os.sync() flushed every process's dirty pages and charged the time to the task."""
    import os

    from pipeline.cli import main

    monkeypatch.setattr(os, "sync", lambda: pytest.fail("os.sync called"))
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Un article assez long pour rester.\n" * 20, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", "--input", str(tmp_path / "in"), "--output", str(out), "--local-scheduler",
                 "--languages", "any"]) == 0  # fmt: skip
    assert (out / "manifest.json").exists()
