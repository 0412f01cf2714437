"""Chrome probes: does the text path remove each family of chrome in each language, and keep the article?

The probes (`tests/data/probes/<lang>.toml`) are written for webclean: per language, an article
and, per chrome family (comments, anti-spam notices, share/follow, newsletter, consent, related,
ads, navigation, login/paywall, print/font-size, copyright/licence, author box, tags, photo
credits; since session 11 also publication stamps and bylines, agency credits, footer and skip
links, teaser rails, article tools and app badges, embeds waiting for consent), the lines a site
of that language shows (`lines`; other layouts of the same family in `[[chrome.<family>.variant]]`, with a `gap` note
when one is known to leave chrome, and `places` when it stands at fewer places) and article
sentences that use the same words (`keep`). Each layout is placed at each place sites put it
(`PLACES`) in a page made of the title, the article and the family's `keep` sentences, and the
page runs through the chrome stage on the text path. A probe passes when every chrome line went
and every article line stayed (the title may also go to the record's title field); a cell of the
table, when all its probes pass.

    .venv/bin/python bench/chrome_probes.py            # the table: families x languages
    .venv/bin/python bench/chrome_probes.py --detail   # and each failing line, with the rule that dropped it

Exit 1 when a probe loses an article line or leaves chrome without a `gap` note
(`tests/test_chrome_probes.py` asserts the same, and that every noted gap still leaves chrome).
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core import Context
from pipeline.document import Document
from pipeline.settings import load_settings
from pipeline.stages.chrome import remove_chrome

PROBES = Path(__file__).resolve().parent.parent / "tests" / "data" / "probes"

# Where sites put a family: before the title (head), between the title and the first paragraph
# (top), after the second paragraph (middle), or after the article (tail). Each place is a probe;
# a layout's `places` may name fewer (a "more on this" box does not stand above the title).
PLACES = {
    "navigation": ("head", "tail"),
    "consent": ("head", "tail"),
    "print-font": ("top",),
    "share-follow": ("top", "middle", "tail"),
    "photo-credits": ("middle",),
    "ads": ("middle", "tail"),
    "newsletter": ("middle", "tail"),
    "related": ("middle", "tail"),
    "login-paywall": ("tail",),
    "comments": ("tail",),
    "anti-spam": ("tail",),
    "copyright": ("tail",),
    "author-box": ("tail",),
    "tags": ("middle", "tail"),
    "stamps": ("head", "top"),
    "agency": ("tail",),
    "footer": ("tail",),
    "rails": ("head", "tail"),
    "tools": ("top", "tail"),
    "embed": ("middle",),
}
FAMILIES = list(PLACES)


@dataclass
class Probe:
    """One family in one language: the page built for it and what the chrome stage did."""

    lang: str
    family: str
    place: str
    chrome: list[str]
    article: list[str]
    title: str
    layout: int = 0  # 0: the family's `lines`, k: its k-th variant
    gap: str = ""  # why this layout is known to leave chrome (the note in the data), else ''
    left: list[str] = field(default_factory=list)  # chrome lines kept
    lost: list[tuple[str, str]] = field(default_factory=list)  # article lines dropped, with the rule

    @property
    def ok(self) -> bool:
        return not self.left and not self.lost

    def mark(self) -> str:
        left = ("c" if self.gap else "C") if self.left else ""  # c: a noted gap
        return "ok" if self.ok else left + ("L" if self.lost else "")


def page(title: str, article: list[str], chrome: list[str], place: str) -> list[str]:
    """The page's lines with the chrome at its place."""
    if place == "head":
        return [*chrome, title, *article]
    if place == "top":
        return [title, *chrome, *article]
    if place == "middle":
        return [title, *article[:2], *chrome, *article[2:]]
    return [title, *article, *chrome]


def load(folder: Path = PROBES) -> list[Probe]:
    """Every probe of every language file, in a stable order."""
    probes = []
    for path in sorted(folder.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for family in FAMILIES:
            cell = data["chrome"].get(family)
            if cell is None:
                raise ValueError(f"{path.name}: no probe for {family!r}")
            body = list(data["article"])
            body[3:3] = cell.get("keep", [])  # the sentences with the family's words, inside the article
            for k, layout in enumerate([cell, *cell.get("variant", [])]):  # other layouts of the family
                for place in layout.get("places", PLACES[family]):  # a layout may stand at fewer places
                    probe = Probe(data["lang"], family, place, list(layout["lines"]), body, data["title"])
                    probe.layout, probe.gap = k, layout.get("gap", "")
                    probes.append(probe)
    return probes


def run(ctx: Context, probe: Probe) -> Probe:
    """The chrome stage on the probe's page (text path); notes what it left and what it lost."""
    doc = Document(id=f"{probe.lang}-{probe.family}", source="probe.txt", file="probe.txt")
    doc.set_text("\n".join(page(probe.title, probe.article, probe.chrome, probe.place)))
    remove_chrome(doc, ctx.rules, ctx.settings.chrome)
    kept = set(doc.lines)
    rules = {e.text: e.rule for e in doc.events if e.action == "drop"}
    probe.left = [line for line in probe.chrome if line in kept]
    probe.lost = [(line, rules.get(line, "?")) for line in probe.article if line not in kept]
    if probe.title not in kept and doc.title != probe.title:
        probe.lost.append((probe.title, rules.get(probe.title, "?")))
    return probe


def table(probes: list[Probe]) -> str:
    """Families x languages: a cell passes when each of its probes (places, variants) passes."""
    langs = sorted({p.lang for p in probes})
    cells: dict[tuple[str, str], str] = {}
    for p in probes:
        key = (p.family, p.lang)
        marks = set(cells.get(key, "ok").replace("ok", "")) | set(p.mark().replace("ok", ""))
        cells[key] = "".join(sorted(marks)) or "ok"
    rows = [f"{'family':<14}" + "".join(f"{lang:>5}" for lang in langs)]
    for family in FAMILIES:
        rows.append(f"{family:<14}" + "".join(f"{cells.get((family, lang), '-'):>5}" for lang in langs))
    passed = sum(p.ok for p in probes)
    cells_ok = sum(mark == "ok" for mark in cells.values())
    legend = "C: chrome left, c: a noted gap, L: article lost"
    rows.append(f"{cells_ok}/{len(cells)} cells, {passed}/{len(probes)} probes pass ({legend})")
    return "\n".join(rows)


def detail(probes: list[Probe]) -> str:
    out = []
    for p in probes:
        if p.ok:
            continue
        out.append(f"[{p.lang} {p.family} {p.place} layout {p.layout}]" + (f" known gap: {p.gap}" if p.gap else ""))
        out += [f"  chrome left: {line}" for line in p.left]
        out += [f"  article lost ({rule}): {line}" for line, rule in p.lost]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--detail", action="store_true", help="list each failing line")
    args = parser.parse_args(argv)
    ctx = Context.load(load_settings())
    probes = [run(ctx, p) for p in load()]
    print(table(probes))
    if args.detail:
        print(detail(probes))
    return 0 if all(p.ok or (p.gap and not p.lost) for p in probes) else 1


if __name__ == "__main__":
    sys.exit(main())
