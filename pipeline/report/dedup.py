"""report.html's duplicates section (issue 13): how many copies, the largest clusters, a sample."""

from __future__ import annotations

from typing import Any

from pipeline.report.html import esc, num, table


def duplicates_section(manifest: dict[str, Any]) -> str:
    d = manifest.get("duplicates")
    if not d:
        return ""
    verb = "delivered, marked duplicate_of" if d.get("kept_copies") else "rejected (reason: duplicate)"
    head = (f"<p>{num(d['copies'])} copies {verb}: {num(d['exact'])} exact, {num(d['near'])} near, "
            f"{num(d['of_earlier_batches'])} of documents delivered by earlier batches "
            f"({num(d['earlier_documents_indexed'])} indexed).</p>")  # fmt: skip
    clusters = [[esc(c["id"]), esc(c["source"]), esc(c["batch"] or "this batch"), num(c["copies"])]
                for c in d.get("largest_clusters", [])]  # fmt: skip
    sample = [[esc(s["source"]), esc(s["of_source"]), esc(s["of"]), esc(s["of_batch"] or "this batch"),
               f"{s['similarity']:.3f}"] for s in d.get("sample", [])]  # fmt: skip
    parts = [head]
    if clusters:
        parts += ["<h3>Largest clusters</h3>", table(["kept id", "kept source", "batch", "copies"], clusters)]
    if sample:
        parts += ["<h3>Sample</h3>", table(["copy", "copy of", "kept id", "batch", "similarity"], sample)]
    return '<section id="duplicates"><h2>Duplicates</h2>' + "\n".join(parts) + "</section>"
