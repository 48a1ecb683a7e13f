"""Evaluation results and scores: 一次評価 and 二次評価 of one project, of several, or of every
project in scope as a list (「3事業の評価結果を一覧に」); a past year's result from the sheet that
evaluated it or from the 実計区分・評価結果 line of a later sheet."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer import Fact
from assistant.kinds.base import Desk, Part, read_years, sheet_for
from assistant.kinds.rows import AMOUNT_ASKED, COUNT_ASKED
from assistant.query import Project, Query, projects_of
from ingest.model import Sheet
from ingest.templates.generic import NAME as GENERIC
from ingest.vocabulary import SCORE_ITEMS, SCORE_ITEMS_EN, STAGE_LABELS, TERMINAL_RESULTS

MAX_LISTED = 40


def _year(q: Query, p: Project) -> int | None:
    """The evaluated year asked: named, relative, the conversation's (「一次評価は？」 after a turn
    about FY2024 is FY2024's), else None for the latest."""
    if _THAT_SHEET.search(q.frame.norm) and q.focus is not None and not (q.frame.years or q.frame.relative):
        # "What's the 評価結果 on that sheet?" after its budget for next year: the sheet talked about
        # evaluates its own year, not the year last asked (when the turn was about one sheet of it)
        refs = [r for r in p.refs if r.sheet_id in q.focus.sheet_ids]
        if len(refs) == 1:
            return refs[0].target_fy
    years = read_years(q, p)
    if not (years.said and years.years):
        return None
    if not (q.frame.years or q.frame.bare_years or q.frame.relative) and years.years[-1] > max(
            (r.target_fy or 0) for r in p.refs):
        return None  # the conversation's year is a budget no sheet evaluates yet: its latest evaluation
    # 「今年度の評価」 is the evaluation written this year, of the year before's work
    return years.years[-1] - 1 if years.relative else years.years[-1]


_THAT_SHEET = re.compile(r"(?:その|この|同じ)シート|\b(?:that|this|the same) sheet\b")
_FUTURE = re.compile(r"今後|どうなる|方針|方向|続け|続く|存続|来年|次年度|翌年度|future|continue|going forward|next year")


_STAGES_COMPARED = re.compile(r"食い違|違い|違う|違っ|異な|一致|同じ|ズレ|ずれ|割れ|differ|disagree|agree|match|same")
_BECAME = re.compile(r"どうなった|どうなりました|結局どう|what happened to|what became of")



# 「前の年から変わった？」 "did it change from the previous year": a result set beside the year before's
_CHANGED = re.compile(r"変わ|変化|違う|違い|違っ|同じ|\bchanged?\b(?! for)|\bdiffer|\bsame\b")  # ("what changes did it call for")
_FROM_BEFORE = re.compile(r"前の年|前年|去年|昨年|前回|前の評価|previous|last year|prior year|year before|the year earlier")


# 「どこの自治体のシート？」 "which city's sheet is it": the city, beside who runs it
_WHICH_CITY = re.compile(r"自治体|どこの市|どの市|市町村|どこの町|which (?:city|town|municipality)|what (?:city|town|municipality)|"
                         r"(?:city|town|municipality) (?:is it|does it belong)")


def score_items(norm: str) -> list[int]:
    """The scored items a question names (効率性, "fairness" …), by their place in SCORE_ITEMS."""
    return [i for i, item in enumerate(SCORE_ITEMS) if item in norm or (item == "規模・方法の妥当性" and "妥当性" in norm)
            or re.search(rf"\b{SCORE_ITEMS_EN[i].split()[0][:6]}", norm)]

