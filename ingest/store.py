"""The figures store: SQLite tables of sheets, indicators, values, costs, evaluations and sections.

Exact numbers need exact lookups (by project, year, indicator, department), not similarity, so
every figure of every indexed sheet is a row here. The sheet's canonical JSON is kept as well,
so :meth:`FigureStore.get_sheet` gives back exactly the ``Sheet`` that was indexed.

Crash safety rests on three rules:

* every write of one sheet (or one removal) is ONE transaction: a crash leaves the old rows or
  the new ones, never half of either;
* a ``files`` row is ``pending`` from before the first vector is written until the transaction
  that writes the sheet's rows, which also marks it ``indexed``; the next build redoes pending
  files. A sheet is in ``sheets`` only once its vectors are in Chroma. A file that holds several
  sheets (a binder) has one row per sheet, ``(path, part)``;
* a sheet whose rows are dropped (replaced or removed) is queued in ``retired`` in that same
  transaction; its vectors are deleted afterwards and the queue entry cleared, so a crash in
  between is finished by the next build (:meth:`retired`).

WAL mode lets readers (the assistant) read while a build writes.

This module is the only code that speaks SQL: the schema (ordered migrations, m001, m002 …,
recorded in ``_migrations``), every write, and the named reads the assistant, the sheet browser
and the store check ask (:meth:`FigureStore.catalog_sheets`, :meth:`FigureStore.plan_rows` …),
each returning typed rows.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence, Sized
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NamedTuple, TypeVar

from ingest.model import COST_FIELDS, Sheet, Source

FileState = Literal["pending", "indexed"]

_COST_COLUMNS = tuple(COST_FIELDS)

# ------------------------------------------------------------------ schema: ordered migrations
#
# The schema is the migrations below, applied in order, each once (as simonw/llm's migrations.py
# does): a function of the connection, named m001_…, m002_…, recorded in ``_migrations`` when it
# has run. Opening a store for writing applies the ones it lacks, all in one transaction, so a
# store is upgraded whole or not at all. A migration that has shipped is never edited (the stores
# it wrote exist): a change of schema is a new function at the end. ``meta.schema_version`` counts
# the migrations applied: the one row a read-only opener (the assistant) and an older sheetqa
# check. Stores written before the ledger existed have only that row; it says which ran.

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[Migration] = []


def migration(fn: Migration) -> Migration:
    MIGRATIONS.append(fn)
    return fn


def _run_script(db: sqlite3.Connection, script: str) -> None:
    """Run ``script`` statement by statement inside the caller's transaction (``executescript``
    would commit it first)."""
    stmt = ""
    for piece in script.split(";"):
        stmt += piece + ";"
        if sqlite3.complete_statement(stmt):
            if stmt.strip(" \n;"):
                db.execute(stmt)
            stmt = ""
    if stmt.strip(" \n;"):
        raise ValueError(f"incomplete statement in a migration: {stmt[:80]!r}")


@migration
def m001_initial(db: sqlite3.Connection) -> None:
    """The first schema: one sheet per file, one cost figure per year."""
    _run_script(db, """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sheets (
    sheet_id       TEXT PRIMARY KEY,
    template       TEXT NOT NULL,
    municipality   TEXT,
    evaluation_fy  INTEGER,
    target_fy      INTEGER,
    project        TEXT,
    department     TEXT,
    section        TEXT,            -- 担当課
    source_path    TEXT,
    source_sha256  TEXT,
    source_format  TEXT,
    n_chunks       INTEGER NOT NULL DEFAULT 0,
    n_warnings     INTEGER NOT NULL DEFAULT 0,
    indexed_at     REAL NOT NULL,
    canonical_json TEXT NOT NULL     -- Sheet.to_json(): the sheet round-trips exactly
);
CREATE INDEX IF NOT EXISTS sheets_project    ON sheets(project);
CREATE INDEX IF NOT EXISTS sheets_department ON sheets(department, section);
CREATE INDEX IF NOT EXISTS sheets_target_fy  ON sheets(target_fy);

-- one row per source file; a file points at the sheet its content became
CREATE TABLE IF NOT EXISTS files (
    path          TEXT PRIMARY KEY,  -- absolute, resolved
    sha256        TEXT NOT NULL,     -- of the content being (or last) indexed
    sheet_id      TEXT NOT NULL,     -- the sheet that content is (or becomes)
    state         TEXT NOT NULL CHECK (state IN ('pending', 'indexed')),
    prev_sheet_id TEXT,              -- while pending: the sheet this file held before, to replace
    updated_at    REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS files_sheet ON files(sheet_id);
CREATE INDEX IF NOT EXISTS files_state ON files(state);

-- sheets whose vectors must be deleted from Chroma (rows already gone)
CREATE TABLE IF NOT EXISTS retired (
    sheet_id   TEXT PRIMARY KEY,
    retired_at REAL NOT NULL
);

CREATE TABLE IF NOT EXISTS indicators (
    indicator_id INTEGER PRIMARY KEY,
    sheet_id     TEXT NOT NULL REFERENCES sheets(sheet_id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('target', 'activity', 'outcome')),
    no           INTEGER NOT NULL,
    label        TEXT NOT NULL,      -- 活動指標② as the sheet prints it
    name         TEXT,
    unit         TEXT,
    UNIQUE (sheet_id, kind, no)
);
CREATE INDEX IF NOT EXISTS indicators_name ON indicators(name);

-- NUMERIC affinity keeps 685 an integer and 12.5 a real
CREATE TABLE IF NOT EXISTS indicator_values (
    indicator_id INTEGER NOT NULL REFERENCES indicators(indicator_id) ON DELETE CASCADE,
    sheet_id     TEXT NOT NULL REFERENCES sheets(sheet_id) ON DELETE CASCADE,
    fy           INTEGER NOT NULL,
    plan         NUMERIC,
    actual       NUMERIC,
    PRIMARY KEY (indicator_id, fy)
);
CREATE INDEX IF NOT EXISTS indicator_values_fy ON indicator_values(fy, sheet_id);

CREATE TABLE IF NOT EXISTS indicator_milestones (
    indicator_id INTEGER NOT NULL REFERENCES indicators(indicator_id) ON DELETE CASCADE,
    ord          INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('mid', 'final', 'unknown')),
    fy           INTEGER,
    value        NUMERIC NOT NULL,
    PRIMARY KEY (indicator_id, ord)
);

