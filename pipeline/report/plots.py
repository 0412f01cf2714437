"""The run report's plots: small hand-written SVG, returned as inline `<svg>` strings.

Three kinds of chart cover the report: horizontal bars labelled with their counts, histograms with
axes, and stacked bars per site. Text stays text (searchable, selectable), every label is escaped,
each bar carries a `<title>` tooltip, and numbers are formatted with fixed precision, so the same
data always gives the same bytes. No plotting library: drawing five charts takes milliseconds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from pipeline.report.html import esc

WIDTH = 720  # pixels; the report scales the SVG down to its column
ROW = 18  # pixels per bar in horizontal bar charts
HIST_HEIGHT = 150  # pixels of a histogram's plot area
TOP, BOTTOM = 30, 44  # room for the title above, the value axis and its label below
CHAR_PX = 6.2  # average width of a character at FONT_SIZE, to size the label column
LABEL_CHARS = 40  # longer labels are cut (the full label is in the bar's tooltip)
FONT, FONT_SIZE = "system-ui,-apple-system,Segoe UI,sans-serif", 11
MIDDLE = ' dy="0.35em"'  # text vertically centred on its y
CLEAN, REJECTED, REMOVED = "#4c78a8", "#e45756", "#f58518"
AXIS, GRID, INK = "#888", "#e8e8e8", "#222"


def _f(x: float) -> str:
    return f"{x:.1f}"


def text(x: float, y: float, s: object, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}"{extra}>{esc(s)}</text>'


def rect(x: float, y: float, w: float, h: float, fill: str, tip: str) -> str:
    return (f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(w)}" height="{_f(h)}" fill="{fill}">'
            f"<title>{esc(tip)}</title></rect>")  # fmt: skip


def line(x1: float, y1: float, x2: float, y2: float, stroke: str = AXIS) -> str:
    return f'<line x1="{_f(x1)}" y1="{_f(y1)}" x2="{_f(x2)}" y2="{_f(y2)}" stroke="{stroke}"/>'


def svg(width: float, height: float, name: str, title: str, parts: Sequence[str]) -> str:
    size = f'width="{_f(width)}" height="{_f(height)}" viewBox="0 0 {_f(width)} {_f(height)}"'
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" data-plot="{esc(name)}" {size} role="img" '
            f'aria-label="{esc(title)}" font-family="{FONT}" font-size="{FONT_SIZE}" fill="{INK}">')  # fmt: skip
    return head + "".join(parts) + "</svg>"


def heading(x: float, s: str) -> str:
    return text(x, 16, s, "middle", ' font-size="12" font-weight="600"')


def nice(x: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, … that is at least x."""
    step = 1
    while True:
        for m in (1, 2, 5):
            if step * m >= x:
                return step * m
        step *= 10


def ticks(high: float) -> list[int]:
    """About five round, whole-number ticks from 0 to at least `high`."""
    step = nice(max(high, 1) / 5)
    return [i * step for i in range(math.ceil(max(high, 1) / step) + 1)]


def value_axis(x: float, y: float, width: float, high: float, label: str, grid: bool = True) -> tuple[list[str], float]:
    """A horizontal axis at height `y`, ticks and (vertical) grid lines; returns it and pixels per unit."""
    marks = ticks(high)
    scale = width / marks[-1]
    parts = [line(x, y, x + width, y)]
    for t in marks:
        at = x + t * scale
        parts += [line(at, TOP, at, y, GRID)] if grid else []
        parts += [line(at, y, at, y + 4), text(at, y + 15, f"{t:,}", "middle")]
    parts.append(text(x + width / 2, y + 33, label, "middle"))
    return parts, scale


def count_axis(x: float, y: float, size: tuple[float, float], high: float, label: str) -> tuple[list[str], float]:
    """A vertical axis of counts at `x`, (horizontal) grid lines; returns it and pixels per unit."""
    width, height = size
    marks = ticks(high)
    scale = height / marks[-1]
    parts = [line(x, y, x, y - height)]
    for t in marks:
        at = y - t * scale
        parts += [line(x, at, x + width, at, GRID), line(x - 4, at, x, at), text(x - 7, at, f"{t:,}", "end", MIDDLE)]
    at, mid = x - 14 - tick_width(marks), y - height / 2
    parts.append(text(at, mid, label, "middle", f' transform="rotate(-90 {_f(at)} {_f(mid)})"'))
    return parts, scale


def tick_width(marks: Sequence[int]) -> float:
    return CHAR_PX * len(f"{marks[-1]:,}")


def short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def label_column(labels: Sequence[str]) -> float:
    return 12 + CHAR_PX * max([len(short(label)) for label in labels] or [1])


def row_label(x: float, i: int, label: str) -> str:
    return text(x - 6, TOP + i * ROW + ROW / 2, short(label), "end", MIDDLE)


