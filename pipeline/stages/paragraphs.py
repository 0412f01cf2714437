"""Paragraph normalisation and the final length decision.

Each kept line is one paragraph: white space is collapsed (no-break and thin spaces become plain
spaces unless `[normalise] nbsp = "keep"`), empty lines go (a paragraph under `min_paragraph_chars`
goes with an audit event, `normalise.short-paragraph`), and the record's text joins the
paragraphs with one blank line. A document with too little text left is rejected here, the one
place that sees the final text.
"""

from __future__ import annotations

from collections import Counter

from pipeline.document import AuditEvent, Document
from pipeline.rules.features import LineFeatures
from pipeline.settings import NormaliseSettings

STAGE = "normalise"
SENTENCE_WORDS = 4  # a dropped line of this many words that ends a sentence counts as a sentence


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
        doc.reject(f"no content: nothing is left after chrome removal{_what_went(doc)}", STAGE, "normalise.empty")
    elif chars < settings.min_doc_chars:
        doc.reject(
            f"too short: {chars} characters of text left (minimum {settings.min_doc_chars}){_what_went(doc)}",
            STAGE,
            "normalise.too-short",
        )
    return doc


def _what_went(doc: Document) -> str:
    """What the earlier stages dropped, for a rejection's reason: a page whose input held an article
    (sentences) says so, and which rules took most of its sentences, so the audit shows whether
    chrome removal erased it ("; dropped before: 48 lines (2310 characters), 9 sentences, 6 by
    generic.context.listing")."""
    drops = [e for e in doc.events if e.action == "drop" and e.text]
    if not drops:
        return ""
    chars = sum(len(e.text.strip()) for e in drops)
    sentences = Counter(e.rule for e in drops if _sentence(e.text))
    said = f"; dropped before: {len(drops)} lines ({chars} characters), {sum(sentences.values())} sentences"
    if sentences:
        rule, count = sentences.most_common(1)[0]
        said += f", {count} by {rule}"
    return said


def _sentence(text: str) -> bool:
    feats = LineFeatures.of(text)
    return feats.terminal and feats.words >= SENTENCE_WORDS


def final_text(doc: Document) -> str:
    """The record's text: paragraphs separated by one blank line."""
    return "\n\n".join(doc.lines)
