"""A word the opposite of a row's (#12): 「上水道管路の耐震化率」 over a sheet whose row is
下水道管路の耐震化率 shares 水道, 管路 and 耐震化率 with it, yet asks another thing — the answer declines
and does not present the sewer row's figure; 小学生 is no 中学生. The row's own word still names it,
in Japanese and in English ("sewer pipes", not "water supply pipes").

The store holds canonical sheets derived from the seed; expected values are read from those sheets.
"""

from __future__ import annotations

import pytest
from index_support import SEED, actual_shown, store_of, variant_of

from assistant.chain import Assistant
from assistant.link import opposites
from ingest.model import Sheet
from ingest.parse import parse_file

WATER, SEWER, PUPILS = "水道施設耐震化推進事業", "下水道管路の耐震化率", "中学生の英検３級取得者数"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, Sheet]:
    water = variant_of(parse_file(SEED), WATER, 3, {"オンライン申請件数": SEWER, "キャッシュレス決済の利用件数": PUPILS})
    return store_of(tmp_path_factory.mktemp("contrasts"), [], [water]), water


@pytest.mark.parametrize("a, b, expected", [
    ("上水道", "下水道", True), ("小学生", "中学生", True), ("有料", "無料", True), ("市内", "市外", True),
    ("利用者", "利用人", False),  # a paraphrase differs too, in no contrast
    ("下水道", "下水道", False), ("上水", "下水道", False),
])
def test_opposite_words_differ_in_one_contrast_only(a: str, b: str, expected: bool) -> None:
    assert (b in opposites(a)) is expected


@pytest.mark.parametrize("question, row", [
    ("水道施設耐震化推進事業の上水道管路の耐震化率は？", SEWER),
    ("水道の耐震化の事業、R6の上水道の管路の耐震化率ってどのくらい？", SEWER),
    ("What's the quake-resistance rate of the water supply pipes under the water facility project in FY2024?", SEWER),
    ("水道施設耐震化推進事業で、小学生の英検３級取得者数のR6実績は？", PUPILS),
])
def test_a_word_the_opposite_of_the_rows_is_declined_without_its_figure(world, question: str, row: str) -> None:
    assistant, water = world
    a = assistant.ask(question)
    assert not a.answerable, a.answer
    assert actual_shown(water, row, 2024) not in a.answer


@pytest.mark.parametrize("question, row", [
    ("水道施設耐震化推進事業の下水道管路の耐震化率は？R6で", SEWER),
    ("What's the quake-resistance rate of the sewer pipes under the water facility project in FY2024?", SEWER),
    ("水道施設耐震化推進事業で、中学生の英検３級取得者数のR6実績は？", PUPILS),
])
def test_the_rows_own_word_still_names_it(world, question: str, row: str) -> None:
    assistant, water = world
    a = assistant.ask(question)
    assert a.answerable and actual_shown(water, row, 2024) in a.answer, a.answer
