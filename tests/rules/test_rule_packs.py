"""Every rule carries its own examples: `match` lines it must take, `keep` lines it must leave.

Each rule is checked on its own, and then through the real matcher in first-match order, as the
chrome stage runs it: a `match` line must be taken by this very rule (an earlier rule that takes
it first would make the example prove nothing), and a `keep` line must pass every rule.
"""

from __future__ import annotations

import pytest

from pipeline.core import Context
from pipeline.rules.features import LineFeatures, line_key
from pipeline.rules.loader import RuleSet
from pipeline.rules.model import Rule
from pipeline.settings import load_settings

RULESET: RuleSet = Context.load(load_settings()).rules
RULES = [r for p in RULESET.all_packs() for r in p.rules if r.kind != "context"]
SITE_OF = {r.id: p.site.id if p.site else None for p in RULESET.all_packs() for r in p.rules}


def _zone(rule: Rule) -> str:
    return {"any": "body", "edge": "head"}.get(rule.zone, rule.zone)


def _feats(text: str, rule: Rule) -> LineFeatures:
    feats = LineFeatures.of(text)
    # A rule bound to the lower part of the page is shown its examples there; the others in the
    # upper part, where those position-bound rules do not reach over them.
    feats.pos = 0.9 if any(c.feature == "pos" for c in rule.when) else 0.3
    return feats


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_examples(rule: Rule) -> None:
    for text in rule.examples_match:
        assert rule.matches(line_key(text), _feats(text, rule), _zone(rule)), f"{rule.id} should match {text!r}"
    for text in rule.examples_keep:
        assert not rule.matches(line_key(text), _feats(text, rule), _zone(rule)), f"{rule.id} should not match {text!r}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_examples_in_first_match_order(rule: Rule) -> None:
    matcher = RULESET.matcher(SITE_OF[rule.id])
    if rule.role == "section-heading":  # drops nothing: no rule takes its heading, it ends blocks
        for text in rule.examples_match:
            found = matcher.first(line_key(text), _feats(text, rule), _zone(rule))
            assert found is None, f"section heading {text!r} is dropped by {found.id}"
            assert matcher.heads_section(line_key(text), _feats(text, rule), _zone(rule)), text
        return
    for text in rule.examples_match:
        found = matcher.first(line_key(text), _feats(text, rule), _zone(rule))
        assert found is not None and found.id == rule.id, f"{text!r} is taken by {found and found.id}, not {rule.id}"
    for text in rule.examples_keep:
        found = matcher.first(line_key(text), _feats(text, rule), _zone(rule))
        assert found is None, f"{rule.id} keep example {text!r} is dropped by {found and found.id}"


def test_every_rule_has_examples() -> None:
    missing = [r.id for r in RULES if not r.examples_match]
    assert not missing, f"rules without match examples: {missing}"
    missing = [r.id for r in RULES if not r.examples_keep]
    assert not missing, f"rules without keep examples: {missing}"


def test_generic_rules_leave_real_sentences_alone() -> None:
    """Content sentences that contain words used as chrome elsewhere."""
    sentences = [
        "Partager le pouvoir n'a jamais été son fort, a reconnu le maire devant le conseil municipal.",
        "La section International du journal a été réorganisée en 2019 sous la direction de Marie Dupuis.",
        "Les tags sur les murs de la mairie ont été effacés dès le lendemain par les services techniques.",
        "Publicité mensongère : l'enseigne a été condamnée à verser 20 000 euros d'amende au consommateur.",
        "Selon lui, Washington commence à voir clair et à se rendre compte de la situation.",
        "Le montant total des aides versées atteint 3 310 010 euros, selon le rapport de la Cour des comptes.",
    ]
    generic = [r for r in RULES if r.id.startswith("generic.")]
    for text in sentences:
        hits = [r.id for r in generic if r.matches(line_key(text), _feats(text, r), "body")]
        assert not hits, f"{text!r} matched {hits}"
