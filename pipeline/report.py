"""report.html: what a batch did, for people — totals, plots, rules to review, before/after samples.

Built from `manifest.json`, the audit logs and the output parts, read as streams: memory and the
report's size stay bounded whatever the number of documents (counts come from the manifest, the
plots from fixed aggregates, and only a bounded sample of documents is shown in full). The file is
self-contained: CSS inline, plots as inline SVG, links relative to the output folder, nothing
fetched from the network. `python -m pipeline report DIR` rebuilds it; CleanBatch builds it at
the end of every run, and every task's tracking URL in the Luigi UI points at it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import heapq
import html
import os
import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from pipeline import jsonl
from pipeline.errors import InputError, PipelineError

if TYPE_CHECKING:
    from pipeline.core import Context

REPORT = "report.html"
SAMPLE = 20  # documents shown before/after
SAMPLE_FLAGGED = 4  # of which at most this many chosen for a review flag...
SAMPLE_REJECTED = 2  # ...and this many rejected documents
EXAMPLES = 3  # examples per flagged rule
LONG_WORDS = 25  # a dropped line this long, ending with a full stop, looks like article text
SENTENCE_CHARS = 2 * LONG_WORDS - 1  # the fewest characters LONG_WORDS words take
LARGE_SHARE = 0.5  # a rule removing more than this share of a document's characters
TOP = 30  # bars in the rule and site charts
AUDIT_LINKS = 200  # audit logs linked in the list; the rest are counted
SHARD_LINKS = 3  # audit logs linked per shard
BATCH_BYTES = 1 << 20  # JSON lines parsed at once
SAMPLE_LINES = 150  # rows per before/after view...
DOC_CHARS = 20_000  # ...and input characters: the sample stays under about 1 MB whatever the documents
LINE_CHARS = 600  # characters per row before it is cut
REFINE_CHARS = 200  # a changed run this short (both sides together) is diffed again, character by character
CONTEXT_PREFIX = "generic.context."
_TOKEN = re.compile(r"\w+\s*|\W\s*")  # the before/after diff's tokens: a word or another character, then spaces
_CLOSERS = "\"'»”’)]"  # may follow a sentence's full stop


# ---------------------------------------------------------------- tracking URLs (Luigi UI)


def report_url(output_dir: str | Path, shard: int | None = None) -> str:
    """`file://…/report.html`, or its shard's section; the report may not exist yet."""
    url = (Path(output_dir).resolve() / REPORT).as_uri()
    return f"{url}#{shard_anchor(shard)}" if shard is not None else url


def shard_anchor(shard: int) -> str:
    return f"shard-{shard:05d}"


def track(task: Any) -> None:
    """Set the task's tracking URL to the report (its shard's section), once; no-op outside a worker."""
    if getattr(task, "_report_tracked", False) or not callable(getattr(task, "set_tracking_url", None)):
        return
    task.set_tracking_url(report_url(task.output_dir, getattr(task, "shard", None)))
    task._report_tracked = True


# ---------------------------------------------------------------- reading the run


@dataclass
class Doc:
    """One document of the sample: its audit events, summary, and what the outputs hold of it."""

    id: str
    log: str  # audit log, relative to the output folder
    summary: dict[str, Any]
    events: list[dict[str, Any]]
    flags: list[str]
    shard: int | None = None
    lines: list[str] | None = None  # the repaired input, from work/encoding/
    text: str | None = None  # the clean record's text

    @property
    def removals(self) -> int:
        return sum(1 for e in self.events if e.get("action") == "drop")


@dataclass
class Flag:
    """A rule flagged for review: how often, and a few examples (doc, audit log, what)."""

    count: int = 0
    examples: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, doc: str, log: str, what: str) -> None:
        self.count += 1
        if len(self.examples) < EXAMPLES:
            self.examples.append((doc, log, what))


class TopK:
    """The k entries with the largest keys seen so far; keys are unique tuples, so ties never compare items."""

    def __init__(self, k: int) -> None:
        self.k = k
        self.heap: list[tuple[tuple[Any, ...], Doc]] = []

    def wants(self, key: tuple[Any, ...]) -> bool:
        return self.k > 0 and (len(self.heap) < self.k or key > self.heap[0][0])

    def offer(self, key: tuple[Any, ...], make: Callable[[], Doc]) -> None:
        if not self.wants(key):
            return
        entry = (key, make())
        if len(self.heap) < self.k:
            heapq.heappush(self.heap, entry)
        else:
            heapq.heapreplace(self.heap, entry)

    def best(self) -> list[tuple[tuple[Any, ...], Doc]]:
        return sorted(self.heap, key=lambda entry: entry[0], reverse=True)


