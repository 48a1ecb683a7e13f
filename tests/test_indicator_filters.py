"""Filters over indicators' own figures: 「計画値ぴったりだった事業」, 「受講者数が500人を超えた事業」.

An amount in people or cases compares an indicator's actual, never a cost (a total cost in 千円 was
once listed as 「500人を超える」); the words before the amount (or the English noun after it) name the
rows. The store holds the seed sheet and two variants of it with scaled figures, so the expected
rows are read from those sheets.
"""

from __future__ import annotations

import pytest
from index_support import SAMPLES, model_cache, real_embeddings

from assistant.chain import Assistant
from assistant.settings import AssistantSettings
from ingest.index import build
from ingest.model import Project, Sheet
from ingest.parse import parse_file
from ingest.vectors import E5Embedding

_MONEY = ("project_cost", "personnel_cost", "total_cost", "general_revenue", "national_prefectural", "municipal_bonds")


def _variant(seed: Sheet, name: str, factor: int, cost_of: dict[int, int] | None = None) -> Sheet:
    """The seed's rows under another project, indicators scaled by ``factor`` and each year's money
    by ``cost_of[fy]`` (else ``factor``)."""
    data = seed.model_copy(deep=True)
    data.sheet_id, data.template, data.source = "", "canonical", None
    data.project = Project(name=name, department="市民部", section="市民課")
    for ind in data.indicators:
        for v in ind.values:
            v.plan = None if v.plan is None else v.plan * factor
            v.actual = None if v.actual is None else v.actual * factor
    for c in data.costs:
        for k in _MONEY:
            if (v := getattr(c, k)) is not None:
                setattr(c, k, v * (cost_of or {}).get(c.fy, factor))
        if cost_of:  # this variant borrows: 市債 in every year (the seed and the twin have none)
            c.municipal_bonds = 1000 * c.fy % 7 + 100
    return data


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, list[Sheet]]:
    root = tmp_path_factory.mktemp("indicator-filters")
    seed = parse_file(SAMPLES / "koriyama_r7_digital_first.txt")
    twin = _variant(seed, "キャッシュレス決済推進事業", 2)
    shrunk = _variant(seed, "窓口改革推進事業", 1, cost_of={2023: 5, 2024: 3})  # its money fell in 2024
    files = [SAMPLES / "koriyama_r7_digital_first.txt"]
    for sheet in (twin, shrunk):
        files.append(root / f"{len(files)}.json")
        files[-1].write_text(sheet.to_json(), encoding="utf-8")
    settings = AssistantSettings(home=root / "store", models={"cache_dir": model_cache()})
    report = build(files, settings, embedding=E5Embedding(embeddings=real_embeddings()))
    assert report.ok, report.failed
    return Assistant.from_settings(settings, retrieval=False), [seed, twin, shrunk]


def _on_plan(sheets: list[Sheet], kind: str, fy: int) -> set[tuple[str, str]]:
    return {(s.project.name, i.name or "") for s in sheets for i in s.indicators if i.kind == kind
            for v in i.values if v.fy == fy and v.actual is not None and v.actual == v.plan}


@pytest.mark.parametrize("question", ["{fy}年度に成果指標が計画値ぴったりだった事業ある？",
                                      "Which projects' outcome indicators came in exactly on plan in FY{fy}?"])
def test_indicators_exactly_on_plan(world, question: str) -> None:
    assistant, sheets = world
    fy = 2023
    expected = _on_plan(sheets, "outcome", fy)
    assert expected and expected != {(s.project.name, i.name or "") for s in sheets for i in s.indicators
                                      if i.kind == "outcome"}  # some rows missed or beat the plan
    a = assistant.ask(question.format(fy=fy))
    assert {(f.project, f.indicator) for f in a.facts if f.field == "actual"} == expected


def test_years_exactly_on_plan_of_one_row(world) -> None:
    assistant, sheets = world
    ind = next(i for i in sheets[0].indicators if i.name == "オンライン申請件数")
    years = [v.fy for v in ind.values if v.actual is not None and v.actual == v.plan]
    assert years
    a = assistant.ask("デジタルファースト推進事業のオンライン申請件数、計画値と同じだった年は？")
    line = next(x for x in a.answer.splitlines() if "計画値と同じだった" in x)
    others = [v.fy for v in ind.values if v.actual is not None and v.actual != v.plan]
    assert all(str(y) in line for y in years) and not any(f"{y}年度" in line for y in others), a.answer


