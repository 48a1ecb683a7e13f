"""Rows asked in the words staff use rather than the sheet's (assistant/glossary_ja.toml): a sheet
written for this test (the seed's layout, rows of other projects), and questions that never say
the row's printed words. The glossary is general Japanese; these rows are not in the shipped
samples, so the test writes them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from index_support import model_cache, real_embeddings

from assistant.chain import Assistant
from assistant.settings import AssistantSettings
from ingest.index import build
from ingest.vectors import E5Embedding

SEED_TRUTH = Path(__file__).resolve().parents[2] / "shared" / "seed" / "koriyama_r7_digital_first.expected.json"
ROWS = [  # kind, name, unit, (plan, actual) for 2023 and 2024
    ("activity", "粗大ごみの収集件数", "件", [(19000, 16533), (19000, 13322)]),
    ("activity", "旅行会社等への誘致活動件数", "件", [(85, 88), (85, 92)]),
    ("outcome", "不法投棄の回収量", "t", [(19, 21), (19, 18)]),
    ("outcome", "未利用財産の売却額", "千円", [(140000, 150210), (140000, 163282)]),
    ("outcome", "福祉施設から一般就労への移行者数", "人", [(90, 93), (92, 95)]),
    ("outcome", "修繕が必要な橋梁の修繕完了率", "%", [(20, 21.5), (22, 23.9)]),
    ("outcome", "学校が楽しいと回答した児童生徒の割合", "%", [(85, 83.1), (85, 84.4)]),
    ("activity", "国際交流イベントの参加者数", "人", [(1200, 1180), (1250, 1311)]),
    ("outcome", "就労支援による就労者数", "人", [(250, 262), (250, 280)]),
    ("outcome", "主要観光施設の入込客数", "人", [(600000, 612345), (660000, 660321)]),
    ("outcome", "市の支援による移住者数", "人", [(30, 24), (30, 27)]),
]


def _one_sheet(folder: Path, name: str, rows: list | None = None) -> Assistant:
    """A store of one sheet: the seed's figures under another project name, its indicators replaced by
    ``rows`` (kind, name, unit, (plan, actual) for 2023 and 2024) when given."""
    if not SEED_TRUTH.exists():
        pytest.skip("../shared is not beside this checkout")
    sheet = json.loads(SEED_TRUTH.read_text(encoding="utf-8"))
    sheet.update(sheet_id=folder.name, project={**sheet["project"], "name": name}, sections=[])
    if rows is not None:
        counts = {"activity": 0, "outcome": 0}
        sheet["indicators"] = [i for i in sheet["indicators"] if i["kind"] == "target"]
        for kind, row, unit, values in rows:
            counts[kind] += 1
            sheet["indicators"].append({"kind": kind, "no": counts[kind], "name": row, "unit": unit, "values": [
                {"fy": fy, "plan": plan, "actual": act} for fy, (plan, act) in zip((2023, 2024), values, strict=True)]})
    (folder / "sheet.json").write_text(json.dumps(sheet, ensure_ascii=False), encoding="utf-8")
    settings = AssistantSettings(home=folder / "store", models={"cache_dir": model_cache()})
    report = build([folder / "sheet.json"], settings, embedding=E5Embedding(embeddings=real_embeddings()))
    assert report.ok, report.failed
    return Assistant.from_settings(settings, retrieval=False)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return _one_sheet(tmp_path_factory.mktemp("lay-words"), "市民生活総合支援事業", ROWS)


def value(name: str, fy: int) -> str:
    row = next(r for r in ROWS if r[1] == name)
    return f"{row[3][fy - 2023][1]:,}"


@pytest.mark.parametrize(("question", "row"), [
    ("R6に粗大ごみの回収件数はどれくらいあった？", "粗大ごみの収集件数"),
    ("ポイ捨てされたごみ、R5はどれだけ回収できた？", "不法投棄の回収量"),
    ("旅行会社への売り込み、R6は何件やった？", "旅行会社等への誘致活動件数"),
    ("使っていない市の土地や建物を売ったお金、令和6年度は？", "未利用財産の売却額"),
    ("障がいのある人が普通の会社に就職できた数、2023年度は？", "福祉施設から一般就労への移行者数"),
    ("橋の修繕の進み具合はR6でどこまで？", "修繕が必要な橋梁の修繕完了率"),
    ("大型ごみの回収依頼、R6は何件あった？", "粗大ごみの収集件数"),
    ("傷んだ橋の手当てはR5でどこまで済んだ？", "修繕が必要な橋梁の修繕完了率"),
    ("使ってない市有地を売ったお金、R6でいくら入った？", "未利用財産の売却額"),
    ("学校生活を楽しめてる子の割合、R6は？", "学校が楽しいと回答した児童生徒の割合"),
    # a deed counted in the sheet's other word (就職した → 就労者), who is counted said politely (お客さん → 客)
    ("就労支援で就職した人ってR6で何人？", "就労支援による就労者数"),
    ("就労支援で就職できた人数、R5は？", "就労支援による就労者数"),
    ("主な観光施設に来たお客さんの数、R6は？", "主要観光施設の入込客数"),
    ("主要な観光施設のお客様、2023年度は何人？", "主要観光施設の入込客数"),
    # "how much" of a thing is its quantity, not money
    ("How much illegally dumped waste was collected in FY2024?", "不法投棄の回収量"),
    ("In FY2023, how much waste dumped illegally did the city collect?", "不法投棄の回収量"),
    ("In FY2023, how much illegally dumped waste did the city pick up?", "不法投棄の回収量"),  # (collected, no rise)
    ("In FY2023, how many people relocated to the city with its support?", "市の支援による移住者数"),
    # "international" is the row's own word here, no part of those it counts (外国人 would be)
    ("How many people took part in the international exchange events in FY2024?", "国際交流イベントの参加者数"),
])
def test_a_row_asked_in_everyday_words(store: Assistant, question: str, row: str) -> None:
    fy = 2023 if ("R5" in question or "2023" in question) else 2024
    a = store.ask(question)
    assert a.answerable and value(row, fy) in a.answer and f"「{row}」" in a.answer, a.answer
    assert not any(f"「{r[1]}」" in a.answer for r in ROWS if r[1] != row), a.answer  # only the row asked


@pytest.mark.parametrize("question", ["R6の粗大ごみの回収でアクティブな利用者数は？", "不法投棄の回収業者の数は？"])
def test_a_word_written_onto_the_row_is_still_checked(store: Assistant, question: str) -> None:
    a = store.ask(question)
    assert not a.answerable, a.answer


@pytest.mark.parametrize(("question", "asked"), [("粗大ごみの回収量はR6で何t？", "粗大ごみの回収量"),
                                                 ("R6の不法投棄の収集件数って計画どおり？", "不法投棄の収集件数")])
def test_a_noun_and_its_qualifier_from_two_rows_name_neither(store: Assistant, question: str, asked: str) -> None:
    # 不法投棄 is of 不法投棄の回収量, 収集件数 of 粗大ごみの収集件数: no row is 「不法投棄の収集件数」
    a = store.ask(question)
    assert not a.answerable and asked in a.answer, a.answer
    assert value("不法投棄の回収量", 2024) + "t" not in a.answer and value("粗大ごみの収集件数", 2024) not in a.answer, a.answer


@pytest.fixture(scope="module")
def ssw(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """One sheet of a project whose name staff shorten to letters (SSW)."""
    return _one_sheet(tmp_path_factory.mktemp("ssw"), "スクールソーシャルワーカー活用事業")


@pytest.mark.parametrize("question", ["SSW事業のR6の総事業費は？", "ＳＳＷの事業、令和6年度の総事業費いくら？"])
def test_a_project_named_by_its_staff_shorthand(ssw: Assistant, question: str) -> None:
    # SSW spelled out is スクールソーシャルワーカー: the project the store holds, not an unknown one
    total = next(c["total_cost"] for c in json.loads(SEED_TRUTH.read_text(encoding="utf-8"))["costs"] if c["fy"] == 2024)
    a = ssw.ask(question)
    assert a.answerable and f"{total:,}" in a.answer, a.answer


@pytest.mark.parametrize("question", ["R6の粗大ごみの収集件数と不法投棄の回収量、それぞれ出して（足し算が合ってるか見たい）",
                                      "不法投棄の回収量、R6はいくつ？検算したいので"])
def test_why_the_figures_are_wanted_asks_nothing(store: Assistant, question: str) -> None:
    a = store.ask(question)
    assert a.answerable and value("不法投棄の回収量", 2024) in a.answer, a.answer
