"""The users by year that an H27 sheet's 事業継続性評価 box prints (#12): read with their years, and
asked of that box by staff (「事業継続性評価のとこ、H26の利用者数っていくつ？」) — a year the table
lists though the sheet evaluates another.

The store holds the shipped H27 sample with its 「把握困難」 cells filled in, as other sheets print them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from index_support import store_of

from assistant.chain import Assistant

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "samples" / "kor_h27_shimin_shukaijo.txt"
USERS = {2011: "3,104", 2012: "3,377", 2013: "2,958", 2014: "3,611", 2015: "4,022"}


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    root = tmp_path_factory.mktemp("continuity")
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    at = lines.index("利用者数 把握困難")
    counts = list(USERS.values())
    lines[at:at + 5] = [f"利用者数 {counts[0]}", *counts[1:]]
    path = root / "kor_h27_counts.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return store_of(root, [path], [])


@pytest.mark.parametrize("question, fy", [("事業継続性評価のとこ、H26の利用者数っていくつ？", 2014),
                                          ("集会所補助のシートに載ってる利用者数、H27は何人？", 2015),
                                          ("事業継続性評価の利用者数、平成24年度は？", 2012),
                                          # the project named in full before the row: no qualifier of it
                                          ("地域集会所補助事業の利用者数ってH26は何人になってる？", 2014)])
def test_users_by_year_of_the_continuity_box(assistant: Assistant, question: str, fy: int) -> None:
    ans = assistant.ask(question)
    assert ans.answerable and USERS[fy] in ans.answer, ans.answer
    assert any(c.section == "事業継続性評価" for c in ans.citations), ans.citations


def test_a_row_the_box_does_not_count_is_not_its_table(assistant: Assistant) -> None:
    # the box counts users: 待機児童数 of H26 is nothing it gives, whatever year it lists
    ans = assistant.ask("事業継続性評価のとこ、H26の待機児童数は？")
    assert not ans.answerable and USERS[2014] not in ans.answer, ans.answer
