"""The before/after section: each sampled document's input lines, what was removed (and by which rule),
what was repaired, and what the clean record kept."""

from __future__ import annotations

from typing import Any

from pipeline.report.diff import marked_diff
from pipeline.report.html import cut, esc, href, num, table
from pipeline.report.scan import Doc

SAMPLE_LINES = 150  # rows per before/after view...
DOC_CHARS = 20_000  # ...and input characters: the sample stays under about 1 MB whatever the documents
LINE_CHARS = 600  # characters per row before it is cut
EXACT = "Input lines are the repaired text the encoding stage wrote (<code>work/encoding/</code>)."
RECONSTRUCTED = (
    "the input is reconstructed from the audit log (removed lines, at their line numbers) and the clean record "
    "(kept paragraphs, placed in order in the remaining line numbers: positions are approximate)."
)


def samples_section(sample: list[Doc]) -> str:
    exact = [doc.lines is not None for doc in sample]
    if exact and all(exact):
        how = EXACT
    elif not any(exact):
        how = "<code>work/encoding/</code> is gone: " + RECONSTRUCTED
    else:  # some documents were not found there: each says so
        how = f"{EXACT} For those marked <i>reconstructed</i>, {RECONSTRUCTED}"
    intro = (
        f'<p class="note">{len(sample)} documents, chosen deterministically: a few flagged for review '
        f"and rejected ones, then those with the most removals. {how} Removed lines are struck through and "
        "labelled with their rule (hover for the reason); characters changed by the encoding repair are "
        "highlighted. Blank lines are not shown.</p>"
    )
    docs = "\n".join(_doc_view(doc, mark_reconstructed=any(exact)) for doc in sample)
    return f'<section id="samples"><h2>Before / after</h2>{intro}\n{docs}</section>'


def _doc_view(doc: Doc, mark_reconstructed: bool) -> str:
    s = doc.summary
    reconstructed = " · <i>reconstructed</i>" if mark_reconstructed and doc.lines is None else ""
    facts = (
        f"{esc(s.get('decision'))}{': ' + esc(s.get('reason')) if s.get('reason') else ''} · "
        f"{num(s.get('chars_in'))} → {num(s.get('chars_out'))} characters · {doc.removals} lines removed · "
        f'<a href="{href(doc.log)}">audit log</a>{reconstructed}'
    )
    flags = "".join(f'<li class="flag">{esc(f)}</li>' for f in doc.flags)
    rows, total = _rows(doc)
    more = f'<p class="note">first {len(rows)} of {total:,} lines shown</p>' if total > len(rows) else ""
    view = table(["#", "before", "after"], rows, "ba")
    return (
        f'<section class="doc" id="doc-{esc(doc.id)}"><h3>{esc(s.get("source"))} <small>{esc(doc.id)}</small></h3>'
        f"<p>{facts}</p><ul>{flags}</ul>{view}{more}</section>"
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
        after = esc(cut(kept, LINE_CHARS))
    return [str(n), before, after]


def _before_after(line: str, repair: dict[str, Any] | None) -> tuple[str, str]:
    """The row's before and after cells; characters changed by a repair are highlighted on both sides."""
    if repair is None or repair.get("after") is None:
        text = esc(cut(line, LINE_CHARS))
        return text, text
    old, new = marked_diff(cut(str(repair.get("text") or ""), LINE_CHARS), cut(str(repair["after"]), LINE_CHARS))
    title = esc(f"{repair.get('rule')}: {repair.get('reason')}")
    return f'<span title="{title}">{old}</span>', f'<span title="{title}">{new}</span>'


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
