"""Bad input never stops a batch: each bad item is quarantined or rejected with a specific reason,
in its output record and in its audit log, the good documents beside it are cleaned, and the
manifest accounts for every document of every input file (read = clean + rejected + quarantined).

The corpus is generated (tests/reliability/corpus.py) and cleaned by the real pipeline, run as a
subprocess the way a user runs it.
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from pipeline.layout import OutputLayout
from tests.reliability.corpus import (
    MIB,
    Case,
    Corpus,
    build_corpus,
    good_texts,
    write_big_html,
    write_gzip_bomb,
    write_jsonl_with_big_record,
    write_single_line,
)
from tests.reliability.helpers import (
    audit_events,
    decisions_per_file,
    manifest,
    records,
    run_measured,
    run_pipeline,
    source_file,
    temporaries,
)

RSS_LIMIT_MB = 200  # the biggest input is 200 MB; the pipeline must stay far below
UNDER_LIMIT_RSS_MB = 300  # a document just under [input] max_record_bytes (8 MiB), cleaned whole


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Corpus, Path, subprocess.CompletedProcess[str]]:
    root = tmp_path_factory.mktemp("corpus")
    corpus = build_corpus(root / "in")
    out = root / "out"
    # The cases reuse a few good pages under many names; each must reach its own outcome, so copies
    # are not de-duplicated here (tests/integration/test_dedup_batch.py covers that).
    config = root / "no-dedup.toml"
    config.write_text("[dedup]\nenabled = false\nlearn_once = false\n")
    result = run_pipeline("run", "--input", str(corpus.root), "--output", str(out), "--config", str(config),
                          timeout=240)  # fmt: skip
    return corpus, out, result


def test_batch_completes_and_accounts_for_every_document(corpus_run: tuple[Corpus, Path, Any]) -> None:
    corpus, out, result = corpus_run
    assert result.returncode == 0, result.stderr[-3000:]
    m = manifest(out)
    assert m["accounting"]["ok"], m["accounting"]["problems"]
    expected = {c.source: Counter(o.decision for o in c.outcomes) for c in corpus.cases if c.outcomes}
    per_file = {f: Counter(counts) for f, counts in m["accounting"]["per_file"].items()}
    assert per_file == expected
    found = decisions_per_file(records(out))
    assert found == expected  # what was written agrees with the manifest, file by file
    assert m["documents"]["in"] == sum(len(c.outcomes) for c in corpus.cases)


def test_each_case_gets_its_outcome_and_specific_reason(corpus_run: tuple[Corpus, Path, Any]) -> None:
    corpus, out, _ = corpus_run
    by_file: dict[str, list[dict[str, Any]]] = {}
    for r in records(out):
        by_file.setdefault(source_file(r["source"]), []).append(r)
    problems = []
    for case in corpus.cases:
        got = sorted(by_file.get(case.source, []), key=_record_number)
        want = [(o.decision, o.reason) for o in case.outcomes]
        have = [(r["decision"], r["why"]) for r in got]
        if len(have) != len(want) or any(d != hd or r not in hr for (d, r), (hd, hr) in zip(want, have, strict=False)):
            problems.append(f"{case.name}: want {want}, got {have}")
    assert not problems, "\n".join(problems)


def _record_number(record: dict[str, Any]) -> int:
    tail = record["source"].rsplit("#", 1)
    return int(tail[1]) if len(tail) == 2 and tail[1].isdigit() else 0


def test_audit_log_of_each_case_tells_the_same_story(corpus_run: tuple[Corpus, Path, Any]) -> None:
    corpus, out, _ = corpus_run
    problems = []
    for case in (c for c in corpus.cases if c.outcomes):
        problems += _audit_problems(out, case)
    assert not problems, "\n".join(problems)


def _audit_problems(out: Path, case: Case) -> list[str]:
    try:
        events = audit_events(out, case.source)
    except FileNotFoundError:
        return [f"{case.name}: no audit log"]
    summaries = [e for e in events if e.get("action") == "summary"]
    problems = []
    if [s["decision"] for s in summaries] != [o.decision for o in case.outcomes]:
        problems.append(f"{case.name}: audit summaries {[s['decision'] for s in summaries]}")
    for summary, outcome in zip(summaries, case.outcomes, strict=False):
        if outcome.decision != "clean" and outcome.reason not in (summary["reason"] or ""):
            problems.append(f"{case.name}: audit reason {summary['reason']!r}, want {outcome.reason!r}")
    if outcome_events(events) != sum(o.decision != "clean" for o in case.outcomes):
        problems.append(f"{case.name}: one reject/quarantine event per document not kept")
    if case.audit_rule and not any(e.get("rule") == case.audit_rule for e in events):
        problems.append(f"{case.name}: audit log does not name {case.audit_rule}")
    return problems


def outcome_events(events: list[dict[str, Any]]) -> int:
    return sum(e.get("action") in ("reject", "quarantine") for e in events)


def test_no_temporary_files_and_no_duplicate_records(corpus_run: tuple[Corpus, Path, Any]) -> None:
    _, out, _ = corpus_run
    assert temporaries(out) == []
    sources = [r["source"] for r in records(out)]
    assert len(sources) == len(set(sources))


def test_names_that_would_collide_get_their_own_audit_logs(corpus_run: tuple[Corpus, Path, Any]) -> None:
    corpus, out, _ = corpus_run

    sources = [c.source for c in corpus.cases if c.outcomes]
    paths = [OutputLayout(out).audit_log(s) for s in sources]
    assert len(set(paths)) == len(paths)
    logs = OutputLayout(out).audit_logs()
    assert sorted(paths) == logs  # one log per input item, no strays
    for path in logs:
        assert len(path.name.encode()) <= 255 - 30  # room for the writer's temporary name


def test_duplicate_ids_are_kept_and_noted(corpus_run: tuple[Corpus, Path, Any]) -> None:
    _, out, _ = corpus_run
    dupes = [r for r in records(out) if source_file(r["source"]) == "dupes.jsonl"]
    assert [r["id"] for r in sorted(dupes, key=_record_number)] == ["same", "same", "same", "other"]
    notes = [e for e in audit_events(out, "dupes.jsonl") if e.get("rule") == "input.duplicate-id"]
    assert [n["reason"] for n in notes] == [
        "id 'same' was already used by dupes.jsonl#1; both records are kept",
        "id 'same' was already used by dupes.jsonl#1; both records are kept",
    ]
    assert manifest(out)["notes"] == {"input.duplicate-id": 2}


def test_skipped_sub_cases_say_why(corpus_run: tuple[Corpus, Path, Any]) -> None:
    corpus, _, _ = corpus_run
    for name, why in corpus.skipped.items():
        assert why, name
    if corpus.skipped:
        pytest.skip("; ".join(f"{k}: {v}" for k, v in corpus.skipped.items()))


def test_empty_input_folder(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    result = run_pipeline("run", "--input", str(tmp_path / "in"), "--output", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "no input files found" in result.stdout
    m = manifest(tmp_path / "out")
    assert m["documents"] == {"in": 0, "clean": 0, "rejected": 0, "quarantined": 0}
    assert m["accounting"]["ok"]


@pytest.mark.slow
def test_huge_inputs_are_quarantined_with_bounded_memory(tmp_path: Path) -> None:
    good = good_texts()
    inp = tmp_path / "in"
    inp.mkdir()
    write_single_line(inp / "line-200mb.txt", 200 * MIB)
    write_gzip_bomb(inp / "bomb.txt.gz", 200 * MIB)
    write_big_html(inp / "page-50mb.html", 50 * MIB, good[0].splitlines()[0])
    write_big_html(inp / "page-20mb.html", 20 * MIB, good[0].splitlines()[0])
    write_jsonl_with_big_record(inp / "big-text.jsonl", 40 * MIB, "text", good[1:3])
    write_jsonl_with_big_record(inp / "big-html.jsonl", 9 * MIB, "html", good[3:5])
    (inp / "good.txt").write_text(good[5], encoding="utf-8")
    out = tmp_path / "out"
    _, peak_mb = run_measured("run", "--input", str(inp), "--output", str(out))
    assert peak_mb < RSS_LIMIT_MB, f"peak RSS {peak_mb} MB"
    why = {r["source"]: (r["decision"], r["why"]) for r in records(out)}
    huge = ("line-200mb.txt", "bomb.txt.gz", "page-50mb.html", "page-20mb.html", "big-text.jsonl#2", "big-html.jsonl#2")
    for source in huge:  # all over [input] max_record_bytes (8 MiB)
        assert why[source][0] == "quarantined" and "too large: more than 8388608 bytes" in why[source][1], source
    for source in ("big-text.jsonl#1", "big-text.jsonl#3", "big-html.jsonl#1", "big-html.jsonl#3", "good.txt"):
        assert why[source] == ("clean", ""), source
    assert manifest(out)["accounting"]["ok"]
    print(f"peak RSS {peak_mb} MB")  # shown with -s; goes into docs/reliability.md


def test_html_over_its_own_limit_is_quarantined_before_parsing(tmp_path: Path) -> None:
    """`[input] max_html_bytes`, set lower than `max_record_bytes`: a page file and a JSONL `html`
    record over it are quarantined with a reason naming the setting; pages under it are cleaned."""
    good = good_texts()
    inp = tmp_path / "in"
    inp.mkdir()
    write_big_html(inp / "page-2mb.html", 2 * MIB, good[0].splitlines()[0])
    write_jsonl_with_big_record(inp / "big-html.jsonl", 2 * MIB, "html", good[1:3])
    paragraphs = "".join(f"<p>{p}</p>" for p in good[3].splitlines() if p.strip())
    (inp / "small.html").write_text(f"<html><body><article>{paragraphs}</article></body></html>", encoding="utf-8")
    config = tmp_path / "settings.toml"
    config.write_text("[input]\nmax_html_bytes = 1048576\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_pipeline("run", "--input", str(inp), "--output", str(out), "--config", str(config))
    assert result.returncode == 0, result.stderr[-3000:]
    why = {r["source"]: (r["decision"], r["why"]) for r in records(out)}
    limit = "(limit [input] max_html_bytes = 1048576)"
    assert why["page-2mb.html"][0] == "quarantined"
    assert why["page-2mb.html"][1].startswith("HTML page too large to parse: 2097") and limit in why["page-2mb.html"][1]
    assert why["big-html.jsonl#2"] == ("quarantined", f"HTML page too large to parse: {2 * MIB} characters {limit}")
    for source in ("big-html.jsonl#1", "big-html.jsonl#3", "small.html"):
        assert why[source] == ("clean", ""), source
    assert manifest(out)["accounting"]["ok"]


def just_under_limit(path: Path, size: int, shape: str) -> None:
    """A plain-text document of just under `size` bytes of French: one line, or numbered paragraphs."""
    texts = good_texts()
    if shape == "one line":
        data = (" ".join(" ".join(t.split()) for t in texts[:20]) + " ").encode()
    else:
        paragraphs = [p for t in texts for p in t.splitlines() if p.strip()]
        data = "\n".join(f"{n}. {paragraphs[n % len(paragraphs)]}" for n in range(size // 100)).encode()
    data = data * (size // len(data) + 1)
    path.write_bytes(data[: data.rfind(b" ", 0, size)])


@pytest.mark.slow
@pytest.mark.parametrize("shape", ["one line", "paragraphs"])
def test_largest_plain_text_document_fits_in_memory(tmp_path: Path, shape: str) -> None:
    """A plain-text document just under `[input] max_record_bytes` (8 MiB) is cleaned whole, in one
    worker, with a bounded peak RSS (with the former 32 MiB limit, a 30 MB line took 586 MB)."""
    inp = tmp_path / "in"
    inp.mkdir()
    just_under_limit(inp / "big.txt", 8 * MIB, shape)
    out = tmp_path / "out"
    _, peak_mb = run_measured("run", "--input", str(inp), "--output", str(out), "--workers", "1")
    [record] = records(out)
    assert record["decision"] == "clean", record["why"]
    assert peak_mb < UNDER_LIMIT_RSS_MB, f"peak RSS {peak_mb} MB"
    print(f"{shape}: {(inp / 'big.txt').stat().st_size} bytes, peak RSS {peak_mb} MB")  # for docs/reliability.md


def test_site_names_from_jsonl_do_not_break_learned_rules(tmp_path: Path) -> None:
    good = good_texts()
    inp = tmp_path / "in"
    inp.mkdir()
    lines = [json.dumps({"id": f"s{i}", "site": "Le Monde 😀", "text": "Abonnez-vous à la lettre\n" + good[i]})
             for i in range(5)]  # fmt: skip
    (inp / "sites.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    cfg = tmp_path / "luigi.cfg"  # one attempt: this test expects success, retries only slow down the failure
    cfg.write_text("[worker]\nkeep_alive = false\n[scheduler]\nretry_count = 1\n")
    result = run_pipeline("run", "--input", str(inp), "--output", str(tmp_path / "out"),
                          env={"LUIGI_CONFIG_PATH": str(cfg)})  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
