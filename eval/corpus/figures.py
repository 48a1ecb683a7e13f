"""Figures and years as the sheets write them (全角 years, 令和 eras, units in prose), and the
small rules every part of the generator shares."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TypeVar

from eval.corpus.bank import LOWER_BETTER
from ingest.normalize import format_number

DECIMAL_UNITS = frozenset({"%", "km", "ha"})  # units whose figures keep a decimal

_FW = str.maketrans("0123456789", "０１２３４５６７８９")
_V = TypeVar("_V")


def known(value: _V | None) -> _V:
    """A field of a sheet the generator built itself (every figure it prints is set)."""
    if value is None:
        raise ValueError("a field the generator sets is None")
    return value


def fullwidth(n: int) -> str:
    return str(n).translate(_FW)


def era_fw(fy: int) -> str:
    """2024 → 令和６年度 (full-width digits, as the sheet prints them)."""
    if fy > 2018:
        return f"令和{'元' if fy == 2019 else fullwidth(fy - 2018)}年度"
    return f"平成{'元' if fy == 1989 else fullwidth(fy - 1988)}年度"


def fy_fw(fy: int) -> str:
    """2024 → 2024年度（令和６年度）."""
    return f"{fy}年度（{era_fw(fy)}）"


def round_half_up(x: Fraction | float) -> int:
    return math.floor(Fraction(x) + Fraction(1, 2))


def lower_is_better(name: str) -> bool:
    return any(k in name for k in LOWER_BETTER)


def with_unit(v: float, unit: str) -> str:
    """A figure as prose writes it: 685件, 72.4％, 12.5km."""
    return f"{format_number(v)}{'％' if unit == '%' else unit}"


def diff_unit(d: float, unit: str) -> str:
    return f"{format_number(round(abs(d), 1) if unit in DECIMAL_UNITS else abs(d))}" + (
        "ポイント" if unit == "%" else unit)


def fill(template: str, **slots: object) -> str:
    """A text of the content bank with its {slots} filled."""
    return template.format(**slots)
