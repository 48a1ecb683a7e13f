"""The figures store (SQLite): write, replace, remove, foreign keys, all-or-nothing transactions."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ingest.model import Sheet
from ingest.parse import parse_file
from ingest.store import FigureStore, StoreError

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
FIGURE_TABLES = ("indicators", "indicator_values", "indicator_milestones", "costs", "evaluations",
                 "past_results", "sections")


@pytest.fixture(scope="module")
def sheets() -> list[Sheet]:
    return [parse_file(p) for p in sorted(SAMPLES.glob("*.txt"))]


@pytest.fixture
def store(tmp_path: Path) -> FigureStore:
    with FigureStore(tmp_path / "figures.sqlite3") as s:
        yield s


def _rows(store: FigureStore, table: str) -> int:
    return store.query(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"]


def _edited(sheet: Sheet, new_id: str) -> Sheet:
    s = sheet.model_copy(deep=True)
    s.sheet_id = new_id
    s.source = s.source.model_copy(update={"sha256": new_id * 4})
    s.indicators = s.indicators[:1]
    return s


def test_write_and_read_back_exactly(store: FigureStore, sheets: list[Sheet]) -> None:
    for n, sheet in enumerate(sheets):
        assert store.put_sheet(sheet, f"/f{n}.txt", sheet.source.sha256, 10 + n) == []
    assert {s.sheet_id for s in store.list_sheets()} == {s.sheet_id for s in sheets}
    for sheet in sheets:
        assert store.get_sheet(sheet.sheet_id) == sheet  # canonical JSON round-trips
        assert store.get_sheet(sheet.sheet_id).to_json() == sheet.to_json()
    counts = store.counts()
    assert counts.sheets == 3 and counts.files_indexed == 3 and counts.files_pending == 0
    assert counts.indicators == sum(len(s.indicators) for s in sheets)
    assert counts.indicator_values == sum(len(i.values) for s in sheets for i in s.indicators)
    assert counts.costs == sum(len(s.costs) for s in sheets)
    assert counts.chunks == 10 + 11 + 12


def test_lookups_answers_need(store: FigureStore, sheets: list[Sheet]) -> None:
    for n, sheet in enumerate(sheets):
        store.put_sheet(sheet, f"/f{n}.txt", sheet.source.sha256, 1)
    row = store.query(
        "SELECT s.project, i.label, i.unit, v.plan, v.actual FROM indicator_values v "
        "JOIN indicators i USING (indicator_id) JOIN sheets s ON s.sheet_id = v.sheet_id "
        "WHERE s.project = ? AND i.kind = 'activity' AND i.no = 2 AND v.fy = ?",
        ("デジタルファースト推進事業", 2024),
    )
    assert [tuple(r) for r in row] == [("デジタルファースト推進事業", "活動指標②", "件", 669, 685)]
    assert isinstance(row[0]["actual"], int)  # NUMERIC keeps integers integers
    cost = store.query(
        "SELECT * FROM costs c JOIN sheets s USING (sheet_id) WHERE s.department = ? AND c.fy = ?",
        ("政策開発部", 2024),
    )[0]
    assert (cost["total_cost"], cost["national_prefectural"], cost["municipal_bonds"]) == (66671, 5818, None)
    ev = store.query("SELECT result, score_scale FROM evaluations WHERE stage = 'secondary'")[0]
    assert (ev["result"], ev["score_scale"]) == ("継続", 3)
    plans = store.query("EXPLAIN QUERY PLAN SELECT * FROM indicator_values WHERE fy = 2024")
    assert any("indicator_values_fy" in str(tuple(r)) for r in plans)  # an index serves year lookups


def test_replace_leaves_no_orphans(store: FigureStore, sheets: list[Sheet]) -> None:
    old = sheets[2]
    store.put_sheet(old, "/a.txt", old.source.sha256, 27)
    new = _edited(old, "beefbeefbeefbeef")
    store.mark_pending("/a.txt", new.source.sha256, new.sheet_id)
    assert store.file("/a.txt").prev_sheet_id == old.sheet_id
    assert store.has_sheet(old.sheet_id)  # the old version stays readable until the commit
    retired = store.put_sheet(new, "/a.txt", new.source.sha256, 5)
    assert retired == [old.sheet_id] and store.retired() == [old.sheet_id]
    assert store.sheet_ids() == {new.sheet_id}
    for table in FIGURE_TABLES[:2]:
        orphans = store.query(f"SELECT COUNT(*) AS n FROM {table} WHERE sheet_id != ?", (new.sheet_id,))
        assert orphans[0]["n"] == 0
    assert _rows(store, "indicators") == 1
    store.clear_retired(old.sheet_id)
    assert store.retired() == []


def test_shared_content_survives_until_last_file(store: FigureStore, sheets: list[Sheet]) -> None:
    s = sheets[0]
    store.put_sheet(s, "/a.txt", s.source.sha256, 9)
    store.mark_indexed("/b.txt", s.source.sha256, s.sheet_id)  # the same content at another path
    other = _edited(s, "1234123412341234")
    store.mark_pending("/a.txt", other.source.sha256, other.sheet_id)
    assert store.put_sheet(other, "/a.txt", other.source.sha256, 3) == []  # /b.txt still holds it
    assert store.has_sheet(s.sheet_id)


def test_remove_cascades(store: FigureStore, sheets: list[Sheet]) -> None:
    for n, sheet in enumerate(sheets):
        store.put_sheet(sheet, f"/f{n}.txt", sheet.source.sha256, 1)
    gone = sheets[2]
    assert store.remove_sheet(gone.sheet_id)
    assert not store.has_sheet(gone.sheet_id) and store.get_sheet(gone.sheet_id) is None
    assert store.retired() == [gone.sheet_id]
    for table in ("indicators", "indicator_values", "costs", "evaluations", "sections", "files"):
        left = store.query(f"SELECT COUNT(*) AS n FROM {table} WHERE sheet_id = ?", (gone.sheet_id,))
        assert left[0]["n"] == 0, table
    assert _rows(store, "indicator_milestones") == 0  # only the removed sheet had milestones
    assert store.counts().sheets == 2
    assert not store.remove_sheet("no-such-sheet")


def test_foreign_keys_are_enforced(store: FigureStore) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute("INSERT INTO costs (sheet_id, fy) VALUES ('nobody', 2024)")


def test_failure_mid_write_leaves_nothing(store: FigureStore, sheets: list[Sheet], monkeypatch) -> None:
    good, bad = sheets[0], sheets[2]
    store.put_sheet(good, "/good.txt", good.source.sha256, 1)
    before = {t: _rows(store, t) for t in ("sheets", "files", *FIGURE_TABLES)}

    real_insert = FigureStore._insert_sheet

    def insert_then_fail(self, db, sheet, n_chunks):  # rows are written, then the process "dies"
        real_insert(self, db, sheet, n_chunks)
        assert db.execute("SELECT COUNT(*) FROM costs WHERE sheet_id = ?", (sheet.sheet_id,)).fetchone()[0]
        raise KeyboardInterrupt

    monkeypatch.setattr(FigureStore, "_insert_sheet", insert_then_fail)
    with pytest.raises(KeyboardInterrupt):
        store.put_sheet(bad, "/bad.txt", bad.source.sha256, 1)
    after = {t: _rows(store, t) for t in before}
    assert after == before
    assert store.file("/bad.txt") is None


def test_pending_marks_survive_reopen_and_read_only(tmp_path: Path, sheets: list[Sheet]) -> None:
    path = tmp_path / "figures.sqlite3"
    with FigureStore(path) as s:
        s.mark_pending("/x.txt", "ab" * 32, sheets[0].sheet_id)
    with FigureStore(path, read_only=True) as ro:
        assert [f.path for f in ro.files("pending")] == ["/x.txt"]
        with pytest.raises(sqlite3.OperationalError):
            ro.db.execute("DELETE FROM files")
    with pytest.raises(StoreError):
        FigureStore(tmp_path / "missing.sqlite3", read_only=True)


def test_abandoned_pending_attempt_is_retired(store: FigureStore) -> None:
    store.mark_pending("/x.txt", "aa" * 32, "first-try")
    store.mark_pending("/x.txt", "bb" * 32, "second-try")  # the file changed before any commit
    assert store.retired() == ["first-try"]  # its vectors, if any, must go
    assert store.forget_file("/x.txt") == ["second-try"]


# ── schema 2: binders, status, cost basis and rows (issue #13) ──────────────────────────


def _generic_sheet() -> Sheet:
    from ingest.model import Cost, CostRow, Project

    return Sheet(
        sheet_id="gen1", template="generic", status="incomplete",
        project=Project(name="地域防災訓練推進事業"),
        costs=[
            Cost(fy=2016, basis="決算", project_cost=1280,
                 rows=[CostRow(label="フルコスト", value=5400, unit="千円"), CostRow(label="正職員数", value=0.5, unit="人")]),
            Cost(fy=2016, basis="予算", project_cost=1300, rows=[CostRow(label="フルコスト", value=5450, unit="千円")]),
        ],
    )


def test_cost_basis_rows_and_status_round_trip(store: FigureStore) -> None:
    sheet = _generic_sheet()
    store.put_sheet(sheet, "/bu.txt", "ab" * 32, 3, part=2)
    assert store.get_sheet("gen1") == sheet
    [summary] = store.list_sheets()
    assert summary.status == "incomplete" and summary.template == "generic"
    rows = store.query("SELECT fy, basis, project_cost FROM costs WHERE sheet_id = 'gen1' ORDER BY basis")
    assert [tuple(r) for r in rows] == [(2016, "予算", 1300), (2016, "決算", 1280)]
    full = store.query("SELECT basis, value, unit FROM cost_rows WHERE label = 'フルコスト' ORDER BY basis")
    assert [tuple(r) for r in full] == [("予算", 5450, "千円"), ("決算", 5400, "千円")]
    assert store.file("/bu.txt", 2).sheet_id == "gen1" and store.file("/bu.txt") is None


def test_a_binder_is_one_row_per_sheet_and_goes_whole(store: FigureStore, sheets: list[Sheet]) -> None:
    sha = "cd" * 32
    for part, sheet in enumerate(sheets, start=1):
        store.put_sheet(sheet, "/bu.pdf", sha, 1, part=part)
    assert [r.part for r in store.file_parts("/bu.pdf")] == [1, 2, 3]
    # the binder now holds two sheets: the third row goes, and its sheet with it
    assert store.drop_parts("/bu.pdf", 2) == [sheets[2].sheet_id]
    assert not store.has_sheet(sheets[2].sheet_id)
    # a sheet another file also holds stays when the binder is removed
    store.mark_indexed("/single.txt", "ef" * 32, sheets[0].sheet_id)
    assert store.remove_file("/bu.pdf") == [sheets[1].sheet_id]
    assert store.has_sheet(sheets[0].sheet_id) and store.file_parts("/bu.pdf") == []


def test_a_version_1_store_is_upgraded_in_place(tmp_path: Path, sheets: list[Sheet]) -> None:
    """A store written before binders (files by path, costs by year) opens, whole, as schema 2."""
    path = tmp_path / "figures.sqlite3"
    with FigureStore(path) as s:
        s.put_sheet(sheets[0], "/a.txt", sheets[0].source.sha256, 5)
    db = sqlite3.connect(path)
    # rebuild the version-1 shape: no part, no basis, no status, no cost_rows
    db.executescript("""
        PRAGMA foreign_keys = OFF;
        BEGIN;
        CREATE TABLE files_old AS SELECT path, sha256, sheet_id, state, prev_sheet_id, updated_at FROM files;
        DROP TABLE files;
        CREATE TABLE files (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, sheet_id TEXT NOT NULL,
            state TEXT NOT NULL, prev_sheet_id TEXT, updated_at REAL NOT NULL);
        INSERT INTO files SELECT * FROM files_old; DROP TABLE files_old;
        CREATE TABLE costs_old AS SELECT * FROM costs; DROP TABLE costs;
        CREATE TABLE costs (sheet_id TEXT NOT NULL, fy INTEGER NOT NULL, project_cost NUMERIC,
            personnel_cost NUMERIC, total_cost NUMERIC, national_prefectural NUMERIC, municipal_bonds NUMERIC,
            user_charges NUMERIC, other_revenue NUMERIC, general_revenue NUMERIC, unit_cost_total NUMERIC,
            unit_cost_general NUMERIC, PRIMARY KEY (sheet_id, fy));
        INSERT INTO costs SELECT sheet_id, fy, project_cost, personnel_cost, total_cost, national_prefectural,
            municipal_bonds, user_charges, other_revenue, general_revenue, unit_cost_total, unit_cost_general
            FROM costs_old;
        DROP TABLE costs_old; DROP TABLE cost_rows;
        CREATE TABLE sheets_old AS SELECT * FROM sheets;
        DROP TABLE _migrations;  -- a version-1 store has no ledger, only its version
        UPDATE meta SET value = '1' WHERE key = 'schema_version';
        COMMIT;
    """)
    db.execute("ALTER TABLE sheets DROP COLUMN status")
    db.execute("ALTER TABLE sheets DROP COLUMN source_part")
    db.execute("ALTER TABLE sheets DROP COLUMN source_pages")
    db.execute("DROP TABLE sheets_old")
    db.commit()
    db.close()
    # a read-only opener (the assistant) finds it upgraded
    with FigureStore(path, read_only=True) as ro:
        [summary] = ro.list_sheets()
        assert summary.status == "complete" and summary.sheet_id == sheets[0].sheet_id
        assert ro.file("/a.txt").part == 1
        assert ro.query("SELECT COUNT(*) AS n FROM costs WHERE basis = ''")[0]["n"] == len(sheets[0].costs)
        assert ro.get_sheet(sheets[0].sheet_id) == sheets[0]


# ── migrations: a store the previous release wrote opens, migrated, with the same figures ──────

SCHEMA2_STORE = Path(__file__).resolve().parent / "data" / "store-schema2.sqlite3"


def _tables(path: Path) -> dict[str, list[tuple]]:
    db = sqlite3.connect(path)
    try:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: db.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in names}
    finally:
        db.close()


def _named_reads(store: FigureStore) -> dict[str, object]:
    ids = sorted(store.sheet_ids())
    return {
        "catalog": store.catalog_sheets(), "indicators": store.indicator_rows(), "texts": store.section_texts(),
        "labels": store.cost_row_labels(), "cities": store.municipalities(),
        "costs": store.cost_values("project_cost", None, None), "costs_2016": store.cost_values("total_cost", 2016, ids),
        "years": store.cost_years(["project_cost", "total_cost"], None),
        "plans": store.plan_rows(None, None, None), "outcomes": store.plan_rows("outcome", None, ids),
        "scores": store.evaluation_scores(("primary", "secondary")), "results": store.evaluation_results(),
        "past": store.past_results(["拡充", "継続", "縮小"], None), "sections": store.section_rows(ids[:2], None),
        "sheets": [store.get_sheet(i) for i in ids], "files": [(f.path, f.part, f.sheet_id, f.state) for f in store.files()],
        "summaries": [{**vars(s), "indexed_at": None} for s in store.list_sheets()],
    }


def test_a_schema_2_store_is_migrated_and_reads_the_same(tmp_path: Path) -> None:
    """tests/data/store-schema2.sqlite3 was written by the release before the migrations ledger
    (schema 2: three sample sheets, a binder's generic sheet with cost rows, a pending file).
    Opened read-only it reads as it is; opened for writing it gains the ledger — m001 and m002
    recorded as applied, nothing rerun — and every row and every named read stays the same, and
    equal to a store this code builds anew from the same sheets."""
    path = tmp_path / "figures.sqlite3"
    path.write_bytes(SCHEMA2_STORE.read_bytes())
    before = _tables(path)
    assert "_migrations" not in before and before["meta"] == [("schema_version", "2")]
    with FigureStore(path, read_only=True) as ro:  # the assistant needs no write to read it
        reads = _named_reads(ro)
    assert "_migrations" not in _tables(path)
    assert len(reads["catalog"]) == 4 and reads["labels"] == {"gen1": ["フルコスト", "正職員数"]}
    assert reads["scores"] and reads["past"] and reads["plans"]

    with FigureStore(path) as s:
        applied = [r["name"] for r in s.query("SELECT name FROM _migrations ORDER BY rowid")]
        assert applied == ["m001_initial", "m002_binders"]
        assert _named_reads(s) == reads
    after = _tables(path)
    assert after.pop("_migrations") and after == before  # no row of the old store changed
    with FigureStore(path) as s:  # a second open has nothing to do and writes nothing
        v = s.version()
        assert s.query("SELECT COUNT(*) AS n FROM _migrations")[0]["n"] == 2
    with FigureStore(path, read_only=True) as ro:
        assert ro.version()[0] == v[0] and _named_reads(ro) == reads

    fresh = tmp_path / "fresh.sqlite3"  # the same sheets written by this code: the same reads
    with FigureStore(path, read_only=True) as old, FigureStore(fresh) as new:
        for c in old.catalog_sheets():  # in the order they were written
            [f] = old.files_of(c.sheet_id)
            sheet = old.get_sheet(c.sheet_id)
            assert sheet is not None
            new.put_sheet(sheet, f.path, f.sha256, old.chunk_counts()[c.sheet_id], part=f.part)
        new.mark_pending("/later.txt", "cd" * 32, "not-yet")
        assert _named_reads(new) == reads

    def shape(db_path: Path) -> dict[str, set[tuple]]:  # every table's and index's columns, as declared
        db = sqlite3.connect(db_path)
        try:
            names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")]
            return {n: {tuple(r[1:]) for r in db.execute(f"PRAGMA table_xinfo({n})")} |
                    {tuple(r) for r in db.execute(f"PRAGMA index_xinfo({n})")} for n in names}
        finally:
            db.close()

    assert shape(fresh) == shape(path)  # m001 + m002 build what the release's one CREATE script did


def test_a_newer_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "figures.sqlite3"
    with FigureStore(path) as s:
        s.db.execute("INSERT INTO _migrations VALUES ('m999_future', 0)")
    with pytest.raises(StoreError, match="newer"):
        FigureStore(path)
