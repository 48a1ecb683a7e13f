"""The self-check: every broken identity becomes a warning naming the year and the row."""

from __future__ import annotations

from ingest.checks import verify
from ingest.model import Cost, Indicator, IndicatorValue, Sheet


def _sheet(*costs: Cost, **kw) -> Sheet:
    return Sheet(sheet_id="t", template="test", costs=list(costs), **kw)


GOOD_2024 = dict(fy=2024, project_cost=50496, personnel_cost=16175, total_cost=66671,
                 national_prefectural=5818, general_revenue=60853, unit_cost_total=178, unit_cost_general=163)


def test_consistent_sheet_has_no_warnings():
    c2023 = Cost(fy=2023, project_cost=39131, personnel_cost=13277, total_cost=52408,
                 general_revenue=52408, unit_cost_total=155, unit_cost_general=155)
    sheet = _sheet(Cost(**GOOD_2024), c2023, target_fy=2024, evaluation_fy=2025)
    assert verify(sheet) == []


def test_spending_does_not_add_up():
    bad = Cost(**{**GOOD_2024, "personnel_cost": 16000})  # 50,496 + 16,000 = 66,496 ≠ 66,671
    good = Cost(fy=2023, project_cost=39131, personnel_cost=13277, total_cost=52408, general_revenue=52408)
    warnings = verify(_sheet(bad, good))
    hits = [w for w in warnings if "人件費" in w]
    assert len(hits) == 1, warnings
    w = hits[0]
    assert "2024" in w and "事業費" in w and "総事業費" in w
    assert "16,000" in w and "66,671" in w
    assert not [w for w in warnings if "2023" in w], "the consistent year must not be warned about"


def test_revenues_do_not_add_up():
    bad = Cost(**{**GOOD_2024, "general_revenue": 60000})  # 5,818 + 60,000 ≠ 66,671
    warnings = verify(_sheet(bad))
    hits = [w for w in warnings if "歳入" in w]
    assert len(hits) == 1, warnings
    w = hits[0]
    assert "2024" in w
    assert "国・県支出金" in w and "一般財源等" in w, "the warning names the revenue rows"
    assert "65,818" in w and "66,671" in w


def test_both_broken_in_different_years():
    spend = Cost(fy=2022, project_cost=49935, personnel_cost=9236, total_cost=60000, general_revenue=60000)
    revenue = Cost(fy=2023, project_cost=39131, personnel_cost=13277, total_cost=52408,
                   national_prefectural=1000, general_revenue=52408)
    warnings = verify(_sheet(spend, revenue))
    assert any("2022" in w and "事業費" in w and "人件費" in w for w in warnings), warnings
    assert any("2023" in w and "歳入" in w and "国・県支出金" in w for w in warnings), warnings
    assert not any("2022" in w and "歳入" in w for w in warnings), warnings
    assert not any("2023" in w and "人件費" in w for w in warnings), warnings


def test_unit_cost_general_inconsistent():
    bad = Cost(**{**GOOD_2024, "unit_cost_general": 178})  # should be ≈ 178 × 60,853 / 66,671 = 162
    warnings = verify(_sheet(bad))
    assert any("2024" in w and "単位コスト" in w for w in warnings), warnings


def test_missing_values_are_not_errors():
    """A row the sheet leaves blank is not checked against the others (None is not 0)."""
    partial = Cost(fy=2025, project_cost=42390, total_cost=57390)
    only_total = Cost(fy=2026, total_cost=73000)
    assert verify(_sheet(partial, only_total)) == []


def test_negative_figures_are_printed_with_triangle():
    bad = Cost(fy=2024, project_cost=-500, personnel_cost=1000, total_cost=1000)
    warnings = verify(_sheet(bad))
    assert any("△500" in w and "2024" in w for w in warnings), warnings


def test_actual_after_target_year():
    values = [IndicatorValue(fy=2024, plan=1, actual=1), IndicatorValue(fy=2025, plan=2, actual=3)]
    ind = Indicator(kind="activity", no=2, name="x", unit="件", values=values)
    warnings = verify(_sheet(target_fy=2024, evaluation_fy=2025, indicators=[ind]))
    assert any("活動指標②" in w and "2025" in w for w in warnings), warnings


def test_evaluation_year_not_target_plus_one():
    warnings = verify(_sheet(target_fy=2024, evaluation_fy=2024))
    assert any("2024" in w for w in warnings), warnings
