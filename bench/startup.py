"""What a run's start-up costs, alone, before Luigi runs any task: CPU seconds by part, medians.

    python bench/startup.py [--input seeds] [--repeat 5] [--cold]

Runs `python -m pipeline run --input INPUT --output TMP --local-scheduler --quiet` REPEAT times,
each in a new process that stops where `luigi.build` would start, and prints the median CPU
seconds (`time.process_time`, steadier than wall time on a shared machine) of: the interpreter's
own start, the imports, the rule packs (`rules (cache)`: read from the start-up cache or loaded),
the language profiles, the fingerprints, the plan and the rest (argument parsing, folder checks,
the lock). `--cold`: an empty rule cache for every run (a first run after a code or pack change).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("interpreter", "imports", "rules (cache)", "language profiles", "fingerprints", "plan", "other")


def measure(argv: list[str]) -> None:
    """In the measured process: time the parts, print them as JSON where `luigi.build` starts, leave."""
    cpu = time.process_time
    marks = {"interpreter": cpu()}
    import luigi  # noqa: F401 - counted with the imports

    import pipeline.cli as cli
    import pipeline.runner as runner
    import pipeline.stages.language as language
    import pipeline.tasks as tasks

    marks["imports"] = cpu() - marks["interpreter"]

    def timed(module: Any, name: str, part: str) -> None:
        f = getattr(module, name, None)
        if f is None:  # older code (no rule cache): its part is counted in "other"
            return

        @functools.wraps(f)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = cpu()
            try:
                return f(*args, **kwargs)
            finally:
                marks[part] = marks.get(part, 0.0) + cpu() - start

        setattr(module, name, wrapper)

    timed(tasks, "prepared_ruleset", "rules (cache)")
    timed(language, "prepare", "language profiles")
    timed(tasks, "run_fingerprints", "fingerprints")
    timed(runner, "make_plan", "plan")

    def stop(*args: Any, **kwargs: Any) -> None:
        marks["other"] = cpu() - sum(marks.values())
        print(json.dumps(marks), flush=True)
        os._exit(0)

    runner.luigi.build = stop  # type: ignore[attr-defined]
    cli.main(argv)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", default=str(ROOT / "seeds"), help="the run's input (default: seeds/)")
    ap.add_argument("--repeat", type=int, default=5, help="runs; the table shows medians (default 5)")
    ap.add_argument("--cold", action="store_true", help="an empty rule cache for every run")
    args = ap.parse_args()
    runs: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="webclean-startup-") as tmp:
        for _ in range(args.repeat):
            out, env = Path(tmp) / "out", dict(os.environ)
            shutil.rmtree(out, ignore_errors=True)
            if args.cold:
                shutil.rmtree(Path(tmp) / "cache", ignore_errors=True)
                env["WEBCLEAN_CACHE"] = str(Path(tmp) / "cache")
            cmd = [sys.executable, __file__, "--measure", "run", "--input", args.input, "--output", str(out),
                   "--local-scheduler", "--quiet"]  # fmt: skip
            done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    medians = {part: statistics.median(run.get(part, 0.0) for run in runs) for part in PARTS}
    total = statistics.median(sum(run.values()) for run in runs)
    print(f"start-up CPU up to luigi.build, median of {len(runs)} run(s){', empty rule cache' if args.cold else ''}:")
    print("  " + ", ".join(f"{part} {seconds:.3f}" for part, seconds in medians.items()) + f"; total {total:.3f} s")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        measure(sys.argv[2:])
    else:
        sys.exit(main())
