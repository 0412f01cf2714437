"""datatrove's own venv for the benchmark, made on first use under the output folder.

    python bench/run.py --datatrove ...   # builds OUT/datatrove-venv once (pip install datatrove regex)

datatrove is no dependency of webclean (it pulls in much for one comparison), so it gets a venv of
its own; `bench/datatrove_ftfy.py` runs inside it, beside our pipeline, on the same corpora.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

# What bench/datatrove_ftfy.py uses: FTFYFormatter needs ftfy and JsonlWriter orjson, which a plain
# `pip install datatrove` leaves out; datatrove imports regex.
PACKAGES = ("datatrove", "ftfy", "orjson", "regex")


def datatrove_python(out: Path) -> Path:
    """The venv's interpreter, made and installed on first use (installed again when an import fails)."""
    folder = out / "datatrove-venv"
    python = folder / "bin" / "python"
    if python.exists() and _imports(python):
        return python
    print(f"installing {' '.join(PACKAGES)} into {folder}", file=sys.stderr, flush=True)
    if not python.exists():
        venv.EnvBuilder(with_pip=True).create(folder)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", *PACKAGES], check=True)
    if not _imports(python):
        sys.exit(f"datatrove's pipeline does not import in {folder}")
    return python


def _imports(python: Path) -> bool:
    code = "import datatrove.executor, datatrove.pipeline.formatters, ftfy, orjson, regex"
    return subprocess.run([str(python), "-c", code], capture_output=True, check=False).returncode == 0


def version(python: Path) -> str:
    done = subprocess.run([str(python), "-c", "import importlib.metadata as m; print(m.version('datatrove'))"],
                          capture_output=True, text=True, check=False)  # fmt: skip
    return done.stdout.strip() or "unknown"
