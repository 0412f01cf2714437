"""Write configs/eval/split.json: every real page we measure on, assigned by site to train, dev or test.

The split is made once and committed; this script documents how it was made and rebuilds the same
file. A site's split depends only on its name (sha256, first byte mod 10: 0-5 train, 6-7 dev,
8-9 test), so pages of one site never straddle two splits. Tune on train and dev; report test.

    python bench/make_split.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent


def split_of(site: str) -> str:
    bucket = hashlib.sha256(site.lower().encode()).digest()[0] % 10
    return "train" if bucket < 6 else "dev" if bucket < 8 else "test"


def host(url: str) -> str:
    name = urlsplit(url).hostname or url
    return name.removeprefix("www.")


def pages(shared: Path) -> dict[str, dict[str, str]]:
    """Page key -> {corpus, site}; keys are the corpus folder and the file stem."""
    out: dict[str, dict[str, str]] = {}
    index = json.loads((shared / "realpages/index.json").read_text())
    for key, meta in index.items():
        corpus = key.split("/")[0]
        out[key] = {"corpus": corpus, "site": meta.get("site") or key}
    wcxb = json.loads((shared / "realpages/wcxb/ground-truth.json").read_text())
    for stem, meta in wcxb.items():
        out[f"wcxb/{stem}"] = {"corpus": "wcxb", "site": host(meta.get("url") or stem)}
    aeb = json.loads((shared / "eval/article-extraction-benchmark/ground-truth.json").read_text())
    for stem, meta in aeb.items():
        out[f"aeb/{stem}"] = {"corpus": "aeb", "site": host(meta.get("url") or stem)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args()
    split = {key: {**meta, "split": split_of(meta["site"])} for key, meta in sorted(pages(args.shared).items())}
    target = REPO / "configs/eval/split.json"
    target.write_text(json.dumps(split, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    counts: dict[str, int] = {}
    for meta in split.values():
        label = f"{meta['corpus']}/{meta['split']}"
        counts[label] = counts.get(label, 0) + 1
    print(json.dumps(counts, sort_keys=True))


if __name__ == "__main__":
    main()
