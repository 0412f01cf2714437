"""Layout detection, unwrapping of hard-wrapped text and Markdown to paragraphs."""

from __future__ import annotations

import dataclasses
import itertools
import textwrap
from pathlib import Path

import pytest

from pipeline.document import Document
from pipeline.errors import ConfigError
from pipeline.fingerprint import fingerprints_of
from pipeline.settings import LayoutSettings, load_settings
from pipeline.stages.layout import LINES, MARKDOWN, MARKDOWN_WRAPPED, WRAPPED, detect, normalise_layout
from pipeline.stages.markdown import IMAGE, LINK_LINE, NAV_LIST, to_blocks
from pipeline.stages.unwrap import unwrap

S = LayoutSettings()
P1 = ("Le conseil municipal a adopté lundi soir le budget primitif de la commune après trois heures de "
      "débats animés, marqués par plusieurs interventions de l'opposition sur la fiscalité locale.")  # fmt: skip
P2 = ("La maire a rappelé que les taux resteraient inchangés pour la troisième année consécutive, malgré "
      "la hausse des prix de l'énergie et la baisse des dotations de l'État aux collectivités.")  # fmt: skip
P3 = ("Les travaux de la piscine intercommunale commenceront au printemps, pour une ouverture prévue à "
      "la rentrée de septembre, selon le calendrier présenté par l'adjoint chargé des sports.")  # fmt: skip


def doc_of(text: str) -> Document:
    doc = Document(id="d", source="s", file="s")
    doc.set_text(text)
    return doc


def wrapped(paragraphs: list[str], width: int, sep: str = "\n") -> str:
    return sep.join(textwrap.fill(p, width) if len(p) > width else p for p in paragraphs)


def test_one_block_a_line_is_left_alone() -> None:
    text = "\n".join(["Accueil", "Politique", P1, P2, "Partager", P3, "Mentions légales"])
    doc = doc_of(text)
    normalise_layout(doc, S)
    assert doc.metadata["layout"] == LINES and doc.text == text and not doc.events


def test_wrapped_text_is_detected_with_its_width() -> None:
    for width in (60, 72, 80, 100):
        layout = detect(wrapped([P1, P2, P3, P1 + " " + P2], width).split("\n"), S)
        # the longest line: the width itself, or a little less when no line happens to reach it
        assert layout.kind == WRAPPED and width - 3 <= (layout.width or 0) <= width, layout


def test_unwrap_with_and_without_blank_lines_keeps_line_ranges() -> None:
    for sep in ("\n", "\n\n"):
        doc = doc_of(wrapped(["Accueil", P1, P2, "Partager", P3], 72, sep))
        normalise_layout(doc, S)
        assert doc.lines == ["Accueil", P1, P2, "Partager", P3]
        assert doc.metadata == {"layout": WRAPPED, "layout_width": 72}
        p1_lines = len(textwrap.wrap(P1, 72))
        step = 2 if sep == "\n\n" else 1
        assert doc.line_numbers[:2] == [1, 1 + step]
        assert doc.spans[0] == [1 + step, 1 + step + p1_lines - 1]
        assert doc.events[-1].rule == "layout.wrapped"


def test_unwrapping_records_where_input_lines_were_joined() -> None:
    doc = doc_of(wrapped(["Accueil", P1, P2], 72))
    normalise_layout(doc, S)
    joins = {j[0]: j[1:] for j in doc.joins}
    for text, first in zip(doc.lines[1:], doc.line_numbers[1:], strict=True):
        cuts = [0, *joins[first], len(text)]
        assert [text[a:b].strip() for a, b in itertools.pairwise(cuts)] == textwrap.wrap(text, 72)
    assert doc.line_numbers[0] not in joins  # one input line: nothing joined


def test_short_chrome_lines_stay_lines_of_their_own() -> None:
    lines = ["Accueil", "Politique", "Sport", *textwrap.wrap(P1, 72), "Lire aussi", "Partager", *textwrap.wrap(P2, 72)]
    blocks = unwrap(lines, list(range(1, len(lines) + 1)), 72)
    assert [b.text for b in blocks] == ["Accueil", "Politique", "Sport", P1, "Lire aussi", "Partager", P2]


