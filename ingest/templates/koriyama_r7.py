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
from ingest.vocabulary import COST_FIELDS, PLAN_CATEGORY_WORDS, RESULT_WORDS, REVENUE_TOTAL_LABEL, SECTION_LABELS

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
_ROW_LABELS = {**COST_FIELDS, "revenue_total": REVENUE_TOTAL_LABEL}

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
    complete = _complete(lines, cost_rows, r)
    ev = _Evidence(lines, ind_rows, grid, target_fy, horizon, prose)
    kinds = _row_kinds(ind_rows, lines, grid, target_fy, r, ev)
    names = _names(kinds, ind_rows, r, ev, complete)
    indicators = [
        _indicator(kind, row, names.get(kind), grid, target_fy, horizon, prose, notes, r)
        for kind, row in zip(kinds, ind_rows, strict=True)
    ]
    return Sheet(
        sheet_id="",
        template=NAME,
        status="complete" if complete else "incomplete",
        municipality=MUNICIPALITY,
        evaluation_fy=evaluation_fy,
        target_fy=target_fy,
        project=_project(lines, complete),
        indicators=indicators,
        costs=costs,
        evaluations=_evaluations(lines),
        past_results=_past_results(lines, grid, target_fy),
        sections=_sections(lines, r),
        warnings=r.warnings,
    )


# Labels every sheet prints after its table, in reading order: a text that lacks several of them
# stops early (a file or page cut off) and is stored as incomplete.
_LATE_LABELS = ("住民意向分析", "対象指標", "活動指標分析結果", "指標名指標名", "成果指標分析結果",
                "一次評価コメント", "二次評価コメント", "総事業費（事業費・人件費）分析結果")


def _complete(lines: list[Line], cost_rows: list[ValueRow], r: _Reading) -> bool:
    keys = {line.key for line in lines}
    missing = [label for label in _LATE_LABELS if compact(label) not in keys]
    table_cut = len(cost_rows) < len(_COST_ROWS)
    if len(missing) < 2 and not table_cut:
        return True
    what = "、".join(missing[:4]) + ("ほか" if len(missing) > 4 else "")
    r.warn("シートが途中で終わっています" + (f"（{what}の欄がありません）" if missing else "（費用の表が途中までです）")
           + "。読み取れた部分だけを保存しました")
    return False


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
    evaluation_fy: int | None = None
    target_fy: int | None = None
    for line in lines:
        if evaluation_fy is None and (m := _HEADER_RE.search(line.key)):
            evaluation_fy = _era_year(m)
        if target_fy is None and (m := _TARGET_RE.search(line.key)):
            target_fy = _era_year(m)
    if target_fy is None:
        if evaluation_fy is None:
            raise SheetError("", "truncated sheet: no evaluation year in the header (令和N年度 事務事業マネジメントシート)")
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
    acc: list[Number] = [0] * m

    def grid_of() -> tuple[tuple[Number, ...], ...]:
        out = []
        for i in range(len(rows)):
            cells: list[Number] = [0] * m
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


