"""The city and its projects: one ``Timeline`` per project (2020–2029), shared by all its sheets.

A project is a timeline, so the 2023 actual a 2024 sheet prints is the one the 2023 sheet
printed; city-wide 対象指標 (市民, 65歳以上の市民 …) are the same series in every sheet that uses
them. Drawing is pure: everything comes from the ``random.Random`` passed in.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from eval.corpus.bank import (
    AREAS,
    CITY_SERIES,
    NON_TERMINAL,
    PLAN_CATEGORIES,
    TERMINAL,
    THEMES,
    UNIT_COST_JOINER,
    UNIT_COST_LABEL,
    IndicatorTemplate,
    Theme,
)
from eval.corpus.figures import DECIMAL_UNITS, fill, fullwidth, lower_is_better
from ingest.model import Milestone

MUNICIPALITY = "郡山市"
FIRST_FY, LAST_FY = 2020, 2029  # the timeline: target 2022 − 2 … target 2025 + 4
TARGET_YEARS = (2022, 2023, 2024, 2025)  # evaluated years (令和５〜８年度 sheets)


def weighted(rng: random.Random, pairs: Iterable[tuple[str, float]]) -> str:
    items = list(pairs)
    return rng.choices([k for k, _ in items], weights=[w for _, w in items])[0]


def loguniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def nice(x: float, digits: int = 2) -> int:
    """A planner's round figure: 1,728 → 1,700; 58,433 → 58,000; 37 → 37."""
    if x < 100:
        return max(0, round(x))
    step = 10 ** (int(math.log10(x)) - digits + 1)
    return int(round(x / step) * step)


def money_plan(x: float) -> int:
    """A future-year budget figure: rounded to 1,000 千円 (100 for small projects)."""
    step = 1000 if x >= 20000 else 100 if x >= 1000 else 10
    return max(step, int(round(x / step) * step))


@dataclass
class Series:
    """One indicator over the whole timeline; a sheet prints a window of it."""

    kind: str
    no: int
    name: str
    unit: str
    noun: str
    plan: dict[int, float]
    actual: dict[int, float]
    start: int = FIRST_FY  # first year with figures (an indicator set up later)
    milestones: list[Milestone] = field(default_factory=list)


@dataclass
class Timeline:
    pid: int
    theme: Theme
    name: str
    short: str
    department: str
    section: str
    started: int  # the year the project began (prose only)
    series: list[Series]
    denominators: list[int]  # indexes into series: the unit cost is per their sum
    unit_cost_label: str
    mid_fy: int
    final_fy: int
    spend: dict[str, dict[int, int]]  # {"actual"|"budget"|"plan"}_{"pc"|"pe"} → year → 千円
    shares: dict[str, dict[int, float]]  # revenue field → year → share of 総事業費
    results: dict[int, str]
    primary: dict[int, str]
    categories: dict[int, str]
    evaluated: list[int]
    end: int | None = None  # last year with figures, when the project ends
    planned_end: bool = False  # True: no plans past ``end`` on any sheet; False: only the last sheet
    alternative: bool = False
    codes: tuple[str, str, str, str] = ("10003", "74", "062000", "1-1")


def _city_series(name: str) -> dict[int, float]:
    unit, base, growth = CITY_SERIES[name]
    jitter = random.Random(f"city:{name}")
    out: dict[int, float] = {}
    for y in range(FIRST_FY, LAST_FY + 1):
        v = base * (1 + growth) ** (y - 2022) * (1 + jitter.uniform(-0.002, 0.002))
        out[y] = round(v, 1) if unit in DECIMAL_UNITS else round(v)
    if name == "市民":  # the seed's own figures
        out.update({2022: 324586, 2023: 322515, 2024: 319680})
    return out


CITY = {name: _city_series(name) for name in CITY_SERIES}


