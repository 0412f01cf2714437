"""Command line: `python -m pipeline run|explain|evaluate|scheduler` (also installed as `webclean`)."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
import traceback
from collections import Counter
from pathlib import Path
from typing import Any, NoReturn

from pipeline import __version__, jsonl
from pipeline.core import Context
from pipeline.daily import run_daily
from pipeline.dedup_index import DedupIndex, add_rebuild_command
from pipeline.errors import ConfigError, InputError
from pipeline.evaluate import check_folders, evaluate, evaluate_real_pages, format_report
from pipeline.explain import explain_file
from pipeline.layout import QUARANTINE, OutputLayout
from pipeline.manifest import counts_line
from pipeline.outdir import claim
from pipeline.report import build_report
from pipeline.runner import (
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PIPE,
    RunOptions,
    canonical_languages,
    failed_tasks,
    make_batch,
    prepare,
    run_locked,
    succeeded,
)
from pipeline.settings import CONFIG_DIR, load_settings
from pipeline.tasks import CleanBatch, settings_for
from pipeline.train import train

LUIGI_CONFIG = CONFIG_DIR / "luigi.cfg"


def main(argv: list[str] | None = None) -> int:
    """Exit 0 done, 1 a task failed, 2 a user mistake (one line saying what to do), 3 busy, 130 Ctrl-C."""
    args = build_parser().parse_args(argv)
    debug = bool(getattr(args, "debug", False))
    try:
        code = int(args.func(args))
        sys.stdout.flush()  # a closed pipe shows here, where it is handled, not at interpreter exit
        return code
    except (ConfigError, InputError) as e:
        if debug:
            traceback.print_exc()
        print(f"error: {e}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        if debug:
            traceback.print_exc()
        print("interrupted: finished work is kept; run the same command again to go on", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `... | head` closed the pipe: stop quietly, as other Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return EXIT_PIPE
    except Exception as e:
        if debug:
            raise
        print(f"error: unexpected {type(e).__name__}: {e} (run again with --debug for the traceback)", file=sys.stderr)
        return EXIT_FAILED


def entry() -> NoReturn:
    """`webclean` and `python -m pipeline`: `main`, then the process ends without the interpreter's
    teardown, which frees every module and object one by one (0.1-0.3 s at the end of every run,
    with no second worker to share it). Nothing is left for it to do: the tasks closed the outputs,
    Luigi's task processes have ended, and the streams and log handlers are flushed here."""
    leave(main())


