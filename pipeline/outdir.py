"""An output folder belongs to one batch: checked, claimed or replaced before anything runs.

A batch is named by its inputs (the resolved paths given with `--input`), not by their content or
the settings: the same inputs run again skip finished work and rerun changed stages in place.
`<output>/.webclean-batch.json` records the owner. A folder that holds another batch's outputs,
or outputs from before the marker existed, is refused unless the user asks to replace them whole
(`--overwrite`): two batches' audit logs and counts must never mix in one report. Files that are
not webclean outputs are left alone.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
from pathlib import Path

from pipeline import jsonl
from pipeline.errors import ConfigError
from pipeline.inputs import readable
from pipeline.layout import MARKER, OWNED, TRACES, OutputLayout


def batch_key(inputs: list[str]) -> tuple[str, list[str]]:
    """A short hash of the resolved input paths, and those paths (sorted, as the plan walks them)."""
    paths = sorted(os.path.realpath(i) for i in inputs)
    digest = hashlib.sha256("\0".join(paths).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return digest, paths


def check_location(out: Path, inputs: list[str]) -> None:
    """Refuse an output folder that is a file, or that lies inside an input folder (the next run
    would read its own report, audit logs and work files as input)."""
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--output {out} is a file, not a folder: choose a folder path")
    real_out = Path(os.path.realpath(out))
    for given in inputs:
        real = Path(os.path.realpath(given))
        if real.is_dir() and (real_out == real or real in real_out.parents):
            raise ConfigError(f"--output {out} is inside the input folder {given}: its outputs would be read "
                              "as input on the next run; choose an output folder outside the inputs")  # fmt: skip
        if real_out in real.parents or real_out == real:
            raise ConfigError(f"--output {out} contains the input {given}: choose another output folder")


def make_folder(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ConfigError(f"cannot create the output folder {out}: {e.strerror}; choose a writable path") from None


def claim(out: Path, inputs: list[str], overwrite: bool) -> None:
    """Make `out` this batch's folder: keep it (same inputs), replace it (`overwrite`), or refuse.

    Processes sharing a batch through luigid start together without the run lock: a short lock
    makes the second one see the first one's marker, not its fresh work/ folder without a marker.
    """
    with open(OutputLayout(out).claim_lock, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _claim(out, inputs, overwrite)


def _claim(out: Path, inputs: list[str], overwrite: bool) -> None:
    key, paths = batch_key(inputs)
    owner = _owner(out)
    if owner == key:
        return
    ours = sorted(p.name for p in out.iterdir() if p.name in OWNED and p.name != MARKER) if out.is_dir() else []
    if not owner and not TRACES.intersection(ours):
        ours = []  # no marker and no trace of a run (say, a clean/ folder made by hand): not a batch's
    if ours and not overwrite:
        what = "another batch's outputs" if owner else "outputs of an earlier run"
        raise ConfigError(f"--output {out} already holds {what} ({', '.join(ours[:4])}): choose an empty "
                          "folder, or add --overwrite to replace those outputs whole")  # fmt: skip
    for name in ours:
        path = out / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    jsonl.write_json(OutputLayout(out).marker, {"batch": key, "inputs": [readable(p) for p in paths]})


def _owner(out: Path) -> str | None:
    try:
        return str(jsonl.loads(OutputLayout(out).marker.read_bytes())["batch"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
