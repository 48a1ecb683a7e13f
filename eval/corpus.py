"""Synthetic koriyama-r7 sheets with known answers: a city's worth of 事務事業マネジメントシート.

Generation is pure: ``generate(n, seed)`` draws a city of projects from ``random.Random`` and
yields one ``SheetSpec`` per (project, evaluated year): the truth ``Sheet`` (canonical
``sheet/1``) and the ``Layout`` facts only the printed page needs (codes, wrap widths,
blemishes). ``render_text`` prints a spec the way a PDF extractor gives the seed sheet
(``../shared/seed/koriyama_r7_digital_first.txt``, line by line: blank cells dropped, indicator
names far from their rows); ``render_pdf`` typesets that text. ``write_corpus`` is the only I/O.

A project is a timeline (2020–2029) shared by all of its sheets, so the 2023 actual a 2024
sheet prints is the one the 2023 sheet printed; city-wide 対象指標 (市民, 65歳以上の市民 …) are the
same series in every sheet that uses them.

The texts it draws from (policy themes with their projects, indicators and sentences; districts;
city-wide series) are data, ``eval/corpus_data/*.toml``, read once at import.
"""

from __future__ import annotations

import io
import json
import math
import random
import re
import shutil
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any

from ingest.model import (
    SECTION_LABELS,
    Cost,
    CostRow,
    Evaluation,
    Indicator,
    IndicatorKind,
    IndicatorValue,
    Milestone,
    PastResult,
    Project,
    Section,
    Sheet,
)
from ingest.normalize import Number, era_label, format_number

TEMPLATE = "koriyama-r7"
MUNICIPALITY = "郡山市"
FIRST_FY, LAST_FY = 2020, 2029  # the timeline: target 2022 − 2 … target 2025 + 4
TARGET_YEARS = (2022, 2023, 2024, 2025)  # evaluated years (令和５〜８年度 sheets)

# ---------------------------------------------------------------------------------------------
# The content bank: eval/corpus_data/themes.toml (one theme per policy field) and common.toml
# (sentences any theme uses, city-wide series, districts); their headers give the line formats.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorTemplate:
    name: str
    unit: str
    low: float
    high: float
    noun: str = ""


@dataclass(frozen=True)
class Subject:
    core: str
    short: str
    suffixes: tuple[str, ...]


@dataclass(frozen=True)
class Theme:
    key: str
    weight: float
    policy: str
    sdg: tuple[str, str, str]
    places: tuple[tuple[str, str], ...]
    subjects: tuple[Subject, ...]
    targets: tuple[str, ...]
    activities: tuple[IndicatorTemplate, ...]
    outcomes: tuple[IndicatorTemplate, ...]
    background: tuple[str, ...]
    current: tuple[str, ...]
    outlook: tuple[str, ...]
    needs: tuple[str, ...]
    purpose: tuple[str, ...]
    means: tuple[str, ...]
    kaizen: tuple[str, ...]
    focus: tuple[str, ...]
    items: tuple[str, ...]
    benefit: tuple[str, ...]
    areas: bool = False  # subjects may take a district name (市道○○線, ○○地区)


def _data(name: str) -> dict[str, Any]:
    """One file of eval/corpus_data (package data), parsed."""
    return tomllib.loads(resources.files(__package__ or "eval").joinpath("corpus_data", name).read_text("utf-8"))


def _indicator_templates(lines: list[str]) -> tuple[IndicatorTemplate, ...]:
    out = []
    for line in lines:
        name, unit, low, high, *noun = line.split("|")
        out.append(IndicatorTemplate(name, unit, float(low), float(high), noun[0] if noun else ""))
    return tuple(out)


def _theme(d: dict[str, Any]) -> Theme:
    subjects = []
    for line in d["subjects"]:
        core, short, suffixes = line.split("|")
        subjects.append(Subject(core, short, tuple(suffixes.split("/"))))
    places = []
    for p in d["places"]:
        department, section = p.split("/")
        places.append((department, section))
    s1, s2, s3 = d["sdg"]
    lines = {k: tuple(d[k]) for k in ("background", "current", "outlook", "needs", "purpose", "means", "kaizen",
                                      "focus", "items", "benefit")}
    return Theme(
        key=d["key"], weight=d["weight"], policy=d["policy"], sdg=(s1, s2, s3), places=tuple(places),
        subjects=tuple(subjects), targets=tuple(d["targets"]),
        activities=_indicator_templates(d["activities"]), outcomes=_indicator_templates(d["outcomes"]),
        areas=d.get("areas", False), **lines,
    )


THEMES: tuple[Theme, ...] = tuple(_theme(d) for d in _data("themes.toml")["theme"])
THEME_BY_KEY = {t.key: t for t in THEMES}

_COMMON = _data("common.toml")
# City-wide 対象指標: (unit, value in 2022, yearly change).
CITY_SERIES: dict[str, tuple[str, float, float]] = {
    name: (unit, value, change) for name, (unit, value, change) in _COMMON["city_series"].items()
}
# Sentences any theme can add to its own, so two sheets of one theme rarely read alike.
GENERIC: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in _COMMON["generic"].items()}
ACTIVITY_CLOSING: tuple[str, ...] = tuple(_COMMON["activity_closing"])
OUTCOME_CLOSING: tuple[str, ...] = tuple(_COMMON["outcome_closing"])
# Closing words of a comment, by the evaluation result it announces.
RESULT_CLOSING: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in _COMMON["result_closing"].items()}
TIMING_ACTIONS: tuple[str, ...] = tuple(_COMMON["timing_actions"])
KAIZEN_NEEDS: tuple[str, ...] = tuple(_COMMON["kaizen_needs"])
PERSONNEL_UP: tuple[str, ...] = tuple(_COMMON["personnel_up"])
PERSONNEL_DOWN: tuple[str, ...] = tuple(_COMMON["personnel_down"])
PERSONNEL_FLAT: tuple[str, ...] = tuple(_COMMON["personnel_flat"])
AREAS: tuple[str, ...] = tuple(_COMMON["areas"])

