"""Projects called by what they are about (#12): 「公園関係の事業」「農業の事業」「防災訓練の事業」 name
no project in full; every project about the words — in its name, an indicator's name or its 目的 —
is answered, not only the one whose name holds them. A katakana word clipped short (プラ) is said
whole, and a project whose sheets end before the year asked is no candidate.

The store holds canonical sheets derived from the seed; expected values are read from those sheets.
"""

from __future__ import annotations

import pytest
from index_support import SEED, store_of, variant_of

from assistant.chain import Assistant
from ingest.model import Sheet
from ingest.normalize import format_number
from ingest.parse import parse_file

PARK, SITING = "都市公園維持管理事業", "立地適正化推進事業"
WATERWAY, VEGETABLES = "農業用水路維持管理事業", "ブランド野菜推進事業"
PLASTIC, GUARDIANSHIP = "プラスチック資源循環事業", "成年後見制度利用促進事業"
DRILLS, ALERTS = "総合防災訓練事業", "防災情報伝達推進事業"
FIRST_AID, FARMLAND = "救急普及啓発推進事業", "耕作放棄地対策解消事業"
CIVIC, CIVIC_SOUTH = "ブランド米振興事業", "北部地区ブランド米育成事業"
ZERO, NEUTRAL = "ゼロカーボンシティ推進事業", "カーボンニュートラル啓発事業"
PURPOSES = {
    PARK: "公園施設を適切に維持し、緑豊かな都市空間を形成する。",
    SITING: "都市機能を誘導し、コンパクトなまちづくりを進める。",
    WATERWAY: "用水路を適切に維持し、営農環境を守る。",
    VEGETABLES: "ブランド野菜を推進し、農業の生産性と収益性の向上を図る。",
    PLASTIC: "プラスチックの資源循環を進め、焼却量を減らす。",
    GUARDIANSHIP: "判断能力が不十分な人の権利を守る。",
    DRILLS: "市民の防災意識を高める。",
    ALERTS: "災害時の情報を確実に伝える。",
    FIRST_AID: "救命率を高める。",
    FARMLAND: "耕作放棄地を減らす。",
    CIVIC: "米の付加価値を高める。",
    CIVIC_SOUTH: "北部地区の生産者を育てる。",
    ZERO: "温室効果ガスの排出を減らす。",
    NEUTRAL: "脱炭素の行動を広める。",
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, dict[str, Sheet]]:
    seed = parse_file(SEED)
    sheets = {
        PARK: variant_of(seed, PARK, 3),
        # 公園 only in a row's name; its sheets end years before R6
        SITING: variant_of(seed, SITING, 4, {"キャッシュレス決済導入施設数": "公園遊具の事故件数"}, years_back=10),
        WATERWAY: variant_of(seed, WATERWAY, 5),
        VEGETABLES: variant_of(seed, VEGETABLES, 6),  # 農業 only in its 目的
        PLASTIC: variant_of(seed, PLASTIC, 7),
        GUARDIANSHIP: variant_of(seed, GUARDIANSHIP, 8, {"キャッシュレス決済導入施設数": "自立支援プランの作成件数"}),
        DRILLS: variant_of(seed, DRILLS, 9),
        ALERTS: variant_of(seed, ALERTS, 10, {"キャッシュレス決済導入施設数": "防災訓練の実施回数"}),
        FIRST_AID: variant_of(seed, FIRST_AID, 11, {"オンライン申請件数": "浸水被害の解消戸数"}),
        FARMLAND: variant_of(seed, FARMLAND, 12),
        CIVIC: variant_of(seed, CIVIC, 13),
        CIVIC_SOUTH: variant_of(seed, CIVIC_SOUTH, 14),
        ZERO: variant_of(seed, ZERO, 15),
        NEUTRAL: variant_of(seed, NEUTRAL, 16),
    }
    for name, sheet in sheets.items():
        for section in sheet.sections:
            if section.key == "purpose":
                section.text = PURPOSES[name]
    return store_of(tmp_path_factory.mktemp("themes"), [SEED], list(sheets.values())), sheets


def _totals(sheet: Sheet) -> set[str]:
    return {format_number(c.total_cost) for c in sheet.costs if c.total_cost is not None}


def _project_cost(sheet: Sheet, fy: int) -> str:
    return format_number(next(c.project_cost for c in sheet.costs if c.fy == fy))


@pytest.mark.parametrize("question, projects", [
    ("公園関係の事業の総事業費教えて", {PARK, SITING}),  # SITING: 公園 in a row's name
    ("公園系の事業って総事業費いくら？", {PARK, SITING}),
    ("農業関係の事業の総事業費は？", {WATERWAY, VEGETABLES}),  # VEGETABLES: 農業 in its 目的
    ("防災訓練の事業の総事業費", {DRILLS, ALERTS}),  # a word of one name, counted by the other's row
])
def test_every_project_about_the_words(world, question: str, projects: set[str]) -> None:
    a, sheets = world
    ans = a.ask(question)
    assert ans.answerable, ans.answer
    for name in projects:
        assert name in ans.answer and any(t in ans.answer for t in _totals(sheets[name])), (name, ans.answer)
    assert {c.project for c in ans.choices} == projects, ans.choices
    others = set(sheets) - projects
    assert not any(name in ans.answer for name in others), ans.answer


def test_a_project_named_in_full_is_that_one(world) -> None:
    a, sheets = world
    ans = a.ask("都市公園維持管理事業の2024年度の事業費は？")
    assert _project_cost(sheets[PARK], 2024) in ans.answer and SITING not in ans.answer, ans.answer
    assert not ans.choices


