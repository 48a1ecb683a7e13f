"""koriyama-r7: 郡山市 事務事業マネジメントシート (令和 era), as a PDF extractor gives it.

The extracted text keeps words but loses the grid (formats.md): value rows come as
``UNIT v1 v2 …`` with blank cells dropped, indicator names stand far from their rows, prose
blocks stand near (not always next to) their labels. Each placement below uses what the sheet
itself says: the column header, arithmetic between rows, the unit, the prose, the layout.
Whatever had to be guessed is said in ``warnings``; nothing is invented.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field

from ingest.errors import SheetError
from ingest.model import (
    RESULT_WORDS,
    SECTION_LABELS,
    Cost,
    Evaluation,
    Indicator,
    IndicatorValue,
    Milestone,
    PastResult,
    Project,
    Section,
    Sheet,
)
from ingest.normalize import Number, era_to_western, find_fiscal_years, nfkc
from ingest.normalize import format_number as fmt
from ingest.templates.layout import (
    Line,
    ValueRow,
    compact,
    embeddings,
    groups,
    has_prose,
    leading_int,
    split_lines,
    value_row,
)

NAME = "koriyama-r7"
MUNICIPALITY = "郡山市"

_HEADER_RE = re.compile(r"(令和|平成|R|H)(\d{1,2}|元)年度事務事業マネジメントシート")
_TARGET_RE = re.compile(r"(令和|平成|R|H)(\d{1,2}|元)年度実施事業に係る事務事業評価")
_DEPT_RE = re.compile(
    r"^(\S{1,20}?(?:部|局|委員会|事務局|本部|会|所|庁))\s+(\S{1,24}?(?:課|室|所|センター|館|園|係|署|事務所))$"
)

# The nine 千円 rows in sheet order: 歳出 (事業費, 人件費, 歳出計) then 歳入 (…, 歳入計).
_SPEND = ("project_cost", "personnel_cost", "total_cost")
_REVENUE = ("national_prefectural", "municipal_bonds", "user_charges", "other_revenue", "general_revenue")
_COST_ROWS = (*_SPEND, *_REVENUE, "revenue_total")
_ROW_LABELS = {
    "project_cost": "事業費",
    "personnel_cost": "人件費",
    "total_cost": "総事業費",
    "national_prefectural": "国・県支出金",
    "municipal_bonds": "市債",
    "user_charges": "受益者負担金",
    "other_revenue": "その他",
    "general_revenue": "一般財源等",
    "revenue_total": "歳入計",
    "unit_cost_total": "単位コスト（総コスト）",
    "unit_cost_general": "単位コスト（一般財源）",
}

# Indicator rows print in this order; their names appear in the text in another (formats.md).
_ROW_ORDER = (("target", 1), ("activity", 1), ("activity", 2), ("activity", 3),
              ("outcome", 1), ("outcome", 2), ("outcome", 3))
_NAME_ORDER = (("outcome", 1), ("activity", 3), ("activity", 2), ("activity", 1),
               ("target", 1), ("outcome", 3), ("outcome", 2))

# Printed template text: never an indicator name, a project name or prose.
_LABELS = {
    compact(s) for s in """
    事務事業マネジメントシート 所属コード 施策 計画 実績 中間指標 最終指標 実計区分 評価結果
    事業手法評価 事業継続性評価 会議レス 気候変動対応 ＤＸ デジタル市役所 部局間協奏 中事業番号 大綱（取組）
    受益者負担金（使用料、負担金等） 国・県支出金 事業開始時周辺環境（背景） 現状周辺環境 今後周辺環境（予測）
    住民意向分析 次期実施計画 手段 意図（目的） 政策体系 活動指標 活動達成度 （活動達成度） 目的達成度 （目的達成度）
    成果指標 対象指標 規模・方法の妥当性 公平性 効率性 活動指標分析結果 成果指標分析結果 代替事業（有） 代替事業（無）
    ニーズ（大） ニーズ（小） ニーズ（中） 指標名 指標名指標名 一次評価コメント 二次評価コメント 歳入計 単位 一般財源等 事業費
    歳出計（総事業費） 単位コスト（総コストから算出） 単位コスト（所要一般財源から算出） 市債 その他 人件費
    総事業費（事業費・人件費）分析結果 性 当性 市民意向 広域事業 総合戦略 セーフ SDGs 段階
    """.split()
}
_LABEL_PATTERNS = [re.compile(p) for p in (
    r"^[0-9]+\s+\S",  # numbered headings and radar labels: '4 活動指標', '１ 規模・方法の妥当'
    r"^[（(][0-9]+[)）]", r"^○", r"^・", r"^【", r"^[0-9.\-]+$", r"^[A-Za-z0-9 .\-]+$",
    r"まちづくり基本指針", r"^(成果|活動)指標[①②③1-3]?$", r"[0-9]年度$", r"年度[（(]", r"マネジメントシート",
    r"^(令和|平成|R|H)\s*([0-9]+|元)\s*年", r"行動計画$", r"^[一二三四五]次評価", r"基盤的取組", r"^大綱",
    r"当たり.*(コスト|経費|費用|単価)", r"^\d+\s*/\s*\d+$", r"^-\s*\d+\s*-$", r"[（(]続き[)）]$",
)]


@dataclass
class _Grid:
    """The table's columns: 計画/実績 pairs, then lone 計画 years, then the two milestone columns."""

    first: int
    pairs: int = 5
    lone: int = 2
    mid_fy: int | None = None
    final_fy: int | None = None

    @property
    def years(self) -> range:
        return range(self.first, self.first + self.pairs + self.lone)


