"""郡山市 事務事業評価シート of the 平成 era (koriyama-h27): extracted text → Sheet.

The PDF text of this family keeps the words but loses the grid (docs/formats.md): one cell per
line, labels, figures and prose interleaved, vertical labels split into fragments (``目的`` /
``(アウトカ`` / ``ム)``), and the year labels displaced from the figures they head. So this reader
does not look for table rows; it looks for the few anchors it can trust and reads around them:

- an indicator is announced by its ``単位: X`` line; its name is the nearest free-text line
  above that; its label (成果指標N / 活動指標N) is the label touching the name, else it is
  told by which side of the 手段 (means) row the name stands on;
- the figures that follow a run of indicator names belong to that run. One indicator per run
  reads column by column (plan, actual for each year). Several indicators in one run come out
  tangled; they are placed with every clue at hand (row-label anchors, 累計/単年度 arithmetic,
  reading order) and each such placement is reported in ``warnings``;
- costs are the rows 事業費 / 人件費 / 総事業費 after ``○事業費``, one line per row or one line
  per value; a short row is placed where 事業費 + 人件費 = 総事業費 holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations, product

from ingest.errors import SheetError
from ingest.model import Cost, Indicator, IndicatorValue, Project, Section, Sheet
from ingest.normalize import (
    era_label,
    era_to_western,
    find_fiscal_years,
    format_number,
    is_cell,
    nfkc,
    parse_number,
)

NAME = "koriyama-h27"
MUNICIPALITY = "郡山市"

Number = int | float
Slot = tuple[int, str]  # (fiscal year, "plan" | "actual")
Key = tuple[str, int]  # (kind, no)

_KINDS = {"成果": "outcome", "活動": "activity"}
_KIND_LABEL = {"outcome": "成果指標", "activity": "活動指標"}
_FIELD_LABEL = {"plan": "計画値", "actual": "実績値"}
_ROW_FIELDS = {"計画値": "plan", "実績値": "actual"}
_COST_ROWS = {"事業費": "project_cost", "人件費": "personnel_cost", "総事業費": "total_cost"}
_COST_LABEL = {f: label for label, f in _COST_ROWS.items()}

_INDICATOR_LABEL = re.compile(r"^(成果|活動)指標\s*([1-9])$")
_UNIT = re.compile(r"^単位\s*:\s*(.*)$")
_CODE = re.compile(r"^\d+(?:-\d+)+$")  # 政策体系 codes such as 1-1-2
_DEPARTMENT = re.compile(r"^\S{1,20}(?:部|局|委員会)$")
_SECTION = re.compile(r"^\S{1,30}(?:課|室)$")
_PERSONNEL_NOTE = re.compile(r"人件費は(.{2,12}?年度)に算定方法を見直")
_BARE_YEAR = re.compile(r"(?<![0-9])(\d{1,2}|元)\s*年度")
_EVALUATION_HEADER = re.compile(r"^(.{2,16}?年度)\s*事務事業評価")
_FIXED_LABELS = frozenset({"事務事業名", "部", "課", "区分", "NO", "政策体系"})
# Vertical labels come out one piece per line; any short piece of them is a label, not text.
_VERTICAL_LABELS = ("目的(アウトカム)", "手段(アウトプット)", "一次評価", "二次評価")
_PURPOSE_LABEL = "目的(アウトカム)"
_MEANS_LABEL = "手段(アウトプット)"

_MARKERS = (
    lambda t: t == "事務事業名",
    lambda t: t == "○事業概要",
    lambda t: bool(_UNIT.match(t)),
    lambda t: t in _ROW_FIELDS,
    lambda t: t.startswith("○事業費"),
    lambda t: t == "○事業継続性評価",
    lambda t: _is_year_label(t) and ("平成" in t or t.startswith("H")),
)
# Checked on the text as printed: NFKC turns the 令和 family's 成果指標① into 成果指標1.
_RAW_INDICATOR_LABEL = re.compile(r"^(?:成果|活動)指標\s*[1-9１-９]$")
_MIN_MARKERS = 3


@dataclass(frozen=True)
class _Line:
    text: str  # NFKC-normalised, for matching
    raw: str  # as printed, for what the sheet says (names, prose)


@dataclass(frozen=True)
class _Cell:
    at: int  # line index
    value: Number | None  # None for a blank mark such as ―


@dataclass
class _Head:
    """One indicator block: its name and unit, and the label it was given."""

    at: int  # line of the name, or of 単位 when no name was found
    name: str | None
    unit: str | None
    kind: str = "outcome"
    no: int = 0

    @property
    def key(self) -> Key:
        return (self.kind, self.no)

    @property
    def label(self) -> str:
        return f"{_KIND_LABEL[self.kind]}{self.no}"


# ---------------------------------------------------------------- public interface


def detect(text: str) -> float:
    """How surely the text is a koriyama-h27 sheet: the share of its fixed markers present.

    Markers are matched as whole lines, so prose that merely mentions 事業費 or 平成25年度 scores 0.
    """
    if "事務事業マネジメントシート" in text:  # the 令和 family's header (koriyama-r7)
        return 0.0
    lines = _read_lines(text)
    hits = sum(1 for marker in _MARKERS if any(marker(line.text) for line in lines))
    hits += any(_RAW_INDICATOR_LABEL.match(line.raw) for line in lines)
    total = len(_MARKERS) + 1
    return hits / total if hits >= _MIN_MARKERS else 0.0


def parse(text: str) -> Sheet:
    """Read one sheet. Raises SheetError when the text is too truncated to hold an indicator."""
    lines = _read_lines(text)
    warnings: list[str] = []
    end = _first(lines, lambda t: t.startswith("○事業費") or t == "○事業継続性評価", default=len(lines))
    cost_start = _first(lines, lambda t: t.startswith("○事業費"))

    years = _column_years(lines, end)
    cost_years = _cost_years(lines, cost_start) or years
    if not years:
        raise SheetError("", "truncated sheet: no fiscal-year columns found")
    if cost_years != years:
        warnings.append(f"指標の年度（{_years_text(years)}）と事業費の年度（{_years_text(cost_years)}）が一致しません")

    project = _project(lines, end)
    if project.name is None:
        warnings.append("事務事業名が読み取れませんでした")
    sections, means_row = _sections(lines, end)
    indicators = _indicators(lines, end, years, means_row, warnings)
    if not indicators:
        raise SheetError("", "truncated sheet: no indicator values found")
    costs = _costs(lines, cost_start, cost_years, warnings) if cost_start is not None else []
    warnings.extend(_personnel_note(text))
    if note := _cost_note(text):
        sections.append(Section(key="other", label="備考（事業費）", text=note))

    return Sheet(
        sheet_id="",
        template=NAME,
        municipality=MUNICIPALITY,
        evaluation_fy=_evaluation_fy(lines, end),
        target_fy=max(years + cost_years),
        project=project,
        indicators=indicators,
        costs=costs,
        sections=sections,
        warnings=warnings,
    )


# ---------------------------------------------------------------- lines and their kinds


def _read_lines(text: str) -> list[_Line]:
    out = []
    for raw in text.splitlines():
        raw = raw.strip()
        if raw:
            out.append(_Line(re.sub(r"^[◯〇]", "○", nfkc(raw).strip()), raw))
    return out


def _first(
    lines: list[_Line], test: Callable[[str], bool], start: int = 0, default: int | None = None
) -> int | None:
    return next((i for i in range(start, len(lines)) if test(lines[i].text)), default)


def _line_years(t: str) -> list[int]:
    """The fiscal years of a line that holds year labels and nothing else, else [].

    平成25年度, H25年度 H26年度 H27年度, and bare 25年度, which is a 平成 year: this family's
    columns all fall in that era.
    """
    years, rest, last = [], [], 0
    for m in find_fiscal_years(t):
        years.append(m.fy)
        rest.append(t[last : m.start])
        last = m.end
    rest.append(t[last:])
    remainder = " ".join(rest)
    bare = _BARE_YEAR.findall(remainder)
    if _BARE_YEAR.sub("", remainder).strip():
        return []
    return years + [era_to_western("平成", 1 if n == "元" else int(n)) for n in bare]


def _is_year_label(t: str) -> bool:
    return bool(_line_years(t))


def _is_prose(t: str) -> bool:
    """A line of a sentence: indicator names and labels are short and carry no 。"""
    return "。" in t or (len(t) >= 12 and "、" in t) or len(t) >= 35


def _is_fragment(t: str) -> bool:
    return len(t) <= 8 and any(t in label for label in _VERTICAL_LABELS)


def _is_structural(t: str) -> bool:
    """Anything that is not free text: labels, figures, years, codes, organisation names."""
    return (
        t in _FIXED_LABELS
        or t in _ROW_FIELDS
        or t.startswith("○")
        or is_cell(t)
        or _is_year_label(t)
        or _is_fragment(t)
        or bool(_INDICATOR_LABEL.match(t) or _UNIT.match(t) or _CODE.match(t))
        or bool(_DEPARTMENT.match(t) or _SECTION.match(t))
    )


def _indicator_label(t: str) -> Key | None:
    m = _INDICATOR_LABEL.match(t)
    return (_KINDS[m.group(1)], int(m.group(2))) if m else None


def _years_text(years: list[int]) -> str:
    return "・".join(era_label(y) for y in years)


def _value_text(v: Number | None) -> str:
    return "空欄" if v is None else format_number(v)


# ---------------------------------------------------------------- header, years, sections


def _column_years(lines: list[_Line], end: int) -> list[int]:
    years: set[int] = set()
    for line in lines[:end]:
        years.update(_line_years(line.text))
    return sorted(years)


def _cost_years(lines: list[_Line], cost_start: int | None) -> list[int]:
    """The cost table's own column header (H25年度 H26年度 H27年度), the first year line after ○事業費."""
    if cost_start is None:
        return []
    at = _first(lines, _is_year_label, start=cost_start + 1)
    if at is None or at > cost_start + 3:
        return []
    return sorted(set(_line_years(lines[at].text)))


