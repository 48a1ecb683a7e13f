"""Linking a question's words to the names a store holds: pieces of words, generic parts, kana."""

from __future__ import annotations

from assistant.kana import Speller
from assistant.lexicon import normalize
from assistant.link import NameMatcher, covered, read_question
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
