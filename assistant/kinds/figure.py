"""Figures of one or more projects: indicator plans and actuals with their rate and verdict, cost
rows with their parts, changes with their % change, shares of a total, every year of a range or
of the table (推移), the best or worst year, the years that missed their plan.

Every part a question asks is answered on its own line; a figure comes with the companions a
reader needs (an actual with its plan and rate; a total with its parts when a breakdown is asked;
a change with both years and the % change)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from assistant import compose
from assistant.answer import NOT_FIGURES, Citation, Fact, Number
from assistant.dense import row_by_meaning
from assistant.kinds.base import Desk, Part, Years, evaluated_year, read_years, sheet_for
from assistant.kinds.rows import (
    AMOUNT_ASKED,
    COUNT_ASKED,
    MAX_INDICATORS,
    Row,
    carried_rows,
    cost_row,
    cost_rows,
    find_indicator,
    indicator_row,
    indicator_rows,
    is_indicator_key,
    money,
    printed_rows,
    printed_units,
    rows_holding,
    said_for_another,
    said_in_english,
    set_aside,
    share_base,
)
from assistant.lexicon import lexicon, normalize
from assistant.link import Match, Unit, common_run, covered, head_covered, modifiers, predicate_words
from assistant.measures import diff, growth, lower_is_better, mean, met, percent, rate, times, total
from assistant.query import (
    MEASURE_END,
    Project,
    Query,
    counted_project_words,
    counts_the_words,
    names_noun,
    naming_run,
    narrowing,
    year_spans,
)
from assistant.resolve import project_key, squash
from assistant.sudachi import tokens
from assistant.understand import CIRCLED, PLAN_SIDES, Frame
from ingest.model import Cost, Indicator, Sheet
from ingest.normalize import era_label, nfkc
from ingest.templates.generic import field_of
from ingest.vocabulary import COST_FIELDS, KIND_LABELS, REVENUE_FIELDS, TERMINAL_RESULTS

if TYPE_CHECKING:
    from assistant.dense import DenseNames

MAX_PROJECTS = 5


@dataclass
class Cell:
    """One row in one year, read from the sheet that best reports that year."""

    fy: int
    sheet: Sheet
    plan: Number | None = None
    actual: Number | None = None
    value: Number | None = None  # a cost row's figure
    planned: bool = False  # a cost column after the evaluated year: a budget or plan, not a result
    # which column a cost is of, where the question could take it for the other: 予算 (printed beside
    # the year's 決算), or 決算 (a budget asked of a year the sheet prints only as settled)
    basis: str = ""


@dataclass
class RowAnswer:
    project: Project
    row: Row
    cells: list[Cell] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)  # years asked that no sheet gives
    label: str = ""  # the project as the answer names it (with its 課 when a namesake is answered too)
    first_year: int | None = None  # the earliest year any sheet gives this row
    quotes: list[Citation] = field(default_factory=list)  # what the text says of a year the table lacks
    reference: bool = False  # shown beside a decline, for what it is: no answer to the question
    blank: bool = False  # a revenue row the cost table prints empty for the years asked (「地方債は入ってる？」: no)
    no_base: bool = False  # a change asked whose other end no sheet gives: the one year shown, no change


# 「どんな項目が入ってる？」「指標の一覧」: the names of the rows, not their figures
_ROW_NAMES = re.compile(r"(どんな|どういう|どういった|どの|何の|なんの)\s*(項目|指標|数値|データ)(が|を|は|って)?(入|あ|載|設定|使|置)|"
                        r"指標(の一覧|を一覧|一覧|名|の名前|は何|ってなに|って何)|項目(は|が|って)(何|なに)|"
                        r"\b(what|which) (indicators|measures|metrics)\b|\blist (the|its) indicators\b")
_BOTH_KINDS = re.compile(r"それぞれ|両方|とも|と「?(活動|成果|対象)指標|each|both")
# 「シートの中身を3行で」「シートを要約して」: a whole sheet summed up
SHEET_CONTENTS = re.compile(r"シートの?(中身|内容)|シート(全体)?を(まとめ|要約)|(評価|シート)の(要点|ポイント)")
_FIGURE_WORD = re.compile(r"数字|数値|実績|値|結果|figure|number|result")
# 「件数と、前年度からの増減」 "the count, and the change from the year before": the value is asked too
_CHANGE_TOO = re.compile(r"(?:と|、|,|\band\b)\s*(?:その|the\s+|its\s+)?(?:(?:前年度?|前の年|昨年度?|去年)(?:から|と|比)?の)?"
                         r"(?:増減|伸び|変化|差|(?:change|increase|growth|difference)\b)")
_THAT_YEAR = re.compile(r"その年|同じ年|その時|that year|the same year")
_CUMULATIVE = re.compile(r"累計|累積|cumulative", re.I)

class FigureKind:
    name = "figure"

    def fit(self, q: Query) -> float:
        from assistant.kinds.ratio import asks_cost_per
        from assistant.kinds.scorecard import asks_scorecard

        f = q.frame
        if asks_scorecard(q):
            return 0.2  # which of the project's indicators met their plans: one line each, not a row
        if q.projects and asks_cost_per(q):
            return 0.0  # a cost divided by a count (ratio): not the sheet's own 単位コスト
        if "scores" in f.evals and not (f.rows or f.money):
            return 0.3  # 「成果指標は何点？」 asks the evaluation's score for that item, not the row
        if f.describe and not (f.rows or f.measures or f.kind):
            return 0.0  # 「どんな費用に補助が出るの？」: a kind of thing, which no figure is
        if f.results and not (f.rows or f.money or f.revenue or f.kind or q.head_rows or q.scope_rows
                              or f.has("plan", "actual", "rate", "verdict")):
            return 0.0  # 「廃止理由は？」「縮小じゃなかった？」: the evaluation, no figure
        if f.rows or f.money or f.revenue or f.kind or f.has("plan", "actual", "rate", "verdict", "change", "share",
                                                               "trend", "breakdown"):
            return 0.8
        if f.all_indicators and not (f.sections or f.evals or f.has("why", "summary")):
            return 0.75
        if f.all_indicators and f.sections and not (f.evals or f.has("why")):
            return 0.6  # "a summary: purpose and the latest key figures": the rows beside the section
        if q.projects and q.lang == "en" and not (f.sections or f.evals or f.has("why", "summary")) and (
                asked_counter(f.norm) or re.search(r"how (many|much)|what (was|were|is|are) the", f.norm)):
            return 0.55  # a row paraphrased in English: found by meaning in rows(), or none
        if q.indicators and q.indicators[0][0] >= 0.62 or q.head_rows or q.scope_rows:
            return 0.7
        if q.projects and SHEET_CONTENTS.search(f.norm) and not (f.sections or f.evals):
            return 0.6  # 「シートの中身を3行で」: the results (成果指標) beside the quoted purpose and means
        if q.projects and q.head is None and not q.unexplained and asked_counters(f.norm) and not (
                f.sections or f.evals or f.has("why", "summary")):
            return 0.6  # 「何回開いて何人参加した？」「何回開いた？」: rows by the units counted (rows())
        if q.how in ("focus", "named", "org", "scope") and (q.how == "focus" or f.follow_up) and q.focus and q.focus.rows \
                and q.focus.intent in ("figure", "trend", "ranking", "comparison") \
                and not (f.sections or f.evals or f.has("why", "summary")):
            return 0.7  # 「その前年は？」「R5は？」: the figures of the turn before, another year
        if q.how == "focus" and q.focus and q.focus.earlier_rows and (f.years or f.relative) and _FIGURE_WORD.search(f.norm) \
                and not (f.sections or f.evals or f.has("why", "summary")):
            return 0.6  # 「R7の数字はもう出てる？」 after a turn on the カイゼン策: the row discussed before it
        return 0.1

    def answer(self, q: Query, desk: Desk) -> Part | None:
        projects = q.projects[:MAX_PROJECTS] or q.candidates[:MAX_PROJECTS]
        f = q.frame
        if _ROW_NAMES.search(f.norm) and projects and not (f.years or f.has(
                "plan", "actual", "rate", "verdict", "change", "trend", "sum", "average", "share")):
            return self.row_names(q, desk, projects)
        answers: list[RowAnswer] = []
        unset: list[tuple[Project, Sheet]] = []  # 「成果指標の実績は？」 of a sheet that sets none
        for p in projects:
            latest = desk.sheet(p.latest.sheet_id)
            if f.kind and f.kind_no is None and latest is not None and latest.indicators \
                    and not any(i.kind == f.kind for i in latest.indicators):
                unset.append((p, latest))
                continue
            if f.kind and f.kind_no is not None and latest is not None and latest.indicators and not any(
                    i.kind == f.kind and i.no == f.kind_no for ref in p.refs if (s := desk.sheet(ref.sheet_id))
                    for i in s.indicators):
                unset.append((p, latest))  # 「成果指標③」 of a sheet that sets ① and ② only
                continue
            answers += self.project_rows(q, desk, p)
        if not answers and not unset:
            return None
        part = Part(text="", intent="trend" if q.frame.has("trend") or q.frame.past_n else "figure")
        f = q.frame
        lines: list[str] = []
        for p, sheet in unset:
            lines += _kind_not_set(q, p, sheet, part)
        if not answers:  # what is asked is that there is none: an answer (a rate of none is no figure at all)
            part.text = "\n".join(lines)
            part.sheet_ids = [sheet.sheet_id for _, sheet in unset]
            # (a figure of them — an actual, a rate, whether the plan was met — is none the sheet gives,
            # though its text may say why: 「成果指標は設定していないが、…」 is quoted beside the decline)
            # (a numbered row past those set — 「成果指標③って何？」 — is no row at all, whatever is asked of it)
            part.answerable = bool(_ASKS_WHETHER.search(f.norm)) or f.kind_no is None and not f.has(
                "rate", "actual", "plan", "verdict", *PLAN_SIDES)
            return part
        keys = list(dict.fromkeys(ra.project.key for ra in answers))
        if q.how == "indicator" and len(keys) >= 2 and len({ra.row.name for ra in answers}) == 1:
            # an indicator the question did not tie to a project: every project that has it
            name = answers[0].row.name
            total = len({project_key(ref) for _, i in q.indicators if i.name == name
                         for ref in [desk.catalog.sheet(i.sheet_id)] if ref is not None})
            shown = "" if total <= len(keys) else (f"（うち{len(keys)}事業）" if q.lang == "ja" else f" (showing {len(keys)})")
            lines.append(f"「{name}」は{max(total, len(keys))}の事業の指標にあります{shown}。" if q.lang == "ja"
                         else f"{max(total, len(keys))} projects report 「{name}」{shown}.")
        for ra in answers:
            if (_WORDING.search(f.norm) or _CHECKED.search(f.norm)) and ra.cells and ra.row.name:
                # 「シートでの書きぶりも」: the sentences of the sheet about this row, beside its figures
                said = _sentences_about(ra.cells[-1].sheet, ra.row, desk.settings.max_quote_chars * 2)
                ra.lines += [compose.quote_line(c, q.lang) for c in said]
                ra.quotes += said
            lines += ra.lines
            part.facts += ra.facts
            part.citations += ra.quotes
        if len(keys) >= 2 and (q.frame.has("compare") or q.frame.rank or len(q.projects) >= 2 and q.how == "named"):
            lines += _comparison(answers, q, part)
        if _ITEMS_CHECK.search(f.norm):  # the items listed are 事業費's: checked against it, once a project
            for key in keys:
                costs = [ra for ra in answers if ra.project.key == key and ra.row.is_cost and ra.cells]
                chosen = next((ra for ra in costs if ra.row.key == "project_cost"), costs[0] if costs else None)
                if chosen is not None:
                    lines += _items_against_row(q, chosen, part)
        if len(keys) == 1 and f.rank and f.has("rate") and len(answers) >= 2:
            lines += _rates_in_order(answers, q)  # 「成果指標3つ、R6の達成率が高い順に」
        if q.frame.has("sum") and len(answers) >= 2:
            lines += _sum_across(answers, part, q.lang)
        if _between_rows(q) and len(keys) == 1:
            lines += _rows_ratio(answers, q, part)
        if _settled_against_budget(q):
            against = [line for ra in answers for line in _budget_against_settled(q, ra, part)]
            lines += against
            if not against and answers and _AGAINST_BUDGET.search(f.norm) and len(set(f.years)) <= 1:
                # 「執行率は？」 of a sheet printing no budget for the year: said, not guessed
                lines.append("シートにはこの年度の予算額がなく、予算との比較（執行率・予算比）は出せません。" if q.lang == "ja"
                             else "The sheet prints no budget for that year: no comparison with the budget (execution rate) can be made.")
                part.answerable = False
        part.text = "\n".join(dict.fromkeys(lines))  # a note said of each row (「完了」とされています) once
        part.sheet_ids = list(dict.fromkeys([*(f.sheet_id for f in part.facts), *(c.sheet_id for c in part.citations)]))
        f = q.frame
        wants_actual = not f.has("plan", "trend") and not f.past_n
        printed = {ra.row.key for ra in answers if ra.row.printed and ra.cells}
        figures = [x for x in part.facts if x.field not in NOT_FIGURES]  # (the years a missing line names)
        if part.citations and not figures:
            # no figure for that year, but what the sheet says of it: the answer to whether there is one
            # (「R7の数字はもう出てる？」), beside the decline of a figure asked (「2028年度の計画値は？」)
            part.answerable = bool(_ASKS_WHETHER.search(f.norm)) or not f.has("actual", "plan", "rate")
            return part
        if answers and all(ra.blank for ra in answers):
            return part  # 「地方債は入ってる？」: the empty cell is the answer (no)
        if all(ra.reference or ra.no_base for ra in answers):
            part.answerable = False  # the whole of those asked about: what the sheet does say, no answer
        elif not figures or (wants_actual and not any(x.field in ("actual", "rate", "change") or x.field in COST_FIELDS
                                                    or x.field in printed or x.field == "budget"
                                                    or x.field.endswith(("_change", "_share")) for x in figures)):
            part.answerable = False  # the plan is there, the result is not (yet)
        if re.search(r"決算|実績|actual|result", f.norm) and answers and all(
                c.planned for ra in answers if ra.row.is_cost for c in ra.cells) and any(ra.row.is_cost for ra in answers):
            part.answerable = False  # a settled figure asked, only a budget printed
            part.text = ("シートにあるのはこの年度の計画（予算）額で、決算（実績）額はまだありません。\n" if q.lang == "ja"
                         else "The sheet gives only the planned (budget) figure for that year, no result yet.\n") + part.text
        if "当初予算" in f.norm and not any(c.planned for ra in answers for c in ra.cells if ra.row.is_cost):
            part.answerable = False  # a year already settled: the sheet gives its 決算, not its initial budget
            part.text = ("シートに当初予算額の記載はありません（シートの金額はこの年度の実績・決算額です）。\n" if q.lang == "ja"
                         else "The sheet does not give the initial budget (its figures for that year are results).\n") + part.text
        if f.has("breakdown") and not (f.has("change") or f.direction) and answers and (all(
                ra.row.key == "project_cost" for ra in answers) or any(
                _no_parts(ra.row) and _parts_asked_of(f.norm, ra.row.name) for ra in answers) and not _ITEMS_CHECK.search(f.norm)):
            # 「事業費の内訳」「間接事業費って何に使ってるか内訳わかる？」: the table has no parts of it (its
            # analysis may list them); 「事業費の直接・間接の内訳」 names the parts it asks
            part.answerable = False
        counted = [ra.row.name for ra in answers if not ra.row.is_cost and (ra.row.unit or "") not in ("円", "千円")]
        if f.has("breakdown") and AMOUNT_ASKED.search(f.norm) and counted and any(ra.row.is_cost for ra in answers) \
                and not _itemised(desk, projects, counted[0]):  # (an item the analysis lists with its amount answers)
            # "how much was spent on the early voting stations": the money spent on a thing the table counts
            # is no row of it — its count and the project's costs are what the sheet gives
            part.answerable = False
            part.text = (f"シートに「{counted[0]}」にかかった金額の記載はありません。参考までに、シートにある数値は次のとおりです。\n"
                         if q.lang == "ja" else f"The sheet does not give how much was spent on 「{counted[0]}」; "
                         "for reference, what it gives:\n") + part.text
        return part

    def row_names(self, q: Query, desk: Desk, projects: list[Project]) -> Part | None:
        """「どんな指標が入ってる？」: the indicator table's rows by kind, named as the latest sheet names them."""
        part = Part(text="", intent="list")
        lines: list[str] = []
        kinds = {k: (label, k) for k, label in KIND_LABELS.items()}
        for p in projects:
            sheet = desk.sheet(p.latest.sheet_id)
            if sheet is None or not sheet.indicators:
                continue
            if q.lang == "ja":
                lines.append(f"{p.name}（{sheet.target_fy}年度実施分）の指標は次のとおりです。")
            else:
                lines.append(f"The indicators of {p.name} (FY{sheet.target_fy} sheet):")
            part.facts.append(Fact(sheet_id=sheet.sheet_id, project=p.name, field="target_fy", fy=sheet.target_fy,
                                   value=sheet.target_fy))
            for kind, (ja, en) in kinds.items():
                rows = [i for i in sheet.indicators if i.kind == kind and i.name]
                if not rows or (q.frame.kind and q.frame.kind != kind and not _BOTH_KINDS.search(q.frame.norm)):
                    continue
                names = [(f"{CIRCLED[i.no - 1]}" if kind != "target" and 0 < i.no <= len(CIRCLED) else "") + f"「{i.name}」"
                         + (f"（{i.unit}）" if i.unit else "") for i in rows]
                lines.append(f"・{ja}：" + "、".join(names) if q.lang == "ja" else f"- {en}: " + "; ".join(names))
                for i in rows:
                    part.facts.append(Fact(sheet_id=sheet.sheet_id, project=p.name, indicator=i.name, row=i.label,
                                           field="indicator_name", value=i.name))
        if not part.facts:
            return None
        part.text = "\n".join(lines)
        part.sheet_ids = list(dict.fromkeys(x.sheet_id for x in part.facts))
        return part

    # ── one project ──────────────────────────────────────────────────────────────────────

    def project_rows(self, q: Query, desk: Desk, p: Project) -> list[RowAnswer]:
        latest = desk.sheet(p.latest.sheet_id)
        if latest is None:
            return []
        namesakes = [o for o in (q.projects or q.candidates) if o.name == p.name and o is not p]
        city_of = desk.catalog.city_of
        city = city_of.get(p.latest.sheet_id)
        # namesakes told apart by their cities when those differ (南原市's and 郡山市's), else by their 課
        by = city if city and any(city_of.get(o.latest.sheet_id) != city for o in namesakes) else p.org
        label = f"{p.name}（{by}）" if namesakes and by else p.name
        rows = self.rows(q, p, latest, getattr(desk, "dense", None))
        years = read_years(q, p)
        out = []
        if narrow := narrowing(q, p):
            # 「外国人観光客は何人？」 over 観光客入込数: the row counts everyone, not the part asked; its
            # figure is given for what it is (the whole), and the answer declines.
            # 「特定保健指導を受けた人のうち、65歳以上は？」: the rows named by the other words
            named = [m.name for m in q.scope_rows if not m.within([n.span for n in narrow])]
            whole = [r for r in rows or [indicator_row(i) for i in latest.indicators if i.name in named]
                     if not r.is_cost and not all(n.said_by(r.name) for n in narrow)]
            for row in whole:
                ra = RowAnswer(p, row, label=label, lines=[_narrower_line(label, row, [n.word for n in narrow], q.lang)],
                               reference=True)
                self.fill(q, desk, ra, years)
                out.append(ra)
            rows = [r for r in rows if r not in whole]
        for row in rows:
            if row.key == "対象指標" and (did := done_by(q, row.name)) is not None:
                # 「実際にテレワークした市職員は何人？」 over 対象指標「市職員」: the target counts every one of
                # them, not those who did what is asked — given for what it is, and the answer declines
                ra = RowAnswer(p, row, label=label, lines=[_target_line(label, row, did, q.lang)], reference=True)
            else:
                ra = RowAnswer(p, row, label=label)
            self.fill(q, desk, ra, years)
            if ra.facts or ra.missing:
                out.append(ra)
        return out

    def reference(self, q: Query, desk: Desk) -> Part | None:
        """The figures of the rows the question names outright (:func:`nearest_rows`), for a decline
        of what it asks beyond them; None when it names none (or several projects)."""
        f = q.frame
        asks_figure = bool(f.rows or set(f.measures) & {"plan", "actual", "rate", "verdict", "change", "trend"}
                           or asked_counter(f.norm) or COUNT_ASKED.search(f.norm) or AMOUNT_ASKED.search(f.norm)
                           or _BREAKDOWN_ASKED.search(f.norm))
        if len(q.projects) != 1 or not asks_figure:
            return None  # 「導入業者は？」 asks a name: a count beside it answers nothing
        p = q.projects[0]
        latest = desk.sheet(p.latest.sheet_id)
        if latest is None or not (rows := nearest_rows(q, latest)):
            return None
        years = read_years(q, p)
        answers = []
        for row in rows:
            ra = RowAnswer(p, row, label=p.name, reference=True)
            self.fill(q, desk, ra, years)
            if ra.cells:
                answers.append(ra)
        if not answers:
            return None
        lead = "参考までに、シートにある近い数値は次のとおりです。" if q.lang == "ja" else "For reference, the nearest figures the sheet gives:"
        return Part(text="\n".join([lead, *(line for ra in answers for line in ra.lines)]),
                    facts=[x for ra in answers for x in ra.facts], answerable=False,
                    sheet_ids=list(dict.fromkeys(x.sheet_id for ra in answers for x in ra.facts)))

    def rows(self, q: Query, p: Project, latest: Sheet, dense: DenseNames | None = None) -> list[Row]:
        f = q.frame
        costs = cost_rows(q)
        inds = indicator_rows(q, p, latest, dense)
        if costs and inds and not f.kind and not f.all_indicators:  # (「指標と総事業費」: every row asked, and the cost)
            if f.money and not (f.rows or f.revenue) and q.head is not None and (
                    covered(q.head.text, [r.name for r in inds]) or _spelled_head(q, [r.name for r in inds])):
                costs = []  # 「売却の金額は？」: money of the row the question names, not the cost table
            else:
                # a cost row named outright wins over indicators matched by a few words — unless they are
                # named well in a part of the question of their own ("how many early-voting stations …, and
                # what did it cost in total")
                # (not a premise: 「コンビニ交付が増えてるのはいいんだけど、手数料収入は？」 asks the money only)
                costed = [h.span for h in f.hits if h.group == "row"]
                apart = {m.name for m in q.scope_rows if m.score >= 0.6 and m.explains and not any(
                    a < e and s < b for a, b in m.explains for s, e in costed) and not _PREMISE.search(
                    f.norm[min(b for _, b in m.explains):min((s for s, _ in costed), default=len(f.norm))])}
                inds = [r for r in inds if r.name and (r.name.lower() in q.frame.norm or r.name in apart)]
        if q.head_rows and inds and not costs and q.head is not None and not {r.name for r in inds} & {
                i.name for i in q.head_rows} and not covered(q.head.text, [r.name for r in inds]) and all(
                q.frame.norm[a:b] in p.name or q.frame.norm[a:b] == "年度" for m in q.scope_rows
                if m.name in {r.name for r in inds} for a, b in m.explains):
            # 「集会所の土地を借りてる地区への補助って何件？」: the noun asked (補助) names rows of its own;
            # a row matched only by the project's own words said again (集会所整備数) is not what is asked
            inds = []
        if q.head_rows and not costs and (not inds or len(asked_counters(f.norm)) > 1):
            # 「イノシシとかの捕獲」: the row the question's noun names; 「勉強会、何回開いて何人参加？」: each
            # row of that noun a counter asks for
            names = {i.name for i in q.head_rows} - set_aside(q) - {r.name for r in inds}
            inds = inds + [indicator_row(i) for i in latest.indicators if i.name in names][:3]
        if _split_between_rows(q, inds) and not costs:
            return []  # 「配水管の耐震化率」: 配水管 of one row, 耐震化率 of another — no row is what is asked
        rows = inds + costs
        if f.has("share") and [r.key for r in costs] == ["total_cost"] and not inds and q.focus and q.focus.rows \
                and q.how in ("focus", "only", "scope"):
            # "What share of the total cost is that?": the row the conversation was about, of the total
            rows = [cost_row(k) for k in q.focus.rows if k in COST_FIELDS and k != "total_cost"] + costs
        if not inds and latest.template == "generic":
            # another city's layout: its own printed rows (フルコスト, 地方債 …) before the fixed fields,
            # and those the question names by their words (「直接・間接の内訳」: 直接事業費, 間接事業費)
            printed = printed_rows(q, latest)
            labels = printed_units(latest)
            printed += [Row("printed", m.name, m.name, labels[m.name]) for m in q.scope_rows
                        if m.name in labels and all(r.name != m.name for r in printed)
                        and not said_for_another(q, m, list(labels))]
            # (a label named whole, in its words or through the glossary: "indirect cost" is 間接事業費)
            said = {m.name for m in q.scope_rows if m.score >= 0.9}
            if costs and _TOTAL_NAMED.search(f.norm) and not any(squash(r.name) in squash(f.norm) or r.name in said
                                                                 for r in printed):
                printed = []  # 「総事業費」 is the total, not the 直接事業費 that shares its words
            # a fixed field named (「市債」) beside a printed row matched by words (直接事業費): its printed label
            printed += [Row("printed", label, label, unit) for r in costs if r.key in f.rows
                        and not any(field_of(x.name) == r.key for x in printed)
                        for label, unit in labels.items() if field_of(label) == r.key] if printed else []
            if costs and (not printed or f.has("share")):
                # a fixed field asked ("full cost") of a sheet that prints it in its own unit (円): the
                # sheet's row, as printed, not the 千円 it was converted to (beside the part of it asked)
                printed += [Row("printed", label, label, unit) for r in costs for label, unit in labels.items()
                            if field_of(label) == r.key and unit != r.unit and unit.endswith("円")
                            and all(x.name != label for x in printed)]
            rows = printed or rows
        if not rows and q.focus and q.how in ("focus", "named", "only", "scope", "org") and (
                q.focus.rows or q.focus.earlier_rows and (f.measures or f.relative or f.years)):
            own_labels = printed_units(latest)
            for key in carried_rows(q, q.focus.rows or q.focus.earlier_rows):
                if is_indicator_key(key):
                    ind = q.focus.indicator(latest, key)
                    if ind is not None:
                        rows.append(indicator_row(ind))
                elif key in COST_FIELDS:
                    rows.append(cost_row(key))
                elif key in own_labels:  # another city's row, by the label its sheet prints
                    rows.append(Row("printed", key, key, own_labels[key]))
        if not rows and SHEET_CONTENTS.search(f.norm):
            rows = [indicator_row(i) for i in latest.indicators if i.kind == "outcome"]
        if not rows:
            rows = _by_meaning(q, p, latest, dense)
        if not rows and len(held := rows_holding(f, latest)) == 1:
            rows = [indicator_row(held[0])]  # "the sheet claims 122.5% achievement for …": the row holding it
        # (in English only a rate so: "how many full-time staff" is no 支援員の配置人数 for being in 人)
        if (q.lang == "ja" or asked_counter(f.norm) == "%") and q.head is None and not q.unexplained and not costs and (
                len(counters := asked_counters(f.norm)) >= 2 or counters and not rows):
            # 「水道の研修、H27は何回開いて何人参加した？」「水道の研修会って、H25は何回開いた？」: every word
            # is the project's; a counter no row answers yet names the one row of the sheet that counts in it
            # — one whose name has the project's words the question says again (「支援員、何人配置した」:
            # 支援員の配置人数), not any row of people (「制度を利用してる人の数」)
            again = [f.norm[s:e] for s, e in _project_words_again(q)]
            for c in counters:
                if any(unit_fits(c, r.unit) for r in rows):
                    continue
                fits = [i for i in latest.indicators if i.name and i.kind != "target" and unit_fits(c, i.unit)
                        and all(len(common_run(w, i.name)) >= 2 for w in again)]
                if len(fits) == 1:
                    rows.append(indicator_row(fits[0]))
        # (a trend of nothing named — 「R5〜R7の流れは？」 — is of the same rows, unless it is the evaluations')
        if not rows and (f.has("verdict", "rate", "plan", "actual", "under_plan", "over_plan") or f.has("trend") and not (
                f.evals or f.results or f.stages or f.sections)) and q.head is None and _bare(q):
            # 「目標」 are outcomes; a sheet that sets none (「成果指標は設定していない」) answers with its other
            # indicators, and one with no indicator table (another city's layout) with its costs, which it
            # prints as 実績/決算 ("LED化の事業の実績は？")
            rows = [indicator_row(i) for i in latest.indicators if i.kind == "outcome"] or [
                indicator_row(i) for i in latest.indicators if i.kind != "target"]
            if not rows and not latest.indicators and not f.kind and f.has("actual") and not f.has(
                    "plan", "verdict", "rate", "under_plan", "over_plan"):
                rows = _main_costs(latest)
        if rows and (counted := counted_project_words(q)) is not None and not any(
                r.is_cost or counts_the_words(r.name or "", counted) for r in rows):
            # 「消防団員の数、何人いる？」「子ども食堂って市内に何か所ある？」「市税の収納率は？」: what is counted
            # is what the project is named by, and no row of it counts that
            return []
        counter = asked_counter(q.frame.norm)
        if counter in ("%", "割") and (f.has("share", "change", "verdict", "under_plan", "over_plan")
                                       or f.has("rate") and _OF_PLAN.search(f.norm)) \
                and not _EN_RATE.search(f.norm):  # "formation rate … above plan?": the row is a rate
            # 「計画に対して何％」: the % is the rate, not the row's unit (「実際の投票率は何％」 is the row's: a
            # count of 出前講座 is no answer to it)
            counter = None
        if counter and rows and not AMOUNT_ASKED.search(f.norm):  # 「何件で、いくら？」 asks money too
            # 「何人？」 is not answered with a count of events: the row's unit must fit the question's
            counters = [counter, *(c for c in asked_counters(f.norm) if c != counter)]
            # (a rate counted per head is still a rate: 自殺死亡率（人口10万人当たり）, printed in 人)
            # (the counter named in the row — 「配置人数」 for 何人 — not inside another word: 一人一台端末の満足度)
            fitting = [r for r in rows if r.is_cost or any(unit_fits(c, r.unit) or re.search(rf"{re.escape(c)}(?:数|$)", r.name)
                                                           for c in counters)
                       or counter == "%" and re.search(r"率|割合", r.name or "")]
            if not fitting and counter == "回":  # 「何回使われた？」: times used are the row's 件
                fitting = [r for r in rows if unit_fits("件", r.unit)]
            exact = [r for r in fitting if not r.is_cost and r.unit in counters]
            if exact and len(counters) == 1:  # 「何施設？」: the row counted in 施設, not one in 件
                fitting = exact
            if not fitting and all(money(r.unit) for r in rows if not r.is_cost):
                # 「融資は何件？」 found 制度融資の融資額: the row of the same thing counted in the unit asked
                fitting = _same_thing(latest, rows, lambda i: any(unit_fits(c, i.unit) for c in counters), 2)[:MAX_INDICATORS]
            if not fitting:
                return []
            rows = fitting
        if rows and AMOUNT_ASKED.search(f.norm) and not COUNT_ASKED.search(f.norm) and not any(r.is_cost for r in rows) \
                and not any(money(r.unit) for r in rows) and not _HOW_MUCH_OF.search(f.norm):
            return []  # 「いくら回収できた？」: money asked, and no row of the sheet is money
        named = {m.name for m in q.scope_rows if m.score >= 0.75}
        if rows and COUNT_ASKED.search(f.norm) and not AMOUNT_ASKED.search(f.norm) and not any(r.is_cost for r in rows) \
                and all(money(r.unit) for r in rows) and not ("いくつ" in f.norm and {r.name for r in rows} & named):
            # (「鳥獣被害額の目標値はいくつ？」: いくつ of a row named asks its value, no count)
            # "how many loans?" found 制度融資の融資額: the row of the same thing that counts (実行件数), or none
            counts = _same_thing(latest, rows, lambda i: not money(i.unit), 2)
            if not counts:
                return []
            rows = counts[:MAX_INDICATORS]
        if rows and f.has("share") and not any(r.is_cost for r in rows) \
                and not any(r.unit in ("%", "％") for r in rows):
            return []  # 「キャッシュレス決済比率は？」: a ratio no row gives (counts are not shares of anything)
        # what the question's verb counts (「使われてる」→ 利用) must be what an indicator row counts
        # read on the question as spelled out: 「売って入ったお金」 is 売却額, no 入った of visitors
        wanted = {w for k, v in lexicon().predicates.items() if k in q.reading.spelled_text for w in v}
        if wanted and rows:
            # (a row written out is kept — not the population a project serves: 「補助を受けた市民」 are not 市民)
            kept = [r for r in rows if r.is_cost or any(w in r.name for w in wanted)
                    or r.name.lower() in q.frame.norm and not r.key.startswith("対象指標")]
            if not kept and "利用" in wanted:  # 「オンライン申請は何回使われた？」: cases counted are uses
                kept = [r for r in rows if r.unit == "件" and not _SUPPLY.search(r.name)]
            if not kept:
                # 「キャッシュレス決済で払った数」 found キャッシュレス決済導入施設数: the row of the same thing that
                # counts what the verb does (キャッシュレス決済の利用件数)
                kept = _same_thing(latest, rows, lambda i: any(w in (i.name or "") for w in wanted), 4)[:2]
            if not kept:
                return []
            rows = kept
        unit_cost = any(r.key.startswith("unit_cost") for r in rows)
        names_org = q.head is not None and q.org_ids is not None and re.search(r"(部|課|局|室|所)$", q.head.text)
        # (a head inside a staff phrase spelled out as a row's word — 「使っていない市有財産」, 未利用財産 — is that row)
        # (rows written out whole need no noun of theirs where the noun is another row's, written beside them:
        # 「家庭訪問の実施件数と認知症の相談件数」 ends on 相談件数)
        spelled_rows = q.head is not None and all(squash(r.name) in squash(q.frame.norm) for r in rows) and any(
            covered(q.head.text, [m.name]) and m.name not in {r.name for r in rows} for m in q.scope_rows)
        if q.head is not None and rows and not unit_cost and not names_org and not spelled_rows \
                and not _spelled_head(q, [r.name for r in rows]):  # 「研修開催1回当たりのコスト」: the head is the unit
            # the noun asked about must be what a row is: 「導入業者」 is no row of 導入施設数
            # (or the other project named: 「食育と不登校支援の人件費」 asks no 不登校支援 row of 食育推進事業)
            # (and the unit it counts in: 「何団体？」 asks in 団体, it names no 団体 row)
            row_names = [p.name, p.org, p.latest.department or ""] + [x.name for x in q.projects] + [r.name for r in rows] \
                + [r.unit for r in rows if r.unit and len(r.unit) >= 2]
            if (m := MEASURE_END.search(q.head.text)) and m.start() >= 2 and covered(q.head.text[:m.start()], [p.name]) \
                    and not any(covered(q.head.text[:m.start()], [r.name]) for r in rows):
                # 「市内の自殺者数」: a measure of the project's own word (自殺 of 自殺対策推進事業) is a row's to
                # give, not the name's — 市内の世帯 is no count of it
                row_names = [r.name for r in rows]
            if not head_covered(q.frame.norm, q.head, row_names) and not any(
                    names_noun(q.frame.norm, q.head, r.name) for r in rows) and not any(
                    w in r.name for w in predicate_words(q.frame.norm, q.head.start) for r in rows):
                # (子ども of 児童生徒の割合, not 開業 of 創業相談件数; 「就職した人」 of 就労者数)
                return []
            # a qualifier the sheets never write (「英検準2級以上の」中学生) is no row's either
            if any(m.text in q.unexplained and not covered(m.text, row_names) for m in modifiers(q.reading, q.head)):
                return []
            # … nor a word written onto it that no row has (「アクティブユーザー数」 is no 延べ利用者数)
            onto = _written_onto(q, q.head)
            if onto is not None and not q.explained.covers(onto.start, onto.end) and not covered(onto.text, row_names):
                return []
            # a bare measure (延長, 補助件数) whose own qualifier no row has: 「除雪した道路の延長」 is no
            # 配水管更新延長, 「太陽光発電設備の補助件数」 no 電気自動車購入補助件数 — the question's 道路 and
            # 太陽光発電 name the project too, but here they say which 延長 is asked
            measured = [r for r in rows if not r.is_cost]
            names = {squash(x.name) for x in q.projects}
            mods = [m.text for m in modifiers(q.reading, q.head) if squash(m.text) not in names]  # the name in full
            if measured and len(measured) == len(rows) and mods and _bare_measure(q.head.text) \
                    and not any(covered(m, [r.name]) for m in mods for r in measured):
                return []
        return rows

    def fill(self, q: Query, desk: Desk, ra: RowAnswer, years: Years) -> None:
        f = q.frame
        lang = q.lang
        p, row = ra.project, ra.row
        span = self.span(desk, p, row)
        ra.first_year = span[0] if span else None
        if years.every or (f.rank and not years.said) or (f.has(*PLAN_SIDES) and f.asks_years
                                                           and not years.said) \
                or f.threshold is not None and not years.said:
            ahead = years.said and bool(years.years) and min(years.years) > (p.latest.target_fy or 0)
            wanted = span if row.is_cost or ahead or f.has("plan", "trend") else [
                y for y in span if y <= (p.latest.target_fy or y)]
            if not wanted:
                wanted = span
            if years.every and years.said and years.years:  # 「過去3年分」: those years of the span
                # (「R12以降」 past the row's last year: that year, which the answer says is not on the sheet)
                wanted = [y for y in wanted if y in years.years] or (years.years[:1] if ahead else wanted)
        else:
            wanted = years.years
        target = p.latest.target_fy
        if row.is_cost and f.has("plan") and not f.has("forecast") and not f.years and target is not None and all(
                y <= target for y in wanted):
            # a cost's 「計画値」 are the columns after the evaluated year (the years before are results)
            wanted = [y for y in span if y > target] or wanted
        if f.has("milestone"):  # 「2030年度の最終目標」: a milestone's year, not a column of the table
            wanted = [y for y in f.years if y in span] or [y for y in span if y <= (target or y)][-1:] or span[-1:]
        if f.has("remaining") and target is not None:
            # 「直近の実績からあとどれくらい？」: the latest actual is one end of the way still to go
            wanted = sorted(set(wanted) | set([y for y in span if y <= target][-1:]))
        if f.first_year and span and not f.years:
            # 「最初の年から最新までどう伸びた？」「最初の年の何倍？」: from the row's first year to its latest
            done = [y for y in span if y <= (target or y)]
            moving = f.has("change", "multiple", "trend") or f.direction is not None
            wanted = [span[0], done[-1]] if moving and done and done[-1] != span[0] else span[:1]
            years.base = span[0] if len(wanted) == 2 else None
        if years.base is not None and years.base not in wanted:
            wanted = [years.base, *wanted]
        changes = [h.text for h in f.hits if h.group == "measure" and h.key == "change"]
        comparative = bool(changes) and all(t in ("higher", "lower", "more", "less") for t in changes)
        # 「計画と何ポイント差？」 compares with the plan, within the year
        # (「R4からR6でどう変わった？」 "how did it move from FY2022 to FY2024": the values, and the change between the ends)
        moved = f.has("trend") and f.year_range and len(set(f.years) | set(f.bare_years)) == 2
        change = (f.has("change", "multiple") or moved or f.direction is not None or f.has("compare") and not f.has("verdict")
                  and not ((f.has("plan") or _settled_against_budget(q)) and len(set(wanted)) <= 1)) and not (
            len(q.projects or q.candidates) >= 2 and (comparative or f.has("compare") or len(set(f.years)) == 1)
        ) and not _between_rows(q) and not (  # 「事業費は人件費の何倍」: one row over another, not a year over the last
            _settled_against_budget(q) and len(set(wanted)) <= 1)  # 「決算は予算よりいくら多い？」: within the year
        # (two projects in one year named: 「R5の総事業費は何倍違う？」 compares them, not two years)
        if change and len(wanted) == 1 and not f.has("forecast"):  # 見込みとの差 is within one year
            wanted = [wanted[0] - 1, wanted[0]]
        budget = _budget_only(f)
        newest = any(h.group == "relative" and _NEWEST.search(h.text) for h in f.hits) and len(f.relative) == 1
        if budget and row.is_cost and (not years.said or newest and not f.years):
            # 「予算は？」: the year the latest sheet prints as its budget; 「一番新しい予算額」: its last one
            latest = desk.sheet(p.latest.sheet_id)
            budgets = [c.fy for c in (latest.costs if latest else []) if c.basis == "予算"]
            # (of several, the sheet's own year's: 2017予算 on a sheet of 2017 printing 2016–2018 budgets)
            own = [fy for fy in budgets if fy == p.latest.target_fy]
            wanted = (budgets[-1:] if newest else own or budgets[:1]) or wanted
        for fy in sorted(set(wanted)):
            cell = self.cell(desk, p, row, fy, budget)
            if cell is None:
                ra.missing.append(fy)
            else:
                ra.cells.append(cell)
        if row.is_cost and f.threshold is not None and f.threshold.op == "zero":
            self.zero_lines(q, desk, ra, span)
            return
        if not ra.cells and _revenue_row(row) and _ASKS_ANY.search(f.norm) and self.costed(desk, p, row, ra.missing):
            # 「地方債は入ってる？」 where the table has that year but its 地方債 cell is empty: none is recorded
            asked = "・".join(f"{y}年度" for y in ra.missing)
            ra.lines.append(f"{p.name}の{row.name}は、{asked}の欄が空欄で、計上はありません。" if lang == "ja" else
                            f"{p.name}: the {row.name} cell for {', '.join(f'FY{y}' for y in ra.missing)} is empty "
                            "(none recorded).")
            ra.blank = True
            ra.facts += [Fact(sheet_id=sheet_for(p, y).sheet_id, project=p.name, field="blank_row", value=y, fy=y,
                              row=row.name) for y in ra.missing]
            return
        if not ra.cells:
            ra.lines.append(_missing_line(p, row, ra.missing, span, lang))
            ra.facts += _covered_years(p, span)
            marks = [m for y in ra.missing for m in (f"{y}年度", era_label(y))]
            latest = desk.sheet(p.latest.sheet_id)
            ra.quotes = _sentences_about(latest, row, desk.settings.max_quote_chars * 2, marks) if latest else []
            if ra.quotes:  # 「2028年度の計画値は、次期実施計画の策定にあわせて設定する予定」
                ra.lines.append("シートの文中には次の記述があります。" if lang == "ja" else "The sheet's text says:")
                ra.lines += [compose.quote_line(c, lang) for c in ra.quotes]
            _ended(ra, ra.missing, lang)
            return
        if change and len(ra.cells) == 1 and ra.missing and (f.has("change", "multiple") or f.direction) \
                and len(q.projects or q.candidates) < 2:
            # 「R4は前年度から何件増えた？」 where the sheet starts at R4: no change to give, only the year it has
            ra.lines.append(_missing_line(p, row, ra.missing, span, lang) + (
                "増減は計算できません。" if lang == "ja" else " The change cannot be computed."))
            ra.facts += _covered_years(p, span)
            ra.facts += [Fact(sheet_id=p.latest.sheet_id, project=p.name, field="absent_year", value=y, fy=y,
                              row=row.name) for y in ra.missing]
            # a decline when the change was all that was asked (「R4の件数と、前年度からの増減」 gets the count)
            ra.no_base = set(f.measures) <= {"change", "multiple", "compare"} and not _FIGURE_WORD.search(f.norm) \
                and not _CHANGE_TOO.search(f.norm)
        if row.is_cost:
            self.cost_lines(q, ra, change, desk)
            if re.search(r"決算|実績|actual|result|spent", f.norm) and all(c.planned for c in ra.cells):
                _ended(ra, [c.fy for c in ra.cells], lang)  # a budget only: the project stopped?
        else:
            self.indicator_lines(q, ra, change)
        _warn(ra, q)

    def costed(self, desk: Desk, p: Project, row: Row, years: list[int]) -> bool:
        """The sheet reporting each year prints ``row`` in its cost table and has that year's column
        (its other rows filled): an empty cell, not a row the layout lacks (H27 prints no 財源)."""
        for y in years:
            s = desk.sheet(sheet_for(p, y).sheet_id)
            if s is None or not any(c.fy == y and (c.total_cost is not None or c.project_cost is not None)
                                    for c in s.costs):
                return False
            printed = any(c.row(row.key) is not None for c in s.costs) if row.printed else (
                s.template == "koriyama-r7" or any(getattr(c, row.key) is not None for c in s.costs))
            if not printed:
                return False
        return bool(years)

    def span(self, desk: Desk, p: Project, row: Row) -> list[int]:
        """Every year some sheet of the project gives this row."""
        years: set[int] = set()
        for ref in p.refs:
            s = desk.sheet(ref.sheet_id)
            if s is None:
                continue
            if row.printed:
                years |= {c.fy for c in s.costs if (r := c.row(row.key)) is not None and r.value is not None}
            elif row.is_cost:
                years |= {c.fy for c in s.costs if getattr(c, row.key) is not None}
            elif (ind := find_indicator(s, row)) is not None:
                years |= {v.fy for v in ind.values if v.plan is not None or v.actual is not None}
        return sorted(years)

    def cell(self, desk: Desk, p: Project, row: Row, fy: int, budget: bool = False) -> Cell | None:
        """The year's figure of ``row``; of a cost, the settled one where the year is printed as both
        予算 and 決算, unless only the ``budget`` is asked (「H29予算のフルコスト」)."""
        ref = sheet_for(p, fy)
        order = [ref] + [r for r in sorted(p.refs, key=lambda r: -(r.target_fy or 0)) if r is not ref]
        for r in order:
            s = desk.sheet(r.sheet_id)
            if s is None:
                continue
            if row.is_cost:
                c = (budget and (s.cost(fy, "予算") or s.cost(fy, "計画"))) or s.cost(fy)
                value = _cost_value(c, row)
                if c is not None and value is not None:  # a value only comes from a cost row
                    planned = fy > (s.target_fy or fy) or c.basis in ("予算", "計画")
                    beside = c.basis == "予算" and s.cost(fy, "決算") is not None
                    instead = budget and c.basis in ("決算", "実績")  # (no 予算 printed for the year: said so)
                    return Cell(fy, s, value=value, planned=planned,
                                basis="予算" if beside else "決算" if instead else "")
            else:
                ind = find_indicator(s, row)
                v = ind.value(fy) if ind else None
                if v is not None and (v.plan is not None or v.actual is not None):
                    return Cell(fy, s, plan=v.plan, actual=v.actual)
        return None

    # ── indicators ───────────────────────────────────────────────────────────────────────

    def indicator_lines(self, q: Query, ra: RowAnswer, change: bool) -> None:
        f = q.frame
        lang = q.lang
        row, p = ra.row, ra.project
        only_plan = (lang == "ja" and f.has("plan") and not f.has("actual", "rate", "verdict", "under_plan", "over_plan",
                                                                   "change", "trend")
                     and not _PLAN_TOO.search(f.norm)  # 「どうだった？計画も」: the plan as well, not alone
                     and not _counted_before_plan(f))  # 「R5は何人で、目標は何人？」: the count, then the plan
        verdict = f.verdict
        keep_down = lower_is_better(row.name)
        head = _row_head(ra.label or p.name, row, lang)
        parts: list[str] = []
        for c in ra.cells:
            base = _base(c, p, row)
            if c.actual is not None and not only_plan:
                ra.facts.append(Fact(**base, fy=c.fy, field="actual", value=c.actual))
            if c.plan is not None:
                ra.facts.append(Fact(**base, fy=c.fy, field="plan", value=c.plan))
            r = rate(c.actual, c.plan)
            if r is not None and not only_plan:
                ra.facts.append(Fact(**{**base, "unit": "%"}, fy=c.fy, field="rate", value=r, computed=True))
            parts.append(compose.indicator_cell(c.fy, c.plan, c.actual if not only_plan else None, r if not only_plan
                                                else None, row.unit, None, keep_down, lang, pending=c.actual is None))
        lines = [compose.join_cells(head, parts, lang)]
        if verdict and not (f.has(*PLAN_SIDES) and f.asks_years):
            for c in ra.cells:
                m = met(c.actual, c.plan, row.name)
                if m is not None:
                    beat = m and not keep_down and c.actual is not None and c.plan is not None and c.actual > c.plan
                    lines.append(compose.verdict_line(row.name, c.fy, m, keep_down, lang, beat))
                    gap = diff(c.actual, c.plan)
                    if gap is not None and gap != 0:
                        ra.facts.append(Fact(**_base(c, p, row), fy=c.fy, field="plan_gap", value=gap, computed=True))
                        unit = compose.diff_unit(row.unit or "", lang)
                        lines.append(f"計画との差は{compose.signed(gap, unit)}です。" if lang == "ja"
                                     else f"Difference from the plan: {compose.signed(gap)} {unit}.")
        if change:
            lines += self.change_lines(q, ra, [(c.fy, c.actual if c.actual is not None else c.plan, c) for c in ra.cells])
        if f.has("sum") and len(ra.cells) > 1:
            if f.has("plan"):  # 「計画の合計と実績の合計」: both sums
                lines.append(self.sum_line(q, ra, [c.plan for c in ra.cells], "plan"))
            if not only_plan and not f.has("under_plan"):  # (「届かなかった分を足すと」 sums the shortfalls, below)
                lines.append(self.sum_line(q, ra, [c.actual for c in ra.cells if c.actual is not None]))
            paired = [c for c in ra.cells if c.actual is not None and c.plan is not None]
            if f.has("plan") and (f.has("rate") or asked_counter(f.norm) == "%") and len(paired) > 1 \
                    and not _CUMULATIVE.search(row.name or ""):
                # 「計画の合計に対して実績の合計は何％？」: the years' actuals over their plans, as one rate
                got = rate(total([c.actual for c in paired]), total([c.plan for c in paired]))
                if got is not None:
                    last = paired[-1]
                    ra.facts.append(Fact(**{**_base(last, p, row), "unit": "%"}, fy=last.fy, field="sum_rate",
                                         value=got, computed=True))
                    lines.append(f"{paired[0].fy}〜{last.fy}年度の計画の合計に対する実績の合計は{compose.num(got)}%です。"
                                 if lang == "ja" else f"FY{paired[0].fy}–FY{last.fy}: the actuals add up to "
                                 f"{compose.num(got)}% of the plans.")
        if f.has("average") and len(ra.cells) > 1:
            if f.has("plan") or only_plan:
                lines.append(self.mean_line(q, ra, [c.plan for c in ra.cells], "plan"))
            if not only_plan:
                lines.append(self.mean_line(q, ra, [c.actual for c in ra.cells]))
        if f.rank and len(ra.cells) > 1:
            lines += _best_year(ra, q)
        if f.has(*PLAN_SIDES) and len(ra.cells) > 1:
            lines += _missed_years(ra, q)
        if f.has("sum") and f.has("under_plan") and len(ra.cells) > 1 and not _CUMULATIVE.search(row.name or ""):
            # 「計画に届かなかった分を全部足すと」: each missed year's shortfall, added up
            short = [(c, abs(diff(c.actual, c.plan) or 0)) for c in ra.cells if met(c.actual, c.plan, row.name) is False]
            if short:
                got = total([x for _, x in short])
                last = short[-1][0]
                ra.facts.append(Fact(**_base(last, p, row), fy=last.fy, field="shortfall_sum", value=got, computed=True))
                years = "・".join(f"{c.fy}" for c, _ in short)
                lines.append(f"計画に届かなかった年度（{years}年度）の不足分の合計は{compose.num(got, row.unit)}です。"
                             if lang == "ja" else f"The shortfalls of the years below plan (FY{', FY'.join(str(c.fy) for c, _ in short)}) "
                             f"add up to {compose.num(got)} {row.unit}.")
        if f.has("remaining"):
            lines += _remaining(ra, q)
        if f.has("milestone"):
            lines += self.milestone_lines(q, ra)
        if f.has("since"):
            years_with = sorted({c.fy for c in ra.cells})
            span = ra.first_year or (years_with[0] if years_with else None)
            if span is not None:
                lines.append(f"{row.name}は{compose.year_ja(span)}から記載があります（登録されているシートの範囲で）。"
                             if lang == "ja" else f"{row.name} appears from FY{span} (in the sheets stored).")
                ra.facts.append(Fact(**_base(ra.cells[0], p, row), fy=span, field="first_year", value=span))
        future = [c.fy for c in ra.cells if c.actual is None]
        if f.has("actual", "verdict") and future and not only_plan and len(ra.cells) == len(future):
            lines.append(compose.no_actual_yet(future, lang))
            _ended(ra, future, lang)
        ra.lines += lines

    def milestone_lines(self, q: Query, ra: RowAnswer) -> list[str]:
        """The 中間指標 / 最終指標 printed beside the yearly columns (latest sheet that prints any), and
        when a verdict is asked, the latest actual against the final one."""
        lang, row, p = q.lang, ra.row, ra.project
        found = None
        for c in sorted(ra.cells, key=lambda c: -(c.sheet.target_fy or 0)):
            ind = find_indicator(c.sheet, row)
            if ind is not None and ind.milestones:
                found = (c.sheet, ind)
                break
        if found is None:
            return [f"{row.name}には中間指標・最終指標の記載がありません。" if lang == "ja"
                    else f"The sheet gives no interim or final target for {row.name}."]
        sheet, ind = found
        names = {"mid": ("中間指標", "interim target"), "final": ("最終指標", "final target"),
                 "unknown": ("目標値（中間・最終の別は読み取れません）", "target (interim or final not readable)")}
        said = []
        for m in ind.milestones:
            ja, en = names[m.kind]
            ra.facts.append(Fact(sheet_id=sheet.sheet_id, project=p.name, indicator=row.name, row=row.key, fy=m.fy,
                                 field=f"milestone_{m.kind}", value=m.value, unit=row.unit))
            when = (f"（{compose.year_ja(m.fy)}）" if lang == "ja" else f" (FY{m.fy})") if m.fy else ""
            said.append(f"{ja}{when}は{compose.num(m.value, row.unit)}" if lang == "ja"
                        else f"{en}{when}: {compose.num(m.value, row.unit)}")
        out = [f"{row.name}の" + "、".join(said) + "です。" if lang == "ja" else f"{row.name} — " + "; ".join(said) + "."]
        if _THAT_YEAR.search(q.frame.norm):  # 「中間指標いくつだった？その年の実績も」: the milestone's year's actual
            asked = [m for m in ind.milestones if m.fy and (m.kind == "mid") == ("中間" in q.frame.norm or "interim" in q.frame.norm)]
            for m in asked or [m for m in ind.milestones if m.fy]:
                if m.fy is None:  # both lists hold only milestones with a year
                    continue
                mfy = m.fy
                v = next((v for c in ra.cells for i in [find_indicator(c.sheet, row)] if i is not None
                          for v in [i.value(mfy)] if v is not None and v.actual is not None), None) \
                    or next((v for v in [ind.value(mfy)] if v is not None and v.actual is not None), None)
                if v is None:
                    continue
                ra.facts.append(Fact(sheet_id=sheet.sheet_id, project=p.name, indicator=row.name, row=row.key, fy=m.fy,
                                     field="actual", value=v.actual, unit=row.unit))
                out.append(f"{compose.year_ja(m.fy)}の実績は{compose.num(v.actual, row.unit)}です。" if lang == "ja"
                           else f"The actual in FY{m.fy}: {compose.num(v.actual, row.unit)}.")
        final = next((m for m in reversed(ind.milestones) if m.kind == "final"), None)
        done = [c for c in ra.cells if c.actual is not None]
        if final is not None and done and (q.frame.verdict or q.frame.has("verdict", "rate")):
            last = max(done, key=lambda c: c.fy)
            ok = met(last.actual, final.value, row.name)
            if lang == "ja":
                out.append(f"最新の実績（{compose.year_ja(last.fy)} {compose.num(last.actual, row.unit)}）は最終指標"
                           f"{compose.num(final.value, row.unit)}に" + ("達しています。" if ok else "届いていません。"))
            else:
                out.append(f"The latest actual (FY{last.fy}: {compose.num(last.actual, row.unit)}) "
                           + ("meets" if ok else "falls short of") + f" the final target {compose.num(final.value, row.unit)}.")
        return out

    # ── costs ────────────────────────────────────────────────────────────────────────────

    def cost_lines(self, q: Query, ra: RowAnswer, change: bool, desk: Desk) -> None:
        f = q.frame
        lang = q.lang
        row, p = ra.row, ra.project
        parts = []
        for c in ra.cells:
            # (the year's 予算 beside its 決算 is told apart as the budget it is)
            ra.facts.append(Fact(**_base(c, p, row), fy=c.fy, field="budget" if c.basis == "予算" else row.key,
                                 value=c.value))
            parts.append(compose.cost_cell(c.fy, c.value, row.unit, c.planned, lang, c.basis))
        lines = [compose.join_cells(_row_head(ra.label or p.name, row, lang), parts, lang)]
        asked_share = (f.has("share") or (f.has("rate") and len([r for r in cost_rows(q)]) >= 2)) and not _between_rows(q)  # 「総事業費のうち人件費は何％」
        shares = asked_share and not row.printed
        # "what share of the direct cost was covered by bonds": a revenue row of the 事業費 asked beside it,
        # not of the total (人件費 is no part of 事業費: still of the total)
        asked_totals = [k for k in f.rows if k in ("project_cost", "total_cost")]
        base = "project_cost" if asked_totals == ["project_cost"] and row.key in REVENUE_FIELDS else share_base(row.key)
        if shares and row.key != base:
            of = compose.row_label(base, lang)
            seen: list[tuple[int, float]] = []
            for c in ra.cells:
                tc = c.sheet.cost(c.fy)
                den = getattr(tc, base) if tc else None
                s = percent(c.value, den)
                if s is None:
                    continue
                seen.append((c.fy, s))
                ra.facts.append(Fact(**{**_base(c, p, row), "unit": "%"}, fy=c.fy, field=f"{row.key}_share", value=s,
                                     computed=True))
                lines.append(compose.share_line(row.name, s, c.fy, of, lang))
            if change and len(seen) >= 2:  # 「一般財源等の割合はR4からR5で何ポイント下がった？」: the share's own change
                (y0, s0), (y1, s1) = seen[0], seen[-1]
                d = diff(s1, s0)
                assert d is not None
                ra.facts.append(Fact(**{**_base(ra.cells[-1], p, row), "unit": "ポイント"}, fy=y1,
                                     field=f"{row.key}_share_change", value=d, computed=True))
                lines.append(f"{row.name}が{of}に占める割合は、{compose.year_ja(y0)}の{compose.num(s0)}%から"
                             f"{compose.year_ja(y1)}の{compose.num(s1)}%へ{compose.signed(d, 'ポイント')}です。" if lang == "ja"
                             else f"The share of {row.name} in the {of} went from {compose.num(s0)}% (FY{y0}) to "
                                  f"{compose.num(s1)}% (FY{y1}): {compose.signed(d)} points.")
        # (「直接事業費のうち地方債の割合」: a revenue row of the 事業費 named as the whole, else of the total)
        whole_field = "project_cost" if asked_totals == ["project_cost"] and field_of(row.name) in REVENUE_FIELDS \
            else "total_cost"
        if asked_share and row.printed and field_of(row.name) not in ("total_cost", whole_field):
            # another layout's own row (一般財源 of a sheet printing フルコスト): a share of the row it
            # prints as the total (or as the 事業費 named), in the same unit
            for c in ra.cells:
                tc = c.sheet.cost(c.fy)
                totals = [r for r in (tc.rows if tc else []) if field_of(r.label) == whole_field
                          and r.unit == row.unit and r.value]
                named = [r for r in totals if squash(r.label) in squash(f.norm)]
                whole = named[0] if len(named) == 1 else totals[0] if len(totals) == 1 else None
                s = percent(c.value, whole.value) if whole is not None else None
                if whole is None or s is None:
                    continue
                ra.facts.append(Fact(**{**_base(c, p, row), "unit": "%"}, fy=c.fy, field=f"{row.key}_share", value=s,
                                     computed=True))
                lines.append(compose.share_line(row.name, s, c.fy, whole.label, lang))
        # (「差はいくら？」 after a forecast against its settled figure: that gap again)
        again = q.how == "focus" and q.focus is not None and "forecast" in q.focus.measures and f.has("compare", "change")
        forecast = self.forecast_lines(q, ra, desk) if f.has("forecast") or again else []
        lines += forecast
        if change and not forecast and not f.has("share"):  # a share's change is the share's, above
            lines += self.change_lines(q, ra, [(c.fy, c.value, c) for c in ra.cells])
        if f.has("sum") and len(ra.cells) > 1:
            lines.append(self.sum_line(q, ra, [c.value for c in ra.cells]))
        if f.has("average") and len(ra.cells) > 1:
            lines.append(self.mean_line(q, ra, [c.value for c in ra.cells]))
        if row.unit == "千円" and _IN_YEN.search(f.norm):  # 「円で言うと？」: the sheet's 千円 × 1,000
            for c in ra.cells:
                if c.value is not None:
                    yen = c.value * 1000
                    ra.facts.append(Fact(**{**_base(c, p, row), "unit": "円"}, fy=c.fy, field=f"{row.key}_yen", value=yen,
                                         computed=True))
                    lines.append(f"{compose.year_ja(c.fy)}の{row.name}は円で{compose.num(yen, '円')}です（千円単位の額を円に直したもの）。"
                                 if lang == "ja" else f"FY{c.fy} {row.name} in yen: {compose.num(yen)} 円.")
        if row.unit == "円" and IN_THOUSANDS.search(f.norm):  # 「千円単位で教えて」 of a sheet printing 円: ÷ 1,000
            for c in ra.cells:
                if c.value is not None:
                    exact = Decimal(str(c.value)) / 1000
                    thousands = int(exact) if exact == exact.to_integral_value() else float(exact)
                    ra.facts.append(Fact(**{**_base(c, p, row), "unit": "千円"}, fy=c.fy, field=f"{row.key}_thousands",
                                         value=thousands, computed=True))
                    lines.append(f"{compose.year_ja(c.fy)}の{row.name}は千円単位で{compose.num(thousands, '千円')}です"
                                 "（シートの円の額を千円に直したもの）。" if lang == "ja"
                                 else f"FY{c.fy} {row.name} in thousand yen: {compose.num(thousands)} 千円.")
        if f.rank and len(ra.cells) > 1:
            lines += _best_year(ra, q)
        ra.lines += lines

    def forecast_lines(self, q: Query, ra: RowAnswer, desk: Desk) -> list[str]:
        """「R6のシートで見込んでいたR7の額と決算の差」: for each settled year, what the sheet written the
        year before (or the sheet the question names) printed for it, and the difference."""
        lines = []
        row, p = ra.row, ra.project
        for c in ra.cells:
            if c.value is None:
                continue
            # a settled year against the sheets written before it; a planned one (「R8の見込み、最新シートと一つ前の
            # シートで変わった？」) against the sheets before the one printing it
            before = c.fy if not c.planned else c.sheet.target_fy or 0
            earlier = sorted((r for r in p.refs if r.target_fy is not None and r.target_fy < before),
                             key=lambda r: (r.target_fy in q.frame.sheet_years, r.target_fy or 0), reverse=True)
            for ref in earlier:
                s = desk.sheet(ref.sheet_id)
                value = _cost_value(s.cost(c.fy) if s is not None else None, row)
                if s is None or value is None:
                    continue
                gap = diff(c.value, value)
                base = _base(c, p, row)
                ra.facts.append(Fact(**{**base, "sheet_id": s.sheet_id}, fy=c.fy, field=f"{row.key}_forecast", value=value))
                ra.facts.append(Fact(sheet_id=s.sheet_id, project=p.name, field="target_fy", fy=ref.target_fy,
                                     value=ref.target_fy))
                ra.facts.append(Fact(**base, fy=c.fy, field=f"{row.key}_forecast_gap", value=gap, computed=True))
                g = growth(c.value, value)
                if g is not None:
                    ra.facts.append(Fact(**{**base, "unit": "%"}, fy=c.fy, field=f"{row.key}_forecast_growth", value=g,
                                         computed=True))
                if c.planned:
                    ra.facts.append(Fact(sheet_id=c.sheet.sheet_id, project=p.name, field="target_fy",
                                         fy=c.sheet.target_fy, value=c.sheet.target_fy))
                    lines.append(
                        f"{compose.year_ja(c.fy)}の{row.name}の見込みは、{c.sheet.target_fy}年度実施分（最新）のシートでは"
                        f"{compose.num(c.value, row.unit)}、{ref.target_fy}年度実施分のシートでは{compose.num(value, row.unit)}で、"
                        f"差は{compose.signed(gap, row.unit)}です。" if q.lang == "ja" else
                        f"FY{c.fy} {row.name} (planned): the FY{c.sheet.target_fy} sheet (latest) expects "
                        f"{compose.num(c.value)} {row.unit}; the FY{ref.target_fy} sheet expected {compose.num(value)} "
                        f"{row.unit} ({compose.signed(gap)} {row.unit}).")
                elif q.lang == "ja":
                    lines.append(
                        f"{compose.year_ja(c.fy)}の{row.name}は、{ref.target_fy}年度実施分のシートの見込みでは"
                        f"{compose.num(value, row.unit)}、{c.sheet.target_fy}年度実施分のシート（決算）では"
                        f"{compose.num(c.value, row.unit)}で、見込みとの差は{compose.signed(gap, row.unit)}"
                        + (f"（{compose.signed(g, '%')}）" if g is not None else "") + "です。")
                else:
                    lines.append(f"FY{c.fy} {row.name}: the FY{ref.target_fy} sheet expected {compose.num(value)} "
                                 f"{row.unit}; the FY{c.sheet.target_fy} sheet settled at {compose.num(c.value)} "
                                 f"{row.unit} ({compose.signed(gap)} {row.unit}).")
                break
        if not lines and ra.cells and not any(c.sheet.cost(c.fy, "予算") for c in ra.cells):
            # (a sheet printing the year's 予算 beside its 決算 is compared on it: _budget_against_settled)
            lines.append(f"{row.name}の見込みと決算を比べられる年度（前のシートに見込み、後のシートに決算がある年度）は、登録されているシートにありません。"
                         if q.lang == "ja" else f"No year of {row.name} has both an earlier sheet's forecast and a "
                         "later sheet's settled figure in the store.")
        return lines

    def sum_line(self, q: Query, ra: RowAnswer, values: list[Number | None], of: str = "") -> str:
        first, last = ra.cells[0], ra.cells[-1]
        if _CUMULATIVE.search(ra.row.name or ""):  # each year already holds the years before it
            return (f"{ra.row.name}は累計の値のため、年度を足し合わせた合計は出していません（{last.fy}年度の値がそれまでの累計です）。"
                    if q.lang == "ja" else f"{ra.row.name} is cumulative: its FY{last.fy} value already includes the "
                    "years before, so the years are not added up.")
        got = total(values)
        ra.facts.append(Fact(**_base(last, ra.project, ra.row), fy=last.fy,
                             field=f"{ra.row.key}_{of + '_' if of else ''}sum", value=got, computed=True))
        what_en = {"plan": " of the plans"}.get(of, "")
        what_ja = {"plan": "計画の"}.get(of, "")
        if q.lang == "en":
            return f"Total{what_en} for FY{first.fy}–FY{last.fy}: {compose.num(got)} {ra.row.unit}."
        return f"{first.fy}〜{last.fy}年度の{what_ja}合計は{compose.num(got, ra.row.unit)}です。"

    def mean_line(self, q: Query, ra: RowAnswer, values: list[Number | None], of: str = "") -> str:
        """The mean over the years answered, of the years that have a value (said when some have none)."""
        got = [v for v in values if v is not None]
        avg = mean(got)
        first, last = ra.cells[0], ra.cells[-1]
        ra.facts.append(Fact(**_base(last, ra.project, ra.row), fy=last.fy,
                             field=f"{ra.row.key}_{of + '_' if of else ''}average", value=avg, computed=True))
        short = len(got) < len(values)
        if q.lang == "en":
            return (f"Average{' of the plans' if of == 'plan' else ''} for FY{first.fy}–FY{last.fy}: "
                    f"{compose.num(avg)} {ra.row.unit} (the mean of the years{' with a value' if short else ''}).")
        return (f"{first.fy}〜{last.fy}年度の{'計画の' if of == 'plan' else ''}平均は{compose.num(avg, ra.row.unit)}です"
                f"（{'値のある' if short else '各'}年度の値の平均、小数第1位で四捨五入）。")

    def zero_lines(self, q: Query, desk: Desk, ra: RowAnswer, span: list[int]) -> None:
        """「国・県支出金がゼロの年度」: the years of the cost table where the row is empty or 0."""
        latest = desk.sheet(ra.project.latest.sheet_id)
        years = sorted({c.fy for ref in ra.project.refs for s in [desk.sheet(ref.sheet_id)] if s for c in s.costs})
        cells = {c.fy: c for c in ra.cells}
        for y in years:
            if y not in cells and (cell := self.cell(desk, ra.project, ra.row, y)) is not None:
                cells[y] = cell
        empty = [y for y in years if y not in cells or not cells[y].value]
        given = [cells[y] for y in years if y in cells and cells[y].value]
        for c in given:
            ra.facts.append(Fact(**_base(c, ra.project, ra.row), fy=c.fy, field=ra.row.key, value=c.value))
        for y in empty:
            ra.facts.append(Fact(sheet_id=latest.sheet_id if latest else ra.project.latest.sheet_id,
                                 project=ra.project.name, indicator=ra.row.name, row=ra.row.name, fy=y,
                                 field=ra.row.key, value=None, unit=ra.row.unit))
        if q.lang == "en":
            ra.lines.append(f"{ra.project.name}: {ra.row.name} is "
                            + (("empty (none) in " + ", ".join(f"FY{y}" for y in empty)) if empty else "given every year")
                            + "; " + "; ".join(f"FY{c.fy}: {compose.num(c.value)} {ra.row.unit}" for c in given) + ".")
            return
        ra.lines.append(f"{ra.project.name}の{ra.row.name}が記載なし（ゼロ）の年度は"
                        + "、".join(compose.year_ja(y) for y in empty) + "です。"
                        + ("記載があるのは" + "、".join(f"{compose.year_ja(c.fy)}の{compose.num(c.value, ra.row.unit)}"
                                                     for c in given) + "です。" if given else ""))

    def change_lines(self, q: Query, ra: RowAnswer, series: list[tuple[int, Number | None, Cell]]) -> list[str]:
        """The change across the years shown: first to last, with the % change (and the steps)."""
        lang = q.lang
        pts = [(fy, v, c) for fy, v, c in series if v is not None]
        if len(pts) < 2:
            return []
        (y0, v0, _), (y1, v1, c1) = pts[0], pts[-1]
        d, g = diff(v1, v0), growth(v1, v0)
        base = _base(c1, ra.project, ra.row)
        field_ = "change" if not ra.row.is_cost else f"{ra.row.key}_change"
        ra.facts.append(Fact(**base, fy=y1, field=field_, value=d, computed=True))
        if g is not None:
            ra.facts.append(Fact(**{**base, "unit": "%"}, fy=y1, field=f"{field_}_pct", value=g, computed=True))
        out = [compose.change_line(ra.row.name, y0, y1, d, g, ra.row.unit, lang, q.frame.direction)]
        if q.frame.has("multiple") and v0:  # 「何倍になった？」
            shown = times(v1, v0)
            if shown is not None:
                ra.facts.append(Fact(**{**base, "unit": "倍"}, fy=y1, field=f"{field_}_ratio", value=shown, computed=True))
                out.append(f"{year_ja_(y1, lang)}は{year_ja_(y0, lang)}の{compose.num(shown)}倍です。" if lang == "ja"
                           else f"FY{y1} is {compose.num(shown)} times FY{y0}.")
        if len(pts) > 2:  # each step too: 「R4からR6で」 is two steps
            steps = []
            for (a, va, _), (b, vb, cb) in zip(pts, pts[1:]):
                sd, sg = diff(vb, va), growth(vb, va)
                ra.facts.append(Fact(**_base(cb, ra.project, ra.row), fy=b, field=field_, value=sd, computed=True))
                if sg is not None:
                    ra.facts.append(Fact(**{**_base(cb, ra.project, ra.row), "unit": "%"}, fy=b, field=f"{field_}_pct",
                                         value=sg, computed=True))
                steps.append(compose.step(a, b, sd, sg, ra.row.unit, lang))
            out.append(("内訳：" if lang == "ja" else "Year by year: ") + ("、".join(steps) if lang == "ja"
                                                                         else "; ".join(steps)))
        return out


