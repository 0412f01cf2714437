"""Streams of stamped records (stages/records.py): comments and teasers kept after the article
show in their stamps; numbered headings, a live blog's times, slide counters and years do not."""

from __future__ import annotations

from pipeline.core import Context
from pipeline.document import AuditEvent, Document
from pipeline.settings import ChromeSettings
from pipeline.stages import article_end, records
from tests.stages.chrome_page import clean, dropped

SETTINGS = ChromeSettings(
    article_end_gap=8, article_end_packs=("generic.share.",), article_end_bylines=("generic.meta.byline",)
)
STREAM = "generic.context.record-stream"
LEAD = (
    "Die Stadtverwaltung hat am Dienstag die Pläne für einen durchgehenden Radweg entlang der Ringstraße"
    " vorgestellt, der die Innenstadt mit den nördlichen Stadtteilen verbinden soll."
)
COMMENTS = [
    "Endlich, darauf warte ich seit Jahren.",
    "Wer bezahlt das eigentlich?",
    "Hoffentlich wird er breit genug.",
    "Das wird wieder eine Dauerbaustelle.",
    "Warum nicht gleich die ganze Straße?",
]
NAMES = ["Radlerin_77", "H. Berger", "Anwohner", "K. Schulz", "Skeptiker"]
STAMPS = ["vor 2 Tagen, 07:52", "vor 2 Tagen, 07:47", "vor 3 Tagen, 18:05", "vor 2 Tagen, 09:30", "vor 4 Tagen, 11:11"]


def opens(texts: list[str], joined: list[bool]) -> int | None:
    """Where the stream opens (`stream_start` also gives its stamps)."""
    found = records.stream_start(texts, joined)
    return None if found is None else found[0]


def thread(stamps: list[str]) -> list[str]:
    return [line for trio in zip(NAMES, stamps, COMMENTS, strict=True) for line in trio]


def test_stamp_shapes() -> None:
    assert records.stamp_shape("vor 2 Tagen, 07:52") == "a 9 a, 9:9"
    assert records.stamp_shape("32M ago") == "9a a"
    assert records.stamp_shape("H. Berger") == ""  # no number
    assert records.stamp_shape("Tabellen von Google ★★★★★(4)") == ""  # a rated item of a list
    assert records.stamp_shape("Am 3. März 2024 begann der Umbau der Ringstraße endlich") == ""  # too long


def test_a_comment_thread_is_a_stream_that_opens_with_its_first_record() -> None:
    texts = [LEAD, LEAD, *thread(STAMPS)]
    joined = [False, True, False] + [True] * (len(texts) - 3)  # a line dropped before the first name
    assert records.stream_start(texts, joined) == (2, [3, 6, 9, 12, 15])  # and its stamps
    # The stamp opens its record, a dropped line before it: the same.
    assert opens(texts[:2] + texts[3:], [False, True, False, *joined[4:]]) == 2
    # The article runs on into the records with nothing dropped between: no cut (where the first
    # record starts is not known), unlike a run as short as a record before the first stamp.
    assert opens(texts, [False] + [True] * (len(texts) - 1)) is None
    assert opens(texts[1:], [False] + [True] * (len(texts) - 2)) == 0


def test_ordered_or_repeated_numbers_and_bare_years_are_no_stamps() -> None:
    joined = [False, True, False] + [True] * 12  # a line dropped before the first name

    def stream(stamps: list[str]) -> int | None:
        return opens([LEAD, LEAD, *thread(stamps)], joined)

    assert stream(["Schritt 1", "Schritt 2", "Schritt 4", "Schritt 5", "Schritt 7"]) is None  # rising
    assert stream(["12:40 Uhr", "12:31 Uhr", "12:02 Uhr", "11:58 Uhr", "11:20 Uhr"]) is None  # a live blog
    assert stream(["von 15", "von 15", "von 15", "von 15", "von 15"]) is None  # a slide counter
    assert (
        stream(["Gegründet: 1946", "Gegründet: 1975", "Gegründet: 1889", "Gegründet: 1981", "Gegründet: 2001"]) is None
    )
    assert stream(["Team: 11 – 50", "Team: 51 – 200", "Team: 2 – 10", "Team: 51 – 200", "Team: 11 – 50"]) is None
    assert stream(["am 2024-03-12", "am 2024-03-09", "am 2024-03-11", "am 2024-03-08", "am 2024-03-10"]) == 2
    # Too few stamps, or stamps on neighbouring lines (rows of a table), make no stream.
    assert opens([LEAD, LEAD, *thread(STAMPS)[:9]], joined) is None
    assert opens([LEAD, *STAMPS], [False] * 6) is None


