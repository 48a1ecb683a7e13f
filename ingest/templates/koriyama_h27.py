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

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations, product
from typing import overload

from ingest.binder import PROJECT_NAME_END
from ingest.errors import SheetError
from ingest.model import Cost, Evaluation, Indicator, IndicatorValue, Project, Section, Sheet
from ingest.normalize import (
    costs_add_up,
    era_label,
    era_to_western,
    find_fiscal_years,
    format_number,
    is_cell,
    is_number,
    nfkc,
    parse_number,
)
from ingest.vocabulary import COST_FIELDS, KIND_LABELS, RESULT_WORDS, SCORE_ITEMS, STAGE_LABELS

NAME = "koriyama-h27"
MUNICIPALITY = "郡山市"

Number = int | float
Slot = tuple[int, str]  # (fiscal year, "plan" | "actual")
Key = tuple[str, int]  # (kind, no)

_KINDS = {"成果": "outcome", "活動": "activity"}
_FIELD_LABEL = {"plan": "計画値", "actual": "実績値"}
_ROW_FIELDS = {"計画値": "plan", "実績値": "actual"}
_COST_LABEL = {f: COST_FIELDS[f] for f in ("project_cost", "personnel_cost", "total_cost")}
_COST_ROWS = {label: f for f, label in _COST_LABEL.items()}

_INDICATOR_LABEL = re.compile(r"^(成果|活動)指標\s*([1-9])$")
_UNIT = re.compile(r"^単位\s*:\s*(.*)$")
_CODE = re.compile(r"^\d+(?:-\d+)+$")  # 政策体系 codes such as 1-1-2
_DEPARTMENT = re.compile(r"^(?:\S{1,20}(?:部|局|委員会)|\S{0,10}保健所)$")
_SECTION = re.compile(r"^\S{1,30}(?:課|室)$|^\S{1,12}(?:センター|館|園|所|係)$")
_PERSONNEL_NOTE = re.compile(r"人件費は(.{2,12}?年度)に算定方法を見直")
_BARE_YEAR = re.compile(r"(?<![0-9])(\d{1,2}|元)\s*年度")
_EVALUATION_HEADER = re.compile(r"^(.{2,16}?年度)\s*事務事業評価")
_FIXED_LABELS = frozenset({"事務事業名", "部", "課", "区分", "NO", "政策体系"})
# Vertical labels come out one piece per line; any short piece of them is a label, not text.
_VERTICAL_LABELS = ("目的(アウトカム)", "手段(アウトプット)", "一次評価", "二次評価")
_PURPOSE_LABEL = "目的(アウトカム)"
_MEANS_LABEL = "手段(アウトプット)"

