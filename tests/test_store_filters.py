"""Questions over every project of a store, as a 財政課 or 企画課 asks them: sheets by their result in
any year (「縮小になってるシートはどれ？」), projects paid wholly from general revenue, a ranking for a
year no sheet has evaluated yet, and a measure a row's name holds only as what it is about.

The store holds the seed and canonical sheets derived from it (other projects, other years, other
results); expected values are read from those sheets, not from the code.
"""

from __future__ import annotations

import pytest
from index_support import SEED, store_of, variant_of

from assistant.chain import Assistant
from ingest.model import Sheet
from ingest.normalize import format_number
from ingest.parse import parse_file

STAFF, LIBRARY, TURNOUT = "職員研修事業", "図書館サービス推進事業", "投票率向上対策事業"
LECTURES = "投票率の向上に関する出前講座の開催回数"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, dict[str, Sheet]]:
    seed = parse_file(SEED)
    # (set below: the whole total; unit costs that rank one way on each basis)
    general = {2024: {"national_prefectural": None, "general_revenue": None, "unit_cost_total": 900, "unit_cost_general": 100}}
    sheets = {
        "staff_2023": variant_of(seed, STAFF, 2, years_back=1, secondary="縮小"),
        "staff_2024": variant_of(seed, STAFF, 2, secondary="継続"),
        LIBRARY: variant_of(seed, LIBRARY, 5, costs=general),
        TURNOUT: variant_of(seed, TURNOUT, 3, {"キャッシュレス決済導入施設数": LECTURES},
                            costs={2024: {"unit_cost_total": 800, "unit_cost_general": 700}}),
    }
    lib = next(c for c in sheets[LIBRARY].costs if c.fy == 2024)
    lib.general_revenue = lib.total_cost
    return store_of(tmp_path_factory.mktemp("store_filters"), [SEED], list(sheets.values())), sheets


@pytest.mark.parametrize("question", ["二次評価が「縮小」になってるシートはどれ？", "Which sheets have a secondary evaluation of 縮小?"])
def test_sheets_asked_by_their_result_are_every_sheet(world, question: str) -> None:
    a, _ = world
    ans = a.ask(question)
    assert ans.answerable and STAFF in ans.answer and "2023" in ans.answer, ans.answer
    assert LIBRARY not in ans.answer, ans.answer


def test_none_in_the_latest_evaluations_names_the_earlier_sheets(world) -> None:
    # 職員研修事業 is 継続 on its latest sheet, 縮小 on the one before: said as an earlier sheet's
    a, _ = world
    ans = a.ask("二次評価が縮小の事業は？")
    assert ans.answerable and STAFF in ans.answer and "2023" in ans.answer and "最新の評価では該当がなく" in ans.answer, \
        ans.answer


@pytest.mark.parametrize("question", ["R6決算で総事業費が全額一般財源の事業は？",
                                      "Which projects were funded entirely by general revenue in FY2024?"])
def test_projects_paid_wholly_from_general_revenue(world, question: str) -> None:
    a, sheets = world
    ans = a.ask(question)
    total = next(c.total_cost for c in sheets[LIBRARY].costs if c.fy == 2024)
    assert ans.answerable and LIBRARY in ans.answer and format_number(total) in ans.answer, ans.answer
    assert "デジタルファースト推進事業" not in ans.answer and TURNOUT not in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["R8決算の総事業費ランキング出して", "Which project has the largest settled total cost in FY2026?"])
def test_a_ranking_of_results_for_a_year_no_sheet_has_evaluated_is_declined(world, question: str) -> None:
    a, sheets = world
    ans = a.ask(question)
    assert not ans.answerable and "2026" in ans.answer, ans.answer
    plan = next(c.total_cost for c in sheets[LIBRARY].costs if c.fy == 2026)
    assert format_number(plan) not in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["2026年度の総事業費の計画額が一番大きい事業は？", "R8の総事業費が一番大きい事業は？"])
def test_a_ranking_of_plans_for_a_year_ahead_says_they_are_plans(world, question: str) -> None:
    a, sheets = world
    ans = a.ask(question)
    plan = next(c.total_cost for c in sheets[LIBRARY].costs if c.fy == 2026)
    assert ans.answerable and LIBRARY in ans.answer and format_number(plan) in ans.answer and "計画" in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["投票率向上の事業で、実際の投票率は何ポイント上がった？", "投票率向上対策事業の投票率はR6で何％？"])
def test_a_measure_a_row_is_only_about_is_not_that_row(world, question: str) -> None:
    # 「投票率の向上に関する出前講座の開催回数」 counts lectures: it gives no 投票率
    a, sheets = world
    ans = a.ask(question)
    assert not ans.answerable, ans.answer


def test_the_row_a_measure_is_about_still_answers_its_own_measure(world) -> None:
    a, sheets = world
    ans = a.ask("投票率向上の事業で、出前講座の開催回数はR6いくつ？")
    ind = next(i for i in sheets[TURNOUT].indicators if i.name == LECTURES)
    actual = next(v.actual for v in ind.values if v.fy == 2024)
    assert ans.answerable and format_number(actual) in ans.answer, ans.answer


@pytest.mark.parametrize("question,top,cost", [
    ("R6で単位コスト（一般財源ベース）が一番高いのはどの事業？", TURNOUT, "700"),
    ("Which project had the highest unit cost on a general revenue basis in FY2024?", TURNOUT, "700"),
    ("R6で単位コストが一番高い事業は？", LIBRARY, "900"),
])
def test_a_ranking_of_unit_costs_is_on_the_basis_asked(world, question: str, top: str, cost: str) -> None:
    a, _ = world
    ans = a.ask(question)
    first = ans.answer.splitlines()[0]
    assert ans.answerable and top in first and cost in first, ans.answer


@pytest.mark.parametrize("question", ["一般財源100％未満の事業は？", "一般財源100%じゃない事業はどれ？"])
def test_less_than_wholly_general_revenue_is_not_wholly(world, question: str) -> None:
    a, _ = world
    ans = a.ask(question)
    assert "だけ（総事業費と同額）" not in ans.answer, ans.answer