PAGE_HEADERS = ("- 2 -", "２／２", "郡山市 事務事業マネジメントシート", "事務事業評価（続き）")
# Printed labels a page break may cut in two (the "broken label" blemish).
BREAKABLE = (
    "住民意向分析", "活動指標分析結果", "成果指標分析結果", "一次評価コメント", "二次評価コメント",
    "総事業費（事業費・人件費）分析結果", "歳出計（総事業費）", "単位コスト（総コストから算出）",
    "単位コスト（所要一般財源から算出）", "今後周辺環境（予測）", "事業開始時周辺環境（背景） 現状周辺環境",
    "手段 意図（目的）", "対象指標", "指標名指標名", "受益者負担金（使用料、負担金等）", "国・県支出金",
)
# Prose sections in print order; a "missing section" blemish drops one of them.
PROSE_KEYS = ("resident_needs", "background", "outlook", "purpose", "means", "current", "activity_analysis",
              "primary_comment", "kaizen", "secondary_comment", "outcome_analysis", "cost_analysis")
# Characters per line, by section, as the seed wraps them (ASCII counts half).
WIDTHS = {"resident_needs": 40, "background": 34, "outlook": 45, "purpose": 32, "means": 22, "current": 34,
          "activity_analysis": 48, "primary_comment": 33, "kaizen": 46, "secondary_comment": 36,
          "outcome_analysis": 48, "cost_analysis": 26}

NON_TERMINAL = (("継続", 60), ("改善", 18), ("拡充", 12), ("縮小", 10))
TERMINAL = (("完了", 30), ("廃止", 30), ("統合", 20), ("休止", 20))
PLAN_CATEGORIES = (("継続", 60), ("拡充", 15), ("改善", 10), ("縮小", 8), ("新規", 7))
DECIMAL_UNITS = frozenset({"%", "km", "ha"})
_LOWER_BETTER = ("事故", "待機児童", "死亡率", "発生件数", "排出量", "被害額", "回収量")

# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------

_FW = str.maketrans("0123456789", "０１２３４５６７８９")


def fullwidth(n: int) -> str:
    return str(n).translate(_FW)


def era_fw(fy: int) -> str:
    """2024 → 令和６年度 (full-width digits, as the sheet prints them)."""
    if fy > 2018:
        return f"令和{'元' if fy == 2019 else fullwidth(fy - 2018)}年度"
    return f"平成{'元' if fy == 1989 else fullwidth(fy - 1988)}年度"


def fy_fw(fy: int) -> str:
    """2024 → 2024年度（令和６年度）."""
    return f"{fy}年度（{era_fw(fy)}）"


def round_half_up(x: Fraction | float) -> int:
    return math.floor(Fraction(x) + Fraction(1, 2))


def lower_is_better(name: str) -> bool:
    return any(k in name for k in _LOWER_BETTER)


def with_unit(v: float, unit: str) -> str:
    """A figure as prose writes it: 685件, 72.4％, 12.5km."""
    return f"{format_number(v)}{'％' if unit == '%' else unit}"


def diff_unit(d: float, unit: str) -> str:
    return f"{format_number(round(abs(d), 1) if unit in DECIMAL_UNITS else abs(d))}" + (
        "ポイント" if unit == "%" else unit)


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


def _fill(template: str, **slots: object) -> str:
    return template.format(**slots)


# ---------------------------------------------------------------------------------------------
# The project timeline
# ---------------------------------------------------------------------------------------------


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
    nouns = "及び".join(_cost_noun(series[i]) for i in pick)
    return pick, f"{nouns}１{series[pick[0]].unit}当たりのコスト"


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


_BOND_THEMES = {"roads", "parks", "school", "disaster", "waste", "sports", "culture", "agri", "transport",
                "carbon"}
_FEE_THEMES = {"childcare", "sports", "culture", "learning", "elderly", "welfare", "waste", "tourism"}


def _shares(rng: random.Random, theme: Theme) -> dict[str, dict[int, float]]:
    """Revenue other than 一般財源等, as a share of 総事業費 per year (absent years left out)."""
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
    if rng.random() < (0.35 if theme.key in _BOND_THEMES else 0.04):
        out["municipal_bonds"] = {y: rng.uniform(0.2, 0.6) for y in some(0.3)}
    r = rng.random()
    if r < (0.25 if theme.key in _FEE_THEMES else 0.05):
        out["user_charges"] = {y: rng.uniform(0.03, 0.3) for y in years}
    elif r < (0.42 if theme.key in _FEE_THEMES else 0.09):
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
        mid_fy=mid_fy, final_fy=final_fy, spend=_spend(rng), shares=_shares(rng, theme), results=results,
        primary=primary, categories={y: weighted(rng, PLAN_CATEGORIES) for y in range(FIRST_FY, last + 1)},
        evaluated=evaluated, end=end, planned_end=planned, alternative=rng.random() < 0.35,
        codes=(str(rng.randint(10001, 10399)), str(rng.randint(11, 99)),
               f"0{rng.randint(10, 99)}{rng.randint(0, 9)}00", f"{rng.randint(1, 9)}-{rng.randint(1, 6)}"),
    )


# ---------------------------------------------------------------------------------------------
# One sheet: the truth, and what only the printed page needs
# ---------------------------------------------------------------------------------------------


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


def _rate(ind: Indicator | None, t: int) -> float | None:
    v = ind.value(t) if ind else None
    if v is None or v.plan is None or v.actual is None:
        return None
    if lower_is_better(ind.name or ""):
        return (v.plan + 1) / (v.actual + 1)
    return v.actual / v.plan if v.plan else None


def _scores(rng: random.Random, word: str, act: float | None, out: float | None) -> list[int]:
    base = {"拡充": 4.3, "継続": 3.7, "改善": 2.9, "縮小": 2.5, "統合": 2.6, "休止": 2.2, "廃止": 1.8, "完了": 4.0}[word]

    def clamp(x: float) -> int:
        return max(1, min(5, round(x)))

    def by_rate(r: float | None) -> int:
        if r is None:
            return clamp(base + rng.gauss(0, 0.5))
        return 5 if r >= 1.1 else 4 if r >= 1.0 else 3 if r >= 0.9 else 2 if r >= 0.7 else 1

    return [clamp(base + rng.gauss(0, 0.6)) for _ in range(3)] + [by_rate(act), by_rate(out)]


# ---------------------------------------------------------------------------------------------
# Prose with the sheet's own figures
# ---------------------------------------------------------------------------------------------