def test_the_stream_after_the_article_goes_under_its_own_rule() -> None:
    lines = [LEAD] * 5 + ["Teilen"] + thread(STAMPS)
    doc = Document(id="t", source="t.txt", file="t.txt")
    doc.set_text("\n".join(lines))
    doc.events.append(AuditEvent("chrome", "drop", "generic.share.share-buttons", "", 6, "Teilen"))
    doc.keep_lines([n != 6 for n in doc.line_numbers])
    words = [30.0] * 5 + [0.0] * 15
    rules = ("generic.context.before-article", "generic.context.after-article", STREAM)
    article_end.drop_outside(doc, "chrome", rules, (words, [30] * 5 + [3] * 15), SETTINGS)
    assert doc.lines == [LEAD] * 5
    assert {e.rule for e in doc.events[1:]} == {STREAM}
    assert doc.events[1].text == NAMES[0]
    # A page of records with no article above it keeps them (fewer than STREAM_LEAD words before).
    doc = Document(id="t", source="t.txt", file="t.txt")
    doc.set_text("\n".join([LEAD, *thread(STAMPS)]))
    article_end.drop_outside(doc, "chrome", rules, ([30.0] + [0.0] * 15, [30] + [3] * 15), SETTINGS)
    assert len(doc.lines) == 16


def test_bylines_in_a_row_every_few_lines() -> None:
    assert records.byline_start([10, 14, 18, 22]) == 10
    assert records.byline_start([3, 20, 24, 28, 32, 60]) == 20  # the article's own byline stands apart
    assert records.byline_start([10, 14, 18]) is None  # too few
    assert records.byline_start([10, 11, 12, 13]) is None  # a block of credits, not records
    assert records.byline_start([10, 20, 30, 40]) is None  # too far apart


def test_teasers_with_their_dropped_bylines_after_the_article_go() -> None:
    teasers = [line for k, lead in enumerate(COMMENTS) for line in (f"Von Autorin {k}", lead)]
    lines = [*[LEAD] * 5, *teasers]
    doc = Document(id="t", source="t.txt", file="t.txt")
    doc.set_text("\n".join(lines))
    bylines = [n for n, line in enumerate(lines, 1) if line.startswith("Von Autorin")]
    for n in bylines:
        doc.events.append(AuditEvent("chrome", "drop", "generic.meta.byline", "", n, lines[n - 1]))
    doc.keep_lines([n not in bylines for n in doc.line_numbers])
    rules = ("generic.context.before-article", "generic.context.after-article", STREAM)
    article_end.drop_outside(doc, "chrome", rules, ([30.0] * 5 + [6.0] * 5, [30] * 5 + [6] * 5), SETTINGS)
    assert doc.lines == [LEAD] * 5
    # Without the byline rules in the settings, the leads stay.
    doc = Document(id="t", source="t.txt", file="t.txt")
    doc.set_text("\n".join(lines))
    for n in bylines:
        doc.events.append(AuditEvent("chrome", "drop", "generic.meta.byline", "", n, lines[n - 1]))
    doc.keep_lines([n not in bylines for n in doc.line_numbers])
    off = ChromeSettings(article_end_gap=8, article_end_packs=("generic.share.",))
    article_end.drop_outside(doc, "chrome", rules, ([30.0] * 5 + [6.0] * 5, [30] * 5 + [6] * 5), off)
    assert len(doc.lines) == 10


def test_dropped_dates_or_times_recurring_are_records() -> None:
    dates = ["18. März 2024, 21:46", "18. März 2024, 21:59", "18. März 2024, 22:00", "19. März 2024, 07:12"]
    assert records.recurring(["Radlerin_77", *dates, "Antworten"])  # in order: a thread read oldest first
    assert not records.recurring(dates[:3])  # too few
    assert not records.recurring(["Foto: Archiv"] * 5)  # an article's photo credits: no number
    assert not records.recurring(["Foto: Archiv 2019", "Foto: dpa 2021", "Foto: Archiv 2018", "Foto: AP 2020"])
    assert not records.recurring(["Bild 1 von 4", "Bild 1 von 4", "Bild 1 von 4", "Bild 1 von 4"])  # one text


def _page(lines: list[str], dropped: set[int]) -> Document:
    doc = Document(id="t", source="t.txt", file="t.txt")
    doc.set_text("\n".join(lines))
    for n in sorted(dropped):
        doc.events.append(AuditEvent("chrome", "drop", "generic.ads.ad-label", "", n, lines[n - 1]))
    doc.keep_lines([n not in dropped for n in doc.line_numbers])
    return doc


