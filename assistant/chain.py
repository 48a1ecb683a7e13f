"""The Assistant: question → frame → linked query → question types → answer.

Each step is a LangChain Runnable over an explicit ``Work`` record; the conversation comes in as
``history`` and the sheets a user chose as ``scope`` (no global state). The CLI, the UI and the
eval all call ``Assistant.ask``. The question types (:mod:`assistant.kinds`) answer; this module
only dispatches, declines honestly, and remembers what a turn was about for the next one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from langchain_core.runnables import Runnable, RunnableLambda

from assistant import compose, steps
from assistant.answer import NOT_FIGURES, Answer, Choice, Citation, Fact
from assistant.followups import (
    extreme_of_items,
    extreme_of_rows,
    flipped,
    nth_of_before,
    on_figures_before,
    swapped,
    the_other,
    top_of_ranking,
    two_turns_compared,
    within_list,
)
from assistant.kinds import CROSS, SINGLE, Part
from assistant.kinds.across import lists_projects
from assistant.kinds.base import FROM_ON
from assistant.kinds.contains import ContainsKind
from assistant.kinds.figure import FigureKind, split_between_rows
from assistant.kinds.prose import SUCCESSOR, successor
from assistant.lexicon import lexicon
from assistant.link import modifiers, read_question
from assistant.memory import per_object, settle
from assistant.parts import join, parts_of
from assistant.premise import check as check_premise
from assistant.query import (
    PROJECT_THRESHOLD,
    Focus,
    Project,
    Query,
    city_romaji,
    link_query,
    projects_of,
    year_spans,
)
from assistant.resolve import Catalog, SheetRef, bigrams, expand, fingerprint_of, similarity, squash, variants
from assistant.romaji import fold
from assistant.settings import AssistantSettings
from assistant.sudachi import tokens
from assistant.understand import Frame, Lang, understand
from ingest.model import COST_FIELDS, SECTION_LABELS, Sheet
from ingest.normalize import nfkc
from ingest.store import FigureStore

if TYPE_CHECKING:
    from assistant.llm import Written

ASK_BACK = 5  # more candidate projects than this: ask which one instead of answering each
CHOICES_SHOWN = 8


# a request to say the last answer again in the other language (nothing else asked)
_RESTATE = re.compile(r"(?:(?:同じ|その|今の|上の|さっきの|この)(?:内容|回答|答え|文章)?を?)?(?:英語|英文|日本語)(?:で|に(?:して|訳して|直して))|"
                      r"英訳して|和訳して|\bin (?:english|japanese)\b")

# 「同じ比べ方で」「同じ計算で」: what the turn before computed, again
_ANOTHER_YEAR = re.compile(r"前の年|前年|翌年|次の年|その前|その次|year before|previous year|next year|following year")
_LATEST = re.compile(r"最新|直近の?(年度|実績)|いちばん新しい|一番新しい|latest|most recent")
_SAME_WAY = re.compile(r"同じ(比べ方|比較|計算|見方|やり方|ように|く)|同様に|same (way|comparison|calculation)|likewise")

# measures that only do arithmetic on rows named elsewhere (平均, 合計): no row of the store by themselves
ARITHMETIC = frozenset({"sum", "average"})


@dataclass
class Turn:
    """One earlier exchange of the conversation."""

    question: str
    answer: Answer
    scope: list[str] = field(default_factory=list)  # the sheets the user had chosen when asking it


@dataclass
class Work:
    """Everything one question gathers on its way through the chain."""

    text: str
    history: list[Turn]
    scope: list[str] = field(default_factory=list)  # sheet ids or project names the user chose
    frame: Frame | None = None
    query: Query | None = None
    parts: list[Part] = field(default_factory=list)
    answer: Answer | None = None


def _read_signatures_once() -> None:
    """LangChain asks of each step, on every invoke, whether it takes a config or a run manager,
    reading the function's signature each time (a tenth of an answer's own CPU). A function's
    parameters do not change: read once per function. Idempotent."""
    import langchain_core.runnables.utils as runnable_utils

    if not hasattr(runnable_utils._signature_parameters, "cache_info"):
        runnable_utils._signature_parameters = per_object(runnable_utils._signature_parameters)  # type: ignore[assignment]  # the same function, kept


_read_signatures_once()


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
        self._pinned: Catalog | None = None  # the catalog the question being answered reads
        self._sheets: dict[str, Sheet] = {}
        self.dense = None
        if retriever is not None and hasattr(retriever, "embed_passages"):
            from assistant.dense import DenseNames

            self.dense = DenseNames(retriever.embed_passages, lambda texts: [retriever.embed_query(t) for t in texts])
        self.chain: Runnable[Work, Answer] = (
            RunnableLambda(self._understand, name="understand")
            | RunnableLambda(self._link, name="link")
            | RunnableLambda(self._answer, name="answer")
            | RunnableLambda(self._compose, name="compose")
            | RunnableLambda(self._write, name="write")
        )

    @classmethod
    def from_settings(cls, settings: AssistantSettings | None = None, retrieval: bool = True,
                      loaded: tuple[Any, Any] | None = None) -> Assistant:
        """The one builder of an Assistant (``python -m assistant``, the app, the eval): a read-only
        connection to the store, the retriever (unless ``retrieval=False``) and the configured chat
        model. ``loaded``: (retriever, chat model) loaded already — the app loads them once and
        shares them across its answer threads, each with its own Assistant and connection."""
        settings = settings or AssistantSettings()
        store = FigureStore(settings.sqlite_path, read_only=True)
        if loaded is not None:
            return cls(settings, store, *loaded)
        retriever = None
        if retrieval:
            from assistant.retrieve import HybridRetriever

            retriever = HybridRetriever.for_settings(settings)
        return cls(settings, store, retriever, chat_model_or_none(settings))

    # ── public ────────────────────────────────────────────────────────────────────────────

    def ask(self, question: str, history: list[Turn] | None = None, scope: list[str] | None = None,
            write: bool = True) -> Answer:
        """Answer one question; ``history`` holds the conversation's earlier turns, ``scope`` the
        sheets (ids or project names) a question that names no project is about. ``write=False``
        returns the extractive answer even with an LLM configured (the app shows it at once, then
        calls :meth:`write`)."""
        # one look at the store per question (the catalog is read many times while answering; each
        # look is a query, and under load those queries were a tenth of an answer's time)
        self._pinned = None
        self._pinned = self.catalog
        try:
            if history and (done := self._about_the_answer_before(question, list(history), scope, write)) is not None:
                return done
            if (parts := parts_of(question)) is not None:
                # 「R7の評価結果と、R8の総事業費」: each part with its own year, the later ones as follow-ups
                turns = list(history or [])
                answers = []
                for part in parts:
                    answers.append(self._one(part, turns, scope, write))
                    turns.append(Turn(part, answers[-1]))
                return join(question, answers)
            return self._one(question, list(history or []), scope, write)
        finally:
            self._pinned = None

    def _about_the_answer_before(self, question: str, history: list[Turn], scope: list[str] | None,
                                 write: bool) -> Answer | None:
        """A question read against the answer just given (:mod:`assistant.followups`), or None."""
        last = history[-1]
        both = two_turns_compared(history)  # 「〇〇だと？」 then 「合計で？」: the two figures of the last two turns
        if (done := on_figures_before(question, last.answer) or both and on_figures_before(question, both)
                or nth_of_before(question, last.answer) or extreme_of_rows(question, last.answer)
                or extreme_of_items(question, last.answer)) is not None:
            return done  # 「その3つを合計すると？」「その2つの差は？」: on the figures the answer before showed
        if not scope and (top := top_of_ranking(question, last.answer)) is not None:
            # 「その事業の二次評価は？」 after a ranking: the project it named first, in the year ranked
            ranked = {x.fy for x in last.answer.facts if x.project == top[0] and x.fy is not None}
            f = understand(question)
            if len(ranked) == 1 and not (f.years or f.relative or f.shift is not None):
                question = f"{question}（{ranked.pop()}年度）"
            return self._one(question, history, top, write)
        # 「もう一つの町内会の事業のほうは？」: the project named beside the one discussed now;
        # 「その中で一番少ないのは？」: the question asked of the projects the list before named
        asked = None if scope else the_other(question, history, (r.project for r in self.catalog.sheets if r.project)) \
            or within_list(question, last.answer)
        sheets: list[str] | None
        if asked is not None:
            text, sheets = asked
        else:
            # 「じゃあ縮小は？」「逆に一番少ないのは？」: the list before, asked again with one thing changed
            again = swapped(question, last.question, last.answer.intent) or flipped(question, last.question,
                                                                                    last.answer.intent)
            if not again:
                return None
            text, sheets = again, scope
        return self._one(text, history, sheets, write).model_copy(update={"question": question})

    def _one(self, question: str, history: list[Turn], scope: list[str] | None, write: bool) -> Answer:
        return steps.invoke(self.chain, Work(text=question, history=history, scope=list(scope or [])),
                            config={"configurable": {"write": write}})

    def write(self, answer: Answer, on_text: Callable[[str], None] | None = None) -> Written:
        """The configured LLM's prose for an extractive answer, through every guard; ``on_text``
        gets the (unchecked) text so far while the model streams. ``Written.answer`` is what to show."""
        from assistant.llm import write_answer

        return write_answer(self.chat_model, answer, on_text)

    @property
    def catalog(self) -> Catalog:
        # The version check is cheap; the fingerprint reads the sheets table, so it runs only once
        # something was committed (an index build beside a running app).
        if self._pinned is not None:
            return self._pinned
        version = self.store.version()
        if version != self._version:
            if self._catalog is None or self._catalog.fingerprint != fingerprint_of(self.store):
                self._catalog = Catalog.load(self.store)
                self._sheets.clear()
                settle()  # the catalog lives until the store changes
            self._version = version
        assert self._catalog is not None
        return self._catalog

    @property
    def last_catalog(self) -> Catalog | None:
        """The catalog the last question read, without a look at the store (None before any)."""
        return self._catalog

    def forget(self) -> None:
        """Drop what earlier questions left in memory (parsed sheets, question-keyed matches), so
        a question asked again costs what it did the first time: for benchmarks that repeat a set."""
        from assistant import sudachi
        from assistant.link import _phrases_around, matcher_for, read_question

        sudachi.forget()
        self._sheets.clear()
        matcher_for.cache_clear()
        _phrases_around.cache_clear()
        similarity.cache_clear()
        variants.cache_clear()
        read_question.cache_clear()

    def sheet(self, sheet_id: str) -> Sheet | None:
        if sheet_id not in self._sheets:
            sheet = self.store.get_sheet(sheet_id)
            if sheet is None:
                return None
            self._sheets[sheet_id] = sheet
        return self._sheets[sheet_id]

    def resolve_scope(self, names: list[str]) -> list[SheetRef]:
        """Sheets for ``--sheet ID_OR_NAME`` values: a sheet id, a project name (every year of
        it), or a close enough name."""
        cat = self.catalog
        out: list[SheetRef] = []
        for n in names:
            ref = cat.sheet(n)
            if ref is not None:
                out.append(ref)
                continue
            hits = cat.by_project_name(n) or [s for _, s in cat.projects(n, threshold=0.8)]
            out += hits
        return list({r.sheet_id: r for r in out}.values())

    def passages(self, text: str, sheet_ids: list[str] | None, keys: list[str] | None,
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

    # ── steps ─────────────────────────────────────────────────────────────────────────────

    def _understand(self, w: Work) -> Work:
        lang: Lang | None = None
        said = nfkc(w.text).lower()
        if w.history and (m := _RESTATE.search(said)) and not (rest := understand(_RESTATE.sub(" ", said))).hits \
                and not rest.years and not self.catalog.project_matcher.match(read_question(rest.norm), PROJECT_THRESHOLD):
            # 「同じ内容を英語でお願いします」 "Same in Japanese, please": nothing else asked, so the turn before,
            # asked again in that language
            lang = "en" if re.search(r"英|english", m.group(0)) else "ja"
            w.text, w.history = w.history[-1].question, w.history[:-1]
        w.frame = understand(w.text, self.catalog.respell)
        if lang is not None:
            w.frame.lang = lang
        return w

    def _link(self, w: Work) -> Work:
        assert w.frame is not None
        cat = self.catalog
        scope = self.resolve_scope(w.scope) if w.scope else None
        # sheets chosen since the last turn outrank the conversation's project: 「この事業の目的は？」
        fresh = bool(w.scope) and (not w.history or w.history[-1].scope != w.scope)
        w.query = q = link_query(w.frame, cat, self._focus(w.history), scope, cat.known_text, self.dense,
                                 fresh_scope=fresh)
        f = q.frame
        if q.focus and q.focus.measures and q.how in ("focus", "only", "scope") and _SAME_WAY.search(f.norm) \
                and not (f.sections or f.evals):
            # 「R7は？同じ比べ方で」: the computation of the turn before, for the years now named
            f.measures += [m for m in q.focus.measures if m not in f.measures]
            f.follow_up = True
        elif q.focus and q.focus.measures and q.how in ("focus", "only", "scope") and (
                f.rows or f.money or "share" in q.focus.measures and re.search(r"何\s*[%％割]|percent|share", f.norm)) \
                and not (set(f.measures) - {"rate"} or f.sections or f.evals or f.years or f.ops):
            # 「事業費だけで見ると？」 after a change: the same comparison for this row; 「前の年だと何％？」
            # after a share: the share again (its 何％ is the share's, not an achievement rate)
            if "share" in q.focus.measures and "rate" in f.measures:
                f.measures.remove("rate")
            f.measures += [m for m in q.focus.measures if m not in f.measures]
            f.follow_up = True
        elif q.focus and q.focus.measures and q.how in ("focus", "only", "scope") and (
                f.years or f.relative or _ANOTHER_YEAR.search(f.norm)) and not (
                f.rows or f.money or f.measures or f.sections or f.evals or f.results or f.kind or f.ops
                or q.scope_rows or q.head is not None or q.indicators and q.indicators[0][0] >= 0.5):
            # 「R7は？」「前年は」 after 「R6は国県支出金が総事業費の何％？」: the same measure, for the year now named
            f.measures += q.focus.measures
            f.follow_up = True
        elif q.focus and q.focus.measures and q.how == "named" and f.follow_up and not (
                f.rows or f.money or f.measures or f.sections or f.evals or f.years or f.relative or f.ops):
            # 「水道の研修のほうは？」 after a sum over three years: the same sum for that project
            f.measures += q.focus.measures
        return w

    def _answer(self, w: Work) -> Work:
        q = w.query
        assert q is not None
        f = q.frame
        if not self.catalog.sheets:
            w.answer = self._decline(w, "まだシートが登録されていません。" if q.lang == "ja" else "No sheet is indexed yet.")
            return w
        if q.unknown_project:
            # (within a city or 部 said: 「南原市の消防団のシート」 where only 郡山市 has one)
            where_ja, where_en = (f"{q.org_name}の", f" of {q.org_name}") if q.org_name else ("", "")
            what = f"{where_ja}「{q.unknown_project}」という事業"
            near = "、".join(p.name for p in q.candidates[:3])
            w.answer = self._decline(w, f"{what}のシートは登録されていません。" + (f"似た名前の事業：{near}。" if near else "")
                                     if q.lang == "ja" else f"No sheet{where_en} in the store is about {q.unknown_project}."
                                     + (f" Similar names: {near}." if near else ""))
            w.answer.choices = _choices(q.candidates)
            return w
        if (f.has("outside") and not (f.sections and _ASKS_TEXT.search(f.norm))) or _other_city(q, self.catalog.municipalities):
            # (「現状周辺環境に、国の目標について何て書いてある？」 asks what the sheet writes: no outside figure)
            w.answer = self._decline(w, "シートには他の自治体や全国平均など、シートの外の数値は載っていません。" if q.lang == "ja"
                                     else "The sheets hold no figures from outside them (other cities, national averages).")
            return w
        if f.has("opinion"):
            w.answer = self._decline(w, "事業が必要かどうかなどの意見は述べられません。シートに書かれた評価結果やコメントならお答えできます。"
                                     if q.lang == "ja" else "I cannot give opinions; I can tell what the sheet's own "
                                     "evaluation and comments say.")
            return w
        if f.has("predict") and (f.results or f.evals):
            w.answer = self._decline(w, "今後の評価結果の見込みはシートに書かれていません。" if q.lang == "ja"
                                     else "The sheets make no prediction about future evaluation results.")
            return w
        if f.granular and not lists_projects(f):
            w.answer = self._decline(w, f"シートには「{f.granular}」ごとの内訳はありません（事業全体の年度ごとの数値です）。"
                                     if q.lang == "ja" else f"The sheets give no breakdown by {f.granular} (only whole-project "
                                     "figures per year).", reference=True)
            return w
        if _entity(q) and not (f.has("list", "every") and not q.projects) and not lists_projects(f):
            no_names = ("シートには個々の施設・学校・場所・業者・担当者の名前は載っていません（件数や金額のみです）。" if q.lang == "ja"
                        else "The sheets name no individual facility, place, company or staff member (they give counts and amounts).")
            w.answer = self._decline(w, no_names + self._in_charge(q))
            return w
        years = [*f.years]
        if years and not any(self.catalog.covers(y) for y in years) and not f.has("milestone"):
            w.answer = self._decline(w, f"{years[0]}年度を含むシートは登録されていません。" if q.lang == "ja"
                                     else f"No sheet in the store covers FY{years[0]}.")
            return w
        # ("why is it being merged?" asks the reason, not what it merges into)
        if (said := SUCCESSOR.search(f.norm)) and not (f.has("why") and said.group(0) == "being merged") \
                and (part := successor(q, self)) is not None:
            w.parts = [part]  # 「どの事業に引き継がれた？」: the name if the sheets write it, else what they say
            return w
        cross = [k for k in CROSS if k.fit(q) >= 0.5]
        # one project in question: 「一番少なかった年はいつ？」 ranks its years, not the projects
        if cross and (lists_projects(f) or not (q.single and q.how in ("named", "focus", "only", "scope")
                                                   and (not f.rank or f.asks_years))):
            best = max(cross, key=lambda k: k.fit(q))
            part = best.answer(q, self)
            if part is not None:
                w.parts = [part]
                return w
        if not q.projects and not q.candidates:
            if (f.has("summary", "why") or f.sections) and not f.deictic and self._has_topic(q):
                self._anywhere(w)  # 「マイナンバーカードの普及について書いてあるのは？」
                if w.parts:
                    return w  # quoted from the sheet whose passage matched: nothing to add
            if not w.parts:
                many = projects_of(self.catalog, self.catalog.sheets)
                if len(many) > 1 and self._asks_about_a_project(q):
                    q.candidates, q.how = many, "all"
                else:
                    return w
        if _CONTAINS.fit(q) and (listed := _CONTAINS.answer(q, self)) is not None:
            w.parts = [listed]  # 「手段に…って入ってる？」: yes or no from the text — the thing may be written nowhere
            return w
        missing = bool(q.unexplained) and not w.parts and (q.strong_unexplained or not self._linked(q))
        # (a word used as a verb — 「登録されてる事業」 — says how, not what: that asks about no project)
        nowhere = q.how in ("all", "org") and bool(q.unexplained) and (missing or q.lang == "en" or any(
            not re.search(re.escape(x) + r"\s*(?:さ|し|す|でき)", f.norm) for x in q.unexplained))
        if q.candidates and len(q.candidates) > ASK_BACK and not q.projects and not nowhere:
            # ("what did the city spend on the summer festival?" names nothing any sheet holds: which
            # project is meant is no question to ask back)
            w.answer = self._ask_back(w, q.candidates)
            return w
        if missing or nowhere:
            w.answer = self._unexplained(w)
            return w
        fits = sorted(((k.fit(q), n, k) for n, k in enumerate(SINGLE)), key=lambda x: (-x[0], x[1]))
        chosen = [k for sc, _, k in fits if sc >= 0.5]
        # The head of the question decides between a row and a section: 「市民からの要望」 asks the
        # 住民意向 section even though 市民 is also a row.
        if q.frame.sections and not (f.rows or f.money or f.measures or f.kind or f.all_indicators or f.evals or f.results):
            chosen = [k for k in chosen if k.name == "prose"]
        if f.has("why") and any(k.name == "figure" for k in chosen):
            chosen = [k for k in chosen if k.name in ("figure", "prose")]
        if any(k.name == "inventory" for k in chosen):  # which sheets there are, not what they say
            chosen = [k for k in chosen if k.name == "inventory"]
        for k in sorted(chosen, key=lambda k: ("inventory", "scorecard", "ratio", "figure", "evaluation",
                                               "prose").index(k.name)):
            part = k.answer(q, self)
            if part is not None:
                w.parts.append(part)
        if w.parts and q.head is not None and q.head.text in q.unexplained and not q.head_rows \
                and all(p.intent == "evaluation" for p in w.parts) and not (f.evals or f.stages) \
                and not any(q.head.text in p.text for p in w.parts):
            # 「後継の事業は何になるの？」: what is asked is written nowhere in these sheets; a result
            # the question merely mentions (完了) is no answer to it
            w.parts = []
            q.unexplained = [q.head.text]
            w.answer = self._unexplained(w)
            return w
        if not w.parts and (q.projects or q.candidates) and q.head is None and q.reading.units:
            from assistant.kinds.prose import ProseKind

            part = ProseKind().search(q, self)
            if part is not None:
                w.parts.append(part)
        if not w.parts and (lead := split_between_rows(q, self)) is not None:
            w.answer = self._decline(w, lead)  # 「配水管の耐震化率」: half of one row, half of another
            return w
        if not w.parts and q.head is not None:
            # the noun asked about is no row and no section: what the text says of it, or a decline
            from assistant.kinds.prose import ProseKind

            part = ProseKind().topic(q, self, q.head.text)
            if part is not None:
                w.parts.append(part)
            else:
                q.unexplained = [q.head.text]
                w.answer = self._unexplained(w)
        return w

    def _linked(self, q: Query) -> bool:
        """Something in the question is a row, section or evaluation of the store."""
        f = q.frame
        return bool(f.rows or f.money or f.revenue or f.sections or f.evals or f.kind or f.results
                    or set(f.measures) - ARITHMETIC or f.stages or (q.indicators and q.indicators[0][0] >= 0.5) or f.has("summary", "why")
                    or (q.projects and q.how == "named") or bool(q.scope_rows or q.head_rows))

    def _compose(self, w: Work) -> Answer:
        if w.answer is not None:
            return w.answer
        q = w.query
        assert q is not None
        if not w.parts:
            return self._decline(w, "")
        if q.frame.has("why") and any(c.key in _ANALYSES for p in w.parts if p.intent != "why" for c in p.citations):
            # the figure's own line quoted what the analysis says of its change (「【人件費】業務量は前年度と
            # 同程度で推移した」): that is what the sheet gives as the reason, not "no reason"
            w.parts = [p for p in w.parts if p.intent != "why" or p.answerable]
        if any(p.answerable and p.facts for p in w.parts):
            # the figures answered: a text part that found no sheet for that year (「2017年度実施分のシートは
            # 登録されていません」 beside the 2017 budget the 2016 sheet prints) only confuses
            w.parts = [p for p in w.parts if p.answerable or p.intent != "prose" or p.citations]
        answerable = any(p.answerable for p in w.parts)
        if q.frame.has("why") and any(p.intent == "why" and not p.answerable for p in w.parts):
            answerable = False  # the figures are there, the reason asked for is not
        text = "\n".join(p.text for p in w.parts if p.text)
        if not answerable and (note := self._whose_rows(q)):
            text += "\n" + note
        facts = [x for p in w.parts for x in p.facts]
        cites = [c for p in w.parts for c in p.citations]
        sheet_ids = list(dict.fromkeys(i for p in w.parts for i in p.sheet_ids))
        choices = []
        answered = list(dict.fromkeys(x.project for x in facts + cites if x.sheet_id != "*" and x.project))
        if q.candidates and not q.projects:
            # 「3事業の評価結果を一覧に」, or a list of projects: what was asked, no guess among them
            listed = q.how == "all" and q.frame.has("list", "every", "compare") or all(p.intent == "list" for p in w.parts)
            if not listed:  # buttons narrow an answer that had to guess, not a list asked for
                choices = _choices(q.candidates)
            if len(answered) > 1 and q.how not in ("all", "org") and not listed:  # an org named: its projects are what was asked
                if q.kin_of:  # 「公園関係の事業の…」: what they were gathered by
                    lead = (f"「{q.kin_of}」に関わる事業が{len(answered)}件あるため、それぞれ答えます。" if q.lang == "ja"
                            else f"{len(answered)} projects fit “{q.kin_of}”; answering for each.")
                else:
                    lead = (f"どの事業か特定できなかったため、当てはまりうる{len(answered)}事業について答えます。"
                            if q.lang == "ja" else f"Several projects fit; answering for {len(answered)} of them.")
                text = lead + "\n" + text
                facts.append(Fact(sheet_id="*", field="count", value=len(answered), unit="件", computed=True,
                                  row="答えた事業の数"))
        for sid in sheet_ids:  # a sheet read only part way: the answer says so
            sheet = self.sheet(sid)
            if sheet is not None and sheet.status == "incomplete":
                note = (f"注意：{sheet.project.name or sid}のシートは途中までしか読み取れていません（ファイルが欠けている可能性があります）。"
                        if q.lang == "ja" else f"Note: the sheet of {sheet.project.name or sid} was read only in part.")
                text += "\n" + note
                facts.append(Fact(sheet_id=sid, project=sheet.project.name, field="warning", value=note))
        if (premise := check_premise(q.frame, facts)) is not None:
            # 「7,300万円だったよね？」 where the sheet says 66,671千円: said so first, and no confirmation;
            # the sheet holds the answer (the correction), so the answer stands (contract.md)
            text = premise + "\n" + text
        if q.how == "indicator" and len(answered) > 1 and not choices:
            # a row several projects report, asked without a project: buttons to pick one
            choices = _choices([p for p in q.projects if p.name in answered])
        return Answer(question=w.text, answer=text, answerable=answerable, facts=facts, citations=cites,
                      intent=w.parts[0].intent, sheet_ids=sheet_ids, choices=choices)

    def _write(self, answer: Answer, config: dict[str, Any] | None = None) -> Answer:
        if self.chat_model is None or not ((config or {}).get("configurable") or {}).get("write", True):
            return answer
        return self.write(answer).answer

    # ── helpers ───────────────────────────────────────────────────────────────────────────

    def _focus(self, history: list[Turn]) -> Focus | None:
        """The last turn that was about a project: a declined 「2030年度は？」 does not end the topic."""
        about = next((t.answer for t in reversed(history) if t.answer.sheet_ids), None)
        if about is None:
            return None
        about_q = understand(about.question)
        # a declined 「2030年度は？」 keeps the rows and intent of the turn before it
        projects = {x.project for x in about.facts if x.project}
        rows_from = about if about.answerable else next(
            (t.answer for t in reversed(history) if t.answer.answerable
             and (set(t.answer.sheet_ids) & set(about.sheet_ids) or projects & {x.project for x in t.answer.facts})),
            about)
        rows: list[str] = []
        names: dict[str, str] = {}
        for x in rows_from.facts:
            if x.field in ("plan", "actual", "rate", "change") and x.row:
                key = x.row
                if x.indicator:
                    names.setdefault(key, x.indicator)
            elif x.field in COST_FIELDS:
                key = x.field
            elif x.row and x.field == x.row and not x.computed:
                key = x.field  # a row another city's layout prints under its own label (フルコスト, 一般財源)
            elif x.field == "budget" and x.row:  # a year's 予算 beside its 決算: the row it is of
                key = next((k for k in COST_FIELDS if compose.row_label(k) == x.row), x.row)  # (事業費 → project_cost)
            else:
                continue
            if key not in rows:
                rows.append(key)
        earlier_rows: list[str] = []
        if not rows:  # 「その事業の二次評価は？」 between: the rows of the turn before it, for the same project
            earlier = next((t.answer for t in reversed(history) if t.answer is not about and t.answer.answerable
                            and projects & {x.project for x in t.answer.facts}
                            and any(x.field in COST_FIELDS or x.field in ("plan", "actual") for x in t.answer.facts)), None)
            for x in earlier.facts if earlier is not None else []:
                row = x.field if x.field in COST_FIELDS else x.row if x.field in ("plan", "actual") else None
                if row and x.project in projects and row not in earlier_rows:
                    earlier_rows.append(row)
                    if x.indicator and x.field in ("plan", "actual"):
                        names.setdefault(row, x.indicator)
        before = next((t.answer for t in reversed(history) if t.answer is not about and t.answer.answerable), None)
        rows_before = list(dict.fromkeys(x.field for x in (before.facts if before is not None else [])
                                         if (x.field in COST_FIELDS or x.field == x.row and not x.computed)
                                         and x.project in projects))
        # the years discussed: not a sheet's own year cited as the source of a past year's result
        years = sorted({y for x in about.facts if (y := _discussed(x)) is not None
                        and (x.field != "target_fy" or not any(o.field == "result" and o.fy != x.fy for o in about.facts))})
        ids = list(dict.fromkeys(x.sheet_id for x in rows_from.facts if x.sheet_id != "*")) or list(about.sheet_ids)
        if about.intent in ("ranking", "filter", "list") and len(ids) > 1:
            ids = ids[:5]  # 「その3つ、二次評価の結果は？」: the projects the list named
        recent: list[int] = []
        for t in [t for t in history if t.answer.answerable][-2:]:
            ys = {y for x in t.answer.facts if (y := _discussed(x)) is not None}
            if len(ys) == 1:
                recent += list(ys)
            elif ys and any(x.field in ("change", "multiple") or x.field.endswith("_change") for x in t.answer.facts):
                recent = [min(ys), max(ys)]  # a change was computed: between its two ends
        if not about.answerable:
            # a declined turn: the years its question named (「2024年度は？」), else those its answer listed
            years = list(about_q.years) or sorted({y for x in rows_from.facts if (y := _discussed(x)) is not None})
        measures = (["change"] if any(x.field == "change" or x.field.endswith("_change") for x in rows_from.facts) else []) \
            + (["multiple"] if any(x.field.endswith("_ratio") for x in rows_from.facts) else []) \
            + (["sum"] if any(x.field == "sum" or x.field.endswith("_sum") for x in rows_from.facts) else []) \
            + (["share"] if any(x.field.endswith("_share") for x in rows_from.facts) else []) \
            + (["forecast"] if any(x.field.endswith("_forecast_gap") for x in rows_from.facts) else [])
        # the projects of the last two turns when they asked the same row of each (「じゃあ喜久田のほうは？」)
        together: list[str] = []
        # (a turn that gave only the plan of the year asked still named the row of its project)
        answered = [t.answer for t in history if t.answer.answerable or any(
            x.field == "plan" and x.sheet_id != "*" for x in t.answer.facts)][-2:]
        if len(answered) == 2:
            # the same row of each, or rows of the cost table of each (事業費, then 総事業費: 「2事業の
            # 総事業費を合わせると？」 names the row itself)
            keys = [{"cost" if x.field in COST_FIELDS else (x.indicator or x.row) for x in a.facts
                     if x.row and x.sheet_id != "*" and x.field not in NOT_FIGURES}
                    for a in answered]  # one row by its name in each project
            if keys[0] & keys[1]:
                together = list(dict.fromkeys(x.sheet_id for a in answered for x in a.facts if x.sheet_id != "*"))
        # a series (a trend, or three years and more listed: 「H25から並べて」) is carried whole
        series = rows_from.intent == "trend" or len(years) >= 3 and (
            about_q.year_range or len(about_q.years) == 1 and bool(FROM_ON.search(about_q.norm)))
        return Focus(sheet_ids=ids, rows=rows, years=years[-1:] if len(years) > 1 and not series
                     else years, intent=rows_from.intent, recent=sorted(set(recent)), measures=measures,
                     span=years, together=together, names=names,
                     latest=not about_q.years and (bool(_LATEST.search(about_q.norm)) or _each_latest(about)),
                     earlier_rows=earlier_rows, rows_before=rows_before,
                     budget=any(x.field == "budget" for x in rows_from.facts))

    def _asks_about_a_project(self, q: Query) -> bool:
        f = q.frame
        return bool(f.rows or f.money or f.revenue or set(f.measures) - ARITHMETIC or f.sections or f.evals or f.kind or f.stages
                    or f.has("summary", "why"))

    def _has_topic(self, q: Query) -> bool:
        """Words beyond the section and question words (「カイゼン策を教えて」 names no topic: which
        project's is asked back, never guessed from the best passage)."""
        lex = lexicon()
        return any(u.noun and not q.explained.covers(u.start, u.end) and u.text not in lex.function_words
                   and u.text not in lex.phrases and len(u.text) >= 2 for u in q.reading.units)

    def _anywhere(self, w: Work) -> None:
        """No project named: a passage across the store, quoted, when one matches well."""
        q = w.query
        assert q is not None
        hits = self.passages(w.text, None, None, relevant_only=True)
        if not hits:
            return
        ref = self.catalog.sheet(hits[0][0])
        if ref is None:
            return
        q.projects, q.how = projects_of(self.catalog, [ref]), "indicator"
        from assistant.kinds.prose import ProseKind

        part = ProseKind().answer(q, self)
        if part is not None:
            w.parts.append(part)

    def _ask_back(self, w: Work, candidates: list[Project]) -> Answer:
        q = w.query
        assert q is not None
        shown = candidates[:CHOICES_SHOWN]
        names = "、".join(f"{p.name}（{p.org}）" for p in shown)
        more = len(candidates) - len(shown)
        if q.lang == "ja":
            text = (f"どの事業についての質問ですか？ 該当しうる事業が{len(candidates)}件あります：{names}"
                    + (f" ほか{more}件" if more > 0 else "") + "。事業名を添えてもう一度お尋ねください。")
        else:
            text = (f"Which project do you mean? {len(candidates)} could fit: " + ", ".join(p.name for p in shown)
                    + (f" and {more} more" if more > 0 else "") + ". Please ask again with the project's name.")
        count = Fact(sheet_id="*", field="count", value=len(candidates), unit="件", computed=True, row="候補の事業数")
        facts = [count] + ([Fact(sheet_id="*", field="count", value=more, unit="件", computed=True, row="ほかの候補")]
                           if more > 0 else [])
        return Answer(question=w.text, answer=text, answerable=True, intent="choice", choices=_choices(shown),
                      sheet_ids=[], facts=facts)

    def _unexplained(self, w: Work) -> Answer:
        """Words the sheets hold nothing about: say so, and what they do hold."""
        q = w.query
        assert q is not None
        words = "・".join(f"「{x}」" for x in _with_modifiers(q, q.unexplained[:3]))
        p = q.projects[0] if q.projects else None
        if p is not None and (unread := self._unread_rows(p, q.unexplained[:3])):
            # the sheet prints the row, but the reader could not tell its figures' years: said so
            label, ref = unread
            lead = (f"「{label}」は{p.name}の{ref.target_fy}年度実施分のシートに印字されていますが、値と年度の対応を"
                    "読み取れなかったため（シートの読み取り時の注意を参照）、数値はお示しできません。" if q.lang == "ja" else
                    f"「{label}」 is printed on the FY{ref.target_fy} sheet of {p.name}, but which figure belongs to which "
                    "year could not be read (see the sheet's reading notes), so no figure is given.")
            answer = self._decline(w, lead)
            answer.facts.append(Fact(sheet_id=ref.sheet_id, project=p.name, field="target_fy", value=ref.target_fy,
                                     fy=ref.target_fy, row="評価対象年度", unit="年度"))
            return answer
        if q.lang == "ja":
            where = f"{p.name}のシート" if p else "登録されているシート"
            lead = f"{where}には{words}についての記載がありません。"
        else:
            lead = f"The {'sheets of ' + p.name if p else 'sheets'} say nothing about {', '.join(q.unexplained[:3])}."
        return self._decline(w, lead, reference=True)

    def _unread_rows(self, p: Project, words: list[str]) -> tuple[str, SheetRef] | None:
        """A row of ``p``'s sheets that a word asked names and whose figures the reader left unread
        (its warning 「正職員数: 値が2個で欄が3個あり…読み取っていません」), with the sheet; else None."""
        for ref in sorted(p.refs, key=lambda r: -(r.target_fy or 0)):
            sheet = self.sheet(ref.sheet_id)
            for warning in sheet.warnings if sheet else []:
                label = warning.split(":", 1)[0]
                if re.search(r"読み取っていません|読み取りませんでした", warning) and ":" in warning and len(label) >= 2 \
                        and any(len(x) >= 2 and (x in label or label in x) for x in words):
                    return label, ref
        return None

    def _in_charge(self, q: Query) -> str:
        """「担当者の名前は？」: no person is named, but the 課 in charge is — said beside the decline."""
        if len(q.projects) != 1 or not re.search(r"担当|誰|だれ|who|staff|person", q.frame.norm):
            return ""
        ref = q.projects[0].latest
        org = " ".join(x for x in (ref.department, ref.section) if x)
        if not org:
            return ""
        return (f"担当は{org}です。" if q.lang == "ja" else f" The section in charge is {org}.")

    def _whose_rows(self, q: Query | None) -> str:
        """「『オンライン申請件数』はデジタルファースト推進事業のシートの指標です」: where a row asked of
        another project is (:attr:`Query.rows_elsewhere`)."""
        if q is None or not q.rows_elsewhere:
            return ""
        cat = self.catalog
        homes = list(dict.fromkeys(ref.project for name in q.rows_elsewhere for i in cat.indicators_named(name)
                                   if (ref := cat.sheet(i.sheet_id)) is not None and ref.project))
        if not homes:
            return ""
        if q.lang == "ja":
            return "、".join(f"「{n}」" for n in q.rows_elsewhere) + f"は{'、'.join(homes)}のシートの指標です。"
        return ", ".join(q.rows_elsewhere) + f" is an indicator of {', '.join(homes)}."

    def _decline(self, w: Work, lead: str, reference: bool = False) -> Answer:
        """No answer: ``lead`` says why, then what the sheets do hold — with ``reference``, the
        figures of the rows the question names outright (「施設ごとの内訳」 of a row: its totals)."""
        q = w.query
        lang = q.lang if q else "ja"
        near = FigureKind().reference(q, self) if reference and q is not None else None
        if near is not None:
            text = lead + "\n" + near.text
        else:
            holds = self._holdings(q)
            text = (lead + (f"シートにあるのは{holds}です。" if lang == "ja" else f" What they do hold: {holds}.") if lead
                    else compose.decline(lang, holds))
        if note := self._whose_rows(q):
            text += ("" if text.endswith("\n") else "\n") + note
        return Answer(question=w.text, answer=text, answerable=False,
                      intent=w.parts[0].intent if w.parts else None,
                      sheet_ids=[i for p in (q.projects if q else []) for i in p.sheet_ids[-1:]],
                      facts=near.facts if near is not None else self._holding_facts(q))

    def _holding_facts(self, q: Query | None) -> list[Fact]:
        """The years a decline names (what the sheets do cover), as facts like any figure stated."""
        cat = self.catalog
        out = []
        if q is not None and q.projects:
            s = self.sheet(q.projects[0].latest.sheet_id)
            if s is not None:
                years = sorted({v.fy for i in s.indicators for v in i.values} | {c.fy for c in s.costs})
                out = [Fact(sheet_id=s.sheet_id, project=s.project.name, field="covered_year", value=y, fy=y,
                            row="記載のある年度") for y in years[:1] + years[-1:]]
                return out
        years = sorted({s.target_fy for s in cat.sheets if s.target_fy})
        n_projects = len(projects_of(cat, cat.sheets))
        out = [Fact(sheet_id="*", field="covered_year", value=y, fy=y, row="評価対象年度") for y in years[:1] + years[-1:]]
        out += [Fact(sheet_id="*", field="count", value=n_projects, unit="件", computed=True, row="事業数"),
                Fact(sheet_id="*", field="count", value=len(cat.sheets), unit="件", computed=True, row="シート数")]
        return out

    def _holdings(self, q: Query | None) -> str:
        """What the sheets do hold, for a decline: one project's rows, or the store's span."""
        cat = self.catalog
        if q is not None and q.projects:
            s = self.sheet(q.projects[0].latest.sheet_id)
            if s is not None:
                years = sorted({v.fy for i in s.indicators for v in i.values} | {c.fy for c in s.costs})
                span = f"{years[0]}年度〜{years[-1]}年度" if years else ""
                inds = "、".join(f"{i.label}「{i.name}」" for i in s.indicators[:7])
                # (each section once: an H27 sheet has several boxes under その他)
                secs = "・".join(dict.fromkeys(SECTION_LABELS.get(x.key, x.label) for x in s.sections[:6]))
                held = [f"指標（{inds}）" if inds else "", "事業費", "評価結果", secs]  # another layout may lack some
                # (whose sheet it is, where the store holds several cities': 「いわき市の市道改良事業」 is no 西山市's)
                city = cat.city_of.get(s.sheet_id) if len(cat.municipalities) > 1 else None
                return f"{city + 'の' if city else ''}「{s.project.name}」の{span}の{'、'.join(x for x in held if x)}などの記載"
        years = sorted({s.target_fy for s in cat.sheets if s.target_fy})
        span = f"{years[0]}年度〜{years[-1]}年度" if years else ""
        return f"{len(projects_of(cat, cat.sheets))}事業・{len(cat.sheets)}件の事務事業評価シート（{span}実施分）の指標・事業費・評価・コメント"

    def _lexical(self, text: str, sheet_ids: list[str] | None, keys: list[str] | None) -> list[tuple[str, str]]:
        """Bigram overlap over the stored sections: retrieval when no vector index is at hand."""
        qb = bigrams(expand(text))
        rows = self.store.section_rows(sheet_ids or None, keys or None)
        scored = sorted(((len(qb & bigrams(r.text)) / (len(qb) or 1), r.sheet_id, r.key) for r in rows), reverse=True)
        return [(sid, key) for sc, sid, key in scored[:5] if sc >= 0.3]


_ANALYSES = frozenset({"cost_analysis", "outcome_analysis", "activity_analysis"})


def _each_latest(answer: Answer) -> bool:
    """The answer gave each of its projects in a year of its own (no year asked: each one's latest):
    「支援事業のほうで」 after it is that project's year, not another's."""
    years: dict[str, set[int]] = {}
    for x in answer.facts:
        if x.project and x.fy is not None and x.field in ("actual", "plan", "rate"):
            years.setdefault(x.project, set()).add(x.fy)
    return len(years) >= 2 and len({frozenset(v) for v in years.values()}) > 1


def _with_modifiers(q: Query, words: list[str]) -> list[str]:
    """Each word the sheets say nothing about with the nouns joined to it by の (「償還計画」 →
    「市債の償還計画」: what was asked, as the user wrote it), leaving out the project's name and years."""
    r = q.reading
    taken = [*q.project_spans, *year_spans(q.frame.norm)]
    fw = lexicon().function_words
    out = []
    for word in words:
        unit = next((u for u in r.units if u.text == word), None)
        start = unit.start if unit is not None else None
        if unit is not None:
            for m in reversed(modifiers(r, unit)):
                if any(s < m.end and m.start < e for s, e in taken) or m.text in fw or m.text.endswith("事業"):
                    break  # 「この事業の」: the project again
                start = m.start
        out.append(r.norm[start:unit.end] if unit is not None and start is not None else word)
    return list(dict.fromkeys(out))


# facts whose year is not a year the turn was about: the sheet's own year of a past result, the years
# a decline names as those the sheet covers or lacks
_NOT_DISCUSSED = frozenset({"result", "covered_year", "absent_year"})


def _discussed(x: Fact) -> int | None:
    """A fact's year if it is one the conversation is about: not a past result's, nor a milestone's
    target year (「最終目標は？」 then 「水路の改修は何キロ？」 asks no figure of 2030)."""
    return None if x.field in _NOT_DISCUSSED or x.field.startswith("milestone_") else x.fy


_OTHER_CITY = re.compile(r"\b([A-Z][a-z]+)(?:'s)? (?:City|city|Town|town|Prefecture|prefecture)\b")


def _other_city(q: Query, cities: frozenset[str] = frozenset()) -> bool:
    """"… compare with Fukushima City's", 「会津若松市の…」: a city that is not one whose sheets these are
    (「Hokushin City's …」 is 北辰市's, when the store holds its sheets)."""
    # ("Which city is it from?" "Each city's …": a question word before City names none)
    own = {"koriyama", "our", "the", "this", "which", "what", "each", "every", "any", "that", "same"} | city_romaji(cities)
    # ("the Zero Carbon City project": a word of the name of a project named, no city)
    if any(fold(m.group(1)) not in own and not any(
            a <= at < b for a, b in q.project_spans for at in _found_at(q.frame.norm, m.group(0).lower()))
           for m in _OTHER_CITY.finditer(q.frame.text)):
        return True
    lex = lexicon()
    # 「残りは全部市の持ち出し」: a word of the question before 市 makes no city of it
    named = [m.group(1) for m in _CITY_JA.finditer(q.frame.norm) if m.group(1) not in _NOT_A_CITY
             and m.group(1)[:-1] not in lex.phrases and m.group(1)[:-1] not in lex.function_words
             # (a name in hiragana is one Sudachi knows as one: いわき市, not ほとんど+市)
             and (not re.match(r"[ぁ-ゖ]", m.group(1)) or len(tokens(m.group(1))) == 1)]
    return bool(cities) and any(not any(c.endswith(n) or n.endswith(c) for c in cities) for n in named)


def _found_at(text: str, needle: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(needle), text)]


