"""Load and validate rule packs. Every error names the pack file and the rule id.

Refused at load: unknown fields, unknown kinds/zones/takes/features, patterns that do not
compile, patterns or exact strings that match the empty line (they would match everything),
duplicate rule ids across packs, and patterns too slow on long lines (catastrophic backtracking).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import RuleError
from pipeline.rules.engine import Matcher
from pipeline.rules.features import FEATURE_NAMES, line_key
from pipeline.rules.model import TAKES, ZONES, Condition, Rule, RulePack, RulePattern, SiteInfo, run_form
from pipeline.rules.probe import check_speed
from pipeline.settings import CONFIG_DIR

LEARN_BATCH = "batch"  # learned rules for documents whose site is unknown
KINDS = ("line", "feature", "block", "context")
# Roles: what code asks the packs for, so that code names a role, never a rule id. A context
# rule declares the decision the code takes (its role is required and held by one rule only);
# the other roles mark rules whose matches code reacts to (any number of rules may hold them).
CONTEXT_ROLES = (
    "title",
    "isolated-short",
    "repeated-paragraph",
    "near-duplicate",
    "foreign-paragraph",
    "listing",
    "teaser-only",
    "line-model",  # the trained line model (stages/line_model.py)
    "after-article",  # kept lines beyond the furniture that closes the article (stages/article_end.py)
    "before-article",  # kept short lines before the article, beyond a block of dropped ones (same)
    "record-stream",  # kept lines from the start of a stream of stamped records after the article (same)
)
MATCH_ROLES = (
    "paywall",  # a page with a teaser only before such a line is a stub (stages/chrome.py)
    "layout-only",  # on extracted text a match is content, not chrome: a URL, "a > b", a count
    "list-item",  # on extracted text two or more matches in a row are a list: a schedule (stages/listed.py)
    "section-heading",  # an article's own section ("References"): drops nothing, ends a block of headlines
)
_RULE_FIELDS = {
    "id",
    "kind",
    "description",
    "patterns",
    "exact",
    "when",
    "zone",
    "marker",
    "take",
    "count",
    "sites",
    "examples",
    "role",
    "inline",
}
_PACK_FIELDS = {"pack", "site", "rule"}
# (?x), (?i)...: legal only at the start of a whole expression, and a rule's patterns run joined
# into one (model.Rule._compiled), where they would fail or change the other patterns' meaning.
_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")
# The packs shipped here are probed by the test suite (tests/rules/test_shipped_packs.py), not at
# every start, where probing them was a third of loading them; every other pack is probed at load.
SHIPPED_PACKS = CONFIG_DIR / "rules"


@dataclass
class RuleSet:
    """All packs of a run: generic packs for every document, site packs by site id, learned rules."""

    generic: list[RulePack] = field(default_factory=list)
    sites: dict[str, RulePack] = field(default_factory=dict)
    learned: RulePack | None = None
    _matchers: dict[str | None, Matcher] = field(default_factory=dict, repr=False)
    _roles: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    def all_packs(self) -> list[RulePack]:
        packs = [*self.generic, *self.sites.values()]
        return packs + ([self.learned] if self.learned else [])

    def with_learned(self, learned: Path) -> RuleSet:
        """These packs plus a learned pack: the loaded and checked packs are shared, not reloaded."""
        if not learned.exists():
            return self
        seen = {r.id: p.path for p in self.all_packs() for r in p.rules}
        return RuleSet(self.generic, self.sites, _register(load_pack(learned), seen))

    def with_role(self, role: str) -> frozenset[str]:
        """The ids of the rules that hold `role` (CONTEXT_ROLES, MATCH_ROLES), in every pack of the run."""
        if role not in (*CONTEXT_ROLES, *MATCH_ROLES):
            raise ValueError(f"unknown rule role {role!r}")
        if role not in self._roles:  # asked once per document: worked out once per run
            self._roles[role] = frozenset(r.id for p in self.all_packs() for r in p.rules if r.role == role)
        return self._roles[role]

    def inline(self) -> frozenset[str]:
        """The ids of the rules marked `inline = true`: furniture inside articles (a photo credit,
        an ad label), whose drops the context pass looks through (stages/chrome.py)."""
        if "inline" not in self._roles:
            self._roles["inline"] = frozenset(r.id for p in self.all_packs() for r in p.rules if r.inline)
        return self._roles["inline"]

    def decision_id(self, role: str) -> str:
        """The id under which the audit records context decision `role`: the rule of the packs that
        declares it, or `context.<role>` when no pack of the run does."""
        if role not in CONTEXT_ROLES:
            raise ValueError(f"unknown context role {role!r}")
        return min(self.with_role(role), default=f"context.{role}")

    def rule_ids(self) -> set[str]:
        return {r.id for p in self.all_packs() for r in p.rules}

    def prepare(self) -> RuleSet:
        """Compile and index everything lookups need now: processes forked later (Luigi forks one
        per task) then share it instead of each building it again."""
        for site in [None, *self.sites]:
            self.matcher(site)
        for pack in self.all_packs():
            for rule in pack.rules:
                rule.prepare()
            if pack.site:
                pack.site.markers_found("")
        return self

    def matcher(self, site: str | None) -> Matcher:
        """The rules for a site, indexed for first-match lookups (built once per site)."""
        if site not in self._matchers:
            self._matchers[site] = Matcher(self.for_site(site))
        return self._matchers[site]

    def for_site(self, site: str | None) -> list[Rule]:
        """Rules in the order they are tried: the site's pack, generic packs, then learned rules
        (learned lines are exact strings, so the order only decides which rule is credited)."""
        rules: list[Rule] = []
        if site and site in self.sites:
            rules.extend(self.sites[site].rules)
        for pack in self.generic:
            rules.extend(pack.rules)
        if self.learned:
            group = site or LEARN_BATCH
            rules.extend(r for r in self.learned.rules if r.sites is None or group in r.sites)
        return rules


def load_ruleset(generic: Iterable[Path], sites: Iterable[Path], learned: Path | None = None) -> RuleSet:
    ruleset = RuleSet()
    seen: dict[str, Path] = {}
    for path in _pack_files(generic):
        ruleset.generic.append(_register(load_pack(path), seen))
    for path in _pack_files(sites):
        pack = _register(load_pack(path), seen)
        if pack.site is None:
            raise RuleError(f"{path}: a site pack needs a [site] table with an id")
        ruleset.sites[pack.site.id] = pack
    if learned is not None and learned.exists():
        ruleset.learned = _register(load_pack(learned), seen)
    return ruleset


def _pack_files(roots: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for root in roots:
        if root.is_dir():
            files.extend(sorted(root.rglob("*.toml")))
        elif root.exists():
            files.append(root)
        else:
            raise RuleError(f"rule pack folder not found: {root}")
    return files


def _register(pack: RulePack, seen: dict[str, Path]) -> RulePack:
    for rule in pack.rules:
        if rule.id in seen:
            raise RuleError(f"{pack.path}: rule id {rule.id!r} is already defined in {seen[rule.id]}")
        seen[rule.id] = pack.path
        if rule.kind == "context":  # one rule per context decision: its id is the audit's answer
            slot = f"role:{rule.role}"
            if slot in seen:
                raise RuleError(f"{pack.path}: rule {rule.id}: role {rule.role!r} is already held in {seen[slot]}")
            seen[slot] = pack.path
    return pack


def load_pack(path: Path) -> RulePack:
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise RuleError(f"{path}: not valid TOML: {e}") from None
    _unknown(data, _PACK_FIELDS, path, "pack file")
    head = data.get("pack", {})
    if not isinstance(head, dict) or not isinstance(head.get("id"), str) or not head["id"]:
        raise RuleError(f"{path}: needs [pack] with a non-empty string id")
    _unknown(head, {"id", "description", "shapes"}, path, "[pack]")
    shapes = head.get("shapes", False)
    if not isinstance(shapes, bool):
        raise RuleError(f"{path}: [pack] shapes must be true or false")
    probe = not shipped(path)
    site = _site(data["site"], path, probe) if "site" in data else None
    rules = tuple(_rule(raw, head["id"], path, shapes, probe) for raw in data.get("rule", []))
    return RulePack(id=head["id"], path=path, description=head.get("description", ""), site=site, rules=rules)


def shipped(path: Path) -> bool:
    """Is this pack file one of those shipped under configs/rules/ (probed for speed by the tests)?"""
    return path.resolve().is_relative_to(SHIPPED_PACKS)


def _unknown(table: dict[str, Any], allowed: set[str], path: Path, where: str) -> None:
    extra = sorted(set(table) - allowed)
    if extra:
        raise RuleError(
            f"{path}: unknown field(s) {', '.join(extra)} in {where} (allowed: {', '.join(sorted(allowed))})"
        )


def _site(raw: dict[str, Any], path: Path, probe: bool = True) -> SiteInfo:
    _unknown(raw, {"id", "domains", "detect", "languages"}, path, "[site]")
    if not isinstance(raw.get("id"), str) or not raw["id"]:
        raise RuleError(f"{path}: [site] needs a non-empty string id")
    where = f"[site] {raw['id']}"
    detect = tuple(_compile(p, path, where, re.MULTILINE, probe) for p in _strings(raw, "detect", path, "[site]"))
    return SiteInfo(
        id=raw["id"],
        domains=tuple(_strings(raw, "domains", path, "[site]")),
        detect=detect,
        languages=tuple(_strings(raw, "languages", path, "[site]")),
    )


def _strings(raw: dict[str, Any], key: str, path: Path, where: str) -> list[str]:
    value = raw.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleError(f"{path}: {where}: {key} must be a string or a list of strings")
    return value


def _rule(raw: dict[str, Any], pack_id: str, path: Path, shape: bool = False, probe: bool = True) -> Rule:
    local = raw.get("id")
    if not isinstance(local, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", local):
        raise RuleError(
            f"{path}: every rule needs an id of lower-case letters, digits, '-', '_' or '.' (got {local!r})"
        )
    rid = f"{pack_id}.{local}"
    where = f"rule {rid}"
    _unknown(raw, _RULE_FIELDS, path, where)
    kind = raw.get("kind", "line")
    if kind not in KINDS:
        raise RuleError(f"{path}: {where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    zone = raw.get("zone", "any")
    if zone not in ZONES:
        raise RuleError(f"{path}: {where}: zone {zone!r} is not one of {', '.join(ZONES)}")
    pattern_key = "marker" if kind == "block" else "patterns"
    if kind == "block" and "patterns" in raw:
        raise RuleError(f"{path}: {where}: a block rule names its marker with 'marker', not 'patterns'")
    patterns = tuple(_pattern(p, path, where, probe) for p in _strings(raw, pattern_key, path, where))
    exact = frozenset(line_key(s) for s in _strings(raw, "exact", path, where))
    if "" in exact:
        raise RuleError(f"{path}: {where}: an empty exact string would match every blank line")
    when = _conditions(raw.get("when", {}), path, where)
    take, count = raw.get("take", ""), raw.get("count", 1)
    if kind == "block" and take not in TAKES:
        raise RuleError(f"{path}: {where}: a block rule needs take = one of {', '.join(TAKES)}")
    if kind != "block" and "take" in raw:
        raise RuleError(f"{path}: {where}: 'take' only applies to block rules")
    if not isinstance(count, int) or count < 1:
        raise RuleError(f"{path}: {where}: count must be a whole number >= 1")
    if kind in ("line", "block") and not (patterns or exact):
        raise RuleError(f"{path}: {where}: a {kind} rule needs {pattern_key} or exact strings")
    if kind == "feature" and not when:
        raise RuleError(f"{path}: {where}: a feature rule needs a 'when' table")
    role = _role(raw, kind, path, where)
    inline = raw.get("inline", False)
    if not isinstance(inline, bool) or (inline and kind == "context"):
        raise RuleError(f"{path}: {where}: inline must be true or false, and a context rule cannot be inline")
    examples = raw.get("examples", {})
    if not isinstance(examples, dict):
        raise RuleError(f"{path}: {where}: examples must be a table with match/keep lists")
    _unknown(examples, {"match", "keep"}, path, f"{where} examples")
    sites = raw.get("sites")
    rule = Rule(
        id=rid,
        kind=kind,
        description=str(raw.get("description", "")),
        patterns=patterns,
        exact=exact,
        when=when,
        zone=zone,
        take=take,
        count=count,
        sites=frozenset(_strings(raw, "sites", path, where)) if sites is not None else None,
        examples_match=tuple(_strings(examples, "match", path, where)),
        examples_keep=tuple(_strings(examples, "keep", path, where)),
        role=role,
        inline=inline,
        shape=shape,
    )
    try:  # the patterns as they run: joined into one expression (named groups must not clash)
        rule.prepare()
    except re.error as e:
        for part in patterns:  # name the pattern that does not compile alone, or in the form it runs in
            _compile(part.pattern, path, where, 0, probe=False)
            _runs_alone(part, path, where)
        raise RuleError(f"{path}: {where}: the patterns do not compile joined into one expression: {e}") from None
    at_start, floating = rule._compiled
    if (at_start and at_start.match("")) or (floating and floating.search("")):
        for part in patterns:  # one of them matches the empty line: name it, as when compiled alone
            _compile(part.pattern, path, where, 0, probe=False)
    return rule


def _role(raw: dict[str, Any], kind: str, path: Path, where: str) -> str:
    role = raw.get("role", "")
    if kind == "context":
        if role not in CONTEXT_ROLES:
            roles = ", ".join(CONTEXT_ROLES)
            raise RuleError(f"{path}: {where}: a context rule needs role = one of {roles} (got {role!r})")
    elif role == "section-heading" and kind != "line":
        raise RuleError(f"{path}: {where}: role 'section-heading' is for line rules (got a {kind} rule)")
    elif role and role not in MATCH_ROLES:
        roles = ", ".join(MATCH_ROLES)
        raise RuleError(f"{path}: {where}: unknown role {role!r} (a {kind} rule may have role = {roles})")
    return str(role)


def _compile(pattern: str, path: Path, where: str, flags: int = 0, probe: bool = True) -> re.Pattern[str]:
    if not pattern:
        raise RuleError(f"{path}: {where}: empty pattern (it would match every line)")
    _no_global_flag(pattern, path, where)
    try:
        compiled = re.compile(pattern, re.IGNORECASE | flags)
    except re.error as e:
        raise RuleError(f"{path}: {where}: pattern {pattern!r} does not compile: {e}") from None
    if compiled.search(""):
        raise RuleError(f"{path}: {where}: pattern {pattern!r} matches the empty line, so it would match everything")
    if probe:
        check_speed(compiled, path, where)
    return compiled


def _pattern(pattern: str, path: Path, where: str, probe: bool) -> RulePattern:
    """A rule's pattern, checked. Compiled alone (`_compile`) only when it is to be probed for speed
    or its text could fail to compile alone and yet compile joined with the rule's others; the
    joined compile (`_rule`) checks every other one, and whether one matches the empty line."""
    if probe or not _self_contained(pattern):
        compiled = _compile(pattern, path, where, 0, probe)
        part = RulePattern(compiled.pattern, compiled.flags)
        part.__dict__["compiled"] = compiled  # its cached_property, already at hand
        return _no_numbered_reference(part, path, where)
    if not pattern:  # self-contained: it holds no \1...\9 and no (?( either, so no number reference
        raise RuleError(f"{path}: {where}: empty pattern (it would match every line)")
    _no_global_flag(pattern, path, where)
    return RulePattern(pattern)


def _self_contained(pattern: str) -> bool:
    """Does the pattern fail to compile alone exactly when `(?:pattern)` fails among other parts?
    Yes when, outside escapes and classes, its parentheses balance (a ')' could close the group
    around it, a '(' be closed by the next part's), its classes and escapes end within it, it
    names no group defined elsewhere ('(?P=', '(?('), holds no '#' (a verbose comment could hide
    a parenthesis) and no '\\1'...'\\9' (a number reference, refused by its own message).
    In doubt it answers no, and the pattern is compiled alone as before."""
    if "#" in pattern or "(?P=" in pattern or "(?(" in pattern or _DIGIT_ESCAPE.search(pattern):
        return False
    rest = _ESCAPES_AND_SETS.sub("", pattern)
    if "\\" in rest or "[" in rest:  # a lone backslash at the end, a class left open (or holding '[')
        return False
    parens = _NOT_PARENS.sub("", rest)
    while "()" in parens:
        parens = parens.replace("()", "")
    return not parens


_DIGIT_ESCAPE = re.compile(r"\\[1-9]")
_ESCAPES_AND_SETS = re.compile(r"\\[\s\S]|\[\^?\]?(?:[^\]\\\[]|\\[\s\S])*\]")
_NOT_PARENS = re.compile(r"[^()]+")


def _no_global_flag(pattern: str, path: Path, where: str) -> None:
    if flag := _GLOBAL_FLAGS.match(pattern):
        raise RuleError(
            f"{path}: {where}: pattern {pattern!r} starts with the inline flag {flag.group()}, which is not allowed "
            f"(patterns run joined, and already ignore case): use a scoped group, (?{flag.group()[2:-1]}:...)"
        )


def _no_numbered_reference(compiled: RulePattern, path: Path, where: str) -> RulePattern:
    """Refuse a reference to a group by number: it compiles alone, but the number changes when the
    rule's patterns are joined into one expression."""
    ref = _numbered_reference(compiled.pattern)
    if ref:
        raise RuleError(
            f"{path}: {where}: pattern {compiled.pattern!r} refers to a group by number ({ref}), which changes "
            "when the rule's patterns are joined: name the group, (?P<name>...) and (?P=name)"
        )
    return compiled


def _runs_alone(compiled: RulePattern, path: Path, where: str) -> None:
    """Refuse a pattern that compiles alone but not in the very form it runs in (model.run_form).
    Asked only when the joined expression fails: it contains every part in that form."""
    try:
        re.compile(run_form(compiled))
    except re.error as e:
        raise RuleError(f"{path}: {where}: pattern {compiled.pattern!r} does not compile as it runs: {e}") from None


def _numbered_reference(pattern: str) -> str | None:
    """A numbered backreference (\\1) or group test ((?(1)...)) outside classes, if any."""
    found = re.search(r"(?<!\\)(?:\\\\)*(\\[1-9]|\(\?\([0-9])", _without_classes(pattern))
    return found.group(1) if found else None


def _without_classes(pattern: str) -> str:
    """`pattern` with its character classes blanked (inside them, \\1 is an octal escape)."""
    out, i, n = [], 0, len(pattern)
    while i < n:
        if pattern[i] == "\\":
            out.append(pattern[i : i + 2])
            i += 2
        elif pattern[i] == "[":
            i += 2 if pattern[i + 1 : i + 2] == "^" else 1
            i += 1 if pattern[i : i + 1] == "]" else 0
            while i < n and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
            out.append("[]")
            i += 1
        else:
            out.append(pattern[i])
            i += 1
    return "".join(out)


def _conditions(raw: Any, path: Path, where: str) -> tuple[Condition, ...]:
    if not isinstance(raw, dict):
        raise RuleError(f"{path}: {where}: when must be a table")
    out = []
    for key, value in raw.items():
        op, _, name = key.partition("_")
        if op in ("min", "max") and name in FEATURE_NAMES and isinstance(value, (int, float)):
            out.append(Condition(name, op, value))
        elif key in FEATURE_NAMES and isinstance(value, bool):
            out.append(Condition(key, "is", value))
        else:
            raise RuleError(
                f"{path}: {where}: unknown condition {key} = {value!r} (use min_/max_ with "
                f"{', '.join(FEATURE_NAMES)}, or a feature name = true/false)"
            )
    return tuple(out)