def test_a_stream_of_teasers_under_the_deck_does_not_take_the_article_below_it() -> None:
    # A deck of 4 paragraphs (more than STREAM_LEAD words), an ad, teasers each with "3 hours ago",
    # an ad, then the article's body, heavier than the deck: the records stand above the article.
    teasers = [f"Headline {k}\nA short lead of the other story.\n{h} hours ago" for k, h in enumerate([3, 5, 1, 7, 2])]
    lines = [*[LEAD] * 4, "Advertisement", *"\n".join(teasers).split("\n"), "Advertisement", *[LEAD] * 6]
    doc = _page(lines, {5, 21})
    rules = ("generic.context.before-article", "generic.context.after-article", STREAM)
    kept = len(doc.lines)
    words = [30.0] * 4 + [0.0, 6.0, 0.0] * 5 + [30.0] * 6
    article_end.drop_outside(doc, "chrome", rules, (words, [30] * 4 + [2, 6, 3] * 5 + [30] * 6), SETTINGS)
    assert len(doc.lines) == kept
    # The same teasers below the article, with only a short footer after them: they go.
    lines = [*[LEAD] * 10, "Advertisement", *"\n".join(teasers).split("\n"), "Impressum"]
    doc = _page(lines, {11})
    words = [30.0] * 10 + [0.0, 6.0, 0.0] * 5 + [0.0]
    article_end.drop_outside(doc, "chrome", rules, (words, [30] * 10 + [2, 6, 3] * 5 + [1]), SETTINGS)
    assert doc.lines == [LEAD] * 10


def test_a_news_page_with_latest_stories_between_deck_and_body_keeps_its_body(ctx: Context) -> None:
    deck = [
        "The city council voted on Tuesday evening to approve a long-debated plan to rebuild the old harbour"
        " district, ending three years of hearings, protests and redrawn maps.",
        "The plan replaces the empty warehouses along the eastern quay with housing, a school and a public park,"
        " and it keeps the fish market where it has stood for more than a century.",
        "Supporters called the vote a turning point for a part of town that has been neglected for decades,"
        " while opponents warned that rents in the surrounding streets would rise quickly.",
        "The vote was closer than expected: seven members supported the plan, five voted against it and two"
        " abstained after a debate that lasted well past midnight.",
    ]
    latest = [
        ("Storm warning issued for the coast", "Gusts of up to ninety kilometres an hour are expected.", "3 hours ago"),
        ("Library opens its new reading room", "The room on the second floor seats forty readers.", "5 hours ago"),
        ("Ferry timetable changes next month", "Two early crossings will be dropped in winter.", "1 hour ago"),
        ("Local bakery wins regional prize", "Its rye loaf was judged the best of sixty entries.", "7 hours ago"),
        ("Road works close the bridge overnight", "Drivers are asked to use the ring road instead.", "2 hours ago"),
    ]
    body = [
        "Under the approved plan, construction will start with the demolition of the two largest warehouses,"
        " which engineers have judged unsafe since a fire damaged their roofs in the winter of 2019.",
        "The council expects the first apartments to be ready within four years. A third of them must be"
        " offered at rents below the market rate, a condition that was added only after weeks of negotiation.",
        "The new school will take up to six hundred pupils and is meant to relieve the crowded primary schools"
        " in the neighbouring districts, where classes have grown steadily over the past ten years.",
        "The fish market will stay in its historic hall, which is to be repaired rather than replaced. Traders"
        " had collected more than four thousand signatures to keep the hall, and the council agreed in the end.",
        "Critics of the plan said the park along the water is too small and that the school should have been"
        " built first, before the apartments, so that new families would not have to wait for places.",
        "The mayor said the district would finally get the attention it deserved, and promised regular public"
        " meetings during the construction so that residents could follow the work and raise complaints.",
    ]
    teasers = [line for record in latest for line in record]
    menu = ["Home", "News", "Local", "Sport", "Weather", "Harbour plan approved after three years of debate"]
    doc = clean(ctx, *menu, *deck, "Advertisement", *teasers, "Advertisement", *body, "Share this article", "Email")
    assert all(line in doc.lines for line in deck + body)
    assert not {"generic.context.after-article", STREAM} & set(dropped(doc).values())


def test_two_dated_comments_each_with_a_reply_button_are_a_thread() -> None:
    lines = ["Artikel", "Anna", "14. März 2026 um 08:12", "Gut so.", "Antworten"]
    lines += ["Ben", "14. März 2026", "Na ja.", "Antworten"]
    kept = [True, False, False, True, False, False, False, True, False]
    assert records.reply_start(lines, kept, [4, 8]) == [3, 7]
    # The text may be dropped too (the line model took it); the stamp and the button mark it.
    assert records.reply_start(lines, [*kept[:7], False, False], [4, 8]) == [3, 7]
    assert records.reply_start(lines, kept, [4]) == []  # one comment: no thread
    # No stamp before a button (an FAQ's answers, an interview): no thread.
    undated = ["Artikel", "Anna", "Gut so.", "Antworten", "Ben", "Na ja.", "Antworten"]
    assert records.reply_start(undated, [True, False, True, False, False, True, False], [3, 6]) == []
    # A stamp the page kept is the article's or a live blog's, not a comment's dropped header.
    assert records.reply_start(lines, [True, False, True, True, False, False, True, True, False], [4, 8]) == []
    # Two comments far apart are not one thread.
    far = [*lines[:5], *["Absatz."] * 8, *lines[5:]]
    assert records.reply_start(far, [*kept[:5], *[True] * 8, *kept[5:]], [4, 16]) == []


