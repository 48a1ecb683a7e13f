"""Questions about the store itself: how many projects it holds, which have sheets for a year, which
have several years of sheets. Sheets of the generated corpus (eval.corpus, seed 29); the gold is read
from the corpus's truth files, never from the code under test."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from index_support import model_cache, real_embeddings

from assistant.chain import Assistant
from assistant.settings import AssistantSettings
from ingest.index import build
from ingest.vectors import E5Embedding

WANTED = ("保育所等施設整備補助事業", "固定資産評価適正化事業", "事業承継推進事業", "緑化推進事業", "書かない窓口導入事業",
          "町内会活動推進事業", "ハザードマップ周知事業")


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, dict[str, set[int]]]:
    """Six projects with one to four years of sheets, and the years each has (from the truth files)."""
    from eval.corpus import write_corpus

    root = tmp_path_factory.mktemp("catalog")
    write_corpus(root / "corpus", n=40, seed=29, pdf_share=0.0, cp932_share=0.0)
    years: dict[str, set[int]] = defaultdict(set)
    files = []
    for p in sorted((root / "corpus" / "truth").glob("*.json")):
        sheet = json.loads(p.read_text(encoding="utf-8"))
        if sheet["project"]["name"] in WANTED:
            files.append(p)
            years[sheet["project"]["name"]].add(sheet["target_fy"])
    assert set(years) == set(WANTED)
    settings = AssistantSettings(home=root / "store", models={"cache_dir": model_cache()})
    report = build(files, settings, embedding=E5Embedding(embeddings=real_embeddings()))
    assert report.ok, report.failed
    return Assistant.from_settings(settings, retrieval=False), dict(years)


def _named(answer: str) -> set[str]:
    return {name for name in WANTED if name in answer}


@pytest.mark.parametrize("question", ["このシステムに入ってる事業って全部でいくつ？",
                                      "How many different projects are covered by the sheets in this store?"])
def test_how_many_projects_the_store_holds(catalog: tuple[Assistant, dict[str, set[int]]], question: str) -> None:
    a_, years = catalog
    a = a_.ask(question)
    assert a.answerable and re.search(rf"(?<!\d){len(years)}(?!\d)", a.answer) and _named(a.answer) == set(years), a.answer


@pytest.mark.parametrize(("question", "least"), [
    ("4年度分の評価シートがそろってる事業はどれ？", 4),
    ("複数年度分のシートがある事業っていくつ？", 2),
    ("何年度分もシートがあるのってどれ？", 2),
    ("シートが何枚もある事業ある？", 2),
    ("Which projects have sheets for three or more years?", 3),
])
def test_projects_by_how_many_years_of_sheets_they_have(catalog: tuple[Assistant, dict[str, set[int]]], question: str,
                                                        least: int) -> None:
    a_, years = catalog
    gold = {name for name, ys in years.items() if len(ys) >= least}
    a = a_.ask(question)
    assert a.answerable and _named(a.answer) == gold and str(len(gold)) in a.answer, a.answer


def test_a_year_of_sheets_and_how_many_years_together(catalog: tuple[Assistant, dict[str, set[int]]]) -> None:
    a_, years = catalog
    gold = {name for name, ys in years.items() if 2024 in ys and len(ys) >= 3}
    a = a_.ask("R6のシートがある事業で、3年度分以上そろってるのは？")  # 「3年度分以上」 is no amount of money
    assert _named(a.answer) == gold and "千円" not in a.answer, a.answer


def test_which_projects_have_a_sheet_for_a_year_asked_politely(catalog: tuple[Assistant, dict[str, set[int]]]) -> None:
    # 「でしょうか」: no word of a name (しょう is read as no 小 …), nothing asked of one project
    a_, years = catalog
    a = a_.ask("令和6年度に実施した事業について評価シートがあるのは、どの事業でしょうか？")
    assert _named(a.answer) == {name for name, ys in years.items() if 2024 in ys}, a.answer


def test_how_many_projects_beside_a_ranking(catalog: tuple[Assistant, dict[str, set[int]]]) -> None:
    a_, years = catalog
    a = a_.ask("How many projects have a sheet evaluating FY2025, and which of them spent the least?")
    assert f"{sum(2025 in ys for ys in years.values())} projects" in a.answer, a.answer


def test_a_cost_added_up_over_the_projects(catalog: tuple[Assistant, dict[str, set[int]]]) -> None:
    a_, years = catalog
    truth = [json.loads(p.read_text(encoding="utf-8")) for p in
             sorted(Path(a_.settings.home).parent.glob("corpus/truth/*.json"))]
    own = sum(next(c["total_cost"] for c in s["costs"] if c["fy"] == 2024) for s in truth
              if s["project"]["name"] in WANTED and s["target_fy"] == 2024)
    for question in ("R6の総事業費、全部の事業で合計するといくら？", "What's the combined total cost of all projects in FY2024?"):
        a = a_.ask(question)
        assert a.answerable and f"{own:,}" in a.answer, a.answer  # (the sheets evaluating 2024; later sheets' columns apart)


def test_which_sheet_is_no_question_about_a_named_thing(catalog: tuple[Assistant, dict[str, set[int]]]) -> None:
    a_, _ = catalog
    a = a_.ask("Which FY2025 sheet has the highest unit cost (total-cost basis)?")
    assert a.answerable and "円" in a.answer, a.answer


def _background(a_: Assistant, name: str) -> dict[int, str]:
    """Each sheet's 背景 of ``name``, by the year it evaluates (from the truth files)."""
    out = {}
    for p in Path(a_.settings.home).parent.glob("corpus/truth/*.json"):
        sheet = json.loads(p.read_text(encoding="utf-8"))
        if sheet["project"]["name"] == name:
            out[sheet["target_fy"]] = next(s["text"] for s in sheet["sections"] if s["key"] == "background")
    return out