CREATE TABLE IF NOT EXISTS costs (
    sheet_id TEXT NOT NULL REFERENCES sheets(sheet_id) ON DELETE CASCADE,
    fy       INTEGER NOT NULL,
    project_cost NUMERIC, personnel_cost NUMERIC, total_cost NUMERIC, national_prefectural NUMERIC,
    municipal_bonds NUMERIC, user_charges NUMERIC, other_revenue NUMERIC, general_revenue NUMERIC,
    unit_cost_total NUMERIC, unit_cost_general NUMERIC,
    PRIMARY KEY (sheet_id, fy)
);
CREATE INDEX IF NOT EXISTS costs_fy ON costs(fy);

CREATE TABLE IF NOT EXISTS evaluations (
    sheet_id TEXT NOT NULL REFERENCES sheets(sheet_id) ON DELETE CASCADE,
    stage    TEXT NOT NULL CHECK (stage IN ('primary', 'secondary')),
    result   TEXT,
    score_scale      INTEGER,   -- 規模・方法の妥当性
    score_fairness   INTEGER,   -- 公平性
    score_efficiency INTEGER,   -- 効率性
    score_activity   INTEGER,   -- 活動指標
    score_outcome    INTEGER,   -- 成果指標
    PRIMARY KEY (sheet_id, stage)
);

CREATE TABLE IF NOT EXISTS past_results (
    sheet_id      TEXT NOT NULL REFERENCES sheets(sheet_id) ON DELETE CASCADE,
    fy            INTEGER NOT NULL,
    plan_category TEXT,
    result        TEXT,
    PRIMARY KEY (sheet_id, fy)
);