def test_hyphenated_breaks_indented_paragraphs_and_lists() -> None:
    text = "Un projet bien-aimé des habitants qui attendaient depuis des années le bien-\nfondé de la décision."
    blocks = unwrap(text.split("\n"), [1, 2], 80)
    assert [b.text for b in blocks] == [text.replace("-\n", "-")]
    indented = textwrap.wrap(P1, 64, initial_indent="    ") + textwrap.wrap(P2, 64, initial_indent="    ")
    assert [b.text for b in unwrap(indented, list(range(len(indented))), 64)] == [P1, P2]
    block = textwrap.wrap(P1, 64, initial_indent="  ", subsequent_indent="  ") + textwrap.wrap(P2, 64)
    assert [b.text for b in unwrap(block, list(range(len(block))), 64)] == [P1, P2]
    items = textwrap.wrap("- " + P1, 72, subsequent_indent="  ") + textwrap.wrap("- " + P2, 72, subsequent_indent="  ")
    assert [b.text for b in unwrap(items, list(range(len(items))), 72)] == ["- " + P1, "- " + P2]


def test_a_dash_pushed_to_a_line_start_is_no_list_item() -> None:
    pad = next(n for n in range(30, 70) if len("La ligne Nhon " + "x" * n) == 69)
    text = "La ligne Nhon " + "x" * pad + " - gare de Hanoi a transporté quatre millions de passagers."
    lines = textwrap.wrap(text, 70)
    assert lines[1].startswith("- ")
    assert [b.text for b in unwrap(lines, [1, 2], 70)] == [text]


def test_long_one_block_lines_in_a_wrapped_document_stay_whole() -> None:
    lines = [*textwrap.wrap(P1, 60), P2 + " " + P3, *textwrap.wrap(P3, 60)]
    blocks = unwrap(lines, list(range(1, len(lines) + 1)), 60)
    assert [b.text for b in blocks] == [P1, P2 + " " + P3, P3]


MD = """# Le **budget** adopté

* [Accueil](/)
* [Politique](/politique)
* [Sport](/sport)

[Partager](https://x/share) [Imprimer](https://x/print)

![Une photo du conseil](photo.jpg)

{p1} Voir [le compte rendu](https://x/cr) et _la vidéo_.

| Poste | Montant |
|---|---|
| Écoles | 2 M€ |

```
code gardé tel quel
```

    * [Indenté](/a)
    * [Comme html2text](/b)
    * [Le fait](/c)
<div class="x">Texte <b>brut</b></div>
"""


def test_markdown_to_paragraphs() -> None:
    lines = MD.format(p1=P1).split("\n")
    assert detect(lines, S).kind == MARKDOWN
    blocks, events = to_blocks(lines, None, S)
    assert [b.text for b in blocks] == [
        "Le budget adopté",
        f"{P1} Voir le compte rendu et la vidéo.",
        "Poste | Montant",
        "Écoles | 2 M€",
        "code gardé tel quel",
        "Texte brut",
    ]
    assert [b.first for b in blocks] == [1, 11, 13, 15, 18, 24]
    dropped = {(e.rule, e.line) for e in events}
    nav = {(NAV_LIST, n) for n in (3, 4, 5, 21, 22, 23)}  # the indented list is parsed, not code
    assert dropped == nav | {(LINK_LINE, 7), (IMAGE, 9)}


def test_markdown_settings_alt_text_and_code() -> None:
    lines = MD.format(p1=P1).split("\n")
    s = dataclasses.replace(S, markdown_image_alt=True, markdown_code="drop")
    texts = [b.text for b in to_blocks(lines, None, s)[0]]
    assert "Une photo du conseil" in texts and "code gardé tel quel" not in texts


