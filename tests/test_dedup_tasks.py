"""FindDuplicates' decisions over shard sidecars (pipeline/dedup_tasks.py), without Luigi."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from pipeline import jsonl
from pipeline.dedup_index import DedupIndex
from pipeline.dedup_tasks import find_duplicates, read_decisions, take_back_copies
from pipeline.document import Document
from pipeline.settings import DedupSettings, Settings
from pipeline.stages.boilerplate import BoilerplateCounter
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


def test_copies_are_taken_back_from_their_positions_only(settings: Settings, tmp_path: Path) -> None:
    """Each copy's lines leave the counts, whichever position it has in its shard; the lines after a
    shard's last copy are not read (here they are no JSON at all)."""
    texts = [TEXT, "Menu\nA line of its own", "Menu\nAnother line", "Menu\nA third line"]
    docs = []
    for i, text in enumerate(texts):
        doc = Document(id=f"d{i}", source=f"{i}.txt", file=f"{i}.txt")
        doc.set_text(text)
        docs.append(doc)
    counter = BoilerplateCounter(settings.learn)
    for doc in docs:
        counter.add(doc, "site")
    shards = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    shards[0].write_bytes(docs[0].to_line() + docs[1].to_line() + b"not json\n")
    shards[1].write_bytes(docs[2].to_line() + docs[3].to_line())
    assert take_back_copies(shards, counter, {0: {1: "site"}, 1: {1: "site"}}) == 2
    assert counter.docs["site"] == 2
    assert counter.lines["site"]["menu"] == 1
    assert counter.lines["site"]["a line of its own"] == 0 and counter.lines["site"]["another line"] == 1