def _indicator_series(rng: random.Random, tmpl: IndicatorTemplate, kind: str, no: int, short: str) -> Series:
    name = tmpl.name.replace("{s}", short)
    unit = tmpl.unit
    lower = lower_is_better(name)
    years = range(FIRST_FY, LAST_FY)
    plan: dict[int, float] = {}
    actual: dict[int, float] = {}
    if unit == "%":
        base = rng.uniform(tmpl.low, tmpl.high)
        step = rng.choice((0, 0.5, 1, 1, 2, 3)) * (-1 if lower else 1)
        half = rng.random() < 0.4
        bias = rng.gauss(0, 3)
        for y in years:
            p = min(100.0, max(0.0, base + step * (y - 2022)))
            plan[y] = round(p * 2) / 2 if half else float(round(p))
            actual[y] = round(min(100.0, max(0.0, plan[y] + bias + rng.gauss(0, 2.5))), 1)
    elif tmpl.low == 0:
        base = rng.uniform(1, tmpl.high)
        for y in years:
            plan[y] = max(0, round(base * (0.9 ** (y - 2022)))) if lower else round(base)
            actual[y] = max(0, round(plan[y] + rng.gauss(0, max(1.0, base * 0.4))))
    else:
        base = loguniform(rng, tmpl.low, tmpl.high)
        growth = rng.choice((0.0, 0.0, 0.03, 0.06, 0.1, 0.15, -0.03))
        if lower:
            growth = -abs(growth)
        flat_from = rng.choice((None, None, 2024, 2025, 2026))
        exact = unit in ("施設", "校", "箇所") and rng.random() < 0.5 or rng.random() < 0.08
        bias = rng.uniform(0.8, 1.22)
        decimals = unit in DECIMAL_UNITS
        for y in years:
            yy = min(y, flat_from) if flat_from else y
            raw = base * (1 + growth) ** (yy - 2022)
            plan[y] = round(raw, 1) if decimals else (nice(raw) if raw >= 100 else max(1, round(raw)))
            if exact:
                actual[y] = plan[y]
            else:
                a = plan[y] * bias * math.exp(rng.gauss(0, 0.07))
                actual[y] = round(a, 1) if decimals else max(0, round(a))
    return Series(kind, no, name, unit, tmpl.noun, plan, actual)


def _milestones(rng: random.Random, s: Series, mid_fy: int, final_fy: int) -> list[Milestone]:
    r = rng.random()
    if r < 0.72:
        return []

    def at(fy: int) -> float:
        v = s.plan.get(fy, s.plan[LAST_FY - 1])
        return v if s.unit in DECIMAL_UNITS else int(v)

    final = Milestone(kind="final", fy=final_fy, value=at(final_fy))
    if r < 0.87:
        return [final]
    return [Milestone(kind="mid", fy=mid_fy, value=at(mid_fy)), final]


def _choose_indicators(rng: random.Random, theme: Theme, short: str) -> list[Series]:
    n_act = weighted(rng, (("1", 30), ("2", 40), ("3", 30)))
    n_out = weighted(rng, (("0", 12), ("1", 33), ("2", 33), ("3", 22)))
    if rng.random() < 0.03:  # the smallest sheets: a single activity row
        n_act, n_out = "1", "0"
    out: list[Series] = []
    if rng.random() < 0.8 and not (n_act == "1" and n_out == "0" and rng.random() < 0.5):
        tname = rng.choice(theme.targets)
        unit = CITY_SERIES[tname][0]
        values = CITY[tname]
        out.append(Series("target", 1, tname, unit, "", {}, dict(values)))
    for kind, count, pool in (("activity", int(n_act), theme.activities),
                              ("outcome", int(n_out), theme.outcomes)):
        for no, tmpl in enumerate(rng.sample(pool, min(count, len(pool))), start=1):
            out.append(_indicator_series(rng, tmpl, kind, no, short))
    return out


def _cost_noun(s: Series) -> str:
    """What one unit of the row is, for the unit-cost label: 電子申請, 公園の点検 …"""
    return s.noun or re.sub(r"(の延べ|延べ)?(件数|回数|者数|人数|数)$", "", s.name)


