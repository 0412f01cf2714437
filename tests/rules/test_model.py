"""Rules and site information as loaded (pipeline/rules/model.py)."""

from __future__ import annotations

from pathlib import Path

from pipeline.core import Context
from pipeline.rules.features import line_key

ROOT = Path(__file__).resolve().parent.parent.parent


def test_site_markers_found_are_the_patterns_that_match(ctx: Context) -> None:
    """`SiteInfo.markers_found` runs a pattern only when one of its required strings is in the
    text: the count is still that of the patterns that match."""
    pages = [*(ROOT / "seeds").glob("*.txt"), *(ROOT / "tests" / "devset").rglob("*.txt")]
    texts = ["\n".join(line_key(x) for x in p.read_text(encoding="utf-8").splitlines() if x.strip()) for p in pages]
    texts += ["t + | t -", "intro\nT+|T-\nend", "t + | t - x", "+", "taille du texte\nt  +  |  t  -", ""]
    sites = [pack.site for pack in ctx.rules.sites.values() if pack.site]
    assert any(needs is not None and "+" in needs for site in sites for _, needs in site._detect_needs)
    hits = 0
    for site in sites:
        for text in texts:
            expected = sum(pattern.search(text) is not None for pattern in site.detect)
            assert site.markers_found(text) == expected, (site.id, text[:80])
            hits += expected
    assert hits > 3
