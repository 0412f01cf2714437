"""Rule packs are validated on load, with errors that name the file and the rule."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.errors import RuleError
from pipeline.rules import loader
from pipeline.rules.features import LineFeatures
from pipeline.rules.loader import CONTEXT_ROLES, MATCH_ROLES, load_pack, load_ruleset
from pipeline.settings import CONFIG_DIR
from tests.conftest import SEEDS, run_cli


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
        # Patterns run joined into one expression per rule: what only compiles alone is refused.
        ('[[rule]]\nid = "a"\npatterns = ["(?x) share"]\n', "inline flag (?x)"),
        ('[[rule]]\nid = "a"\npatterns = ["x", "(?i)^y"]\n', "inline flag (?i)"),
        ('[[rule]]\nid = "a"\npatterns = ["(?ms)y"]\n', "inline flag (?ms)"),
        ('[[rule]]\nid = "a"\npatterns = ["(a)b\\\\1"]\n', "refers to a group by number"),
        ('[[rule]]\nid = "a"\npatterns = ["(a)?(?(1)b|c)"]\n', "refers to a group by number"),
        ('[[rule]]\nid = "a"\npatterns = ["(?P<w>a)x", "(?P<w>b)y"]\n', "joined into one expression"),
        # Roles: what code asks the packs for.
        ('[[rule]]\nid = "a"\nrole = "payfall"\npatterns = ["x"]\n', "unknown role 'payfall'"),
        ('[[rule]]\nid = "a"\nkind = "context"\n', "needs role = one of"),
        ('[[rule]]\nid = "a"\nkind = "context"\nrole = "paywall"\n', "needs role = one of"),
        ('[[rule]]\nid = "a"\nrole = "title"\npatterns = ["x"]\n', "unknown role 'title'"),
        (
            '[[rule]]\nid = "a"\nkind = "block"\nrole = "section-heading"\nmarker = ["x"]\ntake = "next"\n',
            "is for line rules",
        ),
    ],
)
def test_invalid_rules_are_refused_with_file_and_rule(tmp_path: Path, body: str, message: str) -> None:
    path = _pack(tmp_path, body)
    with pytest.raises(RuleError) as err:
        load_pack(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)
    assert "t.a" in str(err.value) or message == "needs an id"


@pytest.mark.parametrize(
    "pattern",
    [r"^(?x: a  b )$", r"(?i:A)b", r"(?P<w>a)(?P=w)", r"[\1x]y", r"\\1", r"^a|^b", r"^[|]x$", r"\(?(x)"],
)
def test_patterns_legal_as_parts_of_the_joined_expression_load(tmp_path: Path, pattern: str) -> None:
    path = _pack(tmp_path, f"[[rule]]\nid = \"a\"\npatterns = ['''{pattern}''', 'zz']\n")
    assert load_pack(path).rules[0].text_test is not None  # compiled in the form it runs in


def test_code_finds_rules_by_role_not_by_id(tmp_path: Path) -> None:
    _pack(tmp_path, '[[rule]]\nid = "wall"\nrole = "paywall"\npatterns = ["x"]\n', "one.toml")
    _pack(tmp_path, '[[rule]]\nid = "stub"\nkind = "context"\nrole = "teaser-only"\n', "two.toml")
    ruleset = load_ruleset([tmp_path], [])
    assert ruleset.with_role("paywall") == {"t.wall"}
    assert ruleset.with_role("teaser-only") == {"t.stub"}
    assert ruleset.with_role("listing") == frozenset()
    with pytest.raises(ValueError, match="unknown rule role"):
        ruleset.with_role("payfall")


def test_rules_marked_inline_are_found_by_the_mark(tmp_path: Path) -> None:
    _pack(tmp_path, '[[rule]]\nid = "credit"\ninline = true\npatterns = ["x"]\n', "one.toml")
    _pack(tmp_path, '[[rule]]\nid = "box"\npatterns = ["y"]\n', "two.toml")
    assert load_ruleset([tmp_path], []).inline() == {"t.credit"}


@pytest.mark.parametrize(
    "body", ['inline = "yes"\npatterns = ["x"]', 'kind = "context"\nrole = "listing"\ninline = true']
)
def test_inline_is_a_flag_of_match_rules(tmp_path: Path, body: str) -> None:
    with pytest.raises(RuleError, match="inline must be true or false"):
        load_pack(_pack(tmp_path, f'[[rule]]\nid = "a"\n{body}\n'))


def test_a_context_role_is_held_by_one_rule(tmp_path: Path) -> None:
    _pack(tmp_path, '[[rule]]\nid = "a"\nkind = "context"\nrole = "listing"\n', "one.toml")
    _pack(tmp_path, '[[rule]]\nid = "b"\nkind = "context"\nrole = "listing"\n', "two.toml")
    with pytest.raises(RuleError, match=r"two.toml: rule t.b: role 'listing' is already held in .*one.toml"):
        load_ruleset([tmp_path], [])


def test_the_shipped_packs_hold_every_role_code_asks_for() -> None:
    ruleset = load_ruleset([CONFIG_DIR / "rules" / "generic"], [CONFIG_DIR / "rules" / "sites"])
    for role in (*CONTEXT_ROLES, *MATCH_ROLES):
        assert ruleset.with_role(role), role


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

    from pipeline import fingerprint
    from pipeline.settings import load_settings

    lexicon = tmp_path / "lexicon"
    shutil.copytree(fingerprint.LEXICON, lexicon)
    monkeypatch.setattr(fingerprint, "LEXICON", lexicon)
    s = load_settings()
    before = fingerprint.fingerprints_of(s).as_dict()
    (lexicon / "shapes.toml").write_text((lexicon / "shapes.toml").read_text() + "\n# changed\n")
    after = fingerprint.fingerprints_of(s).as_dict()
    assert after["encoding"] == before["encoding"]
    assert after["chrome"] != before["chrome"] and after["normalise"] != before["normalise"]


def test_run_refuses_an_inline_flag_with_one_line_and_exit_2(tmp_path: Path) -> None:
    """A pattern that compiles alone but not joined used to pass the check and crash the run."""
    packs = tmp_path / "packs"
    packs.mkdir()
    bad = _pack(packs, "[[rule]]\nid = \"verbose\"\npatterns = ['''(?x) ^ read \\s more $''']\n", "mine.toml")
    config = tmp_path / "settings.toml"
    config.write_text('[chrome]\ngeneric_packs = ["rules/generic", "packs"]\n')
    (tmp_path / "rules").symlink_to(CONFIG_DIR / "rules")
    result = run_cli("run", "--input", str(SEEDS), "--output", str(tmp_path / "out"), "--config", str(config))
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr[-2000:]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr[-2000:]
    assert str(bad.resolve()) in lines[0] and "rule t.verbose" in lines[0] and "(?x)" in lines[0]


def test_a_context_decision_is_audited_under_the_id_of_the_rule_holding_its_role(tmp_path: Path) -> None:
    ruleset = load_ruleset([CONFIG_DIR / "rules" / "generic"], [CONFIG_DIR / "rules" / "sites"])
    assert ruleset.decision_id("line-model") == "generic.model.line"
    assert ruleset.decision_id("foreign-paragraph") == "generic.language.foreign-paragraph"
    assert {ruleset.decision_id(role) for role in CONTEXT_ROLES} <= ruleset.rule_ids()
    assert load_ruleset([], [tmp_path]).decision_id("title") == "context.title"  # no pack declares it
    with pytest.raises(ValueError):
        ruleset.decision_id("paywall")


def test_a_pack_of_shapes_marks_its_rules_and_refuses_other_values(tmp_path: Path) -> None:
    pack = tmp_path / "p.toml"
    rule = '[[rule]]\nid = "dots"\npatterns = ["^[.]+$"]\nexamples.match = ["..."]\nexamples.keep = ["a."]\n'
    pack.write_text('[pack]\nid = "t.shape"\nshapes = true\n' + rule)
    assert [r.shape for r in load_pack(pack).rules] == [True]
    pack.write_text('[pack]\nid = "t.other"\n' + rule)
    assert [r.shape for r in load_pack(pack).rules] == [False]
    pack.write_text('[pack]\nid = "t.bad"\nshapes = "yes"\n' + rule)
    with pytest.raises(RuleError, match="shapes must be true or false"):
        load_pack(pack)


# A shipped pack's patterns are compiled alone only when their text could fail alone and not joined
# (loader._self_contained); the refusals and their messages are those of a pack compiled alone.
REFUSED_AS_ALONE = [
    ["(unclosed"],
    ["a)|(b"],  # would close the group around it when joined
    ["x", "a)", "(b"],
    ["*a"],
    ["abc\\"],  # a lone backslash at the end
    ["[abc", "x]"],  # a class left open
    [".*"],
    ["x", "y?"],  # matches the empty line
    ["^z", "^"],
    ["(?P<w>a)", "(?P=w)b"],  # names a group of another pattern
    ["(a)b\\1"],
    ["\\2"],
    ["(?x: a ) #)"],
    ["(?P<w>a)x", "(?P<w>b)y"],
]


@pytest.mark.parametrize("patterns", REFUSED_AS_ALONE)
def test_a_shipped_pack_is_refused_as_if_each_pattern_were_compiled_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, patterns: list[str]
) -> None:
    body = '[[rule]]\nid = "a"\npatterns = [' + ", ".join(f"'''{p}'''" for p in patterns) + "]\n"
    path = _pack(tmp_path, body)
    with pytest.raises(RuleError) as probed:
        load_pack(path)
    monkeypatch.setattr(loader, "shipped", lambda _: True)  # not probed, compiled alone only in doubt
    with pytest.raises(RuleError) as shipped:
        load_pack(path)
    assert str(shipped.value) == str(probed.value)


@pytest.mark.parametrize(
    ("pattern", "alone"),
    [("^(a|b)\\s+[(]x", True), ("\\(?x\\)", True), ("[^]()]+", True), ("a)|(b", False), ("[abc", False),
     ("abc\\", False), ("(?P=w)", False), ("(?(w)a|b)", False), ("a\\1", False), ("a#b", False),
     ("[[]x", False), ("((a)", False)],
)  # fmt: skip
def test_self_contained(pattern: str, alone: bool) -> None:
    assert loader._self_contained(pattern) is alone


def test_shipped_patterns_are_not_compiled_alone_at_load_but_on_demand() -> None:
    packs = load_ruleset([CONFIG_DIR / "rules" / "generic"], [CONFIG_DIR / "rules" / "sites"])
    patterns = [p for pack in packs.all_packs() for rule in pack.rules for p in rule.patterns]
    lazy = [p for p in patterns if "compiled" not in p.__dict__]
    assert len(lazy) > len(patterns) // 2
    for p in lazy:  # what compiling alone gives: the same flags, the same answers
        assert p.compiled.flags == p.flags == re.compile(p.pattern, re.IGNORECASE).flags


def test_a_section_heading_drops_nothing_and_is_asked_apart(tmp_path: Path) -> None:
    _pack(tmp_path, '[[rule]]\nid = "notes"\nrole = "section-heading"\npatterns = ["^notes$"]\n', "one.toml")
    _pack(tmp_path, '[[rule]]\nid = "menu"\npatterns = ["^menu$"]\n', "two.toml")
    matcher = load_ruleset([tmp_path], []).matcher(None)
    notes, menu = LineFeatures.of("Notes"), LineFeatures.of("Menu")
    assert matcher.first("notes", notes, "body") is None and matcher.first_slowly("notes", notes, "body") is None
    assert matcher.heads_section("notes", notes, "body")
    assert matcher.first("menu", menu, "body") is not None and not matcher.heads_section("menu", menu, "body")