def test_wrapped_markdown_is_rejoined_and_broken_link_targets_mended() -> None:
    body = f"{P1} Lire [le rapport complet](https://exemple.org/rapport-annuel-2024-version-finale) ici. {P2}"
    lines = ["Par **Jeanne Martin**", ""]
    lines += [*textwrap.wrap(body, 78, break_on_hyphens=False, break_long_words=False), "", *textwrap.wrap(P3, 78)]
    lines += ["", "## Suite", "", *textwrap.wrap("## " + P2, 78), "", *textwrap.wrap(P2, 78)]
    broken = ["Voir [la source](https://exemple.org/un-long-chemin-", "vers-la-page.html) du texte."]
    lines += ["", *broken]
    layout = detect(lines, S)
    assert layout.kind == MARKDOWN_WRAPPED and layout.width == 78
    blocks, _ = to_blocks(lines, layout.width, S)
    texts = [b.text for b in blocks]
    assert texts == ["Par Jeanne Martin", body.replace("[le rapport complet](https://exemple.org/rapport-annuel-2024-version-finale)",
                                  "le rapport complet"), P3, "Suite", P2, P2, "Voir la source du texte."]  # fmt: skip
    assert (blocks[-1].first, blocks[-1].last) == (len(lines) - 1, len(lines))


def test_disabled_layout_changes_nothing() -> None:
    doc = doc_of(wrapped([P1, P2, P3, P1], 60))
    before = list(doc.lines)
    normalise_layout(doc, dataclasses.replace(S, enabled=False))
    assert doc.lines == before and "layout" not in doc.metadata


def test_a_link_the_parser_refuses_still_loses_its_target() -> None:
    lines = ["# Titre", "", "Lire [la suite](http://x.fr/?titre=Le budget adopté) ici.", "", "**Fin**", "", "[a](/a)"]
    texts = [b.text for b in to_blocks(lines, None, S)[0]]
    assert texts[1] == "Lire la suite ici."


ZH = ("市政府周一宣布，新建的城市图书馆将于明年春天向公众开放，馆内设有儿童阅读区、自习室和多功能报告厅，"
      "预计每天可接待读者三千人次。负责人表示，图书馆还将延长周末开放时间，方便上班族前来借阅。")  # fmt: skip


def test_text_without_spaces_is_rejoined_without_spaces() -> None:
    lines = [*textwrap.wrap(ZH, 30), "分享", *textwrap.wrap(ZH[::-1], 30)]
    layout = detect(lines, S)
    assert (layout.kind, layout.width) == (WRAPPED, 30), layout
    assert [b.text for b in unwrap(lines, list(range(len(lines))), 30)] == [ZH, "分享", ZH[::-1]]


def test_layout_settings_are_part_of_every_stage_fingerprint(tmp_path: Path) -> None:
    base = load_settings()
    changed = dataclasses.replace(base, layout=dataclasses.replace(base.layout, min_width=31))
    before, after = fingerprints_of(base), fingerprints_of(changed)
    for stage in ("encoding", "learn", "chrome", "language", "normalise"):
        assert before[stage] != after[stage]
    user = tmp_path / "user.toml"
    user.write_text("[layout]\nmarkdown_code = 'drop'\n", encoding="utf-8")
    assert load_settings(user).layout.markdown_code == "drop"
    user.write_text("[layout]\nmarkdown_code = 'maybe'\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_settings(user)


def test_markdown_line_first_character_test_changes_no_answer() -> None:
    """The test of the first character after spaces only skips lines the start pattern cannot match."""
    from pipeline.stages import layout as lay
    from tests.conftest import SEEDS

    lines = [line for page in sorted(SEEDS.glob("*.txt")) for line in page.read_text(encoding="utf-8").splitlines()]
    lines += ["# Title", "   ## x", "    # code", "\u2003# wide space", "```py", " ~~~", "===", "---  ",
              "| a | b |", "|:--|--:|", " :---: |", "- item", "* item", "-- x", "\u00a0---", "", "   ",
              "a ** b **", "[a](b)"]  # fmt: skip
    for line in lines:
        old = bool(lay._MD_START.match(line)) or (
            ("](" in line or "**" in line or "__" in line or "\\" in line) and bool(lay._MD_INLINE.search(line))
        )
        assert lay.markdown_line(line) == old, line