@dataclass
class AuditScan:
    """What streaming every audit log gives: distributions, fired rules, review flags, the sample."""

    context_rules: set[str]
    logs: int = 0
    links: list[str] = field(default_factory=list)
    removed: array[int] = field(default_factory=lambda: array("q"))
    shares: array[float] = field(default_factory=lambda: array("d"))
    fired: set[str] = field(default_factory=set)
    repairs: int = 0
    long_lines: dict[str, Flag] = field(default_factory=dict)
    large_share: dict[str, Flag] = field(default_factory=dict)
    top: TopK = field(default_factory=lambda: TopK(SAMPLE))
    flagged: TopK = field(default_factory=lambda: TopK(SAMPLE_FLAGGED))
    rejected: TopK = field(default_factory=lambda: TopK(SAMPLE_REJECTED))

    def add_log(self, path: str, rel: str) -> None:
        self.logs += 1
        if len(self.links) < AUDIT_LINKS:
            self.links.append(rel)
        events: list[dict[str, Any]] = []
        for record in read_records(path):
            if record.get("action") == "summary":
                self.add_doc(rel, record, events)
                events = []
            else:
                events.append(record)

    def add_doc(self, log: str, summary: dict[str, Any], events: list[dict[str, Any]]) -> None:
        doc, chars_in = str(summary.get("doc")), int(summary.get("chars_in") or 0)
        if summary.get("decision") == "clean":
            removed = chars_in - int(summary.get("chars_out") or 0)
            self.removed.append(removed)
            self.shares.append(removed / chars_in if chars_in else 0.0)
        changes, flags = self._flags(doc, log, chars_in, events)
        key = (changes, doc, log, str(summary.get("source")))  # ids may repeat in a file; sources do not

        def make() -> Doc:
            return Doc(doc, log, summary, events, flags)

        self.top.offer(key, make)
        if flags:
            self.flagged.offer((len(flags), *key), make)
        if summary.get("decision") != "clean":
            self.rejected.offer(key, make)

    def _flags(self, doc: str, log: str, chars_in: int, events: list[dict[str, Any]]) -> tuple[int, list[str]]:
        """Counts the document's events into the scan; returns its drops and repairs, and its review flags."""
        dropped: dict[str, int] = {}
        long_lines: dict[str, int] = {}
        drops = repairs = 0
        for e in events:
            rule, action = str(e.get("rule")), e.get("action")
            self.fired.add(rule)
            if action != "drop":
                repairs += action == "repair"
                continue
            drops += 1
            text = str(e.get("text") or "")
            dropped[rule] = dropped.get(rule, 0) + len(text)
            if len(text) >= SENTENCE_CHARS and rule not in self.context_rules and looks_like_a_sentence(text):
                self.long_lines.setdefault(rule, Flag()).add(doc, log, text)
                long_lines[rule] = long_lines.get(rule, 0) + 1
        self.repairs += repairs
        flags = [
            f"{rule} dropped {n} long sentence-like line{'s' if n > 1 else ''}"
            for rule, n in sorted(long_lines.items())
        ]
        for rule, chars in dropped.items():
            if chars_in and chars > LARGE_SHARE * chars_in:
                share = f"{chars / chars_in:.0%} of {chars_in:,} characters"
                self.large_share.setdefault(rule, Flag()).add(doc, log, share)
                flags.append(f"{rule} removed {share}")
        return drops + repairs, flags

    def sample(self) -> list[Doc]:
        """Flagged and rejected documents first (a few), then those with the most removals; no repeats."""
        chosen: dict[tuple[str, str], Doc] = {}
        for top in (self.flagged, self.rejected, self.top):
            for _, doc in top.best():
                if len(chosen) < SAMPLE:
                    chosen.setdefault((doc.id, doc.log), doc)
        return sorted(chosen.values(), key=lambda d: (-len(d.events), d.id))


def read_records(path: str | Path) -> Iterator[dict[str, Any]]:
    """A JSON-lines file's records, parsed about a megabyte of lines at a time: one orjson call per batch is
    cheaper than one per line, and memory stays bounded whatever the file's size."""
    with open(path, "rb") as f:
        while lines := f.readlines(BATCH_BYTES):
            yield from jsonl.loads(b"[" + b",".join([line for line in lines if line.strip()]) + b"]")


def looks_like_a_sentence(text: str) -> bool:
    """At least LONG_WORDS words, ending with a full stop (then maybe closing quotes or brackets)."""
    text = text.strip()
    return len(text) >= SENTENCE_CHARS and text.rstrip(_CLOSERS).endswith(".") and len(text.split()) >= LONG_WORDS


def scan_audit(root: Path, context_rules: set[str]) -> AuditScan:
    scan = AuditScan(context_rules)
    folder = root / "audit"
    start = len(str(folder))
    for path in walk_sorted(folder, ".audit.jsonl"):
        scan.add_log(path, "audit" + path[start:].replace(os.sep, "/"))  # relative to root, without Path objects
    return scan