_PLACES = ("件", "か所", "箇所", "ヶ所", "施設", "所", "基")
_COUNTERS = {  # a question's counter → the row units that count the same kind of thing
    "人": ("人", "名", "人日"), "名": ("人", "名"), "回": ("回", "日"), "%": ("%", "％", "ポイント"), "割": ("%", "％"),
    "日": ("日",), "時間": ("時間",), "分": ("分",), "件": ("件", "手続", "通"),
    **{c: _PLACES for c in ("施設", "か所", "箇所")},
    "校": ("校",), "世帯": ("世帯", "戸"), "頭": ("頭",), "台": ("台",), "冊": ("冊",), "社": ("社", "事業所"),
    "団体": ("団体",), "本": ("本",), "枚": ("枚",), "基": ("基", "件", "台"), "部": ("部", "冊"),
    **{c: ("ha", "ヘクタール", "㎡", "m2", "平方メートル") for c in ("ha", "ヘクタール", "㎡", "平方メートル")},
    **{c: ("km", "m", "メートル") for c in ("km", "キロ", "メートル")}, "歳": ("歳",),
    **{c: ("t", "トン") for c in ("t", "トン")}, "kg": ("kg",),
}
_COUNTER = re.compile(r"何(人|名|件|回|施設|か所|箇所|校|世帯|頭|台|冊|社|団体|日|時間|分|%|割|本|枚|個|基|灯|戸|店|橋|ha|ヘクタール|㎡|平方メートル|トン|t(?![a-z])|kg"
                      r"|km|キロ|メートル|歳)|(?:how many|number of) "
                      r"(people|persons|participants|residents|times|sessions|cases|facilities|schools|households)")
