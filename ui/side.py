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

from assistant.answer import Answer
from ingest.store import StoreError
from ui import format as fmt
from ui import gradio_costs  # noqa: F401 (Gradio's per-class work done once; patches on import)
from ui import sheets as browse
from ui.charts import chart_png
from ui.sheets import Table

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
    table: Table | None
    csv: str | None
    quotes: str
    store: Table | None


def _table(value: Table | None, headers: list[str]) -> Table:
    return value if value is not None else {"headers": headers, "data": []}


def panels(head: str, chart: str | None = None, table: Table | None = None, csv: str | None = None,
          quotes: str = "", store: Table | None = None) -> Side:
    """Every panel of the right column at once: what one answer shows, and nothing left from the last.
    Updates, not components: Gradio builds the session's component from an update itself (a
    component built here would be built, and its value converted, twice)."""
    return (
        head,  # a plain value: Gradio rebuilds a component for every update, not for a value
        gr.update(value=chart, visible=chart is not None),
        gr.update(value=_table(table, fmt.FACT_COLUMNS), visible=table is not None),
        gr.update(value=csv, visible=csv is not None),
        gr.update(value=quotes, visible=bool(quotes)),
        gr.update(value=_table(store, browse.HOLDING_COLUMNS), visible=store is not None,
                  column_widths=STORE_WIDTHS.get(len(store["headers"]) if store is not None else 4)),
    )


def _shape(head: str, chart: str | None = None, table: Table | None = None, csv: str | None = None,
           quotes: str = "", store: Table | None = None) -> tuple[Any, ...]:
    """Which panels ``panels`` shows (and the store table's column widths)."""
    return (chart is not None, table is not None, csv is not None, bool(quotes),
            None if store is None else len(store["headers"]))


def side_values(engine: Engine, data: SideData, session: str | None) -> Side:
    """The right column for ``data`` (the arguments of ``panels``), each panel as little as the
    session needs: a plain value where the panel stays shown (or hidden) as it is, an update only
    where it appears, disappears or changes its columns. Gradio builds a whole component (and its
    config) for every update; a plain value is only converted. Under load that was most of an
    answer's CPU."""
    shape = _shape(**data)
    before = engine.shapes.get(session) if session else None
    _remember(engine, session, shape)
    updates = panels(**data)
    if before is None:
        return updates
    plain = (data.get("chart"), _table(data.get("table"), fmt.FACT_COLUMNS), data.get("csv"), data.get("quotes", ""),
             _table(data.get("store"), browse.HOLDING_COLUMNS))
    head, *rest = updates
    chart, table, csv, quotes, store = (value if was == now else update
                                        for value, update, was, now in zip(plain, rest, before, shape, strict=True))
    return head, chart, table, csv, quotes, store


def waiting(engine: Engine, session: str | None) -> Side:
    """Every panel hidden under 「回答を待っています…」 while a lone user's answer is computed (the
    session's panels are then known: the answer's own come as updates of only what it shows)."""
    data: SideData = {"head": SIDE_WAIT}
    _remember(engine, session, _shape(**data))
    return panels(**data)


def _remember(engine: Engine, session: str | None, shape: tuple[Any, ...]) -> None:
    """Which panels ``session`` shows now (nothing without a session)."""
    if session:
        if len(engine.shapes) > 10_000:  # bounded: sessions whose page was not closed properly
            engine.shapes.clear()
        engine.shapes[session] = shape


def store_data(engine: Engine, head: str) -> SideData:
    if not engine.usable:
        return {"head": f"**{fmt.SIDE_HEADINGS['store']}**\n\n{fmt.md_escape(engine.health.line_ja)}"}
    try:
        rows = engine.rows()
    except StoreError:
        rows = []
    if not rows:
        return {"head": f"**{fmt.SIDE_HEADINGS['store']}**\n\nまだありません。「シートを追加」タブから追加してください。"}
    return {"head": head, "store": browse.holdings_table(rows)}


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
        return {"head": head + "（回答の下のボタンで選べます）", "store": browse.choices_table(answer.choices)}
    quotes = fmt.quoted_sections_markdown(answer, engine.sheet, engine.info) if answer.citations else ""
    if mode == "quotes":
        return {"head": head, "quotes": quotes}
    folder = folder or engine.files.folder(None)
    table: Table = {"headers": fmt.FACT_COLUMNS, "data": fmt.fact_rows(answer, engine.info)}
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