@dataclass
class _Reading:
    warnings: list[str] = field(default_factory=list)

    def warn(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)


def detect(text: str) -> float:
    t = compact(text[:400_000])
    score = 0.0
    if "事務事業マネジメントシート" in t:
        score += 0.6
    if "指標等推移" in t or "事業進捗等" in t:
        score += 0.2
    if "歳出計" in t and "一般財源等" in t:
        score += 0.1
    if "一次評価" in t and "二次評価" in t:
        score += 0.1
    return score if score >= 0.6 else 0.0


def parse(text: str) -> Sheet:
    lines = _heal_labels(split_lines(text))
    r = _Reading()
    evaluation_fy, target_fy = _years(lines)
    grid = _grid(lines, target_fy)
    rows = [row for line in lines if (row := value_row(line, bare_units=("千円", "円")))]
    ind_rows, unit_rows, cost_rows = _split_rows(rows, r)
    if not ind_rows and not any(row.values for row in cost_rows):
        raise SheetError("", "truncated sheet: no indicator or cost figures found")
    costs = _costs(cost_rows, unit_rows, grid, target_fy, r)
    horizon = max((c.fy for c in costs if c.total_cost), default=target_fy)
    prose = _prose_figures(lines)
    notes = _notes(lines)
    kinds = _row_kinds(ind_rows, lines, grid, target_fy, r)
    names = _names(lines, kinds, ind_rows, r)
    indicators = [
        _indicator(kind, row, names.get(kind), grid, target_fy, horizon, prose, notes, r)
        for kind, row in zip(kinds, ind_rows, strict=True)
    ]
    return Sheet(
        sheet_id="",
        template=NAME,
        municipality=MUNICIPALITY,
        evaluation_fy=evaluation_fy,
        target_fy=target_fy,
        project=_project(lines),
        indicators=indicators,
        costs=costs,
        evaluations=_evaluations(lines),
        past_results=_past_results(lines, grid, target_fy),
        sections=_sections(lines, r),
        warnings=r.warnings,
    )