_EN_COUNTER = {"people": "人", "persons": "人", "participants": "人", "residents": "人", "times": "回", "sessions": "回",
               "cases": "件", "facilities": "施設", "schools": "校", "households": "世帯"}
# "how many dementia supporters were trained": what is counted is the last noun of the phrase after
# "how many" — supporters are people, whatever trained them; "staff training sessions" are sessions
_EN_HEAD_COUNTER = {
    **dict.fromkeys(("supporters", "attendees", "users", "members", "volunteers", "visitors", "staff", "workers",
                     "students", "children", "kids", "seniors", "applicants", "recipients", "trainees", "aides",
                     "teachers", "farmers", "employees", "registrants", "patients", "guests", "tourists",
                     "pupils", "officers", "counselors", "counsellors", "helpers", "persons", "people",
                     "participants", "residents"), "人"),
    **dict.fromkeys(("sessions", "events", "courses", "classes", "seminars", "workshops", "meetings", "drills",
                     "lectures", "times", "tours", "patrols", "conventions", "conferences", "festivals",
                     "tournaments", "competitions", "exhibitions", "concerts", "campaigns"), "回"),
    "households": "世帯", "schools": "校",
    # (copies printed are 部, never the 回 of issues: "how many copies of the newsletter" is no 発行回数)
    **dict.fromkeys(("copies", "booklets", "leaflets", "flyers", "pamphlets", "brochures"), "部"),
    # lengths, areas and weights ("how many metres of road"): a row counted in 件 is no answer to them
    **dict.fromkeys(("metres", "meters", "kilometres", "kilometers", "km"), "km"),
    **dict.fromkeys(("hectares", "ha"), "ha"), **dict.fromkeys(("tons", "tonnes"), "t"),
}
_EN_HOW_MANY = re.compile(r"\bhow many ((?:[a-z][a-z\-]*(?:['’]s)? ){0,4}?[a-z][a-z\-]*)(?= (?:were|was|are|is|did|do|does|"
                          r"have|has|had|will|in|for|under|at|on|from|during|between|by|took|got|attended|came|joined)\b"
                          r"|[?,.]|$)")


