"""A store that checks itself (issue #14, point 4).

The probe: with ``chroma/`` deleted, ``ingest build`` reported every file ``unchanged`` and left
0 vectors for every chunk; a half-truncated SQLite file gave 「internal error … please report」;
``assistant ask`` printed a 27-line traceback. Now ``ingest check`` compares rows and vectors and
runs SQLite's integrity check, every command answers a damaged store with one line and the next
step, and ``ingest build --repair`` mends it.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from index_support import ROOT, counting_embedding, model_cache, subprocess_env, tiny_sheets
from test_robust_validation import consistent

from ingest.check import StoreDamaged, check_store
from ingest.chunk import chunk_sheet
from ingest.index import build
from ingest.settings import Settings
from ingest.vectors import VectorStore

pytestmark = pytest.mark.slow


@pytest.fixture
def store(tmp_path: Path) -> tuple[Settings, list[Path]]:
    files = tiny_sheets(tmp_path / "in", 3)
    settings = Settings(home=tmp_path / "store")
    settings.models.cache_dir = model_cache()
    embedding, _ = counting_embedding()
    assert build(files, settings, embedding=embedding).ok
    health = check_store(settings, deep=True)
    assert health.state == "ok" and health.usable and health.chunks == health.vectors > 0, health.line
    return settings, files


def _cli(settings: Settings, module: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, *args, "--store", str(settings.home)], cwd=ROOT,
                          env=subprocess_env(), capture_output=True, text=True, timeout=300)


def _one_line(proc: subprocess.CompletedProcess, *words: str) -> None:
    err = proc.stderr
    assert "Traceback" not in err and "internal error" not in err, err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    for w in words:
        assert w in err, err


def test_vectors_deleted(store) -> None:
    settings, files = store
    shutil.rmtree(settings.chroma_path)
    health = check_store(settings)
    assert health.state == "damaged" and health.problem == "vectors_missing" and not health.usable
    assert health.vector_folder_missing and sum(health.missing.values()) == health.chunks
    assert "--repair" in health.line and health.line_ja

    proc = _cli(settings, "ingest", "check")
    assert proc.returncode == 4 and proc.stdout.startswith("damaged: ") and "--repair" in proc.stdout
    _one_line(_cli(settings, "ingest", "build", str(files[0])), "have no vector", "--repair")
    _one_line(_cli(settings, "assistant", "ask", "試験事業00の事業費は？"), "have no vector", "--repair")
    listed = _cli(settings, "ingest", "list")
    assert listed.returncode == 0 and "試験事業00" in listed.stdout and "--repair" in listed.stderr
    with pytest.raises(StoreDamaged, match="--repair"):
        build(files, settings)

    embedding, counter = counting_embedding()
    report = build([], settings, embedding=embedding, repair=True)
    assert report.repaired == health.chunks and counter.texts > 0
    assert check_store(settings, deep=True).state == "ok"
    consistent(settings)
    again = build(files, settings, embedding=embedding)
    assert again.count()["unchanged"] == 3


def test_figures_database_truncated(store) -> None:
    settings, files = store
    with sqlite3.connect(settings.sqlite_path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = settings.sqlite_path.stat().st_size
    with settings.sqlite_path.open("r+b") as f:
        f.truncate(size // 2)
    health = check_store(settings)
    assert health.state == "damaged" and health.problem == "figures_damaged", health.line

    for module, args in [("ingest", ("list",)), ("ingest", ("build", str(files[0]))), ("ingest", ("remove", "x")),
                         ("ingest", ("build", "--repair")), ("assistant", ("ask", "試験事業00の事業費は？"))]:
        proc = _cli(settings, module, *args)
        assert proc.returncode == 4, (args, proc.stdout, proc.stderr)
        _one_line(proc, "figures.sqlite3")
    proc = _cli(settings, "ingest", "check")
    assert proc.returncode == 4 and "is damaged" in proc.stdout and "--repair PATH" in proc.stdout

    # rebuilt from the sheets: the vectors are all still there, so nothing is embedded again
    embedding, counter = counting_embedding()
    report = build([files[0].parent], settings, embedding=embedding, repair=True)
    assert report.ok and report.count()["indexed"] == 3 and counter.texts == 0
    assert len(report.set_aside) == 1 and Path(report.set_aside[0]).exists()
    assert check_store(settings, deep=True).state == "ok"
    consistent(settings)


def test_vectors_of_no_sheet_are_a_notice_and_repair_drops_them(store) -> None:
    settings, files = store
    from ingest.parse import parse_file

    stray = parse_file(files[0]).model_copy(update={"sheet_id": "stray0000000000"})
    embedding, _ = counting_embedding()
    VectorStore(settings, embedding).upsert(stray.sheet_id, chunk_sheet(stray, content_hash="stray"))
    health = check_store(settings, deep=True)
    assert health.state == "notice" and health.usable and health.problem == "orphans"
    assert set(health.orphans) == {"stray0000000000"}
    report = build([], settings, embedding=embedding, repair=True)
    assert report.orphans_dropped == health.orphans["stray0000000000"]
    assert check_store(settings, deep=True).state == "ok"