def _heal_labels(lines: list[Line]) -> list[Line]:
    """Join a printed label the extractor broke across two lines (指標名指標 / 名 → 指標名指標名)."""
    known = _LABELS | set(_LABELLED)
    out: list[Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if (
            prev is not None and prev.key and line.key
            and prev.key + line.key in known
            and not (prev.key in known and line.key in known)
        ):
            out[-1] = Line(prev.no, prev.raw.rstrip() + line.raw.strip(), prev.norm + line.norm)
            continue
        out.append(line)
    return out


# ── header and columns ────────────────────────────────────────────────────────────────────


def _era_year(m: re.Match[str]) -> int:
    return era_to_western(m.group(1), 1 if m.group(2) == "元" else int(m.group(2)))


def _years(lines: list[Line]) -> tuple[int | None, int]:
    evaluation_fy = target_fy = None
    for line in lines:
        if evaluation_fy is None and (m := _HEADER_RE.search(line.key)):
            evaluation_fy = _era_year(m)
        if target_fy is None and (m := _TARGET_RE.search(line.key)):
            target_fy = _era_year(m)
    if target_fy is None and evaluation_fy is None:
        raise SheetError("", "truncated sheet: no evaluation year in the header (令和N年度 事務事業マネジメントシート)")
    if target_fy is None:
        target_fy = evaluation_fy - 1  # a 令和N年度 sheet evaluates the year before
    if evaluation_fy is None:
        evaluation_fy = target_fy + 1
    return evaluation_fy, target_fy


def _grid(lines: list[Line], target_fy: int) -> _Grid:
    grid = _Grid(first=target_fy - 2)
    for line in lines:
        tokens = line.norm.split(" ")
        if tokens[:2] != ["計画", "実績"]:
            continue
        pairs = lone = 0
        i = 0
        while i < len(tokens) and tokens[i] in ("計画", "実績"):
            if tokens[i] == "計画" and i + 1 < len(tokens) and tokens[i + 1] == "実績":
                pairs, i = pairs + 1, i + 2
            else:
                lone, i = lone + (tokens[i] == "計画"), i + 1
        milestone_years = [m.fy for m in find_fiscal_years(" ".join(tokens[i:]))]
        grid = _Grid(target_fy - 2, pairs or 5, lone, *(milestone_years + [None, None])[:2])
        break
    # The first column's year: the earliest 'YYYY年度（令和N年度）' column label near the target year.
    labelled = [
        m.fy for line in lines if "年度（" in line.raw or "年度(" in line.norm
        for m in find_fiscal_years(line.norm) if target_fy - 4 <= m.fy <= target_fy
    ]
    if labelled:
        grid.first = min(labelled)
    return grid


# ── value rows ────────────────────────────────────────────────────────────────────────────


def _split_rows(rows: list[ValueRow], r: _Reading) -> tuple[list[ValueRow], list[ValueRow], list[ValueRow]]:
    """Split the table's rows: indicators, then two 円 unit-cost rows, then nine 千円 cost rows."""
    end = len(rows)
    while end and rows[end - 1].unit != "千円":
        end -= 1
    start = end
    while start and rows[start - 1].unit == "千円" and end - start < len(_COST_ROWS):
        start -= 1
    cost_rows = rows[start:end]
    if cost_rows and len(cost_rows) < len(_COST_ROWS):
        r.warn(f"費用の表が{len(cost_rows)}行しかありません（本来{len(_COST_ROWS)}行）。行の対応は推定です")
    unit_start = start
    while unit_start and rows[unit_start - 1].unit == "円" and start - unit_start < 2:
        unit_start -= 1
    unit_rows = rows[unit_start:start]
    ind_rows = [row for row in rows[:unit_start] if row.values]
    if len(ind_rows) > len(_ROW_ORDER):
        r.warn(f"指標の行が{len(ind_rows)}行あります（最大7行）。最後の7行を指標として読みました")
        ind_rows = ind_rows[-len(_ROW_ORDER):]
    return ind_rows, unit_rows, cost_rows


def _solve_sums(
    rows: list[tuple[Number, ...]], target: list[Number], limit: int = 2
) -> list[list[tuple[int, ...]]]:
    """Placements of each row's values into the year columns so that, year by year, the rows add
    up to ``target`` (blank = 0). Returns up to ``limit`` distinct solutions, left-most first."""
    m = len(target)
    order = sorted(range(len(rows)), key=lambda i: math.comb(m, len(rows[i])))
    nonneg = all(v >= 0 for row in rows for v in row) and all(v >= 0 for v in target)
    found: list[list[tuple[int, ...]]] = []
    seen: set[tuple[tuple[Number, ...], ...]] = set()
    chosen: dict[int, tuple[int, ...]] = {}
    acc = [0] * m

    def grid_of() -> tuple[tuple[Number, ...], ...]:
        out = []
        for i in range(len(rows)):
            cells = [0] * m
            for slot, v in zip(chosen[i], rows[i], strict=True):
                cells[slot] = v
            out.append(tuple(cells))
        return tuple(out)

    def walk(depth: int) -> bool:
        if depth == len(order):
            if acc == list(target):
                g = grid_of()
                if g not in seen:
                    seen.add(g)
                    found.append([chosen[i] for i in range(len(rows))])
            return len(found) >= limit
        i = order[depth]
        for place in embeddings(len(rows[i]), m):
            for slot, v in zip(place, rows[i], strict=True):
                acc[slot] += v
            ok = not nonneg or all(acc[s] <= target[s] for s in place)
            chosen[i] = place
            if ok and walk(depth + 1):
                return True
            for slot, v in zip(place, rows[i], strict=True):
                acc[slot] -= v
        return False

    walk(0)
    return found


def _place(values: tuple[Number, ...], place: tuple[int, ...], m: int) -> list[Number | None]:
    cells: list[Number | None] = [None] * m
    for slot, v in zip(place, values, strict=True):
        cells[slot] = v
    return cells


def _left(values: tuple[Number, ...], m: int) -> list[Number | None]:
    return _place(values, tuple(range(len(values))), m)


def _costs(
    cost_rows: list[ValueRow], unit_rows: list[ValueRow], grid: _Grid, target_fy: int, r: _Reading
) -> list[Cost]:
    years = list(grid.years)
    m = len(years)
    raw = {name: row.values for name, row in zip(_COST_ROWS, cost_rows)}
    for name in _COST_ROWS:
        raw.setdefault(name, ())
    for name, vals in raw.items():
        if len(vals) > m:
            r.warn(f"{_ROW_LABELS[name]}: 値が{len(vals)}個あり、{m}年度分の列に収まりません。先頭から{m}個を読みました")
            raw[name] = vals[:m]
    grid_rows: dict[str, list[Number | None]] = {}

    # 歳出計 anchors the table: a full row, or left-aligned (later years not yet budgeted).
    total = raw["total_cost"] or raw["revenue_total"]
    total_cells = _left(total, m)
    grid_rows["total_cost"] = _left(raw["total_cost"], m) if raw["total_cost"] else [None] * m
    spend = [raw["project_cost"], raw["personnel_cost"]]
    _fit(("project_cost", "personnel_cost"), spend, total_cells, grid_rows, r, years)

    revenue_total = raw["revenue_total"] or total
    rt_cells = _left(revenue_total, m)
    grid_rows["revenue_total"] = _left(raw["revenue_total"], m) if raw["revenue_total"] else [None] * m
    revenue_given = [name for name in _REVENUE if raw[name]]
    _fit(tuple(revenue_given), [raw[n] for n in revenue_given], rt_cells, grid_rows, r, years)
    for name in _COST_ROWS:
        grid_rows.setdefault(name, [None] * m)

    # A trailing 0 in a year nothing is budgeted for yet is a placeholder, not a zero budget.
    for j, fy in enumerate(years):
        if fy > target_fy and not grid_rows["project_cost"][j] and not grid_rows["personnel_cost"][j]:
            for name in _COST_ROWS:
                if grid_rows[name][j] == 0:
                    grid_rows[name][j] = None

    # Unit costs: one figure per year that has a total cost.
    costed = [j for j in range(m) if grid_rows["total_cost"][j]]
    for name, row in zip(("unit_cost_total", "unit_cost_general"), unit_rows):
        vals = row.values
        if len(vals) == len(costed):
            grid_rows[name] = _place(vals, tuple(costed), m)
        else:
            grid_rows[name] = _left(vals, m)
            if vals:
                r.warn(
                    f"{_ROW_LABELS[name]}: 値が{len(vals)}個で、総事業費のある{len(costed)}年度と合わないため"
                    f"{years[0]}年度から順に置きました"
                )

    costs = []
    for j, fy in enumerate(years):
        cost = Cost(fy=fy, **{n: grid_rows.get(n, [None] * m)[j] for n in (*_SPEND, *_REVENUE,
                                                                          "unit_cost_total", "unit_cost_general")})
        if not cost.is_empty():
            costs.append(cost)
    return costs


def _fit(
    names: tuple[str, ...],
    rows: list[tuple[Number, ...]],
    target: list[Number | None],
    out: dict[str, list[Number | None]],
    r: _Reading,
    years: list[int],
) -> None:
    """Place rows whose year-by-year sum is ``target`` (e.g. 事業費 + 人件費 = 歳出計)."""
    m = len(years)
    if not names:
        return
    full = all(len(row) == m for row in rows)
    solutions = [] if full else _solve_sums(list(rows), [v or 0 for v in target])
    if full or not solutions:
        for name, row in zip(names, rows, strict=True):
            out[name] = _left(row, m)
        if not full:
            partial = "・".join(_ROW_LABELS[n] for n, row in zip(names, rows, strict=True) if len(row) < m)
            r.warn(f"{partial}: 空欄の年度を計算で決められず、{years[0]}年度から順に置きました")
        return
    best = solutions[0]
    for name, row, place in zip(names, rows, best, strict=True):
        out[name] = _place(row, place, m)
    if len(solutions) > 1:
        unsure = [n for k, n in enumerate(names) if solutions[0][k] != solutions[1][k]]
        r.warn(f"{'・'.join(_ROW_LABELS[n] for n in unsure)}: 空欄の年度が計算だけでは一つに決まらず、早い年度に寄せて置きました")


# ── indicators ────────────────────────────────────────────────────────────────────────────


_PROSE_NUM_RE = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s*(件|人|回|施設|か所|箇所|%|千円|円|km|m|団体|世帯|校|台|本|冊|日|時間|者)")


def _prose_figures(lines: list[Line]) -> set[tuple[Number, str]]:
    """Figures written in the prose with a unit (「453件から685件に増加」): clues for placement."""
    out: set[tuple[Number, str]] = set()
    for line in lines:
        if not has_prose(line.norm):
            continue
        for m in _PROSE_NUM_RE.finditer(line.norm):
            whole = int(m.group(1).replace(",", ""))
            value: Number = float(f"{whole}.{m.group(2)}") if m.group(2) else whole
            out.add((value, m.group(3)))
    return out


@dataclass(frozen=True)
class _Slot:
    fy: int | None
    field: str  # plan | actual | mid | final
    blank_cost: float
    fill_cost: float = 0.0


_STARTS_RE = re.compile(r"「([^「」]{2,60})」(?:は|を)?(?:(\d{4})年度|(令和|平成)(\d+|元)年度)から(?:新たに)?(?:設定|新設|開始|導入|追加|測定)")
_NO_PLAN_RE = re.compile(
    r"「([^「」]{2,60})」の(?:(\d{4})年度|(令和|平成)(\d+|元)年度)の計画値は[^。]*?(?:設定する予定|未定|未設定|設定していない|定めていない)"
)


@dataclass(frozen=True)
class _Note:
    """What the prose says about a row's blanks: 「…」は2023年度から設定した指標 / …の計画値は設定する予定."""

    name: str
    starts: int | None = None
    no_plan: int | None = None


def _notes(lines: list[Line]) -> list[_Note]:
    text = "".join(nfkc(line.raw.strip()) for line in lines)
    out = []
    for rx, field_ in ((_STARTS_RE, "starts"), (_NO_PLAN_RE, "no_plan")):
        for m in rx.finditer(text):
            fy = int(m.group(2)) if m.group(2) else era_to_western(m.group(3), 1 if m.group(4) == "元" else int(m.group(4)))
            out.append(_Note(name=m.group(1), **{field_: fy}))
    return out


def _notes_for(name: str | None, notes: list[_Note]) -> tuple[int | None, set[int]]:
    if not name:
        return None, set()
    key = nfkc(name)
    mine = [n for n in notes if difflib.SequenceMatcher(None, key, n.name).ratio() >= 0.85]
    starts = max((n.starts for n in mine if n.starts), default=None)
    return starts, {n.no_plan for n in mine if n.no_plan}


def _slots(kind: str, grid: _Grid, target_fy: int, horizon: int,
           starts: int | None = None, no_plan: frozenset[int] = frozenset()) -> list[_Slot]:
    """The row's columns with how surprising a blank (or a figure) would be in each.

    What the prose says overrides the priors: before the year an indicator was set up, and
    for a plan the prose says is not set yet, a blank is expected and a figure is not.
    """
    slots = _prior_slots(kind, grid, target_fy, horizon)
    told = [
        _Slot(s.fy, s.field, 0.0, 3.0)
        if s.fy is not None and ((starts and s.fy < starts) or (s.field == "plan" and s.fy in no_plan))
        else s
        for s in slots
    ]
    return told


def _prior_slots(kind: str, grid: _Grid, target_fy: int, horizon: int) -> list[_Slot]:
    if kind == "target":
        # 対象指標 rows give one figure a year, up to the evaluated year (the seed's 人 row).
        return [_Slot(fy, "actual", 2.0 if fy > grid.first else 1.2) for fy in range(grid.first, target_fy + 1)]
    slots: list[_Slot] = []
    for k, fy in enumerate(grid.years):
        if fy <= target_fy:
            early = fy == grid.first
            slots.append(_Slot(fy, "plan", 1.2 if early else 2.0))
            slots.append(_Slot(fy, "actual", 1.2 if early else (3.0 if fy == target_fy else 2.5)))
        elif fy <= horizon:
            slots.append(_Slot(fy, "plan", 1.0 if fy == horizon else 1.6))
        else:
            slots.append(_Slot(fy, "plan", 0.0, fill_cost=3.0))
        del k
    slots.append(_Slot(grid.mid_fy, "mid", 0.3))
    slots.append(_Slot(grid.final_fy, "final", 0.3))
    return slots


def _score(values: tuple[Number, ...], place: tuple[int, ...], slots: list[_Slot],
           unit: str, prose: set[tuple[Number, str]]) -> float:
    filled = dict(zip(place, values, strict=True))
    # Blank plan-and-actual pairs before the first filled year: the indicator started later.
    first_year = min((slots[j].fy for j in filled if slots[j].fy is not None and slots[j].field != "mid"
                      and slots[j].field != "final"), default=None)
    cost = 0.0
    for j, slot in enumerate(slots):
        if j in filled:
            cost += slot.fill_cost
        elif first_year is not None and slot.fy is not None and slot.fy < first_year and slot.field in ("plan", "actual"):
            cost += min(slot.blank_cost, 0.75)
        else:
            cost += slot.blank_cost
    # A blank between filled future plans is less likely than one at the end.
    plan_idx = [j for j, s in enumerate(slots) if s.field == "plan" and s.fy is not None]
    last_plan = max((j for j in plan_idx if j in filled), default=-1)
    cost += sum(0.8 for j in plan_idx if j not in filled and j < last_plan and slots[j].blank_cost >= 1.0)
    by_year: dict[int, dict[str, Number]] = {}
    for j, v in filled.items():
        s = slots[j]
        if s.fy is not None and s.field in ("plan", "actual"):
            by_year.setdefault(s.fy, {})[s.field] = v
        if (v, unit) in prose:
            cost -= 0.8 if s.field == "actual" else 0.3
    for cells in by_year.values():
        p, a = cells.get("plan"), cells.get("actual")
        if p and a and p > 0 and a > 0:
            cost += min(2.0, 0.4 * abs(math.log(a / p)))
    return cost


def _indicator(kind: tuple[str, int], row: ValueRow, name: str | None, grid: _Grid, target_fy: int,
               horizon: int, prose: set[tuple[Number, str]], notes: list[_Note], r: _Reading) -> Indicator:
    ind = Indicator(kind=kind[0], no=kind[1], name=name, unit=row.unit)  # type: ignore[arg-type]
    label = ind.label
    starts, no_plan = _notes_for(name, notes)
    slots = _slots(kind[0], grid, target_fy, horizon, starts, frozenset(no_plan))
    values = row.values
    if len(values) > len(slots):
        r.warn(f"{label}: 値が{len(values)}個あり、列（{len(slots)}）より多いため末尾の{len(values) - len(slots)}個を読み捨てました")
        values = values[: len(slots)]
    ranked = sorted(
        ((_score(values, place, slots, row.unit, prose), place) for place in embeddings(len(values), len(slots))),
        key=lambda sp: sp[0],
    )
    best_cost, best = ranked[0]
    filled = dict(zip(best, values, strict=True))
    cells: dict[int, IndicatorValue] = {}
    milestones: list[Milestone] = []
    for j, v in filled.items():
        s = slots[j]
        if s.field in ("mid", "final"):
            milestones.append(Milestone(kind=s.field, fy=s.fy, value=v))  # type: ignore[arg-type]
            continue
        cell = cells.setdefault(s.fy, IndicatorValue(fy=s.fy))  # type: ignore[arg-type]
        setattr(cell, s.field, v)
    # Say where blanks were put, unless the only blanks are the expected ones.
    surprising = [slots[j] for j in range(len(slots)) if j not in filled and slots[j].blank_cost >= 1.0]
    if surprising:
        where = "、".join(f"{s.fy}年度{'計画' if s.field == 'plan' else '実績'}" for s in surprising)
        close = len(ranked) > 1 and ranked[1][0] - best_cost < 1.0
        r.warn(
            f"{label}: 値が{len(values)}個で空欄があり、{where}を空欄と判断しました"
            f"（列の並び・計画と実績の大きさ・本文の数値から推定{'。他の配置も考えられます' if close else ''}）"
        )
    trailing = [m for m in milestones]
    if len(trailing) == 1 and kind[0] != "target":
        only = trailing[0]
        milestones = [Milestone(kind="unknown", fy=None, value=only.value)]
        r.warn(f"{label}: 末尾の値 {fmt(only.value)} は中間指標・最終指標のどちらか判別できません")
    ind.values = sorted(cells.values(), key=lambda c: c.fy)
    ind.milestones = milestones
    return ind


def _row_kinds(rows: list[ValueRow], lines: list[Line], grid: _Grid, target_fy: int,
               r: _Reading) -> list[tuple[str, int]]:
    """Which of the seven rows (対象, 活動①②③, 成果①②③) the printed rows are.

    Unfilled rows print nothing, so with fewer than seven the kinds must be inferred: a 対象指標
    row gives at most one figure per past year; rows are filled ① before ②; names standing at a
    row's place in the layout, and names the analysis prose quotes, tell which rows exist.
    """
    k = len(rows)
    if k == len(_ROW_ORDER):
        return list(_ROW_ORDER)
    past = target_fy - grid.first + 1
    cands = _placed_candidates(lines)
    quoted = _quoted_names(lines)
    options = []
    for t in (0, 1):
        for a in range(4):
            o = k - t - a
            if not 0 <= o <= 3:
                continue
            kinds = [("target", 1)] * t + [("activity", i) for i in range(1, a + 1)] + \
                    [("outcome", i) for i in range(1, o + 1)]
            cost = 0.0
            if rows:
                first_is_target_shaped = len(rows[0].values) <= past
                cost += 0.0 if first_is_target_shaped == bool(t) else 3.0
            _, name_cost = _match_names(kinds, rows, cands, quoted)
            cost += name_cost
            # A sheet usually has at least one activity and one outcome indicator.
            cost += 0.7 * (a == 0) + 0.7 * (o == 0)
            options.append((cost, kinds))
    options.sort(key=lambda ck: ck[0])
    best_cost, best = options[0]
    close = [kinds for cost, kinds in options[1:] if cost - best_cost < 1.0]
    labels = "・".join(Indicator(kind=kd[0], no=kd[1]).label for kd in best)  # type: ignore[arg-type]
    if close:
        alt = {Indicator(kind=kd[0], no=kd[1]).label for kinds in close for kd in kinds}  # type: ignore[arg-type]
        alt -= set(labels.split("・"))
        r.warn(f"指標が{k}行のみのため、{labels}として読みました（{'・'.join(sorted(alt))}の可能性もあります）")
    return best


def _placed_candidates(lines: list[Line]) -> list[tuple[tuple[str, int] | None, Line]]:
    """Name candidates, each with the row its place in the layout points to (None: by order only).

    The seed's layout puts 成果指標① right after the 対象指標 label, 活動指標② right after
    指標名指標名 and 活動指標③ right before it; the rest follow in _NAME_ORDER.
    """
    cands = _name_candidates(lines)
    filled = [line for line in lines if line.key]
    pos = {line.no: i for i, line in enumerate(filled)}
    out: list[tuple[tuple[str, int] | None, Line]] = []
    for cand in cands:
        i = pos[cand.no]
        prev = filled[i - 1].key if i else ""
        nxt = filled[i + 1].key if i + 1 < len(filled) else ""
        slot = None
        if prev == "対象指標":
            slot = ("outcome", 1)
        elif prev == "指標名指標名":
            slot = ("activity", 2)
        elif nxt == "指標名指標名":
            slot = ("activity", 3)
        out.append((slot, cand))
    return out


_QUOTE_RE = re.compile(r"「([^「」]{3,40})」")


def _quoted_names(lines: list[Line]) -> dict[str, str]:
    """Names the analysis prose quotes, with the kind of analysis that quotes them."""
    out: dict[str, str] = {}
    for block in _blocks(lines):
        kind = {"活動指標分析結果": "activity", "成果指標分析結果": "outcome"}.get(block.after)
        if kind:
            for m in _QUOTE_RE.finditer(nfkc(block.text)):
                out.setdefault(m.group(1), kind)
    return out


def _match_names(kinds: list[tuple[str, int]], rows: list[ValueRow],
                 cands: list[tuple[tuple[str, int] | None, Line]],
                 quoted: dict[str, str]) -> tuple[dict[tuple[str, int], str], float]:
    """Names for the rows of one reading of the kinds, and how badly that reading fits the text."""
    unit_of = {kd: row.unit for kd, row in zip(kinds, rows, strict=True)}
    names: dict[tuple[str, int], str] = {}
    cost = 0.0
    loose: list[Line] = []
    for slot, cand in cands:
        if slot is not None and slot in kinds and slot not in names:
            names[slot] = cand.raw.strip()
        else:
            cost += 2.0 if slot is not None else 0.0  # a name stands where this reading has no row
            loose.append(cand)
    free = [kd for kd in _NAME_ORDER if kd in kinds and kd not in names]
    for kd, cand in zip(free, loose):
        names[kd] = cand.raw.strip()
    cost += 0.5 * abs(len(free) - len(loose))
    for kd, name in names.items():
        cost -= _unit_fit(nfkc(name), unit_of[kd])
        said = _quoted_kind(nfkc(name), quoted)
        if said and said != kd[0]:
            cost += 1.5
    return names, cost


def _quoted_kind(name: str, quoted: dict[str, str]) -> str | None:
    best, kind = 0.0, None
    for q, k in quoted.items():
        ratio = difflib.SequenceMatcher(None, name, q).ratio()
        if ratio > best:
            best, kind = ratio, k
    return kind if best >= 0.75 else None


_UNIT_HINTS = (
    (("率", "割合", "満足度", "達成度"), ("%",)),
    (("施設数", "箇所数", "か所数"), ("施設", "箇所", "か所", "所")),
    (("回数", "開催数"), ("回",)),
    (("人数", "者数", "人口", "市民", "職員数", "児童数", "生徒数"), ("人",)),
    (("件数", "手続き数", "手続数", "申請数"), ("件",)),
    (("額", "費用", "経費"), ("千円", "円")),
    (("延長", "距離"), ("km", "m")),
)


def _unit_fit(name: str, unit: str) -> float:
    """+1 when the name's final noun implies the row's unit (…件数 ↔ 件), −1 when it implies another.

    Only the end of the name counts: 「収納率に関する説明会の開催回数」 is counted in 回, not %.
    """
    tail = name.rstrip("）)]」 ")[-6:]
    best: tuple[int, tuple[str, ...]] | None = None
    for words, units in _UNIT_HINTS:
        for w in words:
            at = tail.rfind(w)
            if at >= 0 and (best is None or at + len(w) > best[0]):
                best = (at + len(w), units)
    if best is None or best[0] < len(tail) - 1:
        return 0.0
    return 1.0 if unit in best[1] else -1.0


def _is_label(line: Line) -> bool:
    key = line.key
    return (
        key in _LABELS
        or key in RESULT_WORDS
        or any(p.search(line.norm) for p in _LABEL_PATTERNS)
        or bool(_DEPT_RE.match(line.norm))
    )


def _name_candidates(lines: list[Line]) -> list[Line]:
    """Short non-label lines after the block of row labels: where the names stand (in text order)."""
    start = 0
    for line in lines:
        if line.key == "対象指標":
            start = line.no + 1
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.key] = counts.get(line.key, 0) + 1
    project = _project_line(lines)
    blocks = _prose_line_numbers(lines)
    out = []
    for line in lines[start:]:
        if not line.key or line.no in blocks or has_prose(line.norm) or _is_label(line):
            continue
        if counts[line.key] > 1 or (project and line.no == project.no) or value_row(line, ("千円", "円")):
            continue
        if len(line.key) > 40:
            continue
        out.append(line)
    return out


