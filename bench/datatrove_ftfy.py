"""datatrove's ftfy-only pipeline on the benchmark corpus: the reference the performance issue names.

    python -m venv /tmp/dtvenv && /tmp/dtvenv/bin/pip install datatrove ftfy orjson regex
    (bench/run.py --datatrove makes one under bench/out/datatrove-venv and runs this beside ours)
    /tmp/dtvenv/bin/python bench/datatrove_ftfy.py --corpus bench/out/corpus-4000 [--tasks 1] [--repeat 3]

datatrove is not a dependency of this project (it would pull in much for one comparison), so this
runs in a venv of its own. The pipeline is reader -> FTFYFormatter (defaults) -> JsonlWriter
(uncompressed), with as many tasks and workers as `--tasks`. datatrove has no plain-text reader:
`TextFiles` reads a file as one document, decoding UTF-8 else Windows-1252, as the naive loop
does. It prints pages/s, the median of `--repeat` runs, each a whole process (start-up included).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def pipeline(corpus: str, out: str, tasks: int) -> None:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.formatters import FTFYFormatter
    from datatrove.pipeline.readers.base import BaseDiskReader
    from datatrove.pipeline.writers import JsonlWriter

    class TextFiles(BaseDiskReader):
        name = "text files"

        def read_file(self, filepath: str) -> Iterator[Any]:
            with self.data_folder.open(filepath, "rb") as f:
                data = f.read()
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("cp1252", errors="replace")
            document = self.get_document_from_dict({"text": text, "id": filepath}, filepath, 0)
            if document:
                yield document

    steps = [TextFiles(corpus, glob_pattern="**/*.txt"), FTFYFormatter(), JsonlWriter(out, compression=None)]
    LocalPipelineExecutor(steps, tasks=tasks, workers=tasks, logging_dir=f"{out}/logs").run()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--tasks", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--run", nargs=2, metavar=("CORPUS", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run:
        pipeline(args.run[0], args.run[1], args.tasks)
        return 0
    pages = sum(1 for _ in Path(args.corpus).rglob("*.txt"))
    walls = []
    for _ in range(args.repeat):
        out = tempfile.mkdtemp(prefix="datatrove-bench-")
        start = time.perf_counter()
        cmd = [sys.executable, __file__, "--tasks", str(args.tasks), "--corpus", args.corpus, "--run", args.corpus, out]
        subprocess.run(cmd, check=True, capture_output=True)
        walls.append(time.perf_counter() - start)
        shutil.rmtree(out)
    wall = statistics.median(walls)
    print(f"datatrove ftfy-only, {args.tasks} task(s): {pages} pages in {wall:.2f} s (median of {args.repeat}), "
          f"{pages / wall:.0f} pages/s; runs: {', '.join(f'{w:.2f}' for w in walls)}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
