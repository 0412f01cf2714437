"""Rows of a flattened table or dated list (stages/spare.py): a run of lines that open alike, with a
number set off by punctuation, is spared from the context pass and the line model; menus are not."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core import Context
from pipeline.document import Document
from pipeline.rules.features import LineFeatures
from pipeline.stages import spare
from pipeline.stages.chrome import Line, remove_chrome

PROSE = [
    "Der Heimatverein hat sein Programm für das kommende Frühjahr veröffentlicht und lädt alle"
    " Interessierten zu den Vorträgen, Wanderungen und Führungen ein.",
    "Die Teilnahme ist kostenlos, um eine Anmeldung wird jedoch gebeten, weil die Zahl der Plätze bei"
    " einigen Führungen begrenzt ist.",
]
ROWS = [
    "12. März: Vortrag über die Geschichte der Mühlen im Tal, Gemeindesaal, 19 Uhr",
    "26. März: Frühjahrswanderung zur Burgruine, Treffpunkt am Bahnhof, 10 Uhr",
    "9. April: Führung durch das alte Rathaus mit dem Stadtarchivar, 15 Uhr",
    "23. April: Pflanzentauschbörse im Pfarrgarten, ab 14 Uhr",
]
MENU = ["Start", "Verein", "Termine", "Kontakt", "Impressum"]


def line(text: str) -> Line:
    feats = LineFeatures.of(text)
    return Line(text, text.lower(), feats, "short" if feats.chars else "empty")


def test_shape_keeps_digits_letters_and_punctuation_apart() -> None:
    assert spare.shape("12. März: Vortrag über") == "9. a: a"
    assert spare.shape("Pages 10-25 (Hard") == "a 9-9 (a"
    assert spare.shape("+ Added the thing") == "+ a a"


def test_runs_of_dated_rows_are_found_and_menus_are_not() -> None:
    lines = [line(t) for t in [*MENU, "", *ROWS, "Seite 1", "Seite 2", "Seite 3"]]
    assert spare.parallel_runs(lines) == [[6, 7, 8, 9]]


def test_short_rows_and_short_runs_are_not_spared() -> None:
    two_word = [line(t) for t in ["Folge 1:", "Folge 2:", "Folge 3:", "Folge 4:"]]
    assert spare.parallel_runs(two_word) == []  # episode links: too short to be a table's rows
    assert spare.parallel_runs([line(t) for t in ROWS[:2]]) == []


def test_spare_rows_marks_each_row_once() -> None:
    lines = [line(t) for t in ROWS]
    lines[0].spared = ("isolated-short",)
    spare.spare_rows(lines, ("isolated-short", "line-model"))
    assert all(x.spared == ("isolated-short", "line-model") for x in lines)


def test_a_schedule_after_the_prose_stays_and_the_menu_goes(ctx: Context) -> None:
    doc = Document(id="t", source="t.txt", file="t.txt")
    doc.set_text("\n".join([*MENU, *PROSE, "Teilen", *ROWS, "Teilen", "Facebook", "Drucken", *MENU]))
    remove_chrome(doc, ctx.rules, ctx.settings.chrome)
    kept = set(doc.lines)
    assert set(ROWS) <= kept
    assert set(PROSE) <= kept
    assert not kept & set(MENU)


def test_a_page_that_is_one_schedule_stays_on_the_text_path(ctx: Context) -> None:
    """No sentence on the page, but a run of dated rows and few rule drops: the schedule is the
    page's content, not a page of furniture to empty (as the HTML path already judged)."""
    doc = Document(id="t", source="t.txt", file="t.txt")
    doc.set_text("\n".join(["Programm Frühjahr", *ROWS, "Teilen", "Drucken"]))
    remove_chrome(doc, ctx.rules, ctx.settings.chrome)
    assert set(ROWS) <= set(doc.lines)
    assert "Teilen" not in doc.lines


RECIPE_HEAD = ["Home", "Cronaca", "Cucina", "Sport", "Ricetta: la pasta e fagioli della nonna", "Porzioni: 4"]
INGREDIENTS = [
    "Ingredienti",
    "300 g di fagioli borlotti secchi",
    "200 g di pasta mista",
    "1 carota",
    "1 costa di sedano",
    "2 cucchiai di passata di pomodoro",
    "sale e pepe",
]
METHOD = [
    "Mettete i fagioli in ammollo la sera prima, poi scolateli e cuoceteli in acqua per un'ora.",
    "Tritate carota e sedano, soffriggeteli con l'olio e aggiungete i fagioli con la loro acqua e il pomodoro.",
    "Cuocete la pasta direttamente nella minestra e servite con un filo d'olio e pepe macinato.",
]


