"""Language stage: accuracy, determinism, backend fidelity, decisions and paragraph drops.

Data: tests/data/languages/ (README there). Print the accuracy table with

    .venv/bin/python -m pytest tests/stages/test_language.py -k accuracy -s
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections import Counter
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from pipeline.core import Context, LanguageStep, clean_document
from pipeline.document import Document
from pipeline.settings import LanguageSettings, load_settings
from pipeline.stages.language import (
    FOREIGN_RULE,
    LOW_PROB_RULE,
    _backend,
    check_language,
    detect,
    sample,
    stopword_share,
)
from tests.conftest import LANGUAGES, ROOT

DATA = LANGUAGES
LANGS = ("fr", "en", "de", "es", "it", "pt", "ru", "ar")
SETTINGS = load_settings()
LANG = SETTINGS.language


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@cache
def texts() -> list[dict[str, Any]]:
    return [record for lang in LANGS for record in read_jsonl(DATA / f"{lang}.jsonl")]


@cache
def paragraph_cases() -> list[dict[str, Any]]:
    return read_jsonl(DATA / "paragraphs.jsonl")


@cache
def pages() -> dict[str, str]:
    folders = [ROOT / "seeds", ROOT / "tests/devset/pages", ROOT / "tests/devset/holdout/pages"]
    return {p.stem: p.read_text(encoding="utf-8") for folder in folders for p in sorted(folder.glob("*.txt"))}


def doc_sample(text: str, settings: LanguageSettings = LANG) -> str:
    """What check_language detects on: a bounded sample of the document's paragraphs."""
    return sample(text.split("\n"), settings.sample_chars)


def document(*paragraphs: str, site: str | None = None) -> Document:
    doc = Document(id="t", source="t.txt", file="t.txt", site=site)
    doc.set_text("\n".join(paragraphs))
    return doc


def accepting(*langs: str, **changes: Any) -> LanguageSettings:
    return dataclasses.replace(LANG, accept=langs, **changes)


# --- document-level accuracy ----------------------------------------------------------------


def test_data_set_is_complete() -> None:
    counts = Counter(record["lang"] for record in texts())
    assert set(counts) == set(LANGS) and min(counts.values()) >= 20, counts
    assert len(paragraph_cases()) >= 30


def test_document_accuracy() -> None:
    confusion: Counter[tuple[str, str | None]] = Counter()
    for record in texts():
        confusion[record["lang"], detect(doc_sample(record["text"]), LANG)[0]] += 1
    right = sum(n for (truth, found), n in confusion.items() if truth == found)
    accuracy = right / len(texts())
    print(_confusion_table(confusion, accuracy))
    assert accuracy >= 0.99


def _confusion_table(confusion: Counter[tuple[str, str | None]], accuracy: float) -> str:
    found = sorted({f or "none" for _, f in confusion})
    lines = [f"document accuracy {accuracy:.1%} on {sum(confusion.values())} texts ({LANG.backend}, seed {LANG.seed})"]
    lines.append("truth\\found " + "".join(f"{f:>5}" for f in found))
    for truth in LANGS:
        row = "".join(f"{confusion[truth, None if f == 'none' else f] or '.':>5}" for f in found)
        lines.append(f"{truth:<12}{row}")
    return "\n".join(lines)


# --- determinism ----------------------------------------------------------------------------


def _detection_inputs() -> list[str]:
    """Every text the tests detect on: document samples, paragraphs, page samples and page lines."""
    inputs = [doc_sample(record["text"]) for record in texts()]
    inputs += [p for case in paragraph_cases() for p in case["paragraphs"]]
    inputs += [doc_sample(text) for text in pages().values()]
    inputs += sorted({line for text in pages().values() for line in text.split("\n") if len(line) >= 20})
    return inputs


_CHILD = """
import json, sys
from pipeline.settings import load_settings
from pipeline.stages.language import detect
settings = load_settings().language
inputs = json.load(sys.stdin)
json.dump([detect(text, settings) for text in inputs], sys.stdout)
"""


