"""Language checks: document level (accept or reject) and paragraph level (drop foreign blocks).

langdetect is random unless seeded; the seed is set once, so answers are the same across runs,
processes and worker counts. The default backend, langdetect-rs, gives langdetect's answers bit
for bit (tests/stages/test_language.py checks it on our sets) about fifty times faster; plain
langdetect stays available as the reference (`[language] backend = "langdetect"`).

Detection runs on a bounded sample spread over the document, and per paragraph only where the
paragraph does not already read as the document's language, so the cost of this stage does not
grow with document length. A paragraph reads as the document's language when its share of that
language's stopwords reaches `paragraph_stopword_share` and no other stopword list scores higher
(French and Spanish share "de", "la", "en", "que": a Spanish cookie notice reaches 0.12 of French
stopwords, but more of Spanish ones).

Long paragraphs (`paragraph_min_chars`) are dropped when confidently in another language; short
ones only next to such a paragraph and in the same language (the heading or the buttons of a
foreign banner), because on a short French headline langdetect is often confidently wrong. A table
row (`| a | b |`, as an HTML extractor writes tables) is never foreign: its cells are names and
numbers, too little prose for a guess (a row of Italian town names reads as Italian on a French page).

A guess under `min_prob` rejects the document when named languages are accepted (it may be none of
them). With `any` the language decides nothing, so the text is delivered with its best guess and a
`note` event; and no paragraph is dropped as foreign next to an unsure page language.
"""

from __future__ import annotations

import functools
import itertools
import re
from pathlib import Path
from types import ModuleType

from pipeline.document import AuditEvent, Document
from pipeline.settings import CONFIG_DIR, LanguageSettings
from pipeline.words import letter_words

STAGE = "language"
FOREIGN_ROLE = "foreign-paragraph"  # the context decision; the step passes the id of the rule holding it
FOREIGN_RULE = "context." + FOREIGN_ROLE  # the id when no rule pack is at hand (RuleSet.decision_id)
LOW_PROB_RULE = "language.low-probability"
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")


@functools.cache
def _backend(name: str, seed: int) -> ModuleType:
    if name == "langdetect-rs":  # one backend or the other, imported when first chosen
        import langdetect_rs as module
    else:
        import langdetect as module
    module.DetectorFactory.seed = seed
    return module


def prepare(settings: LanguageSettings) -> None:
    """Import the backend and load its language profiles and the stopword lists now (about 50 ms
    of CPU): called in the CLI process before Luigi forks a process per task, so that each
    CheckLanguage task inherits them instead of loading them again."""
    module = _backend(settings.backend, settings.seed)
    init_factory = getattr(getattr(module, "detector_factory", None), "init_factory", None)
    if callable(init_factory):
        init_factory()
    _stopword_index()


def detect(text: str, settings: LanguageSettings) -> tuple[str | None, float]:
    """Most probable language and its probability; (None, 0.0) when the text has no features."""
    module = _backend(settings.backend, settings.seed)
    try:
        best = module.detect_langs(text)[0]
    except module.LangDetectException:
        return None, 0.0
    return best.lang, round(float(best.prob), 4)


@functools.cache
def stopwords(lang: str) -> frozenset[str]:
    path = CONFIG_DIR / "stopwords" / f"{lang}.txt"
    if not Path(path).exists():
        return frozenset()
    return frozenset(w.strip() for w in path.read_text(encoding="utf-8").split() if w.strip())


def stopword_share(text: str, lang: str) -> float:
    words = letter_words(text.lower())
    if not words:
        return 0.0
    stop = stopwords(lang)
    return sum(w in stop for w in words) / len(words)


@functools.cache
def _stopword_index() -> dict[str, tuple[str, ...]]:
    """Every stopword of every list, with the languages whose list holds it."""
    langs = sorted(path.stem for path in (CONFIG_DIR / "stopwords").glob("*.txt"))
    index: dict[str, tuple[str, ...]] = {}
    for lang in langs:
        for word in stopwords(lang):
            index[word] = (*index.get(word, ()), lang)
    return index


def reads_as(text: str, lang: str, threshold: float) -> bool:
    """The paragraph's stopwords say `lang`: their share reaches `threshold`, no other list's does better."""
    words = letter_words(text.lower())
    index = _stopword_index()
    counts: dict[str, int] = {}
    for word in words:  # a plain loop: a Counter over a generator was a third of this stage
        for other in index.get(word, ()):
            counts[other] = counts.get(other, 0) + 1
    own = counts.get(lang, 0)
    if not words or own / len(words) < threshold:
        return False
    return all(n < own for other, n in counts.items() if other != lang)


