"""Where the article ends (stages/article_end.py): kept lines beyond the furniture that closes the
article go; an article interrupted by a short box, or by furniture no end-of-article pack took,
stays whole."""

from __future__ import annotations

from pipeline.core import Context
from pipeline.document import AuditEvent, Document
from pipeline.settings import ChromeSettings
from pipeline.stages import article_end
from tests.stages.chrome_page import clean, dropped

END = ("generic.related.", "generic.comments.", "generic.share.")
RULE = "generic.context.after-article"
ON = ChromeSettings(article_end_gap=8, article_end_packs=END)

ARTICLE = [
    "Die Stadtverwaltung hat am Dienstag die Pläne für einen durchgehenden Radweg entlang der Ringstraße"
    " vorgestellt, der die Innenstadt mit den nördlichen Stadtteilen verbinden soll.",
    "Nach Angaben des Baudezernenten sollen die Arbeiten im März beginnen und bis zum Herbst abgeschlossen"
    " sein, sofern das Wetter mitspielt und keine Leitungen verlegt werden müssen.",
    "Für die Dauer der Bauarbeiten wird eine der beiden Fahrspuren gesperrt, der Busverkehr soll jedoch"
    " ohne größere Verzögerungen weiterlaufen können.",
    "Die Händler in der Ringstraße sehen das Vorhaben mit gemischten Gefühlen: Sie fürchten, dass Kunden"
    " während der Bauzeit ausbleiben, hoffen aber langfristig auf mehr Laufkundschaft.",
    "Der Fahrradclub begrüßte die Pläne ausdrücklich und forderte die Stadt auf, auch die Querstraßen in"
    " das Netz einzubinden, damit keine gefährlichen Lücken bleiben.",
]
TEASERS = [
    "Die Feuerwehr rückte am Wochenende zu insgesamt zwölf Einsätzen aus, darunter ein Kellerbrand in der"
    " Altstadt, bei dem niemand verletzt wurde.",
    "Im Tierheim warten derzeit mehr als vierzig Katzen auf ein neues Zuhause, die Mitarbeiter bitten"
    " deshalb dringend um Futterspenden und ehrenamtliche Helfer.",
    "Der Wochenmarkt zieht im Sommer vorübergehend auf den Platz vor dem Rathaus um, weil das Pflaster am"
    " bisherigen Standort erneuert werden muss.",
]
FURNITURE = ["Teilen", "Facebook", "WhatsApp", "E-Mail", "Drucken", "Schlagworte", "Verkehr", "Radverkehr"]
FURNITURE += ["Stadtplanung", "Mehr aus der Region"]


def test_segments_split_at_gaps_of_dropped_lines() -> None:
    numbers = [1, 2, 3, 12, 13, 20]
    dropped = [4, 5, 6, 7, 8, 9, 10, 11, 14, 15]
    assert article_end.segments(numbers, dropped, 8) == [(0, 3), (3, 6)]
    assert article_end.segments(numbers, dropped, 2) == [(0, 3), (3, 5), (5, 6)]
    assert article_end.segments([], dropped, 8) == []


def after(numbers: list[int], words: list[float], drops: dict[int, str], length: list[int] | None = None) -> list[int]:
    return article_end.outside(numbers, words, length or [10] * len(numbers), drops, 8, END)[1]