def test_a_list_of_amounts_under_its_heading_is_found() -> None:
    lines = [line(t) for t in [*RECIPE_HEAD, *INGREDIENTS, *METHOD]]
    assert spare.listed_amounts(lines) == [list(range(6, 13))]
    # Amounts without the heading are not enough (a rail's "5 days ago", a directory's street
    # numbers), nor is the heading over a menu, or the word inside a sentence.
    assert spare.listed_amounts([line(t) for t in [*RECIPE_HEAD, *INGREDIENTS[1:], *METHOD]]) == []
    assert spare.listed_amounts([line(t) for t in ["Zutaten", *MENU, *PROSE]]) == []
    sentence = "Die Zutaten für 4 Personen kosten im Supermarkt kaum mehr als zehn Euro, sagt die Köchin."
    assert spare.listed_amounts([line(t) for t in [sentence, "300 g Mehl", "2 Eier", "1 Prise Salz"]]) == []
    # A clock time or a date is no amount: a ticker under the heading is not spared.
    ticker = ["Ingredients", "14:52 Strike called off", "14:31 Markets close higher", "12.03.2025 Storm warning"]
    assert spare.listed_amounts([line(t) for t in ticker]) == []


def test_ingredients_above_the_method_stay_on_the_text_path(ctx: Context) -> None:
    """Before the first paragraph, short lines go as menu entries, and the first headline-like one
    as the title: a recipe with no introduction lost its whole list of ingredients."""
    doc = Document(id="t", source="t.txt", file="t.txt")
    doc.set_text("\n".join([*RECIPE_HEAD, *INGREDIENTS, *METHOD, "Condividi", "Facebook", "Chi siamo", "Privacy"]))
    remove_chrome(doc, ctx.rules, ctx.settings.chrome)
    assert doc.lines == [*INGREDIENTS, *METHOD]


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("12 aZ:-.()\u00a0\t²٣x"), max_size=30))
def test_row_shape_is_the_shape_of_a_head_with_a_digit(text: str) -> None:
    head = text.split(maxsplit=spare.SHAPE_TOKENS)[: spare.SHAPE_TOKENS]
    plain = spare.shape(" ".join(head)) if any(re.search(r"\d", t) for t in head) else ""
    assert spare._row_shape(text) == plain


PHASES = [  # a table's rows as a whole-page text dump holds them: cells apart by tabs
    "Bauabschnitt\t\tZeitraum",
    "Abriss der Turnhalle\t\tJanuar bis März 2027",
    "Erdarbeiten\t\tApril 2027",
    "Rohbau\t\tMai bis Dezember 2027",
    "Einzug\t\tJuli 2028",
]


def test_a_table_of_short_cells_is_found_and_a_grid_of_links_is_not() -> None:
    lines = [line(t) for t in [*MENU, *PHASES, *PROSE]]
    assert spare.table_rows(lines) == [list(range(5, 10))]
    grid = ["Ohio LLC\tUtah LLC\tIowa LLC", "Texas LLC\tMaine LLC\tOregon LLC", "Idaho LLC\tKansas LLC\tNevada LLC"]
    assert spare.table_rows([line(t) for t in grid]) == []  # no digit: links laid out as a table
    assert spare.table_rows([line(t) for t in PHASES[:2]]) == []  # two rows are no run
    assert spare.table_rows([line("Start\tNews\tSport\tKontakt 24"), *map(line, PROSE)]) == []


def _classified(texts: list[str], dropped: set[int] = frozenset()) -> list[Line]:  # type: ignore[assignment]
    lines = []
    for i, t in enumerate(texts):
        feats = LineFeatures.of(t)
        cls = "empty" if not feats.chars else "good" if feats.words >= 4 and feats.terminal else "short"
        lines.append(Line(t, t.lower(), feats, cls, rule="x" if i in dropped else None))
    return lines