def _project(lines: list[_Line], end: int) -> Project:
    name = None
    at = _first(lines[:end], lambda t: t == "事務事業名")
    if at is not None:
        # The name cell prints just before its label; fall back to just after it.
        for j in (at - 1, at + 1):
            if 0 <= j < end and not _is_structural(lines[j].text) and not _is_prose(lines[j].text):
                name = lines[j].raw
                break
    return Project(
        name=name,
        department=_organisation(lines, end, "部", _DEPARTMENT),
        section=_organisation(lines, end, "課", _SECTION),
    )


def _organisation(lines: list[_Line], end: int, label: str, pattern: re.Pattern[str]) -> str | None:
    """The value next to its label (部 / 課) when it is there, else the first line of that shape."""
    at = _first(lines[:end], lambda t: t == label)
    near = [at + 1, at - 1] if at is not None else []
    for j in near + list(range(end)):
        if 0 <= j < end and pattern.match(lines[j].text):
            return lines[j].raw
    return None


def _evaluation_fy(lines: list[_Line], end: int) -> int | None:
    """Only a header that says so (平成28年度 事務事業評価…); never guessed from the columns."""
    for line in lines[:end]:
        m = _EVALUATION_HEADER.match(line.text)
        if m and len(_line_years(m.group(1))) == 1:
            return _line_years(m.group(1))[0]
    return None


