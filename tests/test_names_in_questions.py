"""How a question names its project, in the words staff type (#12): a place spelled in Latin letters
that folds to three ("Ouse" for 逢瀬), a heading before a colon ("Ouse tourism promotion: …"), an
English gloss before the name in brackets ("Elderly longevity gift program (敬老祝金)"), a verb of the
question that is no name ("were held" is no 開催支援事業), two names one mention fits equally (both
answered, or the one that has the row asked), 「…の事業と…」, and what a project does or whether it
has ended (「何やってるの？」「もう終わりなの？」).

The store holds canonical sheets derived from the seed; expected values are read from those sheets.
"""

from __future__ import annotations

import pytest
from index_support import SEED, store_of, variant_of

from assistant.chain import Assistant, Turn
from ingest.model import Sheet
from ingest.normalize import format_number
from ingest.parse import parse_file

OUSE, GIFT, DRILLS, EVENTS = "逢瀬地区観光振興事業", "敬老祝金事業", "防災情報伝達推進事業", "観光イベント開催支援事業"
NET_RUN, NET_RENEW = "庁内ネットワーク管理運営事業", "庁内ネットワーク更新事業"
SATISFACTION, DRILL_ROW = "庁内ネットワークの利用者満足度", "防災訓練の実施回数"
UNSET = "成年後見制度利用促進事業"
REVIVAL, ASSOCIATION, COUNCIL = "地域コミュニティ活性化事業", "町内会活動推進事業", "議会広報発信事業"
CASHLESS = "キャッシュレス決済推進事業"
BRAND, TABLETS = "郡山ブランド野菜振興事業", "一人一台端末の利用者満足度"
LATER_SAID = "なお、「キャッシュレス決済導入施設数」の2028年度の計画値は、次期実施計画の策定にあわせて設定する予定である。"
UNSET_SAID = "成果指標は設定していないが、相談体制の整備状況から、制度の利用促進に一定の効果があったものと考えられる。"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, dict[str, Sheet]]:
    seed = parse_file(SEED)
    sheets = {
        OUSE: variant_of(seed, OUSE, 3),
        GIFT: variant_of(seed, GIFT, 4),
        DRILLS: variant_of(seed, DRILLS, 5, {"マイナポータルを用いた延べ申請手続き数": DRILL_ROW,
                                             "キャッシュレス決済の利用件数": TABLETS}),
        EVENTS: variant_of(seed, EVENTS, 6),
        NET_RUN: variant_of(seed, NET_RUN, 7, {"オンライン申請件数": SATISFACTION}),
        NET_RENEW: variant_of(seed, NET_RENEW, 8, secondary="完了"),
        UNSET: variant_of(seed, UNSET, 9),
        CASHLESS: variant_of(seed, CASHLESS, 10, years_back=10),  # a project named by a row's words, years back
        BRAND: variant_of(seed, BRAND, 11, municipality="北辰市"),  # the store's main city in another city's name
    }
    # a sheet setting no outcome indicator, whose analysis says so and why
    sheets[UNSET].indicators = [i for i in sheets[UNSET].indicators if i.kind != "outcome"]
    for section in sheets[UNSET].sections:
        if section.key == "outcome_analysis":
            section.text = UNSET_SAID
        if section.key == "activity_analysis":
            section.text += LATER_SAID
    return store_of(tmp_path_factory.mktemp("names"), [SEED], list(sheets.values())), sheets


def _value(sheet: Sheet, name: str, fy: int) -> str:
    ind = next(i for i in sheet.indicators if i.name == name)
    v = ind.value(fy)
    assert v is not None and v.actual is not None
    return format_number(v.actual)


def _total(sheet: Sheet, fy: int) -> str:
    return format_number(next(c.total_cost for c in sheet.costs if c.fy == fy))


@pytest.mark.parametrize("question", ["How much did the Ouse project cost in FY2024?",
                                      "Ouse tourism promotion: full cost in FY2024?"])
