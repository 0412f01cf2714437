"""Learned boilerplate: recurring lines become an ordinary rule pack; syndicated text does not."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from pipeline import jsonl
from pipeline.core import Context
from pipeline.document import Document
from pipeline.rules.loader import load_ruleset
from pipeline.settings import Settings
from pipeline.stages.boilerplate import BoilerplateCounter, render_pack
from pipeline.stages.chrome import remove_chrome

CHROME = "Retrouvez toutes nos émissions sur l'appli Radio Demain"
DISPATCH = "Le Parlement européen a adopté mercredi une directive sur le devoir de vigilance des grandes entreprises."


def _doc(n: int, *lines: str) -> Document:
    doc = Document(id=f"d{n}", source=f"{n}.txt", file=f"{n}.txt")
    doc.set_text("\n".join(lines))
    return doc


def _article(n: int) -> list[str]:
    return [
        f"Le maire de la commune numéro {n} a présenté lundi son budget pour l'année prochaine, en hausse de {n} %.",
        f"Les élus de l'opposition ont demandé un audit des comptes, estimant la dette à {n} millions d'euros.",
    ]


def test_recurring_line_is_learned_and_syndicated_text_is_not(settings: Settings, tmp_path: Path) -> None:
    counter = BoilerplateCounter(settings.learn)
    for n in range(6):
        extra = [DISPATCH] if n < 2 else []
        counter.add(_doc(n, *_article(n), *extra, CHROME), "radiodemain")
    learned = counter.learned(settings.chrome)
    assert [item.line for item in learned] == [CHROME]
    assert learned[0].docs == 6 and learned[0].site == "radiodemain"

    pack = tmp_path / "learned.toml"
    pack.write_text(render_pack(learned, "test"), encoding="utf-8")
    rules = load_ruleset(settings.pack_paths("generic"), settings.pack_paths("site"), pack)
    doc = _doc(9, *_article(9), CHROME)
    doc.site = "radiodemain"
    remove_chrome(doc, rules, settings.chrome)
    drops = {e.text: e.rule for e in doc.events if e.action == "drop"}
    assert drops == {CHROME: f"learned.{learned[0].rule_id}"}
    assert drops[CHROME] in rules.rule_ids()


def test_too_few_documents_learn_nothing(ctx: Context) -> None:
    counter = BoilerplateCounter(ctx.settings.learn)
    for n in range(2):
        counter.add(_doc(n, *_article(n), CHROME), None)
    assert counter.learned(ctx.settings.chrome) == []


def test_shards_counted_apart_and_merged_learn_what_one_count_learns(ctx: Context) -> None:
    """RepairEncoding counts each shard; LearnBoilerplate merges the counts (as JSON)."""
    docs = [_doc(n, *_article(n), CHROME if n % 3 else "Écoutez le direct", "Partager") for n in range(12)]
    whole = BoilerplateCounter(ctx.settings.learn)
    shards = [BoilerplateCounter(ctx.settings.learn) for _ in range(3)]
    for n, doc in enumerate(docs):
        whole.observe(doc, ctx.rules)
        shards[n % 3].observe(doc, ctx.rules)
    merged = BoilerplateCounter(ctx.settings.learn)
    for shard in shards:
        merged.merge(jsonl.loads(jsonl.dumps(shard.to_record())))
    assert merged.learned(ctx.settings.chrome) == whole.learned(ctx.settings.chrome)
    assert {item.line for item in whole.learned(ctx.settings.chrome)} == {CHROME, "Écoutez le direct", "Partager"}


def test_merged_counts_equal_one_count_key_for_key(ctx: Context) -> None:
    """Counts, key order and each key's first example survive the shards' JSON round trip (two
    spellings of one key: the first document's stays, as in one count)."""
    docs = [_doc(n, *_article(n), "Partager" if n < 3 else "PARTAGER", "Lire aussi") for n in range(9)]
    whole = BoilerplateCounter(ctx.settings.learn)
    shards = [BoilerplateCounter(ctx.settings.learn) for _ in range(3)]
    for n, doc in enumerate(docs):
        whole.add(doc, "radiodemain" if n % 3 else None)
        shards[n // 3].add(doc, "radiodemain" if n % 3 else None)
    merged = BoilerplateCounter(ctx.settings.learn)
    for shard in shards:
        merged.merge(jsonl.loads(jsonl.dumps(shard.to_record())))
    assert merged.docs == whole.docs
    assert {g: list(c.items()) for g, c in merged.lines.items()} == {g: list(c.items()) for g, c in whole.lines.items()}
    assert merged.example == whole.example
    assert merged.example["partager"] == "Partager"


def test_merge_stops_taking_shards_for_a_site_at_its_limit(settings: Settings) -> None:
    limited = dataclasses.replace(settings.learn, max_docs_per_site=4)
    merged = BoilerplateCounter(limited)
    for start in (0, 3, 6):
        shard = BoilerplateCounter(limited)
        for n in range(start, start + 3):
            shard.add(_doc(n, *_article(n), CHROME), "radiodemain")
        merged.merge(shard.to_record())
    assert merged.docs["radiodemain"] == 6  # 3, then 3 more (under 4 before), then no more


def test_observe_counts_under_the_detected_site(ctx: Context) -> None:
    counter = BoilerplateCounter(ctx.settings.learn)
    counter.observe(_doc(1, *_article(1), "URL courte", "Partager"), ctx.rules)
    assert dict(counter.docs) == {"sputnik": 1}