def indicator_sentence(rng: random.Random, ind: Indicator, t: int) -> str | None:
    """One sentence on an indicator's year-``t`` figures (plan, actual, the year before)."""
    cur, prev = ind.value(t), ind.value(t - 1)
    if cur is None or cur.actual is None:
        return None
    n, u = ind.name, ind.unit or ""
    a, p = cur.actual, cur.plan
    a0 = prev.actual if prev else None
    A = with_unit(a, u)
    if p is None:
        return f"「{n}」の{t}年度の実績は{A}であった。"
    P = with_unit(p, u)
    up_word, down_word = ("上昇", "低下") if u == "%" else ("増加", "減少")
    options: list[str] = []
    if lower_is_better(n):
        if a <= p:
            options += [f"「{n}」は{A}となり、計画値の{P}以下に抑えることができた。",
                        f"{t}年度の「{n}」は{A}で、計画値（{P}）を達成した。"]
        else:
            options += [f"「{n}」は{A}となり、計画値の{P}を上回ったため、引き続き対策が必要である。",
                        f"{t}年度の「{n}」は{A}で、計画値の{P}を達成できなかった。"]
        if a0 is not None and a0 != a:
            options.append(f"「{n}」は前年度の{with_unit(a0, u)}から{A}に{up_word if a > a0 else down_word}した。")
        return rng.choice(options)
    rate = f"{a / p * 100:.1f}" if p else None
    if a > p:
        options += [f"「{n}」は、{t}年度の実績が{A}となり、計画値の{P}を上回った。",
                    f"「{n}」は計画値{P}に対して実績値{A}となり、目標を{diff_unit(a - p, u)}上回った。"]
        if rate:
            options.append(f"「{n}」については、計画値{P}に対して実績値{A}（達成率{rate}％）と、目標を上回る結果となった。")
    elif a == p:
        options += [f"「{n}」は計画どおり{A}となった。", f"{t}年度の「{n}」は計画値と同じ{A}であった。"]
    else:
        options += [f"「{n}」は{A}にとどまり、計画値の{P}を下回った。",
                    f"{t}年度の「{n}」の実績は{A}で、計画値に対して{diff_unit(p - a, u)}不足した。"]
        if rate:
            options.append(f"「{n}」は{A}にとどまり、計画値の{P}を下回った（達成率{rate}％）。")
    if a0 is not None and a0 != a:
        word = up_word if a > a0 else down_word
        A0 = with_unit(a0, u)
        if a >= p:
            options.append(f"「{n}」は{A0}から{A}に{word}し、計画値（{P}）を達成した。")
        elif a > a0:
            options.append(f"「{n}」は前年度の{A0}から{A}に{word}したものの、計画値の{P}には届かなかった。")
        else:
            options.append(f"「{n}」は前年度の{A0}から{A}に{word}し、計画値の{P}を下回った。")
    return rng.choice(options)


def _cues(ind: Indicator, t: int, last: int) -> list[str]:
    """Plain words for blank cells, as staff write them under the table."""
    out = []
    first = min((v.fy for v in ind.values if v.actual is not None), default=None)
    if first is not None and first > t - 2:
        out.append(f"なお、「{ind.name}」は{first}年度から設定した指標である。")
    if ind.kind != "target" and last == t + 3 and ind.value(t + 3) is None:
        out.append(f"なお、「{ind.name}」の{t + 3}年度の計画値は、次期実施計画の策定にあわせて設定する予定である。")
    return out


def _analysis(rng: random.Random, inds: list[Indicator], t: int, last: int, closing: tuple[str, ...],
              slots: dict) -> str:
    parts = []
    for ind in inds:
        s = indicator_sentence(rng, ind, t)
        if s:
            parts.append(s)
        parts += _cues(ind, t, last)
    parts.append(_fill(rng.choice(closing), **slots))
    return "".join(parts)


def _split_amount(rng: random.Random, total: int, parts: int) -> list[int]:
    if parts <= 1 or total < parts * 10:
        return [total]
    cuts = sorted(rng.sample(range(1, total), parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total])]


def _cost_paragraphs(rng: random.Random, tl: Timeline, costs: list[Cost], t: int, focus: str) -> list[str]:
    cur = next(c for c in costs if c.fy == t)
    prev = next(c for c in costs if c.fy == t - 1)
    d = cur.personnel_cost - prev.personnel_cost
    if d > max(300, prev.personnel_cost * 0.05):
        pers = rng.choice(PERSONNEL_UP)
    elif d < -max(300, prev.personnel_cost * 0.05):
        pers = rng.choice(PERSONNEL_DOWN)
    else:
        pers = rng.choice(PERSONNEL_FLAT)
    out = ["【人件費】", _fill(pers, focus=focus, d=format_number(abs(d)))]
    diff = cur.project_cost - prev.project_cost
    items = rng.sample(tl.theme.items, min(3, len(tl.theme.items)))
    out.append("【事業費】")
    if abs(diff) > prev.project_cost * 0.05 and abs(diff) >= 20:
        word = "増加" if diff > 0 else "減少"
        cause = f"{items[0]}の{'増額' if diff > 0 else '減額'}"
        amounts = _split_amount(rng, int(abs(diff)), rng.choice((1, 2)))  # whole 千円
        out.append(f"事業費のうち、前年度と比較して{format_number(abs(diff))}千円の{word}は、{cause}などによるものである。"
                   + ("主な内訳は次のとおりである。" if len(amounts) > 1 else ""))
        if len(amounts) > 1:
            out += [f"・{item} {format_number(v)}千円" for item, v in zip(items, amounts)]
    else:
        amounts = _split_amount(rng, int(cur.project_cost), rng.choice((2, 3)))  # whole 千円
        out.append(f"事業費は前年度とほぼ同水準で推移した。{era_fw(t)}の事業費{format_number(cur.project_cost)}千円の"
                   "主な内訳は次のとおりである。")
        out += [f"・{item} {format_number(v)}千円" for item, v in zip(items, amounts)]
    return out


