"""Words as staff type them against a store of several projects: a kanji the IME chose by its sound
(耐震化律, 一般材源), English names whose words the glossary carries as one phrase ("staff
training") or in the plural ("library services"), a city the store holds no sheet of, and a revenue
row asked as 「財源に入れてる」.

The store holds the seed and canonical JSON sheets derived from it under other projects, each with
its own figures; expected values are read from those sheets, not from the code.
"""

from __future__ import annotations

import pytest
from index_support import SEED, actual_shown, store_of, variant_of

from assistant.chain import Assistant
from assistant.kana import Speller
from ingest.model import Sheet
from ingest.normalize import format_number
from ingest.parse import parse_file

STAFF, TEACHERS, LIBRARY = "職員研修事業", "教職員働き方改革推進事業", "図書館サービス推進事業"
SCHOOL_LIBRARY = "学校図書館充実事業"
DEMENTIA, POSTPARTUM = "認知症総合支援推進事業", "産後ケア推進事業"
CONSULTATIONS, VISITS = "認知症の人への支援に関する相談件数", "家庭訪問の実施件数"
QUAKE = "下水道管路の耐震化率"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, dict[str, Sheet]]:
    seed = parse_file(SEED)
    sheets = {
        STAFF: variant_of(seed, STAFF, 2, {"オンライン申請件数": QUAKE}, costs={2024: {"municipal_bonds": 1234}}),
        TEACHERS: variant_of(seed, TEACHERS, 3),
        LIBRARY: variant_of(seed, LIBRARY, 5),
        SCHOOL_LIBRARY: variant_of(seed, SCHOOL_LIBRARY, 7),
        DEMENTIA: variant_of(seed, DEMENTIA, 11, {"キャッシュレス決済の利用件数": CONSULTATIONS,
                                                  "オンライン申請件数": "認知症サポーター養成講座の受講者数",
                                                  "マイナンバーカードを利用したコンビニでの証明書等発行件数": "認知症カフェの設置数"}),
        "digital_elsewhere": variant_of(seed, "デジタルファースト推進事業", 17, section="ＤＸ戦略課", municipality="東浜町"),
        POSTPARTUM: variant_of(seed, POSTPARTUM, 13, {"キャッシュレス決済導入施設数": VISITS,
                                                      "オンライン申請件数": "産後ケアの利用者数",
                                                      "マイナンバーカードを利用したコンビニでの証明書等発行件数": "母子健康手帳の交付数"}),
    }
    return store_of(tmp_path_factory.mktemp("store_words"), [SEED], list(sheets.values())), sheets


def _cost(sheet: Sheet, fy: int, key: str) -> str:
    return format_number(getattr(next(c for c in sheet.costs if c.fy == fy), key))


@pytest.mark.parametrize("question", ["What was the staff training project's total cost in FY2024?",
                                      "Total cost of the staff training program, FY2024?"])
def test_a_name_the_glossary_says_as_one_phrase_is_that_project(world, question: str) -> None:
    # "staff training" is 職員研修 as one phrase; JMdict's "staff" alone (教職員) names no other project
    a, sheets = world
    ans = a.ask(question)
    assert ans.answerable and _cost(sheets[STAFF], 2024, "total_cost") in ans.answer, ans.answer
    assert _cost(sheets[TEACHERS], 2024, "total_cost") not in ans.answer, ans.answer


def test_an_english_plural_is_the_loanword_of_its_singular(world) -> None:
    # "library services" → 図書館 + サービス (Sudachi knows the loanword only in the singular): not the
    # other project of 図書館 alone
    a, sheets = world
    ans = a.ask("Compare the FY2024 personnel costs of the library services project and the staff training project.")
    assert ans.answerable, ans.answer
    assert _cost(sheets[LIBRARY], 2024, "personnel_cost") in ans.answer, ans.answer
    assert _cost(sheets[STAFF], 2024, "personnel_cost") in ans.answer, ans.answer
    assert SCHOOL_LIBRARY not in ans.answer, ans.answer


@pytest.mark.parametrize("question,key", [("職員研修の一般材源、R6は？", "general_revenue"),
                                          ("職員研修事業の人権費、2024年度いくら？", "personnel_cost")])
def test_a_kanji_typed_by_its_sound_is_the_row_it_sounds_like(world, question: str, key: str) -> None:
    a, sheets = world
    ans = a.ask(question)
    assert ans.answerable and _cost(sheets[STAFF], 2024, key) in ans.answer, ans.answer


def test_an_indicator_typed_by_its_sound_is_that_indicator(world) -> None:
    a, sheets = world
    ans = a.ask("職員研修事業の耐震化律、R6の実績は？")
    assert ans.answerable and actual_shown(sheets[STAFF], QUAKE, 2024) in ans.answer, ans.answer