def walk_sorted(folder: Path, suffix: str) -> Iterator[str]:
    """Files under `folder` ending with `suffix`, in a stable order, streamed (no full listing kept)."""
    for top, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(suffix) and not name.startswith("."):
                yield os.path.join(top, name)


@dataclass
class PartsScan:
    """Per shard and per site counts from clean/, rejected/ and quarantine/; fills the sample's text."""

    shards: dict[int, Counter[str]] = field(default_factory=dict)
    sites: dict[str, Counter[str]] = field(default_factory=dict)


FOLDERS = (("clean", "clean"), ("rejected", "rejected"), ("quarantine", "quarantined"))


def scan_parts(root: Path, sample: dict[str, Doc]) -> PartsScan:
    scan = PartsScan()
    for folder, outcome in FOLDERS:
        for path in sorted((root / folder).glob("part-*.jsonl")):
            shard = part_number(path)
            counts = scan.shards.setdefault(shard, Counter()) if shard is not None else Counter()
            for record in read_records(path):
                counts[outcome] += 1
                _count_site(scan, record, outcome)
                doc = sample.get(str(record.get("id")))
                if doc is not None:
                    doc.shard = shard
                    doc.text = record.get("text") if outcome == "clean" else None
    return scan


def part_number(path: Path) -> int | None:
    try:
        return int(path.stem.split("-")[1])
    except (IndexError, ValueError):
        return None


def _count_site(scan: PartsScan, record: dict[str, Any], outcome: str) -> None:
    counts = scan.sites.setdefault(record.get("site") or "unknown", Counter())
    counts[outcome] += 1
    if outcome == "clean":
        meta = record.get("metadata") or {}
        counts["chars_in"] += int(meta.get("chars_in") or 0)
        counts["chars_out"] += int(meta.get("chars_out") or 0)


def read_input_lines(root: Path, manifest: dict[str, Any], sample: list[Doc]) -> bool:
    """The sample's repaired input lines from work/encoding/ (exact); False when those files are gone."""
    plan = manifest.get("plan", {}).get("id")
    fp = manifest.get("config", {}).get("fingerprints", {}).get("encoding")
    by_shard: dict[int, dict[str, Doc]] = {}
    for doc in sample:
        if doc.shard is not None:
            by_shard.setdefault(doc.shard, {})[doc.id] = doc
    found = False
    for shard, docs in sorted(by_shard.items()):
        path = root / "work" / "encoding" / f"{plan}-{shard:05d}-{fp}.jsonl"
        if path.exists():
            found = True
            _read_lines(path, docs)
    return found


def _read_lines(path: Path, docs: dict[str, Doc]) -> None:
    wanted = dict(docs)
    with open(path, "rb") as f:
        for line in f:
            head = line[:80]  # records start with {"id":"…"; parse only the ones we want
            start = head.find(b'"id":"') + 6
            doc = wanted.get(head[start : head.find(b'"', start)].decode("utf-8", "replace"))
            if doc is None:
                continue
            doc.lines = list(jsonl.loads(line).get("lines") or [])
            del wanted[doc.id]
            if not wanted:
                return


@dataclass
class StageTime:
    stage: str
    files: int
    first: float | None
    last: float | None
    span: float | None


STAGE_FILES = (
    ("encoding", "encoding", "encoding", "{plan}-?????-{fp}.jsonl"),
    ("learn", "learn", "learn", "{plan}-{fp}.toml"),
    ("chrome", "chrome", "chrome", "{plan}-?????-{fp}.jsonl"),
    ("language", "language", "language", "{plan}-?????-{fp}.jsonl"),
    ("normalise", "normalise", "normalise", "{plan}-?????-{fp}.jsonl"),
    ("write", "done", "normalise", "{plan}-?????-{fp}.json"),
)


def stage_times(root: Path, manifest: dict[str, Any]) -> list[StageTime]:
    """A proxy: when each stage's work files were last written, and the gap since the previous stage."""
    plan = manifest.get("plan", {}).get("id")
    fps = manifest.get("config", {}).get("fingerprints", {})
    previous = _timestamp(manifest.get("started"))
    rows = []
    for stage, folder, fp_stage, pattern in STAGE_FILES:
        mtimes = [
            p.stat().st_mtime for p in (root / "work" / folder).glob(pattern.format(plan=plan, fp=fps.get(fp_stage)))
        ]
        first, last = (min(mtimes), max(mtimes)) if mtimes else (None, None)
        span = last - previous if last is not None and previous is not None and last >= previous else None
        rows.append(StageTime(stage, len(mtimes), first, last, span))
        previous = last if last is not None else previous
    return rows


def _timestamp(value: Any) -> float | None:
    try:
        return dt.datetime.fromisoformat(str(value)).timestamp()
    except ValueError:
        return None