def _kaizen(rng: random.Random, tl: Timeline, inds: list[Indicator], t: int) -> list[str]:
    out = ["(1) 具体的なカイゼン策"]
    out += ["・" + m for m in rng.sample(tl.theme.kaizen, rng.randint(2, min(4, len(tl.theme.kaizen))))]
    out.append("(2) カイゼンの明確な時期")
    months = sorted(rng.sample((6, 7, 8, 9, 10, 11, 12, 1, 2), rng.randint(2, 3)), key=lambda m: (m < 4, m))
    for m, action in zip(months, rng.sample(TIMING_ACTIONS, len(months))):
        d = rng.randint(1, 27)
        day = rng.choice(("", f"{d}日", f"{d}・{d + 1}日"))
        out.append(f"・{m}月{day}…{action}")
    goal = next((i for i in inds if i.kind != "target" and i.value(t + 1)), None)
    if goal and rng.random() < 0.6:
        out.append(f"・3月末…「{goal.name}」{with_unit(goal.value(t + 1).plan, goal.unit or '')}の達成")
    out.append("(3) カイゼンのために必要な事項・関係する所属")
    out.append("・必要な事項…" + rng.choice(KAIZEN_NEEDS))
    others = sorted({p[1] for th in THEMES for p in th.places if p[1] != tl.section})
    out.append("・関係所属…" + "、".join(rng.sample(others, rng.randint(1, 2))))
    return out


def _prose(rng: random.Random, tl: Timeline, t: int, inds: list[Indicator], costs: list[Cost],
           evaluations: list[Evaluation]) -> dict[str, list[str]]:
    th = tl.theme
    slots = {"s": tl.short, "benefit": rng.choice(th.benefit), "start": era_fw(tl.started)}
    focus = rng.choice(th.focus)

    def pick(key: str, extra: float) -> str:
        text = _fill(rng.choice(getattr(th, key if key != "resident_needs" else "needs")), **slots)
        if key in GENERIC and rng.random() < extra:
            text += _fill(rng.choice(GENERIC[key]), **slots)
        return text

    acts = [i for i in inds if i.kind == "activity"]
    outs = [i for i in inds if i.kind == "outcome"]
    target = next((i for i in inds if i.kind == "target"), None)
    current = pick("current", 0.4)
    if target and rng.random() < 0.5:
        a, a0 = target.value(t).actual, target.value(t - 1).actual
        word = "増加" if a > a0 else "減少"
        current += (f"{t}年度の{target.name}は{with_unit(a, target.unit)}で、前年度と比較して"
                    f"{diff_unit(a - a0, target.unit)}{word}した。" if a != a0 else
                    f"{t}年度の{target.name}は{with_unit(a, target.unit)}で、前年度と同数であった。")
    if outs:
        outcome = _analysis(rng, outs, t, costs[-1].fy, OUTCOME_CLOSING, slots)
    else:
        outcome = _fill("成果指標は設定していないが、{s}の実施状況から、{benefit}に一定の効果があったものと考えられる。", **slots)
    primary, secondary = evaluations
    lead = acts[0] if acts else outs[0]
    achieved = (_rate(lead, t) or 0) >= 1.0
    first = indicator_sentence(rng, lead, t) or ""
    prim = ["　" + first]
    if rng.random() < 0.6:
        prim.append(f"　また、{focus}にも取り組み、事業として着実に進捗している。" if achieved else
                    f"　また、{focus}に取り組んだものの、十分な成果には至っていない。")
    prim.append("　" + _fill(rng.choice(RESULT_CLOSING[primary.result]), **slots))
    about = (outs or acts)[0]
    said = indicator_sentence(rng, about, t) or ""
    if rng.random() < 0.65:
        opening = (f"　{era_fw(t - 1)}の行政評価結果で「{tl.results[t - 1]}」と評価されたことを受け、"
                   f"{era_fw(t)}は{focus}に取り組んだ。")
    else:
        opening = f"　{era_fw(t)}は、{focus}を中心に事業を実施した。"
    sec = [opening + said, "　" + _fill(rng.choice(RESULT_CLOSING[secondary.result]), **slots)]
    chosen = set(rng.sample(th.means, rng.randint(3, min(5, len(th.means)))))
    means = [m for m in th.means if m in chosen]
    return {
        "resident_needs": [pick("resident_needs", 0.5)],
        "background": [pick("background", 0.6)],
        "outlook": [pick("outlook", 0.4)],
        "purpose": [_fill(rng.choice(th.purpose), **slots)],
        "means": ["・" + m for m in means],
        "current": [current],
        "activity_analysis": [_analysis(rng, acts, t, costs[-1].fy, ACTIVITY_CLOSING, slots)],
        "primary_comment": prim,
        "kaizen": _kaizen(rng, tl, inds, t),
        "secondary_comment": sec,
        "outcome_analysis": [outcome],
        "cost_analysis": _cost_paragraphs(rng, tl, costs, t, focus),
    }


def build_sheet(rng: random.Random, tl: Timeline, t: int, sheet_id: str) -> SheetSpec:
    """The truth and layout of the sheet that evaluates project ``tl``'s year ``t``."""
    blanks: dict[str, str] = {}
    inds = _indicators(rng, tl, t, blanks)
    costs = _costs(tl, t)
    acts = [i for i in inds if i.kind == "activity"]
    outs = [i for i in inds if i.kind == "outcome"]
    act_rate = _rate(acts[0], t) if acts else None
    out_rate = _rate(outs[0], t) if outs else None
    evaluations = [Evaluation(stage=stage, result=word, scores=_scores(rng, word, act_rate, out_rate))
                   for stage, word in (("primary", tl.primary[t]), ("secondary", tl.results[t]))]
    paragraphs = _prose(rng, tl, t, inds, costs, evaluations)
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


# ---------------------------------------------------------------------------------------------
# Rendering: the seed's extraction order, line by line
# ---------------------------------------------------------------------------------------------

_UNIT_SUFFIX = "千円|円|件|人|回|施設|km|％|%|ポイント|年度|月|日|t|冊|校|箇所|世帯|社|団体|時間|ha|g"
_ATOM = re.compile(rf"[0-9](?:[0-9,.]*[0-9])?(?:{_UNIT_SUFFIX})?|[A-Za-z][A-Za-z0-9]*|.", re.S)


def _width(s: str) -> float:
    return len(s) - 0.5 * len(s.encode("ascii", "ignore"))


