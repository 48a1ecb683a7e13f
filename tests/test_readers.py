"""Readers: encodings, line endings, PDF, canonical JSON, and bad input through the CLI.

Bad input must end in one plain line on stderr naming the file and a non-zero exit, never a
traceback.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, SEED_EXPECTED, SEED_TXT, assert_all_cells, make_pdf, need_shared

from ingest.errors import SheetError
from ingest.parse import parse_file
from ingest.readers import read_document

# ── encodings and line endings ───────────────────────────────────────────────────────────

ENCODINGS = {
    "cp932": lambda t: t.encode("cp932"),
    "utf8_bom": lambda t: t.encode("utf-8-sig"),
    "crlf": lambda t: t.replace("\n", "\r\n").encode("utf-8"),
    "utf8_bom_crlf": lambda t: t.replace("\n", "\r\n").encode("utf-8-sig"),
    "cp932_crlf": lambda t: t.replace("\n", "\r\n").encode("cp932"),
    "utf16_bom": lambda t: t.encode("utf-16"),
}


@pytest.mark.parametrize("variant", list(ENCODINGS))
def test_encoding_every_cell(variant, seed_text, seed_expected, tmp_path):
    data = ENCODINGS[variant](seed_text)
    path = tmp_path / f"seed_{variant}.txt"
    path.write_bytes(data)
    doc = read_document(path)
    assert doc.format == "text"
    assert "\r" not in doc.text and "\ufeff" not in doc.text
    assert "令和７年度" in doc.text
    sheet = parse_file(path)
    assert_all_cells(seed_expected, sheet, variant)


def test_cp932_is_really_not_utf8(seed_text):
    data = seed_text.encode("cp932")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_same_sheet_same_reading_whatever_the_bytes(seed_text, tmp_path):
    """Encodings change the bytes (and so sheet_id/sha256) but not one figure or word."""
    sheets = []
    for variant, encode in ENCODINGS.items():
        path = tmp_path / f"{variant}.txt"
        path.write_bytes(encode(seed_text))
        sheets.append(parse_file(path))
    base = sheets[0].model_dump(exclude={"source", "sheet_id"})
    for s in sheets[1:]:
        assert s.model_dump(exclude={"source", "sheet_id"}) == base


# ── PDF ──────────────────────────────────────────────────────────────────────────────────


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory) -> Path:
    need_shared(SEED_TXT)
    path = tmp_path_factory.mktemp("pdf") / "koriyama_r7_digital_first.pdf"
    return make_pdf(SEED_TXT.read_text(encoding="utf-8"), path)


def test_pdf_every_cell(seed_pdf, seed_expected):
    assert seed_pdf.read_bytes()[:5] == b"%PDF-"
    sheet = parse_file(seed_pdf)
    assert sheet.source is not None and sheet.source.format == "pdf"
    assert sheet.template == "koriyama-r7"
    assert_all_cells(seed_expected, sheet, "pdf")


def test_pdf_reads_like_the_text(seed_pdf, seed_text, tmp_path):
    """The PDF is the same sheet: same sections, same evaluations, no extra warnings."""
    path = tmp_path / "seed.txt"
    path.write_text(seed_text, encoding="utf-8")
    from_text, from_pdf = parse_file(path), parse_file(seed_pdf)
    assert [s.key for s in from_pdf.sections] == [s.key for s in from_text.sections]
    assert from_pdf.evaluations == from_text.evaluations
    assert from_pdf.project == from_text.project
    assert from_pdf.warnings == from_text.warnings


def test_pdf_is_told_by_content_not_name(seed_pdf, seed_expected, tmp_path):
    renamed = tmp_path / "sheet.txt"
    renamed.write_bytes(seed_pdf.read_bytes())
    assert read_document(renamed).format == "pdf"
    assert_all_cells(seed_expected, parse_file(renamed), "pdf named .txt")


# ── canonical JSON ───────────────────────────────────────────────────────────────────────


def _shared_sheets() -> list[Path]:
    files = [SEED_TXT] + (sorted(FIXTURES.glob("*.txt")) if FIXTURES.exists() else [])
    return [p for p in files if p.exists()]


def test_expected_json_reads_as_a_sheet(seed_expected):
    """The hand-checked reading (with its free-form "notes") is itself valid canonical input."""
    need_shared(SEED_EXPECTED)
    sheet = parse_file(SEED_EXPECTED)
    assert sheet.source is not None and sheet.source.format == "json"
    # the id it gives itself is kept as a claim; the id is the store's, from the file's content
    assert sheet.claimed_id == "koriyama_r7_digital_first"
    assert sheet.sheet_id == sheet.source.sha256[:16] and sheet.source.path == str(SEED_EXPECTED)
    assert sheet.template == "koriyama-r7"
    assert sheet.notes == seed_expected["notes"]
    assert_all_cells(seed_expected, sheet, "expected JSON read back")


@pytest.mark.parametrize("name", [p.name for p in _shared_sheets()] or ["(none)"])
def test_json_round_trip(name, tmp_path):
    """parse → to_json → parse_file(json) gives the same Sheet apart from its source and id (the
    JSON's own id is the store's, from its content; the text's id is kept as its claim)."""
    src = next((p for p in _shared_sheets() if p.name == name), None)
    if src is None:
        pytest.skip("../shared sheets are absent")
    first = parse_file(src)
    out = tmp_path / (src.stem + ".json")
    out.write_text(first.to_json(), encoding="utf-8")
    again = parse_file(out)
    own = {"source", "sheet_id", "claimed_id"}
    assert again.claimed_id == first.sheet_id and again.sheet_id != first.sheet_id
    assert again.model_dump(exclude=own) == first.model_dump(exclude=own)
    # and the JSON text itself is stable
    blank = dict.fromkeys(own)
    assert json.loads(again.to_json()) | blank == json.loads(first.to_json()) | blank


def test_json_with_bom_and_without_optional_keys(tmp_path):
    path = tmp_path / "minimal.json"
    path.write_bytes(json.dumps({"schema": "sheet/1", "project": {"name": "テスト事業"}}).encode("utf-8-sig"))
    sheet = parse_file(path)
    assert sheet.project.name == "テスト事業"
    assert sheet.template == "canonical"
    assert sheet.sheet_id  # filled from the content


def test_invalid_canonical_sheet_names_the_field(tmp_path):
    path = tmp_path / "bad_fy.json"
    path.write_text(json.dumps({"schema": "sheet/1", "costs": [{"fy": "next year"}]}), encoding="utf-8")
    with pytest.raises(SheetError) as info:
        parse_file(path)
    msg = str(info.value)
    assert "bad_fy.json" in msg and "costs" in msg and "\n" not in msg


# ── bad input through the CLI ────────────────────────────────────────────────────────────

PROSE = (
    "郡山市は福島県の中央に位置し、東北有数の経済都市として発展してきました。"
    "市内には多くの公園や文化施設があり、四季を通じて多くの観光客が訪れます。"
    "本市では、市民の皆様が安心して暮らせるまちづくりを進めています。\n"
) * 5


def _png() -> bytes:
    rng = random.Random(7)
    header = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"
    return header + rng.randbytes(2048)


def _random_bytes() -> bytes:
    data = random.Random(11).randbytes(4096)
    return b"\x01" + data  # not '{' nor '%PDF-' by chance


def _make_bad(kind: str, tmp_path: Path) -> Path:
    if kind == "missing":
        return tmp_path / "no_such_sheet.txt"
    if kind == "folder":
        d = tmp_path / "a_folder"
        d.mkdir()
        (d / "inside.txt").write_text("x", encoding="utf-8")
        return d
    names = {
        "empty": "empty.txt", "blank_lines": "blank.txt", "random_bytes": "random.bin", "png": "image.png",
        "png_named_txt": "picture.txt", "truncated": "truncated.txt", "prose": "prose.txt",
        "huge": "huge.txt",
        "broken_json": "broken.json", "json_not_sheet": "other.json", "json_array": "array.json",
        "broken_pdf": "broken.pdf", "ascii_text": "readme.txt",
    }
    path = tmp_path / names[kind]
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "blank_lines":
        path.write_bytes(b"\n \n\t\r\n")
    elif kind == "random_bytes":
        path.write_bytes(_random_bytes())
    elif kind in ("png", "png_named_txt"):
        path.write_bytes(_png())
    elif kind == "truncated":
        need_shared(SEED_TXT)
        lines = SEED_TXT.read_text(encoding="utf-8").split("\n")[:8]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif kind == "prose":
        path.write_text(PROSE, encoding="utf-8")
    elif kind == "huge":
        need_shared(SEED_TXT)
        block = SEED_TXT.read_bytes()
        with path.open("wb") as f:
            for _ in range(20 * 1024 * 1024 // len(block) + 1):
                f.write(block)
        assert path.stat().st_size >= 20 * 1024 * 1024
    elif kind == "broken_json":
        path.write_text('{"schema": "sheet/1", "sheet_id": "x", "indicators": [', encoding="utf-8")
    elif kind == "json_not_sheet":
        other = {"name": "郡山市", "population": 319680}
        path.write_text(json.dumps(other, ensure_ascii=False), encoding="utf-8")
    elif kind == "json_array":
        path.write_text("[1, 2, 3]", encoding="utf-8")
    elif kind == "broken_pdf":
        path.write_bytes(b"%PDF-1.4\n" + random.Random(3).randbytes(1024))
    elif kind == "ascii_text":
        path.write_text("This is not a sheet.\nJust some English text.\n", encoding="utf-8")
    return path


BAD = ["empty", "blank_lines", "random_bytes", "png", "png_named_txt", "truncated", "prose", "huge",
       "broken_json", "json_not_sheet", "json_array", "missing", "folder", "broken_pdf", "ascii_text"]


@pytest.fixture(scope="module")
def bad_runs(tmp_path_factory) -> dict[str, tuple[Path, subprocess.CompletedProcess | str]]:
    """Run the CLI on every bad input at once (each run is a fresh interpreter: ~1 s)."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    started = {}
    for kind in BAD:
        try:
            path = _make_bad(kind, tmp_path_factory.mktemp(kind))
        except pytest.skip.Exception as e:
            started[kind] = (None, str(e))
            continue
        proc = subprocess.Popen(
            [sys.executable, "-m", "ingest", "parse", str(path)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        started[kind] = (path, proc)
    done = {}
    for kind, (path, proc) in started.items():
        if path is None:
            done[kind] = (None, proc)
            continue
        out, err = proc.communicate(timeout=120)
        done[kind] = (path, subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return done


@pytest.mark.parametrize("kind", BAD)
def test_bad_input_one_line_nonzero(kind, bad_runs):
    path, proc = bad_runs[kind]
    if path is None:
        pytest.skip(proc)
    err = proc.stderr
    assert proc.returncode != 0, f"{kind}: exit 0; stdout={proc.stdout[:300]!r}"
    assert "Traceback" not in err, f"{kind}: traceback:\n{err}"
    assert err.endswith("\n") and err.count("\n") == 1, f"{kind}: stderr is not exactly one line:\n{err}"
    assert path.name in err, f"{kind}: the message does not name the file: {err!r}"
    assert "internal error" not in err, f"{kind}: reported as a bug of ours: {err!r}"
    assert proc.stdout == "", f"{kind}: printed something on stdout: {proc.stdout[:300]!r}"


@pytest.mark.parametrize(
    "kind",
    ["empty", "png", "truncated", "prose", "broken_json", "json_not_sheet", "folder", "huge", "missing"],
)
def test_bad_input_library_raises_sheet_error(kind, tmp_path):
    """The library gives the same one-line SheetError the CLI prints."""
    path = _make_bad(kind, tmp_path)
    with pytest.raises(SheetError) as info:
        parse_file(path)
    assert path.name in str(info.value) and "\n" not in str(info.value)