def _sections(lines: list[_Line], end: int) -> tuple[list[Section], int | None]:
    """目的 and 手段 prose, and where the means row starts (it divides 成果 from 活動 indicators).

    Prose lines may have label fragments between them (``目的`` / ``(アウトカ`` / ``ム)``): those are
    dropped and the lines joined. A label's prose is the first block that reaches past it.
    """
    blocks: list[list[int]] = []
    open_block = False
    for i in range(end):
        t = lines[i].text
        if _is_prose(t):
            if open_block:
                blocks[-1].append(i)
            else:
                blocks.append([i])
                open_block = True
        elif not _is_fragment(t):
            open_block = False

    purpose_at = _first(lines[:end], lambda t: t in ("目的", _PURPOSE_LABEL))
    means_at = _first(lines[:end], lambda t: t in ("手段", _MEANS_LABEL))
    purpose = means = None
    if purpose_at is not None:
        purpose = next(
            (b for b in blocks if b[-1] >= purpose_at and (means_at is None or b[0] < means_at)), None
        )
    if means_at is not None:
        means = next((b for b in blocks if b[-1] >= means_at and b is not purpose), None)

    sections = [
        Section(key=key, label=label, text="".join(lines[i].raw for i in block))
        for key, label, block in (("purpose", _PURPOSE_LABEL, purpose), ("means", _MEANS_LABEL, means))
        if block
    ]
    boundary = means[0] if means else means_at
    return sections, boundary


