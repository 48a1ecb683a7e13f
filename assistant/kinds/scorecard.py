"""How one project's indicators did against their plans in a year: which met it, which fell
short and by how much (「この事業で計画未達の指標は？」 "Which of its indicators missed plan?").

Across projects the same words ask for a filter (:mod:`assistant.kinds.across`); here the
project is named, in focus or in scope, and no single indicator is."""

from __future__ import annotations

import re
from typing import Any

from assistant import compose
from assistant.answer import Fact
from assistant.kinds.base import Desk, Part, read_years
from assistant.kinds.figure import MAX_PROJECTS, FigureKind
from assistant.kinds.rows import Row, indicator_row
from assistant.measures import diff, lower_is_better, met, rate
from assistant.query import Project, Query

_WHICH = re.compile(r"どの指標|どれ|どの|何の指標|指標(は|を|で|の中|のうち)|which|what indicators|any indicators|"
                    r"indicators")
_ONE_PROJECT = ("named", "focus", "only", "scope")


def asks_scorecard(q: Query) -> bool:
    """A project (or a few) is meant and the question asks which of its indicators met or missed."""
    f = q.frame
    if not q.projects or len(q.projects) > MAX_PROJECTS or q.how not in _ONE_PROJECT or f.rank:
        return False
    if f.rows or f.money or f.revenue or f.kind_no is not None or f.threshold is not None or f.sections:
        return False
    if q.indicators and q.indicators[0][0] >= 0.62 or q.head_rows or q.scope_rows:
        return False  # an indicator is named: the figure kind answers it with its verdict
    return f.has("under_plan", "over_plan") or (f.has("verdict") and bool(_WHICH.search(f.norm)))


class ScorecardKind:
    name = "scorecard"

    def fit(self, q: Query) -> float:
        return 0.85 if asks_scorecard(q) else 0.0

    def answer(self, q: Query, desk: Desk) -> Part | None:
        part = Part(text="", intent="figure")
        lines: list[str] = []
        for p in q.projects[:MAX_PROJECTS]:
            lines += self.project_lines(q, desk, p, part)
        if not part.facts:
            return None
        part.text = "\n".join(lines)
        part.sheet_ids = list(dict.fromkeys(x.sheet_id for x in part.facts))
        return part

    def project_lines(self, q: Query, desk: Desk, p: Project, part: Part) -> list[str]:
        f, lang = q.frame, q.lang
        latest = desk.sheet(p.latest.sheet_id)
        if latest is None:
            return []
        years = read_years(q, p).years or ([p.latest.target_fy] if p.latest.target_fy else [])
        figure = FigureKind()
        inds = [i for i in latest.indicators if i.kind != "target" and (f.kind is None or i.kind == f.kind)]
        out: list[str] = []
        for fy in years:
            missed: list[_Item] = []
            made: list[_Item] = []
            pending: list[Row] = []
            for ind in inds:
                row = indicator_row(ind)
                cell = figure.cell(desk, p, row, fy)
                if cell is None or cell.plan is None:
                    continue
                if cell.actual is None:
                    pending.append(row)
                    continue
                ok = met(cell.actual, cell.plan, row.name)
                r, gap = rate(cell.actual, cell.plan), diff(cell.actual, cell.plan)
                base = dict(sheet_id=cell.sheet.sheet_id, project=p.name, indicator=row.name, row=row.key, fy=fy)
                part.facts += [Fact(**base, field="actual", value=cell.actual, unit=row.unit),
                               Fact(**base, field="plan", value=cell.plan, unit=row.unit)]
                if r is not None:
                    part.facts.append(Fact(**base, field="rate", value=r, unit="%", computed=True))
                if gap:
                    part.facts.append(Fact(**base, field="plan_gap", value=gap, unit=row.unit, computed=True))
                (made if ok else missed).append((row, cell.actual, cell.plan, r, gap))
            if not (missed or made or pending):
                continue
            for rows, what in ((missed, "計画未達の指標数"), (made, "計画達成の指標数")):
                part.facts.append(Fact(sheet_id=latest.sheet_id, project=p.name, fy=fy, field="count", value=len(rows),
                                       unit="件", computed=True, row=what))
            out += _lines(p.name, fy, missed, made, pending, f.has("over_plan") and not f.has("under_plan"), lang)
        return out


_Item = tuple[Any, Any, Any, Any, Any]  # row, actual, plan, rate, gap


def _item(row: Any, actual: Any, plan: Any, r: Any, gap: Any, lang: str) -> str:
    unit = "ポイント" if row.unit in ("%", "％") else row.unit
    keep_down = "（少ないほど良い指標）" if lower_is_better(row.name) and lang == "ja" else ""
    if lang == "ja":
        bits = [f"計画{compose.num(plan, row.unit)}"] + ([f"達成率{compose.num(r)}%"] if r is not None else []) \
            + ([f"差{compose.signed(gap, unit)}"] if gap else [])
        return f"・{row.key}「{row.name}」{keep_down}：実績{compose.num(actual, row.unit)}（{'、'.join(bits)}）"
    bits = [f"plan {compose.num(plan)} {row.unit}".rstrip()] + ([f"{compose.num(r)}% of plan"] if r is not None else []) \
        + ([f"difference {compose.signed(gap)} {row.unit}".rstrip()] if gap else [])
    return f"- {row.key} 「{row.name}」: actual {compose.num(actual)} {row.unit} ({', '.join(bits)})".replace("  ", " ")


def _lines(project: str, fy: int, missed: list[_Item], made: list[_Item], pending: list[Row], lead_met: bool,
           lang: str) -> list[str]:
    year = compose.year_ja(fy) if lang == "ja" else f"FY{fy}"
    out: list[str] = []
    groups = [(made, True), (missed, False)] if lead_met else [(missed, False), (made, True)]
    for rows, ok in groups:
        if lang == "ja":
            what = "計画を達成した" if ok else "計画に届かなかった"
            out.append(f"{project}の{year}の指標のうち、{what}のは{len(rows)}件です" + ("。" if rows else "（ありません）。"))
        else:
            what = "met their plan" if ok else "missed their plan"
            out.append(f"{project}, {year}: {len(rows)} indicator(s) {what}" + ("." if rows else " (none)."))
        out += [_item(*x, lang) for x in rows]
    if pending:
        names = "、".join(f"{r.key}「{r.name}」" for r in pending)
        out.append(f"{names}は{year}の実績がまだシートにありません。" if lang == "ja"
                   else f"No actual yet for {year}: {', '.join(r.name for r in pending)}.")
    return out
