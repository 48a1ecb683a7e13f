"""Questions over a store that holds sheets of two layouts, namesakes of two cities and years of
several projects: the projects of one layout (「郡山のR7様式の事業」, "the H27-format sheets"), a
revenue row in any year (「市債が入ってる年度がある事業」), a layout or a sheet's year said beside one
project's name (which of its sheets), a project whose name says "City", a name spelled in Latin letters
kanji by kanji, and a rate counted per head.

The store holds the seed (R7 layout), the two H27 samples and canonical sheets derived from the
seed; expected values are read from those sheets, not from the code.
"""

from __future__ import annotations

import pytest
from index_support import SAMPLES, SEED, store_of, variant_of

from assistant.chain import Assistant
from ingest.model import Sheet
from ingest.normalize import format_number
from ingest.parse import parse_file

WASTE, ZERO, HEALTH, MUSIC = "ごみ減量推進事業", "ゼロカーボンシティ推進事業", "健康づくり推進事業", "楽都郡山推進事業"
SEWER = "下水道長寿命化事業"
SUICIDE = "自殺死亡率（人口10万人当たり）"
H27_FILES = sorted(SAMPLES.glob("kor_h27_*.txt"))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, dict[str, Sheet]]:
    seed = parse_file(SEED)
    # 市債 in one settled year before the latest evaluated one, none in that year
    waste = variant_of(seed, WASTE, 4, costs={2023: {"municipal_bonds": 12_300}, 2024: {"municipal_bonds": None}})
    waste.template = seed.template
    others = {
        "waste_south": variant_of(seed, WASTE, 6, years_back=2, municipality="南原市"),  # a namesake two years back
        ZERO: variant_of(seed, ZERO, 7, costs={2026: {"municipal_bonds": 4_400}}),  # 市債 in a plan's year only
        HEALTH: variant_of(seed, HEALTH, 9, {"オンライン申請件数": SUICIDE}),  # a rate printed in 件 (per head)
        MUSIC: variant_of(seed, MUSIC, 11),  # 楽都: ガクト to Sudachi, "Rakuto" kanji by kanji
        # 市債 planned for R6 on the R5 sheet; the R6 sheet settles R6 with none
        "sewer_r5": variant_of(seed, SEWER, 12, costs={2024: {"municipal_bonds": 9_999}}, years_back=1),
        SEWER: variant_of(seed, SEWER, 12),
    }
    sheets = {"seed": seed, WASTE: waste, **others, **{p.stem: parse_file(p) for p in H27_FILES}}
    return store_of(tmp_path_factory.mktemp("store_layouts"), [SEED, *H27_FILES], [waste, *others.values()]), sheets


def _total(sheet: Sheet, fy: int) -> int | None:
    return next(c.total_cost for c in sheet.costs if c.fy == fy)


def _names(sheets: dict[str, Sheet], template: str) -> set[str]:
    return {s.project.name for s in sheets.values() if s.template == template and s.project.name}


@pytest.mark.parametrize("question", ["郡山のR7様式のシートに載ってる事業、全部挙げて", "List the projects on the R7-format sheets."])
def test_the_projects_of_one_layout(world, question: str) -> None:
    a, sheets = world
    ans = a.ask(question)
    r7, h27 = _names(sheets, "koriyama-r7"), _names(sheets, "koriyama-h27")
    assert ans.answerable and len(r7) == 2 and all(n in ans.answer for n in r7), ans.answer
    assert not any(n in ans.answer for n in h27), ans.answer


def test_the_older_layout_counted(world) -> None:
    a, sheets = world
    ans = a.ask("H27の古い様式の事業は何件？")
    h27 = _names(sheets, "koriyama-h27")
    assert ans.answerable and f"{len(h27)}件" in ans.answer and all(n in ans.answer for n in h27), ans.answer
    assert WASTE not in ans.answer, ans.answer


def test_a_layout_beside_one_projects_name_still_asks_that_project(world) -> None:
    # (the layout says which of its sheets: it sets no scope over the store)
    a, sheets = world
    hall = sheets["kor_h27_shimin_shukaijo"]
    total = _total(hall, 2015)
    ans = a.ask(f"{hall.project.name}（H27様式のシート）の2015年度の総事業費は？")
    assert ans.answerable and format_number(total) in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["財源に市債が入ってる年度がある事業ってある？", "Which projects ever used municipal bonds?",
                                      # no year said: whether a project has it at all, in any settled year
                                      "市債が入ってる事業ってある？", "実績ベースで市債を財源に使ってる事業は？"])
def test_a_revenue_row_in_any_settled_year(world, question: str) -> None:
    a, _ = world
    ans = a.ask(question)
    assert ans.answerable and WASTE in ans.answer and "12,300" in ans.answer and "2023" in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["市債が入ってる事業ってある？", "Which projects have municipal bonds in their funding?"])
def test_a_revenue_row_in_a_plans_year_only_counts_marked_as_planned(world, question: str) -> None:
    # no 実績/決算 said: a project whose 市債 is only planned has it too, said as a plan
    a, _ = world
    ans = a.ask(question)
    assert WASTE in ans.answer and ZERO in ans.answer and "4,400" in ans.answer, ans.answer
    assert "2026年度・計画" in ans.answer or "FY2026 plan" in ans.answer, ans.answer