def _unit_cost_basis(rng: random.Random, series: list[Series]) -> tuple[list[int], str]:
    """One or two rows whose sum the unit cost divides by, and the label naming them."""
    usable = [i for i, s in enumerate(series) if s.kind != "target" and s.unit not in ("%", "千円", "g", "t")
              and not lower_is_better(s.name) and min(s.plan.values()) > 0 and min(s.actual.values()) > 0]
    if not usable:  # every row is a rate or an amount: make the first activity row countable
        i = next(i for i, s in enumerate(series) if s.kind == "activity")
        s = series[i]
        s.unit, s.noun = "件", s.noun or "実施"
        s.plan = {y: max(10, nice(v * 40)) for y, v in s.plan.items()}
        s.actual = {y: max(1, round(v * 40)) for y, v in s.actual.items()}
        usable = [i]
    named = [i for i in usable if series[i].noun] or usable
    pick = [rng.choice(named)]
    pair = [i for i in named if i != pick[0] and series[i].unit == series[pick[0]].unit
            and _cost_noun(series[i]) != _cost_noun(series[pick[0]])]
    if pair and rng.random() < 0.3:
        pick.append(rng.choice(pair))
        pick.sort()
    nouns = UNIT_COST_JOINER.join(_cost_noun(series[i]) for i in pick)
    return pick, fill(UNIT_COST_LABEL, nouns=nouns, unit=series[pick[0]].unit)


def _spend(rng: random.Random) -> dict[str, dict[int, int]]:
    band = weighted(rng, (("s", 20), ("m", 45), ("l", 25), ("xl", 10)))
    low, high, staff = {"s": (200, 3000, (0.05, 0.5)), "m": (3000, 50000, (0.2, 2.0)),
                        "l": (50000, 500000, (0.5, 5.0)), "xl": (500000, 6000000, (1.0, 12.0))}[band]
    base = loguniform(rng, low, high)
    trend = rng.uniform(-0.05, 0.08)
    fte = loguniform(rng, *staff)
    out: dict[str, dict[int, int]] = {k: {} for k in ("actual_pc", "budget_pc", "plan_pc", "actual_pe",
                                                       "budget_pe", "plan_pe")}
    flat_plan = rng.random() < 0.5
    for y in range(FIRST_FY, LAST_FY + 1):
        level = base * (1 + trend) ** (y - 2022)
        spike = rng.uniform(1.4, 2.6) if rng.random() < 0.12 else 1.0
        out["actual_pc"][y] = max(50, round(level * spike * rng.uniform(0.86, 1.14)))
        out["budget_pc"][y] = max(50, round(level * spike * rng.uniform(0.97, 1.12)))
        out["plan_pc"][y] = money_plan(base * (1 + trend) ** (0 if flat_plan else y - 2022) * 1.03)
        pe = fte * 8200 * (1 + 0.015 * (y - 2022))
        out["actual_pe"][y] = max(80, round(pe * rng.uniform(0.85, 1.15)))
        out["budget_pe"][y] = max(100, money_plan(pe))
        out["plan_pe"][y] = max(100, money_plan(fte * 8200 * (1.0 if flat_plan else 1 + 0.015 * (y - 2022))))
    return out


def draw_shares(rng: random.Random, theme: Theme) -> dict[str, dict[int, float]]:
    """Revenue other than 一般財源等, as a share of 総事業費 per year (absent years left out);
    市債 and 使用料 mostly where the theme is ``funded_by`` them."""
    years = list(range(FIRST_FY, LAST_FY + 1))

    def some(p: float) -> list[int]:
        got = [y for y in years if rng.random() < p]
        return got or [rng.choice(years)]

    out: dict[str, dict[int, float]] = {}
    r = rng.random()
    if r < 0.18:
        rate = rng.choice((0.5, 1 / 3, 0.25, 0.75))
        out["national_prefectural"] = {y: rate * rng.uniform(0.9, 1.0) for y in years}
    elif r < 0.48:
        out["national_prefectural"] = {y: rng.uniform(0.05, 0.5) for y in some(0.35)}
    if rng.random() < (0.35 if "municipal_bonds" in theme.funded_by else 0.04):
        out["municipal_bonds"] = {y: rng.uniform(0.2, 0.6) for y in some(0.3)}
    r = rng.random()
    if r < (0.25 if "user_charges" in theme.funded_by else 0.05):
        out["user_charges"] = {y: rng.uniform(0.03, 0.3) for y in years}
    elif r < (0.42 if "user_charges" in theme.funded_by else 0.09):
        out["user_charges"] = {y: rng.uniform(0.02, 0.2) for y in some(0.4)}
    if rng.random() < 0.12:
        out["other_revenue"] = {y: rng.uniform(0.02, 0.25) for y in some(0.35)}
    for y in years:  # keep 一般財源等 at least 8 % of the total
        total = sum(s.get(y, 0.0) for s in out.values())
        if total > 0.92:
            for s in out.values():
                if y in s:
                    s[y] *= 0.92 / total
    return out


