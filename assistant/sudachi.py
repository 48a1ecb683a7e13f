"""One Sudachi dictionary per process, one tokenizer per thread: shared by keyword retrieval
(:mod:`assistant.retrieve`) and question linking (:mod:`assistant.link`).

Opening the dictionary takes about a second; a tokenizer must not be shared between threads.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

DROP_POS = frozenset({"助詞", "助動詞", "補助記号", "空白"})

_dict_lock = threading.Lock()
_dictionary: Any = None
_drop_ids: frozenset[int] = frozenset()
_local = threading.local()


def dictionary() -> tuple[Any, frozenset[int]]:
    """The process's Sudachi dictionary (sudachidict-core) and the POS ids of particles,
    auxiliaries, symbols and spaces."""
    global _dictionary, _drop_ids
    if _dictionary is None:
        with _dict_lock:
            if _dictionary is None:
                from sudachipy import Dictionary

                d = Dictionary(dict="core")
                drop = set()
                i = 0
                while (pos := d.pos_of(i)) is not None:
                    if pos[0] in DROP_POS:
                        drop.add(i)
                    i += 1
                _drop_ids = frozenset(drop)
                _dictionary = d
    return _dictionary, _drop_ids


def tokenizer() -> Any:
    """This thread's mode-C tokenizer."""
    tok = getattr(_local, "tokenizer", None)
    if tok is None:
        from sudachipy import SplitMode

        d, _ = dictionary()
        with _dict_lock:
            tok = d.tokenizer(SplitMode.C, fields={"pos", "normalized_form", "split_b", "reading_form"})
        _local.tokenizer = tok
    return tok


@dataclass(frozen=True)
class Token:
    """A morpheme of a short text (a question or a name) with its place in that text."""

    surface: str
    form: str  # normalized form, lower-cased
    pos: str  # 名詞, 動詞, 接尾辞 …
    start: int
    end: int
    parts: tuple[str, ...]  # mode-A pieces (normalized), when the word splits further
    reading: str = ""  # katakana

    @property
    def content(self) -> bool:
        return self.pos not in DROP_POS


def tokens(text: str) -> list[Token]:
    """Mode-C morphemes of ``text`` (already normalized), with offsets and mode-A pieces."""
    from sudachipy import SplitMode

    if not text:
        return []
    out = []
    for m in tokenizer().tokenize(text):
        parts = m.split(SplitMode.A)
        pieces = tuple(p.normalized_form().lower() for p in parts) if len(parts) > 1 else ()
        out.append(Token(m.surface(), m.normalized_form().strip().lower(), m.part_of_speech()[0],
                         m.begin(), m.end(), pieces, m.reading_form()))
    return out