def _names(lines: list[Line], kinds: list[tuple[str, int]], rows: list[ValueRow],
           r: _Reading) -> dict[tuple[str, int], str]:
    """Give each row its name: layout place first, then text order; the unit decides among swaps."""
    cands = _placed_candidates(lines)
    names, _ = _match_names(kinds, rows, cands, _quoted_names(lines))
    order = [kd for kd in _NAME_ORDER if kd in kinds]
    unit_of = {kd: row.unit for kd, row in zip(kinds, rows, strict=True)}
    if len(cands) != len(order):
        r.warn(
            f"指標名の候補が{len(cands)}個、指標の行が{len(order)}行で数が合いません。"
            f"名前の対応は推定です（{'・'.join(Indicator(kind=k[0], no=k[1]).label for k in order)}）"  # type: ignore[arg-type]
        )
    # Where a name's unit contradicts its row, try the swap that makes both fit.
    for a in order:
        for b in order:
            if a >= b or a not in names or b not in names:
                continue
            now = _unit_fit(nfkc(names[a]), unit_of[a]) + _unit_fit(nfkc(names[b]), unit_of[b])
            swapped = _unit_fit(nfkc(names[b]), unit_of[a]) + _unit_fit(nfkc(names[a]), unit_of[b])
            if swapped > now:
                names[a], names[b] = names[b], names[a]
                la, lb = (Indicator(kind=k[0], no=k[1]).label for k in (a, b))  # type: ignore[arg-type]
                r.warn(f"{la}・{lb}: 単位に合わせて指標名を入れ替えました（{names[a]} / {names[b]}）")
    return names


