"""Each input format, read into Documents; unreadable items become quarantined Documents."""

from __future__ import annotations

import dataclasses
import gzip
import json
from pathlib import Path

import pytest

from pipeline.core import Context, clean_document
from pipeline.document import QUARANTINED
from pipeline.fingerprint import STAGES, fingerprints_of
from pipeline.inputs import InputFile, discover, plan_shards, read_input
from pipeline.settings import InputSettings, load_settings
from pipeline.stages.paragraphs import final_text

ARTICLE = (
    "Le conseil municipal a adopté lundi soir le budget primitif de la commune, après trois heures de débats.\n"
    "L'opposition a dénoncé une hausse des tarifs de la cantine, que le maire juge inévitable face à l'inflation.\n"
)


def _file(path: Path) -> InputFile:
    st = path.stat()
    return InputFile(str(path), path.name, st.st_size, st.st_mtime_ns)


def _read(path: Path) -> list:
    return list(read_input(_file(path), InputSettings()))


def test_txt_in_cp1252_is_decoded(tmp_path: Path, ctx: Context) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(("Partager\n" + ARTICLE).encode("cp1252"))
    [(doc, payload)] = _read(path)
    doc = clean_document(doc, payload, ctx)
    assert final_text(doc).startswith("Le conseil municipal")
    assert any(e.rule == "encoding.decode.cp1252" for e in doc.events)


def test_html_page_main_text_is_extracted(tmp_path: Path, ctx: Context) -> None:
    body = "".join(f"<p>{line}</p>" for line in ARTICLE.splitlines())
    html = f"<html><head><title>Budget</title></head><body><nav>Accueil</nav><article>{body}</article></body></html>"
    path = tmp_path / "a.html.gz"
    path.write_bytes(gzip.compress(html.encode()))
    [(doc, payload)] = _read(path)
    doc = clean_document(doc, payload, ctx)
    assert doc.status == "ok"
    assert final_text(doc) == "\n\n".join(ARTICLE.splitlines())


