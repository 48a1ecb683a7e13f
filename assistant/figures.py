"""Facts: figures looked up in the store, each with its sheet, row, year and field.

Rates, differences, sums and rankings are computed here in code (rates to one decimal), never by
a model. Cross-project questions run as SQL over every sheet in the figures store.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from assistant.answer import Fact, Number
from ingest.model import COST_FIELDS, STAGE_LABELS, Indicator, Sheet
from ingest.normalize import nfkc
from ingest.store import FigureStore

COST_UNITS = {f: ("円" if f.startswith("unit_cost") else "千円") for f in COST_FIELDS}
# A question's field word → the cost columns it means.
COST_ALIASES = {"unit_cost": "unit_cost_total"}


def rate(actual: Number | None, plan: Number | None) -> float | None:
    """Achievement rate in %, rounded half-up to one decimal: 685 / 669 → 102.4."""
    if actual is None or plan in (None, 0):
        return None
    r = Decimal(str(actual)) * 100 / Decimal(str(plan))
    return float(r.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def diff(a: Number | None, b: Number | None) -> Number | None:
    """a − b, exact for decimals."""
    if a is None or b is None:
        return None
    d = Decimal(str(a)) - Decimal(str(b))
    return int(d) if d == d.to_integral_value() else float(d)


def indicator_facts(sheet: Sheet, ind: Indicator, years: list[int], fields: list[str]) -> list[Fact]:
    """Plan / actual / rate / change of one indicator for the given years."""
    out: list[Fact] = []
    base = dict(sheet_id=sheet.sheet_id, project=sheet.project.name, indicator=ind.name, row=ind.label, unit=ind.unit)
    for fy in years:
        v = ind.value(fy)
        if v is None:
            continue
        if "plan" in fields and v.plan is not None:
            out.append(Fact(**base, fy=fy, field="plan", value=v.plan))
        if "actual" in fields and v.actual is not None:
            out.append(Fact(**base, fy=fy, field="actual", value=v.actual))
        if "rate" in fields and (r := rate(v.actual, v.plan)) is not None:
            out.append(Fact(**{**base, "unit": "%"}, fy=fy, field="rate", value=r, computed=True))
        if "change" in fields:
            prev = ind.value(fy - 1)
            if prev is not None and (d := diff(v.actual, prev.actual)) is not None:
                out.append(Fact(**base, fy=fy, field="change", value=d, computed=True))
    return out


def cost_facts(sheet: Sheet, years: list[int], fields: list[str], change: bool = False) -> list[Fact]:
    """Cost rows for the given years; with ``change``, the difference from the year before."""
    out: list[Fact] = []
    for fy in years:
        c = sheet.cost(fy)
        if c is None:
            continue
        for f in fields:
            v = getattr(c, f)
            if v is None:
                continue
            base = dict(sheet_id=sheet.sheet_id, project=sheet.project.name, indicator=COST_FIELDS[f],
                        row=COST_FIELDS[f], unit=COST_UNITS[f])
            prev = sheet.cost(fy - 1)
            before = getattr(prev, f) if prev is not None else None
            if change and before is not None and fy - 1 not in years:
                out.append(Fact(**base, fy=fy - 1, field=f, value=before))  # the figure it changed from
            out.append(Fact(**base, fy=fy, field=f, value=v))
            if change and (d := diff(v, before)) is not None:
                out.append(Fact(**base, fy=fy, field=f"{f}_change", value=d, computed=True))
    return out


def evaluation_facts(sheet: Sheet) -> list[Fact]:
    out = []
    for e in sheet.evaluations:
        if e.result:
            out.append(Fact(sheet_id=sheet.sheet_id, project=sheet.project.name, row=STAGE_LABELS[e.stage],
                            indicator=f"{STAGE_LABELS[e.stage]}の評価結果", fy=sheet.target_fy, field="result",
                            value=e.result))
    return out


def _year_and_sheets(fy_column: str, fy: int | None, sheet_ids: list[str] | None,
                     where: list[str], params: list[object]) -> None:
    """SQL conditions shared by the cross-project queries: one year (each sheet's own evaluated
    year when None) and, optionally, only some sheets."""
    if fy is None:
        where.append(f"{fy_column} = s.target_fy")
    else:
        where.append(f"{fy_column} = ?")
        params.append(fy)
    if sheet_ids is not None:
        where.append(f"s.sheet_id IN ({','.join('?' * len(sheet_ids))})")
        params += sheet_ids


@dataclass(frozen=True)
class Ranked:
    sheet_id: str
    project: str | None
    department: str | None
    section: str | None
    fy: int
    value: Number


def rank_costs(store: FigureStore, field: str, fy: int | None, sheet_ids: list[str] | None,
               lowest: bool = False, limit: int = 10) -> list[Ranked]:
    """Projects ranked by one cost field in one year (each sheet's own evaluated year when fy is None)."""
    if field not in COST_FIELDS:
        raise ValueError(f"not a cost field: {field}")
    where = [f"c.{field} IS NOT NULL"]
    params: list[object] = []
    _year_and_sheets("c.fy", fy, sheet_ids, where, params)
    # One row per project: the latest sheet that reports that year.
    sql = f"""
        SELECT s.sheet_id, s.project, s.department, s.section, c.fy, c.{field} AS value, s.target_fy
        FROM costs c JOIN sheets s ON s.sheet_id = c.sheet_id
        WHERE {' AND '.join(where)}
        ORDER BY s.target_fy DESC
    """
    seen: dict[str, Ranked] = {}
    for row in store.query(sql, tuple(params)):
        key = row["project"] or row["sheet_id"]
        if key not in seen:
            seen[key] = Ranked(row["sheet_id"], row["project"], row["department"], row["section"], row["fy"],
                               row["value"])
    ranked = sorted(seen.values(), key=lambda r: r.value, reverse=not lowest)
    return ranked[:limit]


@dataclass(frozen=True)
class Missed:
    sheet_id: str
    project: str | None
    label: str
    name: str | None
    unit: str | None
    fy: int
    plan: Number
    actual: Number


# Indicators that count something to be kept down (the plan is a ceiling) …
_KEEP_DOWN = ("事故", "待機児童", "死亡", "発生件数", "排出量", "被害", "不法投棄", "滞納", "未納", "苦情",
              "待ち時間", "待機時間", "離職", "超過勤務", "残業", "犯罪", "出火", "虐待", "不登校")
# … unless what is counted is the remedy (温室効果ガス排出量削減率, 浸水被害の解消戸数).
_REDUCTION = ("削減", "減少率", "低減", "抑制率", "解消", "防止", "対策")


@lru_cache(maxsize=1 << 14)  # a filter answer checks thousands of rows sharing a few hundred names
def lower_is_better(name: str | None) -> bool:
    """Whether an indicator meets its plan by staying under it (事故件数, ごみ排出量, 待機児童数)."""
    n = nfkc(name or "")
    return any(k in n for k in _KEEP_DOWN) and not any(k in n for k in _REDUCTION)


def plan_misses(store: FigureStore, kind: str | None, fy: int | None, under: bool = True,
                sheet_ids: list[str] | None = None) -> list[Missed]:
    """Indicators whose actual fell short of the plan (for one to be kept down: went over it), or
    with ``under=False`` simply exceeded it, in each sheet's evaluated year unless a year is given.
    対象指標 rows have no plans and never count."""
    where = ["v.plan IS NOT NULL", "v.actual IS NOT NULL", "i.kind != 'target'", "v.actual != v.plan"]
    params: list[object] = []
    if kind:
        where.append("i.kind = ?")
        params.append(kind)
    _year_and_sheets("v.fy", fy, sheet_ids, where, params)
    sql = f"""
        SELECT s.sheet_id, s.project, s.target_fy, i.label, i.name, i.unit, v.fy, v.plan, v.actual
        FROM indicator_values v
        JOIN indicators i ON i.indicator_id = v.indicator_id
        JOIN sheets s ON s.sheet_id = v.sheet_id
        WHERE {' AND '.join(where)}
        ORDER BY s.project, i.kind, i.no
    """
    rows = [r for r in store.query(sql, tuple(params))
            if ((r["actual"] > r["plan"]) == lower_is_better(r["name"]) if under else r["actual"] > r["plan"])]
    # One sheet per project: its latest evaluation, or for a given year the sheet evaluating it
    # (else the earliest later one, whose figure for that year is settled).
    latest = latest_sheets(store) if fy is None else None
    chosen: dict[str, tuple[str, int]] = {}  # project → (sheet, its evaluated year)
    for r in rows:
        key = r["project"] or r["sheet_id"]
        if latest is not None:
            chosen[key] = (latest.get(key, r["sheet_id"]), 0)
        elif key not in chosen or abs(r["target_fy"] - fy) < abs(chosen[key][1] - fy):
            chosen[key] = (r["sheet_id"], r["target_fy"])
    return [Missed(r["sheet_id"], r["project"], r["label"], r["name"], r["unit"], r["fy"], r["plan"], r["actual"])
            for r in rows if chosen[r["project"] or r["sheet_id"]][0] == r["sheet_id"]]


def latest_sheets(store: FigureStore) -> dict[str, str]:
    """Project name → the sheet of its latest evaluated year."""
    out: dict[str, tuple[int, str]] = {}
    for r in store.query("SELECT sheet_id, project, target_fy FROM sheets"):
        key = r["project"] or r["sheet_id"]
        if key not in out or (r["target_fy"] or 0) > out[key][0]:
            out[key] = (r["target_fy"] or 0, r["sheet_id"])
    return {k: sid for k, (_, sid) in out.items()}
