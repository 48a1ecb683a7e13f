"""Write ``eval/questions/dev.jsonl``: the dev set, with gold answers computed from known truth.

    python eval/questions/make_dev.py            # rewrite dev.jsonl next to this file
    python eval/questions/make_dev.py --check    # exit 1 when dev.jsonl differs from a fresh run

Sources of truth (never the product's own reading):

* the generated corpus ``eval.corpus`` with n=60, seed=11 (the one ``python -m eval run`` indexes):
  its truth sheets, generated in memory (deterministic);
* the seed sheet's expected reading ``../shared/seed/koriyama_r7_digital_first.expected.json``
  (the same sheet ships as ``data/samples/koriyama_r7_digital_first.txt``); its prose terms
  are taken from the sheet text;
* the two koriyama-h27 samples (``data/samples/kor_h27_*.txt``), whose few figures used here are
  read off the printed table by hand (they have no expected JSON).

Every question is a JSON line: ``id``, ``type`` (figure | trend | comparison | filter | summary |
why | unanswerable | followup), ``question``, ``conversation`` (turns of one conversation run in
file order, each with the turns before it as history), ``gold_numbers``, ``must_mention`` (a list
item that is itself a list means "any one of these"), ``answerable``, ``gold`` (``project``,
``department``, optional ``target_fy`` and ``section_key``: the sheet/section the answer should
come from), plus ``lang`` and ``source`` for reading the report.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from eval import corpus  # noqa: E402
from ingest.model import Sheet  # noqa: E402

CORPUS_N, CORPUS_SEED = 60, 11
SEED_EXPECTED = ROOT.parent / "shared" / "seed" / "koriyama_r7_digital_first.expected.json"
OUT = HERE / "dev.jsonl"
PICK_SEED = 20251126  # wording and picks; change it and the whole set changes

SEED_PROJECT, SEED_DEPT = "デジタルファースト推進事業", "政策開発部"
H27_HALL, H27_HALL_DEPT = "地域集会所補助事業", "市民部"
H27_WATER, H27_WATER_DEPT = "技術力向上職員研修事業", "水道局"

_FW = str.maketrans("0123456789", "０１２３４５６７８９")


# ----------------------------------------------------------------------------- helpers


def rate(actual: float, plan: float) -> float:
    """actual / plan in %, rounded half up to one decimal (316799 / 300000 → 105.6)."""
    q = Fraction(str(actual)) / Fraction(str(plan)) * 100
    exact = Decimal(q.numerator) / Decimal(q.denominator)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def num(v: float) -> int | float:
    return int(v) if float(v).is_integer() else v


def era(fy: int, style: str) -> str:
    """A fiscal year as staff write it."""
    r = fy - 2018
    h = fy - 1988
    if style == "西暦":
        return f"{fy}年度"
    if style == "令和":
        return f"令和{r}年度" if fy >= 2019 else f"平成{h}年度"
    if style == "令和全角":
        return (f"令和{str(r).translate(_FW)}年度" if fy >= 2019 else f"平成{str(h).translate(_FW)}年度")
    if style == "R":
        return f"R{r}" if fy >= 2019 else f"H{h}"
    if style == "FY":
        return f"FY{fy}"
    raise ValueError(style)


def counter(unit: str | None) -> str:
    """何件 / 何人 / 何％ … for a unit."""
    if unit in ("%", "％"):
        return "何％"
    if unit in ("件", "人", "回", "施設", "校", "箇所", "世帯", "社", "団体", "日", "冊", "時間"):
        return f"何{unit}"
    return "どれくらい"


class Project:
    """One corpus project: its sheets by evaluated year, figures merged (and checked) across them."""

    def __init__(self, sheets: list[Sheet]) -> None:
        self.sheets = {s.target_fy: s for s in sheets}
        s0 = sheets[0]
        self.name = s0.project.name
        self.department = s0.project.department
        self.section = s0.project.section
        self.last = max(self.sheets)
        self.first = min(self.sheets)

    def sheet(self, t: int) -> Sheet:
        return self.sheets[t]

    def _one(self, values: list) -> object:
        got = {v for v in values if v is not None}
        assert len(got) <= 1, f"{self.name}: sheets disagree: {got}"
        return next(iter(got), None)

    def actual(self, name: str, fy: int):
        """The actual of an indicator in year ``fy`` (printed by every sheet evaluating ``fy`` or later)."""
        vals = []
        for t, s in self.sheets.items():
            if t < fy:
                continue
            for i in s.indicators:
                if i.name == name and i.value(fy):
                    vals.append(i.value(fy).actual)
        return self._one(vals)

    def plan(self, name: str, fy: int):
        vals = [i.value(fy).plan for s in self.sheets.values() for i in s.indicators
                if i.name == name and i.value(fy)]
        return self._one(vals)

    def cost(self, field: str, fy: int):
        """A cost figure of year ``fy`` as settled (the actual: sheets evaluating ``fy`` or later)."""
        return self._one([getattr(s.cost(fy), field) for t, s in self.sheets.items()
                          if t >= fy and s.cost(fy)])

    def any_cost(self, field: str, fy: int) -> list:
        """Every figure any sheet prints for ``fy`` (actual, budget or plan)."""
        return [getattr(s.cost(fy), field) for s in self.sheets.values() if s.cost(fy)
                and getattr(s.cost(fy), field) is not None]

    def indicators(self, kinds=("activity", "outcome")) -> list:
        seen, out = set(), []
        for s in self.sheets.values():
            for i in s.indicators:
                if i.kind in kinds and i.name not in seen:
                    seen.add(i.name)
                    out.append(i)
        return out

    def actual_years(self) -> list[int]:
        """Years whose costs are settled on some sheet."""
        years = {c.fy for t, s in self.sheets.items() for c in s.costs if c.fy <= t}
        return sorted(years)

    def gold(self, **extra) -> dict:
        return {"project": self.name, "department": self.department, **extra}


def load_corpus(n: int = CORPUS_N, seed: int = CORPUS_SEED) -> dict[str, Project]:
    by: dict[tuple[str, str], list[Sheet]] = defaultdict(list)
    for spec in corpus.generate(n, seed):
        by[(spec.sheet.project.name, spec.sheet.project.department)].append(spec.sheet)
    return {name: Project(sheets) for (name, _), sheets in by.items()}


def load_seed() -> dict:
    if not SEED_EXPECTED.exists():
        raise SystemExit(f"{SEED_EXPECTED} is missing: the dev set's seed questions take their gold from it")
    return json.loads(SEED_EXPECTED.read_text(encoding="utf-8"))


def seed_actual(seed: dict, name: str, fy: int, field: str = "actual"):
    ind = next(i for i in seed["indicators"] if i["name"] == name)
    return next(v[field] for v in ind["values"] if v["fy"] == fy)


def seed_cost(seed: dict, field: str, fy: int):
    return next(c[field] for c in seed["costs"] if c["fy"] == fy)


# ----------------------------------------------------------------------------- the set


class DevSet:
    def __init__(self) -> None:
        self.items: list[dict] = []
        self.counts: dict[str, int] = defaultdict(int)

    def add(self, type_: str, question: str, gold_numbers=(), must_mention=(), answerable: bool = True,
            gold: dict | None = None, conversation: str | None = None, lang: str = "ja",
            source: str = "corpus") -> dict:
        self.counts[type_] += 1
        item = {
            "id": f"{type_}-{self.counts[type_]:02d}",
            "type": type_,
            "question": question,
            "conversation": conversation,
            "gold_numbers": [num(v) for v in gold_numbers],
            "must_mention": list(must_mention),
            "answerable": answerable,
            "gold": gold,
            "lang": lang,
            "source": source,
        }
        self.items.append(item)
        return item


def seed_questions(d: DevSet, seed: dict) -> None:
    """The seed sheet (デジタルファースト推進事業, 政策開発部 ＤＸ戦略課, 令和6年度実施分)."""
    online, conv = "オンライン申請件数", "マイナンバーカードを利用したコンビニでの証明書等発行件数"
    e_app, portal = "オンラインによる電子申請手続き数（上記以外）", "マイナポータルを用いた延べ申請手続き数"
    cash_n, cash_fac = "キャッシュレス決済の利用件数", "キャッシュレス決済導入施設数"
    g = {"project": SEED_PROJECT, "department": SEED_DEPT}
    gs = lambda key: {**g, "target_fy": 2024, "section_key": key}  # noqa: E731

    # the issue's own conversation: figure + rate, then the year before, then the comment summary
    a24, p24 = seed_actual(seed, online, 2024), seed_actual(seed, online, 2024, "plan")
    d.add("figure", "令和6年度のオンライン申請件数の実績は？計画比は？", [a24, rate(a24, p24)], gold=g,
          conversation="seed-online", source="seed")
    d.add("followup", "その前年は？", [seed_actual(seed, online, 2023)], gold=g, conversation="seed-online",
          source="seed")
    d.add("followup", "二次評価のコメントを要約して", [], [["オンライン化", "電子申請"], "キャッシュレス"],
          gold=gs("secondary_comment"), conversation="seed-online", source="seed")

    # cost, its reason, personnel
    d.add("figure", "ＤＸ戦略課のデジタルファースト推進事業、R6の事業費はいくら？",
          [seed_cost(seed, "project_cost", 2024)], gold=g, conversation="seed-cost", source="seed")
    d.add("followup", "前年度から事業費が増えた理由は？", [], [["11,365", "地理情報システム"]],
          gold=gs("cost_analysis"), conversation="seed-cost", source="seed")
    d.add("followup", "人件費は？", [seed_cost(seed, "personnel_cost", 2024)], gold=g, conversation="seed-cost",
          source="seed")

    # English conversation
    d.add("figure", "What was the actual number of online applications in FY2024?", [a24], gold=g,
          conversation="seed-en", lang="en", source="seed")
    d.add("followup", "And what was the plan?", [p24], gold=g, conversation="seed-en", lang="en",
          source="seed")
    d.add("followup", "What about the year before?", [seed_actual(seed, online, 2023)], gold=g,
          conversation="seed-en", lang="en", source="seed")

    # standalone figures
    d.add("figure", "コンビニ交付の件数、令和6年度はどれくらい？", [seed_actual(seed, conv, 2024)], gold=g,
          source="seed")
    d.add("figure", "デジタルファースト推進事業の電子申請の手続き数（マイナポータル以外）、R6の実績を教えてください。",
          [seed_actual(seed, e_app, 2024)], gold=g, source="seed")
    d.add("figure", "キャッシュレス決済を導入した施設は令和６年度で何施設ですか？", [seed_actual(seed, cash_fac, 2024)],
          gold=g, source="seed")
    d.add("figure", "デジタルファースト推進事業（政策開発部）の令和6年度の総事業費と一般財源等は？",
          [seed_cost(seed, "total_cost", 2024), seed_cost(seed, "general_revenue", 2024)], gold=g,
          source="seed")
    d.add("figure", "ＤＸ戦略課の事業で、令和6年度に国・県支出金はいくら入っていますか。",
          [seed_cost(seed, "national_prefectural", 2024)], gold=g, source="seed")
    d.add("figure", "How many certificates were issued at convenience stores with My Number cards in FY2023?",
          [seed_actual(seed, conv, 2023)], gold=g, lang="en", source="seed")

    # trends
    d.add("trend", "オンライン申請件数の令和4年度から令和6年度までの推移を教えて",
          [seed_actual(seed, online, y) for y in (2022, 2023, 2024)], gold=g, source="seed")
    d.add("trend", "ＤＸ戦略課のデジタルファースト推進事業、R6の総事業費は前年度と比べてどれだけ増えた？",
          [seed_cost(seed, "total_cost", 2024) - seed_cost(seed, "total_cost", 2023)], gold=g, source="seed")
    d.add("trend", "コンビニ交付件数はR6に前年度から何件増えましたか",
          [seed_actual(seed, conv, 2024) - seed_actual(seed, conv, 2023)], gold=g, source="seed")

    # comparisons (rates)
    d.add("comparison", "デジタルファースト推進事業（ＤＸ戦略課）のキャッシュレス決済の利用件数、R6は計画に対して何％でしたか？",
          [rate(seed_actual(seed, cash_n, 2024), seed_actual(seed, cash_n, 2024, "plan"))], gold=g,
          source="seed")
    d.add("comparison", "マイナポータルを用いた申請手続き数の令和6年度の達成率は？",
          [rate(seed_actual(seed, portal, 2024), seed_actual(seed, portal, 2024, "plan"))], gold=g,
          source="seed")

    # summaries and reasons
    d.add("summary", "デジタルファースト推進事業（ＤＸ戦略課）のカイゼン策をまとめてください",
          [], [["699", "スマート申請"]], gold=gs("kaizen"), source="seed")
    d.add("summary", "Summarize the secondary evaluation comment on the デジタルファースト推進事業 run by the ＤＸ戦略課.",
          [], [["オンライン", "online"]], gold=gs("secondary_comment"), lang="en", source="seed")
    d.add("why", "デジタルファースト推進事業（政策開発部）で令和6年度に人件費が増えたのはなぜですか",
          [], [["ガイドライン", "業務量"]], gold=gs("cost_analysis"), source="seed")
    d.add("why", "政策開発部のデジタルファースト推進事業は、R6の事業費がなぜ前年度より増えたの？",
          [], [["11,365", "地理情報システム"]], gold=gs("cost_analysis"), source="seed")


def h27_questions(d: DevSet) -> None:
    """The two koriyama-h27 samples (平成25〜27年度). Figures read off data/samples/kor_h27_*.txt."""
    hall = {"project": H27_HALL, "department": H27_HALL_DEPT}
    water = {"project": H27_WATER, "department": H27_WATER_DEPT}
    # 地域集会所補助事業: 事業費 61,306 / 127,054 / 37,140; 人件費 1,875 / 1,875 / 4,711;
    # 総事業費 63,181 / 128,929 / 41,851; 集会所整備数(累計) 356 / 379 / 389 (plan = actual)
    # 技術力向上職員研修事業: 研修会参加人数 plan/actual 240/131, 241/180, 364/283; 人件費 1,750 / 1,750 / 4,775
    d.add("figure", "地域集会所補助事業の平成27年度の総事業費は？", [41851], gold=hall, source="h27")
    d.add("figure", "水道局の技術力向上職員研修事業、H27の研修会参加人数の実績は？", [283], gold=water, source="h27")
    d.add("figure", "集会所の整備数（累計）は平成27年度でいくつになりましたか", [389], gold=hall, source="h27")
    d.add("comparison", "技術力向上職員研修事業の平成27年度の研修会参加人数は計画比で何％？", [rate(283, 364)],
          gold=water, source="h27")
    d.add("comparison", "平成27年度の総事業費は、地域集会所補助事業と技術力向上職員研修事業でどちらが大きい？",
          [41851, 4775], [H27_HALL], gold=hall, source="h27")
    d.add("trend", "地域集会所補助事業の事業費の推移（平成25〜27年度）を見せて", [61306, 127054, 37140], gold=hall,
          source="h27")
    d.add("why", "技術力向上職員研修事業の人件費が平成27年度に大きく増えているのはなぜ？", [], ["算定方法"],
          gold=water, source="h27")
    d.add("figure", "地域集会所補助事業の平成27年度の事業費は？", [37140], gold=hall, conversation="h27-hall",
          source="h27")
    d.add("followup", "前年度と比べるとどう？", [127054, 127054 - 37140], gold=hall, conversation="h27-hall",
          source="h27")
    d.add("followup", "人件費は？", [4711], gold=hall, conversation="h27-hall", source="h27")


_QUOTED = re.compile(r"「([^「」]+)」")
_COST_CAUSE = re.compile(r"前年度と比較して([\d,]+)千円の(増加|減少)は、(.+?)の(増額|減額)などによるもの")
# the fixed words of each closing sentence that announces an evaluation result (eval.corpus.RESULT_CLOSING)
_RESULT_KEYS = {
    "縮小": (("需要が減少", "需要が減少"), ("費用対効果", "費用対効果")),
    "廃止": (("所期の役割", "所期の役割"), ("民間サービス", "民間サービス")),
    "休止": (("制度改正", "制度改正"), ("需要の動向", "需要の動向")),
    "統合": (("役割分担", "役割分担"), ("目的を同じくする", "統合")),
    "完了": (("全て完了", "目的を達成"), ("所期の目的", "所期の目的")),
    "改善": (("乖離", "乖離"), ("進め方を見直し", "見直")),
    "拡充": (("規模を拡大", "拡大"), ("需要の高まり", "需要の高まり")),
}


def section_text(sheet: Sheet, key: str) -> str:
    return next((s.text for s in sheet.sections if s.key == key), "")


def quoted_indicators(sheet: Sheet, key: str) -> list[str]:
    names = {i.name for i in sheet.indicators}
    return [q for q in _QUOTED.findall(section_text(sheet, key)) if q in names]


def corpus_questions(d: DevSet, projects: dict[str, Project], seed: dict) -> None:
    rng = random.Random(PICK_SEED)
    names = sorted(projects)
    rng.shuffle(names)
    styles = ("西暦", "令和", "R", "令和全角", "西暦", "令和")

    def label(p: Project) -> str:
        """The project as staff name it; with the department when the seed has the same name."""
        if p.name == SEED_PROJECT:
            return f"{p.department}の{p.name}"
        return p.name

    def Y(fy: int) -> str:
        return era(fy, rng.choice(styles))

    multi = [projects[n] for n in names if len(projects[n].sheets) >= 2]

    # ---- figures: indicator actuals and plans, costs, unit costs
    fig_templates = (
        "{p}の{y}の{i}の実績は？",
        "{p}について、{y}の「{i}」の実績値を教えてください。",
        "{y}の{i}（{p}）は{c}でしたか？",
        "{p}、{y}の{i}って実績いくつだった？",
    )
    for k, p in enumerate(multi[:6]):
        inds = [i for i in p.indicators() if any(p.actual(i.name, y) is not None for y in p.actual_years())]
        ind = rng.choice(inds)
        years = [y for y in p.actual_years() if p.actual(ind.name, y) is not None]
        y = rng.choice(years)
        q = fig_templates[k % len(fig_templates)].format(p=label(p), y=Y(y), i=ind.name, c=counter(ind.unit))
        d.add("figure", q, [p.actual(ind.name, y)], gold=p.gold())
    cost_templates = (
        ("project_cost", "{p}の{y}の事業費はいくらですか。"),
        ("total_cost", "{y}の{p}の総事業費は？"),
        ("personnel_cost", "{p}、{y}の人件費を教えて"),
        ("general_revenue", "{p}の{y}決算で一般財源等はいくら？"),
        ("unit_cost_total", "{p}の{y}の単位コスト（総コストから算出）は？"),
    )
    for (field, tmpl), p in zip(cost_templates, multi[6:11], strict=True):
        y = rng.choice(p.actual_years())
        d.add("figure", tmpl.format(p=label(p), y=Y(y)), [p.cost(field, y)], gold=p.gold())
    # a plan for a year still to come (printed on the project's latest sheet)
    p = multi[11]
    ind = p.indicators()[0]
    latest = next(i for i in p.sheet(p.last).indicators if i.name == ind.name)
    fut = max(v.fy for v in latest.values)
    d.add("figure", f"{label(p)}の{Y(fut)}の{ind.name}の計画値は？", [p.plan(ind.name, fut)], gold=p.gold())
    # English figures
    p = multi[12]
    y = p.actual_years()[-1]
    d.add("figure", f"What was the total cost of {label(p)} in FY{y}?", [p.cost("total_cost", y)],
          gold=p.gold(), lang="en")
    p = multi[13]
    ind = p.indicators()[0]
    y = max(y for y in p.actual_years() if p.actual(ind.name, y) is not None)
    d.add("figure", f"For {label(p)}, what was the actual value of 「{ind.name}」 in FY{y}?",
          [p.actual(ind.name, y)], gold=p.gold(), lang="en")

    # ---- trends: year-over-year differences and three-year series
    def change(p: Project, y: int) -> int | None:
        before = p.cost("project_cost", y - 1)
        return None if before is None else p.cost("project_cost", y) - before

    ups = [(p, y) for p in multi for y in p.actual_years() if (change(p, y) or 0) > 0]
    downs = [(p, y) for p in multi for y in p.actual_years() if (change(p, y) or 0) < 0]
    for (p, y), tmpl in zip(rng.sample(ups, 2), ("{p}の{y}の事業費は前年度からいくら増えた？",
                                                  "{p}は{y}に事業費が前年度より何千円増えましたか"), strict=True):
        d.add("trend", tmpl.format(p=label(p), y=Y(y)),
              [p.cost("project_cost", y) - p.cost("project_cost", y - 1)], gold=p.gold())
    p, y = rng.choice(downs)
    d.add("trend", f"{label(p)}の{Y(y)}の事業費、前年度と比べてどれだけ減りましたか？",
          [p.cost("project_cost", y - 1) - p.cost("project_cost", y)], gold=p.gold())
    series = [(p, i, ys) for p in multi for i in p.indicators()
              for ys in [[y for y in p.actual_years() if p.actual(i.name, y) is not None]] if len(ys) >= 3]
    for p, i, ys in rng.sample(series, 2):
        y0, y1 = ys[-3], ys[-1]
        d.add("trend", f"{label(p)}の{i.name}の実績は{Y(y0)}から{Y(y1)}までどう推移した？",
              [p.actual(i.name, y) for y in ys[-3:]], gold=p.gold())
    p = rng.choice([p for p in multi if len(p.actual_years()) >= 3])
    ys = p.actual_years()[-3:]
    d.add("trend", f"{label(p)}の総事業費の推移を{ys[0]}年度から{ys[-1]}年度まで教えて",
          [p.cost("total_cost", y) for y in ys], gold=p.gold())
    p, y = rng.choice(ups)
    d.add("trend", f"How did the project cost of {label(p)} change from FY{y - 1} to FY{y}?",
          [p.cost("project_cost", y - 1), p.cost("project_cost", y)], gold=p.gold(), lang="en")

    # ---- comparisons: achievement rates, rankings, two projects
    rated = [(p, i, y) for p in multi for i in p.indicators() if not corpus.lower_is_better(i.name or "")
             for y in p.actual_years() if p.actual(i.name, y) is not None and p.plan(i.name, y)]
    for (p, i, y), tmpl in zip(rng.sample(rated, 3), ("{p}の{y}の{i}の達成率は？",
                                                      "{y}の「{i}」は計画比で何％？（{p}）",
                                                      "{p}、{i}の{y}の計画に対する達成状況を％で"), strict=True):
        d.add("comparison", tmpl.format(p=label(p), y=Y(y), i=i.name),
              [rate(p.actual(i.name, y), p.plan(i.name, y))], gold=p.gold())

    seed_years = (2022, 2023, 2024)  # the seed's settled years (令和6年度実施分の sheet)
    everyone = list(projects.values())

    def ranking(pool: list[Project], fy: int, field: str, largest: bool, with_seed: bool):
        """The winner when it is the same whether budgets/plans printed for ``fy`` count or not."""
        settled = [(p.cost(field, fy), p.name, p) for p in pool if p.cost(field, fy) is not None]
        if with_seed and fy in seed_years:
            settled.append((seed_cost(seed, field, fy), SEED_PROJECT, None))
        if len(settled) < 2:
            return None
        best = (max if largest else min)(settled, key=lambda t: t[0])
        # every figure printed for fy by another project (budgets and plans included) loses to it
        others = [v for p in pool if p is not best[2] for v in p.any_cost(field, fy)]
        others += [v for v, _, q in settled if q is not best[2]]
        if any((v >= best[0]) if largest else (v <= best[0]) for v in others):
            return None
        return best

    # a ranking with a tie (or no candidate) in some other corpus is skipped, not asked
    best = ranking(everyone, 2024, "total_cost", True, True)
    if best:
        d.add("comparison", "令和6年度に総事業費が最も大きい事業は？", [best[0]], [best[1]],
              gold=best[2].gold() if best[2] else {"project": SEED_PROJECT, "department": SEED_DEPT})
    best = ranking(everyone, 2023, "project_cost", False, True)
    if best:
        d.add("comparison", "2023年度に事業費がいちばん少なかった事業はどれですか", [best[0]], [best[1]],
              gold=best[2].gold())
    dept_pool = [p for p in everyone if p.department == SEED_DEPT]
    best = ranking(dept_pool, 2024, "total_cost", True, True)
    if best:
        d.add("comparison", f"{SEED_DEPT}の事業で、R6の総事業費が最も大きいのは？", [best[0]], [best[1]],
              gold={"project": best[1], "department": SEED_DEPT})
    for word, fy in (("防災", 2024), ("内部統制", 2023)):
        pool = [p for p in everyone if word in p.name]
        best = ranking(pool, fy, "total_cost", True, word in SEED_PROJECT)
        if not best:
            continue
        d.add("comparison", f"{word}関係の事業で、{era(fy, '西暦')}の総事業費がいちばん大きいのはどれ？",
              [best[0]], [best[1]], gold=best[2].gold())
    a, b = rng.sample([p for p in multi if 2024 in p.actual_years()], 2)
    va, vb = a.cost("project_cost", 2024), b.cost("project_cost", 2024)
    if va != vb:
        d.add("comparison", f"{label(a)}と{label(b)}では、R6の事業費はどちらが多い？", [va, vb],
              [a.name if va > vb else b.name], gold=(a if va > vb else b).gold())
    p, i, y = rng.choice(rated)
    d.add("comparison", f"Did {label(p)} meet its plan for 「{i.name}」 in FY{y}? Give the achievement rate.",
          [rate(p.actual(i.name, y), p.plan(i.name, y))], gold=p.gold(), lang="en")

    # ---- filters: evaluation results, unmet outcome plans, a department's projects
    def results(fy: int, stage: str = "secondary") -> dict[str, list[Project]]:
        out: dict[str, list[Project]] = defaultdict(list)
        for p in everyone:
            if fy in p.sheets:
                ev = next(e for e in p.sheet(fy).evaluations if e.stage == stage)
                out[ev.result].append(p)
        return out

    r24, r25, r23 = results(2024), results(2025), results(2023)
    # the seed (令和6年度実施分) was rated 継続 at both stages; h27 samples carry no ratings
    d.add("filter", "令和6年度実施事業の評価で、二次評価が「縮小」となった事業は？", [],
          sorted(p.name for p in r24["縮小"]))
    d.add("filter", "2025年度の事業で二次評価が廃止になったものを教えて", [], sorted(p.name for p in r25["廃止"]))
    d.add("filter", "R5に二次評価で「拡充」とされた事業をリストアップして", [], sorted({p.name for p in r23["拡充"]}))
    differ = sorted(p.name for p in everyone if 2024 in p.sheets
                    and len({e.result for e in p.sheet(2024).evaluations}) > 1)
    d.add("filter", "令和6年度分で、一次評価と二次評価の結果が違った事業は？", [], differ)

    def missed(actual, plan, name: str) -> bool:
        if actual is None or plan is None:
            return False
        # the generator's lower-is-better test matches 排出量 in 排出量削減率 and 回収量 in
        # 資源物回収量, where more is better: the gold follows what the names mean
        lower = corpus.lower_is_better(name) and not any(k in name for k in ("削減率", "資源物"))
        return actual > plan if lower else actual < plan

    def unmet(fy: int, department: str | None = None) -> list[str]:
        """Projects with an outcome indicator whose settled ``fy`` actual missed its plan (any sheet)."""
        out = {p.name for p in everyone if department in (None, p.department)
               for i in p.indicators(("outcome",))
               if missed(p.actual(i.name, fy), p.plan(i.name, fy), i.name)}
        if department in (None, SEED_DEPT) and fy in (2022, 2023, 2024):
            out |= {SEED_PROJECT for i in seed["indicators"] if i["kind"] == "outcome"
                    if missed(seed_actual(seed, i["name"], fy), seed_actual(seed, i["name"], fy, "plan"),
                              i["name"])}
        return sorted(out)

    d.add("filter", "2023年度に成果指標が計画未達だった事業は？", [], unmet(2023))
    d.add("filter", "令和7年度に成果指標が計画未達だった事業は？", [], unmet(2025))
    d.add("filter", f"{SEED_DEPT}の事業のうち、令和6年度に成果指標が計画を下回ったものはある？", [],
          unmet(2024, SEED_DEPT))
    d.add("filter", "Which projects were rated 縮小 in the secondary evaluation for FY2024?", [],
          sorted(p.name for p in r24["縮小"]), lang="en")

    # ---- summaries: comments and analyses (must mention the indicator the section talks about)
    summary_specs = (
        ("secondary_comment", "{p}の{y}の二次評価コメントを要約して"),
        ("secondary_comment", "{y}の{p}について、二次評価ではどんなことが書かれていますか。簡単にまとめてください。"),
        ("primary_comment", "{p}の一次評価コメント（{y}）を短くまとめて"),
        ("outcome_analysis", "{p}の{y}の成果指標の分析結果を要約してください"),
        ("activity_analysis", "{p}、{y}の活動指標の分析はどうなってる？"),
    )
    sheets_pool = [(p, t) for p in multi for t in p.sheets]
    rng.shuffle(sheets_pool)
    used = set()
    for key, tmpl in summary_specs:
        p, t = next((p, t) for p, t in sheets_pool if (p.name, t) not in used and quoted_indicators(p.sheet(t), key))
        used.add((p.name, t))
        d.add("summary", tmpl.format(p=label(p), y=Y(t)), [], [quoted_indicators(p.sheet(t), key)[0]],
              gold=p.gold(target_fy=t, section_key=key))
    p, t = next((p, t) for p, t in sheets_pool
                if (p.name, t) not in used and quoted_indicators(p.sheet(t), "secondary_comment"))
    d.add("summary", f"Please summarize the secondary evaluation comment for {label(p)} (FY{t}).", [],
          [quoted_indicators(p.sheet(t), "secondary_comment")[0]],
          gold=p.gold(target_fy=t, section_key="secondary_comment"),
          lang="en")

    # ---- why: the cost analysis names the cause; the comment closing names why a rating was given
    causes = []
    for p, t in sheets_pool:
        m = _COST_CAUSE.search(section_text(p.sheet(t), "cost_analysis"))
        if m:
            causes.append((p, t, m.group(2), m.group(3)))
    picked = [c for c in causes if c[2] == "増加"][:2] + [c for c in causes if c[2] == "減少"][:1]
    for (p, t, _word, item), tmpl in zip(picked, ("{p}の{y}の事業費が前年度より増えた理由は？",
                                                 "なぜ{p}は{y}に事業費が増えたのですか",
                                                 "{p}で{y}に事業費が減ったのはなぜ？"), strict=True):
        d.add("why", tmpl.format(p=label(p), y=Y(t)), [], [item],
              gold=p.gold(target_fy=t, section_key="cost_analysis"))
    rated_why = []
    for p, t in sheets_pool:
        ev = next(e for e in p.sheet(t).evaluations if e.stage == "secondary")
        text = section_text(p.sheet(t), "secondary_comment")
        for probe, term in _RESULT_KEYS.get(ev.result, ()):
            if ev.result != "継続" and probe in text:
                rated_why.append((p, t, ev.result, term))
                break
    why_templates = ("{p}が{y}の評価で「{r}」になった理由は？", "{y}、{p}の二次評価が{r}なのはどうして？",
                     "Why was {p} rated 「{r}」 for FY{fy}?")
    for (p, t, result, term), tmpl in zip(rated_why[:3], why_templates, strict=False):
        lang = "en" if tmpl.startswith("Why") else "ja"
        d.add("why", tmpl.format(p=label(p), y=Y(t), r=result, fy=t), [], [term],
              gold=p.gold(target_fy=t, section_key="secondary_comment"), lang=lang)

    # ---- follow-up conversations over corpus projects
    p, i, ys = rng.choice(series)
    y = ys[-1]
    conv = "corpus-indicator"
    d.add("figure", f"{label(p)}の{Y(y)}の{i.name}の実績は？", [p.actual(i.name, y)], gold=p.gold(),
          conversation=conv)
    if p.plan(i.name, y) is not None:
        d.add("followup", "計画値は？", [p.plan(i.name, y)], gold=p.gold(), conversation=conv)
    d.add("followup", "その前年の実績は？", [p.actual(i.name, y - 1)], gold=p.gold(), conversation=conv)

    p = rng.choice([p for p in multi if len(p.actual_years()) >= 2])
    y = p.actual_years()[-1]
    conv = "corpus-cost"
    d.add("figure", f"{label(p)}の{Y(y)}の総事業費を教えてください", [p.cost("total_cost", y)], gold=p.gold(),
          conversation=conv)
    d.add("followup", "人件費は？", [p.cost("personnel_cost", y)], gold=p.gold(), conversation=conv)
    d.add("followup", "その前年は？", [p.cost("personnel_cost", y - 1)], gold=p.gold(), conversation=conv)

    p = projects.get("観光振興推進事業") or rng.choice(
        [q for q in multi if 2024 in q.actual_years() and q.cost("total_cost", 2024) is not None])
    conv = "corpus-noyear"
    d.add("figure", f"{p.name}の2024年度の総事業費は？", [p.cost("total_cost", 2024)], gold=p.gold(), conversation=conv)
    d.add("followup", "じゃあ2030年度の実績は？", [], [], answerable=False, conversation=conv)
    y0 = p.actual_years()[0]
    d.add("followup", f"{era(y0, '令和')}は？", [p.cost("total_cost", y0)], gold=p.gold(), conversation=conv)

    p, t, word, item = next(c for c in causes if c[2] == "増加" and c not in picked)
    conv = "corpus-en"
    d.add("figure", f"What was the project cost of {label(p)} in FY{t}?", [p.cost("project_cost", t)],
          gold=p.gold(), conversation=conv, lang="en")
    d.add("followup", "And the year before?", [p.cost("project_cost", t - 1)], gold=p.gold(),
          conversation=conv, lang="en")
    d.add("followup", "Why did it go up?", [], [item], gold=p.gold(target_fy=t, section_key="cost_analysis"),
          conversation=conv, lang="en")


def unanswerable_questions(d: DevSet, projects: dict[str, Project]) -> None:
    names = set(projects) | {SEED_PROJECT, H27_HALL, H27_WATER}
    for fake in ("スマートごみ箱設置事業", "宇宙開発推進事業", "ドローン配送実証事業"):
        assert fake not in names
    qs = [
        ("郡山市長の名前は？", "ja"),
        ("来年度の天気はどうなりますか？", "ja"),
        ("スマートごみ箱設置事業の令和6年度の事業費は？", "ja"),
        ("宇宙開発推進事業の成果指標を教えて", "ja"),
        ("デジタルファースト推進事業の平成30年度の事業費は？", "ja"),  # 2018: on no sheet
        ("オンライン申請件数の2030年度の実績は？", "ja"),
        ("令和元年度の地域集会所補助事業の事業費はいくらでしたか", "ja"),  # 2019: the h27 sheets end in 2015
        ("平成20年度に総事業費が最も大きかった事業は？", "ja"),
        ("市役所職員の平均残業時間は？", "ja"),
        ("水道料金の値上げはいつ決まりましたか？", "ja"),
        ("郡山市の2040年の人口推計を教えて", "ja"),
        ("Who is the mayor of Koriyama City?", "en"),
        ("What was the total cost of the drone delivery pilot project (ドローン配送実証事業) in FY2024?", "en"),
    ]
    for q, lang in qs:
        d.add("unanswerable", q, [], [], answerable=False, lang=lang, source="none")


def build(n: int = CORPUS_N, corpus_seed: int = CORPUS_SEED) -> list[dict]:
    """The question set over the samples plus the generated corpus ``(n, corpus_seed)``.

    The defaults give the dev set; ``eval bench`` asks the same kinds of question over its larger
    corpora (same wording rules, gold from their truth).
    """
    seed = load_seed()
    projects = load_corpus(n, corpus_seed)
    d = DevSet()
    seed_questions(d, seed)
    h27_questions(d)
    corpus_questions(d, projects, seed)
    unanswerable_questions(d, projects)
    # conversations stay contiguous (turns run in file order); otherwise group by type for reading
    order = {t: k for k, t in enumerate(("figure", "trend", "comparison", "filter", "summary", "why",
                                         "unanswerable", "followup"))}
    convs: dict[str, list[dict]] = defaultdict(list)
    singles: list[dict] = []
    for it in d.items:
        (convs[it["conversation"]] if it["conversation"] else singles).append(it)
    singles.sort(key=lambda it: order[it["type"]])  # stable: keeps generation order within a type
    out = singles + [it for turns in convs.values() for it in turns]
    ids = [it["id"] for it in out]
    assert len(ids) == len(set(ids))
    return out


def dumps(items: list[dict]) -> str:
    return "".join(json.dumps(it, ensure_ascii=False) + "\n" for it in items)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="exit 1 when the file differs from a fresh run")
    args = ap.parse_args(argv)
    items = build()
    text = dumps(items)
    counts: dict[str, int] = defaultdict(int)
    for it in items:
        counts[it["type"]] += 1
    summary = ", ".join(f"{k} {v}" for k, v in counts.items())
    if args.check:
        same = args.out.exists() and args.out.read_text(encoding="utf-8") == text
        print(f"{args.out}: {'up to date' if same else 'DIFFERS from a fresh run'} ({len(items)} questions)")
        return 0 if same else 1
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {len(items)} questions to {args.out} ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
