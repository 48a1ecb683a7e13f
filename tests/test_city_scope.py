"""A city named with a project's words (#12): the project of that city the words fit, though another
city's name fits them a little better (「西山市のふるさと納税」: 西山市's ふるさと納税推進事業, not 郡山市's
ふるさと納税事業); and where the city runs no project about them, a decline — never the city's one
project whatever the words (「西山市のスクールソーシャルワーカーの事業費」), unless the words are its in part
(「北辰市の市民協働」: its 協働のまちづくり推進事業, though 南原市's 市民協働推進事業 says them whole).

The store holds canonical sheets derived from the seed; expected values are read from those sheets.
"""

from __future__ import annotations

import pytest
from index_support import SEED, store_of, variant_of

from assistant.chain import Assistant
from ingest.model import Sheet
from ingest.normalize import format_number
from ingest.parse import parse_file

TAX_WEST, TAX_HOME, SSW = "ふるさと納税推進事業", "ふるさと納税事業", "スクールソーシャルワーカー配置事業"
TOGETHER, TOGETHER_SOUTH = "協働のまちづくり推進事業", "市民協働推進事業"  # 北辰市's one project; 南原市's
BRAND = "郡山ブランド野菜振興事業"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, dict[str, Sheet]]:
    seed = parse_file(SEED)
    sheets = {
        TAX_WEST: variant_of(seed, TAX_WEST, 21, section="地域振興課", municipality="西山市"),  # 西山市's one project
        TAX_HOME: variant_of(seed, TAX_HOME, 22, section="財政課"),
        SSW: variant_of(seed, SSW, 23, section="教育研究課"),
        TOGETHER: variant_of(seed, TOGETHER, 24, section="協働推進課", municipality="北辰市"),
        TOGETHER_SOUTH: variant_of(seed, TOGETHER_SOUTH, 25, section="市民協働課", municipality="南原市"),
        BRAND: variant_of(seed, BRAND, 26, section="農政課", municipality="東浜町"),  # 郡山 in another city's name
        "earlier": variant_of(seed, TAX_HOME, 27, section="財政課", years_back=1),  # a second sheet of one project
    }
    return store_of(tmp_path_factory.mktemp("city_scope"), [SEED], list(sheets.values())), sheets


@pytest.mark.parametrize("question", ["西山市のふるさと納税の事業費は？",
                                      "How much did Nishiyama's hometown tax donation project cost in FY2024?"])
def test_a_city_named_picks_its_project_the_words_fit(world, question: str) -> None:
    # 郡山市's ふるさと納税事業 fits the words a little better; the city named has ふるさと納税推進事業
    a, sheets = world
    ans = a.ask(question)
    west, home = (next(c.project_cost for c in sheets[k].costs if c.fy == 2024) for k in (TAX_WEST, TAX_HOME))
    assert ans.answerable and format_number(west) in ans.answer and format_number(home) not in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["西山市のスクールソーシャルワーカーの事業費はいくら？",
                                      "How much does Nishiyama spend on school social workers?"])
def test_a_city_named_with_another_citys_project_is_declined(world, question: str) -> None:
    # 西山市 runs no such project: its one project's figure is no answer
    a, sheets = world
    ans = a.ask(question)
    west = next(c.project_cost for c in sheets[TAX_WEST].costs if c.fy == 2024)
    assert not ans.answerable and format_number(west) not in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["北辰市の市民協働の事業費は？", "北辰市の市民協働の事業の事業費は？"])
def test_a_citys_one_project_said_in_part_is_that_project(world, question: str) -> None:
    a, sheets = world
    ans = a.ask(question)
    cost = next(c.project_cost for c in sheets[TOGETHER].costs if c.fy == 2024)
    assert ans.answerable and format_number(cost) in ans.answer, ans.answer


@pytest.mark.parametrize("question, sheets, projects", [
    ("郡山以外の自治体のシートって何件入ってる？", 4, 4),
    ("郡山市のシートって何枚入ってる？", 4, 3),
    ("How many sheets from Koriyama are in here?", 4, 3),
])
def test_the_sheets_of_a_city_are_counted(world, question: str, sheets: int, projects: int) -> None:
    # 「郡山以外」 is the city set aside, not 郡山ブランド野菜振興事業; the sheets counted, then their projects
    a, _ = world
    ans = a.ask(question)
    assert ans.answerable and f"{sheets}" in ans.answer and f"{projects}" in ans.answer, ans.answer
    said = "シートは" if ans.answer.startswith(("郡山", "西山", "北辰", "南原")) or "シート" in ans.answer else "sheets"
    assert said in ans.answer and not ans.answer.startswith(BRAND), ans.answer


@pytest.mark.parametrize("question", ["Which municipalities' sheets are in the store besides 郡山市?",
                                      "Which cities' sheets are here apart from Koriyama?",
                                      "郡山市以外だとどこの自治体のシートが入ってる？"])
def test_the_cities_besides_one_are_listed(world, question: str) -> None:
    a, _ = world
    ans = a.ask(question)
    assert ans.answerable and all(c in ans.answer for c in ("西山市", "北辰市", "南原市", "東浜町")), ans.answer
    assert "郡山市の事業" not in ans.answer and "for 郡山市" not in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["いわき市の協働のまちづくり推進事業の事業費は？",
                                      "What did Iwaki City's 協働のまちづくり推進事業 cost in FY2024?"])
def test_a_city_the_store_lacks_is_declined_naming_whose_sheet_it_holds(world, question: str) -> None:
    # いわき市 has no sheet here: the decline names the city whose project of that name the store holds
    a, _ = world
    ans = a.ask(question)
    assert not ans.answerable and "北辰市" in ans.answer, ans.answer
