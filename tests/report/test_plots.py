"""The report's inline SVG plots (pipeline/report/plots.py): well formed, escaped, to scale, same bytes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pipeline.report import plots as plot_colors
from pipeline.report import ranked, rule_color
from tests.report.conftest import manifest_of

SVG = "{http://www.w3.org/2000/svg}"


def plots(html: str) -> dict[str, ET.Element]:
    """Each inline plot, parsed as XML (so well formed), by name."""
    found = [ET.fromstring(svg) for svg in re.findall(r"<svg\b.*?</svg>", html, re.S)]
    return {str(svg.get("data-plot")): svg for svg in found}


def bars_of(svg: ET.Element) -> list[tuple[str, str]]:
    """The bars of a plot, top to bottom: (tooltip, fill colour); each bar is a rect with a <title>."""
    rects = [r for r in svg.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    return [("".join(r.itertext()), str(r.get("fill"))) for r in rects]


def labels_of(svg: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]


def test_plots_are_inline_svg(seeds_out: Path, seeds_html: str) -> None:
    manifest = manifest_of(seeds_out)
    drawn = plots(seeds_html)
    assert sorted(drawn) == ["languages", "removed", "rules", "sites"]  # no rejections: nothing to plot
    rules = drawn["rules"]  # one bar per rule, coloured by kind, labelled with its id and count
    assert bars_of(rules) == [(f"{rule}: {n}", rule_color(rule)) for rule, n in ranked(manifest["rules"])]
    assert "site.sputnik.short-url" in labels_of(rules) and "lines dropped per rule" in labels_of(rules)
    assert bars_of(drawn["languages"]) == [("fr: 5", plot_colors.CLEAN)]
    sites = dict(bars_of(drawn["sites"]))
    assert {tip.split(":")[0] for tip in sites} == {"sputnik", "cvn", "vov", "xinhua"}
    assert sites["sputnik: 2 clean, 0 rejected or quarantined"] == plot_colors.CLEAN
    assert len(sites) == 8  # per site: a clean bar and a share-removed bar, no empty rejected bar
    assert {"clean", "rejected or quarantined", "documents per site"} <= set(labels_of(drawn["sites"]))
    removed = drawn["removed"]  # two histograms of the 5 clean documents
    counted = [int(tip.split(": ")[1].split()[0]) for tip, _ in bars_of(removed)]
    assert sum(counted) == 2 * 5 and {"characters", "% of its characters", "documents"} <= set(labels_of(removed))


def bar_widths(svg: ET.Element) -> list[float]:
    rects = [r for r in svg.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    return [float(str(r.get("width"))) for r in rects]


def test_plot_labels_are_escaped_and_cut() -> None:
    odd = 'a<b>&"c\x00d</svg>' + "x" * 60  # a site or rule name may hold any character
    svg = plot_colors.bars([(odd, 10), ("plain", 5)], "t<", "x&", "odd")
    tree = ET.fromstring(svg)  # well-formed XML: nothing unescaped, no character XML forbids
    tips = [tip for tip, _ in bars_of(tree)]
    assert tips == [odd.replace("\x00", "\ufffd") + ": 10", "plain: 5"]  # the tooltip keeps the whole label
    cut = next(t for t in labels_of(tree) if t.startswith("a<b>"))
    assert len(cut) == plot_colors.LABEL_CHARS and cut.endswith("…")
    assert {"t<", "x&", "10", "5"} <= set(labels_of(tree))
    wide, narrow = bar_widths(tree)
    assert wide == pytest.approx(2 * narrow, abs=0.2)  # bars to scale
    assert svg == plot_colors.bars([(odd, 10), ("plain", 5)], "t<", "x&", "odd")  # same data, same bytes


def test_histograms_count_every_document() -> None:
    removed, shares = [0, 5, 120, 3_999, 4_000], [0.0, 0.05, 0.5, 0.999, 1.0]
    tree = ET.fromstring(plot_colors.removed_histograms(removed, shares))
    tips = [tip for tip, _ in bars_of(tree)]
    assert tips == [
        *("0 to 100: 2 documents", "100 to 200: 1 document", "3,900 to 4,000: 2 documents"),  # 40 bins to 4,000
        *("0 to 5: 1 document", "5 to 10: 1 document", "50 to 55: 1 document", "95 to 100: 2 documents"),  # 20 of 5%
    ]
    assert {"1", "2", "1,000", "4,000", "20", "100"} <= set(labels_of(tree))  # ticks: documents, characters, %
    assert ET.fromstring(plot_colors.removed_histograms([], []))  # nothing kept: empty axes, no error


def test_sites_stack_clean_and_rejected() -> None:
    tree = ET.fromstring(plot_colors.sites([("a", 30, 10, 0.25), ("b", 0, 20, None)]))
    bars = bars_of(tree)
    assert [fill for _, fill in bars] == [plot_colors.CLEAN, plot_colors.REJECTED, plot_colors.REMOVED,
                                          plot_colors.REJECTED]  # fmt: skip
    clean, rejected, _, only_rejected = bar_widths(tree)
    assert clean == pytest.approx(3 * rejected, abs=0.2) and only_rejected == pytest.approx(2 * rejected, abs=0.2)
    assert {"40", "20", "25%", "—"} <= set(labels_of(tree))
