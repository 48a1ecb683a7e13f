"""generic: an evaluation sheet no template claims, read for what it can prove.

Other cities print other grids, and their text comes out in several shapes (docs/formats.md):
one cell per line ending in `` |`` (``−`` for not applicable), whole rows with ``|`` between
cells, whitespace rows whose blank cells collapsed, space-tokenised text (``事 業 費``, numbers
with and without commas, 円 instead of 千円), and glued e-book text where adjacent cells run
together (``直接事業費1,0611,0611,297``: only comma grouping tells where one number ends).

What this reader takes, and nothing more:

- the project name, organisation and years from their labels;
- every prose block under its own label (so retrieval and summaries work);
- tables whose header names years or periods (``H27予算 H27決算``, ``平成25年度``, ``R5実績``,
  ``2024年度``), row by row. A row's values are placed by column when their count matches the
  header (or exactly one way of splitting glued digits does); a row with fewer values than
  columns had blanks collapsed somewhere, and is left unknown with a warning that quotes it.
  Cost rows keep the sheet's own labels (``rows``: フルコスト, 地方債 …) with the basis of their
  column (予算/決算/計画/実績); a row maps onto a fixed cost field (事業費, 人件費 …) only where
  its label says so and the sheet's arithmetic does not contradict it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import product
from math import prod

from ingest.errors import SheetError
from ingest.model import (
    REVENUE_FIELDS,
    Cost,
    CostRow,
    Evaluation,
    Indicator,
    IndicatorValue,
    Project,
    Section,
    Sheet,
)
from ingest.normalize import Number, costs_add_up, era_to_western, format_number, nfkc, parse_number

NAME = "generic"

# ── vocabulary ─────────────────────────────────────────────────────────────────────────────

_TITLE = re.compile(r"(?:事務事業|事業|行政|施策)(?:評価|マネジメント|点検|レビュー|カルテ)")
_NAME_LABELS = ("事務事業名", "事業名称", "事業の名称", "細事業名", "予算事業名", "事業名")
_DEPT_LABELS = ("担当部局名", "担当部局", "所管部局", "担当部名", "担当部", "所管部", "部局名", "部局", "部名")
_SECTION_LABELS = ("担当課名", "担当課", "所管課名", "所管課", "課名", "課等名", "担当部署", "所属課", "所属", "担当グループ")
_ORG_BOTH = ("担当部課名", "担当部課", "所管部課", "担当部・課", "担当")
_MONEY_WORDS = ("事業費", "人件費", "コスト", "財源", "支出金", "地方債", "市債", "起債", "使用料", "手数料", "負担金",
                "歳出", "歳入", "経費", "決算", "予算", "委託料", "補助金", "交付金", "費用")
_INDICATOR_WORDS = ("成果指標", "活動指標", "指標名", "目標値", "実績値", "達成率", "達成度")
# A fixed cost field for a sheet's own row label (spaces, brackets and ①(A)計 suffixes removed).
_FIELD_OF: dict[str, str] = {
    "事業費": "project_cost", "直接事業費": "project_cost", "事業費計": "project_cost", "直接経費": "project_cost",
    "人件費": "personnel_cost", "人件費計": "personnel_cost",
    "総事業費": "total_cost", "フルコスト": "total_cost", "トータルコスト": "total_cost", "総コスト": "total_cost",
    "総事業費計": "total_cost", "事業費合計": "total_cost", "合計": "total_cost",
    "国県支出金": "national_prefectural", "国・県支出金": "national_prefectural",
    "市債": "municipal_bonds", "地方債": "municipal_bonds", "起債": "municipal_bonds", "区債": "municipal_bonds",
    "町債": "municipal_bonds", "村債": "municipal_bonds",
    "使用料及び手数料": "user_charges", "使用料・手数料": "user_charges", "使用料手数料": "user_charges",
    "受益者負担金": "user_charges", "受益者負担": "user_charges",
    "その他": "other_revenue", "その他財源": "other_revenue", "その他特定財源": "other_revenue",
    "一般財源": "general_revenue", "一般財源等": "general_revenue",
}
_SECTION_KEYS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("活動指標", "活動実績"), "activity_analysis"),
    (("成果指標", "目標達成", "成果の"), "outcome_analysis"),
    (("コスト分析", "事業費の分析", "経費の分析", "総事業費"), "cost_analysis"),
    (("一次評価", "内部評価", "担当課評価", "所管課評価", "自己評価", "課長評価"), "primary_comment"),
    (("二次評価", "外部評価", "行革", "委員会評価"), "secondary_comment"),
    (("改善", "カイゼン", "改革", "見直し", "今後の方向", "方向性", "今後の取組"), "kaizen"),
    (("背景", "経緯", "開始"), "background"),
    (("今後の見通し", "予測", "将来"), "outlook"),
    (("住民", "市民ニーズ", "区民ニーズ", "意向", "ニーズ"), "resident_needs"),
    (("目的", "意図", "ねらい", "目指す姿"), "purpose"),
    (("手段", "事業内容", "事業概要", "実施内容", "活動内容", "取組内容", "内容"), "means"),
    (("現状", "課題"), "current"),
)
_UNIT_WORDS = ("千円", "円", "百万円", "万円", "人", "時間", "件", "回", "%", "人工", "日", "か所", "箇所", "校", "施設")
MONEY_SCALE = {"千円": 1, "円": 0.001, "百万円": 1000, "万円": 10}  # to 千円
_BASIS = {"予算": "予算", "当初予算": "予算", "補正後予算": "予算", "予算額": "予算", "決算": "決算", "決算額": "決算",
          "決算見込": "決算", "計画": "計画", "見込": "計画", "予定": "計画", "目標": "計画", "実績": "実績", "実績見込": "実績"}
_PERIOD = re.compile(
    r"(?:(?P<era>平成|令和|昭和|H|R|S)(?P<n>\d{1,2}|元)|(?P<w>(?:19|20)\d{2})|(?<![0-9])(?P<bare>\d{1,2})(?=年度))"
    r"(?:年度|年)?"
    r"[(（]?(?P<basis>当初予算|補正後予算|予算額|予算|決算額|決算見込|決算|実績見込|実績|計画|見込|予定|目標)?[)）]?"
)
_HEADER_FILLER = re.compile(r"^(?:単位|区分|項目|年度|費目|内訳|科目|\(?千円\)?|\(?円\)?|[(（]単位[:：]?[^)）]*[)）])+")
_LABEL_DECOR = re.compile(r"^(?:[■□●○◆◇▼▽☆★・※]|[0-9０-９]{1,2}[.．、)）]|[(（][0-9０-９]{1,2}[)）]|[①-⑳]|[一二三四五六七八九十]、)\s*")
_PROSE_MARK = re.compile(r"[。、，,．]")
_GLUED = re.compile(r"^[0-9,.−―\-]*[0-9][0-9,.−―\-]*$|^[−―\-]{2,}$")
_DASHES = "−―-"


# ── public interface ───────────────────────────────────────────────────────────────────────


def detect(text: str) -> float:
    """An evaluation sheet by its labels: a title or a name label, and figures or indicators.

    Never above 0.5: a template written for the family always wins (it is asked first).
    """
    key = _compact(text[:400_000])
    evaluation = bool(_TITLE.search(key)) or (any(n in key for n in _NAME_LABELS) and "評価" in key)
    substance = sum(w in key for w in _MONEY_WORDS) >= 2 or sum(w in key for w in _INDICATOR_WORDS) >= 2
    return 0.4 if evaluation and substance else 0.0


def labels_found(text: str) -> list[str]:
    """The evaluation-sheet words a text holds (for the refusal message)."""
    key = _compact(text[:400_000])
    words = [*_NAME_LABELS[:1], "事業名", *_MONEY_WORDS[:3], *_INDICATOR_WORDS[:2], "評価"]
    return [w for w in dict.fromkeys(words) if w in key]


def parse(text: str) -> Sheet:
    doc = _Doc.read(text)
    warnings: list[str] = []
    project = _project(doc)
    tables = _tables(doc, warnings)
    costs = _costs(tables, doc, warnings)
    indicators = _indicators(tables, warnings)
    used = {i for t in tables for i in t.lines}
    sections = _sections(doc, used | project_lines(doc))
    evaluation_fy, target_fy = _years(doc, tables)
    if project.name is None and not costs and not sections and not indicators:
        found = labels_found(text)
        raise SheetError("", "unknown layout: found " + ("・".join(found) if found else "evaluation words")
                         + " but no project name, period table or labelled text it could read")
    if project.name is None:
        warnings.append("事業名が読み取れませんでした（事務事業名・事業名の欄が見つかりません）")
    if target_fy is None:
        warnings.append("評価の対象年度が読み取れませんでした")
    return Sheet(
        sheet_id="",
        template=NAME,
        municipality=_municipality(doc),
        evaluation_fy=evaluation_fy,
        target_fy=target_fy,
        project=project,
        indicators=indicators,
        costs=costs,
        evaluations=_evaluations(doc),
        sections=sections,
        warnings=warnings,
    )


# ── the text as cells ──────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class _Line:
    no: int
    raw: str  # as printed, trimmed (prose is quoted from here)
    cells: tuple[str, ...]  # NFKC cells: pipe-separated, or whitespace tokens with words rejoined
    stream: bool  # one cell of a cell-per-line stream (``text |``)
    printed: tuple[str, ...] = ()  # the same cells as printed (names are quoted from here)

    @property
    def key(self) -> str:
        return _compact(self.raw)


@dataclass
class _Doc:
    lines: list[_Line]
    era: str  # the era bare 25年度 years belong to

    @classmethod
    def read(cls, text: str) -> _Doc:
        out = []
        for no, raw in enumerate(text.split("\n")):
            raw = raw.strip()
            if not raw:
                out.append(_Line(no, "", (), False))
                continue
            norm = nfkc(raw).replace("｜", "|")
            if "|" in norm:
                inner = norm.strip()
                stream = inner.endswith("|") and inner.count("|") == 1
                parts = [c.strip() for c in inner.strip("|").split("|")]
                cells = tuple(c for c in parts if c != "") if stream else tuple(parts)
                printed = tuple(c.strip() for c in raw.replace("｜", "|").strip().strip("|").split("|"))
                out.append(_Line(no, raw.rstrip("|｜ ").strip() if stream else raw, cells, stream,
                                 printed if len(printed) == len(cells) else cells))
            else:
                cells = _tokens(norm)
                printed = _tokens(raw)
                out.append(_Line(no, raw, cells, False, printed if len(printed) == len(cells) else cells))
        era = "令和" if "令和" in text or re.search(r"\bR\d", nfkc(text)) else "平成"
        return cls(out, era)


def _compact(s: str) -> str:
    return re.sub(r"\s+", "", nfkc(s))


def _tokens(norm: str) -> tuple[str, ...]:
    """Whitespace tokens, with spaced-out words joined back (``事 業 費`` → ``事業費``): runs of
    one-character word tokens are one word; words of several characters stay cells of their own."""
    out: list[str] = []
    single = False  # the last token was a one-character word
    for tok in norm.split():
        # ー (the long vowel mark) is a letter of spaced-out katakana, not a blank cell
        is_value = (_is_value(tok) or bool(_GLUED.match(tok))) and tok != "ー"
        if not is_value and len(tok) == 1 and single and out:
            out[-1] += tok
        else:
            out.append(tok)
        single = not is_value and len(out[-1]) >= 1 and (len(tok) == 1)
    return tuple(out)


def _is_value(tok: str) -> bool:
    try:
        parse_number(tok)
    except ValueError:
        return False
    return True


def _value(tok: str) -> Number | None:
    return parse_number(tok)


# ── periods and tables ────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class _Period:
    fy: int
    basis: str | None

    @property
    def label(self) -> str:
        return f"{self.fy}年度{self.basis or ''}"


def _periods(cell_text: str, era: str) -> list[_Period] | None:
    """The periods a header names, or None when it is not a header (anything but periods left)."""
    key = _HEADER_FILLER.sub("", _compact(cell_text))
    if not key:
        return None
    out: list[_Period] = []
    at = 0
    for m in _PERIOD.finditer(key):
        if m.start() != at:
            return None
        at = m.end()
        if m.group("w"):
            fy = int(m.group("w"))
        elif m.group("era"):
            fy = era_to_western(m.group("era"), 1 if m.group("n") == "元" else int(m.group("n")))
        else:
            fy = era_to_western(era, int(m.group("bare")))
        if not (m.group("w") or m.group("era") or "年" in m.group(0)):
            return None
        out.append(_Period(fy, _BASIS.get(m.group("basis") or "")))
    if at != len(key) or len(out) < 2:
        return None
    return out


@dataclass(eq=False)  # (a row is itself: two rows printing the same values are two rows)
class _Row:
    label: str
    unit: str | None
    values: list[Number | None] | None  # None: could not be placed (warned)
    line: int
    # glued digits that split into the row's count of values several ways, and the warning given:
    # the table's own sums may still tell which split is printed (see _split_by_sums)
    splits: list[list[Number | None]] = field(default_factory=list)
    warning: str = ""


@dataclass
class _Table:
    periods: list[_Period]
    unit: str | None  # the table's own unit ((単位：千円))
    rows: list[_Row] = field(default_factory=list)
    lines: set[int] = field(default_factory=set)


_TABLE_UNIT = re.compile(r"単位[:：]?\s*[(（]?(千円|百万円|万円|円|人)[)）]?")


def _tables(doc: _Doc, warnings: list[str]) -> list[_Table]:
    tables: list[_Table] = []
    lines = doc.lines
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.cells:
            i += 1
            continue
        if line.stream:
            got = _stream_table(doc, i, warnings)
        else:
            got = _line_table(doc, i, warnings)
        if got is None:
            i += 1
            continue
        table, nxt = got
        table.unit = table.unit or _unit_near(lines, i)
        tables.append(table)
        i = nxt
    return tables


def _unit_near(lines: list[_Line], at: int) -> str | None:
    for j in range(at, max(-1, at - 4), -1):
        m = _TABLE_UNIT.search(_compact(lines[j].raw))
        if m:
            return m.group(1)
    return None


def _header_periods(line: _Line, era: str) -> tuple[list[_Period], bool] | None:
    """Periods of a header line, and whether its cells begin with a 単位 column."""
    joined = "".join(line.cells)
    periods = _periods(joined, era)
    if periods is None:
        return None
    has_unit_column = _compact(joined).startswith("単位")
    return periods, has_unit_column


def _line_table(doc: _Doc, at: int, warnings: list[str]) -> tuple[_Table, int] | None:
    head = _header_periods(doc.lines[at], doc.era)
    if head is None:
        return None
    periods, unit_column = head
    m = _TABLE_UNIT.search(doc.lines[at].key)
    table = _Table(periods, m.group(1) if m else None)
    table.lines.add(doc.lines[at].no)
    j = at + 1
    misses = 0
    while j < len(doc.lines):
        line = doc.lines[j]
        if not line.cells:
            j += 1
            if misses:
                break
            misses += 1
            continue
        if _header_periods(line, doc.era) is not None:
            break
        row = _row_from_cells(list(line.cells), len(periods), line.no, warnings, unit_column, _settled_columns(periods))
        if row is None:
            break
        misses = 0
        table.rows.append(row)
        table.lines.add(line.no)
        j += 1
    return (table, j) if table.rows else None


def _stream_table(doc: _Doc, at: int, warnings: list[str]) -> tuple[_Table, int] | None:
    """One cell per line: a header is a run of period cells (after 単位/区分 cells); each row is a
    label cell, an optional unit cell, then one cell per period (``−`` where not applicable)."""
    lines = doc.lines
    j = at
    head_lines = []
    while j < len(lines) and lines[j].stream and _HEADER_FILLER.fullmatch(_compact(lines[j].raw) or "x"):
        head_lines.append(lines[j].no)
        j += 1
    periods: list[_Period] = []
    while j < len(lines) and lines[j].stream and (one := _one_period(lines[j].raw, doc.era)) is not None:
        periods.append(one)
        head_lines.append(lines[j].no)
        j += 1
    if len(periods) < 2:
        return None
    table = _Table(periods, None)
    table.lines.update(head_lines)
    n = len(periods)
    while j < len(lines):
        if not lines[j].key:
            j += 1
            continue
        if not lines[j].stream or _is_value(lines[j].key) or _one_period(lines[j].raw, doc.era):
            break
        label = _compact(lines[j].raw)
        k = j + 1
        unit = None
        if k < len(lines) and lines[k].stream and _compact(lines[k].raw) in _UNIT_WORDS:
            unit = _compact(lines[k].raw)
            k += 1
        cells: list[str] = []
        while k < len(lines) and lines[k].stream and len(cells) < n and _is_value(_compact(lines[k].raw)):
            cells.append(_compact(lines[k].raw))
            k += 1
        if len(cells) < n:
            # a row this short is not a row of this table (or the stream lost cells): stop here
            if cells:
                warnings.append(f"{label}: 値が{len(cells)}個で欄が{n}個あり、読み取っていません（{'、'.join(cells)}）")
                table.lines.update(ln.no for ln in lines[j:k])
                j = k
            break
        table.rows.append(_Row(label, unit, [_value(c) for c in cells], lines[j].no))
        table.lines.update(ln.no for ln in lines[j:k])
        j = k
    return (table, j) if table.rows else None


def _one_period(cell: str, era: str) -> _Period | None:
    got = _periods(cell + cell, era)  # a lone period: doubled, it must read as exactly two
    if got is None or len(got) != 2:
        return None
    return got[0]


_UNIT_TAIL = re.compile(r"^(.+?)(千円|百万円|万円|円|人)$")


_SETTLED_BASES = ("決算", "実績")
_AHEAD_BASES = ("予算", "計画")  # (a 見込 column is read as 計画)


def _settled_columns(periods: list[_Period]) -> list[int] | None:
    """The settled columns (決算/実績) of a header whose every other column is a budget or a plan
    (2022年度決算, 2023年度決算, 2024年度予算 → [0, 1]); None for any other header."""
    settled = [i for i, p in enumerate(periods) if p.basis in _SETTLED_BASES]
    ahead = [p for p in periods if p.basis not in _SETTLED_BASES]
    return settled if settled and ahead and all(p.basis in _AHEAD_BASES for p in ahead) else None


def _row_from_cells(cells: list[str], n: int, line_no: int, warnings: list[str],
                    unit_column: bool = False, settled: list[int] | None = None) -> _Row | None:
    """A table row: label cells, an optional unit, then values. None when the line is no row.
    ``settled``: the header's settled columns, when the others are budgets or plans — a row with
    exactly that many values (「正職員数 人 4.3 3.8」 under 決算, 決算, 予算) is read as the settled
    figures, its budget cells blank, and a warning says so."""
    cells = [c.strip() for c in cells if c is not None]
    glued = False
    if len(cells) == 1:
        m = re.match(r"^(\D+?)([0-9,.△▲\-−―]+)$", _compact(cells[0]))
        if m:
            cells = [m.group(1), m.group(2)]
            glued = True
        elif unit_column and (u := _UNIT_TAIL.match(_compact(cells[0]))) and len(_compact(cells[0])) <= 24:
            cells = [u.group(1), u.group(2)]  # a row of blanks only: its label and unit
        else:
            return None
    if unit_column and len(cells) >= 1 and not _is_value(_compact(cells[0])):
        u = _UNIT_TAIL.match(_compact(cells[0]))
        if u and (len(cells) == 1 or _compact(cells[1]) not in _UNIT_WORDS):
            cells[0:1] = [u.group(1), u.group(2)]
    label_parts: list[str] = []
    while cells and not _is_value(_compact(cells[0])) and not _GLUED.match(_compact(cells[0])):
        if label_parts and _compact(cells[0]) in _UNIT_WORDS:
            break
        label_parts.append(cells.pop(0))
    if not label_parts or not cells and not label_parts:
        return None
    label = _compact("".join(label_parts))
    unit = None
    if cells and _compact(cells[0]) in _UNIT_WORDS:
        unit = _compact(cells.pop(0))
    m = re.match(r"^(.*?)[(（](千円|円|人|百万円|万円)[)）]$", label)
    if m and unit is None:
        label, unit = m.group(1), m.group(2)
    if len(label) > 30 or _PROSE_MARK.search(label.replace("・", "")):
        return None
    if not cells:
        # a label (and unit) with no value at all: every cell of the row is blank
        return _Row(label, unit, [None] * n, line_no) if unit is not None or unit_column else None
    options = _readings([_compact(c) for c in cells], glued, n)
    if options is None:
        if all(re.search(r"\d", _compact(c)) or _compact(c) in _DASHES for c in cells):
            warnings.append(f"{label}: 値（{'、'.join(cells)}）を数として読めず、読み取っていません")
            return _Row(label, unit, None, line_no)
        return None
    fitting = [o for o in options if len(o) == n]
    if len(fitting) == 1:
        return _Row(label, unit, fitting[0], line_no)
    shown = "、".join(c for c in cells)
    if len(fitting) > 1:
        warning = f"{label}: 続けて印字された数字（{shown}）の区切り方が{len(fitting)}通りあり、読み取っていません"
        warnings.append(warning)
        return _Row(label, unit, None, line_no, splits=fitting, warning=warning)
    elif all(len(o) < n for o in options):
        counts = sorted({len(o) for o in options})
        if settled is not None and len(fits := [o for o in options if len(o) == len(settled)]) == 1:
            warnings.append(f"{label}: 値が{len(settled)}個で欄が{n}個あり、決算・実績の欄の値として読みました"
                            f"（予算・計画の欄は空欄とみなしています：{shown}）")
            placed: list[Number | None] = [None] * n
            for at, v in zip(settled, fits[0], strict=True):
                placed[at] = v
            return _Row(label, unit, placed, line_no)
        warnings.append(
            f"{label}: 値が{counts[0]}個で欄が{n}個あり、空欄の位置が決められないため読み取っていません（{shown}）"
        )
    else:
        warnings.append(f"{label}: 値が欄（{n}個）より多く、読み取っていません（{shown}）")
    return _Row(label, unit, None, line_no)


# how many ways to split one glued cell are tried: enough for a row of five small numbers (51 ways for
# 「1112131415」), so that the table's sums can still find the printed one (_split_by_sums)
_MAX_SPLITS = 256


def _readings(cells: list[str], glued: bool = False, n: int | None = None) -> list[list[Number | None]] | None:
    """Every way to read the cells as values: a cell is a value, or glued values split by
    their comma grouping. None when a cell is no value at all. In glued text (``glued``) a run of
    four digits or more without a comma is never one number: it is split too."""
    per_cell: list[list[list[Number | None]]] = []
    for c in cells:
        lone = n if len(cells) == 1 else None
        if glued and re.fullmatch(r"\d{4,}", c):
            per_cell.append(_split_glued(c, lone, _MAX_SPLITS) or [[_value(c)]])
        elif _is_value(c):
            whole = [[_value(c)]]
            splits = _split_glued(c, lone, _MAX_SPLITS) if "," in c else []
            per_cell.append(whole + [s for s in splits if len(s) > 1])
        elif _GLUED.match(c):
            splits = _split_glued(c, lone, _MAX_SPLITS)
            if not splits:
                return None
            per_cell.append(splits)
        else:
            return None
        if len(per_cell[-1]) > _MAX_SPLITS:
            return None
    out = []
    for combo in product(*per_cell):
        out.append([v for part in combo for v in part])
        if len(out) > _MAX_SPLITS:
            break
    return out


def _split_glued(s: str, n: int | None = None, limit: int = 16) -> list[list[Number | None]]:
    """``1,0611,0611,297`` → [[1061, 1061, 1297]]: the splits into numbers whose thousands are
    comma-grouped (a number of four digits or more without a comma cannot stand in glued text);
    with ``n``, only the splits into exactly ``n`` values. At most ``limit`` are returned."""
    out: list[list[Number | None]] = []

    def walk(at: int, acc: list[Number | None]) -> None:
        if len(out) >= limit:
            return
        if at == len(s):
            if n is None or len(acc) == n:
                out.append(list(acc))
            return
        if n is not None and len(acc) >= n:
            return
        for m in _candidates(s, at):
            acc.append(None if m in _DASHES else parse_number(m))
            walk(at + len(m), acc)
            acc.pop()

    walk(0, [])
    return out


def _candidates(s: str, at: int) -> list[str]:
    rest = s[at:]
    found = []
    if rest[:1] in _DASHES:
        return [rest[:1]]
    m = re.match(r"[1-9]\d{0,2}", rest)
    if rest.startswith("0"):
        found.append("0")
        for d in (1, 2):
            if rest[1:2] == "." and rest[2:2 + d].isdigit() and len(rest[2:2 + d]) == d:
                found.append(rest[:2 + d])
        return found
    if not m:
        return found
    head = m.group(0)
    for k in range(1, len(head) + 1):
        base = head[:k]
        found.append(base)
        for d in (1, 2):
            if rest[k:k + 1] == "." and rest[k + 1:k + 1 + d].isdigit() and len(rest[k + 1:k + 1 + d]) == d:
                found.append(rest[:k + 1 + d])
        # comma groups after these leading digits
        g = k
        while rest[g:g + 1] == "," and re.fullmatch(r"\d{3}", rest[g + 1:g + 4] or ""):
            g += 4
            found.append(rest[:g])
    return list(dict.fromkeys(found))


# ── costs ──────────────────────────────────────────────────────────────────────────────────


def _money_row(label: str, unit: str | None, table_unit: str | None) -> bool:
    if unit is not None:
        return unit in MONEY_SCALE
    return any(w in label for w in _MONEY_WORDS) or label in _FIELD_OF or table_unit in MONEY_SCALE


def field_of(label: str) -> str | None:
    """The fixed cost field a sheet's own row label names (フルコスト → total_cost), or None."""
    return _FIELD_OF.get(_field_label(label))