def _actual(sheet: Sheet, name: str, fy: int) -> int | float:
    v = next(i for i in sheet.indicators if i.name == name).value(fy)
    assert v is not None and v.actual is not None
    return v.actual


@pytest.mark.parametrize("question", ["R6にオンライン申請件数が{n}件を超えた事業は？",
                                      "Which projects had more than {n:,} online applications in FY2024?"])
def test_an_amount_in_cases_compares_the_rows_it_names(world, question: str) -> None:
    assistant, (seed, twin, _) = world
    low, high = _actual(seed, "オンライン申請件数", 2024), _actual(twin, "オンライン申請件数", 2024)
    n = int((low + high) // 2)  # between the seed's actual and the twin's: only the twin passes
    a = assistant.ask(question.format(n=n))
    passed = {(f.project, f.indicator, f.value) for f in a.facts if f.field == "actual"}
    assert passed == {("キャッシュレス決済推進事業", "オンライン申請件数", high)}
    assert not any(f.unit == "千円" for f in a.facts)  # never a cost against a count


def test_a_count_word_no_row_has_is_declined(world) -> None:
    assistant, _ = world
    a = assistant.ask("R6に来場者数が1万人を超えた事業は？")
    assert not a.answerable
    assert not any(f.field == "actual" for f in a.facts)


def _total(sheet: Sheet, fy: int) -> int | float:
    v = next(c.total_cost for c in sheet.costs if c.fy == fy)
    assert v is not None
    return v


@pytest.mark.parametrize("question", ["R6の総事業費が2番目に大きいのは？", "Which project had the second-highest total cost in FY2024?"])
def test_a_place_in_a_ranking(world, question: str) -> None:
    assistant, sheets = world
    ranked = sorted(sheets, key=lambda s: -_total(s, 2024))
    a = assistant.ask(question)
    first = a.answer.splitlines()[0]
    assert ranked[1].project.name in first and ranked[0].project.name not in first, a.answer


@pytest.mark.parametrize("question", ["R6に総事業費が一番減った事業は？", "Which project saw the biggest drop in total cost in FY2024?"])
def test_the_biggest_drop_ranks_the_most_negative_change_first(world, question: str) -> None:
    assistant, sheets = world
    falls = sorted(sheets, key=lambda s: _total(s, 2024) - _total(s, 2023))
    assert _total(falls[0], 2024) < _total(falls[0], 2023) and falls[0].project.name == "窓口改革推進事業"
    a = assistant.ask(question)
    assert a.answer.splitlines()[0].count(falls[0].project.name) == 1, a.answer
    assert f"{_total(falls[0], 2024) - _total(falls[0], 2023):,}".lstrip("-") in a.answer.splitlines()[0], a.answer


@pytest.mark.parametrize("question", ["Did any projects use municipal bonds in FY2024?", "R6に市債を使った事業ある？"])
def test_any_project_with_a_revenue_row(world, question: str) -> None:
    assistant, sheets = world
    expected = {s.project.name for s in sheets for c in s.costs if c.fy == 2024 and c.municipal_bonds}
    assert expected == {"窓口改革推進事業"}  # one project of three borrows
    a = assistant.ask(question)
    assert a.answerable and {f.project for f in a.facts if f.field == "municipal_bonds"} == expected, a.answer


def test_cost_in_total_is_the_total_cost(world) -> None:
    assistant, (seed, _, _) = world
    a = assistant.ask("What did the digital first promotion project cost in total in FY2024?")
    assert {f.field for f in a.facts if f.field.endswith("cost")} == {"total_cost"}, a.answer
    assert f"{_total(seed, 2024):,}" in a.answer


@pytest.mark.parametrize("name,actual,plan,meets", [
    ("滞納処分件数", 429, 490, False),  # enforcement done about arrears: the work, to be kept up
    ("不登校児童生徒への相談件数", 80, 100, False),  # consultations for non-attendance: the support given
    ("市税の滞納額", 400, 500, True),  # the arrears themselves: kept down
    ("交通事故の発生件数", 12, 10, False),
])
def test_work_done_about_a_trouble_is_kept_up_the_trouble_kept_down(name: str, actual: int, plan: int, meets: bool) -> None:
    from assistant.measures import met

    assert met(actual, plan, name) is meets
