"""Command line: `python -m pipeline run|explain|evaluate|scheduler` (also installed as `webclean`)."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

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

    report = sub.add_parser("report", help="rebuild OUTPUT_DIR/report.html from its manifest and audit logs")
    report.add_argument("output_dir", metavar="OUTPUT_DIR")
    report.set_defaults(func=cmd_report)

    sched = sub.add_parser("scheduler", help="start luigid (the central scheduler and web UI)")
    sched.add_argument("--address", default="127.0.0.1", help="listen address (default loopback only)")
    sched.add_argument("--port", type=int, default=8082)
    sched.add_argument("--state-dir", default="data/luigid", help="state file and logs")
    sched.set_defaults(func=cmd_scheduler)

    daily = sub.add_parser("daily", help="clean one day of input (default: yesterday) or a range of days")
    daily.add_argument("--input-root", required=True, metavar="DIR", help="days in DIR/YYYY/MM/DD/, closed by _SUCCESS")
    daily.add_argument("--output-root", required=True, metavar="DIR", help="each day's batch goes to DIR/YYYY-MM-DD/")
    when = daily.add_mutually_exclusive_group()
    when.add_argument("--date", metavar="YYYY-MM-DD", help="one day (default: yesterday)")
    when.add_argument("--start", metavar="YYYY-MM-DD", help="first day of a backfill (with --stop)")
    when.add_argument("--last", type=int, metavar="N", help="the N days up to yesterday: picks up days closed late")
    daily.add_argument("--stop", metavar="YYYY-MM-DD", help="end of the backfill, exclusive (default: today)")
    daily.add_argument("--config", metavar="FILE", help="settings laid over configs/settings.toml")
    daily.add_argument("--languages", metavar="fr,en|any", help="accepted languages")
    daily.add_argument("--workers", type=int, default=1, help="Luigi worker processes (default 1)")
    dwhere = daily.add_mutually_exclusive_group()
    dwhere.add_argument("--local-scheduler", action="store_true", help="embedded scheduler (the default)")
    dwhere.add_argument("--scheduler-url", metavar="URL", help="a central luigid, e.g. http://127.0.0.1:8082/")
    daily.set_defaults(func=cmd_daily)
    return p


def configure_luigi() -> None:
    """Use the project's Luigi config (configs/luigi.cfg) unless LUIGI_CONFIG_PATH names another."""
    import luigi.configuration

    if not os.environ.get("LUIGI_CONFIG_PATH"):
        luigi.configuration.add_config_path(str(LUIGI_CONFIG))


def cmd_run(args: argparse.Namespace) -> int:
    configure_luigi()
    import luigi

    from pipeline.locking import BatchBusy, BatchLock
    from pipeline.plan import make_plan
    from pipeline.settings import load_settings
    from pipeline.tasks import CleanBatch, context_for

    config = str(Path(args.config).resolve()) if args.config else ""
    settings = load_settings(config or None).with_languages(args.languages)
    # Validate every rule pack before any task starts, and keep the loaded packs in the cache the
    # tasks use: worker processes are forked from this one and share it instead of reloading.
    context_for(config, args.languages or "", "")
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
    ok = ok or finished_elsewhere(result, task)
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
    for line in failed_tasks(result):
        print(line, file=sys.stderr)
    return EXIT_FAILED


def failed_tasks(result: object) -> list[str]:
    """One line per failed task, naming its stage and shard (Luigi's summary shortens long ones)."""
    from luigi.execution_summary import _summary_dict

    worker = getattr(result, "worker", None)
    if worker is None:
        return []
    failed = _summary_dict(worker).get("failed", set())
    return sorted(f"failed: {t.task_family} shard {getattr(t, 'shard', '-')} ({t.task_id})" for t in failed)


def finished_elsewhere(result: object, task: Any) -> bool:
    """True when other workers of a shared luigid completed what this worker was not given.

    A worker quits once nothing is left that it may run, even while another worker still runs the
    batch's last tasks; Luigi then calls the run NOT_RUN ("not granted run permission") although
    nothing failed. So wait for those workers, then judge by the root task's own complete().
    """
    from luigi.execution_summary import LuigiStatusCode
    from luigi.rpc import RemoteScheduler

    worker = getattr(result, "worker", None)
    if getattr(result, "status", None) != LuigiStatusCode.NOT_RUN or worker is None:
        return False
    scheduler = getattr(worker, "_scheduler", None)
    if isinstance(scheduler, RemoteScheduler):
        wait_for_other_workers(scheduler, worker._id, task)
    return bool(task.complete())


def wait_for_other_workers(scheduler: Any, worker_id: str, task: Any, poll: float = 1.0, grace: float = 30.0) -> None:
    """Poll luigid while tasks of ours run elsewhere; ping so it keeps us registered meanwhile.

    A failed task waiting for its retry on another worker (pending, nothing running) gets `grace`
    seconds; a task killed with its worker is back to pending after luigid's worker_disconnect_delay.
    """
    import time

    idle_since, told = time.monotonic(), False
    while not task.complete():
        state = scheduler.count_pending(worker=worker_id)
        scheduler.ping(worker=worker_id)
        if state["running_tasks"]:
            idle_since = time.monotonic()
            if not told:
                print(f"waiting: {len(state['running_tasks'])} task(s) of this batch run by other workers", flush=True)
                told = True
        elif not state["n_pending_tasks"] or time.monotonic() - idle_since > grace:
            return
        time.sleep(poll)


def cmd_daily(args: argparse.Namespace) -> int:
    configure_luigi()
    from pipeline.daily import run_daily

    return run_daily(args)


def cmd_explain(args: argparse.Namespace) -> int:
    from pipeline.explain import explain_file

    color = args.color == "always" or (args.color == "auto" and sys.stdout.isatty())
    return explain_file(Path(args.file), args.config, args.languages, args.learned, color, sys.stdout)


def cmd_evaluate(args: argparse.Namespace) -> int:
    from pipeline.evaluate import evaluate, format_report

    summary, per_doc = evaluate(Path(args.gold), Path(args.output))
    print(format_report(summary, per_doc, as_json=args.json))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from pipeline.report import build_report

    print(f"report: {build_report(Path(args.output_dir))}")
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
