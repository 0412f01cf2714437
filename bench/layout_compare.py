"""Compare the clean text of two pipeline output folders, page by page (matched by file stem).

    python bench/layout_compare.py REFERENCE_OUT OTHER_OUT [OTHER_OUT ...]

For each OTHER_OUT: how many of the reference's pages come out with the same decision (clean or
not) and, when clean, the identical text. Used for the layout matrix on the seeds (bench/layouts.py).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def clean_texts(out: Path) -> dict[str, str]:
    texts: dict[str, str] = {}
    for part in sorted((out / "clean").glob("*.jsonl")):
        for line in part.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                texts[Path(record["source"]).name.split(".")[0]] = record["text"]
    return texts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("reference", type=Path)
    ap.add_argument("others", type=Path, nargs="+")
    a = ap.parse_args()
    ref = clean_texts(a.reference)
    pages = sorted({p.name.split(".")[0] for p in (a.reference / "audit").rglob("*.audit.jsonl")})
    for other in a.others:
        got = clean_texts(other)
        same = [p for p in pages if ref.get(p) == got.get(p)]
        differ = sorted(set(pages) - set(same))
        print(f"{other}: {len(same)}/{len(pages)} identical" + (f" (differ: {', '.join(differ)})" if differ else ""))


if __name__ == "__main__":
    main()
