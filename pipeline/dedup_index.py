"""The cross-batch duplicate index: articles delivered by earlier batches are not delivered again.

The index is a folder of segments, one per batch (`<day>_<hash of the batch name>.jsonl`): a
header line `{"batch", "day", "num_perm", "seed", "shingle_words"}`, then one line per document the
batch delivered: id, source, site, exact key, MinHash and shingle hashes. FindDuplicates loads the
segments of the other batches whose day lies in `[day - index_horizon_days, day]`, oldest first
(the shingles stay on disk: fetched by offset when a near match needs the exact check, as within a
batch), and writes its own segment atomically while it decides. Its own segment is never read
back, so a batch rerun after a crash at any point (or rerun on purpose) decides exactly as the
first time: byte-identical outputs. Segments signed with other settings are a user's mistake,
told before the run starts (`check`).

Growth: one line per delivered document per batch, about 0.9 KB plus 5.4 bytes a word of its text
(the shingle hashes, base64). Segments older than the horizon are never read and are deleted when
a newer batch writes its segment, so the index holds at most `index_horizon_days` days of
deliveries. A segment written before the shingles were kept still works: its matches use the
MinHash estimate.

`rebuild` writes the segments again from the batches' `clean/` outputs (the signature is made
from the delivered text, which is what `clean/` holds), e.g. after deleting the index or changing
`[dedup]` settings.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Protocol

from pipeline import jsonl
from pipeline.errors import ConfigError
from pipeline.layout import CLEAN, DailyLayout, OutputLayout
from pipeline.settings import DedupSettings, load_settings
from pipeline.stages.dedup import Deduplicator, Origin, Signature, sign


def segment_name(batch: str, day: str) -> str:
    return f"{day}_{hashlib.blake2b(batch.encode(), digest_size=6).hexdigest()}.jsonl"


def today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()


class Files(Protocol):
    """Where the shingles of an indexed document are fetched from (dedup_tasks.SidecarStore)."""

    def add_file(self, path: Path) -> int: ...

    def where(self, file: int, offset: int) -> int: ...


class DedupIndex:
    def __init__(self, folder: Path, settings: DedupSettings) -> None:
        self.folder, self.settings = folder, settings

    def header(self, batch: str, day: str) -> dict[str, Any]:
        s = self.settings
        return {"batch": batch, "day": day, "num_perm": s.num_perm, "seed": s.seed, "shingle_words": s.shingle_words}

    def horizon(self, day: str) -> str:
        return (dt.date.fromisoformat(day) - dt.timedelta(days=self.settings.index_horizon_days)).isoformat()

    def segments(self) -> list[Path]:
        return sorted(self.folder.glob("*.jsonl")) if self.folder.is_dir() else []

    def within(self, oldest: str, day: str) -> Iterator[tuple[Path, dict[str, Any]]]:
        """The segments of days in [oldest, day], with their header lines."""
        for path in self.segments():
            if oldest <= path.name.split("_", 1)[0] <= day:
                with open(path, "rb") as f:
                    first = f.readline()
                if first.strip():
                    yield path, jsonl.loads(first)

    def mismatch(self, path: Path, head: dict[str, Any]) -> ConfigError | None:
        """A segment signed with other settings cannot be compared with this batch's signatures."""
        want = self.header(head.get("batch", ""), head.get("day", ""))
        diff = [f"{k} {head.get(k)} instead of {v}" for k, v in want.items() if head.get(k) != v]
        if not diff:
            return None
        return ConfigError(
            f"duplicate index {self.folder}: {path.name} was signed with other [dedup] settings "
            f"({', '.join(diff)}): rebuild it (python -m pipeline dedup-index) or run with the settings it was made"
            " with"
        )

    def check(self, batches: list[tuple[str, str]]) -> None:
        """Before any task starts: every segment the (batch, day) pairs will read was signed with
        these settings, else a ConfigError saying what to do (a user's mistake, not a task failure)."""
        if not batches:
            return
        days = [day or today() for _, day in batches]
        ours = {batch for batch, _ in batches}
        for path, head in self.within(self.horizon(min(days)), max(days)):
            if head.get("batch") not in ours and (error := self.mismatch(path, head)) is not None:
                raise error

    def load_into(self, dedup: Deduplicator, batch: str, day: str, store: Files | None = None) -> int:
        """Index the documents of the other batches within the horizon; returns how many. With a
        `store`, the segments become its files: a near match is checked on the shingles (exactly)."""
        day = day or today()
        n = 0
        for path, head in self.within(self.horizon(day), day):
            if head["batch"] == batch:
                continue
            if (error := self.mismatch(path, head)) is not None:
                raise error  # `check` tells it before the run; a segment written since lands here
            file = store.add_file(path) if store is not None else -1
            with open(path, "rb") as f:
                offset = len(f.readline())  # the header
                for line in f:
                    rec = jsonl.loads(line)
                    sig = Signature(int(rec["exact"]), base64.b64decode(rec["mh"]))  # shingles: read when needed
                    where = store.where(file, offset) if store is not None and "sh" in rec else -1
                    dedup.add(sig, Origin(rec["id"], rec["source"], head["batch"], rec["site"]), where)
                    offset += len(line)
                    n += 1
        return n

    @contextlib.contextmanager
    def segment(self, batch: str, day: str) -> Iterator[IO[bytes]]:
        """This batch's segment, written atomically; older segments than the horizon go after."""
        day = day or today()
        with jsonl.atomic_open(self.folder / segment_name(batch, day)) as f:
            f.write(jsonl.dumps(self.header(batch, day)))
            yield f
        oldest = self.horizon(day)
        for path in self.segments():
            if path.name.split("_", 1)[0] < oldest:
                path.unlink(missing_ok=True)


