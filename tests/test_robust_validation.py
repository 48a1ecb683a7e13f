"""Validate before writing, fail alone (issue #14, point 2).

The probe: a canonical JSON whose cost is 10^30, in one batch with valid text sheets. Before #14
it failed at the SQLite write with an OverflowError, every later file of its write group failed
with it (valid text sheets included), the JSON stayed ``pending`` so every later build exited 1,
and its vectors stayed without rows. Now every value is range-checked in the model before
anything is written, and a sheet whose write fails anyway fails alone and leaves nothing behind.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from index_support import SAMPLES, counting_embedding, model_cache, tiny_sheets

from ingest.index import build, pending_files
from ingest.settings import Settings
from ingest.store import FigureStore
from ingest.vectors import VectorStore

pytestmark = pytest.mark.slow


def _settings(home: Path) -> Settings:
    settings = Settings(home=home)
    settings.models.cache_dir = model_cache()
    return settings


def consistent(settings: Settings) -> set[str]:
    """Rows and vectors agree, nothing pending or queued; returns the sheet ids (the other
    test_robust files use it too)."""
    with FigureStore(settings.sqlite_path, read_only=True) as figures:
        counts = figures.counts()
        ids = figures.sheet_ids()
        assert counts.files_pending == 0 and figures.retired() == []
    vectors = VectorStore(settings, create=False)
    assert vectors.sheet_ids() == ids
    assert vectors.count() == counts.chunks
    return ids


def test_a_cost_of_ten_to_the_thirty_fails_alone(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(SAMPLES, folder)
    [tiny] = tiny_sheets(tmp_path / "tiny", 1)
    data = json.loads(tiny.read_text(encoding="utf-8"))
    data["costs"][0]["total_cost"] = 10**30
    # first in the batch, so every valid sheet is written after it
    (folder / "a_huge_cost.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    settings = _settings(tmp_path / "store")
    embedding, _ = counting_embedding()
    report = build([folder], settings, embedding=embedding)
    status = {Path(r.path).name: r for r in report.files}
    bad = status.pop("a_huge_cost.json")
    assert bad.status == "failed"
    assert "costs.0.total_cost" in bad.reason and "out of range" in bad.reason
    assert "internal error" not in bad.reason and "\n" not in bad.reason
    assert [r.status for r in status.values()] == ["indexed"] * 3
    assert len(consistent(settings)) == 3
    assert pending_files(settings) == []
    # a later build of anything else is not held back by it
    again = build([folder / "koriyama_r7_digital_first.txt"], settings, embedding=embedding)
    assert again.ok and again.recovered == 0


def test_a_write_that_fails_anyway_fails_alone_and_leaves_nothing(tmp_path: Path, monkeypatch) -> None:
    """A sheet the model lets through but the store cannot write: only it fails, its pending mark
    is undone and the vectors embedded for it are deleted; the rest of its group is written."""
    files = tiny_sheets(tmp_path / "in", 4)
    settings = _settings(tmp_path / "store")
    real = FigureStore._insert_sheet

    def insert(self, db, sheet, n_chunks):  # noqa: ANN001
        real(self, db, sheet, n_chunks)
        if sheet.project.name == "試験事業01":
            raise OverflowError("Python int too large to convert to SQLite INTEGER")

    monkeypatch.setattr(FigureStore, "_insert_sheet", insert)
    embedding, _ = counting_embedding()
    report = build(files, settings, embedding=embedding)  # one group: 4 × 3 chunks
    status = {Path(r.path).name: r for r in report.files}
    assert status["tiny_01.json"].status == "failed"
    assert "OverflowError" in status["tiny_01.json"].reason
    assert [status[f"tiny_0{i}.json"].status for i in (0, 2, 3)] == ["indexed"] * 3
    ids = consistent(settings)  # no vectors left for the sheet that failed
    assert status["tiny_01.json"].sheet_id not in ids and len(ids) == 3
    assert pending_files(settings) == []

    monkeypatch.setattr(FigureStore, "_insert_sheet", real)
    again = build(files, settings, embedding=embedding)  # the failed one is simply indexed now
    assert again.ok and again.recovered == 0
    assert {r.status for r in again.files} == {"unchanged", "indexed"}
    assert len(consistent(settings)) == 4


def test_a_failed_rewrite_keeps_the_version_indexed_before(tmp_path: Path, monkeypatch) -> None:
    [path] = tiny_sheets(tmp_path / "in", 1)
    settings = _settings(tmp_path / "store")
    embedding, _ = counting_embedding()
    [first] = build([path], settings, embedding=embedding).files
    data = json.loads(path.read_text(encoding="utf-8"))
    data["sections"][0]["text"] += "（改訂）"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    def fail(self, db, sheet, n_chunks):  # noqa: ANN001
        raise OverflowError("too large")

    monkeypatch.setattr(FigureStore, "_insert_sheet", fail)
    [r] = build([path], settings, embedding=embedding).files
    assert r.status == "failed" and r.reason.endswith("(the version indexed before is kept)")
    assert consistent(settings) == {first.sheet_id}
    monkeypatch.undo()
    [r] = build([path], settings, embedding=embedding).files  # read anew, not taken as unchanged
    assert r.status == "replaced" and r.replaced == first.sheet_id
    assert consistent(settings) == {r.sheet_id}
