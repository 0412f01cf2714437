"""Where every file of an output folder lives: the one place that builds paths under `<output>/`.

(Not to be confused with `pipeline/stages/layout.py`, the stage that rebuilds a text's lines.)

    <output>/
      clean/ rejected/ quarantine/   part-00000.jsonl, one per shard (ROUTES)
      audit/                         <source>.audit.jsonl per input file; too long: audit/_long/<hash>.audit.jsonl
      manifest.json  report.html  learned-rules.toml
      .webclean-batch.json           the batch that owns the folder (pipeline/outdir.py)
      .webclean-claim.lock  .lock    claiming the folder, running a batch into it (pipeline/locking.py)
      _SUCCESS                       a finished day (pipeline/daily.py)
      work/
        plans/<plan>/                the plan: plan.json, shard-<shard>.jsonl lists (pipeline/plan.py)
        <stage>/<plan>-<shard>-<fp>.jsonl        a shard after encoding, chrome, language, normalise
          ... .counts.json .lines.json .sig      beside it: documents read per file, line counts, signatures
        learn/<plan>-<fp>.toml        the learned boilerplate pack
        dedup/<plan>-<fp>.json        duplicates summary; <plan>-<shard>-<fp>.decisions.jsonl per shard
        done/<plan>-<shard>-<fp>.json a shard's outputs written, with its counts
        batch/<plan>-<fp>.json        the batch finished (manifest written)
        timing/ progress/             per task: seconds taken; live done/total for the CLI's progress line
        audit-parts/<plan>-<fp>/<shard>/<hash>.audit.jsonl   pieces of a split file's audit log

A `daily` output root holds one such folder per day, `<root>/YYYY-MM-DD/`, and the cross-day
duplicate index `<root>/_dedup/` (DailyLayout).

`<fp>` is a stage's settings fingerprint, `<shard>` five digits. Pure: no Luigi, no I/O except the
listing helpers (`parts`, `stage_files`).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.inputs import doc_id

CLEAN, REJECTED, QUARANTINE = "clean", "rejected", "quarantine"
ROUTES = (CLEAN, REJECTED, QUARANTINE)  # the folders of part files, one per document outcome
AUDIT = "audit"
LONG = "_long"  # audit logs whose path would be too long for the OS, by source hash
WORK = "work"
MANIFEST = "manifest.json"
REPORT = "report.html"
LEARNED_RULES = "learned-rules.toml"
MARKER = ".webclean-batch.json"
CLAIM_LOCK = ".webclean-claim.lock"
LOCK = ".lock"
SUCCESS = "_SUCCESS"
AUDIT_SUFFIX = ".audit.jsonl"  # an audit log's name: the input file's source, then this
DEDUP_INDEX = "_dedup"  # beside the days' folders of a `daily` output root (DailyLayout)
# What a run writes into its output folder; `--overwrite` removes exactly these, nothing else.
OWNED = (CLEAN, REJECTED, QUARANTINE, AUDIT, WORK, MANIFEST, REPORT, LEARNED_RULES, SUCCESS, MARKER)
# What every run leaves (work/ first, the rest at the end): without a marker, these show an earlier run.
TRACES = frozenset({WORK, MANIFEST, REPORT, AUDIT})

_UNSAFE = re.compile(r"[\x00-\x1f\x7f\\:*?\"<>|~]")
# Audit log names: a part at most this many bytes (255 minus ~55 for "~hash", ".audit.jsonl" and
# the temporary name's ".<name>.tmp-<pid>-<8 hex>"), a whole path at most this many.
MAX_NAME_BYTES = 200
MAX_PATH_BYTES = 3800


PLAN_META = "plan.json"  # in a plan's folder, with one shard list per shard (plan_shard_name)


def shard_name(shard: int) -> str:
    return f"{shard:05d}"


def plan_shard_name(shard: int) -> str:
    """A shard's list of input files, in its plan's folder."""
    return f"shard-{shard_name(shard)}.jsonl"


@dataclass(frozen=True)
class OutputLayout:
    """The paths of one output folder (`root`)."""

    root: Path

    # ---- what the batch delivers ----------------------------------------------------------------

    def folder(self, route: str) -> Path:
        """clean/, rejected/ or quarantine/."""
        if route not in ROUTES:
            raise ValueError(f"not an output folder: {route!r}")
        return self.root / route

    def part(self, route: str, shard: int) -> Path:
        return self.folder(route) / f"part-{shard_name(shard)}.jsonl"

    def parts(self, route: str) -> list[Path]:
        """The part files now in clean/, rejected/ or quarantine/, sorted."""
        return sorted(self.folder(route).glob("part-*.jsonl"))

    @property
    def audit(self) -> Path:
        return self.root / AUDIT

    def audit_log(self, source: str) -> Path:
        """The audit log of one input file (see `audit_path`)."""
        return audit_path(self.audit, source)

    def audit_logs(self) -> list[Path]:
        """Every audit log now under audit/, sorted."""
        return sorted(self.audit.rglob("*" + AUDIT_SUFFIX))

    @property
    def manifest(self) -> Path:
        return self.root / MANIFEST

    @property
    def report(self) -> Path:
        return self.root / REPORT

    @property
    def learned_rules(self) -> Path:
        return self.root / LEARNED_RULES

    @property
    def marker(self) -> Path:
        return self.root / MARKER

    @property
    def claim_lock(self) -> Path:
        return self.root / CLAIM_LOCK

    @property
    def lock(self) -> Path:
        return self.root / LOCK

    @property
    def success(self) -> Path:
        return self.root / SUCCESS

    # ---- work files -----------------------------------------------------------------------------

    @property
    def work(self) -> Path:
        return self.root / WORK

    def work_dir(self, name: str) -> Path:
        """A folder under work/: a stage's shard outputs ("encoding"...), "done", "progress"..."""
        return self.work / name

    @property
    def plans(self) -> Path:
        return self.work_dir("plans")

    def plan_dir(self, plan: str) -> Path:
        return self.plans / plan

    def plan_meta(self, plan: str) -> Path:
        return self.plan_dir(plan) / PLAN_META

    def plan_shard(self, plan: str, shard: int) -> Path:
        return self.plan_dir(plan) / plan_shard_name(shard)

    def stage_file(self, stage: str, plan: str, name: str, fp: str, suffix: str = ".jsonl") -> Path:
        """`work/<stage>/<plan>-<name>-<fp><suffix>`: a stage's output for one shard (name "00003")."""
        return self.work / stage / f"{plan}-{name}-{fp}{suffix}"

    def shard_output(self, stage: str, plan: str, shard: int, fp: str) -> Path:
        """A shard's documents after `stage` (encoding, chrome, language, normalise)."""
        return self.stage_file(stage, plan, shard_name(shard), fp)

    def stage_files(self, stage: str, plan: str, fp: str) -> list[Path]:
        """Every shard's output of `stage` for this plan and fingerprint now on disk, sorted."""
        return sorted((self.work / stage).glob(f"{plan}-?????-{fp}.jsonl"))

    def read_counts(self, plan: str, shard: int, fp: str) -> Path:
        """Documents the encoding stage read per input file (the accounting check's left side)."""
        return self.stage_file("encoding", plan, shard_name(shard), fp, ".counts.json")

    def line_counts(self, plan: str, shard: int, fp: str) -> Path:
        """A shard's lines counted per site, for learning boilerplate."""
        return self.stage_file("encoding", plan, shard_name(shard), fp, ".lines.json")

    def signatures(self, stage: str, plan: str, shard: int, fp: str) -> Path:
        """Duplicate signatures beside a shard's output (not *.jsonl: globs of stage outputs skip it)."""
        return self.stage_file(stage, plan, shard_name(shard), fp, ".sig")

    def learned(self, plan: str, fp: str) -> Path:
        return self.work / "learn" / f"{plan}-{fp}.toml"

    def dedup_summary(self, plan: str, fp: str) -> Path:
        return self.work / "dedup" / f"{plan}-{fp}.json"

    def dedup_decisions(self, plan: str, shard: int, fp: str) -> Path:
        return self.stage_file("dedup", plan, shard_name(shard), fp, ".decisions.jsonl")

    def done(self, plan: str, shard: int, fp: str) -> Path:
        """A shard's outputs are written; holds its counts for the manifest."""
        return self.stage_file("done", plan, shard_name(shard), fp, ".json")

    def audit_scan(self, plan: str, shard: int, fp: str) -> Path:
        """A shard's scan of the audit logs it wrote, which the report merges (pipeline/report/partial.py)."""
        return self.stage_file("audit-scan", plan, shard_name(shard), fp, ".json")

    def batch_done(self, plan: str, fp: str) -> Path:
        return self.work / "batch" / f"{plan}-{fp}.json"

    def timing(self, output: Path | str) -> Path:
        """How long the task whose output is `output` ran."""
        return self.work / "timing" / (Path(output).name + ".time.json")

    def progress(self, output: Path | str) -> Path:
        """The live done/total of the task whose output is `output`."""
        return self.work / "progress" / (Path(output).name + ".json")

    def audit_part(self, plan: str, fp: str, shard: int, source: str) -> Path:
        """Where a shard writes its piece of a split file's audit log (pipeline/ranges.py)."""
        return self.work / "audit-parts" / f"{plan}-{fp}" / shard_name(shard) / (doc_id(source) + AUDIT_SUFFIX)


