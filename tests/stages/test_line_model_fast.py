"""The line model's fast paths give what the plain computation gives, to the last bit.

`score_lines` reads cues and weight sums from memos and `_own_cues` looks cue names up in tables:
both must give the training's cues and the same floats (the audit records the probabilities).
"""

from __future__ import annotations

import bisect
import dataclasses
import random
from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core import Context
from pipeline.document import Document
from pipeline.rules.features import LineFeatures, line_key
from pipeline.stages import chrome, line_cues, line_model
from pipeline.stages.line_cues import _WORDS
from pipeline.stages.line_model import LineModel

SEEDS = Path(__file__).resolve().parent.parent.parent / "seeds"


def plain_own_cues(f: LineFeatures, key: str, cls: str, stop: frozenset[str], repeats: int) -> list[str]:
    """The own cues written plainly (formatted names, a loop over the patterns): the reference."""
    text, words, at = f.text, _WORDS.findall(key), bisect.bisect_right
    wb = at((1, 2, 3, 4, 6, 9, 13, 20, 30, 50, 90), f.words)
    cues = [f"w{wb}", line_cues._CHARS_CUES[at(line_cues._LOG_CHARS_EDGES, f.chars)], f"cls:{cls}",
            "end:" + line_cues._end_class(text[-1] if text else " "), f"w{wb}|t{int(f.terminal)}",
            f"dg{at((0.01, 0.1, 0.25, 0.5, 0.8), f.digit_share)}", f"al{at((0.5, 0.7, 0.8, 0.9), f.alpha_share)}",
            f"up{at((0.05, 0.15, 0.3, 0.6, 0.9), f.upper_share)}"]  # fmt: skip
    if words and stop:
        share = sum(w in stop for w in words) / len(words)
        cues.append(f"sw{at((0.01, 0.1, 0.2, 0.3, 0.45), share)}|w{min(wb, 6)}")
    if words:
        hits = sum(w in line_cues.chrome_words() for w in words)
        cues += [f"lex{min(hits, 3)}", f"lex{min(hits, 2)}|w{min(wb, 6)}"]
        tokens = text.split()
        capital = sum([w[:1].isupper() for w in tokens]) / max(1, len(tokens))
        cues.append(f"cap{at((0.2, 0.5, 0.8, 0.99), capital)}")
    m = line_cues
    patterns = (("counter", m._COUNTER), ("date", m._DATE), ("time", m._TIME), ("sep", m._SEPARATORS),
                ("bullet", m._BULLET), ("contact", m._CONTACT))  # fmt: skip
    cues += [name for name, pattern in patterns if pattern.search(text)]
    if f.link_like:
        cues.append("link")
    if "©" in text or "(c)" in key:
        cues.append("copyright")
    if repeats > 1:
        cues.append(f"rep{min(repeats, 4)}")
    return cues


PIECES = ["Share", "Teilen", "the", "und", "de", "12", "2024", "10:45", "|", "-", "»", "•", "@user", "www.x.org",
          "https://a.b/c", "©", "(c)", "Read", "more", "Kommentar", "ÉTÉ", "Москва", ".", "!", "?", ":", "1.2.2023",
          "(3)", "- ", "x\u00a0y", "\u3000", "\t", "A", "b."]  # fmt: skip
# Latin-1 (read on bytes), the characters read through a stand-in (features.STAND_INS), and others
MIXED = st.text(st.sampled_from("aZ9_ éÉßЖжΩ½²٣ -.,’‘“”–—…•€œŒªµºÿ\x85\u00a0中"), max_size=40)
LINES = st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=14).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(LINES, st.sampled_from(["good", "short"]), st.integers(1, 6), st.booleans())
def test_own_cues_are_the_plain_cues(text: str, cls: str, repeats: int, english: bool) -> None:
    stop = line_cues.stopword_lists()["en"] if english else frozenset()
    key = line_key(text)
    fast = line_cues._own_cues(LineFeatures(text), key, cls, line_cues._words_of(key), stop, repeats)
    assert fast == plain_own_cues(LineFeatures(text), key, cls, stop, repeats)


@settings(max_examples=400, deadline=None)
@given(LINES | st.text(st.characters(max_codepoint=0xFF), max_size=40) | MIXED | st.text(max_size=20))
def test_words_of_a_key_are_the_regex_words(text: str) -> None:
    for key in (line_key(text), text):  # keys, and any ASCII or other string
        assert line_cues._words_of(key) == _WORDS.findall(key)


def _model(seed: int, second: bool, pages: list[dict[int, line_model.Parts]]) -> LineModel:
    """A model with random weights on every cue the pages show (any retrained model is such a model)."""
    rng = random.Random(seed)
    names = {c for parts in pages for own, around, _ in parts.values() for c in (*own, *around)}
    second_names = {f"s2:{p}{b}" for p in ("o", "pv", "nx", "wn", "ww") for b in range(12)}
    w2 = {c: rng.uniform(-3, 3) for c in sorted(second_names)} if second else {}
    return LineModel({c: rng.uniform(-3, 3) for c in sorted(names)}, rng.uniform(-1, 1), 0.3, 0.9, 0.05, 0.1,
                     "t", "0", w2, rng.uniform(-1, 1))  # fmt: skip