# ── project, evaluations ──────────────────────────────────────────────────────────────────


def _project_line(lines: list[Line]) -> Line | None:
    """The project name stands just before 住民意向分析; failing that, a line ending in 事業."""
    for i, line in enumerate(lines):
        if line.key == "住民意向分析":
            for prev in reversed(lines[:i]):
                if prev.key:
                    if not _is_label(prev) and not has_prose(prev.norm):
                        return prev
                    break
    for line in lines:
        if line.key.endswith("事業") and 3 < len(line.key) <= 40 and not _is_label(line) and not has_prose(line.norm):
            return line
    return None


def _project(lines: list[Line]) -> Project:
    project = Project()
    if (line := _project_line(lines)) is not None:
        project.name = line.raw.strip()
    for line in lines:
        if m := _DEPT_RE.match(line.raw.strip()):
            project.department, project.section = m.group(1), m.group(2)
            break
    return project


def _scores_after(lines: list[Line], header: str) -> list[int | None] | None:
    start = next((i for i, line in enumerate(lines) if header in line.key), None)
    if start is None:
        return None
    scores: list[int | None] = []
    for line in lines[start + 1:]:
        if not line.key or line.key.startswith("（1）") or line.key.startswith("(1)"):
            continue
        n = leading_int(line)
        if n is not None and 1 <= n <= 5:
            scores.append(n)
            if len(scores) == 5:
                break
        elif re.match(r"^[0-9]\S*次評価|^[１-９0-9]\s*[一二]次評価", line.norm) or "事務事業評価" in line.key:
            break
    return scores or None


