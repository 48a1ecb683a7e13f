"""Words typed in hiragana, spelled as printed: 「けいかくひ」→計画比, 「じどうクラブのせっちすう」→
児童クラブの設置数. A :class:`Speller` knows the readings (by Sudachi) of a vocabulary's kanji
words — the lexicon's question words, or the names a store holds — and respells the hiragana
runs of a question that read as one of them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_HIRAGANA_RUN = re.compile(r"[ぁ-ゖ][ぁ-ゖー]{2,}")  # なんぱーせんと: the long-vowel mark inside a run
_TO_KATAKANA = str.maketrans({chr(c): chr(c + 0x60) for c in range(0x3041, 0x3097)})
_KANJI_WORD = re.compile(r"[一-龥ァ-ヶー・]{2,}")
_KANJI_RUN = re.compile(r"[一-龥々]{3,12}")
_PARTICLES = ("って", "の", "は", "が", "を", "に", "で", "と", "も", "へ", "や", "か")
MIN_KANA = 3  # morae: shorter readings are too often part of other words (ショウ of でしょうか is no 小)
_SMALL = frozenset("ァィゥェォャュョヮ")
_KANJI_KANA = re.compile(r"([一-龥]{1,8})([ぁ-ゖ][ぁ-ゖー]+)")
_KANA_KANJI = re.compile(r"((?<![ぁ-ゖ])[ぁ-ゖ][ぁ-ゖー]+)([一-龥]{1,8})")


@lru_cache(maxsize=1 << 14)
def _readings_of(kanji: str) -> frozenset[str]:
    """How Sudachi reads a kanji alone, or as the end or start of a word where it keeps it whole
    (標 and 票: ヒョウ; 率: リツ). The kanji compared is the one that differs: 投標率 read whole is
    ナゲヒョウリツ, no 投票率, but its 標 reads as 票 does."""
    from assistant.sudachi import tokens

    out = set()
    for text, at in ((kanji, 0), ("大" + kanji, 1), (kanji + "者", 0)):
        toks = tokens(text)
        if len(toks) == len(text):
            out.add(toks[at].reading)
    return frozenset(r for r in out if r)


@lru_cache(maxsize=1 << 12)
def kanji_by_kanji(word: str) -> str | None:
    """A coined two-kanji word read one kanji at a time (楽都 → ラクト, which Sudachi reads ガクト): how
    someone who knows each kanji, not the word, spells it in Latin letters. None for a word JMdict
    knows (行政 is ギョウセイ, never コウセイ) or a name JMnedict reads (郡山), and when a kanji has no kana
    reading."""
    from assistant.dictionary import known_word, place_readings

    if not re.fullmatch(r"[一-龥]{2}", word) or known_word(word) or place_readings(word):
        return None
    parts = [sorted(_readings_of(k)) for k in word]
    if not all(p and re.fullmatch(r"[ァ-ヶー]+", p[0]) for p in parts):
        return None
    return "".join(p[0] for p in parts)


def _reads_alike(a: str, b: str) -> bool:
    return bool(_readings_of(a) & _readings_of(b))


def _fold(kana: str) -> str:
    return kana.replace("ッ", "ツ")


def morae(kana: str) -> int:
    """The beats of a katakana reading: ショウ is two, ジッセキ four (a small ャ/ョ joins the beat before)."""
    return sum(ch not in _SMALL for ch in kana)


def katakana(text: str) -> str:
    return text.translate(_TO_KATAKANA)


class Speller:
    """Readings of ``phrases`` (kanji compounds only: 無かった would turn every なかった into itself).

    ``strict``: a respelled word must end the run, or be followed by a particle or another word
    (「していない」 is no 指定+ない); the lexicon's own question words may be followed by anything
    (「じっせきどのくらい」)."""

    def __init__(self, phrases: Iterable[str], strict: bool = False,
                 readings: dict[str, str] | None = None, verbatim: Iterable[str] = (), words: Iterable[str] = ()) -> None:
        self.strict = strict
        self.verbatim = frozenset(verbatim)  # hiragana the vocabulary itself writes (こども of こども部)
        self._phrases = list(phrases)
        self._readings: dict[str, str] | None = readings  # katakana reading → word, when already known
        self._folded: dict[str, str] | None = None
        self._surfaces: str | None = None  # the vocabulary's words, one a line (for 「is the run a piece of one」)
        self._masked: dict[str, list[str]] | None = None  # 耐震化?: the kanji words with one place open
        self._spoken: dict[str, str] | None = None  # word → its reading
        # every spelling of the vocabulary (two may read alike: 補修件数, 補習件数)
        self.words = (*words, *self._phrases)

    @property
    def readings(self) -> dict[str, str]:
        if self._readings is None:
            from assistant.sudachi import tokens

            readings: dict[str, str] = {}
            for phrase in self._phrases:
                # kanji compounds; for a store's names also katakana words (おんらいん → オンライン)
                if _KANJI_WORD.fullmatch(phrase) and (re.search(r"[一-龥]", phrase) or self.strict):
                    kana = "".join(t.reading for t in tokens(phrase))
                    if morae(kana) >= MIN_KANA:
                        readings.setdefault(kana, phrase)
            self._readings = readings
        return self._readings

    def respell(self, norm: str) -> str:
        norm = self.homophones(norm)
        if re.search(r"[一-龥][ぁ-ゖ]{2}|[ぁ-ゖ]{2}[一-龥]", norm):
            norm = self._mixed(norm)
        if not _HIRAGANA_RUN.search(norm):
            return norm
        return _HIRAGANA_RUN.sub(lambda m: self._run(norm, m), norm)

    def homophones(self, norm: str) -> str:
        """A compound typed with one kanji of the same sound as the vocabulary's (耐震化律 for 耐震化率,
        一般材源 for 一般財源, 投標率 for 投票率: the IME's wrong conversion) is the vocabulary's word.
        Only where the compound as typed is no word of the vocabulary (補習件数 beside 補修件数 stays)
        nor of its own (使用料 is no 使用量: the lexicon and JMdict know it), one kanji alone differs
        (公園数 is no 講演数), the piece starts a word (文書管理's 書管理 is no 所管理), and the kanji is
        read alike in the whole word, or alone where it is no part of a word of its own (用水路 is no
        用水道, though 路 and 道 are both ミチ)."""
        runs = list(_KANJI_RUN.finditer(norm))
        if not runs or not self.readings:
            return norm
        from assistant.dictionary import known_word
        from assistant.lexicon import lexicon
        from assistant.sudachi import tokens

        if self._masked is None:
            every = dict.fromkeys([*self.readings.values(), *self.words])
            self._surfaces = "\n".join(every)
            self._spoken = {word: kana for kana, word in self.readings.items()}
            self._masked = {}
            for word in every:
                if _KANJI_RUN.fullmatch(word):
                    for i in range(len(word)):
                        self._masked.setdefault(word[:i] + "?" + word[i + 1:], []).append(word)
        masked, spoken = self._masked, self._spoken or {}

        def sounded(piece: str) -> str | None:
            """The vocabulary's word that ``piece`` is with one kanji read alike, if one only."""
            if known_word(piece) or piece in lexicon().phrases:
                return None
            near = {w: i for i in range(len(piece)) for w in masked.get(piece[:i] + "?" + piece[i + 1:], ())}
            if not near:
                return None
            toks = tokens(piece)
            whole = "".join(t.reading for t in toks)
            # the kanji's own words in the piece (用水路 of 用水路整備): a kanji inside one is no slip
            worded = {j for t in toks if len(t.surface) >= 2 and known_word(t.surface) for j in range(t.start, t.end)}
            found = [w for w, i in near.items()
                     if spoken.get(w) == whole or i not in worded and _reads_alike(piece[i], w[i])]
            return found[0] if len(found) == 1 else None

        for m in runs[::-1]:
            run = m.group(0)
            if run in (self._surfaces or "") or m.start() > 0 and norm[m.start() - 1].isdigit():
                continue  # (「10回開催」: a counter, then a word)
            starts = {t.start for t in tokens(run)}  # where the run's words begin
            # the longest end of the run that is a word of the vocabulary so (「下水道管路耐震化律」)
            for size in range(len(run), 2, -1):
                if len(run) - size in starts and (meant := sounded(run[len(run) - size:])) is not None:
                    norm = norm[:m.end() - size] + meant + norm[m.end():]
                    break
        return norm

    @property
    def folded(self) -> dict[str, str]:
        """The readings with a doubled consonant read as the kanji reads alone (ジッセキ → ジツセキ)."""
        if self._folded is None:
            self._folded = {}
            for kana, word in self.readings.items():
                self._folded.setdefault(_fold(kana), word)
        return self._folded

    def _mixed(self, norm: str) -> str:
        """A word typed half in kanji, half in hiragana (実せき, けいやく検査課): the kanji's reading
        and the hiragana together read as a word whose own kanji are the ones typed."""
        from assistant.sudachi import tokens

        def read(kanji: str) -> str:
            return "".join(t.reading for t in tokens(kanji))

        for m in list(_KANJI_KANA.finditer(norm))[::-1]:  # 実せき: the kanji begin the word
            kanji, kana = m.group(1), m.group(2)
            if any(w in kana for w in self.verbatim):
                continue
            found = next(((k, h, word) for k in range(min(4, len(kanji)), 0, -1) for h in range(len(kana), 1, -1)
                          if len(key := _fold(read(kanji[-k:]) + katakana(kana[:h]))) >= 4
                          and (word := self.folded.get(key)) is not None and word.startswith(kanji[-k:])), None)
            if found:
                k, h, word = found
                start = m.start(1) + len(kanji) - k
                norm = norm[:start] + word + norm[m.start(2) + h:]
        for m in list(_KANA_KANJI.finditer(norm))[::-1]:  # けいやく検査課: the kanji end the word
            kana, kanji = m.group(1), m.group(2)
            if any(w in kana for w in self.verbatim):
                continue
            found = next(((h, k, word) for h in range(0, len(kana) - 1) for k in range(min(4, len(kanji)), 0, -1)
                          if len(key := _fold(katakana(kana[h:]) + read(kanji[:k]))) >= 5
                          and (word := self.folded.get(key)) is not None and word.endswith(kanji[:k])), None)
            if found:
                h, k, word = found
                norm = norm[:m.start(1) + h] + word + norm[m.start(2) + k:]
        return norm

    def _longest(self, kana: str, start: int) -> int:
        for end in range(len(kana), start + MIN_KANA - 1, -1):
            if kana[start:end] in self.readings:
                return end
        return -1

    def _run(self, norm: str, m: re.Match[str]) -> str:
        run = m.group(0)
        if any(w in run for w in self.verbatim):
            return run  # written as the names write it
        if norm.startswith(("市", "町", "村"), m.end()) and run[-1] not in "のがをはにでとも" \
                and (m.start() == 0 or not re.match(r"[一-龥]", norm[m.start() - 1])):
            return run  # a city's name (さいたま市, いわき市), never 最多ま市
        if m.start() > 0 and re.match(r"[一-龥]", norm[m.start() - 1]) and run[0] not in "のがをはにでとも":
            return run  # okurigana: 少なかった (but 件数のじっせき is a particle, then a word)
        kana = katakana(run)
        if not self.strict:
            for start in (0, 1) if run[0] in "がをはのにでとも" else (0,):
                end = self._longest(kana, start)
                if end > 0:
                    return run[:start] + self.readings[kana[start:end]] + run[end:]
            return run
        # words and particles in turn; a word must be followed by a particle, another word or the
        # run's end, and whatever follows a particle unread is kept as typed (「せっちすうってどのくらい」)
        out: list[tuple[str, int]] = []  # (as written now, kana consumed)
        i = 0
        if m.start() > 0 and re.match(r"[一-龥ァ-ヶ]", norm[m.start() - 1]) and run[0] in "のがをはにでとも":
            # after a noun, a particle first: 「橋のうち修繕」 is 橋 + の + うち, not 農地
            out.append((run[0], 1))
            i = 1
        while i < len(run):
            end = self._longest(kana, i)
            if end > 0:
                out.append((self.readings[kana[i:end]], end - i))
                i = end
                continue
            particle = next((p for p in _PARTICLES if run.startswith(p, i)), None)
            if particle is None:
                if out and out[-1][0] != run[i - out[-1][1]:i]:
                    i -= out.pop()[1]  # 「していない」: 指定 followed by ない is no word
                break
            out.append((particle, len(particle)))
            i += len(particle)
        return "".join(w for w, _ in out) + run[i:]
