"""What every question type shares: the part it returns, the desk it reads the store through,
and the reading of years against a sheet."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from assistant.answer import Choice, Citation, Fact
from assistant.query import Project, Query
from assistant.resolve import Catalog, SheetRef, pick_sheet, reaches
from assistant.settings import AssistantSettings
from ingest.model import Sheet
from ingest.store import FigureStore


@dataclass
class Part:
    """One question type's contribution to an answer."""

    text: str
    facts: list[Fact] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    sheet_ids: list[str] = field(default_factory=list)
    answerable: bool = True
    choices: list[Choice] = field(default_factory=list)
    intent: str = "figure"


class Desk(Protocol):
    """The store as question types see it (implemented by :class:`assistant.chain.Assistant`)."""

    settings: AssistantSettings
    store: FigureStore

    @property
    def catalog(self) -> Catalog: ...

    def sheet(self, sheet_id: str) -> Sheet | None: ...

    def passages(self, text: str, sheet_ids: list[str] | None, keys: list[str] | None,
                  relevant_only: bool = False) -> list[tuple[str, str]]: ...


class Kind(Protocol):
    """A question type: how well it fits a linked question, and its answer."""

    name: str

    def fit(self, q: Query) -> float: ...

    def answer(self, q: Query, desk: Desk) -> Part | None: ...


# ── years ──────────────────────────────────────────────────────────────────────────────────


def evaluated_year(ref: SheetRef | Sheet) -> int | None:
    """The year a sheet is written in (令和7年度 for the work of 令和6年度): 「今年度」 to its readers."""
    if ref.evaluation_fy is not None:
        return ref.evaluation_fy
    return ref.target_fy + 1 if ref.target_fy is not None else None


@dataclass
class Years:
    years: list[int]  # the years to report, ascending
    base: int | None = None  # a change is measured from this year
    every: bool = False  # 推移, 並べて: every year the row has
    said: bool = False  # the question (or the conversation) named them
    relative: bool = False  # 「今年度」「昨年度」 (not 「最新」): counted from the year the sheet is written in


# 「R4からの推移」「H25から並べて」「2022年度以降」: one year, and on from it (not 「R5から見て」「R6と比べて」)
FROM_ON = re.compile(r"([\d元]\s*年度?|r\d{1,2}|h\d{1,2})\s*(から|以降|以後)(?!\s*(見て|見る|見た(?!い)|比べ|比較))|"
                      r"(since|from) (fy)?\s?\d{4}(?! to| through| until| and)")


_AFTER_THAT = re.compile(r"それ以降|その後の|それ以後|その先|\b(?:after that|from then on|thereafter|the years after|"
                         r"in the years after)\b")


