"""Other cities' sheets, read generically: one full-cost table (フルコスト, 予算/決算 columns) in
four text shapes (pipe-separated cells, rows, spaced-out letters, glued cells)."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from eval.corpus.bank import GENERIC_CITIES, GENERIC_DIRECTIONS, OTHER_LAYOUT_PROSE
from eval.corpus.figures import era_fw, fill, known
from eval.corpus.world import Timeline, new_timeline
from ingest.model import Cost, CostBasis, CostRow, Evaluation, Project, Section, Sheet
from ingest.normalize import Number, era_label, format_number

GENERIC_LAYOUTS = ("pipe", "rows", "spaced", "glued")


@dataclass
class GenericSpec:
    sheet: Sheet
    text: str
    layout: str


def _generic_periods(rng: random.Random) -> tuple[list[tuple[int, CostBasis]], list[str], int]:
    """The table's columns (fy, basis), their header cells, and the evaluated year."""
    kind = rng.choice(("budget_settled", "plain", "reiwa", "western"))
    if kind == "budget_settled":
        h = rng.randint(26, 29)
        cols: list[tuple[int, CostBasis]] = [(h, "予算"), (h, "決算"), (h + 1, "予算"), (h + 1, "決算"),
                                             (h + 2, "予算")]
        return [(1988 + y, b) for y, b in cols], [f"H{y}{b}" for y, b in cols], 1988 + h + 1
    if kind == "plain":
        h = rng.randint(25, 28)
        return [(1988 + y, "決算") for y in (h, h + 1, h + 2)], [f"平成{y}年度決算" for y in (h, h + 1, h + 2)], 1988 + h + 2
    if kind == "reiwa":
        r = rng.randint(3, 5)
        cols = [(r, "実績"), (r + 1, "実績"), (r + 2, "計画")]
        return [(2018 + y, b) for y, b in cols], [f"R{y}{b}" for y, b in cols], 2018 + r + 1
    w = rng.randint(2021, 2023)
    cols = [(w, "決算"), (w + 1, "決算"), (w + 2, "予算")]
    return cols, [f"{y}年度{b}" for y, b in cols], w + 1


def build_generic(rng: random.Random, tl: Timeline, sheet_id: str, layout: str) -> GenericSpec:
    """A full-cost sheet of another city (フルコスト, 予算/決算 columns) in one of the text shapes."""
    periods, heads, target = _generic_periods(rng)
    yen = layout == "spaced"  # the space-tokenised shape prints 円
    rows: list[tuple[str, str, Sequence[Number | None]]] = []
    direct, staff_cost, bond = [], [], []
    for fy, _basis in periods:
        base = tl.spend["actual_pc"][2021 + (fy - periods[0][0])] * rng.uniform(0.95, 1.05)
        direct.append(round(base))
        staff_cost.append(round(tl.spend["actual_pe"][2022] * rng.uniform(0.9, 1.1)))
        bond.append(None if "municipal_bonds" not in tl.theme.funded_by else round(base * 0.3))
    fees = [round(d * 0.08) for d in direct]
    general = [d - f - (b or 0) for d, f, b in zip(direct, fees, bond, strict=True)]
    full = [d + s for d, s in zip(direct, staff_cost, strict=True)]
    staff = [round(s / 8000, 1) if b != "予算" else None for s, (_, b) in zip(staff_cost, periods, strict=True)]
    rows = [("直接事業費", "千円", direct), ("間接事業費", "千円", staff_cost), ("フルコスト", "千円", full),
            ("正職員数", "人", staff), ("使用料及び手数料", "千円", fees), ("地方債", "千円", bond),
            ("一般財源", "千円", general)]
    if layout == "spaced":
        rows = [(label, unit, v) for label, unit, v in rows if unit != "人"]
    costs = []
    for k, (fy, basis) in enumerate(periods):
        cost_rows = []
        for label, unit, v in rows:
            value, money = v[k], yen and unit == "千円"  # the spaced shape prints 円
            cost_rows.append(CostRow(label=label, value=value * 1000 if money and value is not None else value,
                                     unit="円" if money else unit))
        costs.append(Cost(fy=fy, basis=basis, rows=cost_rows))
    city = rng.choice(GENERIC_CITIES)
    purpose = fill(rng.choice(tl.theme.purpose), s=tl.short, benefit=rng.choice(tl.theme.benefit),
                   start=era_fw(tl.started))
    content = fill(OTHER_LAYOUT_PROSE.generic_content,
                   means="、".join(rng.sample(tl.theme.means, min(3, len(tl.theme.means)))))
    direction = rng.choice(GENERIC_DIRECTIONS)
    comment = fill(OTHER_LAYOUT_PROSE.generic_direction, kaizen=fill(rng.choice(tl.theme.kaizen), s=tl.short))
    sheet = Sheet(
        sheet_id=sheet_id, template="generic", municipality=city,
        evaluation_fy=target + 1, target_fy=target,
        project=Project(name=tl.name, department=tl.department, section=tl.section),
        costs=costs, evaluations=[Evaluation(stage="primary", result=direction)],
        sections=[Section(key="purpose", label="事業の目的", text=purpose),
                  Section(key="means", label="事業の内容", text=content),
                  Section(key="kaizen", label="今後の方向性", text=comment)],
        notes=[f"synthetic generic sheet (eval.corpus), layout {layout}"],
    )
    text = render_generic(sheet, heads, rows, layout, yen, target + 1)
    return GenericSpec(sheet, text, layout)


