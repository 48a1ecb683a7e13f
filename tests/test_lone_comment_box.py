"""A sheet whose one comment box is filled and the other left blank (#12): the box is read as the
二次評価 comment when it opens on the year before's evaluation (「令和５年度の行政評価結果で「改善」と
評価されたことを受け、…」), else as the 一次; the comment of the other stage is declined, the box shown.

The store holds the shipped R7 sample with one of its two comment boxes cut out.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from index_support import store_of

from assistant.chain import Assistant
from ingest.templates import koriyama_r7 as r7

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "samples" / "koriyama_r7_digital_first.txt"
PRIMARY_OPENS, SECONDARY_OPENS = "マイナポータルによる申請手続き数", "令和５年度の行政評価結果で"


def _without(opening: str) -> str:
    """The sample with the comment box that opens with ``opening`` blank (its lines up to the next blank line)."""
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if opening in line)
    end = next(i for i in range(start, len(lines)) if not lines[i].strip())
    return "\n".join(lines[:start] + lines[end:])


@pytest.mark.parametrize("blank, kept", [(PRIMARY_OPENS, "secondary_comment"), (SECONDARY_OPENS, "primary_comment")])
def test_a_lone_comment_box_is_read_by_its_wording(blank: str, kept: str) -> None:
    comments = [s for s in r7.parse(_without(blank)).sections if s.key.endswith("_comment")]
    assert [s.key for s in comments] == [kept] and comments[0].inferred, comments


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    root = tmp_path_factory.mktemp("lone")
    path = root / "digital_first_one_comment.txt"
    path.write_text(_without(PRIMARY_OPENS), encoding="utf-8")
    return store_of(root, [path], [])


@pytest.mark.parametrize("question", ["デジタルファーストのR6の一次評価コメント、なんて書いてある？",
                                      "What did the primary evaluation comment say about the Digital First project in FY2024?"])
def test_the_blank_stage_is_declined_with_the_box_shown(assistant: Assistant, question: str) -> None:
    ans = assistant.ask(question)
    assert not ans.answerable and SECONDARY_OPENS in ans.answer, ans.answer


def test_the_decline_gives_the_result_of_the_stage_asked(assistant: Assistant) -> None:
    ans = assistant.ask("デジタルファーストのR6の一次評価コメント、なんて書いてある？")
    assert not ans.answerable and "一次評価の結果は「継続」" in ans.answer, ans.answer


def test_the_stage_the_box_holds_is_answered(assistant: Assistant) -> None:
    ans = assistant.ask("デジタルファーストのR6の二次評価コメントは？")
    assert ans.answerable and SECONDARY_OPENS in ans.answer, ans.answer