def _field_label(label: str) -> str:
    s = re.sub(r"[(（][^)）]*[)）]|[①-⑳]|[A-Z]$", "", label)
    return s.replace(" ", "")


def _split_by_sums(table: _Table, warnings: list[str]) -> None:
    """A cost row whose glued digits split several ways (``322934``: 32・29・34, 3・229・34 …) is read
    the one way that makes the table's own sums hold in every year — its revenue rows adding up to
    事業費 or 総事業費, the spending rows above the total (事業費 + 人件費, 直接 + 間接) adding up to it —
    and left unread when no way or several ways do. Rows read this way may settle another's split;
    rows left are tried together (two revenue rows glued in one table)."""
    units = Counter(r.unit or table.unit for r in table.rows if (r.unit or table.unit) in MONEY_SCALE)
    if not units:
        return
    # the rows in the table's own money unit (a 円 unit-cost row in a 千円 table adds up with none)
    unit = units.most_common(1)[0][0]
    money = [r for r in table.rows if (r.unit or table.unit) == unit]
    sums = _Sums(money, len(table.periods))

    def settle(rows: list[_Row], ways: list[tuple[list[Number | None], ...]]) -> bool:
        fits = [w for w in ways if all(sums.hold(r, dict(zip(rows, w, strict=True))) for r in rows)]
        if len(fits) != 1:
            return False
        for r, values in zip(rows, fits[0], strict=True):
            r.values = values
            if r.warning in warnings:
                warnings.remove(r.warning)
            shown = "・".join("−" if v is None else format_number(v) for v in values)
            warnings.append(f"{r.label}: 続けて印字された数字の区切り方が{len(r.splits)}通りあり、"
                            f"表の合計が合う区切り方（{shown}）で読みました")
        return True

    def open_rows() -> list[_Row]:
        return [r for r in money if r.values is None and r.splits]

    while any(settle([r], [(o,) for o in r.splits]) for r in open_rows()):
        pass
    left = open_rows()
    if 1 < len(left) <= 3 and prod(len(r.splits) for r in left) <= 4096:
        settle(left, list(product(*(r.splits for r in left))))