def sample(lines: list[str], limit: int) -> str:
    """Up to `limit` characters drawn from paragraphs spread evenly over the document."""
    paragraphs = [line for line in lines if line.strip()]
    total = sum(len(p) for p in paragraphs)
    if total <= limit:
        return "\n".join(paragraphs)
    step = total / limit
    picked: list[str] = []
    budget, taken, position = limit, 0.0, 0.0
    for p in paragraphs:
        if position >= taken and budget > 0:
            piece = p[:budget]
            picked.append(piece)
            budget -= len(piece)
            taken += len(piece) * step
        position += len(p)
    return "\n".join(picked)


def accepted(settings: LanguageSettings) -> tuple[str, ...] | None:
    """The languages a document may have: exactly what the user accepts (None means any).

    A site pack's `languages` say what the site publishes; they never widen this set, or an
    English page of a bilingual site would be delivered to a user who asked for French only.
    """
    if settings.accepts_any:
        return None
    return settings.accept


def check_language(doc: Document, settings: LanguageSettings, foreign_rule: str = FOREIGN_RULE) -> Document:
    """Set lang and lang_prob, drop confidently foreign paragraphs, reject unwanted languages."""
    text = sample(doc.lines, settings.sample_chars)
    if len(text) < settings.min_doc_chars:
        return doc  # too little text to judge: the normalise stage rejects it as too short
    doc.lang, doc.lang_prob = detect(text, settings)
    allowed = accepted(settings)
    unsure = len(text) >= settings.short_doc_chars and (doc.lang_prob or 0) < settings.min_prob
    if doc.lang and settings.paragraph_check and not unsure:
        _drop_foreign_paragraphs(doc, settings, foreign_rule)  # "foreign" means something only next to a sure guess
    if doc.lang is None:
        doc.reject("language: no language could be detected (no letters?)", STAGE, "language.undetected")
    elif allowed is not None and doc.lang not in allowed:
        doc.reject(
            f"language: detected {doc.lang} (p={doc.lang_prob:.2f}), accepted: {', '.join(allowed)}",
            STAGE,
            "language.not-accepted",
        )
    elif unsure:
        why = f"language: {doc.lang} with p={doc.lang_prob:.2f} is below min_prob {settings.min_prob}"
        if allowed is None:
            # Any language is accepted: which one it is does not decide delivery, so an unsure guess
            # (Catalan or Spanish? a Latin placeholder?) keeps the text, with the guess and a note.
            doc.events.append(AuditEvent(STAGE, "note", LOW_PROB_RULE, why + " (kept: any language is accepted)"))
        else:
            doc.reject(why, STAGE, LOW_PROB_RULE)
    return doc


def _drop_foreign_paragraphs(doc: Document, settings: LanguageSettings, rule: str) -> None:
    lang = doc.lang or ""
    filled = [i for i, line in enumerate(doc.lines) if line.strip() and not _TABLE_ROW.match(line)]
    # Measured without the indentation an extractor keeps in preformatted text (a novel's dialogue).
    long = [i for i in filled if len(doc.lines[i].strip()) >= settings.paragraph_min_chars]
    found = {i: verdict for i in long if (verdict := _foreign(doc.lines[i], lang, settings))}
    short = _short_neighbours(doc.lines, filled, lang, settings, found) if found else {}
    for i, (other, prob) in sorted((found | short).items()):
        where = ", a short paragraph next to a foreign one" if i in short else ""
        reason = f"paragraph in {other} (p={prob:.2f}) inside a {lang} document{where}"
        doc.events.append(AuditEvent(STAGE, "drop", rule, reason, doc.line_numbers[i], doc.lines[i]))
    if found:
        doc.keep_lines([i not in found and i not in short for i in range(len(doc.lines))])


def _foreign(line: str, lang: str, settings: LanguageSettings) -> tuple[str, float] | None:
    """The other language `line` is confidently in, with its probability; None if it may be `lang`."""
    if stopwords(lang) and reads_as(line, lang, settings.paragraph_stopword_share):
        return None
    other, prob = detect(line[: settings.sample_chars], settings)
    if other and other != lang and prob >= settings.paragraph_min_prob:
        return other, prob
    return None


def _short_neighbours(
    lines: list[str], filled: list[int], lang: str, settings: LanguageSettings, found: dict[int, tuple[str, float]]
) -> dict[int, tuple[str, float]]:
    """Short paragraphs next to a foreign one and in its language (a banner's heading, its buttons)."""
    short: dict[int, tuple[str, float]] = {}
    for order in (filled, filled[::-1]):  # outwards from each foreign paragraph, both ways
        for previous, i in itertools.pairwise(order):
            neighbour = found.get(previous) or short.get(previous)
            if not neighbour or i in found or i in short or len(lines[i].strip()) >= settings.paragraph_min_chars:
                continue
            verdict = _foreign(lines[i], lang, settings)
            if verdict and verdict[0] == neighbour[0]:
                short[i] = verdict
    return short