class EvaluationKind:
    name = "evaluation"

    def fit(self, q: Query) -> float:
        f = q.frame
        if "scores" in f.evals or f.stages and _score_asked(f.norm) is not None:
            return 0.9
        if (q.projects or q.candidates) and _BECAME.search(f.norm) and not (
                f.rows or f.money or f.kind or f.sections or f.measures or q.scope_rows or q.head_rows or f.has("why")):
            return 0.8  # 「プラの事業って結局どうなったの？」: what its latest evaluation decided
        if f.results and (q.projects or q.candidates) and _FUTURE.search(f.norm) and not f.has("why"):
            return 0.9  # 「今後も続くの？」: the latest evaluation's result, not the 今後周辺環境 section
        if f.evals:
            return 0.82
        if f.stages and not f.sections and not f.has("why"):
            return 0.7
        if f.results and (q.projects or q.candidates) and not f.has("why"):
            return 0.6
        # (or after the reason for it: 「R6の評価は？」「理由は？」「R7は？」)
        if q.how == "focus" and q.focus is not None and (q.focus.intent == "evaluation" or q.focus.intent == "why"
                                                         and not q.focus.rows) and (
                f.years or f.shift is not None or f.relative) and not (
                f.rows or f.money or f.kind or f.sections or f.measures or q.head_rows or q.scope_rows or f.has("why")
                or COUNT_ASKED.search(f.norm) or AMOUNT_ASKED.search(f.norm)):
            # (「その前の年は？」 after 「R6の二次評価は？」: the evaluation of that year — "how many people were
            # screened in 2024?" asks a figure, no evaluation)
            return 0.7
        return 0.0

    def answer(self, q: Query, desk: Desk) -> Part | None:
        f = q.frame
        projects = q.projects or q.candidates
        if len(projects) == 1 and ("history" in f.evals or re.search(
                r"履歴|推移|これまで|過去|歴代|毎年|年度ごと|ずっと|いつも|毎回|変わらず|一貫|history|over the years|each year|always|every year", f.norm)):
            return self.history(q, desk, projects[0])
        if not projects:  # 「評価結果を一覧に」: every project in scope
            refs = [r for r in desk.catalog.sheets if q.org_ids is None or r.sheet_id in set(q.org_ids)]
            projects = projects_of(desk.catalog, refs)
        projects = projects[:MAX_LISTED]
        part = Part(text="", intent="evaluation")
        lines = []
        unscored = False  # a year only a later sheet's 実計区分・評価結果 line reports: no scores anywhere
        # 「来年度も続けるの？」 is decided by the latest evaluation; 「来年度の評価は？」 is not written yet
        future = bool(_FUTURE.search(f.norm)) and not re.search(r"評価|evaluat|rating|なりそう|見込み|予想|likely", f.norm)
        if len(projects) == 1 and {"primary", "secondary"} <= set(f.stages) and _STAGES_COMPARED.search(f.norm) \
                and not re.search(r"(違う|異なる|違っていた)なら|if (they|it) differ", f.norm) \
                and "scores" not in f.evals and _score_asked(f.norm) is None and not f.has("why") and not f.years \
                and not f.sections:
            return self.stages_apart(q, desk, projects[0])
        if len(projects) == 1 and len(set(f.years)) + len(f.bare_years) >= 2 and not f.relative:
            return self.years(q, desk, projects[0], sorted(set(read_years(q, projects[0]).years)))
        if len(projects) == 1 and _CHANGED.search(f.norm) and _FROM_BEFORE.search(f.norm) and len(set(f.years)) <= 1:
            # 「評価結果って前の年から変わった？」: the year asked (the latest, where the year said is the one
            # before — 「去年と比べて」) beside the year before it, and whether the result changed
            p = projects[0]
            year = p.latest.target_fy if f.relative or not f.years else _year(q, p)
            if year is not None:
                return self.years(q, desk, p, [year - 1, year])
        for p in projects:
            year = _year(q, p)
            if future and year is not None and p.latest.target_fy is not None and year > p.latest.target_fy:
                # 「来年度も続けるの？」: what happens next is what the latest evaluation decided
                year = None
            unscored |= year is not None and sheet_for(p, year).target_fy != year
            line, facts = self.one(q, desk, p, year)
            if line:
                lines.append(("・" if len(projects) > 1 else "") + line)
                part.facts += facts
        if not lines:
            return None
        if len(projects) == 1 and (future or _BECAME.search(f.norm)):
            self.future(q, desk, projects[0], part, lines)
        elif len(projects) == 1 and part.facts and not (f.evals and set(f.evals) <= {"scores"}) and not f.results \
                and _score_asked(f.norm) is None and not unscored:  # (a past year's result: its comment is on no sheet)
            # 「R7の評価は？」「縮小になったポイントを」: the result, and what its comment concludes
            stage = "primary" if f.stages == ["primary"] else "secondary"
            self.conclusion(q, desk, projects[0], part.facts[0].sheet_id, part, lines, stage)
        ending = [r for r in f.results if r in TERMINAL_RESULTS]
        not_said = len(projects) == 1 and future and bool(ending) and not (
            {projects[0].latest.primary, projects[0].latest.secondary} & set(ending))
        if not_said:
            # 「来年度は廃止になる？」 where the latest evaluation says 縮小: the sheets do not say so
            asked = "・".join(ending)
            lines.insert(0, f"シートには、{projects[0].name}を{asked}とする記載はありません。最新の評価は次のとおりです。"
                         if q.lang == "ja" else f"The sheets do not say {projects[0].name} will be {asked}. "
                         "The latest evaluation:")
        if len(projects) == 1 and f.results and not not_said and _ASKED_BACK.search(f.norm):
            lines += _other_result(q, desk, projects[0], part)  # 「え、拡充じゃなかったっけ？」
        if len(projects) > 1:
            lead = (f"{len(projects)}事業の評価結果です。" if q.lang == "ja" else f"Evaluation results of {len(projects)} projects:")
            lines.insert(0, lead)
            part.facts.append(Fact(sheet_id="*", field="count", value=len(projects), unit="件", computed=True,
                                   row="事業の数"))
        part.text = "\n".join(lines)
        part.sheet_ids = list(dict.fromkeys(x.sheet_id for x in part.facts)) or [p.latest.sheet_id for p in projects]
        part.answerable = (any(x.field in ("result", "score", "department", "section") for x in part.facts)
                           or len(projects) > 1) and not not_said
        if unscored and ("scores" in f.evals or _score_asked(f.norm) is not None) \
                and not any(x.field == "score" for x in part.facts):
            # 「R3の評点は？」: a past year's result is printed on a later sheet, its scores nowhere
            part.answerable = False
            part.text += ("\nその年度の評点（規模・方法の妥当性・公平性・効率性・活動指標・成果指標）は、登録されているシートにはありません。"
                          if q.lang == "ja" else "\nThe scores for that year are not on any sheet in the store.")
        return part

    def years(self, q: Query, desk: Desk, p: Project, years: list[int]) -> Part:
        """「R5実施分とR6実施分で一次評価の結果って変わった？」: each year's results, and whether they changed."""
        part = Part(text="", intent="evaluation")
        lines = []
        for y in years:
            line, facts = self.one(q, desk, p, y)
            if line:
                lines.append(line)
                part.facts += facts
        stages = q.frame.stages or ["primary", "secondary"]  # (each stage shown: whether its result changed)
        verdicts = []
        for stage in stages:
            got = [x.value for x in part.facts if x.field == "result" and x.row == STAGE_LABELS.get(stage)]
            if len(got) == len(years) >= 2:
                verdicts.append(_changed_line(f"{STAGE_LABELS[stage]}の結果", f"The {stage} result", got, q.lang))
        by_year = {x.fy: x.value for x in part.facts if x.field == "result"}  # (the last stage a year shows)
        if not verdicts and len(by_year) == len(years) >= 2:
            # a year only a later sheet's 実計区分・評価結果 line reports: its result, against the other's
            verdicts.append(_changed_line("評価結果", "The result", [by_year[y] for y in years], q.lang))
        lines += verdicts
        part.text = "\n".join(lines)
        part.sheet_ids = list(dict.fromkeys(x.sheet_id for x in part.facts))
        part.answerable = any(x.field == "result" for x in part.facts)
        return part

    def stages_apart(self, q: Query, desk: Desk, p: Project) -> Part | None:
        """「一次と二次の結果が食い違ってる年は？」: each evaluated year's two results, and where they differ."""
        part = Part(text="", intent="evaluation")
        apart: list[int] = []
        lines = []
        for ref in sorted(p.refs, key=lambda r: r.target_fy or 0):
            sheet = desk.sheet(ref.sheet_id)
            if sheet is None or sheet.target_fy is None:
                continue
            got = {e.stage: e.result for e in sheet.evaluations if e.result}
            if not {"primary", "secondary"} <= set(got):
                continue
            y = sheet.target_fy
            part.facts += [Fact(sheet_id=sheet.sheet_id, project=p.name, row=STAGE_LABELS[st], indicator=STAGE_LABELS[st],
                                fy=y, field="result", value=got[st]) for st in ("primary", "secondary")]
            if got["primary"] != got["secondary"]:
                apart.append(y)
            lines.append(f"{y}年度：一次評価「{got['primary']}」、二次評価「{got['secondary']}」" if q.lang == "ja" else
                         f"FY{y}: primary {got['primary']}, secondary {got['secondary']}")
        if not lines:
            return None
        if q.lang == "ja":
            lead = (f"{p.name}で一次評価と二次評価の結果が異なるのは" + "、".join(f"{y}年度" for y in apart) + "です。"
                    if apart else f"{p.name}では、シートのある年度はどれも一次評価と二次評価の結果が同じです。")
        else:
            lead = (f"{p.name}: the primary and secondary results differ in " + ", ".join(f"FY{y}" for y in apart) + "."
                    if apart else f"{p.name}: the primary and secondary results agree in every year with a sheet.")
        part.text = "\n".join([lead, *lines])
        part.sheet_ids = list(dict.fromkeys(x.sheet_id for x in part.facts))
        part.answerable = True
        return part

    def one(self, q: Query, desk: Desk, p: Project, year: int | None) -> tuple[str, list[Fact]]:
        text, facts = self.results_of(q, desk, p, year)
        if "org" in q.frame.evals and q.frame.evals != ["org"] and (sheet := desk.sheet(sheet_for(p, year).sheet_id)):
            # "Who is in charge of …, and what's its evaluation?": who runs it, then the results asked
            org_text, org_facts = self.org(p, sheet, q.lang, city=bool(_WHICH_CITY.search(q.frame.norm)))
            return "\n".join(x for x in (org_text, text) if x), org_facts + facts
        return text, facts

    def results_of(self, q: Query, desk: Desk, p: Project, year: int | None) -> tuple[str, list[Fact]]:
        ref = sheet_for(p, year)
        sheet = desk.sheet(ref.sheet_id)
        if sheet is None:
            return "", []
        lang = q.lang
        name = desk.catalog.display_name(ref)  # (with its city where another city has a namesake)
        if q.frame.evals == ["org"]:
            return self.org(p, sheet, lang, city=bool(_WHICH_CITY.search(q.frame.norm)))
        if year is not None and sheet.target_fy != year:
            past = self.past(q, desk, p, year)
            if past:
                return past
            latest = p.latest
            text = (f"{name}の{year}年度実施分の評価はシートにありません（最新は{latest.target_fy}年度実施分：一次評価"
                    f"「{latest.primary or '―'}」、二次評価「{latest.secondary or '―'}」）。" if lang == "ja" else
                    f"No sheet of {p.name} evaluates FY{year} (the latest is FY{latest.target_fy}: primary "
                    f"{latest.primary or '-'}, secondary {latest.secondary or '-'}).")
            return text, []
        stages = q.frame.stages or ["primary", "secondary"]
        facts: list[Fact] = []
        bits: list[str] = []
        for e in sheet.evaluations:
            if e.stage not in stages:
                continue
            label = STAGE_LABELS[e.stage]
            if e.result:
                facts.append(Fact(sheet_id=sheet.sheet_id, project=p.name, row=label, indicator=f"{label}の評価結果",
                                  fy=sheet.target_fy, field="result", value=e.result))
                bits.append(f"{label}「{e.result}」" if lang == "ja" else
                            f"{'primary' if e.stage == 'primary' else 'secondary'} evaluation: {e.result}")
            if e.scores and ("scores" in q.frame.evals or q.frame.stages and not q.frame.evals
                             or _score_asked(q.frame.norm) is not None):
                scores = [s for s in e.scores]
                items = score_items(q.frame.norm)
                wanted = _score_asked(q.frame.norm)
                if wanted is not None:  # 「満点の項目は？」 "which criteria got a full 5?"
                    hit = [SCORE_ITEMS[i] if lang == "ja" else SCORE_ITEMS_EN[i]
                           for i, v in enumerate(scores) if v == wanted]
                    for i, v in enumerate(scores):
                        if v == wanted:
                            facts.append(Fact(sheet_id=sheet.sheet_id, project=p.name, row=f"{label} {SCORE_ITEMS[i]}",
                                              indicator=SCORE_ITEMS[i], fy=sheet.target_fy, field="score", value=v,
                                              unit="点"))
                    bits.append((f"{label}で{wanted}点の項目は" + ("、".join(hit) if hit else "ありません")) if lang == "ja"
                                else f"{e.stage} evaluation items scored {wanted}: " + (", ".join(hit) if hit else "none"))
                    continue
                if items:  # 「効率性は何点？」: that item only
                    for i in items:
                        if scores[i] is not None:
                            facts.append(Fact(sheet_id=sheet.sheet_id, project=p.name, row=f"{label} {SCORE_ITEMS[i]}",
                                              indicator=SCORE_ITEMS[i], fy=sheet.target_fy, field="score",
                                              value=scores[i], unit="点"))
                            bits.append(f"{label}の{SCORE_ITEMS[i]}は{scores[i]}点" if lang == "ja"
                                        else f"{SCORE_ITEMS_EN[i]} ({e.stage}): {scores[i]}")
                    continue
                for item, s in zip(SCORE_ITEMS, scores):
                    if s is not None:
                        facts.append(Fact(sheet_id=sheet.sheet_id, project=p.name, row=f"{label} {item}",
                                          indicator=item, fy=sheet.target_fy, field="score", value=s, unit="点"))
                shown = "・".join("―" if s is None else str(s) for s in scores)
                bits.append(f"{label}の評点（{'・'.join(SCORE_ITEMS)}）は{shown}" if lang == "ja" else
                            f"scores ({', '.join(SCORE_ITEMS_EN)}): {shown}")
                given = [v for v in scores if v is not None]
                if q.frame.has("sum") and given:  # 「評点を合計すると？」
                    facts.append(Fact(sheet_id=sheet.sheet_id, project=p.name, row=f"{label} 評点の合計", fy=sheet.target_fy,
                                      field="score_total", value=sum(given), unit="点", computed=True))
                    bits.append(f"{label}の評点の合計は{sum(given)}点（{len(given)}項目）" if lang == "ja" else
                                f"{e.stage} scores total {sum(given)} ({len(given)} items)")
        when = f"（{sheet.target_fy}年度実施分）" if sheet.target_fy else ""
        if sheet.target_fy:
            facts.append(Fact(sheet_id=sheet.sheet_id, project=p.name, field="target_fy", value=sheet.target_fy,
                              fy=sheet.target_fy, row="評価対象年度", unit="年度"))
        one = [e.result for e in sheet.evaluations if e.result]
        if not bits and sheet.template == GENERIC and len(one) == 1:
            # another city's layout printing one 評価結果, not split into 一次・二次: the stage asked is not
            # given (no result fact: a decline), and the one it prints is said
            if lang == "en":
                return (f"{name}{f' (FY{sheet.target_fy})' if sheet.target_fy else ''}: the sheet gives no stage of "
                        f"that name; it prints one evaluation result, {one[0]}, not split into primary and secondary."), facts
            return (f"{name}{when}のシートにその段階の評価はありません。評価結果は「{one[0]}」のみで、"
                    "一次評価・二次評価の区別はありません。"), facts
        if not bits:
            if lang == "en":
                return f"{name}{f' (FY{sheet.target_fy})' if sheet.target_fy else ''}: the sheet gives no evaluation result.", facts
            return f"{name}{when}：シートに評価結果の記載はありません。", facts
        if lang == "en":
            return f"{name}{f' (FY{sheet.target_fy})' if sheet.target_fy else ''}: " + "; ".join(bits) + ".", facts
        return f"{name}{when}の評価は、" + "、".join(bits) + "です。", facts

    def history(self, q: Query, desk: Desk, p: Project) -> Part | None:
        """Every year's result the project's sheets print: each sheet's own 二次評価 and the
        実計区分・評価結果 line of past years."""
        years = results_by_year(desk, p)
        wanted = set(q.frame.years) if q.frame.year_range is False and q.frame.years else set()
        if q.frame.year_range and len(q.frame.years) >= 2:
            wanted = set(range(q.frame.years[0], q.frame.years[-1] + 1))
        shown = sorted(y for y in years if not wanted or y in wanted)
        if not shown:
            return None
        facts = [Fact(sheet_id=years[y][2], project=p.name, row="評価結果", indicator="評価結果", fy=y, field="result",
                      value=years[y][0]) for y in shown]
        for y in shown:
            if years[y][1]:
                facts.append(Fact(sheet_id=years[y][2], project=p.name, row="実計区分", indicator="実計区分", fy=y,
                                  field="plan_category", value=years[y][1]))
        if q.lang == "en":
            text = f"{p.name}, results by year: " + "; ".join(
                f"FY{y}: {years[y][0]}" + (f" (plan category {years[y][1]})" if years[y][1] else "") for y in shown) + "."
        else:
            text = f"{p.name}の年度ごとの評価結果：" + "、".join(
                f"{y}年度「{years[y][0]}」" + (f"（実計区分「{years[y][1]}」）" if years[y][1] else "") for y in shown) + "。"
        # 「実計区分が『新規』の年度は？」「縮小になった年は？」: the years with that category or result
        asked = _asked_value(q.frame.norm, {v for y in shown for v in years[y][:2] if v})
        if asked is not None and q.frame.asks_years:
            hits = [y for y in shown if asked in years[y][:2]]
            which = "実計区分" if any(years[y][1] == asked for y in hits) else "評価結果"
            lead = (f"{p.name}で{which}が「{asked}」の年度は" + ("、".join(f"{y}年度" for y in hits) + "です。" if hits
                                                              else "ありません。") if q.lang == "ja" else
                    f"{p.name}: years with {asked}: " + (", ".join(f"FY{y}" for y in hits) if hits else "none") + ".")
            text = lead + "\n" + text
        return Part(text=text, facts=facts, sheet_ids=list(dict.fromkeys(x.sheet_id for x in facts)), intent="evaluation")

    def future(self, q: Query, desk: Desk, p: Project, part: Part, lines: list[str]) -> None:
        """「この事業って今後どうなるの？」: the result, and what the latest comment concludes."""
        self.conclusion(q, desk, p, p.latest.sheet_id, part, lines)

    def conclusion(self, q: Query, desk: Desk, p: Project, sheet_id: str, part: Part, lines: list[str],
                   stage: str = "secondary") -> None:
        """What the comment of ``stage`` (else the other) on that sheet concludes, quoted: the why of a result."""
        from assistant import compose
        from assistant.answer import Citation

        sheet = desk.sheet(sheet_id)
        if sheet is None:
            return
        keys = ("primary_comment", "secondary_comment") if stage == "primary" else ("secondary_comment", "primary_comment")
        comment = next((s for k in keys for s in sheet.sections if s.key == k), None)
        if comment is None:
            return
        sents = compose.sentences(comment.text)
        quote = "".join(sents[-2:]) if len(sents) >= 2 else comment.text
        if quote not in comment.text:
            quote = sents[-1] if sents else comment.text
        c = Citation(sheet_id=sheet.sheet_id, project=p.name, section=comment.label, quote=quote, key=comment.key)
        part.citations.append(c)
        lines.append(compose.quote_line(c, q.lang))

    def org(self, p: Project, sheet: Sheet, lang: str, city: bool = False) -> tuple[str, list[Fact]]:
        """Who runs the project: its 部局 and 課 as the sheet prints them (and its city, when asked:
        「どこの自治体のシート？」)."""
        pr = sheet.project
        facts = [Fact(sheet_id=sheet.sheet_id, project=p.name, field=f, value=getattr(pr, f),
                      row="担当課" if f == "section" else "部局") for f in ("department", "section") if getattr(pr, f)]
        who = " ".join(str(x.value) for x in facts)
        place = sheet.municipality if city else None
        if place:
            facts.insert(0, Fact(sheet_id=sheet.sheet_id, project=p.name, field="municipality", value=place, row="自治体"))
            if not who:
                return (f"{p.name}は{place}のシートです（担当部局の記載はありません）。" if lang == "ja"
                        else f"{p.name} is a sheet of {place} (it does not name its department)."), facts
            return (f"{p.name}は{place}のシートで、担当は{who}です。" if lang == "ja"
                    else f"{p.name} is a sheet of {place}, run by {who}."), facts
        if not who:
            return (f"{p.name}のシートに担当部局の記載はありません。" if lang == "ja"
                    else f"The sheet of {p.name} does not name its department."), []
        return (f"{p.name}の担当は{who}です。" if lang == "ja" else f"{p.name} is run by {who}."), facts

    def past(self, q: Query, desk: Desk, p: Project, year: int) -> tuple[str, list[Fact]] | None:
        """A year no sheet evaluates: the result a later sheet prints for it (実計区分・評価結果)."""
        for ref in sorted(p.refs, key=lambda r: -(r.target_fy or 0)):
            sheet: Sheet | None = desk.sheet(ref.sheet_id)
            if sheet is None:
                continue
            pr = next((x for x in sheet.past_results if x.fy == year and x.result), None)
            if pr is not None:
                facts = [Fact(sheet_id=sheet.sheet_id, project=p.name, row="評価結果", indicator="評価結果（過去の年度）",
                              fy=year, field="result", value=pr.result),
                         Fact(sheet_id=sheet.sheet_id, project=p.name, field="target_fy", value=sheet.target_fy,
                              fy=sheet.target_fy, row="評価対象年度", unit="年度")]  # the sheet it is read from
                if q.lang == "en":
                    return f"{p.name}: the evaluation of FY{year} was {pr.result} (as printed on the FY{sheet.target_fy} sheet).", facts
                return (f"{p.name}の{year}年度実施分の評価結果は「{pr.result}」です"
                        f"（{sheet.target_fy}年度実施分のシートの実計区分・評価結果欄より）。", facts)
        return None