def wrap(text: str, width: float) -> list[str]:
    """Hard-wrap like the sheet's cells: by width, never inside a figure or a word in Latin letters."""
    lines: list[str] = []
    cur, used = "", 0.0
    for atom in _ATOM.findall(text):
        w = _width(atom)
        if cur and used + w > width:
            lines.append(cur)
            cur, used = "", 0.0
        cur += atom
        used += w
    if cur:
        lines.append(cur)
    if len(lines) > 1 and _width(lines[-1]) < 4:  # a tail this short would stand alone like a label
        tail = lines.pop()
        lines[-1] += tail
    return lines


def _value_row(unit: str, values: Iterable[float | None]) -> str:
    return " ".join([unit, *(format_number(v) for v in values if v is not None)])


def indicator_rows(sheet: Sheet) -> list[str]:
    """``UNIT v1 v2 …`` per filled indicator, blank cells dropped (table order: 対象, 活動①②③, 成果①②③)."""
    t = sheet.target_fy
    order = {"target": 0, "activity": 1, "outcome": 2}
    rows = []
    for ind in sorted(sheet.indicators, key=lambda i: (order[i.kind], i.no)):
        cells: list[float | None] = []
        for y in range(t - 2, t + 1):
            v = ind.value(y)
            if ind.kind != "target":
                cells.append(v.plan if v else None)
            cells.append(v.actual if v else None)
        for y in range(t + 1, t + 4):
            v = ind.value(y)
            cells.append(v.plan if v else None)
        cells += [m.value for m in sorted(ind.milestones, key=lambda m: m.kind != "mid")]
        rows.append(_value_row(ind.unit or "", cells))
    return rows


def cost_rows(sheet: Sheet) -> list[str]:
    """The two 円 rows, then the nine 千円 rows; the total rows print 0 in years without figures."""
    t = sheet.target_fy
    by_year = {c.fy: c for c in sheet.costs}
    years = range(t - 2, t + 5)

    def row(unit: str, f: str, placeholder: bool = False) -> str:
        vals = []
        for y in years:
            c = by_year.get(y)
            v = getattr(c, f) if c else None
            vals.append(0 if c is None and placeholder else v)
        return _value_row(unit, vals)

    return [
        row("円", "unit_cost_total"), row("円", "unit_cost_general"),
        row("千円", "project_cost"), row("千円", "personnel_cost"), row("千円", "total_cost", True),
        row("千円", "national_prefectural"), row("千円", "municipal_bonds"), row("千円", "user_charges"),
        row("千円", "other_revenue"), row("千円", "general_revenue", True), row("千円", "total_cost", True),
    ]


_RADAR = (["４　活動指標", "（活動達成度）"], ["３　効率性", "0"], ["2"], ["4"], ["１ 規模・方法の妥当"], ["性"],
          ["２ 公平性"], ["３ 効率性", "４ 活動指標"], ["（活動達成度）"], ["５ 成果指標"], ["（目的達成度）"], ["0"], ["2"],
          ["4"], ["１ 規模・方法の妥"], ["当性"], ["２ 公平性"], ["３ 効率性", "４ 活動指標"], ["（活動達成度）"],
          ["５ 成果指標"], ["（目的達成度）"])