def render_generic(sheet: Sheet, heads: list[str], rows: list[tuple[str, str, Sequence[Number | None]]],
                   layout: str, yen: bool, title_fy: int) -> str:
    p = sheet.project
    sec = {s.key: s.text for s in sheet.sections}
    title = f"{era_label(title_fy)} 事務事業評価シート"
    city = sheet.municipality or ""
    result = sheet.evaluations[0].result or ""

    def cell(v: Number | None, unit: str) -> str:
        if v is None:
            return "−"
        if yen and unit == "千円":
            return format_number(v * 1000)
        return format_number(v)

    if layout == "pipe":
        lines = [city, title, "事務事業名", p.name, "担当部", p.department, "担当課", p.section,
                 "事業の目的", sec["purpose"], "事業の内容", sec["means"], "単位", *heads]
        for label, unit, vals in rows:
            lines += [label, unit, *(cell(v, unit) for v in vals)]
        lines += ["今後の方向性", sec["kaizen"], "評価結果", result]
        return "\n".join(f"{x} |" for x in lines) + "\n"
    if layout == "rows":
        out = [f"{city}　{title}", f"事務事業名　{p.name}", f"担当部　{p.department}　　担当課　{p.section}",
               "事業の目的", sec["purpose"], "事業の内容", sec["means"], "", "単位  " + "  ".join(heads)]
        for label, unit, vals in rows:
            out.append(f"{label}  {unit}  " + "  ".join(cell(v, unit) for v in vals if v is not None))
        out += ["", "今後の方向性", sec["kaizen"], "評価結果", result]
        return "\n".join(out) + "\n"
    if layout == "spaced":
        def sp(s: str) -> str:
            return " ".join(s)
        out = [sp(city) + " " + sp(title.replace(" ", "")), sp("事務事業名") + "  " + sp(known(p.name)),
               sp("担当部") + " " + sp(known(p.department)) + "  " + sp("担当課") + " " + sp(known(p.section)),
               sp("事業の目的"), sec["purpose"], sp("事業の内容"), sec["means"], "", "(単位：円)",
               sp("区分") + " " + " ".join(heads)]
        for k, (label, unit, vals) in enumerate(rows):
            # numbers with and without thousands separators side by side, as such text has them
            cells = [cell(v, unit) if (k + i) % 2 == 0 or v is None else str(round(v * 1000))
                     for i, v in enumerate(vals)]
            out.append(sp(label) + " " + " ".join(cells))
        out += ["", "今後の方向性", sec["kaizen"], "評価結果", result]
        return "\n".join(out) + "\n"
    # glued: adjacent cells run together; only comma grouping splits the numbers
    out = [f"{city}{title.replace(' ', '')}", f"事務事業名{p.name}", f"担当部{p.department}担当課{p.section}",
           f"事業の目的{sec['purpose']}", f"事業の内容{sec['means']}", "単位" + "".join(heads)]
    for label, unit, vals in rows:
        out.append(label + unit + "".join(cell(v, unit) for v in vals))
    out += [f"今後の方向性{sec['kaizen']}", f"評価結果{result}"]
    return "\n".join(out) + "\n"


def generic_specs(n: int, seed: int) -> Iterator[GenericSpec]:
    used: set[str] = set()
    for k in range(n):
        rng = random.Random(f"sheetqa-corpus:{seed}:generic:{k}")
        tl = new_timeline(rng, 20_000 + k, used)
        yield build_generic(rng, tl, f"gen-s{seed}-{k:05d}", GENERIC_LAYOUTS[k % len(GENERIC_LAYOUTS)])
