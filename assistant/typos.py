"""English words typed one letter wrong ("libary"): the glossary's word one edit away, where no
dictionary knows the word as typed and only one word is that near. Names said in capitals
(Nakagawa, Kikuta) and inflected words ("halved", "reads") are left as they are."""

from __future__ import annotations

import re
from functools import cache

from assistant.dictionary import japanese_words, without_plural
from assistant.lexicon import lexicon

MIN_LENGTH = 5  # shorter words are one letter from too many others


@cache
def _vocabulary() -> dict[int, frozenset[str]]:
    """The glossary's English words (what sheets are about, never a question word: "halted" is no
    correction of "halved"), by length."""
    words = {w for phrase in lexicon().english if phrase.isascii() for w in re.findall(r"[a-z]+", phrase)}
    by_length: dict[int, set[str]] = {}
    for w in words:
        by_length.setdefault(len(w), set()).add(w)
    return {n: frozenset(ws) for n, ws in by_length.items()}


def _one_edit(a: str, b: str) -> bool:
    """``a`` and ``b`` differ by one letter added, dropped, changed, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] \
            and a[diff[1]] == b[diff[0]]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k in range(len(short)) if short[k] != long_[k]), len(short))
    return short[i:] == long_[i + 1:]


_ENDINGS = re.compile(r"(?:ed|d|es|s|ing|er|est|ly)$")
_INFLECTED = re.compile(r"(?:ed|s|ing|er|est|ly)$")


@cache
def _known(word: str) -> bool:
    """A word English dictionaries have (Sudachi's loanwords, JMdict's glosses, the lexicon), as typed,
    without a plural, or without an ending (the inflections themselves never reach here: see ``retype``)."""
    from assistant.sudachi import tokens

    lex = lexicon()
    stems = {word, without_plural(word), *(_ENDINGS.sub("", word), _ENDINGS.sub("", word) + "e")}
    for w in stems:
        if len(w) < 3:
            continue
        found = tokens(w)
        if w in lex.function_words or w in lex.english or w in lex.phrases or japanese_words(w) \
                or len(found) == 1 and found[0].form != w:
            return True
    return any(w in _vocabulary().get(len(w), ()) for w in stems)


def retype(norm: str, text: str) -> str:
    """``norm`` (a normalized English question) with each mistyped word spelled as the vocabulary does."""
    capitalized = {w.lower() for w in re.findall(r"\b[A-Z][a-zA-Z]+", text)}
    vocab = _vocabulary()

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        if len(word) < MIN_LENGTH or word in capitalized or _INFLECTED.search(word) or _known(word):
            return word  # (an inflected word — "reads", "halved" — is a verb or plural no dictionary here holds)
        near = [w for n in (len(word) - 1, len(word), len(word) + 1) for w in vocab.get(n, ()) if _one_edit(word, w)]
        return near[0] if len(near) == 1 else word

    return re.sub(r"[a-z]+", fix, norm)
