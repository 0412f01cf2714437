"""Chrome removal in the languages of real crawls: hand-written pages in German (most of the
outside benchmark), Spanish, Italian, Dutch, Polish, Portuguese and Russian. The chrome between
the paragraphs goes with the rule of its family; sentences that use the same words stay."""

from __future__ import annotations

import pytest

from pipeline.core import Context
from pipeline.rules.features import LineFeatures, line_key
from tests.stages.chrome_page import clean, dropped

DE = [
    "Der Stadtrat hat am Montagabend nach langer Debatte den Haushalt für das kommende Jahr beschlossen.",
    "Die Opposition kritisierte vor allem die höheren Gebühren für Kitas, die der Bürgermeister verteidigte.",
    "Die Sanierung der Grundschule soll im September beginnen und mindestens zwei Jahre dauern.",
]
# Content that uses chrome words: it must stay wherever it stands.
DE_CONTENT = [
    "Teilen sich die Eltern die Betreuung, sinkt nach der Studie das Armutsrisiko deutlich.",
    "Lesen Sie auch die Stellungnahme des Ministeriums, riet der Anwalt seinen Mandanten am Telefon.",
    "Die Verbraucherschützer verklagten den Konzern, weil er Cookies ohne Einwilligung gesetzt habe.",
    "Anzeige gegen den Bürgermeister erstattete am Montag ein Anwohner wegen der Baustelle.",
    "Kommentare von Lesern zum Streit um die Schule erreichten die Redaktion zu Hunderten.",
    "Abonnieren wollte den Kanal kaum jemand, bis das Video des Jugendlichen viral ging.",
    "Die Rechte an dem Foto hat sich die Agentur vorbehalten, sagte ein Sprecher der Stadt.",
    "Weitere Artikel des Grundgesetzes sollen nach dem Willen der Koalition geändert werden.",
]


def test_german_chrome_between_paragraphs_goes(ctx: Context) -> None:
    chrome = {
        "Teilen": "generic.share.share-intl",
        "Anzeige": "generic.ads.ad-label-intl",
        "Folgen Sie uns auf Instagram": "generic.share.follow-intl",
        "Wir verwenden Cookies, um Inhalte und Anzeigen zu personalisieren und Zugriffe zu analysieren.": (
            "generic.consent.cookie-notice-intl"
        ),
        "Lesezeit: 3 Min.": "generic.meta.reading-time-intl",
    }
    lines = [list(chrome)[3], DE[0], "Teilen", "Lesezeit: 3 Min.", DE[1], "Anzeige", DE_CONTENT[0]]
    lines += ["Folgen Sie uns auf Instagram", DE[2], *chrome_tail()]
    doc = clean(ctx, *lines)
    assert doc.lines == [DE[0], DE[1], DE_CONTENT[0], DE[2]]
    got = dropped(doc)
    for text, rule in chrome.items():
        assert got[text] == rule, text
    assert got["Schreibe einen Kommentar"] == "generic.comments.comment-section-end"
    assert got[chrome_tail()[2]] == "generic.comments.comment-section-end"  # a reader's comment


def chrome_tail() -> list[str]:
    """A comment section after the article: its heading takes everything after it."""
    return [
        "Schreibe einen Kommentar",
        "Deine E-Mail-Adresse wird nicht veröffentlicht. Erforderliche Felder sind mit * markiert",
        "Ein Leser meint, der Haushalt sei viel zu knapp bemessen und die Schule brauche mehr Geld.",
    ]


def test_german_read_also_block_takes_its_headlines(ctx: Context) -> None:
    doc = clean(ctx, DE[0], DE[1], "Lesen Sie auch:", "Neue Radwege für die Innenstadt", DE[2])
    assert doc.lines == [DE[0], DE[1], DE[2]]
    assert dropped(doc)["Neue Radwege für die Innenstadt"] == "generic.related.read-also-intl"


def test_german_content_with_chrome_words_stays(ctx: Context) -> None:
    doc = clean(ctx, DE[0], *DE_CONTENT, DE[1], DE[2])
    assert doc.lines == [DE[0], *DE_CONTENT, DE[1], DE[2]]


