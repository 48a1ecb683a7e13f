"""Answer-quality metrics: pure functions over answer text, gold values and sheet text.

Nothing here touches the store or the model: ``eval.run`` gathers the sheets' text and the gold
sheet ids, these functions only compare. Answers may be :class:`assistant.answer.Answer` objects
or their JSON dicts (``assistant ask --json``).

* numbers: every gold number must appear in the answer text. Both sides are compared as digits
  after NFKC (全角 → half width) with thousands commas removed, and a number only matches a whole
  number token: 685 does not match inside 1,685 or 685.5, 105.6 matches "105.6％" and "105.60".
  Signs are ignored (a decrease of 89,914 may be written −89,914 or "89,914千円減少"). A number
  written with 万/億 (31万6,799) also counts as the integer it spells.
* mentions: every must-mention term appears (NFKC, case-insensitive); a term that is a list means
  "any one of these"; a numeric term is matched like a gold number.
* citations: a quote is valid when it is a verbatim substring of its sheet's text (see
  :func:`sheet_text`). Surrounding whitespace is ignored; "…" (or "...") marks an elision: the
  pieces between must each be verbatim, in order.
* hit@k: the answer's first k citations (or, without a gold section, its first k facts) come from
  a gold sheet (and the gold section).
"""

from __future__ import annotations

import math
import re
import statistics
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

Term = str | Sequence[str]  # a term, or alternatives of which one must appear

_GROUP_COMMA = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?!\d)")
# 31万6799 / 1億2000万 / 5万: the integer the kanji units spell (an extra candidate, not a replacement)
_KANJI_NUMBER = re.compile(r"(?<![\d.])(?:(\d+)億)?(?:(\d+)万)?(\d{1,4}(?![\d千百十]))?")
_ELLIPSIS = re.compile(r"…+|\.{3,}|⋯+")


# ----------------------------------------------------------------------------- numbers


def normalize_number_text(text: str) -> str:
    """NFKC (全角数字・全角カンマ → ASCII) and thousands commas dropped: "３１６，７９９" → "316799"."""
    return _GROUP_COMMA.sub("", unicodedata.normalize("NFKC", text or ""))


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        d = Decimal(normalize_number_text(str(value)).strip().lstrip("+-−"))
    except InvalidOperation:
        return None
    return d


def number_tokens(text: str) -> set[Decimal]:
    """Every number written in ``text`` (normalized, signs dropped), plus the integers 万/億 spell."""
    t = normalize_number_text(text)
    out = {Decimal(m.group()) for m in _NUMBER.finditer(t)}
    for m in _KANJI_NUMBER.finditer(t):
        oku, man, rest = m.groups()
        if oku is None and man is None:
            continue
        out.add(Decimal(int(oku or 0) * 10**8 + int(man or 0) * 10**4 + int(rest or 0)))
    return out


def missing_numbers(answer_text: str, gold_numbers: Iterable[Any]) -> list[Any]:
    """The gold numbers that do not appear in the answer text (as whole number tokens)."""
    tokens = number_tokens(answer_text or "")
    missing = []
    for g in gold_numbers:
        d = _decimal(g)
        if d is None or d not in tokens:
            missing.append(g)
    return missing


def numbers_right(answer_text: str, gold_numbers: Iterable[Any]) -> bool:
    """True when every gold number appears in the answer text (see the module notes)."""
    return not missing_numbers(answer_text, gold_numbers)


# ----------------------------------------------------------------------------- mentions


def _norm_words(text: str) -> str:
    return normalize_number_text(text).casefold()


def _mentioned(text: str, term: str) -> bool:
    t = normalize_number_text(term).strip()
    if _NUMBER.fullmatch(t):
        return numbers_right(text, [t])
    return _norm_words(term).strip() in _norm_words(text)


def missing_terms(answer_text: str, terms: Iterable[Term]) -> list[Term]:
    """The must-mention terms the answer text lacks (a list term: none of its alternatives is there)."""
    missing: list[Term] = []
    for term in terms:
        options = [term] if isinstance(term, str) else list(term)
        if not any(_mentioned(answer_text or "", o) for o in options):
            missing.append(term)
    return missing


