"""English words in Japanese, from JMdict: for the English words of a question the glossary lacks.

The glossary (glossary_en.toml) carries the words staff use; English questions go beyond it
("the flood countermeasures project" for 浸水対策事業, "support staff placement" for 配置).
JMdict — the Electronic Dictionary Research and Development Group's Japanese–English dictionary
(CC BY-SA 4.0), installed as the ``jamdict-data`` package (an SQLite file; nothing is fetched at
run time) — gives the Japanese words of an English one. Its senses are many, so its words name a
project only where they explain the words before "project" better than the glossary did
(``query``), and otherwise only keep an English word the sheets do write from counting as absent
(``link.unexplained``).

The table (each English gloss → its Japanese words) is read out of the SQLite file once and kept
as a small JSON file in the user's cache folder. Without the package the dictionary is empty.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from assistant.kana import katakana

MAX_WORDS = 12  # Japanese words kept for one English gloss: common entries and first senses first
_FIRST_SENSES = 3  # a word's later senses are rarer meanings (promotion → 昇進 before 主催)
_MAX_GLOSS_WORDS = 3
_JAPANESE_WORD = re.compile(r"[一-龥々ァ-ヶー]{2,}")  # nouns as names print them (no kana verbs, no one-kanji words)
_TABLE_VERSION = {"en": 2, "ja": 1}  # each table's own: a change to one rebuilds that one only
_lock = threading.Lock()


def key(english: str) -> str:
    """An English word or phrase as the table keys it: lower case, no brackets, no leading
    to/a/the, hyphens as spaces, each word singular (countermeasures → countermeasure)."""
    text = re.sub(r"\([^)]*\)", " ", english.lower())
    text = re.sub(r"[^a-z -]", " ", text.replace("'s", "")).replace("-", " ")
    words = text.split()
    while words and words[0] in ("to", "a", "an", "the"):
        words = words[1:]
    return " ".join(_singular(w) for w in words)


_SAME_IN_BOTH = frozenset({"news", "means", "series", "species", "goods", "physics", "economics", "statistics",
                           "politics", "ethics", "headquarters", "premises", "thanks", "savings", "earnings"})


def without_plural(word: str) -> str:
    """A lower-case English noun without its plural ending (donations → donation, facilities →
    facility); words that end so in the singular (status, analysis) stay."""
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("xes", "x"), ("ches", "ch"), ("shes", "sh"), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith(("ss", "us", "is")):
            return word[: -len(suffix)] + repl
    return word


def _singular(word: str) -> str:
    return word if word in _SAME_IN_BOTH else without_plural(word)  # 手段 is "means", not "mean"


def _source() -> Path | None:
    try:
        import jamdict_data  # type: ignore[import-untyped]
    except ImportError:
        return None
    path = Path(jamdict_data.JAMDICT_DB_PATH)
    return path if path.is_file() else None


def _cache_file(source: Path, kind: str = "en") -> Path:
    root = Path(os.environ.get("SHEETQA_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "sheetqa" / f"jmdict-{kind}-v{_TABLE_VERSION[kind]}-{source.stat().st_size}.json.gz"


def _read_only(source: Path) -> sqlite3.Connection:
    return sqlite3.connect(source.as_uri() + "?mode=ro", uri=True)


def _build(source: Path) -> dict[str, list[str]]:
    """Every short English gloss of JMdict's first senses → the entries' kanji (or katakana) words."""
    db = _read_only(source)
    try:
        common = {i for (i,) in db.execute("SELECT DISTINCT k.idseq FROM Kanji k JOIN KJP p ON p.kid = k.ID")}
        words: dict[int, list[str]] = defaultdict(list)
        for idseq, text in db.execute("SELECT idseq, text FROM Kanji ORDER BY ID"):
            words[idseq].append(text)
        for idseq, text in db.execute("SELECT idseq, text FROM Kana ORDER BY ID"):
            if idseq not in words or words[idseq] and all(re.fullmatch(r"[ァ-ヶー]+", w) for w in words[idseq]):
                words[idseq].append(text)  # a loanword written in katakana only
        position: dict[int, tuple[int, int]] = {}
        count: dict[int, int] = defaultdict(int)
        for sid, idseq in db.execute("SELECT ID, idseq FROM Sense ORDER BY ID"):
            position[sid] = (idseq, count[idseq])
            count[idseq] += 1
        ranked: dict[str, list[tuple[bool, int, int]]] = defaultdict(list)
        for sid, text in db.execute("SELECT sid, text FROM SenseGloss WHERE lang = 'eng'"):
            idseq, n = position[sid]
            k = key(text)
            if n < _FIRST_SENSES and k and len(k.split()) <= _MAX_GLOSS_WORDS:
                ranked[k].append((idseq not in common, n, idseq))
    finally:
        db.close()
    table: dict[str, list[str]] = {}
    for k, entries in ranked.items():
        out: list[str] = []
        for _, _, idseq in sorted(set(entries)):
            out += [w for w in words.get(idseq, [])[:3] if _JAPANESE_WORD.fullmatch(w) and w not in out]
        if out:
            table[k] = out[:MAX_WORDS]
    return table


def _build_reverse(source: Path) -> dict[str, list[str]]:
    """Every kanji word of JMdict → the English glosses of its first senses, as :func:`key` keys them
    (鳥獣 → "bird and wild animal", "wildlife")."""
    db = _read_only(source)
    try:
        words: dict[int, list[str]] = defaultdict(list)
        for idseq, text in db.execute("SELECT idseq, text FROM Kanji ORDER BY ID"):
            if _JAPANESE_WORD.fullmatch(text):
                words[idseq].append(text)
        first: dict[int, int] = {}  # sense id → its idseq, first senses only
        count: dict[int, int] = defaultdict(int)
        for sid, idseq in db.execute("SELECT ID, idseq FROM Sense ORDER BY ID"):
            if idseq in words and count[idseq] < _FIRST_SENSES:
                first[sid] = idseq
            count[idseq] += 1
        table: dict[str, list[str]] = defaultdict(list)
        for sid, text in db.execute("SELECT sid, text FROM SenseGloss WHERE lang = 'eng'"):
            if sid not in first or not (k := key(text)) or len(k.split()) > _MAX_GLOSS_WORDS + 1:
                continue  # (a definition, not a gloss: "fields and rice paddies that have been abandoned …")
            for w in words[first[sid]]:
                if k not in table[w]:
                    table[w].append(k)
    finally:
        db.close()
    return dict(table)


@lru_cache(maxsize=1)
def _table() -> dict[str, list[str]]:
    return _cached_table("en", _build)


@lru_cache(maxsize=1)
def _reverse() -> dict[str, list[str]]:
    return _cached_table("ja", _build_reverse)


def _cached_table(kind: str, build: Callable[[Path], dict[str, list[str]]]) -> dict[str, list[str]]:
    """A table read out of JMdict once and kept in the cache folder (built again when missing or damaged)."""
    source = _source()
    if source is None:
        return {}
    cached = _cache_file(source, kind)
    with _lock:
        try:
            loaded = json.loads(gzip.decompress(cached.read_bytes()))
            if isinstance(loaded, dict):
                return loaded
        except Exception:  # noqa: BLE001 — a missing, truncated or corrupt cache is built again
            pass
        try:
            table = build(source)
        except sqlite3.Error:
            return {}  # a database of another layout: no dictionary, as without the package
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        try:  # a cache folder that cannot be written only costs the build again next time
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(gzip.compress(json.dumps(table, ensure_ascii=False).encode("utf-8")))
            tmp.replace(cached)
        except OSError:
            tmp.unlink(missing_ok=True)
        return table


@lru_cache(maxsize=256)
def place_readings(name: str) -> tuple[str, ...]:
    """The readings JMnedict (in the same package) gives a place or family name, in katakana: a city's
    name as an English question may spell it (南原 → ナンバラ, ミナミハラ …). () when unknown."""
    source = _source()
    if source is None or not name:
        return ()
    try:
        db = _read_only(source)
        try:  # (sqlite3's own context manager commits, it does not close)
            rows = db.execute("SELECT k.text FROM NEKanji j JOIN NEKana k ON j.idseq = k.idseq WHERE j.text = ?",
                              (name,)).fetchall()
        finally:
            db.close()
    except sqlite3.Error:
        return ()
    return tuple(dict.fromkeys(katakana(r[0]) for r in rows))  # the romaji table reads katakana


_GLOSS_STOP = frozenset({"and", "or", "of", "the", "a", "an", "for", "to", "in", "on", "with", "by", "as", "at", "from",
                         "e", "g", "eg", "etc", "one", "someone", "something", "being", "be", "that", "which", "no",
                         "not", "have", "been", "are", "is", "its", "it", "esp", "especially", "type", "kind"})


def english_of(word: str, words: bool = True) -> tuple[str, ...]:
    """The English a Japanese word is glossed with in JMdict's first senses, as the table keys it:
    each gloss whole and (``words``) its content words (鳥獣 → "bird and wild animal", "bird", "wild",
    "animal", "wildlife"). The other way round from :func:`japanese_words`: a name's own words say
    what English reaches them. () when unknown."""
    out: dict[str, None] = {}
    for gloss in _reverse().get(word, ()):
        out[gloss] = None
        for w in gloss.split() if words else ():
            if len(w) >= 3 and w not in _GLOSS_STOP:
                out[w] = None
    return tuple(out)


def known_word(word: str) -> bool:
    """JMdict has a kanji word written so (用水, 愛護; not 路)."""
    return word in _reverse()


def available() -> bool:
    """Whether JMdict is installed."""
    return _source() is not None


@lru_cache(maxsize=1 << 14)
def japanese_words(*spellings: str) -> tuple[str, ...]:
    """The Japanese words JMdict gives for an English word or phrase written as any of
    ``spellings`` ("special needs", "first-aid", "countermeasures"): kanji or katakana words,
    common entries and first senses first. () when unknown."""
    table = _table()
    out: list[str] = []
    for k in dict.fromkeys(key(s) for s in spellings if s):
        for form in (k, *_verb_bases(k)):  # "repaired" → repair, "signed up" → sign up
            if form in table:
                out += [w for w in table[form] if w not in out]
                break
    return tuple(out[:MAX_WORDS])


def _verb_bases(phrase: str) -> tuple[str, ...]:
    """The base forms a past tense or participle may have, first word only (JMdict glosses verbs so)."""
    first, _, rest = phrase.partition(" ")
    tail = f" {rest}" if rest else ""
    if first.endswith("ied") and len(first) > 4:
        return (first[:-3] + "y" + tail,)
    if first.endswith("ed") and len(first) > 4:
        return (first[:-2] + tail, first[:-1] + tail, first[:-3] + tail if first[-3] == first[-4] else first[:-2] + tail)
    return ()
