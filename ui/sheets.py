"""The web UI's sheet browser (the 「シート一覧」 tab): the store's sheets as a table, one sheet's
parsed reading, and the tab's handlers.

Plain-text tables only (pandas frames shown by ``gr.Dataframe`` as text cells): a sheet's words
never reach the page as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, TypedDict, cast

import gradio as gr
import pandas as pd

from assistant.answer import Choice
from ingest.model import Sheet
from ingest.normalize import era_label
from ingest.normalize import format_number as fmt
from ingest.store import FigureStore, SheetSummary, StoreError
from ingest.vocabulary import COST_FIELDS, COST_UNITS, MILESTONE_LABELS, NO_RESULT, SCORE_ITEMS, STAGE_LABELS
from ui.format import file_name

if TYPE_CHECKING:
    from ui.engine import Engine

ALL = "（すべて）"
MILESTONES = {k: MILESTONE_LABELS[k].removesuffix("指標") for k in ("mid", "final")}  # 中間, 最終
SHEET_COLUMNS = ["事業名", "部局", "課", "評価対象年度", "評価結果", "読み取り", "ファイル"]
# Templates a reader was written for; any other sheet was read by a generic reader, which staff
# should know when they weigh its figures.
KNOWN_TEMPLATES = {"koriyama-r7": "郡山市 事務事業マネジメントシート（令和）",
                   "koriyama-h27": "郡山市 事務事業評価（平成27年度）", "canonical": "JSON（sheet/1）"}


@dataclass(frozen=True)
class SheetRow:
    summary: SheetSummary
    result: str  # the secondary evaluation's result, else the primary's, else ""

    def cells(self) -> list[object]:
        s = self.summary
        return [s.project or "（事業名不明）", s.department or "", s.section or "",
                "" if s.target_fy is None else f"{s.target_fy}年度", self.result, reading_status(s),
                file_name(s.source_path)]

    def label(self) -> str:
        """The sheet as a picker names it: 事業名（2024年度・課）."""
        s = self.summary
        fy = f"{s.target_fy}年度" if s.target_fy else "年度不明"
        org = s.section or s.department or ""
        return f"{s.project or '（事業名不明）'}（{fy}" + (f"・{org}" if org else "") + "）"


def reading_status(s: SheetSummary) -> str:
    """How the sheet was read, in plain words: checked, with N warnings, or by a generic reader."""
    status = f"注意 {s.n_warnings}件" if s.n_warnings else "検算一致"
    if s.template not in KNOWN_TEMPLATES:
        status = "汎用の読み取り・" + status
    return status


def pick_choices(rows: list[SheetRow]) -> list[tuple[str, str]]:
    """(label, sheet id) for a picker; two sheets of one name and year are told apart by file."""
    labels = [r.label() for r in rows]
    twice = {x for x in labels if labels.count(x) > 1}
    return [(r.label() + (f" {file_name(r.summary.source_path)}" if r.label() in twice else ""), r.summary.sheet_id)
            for r in rows]


def load_rows(store: FigureStore) -> list[SheetRow]:
    results: dict[str, dict[str, str]] = {}
    for r in store.evaluation_results():
        results.setdefault(r.sheet_id, {})[r.stage] = r.result
    rows = []
    for s in store.list_sheets():
        got = results.get(s.sheet_id, {})
        rows.append(SheetRow(s, got.get("secondary") or got.get("primary") or ""))
    return rows


def choices(rows: list[SheetRow]) -> dict[str, list[str]]:
    """The filters' options: 部局, 課, 年度, 評価結果."""
    def opts(values: list[object]) -> list[str]:
        return [ALL, *sorted({str(v) for v in values if v not in (None, "")})]

    return {
        "department": opts([r.summary.department for r in rows]),
        "section": opts([r.summary.section for r in rows]),
        "fy": opts([f"{r.summary.target_fy}年度" for r in rows if r.summary.target_fy]),
        "result": opts([r.result for r in rows]),
    }


def filter_rows(rows: list[SheetRow], department: str | None = None, section: str | None = None,
                fy: str | None = None, result: str | None = None, text: str | None = None,
                warnings_only: bool = False) -> list[SheetRow]:
    def keep(r: SheetRow) -> bool:
        s = r.summary
        if department not in (None, "", ALL) and s.department != department:
            return False
        if section not in (None, "", ALL) and s.section != section:
            return False
        if fy not in (None, "", ALL) and f"{s.target_fy}年度" != str(fy):
            return False
        if result not in (None, "", ALL) and r.result != result:
            return False
        if warnings_only and not s.n_warnings:
            return False
        if text and text.strip():
            hay = " ".join(str(x) for x in (s.project, s.department, s.section, s.sheet_id, s.source_path) if x)
            if not all(word in hay for word in text.split()):
                return False
        return True

    return [r for r in rows if keep(r)]


def sheets_frame(rows: list[SheetRow]) -> pd.DataFrame:
    return pd.DataFrame([r.cells() for r in rows], columns=SHEET_COLUMNS).astype(str)


