"""Paragraph normalisation and the final length decision.

Each kept line is one paragraph: white space is collapsed (no-break and thin spaces become plain
spaces unless `[normalise] nbsp = "keep"`), empty lines go (a paragraph under `min_paragraph_chars`
goes with an audit event, `normalise.short-paragraph`), and the record's text joins the
paragraphs with one blank line. A document with too little text left is rejected here, the one
place that sees the final text.
"""

from __future__ import annotations

from pipeline.document import AuditEvent, Document
from pipeline.settings import NormaliseSettings

STAGE = "normalise"


def normalise_line(line: str, settings: NormaliseSettings) -> str:
    # str.split() splits on every Unicode space, no-break and thin spaces included.
    return " ".join(line.split()) if settings.nbsp == "space" else _collapse_keeping_nbsp(line)


def _collapse_keeping_nbsp(line: str) -> str:
    # str.split() would also split on no-break spaces; split on ordinary white space only.
    return " ".join(part for part in line.replace("\t", " ").split(" ") if part).strip()


def normalise_paragraphs(doc: Document, settings: NormaliseSettings) -> Document:
    """Tidy each paragraph, drop those too short to be text; reject a document with too little left."""
    lines, numbers = [], []
    for n, line in zip(doc.line_numbers, doc.lines, strict=True):
        clean = normalise_line(line, settings)
        if len(clean) >= settings.min_paragraph_chars:
            lines.append(clean)
            numbers.append(n)
        elif clean:  # text, not an empty line: its removal is audited like any other
            reason = f"paragraph shorter than [normalise] min_paragraph_chars ({settings.min_paragraph_chars})"
            doc.events.append(AuditEvent(STAGE, "drop", "normalise.short-paragraph", reason, n, line))
    doc.lines, doc.line_numbers = lines, numbers
    chars = sum(len(line) for line in lines)
    if not lines:
        doc.reject("no content: nothing is left after chrome removal", STAGE, "normalise.empty")
    elif chars < settings.min_doc_chars:
        doc.reject(
            f"too short: {chars} characters of text left (minimum {settings.min_doc_chars})",
            STAGE,
            "normalise.too-short",
        )
    return doc


def final_text(doc: Document) -> str:
    """The record's text: paragraphs separated by one blank line."""
    return "\n\n".join(doc.lines)
