"""Words staff use for projects and rows (#12): English names of things the glossary must carry
("kids' cafeteria", "residential fire alarm", "home purchase"), a place spelled as people say it ("Hiwada" for
日和田, which Sudachi reads ヒワタ), the city said short before a project (「郡山の…事業」), 「何で」 asking
why, 「開始はいつから」 asking the 背景, a range said with its bases ("from the FY2022 actual to the
FY2024 plan"), a row two projects share, asked of a year only one of them reaches; follow-ups
(「その２つ、前年度と比べて」, "what do they plan to do next"), a city's sheet called by what it is
about ("the Minamihara fire brigade sheet"), a Western year said bare (「2024の実績」), and a short row
inside the words naming a longer one, and 「町内会の事業費」 (事業費 is a cost: the project whose name
it is, not every project with a 町内会 row).

The store holds canonical sheets derived from the seed; expected values are read from those sheets.
"""

from __future__ import annotations

import pytest
from index_support import SEED, actual_shown, store_of, variant_of

from assistant.chain import Assistant
from assistant.understand import understand
from ingest.model import Sheet
from ingest.normalize import format_number
from ingest.parse import parse_file

CAFE, HIWADA, FIRE = "子ども食堂推進事業", "日和田地区歩道整備事業", "消防団活動事業"
SIDEWALKS, FARMLAND = "歩道整備事業", "耕作放棄地対策解消事業"
SMART, DAMAGE = "スマート農業導入支援事業", "農作物の鳥獣被害額"
SATISFIED = "公共交通の利用に満足している市民の割合"
STORMWATER = "雨水幹線整備事業"
ASSEMBLY, ASSEMBLY_TALKS = "議会広報発信事業", "議会に関する出前講座の開催回数"
SPORTS, SPORTS_OLD = "スポーツ大会誘致推進事業", "スポーツ大会誘致事業"
HOMES, FAMILY = "住宅取得支援事業", "ファミリー・サポート・センター事業"  # "support" spelled サポート in the other
NEIGHBOURHOOD = "町内会活動推進事業"  # its target row 町内会・自治会 is another project's target too


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, dict[str, Sheet]]:
    seed = parse_file(SEED)
    sheets = {
        CAFE: variant_of(seed, CAFE, 2, {"オンライン申請件数": "待機児童数"}),
        HIWADA: variant_of(seed, HIWADA, 3, {"オンライン申請件数": "歩道整備延長", "キャッシュレス決済の利用件数": SATISFIED}),
        SIDEWALKS: variant_of(seed, SIDEWALKS, 7, {"オンライン申請件数": "歩道整備延長"}),  # "sidewalk" alone: either
        "training": variant_of(seed, "職員研修実施事業", 13),  # 「…実施の事業」 is no name of it
        STORMWATER: variant_of(seed, STORMWATER, 14),
        # 出前講座 counted by a project ended years ago, and (worded longer) by one that reaches R6
        "lectures_old": variant_of(seed, "避難所環境整備推進事業", 15, {"オンライン申請件数": "出前講座の開催回数"}, years_back=10),
        ASSEMBLY: variant_of(seed, ASSEMBLY, 16, {"オンライン申請件数": ASSEMBLY_TALKS}),
        "cafe_south": variant_of(seed, CAFE, 8, {"オンライン申請件数": "待機児童数"}, municipality="南原市"),
        "fire_south": variant_of(seed, FIRE, 9, municipality="南原市"),
        # 南原市's farmland project, its sheets ending years before R6
        "farm_south": variant_of(seed, FARMLAND, 10, {"オンライン申請件数": "農地の再生面積"}, years_back=3, municipality="南原市"),
        FIRE: variant_of(seed, FIRE, 4, {"オンライン申請件数": "住宅用火災警報器の設置率"}),
        SPORTS: variant_of(seed, SPORTS, 5, {"オンライン申請件数": "大会参加者数",
                                             "キャッシュレス決済導入施設数": "スポーツ大会の誘致件数"}),
        # the same row, its sheets ten years earlier
        SPORTS_OLD: variant_of(seed, SPORTS_OLD, 6, {"オンライン申請件数": "大会参加者数"}, years_back=10),
        NEIGHBOURHOOD: variant_of(seed, NEIGHBOURHOOD, 17, {"市民": "町内会・自治会"}),
        "ballots": variant_of(seed, "選挙啓発推進事業", 18, {"市民": "町内会・自治会"}),
        HOMES: variant_of(seed, HOMES, 19),
        FAMILY: variant_of(seed, FAMILY, 20),
    }
    smart = variant_of(seed, SMART, 11, {"オンライン申請件数": DAMAGE})
    for ind in smart.indicators:
        if ind.name == DAMAGE:
            ind.unit = "千円"  # a row of money, with its interim and final targets
    sheets[SMART] = smart
    return store_of(tmp_path_factory.mktemp("staff_words"), [SEED], list(sheets.values())), sheets


