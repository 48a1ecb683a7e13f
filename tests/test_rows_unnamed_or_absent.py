"""What a question asks when it names no row, or a row the sheet does not have (#12): a trend of
nothing named (「R4からR6の流れをざっくり」) is of the outcome indicators; 「シートの中身をざっと」 is a
summary of the sheet; 成果指標④ of a sheet setting three is declined with the ones it sets; a breakdown
of 事業費 is the items its analysis lists with amounts, declined where it lists none; the money spent on
a thing the table counts is declined with what the sheet gives; the things a project is named by,
counted (「消防団員って何人いる？」「市税の収納率は？」), are declined where no row counts them — never
another row of the same unit.

The store holds the seed and a copy of it whose cost analysis states a change and lists no items.
"""

from __future__ import annotations

import pytest
from index_support import SEED, store_of, variant_of

from assistant.chain import Assistant
from ingest.model import Sheet
from ingest.normalize import format_number
from ingest.parse import parse_file

TOURISM, BRIGADE, TAX, CASHLESS = "観光振興事業", "消防団活動事業", "市税収納率向上事業", "キャッシュレス決済推進事業"
DESK, DESK_USERS = "観光案内所運営事業", "観光案内所の利用者数"
CHANGE_ONLY = "【事業費】事業費のうち、前年度と比較して31千円の減少は、開催助成金の減額などによるものである。"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, Sheet, Sheet]:
    seed = parse_file(SEED)
    tourism = variant_of(seed, TOURISM, 3)
    for section in tourism.sections:
        if section.key == "cost_analysis":
            section.text = CHANGE_ONLY
    others = [variant_of(seed, name, k) for k, name in enumerate((BRIGADE, TAX, CASHLESS), start=5)]
    desk = variant_of(seed, DESK, 9, {"オンライン申請件数": DESK_USERS})
    for ind in desk.indicators:
        if ind.name == DESK_USERS:
            ind.unit = "人"
    others.append(desk)
    return store_of(tmp_path_factory.mktemp("rows"), [SEED], [tourism, *others]), seed, tourism


def _actuals(sheet: Sheet, name: str, years: range) -> list[str]:
    ind = next(i for i in sheet.indicators if i.name == name)
    return [format_number(v.actual) for fy in years if (v := ind.value(fy)) is not None and v.actual is not None]


@pytest.mark.parametrize("question", ["デジタルファースト推進事業、2022〜2024の流れをざっくりまとめて",
                                      "デジタルファーストの事業、R4からR6の推移は？"])
def test_a_trend_of_nothing_named_is_of_the_outcomes(world, question: str) -> None:
    a, seed, _ = world
    ans = a.ask(question)
    assert ans.answerable, ans.answer
    want = _actuals(seed, "オンライン申請件数", range(2022, 2025))
    assert len(want) == 3 and all(v in ans.answer for v in want), ans.answer


def test_a_trend_of_the_evaluations_is_no_indicator(world) -> None:
    a, seed, _ = world
    ans = a.ask("デジタルファースト推進事業、評価結果の推移は？")
    assert not any(v in ans.answer for v in _actuals(seed, "オンライン申請件数", range(2022, 2025))), ans.answer


@pytest.mark.parametrize("question", ["デジタルファースト推進事業、シートの中身をざっと教えて",
                                      "デジタルファースト推進事業ってどんな中身？"])
def test_the_sheets_contents_are_a_summary(world, question: str) -> None:
    a, seed, _ = world
    ans = a.ask(question)
    total = next(c.total_cost for c in seed.costs if c.fy == seed.target_fy)
    assert ans.answerable and format_number(total) in ans.answer, ans.answer
    assert "評価結果" in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["デジタルファースト推進事業の成果指標④って何？",
                                      "デジタルファーストの成果指標④の実績は？",
                                      "What is outcome indicator 4 of the Digital First project?"])
def test_a_number_past_those_set_is_declined(world, question: str) -> None:
    a, seed, _ = world
    ans = a.ask(question)
    assert not ans.answerable, ans.answer
    # (what it does set, by name)
    assert all(i.name in ans.answer for i in seed.indicators if i.kind == "outcome" and i.name), ans.answer


@pytest.mark.parametrize("question", ["デジタルファースト推進事業の成果指標③の2024年度の実績は？",
                                      # what a project is named by, counted, where a row counts it
                                      "キャッシュレス決済の件数、R6はどのくらい？"])
def test_a_number_set_or_a_thing_counted_is_answered(world, question: str) -> None:
    a, _, _ = world
    ans = a.ask(question)
    assert ans.answerable and "キャッシュレス決済の利用件数" in ans.answer and "2024" in ans.answer, ans.answer


def test_a_breakdown_of_the_project_cost(world) -> None:
    a, _, _ = world
    listed = a.ask("デジタルファースト推進事業の2024年度の事業費、内訳教えて")
    assert listed.answerable and "9,555" in listed.answer, listed.answer  # the items its analysis lists
    none = a.ask("観光振興事業の2024年度の事業費、内訳教えて")
    assert not none.answerable and "内訳" in none.answer and "開催助成金" in none.answer, none.answer


@pytest.mark.parametrize("question", ["How much was spent on the online applications of the Digital First project "
                                      "specifically?"])
def test_money_spent_on_a_counted_thing_is_declined(world, question: str) -> None:
    # (the cost analysis lists items with amounts — 地理情報システム, キャッシュレス決済環境整備 — none of them this)
    a, _, _ = world
    ans = a.ask(question)
    assert not ans.answerable and "オンライン申請件数" in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["消防団員って市内に何人いる？", "消防団員の数はR6でどれくらい？",
                                      "市税の収納率、2024年度は何％？"])
def test_the_things_a_project_is_named_by_counted_where_no_row_counts_them(world, question: str) -> None:
    a, seed, _ = world
    ans = a.ask(question)
    assert not ans.answerable, ans.answer
    # (the seed's rows in 人 or %, or any other, are no answer)
    assert not any(f.value is not None and f.fy == 2024 and f.indicator for f in ans.facts if not f.computed), ans.facts


def test_a_count_of_the_thing_is_no_count_of_its_users(world) -> None:
    # 「観光案内所の数」: no row counts the centres; 観光案内所の利用者数 counts their users
    a, _, _ = world
    ans = a.ask("観光案内所の数は？")
    assert not ans.answerable and not any(f.indicator == DESK_USERS for f in ans.facts), ans.answer
    ans = a.ask("観光案内所の利用者数、R6は？")
    assert ans.answerable and DESK_USERS in ans.answer, ans.answer
