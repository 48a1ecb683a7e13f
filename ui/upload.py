"""The 「シートを追加」 tab's handlers: uploads indexed through :meth:`ui.engine.Engine.add_files`,
one row per sheet in Japanese, and the 「置き換える」 action for conflicts."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any, Protocol, cast

import gradio as gr
import pandas as pd

from ingest.check import StoreDamaged
from ingest.index import BuildReport, StoreBusy
from ingest.store import StoreError
from ui import format as fmt
from ui.engine import Engine

log = logging.getLogger("sheetqa.app")


REPORT_COLUMNS = ["ファイル", "結果", "事業名", "理由"]
BUSY_TEXT = "ほかの登録処理が実行中です。しばらくしてからもう一度お試しください。"
CONFLICT_NOTE = ("「重複（未登録）」のシートは、ほかのファイルで登録済みのシートと重なるため登録していません（登録済みの"
                 "シートは元のままです）。新しい内容で置き換えるときは「置き換える」を押してください。")


def report_rows(report: BuildReport) -> tuple[list[list[str]], list[str]]:
    """The upload table (one row per sheet, reasons in Japanese, file names only) and, for a file
    that held several sheets, a line 「FILE: N シート」."""
    rows = [[fmt.file_name(r.path), fmt.STATUS_LABELS.get(r.status, r.status), r.project or "", fmt.reason_ja(r.reason)]
            for r in report.files]
    binders = [f"{fmt.file_name(path)}: {n} シート" for path, n in report.binders.items() if n > 1]
    return rows, binders


def report_note(report: BuildReport) -> str:
    """The line over the upload table: files, counts per status, seconds, binders, what to do next."""
    _, binders = report_rows(report)
    counts = report.count()
    summary = "、".join(f"{fmt.STATUS_LABELS.get(s, s)} {n}件" for s, n in counts.items() if n)
    n_files = len({fmt.file_name(r.path) for r in report.files})
    note = f"{n_files} ファイル: {summary}（{report.seconds:.1f} 秒）"
    if binders:
        note += "\n\n" + "\n\n".join(fmt.md_escape(b) for b in binders)
    if counts["failed"] or counts.get("refused"):
        note += "\n\n「失敗」「上限超過」のファイルは登録されず、登録済みのシートは元のままです。"
    if counts.get("conflict"):
        note += "\n\n" + CONFLICT_NOTE
    return note


# What the upload handlers return: the note, the report table, the file box, the held conflicts and the
# 「置き換える」 button — each a value, a component update or gr.skip().
AddUpdate = tuple[str, Any, Any, Any, Any]


class Replace(Protocol):
    def __call__(self, conflicts: list[tuple[str, str]] | None, progress: gr.Progress = ...) -> AddUpdate: ...


class Add(Protocol):
    """The 「登録する」 handler (:func:`make_add`); ``replace`` is the 「置き換える」 one."""

    replace: Replace

    def __call__(self, files: list[str] | None, conflicts: list[tuple[str, str]] | None,
                 progress: gr.Progress = ...) -> AddUpdate: ...


def make_add(engine: Engine) -> Add:
    """The 「登録する」 and 「置き換える」 handlers: (note, report table, the file box, held conflicts,
    the 「置き換える」 button)."""

    def outcome(note: str, report: BuildReport | None, held: list[tuple[str, Path]]) -> AddUpdate:
        table = pd.DataFrame(report_rows(report)[0] if report else [], columns=REPORT_COLUMNS)
        kept = [(name, str(path)) for name, path in held]
        return note, table, None, kept, gr.Button(visible=bool(kept))

    def run(uploads: list[tuple[str, Path]], progress: Any, replace: bool) -> AddUpdate:
        if not engine.usable:
            return outcome(engine.health.line_ja, None, [])
        held: list[tuple[str, Path]] = []
        try:
            report = engine.add_files(uploads, progress, replace=replace, held=held)
        except StoreBusy:
            return BUSY_TEXT, gr.skip(), gr.skip(), gr.skip(), gr.skip()
        except (StoreDamaged, StoreError, sqlite3.DatabaseError) as e:  # nothing of the batch stayed
            log.error("upload refused: %s", e)
            return outcome(engine.store_problem(), None, [])
        return outcome(report_note(report), report, held)

    def add(files: list[str] | None, conflicts: list[tuple[str, str]] | None,
            progress: gr.Progress = gr.Progress()) -> AddUpdate:  # noqa: B008 (Gradio's idiom)
        engine.release(conflicts)  # a new upload: the last one's 「置き換える」 is gone
        if not files:
            return outcome("ファイルを選んでから「登録する」を押してください。", None, [])
        return run([(Path(f).name, Path(f)) for f in files], progress, replace=False)

    def replace(conflicts: list[tuple[str, str]] | None,
                progress: gr.Progress = gr.Progress()) -> AddUpdate:  # noqa: B008
        """「置き換える」: the files whose sheets were a conflict, built again with ``replace``."""
        uploads = [(name, Path(path)) for name, path in conflicts or [] if Path(path).is_file()]
        if not uploads:
            return outcome("置き換えるファイルがありません。もう一度「登録する」からやり直してください。", None, [])
        try:
            return run(uploads, progress, replace=True)
        finally:
            engine.release(conflicts)

    handler = cast(Add, add)  # a function with an attribute: what the Protocol says
    handler.replace = replace
    return handler