@pytest.mark.parametrize("question", ["町内会活動推進事業が始まった背景は？", "How did 町内会活動推進事業 start?"])
def test_how_a_project_started_is_read_from_its_earliest_sheet(catalog: tuple[Assistant, dict[str, set[int]]],
                                                                question: str) -> None:
    a_, _ = catalog
    texts = _background(a_, "町内会活動推進事業")
    first, last = texts[min(texts)], texts[max(texts)]
    assert first[:12] != last[:12]  # (each year rewrites the 背景)
    a = a_.ask(question)
    assert first[:12] in a.answer, a.answer
    a = a_.ask("町内会活動推進事業の背景、最新のシートだと？")  # the newest sheet asked: its own text
    assert last[:12] in a.answer, a.answer


def test_what_people_ask_for_is_the_residents_needs(catalog: tuple[Assistant, dict[str, set[int]]]) -> None:
    a_, _ = catalog
    sheet = next(s for p in Path(a_.settings.home).parent.glob("corpus/truth/*.json")
                 for s in [json.loads(p.read_text(encoding="utf-8"))]
                 if s["project"]["name"] == "固定資産評価適正化事業" and s["target_fy"] == 2024)
    needs = next(s["text"] for s in sheet["sections"] if s["key"] == "resident_needs")
    a = a_.ask("According to the FY2024 sheet of 固定資産評価適正化事業, what do businesses ask for?")
    assert a.answerable and needs[:12] in a.answer, a.answer


def test_the_evaluation_word_of_a_name_or_a_verb_asks_no_result(catalog: tuple[Assistant, dict[str, set[int]]]) -> None:
    a_, _ = catalog
    a = a_.ask("固定資産評価で評価した土地の筆数は？")  # 評価 of the name, and 評価した of 土地: no result asked
    assert not a.answerable and "筆数" in a.answer, a.answer
    a = a_.ask("固定資産評価のR6の総事業費は？")
    assert a.answerable and "一次評価" not in a.answer, a.answer


@pytest.mark.parametrize("question", ["ハザードマップ周知事業の機能は、具体的にどの事業に引き継がれた？",
                                      "Which project is the hazard map project (ハザードマップ周知事業) being merged into?"])
def test_the_project_a_merge_hands_over_to_is_not_written(catalog: tuple[Assistant, dict[str, set[int]]],
                                                           question: str) -> None:
    # 「必要な機能は既存事業で対応する」 names no project: declined, with the sentence that speaks of it
    a_, _ = catalog
    texts = [s["text"] for p in Path(a_.settings.home).parent.glob("corpus/truth/*.json")
             for sheet in [json.loads(p.read_text(encoding="utf-8"))] if sheet["project"]["name"] == "ハザードマップ周知事業"
             for s in sheet["sections"]]
    said = next(x for t in texts for x in re.split(r"(?<=。)|\n", t) if "既存事業" in x)
    a = a_.ask(question)
    assert not a.answerable and said.strip() in a.answer, a.answer


def test_a_years_sheets_are_no_count_of_years(catalog: tuple[Assistant, dict[str, set[int]]]) -> None:
    a_, years = catalog
    for question in ("2024年度分のシートがある事業は？", "令和6年度分のシートがある事業はいくつ？"):
        a = a_.ask(question)  # 「2024年度分」 is that year's sheets, not 2,024 years of them
        assert _named(a.answer) == {n for n, ys in years.items() if 2024 in ys}, a.answer


def test_the_result_of_evaluating_is_the_evaluation(catalog: tuple[Assistant, dict[str, set[int]]]) -> None:
    a_, _ = catalog
    a = a_.ask("固定資産評価適正化事業を評価した結果は？")  # 「評価した結果」: the result is asked
    assert "一次評価" in a.answer and "二次評価" in a.answer, a.answer