@pytest.mark.parametrize("question, project, row", [
    # (the seed's row counts in 件: "how many children" would ask for 人)
    ("Kids' cafeteria program: what was the waiting list in FY2024?", CAFE, "待機児童数"),
    ("Hiwada sidewalk project: how long were the sidewalks built in FY2024?", HIWADA, "歩道整備延長"),
    ("Fire brigade activities: residential fire alarm installation rate in FY2024?", FIRE, "住宅用火災警報器の設置率"),
])
def test_english_words_for_projects_and_rows(world, question: str, project: str, row: str) -> None:
    a, sheets = world
    ans = a.ask(question)
    assert ans.answerable and project in ans.answer and actual_shown(sheets[project], row, 2024) in ans.answer, ans.answer
    assert not ans.choices, ans.choices


def test_the_city_said_short_before_a_project(world) -> None:
    # 「郡山の子ども食堂事業」: 郡山 is the city whose sheets these are (南原市 has a namesake), no
    # unknown project
    a, sheets = world
    ans = a.ask("郡山の子ども食堂事業、R6の待機児童数は？")
    assert ans.answerable and actual_shown(sheets[CAFE], "待機児童数", 2024) in ans.answer, ans.answer
    assert actual_shown(sheets["cafe_south"], "待機児童数", 2024) not in ans.answer, ans.answer


def test_a_row_two_projects_share_asked_of_a_year_one_reaches(world) -> None:
    # 「スポーツ大会の参加者」: 大会参加者数 of the project whose sheets reach R6, not of the one ended
    # years before; 「スポーツ大会」 heads no other row (大会参加者数 holds 大会)
    a, sheets = world
    ans = a.ask("スポーツ大会の参加者、R5→R6で何％伸びた？")
    assert ans.answerable and all(actual_shown(sheets[SPORTS], "大会参加者数", fy) in ans.answer for fy in (2023, 2024)), ans.answer
    assert SPORTS_OLD not in ans.answer.replace(SPORTS, ""), ans.answer


def test_when_it_started_is_the_background(world) -> None:
    a, sheets = world
    ans = a.ask("子ども食堂推進事業、開始はいつから？")
    background = next(s.text for s in sheets[CAFE].sections if s.key == "background")
    assert ans.answerable and background[:20] in ans.answer, ans.answer


@pytest.mark.parametrize("question, why", [
    ("子ども食堂推進事業って何で継続になったの？", True),
    ("待機児童数、何で減ったの？", True),
    ("利用料は何で払えるの？", False),  # by what, not why
    ("何でもいいので多い順に並べて", False),
])
def test_nande_asks_why_where_a_result_or_change_follows(question: str, why: bool) -> None:
    f = understand(question)
    assert f.has("why") is why
    if "継続" in question:
        assert "継続" in f.results


def test_a_range_said_with_its_bases() -> None:
    f = understand("Municipal bonds from the FY2022 actual to the FY2024 plan?")
    assert f.years == [2022, 2024] and f.year_range


def _cost(sheet: Sheet, fy: int, field: str) -> str:
    return format_number(next(getattr(c, field) for c in sheet.costs if c.fy == fy))


def test_those_two_rows_against_the_year_before(world) -> None:
    # 「事業費は？」「人件費も」「その２つ、前年度と比べて」: both rows, the year discussed against the one before
    from assistant.chain import Turn

    a, sheets = world
    history: list[Turn] = []
    for question in ("子ども食堂推進事業の2024年度の事業費は？", "人件費も"):
        history.append(Turn(question=question, answer=a.ask(question, history=history)))
    ans = a.ask("その２つ、前年度と比べてどう変わった？", history=history)
    cafe = sheets[CAFE]
    for field in ("project_cost", "personnel_cost"):
        assert _cost(cafe, 2023, field) in ans.answer and _cost(cafe, 2024, field) in ans.answer, ans.answer
    assert _cost(cafe, 2022, "project_cost") not in ans.answer, ans.answer


