"""Chrome removal on small hand-made pages: each test pins one decision of the classifier."""

from __future__ import annotations

import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core import Context, clean_document
from pipeline.document import Document
from pipeline.stages import chrome
from tests.stages.chrome_page import clean, dropped

P1 = "Le conseil municipal a adopté lundi soir le budget primitif de la commune, après trois heures de débats."
P2 = "L'opposition a dénoncé une hausse des tarifs de la cantine, que le maire juge inévitable face à l'inflation."
P3 = "Les travaux de rénovation de l'école commenceront en septembre et dureront au moins deux ans, selon la mairie."


def test_inline_read_also_keeps_the_continuation(ctx: Context) -> None:
    doc = clean(ctx, P1, "Lire aussi :", "Le maire de Lyon annonce sa candidature", P2, P3)
    assert doc.lines == [P1, P2, P3]
    assert dropped(doc)["Le maire de Lyon annonce sa candidature"] == "generic.related.read-also"


def test_read_also_block_with_teaser_lead_of_another_article(ctx: Context) -> None:
    lead = "BRUXELLES, 6 octobre (Xinhua) -- Le secrétaire général a déclaré mardi que la situation restait grave."
    doc = clean(ctx, P1, P2, "Lire aussi :", "L'OTAN s'inquiète", lead)
    assert doc.lines == [P1, P2]
    assert dropped(doc)[lead] == "generic.related.read-also"


def test_subheading_between_paragraphs_stays(ctx: Context) -> None:
    doc = clean(ctx, P1, "Des tarifs en hausse", P2, P3)
    assert doc.lines == [P1, "Des tarifs en hausse", P2, P3]


def test_short_quote_paragraph_stays(ctx: Context) -> None:
    doc = clean(ctx, P1, "« Nous ne lâcherons rien. »", P2)
    assert "« Nous ne lâcherons rien. »" in doc.lines


def test_content_with_chrome_words_stays(ctx: Context) -> None:
    content = "Partager les frais de cantine entre communes : c'est la proposition faite par le maire lundi."
    doc = clean(ctx, P1, content, P2)
    assert content in doc.lines


def test_repeated_article_is_kept_once(ctx: Context) -> None:
    doc = clean(ctx, "Le budget adopté", P1, P2, P3, "Le budget adopté", P1, P2, P3)
    assert doc.lines == [P1, P2, P3]
    assert doc.title == "Le budget adopté"
    assert set(dropped(doc).values()) >= {"generic.context.repeated-paragraph"}


def test_near_duplicate_paragraph_is_kept_once(ctx: Context) -> None:
    near = P1.replace("lundi soir", "lundi").replace("trois heures", "trois longues heures")
    doc = clean(ctx, P1, P2, near)
    assert doc.lines == [P1, P2]
    assert dropped(doc)[near] == "generic.context.near-duplicate"


def test_header_and_footer_chrome(ctx: Context) -> None:
    doc = clean(
        ctx,
        "Accueil > Société > Éducation",
        "Temps de lecture : 3 min",
        "Par Claire Martin",
        P1,
        P2,
        "Partager sur Facebook",
        "Tags : école, budget, cantine",
        "12 commentaires",
        "© 2024 Le Journal. Tous droits réservés.",
    )
    assert doc.lines == [P1, P2]


def test_listing_page_is_emptied(ctx: Context) -> None:
    doc = clean(
        ctx,
        "En Bolivie, la pénurie de carburant paralyse les bus",
        "Les files d'attente s'allongent devant les stations-service de La Paz.",
        "Au Japon, les villages de montagne cherchent des habitants",
        "Des communes offrent une maison pour un yen symbolique aux nouveaux venus.",
        "Au Canada, les feux de forêt menacent encore deux villes",
        "Les pompiers attendent des renforts venus de tout le pays cette semaine.",
    )
    assert doc.lines == []
    assert set(dropped(doc).values()) == {"generic.context.listing"}


def test_a_short_article_with_a_subheading_is_not_a_listing(ctx: Context) -> None:
    """Headline, paragraph, subheading, paragraph: it reads like two teasers, but emptying a short
    article is the worse mistake."""
    article = [
        "Die Stadtbibliothek verlängert ihre Öffnungszeiten",
        "Ab dem ersten März öffnet die Bibliothek an Werktagen bis 21 Uhr, teilte die Stadt mit.",
        "Mehr Personal für den Abendbetrieb",
        "Für die späten Stunden stellt die Stadt zwei zusätzliche Mitarbeiter ein.",
    ]
    doc = clean(ctx, *article)
    assert "generic.context.listing" not in dropped(doc).values()
    assert doc.lines[-3:] == article[1:]


