"""A reason asked where the sheet states the figure and gives no cause (#12): 「計画値を上回ったため、
引き続き対策が必要である」 leads from the figure to what comes next, and what was done that year is no
cause of a rise of what is kept down (待機児童数); both are declined with what the sheet says. A cause
the sheet writes is the answer.

The store holds two copies of the seed whose outcome is a count kept down.
"""

from __future__ import annotations

import pytest
from index_support import SEED, store_of, variant_of

from assistant.chain import Assistant
from ingest.parse import parse_file

NO_CAUSE, CAUSE = "放課後児童クラブ運営事業", "病児保育推進事業"
SO_NEXT = "「待機児童数」は前年度から増加し、計画値を上回ったため、引き続き対策が必要である。"
BECAUSE = "「待機児童数」の増加は、共働き世帯の増加に伴い利用希望が増えたことによるものである。"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    seed = parse_file(SEED)
    sheets = []
    for name, factor, said in ((NO_CAUSE, 3, SO_NEXT), (CAUSE, 4, BECAUSE)):
        sheet = variant_of(seed, name, factor, {"オンライン申請件数": "待機児童数"})
        for section in sheet.sections:
            if section.key == "outcome_analysis":
                section.text = said
        sheets.append(sheet)
    return store_of(tmp_path_factory.mktemp("reasons"), [], sheets)


@pytest.mark.parametrize("question", ["放課後児童クラブの待機児童数、2023年度から2024年度でなんでそんなに増えたの？",
                                      "放課後児童クラブ運営事業の待機児童数が2024年度に増えた理由は？"])
def test_no_cause_written_is_declined(assistant: Assistant, question: str) -> None:
    ans = assistant.ask(question)
    assert not ans.answerable, ans.answer


def test_a_cause_written_is_the_answer(assistant: Assistant) -> None:
    ans = assistant.ask("病児保育推進事業の待機児童数が2024年度に増えた理由は？")
    assert ans.answerable and "共働き世帯の増加" in ans.answer, ans.answer
