"""``python -m ingest parse``: the canonical JSON of every reference sheet, and the readable summary."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, SEED_EXPECTED, SEED_TXT, SHARED, assert_all_cells, need_shared

ENV = {**os.environ, "HF_HUB_OFFLINE": "1"}


def _reference_sheets() -> list[Path]:
    """The seed and every fixture sheet that has a hand-checked expected reading."""
    files = [SEED_TXT]
    if FIXTURES.exists():
        files += sorted(FIXTURES.glob("*.txt"))
    return [p for p in files if p.exists() and p.with_suffix(".expected.json").exists()]


def _cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ingest", *args], cwd=ROOT, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(proc: subprocess.Popen) -> subprocess.CompletedProcess:
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.fixture(scope="module")
def json_runs() -> dict[str, subprocess.CompletedProcess]:
    """`parse FILE --json` on every reference sheet, run side by side."""
    procs = {p.name: _cli("parse", str(p), "--json") for p in _reference_sheets()}
    return {name: _finish(proc) for name, proc in procs.items()}


@pytest.fixture(scope="module")
def summary_run() -> subprocess.CompletedProcess:
    need_shared(SEED_TXT)
    return _finish(_cli("parse", str(SEED_TXT)))


@pytest.mark.parametrize("name", [p.name for p in _reference_sheets()] or ["(../shared absent)"])
def test_cli_json_agrees_with_expected(name, json_runs):
    if name not in json_runs:
        pytest.skip(f"reference sheets are absent ({SHARED} not checked out)")
    proc = json_runs[name]
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    out = json.loads(proc.stdout)
    src = next(p for p in _reference_sheets() if p.name == name)
    expected = json.loads(src.with_suffix(".expected.json").read_text(encoding="utf-8"))
    assert out["schema"] == "sheet/1"
    assert out["template"] == expected.get("template", out["template"])
    assert out["source"]["format"] == "text" and len(out["source"]["sha256"]) == 64
    assert out["sheet_id"]
    assert_all_cells(expected, out, name)


def test_every_fixture_is_graded():
    """The fixture folder's sheets are all covered (a new fixture is picked up automatically)."""
    need_shared(FIXTURES)
    txts = sorted(FIXTURES.glob("*.txt"))
    assert txts, "no fixture sheets"
    for t in txts:
        assert t.with_suffix(".expected.json").exists(), f"{t.name} has no expected reading"


def test_sheet_id_depends_on_content_only(tmp_path):
    need_shared(SEED_TXT)
    a, b = tmp_path / "a.txt", tmp_path / "sub" / "b.txt"
    b.parent.mkdir()
    shutil.copy(SEED_TXT, a)
    shutil.copy(SEED_TXT, b)
    from ingest.parse import parse_file

    sa, sb = parse_file(a), parse_file(b)
    assert sa.sheet_id == sb.sheet_id
    b.write_text(SEED_TXT.read_text(encoding="utf-8") + "\n追記\n", encoding="utf-8")
    assert parse_file(b).sheet_id != sa.sheet_id


def test_cli_json_of_expected_json(seed_expected):
    need_shared(SEED_EXPECTED)
    proc = _finish(_cli("parse", str(SEED_EXPECTED), "--json"))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["source"]["format"] == "json"
    assert out["notes"] == seed_expected["notes"]
    assert_all_cells(seed_expected, out, "expected JSON through the CLI")


def test_summary(summary_run, seed_expected):
    proc = summary_run
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    out = proc.stdout
    assert seed_expected["project"]["name"] in out
    assert "316,799" in out
    assert "注意" in out, "the summary has a section for warnings"
    assert "郡山市" in out and "ＤＸ戦略課" in out
    assert "66,671" in out and "5,818" in out
    assert "継続" in out


def test_summary_lists_each_warning(summary_run):
    from ingest.parse import parse_file

    sheet = parse_file(SEED_TXT)
    out = summary_run.stdout
    if sheet.warnings:
        assert f"注意 {len(sheet.warnings)}件" in out
        for w in sheet.warnings:
            assert w[:15] in out.replace("\n", ""), f"warning not shown: {w}"
    else:
        assert "注意: なし" in out