class _Sums:
    """The sums a cost table's rows take part in: revenue rows add up to 事業費 or 総事業費; the
    spending rows above the total add up to it."""

    def __init__(self, money: list[_Row], n: int) -> None:
        fields = {r: field_of(r.label) for r in money}
        self.total = next((r for r in money if fields[r] == "total_cost"), None)
        self.spend = ([r for r in money[:money.index(self.total)] if fields[r] not in REVENUE_FIELDS]
                      if self.total else [])
        self.revenue = [r for r in money if fields[r] in REVENUE_FIELDS]
        self.ends = [r for r in money if fields[r] in ("project_cost", "total_cost")]
        self.n = n

    def hold(self, row: _Row, assumed: dict[_Row, list[Number | None]]) -> bool:
        """Whether every sum ``row`` takes part in holds in every year, with ``assumed`` values for the
        rows not read, and some year tests one. A dash (−) in a row read counts as none."""
        checks: list[tuple[list[_Row], list[_Row]]] = []  # (parts, any one of these is their sum)
        if row in self.revenue or row in self.ends and self.revenue:
            checks.append((self.revenue, self.ends))
        if self.total is not None and len(self.spend) >= 2 and (row is self.total or row in self.spend):
            checks.append((self.spend, [self.total]))

        def cell(r: _Row, i: int) -> Number | None:
            vals = assumed.get(r, r.values)
            return None if vals is None else vals[i] or 0

        tested = False
        for i in range(self.n):
            for parts, ends in checks:
                got = [cell(r, i) for r in parts]
                targets = [v for r in ends if (v := cell(r, i))]
                if any(v is None for v in got) or not targets:
                    continue  # a row unread: no sum to test this year
                if not any(abs(sum(v for v in got if v is not None) - t) <= 1 for t in targets):
                    return False
                tested = True
        return tested


