"""`explain FILE`: every line of a document, kept or dropped, with the rule id and the reason.

Rule authors read this to see what each rule did; colours in a terminal, plain when piped.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from pipeline.core import Context, run_steps, steps
from pipeline.inputs import InputFile, read_input
from pipeline.settings import load_settings

_COLORS = {"drop": "\033[31m", "keep": "\033[32m", "repair": "\033[33m", "head": "\033[1m", "dim": "\033[2m"}
_RESET = "\033[0m"


def explain_file(
    path: Path, config: str | None, languages: str | None, learned: str | None, color: bool, out: TextIO
) -> int:
    settings = load_settings(config).with_languages(languages)
    ctx = Context.load(settings, Path(learned) if learned else None)
    st = path.stat()
    f = InputFile(str(path), path.name, st.st_size, st.st_mtime_ns)

    def paint(kind: str, text: str) -> str:
        return f"{_COLORS[kind]}{text}{_RESET}" if color else text

    for doc, payload in read_input(f, settings.input):
        first, *rest = steps(ctx)
        doc.payload = payload
        doc = first(doc)  # the encoding step, with the layout stage: paragraphs rebuilt
        lines = list(zip(doc.line_numbers, doc.lines, strict=True))
        ends = {first: last for first, last in doc.spans}
        layout_drops = [(e.line, e.text) for e in doc.events if e.stage == "layout" and e.action == "drop" and e.line]
        doc = run_steps(doc, rest)
        decision = {
            "ok": "clean",
            "rejected": f"rejected: {doc.reason}",
            "quarantined": f"quarantined: {doc.reason}",
        }
        head = (f"== {doc.source}  site={doc.site or '-'}  lang={doc.lang or '-'} ({doc.lang_prob or 0:.2f})  "
                f"title={doc.title!r}  -> {decision[doc.status]}")  # fmt: skip
        print(paint("head", head), file=out)
        drops = {e.line: e for e in doc.events if e.action == "drop" and e.line}
        repairs = {e.line: e for e in doc.events if e.action == "repair" and e.line}
        if doc.metadata.get("layout", "lines") != "lines":
            width = doc.metadata.get("layout_width")
            note = f"layout: {doc.metadata['layout']}" + (f" at {width} columns" if width else "")
            print(paint("dim", f"     {note}; paragraphs are shown with the input lines they came from"), file=out)
        for n, line in sorted(lines + layout_drops, key=lambda x: x[0] or 0):
            if not line.strip() or n is None:
                continue
            where = f"{n}-{ends[n]}" if n in ends else f"{n}"
            if n in drops:
                e = drops[n]
                print(f"{where:>4} {paint('drop', 'DROP')} {paint('dim', line)}", file=out)
                print(f"     {'':4} {paint('drop', '└ ' + e.rule)}: {e.reason}", file=out)
            else:
                mark = paint("repair", "FIX ") if n in repairs else paint("keep", "keep")
                print(f"{where:>4} {mark} {line}", file=out)
        for e in doc.events:
            if not e.line and e.action not in ("drop", "repair"):
                print(paint("dim", f"     note: {e.stage}.{e.action} {e.rule}: {e.reason}"), file=out)
    return 0
