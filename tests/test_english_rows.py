"""English words for a project's rows (#12): a row is not found through Japanese that only the
project's name holds ("streetlights" rendered 道路照明 finds 道路 of a road-repair row of the road
lighting project), one word of the question counts once however often a name holds it, and of two
rows found by meaning one is always nearer — there the row must also be said; "how many … were improved"
counts a deed, it asks no 改善 result — and "metres" no row counted in 件. A decline names each of
the sheet's sections once.

The store holds canonical sheets derived from the seed; expected values are read from those sheets.
"""

from __future__ import annotations

import pytest
from index_support import SAMPLES, SEED, actual_shown, store_of, variant_of

from assistant.chain import Assistant
from assistant.dense import DenseNames, row_by_meaning
from assistant.link import UNIQUE_WORDS, matcher_for, read_question
from assistant.understand import understand
from ingest.model import Sheet
from ingest.parse import parse_file

LIGHTS, POTHOLES, BRIDGES = "道路照明ＬＥＤ化推進事業", "道路の穴ぼこ等補修件数", "橋梁の点検数"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, Sheet]:
    seed = parse_file(SEED)
    lights = variant_of(seed, LIGHTS, 3, {"オンライン申請件数": POTHOLES, "キャッシュレス決済導入施設数": BRIDGES})
    lights.indicators = [i for i in lights.indicators if i.name in (POTHOLES, BRIDGES)]  # two rows, as H27 sheets have
    return store_of(tmp_path_factory.mktemp("english_rows"), [], [lights]), lights


@pytest.mark.parametrize("question", [
    "How many streetlights were converted to LED under the road lighting project?",
    "How many LED street lights did the road lighting LED project put up in FY2024?",
])
def test_a_thing_the_project_is_named_for_is_no_row_sharing_a_word_with_it(world, question: str) -> None:
    assistant, lights = world
    a = assistant.ask(question)
    assert not a.answerable, a.answer
    assert actual_shown(lights, POTHOLES, 2024) not in a.answer  # the road repairs are no streetlights


def test_the_rows_own_words_still_name_it(world) -> None:
    assistant, lights = world
    a = assistant.ask("How many road repairs did the road lighting LED project do in FY2024?")
    assert a.answerable and actual_shown(lights, POTHOLES, 2024) in a.answer, a.answer


def test_a_word_said_once_is_one_own_word_of_a_name_however_often_it_holds_it() -> None:
    # "children" → 児童: 児童クラブ and 児童 of one name are not two words of the question
    names = ("放課後児童クラブの受入児童数", "子育てしやすいまちだと感じる市民の割合", "一時預かりの延べ利用者数")
    found = matcher_for(names, own_words=True).match(
        read_question(understand("how many residents think it is a good place to raise children?").norm, every=True), 0.3)
    assert all(m.score < UNIQUE_WORDS for m in found), found


def _dense(scores: dict[str, float]) -> DenseNames:
    """Vectors whose cosine with the question is ``scores[name]`` (two dimensions)."""
    def vector(score: float) -> list[float]:
        return [score, (1 - score * score) ** 0.5]

    return DenseNames(lambda names: [vector(scores[n]) for n in names], lambda texts: [[1.0, 0.0] for _ in texts])


def test_of_two_rows_the_nearer_needs_a_word_of_it_said() -> None:
    frame = understand("how many streetlights were converted to led under the road lighting project?")
    dense = _dense({POTHOLES: 0.85, BRIDGES: 0.78, "市民": 0.70})
    assert row_by_meaning(frame, [POTHOLES, BRIDGES], dense) is None
    assert row_by_meaning(frame, [POTHOLES, BRIDGES], dense, said={POTHOLES}) == POTHOLES
    assert row_by_meaning(frame, [POTHOLES, BRIDGES, "市民"], dense) == POTHOLES  # three: nearest clearly
    close = _dense({POTHOLES: 0.85, BRIDGES: 0.84, "市民": 0.70})
    assert row_by_meaning(frame, [POTHOLES, BRIDGES, "市民"], close) is None  # not clearly the nearest
    assert row_by_meaning(understand("道路の補修は何件？"), [POTHOLES, BRIDGES, "市民"], dense) is None  # Japanese: by words


@pytest.mark.parametrize("question", ["How many metres of road were improved under the road lighting project?",
                                      "How many streetlights got improved by the road lighting LED project in FY2024?"])
def test_a_deed_counted_is_no_evaluation_result(world, question: str) -> None:
    # "were improved" counts a deed: no 改善 result asked, and no row counts it
    assistant, _ = world
    assert understand(question).results == []
    a = assistant.ask(question)
    assert not a.answerable and a.intent != "evaluation", a.answer
    assert understand("Which projects were rated improved in FY2024?").results == ["改善"]


def test_a_decline_names_each_section_of_the_sheet_once(tmp_path_factory: pytest.TempPathFactory) -> None:
    # an H27 sheet has several boxes under その他: what the sheet holds says it once
    assistant = store_of(tmp_path_factory.mktemp("h27"), [SAMPLES / "kor_h27_shimin_shukaijo.txt"], [])
    a = assistant.ask("How many streetlights did the community hall subsidy project install?")
    assert not a.answerable and "その他" in a.answer and "その他・その他" not in a.answer, a.answer
