"""One koriyama-r7 sheet: its truth (canonical ``sheet/1``) and the ``Layout`` facts only the
printed page needs (codes, wrap widths, blemishes); and ``generate``, a city's worth of them.

``generate(n, seed)`` draws a city of projects (eval.corpus.world) and yields one ``SheetSpec``
per (project, evaluated year). Pure: every draw comes from a ``random.Random`` seeded by name.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction

from eval.corpus.bank import BREAKABLE, PAGE_HEADERS, RESULT_SCORES, THEMES
from eval.corpus.figures import round_half_up
from eval.corpus.prose import achievement, write_prose
from eval.corpus.world import MUNICIPALITY, Timeline, draw_shares, new_timeline
from ingest.model import Cost, Evaluation, Indicator, IndicatorValue, PastResult, Project, Section, Sheet
from ingest.vocabulary import SECTION_LABELS

TEMPLATE = "koriyama-r7"
# Prose sections in print order; a "missing section" blemish drops one of them.
PROSE_KEYS = ("resident_needs", "background", "outlook", "purpose", "means", "current", "activity_analysis",
              "primary_comment", "kaizen", "secondary_comment", "outcome_analysis", "cost_analysis")
# Characters per line, by section, as the seed wraps them (ASCII counts half).
WIDTHS = {"resident_needs": 40, "background": 34, "outlook": 45, "purpose": 32, "means": 22, "current": 34,
          "activity_analysis": 48, "primary_comment": 33, "kaizen": 46, "secondary_comment": 36,
          "outcome_analysis": 48, "cost_analysis": 26}


@dataclass
class Layout:
    """What the printed sheet shows beyond the canonical record."""

    codes: tuple[str, str, str, str]  # 段階 code, 所属コード, policy code, 中事業番号
    mid_fy: int
    final_fy: int
    unit_cost_label: str
    policy: str
    sdg: tuple[str, str, str]
    alternative: bool  # 代替事業（有）/（無） before the primary comment
    marks: tuple[int, int, int]  # ○ after the 2nd and 5th primary score, and after the 3rd
    paragraphs: dict[str, list[str]]  # section key → logical lines (paragraphs, bullets), before wrapping
    widths: dict[str, int]
    page_header: tuple[float, str] | None = None  # (where among the lower blocks, text)
    broken_label: tuple[str, int] | None = None  # (label, cut position)
    missing_section: str | None = None
    blanks: dict[str, str] = field(default_factory=dict)  # row label → why cells are blank

    def blemishes(self) -> list[str]:
        out = []
        if self.page_header:
            out.append(f"stray page header {self.page_header[1]!r}")
        if self.broken_label:
            out.append(f"label broken across lines: {self.broken_label[0]}")
        if self.missing_section:
            out.append(f"missing section: {self.missing_section}")
        return out


@dataclass
class SheetSpec:
    sheet: Sheet
    layout: Layout
    formats: tuple[str, ...] = ("text",)


def _money(tl: Timeline, t: int, y: int) -> tuple[int, int]:
    view = "actual" if y <= t else "budget" if y == t + 1 else "plan"
    return tl.spend[f"{view}_pc"][y], tl.spend[f"{view}_pe"][y]


def _last_year(tl: Timeline, t: int) -> int:
    """The last column with figures on sheet ``t``: t+3, or earlier when the project ends."""
    if tl.end is not None and (tl.planned_end or t == tl.end):
        return min(tl.end, t + 3)
    return t + 3


def _costs(tl: Timeline, t: int) -> list[Cost]:
    out = []
    for y in range(t - 2, _last_year(tl, t) + 1):
        pc, pe = _money(tl, t, y)
        total = pc + pe
        revenue: dict[str, int] = {}
        for f, by_year in tl.shares.items():
            if y in by_year:
                v = total * by_year[y]
                v = round(v / 100) * 100 if f == "municipal_bonds" and total >= 5000 else round(v)
                if v > 0:
                    revenue[f] = v
        general = total - sum(revenue.values())
        rows = [tl.series[i] for i in tl.denominators]
        den = sum(Fraction(str(s.actual[y] if y <= t else s.plan[y])) for s in rows)
        out.append(Cost(
            fy=y, project_cost=pc, personnel_cost=pe, total_cost=total, **revenue, general_revenue=general,
            unit_cost_total=round_half_up(Fraction(total * 1000) / den) if den else None,
            unit_cost_general=round_half_up(Fraction(general * 1000) / den) if den else None,
        ))
    return out


def revenue_assignments(costs: list[Cost], limit: int = 2) -> int:
    """How many ways the sparse revenue rows fit the years so that every year adds up (max ``limit``).

    The printed rows drop blank years, so a reader places each value by arithmetic; exactly one
    way must exist for the sheet to be readable.
    """
    from itertools import combinations

    years = [c.fy for c in costs]
    residual = {c.fy: (c.total_cost or 0) - (c.general_revenue or 0) for c in costs}
    rows = [[getattr(c, f) for c in costs if getattr(c, f) is not None]
            for f in ("national_prefectural", "municipal_bonds", "user_charges", "other_revenue")]
    rows = [r for r in rows if r]
    found = 0

    def place(i: int, sums: dict[int, float]) -> None:
        nonlocal found
        if found >= limit:
            return
        if i == len(rows):
            found += all(sums[y] == residual[y] for y in years)
            return
        for ys in combinations(years, len(rows[i])):
            new = dict(sums)
            for y, v in zip(ys, rows[i]):
                new[y] += v
            if all(new[y] <= residual[y] for y in ys):
                place(i + 1, new)

    place(0, {y: 0 for y in years})
    return found


def _indicators(rng: random.Random, tl: Timeline, t: int, blanks: dict[str, str]) -> list[Indicator]:
    last = _last_year(tl, t)
    full_future = last == t + 3
    out = []
    for i, s in enumerate(tl.series):
        if s.kind == "target":
            values = [IndicatorValue(fy=y, actual=s.actual[y]) for y in range(t - 2, t + 1)]
            out.append(Indicator(kind="target", no=1, name=s.name, unit=s.unit, values=values))
            continue
        no_last = (full_future and i not in tl.denominators and not s.milestones and s.start <= t - 2
                   and rng.random() < 0.12)
        values = [IndicatorValue(fy=y, plan=s.plan[y], actual=s.actual[y])
                  for y in range(max(t - 2, s.start), t + 1)]
        values += [IndicatorValue(fy=y, plan=s.plan[y])
                   for y in range(t + 1, last + 1) if not (no_last and y == t + 3)]
        ind = Indicator(kind=s.kind, no=s.no, name=s.name, unit=s.unit, values=values,
                        milestones=list(s.milestones) if full_future and s.start <= t - 2 else [])
        if s.start > t - 2:
            blanks[ind.label] = f"indicator set up in {s.start}: no figures before"
        if no_last:
            blanks[ind.label] = f"no plan yet for {t + 3}"
        out.append(ind)
    return out


def _scores(rng: random.Random, word: str, act: float | None, out: float | None) -> list[int]:
    base = RESULT_SCORES[word]

    def clamp(x: float) -> int:
        return max(1, min(5, round(x)))

    def by_rate(r: float | None) -> int:
        if r is None:
            return clamp(base + rng.gauss(0, 0.5))
        return 5 if r >= 1.1 else 4 if r >= 1.0 else 3 if r >= 0.9 else 2 if r >= 0.7 else 1

    return [clamp(base + rng.gauss(0, 0.6)) for _ in range(3)] + [by_rate(act), by_rate(out)]


def build_sheet(rng: random.Random, tl: Timeline, t: int, sheet_id: str) -> SheetSpec:
    """The truth and layout of the sheet that evaluates project ``tl``'s year ``t``."""
    blanks: dict[str, str] = {}
    inds = _indicators(rng, tl, t, blanks)
    costs = _costs(tl, t)
    acts = [i for i in inds if i.kind == "activity"]
    outs = [i for i in inds if i.kind == "outcome"]
    act_rate = achievement(acts[0], t) if acts else None
    out_rate = achievement(outs[0], t) if outs else None
    evaluations = [Evaluation(stage=stage, result=word, scores=_scores(rng, word, act_rate, out_rate))
                   for stage, word in (("primary", tl.primary[t]), ("secondary", tl.results[t]))]
    paragraphs = write_prose(rng, tl, t, inds, costs, evaluations)
    missing = rng.choice(PROSE_KEYS) if rng.random() < 0.03 else None
    sections = [Section(key=k, label=SECTION_LABELS[k], text="".join(paragraphs[k]).strip())
                for k in PROSE_KEYS if k != missing]
    layout = Layout(
        codes=tl.codes, mid_fy=tl.mid_fy, final_fy=tl.final_fy, unit_cost_label=tl.unit_cost_label,
        policy=tl.theme.policy, sdg=tl.theme.sdg, alternative=tl.alternative,
        marks=(rng.choice((0, 1, 2, 3, 3)), rng.choice((0, 1, 2, 2)), rng.choice((0, 0, 0, 1))),
        paragraphs=paragraphs, widths={k: w + rng.randint(-2, 2) for k, w in WIDTHS.items()},
        page_header=(rng.random(), rng.choice(PAGE_HEADERS)) if rng.random() < 0.03 else None,
        broken_label=None, missing_section=missing, blanks=blanks,
    )
    if rng.random() < 0.03:
        label = rng.choice(BREAKABLE)
        layout.broken_label = (label, rng.randint(1, len(label) - 1))
    sheet = Sheet(
        sheet_id=sheet_id, template=TEMPLATE, municipality=MUNICIPALITY, evaluation_fy=t + 1, target_fy=t,
        project=Project(name=tl.name, department=tl.department, section=tl.section),
        indicators=inds, costs=costs, evaluations=evaluations,
        past_results=[PastResult(fy=y, plan_category=tl.categories[y], result=tl.results[y])
                      for y in range(t - 2, t + 1)],
        sections=sections,
        notes=[f"synthetic sheet (eval.corpus), project {tl.pid}", *layout.blemishes()],
    )
    return SheetSpec(sheet, layout)


