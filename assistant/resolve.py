"""Which sheets and indicators a question names: full, partial or paraphrased project names, a
department or 課, an indicator's name or a staff shorthand for it (コンビニ交付, 電子申請の件数)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import InitVar, dataclass, field
from functools import cached_property, lru_cache
from itertools import chain
from typing import TYPE_CHECKING, TypeVar

from ingest.normalize import nfkc
from ingest.store import CatalogSheet, FigureStore, IndicatorRow

if TYPE_CHECKING:
    from assistant.kana import Speller
    from assistant.link import NameMatcher

# Shorthand staff use → words the sheets print. Expanding the question (never the names) keeps
# matching exact where the question already uses the sheet's own words.
ALIASES: dict[str, str] = {
    "コンビニ交付": "コンビニでの証明書等発行",
    "キャッシュレス": "キャッシュレス決済",
    "マイナカード": "マイナンバーカード",
    "online application": "オンライン申請",
    "cashless": "キャッシュレス決済",
    "convenience store": "コンビニでの",
    "certificates": "証明書等発行件数",
    "certificate": "証明書等発行",
    "my number card": "マイナンバーカード",
    "mynumber": "マイナンバーカード",
    "population": "市民",
    "residents": "市民",
    "facilities": "施設数",
    "applications": "申請件数",
    "application": "申請件数",
}
_STRIP = re.compile(r"[\s()（）「」『』【】・、。,.?？!！]")


@lru_cache(maxsize=1 << 14)
def clipped_from(run: str, words: tuple[str, ...]) -> str | None:
    """The words of a name that ``run`` clips (each piece of the run the start of one word, in order, at
    most two words skipped between pieces, at least one word cut short), spelled out; else None."""
    best: str | None = None

    def walk(i: int, j: int, start: int, cut: bool, pieces: int) -> None:
        nonlocal best
        if i == len(run):
            if cut and pieces >= 2 and best is None:
                best = "".join(words[start:j])
            return
        for k in range(j, min(j + 3, len(words))) if pieces else range(len(words)):
            w = words[k]
            for n in range(min(len(w), len(run) - i), 0, -1):
                if w[:n] == run[i:i + n] and (n == len(w) or re.fullmatch(r"[一-龥ァ-ヶー々]+", w)):
                    walk(i + n, k + 1, k if not pieces else start, cut or n < len(w), pieces + 1)

    walk(0, 0, 0, False, 0)
    return best


# Cached: every question is matched against every project and indicator name in the store
# (thousands at 3,000 sheets), and the names repeat from question to question.
@lru_cache(maxsize=1 << 16)
def squash(text: str) -> str:
    return _STRIP.sub("", nfkc(text)).lower()


@lru_cache(maxsize=1 << 16)
def bigrams(text: str) -> frozenset[str]:
    s = squash(text)
    return frozenset({s[i: i + 2] for i in range(len(s) - 1)} or ({s} if s else set()))


@lru_cache(maxsize=1 << 12)
def variants(question: str) -> tuple[str, ...]:
    """The question as written, and with its shorthands replaced by the sheets' own words
    (a shorthand already spelled out in full, キャッシュレス in キャッシュレス決済, stays)."""
    q = nfkc(question).lower()
    full = q
    for k, v in ALIASES.items():
        if k.lower() in full and v.lower() not in full:
            full = full.replace(k.lower(), v)
    return (q,) if full == q else (q, full)


def expand(question: str) -> str:
    """All variants in one string: for lexical search, where more words only help."""
    return " ".join(variants(question))


@lru_cache(maxsize=1 << 18)  # names repeat across sheets and years: score each once per question
def similarity(question: str, name: str) -> float:
    """How much of ``name`` the question covers (bigram containment), with credit the other way
    so that a question quoting part of a long name (「コンビニ交付の件数」) still finds it."""
    if not name:
        return 0.0
    nn, nb = squash(name), bigrams(name)
    best = 0.0
    for q in variants(question):
        if nn and nn in squash(q):
            return 1.0
        qb = bigrams(q)
        if qb and nb:
            common = len(qb & nb)
            best = max(best, common / len(nb), 0.9 * common / len(qb))
    return best


class NameIndex:
    """Distinct names, found through the character bigrams they share with a question.

    ``similarity(q, name) >= t`` needs ``q`` to share at least t·|bigrams(name)| or
    t·|bigrams(q)|/0.9 bigrams with ``name``, so only names reaching that count are scored: the
    work per question follows the names that share its words, not the size of the store.
    """

    def __init__(self, names: Iterable[str]) -> None:
        self.names = list(dict.fromkeys(n for n in names if n))
        self._postings: dict[str, list[int]] = {}
        for i, name in enumerate(self.names):
            for b in bigrams(name):
                self._postings.setdefault(b, []).append(i)
        self._sizes = [len(bigrams(n)) for n in self.names]
        # a one-character name has no bigram to share, yet a question containing it names it
        self._short = [i for i, n in enumerate(self.names) if len(squash(n)) < 2]

    def scores(self, texts: list[str], threshold: float) -> dict[str, float]:
        """Name → its best ``similarity`` to any of ``texts``, for the names reaching ``threshold``."""
        grams = [bigrams(v) for t in texts for v in variants(t)]
        shared = Counter(chain.from_iterable(self._postings.get(b, ()) for b in set().union(*grams)))
        by_question = threshold * min((len(g) for g in grams if g), default=0) / 0.9 - 1e-9
        out: dict[str, float] = {}
        for i in [*shared, *self._short]:
            if (common := shared.get(i, 0)) and common < by_question and common < threshold * self._sizes[i] - 1e-9:
                continue
            name = self.names[i]
            if (sc := max(similarity(t, name) for t in texts)) >= threshold:
                out[name] = sc
        return out


# A sheet and an indicator as the catalog knows them: the store's own rows, not copies of them.
SheetRef = CatalogSheet
IndicatorRef = IndicatorRow


def reaches(ref: SheetRef, fy: int) -> bool:
    """The sheet's tables can hold this year (a sheet spans its evaluated year −6 … +4)."""
    return ref.target_fy is not None and ref.target_fy - 6 <= fy <= ref.target_fy + 4