def test_a_plan_a_later_sheet_settled_is_no_plan(world) -> None:
    a, _ = world
    ans = a.ask("市債が入ってる事業ってある？")
    assert "9,999" not in ans.answer and SEWER not in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["実績ベースで市債を財源に使ってる事業は？", "決算で市債が入ってる事業ある？",
                                      "Which projects ever used municipal bonds?", "市債を使ったことがある事業は？"])
def test_a_revenue_row_settled_asked_leaves_plans_out(world, question: str) -> None:
    a, _ = world
    ans = a.ask(question)
    assert WASTE in ans.answer and ZERO not in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["R6に市債がある事業は？", "最新の年度で市債がある事業は？"])
def test_a_revenue_row_in_the_year_asked_is_that_years(world, question: str) -> None:
    a, _ = world
    ans = a.ask(question)
    assert WASTE not in ans.answer, ans.answer


def test_a_sheets_year_beside_namesakes_picks_the_one_evaluating_it(world) -> None:
    # 「ごみ減量推進事業のR6実施分」: 郡山市's sheet evaluates R6; 南原市's namesake ends at R4
    a, sheets = world
    total = _total(sheets[WASTE], 2024)
    ans = a.ask("ごみ減量推進事業のR6実施分のシートで、総事業費は？")
    assert ans.answerable and format_number(total) in ans.answer and "南原市" not in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["How much was the Zero Carbon City project's total cost in FY2024?",
                                      "What was the Zero Carbon City project's total cost for FY2024?"])
def test_city_in_a_projects_name_is_no_other_city(world, question: str) -> None:
    a, sheets = world
    total = _total(sheets[ZERO], 2024)
    ans = a.ask(question)
    assert ans.answerable and format_number(total) in ans.answer, ans.answer


def test_another_city_beside_such_a_name_is_still_declined(world) -> None:
    a, _ = world
    ans = a.ask("How does the Zero Carbon City project compare with Fukushima City?")
    assert not ans.answerable, ans.answer


@pytest.mark.parametrize("question", ["What is the suicide rate of the health promotion project in FY2024?",
                                      "健康づくり推進事業の2024年度の自殺死亡率は何％？"])
def test_a_rate_counted_per_head_is_still_a_rate(world, question: str) -> None:
    a, sheets = world
    value = next(v.actual for i in sheets[HEALTH].indicators if i.name == SUICIDE for v in i.values if v.fy == 2024)
    ans = a.ask(question)
    assert ans.answerable and format_number(value) in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["What was the total cost of the Rakuto Koriyama project in FY2024?",
                                      # (music-city glosses the name: no second project, ゼロカーボンシティ's シティ)
                                      "What was the total cost of the Rakuto Koriyama music-city project in FY2024?"])
def test_a_name_spelled_kanji_by_kanji(world, question: str) -> None:
    a, sheets = world
    total = _total(sheets[MUSIC], 2024)
    ans = a.ask(question)
    assert ans.answerable and MUSIC in ans.answer and format_number(total) in ans.answer, ans.answer
    assert ZERO not in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["ごみ減量推進事業の2024年度の二次評価は？", "What did the secondary evaluation of the waste reduction project say for FY2024?"])
def test_an_evaluation_of_a_year_asked_of_namesakes_is_the_one_evaluating_it(world, question: str) -> None:
    # only a sheet of that year holds its evaluation: 南原市's namesake ends at R4
    a, sheets = world
    result = next(e.result for e in sheets[WASTE].evaluations if e.stage == "secondary")
    ans = a.ask(question)
    assert ans.answerable and result and result in ans.answer and "南原市" not in ans.answer, ans.answer


def test_since_when_is_no_any_year_filter() -> None:
    from assistant.kinds.across import _IN_ANY_YEAR

    assert _IN_ANY_YEAR.search("財源に市債が入ってる年度がある事業") and _IN_ANY_YEAR.search("which projects ever used bonds")
    assert not _IN_ANY_YEAR.search("市債が入ってる事業は？どの年度から入ってる？")


@pytest.mark.parametrize("question", ["総事業費が大きい順に上位6事業を教えて", "Rank the top 6 projects by total cost."])
def test_namesakes_in_a_ranking_are_told_apart_by_city(world, question: str) -> None:
    # 郡山市's and 南原市's ごみ減量推進事業 are two projects: each line says whose
    a, _ = world
    ans = a.ask(question)
    assert ans.answerable and f"{WASTE}（郡山市）" in ans.answer and f"{WASTE}（南原市）" in ans.answer, ans.answer


def test_namesakes_in_a_filter_count_as_two_projects(world) -> None:
    # 郡山市's and 南原市's ごみ減量推進事業 are counted apart, as their lines name them apart
    a, sheets = world
    with_it = {(s.project.name, s.municipality) for s in sheets.values()
               if (c := s.cost(s.target_fy)) is not None and c.national_prefectural}
    ans = a.ask("国・県支出金がある事業は何件？")
    assert ans.answerable and f"{len(with_it)}件" in ans.answer and f"{WASTE}（南原市）" in ans.answer, ans.answer
    # (the count the answer states is a fact of the same number)
    assert [x.value for x in ans.facts if x.field == "count"] == [len(with_it)], ans.facts