@pytest.mark.parametrize(
    ("paragraphs", "chrome"),
    [
        (
            [
                "El ayuntamiento aprobó el lunes por la noche el presupuesto del próximo año tras un largo debate.",
                "La oposición criticó sobre todo la subida de las tasas de las guarderías municipales.",
            ],
            ["Compartir en WhatsApp", "Publicidad", "Lee también:", "Cinco rutas por los Pirineos", "Responder"],
        ),
        (
            [
                "Il consiglio comunale ha approvato lunedì sera il bilancio del prossimo anno dopo un lungo dibattito.",
                "L'opposizione ha criticato soprattutto l'aumento delle tariffe degli asili comunali.",
            ],
            ["Condividi su Facebook", "Pubblicità", "Leggi anche:", "Il nuovo piano per le periferie", "Rispondi"],
        ),
        (
            [
                "De gemeenteraad heeft maandagavond na een lang debat de begroting voor volgend jaar goedgekeurd.",
                "De oppositie had vooral kritiek op de hogere tarieven voor de gemeentelijke kinderopvang.",
            ],
            ["Deel dit artikel", "Advertentie", "Lees ook:", "Nieuwe fietspaden in het centrum", "Reageer"],
        ),
        (
            [
                "Rada miasta przyjęła w poniedziałek wieczorem budżet na przyszły rok po długiej debacie.",
                "Opozycja skrytykowała przede wszystkim wyższe opłaty za miejskie żłobki i przedszkola.",
            ],
            ["Udostępnij", "Reklama", "Czytaj też:", "Nowe ścieżki rowerowe w centrum", "Odpowiedz"],
        ),
        (
            [
                "A câmara municipal aprovou na segunda-feira à noite o orçamento do próximo ano após um longo debate.",
                "A oposição criticou sobretudo o aumento das taxas das creches municipais da cidade.",
            ],
            ["Compartilhe", "Publicidade", "Leia também:", "Novas ciclovias no centro da cidade", "Responder"],
        ),
        (
            [
                "Городской совет в понедельник вечером после долгих дебатов утвердил бюджет на следующий год.",
                "Оппозиция прежде всего раскритиковала повышение платы за муниципальные детские сады.",
            ],
            ["Поделиться", "Реклама", "Читайте также:", "Новые велодорожки в центре города", "Ответить"],
        ),
    ],
    ids=["es", "it", "nl", "pl", "pt", "ru"],
)
def test_chrome_in_other_languages_goes(ctx: Context, paragraphs: list[str], chrome: list[str]) -> None:
    share, ad, read_also, headline, reply = chrome
    doc = clean(ctx, paragraphs[0], share, ad, read_also, headline, paragraphs[1], reply)
    assert doc.lines == paragraphs
    assert set(dropped(doc)) == set(chrome)
    assert not any(rule.startswith("generic.context.") for rule in dropped(doc).values())


def test_no_rule_takes_german_content_sentences(ctx: Context) -> None:
    matcher = ctx.rules.matcher(None)
    for text in DE_CONTENT:
        feats = LineFeatures.of(text)
        feats.pos = 0.5
        assert matcher.first(line_key(text), feats, "body") is None, text


def test_blog_engine_furniture_goes_and_the_comment_thread_with_it(ctx: Context) -> None:
    """A blog engine's share/like row, author box and filing line between article and comments,
    then a comment count low in the page: the thread after it and its form go to the end."""
    chrome = {
        "Teilen mit:": "generic.share.blog-share-like",
        "Klicken, um auf Pinterest zu teilen (Wird in neuem Fenster geöffnet)": "generic.share.blog-share-like",
        "Gefällt mir Wird geladen …": "generic.share.blog-share-like",
        "Veröffentlicht in Allgemein": "generic.widgets.entry-meta",
        "Verfasst von": "generic.widgets.author-box",
        "4 Kommentare": "generic.comments.comment-section-end",
        "Mit der Nutzung dieses Formulars erklärst du dich mit der Speicherung deiner Daten einverstanden.": (
            "generic.comments.comment-section-end"
        ),
    }
    lines = [DE[0], DE[1], DE_CONTENT[0], DE[2], *list(chrome)[:5], "4 Kommentare", "Eine Leserin:"]
    lines += ["Danke für den Bericht, bei uns im Ort ist es genauso.", list(chrome)[6]]
    doc = clean(ctx, *lines)
    assert doc.lines == [DE[0], DE[1], DE_CONTENT[0], DE[2]]
    got = dropped(doc)
    for text, rule in chrome.items():
        assert got[text] == rule, text
    assert got["Danke für den Bericht, bei uns im Ort ist es genauso."] == "generic.comments.comment-section-end"