def leave(code: int) -> NoReturn:
    """End the process with `code` once the streams and log handlers are flushed (see `entry`)."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a stream closed under us: the interpreter's own exit handles it, as before
        raise SystemExit(code) from None
    logging.shutdown()
    os._exit(code)


class Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line (what is wrong, where to look), exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_CONFIG, f"error: {self.prog}: {message} (see {self.prog} --help)\n")


def at_least_one(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    p = Parser(prog="webclean", description=__doc__)
    p.add_argument("--version", action="version", version=f"webclean {__version__}")
    p.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    common = Parser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks of errors")
    sub = p.add_subparsers(required=True, metavar="COMMAND")

    run = sub.add_parser("run", parents=[common], help="clean a batch of files with the Luigi task chain")
    run.add_argument("--input", nargs="+", required=True, metavar="PATH", help="files or folders (walked)")
    run.add_argument("--output", required=True, metavar="DIR", help="an empty folder, or this batch's own")
    run.add_argument("--overwrite", action="store_true", help="replace another batch's outputs in --output whole")
    run.add_argument("--config", metavar="FILE", help="settings laid over configs/settings.toml")
    run.add_argument("--workers", type=at_least_one, default=1, help="Luigi worker processes (default 1)")
    run.add_argument("--languages", metavar="fr,en|any", help="accepted languages for this run")
    run.add_argument("--quiet", action="store_true", help="no live progress line (it is off when not a terminal)")
    run.add_argument("--dedup-index", metavar="DIR", help="skip articles delivered by earlier batches indexed in DIR")
    where = run.add_mutually_exclusive_group()
    where.add_argument("--local-scheduler", action="store_true", help="embedded scheduler (the default)")
    where.add_argument("--scheduler-url", metavar="URL", help="a central luigid, e.g. http://127.0.0.1:8082/")
    run.set_defaults(func=cmd_run)

    explain = sub.add_parser("explain", parents=[common], help="show each line of a file: kept or dropped, why")
    explain.add_argument("file")
    explain.add_argument("--config", metavar="FILE")
    explain.add_argument("--languages", metavar="fr,en|any")
    explain.add_argument("--learned", metavar="FILE", help="a learned rule pack from a batch's work folder")
    explain.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    explain.set_defaults(func=cmd_explain)

    evaluate = sub.add_parser(
        "evaluate",
        parents=[common],
        help="score on the real pages of every split (or, with --gold, an output folder against gold)",
    )
    evaluate.add_argument("--gold", metavar="DIR", help="gold annotations (with --output): the seeds' mode")
    evaluate.add_argument("--output", metavar="DIR", help="the output folder scored against --gold")
    evaluate.add_argument("--json", action="store_true", help="with --gold: per-document results as JSON")
    evaluate.add_argument("--shared", metavar="DIR", help="folder holding realpages/ and eval/ (default ../shared)")
    evaluate.add_argument("--splits", default="train,dev,test", help="real pages: splits to score")
    evaluate.add_argument("--groups", default="realpages,wcxb,aeb", help="real pages: corpus groups to score")
    evaluate.add_argument("--paths", default="text,html", help="real pages: input paths to score")
    evaluate.add_argument("--config", metavar="FILE", help="settings laid over configs/settings.toml")
    evaluate.add_argument("--json-out", default="data/eval/realpages.json", metavar="FILE",
                          help="real pages: rows and per-page scores as JSON")  # fmt: skip
    evaluate.set_defaults(func=cmd_evaluate)

    train = sub.add_parser("train", parents=[common], help="fit the line model on the train split, thresholds on dev")
    train.add_argument("--shared", metavar="DIR", help="folder holding realpages/ and eval/ (default ../shared)")
    train.add_argument("--out", default=str(CONFIG_DIR / "models" / "line-model.json"), metavar="FILE")
    train.add_argument("--version", default="1", help="the model's version, written into the file")
    train.add_argument("--config", metavar="FILE", help="settings laid over configs/settings.toml")
    train.set_defaults(func=cmd_train)

    report = sub.add_parser("report", parents=[common], help="rebuild OUTPUT_DIR/report.html from its manifest")
    report.add_argument("output_dir", metavar="OUTPUT_DIR")
    report.set_defaults(func=cmd_report)

    sched = sub.add_parser("scheduler", parents=[common], help="start luigid (the central scheduler and web UI)")
    sched.add_argument("--address", default="127.0.0.1", help="listen address (default loopback only)")
    sched.add_argument("--port", type=int, default=8082)
    sched.add_argument("--state-dir", default="data/luigid", help="state file and logs")
    sched.set_defaults(func=cmd_scheduler)

    daily = sub.add_parser("daily", parents=[common], help="clean one day of input (default: yesterday) or a range")
    daily.add_argument("--input-root", required=True, metavar="DIR", help="days in DIR/YYYY/MM/DD/, closed by _SUCCESS")
    daily.add_argument("--output-root", required=True, metavar="DIR", help="each day's batch goes to DIR/YYYY-MM-DD/")
    when = daily.add_mutually_exclusive_group()
    when.add_argument("--date", metavar="YYYY-MM-DD", help="one day (default: yesterday)")
    when.add_argument("--start", metavar="YYYY-MM-DD", help="first day of a backfill (with --stop)")
    when.add_argument("--last", type=int, metavar="N", help="the N days up to yesterday: picks up days closed late")
    daily.add_argument("--stop", metavar="YYYY-MM-DD", help="end of the backfill, exclusive (default: today)")
    daily.add_argument("--config", metavar="FILE", help="settings laid over configs/settings.toml")
    daily.add_argument("--languages", metavar="fr,en|any", help="accepted languages")
    daily.add_argument("--workers", type=at_least_one, default=1, help="Luigi worker processes (default 1)")
    dwhere = daily.add_mutually_exclusive_group()
    dwhere.add_argument("--local-scheduler", action="store_true", help="embedded scheduler (the default)")
    dwhere.add_argument("--scheduler-url", metavar="URL", help="a central luigid, e.g. http://127.0.0.1:8082/")
    daily.set_defaults(func=run_daily)

    add_rebuild_command(sub)  # issue 13
    return p


def cmd_run(args: argparse.Namespace) -> int:
    options = RunOptions.from_args(args)
    settings = settings_for(options.config, options.languages)  # a mistake in the settings file is told first
    for given in args.input:
        if not os.path.lexists(given):
            raise InputError(f"input not found: {given}: check the path")
    out = Path(args.output).resolve()
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    if args.dedup_index and settings.dedup.enabled:  # an index signed otherwise: told before any task
        DedupIndex(Path(args.dedup_index).resolve(), settings.dedup).check([(str(out), started[:10])])
    prepare(options, out, args.input)
    live = not args.quiet and sys.stderr.isatty()
    batch: list[CleanBatch] = []

    def plan() -> list[Any] | int:
        claim(out, args.input, args.overwrite)
        index = {"dedup_index": str(Path(args.dedup_index).resolve()), "batch_day": started[:10]} \
            if args.dedup_index else {}  # fmt: skip
        planned, task = make_batch(out, args.input, options, started, index, planning_line if live else None)
        if live:
            sys.stderr.write("\r\x1b[K")
        batch.append(task)
        if planned.files == 0:
            print(f"no input files found under {', '.join(args.input)}: nothing to do")
        elif task.complete():
            print(f"nothing to do: this batch (plan {planned.id}) is already complete in {out}")
            summarise(out)
            return EXIT_OK
        return [task]

    result = run_locked(options, out, plan, live)
    return result if isinstance(result, int) else report_run(result, batch[0], out)


def planning_line(files: int) -> None:
    sys.stderr.write(f"\r\x1b[Kplanning: {files:,} files found")
    sys.stderr.flush()


def report_run(result: Any, task: CleanBatch, out: Path) -> int:
    if succeeded(result, task):
        if OutputLayout(out).manifest.exists():
            summarise(out)
        else:  # complete elsewhere (another worker finished it)
            print(f"done: {out}")
        return EXIT_OK
    status = getattr(result, "status", None)
    print(
        f"FAILED ({status.name if status else 'unknown'}): {getattr(result, 'one_line_summary', '')}",
        file=sys.stderr,
    )
    print(getattr(result, "summary_text", ""), file=sys.stderr)
    for line in failed_tasks(result):
        print(line, file=sys.stderr)
    return EXIT_FAILED


def summarise(out: Path) -> None:
    """The run in a few lines, ending with the main reasons documents were set aside and the report."""
    layout = OutputLayout(out)
    m = jsonl.loads(layout.manifest.read_bytes())
    d = m["documents"]
    print(f"done: {counts_line(out)}")
    print(f"output: {layout.folder('clean')}  audit logs: {layout.audit}  manifest: {layout.manifest}")
    if d["quarantined"]:
        print(f"top quarantine errors: {top(quarantine_errors(out))}")
    print(f"top rejection reasons: {top(m.get('rejection_reasons', {})) or 'none'}")
    print(f"report: {layout.report}")


def top(counts: dict[str, int], n: int = 3) -> str:
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return ", ".join(f"{key} {count}" for key, count in ranked[:n])


def quarantine_errors(out: Path) -> dict[str, int]:
    """Quarantine records by the kind of error (the text before its first ':' or '(')."""
    kinds: Counter[str] = Counter()
    for part in OutputLayout(out).parts(QUARANTINE):
        for record in jsonl.read_jsonl(part):
            error = str(record.get("error") or "unknown")
            kinds[error.split(":")[0].split(" (")[0].strip()] += 1
    return dict(kinds)


def cmd_explain(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise ConfigError(f"{args.file}: {'is a folder' if path.is_dir() else 'no such file'}: give one input file")
    if args.learned and not Path(args.learned).is_file():
        raise ConfigError(f"--learned {args.learned}: no such file (a batch keeps it as learned-rules.toml)")
    color = args.color == "always" or (args.color == "auto" and sys.stdout.isatty())
    languages = canonical_languages(args.languages) or None
    return explain_file(path, args.config, languages, args.learned, color, sys.stdout)


def cmd_evaluate(args: argparse.Namespace) -> int:
    if not args.gold and not args.output:
        return evaluate_real_pages(args)
    if not (args.gold and args.output):
        raise ConfigError("--gold and --output go together (or give neither to score the real pages)")
    gold, out = Path(args.gold), Path(args.output)
    check_folders(gold, out)
    summary, per_doc = evaluate(gold, out)
    print(format_report(summary, per_doc, as_json=args.json))
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    shared = Path(args.shared) if args.shared else CONFIG_DIR.parent.parent / "shared"
    thresholds = train(Context.load(load_settings(args.config)), shared, Path(args.out), args.version)
    print(f"model: {args.out}  thresholds (set on dev): {thresholds}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    print(f"report: {build_report(Path(args.output_dir))}")  # a folder without a manifest: ConfigError
    return 0


def cmd_scheduler(args: argparse.Namespace) -> int:
    state = Path(args.state_dir).resolve()
    state.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, LUIGI_CONFIG_PATH=os.environ.get("LUIGI_CONFIG_PATH", str(LUIGI_CONFIG)))
    luigid = Path(sys.executable).with_name("luigid")
    cmd = [str(luigid), "--address", args.address, "--port", str(args.port),
           "--state-path", str(state / "luigi-state.pickle"), "--logdir", str(state)]  # fmt: skip
    print(f"luigid on http://{args.address}:{args.port}/ (state and logs in {state})", flush=True)
    os.execve(cmd[0], cmd, env)
    return 0  # not reached
