"""A question linked to the store: which projects it is about (named, by 課, chosen in the UI, the
conversation's, the only one there is, or the only one with the row asked), which indicators it
names, and which of its words nothing in the store explains.

The question types (:mod:`assistant.kinds`) read a :class:`Query`; none of them parses text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Literal

from assistant.dense import DenseNames
from assistant.dictionary import japanese_words, place_readings
from assistant.lexicon import lexicon
from assistant.lexicon import normalize as lex_normalize
from assistant.link import (
    Explained,
    Match,
    NameMatcher,
    Reading,
    Unit,
    common_run,
    contradicts,
    english_words,
    head,
    head_covered,
    inside_longer,
    matcher_for,
    opposites,
    read_question,
    undominated,
    unexplained,
    with_dictionary,
    words_of_name,
)
from assistant.resolve import (
    Catalog,
    IndicatorRef,
    ProjectKey,
    SheetRef,
    bigrams,
    project_core,
    project_key,
    reaches,
    short_name,
    squash,
)
from assistant.romaji import fold, katakana_to_romaji
from assistant.understand import (
    ENGLISH_ERA,
    PLAN_SIDES,
    Frame,
    drop_hits,
    drop_ops,
    layout_tag,
    layouts_said,
    theme_span,
    understand,
)
from ingest.model import Indicator, Sheet
from ingest.normalize import nfkc

How = Literal["named", "org", "scope", "focus", "only", "indicator", "all", "none"]

PROJECT_THRESHOLD = 0.6  # a name covered this well (weighted words, bigrams) is named
PROJECT_BAND = 0.08  # names within this of the best are equally named
INDICATOR_ANYWHERE = 0.62  # an indicator found across the store, no project given
INDICATOR_IN_SCOPE = 0.45  # an indicator of the project(s) the question is about
INDICATOR_UNIQUE = 0.45  # … found across the store in one project only
INDICATOR_ASKED = 0.45  # an indicator of the project this well named makes the question a figure question


@dataclass
class Project:
    """One project: its sheets (one per evaluated year), oldest first."""

    refs: list[SheetRef]
    score: float = 1.0

    @property
    def key(self) -> ProjectKey:
        return project_key(self.refs[0])

    @property
    def name(self) -> str:
        return self.refs[0].project or self.refs[0].sheet_id

    @property
    def latest(self) -> SheetRef:
        return max(self.refs, key=lambda s: s.target_fy or 0)

    @property
    def org(self) -> str:
        r = self.refs[0]
        return r.section or r.department or ""

    @property
    def sheet_ids(self) -> list[str]:
        return [r.sheet_id for r in self.refs]


@dataclass
class Focus:
    """What the conversation was about: follow-ups (その前年は？ 計画値は？ 人件費は？) start here."""

    sheet_ids: list[str] = field(default_factory=list)
    rows: list[str] = field(default_factory=list)  # indicator labels (成果指標②) or cost fields
    years: list[int] = field(default_factory=list)
    intent: str | None = None
    recent: list[int] = field(default_factory=list)  # the years of the last turns on this topic (for 「何件増えた？」)
    measures: list[str] = field(default_factory=list)  # what the turn computed (change, multiple): 「事業費だけで見ると？」
    span: list[int] = field(default_factory=list)  # every year the turn gave (a sum or a range carries them all)
    together: list[str] = field(default_factory=list)  # the projects of the last turns on one row: 「2つ合わせると？」
    names: dict[str, str] = field(default_factory=dict)  # an indicator label of ``rows`` → its name
    latest: bool = False  # the turn asked for the latest year (「最新」): each project's own, not that year
    # the rows of an earlier turn on the same project, when the last one asked none (an evaluation):
    # 「前年度と比べるとどのくらい減った？」 after 「その事業の二次評価は？」 is of the figure before it
    earlier_rows: list[str] = field(default_factory=list)
    # the cost rows of the answered turn before the last on the same project (「総事業費は？」 before
    # 「事業費と人件費に分けると？」: the total the last turn broke down)
    rows_before: list[str] = field(default_factory=list)
    budget: bool = False  # the turn gave a year's budget, printed beside its settled figure (「予算だといくら？」)

    def indicator(self, sheet: Sheet, key: str) -> Indicator | None:
        """The indicator ``key`` of the turn before, on ``sheet``: by its name (another project's
        活動指標① is another row: 「And the Digital First project?」 asks キャッシュレス決済導入施設数,
        its 活動指標③), by its label only when the name is not known."""
        name = self.names.get(key)
        if name:
            return next((i for i in sheet.indicators if i.name and squash(i.name) == squash(name)), None)
        return next((i for i in sheet.indicators if i.label == key), None)


@dataclass
class Query:
    frame: Frame
    reading: Reading
    projects: list[Project] = field(default_factory=list)  # what the question is about
    how: How = "none"
    candidates: list[Project] = field(default_factory=list)  # several fit and none was said
    indicators: list[tuple[float, IndicatorRef]] = field(default_factory=list)  # store-wide matches
    org_ids: list[str] | None = None  # sheets of a 部/課 the question names
    org_name: str | None = None
    unknown_project: str | None = None  # 「宇宙開発推進事業」: looks like a project, matches none
    unexplained: list[str] = field(default_factory=list)
    head: Unit | None = None  # the noun a Japanese question asks about, when no lexicon word is it
    head_rows: list[IndicatorRef] = field(default_factory=list)  # the project's rows the head names
    rows_elsewhere: list[str] = field(default_factory=list)  # rows named in full that only other projects have
    scope_rows: list[Match] = field(default_factory=list)  # indicator names of the projects in question
    english_rows: list[Match] = field(default_factory=list)  # of those, rows named in English through JMdict
    strong_unexplained: bool = False
    focus: Focus | None = None
    explained: Explained = field(default_factory=Explained)
    project_spans: list[tuple[int, int]] = field(default_factory=list)  # where the project is named
    kin_of: str | None = None  # the words the candidates are all about (「公園」 of 「公園関係の事業」)

    @property
    def lang(self) -> str:
        return self.frame.lang

    @property
    def single(self) -> Project | None:
        return self.projects[0] if len(self.projects) == 1 else None


def projects_of(cat: Catalog, refs: list[SheetRef], score: float = 1.0) -> list[Project]:
    """Sheets grouped into projects (every evaluated year of each), in first-seen order."""
    out: dict[ProjectKey, Project] = {}
    for r in refs:
        key = project_key(r)
        if key not in out:
            sheets = sorted(cat.sheets_of(r), key=lambda s: s.target_fy or 0)
            out[key] = Project(sheets, score)
    return list(out.values())


# "the program that helps seniors apply online -": a clause describing the project, closed by a separator
_EN_DESCRIBED = re.compile(r"\b(?:project|program|programme|scheme|initiative|campaign)\s+(?:that|which|to|for|"
                           r"helping|supporting)\b[^,:;\-–—?]*")
# an English question that asks a quantity ("how many", "what was the area/number/rate")
_EN_QUANTITY = re.compile(r"\b(?:how (?:many|much|big|large|long|far)|what (?:(?:was|were|is|are) )?(?:the )?(?:area|number|"
                          r"rate|share|percentage|amount|length|count|total|figure|level|ratio)s?)\b")
# "the city" as the municipality: the city's, the city spent, to the city. — not "the city branding
# campaign", where city is a word of the name
_THE_CITY = re.compile(r"\b(?:the|our|this|your|whole|entire)\s+(city|town)(?=['’]s\b|\s*(?:[.,?!;:)]|$)|\s+(?:"
                       r"spend|spent|spends|pay|paid|pays|did|does|do|has|have|had|is|was|were|will|gets?|got|"
                       r"receives?|received|runs?|ran|holds?|held|issues?|issued|publish(?:es|ed)?|gives?|gave|given|"
                       r"provides?|provided|makes?|made|grants?|granted|in|on|of|for|to|from|by|with|at|and|or|as|"
                       r"thanks)\b)")
_IN_LANGUAGE = re.compile(r"\b(?:in|into) (?:english|japanese)\b|英語で|日本語で|"
                          # "for our English annual report": what the answer is for, nothing asked of the sheet
                          r"\bfor (?:our|my|your|an?) (?:[a-z\-]+ ){0,3}?(?:report|presentation|briefing|newsletter|slides?|"
                          r"memo|notes)\b|"
                          # "for our overseas sister-city partners", 「議会向けに」: whom the answer is for
                          r"\b(?:for|to) (?:our|my|the) (?:[a-z\-]+ ){0,3}?(?:partners?|delegations?|visitors?|guests?|"
                          r"councill?ors?|council members|mayor|boss|manager|director|residents|citizens|audience)\b|"
                          r"(?:議会|議員|市長|上司|部長|課長|市民|住民|来客|視察)(?:の方)?向けに")
_THE_STORE = re.compile(r"(?:この|こちらの|本|当)(?:システム|ツール|アプリ|データ(?:ベース)?|db|チャット|サービス)|"
                        r"\b(?:this|the) (?:store|tool|system|database|app|chatbot|index|collection)\b")
# (「農業を始めたい人からの問い合わせ」: 始めた of 始めたい describes the people counted, no 背景 asked)
_LEADS_ON = re.compile(r"に(?!つい|おい|おけ|関し|関す|よる|より|ある|書)|で(?!は|す|しょ|の)|(?:たい|い)?人")


def link_query(frame: Frame, cat: Catalog, focus: Focus | None, scope: list[SheetRef] | None,
               known_text: Callable[[list[str] | None], str], dense: DenseNames | None = None,
               fresh_scope: bool = False) -> Query:
    """Link a question to the store. ``known_text(sheet_ids)`` gives the text of those sheets
    (sections and names) for telling which words the sheets hold. ``fresh_scope``: the user chose
    ``scope`` after the conversation's last turn, so a follow-up is about it, not that turn's project."""
    r = read_question(frame.norm)
    q = Query(frame=frame, reading=r, focus=focus)
    for h in frame.hits:
        q.explained.add(h.span)
        if frame.norm.startswith("等", h.end):  # 「使用料等」: the row's word, and the like
            q.explained.add((h.end, h.end + 1))
    for span in year_spans(frame.norm):
        q.explained.add(span)
    for h in frame.hits:  # 「受益者負担金（使用料・負担金等）」: the sheet's own gloss of the word, in brackets
        if h.group in ("row", "section") and (gloss := _GLOSS_AFTER.match(frame.norm, h.end)):
            q.explained.add(gloss.span())
    if frame.kind_span:
        q.explained.add(frame.kind_span)
    for lang_asked in _IN_LANGUAGE.finditer(frame.norm):  # "In English: what was …": the answer's language
        q.explained.add(lang_asked.span())
    for names_too in _NAMES_TOO.finditer(frame.norm):  # 「事業は何件？名前も」: the projects' names, asked with them
        q.explained.add(names_too.span())

    # Names of projects, 部/課 and indicators found anywhere in the question.
    named = cat.project_matcher.match(r, PROJECT_THRESHOLD - 0.15)
    # 「今後の周辺環境」 asks a section: 環境 of its words names no 環境学習推進事業
    sections = [h.span for h in frame.hits if h.group == "section"]
    named = [m for m in named if m.exact or not m.parts or not Match.within(m, sections) or any(
        squash(frame.norm[a:b]) in squash(m.name) for a, b in m.parts)]
    if frame.lang == "en":
        named = _named_in_english(r, cat, named, frame.text, [h.span for h in frame.hits])
        # "Hokushin City's …": the city's name, not シティプロモーション事業's シティ
        said_cities = [m.span() for m in re.finditer(r"([a-z]{3,})\s+(city|town)\b", frame.norm)
                       if any(fold(m.group(1)) in city_romaji(frozenset([c])) for c in cat.municipalities)]
        # "how much did the city spend on …": the municipality, never the シティ of シティプロモーション事業
        # (which "the city promotion project" names)
        the_city = [m.span(1) for m in _THE_CITY.finditer(frame.norm)]
        named = [m for m in named if not any(s <= a and b <= e for a, b in m.parts for s, e in the_city)]
        # "how many drills were held": a verb of the question (held → 開催) names no 観光イベント開催支援事業
        verbs = [m.span(1) for m in _EN_PASSIVE.finditer(frame.norm)]
        named = [m for m in named if m.exact or not m.parts or not all(
            any(s <= a and b <= e for s, e in verbs) for a, b in m.parts)]
        # "special-needs support staff deployed to schools": four words of 特別支援教育支援員配置事業 outweigh
        # the one (schools → 学校) of 学校施設長寿命化事業 that scored higher for being its own word
        wide = max(named, key=lambda x: (x.words, x.score), default=None)
        above = [x for x in named if x is not wide and wide is not None and x.score > wide.score]
        if wide is not None and wide.words >= 3 and wide.score >= PROJECT_THRESHOLD - 0.15 and above and all(
                x.words <= 1 for x in above):
            top = max(x.score for x in named)
            listed = _listed_projects(frame.norm)  # (an item of a list of projects is a name of its own)
            named = [replace(wide, score=max(wide.score, top + 0.01)) if x is wide else x for x in named
                     if x is wide or x.exact or x.words >= 2 or x.parts and all(
                         any(a <= s and e <= b for a, b in listed) for s, e in x.parts)]
    else:
        # 「郡山の事業で総事業費が一番大きいのは？」: the city whose sheets are meant, not the 郡山 of
        # 郡山ブランド野菜振興事業 (a name said in more of its words than the city's stays named)
        # (「郡山以外」 is one word to Sudachi: the city and what it sets aside)
        said_cities = [(m.start(), m.end() + (2 if frame.norm.startswith("以外", m.end()) else 0))
                       for c in cat.municipalities for form in {c, _city_core(c)} if len(form) >= 2
                       for m in re.finditer(re.escape(lex_normalize(form)), frame.norm)]
    # 「このシステムに入ってる事業」 "the projects in this database": the store itself, not 電子申請システム運用事業
    the_store = [m.span() for m in _THE_STORE.finditer(frame.norm)]
    for span in the_store:
        q.explained.add(span)
    said_cities += the_store
    # "for our overseas sister-city partners": whom the answer is for names no project (シティ of sister-city)
    said_cities += [m.span() for m in _IN_LANGUAGE.finditer(frame.norm)]
    named = [m for m in named if not (said_cities and (m.parts or m.span != (0, 0)) and all(
        any(s <= a and b <= e for s, e in said_cities) for a, b in (m.parts or (m.span,))))]
    inds = _beside_cost_rows(cat.indicator_matcher.match(r, INDICATOR_ANYWHERE - 0.1), frame)
    named = _drop_explained_by_indicators(named, inds, frame.norm)
    exact = [m for m in named if m.exact]
    if exact:  # a name spelled out in full: names inside a longer spelled-out name are not named
        # (another project named beside it in its own words stays: 「電子行政推進事業と東山市のふるさと寄附」)
        named = [m for m in named if m.exact and not any(m is not o and squash(m.name) in squash(o.name)
                                                          for o in exact)
                 or not m.exact and m.score >= PROJECT_THRESHOLD and m.span[0] < m.span[1]
                 and not any(o.span[0] < m.span[1] and m.span[0] < o.span[1] for o in exact)
                 and _named_beside(frame.norm, m, exact)]
    groups = (_mentions(named, _project_phrases(frame.norm), one_each=True) if frame.lang == "en"
              else _mentions(named, _ja_mentions(frame.norm)))
    for g in groups:
        # 「緑化推進の事業」: 緑化推進事業 and 堤下地区緑化推進事業 alike (a place before a name makes another
        # project of the same kind) — unless the shorter name is written out in full
        if len(g) == 1 and (g[0].exact or g[0].score >= 0.95) and squash(g[0].name) not in squash(frame.norm):
            # (「西山市の緑化推進の事業」: the city said keeps its own)
            in_city = {c for c in cat.municipalities for form in {c, _city_core(c)}
                       if len(form) >= 2 and lex_normalize(form) in frame.norm}
            longer = [n for n in cat.project_names if n != g[0].name and squash(g[0].name) in squash(n)
                      and not (in_city and all(cat.city_of.get(s.sheet_id) not in in_city for s in cat.by_project_name(n)))]
            placed = [m for m in named if m.name in longer and m.words > g[0].words]
            if placed:  # "the eastern district multifunctional payment project": the place said picks that one
                g[:] = [max(placed, key=lambda m: (m.words, m.score))]
            else:
                g += [replace(g[0], name=n, exact=False) for n in longer]
        elif len(g) > 1:  # a name inside a longer one the question says more words of: the longer one
            g[:] = [m for m in g if not any(o is not m and squash(m.name) in squash(o.name) and o.words > m.words
                                            for o in g)]
            # "the internal network renewal project": of names the mention fits alike, the one it says more
            # words of (更新 said, 管理運営 not)
            most = max(m.words for m in g)
            if frame.lang == "en" and len(g) > 1 and sum(m.words == most for m in g) == 1:
                g[:] = [m for m in g if m.words == most]
    if frame.lang == "en" and len(groups) >= 2:
        # "Emergency first-aid awareness project: households freed from flood damage": a project named where
        # the question names one, and one word elsewhere (freed → 解消 of 耕作放棄地対策解消事業) names none
        # more — unless joined to it as a second ("… project and the library")
        naming = _project_phrases(frame.norm) + [m.span(1) for m in _EN_HEADING.finditer(frame.norm)]

        def said_as_project(g: list[Match]) -> bool:
            return any(a <= g[0].span[0] and g[0].span[1] <= b for a, b in naming)

        if any(said_as_project(g) and (g[0].exact or g[0].words >= 2) for g in groups):
            groups = [g for g in groups if said_as_project(g) or g[0].exact or g[0].words >= 2
                      or _EN_JOINED.search(frame.norm[:g[0].span[0]])]
    if frame.lang == "ja" and len(groups) >= 2:
        # 「オンライン化推進のキャッシュレス決済件数」: after one project's name and の, words ending in a
        # measure (件数, 額, 率) are a row of it, not a second project named by some of its words
        groups = [g for g in groups if not (not g[0].exact and MEASURE_END.search(frame.norm[g[0].span[0]:g[0].span[1]])
                                            and any(o is not g and o[0].span[1] <= g[0].span[0]
                                                    and frame.norm[o[0].span[1]:g[0].span[0]] == "の" for o in groups))]
    chosen = [m for g in groups for m in g]
    for m in chosen:
        for span in m.explains:
            span = _short_of_measure(frame.norm, span, m.name, cat.project_matcher)
            span = _short_of_row(frame.norm, span, m.name, cat)
            q.explained.add(span)
            q.project_spans.append(span)
    if frame.lang == "en":  # "the Special Needs … Staff Placement Project": every word before "project" names it
        # (as does a heading before a colon: "Energy-saving promotion in Hokushin: full cost trend")
        for phrase in _project_phrases(frame.norm) + [m.span(1) for m in _EN_HEADING.finditer(frame.norm)]:
            if any(a < phrase[1] and phrase[0] < b for a, b in q.project_spans):
                q.explained.add(phrase)
        if chosen:  # ("the tax collection improvement project" asks no カイゼン section, "zero-carbon" no zero)
            drop_hits(frame, [p for p in _project_phrases(frame.norm) + [m.span(1) for m in _EN_HEADING.finditer(frame.norm)]
                              if len(re.split(r"[\s-]+", frame.norm[p[0]:p[1]])) >= 2],
                      groups=("section", "comparator"))
    for _, e in list(q.project_spans):  # 「太陽光の補助」「下水道の耐震化の事業」: what kind of project it is
        if (kind := _PROJECT_KIND.match(frame.norm, e)) is not None:
            q.explained.add(kind.span())
            q.project_spans.append(kind.span())
    _year_of_the_sheet(frame, q.project_spans)
    cities: set[str] = set()
    scoping: set[str] = set()  # cities named for the question as a whole, not as one project's
    in_english = {city: city_romaji(frozenset([city])) for city in cat.municipalities}
    for word in re.finditer(r"[a-z]{3,}", frame.norm):  # "Hokushin City's …": 北辰市, spelled out
        for city, forms in in_english.items():
            # (not a word of a name: "the Koriyama brand vegetables sheet")
            if fold(word.group(0)) in forms and not _said_in_a_name(_city_core(city), word.span(), chosen):
                q.explained.add(word.span())
                cities.add(city)
                if not re.match(r"\s*(city)?\s*['’]s\b", frame.norm[word.end():]):  # "Koriyama's hometown …": one project's
                    scoping.add(city)
    for city in cat.municipalities:  # 「西山市の観光イベント支援」: whose sheet it is, nothing asked of it
        for form in {city, _city_core(city)}:
            if len(form) >= 2:
                for place in re.finditer(re.escape(lex_normalize(form)), frame.norm):
                    if _said_in_a_name(form, place.span(), chosen):
                        continue  # 「郡山ブランド野菜の事業」: a word of the name said, on another city's sheet perhaps
                    q.explained.add(place.span())
                    cities.add(city)
                    if not any(0 <= s - place.end() <= 1 for s, _ in q.project_spans):
                        scoping.add(city)
    cores = _org_cores(frame.norm, cat)
    for _core, span in cores:  # 「水道の研修」: 水道 of 水道局 names whose project it is
        q.explained.add(span)
    orgs = cat.organisations(frame.norm)
    said_org = _org_in_english(frame.norm, cat) if not orgs and frame.lang == "en" else None
    if said_org is not None:
        names, span = said_org
        orgs = list({ref.sheet_id: ref for name in names for ref in cat.organisations(name)}.values())
        q.explained.add(span)
        drop_hits(frame, [span])  # "environment" of the department's name asks no 周辺環境 section
    if orgs:
        q.org_ids = [s.sheet_id for s in orgs]
        q.org_name = orgs[0].section if orgs[0].section and squash(orgs[0].section) in squash(frame.norm) \
            else orgs[0].department
        org_said: list[tuple[int, str]] = []
        for name in {n for s in orgs for n in (s.section, s.department) if n}:  # 「上下水道局と水道局」: each
            for found in re.finditer(re.escape(nfkc(name).lower()), frame.norm):
                q.explained.add(found.span())
                org_said.append((found.start(), name))
        if len({name for _, name in org_said}) > 1:
            q.org_name = "・".join(dict.fromkeys(name for _, name in sorted(org_said)))
        # 「こども部の事業を一覧で」: こども names the 部, not こども医療費助成事業 (a word of its name)
        org_spans = [(at, at + len(nfkc(name))) for at, name in org_said]
        chosen = [m for m in chosen if m.exact or not m.within(org_spans)]
        if said_org is not None:  # named in English: the 部/課 its words are
            q.org_name = "・".join(said_org[0])

    including = _WITH_OTHER_CITIES.search(frame.norm) is not None
    if including:  # 「他市のシートも含めて」: every city's sheets the store holds, none set aside
        drop_ops(frame, "outside")
    if len(cat.municipalities) >= 2 and q.org_ids is None and not including and (
            home := _home_city(frame.norm, cities, cat)):
        # 「他市のシートで…」 "projects from municipalities other than Koriyama": in a store of several
        # cities' sheets, those of the cities other than the one named, else than the one most sheets are of
        q.org_ids = [s.sheet_id for s in cat.sheets if cat.city_of.get(s.sheet_id) not in (home, None)]
        q.org_name = "・".join(sorted({c for c in cat.city_of.values() if c and c != home}))
        drop_ops(frame, "outside")  # not figures from outside the sheets: sheets the store holds
        for scope_said in (_BUT_CITY.search(frame.norm), _OTHER_CITIES_SHEETS.search(frame.norm), CITIES_COUNTED.search(frame.norm)):
            if scope_said is not None:  # (「郡山市以外の自治体のシート」: its words name the scope, nothing asked)
                q.explained.add(scope_said.span())
    elif len(cities) == 1 and scoping and len(cat.municipalities) >= 2 and q.org_ids is None:
        # 「郡山の事業で…」 in a store of several cities' sheets: that city's, as a 部 or 課 would be
        city = next(iter(cities))
        q.org_ids = [s.sheet_id for s in cat.sheets if cat.city_of.get(s.sheet_id) == city]
        q.org_name = city
    if layout := next(iter(layouts_said(frame.norm)), None):
        q.explained.add(layout.span())
        # 「郡山のR7様式の事業」: the sheets of that layout, for a question over many projects (the layout
        # beside one project's name says which of its sheets: "the transit project (older H27-format sheet)")
        many = _CROSS.search(frame.norm) or "sheets" in frame.norm or frame.rank or frame.has("list", "count")
        if not chosen and many and (layout_ids := _of_layout(layout, cat)):
            kept_ids = set(layout_ids)
            q.org_ids = layout_ids if q.org_ids is None else [i for i in q.org_ids if i in kept_ids]
            layout_name = f"{layout_tag(layout).upper()}様式"
            q.org_name = f"{q.org_name}の{layout_name}" if q.org_name else layout_name
    named_spans = [m.span for m in chosen if m.exact]
    if named_spans:
        drop_hits(frame, named_spans)
    # 「固定資産評価で…」: the 評価 of a name said short of its 事業 asks no evaluation result
    if name_words := [(a, b) for m in chosen if not m.exact and m.score >= PROJECT_THRESHOLD for a, b in m.parts if b - a >= 3]:
        drop_hits(frame, name_words, groups=("eval",))
    # "the Kikuta road snow-removal project (喜久田地区道路除雪対策事業)", "… gift program (敬老祝金)": its English name
    # (a Japanese name in the brackets: "… (agricultural waterway project)" glosses nothing before it)
    for s, _ in [m.span for m in chosen if (m.exact or m.score >= PROJECT_THRESHOLD)
                 and re.match(r"[一-龥ぁ-んァ-ヶー]", frame.norm[m.span[0]:m.span[0] + 1])]:
        if gloss := _GLOSS_BEFORE.search(frame.norm[:s]):  # (whom it names — "Elderly" — narrows no count)
            q.explained.add(gloss.span(1))
            q.project_spans.append(gloss.span(1))
    if frame.same_org and focus is not None and focus.sheet_ids and not chosen:
        ref = cat.sheet(focus.sheet_ids[0])
        if ref is not None:  # 「同じ部の別の事業は？」: the other projects of the project under discussion's 部
            dept = "部" in frame.norm and "部局" not in frame.norm or "department" in frame.norm
            key = (ref.department if dept else ref.section) or ref.department or ref.section
            q.org_ids = [s.sheet_id for s in cat.sheets if (s.department if dept else s.section) == key
                         and project_key(s) != project_key(ref)]
            q.org_name = key
            q.how = "org"
            q.candidates = projects_of(cat, [s for s in (cat.sheet(i) for i in q.org_ids) if s])
            return q
    projects = [p for m in chosen for p in projects_of(cat, cat.by_project_name(m.name), m.score)]
    # (an indicator whose name is a piece of the word a project is named by — 「市民」 of 「市民大学」 — is
    # not named)
    strong_inds = [m for m in inds if m.score >= INDICATOR_ANYWHERE
                   and not all(inside_longer(x, [y for c in chosen for y in c.explains]) for x in m.explains)]
    if projects and not exact and strong_inds:
        # a project named by one word loses to an indicator named in full elsewhere:
        # 「窓口でのキャッシュレス決済の利用件数」 is not about 書かない窓口導入事業
        homes = {project_key(ref) for m in strong_inds for ref in (cat.sheet(i.sheet_id) for i in
                                                                     cat.indicators_named(m.name)) if ref}
        best_ind = max(m.score for m in strong_inds)
        said = any(_NAMES_A_PROJECT.match(frame.norm, e) for _, e in q.project_spans)
        literal = any(_printed_as_written(m, strong_inds, frame.norm) for m in chosen)  # 「DXの…」: 地域ＤＸ推進事業
        if homes and not literal and not any(p.key in homes for p in projects) and best_ind >= max(0.75, max(
                p.score for p in projects) + 0.05):
            if said:  # 「通学路の事業で、『学校が楽しい』の割合は？」: that project, whose sheet has no such row
                q.rows_elsewhere = sorted({name for m in strong_inds for name in [m.name]})
            else:
                projects = []
    if projects and q.org_ids is not None:  # 「市民部のデジタルファースト推進事業」: the 課 picks among namesakes
        org = set(q.org_ids)
        kept = _namesakes(projects, lambda x: bool(set(x.sheet_ids) & org))
        # a project guessed from a word or two yields to the 課 the question names outright — unless the
        # question names two projects and the 課 is another one's (「集会所補助と水道局の研修事業」)
        in_org = [p for p in kept if p.score >= 1.0 or set(p.sheet_ids) & set(q.org_ids)]
        mentions = [{p.key for m in g for p in projects_of(cat, cat.by_project_name(m.name), m.score)} for g in groups]
        kept_keys = {p.key for p in in_org}
        others = [p for p in kept if len(mentions) >= 2 and p not in in_org
                  and any(p.key in keys and not keys & kept_keys for keys in mentions)]
        projects = [p for p in kept if p in in_org or p in others]
    inds = _by_modifiers(inds, r, q.explained)
    q.indicators = [(m.score, ref) for m in inds for ref in cat.indicators_named(m.name)]

    # (a name unknown as written but known once staff shorthand is spelled out — 「SSW事業」 — is known)
    if not exact and (unknown := _unknown_project(frame.text, cat)) is not None \
            and (not r.spelled_text or _unknown_project(r.spelled_text, cat) is not None):
        q.unknown_project = unknown  # 「田村地区道路除雪対策事業」: spelled out, and not the 喜久田 one
        q.candidates = [p for m in named[:3] for p in projects_of(cat, cat.by_project_name(m.name), m.score)]
        return q
    if not projects and focus is not None and focus.sheet_ids and frame.follow_up:
        projects = _sibling(r, cat, focus, q)  # 「支援事業のほうは？」 after 町内会活動推進事業
    if projects and scope and not exact:
        projects = []  # the sheets the user chose outrank a name guessed from a word
    if projects and cities:  # 「郡山のふるさと寄附」: of namesakes in two cities, the one named
        def in_cities(x: Project) -> bool:
            return any(cat.city_of.get(r.sheet_id) in cities for r in x.refs)

        projects = _namesakes(projects, in_cities)
        if any(len(g) > 1 for g in groups):
            # of the names one mention fits equally, those of the city named (西山市's ふるさと納税推進事業
            # beside 郡山市's ふるさと納税事業)
            in_city = {p.name for p in projects if in_cities(p)}
            groups = [[m for m in g if m.name in in_city] or g for g in groups]
            still = {m.name for g in groups for m in g}
            projects = [p for p in projects if p.name in still]
        if not any(in_cities(p) for p in projects):
            # 「西山市のふるさと納税」: a name of the city named that the words fit too (ふるさと納税推進事業),
            # not the name another city's project fits a little better (郡山市's ふるさと納税事業)
            there = [p for m in cat.project_matcher.match(r, PROJECT_THRESHOLD)
                     for p in projects_of(cat, cat.by_project_name(m.name), m.score) if in_cities(p)]
            projects = there[:1] or projects
    # what only a sheet of the year gives (「R7実施分」, its evaluation): of namesakes, the one evaluating it
    of_the_year = bool(frame.years) and bool(frame.of_sheets or frame.evals or frame.stages)

    def evaluates(x: Project) -> bool:
        return any(r.target_fy in frame.years for r in x.refs)

    if projects and frame.years:  # of namesakes run by different 課, those whose sheets reach the year
        projects = _namesakes(projects, lambda x: any(reaches(r, fy) for r in x.refs for fy in frame.years))
        if of_the_year:  # 「ごみ減量推進事業のR6実施分」: of two cities' namesakes
            projects = _namesakes(projects, evaluates)
    elif projects and _NEWEST.search(frame.norm) and len(cities) < 2:
        # 「最新のシートだと」: the namesake whose sheets are newest (not where two cities' are named: each has its own)
        newest = {p.name: max(x.latest.target_fy or 0 for x in projects if x.name == p.name) for p in projects}
        projects = _namesakes(projects, lambda x: (x.latest.target_fy or 0) == newest[x.name])
    if projects and frame.years and any(len(g) > 1 for g in groups):
        # 「保育所等施設整備、R6の…」: of the names one mention fits equally, those with a sheet late enough
        # to hold the year asked (保育所等施設整備補助事業's H27 sheet ends years before R6; a later sheet
        # may print earlier years, so only the too-old are set aside)
        reaching = {p.name for p in projects if any(r.target_fy is not None and fy <= r.target_fy + 4
                                                    for r in p.refs for fy in frame.years)}
        groups = [[m for m in g if m.name in reaching] or g for g in groups]
        # 「庁内ネットワーク事業のR7実施分」 "what did the secondary evaluation of the city PR project say for
        # FY2025": of the names one mention fits, those with a sheet of that year
        if of_the_year:
            evaluated = {p.name for p in projects if evaluates(p)}
            groups = [[m for m in g if m.name in evaluated] or g for g in groups]
        still = {m.name for g in groups for m in g}
        projects = [p for p in projects if p.name in still]
    if projects and not exact and inds and not scope:
        # 「家庭訪問の実施件数と認知症の相談件数」: a row joined to the one of the project named, which no
        # project named has, is its own project's (one project's only; the joiner is evidence enough for
        # a row found a little less well than one found alone)
        held = {i.name for p in projects for ref in p.refs for i in cat.indicators_of(ref.sheet_id)}
        joined_rows = [inds[0], *_rows_joined(inds, inds[0].score, frame.norm)]
        if len(joined_rows) > 1 and any(x.name in held for x in joined_rows):
            for m in joined_rows:
                row_homes = projects_of(cat, [s for i in cat.indicators_named(m.name) for s in [cat.sheet(i.sheet_id)] if s])
                if m.name not in held and m.score >= INDICATOR_ANYWHERE - 0.05 and len(row_homes) == 1 \
                        and row_homes[0].key not in {p.key for p in projects}:
                    projects = [*projects, row_homes[0]]
                    groups = [*groups, [replace(m, name=row_homes[0].name)]]
    if projects and any(len(g) > 1 for g in groups) and strong_inds:
        # "Internal network project: … user satisfaction": of the names one mention fits equally, those
        # whose sheets have the row the question names
        # (a row found by the project's own words — 庁内ネットワーク of 庁内ネットワークの利用者満足度 — names none)
        name_spans = [span for g in groups for m in g for span in m.explains]
        beyond = [m for m in strong_inds if not all(any(s <= a and b <= e for s, e in name_spans) for a, b in m.explains)]
        holders = {p.name for p in projects for ref in p.refs for i in cat.indicators_of(ref.sheet_id)
                   if any(i.name == m.name for m in beyond)}
        groups = [[m for m in g if m.name in holders] or g for g in groups]
        still_named = {m.name for g in groups for m in g}
        projects = [p for p in projects if p.name in still_named]
    if projects and (gathered := _about_theme(frame, r, cat, chosen, q.org_ids)) is not None:
        # 「公園関係の事業の総事業費」: a theme said, not a name — every project about it, not only the one
        # whose name holds its word (立地適正化推進事業's 公園遊具の事故件数 is 公園's too)
        q.kin_of, kin = gathered
        projects = list({p.key: p for p in [*projects, *kin]}.values())
        groups = [[replace(chosen[0], name=p.name) for p in projects]]
    if projects and frame.theme and (theme_at := theme_span(frame.norm)) is not None and any(
            a < theme_at[1] and theme_at[0] < b for a, b in q.project_spans):
        # 「カーボン系の事業」 naming one project (no other is about カーボン): 系 is said of it too
        q.explained.add(theme_at)
        q.project_spans.append(theme_at)
    if projects:
        ambiguous = any(len(g) > 1 for g in groups)
        if not ambiguous:
            q.projects, q.how = projects, "named"
        else:
            q.candidates, q.how = projects, "named"
    elif q.org_ids is not None:
        group = projects_of(cat, [s for s in (cat.sheet(i) for i in q.org_ids) if s])
        if frame.follow_up and focus is not None and len(group) > 1:
            # 「市民部のほうで」 after two 町内会 projects: the one of them that 部 runs
            before = {project_key(r) for i in focus.sheet_ids for r in [cat.sheet(i)] if r is not None}
            group = [p for p in group if p.key in before] or group
        if group and (about := _about_within_org(frame, r, cat, q, chosen)) is not None and (
                len(group) > 1 or about or not _shares_a_word(r, chosen, group[0].name)):
            # "the Hokushin farmland sheet": of the city's projects, those about farmland — none is none
            # (never every project of the city, each figure as if it were the one asked; nor its one
            # project: 「西山市のスクールソーシャルワーカーの事業費」 where 西山市 has only ふるさと納税 —
            # though 「北辰市の市民協働」 is its 協働のまちづくり推進事業, which says 協働)
            group = about
        if len(group) == 1:
            q.projects, q.how = group, "org"
        elif not group:
            q.unknown_project = _unknown_within_org(frame, chosen)
        else:
            q.candidates, q.how = group, "org"
    elif frame.theme and frame.lang == "ja" and (themed := projects_of(cat, [
            s for s in (cat.sheet(i) for i in cat.about(theme_words(frame.theme))) if s is not None
            and (q.org_ids is None or s.sheet_id in q.org_ids)])):
        # 「ごみ関係の事業の総事業費は？」 where no name holds the word as said: the projects about it
        q.candidates, q.how, q.kin_of = themed, "named", frame.theme
        if (theme_at := theme_span(frame.norm)) is not None:
            q.explained.add(theme_at)
            q.project_spans.append(theme_at)
    elif (unknown := _unknown_project(frame.text, cat)) is not None:
        q.unknown_project = unknown
    elif focus is not None and focus.sheet_ids and not _cross_project(frame) and not _elsewhere(
            q, cat, focus.sheet_ids) and (not scope or (frame.follow_up or _within(focus.sheet_ids, scope)) and not (
                fresh_scope and not _within(focus.sheet_ids, scope))):
        # (with sheets chosen, a conversation about them goes on: 「達成率は？」 keeps the year it was about)
        ids = focus.together if len(focus.together) > 1 and _BOTH.search(frame.norm) else focus.sheet_ids
        refs = [s for s in (cat.sheet(i) for i in ids) if s is not None]
        q.projects, q.how = projects_of(cat, refs), "focus"
    elif scope and not _elsewhere(q, cat, [s.sheet_id for s in scope]):
        q.projects, q.how = projects_of(cat, scope), "scope"
    elif len(cat.projects_all()) == 1:
        q.projects, q.how = projects_of(cat, cat.sheets[:1]), "only"
    elif q.indicators:
        best = q.indicators[0][0]
        near = [ref for sc, ref in q.indicators if sc >= best - 0.1]
        own_words = max((m.words for m in inds), default=0)
        near_projects = projects_of(cat, [s for s in (cat.sheet(i.sheet_id) for i in near) if s])
        if best >= INDICATOR_ANYWHERE or (best >= INDICATOR_UNIQUE and len(near_projects) == 1 and own_words):
            home_rows = [ref for sc, ref in q.indicators if sc >= best - 1e-6]
            home_rows += [ref for m in _rows_joined(inds, best, frame.norm) for ref in cat.indicators_named(m.name)]
            group = projects_of(cat, [s for s in (cat.sheet(i.sheet_id) for i in home_rows) if s])
            # (a row two projects have, asked of a year: the ones whose sheets reach it — 大会参加者数 of
            # R7, not of the H27 namesake that ended years before)
            group = [p for p in group if any(reaches(r, fy) for r in p.refs for fy in frame.years)] or group
            if frame.years and not any(reaches(r, fy) for p in group for r in p.refs for fy in frame.years):
                # (none of them reaches it: a row matched a little less well whose project does —
                # 「議会の出前講座、R2〜R7」 is 議会の情報に関する出前講座の開催回数, not an H27 sheet's 出前講座)
                closer = [p for p in projects_of(cat, [s for s in (cat.sheet(i.sheet_id) for sc, i in q.indicators
                                                                   if sc >= best - 0.15) if s])
                          if any(reaches(r, fy) for r in p.refs for fy in frame.years)]
                group = closer if len(closer) == 1 else group
            q.projects, q.how = group, "indicator"
    def unnamed_in_english() -> bool:
        """An English question about one project that no word, 部/課, scope or conversation named."""
        return (frame.lang == "en" and not (q.projects or q.candidates or q.org_ids or chosen)
                and q.unknown_project is None and not _cross_project(frame) and not (focus and focus.sheet_ids)
                and not scope)

    if dense is not None and unnamed_in_english() and len(cat.projects_all()) > 1:
        # "the program that gets kids back to school": no word names a project, its meaning may (e5,
        # multilingual; the thresholds chosen on the tune split by `python -m eval thresholds`)
        from assistant.dense import PROJECT_ACCEPT, PROJECT_MARGIN, content

        text = content(frame)
        nearest = dense.best(text, cat.project_matcher.names) if len(text) >= 3 else None
        if nearest is not None and nearest.score >= PROJECT_ACCEPT and nearest.score - nearest.runner_up >= PROJECT_MARGIN:
            q.projects, q.how = projects_of(cat, cat.by_project_name(nearest.name), nearest.score), "named"
    if unnamed_in_english():  # (weak store-wide row matches that settled no project do not stop it)
        # "how many people signed up for the disaster alert emails" (防災メール登録者数): a row of the store
        # named in words JMdict carries, two of them at least, and no other row as well
        en_rows = _rows_in_english(r, q, tuple(cat.indicator_matcher.names))
        refs = [ref for row in en_rows for i in cat.indicators_named(row.name) for ref in [cat.sheet(i.sheet_id)] if ref]
        if refs:
            q.english_rows = en_rows
            for where in en_rows[0].explains:
                q.explained.add(where)
            group = projects_of(cat, refs)
            if len(group) == 1:
                q.projects, q.how = group, "indicator"
            else:
                q.candidates, q.how = group, "indicator"
    phrases = [frame.norm[a:b].strip() for a, b in _project_phrases(frame.norm)]
    # (two content words at least: "the new project" names nothing to decline)
    phrases = [x for x in phrases if len(set(re.findall(r"[a-z]+", x)) - _NO_NAME_WORDS - lexicon().function_words) >= 2]
    if unnamed_in_english() and not q.indicators and phrases and not q.english_rows:
        # "the snow removal program": a project named as such that no name, row or meaning finds is not
        # in the store — said so, rather than asking which of every project was meant
        q.unknown_project = phrases[0]
    if len(q.projects) == 1 and q.how == "named" and not exact and cores and q.org_ids is None and all(
            m.within(span for _, span in cores) for m in chosen):
        # 「観光の事業」: 観光 names 観光イベント開催支援事業 by a word of its name, and 観光課 by its core —
        # whose projects are as much meant
        in_org = projects_of(cat, [ref for c, _ in cores for name in cat.org_names()
                                   if _ORG_TAIL.sub("", lex_normalize(name)) == c for ref in cat.organisations(name)])
        if any(p.key != q.projects[0].key for p in in_org):
            q.candidates, q.projects = list({p.key: p for p in [*q.projects, *in_org]}.values()), []
    if not q.projects and not q.candidates and q.unknown_project is None and not chosen and cores:
        # nothing else names a project, but a 部/課 by its core does (「水道の研修会に来た人」), and it
        # has one project; a core inside a longer word (水道 of 下水道) names no 部/課
        # (nor a word the sheets use otherwise: 市民 of 市民部 is also whom projects serve)
        common = lexicon().generic_parts
        refs = [ref for c, (a, _) in cores if (a == 0 or not re.match(r"[一-龥ァ-ヶ]", frame.norm[a - 1]))
                and c not in common and not cat.indicator_matcher.match(read_question(c), 0.99)
                for name in cat.org_names() if _ORG_TAIL.sub("", lex_normalize(name)) == c
                for ref in cat.organisations(name)]
        group = projects_of(cat, list({ref.sheet_id: ref for ref in refs}.values()))
        # (「観光の事業」: 観光 of 観光課 is also a word of other projects' names — each is meant)
        core_words = {c for c, _ in cores}
        namesakes = projects_of(cat, [s for s in cat.sheets if s.project and any(
            c in lex_normalize(s.project) for c in core_words)]) if group else []
        if len(group) == 1 and len({p.key for p in [*group, *namesakes]}) > 1:
            q.candidates, q.how = list({p.key: p for p in [*group, *namesakes]}.values()), "named"
        elif len(group) == 1:
            q.projects, q.how = group, "org"
    if frame.lang == "ja":
        q.head = head(r, q.explained)
    scoped_names = sorted({i.name for p in (q.projects or q.candidates) for ref in p.refs
                           for i in cat.indicators_of(ref.sheet_id) if i.name}
                          | {label for p in (q.projects or q.candidates) for ref in p.refs
                             for label in cat.cost_labels.get(ref.sheet_id, ())})
    if scoped_names:
        rows = matcher_for(tuple(scoped_names), own_words=False).match(r, INDICATOR_ASKED)
        # words that name the project name no row of it: 「ハザードマップの事業で、防災訓練に来た人」
        # asks 防災訓練の参加者数, not ハザードマップに関する説明会の開催回数
        # (when another row is named by words of its own; 「研修の事業の研修会は？」 keeps 研修会開催回数)
        own = [m for m in rows if m.exact or not m.within(q.project_spans)]
        if frame.lang == "en" and not own and (q.projects or q.candidates):
            q.english_rows = [m for m in q.english_rows if m.name in scoped_names] or _rows_in_english(
                r, q, tuple(scoped_names))
            own = rows = q.english_rows or rows
        q.scope_rows = undominated(own, q.project_spans + year_spans(frame.norm)) if own else rows
        for m in q.scope_rows:
            for span in m.explains:
                q.explained.add(span)
        exact_rows = [m.span for m in q.scope_rows if m.exact]
        if exact_rows:  # 「全国学力・学習状況調査の平均正答率」 asks no 状況 section
            # (a cost row another layout prints — 地方債 — is the row the lexicon found there: it stays)
            if not_rows := tuple({h.group for h in frame.hits} - {"row"}):
                drop_hits(frame, exact_rows, groups=not_rows)
        # a measure word inside the row's own words is the row's: 「平均正答率」 asks no average over years
        row_words = [span for m in q.scope_rows for span in m.parts]
        if frame.lang == "en":  # ("how did the number of electronic tenders change": a verb ends the phrase, no row word)
            row_words = [(s, e) for s, e in row_words if not any(h.group == "measure" and h.end == e and h.start > s
                                                               for h in frame.hits)]
        if any(h.group == "measure" and any(s <= h.start and h.end <= e for s, e in row_words) for h in frame.hits):
            drop_hits(frame, row_words, groups=("measure",))
        if frame.lang == "en" and _EN_QUANTITY.search(frame.norm):
            # "what area was under conservation activities": activities is a word of 保全活動に取り組む面積,
            # asked for its area, not the 手段 section; "how many council newsletter issues": the word
            # right after the row's is what is counted of it, not the 課題 section
            spans = [span for m in q.scope_rows if m.score >= 0.5 for span in m.parts]
            spans += [(h.start, h.end) for h in frame.hits if h.group == "section"
                      and any(re.fullmatch(r"[\s\-]+", frame.norm[e:h.start]) for _, e in spans)]
            drop_hits(frame, spans, groups=("section",))
    ids = [i for p in (q.projects or q.candidates) for i in p.sheet_ids]
    if q.head is not None:
        scoped = [i for p in (q.projects or q.candidates) for ref in p.refs for i in cat.indicators_of(ref.sheet_id)]
        q.head_rows = [i for i in scoped if i.name and names_noun(frame.norm, q.head, i.name)
                       and not _measure_as_modifier(q.head.text, i.name) and not contradicts(r, words_of_name(i.name))]
        spelled = {m.name for m in q.scope_rows if m.exact and m.span[0] < q.head.end and q.head.start < m.span[1]}
        if spelled:  # 「粗大ごみの回収件数」 read as the row it spells out (粗大ごみの収集件数), not rows of 回収
            q.head_rows = [i for i in scoped if i.name in spelled]
        named_rows = beyond_measure_noun(q, q.scope_rows)
        if len(named_rows) < len(q.scope_rows):
            gone = {m.name for m in q.scope_rows} - {m.name for m in named_rows}
            q.scope_rows, q.head_rows = named_rows, [i for i in q.head_rows if i.name not in gone]
        if q.head_rows:
            # 「合同説明会をきっかけに就職できた人」「健康ポイントの取組に参加した人」: a section word that leads on
            # into the clause (に/で) describes the row the noun asked names; it asks for no section
            passing = [h.span for h in frame.hits if h.group == "section" and _LEADS_ON.match(frame.norm, h.end)]
            if passing:
                drop_hits(frame, passing, groups=("section",))
    if frame.lang == "en" and q.projects and q.how in ("named", "indicator"):
        # "The electronic government program that helps seniors apply online - how many …": the clause
        # describes the project named (or found by its row), and asks nothing
        for clause in described_clauses(frame.norm):
            q.explained.add(clause)
    caps = {w.lower() for w in re.findall(r"\b[A-Z][A-Za-z]+", frame.text)}
    if frame.lang == "en" and dense is not None and len(q.projects) == 1 and q.scope_rows:
        for run in _described_by_meaning(q, cat, dense):
            q.explained.add(run)
    known = known_text(ids or None)
    q.unexplained = unexplained(r, q.explained, known, (), cat.names_in_english if frame.lang == "en" else None)
    if scoped_names:
        # 「上水道管路の耐震化率」 over 下水道管路の耐震化率: the sheets' prose may say 上水道, but no row is of it
        in_rows = {w for n in scoped_names for w in words_of_name(n)} - set(r.forms)
        opposed = [u.text for u in r.units if u.noun and any(opposites(f) & in_rows for f in u.forms)]
        q.unexplained += [w for w in opposed if w not in q.unexplained]
    else:
        opposed = []
    # (a word the opposite of a row's says outright that no row is of it: no passage about that row answers)
    q.strong_unexplained = any(w in caps for w in q.unexplained) or bool(opposed)
    if frame.lang == "en" and not q.scope_rows:
        # "the tax collection rate … for the tax collection improvement project": a measure made of the
        # project's words (洋式化率 of 公園トイレ洋式化推進事業, in Japanese) that no row of it is
        for measure in _EN_MEASURE.finditer(frame.norm):
            at = measure.start(1)
            words = [(w.start() + at, w.end() + at) for w in re.finditer(r"[a-z\-]+", measure.group(1))
                     if w.group(0) not in lexicon().function_words
                     and not any(h.start <= w.start() + at < h.end for h in frame.hits)]  # "actual"
            if words and all(any(a <= x and y <= b for a, b in q.project_spans) for x, y in words):
                q.unexplained.append(frame.norm[words[0][0]:measure.end()])
    if frame.lang == "en":
        # an English word whose Japanese the project's sheets never write: what it asks is not there
        renderings: dict[tuple[int, int], list[str]] = {}
        # ("the sheet with pipe-separated cells": words of a phrase that asks nothing, as a whole)
        flat = frame.norm.replace("-", " ")
        idle = [m.span() for w in _idle_phrases() for m in re.finditer(rf"\b{re.escape(w)}\b", flat)]
        for ja, span in english_words(frame.norm):
            if any(a <= span[0] and span[1] <= b for a, b in idle):
                continue
            renderings.setdefault(span, []).append(ja)
        for span, jas in renderings.items():
            # (nor where JMdict's first words for it are: "repaired" → 改修 of 農業用水路の改修延長)
            jas += list(japanese_words(frame.norm[span[0]:span[1]])[:4])
            if not q.explained.covers(*span) and not any(ja.lower() in known for ja in jas):
                q.unexplained.append(frame.norm[span[0]:span[1]])
                q.strong_unexplained = True
    # ("full-time" and "full-time staff": the phrase, once)
    q.unexplained = [w for w in dict.fromkeys(q.unexplained)
                     if not any(w != o and re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", o) for o in q.unexplained)]
    return q


@lru_cache(maxsize=1)
def _idle_phrases() -> tuple[str, ...]:
    """The lexicon's English function words of two words or more (hyphens as spaces): how a question
    is said ("took in", "pipe-separated"), never what it asks."""
    return tuple(sorted({w.replace("-", " ") for w in lexicon().function_words
                         if re.fullmatch(r"[a-z]+(?:[ \-][a-z]+)+", w)}, key=len, reverse=True))


_EN_MEASURE = re.compile(r"\b((?:[a-z][a-z\-]+ ){1,3})(?:rate|ratio|percentage)\b")
_EN_JOINERS = frozenset({"of", "to", "for", "in", "on", "at", "by", "with"})


def described_clauses(norm: str) -> list[tuple[int, int]]:
    """Clauses describing a project, closed by a separator ("the program that helps seniors apply
    online - how many …"): who it serves, as the question describes it, not what it asks."""
    return [m.span() for m in _EN_DESCRIBED.finditer(norm) if re.match(r"\s*[,:;\-–—]", norm[m.end():])]


def _english_phrases(norm: str, joiners: bool = True) -> list[tuple[int, int]]:
    """English noun phrases: content words joined by spaces, hyphens, possessives and (``joiners``)
    the prepositions inside a name ("promotional visits to travel agencies", "the citizens'
    university"); any other function word ends one."""
    fw = lexicon().function_words
    out: list[tuple[int, int]] = []
    joined = False  # a preposition since the last content word
    for w in re.finditer(r"[a-z][a-z\-]*(?:['’]s\b|(?<=s)['’](?![a-z]))?|\S", norm):
        word = re.sub(r"(?<=[a-z])['’]s?$", "", w.group(0))
        if joiners and word in _EN_JOINERS and out:
            joined = True
            continue
        if word in fw or not word[0].isalpha() or not word.isascii():
            out.append((-1, -1)) if out and out[-1] != (-1, -1) else None
            joined = False
            continue
        if out and out[-1] != (-1, -1) and (joined or re.fullmatch(r"[\s\-]*", norm[out[-1][1]:w.start()])):
            out[-1] = (out[-1][0], w.end())
        else:
            out.append(w.span())
        joined = False
    return [span for span in out if span != (-1, -1)]


def _described_by_meaning(q: Query, cat: Catalog, dense: DenseNames) -> list[tuple[int, int]]:
    """The English phrases whose every word describes the row the question names ("promotional
    visits to travel agencies" of 旅行会社等への誘致活動件数, matched by "travel agencies" only), when
    the row is also the nearest of the project's rows in meaning (e5), clearly."""
    from assistant.dense import ROW_ACCEPT, ROW_MARGIN

    parts = [span for m in q.scope_rows for span in m.parts]
    runs = [(s, e) for s, e in _english_phrases(q.frame.norm) if any(s <= a and b <= e for a, b in parts)]
    if not runs or all(q.explained.covers(*run) for run in runs):
        return []
    names = sorted({i.name for ref in q.projects[0].refs for i in cat.indicators_of(ref.sheet_id) if i.name})
    said = " ".join(q.frame.norm[s:e] for s, e in runs)  # the phrase alone: not the project's words too
    best = dense.best(said, names) if len(names) >= 3 else None  # (of two rows one is always nearer)
    if best is None or best.score < ROW_ACCEPT or best.score - best.runner_up < ROW_MARGIN \
            or best.name not in {m.name for m in q.scope_rows}:
        return []
    return runs


def _rows_in_english(r: Reading, q: Query, names: tuple[str, ...]) -> list[Match]:
    """The row of ``names`` an English question names in words no glossary carries ("home-purchase
    subsidies" → 住宅取得補助件数, "travel agencies" → 旅行会社等への誘致活動件数): JMdict's Japanese for
    the English words nothing else explained, looked for in the named project's own few rows, or
    across the store when no project is named. The row must stand out: two English words at least,
    more of them in it than in any other row, and a word most rows share (市民, 回数) says nothing."""
    named = _project_phrases(r.norm)  # the words before "project" name it, not its row
    words = [w for w in re.finditer(r"[a-z]+(?:-[a-z]+)*", r.norm) if not q.explained.covers(*w.span())
             and w.group(0) not in lexicon().function_words and not any(a <= w.start() < b for a, b in named)]
    if not words or len(names) < 2:
        return []
    found: list[tuple[tuple[int, int], tuple[str, ...], int]] = []  # English words, their Japanese, how many
    i = 0
    while i < len(words):
        for k in (3, 2, 1):
            group = words[i:i + k]
            if len(group) < k or any(not re.fullmatch(r"[\s\-]*", r.norm[x.end():y.start()])
                                     for x, y in zip(group, group[1:])):
                continue
            phrase = r.norm[group[0].start():group[-1].end()]
            if jas := japanese_words(phrase):
                found.append(((group[0].start(), group[-1].end()), jas, len(phrase.replace("-", " ").split())))
                i += k - 1
                break
            if k == 1 and "-" in phrase:  # "home-purchase": each part alone (住宅取得 has purchase's 取得), one word
                if jas := tuple(ja for part in phrase.split("-") for ja in japanese_words(part)):
                    found.append((group[0].span(), jas, 1))
        i += 1
    folded = {name: squash(name) for name in names}
    # an abbreviation printed in a row's name as written (RPA of ＲＰＡによる業務削減時間) is one of its words
    found += [(w.span(), (w.group(0),), 1) for w in words if len(w.group(0)) >= 2 and not any(
        s == w.span() for s, _, _ in found) and any(re.search(rf"(?<![a-z]){w.group(0)}(?![a-z])", x)
                                                    for x in folded.values())]
    shared = max(2, len(names) // 2)
    df = {ja: sum(squash(ja) in x for x in folded.values()) for _, jas, _ in found for ja in jas if len(ja) >= 2}
    counts: dict[str, list[tuple[tuple[int, int], int]]] = {}
    for name in names:
        said = [(span, n) for span, jas, n in found
                if any(ja in df and squash(ja) in folded[name] and df[ja] < shared for ja in jas)]
        if said:
            counts[name] = said
    # two English words at least ("travel agencies", "home-purchase subsidies"): one word's many senses
    # ("app" → アプリ of 子育てアプリの登録者数, asked how satisfied parents are) name too much
    ranked = sorted(((name, sum(n for _, n in said), [span for span, _ in said]) for name, said in counts.items()),
                    key=lambda x: -x[1])
    if not ranked or ranked[0][1] < 2 or len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
        return []
    name, n, spans = ranked[0]
    # the rest of a noun phrase a row's words were found in describes that row: "first-aid course
    # attendance" is 応急手当講習会の受講者数, though only first aid was looked up to it
    runs = _english_phrases(r.norm, joiners=False)
    spans = sorted({next((run for run in runs if run[0] <= a and b <= run[1]), (a, b)) for a, b in spans})
    return [Match(name, min(0.9, 0.5 + 0.1 * n), (spans[0][0], spans[-1][1]), words=n, parts=tuple(spans))]


@dataclass(frozen=True)
class Narrowing:
    """A word of the question that narrows who is counted, with the words that say the same."""

    word: str
    group: tuple[str, ...]
    span: tuple[int, int]

    def said_by(self, name: str) -> bool:
        """The row ``name`` counts only those (「65歳以上の市民」 for 高齢者)."""
        name = lex_normalize(name)
        return any(w in name for w in self.group)


@lru_cache(maxsize=64)
def city_romaji(cities: frozenset[str]) -> frozenset[str]:
    """The store's cities as an English question spells them (北辰市 → hokushin)."""
    from assistant.sudachi import tokens

    out = {fold("".join(katakana_to_romaji(t.reading) for t in tokens(_city_core(city)) if t.reading)) for city in cities}
    # (and the other readings of the name: 南原 is Nanbara to Sudachi, Minamihara to many)
    out |= {fold(katakana_to_romaji(kana)) for city in cities for kana in place_readings(_city_core(city))}
    return frozenset(x for x in out if x)


# A word naming the kind of project, right after its name: part of naming it, nothing asked of it.
_PROJECT_KIND = re.compile(r"\s*(?:の|に関する|関係の|関連の)?\s*(?:(?:補助|助成|交付)金?(?:事業)?|支援事業|事業|取り?組み?)"
                           r"(?![一-龥ァ-ヶ])")


_NEWEST = re.compile(r"最新|直近|いちばん新しい|一番新しい|latest|most recent|newest")
_JOINED = re.compile(r"\s*(?:と|や|、|及び|および|and)\s*(?:[一-龥ァ-ヶ]{1,5}[市町村区]の)?\s*$")


def _named_beside(norm: str, m: Match, exact: list[Match]) -> bool:
    """A project named in its own words beside one spelled out in full: joined to it (「Aと東山市のB」)
    or called a project (「北部地区の集会所の事業とA」) — not words of the row asked of A
    (「デジタルファースト推進事業（ＤＸ戦略課）のキャッシュレス決済の利用件数」)."""
    if re.match(r"\s*(?:の|に関する)?\s*(?:事業|取り?組)", norm[m.span[1]:]):
        return True
    return any(o.span[1] <= m.span[0] and _JOINED.match(norm[o.span[1]:m.span[0]])
               or m.span[1] <= o.span[0] and _JOINED.match(norm[m.span[1]:o.span[0]]) for o in exact)


def _said_in_a_name(form: str, span: tuple[int, int], names: list[Match]) -> bool:
    """``span`` of the question, ``form`` (a city's name), is a word of one of ``names`` as said there."""
    return any(lex_normalize(form) in lex_normalize(m.name) and any(a <= span[0] and span[1] <= b for a, b in m.explains)
               for m in names)


def theme_words(theme: str) -> list[str]:
    """The words a theme is said in (「子育てとかこども関係」: either; 「DX関連」: デジタル, オンライン, 電子 too)."""
    words = theme.split("・")
    words += [full for w in list(words) if (full := lexicon().shorthand.get(w.lower()))]
    if any(w.lower() in ("dx", "ict", "it") for w in words):
        words += ["デジタル", "オンライン", "電子"]
    return words


def _about_theme(frame: Frame, r: Reading, cat: Catalog, chosen: list[Match],
                 org_ids: list[str] | None) -> tuple[str, list[Project]] | None:
    """What the question calls a project by, when the names chosen were only guessed from its words,
    and the other projects it fits: the theme it says (「公園関係」: every project about it), a word of a
    name before 「の事業」 (「防災訓練の事業」: 防災情報伝達推進事業 counts 防災訓練 too), a short name two
    names hold (「市民活動の事業」), one English word before "project" ("the waste project": ごみ).
    None when a project is named in full or nothing else fits."""
    if not chosen or any(m.exact for m in chosen):
        return None
    if frame.theme:
        words = theme_words(frame.theme)
        if not all(any(squash(w) in squash(frame.norm[a:b]) or squash(frame.norm[a:b]) in squash(w) for w in words)
                   for a, b in _said_at(chosen)):
            return None  # (a name said beside the theme — 「防災関係で自主防災組織育成の事業」 — is that project)
        kin = _about(frame, cat, words, chosen, org_ids)
        return (frame.theme, kin) if kin else None
    if len(chosen) != 1:
        return None
    m = chosen[0]
    said = frame.norm[slice(*m.span)]
    if frame.lang == "ja":
        # (the span may run past 「の事業」: 「市民活動の事業の総事業」)
        word = said[:cut.start()] if (cut := _OF_JIGYO.search(said)) else said if _OF_JIGYO.match(frame.norm, m.span[1]) else ""
        if not word:
            return None
        # 「市民活動の事業」 says 市民活動支援事業 short: another name holding the same words fits as well
        # (南部地区市民活動推進事業), a row or an aim does not
        short = squash(word) in (squash(short_name(m.name)), squash(project_core(m.name)))
        kin = _about(frame, cat, [word], chosen, org_ids, names_only=short)
        return (word, kin) if kin else None
    if m.words == 1 and _NAMES_A_PROJECT.match(frame.norm, m.span[1]) and any(
            re.sub(r"^(?:the|a|an|our|its)\s+", "", frame.norm[a:b].strip()) == said.strip() for a, b in _project_phrases(frame.norm)):
        # "the waste project" (no more words said of it: not "the bulky waste collection program"): the
        # Japanese its word was read as, where the name holds it (ごみ of ごみ減量化啓発事業) — a word of the
        # dictionary, not a name spelled in katakana ("zero-carbon" is ゼロカーボンシティ's own)
        generic = lexicon().generic_parts
        words = [form for form, (s, e) in r.forms.items() if m.span[0] <= s and e <= m.span[1] and len(form) >= 2
                 and form not in generic and re.search(r"[一-龥ぁ-ん]", form) and form in m.name]
        kin = _about(frame, cat, words, chosen, org_ids) if words else []
        return (said.strip(), kin) if kin else None
    return None


# what follows the words naming a project when they are what is counted: 「消防団員の数」「子ども食堂って
# 市内に何か所ある？」 (things that exist, counted — not 「研修会って何回開いた？」, the project's own doing)
_COUNTS_IT = re.compile(r"の?(?:数|人数|件数|総数|箇所数|か所数)(?![値字])|(?:って|は|が|、)[^。？?]{0,8}?"
                        r"何(?:か所|箇所|ヵ所|カ所|ヶ所|人|名|件|校|台|団体|施設)(?:くらい|ぐらい|ほど)?(?:ある|いる|あり|い(?:ます|た|る))")
_QUANTITY_END = re.compile(r"(?:率|割合)$")


def naming_run(q: Query) -> tuple[int, int]:
    """Where the question names its project: the first run of the project's words (words joined by
    の are one run), or nowhere ((0, 0))."""
    spans = sorted(q.project_spans)
    if not spans:
        return (0, 0)
    start, end = spans[0]
    for s, e in spans[1:]:
        if s <= end + 1:  # 「集会所の補助」: one naming, words joined by の
            end = max(end, e)
    return (start, end)


def counted_project_words(q: Query) -> list[str] | None:
    """The words naming the project, when they are what the question counts (「消防団員の数」, 「市税の
    収納率は？」 where 収納率 is a word of 市税収納率向上事業): the words a row must share to answer it."""
    spans = sorted(q.project_spans)
    start, end = naming_run(q)
    # (a row named in words of its own — 「観光案内所の利用者数」 — is asked; one matched only by the
    # project's words — 観光案内所 of 「観光案内所の数」 — is not)
    own_words = any(b - a >= 2 and not any(s <= a and b <= e for s, e in spans)
                    for m in q.scope_rows for a, b in m.explains)
    if q.lang != "ja" or not spans or own_words or q.how != "named":
        return None
    said = q.frame.norm[start:end]
    if not (_QUANTITY_END.search(said) or _COUNTS_IT.match(q.frame.norm, end)):
        return None
    generic = lexicon().generic_parts
    words = [w for w in re.split(r"[のと・、]", said) if len(w) >= 2 and w not in generic]
    return words or None


_COUNT_OF_IT = re.compile(r"(?:の)?(?:設置|整備|開設|登録|実施|利用|処理|発行|導入|指定)?(?:数|件数|箇所数|か所数|施設数|団体数)"
                          r"(?:[（(].*[)）])?")


def counts_the_words(name: str, words: list[str]) -> bool:
    """Whether a row named ``name`` counts what ``words`` say (from :func:`counted_project_words`): it
    holds the last of them, and after it at most a count of it (観光案内所の設置数, 市税の収納率) — not
    another thing counted (観光案内所の利用者数: its users)."""
    last = words[-1]
    run = common_run(last, name)
    if len(run) < 2 or not last.endswith(run) and len(run) < len(last) - 1:
        return False
    rest = name[name.rfind(run) + len(run):]
    return not rest or _COUNT_OF_IT.fullmatch(rest) is not None


def _about_within_org(frame: Frame, r: Reading, cat: Catalog, q: Query, chosen: list[Match]) -> list[Project] | None:
    """The projects of the 部/課/city scope that the words naming a project say more of ("the Hokushin
    farmland sheet": farmland, 農地; 「南原市の消防団のシート」: 消防団, a name of another city's project),
    or None when they say nothing beyond the scope."""
    generic = lexicon().generic_parts
    # (the words naming the scope itself — the city, 部 or 課 — say nothing more)
    scope_words = {c for city in cat.municipalities for c in (city, _city_core(city))} | city_romaji(
        frozenset(cat.municipalities))
    within = set(q.org_ids or [])

    def about(words: list[str]) -> list[Project]:
        return projects_of(cat, [s for i in cat.about(words) if i in within and (s := cat.sheet(i)) is not None])

    if frame.lang == "ja":
        said = [frame.norm[a:b] for a, b in _said_at(chosen)]
        said = [w for w in said if len(w) >= 2 and w not in scope_words and not _names_org(w, q, cat)]
        return about(said) if said else None
    # (no "… project" said: the words a project's name was found by, "spend on school social workers")
    for a, b in _project_phrases(frame.norm) or _said_at(chosen):
        # (words the question explains otherwise — "the other cities' sheets" — say nothing either, unless
        # they are words of a project's name: "fire brigade" of 郡山's 消防団活動事業)
        # (a word spelled out in katakana — "cities" as シティー — is no Japanese word of the dictionary,
        # unless a project's name found by it holds it: スクールソーシャルワーカー)
        words = [form for form, (s, e) in r.forms.items() if a <= s and e <= b and len(form) >= 2
                 and (re.search(r"[一-龥ぁ-ん]", form) or any(squash(form) in squash(m.name) for m in chosen))
                 and form not in generic and form not in scope_words
                 and fold(frame.norm[s:e]) not in scope_words and not _names_org(form, q, cat)
                 and (not q.explained.covers(s, e) or any(ps <= s and e <= pe for ps, pe in q.project_spans))]
        if words:
            return about(words)
    return None


def _said_at(names: list[Match]) -> list[tuple[int, int]]:
    """Where the question says the names found: each one's words, or its whole span."""
    return [span for m in names for span in m.parts or (m.span,)]


def _shares_a_word(r: Reading, chosen: list[Match], name: str) -> bool:
    """The words the question found a name by (as said, or as an English word was rendered) share a
    word with ``name`` — two kanji or three katakana at least, and no generic part (事業, 推進)."""
    spans = _said_at(chosen)
    said = [r.norm[a:b] for a, b in spans] + [f for f, (s, e) in r.forms.items() if any(a <= s and e <= b for a, b in spans)]
    generic = lexicon().generic_parts
    runs = (common_run(squash(w), squash(name)) for w in said)
    return any(re.search(r"[一-龥]{2}|[ァ-ヶー]{3}", run) and run not in generic for run in runs)


def _unknown_within_org(frame: Frame, chosen: list[Match]) -> str:
    """What the question called the project no sheet of the scope is about, as it said it."""
    if frame.lang == "en" and (phrases := _project_phrases(frame.norm)):
        return frame.norm[slice(*phrases[0])].strip()
    spans = _said_at(chosen)
    # (a span inside a longer one is said in it: "school" of "school social workers")
    widest = [(a, b) for a, b in spans if not any(s <= a and b <= e and (s, e) != (a, b) for s, e in spans)]
    return "・".join(dict.fromkeys(frame.norm[a:b] for a, b in widest))


def _names_org(form: str, q: Query, cat: Catalog) -> bool:
    """Whether ``form`` is a word of the 部/課 the scope is (「環境部」's 環境 names no project in it); a
    city's scope has no such words (its 課 are its projects' own: 農地課)."""
    if not q.org_name or any(c in q.org_name for c in cat.municipalities):
        return False
    return any(form in o for o in q.org_name.split("・"))


def _about(frame: Frame, cat: Catalog, words: list[str], chosen: list[Match], org_ids: list[str] | None,
           names_only: bool = False) -> list[Project]:
    """The projects other than those chosen that ``words`` are about (``names_only``: whose names hold
    them), within ``org_ids``, whose sheets reach the year asked (「粗大ごみの収集の事業、R7の…」)."""
    ids = cat.about(words, names_only=names_only)
    if org_ids is not None:
        within = set(org_ids)
        ids = [i for i in ids if i in within]
    kin = projects_of(cat, [s for s in (cat.sheet(i) for i in ids) if s is not None])
    named = {m.name for m in chosen}
    return [p for p in kin if p.name not in named and (not frame.years or any(
        reaches(r, fy) for r in p.refs for fy in frame.years))]


def _within(sheet_ids: list[str], scope: list[SheetRef]) -> bool:
    """Every one of these sheets is among the sheets the user chose."""
    return set(sheet_ids) <= {s.sheet_id for s in scope}


def _namesakes(projects: list[Project], fits: Callable[[Project], bool]) -> list[Project]:
    """Of projects sharing one name (two 課', two cities'), those that ``fits``; all of them when
    none does. (デジタルファースト推進事業 of 2015 could not answer R6; 南原市's is not 郡山's.)"""
    by_name: dict[str, list[Project]] = {}
    for p in projects:
        by_name.setdefault(p.name, []).append(p)
    out = []
    for p in projects:
        same = by_name[p.name]
        if len(same) == 1 or fits(p) or not any(fits(x) for x in same):
            out.append(p)
    return out


def _short_of_row(norm: str, span: tuple[int, int], name: str, cat: Catalog) -> tuple[int, int]:
    """A word of the question that one of the project's rows spells whole but the project's name only
    in part (「移動図書館」: 移動図書館の巡回回数, of 図書館サービス充実事業): the name explains its
    part, the rest is the row's. (The rows are read only for such a word: most spans are the name's.)"""
    said = norm[span[0]:span[1]]
    if squash(said) in squash(name):
        return span
    rows = (i.name for ref in cat.by_project_name(name) for i in cat.indicators_of(ref.sheet_id) if i.name)
    if not any(squash(said) in squash(row) for row in rows):
        return span
    part = common_run(said, name)  # a piece of ``said``
    if len(part) < 2:
        return span
    at = said.find(part)
    return (span[0] + at, span[0] + at + len(part))


# the store's own sheets of other cities (「他市のシート」「郡山市以外の事業」 "projects from
# municipalities other than Koriyama"), not figures from outside the sheets (「他市と比べて」)
_MUNICIPALITY_JA, _MUNICIPALITY_EN = lexicon().municipality_ja, lexicon().municipality_en
_OTHER_CITIES_SHEETS = re.compile(
    rf"(他|ほか|よそ)の?{_MUNICIPALITY_JA}(の|で|から)?(分の)?(シート|事業(?!費)|分)|"
    rf"other {_MUNICIPALITY_EN}['’]? (sheets|projects)|(sheets|projects) (from|of) (other|another) {_MUNICIPALITY_EN}|"
    rf"{_MUNICIPALITY_EN} other than|(sheets|projects) not from")
# 「何団体分？」「自治体はいくつ？」 "how many municipalities": the cities of the sheets, counted
# (「何市の事業？」 asks which city, not how many)
CITIES_COUNTED = re.compile(rf"何(?:団体|{_MUNICIPALITY_JA}(?<!何市)(?<!何町)(?<!何村))分?|(?:自治体|市町村)(?:の数|は|って|が)?(?:いくつ|何)|"
                            rf"\bhow many (?:other )?{_MUNICIPALITY_EN}\b|\b(?:which|what) (?:other )?{_MUNICIPALITY_EN}\b"
                            rf"|どこの{_MUNICIPALITY_JA}の(?:シート|事業)が")
_BUT_CITY = re.compile(rf"([一-龥ァ-ヶ]{{1,6}})以外(?:の(?:{_MUNICIPALITY_JA}の)?|(?:だと|では|で|は)[^。？?]{{0,12}}?)(シート|事業(?!費))")
# "besides 郡山市", "other than Koriyama", "except Koriyama's": the city set aside
_BUT_CITY_EN = re.compile(r"\b(?:besides|apart from|aside from|except(?: for)?|other than|excluding)\s+([a-z一-龥ァ-ヶ]+)")
_WITH_OTHER_CITIES = re.compile(rf"(?:他|ほか|よそ)の?{_MUNICIPALITY_JA}の?(?:シート|事業|分)?も(?:含め|入れ|合わせ|込み)"
                                rf"|including (?:the )?other {_MUNICIPALITY_EN}|other {_MUNICIPALITY_EN}['’]? (?:sheets )?included")


def _home_city(norm: str, cities: set[str], cat: Catalog) -> str | None:
    """The city whose sheets 「他市の」「○○以外の」 set aside: the one named (「郡山市以外の事業」), else
    the one most of the store's sheets are of — None when the question sets none aside, or no city
    is clearly the store's own (a tie)."""
    if m := _BUT_CITY.search(norm):
        named = [c for c in cat.municipalities if m.group(1) in {c, _city_core(c)}]
        return named[0] if named else None  # 「補助金以外の事業」: no city
    if m := _BUT_CITY_EN.search(norm):
        word = m.group(1)
        named = [c for c in cat.municipalities if word in {c, _city_core(c)}
                 or fold(word) in city_romaji(frozenset([c]))]
        if named:
            return named[0]
    if not _OTHER_CITIES_SHEETS.search(norm):
        return None
    if len(cities) == 1:
        return next(iter(cities))
    counts = Counter(c for c in cat.city_of.values() if c).most_common(2)
    return counts[0][0] if counts and (len(counts) == 1 or counts[0][1] > counts[1][1]) else None


# a measure a noun ends on (洋式化率, 利用回数, 延長): shared with the figure kind's bare-measure test
MEASURE_END = re.compile(r"(延長|距離|面積|件数|人数|回数|日数|時間|箇所数|か所数|率|割合|数|量|額)$")


def _measure_as_modifier(noun: str, name: str) -> bool:
    """A measure asked (「実際の投票率は？」) that the row's name holds only as what it is about:
    「投票率の向上に関する出前講座の開催回数」 counts lectures, it gives no 投票率."""
    noun, name = nfkc(noun), nfkc(name)
    own = MEASURE_END.search(name)
    return bool(MEASURE_END.search(noun)) and noun in name and not name.endswith(noun) \
        and own is not None and not noun.endswith(own.group(1))


def _short_of_measure(norm: str, span: tuple[int, int], name: str, names: NameMatcher) -> tuple[int, int]:
    """A word only this project's name has, run on into a measure in one compound (「洋式化率」 of
    学校トイレ洋式化推進事業): the name explains its own word, the measure is asked of it. (A word
    other names share, or a two-character one that makes measures of its own — 利用 of 利用回数 —
    stays one word with its measure.)"""
    said = norm[span[0]:span[1]]
    end = MEASURE_END.search(said)
    if end is None or end.start() < 3 or squash(said) in squash(name) or names.df(said[:end.start()]) != 1:
        return span
    return (span[0], span[0] + end.start())


_EN_ORG = re.compile(r"\b((?:[a-z][a-z\-]* ){1,3}?)(department|division|section|bureau)s?\b")
_ORG_SUFFIX = {"department": "部局", "bureau": "局部", "division": "課室", "section": "課室"}


def _org_in_english(norm: str, cat: Catalog) -> tuple[list[str], tuple[int, int]] | None:
    """The 部/課 an English question names ("an environment department" → 環境部, 環境政策部 …): its
    words' Japanese (glossary, JMdict's first words) in the name, the kind of unit its last character."""
    for m in _EN_ORG.finditer(norm):
        words = [w for w in m.group(1).split() if not _EN_FRAME_WORD.fullmatch(w)]
        if not words:
            continue
        jas = [[ja for ja in (*lexicon().english.get(w, ()), *japanese_words(w)[:4]) if len(ja) >= 2] for w in words]
        said = {n: sum(any(ja in n for ja in each) for each in jas) for n in cat.org_names() if n[-1] in _ORG_SUFFIX[m.group(2)]}
        most = max(said.values(), default=0)
        if most:  # the names with the most of the words ("environmental policy": 環境政策課, not 情報政策課)
            return [n for n, k in said.items() if k == most], (m.start(1) + m.group(1).find(words[0]), m.end())
    return None


def _of_layout(said: re.Match[str], cat: Catalog) -> list[str]:
    """The sheets read with the layout said (R7 → koriyama-r7): templates are named by the era year they
    came in."""
    tag = f"-{layout_tag(said)}"
    return [s.sheet_id for s in cat.sheets if s.template and s.template.endswith(tag)]


def _city_core(city: str) -> str:
    """A city's name without 市/区/町/村, as people say it (郡山市 → 郡山)."""
    return re.sub(r"[市区町村]$", "", city)


def narrowing(q: Query, p: Project) -> list[Narrowing]:
    """The words of the question that narrow who is counted (lexicon ``narrowing``: 外国人, 65歳以上,
    市外 …), leaving out those the project's own name says (高齢者の免許返納支援)."""
    norm = q.frame.norm
    own = lex_normalize(f"{p.name} {p.org}")
    # "the program that helps keep seniors healthy - how many …": who the project serves, as the
    # question describes the project, narrows nothing it asks
    described = described_clauses(norm) if q.lang == "en" else []
    out = []
    for group in lexicon().narrowing:
        if any(w in own for w in group):
            continue
        for word in group:
            pattern = rf"\b{re.escape(word)}\b" if word.isascii() else re.escape(word)
            found = next((m for m in re.finditer(pattern, norm)
                          if not any(s <= m.start() < e for s, e in q.project_spans + described)), None)
            if found is not None:
                out.append(Narrowing(word, group, found.span()))
                break
    return out


def beyond_measure_noun(q: Query, matches: list[Match]) -> list[Match]:
    """「担い手に集積された農地って面積でいうと？」: when the noun asked only says what kind of
    quantity is wanted (lexicon ``measure_nouns``), a row that shares nothing else with the question
    (保全活動に取り組む面積) is not what is asked if the question's other words name another row
    (担い手への農地集積率). ``matches`` without those rows."""
    if q.head is None or q.head.text not in lexicon().measure_nouns:
        return matches
    a, b = q.head.start, q.head.end

    def only_head(m: Match) -> bool:
        return bool(m.parts) and all(a <= s and e <= b for s, e in m.parts)

    named = [m for m in matches if not only_head(m)]
    return named if named and len(named) < len(matches) else matches


_GLOSS_AFTER = re.compile(r"\s*[（(][^（）()]{1,30}[）)]")
_GLOSS_BEFORE = re.compile(r"([a-z][a-z0-9\-' ]{2,80}?)\s*[(（]\s*$")

# 「2つ合わせると？」「それぞれ」「どっちも」: the projects the last turns were about, together
_BOTH = re.compile(r"2つ|二つ|ふたつ|両方|両事業|それぞれ|どっちも|どちらも|2事業|二事業|比べ|比較|both|each of them|the two|combined|"
                   r"together|compare")

_ORG_TAIL = re.compile(r"(事務局|本部|センター|委員会|局|部|課|室|所)$")


def _org_cores(norm: str, cat: Catalog) -> list[tuple[str, tuple[int, int]]]:
    """部/課 names without their tail (水道局 → 水道, ＤＸ戦略課 → dx戦略) found in the question."""
    out = []
    for name in cat.org_names():
        core = _ORG_TAIL.sub("", lex_normalize(name))
        if len(core) >= 2 and (pos := norm.find(core)) >= 0:
            out.append((core, (pos, pos + len(core))))
    return out


MODIFIER_BAND = 0.3  # how far below the best a name may score and still win by a word the best lacks


def _by_modifiers(inds: list[Match], r: Reading, explained: Explained) -> list[Match]:
    """「ごみの出前講座」: of the names matching the noun, the one that also holds the question's other
    words (ごみ減量に関する出前講座の開催回数) before the one that only covers the noun more fully
    (出前講座の開催回数); it takes the best's place and score."""
    if len(inds) < 2:
        return inds
    best = inds[0]
    words = [u.text for u in r.units if u.noun and len(u.text) >= 2 and not explained.covers(u.start, u.end)
             and not any(a <= u.start and u.end <= b for a, b in best.explains)]
    if not words:
        return inds

    def held(m: Match) -> set[str]:
        return {w for w in words if squash(w) in squash(m.name)}

    base = held(best)
    better = [m for m in inds[1:] if m.score >= best.score - MODIFIER_BAND and held(m) > base]
    if not better:
        return inds
    top = max(better, key=lambda m: (len(held(m)), m.score))
    rest = [replace(m, score=min(m.score, best.score - 0.01)) for m in inds if m is not top]
    return [replace(top, score=best.score), *rest]


def _mentions(named: list[Match], phrases: list[tuple[int, int]] | None = None,
              one_each: bool = False) -> list[list[Match]]:
    """Names grouped by where the question mentions them: each group is one mention (several
    names in a group fit it equally); separate groups are separate projects (a comparison). Names
    whose words lie mostly in different ``phrases`` (English: "the southern district turnout project
    and the Tamura gender-equality project") are separate mentions, though a shared word (地区)
    makes their spans overlap. ``one_each``: a phrase names one project (English "… project")."""
    def home(m: Match) -> int | None:
        share = [sum(max(0, min(b, e) - max(a, s)) for a, b in m.explains) for s, e in phrases or []]
        return share.index(max(share)) if share and max(share) > 0 else None

    groups: list[list[Match]] = []
    for m in sorted(named, key=lambda m: -m.score):
        if m.score < PROJECT_THRESHOLD:
            continue
        hit = next((g for g in groups if any(_overlap(m.span, o.span) and not (
            home(m) is not None and home(o) is not None and home(m) != home(o)) for o in g)), None)
        if hit is None:
            groups.append([m])
        elif m.score >= hit[0].score - PROJECT_BAND and not hit[0].exact:
            hit.append(m)
    if phrases and one_each:  # "the Rakuto Koriyama music-city project": one phrase names one project, the one said in
        # more of its words (city of シティプロモーション is a gloss of the name, no second project)
        by_phrase: dict[int, list[list[Match]]] = {}
        for g in groups:
            if (at := home(g[0])) is not None:
                by_phrase.setdefault(at, []).append(g)
        for rivals in by_phrase.values():
            best = max(rivals, key=lambda g: (g[0].words, g[0].score))
            groups = [g for g in groups if g is best or g not in rivals or g[0].exact or g[0].words >= best[0].words]
    return groups


# 「菜根の鳥獣対策と南原市の鳥獣被害防止」: と between two nouns, or 、, ends one mention
_JA_JOIN = re.compile(r"(?<=[一-龥ァ-ヶーA-Za-z0-9）)])と(?=[一-龥ァ-ヶーA-Za-z0-9（(])|、")


def _ja_mentions(norm: str) -> list[tuple[int, int]]:
    """The stretches of a Japanese question between its joiners, where each of several projects is
    named (a name whose words lie mostly in another is that one's mention)."""
    cuts = [0, *(x for m in _JA_JOIN.finditer(norm) for x in (m.start(), m.end())), len(norm)]
    return [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2) if cuts[i] < cuts[i + 1]]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    if a == (0, 0) or b == (0, 0):
        return True  # found only through a reading: no place of its own in the question
    return a[0] < b[1] and b[0] < a[1]


# "the flood countermeasures project", "Hokushin's e-contract introduction program": the words
# before it name a project
_EN_POSSESSOR = re.compile(r"\bthe ((?:[a-z][a-z\-]*['’]? ){1,4}[a-z][a-z\-]*)(?:['’]s\b|(?<=s)['’](?=\s))")
# (a word in brackets is part of the name: "the resource collection (recycling) project")
# (as does "the Hokushin farmland sheet": the sheet of a project is named as the project is)
_EN_PROJECT = re.compile(r"((?:(?!(?:project|program|programme|scheme|initiative)s?\b)\(?[a-z][a-z'’\-]*\)?\s+){1,5})"
                         r"(?:(?:project|program|programme|scheme|initiative)s?|sheet)\b")
# a list of projects before one plural "projects": "the dementia, internal control and hydrogen projects"
_EN_PROJECT_LIST = re.compile(r"((?:[a-z][a-z'’\-]*(?: [a-z][a-z'’\-]*){0,3}\s*,\s*(?:(?:and|or)\s+)?)+"
                              r"[a-z][a-z'’\-]*(?: [a-z][a-z'’\-]*){0,3}?\s+(?:and|or)\s+[a-z][a-z'’\-]*(?: [a-z][a-z'’\-]*){0,3}?)"
                              r"\s+(?:projects|programs|programmes|schemes|initiatives)\b")
_EN_FRAME_WORD = re.compile(r"\b(?:the|a|an|of|for|in|under|about|on|from|with|and|by|to|at|did|does|do|was|were|is|"
                            r"are|has|have|had|how|many|much|what|which|whose|this|that|its|their)\b")
_EN_LEAD = re.compile(r"^(?:(?:the|a|an|of|for|in|under|about|on|from|with|and|[a-z]+['’]s)\s+)+")


def _named_in_english(r: Reading, cat: Catalog, named: list[Match], text: str,
                      asked: Sequence[tuple[int, int]] = ()) -> list[Match]:
    """``named`` with the projects an English question names in words the glossary lacks, read
    through JMdict ("the flood countermeasures project" → 浸水対策事業): the words before "project",
    whose figure is asked ("the e-tax payment promotion's") and names in capitals ("the Japan
    Heritage promotion"), where a name must print more of their words than the names their glossary
    words found (「スクール」 of "school-trip" is no 教育旅行誘致推進事業); any other phrase of two
    words or more only where a name prints every one of them ("the citizens' university")."""
    out = list(named)
    said = _project_phrases(r.norm) + _capitalized_phrases(text, r.norm)
    listed = _listed_projects(r.norm)
    for start, end in said:
        # (an item of a list of projects is a name in every word, though a name may print more)
        out = _phrase_names(r, cat, start, end, out, every=(start, end) in listed,
                            floor=PROJECT_THRESHOLD - 0.25 if (start, end) in listed else PROJECT_THRESHOLD)
    # "the citizens college unit cost": what the question asks (``asked``, the lexicon's phrases) ends
    # a phrase
    pieces = [x for start, end in _english_phrases(r.norm, joiners=False) for x in _outside(r.norm, start, end, asked)]
    for start, end in pieces:
        # "the citizens' university in Minamihara": a phrase of two words or more names a project
        # whose name prints every one of them (市民大学事業)
        if len(r.norm[start:end].split()) >= 2 and (start, end) not in said:
            out = _phrase_names(r, cat, start, end, out, every=True)
    return sorted(out, key=lambda x: -x.score)


def _outside(norm: str, start: int, end: int, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The runs of ``norm[start:end]`` that no span of ``spans`` covers, without their edge spaces."""
    runs, at = [], start
    for a, b in sorted(x for x in spans if start < x[1] and x[0] < end):
        runs.append((at, max(at, a)))
        at = max(at, b)
    runs.append((at, end))
    out = []
    for a, b in runs:
        a, b = a + len(norm[a:b]) - len(norm[a:b].lstrip()), b - (len(norm[a:b]) - len(norm[a:b].rstrip()))
        if a < b:
            out.append((a, b))
    return out


def _capitalized_phrases(text: str, norm: str) -> list[tuple[int, int]]:
    """Where an English question names something in capitals, with or without "project" after it
    ("for the Japan Heritage promotion"): two capitalized words or more, the first word of a
    sentence left out."""
    out = []
    for m in re.finditer(r"(?<![.?!]\s)(?<!^)\b[A-Z][a-z]+(?:[\s\-]+[A-Z][a-z]+)+", text):
        at = norm.find(m.group(0).lower())
        if at >= 0:
            out.append((at, at + len(m.group(0))))
    return out


# words before "project(s)" that name none: "each project's", "the three projects loaded"
_NO_NAME_WORDS = frozenset({"each", "every", "all", "any", "both", "other", "these", "those", "such", "several", "many",
                            "one", "two", "three", "four", "five", "loaded", "listed", "same", "different", "city",
                            "koriyama", "municipal", "this", "that", "which", "what", "previous", "last"})


# the verb of a passive clause ("were held", "was conducted")
_EN_PASSIVE = re.compile(r"\b(?:was|were|is|are|been|be|being|get|gets|got)\s+(?:not\s+|also\s+|actually\s+)?"
                         r"([a-z]+ed|held|run|done|made|built|kept|sent|given|taken|seen|paid|spent|sold|bought|set)\b")
# the heading an English question opens with, before a colon or a dash: what it is about
# what joins a second project to the first: "… and the library", "… versus fire corps", "compared with …"
_EN_JOINED = re.compile(r"\b(?:and|or|vs\.?|versus|than|with|to|plus|as well as|against|along with|alongside|besides|"
                        r"beside|compared (?:with|to))\s+(?:the\s+|its\s+|our\s+|for\s+)?(?:[a-z\-]+\s+){0,2}$")
_EN_HEADING = re.compile(r"^\s*([a-z][^:;?!.]{2,80}?)\s*(?::|\s[–—-]\s)")


def _project_phrases(norm: str) -> list[tuple[int, int]]:
    """Where an English question names a project: the words before "project" (program, scheme),
    without the articles and possessives that lead into them, and whose figure it asks ("the
    e-tax payment promotion's total cost")."""
    out = []
    for m in _EN_POSSESSOR.finditer(norm):  # "the e-tax payment promotion's total cost": whose cost
        start, end = _after_frame_words(norm, *m.span(1))  # "the e-library and the citizens'"
        if end - start >= 3:
            out.append((start, end))
    for m in _EN_PROJECT.finditer(norm):
        lead = _EN_LEAD.match(m.group(1))
        start, end = _after_frame_words(norm, m.start(1) + (lead.end() if lead else 0), m.end(1))
        # (a possessor alone names no project: "(the ward's sheet)")
        if end - start >= 3 and all(start != a for a, _ in out) and not re.fullmatch(r"(?:[a-z]+['’]s\s*)+", norm[start:end]):
            out.append((start, end))
    out += [(a, b) for a, b in _listed_projects(norm) if not any(s <= a < e for s, e in out)]
    return out


def _listed_projects(norm: str) -> list[tuple[int, int]]:
    """"the dementia, internal control, GIGA school and hydrogen projects": each item of a list before
    one plural "projects" names one project."""
    out = []
    for m in _EN_PROJECT_LIST.finditer(norm):
        for item in re.finditer(r"[^,]+?(?=\s*,|\s+(?:and|or)\s+|\s*$)", m.group(1)):
            a, b = m.start(1) + item.start(), m.start(1) + item.end()
            a += len(re.match(r"\s*(?:(?:and|or)\s+)?", norm[a:b]).group())  # type: ignore[union-attr]
            start, end = _after_frame_words(norm, a, b)
            if end - start >= 3:
                out.append((start, end))
    return out


def _after_frame_words(norm: str, start: int, end: int) -> tuple[int, int]:
    """``norm[start:end]`` from after its last frame word: "how many drones did the flood
    countermeasures project buy" names the project in "flood countermeasures", not "drones"."""
    if frame_words := list(_EN_FRAME_WORD.finditer(norm, start, end)):
        start = frame_words[-1].end()
    return start + len(norm[start:end]) - len(norm[start:end].lstrip()), end


def _phrase_names(r: Reading, cat: Catalog, start: int, end: int, named: list[Match], every: bool = False,
                  floor: float = PROJECT_THRESHOLD) -> list[Match]:
    """``named`` with the name the phrase ``norm[start:end]`` names through JMdict, where it prints
    more of the phrase's words than the names already found inside the phrase (``every``: all of them)."""
    read = with_dictionary(r, start, end, cat.names_in_english)
    words = {span for span in read.forms.values() if start <= span[0] and span[1] <= end}

    def inside(x: Match) -> bool:
        return bool(x.parts) and all(start <= a and b <= end for a, b in x.parts)

    def cover(x: Match) -> int:  # how many of the phrase's words the name prints (事業・推進 too; 菜根 as "saikon")
        name = squash(x.name)
        # (a part of several words counts each where their reading is a compound the name prints whole —
        # 職員研修, 食品衛生 — not a piece of one: "wild animal" carried to 野生動物's 動物 is no two words
        # of 動物愛護推進事業)
        printed = [span for form, span in read.forms.items() if len(form) >= 3 and squash(form) in name]
        return len({span for form, span in read.forms.items() if span in words and len(form) >= 2
                    and (squash(form) in name or span in x.parts
                         or any(a <= span[0] and span[1] <= b for a, b in printed))})

    found = sorted((x for x in cat.project_matcher.match(read, floor) if inside(x)),
                   key=lambda x: (-cover(x), -x.score))
    there = [x for x in named if inside(x)]
    if not found or cover(found[0]) < min(2, len(words)) or every and cover(found[0]) < len(words):
        return named
    best = found[0]
    # (names the phrase fits alike — 重層的支援体制整備事業 and …推進事業 for "the multi-layered support
    # system project" — are each named; which one is for the question to tell)
    alike = [x for x in found if cover(x) == cover(best) and x.score >= best.score - 0.05]
    if floor < PROJECT_THRESHOLD:  # (found below the bar as an item of a list: named, for it prints every word)
        alike = [replace(x, score=max(x.score, PROJECT_THRESHOLD)) for x in alike]
    if not there or cover(best) > max(cover(x) for x in there) or any(
            x.name == best.name and x.score < best.score for x in there):
        return [x for x in named if x not in there] + alike
    return named


_REFERS_BACK = re.compile(r"\b(?:it|its|it's|they|their|them)\b|\b(?:this|that|the same) (?:project|program|programme|scheme)\b|"
                          r"(?:この|その|同じ|同)事業|本事業|そっち|そちら")


def _elsewhere(q: Query, cat: Catalog, sheet_ids: list[str]) -> bool:
    """The question names an indicator the projects under discussion (or chosen) do not have, and
    another project does: the question is about that project."""
    if not q.indicators or q.indicators[0][0] < INDICATOR_ANYWHERE or _REFERS_BACK.search(q.frame.norm):
        return False  # ("how much general revenue did it use": it is the project discussed, whatever 利用 finds)
    best = q.indicators[0][0]
    homes = {project_key(ref) for sc, i in q.indicators if sc >= best - 1e-6 for ref in [cat.sheet(i.sheet_id)] if ref}
    here = {project_key(ref) for i in sheet_ids for r0 in [cat.sheet(i)] if r0 for ref in cat.sheets_of(r0)}
    return bool(homes) and not (homes & here)


def names_noun(norm: str, noun: Unit, name: str) -> bool:
    """The row ``name`` is what the question's noun asks: in its words, or by a synonym of the noun
    that is the row's own head (:func:`synonym_heads`)."""
    return head_covered(norm, noun, [name]) or (
        head_covered(norm, noun, [name], synonyms=True) and synonym_heads(noun.text, name, norm))


def synonym_heads(word: str, name: str, norm: str = "") -> bool:
    """A row found through a synonym of the question's noun is that noun only where the synonym is in
    the row's own head (子ども of 児童生徒の割合) — and, for a noun the question uses as a verb (「開業した
    件数」), its last word: 創業相談件数 counts 相談, its 創業 (a synonym of 開業) says what about."""
    from assistant.sudachi import tokens

    toks = tokens(re.sub(r"[のが]$", "", MEASURE_END.sub("", nfkc(name))))
    last: list[Any] = []  # the name's last run of content words: its head noun (児童生徒 of 児童生徒の割合)
    for t in reversed(toks):
        if not t.content:
            break
        last.insert(0, t)
    if re.search(re.escape(word) + r"\s*(?:し|され|する|でき)", norm):
        last = last[-1:]
    asked = {g for t in tokens(word) if t.content for g in t.synonyms}
    return any(set(t.synonyms) & asked or t.surface in word for t in last)


def _printed_as_written(m: Match, inds: list[Match], norm: str) -> bool:
    """The project's name prints the question's words as written, and the indicators were found only
    through readings of them (no word as written is in their names): 「DXの一次評価」 is 地域ＤＸ推進事業,
    though DX spelled out as デジタル finds デジタル化に関する職員研修の受講者数. A row quoted in its own
    words (「研修受講者の理解度」) still outweighs a project found by 職員研修."""
    words = [squash(norm[a:b]) for a, b in m.explains]
    return bool(words) and all(w in squash(m.name) for w in words) and all(
        squash(norm[a:b]) not in squash(i.name) for i in inds for a, b in i.explains)


def _beside_cost_rows(inds: list[Match], frame: Frame) -> list[Match]:
    """Indicators found by words other than a cost row's: "user fees" is 受益者負担金, and its "user"
    (利用者) names no 利用者数 row."""
    rows = [h.span for h in frame.hits if h.group == "row"]
    return [m for m in inds if m.exact or not (rows and m.within(rows))]


# what joins two names said one after the other: 「AとB」「A・B」, "the A program and the B project"
# (「通学路の事業と不登校支援」: a name's 事業 said before と; 「…の事業、」 is the topic, then the question)
_JOINER = re.compile(r"\s*(?:(?:projects?|programs?|programmes?|schemes?)\s*)?(?:と|や|、|,|・|and|vs\.?|versus|or)\s*(?:the\s+)?"
                     r"|\s*の?事業\s*(?:と|や)\s*")


def _rows_joined(inds: list[Match], best: float, norm: str) -> list[Match]:
    """Rows beside the best one, each said in its own words and joined to it ("postpartum home visits
    or dementia consultations", 「家庭訪問と認知症の相談件数」): theirs are the projects asked too."""
    top = next((m for m in inds if m.score >= best - 1e-6), None)
    if top is None or not top.explains:
        return []
    out: list[Match] = []
    taken = [top.span]
    # (each mention its best row: a row joined so is named by where it stands, though more rows share
    # its words than the top one's)
    for m in sorted(inds, key=lambda x: -x.score):
        if m is top or m.score < INDICATOR_UNIQUE or not m.explains or any(_overlap(m.span, t) for t in taken):
            continue
        if any(_JOINER.fullmatch(norm[min(t[1], m.span[1]):max(t[0], m.span[0])]) for t in taken):
            out.append(m)
            taken.append(m.span)
    return out


# a word said as what a project is (「防災訓練の事業」「公園関係の事業」), not a name said short of 推進 (「防災訓練事業」)
# (事業費, 事業所, 事業者 are a cost and others' offices: 「町内会の事業費」 calls no project 「町内会の事業」)
_OF_JIGYO = re.compile(r"\s*(?:の|に関する|関係の|関連の)\s*事業(?![費所者体主])")
# what follows words that name a project: 「…の事業」「…関係の事業」 "… project"
_NAMES_A_PROJECT = re.compile(r"\s*(?:の|に関する|関係の|関連の)?\s*事業(?![費所者体主])|\s*(?:project|program|programme|scheme)\b")


def _drop_explained_by_indicators(named: list[Match], inds: list[Match], norm: str) -> list[Match]:
    """A project found only through words an indicator's name explains at least as well is not
    named: 「キャッシュレス決済の利用件数」 is not キャッシュレス決済推進事業 — unless the name prints those
    words as written and the indicators only through a reading (:func:`_printed_as_written`)."""
    def joined(m: Match) -> bool:
        """「電子申請と子育てアプリ」: named beside another project, as the second of a pair."""
        return any(o is not m and o.score >= PROJECT_THRESHOLD and o.span[0] < o.span[1] and (
            _JOINER.fullmatch(norm[m.span[1]:o.span[0]]) or _JOINER.fullmatch(norm[o.span[1]:m.span[0]]))
            for o in named)

    out = []
    for m in named:
        if m.exact or _printed_as_written(m, inds, norm) or m.score >= PROJECT_THRESHOLD and (
                joined(m) or _NAMES_A_PROJECT.match(norm, m.span[1])):
            out.append(m)  # (「庁内ネットワークの事業」: words said as a project's name are one)
            continue
        s, e = m.span
        # (or as well, with more words of the question: 「病児保育の利用」 is 病児保育の延べ利用者数, not
        # 成年後見制度利用促進事業 found by 利用 alone)
        if any(i.span[0] <= s and e <= i.span[1] and (i.score > m.score + 0.02 or len(i.explains) > len(m.explains)
                                                     and i.score >= m.score - 0.02) for i in inds):
            continue
        out.append(m)
    return out


_CROSS = re.compile(r"どの事業|各事業|全事業|すべての事業|全ての事業|事業は[？?]|事業を|事業が|事業で|事業のうち|事業の中|"
                    r"事業って|事業は何|事業はいくつ|何事業|which project|what project|all projects|any project|projects")


def _cross_project(frame: Frame) -> bool:
    """The question is about the store, not one project (rankings, filters, lists). 「一番少なかった
    年はいつ？」 ranks the years of the project under discussion."""
    if frame.rank and frame.asks_years and not _CROSS.search(frame.norm):
        return False
    return bool(frame.rank or frame.has("list", "count", *PLAN_SIDES) and _CROSS.search(frame.norm)
                or frame.results and _CROSS.search(frame.norm)
                or (frame.threshold is not None and _CROSS.search(frame.norm)))


_YEAR_SPAN = re.compile(r"(?:19|20)\d{2}\s*年?度?|(?:令和|平成|昭和|r|h)\s*(?:\d{1,2}|元)\s*年?度?|fy\s?'?\d{2,4}|\d{1,2}\s*年度|"
                        + ENGLISH_ERA.pattern)


def _year_of_the_sheet(frame: Frame, project_spans: list[tuple[int, int]]) -> None:
    """「H27の高齢者見守り、H28の事業費」: the year said just before the project's name names its sheet,
    the other year is the one asked (which that sheet may not print) — when no change between them is
    asked (「R6の集会所補助、R5と比べて」 asks both). A year in brackets after the name (「公民館講座事業
    （H27のやつ）のH28の実績」) names its sheet whatever is asked."""
    if len(frame.years) >= 2 and project_spans and not frame.year_range:
        # (one year so bracketed, right after a name: a year in brackets beside each of two names is each its own)
        bracketed = [(s, e) for s, e in year_spans(frame.norm) if re.search(r"[（(]\s*$", frame.norm[:s])
                     and _SHEET_NOTE.match(frame.norm, e)]
        noted = [(s, e) for s, e in bracketed if any(re.fullmatch(r"\s*[（(]\s*", frame.norm[b:s])
                                                     for _, b in project_spans if b <= s)]
        if len(bracketed) == 1 and noted and len(said := understand(frame.norm[noted[0][0]:noted[0][1]]).years) == 1 \
                and said[0] in frame.years and len(set(frame.years)) > 1:
            frame.sheet_years = sorted({*frame.sheet_years, said[0]})
            frame.years = [y for y in frame.years if y != said[0]]
            return
    if len(frame.years) < 2 or not project_spans or frame.base_years or frame.year_range or frame.measures or any(
            h.group == "op" and h.key == "compare" for h in frame.hits):  # 「H27の研修とR6のDX、比べると」: two sheets
        return
    starts = {a for a, _ in project_spans}
    # (「平成27年度の水道局の研修」: whose project it is may come between)
    before = [(s, e) for s, e in year_spans(frame.norm)
              if any(_BEFORE_NAME.fullmatch(frame.norm[e:a]) for a in starts if a >= e)]
    if len(before) != 1 or any(s < before[0][0] for s, _ in year_spans(frame.norm)):
        return  # (「R5とR6のデジタルファースト…」: the years said together before the name are both asked)
    said = understand(frame.norm[before[0][0]:before[0][1]]).years
    if len(said) == 1 and said[0] in frame.years:
        frame.sheet_years = sorted({*frame.sheet_years, said[0]})
        frame.years = [y for y in frame.years if y != said[0]]


# 「（H27のやつ）」「（R6版）」「(2023年度のシート)」: which of the project's sheets, in brackets after its name
_SHEET_NOTE = re.compile(r"\s*(?:年度)?\s*(?:の\s*(?:やつ|もの|方|ほう|シート|版)|版|分)?\s*[）)]")
_BEFORE_NAME = re.compile(r"(?:の[^、,。？?！!\d\s]{0,6}の)?|の")


def year_spans(norm: str) -> list[tuple[int, int]]:
    """Where the question writes years (R6, 令和6年度, 2024年度, H25〜27年度)."""
    return [m.span() for m in _YEAR_SPAN.finditer(norm)]


_NAMES_TOO = re.compile(r"(?<=[?？、,。])\s*(?:事業名|名前|名称)(?:も|を|は)?\s*(?:教えて|知りたい|一緒に|併せて|ちょうだい|ください)?"
                        r"(?:[?？。]|$)")
_PROJECT_WORD = re.compile(r"([^\s、。「」（）()のはがをにでと?？!！]{2,30}事業)(?![費所者名])")  # (事業名: its name)
_OWNED_PROJECT = re.compile(r"([一-龥ァ-ヶー]{2,10})の([一-龥ァ-ヶー]{2,10}事業)(?![費所者])")
_GENERIC = ("関連事業", "の事業", "全事業", "各事業", "対象事業", "継続事業", "新規事業", "実施事業", "この事業", "本事業",
            "当該事業", "補助事業", "単独事業", "主要事業")


def _sibling(r: Reading, cat: Catalog, focus: Focus, q: Query) -> list[Project]:
    """The project the follow-up tells apart from the one under discussion by a word of its name:
    「支援事業のほうは？」 after 町内会活動推進事業 is 町内会活動支援事業 (the names share 町内会活動)."""
    ref = cat.sheet(focus.sheet_ids[0])
    if ref is None or not ref.project:
        return []
    mine = squash(ref.project)
    for u in r.units:
        if not u.noun or len(u.text) < 2 or q.explained.covers(u.start, u.end):
            continue
        word = squash(u.text)
        names = {n for n in cat.project_names if n != ref.project and word in squash(n) and word not in mine
                 and len(common_run(squash(n), mine)) >= 3}
        if len(names) == 1:
            q.explained.add((u.start, u.end))
            q.project_spans.append((u.start, u.end))
            return projects_of(cat, cat.by_project_name(names.pop()), 0.9)
    # … or by that word typed in kana (「しえんのほう」): its reading, against the words of the names
    from assistant.kana import katakana
    from assistant.sudachi import tokens

    for m in re.finditer(r"[ぁ-ゖー]{2,}", q.frame.norm):
        kana = katakana(re.sub(r"(のほう|の方|ほう|は|も|の|って)$", "", m.group(0)))
        if len(kana) < 2:
            continue
        names = {n for n in cat.project_names if n != ref.project and len(common_run(squash(n), mine)) >= 3
                 and any(t.reading == kana and t.surface not in ref.project for t in tokens(n))}
        if len(names) == 1:
            q.explained.add(m.span())
            return projects_of(cat, cat.by_project_name(names.pop()), 0.9)
    return []


def _unknown_project(text: str, cat: Catalog) -> str | None:
    """A name that looks like a project (…事業) but resembles none in the store. Not a phrase
    that merely ends in 事業 (「一番大きい事業」「上位3事業」「登録されてる事業」)."""
    lex = lexicon()
    for city in cat.municipalities:  # 「南原市の道路維持補修事業」「郡山の…事業」: the city's own, named with it
        text = text.replace(city, " ")
        if len(core := _city_core(city)) >= 2:
            text = re.sub(rf"{re.escape(core)}(?=の)", " ", text)
    for m in _PROJECT_WORD.finditer(nfkc(text)):
        name = m.group(1)
        if name.endswith(_GENERIC) or len(name) <= 4 or "年度" in name:
            continue
        before = name[-3]
        if re.match(r"[\u3040-\u309f\d]", before) or any(h.group in ("op", "comparator", "measure", "row", "money")
                                                         for h in lex.find(lex_normalize(name))):
            continue
        if squash(name) in cat.indicator_text:
            continue  # 「健康ポイント事業の参加者」: a program an indicator names, not a project of its own
        core = project_core(name)
        if len(squash(core)) >= 2 and not cat.resembles_project(core, 0.6):
            return name
        if _foreign_part(name, cat):
            return name
    for m in _OWNED_PROJECT.finditer(nfkc(text)):  # 「清掃工場の運営事業」: whose project, by a word no name has
        owner, name = m.group(1), m.group(0)
        if m.group(2) in ("対象事業", "関連事業", "主要事業", "実施事業", "継続事業", "新規事業") \
                or re.search(r"[\u3040-\u309f]", owner) or lex.find(lex_normalize(owner)):
            continue
        names, name_grams = cat.names_text
        grams = bigrams(owner)
        if grams and len(grams & name_grams) * 2 >= len(grams):
            continue  # 「免許返納の支援事業」: most of its words are in a name the store holds
        if squash(owner) not in names and not cat.resembles_project(project_core(name), 0.6) \
                and not any(squash(core) in squash(owner) or squash(owner) in squash(core)
                            for core, _ in _org_cores(lex_normalize(owner), cat)):
            return name
    return None


def _foreign_part(name: str, cat: Catalog) -> bool:
    """「田村地区道路除雪対策事業」 beside 喜久田地区道路除雪対策事業: the name spelled out has a word
    (a place, a target) that the project it resembles most does not have — another project."""
    from assistant.link import read_question

    if cat.by_project_name(name):
        return False
    r = read_question(lex_normalize(name))
    best = cat.project_matcher.match(r, 0.5)
    if best and best[0].exact:
        return False
    if not best:  # its letters resemble a name (スマート…), its words match none: another project
        return True
    top = best[0].name
    refs = cat.by_project_name(top)
    known = lex_normalize(" ".join([top, *cat.org_names()] + [n for ref in refs for n in (ref.section or "",
                                                                                          ref.department or "")]))
    generic = lexicon().generic_parts
    spelled = lex_normalize(name)
    for short, full in lexicon().shorthand.items():
        spelled = spelled.replace(short, full)
    from assistant.sudachi import tokens

    for t in tokens(spelled):
        if not t.content or t.surface in generic or len(t.surface) < 2 or t.pos != "名詞":
            continue
        if t.surface not in known and not any(p in known for p in t.parts if len(p) >= 2):
            return True
    return False