def _costs(tables: list[_Table], doc: _Doc, warnings: list[str]) -> list[Cost]:
    by_key: dict[tuple[int, str | None], Cost] = {}
    for table in tables:
        money_rows = [r for r in table.rows if _money_row(r.label, r.unit, table.unit)]
        if not money_rows:
            continue
        _split_by_sums(table, warnings)
        for row in table.rows:
            if row.values is None:
                continue
            unit = row.unit or (table.unit if _money_row(row.label, None, table.unit) else None)
            if unit is None and _money_row(row.label, None, None):
                unit = "千円"
            for period, v in zip(table.periods, row.values, strict=True):
                cost = by_key.setdefault((period.fy, period.basis), Cost(fy=period.fy, basis=period.basis))
                if cost.row(row.label) is None:
                    cost.rows.append(CostRow(label=row.label, value=v, unit=unit))
    costs = sorted(by_key.values(), key=lambda c: (c.fy, c.basis or ""))
    _map_fields(costs, warnings)
    return [c for c in costs if not c.is_empty()]


def _map_fields(costs: list[Cost], warnings: list[str]) -> None:
    """Fill the fixed fields (千円) from rows whose label names them, unless the sheet's own
    arithmetic contradicts the mapping in some year (then the rows alone hold the figures)."""
    candidates: dict[str, str] = {}  # field → the label that fills it
    for c in costs:
        for r in c.rows:
            f = _FIELD_OF.get(_field_label(r.label))
            if f and r.unit in MONEY_SCALE and f not in candidates:
                candidates[f] = r.label
    if not candidates:
        return

    def filled(c: Cost, fields: dict[str, str]) -> dict[str, Number | None]:
        out: dict[str, Number | None] = {}
        for f, label in fields.items():
            r = c.row(label)
            if r is None or r.value is None:
                continue
            v = r.value * MONEY_SCALE[r.unit or "千円"]
            out[f] = round(v) if abs(v - round(v)) < 1e-9 else round(v, 3)
        return out

    def contradicted(fields: dict[str, str]) -> bool:
        for c in costs:
            got = filled(c, fields)
            pc, pe, tc = got.get("project_cost"), got.get("personnel_cost"), got.get("total_cost")
            if costs_add_up(pc, pe, tc) is False:
                return True
            if tc is not None and got.get("general_revenue") is not None:
                rev = sum(v for f, v in got.items() if f in REVENUE_FIELDS and v is not None)
                if abs(rev - tc) > 1 and not (pc is not None and abs(rev - pc) <= 1):
                    return True
        return False

    fields = dict(candidates)
    if contradicted(fields):
        # keep the spending side alone, then drop what still does not add up
        spend = {f: label for f, label in fields.items() if f not in REVENUE_FIELDS}
        fields = spend if not contradicted(spend) else {}
        dropped = [label for f, label in candidates.items() if f not in fields]
        if dropped:
            warnings.append(
                f"{'・'.join(dropped)}: 事業費・人件費・総事業費・財源の関係が合わないため、"
                "シートの行見出しのまま保持しました（rows）"
            )
    for c in costs:
        for f, v in filled(c, fields).items():
            setattr(c, f, v)