@dataclass
class Rules:
    ids: set[str]
    context: set[str]
    note: str = ""


def load_rules(manifest: dict[str, Any], context: Context | None = None) -> Rules:
    """The run's rule packs (`context`: already loaded, else its settings file as named in the
    manifest); a note if they changed since."""
    files = manifest.get("config", {}).get("files") or []
    try:
        context = context or _context(files[-1] if len(files) > 1 else "")
    except (PipelineError, OSError) as e:
        return Rules(set(), set(), f"the rule packs could not be loaded ({e}): no never-fired check")
    ruleset, settings = context.rules, context.settings
    decisions = {r.id for p in ruleset.all_packs() for r in p.rules if r.kind == "context"}
    note = ""
    if settings.fingerprint("chrome") != manifest.get("config", {}).get("fingerprints", {}).get("chrome"):
        note = "the settings or rule packs changed since this run: the never-fired list reflects the current packs"
    return Rules(ruleset.rule_ids(), decisions, note)


def _context(config: str) -> Context:
    """The packs of settings file `config` ("": the defaults)."""
    from pipeline.core import Context
    from pipeline.settings import load_settings

    return Context.load(load_settings(config or None))


# ---------------------------------------------------------------- the report


@dataclass
class Run:
    root: Path
    manifest: dict[str, Any]
    rules: Rules
    audit: AuditScan
    parts: PartsScan
    sample: list[Doc]
    exact_lines: bool
    times: list[StageTime]


def build_report(output_dir: str | Path, context: Context | None = None) -> Path:
    """Write `<output_dir>/report.html` from manifest.json, the audit logs and the output parts.
    `context`: the run's settings and rule packs when the caller has them loaded (CleanBatch)."""
    root = Path(output_dir)
    manifest_path = root / "manifest.json"
    if not manifest_path.exists():
        raise InputError(f"{manifest_path} not found: is {root} the output folder of a finished run?")
    run = read_run(root, jsonl.loads(manifest_path.read_bytes()), context)
    path = root / REPORT
    with jsonl.atomic_open(path) as f:
        f.write(render(run).encode("utf-8"))
    return path


def read_run(root: Path, manifest: dict[str, Any], context: Context | None = None) -> Run:
    rules = load_rules(manifest, context)
    audit = scan_audit(root, rules.context or _prefixed(manifest, CONTEXT_PREFIX))
    sample = audit.sample()
    parts = scan_parts(root, {d.id: d for d in sample})
    exact = read_input_lines(root, manifest, sample)
    return Run(root, manifest, rules, audit, parts, sample, exact, stage_times(root, manifest))


def _prefixed(manifest: dict[str, Any], prefix: str) -> set[str]:
    return {r for r in manifest.get("rules", {}) if r.startswith(prefix)}


def render(run: Run) -> str:
    from pipeline import report_plots
    from pipeline.report_dedup import duplicates_section

    m = run.manifest
    title = f"webclean run report — plan {m.get('plan', {}).get('id', '?')}"
    body = [
        f"<h1>{esc(title)}</h1>",
        _nav(),
        _totals(run),
        duplicates_section(m),  # issue 13
        _plots(run, report_plots),
        _review(run),
        _samples(run),
        _timing(run),
        _shards(run),
        _audit_links(run),
    ]
    return PAGE.format(title=esc(title), css=CSS, body="\n".join(body))


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def href(rel: str) -> str:
    return esc(quote(rel))


def num(n: Any) -> str:
    return f"{n:,}" if isinstance(n, int) else esc(n)


def _table(head: list[str] | None, rows: list[list[str]], cls: str = "") -> str:
    thead = "<thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead>" if head else ""
    trs = "\n".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{cls}">{thead}<tbody>\n{trs}\n</tbody></table>'


def _nav() -> str:
    links = [("totals", "Totals"), ("plots", "Plots"), ("review", "Rules to review"), ("samples", "Before / after"),
             ("timing", "Time per stage"), ("shards", "Shards"), ("audit", "Audit logs")]  # fmt: skip
    return "<nav>" + " ".join(f'<a href="#{a}">{t}</a>' for a, t in links) + "</nav>"