def test_the_short_sentences_closing_a_paragraph_run_are_the_tail() -> None:
    texts = [PROSE[0], "Blend until smooth.", "Season to taste.", "Share", "Tags:", PROSE[1], "Why?", "Yes.", "Home"]
    assert spare.tail(_classified(texts)) == ([], [1, 2, 6, 7])
    # Nothing dropped may stand between: a short sentence beyond a share bar is another matter.
    assert spare.tail(_classified(texts, dropped={1})) == ([], [6, 7])
    # A line ending with a colon opens a list, it closes nothing.
    assert spare.tail(_classified([PROSE[0], "Pressekontakt:", "Ja."])) == ([], [])
    # After a short sentence (a step, an answer), the run is a list's end.
    steps = ["Add the tomatoes and stock.", "Simmer for 15 minutes.", "Blend until smooth.", "Home"]
    assert spare.tail(_classified(steps)) == ([2], [])
    assert spare.tail(_classified([PROSE[0], *steps[1:]])) == ([], [2])  # one short sentence is no list


def test_a_recipe_s_last_step_and_a_phase_table_stay_on_the_text_path(ctx: Context) -> None:
    """The last step of a method ("Cuire 35 minutes.": three words, no paragraph) went as a short
    line after the article, right before the share bar; a table of phases went to the line model."""
    steps = ["Préchauffer le four à 180 °C.", "Battre les œufs avec la crème et le lait.", "Cuire 35 minutes."]
    chrome = ["Partager", "Facebook", "À lire aussi", "La piscine rouvrira en mars", "Mentions légales"]
    doc = Document(id="t", source="t.txt", file="t.txt")
    doc.set_text("\n".join([*MENU, *PROSE, *PHASES, *PROSE_FR, *steps, *chrome]))
    remove_chrome(doc, ctx.rules, ctx.settings.chrome)
    assert doc.lines == [*PROSE, *PHASES, *PROSE_FR, *steps]


PROSE_FR = [
    "Un classique facile à préparer pour un dîner en famille, avec des produits que l'on trouve partout.",
]


PROGRAMME = [
    "10:00 Opening ceremony",
    "10:30 Brass band",
    "12:00 Children's theatre",
    "14:00 Dog show",
    "22:00 Fireworks",
]


def test_a_programme_in_time_order_is_found_and_a_ticker_is_not() -> None:
    lines = [line(t) for t in [*MENU, *PROSE, *PROGRAMME, "Share"]]
    assert spare.timed_runs(lines) == [list(range(7, 12))]
    ticker = ["16:45 Line reopened", "15:20 Tree falls on car", "14:05 Warning extended"]
    assert spare.timed_runs([line(t) for t in ticker]) == []  # newest first: a ticker, a live blog
    dates = ["14.03. Vortrag: Mühlen im Tal", "28.03. Wanderung", "11.04.2027 Ostermarkt", "25.04. Abend"]
    assert spare.timed_runs([line(t) for t in dates]) == [[0, 1, 2, 3]]  # a club's dates, in order
    rail = ["20.03.2025 Clean-up ends", "14.03.2025 Roads reopen", "12.03.2025 Storm warning"]
    assert spare.timed_runs([line(t) for t in rail]) == []  # dated teasers, newest first
    assert spare.timed_runs([line(t) for t in ["18.00 Uhr Treffen"] * 3]) == []  # one time, thrice


def test_a_short_programme_after_its_introduction_stays_on_the_text_path(ctx: Context) -> None:
    """Entries of two or three words after the last paragraph went as short lines after the article."""
    doc = Document(id="t", source="t.txt", file="t.txt")
    intro = "The festival returns to Victoria Park this weekend. Entry is free and all events are outdoors."
    doc.set_text("\n".join(["Home", "News", "Local", intro, *PROGRAMME, "Share", "Facebook", "Privacy policy"]))
    remove_chrome(doc, ctx.rules, ctx.settings.chrome)
    assert doc.lines == [intro, *PROGRAMME]


def test_headings_numbered_alike_are_sections() -> None:
    assert spare.numbered(["Phase 1: Rodung", "Phase 2: Brücke", "Phase 3: Fahrbahn"])
    assert spare.numbered(["1. Heizung richtig einstellen", "2. Stoßlüften", "3. Rollläden schließen"])
    assert not spare.numbered(["Feuerwehr rückt aus", "Neue Buslinie", "Markt zieht um"])  # teasers
    assert not spare.numbered(["Phase 1: Rodung", "Brücke über die Seeve (2027)"])
    assert not spare.numbered(["Phase 1: Rodung"])


