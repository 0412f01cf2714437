"""Instructions of the chrome stage with and without the line model (callgrind; wall time lies on a shared machine).

    python bench/chrome_instructions.py [--corpus stage|DIR] [--warm 1] [--exclude MODULE:FUNCTION ...]
                                        [--later MODULE:FUNCTION ...]

Runs itself twice under `valgrind --tool=callgrind`, the model on and off (`[chrome] line_model`
empty), and prints the instructions of the chrome stage alone: collection is switched on and off
around the loop over the documents by a callgrind client request (a two-line C helper, compiled
into a temporary folder with the system's `cc` and valgrind's headers). `--corpus stage`: the
documents `stage_costs.py` times (seeds, dev and holdout pages); a folder: its pages read, repaired
and learned from as `chrome_passes.py` does, every language accepted. `--warm N` runs the stage N
times first (stage_costs times it warm: the model's memos filled); 0 measures a first run.
`--exclude` leaves a function's instructions out (model on), `--later` the same only inside the
later runs of the passes (`chrome._clean_once` with carried lines): what is left says what the
function costs. Python's hash seed is fixed, so the counts repeat to a few in a million.
"""

from __future__ import annotations

import argparse
import ctypes
import dataclasses
import functools
import gc
import hashlib
import importlib
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import stage_costs  # noqa: E402  (bench/ is on the path of a script run from it)
import stage_profile  # noqa: E402

from pipeline.core import ChromeStep, Context, EncodingStep  # noqa: E402
from pipeline.document import Document  # noqa: E402
from pipeline.settings import load_settings  # noqa: E402

HELPER = "#include <valgrind/callgrind.h>\nvoid toggle(void) { CALLGRIND_TOGGLE_COLLECT; }\n"


def helper(folder: Path) -> ctypes.CDLL:
    source, lib = folder / "toggle.c", folder / "toggle.so"
    source.write_text(HELPER, encoding="utf-8")
    subprocess.run(["cc", "-O0", "-shared", "-fPIC", "-o", str(lib), str(source)], check=True)
    return ctypes.CDLL(str(lib))


def records(corpus: str, folder: Path) -> tuple[list[bytes], Any, Path | None]:
    if corpus == "stage":
        settings = load_settings()
        repair = EncodingStep(Context.load(settings))
        return [repair(stage_costs.new_doc(n, d)).to_line() for n, d in stage_costs.pages().items()], settings, None
    settings = load_settings().with_languages("any")
    base, clock = Context.load(settings), stage_profile.Clock()
    lines, counter = stage_profile.encode_all(Path(corpus), base, folder, clock)
    return lines, settings, stage_profile.learn(counter, base, folder, clock)


def measured(args: argparse.Namespace) -> None:
    """Inside valgrind: the stage over every document, collection on around the loop only."""
    with tempfile.TemporaryDirectory(prefix="webclean-cg-") as tmp:
        lib = helper(Path(tmp))
        lines, settings, learned = records(args.corpus, Path(tmp))
        if args.model == "off":
            settings = dataclasses.replace(settings, chrome=dataclasses.replace(settings.chrome, line_model=""))
        step = ChromeStep(Context.load(settings, learned))
        state = {"on": False, "later": False}

        def left_out(fn: Callable[..., Any], only_later: bool) -> Callable[..., Any]:
            @functools.wraps(fn)
            def wrapper(*a: Any, **k: Any) -> Any:
                skip = state["on"] and (state["later"] or not only_later)
                if skip:
                    lib.toggle()
                try:
                    return fn(*a, **k)
                finally:
                    if skip:
                        lib.toggle()

            return wrapper

        chrome = importlib.import_module("pipeline.stages.chrome")
        clean_once = chrome._clean_once

        def tracked(doc: Document, ruleset: Any, settings: Any, carried: Any = None, repeats: bool = True) -> Any:
            state["later"] = carried is not None
            try:
                return clean_once(doc, ruleset, settings, carried, repeats)
            finally:
                state["later"] = False

        chrome._clean_once = tracked
        for spec, only_later in [*((s, False) for s in args.exclude), *((s, True) for s in args.later)]:
            module, name = spec.rsplit(":", 1)
            target = importlib.import_module(module)
            setattr(target, name, left_out(getattr(target, name), only_later))
        out: list[bytes] = []
        for run in range(args.warm + 1):
            docs = [Document.from_line(r) for r in lines]
            gc.disable()
            state["on"] = run == args.warm
            if state["on"]:
                lib.toggle()
            done = [step(doc) for doc in docs]
            if state["on"]:
                lib.toggle()
            gc.enable()
            out = [doc.to_line() for doc in done]
        print(f"documents {len(lines)} outputs {hashlib.sha256(b''.join(out)).hexdigest()[:16]}")


def count(args: argparse.Namespace, model: str) -> tuple[int, str]:
    """The instructions callgrind collected, and the run's output line."""
    with tempfile.TemporaryDirectory(prefix="webclean-cg-") as tmp:
        command = ["valgrind", "--tool=callgrind", "--collect-atstart=no", f"--callgrind-out-file={tmp}/cg.out",
                   sys.executable, __file__, "--inside", model, "--corpus", args.corpus, "--warm", str(args.warm),
                   *(f"--exclude={s}" for s in args.exclude), *(f"--later={s}" for s in args.later)]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
        found = re.search(r"Collected : (\d+)", done.stderr)
        if done.returncode or not found:
            raise SystemExit(done.stderr[-3000:])
        return int(found.group(1)), done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default="stage")
    parser.add_argument("--warm", type=int, default=1)
    parser.add_argument("--exclude", action="append", default=[])
    parser.add_argument("--later", action="append", default=[])
    parser.add_argument("--inside", dest="model", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.model:
        measured(args)
        return
    on, on_out = count(args, "on")
    if args.exclude or args.later:
        print(f"model on, without {', '.join(args.exclude + args.later)}: {on:,} instructions  {on_out}")
        return
    off, off_out = count(args, "off")
    print(f"line model on:  {on:>15,} instructions  {on_out}")
    print(f"line model off: {off:>15,} instructions  {off_out}")
    print(f"on / off: {on / off:.3f} (+{100 * (on / off - 1):.1f} %)")


if __name__ == "__main__":
    main()