def test_footer_and_consent_form_lines_go(ctx: Context) -> None:
    doc = clean(ctx, DE[0], DE[1], DE[2], "Stolz präsentiert von WordPress", "Bewertung: 4,5 von 5 Sternen")
    assert doc.lines == [DE[0], DE[1], DE[2]]
    got = dropped(doc)
    assert got["Stolz präsentiert von WordPress"] == "generic.widgets.powered-by"
    assert got["Bewertung: 4,5 von 5 Sternen"] == "generic.widgets.rating-widget"


def test_german_news_furniture_inside_the_article_goes(ctx: Context) -> None:
    """Labels, prompts and links a news page puts between or under its paragraphs: each goes
    with its rule, even where the context pass would keep a short line (between paragraphs)."""
    chrome = {
        "Eilmeldung": "generic.widgets.news-label",
        "Zur Startseite": "generic.widgets.home-link",
        "Jetzt in der App lesen": "generic.widgets.app-prompt",
        "Gesponserter Inhalt": "generic.ads.sponsored-intl",
        "Hat Ihnen der Artikel gefallen?": "generic.widgets.rating-prompt",
        "Fehler gefunden? Jetzt melden.": "generic.widgets.error-report",
        "Datenschutz": "generic.consent.cookie-settings-intl",
        "Diese Seite steht unter einer Creative-Commons-Lizenz.": "generic.meta.licence-line",
    }
    for text, rule in chrome.items():
        doc = clean(ctx, DE[0], DE[1], text, DE[2], DE_CONTENT[0])
        assert doc.lines == [DE[0], DE[1], DE[2], DE_CONTENT[0]], text
        assert dropped(doc)[text] == rule, text
    # (what follows a comment widget is read as the thread: this one stands under the article)
    doc = clean(ctx, DE[0], DE[1], DE[2], "Zum Kommentieren bitte anmelden.")
    assert dropped(doc)["Zum Kommentieren bitte anmelden."] == "generic.comments.comment-login"


def test_teasers_cut_short_and_comment_headers_go(ctx: Context) -> None:
    teaser = "Die Stadtwerke erhöhen zum Jahresbeginn die Preise für Fernwärme und Strom. Mehr…"
    header = "Am 12. Juni 2022 um 18:40 schrieb Petra K.:"
    doc = clean(ctx, DE[0], DE[1], DE[2], "Auch auf unserer Seite:", "Neue Buslinie ab Montag", teaser, DE_CONTENT[0])
    assert doc.lines == [DE[0], DE[1], DE[2], DE_CONTENT[0]]
    got = dropped(doc)
    assert got[teaser] == "generic.related.teaser-more-tail"
    assert got["Auch auf unserer Seite:"] == got["Neue Buslinie ab Montag"] == "generic.related.more-on-topic-intl"
    assert dropped(clean(ctx, DE[0], DE[1], header, DE[2]))[header] == "generic.comments.comment-header"


@pytest.mark.parametrize(
    ("prompt", "consent"),
    [
        (
            "Jeden Freitag die besten Geschichten der Woche direkt in Ihr Postfach.",
            "Mit dem Absenden stimmen Sie der Speicherung Ihrer Angaben gemäß unserer Datenschutzerklärung zu.",
        ),
        (
            "Get our weekly roundup delivered straight to your inbox.",
            "By subscribing, you agree to our Terms of Service and acknowledge our Privacy Policy.",
        ),
        (
            "Los mejores reportajes de la semana en tu bandeja de entrada",
            "Al suscribirte aceptas la política de privacidad y el aviso legal.",
        ),
        (
            "Le storie più lette della settimana nella tua casella di posta",
            "Iscrivendoti accetti i termini del servizio.",
        ),
    ],
)
def test_newsletter_box_under_the_article_goes(ctx: Context, prompt: str, consent: str) -> None:
    """A mailing list's box under the article: its promise and its form's consent line go with
    their rules; a sentence about an inbox or a sign-up stays."""
    kept = "Der Brief landete in ihrem Postfach, obwohl er an den Nachbarn adressiert war."
    doc = clean(ctx, DE[0], DE[1], DE[2], kept, prompt, consent)
    assert doc.lines == [DE[0], DE[1], DE[2], kept]
    got = dropped(doc)
    assert got[prompt] == "generic.share.inbox-prompt"
    assert got[consent] == "generic.share.signup-consent"