def test_a_data_sheet_between_paragraphs_is_found() -> None:
    sheet = ["Technische Daten", "Schnittbreite: 37 cm", "Akku: 36 V, 4 Ah", "Gewicht: 15,8 kg", "Fazit"]
    lines = _classified([PROSE[0], *sheet, PROSE[1], *MENU])
    assert spare.specs(lines) == [1, 2, 3, 4, 5]
    assert spare.specs(_classified([PROSE[0], *sheet[:3], PROSE[1]])) == []  # two pairs are no sheet
    assert spare.specs(_classified([PROSE[0], *sheet, *MENU])) == []  # not closed by a paragraph
    assert spare.specs(_classified([PROSE[0], *sheet, PROSE[1]], dropped={3})) == []  # a drop inside


def test_a_method_s_steps_under_their_heading_are_found() -> None:
    steps = ["Przygotowanie", "Ugotować ziemniaki.", "Podsmażyć cebulę.", "Wymieszać farsz.", "Lepić i gotować."]
    lines = _classified([PROSE[0], "Składniki", "500 g mąki", "2 cebule", *steps, "Polecamy", "Udostępnij"])
    assert spare.method_steps(lines) == [[4, 5, 6, 7, 8]]  # up to the last step: "Polecamy" is not one
    assert spare.method_steps(_classified([PROSE[0], *steps[:3], *MENU])) == []  # two steps, then a menu
    assert spare.method_steps(_classified(["Zubereitung", *MENU])) == []
    assert spare.headed(_classified(["Zutaten", "Zubereitung:", "Zubereitung ist alles.", "Menü"])) == {
        0: "list",
        1: "steps",
    }


def _ended(texts: list[str], dropped: dict[int, str]) -> list[Line]:
    """Lines classified as in `_classified`, those in `dropped` taken by the given rules."""
    lines = _classified(texts)
    for i, rule in dropped.items():
        lines[i].rule = rule
    return lines


ENDS = ("generic.share.", "generic.related.")


def test_the_list_closing_a_short_page_is_found() -> None:
    intro = "Der TSV Holm bleibt nach dem Sieg gegen Jesteburg Tabellenführer."
    results = ["TSV Holm – SV Jesteburg 3:1", "FC Tostedt – VfL Seppensen 0:0", "MTV Hanstedt – SC Wenzendorf 2:4"]
    texts = ["Teilen", intro, *results, "Teilen", "Facebook"]
    share = {0: "generic.share.x", 5: "generic.share.x", 6: "generic.share.x"}
    assert spare.closing_list(_ended(texts, share), ENDS, 200) == [2, 3, 4]
    assert spare.closing_list(_ended(texts, share), ENDS, 50) == []  # a page with more prose: a rail
    assert spare.closing_list(_ended(texts, {**share, 5: "generic.footer.x"}), ENDS, 200) == []  # no share bar
    assert spare.closing_list(_ended(texts, {**share, 2: "generic.meta.x"}), ENDS, 200) == []  # a rule's line in it
    two = ["Teilen", intro, *results[:2], "Teilen"]
    assert spare.closing_list(_ended(two, {0: "generic.share.x", 4: "generic.share.x"}), ENDS, 200) == []
    rail = ["Teilen", intro, *MENU, *MENU, *MENU, "Teilen"]  # 15 lines: a menu, not the article's list
    assert spare.closing_list(_ended(rail, {0: "generic.share.x", 17: "generic.share.x"}), ENDS, 200) == []


def test_a_file_number_closing_a_ruling_is_found_on_any_page() -> None:
    ruling = "Die zulässige Berufung hat in der Sache keinen Erfolg, weil der Vermieter die Kosten trägt."
    for number in ["Az. 2 S 114/25", "Aktenzeichen: 3 U 12/24", "Case No. 21-cv-0457", "Sygn. akt II C 123/24"]:
        lines = _ended([ruling, number, "Teilen"], {2: "generic.share.x"})
        assert spare.closing_list(lines, ENDS, 0) == [1], number
    for other in ["Azubis gesucht", "Case studies", "Foto: dpa"]:
        assert spare.closing_list(_ended([ruling, other, "Teilen"], {2: "generic.share.x"}), ENDS, 0) == [], other


