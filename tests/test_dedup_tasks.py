"""FindDuplicates' decisions over shard sidecars (pipeline/dedup_tasks.py), without Luigi."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from pipeline import jsonl
from pipeline.dedup_index import DedupIndex
from pipeline.dedup_tasks import find_duplicates, read_decisions
from pipeline.settings import DedupSettings, Settings
from pipeline.stages.dedup import jaccard, sign
from tests.conftest import SEEDS

TEXT = sorted(SEEDS.glob("*.txt"))[0].read_text(encoding="utf-8")


def sidecar(path: Path, texts: list[str], settings: DedupSettings, site: str | None = None) -> Path:
    """A shard's delivered-text sidecar, as NormaliseParagraphs writes it (with shingles)."""
    sigs = [(i, sig) for i, t in enumerate(texts) if (sig := sign(t, settings, True)) is not None]
    rows = [{"i": i, "id": f"{path.stem}-{i}", "source": f"{path.stem}-{i}.txt", "site": site, **sig.to_record()}
            for i, sig in sigs]  # fmt: skip
    jsonl.write_jsonl(path, rows)
    return path


def decisions(tmp: Path, batches: list[list[str]], settings: DedupSettings, site: str | None = None) -> dict[int, Any]:
    """The last batch's decisions, the batches run one after the other over one index."""
    index = DedupIndex(tmp / "index", settings)
    for n, texts in enumerate(batches):
        sig, out = sidecar(tmp / f"b{n}.sig", texts, settings, site), tmp / f"b{n}.out"  # names: not a layout's
        find_duplicates([sig], [out], settings, index, f"b{n}", f"2024-05-0{n + 1}", lambda *_: None)
    return read_decisions(out)


def test_pages_of_no_known_site_may_be_reprints_of_each_other(settings: Settings, tmp_path: Path) -> None:
    """Two pages of no site pack and no URL may be two sites' reprints of one dispatch (devset
    holdout 042 + 044, Jaccard 0.86): below `cross_site_threshold` both are delivered; pages of
    one known site are still compared at `threshold`."""
    s = settings.dedup
    a = sign(TEXT, s, True)
    assert a is not None
    words = TEXT.split()
    for k in range(100):  # an edited copy between the two thresholds
        rng, edited = random.Random(k), list(words)
        for _ in range(rng.randint(3, 6)):
            edited[rng.randrange(len(edited))] = f"mot{rng.randrange(10**6)}"
        b = sign(copy := " ".join(edited), s, True)
        assert b is not None
        if s.threshold + 0.02 <= jaccard(a.shingle_set(), b.shingle_set()) <= s.cross_site_threshold - 0.02:
            break
    else:
        raise AssertionError("no copy between the thresholds")
    assert decisions(tmp_path / "unknown", [[TEXT, copy]], s) == {}
    same = decisions(tmp_path / "known", [[TEXT, copy]], s, site="lemonde.fr")
    assert same[1]["duplicate_of"]["id"] == "b0-0"