def _counted_in(asked: re.Match[str]) -> str | None:
    """The unit a "how many" phrase counts in, by its noun: its last word that is no -ed/-ing form
    ("dementia supporters trained" → supporters → 人), before any "of" ("copies of the newsletter" → 部)."""
    words = asked.group(1).split(" of ")[0].split()  # "copies of the newsletter": copies are what is counted
    if "square" in words:  # "how many square metres"
        return "㎡"
    return _EN_HEAD_COUNTER.get(next((w for w in reversed(words) if not re.search(r"(?:ed|ing)$", w)), words[-1]))


_IN_YEN = re.compile(r"(?<!千)円で(言う|いう|表す|書く|教え|出し)|(?<!千)円単位|(?<!千)円換算|in yen")
IN_THOUSANDS = re.compile(r"千円で|千円単位|千円に|in thousands|thousand yen|thousands of yen")
# what a project provides (施設の導入, クラブの設置), not what people use
_SUPPLY = re.compile(r"導入|設置|整備|配置|開催|実施|作成|発行数")


# 「シートでの書きぶり」「どう書かれてる」: the sheet's own sentences are asked too
# 「…って書いてあるけど、表の数字で計算しても合う？」: what the text says of the row, beside the figures
_CHECKED = re.compile(r"(?:って|と)(?:書いて|書かれて)(?:ある|あり|い)[^。？?]{0,4}(?:けど|が)|合う[？?]|合ってる|合っている|合います|"
                      r"一致して|数字で見ると|表の数字|検算|does (?:it|that|this) (?:match|add up)|match the table|add up\?")