def _blocks(spec: SheetSpec) -> list[list[str]]:
    sheet, lay = spec.sheet, spec.layout
    t = sheet.target_fy
    ev = {e.stage: e for e in sheet.evaluations}
    names = {(i.kind, i.no): i.name for i in sheet.indicators}
    par = lay.paragraphs

    def prose(key: str, prefix: str = "") -> list[list[str]]:
        if key == lay.missing_section:
            return []
        lines = [ln for p in par[key] for ln in wrap(p, lay.widths[key])]
        if prefix:
            lines[0] = prefix + lines[0].lstrip("　")
        return [lines]

    def name(kind: IndicatorKind, no: int) -> list[list[str]]:
        n = names.get((kind, no))
        return [[n]] if n else []

    def marks(k: int) -> str:
        return "".join(" ○" for _ in range(k))

    code_stage, code_office, code_policy, sub_no = lay.codes
    p, s = ev["primary"].scores or [3] * 5, ev["secondary"].scores or [3] * 5
    words = " ".join(w for r in sheet.past_results for w in (r.plan_category or "", r.result or "") if w)
    cost = par["cost_analysis"]
    split = cost.index("【事業費】") if "【事業費】" in cost else len(cost)
    blocks: list[list[str]] = [
        [f"{era_fw(t + 1)} 事務事業マネジメントシート 段階： {code_stage}"],
        [f"１　事業概要 {code_office} 所属コード"],
        ["SDGs 広域事業 総合戦略 セーフ 2025 2030 2040 2050 ＤＸ推進"],
        ["施策"],
        ["２　事業進捗等（指標等推移）", f"{t + 3}年度 {t + 4}年度 中間指標 最終指標"],
        ["計画 実績 " * 5 + f"計画 計画 {lay.mid_fy}年度 {lay.final_fy}年度"],
        *([r] for r in indicator_rows(sheet)),
        *([r] for r in cost_rows(sheet)),
        [f"　 実計区分 評価結果 {words}"],
        [" "],
        ["３　一次評価（部局内評価）", "（１）事業手法評価 （２）事業継続性評価"],
        [f"{p[0]} 5レス カウンターレス キャッシュレス ペーパーレス ファイルレス ムーブレス", "（会議レス）"],
        [f"{p[1]}{marks(lay.marks[0])}"],
        [f"{p[2]}{marks(lay.marks[2])}"],
        [f"{p[3]} 気候変動対応 ＤＸ", "(デジタル市役所)"],
        ["部局間協奏"],
        [f"{p[4]}{marks(lay.marks[1])}"],
        ["４　二次評価", "（１）事業手法評価 （２）事業継続性評価"],
        *([str(v)] for v in s),
        [f"{era_fw(t)}実施事業に係る事務事業評価"],
        ["今後周辺環境（予測）"],
        ["中事業番号"],
        [sub_no, "大綱（取組）"],
        ["受益者負担金（使用料、負担金等）"],
        ["国・県支出金"],
        [f"{fy_fw(t)} {fy_fw(t + 1)}"],
        ["事業開始時周辺環境（背景） 現状周辺環境"],
        ["○"],
        [fy_fw(t - 2)],
        ["まちづくり基本指針八次実施計画"],
        [sheet.project.name],
        ["住民意向分析"],
        *prose("resident_needs"),
        [f"{sheet.project.department} {sheet.project.section}"],
        ["次期実施計画"],
        *prose("background"),
        *prose("outlook"),
        [code_policy],
        *prose("purpose"),
        ["手段 意図（目的）"],
        ["○"],
        *prose("means"),
        ["政策体系"],
        [f"{lay.policy}　等 {lay.sdg[0]}", lay.sdg[1], lay.sdg[2]],
        *prose("current"),
        ["４　活動指標", "（活動達成度） ○"],
        ["１　規模・方法の妥当性"], ["２　公平性"], ["３　効率性"], ["１　規模・方法の妥当性"], ["２　公平性"],
        ["成果指標③"], ["成果指標②"], ["成果指標①"], ["活動指標③"], ["活動指標②"], ["活動指標①"], ["対象指標"],
        *name("outcome", 1),
        ["５　成果指標", "（目的達成度）"],
        ["５　成果指標", "（目的達成度）"],
        ["活動指標分析結果"],
        *prose("activity_analysis"),
        *prose("primary_comment", f"代替事業（{'有' if lay.alternative else '無'}） 　"),
        *prose("kaizen"),
        ["ニーズ（大）"], ["代替事業（無）"], ["ニーズ（小）"], ["ニーズ（小）"],
        *prose("secondary_comment"),
        [lay.unit_cost_label],
        *name("activity", 3),
        ["指標名指標名"],
        *name("activity", 2),
        ["成果指標分析結果"],
        *prose("outcome_analysis"),
        ["一次評価コメント"],
        [ev["primary"].result],
        ["代替事業（有）"],
        *([] if lay.missing_section == "cost_analysis" else
          [[ln for p_ in cost[:split] for ln in wrap(p_, lay.widths["cost_analysis"])]]),
        [f"（参考）{era_fw(t)}カイゼンのための行動計画"],
        *([] if lay.missing_section == "cost_analysis" or split == len(cost) else
          [[ln for p_ in cost[split:] for ln in wrap(p_, lay.widths["cost_analysis"])]]),
        ["まちづくり基本指針次期実施計画"],
        ["歳入計"],
        ["まちづくり基本指針七次実施計画まちづくり基本指針六次実施計画まちづくり基本指針五次実施計画"],
        [lay.unit_cost_label],
        ["単位"],
        ["一般財源等"],
        [fy_fw(t - 1)],
        *name("activity", 1), *name("target", 1), *name("outcome", 3), *name("outcome", 2),
        ["事業費"],
        ["歳出計（総事業費）"],
        ["単位コスト（総コストから算出）"],
        ["市債"],
        ["ニーズ（大）"],
        ["二次評価コメント"],
        [fy_fw(t + 2)],
        ["○"],
        [ev["secondary"].result],
        ["単位コスト（所要一般財源から算出）"],
        ["その他"],
        ["人件費"],
        ["総事業費（事業費・人件費）分析結果"],
        *(list(b) for b in _RADAR),
    ]
    if lay.broken_label:
        label, cut = lay.broken_label
        for block in blocks:
            if label in block:
                i = block.index(label)
                head, tail = label[:cut].rstrip(), label[cut:].lstrip()
                block[i:i + 1] = [head, tail] if head and tail else [label]
                break
    if lay.page_header:
        where, text = lay.page_header
        first = next(i for i, b in enumerate(blocks) if b[0].startswith("　 実計区分")) + 1
        blocks.insert(first + int(where * (len(blocks) - first)), [text])
    return blocks


def render_text(spec: SheetSpec) -> str:
    """The sheet as a PDF extractor gives it: blocks of lines separated by one blank line."""
    return "\n" + "\n\n".join("\n".join(b) for b in _blocks(spec)) + "\n\n\n"


_FONT = "HeiseiKakuGo-W5"