# ── indicators ─────────────────────────────────────────────────────────────────────────────

_PLAN_LABELS = ("目標値", "計画値", "目標", "計画", "予定値", "見込値")
_ACTUAL_LABELS = ("実績値", "実績")


_RESULT = re.compile(r"(拡充|継続|改善|縮小|統合|休止|廃止|完了|現状維持|見直し)")
_RESULT_LABEL = re.compile(r"(一次評価|二次評価|評価結果|総合評価|今後の方向性|方向性|評価区分)")


def _evaluations(doc: _Doc) -> list[Evaluation]:
    """A result word printed with a result label (評価結果 継続, 二次評価：改善)."""
    found: dict[str, str] = {}
    lines = [ln for ln in doc.lines if ln.key]
    for i, line in enumerate(lines):
        m = _RESULT_LABEL.search(line.key)
        if not m or len(line.key) > 40:
            continue
        stage = "secondary" if m.group(1) == "二次評価" else "primary"
        tail = line.key[m.end():]
        nxt = lines[i + 1].key if i + 1 < len(lines) else ""
        for cand in (tail, nxt):
            r = _RESULT.fullmatch(re.sub(r"^[:：]", "", cand))
            if r:
                found.setdefault(stage, r.group(1))
                break
    return [Evaluation(stage=st, result=w) for st, w in found.items()]