def rebuild(folder: Path, batches: list[tuple[str, str, Path]], settings: DedupSettings) -> int:
    """Write the segment of each (batch name, day, output folder) from its clean/ parts."""
    index, n = DedupIndex(folder, settings), 0
    for batch, day, out in batches:
        with index.segment(batch, day) as f:
            for part in OutputLayout(out).parts(CLEAN):
                for rec in jsonl.read_jsonl(part):
                    sig = None if "duplicate_of" in rec else sign(rec.get("text") or "", settings, with_shingles=True)
                    if sig is not None:
                        f.write(jsonl.dumps({"id": rec["id"], "source": rec["source"], "site": rec.get("site"),
                                             **sig.to_record()}))  # fmt: skip
                        n += 1
    return n


def add_rebuild_command(sub: Any) -> None:
    p = sub.add_parser("dedup-index", help="rebuild a duplicate index from the clean/ outputs of earlier batches")
    p.add_argument(
        "--output-root", metavar="DIR", help="a `daily` output root: rebuild DIR/_dedup from DIR/YYYY-MM-DD/"
    )
    p.add_argument("--index", metavar="DIR", help="with --outputs: the index folder of `run --dedup-index`")
    p.add_argument("--outputs", nargs="+", metavar="OUT", default=[], help="batch output folders (run layout)")
    p.add_argument("--config", metavar="FILE", help="settings laid over configs/settings.toml")
    p.set_defaults(func=cmd_rebuild)


def cmd_rebuild(args: Any) -> int:
    settings = load_settings(args.config).dedup
    if args.output_root:
        daily = DailyLayout(Path(args.output_root).resolve())
        folder, batches = daily.dedup_index, [(d.root.name, d.root.name, d.root) for d in daily.days()]
    elif args.index and args.outputs:
        folder, batches = Path(args.index).resolve(), []
        for out in (Path(o).resolve() for o in args.outputs):
            manifest = OutputLayout(out).manifest
            if not manifest.exists():
                raise ConfigError(f"{out} holds no finished batch (no manifest.json)")
            batches.append((str(out), str(jsonl.loads(manifest.read_bytes())["started"])[:10], out))
    else:
        raise ConfigError("give --output-root DIR (daily), or --index DIR with --outputs OUT [OUT ...] (run)")
    for path in DedupIndex(folder, settings).segments():
        path.unlink()
    n = rebuild(folder, batches, settings)
    print(f"duplicate index {folder}: {n} documents from {len(batches)} batches")
    return 0
