"""Schema linking: which of the store's own items a question's words name.

Everything the store holds is linkable — project names and the short forms people use,
部/課, indicator names — and every part of a question the lexicon did not explain is matched
against them: by the character bigrams and Sudachi words they share (weighted by how rare each
word is among the store's names, generic parts such as 事業・推進・支援 counting little), through
the lexicon's glossaries (staff shorthand, English), and, when an embedder is at hand, by the e5
model (paraphrases; English ↔ Japanese). Content words that nothing explains are reported: a
question about 「導入業者」 must be declined, not answered with a neighbouring figure.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache

from assistant.dictionary import japanese_words, place_readings, without_plural
from assistant.dictionary import key as dictionary_key
from assistant.kana import kanji_by_kanji
from assistant.lexicon import lexicon, normalize
from assistant.resolve import bigrams, similarity, squash
from assistant.romaji import fold, katakana_to_romaji
from assistant.sudachi import Token, tokens
from ingest.normalize import nfkc

_PLACE_AFTER = ("地区", "地域", "地内")  # what follows a place in a project name (日和田地区)

_NOUNISH = frozenset({"名詞", "接頭辞", "接尾辞"})
GENERIC_WEIGHT = 0.15
UNIQUE_WORDS = 0.72  # the score of a name two of whose own words (no other name has them) are used
FRAGMENT = 6  # characters of a name written out in one run: named, whatever the rest of it says
COMPOUND = 0.6  # a compound of a name written out whole (鳥獣対策): named, as every name printing it is
ONE_OWN_WORD = 0.62  # … one such word (除雪, 食育, 通学路): named, unless an indicator explains the word better
SUFFIX_WEIGHT = 0.3
NAMED_WHOLE = 0.95  # a row this well named (every word of it said) is what is asked, whatever else shares its words
_PARTICLES = frozenset("のはがをにでともへやか")


@dataclass(frozen=True)
class Unit:
    """A content word of a question: a noun (with its suffixes) or verb stem, with its span."""

    text: str
    forms: frozenset[str]  # normalized form, surface and mode-A pieces
    start: int
    end: int
    noun: bool = True  # a noun (or prefix + noun): what a question can ask *about*


@dataclass(frozen=True)
class Reading:
    """A question prepared for matching: its units and every reading (as written, with staff
    shorthand spelled out, English carried to Japanese words)."""

    norm: str
    units: tuple[Unit, ...]
    variants: tuple[str, ...]  # texts to test names against
    forms: dict[str, tuple[int, int]]  # every word form → the question span it came from
    spelled: tuple[tuple[str, tuple[int, int]], ...] = ()  # a word spelled out from staff shorthand → its span
    spelled_text: str = ""  # the question with staff shorthand spelled out as the sheets print it

    def span_of(self, form: str) -> tuple[int, int] | None:
        return self.forms.get(form)


def _name_units(name: str) -> list[Token]:
    return [t for t in tokens(normalize(name)) if t.content]


# 「更新実績」「申請実績」 are the row's words + its actual: two units, as 「更新の実績」 is (no row is
# named …実績, and a compound the sheets do not print would count as something they say nothing about)
_VALUE_WORDS = frozenset({"実績", "実績値"})
# 「そのうち地理情報システムの分」: うち picks a part of what came before; it is no part of the next noun
# words that lead into the noun after them but are no part of it: 「そのうち人件費」, 「健診のあと保健指導」
_LEADING_WORDS = frozenset({"うち", "あと", "後", "ほか", "他", "以外", "以降", "以前"})


@lru_cache(maxsize=1 << 12)
def read_question(norm: str, every: bool = False) -> Reading:
    """Units, readings and word forms of a normalized question. ``every``: each English phrase with
    all its renderings (for the few rows of one sheet), not only the first (for names store-wide)."""
    lex = lexicon()
    toks = tokens(norm)
    units: list[Unit] = []
    forms: dict[str, tuple[int, int]] = {}
    i = 0
    while i < len(toks):
        t = toks[i]
        if not t.content:
            i += 1
            continue
        # a compound noun (with its prefixes and suffixes) is one unit: 導入+業+者, スマート+申請+システム
        j = i + 1
        if t.pos in _NOUNISH:
            while j < len(toks) and toks[j].pos in _NOUNISH and not re.match(r"[a-z0-9]", toks[j].surface) \
                    and not re.match(r"[a-z0-9]", toks[j - 1].surface[-1:]) and toks[j].surface not in _VALUE_WORDS \
                    and toks[j - 1].surface not in _LEADING_WORDS:
                j += 1
        else:
            while j < len(toks) and toks[j].pos == "接尾辞":
                j += 1
        group = toks[i:j]
        text = norm[group[0].start:group[-1].end]
        fs = {text}
        for g in group:
            fs |= {g.form, g.surface.lower(), *g.parts, *_singular_loanword(g)}
        noun = any(g.pos in ("名詞", "接頭辞") for g in group)
        value = next((v for v in _VALUE_WORDS if text.endswith(v) and len(text) > len(v)), None)
        if value is not None and noun:  # 「利用実績」 is one word to Sudachi: the row's words, then the actual
            cut = group[-1].end - len(value)
            head = text[:-len(value)]
            piece = group[-1].surface.lower()[:-len(value)]  # 利用 of 利用実績
            head_forms = {f for f in fs if f and f != text and value not in f} | {head, piece} - {""}
            units.append(Unit(head, frozenset(head_forms), group[0].start, cut, True))
            units.append(Unit(value, frozenset({value}), cut, group[-1].end, True))
            # each word where it stands (as 「キャッシュレス決済の利用の実績」 would place them)
            forms.setdefault(head, (group[0].start, cut))
            if piece:
                forms.setdefault(piece, (cut - len(piece), cut))
            fs = set()
        else:
            units.append(Unit(text, frozenset(f for f in fs if f), group[0].start, group[-1].end, noun))
        for f in fs:
            forms.setdefault(f, (group[0].start, group[-1].end))
        for g in group:
            forms.setdefault(g.form, (g.start, g.end))
            forms.setdefault(g.surface.lower(), (g.start, g.end))
            for loan in _singular_loanword(g):
                forms.setdefault(loan, (g.start, g.end))
            for part in g.parts:
                forms.setdefault(part, (g.start, g.end))
        i = j
    # English words that are no known word may be Japanese names spelled out (Kikuta, Tsutsumishita)
    for m in re.finditer(r"[a-z]{4,}", norm):
        w = m.group(0)
        if not _english_known(w):
            forms.setdefault(fold(w), m.span())
    variants = [norm]
    spelled = norm
    sources: list[tuple[str, tuple[int, int]]] = []  # a word spelled out → where its shorthand stands
    for short, full in lex.shorthand.items():
        if short in spelled and full not in spelled:
            before = spelled
            if re.fullmatch(r"[a-z]+", short):  # dx, ict: whole words only
                spelled = re.sub(rf"(?<![a-z]){short}(?![a-z])", full, spelled)
            elif re.search(r"[ァ-ヶー]$", short):  # マイナ, not the マイナ of マイナポータル
                spelled = re.sub(rf"{re.escape(short)}(?![ァ-ヶー])", full, spelled)
            else:
                spelled = spelled.replace(short, full)
            if spelled != before and (pos := norm.find(short)) >= 0:
                sources.append((full, (pos, pos + len(short))))
    if spelled != norm:
        variants.append(spelled)
    # 「施設の数」「参加した人の数」 as a name writes them: 施設数
    joined = re.sub(r"(?<=[一-龥ァ-ヶー])の(数|件数|人数|回数|割合)", r"\1", spelled)
    if joined != spelled:
        variants.append(joined)
    # names are matched with each phrase's first rendering; the others only keep a word from
    # counting as absent (query.link_query)
    english, seen_spans = [], set()
    for ja, span in english_words(norm):
        if every or span not in seen_spans:
            seen_spans.add(span)
            english.append((ja, span))
    if english:
        variants.append(" ".join(w for w, _ in english))
        for ja, span in english:
            for t in tokens(ja):
                if t.content:
                    forms.setdefault(t.form, span)
                    for p in t.parts:
                        forms.setdefault(p, span)
            forms.setdefault(ja, span)
    def origin(form: str) -> tuple[int, int]:
        # 「使っていない市有財産」 spelled 未利用財産: its words stand where the phrase does
        return next((span for full, span in sources if form and form in full), (0, 0))

    for v in variants[1:]:
        for t in tokens(v):
            if t.content:
                forms.setdefault(t.form, origin(t.form))
                for p in t.parts:
                    forms.setdefault(p, origin(p))
    return Reading(norm, tuple(units), tuple(variants), forms, tuple(sources), spelled)


def english_words(norm: str) -> list[tuple[str, tuple[int, int]]]:
    """Japanese words for the English phrases of the question (longest phrases first; a phrase with
    several renderings gives each, with the same span). Nouns match in either number: "donation"
    finds the glossary's "donations", "e-book loan" its "e-book loans"."""
    if not re.search(r"[a-z]{2}", norm):
        return []
    gloss = lexicon().english
    text = norm.replace("-", " ")
    words = [(m.start(), m.end(), _stem(m.group(0))) for m in re.finditer(r"[a-z]+", text)]
    if not words:
        return []
    by_first = _phrases_by_first_stem(len(gloss))
    found: dict[tuple[int, int], list[str]] = {}
    for i, (start, _, first) in enumerate(words):
        for phrase, stems in by_first.get(first, ()):
            k = len(stems)
            if tuple(w[2] for w in words[i:i + k]) == stems:
                found.setdefault((start, words[i + k - 1][1]), []).append(phrase)
    out: list[tuple[str, tuple[int, int]]] = []
    taken: list[tuple[int, int]] = []
    for (start, end), phrases in sorted(found.items(), key=lambda x: (x[0][0] - x[0][1], x[0])):
        if any(s < end and start < e for s, e in taken):  # longest first; one inside a longer gives way
            continue
        taken.append((start, end))
        # the phrase as written wins over another inflection's (training is no train)
        spelled = [p for p in phrases if re.sub(r"\s+", " ", text[start:end]) == p]
        out += [(ja, (start, end)) for p in spelled or phrases for ja in gloss[p]]
    return sorted(out, key=lambda x: x[1])


