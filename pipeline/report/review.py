"""Rules to review: the heuristics that flag a rule's removals for a human look, the run's rule packs
(for the never-fired list), and the report section that lists them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pipeline.errors import PipelineError
from pipeline.fingerprint import run_fingerprints
from pipeline.report.html import cut, esc, href, num, table
from pipeline.settings import load_settings

if TYPE_CHECKING:
    from pipeline.core import Context
    from pipeline.rules.loader import RuleSet

EXAMPLES = 3  # examples per flagged rule
LONG_WORDS = 25  # a dropped line this long, ending with a full stop, looks like article text
SENTENCE_CHARS = 2 * LONG_WORDS - 1  # the fewest characters LONG_WORDS words take
LARGE_SHARE = 0.5  # a rule removing more than this share of a document's characters
TOP = 30  # flagged rules listed per heuristic
CONTEXT_PREFIX = "generic.context."  # context decisions, when the packs cannot be loaded
_CLOSERS = "\"'»”’)]"  # may follow a sentence's full stop


@dataclass
class Flag:
    """A rule flagged for review: how often, and a few examples (doc, audit log, what)."""

    count: int = 0
    examples: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, doc: str, log: str, what: str) -> None:
        self.count += 1
        if len(self.examples) < EXAMPLES:
            self.examples.append((doc, log, what))


def looks_like_a_sentence(text: str) -> bool:
    """At least LONG_WORDS words, ending with a full stop (then maybe closing quotes or brackets)."""
    text = text.strip()
    return len(text) >= SENTENCE_CHARS and text.rstrip(_CLOSERS).endswith(".") and len(text.split()) >= LONG_WORDS


@dataclass
class Review:
    """The audit events seen so far, judged: rules fired, repairs, and the rules flagged by each heuristic."""

    context_rules: set[str]  # context decisions: a long line they drop is a judgement, not a pattern
    fired: set[str] = field(default_factory=set)
    repairs: int = 0
    long_lines: dict[str, Flag] = field(default_factory=dict)
    large_share: dict[str, Flag] = field(default_factory=dict)

    def add(self, doc: str, log: str, chars_in: int, events: list[dict[str, Any]]) -> tuple[int, list[str]]:
        """Counts one document's events; returns its drops and repairs, and its review flags."""
        dropped: dict[str, int] = {}
        long_lines: dict[str, int] = {}
        drops = repairs = 0
        for e in events:
            rule, action = str(e.get("rule")), e.get("action")
            self.fired.add(rule)
            if action != "drop":
                repairs += action == "repair"
                continue
            drops += 1
            text = str(e.get("text") or "")
            dropped[rule] = dropped.get(rule, 0) + len(text)
            if len(text) >= SENTENCE_CHARS and rule not in self.context_rules and looks_like_a_sentence(text):
                self.long_lines.setdefault(rule, Flag()).add(doc, log, text)
                long_lines[rule] = long_lines.get(rule, 0) + 1
        self.repairs += repairs
        flags = [
            f"{rule} dropped {n} long sentence-like line{'s' if n > 1 else ''}"
            for rule, n in sorted(long_lines.items())
        ]
        for rule, chars in dropped.items():
            if chars_in and chars > LARGE_SHARE * chars_in:
                share = f"{chars / chars_in:.0%} of {chars_in:,} characters"
                self.large_share.setdefault(rule, Flag()).add(doc, log, share)
                flags.append(f"{rule} removed {share}")
        return drops + repairs, flags


# ---------------------------------------------------------------- the run's rule packs


@dataclass
class Rules:
    ids: set[str]
    context: set[str]
    note: str = ""


def load_rules(
    manifest: dict[str, Any], context: Context | None = None, chrome_fingerprint: str | None = None
) -> Rules:
    """The run's rule packs (`context`: already loaded, else its settings file as named in the
    manifest); a note if they changed since (`chrome_fingerprint`: the context's, when known)."""
    files = manifest.get("config", {}).get("files") or []
    try:
        context = context or _context(files[-1] if len(files) > 1 else "")
    except (PipelineError, OSError) as e:
        return Rules(set(), set(), f"the rule packs could not be loaded ({e}): no never-fired check")
    ruleset, settings = context.rules, context.settings
    decisions = context_decisions(ruleset)
    note = ""
    recorded = manifest.get("config", {}).get("fingerprints", {}).get("chrome")
    if (chrome_fingerprint or run_fingerprints(settings, ruleset)["chrome"]) != recorded:
        note = "the settings or rule packs changed since this run: the never-fired list reflects the current packs"
    return Rules(ruleset.rule_ids(), decisions, note)


def context_decisions(ruleset: RuleSet) -> set[str]:
    """The ids of the context rules: a long line they drop is a judgement, not a pattern."""
    return {r.id for p in ruleset.all_packs() for r in p.rules if r.kind == "context"}


def _context(config: str) -> Context:
    """The packs of settings file `config` ("": the defaults)."""
    # Imported here: pipeline.core loads the HTML extractor (slow), which CleanBatch, passing its own
    # context, never needs from the report.
    from pipeline.core import Context

    return Context.load(load_settings(config or None))


def context_rules(rules: Rules, manifest: dict[str, Any]) -> set[str]:
    """The context decisions: from the packs, else the manifest's rules named like them."""
    return rules.context or {r for r in manifest.get("rules", {}) if r.startswith(CONTEXT_PREFIX)}


# ---------------------------------------------------------------- the section


def review_section(review: Review, rules: Rules, manifest: dict[str, Any]) -> str:
    never = sorted(rules.ids - review.fired - set(manifest.get("rules", {})))
    parts = [
        '<section id="review"><h2>Rules to review</h2>',
        f"<h3>Long sentence-like lines dropped ({_rules(len(review.long_lines))})</h3>",
        f'<p class="note">Lines of {LONG_WORDS} words or more ending with a full stop, dropped by a rule that is '
        "not a context decision: article text, or a rule that matches too much?</p>",
        _flag_table(review.long_lines, "line dropped"),
        f"<h3>A large share of a document ({_rules(len(review.large_share))})</h3>",
        f'<p class="note">One rule removed more than {LARGE_SHARE:.0%} of a document\'s characters.</p>',
        _flag_table(review.large_share, "share removed"),
        f"<h3>Never fired ({len(never)} of {len(rules.ids)} rules)</h3>",
        f'<p class="note">{esc(rules.note)}</p>' if rules.note else "",
        '<p class="rules">' + " ".join(f"<code>{esc(r)}</code>" for r in never) + "</p>" if never else "<p>none</p>",
        "</section>",
    ]
    return "\n".join(parts)


def _rules(n: int) -> str:
    return f"{n:,} rule{'' if n == 1 else 's'}"


def _flag_table(flags: dict[str, Flag], what: str) -> str:
    if not flags:
        return "<p>none</p>"
    ranked = sorted(flags.items(), key=lambda kv: (-kv[1].count, kv[0]))[:TOP]
    rows = [[f'<span class="rule">{esc(rule)}</span>', num(flag.count),
             "<br>".join(f'<a href="{href(log)}">{esc(doc)}</a>: {esc(cut(text, 300))}'
                         for doc, log, text in flag.examples)] for rule, flag in ranked]  # fmt: skip
    more = f'<p class="note">and {len(flags) - TOP} more rules</p>' if len(flags) > TOP else ""
    return table(["rule", "times", f"examples (document: {what})"], rows) + more