ProjectKey = tuple[str | None, str | None, str | None]  # (project name, 課 or 部, municipality)


def project_key(ref: SheetRef) -> ProjectKey:
    """A project is its name within its 課: two cities' (or two 課') namesakes stay apart."""
    return ref.project, ref.section or ref.department, ref.municipality


_TAIL = re.compile(r"(推進|支援|対策|運営|整備|促進|振興|管理|補助|育成|確保|強化|普及)?(事業|業務)$")


@lru_cache(maxsize=1 << 14)
def project_core(name: str) -> str:
    """A project name without its generic tail: 宇宙開発推進事業 → 宇宙開発 (推進事業 names nothing)."""
    return _TAIL.sub("", nfkc(name))


T = TypeVar("T")
K = TypeVar("K")


def _grouped(items: list[T], key: Callable[[T], K]) -> dict[K, list[tuple[int, T]]]:
    """Items by ``key``, each with its position in ``items`` (answers keep the catalog's order)."""
    out: dict[K, list[tuple[int, T]]] = {}
    for pos, item in enumerate(items):
        out.setdefault(key(item), []).append((pos, item))
    return out


@dataclass
class Catalog:
    """Every sheet and indicator in the store, loaded once and reloaded when the store changes.

    Questions are matched against each distinct name once (3,000 sheets carry ≈1,000 project
    names and a few hundred indicator names), never row by row.
    """

    sheets: list[SheetRef]
    indicators: list[IndicatorRef]
    fingerprint: tuple[int, float]
    texts: InitVar[dict[str, list[str]] | None] = None  # sheet → its prose (kept only as _haystacks)
    cost_labels: dict[str, list[str]] = field(default_factory=dict)  # sheet → rows other layouts print (フルコスト)
    municipalities: frozenset[str] = frozenset()  # the cities whose sheets these are (郡山市)
    city_of: dict[str, str] = field(default_factory=dict)  # sheet → its municipality (a store of several cities)
    purposes: dict[str, str] = field(default_factory=dict)  # sheet → its 目的 (what the project is for)
    _by_id: dict[str, SheetRef] = field(init=False, repr=False)
    _by_project: dict[str, list[tuple[int, SheetRef]]] = field(init=False, repr=False)
    _by_key: dict[ProjectKey, list[SheetRef]] = field(init=False, repr=False)
    _by_section: dict[str, list[tuple[int, SheetRef]]] = field(init=False, repr=False)
    _by_department: dict[str, list[tuple[int, SheetRef]]] = field(init=False, repr=False)
    _by_indicator: dict[str, list[tuple[int, IndicatorRef]]] = field(init=False, repr=False)
    _indicators_of: dict[str, list[tuple[int, IndicatorRef]]] = field(init=False, repr=False)
    _haystacks: dict[str, str] = field(init=False, repr=False)
    _project_names: NameIndex = field(init=False, repr=False)
    _short_names: dict[str, list[str]] = field(init=False, repr=False)  # name without 事業 → names
    _short_index: NameIndex = field(init=False, repr=False)
    _core_index: NameIndex = field(init=False, repr=False)
    _indicator_names: NameIndex = field(init=False, repr=False)
    _project_matcher: NameMatcher | None = field(init=False, repr=False, default=None)
    _indicator_matcher: NameMatcher | None = field(init=False, repr=False, default=None)
    _speller: Speller | None = field(init=False, repr=False, default=None)
    _all_text: str | None = field(init=False, repr=False, default=None)
    _normalized: dict[str, str] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self, texts: dict[str, list[str]] | None) -> None:
        self._by_id = {s.sheet_id: s for s in self.sheets}
        self._by_project = _grouped(self.sheets, lambda s: s.project or "")
        self._by_key = {k: [s for _, s in g] for k, g in _grouped(self.sheets, project_key).items()}
        self._by_section = _grouped(self.sheets, lambda s: squash(s.section or ""))
        self._by_department = _grouped(self.sheets, lambda s: squash(s.department or ""))
        self._by_indicator = _grouped(self.indicators, lambda i: i.name or "")
        self._indicators_of = _grouped(self.indicators, lambda i: i.sheet_id)
        self._project_names = NameIndex(self._by_project)
        self._short_names = {}
        for name in self._project_names.names:
            if len(squash(name)) > 3:
                self._short_names.setdefault(short_name(name), []).append(name)
        self._short_index = NameIndex(self._short_names)
        self._core_index = NameIndex(project_core(n) for n in self._project_names.names)
        self._indicator_names = NameIndex(self._by_indicator)
        # upper() only: NFKC over every sheet's prose costs ~0.2 s per 1,000 sheets; the needles
        # come in both widths instead.
        self._haystacks = {
            s.sheet_id: "\n".join([s.project or "", s.section or "", s.department or "",
                                   *(texts or {}).get(s.sheet_id, [])]).upper()
            for s in self.sheets
        }

    @classmethod
    def load(cls, store: FigureStore) -> Catalog:
        sheets = store.catalog_sheets()
        indicators = store.indicator_rows()
        texts = store.section_texts()
        # the cost rows other layouts print under their own labels (フルコスト, 正職員数) are words the sheets hold
        labels = store.cost_row_labels()
        for sheet_id, words in labels.items():
            texts.setdefault(sheet_id, []).extend(words)
        city_of = {sid: nfkc(m) for sid, m in store.sheet_municipalities().items()}
        purposes = {sid: "\n".join(parts) for sid, parts in store.section_texts("purpose").items()}
        return cls(sheets, indicators, fingerprint_of(store), texts, labels, frozenset(city_of.values()), city_of,
                   purposes)

    # ── linking (assistant.link): built on first use, kept as long as the catalog ─────────────

    def respell(self, norm: str) -> str:
        """Hiragana typed for the kanji of a name the store holds, or of a run of its words
        (じどうクラブのせっちすう → 児童クラブの設置数, さんかしゃ → 参加者), a kanji the IME chose by its
        sound (耐震化律 → 耐震化率), and a name's words cut short as staff clip them (再エネ → 再生可能エネルギー)."""
        norm = self._unclip(norm)
        if self._speller is None:
            from assistant.kana import MIN_KANA, Speller, morae
            from assistant.sudachi import tokens

            names = [*self._project_names.names, *self._by_indicator, *(s.section or "" for s in self.sheets),
                     *(s.department or "" for s in self.sheets)]
            readings: dict[str, str] = {}
            spelled: list[str] = []  # every run as written (readings keep one spelling a reading)
            for name in dict.fromkeys(n for n in names if n):
                # every run of up to four words of a name (延べ+利用+者 → 延べ利用者), read as Sudachi reads it
                # (and of its shortest words: 参加者数 is one word, さんかしゃ is typed too)
                for toks in (tokens(name), tokens(name, short=True)):
                    for i, _t in enumerate(toks):
                        surface, kana = "", ""
                        for u in toks[i:i + 4]:
                            if not u.content or not u.reading:
                                break
                            surface, kana = surface + u.surface, kana + u.reading
                            if morae(kana) >= MIN_KANA and re.search(r"[一-龥ァ-ヶ]", surface):
                                readings.setdefault(kana, surface)
                                spelled.append(surface)
            verbatim = {w for n in names if n for w in re.findall(r"[ぁ-ゖー]{3,}", n)}
            self._speller = Speller((), strict=True, readings=readings, verbatim=verbatim, words=spelled)
        return self._speller.respell(norm)

    @cached_property
    def names_in_english(self) -> dict[str, tuple[str, ...]]:
        """English word → the words of project names JMdict glosses with it ("wildlife", "animal" →
        鳥獣; "irrigation channel" → 用水路): the store's own vocabulary, reached from English."""
        from assistant.dictionary import english_of, known_word

        out: dict[str, list[str]] = {}
        # every piece of a name's kanji runs JMdict knows (用水路 of 農業用水路整備事業, which Sudachi cuts 用+水路)
        runs = dict.fromkeys(m.group(0) for n in self._project_names.names for m in re.finditer(r"[一-龥々]{2,}", nfkc(n)))
        words = dict.fromkeys(run[i:j] for run in runs for i in range(len(run)) for j in range(i + 2, min(len(run), i + 6) + 1))
        for word in words:
            # a word made of two words JMdict knows (動物愛護 = 動物 + 愛護) is reached by its whole glosses
            # ("animal welfare"); its pieces answer for their own English ("animal" is 動物's, not 動物愛護's)
            whole = any(known_word(word[:i]) and known_word(word[i:]) for i in range(2, len(word) - 1))
            for en in english_of(word, words=not whole):
                if word not in out.setdefault(en, []):
                    out[en].append(word)
        return {en: tuple(ws) for en, ws in out.items()}

    @cached_property
    def _name_words(self) -> tuple[tuple[str, ...], ...]:
        """Each project and indicator name as its shortest Sudachi words (再生+可能+エネルギー+推進+事業)."""
        from assistant.lexicon import normalize
        from assistant.sudachi import tokens

        names = dict.fromkeys(n for n in (*self._project_names.names, *self._by_indicator) if n)
        return tuple(tuple(t.surface for t in tokens(normalize(n), short=True)) for n in names)

    @cached_property
    def _known_names(self) -> str:
        """Every project, 部, 課 and indicator name, squashed: a run written in one is no clipped name."""
        return self.names_text[0] + "\n" + self.indicator_text

    def _unclip(self, norm: str) -> str:
        """Runs of kanji and katakana no name holds, read as the first characters of a name's words in
        order (再エネ = 再[生可能]エネ[ルギー]; 特養, 放デイ), spelled out where every name reads them alike."""
        from assistant.lexicon import lexicon

        known = self._known_names
        out = norm
        for m in reversed(list(re.finditer(r"[一-龥ァ-ヶー々]{3,8}", norm))):
            run, after = m.group(0), norm[m.end():m.end() + 1]
            if run in known or lexicon().find(run):  # 総事業費 is a row, no clipped name
                continue
            if re.fullmatch(r"[ぁ-ゖ]", after) and after not in "のはがをにでともやへかな":
                continue  # 市民向|け: the word goes on in kana, it is not cut short
            spelled = {x for words in self._name_words if (x := clipped_from(run, words))}
            if len(spelled) == 1:
                out = out[:m.start()] + spelled.pop() + out[m.end():]
        return out

    @property
    def project_matcher(self) -> NameMatcher:
        if self._project_matcher is None:
            from assistant.link import NameMatcher

            self._project_matcher = NameMatcher(self._project_names.names)
        return self._project_matcher

    @property
    def indicator_matcher(self) -> NameMatcher:
        if self._indicator_matcher is None:
            from assistant.link import NameMatcher

            self._indicator_matcher = NameMatcher(self._indicator_names.names, own_words=False)
        return self._indicator_matcher

    @property
    def project_names(self) -> list[str]:
        """Every project name the store holds."""
        return list(self._project_names.names)

    def org_names(self) -> list[str]:
        """Every 部 and 課 the store's sheets name."""
        return sorted({n for s in self.sheets for n in (s.department, s.section) if n})

    @cached_property
    def names_text(self) -> tuple[str, frozenset[str]]:
        """Every project, 部 and 課 name, squashed into one text, and its bigrams (made once per catalog)."""
        text = squash(" ".join([*self.project_names, *self.org_names()]))
        return text, bigrams(text)

    def by_project_name(self, name: str) -> list[SheetRef]:
        return [s for _, s in self._by_project.get(name, [])]

    def display_name(self, ref: SheetRef) -> str:
        """The project as an answer over many projects names it: with its city where another city
        holds a project of the same name (ごみ減量推進事業（南原市）), else its name alone."""
        name = ref.project or ""
        cities = {self.city_of.get(r.sheet_id) for r in self.by_project_name(name)}
        city = self.city_of.get(ref.sheet_id)
        return f"{name}（{city}）" if city and len(cities) > 1 else name

    @cached_property
    def printed_only(self) -> tuple[str, ...]:
        """The labels other layouts print that no fixed cost field reads (正職員数, 間接事業費), sorted:
        found once a catalog, not at every ranking asked."""
        from ingest.templates.generic import field_of

        return tuple(sorted({label for labels in self.cost_labels.values() for label in labels if field_of(label) is None}))

    @cached_property
    def indicator_text(self) -> str:
        """Every indicator name, squashed, one a line: for telling whether words are inside one."""
        return "\n".join(squash(n) for n in self._by_indicator if n)

    def indicators_named(self, name: str) -> list[IndicatorRef]:
        return [i for _, i in self._by_indicator.get(name, [])]

    def projects_all(self) -> list[ProjectKey]:
        return list(self._by_key)

    def known_text(self, sheet_ids: list[str] | None) -> str:
        """The names and prose of these sheets (every sheet when None), normalized: what a
        question's words are checked against before a decline."""
        from assistant.lexicon import normalize

        if sheet_ids is None or len(sheet_ids) > 40:
            if self._all_text is None:
                self._all_text = normalize(" ".join(self._haystacks.values()))
            return self._all_text
        parts = []
        for sid in sheet_ids:
            if sid not in self._normalized:  # normalized once per sheet, kept with the catalog
                self._normalized[sid] = normalize(self._haystacks.get(sid, "") + " " + " ".join(
                    i.name or "" for _, i in self._indicators_of.get(sid, [])))
            parts.append(self._normalized[sid])
        return " ".join(parts)

    def covers(self, fy: int) -> bool:
        """Some sheet's table reaches this year (a sheet spans its evaluated year −2 … +4)."""
        return any(reaches(s, fy) for s in self.sheets)

    def sheet(self, sheet_id: str) -> SheetRef | None:
        return self._by_id.get(sheet_id)

    def sheets_of(self, ref: SheetRef) -> list[SheetRef]:
        """Every sheet (evaluated year) of ``ref``'s project, in catalog order."""
        return list(self._by_key.get(project_key(ref), [ref]))

    def latest(self, ref: SheetRef) -> SheetRef:
        """The sheet of ``ref``'s project with the latest evaluated year."""
        return max(self.sheets_of(ref), key=lambda s: s.target_fy or 0)

    def indicators_of(self, sheet_id: str) -> list[IndicatorRef]:
        return [i for _, i in self._indicators_of.get(sheet_id, [])]

    def resembles_project(self, core: str, threshold: float = 0.6) -> bool:
        """Some project's name without its generic tail (:func:`project_core`) resembles ``core``."""
        return bool(self._core_index.scores([core], threshold))

    def mentioning(self, words: list[str], about: bool = False) -> list[str]:
        """Sheets whose name, 課, 部 or prose contains one of ``words`` (full or half width, any ASCII
        case), in id order; with ``about``, those whose project is about them — the word in its name,
        課, 部, an indicator's name or its 目的 — when there are any.
        Searched in memory: SQL ``LIKE`` over every section reads the whole store for each word."""
        needles = {form for w in words if w for form in _widths(nfkc(w).upper())}
        return (self.about(words) if about else []) or sorted(
            sid for sid, text in self._haystacks.items() if any(n in text for n in needles))

    def about(self, words: list[str], names_only: bool = False) -> list[str]:
        """Sheets whose project is about one of ``words``: said in its name, 課, 部, an indicator's name
        or its 目的 (``names_only``: its name), full or half width, any ASCII case, in id order. In a row's
        name or the 目的 the word heads its compound (環境学習, 公園遊具), not ends another (教育環境)."""
        needles = {form for w in words if w for form in _widths(nfkc(w).upper())}
        if not needles:
            return []
        if names_only:
            return sorted(s.sheet_id for s in self.sheets if any(n in (s.project or "").upper() for n in needles))
        # a short katakana word is a whole word: プラ is not of 自立支援プラン, while カーボン counts in
        # ゼロカーボン
        def whole(n: str) -> str:
            if len(n) <= 3 and re.fullmatch(r"[ァ-ヺー]+", n):
                return rf"(?<![ァ-ヺー]){re.escape(n)}(?![ァ-ヺー])"
            return re.escape(n)

        ordered = sorted(needles, key=len, reverse=True)
        named = re.compile("|".join(whole(n) for n in ordered))
        heading = re.compile("|".join(rf"(?<![一-龥々ァ-ヺー]){whole(n)}" for n in ordered))

        return sorted(sid for sid, (names, aims) in self._about_texts.items()
                      if named.search(names) is not None or heading.search(aims) is not None)

    @cached_property
    def _about_texts(self) -> dict[str, tuple[str, str]]:
        """Each sheet's name, 課 and 部, and its 目的 and indicator names, upper-cased: what :meth:`about`
        searches, built once (a theme is asked of every sheet). A target population (対象指標) is whom a
        project serves, not what it is about: 議会広報発信事業 counting 町内会・自治会 is no 町内会 project."""
        return {s.sheet_id: ("\n".join([s.project or "", s.section or "", s.department or ""]).upper(),
                             "\n".join([self.purposes.get(s.sheet_id, ""),
                                        *(i.name or "" for i in self.indicators_of(s.sheet_id)
                                          if i.kind != "target")]).upper())
                for s in self.sheets}

    def projects(self, question: str, threshold: float = 0.72) -> list[tuple[float, SheetRef]]:
        """Sheets whose project the question names, best first (all years of a project)."""
        q = question
        named = self._project_names.scores([q], threshold)
        # 「企業誘致事業（第６期）」 also contains 企業誘致事業: a name found only inside a longer
        # name the question spells out is not named.
        full = {squash(n) for n, sc in named.items() if sc >= 1.0}
        named = {n: sc for n, sc in named.items() if not any(squash(n) in f and squash(n) != f for f in full)}
        if not named:
            # A name without its 事業/推進 tail: 「デジタルファースト」.
            named = {n: sc - 0.05 for short, sc in self._short_index.scores([q], threshold + 0.05).items()
                     for n in self._short_names[short]}
        best = max(named.values(), default=0.0)
        # A name spelled out in full outranks near misses: 「デジタルファースト推進事業の
        # キャッシュレス決済…」 is not about キャッシュレス決済推進事業.
        band = 0.0 if best >= 1.0 else 0.1
        hits = [(sc, pos, s) for n, sc in named.items() if sc >= best - band for pos, s in self._by_project[n]]
        return [(sc, s) for sc, _, s in sorted(hits, key=lambda x: (-x[0], x[1]))]

    def organisations(self, question: str) -> list[SheetRef]:
        """Sheets of a department or 課 the question names (ＤＸ戦略課, 政策開発部)."""
        q = squash(question)
        for groups in (self._by_section, self._by_department):
            hits = sorted(x for name, g in groups.items() if name and name in q for x in g)
            if hits:
                return [s for _, s in hits]
        return []

    def indicators_for(self, question: str, sheet_ids: set[str] | None = None,
                       threshold: float = 0.5) -> list[tuple[float, IndicatorRef]]:
        # The subject as a whole and each of its parts: 「コンビニ交付件数 増え」 is about its first part.
        parts = [question, *(p for p in re.split(r"[\s、,]+", question) if len(squash(p)) >= 3)]
        # 「マイナポータル以外」 names what the indicator is NOT.
        excluded = [squash(m.group(1)) for m in re.finditer(r"([^\s(（、]{2,12})以外", nfkc(question))
                    if squash(m.group(1)) not in ("上記", "その他")]

        def score(name: str) -> float:
            sc = max(similarity(p, name) for p in parts)
            if any(x and x in squash(name) for x in excluded):
                sc *= 0.5
            return sc

        groups: dict[str, list[tuple[int, IndicatorRef]]]
        if sheet_ids is None:  # the whole store: only names sharing enough of the question's words
            groups = {n: self._by_indicator[n] for n in self._indicator_names.scores(parts, threshold)}
        else:  # a few sheets: their own indicators, by name
            groups = {}
            for sid in sheet_ids:
                for pos, ind in self._indicators_of.get(sid, []):
                    groups.setdefault(ind.name or "", []).append((pos, ind))
        hits = [(sc, pos, ind) for name, g in groups.items() if (sc := score(name)) >= threshold for pos, ind in g]
        return [(sc, ind) for sc, _, ind in sorted(hits, key=lambda x: (-x[0], x[1]))]


_FULL_WIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


def _widths(word: str) -> set[str]:
    """``word`` (NFKC, so half width) and its full-width form: ＤＸ as well as DX."""
    return {word, word.translate(_FULL_WIDTH)}


@lru_cache(maxsize=1 << 14)
def short_name(project: str) -> str:
    """デジタルファースト推進事業 → デジタルファースト: what a question may call a project."""
    return re.sub(r"(推進)?事業$", "", project)


def fingerprint_of(store: FigureStore) -> tuple[int, float]:
    return store.fingerprint()


def pick_sheet(refs: list[SheetRef], fy: int | None) -> SheetRef:
    """Of several sheets of one project (one per evaluated year), the one that best reports ``fy``:
    the sheet evaluating that year, else the latest that covers it, else the latest."""
    ordered = sorted(refs, key=lambda s: s.target_fy or 0, reverse=True)
    if fy is not None:
        exact = [s for s in ordered if s.target_fy == fy]
        if exact:
            return exact[0]
        later = [s for s in ordered if (s.target_fy or 0) >= fy]
        if later:
            return later[-1]
    return ordered[0]
