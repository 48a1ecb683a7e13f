"""What the sheet says in words: a section looked up (課題, 住民の要望, 背景, 今後, カイゼン策 …),
summarised (the sentences that cover it best, the asked section only), or the reason for a
change, a shortfall or an evaluation result (the reason sentences of the analysis that names
the row). Quotes are verbatim; a section the reader placed by position says so."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant import compose
from assistant.answer import Citation, Fact
from assistant.figures import evaluation_facts
from assistant.kinds.base import Desk, Part, read_years, sheet_for
from assistant.kinds.rows import cost_rows, indicator_rows, rows_holding
from assistant.lexicon import lexicon
from assistant.measures import lower_is_better
from assistant.query import Project, Query, counted_project_words, naming_run, projects_of
from assistant.understand import NEWEST_SHEET, Frame
from ingest.model import SECTION_LABELS, Indicator, Section, Sheet

ISSUE_SECTIONS = ("current", "outlook", "resident_needs", "activity_analysis", "outcome_analysis", "kaizen",
                  "background", "cost_analysis", "secondary_comment", "primary_comment")
COMMENTS = ("primary_comment", "secondary_comment")
SUMMARY_DEFAULT = ("purpose", "means")
R7_TEMPLATE = "koriyama-r7"  # the layout with every section box (背景, 現状, 住民意向 …)
MAX_PROJECTS = 3
WHOLE_SECTION = 900  # a kaizen plan up to this long is quoted whole: every step and its dates


_ORIGIN = re.compile(r"始ま|始め|きっかけ|発端|成り立ち|開始時|\b(?:start|started|begin|began|origin|origins|set up|launched|"
                     r"established|came about)\b")


class ProseKind:
    name = "prose"

    @staticmethod
    def years_asked(q: Query, p: Project) -> list[int | None]:
        """The sheets' years a text is read from: each year named (「R6実施分とR7実施分のコメント」,
        up to three), else the one the question is about."""
        years = read_years(q, p).years
        if not q.frame.years and q.frame.sections == ["background"] and _ORIGIN.search(q.frame.norm) and p.refs \
                and not NEWEST_SHEET.search(q.frame.norm):
            # 「始まった背景」 "how did it start": each year rewrites the 背景; the earliest sheet is nearest the start
            return [min(r.target_fy or 0 for r in p.refs) or None]
        named = [y for y in years if y in q.frame.years] if q.frame.years else []
        if len(q.frame.years) + len(q.frame.bare_years) >= 2 and not q.frame.year_range and years:
            return list(years[-3:])
        return [named[-1] if named else years[-1] if years else None]

    def fit(self, q: Query) -> float:
        f = q.frame
        if f.sections:
            return 0.85
        if f.has("why"):
            return 0.75
        focus_cost = bool(q.focus and any(r in ("project_cost", "total_cost") for r in q.focus.rows) and not f.rows)
        if f.has("breakdown") and (("project_cost" in f.rows or f.money) and "total_cost" not in f.rows or focus_cost):
            return 0.55
        if f.has("summary") and not (f.rows or f.money or f.measures or f.kind) and (
                not f.evals or f.evals == ["result"]):
            return 0.6  # 「評価を要約して」: the results (evaluation) and what the comments say (here)
        return 0.0

    def answer(self, q: Query, desk: Desk) -> Part | None:
        projects = q.projects or q.candidates
        if len(projects) > 1 and q.frame.results:
            # 「休止のやつ、…」 among the projects under discussion: the ones rated so
            rated = [x for x in projects if any((r.primary in q.frame.results or r.secondary in q.frame.results)
                                                 for r in x.refs)]
            projects = rated or projects
        projects = projects[:MAX_PROJECTS]
        part = Part(text="", intent=self.intent(q))
        lines: list[str] = []
        for p, year in [(x, y) for x in projects for y in self.years_asked(q, x)]:
            ref = sheet_for(p, year)
            sheet = desk.sheet(ref.sheet_id)
            if sheet is None:
                continue
            asked = year if year in q.frame.years or q.frame.bare_years else None
            written = next((r for r in p.refs if r.evaluation_fy == asked and r.target_fy != asked), None) \
                if asked is not None and sheet.target_fy != asked and not any(r.target_fy == asked for r in p.refs) else None
            if written is not None and (ws := desk.sheet(written.sheet_id)) is not None:
                # 「令和7年度のシート」 where no sheet evaluates 2025: the sheet written in 令和7年度 (its title
                # year), which evaluates 2024 — said so in the answer's lead, which names the year evaluated
                sheet, asked = ws, None
            if asked is not None and sheet.target_fy != asked and not q.frame.has("why") and not _prints_the_year(q, sheet, asked):
                # 「令和3年度の二次評価コメント」 with no sheet evaluating 2021: another year's text is no answer
                part.answerable = False
                part.sheet_ids.append(sheet.sheet_id)
                lines.append(f"{p.name}の{asked}年度実施分のシートは登録されていません（登録があるのは"
                             + "・".join(f"{r.target_fy}年度" for r in p.refs) + "実施分）。" if q.lang == "ja" else
                             f"No sheet of {p.name} evaluates FY{asked} (the store holds "
                             + ", ".join(f"FY{r.target_fy}" for r in p.refs) + ").")
                continue
            if len(projects) == 1 and (premise := self.false_premise(q, p, sheet)) is not None:
                # 「R7で廃止になったと聞きました。廃止の理由は？」 where the sheet says 継続: no such reason
                part.answerable = False
                part.sheet_ids.append(sheet.sheet_id)
                part.facts += premise[1]
                lines.append(premise[0])
                continue
            if q.frame.has("why") and ("change" in q.frame.measures or q.frame.direction) and year is not None \
                    and sheet.target_fy is not None and year > sheet.target_fy and not (q.frame.evals or q.frame.results):
                # 「R7の人件費はなんで減るの？」 read from the R6 sheet: its analysis explains the change to
                # 2024, not the budget after it — no reason is given for that one
                continue
            cites, note = self.quotes(q, desk, p, sheet)
            if not cites:
                continue
            part.citations += cites
            part.sheet_ids.append(sheet.sheet_id)
            # (a sentence read from another of the project's sheets — the year it began — cites that sheet too)
            part.sheet_ids += [c.sheet_id for c in cites if c.sheet_id not in part.sheet_ids]
            if note in ("no_reason", "no_items", "other_stage"):
                # (「一次評価コメントは？」 of a sheet whose one comment box is read as the 二次: shown, not
                # given as the comment asked)
                part.answerable = False
            if note == "nearest" and not q.frame.has("summary") and not (
                    q.frame.sections == ["background"] and sheet.template != R7_TEMPLATE):
                # the section asked is not on this sheet: what is near it is no answer (but a layout
                # with no 背景 box writes the background into its 目的, which is quoted as such)
                part.answerable = False
            if sheet.target_fy:  # the year the answer names: a fact like any figure it states
                part.facts.append(Fact(sheet_id=sheet.sheet_id, project=p.name, field="target_fy",
                                       value=sheet.target_fy, fy=sheet.target_fy, row="評価対象年度", unit="年度"))
            lines.append(_lead(p, sheet, cites, q, note))
            lines += [compose.quote_line(c, q.lang) for c in cites]
            if self.whole_sheet(q):
                lines += self.verdict_lines(q, p, sheet, part)
            if self.whole_sheet(q, evaluation=True):
                lines += self.cost_line(q, p, sheet, part)  # a sheet in three lines says what it cost
        if not part.citations and lines:
            part.text = "\n".join(lines)
            return part
        if not part.citations:
            if q.frame.has("why") and projects:
                p = projects[0]
                part.answerable = False
                part.sheet_ids = [p.latest.sheet_id]
                part.text = (f"{p.name}のシートには、その理由についての記載がありません。" if q.lang == "ja"
                             else f"The sheet of {p.name} gives no reason for it.")
                return part
            return None
        f = q.frame
        if (f.verdict or f.has("verdict")) and not f.has("why", "summary") and not (f.rows or f.kind) \
                and "analysis" not in f.sections \
                and _ASKS_OUTCOME.search(f.norm) and not _ASKS_AIM.search(f.norm):
            # 「カイゼン策の699手続き、結局達成できたの？」: a plan in the text has no result beside it
            part.answerable = False
            lines.insert(0, "シートの文章には、達成できたかどうかの記載はありません。書かれている内容は次のとおりです。"
                         if q.lang == "ja" else "The sheet's text does not say whether it was achieved. It says:")
        elif _COUNT.search(f.norm) and not (f.rows or f.money or f.kind or f.has("why", "summary")) \
                and not _counts_asked(q, [c.quote for c in part.citations]):
            # 「新しく農業を始めた人は何人？」 answered by the 背景 section: a count the text does not give
            part.answerable = False
            lines.insert(0, "シートに、お尋ねの数（人数・件数など）の記載はありません。関連する記述は次のとおりです。"
                         if q.lang == "ja" else "The sheet gives no such count. Related text:")
        part.text = "\n".join(lines)
        return part

    def topic(self, q: Query, desk: Desk, word: str) -> Part | None:
        """Sentences that mention ``word`` (a thing no row of the sheet is): what the sheet says of
        it. A figure asked of it is not answerable — the sheet has no such row."""
        projects = q.projects[:MAX_PROJECTS] or q.candidates[:MAX_PROJECTS]
        part = Part(text="", intent="prose")
        lines = []
        f = q.frame
        asks_figure = _asks_figure(f)
        for p in projects:
            # the sheet of the year asked: a cost breakdown (「・鑑定評価手数料 304千円」) is its year's
            sheet = desk.sheet(sheet_for(p, f.years[-1]).sheet_id if f.years else p.latest.sheet_id)
            if sheet is None:
                continue
            fw = lexicon().function_words
            words = {u.text for u in q.reading.units if u.noun and len(u.text) >= 2 and u.text not in fw
                     and not q.explained.covers(u.start, u.end)} | {word}
            # the word as typed, or as the glossary says sheets write it (ミッション → 使命)
            spelled = [word, *([full.lower()] if (full := lexicon().shorthand.get(word)) else [])]
            found = [(s, sent) for s in sheet.sections for sent in compose.sentences(s.text)
                     if any(w in sent.lower() for w in words) or any(_says(x, sent) for x in spelled)]
            if not any(_says(x, sent) for _, sent in found for x in spelled):
                found = []
            if not found:
                continue
            # the sentences that share most of the question's words (and give amounts) first
            found.sort(key=lambda x: (-sum(1 for w in words if w in x[1]),
                                      -bool(re.search(r"\d[\d,]*\s*(千円|円|件|人|回|施設|%)", x[1]))))
            part.sheet_ids.append(sheet.sheet_id)
            for s, sent in found[:3]:
                part.citations.append(Citation(sheet_id=sheet.sheet_id, project=sheet.project.name, section=s.label,
                                               quote=sent[:desk.settings.max_quote_chars * 2], key=s.key))
            measured = _measured_row(q, sheet, word) if asks_figure else None
            if measured is not None and q.lang == "ja":  # 「集積された農地の面積」: the row asked, not in that measure
                lines.append(f"{p.name}のシートに、「{measured.name}」を{word}で表した数値はありません（この指標は"
                             f"{measured.unit or '割合など'}で示されています）。文中には次の記述があります。")
            elif measured is not None:
                lines.append(f"The sheet of {p.name} does not give 「{measured.name}」 as {word} (it is given in "
                             f"{measured.unit}); its text says:")
            elif q.lang == "ja":
                lines.append(f"{p.name}のシートに「{word}」の数値（指標や金額の行）はありません。文中には次の記述があります。"
                             if asks_figure else f"{p.name}のシートでは、「{word}」について次のように書かれています。")
            else:
                lines.append(f"The sheet of {p.name} has no figure for 「{word}」; its text says:" if asks_figure
                             else f"The sheet of {p.name} says this about 「{word}」:")
            lines += [compose.quote_line(c, q.lang) for c in part.citations if c.sheet_id == sheet.sheet_id]
        if not part.citations:
            return None
        # a figure answers when it is about every word that qualifies the one asked (「特定保健指導の」),
        # and follows one of them closely (「地理情報システム(構築)9,555千円」)
        phrase = _noun_phrase(q, word)
        amounts = any(_gives_amount(c.quote, f, phrase) for c in part.citations
                      if all(w in c.quote.lower() for w in phrase[:-1]) and _same_year(c.quote, f, _sheet_year(desk, c)))
        # (a share of an amount the text gives is computed: 「啓発物品購入費は事業費の何％？」)
        share = _item_share(q, desk, word, part) if asks_figure and f.has("share") else []
        if asks_figure and (amounts or share):  # the text itself gives the figure (「地理情報システム(構築)9,555千円」)
            lines = [ln.replace("の数値（指標や金額の行）はありません。文中には次の記述があります。",
                                "について、表にはありませんが文中に次の記述があります。") for ln in lines] + share
        part.answerable = not asks_figure or amounts or bool(share)
        part.text = "\n".join(lines)
        return part

    def search(self, q: Query, desk: Desk) -> Part | None:
        """Nothing else answered: the project's passages that best match the question, quoted
        when they share enough of its words."""
        projects = q.projects[:1] or q.candidates[:1]
        if not projects:
            return None
        p = projects[0]
        ids = [p.latest.sheet_id]
        hits = desk.passages(q.frame.text, ids, None)
        sheet = desk.sheet(ids[0])
        if sheet is None or not hits:
            return None
        words = {u.text for u in q.reading.units if u.noun and len(u.text) >= 2}
        cites = []
        for sid, key in hits[:3]:
            for s in sheet.sections:
                if s.key != key:
                    continue
                for sent in compose.best_sentences(s.text, q.frame.text, desk.settings.max_quote_chars):
                    shared = sum(1 for w in words if w in sent)
                    if shared >= max(1, min(2, len(words) // 2)):
                        cites.append(Citation(sheet_id=sid, project=sheet.project.name, section=s.label, quote=sent,
                                              key=s.key))
        if not cites:
            return None
        cites = cites[:3]
        lead = (f"{p.name}のシートには次の記述があります。" if q.lang == "ja" else f"The sheet of {p.name} says:")
        # (「市税の収納率は？」「観光案内所の数は？」: what the project is named by, counted — no row counts
        # it, and a sentence's figure beside its words is another count: 利用者数)
        answerable = counted_project_words(q) is None and (
            not _asks_figure(q.frame) or any(_gives_amount(c.quote, q.frame) for c in cites))
        if not answerable:
            lead = (f"{p.name}のシートに、お尋ねの数値はありません。関連する記述は次のとおりです。" if q.lang == "ja"
                    else f"The sheet of {p.name} gives no such figure; related text:")
        return Part(text="\n".join([lead] + [compose.quote_line(c, q.lang) for c in cites]), citations=cites,
                    sheet_ids=[sheet.sheet_id], intent="prose", answerable=answerable)

    def intent(self, q: Query) -> str:
        f = q.frame
        if f.has("why"):
            return "why"
        if f.has("summary") or f.sections and f.has("comments"):
            return "summary"
        return "prose"

    @staticmethod
    def false_premise(q: Query, p: Project, sheet: Sheet) -> tuple[str, list[Fact]] | None:
        """A reason asked for a result the sheet does not give: what it gives instead."""
        from ingest.vocabulary import STAGE_LABELS

        f = q.frame
        if not (f.has("why") and f.results) or not sheet.evaluations:
            return None
        given = [(e.stage, e.result) for e in sheet.evaluations if e.result and (not f.stages or e.stage in f.stages)]
        if not given or any(r in f.results for _, r in given):
            return None
        facts = evaluation_facts(sheet, f.stages)
        asked = "・".join(f.results)
        said = "、".join(f"{STAGE_LABELS[s]}「{r}」" for s, r in given)
        if q.lang == "ja":
            return (f"{p.name}（{sheet.target_fy}年度実施分）の評価は{said}で、「{asked}」ではありません。"
                    f"シートに「{asked}」の理由の記載はありません。"), facts
        return (f"{p.name} (FY{sheet.target_fy}) was rated {', '.join(f'{s} {r}' for s, r in given)}, not {asked}; "
                f"the sheet gives no reason for {asked}."), facts

    @staticmethod
    def whole_sheet(q: Query, evaluation: bool = False) -> bool:
        """「最新シートの要点まとめて」: a summary of the sheet, no section or row named (``evaluation``: or
        of its evaluation, 「評価の概要」)."""
        f = q.frame
        return f.has("summary") and not f.sections and not f.has("why") and (evaluation or not f.evals) and not (
            f.rows or f.money or f.kind or q.head_rows  # (a row matched by the project's name names nothing)
            or any(not m.within(q.project_spans) for m in q.scope_rows))

    def cost_line(self, q: Query, p: Project, sheet: Sheet, part: Part) -> list[str]:
        """The 総事業費 of the sheet's year, for a summary of the sheet (unless a figure part says it)."""
        c = next((c for c in sheet.costs if c.fy == sheet.target_fy and c.total_cost is not None), None)
        if c is None or c.total_cost is None:
            return []
        part.facts.append(Fact(sheet_id=sheet.sheet_id, project=p.name, row="total_cost", indicator="総事業費",
                               fy=c.fy, field="total_cost", value=c.total_cost, unit="千円"))
        return [f"総事業費（{c.fy}年度）：{compose.num(c.total_cost, '千円')}" if q.lang == "ja" else
                f"Total cost (FY{c.fy}): {compose.num(c.total_cost)} 千円"]

    def indicator_line(self, q: Query, p: Project, sheet: Sheet, part: Part, skip: tuple[str, ...] = ()) -> list[str]:
        """The sheet's year in its indicators (but the kinds in ``skip``), one line: each result
        against its plan."""
        from assistant.measures import rate

        fy = sheet.target_fy
        cells = []
        for i in sheet.indicators:
            v = next((v for v in i.values if v.fy == fy), None)
            if i.kind == "target" or i.kind in skip or v is None or v.actual is None or not i.name:
                continue
            base = dict(sheet_id=sheet.sheet_id, project=p.name, indicator=i.name, row=i.label, fy=fy, unit=i.unit)
            part.facts.append(Fact(**base, field="actual", value=v.actual))
            text = f"「{i.name}」{compose.num(v.actual, i.unit or '')}"
            if v.plan is not None and (r := rate(v.actual, v.plan)) is not None:
                part.facts += [Fact(**base, field="plan", value=v.plan),
                               Fact(**{**base, "unit": "%"}, field="rate", value=r, computed=True)]
                text += (f"（計画{compose.num(v.plan, i.unit or '')}、達成率{compose.num(r, '%')}）" if q.lang == "ja"
                         else f" (plan {compose.num(v.plan)}, {compose.num(r)}% of plan)")
            cells.append(text)
        if not cells:
            return []
        return [(f"指標（{fy}年度）：" if q.lang == "ja" else f"Indicators (FY{fy}): ") + "、".join(cells[:6])]

    def verdict_lines(self, q: Query, p: Project, sheet: Sheet, part: Part) -> list[str]:
        """What a summary of a sheet ends with: its evaluation results and the comment's conclusion."""
        from assistant.kinds.figure import SHEET_CONTENTS
        from ingest.vocabulary import STAGE_LABELS

        results = [(e.stage, e.result) for e in sheet.evaluations if e.result]
        # (「シートの中身を3行で」: the figure part states the outcome indicators already; the activity
        # ones are said here)
        lines = self.indicator_line(q, p, sheet, part, skip=("outcome",) if SHEET_CONTENTS.search(q.frame.norm) else ())
        if results:
            part.facts += evaluation_facts(sheet)
            lines.append("評価結果：" + "、".join(f"{STAGE_LABELS[s]}「{r}」" for s, r in results) if q.lang == "ja" else
                         "Evaluation: " + ", ".join(f"{s} {r}" for s, r in results))
        comment = next((s for k in ("secondary_comment", "primary_comment") for s in sheet.sections if s.key == k), None)
        if comment is not None and (sents := compose.sentences(comment.text)):
            c = Citation(sheet_id=sheet.sheet_id, project=p.name, section=comment.label, quote=sents[-1], key=comment.key)
            part.citations.append(c)
            lines.append(compose.quote_line(c, q.lang))
        return lines

    def keys(self, q: Query, sheet: Sheet) -> list[str]:
        """The sections the question asks, in the order they answer it."""
        f = q.frame
        keys: list[str] = []
        for k in f.sections:
            if k == "analysis":  # the analysis of what is asked: its indicator's kind, or the costs
                owner = next((x for x in q.projects or q.candidates if sheet.sheet_id in x.sheet_ids), None)
                asked = indicator_rows(q, owner, sheet) if owner is not None else []
                kinds = {i.kind for i in sheet.indicators for r in asked if i.name == r.name}
                wanted = (["cost_analysis"] if f.rows or f.money else []) + \
                    [f"{x}_analysis" for x in ("outcome", "activity") if x in kinds or not kinds and not f.rows]
                keys += [x for x in wanted if x not in keys]
            elif k == "issues":
                # 「改善評価だけど、何が課題？」: the evaluation's comments say first what it found wanting
                order = ["secondary_comment", *ISSUE_SECTIONS] if f.evals or f.results else ISSUE_SECTIONS
                keys += [x for x in dict.fromkeys(order) if x not in keys]
            elif k == "direction":  # 「今後どうする？」: what the comments decide, then the kaizen plan
                continue  # (after any section named outright: 「今後の方向性を…『今後周辺環境』にどう書かれているか」)
            elif k == "comments":
                stages = [f"{s}_comment" for s in f.stages] or list(COMMENTS)
                keys += [x for x in stages if x not in keys]
            elif k not in keys:
                keys.append(k)
        if "direction" in f.sections:
            keys += [x for x in ("secondary_comment", "primary_comment", "kaizen") if x not in keys]
        if f.has("breakdown") and (f.rows or f.money or q.focus) and not keys:
            keys = ["cost_analysis"]  # 「事業費の主な内訳」: the items the analysis lists with amounts
        if f.has("why") and not keys:
            # 「なんで？」 after an answer: what that answer was about, as if it were named again
            carried = q.focus if q.focus and q.how == "focus" and not (f.rows or f.kind or f.money) else None
            carried_rows = carried.rows if carried else []
            if f.evals or f.results or carried and carried.intent == "evaluation" and not carried_rows:
                keys = ["secondary_comment", "primary_comment"]
            elif f.rows or f.money or f.revenue or any(r in lexicon().rows for r in carried_rows):
                keys = ["cost_analysis", "other"]
            elif f.kind == "activity" or carried_rows and all(r.startswith("活動") for r in carried_rows):
                keys = ["activity_analysis"]
            elif f.kind == "outcome" or f.has("verdict", "under_plan", "over_plan", "rate") or carried_rows:
                keys = ["outcome_analysis", "activity_analysis"]
        if f.has("summary") and not keys:
            keys = list(COMMENTS[::-1]) if f.evals else list(SUMMARY_DEFAULT)
            if not f.evals and sheet.template != R7_TEMPLATE:
                keys.append("kaizen")  # another city's one-page sheet: its 今後の方向性 line is among its gist
        return keys

    def quotes(self, q: Query, desk: Desk, p: Project, sheet: Sheet) -> tuple[list[Citation], str]:
        f = q.frame
        cap = desk.settings.max_quote_chars
        keys = self.keys(q, sheet)
        sections = [s for k in keys for s in sheet.sections if s.key == k]
        named = [s for s in sections if s.key == "other" and re.sub(r"[（(].*", "", s.label) in f.norm]
        if named:  # 「事業継続性評価のところ」: the section the sheet labels so, not its other notes
            sections = [s for s in sections if s.key != "other" or s in named]
        note = ""
        if not sections and keys == ["background"] and sheet.template != R7_TEMPLATE:
            # a layout with no 背景 box writes why the project exists into its 目的
            sections = [s for s in sheet.sections if s.key == "purpose"]
            note = "nearest" if sections else ""
        if not sections and keys and set(keys) <= set(COMMENTS):
            # 「二次評価コメントでは？」 where the sheet's one comment box was placed as 一次 by its position
            # alone: that box, saying so, rather than another section or nothing
            sections = [s for s in sheet.sections if s.key in COMMENTS and s.inferred]
            note = "other_stage" if sections else ""
        if not sections and keys and not f.has("why"):
            note = "missing"
        why = f.has("why")
        if why and not sections or (why and _only_other(sections)):
            sections = self.reason_sections(q, sheet) or sections
        if not sections:
            sections = [s for sid, key in desk.passages(q.frame.text, [sheet.sheet_id], None)
                        for s in sheet.sections if s.key == key and sid == sheet.sheet_id][:2]
            if sections and note == "missing":
                note = "nearest"
        focus_words = self.focus_words(q, p, sheet)
        block = re.search(r"【([^】]{1,12})】", q.frame.norm)
        cites: list[Citation] = []
        stated: list[tuple[Section, str]] = []  # what the reason sections say of the rows asked, without a reason
        issue = "issues" in f.sections
        extra = 1 if issue and (f.evals or f.results) else 0  # the comment put first does not crowd out the rest
        for s in _dedupe(sections)[:(4 if issue else 3) + extra]:
            text = s.text
            if block:  # 「【人件費】のところ」: that block of the section
                parts = [x for x in re.split(r"(?=【[^】]{1,12}】)", text) if x.startswith(f"【{block.group(1)}】")]
                text = "\n".join(parts).strip() or text
            if why and s.key in f.sections:
                quotes = [text] if len(text) <= cap * 2 else compose.best_sentences(text, q.frame.text, cap * 2)
            elif why:
                cues = lexicon().cues["reason"]
                quotes = compose.reason_sentences(text, f.norm, focus_words, cap, cues)
                if focus_words and s.key not in COMMENTS:
                    # a reason is about the row asked: the 人件費 note is no reason for 事業費
                    quotes = [x for x in quotes if any(w in x for w in focus_words)]
                elif focus_words and not (f.evals or f.results):
                    quotes = _not_of_other_rows(quotes, sheet, focus_words)
                if s.key not in COMMENTS:  # a statement of the change is no reason for it
                    # (a sentence saying of the row, by its quoted name: 「市民の利便性向上」 is not of 市民)
                    stated += [(s, x) for x in quotes if not _gives_reason(x, cues) and any(f"「{w}」" in x for w in focus_words)]
                    quotes = [x for x in quotes if _gives_reason(x, cues)]
            elif "direction" in f.sections and s.key == "kaizen":
                quotes = [re.split(r"\s*[(（]\s*2\s*[)）]", text)[0].strip()]  # what will be done, not when and by whom
            elif "direction" in f.sections and s.key in COMMENTS:
                # the comment's conclusion: its last sentences that say what comes next
                quotes = [x for x in compose.sentences(text) if any(c in x for c in lexicon().cues["direction"])][-1:]
            elif issue and s.key in ("current", "outlook") and len(text) <= cap:
                quotes = [text]  # what the sheet says of the situation now and ahead is where 課題 are written
            elif issue:
                quotes = compose.cue_sentences(text, lexicon().cues["issue"], cap // 2)
            elif f.has("summary") or (s.key in COMMENTS and len(text) > cap * 2):
                quotes = compose.summary_sentences(text, q.frame.text, int(cap * 1.5))
            elif len(text) <= cap * 2.5:
                quotes = [text]  # a section asked outright is quoted whole when it is short
            elif s.key == "kaizen" and len(text) <= WHOLE_SECTION:
                quotes = [text]
            else:
                quotes = [text] if len(text) <= cap * 2 else compose.best_sentences(text, q.frame.text, cap * 2)
            for quote in quotes:
                cites.append(Citation(sheet_id=sheet.sheet_id, project=sheet.project.name, section=s.label,
                                      quote=quote, key=s.key))
        if issue:
            cites = cites[:5 + extra]
        costs = {r.name for r in cost_rows(q)} | {lexicon().row_label(k) for k in (q.focus.rows if q.focus else [])
                                                   if k in lexicon().rows}
        if why and not cites and not any(s.key in COMMENTS for s in sections) and not f.sections and (
                "change" in f.measures and not f.has("under_plan", "verdict")) and f.direction != "down" \
                and not costs & set(focus_words) and not any(lower_is_better(w) for w in focus_words):
            # a rise the analysis states but does not explain: the comments say what was done that year
            # (「令和７年度は情報発信の強化に取り組んだ」); what was done is no reason for a shortfall, a
            # drop, a rise of what is kept down (待機児童数), or a cost that moved (「受益者負担金はなんで減った？」)
            cues = lexicon().cues["reason"]
            for s in (x for k in ("secondary_comment", "primary_comment") for x in sheet.sections if x.key == k):
                said = compose.reason_sentences(s.text, f.norm, focus_words, cap, cues)
                for quote in _not_of_other_rows(said, sheet, focus_words)[:2]:
                    cites.append(Citation(sheet_id=sheet.sheet_id, project=sheet.project.name, section=s.label,
                                          quote=quote, key=s.key))
        if _ASKS_WHEN.search(f.norm) and "background" in keys and not any(_A_YEAR.search(c.quote) for c in cites):
            # 「いつから始まったの？」: the year it began, which one of the project's sheets may write in its
            # 背景 and the latest not (each year's sheet rewrites that box)
            cites = self.dated_start(desk, p, sheet) + cites
        if note == "missing" and cites:
            note = "nearest"
        if why and not cites and stated:
            # 「35回まで落ちた原因は？」 where the analysis states the drop and gives no cause: no reason,
            # and what the sheet does say of it
            section, sentence = stated[0]
            cites = [Citation(sheet_id=sheet.sheet_id, project=sheet.project.name, section=section.label,
                              quote=sentence, key=section.key)]
            note = "no_reason"
        if f.has("breakdown") and keys == ["cost_analysis"] and cites and not any(_ITEM_AMOUNT.search(c.quote) for c in cites):
            note = "no_items"  # 「事業費の内訳」: the analysis says why it moved, and names no items with amounts
        return cites, note

    def dated_start(self, desk: Desk, p: Project, sheet: Sheet) -> list[Citation]:
        """The first sentence of a 背景 of the project's sheets (this one first, then the newest) that says
        in what year it began."""
        others = sorted((r for r in p.refs if r.sheet_id != sheet.sheet_id), key=lambda r: -(r.target_fy or 0))
        for s in [sheet, *(x for r in others if (x := desk.sheet(r.sheet_id)) is not None)]:
            for sec in (x for x in s.sections if x.key == "background"):
                for sentence in compose.sentences(sec.text):
                    if _A_YEAR.search(sentence) and _BEGAN.search(sentence):
                        return [Citation(sheet_id=s.sheet_id, project=s.project.name, section=sec.label,
                                         quote=sentence, key=sec.key)]
        return []

    def focus_words(self, q: Query, p: Project, sheet: Sheet) -> list[str]:
        """What a reason must be about: the row labels and indicator names asked."""
        words = [r.name for r in cost_rows(q)]
        words += [r.name for r in indicator_rows(q, p, sheet)]
        if not words and ("change" in q.frame.measures or q.frame.direction):
            from assistant.kinds.figure import FigureKind

            # 「対象の市民、R6はなんで減ったの？」: the rows whose change the figure part states
            words += [r.name for r in FigureKind().rows(q, p, sheet)]
        if not words:  # 「35回まで落ちた原因は？」: the row whose figure the question states
            words += [i.name for i in rows_holding(q.frame, sheet, only_row=True) if i.name]
        if not words and q.focus and q.how == "focus":  # 「なんで？」 after a figure: that figure's row
            for key in q.focus.rows:
                ind = None if key in lexicon().rows else q.focus.indicator(sheet, key)
                words.append(lexicon().row_label(key) if key in lexicon().rows else (ind.name or "") if ind else "")
        if "総事業費" in words:
            words += _moved_parts(sheet)  # a total moves with its parts
        return [w for w in words if w]

    def reason_sections(self, q: Query, sheet: Sheet) -> list[Section]:
        order = ("cost_analysis", "outcome_analysis", "activity_analysis", "secondary_comment", "primary_comment",
                 "other", "current")
        return [s for k in order for s in sheet.sections if s.key == k]


def _not_of_other_rows(quotes: list[str], sheet: Sheet, rows: list[str]) -> list[str]:
    """The sentences not about another of the sheet's indicators only, quoted by name (a comment on
    出前講座の開催回数 says nothing of why 議会中継の視聴回数 rose) — where an indicator is asked; a sentence
    naming the one asked too stays, and a cost's reason may well name an indicator."""
    asked = [i.name for i in sheet.indicators if i.name and i.name in rows]
    if not asked:
        return quotes
    others = [f"「{i.name}」" for i in sheet.indicators if i.name and i.name not in asked]
    return [x for x in quotes if any(a in x for a in asked) or not any(o in x for o in others)]


def _gives_reason(sentence: str, cues: Sequence[str]) -> bool:
    """A reason word outside the names the sentence quotes (「ＲＰＡによる業務削減時間」 gives none)."""
    bare = re.sub(r"「[^」]*」", "", sentence)
    # 「計画値の45人を上回ったため、引き続き対策が必要である」: the figure against its plan, whose ため leads
    # to what comes next — no cause of the figure
    bare = _AGAINST_PLAN_SO.sub("", bare)
    return any(c in bare for c in cues)


_AGAINST_PLAN_SO = re.compile(r"計画値?[^、。]{0,16}(?:上回|下回|超え|届かなかっ|達し|満たなかっ|割り込ん)(?:った|た|だ)?ため")


_AMOUNT_UNIT = re.compile(r"\d[\d,.]*\s*(千円|万円|億円|円|件|人|名|回|施設|箇所|か所|校|世帯|%|％|ポイント|本|枚|頭|台|冊|t|km)")


_ASKS_OUTCOME = re.compile(r"(?:でき|し)たの?|届いた|クリアした|上回った|下回った|did (?:it|they|we)|was it|were they|"
                           r"has it been|achieved\?|met\?")
_ASKS_AIM = re.compile(r"することになって|する予定|目指|目標にして|what (?:is|are) (?:it|they) (?:aiming|supposed)")


_ASKS_WHEN = re.compile(r"いつ(から|まで|頃|ごろ|に)|何年度?から|○年度?から|since when|when did|what year")
_BEGAN = re.compile(r"開始|始め|始ま|創設|スタート|から(?:本事業に)?取り組|から実施")
_A_YEAR = re.compile(r"(令和|平成|昭和)\s*[0-9０-９元]{1,2}\s*年|(19|20)\d{2}\s*年")


def _moved_parts(sheet: Sheet) -> list[str]:
    """The parts of 総事業費 that moved it from the year before the sheet's to the sheet's: a reason for
    the total is a reason for them (a note on 人件費 is none for a drop of 事業費)."""
    by_year = {c.fy: c for c in sheet.costs}
    now, before = by_year.get(sheet.target_fy or 0), by_year.get((sheet.target_fy or 0) - 1)
    parts = {"事業費": "project_cost", "人件費": "personnel_cost"}
    if now is None or before is None:
        return list(parts)
    moves = {label: abs(a - b) for label, field in parts.items()
             if (a := getattr(now, field)) is not None and (b := getattr(before, field)) is not None}
    if len(moves) < len(parts):
        return list(parts)
    top = max(moves.values())
    return [label for label, m in moves.items() if top and m >= top / 4] or list(parts)


def _item_share(q: Query, desk: Desk, word: str, part: Part) -> list[str]:
    """「啓発物品購入費は事業費の何％？」: an item the text lists with its amount, as a share of the
    year's 事業費 (総事業費 when that is named) on the same sheet."""
    from assistant.measures import percent

    field = "total_cost" if "total_cost" in q.frame.rows else "project_cost"
    for c in part.citations:
        m = re.search(rf"{re.escape(word)}\s*([\d,]+)\s*千円", c.quote)
        sheet = desk.sheet(c.sheet_id)
        if m is None or sheet is None:
            continue
        cost = next((x for x in sheet.costs if x.fy == sheet.target_fy), None)
        den = getattr(cost, field) if cost is not None else None
        item = int(m.group(1).replace(",", ""))
        share = percent(item, den) if den else None
        if share is None or den is None:
            continue
        label = "総事業費" if field == "total_cost" else "事業費"
        base = dict(sheet_id=sheet.sheet_id, project=sheet.project.name, fy=sheet.target_fy)
        part.facts += [Fact(**base, field=field, value=den, unit="千円", row=label, indicator=label),
                       Fact(**base, field="item_share", value=share, unit="%", computed=True, row=word, indicator=word)]
        return [f"「{word}」{compose.num(item, '千円')}は、{sheet.target_fy}年度の{label}{compose.num(den, '千円')}の"
                f"{compose.num(share, '%')}です。" if q.lang == "ja" else
                f"{word} ({compose.num(item)} 千円) is {compose.num(share)}% of FY{sheet.target_fy} {label} "
                f"({compose.num(den)} 千円)."]
    return []


def _says(word: str, sentence: str) -> bool:
    """``sentence`` names ``word``, as written or with a word between its parts (シェアサイクル委託料 in
    「シェアサイクル運営委託料」)."""
    return bool(_said_at(word, sentence.lower()))


def _said_at(word: str, low: str) -> list[int]:
    """Where each mention of ``word`` in ``low`` ends (its parts in order, a few characters apart)."""
    ends = [m.end() for m in re.finditer(re.escape(word), low)]
    if ends:
        return ends
    from assistant.sudachi import tokens

    parts = [t.surface.lower() for t in tokens(word) if t.content]
    if len(parts) < 2 or any(len(x) < 2 for x in parts):
        return []
    for m in re.finditer(re.escape(parts[0]), low):
        at = m.end()
        for x in parts[1:]:
            pos = low.find(x, at)
            if pos < 0 or pos - at > 4:
                break
            at = pos + len(x)
        else:
            ends.append(at)
    return ends


_COUNT = re.compile(r"何\s*(?:人|件|回|か所|箇所|施設|団体|社|世帯)|いくつ|\bhow many\b|\bnumber of\b")
_COUNTED = re.compile(r"\d[\d,]*\s*(?:人|名|件|回|か所|箇所|施設|団体|社|世帯|手続)")  # a count the text gives


def _counts_asked(q: Query, quotes: list[str]) -> bool:
    """A quote gives a count of what the question asks: a number in a sentence that also names
    one of the question's own words (「指摘事項って何件」 is not answered by 「…5回不足した」 of
    another row, nor by 「…との指摘もあり」, which counts nothing)."""
    names = "".join(p.name for p in q.projects)
    words = [w for w in re.findall(r"[一-龥ァ-ヶー]{2,}", q.frame.norm) if not w.startswith("何") and w[:2] not in names
             and not re.search(r"年|令和|平成|昭和", w)]  # (a year is said by every sentence of a comment)
    sentences = [s for quote in quotes for s in re.split(r"(?<=[。．])", quote)]
    years = set(q.frame.years)
    return any((_COUNTED.search(s) or years and _counted_by_year(s, years)) and (not words or any(w[:2] in s for w in words))
               for s in sentences)


def _asks_figure(f: Frame) -> bool:
    """The question wants a number (何人, いくら, どれだけ, how many …), not words."""
    from assistant.kinds.figure import asked_counter

    return bool(f.rows or f.money or f.measures or asked_counter(f.norm) or re.search(
        r"何\s*[%％件人回円割分]|いくら|いくつ|どれくらい|どのくらい|どれだけ|どの程度|how (many|much|long)|what percentage",
        f.norm))


def _measured_row(q: Query, sheet: Sheet, word: str) -> Indicator | None:
    """The one row the question names when the word asked only says in what measure (面積, 人数 …)
    it wants it: 「担い手に集積された農地って面積で？」 → 担い手への農地集積率 (given in %)."""
    if word not in lexicon().measure_nouns or len(q.scope_rows) != 1:
        return None
    return next((i for i in sheet.indicators if i.name == q.scope_rows[0].name), None)


def _noun_phrase(q: Query, word: str) -> list[str]:
    """The nouns joined to ``word`` by の before it (「特定保健指導の受診率」): a figure in the text
    answers only when it is about all of them."""
    units = list(q.reading.units)
    at = next((i for i, u in enumerate(units) if u.text == word), None)
    if at is None:
        return [word]
    out = [word]
    naming = naming_run(q)
    while at > 0 and units[at - 1].noun and q.frame.norm[units[at - 1].end:units[at].start] == "の" \
            and units[at - 1].text not in lexicon().function_words \
            and not re.fullmatch(r"[a-z0-9]+", units[at - 1].text):  # 「R7の」 is a year, not a qualifier
        at -= 1
        # (the words naming the project before it — 「避難所環境整備推進事業の利用者数」 — qualify nothing;
        # its words said again do: 「喜久田の除雪、除雪した道路の延長」's 道路)
        if not (naming[0] <= units[at].start and units[at].end <= naming[1]):
            out.insert(0, units[at].text.lower())
    return out


def _same_year(text: str, f: Frame, own: int | None = None) -> bool:
    """A sentence that dates its figure (「2024年度の…は29.2％」) answers only for the year asked; one
    that does not is about its sheet's own year ``own`` (a cost breakdown), when that is known."""
    asked = set(f.years)
    if not asked:
        return True
    from ingest.normalize import find_fiscal_years

    said = {m.fy for m in find_fiscal_years(text)}
    if not said:
        return own is None or own in asked
    return bool(said & asked)


def _sheet_year(desk: Desk, c: Citation) -> int | None:
    """The year a cost-analysis sentence with no year of its own is about: its sheet's."""
    if c.key != "cost_analysis":
        return None
    ref = desk.catalog.sheet(c.sheet_id)
    return ref.target_fy if ref is not None else None


_MONEY_NOUN = ("料", "費", "額", "金", "代")
_ASKS_WHAT = re.compile(r"何を|何が|何の|どんな|どういう|内訳|理由|なぜ|なんで|what|which|why")
_NEAR = 16  # a figure belongs to a word when it follows it this closely (「委託料 118,280千円」)


def _gives_amount(text: str, f: Frame, words: list[str] | None = None) -> bool:
    """The text states a figure of the kind asked, right after one of ``words``: a number of people for
    「何人」, money for 「いくら」, a count or rate for 「どれくらい使われてる」 (not an amount of money
    spent on it, nor a change 「16,204千円の増加は…委託料の増額などによる」 before them)."""
    from assistant.kinds.figure import asked_counter, unit_fits

    if _ASKS_WHEN.search(f.norm) and _A_YEAR.search(text):
        return True  # 「いつから？」: 「平成２８年度から本事業に取り組んでいる」 answers it
    counter = asked_counter(f.norm)
    money = bool(f.money or f.rows or re.search(r"いくら|how much|金額|費用", f.norm)
                 or any(w.endswith(_MONEY_NOUN) for w in words or [])  # 「シェアサイクル委託料 R7」 asks an amount
                 and not _ASKS_WHAT.search(f.norm))  # … 「何を買ったの？」 does not
    low = text.lower()
    wanted = {w for k, v in lexicon().predicates.items() if k in f.norm for w in v}
    if wanted and not any(w in text for w in wanted):
        return False  # 「どれくらい使われてる」: a figure of 利用, not of what it costs
    starts = [e for w in words or [] for e in _said_at(w, low)]
    if f.years and not money and _counted_by_year(text, set(f.years)):
        return True  # 「利用者数：…、H27年度 4,977」: a table the sheet prints in its text, by year
    for m in _AMOUNT_UNIT.finditer(text):
        if words and not any(0 <= m.start() - e <= _NEAR for e in starts):
            continue
        unit = m.group(1)
        if counter:
            if unit_fits(counter, unit):
                return True
        elif money:
            if unit.endswith("円"):
                return True
        elif not unit.endswith("円"):
            return True
    return False


_BY_YEAR = re.compile(r"((?:H|R|平成|令和)\s*\d{1,2}\s*年度)\s+(\d[\d,]*)(?![\d,.]*\s*(?:千円|万円|円))")


def _prints_the_year(q: Query, sheet: Sheet, year: int) -> bool:
    """A box the question names by its label (「事業継続性評価のとこ」) lists a figure of ``year``, which
    the sheet evaluating another year prints (its table of users since H23)."""
    return any(s.key == "other" and re.sub(r"[（(].*", "", s.label) in q.frame.norm and _counted_by_year(s.text, {year})
               and any(row in q.frame.norm for row in _COUNTED_ROW.findall(s.text))  # (the row asked: 利用者数)
               for s in sheet.sections)


_COUNTED_ROW = re.compile(r"([^\s。、：]{2,12})：")


def _counted_by_year(text: str, years: set[int]) -> bool:
    """The text lists a count under one of ``years`` as a table does (「H27年度 4,977」)."""
    from ingest.normalize import find_fiscal_years

    return any(m.fy in years for said in _BY_YEAR.finditer(text) for m in find_fiscal_years(said.group(1)))


def _only_other(sections: list[Section]) -> bool:
    return all(s.key == "other" for s in sections)


def _dedupe(sections: list[Section]) -> list[Section]:
    seen, out = set(), []
    for s in sections:
        if id(s) not in seen:
            seen.add(id(s))
            out.append(s)
    return out


def _lead(p: Project, sheet: Sheet, cites: list[Citation], q: Query, note: str) -> str:
    lang = q.lang
    labels = list(dict.fromkeys(c.section for c in cites))
    inferred = [s.label for s in sheet.sections if s.inferred and s.label in labels]
    year = f"（{sheet.target_fy}年度実施分）" if sheet.target_fy else ""
    if note == "other_stage":
        asked = "・".join(dict.fromkeys(SECTION_LABELS.get(k, k) for k in q.frame.sections if k in COMMENTS)) or "お尋ねのコメント"
        if lang == "en":
            return (f"{p.name}{f' (FY{sheet.target_fy})' if sheet.target_fy else ''} — the sheet has one comment box, "
                    f"read as the {labels[0]} (inferred from its wording and place on the page); no {asked} is given. "
                    "For reference, that box says:")
        from ingest.vocabulary import STAGE_LABELS

        # (the result of the stage asked, where the sheet gives it: what its comment would have explained)
        results = "、".join(f"{STAGE_LABELS[e.stage]}の結果は「{e.result}」" for e in sheet.evaluations
                           if e.result and f"{e.stage}_comment" in q.frame.sections)
        return (f"{p.name}{year}のシートのコメント欄は1つだけで、{labels[0]}と読み取っています（文面と欄の位置からの推定）。"
                f"{asked}の記載はありません" + (f"（{results}です）" if results else "") + "。参考までに、その欄の記載は次のとおりです。")
    if note == "no_items":
        return (f"{p.name}{year}のシートに事業費の内訳（費目ごとの金額）の記載はありません。分析欄には次のように書かれています。"
                if lang == "ja" else f"{p.name}{f' (FY{sheet.target_fy})' if sheet.target_fy else ''} — the sheet gives "
                "no breakdown of the project cost by item; its analysis says:")
    if note == "no_reason":
        return (f"{p.name}{year}のシートには、その理由は書かれていません。記載されているのは次のとおりです。" if lang == "ja"
                else f"{p.name}{f' (FY{sheet.target_fy})' if sheet.target_fy else ''} — the sheet gives no reason "
                     "for it; what it says:")
    if lang == "en":
        head = f"{p.name}{f' (FY{sheet.target_fy})' if sheet.target_fy else ''} — "
        head += ("the sheet has no such section; the nearest passage: " if note == "nearest"
                 else "the sheet gives these reasons:" if q.frame.has("why") else "the sheet says:")
        if inferred:
            head += " (which comment is primary and which secondary is inferred from their order on the page)"
        return head
    if note == "nearest":
        head = f"{p.name}{year}のシートにはその欄がありません。近い記載は次のとおりです。"
    elif q.frame.has("why"):
        head = f"{p.name}{year}のシートには、理由として次のように書かれています。"
    else:
        head = f"{p.name}{year}の{'・'.join(labels)}には、次のように書かれています。"
    if inferred:
        head += "（一次評価・二次評価のどちらのコメントかは、欄の並び順から推定しています）"
    return head


__all__ = ["ProseKind", "SECTION_LABELS", "re"]


# 「どの事業に引き継がれた？」「統合先は？」 "which project is it being merged into?": the project a merge or
# hand-over names — which sheets seldom write
# (not 「技術を引き継ぐ研修の事業」 nor "the farm successor support project": what a project does)
SUCCESSOR = re.compile(r"引き?継ぎ?先|(?:どの|どこの|何の)事業(?:に|へ|と|が).{0,6}(?:引き?継|統合|移|吸収)|"
                       r"統合先|移管先|後継(?:の)?事業(?:は|って|が)|\bmerged? (?:into|with which)|\bbeing merged\b|"
                       r"\btaken over by\b|\b(?:its|the) successor (?:project|program|programme)\b|\bintegrated into\b|"
                       r"\bwhich project (?:will )?(?:take over|absorb)")
# an amount spent on an item (「委託料3,000千円」), not a change (「31千円の減少は…」「1,200千円増加」)
_ITEM_AMOUNT = re.compile(r"\d[\d,，.]*\s*(?:千円|万円|円)(?!\s*の?\s*(?:増|減|上昇|下落|縮小|拡大))")
_HAND_OVER = re.compile(r"統合|引き?継|移管|既存事業|統廃合|吸収")


def successor(q: Query, desk: Desk) -> Part | None:
    """What the project's sheets say of the project it merges into or hands over to: the name when a
    sentence of them gives another project's, else the sentences that speak of it — declined, since
    which project is not written (「必要な機能は既存事業で対応する」 names none)."""
    projects = q.projects if len(q.projects) == 1 else []
    if not projects and q.focus is not None and q.focus.sheet_ids:  # "Which project is it being merged into?"
        refs = [r for i in q.focus.sheet_ids if (r := desk.catalog.sheet(i)) is not None]
        projects = projects_of(desk.catalog, desk.catalog.sheets_of(refs[0])) if refs else []
    if len(projects) != 1:
        return None
    p = projects[0]
    others = [n for n in desk.catalog.project_names if n != p.name]
    said: list[tuple[Sheet, Section, str]] = []
    for ref in sorted(p.refs, key=lambda r: -(r.target_fy or 0)):
        sheet = desk.sheet(ref.sheet_id)
        if sheet is None:
            continue
        for sec in sheet.sections:
            for sentence in re.split(r"(?<=。)|\n", sec.text):
                if _HAND_OVER.search(sentence) and sentence.strip() and all(s != sentence.strip() for *_, s in said):
                    said.append((sheet, sec, sentence.strip()))
    named = [n for n in others for *_, s in said if n in s]
    citations = [Citation(sheet_id=sh.sheet_id, project=p.name, section=sec.label, quote=s, key=sec.key)
                 for sh, sec, s in said[:3]]
    quotes = "\n".join(f"{sec.label}より：「{s}」" if q.lang == "ja" else f"From {sec.label}: 「{s}」" for _, sec, s in said[:3])
    if named:
        lead = (f"{p.name}のシートには、次の事業が挙げられています：{'、'.join(dict.fromkeys(named))}。" if q.lang == "ja"
                else f"The sheets of {p.name} name: {', '.join(dict.fromkeys(named))}.")
        return Part(text=lead + "\n" + quotes, citations=citations, sheet_ids=[c.sheet_id for c in citations], intent="prose")
    lead = (f"{p.name}のシートには、どの事業に統合する（引き継ぐ）かは書かれていません。" if q.lang == "ja"
            else f"The sheets of {p.name} do not say which project it merges into or hands over to.")
    if said:
        lead += "関連する記述は次のとおりです。" if q.lang == "ja" else " What they say of it:"
    return Part(text=lead + ("\n" + quotes if said else ""), citations=citations, answerable=False,
                sheet_ids=[c.sheet_id for c in citations] or [p.latest.sheet_id], intent="prose")
