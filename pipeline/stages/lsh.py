"""A compact multimap from 64-bit hashes to document keys, for LSH bands and exact keys.

rensa's own LSH index keeps about 1.3 KB per document with 16 bands (its hash maps and copies of
the MinHashes): 1.3 GB for a million kept documents, more than the merge task may use. Here each
band of each kept document costs 12 bytes: the (hash, key) pairs live in two sorted numpy arrays;
new pairs wait in a dict and are sorted into the arrays every `FLUSH` documents.
The MinHash itself is rensa's; this is only the lookup table.
"""

from __future__ import annotations

import numpy as np

FLUSH = 16384  # documents whose pairs wait in a dict (about 250 bytes a pair) before joining the arrays
_SEED = 0x5EED  # fixed: band hashes are the same in every process and run


class HashMultimap:
    def __init__(self) -> None:
        self.hashes = np.empty(0, dtype=np.uint64)
        self.keys = np.empty(0, dtype=np.uint32)
        self.pending: dict[int, list[int]] = {}  # waiting pairs, for lookups
        self.new_hashes: list[int] = []  # the same pairs, for the merge
        self.new_keys: list[int] = []
        self.waiting = 0

    def get(self, hashes: np.ndarray) -> list[int]:
        """Keys stored under any of `hashes` (uint64), in no particular order, maybe repeated."""
        out: list[int] = []
        if len(self.hashes):  # empty until the first flush: a batch under FLUSH documents never searches
            lo = np.searchsorted(self.hashes, hashes, side="left")
            hi = np.searchsorted(self.hashes, hashes, side="right")
            for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
                if b > a:
                    out.extend(self.keys[a:b].tolist())
        if self.pending:
            for h in hashes.tolist():
                out.extend(self.pending.get(h, ()))
        return out

    def add(self, hashes: np.ndarray, key: int) -> None:
        values = hashes.tolist()
        for h in values:
            self.pending.setdefault(h, []).append(key)
        self.new_hashes.extend(values)
        self.new_keys.extend([key] * len(values))
        self.waiting += 1
        if self.waiting >= FLUSH:
            self.flush()

    def flush(self) -> None:
        """Insert the waiting pairs into the sorted arrays: one new array each, not a full re-sort
        (which needed three times the arrays' size at a million documents)."""
        if not self.pending:
            return
        new_h = np.array(self.new_hashes, dtype=np.uint64)
        order = np.argsort(new_h, kind="stable")
        new_h, new_k = new_h[order], np.array(self.new_keys, dtype=np.uint32)[order]
        at = np.searchsorted(self.hashes, new_h, side="right")  # after equal hashes: keys stay in order
        self.hashes = np.insert(self.hashes, at, new_h)
        self.keys = np.insert(self.keys, at, new_k)
        self.pending, self.new_hashes, self.new_keys, self.waiting = {}, [], [], 0


class BandIndex:
    """LSH: documents whose MinHash values agree on all rows of at least one band are candidates."""

    def __init__(self, num_perm: int, num_bands: int) -> None:
        if num_bands < 1 or num_perm % num_bands:
            raise ValueError(f"[dedup] num_bands ({num_bands}) must divide num_perm ({num_perm})")
        self.bands, self.rows = num_bands, num_perm // num_bands
        rng = np.random.default_rng(_SEED)
        # Odd multipliers, different for every band: a band's hash also says which band it is.
        self.mult = rng.integers(1, 2**63, size=(self.bands, self.rows), dtype=np.uint64) | np.uint64(1)
        self.table = HashMultimap()

    def band_hashes(self, digest: np.ndarray) -> np.ndarray:
        values = digest.astype(np.uint64).reshape(self.bands, self.rows)
        return (values * self.mult).sum(axis=1, dtype=np.uint64)  # wraps modulo 2**64, as intended

    def query(self, bands: np.ndarray, limit: int = 0) -> np.ndarray:
        """Documents sharing a band, in key order; with `limit`, only that many: those sharing the
        most bands (the more bands agree, the more similar two documents are), then the earliest."""
        keys, hits = np.unique(np.asarray(self.table.get(bands), dtype=np.int64), return_counts=True)
        if limit and len(keys) > limit:
            keys = np.sort(keys[np.lexsort((keys, -hits))[:limit]])
        return keys

    def insert(self, key: int, bands: np.ndarray) -> None:
        self.table.add(bands, key)