def _evaluations(lines: list[Line]) -> list[Evaluation]:
    results: dict[str, str] = {}
    loose: list[str] = []
    pending: list[str] = []
    for line in lines:
        if line.key == "一次評価コメント":
            pending.append("primary")
        elif line.key == "二次評価コメント":
            pending.append("secondary")
        elif line.key in RESULT_WORDS:
            loose.append(line.key)
            if pending:
                results.setdefault(pending.pop(0), line.key)
    for stage, word in zip(("primary", "secondary"), loose):
        results.setdefault(stage, word)
    out = []
    for stage, header in (("primary", "一次評価（部局内評価）"), ("secondary", "二次評価")):
        scores = _scores_after(lines, compact(header))
        if stage in results or scores:
            out.append(Evaluation(stage=stage, result=results.get(stage), scores=scores))  # type: ignore[arg-type]
    return out


def _past_results(lines: list[Line], grid: _Grid, target_fy: int) -> list[PastResult]:
    """The 実計区分 / 評価結果 line: two words per past year."""
    for line in lines:
        if "実計区分" in line.key and "評価結果" in line.key:
            words = [w for w in line.norm.split(" ") if w in RESULT_WORDS]
            years = list(range(grid.first, target_fy + 1))
            pairs = [words[i: i + 2] for i in range(0, len(words), 2)]
            return [
                PastResult(fy=fy, plan_category=p[0], result=p[1] if len(p) > 1 else None)
                for fy, p in zip(years, pairs)
            ]
    return []