def _thread_page(ctx: Context, article: list[str], tail: list[str]) -> Document:
    return clean(ctx, "Neue Radwege für die Ringstraße", *article, *tail)


ARTICLE = [
    LEAD,
    "Der erste Abschnitt zwischen Bahnhof und Stadtpark soll noch in diesem Jahr fertig werden, sagte die"
    " Baudezernentin bei der Vorstellung der Pläne im Rathaus.",
    "Für die übrigen Abschnitte fehlen noch Zusagen des Landes, das einen großen Teil der Kosten tragen soll.",
    "Der Fahrradclub begrüßte die Pläne, forderte aber breitere Wege an den Kreuzungen und mehr Abstellplätze.",
]


def test_a_short_thread_after_the_article_goes_a_live_blog_stays(ctx: Context) -> None:
    comments = [
        "Klaus Berger",
        "14. März 2026 um 08:12 Uhr",
        "Endlich! Ich fahre jeden Tag dort entlang und habe mich oft über die Autos auf dem Radstreifen geärgert.",
        "Antworten",
        "Martina",
        "14. März 2026 um 10:47 Uhr",
        "Und wer räumt im Winter den Schnee von den neuen Wegen? Das hat bisher niemand gesagt.",
        "Antworten",
    ]
    doc = _thread_page(ctx, ARTICLE, comments)
    assert all(line in doc.lines for line in ARTICLE)
    assert comments[2] not in doc.lines and comments[6] not in doc.lines
    assert dropped(doc)[comments[2]] == STREAM
    # A live blog's entries: a stamp and a text each, no reply button: they stay.
    ticker = [
        "14. März 2026, 10:47 Uhr",
        "Die Baudezernentin beantwortet jetzt die Fragen der Anwohner, die Stimmung im Saal ist angespannt.",
        "14. März 2026, 10:12 Uhr",
        "Der Fahrradclub hat vor dem Rathaus Stellung bezogen und verteilt Flugblätter an die Besucher.",
    ]
    doc = _thread_page(ctx, ARTICLE, ticker)
    assert all(line in doc.lines for line in [*ARTICLE, ticker[1], ticker[3]])


THREAD = [
    "On March 3, 2026, at 10:07 PM, radler77 wrote:",
    "Finally. I have been waiting for this lane for years and I will use it every day.",
    "On March 3, 2026, at 10:41 PM, hberger wrote:",
    "Who pays for all of this? The city has no money for the schools.",
    "It will be a building site for years, as always.",
    "On March 4, 2026, at 9:57 AM, anwohner wrote:",
    "I hope it will be wide enough for cargo bikes.",
    "On March 4, 2026, at 10:28 AM, kschulz wrote:",
    "Why not close the whole street to cars instead?",
]
EN_ARTICLE = [
    "The city presented its plans for a cycle lane along the ring road on Tuesday, linking the centre"
    " with the northern districts for the first time.",
    "Work is to start in the spring and take two years, the head of the planning office said, and the"
    " lane will be separated from the traffic by a low kerb along its whole length.",
    "Shops along the route had asked for loading zones, which the plans now include at six places.",
    "The council will vote on the plans in May; the opposition has said it will support them if the"
    " trees along the northern section can stay where they are.",
    "Residents can see the plans in the town hall until the end of the month and send their comments"
    " to the planning office by post or by e-mail.",
]


def test_a_thread_of_comment_headers_after_the_article_goes(ctx: Context) -> None:
    # Four "... wrote:" headers with their times, each 2-8 lines after the one before, are records:
    # the comments between them go with them (`article_end_bylines` holds the header rule).
    doc = clean(ctx, *EN_ARTICLE, *THREAD)
    assert doc.lines == EN_ARTICLE
    assert dropped(doc)[THREAD[1]] == STREAM
    # An article quoting two such e-mails keeps them: two headers are no thread.
    quoted = [*EN_ARTICLE[:2], *THREAD[:4], EN_ARTICLE[2]]
    assert clean(ctx, *quoted).lines == [*EN_ARTICLE[:2], THREAD[1], THREAD[3], EN_ARTICLE[2]]
