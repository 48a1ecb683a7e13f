"""Property-based tests for the number and fiscal-year normalizers."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.normalize import (
    NO_VALUE_TOKENS,
    era_label,
    era_to_western,
    find_fiscal_years,
    format_number,
    fy_label,
    is_cell,
    is_number,
    nfkc,
    parse_fiscal_year,
    parse_number,
    western_to_era,
)

settings.register_profile("sheetqa", max_examples=200, deadline=None)
settings.load_profile("sheetqa")

WIDE = str.maketrans("0123456789,.", "０１２３４５６７８９，．")
WIDE_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")

ints = st.integers(min_value=-(10**12), max_value=10**12)
# Decimals as sheets print them: up to three places (35.5, 58.25, 0.125), negatives included.
decimals = st.decimals(min_value=Decimal("-99999999.999"), max_value=Decimal("99999999.999"), places=3,
                       allow_nan=False, allow_infinity=False).map(float).filter(lambda f: not f.is_integer())


# ── numbers ──────────────────────────────────────────────────────────────────────────────


@given(ints)
def test_int_round_trip(n):
    text = format_number(n)
    assert parse_number(text) == n
    assert isinstance(parse_number(text), int)
    assert ("△" in text) == (n < 0)
    if abs(n) >= 1000:
        assert "," in text


@given(decimals)
def test_decimal_round_trip(x):
    text = format_number(x)
    back = parse_number(text)
    assert isinstance(back, float)
    assert back == x
    assert ("△" in text) == (x < 0)


@given(st.one_of(ints, decimals))
def test_full_width_round_trip(v):
    text = format_number(v)
    wide = text.translate(WIDE)
    assert parse_number(wide) == v
    assert parse_number(nfkc(wide)) == v
    assert is_number(wide)


@given(st.one_of(ints, decimals), st.sampled_from(["△", "▲", "-", "−"]))
def test_every_minus_sign(v, minus):
    text = format_number(abs(v))
    if v == 0:
        return
    assert parse_number(minus + text) == -abs(v)


@given(st.one_of(ints, decimals), st.sampled_from([" ", "\u3000", "\t"]))
def test_surrounding_space_ignored(v, space):
    assert parse_number(space + format_number(v) + space) == v


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12))
def test_nfkc_does_not_change_the_reading(s):
    """A token reads the same before and after NFKC (a number, a blank, or an error both times)."""
    def reading(t):
        try:
            return ("value", parse_number(t))
        except ValueError:
            return ("error", None)

    assert reading(s) == reading(unicodedata.normalize("NFKC", s))


@given(st.integers(min_value=0, max_value=10**9))
def test_plain_digits_without_commas(n):
    assert parse_number(str(n)) == n
    assert parse_number(str(n).translate(WIDE_DIGITS)) == n


@pytest.mark.parametrize("token", ["―", "－", "-", "把握困難", "", " ", "\u3000", "  \u3000 ", "ー", "—"])
def test_no_value_marks_are_none(token):
    assert parse_number(token) is None
    assert is_cell(token)
    assert not is_number(token)


@pytest.mark.parametrize("word", ["計画", "実績", "abc", "千円", "件", "12件", "1,23", "12,34,567", "1.2.3", "△",
                                  "令和6年度", "〇", "N/A"])
def test_words_raise(word):
    with pytest.raises(ValueError):
        parse_number(word)
    assert not is_cell(word)


@given(st.text(alphabet=st.characters(categories=("Lo", "Lu", "Ll")), min_size=1, max_size=8))
def test_random_words_raise(word):
    if nfkc(word).strip() in NO_VALUE_TOKENS:
        assert parse_number(word) is None
        return
    with pytest.raises(ValueError):
        parse_number(word)


# ── fiscal years ─────────────────────────────────────────────────────────────────────────

years = st.integers(min_value=1989, max_value=2100)
reiwa_years = st.integers(min_value=2019, max_value=2100)
# A Western year is read as 19xx/20xx only (a bare 4-digit figure is not a year): 2019–2099.
reiwa_western = st.integers(min_value=2019, max_value=2099)
heisei_years = st.integers(min_value=1989, max_value=2018)


@given(years)
def test_era_round_trip(y):
    era, n = western_to_era(y)
    assert n >= 1
    assert era_to_western(era, n) == y
    assert era == ("令和" if y >= 2019 else "平成")


@given(years)
def test_era_label_reads_back(y):
    label = era_label(y)
    assert [m.fy for m in find_fiscal_years(label)] == [y]
    assert ("元年度" in label) == (y in (1989, 2019))
    assert parse_fiscal_year(label) == y


@given(reiwa_western, st.booleans())
def test_western_with_reiwa_in_brackets(y, wide):
    n = y - 2018
    text = f"{y}年度（令和{'元' if n == 1 else n}年度）"
    if wide:
        text = text.translate(WIDE_DIGITS)
    found = list(find_fiscal_years(text))
    assert [m.fy for m in found] == [y], text
    assert found[0].start == 0


@given(reiwa_years, st.booleans())
def test_reiwa(y, wide):
    n = y - 2018
    text = f"令和{n}年度"
    if wide:
        text = text.translate(WIDE_DIGITS)
    assert [m.fy for m in find_fiscal_years(text)] == [y]


@given(reiwa_years)
def test_r_abbreviation(y):
    n = y - 2018
    assert [m.fy for m in find_fiscal_years(f"R{n}")] == [y]
    assert [m.fy for m in find_fiscal_years(f"Ｒ{n}年度")] == [y]


@given(heisei_years)
def test_h_abbreviation(y):
    n = y - 1988
    assert [m.fy for m in find_fiscal_years(f"H{n}年度")] == [y]
    assert [m.fy for m in find_fiscal_years(f"平成{n}年度")] == [y]


@pytest.mark.parametrize("text,fy", [("令和元年度", 2019), ("R元", 2019), ("R元年度", 2019), ("平成元年度", 1989),
                                     ("H元年度", 1989), ("令和６年度", 2024), ("Ｈ２７年度", 2015)])
def test_gannen(text, fy):
    assert [m.fy for m in find_fiscal_years(text)] == [fy]


@given(st.lists(st.integers(min_value=1989, max_value=2099), min_size=1, max_size=5))
def test_many_years_in_order(ys):
    text = "、".join(fy_label(y) for y in ys) + "の実績"
    assert [m.fy for m in find_fiscal_years(text)] == ys


def test_years_in_prose():
    text = "令和５年度の行政評価結果を受け、令和６年度は強化した。2025年度までに移行する。H27年度比。"
    assert [m.fy for m in find_fiscal_years(text)] == [2023, 2024, 2025, 2015]


def test_not_years():
    assert list(find_fiscal_years("324,586人 TRH5 7月18日")) == []
    assert parse_fiscal_year("27年度") is None
    assert parse_fiscal_year("27年度", default_era="平成") == 2015
    assert parse_fiscal_year("元年度", default_era="令和") == 2019


@pytest.mark.parametrize("era,year", [("大正", 3), ("令和", 0), ("X", 1)])
def test_bad_era(era, year):
    with pytest.raises(ValueError):
        era_to_western(era, year)


@pytest.mark.parametrize(("value", "text"), [(1e-05, "0.00001"), (-2.5e-07, "△0.00000025"), (123456.75, "123,456.75"),
                                             (0.1, "0.1")])
def test_a_small_or_long_float_is_printed_without_an_exponent(value: float, text: str) -> None:
    # str(1e-05) is "1e-05": a cost of that size in a JSON sheet once crashed the reader (found by the fuzz test)
    assert format_number(value) == text
    assert parse_number(text) == value