# ── prose sections ────────────────────────────────────────────────────────────────────────

_LABELLED = {compact(label): key for key, label in SECTION_LABELS.items()} | {
    "住民意向分析": "resident_needs", "活動指標分析結果": "activity_analysis", "成果指標分析結果": "outcome_analysis",
}
# Unlabelled blocks before the 活動指標分析結果 label, in the layout's order.
_PLAN_ORDER = ("background", "outlook", "purpose", "means", "current")
_ITEM_RE = re.compile(r"^(・|【|\(\d+\)|（\d+）|\d+\.\s)")
_PREFIX_RE = re.compile(r"^\s*(代替事業[（(][有無][)）]|ニーズ[（(][大中小][)）])[\s　]*")


@dataclass
class _Block:
    lines: list[Line]
    after: str  # the key of the label or line just before the block

    @property
    def text(self) -> str:
        """The lines joined as written: hard wraps dropped, bullets and headings kept on their own line."""
        parts = []
        for i, line in enumerate(self.lines):
            raw = _PREFIX_RE.sub("", line.raw.strip(), count=1) if i == 0 else line.raw.strip()
            if i and _ITEM_RE.match(line.norm):
                parts.append("\n")
            parts.append(raw)
        return "".join(parts)


def _is_prose_group(group: list[Line]) -> bool:
    if all(line.key in _LABELS for line in group):
        return False
    long_lines = sum(1 for line in group if len(line.key) >= 20 and " " not in line.norm.strip())
    bullets = sum(1 for line in group if line.norm.startswith("・"))
    return any(has_prose(line.norm) for line in group) or long_lines >= 2 or bullets >= 2


