"""Copies of one article: exact and near matches, first copy kept, syndication left alone."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from pipeline.document import Document
from pipeline.settings import DedupSettings, Settings
from pipeline.stages import dedup
from pipeline.stages.boilerplate import BoilerplateCounter
from pipeline.stages.dedup import Deduplicator, Origin, shingles, sign, words
from tests.conftest import SEEDS


def _seed(n: int) -> str:
    return sorted(SEEDS.glob("*.txt"))[n].read_text(encoding="utf-8")


def _decide(settings: Settings, texts: list[str]) -> list[tuple[str, float] | None]:
    dedup = Deduplicator(settings.dedup)
    out: list[tuple[str, float] | None] = []
    for i, text in enumerate(texts):
        sig = sign(text, settings.dedup)
        assert sig is not None
        match = dedup.check(sig, Origin(f"d{i}", f"{i}.txt"))
        out.append(None if match is None else (match.of.id, match.similarity))
    return out


def test_words_and_shingles() -> None:
    assert words("L'État, c'est  MOI !") == ["l", "état", "c", "est", "moi"]
    assert shingles(["a", "b", "c"], 5) == ["a b c"]
    assert shingles(list("abcdef"), 5) == ["a b c d e", "b c d e f"]


def test_exact_copy_ignores_case_punctuation_and_spacing(settings: Settings) -> None:
    text = _seed(0)
    decisions = _decide(settings, [text, text.upper().replace(".", " . ").replace("\n", "\n\n")])
    assert decisions == [None, ("d0", 1.0)]


def test_near_copies_found_and_first_kept(settings: Settings) -> None:
    text = _seed(1)
    lines = text.splitlines()
    counter = "\n".join(["Vu 1234 fois", *lines, "Partager sur Facebook"])
    shorter = "\n".join(lines[:-1])  # the last paragraph cut off
    decisions = _decide(settings, [_seed(3), text, counter, shorter])
    assert decisions[0] is None and decisions[1] is None
    for d in decisions[2:]:
        assert d is not None and d[0] == "d1" and settings.dedup.threshold <= d[1] < 1.0


def test_syndicated_dispatch_is_not_a_copy(settings: Settings) -> None:
    """Seeds 002 and 004 carry one agency dispatch with their own framing: both are kept."""
    assert _decide(settings, [_seed(2), _seed(4)]) == [None, None]


def test_same_batch_same_decisions_and_threshold_is_a_setting(settings: Settings) -> None:
    texts = [_seed(2), _seed(4), _seed(2) + "\nUne ligne de plus."]
    assert _decide(settings, texts) == _decide(settings, texts)
    # A lower threshold needs more LSH bands (fewer rows each) to find such pairs as candidates.
    loose = dataclasses.replace(settings, dedup=dataclasses.replace(settings.dedup, threshold=0.3, num_bands=64))
    syndicated = _decide(loose, texts)[1]
    assert syndicated is not None and syndicated[0] == "d0"


def test_a_copy_taken_back_from_the_learning_counts(settings: Settings, tmp_path: Path) -> None:
    counter = BoilerplateCounter(settings.learn)
    docs = []
    for n in range(4):
        doc = Document(id=f"d{n}", source=f"{n}.txt", file=f"{n}.txt")
        doc.set_text(_seed(0) if n else _seed(1))
        docs.append(doc)
        assert counter.add(doc, "site") == "site"
    for doc in docs[2:]:
        counter.remove(doc, "site")
    assert counter.docs["site"] == 2
    assert max(counter.lines["site"].values()) == 1  # each line of seed 0 now counted once


@pytest.mark.parametrize("n", [1, 2, 5])
def test_a_long_text_is_signed_in_pieces_with_the_same_signature(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    """Pieces overlap by n-1 words: every shingle is made once, and the exact key is unchanged."""
    settings = dataclasses.replace(Settings().dedup, shingle_words=n)
    text = " ".join(f"Mot{i % 97} suivant{i % 13}," for i in range(2_000))
    monkeypatch.setattr(dedup, "WORDS_PER_PIECE", 10**6)
    whole = sign(text, settings, with_shingles=True)
    for size in (1, 3, 4, 5, 7, 250, 5_000):  # 5,000: the findall path; the others read word by word
        monkeypatch.setattr(dedup, "WORDS_PER_PIECE", size)
        assert sign(text, settings, with_shingles=True) == whole, size


class _Shingles:
    """A store that keeps the kept documents' shingles in memory and counts the fetches."""

    def __init__(self) -> None:
        self.sets: dict[int, np.ndarray] = {}
        self.fetches = 0

    def get(self, where: int) -> np.ndarray | None:
        self.fetches += 1
        return self.sets.get(where)