# ----------------------------------------------------------------------------- one sheet


def _n(v: int | float | None) -> str:
    return "" if v is None else fmt(v)


FORMATS = {"text": "テキスト", "pdf": "PDF", "json": "JSON"}


def heading(sheet: Sheet, files: list[str] | None = None) -> list[tuple[str, str]]:
    """(label, value) pairs for the sheet's header lines; ``files`` the names it was read from."""
    p = sheet.project
    years = f"{sheet.target_fy}年度（{era_label(sheet.target_fy)}）実施分" if sheet.target_fy else "年度不明"
    src = sheet.source
    names = "、".join(files or ([file_name(src.path)] if src else []))
    how = KNOWN_TEMPLATES.get(sheet.template, "汎用の読み取り（この様式専用の読み取りではありません）")
    inferred = [s.label for s in sheet.sections if s.inferred]
    rows = [
        ("事業名", p.name or "（事業名不明）"),
        ("担当", " ".join(x for x in (sheet.municipality, p.department, p.section) if x)),
        ("評価対象", years + (f"・{sheet.evaluation_fy}年度評価" if sheet.evaluation_fy else "")),
        ("元ファイル", names + (f"（{FORMATS.get(src.format, src.format)}）" if src else "")),
        ("読み取り", how + (f"・注意 {len(sheet.warnings)}件" if sheet.warnings else "・検算はすべて一致")),
    ]
    if inferred:
        rows.append(("推定した欄", "・".join(inferred) + "（一次・二次のどちらのコメントかをシート上の位置から推定）"))
    rows.append(("詳細", f"シートID {sheet.sheet_id}・様式 {sheet.template}"))
    return rows


def heading_frame(sheet: Sheet, files: list[str] | None = None) -> pd.DataFrame:
    return pd.DataFrame(heading(sheet, files), columns=["項目", "内容"])


def indicators_frame(sheet: Sheet) -> pd.DataFrame:
    fys = sorted({v.fy for i in sheet.indicators for v in i.values})
    rows = []
    for ind in sheet.indicators:
        cells: list[str] = [ind.label, ind.name or "（名称不明）", ind.unit or ""]
        for fy in fys:
            v = ind.value(fy)
            cells.append("" if v is None else f"{_n(v.plan) or '―'} / {_n(v.actual) or '―'}")
        milestones = "、".join(
            MILESTONES.get(m.kind, "目標") + (f"（{m.fy}年度）" if m.fy else "") + " " + _n(m.value)
            for m in ind.milestones
        )
        rows.append([*cells, milestones])
    return pd.DataFrame(rows, columns=["指標", "名称", "単位", *[f"{fy}年度 計画/実績" for fy in fys], "目標値"])


def indicator_widths(frame: pd.DataFrame) -> list[str | int]:
    """Column widths of the indicators table: name columns wide enough to read, years even."""
    fixed: dict[str, str | int] = {"指標": "110px", "名称": "220px", "単位": "64px", "目標値": "170px"}
    return [fixed.get(c, "150px") for c in frame.columns]


def costs_frame(sheet: Sheet) -> pd.DataFrame:
    target = sheet.target_fy
    cols = [f"{c.fy}年度" + ("（計画）" if target is not None and c.fy > target else "") for c in sheet.costs]
    rows = []
    for f, label in COST_FIELDS.items():
        values = [getattr(c, f) for c in sheet.costs]
        if any(v is not None for v in values):
            rows.append([label, COST_UNITS[f], *(_n(v) for v in values)])
    return pd.DataFrame(rows, columns=["項目", "単位", *cols])


def evaluations_frame(sheet: Sheet) -> pd.DataFrame:
    rows = []
    for e in sheet.evaluations:
        scores = list(e.scores or []) + [None] * 5
        rows.append([STAGE_LABELS[e.stage], e.result or NO_RESULT, *("" if s is None else str(s) for s in scores[:5])])
    for r in sheet.past_results:
        rows.append([f"{r.fy}年度の評価結果", r.result or "", *([""] * 5)])
    return pd.DataFrame(rows, columns=["評価", "結果", *SCORE_ITEMS])


def sections_frame(sheet: Sheet) -> pd.DataFrame:
    return pd.DataFrame([[s.label + ("（位置から推定）" if s.inferred else ""), s.text] for s in sheet.sections],
                        columns=["項目", "本文"])


def warnings_frame(sheet: Sheet) -> pd.DataFrame:
    rows = [[n, w] for n, w in enumerate(sheet.warnings, 1)] or [["", "なし（検算はすべて一致）"]]
    return pd.DataFrame(rows, columns=["#", "注意（読み取りで確定できなかった点）"])


# ----------------------------------------------------------------------------- the chat's side column

HOLDING_COLUMNS = ["事業名", "課", "評価対象年度", "評価結果"]


class Table(TypedDict):
    """A table as Gradio's Dataframe takes it: the right column's tables, sent with every answer
    (a pandas frame costs more to build and to convert back than the answer behind it)."""

    headers: list[str]
    data: list[list[str]]