def _asked_value(norm: str, values: set[str]) -> str | None:
    """A result or plan category the question names (「新規」「縮小」), among those the sheets print."""
    found = [v for v in values if v in norm]
    return max(found, key=len) if len(found) == 1 else None


_SCORE_ASKED = re.compile(r"満点|(?<!\d)([1-5])\s*点[^。?？、]{0,8}?(?:項目|もの|どれ|どこ)|full (?:marks|score|5)"
                          r"|(?:score|scored|got|get|gave|given)\s+(?:a |an )?(?:full )?([1-5])\b|\b([1-5])s?\b(?= (?:points|out of 5))")


def _score_asked(norm: str) -> int | None:
    """The score a question picks items by: 「満点」 and "a full 5" are 5, 「2点の項目」 is 2."""
    m = _SCORE_ASKED.search(norm)
    if m is None:
        return None
    digit = next((g for g in m.groups() if g), None)
    return int(digit) if digit else 5


# 「拡充じゃなかったっけ？」 "wasn't it rated …?": a result the user remembers, to be checked
_ASKED_BACK = re.compile(r"じゃなかった|ではなかった|じゃなかっ|だったっけ|だったよね|だよね|でしたっけ|のはず|"
                         r"\b(?:wasn't|weren't|isn't|didn't)\b|\bi thought\b")