def test_site_pack_applies_to_detected_site(ctx: Context) -> None:
    doc = clean(ctx, "International", "URL courte", "3310010", "S'abonner", P1, P2)
    assert doc.site == "sputnik"
    assert dropped(doc)["URL courte"] == "site.sputnik.short-url"
    assert doc.lines == [P1, P2]


def test_markers_of_two_sites_settle_in_one_cleaning(ctx: Context) -> None:
    """Sputnik and VOV markers tie (no site); the generic rules drop "Selon VOV", after which the
    page points to Sputnik: its rules apply in the same cleaning, so cleaning again changes nothing."""
    doc = clean(ctx, P1, "URL courte", P2, "Selon VOV")
    assert dropped(doc) == {"Selon VOV": "generic.meta.source-line", "URL courte": "site.sputnik.short-url"}
    assert doc.lines == [P1, P2]
    again = clean(ctx, *doc.lines)
    assert again.lines == doc.lines and not again.events


def test_a_given_site_is_not_second_guessed(ctx: Context) -> None:
    doc = clean(ctx, P1, "URL courte", P2, "Selon VOV", site="vov")
    assert doc.site == "vov" and "URL courte" in doc.lines


def test_every_drop_names_a_rule_of_a_pack(ctx: Context) -> None:
    doc = clean(ctx, "Publicité", P1, "Lire aussi:", "Un titre", "Tags:", "a, b, c", P2, "Voir plus", "x y z")
    ids = ctx.rules.rule_ids()
    assert all(e.rule in ids for e in doc.events if e.action == "drop")


MENU = ["Accueil", "Monde", "Europe", "Politique", "Économie", "Culture", "Sport", "Sciences", "Santé", "Vidéos"]
OTHER = "Un autre article : la région a voté hier soir un plan d'aide aux agriculteurs touchés par la sécheresse."


def test_a_to_end_heading_after_the_article_takes_the_rest(ctx: Context) -> None:
    doc = clean(ctx, P1, P2, P3, "Sur le même sujet", "Le maire de Lyon annonce sa candidature", OTHER)
    assert doc.lines == [P1, P2, P3]
    assert dropped(doc)[OTHER] == "generic.related.related-section-end"


def test_a_to_end_heading_in_a_menu_above_the_article_does_not_erase_it(ctx: Context) -> None:
    doc = clean(ctx, *MENU, "Sur le même sujet", "Le maire de Lyon annonce sa candidature", P1, P2, P3)
    assert doc.lines[-3:] == [P1, P2, P3]
    assert dropped(doc)["Sur le même sujet"] == "generic.related.related-section-end"


def model_decisions(ctx: Context, probs: dict[str, float]) -> dict[str, str | None]:
    from pipeline.stages import line_model
    from pipeline.stages.chrome import _line

    model = line_model.load_model(ctx.settings.chrome.line_model)
    assert model is not None
    lines = [_line(text, ctx.settings.chrome) for text in probs]
    for line, prob in zip(lines, probs.values(), strict=True):
        line.prob = prob
    dropped = dict(line_model.drops(lines, model, extracted=False, long_words=ctx.settings.chrome.long_min_words))
    return {line.text: line_model.ROLE if i in dropped else None for i, line in enumerate(lines)}


def test_the_line_model_drops_a_sentence_it_doubts_when_others_stay(ctx: Context) -> None:
    body = f"{P3} {P2}"  # the sentence-like lines left hold MIN_SENTENCE_WORDS words or more
    # (P1 after the article's opening paragraph: the model never drops that one)
    rules = model_decisions(ctx, {"Menu": 0.01, P2: 0.95, P1: 0.01, body: 0.95})
    assert rules == {"Menu": "line-model", P2: None, P1: "line-model", body: None}


def test_a_sentence_the_model_was_sure_of_in_an_earlier_run_stays_in_a_later_one(ctx: Context) -> None:
    from pipeline.stages import line_model
    from pipeline.stages.chrome import _line
    from pipeline.stages.lines import _again

    model = line_model.load_model(ctx.settings.chrome.line_model)
    assert model is not None
    body = f"{P3} {P2}"
    lines = [_line(text, ctx.settings.chrome) for text in ("Menu", P2, body, P1)]  # (the opening paragraph never goes)
    line_model.score_lines(lines, model, extracted=False, long_words=ctx.settings.chrome.long_min_words)
    sure = [line.sure for line in lines]
    assert sure == [False, True, True, True]  # sentence-like lines, p >= keep_above
    lines = [_again(line) for line in lines]  # the next run: the neighbours changed, P1 is now doubted
    for line, prob in zip(lines, (0.01, 0.95, 0.95, 0.01), strict=True):
        line.prob = prob
    dropped = dict(line_model.drops(lines, model, extracted=False, long_words=ctx.settings.chrome.long_min_words))
    assert sorted(dropped) == [0]
    lines[3].sure = False  # (without the earlier run's belief, it goes)
    assert sorted(dict(line_model.drops(lines, model, False, ctx.settings.chrome.long_min_words))) == [0, 3]


