"""Rule packs are validated on load, with errors that name the file and the rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import RuleError
from pipeline.rules.loader import load_pack, load_ruleset


def _pack(tmp_path: Path, body: str, name: str = "p.toml") -> Path:
    path = tmp_path / name
    path.write_text('[pack]\nid = "t"\n' + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[[rule]]\nid = "a"\npatterns = ["(unclosed"]\n', "does not compile"),
        ('[[rule]]\nid = "a"\npatterns = ["x"]\ncolour = "red"\n', "unknown field(s) colour"),
        ('[[rule]]\nid = "a"\npatterns = [".*"]\n', "matches the empty line"),
        ('[[rule]]\nid = "a"\npatterns = [""]\n', "empty pattern"),
        ('[[rule]]\nid = "a"\nkind = "magic"\npatterns = ["x"]\n', "kind 'magic'"),
        ('[[rule]]\nid = "a"\nkind = "block"\nmarker = ["x"]\n', "needs take"),
        ('[[rule]]\nid = "a"\nkind = "feature"\nwhen = { min_colour = 1 }\n', "unknown condition"),
        ('[[rule]]\nid = "A B"\npatterns = ["x"]\n', "needs an id"),
        ('[[rule]]\nid = "a"\npatterns = ["(a+)+$"]\n', "too slow"),
    ],
)
def test_invalid_rules_are_refused_with_file_and_rule(tmp_path: Path, body: str, message: str) -> None:
    path = _pack(tmp_path, body)
    with pytest.raises(RuleError) as err:
        load_pack(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_duplicate_ids_across_packs(tmp_path: Path) -> None:
    _pack(tmp_path, '[[rule]]\nid = "a"\npatterns = ["x"]\n', "one.toml")
    _pack(tmp_path, '[[rule]]\nid = "a"\npatterns = ["y"]\n', "two.toml")
    with pytest.raises(RuleError, match="already defined"):
        load_ruleset([tmp_path], [])


def test_site_pack_needs_site_table(tmp_path: Path) -> None:
    _pack(tmp_path, '[[rule]]\nid = "a"\npatterns = ["x"]\n')
    with pytest.raises(RuleError, match=r"\[site\]"):
        load_ruleset([], [tmp_path])


def test_valid_pack_loads(tmp_path: Path) -> None:
    path = _pack(tmp_path, '[[rule]]\nid = "a"\nexact = ["URL courte"]\nexamples.match = ["URL  courte"]\n')
    pack = load_pack(path)
    assert pack.rules[0].id == "t.a"
    assert "url courte" in pack.rules[0].exact


def test_shape_words_are_part_of_the_chrome_fingerprint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """configs/lexicon decides the dateline and end-mark features: a change reruns chrome, not encoding."""
    import shutil

    from pipeline import settings as settings_module

    lexicon = tmp_path / "lexicon"
    shutil.copytree(settings_module.LEXICON, lexicon)
    monkeypatch.setattr(settings_module, "LEXICON", lexicon)
    s = settings_module.load_settings()
    before = {stage: s.fingerprint(stage) for stage in ("encoding", "chrome", "normalise")}
    (lexicon / "shapes.toml").write_text((lexicon / "shapes.toml").read_text() + "\n# changed\n")
    after = {stage: s.fingerprint(stage) for stage in ("encoding", "chrome", "normalise")}
    assert after["encoding"] == before["encoding"]
    assert after["chrome"] != before["chrome"] and after["normalise"] != before["normalise"]
