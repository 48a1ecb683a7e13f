"""Several projects, one indicator name: the assistant must not pick one silently.

Hundreds of sheets reuse indicator names (オンライン申請件数 is on many DX sheets) and near
project names (キャッシュレス決済推進事業 beside デジタルファースト推進事業's キャッシュレス決済の利用件数).
The store here holds the seed sheet and two canonical JSON sheets derived from it with other
projects and other figures; the expected values are read from those sheets, not from the code.
"""

from __future__ import annotations

import pytest
from index_support import SAMPLES, actual_shown, store_of

from assistant.chain import Assistant
from assistant.figures import lower_is_better
from ingest.model import Project, Sheet
from ingest.parse import parse_file

SEED = SAMPLES / "koriyama_r7_digital_first.txt"


def _variant(seed: Sheet, name: str, section: str, factor: int, renames: dict[str, str] | None = None) -> Sheet:
    """The seed's tables under another project, every figure scaled (so values differ)."""
    data = seed.model_copy(deep=True)
    data.sheet_id = ""
    data.template = "canonical"
    data.source = None
    data.project = Project(name=name, department="市民部", section=section)
    for ind in data.indicators:
        ind.name = (renames or {}).get(ind.name or "", ind.name)
        for v in ind.values:
            v.plan = None if v.plan is None else v.plan * factor
            v.actual = None if v.actual is None else v.actual * factor
    return data


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, Sheet, Sheet, Sheet]:
    root = tmp_path_factory.mktemp("namesakes")
    seed = parse_file(SEED)
    twin = _variant(seed, "デジタルファースト推進事業", "市民課", 2)  # a namesake in another 課
    near = _variant(seed, "キャッシュレス決済推進事業", "商工課", 3,
                    {"オンライン申請件数": "交通事故の発生件数"})
    return store_of(root, [SEED], [twin, near]), seed, twin, near


def test_an_indicator_of_several_projects_is_answered_for_each(world) -> None:
    assistant, seed, twin, near = world
    a = assistant.ask("令和6年度のキャッシュレス決済の利用件数の実績は？")
    name = "キャッシュレス決済の利用件数"
    for sheet in (seed, twin, near):
        assert actual_shown(sheet, name, 2024) in a.answer
    assert "3の事業の指標にあります。" in a.answer
    # namesakes are told apart by their 課
    assert "デジタルファースト推進事業（ＤＸ戦略課）" in a.answer and "デジタルファースト推進事業（市民課）" in a.answer
    assert len(set(a.sheet_ids)) == 3


def test_a_project_named_in_full_beats_a_near_name(world) -> None:
    assistant, seed, twin, near = world
    a = assistant.ask("デジタルファースト推進事業（ＤＸ戦略課）のキャッシュレス決済の利用件数、R6の実績は？")
    assert actual_shown(seed, "キャッシュレス決済の利用件数", 2024) in a.answer
    assert actual_shown(near, "キャッシュレス決済の利用件数", 2024) not in a.answer
    assert actual_shown(twin, "キャッシュレス決済の利用件数", 2024) not in a.answer
    assert {f.project for f in a.facts} == {"デジタルファースト推進事業"}


def test_a_near_project_name_loses_to_the_indicator_it_does_not_have(world) -> None:
    """「キャッシュレス決済を導入した施設」 names an indicator, not the project キャッシュレス決済推進事業."""
    assistant, seed, twin, near = world
    a = assistant.ask("キャッシュレス決済導入施設数は令和６年度で何施設ですか？")
    assert actual_shown(seed, "キャッシュレス決済導入施設数", 2024) in a.answer


def test_an_indicator_to_keep_down_misses_by_going_over() -> None:
    for name in ("交通事故の発生件数", "家庭系ごみ排出量", "待機児童数", "農作物の鳥獣被害額", "自殺死亡率"):
        assert lower_is_better(name), name
    for name in ("温室効果ガス排出量削減率", "浸水被害の解消戸数", "オンライン申請件数", "資源物回収量",
                 "事故防止講習の受講者数"):
        assert not lower_is_better(name), name


def test_unmet_plans_respect_the_direction(world) -> None:
    assistant, seed, twin, near = world
    ind = next(i for i in near.indicators if i.name == "交通事故の発生件数")
    missed_years = [v.fy for v in ind.values if v.plan is not None and v.actual is not None and v.actual > v.plan]
    met_years = [v.fy for v in ind.values if v.plan is not None and v.actual is not None and v.actual < v.plan]
    # the seed's オンライン申請件数 beat its plan every year: as 交通事故の発生件数 that is a miss
    assert missed_years and not met_years
    fy = missed_years[-1]
    a = assistant.ask(f"{fy}年度に成果指標が計画未達だった事業は？")
    rows = {(f.project, f.indicator) for f in a.facts if f.field == "actual"}
    assert ("キャッシュレス決済推進事業", "交通事故の発生件数") in rows
    assert ("デジタルファースト推進事業", "オンライン申請件数") not in rows


def test_namesakes_in_two_sections_are_ranked_and_listed_apart(world) -> None:
    """A project is its name within its 課: the twin is not folded into the seed."""
    assistant = world[0]

    def projects(sheet_ids: list[str]) -> list[tuple[str, str]]:
        refs = [assistant.catalog.sheet(sid) for sid in dict.fromkeys(sheet_ids)]
        return [(r.project, r.section) for r in refs if r is not None]

    a = assistant.ask("2024年度に総事業費が最も大きい事業は？")
    ranked = projects(a.sheet_ids)
    assert len(ranked) == 3 and set(ranked) == {("キャッシュレス決済推進事業", "商工課"),  # one row each
                                                ("デジタルファースト推進事業", "ＤＸ戦略課"),
                                                ("デジタルファースト推進事業", "市民課")}
    # the seed's キャッシュレス決済の利用件数 fell short in 2024 (81.9%), and so did its twin's
    a = assistant.ask("2024年度に成果指標が計画未達だった事業は？")
    missed = projects([f.sheet_id for f in a.facts if f.field == "actual"])
    assert ("デジタルファースト推進事業", "市民課") in missed and ("デジタルファースト推進事業", "ＤＸ戦略課") in missed
