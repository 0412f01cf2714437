"""`explain` and the audit log on a hard-wrapped page: rebuilt paragraphs keep their input lines."""

from __future__ import annotations

import io
import json
from pathlib import Path

from bench.layouts import wrap
from pipeline.core import Context, clean_document
from pipeline.document import Document
from pipeline.explain import explain_file
from pipeline.layout import audit_path
from pipeline.outputs import AuditWriter
from tests.conftest import SEEDS

SEED = sorted(SEEDS.glob("*.txt"))[0]


def test_explain_shows_rebuilt_paragraphs_with_their_line_ranges(tmp_path: Path) -> None:
    page = tmp_path / SEED.name
    page.write_text(wrap(SEED.read_text(encoding="utf-8"), 72, blank=False), encoding="utf-8")
    out = io.StringIO()
    assert explain_file(page, None, None, None, False, out) == 0
    text = out.getvalue()
    assert "layout: wrapped at 72 columns" in text
    ranges = [line.split()[0] for line in text.splitlines() if " keep " in line and "-" in line.split()[0]]
    assert ranges, text
    first, last = (int(n) for n in ranges[0].split("-"))
    assert first < last


def test_audit_events_name_the_input_lines_of_a_rebuilt_paragraph(tmp_path: Path, ctx: Context) -> None:
    text = wrap(SEED.read_text(encoding="utf-8"), 60, blank=True)
    doc = clean_document(Document(id="d", source="s.txt", file="s.txt", metadata={"format": "txt"}), text, ctx)
    with AuditWriter(tmp_path) as audit:
        audit.write(doc)
    records = [json.loads(line) for line in audit_path(tmp_path, "s.txt").read_text().splitlines()]
    spans = {first: last for first, last in doc.spans}
    drops = [r for r in records if r.get("action") == "drop" and r.get("line") in spans]
    assert drops and all(r["line_end"] == spans[r["line"]] for r in drops)
    assert records[-1]["action"] == "summary" and records[-1]["layout"] == "wrapped"
    assert any(r.get("rule") == "layout.wrapped" for r in records)