def test_a_place_folding_to_three_letters(world, question: str) -> None:
    # 逢瀬 オウセ is "Ouse", folded "ose"; the heading before the colon names the project in every word
    a, sheets = world
    ans = a.ask(question)
    assert ans.answerable and _total(sheets[OUSE], 2024) in ans.answer, ans.answer


@pytest.mark.parametrize("question, project", [
    # "Elderly …" glosses 敬老祝金: whom the project is for, not a part of the row's count asked
    ("Elderly longevity gift program (敬老祝金): how many cashless payment facilities in FY2024?", GIFT),
    # "… in FY2024 (Ouse tourism project)": the words before the brackets ask the row, they are no name
    ("How many cashless payment facilities were there in FY2024 (Ouse tourism project)?", OUSE)])
def test_a_project_named_in_brackets(world, question: str, project: str) -> None:
    a, sheets = world
    ans = a.ask(question)
    assert ans.answerable and _value(sheets[project], "キャッシュレス決済導入施設数", 2024) in ans.answer, ans.answer


def test_a_verb_of_the_question_names_no_project(world) -> None:
    # "were held" (開催) is no 観光イベント開催支援事業: the drills of the project named
    a, sheets = world
    ans = a.ask("How many disaster drills were held in FY2024 under the disaster information project?")
    assert ans.answerable and _value(sheets[DRILLS], DRILL_ROW, 2024) in ans.answer, ans.answer
    assert EVENTS not in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["庁内ネットワークの事業の総事業費いくら？", "What did the internal network project cost in FY2024?"])
def test_two_names_one_mention_fits_are_both_answered(world, question: str) -> None:
    a, sheets = world
    ans = a.ask(question)
    assert ans.answerable and {c.project for c in ans.choices} >= {NET_RUN, NET_RENEW}, ans.answer
    assert _total(sheets[NET_RUN], 2024) in ans.answer and _total(sheets[NET_RENEW], 2024) in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["庁内ネットワークの事業の利用者満足度、R6は？",
                                      "Internal network project FY2024: how was user satisfaction?"])
def test_of_two_names_the_one_that_has_the_row_asked(world, question: str) -> None:
    a, sheets = world
    ans = a.ask(question)
    assert ans.answerable and _value(sheets[NET_RUN], SATISFACTION, 2024) in ans.answer, ans.answer
    assert NET_RENEW not in ans.answer and not ans.choices, ans.answer


def test_a_project_said_with_its_jigyo_before_to(world) -> None:
    # 「防災情報の事業と観光イベントで」: two projects, the 事業 of the first said before と
    a, sheets = world
    ans = a.ask("防災情報の事業と観光イベントで、R6のキャッシュレス決済導入施設数はそれぞれ？")
    for name in (DRILLS, EVENTS):
        assert _value(sheets[name], "キャッシュレス決済導入施設数", 2024) in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["逢瀬地区観光振興事業って何やってるの？", "逢瀬地区観光振興事業って中身は何やってるの？"])
def test_what_a_project_does_is_its_means(world, question: str) -> None:
    a, sheets = world
    ans = a.ask(question)
    means = next(s.text for s in sheets[OUSE].sections if s.key == "means")
    first = means.replace("・", "\n").split("\n")
    assert ans.answerable and any(line.strip() and line.strip() in ans.answer for line in first), ans.answer


@pytest.mark.parametrize("question", ["この事業ってもう終わりなの？", "もう終わったの？"])
def test_whether_a_project_has_ended_is_its_result(world, question: str) -> None:
    a, _ = world
    first_q = f"{NET_RENEW}のR6の総事業費は？"
    ans = a.ask(question, [Turn(question=first_q, answer=a.ask(first_q))])
    assert ans.answerable and "完了" in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["成年後見制度利用促進事業の成果指標、R6の実績は？",
                                      "What was the FY2024 actual of the guardianship project's outcome indicator?"])
def test_an_outcome_the_sheet_sets_none_of_is_declined_with_what_it_says(world, question: str) -> None:
    # the sheet's own words that none is set are quoted, and no figure is: declined
    a, _ = world
    ans = a.ask(question)
    assert not ans.answerable and "成果指標は設定していない" in ans.answer, ans.answer


