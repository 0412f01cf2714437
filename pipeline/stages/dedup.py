"""Copies of one article: exact (a hash of the normalised words) and near (MinHash + LSH).

A document's signature is made from its text: the words, case-folded and without punctuation,
give the exact key (a 64-bit hash) and the 5-word shingles (`[dedup] shingle_words`) give the
MinHash (rensa's `RMinHash`, seeded, so every process computes the same one). `Deduplicator`
takes signatures in the batch's sorted input order: a document whose exact key was seen, or whose
estimated Jaccard similarity with an earlier kept document reaches `threshold` (candidates from
the LSH band index of `lsh.py`), is a copy of that document; otherwise it is kept and indexed.
So the first copy in input order is the one kept, and the same batch always keeps the same copy.

Similarity is estimated on the kept documents' MinHash values, stored as their low 8 bits
(128 bytes a document, see `_estimates`). An estimate within `verify_margin` of the
threshold (128 permutations: one standard deviation is about 0.035 at 0.8) is replaced by the
exact Jaccard similarity when both shingle sets are at hand: a signature may carry its shingles'
hashes (sorted, 32 bits), and the caller's `ShingleStore` fetches a kept document's from disk.
"""

from __future__ import annotations

import base64
import hashlib
import re
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

import numpy as np
import rensa

from pipeline.rules.features import line_key
from pipeline.settings import DedupSettings
from pipeline.stages.lsh import BandIndex, HashMultimap
from pipeline.words import words as word_list

STAGE = "dedup"
RULE = "dedup.duplicate"
REASON = "duplicate"
_WORD = re.compile(r"\w+")
_CHUNK = 4096  # kept signatures are stored in blocks of this many rows


@dataclass(frozen=True)
class Signature:
    exact: int  # 64-bit hash of the normalised words
    minhash: bytes  # rensa's serialised RMinHash (its own format, version-tagged)
    shingles: bytes = b""  # sorted distinct 32-bit shingle hashes (uint32), for exact checks
    # The same, as read from a record (base64): most documents never need an exact check, so
    # they are decoded only when one does (decoding them all was a tenth of the merge's time).
    sh64: str = ""

    def to_record(self) -> dict[str, object]:
        record: dict[str, object] = {"exact": self.exact, "mh": base64.b64encode(self.minhash).decode("ascii")}
        if self.shingles:
            record["sh"] = base64.b64encode(self.shingles).decode("ascii")
        elif self.sh64:
            record["sh"] = self.sh64
        return record

    @classmethod
    def from_record(cls, record: dict[str, object]) -> Signature:
        return cls(int(str(record["exact"])), base64.b64decode(str(record["mh"])), sh64=str(record.get("sh", "")))

    @property
    def has_shingles(self) -> bool:
        return bool(self.shingles or self.sh64)

    def shingle_set(self) -> np.ndarray:
        """The shingle hashes as a (read-only) array, decoded once: a document near several kept
        ones is checked against each of them."""
        decoded = self.__dict__.get("_decoded")  # not a field: equality and records ignore it
        if decoded is None:
            decoded = np.frombuffer(self.shingles or base64.b64decode(self.sh64), dtype=np.uint32)
            self.__dict__["_decoded"] = decoded
        return decoded


class ShingleStore(Protocol):
    """Where the shingle hashes of a kept document are fetched from, by the `where` it was kept with."""

    def get(self, where: int) -> np.ndarray | None: ...


class Origin(NamedTuple):
    """Who a kept document is: its id and source, and the earlier batch it came from (if any).
    A tuple of strings, which Python's garbage collector stops tracking: a million kept
    dataclass objects made every full collection walk them all (a fifth of the merge's time
    at 300,000 documents, growing with the batch)."""

    id: str
    source: str
    batch: str | None = None
    site: str | None = None


@dataclass(frozen=True)
class Match:
    of: Origin
    similarity: float
    exact: bool


