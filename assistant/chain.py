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
    rate,
)
from assistant.resolve import Catalog, IndicatorRef, SheetRef, bigrams, expand, fingerprint_of, pick_sheet
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


class Assistant:
    """Answers questions from one store. Load once (the model is heavy), ask many times."""

    def __init__(self, settings: AssistantSettings, store: FigureStore, retriever: Any | None = None,
                 chat_model: Any | None = None) -> None:
        self.settings = settings
        self.store = store
        self.retriever = retriever
        self.chat_model = chat_model
        self._catalog: Catalog | None = None
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
        if self._catalog is None or self._catalog.fingerprint != fingerprint_of(self.store):
            self._catalog = Catalog.load(self.store)
            self._sheets.clear()
        return self._catalog

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
        if w.history:
            w.focus = self._focus_of(w.history[-1].answer)
        return w

    def _focus_of(self, answer: Answer) -> Focus:
        focus = Focus(sheet_ids=list(answer.sheet_ids))
        rows = [(f.sheet_id, f.row) for f in answer.facts if f.field in INDICATOR_FIELDS and f.row]
        if rows:
            sid, label = rows[0]
            focus.indicator = next((i for i in self.catalog.indicators if i.sheet_id == sid and i.label == label), None)
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
        sheet_refs = [s for _, s in projects]
        if not sheet_refs and (orgs := cat.organisations(q.text)) and q.intent != "figure":
            sheet_refs = orgs
        scope = {s.sheet_id for s in sheet_refs} if sheet_refs else None
        subject = q.subject or q.text
        inds = cat.indicators_for(subject, scope) if (scope or subject) else []
        if scope is None and inds and inds[0][0] < 0.75:
            inds = []  # without a project, only a clear indicator name decides the sheet
        wants_indicator = not w.fields or any(f in INDICATOR_FIELDS for f in w.fields)
        wants_indicator = wants_indicator and not any(f in COST_QUESTION_FIELDS for f in w.fields)
        if inds and wants_indicator:
            w.indicator = inds[0][1]
            if not sheet_refs:
                sheet_refs = [r for r in cat.sheets if r.project == (cat.sheet(w.indicator.sheet_id) or r).project]
        follow = w.focus is not None and q.follow_up and not projects and not (inds and inds[0][0] >= 0.75)
        if follow:
            f = w.focus
            assert f is not None
            sheet_refs = [s for s in (cat.sheet(i) for i in f.sheet_ids) if s is not None]
            if wants_indicator and f.indicator is not None and not inds:
                w.indicator = f.indicator
            if not w.fields:
                w.fields = [x for x in f.fields if x in INDICATOR_FIELDS] if w.indicator else list(f.fields)
        # Years, relative ones fixed against the chosen sheet's evaluated year.
        base = _base_sheet(sheet_refs, q.years)
        if q.years:
            w.years = list(q.years)
        elif q.relative_years and base is not None and base.target_fy is not None:
            w.years = [base.target_fy + off for off in q.relative_years]
        elif follow and w.focus and w.focus.years:
            shift = -1 if re.search(r"その前|前の年", w.text) else (1 if re.search(r"その次|その翌|次の年", w.text) else 0)
            w.years = [y + shift for y in w.focus.years]
        if sheet_refs:
            chosen = pick_sheet(_same_project(sheet_refs, w.indicator), w.years[-1] if w.years else None)
            if w.indicator is not None and w.indicator.sheet_id != chosen.sheet_id:
                w.indicator = next((i for i in cat.indicators if i.sheet_id == chosen.sheet_id
                                    and i.kind == w.indicator.kind and i.no == w.indicator.no), w.indicator)
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
            if "rate" in fields:  # a rate is only readable beside the figures it comes from
                fields = list(dict.fromkeys(["actual", "plan", *fields]))
            if q.intent == "trend":
                fields = ["plan", "actual"]
            w.facts = indicator_facts(sheet, ind, years, fields)
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
            ind_facts = [f for f in w.facts if f.field in INDICATOR_FIELDS]
            if ind_facts and w.indicator is not None:
                name = ind_facts[0].indicator
                label = ind_facts[0].row or ""
                text = (compose.trend_answer if q.intent == "trend" else compose.indicator_answer)(
                    project, label, name, ind_facts, lang)
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
        t = nfkc(theme)
        variants = {t, t.upper(), t.translate(str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}))}
        if t.upper() in ("DX", "IT", "ICT"):
            variants |= {"デジタル", "オンライン", "電子"}
        ids: set[str] = set()
        for v in variants:
            like = f"%{v}%"
            rows = self.store.query(
                "SELECT DISTINCT s.sheet_id FROM sheets s LEFT JOIN sections x ON x.sheet_id = s.sheet_id "
                "WHERE s.project LIKE ? OR s.section LIKE ? OR s.department LIKE ? OR x.text LIKE ?",
                (like, like, like, like),
            )
            ids |= {r["sheet_id"] for r in rows}
        return sorted(ids)

    def _ranking(self, w: Work) -> Work:
        q = w.q
        assert q is not None
        fld = next((f for f in w.fields if f in COST_FIELDS), "total_cost")
        ids, scope = self._scope(q)
        fy = q.years[0] if q.years else None
        ranked = rank_costs(self.store, fld, fy, ids, lowest=q.lowest, limit=10)
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

    def _filter(self, w: Work) -> Work:
        q = w.q
        assert q is not None
        ids, scope = self._scope(q)
        lang = q.lang
        if q.result_word:
            rows = self.store.query(
                "SELECT s.sheet_id, s.project, e.stage, e.result, s.target_fy FROM evaluations e "
                "JOIN sheets s ON s.sheet_id = e.sheet_id WHERE e.result = ? AND e.stage = 'secondary' "
                "ORDER BY s.project", (q.result_word,))
            if ids is not None:
                rows = [r for r in rows if r["sheet_id"] in ids]
            w.facts = [Fact(sheet_id=r["sheet_id"], project=r["project"], row="二次評価", indicator="二次評価の評価結果",
                            fy=r["target_fy"], field="result", value=r["result"]) for r in rows]
            names = "、".join(dict.fromkeys(r["project"] for r in rows))
            w.facts.append(_count_fact(len(rows)))
            text = (f"二次評価で「{q.result_word}」とされた事業は{len(rows)}件です：{names}。" if rows else
                    f"二次評価で「{q.result_word}」とされた事業はありません。")
            if lang == "en":
                text = (f"{len(rows)} project(s) were rated 「{q.result_word}」 in the secondary evaluation: {names}."
                        if rows else f"No project was rated 「{q.result_word}」.")
            w.answer = Answer(question=w.text, answer=text, facts=w.facts, intent="filter",
                              sheet_ids=list(dict.fromkeys(r["sheet_id"] for r in rows)))
            return w
        fy = q.years[0] if q.years else None
        misses = plan_misses(self.store, q.kind, fy, under=q.condition != "over", sheet_ids=ids)
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
            text = (f"{when}{scope + 'の事業で' if scope else ''}{kind_ja}が{verb}事業は{len(projects)}件です。\n{lines}"
                    if misses else f"{kind_ja}が{verb}事業はありません。")
            if len(misses) > 30:
                w.facts.append(_count_fact(len(misses) - 30))
                text += f"\n…ほか{len(misses) - 30}件（表をご覧ください）"
        w.answer = Answer(question=w.text, answer=text, facts=w.facts, intent="filter",
                          sheet_ids=list(dict.fromkeys(m.sheet_id for m in misses)))
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
            if cost_fields:
                keys = ["cost_analysis"]
            elif ind is not None:
                keys = ["activity_analysis" if ind.kind == "activity" else "outcome_analysis"]
        if not keys and q.intent == "summary":
            keys = ["purpose", "means"]
        sections = [s for s in sheet.sections if s.key in keys] if keys else []
        if not sections:
            sections = self._retrieved_sections(w.text, [sheet.sheet_id])
        prefer = _REASON_WORDS if q.intent == "why" else ()
        cap = self.settings.max_quote_chars
        for s in sections[:3]:
            for quote in compose.best_sentences(s.text, expand(w.text), cap, prefer)[:3]:
                w.citations.append(Citation(sheet_id=sheet.sheet_id, project=sheet.project.name, section=s.label,
                                            quote=quote, key=s.key))

    def _quotes_anywhere(self, w: Work) -> None:
        """No project named: find the passage across the store, then quote it."""
        q = w.q
        assert q is not None
        hits = self._retrieve(w.text, None, q.sections or None)
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

    def _retrieve(self, text: str, sheet_ids: list[str] | None, keys: list[str] | None) -> list[tuple[str, str]]:
        """(sheet_id, section key) of the passages that best match, best first."""
        if self.retriever is not None:
            docs = self.retriever.search(text, sheet_ids=sheet_ids, section_keys=keys, prose_only=True)
            return [(d.metadata["sheet_id"], d.metadata.get("section_key") or d.metadata.get("key")) for d in docs]
        return self._lexical(text, sheet_ids, keys)

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
        project = next((r.project for r in refs if r.sheet_id == ind.sheet_id), None)
        if project is not None:
            return [r for r in refs if r.project == project] or refs
    first = refs[0].project
    return [r for r in refs if r.project == first]


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
