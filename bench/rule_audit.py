"""Which rules drop article text: a per-rule audit of the lines the pipeline drops, on train/dev.

Every page of the chosen splits runs through the pipeline on the text path (the whole page as
text) and, for HTML pages, on the HTML path (trafilatura's text, then the stages). Each dropped
line is labelled as the line model's trainer labels its examples (`train.in_reference`): content
when its words occur, in order, in the page's reference text; chrome otherwise. A content line
whose words the kept text delivers anyway (the first copy of a repeat) is counted apart, as a copy. The table gives,
per rule id (explicit rules, context decisions, the line model), the dropped lines and words that
are content and chrome, with content examples to read.

    nice -n 5 .venv/bin/python bench/rule_audit.py --splits train,dev --json /tmp/audit.json
    .venv/bin/python bench/rule_audit.py --compare /tmp/before.json /tmp/after.json
    .venv/bin/python bench/rule_audit.py --content /tmp/audit.json [RULE ...]   # every content line

Never run it on the test split while tuning rules: the split exists so that test stays unseen.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from pipeline.core import Context, run_steps, steps
from pipeline.document import Document
from pipeline.evaluation.pages import load_pages
from pipeline.evaluation.realpages import text_input
from pipeline.settings import load_settings
from pipeline.train import Reference, in_reference

EXAMPLES = 4  # content examples kept per rule (the chrome ones matter less: that is the rule's job)


def dropped_lines(ctx: Context, page: Any, payload: bytes, fmt: str) -> list[dict[str, Any]]:
    """The lines the pipeline drops from one input, each with its rule and its label."""
    doc = Document(id=page.key, source=page.path.name, file=page.path.name, metadata={"format": fmt})
    doc.payload = payload
    chain = steps(ctx)
    doc = chain[0](doc)  # encoding (and, for HTML, extraction): the lines the rules see
    text_of = dict(zip(doc.line_numbers, doc.lines, strict=True))
    doc = run_steps(doc, chain[1:])
    ref = Reference.of(page.reference)
    kept = Reference.of("\n".join(doc.lines) if doc.status == "ok" else "")
    by_line = {e.line: e.rule for e in doc.events if e.action == "drop" and e.line is not None}
    if doc.status != "ok":  # a rejected page loses every line it still had
        by_line = {n: by_line.get(n, f"rejected:{doc.status}") for n in text_of}
    out = []
    for number, rule in sorted(by_line.items()):
        text = text_of.get(number, "")
        if text.strip():
            content = in_reference(text, ref)
            copy = content and in_reference(text, kept)  # the words are delivered by a kept line
            out.append({"rule": rule, "text": text, "words": len(text.split()), "content": content and not copy,
                        "copy": copy})  # fmt: skip
    return out


def audit(shared: Path, splits: tuple[str, ...], groups: tuple[str, ...]) -> list[dict[str, Any]]:
    ctx = Context.load(load_settings(None))
    ctx = dataclasses.replace(ctx, settings=ctx.settings.with_languages("any"))
    rows = []
    for n, page in enumerate(load_pages(shared, splits, groups), 1):
        inputs = [("text", text_input(page).encode("utf-8"), "txt")]
        if page.is_html:
            inputs.append(("html", page.raw(), "html"))
        for path, payload, fmt in inputs:
            for row in dropped_lines(ctx, page, payload, fmt):
                rows.append({"page": page.key, "group": page.group, "path": path, **row})
        if n % 100 == 0:
            print(f"  {n} pages", file=sys.stderr, flush=True)
    return rows


def table(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per rule: lines and words dropped as content / as chrome, and content examples."""
    out: dict[str, dict[str, Any]] = defaultdict(
        lambda: {
            "content_lines": 0,
            "chrome_lines": 0,
            "copy_lines": 0,
            "content_words": 0,
            "chrome_words": 0,
            "copy_words": 0,
            "examples": [],
        }
    )
    for r in rows:
        cell = out[r["rule"]]
        kind = "content" if r["content"] else "copy" if r.get("copy") else "chrome"
        cell[f"{kind}_lines"] += 1
        cell[f"{kind}_words"] += r["words"]
        if r["content"] and len(cell["examples"]) < EXAMPLES:
            cell["examples"].append(f"{r['page']} [{r['path']}]: {r['text'][:160]}")
    return dict(out)