_MARKERS: tuple[Callable[[str], bool], ...] = (
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
        return f"{KIND_LABELS[self.kind]}{self.no}"


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

    project, name_at = _project(lines, end)
    if project.name is None:
        warnings.append("事務事業名が読み取れませんでした")
    sections, means_row, purpose_at = _sections(lines, end)
    skip = {j for j in (name_at,) if j is not None}
    indicators = _indicators(lines, end, years, means_row, purpose_at, skip, warnings)
    costs = _costs(lines, cost_start, cost_years, warnings) if cost_start is not None else []
    if not any(i.values for i in indicators) and not costs:
        # a sheet whose figures could not be placed is still read for its names and costs;
        # one with neither is only the head of a sheet
        raise SheetError("", "truncated sheet: no indicator values found")
    warnings.extend(_personnel_note(text))
    if note := _cost_note(text):
        sections.append(Section(key="other", label="備考（事業費）", text=note))
    if continuity := _continuity(lines):
        sections.append(Section(key="other", label=CONTINUITY_LABEL, text=continuity))

    return Sheet(
        sheet_id="",
        template=NAME,
        municipality=MUNICIPALITY,
        evaluation_fy=_evaluation_fy(lines, end),
        target_fy=max(years + cost_years),
        project=project,
        indicators=indicators,
        costs=costs,
        evaluations=_evaluations(lines),
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


@overload
def _first(lines: list[_Line], test: Callable[[str], bool], start: int = 0, *, default: int) -> int: ...
@overload
def _first(lines: list[_Line], test: Callable[[str], bool], start: int = 0, default: None = None) -> int | None: ...
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


CONTINUITY_LABEL = "事業継続性評価"
# the block's own sentences (状況, 市民ニーズ, 代替サービスの有無), each printed once per stage
_CONTINUITY_SENTENCE = re.compile(r"[^\s]{4,60}(である|でない|ていない|ている|いる|ない|ある|した|された)$")


def _continuity(lines: list[_Line]) -> str | None:
    """What the 事業継続性評価 block says in words (「利用者数の把握が困難である」「他の団体において代替
    サービスが実施されていない」), once each, in the sheet's order; None when the block is absent."""
    start = _first(lines, lambda t: t == "○事業継続性評価")
    if start is None:
        return None
    said = list(dict.fromkeys(line.text for line in lines[start + 1:] if _CONTINUITY_SENTENCE.match(line.text)
                              and not _is_structural(line.text)))
    counts = _continuity_counts([line.text for line in lines[start + 1:]])
    text = "。".join([*said, *([counts] if counts else [])])
    return text + "。" if text else None


_CONTINUITY_YEAR = re.compile(r"[HR]\d{1,2}年度")
_NOT_KNOWN = frozenset({"把握困難", "−", "-", "―"})
_SCORE_LABELS = frozenset({*SCORE_ITEMS, "(目的達成度)", "(活動達成度)", "（目的達成度）", "（活動達成度）"})


def _continuity_counts(texts: list[str]) -> str | None:
    """The block's table of users by year (年度 H23年度 … 利用者数 119 …), as one line the sheet's
    reader can quote (「利用者数：H23年度 119、H24年度 2,028、…」): the years and the values after the
    「年度」 cell, paired in order when they are as many — else none (no value is placed in a guessed year)."""
    at = next((i for i, t in enumerate(texts) if t == "年度"), None)
    if at is None:
        return None
    tokens: list[str] = []
    scores = False  # inside the evaluation's scores, which the page's text may print amid the table
    for t in texts[at + 1:]:
        if t.startswith("○"):
            break
        if t in _SCORE_LABELS or t in RESULT_WORDS or any(w in t for w in (*SCORE_ITEMS, *STAGE_LABELS.values())):
            scores = True
            continue
        for tok in t.split():
            if scores and re.fullmatch(r"[1-5]", tok):
                continue  # a score (1–5), not a count of users
            scores = scores and not (is_cell(tok) or _CONTINUITY_YEAR.fullmatch(tok))
            tokens.append(tok)
    pairs = _year_value_pairs(tokens)
    if not pairs:
        return None
    label = next((t for t in tokens if t.endswith("数") and not is_cell(t)), "利用者数")
    return f"{label}：" + "、".join(f"{y} {v}" for y, v in pairs)


def _year_value_pairs(tokens: list[str]) -> list[tuple[str, str]]:
    """(year, value) in the order printed: each year followed by its value (labels between them), or
    every year first and then as many values; a year whose value is the first of a row of figures (the
    cost table printed after the block) ends the table."""
    def value(t: str) -> bool:
        return t in _NOT_KNOWN or is_cell(t) and not _CONTINUITY_YEAR.fullmatch(t)

    first = next((i for i, t in enumerate(tokens) if _CONTINUITY_YEAR.fullmatch(t)), len(tokens))
    after = next((i for i in range(first, len(tokens)) if not _CONTINUITY_YEAR.fullmatch(tokens[i])), len(tokens))
    years = tokens[first:after]
    if len(years) >= 2:  # every year first (H23年度 … H27年度 利用者数 把握困難 …)
        values = [t for t in tokens[after:] if value(t)][:len(years)]
        return list(zip(years, values, strict=True)) if len(values) == len(years) else []
    pairs: list[tuple[str, str]] = []
    pending: str | None = None
    for i, t in enumerate(tokens):
        if _CONTINUITY_YEAR.fullmatch(t):
            if pending is not None:
                break  # a year with no value
            pending = t
        elif value(t):
            if pending is None or i + 1 < len(tokens) and value(tokens[i + 1]):
                break  # a figure of no year, or the first of a row of them
            pairs.append((pending, t))
            pending = None
        elif pairs and pending is None:
            break  # a label after the table: another block
    return pairs


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


def _organisation(lines: list[_Line], end: int, label: str, pattern: re.Pattern[str],
                  not_this: str | None = None) -> str | None:
    """The value next to its label (部 / 課) when it is there, else the first line of that shape
    (``not_this``: the value the other label already took)."""
    at = _first(lines[:end], lambda t: t == label)
    near = [at + 1, at - 1] if at is not None else []
    for j in near + list(range(end)):
        if 0 <= j < end and pattern.match(lines[j].text) and lines[j].raw != not_this:
            return lines[j].raw
    return None


def _evaluation_fy(lines: list[_Line], end: int) -> int | None:
    """Only a header that says so (平成28年度 事務事業評価…); never guessed from the columns."""
    for line in lines[:end]:
        m = _EVALUATION_HEADER.match(line.text)
        if m and len(_line_years(m.group(1))) == 1:
            return _line_years(m.group(1))[0]
    return None


def _sections(lines: list[_Line], end: int) -> tuple[list[Section], int | None, int | None]:
    """目的 and 手段 prose, where the means row starts (it divides 成果 from 活動 indicators), and
    where the 目的 prose starts.

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
    # The 目的 box comes first and the 手段 box second; their labels' fragments may print on
    # either side of them (on several sheets the 目的 text follows the 手段 label).
    if purpose_at is not None and blocks:
        purpose = blocks[0]
    if means_at is not None:
        means = next((b for b in blocks if b is not purpose and b[-1] >= means_at), None)

    sections = [
        Section(key=key, label=label, text="".join(lines[i].raw for i in block))
        for key, label, block in (("purpose", _PURPOSE_LABEL, purpose), ("means", _MEANS_LABEL, means))
        if block
    ]
    boundary = means[0] if means else means_at
    return sections, boundary, purpose[0] if purpose else None


# ---------------------------------------------------------------- indicators


def _indicators(
    lines: list[_Line], end: int, years: list[int], means_row: int | None, purpose_at: int | None,
    skip: set[int], warnings: list[str],
) -> list[Indicator]:
    heads = _heads(lines, end, means_row, skip)
    if heads and means_row is None:
        warnings.append("手段（アウトプット）の位置が読み取れないため、番号のない指標はすべて成果指標とみなしました")
    _label_heads(heads, lines, warnings)
    cells = [_Cell(i, parse_number(lines[i].text)) for i in range(end)
             if is_cell(lines[i].text) and not _no_value(lines, i, purpose_at)]
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
            if not head.name:
                continue
            # the row is on the sheet (its name and unit are read) but its figures could not be placed
            warnings.append(f"{head.label}（{head.name}）: 値の位置が読み取れないため、値は空欄にしました")
            out.append(Indicator(kind=head.kind, no=head.no, name=head.name, unit=head.unit))
            continue
        rows = [
            IndicatorValue(fy=y, plan=values.get((y, "plan")), actual=values.get((y, "actual"))) for y in years
        ]
        out.append(Indicator(kind=head.kind, no=head.no, name=head.name, unit=head.unit, values=rows))
    return out


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
                hit = next((c for c in free if a is not None and b is not None and c.value is not None
                            and c.value == b - a), None)
                if hit is not None and partner is not None:
                    put(head, (y, f), hit, f"は、{partner.label}（累計）の前年度との差と一致するためこの年度に置きました")

    need = [[s for s in slots[h.key] if s not in placed[h.key]] for h in group]
    sized = _by_size(free, [len(n) for n in need], pairs=all(h.kind == "outcome" for h in group))
    if sized is not None and len({len(n) for n in need}) == 1:
        sized = _match_sizes(group, sized, placed)
    if sized is not None:
        for head, todo, part in zip(group, need, sized, strict=True):
            for slot, cell in zip(todo, part, strict=True):
                put(head, slot, cell, "は、指標ごとに値の大きさがはっきり分かれるため、大きさでこの指標とし"
                                      "読み取り順に置きました（推定）")

    need = [[s for s in slots[h.key] if s not in placed[h.key]] for h in group]
    if _row_across_blocks(group, need, free, placed):
        # Side-by-side blocks read line by line: each line holds one year of every block.
        for cell_no, cell in enumerate(list(free)):
            k = cell_no % len(group)
            put(group[k], need[k][cell_no // len(group)], cell,
                "は、横に並んだ指標の同じ年度の値が続けて読み取られたとみなして置きました（推定）")
    for head in group:
        for slot in slots[head.key]:
            if slot not in placed[head.key] and free:
                put(head, slot, free[0], "は、指標の値が入り組んで読み取られたため読み取り順に置きました（推定）")

    for head in group:
        for slot, v in sorted(placed[head.key].items()):
            if v is not None:
                warnings.append(_placement_warning(head, slot, v, why[(head.key, slot)]))
    return placed


def _roughness(series: list[Number | None]) -> float:
    """How far a row jumps from year to year (sum of |log| ratios of neighbouring figures)."""
    vals = [v for v in series if v is not None and v > 0]
    return sum(abs(math.log(b / a)) for a, b in zip(vals, vals[1:]))


def _row_across_blocks(group: list[_Head], need: list[list[Slot]], free: list[_Cell],
                       placed: dict[Key, dict[Slot, Number | None]]) -> bool:
    """Whether the figures left are read a year at a time across the blocks (A1 B1 A2 B2) rather
    than block by block (A1 A2 B1 B2): only when every block waits for as many figures and the
    rows that reading makes are far steadier (both readings are guesses and are reported)."""
    k, n = len(group), len(need[0]) if need else 0
    if k < 2 or n < 2 or any(len(x) != n for x in need) or len(free) != k * n:
        return False
    if any(h.kind == "outcome" for h in group):
        return False  # (計画値, 実績値) pairs a year: a line across the blocks is not one figure each
    if any(c.value is None for c in free):
        return False

    def rows(order: list[list[_Cell]]) -> float:
        total = 0.0
        for head, todo, part in zip(group, need, order):
            cells = {**placed[head.key], **{slot: c.value for slot, c in zip(todo, part)}}
            total += _roughness([cells[s] for s in sorted(cells) if s[1] == "actual"])
            total += _roughness([cells[s] for s in sorted(cells) if s[1] == "plan"])
        return total

    by_block = [free[i * n:(i + 1) * n] for i in range(k)]
    across = [free[i::k] for i in range(k)]
    steady, plain = rows(across), rows(by_block)
    return plain - steady > 0.5 and steady < plain / 2


def _match_sizes(group: list[_Head], sized: list[list[_Cell]],
                 placed: dict[Key, dict[Slot, Number | None]]) -> list[list[_Cell]]:
    """Which size group is whose: the indicator whose figures placed so far are of that size;
    else (outcomes) the one whose name was read last before the group's first figure; else the
    order they appear in."""
    def mag(values: list[Number]) -> float:
        vals = sorted(math.log10(abs(v) + 1) for v in values)
        return vals[len(vals) // 2]

    known = {k: [v for v in placed[h.key].values() if v is not None] for k, h in enumerate(group)}
    order: list[int] = []
    for part in sized:
        free = [k for k in range(len(group)) if k not in order]
        if all(known[k] for k in free):
            size = mag([c.value for c in part if c.value is not None])
            order.append(min(free, key=lambda k: abs(mag(known[k]) - size)))
            continue
        first = min(c.at for c in part)
        before = [k for k in free if group[k].at < first] if all(h.kind == "outcome" for h in group) else []
        order.append(max(before, key=lambda k: group[k].at) if before else free[0])
    return [sized[order.index(k)] for k in range(len(group))]


def _by_size(cells: list[_Cell], counts: list[int], pairs: bool = False) -> list[list[_Cell]] | None:
    """The cells split by magnitude into one group per indicator (groups in the order their first
    figure appears), when the sizes are far apart (×2 at each split, the largest gaps) and each
    group holds exactly as many figures as its indicator has free slots; else None.

    ``pairs``: the figures come as (計画値, 実績値) pairs in reading order, sized by the plan (a
    plan is steadier than an actual, which may fall short by far).
    """
    k = len(counts)
    if k < 2 or sum(counts) != len(cells) or any(c.value is None for c in cells):
        return None
    units = [cells[i:i + 2] for i in range(0, len(cells), 2)] if pairs and len(cells) % 2 == 0 \
        else [[c] for c in cells]
    if pairs and len(cells) % 2:
        return None

    def size(u: list[_Cell]) -> float:
        return max(abs(u[0].value or 0), 1)

    ordered = sorted(units, key=size)
    gaps = sorted(range(1, len(ordered)), key=lambda i: size(ordered[i]) / size(ordered[i - 1]), reverse=True)[:k - 1]
    if len(gaps) < k - 1 or any(size(ordered[i]) / size(ordered[i - 1]) < 2.0 for i in gaps):
        return None
    bounds = [0, *sorted(gaps), len(ordered)]
    groups = [[c for u in ordered[a:b] for c in u] for a, b in zip(bounds, bounds[1:])]
    groups.sort(key=lambda g: min(c.at for c in g))
    if [len(g) for g in groups] != counts:
        return None
    return [sorted(g, key=lambda c: (c.at, cells.index(c))) for g in groups]


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
            runs.append([(c, f) for c, f in zip(before, fields) if c is not None])
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


def _project(lines: list[_Line], end: int) -> tuple[Project, int | None]:
    """The project, and the line its name stands on.

    The name cell prints beside its 事務事業名 label on most sheets, but on some the label and
    the 部 block come first and the name stands after the 事業概要 labels (``成果指標1`` /
    name / 課). Every free-text line of the head is weighed: next to the label, shaped like a
    project name (…事業), followed by the 課; an indicator name (followed by its 単位, or
    under 区分) is not one.
    """
    at = _first(lines[:end], lambda t: t == "事務事業名")
    best: tuple[float, int] | None = None
    limit = min(end, (at or 0) + 40)
    for j in range(limit):
        t = lines[j].text
        if _is_structural(t) or _is_prose(t) or len(t) > 40:
            continue
        score = 0.0
        if at is not None:
            score += {1: 3.0, 2: 1.0}.get(abs(j - at), 0.0)
        if PROJECT_NAME_END.search(t.replace(" ", "")):
            score += 2.0
        nxt = lines[j + 1].text if j + 1 < len(lines) else ""
        prev = lines[j - 1].text if j else ""
        if nxt == "課" or _SECTION.match(nxt):
            score += 1.0
        if _indicator_label(prev) == ("outcome", 1):
            score += 0.5
        if prev in ("区分", "計画値", "実績値") or _is_year_label(prev):
            score -= 2.0
        if any(_UNIT.match(lines[k].text) for k in range(j + 1, min(len(lines), j + 3))):
            score -= 3.0
        if score >= 2.0 and (best is None or score > best[0]):
            best = (score, j)
    name_at = best[1] if best else None
    department = _organisation(lines, end, "部", _DEPARTMENT)
    project = Project(
        name=lines[name_at].raw if name_at is not None else None,
        department=department,
        section=_organisation(lines, end, "課", _SECTION, not_this=department),
    )
    return project, name_at


def _no_value(lines: list[_Line], i: int, purpose_at: int | None) -> bool:
    """The NO field's figure (4560, 570 …): it prints just before the 政策体系 code or the 目的 prose."""
    nxt = lines[i + 1].text if i + 1 < len(lines) else ""
    return bool(_CODE.match(nxt)) or (purpose_at is not None and i + 1 == purpose_at) or (
        i > 0 and lines[i - 1].text == "NO"
    )


def _heads(lines: list[_Line], end: int, means_at: int | None, skip: set[int]) -> list[_Head]:
    """The indicator blocks: names with their units (and labels, when printed beside them).

    Below the 手段 prose (the 活動 blocks) each 単位 line has its name on the nearest free-text
    line above it. Above it (the 成果 blocks) the first indicator's name and its 単位 print far
    apart: names followed by a 単位 within a line or two take it, the first name takes the last
    unit left over (on several sheets it prints just before 手段 or 成果指標2).
    """
    split = means_at if means_at is not None else 0
    heads: list[_Head] = []
    # outcome area
    names = [j for j in range(split) if j not in skip and not _is_structural(lines[j].text)
             and not _is_prose(lines[j].text) and len(lines[j].text) <= 60]
    units = [j for j in range(split) if _UNIT.match(lines[j].text)]
    paired: dict[int, int] = {}
    for j in names:
        for k in range(j + 1, min(split, j + 4)):
            t = lines[k].text
            if _UNIT.match(t):
                if k not in paired.values():
                    paired[j] = k
                break
            if k in names or is_cell(t) or _is_prose(t):
                break
    spare = [u for u in units if u not in paired.values()]
    for j in names:
        if j in paired or not spare:
            continue
        filled = [u for u in spare if _unit_text(lines[u])]
        pick = (filled or spare)[-1]
        paired[j] = pick
        spare.remove(pick)
    for j in names:
        unit = _unit_text(lines[paired[j]]) if j in paired else None
        heads.append(_Head(at=j, name=lines[j].raw, unit=unit, kind="outcome"))
    for u in spare:
        if not names and _unit_text(lines[u]):
            heads.append(_Head(at=u, name=None, unit=_unit_text(lines[u]), kind="outcome"))
    # activity area
    for i in range(split, end):
        if not _UNIT.match(lines[i].text):
            continue
        name_at = None
        for j in range(i - 1, split - 1, -1):
            t = lines[j].text
            if _UNIT.match(t) or _is_prose(t) or t.startswith("○"):
                break
            if not _is_structural(t) and j not in skip:
                name_at = j
                break
        name = lines[name_at].raw if name_at is not None else None
        heads.append(_Head(at=name_at if name_at is not None else i, name=name, unit=_unit_text(lines[i]),
                           kind="activity" if means_at is not None else "outcome"))
    return heads


def _unit_text(line: _Line) -> str | None:
    parts = re.split(r"[:：]", line.raw, maxsplit=1)
    return parts[1].strip() or None if len(parts) > 1 else None


def _label_heads(heads: list[_Head], lines: list[_Line], warnings: list[str]) -> None:
    """Give each head its number (its kind comes from its side of the 手段 prose).

    A label touching the name (``成果指標1`` / name, or name / ``活動指標2`` / 単位) is taken as
    read; the rest take the lowest number their kind has free, in reading order.
    """
    taken: set[Key] = set()
    unlabelled = []
    for head in heads:
        label = None
        if head.name and head.at > 0:
            label = _indicator_label(lines[head.at - 1].text)
        if label is None and head.name and head.at + 2 < len(lines) and _UNIT.match(lines[head.at + 2].text):
            label = _indicator_label(lines[head.at + 1].text)
        if label is None or label in taken or label[0] != head.kind:
            unlabelled.append(head)
            continue
        head.no = label[1]
        taken.add(label)
    for head in unlabelled:
        free = [n for n in range(1, 10) if (head.kind, n) not in taken]
        if not free:
            continue
        head.no = free[0]
        taken.add(head.key)
    heads[:] = [h for h in heads if h.no]


def _costs(lines: list[_Line], start: int, years: list[int], warnings: list[str]) -> list[Cost]:
    rows = _cost_rows(lines, start)
    n = len(years)
    # a row printed again further on (the table in two fragments): its figures join the first
    for f, values in _cost_rows(lines, start, elsewhere=True).items():
        if f not in rows:
            rows[f] = values
        elif len(rows[f]) < n:
            rows[f] = rows[f] + values[: n - len(rows[f])]
    rows = _by_arithmetic(lines, start, rows, n, warnings)
    table = _place_cost_rows(rows, years, warnings)
    out = []
    for i, y in enumerate(years):
        fields = {f: table[f][i] for f in table}
        if any(v is not None for v in fields.values()):
            out.append(Cost(fy=y, **fields))
    return out


def _adds_up(rows: dict[str, list[Number | None]], n: int) -> bool:
    """事業費 + 人件費 = 総事業費 in every year (千円 rounding may differ by one)."""
    pc, pe, tc = (rows.get(f, []) for f in ("project_cost", "personnel_cost", "total_cost"))
    if not (len(pc) == len(pe) == len(tc) == n):
        return False
    return all(costs_add_up(a, b, c) for a, b, c in zip(pc, pe, tc))


def _by_arithmetic(lines: list[_Line], start: int, rows: dict[str, list[Number | None]], n: int,
                   warnings: list[str]) -> dict[str, list[Number | None]]:
    """Figures the extraction printed away from their row label, placed by 事業費 + 人件費 = 総事業費.

    Two cases, each taken only when the arithmetic holds in every year:
    - a figure printed before its label instead of after it: the table's figures, read in order,
      are the three rows one after another;
    - the table in two fragments: the rows lack the same years, and elsewhere in the sheet a run
      of figures gives those years' columns (事業費, 人件費, 総事業費 each).
    """
    if _adds_up(rows, n):
        return rows
    stop = _first(lines, lambda t: t.startswith("○"), start=start + 1, default=len(lines))
    flat: list[Number | None] = []
    for line in lines[start + 1: stop]:
        tokens = line.text.split()
        if tokens and tokens[0] in _COST_ROWS:
            tokens = tokens[1:]
        for token in tokens:
            if not is_cell(token):
                break
            flat.append(parse_number(token))
    fields = ("project_cost", "personnel_cost", "total_cost")
    if len(flat) == 3 * n:
        ordered = {f: flat[k * n:(k + 1) * n] for k, f in enumerate(fields)}
        if _adds_up(ordered, n):
            if ordered != {f: rows.get(f) for f in fields}:
                warnings.append("事業費・人件費・総事業費: 行見出しから離れて印字された値を、読み取り順と"
                                "事業費＋人件費＝総事業費が全年度で成り立つことから各行に置きました")
            return ordered
    lacking = {n - len(rows.get(f, [])) for f in fields}
    if len(lacking) == 1 and (m := lacking.pop()) > 0:
        for columns in _fragment_columns(lines, stop, m):
            merged = {f: rows.get(f, []) + [col[k] for col in columns] for k, f in enumerate(fields)}
            if _adds_up(merged, n):
                warnings.append("事業費・人件費・総事業費: 表から離れて印字された最後の年度の値を、"
                                "事業費＋人件費＝総事業費が成り立つことから置きました")
                return merged
    return rows


def _fragment_columns(lines: list[_Line], after: int, m: int) -> list[list[tuple[Number, Number, Number]]]:
    """Runs of 3·m figures after the cost table that read as m columns (事業費, 人件費, 総事業費)."""
    runs: list[list[Number]] = []
    cur: list[Number] = []
    for line in lines[after:]:
        tokens = line.text.split()
        figures = []
        for token in tokens:
            if not is_number(token):
                break
            figures.append(parse_number(token))
        if figures:
            cur.extend(v for v in figures if v is not None)
        elif cur:
            runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    out = []
    for run in runs:
        for s in range(len(run) - 3 * m + 1):
            piece = run[s:s + 3 * m]
            cols = [(piece[k * 3], piece[k * 3 + 1], piece[k * 3 + 2]) for k in range(m)]
            if all(costs_add_up(a, b, c) and c > 0 for a, b, c in cols):
                out.append(cols)
    return out


def _evaluations(lines: list[_Line]) -> list[Evaluation]:
    """The 一次評価 (and 二次評価) result: the words 継続, 改善 … after the continuity block."""
    start = _first(lines, lambda t: t == "○事業継続性評価", default=None)
    if start is None:
        return []
    words = [line.text for line in lines[start:] if line.text in RESULT_WORDS]
    return [Evaluation(stage=stage, result=w) for stage, w in zip(("primary", "secondary"), words)]


# ---------------------------------------------------------------- costs


def _cost_rows(lines: list[_Line], start: int, elsewhere: bool = False) -> dict[str, list[Number | None]]:
    """Figures under each row label, whether they sit on one line or one per line.

    A line's figures are its leading cells; text after them (the ※ note) is not a figure. A line
    with no figure that is not a row label ends the row. ``elsewhere``: the rows printed after
    the table's end (a table in two fragments) instead of those inside it.
    """
    rows: dict[str, list[Number | None]] = {}
    current = None
    orphans: list[Number | None] = []  # figures before the first label: a value printed before its label
    stop = _first(lines, lambda t: t.startswith("○"), start=start + 1, default=len(lines))
    span = lines[stop:] if elsewhere else lines[start + 1 : stop]
    for line in span:
        tokens = line.text.split()
        if tokens and tokens[0] in _COST_ROWS:
            current = _COST_ROWS[tokens[0]]
            rows[current] = [] if rows or elsewhere else orphans
            tokens = tokens[1:]
            if not tokens:
                continue
        if current is None:
            if not elsewhere and not rows and tokens and all(is_cell(t) for t in tokens):
                orphans.extend(parse_number(t) for t in tokens)
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
        table: dict[str, list[Number | None]] = {f: [None] * n_years for f in _COST_ROWS.values()}
        for (f, values), cols in zip(rows.items(), choice):
            for col, v in zip(cols, values):
                table[f][col] = v
        return table

    def score(table: dict[str, list[Number | None]]) -> int:
        total = 0
        for pc, pe, tc in zip(table["project_cost"], table["personnel_cost"], table["total_cost"]):
            if (adds := costs_add_up(pc, pe, tc)) is not None:
                total += 1 if adds else -1
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
_NOTE_END = re.compile(r"^[\d,\s]*\d\s+([^\d\s][^\n]*。)\s*$", re.MULTILINE)


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