CREATE TABLE IF NOT EXISTS sections (
    sheet_id TEXT NOT NULL REFERENCES sheets(sheet_id) ON DELETE CASCADE,
    ord      INTEGER NOT NULL,
    key      TEXT NOT NULL,
    label    TEXT NOT NULL,
    text     TEXT NOT NULL,
    PRIMARY KEY (sheet_id, ord)
);
CREATE INDEX IF NOT EXISTS sections_key ON sections(key);
""")


@migration
def m002_binders(db: sqlite3.Connection) -> None:
    """Binders (a file's rows by path and part, each sheet's part and pages), a sheet's status,
    costs by year and basis (予算 / 決算 … of other cities' layouts) and the sheet's own cost rows."""
    costs = ("project_cost, personnel_cost, total_cost, national_prefectural, municipal_bonds, user_charges, "
             "other_revenue, general_revenue, unit_cost_total, unit_cost_general")
    _run_script(db, f"""
ALTER TABLE sheets ADD COLUMN source_part INTEGER;  -- the sheet's place in a binder (NULL: a file of one sheet)
ALTER TABLE sheets ADD COLUMN source_pages TEXT;    -- the pages it spans, "5-6" (NULL: not known)
ALTER TABLE sheets ADD COLUMN status TEXT NOT NULL DEFAULT 'complete';  -- or 'incomplete': the text stops early

-- one row per sheet of a source file (part 1 for a file of one sheet); each points at the sheet
-- its content became
ALTER TABLE files RENAME TO files_v1;
DROP INDEX IF EXISTS files_sheet;
DROP INDEX IF EXISTS files_state;
CREATE TABLE files (
    path          TEXT NOT NULL,     -- absolute, resolved
    part          INTEGER NOT NULL DEFAULT 1,  -- the sheet's place in the file, 1-based
    sha256        TEXT NOT NULL,     -- of the whole file being (or last) indexed
    sheet_id      TEXT NOT NULL,     -- the sheet that part is (or becomes)
    state         TEXT NOT NULL CHECK (state IN ('pending', 'indexed')),
    prev_sheet_id TEXT,              -- while pending: the sheet this part held before, to replace
    updated_at    REAL NOT NULL,
    PRIMARY KEY (path, part)
);
CREATE INDEX files_sheet ON files(sheet_id);
CREATE INDEX files_state ON files(state);
INSERT INTO files (path, part, sha256, sheet_id, state, prev_sheet_id, updated_at)
    SELECT path, 1, sha256, sheet_id, state, prev_sheet_id, updated_at FROM files_v1;
DROP TABLE files_v1;

-- basis: '' for a template's one figure a year, else 予算 / 決算 / 計画 / 実績 (generic layouts)
ALTER TABLE costs RENAME TO costs_v1;
DROP INDEX IF EXISTS costs_fy;
CREATE TABLE costs (
    sheet_id TEXT NOT NULL REFERENCES sheets(sheet_id) ON DELETE CASCADE,
    fy       INTEGER NOT NULL,
    basis    TEXT NOT NULL DEFAULT '',
    project_cost NUMERIC, personnel_cost NUMERIC, total_cost NUMERIC, national_prefectural NUMERIC,
    municipal_bonds NUMERIC, user_charges NUMERIC, other_revenue NUMERIC, general_revenue NUMERIC,
    unit_cost_total NUMERIC, unit_cost_general NUMERIC,
    PRIMARY KEY (sheet_id, fy, basis)
);
CREATE INDEX costs_fy ON costs(fy);
INSERT INTO costs (sheet_id, fy, basis, {costs}) SELECT sheet_id, fy, '', {costs} FROM costs_v1;
DROP TABLE costs_v1;

-- the sheet's own cost rows (フルコスト, 地方債, 正職員数 …) as printed, unit as printed
CREATE TABLE cost_rows (
    sheet_id TEXT NOT NULL REFERENCES sheets(sheet_id) ON DELETE CASCADE,
    fy       INTEGER NOT NULL,
    basis    TEXT NOT NULL DEFAULT '',
    ord      INTEGER NOT NULL,
    label    TEXT NOT NULL,
    value    NUMERIC,
    unit     TEXT,
    PRIMARY KEY (sheet_id, fy, basis, ord)
);
CREATE INDEX cost_rows_label ON cost_rows(label);
""")


SCHEMA_VERSION = len(MIGRATIONS)  # meta.schema_version of a store this code wrote


@dataclass(frozen=True)
class FileRecord:
    path: str
    sha256: str
    sheet_id: str
    state: FileState
    prev_sheet_id: str | None
    updated_at: float
    part: int = 1


@dataclass(frozen=True)
class SheetSummary:
    sheet_id: str
    template: str
    status: str  # complete | incomplete
    municipality: str | None
    project: str | None
    department: str | None
    section: str | None
    target_fy: int | None
    evaluation_fy: int | None
    source_path: str | None
    n_chunks: int
    n_warnings: int
    indexed_at: float
    source_part: int | None = None
    source_pages: str | None = None


_SUMMARY_COLUMNS = (
    "sheet_id, template, status, municipality, project, department, section, target_fy, evaluation_fy, "
    "source_path, n_chunks, n_warnings, indexed_at, source_part, source_pages"
)


@dataclass(frozen=True)
class StoreCounts:
    sheets: int
    files_indexed: int
    files_pending: int
    indicators: int
    indicator_values: int
    costs: int
    evaluations: int
    sections: int
    chunks: int  # sum of sheets.n_chunks: what Chroma should hold


_Row = TypeVar("_Row")


class StoreError(Exception):
    """The figures database cannot be used (missing when opened read-only, newer schema, …)."""


# ------------------------------------------------------------------ typed rows of the named reads
#
# NamedTuples: typed, unpackable like the rows they replace, and cheap to make by the thousand
# (a catalog load reads every sheet's indicators).

Num = int | float  # a NUMERIC column: 685 stays an integer, 12.5 a real


class CatalogSheet(NamedTuple):
    """A sheet as the catalog knows it, with its two evaluations' results."""

    sheet_id: str
    project: str | None
    department: str | None
    section: str | None
    target_fy: int | None
    evaluation_fy: int | None
    primary: str | None = None  # 一次評価's result (継続, 改善 …)
    secondary: str | None = None  # 二次評価's
    municipality: str | None = None  # whose sheet (two cities' namesakes are two projects)
    template: str | None = None  # the layout read (koriyama-r7): 「R7様式のシート」 asks by it


class IndicatorRow(NamedTuple):
    sheet_id: str
    kind: str  # target | activity | outcome
    no: int
    label: str  # 活動指標② as printed
    name: str | None
    unit: str | None


class CostValue(NamedTuple):
    """One cost field of one sheet in one year."""

    sheet_id: str
    fy: int
    value: Num


class PrintedValue(NamedTuple):
    """One value of a row another city's layout prints under its own label (正職員数)."""

    sheet_id: str
    fy: int
    basis: str  # 予算 / 決算 / 計画 / 実績, '' when the column says none
    value: Num
    unit: str | None


class CostYear(NamedTuple):
    """Some cost fields of one sheet in one year (of one basis)."""

    sheet_id: str
    fy: int
    values: dict[str, Num | None]


class ActualRow(NamedTuple):
    """An indicator's actual in one year, with its plan when the sheet gives one (always, from
    :meth:`FigureStore.plan_rows`)."""

    sheet_id: str
    kind: str
    no: int
    label: str
    name: str | None
    unit: str | None
    fy: int
    plan: Num | None
    actual: Num


class ScoreRow(NamedTuple):
    """One evaluation's five scores: 規模・方法の妥当性, 公平性, 効率性, 活動指標, 成果指標."""

    sheet_id: str
    stage: str  # primary | secondary
    scores: tuple[int | None, int | None, int | None, int | None, int | None]


class EvaluationResult(NamedTuple):
    sheet_id: str
    stage: str
    result: str


class PastResult(NamedTuple):
    """A 実計区分・評価結果 line of a past year."""

    sheet_id: str
    fy: int
    result: str


class SectionText(NamedTuple):
    sheet_id: str
    key: str
    text: str


_SCORE_COLUMNS = "score_scale, score_fairness, score_efficiency, score_activity, score_outcome"
# A sheet may print a year twice (予算 and 決算, other cities' layouts): the settled figure first.
_SETTLED_FIRST = "CASE {t}basis WHEN '' THEN 0 WHEN '決算' THEN 1 WHEN '実績' THEN 2 WHEN '予算' THEN 3 ELSE 4 END"


@dataclass(frozen=True)
class _Scope:
    """What the cross-project reads share: one year (each sheet's own evaluated year when None,
    the one case that joins the sheets table) and, optionally, only some sheets. Names and years
    come from the caller's catalog instead of a join, which reads a ``sheets`` row per figure
    (~5 µs each: most of a query's time at 3,000 sheets)."""

    join: str
    where: list[str]
    params: list[object]


def _scope(sheet_col: str, fy_col: str, fy: int | None, sheet_ids: Sequence[str] | None) -> _Scope:
    join = ""
    where: list[str] = []
    params: list[object] = []
    if fy is None:
        join = f"JOIN sheets s ON s.sheet_id = {sheet_col} AND s.target_fy = {fy_col}"
    else:
        where.append(f"{fy_col} = ?")
        params.append(fy)
    if sheet_ids is not None:
        where.append(f"{sheet_col} IN ({','.join('?' * len(sheet_ids))})")
        params.extend(sheet_ids)
    return _Scope(join, where, params)


def _marks(values: Sized) -> str:
    return ",".join("?" * len(values))


def _cost_columns(fields: Sequence[str]) -> None:
    bad = [f for f in fields if f not in COST_FIELDS]
    if bad:
        raise ValueError(f"not a cost field: {bad[0]}")


def _upgrade(path: Path, busy_timeout: float) -> None:
    """Bring an older store up to this schema before opening it read-only (the assistant may
    open a store no build has touched since sheetqa was upgraded). Leaves a newer one alone."""
    try:
        probe = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=busy_timeout)
        try:
            row = probe.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        finally:
            probe.close()
    except sqlite3.DatabaseError:
        return  # not a store: _check_version says so
    if row is not None and int(row[0]) < SCHEMA_VERSION:
        try:
            FigureStore(path, busy_timeout=busy_timeout).close()
        except sqlite3.OperationalError as e:  # a read-only file or folder: say what to do
            raise StoreError(f"{path} needs an upgrade (schema {row[0]}); run python -m ingest build once ({e})") from None



