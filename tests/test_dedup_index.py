"""The cross-batch duplicate index: other batches within the horizon are read, older segments go."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from pipeline.dedup_index import DedupIndex
from pipeline.settings import Settings
from pipeline.stages.dedup import Deduplicator, Origin, sign
from tests.conftest import SEEDS

TEXT = sorted(SEEDS.glob("*.txt"))[0].read_text(encoding="utf-8")


def _write(index: DedupIndex, batch: str, day: str) -> None:
    sig = sign(TEXT, index.settings)
    assert sig is not None
    with index.segment(batch, day) as f:
        f.write(f'{{"id":"{batch}-1","source":"a.txt","site":null,"exact":{sig.exact},'.encode()
                + f'"mh":"{sig.to_record()["mh"]}"}}\n'.encode())  # fmt: skip


def test_horizon_own_batch_and_later_days(settings: Settings, tmp_path: Path) -> None:
    s = dataclasses.replace(settings.dedup, index_horizon_days=10)
    index = DedupIndex(tmp_path, s)
    _write(index, "2024-05-01", "2024-05-01")
    _write(index, "2024-05-20", "2024-05-20")  # the 1st is now beyond the horizon: deleted
    assert [p.name[:10] for p in index.segments()] == ["2024-05-20"]
    _write(index, "2024-05-25", "2024-05-25")
    for batch, day, seen in [("2024-05-25", "2024-05-25", 1), ("2024-05-20", "2024-05-20", 0),
                             ("2024-05-28", "2024-05-28", 2), ("2024-06-30", "2024-06-30", 0)]:  # fmt: skip
        dedup = Deduplicator(s)
        assert index.load_into(dedup, batch, day) == seen, (batch, seen)
    dedup = Deduplicator(s)
    index.load_into(dedup, "2024-05-28", "2024-05-28")
    sig = sign(TEXT, s)
    assert sig is not None
    match = dedup.check(sig, Origin("x", "x.txt"))
    assert match is not None and match.of.batch == "2024-05-20" and match.of.id == "2024-05-20-1"