def bar_row(x: float, i: int, segments: Sequence[tuple[float, str]], tip: str, label: str) -> list[str]:
    """Row `i`'s bar from `x`: segments (pixels, colour) end to end, then `label` after them."""
    y, parts = TOP + i * ROW, []
    for width, fill in segments:
        if width > 0:
            parts.append(rect(x, y + 3, width, ROW - 6, fill, tip))
            x += width
    return [*parts, text(x + 4, y + ROW / 2, label, "start", MIDDLE + ' font-size="10"')]


def bars(counts: Sequence[tuple[str, int]], title: str, xlabel: str, name: str, colors: Sequence[str] = ()) -> str:
    """A horizontal bar chart, largest first at the top, each bar labelled with its count."""
    left = label_column([label for label, _ in counts])
    bottom = TOP + ROW * len(counts)
    parts, scale = value_axis(left, bottom, WIDTH - left - 60, max([v for _, v in counts] or [1]), xlabel)
    for i, (label, value) in enumerate(counts):
        fill = colors[i] if i < len(colors) else CLEAN
        parts += [
            row_label(left, i, label),
            *bar_row(left, i, [(value * scale, fill)], f"{label}: {value:,}", f"{value:,}"),
        ]
    return svg(WIDTH, bottom + BOTTOM, name, title, [heading(WIDTH / 2, title), *parts])


def histogram(x: float, width: float, values: Sequence[float], span: int, title: str, xlabel: str) -> list[str]:
    """One histogram panel at `x`: `values` from 0 to `span` in up to 40 equal whole-number bins."""
    n = next((b for b in (40, 20, 10) if span % b == 0), span)
    step = span // n
    counts = [0] * n
    for v in values:
        counts[min(max(int(v * n / span), 0), n - 1)] += 1
    margin = 26 + tick_width(ticks(max(counts)))  # the count labels and the axis title
    left, bottom, plot_w = x + margin, TOP + HIST_HEIGHT, width - margin - 14
    parts, y_scale = count_axis(left, bottom, (plot_w, HIST_HEIGHT), max(counts), "documents")
    axis, x_scale = value_axis(left, bottom, plot_w, span, xlabel, grid=False)
    for i, c in enumerate(counts):
        if c:
            tip = f"{i * step:,} to {(i + 1) * step:,}: {c:,} document{'s' if c > 1 else ''}"
            at = left + i * step * x_scale
            parts.append(rect(at + 0.5, bottom - c * y_scale, step * x_scale - 1, c * y_scale, REMOVED, tip))
    return [heading(left + plot_w / 2, title), *parts, *axis]


def removed_histograms(removed: Sequence[int], shares: Sequence[float]) -> str:
    """Characters removed per kept document: absolute, and as a share of the document."""
    half = WIDTH / 2
    span = ticks(max(removed, default=0))[-1]
    parts = histogram(0, half, removed, span, "characters removed per document", "characters")
    percent = [100 * s for s in shares]
    parts += histogram(half, half, percent, 100, "share of the document removed", "% of its characters")
    return svg(WIDTH, TOP + HIST_HEIGHT + BOTTOM, "removed", "characters removed per kept document", parts)


def sites(rows: Sequence[tuple[str, int, int, float | None]]) -> str:
    """Per site: documents kept and rejected (stacked), and the share of characters removed from kept ones."""
    left = label_column([r[0] for r in rows])
    docs_w = (WIDTH - left - 100) * 0.6
    share_x = left + docs_w + 50
    share_w = WIDTH - share_x - 40
    bottom = TOP + ROW * len(rows)
    docs, d = value_axis(left, bottom, docs_w, max([r[1] + r[2] for r in rows] or [1]), "documents")
    share, s = value_axis(share_x, bottom, share_w, 100, "% of their characters")
    parts = [heading(left + docs_w / 2, "documents per site"), *docs, *share,
             heading(share_x + share_w / 2, "removed from kept documents")]  # fmt: skip
    for i, (site, clean, rejected, removed) in enumerate(rows):
        tip = f"{site}: {clean:,} clean, {rejected:,} rejected or quarantined"
        segments = [(clean * d, CLEAN), (rejected * d, REJECTED)]
        parts += [row_label(left, i, site), *bar_row(left, i, segments, tip, f"{clean + rejected:,}")]
        pct = "—" if removed is None else f"{100 * removed:.0f}%"
        tip = f"{site}: {pct} of the characters of kept documents removed"
        parts += bar_row(share_x, i, [(100 * (removed or 0) * s, REMOVED)], tip, pct)
    parts += legend(left, bottom + BOTTOM + 8)
    return svg(WIDTH, bottom + BOTTOM + 18, "sites", "documents per site", parts)


def legend(x: float, y: float) -> list[str]:
    parts = []
    for color, label in ((CLEAN, "clean"), (REJECTED, "rejected or quarantined")):
        parts += [f'<rect x="{_f(x)}" y="{_f(y - 5)}" width="10" height="10" fill="{color}"/>',
                  text(x + 14, y, label, "start", MIDDLE)]  # fmt: skip
        x += 28 + CHAR_PX * len(label)
    return parts