def test_buttons_banners_and_discussion_heading_go(ctx: Context) -> None:
    """A product page's buttons between paragraphs, a government site's banner above the
    article, and a discussion heading under it (the thread after it goes with it)."""
    banner = ["An official website of the United States government", "Here’s how you know"]
    thread = ["Diskutieren Sie mit!", "Das sehe ich ganz anders, die Gebühren waren lange überfällig."]
    doc = clean(ctx, *banner, DE[0], "Jetzt loslegen", DE[1], "Book a demo", DE[2], DE_CONTENT[0], *thread)
    assert doc.lines == [DE[0], DE[1], DE[2], DE_CONTENT[0]]
    got = dropped(doc)
    assert got[banner[0]] == got[banner[1]] == "generic.widgets.gov-banner"
    assert got["Jetzt loslegen"] == got["Book a demo"] == "generic.widgets.call-to-action"
    assert got[thread[0]] == got[thread[1]] == "generic.comments.comment-section-end"


def test_search_prompt_cart_and_required_mark_go(ctx: Context) -> None:
    chrome = ["Wonach suchen Sie?", "Ihr Warenkorb ist leer", "* Pflichtfelder", "In diesem Artikel"]
    for text in chrome:
        doc = clean(ctx, DE[0], DE[1], text, DE[2], DE_CONTENT[0])
        assert doc.lines == [DE[0], DE[1], DE[2], DE_CONTENT[0]], text
    got = dropped(clean(ctx, DE[0], DE[1], chrome[0], DE[2], chrome[1], DE_CONTENT[0], chrome[2]))
    assert got[chrome[0]] == got[chrome[1]] == got[chrome[2]] == "generic.widgets.search-cart-form"
    assert dropped(clean(ctx, chrome[3], DE[0], DE[1]))[chrome[3]] == "generic.widgets.table-of-contents"


def test_agency_feed_and_republish_notices_go(ctx: Context) -> None:
    notice = (
        "NEWSWIRE hat diese Meldung redaktionell nicht bearbeitet. Sie wurde automatisch von einer Agentur übernommen."
    )
    republish = "Republish our articles for free, online or in print."
    doc = clean(ctx, DE[0], DE[1], DE[2], notice, DE_CONTENT[0], republish)
    assert doc.lines == [DE[0], DE[1], DE[2], DE_CONTENT[0]]
    got = dropped(doc)
    assert got[notice] == got[republish] == "generic.meta.syndication-notice"


def test_buttons_as_list_items_go_but_lists_of_content_stay(ctx: Context) -> None:
    """A share button rendered as a list item ("- Teilen") is the same button; a list item that is
    content stays, and a bulleted related-links heading does not take the list after it."""
    doc = clean(
        ctx,
        DE[0],
        "- Teilen",
        "* Drucken",
        DE[1],
        "- Lesen Sie auch:",
        "- Die Sanierung der Grundschule beginnt",
        DE[2],
    )
    assert dropped(doc) == {"- Teilen": "generic.share.share-intl", "* Drucken": "generic.share.share-intl"}


def test_a_comment_form_high_on_the_page_takes_the_sidebar_after_it_but_a_jump_link_keeps_the_article(
    ctx: Context,
) -> None:
    sidebar = ["Suche", "Neueste Beiträge", "Herbst am Okerstausee", "Archiv", "November 2026", "Kategorien"] * 4
    form = [
        "Schreibe einen Kommentar Antworten abbrechen Deine E-Mail-Adresse wird nicht veröffentlicht.",
        "Kommentar *",
        "Name *",
    ]
    doc = clean(ctx, "Erster Schnee am Brocken", *DE, *form, *sidebar)
    assert all(p in doc.lines for p in DE)
    assert not set(form + sidebar) & set(doc.lines)
    # The same heading as a jump link under the title: the article after it stays.
    doc = clean(ctx, "Erster Schnee am Brocken", "Hinterlasse einen Kommentar", *DE)
    assert all(p in doc.lines for p in DE)