def test_after_needs_an_end_of_article_rule_in_a_gap_after_the_main_segment() -> None:
    numbers, words = [1, 2, 3, 12, 13], [30.0, 30.0, 30.0, 25.0, 0.0]
    menu = dict.fromkeys(range(4, 12), "generic.context.isolated-short")
    assert after(numbers, words, menu) == []
    shared = {**menu, 7: "generic.share.share-buttons"}
    assert after(numbers, words, shared) == [3, 4]
    # The same furniture above the article (the main segment comes after it): nothing goes.
    assert after(numbers, [10.0, 0.0, 0.0, 60.0, 40.0], shared) == []
    # Once the article has ended, every later segment goes, with or without an end rule before it.
    later = {**shared, **dict.fromkeys(range(14, 22), "generic.context.isolated-short")}
    assert after([*numbers, 22], [*words, 30.0], later) == [3, 4, 5]
    # Two paragraphs in a row open the segment: the article resumes after a large box.
    prose = [30, 30, 30, 30, 30]
    assert after(numbers, words, shared, prose) == []
    # ...not a headline and its teaser lead, nor two leads with a headline dropped between them.
    assert after(numbers, words, shared, [30, 30, 30, 6, 30]) == [3, 4]
    between = {**shared, 14: "generic.context.isolated-short"}
    assert after([1, 2, 3, 12, 15], words, between, prose) == [3, 4]


def test_before_takes_short_lines_beyond_a_gap_above_the_main_segment() -> None:
    numbers, words = [1, 2, 11, 12, 13], [0.0, 8.0, 30.0, 30.0, 30.0]
    menu = dict.fromkeys(range(3, 11), "generic.context.isolated-short")
    assert article_end.outside(numbers, words, [3, 9, 30, 30, 30], menu, 8, END) == ([0, 1], [])
    # A lead or a deck of LEAD_WORDS words keeps its stretch; a short gap keeps it too.
    assert article_end.outside(numbers, words, [3, 20, 30, 30, 30], menu, 8, END) == ([], [])
    assert article_end.outside(numbers, words, [3, 19, 30, 30, 30], menu, 8, END) == ([0, 1], [])
    assert article_end.outside(numbers, words, [3, 9, 30, 30, 30], menu, 9, END) == ([], [])


def test_drop_outside_records_the_rules_and_keeps_line_numbers() -> None:
    doc = Document(id="t", source="t.txt", file="t.txt")
    doc.set_text("\n".join(["A long article paragraph."] * 3 + ["x"] * 8 + ["A teaser lead of another story."]))
    for n in range(4, 12):
        doc.events.append(AuditEvent("chrome", "drop", "generic.comments.comment-count", "", n, "x"))
    doc.keep_lines([not (4 <= n <= 11) for n in doc.line_numbers])
    rules = ("generic.context.before-article", RULE, "generic.context.record-stream")
    article_end.drop_outside(doc, "chrome", rules, ([30.0, 30.0, 30.0, 6.0], [30, 30, 30, 6]), ON)
    assert doc.line_numbers == [1, 2, 3]
    assert (doc.events[-1].rule, doc.events[-1].line) == (RULE, 12)
    off = ChromeSettings(article_end_gap=0, article_end_packs=END)
    article_end.drop_outside(doc, "chrome", rules, ([30.0, 30.0, 30.0], [30, 30, 30]), off)  # gap 0: off
    assert doc.line_numbers == [1, 2, 3]


HEADLINES = ["Zwölf Einsätze am Wochenende", "Tierheim sucht Helfer", "Wochenmarkt zieht um"]


def test_teaser_leads_after_share_and_tags_go(ctx: Context) -> None:
    teasers = [line for pair in zip(HEADLINES, TEASERS, strict=True) for line in pair]
    doc = clean(ctx, "Startseite", "Politik", *ARTICLE, *FURNITURE, *teasers, "Impressum", "Datenschutz")
    assert doc.lines == ARTICLE
    got = dropped(doc)
    assert all(got[t] == RULE for t in TEASERS)
    assert got["Teilen"] == "generic.share.share-intl"


def test_article_resuming_with_two_paragraphs_after_a_large_box_stays(ctx: Context) -> None:
    box = ["Mehr zum Thema", "Neue Ampeln an der Brückenstraße", "Busfahrer streiken am Montag", "Anzeige"]
    box += ["Teilen", "Facebook", "WhatsApp", "Drucken", "Foto: Stadt"]
    doc = clean(ctx, *ARTICLE[:3], *box, *ARTICLE[3:], "Teilen", "Kommentare")
    assert doc.lines == ARTICLE
    assert RULE not in dropped(doc).values()


