"""The chrome stage's CPU time a page in two source trees, on the same pages, run by turns.

    .venv/bin/python bench/chrome_then.py --tree OLD [--tree NEW] [--rounds 3] [--real-every 8]

Issue 12 asks that the chrome stage with the line model cost at most 15 % more a page than the
stage of the day the issue was filed (4a94faf). A tree is a `git archive` of a commit unpacked in a
folder; each round runs every tree in its own process (`PYTHONPATH=TREE`), so one process never
mixes two versions of the package. Both sets of pages come from this checkout and are the same
for every tree: the pages of `bench/stage_costs.py` (seeds, devset, holdout) and every Nth real
page of `bench/out/real` (whole-page text, made by `bench/realpages.py`). A process repairs the
pages with its own encoding stage (outside the timing), warms the stage once, then times
`--repeat` passes of the chrome stage over fresh copies and prints the median CPU time a page.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SMALL = (ROOT / "seeds", ROOT / "tests/devset/pages", ROOT / "tests/devset/holdout/pages")
REAL = ROOT / "bench/out/real"


def page_files(real_every: int) -> dict[str, list[str]]:
    small = [str(p) for folder in SMALL for p in sorted(folder.glob("*.txt"))]
    real = [str(p) for p in sorted(REAL.glob("*.txt"))[::real_every]]
    return {"small": small, "real": real}


def _stage(tree: Path) -> tuple[Callable[[str, bytes], Any], Callable[[Any], Any]]:
    """(repair, chrome) for the tree's own API: steps since session 8, functions before."""
    sys.path.insert(0, str(tree))
    from pipeline import core
    from pipeline.document import Document
    from pipeline.settings import load_settings

    ctx = core.Context.load(load_settings())
    meta = {"format": "txt"}
    if hasattr(core, "ChromeStep"):
        encode, strip = core.EncodingStep(ctx), core.ChromeStep(ctx)
        return (
            lambda name, data: encode(Document(id=name, source=name, file=name, metadata=meta, payload=data))
        ), strip
    api = vars(core)  # the functions of the trees before session 8
    return (
        lambda name, data: api["repair_stage"](Document(id=name, source=name, file=name, metadata=meta), data, ctx),
        lambda doc: api["chrome_stage"](doc, ctx),
    )


def worker(tree: Path, files: dict[str, list[str]], repeat: int) -> dict[str, float]:
    """Median CPU microseconds a page of the tree's chrome stage, per page set."""
    repair, chrome = _stage(tree)
    result = {}
    for name, paths in files.items():
        docs = [repair(Path(p).name, Path(p).read_bytes()) for p in paths]
        for doc in copy.deepcopy(docs):  # warm caches (compiled rules, memos)
            chrome(doc)
        times = []
        for _ in range(repeat):
            batch = copy.deepcopy(docs)
            start = time.process_time()
            for doc in batch:
                chrome(doc)
            times.append((time.process_time() - start) / len(docs) * 1e6)
        result[name] = statistics.median(times)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tree", action="append", type=Path, required=True, help="a source tree (repeatable)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--real-every", type=int, default=8)
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    files = page_files(args.real_every)
    if args.worker:
        print(json.dumps(worker(args.worker, files, args.repeat)))
        return
    trees = [*args.tree, ROOT]
    seen: dict[Path, list[dict[str, float]]] = {tree: [] for tree in trees}
    for _ in range(args.rounds):
        for tree in trees:
            cmd = [sys.executable, __file__, "--tree", str(tree), "--worker", str(tree)]
            cmd += ["--repeat", str(args.repeat), "--real-every", str(args.real_every)]
            env = {"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"}
            out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=tree, env=env)
            seen[tree].append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"{len(files['small'])} small pages (stage_costs' pages), {len(files['real'])} real pages")
    print(f"median of {args.rounds} rounds, CPU microseconds a page, against the first tree")
    base = {k: statistics.median(r[k] for r in seen[trees[0]]) for k in files}
    for tree in trees:
        cells = []
        for k in files:
            cost = statistics.median(r[k] for r in seen[tree])
            cells.append(f"{k} {cost:8.0f} ({cost / base[k] - 1:+.1%})")
        print(f"{tree!s:<40} " + "   ".join(cells))


if __name__ == "__main__":
    main()
