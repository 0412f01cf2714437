"""webclean: scraped web text in, clean audited JSONL out, as a Luigi task chain.

The stages are plain functions over a `Document`, each run by a step of `pipeline.core` (see
`clean_document`); the Luigi tasks in `pipeline.tasks` only move shards of documents between them.
"""

import os
import sys
from pathlib import Path

__version__ = "0.1.0"

LUIGI_CONFIG = Path(__file__).resolve().parent.parent / "configs" / "luigi.cfg"


def _use_project_luigi_config() -> None:
    """configs/luigi.cfg, unless LUIGI_CONFIG_PATH names another file. Set before Luigi is first
    imported: Luigi reads its configuration then (and warns about settings it is missing)."""
    if os.environ.get("LUIGI_CONFIG_PATH"):
        return
    os.environ["LUIGI_CONFIG_PATH"] = str(LUIGI_CONFIG)
    if "luigi.configuration" in sys.modules:  # imported before us (e.g. the `luigi` command)
        sys.modules["luigi.configuration"].add_config_path(str(LUIGI_CONFIG))


_use_project_luigi_config()


def _one_blas_thread() -> None:
    """numpy's OpenBLAS starts a thread per core as numpy is imported: about 25 ms of CPU in the
    CLI, before Luigi forks any task, while nothing else runs. The pipeline makes no BLAS call
    (no matrix products), so one thread is enough. A value set by the user is kept."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


_one_blas_thread()