@pytest.mark.parametrize("question", ["公園関係の事業は？", "農業系の事業って何がある？"])
def test_a_themes_projects_asked_alone_are_listed(world, question: str) -> None:
    a, _ = world
    ans = a.ask(question)
    want = {PARK, SITING} if "公園" in question else {WATERWAY, VEGETABLES}
    assert ans.answerable and all(name in ans.answer for name in want), ans.answer
    assert not any(name in ans.answer for name in {PLASTIC, DRILLS}), ans.answer


@pytest.mark.parametrize("question", [
    "Emergency first-aid awareness project: households freed from flood damage in FY2024, actual?",
    "First-aid awareness program: households freed from flood damage, FY2024 actual?"])
def test_one_word_outside_the_phrase_naming_a_project_names_no_second(world, question: str) -> None:
    # "freed" is 解消, a word of 耕作放棄地対策解消事業's name: said of the row, it names no second project
    a, sheets = world
    ans = a.ask(question)
    ind = next(i for i in sheets[FIRST_AID].indicators if i.name == "浸水被害の解消戸数")
    assert ans.answerable and format_number(ind.value(2024).actual) in ans.answer, ans.answer
    assert FARMLAND not in ans.answer and not ans.choices, ans.answer


def test_a_project_called_by_one_english_word(world) -> None:
    # "the park project": 公園, as 「公園の事業」 is — every project about it
    a, sheets = world
    ans = a.ask("How much did the park project cost?")
    assert ans.answerable and {c.project for c in ans.choices} == {PARK, SITING}, ans.answer
    assert all(any(t in ans.answer for t in _totals(sheets[name])) for name in (PARK, SITING)), ans.answer


def test_more_words_said_of_it_name_that_project(world) -> None:
    a, sheets = world
    ans = a.ask("What was the project cost of the urban park maintenance project in FY2024?")
    assert _project_cost(sheets[PARK], 2024) in ans.answer and SITING not in ans.answer and not ans.choices, ans.answer


def test_a_short_name_two_names_hold(world) -> None:
    # 「ブランド米の事業」 says ブランド米振興事業 short, and 北部地区ブランド米育成事業 holds the same words: each
    a, sheets = world
    ans = a.ask("ブランド米の事業、2024年度の事業費は？")
    assert all(_project_cost(sheets[n], 2024) in ans.answer for n in (CIVIC, CIVIC_SOUTH)), ans.answer
    assert {c.project for c in ans.choices} == {CIVIC, CIVIC_SOUTH}, ans.choices


@pytest.mark.parametrize("question", ["ブランド米振興事業、いちばん新しい年度の総事業費は？", "ブランド米振興事業の一番新しい総事業費いくら？"])
def test_the_newest_year_is_no_ranking_of_years(world, question: str) -> None:
    a, sheets = world
    ans = a.ask(question)
    totals = {c.fy: format_number(c.total_cost) for c in sheets[CIVIC].costs if c.total_cost is not None}
    assert totals[2024] in ans.answer and totals[2022] not in ans.answer, ans.answer


def test_the_project_named_by_the_words_stays_though_its_years_end(world) -> None:
    # 「公園関係の事業、2014年度の…」: SITING reaches 2014, PARK does not — PARK is still answered (no value),
    # never SITING's figure alone as if it were the park project's
    a, sheets = world
    ans = a.ask("公園関係の事業、2014年度の総事業費は？")
    assert PARK in ans.answer and SITING in ans.answer, ans.answer


@pytest.mark.parametrize("question, project, not_project", [
    ("プラの事業、2024年度の事業費は？", PLASTIC, GUARDIANSHIP),  # プラ is プラスチック's, not a piece of 自立支援プラン
    ("公園関係の事業、R6の事業費は？", PARK, SITING),  # no candidate whose sheets end before the year asked
    # 「防災訓練事業」 is 総合防災訓練事業 said short, not 「防災訓練の事業」 (what a project is about)
    ("防災訓練事業の2024年度の事業費は？", DRILLS, ALERTS),
])
def test_one_project_and_not_another(world, question: str, project: str, not_project: str) -> None:
    a, sheets = world
    ans = a.ask(question)
    assert _project_cost(sheets[project], 2024) in ans.answer and not_project not in ans.answer, ans.answer


def test_a_theme_no_name_holds(world) -> None:
    # 「救命関係」: only a 目的 says it — that project, not an ask-back over the store
    a, sheets = world
    ans = a.ask("救命関係の事業の2024年度の事業費は？")
    assert ans.answerable and _project_cost(sheets[FIRST_AID], 2024) in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["カーボン関係の事業の2024年度の事業費は？", "カーボン系の事業、R6の事業費いくら？"])
def test_a_katakana_theme_inside_a_longer_katakana_word(world, question: str) -> None:
    # カーボン of ゼロカーボン counts as well as of カーボンニュートラル (only a short clipped word, プラ,
    # must stand whole)
    a, sheets = world
    ans = a.ask(question)
    assert ans.answerable and all(n in ans.answer and _project_cost(sheets[n], 2024) in ans.answer
                                  for n in (ZERO, NEUTRAL)), ans.answer


def test_zero_in_a_projects_english_name_asks_no_zero(world) -> None:
    # "zero-carbon" names the project; its "zero" asks no year with none: the year asked, alone
    a, sheets = world
    ans = a.ask("How much did the zero-carbon project cost in FY2023?")
    total = next(c.total_cost for c in sheets[ZERO].costs if c.fy == 2023)
    others = {format_number(c.total_cost) for c in sheets[ZERO].costs if c.fy != 2023 and c.total_cost != total}
    assert ans.answerable and format_number(total) in ans.answer, ans.answer
    assert not any(t in ans.answer for t in others), ans.answer
