"""The report's other sections: navigation, totals, plots, time per stage, shards, audit logs."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.report import files, plots
from pipeline.report.html import esc, href, num, table
from pipeline.report.review import CONTEXT_PREFIX
from pipeline.report.scan import AUDIT_LINKS, AuditScan, PartsScan
from pipeline.report.tracking import shard_anchor

TOP = 30  # bars in the rule and site charts
SHARD_LINKS = 3  # audit logs linked per shard
STAGE_ORDER = ("encoding", "chrome", "language", "normalise", "write")  # the timed shard tasks, in run order
RULE_COLORS = (("site.", "#4c78a8", "site packs"), (CONTEXT_PREFIX, "#9d9d9d", "context"),
               ("generic.", "#72b7b2", "generic packs"), ("", "#b279a2", "learned and other"))  # fmt: skip


def nav() -> str:
    links = [("totals", "Totals"), ("plots", "Plots"), ("review", "Rules to review"), ("samples", "Before / after"),
             ("timing", "Time per stage"), ("shards", "Shards"), ("audit", "Audit logs")]  # fmt: skip
    return "<nav>" + " ".join(f'<a href="#{a}">{t}</a>' for a, t in links) + "</nav>"


def totals(m: dict[str, Any], audit: AuditScan) -> str:
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
            ["lines repaired (encoding)", num(audit.review.repairs)]]  # fmt: skip
    batch = [["input files / bytes", f"{num(plan.get('files'))} / {num(plan.get('bytes'))}"],
             ["shards / audit logs", f"{num(plan.get('shards'))} / {num(audit.logs)}"],
             ["started", esc(m.get("started"))], ["finished", esc(m.get("finished"))],
             ["pipeline / languages", f"{esc(m.get('pipeline', {}).get('version'))} / "
                                      f"{esc(', '.join(m.get('config', {}).get('languages', [])))}"]]  # fmt: skip
    tables = "".join(table(None, rows, "kv") for rows in (documents, text, batch))
    return f'<section id="totals"><h2>Totals</h2><div class="totals">{tables}</div></section>'


# ---------------------------------------------------------------- plots


def plots_section(m: dict[str, Any], audit: AuditScan, parts: PartsScan) -> str:
    rules = ranked(m.get("rules", {}))[:TOP]
    reasons = ranked(m.get("rejection_reasons", {}))
    if m.get("documents", {}).get("quarantined"):
        reasons.append(("quarantined (unreadable)", int(m["documents"]["quarantined"])))
    figures = [
        _figure("removed", "Characters removed per kept document", len(audit.removed),
                lambda: plots.removed_histograms(audit.removed, audit.shares)),
        _figure("rules", f"Removals per rule ({_top(len(m.get('rules', {})))} rules)", len(rules),
                lambda: plots.bars(rules, "lines dropped per rule",
                                   "lines", "rules", [rule_color(r) for r, _ in rules]),
                _rule_legend()),
        _figure("sites", "Per site", len(parts.sites), lambda: plots.sites(_site_rows(parts))),
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


def rule_color(rule: str) -> str:
    return next(color for prefix, color, _ in RULE_COLORS if rule.startswith(prefix))


def _rule_legend() -> str:
    keys = "".join(f'<span class="key" style="background:{c}"></span>{esc(t)} ' for _, c, t in RULE_COLORS)
    return f' <span class="legend">{keys}</span>'


def _site_rows(parts: PartsScan) -> list[tuple[str, int, int, float | None]]:
    rows = []
    for site, c in parts.sites.items():
        share = 1 - c["chars_out"] / c["chars_in"] if c["chars_in"] else None
        rows.append((site, c["clean"], c["rejected"] + c["quarantined"], share))
    rows.sort(key=lambda r: (-(r[1] + r[2]), r[0]))
    return rows[:TOP]


# ---------------------------------------------------------------- time per stage


def timing(m: dict[str, Any]) -> str:
    """The manifest's `timing`: seconds each stage's shard tasks ran (work/timing/), summed over shards."""
    start, end = _timestamp(m.get("started")), _timestamp(m.get("finished"))
    wall = f"{end - start:,.0f} s" if start is not None and end is not None else "unknown"
    seconds = {str(k): v for k, v in (m.get("timing") or {}).items() if isinstance(v, int | float)}
    order = [s for s in STAGE_ORDER if s in seconds] + sorted(set(seconds) - set(STAGE_ORDER))
    total = sum(seconds.values())
    rows = [[esc(s), f"{seconds[s]:,.3f}", f"{seconds[s] / total:.0%}" if total else "—"] for s in order]
    recorded = table(["stage", "seconds", "share"], rows) if rows else "<p>not recorded for this run</p>"
    return (
        '<section id="timing"><h2>Time per stage</h2>'
        f"<p>Whole run (manifest <code>started</code> to <code>finished</code>, 1 s resolution): {wall}.</p>"
        '<p class="note">Seconds each stage\'s tasks ran, summed over shards (each task records its time in '
        "<code>work/timing/</code>; <code>manifest.json</code> sums them as <code>timing</code>). Shards run in "
        "parallel with several workers, so the sum can exceed the whole run; work reused from an earlier run "
        "counts the time it took then.</p>"
        f"{recorded}</section>"
    )


def _timestamp(value: Any) -> float | None:
    try:
        return dt.datetime.fromisoformat(str(value)).timestamp()
    except ValueError:
        return None


# ---------------------------------------------------------------- shards and audit logs


def shards(root: Path, m: dict[str, Any], parts: PartsScan) -> str:
    n = int(m.get("plan", {}).get("shards") or 0)
    plan_files = _shard_files(root, m, n)
    rows = []
    for shard in range(n):
        c = parts.shards.get(shard, Counter())
        total, first = plan_files.get(shard, (None, []))
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
    out: dict[int, tuple[int, list[str]]] = {}
    for shard in range(shards):
        path = files.shard_plan_file(root, manifest, shard)
        if not path.exists():
            continue
        total, first = 0, list[str]()
        for record in files.read_records(path):
            total += 1
            if len(first) < SHARD_LINKS:
                first.append(files.audit_log(root, str(record["source"])))
        out[shard] = (total, first)
    return out


def audit_links(audit: AuditScan) -> str:
    items = "".join(f'<li><a href="{href(rel)}">{esc(rel)}</a></li>' for rel in audit.links)
    unlisted = audit.logs - len(audit.links)
    more = f"<p>and {unlisted:,} more under <code>audit/</code></p>" if unlisted > 0 else ""
    return (
        f'<section id="audit"><h2>Audit logs ({audit.logs:,})</h2><p class="note">One JSON line per change, then a '
        f"summary line per document; the first {AUDIT_LINKS} in path order.</p><ol>{items}</ol>{more}</section>"
    )
