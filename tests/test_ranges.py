"""Large JSONL files read by byte ranges: the pieces yield exactly the documents of the whole file."""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

import pytest

from pipeline.document import Document
from pipeline.inputs import InputFile, read_input
from pipeline.ranges import split_jsonl, splittable
from pipeline.settings import InputSettings

TEXT = "Le conseil municipal a adopté lundi soir le budget primitif de la commune, après trois heures de débats."


def _file(path: Path) -> InputFile:
    st = path.stat()
    return InputFile(str(path), path.name, st.st_size, st.st_mtime_ns)


def _tricky_jsonl(path: Path, records: int = 120) -> Path:
    """Records with and without ids, blank lines, invalid JSON, repeated ids, a BOM, an over-long line."""
    lines = []
    for i in range(records):
        record: dict[str, object] = {"text": f"{TEXT} {i}"}
        if i % 7:
            record["id"] = f"r{i % 50}"  # ids repeat every 50 records: duplicate-id notes across pieces
        lines.append(json.dumps(record, ensure_ascii=False).encode())
        if i % 11 == 0:
            lines.append(b"  ")
        if i % 23 == 0:
            lines.append(b'{"text": broken')
        if i == 60:
            lines.append(b'{"text": "' + b"x" * 3000 + b'"}')  # over max_record_bytes below
    path.write_bytes(b"\xef\xbb\xbf" + b"\n".join(lines) + b"\n")
    return path


def _summary(docs: list[tuple[Document, object]]) -> list[tuple[object, ...]]:
    return [(d.id, d.source, d.status, d.reason, [e.to_record(d.id) for e in d.events], p) for d, p in docs]


SETTINGS = InputSettings(max_record_bytes=2000)


@pytest.mark.parametrize("piece_bytes", [300, 1000, 4000])
def test_pieces_read_like_the_whole_file(tmp_path: Path, piece_bytes: int) -> None:
    f = _file(_tricky_jsonl(tmp_path / "big.jsonl"))
    whole = list(read_input(f, SETTINGS))
    pieces = split_jsonl(f, piece_bytes, SETTINGS)
    assert 1 < len(pieces) <= -(-f.size // piece_bytes)  # a long record may swallow a cut
    assert pieces[0].start == 0 and pieces[-1].end > f.size  # the last piece reads to the end
    assert all(a.end == b.start for a, b in itertools.pairwise(pieces))
    assert sum(p.size for p in pieces) == f.size
    split = [doc for p in pieces for doc in read_input(InputFile.from_record(p.to_record()), SETTINGS)]
    assert _summary(split) == _summary(whole)
    notes = [d for d, _ in split if any(e.rule == "input.duplicate-id" for e in d.events)]
    assert len(notes) > 20  # ids of earlier pieces were recognised
    assert any(d.status == "quarantined" and "too large" in (d.reason or "") for d, _ in split)


def test_a_record_belongs_to_the_piece_where_its_line_starts(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    lines = [json.dumps({"text": f"{TEXT} {i}"}).encode() + b"\n" for i in range(10)]
    path.write_bytes(b"".join(lines))
    pieces = split_jsonl(_file(path), len(lines[0]) * 3, SETTINGS)
    starts = [sum(map(len, lines[:i])) for i in range(11)]  # the last one is the end of the file
    assert len(pieces) > 2
    assert all(p.start in starts for p in pieces) and all(p.end in starts for p in pieces[:-1])  # at line starts
    assert [p.first for p in pieces] == [starts.index(p.start) for p in pieces]  # records before each piece


def test_only_plain_jsonl_over_the_limit_is_split(tmp_path: Path) -> None:
    plain = _tricky_jsonl(tmp_path / "a.jsonl")
    packed = tmp_path / "a.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    text = tmp_path / "a.txt"
    text.write_bytes(b"x" * 5000)
    assert splittable(_file(plain), 1000)
    assert not splittable(_file(plain), 10**9)
    assert not splittable(_file(packed), 100)  # gzip cannot be entered in the middle: one piece
    assert not splittable(_file(text), 100)


def test_a_file_unreadable_at_planning_stays_whole(tmp_path: Path) -> None:
    f = InputFile(str(tmp_path / "gone.jsonl"), "gone.jsonl", 10_000, 0)
    assert split_jsonl(f, 1000, SETTINGS) == [f]


def test_records_appended_after_planning_are_read_by_the_last_piece(tmp_path: Path) -> None:
    path = tmp_path / "grows.jsonl"
    path.write_text("".join(json.dumps({"text": f"{TEXT} {i}"}) + "\n" for i in range(30)))
    pieces = split_jsonl(_file(path), 1000, SETTINGS)
    with path.open("a") as f:
        f.write(json.dumps({"text": "appended"}) + "\n")
    docs = [doc for p in pieces for doc, _ in read_input(p, SETTINGS)]
    assert [d.source for d in docs] == [f"grows.jsonl#{n}" for n in range(1, 32)]
