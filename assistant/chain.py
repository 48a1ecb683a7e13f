"""The Assistant: question → understand → resolve → facts and quotes → answer.

Each step is a LangChain Runnable over an explicit ``Work`` record; the conversation comes in
as ``history`` (no global state). The CLI, the UI and the eval all call ``Assistant.ask``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from langchain_core.runnables import Runnable, RunnableLambda

from assistant import compose
from assistant.answer import Answer, Citation, Fact
from assistant.figures import (
    COST_ALIASES,
    cost_facts,
    evaluation_facts,
    indicator_facts,
    plan_misses,
    rank_costs,
    rated_as,
    results_differ,
    rate,
)
from assistant.memory import settle
from assistant.resolve import (
    Catalog,
    IndicatorRef,
    SheetRef,
    bigrams,
    expand,
    fingerprint_of,
    pick_sheet,
    project_core,
    project_key,
    short_name,
    similarity,
    squash,
    variants,
)
from assistant.settings import AssistantSettings
from assistant.understand import Question, understand
from ingest.model import COST_FIELDS, SECTION_LABELS, Sheet
from ingest.normalize import nfkc
from ingest.store import FigureStore

INDICATOR_FIELDS = ("plan", "actual", "rate", "change")
COST_QUESTION_FIELDS = ("project_cost", "personnel_cost", "total_cost", "general_revenue", "national_prefectural",
                        "municipal_bonds", "user_charges", "unit_cost")
_REASON_WORDS = ("ため", "による", "よる", "伴い", "増加", "減少", "要因", "理由", "影響", "受け")
_EN_REASON = ("because", "due to")


@dataclass
class Turn:
    """One earlier exchange of the conversation."""

    question: str
    answer: Answer


@dataclass
class Focus:
    """What a turn was about: follow-ups (その前年は？ 計画値は？ 人件費は？) start from it."""

    sheet_ids: list[str] = field(default_factory=list)
    indicator: IndicatorRef | None = None
    years: list[int] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)


@dataclass
class Work:
    """Everything one question gathers on its way through the chain."""

    text: str
    history: list[Turn]
    q: Question | None = None
    focus: Focus | None = None
    sheets: list[Sheet] = field(default_factory=list)
    indicator: IndicatorRef | None = None
    years: list[int] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    answer: Answer | None = None
    compare: list[list[SheetRef]] = field(default_factory=list)  # two or more projects named
    unknown: str | None = None  # a project name the store does not hold
    # an indicator asked for without its project, found in other projects just as well
    namesakes: list[IndicatorRef] = field(default_factory=list)
    namesake_facts: list[tuple[Sheet, list[Fact]]] = field(default_factory=list)
    namesake_total: int = 0  # how many other projects have it (only the first few are answered)


class Assistant:
    """Answers questions from one store. Load once (the model is heavy), ask many times."""

    def __init__(self, settings: AssistantSettings, store: FigureStore, retriever: Any | None = None,
                 chat_model: Any | None = None) -> None:
        self.settings = settings
        self.store = store
        self.retriever = retriever
        self.chat_model = chat_model
        self._catalog: Catalog | None = None
        self._version: tuple[int, int] | None = None
        self._sheets: dict[str, Sheet] = {}
        self.chain: Runnable[Work, Answer] = (
            RunnableLambda(self._understand, name="understand")
            | RunnableLambda(self._resolve, name="resolve")
            | RunnableLambda(self._gather, name="facts")
            | RunnableLambda(self._compose, name="compose")
            | RunnableLambda(self._write, name="write")
        )

    @classmethod
    def from_settings(cls, settings: AssistantSettings | None = None, retrieval: bool = True) -> Assistant:
        settings = settings or AssistantSettings()
        store = FigureStore(settings.sqlite_path, read_only=True)
        retriever = None
        if retrieval:
            from assistant.retrieve import HybridRetriever

            retriever = HybridRetriever.for_settings(settings)
        chat_model = None
        if settings.llm.backend != "off":
            from assistant.llm import make_chat_model

            chat_model = make_chat_model(settings.llm)
        return cls(settings, store, retriever, chat_model)

    # ── public ────────────────────────────────────────────────────────────────────────────

    def ask(self, question: str, history: list[Turn] | None = None) -> Answer:
        return self.chain.invoke(Work(text=question, history=list(history or [])))

    @property
    def catalog(self) -> Catalog:
        # The version check is nearly free; the fingerprint reads the sheets table, so it runs
        # only once something was committed (an index build beside a running app).
        version = self.store.version()
        if version != self._version:
            if self._catalog is None or self._catalog.fingerprint != fingerprint_of(self.store):
                self._catalog = Catalog.load(self.store)
                self._sheets.clear()
                settle()  # the catalog lives until the store changes
            self._version = version
        assert self._catalog is not None
        return self._catalog

    def forget(self) -> None:
        """Drop what earlier questions left in memory (parsed sheets, question-keyed matches), so
        a question asked again costs what it did the first time: for benchmarks that repeat a set."""
        self._sheets.clear()
        similarity.cache_clear()
        variants.cache_clear()

    def sheet(self, sheet_id: str) -> Sheet | None:
        if sheet_id not in self._sheets:
            sheet = self.store.get_sheet(sheet_id)
            if sheet is None:
                return None
            self._sheets[sheet_id] = sheet
        return self._sheets[sheet_id]

    # ── steps ─────────────────────────────────────────────────────────────────────────────

    def _understand(self, w: Work) -> Work:
        w.q = understand(w.text)
        # The last turn that was about a project: a declined 「2030年度は？」 does not end the topic.
        about = next((t.answer for t in reversed(w.history) if t.answer.answerable and t.answer.sheet_ids), None)
        if about is not None:
            w.focus = self._focus_of(about)
        return w

    def _focus_of(self, answer: Answer) -> Focus:
        focus = Focus(sheet_ids=list(answer.sheet_ids))
        rows = [(f.sheet_id, f.row) for f in answer.facts if f.field in INDICATOR_FIELDS and f.row]
        if rows:
            sid, label = rows[0]
            focus.indicator = next((i for i in self.catalog.indicators_of(sid) if i.label == label), None)
        focus.years = sorted({f.fy for f in answer.facts if f.fy is not None})
        focus.fields = list(dict.fromkeys(f.field.removesuffix("_change") for f in answer.facts))
        return focus

    def _resolve(self, w: Work) -> Work:
        q = w.q
        assert q is not None
        cat = self.catalog
        w.fields = [COST_ALIASES.get(f, f) for f in q.fields]
        if q.intent in ("ranking", "filter", "list"):
            return w
        projects = cat.projects(q.text)
        orgs = cat.organisations(q.text)
        if projects and orgs:  # 「市民部のデジタルファースト推進事業」: the 課 or 部 picks among namesakes
            org_ids = {o.sheet_id for o in orgs}
            kept = []
            for sc, ref in projects:
                namesakes = [r for _, r in projects if r.project == ref.project]
                if ref.sheet_id in org_ids or not any(r.sheet_id in org_ids for r in namesakes):
                    kept.append((sc, ref))
            projects = kept or projects
        sheet_refs = [s for _, s in projects]
        keys = list(dict.fromkeys(project_key(s) for s in sheet_refs))
        if len(keys) >= 2 and all(sc >= 0.95 for sc, _ in projects) and _names_each(q.text, keys):
            w.compare = [[s for s in sheet_refs if project_key(s) == k] for k in keys]
        if not sheet_refs and orgs:
            sheet_refs = orgs
        if not sheet_refs and (unknown := _unknown_project(q.text, cat)):
            w.unknown = unknown
            return w
        if q.years and not sheet_refs and not q.follow_up and not any(cat.covers(y) for y in q.years):
            w.unknown = f"{q.years[0]}年度"  # no sheet reaches that year (2040年の人口推計)
            return w
        scope = {s.sheet_id for s in sheet_refs} if sheet_refs else None
        subject = q.subject or q.text
        inds = cat.indicators_for(subject, scope, threshold=0.3 if scope else 0.75)
        if scope is not None and inds and inds[0][0] < 0.5 and len(inds) > 1 and inds[0][0] - inds[1][0] < 0.1:
            inds = []  # nothing in the project's indicators stands out
        wants_indicator = not w.fields or any(f in INDICATOR_FIELDS for f in w.fields)
        wants_indicator = wants_indicator and not any(f in COST_QUESTION_FIELDS or f == "result" for f in w.fields)
        if wants_indicator and projects and not q.follow_up:
            # The project matched only in part (「キャッシュレス決済を導入した施設」 is not
            # キャッシュレス決済導入事業), or only through words of the indicator's own name
            # (「キャッシュレス決済の利用件数」 is not キャッシュレス決済推進事業): an indicator named at
            # least as well elsewhere wins, and a project that has it too is answered among the others.
            anywhere = cat.indicators_for(subject, None, threshold=0.75)
            if anywhere and (not inds or anywhere[0][0] >= inds[0][0]):
                top = squash(anywhere[0][1].name or "")
                inside = all(_core_name(r.project) in top for _, r in projects)
                if inside or max(sc for sc, _ in projects) < 0.95:
                    projects, sheet_refs, inds = [], [], anywhere
        if inds and wants_indicator:
            w.indicator = inds[0][1]
            if not sheet_refs:
                home = cat.sheet(w.indicator.sheet_id)
                sheet_refs = cat.sheets_of(home) if home is not None else []
                if not q.follow_up and home is not None:
                    everyone = _namesakes(cat, inds, project_key(home))
                    w.namesakes, w.namesake_total = everyone[: NAMESAKES_SHOWN - 1], len(everyone)
        follow = w.focus is not None and q.follow_up and not projects and not (inds and inds[0][0] >= 0.75)
        if follow:
            f = w.focus
            assert f is not None
            focus_refs = [s for s in (cat.sheet(i) for i in f.sheet_ids) if s is not None]
            sheet_refs = list({s.sheet_id: s for r in focus_refs for s in cat.sheets_of(r)}.values())  # every year
            if wants_indicator and f.indicator is not None and not inds:
                w.indicator = f.indicator
            if not w.fields or w.fields == ["change"]:
                inherited = [x for x in f.fields if x in INDICATOR_FIELDS] if w.indicator else list(f.fields)
                w.fields = list(dict.fromkeys([*inherited, *w.fields]))
        # Years: explicit; relative to the year under discussion (a follow-up) or to the sheet's own.
        base = _base_sheet(sheet_refs, q.years)
        if q.years:
            w.years = list(q.years)
            if q.intent == "trend" and len(w.years) == 2:
                w.years = list(range(w.years[0], w.years[1] + 1))
        elif follow and w.focus and w.focus.years and (q.relative_years or re.search(r"その前|前の年|その次|その翌", w.text)):
            shift = q.relative_years[0] if q.relative_years else (-1 if re.search(r"その前|前の年", w.text) else 1)
            w.years = [w.focus.years[-1] + shift]
        elif q.relative_years and base is not None and base.target_fy is not None:
            w.years = [base.target_fy + off for off in q.relative_years]
        elif follow and w.focus and w.focus.years:
            w.years = list(w.focus.years)
            if q.intent == "why":  # 「なぜ増えた？」 after two years were discussed: the rise into the later one
                recent = [f.fy for t in w.history[-2:] for f in t.answer.facts if f.fy is not None]
                w.years = [max(recent + w.years)]
        if sheet_refs:
            candidates = _same_project(sheet_refs, w.indicator)
            # A year names the work evaluated, as the sheets' own 実計区分/評価結果 columns do
            # (「令和５年度の行政評価結果で「改善」」 is the 2023 column).
            chosen = pick_sheet(candidates, w.years[-1] if w.years else None)
            if w.indicator is not None and w.indicator.sheet_id != chosen.sheet_id:
                w.indicator = next((i for i in cat.indicators_of(chosen.sheet_id)
                                    if i.kind == w.indicator.kind and i.no == w.indicator.no), w.indicator)
            sheet = self.sheet(chosen.sheet_id)
            if sheet is not None:
                w.sheets = [sheet]
        return w

    def _gather(self, w: Work) -> Work:
        q = w.q
        assert q is not None
        if q.intent == "filter":
            return self._filter(w)
        if q.intent == "ranking":
            return self._ranking(w)
        if q.intent == "list":
            return self._list(w)
        if w.unknown:
            lang = q.lang
            what = w.unknown if w.unknown.endswith("年度") else f"「{w.unknown}」という事業"
            text = (f"{what}のシートは登録されていません。" if lang == "ja"
                    else f"No sheet in the store covers {w.unknown}. ")
            w.answer = Answer(question=w.text, answer=text + compose.decline(lang, self._holdings(w)),
                              answerable=False, intent=q.intent)
            return w
        if w.compare:
            return self._compare(w)
        if not w.sheets:
            if q.intent in ("summary", "why"):
                self._quotes_anywhere(w)
            return w
        sheet = w.sheets[0]
        target = sheet.target_fy
        cost_fields = [f for f in w.fields if f in COST_FIELDS]
        ind = next((i for i in sheet.indicators if w.indicator and i.kind == w.indicator.kind
                    and i.no == w.indicator.no), None)
        if q.intent == "trend":
            years = w.years if len(w.years) > 1 else _all_years(sheet, ind, cost_fields)
        else:
            years = w.years or ([target] if target else [])
        if cost_fields:
            change = "change" in w.fields or q.intent == "why"
            w.facts = cost_facts(sheet, years, cost_fields, change)
        elif ind is not None and q.intent in ("figure", "trend", "why"):
            fields = [f for f in w.fields if f in INDICATOR_FIELDS] or ["actual", "plan", "rate"]
            if "change" in fields:  # a change reads beside the figure it changed to
                fields = list(dict.fromkeys(["actual", *fields]))
            if "rate" in fields:  # a rate is only readable beside the figures it comes from
                fields = list(dict.fromkeys(["actual", "plan", *fields]))
            if q.intent == "trend":
                fields = ["plan", "actual"]
            w.facts = indicator_facts(sheet, ind, years, fields)
            if q.intent != "why":
                self._namesake_facts(w, years, fields)
        elif "result" in w.fields:
            w.facts = evaluation_facts(sheet)
        elif "section" in w.fields or "department" in w.fields:
            w.facts = [Fact(sheet_id=sheet.sheet_id, project=sheet.project.name, field=f,
                            value=getattr(sheet.project, f), row="担当" if f == "section" else "部局")
                       for f in ("department", "section") if getattr(sheet.project, f)]
        if q.intent in ("summary", "why"):
            self._quotes(w, sheet, cost_fields, ind)
        return w

    def _compose(self, w: Work) -> Answer:
        q = w.q
        assert q is not None
        lang = q.lang
        if w.answer is not None:
            return w.answer
        sheet = w.sheets[0] if w.sheets else None
        project = sheet.project.name if sheet else None
        sheet_ids = [s.sheet_id for s in w.sheets]
        if w.facts and q.intent in ("figure", "trend", "why") or (w.facts and not w.citations):
            ind_facts = [f for f in w.facts if f.field in INDICATOR_FIELDS
                         and (sheet is None or f.sheet_id == sheet.sheet_id)]
            if ind_facts and w.indicator is not None:
                name = ind_facts[0].indicator
                label = ind_facts[0].row or ""
                write = compose.trend_answer if q.intent == "trend" else compose.indicator_answer
                if not w.namesake_facts or sheet is None:
                    text = write(project, label, name, ind_facts, lang)
                else:
                    # the question did not say which project: every project with that indicator,
                    # namesakes told apart by their 課
                    homes = [sheet, *(s for s, _ in w.namesake_facts)]
                    names = [h.project.name for h in homes]

                    def who(h: Sheet) -> str | None:
                        p = h.project
                        return f"{p.name}（{p.section or p.department}）" if names.count(p.name) > 1 else p.name

                    lines = [write(who(sheet), label, name, ind_facts, lang)] + [
                        write(who(s), fs[0].row or "", fs[0].indicator, fs, lang) for s, fs in w.namesake_facts]
                    total = max(len(lines), w.namesake_total + 1)
                    shown = "" if total == len(lines) else (f"（うち{len(lines)}事業）" if lang == "ja"
                                                             else f" (showing {len(lines)})")
                    lead = (f"「{name}」は{total}の事業の指標にあります{shown}。" if lang == "ja"
                            else f"{total} projects report 「{name}」{shown}. ")
                    text = lead + "\n" + "\n".join(f"・{line}" for line in lines)
                    sheet_ids += [s.sheet_id for s, _ in w.namesake_facts]
            elif any(f.field in COST_FIELDS or f.field.endswith("_change") for f in w.facts):
                text = compose.cost_answer(project, w.facts, lang)
            else:
                text = _plain_facts(project, w.facts, lang)
            if w.citations:
                text += "\n" + compose.quote_answer(project, w.citations, lang, lead=(
                    "理由として、シートには次のように書かれています。" if lang == "ja" else "The sheet gives these reasons:"))
            return Answer(question=w.text, answer=text, facts=w.facts, citations=w.citations, intent=q.intent,
                          sheet_ids=sheet_ids)
        if w.citations:
            return Answer(question=w.text, answer=compose.quote_answer(project or w.citations[0].project,
                                                                       w.citations, lang),
                          facts=w.facts, citations=w.citations, intent=q.intent,
                          sheet_ids=sheet_ids or list(dict.fromkeys(c.sheet_id for c in w.citations)))
        return Answer(question=w.text, answer=compose.decline(lang, self._holdings(w)), answerable=False,
                      intent=q.intent, sheet_ids=sheet_ids)

    def _write(self, answer: Answer) -> Answer:
        if self.chat_model is None or not answer.answerable:
            return answer
        from assistant.llm import write_with_llm

        computed = [f.value for f in answer.facts if f.computed and isinstance(f.value, int | float)]
        return write_with_llm(self.chat_model, answer.question, answer.facts, answer.citations, computed, answer)

    # ── intents over many sheets ──────────────────────────────────────────────────────────

    def _scope(self, q: Question) -> tuple[list[str] | None, str]:
        """Sheets a cross-project question is limited to (a theme, a department), and how to say so."""
        cat = self.catalog
        orgs = cat.organisations(q.text)
        if orgs:
            ids = [s.sheet_id for s in orgs]
            return ids, orgs[0].section or orgs[0].department or ""
        if q.theme:
            return self._theme_sheets(q.theme), f"{q.theme}関連"
        return None, ""

    def _theme_sheets(self, theme: str) -> list[str]:
        """Sheets whose name, 課 or text mentions the theme (DX, ＤＸ and デジタル for 「DX関連」)."""
        words = [theme]
        if nfkc(theme).upper() in ("DX", "IT", "ICT"):
            words += ["デジタル", "オンライン", "電子"]
        return self.catalog.mentioning(words)

    def _ranking(self, w: Work) -> Work:
        q = w.q
        assert q is not None
        fld = next((f for f in w.fields if f in COST_FIELDS), "total_cost")
        ids, scope = self._scope(q)
        fy = q.years[0] if q.years else None
        ranked = rank_costs(self.store, self.catalog, fld, fy, ids, lowest=q.lowest, limit=10)
        if not ranked:
            return w
        unit = "円" if fld.startswith("unit_cost") else "千円"
        label = COST_FIELDS[fld]
        w.facts = [Fact(sheet_id=r.sheet_id, project=r.project, indicator=label, row=label, fy=r.fy, field=fld,
                        value=r.value, unit=unit) for r in ranked]
        top = ranked[0]
        lang = q.lang
        when = compose.year_ja(fy) + "の" if fy else "各シートの評価対象年度の"
        if lang == "en":
            rest = "; ".join(f"{r.project} ({compose.num(r.value)} {unit}, FY{r.fy})" for r in ranked[1:5])
            text = (f"The {'lowest' if q.lowest else 'highest'} {compose.COST_EN[fld]}"
                    f"{' among ' + scope + ' projects' if scope else ''}{' in ' + compose.year_en(fy) if fy else ''} "
                    f"is {top.project} ({compose.num(top.value)} {unit}, FY{top.fy}). Next: {rest}.")
        else:
            rest = "、".join(f"{r.project}（{compose.num(r.value, unit)}）" for r in ranked[1:5])
            text = (f"{when}{scope + 'の事業で' if scope else ''}{label}が最も{'小さい' if q.lowest else '大きい'}のは"
                    f"{top.project}（{top.section or top.department or ''}）の{compose.num(top.value, unit)}"
                    f"（{top.fy}年度）です。" + (f"続いて{rest}です。" if rest else ""))
        w.answer = Answer(question=w.text, answer=text, facts=w.facts, intent="ranking",
                          sheet_ids=[r.sheet_id for r in ranked])
        return w

    def _namesake_facts(self, w: Work, years: list[int], fields: list[str]) -> None:
        """The same figures from every other project whose indicator matched as well."""
        for ref in w.namesakes:
            home = self.catalog.sheet(ref.sheet_id)
            if home is None:
                continue
            refs = self.catalog.sheets_of(home)
            sheet = self.sheet(pick_sheet(refs, years[-1] if years else None).sheet_id)
            ind = next((i for i in sheet.indicators if i.kind == ref.kind and i.no == ref.no
                        and i.name == ref.name), None) if sheet is not None else None
            if sheet is None or ind is None:
                continue
            facts = indicator_facts(sheet, ind, years, fields)
            if facts:
                w.namesake_facts.append((sheet, facts))
                w.facts += facts

    def _compare(self, w: Work) -> Work:
        """Two or more projects named: the same figures for each, side by side, largest first."""
        q = w.q
        assert q is not None
        fy = w.years[-1] if w.years else None
        cost_fields = [f for f in w.fields if f in COST_FIELDS] or ["total_cost"]
        rows: list[tuple[Fact, Sheet]] = []
        for refs in w.compare:
            sheet = self.sheet(pick_sheet(refs, fy).sheet_id)
            if sheet is None:
                continue
            year = fy or sheet.target_fy
            facts = cost_facts(sheet, [year] if year else [], cost_fields[:1])
            w.facts += facts
            w.sheets.append(sheet)
            if facts:
                rows.append((facts[0], sheet))
        if len(rows) < 2:
            return w
        rows.sort(key=lambda fs: fs[0].value, reverse=True)
        label = rows[0][0].row
        lang = q.lang
        if lang == "en":
            parts = "; ".join(f"{f.project}: {compose.num(f.value)} {f.unit} (FY{f.fy})" for f, _ in rows)
            text = f"{compose.COST_EN.get(rows[0][0].field, label)} — {parts}. The larger is {rows[0][0].project}."
        else:
            parts = "、".join(f"{f.project}は{compose.num(f.value, f.unit)}（{f.fy}年度）" for f, _ in rows)
            text = f"{label}は、{parts}です。{rows[0][0].project}の方が大きくなっています。"
        w.answer = Answer(question=w.text, answer=text, facts=w.facts, intent="comparison",
                          sheet_ids=[s.sheet_id for _, s in rows])
        return w

    def _filter(self, w: Work) -> Work:
        q = w.q
        assert q is not None
        ids, scope = self._scope(q)
        lang = q.lang
        if q.differ:
            return self._differ(w, ids)
        if q.result_word:
            # 「2024年度の評価で縮小」: the evaluation of that year's work
            rated = rated_as(self.catalog, q.result_word, q.years, ids)
            w.facts = [Fact(sheet_id=r.sheet_id, project=r.project, row="二次評価", indicator="二次評価の評価結果",
                            fy=r.target_fy, field="result", value=q.result_word) for r in rated]
            names = "、".join(dict.fromkeys(r.project or r.sheet_id for r in rated))
            w.facts.append(_count_fact(len(rated)))
            text = (f"二次評価で「{q.result_word}」とされた事業は{len(rated)}件です：{names}。" if rated else
                    f"二次評価で「{q.result_word}」とされた事業はありません。")
            if lang == "en":
                text = (f"{len(rated)} project(s) were rated 「{q.result_word}」 in the secondary evaluation: {names}."
                        if rated else f"No project was rated 「{q.result_word}」.")
            w.answer = Answer(question=w.text, answer=text, facts=w.facts, intent="filter",
                              sheet_ids=[r.sheet_id for r in rated])
            return w
        fy = q.years[0] if q.years else None
        misses = plan_misses(self.store, self.catalog, q.kind, fy, under=q.condition != "over", sheet_ids=ids)
        for m in misses:
            base = dict(sheet_id=m.sheet_id, project=m.project, indicator=m.name, row=m.label, fy=m.fy, unit=m.unit)
            w.facts += [Fact(**base, field="plan", value=m.plan), Fact(**base, field="actual", value=m.actual)]
            if (r := rate(m.actual, m.plan)) is not None:
                w.facts.append(Fact(**{**base, "unit": "%"}, field="rate", value=r, computed=True))
        projects = list(dict.fromkeys(m.project for m in misses))
        w.facts.append(_count_fact(len(projects)))
        kind_ja = {"outcome": "成果指標", "activity": "活動指標"}.get(q.kind or "", "指標")
        verb = "計画を上回った" if q.condition == "over" else "計画に届かなかった"
        if lang == "en":
            verb_en = "exceeded" if q.condition == "over" else "fell short of"
            lines = "; ".join(f"{m.project}: {m.label} 「{m.name}」 FY{m.fy} actual {compose.num(m.actual)} vs plan "
                              f"{compose.num(m.plan)} {m.unit or ''}" for m in misses[:15])
            text = (f"{len(projects)} project(s) have an indicator that {verb_en} its plan: {lines}."
                    if misses else "No project has such an indicator.")
        else:
            lines = "\n".join(
                f"・{m.project}：{m.label}「{m.name}」{m.fy}年度 実績{compose.num(m.actual, m.unit)}"
                f"（計画{compose.num(m.plan, m.unit)}、達成率{compose.num(rate(m.actual, m.plan))}%）"
                for m in misses[:30]
            )
            when = compose.year_ja(fy) + "に" if fy else "最新の評価で"
            # every project by name (the detail lines stop at 30 indicators), unless too many to read
            names = "：" + "、".join(projects[:NAMES_CAP]) + (f"ほか{len(projects) - NAMES_CAP}事業"
                                                             if len(projects) > NAMES_CAP else "")
            text = (f"{when}{scope + 'の事業で' if scope else ''}{kind_ja}が{verb}事業は{len(projects)}件です"
                    f"{names if len(projects) > 1 else ''}。\n{lines}"
                    if misses else f"{kind_ja}が{verb}事業はありません。")
            if len(misses) > 30:
                w.facts.append(_count_fact(len(misses) - 30))
                text += f"\n…ほか{len(misses) - 30}件（表をご覧ください）"
        w.answer = Answer(question=w.text, answer=text, facts=w.facts, intent="filter",
                          sheet_ids=list(dict.fromkeys(m.sheet_id for m in misses)))
        return w

    def _differ(self, w: Work, ids: list[str] | None) -> Work:
        """Projects whose primary and secondary results differ (一次評価と二次評価の結果が違う)."""
        q = w.q
        assert q is not None
        rows = results_differ(self.catalog, q.years, ids)
        for r in rows:
            base = dict(sheet_id=r.sheet_id, project=r.project, fy=r.target_fy, field="result")
            w.facts += [Fact(**base, row="一次評価", indicator="一次評価の評価結果", value=r.primary),
                        Fact(**base, row="二次評価", indicator="二次評価の評価結果", value=r.secondary)]
        w.facts.append(_count_fact(len(rows)))
        if q.lang == "en":
            lines = "; ".join(f"{r.project} (FY{r.target_fy}): primary {r.primary} → secondary {r.secondary}"
                              for r in rows)
            text = f"{len(rows)} project(s) got different results: {lines}." if rows else "None."
        else:
            lines = "\n".join(f"・{r.project}（{r.target_fy}年度）：一次評価「{r.primary}」→ 二次評価「{r.secondary}」"
                              for r in rows)
            text = (f"一次評価と二次評価の結果が異なる事業は{len(rows)}件です。\n{lines}" if rows
                    else "一次評価と二次評価の結果が異なる事業はありません。")
        w.answer = Answer(question=w.text, answer=text, facts=w.facts, intent="filter",
                          sheet_ids=[r.sheet_id for r in rows])
        return w

    def _list(self, w: Work) -> Work:
        q = w.q
        assert q is not None
        ids, scope = self._scope(q)
        if ids is None:
            return w
        refs = [s for s in self.catalog.sheets if s.sheet_id in set(ids)]
        names = list(dict.fromkeys(s.project for s in refs if s.project))
        text = (f"{scope}の事業は{len(names)}件です：" + "、".join(names) + "。") if q.lang == "ja" else (
            f"{len(names)} project(s) for {scope}: " + ", ".join(names) + ".")
        w.facts = [Fact(sheet_id=s.sheet_id, project=s.project, field="section", value=s.section, row="担当")
                   for s in refs] + [_count_fact(len(names))]
        w.answer = Answer(question=w.text, answer=text, facts=w.facts, intent="list", sheet_ids=[s.sheet_id for s in refs])
        return w

    # ── quotes ────────────────────────────────────────────────────────────────────────────

    def _quotes(self, w: Work, sheet: Sheet, cost_fields: list[str], ind: Any) -> None:
        q = w.q
        assert q is not None
        keys = list(q.sections)
        if not keys and q.intent == "why":
            if "result" in w.fields:
                keys = ["secondary_comment", "primary_comment"]
            elif cost_fields:
                keys = ["cost_analysis"]
            elif ind is not None:
                keys = ["activity_analysis" if ind.kind == "activity" else "outcome_analysis"]
        if not keys and q.intent == "summary":
            keys = ["purpose", "means"]
        sections = [s for s in sheet.sections if s.key in keys] if keys else []
        if not sections and cost_fields:  # no cost analysis: the note that names the row (※人件費は…)
            labels = [COST_FIELDS[f] for f in cost_fields]
            sections = [s for s in sheet.sections if any(label in s.text for label in labels)]
        if not sections:
            sections = self._retrieved_sections(w.text, [sheet.sheet_id])
        prefer = _REASON_WORDS if q.intent == "why" else ()
        cap = self.settings.max_quote_chars
        if q.intent == "summary":
            cap = int(cap * 1.7)  # a summary covers the section; a reason is one or two sentences
        for s in sections[:3]:
            picker = compose.summary_sentences if q.intent == "summary" else compose.best_sentences
            for quote in picker(s.text, expand(w.text), cap, prefer)[:4]:
                w.citations.append(Citation(sheet_id=sheet.sheet_id, project=sheet.project.name, section=s.label,
                                            quote=quote, key=s.key))

    def _quotes_anywhere(self, w: Work) -> None:
        """No project named: find the passage across the store, then quote it."""
        q = w.q
        assert q is not None
        hits = self._retrieve(w.text, None, q.sections or None, relevant_only=True)
        if not hits:
            return
        sheet = self.sheet(hits[0][0])
        if sheet is None:
            return
        w.sheets = [sheet]
        self._quotes(w, sheet, [f for f in w.fields if f in COST_FIELDS], None)

    def _retrieved_sections(self, text: str, sheet_ids: list[str]) -> list[Any]:
        hits = self._retrieve(text, sheet_ids, None)
        out = []
        for sid, key in hits:
            sheet = self.sheet(sid)
            if sheet is None:
                continue
            out += [s for s in sheet.sections if s.key == key and s not in out]
        return out

    def _retrieve(self, text: str, sheet_ids: list[str] | None, keys: list[str] | None,
                  relevant_only: bool = False) -> list[tuple[str, str]]:
        """(sheet_id, section key) of the prose passages that best match, best first.

        ``relevant_only`` keeps passages that share a content word with the question and sit
        close to it in embedding space: with no project named, a weak hit means no answer.
        """
        if self.retriever is None:
            return self._lexical(text, sheet_ids, keys)
        docs = self.retriever.search(text, k=self.settings.top_k, sheet_ids=sheet_ids, section_keys=keys,
                                     chunk_types=["prose"])
        if relevant_only:
            docs = [d for d in docs if d.metadata.get("bm25_score") and
                    (d.metadata.get("dense_distance") or 1.0) <= self.settings.max_distance]
        return [(d.metadata["sheet_id"], d.metadata.get("section_key")) for d in docs]

    def _lexical(self, text: str, sheet_ids: list[str] | None, keys: list[str] | None) -> list[tuple[str, str]]:
        """Bigram overlap over the stored sections: retrieval when no vector index is at hand."""
        qb = bigrams(expand(text))
        where, params = [], []
        if sheet_ids:
            where.append(f"sheet_id IN ({','.join('?' * len(sheet_ids))})")
            params += sheet_ids
        if keys:
            where.append(f"key IN ({','.join('?' * len(keys))})")
            params += keys
        rows = self.store.query("SELECT sheet_id, key, text FROM sections" + (" WHERE " + " AND ".join(where)
                                                                              if where else ""), tuple(params))
        scored = sorted(((len(qb & bigrams(r["text"])) / (len(qb) or 1), r["sheet_id"], r["key"]) for r in rows),
                        reverse=True)
        return [(sid, key) for sc, sid, key in scored[:5] if sc >= 0.3]

    def _holdings(self, w: Work) -> str:
        """What the sheets do hold, for a decline: the projects and years, or one sheet's contents."""
        if w.sheets:
            s = w.sheets[0]
            years = sorted({v.fy for i in s.indicators for v in i.values} | {c.fy for c in s.costs})
            span = f"{years[0]}〜{years[-1]}年度" if years else ""
            inds = "、".join(f"{i.label}「{i.name}」" for i in s.indicators[:7])
            return f"「{s.project.name}」の{span}の指標（{inds}）、事業費、評価結果とコメント"
        cat = self.catalog
        years = sorted({s.target_fy for s in cat.sheets if s.target_fy})
        span = f"{years[0]}〜{years[-1]}年度" if years else ""
        return f"{len(cat.sheets)}件の事務事業評価シート（{span}実施分）の指標・事業費・評価・コメント"