def _changed_line(what_ja: str, what_en: str, got: Sequence[object], lang: str) -> str:
    """Whether a result stayed the same over the years shown (「二次評価の結果は縮小→継続と変わりました。」)."""
    if len(set(got)) == 1:
        return f"{what_ja}は変わっていません（{got[0]}）。" if lang == "ja" else f"{what_en} did not change ({got[0]})."
    steps_ja, steps_en = "→".join(map(str, got)), " → ".join(map(str, got))
    return f"{what_ja}は{steps_ja}と変わりました。" if lang == "ja" else f"{what_en} changed: {steps_en}."


def results_by_year(desk: Desk, p: Project) -> dict[int, tuple[str, str | None, str]]:
    """Every year's result the project's sheets print — each sheet's own 二次評価 and the 実計区分・評価結果
    line of past years: fy → (result, plan category, sheet id)."""
    years: dict[int, tuple[str, str | None, str]] = {}
    for ref in sorted(p.refs, key=lambda r: r.target_fy or 0):
        sheet = desk.sheet(ref.sheet_id)
        if sheet is None:
            continue
        for pr in sheet.past_results:
            if pr.result:
                years[pr.fy] = (pr.result, pr.plan_category, sheet.sheet_id)
        second = next((e.result for e in sheet.evaluations if e.stage == "secondary" and e.result), None)
        if second and sheet.target_fy is not None:
            years[sheet.target_fy] = (second, years.get(sheet.target_fy, ("", None, ""))[1], sheet.sheet_id)
    return years