@pytest.mark.parametrize("first, follow", [
    ("What was the total cost of the kids' cafeteria program in FY2024?", "And what do they plan to do next?"),
    ("How many kids were on the waiting list of the kids' cafeteria program in FY2024?",
     "What does the sheet plan to do about it?")])
def test_what_they_plan_to_do_is_no_plan_figure(world, first: str, follow: str) -> None:
    # what the project will do next is the direction its comments and kaizen plan give
    from assistant.chain import Turn

    a, _ = world
    ans = a.ask(follow, history=[Turn(question=first, answer=a.ask(first))])
    assert ans.citations and not any(f.field in ("plan", "actual", "total_cost") for f in ans.facts), ans.answer


def test_a_summary_of_a_section_and_the_key_figures(world) -> None:
    a, sheets = world
    ans = a.ask("Give me a quick summary of the kids' cafeteria sheet: purpose and the latest key figures.")
    purpose = next(s.text for s in sheets[CAFE].sections if s.key == "purpose")
    assert purpose[:15] in ans.answer and actual_shown(sheets[CAFE], "待機児童数", 2024) in ans.answer, ans.answer


def test_a_citys_sheet_called_by_what_it_is_about(world) -> None:
    # "the Minamihara fire brigade sheet": of 南原市's projects, the one about it; "the Minamihara farmland
    # sheet": its farmland project (whose sheets end before R6: its plan) — never each of the city's
    # other figures as if it were the one asked
    a, sheets = world
    ans = a.ask("What was the FY2024 total cost on the Minamihara fire brigade sheet?")
    assert _cost(sheets["fire_south"], 2024, "total_cost") in ans.answer, ans.answer
    assert _cost(sheets["cafe_south"], 2024, "total_cost") not in ans.answer and not ans.choices, ans.answer
    ans = a.ask("What was the FY2024 total cost on the Minamihara farmland sheet?")
    assert FARMLAND in ans.answer and "plan" in ans.answer, ans.answer
    assert not any(_cost(sheets[k], 2024, "total_cost") in ans.answer for k in ("fire_south", "cafe_south")), ans.answer


def test_how_much_a_money_rows_targets_are_asked_with_ikutsu(world) -> None:
    # 「目標値はいくつ？」 of a row named that counts money: its values, no count asked
    a, sheets = world
    ans = a.ask("スマート農業の鳥獣被害額、中間指標と最終指標の目標値はいくつ？")
    ind = next(i for i in sheets[SMART].indicators if i.name == DAMAGE)
    assert ans.answerable and all(format_number(m.value) in ans.answer for m in ind.milestones), ans.answer


def test_namesakes_evaluations_say_whose(world) -> None:
    # two cities' 子ども食堂推進事業: each line says its city
    a, _ = world
    ans = a.ask("What's the evaluation result for the kids' cafeteria project?")
    assert f"{CAFE}（郡山市）" in ans.answer and f"{CAFE}（南原市）" in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["南原市の歩道整備のシート、2024年度の総事業費は？",
                                      "What was the FY2024 total cost on the Minamihara sidewalk sheet?"])
def test_a_citys_sheet_about_what_none_of_its_projects_is(world, question: str) -> None:
    # 歩道整備 is 郡山市's (two projects), none of 南原市's: declined, none of 南原市's figures given
    a, sheets = world
    ans = a.ask(question)
    assert not ans.answerable, ans.answer
    south = ("fire_south", "cafe_south", "farm_south")
    assert not any(_cost(sheets[k], 2024, "total_cost") in ans.answer for k in south), ans.answer


@pytest.mark.parametrize("question, years", [
    ("雨水幹線のLED化した灯数、2024の実績と計画教えて", [2024]), ("２０２４の総事業費は？", [2024]),
    ("2023と2024の事業費", [2023, 2024]), ("件数は2024件でした", [])])
def test_a_western_year_said_bare(question: str, years: list[int]) -> None:
    assert understand(question).years == years


