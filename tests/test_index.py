"""Building the store for real: the e5 model, an embedded Chroma, SQLite. No mocks.

The embedding is the real model wrapped in a counter, so "nothing re-embedded" is measured, not
assumed. Corpora stay small (embedding is the slow part on two cores).
"""

from __future__ import annotations

import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from index_support import (
    ROOT,
    SAMPLES,
    Store,
    counting_embedding,
    generated_corpus,
    subprocess_env,
    tiny_sheets,
)

from ingest.chunk import chunk_sheet
from ingest.index import BuildReport, StoreBusy, build, list_sheets, remove, store_lock
from ingest.parse import parse_file
from ingest.settings import Settings
from ingest.store import FigureStore
from ingest.vectors import VectorStore

pytestmark = pytest.mark.slow


def _settings(home: Path, **index: object) -> Settings:
    from index_support import model_cache

    s = Settings(home=home)
    s.models.cache_dir = model_cache()
    for k, v in index.items():
        setattr(s.index, k, v)
    return s


def _check_consistent(settings: Settings, n_files: int) -> set[str]:
    """SQLite and Chroma agree: the same sheets, every chunk present, nothing pending or orphaned."""
    with FigureStore(settings.sqlite_path, read_only=True) as figures:
        counts = figures.counts()
        sheet_ids = figures.sheet_ids()
        assert counts.files_pending == 0
        assert counts.files_indexed == n_files
        assert figures.retired() == []
    vectors = VectorStore(settings, create=False)
    assert vectors.sheet_ids() == sheet_ids
    assert vectors.count() == counts.chunks
    return sheet_ids


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The three shared sample sheets plus two generated ones, in a folder the tests may edit."""
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(SAMPLES, root / "samples")
    generated_corpus(root / "generated", 2)
    return sorted(root.rglob("*.txt"))


@pytest.fixture(scope="module")
def built(corpus: list[Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, BuildReport, int]:
    settings = _settings(tmp_path_factory.mktemp("store"))
    embedding, counter = counting_embedding()
    report = build([p.parent for p in corpus[:1]] + corpus[1:], settings, embedding=embedding)
    return settings, report, counter.texts


def test_build_indexes_every_sheet(built, corpus) -> None:
    settings, report, embedded = built
    assert report.ok, report.failed
    assert report.count()["indexed"] == len(corpus)
    assert len(report.files) == len(corpus)  # the folder and the files it holds: each file once
    ids = _check_consistent(settings, len(corpus))
    assert len(ids) == len(corpus)
    total_chunks = sum(r.chunks for r in report.files)
    # every chunk got a vector; equal texts (paragraphs a project repeats) were embedded once
    assert sum(r.embedded + r.reused for r in report.files) == total_chunks
    assert embedded == report.chunks_embedded <= total_chunks
    listed = {s.sheet_id: s for s in list_sheets(settings)}
    assert listed.keys() == ids
    with Store(settings) as store:
        digital = next(s for s in store.list_sheets() if s.project == "デジタルファースト推進事業")
        assert store.get_sheet(digital.sheet_id).cost(2024).total_cost == 66671


def test_similarity_search_lands_on_tables(built) -> None:
    settings, _, _ = built
    with Store(settings) as store:
        hits = store.vectors.query("デジタルファースト推進事業のオンライン電子申請手続き数の実績", k=5)
        labels = [(m["chunk_type"], m.get("indicator_label")) for _, _, m, _ in hits]
        assert ("indicator", "活動指標②") in labels
        hits = store.vectors.query("技術力向上職員研修事業の総事業費", k=5, where={"chunk_type": "cost"})
        assert hits and all(m["project"] == "技術力向上職員研修事業" for _, _, m, _ in hits[:3])


def test_rebuild_embeds_nothing(built, corpus) -> None:
    settings, _, _ = built
    embedding, counter = counting_embedding()
    report = build(corpus, settings, embedding=embedding)
    assert report.count() == {"indexed": 0, "unchanged": len(corpus), "replaced": 0, "failed": 0}
    assert counter.calls == 0 and counter.texts == 0
    _check_consistent(settings, len(corpus))


def test_edit_one_only_it_replaced(built, corpus) -> None:
    settings, _, _ = built
    target = next(p for p in corpus if p.name == "koriyama_r7_digital_first.txt")
    with FigureStore(settings.sqlite_path, read_only=True) as figures:
        old_id = figures.file(str(target.resolve())).sheet_id
    text = target.read_text(encoding="utf-8")
    edited = text.replace("キャッシュレス決済環境の整備は計画完了している。", "キャッシュレス決済環境の整備は計画どおり完了した。")
    assert edited != text
    target.write_text(edited, encoding="utf-8")

    embedding, counter = counting_embedding()
    report = build(corpus, settings, embedding=embedding)
    by_status = {r.path: r.status for r in report.files}
    assert [p for p, s in by_status.items() if s != "unchanged"] == [str(target)]
    replaced = next(r for r in report.files if r.path == str(target))
    assert replaced.status == "replaced" and replaced.replaced == old_id and replaced.sheet_id != old_id
    # only the edited paragraph is new text; the rest of the sheet's vectors are copied
    assert counter.texts == replaced.embedded == 1
    assert replaced.reused == replaced.chunks - 1
    ids = _check_consistent(settings, len(corpus))
    assert old_id not in ids and replaced.sheet_id in ids
    with Store(settings) as store:
        sheet = store.get_sheet(replaced.sheet_id)
        assert any("計画どおり完了した" in s.text for s in sheet.sections)
        assert store.vectors.ids_of(old_id) == set()


def test_remove_from_both_stores(built, corpus) -> None:
    settings, _, _ = built
    victim = next(s for s in list_sheets(settings) if s.project == "地域集会所補助事業")
    result = remove(victim.sheet_id, settings)
    assert result.removed and result.chunks_deleted == victim.n_chunks and len(result.files) == 1
    with Store(settings) as store:
        assert victim.sheet_id not in store.indexed_sheet_ids()
        assert store.get_sheet(victim.sheet_id) is None
        assert store.vectors.ids_of(victim.sheet_id) == set()
        left = store.figures.query("SELECT COUNT(*) AS n FROM costs WHERE sheet_id = ?", (victim.sheet_id,))
        assert left[0]["n"] == 0
    _check_consistent(settings, len(corpus) - 1)
    assert not remove(victim.sheet_id, settings).removed
    # building again puts it back, from the vectors of nothing: it is embedded anew, each
    # distinct embedded text once (its cost years share one)
    [path] = result.files
    distinct = {c.embed_text for c in chunk_sheet(parse_file(Path(path)))}
    assert len(distinct) < victim.n_chunks
    embedding, counter = counting_embedding()
    report = build(corpus, settings, embedding=embedding)
    assert report.count()["indexed"] == 1 and counter.texts == len(distinct)
    _check_consistent(settings, len(corpus))


def test_bad_files_fail_alone(tmp_path: Path) -> None:
    settings = _settings(tmp_path / "store")
    good = tiny_sheets(tmp_path / "in", 2)
    (tmp_path / "in" / "broken.json").write_text("{", encoding="utf-8")
    (tmp_path / "in" / "notes.txt").write_text("hello world\n", encoding="utf-8")
    embedding, _ = counting_embedding()
    report = build([tmp_path / "in", tmp_path / "missing.txt"], settings, embedding=embedding)
    status = {Path(r.path).name: (r.status, r.reason) for r in report.files}
    assert status["broken.json"][0] == "failed" and "broken JSON" in status["broken.json"][1]
    assert status["notes.txt"] == ("failed", "not a 事務事業評価 sheet (no Japanese text found)")
    assert status["missing.txt"] == ("failed", "no such file or folder")
    assert [status[p.name][0] for p in good] == ["indexed", "indexed"]
    assert not report.ok
    _check_consistent(settings, 2)


def test_same_content_at_two_paths_is_one_sheet(tmp_path: Path) -> None:
    settings = _settings(tmp_path / "store")
    [a] = tiny_sheets(tmp_path / "a", 1)
    b = tmp_path / "b" / "copy.json"
    b.parent.mkdir()
    shutil.copy(a, b)
    embedding, counter = counting_embedding()
    report = build([a, b], settings, embedding=embedding)
    assert [r.status for r in report.files] == ["indexed", "unchanged"]
    assert report.files[1].reason.startswith("same content as")
    assert counter.texts == report.files[0].chunks
    _check_consistent(settings, 2)


# ----------------------------------------------------------------------------- crashes


def _read_lines(stream, out: queue.Queue) -> None:
    for line in stream:
        out.put(line)
    out.put(None)


def test_killed_build_is_completed_by_the_next(tmp_path: Path) -> None:
    """SIGKILL a real ``python -m ingest build`` halfway; the next build finishes the job."""
    files = tiny_sheets(tmp_path / "in", 20)
    store = tmp_path / "store"
    # groups of one file: commits happen file by file, so the kill lands between or inside them
    env = subprocess_env(SHEETQA_INDEX__GROUP_CHUNKS="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "ingest", "build", str(tmp_path / "in"), "--store", str(store)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_read_lines, args=(proc.stdout, lines), daemon=True).start()
    done = 0
    deadline = time.monotonic() + 240
    while done < 4 and time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        if line is None:
            break
        done += line.startswith("indexed")
    assert done >= 4, f"the build did not get going: {proc.stderr.read() if proc.poll() is not None else ''}"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    settings = _settings(store)
    with FigureStore(settings.sqlite_path, read_only=True) as figures:
        before = figures.counts()
    assert 4 <= before.sheets < len(files)  # killed midway

    embedding, counter = counting_embedding()
    report = build([tmp_path / "in"], settings, embedding=embedding)
    assert report.ok, report.failed
    counts = report.count()
    assert counts["unchanged"] == before.sheets
    assert counts["indexed"] == len(files) - before.sheets
    ids = _check_consistent(settings, len(files))
    assert len(ids) == len(files)
    # chunks the killed build had already written were not embedded again
    assert counter.texts <= sum(r.chunks for r in report.files if r.status == "indexed")


def test_crash_between_vectors_and_commit(tmp_path: Path) -> None:
    """The worst moment: vectors written, rows not. The next build redoes it without re-embedding."""
    files = tiny_sheets(tmp_path / "in", 5)
    store = tmp_path / "store"
    env = subprocess_env(SHEETQA_INDEX__GROUP_CHUNKS="1", SHEETQA_INDEX__CRASH_AFTER="2")
    proc = subprocess.run(
        [sys.executable, "-m", "ingest", "build", *map(str, files), "--store", str(store)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 99, proc.stderr
    settings = _settings(store)
    with FigureStore(settings.sqlite_path, read_only=True) as figures:
        assert figures.counts().sheets == 2
        [pending] = figures.files("pending")
        assert pending.path == str(files[2].resolve())
    assert len(VectorStore(settings, create=False).sheet_ids()) == 3  # one sheet not yet counted

    embedding, counter = counting_embedding()
    report = build(files[3:], settings, embedding=embedding)  # not even asked for the crashed file
    assert report.recovered == 1
    statuses = {Path(r.path).name: (r.status, r.embedded) for r in report.files}
    assert statuses[files[2].name] == ("indexed", 0)  # finished from the vectors already there
    assert counter.texts == sum(r.chunks for r in report.files if Path(r.path) in files[3:])
    _check_consistent(settings, 5)


# ----------------------------------------------------------------------------- concurrency


def test_second_build_refuses_with_a_clear_message(tmp_path: Path) -> None:
    settings = _settings(tmp_path / "store")
    files = tiny_sheets(tmp_path / "in", 1)
    with store_lock(settings, "build"):
        proc = subprocess.run(
            [sys.executable, "-m", "ingest", "build", str(files[0]), "--store", str(settings.home)],
            cwd=ROOT, env=subprocess_env(), capture_output=True, text=True, timeout=120,
        )
        with pytest.raises(StoreBusy, match="another build is running on"):
            build(files, settings)
    assert proc.returncode == 4
    assert f"another build is running on {settings.home}" in proc.stderr
    assert f"pid {__import__('os').getpid()}" in proc.stderr
    assert not settings.sqlite_path.exists()  # refused before touching anything


def test_second_build_waits_when_asked(tmp_path: Path) -> None:
    settings = _settings(tmp_path / "store", lock_wait=10.0)
    release = threading.Event()

    def hold() -> None:
        with store_lock(settings):
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(0.3)
    threading.Timer(0.5, release.set).start()
    started = time.monotonic()
    with store_lock(settings):
        waited = time.monotonic() - started
    holder.join()
    assert 0.2 < waited < 9


# ----------------------------------------------------------------------------- binders


def _binder(tmp_path: Path, texts: list[str], name: str = "bu.txt") -> Path:
    from eval import corpus

    path = tmp_path / name
    path.write_text(corpus.bind(texts, "h27_formfeed"), encoding="utf-8")
    return path


@pytest.fixture
def h27_texts() -> list[str]:
    from eval import corpus

    return [s.text for s in corpus.h27_specs(5, 31)]


def test_binder_indexes_each_sheet_and_reindexes_only_what_changed(tmp_path: Path, h27_texts) -> None:
    settings = _settings(tmp_path / "store")
    path = _binder(tmp_path, h27_texts)
    embedding, counter = counting_embedding()
    report = build([path], settings, embedding=embedding)
    assert report.ok and report.count()["indexed"] == 5
    assert [(r.part, r.parts, r.pages) for r in report.files] == [(k, 5, str(k)) for k in range(1, 6)]
    assert report.binders == {str(path): 5}
    ids = _check_consistent(settings, 5)
    assert len(ids) == 5

    # one sheet edited, one removed: only the edited one is embedded; the removed one goes
    edited = list(h27_texts)
    edited[1] = edited[1].replace("○事業概要", "○事業概要\n", 1).replace("を行う。", "を行っている。", 1)
    assert edited[1] != h27_texts[1]
    dropped_text = edited.pop(3)
    path.write_text(_binder(tmp_path, edited, "tmp.txt").read_text(encoding="utf-8"), encoding="utf-8")
    embedding, counter = counting_embedding()
    report = build([path], settings, embedding=embedding)
    statuses = [(r.part, r.status) for r in report.files]
    assert statuses == [(1, "unchanged"), (2, "replaced"), (3, "unchanged"), (4, "unchanged")]
    assert counter.texts == report.files[1].embedded >= 1
    dropped = [d for r in report.files for d in r.dropped]
    ids_after = _check_consistent(settings, 4)
    assert len(dropped) == 1 and dropped[0] not in ids_after
    with Store(settings) as store:
        names = {store.get_sheet(i).project.name for i in ids_after}
        assert not any(n in dropped_text.split("\n")[:12] for n in names if n)
        moved = store.get_sheet(report.files[3].sheet_id)
        assert moved.source.part == 4 and moved.source.pages == [4]  # it moved up one place

    # unchanged file: nothing parsed, nothing embedded
    embedding, counter = counting_embedding()
    report = build([path], settings, embedding=embedding)
    assert report.count()["unchanged"] == 4 and counter.calls == 0


def test_removing_a_binder_removes_every_sheet(tmp_path: Path, h27_texts) -> None:
    from ingest.index import remove_file

    settings = _settings(tmp_path / "store")
    path = _binder(tmp_path, h27_texts[:3])
    embedding, _ = counting_embedding()
    build([path], settings, embedding=embedding)
    result = remove_file(path, settings)
    assert len(result.removed) == 3 and result.chunks_deleted > 0
    _check_consistent(settings, 0)
    assert list_sheets(settings) == []


def test_build_and_list_report_binders_and_incomplete_sheets(tmp_path: Path, h27_texts) -> None:
    from eval import corpus

    store = tmp_path / "store"
    r7 = [corpus.render_text(s) for s in corpus.generate(2, 13, 0.0, 0.0)]
    cut = r7[1][: len(r7[1]) // 4]  # a sheet that stops early
    path = tmp_path / "mixed.txt"
    path.write_text(corpus.bind([r7[0], cut], "r7_formfeed"), encoding="utf-8")
    env = subprocess_env()
    proc = subprocess.run([sys.executable, "-m", "ingest", "build", str(path), "--store", str(store)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert f"{path}: 2 sheets" in proc.stdout
    assert "incomplete" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "ingest", "list", "--store", str(store)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert "[incomplete]" in proc.stdout and "1 incomplete" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "ingest", "remove", str(path), "--store", str(store)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "2 sheets" in proc.stdout, proc.stderr