def render_pdf(text: str) -> bytes:
    """Typeset the text one line per line (blank lines as vertical gaps) with a built-in CID font."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if _FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_FONT))
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, invariant=1)  # invariant: same text → same bytes
    _, height = A4
    size, leading, margin = 9, 12, 40
    y = height - margin
    pdf.setFont(_FONT, size)
    for line in text.strip("\n").split("\n"):
        if y < margin:
            pdf.showPage()
            pdf.setFont(_FONT, size)
            y = height - margin
        if line.strip():
            pdf.drawString(margin, y, line)
        y -= leading
    pdf.save()
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# koriyama-h27 sheets: the 平成 family, one cell per line, with the traps real sheets show
# ---------------------------------------------------------------------------------------------

H27_TEMPLATE = "koriyama-h27"
H27_TRAPS = ("name_after_purpose", "label_first", "outcome_unit_far", "activity_labels_between",
             "two_outcomes", "cost_fragments", "cost_column_elsewhere", "value_before_label", "primary_result")
_H27_NOTE = ("※人件費は平成27年度に算定方法を見直したため、", "平成26年度までの人件費は参考値として示しています。")


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
    purpose = _fill(rng.choice(tl.theme.purpose), s=tl.short, benefit=rng.choice(tl.theme.benefit),
                    start=era_fw(tl.started))
    means = "、".join(rng.sample(tl.theme.means, min(2, len(tl.theme.means)))) + "を行う。"
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
        return [fmt(v.plan), fmt(v.actual)]

    o1 = outs[0]
    lines: list[str] = []
    # head
    if "label_first" in traps:
        lines += ["事務事業名", p.department, "部", "○事業概要", "目的", "(アウトカ", "ム)", "成果指標1", p.name,
                  p.section, "課"]
    elif "name_after_purpose" in traps:
        lines += ["○事業概要", "目的", "(アウトカ", *purpose[:1], "ム)", *purpose[1:], p.name, "事務事業名", "部",
                  p.department, "成果指標1", "課", no, code]
    else:
        lines += [p.name, "事務事業名", "部", p.department, "○事業概要", "目的", "(アウトカ", "ム)", "成果指標1", "課",
                  no, code]
    with_purpose = "name_after_purpose" not in traps
    if "label_first" in traps:
        lines += [no, code]
    # outcomes
    if len(outs) == 2:
        o2 = outs[1]
        lines += [y25, "区分", o1.name, y25, "区分", o2.name, f"単位: {o2.unit}", "計画値", "実績値", "単位:", "計画値",
                  "実績値", y26, y26, *box(o2, 0), y25, "区分", y27, *box(o1, 0), *box(o1, 1), "計画値", "実績値",
                  "成果指標3", "手段", "(アウト", "プット)"]
        lines += [*(purpose if with_purpose else []), f"単位: {o1.unit}", "成果指標2", "NO", "政策体系",
                  *([p.section] if "label_first" not in traps else []), *box(o1, 2), y27, *box(o2, 1), *box(o2, 2)]
    elif "outcome_unit_far" in traps or rng.random() < 0.5:
        lines += [*(purpose if with_purpose else []), y25, "区分", o1.name, "区分", "成果指標2", "計画値", "実績値",
                  "成果指標3", "計画値", "実績値", y26, *box(o1, 0), "計画値", "実績値", f"単位: {o1.unit}", "区分",
                  "手段", "(アウト", "プット)", "NO", "政策体系"]
        if "label_first" not in traps:
            lines.append(p.section)
        lines += [y27, *box(o1, 1), *box(o1, 2)]
    else:
        lines += [*(purpose if with_purpose else []), o1.name, f"単位: {o1.unit}", y25, "区分", "区分", "成果指標2",
                  "計画値", "実績値", "成果指標3", "計画値", "実績値", "区分", "手段", "(アウト", "プット)", "NO",
                  "政策体系"]
        if "label_first" not in traps:
            lines.append(p.section)
        lines += [y26, *box(o1, 0), "計画値", "実績値", y27, *box(o1, 1), *box(o1, 2)]
    lines += [y25, y26, y27] * 2
    lines += means
    # activities: names with their units, then the figures
    for k, a in enumerate(acts, start=1):
        if "activity_labels_between" in traps:
            lines += ["区分", a.name, *([f"活動指標{k}"] if k > 1 else []), f"単位: {a.unit}", "実績値"]
        else:
            lines += [a.name, *([f"活動指標{k}"] if k > 1 else []), f"単位: {a.unit}"]
    if len(acts) == 1:
        a = acts[0]
        lines += [y25, "区分", "区分", "活動指標2", y26, y27, fmt(a.values[0].actual), "実績値",
                  fmt(a.values[1].actual), fmt(a.values[2].actual)]
    else:
        for k, a in enumerate(acts, start=1):
            lines += [y25, "区分", *(["活動指標1"] if k == 1 else []), y26, fmt(a.values[0].actual), "実績値"]
        lines += [y27, *(fmt(a.values[1].actual) for a in acts), y27,
                  *(fmt(a.values[2].actual) for a in acts)]
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
    pe_rows = ["人件費", *row(rows["personnel_cost"], _H27_NOTE[0])]
    tc_rows = ["総事業費", *row(rows["total_cost"], _H27_NOTE[1])]
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


# ---------------------------------------------------------------------------------------------
# Other cities' sheets, read generically: four text shapes of one full-cost table
# ---------------------------------------------------------------------------------------------

GENERIC_LAYOUTS = ("pipe", "rows", "spaced", "glued")
GENERIC_CITIES = ("北辰市", "南原市", "東浜町", "西山市", "中川区")


@dataclass
class GenericSpec:
    sheet: Sheet
    text: str
    layout: str


def _generic_periods(rng: random.Random) -> tuple[list[tuple[int, str | None]], list[str], int]:
    """The table's columns (fy, basis), their header cells, and the evaluated year."""
    kind = rng.choice(("budget_settled", "plain", "reiwa", "western"))
    if kind == "budget_settled":
        h = rng.randint(26, 29)
        cols = [(h, "予算"), (h, "決算"), (h + 1, "予算"), (h + 1, "決算"), (h + 2, "予算")]
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
        bond.append(None if tl.theme.key not in _BOND_THEMES else round(base * 0.3))
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
        cost_rows = [CostRow(label=label, value=(v[k] * 1000 if yen and v[k] is not None and unit == "千円" else v[k]),
                             unit=("円" if yen and unit == "千円" else unit)) for label, unit, v in rows]
        costs.append(Cost(fy=fy, basis=basis, rows=cost_rows))
    city = rng.choice(GENERIC_CITIES)
    purpose = _fill(rng.choice(tl.theme.purpose), s=tl.short, benefit=rng.choice(tl.theme.benefit),
                    start=era_fw(tl.started))
    content = "、".join(rng.sample(tl.theme.means, min(3, len(tl.theme.means)))) + "を実施する。"
    direction = rng.choice(("継続", "改善", "拡充", "縮小"))
    comment = _fill(rng.choice(tl.theme.kaizen), s=tl.short) + "ことで、事業の効果を高める。"
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
        out = [sp(city) + " " + sp(title.replace(" ", "")), sp("事務事業名") + "  " + sp(p.name),
               sp("担当部") + " " + sp(p.department) + "  " + sp("担当課") + " " + sp(p.section),
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


# ---------------------------------------------------------------------------------------------
# Binders: a 部's sheets in one file
# ---------------------------------------------------------------------------------------------

BINDER_STYLES = ("r7_formfeed", "r7_plain", "h27_blank", "h27_formfeed", "generic_formfeed", "r7_pdf")


def bind(texts: list[str], style: str) -> str:
    """Join sheet texts the way a binder holds them: pages (form feeds), or one after another."""
    if style.endswith("formfeed") or style.endswith("pdf"):
        return "\f".join(t.strip("\n") + "\n" for t in texts)
    if style == "h27_blank":
        return "\n\n".join(t.strip("\n") for t in texts) + "\n"
    return "\n".join(t.strip("\n") for t in texts) + "\n"


def render_pdf_pages(pages: list[str]) -> bytes:
    """Typeset each text on pages of its own (a new page for each sheet), as a binder PDF is."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if _FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_FONT))
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, invariant=1)
    _, height = A4
    size, leading, margin = 9, 12, 40
    for k, text in enumerate(pages):
        if k:
            pdf.showPage()
        pdf.setFont(_FONT, size)
        y = height - margin
        for line in text.strip("\n").split("\n"):
            if y < margin:
                pdf.showPage()
                pdf.setFont(_FONT, size)
                y = height - margin
            if line.strip():
                pdf.drawString(margin, y, line)
            y -= leading
    pdf.save()
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------------------------


def _project_sheets(seed: int, pid: int, used: set[str], department: str | None) -> list[SheetSpec]:
    rng = random.Random(f"sheetqa-corpus:{seed}:project:{pid}")
    tl = new_timeline(rng, pid, used, department)
    for attempt in range(12):
        srng = random.Random(f"sheetqa-corpus:{seed}:project:{pid}:sheets:{attempt}")
        specs = [build_sheet(srng, tl, t, "") for t in tl.evaluated]
        if all(revenue_assignments(s.sheet.costs) == 1 for s in specs):
            return specs
        # two placements of the sparse revenue rows add up: draw the funding again
        tl.shares = _shares(rng, tl.theme) if attempt < 10 else {}
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


SUFFIX = {"text": ".txt", "cp932": ".cp932.txt", "pdf": ".pdf"}


def _prepare(out: Path) -> None:
    """An empty folder, or a corpus this module wrote before (which is replaced)."""
    if out.exists() and any(out.iterdir()):
        if not (out / "manifest.jsonl").exists():
            raise FileExistsError(f"{out} is not empty and holds no corpus manifest; choose an empty folder")
        for sub in ("sheets", "truth", "binders"):
            if (out / sub).is_dir():
                shutil.rmtree(out / sub)
        (out / "manifest.jsonl").unlink()
    (out / "sheets").mkdir(parents=True, exist_ok=True)
    (out / "truth").mkdir(exist_ok=True)


def write_corpus(out: str | Path, n: int = 300, seed: int = 1, pdf_share: float = 0.05,
                 cp932_share: float = 0.10, progress: bool = False, h27: int = 0, generic: int = 0,
                 binders: int = 0, binder_size: int = 12) -> list[dict]:
    """Write ``n`` koriyama-r7 sheets under ``out``: ``sheets/`` (text, CP932, PDF), ``truth/``
    (canonical JSON), ``manifest.jsonl`` (one line per sheet file). Returns the manifest entries.

    Optionally also ``h27`` koriyama-h27 sheets (text, with the traps real sheets show), ``generic``
    sheets of other cities' layouts (one of four text shapes each), and ``binders`` files of
    ``binder_size`` sheets each (``binders/``: one file, many truths, in file order).
    """
    from tqdm import tqdm

    out = Path(out)
    _prepare(out)
    manifest: list[dict] = []
    r7_texts: list[tuple[str, str]] = []  # (truth path, text) for binders
    specs = generate(n, seed, pdf_share, cp932_share)
    for spec in tqdm(specs, total=n, desc="corpus", unit="sheet", disable=not progress, leave=False):
        sid = spec.sheet.sheet_id
        truth = f"truth/{sid}.json"
        (out / truth).write_text(spec.sheet.to_json(), encoding="utf-8")
        text = render_text(spec)
        if binders and len(r7_texts) < binders * binder_size:
            r7_texts.append((truth, text))
        for fmt in spec.formats:
            rel = f"sheets/{sid}{SUFFIX[fmt]}"
            data = (text.encode("utf-8") if fmt == "text" else text.encode("cp932") if fmt == "cp932"
                    else render_pdf(text))
            (out / rel).write_bytes(data)
            manifest.append({"id": sid, "file": rel, "format": fmt, "truth": truth, "kind": "koriyama-r7",
                             "project": spec.sheet.project.name, "target_fy": spec.sheet.target_fy,
                             "blemishes": spec.layout.blemishes(), "blanks": spec.layout.blanks})
    kinds: dict[str, list[tuple[str, str]]] = {"koriyama-h27": [], "generic": []}
    for spec in h27_specs(h27, seed):
        sid = spec.sheet.sheet_id
        truth = f"truth/{sid}.json"
        (out / truth).write_text(spec.sheet.to_json(), encoding="utf-8")
        (out / f"sheets/{sid}.txt").write_text(spec.text, encoding="utf-8")
        kinds["koriyama-h27"].append((truth, spec.text))
        manifest.append({"id": sid, "file": f"sheets/{sid}.txt", "format": "text", "truth": truth,
                         "kind": "koriyama-h27", "project": spec.sheet.project.name,
                         "target_fy": spec.sheet.target_fy, "blemishes": [f"trap: {t}" for t in spec.traps],
                         "blanks": {}})
    for g in generic_specs(generic, seed):
        sid = g.sheet.sheet_id
        truth = f"truth/{sid}.json"
        (out / truth).write_text(g.sheet.to_json(), encoding="utf-8")
        (out / f"sheets/{sid}.txt").write_text(g.text, encoding="utf-8")
        kinds["generic"].append((truth, g.text))
        manifest.append({"id": sid, "file": f"sheets/{sid}.txt", "format": "text", "truth": truth,
                         "kind": "generic", "project": g.sheet.project.name, "target_fy": g.sheet.target_fy,
                         "blemishes": [f"layout: {g.layout}"], "blanks": {}})
    if binders:
        (out / "binders").mkdir(exist_ok=True)
    pools = {"r7": r7_texts, "h27": kinds["koriyama-h27"], "generic": kinds["generic"]}
    for b in range(binders):
        style = BINDER_STYLES[b % len(BINDER_STYLES)]
        family = style.split("_")[0]
        pool = pools[family]
        start = (b // len(BINDER_STYLES)) * binder_size
        members = pool[start:start + binder_size] or pool[:binder_size]
        if len(members) < 2:
            continue
        bid = f"binder-s{seed}-{b:03d}"
        if style.endswith("pdf"):
            rel = f"binders/{bid}.pdf"
            (out / rel).write_bytes(render_pdf_pages([t for _, t in members]))
            fmt = "pdf"
        else:
            rel = f"binders/{bid}.txt"
            (out / rel).write_text(bind([t for _, t in members], style), encoding="utf-8")
            fmt = "text"
        manifest.append({"id": bid, "file": rel, "format": fmt, "kind": "binder", "style": style,
                         "truths": [t for t, _ in members], "truth": members[0][0], "project": None,
                         "target_fy": None, "blemishes": [], "blanks": {}})
    with open(out / "manifest.jsonl", "w", encoding="utf-8") as f:
        for entry in manifest:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return manifest


def read_manifest(out: str | Path) -> list[dict]:
    with open(Path(out) / "manifest.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
