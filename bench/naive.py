"""The naive baseline: one plain loop over the files, the way a first script would do it.

Per file: read the bytes, decode (UTF-8, else Windows-1252), ftfy.fix_text with its defaults,
seeded langdetect (the pure-Python library) on the first 2,000 characters, a few chrome regexes
tried one by one on every line, white space collapsed, one JSON line written (stdlib json).

    python bench/naive.py --input DIR --output FILE.jsonl
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import IO, Any

import ftfy
import langdetect

SAMPLE_CHARS = 2000
CHROME = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^\s*(partager|s'abonner|imprimer|envoyer|tweeter|rss)\s*$",
        r"^\s*(lire aussi|à lire aussi|voir plus|nouvelles connexes)\b",
        r"cookies?\b.*\b(accepter|consentement|paramétrer)",
        r"^\s*(tags?|mots-clés)\s*:",
        r"^\s*url courte\s*$",
        r"^\s*\d+\s*$",
        r"^\s*publié le\b",
        r"(©|copyright)\s*\d{4}",
        r"^\s*(accueil|home)\s*>",
        r"^\s*!\[\]\(\)",
    )
]


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def detect(text: str) -> tuple[str | None, float]:
    try:
        best = langdetect.detect_langs(text[:SAMPLE_CHARS])[0]
    except langdetect.LangDetectException:
        return None, 0.0
    return best.lang, best.prob


def is_chrome(line: str) -> bool:
    return any(rule.search(line) for rule in CHROME)


def clean(path: Path) -> dict[str, Any]:
    text = ftfy.fix_text(decode(path.read_bytes()))
    lang, prob = detect(text)
    lines = [" ".join(line.split()) for line in text.split("\n") if not is_chrome(line)]
    return {"source": path.name, "lang": lang, "lang_prob": prob, "text": "\n\n".join(x for x in lines if x)}


def run(folder: Path, out: IO[str]) -> int:
    n = 0
    for path in sorted(folder.rglob("*.txt")):
        out.write(json.dumps(clean(path), ensure_ascii=False) + "\n")
        n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", required=True, type=Path)
    ap.add_argument("--output", required=True, type=Path)
    args = ap.parse_args(argv)
    langdetect.DetectorFactory.seed = 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with open(args.output, "w", encoding="utf-8") as out:
        n = run(args.input, out)
    print(f"naive: {n} documents -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
