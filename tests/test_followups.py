"""Questions about a list the conversation just gave (assistant/followups.py): 「その3つを合計すると？」."""

from __future__ import annotations

import pytest

from assistant.answer import Answer, Fact
from assistant.followups import on_figures_before


def _ranking() -> Answer:
    rows = [("A事業", 802_558), ("B事業", 99_129), ("C事業", 75_464), ("D事業", 70_001)]
    facts = [Fact(sheet_id=f"s{i}", project=p, indicator="一般財源等", row="一般財源等", fy=2024, field="general_revenue",
                  value=v, unit="千円") for i, (p, v) in enumerate(rows)]
    # the text shows the top three; the fourth fact is not part of what the user saw
    text = "2024年度の一般財源等が最も大きいのはA事業の802,558千円です。\n続いてB事業（99,129千円）、C事業（75,464千円）です。"
    return Answer(question="一般財源が多い事業トップ3は？", answer=text, facts=facts, intent="ranking")


@pytest.mark.parametrize("question", ["その3つを合計すると？", "それ全部足すといくら？", "What do those add up to in total?"])
def test_the_amounts_listed_before_are_added_up(question: str) -> None:
    a = on_figures_before(question, _ranking())
    assert a is not None
    total = next(f for f in a.facts if f.computed)
    assert total.value == 802_558 + 99_129 + 75_464 and "977,151" in a.answer
    assert {f.project for f in a.facts if not f.computed} == {"A事業", "B事業", "C事業"}  # what was shown, each traceable


@pytest.mark.parametrize("question", ["その3つの総事業費を合計すると？", "R5だと合計は？", "それぞれの課題は？"])
def test_another_question_about_the_list_is_not_a_sum(question: str) -> None:
    assert on_figures_before(question, _ranking()) is None


def test_shares_are_not_added_up() -> None:
    before = _ranking()
    before = before.model_copy(update={"facts": [f.model_copy(update={"unit": "%", "value": 40.5}) for f in before.facts],
                                       "answer": "A事業40.5%、B事業40.5%"})
    assert on_figures_before("その合計は？", before) is None


@pytest.mark.parametrize("question, project", [("大きい順で3番目は？", "C事業"), ("2番目は？", "B事業"), ("And the second?", "B事業"),
                                               ("小さい順で1番目は？", "C事業")])
def test_a_place_in_the_ranking_shown(question: str, project: str) -> None:
    from assistant.followups import nth_of_before

    a = nth_of_before(question, _ranking())
    assert a is not None and [f.project for f in a.facts] == [project], a
    assert f"{a.facts[0].value:,}" in a.answer


def test_a_place_beyond_the_list_shown_is_not_guessed() -> None:
    from assistant.followups import nth_of_before

    assert nth_of_before("4番目は？", _ranking()) is None  # D事業 was never shown


@pytest.mark.parametrize("question", ["その中で人件費が一番少ないのは？", "このうちR5の総事業費が一番大きいのは？"])
def test_a_question_asked_within_the_list_shown(question: str) -> None:
    from assistant.followups import within_list

    got = within_list(question, _ranking())
    assert got is not None
    rest, names = got
    assert names == ["A事業", "B事業", "C事業"] and "その中" not in rest and "このうち" not in rest
    assert ("2024年度" in rest) == ("R5" not in question)  # the list's year, unless the question names one


@pytest.mark.parametrize("question, before, after", [
    ("逆に一番少ないのは？", "直近年度の人件費が一番多いのはどれ？", "直近年度の人件費が一番少ないのはどれ？"),
    ("じゃあ一番小さいのは？", "R6の総事業費が最も大きい事業は？", "R6の総事業費が最も小さい事業は？"),
    ("少ない順だと？", "人件費が多い順に並べて", "人件費が少ない順に並べて"),
])
def test_a_ranking_the_other_way_round(question: str, before: str, after: str) -> None:
    from assistant.followups import flipped

    assert flipped(question, before, "ranking") == after
    assert flipped(question, before, "figure") is None  # only a ranking turns round
    assert flipped("R5の人件費が一番少ないのは？", before, "ranking") is None  # a question of its own


def _about(project: str, value: float) -> Answer:
    fact = Fact(sheet_id="s1", project=project, indicator="町内会の加入率", row="成果指標①", fy=2023, field="actual",
                value=value, unit="%")
    return Answer(question="加入率は？", answer=f"{project}の町内会の加入率は{value}%です。", facts=[fact], intent="figure")


@pytest.mark.parametrize("question", ["もう一個の町内会の事業のほうは？", "もう一つの町内会の事業だと？"])
def test_the_other_project_of_the_store_when_none_was_named_before(question: str) -> None:
    from assistant.chain import Turn
    from assistant.followups import the_other

    history = [Turn("町内会活動支援事業の加入率、2023年度は？", _about("町内会活動支援事業", 61.3))]
    store = ["町内会活動支援事業", "町内会活動推進事業", "地域集会所補助事業"]
    asked = the_other(question, history, store)
    assert asked is not None and asked[1] == ["町内会活動推進事業"]
    # several other projects fit the words: no guess
    assert the_other(question, history, [*store, "町内会館整備事業"]) is None
    assert the_other("もう一個の水道の事業のほうは？", history, store) is None