# ---------------------------------------------------------------- indicators


def _indicators(
    lines: list[_Line], end: int, years: list[int], means_row: int | None, warnings: list[str]
) -> list[Indicator]:
    heads = _heads(lines, end)
    _label_heads(heads, lines, means_row, warnings)
    cells = [_Cell(i, parse_number(lines[i].text)) for i in range(end) if is_cell(lines[i].text)]
    groups = _groups(heads, cells, end)

    placed: dict[Key, dict[Slot, Number | None]] = {}
    # Lone indicators first: tangled runs may lean on their figures (累計 → 単年度).
    for group, group_cells in sorted(groups, key=lambda g: len(g[0]) > 1):
        if len(group) == 1:
            placed[group[0].key] = _place_lone(group[0], group_cells, years, warnings)
        else:
            placed.update(_place_tangled(group, group_cells, lines, years, heads, placed, warnings))

    out = []
    for head in sorted(heads, key=lambda h: (h.kind != "outcome", h.no)):
        values = placed.get(head.key, {})
        if all(v is None for v in values.values()):
            if head.name:
                warnings.append(f"{head.label}（{head.name}）は値が読み取れないため、指標に含めていません")
            continue
        rows = [
            IndicatorValue(fy=y, plan=values.get((y, "plan")), actual=values.get((y, "actual"))) for y in years
        ]
        out.append(Indicator(kind=head.kind, no=head.no, name=head.name, unit=head.unit, values=rows))
    return out


def _heads(lines: list[_Line], end: int) -> list[_Head]:
    """One head per 単位 line; its name is the nearest free-text line above it.

    The search skips labels, figures and years (the outcome name can stand a dozen cells above
    its unit) but stops at another unit, at prose and at a ○ heading, where another block begins.
    """
    heads = []
    for i in range(end):
        m = _UNIT.match(lines[i].text)
        if not m:
            continue
        unit = re.split(r"[:：]", lines[i].raw, maxsplit=1)[1].strip() or None
        name_at = None
        for j in range(i - 1, -1, -1):
            t = lines[j].text
            if _UNIT.match(t) or _is_prose(t) or t.startswith("○"):
                break
            if not _is_structural(t):
                name_at = j
                break
        name = lines[name_at].raw if name_at is not None else None
        heads.append(_Head(at=name_at if name_at is not None else i, name=name, unit=unit))
    return heads


def _label_heads(heads: list[_Head], lines: list[_Line], means_row: int | None, warnings: list[str]) -> None:
    """Give each head its kind and number.

    A label touching the name (``成果指標1`` / name, or name / ``活動指標2`` / 単位) is taken as
    read. Otherwise the head is an outcome above the means row and an activity below it, and
    takes the lowest number its kind has free, in reading order.
    """
    taken: set[Key] = set()
    unlabelled = []
    for head in heads:
        label = _indicator_label(lines[head.at - 1].text) if head.name and head.at > 0 else None
        if label is None and head.name and head.at + 2 < len(lines) and _UNIT.match(lines[head.at + 2].text):
            label = _indicator_label(lines[head.at + 1].text)
        if label is None or label in taken:
            unlabelled.append(head)
            continue
        head.kind, head.no = label
        taken.add(label)

    if unlabelled and means_row is None:
        warnings.append("手段（アウトプット）の位置が読み取れないため、番号のない指標はすべて成果指標とみなしました")
    for head in unlabelled:
        head.kind = "outcome" if means_row is None or head.at < means_row else "activity"
        free = [n for n in range(1, 10) if (head.kind, n) not in taken]
        if not free:
            continue
        head.no = free[0]
        taken.add(head.key)
    heads[:] = [h for h in heads if h.no]


