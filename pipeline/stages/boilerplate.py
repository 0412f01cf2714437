"""Learned boilerplate: lines that recur across many documents of one site become rules.

A line is learned for a site (or for the batch, when the site is unknown) when it appears in at
least `min_docs` documents and in `min_share` of that site's documents. Sentence-like lines need
more evidence (`sentence_min_docs`, `sentence_min_share`), because the same agency dispatch is
syndicated by several sites and a site may run one story more than once: that is content, not
chrome. What is learned is written as an ordinary rule pack (exact lines), readable and reused
by the chrome stage, with rule ids `learned.<site>.<hash>`.

Counting is spread over shards: each RepairEncoding task counts its own documents
(`count_for_learning`, written with `to_record`), and LearnBoilerplate only adds the shards' counts up (`merge`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pipeline.document import Document
from pipeline.rules.features import line_key
from pipeline.rules.features import line_keys as keys_of_lines
from pipeline.rules.loader import LEARN_BATCH as BATCH  # the group of documents whose site is unknown
from pipeline.rules.loader import RuleSet
from pipeline.settings import ChromeSettings, LearnSettings
from pipeline.stages.chrome import classify, site_evidence


@dataclass(frozen=True)
class LearnedLine:
    site: str
    line: str
    docs: int
    site_docs: int

    @property
    def rule_id(self) -> str:
        digest = hashlib.blake2b(f"{self.site}\n{line_key(self.line)}".encode(), digest_size=4).hexdigest()
        # Rule ids allow [a-z0-9_.-] only; a given site may be "Le Monde" or carry an emoji.
        site = re.sub(r"[^a-z0-9_.-]+", "-", self.site.lower()).strip("-._") or "site"
        return f"{site}.{digest}"


class BoilerplateCounter:
    """Counts, per site, in how many documents each line occurs (bounded per site)."""

    def __init__(self, settings: LearnSettings) -> None:
        self.settings = settings
        self.docs: Counter[str] = Counter()
        self.lines: dict[str, Counter[str]] = {}
        self.example: dict[str, str] = {}

    def add(self, doc: Document, site: str | None, keys: list[str] | None = None) -> str | None:
        """Count the document's lines; returns the group counted under (None past the cap)."""
        group = site or BATCH
        if self.docs[group] >= self.settings.max_docs_per_site:
            return None
        self.docs[group] += 1
        found = self._keys(doc, keys)
        self.lines.setdefault(group, Counter()).update(found.keys())  # counted in C, in the same order
        example = self.example  # the first example of a key stays
        example.update({key: line for key, line in found.items() if key not in example})
        return group

    def remove(self, doc: Document, group: str) -> None:
        """Take back a document counted under `group`: a copy of an article already counted."""
        self.docs[group] -= 1
        counts = self.lines[group]
        for key in self._keys(doc, None):
            counts[key] -= 1

    def _keys(self, doc: Document, keys: list[str] | None) -> dict[str, str]:
        """The document's distinct countable line keys, each with its first line."""
        out: dict[str, str] = {}
        longest = self.settings.max_line_chars
        for i, line in enumerate(doc.lines):
            stripped = line.strip()
            if not stripped or len(line) > longest:
                continue
            key = keys[i] if keys is not None else line_key(line)
            if key not in out:
                out[key] = stripped
        return out

    def observe(self, doc: Document, ruleset: RuleSet, keys: list[str] | None = None) -> str | None:
        """Count an active document's lines under its site; returns the group (None: not counted).
        The marker scores are kept on the document for the chrome stage, which settles the site
        (see remove_chrome). `keys`: the `line_keys` of the document, when the caller has them."""
        if not doc.active:
            return None
        keys = line_keys(doc) if keys is None else keys
        site, scores = site_evidence(doc, ruleset, keys)
        doc.site_markers = scores or None
        return self.add(doc, site, keys)

    def to_record(self) -> dict[str, Any]:
        """The counts as JSON: documents read per group, and per group three parallel lists: the
        keys, their documents and their example lines. Columns, not an object of [n, line] pairs:
        a shard holds ~100k keys, and three lists are read back three to four times faster."""
        example = self.example
        return {
            "docs": dict(self.docs),
            "lines": {g: [list(c), list(c.values()), [example[k] for k in c]] for g, c in self.lines.items()},
        }

    def merge(self, record: dict[str, Any]) -> set[str]:
        """Add one shard's counts; returns the groups taken. A group that has reached
        `max_docs_per_site` takes no more shards, so learning reads about that many documents per
        site, whatever the batch size."""
        taken = set()
        for group, docs in record["docs"].items():
            if self.docs[group] >= self.settings.max_docs_per_site:
                continue
            taken.add(group)
            self.docs[group] += docs
            counts = self.lines.setdefault(group, Counter())
            get, first_example = counts.get, self.example.setdefault  # bound once: a shard holds ~100k keys
            keys, docs_per_key, examples = record["lines"].get(group, ([], [], []))
            for key, n, example in zip(keys, docs_per_key, examples, strict=True):
                counts[key] = get(key, 0) + n  # not `+=`: a new key would call Counter.__missing__
                first_example(key, example)
        return taken

    def learned(self, chrome: ChromeSettings) -> list[LearnedLine]:
        s = self.settings
        out = []
        least_docs, least_share = min(s.min_docs, s.sentence_min_docs), min(s.min_share, s.sentence_min_share)
        for group in sorted(self.lines):
            total = self.docs[group]
            for key, n in self.lines[group].items():
                if n <= 0 or n < least_docs or n / total < least_share:
                    continue  # too rare under either threshold: no need to classify the line
                line = self.example[key]
                sentence = classify(line, chrome) == "good"
                need_docs = s.sentence_min_docs if sentence else s.min_docs
                need_share = s.sentence_min_share if sentence else s.min_share
                if n >= need_docs and n / total >= need_share:
                    out.append(LearnedLine(group, line, n, total))
        return sorted(out, key=lambda x: (x.site, -x.docs, x.line))


def line_keys(doc: Document) -> list[str]:
    """Each line's key ("" for a blank line), as learning counts them."""
    return keys_of_lines(doc.lines)


def count_for_learning(counter: BoilerplateCounter, doc: Document, ruleset: RuleSet,
                       keys: list[str] | None = None) -> str | None:  # fmt: skip
    """The learning step of the encoding task, on one repaired document: detect its site and count
    its lines (`observe`); returns the group counted, None when learning is off (the chrome stage
    then detects the site itself) or the document is set aside."""
    return counter.observe(doc, ruleset, keys) if counter.settings.enabled else None


def render_pack(learned: Iterable[LearnedLine], note: str) -> str:
    """The learned rules as a TOML rule pack (strings written as JSON, which TOML accepts)."""
    out = [
        "# Learned boilerplate: written by the LearnBoilerplate task, do not edit (it is rewritten",
        f"# whenever the batch or the settings change). {note}",
        "[pack]",
        'id = "learned"',
        'description = "Lines that recur across documents of one site in this batch"',
        "",
    ]
    for item in learned:
        share = 100 * item.docs / item.site_docs
        out += [
            "[[rule]]",
            f"id = {json.dumps(item.rule_id)}",
            "description = "
            + _toml_string(f"seen in {item.docs} of {item.site_docs} {item.site} documents ({share:.0f}%)"),
            f"exact = [{_toml_string(item.line)}]",
            f"sites = [{_toml_string(item.site)}]",
            "",
        ]
    return "\n".join(out)


def _toml_string(value: str) -> str:
    """A TOML basic string: JSON's escapes, minus the surrogate pairs TOML refuses, plus DEL."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