def test_article_resumes_after_a_short_box_or_a_menu(ctx: Context) -> None:
    box = ["Lesen Sie auch", "Teilen", "Drucken"]
    doc = clean(ctx, *ARTICLE[:3], *box, *ARTICLE[3:])
    assert doc.lines == ARTICLE
    # A gap of furniture no end-of-article pack took (a bare menu between two parts of a page).
    menu = ["Politik", "Wirtschaft", "Kultur", "Sport", "Wissen", "Reisen", "Auto", "Digital", "Karriere"]
    doc = clean(ctx, *ARTICLE[:3], *menu, *ARTICLE[3:])
    assert RULE not in dropped(doc).values()


CLOSED = article_end.Evidence(closers=("generic.related.", "generic.comments."))


def test_a_broken_up_thread_or_a_rail_heavier_than_the_first_segment_is_not_the_article() -> None:
    article = [1, 2, 3, 4]
    gap = {**dict.fromkeys(range(5, 15), "generic.context.isolated-short"), 7: "generic.share.share-buttons"}
    gap[9] = "generic.comments.comment-count"  # "Comments" and "Leave a reply": the article is over
    gap[10] = "generic.comments.comment-section-end"
    # A comment thread: a comment, a dropped name and date, two comment lines, and so on.
    thread = [15, 17, 18, 20, 21, 23, 24, 26]
    names = dict.fromkeys([16, 19, 22, 25], "generic.context.isolated-short")
    numbers, words, length = article + thread, [30.0] * 12, [30] * 12
    assert article_end.outside(numbers, words, length, {**gap, **names}, 8, END, CLOSED) == ([], list(range(4, 12)))
    # The same weight unbroken is the article going on after a large box: the main segment, kept.
    assert article_end.outside(numbers, words, length, gap, 8, END, CLOSED) == ([], [])
    # A first segment without a lead, or below FIRST_SHARE of the thread, is not the article.
    assert article_end.outside(numbers, words, [19] * 4 + [30] * 8, {**gap, **names}, 8, END, CLOSED)[1] == []
    light = [10.0] * 4 + [30.0] * 8
    assert article_end.outside(numbers, light, length, {**gap, **names}, 8, END, CLOSED)[1] == []
    # A rail of headlines and short promos, unbroken but without a paragraph, after the article.
    rail = list(range(15, 27))
    rail_words, rail_length = [30.0] * 4 + [15.0] * 12, [30] * 4 + [15] * 12
    assert article_end.outside(article + rail, rail_words, rail_length, gap, 8, END, CLOSED) == ([], list(range(4, 16)))
    # Without a closer between (only a share bar, which also stands under a deck), or without the
    # closers in the settings, the heavier segment stays the article: nothing goes.
    shared = {n: r for n, r in {**gap, **names}.items() if n not in (9, 10)}
    assert article_end.outside(numbers, words, length, shared, 8, END, CLOSED) == ([], [])
    # One closer line is no evidence either: a share bar under a deck holds a "Comment" button.
    button = {n: r for n, r in {**gap, **names}.items() if n != 10}
    assert article_end.outside(numbers, words, length, button, 8, END, CLOSED) == ([], [])
    assert article_end.outside(numbers, words, length, {**gap, **names}, 8, END) == ([], [])
    # ...unless the thread's dropped lines hold records (its stamps, its bylines).
    held = article_end.Evidence(held=lambda lo, hi: lo <= 15 and hi >= 26)
    assert article_end.outside(numbers, words, length, {**gap, **names}, 8, END, held) == ([], list(range(4, 12)))


