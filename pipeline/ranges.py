"""Large JSONL files split by byte ranges, so one big file runs on several workers.

A plain `.jsonl` file larger than the plan's shard byte limit is cut into pieces of about that
size; a record belongs to the piece where its line starts. The planner reads such a file once
(`split_jsonl`) with the reader's own record loop (`inputs.jsonl_records`), so it knows, at each
cut, how many records came before (numbering, hence `source` and made-up ids, continue across
pieces) and which ids of earlier pieces come again (the duplicate-id note). A piece therefore
yields exactly the documents the whole file would, in the same order.

Gzip files cannot be entered in the middle: a `.jsonl.gz` stays one piece (one shard).

Audit logs stay one per input file: a piece's shard writes its part of the log under
`work/audit-parts/`, and CleanBatch joins the parts in order (`merge_audit_parts`).
"""

from __future__ import annotations

import zlib

from pipeline import jsonl
from pipeline.errors import InputError
from pipeline.inputs import InputFile, _open, id_key, input_kind, jsonl_records
from pipeline.layout import OutputLayout
from pipeline.settings import InputSettings

# The last piece reads to the end of the file, as a whole file is read: records a producer appended
# after planning are not lost without a trace (the accounting counts what was read).
TO_THE_END = 1 << 62


def splittable(f: InputFile, max_bytes: int) -> bool:
    """A plain JSONL file larger than a shard's byte limit."""
    return (
        f.problem is None
        and not f.is_range
        and f.size > max_bytes
        and input_kind(f.source) == "jsonl"
        and not f.source.lower().endswith(".gz")
    )


def split_jsonl(f: InputFile, max_bytes: int, settings: InputSettings) -> list[InputFile]:
    """`f` as pieces of about `max_bytes` each (ceil(size / max_bytes) equal targets, each moved to
    the next line start). If the file cannot be read now, it stays whole: its shard quarantines it."""
    pieces = -(-f.size // max_bytes)
    targets = [f.size * i // pieces for i in range(1, pieces)]
    cuts: list[tuple[int, int, dict[int, int]]] = [(0, 0, {})]  # (start, records before, carry)
    first_use: dict[int, int] = {}  # every active record's id hash -> the record that used it first
    try:
        with _open(f) as stream:
            whole = InputFile(f.path, f.source, f.size, f.mtime_ns)
            for start, n, doc, _ in jsonl_records(stream, whole, settings):
                while targets and start >= targets[0]:
                    targets.pop(0)
                    if cuts[-1][0] != start:
                        cuts.append((start, n - 1, {}))
                if doc.active:
                    key = id_key(doc.id)
                    first = first_use.setdefault(key, n)
                    if first <= cuts[-1][1] and key not in cuts[-1][2]:
                        cuts[-1][2][key] = first
    except (OSError, EOFError, zlib.error, InputError):
        return [f]
    if len(cuts) == 1:
        return [f]
    out = []
    for i, (start, before, carry) in enumerate(cuts):
        end = cuts[i + 1][0] if i + 1 < len(cuts) else TO_THE_END
        size = min(end, f.size) - start
        out.append(InputFile(f.path, f.source, size, f.mtime_ns, None, start, end, before,
                             tuple(sorted(carry.items(), key=lambda kv: kv[1]))))  # fmt: skip
    return out


def merge_audit_parts(layout: OutputLayout, plan: str, fingerprint: str, split: dict[str, list[int]]) -> None:
    """Join each split file's audit parts (`layout.audit_part`), in shard order, into its one audit
    log (atomic)."""
    for source, shards in sorted(split.items()):
        with jsonl.atomic_open(layout.audit_log(source)) as out:
            for shard in shards:
                part = layout.audit_part(plan, fingerprint, shard, source)
                if part.exists():  # a piece without any record (blank lines only) writes none
                    with open(part, "rb") as f:
                        while chunk := f.read(1 << 20):
                            out.write(chunk)