def _singular_loanword(t: Token) -> tuple[str, ...]:
    """The katakana Sudachi gives an English plural's singular ("services" → サービス, "events" →
    イベント): its dictionary knows loanwords in the singular only."""
    word = t.surface.lower()
    if not word.isascii() or not word.isalpha() or t.form != word or (stem := without_plural(word)) == word:
        return ()
    found = tokens(stem)
    return (found[0].form,) if len(found) == 1 and found[0].form != stem else ()


def with_dictionary(r: Reading, start: int, end: int, names_in_english: Mapping[str, tuple[str, ...]] | None = None
                    ) -> Reading:
    """``r`` with the Japanese words JMdict gives for the English words in ``norm[start:end]`` (a phrase
    naming a project: "flood countermeasures" → 浸水, 洪水 …, 対策), each at its word's span — longest
    phrases first, words the glossary already carries kept as they are — and the words of the store's
    names JMdict glosses with them (``names_in_english``: "wild animal" → 鳥獣, which no first
    rendering of "animal" gives)."""
    words = [(m.start(), m.end()) for m in re.finditer(r"[a-z]+", r.norm[start:end])]
    forms = dict(r.forms)

    def add(ja: str, span: tuple[int, int]) -> None:
        forms.setdefault(ja, span)
        for t in tokens(ja, short=True):  # 修学旅行: 修学 + 旅行
            if t.content and len(t.surface) >= 2:
                forms.setdefault(t.form, span)

    i = 0
    while i < len(words):
        for k in (3, 2, 1):
            if i + k > len(words):
                continue
            a, b = start + words[i][0], start + words[i + k - 1][1]
            found = japanese_words(r.norm[a:b])
            if found:
                for ja in found:
                    add(ja, (a, b))
                i += k - 1
                break
        i += 1
    glossed = names_in_english or {}
    for i in range(len(words)) if glossed else ():
        for k in (2, 1):
            if i + k <= len(words):
                a, b = start + words[i][0], start + words[i + k - 1][1]
                for ja in glossed.get(dictionary_key(r.norm[a:b]), ()):
                    add(ja, (a, b))
    return replace(r, forms=forms)


