"""Unwrapping cues for ambiguous breaks, wrapped pages of short lines, and wrapped Markdown as
html2text writes it (quotes, broken link titles, URLs on lines of their own, overflowing lines)."""

from __future__ import annotations

import textwrap

from pipeline.settings import LayoutSettings
from pipeline.stages.layout import WRAPPED, detect
from pipeline.stages.markdown import LINK_LINE, OPTIONS, SCRIPT, options_like, script_like, to_blocks
from pipeline.stages.unwrap import dateline, open_quote, sentence_paragraphs, unwrap
from tests.stages.test_layout import P1, P2, P3

S = LayoutSettings()
WORDS = [
    "et",
    "la",
    "commune",
    "a",
    "voté",
    "ce",
    "texte",
    "sans",
    "grand",
    "débat",
    "ni",
    "vote",
    "contre",
    "lors",
    "de",
    "sa",
    "séance",
    "du",
    "soir",
]


def ending_at(start: str, width: int, then: str) -> str:
    """`start` and a few words more, so that its last wrapped line ends so near `width` that the
    word `then` would not have fitted after it: the break is ambiguous."""
    for n in range(1, len(WORDS)):
        for k in range(n, len(WORDS)):
            text = f"{start} {' '.join(WORDS[n : k + 1])}."
            last = textwrap.wrap(text, width)[-1]
            if len(last) + 1 + len(then) > width >= len(last):
                return text
    raise AssertionError("no ending found")


def lines_of(paragraphs: list[str], width: int) -> list[str]:
    return [line for p in paragraphs for line in textwrap.wrap(p, width)]


def test_short_paragraphs_make_an_ambiguous_break_after_a_sentence_a_paragraph_end() -> None:
    first = ending_at("Le budget a été adopté lundi soir après un long débat", 60, "La")
    paragraphs = [first, P2, P1, P3, P2, P1]  # one sentence each
    lines = lines_of(paragraphs, 60)
    assert sentence_paragraphs(lines, 60)
    assert [b.text for b in unwrap(lines, list(range(len(lines))), 60)] == paragraphs


def test_long_paragraphs_keep_an_ambiguous_break_after_a_sentence_a_wrapped_line() -> None:
    # Paragraphs of many sentences: most sentence ends fall inside lines, so a line ending with
    # a sentence end is a line break inside a paragraph far more often than a paragraph end.
    inner = ending_at("Le budget a été adopté lundi soir après un long débat", 60, "Le")
    long = [f"{inner} {P1} {P2} {P3}", f"{P3} {P2} {P1} {P2}"]
    lines = lines_of(long, 60)
    assert not sentence_paragraphs(lines, 60)
    assert [b.text for b in unwrap(lines, list(range(len(lines))), 60)] == long


def test_no_paragraph_ends_inside_an_open_quotation() -> None:
    quoted = ending_at('"Nous avons tenu nos engagements envers les habitants', 60, "Nous")
    said = '" a déclaré la maire, à la sortie du conseil municipal, devant la presse.'
    paragraphs = [quoted + " Nous tiendrons ceux de demain, sans hausse des impôts" + said, P1, P2, P3]
    lines = lines_of(paragraphs, 60)
    assert open_quote(quoted) and not open_quote(quoted + said)
    assert [b.text for b in unwrap(lines, list(range(len(lines))), 60)] == paragraphs


def test_a_page_of_short_lines_with_one_wrapped_paragraph_is_wrapped() -> None:
    menu = ["Accueil", "Politique", "Sport", "Culture", "Météo", "Partager", "Imprimer", "Contact", "Plan du site"] * 8
    heads = ["Le marché de Noël ouvre samedi", "Travaux rue de la Gare", "Un nouveau club de judo"] * 6
    lines = [*menu[:5], *heads, *textwrap.wrap(P1 + " " + P2, 76), *menu[5:], *heads]
    layout = detect(lines, S)
    assert layout.kind == WRAPPED and 70 <= (layout.width or 0) <= 76, layout
    # one block a line: the same lines, the paragraph whole, are left alone
    assert detect([*menu[:5], *heads, P1 + " " + P2, *menu[5:], *heads], S).kind == "lines"
    assert detect([*lines[:-3], "Nous suivre", "Newsletter"], S).kind == WRAPPED