def _indicators(tables: list[_Table], warnings: list[str]) -> list[Indicator]:
    """Indicator rows: a name row (with its unit) followed by 目標/実績 rows, in a period table."""
    out: list[Indicator] = []
    counts = {"activity": 0, "outcome": 0}
    for table in tables:
        if any(p.basis for p in table.periods):
            continue
        current: Indicator | None = None
        for row in table.rows:
            label = row.label
            plan = any(label.endswith(w) or label == w for w in _PLAN_LABELS)
            actual = any(label.endswith(w) or label == w for w in _ACTUAL_LABELS)
            if not (plan or actual):
                continue
            name = re.sub("|".join(_PLAN_LABELS + _ACTUAL_LABELS) + "$", "", label) or None
            if current is None or (name and name != current.name):
                kind = "activity" if name and "活動" in name else "outcome"
                if counts[kind] >= 9:
                    continue
                counts[kind] += 1
                current = Indicator(kind=kind, no=counts[kind], name=name, unit=row.unit)
                out.append(current)
            if row.values is None:
                continue
            for period, v in zip(table.periods, row.values, strict=True):
                cell = current.value(period.fy)
                if cell is None:
                    cell = IndicatorValue(fy=period.fy)
                    current.values = sorted([*current.values, cell], key=lambda c: c.fy)
                setattr(cell, "plan" if plan else "actual", v)
    return [i for i in out if i.values]


