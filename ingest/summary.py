"""A readable summary of one parsed sheet for the terminal (``ingest parse`` without --json)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ingest.model import Sheet
from ingest.normalize import Number, era_label
from ingest.normalize import format_number as fmt
from ingest.vocabulary import COST_FIELDS, COST_TABLE_TITLE, NO_RESULT, STAGE_LABELS


def _n(v: Number | None) -> str:
    return "" if v is None else fmt(v)


def render(sheet: Sheet) -> RenderableType:
    p = sheet.project
    years = f"{sheet.target_fy}年度（{era_label(sheet.target_fy)}）実施分" if sheet.target_fy else "年度不明"
    src = sheet.source
    where = ""
    if src is not None and src.part is not None:
        pages = f"、{src.pages[0]}–{src.pages[-1]}ページ" if src.pages and len(src.pages) > 1 else \
            f"、{src.pages[0]}ページ" if src.pages else ""
        where = f"・{src.parts}シート中の{src.part}番目{pages}"
    head = Text.assemble(
        (p.name or "（事業名不明）", "bold"), "  ",
        " ".join(x for x in (sheet.municipality, p.department, p.section) if x), "\n",
        f"{years}・テンプレート {sheet.template}・ID {sheet.sheet_id}{where}",
    )
    parts: list[RenderableType] = [head]
    if sheet.status == "incomplete":
        parts.append(Text("このシートは途中で終わっています（incomplete）: 読み取れた部分だけです", style="bold yellow"))

    fys = sorted({v.fy for i in sheet.indicators for v in i.values})
    if fys:
        t = Table(title="指標（計画 / 実績）", title_justify="left", show_lines=False)
        t.add_column("指標", overflow="fold", min_width=28)
        t.add_column("単位")
        for fy in fys:
            t.add_column(f"{fy}", justify="right")
        for ind in sheet.indicators:
            cells = []
            for fy in fys:
                v = ind.value(fy)
                cells.append("" if v is None else f"{_n(v.plan) or '―'} / {_n(v.actual) or '―'}")
            t.add_row(f"{ind.label} {ind.name or '（名称不明）'}", ind.unit or "", *cells)
        parts.append(t)

    if sheet.costs:
        t = Table(title=COST_TABLE_TITLE, title_justify="left")
        t.add_column("項目")
        for c in sheet.costs:
            t.add_column(f"{c.fy}{c.basis or ''}", justify="right")
        for f, label in COST_FIELDS.items():
            row = [getattr(c, f) for c in sheet.costs]
            if any(v is not None for v in row):
                t.add_row(label, *(_n(v) for v in row))
        labels = list(dict.fromkeys(r.label for c in sheet.costs for r in c.rows))
        for label in labels:  # a generic sheet's own rows, as printed (their unit on each cell)
            cells = []
            for c in sheet.costs:
                r = c.row(label)
                cells.append("" if r is None or r.value is None else f"{_n(r.value)}{r.unit or ''}")
            t.add_row(label, *cells)
        parts.append(t)

    for e in sheet.evaluations:
        scores = "・".join("―" if s is None else str(s) for s in e.scores or [])
        parts.append(Text(f"{STAGE_LABELS[e.stage]}: {e.result or NO_RESULT}" + (f"  評点 {scores}" if scores else "")))
    if sheet.sections:
        parts.append(Text("文章: " + "、".join(f"{s.label}（{len(s.text)}字）" for s in sheet.sections)))
    if sheet.warnings:
        parts.append(Text(f"注意 {len(sheet.warnings)}件:", style="bold yellow"))
        parts.extend(Text(f"- {w}") for w in sheet.warnings)
    else:
        parts.append(Text("注意: なし（検算はすべて一致）"))
    return Group(*parts)
