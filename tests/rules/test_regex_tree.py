"""The pattern reader (rules/regex_tree.py): the tree `re` builds, its simplifications included,
and a clear refusal of what it does not read (the prefilter then assumes nothing)."""

from __future__ import annotations

import re

import pytest

from pipeline.core import Context
from pipeline.rules import prefilter
from pipeline.rules import regex_tree as T
from pipeline.rules.regex_tree import AT, BRANCH, IN, LITERAL, MAX_REPEAT, MAXREPEAT, SUBPATTERN, Unsupported, parse


def lit(text: str) -> list[T.Item]:
    return [(LITERAL, ord(c)) for c in text]


@pytest.mark.parametrize(
    ("pattern", "tree"),
    [
        ("ab", lit("ab")),
        ("^a$", [(AT, T.AT_BEGINNING), *lit("a"), (AT, T.AT_END)]),
        ("(?:ab)c", lit("abc")),  # a plain non-capturing group is no node
        ("[x]y", lit("xy")),  # a one-character class is a literal
        ("[^x]", [(T.NOT_LITERAL, ord("x"))]),
        ("abc|abd", [*lit("ab"), (IN, [(LITERAL, ord("c")), (LITERAL, ord("d"))])]),  # common prefix moved out
        ("a|[b-d]", [(IN, [(LITERAL, ord("a")), (T.RANGE, (ord("b"), ord("d")))])]),
        ("ab|c", [(BRANCH, (None, [lit("ab"), lit("c")]))]),
        ("(a)+", [(MAX_REPEAT, (1, MAXREPEAT, [(SUBPATTERN, (1, "", "", lit("a")))]))]),
        ("(?:ab)*?", [(T.MIN_REPEAT, (0, MAXREPEAT, lit("ab")))]),
        (
            "a{2,5}b{3}c{,2}",
            [(MAX_REPEAT, (2, 5, lit("a"))), (MAX_REPEAT, (3, 3, lit("b"))), (MAX_REPEAT, (0, 2, lit("c")))],
        ),
        ("a{}b{x", lit("a{}b{x")),  # braces that are no repeat are literals
        (r"\d\S", [(IN, [(T.CATEGORY, T.CATEGORY_DIGIT)]), (IN, [(T.CATEGORY, "CATEGORY_NOT_SPACE")])]),
        (r"[\w.-]", [(IN, [(T.CATEGORY, T.CATEGORY_WORD), (LITERAL, ord(".")), (LITERAL, ord("-"))])]),
        (r"[]a]", [(IN, [(LITERAL, ord("]")), (LITERAL, ord("a"))])]),
        (r"\x41\u00e9\N{EM DASH}\.\0", [*lit("Aé—."), (LITERAL, 0)]),
        (r"\bx\B", [(AT, T.AT_BOUNDARY), *lit("x"), (AT, "AT_NON_BOUNDARY")]),
        ("(?=a)(?<!b)", [(T.ASSERT, (1, lit("a"))), (T.ASSERT_NOT, (-1, lit("b")))]),
        ("(?i:a)(?#note)(?P<w>b)", [(SUBPATTERN, (None, "i", "", lit("a"))), (SUBPATTERN, (1, "", "", lit("b")))]),
    ],
)
def test_trees(pattern: str, tree: list[T.Item]) -> None:
    re.compile(pattern)  # the reader only ever sees valid patterns
    assert parse(pattern) == tree


@pytest.mark.parametrize("pattern", [r"(a)\1", "(?P<w>a)(?P=w)", "(a)?(?(1)b|c)", "(?x: a b )", "(?x)a b"])
def test_what_it_does_not_read_is_refused_and_the_prefilter_assumes_nothing(pattern: str) -> None:
    with pytest.raises(Unsupported):
        parse(pattern)
    compiled = re.compile(pattern, re.IGNORECASE)
    assert prefilter.first_prefixes(compiled) is None and prefilter.required_literals(compiled) is None
    assert not prefilter.case_neutral(compiled)


def test_it_reads_every_pack_pattern(ctx: Context) -> None:
    patterns = [p for pack in ctx.rules.all_packs() for rule in pack.rules for p in rule.patterns]
    patterns += [p for pack in ctx.rules.all_packs() if pack.site for p in pack.site.detect]
    unread = [p.pattern for p in patterns if prefilter.tree(p) is None]
    assert patterns and not unread
