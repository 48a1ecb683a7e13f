"""A store that checks itself (issue #14): are the figures database and the vectors whole and in step?

:func:`check_store` compares the SQLite rows with the Chroma vectors (chunks without a vector,
vectors of no sheet), runs SQLite's own ``integrity_check`` (``quick_check`` for the quick look),
and says what it found in one line with the next step. It never writes and never creates a
store; it needs no embedding model. Callers:

* ``python -m ingest check`` — the deep look: every sheet's vectors counted;
* ``ingest build`` at its start — the quick look (vector count against the rows' chunk count,
  per sheet only when short); a damaged store stops the build with :class:`StoreDamaged`
  unless it was started with ``--repair``;
* ``assistant ask/chat`` before answering, and the app at start-up: ``health.usable`` says
  whether answers can be trusted, ``health.line`` / ``health.line_ja`` what to tell the user.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypedDict

from ingest.settings import Settings
from ingest.store import FigureStore, StoreError, integrity

State = Literal["ok", "notice", "empty", "damaged", "unreachable"]

REPAIR = "python -m ingest build --repair"


class StoreDamaged(StoreError):
    """The store cannot be used as it is; the message says what is wrong and what to run."""


@dataclass(frozen=True)
class StoreHealth:
    """What :func:`check_store` found. ``state``: ``ok``; ``notice`` (usable: vectors of no sheet,
    files an interrupted build left); ``empty`` (no store yet); ``damaged`` (chunks without
    vectors, a damaged figures database or vector store); ``unreachable`` (the Chroma server)."""

    state: State
    problem: str | None  # no_store | figures_damaged | figures_newer | vectors_missing | vectors_unreadable
    #                      | vectors_unreachable | orphans | pending (None: all well)
    message: str  # one line: what was found
    next_step: str | None  # the command that puts it right
    message_ja: str  # the same for staff, in Japanese
    sheets: int = 0
    chunks: int = 0  # what the rows say the vectors should hold
    vectors: int = 0  # what the vector store holds
    integrity: str = "ok"  # SQLite's integrity_check (or quick_check) verdict
    missing: dict[str, int] = field(default_factory=dict)  # sheet id → chunks without a vector
    extra: dict[str, int] = field(default_factory=dict)  # sheet id → vectors beyond its chunks
    orphans: dict[str, int] = field(default_factory=dict)  # sheet id of no sheet → its vectors
    pending: tuple[str, ...] = ()  # files an interrupted build left half-indexed
    deep: bool = False  # every sheet's vectors were counted
    vector_folder_missing: bool = False

    @property
    def usable(self) -> bool:
        """Answers from this store can be trusted (it may still have notices)."""
        return self.state in ("ok", "notice")

    @property
    def damaged(self) -> bool:
        return self.state in ("damaged", "unreachable")

    @property
    def line(self) -> str:
        """One line: what was found, then the next step."""
        return self.message + (f"; {self.next_step}" if self.next_step else "")

    @property
    def line_ja(self) -> str:
        return self.message_ja


class _Counts(TypedDict):
    """The counts a vector check gives every :class:`StoreHealth` it returns."""

    sheets: int
    chunks: int
    vectors: int
    missing: dict[str, int]
    extra: dict[str, int]
    orphans: dict[str, int]
    pending: tuple[str, ...]
    deep: bool
    vector_folder_missing: bool


def _first_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return (text[0] if text else type(e).__name__)[:200]


def check_store(settings: Settings | None = None, deep: bool = False) -> StoreHealth:
    """Check the store of ``settings`` (read-only). ``deep``: SQLite's full ``integrity_check``
    and every sheet's vectors counted; otherwise ``quick_check`` and the vector total against
    the rows' chunk total, counted per sheet only when vectors are short."""
    settings = settings or Settings()
    db_path = settings.sqlite_path
    if not db_path.exists():
        return StoreHealth("empty", "no_store", f"no store at {settings.home} yet",
                           "index sheets: python -m ingest build PATH...", "シートがまだ登録されていません。")
    try:  # SQLite's own verdict first, on a bare connection: the clearest words for a damaged file
        verdict = integrity(db_path, deep)
    except sqlite3.DatabaseError as e:
        return _figures_damaged(settings, _first_line(e))
    if verdict != ["ok"]:
        return _figures_damaged(settings, verdict[0] if verdict else "no verdict", integrity=verdict[0])
    try:
        figures = FigureStore(db_path, read_only=True)
    except StoreError as e:
        if "newer" in str(e):
            return StoreHealth("damaged", "figures_newer", str(e), "upgrade sheetqa",
                               "このストアは新しい版の sheetqa で作られています。sheetqa を更新してください。",
                               integrity="unknown")
        return _figures_damaged(settings, _first_line(e))
    except sqlite3.DatabaseError as e:
        return _figures_damaged(settings, _first_line(e))
    try:
        expected = figures.chunk_counts()
        pending_recs = figures.files("pending")
        pending = tuple(dict.fromkeys(f.path for f in pending_recs))
        in_flight = {f.sheet_id for f in pending_recs} | set(figures.retired())
    except sqlite3.DatabaseError as e:
        return _figures_damaged(settings, _first_line(e))
    finally:
        figures.close()
    sheets, chunks = len(expected), sum(expected.values())
    counted = _count_vectors(settings, deep)
    if not isinstance(counted, StoreHealth) and counted[1] is None and counted[0] < chunks:
        counted = _count_vectors(settings, True)  # vectors are short: find which sheets
    if isinstance(counted, StoreHealth):
        return counted
    total, per_sheet, folder_missing = counted
    missing: dict[str, int] = {}
    extra: dict[str, int] = {}
    orphans: dict[str, int] = {}
    if per_sheet is not None:
        for sid, n in expected.items():
            have = per_sheet.get(sid, 0)
            if have < n:
                missing[sid] = n - have
            elif have > n:
                extra[sid] = have - n
        orphans = {sid: n for sid, n in per_sheet.items() if sid not in expected and sid not in in_flight}
    base = _Counts(sheets=sheets, chunks=chunks, vectors=total, missing=missing, extra=extra, orphans=orphans,
                   pending=pending, deep=per_sheet is not None, vector_folder_missing=folder_missing)
    if missing:
        n = sum(missing.values())
        where = f" (the vector folder {settings.chroma_path} is missing)" if folder_missing else ""
        return StoreHealth(
            "damaged", "vectors_missing",
            f"{n:,} of {chunks:,} chunks ({len(missing):,} of {sheets:,} sheets) have no vector{where}",
            f"re-embed them: {REPAIR}",
            f"検索用のデータ（ベクトル）が {len(missing):,} 件のシートで欠けています。管理者が {REPAIR} で修復してください。",
            **base)
    notes, notes_ja = [], []
    problem = None
    if pending:
        problem = "pending"
        notes.append(f"{len(pending)} files were left half-indexed by an interrupted build (the next build "
                     "finishes them)")
        notes_ja.append(f"中断された登録処理のファイルが {len(pending)} 件あります（次の登録で完了します）。")
    stray = sum(orphans.values()) + sum(extra.values())
    if per_sheet is None and not pending and total > chunks:
        stray = total - chunks
    if stray:
        problem = problem or "orphans"
        notes.append(f"{stray:,} vectors belong to no sheet (left by an interrupted build or an edit); "
                     f"drop them: {REPAIR}")
        notes_ja.append(f"どのシートにも属さないベクトルが {stray:,} 件あります（回答には影響しません）。")
    if notes:
        return StoreHealth("notice", problem, "; ".join(notes), None, "".join(notes_ja), **base)
    how = "every chunk has its vector" if per_sheet is not None else "the vector count matches"
    return StoreHealth("ok", None, f"{sheets:,} sheets, {chunks:,} chunks: {how}", None,
                       f"{sheets:,} 件のシートを確認しました（問題なし）。", **base)


