"""Every numeric threshold of the chrome classifier, tested just below and just at/above it (as
jusText's tests do): a change of a bound, or of the comparison at it, fails one of each pair.

Thresholds come from the settings (`[chrome]`) or the module; the tests read them rather than
repeat them, and build lines of exactly the length that sits on the bound.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest

from pipeline.document import Document
from pipeline.rules.features import LineFeatures
from pipeline.rules.loader import load_ruleset
from pipeline.settings import ChromeSettings, Settings
from pipeline.stages import chrome
from pipeline.stages.chrome import Line

# Distinct words, so that word pairs (near-duplicates) are distinct too.
_TEXT = (
    "le conseil municipal vote mardi budget annuel hausse écoles quartiers nord travaux piscine gymnase "
    "rénovation toiture chauffage parents élèves cantine tarifs maire adjoint opposition débat séance "
    "public rapport cour comptes région département État dotation fiscalité taxe foncière habitants "
    "commerçants marché place église mairie parking voirie trottoirs éclairage sécurité police emploi"
)
VOCAB = _TEXT.split()


def words(n: int, end: str = "", start: int = 0) -> str:
    return " ".join(VOCAB[(start + i) % len(VOCAB)] + ("" if start + i < len(VOCAB) else "x") for i in range(n)) + end


def lines(settings: ChromeSettings, *texts: str) -> list[Line]:
    return [chrome._line(t, settings) for t in texts]


@pytest.fixture
def cs(settings: Settings) -> ChromeSettings:
    return settings.chrome


def test_words_are_what_the_tests_think() -> None:
    assert LineFeatures.of(words(47, ".")).words == 47 and LineFeatures.of(words(3, ".")).terminal


# ---- line classes (settings: good_min_words, long_min_words)


def test_good_min_words(cs: ChromeSettings) -> None:
    n = cs.good_min_words
    assert chrome.classify(words(n - 1, "."), cs) == "short"
    assert chrome.classify(words(n, "."), cs) == "good"


def test_long_min_words(cs: ChromeSettings) -> None:
    n = cs.long_min_words
    assert chrome.classify(words(n - 1), cs) == "short"  # no terminal punctuation
    assert chrome.classify(words(n), cs) == "good"


# ---- headlines under a block marker (settings: headline_max_words; questions up to 20 words)


def test_headline_max_words(cs: ChromeSettings) -> None:
    wide = dataclasses.replace(cs, long_min_words=200)  # keep the lines short whatever their length
    n = wide.headline_max_words
    at, over = lines(wide, words(n), words(n + 1))
    assert chrome._headline_like(at, wide)
    assert not chrome._headline_like(over, wide)


def test_question_headline_words(cs: ChromeSettings) -> None:
    # A sentence-like line ending in "?" is a headline up to 20 words ("Que faire si ...?").
    at, over = lines(cs, words(20, " ?"), words(21, " ?"))
    assert at.cls == over.cls == "good"
    assert chrome._headline_like(at, cs)
    assert not chrome._headline_like(over, cs)


def test_comma_list_items(cs: ChromeSettings) -> None:
    # Four or more items (three commas) of at most 60 characters: a tag list, however long the line.
    wide = dataclasses.replace(cs, headline_max_words=5)  # longer than a headline: only the list shape counts
    four = ", ".join(words(5, start=5 * k) for k in range(4))
    three = ", ".join(words(5, start=5 * k) for k in range(3)) + " " + words(5, start=15)
    assert three.count(",") == 2 and max(len(item) for item in four.split(", ")) <= 60
    assert chrome._headline_like(lines(wide, four)[0], wide)
    assert not chrome._headline_like(lines(wide, three)[0], wide)
    item = "ab " * 19 + "abc"  # 60 characters, 20 words
    assert len(item) == 60
    assert chrome._headline_like(lines(wide, ",".join([item] * 4))[0], wide)
    assert not chrome._headline_like(lines(wide, ",".join([item + "d"] * 4))[0], wide)


def test_to_end_block_yields_to_more_text_after_it(cs: ChromeSettings) -> None:
    # A "to the end" marker takes the rest unless more sentence-like words follow than precede it.
    even = lines(cs, words(30, "."), "Marker", words(30, ".", start=30))
    more = lines(cs, words(30, "."), "Marker", words(31, ".", start=30))
    assert not chrome._main_text_follows(even, 1)
    assert chrome._main_text_follows(more, 1)


# ---- repeats (settings: dedup_min_chars, near_dup_min_words, near_dup_containment, long_min_words)


def sized(n: int, start: int = 0) -> str:
    """A line of exactly n characters and fewer words than a near-duplicate needs."""
    base = words(4, start=start)
    return (base + " " + "z" * n)[:n]


def test_dedup_min_chars(cs: ChromeSettings) -> None:
    n = cs.dedup_min_chars
    for size, dropped in ((n - 1, False), (n, True)):
        a, b = sized(size), sized(size, start=10)
        page = lines(cs, a, b, a, b)  # a repeated block: both second copies go, if long enough
        chrome.drop_repeats(page, cs)
        assert [line.rule is not None for line in page] == [False, False, dropped, dropped], size


def test_a_lone_exact_repeat_goes_from_long_min_words(cs: ChromeSettings) -> None:
    n = cs.long_min_words
    for size, dropped in ((n - 1, False), (n, True)):
        a = words(size)
        page = lines(cs, a, words(30, ".", start=40), a)
        chrome.drop_repeats(page, cs)
        assert page[2].rule == (chrome.REPEATED if dropped else None), size


def near_pair(n: int, shared: int) -> tuple[str, str]:
    """Two n-word lines whose first `shared` words are the same, the rest different."""
    return words(n, "."), words(shared) + " " + words(n - shared, ".", start=n + 5)


def test_near_dup_min_words(cs: ChromeSettings) -> None:
    n = cs.near_dup_min_words
    for size, dropped in ((n - 1, False), (n, True)):
        first, second = near_pair(size, size - 1)  # all word pairs but one shared
        page = lines(cs, first, second)
        assert page[1].feats.chars >= cs.dedup_min_chars
        chrome.drop_repeats(page, cs)
        assert page[1].rule == (chrome.NEAR if dropped else None), size


def test_near_dup_containment(cs: ChromeSettings) -> None:
    n = 21  # 20 word pairs
    need = math.ceil(cs.near_dup_containment * (n - 1) - 1e-9)
    for shared_pairs, dropped in ((need - 1, False), (need, True)):
        first, second = near_pair(n, shared_pairs + 1)
        page = lines(cs, first, second)
        chrome.drop_repeats(page, cs)
        assert page[1].rule == (chrome.NEAR if dropped else None), shared_pairs


# ---- context (title: 3 words; a page of teasers: 3 pairs, headline 4 words, lead 45 words, 2 sentences)


def test_title_min_words(cs: ChromeSettings) -> None:
    for size, title in ((2, None), (3, 0)):
        page = lines(cs, words(size), words(30, "."), words(30, ".", start=30))
        assert chrome.apply_context(page) == title, size


def teasers(cs: ChromeSettings, headline_words: int = 4, lead: str = "", pairs: int = 3) -> list[Line]:
    lead = lead or words(20, ".", start=20)
    page = [words(headline_words), lead]
    for n in range(1, pairs):
        page += [words(headline_words, start=50 * n), words(20, ".", start=50 * n + 10)]
    return lines(cs, *page)


def is_listing(page: list[Line]) -> bool:
    visible = [i for i, line in enumerate(page) if line.cls != "empty"]
    return chrome.is_listing(page, visible, [i for i in visible if page[i].cls == "good"])


def test_listing_min_pairs(cs: ChromeSettings) -> None:
    assert not is_listing(teasers(cs, pairs=2))  # or a short article with a subheading
    assert is_listing(teasers(cs, pairs=3))
    # two pairs and a third headline without a lead (a section page): a listing
    assert is_listing(teasers(cs, pairs=2) + lines(cs, words(4, start=200)))
    assert not is_listing(teasers(cs, pairs=2) + lines(cs, words(3, start=200)))


def test_listing_headline_min_words(cs: ChromeSettings) -> None:
    assert not is_listing(teasers(cs, headline_words=3))
    assert is_listing(teasers(cs, headline_words=4))


def test_listing_lead_max_words(cs: ChromeSettings) -> None:
    assert is_listing(teasers(cs, lead=words(45, ".", start=20)))
    assert not is_listing(teasers(cs, lead=words(46, ".", start=20)))


def test_listing_lead_max_sentences(cs: ChromeSettings) -> None:
    two = f"{words(6, '.')} {words(6, '.', start=6)}"
    three = f"{two} {words(6, '.', start=12)}"
    assert is_listing(teasers(cs, lead=two))
    assert not is_listing(teasers(cs, lead=three))


def test_teaser_only_at_most_one_paragraph(cs: ChromeSettings) -> None:
    for paragraphs, stub in ((1, True), (2, False)):
        page = lines(cs, *(words(30, ".", start=30 * k) for k in range(paragraphs)), "Réservé aux abonnés")
        page[-1].rule = "t.wall"
        chrome.drop_paywall_stub(page, frozenset({"t.wall"}))
        assert (page[0].rule == chrome.TEASER) is stub, paragraphs


# ---- site markers are looked for in the first and last _SITE_SCAN_LINES lines


def test_site_scan_lines(tmp_path: Path) -> None:
    (tmp_path / "s.toml").write_text('[pack]\nid = "s"\n[site]\nid = "here"\ndetect = ["^marqueur du site$"]\n')
    ruleset = load_ruleset([], [tmp_path])
    n = chrome._SITE_SCAN_LINES
    filler = [words(12, ".", start=k) for k in range(3 * n)]
    for at, found in ((n - 1, 1), (n, 0), (3 * n - n, 1), (3 * n - n - 1, 0)):
        doc = Document(id="t", source="t.txt", file="t.txt")
        doc.set_text("\n".join([*filler[:at], "Marqueur du site", *filler[at + 1 :]]))
        assert chrome.marker_scores(doc, ruleset) == {"here": found}, at


def test_teaser_pairs_framed_by_a_share_bar_are_an_article(cs: ChromeSettings) -> None:
    """A guide in sections, an unnumbered FAQ: each subheading over one sentence, like teasers, but
    with the article's share bar right above or below them; a section front carries none."""

    def framed(above: bool, below: bool) -> bool:
        page = [*lines(cs, "Teilen"), *teasers(cs), *lines(cs, "Drucken")]
        page[0].rule = "generic.share.x" if above else None
        page[-1].rule = "generic.share.x" if below else "generic.footer.x"
        if not above:
            page = page[1:]
        visible = [i for i, line in enumerate(page) if line.cls != "empty"]
        good = [i for i in visible if page[i].cls == "good"]
        return not chrome.is_listing(page, visible, good, framers=("generic.share.",))

    assert framed(above=True, below=False) and framed(above=False, below=True)
    assert not framed(above=False, below=False)  # a footer's line is no article's furniture


