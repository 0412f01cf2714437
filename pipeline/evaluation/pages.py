"""The real pages we measure on, as the committed split lists them (`configs/eval/split.json`).

Corpora and where they live under the shared folder:
    readability, newspaper  realpages/<corpus>/<name>.html.gz   references in realpages/ground-truth.json
    wcxb                    realpages/wcxb/<name>.txt.gz        (whole-page text only) wcxb/ground-truth.json
    aeb                     eval/article-extraction-benchmark/html/<name>.html.gz, its ground-truth.json
Groups in the report: `realpages` (readability + newspaper), `wcxb`, `aeb`.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ConfigError
from pipeline.settings import CONFIG_DIR

SPLIT_FILE = CONFIG_DIR / "eval" / "split.json"
SPLITS = ("train", "dev", "test")
GROUPS = {"readability": "realpages", "newspaper": "realpages", "wcxb": "wcxb", "aeb": "aeb"}
_AEB = Path("eval/article-extraction-benchmark")


@dataclass(frozen=True)
class Page:
    key: str  # "<corpus>/<name>" as in split.json
    corpus: str
    split: str
    site: str
    path: Path  # .html.gz, or .txt.gz for wcxb
    reference: str

    @property
    def group(self) -> str:
        return GROUPS[self.corpus]

    @property
    def is_html(self) -> bool:
        return self.path.name.endswith((".html.gz", ".html"))

    def raw(self) -> bytes:
        data = self.path.read_bytes()
        return gzip.decompress(data) if self.path.name.endswith(".gz") else data


def _references(shared: Path) -> dict[str, dict[str, str]]:
    files = {"realpages": shared / "realpages/ground-truth.json", "wcxb": shared / "realpages/wcxb/ground-truth.json",
             "aeb": shared / _AEB / "ground-truth.json"}  # fmt: skip
    out = {}
    for group, path in files.items():
        if not path.exists():
            raise ConfigError(
                f"no reference texts at {path}: pass --shared DIR (the folder holding realpages/ and eval/)"
            )
        out[group] = {k: v["articleBody"] for k, v in json.loads(path.read_text(encoding="utf-8")).items()}
    return out


def _path(shared: Path, corpus: str, name: str) -> Path:
    if corpus == "aeb":
        return shared / _AEB / "html" / f"{name}.html.gz"
    if corpus == "wcxb":
        return shared / "realpages/wcxb" / f"{name}.txt.gz"
    return shared / "realpages" / corpus / f"{name}.html.gz"


def load_pages(shared: Path, splits: tuple[str, ...] = SPLITS, groups: tuple[str, ...] | None = None) -> Iterator[Page]:
    """The pages of the given splits (and report groups), in the split file's order."""
    split = json.loads(SPLIT_FILE.read_text(encoding="utf-8"))
    refs = _references(shared)
    for key, meta in split.items():
        corpus, name = key.split("/", 1)
        if meta["split"] not in splits or (groups and GROUPS[corpus] not in groups):
            continue
        reference = refs[GROUPS[corpus]].get(name)
        path = _path(shared, corpus, name)
        if reference is None or not path.exists():
            raise ConfigError(f"page {key} of the split has no file or reference under {shared}")
        yield Page(key, corpus, meta["split"], meta["site"], path, reference)