_PROSE_NUM_RE = re.compile(
    r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s*"
    r"(件|人|回|施設|か所|箇所|%|％|千円|円|km|kg|m|t|ha|団体|世帯|校|台|本|冊|日|時間|者|社|戸|棟|基|個|頭|枚|部|ポイント)"
)


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
    first_year = min((fy for j in filled if (fy := slots[j].fy) is not None and slots[j].field != "mid"
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
    # A figure the prose quotes is a clue once, in its likeliest cell: a plan value repeated
    # every year must not outweigh where the prose's actual goes.
    told: dict[Number, float] = {}
    for j, v in filled.items():
        s = slots[j]
        if s.fy is not None and s.field in ("plan", "actual"):
            by_year.setdefault(s.fy, {})[s.field] = v
        if (v, unit) in prose:
            told[v] = max(told.get(v, 0.0), 0.8 if s.field == "actual" else 0.3)
    cost -= sum(told.values())
    for cells in by_year.values():
        p, a = cells.get("plan"), cells.get("actual")
        if p and a and p > 0 and a > 0:
            cost += min(2.0, 0.4 * abs(math.log(a / p)))
    return cost


def _indicator(kind: tuple[str, int], row: ValueRow, name: str | None, grid: _Grid, target_fy: int,
               horizon: int, prose: set[tuple[Number, str]], notes: list[_Note], r: _Reading) -> Indicator:
    ind = Indicator(kind=kind[0], no=kind[1], name=name, unit=row.unit)
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
            milestones.append(Milestone(kind=s.field, fy=s.fy, value=v))
            continue
        assert s.fy is not None, "a plan or actual slot always has its year (only milestones' may be unknown)"
        cell = cells.setdefault(s.fy, IndicatorValue(fy=s.fy))
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
               r: _Reading, ev: _Evidence) -> list[tuple[str, int]]:
    """Which of the seven rows (対象, 活動①②③, 成果①②③) the printed rows are.

    Unfilled rows print nothing, so with fewer than seven the kinds must be inferred. Every
    order-keeping choice of rows is scored: a 対象指標 row gives at most one figure per past
    year; rows are usually filled ① before ② (a gap costs, it is not ruled out); names standing
    at a row's place in the layout, names the analysis prose quotes with their kind and figures,
    and units tell which rows exist.
    """
    from itertools import combinations

    k = len(rows)
    if k == len(_ROW_ORDER):
        return list(_ROW_ORDER)
    past = target_fy - grid.first + 1
    options = []
    for kinds_t in combinations(_ROW_ORDER, k):
        kinds = list(kinds_t)
        cost = 0.0
        for kd, row in zip(kinds, rows, strict=True):
            if kd[0] == "target" and len(row.values) > past:
                cost += 3.0  # a 対象指標 row has no plans: never more figures than past years
        if rows and (kinds[0][0] == "target") != (len(rows[0].values) <= past):
            cost += 1.5
        for kind in ("activity", "outcome"):
            nos = [kd[1] for kd in kinds if kd[0] == kind]
            cost += 1.5 * sum(1 for n in range(1, max(nos, default=0) + 1) if n not in nos)
        t = sum(1 for kd in kinds if kd[0] == "target")
        cost += 0.7 * (not any(kd[0] == "activity" for kd in kinds)) + 0.7 * (not any(kd[0] == "outcome" for kd in kinds))
        cost += 0.4 * (t == 0)
        cost -= ev.best(kinds, rows)[0]
        options.append((cost, kinds))
    options.sort(key=lambda ck: ck[0])
    best_cost, best = options[0]
    close = [kinds for cost, kinds in options[1:] if cost - best_cost < 1.0]
    labels = "・".join(Indicator(kind=kd[0], no=kd[1]).label for kd in best)
    if close:
        alt = {Indicator(kind=kd[0], no=kd[1]).label for kinds in close for kd in kinds}
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
_BELOW_RE = re.compile(r"下回|届かな|未達|不足|達成できな|及ばな|至らな")
_ABOVE_RE = re.compile(r"上回|を達成し|達成した|超え|計画どおり|計画通り|以下に抑え")
_UP_RE = re.compile(r"増加|上昇|伸び|増え")
_DOWN_RE = re.compile(r"減少|低下|減っ")
_KEEP_DOWN = ("事故", "待機児童", "排出量", "発生件数", "被害", "死亡")


@dataclass(frozen=True)
class _Quote:
    """A sentence of the prose that quotes one indicator name: what it says about that row."""

    kind: str | None  # the analysis block it stands in (activity / outcome), None elsewhere
    figures: frozenset[tuple[Number, str]]  # figures with their units
    verdict: str | None  # below / above: the actual against the plan, in the evaluated year
    trend: str | None  # up / down: the actual against the year before


def _unit_key(u: str) -> str:
    return nfkc(u).replace("％", "%")


class _Evidence:
    """What the sheet says about which row each candidate name belongs to (formats.md): its place
    in the layout, its unit, the analysis prose that quotes it (kind, figures, 上回った/下回った,
    増加/減少) and the text order. ``score`` weighs one (row, name) pair; ``best`` assigns names
    to rows by the total."""

    PRIOR = 0.6  # the layout's usual text order: the weakest clue

    def __init__(self, lines: list[Line], rows: list[ValueRow], grid: _Grid, target_fy: int, horizon: int,
                 prose: set[tuple[Number, str]]) -> None:
        # a text without the row-label block (a sheet cut off before it) has no candidates
        self.cands = _placed_candidates(lines) if any(line.key == "対象指標" for line in lines) else []
        self.rows = rows
        self.grid, self.target_fy, self.horizon, self.prose = grid, target_fy, horizon, prose
        self.quotes = self._quotes(lines)
        self._placed: dict[tuple[int, bool], Indicator] = {}
        self._scores: dict[tuple[int, tuple[str, int], int, bool], float] = {}
        self._memo: dict[tuple[tuple[tuple[str, int], ...], tuple[int, int], bool],
                         tuple[float, list[int | None]]] = {}

    @staticmethod
    def _quotes(lines: list[Line]) -> dict[str, list[_Quote]]:
        out: dict[str, list[_Quote]] = {}
        for block in _blocks(lines):
            kind = {"活動指標分析結果": "activity", "成果指標分析結果": "outcome"}.get(block.after)
            for sentence in re.split(r"(?<=。)", nfkc(block.text.replace("\n", ""))):
                names = _QUOTE_RE.findall(sentence)
                if not names:
                    continue
                alone = len(set(names)) == 1
                figures: frozenset[tuple[Number, str]] = frozenset()
                verdict = trend = None
                if alone:
                    figures = frozenset(
                        (float(f"{int(m.group(1).replace(',', ''))}.{m.group(2)}") if m.group(2)
                         else int(m.group(1).replace(",", "")), _unit_key(m.group(3)))
                        for m in _PROSE_NUM_RE.finditer(sentence)
                    )
                    if "計画" in sentence or "目標" in sentence:
                        verdict = "below" if _BELOW_RE.search(sentence) else "above" if _ABOVE_RE.search(sentence) else None
                    if re.search(r"前年|から.{0,24}に", sentence):
                        trend = "up" if _UP_RE.search(sentence) else "down" if _DOWN_RE.search(sentence) else None
                for name in set(names):
                    out.setdefault(name.replace(" ", ""), []).append(_Quote(kind, figures, verdict, trend))
        return out

    def quotes_of(self, name: str) -> list[_Quote]:
        key = nfkc(name).replace(" ", "")
        found = self.quotes.get(key)
        if found is not None:
            return found
        out: list[_Quote] = []
        if len(key) >= 6:
            for q, qs in self.quotes.items():
                if difflib.SequenceMatcher(None, key, q).ratio() >= 0.85:
                    out.extend(qs)
        return out

    def _values(self, i: int, kd: tuple[str, int]) -> Indicator:
        target = kd[0] == "target"
        if (i, target) not in self._placed:
            self._placed[(i, target)] = _indicator(kd, self.rows[i], None, self.grid, self.target_fy,
                                                   self.horizon, self.prose, [], _Reading())
        return self._placed[(i, target)]

    def score(self, i: int, kd: tuple[str, int], c: int, kinds: list[tuple[str, int]], layout: bool = True) -> float:
        """How well candidate ``c`` fits printed row ``i`` read as ``kd`` (``layout``: counting the
        name's place in the layout, else what the sheet says about it alone)."""
        slot, _ = self.cands[c]
        slot_here = layout and slot is not None and slot in kinds
        key = (i, kd, c, slot_here)
        if key not in self._scores:
            s = self._content(i, kd, c)
            if slot_here:
                s += 3.0 if slot == kd else -2.0
            self._scores[key] = s
        return self._scores[key]

    def _content(self, i: int, kd: tuple[str, int], c: int) -> float:
        name = nfkc(self.cands[c][1].raw.strip())
        row = self.rows[i]
        s = 0.4 + _unit_fit(name, row.unit)  # a row is expected to have a name
        unit = _unit_key(row.unit)
        values = set(row.values)
        for q in self.quotes_of(name):
            if q.kind:
                s += 1.0 if q.kind == kd[0] else -1.5
            mine = [v for v, u in q.figures if u == unit]
            if mine:
                s += 2.0 if all(v in values for v in mine) else -1.5 if not any(v in values for v in mine) else 0.0
            elif q.figures and q.kind:
                s -= 0.5
            if q.verdict or q.trend:
                ind = self._values(i, kd)
                cur, prev = ind.value(self.target_fy), ind.value(self.target_fy - 1)
                if q.verdict and cur and cur.plan is not None and cur.actual is not None and cur.plan != cur.actual:
                    short = (cur.actual > cur.plan) if any(w in name for w in _KEEP_DOWN) else (cur.actual < cur.plan)
                    s += 1.0 if short == (q.verdict == "below") else -1.0
                if q.trend and cur and prev and cur.actual is not None and prev.actual is not None \
                        and cur.actual != prev.actual:
                    s += 0.5 if (cur.actual > prev.actual) == (q.trend == "up") else -0.5
        return s

    def best(self, kinds: list[tuple[str, int]], rows: list[ValueRow],
             forbid: tuple[int, int] | None = None, layout: bool = True) -> tuple[float, list[int | None]]:
        """The best assignment of candidates to rows (candidate index or None per row), and its
        score; ``layout=False`` weighs only what the sheet says about the names (no place, no order)."""
        memo_key = (tuple(kinds), forbid or (-1, -1), layout)
        if memo_key in self._memo:
            return self._memo[memo_key]
        n_rows, n_cands = len(kinds), len(self.cands)
        if not n_rows or not n_cands:
            return 0.0, [None] * n_rows
        claimed = {slot for slot, _ in self.cands if slot is not None}
        free_rows = [kd for kd in _NAME_ORDER if kd in kinds and kd not in claimed]
        free_cands = [c for c, (slot, _) in enumerate(self.cands) if slot is None or slot not in kinds]
        # the usual text order, softly: a name one place off its expected rank still counts half
        prior = {(kd, c): max(0.0, self.PRIOR - 0.3 * abs(j - k))
                 for j, kd in enumerate(free_rows) for k, c in enumerate(free_cands)} if layout else {}
        # maximise the total: a rectangular assignment (a row may stay unnamed at score 0)
        matrix = [[0.0] * (n_cands + n_rows) for _ in range(n_rows)]
        for i, kd in enumerate(kinds):
            for c in range(n_cands):
                matrix[i][c] = -1e6 if forbid == (i, c) else \
                    self.score(i, kd, c, kinds, layout) + prior.get((kd, c), 0.0)
        picks = _assign(matrix)
        total = sum(matrix[i][j] for i, j in enumerate(picks))
        result = (total, [j if j < n_cands else None for j in picks])
        self._memo[memo_key] = result
        return result


def _assign(score: list[list[float]]) -> list[int]:
    """Hungarian method: the column for each row (rows ≤ columns) that maximises the total score."""
    n, m = len(score), len(score[0])
    inf = float("inf")
    u, v = [0.0] * (n + 1), [0.0] * (m + 1)
    p, way = [0] * (m + 1), [0] * (m + 1)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = [inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], inf, 0
            for j in range(1, m + 1):
                if not used[j]:
                    cur = -score[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
    out = [0] * n
    for j in range(1, m + 1):
        if p[j]:
            out[p[j] - 1] = j - 1
    return out


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
        # a name that ends in its own counter (市内の事業所 ↔ 事業所, 参加世帯 ↔ 世帯) fits it
        u = nfkc(unit)
        return 1.0 if len(u) >= 2 and nfkc(tail).endswith(u) else 0.0
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
        if not line.key or line.no in blocks or has_prose(line.norm) or _is_label(line) or _opens_a_box(line):
            continue
        if counts[line.key] > 1 or (project and line.no == project.no) or value_row(line, ("千円", "円")):
            continue
        if len(line.key) > 40:
            continue
        out.append(line)
    return out


_SURE = 1.5  # how much worse the best reading without a pairing must be to call the pairing confirmed


def _names(kinds: list[tuple[str, int]], rows: list[ValueRow], r: _Reading, ev: _Evidence,
           complete: bool) -> dict[tuple[str, int], str]:
    """Give each row its name and check every pairing against the sheet (see _Evidence).

    A pairing is confirmed when every reading without it fits the sheet clearly worse. One that
    is not is kept (the layout's order is the best guess) and named in a warning with the rows
    it could belong to instead; on a sheet that stops early it is left out.
    """
    total, picks = ev.best(kinds, rows)
    said_total, said = ev.best(kinds, rows, layout=False)
    names: dict[tuple[str, int], str] = {}
    label = {kd: Indicator(kind=kd[0], no=kd[1]).label for kd in kinds}
    unsure: list[tuple[tuple[str, int], str, list[tuple[str, int]]]] = []
    for i, (kd, c) in enumerate(zip(kinds, picks, strict=True)):
        if c is None:
            continue
        name = ev.cands[c][1].raw.strip()
        alt_total, alt_picks = ev.best(kinds, rows, forbid=(i, c))
        # what the sheet says about the names (prose, units) must not speak against the layout
        s = said[i]
        against = s != c and said_total - ev.best(kinds, rows, forbid=(i, s), layout=False)[0] >= 1.0 \
            if s is not None else False
        if total - alt_total >= _SURE and not against:
            names[kd] = name
            continue
        if against:
            others = [kinds[j] for j, pc in enumerate(said) if pc == c and j != i]
            others += [kinds[j] for j, pc in enumerate(picks) if pc == said[i] and j != i]
            unsure.append((kd, name, others))
            if complete:
                names[kd] = name
            continue
        others = [kinds[j] for j, pc in enumerate(alt_picks) if pc == c and j != i]
        if not others and alt_picks[i] is None:
            names[kd] = name  # no other row wants it and no other name fits here: nothing competes
            continue
        if alt_picks[i] is not None:
            others += [kinds[j] for j, pc in enumerate(picks) if pc == alt_picks[i] and j != i]
        unsure.append((kd, name, others))
        if complete:
            names[kd] = name
    for kd, name, others in unsure:
        if complete:
            alt = list(dict.fromkeys(label[o] for o in others if o != kd))
            rows_named = "・".join([label[kd], *alt])
            r.warn(f"{rows_named}: 指標名「{name}」を{label[kd]}の名前としましたが、単位・分析の文章・数値で"
                   f"確かめられません（{'・'.join(alt) or '別の行'}の名前かもしれません）")
        else:
            r.warn(f"{label[kd]}: シートが途中で終わっていて指標名を確かめられないため、名前を空欄にしました"
                   f"（候補「{name}」）")
    unnamed = [label[kd] for kd in kinds if kd not in names and not any(u[0] == kd for u in unsure)]
    if unnamed:
        if ev.cands:
            r.warn(f"{'・'.join(unnamed)}: 指標名が見つかりません")
        elif not complete:
            r.warn(f"{'・'.join(unnamed)}: シートが指標名の欄より前で終わっているため、指標名はありません")
        else:
            r.warn(f"{'・'.join(unnamed)}: 指標名の欄（対象指標 … 成果指標③ の見出しのあと）が見つかりません")
    for kd, name in names.items():
        row = rows[kinds.index(kd)]
        if _unit_fit(nfkc(name), row.unit) < 0:
            r.warn(f"{label[kd]}: 指標名「{name}」と単位（{row.unit}）が合いません")
    return names


# ── project, evaluations ──────────────────────────────────────────────────────────────────


def _project_line(lines: list[Line], guess: bool = True) -> Line | None:
    """The project name stands just before 住民意向分析; failing that (``guess``), a line ending in 事業."""
    for i, line in enumerate(lines):
        if line.key == "住民意向分析":
            for prev in reversed(lines[:i]):
                if prev.key:
                    if not _is_label(prev) and not has_prose(prev.norm):
                        return prev
                    break
    if not guess:
        return None
    for line in lines:
        if line.key.endswith("事業") and 3 < len(line.key) <= 40 and not _is_label(line) and not has_prose(line.norm):
            return line
    return None


def _project(lines: list[Line], complete: bool = True) -> Project:
    project = Project()
    if (line := _project_line(lines, guess=complete)) is not None:
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
            out.append(Evaluation(stage=stage, result=results.get(stage), scores=scores))
    return out


def _past_results(lines: list[Line], grid: _Grid, target_fy: int) -> list[PastResult]:
    """The 実計区分 / 評価結果 line: two words per past year."""
    for line in lines:
        if "実計区分" in line.key and "評価結果" in line.key:
            # 新規 is a category only: dropping it would shift every later year's pair
            words = [w for w in line.norm.split(" ") if w in PLAN_CATEGORY_WORDS]
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


# How each plan box's last sentence ends, as such boxes are written: 背景 in the past (求められた),
# 現状 in the present (増えている), 予測 looking ahead (見込まれる), 目的 as an aim (向上を図る).
_PLAN_ENDINGS = {
    "background": re.compile(r"(た|ていた|であった|だった)$"),
    "current": re.compile(r"(ている|ておる|つつある|(?<!可能性)(が|も)ある|(が|も)いる|状況だ|状況である)$"),
    "outlook": re.compile(r"(見込まれる|想定される|予想される|予測される|懸念される|期待される|求められる|"
                          r"必要となる|重要となる|課題となる|考えられる|見通しである|見通しだ|恐れがある|おそれがある|可能性がある)$"),
    # an aim: an active verb in its plain form (図る, 守る, 目指す), not 〜される/〜ている/〜なる/〜ある
    "purpose": re.compile(r"(?<!れ)(?<!て)(?<!な)(?<!あ)(?<!い)[るすくぐうつむぶ]$|を目的とする$"),
}


def place_plan_blocks(blocks: list[str]) -> tuple[str, ...] | None:
    """Which plan boxes ``blocks`` fill when some box was left blank, or None when unclear.

    The boxes print in ``_PLAN_ORDER``; 手段 is the one written as ・ items. Where 手段's place
    leaves one order, that is it; else the boxes the orders disagree on are read by how their last
    sentence ends, and an order wins only when each of those reads as its box and no other order
    fits as well.
    """
    from itertools import combinations

    if not 0 < len(blocks) < len(_PLAN_ORDER):
        return None
    # 手段's list: ・ items, one maybe wrapped (・…提供が / 可能なシステムの運用), no sentence
    bulleted = [b.lstrip().startswith("・") and ("。" not in b or sum(ln.lstrip().startswith("・") for ln in b.splitlines()) >= 2)
                for b in blocks]
    endings = [re.sub(r"[。．.\s]+$", "", b.strip().splitlines()[-1] if b.strip() else "") for b in blocks]
    orders = [keys for keys in combinations(_PLAN_ORDER, len(blocks))
              if all((k == "means") == is_list for k, is_list in zip(keys, bulleted))]
    if len(orders) <= 1:  # 手段's place leaves one order (or none: no box fits)
        return orders[0] if orders else None
    # only the boxes the orders disagree on are in question; every one of them must read as its box
    contested = [i for i in range(len(blocks)) if len({keys[i] for keys in orders}) > 1]
    fits = sorted(((sum(bool(_PLAN_ENDINGS[keys[i]].search(endings[i])) for i in contested), keys)
                   for keys in orders), key=lambda x: -x[0])
    (best, keys), runner_up = fits[0], fits[1][0]
    return keys if best == len(contested) and best > runner_up else None


# A block that opens on a connective, or follows one that stops mid-sentence, goes on from the
# one before it: a PDF may set a box's second paragraph, or the rest of a sentence, apart.
_CONTINUES = re.compile(r"^[\s　]*(また|一方で|一方、|さらに|しかし|なお|このため|そのため|加えて|今後も|今後は|引き続き|その結果|これにより|以上)")


def join_continued(texts: list[str], boxes: int, mid_word: bool = False, opened: list[bool] | None = None) -> list[str]:
    """``texts`` read as more blocks than ``boxes``: fold each that goes on from the one before
    it into that one, while there are still too many. With ``mid_word`` a block cut short only
    goes on where the next opens mid-sentence (を下回った。, 層強化していく。) — a comment box opens
    indented or on 「 — so a comment that ends without 。 (「市として継続」) stays apart from the next."""
    out = list(texts)
    marks = list(opened) if opened is not None else [False] * len(out)  # opened with 代替事業（有）…: a box's start
    i = 1
    while len(out) > boxes and i < len(out):
        last = out[i - 1].rstrip().splitlines()[-1] if out[i - 1].strip() else ""
        cut_short = not last.lstrip().startswith("・") and not last.endswith(("。", "」", "）", ")"))
        if mid_word:
            cut_short = cut_short and not re.match(r"[\s　「『(（]", out[i])  # a box opens indented or on 「
        if not marks[i] and (_CONTINUES.match(out[i]) or cut_short):
            out[i - 1] = out[i - 1] + "\n" + out.pop(i)
            marks.pop(i)
        else:
            i += 1
    if mid_word and len(out) > boxes:
        # A comment's closing sentence set apart (「事業の必要性は高いことから、…継続して取り組む。」):
        # one sentence quoting no indicator and no figure states nothing a box opens with.
        lone = [i for i in range(1, len(out)) if _closes_only(out[i]) and not marks[i]]
        if len(lone) == len(out) - boxes:
            for i in reversed(lone):
                out[i - 1] = out[i - 1] + "\n" + out.pop(i)
    return out


def _closes_only(text: str) -> bool:
    body = text.strip()
    return body.endswith("。") and body.count("。") == 1 and not re.search(r"[「『\d０-９]", body)


def _opens_a_box(line: Line) -> bool:
    """A comment box's first line: its 代替事業（有）/ニーズ（大） mark with the comment's text after it
    (「代替事業（無） 「スポーツ教室の開催回数」は…」 — a PDF may cut it short, before any 、 or 。)."""
    m = _PREFIX_RE.match(line.raw)
    return m is not None and len(line.raw.strip()) > m.end() - m.start() + 1


def _is_prose_group(group: list[Line]) -> bool:
    if all(line.key in _LABELS for line in group):
        return False
    if any(_opens_a_box(line) for line in group):
        return True
    long_lines = sum(1 for line in group if len(line.key) >= 20 and " " not in line.norm.strip())
    bullets = sum(1 for line in group if line.norm.startswith("・"))
    return any(has_prose(line.norm) for line in group) or long_lines >= 2 or bullets >= 2


_KAIZEN_PART = re.compile(r"\([23]\)\s*カイゼン")
_PAGE_FURNITURE = re.compile(r"[（(]続き[)）]$|^\d+\s*/\s*\d+$|^-\s*\d+\s*-$")
_KAIZEN_HEAD = re.compile(r"\(1\)\s*具体的なカイゼン")


def _is_item_list(group: list[Line]) -> bool:
    """Only ・ items, each maybe wrapped onto one more line (・…提供が / 可能なシステムの運用)."""
    if not group[0].norm.startswith("・") or any("。" in line.norm for line in group):
        return False
    return all(line.norm.startswith("・") or group[i - 1].norm.startswith("・")
               for i, line in enumerate(group) if i)


def _ends_in_item(group: list[Line]) -> bool:
    """The group's last line is a ・ item, or the wrapped end of one (・…提供が可能な / システムの運用)."""
    last = group[-1].norm
    if last.startswith("・"):
        return True
    return len(group) >= 2 and group[-2].norm.startswith("・") and "。" not in group[-2].norm + last


def _wrapped_rest(box: list[Line], group: list[Line]) -> bool:
    """``group`` is the rest of the box's last ・ item, cut mid-word at the box's edge: one short line
    of words (no label, no figure), after an item that is the box's longest line (it reached the edge)
    and stops without an ending."""
    last, rest = box[-1].norm, group[0].norm.strip()
    return (len(group) == 1 and last.startswith("・") and len(last) >= 15 and not re.search(r"\d", last)
            and all(len(line.norm) < len(last) for line in box[:-1]) and len(box) >= 2
            and re.search(r"[ぁ-んァ-ヶ一-龥ー]$", last) is not None
            and re.fullmatch(r"[ぁ-んァ-ヶ一-龥ー、・]{2,20}", rest) is not None
            and group[0].key not in _LABELS and group[0].key not in _LABELLED and not re.search(r"[。：:]", rest))


def _blocks(lines: list[Line]) -> list[_Block]:
    """Prose boxes, each with the label that stands just before it (a label heading a box is split off)."""
    out: list[_Block] = []
    before = ""
    listing = False  # the previous group was a box whose last line is a ・ item
    stray: list[Line] = []  # a lone ・ item a PDF set apart from the list it starts (・町内会等への活動補助)
    for group in groups(lines):
        if all(_PAGE_FURNITURE.search(line.key) for line in group):
            continue  # a page's header or number stands between a label and its box
        bullets = _is_item_list(group)
        if len(group) == 1 and _KAIZEN_HEAD.match(group[0].key):
            # the カイゼン box's first heading, set apart by a PDF from the items it heads
            stray = list(group)
            before = group[-1].key
            continue
        if not _is_prose_group(group) and bullets and not listing:
            stray = list(group)
            before = group[-1].key
            continue
        if stray and (group[0].norm.startswith("・") or _KAIZEN_HEAD.match(stray[0].key)):
            group = stray + list(group)
        stray = []
        if listing and out and _wrapped_rest(out[-1].lines, group):
            # 「・…提供が可」 | gap | 「能なシステムの運用」: the rest of the last item, set apart by a PDF
            out[-1].lines.append(group[0])
            before = group[-1].key
            continue
        if _is_prose_group(group) or listing and bullets:
            body = list(group)
            heads: list[Line] = []
            while body and (body[0].key in _LABELLED or body[0].key in _LABELS) and len(body) > 1:
                heads.append(body.pop(0))
                before = heads[-1].key
            # a PDF may break a box's list of ・ items (手段, the カイゼン schedule) at a gap: the list goes
            # on in the next group, unless a label heads that group (a box of its own) — or the label is
            # one of the カイゼン box's own numbered headings ((2) カイゼンの明確な時期)
            kaizen_goes_on = bool(heads) and all(_KAIZEN_PART.match(h.key) for h in heads) and bool(out) \
                and ("カイゼン" in out[-1].lines[0].key or out[-1].lines[0].key.startswith("(1)具体的"))
            if kaizen_goes_on:
                out[-1].lines.extend(heads + body)
            elif listing and body[0].norm.startswith("・") and not heads and out:
                out[-1].lines.extend(body)
            else:
                out.append(_Block(body, before))
            # (a group that ends on a カイゼン heading — (2) カイゼンの明確な時期 — has its items still to come)
            listing = _ends_in_item(group) or bool(_KAIZEN_PART.match(group[-1].key))
        else:
            listing = False
        before = group[-1].key
    return out


def _prose_line_numbers(lines: list[Line]) -> set[int]:
    return {line.no for block in _blocks(lines) for line in block.lines}


_SECONDARY_WORDING = re.compile(r"行政評価結果で「[^」]{1,6}」と評価されたことを受け|^令和\s*(?:\d{1,2}|元)\s*年度は、")


def _sections(lines: list[Line], r: _Reading) -> list[Section]:
    blocks = _blocks(lines)
    analysis_at = next((i for i, b in enumerate(blocks) if b.after == "活動指標分析結果"), len(blocks))
    keyed: list[tuple[str, str]] = []
    plan_blocks: list[str] = []
    comments: list[str] = []
    opened: list[bool] = []  # each comment block opened with its box's 代替事業（有）/ニーズ（大） mark
    for i, block in enumerate(blocks):
        text = block.text
        first = block.lines[0].key
        if block.after in _LABELLED and not (i >= analysis_at and _opens_a_box(block.lines[0])):
            keyed.append((_LABELLED[block.after], text))
        elif first.startswith(("【事業費】", "【人件費】", "【歳入】", "【その他】")):
            keyed.append(("cost_analysis", text))
        elif "カイゼン" in first or first.startswith("(1)具体的"):
            keyed.append(("kaizen", text))
        elif i < analysis_at:
            plan_blocks.append(text)
        else:
            # (also a comment box read right after an analysis label: that analysis box is blank)
            comments.append(text)
            opened.append(_opens_a_box(block.lines[0]))
    placed_by_wording: set[str] = set()
    plan_blocks = join_continued(plan_blocks, len(_PLAN_ORDER))
    if len(plan_blocks) == len(_PLAN_ORDER):
        keyed += list(zip(_PLAN_ORDER, plan_blocks))
    elif plan_blocks and (keys := place_plan_blocks(plan_blocks)):
        keyed += list(zip(keys, plan_blocks))
        placed_by_wording = set(keys)
        blank = "・".join(SECTION_LABELS[k] for k in _PLAN_ORDER if k not in keys)
        r.warn(
            f"背景・現状・予測・目的・手段の欄が{len(plan_blocks)}個の文章ブロックとして読めました（本来5個）。"
            f"文末の表現と手段の箇条書きから、空欄は「{blank}」と判断して欄を当てました"
        )
    else:
        keyed += [("other", t) for t in plan_blocks]
        if plan_blocks:
            r.warn(
                f"背景・現状・予測・目的・手段の欄が{len(plan_blocks)}個の文章ブロックとして読めました（本来5個）。"
                "欄を特定できないため「その他」として保持しました"
            )
    stages: tuple[str, ...] = ("primary_comment", "secondary_comment")
    comments = join_continued(comments, len(stages), mid_word=True, opened=opened)
    if len(comments) == 1 and _SECONDARY_WORDING.search(comments[0]):
        # one comment box, the other left blank: the 二次評価 comment opens on the year before's
        # evaluation (「令和５年度の行政評価結果で「改善」と評価されたことを受け、…」), the 一次 on the figures
        stages = ("secondary_comment",)
    keyed += list(zip(stages, comments))
    for extra in comments[len(stages):]:
        keyed.append(("other", extra))
    if len(comments) > len(stages):
        r.warn(f"評価コメントの欄が{len(comments)}個の文章ブロックとして読めました（本来2個）。"
               "3個目以降は「その他」として保持しました")
    # One section per key, in the sheet's order; split blocks (【事業費】/【人件費】) are joined.
    merged: dict[str, list[str]] = {}
    for key, text in keyed:
        merged.setdefault(key, []).append(text)
    order = list(SECTION_LABELS)
    # The two comment boxes carry no label of their own: which is 一次 and which 二次 is read
    # from their order on the page, and the record says so.
    by_position = {"primary_comment", "secondary_comment"} if comments else set()
    return [
        Section(key=key, label=SECTION_LABELS[key], text="\n".join(texts),
                inferred=key in by_position or key in placed_by_wording)
        for key, texts in sorted(merged.items(), key=lambda kv: order.index(kv[0]))
    ]