def test_the_line_model_alone_never_leaves_a_page_a_few_words(ctx: Context) -> None:
    # P2 alone (18 words) is under MIN_SENTENCE_WORDS: the doubted sentence stays with it
    rules = model_decisions(ctx, {"Menu": 0.01, P2: 0.95, P1: 0.01})
    assert rules == {"Menu": "line-model", P2: None, P1: None}


def test_the_line_model_alone_never_erases_every_sentence(ctx: Context) -> None:
    rules = model_decisions(ctx, {"Menu": 0.01, P1: 0.01, "Contact": 0.01})
    assert rules == {"Menu": "line-model", P1: None, "Contact": "line-model"}


def test_headlines_joined_by_unwrapping_go_with_their_read_also_block(ctx: Context) -> None:
    # Wrapped at 60 columns without blank lines, each headline ends within a word of the width, so
    # unwrapping joins them into one paragraph; judged by its input lines, it is still headlines.
    headlines = ["Le maire de Lyon annonce un plan pour les pistes cyclables",
                 "Grenoble teste la gratuité des transports pour les lycéens",
                 "Marseille ouvre trois écoles dans les quartiers nord"]  # fmt: skip
    wrapped = [*textwrap.wrap(P1, 60), *textwrap.wrap(P2, 60), "Lire aussi :", *headlines, *textwrap.wrap(P3, 60)]
    doc = clean_document(Document(id="w", source="w.txt", file="w.txt"), "\n".join(wrapped), ctx)
    assert doc.metadata["layout"] == "wrapped" and doc.lines == [P1, P2, P3]
    (event,) = [e for e in doc.events if e.text == " ".join(headlines)]
    assert event.rule == "generic.related.read-also" and "(3 headlines joined by unwrapping)" in event.reason


def test_a_long_paragraph_after_a_read_also_block_is_not_taken_for_joined_headlines(ctx: Context) -> None:
    # Too long for a headline and without a sentence end, as the joined headlines; but its wrapped
    # lines go on in lower case, as prose does.
    prose = ("Selon la préfecture, la circulation restera difficile dans le centre jusqu'à la fin des "
             "travaux de voirie prévue pour le mois de novembre si la météo le permet et si les "
             "entreprises tiennent leurs délais")  # fmt: skip
    wrapped = [*textwrap.wrap(P1, 60), "Lire aussi :", "Le maire de Lyon annonce sa candidature",
               *textwrap.wrap(prose, 60), *textwrap.wrap(P2, 60), *textwrap.wrap(P3, 60)]  # fmt: skip
    doc = clean_document(Document(id="p", source="p.txt", file="p.txt"), "\n".join(wrapped), ctx)
    assert len(doc.joins) == 4 and prose in doc.lines


E1 = "We spent three weekends testing family tents in the rain, and only two of them kept everyone dry."
E2 = "The cheaper tents leaked at the seams after the first night, so we would not take them on a long trip."


def test_a_subheading_or_a_list_beside_inline_furniture_stays(ctx: Context) -> None:
    # A photo credit or a shop button sits inside articles: its drop says nothing of where the
    # article ends (`inline = true` in the packs), so the short lines beside it are still judged
    # between paragraphs and stay.
    caption = "Le maire lors du conseil municipal. (Photo : AP)"
    doc = clean(ctx, P1, "Des tarifs en hausse", caption, P2, P3)
    assert doc.lines == [P1, "Des tarifs en hausse", P2, P3]
    assert dropped(doc)[caption] == "generic.meta.photo-caption-credit"
    items = ["What to pack", "A sturdy tent", "Two sleeping bags", "A camping stove"]
    doc = clean(ctx, E1, *items, "Buy it on Gearshop", E2)
    assert doc.lines == [E1, *items, E2]
    assert dropped(doc) == {"Buy it on Gearshop": "generic.ads.shop-buttons"}


def test_a_headline_beside_a_related_box_still_goes(ctx: Context) -> None:
    # A related box that ends the article is not inline furniture: the headline above it is
    # another article's.
    headline = "Le maire de Lyon annonce sa candidature"
    doc = clean(ctx, P1, P2, headline, "Sur le même sujet", "Les écoles de la ville fermées lundi", P3)
    assert doc.lines == [P1, P2]
    assert dropped(doc)[headline] == "generic.context.isolated-short"


