"""Facts: figures looked up in the store, each with its sheet, row, year and field.

Rates, differences, sums and rankings are computed here in code (rates to one decimal), never by
a model. Cross-project questions read every sheet's rows through the figures store's named reads
(the store is the only code that speaks SQL), names and years coming from the catalog.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from assistant.answer import Fact, Number
from assistant.measures import lower_is_better
from assistant.resolve import Catalog, ProjectKey, SheetRef, project_key
from ingest.model import Indicator, Sheet
from ingest.store import ActualRow, FigureStore
from ingest.vocabulary import COST_FIELDS, COST_UNITS, STAGE_LABELS

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


def evaluation_facts(sheet: Sheet, stages: list[str] | None = None) -> list[Fact]:
    """The sheet's results (of these stages, else every one) as facts."""
    out = []
    for e in sheet.evaluations:
        if e.result and (not stages or e.stage in stages):
            out.append(Fact(sheet_id=sheet.sheet_id, project=sheet.project.name, row=STAGE_LABELS[e.stage],
                            indicator=f"{STAGE_LABELS[e.stage]}の評価結果", fy=sheet.target_fy, field="result",
                            value=e.result))
    return out


@dataclass(frozen=True)
class Ranked:
    sheet_id: str
    project: str | None
    department: str | None
    section: str | None
    fy: int
    value: Number


def rank_costs(store: FigureStore, catalog: Catalog, field: str, fy: int | None, sheet_ids: list[str] | None,
               lowest: bool = False, limit: int = 10) -> list[Ranked]:
    """Projects ranked by one cost field in one year (each sheet's own evaluated year when fy is
    None), each by its latest sheet that reports that year."""
    rows = store.cost_values(field, fy, sheet_ids)  # a year printed twice: the settled figure first
    latest: dict[ProjectKey, tuple[int, SheetRef, int, Number]] = {}
    for sheet_id, year, value in rows:
        ref = catalog.sheet(sheet_id)
        if ref is None:
            continue
        key = project_key(ref)
        if key not in latest or (ref.target_fy or 0) > latest[key][0]:
            latest[key] = (ref.target_fy or 0, ref, year, value)
    best = sorted(latest.values(), key=lambda x: x[3], reverse=not lowest)[:limit]
    return [Ranked(ref.sheet_id, ref.project, ref.department, ref.section, year, value) for _, ref, year, value in best]


@dataclass(frozen=True)
class Reached:
    """An indicator's actual in a year, with its plan when the sheet gives one."""

    sheet_id: str
    project: str | None
    label: str
    name: str | None
    unit: str | None
    fy: int
    plan: Number | None
    actual: Number


@dataclass(frozen=True)
class Missed(Reached):
    """An indicator's actual in a year beside its plan (:func:`plan_rows`)."""

    plan: Number


def plan_rows(store: FigureStore, catalog: Catalog, kind: str | None, fy: int | None,
              sheet_ids: list[str] | None = None) -> list[Missed]:
    """Every indicator with both a plan and an actual, in each sheet's evaluated year unless a year
    is given, one sheet per project (:func:`_one_sheet_each`). 対象指標 rows have no plans and never count."""
    return [Missed(ref.sheet_id, ref.project, r.label, r.name, r.unit, r.fy, r.plan, r.actual)
            for ref, r in _one_sheet_each(catalog, store.plan_rows(kind, fy, sheet_ids), fy) if r.plan is not None]


def actual_rows(store: FigureStore, catalog: Catalog, kind: str | None, fy: int | None,
                sheet_ids: list[str] | None = None) -> list[Reached]:
    """Every indicator with an actual, read as :func:`plan_rows` reads them."""
    return [Reached(ref.sheet_id, ref.project, r.label, r.name, r.unit, r.fy, r.plan, r.actual)
            for ref, r in _one_sheet_each(catalog, store.actual_rows(kind, fy, sheet_ids), fy)]


def _one_sheet_each(catalog: Catalog, found: Iterable[ActualRow], fy: int | None) -> list[tuple[SheetRef, ActualRow]]:
    """``found``'s rows of one sheet per project, in project and row order: the project's latest
    evaluation, or for a given year the sheet evaluating it (else the earliest later one, whose
    figure for that year is settled)."""
    rows = [(ref, r) for r in found if (ref := catalog.sheet(r.sheet_id)) is not None]
    rows.sort(key=lambda x: (x[0].project or "", x[1].kind, x[1].no))
    chosen: dict[ProjectKey, SheetRef] = {}
    for ref, _ in rows:
        key = project_key(ref)
        if fy is None:
            chosen.setdefault(key, catalog.latest(ref))
        elif key not in chosen or abs((ref.target_fy or 0) - fy) < abs((chosen[key].target_fy or 0) - fy):
            chosen[key] = ref
    return [(ref, r) for ref, r in rows if chosen[project_key(ref)].sheet_id == ref.sheet_id]


def missed(m: Missed) -> bool:
    """The actual fell short of the plan (for an indicator to keep down: went over it)."""
    return m.actual != m.plan and (m.actual > m.plan) == lower_is_better(m.name)


def plan_misses(store: FigureStore, catalog: Catalog, kind: str | None, fy: int | None, under: bool = True,
                sheet_ids: list[str] | None = None) -> list[Missed]:
    """Indicators whose actual fell short of the plan, or with ``under=False`` simply exceeded it."""
    return [m for m in plan_rows(store, catalog, kind, fy, sheet_ids)
            if (missed(m) if under else m.actual > m.plan)]


def _of_years(catalog: Catalog, years: list[int], sheet_ids: list[str] | None) -> list[SheetRef]:
    """The catalog's sheets evaluating one of ``years`` (any when empty), among ``sheet_ids`` (any
    when None), by project name."""
    keep = None if sheet_ids is None else set(sheet_ids)
    refs = [ref for ref in catalog.sheets
            if (not years or ref.target_fy in years) and (keep is None or ref.sheet_id in keep)]
    return sorted(refs, key=lambda ref: ref.project or "")


def rated_as(catalog: Catalog, result: str, years: list[int], sheet_ids: list[str] | None = None) -> list[SheetRef]:
    """Sheets whose secondary evaluation gave ``result`` (縮小, 拡充 …), by project name."""
    return [ref for ref in _of_years(catalog, years, sheet_ids) if ref.secondary == result]


def results_differ(catalog: Catalog, years: list[int], sheet_ids: list[str] | None = None) -> list[SheetRef]:
    """Sheets whose primary and secondary evaluations gave different results, by project name."""
    return [ref for ref in _of_years(catalog, years, sheet_ids)
            if ref.primary and ref.secondary and ref.primary != ref.secondary]
