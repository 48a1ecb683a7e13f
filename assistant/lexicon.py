"""The question words of ``lexicon.toml``, loaded once into typed tables and one phrase matcher.

Nothing here knows a store: this is the vocabulary of *questions* (rows of the cost table,
measures, sections, operations, years, result words) plus the glossaries that carry staff
shorthand and English to the words sheets print. The store's own vocabulary is linked in
:mod:`assistant.link`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from assistant.kana import Speller
from ingest.normalize import nfkc
from ingest.vocabulary import ANSWER_ROW_LABELS


@dataclass(frozen=True)
class Hit:
    """One lexicon phrase found in a question: ``[start, end)`` of the normalized text."""

    start: int
    end: int
    group: str  # "row", "measure", "section", "op", "comparator", "result", "stage", "eval", …
    key: str  # total_cost, plan, kaizen, why, gt, 継続, …
    text: str

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


@dataclass(frozen=True)
class RowWords:
    field: str
    label: str
    en_label: str


# A kanji typed where the katakana it looks like was meant, between katakana: コンビ二 (二 for ニ).
_LOOKALIKE = str.maketrans({"二": "ニ", "一": "ー", "口": "ロ", "工": "エ", "力": "カ", "夕": "タ", "卜": "ト", "八": "ハ"})
_KATA = r"[\u30a1-\u30fa\u30fc]"
_LOOKALIKE_RE = re.compile(rf"(?<={_KATA}{_KATA})[二一口工力夕卜八](?={_KATA}|[\u4e00-\u9fff])")


def normalize(text: str) -> str:
    """The form every matcher reads: NFKC (全角 → half width), lower case, one space for runs,
    and a kanji typed for the katakana it resembles fixed (コンビ二 → コンビニ). A short text (a
    name, a question) is normalised once: names are read again for every question."""
    return _normalized(text) if len(text) <= _KEPT_CHARS else _normalize(text)


def _normalize(text: str) -> str:
    t = re.sub(r"\s+", " ", nfkc(text)).strip().lower()
    # "first- and second-stage results": each word with its own -stage
    t = _SUSPENDED.sub(lambda m: f"{m.group(1)}-{m.group(4)} {m.group(2)} {m.group(3)}-{m.group(4)}", t)
    t = _KANJI_YEAR.sub(lambda m: f"{m.group(1) or ''}{kanji_number(m.group(2) or m.group(5))}年", t)
    t = _NEWEST_SAID.sub("最新の", t)  # 「いちばん新しい年度」 is the latest, no ranking of years
    return _LOOKALIKE_RE.sub(lambda m: m.group(0).translate(_LOOKALIKE), t)


_KEPT_CHARS = 300
_normalized = lru_cache(maxsize=1 << 14)(_normalize)


# 「令和六年度」「平成二十七年度」「二〇二四年度」: a year in kanji numerals is the same year in digits
_KANJI_YEAR = re.compile(r"(令和|平成|昭和)([一二三四五六七八九十]{1,3})(年)|()([〇一二三四五六七八九]{4})(年)")
_KANJI_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")}


def kanji_number(text: str) -> int:
    """A number written in kanji: 二十七 → 27, 六 → 6, 十 → 10, 二〇二四 → 2024 (positional when there
    is no 十). The one reading of kanji numerals (years, 「三番目」, 「ここ三年」)."""
    if "十" not in text:
        return int("".join(str(_KANJI_DIGITS[c]) for c in text))
    tens, _, ones = text.partition("十")
    return (_KANJI_DIGITS[tens] if tens else 1) * 10 + (_KANJI_DIGITS[ones] if ones else 0)


_NEWEST_SAID = re.compile(r"(?:いちばん|一番|最も|もっとも)新しい(?:の(?=[^でに]))?")
_SUSPENDED = re.compile(r"\b([a-z]+)- (and|or|to) ([a-z]+)-([a-z]+)\b")


_ASCII_WORD = re.compile(r"[a-z0-9]")


class Lexicon:
    """Every phrase of the lexicon file, matched longest-first without overlaps."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        # the words for each row are the lexicon's; its labels are the vocabulary's (labels once)
        self.rows: dict[str, RowWords] = {
            f: RowWords(f, *ANSWER_ROW_LABELS[f]) for f in data["rows"]
        }
        self.relative: dict[str, int] = {normalize(k): v for k, v in data["years"]["relative"].items()}
        self.shift: dict[str, int] = {normalize(k): v for k, v in data["years"]["shift"].items()}
        self.shorthand: dict[str, str] = {normalize(k): v for k, v in data["shorthand"].items()}
        # an English word may have several Japanese renderings (jobs = 就職, 就労, 雇用): a list
        self.english: dict[str, tuple[str, ...]] = {
            normalize(k): (v,) if isinstance(v, str) else tuple(v) for k, v in data["english"].items()}
        self.generic_parts: frozenset[str] = frozenset(data["generic"]["name_parts"])
        self.measure_nouns: frozenset[str] = frozenset(data["generic"]["measure_nouns"])
        # each character of a contrast pair, and the characters it turns into (小 → 大, 中)
        self.contrasts: dict[str, tuple[str, ...]] = {}
        for a, b in data["generic"]["contrasts"]:
            self.contrasts[a] = (*self.contrasts.get(a, ()), b)
            self.contrasts[b] = (*self.contrasts.get(b, ()), a)
        self.narrowing: tuple[tuple[str, ...], ...] = tuple(
            tuple(normalize(w) for w in group) for group in data["generic"]["narrowing"])
        self.function_words: frozenset[str] = frozenset(
            normalize(w) for w in data["function_words"]["ja"] + data["function_words"]["en"]
        )
        self.cues: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in data["cues"].items()}
        self.results: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in data["results"].items()}
        # regex alternations (longest first) for the patterns that read 「他市の」 "other cities'"
        self.municipality_ja, self.municipality_en = (
            "(?:" + "|".join(sorted(map(re.escape, data["municipality"][lang]), key=len, reverse=True)) + ")"
            for lang in ("ja", "en"))
        # a verb → the words a row it counts may hold (「来た人」 are 参加者, 来場者 or 入込客)
        self.predicates: dict[str, tuple[str, ...]] = {
            normalize(k): (v,) if isinstance(v, str) else tuple(v) for k, v in data["predicates"].items()}
        phrases: dict[str, tuple[str, str]] = {}

        def add(words: list[str], group: str, key: str) -> None:
            for w in words:
                phrases.setdefault(normalize(w), (group, key))

        for f, v in data["rows"].items():
            add(v["ja"] + v["en"], "row", f)
        add(data["money"]["ja"] + data["money"]["en"], "money", "money")
        add(data["revenue"]["ja"] + data["revenue"]["en"], "revenue", "revenue")
        for key, v in data["evaluation"].items():
            if key not in ("primary", "secondary"):
                add(v["ja"] + v["en"], "eval", key)
        for key in ("primary", "secondary"):
            v = data["evaluation"][key]
            add(v["ja"] + v["en"], "stage", key)
        for key, v in data["sections"].items():
            add(v["ja"] + v["en"], "section", key)
        for key, v in data["measures"].items():
            add(v["ja"] + v["en"], "measure", key)
        for key, v in data["ops"].items():
            add(v["ja"] + v["en"], "op", key)
        for key, v in data["comparators"].items():
            add(v["ja"] + v["en"], "comparator", key)
        for key, words in data["results"].items():
            add(list(words), "result", key)
        for w in self.relative:
            phrases.setdefault(w, ("relative", w))
        for w in self.shift:
            phrases[w] = ("shift", w)  # 「その前年」 is a shift before it is a 前年
        # the printed section labels name their sections (「総事業費（事業費・人件費）分析結果」)
        from ingest.model import SECTION_LABELS

        for key, label in SECTION_LABELS.items():
            if key != "other":
                phrases.setdefault(normalize(label), ("section", key))
        self.phrases = phrases
        self._speller = Speller(phrases)
        # function words a lexicon phrase may sit inside (どれくらい holds どれ): checked on every hit
        self._long_function_words = tuple(w for w in self.function_words if len(w) >= 4 and not w.isascii()
                                          and any(p in w and p != w for p in ("どれ", "どの", "何", "いつ")))
        # function words a phrase may begin inside (突き|合わせて, 間|違い, マーク|ダウン): that phrase is
        # part of the longer word; an amount's comparator (1万円|未満) stays a comparator
        shadowing = sorted((w for w in self.function_words if len(w) >= 3 and not w.isascii()
                            and not w.endswith(("未満", "以下", "以上", "超"))), key=len, reverse=True)
        # every place one starts, with the longest one there (a lookahead: they may overlap)
        self._shadowing = re.compile("(?=(" + "|".join(map(re.escape, shadowing)) + "))") if shadowing else None
        self._directions = {k: tuple(normalize(w) for w in v["ja"] + v["en"]) for k, v in data["directions"].items()}
        ordered = sorted(phrases, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(p) for p in ordered))

    def find(self, norm: str) -> list[Hit]:
        """Every lexicon phrase in ``norm`` (a :func:`normalize`\\ d question), leftmost-longest.

        An English phrase must stand as whole words (「cost」 is not inside 「costume」)."""
        out: list[Hit] = []
        inside = self._inside_shadowing(norm)
        pos = 0
        while pos < len(norm):
            m = self._pattern.search(norm, pos)
            if m is None:
                break
            start, end = m.span()
            word = m.group(0)
            if _ASCII_WORD.match(word[0]) and start > 0 and _ASCII_WORD.match(norm[start - 1]) or (
                    _ASCII_WORD.match(word[-1]) and end < len(norm) and _ASCII_WORD.match(norm[end])):
                # inside a longer English word: try the next start
                pos = start + 1
                continue
            if _KATAKANA.fullmatch(word) and (start > 0 and _KATAKANA.match(norm[start - 1])
                                              or end < len(norm) and _KATAKANA.match(norm[end])):
                pos = start + 1  # シェア of シェアサイクル, アップ of アップロード: part of a longer word
                continue
            group, key = self.phrases[word]
            if group == "result" and re.match(r"[一-龥]", word) and (
                    end < len(norm) and re.match(r"[一-龥]", norm[end])
                    # 廃止理由: the result's reason; 完了扱い, 継続決定: the result, as it was treated
                    and not norm.startswith(("以外", "以上", "理由", "判断", "決定", "扱い", "扱", "判定", "評価"), end)
                    or start > 0 and re.match(r"[一-龥]", norm[start - 1]) and norm[start - 1] not in "が"):
                pos = start + 1  # 完了率, 継続事業, 改善策: part of another word, not a result
                continue
            if self._inside_function_word(norm, start, end) or start in inside:
                pos = start + 1  # 「どれくらい」 asks an amount: its どれ asks for no list
                continue
            out.append(Hit(start, end, group, key, word))
            pos = end
        return out

    def _inside_shadowing(self, norm: str) -> set[int]:
        """The positions a longer function word starts before and runs past (a phrase beginning there
        is part of that word)."""
        if self._shadowing is None:
            return set()
        return {i for m in self._shadowing.finditer(norm) for i in range(m.start() + 1, m.start() + len(m.group(1)))}

    def _inside_function_word(self, norm: str, start: int, end: int) -> bool:
        """The phrase at ``[start, end)`` is part of a longer function word (どれくらい, どのくらい)."""
        for fw in self._long_function_words:
            i = norm.find(fw, max(0, start - len(fw) + 1), end + len(fw))
            while 0 <= i < end:
                # the function word covers the phrase, or starts inside it and runs past its end
                if (i <= start and i + len(fw) >= end) or (start <= i and i + len(fw) > end):
                    return True
                i = norm.find(fw, i + 1, end + len(fw))
        return False

    def respell(self, norm: str) -> str:
        """Hiragana typed for a lexicon word (けいかくひ → 計画比, じっせき → 実績): the word, by its reading."""
        return self._speller.respell(norm)

    def direction(self, norm: str) -> str | None:
        """up / down when the question asserts one (「増えた理由」), else None."""
        found = [k for k, words in self._directions.items() if any(_word_in(w, norm) for w in words)]
        return found[0] if len(found) == 1 else None

    def row_label(self, field: str, lang: str = "ja") -> str:
        r = self.rows[field]
        return r.label if lang == "ja" else r.en_label