def _figures_damaged(settings: Settings, detail: str, integrity: str = "damaged") -> StoreHealth:
    return StoreHealth(
        "damaged", "figures_damaged", f"the figures database {settings.sqlite_path} is damaged ({detail})",
        f"set it aside and rebuild it from your sheets: {REPAIR} PATH...",
        f"数値データベースが壊れています（{detail}）。管理者が {REPAIR} でシートから作り直してください。",
        integrity=integrity)


def _count_vectors(settings: Settings, per_sheet: bool) -> tuple[int, dict[str, int] | None, bool] | StoreHealth:
    """(vectors in all, vectors per sheet id when asked, the vector folder is missing), or the
    health of a vector store that cannot be read. Creates nothing."""
    if not settings.chroma.host and not (settings.chroma_path / "chroma.sqlite3").exists():
        return 0, ({} if per_sheet else None), True
    try:
        from chromadb.errors import NotFoundError

        from ingest.vectors import make_client

        client = make_client(settings)
        try:
            collection = client.get_collection(settings.chroma.collection)
        except (NotFoundError, ValueError):  # the collection is gone: no vectors at all
            return 0, ({} if per_sheet else None), False
        total = collection.count()
        if not per_sheet:
            return total, None, False
        counts: Counter[str] = Counter()
        page = max(1, min(5000, client.get_max_batch_size()))
        offset = 0
        while True:
            got = collection.get(include=["metadatas"], limit=page, offset=offset)
            counts.update(str(m.get("sheet_id")) for m in got["metadatas"] or [] if m)
            if len(got["ids"]) < page:
                return total, dict(counts), False
            offset += page
    except Exception as e:  # a damaged chroma.sqlite3, an unreachable server, …
        detail = _first_line(e)
        if settings.chroma.host:
            where = settings.chroma_location
            return StoreHealth(
                "unreachable", "vectors_unreachable", f"cannot read the vectors at {where} ({detail})",
                "start the Chroma server (chroma run), or unset CHROMA_HOST",
                f"ベクトルのサーバー（{where}）に接続できません。管理者に連絡してください。", integrity="ok")
        return StoreHealth(
            "damaged", "vectors_unreadable", f"the vector store {settings.chroma_path} cannot be read ({detail})",
            f"set it aside and re-embed every chunk: {REPAIR}",
            f"検索用のデータ（ベクトル）が読めません。管理者が {REPAIR} で修復してください。", integrity="ok")


def explain(settings: Settings, error: BaseException) -> str:
    """One line for an error a command met while reading the store (a damaged database …)."""
    if isinstance(error, StoreError):
        return str(error)
    if isinstance(error, sqlite3.DatabaseError):
        return f"the figures database {settings.sqlite_path} cannot be read ({_first_line(error)}); " \
               "see: python -m ingest check"
    return f"the store {settings.home} cannot be read ({type(error).__name__}: {_first_line(error)}); " \
           "see: python -m ingest check"


def set_aside(path: Path, stamp: str) -> Path | None:
    """Move a damaged file or folder (and a database's -wal/-shm) out of the way, to
    ``NAME.damaged-STAMP``; returns where it went (None: nothing was there)."""
    if not path.exists():
        return None
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    path.rename(target)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(target.with_name(target.name + suffix))
    return target
