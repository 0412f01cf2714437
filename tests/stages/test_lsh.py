"""The LSH lookup table: the same answers as a plain dict, across flushes, with and without a cap."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.stages import lsh
from pipeline.stages.lsh import BandIndex, HashMultimap


@pytest.mark.parametrize("cap", [0, 3])
def test_multimap_answers_like_a_dict_of_the_earliest_keys(monkeypatch: pytest.MonkeyPatch, cap: int) -> None:
    """Lookups before, across and after many flushes (the directory grows from 2**8 slots)
    return the keys a dict would, at most `cap` a hash: the earliest."""
    monkeypatch.setattr(lsh, "FLUSH", 40)
    table, ref = HashMultimap(cap), {}
    rng = np.random.default_rng(7)
    hot = rng.integers(0, 2**64, size=200, dtype=np.uint64)  # hashes many keys share (LSH buckets)
    for key in range(4000):
        query = rng.choice(hot, 4)
        expected = [k for h in query.tolist() for k in ref.get(h, [])[: cap or None]]
        assert sorted(table.get(query)) == sorted(expected), key
        hashes = np.concatenate([rng.choice(hot, 2, replace=False), rng.integers(0, 2**64, 6, dtype=np.uint64)])
        table.add(hashes, key)
        for h in hashes.tolist():
            ref.setdefault(h, []).append(key)
    assert table.bits > 8  # the directory was rebuilt larger on the way
    stored = sum(min(len(v), cap) if cap else len(v) for v in ref.values())
    table.flush()
    assert len(table) == stored  # pairs past the cap are not kept


def test_a_full_bucket_returns_its_earliest_documents_and_stores_no_more(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lsh, "FLUSH", 5)
    index = BandIndex(8, 4, cap=3)
    bands = index.band_hashes(np.arange(8, dtype=np.uint32))
    for key in range(12):  # twelve documents with the same four bands
        index.insert(key, bands)
    assert index.query(bands).tolist() == [0, 1, 2]
    index.table.flush()
    assert len(index.table) == 4 * 3
    assert BandIndex(8, 4).query(bands).tolist() == []


@pytest.mark.parametrize("cap", [0, 2])
def test_first_is_the_earliest_key_of_a_hash(monkeypatch: pytest.MonkeyPatch, cap: int) -> None:
    """`first` (one exact key) answers `get([h]).min()`, stored or waiting, before and after flushes."""
    monkeypatch.setattr(lsh, "FLUSH", 9)
    table = HashMultimap(cap)
    rng = np.random.default_rng(3)
    hashes = rng.integers(0, 2**64, size=60, dtype=np.uint64).tolist()
    for key in range(600):
        h = hashes[int(rng.integers(0, len(hashes)))]
        found = table.get(np.array([h], dtype=np.uint64))
        assert table.first(h) == (int(found.min()) if len(found) else -1)
        if key % 2:
            table.add_one(h, key)
        else:
            table.add(np.array([h], dtype=np.uint64), key)
    assert table.first(2**64 - 1) == -1


def test_a_hash_twice_in_one_add_is_stored_twice() -> None:
    """A document whose bands repeat a hash, or share one with a waiting document, is stored once
    per band, before and after a flush."""
    table = HashMultimap()
    h, g, f = 11, 12, 13
    table.add(np.array([h, h, g], dtype=np.uint64), 0)
    table.add(np.array([f, g], dtype=np.uint64), 1)
    table.add(np.array([f + 1], dtype=np.uint64), 2)
    before = [sorted(table.get(np.array([x], dtype=np.uint64)).tolist()) for x in (h, g, f, f + 1)]
    assert before == [[0, 0], [0, 1], [1], [2]]
    table.flush()
    assert [sorted(table.get(np.array([x], dtype=np.uint64)).tolist()) for x in (h, g, f, f + 1)] == before