_COUNTED = re.compile(r"件数|何件|何店|何か所|何箇所|何施設|何校|いくつ|how many|number of")

# 「会津若松市の」「福島市では」: a city named as the subject of what is asked
# (a name in hiragana — いわき市, さいたま市 — only where the question or a clause begins with it)
_CITY_JA = re.compile(r"(?<![一-龥ァ-ヶ])((?:(?<![ぁ-ゖ])[ぁ-ゖ]{2,5}(?<![はがのをにでもとへやか]))?[一-龥ァ-ヶ]{0,6}?市)"
                      r"(?=の|では|だと|で|と|は|が)")
_NOT_A_CITY = {"本市", "当市", "同市", "都市", "各市", "他市", "全市", "市", "中核市", "政令市", "近隣市", "我が市"}


# a noun right before "who": the who opens a relative clause ("children who …"), it asks no name
_RELATIVE_PRONOUN = re.compile(r"\b(?!and\b|or\b|to\b|of\b|is\b|was\b|are\b|were\b|know\b|tell\b|asked?\b|"
                               r"me\b|us\b|see\b|check\b|about\b)[a-z]{3,}\s+$")


_CONTAINS = ContainsKind()
_ASKS_TEXT = re.compile(r"(?:何て|なんて|どう|どのように)(?:書いて|書かれて|記載)|記載(?:は|が)?ある|what does (?:it|the sheet|the section) say"
                        r"|what is (?:written|said)")


