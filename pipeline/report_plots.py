"""The run report's plots: matplotlib figures rendered to inline SVG strings.

Figures are made with the object API (`matplotlib.figure.Figure`), never pyplot, so no GUI backend
and no global figure state is involved; the SVG keeps text as text (`svg.fonttype = none`: small,
searchable) and carries no date, so the same data gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

WIDTH = 7.5  # inches
BAR_HEIGHT = 0.24  # inches per bar in horizontal bar charts
CLEAN, REJECTED, REMOVED, OTHER = "#4c78a8", "#e45756", "#f58518", "#9d9d9d"
_STYLE: Any = {"svg.fonttype": "none", "font.size": 9, "axes.spines.top": False, "axes.spines.right": False}
_NO_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


def to_svg(fig: Figure, name: str) -> str:
    """The figure as an `<svg>` element to inline in HTML (no XML prolog, no metadata block)."""
    buf = io.StringIO()
    style: Any = {**_STYLE, "svg.hashsalt": name}
    with matplotlib.rc_context(style):
        fig.savefig(buf, format="svg", metadata=_NO_METADATA, bbox_inches="tight")
    text = buf.getvalue()
    return text[text.index("<svg") :].strip()


def _figure(height: float) -> Figure:
    with matplotlib.rc_context(_STYLE):
        return Figure(figsize=(WIDTH, height), layout="constrained")


def removed_histograms(removed: Sequence[int], shares: Sequence[float]) -> str:
    """Characters removed per kept document: absolute, and as a share of the document."""
    with matplotlib.rc_context(_STYLE):
        fig = _figure(2.8)
        left, right = fig.subplots(1, 2)
        left.hist(np.asarray(removed, dtype=np.int64), bins=40, color=REMOVED)
        left.set(title="characters removed per document", xlabel="characters", ylabel="documents")
        right.hist(np.asarray(shares, dtype=np.float64) * 100, bins=20, range=(0, 100), color=REMOVED)
        right.set(title="share of the document removed", xlabel="% of its characters", ylabel="documents")
        for ax in (left, right):
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        return to_svg(fig, "removed")


def bars(counts: Sequence[tuple[str, int]], title: str, xlabel: str, name: str, colors: Sequence[str] = ()) -> str:
    """A horizontal bar chart, largest first at the top, each bar labelled with its count."""
    labels = [label for label, _ in counts][::-1]
    values = [value for _, value in counts][::-1]
    with matplotlib.rc_context(_STYLE):
        fig = _figure(0.9 + BAR_HEIGHT * len(counts))
        ax = fig.subplots()
        drawn = ax.barh(labels, values, color=list(colors)[::-1] or CLEAN)
        ax.bar_label(drawn, labels=[f"{v:,}" for v in values], padding=3, fontsize=8)
        ax.set(title=title, xlabel=xlabel)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.margins(x=0.12, y=0.01)
        return to_svg(fig, name)


def sites(rows: Sequence[tuple[str, int, int, float | None]]) -> str:
    """Per site: documents kept and rejected (stacked), and the share of characters removed from kept ones."""
    names = [r[0] for r in rows][::-1]
    clean = np.array([r[1] for r in rows][::-1])
    rejected = np.array([r[2] for r in rows][::-1])
    removed = [100 * r[3] if r[3] is not None else 0.0 for r in rows][::-1]
    with matplotlib.rc_context(_STYLE):
        fig = _figure(1.0 + BAR_HEIGHT * len(rows))
        docs, share = fig.subplots(1, 2, sharey=True, width_ratios=(3, 2))
        docs.barh(names, clean, color=CLEAN, label="clean")
        docs.barh(names, rejected, left=clean, color=REJECTED, label="rejected or quarantined")
        docs.set(title="documents per site", xlabel="documents")
        docs.xaxis.set_major_locator(MaxNLocator(integer=True))
        docs.legend(loc="lower right", fontsize=8, frameon=False)
        drawn = share.barh(names, removed, color=REMOVED)
        share.bar_label(drawn, labels=[f"{v:.0f}%" for v in removed], padding=3, fontsize=8)
        share.set(title="characters removed from kept documents", xlabel="%", xlim=(0, 115))
        return to_svg(fig, "sites")