def holdings_table(rows: list[SheetRow]) -> Table:
    """What the store holds, for the chat's right column after a decline."""
    return {"headers": list(HOLDING_COLUMNS),
            "data": [[r.summary.project or "（事業名不明）", r.summary.section or r.summary.department or "",
                      f"{r.summary.target_fy}年度" if r.summary.target_fy else "", r.result] for r in rows]}


def choices_table(choices: list[Choice]) -> Table:
    """The candidate projects of an answer that asks which one was meant (no 評価結果 column)."""
    return {"headers": HOLDING_COLUMNS[:3],
            "data": [[c.project or "（事業名不明）", c.section or "", f"{c.target_fy}年度" if c.target_fy else ""]
                     for c in choices]}


# ----------------------------------------------------------------------------- the tab's handlers

Skip = dict[Any, Any]  # what gr.skip() returns: leave that output as it is


def skip() -> Skip:
    """``gr.skip()``, typed (Gradio's ``@document`` decorator leaves it untyped)."""
    return cast(Skip, gr.skip())


# the table, the ids of its rows, the four filters, the picker, the count, the chat's scope
SheetTable = tuple[pd.DataFrame, list[str], gr.Dropdown, gr.Dropdown, gr.Dropdown, gr.Dropdown, gr.Dropdown, str,
                   gr.Dropdown]
# the detail column, then the sheet's heading, indicators, costs, evaluations, sections, warnings
SheetDetail = tuple[gr.Column, pd.DataFrame, pd.DataFrame | gr.Dataframe, pd.DataFrame, pd.DataFrame, pd.DataFrame,
                    pd.DataFrame]


class SheetHandlers(NamedTuple):
    """The 「シート一覧」 tab's handlers (:func:`make_sheet_handlers`)."""

    table: Callable[[str, str, str, str, str, bool, list[str] | None], SheetTable]
    show: Callable[[str | None], SheetDetail]
    pick: Callable[[gr.SelectData, list[str]], str | Skip]
    ask_about: Callable[[str | None], tuple[gr.Dropdown | Skip, gr.Tabs | Skip]]
    add_to_scope: Callable[[str | None, list[str] | None], gr.Dropdown | Skip]


def make_sheet_handlers(engine: Engine) -> SheetHandlers:
    def table(department: str, section: str, fy: str, result: str, text: str, warnings_only: bool,
              scope: list[str] | None) -> SheetTable:
        try:
            rows = engine.rows()
        except StoreError:
            rows = []
        opts = choices(rows)
        shown = filter_rows(rows, department, section, fy, result, text, warnings_only)
        known = {r.summary.sheet_id for r in rows}

        def keep(v: str, key: str) -> str:
            return v if v in opts[key] else ALL

        return (
            sheets_frame(shown),
            [r.summary.sheet_id for r in shown],
            gr.Dropdown(choices=opts["department"], value=keep(department, "department")),
            gr.Dropdown(choices=opts["section"], value=keep(section, "section")),
            gr.Dropdown(choices=opts["fy"], value=keep(fy, "fy")),
            gr.Dropdown(choices=opts["result"], value=keep(result, "result")),
            gr.Dropdown(choices=pick_choices(shown)),
            f"{len(shown)} / {len(rows)} 件のシート",
            gr.Dropdown(choices=pick_choices(rows), value=[s for s in (scope or []) if s in known]),
        )

    def show(sheet_id: str | None) -> SheetDetail:
        sheet = engine.sheet(sheet_id) if sheet_id else None
        if sheet is None:
            empty = pd.DataFrame()
            return (gr.Column(visible=False), empty, empty, empty, empty, empty, empty)
        info = engine.info(sheet.sheet_id)
        ind = indicators_frame(sheet)
        return (
            gr.Column(visible=True),
            heading_frame(sheet, list(info.files) if info else None),
            gr.Dataframe(value=ind, column_widths=indicator_widths(ind)),
            costs_frame(sheet),
            evaluations_frame(sheet),
            sections_frame(sheet),
            warnings_frame(sheet),
        )

    def pick(evt: gr.SelectData, ids: list[str]) -> str | Skip:
        row = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        try:
            return ids[int(row)]
        except (IndexError, ValueError, TypeError):
            return skip()

    def ask_about(sheet_id: str | None) -> tuple[gr.Dropdown | Skip, gr.Tabs | Skip]:
        """「この事業について質問」: this sheet becomes the conversation's scope; on to the chat."""
        if not sheet_id:
            return skip(), skip()
        return gr.Dropdown(value=[sheet_id]), gr.Tabs(selected="chat")

    def add_to_scope(sheet_id: str | None, scope: list[str] | None) -> gr.Dropdown | Skip:
        if not sheet_id:
            return skip()
        return gr.Dropdown(value=list(dict.fromkeys([*(scope or []), sheet_id])))

    return SheetHandlers(table, show, pick, ask_about, add_to_scope)