def test_a_short_page_s_closing_list_stays_on_the_text_path(ctx: Context) -> None:
    """A list of links after the one paragraph, before the share bar, went as short lines after the
    article; then the page was rejected as too short."""
    intro = "If you are struggling to pay your energy bills, these organisations offer free advice:"
    links = ["Citizens Advice energy helpline", "National Debtline", "Your supplier's hardship fund"]
    doc = Document(id="t", source="t.txt", file="t.txt")
    doc.set_text("\n".join(["Home", "News", "Share", "Facebook", intro, *links, "Share", "Facebook", "Privacy policy"]))
    remove_chrome(doc, ctx.rules, ctx.settings.chrome)
    assert doc.lines == [intro, *links]


def test_the_first_section_s_heading_is_found_above_the_first_paragraph() -> None:
    tips = [
        "Heizung richtig einstellen", "Jedes Grad weniger spart rund sechs Prozent Heizenergie.",
        "Stoßlüften statt Kipplüften", "Mehrmals täglich für fünf Minuten die Fenster weit öffnen.",
        "Heizkörper nicht zustellen", "Möbel und Vorhänge vor dem Heizkörper halten die Wärme zurück.",
        "Rollläden nachts schließen", "Das verringert den Wärmeverlust über die Fenster deutlich.",
    ]  # fmt: skip
    share = {0: "generic.share.x"}
    assert spare.first_heading(_ended(["Teilen", *tips, "Teilen"], share)) == (1, False)
    phases = ["Phase 1: Rodung", PROSE[0], "Phase 2: Brücke über die Seeve", PROSE[1], "Phase 3: Fahrbahn", PROSE[0]]
    phases += ["Phase 4: Freigabe", PROSE[1]]
    assert spare.first_heading(_ended(["Teilen", *phases], share)) == (1, True)
    # Numbered alike, the sections may run longer (session 14: "Tip #1 - ...", three paragraphs each).
    long_phases = ["Phase 1: Rodung", *PROSE, PROSE[0], "Phase 2: Brücke über die Seeve", *PROSE, PROSE[1]]
    long_phases += ["Phase 3: Fahrbahn", *PROSE, PROSE[0]]
    assert spare.first_heading(_ended(["Teilen", *long_phases], share)) == (1, True)
    # One heading in the body is no series of sections; a longer first stretch is a news article's.
    assert spare.first_heading(_ended(["Teilen", *tips[:4]], share)) == (None, False)
    news = ["Stadt plant neues Bad", PROSE[0], PROSE[1], PROSE[0], *tips]
    assert spare.first_heading(_ended(["Teilen", *news], share)) == (None, False)
    # A line dropped right above the first paragraph: nothing to spare.
    assert spare.first_heading(_ended(["Teilen", *tips], {0: "generic.share.x", 1: "generic.meta.x"})) == (None, False)


def test_a_press_contact_block_closing_a_release_is_found_on_any_page() -> None:
    release = "Die Stadtwerke senken zum 1. Januar den Arbeitspreis für Erdgas um 1,2 Cent pro Kilowattstunde."
    for heading in ["Pressekontakt:", "Notes to editors", "Media contact: James Cole", "Contacto de prensa"]:
        block = [heading, "Sabine Reuter", "Unternehmenskommunikation", "Telefon: 04181 123-456"]
        lines = _ended([release, *block, "Teilen"], {5: "generic.share.x"})
        assert spare.closing_list(lines, ENDS, 0) == [1, 2, 3, 4], heading
    for other in ["Kontaktieren Sie uns", "Press office hours are short this week."]:
        block = [other, "Sabine Reuter", "Unternehmenskommunikation", "Telefon: 04181 123-456"]
        assert spare.closing_list(_ended([release, *block, "Teilen"], {5: "generic.share.x"}), ENDS, 0) == [], other
    # The heading third in the run: a rail or a menu that holds the words.
    late = ["Startseite", "Service", "Pressekontakt", "Impressum"]
    assert spare.closing_list(_ended([release, *late, "Teilen"], {5: "generic.share.x"}), ENDS, 0) == []


def test_an_ingredient_naming_its_brand_and_a_choice_is_an_item() -> None:
    """An amount opens a long ingredient line ("1 cup (120g) ... or ..."): it is still an item of the
    list under its heading; a long line without an amount ends the list, as before."""
    items = [
        "3 cups (360g) stone-ground whole wheat flour from a local mill, or the same weight of spelt flour",
        "1 1/2 teaspoons fine sea salt",
        "2 tablespoons (25g) honey or maple syrup, whichever you keep in the cupboard",
        "1 cup (227g) lukewarm water",
    ]
    lines = [line(t) for t in ["Ingredients", *items]]
    assert spare.listed_amounts(lines) == [[0, 1, 2, 3, 4]]
    wordy = "Good flour, fresh yeast and patience are what this loaf needs more than any special tool or pan"
    assert spare.listed_amounts([line(t) for t in ["Ingredients", wordy, *items[1:3]]]) == []


