"""Identity from content and provenance (issue #14, point 1): a file cannot take another's sheet.

The probe: the seed's canonical JSON (``ingest parse --json``) with 316,799 changed to 1 and the
seed's own sheet id. Before #14 the store took the id at its word: the JSON was reported
``indexed`` (or ``unchanged``, "same content as" the seed) and from then on every answer about the
seed's project gave 1. Now the store derives every id itself (the claim is kept as
``claimed_id``), and a file whose sheet would stand in for a sheet another file brought — by its
claimed id, or by being the same project, 課 and year — is a ``conflict`` that changes nothing
until the build is told ``replace``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from index_support import ROOT, SAMPLES, SEED, counting_embedding, model_cache, subprocess_env
from test_robust_validation import consistent

from ingest.index import build, list_sheets
from ingest.parse import parse_file
from ingest.settings import Settings
from ingest.store import FigureStore

pytestmark = pytest.mark.slow

PROJECT = "デジタルファースト推進事業"
SQL = ("SELECT v.actual FROM indicator_values v JOIN indicators i USING (indicator_id) JOIN sheets s "
       "ON s.sheet_id = i.sheet_id WHERE s.project = ? AND i.kind = 'outcome' AND i.no = 2 AND v.fy = 2024")


def _actuals(settings: Settings) -> list[int]:
    with FigureStore(settings.sqlite_path, read_only=True) as figures:
        return sorted(r[0] for r in figures.query(SQL, (PROJECT,)))


def _probe(seed_id: str, path: Path, claim: bool = True) -> Path:
    """The seed's canonical JSON, 316,799 → 1, claiming the seed's id (or nothing)."""
    data = json.loads(parse_file(SEED).to_json())
    assert data["sheet_id"] == seed_id
    data["sheet_id"] = seed_id if claim else ""
    text = json.dumps(data, ensure_ascii=False)
    assert text.count("316799") == 1
    path.write_text(text.replace("316799", "1"), encoding="utf-8")
    return path


@pytest.fixture
def samples(tmp_path: Path) -> tuple[Settings, list[Path], str]:
    folder = tmp_path / "samples"
    shutil.copytree(SAMPLES, folder)
    settings = Settings(home=tmp_path / "store")
    settings.models.cache_dir = model_cache()
    embedding, _ = counting_embedding()
    report = build([folder], settings, embedding=embedding)
    assert report.ok and report.count()["indexed"] == 3
    seed_id = next(r.sheet_id for r in report.files if r.project == PROJECT)
    return settings, sorted(folder.glob("*.txt")), seed_id


def test_a_json_claiming_the_seeds_id_is_a_conflict_that_changes_nothing(samples, tmp_path: Path) -> None:
    settings, files, seed_id = samples
    probe = _probe(seed_id, tmp_path / "probe.json")
    embedding, counter = counting_embedding()
    report = build([probe], settings, embedding=embedding)
    [r] = report.files
    assert r.status == "conflict", (r.status, r.reason)
    assert r.conflict_with == seed_id and r.sheet_id != seed_id
    assert "koriyama_r7_digital_first.txt" in r.reason and "\n" not in r.reason
    assert str(settings.home) not in r.reason and str(SAMPLES.parent) not in r.reason  # no server path
    assert not report.ok and counter.calls == 0
    assert _actuals(settings) == [316799]
    assert len(consistent(settings)) == 3

    # re-building the samples after the attempt: unchanged, the true figure
    again = build(files, settings, embedding=embedding)
    assert again.count()["unchanged"] == 3 and again.ok
    assert _actuals(settings) == [316799]

    # the same figures without the claim: the same project, 課 and year from another file
    quiet = _probe(seed_id, tmp_path / "quiet.json", claim=False)
    [q] = build([quiet], settings, embedding=embedding).files
    assert q.status == "conflict" and q.conflict_with == seed_id
    assert _actuals(settings) == [316799] and len(consistent(settings)) == 3


def test_the_cli_reports_the_conflict_and_replaces_only_when_told(samples, tmp_path: Path) -> None:
    settings, _, seed_id = samples
    probe = _probe(seed_id, tmp_path / "probe.json")
    env = subprocess_env()
    cmd = [sys.executable, "-m", "ingest", "build", str(probe), "--store", str(settings.home)]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("conflict"), proc.stdout
    assert "--replace" in proc.stdout and "Traceback" not in proc.stderr
    assert _actuals(settings) == [316799]

    proc = subprocess.run(cmd + ["--replace"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("replaced"), proc.stdout
    assert _actuals(settings) == [1]  # asked for: the JSON's figures stand in for the seed's
    listed = {s.sheet_id for s in list_sheets(settings)}
    assert seed_id not in listed and len(listed) == 3
    assert len(consistent(settings)) == 3


def test_a_files_own_new_version_replaces_without_asking(samples, tmp_path: Path) -> None:
    """The same path with new content is that file's replacement, whatever the JSON claims."""
    settings, _, _ = samples
    other = parse_file(SAMPLES / "kor_h27_suido_kenshu.txt")
    data = json.loads(other.to_json())
    data["project"]["name"], data["sheet_id"] = "試験用の別事業", ""
    path = tmp_path / "own.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    embedding, _ = counting_embedding()
    [first] = build([path], settings, embedding=embedding).files
    assert first.status == "indexed"
    data["costs"][0]["project_cost"] = (data["costs"][0]["project_cost"] or 0) + 1
    data["sheet_id"] = first.sheet_id  # claims its own earlier version: no conflict
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    [second] = build([path], settings, embedding=embedding).files
    assert second.status == "replaced" and second.replaced == first.sheet_id, (second.status, second.reason)
    assert len(consistent(settings)) == 4