_WORDING = re.compile(r"書きぶり|書き方|書かれ方|書きよう|記載ぶり|文言|表現|どう書(いて|かれ)|どのように書|how (is it|it is) (worded|written|described)|wording")


def _split_between_rows(q: Query, inds: list[Row]) -> bool:
    """The noun asked and the word joined to it by の are each in a different row, and no row has
    both: 「配水管の耐震化率」 over 配水管更新延長 and 下水道管路の耐震化率 names neither of them."""
    if q.head is None or len(inds) < 2:
        return False
    taken = [*q.project_spans, *year_spans(q.frame.norm)]
    mods = [m for m in modifiers(q.reading, q.head) if not any(s < m.end and m.start < e for s, e in taken)
            and m.text not in lexicon().function_words and len(m.text) >= 2]
    if not mods:
        return False
    names = [r.name for r in inds]
    heads = {n for n in names if covered(q.head.text, [n])}
    # (a modifier's last word in a row qualifies it too: 「スポーツ大会の参加者数」 is 大会参加者数)
    lasts = [t[-1].surface for m in mods if (t := tokens(m.text, short=True)) and len(t[-1].surface) >= 2]
    qualified = {n for n in names if any(covered(m.text, [n]) for m in mods) or any(w in n for w in lasts)}
    return bool(heads) and bool(qualified) and not heads & qualified