def audit_path(root: Path, file_source: str) -> Path:
    """`<root>/<source>.audit.jsonl`, made safe: never outside `root`, whatever the name holds.

    A name that had to change (control characters such as a newline, a backslash, `:*?"<>|~`, `.`
    or `..` parts, names too long) gets `~<hash of the source>` appended, so two sources never share
    a log ("a\\nb.txt" and "a_b.txt" would), and `~` is in the unsafe set so no unchanged name can
    look hashed. Each part is cut to MAX_NAME_BYTES of UTF-8, which leaves room for the suffix and
    the writer's temporary name within the 255-byte limit; a path that would still be too long for
    the OS goes flat under `_long/`.
    """
    parts = [_safe_part(part) for part in file_source.split("/")]
    tag = doc_id(file_source)
    if "/".join(parts) != file_source:
        parts[-1] += "~" + tag[:8]
    path = root.joinpath(*parts)
    path = path.with_name(path.name + AUDIT_SUFFIX)
    if len(os.fsencode(path)) > MAX_PATH_BYTES:
        path = root / LONG / (tag + AUDIT_SUFFIX)
    if _resolved(root) not in (_resolved(path.parent) / path.name).parents:
        raise ValueError(f"audit path for {file_source!r} escapes the output folder")
    return path


@functools.lru_cache(maxsize=4096)
def _resolved(folder: Path) -> Path:
    """A folder's real path; cached, as a shard's logs mostly share a few folders."""
    return folder.resolve()


def _safe_part(part: str) -> str:
    part = _UNSAFE.sub("_", part).strip()
    if part in ("", ".", ".."):
        part = part.replace(".", "_") or "_"
    return part.encode("utf-8", "surrogatepass")[:MAX_NAME_BYTES].decode("utf-8", "ignore")


@dataclass(frozen=True)
class DailyLayout:
    """The output root of `daily`: one output folder per day, and the duplicate index beside them."""

    root: Path

    def day(self, date: dt.date) -> OutputLayout:
        return OutputLayout(self.root / date.isoformat())

    @property
    def dedup_index(self) -> Path:
        return self.root / DEDUP_INDEX

    def days(self) -> list[OutputLayout]:
        """The days' folders that hold outputs (a clean/ folder), oldest first."""
        return [OutputLayout(p) for p in sorted(self.root.glob("????-??-??")) if (p / CLEAN).is_dir()]