def _totals(run: Run) -> str:
    m = run.manifest
    d, c, plan = m.get("documents", {}), m.get("chars", {}), m.get("plan", {})
    chars_in, chars_out = int(c.get("in") or 0), int(c.get("out") or 0)
    removed = f"{chars_in - chars_out:,} ({(chars_in - chars_out) / chars_in:.1%})" if chars_in else "0"
    acc = m.get("accounting", {})
    accounting = "ok" if acc.get("ok") else f"FAILED: {esc('; '.join(acc.get('problems', [])[:5]))}"
    documents = [["documents in", num(d.get("in"))], ["clean", num(d.get("clean"))],
                 ["rejected", num(d.get("rejected"))], ["quarantined", num(d.get("quarantined"))],
                 ["accounting check", accounting]]  # fmt: skip
    text = [["characters in", num(chars_in)], ["characters out", num(chars_out)], ["characters removed", removed],
            ["lines dropped", num(sum(m.get("rules", {}).values()))],
            ["lines repaired (encoding)", num(run.audit.repairs)]]  # fmt: skip
    batch = [["input files / bytes", f"{num(plan.get('files'))} / {num(plan.get('bytes'))}"],
             ["shards / audit logs", f"{num(plan.get('shards'))} / {num(run.audit.logs)}"],
             ["started", esc(m.get("started"))], ["finished", esc(m.get("finished"))],
             ["pipeline / languages", f"{esc(m.get('pipeline', {}).get('version'))} / "
                                      f"{esc(', '.join(m.get('config', {}).get('languages', [])))}"]]  # fmt: skip
    tables = "".join(_table(None, rows, "kv") for rows in (documents, text, batch))
    return f'<section id="totals"><h2>Totals</h2><div class="totals">{tables}</div></section>'


def _timing(run: Run) -> str:
    m = run.manifest
    start, end = _timestamp(m.get("started")), _timestamp(m.get("finished"))
    wall = f"{end - start:,.0f} s" if start is not None and end is not None else "unknown"
    recorded = m.get("timing")
    if isinstance(recorded, dict) and recorded:
        rows = [[esc(k), esc(v)] for k, v in recorded.items()]
        return f'<section id="timing"><h2>Time per stage</h2>{_table(["stage", "time"], rows)}</section>'
    rows = [[esc(t.stage), num(t.files), _clock(t.first), _clock(t.last), f"{t.span:,.1f} s" if t.span is not None
             else "—"] for t in run.times]  # fmt: skip
    return (
        '<section id="timing"><h2>Time per stage</h2>'
        f"<p>Whole run (manifest <code>started</code> to <code>finished</code>, 1 s resolution): {wall}.</p>"
        '<p class="note">Per-stage time is not recorded yet. The rows below are a <b>proxy</b>: the modification '
        "times of this run's files under <code>work/&lt;stage&gt;/</code> (plan id and settings fingerprint "
        "from the manifest); the gap is the time between the previous stage's last file and this stage's last "
        "file, which overlaps stages when several workers run. Work reused from an earlier run shows older "
        "times and no gap. Exact figures need each task to record its run time, e.g. a <code>seconds</code> "
        "field per stage in <code>work/done/&lt;plan&gt;-&lt;shard&gt;-&lt;fp&gt;.json</code>, summed by "
        "CleanBatch into <code>manifest.json</code> as <code>timing: {stage: seconds}</code> (Luigi's "
        "<code>Event.PROCESSING_TIME</code> gives it); this report shows that field when it is present.</p>"
        f"{_table(['stage', 'files', 'first written (UTC)', 'last written (UTC)', 'gap'], rows)}</section>"
    )


def _clock(ts: float | None) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-4] if ts is not None else "—"


def _plots(run: Run, plots: Any) -> str:
    m = run.manifest
    rules = ranked(m.get("rules", {}))[:TOP]
    reasons = ranked(m.get("rejection_reasons", {}))
    if m.get("documents", {}).get("quarantined"):
        reasons.append(("quarantined (unreadable)", int(m["documents"]["quarantined"])))
    figures = [
        _figure("removed", "Characters removed per kept document", len(run.audit.removed),
                lambda: plots.removed_histograms(run.audit.removed, run.audit.shares)),
        _figure("rules", f"Removals per rule ({_top(len(m.get('rules', {})))} rules)", len(rules),
                lambda: plots.bars(rules, "lines dropped per rule",
                                   "lines", "rules", [rule_color(r) for r, _ in rules]),
                _rule_legend()),
        _figure("sites", "Per site", len(run.parts.sites), lambda: plots.sites(_site_rows(run))),
        _figure("languages", "Languages detected", len(m.get("languages", {})),
                lambda: plots.bars(ranked(m.get("languages", {}))[:TOP], "documents per language", "documents",
                                   "languages")),
        _figure("reasons", "Rejection reasons", len(reasons),
                lambda: plots.bars(reasons, "documents rejected per reason", "documents", "reasons",
                                   [plots.REJECTED] * len(reasons))),
    ]  # fmt: skip
    return '<section id="plots"><h2>Plots</h2><div class="plots">' + "\n".join(figures) + "</div></section>"


def _top(n: int) -> str:
    return f"top {TOP} of {n:,}" if n > TOP else f"{n}"