def _fresh_process(inputs: list[str], hash_seed: str) -> list[list[Any]]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    run = subprocess.run(
        [sys.executable, "-c", _CHILD], input=json.dumps(inputs), capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_same_answers_in_two_fresh_processes() -> None:
    inputs = _detection_inputs()
    first, second = _fresh_process(inputs, "1"), _fresh_process(inputs, "2")
    here = [list(detect(text, LANG)) for text in inputs]
    assert first == second == here


def test_same_answers_on_repeated_calls() -> None:
    inputs = _detection_inputs()[:300]
    first = [detect(text, LANG) for text in inputs]
    assert [detect(text, LANG) for text in reversed(inputs)] == first[::-1]
    assert [detect(text, LANG) for text in inputs] == first


# --- langdetect-rs is langdetect ------------------------------------------------------------


def _all_answers(module: ModuleType, text: str) -> list[tuple[str, float]] | str:
    try:
        return [(found.lang, found.prob) for found in module.detect_langs(text)]
    except module.LangDetectException as e:
        return f"error: {e}"


def test_langdetect_rs_gives_langdetect_answers_exactly() -> None:
    """Every language and probability, compared as floats with ==, with the configured seed."""
    reference, fast = _backend("langdetect", LANG.seed), _backend("langdetect-rs", LANG.seed)
    inputs = _detection_inputs()
    differ = [text[:60] for text in inputs if _all_answers(reference, text) != _all_answers(fast, text)]
    assert not differ
    assert len(inputs) > 1000


def test_backends_agree_through_detect() -> None:
    reference = dataclasses.replace(LANG, backend="langdetect")
    for text in _detection_inputs()[:200]:
        assert detect(text, reference) == detect(text, LANG)


# --- check_language on documents ------------------------------------------------------------


def _records(lang: str) -> list[dict[str, Any]]:
    return [record for record in texts() if record["lang"] == lang]


def test_rejection_names_the_language_and_probability() -> None:
    doc = check_language(document(*_records("en")[0]["text"].split("\n")), LANG)
    assert (doc.status, doc.lang, doc.lang_prob) == ("rejected", "en", 1.0)
    assert doc.reason == "language: detected en (p=1.00), accepted: fr"
    assert [(e.stage, e.action, e.rule) for e in doc.events] == [("language", "reject", "language.not-accepted")]


def test_default_accepts_french_and_rejects_the_rest() -> None:
    decisions: Counter[tuple[str, str]] = Counter()
    for record in texts():
        doc = check_language(document(*record["text"].split("\n")), LANG)
        decisions[record["lang"], doc.status] += 1
    assert decisions == Counter({(lang, "ok" if lang == "fr" else "rejected"): 25 for lang in LANGS})


def test_languages_any_accepts_everything() -> None:
    anything = SETTINGS.with_languages("any").language
    for record in texts():
        doc = check_language(document(*record["text"].split("\n")), anything)
        assert (doc.status, doc.lang) == ("ok", record["lang"]), record["id"]


def test_with_languages_list() -> None:
    two = SETTINGS.with_languages("fr, EN").language
    assert two.accept == ("fr", "en")
    assert check_language(document(_records("en")[1]["text"]), two).status == "ok"
    assert check_language(document(_records("de")[1]["text"]), two).status == "rejected"


def test_site_languages_never_widen_the_accepted_ones() -> None:
    """`[language] accept` / `--languages` is what the user gets, whatever the site publishes."""
    ctx = Context.load(SETTINGS)
    assert ctx.rules.sites["sputnik"].site is not None and "en" in ctx.rules.sites["sputnik"].site.languages
    english = _records("en")[2]["text"].split("\n")
    for site in ("sputnik", "xinhua", None):
        doc = LanguageStep(ctx)(document(*english, site=site))
        assert (doc.status, doc.reason) == ("rejected", "language: detected en (p=1.00), accepted: fr"), site
    assert LanguageStep(Context.load(SETTINGS.with_languages("en")))(document(*english, site="sputnik")).status == "ok"


def test_languages_option_rejects_the_french_seeds() -> None:
    """`--languages de` on the (French) seeds: every page rejected as not accepted, none delivered."""
    ctx = Context.load(SETTINGS.with_languages("de"))
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    assert seeds
    for path in seeds:
        doc = clean_document(
            Document(id=path.stem, source=path.name, file=path.name), path.read_text(encoding="utf-8"), ctx
        )
        assert doc.status == "rejected" and doc.reason.startswith("language: detected fr"), (path.name, doc.reason)
        assert doc.events[-1].rule == "language.not-accepted"


# A French-English mixture that langdetect is unsure about.
MIXED = (
    "Le conseil municipal a adopté jeudi soir le budget de la commune après trois heures de débats. "
    "The city council approved the town budget on Thursday night after three hours of debate. "
    "Il consiglio comunale ha approvato giovedì sera il bilancio del comune dopo tre ore di dibattito."
)


def test_min_prob_both_sides() -> None:
    lang, prob = detect(MIXED, LANG)
    assert lang == "fr" and prob < LANG.min_prob and len(MIXED) >= LANG.short_doc_chars
    doc = check_language(document(MIXED), LANG)
    assert doc.status == "rejected"
    assert doc.reason == f"language: fr with p={prob:.2f} is below min_prob {LANG.min_prob}"
    assert doc.events[-1].rule == "language.low-probability"
    assert check_language(document(MIXED), dataclasses.replace(LANG, min_prob=prob)).status == "ok"


# Latin: langdetect has no Latin profile, so its best guess is unsure (Catalan, p about 0.71).
LATIN = (
    "Gallia est omnis divisa in partes tres, quarum unam incolunt Belgae, aliam Aquitani, tertiam qui ipsorum "
    "lingua Celtae, nostra Galli appellantur. Hi omnes lingua, institutis, legibus inter se differunt."
)
# Three long paragraphs, each sure of its own language: the page as a whole is not.
TRILINGUAL = (
    "Le conseil municipal a adopté jeudi soir le budget de la commune après trois heures de débats animés et "
    "une longue suspension de séance.",
    "The city council approved the town budget on Thursday night after three hours of heated debate and a long "
    "adjournment of the session.",
    "Il consiglio comunale ha approvato giovedì sera il bilancio del comune dopo tre ore di dibattito acceso e "
    "una lunga sospensione.",
)


@pytest.mark.parametrize("paragraphs", [(MIXED,), (LATIN,), TRILINGUAL], ids=["mixed", "latin", "trilingual"])
def test_any_language_delivers_an_unsure_text_with_its_best_guess(paragraphs: tuple[str, ...]) -> None:
    """With `any`, which language it is does not decide delivery: a low probability is a note, not a reject."""
    anything = SETTINGS.with_languages("any").language
    guess, prob = detect(doc_sample("\n".join(paragraphs)), anything)
    assert guess is not None and prob < anything.min_prob
    doc = check_language(document(*paragraphs), anything)
    assert (doc.status, doc.lang, doc.lang_prob, doc.lines) == ("ok", guess, prob, list(paragraphs))
    assert [(e.action, e.rule) for e in doc.events] == [("note", LOW_PROB_RULE)]
    assert f"p={prob:.2f} is below min_prob" in doc.events[0].reason
    # A named language still needs a sure guess: the same text is rejected when it is the one accepted.
    rejected = check_language(document(*paragraphs), accepting(guess))
    assert (rejected.status, rejected.events[-1].rule) == ("rejected", LOW_PROB_RULE)


def test_an_unsure_document_language_makes_no_paragraph_foreign() -> None:
    # Each paragraph is sure of its language (p >= paragraph_min_prob), but against an unsure page
    # language none of them is "foreign": dropping two of three would throw away a kept page's text.
    anything = SETTINGS.with_languages("any").language
    assert all(detect(p, anything)[1] >= anything.paragraph_min_prob for p in TRILINGUAL)
    assert all(len(p) >= anything.paragraph_min_chars for p in TRILINGUAL)
    assert dropped(check_language(document(*TRILINGUAL), anything)) == []
    # ... while next to a sure French page the English paragraph goes.
    assert dropped(check_language(document(FR1, TRILINGUAL[1], FR2, FR3), anything)) == [1]


def test_short_doc_chars_both_sides() -> None:
    at_limit = dataclasses.replace(LANG, short_doc_chars=len(MIXED))
    above = dataclasses.replace(LANG, short_doc_chars=len(MIXED) + 1)
    assert check_language(document(MIXED), at_limit).status == "rejected"
    doc = check_language(document(MIXED), above)
    assert (doc.status, doc.lang, doc.events) == ("ok", "fr", [])


def test_too_little_text_is_not_judged() -> None:
    short = "Publié le 3 mai 2024 à 10h"
    assert len(short) < LANG.min_doc_chars
    doc = check_language(document(short), LANG)
    assert (doc.status, doc.lang, doc.events) == ("ok", None, [])


def test_text_without_letters_is_undetected() -> None:
    doc = check_language(document("12/05/2024 — 14:30 — 3 210 — 45 % — 17,5 € — 2023 — 2024 — 99"), LANG)
    assert (doc.status, doc.events[-1].rule) == ("rejected", "language.undetected")


# --- paragraph level ------------------------------------------------------------------------


def dropped(doc: Document) -> list[int]:
    """0-based input line indexes of the paragraphs the language stage dropped."""
    return [e.line - 1 for e in doc.events if e.rule == FOREIGN_RULE and e.line is not None]


@pytest.mark.parametrize("case", paragraph_cases(), ids=[case["id"] for case in paragraph_cases()])
def test_foreign_paragraphs_are_dropped_and_the_rest_kept(case: dict[str, Any]) -> None:
    doc = check_language(document(*case["paragraphs"]), accepting(case["doc_lang"]))
    assert (doc.status, doc.lang) == ("ok", case["doc_lang"])
    assert dropped(doc) == sorted(case["foreign"]), case["note"]
    kept = [p for i, p in enumerate(case["paragraphs"]) if i not in case["foreign"]]
    assert doc.lines == kept
    for event, index in zip(doc.events, dropped(doc), strict=True):
        assert (event.stage, event.action) == ("language", "drop")
        assert f" inside a {case['doc_lang']} document" in event.reason
        assert event.text == case["paragraphs"][index]


FR1 = (
    "Le conseil municipal a adopté jeudi soir, par 31 voix contre 12, le budget primitif de la commune, "
    "après plus de trois heures de débats animés."
)
FR2 = (
    "L'opposition a dénoncé une hausse des tarifs de la cantine scolaire, que le maire juge inévitable face "
    "à l'inflation et à la baisse des dotations de l'État."
)
FR3 = "Les travaux de rénovation de l'école Jean-Jaurès commenceront en septembre et dureront au moins deux ans."
EN_LONG = (
    "We use cookies to improve your experience on our website. By continuing to browse, you agree to our use "
    "of cookies and to our privacy policy."
)
CATALAN = (
    "Els veïns de la ciutat reclamen que l'ajuntament obri les piscines municipals a l'estiu, però la regidora "
    "diu que no hi ha pressupost per a les obres."
)


def _paragraph_drops(paragraph: str, **changes: Any) -> list[int]:
    return dropped(check_language(document(FR1, paragraph, FR2, FR3), accepting("fr", **changes)))


def test_paragraph_min_chars_both_sides() -> None:
    assert _paragraph_drops(EN_LONG, paragraph_min_chars=len(EN_LONG)) == [1]
    assert _paragraph_drops(EN_LONG, paragraph_min_chars=len(EN_LONG) + 1) == []


def test_paragraph_min_prob_both_sides() -> None:
    _, prob = detect(CATALAN, LANG)
    checked = {"paragraph_stopword_share": 1.0}  # make sure the paragraph is looked at
    assert _paragraph_drops(CATALAN, paragraph_min_prob=prob, **checked) == [1]
    assert _paragraph_drops(CATALAN, paragraph_min_prob=prob + 0.0001, **checked) == []


def test_paragraph_stopword_share_both_sides() -> None:
    # Catalan shares many function words with French: it reads as French up to its share.
    share = stopword_share(CATALAN, "fr")
    assert 0.2 < share < 0.5
    assert _paragraph_drops(CATALAN, paragraph_stopword_share=share) == []
    assert _paragraph_drops(CATALAN, paragraph_stopword_share=share + 0.001) == [1]


def test_stopwords_shared_with_another_language_do_not_hide_it() -> None:
    spanish = (
        "Utilizamos cookies propias y de terceros para mejorar nuestros servicios y mostrarle publicidad "
        "relacionada con sus preferencias mediante el análisis de sus hábitos de navegación."
    )
    assert stopword_share(spanish, "fr") >= LANG.paragraph_stopword_share
    assert stopword_share(spanish, "es") > stopword_share(spanish, "fr")
    assert _paragraph_drops(spanish) == [1]


def test_short_paragraph_goes_only_with_a_foreign_neighbour() -> None:
    heading = "Manage your privacy and cookie preferences"
    assert len(heading) < LANG.paragraph_min_chars
    doc = check_language(document(FR1, heading, EN_LONG, "Accept all cookies", FR2, FR3), LANG)
    assert dropped(doc) == [1, 2, 3]
    assert doc.lines == [FR1, FR2, FR3]
    assert "a short paragraph next to a foreign one" in doc.events[0].reason
    alone = check_language(document(FR1, heading, FR2, FR3), LANG)
    assert dropped(alone) == []
    french_heading = check_language(document(FR1, "Le budget de la commune adopté", EN_LONG, FR2, FR3), LANG)
    assert dropped(french_heading) == [2]


def test_a_table_row_is_never_foreign() -> None:
    # An HTML extractor writes a table's rows as `| a | b |`: names and numbers, no prose to guess from.
    cells = ["12 mai", "Giovanni Rossi", "Milano", "Torino", "Firenze", "Napoli", "Roma", "Bologna", "Genova"]
    row = "| " + " | ".join([*cells, "Venezia", "1:23:45"]) + " |"
    assert len(row) >= LANG.paragraph_min_chars and detect(row, LANG)[0] == "it"
    assert _paragraph_drops(row) == []
    assert _paragraph_drops(row.replace("|", ",").strip(", ")) == [1]  # the same words as a paragraph


def test_paragraph_check_can_be_switched_off() -> None:
    doc = check_language(document(FR1, EN_LONG, FR2, FR3), accepting("fr", paragraph_check=False))
    assert (doc.status, dropped(doc), len(doc.lines)) == ("ok", [], 4)


def test_dropped_lines_keep_their_input_numbers() -> None:
    doc = document(FR1, "", EN_LONG, "", FR2, FR3)
    doc.line_numbers = [10, 11, 12, 13, 14, 15]
    doc = check_language(doc, LANG)
    assert [e.line for e in doc.events] == [12]
    assert doc.line_numbers == [10, 11, 13, 14, 15]


def test_an_indented_short_line_is_short() -> None:
    # Preformatted text keeps its indentation on the HTML path (a novel's dialogue, a poem): the
    # line is as short as its words, however far it is indented.
    line = "The council has not decided yet what to do with the old library."
    assert len(line) < LANG.paragraph_min_chars <= len(" " * 60 + line)
    assert _paragraph_drops(" " * 60 + line) == []
    assert _paragraph_drops(line + " " + line) == [1]  # the same words as a long paragraph go