def _entity(q: Query) -> bool:
    """The question asks for a named place, person or firm (「どこの学校」「委託先」): a word of the
    lexicon's ``entity`` list standing as a word of its own (業者 of 「導入業者」, not of 農業者)."""
    from assistant.kinds.inventory import MUNICIPALITY_ASKED

    if MUNICIPALITY_ASKED.search(q.frame.norm) and (q.projects or q.candidates):
        return False  # 「どこの自治体のシート？」: whose sheet it is, which the catalog says
    starts = {u.start for u in q.reading.units} | {0}
    org = "org" in q.frame.evals
    if "entity" in q.frame.ops and not any(h.key == "entity" for h in q.frame.hits):
        return True  # "which associations …": an English which-question about named things
    for h in q.frame.hits:
        if h.group == "op" and h.key == "entity":
            if org and not re.search(r"名前|氏名|担当者|name|who", h.text):
                continue  # 「担当はどこ」 asks the 課, which the sheet does give
            if h.text == "どこ" and q.frame.norm.startswith("まで", h.end):
                continue  # 「どこまで進んだ？」: how far, not where
            if h.text == "どこ" and "kaizen" in q.frame.sections:
                continue  # 「カイゼンで関係所属ってどこ？」: what that section writes (課 it names), no place
            if _COUNTED.search(q.frame.norm) and h.text not in ("誰", "だれ", "どなた", "who", "whom", "氏名", "担当者"):
                continue  # 「空き店舗に出店した件数」: a count of them, which the sheet may give, not their names
            if h.text in ("who", "which", "that") and _RELATIVE_PRONOUN.search(q.frame.norm[:h.start]):
                continue  # "children who stop attending school": a relative clause, no person asked
            if any(a <= h.start and h.end <= b for m in q.scope_rows for a, b in m.explains):
                continue  # "joint company information sessions": a word of the row named (合同企業説明会), no firm
            if h.start in starts or not re.match(r"[一-龥]", h.text):
                return True
    return False


def chat_model_or_none(settings: AssistantSettings) -> Any:
    """The configured LLM, or None — with one line on stderr — when it is misconfigured: answers
    are then extractive, as with the LLM off, never a traceback."""
    if settings.llm.backend == "off":
        return None
    from assistant.llm import LLMError, make_chat_model

    try:
        return make_chat_model(settings.llm)
    except LLMError as e:
        import sys

        print(f"warning: the LLM is not used ({e}); answers are extractive", file=sys.stderr)
        return None


def _choices(projects: list[Project]) -> list[Choice]:
    return [Choice(sheet_id=p.latest.sheet_id, project=p.name, section=p.org or None, target_fy=p.latest.target_fy)
            for p in projects[:CHOICES_SHOWN]]


__all__ = ["Assistant", "Turn", "Citation", "Fact", "lexicon", "re", "squash"]
