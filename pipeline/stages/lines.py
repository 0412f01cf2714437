"""A line under classification in the chrome stage (stages/chrome.py), shared by its passes
(stages/repeats.py): its text, key and features, its context-free class, and the decision on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.rules.engine import Matcher
from pipeline.rules.features import LineFeatures, line_key
from pipeline.settings import ChromeSettings
from pipeline.stages import line_model

# Context decisions, by role: the line records the role, the audit the id of the rule that declares
# it in the packs (`RuleSet.decision_id`; configs/rules/generic/context.toml).
TITLE, ISOLATED, REPEATED, NEAR, LISTING, TEASER = (
    "title", "isolated-short", "repeated-paragraph", "near-duplicate", "listing", "teaser-only")  # fmt: skip
Slot = tuple[Matcher, str, tuple[bool, ...]]  # what a rule's answer on a line depends on besides its text


@dataclass
class Line:
    """One line under classification: the context-free class, then the decision."""

    text: str
    key: str
    feats: LineFeatures
    cls: str  # "good", "short" or "empty" (context-free)
    rule: str | None = None  # set when dropped
    reason: str = ""
    prob: float | None = None  # the line model's probability that the line is content
    cues: list[str] | None = None  # ...and the cues that pushed it hardest towards chrome
    parts: line_model.Parts | None = None  # (every cue the model read, named in `cues` when it drops the line)
    spared: tuple[str, ...] = ()  # context rules that may not drop it (set from the line model)
    saved: bool = False  # one of them tried
    slot: Slot | None = None  # (matcher, zone, position conditions) under which no rule matched
    exact: str | None = None  # the repeats pass's exact key (its words), kept for the next passes
    pairs: frozenset[tuple[str, str]] | None = None  # ...and its word pairs (near copies), once needed
    pieces: tuple[str, ...] = ()  # the input lines it was unwrapped from, if more than one
    sure: bool = False  # a sentence-like line the line model was sure of in an earlier run (stays)
    closing: bool = False  # a line of the list closing the article (`spare.closing_list`; stays)
    framed: bool = False  # a lead of teaser-shaped pairs an article's furniture framed (`spare.framed`; stays)

    @property
    def kept(self) -> bool:
        return self.rule is None and self.cls != "empty"


def _class(feats: LineFeatures, settings: ChromeSettings) -> str:
    if feats.chars == 0:
        return "empty"
    if feats.words >= settings.long_min_words or (feats.terminal and feats.words >= settings.good_min_words):
        return "good"
    return "short"


def _line(text: str, settings: ChromeSettings) -> Line:
    feats = LineFeatures.of(text)
    return Line(text, line_key(text) if feats.chars else "", feats, _class(feats, settings))


def _again(line: Line) -> Line:
    """A kept line, ready for another run: its text's features and last rule slot stay."""
    line.prob, line.cues, line.parts, line.spared, line.saved = None, None, None, (), False
    return line


def _drop(line: Line, rule: str, reason: str) -> None:
    if line.rule is None and line.cls != "empty":
        if rule in line.spared:
            line.saved = True
        else:
            line.rule, line.reason = rule, reason


def preformatted(line: Line) -> bool:
    """An extractor keeps a line's indentation only inside preformatted text (code, a poem, a table)."""
    return line.text[:1].isspace() and line.cls != "empty"