def _base_sheet(refs: list[SheetRef], years: list[int]) -> SheetRef | None:
    if not refs:
        return None
    return pick_sheet(refs, years[-1] if years else None)


def _same_project(refs: list[SheetRef], ind: IndicatorRef | None) -> list[SheetRef]:
    """All sheets of the one project the question is about (several evaluated years)."""
    if ind is not None:
        home = next((r for r in refs if r.sheet_id == ind.sheet_id), None)
        if home is not None:
            return [r for r in refs if project_key(r) == project_key(home)] or refs
    first = project_key(refs[0])
    return [r for r in refs if project_key(r) == first]


def _core_name(project: str | None) -> str:
    """デジタルファースト推進事業 → デジタルファースト (squashed): what a question may call it."""
    core = squash(short_name(project or ""))
    return core or "\0"  # never "inside" anything when the name is all tail


NAMES_CAP = 100  # project names listed in one answer's text; the facts table holds them all


NAMESAKES_SHOWN = 5  # projects answered for an indicator the question did not tie to one


def _namesakes(cat: Catalog, inds: list[tuple[float, IndicatorRef]],
               chosen: tuple[str | None, str | None]) -> list[IndicatorRef]:
    """Other projects' indicators that match as well as the chosen one (one per project)."""
    best = inds[0][0]
    seen, out = {chosen}, []
    for sc, ind in inds:
        if sc < best - 1e-6:
            break
        ref = cat.sheet(ind.sheet_id)
        if ref is None or project_key(ref) in seen:
            continue
        seen.add(project_key(ref))
        out.append(ind)
    return out


