"""The stages in order, as plain functions over a Document, with no Luigi in sight.

    encoding   bytes -> text: decode, extract HTML, repair (stages/encoding.py), then layout:
               unwrap hard-wrapped text, Markdown to paragraphs (stages/layout.py)
    chrome     drop site furniture by rules, repeats and context (stages/chrome.py)
    language   detect, drop foreign paragraphs, accept or reject (stages/language.py)
    normalise  tidy paragraphs, reject what is too short (stages/paragraphs.py)

`clean_document` runs them all (used by `explain`, `evaluate` and the tests); the Luigi tasks
call the same per-stage functions on shards.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.document import Document
from pipeline.errors import InputError
from pipeline.html import extract
from pipeline.rules.loader import RuleSet, load_ruleset
from pipeline.settings import Settings
from pipeline.stages import chrome, encoding, language, layout, paragraphs

STAGES = ("encoding", "chrome", "language", "normalise")


@dataclass
class Context:
    """What the stages need besides the document: settings and the loaded rule packs."""

    settings: Settings
    rules: RuleSet

    @classmethod
    def load(cls, settings: Settings, learned: Path | None = None) -> Context:
        rules = load_ruleset(settings.pack_paths("generic"), settings.pack_paths("site"), learned)
        return cls(settings, rules)


def repair_stage(doc: Document, payload: bytes | str | None, ctx: Context) -> Document:
    """Decode the raw payload, extract HTML, repair the text; quarantine what cannot be read."""
    if not doc.active or payload is None:
        return doc
    s = ctx.settings
    try:
        if isinstance(payload, bytes):
            text, events = encoding.decode_bytes(payload, s.encoding)
            doc.events.extend(events)
        else:
            text = payload
        if doc.metadata.get("format") in ("html", "jsonl-html"):
            text, title, event = extract(text, s.input)
            doc.title = doc.title or title
            doc.events.append(event)
    except InputError as e:
        doc.quarantine(str(e), encoding.STAGE)
        return doc
    text = encoding.normalise_line_breaks(text)
    doc.chars_in = len(text)
    text, events = encoding.repair_text(text, s.encoding)
    doc.events.extend(events)
    doc.set_text(text)
    doc.lines_in = len(doc.lines)
    if doc.metadata.get("format") not in ("html", "jsonl-html"):  # extracted HTML is one block a line
        layout.normalise_layout(doc, s.layout)  # here, so that learning counts the rebuilt lines
    return doc


def chrome_stage(doc: Document, ctx: Context) -> Document:
    return chrome.remove_chrome(doc, ctx.rules, ctx.settings.chrome)


def language_stage(doc: Document, ctx: Context) -> Document:
    return language.check_language(doc, ctx.settings.language)


def normalise_stage(doc: Document, ctx: Context) -> Document:
    return paragraphs.normalise_paragraphs(doc, ctx.settings.normalise)


def clean_document(doc: Document, payload: bytes | str | None, ctx: Context) -> Document:
    """Every stage, in order, on one document."""
    doc = repair_stage(doc, payload, ctx)
    for stage in (chrome_stage, language_stage, normalise_stage):
        doc = stage(doc, ctx)
    return doc
