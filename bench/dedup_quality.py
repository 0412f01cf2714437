"""Near-duplicate quality: MinHash LSH decisions against the same decisions made with exact Jaccard.

    .venv/bin/python bench/dedup_quality.py [--docs 10000] [--originals 8000] [--seed 0]

Builds `--docs` documents: `--originals` distinct articles (Zipf-distributed words from a large
vocabulary, 150-600 words in paragraphs) and planted copies of some of them, each made by one
kind of edit a crawl produces: an exact copy with other case and punctuation, a counter or share
line added, a paragraph added or removed, the end cut off, or words replaced (1-12 %, which spreads
the copies' similarity from 1.0 down to well below the threshold). Copies are shuffled among the
originals, as input order puts them.

Reference: the pipeline's own rule (keep the first in input order, a later document is a copy
when it matches a kept one) with the exact Jaccard similarity of the 5-word shingle sets. Measured:
the documents flagged as copies by `Deduplicator` (rensa MinHash + LSH) vs the reference:
recall = found / reference copies, precision = right / flagged; and pair precision: flagged
pairs whose exact Jaccard reaches the threshold.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from pipeline.settings import load_settings
from pipeline.stages.dedup import Deduplicator, Origin, shingles, sign, words


def vocabulary(rng: random.Random, n: int) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyzéèàç"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(2, 10))) for _ in range(n)]


def article(rng: random.Random, vocab: list[str], weights: list[float]) -> list[str]:
    paragraphs = []
    for _ in range(rng.randint(3, 10)):
        n = rng.randint(30, 70)
        paragraphs.append(" ".join(rng.choices(vocab, weights, k=n)).capitalize() + ".")
    return paragraphs


def copy_of(rng: random.Random, paras: list[str], vocab: list[str]) -> tuple[str, list[str]]:
    kind = rng.choice(["exact", "counter", "paragraph+", "paragraph-", "cut", "words", "words", "words"])
    out = list(paras)
    if kind == "exact":
        out = [p.upper().replace(".", " !") for p in out]
    elif kind == "counter":
        out = [f"Vu {rng.randint(10, 99999)} fois", *out, "Partager sur Facebook"]
    elif kind == "paragraph+":
        out.insert(rng.randrange(len(out) + 1), " ".join(rng.choices(vocab, k=rng.randint(20, 60))) + ".")
    elif kind == "paragraph-" and len(out) > 3:
        del out[rng.randrange(len(out))]
    elif kind == "cut":
        text = " ".join(out).split()
        out = [" ".join(text[: int(len(text) * rng.uniform(0.75, 0.98))])]
    elif kind == "words":
        rate = rng.uniform(0.01, 0.12)
        out = [" ".join(rng.choice(vocab) if rng.random() < rate else w for w in p.split()) for p in out]
    return kind, out


class MemoryStore:
    def __init__(self) -> None:
        self.sets: list[np.ndarray] = []

    def get(self, where: int) -> np.ndarray | None:
        return self.sets[where]


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def exact_reference(sets: list[set[str]], threshold: float) -> dict[int, int]:
    """Keep-first with exact Jaccard: candidates are the kept documents sharing a shingle."""
    postings: dict[str, list[int]] = {}
    copies: dict[int, int] = {}
    for i, s in enumerate(sets):
        seen: set[int] = set()
        best, best_sim = -1, -1.0
        for sh in s:
            for k in postings.get(sh, ()):
                if k not in seen:
                    seen.add(k)
                    sim = jaccard(s, sets[k])
                    if sim > best_sim:
                        best, best_sim = k, sim
        if best >= 0 and best_sim >= threshold:
            copies[i] = best
        else:
            for sh in s:
                postings.setdefault(sh, []).append(i)
    return copies


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--originals", type=int, default=8000)
    ap.add_argument("--vocabulary", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-verify", dest="verify", action="store_false", help="MinHash estimates only")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    vocab = vocabulary(rng, args.vocabulary)
    weights = [1 / (r + 1) for r in range(len(vocab))]  # Zipf: frequent words make shingles collide now and then
    originals = [article(rng, vocab, weights) for _ in range(args.originals)]
    planted = [copy_of(rng, rng.choice(originals), vocab) for _ in range(args.docs - args.originals)]
    docs = [("original", p) for p in originals] + planted
    rng.shuffle(docs)
    texts = ["\n".join(p) for _, p in docs]

    settings = load_settings().dedup
    t0 = time.perf_counter()
    store = MemoryStore()
    dedup = Deduplicator(settings, store if args.verify else None)
    found: dict[int, int] = {}
    for i, text in enumerate(texts):
        sig = sign(text, settings, with_shingles=args.verify)
        assert sig is not None
        store.sets.append(sig.shingle_set())
        match = dedup.check(sig, Origin(str(i), f"{i}.txt"), i)
        if match is not None:
            found[i] = int(match.of.id)
    minhash_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    sets = [set(shingles(words(t), settings.shingle_words)) for t in texts]
    reference = exact_reference(sets, settings.threshold)
    exact_s = time.perf_counter() - t0

    right = len(found.keys() & reference.keys())
    pair_ok = sum(jaccard(sets[i], sets[k]) >= settings.threshold for i, k in found.items())
    near = [i for i in reference if jaccard(sets[i], sets[reference[i]]) < 1.0]
    result = {
        "docs": len(texts), "planted_copies": len(planted), "threshold": settings.threshold,
        "num_perm": settings.num_perm, "num_bands": settings.num_bands, "exact_check_near_threshold": args.verify,
        "reference_copies": len(reference), "reference_near_copies": len(near), "flagged": len(found),
        "recall": round(right / max(1, len(reference)), 4), "precision": round(right / max(1, len(found)), 4),
        "pair_precision": round(pair_ok / max(1, len(found)), 4),
        "missed": len(reference.keys() - found.keys()), "false": len(found.keys() - reference.keys()),
        "minhash_seconds": round(minhash_s, 2), "exact_seconds": round(exact_s, 2),
    }  # fmt: skip
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
