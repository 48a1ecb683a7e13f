"""The content bank: every text and word the corpus draws from, read once from ``data/*.toml``.

``themes.toml`` (one theme per policy field: its projects, indicators and sentences),
``common.toml`` (sentences any theme uses, city-wide series, districts), ``words.toml`` (results
and their weights, blemish words, other cities) and ``prose.toml`` (the sentences written around a
sheet's own figures). Each file's header gives its formats; this module only types them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from importlib import resources
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


def _data(name: str) -> dict[str, Any]:
    """One file of eval/corpus/data (package data), parsed."""
    return tomllib.loads(resources.files("eval.corpus").joinpath("data", name).read_text("utf-8"))


# ---------------------------------------------------------------------------------------------
# themes.toml
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
    funded_by: tuple[str, ...] = ()  # revenue fields its projects often draw on (municipal_bonds, user_charges)


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
        areas=d.get("areas", False), funded_by=tuple(d.get("funded_by", ())), **lines,
    )


THEMES: tuple[Theme, ...] = tuple(_theme(d) for d in _data("themes.toml")["theme"])
THEME_BY_KEY = {t.key: t for t in THEMES}

# ---------------------------------------------------------------------------------------------
# common.toml
# ---------------------------------------------------------------------------------------------

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

# ---------------------------------------------------------------------------------------------
# words.toml
# ---------------------------------------------------------------------------------------------

_WORDS = _data("words.toml")
# Evaluation results with their weights: while a project goes on, and when it stops.
NON_TERMINAL: tuple[tuple[str, int], ...] = tuple(_WORDS["results"]["continuing"].items())
TERMINAL: tuple[tuple[str, int], ...] = tuple(_WORDS["results"]["ending"].items())
PLAN_CATEGORIES: tuple[tuple[str, int], ...] = tuple(_WORDS["plan_categories"].items())
RESULT_SCORES: dict[str, float] = dict(_WORDS["result_scores"])
LOWER_BETTER: tuple[str, ...] = tuple(_WORDS["lower_is_better"])
UNIT_COST_LABEL: str = _WORDS["unit_cost_label"]
UNIT_COST_JOINER: str = _WORDS["unit_cost_joiner"]
PAGE_HEADERS: tuple[str, ...] = tuple(_WORDS["page_headers"])
# Printed labels a page break may cut in two (the "broken label" blemish).
BREAKABLE: tuple[str, ...] = tuple(_WORDS["breakable_labels"])
H27_COST_NOTE: tuple[str, str] = (_WORDS["h27_cost_note"][0], _WORDS["h27_cost_note"][1])
GENERIC_CITIES: tuple[str, ...] = tuple(_WORDS["other_cities"]["names"])
GENERIC_DIRECTIONS: tuple[str, ...] = tuple(_WORDS["other_cities"]["directions"])

# ---------------------------------------------------------------------------------------------
# prose.toml: one typed record per table
# ---------------------------------------------------------------------------------------------

_T = TypeVar("_T", bound="DataclassInstance")


def _table(cls: type[_T], table: dict[str, Any]) -> _T:
    """A table of prose.toml as ``cls``: exactly its fields, each a text or a list of texts."""
    names = {f.name for f in fields(cls)}
    if set(table) != names:
        raise ValueError(f"prose.toml, {cls.__name__}: keys differ from its fields: {sorted(set(table) ^ names)}")
    for k, v in table.items():
        if not (isinstance(v, str) or isinstance(v, list) and all(isinstance(x, str) for x in v)):
            raise ValueError(f"prose.toml, {cls.__name__}.{k}: a text or a list of texts, not {v!r}")
    return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in table.items()})


@dataclass(frozen=True)
class IndicatorProse:
    """Sentences on one indicator's figures, and the notes on its blank cells."""

    rate_change: tuple[str, ...]
    count_change: tuple[str, ...]
    actual_only: str
    lower_met: tuple[str, ...]
    lower_missed: tuple[str, ...]
    lower_moved: str
    above: tuple[str, ...]
    above_rate: str
    on_plan: tuple[str, ...]
    below: tuple[str, ...]
    below_rate: str
    moved_met: str
    moved_up_short: str
    moved_down_short: str
    set_up_later: str
    no_plan_yet: str


@dataclass(frozen=True)
class CommentProse:
    target_changed: str
    target_same: str
    no_outcomes: str
    focus_on_track: str
    focus_short: str
    after_result: str
    this_year: str


@dataclass(frozen=True)
class CostProse:
    personnel_heading: str
    project_heading: str
    raised: str
    cut: str
    changed: str
    breakdown: str
    item: str
    steady: str


@dataclass(frozen=True)
class KaizenProse:
    measures: str
    timing: str
    needs: str
    step: str
    days: tuple[str, ...]
    goal: str
    need: str
    related: str


@dataclass(frozen=True)
class OtherLayoutProse:
    h27_means: str
    generic_content: str
    generic_direction: str


_PROSE = _data("prose.toml")
INDICATOR_PROSE = _table(IndicatorProse, _PROSE["indicator"])
COMMENT_PROSE = _table(CommentProse, _PROSE["comment"])
COST_PROSE = _table(CostProse, _PROSE["cost"])
KAIZEN_PROSE = _table(KaizenProse, _PROSE["kaizen"])
OTHER_LAYOUT_PROSE = _table(OtherLayoutProse, _PROSE["other_layouts"])