_KATAKANA = re.compile(r"[ァ-ヶー]+")


def _word_in(word: str, text: str) -> bool:
    if _ASCII_WORD.match(word[0]):
        return _whole_word(word).search(text) is not None
    return word in text


@lru_cache(maxsize=1 << 12)
def _whole_word(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])")


@cache
def lexicon() -> Lexicon:
    """The packaged lexicon (``assistant/lexicon.toml``), parsed once per process, with the general
    English glossary of ``glossary_en.toml`` and the Japanese one of ``glossary_ja.toml`` (everyday
    words → sheet words, and request words) under it (the lexicon's own entries win)."""
    files = resources.files("assistant")
    data = tomllib.loads(files.joinpath("lexicon.toml").read_text(encoding="utf-8"))
    glossary = files.joinpath("glossary_en.toml")
    if glossary.is_file():
        general = tomllib.loads(glossary.read_text(encoding="utf-8")).get("english", {})
        # the lexicon's own rendering wins; the glossary's other renderings of the word stay beside it
        merged = dict(general)
        for k, v in data["english"].items():
            own = [v] if isinstance(v, str) else list(v)
            more = general.get(k, [])
            merged[k] = own + [x for x in ([more] if isinstance(more, str) else more) if x not in own]
        data["english"] = merged
    # questions are matched with hyphens read as spaces (``link.english_words``); so are the keys
    data["english"] = {k.replace("-", " "): v for k, v in data["english"].items()}
    glossary_ja = files.joinpath("glossary_ja.toml")
    if glossary_ja.is_file():
        general_ja = tomllib.loads(glossary_ja.read_text(encoding="utf-8"))
        # everyday words → sheet words, under the lexicon's own shorthand (its entries win); spelled
        # out longest key first, so 「がん健診」 is read before the 健診 inside it
        shorthand = {**general_ja.get("shorthand", {}), **data["shorthand"]}
        data["shorthand"] = dict(sorted(shorthand.items(), key=lambda kv: -len(normalize(kv[0]))))
        own = data["function_words"]["ja"]
        mine = set(own)
        more = [w for w in dict.fromkeys(general_ja.get("function_words", {}).get("ja", [])) if w not in mine]
        data["function_words"]["ja"] = own + more
    return Lexicon(data)
