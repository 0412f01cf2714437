"""Baseline for the HTML benchmark: trafilatura alone, with the same extraction options as the pipeline.

Writes OUT/clean/part-00000.jsonl with one record per page (source = page file name), to be
scored by the benchmark's metric next to the pipeline's own output:

    python bench/aeb_trafilatura_only.py --html DIR --out OUT
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

from pipeline.html import extract
from pipeline.settings import load_settings


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--html", required=True, type=Path)
    ap.add_argument("--out", required=True, type=Path)
    a = ap.parse_args()
    settings = load_settings().input
    (a.out / "clean").mkdir(parents=True, exist_ok=True)
    with open(a.out / "clean" / "part-00000.jsonl", "w", encoding="utf-8") as f:
        for page in sorted(a.html.glob("*.html*")):
            raw = gzip.decompress(page.read_bytes()) if page.name.endswith(".gz") else page.read_bytes()
            text, _, _ = extract(raw.decode("utf-8", errors="replace"), settings)
            f.write(json.dumps({"source": page.name, "text": text}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
