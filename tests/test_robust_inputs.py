"""The smaller findings of issue #14 (point 8) that the readers and the build own.

Before #14: NaN, a year of −100 and deep nesting were refused as 「internal error … please
report」; a number written as text ("316799") was taken as the number; UTF-16 text without a
byte-order mark was called a binary file; build reports named other files by their server path.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from index_support import ROOT, SEED, model_cache, subprocess_env, tiny_sheets

from ingest.errors import SheetError
from ingest.parse import parse_file

BASE = json.loads(parse_file(SEED).to_json())


def _variant(kind: str) -> str:
    data = json.loads(json.dumps(BASE))
    data["sheet_id"] = ""
    if kind == "nan":
        data["costs"][0]["total_cost"] = float("nan")
    elif kind == "infinity":
        data["indicators"][0]["values"][0]["actual"] = float("inf")
    elif kind == "year_minus_100":
        data["target_fy"] = -100
    elif kind == "value_year_3000":
        data["costs"][0]["fy"] = 3000
    elif kind == "number_as_text":
        data["costs"][0]["total_cost"] = "316799"
    elif kind == "bool_as_number":
        data["costs"][0]["total_cost"] = True
    elif kind == "ten_to_the_30":
        data["costs"][0]["total_cost"] = 10**30
    elif kind == "two_primary_evaluations":
        data["evaluations"] = [{"stage": "primary", "result": "継続"}, {"stage": "primary", "result": "拡充"}]
    elif kind == "huge_text":
        data["sections"][0]["text"] = "あ" * 300_000
    elif kind == "too_many_rows":
        data["costs"][0]["rows"] = [{"label": f"行{i}", "value": i} for i in range(600)]
    text = json.dumps(data, ensure_ascii=False, allow_nan=True)
    if kind == "deep_nesting":
        text = text[:-1] + ', "notes": ' + "[" * 50_000 + "]" * 50_000 + "}"
    elif kind == "lone_surrogate":
        text = text.replace('"project": {"name": "', '"project": {"name": "\\ud800', 1)
    return text


KINDS = {
    "nan": "costs.0.total_cost: Input should be a finite number",
    "infinity": "indicators.0.values.0.actual: Input should be a finite number",
    "year_minus_100": "target_fy: Input should be greater than or equal to 1926",
    "value_year_3000": "costs.0.fy: Input should be less than or equal to 2100",
    "number_as_text": 'costs.0.total_cost: the number "316799" is written as text',
    "bool_as_number": "costs.0.total_cost: Input should be a valid number",
    "ten_to_the_30": "costs.0.total_cost: number out of range",
    "two_primary_evaluations": "two evaluations of one stage",
    "huge_text": "sections.0.text: String should have at most 200000 characters",
    "too_many_rows": "costs.0.rows: List should have at most 500 items",
    "deep_nesting": "JSON nested too deeply",
    "lone_surrogate": "project.name",
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_bad_values_are_a_normal_rejection(kind: str, tmp_path: Path) -> None:
    path = tmp_path / f"{kind}.json"
    path.write_text(_variant(kind), encoding="utf-8")
    with pytest.raises(SheetError) as info:
        parse_file(path)
    msg = str(info.value)
    assert KINDS[kind] in msg, msg
    assert msg.startswith(str(path)) and "\n" not in msg and "internal error" not in msg


def test_the_cli_and_the_build_say_the_same(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    for kind in ("nan", "year_minus_100", "deep_nesting", "number_as_text"):
        (folder / f"{kind}.json").write_text(_variant(kind), encoding="utf-8")
    env = subprocess_env()
    procs = {p.name: subprocess.Popen([sys.executable, "-m", "ingest", "parse", str(p)], cwd=ROOT, env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for p in sorted(folder.glob("*.json"))}
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 2 and out == "", (name, out, err)
        assert err.count("\n") == 1 and "Traceback" not in err and "internal error" not in err, err
        assert KINDS[name.removesuffix(".json")] in err

    from ingest.index import build
    from ingest.settings import Settings

    settings = Settings(home=tmp_path / "store")
    settings.models.cache_dir = model_cache()
    report = build([folder], settings)
    assert [r.status for r in report.files] == ["failed"] * 4
    for r in report.files:
        assert KINDS[Path(r.path).stem] in r.reason and "internal error" not in r.reason


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_text(encoding: str, tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    path = tmp_path / "seed16.txt"
    path.write_bytes(text.encode(encoding))  # no byte-order mark
    assert not path.read_bytes().startswith((b"\xff\xfe", b"\xfe\xff"))
    sheet, plain = parse_file(path), parse_file(SEED)
    assert sheet.model_dump(exclude={"source", "sheet_id"}) == plain.model_dump(exclude={"source", "sheet_id"})


@pytest.mark.slow
def test_reports_name_other_files_without_their_folders(tmp_path: Path) -> None:
    """A report line reaches staff (the app's upload table): another file is named, never its path."""
    from index_support import counting_embedding

    from ingest.index import build
    from ingest.settings import Settings

    [a] = tiny_sheets(tmp_path / "deep" / "server" / "folder", 1)
    b = tmp_path / "uploads" / "copy.json"
    b.parent.mkdir()
    shutil.copy(a, b)
    settings = Settings(home=tmp_path / "store")
    settings.models.cache_dir = model_cache()
    embedding, _ = counting_embedding()
    report = build([a, b], settings, embedding=embedding)
    assert [r.status for r in report.files] == ["indexed", "unchanged"]
    assert report.files[1].reason == f"same content as {a.name}"