def split_between_rows(q: Query, desk: Desk) -> str | None:
    """The decline's lead when the question's noun and its qualifier name two different rows of the
    project asked about (:func:`_split_between_rows`), or None."""
    for p in q.projects[:1]:
        latest = desk.sheet(p.latest.sheet_id)
        inds = indicator_rows(q, p, latest) if latest is not None else []
        if q.head is None or not _split_between_rows(q, inds):
            continue
        mods = modifiers(q.reading, q.head)
        end = q.head.end + (1 if q.frame.norm[q.head.end:q.head.end + 1] in ("率", "数", "額", "量") else 0)  # 耐震化|率
        start = mods[0].start if mods else q.head.start
        while (before := next((u for u in q.reading.units if u.end == start), None)) is not None:
            start = before.start  # 不法|投棄: the whole word written before
        asked = q.frame.norm[start:end]
        rows = "、".join(f"「{r.name}」" for r in inds)
        return (f"{p.name}のシートに「{asked}」という指標はありません（近い指標は{rows}です）。" if q.lang == "ja"
                else f"The sheet of {p.name} has no indicator 「{asked}」 (the nearest are {rows}).")
    return None


def _written_onto(q: Query, unit: Unit) -> Unit | None:
    """The word written right onto ``unit``, with no の between (アクティブ of アクティブユーザー数)."""
    before = [u for u in q.reading.units if u.end == unit.start]
    if before and re.fullmatch(r"[一-龥ァ-ヶー]{2,}", before[-1].text) and before[-1].text not in lexicon().function_words:
        return before[-1]
    return None


def _counted_before_plan(f: Frame) -> bool:
    """A count is asked in a clause of its own before the plan is: 「R5は何人で、目標は何人だったの？」."""
    starts = [h.span[0] for h in f.hits if h.group == "measure" and h.key == "plan"]
    return bool(starts) and any(m.end() <= min(starts) for m in _COUNTER.finditer(f.norm))


_PREMISE = re.compile(r"けど|けれど|のに|but\b|although")
_PLAN_TOO = re.compile(r"(計画|目標)(値)?も|と(計画|目標)(値)?|(計画|目標)(どおり|通り)|どうだった|どうなった|how did|"
                       r"[?？]\s*(?:その|で)?\s*(計画|目標)(値)?(?:は|って)|"  # 「…率は？計画は？」: the value, then its plan
                       r"as well as the plan|and the plan|"
                       r"and its plan|plan too")


def _by_meaning(q: Query, p: Project, latest: Sheet, dense: DenseNames | None) -> list[Row]:
    """An English question's row found by meaning (e5), when clearly the best."""
    f = q.frame
    if not (f.measures or asked_counter(f.norm) or re.search(r"how many|what was|what were", f.norm)):
        return []
    names = [i.name for i in latest.indicators if i.name]
    said = {m.name for m in said_in_english(q, p, latest)} if len(names) == 2 else set()
    name = row_by_meaning(q.frame, names, dense, said)
    return [indicator_row(i) for i in latest.indicators if name is not None and i.name == name]


def _main_costs(sheet: Sheet) -> list[Row]:
    """The project cost and the total of a sheet, under the labels it prints them with."""
    labels = printed_units(sheet)
    printed = [Row("printed", label, label, unit) for label, unit in labels.items()
               if field_of(label) in ("project_cost", "total_cost")]
    return printed or [cost_row("project_cost"), cost_row("total_cost")]


def _bare(q: Query) -> bool:
    """The question names nothing a row would have to be (「目標は達成できた？」), so every outcome
    indicator may answer it; 「アクティブユーザー数は？」 names something, and no row is it."""
    if q.unexplained:  # "the tax collection rate": something named that no word of the store explains
        return False
    fw = lexicon().function_words
    # a word of the project's name said again apart from it describes what is counted (「成年後見制度を
    # 実際に利用してる人の数」: 利用, 「窓口は何か所に導入した？」: 導入) — that is no bare question
    again = _project_words_again(q)
    if q.lang == "en" and (asked := _EN_HOW_MANY.search(q.frame.norm)) and _counted_in(asked) is None and any(
            q.explained.covers(*w.span()) for w in re.finditer(r"[a-z][a-z\-]+", asked.group(1))):
        return False  # "how many conventions were held": conventions name the project, and no row counts them
    return not any(u.noun and len(u.text) >= 2 and u.text not in fw and (
                       not q.explained.covers(u.start, u.end) or any(s <= u.start and u.end <= e for s, e in again))
                   and not re.match(r"[a-z0-9]", u.text)  # English words are linked by meaning, not here
                   and not _NOT_THIS_RE.match(q.frame.norm, u.end) for u in q.reading.units) \
        and not re.search(r"じゃなく|ではなく|でなく", q.frame.norm)


def _project_words_again(q: Query) -> list[tuple[int, int]]:
    """The project's words said apart from where the question names it (the first run of its words)."""
    end = naming_run(q)[1]
    return [(s, e) for s, e in sorted(q.project_spans) if s > end + 1]


_NOT_THIS_RE = re.compile(r"以外|じゃなく|ではなく|でなく")


_OF_PLAN = re.compile(r"計画|目標|達成|予定|見込|に対して|比べ|比較|比で|予算|plan|target|goal|budget")


def asked_counters(norm: str) -> list[str]:
    """Every unit a question counts in: 「何回開いて、何人参加した？」 → 回, 人."""
    first = asked_counter(norm)
    more = [m.group(1) or _EN_COUNTER.get(m.group(2) or "") for m in _COUNTER.finditer(norm)]
    more += [_counted_in(m) for m in _EN_HOW_MANY.finditer(norm)]
    return list(dict.fromkeys(c for c in [first, *more] if c))


def asked_counter(norm: str) -> str | None:
    """The unit a question counts in: 「何人」 → 人, "how many people" → 人, "completion rate" → %,
    「申請した人の数」「返納者数は」 → 人."""
    m = _COUNTER.search(norm)
    if not m:
        if _PEOPLE_COUNT.search(norm):
            return "人"
        if (asked := _EN_HOW_MANY.search(norm)) and (unit := _counted_in(asked)):
            return unit
        return "%" if _EN_RATE.search(norm) else None
    return m.group(1) or _EN_COUNTER.get(m.group(2) or "")


# 「返納者数は？」「申請した人の数」: people counted (a row in 回 or 件 is not them; 事業者 are firms)
_PEOPLE_COUNT = re.compile(r"(?:した|する|してる|している)人の?数|(?<!事業)(?<!業)者の?数(?:は|、|。|？|\?|$)|人数は")
# a rate the question names ("completion rate", "participation rate"), not the achievement of a plan
_EN_RATE = re.compile(r"\b(?!achievement\b|growth\b|change\b|what\b|which\b|the\b|a\b)[a-z]+ (?:rate|ratio|percentage)\b(?! of (?:the )?plan)")


def unit_fits(counter: str, unit: str | None) -> bool:
    return bool(unit) and any(u in (unit or "") for u in _COUNTERS.get(counter, (counter,)))


def year_ja_(fy: int, lang: str) -> str:
    return compose.year_ja(fy) if lang == "ja" else f"FY{fy}"


# the budget of the same year is what a figure is compared with (not 「2022決算〜2024予算」, a range)
_AGAINST_BUDGET = re.compile(r"執行率|予算比|予算と(?:比べ|比較)|予算に(?:比べ|対して)|"
                             r"\b(?:compared?|versus|vs\.?|against|(?:off|away|different|differ\w*|deviat\w*)\b.{0,20}?\bfrom)"
                             r" (?:with |to )?(?:the |that year's |its )?(?:(?:fy|h|r)?\d{1,4}(?:'s)? )?budget\b")
# 「予算に対して決算は何％」「予算と決算」「執行率」: a year's settled figure against its budget
_BUDGET_SETTLED = re.compile(r"予算.{0,12}(?:決算|実績)|(?:決算|実績).{0,12}予算|" + _AGAINST_BUDGET.pattern +
                             r"|\bbudget(?:ed)? (?:vs\.?|versus|against|and) "
                             r"(?:the )?(?:actual|settled|outturn)|\b(?:actual|settled|outturn) (?:vs\.?|versus|against) "
                             r"(?:the )?budget")


# whether a figure is there yet, not the figure: 「もう出てる？」「決まってる？」 "is there a plan yet?"
_ASKS_WHETHER = re.compile(r"出て(?:る|い|ます)|決まって|載って|書いて|設定(?:されて|して)|ある[？?か]|あります|"
                           r"\b(?:yet|already|is there|are there|is it set|are they set)\b")
# "how much illegally dumped waste was collected": how much of a thing, not money
_HOW_MUCH_OF = re.compile(r"\bhow much (?!(?:did|does|do|was|were|is|are|has|have|had|will|would|money|cost|costs|"
                          r"budget|funding|spending|spent|yen|of|in|for|it|they|we|the|this|that|more|less)\b)[a-z]")
_NEWEST = re.compile(r"最新|直近|latest|most recent|newest")
_BUDGET_WORD = re.compile(r"予算|\bbudget(?:ed|s)?\b")
# a gap asked, with nothing else: 「差額は？」「違いは？」 "how far off?"
_GAP = re.compile(r"差額|差は|差って|差を|違い|ずれ|ズレ|乖離|\b(?:difference|gap|off|differ\w*)\b")
_SETTLED_WORD = re.compile(r"決算|実績|\b(?:settled|settlement|actual|actually|spent|outturn)\b")


def _settled_against_budget(q: Query) -> bool:
    """A year's settled figure against its budget is asked: 「予算と決算」「執行率」 of one year, or
    「差額は？」 alone after a turn that gave the budget of a year (not 「前年からは？」, nor another row)."""
    f = q.frame
    if len(set(f.years)) >= 2:
        return False  # 「H29予算はH28予算と比べて」: two years' budgets, not one year's two figures
    return bool(_BUDGET_SETTLED.search(f.norm)) or (
        q.how == "focus" and q.focus is not None and q.focus.budget and f.has("change") and bool(_GAP.search(f.norm))
        and not (f.years or f.bare_years or f.relative or f.shift is not None or f.rows or q.scope_rows))


def _budget_only(f: Frame) -> bool:
    """The budget of a year is asked, not its settled figure nor both (「H29予算のフルコスト」; of two
    years, 「H29予算とH28予算の差」)."""
    return bool(_BUDGET_WORD.search(f.norm)) and not _SETTLED_WORD.search(f.norm) and (
        len(set(f.years)) >= 2 or not _BUDGET_SETTLED.search(f.norm))


def _budget_against_settled(q: Query, ra: RowAnswer, part: Part) -> list[str]:
    """A cost row of a sheet printing a year both as 予算 and as 決算 (another city's layout): both,
    and the settled figure as a share of the budget, each year asked."""
    if not ra.row.is_cost:
        return []
    lines = []
    for c in ra.cells:
        budget = _cost_value(c.sheet.cost(c.fy, "予算"), ra.row)
        settled = _cost_value(c.sheet.cost(c.fy, "決算"), ra.row)
        share = percent(settled, budget)
        if budget is None or settled is None or share is None:
            continue
        gap = diff(settled, budget)
        base = _base(c, ra.project, ra.row)
        part.facts += [Fact(**base, fy=c.fy, field="budget", value=budget),
                       Fact(**base, fy=c.fy, field="settled", value=settled),
                       Fact(**base, fy=c.fy, field="settled_minus_budget", value=gap, computed=True),
                       Fact(**{**base, "unit": "%"}, fy=c.fy, field="settled_of_budget", value=share, computed=True)]
        unit = ra.row.unit or ""
        lines.append(f"{ra.project.name}の{ra.row.name}は、{compose.year_ja(c.fy)}の予算{compose.num(budget)}{unit}に対して"
                     f"決算{compose.num(settled)}{unit}（差{compose.signed(gap, unit)}、予算比{compose.num(share)}%）です。"
                     if q.lang == "ja" else
                     f"{ra.project.name} — {ra.row.name}, FY{c.fy}: budget {compose.num(budget)} {unit}, settled "
                     f"{compose.num(settled)} {unit} ({compose.signed(gap)} {unit}; {compose.num(share)}% of the budget).")
    return lines


def _cost_value(cost: Cost | None, row: Row) -> Number | None:
    """A cost row's value in a year's cost table: a printed row by its label, a fixed one by its field."""
    if cost is None:
        return None
    if row.printed:
        printed = cost.row(row.key)
        return printed.value if printed is not None else None
    return getattr(cost, row.key, None)


def _base(c: Cell, p: Project, row: Row) -> dict[str, Any]:
    return dict(sheet_id=c.sheet.sheet_id, project=p.name, indicator=row.name,
                row=row.key if not row.is_cost else row.name, unit=row.unit)


def _same_thing(latest: Sheet, rows: list[Row], keep: Callable[[Indicator], bool], shared: int) -> list[Row]:
    """The indicators of ``latest`` that ``keep`` and that share a run of ``shared`` characters with one of
    the indicator ``rows``: the same thing counted another way (制度融資の融資額 → 制度融資の実行件数)."""
    return [indicator_row(i) for i in latest.indicators if i.name and keep(i)
            and any(len(common_run(i.name, r.name)) >= shared for r in rows if not r.is_cost)]