def ranked(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Largest first, then by name (manifest.json stores its counters with sorted keys)."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _figure(anchor: str, title: str, n: int, draw: Callable[[], str], note: str = "") -> str:
    inner = draw() if n else '<p class="note">nothing to plot</p>'
    return f'<figure id="plot-{anchor}"><figcaption>{esc(title)}{note}</figcaption>{inner}</figure>'


RULE_COLORS = (("site.", "#4c78a8", "site packs"), (CONTEXT_PREFIX, "#9d9d9d", "context"),
               ("generic.", "#72b7b2", "generic packs"), ("", "#b279a2", "learned and other"))  # fmt: skip


def rule_color(rule: str) -> str:
    return next(color for prefix, color, _ in RULE_COLORS if rule.startswith(prefix))


def _rule_legend() -> str:
    keys = "".join(f'<span class="key" style="background:{c}"></span>{esc(t)} ' for _, c, t in RULE_COLORS)
    return f' <span class="legend">{keys}</span>'


def _site_rows(run: Run) -> list[tuple[str, int, int, float | None]]:
    rows = []
    for site, c in run.parts.sites.items():
        share = 1 - c["chars_out"] / c["chars_in"] if c["chars_in"] else None
        rows.append((site, c["clean"], c["rejected"] + c["quarantined"], share))
    rows.sort(key=lambda r: (-(r[1] + r[2]), r[0]))
    return rows[:TOP]


def _review(run: Run) -> str:
    a, rules = run.audit, run.rules
    never = sorted(rules.ids - a.fired - set(run.manifest.get("rules", {})))
    parts = [
        '<section id="review"><h2>Rules to review</h2>',
        f"<h3>Long sentence-like lines dropped ({_rules(len(a.long_lines))})</h3>",
        f'<p class="note">Lines of {LONG_WORDS} words or more ending with a full stop, dropped by a rule that is '
        "not a context decision: article text, or a rule that matches too much?</p>",
        _flag_table(a.long_lines, "line dropped"),
        f"<h3>A large share of a document ({_rules(len(a.large_share))})</h3>",
        f'<p class="note">One rule removed more than {LARGE_SHARE:.0%} of a document\'s characters.</p>',
        _flag_table(a.large_share, "share removed"),
        f"<h3>Never fired ({len(never)} of {len(rules.ids)} rules)</h3>",
        f'<p class="note">{esc(rules.note)}</p>' if rules.note else "",
        '<p class="rules">' + " ".join(f"<code>{esc(r)}</code>" for r in never) + "</p>" if never else "<p>none</p>",
        "</section>",
    ]
    return "\n".join(parts)


def _rules(n: int) -> str:
    return f"{n:,} rule{'' if n == 1 else 's'}"


def _flag_table(flags: dict[str, Flag], what: str) -> str:
    if not flags:
        return "<p>none</p>"
    ranked = sorted(flags.items(), key=lambda kv: (-kv[1].count, kv[0]))[:TOP]
    rows = [[f'<span class="rule">{esc(rule)}</span>', num(flag.count),
             "<br>".join(f'<a href="{href(log)}">{esc(doc)}</a>: {esc(_cut(text, 300))}'
                         for doc, log, text in flag.examples)] for rule, flag in ranked]  # fmt: skip
    more = f'<p class="note">and {len(flags) - TOP} more rules</p>' if len(flags) > TOP else ""
    return _table(["rule", "times", f"examples (document: {what})"], rows) + more


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _samples(run: Run) -> str:
    how = (
        "Input lines are the repaired text the encoding stage wrote (<code>work/encoding/</code>)."
        if run.exact_lines
        else "<code>work/encoding/</code> is gone: the input is reconstructed from the audit log (removed lines, "
        "at their line numbers) and the clean record (kept paragraphs, placed in order in the remaining line "
        "numbers: positions are approximate)."
    )
    intro = (
        f'<p class="note">{len(run.sample)} documents, chosen deterministically: a few flagged for review '
        f"and rejected ones, then those with the most removals. {how} Removed lines are struck through and "
        "labelled with their rule (hover for the reason); characters changed by the encoding repair are "
        "highlighted. Blank lines are not shown.</p>"
    )
    docs = "\n".join(_doc_view(doc) for doc in run.sample)
    return f'<section id="samples"><h2>Before / after</h2>{intro}\n{docs}</section>'


def _doc_view(doc: Doc) -> str:
    s = doc.summary
    facts = (
        f"{esc(s.get('decision'))}{': ' + esc(s.get('reason')) if s.get('reason') else ''} · "
        f"{num(s.get('chars_in'))} → {num(s.get('chars_out'))} characters · {doc.removals} lines removed · "
        f'<a href="{href(doc.log)}">audit log</a>'
    )
    flags = "".join(f'<li class="flag">{esc(f)}</li>' for f in doc.flags)
    rows, total = _rows(doc)
    cut = f'<p class="note">first {len(rows)} of {total:,} lines shown</p>' if total > len(rows) else ""
    table = _table(["#", "before", "after"], rows, "ba")
    return (
        f'<section class="doc" id="doc-{esc(doc.id)}"><h3>{esc(s.get("source"))} <small>{esc(doc.id)}</small></h3>'
        f"<p>{facts}</p><ul>{flags}</ul>{table}{cut}</section>"
    )


def _rows(doc: Doc) -> tuple[list[list[str]], int]:
    """The rows shown (within SAMPLE_LINES and DOC_CHARS), and how many non-blank lines there are."""
    drops = {e["line"]: e for e in doc.events if e.get("action") == "drop" and isinstance(e.get("line"), int)}
    repairs = {e["line"]: e for e in doc.events if e.get("action") == "repair" and isinstance(e.get("line"), int)}
    lines = doc.lines if doc.lines is not None else _reconstruct(doc, drops)
    kept = _kept_paragraphs(doc, lines, drops)
    rows: list[list[str]] = []
    total = shown = 0
    for n, line in enumerate(lines, 1):
        if not line.strip() and n not in drops:
            continue
        total += 1
        if len(rows) < SAMPLE_LINES and shown < DOC_CHARS:
            shown += min(len(line), LINE_CHARS)
            rows.append(_row(n, line, drops.get(n), repairs.get(n), kept.get(n)))
    return rows, total


def _row(n: int, line: str, drop: dict[str, Any] | None, repair: dict[str, Any] | None, kept: str | None) -> list[str]:
    before, after = _before_after(line, repair)
    if drop is not None:
        label = f'<span class="rule" title="{esc(drop.get("reason"))}">{esc(drop.get("rule"))}</span>'
        return [str(n), f"<del>{before}</del>{label}", ""]
    if kept is not None and repair is None:  # the clean record's paragraph; a repaired line shows its repair
        after = esc(_cut(kept, LINE_CHARS))
    return [str(n), before, after]


def _before_after(line: str, repair: dict[str, Any] | None) -> tuple[str, str]:
    """The row's before and after cells; characters changed by a repair are highlighted on both sides."""
    if repair is None or repair.get("after") is None:
        text = esc(_cut(line, LINE_CHARS))
        return text, text
    old, new = marked_diff(_cut(str(repair.get("text") or ""), LINE_CHARS), _cut(str(repair["after"]), LINE_CHARS))
    title = esc(f"{repair.get('rule')}: {repair.get('reason')}")
    return f'<span title="{title}">{old}</span>', f'<span title="{title}">{new}</span>'


def marked_diff(old: str, new: str) -> tuple[str, str]:
    """Both sides escaped, what differs in `<mark>`. Diffed as tokens (a word or a single other character, with
    the spaces after it: few repeat, so this is cheap on long lines); a short changed run is diffed again by
    character, so a repair shows as the few characters it changed."""
    return _marked(_TOKEN.findall(old), _TOKEN.findall(new), refine=True)


@functools.lru_cache(maxsize=4096)
def _marked_chars(old: str, new: str) -> tuple[str, str]:
    """A changed run diffed by character, its common start and end set aside first (so "ann&eacute;e" against
    "année" marks "&eacute;" and "é"); repairs repeat, so runs are cached."""
    start = _common_start(old, new)
    end = _common_start(old[start:][::-1], new[start:][::-1])
    middle_old, middle_new = _marked(old[start : len(old) - end], new[start : len(new) - end], refine=False)
    head, tail = esc(old[:start]), esc(old[len(old) - end :])
    return head + middle_old + tail, head + middle_new + tail


def _common_start(a: str, b: str) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def _marked(old: Sequence[str], new: Sequence[str], refine: bool) -> tuple[str, str]:
    out_old, out_new = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        a, b = "".join(old[i1:i2]), "".join(new[j1:j2])
        if op == "equal":
            a, b = esc(a), esc(b)
        elif refine and op == "replace" and len(a) + len(b) <= REFINE_CHARS:
            a, b = _marked_chars(a, b)
        else:
            a, b = (f"<mark>{esc(a)}</mark>" if a else ""), (f"<mark>{esc(b)}</mark>" if b else "")
        out_old.append(a)
        out_new.append(b)
    return "".join(out_old), "".join(out_new)


def _kept_paragraphs(doc: Doc, lines: list[str], drops: dict[int, Any]) -> dict[int, str]:
    """Line number -> the clean record's paragraph, when kept lines and paragraphs pair up one to one."""
    if doc.text is None:
        return {}
    paragraphs = doc.text.split("\n\n")
    kept = [n for n, line in enumerate(lines, 1) if line.strip() and n not in drops]
    return dict(zip(kept, paragraphs, strict=True)) if len(kept) == len(paragraphs) else {}


def _reconstruct(doc: Doc, drops: dict[int, Any]) -> list[str]:
    """Without work/encoding/: removed lines at their numbers, kept paragraphs in order in the gaps."""
    total = max([int(doc.summary.get("lines_in") or 0), *drops])
    paragraphs = iter(doc.text.split("\n\n") if doc.text else [])
    lines = []
    for n in range(1, total + 1):
        lines.append(str(drops[n].get("text") or "") if n in drops else next(paragraphs, ""))
    return lines


def _shards(run: Run) -> str:
    m = run.manifest
    n = int(m.get("plan", {}).get("shards") or 0)
    files = _shard_files(run.root, m, n)
    rows = []
    for shard in range(n):
        c = run.parts.shards.get(shard, Counter())
        total, first = files.get(shard, (None, []))
        links = " ".join(f'<a href="{href(rel)}">{esc(Path(rel).name)}</a>' for rel in first)
        more = f" and {total - len(first):,} more" if total is not None and total > len(first) else ""
        rows.append(f'<tr id="{shard_anchor(shard)}"><td>{shard:05d}</td><td>{num(total) if total is not None else "?"}'
                    f'</td><td>{num(c["clean"])}</td><td>{num(c["rejected"])}</td><td>{num(c["quarantined"])}</td>'
                    f"<td>{links}{more}</td></tr>")  # fmt: skip
    head = "".join(f"<th>{h}</th>" for h in ("shard", "input files", "clean", "rejected", "quarantined", "audit logs"))
    return (
        f'<section id="shards"><h2>Shards ({n:,})</h2><table><thead><tr>{head}</tr></thead><tbody>\n'
        + "\n".join(rows)
        + "\n</tbody></table></section>"
    )


def _shard_files(root: Path, manifest: dict[str, Any], shards: int) -> dict[int, tuple[int, list[str]]]:
    """Per shard: how many input files, and the audit logs of the first few (from work/plans/, if kept)."""
    from pipeline.outputs import audit_path

    folder = root / "work" / "plans" / str(manifest.get("plan", {}).get("id"))
    out: dict[int, tuple[int, list[str]]] = {}
    for shard in range(shards):
        path = folder / f"shard-{shard:05d}.jsonl"
        if not path.exists():
            continue
        total, first = 0, list[str]()
        for record in jsonl.read_jsonl(path):
            total += 1
            if len(first) < SHARD_LINKS:
                first.append(audit_path(root / "audit", str(record["source"])).relative_to(root).as_posix())
        out[shard] = (total, first)
    return out


def _audit_links(run: Run) -> str:
    a = run.audit
    items = "".join(f'<li><a href="{href(rel)}">{esc(rel)}</a></li>' for rel in a.links)
    more = f"<p>and {a.logs - len(a.links):,} more under <code>audit/</code></p>" if a.logs > len(a.links) else ""
    return (
        f'<section id="audit"><h2>Audit logs ({a.logs:,})</h2><p class="note">One JSON line per change, then a '
        f"summary line per document; the first {AUDIT_LINKS} in path order.</p><ol>{items}</ol>{more}</section>"
    )


CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#222;max-width:1400px;margin:0 auto;
padding:0 24px 48px}
h1{font-size:22px}h2{border-bottom:2px solid #ddd;padding-top:12px}h3 small{color:#888;font-weight:normal}
nav{position:sticky;top:0;background:#fff;padding:6px 0;border-bottom:1px solid #eee}nav a{margin-right:14px}
table{border-collapse:collapse;margin:6px 0}th,td{border-bottom:1px solid #e5e5e5;padding:3px 8px;
text-align:left;vertical-align:top}th{background:#f6f6f6}table.kv td:nth-child(2){font-variant-numeric:tabular-nums}
tr:target{background:#fff3b0}section.doc:target{outline:3px solid #fff3b0}
.totals{display:flex;flex-wrap:wrap;gap:0 32px}
.plots{display:grid;grid-template-columns:repeat(auto-fit,minmax(620px,1fr));gap:12px}
figure{margin:0;border:1px solid #eee;padding:8px}figcaption{font-weight:600}svg{max-width:100%;height:auto}
.note{color:#666}.rule{font:12px ui-monospace,monospace;background:#fde2e4;color:#7a1f2b;padding:0 4px;
border-radius:3px;margin-left:6px;white-space:nowrap}del{color:#a33;text-decoration-thickness:2px}
mark{background:#ffe066}table.ba{width:100%;table-layout:fixed}table.ba td{white-space:pre-wrap;
word-break:break-word;font-size:13px}table.ba td:first-child,table.ba th:first-child{width:3em;color:#888;
text-align:right}li.flag{color:#a15c00}.rules code{display:inline-block;margin:2px 6px 2px 0}
.legend{font-weight:normal;font-size:12px;color:#555}.key{display:inline-block;width:10px;height:10px;
margin:0 3px 0 8px}
"""

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{css}</style></head>
<body>
{body}
</body></html>
"""