RAIL_ARTICLE = (
    "Der Stadtrat hat am Dienstag nach langer Debatte die Sanierung der Grundschule am Markt beschlossen.",
    "Das Gebäude aus dem Jahr 1911 gilt seit Langem als Sorgenkind, weil Fenster und Heizung marode sind.",
    "Die Arbeiten sollen im Sommer beginnen und nach Plan zu den Herbstferien 2027 abgeschlossen sein.",
)


def test_a_rail_of_ranked_headlines_above_the_title_leaves_the_title(ctx: Context) -> None:
    # The rail's rank numbers do not end its block, and the block stops at the title over the lead.
    rail = ("Meistgelesen", "1", "Neue Kita am Stadtpark öffnet im Frühjahr", "2", "Bürgermeister kündigt Sperre an")
    doc = clean(ctx, *rail, "Stadtrat beschließt Sanierung der Grundschule", *RAIL_ARTICLE)
    assert doc.title == "Stadtrat beschließt Sanierung der Grundschule"
    assert doc.lines == list(RAIL_ARTICLE)
    assert dropped(doc)["Bürgermeister kündigt Sperre an"] == "generic.related.related-section-intl"


def test_a_ticker_after_the_article_goes_with_its_times(ctx: Context) -> None:
    ticker = ("Newsticker", "18:45", "Unfall auf der A7: Vollsperrung", "18:12", "Trainer nach Niederlage entlassen")
    doc = clean(ctx, "Stadtrat beschließt Sanierung", *RAIL_ARTICLE, *ticker)
    assert doc.lines == list(RAIL_ARTICLE)
    assert dropped(doc)["Trainer nach Niederlage entlassen"] != "generic.context.isolated-short"


def test_a_box_inside_the_article_takes_its_last_headline_before_a_paragraph(ctx: Context) -> None:
    # Only a block above the whole article spares the headline over a paragraph (the title).
    box = ("Mehr zum Thema", "Schulbau: Warum die Kosten explodieren", "Container statt Klassenzimmer")
    doc = clean(ctx, "Stadtrat beschließt Sanierung", RAIL_ARTICLE[0], *box, *RAIL_ARTICLE[1:])
    assert doc.lines == list(RAIL_ARTICLE)
    assert dropped(doc)["Container statt Klassenzimmer"] == "generic.related.read-also-intl"


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("-*•·–—▪►✓ \u00a0\tab"), max_size=12))
def test_unbulleted_is_the_list_item_pattern(key: str) -> None:
    marker = chrome._LIST_ITEM.match(key) if len(key) < 60 else None
    assert chrome._unbulleted(key) == (key[marker.end() :] if marker else None)


def test_subheadings_numbered_alike_over_one_sentence_each_are_no_listing(ctx: Context) -> None:
    """The phases of a building plan, each a subheading over one sentence, read as a page of
    teasers and the page was emptied as a listing, on both paths. Headings numbered alike
    ("Phase 1:", "Phase 2:") are an article's sections; without the numbers, a page of teasers
    (an index page, on the HTML path too: the dev sets' section pages) stays a listing."""
    phases = [
        "Phase 1: Rodung und Vermessung (Januar bis März 2027)",
        "Entlang der künftigen Trasse werden Bäume gefällt und die Fläche wird vermessen.",
        "Phase 2: Brücke über die Seeve (April bis Dezember 2027)",
        "Die neue Brücke entsteht neben der alten, die bis zum Schluss befahrbar bleibt.",
        "Phase 3: Fahrbahn und Anschlüsse (2028)",
        "Die Fahrbahn wird gebaut und an die B75 und die K12 angeschlossen.",
    ]
    teasers = [p.split(": ", 1)[1] if i % 2 == 0 else p for i, p in enumerate(phases)]
    for fmt in ("html", "txt"):  # (the text path's first heading, numbered like the others: no title)
        doc = Document(id="t", source=f"t.{fmt}", file=f"t.{fmt}", metadata={"format": fmt})
        doc.set_text("\n".join(phases))
        chrome.remove_chrome(doc, ctx.rules, ctx.settings.chrome)
        assert doc.lines == phases
        doc = Document(id="t", source=f"t.{fmt}", file=f"t.{fmt}", metadata={"format": fmt})
        doc.set_text("\n".join(teasers))
        chrome.remove_chrome(doc, ctx.rules, ctx.settings.chrome)
        assert set(dropped(doc).values()) == {"generic.context.listing"}
