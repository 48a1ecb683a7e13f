"""Matching a question against every name in the store.

The catalog scores only the names that share enough character bigrams with the question; these
tests hold that shortcut to the definition (score every name) on a generated city's names, and
check the catalog's in-memory searches and its reload when another process changes the store.
"""

from __future__ import annotations

import random

import pytest
from index_support import SEED, model_cache, real_embeddings

from assistant.chain import Assistant
from assistant.resolve import Catalog, IndicatorRef, NameIndex, SheetRef, short_name, similarity
from assistant.settings import AssistantSettings
from eval.corpus import new_timeline
from ingest.index import build
from ingest.model import Project
from ingest.parse import parse_file
from ingest.vectors import E5Embedding


@pytest.fixture(scope="module")
def city() -> tuple[list[str], list[str]]:
    """Project and indicator names of 400 generated projects (namesakes and near names included)."""
    rng, used = random.Random(11), set()
    timelines = [new_timeline(rng, pid, used) for pid in range(400)]
    return [t.name for t in timelines], sorted({s.name for t in timelines for s in t.series})


def _questions(names: list[str], rng: random.Random) -> list[str]:
    """What staff type: whole names, parts of names, names without 事業, shorthand, noise."""
    out = ["コンビニ交付の件数、令和6年度はどれくらい？", "What was the actual number of online applications?",
           "郡山市長の名前は？", "事業", "の", ""]
    for name in rng.sample(names, 60):
        cut = rng.randrange(1, max(2, len(name) - 1))
        out += [f"{name}の令和6年度の実績は？", f"{name[cut:]}は？", f"{short_name(name)}の事業費",
                f"「{name[:cut]}」と{rng.choice(names)}を比べて"]
    return out


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.72, 0.75, 0.77])
def test_the_index_finds_what_scoring_every_name_finds(city: tuple[list[str], list[str]], threshold: float) -> None:
    projects, indicators = city
    rng = random.Random(threshold)
    for names in (projects, indicators, [short_name(n) for n in projects]):
        index = NameIndex(names)
        for q in _questions(names, rng):
            texts = [q, *q.split("の")]
            expected = {n: sc for n in set(names) if n and (sc := max(similarity(t, n) for t in texts)) >= threshold}
            assert index.scores(texts, threshold) == expected, q


def test_a_one_character_name_is_found_inside_a_question() -> None:
    assert NameIndex(["米", "米作り支援事業"]).scores(["米の出荷量は？"], 0.9) == {"米": 1.0}


def _catalog(texts: dict[str, list[str]]) -> Catalog:
    sheets = [SheetRef("a", "デジタルファースト推進事業", "政策開発部", "ＤＸ戦略課", 2024, 2025),
              SheetRef("b", "防災備蓄整備事業", "危機管理部", "防災危機管理課", 2024, 2025),
              SheetRef("c", "学校給食事業", "学校教育部", "学校管理課", 2024, 2025),
              SheetRef("d", "デジタルファースト推進事業", "政策開発部", "ＤＸ戦略課", 2023, 2024)]
    indicators = [IndicatorRef(s.sheet_id, "outcome", 1, "成果指標①", "オンライン申請件数", "件") for s in sheets]
    return Catalog(sheets, indicators, (len(sheets), 0.0), texts)


def test_mentioning_searches_names_and_prose_in_either_width_and_case() -> None:
    cat = _catalog({"b": ["避難所の備蓄品をＤＸで管理する。"], "c": ["献立のdx化を進めた。"]})
    assert cat.mentioning(["DX"]) == ["a", "b", "c", "d"]  # 課 ＤＸ戦略課, prose ＤＸ, prose dx
    assert cat.mentioning(["ｄｘ"]) == ["a", "b", "c", "d"]
    assert cat.mentioning(["防災"]) == ["b"]
    assert cat.mentioning(["宇宙"]) == []


def test_projects_and_indicators_keep_the_catalog_order_among_equals() -> None:
    cat = _catalog({})
    assert [s.sheet_id for _, s in cat.projects("デジタルファースト推進事業の事業費は？")] == ["a", "d"]
    assert [s.sheet_id for _, s in cat.projects("デジタルファーストの事業費は？")] == ["a", "d"]  # without 推進事業
    assert [i.sheet_id for _, i in cat.indicators_for("オンライン申請件数は？")] == ["a", "b", "c", "d"]
    assert [i.sheet_id for _, i in cat.indicators_for("オンライン申請件数は？", {"d", "b"})] == ["b", "d"]
    assert cat.resembles_project("デジタルファースト") and not cat.resembles_project("宇宙開発")


def test_a_name_clipped_as_staff_clip_it_is_spelled_out() -> None:
    from assistant.resolve import clipped_from

    words = ("再生", "可能", "エネルギー", "推進", "事業")
    assert clipped_from("再エネ推進事業", words) == "再生可能エネルギー推進事業"
    assert clipped_from("再エネ", words) == "再生可能エネルギー"
    assert clipped_from("特養", ("特別", "養護", "老人", "ホーム")) == "特別養護"
    assert clipped_from("推進事業", words) is None  # written out in full: nothing is clipped
    assert clipped_from("市民向", ("市民", "活動", "団体", "向け")) is None  # 向け is no word cut short
    sheets = [SheetRef("a", "再生可能エネルギー推進事業", "環境部", "ゼロカーボン推進課", 2024, 2025),
              SheetRef("b", "特定健康診査事業", "保健福祉部", "健康づくり課", 2024, 2025)]
    indicators = [IndicatorRef("b", "outcome", 1, "成果指標①", "特定健康診査受診率", "%")]
    cat = Catalog(sheets, indicators, (len(sheets), 0.0), {})
    assert cat.respell("再エネの事業、特定健診の受診率は？") == "再生可能エネルギーの事業、特定健康診査の受診率は？"
    assert cat.respell("総事業費と事業費は？") == "総事業費と事業費は？"  # rows, not clipped names
    assert cat.respell("市民向けに一言で") == "市民向けに一言で"


def test_the_assistant_sees_sheets_another_process_indexed(tmp_path) -> None:
    settings = AssistantSettings(home=tmp_path / "store", models={"cache_dir": model_cache()})
    embedding = E5Embedding(embeddings=real_embeddings())
    assert build([SEED], settings, embedding=embedding).ok
    assistant = Assistant.from_settings(settings, retrieval=False)
    assert not assistant.ask("学校給食事業の令和6年度の総事業費は？").answerable
    first = assistant.catalog
    assert assistant.catalog is first  # nothing changed: no reload

    other = parse_file(SEED).model_copy(deep=True)
    other.sheet_id, other.template, other.source = "", "canonical", None
    other.project = Project(name="学校給食事業", department="学校教育部", section="学校管理課")
    path = tmp_path / "other.json"
    path.write_text(other.to_json(), encoding="utf-8")
    assert build([SEED, path], settings, embedding=embedding).ok  # the indexer's own connection

    answer = assistant.ask("学校給食事業の令和6年度の総事業費は？")
    assert assistant.catalog is not first and len(assistant.catalog.sheets) == 2
    assert answer.answerable and "学校給食事業" in answer.answer
