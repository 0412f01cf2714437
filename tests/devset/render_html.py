"""Lay out the development pages as HTML, the way a CMS would, to test the HTML path.

Chrome before the article goes to <header>/<nav>, chrome after it to <aside>/<footer>, and the
chrome between article paragraphs stays inside <article> (share bars, "Lire aussi" boxes,
credits), as CMSs leave it. One chrome block in three after the article is also put inside
<article>, so the extractor cannot rely on the layout alone. Gold files are copied with their
`source` renamed to the .html page.

    python tests/devset/render_html.py PAGES GOLD OUT [INSIDE]   (writes OUT/pages/*.html, OUT/gold/*.json)

INSIDE is the share of the chrome after the article that stays inside <article>; 1 puts all
chrome, before and after, inside it (the worst case).
"""

from __future__ import annotations

import html
import json
import random
import sys
from pathlib import Path


def _p(line: str, tag: str = "p", cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<{tag}{attr}>{html.escape(line)}</{tag}>"


def render(page: str, gold: dict, rng: random.Random, inside: float = 0.33) -> str:
    lines = [line for line in page.split("\n") if line.strip()]
    keep = {k.strip() for k in gold["keep"]}
    optional = {o.strip() for o in gold.get("optional", [])}
    content = [i for i, line in enumerate(lines) if line.strip() in keep]
    first, last = (content[0], content[-1]) if content else (len(lines), len(lines))
    title = gold.get("title") or ""
    head = [_p(line, "li") for line in lines[:first] if line.strip() != title.strip()]
    head_inside = [_p(line, "div", "meta") for line in lines[:first] if inside >= 1 and line.strip() != title.strip()]
    if inside >= 1:
        head = []
    body, tail_inside, tail_outside = [], [], []
    for line in lines[first : last + 1]:
        s = line.strip()
        if s in keep:
            body.append(_p(line))
        elif s in optional and len(s.split()) <= 12:
            body.append(_p(line, "h2"))
        else:
            body.append(_p(line, "div", "widget"))
    for line in lines[last + 1 :]:
        (tail_inside if rng.random() < inside else tail_outside).append(_p(line, "div", "related"))
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        f"<title>{html.escape(title or 'Article')}</title></head><body>"
        f"<header><nav><ul>{''.join(head)}</ul></nav></header>"
        f"<main><article>{''.join(head_inside)}<h1>{html.escape(title)}</h1>{''.join(body)}{''.join(tail_inside)}</article>"
        f"<aside>{''.join(tail_outside)}</aside></main><footer><p>Mentions légales</p></footer></body></html>"
    )


def main(pages: Path, gold_dir: Path, out: Path, inside: float = 0.33) -> None:
    rng = random.Random(7)
    (out / "pages").mkdir(parents=True, exist_ok=True)
    (out / "gold").mkdir(parents=True, exist_ok=True)
    for gold_path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        page = (pages / gold["source"]).read_text(encoding="utf-8")
        name = Path(gold["source"]).with_suffix(".html").name
        (out / "pages" / name).write_text(render(page, gold, rng, inside), encoding="utf-8")
        gold["source"] = name
        (out / "gold" / gold_path.name).write_text(json.dumps(gold, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), float(sys.argv[4]) if len(sys.argv) > 4 else 0.33)
