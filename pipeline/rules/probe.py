"""The speed probe of a pattern at load: refused when catastrophic backtracking makes it slow on
long lines (rules/loader.py runs it for every pack except those shipped, which the tests probe)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from pipeline.errors import RuleError
from pipeline.rules import regex_tree as C
from pipeline.rules.features import MAX_KEY_CHARS
from pipeline.rules.model import RulePattern
from pipeline.rules.prefilter import tree

# A pattern that needs longer than this on any probe line is refused. Probes grow step by step
# (a failing suffix makes backtracking explode), so an exponential pattern is caught at a short
# length, before it could hang the check itself.
SLOW_PATTERN_SECONDS = 0.05
_PROBE_UNITS = ("a", "1 ", "a ", "-", ". ", "ab")
_PROBE_LENGTHS = (8, 12, 16, 20, 24, 32, 64, 128, 256, 512, MAX_KEY_CHARS // 2)


def check_speed(compiled: re.Pattern[str] | RulePattern, path: Path, where: str) -> None:
    # Fixed probe lines, then lines made of the pattern's own characters: nested repetition
    # explodes only on what it repeats ("(x+x+)+y" on "xxxx…!"), and does so at short lengths.
    probes: list[tuple[str, tuple[int, ...]]] = [(unit, _PROBE_LENGTHS) for unit in _PROBE_UNITS]
    probes += [(unit, _PROBE_LENGTHS[:6]) for unit in sorted(_own_characters(compiled))[:24]]
    for unit, lengths in probes:
        for n in lengths:
            subject = (unit * n)[: MAX_KEY_CHARS - 1] + "!"
            if _best_of_three(compiled, subject) > SLOW_PATTERN_SECONDS:
                raise RuleError(
                    f"{path}: {where}: pattern {compiled.pattern!r} is too slow on a {len(subject)}-character "
                    "line (catastrophic backtracking?); anchor it or remove nested repetition"
                )


def _own_characters(compiled: re.Pattern[str] | RulePattern) -> set[str]:
    """One character for each literal, class and category the pattern repeats or matches."""
    found: set[str] = set()

    def walk(items: Any) -> None:
        for op, arg in items:
            if op == C.LITERAL:
                found.add(chr(arg))
            elif op == C.IN:
                for sub_op, sub_arg in arg:
                    if sub_op == C.LITERAL:
                        found.add(chr(sub_arg))
                    elif sub_op == C.RANGE:
                        found.add(chr(sub_arg[0]))
                    elif sub_op == C.CATEGORY:
                        found.add("1" if sub_arg == C.CATEGORY_DIGIT else " " if sub_arg == C.CATEGORY_SPACE else "a")
            elif op == C.CATEGORY:
                found.add("1" if arg == C.CATEGORY_DIGIT else " " if arg == C.CATEGORY_SPACE else "a")
            elif op == C.ANY:
                found.add("a")
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
                walk(arg[2])
            elif op == C.SUBPATTERN:
                walk(arg[-1])
            elif op == C.BRANCH:
                for branch in arg[1]:
                    walk(branch)
            elif op in (C.ASSERT, C.ASSERT_NOT):
                walk(arg[1])

    parsed = tree(compiled)
    if parsed is None:  # syntax the reader leaves alone: the pattern's own characters, as written
        return {c for c in compiled.pattern if c.isalnum() or c in " .-"}
    walk(parsed)
    return found


def _best_of_three(compiled: re.Pattern[str] | RulePattern, subject: str) -> float:
    """CPU time of one search, best of three: a busy machine must not refuse a fast pattern."""
    best = float("inf")
    for _ in range(3):
        start = time.thread_time()
        compiled.search(subject)
        best = min(best, time.thread_time() - start)
        if best <= SLOW_PATTERN_SECONDS:
            break
    return best
