"""Linking a question's words to the names a store holds: pieces of words, generic parts, kana."""

from __future__ import annotations

import re

import pytest

from assistant.kana import Speller
from assistant.lexicon import normalize
from assistant.link import NameMatcher, covered, read_question, undominated
from assistant.understand import detect_lang, understand


def test_a_generic_word_is_no_evidence_for_a_longer_word_that_starts_with_it() -> None:
    # 「…の事業は？」 asks about projects; 事業所 (a row counting offices) is not what it names
    m = NameMatcher(["市内の事業所", "オンライン申請件数", "担い手への農地集積率"], own_words=False)
    for q in ("成果指標が計画未達の事業は？", "総事業費が一番大きい事業はどれ"):
        assert m.match(read_question(normalize(q)), 0.45) == []
    assert m.match(read_question(normalize("市内の事業所の数は？")), 0.45)[0].name == "市内の事業所"


def test_hiragana_is_spelled_as_the_names_print_it() -> None:
    s = Speller(["放課後児童クラブ", "児童", "設置数", "回収量", "指定管理者", "指定"], strict=True)
    assert s.respell("じどうクラブのせっちすう、r7は?") == "児童クラブの設置数、r7は?"
    assert s.respell("かいしゅうりょうってどのくらい") == "回収量ってどのくらい"
    # verbs and adverbs stay as typed, even when they begin with a name's reading
    for q in ("していない", "しっていた事業"):
        assert s.respell(q) == q


def test_a_word_in_the_dictionarys_other_spelling_is_covered() -> None:
    assert covered("橋りょう修繕完了率", ["修繕が必要な橋梁の修繕完了率"])
    assert not covered("橋りょう点検業者", ["修繕が必要な橋梁の修繕完了率"])


def test_latin_words_inside_a_japanese_question_keep_it_japanese() -> None:
    assert detect_lang("KPIは？") == "ja"
    assert detect_lang("DXの予算いくら") == "ja"
    assert detect_lang("What is the 事業費 of デジタルファースト推進事業?") == "en"
    assert understand("この事業のKPIは？").all_indicators
    assert not understand("成果指標分析結果を見せて").all_indicators


def test_question_words_inside_longer_ones() -> None:
    from assistant.lexicon import lexicon

    lex = lexicon()
    assert not [h for h in lex.find(normalize("コンビニ交付の件数、令和6年度はどれくらい？")) if h.key == "list"]
    assert [h for h in lex.find(normalize("計画未達の事業はどれ？")) if h.key == "list"]
    # a result word before 以外 is that result, negated
    assert [h.key for h in lex.find(normalize("二次評価が継続以外の事業")) if h.group == "result"] == ["継続"]
    assert normalize("the first- and second-stage results") == "the first-stage and second-stage results"


def _rows(names: list[str], question: str) -> list[str]:
    r = read_question(normalize(question))
    said = [(m.start(), m.end()) for m in re.finditer(r"ハザードマップ(事業)?|r\d|平成\d+年度", r.norm)]
    return [m.name for m in undominated(NameMatcher(names, own_words=True).match(r, 0.45), said)]


def test_a_row_owning_only_part_of_what_another_explains_is_not_asked() -> None:
    names = ["ハザードマップに関する説明会の開催回数", "出前講座の開催回数"]
    # the project's name is no word of a row: 説明会 owns only 回数, 出前講座 owns 出前講座 and 回数
    assert _rows(names, "ハザードマップの出前講座の回数 R5") == ["出前講座の開催回数"]
    assert _rows(names, "ハザードマップ事業の出前講座、開催回数は？") == ["出前講座の開催回数"]
    # both named: both asked
    assert set(_rows(names, "ハザードマップの説明会と出前講座の回数")) == set(names)


def test_a_year_is_no_word_of_a_row() -> None:
    # 年度 of 「平成27年度」 is not the 単年度 of 集会所整備数(単年度)
    names = ["集会所整備数(累計)", "集会所整備数(単年度)"]
    assert _rows(names, "集会所の累計整備数は、平成25年度から平成27年度までで何件増えた？")[0] == "集会所整備数(累計)"


