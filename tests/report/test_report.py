"""The run report (pipeline/report/): built at the end of a run, rebuilt by `report DIR`, bounded, offline."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pipeline import jsonl
from pipeline.core import Context
from pipeline.document import read_documents
from pipeline.fingerprint import run_fingerprints
from pipeline.layout import CLEAN, WORK, OutputLayout
from pipeline.report import build_report, report_url, track
from pipeline.report.review import load_rules
from pipeline.settings import load_settings
from tests.conftest import SEEDS, run_cli
from tests.report.conftest import NETWORK_REF, STRUCK_SHORT_URL, cell, manifest_of, work_file


def test_every_run_writes_the_report(seeds_out: Path, seeds_html: str) -> None:
    manifest = manifest_of(seeds_out)
    assert seeds_html.startswith("<!DOCTYPE html>") and seeds_html.rstrip().endswith("</html>")
    assert cell(seeds_html, "documents in") == "5" and cell(seeds_html, "clean") == "5"
    assert cell(seeds_html, "rejected") == "0" and cell(seeds_html, "quarantined") == "0"
    assert cell(seeds_html, "characters in") == f"{manifest['chars']['in']:,}"
    assert cell(seeds_html, "characters out") == f"{manifest['chars']['out']:,}"
    assert cell(seeds_html, "lines dropped") == f"{sum(manifest['rules'].values()):,}"
    assert cell(seeds_html, "shards / audit logs") == "1 / 5" and cell(seeds_html, "accounting check") == "ok"


def test_removed_lines_are_struck_through_with_their_rule(seeds_html: str) -> None:
    assert len(STRUCK_SHORT_URL.findall(seeds_html)) == 2  # both Sputnik seeds are in the sample
    assert seeds_html.count('<section class="doc"') == 5


def test_no_network_references(seeds_html: str) -> None:
    assert not NETWORK_REF.search(seeds_html)
    assert "<script" not in seeds_html and "<link" not in seeds_html
    assert "@import" not in seeds_html and not re.search(r"url\(\s*['\"]?(?:https?:)?//", seeds_html)
    for target in re.findall(r'href="([^"]+)"', seeds_html):
        assert target.startswith(("#", "audit/")), target


def test_audit_links_and_shard_sections(seeds_out: Path, seeds_html: str) -> None:
    for target in set(re.findall(r'href="(audit/[^"]+)"', seeds_html)):
        assert (seeds_out / target).is_file(), target
    assert 'id="shard-00000"' in seeds_html


def test_report_command_rebuilds_the_same_file(seeds_out: Path, seeds_html: str, tmp_path: Path) -> None:
    copy = tmp_path / "out"
    shutil.copytree(seeds_out, copy)
    OutputLayout(copy).report.unlink()
    result = run_cli("report", str(copy))
    assert result.returncode == 0, result.stderr
    rebuilt = OutputLayout(copy).report.read_text(encoding="utf-8")
    assert STRUCK_SHORT_URL.search(rebuilt)
    assert rebuilt == seeds_html  # same run, same bytes


def test_rebuilds_without_the_work_folder(seeds_out: Path, tmp_path: Path) -> None:
    copy = tmp_path / "out"
    shutil.copytree(seeds_out, copy, ignore=shutil.ignore_patterns(WORK))
    html = build_report(copy).read_text(encoding="utf-8")
    assert STRUCK_SHORT_URL.search(html) and "reconstructed from the audit log" in html
    assert cell(html, "documents in") == "5"


def test_report_command_without_a_run(tmp_path: Path) -> None:
    result = run_cli("report", str(tmp_path))
    assert result.returncode == 2 and "manifest.json not found" in result.stderr


def test_never_fired_rules_are_listed(seeds_out: Path, seeds_html: str) -> None:
    from pipeline.core import Context
    from pipeline.settings import load_settings

    manifest = manifest_of(seeds_out)
    never = Context.load(load_settings()).rules.rule_ids() - set(manifest["rules"])
    review = re.search(r'<section id="review">.*?</section>', seeds_html, re.S)
    assert review and never
    listed = set(re.findall(r"<code>([^<]+)</code>", review.group(0)))
    assert listed == never


class FakeTask:
    def __init__(self, output_dir: Path, shard: int | None = None) -> None:
        self.output_dir, self.urls = str(output_dir), []
        if shard is not None:
            self.shard = shard
        self.set_tracking_url = self.urls.append


def test_tracking_urls(tmp_path: Path) -> None:
    shard_task, batch_task = FakeTask(tmp_path, 3), FakeTask(tmp_path)
    track(shard_task)
    track(shard_task)  # set once per task
    track(batch_task)
    assert shard_task.urls == [f"file://{tmp_path.resolve()}/report.html#shard-00003"]
    assert batch_task.urls == [report_url(tmp_path)] == [(tmp_path.resolve() / "report.html").as_uri()]
    outside = FakeTask(tmp_path)
    outside.set_tracking_url = None  # what Luigi leaves outside a worker
    track(outside)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.scheduler
def test_luigi_ui_links_to_the_report(tmp_path: Path) -> None:
    port = free_port()
    luigid = Path(sys.executable).with_name("luigid")
    server = subprocess.Popen([str(luigid), "--address", "127.0.0.1", "--port", str(port), "--state-path",
                               str(tmp_path / "state.pickle"), "--logdir", str(tmp_path)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        api = f"http://127.0.0.1:{port}/api/task_list?data=" + "%7B%22status%22%3A%22DONE%22%7D"
        for _ in range(100):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(api, timeout=1).close()
                break
            time.sleep(0.1)
        out = tmp_path / "out"
        scheduler = f"http://127.0.0.1:{port}/"
        result = run_cli("run", "--input", str(SEEDS), "--output", str(out), "--scheduler-url", scheduler)
        assert result.returncode == 0, result.stderr
        with urllib.request.urlopen(api, timeout=5) as response:
            tasks = json.loads(response.read())["response"]
    finally:
        server.terminate()
        server.wait(timeout=10)
    urls = {task_id.split("_")[0]: info["tracking_url"] for task_id, info in tasks.items()}
    assert urls["CleanBatch"] == report_url(out)
    assert urls["RemoveChrome"] == report_url(out, 0) == f"{report_url(out)}#shard-00000"
    assert OutputLayout(out).report.exists()


def test_huge_documents_stay_bounded(seeds_out: Path, tmp_path: Path) -> None:
    copy = tmp_path / "out"
    shutil.copytree(seeds_out, copy)
    path = work_file(copy, "encoding")
    records = list(read_documents(path))
    for record in records:
        record.lines += ["mot " * 1000] * 5000  # 5,000 more lines of 4,000 characters each
    path.write_bytes(b"".join(doc.to_line() for doc in records))
    html = build_report(copy).read_text(encoding="utf-8")
    assert len(html.encode()) < 1_000_000
    assert STRUCK_SHORT_URL.search(html) and "lines shown" in html


def _lengthen_ids(out: Path, extra: str) -> dict[str, str]:
    """Every document id of a run made `extra` longer, in the audit logs, the parts and work/encoding/."""
    layout = OutputLayout(out)
    ids = {r["id"]: r["id"] + extra for r in jsonl.read_jsonl(layout.part(CLEAN, 0))}
    files = [*layout.audit.rglob("*.audit.jsonl"), layout.part(CLEAN, 0), work_file(out, "encoding")]
    for path in files:
        text = path.read_text(encoding="utf-8")
        for short, long in ids.items():
            text = text.replace(f'"{short}"', f'"{long}"')
        path.write_text(text, encoding="utf-8")
    return ids


def test_long_ids_find_their_input_lines(seeds_out: Path, tmp_path: Path) -> None:
    """Input lines come from work/encoding/ whatever an id's length (a 90-character id was once missed there,
    and the report reconstructed lines it still called exact); a document not found there says so."""
    copy = tmp_path / "out"
    shutil.copytree(seeds_out, copy)
    ids = _lengthen_ids(copy, "-" + "x" * 73)
    assert {len(i) for i in ids.values()} == {90}
    encoding = work_file(copy, "encoding")
    records = list(read_documents(encoding))  # the work file's own lines (pipeline/document.py)
    for record in records:  # mark every input line, so rows read from this file can be told apart
        record.lines = [f"«enc» {line}" if line.strip() else line for line in record.lines]
    encoding.write_bytes(b"".join(doc.to_line() for doc in records))
    html = build_report(copy).read_text(encoding="utf-8")
    assert "repaired text the encoding stage wrote" in html and "reconstructed" not in html
    assert html.count("<del>«enc» URL courte</del>") == 2
    for long in ids.values():
        doc = re.search(rf'<section class="doc" id="doc-{long}">.*?</section>', html, re.S)
        assert doc and "«enc»" in doc.group(0)

    missing = records[0].id
    encoding.write_bytes(b"".join(doc.to_line() for doc in records[1:]))  # one document no longer in work/encoding/
    html = build_report(copy).read_text(encoding="utf-8")
    docs = dict(re.findall(r'<section class="doc" id="doc-([^"]+)">(.*?)</section>', html, re.S))
    assert "<i>reconstructed</i>" in docs[missing] and "«enc»" not in docs[missing]
    assert all("«enc»" in view and "reconstructed" not in view for i, view in docs.items() if i != missing)


def test_time_per_stage_is_the_recorded_time(seeds_out: Path, seeds_html: str) -> None:
    manifest = manifest_of(seeds_out)
    timing = re.search(r'<section id="timing">.*?</section>', seeds_html, re.S)
    assert timing and "proxy" not in timing.group(0) and "not recorded" not in timing.group(0)
    rows = re.findall(r"<tr><td>([a-z]+)</td><td>([0-9.,]+)</td><td>\d+%</td></tr>", timing.group(0))
    assert rows == [(s, f"{manifest['timing'][s]:,.3f}") for s in ("encoding", "chrome", "language", "normalise",
                                                                    "write")]  # fmt: skip
    layout, plan, fps = OutputLayout(seeds_out), manifest["plan"]["id"], manifest["config"]["fingerprints"]
    outputs = [work_file(seeds_out, stage) for stage in ("encoding", "chrome", "language", "normalise")]
    recorded = [jsonl.loads(layout.timing(o).read_bytes()) for o in [*outputs, layout.done(plan, 0, fps["normalise"])]]
    assert {r["stage"]: r["seconds"] for r in recorded} == manifest["timing"]  # one shard: each file as it is


def test_time_per_stage_not_recorded(seeds_out: Path, tmp_path: Path) -> None:
    copy = tmp_path / "out"
    shutil.copytree(seeds_out, copy, ignore=shutil.ignore_patterns(WORK))
    manifest = manifest_of(copy)
    del manifest["timing"]  # a run from before stages were timed
    jsonl.write_json(OutputLayout(copy).manifest, manifest)
    html = build_report(copy).read_text(encoding="utf-8")
    assert "<p>not recorded for this run</p>" in html


def test_the_never_fired_list_says_when_the_packs_changed_since_the_run() -> None:
    context = Context.load(load_settings(None))
    now = run_fingerprints(context.settings, context.rules)["chrome"]
    same = {"config": {"fingerprints": {"chrome": now}}}
    assert load_rules(same, context).note == ""
    assert "changed since this run" in load_rules({"config": {"fingerprints": {"chrome": "other"}}}, context).note