@pytest.mark.parametrize("question, answerable", [("成年後見制度利用促進事業のキャッシュレス決済導入施設数、2028年度の計画値は？", False),
                                                  ("成年後見制度利用促進事業のキャッシュレス決済導入施設数、2028年度の計画値ってもう決まってる？", True)])
def test_a_year_the_table_lacks_but_the_text_explains(world, question: str, answerable: bool) -> None:
    # the figure asked is none the sheet gives (declined, its words quoted); whether there is one yet, they answer
    a, _ = world
    ans = a.ask(question)
    assert ans.answerable is answerable and "次期実施計画" in ans.answer, ans.answer


def test_words_ending_in_a_measure_after_a_name_and_no_are_its_row(world) -> None:
    # 「逢瀬の観光振興のキャッシュレス決済の利用件数」: a row of the project named before の, not キャッシュレス決済推進事業
    a, sheets = world
    ans = a.ask("逢瀬地区観光振興のキャッシュレス決済利用件数、R6は？")
    assert ans.answerable and _value(sheets[OUSE], "キャッシュレス決済の利用件数", 2024) in ans.answer, ans.answer
    assert CASHLESS not in ans.answer, ans.answer


@pytest.mark.parametrize("question, years", [("逢瀬地区観光振興事業の総事業費、23年度決算から24年度決算でどれだけ増えた？", (2023, 2024)),
                                             ("逢瀬地区観光振興事業の総事業費、2022から令和6年度でどう変わった？", (2022, 2024)),
                                             ("逢瀬地区観光振興事業の総事業費、R6までの3年間の推移は？", (2022, 2023, 2024))])
def test_years_as_staff_write_them(world, question: str, years: tuple[int, ...]) -> None:
    # two digits of a Western year, a Western year at one end of a range, and N years up to one named
    a, sheets = world
    ans = a.ask(question)
    assert ans.answerable and all(_total(sheets[OUSE], fy) in ans.answer for fy in years), ans.answer


def test_a_city_said_inside_a_projects_name_scopes_nothing(world) -> None:
    # 「郡山ブランド野菜」 names 北辰市's project, not every 郡山市 project
    a, sheets = world
    ans = a.ask("郡山ブランド野菜の事業、目的は何て書いてある？")
    purpose = next(x.text for x in sheets[BRAND].sections if x.key == "purpose")
    assert ans.answerable and purpose[:20] in ans.answer and not ans.choices, ans.answer


@pytest.mark.parametrize("question", ["郡山ブランド野菜振興事業って、どこの自治体のシート？",
                                      "Which municipality is the Koriyama brand vegetables sheet from?"])
def test_whose_sheet_it_is(world, question: str) -> None:
    a, _ = world
    ans = a.ask(question)
    assert ans.answerable and "北辰市" in ans.answer, ans.answer
    assert any(f.field == "municipality" and f.value == "北辰市" for f in ans.facts)


def test_a_list_of_projects_before_one_plural_projects(world) -> None:
    # "the internal network renewal, Ouse tourism and disaster information projects": each item names one
    a, sheets = world
    ans = a.ask("Rank the internal network renewal, Ouse tourism and disaster information projects by FY2024 total cost.")
    for name in (NET_RENEW, OUSE, DRILLS):
        assert _total(sheets[name], 2024) in ans.answer, ans.answer


def test_which_ones_of_the_sheets_is_a_question_over_many(world) -> None:
    a, sheets = world
    ans = a.ask("Of the sheets evaluating FY2024, which ones received national or prefectural money in that year?")
    assert ans.answerable and not ans.choices and len(ans.sheet_ids) >= 3, ans.answer


def test_each_year_of_the_sheet_named_by_its_year(world) -> None:
    # "the FY2024 … project, how many … each year?": a trend of one year is none — the years up to it
    a, sheets = world
    ans = a.ask("For the FY2024 Ouse tourism project, how many cashless payment facilities were there each year?")
    for fy in (2022, 2023, 2024):
        assert _value(sheets[OUSE], "キャッシュレス決済導入施設数", fy) in ans.answer, ans.answer


