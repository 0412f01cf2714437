"""The start-up cache of prepared rule packs: the same rules as loading them, never a stale or foreign entry."""

from __future__ import annotations

import io
import os
import pickle
import re
from pathlib import Path

import pytest

from pipeline.core import Context, clean_document
from pipeline.document import Document
from pipeline.errors import RuleError
from pipeline.fingerprint import code_digest, run_fingerprints
from pipeline.rules import cache
from pipeline.rules.loader import RuleSet, load_ruleset
from pipeline.settings import Settings
from tests.conftest import SEEDS, run_cli, tree_digest

PACK = '[pack]\nid = "t"\n[[rule]]\nid = "menu"\npatterns = ["^(?:partager|share)\\\\b"]\n'


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("WEBCLEAN_CACHE", str(where))
    return where


def _packs(settings: Settings) -> tuple[list[Path], list[Path]]:
    return settings.pack_paths("generic"), settings.pack_paths("site")


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("rules-*.pickle"))


def _load_must_not_run(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> RuleSet:
        raise AssertionError("the packs were loaded again")

    monkeypatch.setattr(cache, "load_ruleset", refuse)


def test_the_cached_packs_clean_the_seeds_as_freshly_loaded_ones(
    folder: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = load_ruleset(*_packs(settings)).prepare()
    stored = cache.prepared_ruleset(*_packs(settings), code_digest())  # loads and stores
    assert len(_entries(folder)) == 1
    _load_must_not_run(monkeypatch)
    read = cache.prepared_ruleset(*_packs(settings), code_digest())  # read back
    assert read is not stored
    assert run_fingerprints(settings, read) == run_fingerprints(settings, fresh)
    for path in sorted(SEEDS.iterdir()):
        docs = [
            clean_document(Document(id="s", source=path.name, file=path.name), path.read_bytes(), Context(settings, r))
            for r in (fresh, read)
        ]
        assert docs[0].to_line() == docs[1].to_line(), path.name


def test_patterns_compiled_while_noted_are_stored_compiled_and_read_back_equal() -> None:
    texts = [(r"^(?P<w>\w+) (?:a|b)+$", re.I), ("x[yz]{2}", re.I | re.UNICODE), ("é+", 0)]
    with cache._noting_compiles() as compiled:
        noted = [re.compile(text + "(?#noted)", flags) for text, flags in texts]  # new texts: not in re's cache
    other = re.compile("compiled (?:elsewhere)")
    assert len(compiled) == len(texts) and all(id(p) in compiled for p in noted)
    assert re._compiler.compile is not None and "noting" not in re._compiler.compile.__name__  # put back
    buffer = io.BytesIO()
    cache._Pickler(buffer, compiled).dump([*noted, other])
    parsed: list[str] = []
    original = re._parser.parse
    with pytest.MonkeyPatch.context() as m:  # what is read back is not parsed again, except `other`
        m.setattr(re._parser, "parse", lambda p, *a: parsed.append(p) or original(p, *a))
        re.purge()
        read = pickle.loads(buffer.getvalue())
    assert parsed == ["compiled (?:elsewhere)"]
    assert read == [*noted, other]
    assert read[0].groupindex == {"w": 1} and read[0].match("Share aab").group("w") == "Share"
    assert read[2].search("cafééé").group() == "ééé"


def test_noting_compiles_leaves_re_alone_where_its_internals_differ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "_same_as_re", lambda: False)
    with cache._noting_compiles() as compiled:
        re.compile("another (?:text)(?#not noted)")
    assert compiled == {}


def test_a_pattern_that_does_not_compile_raises_re_s_own_error_while_noted() -> None:
    with cache._noting_compiles() as compiled, pytest.raises(re.error, match="missing \\), unterminated"):
        re.compile("(unclosed(?#noted)")
    assert "(unclosed(?#noted)" not in {pattern.pattern for pattern, _ in compiled.values()}


def test_an_edited_pack_is_loaded_again(folder: Path, tmp_path: Path) -> None:
    pack = tmp_path / "packs" / "t.toml"
    pack.parent.mkdir()
    pack.write_text(PACK, encoding="utf-8")
    first = cache.prepared_ruleset([pack.parent], [], "code")
    pack.write_text(PACK.replace('"menu"', '"menus"'), encoding="utf-8")
    second = cache.prepared_ruleset([pack.parent], [], "code")
    assert first.rule_ids() == {"t.menu"} and second.rule_ids() == {"t.menus"}
    assert len(_entries(folder)) == 2
    assert cache.prepared_ruleset([pack.parent], [], "other code").rule_ids() == {"t.menus"}
    assert len(_entries(folder)) == 3  # another version of the code: another entry


def _one_pack(tmp_path: Path) -> Path:
    pack = tmp_path / "t.toml"
    pack.write_text(PACK, encoding="utf-8")
    return pack


@pytest.mark.parametrize("damage", ["truncated", "flipped", "foreign"])
def test_a_damaged_or_foreign_entry_is_ignored_and_replaced(
    folder: Path, tmp_path: Path, damage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = _one_pack(tmp_path)
    cache.prepared_ruleset([pack], [], "code")
    [entry] = _entries(folder)
    data = entry.read_bytes()
    if damage == "truncated":
        entry.write_bytes(data[: len(data) // 2])
    elif damage == "flipped":
        entry.write_bytes(data[:-10] + bytes([data[-10] ^ 1]) + data[-9:])
    else:  # anyone may write it: not to be trusted
        os.chmod(entry, 0o666)
    loads = []
    monkeypatch.setattr(cache, "load_ruleset", lambda *a: loads.append(a) or load_ruleset(*a))
    assert cache.prepared_ruleset([pack], [], "code").rule_ids() == {"t.menu"}
    assert len(loads) == 1  # loaded from the pack, not the entry
    _load_must_not_run(monkeypatch)
    assert cache.prepared_ruleset([pack], [], "code").rule_ids() == {"t.menu"}  # the entry written again


def test_off_writes_nothing_and_an_unwritable_folder_is_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = _one_pack(tmp_path)
    monkeypatch.setenv("WEBCLEAN_CACHE", "off")
    assert cache.cache_folder() is None
    with monkeypatch.context() as m:
        m.setattr(cache, "write_entry", lambda *a: pytest.fail("wrote an entry"))
        assert cache.prepared_ruleset([pack], [], "code").rule_ids() == {"t.menu"}
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("WEBCLEAN_CACHE", str(blocked / "cache"))
    assert cache.prepared_ruleset([pack], [], "code").rule_ids() == {"t.menu"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "t.toml"]  # no temporary file left


def test_a_pack_that_does_not_load_raises_and_stores_nothing(folder: Path, tmp_path: Path) -> None:
    pack = tmp_path / "bad.toml"
    pack.write_text(PACK.replace("^(?:partager|share)", "(unclosed"), encoding="utf-8")
    with pytest.raises(RuleError, match="does not compile"):
        cache.prepared_ruleset([pack], [], "code")
    assert not _entries(folder)


def test_only_the_newest_entries_are_kept(folder: Path, tmp_path: Path) -> None:
    pack = _one_pack(tmp_path)
    for n in range(cache.KEEP + 3):
        cache.prepared_ruleset([pack], [], f"code {n}")
        for i, entry in enumerate(sorted(_entries(folder), key=lambda p: p.stat().st_mtime)):
            os.utime(entry, (1000 + i, 1000 + i))  # distinct times, in the order written
    assert len(_entries(folder)) == cache.KEEP
    assert not list(folder.glob(".rules-*"))  # no temporary file left behind


def test_a_run_from_the_cache_writes_the_same_outputs(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI: a first run fills the cache, a second reads it; both as a run without the cache."""
    digests = []
    for n, where in enumerate([str(folder), str(folder), "off"]):
        monkeypatch.setenv("WEBCLEAN_CACHE", where)
        out = tmp_path / f"out-{n}"
        result = run_cli("run", "--input", str(SEEDS), "--output", str(out), "--local-scheduler", "--quiet")
        assert result.returncode == 0, result.stderr
        digests.append(tree_digest(out))
        assert len(_entries(folder)) == 1
    assert digests[0] == digests[1] == digests[2]


def test_the_key_changes_with_the_lexicon_the_loader_checks_examples_with(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack, lexicon = _one_pack(tmp_path), tmp_path / "shapes.toml"
    lexicon.write_bytes(cache.LEXICON.read_bytes())
    monkeypatch.setattr(cache, "LEXICON", lexicon)
    before = cache.cache_key([pack], [], "code")
    assert cache.cache_key([pack], [], "code") == before
    lexicon.write_bytes(lexicon.read_bytes() + b"\n# edited\n")
    assert cache.cache_key([pack], [], "code") != before