def _groups(heads: list[_Head], cells: list[_Cell], end: int) -> list[tuple[list[_Head], list[_Cell]]]:
    """Runs of heads with no figure between them, each with the figures that follow it.

    Figures before the first name are header codes (the NO field), never indicator values.
    """
    runs: list[list[_Head]] = []
    for head in sorted(heads, key=lambda h: h.at):
        if runs and not any(runs[-1][-1].at < c.at < head.at for c in cells):
            runs[-1].append(head)
        else:
            runs.append([head])
    out = []
    for k, run in enumerate(runs):
        stop = runs[k + 1][0].at if k + 1 < len(runs) else end
        out.append((sorted(run, key=lambda h: h.no), [c for c in cells if run[0].at < c.at < stop]))
    return out


def _slots(years: list[int], with_plan: bool) -> list[Slot]:
    fields = ("plan", "actual") if with_plan else ("actual",)
    return [(y, f) for y in years for f in fields]


def _place_lone(
    head: _Head, cells: list[_Cell], years: list[int], warnings: list[str]
) -> dict[Slot, Number | None]:
    """A lone indicator's figures read column by column: (plan, actual) per year for outcomes,
    the actual alone for activities. Another count means blanks or a different row set: the
    figures are right-aligned (an indicator is more often new than abandoned) and each is reported."""
    usual = head.kind == "outcome"
    patterns = [_slots(years, usual), _slots(years, not usual)]
    n = len(cells)
    if n == len(patterns[0]):
        return {slot: c.value for slot, c in zip(patterns[0], cells)}
    fitting = [p for p in patterns if len(p) >= n]
    if not fitting:
        warnings.append(f"{head.label}: 値が{n}個あり、欄の数を超えるため読み取りませんでした")
        return {}
    slots = min(fitting, key=len)
    why = (
        "は、行の値の数が通常と異なるため位置を推定して置きました"
        if len(slots) == n
        else "は、空欄があり位置が決められないため新しい年度側に詰めて置きました（推定）"
    )
    placed = dict(zip(slots[len(slots) - n :], (c.value for c in cells)))
    warnings.extend(_placement_warning(head, slot, v, why) for slot, v in placed.items() if v is not None)
    return placed


