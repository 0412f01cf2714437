"""How well unwrapping finds paragraph ends in text hard-wrapped without blank lines.

    python bench/layout_breaks.py [--widths 60,72,80,100] [--split train,dev] DIR [DIR ...]

Every one-block-a-line `*.txt` under the folders (with --split, only the pages of those splits
of configs/eval/split.json, matched by file stem) is wrapped at each width with textwrap, no
blank lines, then unwrapped by stages/layout.py. Prints per folder: documents whose paragraph
ends all come back, ends missed (two paragraphs joined), ends made up (a paragraph split), and,
over the ambiguous breaks after a sentence end (docs/layout.md), how many are paragraph ends
and lines inside a paragraph, in all pages and in the pages `sentence_paragraphs` says yes to.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.stages.unwrap import fits, sentence_break, sentence_paragraphs, unwrap  # noqa: E402


def wrapped(path: Path, width: int) -> tuple[list[str], list[bool]]:
    """The page's lines wrapped at `width`, and for each whether a paragraph ends after it."""
    lines, ends = [], []
    for block in path.read_text(encoding="utf-8").split("\n"):
        if block.strip():
            part = textwrap.wrap(block.strip(), width) if len(block.strip()) > width else [block.strip()]
            lines += part
            ends += [False] * (len(part) - 1) + [True]
    return lines, ends


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", type=Path, nargs="+")
    ap.add_argument("--widths", default="60,72,80,100")
    ap.add_argument("--split", default="", help="only pages of these splits (e.g. train,dev)")
    a = ap.parse_args()
    splits = json.loads((ROOT / "configs/eval/split.json").read_text())
    wanted = {k.split("/", 1)[1] for k, v in splits.items() if v["split"] in a.split.split(",")}
    for folder in a.dirs:
        c: collections.Counter[str] = collections.Counter()
        pages = [p for p in sorted(folder.glob("*.txt")) if not a.split or p.stem in wanted]
        for width in (int(w) for w in a.widths.split(",")):
            for path in pages:
                lines, ends = wrapped(path, width)
                got = {b.last for b in unwrap(lines, list(range(len(lines))), width)}
                truth = {i for i, end in enumerate(ends) if end}
                c["docs"] += 1
                c["exact"] += got == truth
                c["missed"] += len(truth - got)
                c["made up"] += len(got - truth)
                short = sentence_paragraphs(lines, width)
                for i in range(len(lines) - 1):
                    if not fits(lines[i], lines[i + 1], width) and sentence_break(lines[i], lines[i + 1]):
                        kind = "end" if ends[i] else "inside"
                        c[f"sentence {kind}"] += 1
                        c[f"short-page sentence {kind}"] += short
        in_short = f"{c['short-page sentence end']} / {c['short-page sentence inside']}"
        print(f"{folder}: {c['exact']}/{c['docs']} pages exact, {c['missed']} ends missed, {c['made up']} made up; "
              f"ambiguous after a sentence: {c['sentence end']} ends / {c['sentence inside']} inside, "
              f"in short-paragraph pages {in_short}")  # fmt: skip


if __name__ == "__main__":
    main()
