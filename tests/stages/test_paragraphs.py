"""Paragraph normalisation and the final length decision."""

from __future__ import annotations

import dataclasses

from pipeline.document import REJECTED, AuditEvent, Document
from pipeline.settings import NormaliseSettings
from pipeline.stages.paragraphs import final_text, normalise_line, normalise_paragraphs

LONG = "Le conseil municipal a adopté lundi soir le budget primitif de la commune après trois heures."


def test_white_space_and_no_break_spaces() -> None:
    s = NormaliseSettings()
    assert normalise_line("  Le but\u00a0est  de\t« gagner\u202f»  ", s) == "Le but est de « gagner »"
    keep = dataclasses.replace(s, nbsp="keep")
    assert normalise_line("Le but\u00a0est  de", keep) == "Le but\u00a0est de"


def test_paragraphs_joined_by_one_blank_line_and_line_numbers_kept() -> None:
    doc = Document(id="d", source="s", file="s")
    doc.set_text(f"  {LONG}  \n\n   \n{LONG} Deux.")
    normalise_paragraphs(doc, NormaliseSettings())
    assert final_text(doc) == f"{LONG}\n\n{LONG} Deux."
    assert doc.line_numbers == [1, 4]


def test_too_short_and_empty_documents_are_rejected() -> None:
    short = Document(id="d", source="s", file="s")
    short.set_text("Trop court.")
    normalise_paragraphs(short, NormaliseSettings())
    assert short.status == REJECTED and short.reason and short.reason.startswith("too short: 11 characters")
    empty = Document(id="e", source="s", file="s")
    empty.set_text("  \n ")
    normalise_paragraphs(empty, NormaliseSettings())
    assert empty.status == REJECTED and "no content" in (empty.reason or "")


def test_a_paragraph_below_the_minimum_goes_with_an_audit_event_empty_lines_silently() -> None:
    doc = Document(id="d", source="s", file="s")
    doc.set_text(f"{LONG}\n\nPhoto\n{LONG}")
    normalise_paragraphs(doc, dataclasses.replace(NormaliseSettings(), min_paragraph_chars=10, min_doc_chars=1))
    assert final_text(doc) == f"{LONG}\n\n{LONG}"
    [event] = doc.events
    assert (event.rule, event.action, event.line, event.text) == ("normalise.short-paragraph", "drop", 3, "Photo")


def test_a_rejection_says_what_the_earlier_stages_dropped() -> None:
    """A page whose article went with its chrome is not rejected silently: the reason counts the
    dropped lines and sentences, and names the rule that took most of the sentences."""
    doc = Document(id="d", source="s", file="s")
    doc.set_text("Trop court.")
    drop = lambda rule, text: AuditEvent("chrome", "drop", rule, "why", 2, text)  # noqa: E731
    doc.events += [drop("generic.context.listing", LONG), drop("generic.context.listing", LONG), drop("x.menu", "Menu")]
    normalise_paragraphs(doc, NormaliseSettings())
    assert doc.reason == (
        "too short: 11 characters of text left (minimum 200); dropped before: 3 lines"
        f" ({2 * len(LONG) + 4} characters), 2 sentences, 2 by generic.context.listing"
    )
