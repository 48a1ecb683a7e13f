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


def _scorecard() -> Answer:
    rows = [("職員研修の開催回数", "活動指標②", 80, 100, 80.0, "回"), ("納税相談件数", "活動指標③", 2993, 3800, 78.8, "件"),
            ("研修受講者の理解度", "成果指標②", 95.2, 96, 99.2, "%")]
    facts, lines = [], []
    for name, label, actual, plan, rate, unit in rows:
        facts += [Fact(sheet_id="s1", project="A事業", indicator=name, row=label, fy=2024, field="actual", value=actual, unit=unit),
                  Fact(sheet_id="s1", project="A事業", indicator=name, row=label, fy=2024, field="plan", value=plan, unit=unit),
                  Fact(sheet_id="s1", project="A事業", indicator=name, row=label, fy=2024, field="rate", value=rate, unit="%",
                       computed=True)]
        lines.append(f"・{label}「{name}」：実績{actual:,}{unit}（計画{plan:,}{unit}、達成率{rate:g}%）")
    return Answer(question="R6に計画を下回った指標は？", answer="\n".join(["A事業の指標のうち、計画に届かなかったのは3件です。", *lines]),
                  facts=facts, intent="figure")


@pytest.mark.parametrize(("question", "row"), [("その中で達成率が一番低いのは？", "納税相談件数"),
                                               ("このうち達成率がいちばん高いのはどれ？", "研修受講者の理解度"),
                                               ("Among them, which has the lowest achievement rate?", "納税相談件数")])
def test_the_lowest_rate_among_the_rows_listed(question: str, row: str) -> None:
    from assistant.followups import extreme_of_rows

    a = extreme_of_rows(question, _scorecard())
    assert a is not None and f"「{row}」" in a.answer
    assert {f.indicator for f in a.facts} == {row} and {f.field for f in a.facts} == {"rate", "actual", "plan"}


@pytest.mark.parametrize("question", ["その中でR6の総事業費が一番大きいのは？", "その中で達成率は？", "達成率が一番低い事業は？"])
def test_not_a_superlative_of_the_rows_listed(question: str) -> None:
    from assistant.followups import extreme_of_rows

    assert extreme_of_rows(question, _scorecard()) is None


def _one_figure(project: str, value: int) -> Answer:
    fact = Fact(sheet_id=project, project=project, indicator="オンライン申請件数", row="成果指標②", fy=2023, field="actual",
                value=value, unit="件")
    return Answer(question="?", answer=f"{project}のオンライン申請件数は、2023年度は実績{value:,}件です。", facts=[fact],
                  intent="figure")


@pytest.mark.parametrize("question", ["合計で？", "2つ合わせると何件？", "差は？"])
def test_figures_of_the_last_two_turns_combined(question: str) -> None:
    from assistant.chain import Turn
    from assistant.followups import two_turns_compared

    history = [Turn("デジタルデバイド対策のオンライン申請件数、2023年度の実績は？", _one_figure("B事業", 455_176)),
               Turn("デジタルファースト推進事業だと？", _one_figure("A事業", 291_289))]
    both = two_turns_compared(history)
    assert both is not None
    a = on_figures_before(question, both)
    assert a is not None
    want = 455_176 + 291_289 if "差" not in question else 455_176 - 291_289
    assert f"{want:,}" in a.answer
    # the same project twice, or another row: nothing to combine
    assert two_turns_compared([history[1], history[1]]) is None


def test_two_rates_differ_by_points() -> None:
    facts = [Fact(sheet_id=p, project=p, indicator="集積率", row="成果指標①", fy=2023, field="actual", value=v, unit="%")
             for p, v in (("A事業", 59.2), ("B事業", 42.7))]
    before = Answer(question="?", answer="A事業は59.2%、B事業は42.7%です。", facts=facts, intent="figure")
    a = on_figures_before("差は？", before)
    assert a is not None and "16.5ポイント" in a.answer


def test_the_figure_of_the_same_year_in_a_longer_answer_before() -> None:
    from assistant.chain import Turn
    from assistant.followups import two_turns_compared

    years = [Fact(sheet_id="b", project="B事業", indicator="オンライン申請件数", row="成果指標②", fy=fy, field="actual",
                  value=v, unit="件") for fy, v in ((2022, 410_000), (2023, 455_176))]
    listed = Answer(question="?", answer="B事業のオンライン申請件数は、2022年度は410,000件、2023年度は455,176件です。",
                    facts=years, intent="trend")
    history = [Turn("B事業のオンライン申請件数の推移は？", listed), Turn("A事業の同じ年は？", _one_figure("A事業", 291_289))]
    both = two_turns_compared(history)
    assert both is not None
    a = on_figures_before("差額は？", both)
    assert a is not None and f"{455_176 - 291_289:,}" in a.answer


def _row_figure(row: str, label: str, value: int) -> Answer:
    fact = Fact(sheet_id="h", project="地域集会所補助事業", indicator=row, row=label, fy=2015, field="actual",
                value=value, unit="件")
    return Answer(question="?", answer=f"地域集会所補助事業の{label}「{row}」は、2015年度は実績{value:,}件です。",
                  facts=[fact], intent="figure")


@pytest.mark.parametrize("question", ["合わせると何件？", "2つ足すと？"])
def test_two_rows_of_one_project_from_the_last_two_turns_combined(question: str) -> None:
    from assistant.chain import Turn
    from assistant.followups import two_turns_compared

    # 「借地料補助は？」「借家料のほうは？」「合わせると？」: two rows of the same project, in the same unit
    history = [Turn("借地料補助はH27で何件？", _row_figure("借地料補助件数", "活動指標③", 123)),
               Turn("借家料のほうは？", _row_figure("借家料補助件数", "活動指標②", 14))]
    both = two_turns_compared(history)
    assert both is not None
    a = on_figures_before(question, both)
    assert a is not None and "137件" in a.answer and "借地料補助件数" in a.answer and "借家料補助件数" in a.answer, a.answer


def test_the_actuals_of_the_years_shown_are_added_up() -> None:
    # each year's actual shown with its plan and rate: 「今の3つを足すと？」 adds the actuals
    facts = [Fact(sheet_id="s", project="A事業", indicator="売却額", row="成果指標①", fy=fy, field=field, value=v, unit=u)
             for fy, a, p in ((2023, 132_609, 120_000), (2024, 163_282, 140_000), (2025, 180_419, 160_000))
             for field, v, u in (("actual", a, "千円"), ("plan", p, "千円"), ("rate", round(a / p * 100, 1), "%"))]
    text = "".join(f"{f.fy}年度は実績{f.value:,}千円" for f in facts if f.field == "actual") + \
        "".join(f"計画{f.value:,}千円" for f in facts if f.field == "plan") + \
        "".join(f"達成率{f.value}%" for f in facts if f.field == "rate")
    a = on_figures_before("今の3つを足すと？", Answer(question="?", answer=text, facts=facts, intent="trend"))
    assert a is not None and f"{132_609 + 163_282 + 180_419:,}" in a.answer, a


def test_that_one_of_a_ranking_keeps_the_year_ranked() -> None:
    from assistant.followups import top_of_ranking

    # 「そこの人件費比率」 after 「R6の総事業費が一番小さい事業」: the first project, asked in 2024
    assert top_of_ranking("そこの人件費比率", _ranking()) == ["A事業"]
    assert top_of_ranking("それぞれの人件費は？", _ranking()) is None
