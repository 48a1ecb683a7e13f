"""The chat tab's right column: the chart, the facts table and its CSV, the quoted sections, or
what the store holds — drawn for one answer, sent as plain values when the session shows the same
panels already."""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, Required, TypedDict

import gradio as gr
import pandas as pd

from assistant.answer import Answer
from ingest.store import StoreError
from ui import format as fmt
from ui import gradio_costs  # noqa: F401 (Gradio's per-class work done once; patches on import)
from ui import sheets as browse
from ui.charts import chart_png

if TYPE_CHECKING:
    from ui.engine import Engine

log = logging.getLogger("sheetqa.app")


Side = tuple[Any, Any, Any, Any, Any, Any]  # heading, chart, facts table, CSV button, quotes, store table
SIDE_IDLE = "質問すると、ここに回答の数値（グラフと表）や引用した欄が出ます。いま登録されているシート:"
SIDE_WAIT = "回答を待っています…"
# the store table's column widths by its number of columns: fit the column, no scrolling
STORE_WIDTHS: dict[int, list[str | int]] = {4: ["34%", "30%", "18%", "18%"], 3: ["42%", "35%", "23%"]}


class SideData(TypedDict, total=False):
    """What the right column shows for one answer: the arguments of :func:`panels`."""

    head: Required[str]
    chart: str | None
    table: pd.DataFrame | None
    csv: str | None
    quotes: str
    store: pd.DataFrame | None


def panels(head: str, chart: str | None = None, table: pd.DataFrame | None = None, csv: str | None = None,
          quotes: str = "", store: pd.DataFrame | None = None) -> Side:
    """Every panel of the right column at once: what one answer shows, and nothing left from the last."""
    return (
        head,  # a plain value: Gradio rebuilds a component for every update, not for a value
        gr.Image(value=chart, visible=chart is not None),
        gr.Dataframe(value=table if table is not None else pd.DataFrame(columns=fmt.FACT_COLUMNS),
                     visible=table is not None),
        gr.DownloadButton(value=csv, visible=csv is not None),
        gr.Markdown(value=quotes, visible=bool(quotes)),
        gr.Dataframe(value=store if store is not None else pd.DataFrame(columns=browse.HOLDING_COLUMNS),
                     visible=store is not None, column_widths=STORE_WIDTHS.get(
                         len(store.columns) if store is not None else 4)),
    )


def _shape(head: str, chart: str | None = None, table: pd.DataFrame | None = None, csv: str | None = None,
           quotes: str = "", store: pd.DataFrame | None = None) -> tuple[Any, ...]:
    """Which panels ``panels`` shows (and the store table's column widths)."""
    return (chart is not None, table is not None, csv is not None, bool(quotes),
            None if store is None else len(store.columns))


def side_values(engine: Engine, data: SideData, session: str | None) -> Side:
    """The right column for ``data`` (the arguments of ``panels``): as plain values when the session
    shows the same panels already, else as component updates. Gradio builds a whole component (and
    its config) for every update; a plain value is only converted. Under load that is most of an
    answer's CPU."""
    shape = _shape(**data)
    if not session or engine.shapes.get(session) != shape:
        if session:
            if len(engine.shapes) > 10_000:  # bounded: sessions whose page was not closed properly
                engine.shapes.clear()
            engine.shapes[session] = shape
        return panels(**data)
    table, store = data.get("table"), data.get("store")
    return (data["head"], data.get("chart"), table if table is not None else pd.DataFrame(columns=fmt.FACT_COLUMNS),
            data.get("csv"), data.get("quotes", ""),
            store if store is not None else pd.DataFrame(columns=browse.HOLDING_COLUMNS))


def store_data(engine: Engine, head: str) -> SideData:
    if not engine.usable:
        return {"head": f"**{fmt.SIDE_HEADINGS['store']}**\n\n{fmt.md_escape(engine.health.line_ja)}"}
    try:
        rows = engine.rows()
    except StoreError:
        rows = []
    if not rows:
        return {"head": f"**{fmt.SIDE_HEADINGS['store']}**\n\nまだありません。「シートを追加」タブから追加してください。"}
    return {"head": head, "store": browse.holdings_frame(rows)}


def store_side(engine: Engine, head: str) -> Side:
    return panels(**store_data(engine, head))


def _session_copy(path: Path, folder: Path) -> Path:
    """A chart drawn once (the shared private cache) as a file of this session's folder."""
    target = folder / path.name
    if not target.exists():
        tmp = folder / f".{uuid.uuid4().hex}.tmp"
        try:
            os.link(path, tmp)
        except OSError:  # another file system
            shutil.copyfile(path, tmp)
        os.replace(tmp, target)
    return target


def side_data(engine: Engine, answer: Answer | None, folder: Path | None = None) -> SideData:
    """What the right column shows for one answer (the arguments of ``panels``): figures → chart and
    table; a text answer → the sections it quotes; a choice → the candidates; a decline (or no
    answer) → what the store holds. The CSV and the chart are written to ``folder`` (the asking
    session's; without one a private folder no client can fetch from)."""
    if answer is None:
        return store_data(engine, f"**{fmt.SIDE_HEADINGS['store']}**")
    mode = fmt.side_mode(answer)
    head = f"**{fmt.SIDE_HEADINGS[mode]}**"
    if mode == "store":
        return store_data(engine, head + "（この質問には、シートの記載から答えられませんでした）")
    if mode == "choices":
        return {"head": head + "（回答の下のボタンで選べます）", "store": browse.choices_frame(answer.choices)}
    quotes = fmt.quoted_sections_markdown(answer, engine.sheet, engine.info) if answer.citations else ""
    if mode == "quotes":
        return {"head": head, "quotes": quotes}
    folder = folder or engine.files.folder(None)
    table = pd.DataFrame(fmt.fact_rows(answer, engine.info), columns=fmt.FACT_COLUMNS)
    path = fmt.write_facts_csv(answer, folder / f"facts-{uuid.uuid4().hex[:12]}.csv", engine.info)
    try:
        drawn = chart_png(answer, engine.sheet, engine.files_dir / "charts")
        chart = _session_copy(drawn, folder) if drawn else None
    except Exception:  # a chart is a bonus: never lose the answer for it
        log.exception("chart failed for %r", answer.question)
        chart = None
    return {"head": head, "chart": str(chart) if chart else None, "table": table, "csv": str(path),
            "quotes": ("**引用した欄**\n\n" + quotes) if quotes else ""}


def side_for(engine: Engine, answer: Answer | None, folder: Path | None = None) -> Side:
    """The right column for one answer (:func:`side_data`, drawn)."""
    return panels(**side_data(engine, answer, folder))
