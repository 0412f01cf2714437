"""Score pipeline output folders on the real pages per split (configs/eval/split.json).

    python bench/layout_score.py --truth GROUND_TRUTH.json --corpus readability,newspaper OUT [OUT ...]

Prints, per output folder and split (train, dev, test), aeb_score's F1 (precision / recall) over
that split's pages, by calling /work/shared/eval/aeb_score.py on a truth file cut to the split.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCORER = Path("/work/shared/eval/aeb_score.py")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--truth", type=Path, required=True)
    ap.add_argument("--corpus", default="readability,newspaper", help="corpora of split.json to take")
    ap.add_argument("--splits", default="dev,test")
    ap.add_argument("outs", nargs="+")
    a = ap.parse_args()
    split = json.loads((ROOT / "configs/eval/split.json").read_text())
    corpora = set(a.corpus.split(","))
    truth = json.loads(a.truth.read_text())
    for name in a.splits.split(","):
        keys = {k.split("/", 1)[1] for k, v in split.items() if v["corpus"] in corpora and v["split"] == name}
        part = {k: v for k, v in truth.items() if k in keys}
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(part, f)
        for out in a.outs:
            r = subprocess.run([sys.executable, str(SCORER), "--truth", f.name, "--out", out],
                               capture_output=True, text=True, check=False)  # fmt: skip
            last = (r.stdout.strip().splitlines() or [r.stderr.strip()])[-1]
            print(f"{name:5} {len(part):4} pages  {out}: {last}")


if __name__ == "__main__":
    main()