def _place_tangled(
    group: list[_Head],
    cells: list[_Cell],
    lines: list[_Line],
    years: list[int],
    heads: list[_Head],
    settled: dict[Key, dict[Slot, Number | None]],
    warnings: list[str],
) -> dict[Key, dict[Slot, Number | None]]:
    """Several indicators whose figures the extraction interleaved. Clues, strongest first:

    1. row-label anchors: the figures printed just before each 計画値/実績値 run are one
       block's first-year column (blocks in order);
    2. arithmetic: a 単年度 indicator's year is its 累計 partner's difference from the year before;
    3. what is left fills the remaining slots in reading order.
    Every placement is a guess and is reported.
    """
    slots = {h.key: _slots(years, h.kind == "outcome") for h in group}
    n_slots = sum(len(s) for s in slots.values())
    if n_slots != len(cells):
        labels = "・".join(h.label for h in group)
        warnings.append(f"{labels}: 値が{len(cells)}個あり、欄の数（{n_slots}）と合わないため読み取りませんでした")
        return {}
    placed: dict[Key, dict[Slot, Number | None]] = {h.key: {} for h in group}
    why: dict[tuple[Key, Slot], str] = {}
    free = list(cells)

    def put(head: _Head, slot: Slot, cell: _Cell, reason: str) -> None:
        placed[head.key][slot] = cell.value
        why[(head.key, slot)] = reason
        free.remove(cell)

    anchors = _row_label_anchors(lines, cells)
    first_year_fields = {h.key: [f for y, f in slots[h.key] if y == years[0]] for h in group}
    if len(anchors) == len(group) and all(
        [f for _, f in run] == first_year_fields[h.key] for h, run in zip(group, anchors)
    ):
        for head, run in zip(group, anchors):
            row_labels = "・".join(_FIELD_LABEL[f] for _, f in run)
            for cell, f in run:
                put(head, (years[0], f), cell, f"は、行見出し（{row_labels}）の直前の値を初年度の値とみなしました（推定）")

    for head in group:
        partner = _running_total_partner(head, heads)
        totals = settled.get(partner.key, {}) if partner else {}
        for prev, y in zip(years, years[1:]):
            for _, f in (s for s in slots[head.key] if s[0] == y and s not in placed[head.key]):
                a, b = totals.get((prev, f)), totals.get((y, f))
                cell = next((c for c in free if None not in (a, b, c.value) and c.value == b - a), None)
                if cell is not None:
                    put(head, (y, f), cell, f"は、{partner.label}（累計）の前年度との差と一致するためこの年度に置きました")

    for head in group:
        for slot in slots[head.key]:
            if slot not in placed[head.key] and free:
                put(head, slot, free[0], "は、指標の値が入り組んで読み取られたため読み取り順に置きました（推定）")

    for head in group:
        for slot, v in sorted(placed[head.key].items()):
            if v is not None:
                warnings.append(_placement_warning(head, slot, v, why[(head.key, slot)]))
    return placed


def _row_label_anchors(lines: list[_Line], cells: list[_Cell]) -> list[list[tuple[_Cell, str]]]:
    """Runs of 計画値/実績値 labels directly preceded by as many of the cells, with their fields.

    The extraction reads a block's row-label column together with the figure column beside it,
    so this is the one place where figures and their labels still touch.
    """
    if not cells:
        return []
    cell_at = {c.at: c for c in cells}
    runs = []
    i, stop = cells[0].at + 1, min(cells[-1].at + 2, len(lines))
    while i < stop:
        if lines[i].text not in _ROW_FIELDS:
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j].text in _ROW_FIELDS:
            j += 1
        fields = [_ROW_FIELDS[lines[k].text] for k in range(i, j)]
        before = [cell_at.get(k) for k in range(i - len(fields), i)]
        if all(before):
            runs.append(list(zip(before, fields)))
        i = j
    return runs


def _running_total_partner(head: _Head, heads: list[_Head]) -> _Head | None:
    """For ``X(単年度)`` the indicator ``X(累計)``, whose yearly differences it must equal."""
    base, qualifier = _split_name(head.name)
    if base is None or not re.search(r"単年度|年間", qualifier):
        return None
    return next((h for h in heads if h is not head and _split_name(h.name) == (base, "累計")), None)


def _split_name(name: str | None) -> tuple[str | None, str]:
    m = re.match(r"^(.+?)[(（]([^()（）]*)[)）]$", nfkc(name or ""))
    return (m.group(1), m.group(2)) if m else (None, "")


def _placement_warning(head: _Head, slot: Slot, value: Number | None, why: str) -> str:
    fy, f = slot
    return f"{head.label}: {era_label(fy)}の{_FIELD_LABEL[f]} {_value_text(value)} {why}"


# ---------------------------------------------------------------- costs


def _costs(lines: list[_Line], start: int, years: list[int], warnings: list[str]) -> list[Cost]:
    rows = _cost_rows(lines, start)
    table = _place_cost_rows(rows, years, warnings)
    out = []
    for i, y in enumerate(years):
        fields = {f: table[f][i] for f in table}
        if any(v is not None for v in fields.values()):
            out.append(Cost(fy=y, **fields))
    return out