def _other_result(q: Query, desk: Desk, p: Project, part: Part) -> list[str]:
    """The result the question remembers, where the evaluation shown says another: which of the
    project's years did give it (its sheets or their 実計区分・評価結果 line), or that none did."""
    shown = {str(x.value) for x in part.facts if x.field == "result"}
    by_year = results_by_year(desk, p)
    lines = []
    for result in q.frame.results:
        if result in shown:
            continue
        years = sorted(y for y, (r, _, _) in by_year.items() if r == result)
        planned = sorted(y for y, (_, c, _) in by_year.items() if c == result)  # 実計区分, easily taken for one
        if q.lang == "ja":
            lines.append(f"「{result}」ではありません。" + (
                "「" + result + "」とされたのは" + "・".join(f"{y}年度実施分" for y in years) + "の評価です。" if years
                else f"登録されているシートに評価結果が「{result}」とされた年度はありません。") + (
                "（実計区分が「" + result + "」なのは" + "・".join(f"{y}年度" for y in planned) + "です）" if planned else ""))
        else:
            lines.append(f"Not 「{result}」. " + (
                f"「{result}」 was the result for " + ", ".join(f"FY{y}" for y in years) + "." if years
                else f"No sheet in the store gives 「{result}」 as an evaluation result.") + (
                f" (The plan category was 「{result}」 in " + ", ".join(f"FY{y}" for y in planned) + ".)" if planned else ""))
        part.facts += [Fact(sheet_id=by_year[y][2], project=p.name, row="実計区分", indicator="実計区分", fy=y,
                            field="plan_category", value=result) for y in planned]
        part.facts += [Fact(sheet_id=by_year[y][2], project=p.name, row="評価結果", indicator="評価結果", fy=y,
                            field="result", value=result) for y in years]
    return lines
