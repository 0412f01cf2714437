"""Copies of one article: exact and near matches, first copy kept, syndication left alone."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from pipeline.document import Document
from pipeline.settings import Settings
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