def test_a_counter_inside_another_word_of_a_row_is_not_its_unit(world) -> None:
    # 「何台」 is no 一人一台端末の利用者満足度 (a % of users), though 台 is written in it
    a, sheets = world
    ans = a.ask("防災情報伝達推進事業で配った端末って何台？")
    assert not ans.answerable and _value(sheets[DRILLS], TABLETS, 2024) + "%" not in ans.answer, ans.answer


@pytest.mark.parametrize("question, years, not_years", [
    # 「前年から」 beside one year: the year before it to it, whatever word asks the movement
    ("逢瀬地区観光振興事業のR6の総事業費は前年からどう推移した？", (2023, 2024), (2022,)),
    # "after FY2022" is no five years up to it
    ("What is the trend of the total cost of the Ouse tourism project after FY2023?", (), (2022,)),
    # a year picked out of N years is that year alone
    ("逢瀬地区観光振興事業の直近3年間の総事業費のうち、R5はいくら？", (2023,), (2022, 2024)),
])
def test_one_year_with_words_of_several(world, question: str, years: tuple[int, ...], not_years: tuple[int, ...]) -> None:
    a, sheets = world
    ans = a.ask(question)
    assert all(_total(sheets[OUSE], fy) in ans.answer for fy in years), ans.answer
    assert not any(_total(sheets[OUSE], fy) in ans.answer for fy in not_years), ans.answer


def test_whether_an_outcome_target_is_set_is_answered_by_the_sheet(world) -> None:
    a, _ = world
    ans = a.ask("成年後見制度利用促進事業の成果指標の目標値は設定されてる？")
    assert ans.answerable and "成果指標" in ans.answer, ans.answer


def test_a_year_after_two_rows_adds_no_total(world) -> None:
    # 「総事業費は？」「事業費と一般財源は？」「R5は？」: those two rows for R5, not the total again
    a, sheets = world
    turns: list[Turn] = []
    for q in (f"{OUSE}の総事業費は？", "事業費と一般財源は？", "R5は？"):
        turns.append(Turn(question=q, answer=a.ask(q, list(turns))))
    assert "総事業費" not in turns[-1].answer.answer and "事業費" in turns[-1].answer.answer, turns[-1].answer.answer


@pytest.mark.parametrize("question", ["逢瀬地区観光振興事業はどの区で申請が多い？", "逢瀬地区観光振興事業はどこのまちづくり協議会に補助してる？",
                                      "Which ward offices take the most applications under the Ouse tourism project?"])
def test_a_place_within_the_city_is_no_question_of_whose_sheet(world, question: str) -> None:
    a, _ = world
    ans = a.ask(question)
    assert not any(f.field == "municipality" for f in ans.facts), ans.answer


def test_a_range_of_amounts_is_no_range_of_years(world) -> None:
    a, _ = world
    ans = a.ask("逢瀬地区観光振興事業で、総事業費が2000から3000千円だった年度は？")
    assert "2000年度" not in ans.answer, ans.answer


def test_a_copula_before_a_name_is_no_verb(world) -> None:
    # "What was Ouse's total cost": was + a name is no passive verb ("were held")
    a, sheets = world
    ans = a.ask("What was the Ouse tourism project's total cost in FY2024?")
    assert ans.answerable and _total(sheets[OUSE], 2024) in ans.answer and "指標" not in ans.answer, ans.answer


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, Sheet, Sheet]:
    seed = parse_file(SEED)
    revival, association = variant_of(seed, REVIVAL, 3), variant_of(seed, ASSOCIATION, 4)
    # a project whose target population is 町内会 (it reports to them), about something else
    council = variant_of(seed, COUNCIL, 5, {"市民": "町内会・自治会"})
    return store_of(tmp_path_factory.mktemp("pair"), [], [revival, association, council]), revival, association


