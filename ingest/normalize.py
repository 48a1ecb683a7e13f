"""Small pure functions that turn sheet text into numbers and fiscal years.

Government documents write negatives as △/▲, use full-width digits, and mark a cell with no
value as blank, ―, － or 把握困難. A blank or dash is "no value" (None), never 0.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

Number = int | float

ERA_OFFSETS: dict[str, int] = {"令和": 2018, "平成": 1988, "昭和": 1925, "R": 2018, "H": 1988, "S": 1925}
NO_VALUE_TOKENS = frozenset({"", "-", "―", "‐", "−", "—", "–", "ー", "*", "＊", "把握困難", "未把握", "集計中", "なし", "該当なし", "皆減"})
_MINUS = "△▲-−"
_NUMBER_RE = re.compile(r"^([△▲\-−])?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(%)?$")


def nfkc(text: str) -> str:
    """NFKC-normalize: full-width digits and letters to ASCII, ideographic spaces to spaces."""
    return unicodedata.normalize("NFKC", text)


def parse_number(token: str) -> Number | None:
    """Read one cell: '1,234' → 1234, '１２．５' → 12.5, '△500' → -500, '―' → None.

    Raises ValueError for text that is neither a number nor a recognised no-value mark, so a
    caller never mistakes a word for a blank.
    """
    t = nfkc(token).strip().replace(" ", "")
    if t in NO_VALUE_TOKENS:
        return None
    m = _NUMBER_RE.match(t)
    if not m:
        raise ValueError(f"not a number: {token!r}")
    sign, whole, frac, _pct = m.groups()
    digits = whole.replace(",", "")
    value: Number = float(digits + frac) if frac else int(digits)
    return -value if sign else value


def is_number(token: str) -> bool:
    """True when the token is a figure (not a blank mark, not a word)."""
    try:
        return parse_number(token) is not None
    except ValueError:
        return False


def is_cell(token: str) -> bool:
    """True for anything that can stand in a table cell: a figure or a no-value mark."""
    try:
        parse_number(token)
    except ValueError:
        return False
    return True


def costs_add_up(project: Number | None, personnel: Number | None, total: Number | None) -> bool | None:
    """事業費 + 人件費 = 総事業費, allowing the one 千円 that rounding may leave; None when one is missing."""
    if project is None or personnel is None or total is None:
        return None
    return abs(project + personnel - total) <= 1


def format_number(value: Number) -> str:
    """The sheet's own way to print a figure: thousands separators, △ for negatives."""
    sign = "△" if value < 0 else ""
    v = abs(value)
    if isinstance(v, float) and not v.is_integer():
        # positional, never 1e-05: str() of a small or long float writes an exponent
        whole, _, frac = format(Decimal(repr(v)), "f").partition(".")
        return f"{sign}{int(whole):,}.{frac}"
    return f"{sign}{int(v):,}"


def era_to_western(era: str, year: int) -> int:
    """('令和', 6) → 2024; ('H', 27) → 2015."""
    key = era.upper() if len(era) == 1 else era
    if key not in ERA_OFFSETS:
        raise ValueError(f"unknown era: {era!r}")
    if year < 1:
        raise ValueError(f"era year must be 1 or more: {year}")
    return ERA_OFFSETS[key] + year


def western_to_era(year: int) -> tuple[str, int]:
    """2024 → ('令和', 6); 2019 → ('令和', 1) (a fiscal year starting in April 2019 is 令和元年度)."""
    for era in ("令和", "平成", "昭和"):
        if year > ERA_OFFSETS[era]:
            return era, year - ERA_OFFSETS[era]
    raise ValueError(f"year before 昭和: {year}")


def era_label(year: int) -> str:
    """2024 → '令和6年度'; 2019 → '令和元年度'."""
    era, n = western_to_era(year)
    return f"{era}{'元' if n == 1 else n}年度"


def fy_label(year: int) -> str:
    """2024 → '2024年度（令和6年度）', the form sheets print in headers."""
    return f"{year}年度（{era_label(year)}）"


@dataclass(frozen=True)
class YearMention:
    fy: int
    start: int
    end: int
    text: str


_YEAR_RE = re.compile(
    r"(?P<western>(?:19|20)\d{2})\s*年度?(?:\s*[（(]\s*(?:令和|平成|昭和)\s*(?:\d{1,2}|元)\s*年度?\s*[)）])?"
    r"|(?P<era>令和|平成|昭和|(?<![A-Za-z])[RHS](?=\s*(?:\d{1,2}|元)))\s*(?P<n>\d{1,2}|元)\s*(?:年度?)?"
)


def find_fiscal_years(text: str) -> Iterator[YearMention]:
    """Every fiscal year mentioned in the text, in order: 令和６年度, R6, 2024年度（令和６年度）, H27年度."""
    t = nfkc(text)
    for m in _YEAR_RE.finditer(t):
        if m.group("western"):
            fy = int(m.group("western"))
        else:
            n = 1 if m.group("n") == "元" else int(m.group("n"))
            fy = era_to_western(m.group("era"), n)
        yield YearMention(fy=fy, start=m.start(), end=m.end(), text=m.group(0))


def parse_fiscal_year(text: str, default_era: str | None = None) -> int | None:
    """The first fiscal year in the text, or None. '27年度' needs default_era ('平成', '令和')."""
    for mention in find_fiscal_years(text):
        return mention.fy
    if default_era:
        m = re.search(r"(\d{1,2}|元)\s*年度", nfkc(text))
        if m:
            return era_to_western(default_era, 1 if m.group(1) == "元" else int(m.group(1)))
    return None