def integrity(path: Path, deep: bool = False) -> list[str]:
    """SQLite's own verdict on the file (``quick_check``, or the full ``integrity_check`` when
    ``deep``; ``["ok"]`` when sound), on a bare read-only connection, which gives the clearest
    words for a damaged file. Raises ``sqlite3.DatabaseError`` for a file that is not a store."""
    probe = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        verdict = [str(r[0]) for r in probe.execute(f"PRAGMA {'integrity_check' if deep else 'quick_check'}")]
        probe.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return verdict
    finally:
        probe.close()

class FigureStore:
    """One SQLite connection to ``<store>/figures.sqlite3``. Not shared between threads."""

    def __init__(self, path: Path, read_only: bool = False, busy_timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.read_only = read_only
        if read_only:
            if not self.path.exists():
                raise StoreError(f"no figures database at {self.path} (build the store first)")
            _upgrade(self.path, busy_timeout)
            uri = f"{self.path.resolve().as_uri()}?mode=ro"
            self.db = sqlite3.connect(uri, uri=True, timeout=busy_timeout, isolation_level=None)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a transaction spans
            # exactly what _tx() wraps and nothing commits behind our back.
            self.db = sqlite3.connect(self.path, timeout=busy_timeout, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA foreign_keys = ON")
        if not read_only:
            self.db.execute("PRAGMA journal_mode = WAL")
            # NORMAL in WAL mode: a killed process loses nothing committed; only a power cut
            # may lose the last transactions, never consistency.
            self.db.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        else:
            self._check_version()

    # ------------------------------------------------------------------ plumbing

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> FigureStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        # IMMEDIATE takes the write lock up front: a second writer waits (busy_timeout) at
        # BEGIN instead of failing halfway through.
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    def _migrate(self) -> None:
        """Apply the migrations this store lacks, in order, in one transaction (a second writer
        waits at BEGIN and then finds nothing to do). Writes nothing when none is missing, so
        readers do not see a change."""
        with self._tx() as db:
            has_meta = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone()
            row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() if has_meta else None
            version = int(row["value"]) if row is not None else None
            has_ledger = db.execute("SELECT 1 FROM sqlite_master WHERE name = '_migrations'").fetchone()
            applied = [r[0] for r in db.execute("SELECT name FROM _migrations")] if has_ledger else []
            known = [m.__name__ for m in MIGRATIONS]
            if (version or 0) > SCHEMA_VERSION or set(applied) - set(known):
                raise StoreError(f"{self.path} was written by a newer sheetqa (schema {version} > {SCHEMA_VERSION})")
            if not has_ledger:
                db.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at REAL NOT NULL)")
                applied = known[:version or 0]  # a store from before the ledger: its version says which ran
                db.executemany("INSERT INTO _migrations VALUES (?, ?)", [(name, time.time()) for name in applied])
            for fn in MIGRATIONS:
                if fn.__name__ not in applied:
                    fn(db)
                    db.execute("INSERT INTO _migrations VALUES (?, ?)", (fn.__name__, time.time()))
            if version != SCHEMA_VERSION:
                db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    def _check_version(self) -> None:
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path} is not a sheetqa figures database ({e}); check the store: "
                             "python -m ingest check") from None
        if row is None or int(row["value"]) != SCHEMA_VERSION:
            raise StoreError(f"{self.path}: unsupported schema version {row and row['value']}")

    # ------------------------------------------------------------------ files

    def file(self, path: str, part: int = 1) -> FileRecord | None:
        row = self.db.execute("SELECT * FROM files WHERE path = ? AND part = ?", (path, part)).fetchone()
        return FileRecord(**dict(row)) if row else None

    def file_parts(self, path: str) -> list[FileRecord]:
        """Every row of one file (one per sheet it holds), in part order."""
        rows = self.db.execute("SELECT * FROM files WHERE path = ? ORDER BY part", (path,)).fetchall()
        return [FileRecord(**dict(r)) for r in rows]

    def files(self, state: FileState | None = None) -> list[FileRecord]:
        if state is None:
            rows = self.db.execute("SELECT * FROM files ORDER BY path, part").fetchall()
        else:
            rows = self.db.execute("SELECT * FROM files WHERE state = ? ORDER BY path, part", (state,)).fetchall()
        return [FileRecord(**dict(r)) for r in rows]

    def files_of(self, sheet_id: str) -> list[FileRecord]:
        rows = self.db.execute("SELECT * FROM files WHERE sheet_id = ? ORDER BY path, part", (sheet_id,))
        return [FileRecord(**dict(r)) for r in rows]

    def mark_pending(self, path: str, sha256: str, sheet_id: str, part: int = 1) -> FileRecord:
        """Record that part ``part`` of ``path`` is about to be (re)indexed as ``sheet_id``; call
        before any vector write.

        ``prev_sheet_id`` remembers the sheet the part last held *indexed*, across repeated
        crashes, so the final commit knows what it replaces. A pending attempt for different
        content that never committed may have left vectors: that sheet is queued in ``retired``.
        """
        now = time.time()
        with self._tx() as db:
            old = db.execute("SELECT * FROM files WHERE path = ? AND part = ?", (path, part)).fetchone()
            prev = None
            if old is not None:
                prev = old["sheet_id"] if old["state"] == "indexed" else old["prev_sheet_id"]
                if old["state"] == "pending" and old["sheet_id"] != sheet_id:
                    self._retire_if_unused(db, old["sheet_id"], ignore=(path, part), drop_rows=False)
            if prev == sheet_id:
                prev = None
            db.execute(
                "INSERT INTO files (path, part, sha256, sheet_id, state, prev_sheet_id, updated_at) "
                "VALUES (?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT(path, part) DO UPDATE SET "
                "sha256 = excluded.sha256, sheet_id = excluded.sheet_id, state = 'pending', "
                "prev_sheet_id = excluded.prev_sheet_id, updated_at = excluded.updated_at",
                (path, part, sha256, sheet_id, prev, now),
            )
        rec = self.file(path, part)
        assert rec is not None
        return rec

    def mark_indexed(
        self, path: str, sha256: str, sheet_id: str, part: int = 1, keep: frozenset[str] = frozenset()
    ) -> list[str]:
        """Point part ``part`` of ``path`` at an already indexed sheet (the same content found at
        another path, or a binder's sheet that did not change).

        Returns the sheets retired by this (the part's previous sheet, if nothing else uses it and
        it is not in ``keep``: a sheet the binder still holds at another place).
        """
        with self._tx() as db:
            return self._set_file_indexed(db, path, part, sha256, sheet_id, keep)

    def abandon_pending(self, path: str, part: int | None = None) -> list[str]:
        """Undo the pending marks of a write that failed (one part, or every pending part of the
        file): a part that held a sheet before points at it again — with no file hash, so the
        next build reads the file anew — and one that held nothing goes. The sheet the failed
        write was for is retired unless something holds it, so its vectors go too (:meth:`retired`).
        Returns the retired ids."""
        with self._tx() as db:
            if part is None:
                olds = db.execute("SELECT * FROM files WHERE path = ? AND state = 'pending'", (path,)).fetchall()
            else:
                olds = db.execute("SELECT * FROM files WHERE path = ? AND part = ? AND state = 'pending'",
                                  (path, part)).fetchall()
            retired: list[str] = []
            for old in olds:
                prev = old["prev_sheet_id"]
                if prev is not None and db.execute("SELECT 1 FROM sheets WHERE sheet_id = ?", (prev,)).fetchone():
                    db.execute("UPDATE files SET state = 'indexed', sheet_id = ?, sha256 = '', prev_sheet_id = NULL, "
                               "updated_at = ? WHERE path = ? AND part = ?", (prev, time.time(), path, old["part"]))
                else:
                    db.execute("DELETE FROM files WHERE path = ? AND part = ?", (path, old["part"]))
                retired += self._retire_if_unused(db, old["sheet_id"], drop_rows=False)
            return retired

    def forget_file(self, path: str) -> list[str]:
        """Drop a vanished file's pending rows (an interrupted build's, whose file is gone); the
        vectors that attempt may have written are orphans and are retired. Returns retired ids."""
        with self._tx() as db:
            olds = db.execute("SELECT * FROM files WHERE path = ? AND state = 'pending'", (path,)).fetchall()
            db.execute("DELETE FROM files WHERE path = ? AND state = 'pending'", (path,))
            retired: list[str] = []
            for old in olds:
                retired += self._retire_if_unused(db, old["sheet_id"], drop_rows=False)
            return retired

    def remove_file(self, path: str) -> list[str]:
        """Drop every row of a file and retire each sheet no other file holds. Returns retired ids."""
        with self._tx() as db:
            olds = db.execute("SELECT * FROM files WHERE path = ?", (path,)).fetchall()
            db.execute("DELETE FROM files WHERE path = ?", (path,))
            retired: list[str] = []
            for old in olds:
                for gone in {old["sheet_id"], old["prev_sheet_id"]} - {None}:
                    retired += self._retire_if_unused(db, gone)
            return list(dict.fromkeys(retired))

    def drop_parts(self, path: str, keep: int) -> list[str]:
        """A binder now holds ``keep`` sheets: drop its rows beyond that and retire what only they held."""
        with self._tx() as db:
            olds = db.execute("SELECT * FROM files WHERE path = ? AND part > ?", (path, keep)).fetchall()
            db.execute("DELETE FROM files WHERE path = ? AND part > ?", (path, keep))
            retired: list[str] = []
            for old in olds:
                for gone in {old["sheet_id"], old["prev_sheet_id"]} - {None}:
                    retired += self._retire_if_unused(db, gone)
            return list(dict.fromkeys(retired))

    def drop_part(self, path: str, part: int) -> bool:
        """Drop one part's row (a binder's sheet that could not be read this time) and retire the
        sheet only it held. False when the file has no such part."""
        with self._tx() as db:
            old = db.execute("SELECT sheet_id FROM files WHERE path = ? AND part = ?", (path, part)).fetchone()
            if old is None:
                return False
            db.execute("DELETE FROM files WHERE path = ? AND part = ?", (path, part))
            self._retire_if_unused(db, old["sheet_id"])
            return True

    def _set_file_indexed(
        self, db: sqlite3.Connection, path: str, part: int, sha256: str, sheet_id: str,
        keep: frozenset[str] = frozenset(),
    ) -> list[str]:
        old = db.execute("SELECT * FROM files WHERE path = ? AND part = ?", (path, part)).fetchone()
        db.execute(
            "INSERT INTO files (path, part, sha256, sheet_id, state, prev_sheet_id, updated_at) "
            "VALUES (?, ?, ?, ?, 'indexed', NULL, ?) ON CONFLICT(path, part) DO UPDATE SET "
            "sha256 = excluded.sha256, sheet_id = excluded.sheet_id, state = 'indexed', "
            "prev_sheet_id = NULL, updated_at = excluded.updated_at",
            (path, part, sha256, sheet_id, time.time()),
        )
        retired: list[str] = []
        if old is not None:
            for gone in {old["sheet_id"], old["prev_sheet_id"]} - {None, sheet_id} - keep:
                retired += self._retire_if_unused(db, gone)
        return retired

    def _retire_if_unused(
        self, db: sqlite3.Connection, sheet_id: str, ignore: tuple[str, int] | None = None, drop_rows: bool = True
    ) -> list[str]:
        """Retire ``sheet_id`` (rows dropped, vectors queued for deletion) unless a file still holds it."""
        path, part = ignore if ignore is not None else (None, None)
        users = db.execute(
            "SELECT COUNT(*) FROM files WHERE sheet_id = ? AND NOT (path IS ? AND part IS ?)", (sheet_id, path, part)
        ).fetchone()[0]
        if users:
            return []
        if not drop_rows and db.execute("SELECT 1 FROM sheets WHERE sheet_id = ?", (sheet_id,)).fetchone():
            return []
        db.execute("DELETE FROM sheets WHERE sheet_id = ?", (sheet_id,))  # cascades to every figure
        db.execute("INSERT OR REPLACE INTO retired VALUES (?, ?)", (sheet_id, time.time()))
        return [sheet_id]

    # ------------------------------------------------------------------ sheets: write

    def put_sheet(
        self, sheet: Sheet, path: str, sha256: str, n_chunks: int, part: int = 1, supersede: tuple[str, ...] = ()
    ) -> list[str]:
        """Write every row of ``sheet`` and mark part ``part`` of ``path`` indexed, in one transaction.

        Replaces the sheet's rows if it was there already, and drops the sheet the part held
        before (unless another file still holds it). ``supersede``: other sources' sheets this
        one was explicitly asked to replace (``ingest build --replace``); they go whole, with the
        files that held them, in the same transaction. Returns the sheet ids retired, whose
        vectors the caller must now delete (then :meth:`clear_retired`).
        """
        with self._tx() as db:
            db.execute("DELETE FROM sheets WHERE sheet_id = ?", (sheet.sheet_id,))
            self._insert_sheet(db, sheet, n_chunks)
            retired = self._set_file_indexed(db, path, part, sha256, sheet.sheet_id)
            for other in supersede:
                if other == sheet.sheet_id:
                    continue
                db.execute("DELETE FROM files WHERE sheet_id = ?", (other,))
                db.execute("UPDATE files SET prev_sheet_id = NULL WHERE prev_sheet_id = ?", (other,))
                db.execute("DELETE FROM sheets WHERE sheet_id = ?", (other,))
                db.execute("INSERT OR REPLACE INTO retired VALUES (?, ?)", (other, time.time()))
                retired.append(other)
            return retired

    def _insert_sheet(self, db: sqlite3.Connection, sheet: Sheet, n_chunks: int) -> None:
        src = sheet.source
        p = sheet.project
        pages = src.pages if src else None
        db.execute(
            "INSERT INTO sheets (sheet_id, template, municipality, evaluation_fy, target_fy, project, "
            "department, section, source_path, source_sha256, source_format, source_part, source_pages, "
            "status, n_chunks, n_warnings, indexed_at, canonical_json) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                sheet.sheet_id,
                sheet.template,
                sheet.municipality,
                sheet.evaluation_fy,
                sheet.target_fy,
                p.name,
                p.department,
                p.section,
                src.path if src else None,
                src.sha256 if src else None,
                src.format if src else None,
                src.part if src else None,
                (f"{pages[0]}" if len(pages) == 1 else f"{pages[0]}-{pages[-1]}") if pages else None,
                sheet.status,
                n_chunks,
                len(sheet.warnings),
                time.time(),
                sheet.to_json(),
            ),
        )
        for ind in sheet.indicators:
            cur = db.execute(
                "INSERT INTO indicators (sheet_id, kind, no, label, name, unit) VALUES (?, ?, ?, ?, ?, ?)",
                (sheet.sheet_id, ind.kind, ind.no, ind.label, ind.name, ind.unit),
            )
            iid = cur.lastrowid
            db.executemany(
                "INSERT INTO indicator_values (indicator_id, sheet_id, fy, plan, actual) "
                "VALUES (?, ?, ?, ?, ?)",
                [(iid, sheet.sheet_id, v.fy, v.plan, v.actual) for v in ind.values],
            )
            db.executemany(
                "INSERT INTO indicator_milestones (indicator_id, ord, kind, fy, value) "
                "VALUES (?, ?, ?, ?, ?)",
                [(iid, n, m.kind, m.fy, m.value) for n, m in enumerate(ind.milestones)],
            )
        db.executemany(
            f"INSERT INTO costs (sheet_id, fy, basis, {', '.join(_COST_COLUMNS)}) "
            f"VALUES (?, ?, ?, {', '.join('?' for _ in _COST_COLUMNS)})",
            [(sheet.sheet_id, c.fy, c.basis or "", *(getattr(c, f) for f in _COST_COLUMNS)) for c in sheet.costs],
        )
        db.executemany(
            "INSERT INTO cost_rows (sheet_id, fy, basis, ord, label, value, unit) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(sheet.sheet_id, c.fy, c.basis or "", n, r.label, r.value, r.unit)
             for c in sheet.costs for n, r in enumerate(c.rows)],
        )
        db.executemany(
            "INSERT INTO evaluations (sheet_id, stage, result, score_scale, score_fairness, "
            "score_efficiency, score_activity, score_outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (sheet.sheet_id, e.stage, e.result, *((list(e.scores or []) + [None] * 5)[:5]))
                for e in sheet.evaluations
            ],
        )
        db.executemany(
            "INSERT INTO past_results (sheet_id, fy, plan_category, result) VALUES (?, ?, ?, ?)",
            [(sheet.sheet_id, r.fy, r.plan_category, r.result) for r in sheet.past_results],
        )
        db.executemany(
            "INSERT INTO sections (sheet_id, ord, key, label, text) VALUES (?, ?, ?, ?, ?)",
            [(sheet.sheet_id, n, s.key, s.label, s.text) for n, s in enumerate(sheet.sections)],
        )

    def update_source(self, sheet_id: str, source: Source) -> None:
        """Record where an unchanged sheet now stands (a binder's sheet that moved): its canonical
        JSON and source columns only; its figures and chunks are the same."""
        row = self.db.execute("SELECT canonical_json FROM sheets WHERE sheet_id = ?", (sheet_id,)).fetchone()
        if row is None:
            return
        sheet = Sheet.from_json(row[0])
        if sheet.source == source:
            return
        sheet.source = source
        pages = source.pages
        with self._tx() as db:
            db.execute(
                "UPDATE sheets SET canonical_json = ?, source_path = ?, source_sha256 = ?, source_part = ?, "
                "source_pages = ? WHERE sheet_id = ?",
                (sheet.to_json(), source.path, source.sha256, source.part,
                 (f"{pages[0]}" if len(pages) == 1 else f"{pages[0]}-{pages[-1]}") if pages else None, sheet_id),
            )

    def remove_sheet(self, sheet_id: str) -> bool:
        """Drop a sheet's rows and the files that held it; queue its vectors for deletion.

        Returns False when the store does not know the sheet (neither rows nor files).
        """
        with self._tx() as db:
            known = db.execute("SELECT 1 FROM sheets WHERE sheet_id = ?", (sheet_id,)).fetchone()
            files = db.execute("DELETE FROM files WHERE sheet_id = ?", (sheet_id,))
            if not known and not files.rowcount:
                return False
            # a file being re-indexed away from this sheet no longer has anything to replace
            db.execute("UPDATE files SET prev_sheet_id = NULL WHERE prev_sheet_id = ?", (sheet_id,))
            db.execute("DELETE FROM sheets WHERE sheet_id = ?", (sheet_id,))
            db.execute("INSERT OR REPLACE INTO retired VALUES (?, ?)", (sheet_id, time.time()))
            return True

    def set_chunk_count(self, sheet_id: str, n_chunks: int) -> None:
        """A repaired sheet's chunk count (its chunks were made anew from its stored reading)."""
        with self._tx() as db:
            db.execute("UPDATE sheets SET n_chunks = ? WHERE sheet_id = ?", (n_chunks, sheet_id))

    def retired(self) -> list[str]:
        return [r["sheet_id"] for r in self.db.execute("SELECT sheet_id FROM retired ORDER BY retired_at")]

    def clear_retired(self, sheet_id: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM retired WHERE sheet_id = ?", (sheet_id,))

    # ------------------------------------------------------------------ sheets: read

    def has_sheet(self, sheet_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM sheets WHERE sheet_id = ?", (sheet_id,)).fetchone() is not None

    def same_project(self, sheet: Sheet) -> list[str]:
        """Stored sheets that are ``sheet``'s project for the same year: the same municipality,
        部, 課, project name and evaluated year (nothing when the sheet names no project or year)."""
        p = sheet.project
        if not p.name or sheet.target_fy is None:
            return []
        rows = self.db.execute(
            "SELECT sheet_id FROM sheets WHERE project = ? AND target_fy = ? AND IFNULL(municipality, '') = ? "
            "AND IFNULL(department, '') = ? AND IFNULL(section, '') = ? AND sheet_id != ? ORDER BY indexed_at",
            (p.name, sheet.target_fy, sheet.municipality or "", p.department or "", p.section or "", sheet.sheet_id),
        )
        return [r[0] for r in rows]

    def chunk_counts(self) -> dict[str, int]:
        """Every sheet's chunk count (what the vectors must hold for it)."""
        return {r[0]: int(r[1]) for r in self.db.execute("SELECT sheet_id, n_chunks FROM sheets")}

    def sheet_ids(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT sheet_id FROM sheets")}

    def list_sheets(self) -> list[SheetSummary]:
        rows = self.db.execute(
            f"SELECT {_SUMMARY_COLUMNS} FROM sheets "
            "ORDER BY department, section, project, target_fy, source_path, source_part, sheet_id"
        )
        return [SheetSummary(**dict(r)) for r in rows]

    def summary(self, sheet_id: str) -> SheetSummary | None:
        row = self.db.execute(f"SELECT {_SUMMARY_COLUMNS} FROM sheets WHERE sheet_id = ?", (sheet_id,)).fetchone()
        return SheetSummary(**dict(row)) if row else None

    def get_sheet(self, sheet_id: str) -> Sheet | None:
        row = self.db.execute("SELECT canonical_json FROM sheets WHERE sheet_id = ?", (sheet_id,)).fetchone()
        return Sheet.from_json(row[0]) if row else None

    def counts(self) -> StoreCounts:
        def one(sql: str) -> int:
            return int(self.db.execute(sql).fetchone()[0] or 0)

        return StoreCounts(
            sheets=one("SELECT COUNT(*) FROM sheets"),
            files_indexed=one("SELECT COUNT(*) FROM files WHERE state = 'indexed'"),
            files_pending=one("SELECT COUNT(*) FROM files WHERE state = 'pending'"),
            indicators=one("SELECT COUNT(*) FROM indicators"),
            indicator_values=one("SELECT COUNT(*) FROM indicator_values"),
            costs=one("SELECT COUNT(*) FROM costs"),
            evaluations=one("SELECT COUNT(*) FROM evaluations"),
            sections=one("SELECT COUNT(*) FROM sections"),
            chunks=one("SELECT SUM(n_chunks) FROM sheets"),
        )

    def version(self) -> tuple[int, int]:
        """Changes to the database seen so far: another connection's commits (SQLite's
        data_version) and this connection's own. Equal versions mean nothing changed; cheap, so
        readers can ask before every question."""
        return int(self.db.execute("PRAGMA data_version").fetchone()[0]), self.db.total_changes

    def query(self, sql: str, params: tuple[object, ...] | dict[str, object] = ()) -> list[sqlite3.Row]:
        """Run any read query, rows addressable by name: for tests and a look at a store by hand.
        The code asks the named reads below, so that this module is the only one that knows the
        schema."""
        return self.db.execute(sql, params).fetchall()

    # ------------------------------------------------------------------ named reads: what answers ask

    def _read(self, make: Callable[..., _Row], sql: str, params: Sequence[object] = ()) -> list[_Row]:
        cur = self.db.cursor()
        cur.row_factory = None  # plain tuples, made into the typed row directly
        try:
            return [make(*r) for r in cur.execute(sql, tuple(params))]
        finally:
            cur.close()

    def catalog_sheets(self) -> list[CatalogSheet]:
        """Every sheet with its two evaluations' results (the catalog's rows), in table order."""
        return self._read(CatalogSheet,
                          "SELECT s.sheet_id, s.project, s.department, s.section, s.target_fy, s.evaluation_fy, "
                          "p.result, x.result, s.municipality, s.template FROM sheets s "
                          "LEFT JOIN evaluations p ON p.sheet_id = s.sheet_id AND p.stage = 'primary' "
                          "LEFT JOIN evaluations x ON x.sheet_id = s.sheet_id AND x.stage = 'secondary'")

    def indicator_rows(self) -> list[IndicatorRow]:
        """Every indicator, by sheet, then 対象・活動・成果 and number."""
        return self._read(IndicatorRow,
                          "SELECT sheet_id, kind, no, label, name, unit FROM indicators ORDER BY sheet_id, "
                          "CASE kind WHEN 'target' THEN 0 WHEN 'activity' THEN 1 ELSE 2 END, no")

    def section_texts(self, key: str | None = None) -> dict[str, list[str]]:
        """Every sheet's section texts (of one ``key`` only, if given) in the sheet's order, by sheet id."""
        texts: dict[str, list[str]] = {}
        where, args = ("WHERE key = ? ", (key,)) if key else ("", ())
        for sheet_id, text in self._read(lambda *r: r, f"SELECT sheet_id, text FROM sections {where}ORDER BY sheet_id, ord",
                                         args):
            texts.setdefault(sheet_id, []).append(text)
        return texts

    def cost_row_labels(self) -> dict[str, list[str]]:
        """The labels of every sheet's own cost rows (フルコスト, 正職員数 …), once each, sorted, by sheet id."""
        labels: dict[str, list[str]] = {}
        for sheet_id, label in self._read(lambda *r: r, "SELECT DISTINCT sheet_id, label FROM cost_rows "
                                                        "ORDER BY sheet_id, label"):
            labels.setdefault(sheet_id, []).append(label)
        return labels

    def municipalities(self) -> list[str]:
        """The municipalities the sheets name (each once)."""
        return [m for (m,) in self._read(lambda *r: r, "SELECT DISTINCT municipality FROM sheets") if m]

    def sheet_municipalities(self) -> dict[str, str]:
        """Each sheet's municipality, where the sheet names one."""
        return {sid: m for sid, m in self._read(lambda *r: r, "SELECT sheet_id, municipality FROM sheets") if m}

    def fingerprint(self) -> tuple[int, float]:
        """(sheet count, latest indexed_at): changes whenever a sheet is written or removed."""
        n, t = self.db.execute("SELECT COUNT(*) AS n, COALESCE(MAX(indexed_at), 0) AS t FROM sheets").fetchone()
        return int(n), float(t)

    def cost_values(self, field: str, fy: int | None, sheet_ids: Sequence[str] | None) -> list[CostValue]:
        """One cost field's printed values in ``fy`` (each sheet's own evaluated year when None),
        of the sheets ``sheet_ids`` (all when None), the settled figure of a year first."""
        _cost_columns([field])
        scope = _scope("c.sheet_id", "c.fy", fy, sheet_ids)
        return self._read(CostValue,
                          f"SELECT c.sheet_id, c.fy, c.{field} AS value FROM costs c {scope.join} "
                          f"WHERE {' AND '.join([f'c.{field} IS NOT NULL', *scope.where])} "
                          f"ORDER BY {_SETTLED_FIRST.format(t='c.')}", scope.params)

    def printed_values(self, label: str, sheet_ids: Sequence[str] | None) -> list[PrintedValue]:
        """Every value printed under the row ``label`` (of the sheets ``sheet_ids``, all when None)."""
        where = f" AND sheet_id IN ({_marks(sheet_ids)})" if sheet_ids is not None else ""
        return self._read(PrintedValue, "SELECT sheet_id, fy, basis, value, unit FROM cost_rows "
                                        f"WHERE label = ? AND value IS NOT NULL{where}", (label, *(sheet_ids or ())))

    def cost_years(self, fields: Sequence[str], sheet_ids: Sequence[str] | None) -> list[CostYear]:
        """Some cost fields of every year of the sheets ``sheet_ids`` (all when None), the settled
        figure of a year first."""
        _cost_columns(fields)
        where = f" WHERE sheet_id IN ({_marks(sheet_ids)})" if sheet_ids is not None else ""
        names = tuple(fields)
        return self._read(lambda sid, fy, *vs: CostYear(sid, fy, dict(zip(names, vs, strict=True))),
                          f"SELECT sheet_id, fy, {', '.join(names)} FROM costs{where} "
                          f"ORDER BY {_SETTLED_FIRST.format(t='')}", sheet_ids or ())

    def plan_rows(self, kind: str | None, fy: int | None, sheet_ids: Sequence[str] | None) -> list[ActualRow]:
        """Every 活動・成果 indicator value with both a plan and an actual (of ``kind`` when given),
        in ``fy`` (each sheet's own evaluated year when None), of ``sheet_ids`` (all when None)."""
        return self._indicator_rows(["v.plan IS NOT NULL", "i.kind != 'target'"], kind, fy, sheet_ids)

    def actual_rows(self, kind: str | None, fy: int | None, sheet_ids: Sequence[str] | None) -> list[ActualRow]:
        """Every indicator value with an actual (対象指標 too), as :meth:`plan_rows` reads them."""
        return self._indicator_rows([], kind, fy, sheet_ids)

    def _indicator_rows(self, where: list[str], kind: str | None, fy: int | None,
                        sheet_ids: Sequence[str] | None) -> list[ActualRow]:
        where = [*where, "v.actual IS NOT NULL"]
        params: list[object] = []
        if kind:
            where.append("i.kind = ?")
            params.append(kind)
        scope = _scope("v.sheet_id", "v.fy", fy, sheet_ids)
        sql = f"""
        SELECT v.sheet_id, i.kind, i.no, i.label, i.name, i.unit, v.fy, v.plan, v.actual
        FROM indicator_values v JOIN indicators i ON i.indicator_id = v.indicator_id {scope.join}
        WHERE {' AND '.join(where + scope.where)}
    """
        return self._read(ActualRow, sql, (*params, *scope.params))

    def evaluation_scores(self, stages: Sequence[str]) -> list[ScoreRow]:
        """The five scores of every evaluation of ``stages`` (primary, secondary)."""
        return self._read(lambda sid, stage, *scores: ScoreRow(sid, stage, scores),
                          f"SELECT sheet_id, stage, {_SCORE_COLUMNS} FROM evaluations WHERE stage IN ({_marks(stages)})",
                          stages)

    def evaluation_results(self) -> list[EvaluationResult]:
        """Every evaluation that gives a result (継続, 縮小 …)."""
        return self._read(EvaluationResult,
                          "SELECT sheet_id, stage, result FROM evaluations WHERE result IS NOT NULL")

    def past_results(self, results: Sequence[str], sheet_ids: Sequence[str] | None) -> list[PastResult]:
        """The 実計区分・評価結果 lines of past years that read one of ``results``, of ``sheet_ids``
        (all when None)."""
        where = f" AND sheet_id IN ({_marks(sheet_ids)})" if sheet_ids is not None else ""
        return self._read(PastResult, f"SELECT sheet_id, fy, result FROM past_results WHERE result IN "
                                      f"({_marks(results)}){where}", (*results, *(sheet_ids or ())))

    def section_rows(self, sheet_ids: Sequence[str] | None, keys: Sequence[str] | None) -> list[SectionText]:
        """The sections of ``sheet_ids`` (all when None) under ``keys`` (all when None)."""
        where: list[str] = []
        params: list[str] = []
        if sheet_ids is not None:
            where.append(f"sheet_id IN ({_marks(sheet_ids)})")
            params += sheet_ids
        if keys is not None:
            where.append(f"key IN ({_marks(keys)})")
            params += keys
        return self._read(SectionText, "SELECT sheet_id, key, text FROM sections" +
                          (" WHERE " + " AND ".join(where) if where else ""), params)
