"""A compact multimap from 64-bit hashes to document keys, for LSH bands and exact keys.

rensa's own LSH index keeps about 1.3 KB per document with 16 bands (its hash maps and copies of
the MinHashes): 1.3 GB for a million kept documents, more than the merge task may use. Here each
band of each kept document costs 12 bytes: the (hash, key) pairs live in two sorted numpy arrays;
new pairs wait in a dict and are sorted into the arrays every `FLUSH` documents.
The MinHash itself is rensa's; this is only the lookup table.

A lookup costs the same at any size: a directory of offsets, indexed by a hash's top bits (four to
eight pairs a slot), gives the few pairs to compare, where binary searches over the whole arrays
missed the cache more the larger the table grew. With `cap`, one hash holds at most that many
keys, the earliest (later ones are neither returned nor stored): an LSH bucket of thousands of
near relatives costs no more than one of `cap`.
"""

from __future__ import annotations

import numpy as np

FLUSH = 16384  # documents whose pairs wait in a dict (about 250 bytes a pair) before joining the arrays
_SEED = 0x5EED  # fixed: band hashes are the same in every process and run
_MIN_BITS = 8  # directory slots: at least 2**8 (offsets are uint32: up to 4 billion pairs)


class HashMultimap:
    def __init__(self, cap: int = 0) -> None:
        self.cap = cap  # at most this many keys a hash, the earliest; 0: no bound
        self.hashes = np.empty(0, dtype=np.uint64)
        self.keys = np.empty(0, dtype=np.uint32)
        self.bits = _MIN_BITS
        self.dir = np.zeros(2**_MIN_BITS + 1, dtype=np.uint32)  # slot s: pairs dir[s] to dir[s + 1]
        # Waiting pairs, for lookups: a hash's key, or its keys once it has several. Plain ints
        # are not tracked by Python's garbage collector: one list a pair made every full
        # collection come sooner, and each walks all the kept documents.
        self.pending: dict[int, int | list[int]] = {}
        self.new_hashes: list[int] = []  # the same pairs, for the merge
        self.new_keys: list[int] = []
        self.waiting = 0

    def __len__(self) -> int:
        return len(self.hashes)

    def get(self, hashes: np.ndarray) -> np.ndarray:
        """Keys stored under any of `hashes` (uint64), in no particular order, maybe repeated; with
        `cap`, at most `cap` a hash (the earliest)."""
        stored = np.empty(0, dtype=np.uint32)
        found: list[int] = []
        if len(self.hashes):  # empty until the first flush: a batch under FLUSH documents never searches
            slot = (hashes >> np.uint64(64 - self.bits)).astype(np.intp)
            lo = self.dir[slot].astype(np.intp)
            lens = self.dir[slot + 1].astype(np.intp) - lo
            total = int(lens.sum())
            if total:
                which = np.repeat(np.arange(len(hashes)), lens)  # the query each compared pair is for
                idx = np.arange(total) + np.repeat(lo - (np.cumsum(lens) - lens), lens)
                hit = self.hashes[idx] == hashes[which]
                stored = self.keys[idx[hit]]
                if self.cap and self.pending:
                    found = np.bincount(which[hit], minlength=len(hashes)).tolist()
        if not self.pending:
            return stored.astype(np.int64)
        waiting: list[int] = []
        for i, h in enumerate(hashes.tolist()):
            keys = self.pending.get(h)
            if keys is None:
                continue
            room = self.cap - (found[i] if found else 0) if self.cap else len(self.new_keys)
            if isinstance(keys, int):
                waiting.extend((keys,) if room > 0 else ())
            else:
                waiting.extend(keys[: max(room, 0)])
        pending = np.array(waiting, dtype=np.int64)
        return np.concatenate((stored.astype(np.int64), pending)) if len(stored) else pending

    def first(self, h: int) -> int:
        """The earliest key stored under one hash, -1 when none: `get([h]).min()` without its array
        calls (a lookup of one exact key per document). In the arrays equal hashes keep their keys
        in order, and every waiting key came after every stored one."""
        if len(self.hashes):
            slot = h >> (64 - self.bits)
            lo, hi = int(self.dir[slot]), int(self.dir[slot + 1])
            hit = np.flatnonzero(self.hashes[lo:hi] == np.uint64(h))
            if len(hit):
                return int(self.keys[lo + int(hit[0])])
        keys = self.pending.get(h)
        if keys is None:
            return -1
        return keys if isinstance(keys, int) else keys[0]

    def add_one(self, h: int, key: int) -> None:
        """`add` of one hash (an exact key), without making an array of it."""
        keys = self.pending.get(h)
        if keys is None:
            self.pending[h] = key
        elif isinstance(keys, int):
            self.pending[h] = [keys, key]
        else:
            keys.append(key)
        self.new_hashes.append(h)
        self.new_keys.append(key)
        self.waiting += 1
        if self.waiting >= FLUSH:
            self.flush()

    def add(self, hashes: np.ndarray, key: int) -> None:
        """Keys must come in increasing order (the earliest are kept under `cap`)."""
        values = hashes.tolist()
        pending = self.pending
        for h in values:
            keys = pending.get(h)
            if keys is None:
                pending[h] = key
            elif isinstance(keys, int):
                pending[h] = [keys, key]
            else:
                keys.append(key)
        self.new_hashes.extend(values)
        self.new_keys.extend([key] * len(values))
        self.waiting += 1
        if self.waiting >= FLUSH:
            self.flush()

    def flush(self) -> None:
        """Insert the waiting pairs into the sorted arrays: one new array each, not a full re-sort
        (which needed three times the arrays' size at a million documents). Pairs past `cap` are
        dropped here."""
        if not self.pending:
            return
        new_h = np.array(self.new_hashes, dtype=np.uint64)
        order = np.argsort(new_h, kind="stable")
        new_h, new_k = new_h[order], np.array(self.new_keys, dtype=np.uint32)[order]
        at = np.searchsorted(self.hashes, new_h, side="right")  # after equal hashes: keys stay in order
        if self.cap:  # a pair's rank under its hash: the stored ones, then the new ones before it
            first = np.flatnonzero(np.concatenate(([True], new_h[1:] != new_h[:-1])))
            rank = np.arange(len(new_h)) - np.repeat(first, np.diff(np.append(first, len(new_h))))
            rank += at - np.searchsorted(self.hashes, new_h, side="left")
            room = rank < self.cap
            new_h, new_k, at = new_h[room], new_k[room], at[room]
        self.hashes = np.insert(self.hashes, at, new_h)
        self.keys = np.insert(self.keys, at, new_k)
        self.pending, self.new_hashes, self.new_keys, self.waiting = {}, [], [], 0
        self._directory(new_h)

    def _directory(self, new_h: np.ndarray) -> None:
        """The offsets of each slot's pairs (slots: a power of two, an eighth to a quarter of the
        pairs; 4 bytes each): updated by the new pairs' counts, rebuilt only when the slots double."""
        bits = max(_MIN_BITS, (len(self.hashes) // 8).bit_length())
        shift = np.uint64(64 - bits)
        if bits != self.bits:
            bounds = np.arange(2**bits, dtype=np.uint64) << shift
            self.dir = np.append(np.searchsorted(self.hashes, bounds), len(self.hashes)).astype(self.dir.dtype)
            self.bits = bits
        else:
            counts = np.bincount((new_h >> shift).astype(np.intp), minlength=2**bits)
            self.dir[1:] += np.cumsum(counts).astype(self.dir.dtype)


class BandIndex:
    """LSH: documents whose MinHash values agree on all rows of at least one band are candidates."""

    def __init__(self, num_perm: int, num_bands: int, cap: int = 0) -> None:
        """`cap`: at most this many documents a bucket returns, the earliest (0: no bound)."""
        if num_bands < 1 or num_perm % num_bands:
            raise ValueError(f"[dedup] num_bands ({num_bands}) must divide num_perm ({num_perm})")
        self.bands, self.rows = num_bands, num_perm // num_bands
        rng = np.random.default_rng(_SEED)
        # Odd multipliers, different for every band: a band's hash also says which band it is.
        self.mult = rng.integers(1, 2**63, size=(self.bands, self.rows), dtype=np.uint64) | np.uint64(1)
        self.table = HashMultimap(cap)

    def band_hashes(self, digest: np.ndarray) -> np.ndarray:
        values = digest.astype(np.uint64).reshape(self.bands, self.rows)
        return (values * self.mult).sum(axis=1, dtype=np.uint64)  # wraps modulo 2**64, as intended

    def band_hashes_many(self, digests: np.ndarray) -> np.ndarray:
        """`band_hashes` of each row of `digests` (documents x num_perm), in one call."""
        values = digests.astype(np.uint64).reshape(len(digests), self.bands, self.rows)
        return (values * self.mult).sum(axis=2, dtype=np.uint64)

    def query(self, bands: np.ndarray, limit: int = 0) -> np.ndarray:
        """Documents sharing a band, in key order; with `limit`, only that many: those sharing the
        most bands (the more bands agree, the more similar two documents are), then the earliest."""
        hits = np.sort(self.table.get(bands))
        if not len(hits):
            return hits
        first = np.flatnonzero(np.concatenate(([True], hits[1:] != hits[:-1])))
        keys = hits[first]
        if limit and len(keys) > limit:
            shared = np.diff(np.append(first, len(hits)))  # bands each document shares
            keys = np.sort(keys[np.lexsort((keys, -shared))[:limit]])
        return keys

    def insert(self, key: int, bands: np.ndarray) -> None:
        self.table.add(bands, key)