_TOTAL_NAMED = re.compile(r"総事業費|総コスト|総額|トータル|total cost|full cost|フルコスト")


def _bare_measure(head: str) -> bool:
    """The noun asked is a measure with at most a generic word before it (延長, 件数, 補助件数): the
    row it names is told apart only by what the question says of it."""
    m = MEASURE_END.search(head)
    if m is None:
        return False
    rest = head[:m.start()]
    for part in sorted(lexicon().generic_parts, key=len, reverse=True):
        rest = rest.replace(part, "")
    return not rest.strip()


def _spelled_head(q: Query, names: list[str]) -> bool:
    """The question's noun stands inside a staff phrase spelled out as a word of these rows
    (「使っていない市有財産」 → 未利用財産 of 未利用財産の売却額)."""
    h = q.head
    # (or begins there: 「粗大ごみの回収件数」, 粗大ごみの回収 spelled 粗大ごみの収集, and 件数 after it — with
    # no word of its own written onto it: アクティブ of 「アクティブユーザー数」)
    return h is not None and any(
        s <= h.start < e and (h.end <= e or q.frame.norm[e:h.end] in lexicon().function_words
                              and ((onto := _written_onto(q, h)) is None or s <= onto.start))
        and covered(full, names) for full, (s, e) in q.reading.spelled)


def _row_head(name: str, row: Row, lang: str) -> str:
    if row.printed:
        return f"{name}の{row.name}" if lang == "ja" else f"{name} — {row.name}"
    if row.is_cost:
        return f"{name}の{row.name}" if lang == "ja" else f"{name} — {compose.row_label(row.key, 'en')}"
    return f"{name}の{row.key}「{row.name}」" if lang == "ja" else f"{name} — {row.key} 「{row.name}」"


def _sentences_about(sheet: Sheet, row: Row, cap: int, marks: list[str] | None = None) -> list[Citation]:
    """Up to two sentences of the sheet's text that name this row — and, with ``marks``, one of
    those words too (a year the table lacks: 「…の2028年度の計画値は、次期実施計画の策定にあわせて
    設定する予定である」)."""
    if not row.name:
        return []
    out = []
    for s in sheet.sections:
        for sent in compose.sentences(s.text):
            flat = nfkc(sent)
            if row.name in flat and (marks is None or any(m in flat for m in marks)):
                out.append(Citation(sheet_id=sheet.sheet_id, project=sheet.project.name, section=s.label,
                                    quote=sent[:cap], key=s.key))
    return out[:2]


def _ended(ra: RowAnswer, years: list[int], lang: str) -> None:
    """Why a year after the last evaluation has no result: the project was stopped there
    (「休止」「廃止」「完了」), said beside the missing figure (a note: no figure of its own)."""
    p = ra.project
    last = p.latest
    if not years or last.secondary not in TERMINAL_RESULTS or max(years) <= (last.target_fy or 0):
        return
    ra.lines.append(f"（{p.name}は最新の評価の二次評価で「{last.secondary}」とされています。）"
                    if lang == "ja" else f"({p.name} was rated {last.secondary} in its latest evaluation.)")


def _narrower_line(label: str, row: Row, words: list[str], lang: str) -> str:
    """A row that counts everyone, asked for a part of them: said so, before its figure."""
    if lang == "en":
        return (f"The sheet of {label} has no figure for {' / '.join(words)} in particular. For reference, its"
                f" nearest indicator, {row.key} 「{row.name}」, counts all of them:")
    said = "・".join(f"「{w}」" for w in words)
    return (f"{label}のシートに{said}に限った数値はありません。参考までに、近い指標の{row.key}「{row.name}」は"
            f"{said}に限らない全体の数です。")


def _parts_asked_of(norm: str, name: str) -> bool:
    """「間接事業費って何に使ってるか内訳わかる？」: the breakdown asked is of the row ``name`` itself, not
    parts named between it and 内訳 (「事業費の直接・間接の内訳」)."""
    # (the name as a word of its own: 事業費 inside 総事業費 is the total, whose parts the table gives)
    said = re.search(rf"(?<![一-龥]){re.escape(name.lower())}", norm)
    end = norm.find("内訳", said.end()) if said else -1
    return said is not None and end >= 0 and not re.search(r"・|直接|間接|人件費|事業費|財源|と", norm[said.end():end])


def _no_parts(row: Row) -> bool:
    """A cost row the table gives no parts of: 事業費, or a layout's 直接事業費 and 間接事業費."""
    if row.printed:
        return field_of(row.name) in ("project_cost", None) and row.name.endswith("事業費") and not row.name.startswith("総")
    return row.key == "project_cost"


def _target_line(label: str, row: Row, did: str, lang: str) -> str:
    """A target population asked for those of it who did something: said so, before its figure."""
    if lang == "en":
        return (f"The sheet of {label} does not count those who {did}. For reference, its {row.key} 「{row.name}」"
                " counts everyone the project is for:")
    return (f"{label}のシートに「{did}」人に限った数はありません。参考までに、{row.key}「{row.name}」は"
            "事業の対象全体の数です。")


# being what the target is, where it lives or works, how the sheet counts it, narrows nothing
# (「対象となる市民」「市内に住む世帯」「シートに記載されている市職員」「集計している市職員」「登録している町内会」)
_BEING = frozenset({"なる", "成る", "ある", "有る", "在る", "いる", "居る", "住む", "暮らす", "該当", "対象", "所属", "在籍",
                    "勤務", "記載", "掲載", "想定", "集計", "存在", "登録", "住民登録", "在住", "居住", "含む", "含める",
                    "把握", "計上", "算出", "見込む", "予定"})
# English deeds some of a population did ("households actually received the subsidy", "employees who
# teleworked"), not what they are ("employees employed by the city", "worked at city hall")
_DID_EN = frozenset({"received", "used", "participated", "attended", "joined", "applied", "visited", "completed",
                     "teleworked", "enrolled", "consulted", "benefited", "benefitted", "adopted", "installed"})
_EN_DID = re.compile(r"\bhow many ((?:(?!(?:were|was|are|is|did|do|does|have|has|had|in|under|for|of)\b)"
                     r"[a-z\-']+\s+){1,4}?)(actually\s+|really\s+)?(?:have\s+|has\s+|had\s+)?"
                     r"(took part|did (?!(?:the|it|they|this|that|a|an|its|we|you|he|she)\b)[a-z]+|[a-z]{2,}ed)\b")


def done_by(q: Query, name: str) -> str | None:
    """What the question says those counted did, where the row it found (a target population, 市職員)
    counts them all: 「テレワークした市職員」 → テレワークした, "households actually received the subsidy" →
    received the subsidy. None when the question only counts them (「市職員は何人？」「対象となる市民」
    「シートに載っている市民」) or says what they are (「市内に住む」「勤めていた」)."""
    norm = q.frame.norm
    if q.lang == "en":
        m = _EN_DID.search(norm)
        if m is None or not (m.group(2) or m.group(3) in _DID_EN or m.group(3).startswith(("took part", "did "))):
            return None
        end = re.search(r"[?？.,]| in (?:fy|20\d\d)| under ", norm[m.end(3):])
        return norm[m.start(3):m.end(3) + (end.start() if end else 0)].strip()
    toks = tokens(norm)
    said = squash(name)
    for k, t in enumerate(toks):
        # the noun counted is the row's own word (市職員, 世帯): a 人 another verb describes is another
        # thing asked (「市民の数と、マイナポータルで申請した人の数」)
        if t.pos != "名詞" or len(t.surface) < 2 or squash(t.surface) not in said:
            continue
        j = k - 1  # back over た, てる, ている, てきた to the verb
        while j >= 1 and (toks[j].pos == "助動詞" or toks[j].surface in ("て", "で")
                          or toks[j].pos == "動詞" and toks[j - 1].surface in ("て", "で")):
            j -= 1
        if j < 1 or toks[j].pos != "動詞":
            continue
        # a deed has its thing: 「テレワークした」 (a noun done), 「支援を受けた」 (a noun and its particle) —
        # a verb alone says what they are (「勤めていた市職員」)
        if toks[j - 1].pos == "名詞" and toks[j].form in ("する", "為る"):
            start = j - 1
        elif j >= 2 and toks[j - 1].pos == "助詞" and toks[j - 1].surface in ("を", "に") and toks[j - 2].pos == "名詞" \
                and re.fullmatch(r"[一-龥ァ-ヶー]{2,}", toks[j - 2].surface):  # (not the year of 「R6に勤めていた」)
            start = j - 2
        else:
            continue
        if any(x.surface in _BEING or x.form in _BEING for x in toks[start:j + 1]):
            continue  # (「対象になってる市民」「シートに記載されている市職員」「住む世帯」: what they are)
        return "".join(x.surface for x in toks[start:k])
    return None


def nearest_rows(q: Query, latest: Sheet) -> list[Row]:
    """The rows a question names outright (all but a word or two of their names, or a cost row of
    the lexicon): for a decline, what the sheet does say beside what it does not (「キャッシュレス決済の
    利用件数の施設ごとの内訳」 → the row's totals). A row matched by a word or two is no such row."""
    out = [cost_row(k) for k in dict.fromkeys(q.frame.rows)]
    aside = set_aside(q)
    exact = [m for m in q.scope_rows if m.exact]

    def whole(m: Match) -> bool:  # 「オンライン申請のうち」 names オンライン申請件数 (its measure word aside)
        base = _MEASURE_TAIL.sub("", normalize(m.name))
        said = sum(b - a for a, b in m.parts)
        return bool(base) and said >= 0.8 * len(base) and not m.within(q.project_spans)

    for m in exact or [m for m in q.scope_rows if whole(m)]:
        ind = next((i for i in latest.indicators if i.name == m.name), None)
        if ind is not None and all(r.name != m.name for r in out):
            out.append(indicator_row(ind))
    # (a row in another measure than the one asked is no reference: 「回収量は何t？」 is not given in 件)
    counter = asked_counter(q.frame.norm)
    return [r for r in out if r.is_cost or r.name not in aside and (counter is None or unit_fits(counter, r.unit))][:3]


_BREAKDOWN_ASKED = re.compile(r"内訳|ごと|別に|別の|のうち|breakdown|broken down|\bby\b|\bof (?:them|those)\b")
_MEASURE_TAIL = re.compile(r"(の?(延べ)?(件数|人数|回数|者数|数|率|額|量))$")


_ASKS_ANY = re.compile(r"入って|入ってる|あった|ある[？?の]|ありますか|あります？|使って|計上|充当|含まれ|"
                       r"\bany\b|\bwas there\b|\bwere there\b|\bincluded\b|\buse[sd]?\b")


def _revenue_row(row: Row) -> bool:
    """A row of the cost table's 財源 (国・県支出金, 地方債 …), fixed or as another layout prints it."""
    return row.key in REVENUE_FIELDS or (row.printed and field_of(row.key) in REVENUE_FIELDS)


def _covered_years(p: Project, span: list[int]) -> list[Fact]:
    """The first and last years a line names as those the sheets cover: figures of the answer like any other."""
    return [Fact(sheet_id=p.latest.sheet_id, project=p.name, field="covered_year", value=y, fy=y, row="記載のある年度")
            for y in dict.fromkeys(span[:1] + span[-1:])]


def _missing_line(p: Project, row: Row, missing: list[int], span: list[int], lang: str) -> str:
    have = f"{span[0]}年度〜{span[-1]}年度" if span else ""
    asked = "・".join(f"{y}年度" for y in missing)
    if lang == "en":
        return (f"The sheets of {p.name} do not give {row.name} for {', '.join(f'FY{y}' for y in missing)}"
                + (f" (they cover FY{span[0]}–FY{span[-1]})." if span else "."))
    return f"{p.name}の{row.name}について、{asked}の値はシートにありません" + (f"（記載があるのは{have}）。" if have else "。")


def _warn(ra: RowAnswer, q: Query) -> None:
    """A sheet's own warning about this row goes with the figures it concerns (one about its
    中間・最終指標 only when those are asked)."""
    lang = q.lang
    seen = set()
    for c in ra.cells:
        # (another layout's label for the field: a note on 「フルコスト:」 is one on 総事業費)
        printed_as = {r.label for cc in c.sheet.costs for r in cc.rows if ra.row.is_cost and field_of(r.label) == ra.row.key}
        for w in c.sheet.warnings:
            if w in seen or ("中間指標" in w or "最終指標" in w) and not q.frame.has("milestone"):
                continue
            if ra.row.key in w or (ra.row.name and ra.row.name in w) or (ra.row.is_cost and ra.row.name in w) \
                    or any(w.startswith(f"{label}:") for label in printed_as):
                seen.add(w)
                ra.lines.append(("注意：" if lang == "ja" else "Note: ") + w)
                # the reader's own note is part of what the answer states
                ra.facts.append(Fact(sheet_id=c.sheet.sheet_id, project=ra.project.name, row=ra.row.key,
                                     indicator=ra.row.name, field="warning", value=w))


def _remaining(ra: RowAnswer, q: Query) -> list[str]:
    """How far the latest actual asked is from the plan asked (the same year's, or a later one's)."""
    done = [c for c in ra.cells if c.actual is not None]
    if not done:
        return []
    last = max(done, key=lambda c: c.fy)
    row, unit = ra.row, ra.row.unit
    final = None
    target_value: Number | None
    if q.frame.has("milestone") and (ind := find_indicator(last.sheet, row)) is not None:
        # 「最終指標まであとどれくらい？」: the way to the final target, not to a year's plan
        final = next((m for m in reversed(ind.milestones) if m.kind in ("final", "unknown")), None)
    if final is not None:
        target_value, target_fy, what = final.value, final.fy, ("最終指標" if q.lang == "ja" else "final target")
    else:
        goal = max((c for c in ra.cells if c.plan is not None and c.fy >= last.fy), key=lambda c: c.fy, default=None)
        if goal is None:
            return []
        target_value, target_fy, what = goal.plan, goal.fy, ("計画" if q.lang == "ja" else "plan")
    gap = diff(target_value, last.actual)
    if gap is None:
        return []
    ra.facts.append(Fact(**_base(last, ra.project, row), fy=target_fy, field="remaining", value=gap, computed=True))
    when_ja = f"{compose.year_ja(target_fy)}の" if target_fy else ""
    plan = f"{when_ja}{what}{compose.num(target_value, unit)}" if q.lang == "ja" else \
        f"the {('FY' + str(target_fy) + ' ') if target_fy else ''}{what} ({compose.num(target_value)} {unit})"
    actual = f"{compose.year_ja(last.fy)}の実績{compose.num(last.actual, unit)}" if q.lang == "ja" else \
        f"the FY{last.fy} actual ({compose.num(last.actual)} {unit})"
    keep_down = lower_is_better(row.name)
    if (gap > 0) != keep_down and gap != 0:
        return [f"{plan}まで、{actual}からあと{compose.num(abs(gap), unit)}です。" if q.lang == "ja"
                else f"From {actual} to {plan}: {compose.num(abs(gap))} {unit} to go."]
    return [f"{actual}は、すでに{plan}に達しています（差{compose.signed(-gap, unit)}）。" if q.lang == "ja"
            else f"{actual} already meets {plan} (difference {compose.signed(-gap)} {unit})."]


def _best_year(ra: RowAnswer, q: Query) -> list[str]:
    lowest = q.frame.has("min")
    vals = [(v, c.fy) for c in ra.cells for v in [c.actual if not ra.row.is_cost else c.value]
            if v is not None and not c.planned]
    if not vals:
        return []
    v, fy = (min if lowest else max)(vals)
    return [compose.best_year(ra.row.name, fy, v, ra.row.unit, lowest, q.lang)]