def test_a_short_row_inside_the_words_of_a_longer_one(world) -> None:
    # 市民 (the 対象指標) is a word of 「…満足してる市民の割合」, not the row asked
    a, sheets = world
    ans = a.ask("日和田地区歩道整備事業、公共交通に満足してる市民の割合の2024年度実績は？")
    assert SATISFIED in ans.answer and actual_shown(sheets[HIWADA], SATISFIED, 2024) in ans.answer, ans.answer
    assert "「市民」" not in ans.answer, ans.answer


def test_projects_carried_out_in_a_year_are_no_project_name(world) -> None:
    # 「2023年度実施の事業」: the projects of that year, not a project named …実施事業
    a, _ = world
    ans = a.ask("2024年度実施の事業で、人件費が一番多いのは？金額も")
    assert "最も" in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["What were the total project costs of the stormwater trunk line project in FY2024?",
                                      "Stormwater trunk line: total project costs, FY2024?"])
def test_total_project_costs_of_a_project_named_in_english(world, question: str) -> None:
    a, sheets = world
    ans = a.ask(question)
    assert ans.answerable and _cost(sheets[STORMWATER], 2024, "total_cost") in ans.answer, ans.answer


def test_a_row_worded_longer_whose_project_reaches_the_years(world) -> None:
    # 「議会の出前講座、R4〜R6」: not the H27-era project's 出前講座の開催回数, which ends years before
    a, sheets = world
    ans = a.ask("議会の出前講座、R4〜R6の実績の推移は？")
    assert ans.answerable and all(actual_shown(sheets[ASSEMBLY], ASSEMBLY_TALKS, fy) in ans.answer for fy in (2022, 2023, 2024)), ans.answer


@pytest.mark.parametrize("question, op", [("R6実績でいちばん達成率が低かった活動指標はどの事業の何？", "min"),
                                          ("一番総事業費が少ない事業は？", "min"), ("いちばん達成率が高かったのは？", "max")])
def test_ichiban_said_apart_from_its_adjective(question: str, op: str) -> None:
    f = understand(question)
    assert op in f.ops and ({"min", "max"} - {op}).isdisjoint(f.ops), f.ops


def test_an_english_ordinal_indicator_past_those_set(world) -> None:
    # "the fourth outcome indicator" of a sheet setting three: declined with the ones it sets
    a, _ = world
    ans = a.ask("What was the fourth outcome indicator of the kids' cafeteria program in FY2024?")
    assert not ans.answerable and "no. 4" in ans.answer, ans.answer
    assert understand("the second activity indicator").kind_no == 2


@pytest.mark.parametrize("question", ["町内会の事業費、R5→R6で何％減った？", "町内会の事業費ってR6いくらだった？"])
def test_a_cost_after_a_word_of_a_name_is_that_projects(world, question: str) -> None:
    # 「町内会の事業費」: 事業費 is no 「の事業」 naming a theme — 選挙啓発推進事業 only counts 町内会 as a row
    a, sheets = world
    ans = a.ask(question)
    cost = next(c.project_cost for c in sheets[NEIGHBOURHOOD].costs if c.fy == 2024)
    assert ans.answerable and format_number(cost) in ans.answer and "選挙啓発" not in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["How much did the home purchase support project cost in FY2024?",
                                      "Home-buying support project: total cost for FY2024?"])
def test_a_project_named_in_english_words_the_glossary_carries(world, question: str) -> None:
    # "home purchase" is 住宅取得: not the サポート of ファミリー・サポート・センター事業 that "support" spells
    a, sheets = world
    ans = a.ask(question)
    cost = next(c.total_cost for c in sheets[HOMES].costs if c.fy == 2024)
    assert ans.answerable and format_number(cost) in ans.answer and FAMILY not in ans.answer, ans.answer



@pytest.mark.parametrize("question", ["デジタルファースト推進事業の総事業費の内訳は？", "デジタルファースト推進事業のR6総事業費、内訳わかる？"])
def test_the_breakdown_of_the_total_is_answered(world, question: str) -> None:
    # 事業費 inside 総事業費 is the total's part, not the row whose parts are asked
    a, _ = world
    cost = parse_file(SEED).cost(2024)
    assert cost is not None and cost.project_cost is not None and cost.personnel_cost is not None
    ans = a.ask(question)
    assert ans.answerable and format_number(cost.project_cost) in ans.answer and format_number(cost.personnel_cost) in ans.answer, ans.answer
