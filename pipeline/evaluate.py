"""`evaluate --gold DIR --output DIR`: token precision/recall, whole paragraphs, decisions.

The same definitions as the shared `score.py`: tokens are \\w+ after NFKC and quote folding,
counted as multisets (a duplicated paragraph costs precision); recall is against the gold
`keep` paragraphs, precision against `keep` + `optional`; documents are matched by the base
name of their `source`.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.core import Context
from pipeline.errors import ConfigError
from pipeline.evaluation.pages import load_pages
from pipeline.evaluation.realpages import evaluate_real_pages as run
from pipeline.layout import CLEAN, OutputLayout
from pipeline.settings import CONFIG_DIR, load_settings
from pipeline.text import APOSTROPHE, QUOTES, SPACES

if TYPE_CHECKING:
    import argparse

_FOLD = str.maketrans({**QUOTES, **APOSTROPHE, **SPACES})
_TOKEN = re.compile(r"\w+")


def _norm(s: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", s).translate(_FOLD).split())


def _tokens(s: str) -> Counter[str]:
    return Counter(_TOKEN.findall(_norm(s).lower()))


def check_folders(gold_dir: Path, out_dir: Path) -> None:
    """Both folders must be what they claim: a missing one would score zero and look like a result."""
    if not gold_dir.is_dir():
        raise ConfigError(f"--gold {gold_dir}: no such folder: give the folder of gold annotations (*.json)")
    if not any(gold_dir.glob("*.json")):
        raise ConfigError(f"--gold {gold_dir}: no gold annotations (*.json) in this folder")
    out = OutputLayout(out_dir)
    if not out.folder(CLEAN).is_dir() and not out.manifest.is_file():
        raise ConfigError(f"--output {out_dir}: not the output folder of a run (no clean/ or manifest.json): "
                          "run `python -m pipeline run --input ... --output DIR` first")  # fmt: skip


def load_clean(out_dir: Path) -> dict[str, list[str]]:
    texts: dict[str, list[str]] = {}
    for root, _, files in os.walk(OutputLayout(out_dir).folder(CLEAN)):
        for name in sorted(files):
            if not name.endswith((".jsonl", ".jsonl.gz")):
                continue
            path = os.path.join(root, name)
            opener = gzip.open if name.endswith(".gz") else open
            with opener(path, "rt", encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        rec = json.loads(line)
                        texts.setdefault(os.path.basename(str(rec.get("source", ""))), []).append(rec.get("text", ""))
    return texts


def evaluate(gold_dir: Path, out_dir: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    out = load_clean(out_dir)
    tot: Counter[str] = Counter()
    per_doc = []
    for path in sorted(gold_dir.glob("*.json")):
        g = json.loads(path.read_text(encoding="utf-8"))
        src = os.path.basename(g["source"])
        texts = out.get(src, [])
        tot["docs"] += 1
        if g.get("decision", "keep") == "reject":
            tot["decisions_ok"] += not texts
            per_doc.append({"source": src, "decision": "reject", "ok": not texts})
            continue
        tot["decisions_ok"] += bool(texts)
        text = "\n".join(texts)
        got = _tokens(text)
        keep = sum((_tokens(p) for p in g["keep"]), Counter())
        allowed = keep + sum((_tokens(p) for p in g.get("optional", [])), Counter())
        paras = {_norm(p) for p in re.split(r"\n+", text) if _norm(p)}
        exact = sum(_norm(p) in paras for p in g["keep"])
        hits_r, hits_p = sum((got & keep).values()), sum((got & allowed).values())
        tot.update(keep_tokens=sum(keep.values()), out_tokens=sum(got.values()), hit_recall=hits_r,
                   hit_prec=hits_p, keep_paras=len(g["keep"]), exact_paras=exact)  # fmt: skip
        per_doc.append({"source": src, "decision": "keep", "ok": bool(texts),
                        "precision": round(hits_p / max(1, sum(got.values())), 4) if got else 0.0,
                        "recall": round(hits_r / max(1, sum(keep.values())), 4),
                        "para_exact": f"{exact}/{len(g['keep'])}"})  # fmt: skip
    p = tot["hit_prec"] / max(1, tot["out_tokens"])
    r = tot["hit_recall"] / max(1, tot["keep_tokens"])
    summary = {"docs": tot["docs"], "precision": round(p, 4), "recall": round(r, 4),
               "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
               "para_exact": round(tot["exact_paras"] / max(1, tot["keep_paras"]), 4),
               "decisions": f"{tot['decisions_ok']}/{tot['docs']}"}  # fmt: skip
    return summary, per_doc


def format_report(summary: dict[str, Any], per_doc: list[dict[str, Any]], as_json: bool = False) -> str:
    if as_json:
        return json.dumps({"summary": summary, "documents": per_doc}, ensure_ascii=False, indent=1)
    lines = []
    for d in per_doc:
        flag = "" if d["ok"] and d.get("precision", 1) >= 0.98 and d.get("recall", 1) >= 0.98 else "  <--"
        if "precision" in d:
            lines.append(f"{d['source']:<60} P={d['precision']:.3f} R={d['recall']:.3f} paras={d['para_exact']}{flag}")
        else:
            lines.append(f"{d['source']:<60} decision={d['decision']} {'ok' if d['ok'] else 'WRONG'}{flag}")
    lines.append(" ".join(f"{k}={v}" for k, v in summary.items()))
    return "\n".join(lines)


def evaluate_real_pages(args: argparse.Namespace) -> int:
    """Every split of the real pages, both paths, beside the baselines (see pipeline/evaluation/)."""
    shared = Path(args.shared) if args.shared else CONFIG_DIR.parent.parent / "shared"
    pages = list(load_pages(shared, tuple(args.splits.split(",")), tuple(args.groups.split(","))))
    ctx = Context.load(load_settings(args.config))
    run(ctx, pages, tuple(args.paths.split(",")), Path(args.json_out) if args.json_out else None)
    return 0