def words(text: str) -> list[str]:
    return word_list(text.casefold())


def shingles(tokens: list[str], n: int) -> list[str]:
    """Overlapping n-word shingles; a text shorter than n words is one shingle."""
    if len(tokens) <= n:
        return [" ".join(tokens)] if tokens else []
    return [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def sign(text: str, settings: DedupSettings, with_shingles: bool = False) -> Signature | None:
    """The signature of a text, or None when it has no words (nothing to compare).

    Shingles are not built as strings: each word is hashed once (rensa), a shingle's hash mixes
    its words' hashes (numpy, all shingles at once) and the MinHash reads those 8-byte values.
    This is three times faster than joining strings, and signing runs twice per document.
    A long text is read in pieces of `WORDS_PER_PIECE` words (each piece starts with the last
    n-1 words of the one before, so every shingle is made once): the same signature, in bounded
    memory (whole, an 8 MB page took ~185 MB of word and shingle objects)."""
    n = settings.shingle_words
    exact = hashlib.blake2b(digest_size=8)
    mh = rensa.RMinHash(num_perm=settings.num_perm, seed=settings.seed)
    kept: list[np.ndarray] = []
    tail: list[str] = []
    seen = False
    for piece in _pieces(text.casefold(), max(n, WORDS_PER_PIECE)):
        exact.update((" " if seen else "").encode() + " ".join(piece).encode())
        seen = True
        grams = shingle_hashes(tail + piece, n)
        mh.update(grams.view("S8").tolist())  # 8-byte tokens (numpy drops trailing zero bytes: still one-to-one)
        if with_shingles:
            kept.append(sorted_unique((grams & _LOW32).astype(np.uint32)))
        tail = (tail + piece)[-(n - 1) :] if n > 1 else []
    if not seen:
        return None
    sh = (kept[0] if len(kept) == 1 else sorted_unique(np.concatenate(kept))).tobytes() if with_shingles else b""
    return Signature(int.from_bytes(exact.digest(), "big"), mh.__getstate__(), sh)


WORDS_PER_PIECE = 100_000


def _pieces(folded: str, size: int) -> Iterator[list[str]]:
    """The words of a case-folded text, in lists of `size` (the last one shorter)."""
    if len(folded) <= 8 * size:  # short enough: one list of words is cheap (and findall is fast)
        words = word_list(folded)
        yield from (words[i : i + size] for i in range(0, len(words), size))
        return
    piece: list[str] = []
    for match in _WORD.finditer(folded):
        piece.append(match.group())
        if len(piece) == size:
            yield piece
            piece = []
    if piece:
        yield piece


LEARN_MIN_WORDS = 10  # a line this long is article text far more often than chrome


def sign_lines(lines: list[str], settings: DedupSettings, line_keys: list[str] | None = None) -> Signature | None:
    """Learning's cheaper signature, on the repaired text: the set of its long lines' keys (short
    lines are mostly chrome, which copies do not share and distinct articles of one site do).
    `line_keys`: each line's key, as learning counted them (so they are made once, not twice)."""
    if line_keys is None:
        line_keys = [line_key(line) if line.strip() else "" for line in lines]
    keys = [key for line, key in zip(lines, line_keys, strict=True) if line.count(" ") >= LEARN_MIN_WORDS - 1]
    keys = keys or [key for line, key in zip(lines, line_keys, strict=True) if line.strip()]
    if not keys:
        return None
    exact = int.from_bytes(hashlib.blake2b("\n".join(keys).encode(), digest_size=8).digest(), "big")
    mh = rensa.RMinHash(num_perm=settings.num_perm, seed=settings.seed)
    mh.update(keys)
    return Signature(exact, mh.__getstate__())


_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit multiplier (golden ratio): order matters in a shingle
_LOW32 = np.uint64(0xFFFFFFFF)


def shingle_hashes(tokens: list[str], n: int) -> np.ndarray:
    """One 64-bit hash per n-word shingle (see `shingles`), from the words' rensa hashes."""
    h = np.asarray(rensa.RMinHash.hash_token_sets([tokens])[0], dtype=np.uint64)
    n = min(n, len(h))
    count = len(h) - n + 1
    mixed = h[:count].copy()
    for k in range(1, n):
        mixed = mixed * _MIX + h[k : k + count]  # wraps modulo 2**64, as intended
    return np.ascontiguousarray(mixed)


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """`np.unique` of a 1-d array, without its general-case overhead (five times faster here)."""
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted sets of shingle hashes."""
    both = len(np.intersect1d(a, b, assume_unique=True))
    return both / (len(a) + len(b) - both) if len(a) + len(b) else 1.0


def restore(sig: Signature, settings: DedupSettings) -> rensa.RMinHash:
    mh = rensa.RMinHash(num_perm=settings.num_perm, seed=settings.seed)
    mh.__setstate__(sig.minhash)  # rensa checks its format tag and the parameters
    return mh


class Deduplicator:
    """Decides, document by document in input order, kept or a copy of an earlier kept one."""

    def __init__(
        self, settings: DedupSettings, store: ShingleStore | None = None, unknown_differ: bool = False
    ) -> None:
        """`unknown_differ`: a page of no known site may be another site's (see `_needed`)."""
        self.settings, self.store, self.unknown_differ = settings, store, unknown_differ
        # Per kept document: where the store finds its shingles (-1: nowhere); an array, not a list
        # of int objects that every full garbage collection would visit.
        self.where = array("q")
        self.lsh = BandIndex(settings.num_perm, settings.num_bands, settings.max_bucket)
        self.exact = HashMultimap()
        self.kept: list[Origin] = []
        self.blocks: list[np.ndarray] = []

    def __len__(self) -> int:
        return len(self.kept)

    def find(self, sig: Signature, site: str | None) -> tuple[Match | None, np.ndarray | None]:
        """The best kept match, and the document's MinHash values (None for an exact copy)."""
        same = self.exact.first(sig.exact)
        if same >= 0:
            return Match(self.kept[same], 1.0, True), None
        digest = np.asarray(restore(sig, self.settings).digest(), dtype=np.uint32)
        return self._near(sig, site, digest, self.lsh.band_hashes(digest)), digest

    def _near(self, sig: Signature, site: str | None, digest: np.ndarray, bands: np.ndarray) -> Match | None:
        """The best near match among the kept documents sharing a band (`bands`: of `digest`)."""
        cands = self.lsh.query(bands, self.settings.max_candidates)
        if not len(cands):  # most documents: nothing to estimate
            return None
        sims = self._estimates(cands, (digest & 0xFF).astype(np.uint8))
        near = sims >= self.settings.threshold - self.settings.verify_margin  # the others cannot match
        cands, sims = cands[near], sims[near]
        best, best_sim, checks = -1, -1.0, self.settings.max_exact_checks or len(cands)  # 0: no bound
        # Most similar first (then input order): the exact checks a document may make are bounded
        # (`max_exact_checks`), and they go to the candidates most likely to match.
        for k in np.lexsort((cands, -sims)).tolist():
            cand, sim = int(cands[k]), float(sims[k])
            need = self._needed(self.kept[cand].site, site)
            if abs(sim - need) < self.settings.verify_margin and self._checkable(sig, cand):
                if checks == 0:
                    continue  # bound reached: not taken as a copy (one delivered twice, none lost)
                checks -= 1
                sim = self._exact(sig, cand, sim)
            if sim >= need and (sim > best_sim or (sim == best_sim and cand < best)):
                best, best_sim = cand, sim
        return Match(self.kept[best], round(best_sim, 3), False) if best >= 0 else None

    def _needed(self, a: str | None, b: str | None) -> float:
        """Syndication is not duplication: a dispatch reprinted by another known site, with its own
        cuts and framing, needs `cross_site_threshold`; mirrors (near-identical texts) still match.
        A page of no known site (no site pack, no URL) could be any site's: with `unknown_differ`
        (delivery) it is taken as another site's, so a reprint is never lost; without (learning,
        where counting copies once is the safe side) as the same site's."""
        s = self.settings
        other = a != b if a and b else self.unknown_differ
        return max(s.threshold, s.cross_site_threshold) if other else s.threshold

    def _checkable(self, sig: Signature, cand: int) -> bool:
        return self.store is not None and self.where[cand] >= 0 and sig.has_shingles

    def _exact(self, sig: Signature, cand: int, estimate: float) -> float:
        """The exact similarity when both shingle sets are at hand, else the estimate."""
        kept = self.store.get(self.where[cand]) if self.store is not None and self._checkable(sig, cand) else None
        return estimate if kept is None else jaccard(sig.shingle_set(), kept)

    def check(self, sig: Signature, origin: Origin, where: int = -1) -> Match | None:
        """A copy: the kept document it copies. Otherwise None, and the document is kept (`where`:
        how the store finds its shingles)."""
        return self.check_many([(sig, origin, where)])[0]

    def check_many(self, docs: Sequence[tuple[Signature, Origin, int]]) -> list[Match | None]:
        """`check` of each (signature, origin, where), in order: the same answers, with the MinHash
        values and band hashes of all the documents worked out at once (one numpy call each, not
        several per document: their overhead was most of the search's time)."""
        if not docs:
            return []
        digests = np.array([restore(sig, self.settings).digest() for sig, _, _ in docs], dtype=np.uint32)
        bands = self.lsh.band_hashes_many(digests)
        out: list[Match | None] = []
        for (sig, origin, where), digest, band in zip(docs, digests, bands, strict=True):
            same = self.exact.first(sig.exact)
            match = Match(self.kept[same], 1.0, True) if same >= 0 else self._near(sig, origin.site, digest, band)
            if match is None:
                self._keep(sig, origin, digest, where, band)
            out.append(match)
        return out

    def add(self, sig: Signature, origin: Origin, where: int = -1) -> None:
        """Index a document as kept whatever it resembles, unless an exact copy is kept already
        (documents of earlier batches; `where`: how the store finds its shingles)."""
        if self.exact.first(sig.exact) < 0:
            self._keep(sig, origin, None, where)

    def _keep(self, sig: Signature, origin: Origin, digest: np.ndarray | None, where: int,
              bands: np.ndarray | None = None) -> None:  # fmt: skip
        if digest is None:
            digest = np.asarray(restore(sig, self.settings).digest(), dtype=np.uint32)
        key = len(self.kept)
        if key % _CHUNK == 0:
            self.blocks.append(np.zeros((_CHUNK, self.settings.num_perm), dtype=np.uint8))
        self.blocks[-1][key % _CHUNK] = digest & 0xFF
        self.kept.append(origin)
        self.where.append(where)
        self.exact.add_one(sig.exact, key)
        self.lsh.insert(key, self.lsh.band_hashes(digest) if bands is None else bands)

    def _estimates(self, cands: np.ndarray, low: np.ndarray) -> np.ndarray:
        """Estimated similarity with each candidate: shares of equal MinHash values (at most
        `max_candidates` rows gathered: one mask per block cost candidates x blocks). Only
        the low 8 bits are kept: two different values agree by chance once in 256, which raises
        an estimate by (1 - J) / 256, under 0.001 near the threshold."""
        if not len(cands):
            return np.zeros(0)
        keys = cands.tolist()
        first = min(keys) // _CHUNK
        if first == max(keys) // _CHUNK:  # all in one block (most searches): one gather, not a row each
            rows = self.blocks[first][cands % _CHUNK]
        else:
            rows = np.stack([self.blocks[c // _CHUNK][c % _CHUNK] for c in keys])
        return np.count_nonzero(rows == low, axis=1) / len(low)
