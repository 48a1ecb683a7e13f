"""Derived measures, computed in code from figures the store holds: achievement rates, changes,
growth rates, shares of a total, verdicts against a plan. Exact decimals, rounded half up to one
place where a rate is shown; each result says which figures it came from."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import overload

from assistant.answer import Number
from ingest.normalize import nfkc
from ingest.vocabulary import KEEP_DOWN_WORDS, REDUCTION_WORDS

ONE_PLACE = Decimal("0.1")


def _d(v: Number) -> Decimal:
    return Decimal(str(v))


def _out(d: Decimal) -> Number:
    return int(d) if d == d.to_integral_value() else float(d)


def percent(num: Number | None, den: Number | None) -> float | None:
    """num ÷ den × 100, half up to one decimal: 316,799 / 300,000 → 105.6."""
    if num is None or den in (None, 0):
        return None
    return float((_d(num) * 100 / _d(den)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP))


rate = percent  # actual ÷ plan


def times(num: Number | None, den: Number | None) -> float | None:
    """num ÷ den, half up to one decimal: how many times (216,105 / 9,606 → 22.5)."""
    if num is None or den in (None, 0):
        return None
    return float((_d(num) / _d(den)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP))


@overload
def diff(a: Number, b: Number) -> Number: ...
@overload
def diff(a: Number | None, b: Number | None) -> Number | None: ...
def diff(a: Number | None, b: Number | None) -> Number | None:
    """a − b, exact."""
    if a is None or b is None:
        return None
    return _out(_d(a) - _d(b))


def growth(new: Number | None, old: Number | None) -> float | None:
    """The change from ``old`` to ``new`` in % of ``old`` (half up, one decimal)."""
    if new is None or old in (None, 0):
        return None
    return float(((_d(new) - _d(old)) * 100 / _d(old)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP))


def total(values: Sequence[Number | None]) -> Number | None:
    got = [v for v in values if v is not None]
    return _out(sum((_d(v) for v in got), Decimal(0))) if got else None


def mean(values: Sequence[Number | None]) -> float | None:
    """The mean of the values given (blanks left out), half up to one decimal."""
    got = [v for v in values if v is not None]
    if not got:
        return None
    return float((sum((_d(v) for v in got), Decimal(0)) / len(got)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP))


@lru_cache(maxsize=1 << 14)  # a filter answer checks thousands of rows sharing a few hundred names
def lower_is_better(name: str | None) -> bool:
    """Whether an indicator meets its plan by staying under it (事故件数, ごみ排出量, 待機児童数): it
    counts something to be kept down (``KEEP_DOWN_WORDS``) and not its remedy (``REDUCTION_WORDS``:
    温室効果ガス排出量削減率, 浸水被害の解消戸数)."""
    n = nfkc(name or "")
    return any(k in n for k in KEEP_DOWN_WORDS) and not any(k in n for k in REDUCTION_WORDS)


def met(actual: Number | None, plan: Number | None, name: str | None) -> bool | None:
    """Whether the actual met the plan (for an indicator to keep down: stayed at or under it)."""
    if actual is None or plan is None:
        return None
    return actual <= plan if lower_is_better(name) else actual >= plan
