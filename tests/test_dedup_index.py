"""The cross-batch duplicate index: other batches within the horizon are read, older segments go."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import shutil
from pathlib import Path

from pipeline.dedup_index import DedupIndex
from pipeline.layout import SUCCESS, DailyLayout
from pipeline.settings import Settings
from pipeline.stages.dedup import Deduplicator, Origin, jaccard, sign
from tests.conftest import SEEDS, run_cli
from tests.test_cli_mistakes import one_line_error
from tests.test_dedup_tasks import decisions

TEXT = sorted(SEEDS.glob("*.txt"))[0].read_text(encoding="utf-8")
SITE = "lemonde.fr"  # one site: compared at `threshold`


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


def test_an_index_signed_with_other_settings_is_a_users_mistake(settings: Settings, tmp_path: Path) -> None:
    """`run --dedup-index` and `daily` stop before any task: exit 2 and one line saying what to do."""
    other = DedupIndex(tmp_path / "index", dataclasses.replace(settings.dedup, num_perm=64, num_bands=16))
    _write(other, "earlier", dt.date.today().isoformat())
    out = tmp_path / "out"
    result = run_cli("run", "--input", str(SEEDS), "--output", str(out), "--local-scheduler",
                     "--dedup-index", str(tmp_path / "index"))  # fmt: skip
    line = one_line_error(result, "num_perm 64 instead of 128", "dedup-index")
    assert not out.exists(), line  # told before anything was written
    day = dt.date.today() - dt.timedelta(days=1)
    shutil.copytree(SEEDS, tmp_path / "in" / f"{day:%Y/%m/%d}")
    (tmp_path / "in" / f"{day:%Y/%m/%d}" / SUCCESS).touch()  # the day is closed: it would run
    daily = DedupIndex(DailyLayout(tmp_path / "daily").dedup_index, other.settings)
    _write(daily, (day - dt.timedelta(days=1)).isoformat(), (day - dt.timedelta(days=1)).isoformat())
    result = run_cli("daily", "--input-root", str(tmp_path / "in"), "--output-root", str(tmp_path / "daily"))
    one_line_error(result, "num_perm 64 instead of 128", "dedup-index")
    # The batch's own segment is written again, not read: rerunning it with new settings is fine.
    DedupIndex(tmp_path / "index", settings.dedup).check([("earlier", dt.date.today().isoformat())])


def test_a_match_with_an_earlier_batch_is_checked_exactly(settings: Settings, tmp_path: Path) -> None:
    """Near the threshold the MinHash estimate errs both ways; across batches as within one, the
    exact Jaccard of the shingles decides (the index keeps them). Edited copies of a seed, where
    the estimate alone (no shingles at hand) and the exact decision disagree: one of each kind."""
    s = settings.dedup
    words = TEXT.split()
    wrong = {True: 0, False: 0}  # exact decision is "copy" / "not a copy", the estimate said otherwise
    for k in range(200):
        rng, edited = random.Random(k), list(words)
        for _ in range(rng.randint(5, 10)):
            edited[rng.randrange(len(edited))] = f"mot{rng.randrange(10**6)}"
        copy = " ".join(edited)
        a, b = sign(TEXT, s, True), sign(copy, s, True)
        assert a is not None and b is not None
        estimate = Deduplicator(s)  # no store: what the index gave before it kept shingles
        estimate.check(a, Origin("a", "a.txt"))
        alone = estimate.check(b, Origin("b", "b.txt")) is not None
        within = 1 in decisions(tmp_path / f"in-{k}", [[TEXT, copy]], s, SITE)  # one batch: exact checks
        if alone == within or wrong[within] >= 1:
            continue
        wrong[within] += 1
        across = decisions(tmp_path / f"across-{k}", [[TEXT], [copy]], s, SITE)
        assert (0 in across) == within, (k, jaccard(a.shingle_set(), b.shingle_set()))
        if within:
            assert across[0]["duplicate_of"]["batch"] == "b0" and across[0]["duplicate_of"]["similarity"] >= s.threshold
        if all(wrong.values()):
            break
    assert all(wrong.values()), wrong  # both kinds were met