def read_years(q: Query, project: Project) -> Years:
    """The years a question asks about one project: named, a range, relative to the year the sheet
    is written in (「昨年度」 on a 令和7年度 sheet is 2024), relative to the conversation's year
    (「その前年」), the last N, every year (推移), else the latest evaluated year."""
    f = q.frame
    latest = project.latest
    target = latest.target_fy
    years: list[int] = list(f.years)
    years += [_bare(n, project) for n in f.bare_years if _bare(n, project) not in years]
    same = f.same_years
    # (「DX戦略課のほうで」: a 部/課 that picks one project goes on with the conversation's year too)
    focus_years = q.focus.years if q.focus and (q.how == "focus" or (f.follow_up or same) and q.how in (
        "named", "only", "scope", "org")) else []
    if q.how != "focus" and not all(any(reaches(r, y) for r in project.refs) for y in focus_years):
        focus_years = []  # another project named: the conversation's year only where its sheets reach it
    if q.how != "focus" and q.focus is not None and q.focus.latest:
        focus_years = []  # 「最新は？」 then 「支援のほうは？」: that project's latest year, not the other's
    if q.focus and "sum" in q.focus.measures and f.has("sum") and not years and q.focus.span and not f.relative \
            and (q.how == "focus" or f.follow_up):
        return Years(list(q.focus.span), said=True)  # the same years summed again, for this row or project
    if same and q.focus and len(q.focus.recent) >= 2 and not years:
        # "over the same two years": between the years the turn before compared
        return Years([max(q.focus.recent)], base=min(q.focus.recent), said=True)
    if not years and focus_years and _AFTER_THAT.search(f.norm):
        # 「それ以降の計画値は？」 "and after that?": every year after the one under discussion the row reaches
        return Years(list(range(max(focus_years) + 1, max(max(focus_years), target or 0) + 5)), every=True, said=True)
    if not years and (by_result := _years_rated(q, project)):
        return Years(by_result, said=True)
    discussed_now = focus_years or (q.focus.years if q.focus and q.how == "focus" else [])
    if years and set(years) <= set(f.also_years) and discussed_now:
        # 「計画比だと何％？ついでにR5も」: the year discussed, and that one as well
        return Years(sorted(set(years) | set(discussed_now)), said=True)
    if len(years) == 1 and years == f.base_years and discussed_now and discussed_now[-1] > years[0]:
        # 「R6と比べて人件費は増えた？」 after a turn about R7: from R6 to the year under discussion
        return Years([years[0], discussed_now[-1]], base=years[0], said=True)
    if len(years) == 1 and target is not None and years[0] < target and FROM_ON.search(f.norm):
        # 「R4からの推移」「2022年度以降」: from that year to the latest evaluated one
        out = Years(list(range(years[0], target + 1)), said=True)
        out.base = years[0]
        return out
    if len(years) == 1 and target is not None and years[0] > target and FROM_ON.search(f.norm):
        # 「R8以降の計画は？」: every planned year from that one on, as far as the row reaches
        return Years(list(range(years[0], target + 5)), every=True, said=True)
    if years and f.year_range and len(years) >= 2:
        out = Years(list(range(min(years[:2]), max(years[:2]) + 1)), said=True)
        out.base = out.years[0]
        return out
    if years and f.has("remaining") and focus_years:
        years += focus_years[-1:]  # 「R6の実績からその計画まで」: that plan is the conversation's year
    from_on = bool(FROM_ON.search(f.norm))
    if f.past_n and len(set(years)) == 1 and not f.year_range and (from_on or _UP_TO.search(f.norm)):
        # 「（H27シート）の3年間の推移」「R6までの3年間」: the N years ending there (「R4から3年間」: from there)
        start = years[0] if from_on else years[0] - f.past_n + 1
        return Years(list(range(start, start + f.past_n)), every=True, said=True)
    if len(set(years)) == 1 and _EACH_YEAR.search(f.norm) and not (
            f.year_range or from_on or f.relative or f.shift is not None or f.has("change")):
        # "the H27 … project, how many … each year?": each year of one year is none — the year names the
        # sheet, and the years are those up to it
        return Years(list(range(years[0] - 4, years[0] + 1)), every=True, said=True)
    if years:
        ys = sorted(set(years))
        out = Years(ys, said=True)
        if len(ys) == 2 and (f.has("change", "compare") or f.direction):
            out.base = ys[0]
            out.years = ys
        return out
    shift = f.shift
    stepwise = any(h.group == "relative" and not re.search(r"最新|直近|最近|最後|最終|latest|recent|last", h.text)
                   for h in f.hits)
    if shift is None and q.how == "focus" and focus_years and len(f.relative) == 1 and f.relative[0] in (-1, 1) \
            and stepwise:
        shift = f.relative[0]  # 「前年度は？」 after an answer about 2024: 2023, not the sheet's year before
    discussed = focus_years or (q.focus.years if q.focus else [])
    if shift is not None and discussed and shift < 0 and (f.has("change", "compare") or f.direction or _AGAINST.search(f.norm)):
        # 「3年前と比べて」「3年前より減ってる？」: the year discussed against the one that many years before
        return Years([discussed[-1] + shift, discussed[-1]], base=discussed[-1] + shift, said=True)
    if shift is not None and discussed:
        return Years([discussed[-1] + shift], said=True)
    if shift is not None and target is not None:  # 「2年前の実績」 with nothing discussed yet: from the latest year
        return Years([target + shift], said=True)
    recent = q.focus.recent if q.focus and (q.how == "focus" or (f.follow_up or same) and q.how in ("only", "scope")) \
        else []
    if f.has("change") and len(recent) >= 2 and not f.relative and not f.has("trend"):
        return Years([max(recent)], base=min(recent), said=True)  # 「何件増えた？」 between the years discussed
    if not f.relative and discussed and f.has("change") and _YEAR_BEFORE.search(f.norm):
        # 「前年度と比べてどう変わった？」 read as a change (no relative year left): the year discussed
        # against the one before it
        return Years([discussed[-1] - 1, discussed[-1]], base=discussed[-1] - 1, said=True)
    if f.relative:
        # (counted from the sheet the question names: 「令和８年度シートで、昨年度の…」, else the latest)
        named = [r for r in project.refs if evaluated_year(r) in f.sheet_years] or [
            r for r in project.refs if r.target_fy in f.sheet_years]
        now = evaluated_year(named[-1] if named else latest)
        if now is not None:
            return Years(sorted({now + off for off in f.relative}), said=True, relative=stepwise)
    if f.past_n and target is not None:
        return Years(list(range(target - f.past_n + 1, target + 1)), every=True, said=True)
    if f.has("trend"):
        return Years([], every=True)
    if focus_years and not f.rank:
        return Years(list(focus_years), said=True)
    return Years([target] if target is not None else [])


# the year said is where N years end: 「R6までの3年間」「（H27シート）の3年間」 "up to FY2024"
_UP_TO = re.compile(r"まで|シート|\b(?:up to|until|through|sheet)\b")
_EACH_YEAR = re.compile(r"\b(?:each|every) year\b|\byear by year\b|毎年|年ごと|年度ごと|各年度|年度別")
_YEAR_BEFORE = re.compile(r"前年度?|前の年|\b(?:the )?(?:previous|prior) (?:fiscal )?year\b|\bthe year before\b")
_AGAINST = re.compile(r"と比べ|と比較|より(?:も)?(?:増|減|多|少|高|低|上|下|伸)|に比べ|compared")


def _years_rated(q: Query, project: Project) -> list[int]:
    """「縮小って出た年度」「廃止の年」「廃止が決まる前の年度」: the years whose evaluation gave that
    result (its 二次評価, else its 一次評価), shifted when the year before or after is meant."""
    if q.frame.rated_year is None:
        return []
    result, shift = q.frame.rated_year
    return sorted({r.target_fy + shift for r in project.refs
                   if r.target_fy is not None and (r.secondary or r.primary) == result})


def _bare(n: int, project: Project) -> int:
    """「27年度」 without an era: the era whose year the project's sheets cover (「23年度決算」 on a sheet
    of 2023–2025 is 2023, two digits of the Western year)."""
    spans = [(r.target_fy or 0) for r in project.refs]
    reiwa, heisei = 2018 + n, 1988 + n
    options = (reiwa, heisei, 2000 + n) if n >= 10 else (reiwa, heisei)
    return min(options, key=lambda y: min(abs(y - s) for s in spans) if spans else 0)


def sheet_for(project: Project, fy: int | None) -> SheetRef:
    """The sheet that best reports ``fy``: the one evaluating it, else the earliest later one
    (whose figure for that year is settled), else the latest."""
    return pick_sheet(project.refs, fy)