def test_a_body_broken_up_by_photo_credits_below_its_deck_stays(ctx: Context) -> None:
    # A Spanish page: a two-paragraph deck, a share bar, then the body with a photo credit every
    # few paragraphs (broken up, like a thread). No closing section and no records: the body is the article.
    deck = [
        "El ayuntamiento presentó este lunes un plan para plantar diez mil árboles en los barrios del sur de la"
        " ciudad antes de 2030, con el objetivo de reducir el calor en verano y mejorar la calidad del aire.",
        "La propuesta, que todavía debe aprobar el pleno, cuenta con el apoyo de las asociaciones vecinales y de"
        " varios grupos ecologistas, aunque la oposición critica que no detalla cómo se financiará.",
    ]
    body = [
        "Según el documento, las primeras plantaciones se harán el próximo otoño en las avenidas más anchas,"
        " donde hay espacio suficiente para alcorques grandes sin levantar las aceras ni perder aparcamiento.",
        "Los técnicos municipales han elegido especies autóctonas que necesitan poca agua una vez establecidas,"
        " como la encina, el almez y el fresno, y descartan los plátanos por sus problemas de alergias.",
        "Cada árbol tendrá un sensor de humedad durante sus tres primeros años para que los equipos de riego"
        " sepan cuándo deben intervenir y no se pierdan ejemplares en los veranos más secos.",
        "Las asociaciones vecinales llevaban años pidiendo más sombra en las calles del sur, donde la"
        " temperatura del asfalto supera a menudo los cincuenta grados en las tardes de julio y agosto.",
        "La presidenta de una de ellas recordó que en algunos colegios los niños no pueden salir al patio"
        " después del mediodía durante las últimas semanas del curso escolar por culpa del calor.",
        "El plan también prevé convertir tres solares abandonados en pequeños parques de barrio, con fuentes,"
        " bancos y zonas de juego cubiertas con toldos mientras crecen los árboles nuevos.",
        "La oposición ha pedido un calendario detallado y una estimación del coste del mantenimiento, que según"
        " sus cálculos podría duplicar en diez años el presupuesto actual de parques y jardines.",
        "El pleno votará la propuesta a finales de mes. Si se aprueba, el ayuntamiento abrirá un proceso de"
        " participación para que los vecinos propongan calles y plazas donde plantar los primeros árboles.",
    ]
    photo = "Foto: Archivo municipal"
    bar = ["Compartir", "Facebook", "Twitter", "WhatsApp", "Correo", "Imprimir", "Publicidad", photo]
    pictured = [body[0], photo, *body[1:3], photo, *body[3:6], photo, *body[6:]]
    # The bar may hold a comment button or count: one closer line, no evidence (on main it erased the body).
    for extra in ([], ["Comentar"], ["12 comentarios"]):
        page = ["Inicio", "Local", "Deportes", "Diez mil árboles para el sur", *deck, *extra, *bar, *pictured]
        doc = clean(ctx, *page, "Contacto")
        assert doc.lines == [*deck, *body]
        assert RULE not in dropped(doc).values()


COMMENTS = [
    "Endlich! Ich fahre jeden Tag über die Ringstraße zur Arbeit und habe mich schon oft gefragt, warum"
    " dort nach all den Jahren immer noch kein vernünftiger Radweg existiert.",
    "Schön und gut, aber wer bezahlt das eigentlich? Die Stadt hat doch schon für die Sanierung der"
    " Schulen kein Geld, und jetzt soll plötzlich alles auf einmal gehen.",
    "Ich wohne direkt an der Ringstraße und freue mich vor allem darauf, dass der Verkehr langsamer wird,"
    " auch wenn die Bauzeit sicher anstrengend wird.",
    "Die Händler sollten sich nicht so anstellen, in anderen Städten haben Radwege den Geschäften am Ende"
    " eher genützt als geschadet, das zeigen viele Untersuchungen.",
    "Hoffentlich wird der Radweg breit genug, damit man auch mit einem Lastenrad oder einem Anhänger"
    " sicher überholen kann, ohne auf die Fahrbahn ausweichen zu müssen.",
    "Das wird wieder eine Dauerbaustelle, wie immer in dieser Stadt, ich wette, dass im Herbst nicht"
    " einmal die Hälfte der Strecke fertig ist, und danach beginnt der Ärger von vorn.",
    "Warum wird eigentlich nicht gleich die ganze Straße umgebaut, mit Bäumen und breiteren Gehwegen,"
    " wenn man sie sowieso schon aufreißen muss?",
]
COMMENTERS = ["Radlerin_77", "H. Berger", "Anwohner", "K. Schulz", "Lastenrad-Fan", "Skeptiker", "M. Yilmaz"]


