"""A target population asked for those of it who did something (#12, class 4: another figure
presented as the answer): 対象指標「市職員」 counts every employee, so 「実際にテレワークした市職員は
何人？」 is declined with that figure given for what it is; 「市職員は何人？」 and 「対象になってる市民」
are still answered.

The store holds canonical sheets derived from the seed; expected values are read from those sheets.
"""

from __future__ import annotations

import pytest
from index_support import SEED, actual_shown, store_of, variant_of

from assistant.chain import Assistant
from ingest.model import Sheet
from ingest.parse import parse_file

TELEWORK = "テレワーク環境整備事業"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, Sheet]:
    seed = parse_file(SEED)
    telework = variant_of(seed, TELEWORK, 3, {"市民": "市職員", "オンライン申請件数": "テレワーク実施率"})
    return store_of(tmp_path_factory.mktemp("target_population"), [SEED], [telework]), telework


@pytest.mark.parametrize("question", [
    "テレワークの事業で、R6に実際にテレワークした市職員は何人？",
    "テレワーク環境整備事業、在宅勤務をしてきた市職員って2024年度は何人いた？",
    "How many city employees actually worked from home in FY2024 under the telework project?",
    "How many city employees actually teleworked in FY2024 under the telework project?",
    "Under the telework project, how many city staff used it in FY2024?",
    "How many city employees have teleworked in FY2024 under the telework project?",
    "Under the telework project, how many city employees took part in telework in FY2024?",
])
def test_those_who_did_something_are_not_the_whole_target(world, question: str) -> None:
    assistant, telework = world
    a = assistant.ask(question)
    assert not a.answerable, a.answer
    if actual_shown(telework, "市職員", 2024) in a.answer:  # the whole, if given, for what it is
        assert "対象全体" in a.answer or "everyone the project is for" in a.answer, a.answer


@pytest.mark.parametrize("question", [
    "テレワーク環境整備事業の市職員は令和6年度は何人？",
    "テレワークの事業で対象になってる市職員の数、R6は？",
    "How many city employees does the telework project cover in FY2024?",
    # what they are, or how the sheet counts them, narrows nothing
    "テレワーク環境整備事業のシートに記載されている市職員の数、R6は？",
    "テレワーク環境整備事業で集計している市職員の数、R6は？",
    "テレワーク環境整備事業で、R6に勤めていた市職員は何人？",
    "How many city employees worked at city hall in FY2024 under the telework project?",
    "How many city employees did the telework project have in FY2024?",
])
def test_the_target_itself_is_answered(world, question: str) -> None:
    assistant, telework = world
    a = assistant.ask(question)
    assert a.answerable and actual_shown(telework, "市職員", 2024) in a.answer, a.answer


def test_a_deed_said_of_another_noun_leaves_the_target_asked(world) -> None:
    # 「市民の数と、…申請した人の数」: 申請した describes 人, another thing asked — 市民 is answered
    assistant, _ = world
    seed = parse_file(SEED)
    a = assistant.ask("デジタルファースト推進事業で、R6の市民の数と、マイナポータルで申請した人の数は？")
    assert a.answerable and actual_shown(seed, "市民", 2024) in a.answer, a.answer