@pytest.mark.parametrize("question", [
    "Compare the community revitalization program with the neighbourhood association program: total cost in FY2024?",
    "Community revitalization project vs the neighborhood association project, FY2024 total cost?",
])
def test_a_second_project_named_in_fewer_words_is_compared_too(pair, question: str) -> None:
    # a name said in many words (地域コミュニティ活性化事業) does not silence one said in one word of its
    # own beside it, as the second of a comparison (町内会活動推進事業)
    a, revival, association = pair
    ans = a.ask(question)
    assert ans.answerable and _total(revival, 2024) in ans.answer and _total(association, 2024) in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["町内会の事業の総事業費は？R6", "What was the total cost of the neighbourhood association program in FY2024?"])
def test_a_target_population_makes_no_project_about_it(pair, question: str) -> None:
    # 議会広報発信事業 counts 町内会・自治会 as whom it serves: 「町内会の事業」 is 町内会活動推進事業 alone
    a, _, association = pair
    ans = a.ask(question)
    assert ans.answerable and _total(association, 2024) in ans.answer, ans.answer
    assert COUNCIL not in ans.answer and not ans.choices, ans.answer


@pytest.mark.parametrize("follow_up", ["How many disaster drills did it hold in FY2024?",
                                       "その事業の防災訓練の実施回数はR6で何回？"])
def test_a_row_of_another_project_asked_of_it_stays_with_the_project_discussed(world, follow_up: str) -> None:
    # "it" / 「その事業」 is the project under discussion: a row only another project has (防災訓練の実施回数
    # of 防災情報伝達推進事業) is declined for it, not answered for the other project
    a, sheets = world
    first = a.ask("What's the evaluation result for 敬老祝金事業?")
    ans = a.ask(follow_up, [Turn(first.question, first)])
    assert _value(sheets[DRILLS], DRILL_ROW, 2024) not in ans.answer and DRILLS not in ans.answer, ans.answer


SICK_CARE, SICK_ROW, APP_ROW = "病児・病後児保育事業", "病児保育の延べ利用者数", "子育てアプリの登録者数"


@pytest.fixture(scope="module")
def sick_care(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, Sheet]:
    sheet = variant_of(parse_file(SEED), SICK_CARE, 3, {"オンライン申請件数": SICK_ROW, "キャッシュレス決済の利用件数": APP_ROW})
    for ind in sheet.indicators:
        if ind.name in (SICK_ROW, APP_ROW):
            ind.unit = "人"  # (people, as those rows count)
    return store_of(tmp_path_factory.mktemp("sick_care"), [], [sheet]), sheet


@pytest.mark.parametrize("question", ["病児保育の子育てアプリ登録者数、R6いくつ？", "病児保育の事業の子育てアプリ登録者、令和6年度は？"])
def test_a_row_named_whole_beside_the_projects_words(sick_care, question: str) -> None:
    # 病児保育 names the project (and is a word of 病児保育の延べ利用者数); the row asked is named whole
    a, sheet = sick_care
    ans = a.ask(question)
    assert ans.answerable and _value(sheet, APP_ROW, 2024) in ans.answer and APP_ROW in ans.answer, ans.answer
    assert SICK_ROW not in ans.answer, ans.answer


def test_a_row_named_whole_is_not_dominated_by_one_scoring_less() -> None:
    # 「病児保育の子育てアプリ登録者数」 where the project's words were placed at 児保育: 病児保育の延べ利用者数
    # holds the 病 left over and the 者数 of the row asked, yet scores half of it — it dominates nothing
    from assistant.link import Match, undominated

    whole = Match(APP_ROW, 1.0, (5, 15), parts=((5, 15),))
    other = Match(SICK_ROW, 0.52, (0, 15), parts=((0, 4), (5, 15)))
    assert whole in undominated([whole, other], [(1, 4)])
    weaker = Match(APP_ROW, 0.5, (5, 15), parts=((5, 15),))
    stronger = Match(SICK_ROW, 0.9, (0, 15), parts=((0, 4), (5, 15)))
    assert weaker not in undominated([weaker, stronger], [(1, 4)])  # (owning less and scoring less: not asked)