CHANGES = [
    "+ Added a night mode that follows the system setting",
    "+ Exports now keep the page margins you chose",
    "+ The search box remembers your last ten queries",
    "- Removed the old toolbar that nobody used anymore",
]


def good(text: str) -> Line:
    feats = LineFeatures.of(text)
    return Line(text, text.lower(), feats, "good")


def test_a_bulleted_list_against_the_prose_is_found_and_a_bulleted_menu_is_not() -> None:
    intro = "Version 4.2 is out today, and it brings a handful of changes that many of you asked for."
    lines = [good(intro), *(line(t) for t in CHANGES)]
    assert spare.bulleted_runs(lines) == [[1, 2, 3]]  # (the fourth item's mark differs: a list of its own)
    assert spare.bulleted_runs([*(line(t) for t in CHANGES[:3]), good(intro)]) == [[0, 1, 2]]
    # One- and two-word entries are a menu; a bulleted rail among furniture touches no prose.
    menu = ["- Home", "- News", "- Sport", "- Contact"]
    assert spare.bulleted_runs([good(intro), *(line(t) for t in menu)]) == []
    assert spare.bulleted_runs([line("Most read"), *(line(t) for t in CHANGES[:3]), line("Privacy")]) == []
    taken = good(intro)
    taken.rule = "generic.share.share-buttons"
    assert spare.bulleted_runs([taken, *(line(t) for t in CHANGES[:3])]) == []
    assert spare.bulleted_runs([good(intro), line("+ Added"), line("+ Fixed"), line("+ Removed")]) == []


def test_a_bulleted_list_after_its_introduction_stays_on_the_text_path(ctx: Context) -> None:
    """Items written with their marks ("– Book ...") are short lines: before the credits and the
    share bar they went as isolated short lines, though they are what the paragraph announces."""
    intro = "Before you fly out, a few bookings are worth making from home rather than at the airport."
    items = [
        "– Reserve a rental car with free cancellation",
        "– Buy a local SIM card or an eSIM for data",
        "– Book the airport transfer to your hotel",
        "– Pick a travel insurance that covers hiking",
    ]
    after = ["TEXT & PHOTOS: Anna", "0", "Comments", "Share this:", "Facebook", "Twitter"]
    doc = Document(id="t", source="t.txt", file="t.txt")
    doc.set_text("\n".join(["Home", "Blog", "Travel tips", "Lisbon travel checklist", intro, *items, *after]))
    remove_chrome(doc, ctx.rules, ctx.settings.chrome)
    assert doc.lines == [intro, *items]


def test_a_review_s_points_and_a_job_ad_s_lists_under_their_headings_are_found() -> None:
    review = ["Pros", "Bright, even screen", "Quiet fans under load"]
    review += ["Cons", "Glossy finish shows prints", "Only two ports"]
    lines = [line(t) for t in review]
    assert spare.listed_points(lines) == [[0, 1, 2], [3, 4, 5]]
    job = ["Ihre Aufgaben:", "Betreuung einer Krippengruppe", "Gespräche mit den Eltern", "Ihr Profil", "Teamgeist"]
    assert spare.listed_points([line(t) for t in job]) == [[0, 1, 2]]  # (one point is no list)
    # The price box after the cons ends them: a price, a number, a line heading something else.
    boxed = ["Cons", "Only two ports", "Heavy charger", "$899 at the maker's shop", "Buy now"]
    assert spare.listed_points([line(t) for t in boxed]) == [[0, 1, 2]]
    shops = ["Cons", "Only two ports", "Heavy charger", "Best prices today:", "Retailer"]
    assert spare.listed_points([line(t) for t in shops]) == [[0, 1, 2]]
    # The word inside a longer heading or a sentence is no such heading; nor is a menu's "Pro" tier.
    for other in ["Pros and cons of working from home", "The pros agree on one thing.", "Pro"]:
        assert spare.listed_points([line(t) for t in [other, "Bright screen", "Quiet fans", "Long battery"]]) == []
    taken = [line(t) for t in review[:3]]
    taken[1].rule = "generic.share.x"
    assert spare.listed_points(taken) == []
