"""koriyama-h27 sheets: the 平成 family, one cell per line, with the traps real sheets show.

A sheet takes its project from the same city model as the R7 sheets (its own draw: not the R7
corpus's projects); the text interleaves labels and values as the public extraction does
(docs/formats.md, koriyama-h27).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from eval.corpus.bank import H27_COST_NOTE, OTHER_LAYOUT_PROSE
from eval.corpus.figures import DECIMAL_UNITS, era_fw, fill, known
from eval.corpus.text import wrap
from eval.corpus.world import MUNICIPALITY, Series, Timeline, new_timeline
from ingest.model import Cost, Evaluation, Indicator, IndicatorValue, Project, Section, Sheet
from ingest.normalize import format_number

H27_TEMPLATE = "koriyama-h27"
H27_TRAPS = ("name_after_purpose", "label_first", "outcome_unit_far", "activity_labels_between",
             "two_outcomes", "cost_fragments", "cost_column_elsewhere", "value_before_label", "primary_result")


@dataclass
class H27Spec:
    sheet: Sheet
    text: str
    traps: tuple[str, ...]


def _h27_label(fy: int) -> str:
    return f"平成{fy - 1988}年度"


def _h27_series(rng: random.Random, tl: Timeline, kind: str, k: int) -> list[Series]:
    """Up to ``k`` of the project's rows of a kind, their sizes far apart when there are several
    (a reader can only tell tangled rows apart by their size)."""
    rows = [s for s in tl.series if s.kind == kind][:k]
    out: list[Series] = []
    for s in rows:
        top = max(s.plan.values()) if s.plan else max(s.actual.values())
        if any(not (top > 3 * max(o.plan.values() or o.actual.values()) or
                    3 * top < min(o.plan.values() or o.actual.values())) for o in out):
            continue
        if s.unit in DECIMAL_UNITS or s.unit == "%":
            continue  # decimals and rates print as in the R7 family; keep the H27 rows whole numbers
        out.append(s)
    return out


def build_h27(rng: random.Random, tl: Timeline, sheet_id: str) -> H27Spec | None:
    """One H27-era sheet of project ``tl`` (columns 平成25–27 or 26–28) and its extracted text."""
    first = rng.choice((2013, 2013, 2013, 2014))
    years = [first, first + 1, first + 2]
    src = {y: 2021 + i for i, y in enumerate(years)}  # the timeline's years the figures come from
    traps = set(rng.sample(H27_TRAPS, rng.randint(1, 3)))
    outs = _h27_series(rng, tl, "outcome", 2 if "two_outcomes" in traps else 1)
    acts = _h27_series(rng, tl, "activity", rng.choice((1, 1, 2, 3)))
    if not outs or not acts:
        return None  # this family prints an outcome and an activity row: draw another project
    if len(outs) < 2:
        traps.discard("two_outcomes")
    indicators = [
        Indicator(kind="outcome", no=i, name=s.name, unit=s.unit,
                  values=[IndicatorValue(fy=y, plan=s.plan[src[y]], actual=s.actual[src[y]]) for y in years])
        for i, s in enumerate(outs, start=1)
    ] + [
        Indicator(kind="activity", no=i, name=s.name, unit=s.unit,
                  values=[IndicatorValue(fy=y, actual=s.actual[src[y]]) for y in years])
        for i, s in enumerate(acts, start=1)
    ]
    costs = []
    for y in years:
        pc, pe = tl.spend["actual_pc"][src[y]], tl.spend["actual_pe"][src[y]]
        costs.append(Cost(fy=y, project_cost=pc, personnel_cost=pe, total_cost=pc + pe))
    result = tl.primary.get(2023, "継続")
    evaluations = [Evaluation(stage="primary", result=result)] if "primary_result" in traps else []
    purpose = fill(rng.choice(tl.theme.purpose), s=tl.short, benefit=rng.choice(tl.theme.benefit),
                   start=era_fw(tl.started))
    means = fill(OTHER_LAYOUT_PROSE.h27_means,
                 means="、".join(rng.sample(tl.theme.means, min(2, len(tl.theme.means)))))
    sheet = Sheet(
        sheet_id=sheet_id, template=H27_TEMPLATE, municipality=MUNICIPALITY, target_fy=years[-1],
        project=Project(name=tl.name, department=tl.department, section=tl.section),
        indicators=indicators, costs=costs, evaluations=evaluations,
        sections=[Section(key="purpose", label="目的(アウトカム)", text=purpose),
                  Section(key="means", label="手段(アウトプット)", text=means)],
        notes=[f"synthetic H27 sheet (eval.corpus), project {tl.pid}", *(f"trap: {t}" for t in sorted(traps))],
    )
    return H27Spec(sheet, render_h27(rng, sheet, tl, sorted(traps)), tuple(sorted(traps)))


def _wrap_h27(text: str) -> list[str]:
    return wrap(text, 48)


def render_h27(rng: random.Random, sheet: Sheet, tl: Timeline, traps: list[str]) -> str:
    """The sheet as the public extraction gives it: one cell per line, labels and values
    interleaved, year labels displaced from their figures (formats.md, koriyama-h27)."""
    p = sheet.project
    name, department, section = known(p.name), known(p.department), known(p.section)
    years = [c.fy for c in sheet.costs]
    y25, y26, y27 = (_h27_label(y) for y in years)
    outs = [i for i in sheet.indicators if i.kind == "outcome"]
    acts = [i for i in sheet.indicators if i.kind == "activity"]
    sec = {s.key: s.text for s in sheet.sections}
    no, code = str(rng.randrange(10, 500) * 10), f"{rng.randint(1, 6)}-{rng.randint(1, 5)}-{rng.randint(1, 4)}"
    purpose = _wrap_h27(sec["purpose"])
    means = _wrap_h27(sec["means"])
    fmt = format_number

    def box(ind: Indicator, k: int) -> list[str]:
        v = ind.values[k]
        return [fmt(known(v.plan)), fmt(known(v.actual))]

    o1 = outs[0]
    lines: list[str] = []
    # head
    if "label_first" in traps:
        lines += ["事務事業名", department, "部", "○事業概要", "目的", "(アウトカ", "ム)", "成果指標1", name,
                  section, "課"]
    elif "name_after_purpose" in traps:
        lines += ["○事業概要", "目的", "(アウトカ", *purpose[:1], "ム)", *purpose[1:], name, "事務事業名", "部",
                  department, "成果指標1", "課", no, code]
    else:
        lines += [name, "事務事業名", "部", department, "○事業概要", "目的", "(アウトカ", "ム)", "成果指標1", "課",
                  no, code]
    with_purpose = "name_after_purpose" not in traps
    if "label_first" in traps:
        lines += [no, code]
    # outcomes
    if len(outs) == 2:
        o2 = outs[1]
        lines += [y25, "区分", known(o1.name), y25, "区分", known(o2.name), f"単位: {o2.unit}", "計画値", "実績値",
                  "単位:", "計画値", "実績値", y26, y26, *box(o2, 0), y25, "区分", y27, *box(o1, 0), *box(o1, 1), "計画値", "実績値",
                  "成果指標3", "手段", "(アウト", "プット)"]
        lines += [*(purpose if with_purpose else []), f"単位: {o1.unit}", "成果指標2", "NO", "政策体系",
                  *([section] if "label_first" not in traps else []), *box(o1, 2), y27, *box(o2, 1), *box(o2, 2)]
    elif "outcome_unit_far" in traps or rng.random() < 0.5:
        lines += [*(purpose if with_purpose else []), y25, "区分", known(o1.name), "区分", "成果指標2", "計画値", "実績値",
                  "成果指標3", "計画値", "実績値", y26, *box(o1, 0), "計画値", "実績値", f"単位: {o1.unit}", "区分",
                  "手段", "(アウト", "プット)", "NO", "政策体系"]
        if "label_first" not in traps:
            lines.append(section)
        lines += [y27, *box(o1, 1), *box(o1, 2)]
    else:
        lines += [*(purpose if with_purpose else []), known(o1.name), f"単位: {o1.unit}", y25, "区分", "区分", "成果指標2",
                  "計画値", "実績値", "成果指標3", "計画値", "実績値", "区分", "手段", "(アウト", "プット)", "NO",
                  "政策体系"]
        if "label_first" not in traps:
            lines.append(section)
        lines += [y26, *box(o1, 0), "計画値", "実績値", y27, *box(o1, 1), *box(o1, 2)]
    lines += [y25, y26, y27] * 2
    lines += means
    # activities: names with their units, then the figures
    for k, a in enumerate(acts, start=1):
        if "activity_labels_between" in traps:
            lines += ["区分", known(a.name), *([f"活動指標{k}"] if k > 1 else []), f"単位: {a.unit}", "実績値"]
        else:
            lines += [known(a.name), *([f"活動指標{k}"] if k > 1 else []), f"単位: {a.unit}"]
    if len(acts) == 1:
        a = acts[0]
        lines += [y25, "区分", "区分", "活動指標2", y26, y27, fmt(known(a.values[0].actual)), "実績値",
                  fmt(known(a.values[1].actual)), fmt(known(a.values[2].actual))]
    else:
        for k, a in enumerate(acts, start=1):
            lines += [y25, "区分", *(["活動指標1"] if k == 1 else []), y26, fmt(known(a.values[0].actual)), "実績値"]
        lines += [y27, *(fmt(known(a.values[1].actual)) for a in acts), y27,
                  *(fmt(known(a.values[2].actual)) for a in acts)]
    lines += [y25, y26, y27, y25, y26, y27, "実績値", "区分", "活動指標3", "実績値"]
    # costs
    c = {f: [fmt(getattr(x, f)) for x in sheet.costs] for f in ("project_cost", "personnel_cost", "total_cost")}
    lines += ["○事業費(インプット)", "単位:千円", f"H{years[0] - 1988}年度 H{years[1] - 1988}年度 H{years[2] - 1988}年度"]
    later: list[str] = []
    if "cost_column_elsewhere" in traps:
        rows = {f: v[:2] for f, v in c.items()}
        later = [f"H{years[2] - 1988}年度", c["project_cost"][2], c["personnel_cost"][2], c["total_cost"][2]]
    else:
        rows = c
    style = rng.choice(("row", "values", "mixed"))

    def row(values: list[str], note: str = "") -> list[str]:
        tail = f" {note}" if note else ""
        if style == "row":
            return [" ".join(values) + tail]
        if style == "values":
            return [*values[:-1], values[-1] + tail]
        return [" ".join(values[:-1]), values[-1] + tail]

    pc_rows = ["事業費", *row(rows["project_cost"])]
    if "value_before_label" in traps and "cost_column_elsewhere" not in traps:
        vals = rows["project_cost"]
        pc_rows = [vals[0], "事業費", " ".join(vals[1:])]
    pe_rows = ["人件費", *row(rows["personnel_cost"], H27_COST_NOTE[0])]
    tc_rows = ["総事業費", *row(rows["total_cost"], H27_COST_NOTE[1])]
    if "cost_fragments" in traps:
        lines += pc_rows
        tail = pe_rows + tc_rows
    else:
        lines += pc_rows + pe_rows + tc_rows
        tail = []
    # continuity and evaluation
    grade = rng.choice("ABB")
    users = [fmt(rng.randint(100, 9000)) for _ in range(5)]
    lines += ["○事業継続性評価", "代替サービスの有無", "一", "次", "評", "価", grade, "状況", "利用者数", "○", "市民ニーズ",
              "利用者数が増加傾向である", "他の団体において代替サービスが実施されていない", "代替サービスの有無",
              "代替サービスの有無", "二", "次", "評", "価", "○", "年度", "H23年度", "利用者数", users[0], "H24年度", users[1],
              "H25年度", users[2], "H26年度"]
    if sheet.evaluations:
        s = [str(rng.randint(2, 4)) for _ in range(5)]
        lines += ["規模・方法の妥当性", s[0], s[1], "公平性", s[2], s[3], "効率性", s[4], sheet.evaluations[0].result or "",
                  "一次評価", "1", "4 成果指標", "(目的達成度)", "5 活動指標", "(活動達成度)"]
    lines += [users[3], "H27年度", users[4]]
    lines += tail + later
    return "\n" + "\n".join(lines) + "\n"


def h27_specs(n: int, seed: int) -> Iterator[H27Spec]:
    """``n`` H27 sheets, one per project (their own draw: not the R7 corpus's projects)."""
    used: set[str] = set()
    for k in range(n):
        for attempt in range(50):
            rng = random.Random(f"sheetqa-corpus:{seed}:h27:{k}:{attempt}")
            tl = new_timeline(rng, 10_000 + k, used)
            spec = build_h27(rng, tl, f"kh27-s{seed}-{k:05d}")
            if spec is not None:
                yield spec
                break
