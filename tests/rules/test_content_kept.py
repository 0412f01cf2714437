"""Rules that erased article content (issue 12, "data loss first"): each test is a small page,
written here, on which a shipped rule used to drop lines of the article itself."""

from __future__ import annotations

from pipeline.core import Context
from pipeline.document import Document
from pipeline.stages.chrome import remove_chrome
from tests.stages.chrome_page import clean, dropped

A1 = "The county council voted on Tuesday to keep the old library open for at least another five years."
A2 = "Residents had collected more than four thousand signatures against the plan to sell the building."
A3 = "The council will now look for money to repair the leaking roof, which is older than the library itself."
A4 = "A second vote on the opening hours is planned for the spring, once the repair costs are known."
A5 = "Volunteers have offered to run the reading room on Sundays, the chair of the friends' group said."


def test_a_bare_related_link_inside_the_article_takes_only_its_headline(ctx: Context) -> None:
    # "Related:" with one link, in the lower half of the article: the article goes on after it.
    doc = clean(ctx, A1, A2, A3, "Related:", "Why small towns are losing their libraries", A4, A5)
    assert doc.lines == [A1, A2, A3, A4, A5]
    assert dropped(doc)["Why small towns are losing their libraries"] == "generic.related.related-section"


def test_a_related_articles_heading_after_the_article_still_takes_the_rest(ctx: Context) -> None:
    other = "The city's museum will close for a year from March while its halls are rebuilt, the mayor said."
    doc = clean(ctx, A1, A2, A3, "Related articles", "Why small towns are losing their libraries", other)
    assert doc.lines == [A1, A2, A3]
    assert dropped(doc)[other] == "generic.related.related-section-end"


def test_a_live_badge_is_no_sign_that_the_article_ended(ctx: Context) -> None:
    # A player's "Live" badge among the page's furniture: no share rule takes it, so the text path's
    # after-article pass does not read it as the furniture that closes the article.
    furniture = ["Home", "Advertisement", "Contact", "Live", "Advertisement", "Back to top", "Contact us",
                 "Advertisement", "Home"]  # fmt: skip
    doc = clean(ctx, "Library stays open", A1, A2, A3, *furniture, A4)
    assert doc.lines == [A1, A2, A3, A4]
    assert dropped(doc)["Live"] == "generic.widgets.media-badge"


def _extracted(ctx: Context, *lines: str) -> Document:
    """The chrome stage on an HTML extractor's text (the HTML path)."""
    doc = Document(id="t", source="t.html", file="t.html", metadata={"format": "html"})
    doc.set_text("\n".join(lines))
    return remove_chrome(doc, ctx.rules, ctx.settings.chrome)


def test_a_see_also_heading_on_extracted_text_keeps_the_notes_after_it(ctx: Context) -> None:
    # A wiki's own sections at the end of the article: the extractor dropped the link list.
    notes = ["See also", "Notes", "1. Counted by the county archive in 2019.", "2. Last repaired in 1962."]
    assert _extracted(ctx, A1, A2, A3, *notes).lines == [A1, A2, A3, *notes]
    # On a whole page's text a "See also" still takes the links that follow it.
    doc = clean(ctx, A1, A2, A3, "See also", "Libraries of the county", "History of the town hall")
    assert dropped(doc)["History of the town hall"] == "generic.related.see-also-section"
    assert _extracted(ctx, A1, A2, A3, "See also:", "Libraries of the county").lines == [A1, A2, A3]


def test_a_german_wiki_section_on_extracted_text_keeps_its_notes(ctx: Context) -> None:
    absatz = [
        "Der Stadtrat hat am Dienstag beschlossen, die alte Bibliothek mindestens fünf weitere Jahre offen zu halten.",
        "Die Bürger hatten mehr als viertausend Unterschriften gegen den geplanten Verkauf des Gebäudes gesammelt.",
        "Nun sucht die Stadt Geld für die Reparatur des undichten Daches, das älter ist als die Bibliothek selbst.",
    ]
    notes = ["Siehe auch", "Einzelnachweise", "- ↑ Zählung des Kreisarchivs, 2019.", "- ↑ Zuletzt 1962 repariert."]
    assert _extracted(ctx, *absatz, *notes).lines == [*absatz, *notes]
    assert _extracted(ctx, *absatz, "Siehe auch:", "Bibliotheken im Landkreis").lines == absatz


def test_a_see_also_block_stops_at_the_articles_own_section_heading(ctx: Context) -> None:
    # On a whole page's text "See also" takes the links after it, but not the footnotes section:
    # "Footnotes" is the article's own heading (generic.sections), so the block ends before it.
    notes = ["Footnotes", "1. Counted by the county archive in 2019, with the help of volunteers."]
    notes.append("2. Last repaired in 1962.")
    doc = clean(ctx, A1, A2, A3, "See also", "Libraries of the county", "History of the town hall", *notes)
    taken = dropped(doc)
    assert taken["History of the town hall"] == "generic.related.see-also-section"
    assert all(taken.get(line) != "generic.related.see-also-section" for line in notes)
    assert notes[1] in doc.lines


def test_a_german_see_also_block_stops_at_einzelnachweise(ctx: Context) -> None:
    absatz = [
        "Der Stadtrat hat am Dienstag beschlossen, die alte Bibliothek mindestens fünf weitere Jahre offen zu halten.",
        "Die Bürger hatten mehr als viertausend Unterschriften gegen den geplanten Verkauf des Gebäudes gesammelt.",
        "Nun sucht die Stadt Geld für die Reparatur des undichten Daches, das älter ist als die Bibliothek selbst.",
    ]
    notes = ["Einzelnachweise", "↑ Zählung des Kreisarchivs, 2019.", "↑ Zuletzt 1962 repariert."]
    doc = clean(ctx, *absatz, "Siehe auch", "Bibliotheken im Landkreis", *notes)
    assert dropped(doc)["Bibliotheken im Landkreis"] == "generic.related.see-also-section"
    assert all(dropped(doc).get(line) != "generic.related.see-also-section" for line in notes)
