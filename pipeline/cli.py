"""Command line: `python -m pipeline run|explain|evaluate|scheduler` (also installed as `webclean`)."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
from pathlib import Path

from pipeline import __version__
from pipeline.errors import ConfigError, InputError
from pipeline.settings import CONFIG_DIR

EXIT_FAILED, EXIT_CONFIG, EXIT_BUSY = 1, 2, 3
LUIGI_CONFIG = CONFIG_DIR / "luigi.cfg"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except (ConfigError, InputError) as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_CONFIG


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="webclean", description=__doc__)
    p.add_argument("--version", action="version", version=f"webclean {__version__}")
    sub = p.add_subparsers(required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="clean a batch of files with the Luigi task chain")
    run.add_argument("--input", nargs="+", required=True, metavar="PATH", help="files or folders (walked)")
    run.add_argument("--output", required=True, metavar="DIR")
    run.add_argument("--config", metavar="FILE", help="settings laid over configs/settings.toml")
    run.add_argument("--workers", type=int, default=1, help="Luigi worker processes (default 1)")
    run.add_argument("--languages", metavar="fr,en|any", help="accepted languages for this run")
    where = run.add_mutually_exclusive_group()
    where.add_argument("--local-scheduler", action="store_true", help="embedded scheduler (the default)")
    where.add_argument("--scheduler-url", metavar="URL", help="a central luigid, e.g. http://127.0.0.1:8082/")
    run.set_defaults(func=cmd_run)

    explain = sub.add_parser("explain", help="show each line of a file: kept or dropped, by which rule, why")
    explain.add_argument("file")
    explain.add_argument("--config", metavar="FILE")
    explain.add_argument("--languages", metavar="fr,en|any")
    explain.add_argument("--learned", metavar="FILE", help="a learned rule pack from a batch's work folder")
    explain.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    explain.set_defaults(func=cmd_explain)

    evaluate = sub.add_parser("evaluate", help="score an output folder against gold annotations")
    evaluate.add_argument("--gold", required=True, metavar="DIR")
    evaluate.add_argument("--output", required=True, metavar="DIR")
    evaluate.add_argument("--json", action="store_true", help="per-document results as JSON")
    evaluate.set_defaults(func=cmd_evaluate)

    sched = sub.add_parser("scheduler", help="start luigid (the central scheduler and web UI)")
    sched.add_argument("--address", default="127.0.0.1", help="listen address (default loopback only)")
    sched.add_argument("--port", type=int, default=8082)
    sched.add_argument("--state-dir", default="data/luigid", help="state file and logs")
    sched.set_defaults(func=cmd_scheduler)
    return p


def configure_luigi() -> None:
    """Use the project's Luigi config (configs/luigi.cfg) unless LUIGI_CONFIG_PATH names another."""
    import luigi.configuration

    if not os.environ.get("LUIGI_CONFIG_PATH"):
        luigi.configuration.add_config_path(str(LUIGI_CONFIG))


def cmd_run(args: argparse.Namespace) -> int:
    configure_luigi()
    import luigi

    from pipeline.core import Context
    from pipeline.locking import BatchBusy, BatchLock
    from pipeline.plan import make_plan
    from pipeline.settings import load_settings
    from pipeline.tasks import CleanBatch

    config = str(Path(args.config).resolve()) if args.config else ""
    settings = load_settings(config or None).with_languages(args.languages)
    Context.load(settings)  # validates every rule pack before any task starts
    out = Path(args.output).resolve()
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    try:
        lock = BatchLock(out) if not args.scheduler_url else None
        with lock or contextlib.nullcontext():
            plan = make_plan(args.input, settings.input, out / "work")
            task = CleanBatch(output_dir=str(out), plan=plan.id, config=config, languages=args.languages or "",
                              fingerprint=settings.fingerprint("normalise"), started=started)  # fmt: skip
            if plan.files == 0:
                print(f"no input files found under {', '.join(args.input)}: nothing to do")
            elif task.complete():
                print(f"nothing to do: this batch (plan {plan.id}) is already complete in {out}")
                return 0
            options: dict[str, object] = {"workers": args.workers, "detailed_summary": True}
            if args.scheduler_url:
                options["scheduler_url"] = args.scheduler_url
            else:
                options["local_scheduler"] = True
            result = luigi.build([task], **options)
    except BatchBusy as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_BUSY
    return report_run(result, task, out)


def report_run(result: object, task: object, out: Path) -> int:
    from luigi.execution_summary import LuigiStatusCode

    from pipeline import jsonl

    status = getattr(result, "status", None)
    ok = status in (LuigiStatusCode.SUCCESS, LuigiStatusCode.SUCCESS_WITH_RETRY)
    manifest_path = out / "manifest.json"
    if ok and manifest_path.exists():
        m = jsonl.loads(manifest_path.read_bytes())
        d = m["documents"]
        print(
            f"done: {d['in']} documents in, {d['clean']} clean, {d['rejected']} rejected, "
            f"{d['quarantined']} quarantined ({m['plan']['files']} files, {m['plan']['shards']} shards)"
        )
        print(f"output: {out}/clean  audit logs: {out}/audit  manifest: {manifest_path}")
        return 0
    if ok:  # complete elsewhere (another worker finished it)
        print(f"done: {out}")
        return 0
    print(
        f"FAILED ({status.name if status else 'unknown'}): {getattr(result, 'one_line_summary', '')}",
        file=sys.stderr,
    )
    print(getattr(result, "summary_text", ""), file=sys.stderr)
    return EXIT_FAILED


def cmd_explain(args: argparse.Namespace) -> int:
    from pipeline.explain import explain_file

    color = args.color == "always" or (args.color == "auto" and sys.stdout.isatty())
    return explain_file(Path(args.file), args.config, args.languages, args.learned, color, sys.stdout)


def cmd_evaluate(args: argparse.Namespace) -> int:
    from pipeline.evaluate import evaluate, format_report

    summary, per_doc = evaluate(Path(args.gold), Path(args.output))
    print(format_report(summary, per_doc, as_json=args.json))
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
