"""Which sheets the store holds for a project: the years they evaluate and the year each was
written (「食育推進事業のシートって何年度のぶんがある？」 "Which years have sheets for …?").

The answer comes from the catalog alone; each sheet is one fact (its evaluated year), so the
years the answer names are traceable to the sheets that hold them."""

from __future__ import annotations

import re

from assistant import compose
from assistant.answer import Fact
from assistant.kinds.base import Desk, Part
from assistant.kinds.figure import MAX_PROJECTS
from assistant.query import Query

_SHEET = r"(シート|評価表|調書)"
_ASKS = re.compile(
    rf"{_SHEET}(って|は|が|を)?.{{0,14}}(何年度|何年分|何年の|どの年|いつ(から|まで|の)|何枚|何件|いくつ|何本|何年度分)|"
    rf"(何年度|何年分|どの年度|いつ)(の|分の|ぶんの)?(分の)?{_SHEET}|"
    rf"{_SHEET}(が|は|って)?(登録されて|揃って|そろって)|"
    r"\b(which|what) (fiscal )?years?\b.{0,40}\bsheets?\b|\bsheets?\b.{0,40}\b(which|what) (fiscal )?years?\b|"
    r"\bhow many sheets\b")
# "Which fiscal year's activities does this sheet evaluate, and in which fiscal year was the evaluation
# carried out?": the sheet's two years, whatever else the words resemble (activities, evaluation)
_WHICH_YEARS = re.compile(
    r"which (fiscal )?year'?s?( activities| work| results)? (does|do) (this|the|its) sheets? (evaluate|cover)|"
    r"(which|what) (fiscal )?year was (the|its|this) (evaluation|sheet|assessment) (carried out|done|made|conducted|written)|"
    r"when was (it|this|the sheet|this project) evaluated|評価したのは(何年度|いつ)|何年度に評価(した|された)|"
    r"何年度の(事業|取組|実績)を評価")
# 「どこの自治体のシート？」 "Which municipality is the … sheet from?": whose sheets they are
MUNICIPALITY_ASKED = re.compile(r"(?:どこ|どの)の?(?:自治体|市区町村|市町村|市|町|区)(?:の(?:シート|事業)|の?[？?]|$)|何市の(?:シート|事業)|"
                                r"自治体(?:は|って|が)(?:どこ|何)|\b(?:which|what) (?:municipality|local government)\b|"
                                r"\b(?:which|what) (?:city|town|ward)(?:['’]s)? (?:is|does|sheet)\b|\bfrom which (?:city|town|ward)\b")
_ONE_PROJECT = ("named", "focus", "only", "scope")


def asks_inventory(q: Query) -> bool:
    """The question asks which of a project's sheets the store holds, or whose they are, and nothing
    of their contents."""
    f = q.frame
    if q.projects and q.how in _ONE_PROJECT and _WHICH_YEARS.search(f.norm) and not (f.rows or f.money or f.kind):
        return True
    if q.projects and q.how in _ONE_PROJECT and MUNICIPALITY_ASKED.search(f.norm) and not (
            f.rows or f.money or f.kind or f.evals or f.results or f.sections or f.measures):
        return True  # (whose sheet it is, and nothing else: 「評価結果は？あと何市のシート？」 asks the result too)
    if not q.projects or q.how not in _ONE_PROJECT or not _ASKS.search(f.norm):
        return False
    return not (f.rows or f.money or f.revenue or f.kind or f.sections or f.measures or f.rank)


_LATEST_SHEET = re.compile(r"最新の?シート|(?:latest|newest|most recent) sheet")


class InventoryKind:
    name = "inventory"

    def fit(self, q: Query) -> float:
        return 0.9 if asks_inventory(q) else 0.0

    def answer(self, q: Query, desk: Desk) -> Part | None:
        part = Part(text="", intent="list")
        lines: list[str] = []
        for p in q.projects[:MAX_PROJECTS]:
            refs = sorted((r for r in p.refs if r.target_fy is not None), key=lambda r: r.target_fy or 0)
            if not refs:
                continue
            if _LATEST_SHEET.search(q.frame.norm):  # 「最新のシートは何年度の事業を評価したもの？」: that one
                latest = refs[-1]
                part.facts.append(Fact(sheet_id=latest.sheet_id, project=p.name, field="target_fy", fy=latest.target_fy,
                                       value=latest.target_fy))
                when = (f"（{latest.evaluation_fy}年度評価）" if latest.evaluation_fy else "")
                lines.append(f"{p.name}の最新のシートは{compose.year_ja(latest.target_fy)}実施分{when}です。" if q.lang == "ja"
                             else f"The latest sheet of {p.name} evaluates FY{latest.target_fy}"
                             + (f" (evaluated in FY{latest.evaluation_fy})." if latest.evaluation_fy else "."))
                continue
            for r in refs:
                part.facts.append(Fact(sheet_id=r.sheet_id, project=p.name, field="target_fy", fy=r.target_fy,
                                       value=r.target_fy))
                if r.evaluation_fy:
                    part.facts.append(Fact(sheet_id=r.sheet_id, project=p.name, field="evaluation_fy",
                                           fy=r.evaluation_fy, value=r.evaluation_fy))
            part.facts.append(Fact(sheet_id=refs[-1].sheet_id, project=p.name, field="count", value=len(refs),
                                   unit="件", computed=True))
            cities: dict[str, str] = {}  # whose sheets they are (「北辰市のシート」), each city from its first sheet
            for r in refs:
                if (city := desk.catalog.city_of.get(r.sheet_id)) and city not in cities:
                    cities[city] = r.sheet_id
                    part.facts.append(Fact(sheet_id=r.sheet_id, project=p.name, field="municipality", value=city))
            whose = "・".join(cities)
            if q.lang == "ja":
                years = "、".join(f"{compose.year_ja(r.target_fy)}実施分"
                                 + (f"（{r.evaluation_fy}年度評価）" if r.evaluation_fy else "") for r in refs)
                lines.append(f"{p.name}" + (f"は{whose}のシートで、" if whose else "のシートは")
                             + f"{len(refs)}件登録されています：{years}。")
            else:
                years = ", ".join(f"FY{r.target_fy}" + (f" (evaluated in FY{r.evaluation_fy})" if r.evaluation_fy else "")
                                  for r in refs)
                lines.append(f"{p.name}" + (f" ({whose})" if whose else "")
                             + f" has {len(refs)} sheet{'s' if len(refs) != 1 else ''} in the store: {years}.")
            gaps = [y for y in range(refs[0].target_fy or 0, (refs[-1].target_fy or 0) + 1)
                    if y not in {r.target_fy for r in refs}]
            if gaps:  # a year between them with no sheet: the store lacks it, the project may not
                lines.append(("その間の" + "・".join(compose.year_ja(y) for y in gaps) + "実施分のシートは登録されていません。")
                             if q.lang == "ja" else "No sheet for " + ", ".join(f"FY{y}" for y in gaps) + " is in the store.")
        if not part.facts:
            return None
        part.text = "\n".join(lines)
        part.sheet_ids = list(dict.fromkeys(x.sheet_id for x in part.facts))
        return part