def mentions(answer_text: str, terms: Iterable[Term]) -> bool:
    """True when every term (or one of each list of alternatives) appears in the answer text."""
    return not missing_terms(answer_text, terms)


# ----------------------------------------------------------------------------- citations


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def sheet_text(sections: Iterable[Any], raw: str | None = None) -> str:
    """The text quotes are checked against: the canonical sheet's sections' text, joined.

    ``sections`` are ``Sheet.sections`` (objects or dicts with ``text``). When the raw source
    text is given, it is appended with its line breaks removed, so a quote taken from the printed
    page (where prose is wrapped) is accepted too.
    """
    parts = [str(_get(s, "text", "") or "") for s in sections]
    if raw:
        parts.append(raw.replace("\r", "").replace("\n", ""))
    return "\n\n".join(parts)


def quote_valid(quote: str, text: str) -> bool:
    """A quote is valid when it is a verbatim substring of ``text``; "…" marks elisions."""
    q = (quote or "").strip()
    if not q:
        return False
    if q in text:
        return True
    pieces = [p.strip() for p in _ELLIPSIS.split(q)]
    pieces = [p for p in pieces if p]
    if len(pieces) == 0 or (len(pieces) == 1 and pieces[0] == q):
        return False
    pos = 0
    for p in pieces:
        i = text.find(p, pos)
        if i < 0:
            return False
        pos = i + len(p)
    return True


def invalid_citations(answer: Any, sheet_texts: Mapping[str, str | Sequence[str]]) -> list[Any]:
    """The answer's citations whose quote is not verbatim in its sheet's text (or whose sheet is unknown).

    ``sheet_texts`` maps a sheet id to its text (:func:`sheet_text`), or to several candidate
    texts of which any may hold the quote.
    """
    bad = []
    for c in _get(answer, "citations", None) or []:
        texts = sheet_texts.get(_get(c, "sheet_id"))
        if texts is None:
            bad.append(c)
            continue
        candidates = [texts] if isinstance(texts, str) else list(texts)
        if not any(quote_valid(_get(c, "quote", ""), t) for t in candidates):
            bad.append(c)
    return bad


def citations_valid(answer: Any, sheet_texts: Mapping[str, str | Sequence[str]]) -> bool:
    """True when every citation's quote is verbatim in its sheet's text (no citations: True)."""
    return not invalid_citations(answer, sheet_texts)


# ----------------------------------------------------------------------------- retrieval


def hit_at_k(
    answer: Any,
    gold_sheet_ids: Iterable[str],
    section_key: str | None = None,
    k: int = 5,
    section_labels: Iterable[str] = (),
    gold_project: str | None = None,
) -> bool:
    """True when one of the answer's first ``k`` citations comes from a gold sheet (and section).

    A citation matches the section by its ``key``, or, when it carries no key, by its label
    (``section_labels``: the labels that section has on the sheets). Without a ``section_key``
    the answer's first ``k`` facts count as well: a figure answer hits when its facts come from a
    gold sheet. ``gold_project`` also accepts a citation or fact naming that project when its
    sheet id is not among the gold ids (the store may hold the project under another id).
    """
    ids = set(gold_sheet_ids)
    labels = {label for label in section_labels if label}

    def from_gold(item: Any) -> bool:
        if _get(item, "sheet_id") in ids:
            return True
        return bool(gold_project) and _get(item, "project") == gold_project

    def in_section(c: Any) -> bool:
        if section_key is None:
            return True
        key = _get(c, "key")
        if key:
            return key == section_key
        return _get(c, "section") in labels

    citations = list(_get(answer, "citations", None) or [])[:k]
    if any(from_gold(c) and in_section(c) for c in citations):
        return True
    if section_key is None:
        facts = list(_get(answer, "facts", None) or [])[:k]
        return any(from_gold(f) for f in facts)
    return False


# ----------------------------------------------------------------------------- timing


def percentile(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile (0–100) by linear interpolation; None for no values."""
    if not values:
        return None
    xs = sorted(values)
    if len(xs) == 1:
        return xs[0]
    pos = (len(xs) - 1) * p / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None