def test_wrapped_markdown_quotes_titles_and_urls() -> None:
    quote = ["> " + line for line in textwrap.wrap(P1, 76)]
    quote[1] = "> [@conseil](https://exemple.org/conseil-municipal) " + quote[1][2:]  # a link in a quote
    titled = ['Voir [le rapport](https://exemple.org/r.pdf "Le rapport', 'annuel") du conseil.']
    url = ["Selon le compte rendu publié par [la", "mairie](https://exemple.org/" + "x" * 70 + ") hier soir."]
    lines = ["# Conseil", "", *textwrap.wrap(P2, 78), "", *quote, "", *titled, "", *url, "", *textwrap.wrap(P3, 78)]
    blocks, _ = to_blocks(lines, 78, S)
    texts = [b.text for b in blocks]
    assert texts[2] == P1.replace(textwrap.wrap(P1, 76)[1], "@conseil " + textwrap.wrap(P1, 76)[1])
    assert texts[3:5] == ["Voir le rapport du conseil.", "Selon le compte rendu publié par la mairie hier soir."]


def test_a_list_item_of_links_is_a_link_line() -> None:
    tags = ", ".join(f"[{w}](/tag/{w})" for w in ("budget", "mairie", "travaux", "sport"))
    lines = ["# Titre", "", P1, "", "      * " + tags, "", P2]
    blocks, events = to_blocks(lines, None, S)
    assert [b.text for b in blocks] == ["Titre", P1, P2]
    assert [e.rule for e in events] == [LINK_LINE]


def test_markdown_code_sets_no_width_and_lines_piling_up_set_it() -> None:
    body = [line for p in (P1, P2, P3, P2, P1, P3) for line in [*textwrap.wrap(p, 78), ""]]
    # html2text overflows its width now and then (curly quotes, list indents): lines of 80 columns
    over = [f"« {p[:76]} »" for p in (P1, P2)]
    code = ["```", *("x" * 20 + " = " + "y" * n for n in range(60, 80)), "```", ""]
    layout = detect(["# Titre", "", "**Par la rédaction**", "", *code, *body, *over, "", *body, *code], S)
    assert layout.width is not None and 76 <= layout.width <= 78, layout


def test_the_options_of_a_drop_down_list_are_chrome() -> None:
    month_names = ["Janvier", "Février", "Mars", "Avril", "Mai", "Juin", "Juillet", "Août", "Septembre"]
    months = "  ".join(f"{m} 2014" for m in month_names)
    names = "Allure Architectural Digest Bon Appetit Brides Conde Nast Traveler Details Glamour Golf Digest GQ Self"
    select = [f"Archives Choisir un mois {months}", "", f"Nos sites \\- - - - {names} Lucky Vogue W"]
    lines = ["# Titre", "", P1, "", *select, "", P2]
    blocks, events = to_blocks(lines, None, S)
    assert [b.text for b in blocks] == ["Titre", P1, P2]
    assert [(e.rule, e.line) for e in events] == [(OPTIONS, 5), (OPTIONS, 7)]
    # a list of names written as prose, and prose, stay
    cast = ", ".join(["Jeanne Martin", "Paul Durand", "Anne Petit", "Louis Moreau", "Claire Roux", "Marc Blanc"] * 2)
    assert not options_like(f"Avec {cast}.") and not options_like(P1 + " " + P2)


def test_a_script_let_through_as_text_is_chrome_but_code_an_article_shows_stays() -> None:
    leaked = "var page_type = 'article'; if (window.ads) { window.ads.load(function() { show(); }); }"
    shown = ["Pour lire la réponse :", "", "    var res = await fetch(url);", "    var data = res.json();"]
    lines = ["# Titre", "", P1, "", leaked, "", *shown, "", P2]
    blocks, events = to_blocks(lines, None, S)
    texts = [b.text for b in blocks]
    assert leaked not in texts and "var res = await fetch(url); var data = res.json();" in " ".join(texts)
    assert [(e.rule, e.line) for e in events] == [(SCRIPT, 5)]
    assert not script_like(P1) and not script_like("Appelez la fonction fetch() avec l'adresse (var = URL).")


def test_a_dateline_starts_a_paragraph_where_the_break_is_ambiguous() -> None:
    assert dateline("NEW YORK, March 3 (Reuters) - Shares rose")
    assert dateline("PARIS, 5 mars (AFP) — Le gouvernement")
    assert dateline("SAN DIEGO -- The county said")
    assert not dateline("HTML – which is one line – then")  # an acronym in a sentence
    assert not dateline("Le MONDE - un titre")
    # "Headline without a stop" then a dispatch: the dispatch's first word would not have fitted.
    lines = ["Ministers meet again on the border question next week", "BERLIN, 4 May (Reuters) - The talks resumed."]
    blocks = unwrap(lines, [1, 2], len(lines[0]) + 3)
    assert [b.text for b in blocks] == lines
