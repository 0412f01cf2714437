"""The stages as steps: one small class per stage over a Document, with no Luigi in sight.

    encoding   bytes -> text: decode, extract HTML, repair (stages/encoding.py), then layout:
               unwrap hard-wrapped text, Markdown to paragraphs (stages/layout.py)
    chrome     drop site furniture by rules, repeats and context (stages/chrome.py)
    language   detect, drop foreign paragraphs, accept or reject (stages/language.py)
    normalise  tidy paragraphs, reject what is too short (stages/paragraphs.py)

The stage modules hold the pure functions; a `Step` adapts one of them to the single signature
`step(doc) -> doc`. The base class does what every stage needs alike: it passes rejected and
quarantined documents through untouched, counts documents and dropped lines, and times itself.
`clean_document` runs every step in order (used by `explain`, `evaluate` and the tests); each
Luigi shard task runs one step over its shard (pipeline/tasks.py).
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, ClassVar

from pipeline.document import QUARANTINED, REJECTED, Document
from pipeline.errors import InputError
from pipeline.html import extract
from pipeline.rules.loader import RuleSet, load_ruleset
from pipeline.settings import STAGES, Settings
from pipeline.stages import chrome, encoding, language, layout, paragraphs

HTML_FORMATS = ("html", "jsonl-html")


@dataclass
class Context:
    """What the stages need besides the document: settings and the loaded rule packs."""

    settings: Settings
    rules: RuleSet

    @classmethod
    def load(cls, settings: Settings, learned: Path | None = None) -> Context:
        rules = load_ruleset(settings.pack_paths("generic"), settings.pack_paths("site"), learned)
        return cls(settings, rules)


@dataclass
class StepStats:
    """What one step did: documents it worked on, how they left, lines dropped, seconds inside.

    `docs_in` = `docs_out` + `rejected` + `quarantined`; `skipped` documents arrived already
    rejected or quarantined and were passed through.
    """

    name: str
    docs_in: int = 0
    docs_out: int = 0
    rejected: int = 0
    quarantined: int = 0
    skipped: int = 0
    lines_dropped: int = 0
    seconds: float = 0.0

    def to_record(self) -> dict[str, Any]:
        return {**asdict(self), "seconds": round(self.seconds, 3)}


class Step(ABC):
    """One stage over one document. Subclasses set `name` (an entry of `STAGES`) and `apply`."""

    name: ClassVar[str]

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.stats = StepStats(self.name)

    def __call__(self, doc: Document) -> Document:
        stats = self.stats
        if not doc.active:
            stats.skipped += 1
            return doc
        stats.docs_in += 1
        events = len(doc.events)  # a stage only appends: its own events are the ones after these
        start = time.perf_counter()
        try:
            doc = self.apply(doc)
        finally:
            stats.seconds += time.perf_counter() - start
        stats.lines_dropped += sum(1 for e in doc.events[events:] if e.action == "drop")
        if doc.status == REJECTED:
            stats.rejected += 1
        elif doc.status == QUARANTINED:
            stats.quarantined += 1
        else:
            stats.docs_out += 1
        return doc

    @abstractmethod
    def apply(self, doc: Document) -> Document:
        """The stage's work on an active document; it may change lines, add events, reject."""


class EncodingStep(Step):
    """Decode the raw payload (`doc.payload`, from `read_input`), extract HTML, repair the text,
    rebuild paragraphs of plain text; quarantine what cannot be read."""

    name = "encoding"

    def apply(self, doc: Document) -> Document:
        payload, doc.payload = doc.payload, None  # not needed past this step
        if payload is None:
            return doc
        s = self.ctx.settings
        try:
            if isinstance(payload, bytes):
                text, events = encoding.decode_bytes(payload, s.encoding)
                doc.events.extend(events)
            else:
                text = payload
            if doc.metadata.get("format") in HTML_FORMATS:
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
        if doc.metadata.get("format") not in HTML_FORMATS:  # extracted HTML is one block a line
            layout.normalise_layout(doc, s.layout)  # here, so that learning counts the rebuilt lines
        return doc


class ChromeStep(Step):
    name = "chrome"

    def apply(self, doc: Document) -> Document:
        return chrome.remove_chrome(doc, self.ctx.rules, self.ctx.settings.chrome)


class LanguageStep(Step):
    name = "language"

    def apply(self, doc: Document) -> Document:
        foreign = self.ctx.rules.decision_id(language.FOREIGN_ROLE)
        return language.check_language(doc, self.ctx.settings.language, foreign)


class NormaliseStep(Step):
    name = "normalise"

    def apply(self, doc: Document) -> Document:
        return paragraphs.normalise_paragraphs(doc, self.ctx.settings.normalise)


# `learn` is the one stage that is not a step: it adds up counts over the whole batch (tasks.py).
STEP_TYPES: dict[str, type[Step]] = {t.name: t for t in (EncodingStep, ChromeStep, LanguageStep, NormaliseStep)}
BATCH_STAGES = ("learn",)


def steps(ctx: Context) -> list[Step]:
    """A fresh step of every per-document stage, in the order of `STAGES`."""
    return [STEP_TYPES[name](ctx) for name in STAGES if name not in BATCH_STAGES]


def run_steps(doc: Document, chain: list[Step]) -> Document:
    for step in chain:
        doc = step(doc)
    return doc


def clean_document(doc: Document, payload: bytes | str | None, ctx: Context) -> Document:
    """Every stage, in order, on one document and its raw payload (as `read_input` yields them)."""
    doc.payload = payload
    return run_steps(doc, steps(ctx))