def test_a_comment_thread_after_the_article_goes(ctx: Context) -> None:
    thread = [
        line
        for k, (name, comment) in enumerate(zip(COMMENTERS, COMMENTS, strict=True))
        for line in (name, f"{k + 3}. März 2024, {k + 9}:{k + 12} Uhr", comment, "Antworten")
    ]
    doc = clean(ctx, "Startseite", "Politik", *ARTICLE[:3], *FURNITURE, "7 Kommentare", *thread, "Impressum")
    assert doc.lines == ARTICLE[:3]
    assert all(c in dropped(doc) for c in COMMENTS)


def test_blank_lines_make_no_first_segment() -> None:
    # Kept blank lines above the page's first text (None: empty) do not stand for the article.
    numbers = [1, 2, 13, 14, 15, 16, *range(27, 39)]
    gap = {**dict.fromkeys([*range(3, 13), *range(17, 27)], "generic.context.isolated-short"), 20: "generic.comments.x"}
    gap[21] = "generic.comments.x"
    length = [None, None, 30, 30, 30, 30, *[15] * 12]
    words = [0.0, 0.0, 30.0, 30.0, 30.0, 30.0, *[15.0] * 12]
    assert article_end.outside(numbers, words, length, gap, 8, END, CLOSED)[1] == list(range(6, 18))
    # Only blank lines kept: nothing to choose, nothing goes.
    assert article_end.outside([1, 12], [0.0, 0.0], [None, None], gap, 8, END) == ([], [])


def test_a_rail_of_headlines_above_the_article_is_not_the_article() -> None:
    # Three rails of teaser headlines (no lead), each under a menu, outweigh a short article below a
    # menu with a "Trending" heading: the heaviest segment with a lead is the article, and the rails
    # above it go as before-article. Each rail holds less than half the page's weight.
    rails = [list(range(1, 7)), list(range(17, 23)), list(range(33, 39))]
    article = [49, 51, 53, 55]  # each paragraph under a dropped caption
    menu = dict.fromkeys([*range(7, 17), *range(23, 33), *range(39, 49), 50, 52, 54], "generic.context.isolated-short")
    menu[45] = "generic.related.related-section"
    numbers = [n for rail in rails for n in rail] + article
    words, length = [15.0] * 18 + [12.0] * 4, [15] * 18 + [30] * 4
    assert article_end.outside(numbers, words, length, menu, 8, END) == (list(range(18)), [])
    # A segment with a lead that weighs less than FIRST_SHARE of the rail is not taken for the article.
    assert article_end.outside(numbers, words[:18] + [4.0] * 4, length, menu, 8, END) == ([], [18, 19, 20, 21])


def test_a_heavy_segment_without_a_lead_holding_most_of_the_page_is_the_article() -> None:
    # An interview, a recipe, a list: no line of LEAD_WORDS words, most of the page's weight. A
    # comment or a box with a long line beside it does not take its place: nothing goes before it.
    qa, box = list(range(1, 17)), [27, 28]
    gap = dict.fromkeys(range(17, 27), "generic.share.share-buttons")
    gap[26] = "generic.comments.comment-count"
    numbers, words, length = qa + box, [10.0] * 16 + [35.0, 5.0], [10] * 16 + [35, 5]
    assert article_end.outside(numbers, words, length, gap, 8, END, CLOSED) == ([], [16, 17])
    # The same with records among the interview's dropped lines (a comment thread): passed over.
    held = article_end.Evidence(held=lambda lo, hi: lo == 1)
    assert article_end.outside(numbers, words, length, gap, 8, END, held) == (list(range(16)), [])


