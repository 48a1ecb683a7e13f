"""One Sudachi dictionary per process, one tokenizer per thread: shared by keyword retrieval
(:mod:`assistant.retrieve`) and question linking (:mod:`assistant.link`).

Opening the dictionary takes about a second; a tokenizer must not be shared between threads.
"""

from __future__ import annotations

import functools
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


def tokenizer(short: bool = False) -> Any:
    """This thread's mode-C tokenizer (``short``: its mode-A one). Two tokenizers, not one with a
    mode per call: a call in another mode changes what the tokenizer's later morphemes split into,
    and an answer must not depend on the questions asked before it."""
    # The mode-C tokenizer loads no split_a field, so its morphemes do not split (Token.parts stays
    # empty): loading it was measured to link worse (tune split 927 → 923 right).
    name = "short" if short else "tokenizer"
    tok = getattr(_local, name, None)
    if tok is None:
        from sudachipy import SplitMode

        d, _ = dictionary()
        with _dict_lock:
            fields = {"pos", "normalized_form", "reading_form", "synonym_group_ids"}
            tok = (d.tokenizer(SplitMode.A, fields=fields | {"split_a"}) if short
                   else d.tokenizer(SplitMode.C, fields=fields | {"split_b"}))
        setattr(_local, name, tok)
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
    synonyms: tuple[int, ...] = ()  # Sudachi's synonym groups (子ども and 児童 share one)

    @property
    def content(self) -> bool:
        return self.pos not in DROP_POS


def tokens(text: str, short: bool = False) -> list[Token]:
    """Mode-C morphemes of ``text`` (already normalized), with offsets and mode-A pieces;
    ``short``: the mode-A morphemes themselves (参加者数 → 参加, 者, 数)."""
    return list(_tokens(text, short)) if text else []


def forget() -> None:
    """Drop the kept tokenizations (a benchmark that repeats its questions pays for them again)."""
    _tokens.cache_clear()


@functools.lru_cache(maxsize=50_000)
def _tokens(text: str, short: bool) -> tuple[Token, ...]:
    # Kept: one answer reads the same names and words many times over (a project's name for each
    # linking step, a question's pieces for each spelling), and a tokenizer's output depends on the
    # text alone (one tokenizer per mode: see tokenizer). Tokens are frozen.
    from sudachipy import SplitMode

    out = []
    for m in tokenizer(short).tokenize(text):
        parts = m.split(SplitMode.A)
        pieces = tuple(p.normalized_form().lower() for p in parts) if len(parts) > 1 else ()
        out.append(Token(m.surface(), m.normalized_form().strip().lower(), m.part_of_speech()[0],
                         m.begin(), m.end(), pieces, m.reading_form(), tuple(m.synonym_group_ids())))
    return tuple(out)
