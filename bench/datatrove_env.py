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

PACKAGES = ("datatrove", "regex")  # regex: datatrove imports it, without declaring it for every install


def datatrove_python(out: Path) -> Path:
    """The venv's interpreter, made and installed on first use; a venv that does not import datatrove is rebuilt."""
    folder = out / "datatrove-venv"
    python = folder / "bin" / "python"
    if python.exists() and _imports(python):
        return python
    print(f"making {folder} (pip install {' '.join(PACKAGES)})", file=sys.stderr, flush=True)
    venv.EnvBuilder(clear=True, with_pip=True).create(folder)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", *PACKAGES], check=True)
    if not _imports(python):
        sys.exit(f"datatrove does not import in {folder}")
    return python


def _imports(python: Path) -> bool:
    done = subprocess.run([str(python), "-c", "import datatrove.executor, datatrove.pipeline.formatters"],
                          capture_output=True, check=False)  # fmt: skip
    return done.returncode == 0


def version(python: Path) -> str:
    done = subprocess.run([str(python), "-c", "import importlib.metadata as m; print(m.version('datatrove'))"],
                          capture_output=True, text=True, check=False)  # fmt: skip
    return done.stdout.strip() or "unknown"