def test_an_interview_or_a_recipe_of_short_lines_stays(ctx: Context) -> None:
    # A French interview above a comment with a long line; a German recipe below an intro with a
    # lead and a share bar. No line of the article has 20 words.
    qa = [
        "Vous avez ouvert votre librairie il y a trente ans. Pourquoi ce quartier ?",
        "Parce que les loyers étaient bas et que personne ne vendait de livres ici.",
        "Comment le quartier a-t-il changé depuis ?",
        "Beaucoup. Les ateliers sont devenus des bureaux, puis des appartements.",
        "Vos clients sont-ils restés fidèles ?",
        "Les plus anciens, oui. Certains viennent encore chaque samedi matin.",
        "Et les plus jeunes lecteurs ?",
        "Ils achètent surtout des bandes dessinées et des romans graphiques.",
        "La vente en ligne vous fait-elle peur ?",
        "Moins qu'avant. Les gens reviennent pour les conseils et les rencontres.",
        "Quel livre recommandez-vous cet hiver ?",
        "Un recueil de nouvelles d'une autrice locale, publié par un petit éditeur.",
        "Pensez-vous un jour passer la main ?",
        "Ma fille y réfléchit. Elle travaille déjà avec moi deux jours par semaine.",
    ]
    comment = (
        "Je connais cette librairie depuis mon enfance et je suis très heureuse de lire que la fille de la"
        " libraire envisage de reprendre la boutique, ce serait une vraie perte pour tout le quartier sinon."
    )
    bar = ["Partager", "Facebook", "Twitter", "E-mail", "Imprimer", "Mots-clés", "Livres", "Commerce", "Quartier"]
    doc = clean(ctx, "Accueil", "Culture", "Livres", "Entretien avec une libraire", *qa, *bar, "Commentaires", comment)
    assert all(line in doc.lines for line in qa)
    assert "generic.context.before-article" not in dropped(doc).values()
    intro = [
        "Im Herbst, wenn die ersten Kürbisse auf dem Markt liegen, koche ich diese Suppe fast jede Woche, weil sie"
        " schnell geht, wenig kostet und sich problemlos für zwei oder drei Tage im Kühlschrank hält.",
        "Das Rezept stammt von meiner Großmutter, die statt Sahne immer einen Löffel Schmand genommen hat.",
    ]
    recipe = [
        "Zutaten für vier Personen:",
        "1 Hokkaido-Kürbis, etwa ein Kilo.",
        "2 Zwiebeln und 1 Knoblauchzehe.",
        "1 Liter Gemüsebrühe.",
        "200 Gramm Schmand, Salz und Pfeffer.",
        "Den Kürbis waschen, entkernen und in grobe Würfel schneiden.",
        "Zwiebeln, Knoblauch und Ingwer schälen und fein hacken.",
        "Alles in etwas Öl glasig dünsten, dann die Kürbiswürfel dazugeben.",
        "Mit der Brühe ablöschen und zwanzig Minuten köcheln lassen.",
        "Die Suppe fein pürieren und den Schmand unterrühren.",
        "Mit Salz und Pfeffer abschmecken und heiß servieren.",
    ]
    bar = ["Teilen", "Facebook", "Pinterest", "WhatsApp", "E-Mail", "Drucken", "Merken", "Anzeige", "Foto: privat"]
    doc = clean(ctx, "Startseite", "Rezepte", "Suppen", "Omas Kürbissuppe", *intro, *bar, *recipe, "Impressum")
    assert doc.lines == [*intro, *recipe]


