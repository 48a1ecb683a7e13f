"""Sheet → chunks: pure, no model, no store."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.chunk import (
    chunk_body,
    chunk_sheet,
    cost_text,
    decode_years,
    encode_years,
    indicator_text,
    split_prose,
)
from ingest.model import Cost, Indicator, IndicatorValue, Milestone, Project, Section, Sheet, Source
from ingest.parse import parse_file

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
R7 = SAMPLES / "koriyama_r7_digital_first.txt"
SCALARS = (str, int, float, bool)


@pytest.fixture(scope="module")
def r7() -> Sheet:
    return parse_file(R7)


def _sheet(**kw: object) -> Sheet:
    base: dict[str, object] = {
        "sheet_id": "abc123",
        "template": "canonical",
        "source": Source(path="x.json", sha256="f" * 64, format="json"),
        "municipality": "郡山市",
        "target_fy": 2024,
        "project": Project(name="テスト事業", department="総務部", section="総務課"),
    }
    base.update(kw)
    return Sheet(**base)  # type: ignore[arg-type]


def test_indicator_sentence_states_figures_in_words() -> None:
    ind = Indicator(
        kind="activity",
        no=2,
        name="オンラインによる電子申請手続き数（上記以外）",
        unit="件",
        values=[IndicatorValue(fy=2024, plan=669, actual=685), IndicatorValue(fy=2025, plan=1728)],
    )
    assert indicator_text(ind) == (
        "活動指標② オンラインによる電子申請手続き数（上記以外）（件）: "
        "2024年度 計画 669、実績 685。2025年度 計画 1,728。"
    )


def test_indicator_sentence_blank_and_negative_and_milestones() -> None:
    ind = Indicator(
        kind="outcome",
        no=1,
        name="差",
        unit="人",
        values=[IndicatorValue(fy=2023), IndicatorValue(fy=2024, actual=-500)],
        milestones=[Milestone(kind="final", fy=2027, value=65000)],
    )
    text = indicator_text(ind)
    assert "2023年度" not in text  # a year with no value says nothing rather than 0
    assert "実績 △500" in text
    assert "最終指標（2027年度） 65,000" in text


def test_cost_sentence_units_and_missing_fields() -> None:
    cost = Cost(fy=2024, project_cost=50496, personnel_cost=16175, total_cost=66671,
                national_prefectural=5818, general_revenue=60853, unit_cost_total=178)
    text = cost_text(cost.model_dump(exclude={"fy"}), 2024)
    assert text.startswith("2024年度（令和6年度） 事業費 50,496千円、人件費 16,175千円、総事業費 66,671千円")
    assert "国・県支出金 5,818千円" in text
    assert "単位コスト（総コスト） 178円" in text  # unit costs are 円, not 千円
    assert "市債" not in text  # None is left out, never written as 0


def test_samples_chunks_cover_every_part(r7: Sheet) -> None:
    chunks = chunk_sheet(r7)
    kinds = [c.metadata["chunk_type"] for c in chunks]
    assert kinds.count("indicator") == len(r7.indicators)
    assert kinds.count("cost") == len([c for c in r7.costs if not c.is_empty()])
    assert kinds.count("evaluation") == 1
    prose_keys = {c.metadata["section_key"] for c in chunks if c.metadata["chunk_type"] == "prose"}
    assert prose_keys == {s.key for s in r7.sections}
    cost_2024 = next(c for c in chunks if c.key == "cost:2024")
    assert "事業費 50,496千円、人件費 16,175千円、総事業費 66,671千円" in cost_2024.text
    act2 = next(c for c in chunks if c.key == "indicator:activity:2")
    assert "活動指標② オンラインによる電子申請手続き数（上記以外）（件）" in act2.text
    assert "2024年度 計画 669、実績 685" in act2.text


def test_metadata_is_scalar_and_complete(r7: Sheet) -> None:
    for c in chunk_sheet(r7):
        assert all(isinstance(v, SCALARS) for v in c.metadata.values()), c.metadata
        assert None not in c.metadata.values()
        for key in ("sheet_id", "project", "department", "section", "fiscal_years", "section_key",
                    "section_label", "template", "chunk_type", "text_sha"):
            assert key in c.metadata, (c.key, key)
        assert c.metadata["sheet_id"] == r7.sheet_id
        assert c.metadata["section"] == "ＤＸ戦略課"
        assert 2024 in decode_years(str(c.metadata["fiscal_years"]))


def test_years_round_trip() -> None:
    assert encode_years({2024, 2022, 2023}) == ",2022,2023,2024,"
    assert decode_years(encode_years([2024, 2022])) == [2022, 2024]
    assert encode_years([]) == ""


def test_ids_are_deterministic_and_unique(r7: Sheet) -> None:
    a, b = chunk_sheet(r7), chunk_sheet(parse_file(R7))
    assert [c.id for c in a] == [c.id for c in b]
    assert len({c.id for c in a}) == len(a)
    # other content → other ids, even for a chunk whose text did not change
    other = chunk_sheet(r7, content_hash="0" * 64)
    assert not {c.id for c in a} & {c.id for c in other}
    assert [c.text for c in a] == [c.text for c in other]


def test_long_prose_splits_on_sentences_with_overlap() -> None:
    sentences = [f"これは{i}番目の文で、内容を少し長めに書いておくことにする。" for i in range(30)]
    text = "".join(sentences)
    pieces = split_prose(text, 200, 60)
    assert len(pieces) > 1
    assert all(len(p) <= 200 for p in pieces)
    assert all(p.endswith("。") for p in pieces)  # cut after a sentence, not inside one
    assert any(pieces[i][-20:] in pieces[i + 1] for i in range(len(pieces) - 1))  # overlap
    joined = "".join(pieces)
    assert all(s in joined for s in sentences)  # nothing lost


def test_body_is_verbatim_for_quotes(r7: Sheet) -> None:
    texts = {s.key: s.text for s in r7.sections}
    for c in chunk_sheet(r7):
        assert chunk_body(c.text) == c.body
        if c.metadata["chunk_type"] == "prose":
            assert c.body in texts[str(c.metadata["section_key"])]


def test_repeated_paragraph_has_the_same_text_across_years() -> None:
    purpose = Section(key="purpose", label="意図（目的）", text="市民の利便性の向上を図る。")
    a = chunk_sheet(_sheet(sheet_id="a", target_fy=2023, sections=[purpose]))
    b = chunk_sheet(_sheet(sheet_id="b", target_fy=2024, sections=[purpose],
                           source=Source(path="y.json", sha256="e" * 64, format="json")))
    assert a[0].text == b[0].text and a[0].metadata["text_sha"] == b[0].metadata["text_sha"]
    assert a[0].id != b[0].id
    assert (a[0].metadata["target_fy"], b[0].metadata["target_fy"]) == (2023, 2024)


def test_duplicate_section_keys_get_distinct_ids() -> None:
    sheet = _sheet(sections=[Section(key="other", label="その他", text="一つ目。"),
                             Section(key="other", label="その他", text="一つ目。")])
    chunks = chunk_sheet(sheet)
    assert len({c.id for c in chunks}) == 2


def test_empty_sheet_gives_no_chunks() -> None:
    assert chunk_sheet(_sheet(costs=[Cost(fy=2024)])) == []


def test_table_chunks_embed_what_they_are_about_not_their_digits(r7: Sheet) -> None:
    chunks = chunk_sheet(r7)
    tables = [c for c in chunks if c.metadata["chunk_type"] in ("indicator", "cost", "evaluation")]
    assert tables
    for c in tables:
        # the stored document keeps every figure; the embedded text has none of them
        assert any(ch.isdigit() for ch in c.text)
        assert c.embed_text.startswith(f"【{r7.project.name}】")
        assert "千円" not in c.embed_text and not re.search(r"\d", c.embed_text)  # ① is not \d
        assert c.metadata["vector_sha"] != c.metadata["text_sha"]
    ind = next(c for c in tables if c.key == "indicator:outcome:2")
    assert ind.embed_text == f"【{r7.project.name}】成果指標② オンライン申請件数（件）の計画と実績"
    # every year's cost chunk shares one vector (the year is a filter), each keeps its own figures
    costs = [c for c in tables if c.metadata["chunk_type"] == "cost"]
    assert len(costs) > 1 and len({c.embed_text for c in costs}) == 1 and len({c.text for c in costs}) == len(costs)


def test_prose_embeds_its_text_under_a_short_canonical_heading(r7: Sheet) -> None:
    prose = [c for c in chunk_sheet(r7) if c.metadata["chunk_type"] == "prose"]
    for c in prose:
        assert c.embed_text.endswith(c.body)
        assert r7.project.department not in c.embed_text.split("\n", 1)[0]  # 部/課 are filters, not words
    analysis = next(c for c in prose if c.metadata["section_key"] == "cost_analysis")
    assert analysis.embed_text.split("\n", 1)[0] == f"【{r7.project.name}】事業費の分析"
    assert analysis.heading.endswith("総事業費（事業費・人件費）分析結果")  # the document keeps the sheet's label


def test_changing_what_is_embedded_changes_the_ids(r7: Sheet) -> None:
    from ingest.chunk import chunk_id

    assert chunk_id("h", "k", "text") == chunk_id("h", "k", "text", "text")
    assert chunk_id("h", "k", "text") != chunk_id("h", "k", "text", "other")