def _near_copies(n: int) -> list[str]:
    """A seed page and n versions of it each with other words changed: all near the threshold."""
    base = _seed(1).split()
    out = []
    for k in range(n + 1):
        words_k = [w if (i + 3 * k) % 40 else f"x{k}y{i}" for i, w in enumerate(base)]
        out.append(" ".join(words_k))
    return out


def test_candidates_and_exact_checks_per_document_are_bounded(settings: Settings) -> None:
    """Each document estimates at most `max_candidates` kept documents (those sharing the most LSH
    bands) and makes at most `max_exact_checks` exact checks, whatever the batch holds."""
    s = dataclasses.replace(settings.dedup, threshold=0.5, cross_site_threshold=0.5, num_bands=32)
    texts = _near_copies(12)

    def run(bounds: dict[str, int]) -> tuple[int, int, list[int]]:
        store = _Shingles()
        dedup = Deduplicator(dataclasses.replace(s, **bounds), store)
        kept = []
        for i, text in enumerate(texts[:-1]):  # every version kept: the index is filled as-is
            sig = sign(text, s, with_shingles=True)
            assert sig is not None
            store.sets[i] = sig.shingle_set()
            dedup.add(sig, Origin(f"d{i}", f"{i}.txt"), i)
            kept.append(i)
        last = sign(texts[-1], s, with_shingles=True)
        assert last is not None
        digest = dedup_digest(last, s)
        cands = dedup.lsh.query(dedup.lsh.band_hashes(digest), dedup.settings.max_candidates)
        store.fetches = 0
        dedup.find(last, None)
        return store.fetches, len(cands), kept

    fetches, cands, kept = run({"max_exact_checks": 1000, "max_candidates": 0})
    assert cands == len(kept) and fetches > 2  # unbounded: every version is a candidate and checked
    fetches, cands, _ = run({"max_exact_checks": 2, "max_candidates": 3})
    assert cands == 3 and fetches <= 2


def dedup_digest(sig: dedup.Signature, s: DedupSettings) -> np.ndarray:
    return np.asarray(dedup.restore(sig, s).digest(), dtype=np.uint32)


def test_checking_many_at_once_decides_as_one_by_one(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """`check_many` (the tasks' path) gives `check`'s answers in order, and keeps the same documents,
    with exact and near copies of documents of the same call and of earlier ones, across flushes of
    the lookup tables."""
    from pipeline.stages import lsh

    monkeypatch.setattr(lsh, "FLUSH", 7)
    s = dataclasses.replace(settings.dedup, max_bucket=3)
    texts = [_seed(n % 5) for n in range(5)] + _near_copies(6)
    texts += [t.upper() for t in texts[::3]] + [_seed(1) + "\nVu 12 fois"] * 3
    sigs = [sign(t, s) for t in texts]
    docs = [(sig, Origin(f"d{i}", f"{i}.txt", site="a" if i % 2 else None), -1) for i, sig in enumerate(sigs) if sig]
    one, many = Deduplicator(s), Deduplicator(s)
    expected = [one.check(*doc) for doc in docs]
    got = many.check_many(docs[:4]) + many.check_many(docs[4:13]) + many.check_many(docs[13:])
    assert got == expected
    assert any(m is not None and m.exact for m in got) and any(m is not None and not m.exact for m in got)
    assert many.kept == one.kept


@pytest.mark.parametrize("chunk", [2, 3, 4096])
def test_estimates_are_the_same_whatever_the_blocks(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                                    chunk: int) -> None:  # fmt: skip
    """Kept MinHash rows live in blocks; candidates in one block are gathered at once, others row by
    row: the estimates and decisions do not depend on how the kept documents fall into blocks."""
    s = settings.dedup
    texts = [_seed(n % 5) for n in range(5)] + _near_copies(6) + _near_copies(4)
    sigs = [sig for sig in (sign(t, s) for t in texts) if sig]
    docs = [(sig, Origin(f"d{i}", f"{i}.txt"), -1) for i, sig in enumerate(sigs)]
    expected = Deduplicator(s).check_many(docs)
    monkeypatch.setattr(dedup, "_CHUNK", chunk)
    many = Deduplicator(s)
    assert many.check_many(docs) == expected
    assert any(m is not None and not m.exact for m in expected)
    low = (np.arange(s.num_perm) % 256).astype(np.uint8)
    cands = np.arange(len(many))
    rows = np.concatenate(many.blocks)[: len(many)]
    assert many._estimates(cands, low).tolist() == (np.count_nonzero(rows == low, axis=1) / s.num_perm).tolist()


def test_a_signatures_shingles_are_decoded_once(settings: Settings) -> None:
    sig = sign(_seed(0), settings.dedup, with_shingles=True)
    assert sig is not None
    read = dedup.Signature.from_record(sig.to_record())
    assert read.shingle_set() is read.shingle_set()
    assert read.shingle_set().tolist() == sig.shingle_set().tolist()
    assert read == dedup.Signature.from_record(sig.to_record())  # the decoded set is no field