def new_timeline(rng: random.Random, pid: int, used: set[str], department: str | None = None) -> Timeline:
    """Draw one project: its place in the city, its indicators and money over 2020–2029."""
    if department:
        choices = [(t, p) for t in THEMES for p in t.places if p[0] == department]
        theme, (dept, sect) = rng.choice(choices)
    else:
        theme = rng.choices(THEMES, weights=[t.weight for t in THEMES])[0]
        dept, sect = rng.choice(theme.places)
    name = short = ""
    for attempt in range(40):
        subject = rng.choice(theme.subjects)
        core = subject.core
        if theme.areas and (attempt > 3 or rng.random() < 0.35):
            core = f"{rng.choice(AREAS)}地区{core}"
        suffix = rng.choice(subject.suffixes)
        name, short = core + (suffix[2:] if core.endswith(suffix[:2]) else suffix), subject.short
        if name not in used:
            break
    else:
        k = 2
        while f"{name}（第{fullwidth(k)}期）" in used:
            k += 1
        name = f"{name}（第{fullwidth(k)}期）"
    used.add(name)

    series = _choose_indicators(rng, theme, short)
    denominators, label = _unit_cost_basis(rng, series)
    span = weighted(rng, (("1", 15), ("2", 25), ("3", 25), ("4", 35)))
    first = rng.randint(TARGET_YEARS[0], TARGET_YEARS[-1] - int(span) + 1)
    evaluated = list(range(first, first + int(span)))
    last = evaluated[-1]
    results = {y: weighted(rng, NON_TERMINAL) for y in range(FIRST_FY, last + 1)}
    end, planned = None, False
    if rng.random() < 0.22:
        word = weighted(rng, TERMINAL)
        results[last] = word
        if word == "完了":
            end, planned = last, True
        elif word in ("廃止", "統合") and rng.random() < 0.6:
            end = last
    primary = {}
    for y, word in results.items():
        if rng.random() < 0.82:
            primary[y] = word
        else:
            primary[y] = weighted(rng, [(w, k) for w, k in NON_TERMINAL if w != word])
    mid_fy, final_fy = rng.choice(((2021, 2025), (2023, 2025), (2025, 2030), (2026, 2030), (2022, 2026)))
    for i, s in enumerate(series):
        if s.kind == "target" or i in denominators:
            continue
        if end is None and rng.random() < 0.2:
            s.start = rng.choice((first - 1, first))
        else:
            s.milestones = _milestones(rng, s, mid_fy, final_fy)
    return Timeline(
        pid=pid, theme=theme, name=name, short=short, department=dept, section=sect,
        started=rng.randint(2004, 2019), series=series, denominators=denominators, unit_cost_label=label,
        mid_fy=mid_fy, final_fy=final_fy, spend=_spend(rng), shares=draw_shares(rng, theme), results=results,
        primary=primary, categories={y: weighted(rng, PLAN_CATEGORIES) for y in range(FIRST_FY, last + 1)},
        evaluated=evaluated, end=end, planned_end=planned, alternative=rng.random() < 0.35,
        codes=(str(rng.randint(10001, 10399)), str(rng.randint(11, 99)),
               f"0{rng.randint(10, 99)}{rng.randint(0, 9)}00", f"{rng.randint(1, 9)}-{rng.randint(1, 6)}"),
    )