def _names_each(text: str, keys: list[tuple[str | None, str | None]]) -> bool:
    """The question spells out two or more different project names (a comparison)."""
    names = {k[0] for k in keys if k[0]}
    t = nfkc(text)
    return len(names) >= 2 and all(nfkc(n) in t for n in names)


_PROJECT_WORD = re.compile(r"([^\s、。「」（）()のはがをにでと]{2,30}事業)(?![費所者])")
_GENERIC = ("関連事業", "の事業", "全事業", "各事業", "対象事業", "継続事業", "新規事業", "実施事業")


def _unknown_project(text: str, cat: Catalog) -> str | None:
    """A name that looks like a project (…事業) but matches none in the store."""
    for m in _PROJECT_WORD.finditer(nfkc(text)):
        name = m.group(1)
        if name.endswith(_GENERIC) or len(name) <= 4 or "年度" in name:
            continue
        core = project_core(name)
        if len(squash(core)) >= 2 and not cat.resembles_project(core, 0.6):
            return name
    return None


def _all_years(sheet: Sheet, ind: Any, cost_fields: list[str]) -> list[int]:
    if cost_fields:
        return [c.fy for c in sheet.costs if sheet.target_fy is None or c.fy <= sheet.target_fy]
    if ind is not None:
        return [v.fy for v in ind.values if sheet.target_fy is None or v.fy <= sheet.target_fy]
    return []


def _count_fact(n: int) -> Fact:
    """How many projects a list holds: a number the answer states, so a fact like any other."""
    return Fact(sheet_id="*", field="count", value=n, unit="件", computed=True, row="件数")


def _plain_facts(project: str | None, facts: list[Fact], lang: str) -> str:
    parts = [f"{f.row or f.field}：{compose.num(f.value, f.unit)}" for f in facts]
    if lang == "en":
        return f"{project}: " + "; ".join(parts) + "."
    return f"{project}の" + "、".join(parts) + "です。"


__all__ = ["Assistant", "Turn", "SECTION_LABELS"]
