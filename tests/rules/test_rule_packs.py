"""Every rule carries its own examples: `match` lines it must take, `keep` lines it must leave."""

from __future__ import annotations

import pytest

from pipeline.core import Context
from pipeline.rules.features import LineFeatures, line_key
from pipeline.rules.model import Rule
from pipeline.settings import load_settings

RULES = [r for p in Context.load(load_settings()).rules.all_packs() for r in p.rules if r.kind != "context"]


def _zone(rule: Rule) -> str:
    return {"any": "body", "edge": "head"}.get(rule.zone, rule.zone)


def _feats(text: str) -> LineFeatures:
    feats = LineFeatures.of(text)
    feats.pos = 0.9  # examples stand low in the page, where position-bound rules apply
    return feats


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_examples(rule: Rule) -> None:
    for text in rule.examples_match:
        assert rule.matches(line_key(text), _feats(text), _zone(rule)), f"{rule.id} should match {text!r}"
    for text in rule.examples_keep:
        assert not rule.matches(line_key(text), _feats(text), _zone(rule)), f"{rule.id} should not match {text!r}"


def test_every_rule_has_examples() -> None:
    missing = [r.id for r in RULES if not r.examples_match]
    assert not missing, f"rules without examples: {missing}"


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
        hits = [r.id for r in generic if r.matches(line_key(text), _feats(text), "body")]
        assert not hits, f"{text!r} matched {hits}"