def _missed_years(ra: RowAnswer, q: Query) -> list[str]:
    side = q.frame.plan_side or "under"
    if side == "exact":
        years = [c.fy for c in ra.cells if c.actual is not None and c.actual == c.plan]
    else:
        years = [c.fy for c in ra.cells
                 if (m := met(c.actual, c.plan, ra.row.name)) is not None and (m is not (side == "under"))]
    return [compose.missed_years(ra.row.name, years, side, q.lang)]


# 「事業費は人件費の何倍？」「事業費と人件費の比率」 "the ratio of project cost to personnel cost": one row over
# another within a year
_TIMES = re.compile(r"何倍|\bhow many times\b|\bmultiple of\b")
_RATIO_WORD = re.compile(r"比率|\bratio\b")
# 「総事業費に占める人件費の比率」「総事業費に対する一般財源の比率」: a part's share of its whole, not a ratio
_OF_WHOLE = re.compile(r"占め|に対する|のうち|割合|\bshare\b|\bof the total\b|\bpercentage\b")
# 「前年度の何倍」 "than the year before": a year over another, not a row over another
# a year as the base (「前年度の何倍」「前年度比」 "than the year before"), not the year asked (「前年度の事業費」)
_OVER_A_YEAR = re.compile(r"(?:前年度?|前の年|昨年度?|去年)\s*(?:比|から|と比べ|と比較|に比べ|より|の何倍|に対し)|"
                          r"\b(?:than|over|from|since|compared (?:with|to)|versus|vs\.?|against|relative to)\s+(?:the\s+)?"
                          r"(?:previous year|year before|last year|prior year)")
# the row the other is measured against: 「人件費の何倍」「人件費に対して」 "than the personnel cost"
_BASE_ROW_AFTER = re.compile(r"\s*(?:の何倍|に対して|に対する|に比べ|と比べ|より|比)")


def _between_rows(q: Query) -> bool:
    """Two cost rows of one project asked as one over the other, in a year (not a range of years, nor
    against another year)."""
    keys = {h.key for h in q.frame.hits if h.group == "row"}
    if len(keys) != 2 or len(q.projects) > 1 or q.frame.year_range or len(set(q.frame.years)) > 1 \
            or q.frame.change_base or _OVER_A_YEAR.search(q.frame.norm):  # (「前年度の」 is the year, 「前年度比」 a change)
        return False
    return bool(_TIMES.search(q.frame.norm)) or bool(_RATIO_WORD.search(q.frame.norm)) and "total_cost" not in keys \
        and not _OF_WHOLE.search(q.frame.norm)


def _row_order(q: Query) -> list[str]:
    """The two rows, the one measured first and its base second: 「XはYの何倍」「Yに対してXは」 "X than Y" —
    the base is the row followed by の何倍/に対して/より or preceded by "than"; "how many times the Y was
    the X" and "the ratio of X to Y" (no such word) name the base second, except after "times"."""
    hits = [h for h in q.frame.hits if h.group == "row"]
    keys = list(dict.fromkeys(h.key for h in hits))
    if len(keys) != 2:
        return keys
    norm = q.frame.norm
    based = [h.key for h in hits if _BASE_ROW_AFTER.match(norm, h.end) or re.search(r"\bthan\s+(?:the\s+|its\s+)?$", norm[:h.start])]
    if based:
        return [k for k in keys if k != based[0]] + [based[0]]
    first = next(h for h in hits if h.key == keys[0])
    if re.search(r"\btimes\s+(?:the\s+|its\s+)?$", norm[:first.start]):
        return keys[::-1]  # "how many times the personnel cost was the project cost": the first is the base
    return keys


def _rows_ratio(answers: list[RowAnswer], q: Query, part: Part) -> list[str]:
    """Each year both rows hold: one row over its base (:func:`_row_order`)."""
    order = _row_order(q)
    by_key = {ra.row.key: ra for ra in answers if ra.row.kind == "cost"}
    if len(order) != 2 or not all(k in by_key for k in order):
        return []
    top, bottom = by_key[order[0]], by_key[order[1]]
    below = {c.fy: c.value for c in bottom.cells if c.value is not None}
    out = []
    for c in top.cells:
        x = times(c.value, below.get(c.fy)) if c.value is not None else None
        if x is None:
            continue
        part.facts.append(Fact(**{**_base(c, top.project, top.row), "unit": "倍"}, fy=c.fy, field="rows_ratio", value=x,
                               computed=True))
        name_top, name_bottom = (top.row.name, bottom.row.name) if q.lang == "ja" else (
            compose.row_label(top.row.key, "en"), compose.row_label(bottom.row.key, "en"))
        out.append(f"{compose.year_ja(c.fy)}の{name_top}は{name_bottom}の{compose.num(x)}倍です。" if q.lang == "ja"
                   else f"In FY{c.fy}, the {name_top} is {compose.num(x)} times the {name_bottom}.")
    return out


def _sum_across(answers: list[RowAnswer], part: Part, lang: str) -> list[str]:
    """「借家料と借地料の補助を合わせると」「2事業の人件費を合わせると」: one year, several rows of one unit."""
    years = sorted({c.fy for ra in answers for c in ra.cells})
    out = []
    for fy in years:
        cells = [(ra, c) for ra in answers for c in ra.cells if c.fy == fy]
        units = {ra.row.unit for ra, _ in cells}
        if len(cells) < 2 or len(units) != 1:
            continue
        values = [c.value if ra.row.is_cost else c.actual for ra, c in cells]
        got = total(values)
        if got is None:
            continue
        unit = units.pop()
        part.facts.append(Fact(sheet_id="*", field="sum", fy=fy, value=got, unit=unit, computed=True, row="合計"))
        names = "・".join(dict.fromkeys(f"{ra.label or ra.project.name}の{ra.row.name}" if len({a.project.key for a, _ in cells}) > 1
                                        else ra.row.name for ra, _ in cells))
        out.append(f"{compose.year_ja(fy)}の{names}の合計は{compose.num(got, unit)}です。" if lang == "ja"
                   else f"FY{fy} total: {compose.num(got)} {unit}.")
    return out


# 「内訳を足すと事業費と合う？」: the items the cost analysis lists, summed against the row
_ITEMS_CHECK = re.compile(r"内訳.{0,12}(足す|足し|合計|合算|合わせ)|(足す|合計する|合算する)と.{0,10}(合う|一致)|"
                          r"items? (add|sum) up|do the (listed )?items (add|sum)")
_ITEM_LINE = re.compile(r"・\s*([^・\n]{1,40}?)\s*([\d,]+)\s*千円")


def _items_against_row(q: Query, ra: RowAnswer, part: Part) -> list[str]:
    """The items 「・X 291千円」 the sheet's cost analysis lists for its year, their sum, and whether it
    is the row's figure (a 「主な内訳」 need not add up: the answer says which)."""
    from assistant.answer import Citation

    cell = ra.cells[-1]
    sheet = cell.sheet
    section = next((s for s in sheet.sections if s.key == "cost_analysis"), None)
    found = list(_ITEM_LINE.finditer(section.text)) if section is not None else []
    items = [(m.group(1).strip(), int(m.group(2).replace(",", ""))) for m in found]
    if section is None or not items or cell.value is None:
        return [f"{sheet.target_fy}年度実施分のシートに{ra.row.name}の内訳の記載はありません。" if q.lang == "ja"
                else f"The FY{sheet.target_fy} sheet lists no items of {ra.row.name}."]
    total = sum(v for _, v in items)
    part.citations.append(Citation(sheet_id=sheet.sheet_id, project=ra.project.name, section=section.label,
                                   quote="\n".join(m.group(0) for m in found), key="cost_analysis"))
    base = dict(sheet_id=sheet.sheet_id, project=ra.project.name, indicator=f"{ra.row.name}の内訳の合計", row="内訳の合計",
                fy=cell.fy, unit="千円", computed=True)
    part.facts.append(Fact(**base, field="items_sum", value=total))
    gap = cell.value - total
    if gap:
        part.facts.append(Fact(**{**base, "row": "差"}, field="items_gap", value=gap))
    if q.lang == "ja":
        head = f"{sheet.target_fy}年度実施分のシートの内訳{len(items)}項目（" + "、".join(f"{n} {compose.num(v, '千円')}" for n, v in items) \
            + f"）の合計は{compose.num(total, '千円')}で、"
        tail = f"{ra.row.name}{compose.num(cell.value, '千円')}と一致します。" if not gap else \
            f"{ra.row.name}{compose.num(cell.value, '千円')}とは一致しません（差{compose.num(gap, '千円')}。シートが挙げるのは主な内訳です）。"
        return [head + tail]
    return [f"The FY{sheet.target_fy} sheet's {len(items)} items sum to {compose.num(total)} 千円, "
            + ("equal to " if not gap else f"not equal to (gap {compose.num(gap)} 千円) ") + f"{ra.row.name} {compose.num(cell.value)} 千円."]


def _itemised(desk: Desk, projects: list[Project], row: str) -> bool:
    """A cost analysis of the projects' sheets lists the thing ``row`` counts as an item with its amount
    (「住宅取得補助件数」: 「住宅取得補助金 5,097千円」)."""
    core = re.sub(r"の$", "", MEASURE_END.sub("", re.sub(r"(?:件数|数|回数|人数|箇所数|か所数)$", "", row)))
    if len(core) < 2:
        return False
    item = re.compile(rf"{re.escape(core[:6])}[^。\n]{{0,12}}?\d[\d,]*\s*千?円")
    return any(item.search(s.text) for p in projects for ref in p.refs if (sheet := desk.sheet(ref.sheet_id))
               for s in sheet.sections if s.key == "cost_analysis")


def _kind_not_set(q: Query, p: Project, sheet: Sheet, part: Part) -> list[str]:
    """A kind of indicator the sheet sets none of: so, and what its text says of it (「成果指標は設定して
    いないが、…」)."""
    from assistant.answer import Citation

    label = KIND_LABELS.get(q.frame.kind or "", "指標")
    no = q.frame.kind_no if q.frame.kind != "target" else None
    if no is not None and 0 < no <= len(CIRCLED):  # a number past those set: which ones it sets
        its = [f"{CIRCLED[i.no - 1]}「{i.name}」" for i in sheet.indicators if i.kind == q.frame.kind and 0 < i.no <= len(CIRCLED)]
        lines = [(f"{p.name}（{sheet.target_fy}年度実施分）のシートに{label}{CIRCLED[no - 1]}はありません。"
                  + (f"設定されている{label}は{'、'.join(its)}です。" if its else f"{label}は設定されていません。"))
                 if q.lang == "ja" else
                 f"{p.name} (FY{sheet.target_fy}) has no {q.frame.kind} indicator no. {no}"
                 + (f"; it sets {', '.join(its)}." if its else ".")]
    else:
        lines = [f"{p.name}（{sheet.target_fy}年度実施分）のシートには{label}が設定されていません。" if q.lang == "ja" else
                 f"{p.name} (FY{sheet.target_fy}) sets no {q.frame.kind} indicator."]
    part.facts.append(Fact(sheet_id=sheet.sheet_id, project=p.name, field="target_fy", value=sheet.target_fy,
                           fy=sheet.target_fy, row="評価対象年度", unit="年度"))
    for s in sheet.sections:
        for sentence in compose.sentences(s.text):
            if label in sentence:
                c = Citation(sheet_id=sheet.sheet_id, project=p.name, section=s.label, quote=sentence, key=s.key)
                part.citations.append(c)
                lines.append(compose.quote_line(c, q.lang))
    return lines[:3]


def _rates_in_order(answers: list[RowAnswer], q: Query) -> list[str]:
    """One project's indicators by their achievement rate in the year asked, highest first (lowest
    first when that is asked): the rates the lines above state, in order."""
    rates = [(x.value, x.indicator or x.row or "") for ra in answers for x in ra.facts
             if x.field == "rate" and isinstance(x.value, int | float)]
    if len({fy for ra in answers for c in ra.cells for fy in [c.fy]}) > 1 or len(rates) < 2:
        return []
    rates.sort(key=lambda r: r[0], reverse=not q.frame.has("min"))
    order = "低い" if q.frame.has("min") else "高い"
    if q.lang == "ja":
        return [f"達成率の{order}順：" + "、".join(f"「{name}」{compose.num(v, '%')}" for v, name in rates)]
    return [f"By achievement rate ({'lowest' if q.frame.has('min') else 'highest'} first): "
            + "; ".join(f"{name} {compose.num(v)}%" for v, name in rates)]


def _comparison(answers: list[RowAnswer], q: Query, part: Part) -> list[str]:
    """Two or more projects with the same row: which is larger, year by year; of two, how many
    times the other and by how much, when that is asked (「R5の総事業費は何倍違う？」)."""
    lang = q.lang
    by_row: dict[str, list[RowAnswer]] = {}
    for ra in answers:
        by_row.setdefault(ra.row.key if ra.row.is_cost else ra.row.name, []).append(ra)
    out = []
    several = sum(1 for g in by_row.values() if len({ra.project.key for ra in g}) >= 2) > 1
    for group in by_row.values():
        if len({ra.project.key for ra in group}) < 2:
            continue
        row = group[0].row  # (said when several rows are compared: which row each line is about)
        of = "" if not several else (f"（{row.name}）" if lang == "ja" else
                                     f" ({compose.row_label(row.key, 'en') if row.kind == 'cost' else row.name})")
        last: list[tuple[Number, str, int]] = []
        for ra in group:
            vals = [(v, c.fy) for c in ra.cells for v in [c.value if ra.row.is_cost else c.actual] if v is not None]
            if vals:
                v, fy = vals[-1]
                last.append((v, ra.project.name, fy))
        if len(last) >= 2 and len({fy for _, _, fy in last}) == 1 and len({v for v, _, _ in last}) == 1:
            out.append(f"{last[0][2]}年度{of}はどちらも同じ{compose.num(last[0][0], row.unit)}です。" if lang == "ja"
                       else f"In FY{last[0][2]}{of}, both are the same: {compose.num(last[0][0])} {row.unit}.")  # no larger one
        elif len(last) >= 2 and len({fy for _, _, fy in last}) == 1:
            top = max(last)
            out.append(f"{last[0][2]}年度{of}は{top[1]}の方が大きくなっています。" if lang == "ja"
                       else f"In FY{last[0][2]}{of}, {top[1]} is the larger.")
            if len(last) == 2:  # of two, by how much (and how many times, when asked)
                (big, big_name, fy), (small, small_name, _) = sorted(last, key=lambda x: x[0], reverse=True)
                ra = group[0]
                base = dict(sheet_id="*", project=None, indicator=ra.row.name, row=ra.row.key if ra.row.is_cost else None,
                            fy=fy, computed=True)
                if q.frame.has("multiple") and (x := times(big, small)) is not None:
                    part.facts.append(Fact(**base, field="projects_ratio", value=x, unit="倍"))
                    out.append(f"{big_name}は{small_name}の{compose.num(x)}倍です。" if lang == "ja"
                               else f"{big_name} is {compose.num(x)} times {small_name}.")
                if (d := diff(big, small)) is not None:
                    gap = compose.diff_unit(ra.row.unit) if ra.row.unit else ra.row.unit  # rates differ by points
                    part.facts.append(Fact(**base, field="projects_diff", value=d, unit=gap))
                    out.append(f"差{of}は{compose.num(d, gap)}です。" if lang == "ja"
                               else f"The difference{of} is {compose.num(d)} {compose.diff_unit(ra.row.unit or '', 'en')}."
                               .replace(" .", "."))
    return out


__all__ = ["FigureKind", "evaluated_year", "split_between_rows"]