def _undecided(ctx: Context) -> list[list[chrome.Line]]:
    pages = []
    for path in sorted(SEEDS.glob("*.txt")):
        doc = Document(id=path.name, source=path.name, file=path.name, metadata={"format": "txt"})
        doc.set_text(path.read_text(encoding="utf-8"))
        pages.append(chrome.undecided(doc, ctx.rules, ctx.settings.chrome))
    return pages


def test_score_lines_gives_the_probabilities_of_the_plain_sums(ctx: Context) -> None:
    pages = _undecided(ctx)
    parts = [line_model.page_parts(lines) for lines in pages]
    for seed, second, extracted in ((1, True, False), (2, True, True), (3, False, False)):
        model = _model(seed, second, parts)
        for _ in range(2):  # the second time from the memos
            for lines in pages:
                plain = model.page_probabilities(line_model.page_parts(lines), extracted)
                fresh = [dataclasses.replace(line) for line in lines]
                line_model.score_lines(fresh, model, extracted, 80)
                got = {i: (line.prob, line.parts) for i, line in enumerate(fresh) if line.prob is not None}
                assert got == plain
                assert all(line.prob is None for line in fresh if line.rule is not None or line.cls == "empty")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), max_size=30), st.booleans())
def test_second_keys_of_a_page_are_each_lines_second_key(first: list[float], extracted: bool) -> None:
    keys = line_model._second_keys(first, extracted)
    assert keys == [line_model._second_key(first, j, extracted) for j in range(len(first))]


def plain_context(lines: list[chrome.Line]) -> dict[int, tuple[int, tuple[str, ...]]]:
    """Per undecided line: its repeat count and context cues, worked out line by line (the reference)."""
    visible = [i for i, line in enumerate(lines) if line.cls != "empty"]
    n = len(visible)
    good = [k for k, i in enumerate(visible) if lines[i].cls == "good" and lines[i].rule is None]
    block = line_cues._main_block(good)
    thread = line_cues._thread_start(lines, visible, block)
    out = {}
    for k, i in enumerate(visible):
        line = lines[i]
        if line.rule is not None:
            continue
        before = line_cues._neighbour(lines[visible[k - 1]] if k else None)
        after = line_cues._neighbour(lines[visible[k + 1]] if k + 1 < n else None)
        zone = "head" if not good or k < good[0] else "tail" if k > good[-1] else "body"
        near = sum(1 for g in good if abs(g - k) <= 3 and g != k)
        side = "in" if block[0] <= k <= block[1] else "before" if k < block[0] else "after"
        edge = "top" if k < 3 else "end" if n - k <= 3 else ""
        key = (line.cls, before, after, zone, min(near, 4), side, min(9, int(10 * k / max(1, n))), edge, k > thread)
        out[i] = (min(sum(lines[j].key == line.key for j in visible), 4), line_cues._context_names(key))
    return out


def _context(lines: list[chrome.Line]) -> dict[int, tuple[int, tuple[str, ...]]]:
    index, _, repeats, keys = line_cues.page_keys(lines)
    return {i: (r, line_cues._context_names(k)) for i, r, k in zip(index, repeats, keys, strict=True)}


def test_page_keys_are_the_plain_context(ctx: Context) -> None:
    for lines in _undecided(ctx):
        assert _context(lines) == plain_context(lines)
        rng = random.Random(len(lines))  # and with some lines removed by rules of several packs
        for line in lines:
            if rng.random() < 0.3:
                line.rule = rng.choice(["generic.meta.x", "generic.comments.y", "site.a.b", "learned.c.d"])
        assert _context(lines) == plain_context(lines)


@settings(max_examples=400, deadline=None)
@given(LINES | st.text(st.characters(max_codepoint=0xFF), max_size=40) | MIXED | st.text(max_size=20))
def test_capital_share_is_the_share_of_capitalised_words(text: str) -> None:
    text = LineFeatures(text).text  # what `_own_cues` reads: words split by single spaces
    tokens = text.split()
    assert line_cues._capital_share(text) == sum(w[:1].isupper() for w in tokens) / max(1, len(tokens))


RULES = st.sampled_from([None, "generic.comments.a", "generic.comments", "generic.commentsx.b", "generic.meta.c",
                         "site.x.comments", "isolated-short", "generic.comments.b.c"])  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["good", "short"]), RULES), max_size=20), st.integers(-2, 22))
def test_first_comment_is_the_thread_start(shown: list[tuple[str, str | None]], start: int) -> None:
    lines = [line_cues_stub(cls, rule) for cls, rule in shown]
    visible = list(range(len(lines)))
    kinds = [line.cls if line.rule is None else line_cues._rule_kind(line.rule) for line in lines]
    rules = [line.rule for line in lines]
    expected = line_cues._thread_start(lines, visible, (start, start))
    assert line_cues._first_comment(kinds, rules, max(0, start)) == expected


def line_cues_stub(cls: str, rule: str | None) -> chrome.Line:
    return chrome.Line("x", "x", LineFeatures("x"), cls, rule)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "share", "", "x y"]), max_size=60))
def test_counts_are_the_counter(keys: list[str]) -> None:
    assert line_cues._counts(keys) == Counter(keys)