def render(cells: dict[str, dict[str, Any]], min_content: int = 1, examples: bool = True) -> str:
    lines = [
        "| rule | content lines | chrome lines | copies | content words | chrome words |",
        "|---|---|---|---|---|---|",
    ]
    order = sorted(cells.items(), key=lambda kv: (-kv[1]["content_words"], kv[0]))
    for rule, c in order:
        if c["content_lines"] < min_content:
            continue
        lines.append(
            f"| {rule} | {c['content_lines']} | {c['chrome_lines']} | {c['copy_lines']} | {c['content_words']} "
            f"| {c['chrome_words']} |"
        )
    if examples:
        for rule, c in order:
            if c["content_lines"] >= min_content and c["examples"]:
                lines.append(f"\n{rule}:")
                lines.extend(f"  - {e}" for e in c["examples"])
    return "\n".join(lines)


def content_lines(rows: list[dict[str, Any]], rules: tuple[str, ...] = ()) -> str:
    """Every dropped line that is article content, per rule id (most content words first), then
    per page and path: what a rule erases, to read in full (`table` keeps a few examples)."""
    found: dict[str, dict[tuple[str, str], list[str]]] = defaultdict(lambda: defaultdict(list))
    words: dict[str, int] = defaultdict(int)
    for r in rows:
        if r["content"] and (not rules or r["rule"] in rules):
            found[r["rule"]][r["page"], r["path"]].append(r["text"])
            words[r["rule"]] += r["words"]
    out = []
    for rule in sorted(found, key=lambda k: (-words[k], k)):
        out.append(f"{rule}: {words[rule]} content words")
        for (page, path), texts in sorted(found[rule].items(), key=lambda kv: (-len(kv[1]), kv[0])):
            out.append(f"  {page} [{path}]")
            out.extend(f"    {t.strip()[:200]}" for t in texts)
    return "\n".join(out)


def compare(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> str:
    zero = {"content_lines": 0, "chrome_lines": 0, "copy_lines": 0, "content_words": 0, "chrome_words": 0}
    lines = ["| rule | content lines before → after | chrome lines before → after |", "|---|---|---|"]
    for rule in sorted(set(before) | set(after)):
        b, a = before.get(rule, zero), after.get(rule, zero)
        if (b["content_lines"], b["chrome_lines"]) != (a["content_lines"], a["chrome_lines"]):
            lines.append(
                f"| {rule} | {b['content_lines']} → {a['content_lines']} | {b['chrome_lines']} → {a['chrome_lines']} |"
            )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=Path("/work/shared"))
    parser.add_argument("--splits", default="train,dev")
    parser.add_argument("--groups", default="realpages,wcxb,aeb")
    parser.add_argument("--json", type=Path, help="write the rows and the table here")
    parser.add_argument("--min-content", type=int, default=1, help="list rules with at least this many content lines")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    parser.add_argument("--content", nargs="+", metavar=("AUDIT", "RULE"),
                        help="list every content line an audit's rules dropped (or the named rules')")  # fmt: skip
    args = parser.parse_args()
    if args.content:
        saved = json.loads(Path(args.content[0]).read_text(encoding="utf-8"))
        print(content_lines(saved["rows"], tuple(args.content[1:])))
        return 0
    if args.compare:
        before, after = (json.loads(p.read_text(encoding="utf-8"))["table"] for p in args.compare)
        print(compare(before, after))
        return 0
    if "test" in args.splits.split(","):
        print("rule_audit: the test split stays unseen; audit train and dev only", file=sys.stderr)
        return 2
    rows = audit(args.shared, tuple(args.splits.split(",")), tuple(args.groups.split(",")))
    cells = table(rows)
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "table": cells}, ensure_ascii=False, indent=1), encoding="utf-8")
    print(render(cells, args.min_content))
    return 0


if __name__ == "__main__":
    sys.exit(main())