def test_homophones_leave_words_of_their_own_and_counters() -> None:
    speller = Speller(["使用量", "耐震化率", "研修会開催回数", "投票率"])
    assert speller.homophones("耐震化律の推移") == "耐震化率の推移"
    assert speller.homophones("中田の投標率って") == "中田の投票率って"  # 投 read alone is ナゲ: kanji by kanji
    assert speller.homophones("使用料の推移") == "使用料の推移"  # a word of its own (the lexicon's, JMdict's)
    assert speller.homophones("研修会を10回開催した") == "研修会を10回開催した"  # 10回 is a count
    assert speller.homophones("公園数は？") == "公園数は？"  # two kanji differ from 講演数: no typo of it
    # a spelling of the vocabulary itself, a piece starting inside a word, a kanji inside a word of its own
    both = Speller(["補修件数", "補習件数", "ごみ集積所管理", "用水道整備"])
    for typed in ("補修件数", "補習件数", "文書管理", "用水路整備"):
        assert both.homophones(typed) == typed, typed


@pytest.mark.parametrize("question", ["いわき市の似たような図書館の事業のシートある？コスト比べたい",
                                      "さいたま市では図書館サービスの総事業費はいくら？"])
def test_a_city_the_store_holds_no_sheet_of_is_declined(world, question: str) -> None:
    a, sheets = world
    ans = a.ask(question)
    assert not ans.answerable, ans.answer
    assert _cost(sheets[LIBRARY], 2024, "total_cost") not in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["市債を財源に入れてる郡山の事業ってある？R6で", "R6、市債を財源として使った郡山市の事業は？"])
def test_a_revenue_row_put_into_the_funding_filters_the_projects(world, question: str) -> None:
    a, _ = world
    ans = a.ask(question)
    assert ans.answerable and STAFF in ans.answer and "1,234" in ans.answer, ans.answer
    assert TEACHERS not in ans.answer and LIBRARY not in ans.answer and "どの事業" not in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["図書館サービス推進の事業と学校図書館の事業、R6の一般財源を比べて",
                                      "学校図書館の事業と図書館サービス推進の事業、R6の一般財源を比べて"])
def test_a_word_said_twice_belongs_to_each_name_where_it_is_said(world, question: str) -> None:
    # 図書館 is said in both mentions: 学校図書館充実事業's is the second (or first) one, beside its 学校
    a, sheets = world
    ans = a.ask(question)
    assert ans.answerable, ans.answer
    for name in (LIBRARY, SCHOOL_LIBRARY):
        assert _cost(sheets[name], 2024, "general_revenue") in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["R6の家庭訪問の実施件数と認知症の相談件数、達成率はどっちが高い？",
                                      "Which had the higher FY2024 achievement rate: postpartum home visits or dementia consultations?"])
def test_rows_of_two_projects_joined_in_one_question_are_each_answered(world, question: str) -> None:
    a, sheets = world
    ans = a.ask(question)
    assert ans.answerable, ans.answer
    assert actual_shown(sheets[DEMENTIA], CONSULTATIONS, 2024) in ans.answer, ans.answer
    assert actual_shown(sheets[POSTPARTUM], VISITS, 2024) in ans.answer, ans.answer
    assert "2の事業" not in ans.answer and "2 projects report" not in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["R6の一般財源、職員研修・図書館サービス・学校図書館の3つ並べてほしい",
                                      "Compare the FY2024 general revenue of the school library program and the staff training project."])
def test_names_joined_by_a_dot_or_by_program_and_the_are_each_named(world, question: str) -> None:
    a, sheets = world
    ans = a.ask(question)
    assert ans.answerable, ans.answer
    named = [STAFF, SCHOOL_LIBRARY] + ([LIBRARY] if "・" in question else [])
    for name in named:
        assert _cost(sheets[name], 2024, "general_revenue") in ans.answer, (name, ans.answer)


def test_english_words_typed_one_letter_wrong_are_the_vocabularys() -> None:
    from assistant.typos import retype

    assert "library" in retype("the mobile libary project", "the mobile libary project")
    # a name said in capitals, a word a dictionary knows, and an inflected word stay as typed (never
    # "halted" for "halved", "roads" for "reads")
    assert retype("how did kikuta do", "How did Kikuta do") == "how did kikuta do"
    for typed in ("the planned figures", "which projects halved their cost", "the sheet reads", "remove it"):
        assert retype(typed, typed) == typed, typed


def test_a_library_typed_one_letter_wrong_is_still_the_library(world) -> None:
    a, sheets = world
    ans = a.ask("What was the total cost of the libary services project in FY2024?")
    assert ans.answerable and _cost(sheets[LIBRARY], 2024, "total_cost") in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["デジタルファースト推進事業の総事業費、R6はいくら？", "What was the digital first project's total cost in FY2024?"])
def test_namesakes_of_two_cities_are_two_projects(world, question: str) -> None:
    # the same name and 課 in 郡山市 and 東浜町: each city's figure, said as whose it is
    a, sheets = world
    ans = a.ask(question)
    assert ans.answerable, ans.answer
    assert _cost(sheets["digital_elsewhere"], 2024, "total_cost") in ans.answer, ans.answer
    assert "66,671" in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["郡山市の事業は何件入ってる？名前も", "郡山市の事業は何件ある？事業名も教えて"])
def test_the_names_asked_with_a_count_of_projects(world, question: str) -> None:
    a, _ = world
    ans = a.ask(question)
    assert ans.answerable and STAFF in ans.answer and LIBRARY in ans.answer, ans.answer