def test_which_followed_by_a_verb_asks_which_project_not_which_place() -> None:
    for q in ("Which relied more on general revenue, the tourism project or the food project?",
              "Which spent the most in FY2024?", "which grew faster, A or B?"):
        assert "entity" not in understand(q).ops, q
    for q in ("Which contractor ran the bike share?", "Which schools took part?"):
        assert "entity" in understand(q).ops, q


def test_points_of_a_rate_are_percentage_points_not_scores() -> None:
    f = understand("How many points did the earthquake-proofing rate jump from FY2024 to FY2025?")
    assert "scores" not in f.evals and "change" in f.measures
    f = understand("How many points did the secondary evaluation give for efficiency?")
    assert "scores" in f.evals
    assert "scores" in understand("What were the evaluation points in FY2024?").evals


def test_results_joined_by_ka_are_each_a_result() -> None:
    assert understand("最新の評価で、二次評価が廃止か休止になってる事業を全部教えて").results == ["廃止", "休止"]
    assert understand("完了になったのはどういう判断？").has("why")
    f = understand("Compare the voter turnout for FY2024 and FY2025 — how many points did it change?")
    assert "scores" not in f.evals and "change" in f.measures


def test_a_word_leading_into_a_noun_is_no_part_of_it() -> None:
    # 「健診のあと保健指導を受けた人」: the noun is 保健指導 (あと only says when), as 「そのうち人件費」 asks 人件費
    for q, noun in (("健診のあと保健指導を受けた人は何人？", "保健指導"), ("そのうち人件費は？", "人件費")):
        units = [u.text for u in read_question(normalize(q)).units if u.noun]
        assert noun in units and not any(u != noun and u.endswith(noun) for u in units), units


@pytest.mark.parametrize("word, name, question, names_it", [
    ("子ども", "学校が楽しいと回答した児童生徒の割合", "学校が楽しいと答えた子どもの割合は？", True),
    ("開業", "創業相談件数", "市内で開業した件数って何件？", False),  # 創業 only says what the 相談 are about
    ("子供", "放課後児童クラブの受入児童数", "受け入れた子供の数は？", True),  # 児童, the row's head, by synonym
])
def test_a_synonym_names_a_row_only_as_its_head(word: str, name: str, question: str, names_it: bool) -> None:
    from assistant.query import synonym_heads

    assert synonym_heads(word, name, question) is names_it


def test_a_word_said_whole_in_pieces_of_english_is_the_names_own() -> None:
    # "citizens' college": 市民 + 大学 say 市民大学, a word only 市民大学開催事業 has — named though its 開催
    # is not said, however long the rest of the question (市民, a piece other names share, is no own word)
    from assistant.dictionary import available
    from assistant.link import with_dictionary

    if not available():
        pytest.skip("jamdict-data is not installed")
    names = ["市民大学開催事業", "市民協働推進事業", "市民活動支援事業", "歴史資料館管理運営事業"]
    for text in ("how did the citizens' college do on history museum visitors in fy2025 against its target?",
                 "what did the citizens' college cost?"):
        r = read_question(understand(text).norm)
        start, end = r.norm.index("citizens"), r.norm.index("college") + len("college")
        found = NameMatcher(names, own_words=True).match(with_dictionary(r, start, end), 0.6)
        assert found and found[0].name == "市民大学開催事業", (text, found)


@pytest.mark.parametrize("text,ja", [
    ("history museum visitors", "入館者"), ("turnout at the environmental learning courses", "参加者"),
    ("the household fire alarm installation rate", "住宅用火災警報器"), ("views of the council livestream", "中継"),
    ("how many views did the council-session livestream get", "視聴")])
def test_english_words_staff_use_for_rows_reach_the_words_sheets_print(text: str, ja: str) -> None:
    # visitors of a museum are 入館者 (not only a resort's 入込客); turnout at a course is 参加者
    from assistant.link import english_words

    assert ja in [w for w, _ in english_words(normalize(text))]
