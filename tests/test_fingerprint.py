"""One fingerprint per run: from the packs the run loaded, the data files and the library versions."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline import fingerprint, tasks
from pipeline.fingerprint import fingerprints_of
from pipeline.settings import CONFIG_DIR, load_settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def own_packs(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A settings file whose site packs are a copy this test may edit; the run caches are cleared."""
    packs = tmp_path / "sites"
    shutil.copytree(CONFIG_DIR / "rules" / "sites", packs)
    config = tmp_path / "settings.toml"
    config.write_text(f'[chrome]\nsite_packs = ["{packs}"]\n', encoding="utf-8")
    for cache in (tasks.settings_for, tasks.context_for, tasks.fingerprints_for):
        cache.cache_clear()
    yield str(config), packs
    for cache in (tasks.settings_for, tasks.context_for, tasks.fingerprints_for):
        cache.cache_clear()


def test_a_pack_edited_while_a_batch_runs_does_not_relabel_its_outputs(
    own_packs: tuple[str, Path], tmp_path: Path
) -> None:
    config, packs = own_packs
    loaded = tasks.fingerprints_for(config, "")  # what the CLI computes before Luigi forks the workers
    chrome = tasks.RemoveChrome(output_dir=str(tmp_path / "out"), plan="p1", shard=0, config=config)
    before = chrome.output().path
    assert loaded["chrome"] in before
    pack = packs / "cvn.toml"
    text = pack.read_text(encoding="utf-8")
    pack.write_text(text.replace('"vietnamplus.vn"]', '"vietnamplus.vn", "example.org"]'), encoding="utf-8")
    assert chrome.output().path == before  # the running batch keeps the fingerprint of what it loaded
    assert tasks.fingerprints_for(config, "") == loaded
    fresh = fingerprints_of(load_settings(config))  # a new run sees the edit
    assert fresh["chrome"] != loaded["chrome"] and fresh["encoding"] != loaded["encoding"]  # site detection


def test_a_changed_stopword_file_reruns_chrome_and_language_not_encoding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stopwords = tmp_path / "stopwords"
    shutil.copytree(fingerprint.STOPWORDS, stopwords)
    monkeypatch.setattr(fingerprint, "STOPWORDS", stopwords)
    settings = load_settings()
    before = fingerprints_of(settings)
    (stopwords / "fr.txt").write_text((stopwords / "fr.txt").read_text(encoding="utf-8") + "\nzorglub\n")
    after = fingerprints_of(settings)
    assert after["encoding"] == before["encoding"] and after["learn"] == before["learn"]
    assert all(after[s] != before[s] for s in ("chrome", "language", "normalise"))


def test_a_changed_module_reruns_every_stage_and_bytecode_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shards written by another version of the code are never resumed as this version's."""
    package = tmp_path / "pipeline"
    shutil.copytree(fingerprint.CODE, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(fingerprint, "CODE", package)
    settings = load_settings()
    before = fingerprints_of(settings)
    cache = package / "stages" / "__pycache__"
    cache.mkdir()
    (cache / "chrome.cpython-311.pyc").write_bytes(b"compiled elsewhere")
    assert fingerprints_of(settings) == before
    module = package / "stages" / "paragraphs.py"
    module.write_text(module.read_text(encoding="utf-8") + "\n# a fix\n", encoding="utf-8")
    after = fingerprints_of(settings)
    assert all(after[s] != before[s] for s in fingerprint.STAGES)


USERS = [("ftfy", "encoding"), ("trafilatura", "encoding"), ("markdown-it-py", "encoding"), ("langdetect", "language")]


@pytest.mark.parametrize(("library", "first_changed"), USERS)
def test_a_library_version_is_part_of_the_stages_that_use_it(
    library: str, first_changed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings()
    before = fingerprints_of(settings)
    real = fingerprint.library_versions

    def bumped(names: tuple[str, ...]) -> dict[str, str]:
        return {name: version + ".1" if name == library else version for name, version in real(names).items()}

    monkeypatch.setattr(fingerprint, "library_versions", bumped)
    after = fingerprints_of(settings)
    changed = [s for s in fingerprint.STAGES if after[s] != before[s]]
    assert changed == list(fingerprint.STAGES[fingerprint.STAGES.index(first_changed) :])


def test_the_fingerprint_of_loaded_packs_does_not_depend_on_the_process() -> None:
    """Sets (a rule's exact strings) iterate in a per-process order: the digest must sort them."""
    code = "from pipeline.fingerprint import fingerprints_of; from pipeline.settings import load_settings; " \
           "print(fingerprints_of(load_settings()).as_dict())"  # fmt: skip
    seen = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        seen.add(run.stdout)
    assert len(seen) == 1


def test_the_fingerprints_do_not_depend_on_where_the_configs_live(tmp_path: Path) -> None:
    """A checkout moved or cloned elsewhere holds the same packs and model: its batches must not rerun."""
    copy = tmp_path / "elsewhere"
    shutil.copytree(CONFIG_DIR / "rules", copy / "rules")
    shutil.copy(CONFIG_DIR / "models" / "line-model.json", copy / "line-model.json")
    config = tmp_path / "settings.toml"
    config.write_text(f'[chrome]\ngeneric_packs = ["{copy}/rules/generic"]\nsite_packs = ["{copy}/rules/sites"]\n'
                      f'line_model = "{copy}/line-model.json"\n', encoding="utf-8")  # fmt: skip
    moved = load_settings(config)
    assert moved.chrome.generic_packs != load_settings().chrome.generic_packs
    assert fingerprints_of(moved) == fingerprints_of(load_settings())
    # ...while a changed model still changes them
    model = copy / "line-model.json"
    model.write_text(model.read_text(encoding="utf-8").replace('"bias"', '"bias" ', 1) + "\n", encoding="utf-8")
    assert fingerprints_of(load_settings(config))["chrome"] != fingerprints_of(load_settings())["chrome"]