def _cost_rows(lines: list[_Line], start: int) -> dict[str, list[Number | None]]:
    """Figures under each row label, whether they sit on one line or one per line.

    A line's figures are its leading cells; text after them (the ※ note) is not a figure. A line
    with no figure that is not a row label ends the row.
    """
    rows: dict[str, list[Number | None]] = {}
    current = None
    stop = _first(lines, lambda t: t.startswith("○"), start=start + 1, default=len(lines))
    for line in lines[start + 1 : stop]:
        tokens = line.text.split()
        if tokens and tokens[0] in _COST_ROWS:
            current = _COST_ROWS[tokens[0]]
            rows[current] = []
            tokens = tokens[1:]
            if not tokens:
                continue
        if current is None:
            continue
        figures = []
        for token in tokens:
            if not is_cell(token):
                break
            figures.append(parse_number(token))
        if not figures:
            current = None
            continue
        rows[current].extend(figures)
    return rows


def _place_cost_rows(
    rows: dict[str, list[Number | None]], years: list[int], warnings: list[str]
) -> dict[str, list[Number | None]]:
    """Put each row's figures in year columns. A short row has blanks somewhere: try every
    order-keeping placement and keep the one where 事業費 + 人件費 = 総事業費 holds most often."""
    n_years = len(years)
    for f, values in rows.items():
        if len(values) > n_years:
            warnings.append(
                f"{_COST_LABEL[f]}: 値が{len(values)}個あり年度の数を超えるため、先頭の{n_years}個だけを読みました"
            )
    rows = {f: values[:n_years] for f, values in rows.items()}
    # Right-aligned placements first: on a tie, blanks are taken to be the earliest years.
    options = {f: list(reversed(list(combinations(range(n_years), len(v))))) for f, v in rows.items()}

    def table_for(choice: tuple[tuple[int, ...], ...]) -> dict[str, list[Number | None]]:
        table = {f: [None] * n_years for f in _COST_ROWS.values()}
        for (f, values), cols in zip(rows.items(), choice):
            for col, v in zip(cols, values):
                table[f][col] = v
        return table

    def score(table: dict[str, list[Number | None]]) -> int:
        total = 0
        for pc, pe, tc in zip(table["project_cost"], table["personnel_cost"], table["total_cost"]):
            if None not in (pc, pe, tc):
                total += 1 if abs(pc + pe - tc) <= 1 else -1  # 千円 rounding may differ by one
        return total

    choices = list(product(*options.values()))
    scores = [score(table_for(c)) for c in choices]
    best = max(range(len(choices)), key=lambda k: scores[k])
    table = table_for(choices[best])
    settled = scores.count(scores[best]) == 1
    for f, values in rows.items():
        if len(values) == n_years:
            continue
        why = (
            "は、事業費＋人件費＝総事業費が成り立つ年度に置きました"
            if settled
            else "は、空欄があり位置が決められないため新しい年度側に詰めて置きました（推定）"
        )
        for i, v in enumerate(table[f]):
            if v is not None:
                warnings.append(f"{_COST_LABEL[f]}: {era_label(years[i])}の値 {format_number(v)} {why}")
    return table


_NOTE_START = re.compile(r"(※[^\n]+)")
_NOTE_END = re.compile(r"^[\d,\s]*\d\s+([^\d\s][^\n]*。)\s*$", re.M)


def _cost_note(text: str) -> str | None:
    """The ※ note printed beside the cost rows, joined from the two lines it is split over
    (「※人件費は平成27年度に算定方法を見直したため、」 … 「平成26年度までの人件費は参考値…。」)."""
    m = _NOTE_START.search(text)
    if not m:
        return None
    head = m.group(1).strip()
    if head.endswith("。"):
        return head
    tail = _NOTE_END.search(text, m.end())
    return head + tail.group(1).strip() if tail else head


def _personnel_note(text: str) -> list[str]:
    """The sheet's own note that 人件費 was computed differently before a given year."""
    m = _PERSONNEL_NOTE.search(re.sub(r"\s+", "", nfkc(text)))
    if not m:
        return []
    years = _line_years(m.group(1))
    if len(years) != 1:
        return []
    return [
        f"人件費は{era_label(years[0])}に算定方法が見直されたため、{era_label(years[0] - 1)}以前の人件費は"
        "参考値です。年度をまたいで比較するときは注意してください"
    ]