def _stem(word: str) -> str:
    """An English noun without its plural (donations → donation, facilities → facility). Verb forms
    stay as written: "attending" (school) or "visited" are no glossary noun's inflection."""
    return without_plural(word.lower())


@lru_cache(maxsize=4)
def _phrases_by_first_stem(size: int) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """The glossary's phrases as stem sequences, by their first stem (``size`` keys the cache)."""
    out: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for phrase in lexicon().english:
        stems = tuple(_stem(w) for w in re.findall(r"[a-z]+", phrase.replace("-", " ")))
        if stems:
            out.setdefault(stems[0], []).append((phrase, stems))
    return out


@dataclass(frozen=True)
class Match:
    name: str
    score: float
    span: tuple[int, int]  # where in the question (0, 0 when found only through a reading)
    exact: bool = False
    words: int = 0  # the name's own (not generic) words the question uses
    parts: tuple[tuple[int, int], ...] = ()  # where each of those words is: what the name explains

    @property
    def explains(self) -> tuple[tuple[int, int], ...]:
        """The spans of the question this name accounts for: its words, not what lies between them
        (「技術研修、講師をやった職員」: 講師 is no word of 職員研修の開催回数)."""
        return self.parts or (self.span,)

    def within(self, spans: Iterable[tuple[int, int]]) -> bool:
        """Every word this name accounts for lies inside one of ``spans`` (the project's name): it is
        matched by those words alone."""
        spans = list(spans)
        return all(any(s <= a and b <= e for s, e in spans) for a, b in self.explains)


@lru_cache(maxsize=1024)
def matcher_for(names: tuple[str, ...], own_words: bool = True) -> NameMatcher:
    """A matcher of these names, built once: the questions about one project read the same rows
    (building one tokenizes every name, most of a short answer's time under load)."""
    return NameMatcher(names, own_words=own_words)


