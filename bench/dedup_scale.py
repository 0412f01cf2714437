"""What duplicate handling costs at scale: run time share and memory.

    .venv/bin/python bench/dedup_scale.py pipeline --pages 100000     # whole runs, dedup on vs off
    .venv/bin/python bench/dedup_scale.py parts --pages 100000        # CPU of each dedup part of the "on" run
    .venv/bin/python bench/dedup_scale.py curve --pages 100000 --csv F  # its memory curve, by task
    .venv/bin/python bench/dedup_scale.py merge --docs 1000000        # the merge alone: memory curve

At a million pages: `pipeline --pages 1000000 --only on --workers 2` (the "off" run would double
an hour of CPU; `parts` gives the share from the "on" run alone), then `parts --sample 10`.

`pipeline`: the benchmark corpus (`corpus.py`, `--pages` pages) plus a planted copy of every tenth
page (a counter line added), cleaned twice by the real CLI (`--workers`, 1): with the default
`[dedup]` settings and with `enabled = false, learn_once = false` (`--only on`: the first only).
Duplicate handling's share of the run = (wall on - wall off) / wall on; also the seconds of the
FindDuplicates task itself and the peak memory (largest single process, and the process tree).

`parts`: the CPU seconds of each part of duplicate handling, re-run in this process on the work
files of the `pipeline` run with dedup on (same `--pages`): signing the delivered texts (the
NormaliseParagraphs sidecar), learning's signatures (given the line keys learning makes anyway),
finding and taking back learning's copies, the FindDuplicates merge, routing the decisions. Their
sum over that run's CPU seconds is the share; steadier on a busy machine than the difference of
two whole runs (which another helper's job can swing by 10 %). Not counted: Luigi's scheduling of
the one FindDuplicates task, and writing the `*.sig` files to disk (the page cache absorbs them).

`--sample N`: the per-document parts (signing, routing) on every N-th shard only, scaled by
documents; the merge and learning's copies always run on the whole batch (they grow with it).

`curve`: the `pipeline` run's resident memory, sampled every 5 s by process, each process named by
the Luigi task it ran; `--csv` writes it (the peak of every `--step` seconds).

`merge`: the FindDuplicates work alone, in this process: `--docs` synthetic articles (10 % of them
planted near copies) signed and decided in input order, with the resident memory sampled every
`--every` documents: the memory curve of the merge as the batch grows.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import psutil

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

import corpus as corpora  # noqa: E402
import measure  # noqa: E402

from pipeline import jsonl  # noqa: E402
from pipeline.dedup_tasks import (  # noqa: E402
    SignatureSidecar,
    apply_decision,
    find_duplicates,
    learning_copies,
    read_decisions,
    take_back_copies,
)
from pipeline.document import Document  # noqa: E402
from pipeline.settings import load_settings  # noqa: E402
from pipeline.stages.boilerplate import BoilerplateCounter, line_keys  # noqa: E402
from pipeline.stages.dedup import Deduplicator, Origin, sign  # noqa: E402
from pipeline.stages.paragraphs import final_text  # noqa: E402

PY = sys.executable
MIB = 1024 * 1024


def planted_copies(built: corpora.Corpus, out: Path, every: int) -> tuple[Path, int]:
    folder = out / f"copies-{built.files}-{every}"
    if folder.exists():
        return folder, len(list(folder.iterdir()))
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    names = sorted(os.listdir(built.path))[::every]
    for name in names:
        data = (built.path / name).read_bytes()
        (tmp / f"copy-{name}").write_bytes(b"Vu 4321 fois\n" + data)
    tmp.rename(folder)
    return folder, len(names)


def families(timings: Path) -> dict[str, float]:
    out: dict[str, float] = {}
    for line in timings.read_text().splitlines():
        rec = json.loads(line)
        if rec.get("event") == "task":
            out[rec["family"]] = round(out.get(rec["family"], 0.0) + rec["seconds"], 2)
    return out


def one_run(inputs: list[Path], out: Path, config: Path | None, workers: int = 1) -> dict[str, Any]:
    shutil.rmtree(out, ignore_errors=True)
    timings, curve = out.with_name(out.name + ".timings.jsonl"), out.with_name(out.name + ".memory.jsonl")
    timings.unlink(missing_ok=True)
    curve.unlink(missing_ok=True)
    cmd = [PY, str(BENCH / "luigi_timed.py"), str(timings), "run", "--input", *map(str, inputs), "--output", str(out),
           "--local-scheduler", "--workers", str(workers), *(["--config", str(config)] if config else [])]  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    m = measure.run(cmd, cwd=BENCH.parent, curve=curve)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime  # steadier than wall on a busy machine
    if m.returncode != 0:
        sys.exit(m.stderr[-3000:])
    manifest = json.loads((out / "manifest.json").read_text())
    return {"wall_s": round(m.seconds, 1), "cpu_s": round(cpu, 1), "rss_max_mib": round(m.rss_max / MIB),
            "rss_tree_mib": round(m.rss_tree / MIB), "documents": manifest["documents"],
            "duplicates": (manifest.get("duplicates") or {}).get("copies"),
            "task_seconds": families(timings)}  # fmt: skip


def pipeline(args: argparse.Namespace) -> None:
    built = corpora.build_txt(args.pages, args.seed, None, args.out)
    copies, n = planted_copies(built, args.out, 10)
    off = args.out / "dedup-off.toml"
    off.write_text("[dedup]\nenabled = false\nlearn_once = false\n")
    runs = {}
    for label, config in (("off", off), ("on", None)):
        if label not in args.only:
            continue
        saved = args.out / "dedup-runs" / f"{args.pages}-{label}.json"
        if label in args.reuse and saved.exists():
            runs[label] = json.loads(saved.read_text())  # measured earlier (say so when reporting)
            continue
        out = args.out / "dedup-runs" / f"{args.pages}-{label}"
        runs[label] = one_run([built.path, copies], out, config, args.workers)
        saved.write_text(json.dumps(runs[label]))
        print(label, json.dumps(runs[label]), file=sys.stderr, flush=True)
    if "off" not in runs:  # --only on: the share comes from `parts`
        print(json.dumps({"pages": args.pages, "planted_copies": n, "runs": runs}, indent=2))
        return
    on, offr = runs["on"], runs["off"]
    result = {
        "pages": args.pages, "planted_copies": n, "cores": os.cpu_count(),
        "dedup_share_of_wall": round((on["wall_s"] - offr["wall_s"]) / on["wall_s"], 4),
        "dedup_share_of_cpu": round((on["cpu_s"] - offr["cpu_s"]) / on["cpu_s"], 4) if "cpu_s" in offr else None,
        "find_duplicates_s": on["task_seconds"].get("FindDuplicates"),
        "find_duplicates_share": round(on["task_seconds"].get("FindDuplicates", 0) / on["wall_s"], 4),
        "runs": runs,
    }  # fmt: skip
    print(json.dumps(result, indent=2))


def shard_docs(path: Path) -> list[Document]:
    return [Document.from_line(line) for line in path.open("rb")]


def count_lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


def parts(args: argparse.Namespace) -> None:
    run = args.out / "dedup-runs" / f"{args.pages}-on"
    saved = json.loads(run.with_name(run.name + ".json").read_text())
    full = load_settings()
    settings, work, tmp = full.dedup, run / "work", args.out / "dedup-parts"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    enc, norm = sorted((work / "encoding").glob("*.jsonl")), sorted((work / "normalise").glob("*.jsonl"))
    cpu: dict[str, float] = dict.fromkeys(
        ("sign_delivered", "sign_learning", "learning_copies", "merge", "routing"), 0.0
    )
    # The per-document parts (signing, routing) on every `--sample`-th shard, scaled by documents:
    # at a million documents, parsing every shard's documents again would take longer than they do.
    docs = sum(count_lines(path) for path in norm)
    sampled = [n for n in range(len(norm)) if n % args.sample == 0]
    sampled_docs = enc_docs = 0
    for n in sampled:  # NormaliseParagraphs' sidecar, as the task writes it
        shard = shard_docs(norm[n])
        sampled_docs += len(shard)
        t = time.process_time()
        with SignatureSidecar(tmp / f"{n}.sig", settings, with_shingles=True) as sigs:
            for doc in shard:
                sigs.add(doc, final_text(doc))
        cpu["sign_delivered"] += time.process_time() - t
    for n in sampled:  # RepairEncoding's sidecar; the line keys are learning's own
        path = enc[n]
        groups = {rec["i"]: rec.get("group") for rec in jsonl.read_jsonl(path.with_suffix(".sig"))}
        shard = shard_docs(path)
        enc_docs += len(shard)
        keys = [line_keys(doc) if doc.active else None for doc in shard]
        t = time.process_time()
        with SignatureSidecar(tmp / f"{n}.lines.sig", settings, lines=True) as sigs:
            for i, doc in enumerate(shard):
                sigs.add(doc, group=groups.get(i), skip=i not in groups, keys=keys[i])
        cpu["sign_learning"] += time.process_time() - t
    counter = BoilerplateCounter(full.learn)
    taken = [counter.merge(jsonl.loads(path.with_suffix(".lines.json").read_bytes())) for path in enc]
    t = time.process_time()
    learned = [path.with_suffix(".sig") for path in enc]
    take_back_copies(enc, counter, learning_copies(learned, settings, taken, lambda *_: None))
    cpu["learning_copies"] = time.process_time() - t
    decisions = [tmp / f"{n}.decisions.jsonl" for n in range(len(norm))]
    t = time.process_time()
    found = find_duplicates([p.with_suffix(".sig") for p in norm], decisions, settings, None, "b", "d", lambda *_: None)
    cpu["merge"] = time.process_time() - t
    for n in sampled:
        shard = shard_docs(norm[n])  # WriteOutputs reads them anyway
        t = time.process_time()
        copies = read_decisions(decisions[n])
        for i, doc in enumerate(shard):
            apply_decision(doc, copies.get(i), settings)
        cpu["routing"] += time.process_time() - t
    scale = docs / sampled_docs  # the encoding and normalise shards hold the same documents
    for part in ("sign_delivered", "sign_learning", "routing"):
        cpu[part] *= scale
    total = sum(cpu.values())
    result = {"pages": args.pages, "documents": docs, "sampled_shards": f"{len(sampled)} of {len(norm)}",
              "sampled_documents": sampled_docs, "run_cpu_s": saved["cpu_s"], "copies_found": found["copies"],
              "dedup_cpu_s": round(total, 2), "dedup_share_of_cpu": round(total / saved["cpu_s"], 4),
              "peak_rss_mib_of_this_process": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
              "ms_per_doc": {k: round(1000 * v / docs, 4) for k, v in cpu.items()},
              "cpu_s": {k: round(v, 2) for k, v in cpu.items()}}  # fmt: skip
    assert enc_docs == sampled_docs, (enc_docs, sampled_docs)
    print(json.dumps(result, indent=2))


def curve(args: argparse.Namespace) -> None:
    """The memory curve of a `pipeline` run (sampled every 5 s), each process named by the Luigi
    task it ran (from the timings), written to `--csv` at most every `--step` seconds (the peak
    of each step) and summarised: the peak of the whole tree and of each task family."""
    run = args.out / "dedup-runs" / f"{args.pages}-on"
    timings = [json.loads(line) for line in run.with_name(run.name + ".timings.jsonl").open()]
    family = {str(rec["pid"]): rec["family"] for rec in timings if rec.get("event") == "task"}
    samples = [json.loads(line) for line in run.with_name(run.name + ".memory.jsonl").open()]
    peaks: dict[str, int] = {}
    rows: list[list[Any]] = []
    for sample in samples:
        named = sorted(((mib, family.get(pid, "CLI (plan, scheduler)")) for pid, mib in sample["pids"].items()),
                       reverse=True)  # fmt: skip
        for mib, name in named:
            peaks[name] = max(peaks.get(name, 0), mib)
        row = [sample["t"], sample["tree_mib"], *named[0], " ".join(sorted({n for _, n in named}))]
        if rows and sample["t"] // args.step == rows[-1][0] // args.step:
            if row[1] > rows[-1][1]:
                rows[-1] = row  # a step keeps its peak
        else:
            rows.append(row)
    if args.csv:
        with args.csv.open("w", encoding="utf-8") as f:
            f.write("seconds,tree_mib,largest_process_mib,largest_process_task,running\n")
            f.writelines(",".join(map(str, row)) + "\n" for row in rows)
    saved = run.with_name(run.name + ".json")
    summary = {"samples": len(samples), "peak_tree_mib": max(s["tree_mib"] for s in samples),
               "peak_by_task_mib": dict(sorted(peaks.items(), key=lambda kv: -kv[1])),
               "run": json.loads(saved.read_text()) if saved.exists() else None}  # fmt: skip
    print(json.dumps(summary, indent=2))


def site_of(name: str) -> str | None:
    """The site a corpus page was made from (`000123_015_vov_....txt`: vov), as a site pack would
    name it; pages made from pages of no known site (`000123_<hash>.txt`) have none."""
    parts = name.removeprefix("copy-").split("_")
    return parts[2] if len(parts) > 3 else None


def growing(args: argparse.Namespace) -> None:
    """The parts of duplicate handling that grow with the batch, at `--pages` pages + planted
    copies (bench corpus, in the run's order, shards of 2,000): learning's copies and the
    FindDuplicates merge, each in a fresh process (`--phase`) for its own CPU seconds and memory.
    The signatures are made from the pages' text as it is, not cleaned (cleaning a million pages
    is the hour of CPU this skips): same lengths and the same near copies, a little more chrome.
    `--shards N`: learn or merge over the first N shards only (per-document cost by batch size)."""
    settings = load_settings().dedup
    folder = args.out / f"growing-{args.pages}"
    if args.phase == "all":
        sign_corpus(args, folder, settings)
        results = {}
        for phase in ("learn", "merge"):
            cmd = [PY, __file__, "growing", "--phase", phase, "--pages", str(args.pages), "--out", str(args.out)]
            results[phase] = json.loads(measure.run(cmd, cwd=BENCH.parent).stdout)
        print(json.dumps(results, indent=2))
        return
    paths = sorted(folder.glob(f"*.{'lines' if args.phase == 'learn' else 'text'}.sig"))
    paths = paths[: args.shards] if args.shards else paths  # the batch's first shards: a smaller batch
    proc, curve, marks = psutil.Process(), [], [(0, time.process_time())]
    t = time.process_time()

    def progress(n: int, shards: int, message: str) -> None:
        if "shard" in message and (n % 25 == 0 or n == shards) and n > marks[-1][0]:
            marks.append((n, time.process_time()))  # the marginal cost of each 50,000 documents
        if n % 50 == 0 or n == shards:
            curve.append({"shard": n, "rss_mib": round(proc.memory_info().rss / MIB)})

    if args.phase == "learn":  # every group counted: each copy is taken back
        copies = learning_copies(paths, settings, [{"all"}] * len(paths), progress)
        found = sum(len(c) for c in copies.values())
    else:
        decisions = [p.with_suffix(".decisions.jsonl") for p in paths]
        found = find_duplicates(paths, decisions, settings, None, "b", "d", progress)["copies"]
    cpu = time.process_time() - t
    counts = [count_lines(p) for p in paths]
    docs = sum(counts)
    marginal = [round(1000 * (t1 - t0) / max(1, sum(counts[a:b])), 3) for (a, t0), (b, t1) in itertools.pairwise(marks)]
    print(json.dumps({"phase": args.phase, "signed_documents": docs, "copies": found, "cpu_s": round(cpu, 1),
                      "ms_per_doc": round(1000 * cpu / docs, 4),
                      "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                      "ms_per_doc_every_25_shards": marginal, "curve_every_50_shards": curve}))  # fmt: skip


def sign_corpus(args: argparse.Namespace, folder: Path, settings: Any) -> None:
    """The two sidecars of every shard (2,000 pages), once; made in a .tmp folder, then renamed."""
    if folder.exists():
        return
    built = corpora.build_txt(args.pages, args.seed, None, args.out)
    copies, _ = planted_copies(built, args.out, 10)
    files = [built.path / n for n in sorted(os.listdir(built.path))] + [copies / n for n in sorted(os.listdir(copies))]
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for shard in range(0, len(files), 2000):
        n = shard // 2000
        with SignatureSidecar(tmp / f"{n:05d}.text.sig", settings, with_shingles=True) as text, \
                SignatureSidecar(tmp / f"{n:05d}.lines.sig", settings, lines=True) as lines:  # fmt: skip
            for path in files[shard : shard + 2000]:
                page = path.read_bytes().decode("utf-8", "replace")
                doc = Document(path.name, path.name, path.name, page.splitlines(), site=site_of(path.name))
                text.add(doc, page)
                lines.add(doc, group="all")
        print(f"signed {min(shard + 2000, len(files))} of {len(files)}", file=sys.stderr, flush=True)
    tmp.rename(folder)


def synthetic(rng: random.Random, vocab: list[str]) -> str:
    return "\n".join(" ".join(rng.choices(vocab, k=rng.randint(30, 70))) + "." for _ in range(rng.randint(3, 8)))


def merge(args: argparse.Namespace) -> None:
    settings = load_settings().dedup
    rng = random.Random(args.seed)
    vocab = ["".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(2, 9))) for _ in range(50000)]
    proc = psutil.Process()
    base = proc.memory_info().rss
    dedup = Deduplicator(settings)
    recent: list[str] = []
    copies = found = 0
    sign_s = decide_s = 0.0
    curve = []
    for i in range(args.docs):
        if recent and rng.random() < 0.1:
            text, copies = rng.choice(recent) + "\nPartager", copies + 1
        else:
            text = synthetic(rng, vocab)
            recent = [*recent[-999:], text]
        t0 = time.perf_counter()
        sig = sign(text, settings)
        t1 = time.perf_counter()
        assert sig is not None
        found += dedup.check(sig, Origin(f"{i:016x}", f"part/{i:08d}.txt")) is not None
        t2 = time.perf_counter()
        sign_s, decide_s = sign_s + t1 - t0, decide_s + t2 - t1
        if (i + 1) % args.every == 0:
            rss = proc.memory_info().rss
            curve.append({"docs": i + 1, "kept": len(dedup), "rss_mib": round(rss / MIB),
                          "merge_mib": round((rss - base) / MIB)})  # fmt: skip
            print(json.dumps(curve[-1]), file=sys.stderr, flush=True)
    result = {"docs": args.docs, "planted": copies, "found": found,
              "sign_ms_per_doc": round(1000 * sign_s / args.docs, 4),
              "decide_ms_per_doc": round(1000 * decide_s / args.docs, 4),
              "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),  # KiB on Linux
              "curve": curve}  # fmt: skip
    print(json.dumps(result, indent=2))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(required=True)
    p = sub.add_parser("pipeline")
    p.add_argument("--pages", type=int, default=100000)
    p.add_argument("--reuse", default="", help="'off': take the dedup-off run saved by an earlier call")
    p.add_argument("--workers", type=int, default=1, help="Luigi workers (CPU seconds are summed over them)")
    p.add_argument("--only", default="off,on", help="'on': only the run with dedup on (then use `parts`)")
    p.set_defaults(func=pipeline)
    q = sub.add_parser("parts")
    q.add_argument("--pages", type=int, default=100000)
    q.add_argument("--sample", type=int, default=1, help="signing and routing on every N-th shard, scaled")
    q.set_defaults(func=parts)
    c = sub.add_parser("curve")
    c.add_argument("--pages", type=int, default=100000)
    c.add_argument("--step", type=float, default=30.0, help="seconds per row of the CSV (the peak of each)")
    c.add_argument("--csv", type=Path, help="write the curve here (e.g. bench/dedup_memory_1m.csv)")
    c.set_defaults(func=curve)
    g = sub.add_parser("growing")
    g.add_argument("--pages", type=int, default=1000000)
    g.add_argument("--phase", choices=("all", "learn", "merge"), default="all")
    g.add_argument("--shards", type=int, default=0, help="learn/merge: only the first N shards of 2,000 pages")
    g.set_defaults(func=growing)
    m = sub.add_parser("merge")
    m.add_argument("--docs", type=int, default=1000000)
    m.add_argument("--every", type=int, default=100000)
    m.set_defaults(func=merge)
    for r in (p, q, c, g, m):
        r.add_argument("--seed", type=int, default=0)
        r.add_argument("--out", type=Path, default=corpora.OUT)
    args = ap.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