def test_paragraph_words_between_paragraphs(cs: ChromeSettings) -> None:
    """The model's drop of a paragraph between two kept paragraphs of `PARAGRAPH_WORDS` words or more
    is undone (`chrome._between_paragraphs`); one word fewer on a side, or a side the model drops
    too or a rule took, and it stands."""
    n = chrome.PARAGRAPH_WORDS
    page = lines(cs, words(n, ".", 0), words(n, ".", 60), words(n, ".", 120))
    assert chrome._between_paragraphs(page, {1}) == {1}
    assert chrome._between_paragraphs(page, {1, 2}) == set()  # (the next one goes too: no paragraph)
    assert chrome._between_paragraphs(page, {0, 1, 2}) == set()
    short = lines(cs, words(n, ".", 0), words(n, ".", 60), words(n - 1, ".", 120))
    assert chrome._between_paragraphs(short, {1}) == set()
    short_middle = lines(cs, words(n, ".", 0), words(n - 1, ".", 60), words(n, ".", 120))
    assert chrome._between_paragraphs(short_middle, {1}) == set()
    taken = lines(cs, words(n, ".", 0), words(n, ".", 60), words(n, ".", 120))
    taken[2].rule = "generic.share.newsletter"
    assert chrome._between_paragraphs(taken, {1}) == set()
    gapped = lines(cs, words(n, ".", 0), "", words(n, ".", 60), "", words(n, ".", 120))
    assert chrome._between_paragraphs(gapped, {2}) == {2}  # (empty lines between paragraphs are no gap)