class NameMatcher:
    """Names (projects, indicators) matched against questions by words and bigrams.

    A name's words are weighted by rarity among the names (idf); generic parts of names
    (事業, 推進, 支援 …) and suffixes weigh little, so 「集会所の補助」 covers most of
    地域集会所補助事業 and 「推進事業」 covers almost nothing."""

    def __init__(self, names: Iterable[str], generic: frozenset[str] | None = None, own_words: bool = True) -> None:
        self.names = list(dict.fromkeys(n for n in names if n))
        self.own_words = own_words  # a word only one name has settles it (project names, not indicators)
        generic = generic if generic is not None else lexicon().generic_parts
        self._units: list[list[tuple[frozenset[str], float, str, frozenset[str]]]] = []
        df: Counter[str] = Counter()
        raw: list[list[Token]] = []
        for name in self.names:
            toks = _name_units(name)
            raw.append(toks)
            df.update({t.form for t in toks} | {t.surface.lower() for t in toks})
        n = max(len(self.names), 1)
        self._df = df
        self._generic = generic
        # what is left of a word once its generic parts are taken out (地区推進 → nothing)
        self._generic_parts = re.compile("|".join(map(re.escape, sorted(generic, key=len, reverse=True))) or "$^")
        self._postings: dict[str, list[int]] = {}
        for i, toks in enumerate(raw):
            units = []
            for k, t in enumerate(toks):
                w = math.log(1 + n / df[t.form])
                if t.form in generic or t.surface in generic:
                    w *= GENERIC_WEIGHT
                elif t.pos == "接尾辞" or len(t.surface) == 1:
                    w *= SUFFIX_WEIGHT
                romaji = katakana_to_romaji(t.reading) if t.reading and len(t.surface) >= 2 else ""
                # (楽都 spelled "Rakuto" as well as "Gakuto": each kanji read on its own)
                alone = katakana_to_romaji(by_kanji) if (by_kanji := kanji_by_kanji(t.surface)) else ""
                # (a place of three letters once folded — 逢瀬 オウセ "Ouse" — is still one: the question's
                # side folds only words of four letters or more)
                # (a place before 地区 as JMnedict reads it too: 日和田 is ヒワタ to Sudachi, "Hiwada" to staff)
                places = {r for kana in place_readings(t.surface) if len(r := katakana_to_romaji(kana)) >= 5} if (
                    k + 1 < len(toks) and toks[k + 1].surface in _PLACE_AFTER and len(t.surface) >= 2) else set()
                forms = frozenset({t.form, t.surface.lower(), *t.parts} | ({romaji} if len(romaji) >= 3 else set())
                                  | ({alone} if len(alone) >= 5 else set()) | places)
                units.append((forms, w if t.pos in ("名詞", "接頭辞", "接尾辞") else w * 0.5,
                              t.surface.lower() if t.pos in ("名詞", "接頭辞", "接尾辞") else "",
                              frozenset(t.parts) - {t.form, t.surface.lower()}))
                for f in forms:
                    if len(f) >= 2 and f not in generic and t.surface not in generic and t.pos != "接尾辞":
                        self._postings.setdefault(f, []).append(i)
            self._units.append(units)
        self._bigram_post: dict[str, list[int]] = {}
        for i, name in enumerate(self.names):
            for b in bigrams(name):
                self._bigram_post.setdefault(b, []).append(i)
        # 市民大学 (one word to Sudachi) found when both its halves are carried from English words
        self._halves: dict[str, list[tuple[str, int]]] = {}
        for i, toks in enumerate(raw):
            for t in toks:
                if len(t.surface) >= 4 and re.fullmatch(r"[一-龥]+", t.surface) and not t.parts:
                    self._halves.setdefault(t.surface[:2], []).append((t.surface[2:], i))
        self._kana_prefix: dict[str, list[int]] = {}  # プラ → プラスチック…: a katakana word cut short
        for i, toks in enumerate(raw):
            for t in toks:
                if len(t.surface) >= 4 and re.fullmatch(r"[ァ-ヶー]+", t.surface):
                    for k in range(2, len(t.surface)):
                        self._kana_prefix.setdefault(t.surface[:k], []).append(i)
        # words and bigrams most names share (事業, 推進, 市内) find every name: they choose no candidate
        common = max(30, len(self.names) // 10)
        self._bigram_post = {b: ids for b, ids in self._bigram_post.items() if len(ids) <= common}
        self._postings = {f: ids for f, ids in self._postings.items() if len(ids) <= common}

    def df(self, word: str) -> int:
        """How many of the names have ``word`` as a word of their own."""
        return self._df.get(word, 0)

    def candidates(self, r: Reading) -> set[int]:
        out: set[int] = set()
        for f in r.forms:
            out.update(self._postings.get(f, ()))
        for u in r.units:
            out.update(self._kana_prefix.get(u.text, ()))
        for f in r.forms:
            out.update(i for rest, i in self._halves.get(f, ()) if rest in r.forms)
        grams: Counter[int] = Counter()
        for v in r.variants:
            for b in bigrams(v):
                for i in self._bigram_post.get(b, ()):
                    grams[i] += 1
        out.update(i for i, c in grams.items() if c >= 2)
        return out

    def _compound_said(self, name: str, r: Reading) -> bool:
        """A word of the question (kanji or katakana, four or more characters) the name holds whole, and
        not only generic parts (推進事業, 地区)."""
        return any(word in name for word in _compounds(r.norm, self._generic_parts))

    def match(self, r: Reading, threshold: float, only: Iterable[str] | None = None) -> list[Match]:
        """Names scoring at least ``threshold`` against the question, best first."""
        if only is not None:
            wanted = set(only)
            ids: Iterable[int] = [i for i, n in enumerate(self.names) if n in wanted]
        else:
            ids = self.candidates(r)
        out = []
        for i in ids:
            m = self._score(i, r)
            if m.score >= threshold:
                out.append(m)
        out.sort(key=lambda m: (-m.score, self.names.index(m.name) if len(out) < 64 else 0))
        return out

    def _score(self, i: int, r: Reading) -> Match:
        name = self.names[i]
        sq = squash(name)
        for k, v in enumerate(r.variants):
            pos = squash(v).find(sq) if sq else -1
            if pos >= 0:
                # spelled out from a shorthand (未利用財産 for 使っていない市有財産): what it explains is
                # where the shorthand stands
                parts = () if k == 0 else tuple(sorted({s for f, s in r.forms.items() if s != (0, 0) and len(f) >= 2
                                                        and squash(f) in sq and squash(f) not in squash(r.norm)}))
                return Match(name, 1.0, _locate(r.norm, name), exact=True, parts=parts)
        units = self._units[i]
        total = sum(w for _, w, _, _ in units) or 1.0
        got = 0.0
        spans = []
        own: dict[str, str] = {}  # each own word of the name, by the question's word that says it
        placed: list[tuple[str, tuple[int, int]]] = []  # each word found, where the question says it
        if contradicts(r, [surface for _, _, surface, _ in units]):
            # 「上水道管路の耐震化率」 is no 下水道管路の耐震化率, however much else they share
            return Match(name, 0.0, (0, 0))
        for forms, w, surface, pieces in units:
            # every form the question has (保育所 carried from "nursery", and "hoikusho" spelled out)
            # is explained; the whole word before a piece of it, then the longest (no set order)
            present = sorted((f for f in forms if f in r.forms), key=lambda f: (f in pieces, -len(f), f))
            hit = present[0] if present else None
            where = None
            part = 1.0
            pieced_out = False  # the word said whole in pieces carried from several English words
            also = [r.forms[f] for f in present[1:] if r.forms[f] != (0, 0) and f not in pieces]
            if hit is not None:
                where = r.forms[hit]
                if hit in pieces and surface:  # a piece of the word only: 事業 of 事業所
                    # (every piece said — 市民 and 大学 of 市民大学, "citizens' university" — is the word)
                    pieced = sum(len(f) for f in present if f in pieces and f not in self._generic)
                    part = min(1.0, max(pieced, len(hit)) / len(surface)) * (
                        GENERIC_WEIGHT if hit in self._generic else 1.0)
            elif surface and len(surface) >= 2 and (pos := _at_word_start(surface, r)) >= 0:
                hit, where = surface, (pos, pos + len(surface))
            if hit is None and surface and len(surface) >= 4 and re.fullmatch(r"[ァ-ヶー]+", surface):
                # a katakana word cut short: プラ for プラスチック, デジ for デジタル
                pre = next((u for u in r.units if len(u.text) >= 2 and re.fullmatch(r"[ァ-ヶー]+", u.text)
                            and surface.startswith(u.text)), None)
                if pre is not None:
                    hit, where, part = pre.text, (pre.start, pre.end), 0.8
            if hit is None and surface and len(surface) >= 3:
                # part of a long word: 「不登校」 of 不登校児童 (one word to the dictionary)
                sub, pos = _longest_common(surface, r)
                if len(sub) >= 2 and re.search(r"[一-龥]{2}|[ァ-ヶー]{3}", sub) and sub not in self._generic:
                    hit, where, part = sub, (pos, pos + len(sub)), len(sub) / len(surface)
                else:  # … or a word an English question was carried to (truancy → 不登校)
                    carried = max((f for f in r.forms if len(f) >= 2 and re.search(r"[一-龥ァ-ヶ]{2}", f)
                                   and surface.startswith(f) and f not in self._generic), key=len, default="")
                    if carried:
                        hit, where, part = carried, r.forms[carried], len(carried) / len(surface)
                    # … its pieces carried from several words ("citizens' university": 市民 + 大学 of 市民大学)
                    pieces_in = [f for f in r.forms if len(f) >= 2 and r.forms[f] != (0, 0)
                                 and re.fullmatch(r"[一-龥ァ-ヶー]+", f) and f in surface]
                    covered = {j for f in pieces_in for at in [surface.find(f)] for j in range(at, at + len(f))}
                    if len({r.forms[f] for f in pieces_in}) >= 2 and len(covered) == len(surface) and any(
                            f not in self._generic for f in pieces_in):
                        best = max(pieces_in, key=len)
                        hit, where, part, pieced_out = best, r.forms[best], 1.0, True
                        also += [r.forms[f] for f in pieces_in if r.forms[f] != where]
            if hit is None:
                continue
            got += w * part
            said = r.norm[where[0]:where[1]] if where is not None and where != (0, 0) else ""
            if w > GENERIC_WEIGHT * 2 and where is not None and where != (0, 0) and not (
                    said not in (hit, "") and not said.isascii() and hit in self._generic):
                # a generic piece of a longer word of the question explains nothing (支援 of 支援員)
                spans.append(where)
                spans += also
                placed.append((hit, where))
            word = surface if pieced_out else hit  # ("citizens' university": 市民大学, not its generic 市民)
            if surface and len(word) >= 2 and word not in self._generic and self._df.get(surface, self._df.get(hit, 0)) == 1 \
                    and word not in lexicon().phrases and word not in lexicon().function_words:
                # 評価 of 固定資産評価適正化事業 is a question word too; ポイント of 健康ポイント a unit
                own[surface] = hit
        spans = _nearest_said(r, placed, spans)
        # (one word of the question is one own word: 児童 carried from "children" is 児童クラブ's and 児童's)
        n_own = len(set(own.values()))
        cover = got / total
        bigram = max(similarity(v, name) for v in r.variants)
        score = max(cover, bigram * 0.95)
        # a long piece of the name written out (「電子申請手続き数」 of オンラインによる電子申請手続き数（上記以外）)
        frag = max(len(common_run(sq, squash(v))) for v in r.variants)
        if frag >= FRAGMENT:
            score = max(score, min(0.9, 0.6 + 0.03 * frag))
        elif frag >= 4 and (lead := squash(name.split("の")[0])) and len(lead) == frag and lead != sq and any(
                re.search(rf"(?<![一-龥ァ-ヶー]){re.escape(lead)}(?![一-龥ァ-ヶー])", nfkc(v).lower()) for v in r.variants):
            # what the row counts, written out whole before its の and as a word of its own (「議会だより、何回
            # 出した？」 of 議会だよりの発行回数; Sudachi reads だより as だ+より, so no word of it matched) —
            # not the 公共施設 of 公共施設マネジメント推進事業
            score = max(score, 0.65)
        elif self.own_words and frag >= 4 and self._compound_said(sq, r):
            # a compound of the name written out whole (「鳥獣対策」 of 菜根地区有害鳥獣対策事業): named, though
            # the place it leaves out weighs more — every name printing it is meant alike
            score = max(score, COMPOUND)
        # Words only this name has settle it even when the question leaves others out
        # (「職員研修の事業」 for 技術力向上職員研修事業).
        if self.own_words and n_own >= 2:
            score = max(score, UNIQUE_WORDS)
        elif self.own_words and n_own:
            score = max(score, ONE_OWN_WORD)
        span = (min(s for s, _ in spans), max(e for _, e in spans)) if spans else _bigram_span(r.norm, name)
        return Match(name, round(score, 4), span, words=len(spans), parts=tuple(sorted(set(spans))))


_COMPOUND = re.compile(r"[一-龥ァ-ヶー]{4,}")


def contradicts(r: Reading, words: Iterable[str]) -> bool:
    """A word of a name (``words``: its units) that the question says the opposite of, and not itself
    (the relation is symmetric: the name's word's opposites are looked up among the question's forms)."""
    return any(w and w not in r.forms and any(o in r.forms for o in opposites(w)) for w in words)


@lru_cache(maxsize=1 << 14)
def opposites(word: str) -> frozenset[str]:
    """The words ``word`` turns into by one contrast (lexicon ``contrasts``): 上水道 → 下水道, 小学生 →
    中学生, 有料 → 無料."""
    if len(word) < 2:
        return frozenset()
    swaps = lexicon().contrasts
    return frozenset(word[:i] + b + word[i + 1:] for i, ch in enumerate(word) for b in swaps.get(ch, ()))


@lru_cache(maxsize=1 << 14)
def words_of_name(name: str) -> tuple[str, ...]:
    """The words of a name as the matcher reads them."""
    return tuple(t.surface.lower() for t in _name_units(name))


def _nearest_said(r: Reading, placed: list[tuple[str, tuple[int, int]]], spans: list[tuple[int, int]]
                  ) -> list[tuple[int, int]]:
    """``spans`` with a word the question says twice placed where the name's other words are: in
    「図書館サービス推進の事業と東浜町の学校図書館の事業」 学校図書館充実事業's 図書館 is the second one
    (the reading keeps a word's first place only)."""
    if len(placed) < 2:
        return spans
    out = list(spans)
    for hit, where in placed:
        # the word as the question writes it: 図書館 itself, or the English word carried to 支援 ("support")
        word = r.norm[where[0]:where[1]] if re.fullmatch(r"[a-z][a-z\-]+", r.norm[where[0]:where[1]]) else hit
        if word.isascii() and not re.fullmatch(r"[a-z][a-z\-]+", word) or len(word) < 2:
            continue
        pattern = rf"\b{re.escape(word)}\b" if word.isascii() else re.escape(word)
        said = [m.start() for m in re.finditer(pattern, r.norm)]
        others = [w for h, w in placed if w != where]
        if len(said) < 2 or not others:
            continue

        def distance(at: int, others: list[tuple[int, int]] = others) -> int:
            return min(a - at if at < a else max(0, at - b) for a, b in others)

        best = min(said, key=distance)
        if where[0] <= best < where[1]:
            continue
        unit = next(((u.start, u.end) for u in r.units if u.start <= best < u.end), (best, best + len(word)))
        out = [unit if s == where else s for s in out]
    return out


@lru_cache(maxsize=256)
def _compounds(norm: str, generic_parts: re.Pattern[str]) -> tuple[str, ...]:
    """The question's words of four or more kanji or katakana that may name a project: no question
    phrase, no 事業/事業費, not only generic parts — read once a question, not once a name."""
    return tuple(w for m in _COMPOUND.finditer(nfkc(norm)) if (w := m.group(0)) not in lexicon().phrases
                 and not w.endswith(("事業", "事業費")) and generic_parts.sub("", w))


def common_run(a: str, b: str) -> str:
    """The longest run of characters ``a`` and ``b`` share (names compared by their longest common piece)."""
    best = ""
    for i in range(len(a)):
        for j in range(i + len(best) + 1, len(a) + 1):
            if a[i:j] in b:
                best = a[i:j]
            else:
                break
    return best


def _at_word_start(piece: str, r: Reading) -> int:
    """Where ``piece`` starts a word of the question (職員 does not start 教職員), else −1. A word in
    Latin letters is whole or nothing: ＰＲ starts no "project"."""
    if piece.isascii() and piece.isalpha():
        whole = re.search(rf"(?<![a-z]){re.escape(piece.lower())}(?![a-z])", r.norm)
        return whole.start() if whole else -1
    for u in r.units:
        if u.text.startswith(piece):
            return u.start
        for t in u.forms:
            if t.startswith(piece) and (pos := r.norm.find(piece, u.start, u.end)) == u.start:
                return pos
    return -1


def _longest_common(word: str, r: Reading) -> tuple[str, int]:
    """The longest piece of ``word`` that starts a word of the question, and where."""
    for size in range(len(word), 1, -1):
        for i in range(len(word) - size + 1):
            pos = _at_word_start(word[i:i + size], r)
            if pos >= 0:
                return word[i:i + size], pos
    return "", -1


def _locate(norm: str, name: str) -> tuple[int, int]:
    n = normalize(name)
    pos = norm.find(n)
    if pos >= 0:
        return pos, pos + len(n)
    return _bigram_span(norm, name)


def _bigram_span(norm: str, name: str) -> tuple[int, int]:
    nb = bigrams(name)
    hits = [i for i in range(len(norm) - 1) if squash(norm[i:i + 2]) in nb]
    return (min(hits), max(hits) + 2) if hits else (0, 0)


def inside_longer(span: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    """``span`` lies inside a longer one of ``spans``: a piece of a longer word (「市民」 of 「市民大学」). (A
    match found only through a reading, at (0, 0), lies nowhere.)"""
    return span != (0, 0) and any(a <= span[0] and span[1] <= b and b - a > span[1] - span[0] for a, b in spans)


def undominated(rows: list[Match], said: list[tuple[int, int]]) -> list[Match]:
    """Rows whose own words (outside ``said``: the project's name, the years) another row also
    explains, and more, are not asked: 「ハザードマップの出前講座の回数」 is 出前講座の開催回数, not
    ハザードマップに関する説明会の開催回数, which owns only 回数 of it. A row found by a reading
    (会議とか大会 → コンベンション) has no words to compare and stays."""
    def own(m: Match) -> frozenset[int]:
        return frozenset(i for a, b in m.parts for i in range(a, b) if not any(s <= i < e for s, e in said))

    chars = {id(m): own(m) for m in rows}
    # (a row named whole is not dominated by one that scores less: 「病児保育の子育てアプリ登録者数」 is
    # 子育てアプリの登録者数, though 病児保育の延べ利用者数 holds the 者数 of it and the project's 病児保育)
    return [m for m in rows if m.exact or not m.parts or not any(
        o is not m and chars[id(m)] < chars[id(o)] and not (m.score >= NAMED_WHOLE > o.score) for o in rows)]


# ── explaining a question's words ──────────────────────────────────────────────────────────


@dataclass
class Explained:
    """Which parts of the question are accounted for, and by what."""

    spans: list[tuple[int, int]] = field(default_factory=list)

    def add(self, span: tuple[int, int]) -> None:
        if span != (0, 0):
            self.spans.append(span)

    def covers(self, start: int, end: int) -> bool:
        """Every character of ``[start, end)`` is in some span (「うち国」 of 「のうち」+「国・県支出金」)."""
        if any(s <= start and end <= e for s, e in self.spans):
            return True
        pos = start
        for s, e in sorted(self.spans):
            if s <= pos < e:
                pos = e
                if pos >= end:
                    return True
        return False


_NUMBERISH = re.compile(r"^[\d.,%]+$|^[rhs]?\d+$|^fy\d*$|^[\d.,]+\s*[万億千百]*\s*(円|件|人|回|施設|%|ポイント|倍)?"
                        r"(以上|以下|未満|超|程度|くらい|ぐらい|前後)?$"
                        r"|^(?:\d+\s*)?(?:年|か年|年度)分出?$")  # 「3年分出して」: Sudachi reads 分出 as one noun


def unexplained(r: Reading, explained: Explained, known_text: str, capitalized: Iterable[str] = (),
                names_in_english: Mapping[str, tuple[str, ...]] | None = None) -> list[str]:
    """Nouns of the question that nothing explains: not a lexicon phrase, not a function word,
    not written in ``known_text`` (the scoped sheets' names and prose) — piece by piece, so
    「キャッシュレス決済の導入業者」 over the seed sheet leaves 業者. English words must be in the
    lexicon or its glossary (proper nouns, capitalized in the question, are let through)."""
    lex = lexicon()
    fw = lex.function_words
    caps = set(capitalized)
    out = []
    for u in r.units:
        if not u.noun or explained.covers(u.start, u.end) or _NUMBERISH.match(u.text):
            continue
        if u.text in fw or all(ch in _PARTICLES for ch in u.text):
            continue
        if re.fullmatch(r"[a-z][a-z'\-]*", u.text):
            if u.text in caps or len(u.text) <= 2 or _english_known(u.text):
                continue
            if any(ja in known_text for ja in japanese_words(u.text)[:_FIRST_WORDS]):
                continue  # a word the sheets write in Japanese (deployment → 配置, flood → 浸水)
            if names_in_english and any(ja in known_text for ja in names_in_english.get(dictionary_key(u.text), ())):
                continue  # a word of a name the sheets print ("animal" → 鳥獣 of 有害鳥獣対策事業)
            if _INFLECTED.search(u.text):
                continue  # "placed", "granted": how it is said, not the thing asked about
            out.append(u.text)
            continue
        if _segmented(u.text, known_text, fw, lex.phrases, lex.shorthand):
            continue
        if len(u.text) == 1:
            continue
        if any(w in known_text for w in predicate_words(r.norm, u.start)):
            continue  # 「就職した人」 over 就労者数: a deed the sheets count in other words
        out.append(u.text)
    return out


def predicate_words(norm: str, at: int) -> tuple[str, ...]:
    """The words a row counting the deed the question says at ``at`` may hold (lexicon ``predicates``:
    「就職した」 → 就職, 就労)."""
    return tuple(w for verb, words in lexicon().predicates.items() if norm.startswith(verb, at) for w in words)


_FIRST_WORDS = 4  # JMdict's first words of an English word (its common senses) vouch for it in the sheets' text
# English past participles and adverbs: they describe (placed, granted, actually), they name nothing a
# sheet could lack — the nouns do
_INFLECTED = re.compile(r"^[a-z]{3,}(?:[^e]ed|ied|ly)$")


@lru_cache(maxsize=1 << 12)
def _english_known(word: str) -> bool:
    lex = lexicon()
    if word in lex.function_words or word in lex.english or word in lex.phrases:
        return True
    stem = word[:-1] if word.endswith("s") else word
    return any(stem in p.split() or word in p.split() for p in (*lex.english, *lex.phrases))


def head(r: Reading, explained: Explained) -> Unit | None:
    """The noun a Japanese question asks about: its last noun that no lexicon phrase, year or name
    explains (「キャッシュレス決済の導入業者は？」 → 導入業者; 「…の参加人数は？」 → 参加人数)."""
    fw = lexicon().function_words
    # The question asks in its sentences, last first; a clause of context (「…突っ込まれそうなんだけど、」
    # 「…なので、」) asks nothing, so its nouns are never the head.
    # A sentence with nouns of its own is where the question asks; one without (「両方の数字ちょうだい」)
    # hands over to the sentence before.
    for start, end in reversed(_asking_clauses(r.norm)):
        nouns = [u for u in r.units if start <= u.start < end and u.noun and not _NUMBERISH.match(u.text)
                 and u.text not in fw and not _NOT_THIS.match(r.norm, u.end)
                 and not (_LATIN.fullmatch(u.text) and explained.covers(u.start, u.end))]  # 「…何人？R6」: a year
        if not nouns and start > 0:
            continue
        for u in reversed(nouns):
            if explained.covers(u.start, u.end):
                continue
            if u.text in fw or u.text.startswith("何") or re.fullmatch(r"[a-z'\-]+", u.text) or len(u.text) < 2:
                continue
            if u.text.endswith(("以外", "を除く", "除き")) or _NOT_THIS.match(r.norm, u.end):
                continue  # 「マイナポータル以外」「入込数じゃなくて」 say what the row is not
            if u.text.endswith(("向け", "向き", "用")) and len(u.text) > 2:
                continue  # 「市民向けに」「議会用に」: who the answer is for, not what it is about
            if _segmented(u.text, "", fw, lexicon().phrases):
                continue
            return u
        return None
    return None


def modifiers(r: Reading, unit: Unit) -> list[Unit]:
    """The nouns joined to ``unit`` by の, or written on to it, before it (「英検準2級以上の中学生」 →
    英検準, 2級以上)."""
    units = list(r.units)
    at = next((i for i, u in enumerate(units) if u.start == unit.start), None)
    out: list[Unit] = []
    while at is not None and at > 0 and units[at - 1].noun and r.norm[units[at - 1].end:units[at].start] in ("の", ""):
        at -= 1
        out.insert(0, units[at])
    return out


_LATIN = re.compile(r"[a-z0-9'\-]+")
_NOT_THIS = re.compile(r"以外|じゃなく|ではなく|でなく|じゃない|ではない|not ")
_CLAUSE_END = re.compile(r"[。!！?？]+|(?:んだ|なん|んです)?(?:けれども|けれど|けど|ので|のですが)[、,]?")


def _asking_clauses(norm: str) -> list[tuple[int, int]]:
    """Spans of the sentences of a question, without the clauses that only set the scene."""
    out, start = [], 0
    for m in _CLAUSE_END.finditer(norm):
        if not re.match(r"[。!！?？]", m.group(0)):
            start = m.end()  # context: skipped
            continue
        if m.start() > start:
            out.append((start, m.start()))
        start = m.end()
    if start < len(norm):
        out.append((start, len(norm)))
    return out


def covered(word: str, names: Iterable[str]) -> bool:
    """``word`` is made of pieces of these names, lexicon phrases and function words."""
    return _covered(word, tuple(names))


@lru_cache(maxsize=1 << 13)  # the same heads are checked against the same rows many times a question
def _covered(word: str, names: tuple[str, ...]) -> bool:
    lex = lexicon()
    text = " ".join(normalize(n) for n in names)
    full = word
    for short, long_ in lex.shorthand.items():
        if short in full:
            full = full.replace(short, long_)
    if _segmented(word, text, lex.function_words) or _segmented(full, text, lex.function_words):
        return True
    if full != word and len(full) == 1 and full in text:
        return True  # 「お客さん」 is the 客 of 入込客数: one character, but the glossary's own word for it
    formed = "".join(t.form for t in tokens(word))  # 橋りょう → 橋梁: the dictionary's own spelling
    return formed != word and _segmented(formed, text, lex.function_words)


def _synonymous(word: str, names: tuple[str, ...]) -> bool:
    """Each word of ``word`` is written in the names, or (two characters or more) shares a Sudachi
    synonym group with one of their words (子ども → 児童生徒), and one at least by its group."""
    text, groups = _name_synonyms(names)
    by_group = False
    for surface, form, synonyms in _word_synonyms(word):
        if surface in text or form in text:
            continue
        if len(surface) < 2 or not set(synonyms) & groups:
            return False
        by_group = True
    return by_group


@lru_cache(maxsize=1 << 12)
def _name_synonyms(names: tuple[str, ...]) -> tuple[str, frozenset[int]]:
    """The names as one text, and every synonym group of their words (long and short)."""
    return (" ".join(normalize(n) for n in names),
            frozenset(g for n in names for short in (False, True) for t in tokens(normalize(n), short=short)
                      for g in t.synonyms))


@lru_cache(maxsize=1 << 10)
def _word_synonyms(word: str) -> tuple[tuple[str, str, tuple[int, ...]], ...]:
    """The content words of a question's noun (function words out) with their synonym groups: read
    once, not once for every row it is checked against."""
    fw = lexicon().function_words
    return tuple((t.surface, t.form, t.synonyms) for t in tokens(word) if t.content and t.surface not in fw)


def head_covered(norm: str, unit: Unit, names: Iterable[str], synonyms: bool = False) -> bool:
    """The question's noun ``unit`` is what one of ``names`` is, as written or as part of a staff
    phrase around it (「会議とか大会に来た人」: 大会 of 会議とか大会 → コンベンション参加者数)."""
    names = list(names)
    if any(covered(word, names) for word in (unit.text, *_phrases_around(norm, unit.start, unit.end))):
        return True
    return synonyms and _synonymous(unit.text, tuple(names))


@lru_cache(maxsize=1 << 10)
def _phrases_around(norm: str, start: int, end: int) -> tuple[str, ...]:
    """What the glossary spells the staff phrases holding ``norm[start:end]`` as (once a question,
    not once a row it is checked against)."""
    word = norm[start:end]
    return tuple(long_ for short, long_ in lexicon().shorthand.items()
                 if len(short) > len(word) and word in short
                 and any(m.start() <= start and end <= m.end() for m in re.finditer(re.escape(short), norm)))


def _segmented(word: str, known: str, fw: frozenset[str], *vocab: Mapping[str, object]) -> bool:
    """``word`` splits into pieces each written in ``known`` (2+ characters), a lexicon phrase or
    a function word: 導入業者 is 導入 (known) + 業者 (not)."""
    n = len(word)
    ok = [False] * (n + 1)
    ok[0] = True
    for i in range(n):
        if not ok[i]:
            continue
        for j in range(n, i, -1):
            piece = word[i:j]
            if (len(piece) >= 2 and piece in known) or piece in fw or any(piece in v for v in vocab):
                ok[j] = True
    return ok[n]
