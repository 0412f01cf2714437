"""Rules and rule packs, as loaded from `configs/rules/**.toml` (schema: docs/rules.md).

Kinds:
- line:    the whole line matches an exact string or a pattern (on its `line_key`);
- feature: the line's shape matches (`when`: length, words, digit share, link shape...);
- block:   a marker line, then what follows it (`take`: headlines, next N lines, or to the end);
- context: decisions the classifier takes from neighbours (title, isolated short lines,
           repeated paragraphs); declared here so every audit rule id is found in a pack.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.rules import prefilter, regex_tree
from pipeline.rules.features import LineFeatures
from pipeline.rules.prefilter import (
    COMMON_MARKS,
    Source,
    case_neutral,
    first_chars,
    first_prefixes,
    required_chars,
    required_literals,
    required_strings,
    tree,
    union_or_none,
)

ZONES = ("any", "head", "tail", "edge", "body")
TAKES = ("headlines", "next", "to_end")
MAX_RULE_LITERALS = 32  # more strings to test than this and the regex itself is as quick
# A mark no text holds: the Matcher adds it for a line whose text holds no space, the one gate of
# the rules that ask for a link-like line (LineFeatures.link_like: no space, a link's shape).
UNSPACED_MARK = "\x00unspaced"


@dataclass(frozen=True)
class Condition:
    feature: str
    op: str  # "min", "max" or "is"
    value: float | bool

    def holds(self, feats: LineFeatures) -> bool:
        actual: float | bool = getattr(feats, self.feature)
        if self.op == "min":
            return actual >= self.value
        if self.op == "max":
            return actual <= self.value
        return actual == self.value


@dataclass(frozen=True)
class RulePattern:
    """One pattern of a rule, as written, with the flags it has compiled alone (IGNORECASE).

    A rule runs its patterns joined into one expression (`Rule._compiled`) and the prefilters read
    the text, so a pattern is compiled alone only when something asks for it (`compiled`): the
    loader does for a pattern whose text could fail alone and not joined (loader._self_contained)
    or is to be probed for speed. At start-up that halves the `re` compiles of the shipped packs."""

    pattern: str
    flags: int = re.IGNORECASE | re.UNICODE

    @functools.cached_property
    def compiled(self) -> re.Pattern[str]:
        return re.compile(self.pattern, self.flags)

    def search(self, text: str) -> re.Match[str] | None:
        return self.compiled.search(text)


def _anchored(p: Source) -> bool:
    """Starts with ^ that binds the whole pattern (no top-level |), and ^ means start of line.
    Read from the pattern's tree (rules/regex_tree.py: `re` has no public parser); a pattern
    the reader leaves alone counts as not anchored, which is always right, only slower."""
    if not p.pattern.startswith("^") or p.flags & re.MULTILINE:
        return False
    parsed = tree(p)
    return parsed is not None and parsed[:1] == [(regex_tree.AT, regex_tree.AT_BEGINNING)]


def run_form(p: Source) -> str:
    """The pattern as it runs, one part of its rule's joined expression (Rule._compiled): without
    its leading ^ when anchored (the part is tried with `match`), inside a group that keeps
    IGNORECASE unless it can change no answer on keys."""
    part = p.pattern[1:] if _anchored(p) else p.pattern
    return f"(?:{part})" if case_neutral(p) else f"(?i:{part})"


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    description: str = ""
    patterns: tuple[RulePattern, ...] = ()
    exact: frozenset[str] = frozenset()
    when: tuple[Condition, ...] = ()
    zone: str = "any"
    take: str = ""
    count: int = 1
    sites: frozenset[str] | None = None
    examples_match: tuple[str, ...] = ()
    examples_keep: tuple[str, ...] = ()
    role: str = ""  # what code asks this rule for (loader.ROLES); "" for most rules
    inline: bool = False  # furniture that sits inside articles: its drops do not break a run (chrome.py)
    shape: bool = False  # from a pack of line shapes ([pack] shapes = true): not for preformatted text

    def matches(self, key: str, feats: LineFeatures, zone: str) -> bool:
        """Does this line rule, feature rule or block marker match the line?

        Cheapest tests first: zone and word bound, then the patterns, then other conditions.
        """
        if not self._placed_text_matches(key, feats, zone):
            return False
        return all(c.holds(feats) for c in self.when) if self.when else bool(self.exact or self.patterns)

    def matches_at(self, key: str, feats: LineFeatures, zone: str, positions: list[float]) -> bool:
        """Does `matches` hold with the line moved to one of `positions`? The zone, word bound and
        text (all that does not read the position) are tested once, then the conditions at each
        position; the line is put back."""
        if not self._placed_text_matches(key, feats, zone):
            return False
        if not self.when:
            return bool(positions) and bool(self.exact or self.patterns)
        where = feats.pos
        try:
            for position in positions:
                feats.pos = position
                if all(c.holds(feats) for c in self.when):
                    return True
        finally:
            feats.pos = where
        return False

    def _placed_text_matches(self, key: str, feats: LineFeatures, zone: str) -> bool:
        """All that does not read the line's position: the zone, the word bound, the text."""
        if self.zone != "any" and not self.zone_allows(zone):
            return False
        if self.max_words is not None and feats.words > self.max_words:
            return False
        return not (self.exact or self.patterns) or key in self.exact or self._text_matches(key)

    def prepare(self) -> None:
        """Compute the cached parts now (see RuleSet.prepare): kept with the prepared packs in the
        start-up cache, so a task process that indexes them again (a learned pack added) reads them."""
        _ = self._compiled, self._needs, self.max_words, self.text_test
        _ = self.starts, self.ends, self.gate, self.key_lengths, self.spaceless

    # What the Matcher (rules/engine.py) indexes a rule by.

    @functools.cached_property
    def starts(self) -> frozenset[str] | None:
        """Prefixes one of which a line's key must start with for the rule's text to match; None:
        any (or no pattern)."""
        if not self.patterns:
            return None  # feature rules look at shape, not text
        return union_or_none(first_prefixes(p) for p in self.patterns)

    @functools.cached_property
    def ends(self) -> frozenset[str] | None:
        """Suffixes one of which a line's key must end with for the rule's text to match; None:
        any (or no pattern, or exact lines)."""
        if not self.patterns or self.exact:
            return None
        return union_or_none(prefilter.last_suffixes(p) for p in self.patterns)

    @functools.cached_property
    def gate(self) -> frozenset[str] | None:
        """Strings one of which a line holds whenever the rule matches it; None: not known. A rule
        with needed strings has them tested before its patterns (`_text_matches`): the same test."""
        if not self.patterns:  # a feature rule asking for a link-like line: it holds no space
            return frozenset({UNSPACED_MARK}) if not self.exact and _LINK_LIKE in self.when else None
        if self.exact:
            return None  # an exact line: nothing to require
        if self._needs is not None:
            return frozenset(self._needs)
        return union_or_none(_pattern_gate(p) for p in self.patterns)

    @functools.cached_property
    def key_lengths(self) -> tuple[int, float] | None:
        """The least and most characters of a key the rule's text matches (None: any length)."""
        if self.exact or not self.patterns:
            return None
        found = [prefilter.key_lengths(p) for p in self.patterns]
        if any(f is None for f in found):
            return None
        return min(f[0] for f in found if f), max(f[1] for f in found if f)

    @functools.cached_property
    def spaceless(self) -> bool:
        """No key holding a space matches the rule's text (nor it, then)."""
        return bool(self.patterns) and not self.exact and all(map(prefilter.spaceless, self.patterns))

    def _text_matches(self, key: str) -> bool:
        needs = self._needs
        if needs is not None:
            for s in needs:
                if s in key:
                    break
            else:
                return False
        at_start, floating = self._compiled
        return bool((at_start and at_start.match(key)) or (floating and floating.search(key)))

    @functools.cached_property
    def _compiled(self) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
        """The patterns as two regexes: the ^-anchored ones, tried at the start of the line only
        (`match`), and the others (`search`). Same answers as trying each pattern in turn."""
        # Keys are casefolded: a pattern whose answers IGNORECASE cannot change runs without it.
        at_start = [run_form(p) for p in self.patterns if _anchored(p)]
        floating = [run_form(p) for p in self.patterns if not _anchored(p)]
        return (re.compile("|".join(at_start)) if at_start else None), (
            re.compile("|".join(floating)) if floating else None
        )

    @functools.cached_property
    def text_test(self) -> Callable[[str], object] | None:
        """Once the zone and the word bound are known to hold (the Matcher's lists see to it), all
        most rules still ask is their text: the quickest callable that answers, a compiled
        pattern's own `match` or `search` where it can be. None when the rule asks more."""
        if self.exact or not self.patterns or any((c.feature, c.op) != ("words", "max") for c in self.when):
            return None
        at_start, floating = self._compiled
        if self._needs is None and floating is None and at_start is not None:
            return at_start.match
        if self._needs is None and at_start is None and floating is not None:
            return floating.search
        return self._text_matches

    @property
    def needs(self) -> tuple[str, ...] | None:
        """Strings one of which is in every line the rule's text matches (tested first); None: none."""
        return self._needs

    @functools.cached_property
    def _needs(self) -> tuple[str, ...] | None:
        """Strings one of which is in every line the patterns match (None: not known, or not
        worth testing: patterns anchored on known first characters fail fast on their own)."""
        if all(first_chars(p) is not None for p in self.patterns):
            return None
        found = union_or_none(required_literals(p) for p in self.patterns)
        return tuple(sorted(found)) if found and len(found) <= MAX_RULE_LITERALS else None

    @functools.cached_property
    def max_words(self) -> float | None:
        bounds = [c.value for c in self.when if c.feature == "words" and c.op == "max"]
        return min(bounds) if bounds else None

    def zone_allows(self, zone: str) -> bool:
        if self.zone == "any":
            return True
        if self.zone == "edge":
            return zone in ("head", "tail")
        return zone == self.zone