def test_a_list_between_two_paragraphs_above_the_main_segment_stays() -> None:
    # A menu (no lead), an intro (a lead), a list of short names (no lead), a paragraph (a lead),
    # then the heaviest segment: the list stands inside the article, the menu above it goes.
    parts = [list(range(1, 5)), [15, 16], list(range(27, 37)), [47, 48], list(range(58, 66))]
    numbers = [n for part in parts for n in part]
    gaps = dict.fromkeys([n for n in range(1, 66) if n not in numbers], "generic.context.isolated-short")
    length = [2] * 4 + [30, 12] + [3] * 10 + [25, 10] + [30] * 8
    words = [0.0] * 4 + [30.0, 12.0] + [0.0] * 10 + [25.0, 10.0] + [30.0] * 8
    assert article_end.outside(numbers, words, length, gaps, 8, END) == ([0, 1, 2, 3], [])
    # Without the paragraph after it, the list is furniture above the article, as before.
    length[16] = 19
    assert article_end.outside(numbers, words, length, gaps, 8, END) == ([0, 1, 2, 3, *range(6, 18)], [])


def test_rows_above_the_main_segment_stay_when_they_outnumber_its_paragraphs() -> None:
    # A page that is a schedule (12 rows, no sentence) above a sidebar of three promos with a lead
    # each, the heaviest segment: the schedule is the page's content, not a menu above the article.
    numbers = [*range(1, 13), *range(23, 26)]
    gaps = dict.fromkeys(range(13, 23), "generic.context.isolated-short")
    length, words = [6] * 12 + [22] * 3, [0.0] * 12 + [22.0] * 3
    rows = [True] * 12 + [False] * 3
    assert article_end.outside(numbers, words, length, gaps, 8, END, rows=rows) == ([], [])
    assert article_end.outside(numbers, words, length, gaps, 8, END) == (list(range(12)), [])  # no rows known
    # A dated rail of five teasers above an article of six paragraphs is furniture, rows or not.
    numbers = [*range(1, 6), *range(16, 22)]
    gaps = dict.fromkeys(range(6, 16), "generic.context.isolated-short")
    length, words, rows = [8] * 5 + [30] * 6, [0.0] * 5 + [30.0] * 6, [True] * 5 + [False] * 6
    assert article_end.outside(numbers, words, length, gaps, 8, END, rows=rows) == (list(range(5)), [])


def test_a_schedule_page_with_a_sidebar_keeps_its_rows(ctx: Context) -> None:
    # A fixture list (rows: spare.py) under its title, then a menu and two promos with leads.
    fixtures = [
        "1. Spieltag: 9. August – SV Nordheim gegen TuS Bergdorf",
        "2. Spieltag: 16. August – FC Talstadt gegen SV Nordheim",
        "3. Spieltag: 23. August – SV Nordheim gegen Eintracht Weiler",
        "4. Spieltag: 30. August – SpVgg Au gegen SV Nordheim",
        "5. Spieltag: 6. September – SV Nordheim gegen FC Brunnen",
        "6. Spieltag: 13. September – Germania Ost gegen SV Nordheim",
        "7. Spieltag: 20. September – SV Nordheim gegen VfR Seeberg",
        "8. Spieltag: 27. September – TSV Kirchdorf gegen SV Nordheim",
    ]
    promos = [
        "Klicken Sie auf das Bild unseres Kolumnisten und lesen Sie seine wöchentlichen Texte über den Fußball"
        " in der Region und alles, was die Vereine bewegt.",
        "In unserem großen Saisonausblick stellen wir alle Mannschaften der Liga vor, mit Neuzugängen, Abgängen und"
        " den Zielen der Trainer für die kommende Spielzeit.",
    ]
    menu = ["Startseite", "Fußball", "Handball", "Tabellen", "Ergebnisse", "Vereine", "Kontakt", "Impressum"]
    doc = clean(ctx, *menu, "Spielplan SV Nordheim", *fixtures, *menu, "Mehr vom Kreissport", *promos, *menu[:3])
    # Each later run of the passes took the next row above the article for a title, and the rows
    # left went as "before the article": the schedule was lost.
    assert set(fixtures) <= set(doc.lines)