def _blocks(lines: list[Line]) -> list[_Block]:
    """Prose boxes, each with the label that stands just before it (a label heading a box is split off)."""
    out: list[_Block] = []
    before = ""
    continues = False  # the previous box was prose that stopped mid-sentence (a page break)
    for group in groups(lines):
        if _is_prose_group(group):
            body = list(group)
            while body and (body[0].key in _LABELLED or body[0].key in _LABELS) and len(body) > 1:
                before = body.pop(0).key
            if continues and body is group and not _ITEM_RE.match(body[0].norm):
                out[-1].lines.extend(body)
            else:
                out.append(_Block(body, before))
            continues = not group[-1].norm.endswith(("。", "」", "）", ")"))
        else:
            continues = False
        before = group[-1].key
    return out


def _prose_line_numbers(lines: list[Line]) -> set[int]:
    return {line.no for block in _blocks(lines) for line in block.lines}


def _sections(lines: list[Line], r: _Reading) -> list[Section]:
    blocks = _blocks(lines)
    analysis_at = next((i for i, b in enumerate(blocks) if b.after == "活動指標分析結果"), len(blocks))
    keyed: list[tuple[str, str]] = []
    plan_blocks: list[str] = []
    comments: list[str] = []
    for i, block in enumerate(blocks):
        text = block.text
        first = block.lines[0].key
        if block.after in _LABELLED:
            keyed.append((_LABELLED[block.after], text))
        elif first.startswith(("【事業費】", "【人件費】", "【歳入】", "【その他】")):
            keyed.append(("cost_analysis", text))
        elif "カイゼン" in first or first.startswith("(1)具体的"):
            keyed.append(("kaizen", text))
        elif i < analysis_at:
            plan_blocks.append(text)
        else:
            comments.append(text)
    if len(plan_blocks) == len(_PLAN_ORDER):
        keyed += list(zip(_PLAN_ORDER, plan_blocks))
    else:
        keyed += [("other", t) for t in plan_blocks]
        if plan_blocks:
            r.warn(
                f"背景・現状・予測・目的・手段の欄が{len(plan_blocks)}個の文章ブロックとして読めました（本来5個）。"
                "欄を特定できないため「その他」として保持しました"
            )
    stages = ("primary_comment", "secondary_comment")
    keyed += list(zip(stages, comments))
    for extra in comments[len(stages):]:
        keyed.append(("other", extra))
    # One section per key, in the sheet's order; split blocks (【事業費】/【人件費】) are joined.
    merged: dict[str, list[str]] = {}
    for key, text in keyed:
        merged.setdefault(key, []).append(text)
    order = list(SECTION_LABELS)
    # The two comment boxes carry no label of their own: which is 一次 and which 二次 is read
    # from their order on the page, and the record says so.
    by_position = {"primary_comment", "secondary_comment"} if comments else set()
    return [
        Section(key=key, label=SECTION_LABELS[key], text="\n".join(texts),  # type: ignore[arg-type]
                inferred=key in by_position)
        for key, texts in sorted(merged.items(), key=lambda kv: order.index(kv[0]))
    ]