_LINK_LIKE = Condition("link_like", "is", True)


def _pattern_gate(pattern: Source) -> frozenset[str] | None:
    """Punctuation the pattern needs, unless it is common in prose; else strings it needs."""
    chars = required_chars(pattern)
    if chars is not None and chars.isdisjoint(COMMON_MARKS):
        return chars
    return required_literals(pattern) or chars or required_strings(pattern)


@dataclass(frozen=True)
class SiteInfo:
    id: str
    domains: tuple[str, ...] = ()
    detect: tuple[re.Pattern[str], ...] = ()
    languages: tuple[str, ...] = ()

    def markers_found(self, text: str) -> int:
        """How many of the detect patterns match `text` (keys, one per line). A pattern whose
        required strings are all absent is not run: most pages carry no marker of most sites."""
        if self._all_gated and not any(map(text.__contains__, self._all_needs)):
            return 0  # (most pages: none of the site's strings, looked for in C)
        found = 0
        present = {s for s in self._all_needs if s in text}  # each string looked for once, for all patterns
        for pattern, needs in self._detect_needs:
            if needs is None or not needs.isdisjoint(present):
                found += pattern.search(text) is not None
        return found

    @functools.cached_property
    def _detect_needs(self) -> tuple[tuple[re.Pattern[str], frozenset[str] | None], ...]:
        # Two characters are worth a test here: the text is a whole page's edges, not one line; and
        # a few marks ("+" of a font-size widget) beat running the pattern over every line.
        return tuple((p, required_literals(p, shortest=2) or _few(required_strings(p))) for p in self.detect)

    @functools.cached_property
    def _all_gated(self) -> bool:
        return all(needs is not None for _, needs in self._detect_needs)

    @functools.cached_property
    def _all_needs(self) -> tuple[str, ...]:
        return tuple(sorted({s for _, needs in self._detect_needs if needs for s in needs}))


def _few(strings: frozenset[str] | None) -> frozenset[str] | None:
    """A site marker's required strings when there are few (each is a search of the text)."""
    return strings if strings is not None and len(strings) <= MAX_MARKER_STRINGS else None


MAX_MARKER_STRINGS = 4


@dataclass(frozen=True)
class RulePack:
    id: str
    path: Path
    description: str = ""
    site: SiteInfo | None = None
    rules: tuple[Rule, ...] = field(default_factory=tuple)