def _project_sheets(seed: int, pid: int, used: set[str], department: str | None) -> list[SheetSpec]:
    rng = random.Random(f"sheetqa-corpus:{seed}:project:{pid}")
    tl = new_timeline(rng, pid, used, department)
    for attempt in range(12):
        srng = random.Random(f"sheetqa-corpus:{seed}:project:{pid}:sheets:{attempt}")
        specs = [build_sheet(srng, tl, t, "") for t in tl.evaluated]
        if all(revenue_assignments(s.sheet.costs) == 1 for s in specs):
            return specs
        # two placements of the sparse revenue rows add up: draw the funding again
        tl.shares = draw_shares(rng, tl.theme) if attempt < 10 else {}
    raise AssertionError("unreachable: a sheet without sparse revenue rows is always readable")


def generate(n: int, seed: int, pdf_share: float = 0.05, cp932_share: float = 0.10) -> Iterator[SheetSpec]:
    """``n`` sheets, project after project; the first ``k`` sheets are the same for any ``n`` ≥ ``k``.

    The first projects visit every department once, so even a small corpus spans the city.
    """
    departments = sorted({p[0] for t in THEMES for p in t.places})
    random.Random(f"sheetqa-corpus:{seed}:departments").shuffle(departments)
    used: set[str] = set()
    count = pid = 0
    while count < n:
        for spec in _project_sheets(seed, pid, used, departments[pid] if pid < len(departments) else None):
            if count >= n:
                return
            spec.sheet.sheet_id = f"kr7-s{seed}-{count:05d}"
            pick = random.Random(f"sheetqa-corpus:{seed}:formats:{count}")
            spec.formats = ("text",) + (("cp932",) if pick.random() < cp932_share else ()) + (
                ("pdf",) if pick.random() < pdf_share else ())
            yield spec
            count += 1
        pid += 1
