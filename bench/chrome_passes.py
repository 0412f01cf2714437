"""CPU seconds of the chrome stage alone, pass after pass over the same documents.

    python bench/chrome_passes.py --corpus DIR [--passes 3] [--languages any] [--prepare]

The documents are read, repaired and counted for learning as `stage_profile.py` does, the
boilerplate pack learned, then the chrome step runs over every document `--passes` times, each
pass on fresh copies (from the work-file lines), with the cyclic collector off while it runs. The
first pass is what a run pays (most lines are new to the stage's memos); later passes show the
cost of lines already seen. The digest of the outputs tells two trees' results apart (run each
tree with `PYTHONPATH=TREE`): equal digests, identical chrome outputs. Used to measure a copy of
the package compiled with mypyc (bench/README.md, session 10).
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import tempfile
import time
from pathlib import Path

import stage_profile  # bench/ is on the path of a script run from it

from pipeline.core import ChromeStep, Context
from pipeline.document import Document
from pipeline.settings import load_settings


def passes(corpus: Path, n: int, languages: str | None, prepare: bool = False) -> tuple[list[float], str]:
    """The CPU seconds of each pass, and a digest of the last pass's work-file lines. `prepare`:
    the packs, the learned one with them, indexed before the first pass (`RuleSet.prepare`), as a
    task process finds them once its first document has built them."""
    settings = load_settings().with_languages(languages)
    clock, base = stage_profile.Clock(), Context.load(settings)
    seconds, digest = [], ""
    with tempfile.TemporaryDirectory(prefix="webclean-chrome-") as tmp:
        records, counter = stage_profile.encode_all(corpus, base, Path(tmp), clock)
        step = ChromeStep(Context.load(settings, stage_profile.learn(counter, base, Path(tmp), clock)))
        if prepare:
            step.ctx.rules.prepare()
        for _ in range(n):
            docs = [Document.from_line(r) for r in records]
            gc.disable()
            t = time.process_time()
            out = [step(doc).to_line() for doc in docs]
            seconds.append(time.process_time() - t)
            gc.enable()
            digest = hashlib.sha256(b"".join(out)).hexdigest()[:16]
    return seconds, digest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True, type=Path)
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--languages", help="accepted languages, as `run --languages` (real pages: any)")
    ap.add_argument("--prepare", action="store_true", help="index the rule packs before the first pass")
    args = ap.parse_args(argv)
    seconds, digest = passes(args.corpus, args.passes, args.languages, args.prepare)
    print(f"chrome CPU s by pass: {' '.join(f'{s:.3f}' for s in seconds)}  outputs {digest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