# ── project, years, municipality ───────────────────────────────────────────────────────────


def _after_label(doc: _Doc, labels: tuple[str, ...]) -> tuple[str, int] | None:
    """The value printed with a label: in its cell after it (``事業名：…``, glued ``事業名…``), else
    the next cell, else the next non-empty line. Returns (value, line number)."""
    lines = doc.lines
    every = (*_NAME_LABELS, *_DEPT_LABELS, *_SECTION_LABELS, *_ORG_BOTH)
    for i, line in enumerate(lines):
        cells = [line.raw] if line.stream else list(line.printed or line.cells)
        for k, cell in enumerate(cells):
            ckey = _compact(cell)
            if not ckey or len(ckey) > 80:
                continue
            for label in labels:
                at = ckey.find(label)
                # a label opens its cell, or follows another label's value on a glued line
                if at < 0 or (at > 0 and not any(ckey.startswith(w) for w in every)):
                    continue
                rest = _cut_at_label(re.sub(r"^[:：]", "", ckey[at + len(label):]))
                if rest:
                    return _as_printed(rest, cell), line.no
                for nxt in cells[k + 1:k + 2]:
                    if _compact(nxt) and not _is_label_word(_compact(nxt)):
                        return _as_printed(_cut_at_label(_compact(nxt)), nxt), line.no
                for j in range(i + 1, min(len(lines), i + 3)):
                    cand = lines[j].raw if lines[j].stream else " ".join(lines[j].cells)
                    if _compact(cand):
                        if _is_label_word(_compact(cand)) or len(_compact(cand)) > 60:
                            break
                        return cand.strip(), lines[j].no
                break
    return None


def _as_printed(value: str, cell: str) -> str:
    """The value as the sheet prints it (ＬＥＤ stays ＬＥＤ) when it can be found in the cell."""
    raw = re.sub(r"\s+", "", cell)
    key = _compact(cell)
    at = key.find(value)
    if at >= 0 and len(raw) == len(key):
        return raw[at:at + len(value)]
    return value


def _cut_at_label(value: str) -> str:
    """``危機管理部担当課防災安全課`` → ``危機管理部``: a value runs up to the next label glued to it."""
    labels = (*_NAME_LABELS, *_DEPT_LABELS, *_SECTION_LABELS, "評価結果", "事業期間", "根拠法令")
    cut = len(value)
    for label in labels:
        at = _compact(value).find(label)
        if 0 < at < cut:
            cut = at
    if cut < len(_compact(value)):
        return _compact(value)[:cut]
    return value


def _is_label_word(key: str) -> bool:
    every = (*_NAME_LABELS, *_DEPT_LABELS, *_SECTION_LABELS, *_ORG_BOTH, "政策", "施策", "基本事業", "事業期間",
             "根拠法令", "会計", "款", "項", "目", "事業コード", "事業番号", "整理番号")
    return any(key == w or key.startswith(w + ":") for w in every)


def project_lines(doc: _Doc) -> set[int]:
    found = set()
    for labels in (_NAME_LABELS, _DEPT_LABELS, _SECTION_LABELS, _ORG_BOTH):
        got = _after_label(doc, labels)
        if got:
            found.add(got[1])
    return found


_ORG_SPLIT = re.compile(r"^(\S+?(?:部|局|委員会|事務局))\s*[・/／ ]?\s*(\S+?(?:課|室|係|所|センター|館|グループ))$")


def _project(doc: _Doc) -> Project:
    name = _after_label(doc, _NAME_LABELS)
    dept = _after_label(doc, _DEPT_LABELS)
    section = _after_label(doc, _SECTION_LABELS)
    p = Project(name=_clean_value(name[0]) if name else None,
                department=_clean_value(dept[0]) if dept else None,
                section=_clean_value(section[0]) if section else None)
    if p.department is None or p.section is None:
        both = _after_label(doc, _ORG_BOTH)
        if both:
            m = _ORG_SPLIT.match(_compact(both[0]))
            if m:
                p.department = p.department or m.group(1)
                p.section = p.section or m.group(2)
    return p


