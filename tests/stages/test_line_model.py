"""The line model in the chrome stage: its thresholds, what it spares, what its drops record."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from pipeline.core import Context
from pipeline.document import Document
from pipeline.errors import ConfigError
from pipeline.fingerprint import fingerprints_of
from pipeline.rules.features import line_key
from pipeline.stages import line_cues, line_model
from pipeline.stages.chrome import remove_chrome
from tests.stages.test_chrome import P1, P2, P3

LINK = "Zorblat quux"  # no rule knows it: only the model can drop it
CUE = "w2"  # two words: only this line has the cue


def model_file(tmp_path: Path, weights: dict[str, float], bias: float = 2.0, **thresholds: float) -> str:
    t = {"drop_below": 0.2, "keep_above": 0.9, "html_drop_below": 0.02, **thresholds}
    data = {"format": line_model.FORMAT, "version": "t", "thresholds": t, "bias": bias, "weights": weights}
    path = tmp_path / f"model-{len(list(tmp_path.iterdir()))}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def with_model(ctx: Context, path: str) -> Context:
    chrome = dataclasses.replace(ctx.settings.chrome, line_model=path)
    return dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, chrome=chrome))


def clean(ctx: Context, *lines: str, fmt: str = "txt") -> Document:
    doc = Document(id="t", source="t.txt", file="t.txt", metadata={"format": fmt})
    doc.set_text("\n".join(lines))
    return remove_chrome(doc, ctx.rules, ctx.settings.chrome)


def test_a_line_below_the_threshold_goes_with_probability_and_cues(ctx: Context, tmp_path: Path) -> None:
    run = with_model(ctx, model_file(tmp_path, {CUE: -6.0}))
    doc = clean(run, P1, LINK, P2, P3)
    assert doc.lines == [P1, P2, P3]
    (event,) = [e for e in doc.events if e.action == "drop"]
    assert event.rule == "generic.model.line" and event.text == LINK
    assert event.prob is not None and event.prob < 0.2
    assert event.cues and event.cues[0].startswith(CUE + " ")
    record = event.to_record("t")
    assert record["prob"] == event.prob and record["cues"] == event.cues
    assert "p(content)" in record["reason"]


def test_the_threshold_decides(ctx: Context, tmp_path: Path) -> None:
    # sigmoid(2 - 2.5) = 0.38: dropped under a 0.5 threshold, kept under 0.2
    assert LINK not in clean(with_model(ctx, model_file(tmp_path, {CUE: -2.5}, drop_below=0.5)), P1, LINK, P2).lines
    assert LINK in clean(with_model(ctx, model_file(tmp_path, {CUE: -2.5}, drop_below=0.2)), P1, LINK, P2).lines


def test_a_confident_line_is_spared_by_the_context_pass(ctx: Context, tmp_path: Path) -> None:
    menu = "Sport"  # a short line before the article: the context pass drops it...
    assert menu not in clean(ctx, menu, "Économie", P1, P2).lines
    run = with_model(ctx, model_file(tmp_path, {}, bias=5.0, keep_above=0.9))
    assert menu in clean(run, menu, "Économie", P1, P2).lines  # ...unless the model is sure it is content


def test_html_path_keeps_lists_the_extractor_kept(ctx: Context, tmp_path: Path) -> None:
    ingredients = ["- 500 g Mehl", "- 1 Pck. Backpulver", "- 200 ml Milch"]
    run = with_model(ctx, model_file(tmp_path, {}, bias=1.0, html_drop_below=0.02))
    doc = clean(run, P1, P2, *ingredients, fmt="html")
    assert doc.lines == [P1, P2, *ingredients]
    # the same lines as text, without a model: the context pass drops the trailing run
    assert clean(with_model(ctx, ""), P1, P2, *ingredients, fmt="txt").lines == [P1, P2]


def test_shipped_model_loads_and_scores(ctx: Context) -> None:
    model = line_model.load_model(ctx.settings.chrome.line_model)
    assert model is not None and model.weights
    assert 0.0 <= model.html_drop_below <= model.drop_below <= 0.5 < model.keep_above
    doc = clean(ctx, P1, P2, P3)
    assert doc.lines == [P1, P2, P3]


def test_missing_model_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="line_model"):
        line_model.load_model(str(tmp_path / "none.json"))


def test_long_paragraphs_need_stronger_evidence(ctx: Context, tmp_path: Path) -> None:
    long = " ".join(["Enfin"] + ["le conseil a voté le budget"] * 5) + "."  # 31 words: the cue w9
    path = model_file(tmp_path, {CUE: -2.5, "w9": -2.5}, drop_below=0.5, long_drop_below=0.1)  # p = 0.38
    doc = clean(with_model(ctx, path), P1, long, "Zorblat quux", P2)
    assert long in doc.lines and "Zorblat quux" not in doc.lines


def test_the_model_file_is_part_of_the_chrome_fingerprint(ctx: Context, tmp_path: Path) -> None:
    first = fingerprints_of(with_model(ctx, model_file(tmp_path, {CUE: -1.0})).settings)
    second = fingerprints_of(with_model(ctx, model_file(tmp_path, {CUE: -2.0})).settings)
    assert first["chrome"] != second["chrome"]
    assert first["encoding"] == second["encoding"]


def test_html_path_keeps_a_page_that_is_one_list(ctx: Context, tmp_path: Path) -> None:
    calendar = [
        "Spielplan der Saison",
        "1. Runde: 12. März, Hamburg",
        "2. Runde: 9. April, Köln",
        "3. Runde: 7. Mai, Bonn",
    ]
    run = with_model(ctx, model_file(tmp_path, {}, bias=1.0))
    assert clean(run, *calendar, fmt="html").lines == calendar
    # as whole-page text without the line model, its rows (spare.py) stay and its heading goes
    assert clean(ctx, *calendar, fmt="txt").lines == calendar[1:]
    assert clean(ctx, "Spielplan der Saison", "Runde eins", "Runde zwei", fmt="txt").lines == []  # no rows


# The HTML path (with the line model on): what the extractor kept is not second-guessed by shapes,
# and only a second copy of a stretch of text goes as a repeat.
CODE = ["Le filtre s'écrit ainsi :", "    choix = rouge | vert | bleu", "    }"]
LONG1 = (
    "Le conseil municipal a adopté lundi soir le budget primitif de la commune, après trois heures de débats "
    "animés, une suspension de séance et deux amendements de l'opposition rejetés à main levée."
)
LONG2 = (
    "L'opposition a dénoncé une hausse des tarifs de la cantine scolaire, que le maire juge inévitable face à "
    "l'inflation, à la hausse du prix de l'énergie et à la baisse des dotations de l'État."
)


def test_html_path_keeps_preformatted_lines_that_look_like_layout(ctx: Context, tmp_path: Path) -> None:
    run = with_model(ctx, model_file(tmp_path, {}, bias=1.0))
    assert clean(run, P1, *CODE, P2, fmt="html").lines == [P1, *CODE, P2]
    # unindented, the same lines are a menu and a stray symbol
    flat = [line.strip() for line in CODE]
    doc = clean(run, P1, *flat, P2, fmt="html")
    assert doc.lines == [P1, flat[0], P2]
    assert {e.rule for e in doc.events} == {"generic.shape.pipe-menu", "generic.shape.single-symbol"}


def test_html_path_keeps_urls_and_paths_written_in_the_article(ctx: Context, tmp_path: Path) -> None:
    written = ["https://www.example.org/rapport-2024.pdf", "Accueil > Services > Écoles"]
    run = with_model(ctx, model_file(tmp_path, {}, bias=1.0))
    assert clean(run, P1, *written, P2, fmt="html").lines == [P1, *written, P2]
    # in whole-page text they are layout: a bare link, a breadcrumb
    doc = clean(run, P1, *written, P2)
    assert doc.lines == [P1, P2]
    assert {e.rule for e in doc.events} == {"generic.shape.link-only", "generic.shape.breadcrumb"}


def test_html_path_keeps_repeated_questions_and_drops_a_second_copy_of_the_article(
    ctx: Context, tmp_path: Path
) -> None:
    run = with_model(ctx, model_file(tmp_path, {}, bias=1.0))
    question = "Qu'est-ce qui vous a donné envie d'ouvrir ce restaurant ?"
    interview = [P1, question, P2, "Et la cuisine que vous préférez vous-même ?", P3, question, LONG1]
    assert clean(run, *interview, fmt="html").lines == interview
    # the article, then a second copy of its first two long paragraphs: the copy goes
    doc = clean(run, LONG1, LONG2, P3, LONG1, LONG2, fmt="html")
    assert doc.lines == [LONG1, LONG2, P3]
    assert {e.rule for e in doc.events} == {"generic.context.repeated-paragraph"}
    # one long paragraph repeated alone (a pull quote) stays, unless it is the opening one (a lead
    # shown as a summary, then as the article's start)
    assert clean(run, P1, LONG1, P2, LONG1, fmt="html").lines == [P1, LONG1, P2, LONG1]
    assert clean(run, LONG1, LONG1, P2, P3, fmt="html").lines == [LONG1, P2, P3]
    # as whole-page text, a repeated long paragraph goes as before
    assert clean(run, P1, LONG1, P2, LONG1).lines == [P1, LONG1, P2]


def test_hard_wrapped_preformatted_text_is_not_a_page_of_teasers(ctx: Context, tmp_path: Path) -> None:
    run = with_model(ctx, model_file(tmp_path, {}, bias=1.0))
    wrapped = [
        "      Le conseil municipal a adopté lundi soir le budget de la",
        "      commune après trois heures de débats animés en séance publique.",
        "      L'opposition a dénoncé une hausse des tarifs de la cantine",
        "      que le maire juge inévitable face à la hausse des prix.",
        "      Les parents d'élèves réunis en association contestent ce choix",
        "      et demandent un tarif réduit pour les familles nombreuses.",
    ]
    assert clean(run, *wrapped, fmt="html").lines == wrapped
    flat = [line.strip() for line in wrapped]  # unindented: headline, lead, headline, lead
    assert {e.rule for e in clean(run, *flat, fmt="html").events} == {"generic.context.listing"}


def test_furniture_words_of_every_language_are_one_lexical_cue() -> None:
    words = line_cues.chrome_words()
    # one per language of the packs, folded like line keys (Cyrillic "с" is a Latin "c" there)
    for word in ("share", "teilen", "partager", "compartir", "condividi", "delen", "udostępnij", "assinatura"):
        assert word in words, word
    assert "поделиться".replace("с", "c") in words
    stop: frozenset[str] = frozenset()

    def lex(text: str) -> list[str]:
        cues = line_cues.own_cues(text, text.casefold(), "short", stop, 1)
        return [c for c in cues if c.startswith("lex") and "|" not in c]

    assert lex("Teilen") == ["lex1"] and lex("Kommentare Teilen Drucken") == ["lex3"]
    assert lex("Der Gemeinderat hat am Montag den Haushalt beschlossen.") == ["lex0"]


@dataclasses.dataclass
class Stub:
    """A line as the model reads it, without features (the neighbour cues need none)."""

    key: str
    cls: str
    rule: str | None = None

    @property
    def feats(self) -> object:
        return None


def test_a_neighbour_removed_by_a_rule_is_known_by_its_pack() -> None:
    assert line_cues._neighbour(None) == "none"
    assert line_cues._neighbour(Stub("x", "good")) == "good"
    assert line_cues._neighbour(Stub("x", "short", "generic.meta.date-line-intl")) == "rule:meta"
    assert line_cues._neighbour(Stub("x", "short", "generic.comments.comment-widget")) == "rule:comments"
    # site and learned rules, and packs that say nothing about their neighbours, are one kind
    assert line_cues._neighbour(Stub("x", "short", "site.lemonde.menu")) == "rule"
    assert line_cues._neighbour(Stub("x", "short", "learned.example.1a2b")) == "rule"
    assert line_cues._neighbour(Stub("x", "short", "generic.context.isolated-short")) == "rule"


def test_lines_after_a_comment_widget_are_known_as_the_thread() -> None:
    lines = [
        Stub("a", "good"),
        Stub("b", "good"),
        Stub("c", "short", "generic.comments.comment-widget"),
        Stub("d", "good"),
    ]
    visible = [0, 1, 2, 3]
    assert line_cues._thread_start(lines, visible, (0, 3)) == 2
    lines[2].rule = "generic.share.share-intl"
    assert line_cues._thread_start(lines, visible, (0, 3)) == 4  # none: no line is in a thread
    # a comment counter above the article (a teaser's "12 comments") does not open a thread
    lines[0] = Stub("a", "short", "generic.comments.comment-count")
    assert line_cues._thread_start(lines, visible, (1, 3)) == 4


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("nl", "de regering heeft gisteren gezegd dat zij het plan niet meer zal steunen omdat de kosten te hoog zijn"),
        ("pl", "rząd ogłosił wczoraj, że nie będzie już wspierał tego planu, ponieważ jego koszty są bardzo wysokie"),
        ("ru", "правительство заявило, что оно не будет поддерживать этот план, так как расходы уже слишком высоки"),
    ],
)
def test_the_page_language_stopwords_cover_dutch_polish_and_russian(lang: str, sentence: str) -> None:
    """The stopword cue of the model (and the language stage's cheap test) knows these languages too."""
    stop = line_cues.page_stopwords([line_key(sentence)])
    assert stop == line_cues.stopword_lists()[lang]


def test_the_model_never_drops_the_opening_paragraph_of_the_article(ctx: Context, tmp_path: Path) -> None:
    # A lead under a date line reads like a teaser lead (the cue "after a meta rule"): the opening
    # paragraph of the main block stays; the same cue later in the article still lets a line go.
    date = "12.03.2024, 14:35"
    p4 = "La préfecture a promis une réponse avant la fin du mois, ont indiqué les parents d'élèves réunis samedi."
    run = with_model(ctx, model_file(tmp_path, {"p:rule:meta": -6.0}))
    doc = clean(run, date, P1, P2, P3, date, p4)
    assert doc.lines[:3] == [P1, P2, P3] and p4 not in doc.lines
    (event,) = [e for e in doc.events if e.rule == "generic.model.line"]
    assert event.text == p4


def test_a_bulleted_list_beside_article_text_survives_a_button_next_to_it(ctx: Context) -> None:
    ingredients = ["- 500 g Mehl", "- 1 Pck. Backpulver", "- 200 ml Milch"]
    run = with_model(ctx, "")
    doc = clean(run, P1, "Drucken", *ingredients, P2, P3)
    assert doc.lines == [P1, *ingredients, P2, P3]
    # the same short lines without bullets are read as a menu next to removed chrome
    doc = clean(run, P1, "Drucken", *(i[2:] for i in ingredients), P2, P3)
    assert doc.lines == [P1, P2, P3]
