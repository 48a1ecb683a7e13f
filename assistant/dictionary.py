"""English words in Japanese, from JMdict: for naming a project in English words the glossary lacks.

The glossary (glossary_en.toml) carries the words staff use; a project named in an English
question is often a paraphrase beyond it ("the flood countermeasures project" for 浸水対策事業,
"e-contract introduction" for 電子契約導入事業). JMdict — the Electronic Dictionary Research and
Development Group's Japanese–English dictionary (CC BY-SA 4.0), installed as the ``jamdict-data``
package (an SQLite file; no download at run time) — gives the Japanese words of each English one.
Its senses are many, so its words only ever link a project's name (``query``), never a row.

Without the package the dictionary is empty: English questions then rely on the glossary alone.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from functools import lru_cache
from pathlib import Path

MAX_WORDS = 12  # Japanese words kept for one English word: the common ones, first senses first
_FIRST_SENSES = 3  # a word's later senses are rarer meanings (promotion → 昇進 before 主催)
_JAPANESE_WORD = re.compile(r"[一-龥々ァ-ヶー]{2,}")  # nouns as names print them (no kana verbs, no one-kanji words)
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _database() -> sqlite3.Connection | None:
    try:
        import jamdict_data  # type: ignore[import-untyped]
    except ImportError:
        return None
    path = Path(jamdict_data.JAMDICT_DB_PATH)
    if not path.is_file():
        return None
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)


def available() -> bool:
    """Whether JMdict is installed."""
    return _database() is not None


@lru_cache(maxsize=1 << 14)
def japanese_words(*spellings: str) -> tuple[str, ...]:
    """The Japanese words JMdict gives for an English word or phrase, as any of ``spellings``
    (lower case: "special needs", "first-aid", "countermeasure"): written forms of kanji or
    katakana, common words and first senses first. () when unknown."""
    db = _database()
    glosses = [g for s in spellings if s for g in (s, f"to {s}")]
    if db is None or not glosses:
        return ()
    with _lock:
        senses = db.execute(
            "SELECT s.idseq, s.ID FROM SenseGloss g INDEXED BY SenseGloss_text JOIN Sense s ON s.ID = g.sid "
            f"WHERE g.text IN ({', '.join('?' * len(glosses))}) AND g.lang = 'eng'", glosses).fetchall()
        ranked: list[tuple[bool, int, int]] = []
        for idseq, sid in senses:
            position = db.execute("SELECT COUNT(*) FROM Sense WHERE idseq = ? AND ID < ?", (idseq, sid)).fetchone()[0]
            if position >= _FIRST_SENSES:
                continue
            common = db.execute("SELECT 1 FROM Kanji k JOIN KJP p ON p.kid = k.ID WHERE k.idseq = ? LIMIT 1",
                                (idseq,)).fetchone() is not None
            ranked.append((not common, position, idseq))
        words: list[str] = []
        for _, _, idseq in sorted(ranked):
            forms = [t for (t,) in db.execute("SELECT text FROM Kanji WHERE idseq = ? ORDER BY ID", (idseq,))] or [
                t for (t,) in db.execute("SELECT text FROM Kana WHERE idseq = ? ORDER BY ID", (idseq,))]
            words += [w for w in forms[:3] if _JAPANESE_WORD.fullmatch(w) and w not in words]
    return tuple(words[:MAX_WORDS])