def _clean_value(v: str) -> str | None:
    v = re.sub(r"^[|:：\s]+|[|\s]+$", "", v).strip()
    return v or None


_TARGET_LABEL = re.compile(
    r"(?:評価対象年度|対象年度|実施年度|事業年度)[:：]?((?:平成|令和|H|R)(?:\d{1,2}|元)年度?|(?:19|20)\d{2}年度?)"
)
_TARGET_PHRASE = re.compile(r"[(（]?((?:平成|令和|H|R)(?:\d{1,2}|元)|(?:19|20)\d{2})年度?(?:実施事業|実施分|の事業|事業分)")
_TITLE_YEAR = re.compile(r"((?:平成|令和|H|R)(?:\d{1,2}|元)|(?:19|20)\d{2})年度?.{0,6}(?:事務事業|事業|行政)(?:評価|マネジメント|点検)")


def _fy(text: str) -> int | None:
    m = re.match(r"(平成|令和|H|R)(\d{1,2}|元)|((?:19|20)\d{2})", text)
    if not m:
        return None
    if m.group(3):
        return int(m.group(3))
    return era_to_western(m.group(1), 1 if m.group(2) == "元" else int(m.group(2)))


def _years(doc: _Doc, tables: list[_Table]) -> tuple[int | None, int | None]:
    """(evaluation_fy, target_fy): the year a label or the title states; the evaluated year
    otherwise is the latest with settled figures (決算 or 実績) in a period table."""
    head = "".join(_compact(ln.raw) for ln in doc.lines[:40])
    whole = "".join(_compact(ln.raw) for ln in doc.lines)
    evaluation = target = None
    m = _TITLE_YEAR.search(head)
    if m:
        evaluation = _fy(m.group(1))
    m = _TARGET_LABEL.search(whole) or _TARGET_PHRASE.search(head)
    if m:
        target = _fy(m.group(1))
    if target is None:
        settled = [p.fy for t in tables for p in t.periods if p.basis in ("決算", "実績")
                   and any(r.values and r.values[t.periods.index(p)] is not None for r in t.rows)]
        if settled:
            target = max(settled)
    return evaluation, target


_CITY = re.compile(r"([\u4e00-\u9fff]{1,5}?(?:市|区|町|村))(?:役所|役場)?$|^([\u4e00-\u9fff]{1,5}?(?:市|区|町|村))(?=\S{0,14}(?:事務事業|行政|事業)評価)")


def _municipality(doc: _Doc) -> str | None:
    for line in doc.lines[:30]:
        m = _CITY.search(line.key)
        if m:
            city = m.group(1) or m.group(2)
            if city and not city.startswith(("市民", "区民", "町民", "村民")):
                return city
    return None


# ── prose ──────────────────────────────────────────────────────────────────────────────────


def _section_key(label: str) -> str:
    for words, key in _SECTION_KEYS:
        if any(w in label for w in words):
            return key
    return "other"


_GLUED_LABEL = re.compile(
    r"^(事業の目的|事業目的|事業の対象|対象|意図|目的|事業の内容|事業内容|事業概要|実施内容|手段|現状と課題|現状|課題|"
    r"今後の方向性|今後の方向|方向性|改善策|改善内容|改善案|総合評価|評価の理由|評価理由|評価結果|所見|背景|成果の状況|活動実績)"
    r"(?=\S{8,}[。、])"
)


def _label_of(line: _Line) -> tuple[str, str] | None:
    """(label, text after it on the line) when the line opens a labelled block."""
    g = _GLUED_LABEL.match(_compact(line.raw))
    if g and not line.stream and len(line.cells) <= 2:
        return g.group(1), line.raw.strip()[len(line.raw.strip()) - len(_compact(line.raw)) + len(g.group(1)):] \
            if False else _compact(line.raw)[len(g.group(1)):]
    text = line.raw if line.stream else " ".join(line.cells) if len(line.cells) > 1 and "|" in line.raw else line.raw
    cells = list(line.cells) if ("|" in nfkc(line.raw) and not line.stream) else [text]
    first = nfkc(cells[0]).strip()
    first = _LABEL_DECOR.sub("", first)
    m = re.match(r"^[【\[<〈]([^】\]>〉]{1,24})[】\]>〉]\s*[:：]?\s*(.*)$", first) or \
        re.match(r"^([^:：。、]{1,24}?)\s*[:：]\s*(.*)$", first)
    if m:
        label, rest = _compact(m.group(1)), m.group(2).strip()
    else:
        label, rest = _compact(first), ""
    if len(cells) > 1:
        rest = " ".join(c for c in cells[1:] if c).strip() or rest
    if not label or len(label) > 24 or _PROSE_MARK.search(label) or _is_value(label):
        return None
    if _section_key(label) == "other" and not m:
        return None
    return label, rest


def _sections(doc: _Doc, skip: set[int]) -> list[Section]:
    out: list[Section] = []
    label: str | None = None
    body: list[str] = []

    def close() -> None:
        nonlocal label, body
        text = "".join(b.strip() for b in body).strip()
        if text and (label or _PROSE_MARK.search(text)) and len(text) >= 8:
            key = _section_key(label) if label else "other"
            out.append(Section(key=key, label=label or "その他", text=text))
        label, body = None, []

    for line in doc.lines:
        if line.no in skip or not line.raw:
            if not line.raw and body and not line.stream:
                close()
            continue
        got = _label_of(line)
        if got is not None and not _PROSE_MARK.search(got[0]):
            close()
            label = got[0]
            if got[1]:
                body.append(got[1])
            continue
        if _PROSE_MARK.search(line.raw) or len(_compact(line.raw)) >= 20:
            body.append(line.raw)
        elif body:
            close()
    close()
    return out