def test_jsonl_fields_are_carried_and_bad_lines_quarantined(tmp_path: Path, ctx: Context) -> None:
    path = tmp_path / "b.jsonl"
    lines = [
        json.dumps({"id": "x1", "text": ARTICLE, "url": "https://fr.sputniknews.africa/a", "metadata": {"k": 1}}),
        "{not json",
        json.dumps({"text": None}),
        json.dumps({"text": 42}),
        json.dumps({"text": ["a"]}),
        json.dumps({"title": "no text"}),
        "",
        json.dumps({"text": ARTICLE}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs = [clean_document(d, p, ctx) for d, p in _read(path)]
    assert [d.source for d in docs] == [f"b.jsonl#{n}" for n in range(1, 8)]
    first = docs[0]
    assert (first.id, first.site, first.metadata["input"]) == ("x1", "sputnik", {"k": 1})
    errors = [d.reason for d in docs if d.status == QUARANTINED]
    assert errors[0].startswith("invalid JSON")
    assert errors[1:] == ["'text' is null, not a string", "'text' is int, not a string",
                          "'text' is list, not a string", "record has no 'text' (or 'html') field"]  # fmt: skip
    assert docs[-1].status == "ok" and docs[-1].id != docs[0].id


def test_truncated_gzip_keeps_the_records_before(tmp_path: Path) -> None:
    data = gzip.compress(("\n".join(json.dumps({"text": ARTICLE}) for _ in range(50)) + "\n").encode())
    path = tmp_path / "c.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    docs = [d for d, _ in _read(path)]
    assert docs[-1].status == QUARANTINED and "truncated gzip" in (docs[-1].reason or "")
    assert all(d.status == "ok" for d in docs[:-1])


def test_binary_txt_is_quarantined(tmp_path: Path, ctx: Context) -> None:
    path = tmp_path / "img.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    [(doc, payload)] = _read(path)
    doc = clean_document(doc, payload, ctx)
    assert doc.status == QUARANTINED and "binary content" in (doc.reason or "")


def test_walk_is_sorted_and_shards_respect_limits(tmp_path: Path) -> None:
    for name in ["b/2.txt", "a/1.txt", "a/z.html", "c.jsonl", "skip.pdf", "a/sub/3.txt.gz"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    found = list(discover([str(tmp_path)]))
    assert [f.source for f in found] == ["c.jsonl", "skip.pdf", "a/1.txt", "a/z.html", "a/sub/3.txt.gz", "b/2.txt"]
    assert [f.source for f in found if f.problem] == ["skip.pdf"]  # recorded (quarantined), not skipped
    assert "unsupported file type (.pdf)" in (found[1].problem or "")
    shards = list(plan_shards([str(tmp_path)], InputSettings(shard_max_files=2)))
    assert [len(s) for s in shards] == [2, 2, 2]


def test_input_limits_default_to_8_mib_in_the_code_and_the_settings_file() -> None:
    for defaults in (load_settings().input, InputSettings()):
        assert (defaults.max_record_bytes, defaults.max_html_bytes) == (8 * 1024 * 1024, 8 * 1024 * 1024)


def test_a_document_over_max_record_bytes_is_quarantined_naming_the_setting(tmp_path: Path) -> None:
    (tmp_path / "at.txt").write_text("é" * 500, encoding="utf-8")  # 1000 bytes
    (tmp_path / "over.txt").write_text("é" * 500 + "x", encoding="utf-8")
    limits = InputSettings(max_record_bytes=1000)
    [(at, payload)] = read_input(_file(tmp_path / "at.txt"), limits)
    [(over, none)] = read_input(_file(tmp_path / "over.txt"), limits)
    assert at.status == "ok" and payload == ("é" * 500).encode()
    assert (over.status, over.reason, none) == (
        QUARANTINED,
        "too large: more than 1000 bytes in one document (limit [input] max_record_bytes)",
        None,
    )


def test_html_over_max_html_bytes_is_quarantined_naming_the_setting(tmp_path: Path) -> None:
    page = "<html><body><p>" + "x" * 2000 + "</p></body></html>"
    (tmp_path / "a.html").write_text(page, encoding="utf-8")
    records = [{"html": page}, {"text": page}, {"html": page[:1000]}]
    (tmp_path / "b.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    limits = InputSettings(max_html_bytes=1000)
    [(html, _)] = read_input(_file(tmp_path / "a.html"), limits)
    docs = [d for d, _ in read_input(_file(tmp_path / "b.jsonl"), limits)]
    limit = "(limit [input] max_html_bytes = 1000)"
    assert html.reason == f"HTML page too large to parse: {len(page)} bytes {limit}"
    assert docs[0].reason == f"HTML page too large to parse: {len(page)} characters {limit}"
    assert [d.status for d in docs] == [QUARANTINED, "ok", "ok"]  # `text` is not HTML; 1000 is allowed
    assert [d.status for d, _ in read_input(_file(tmp_path / "a.html"), InputSettings())] == ["ok"]


@pytest.mark.parametrize("key", ["max_record_bytes", "max_html_bytes"])
def test_input_limits_enter_every_stage_fingerprint(key: str) -> None:
    base = load_settings()
    changed = dataclasses.replace(base, input=dataclasses.replace(base.input, **{key: 1 << 20}))
    before, after = fingerprints_of(base), fingerprints_of(changed)
    for stage in STAGES:
        assert after[stage] != before[stage], stage


def test_input_limits_are_read_from_a_settings_file(tmp_path: Path) -> None:
    config = tmp_path / "settings.toml"
    config.write_text("[input]\nmax_html_bytes = 1048576\nmax_record_bytes = 4194304\n", encoding="utf-8")
    limits = load_settings(config).input
    assert (limits.max_html_bytes, limits.max_record_bytes) == (1 << 20, 4 << 20)
