"""The claim guard: an LLM answer that contradicts the facts falls back to the extractive answer,
whether or not it wrote a new number (issue #17). Each kind of fact has an answer made to
contradict it, and a faithful answer beside it that must pass."""

from __future__ import annotations

import logging

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.answer import Answer, Citation, Fact
from assistant.claims import check_claims, reason_fits, strip_markdown, summary_problems
from assistant.llm import write_with_llm

SID = "seed"
P = "デジタルファースト推進事業"
IND = "キャッシュレス決済の利用件数"

VERDICT = [  # 57,356 of a 70,000 plan: not met
    Fact(sheet_id=SID, project=P, indicator=IND, row="成果指標③", fy=2024, field="actual", value=57356, unit="件"),
    Fact(sheet_id=SID, project=P, indicator=IND, row="成果指標③", fy=2024, field="plan", value=70000, unit="件"),
    Fact(sheet_id=SID, project=P, indicator=IND, row="成果指標③", fy=2024, field="rate", value=81.9, unit="%",
         computed=True),
]
CHANGE = [  # 事業費 fell from 2022 to 2023
    Fact(sheet_id=SID, project=P, indicator="事業費", row="事業費", fy=2022, field="project_cost", value=49935, unit="千円"),
    Fact(sheet_id=SID, project=P, indicator="事業費", row="事業費", fy=2023, field="project_cost", value=39131, unit="千円"),
    Fact(sheet_id=SID, project=P, indicator="事業費", row="事業費", fy=2023, field="project_cost_change", value=-10804,
         unit="千円", computed=True),
]
ANALYSIS = [Citation(sheet_id=SID, project=P, section="総事業費（事業費・人件費）分析結果", key="cost_analysis",
                     quote="【人件費】「行政手続オンライン化ガイドライン」の策定やキャッシュレス決済環境の新規導入等の実施に伴い、"
                           "業務量が増加した。\n【事業費】事業費のうち、前年度と比較して11,365千円の増加は、全庁型及び公開型地理情報"
                           "システムの再構築、キャッシュレス決済環境の新規導入（4施設）などによるものである。")]


@pytest.mark.parametrize("text", [
    "はい、2024年度のキャッシュレス決済の利用件数は計画を達成しました。",
    "Yes, in FY2024 the cashless payments met the plan.",
    "2024年度のキャッシュレス決済の利用件数は計画を上回りました。",
])
def test_a_verdict_the_figures_contradict(text: str) -> None:
    question = "キャッシュレス決済の利用件数は計画を達成した？"
    assert not check_claims(text, VERDICT, question).ok


@pytest.mark.parametrize("text", [
    "2024年度のキャッシュレス決済の利用件数は57,356件で、計画の70,000件に届きませんでした（達成率81.9%）。",
    "In FY2024 cashless payments were 57,356, short of the plan of 70,000 (81.9%).",
])
def test_a_faithful_verdict_passes(text: str) -> None:
    assert check_claims(text, VERDICT, "キャッシュレス決済の利用件数は計画を達成した？").ok


def test_a_direction_the_change_contradicts() -> None:
    assert not check_claims("2023年度のデジタルファースト推進事業の事業費は前年度より増加しました。", CHANGE).ok
    assert not check_claims("In FY2023 the project cost rose from the year before.", CHANGE).ok
    assert check_claims("2023年度の事業費は39,131千円で、前年度から10,804千円減少しました。", CHANGE).ok


def test_a_project_or_year_the_facts_never_mention() -> None:
    assert not check_claims("キャッシュレス決済推進事業の利用件数は57,356件でした。", VERDICT).ok
    assert not check_claims("2019年度の利用件数は57,356件でした。", VERDICT).ok
    assert check_claims("デジタルファースト推進事業の2024年度の利用件数は57,356件でした。", VERDICT).ok


COUNTS = [  # a list answer: how many projects, no plan, no change
    Fact(sheet_id="*", field="count", value=22, unit="件", computed=True, row="事業数"),
    Fact(sheet_id=SID, project=P, row="担当", field="section", value="ＤＸ戦略課"),
]


@pytest.mark.parametrize("text", [
    "はい、キャッシュレス決済の利用件数は計画を達成した。",
    "キャッシュレス決済の利用件数は目標に届きませんでした。",
    "デジタルファースト推進事業の事業費は前年度より増加しました。",
])
def test_a_verdict_or_direction_with_nothing_to_stand_on(text: str) -> None:
    # the facts hold no plan, no change and no yearly values, and no quote says so: unsupported
    assert not check_claims(text, COUNTS, "キャッシュレス決済の利用件数は計画を達成した？").ok


def test_a_verdict_or_direction_a_quote_states_passes() -> None:
    quote = [Citation(sheet_id=SID, project=P, section="成果の分析", quote="利用件数は前年度より増加したが、目標には届かなかった。")]
    assert check_claims("利用件数は前年度より増加しましたが、目標には届きませんでした。", COUNTS, "", quote).ok


def test_a_direction_read_off_the_yearly_values() -> None:
    # no computed change: the two years' values say 事業費 fell
    values = CHANGE[:2]
    assert not check_claims("2022年度は49,935千円、2023年度は39,131千円で、前年度より増加しました。", values).ok
    assert check_claims("2022年度は49,935千円、2023年度は39,131千円で、前年度より減少しました。", values).ok


def test_an_achievement_rate_is_no_verdict() -> None:
    met = [f.model_copy(update={"value": 80000}) if f.field == "actual" else f for f in VERDICT]
    assert check_claims("2024年度の計画達成率は114.3%でした。", met).ok
    assert check_claims("2024年度の計画達成率は81.9%でした。", VERDICT).ok


@pytest.mark.parametrize("text", [
    "はい、水道局の事業は1件あります。",
    "これらの事業は担当課で行っています。それぞれの事業の件数は2件です。",
    "安全の観点から、引き続き事業を継続して実施する。",
    "国・県支出金の比率が一番高い事業はデジタルファースト推進事業です。",
])
def test_words_before_jigyo_that_name_no_project(text: str) -> None:
    assert check_claims(text, VERDICT).ok


def test_a_reason_attached_to_the_wrong_row() -> None:
    wrong = "事業費が増えたのは、行政手続オンライン化ガイドラインの策定に伴い業務量が増加したためです。"
    right = "事業費が増えたのは、全庁型及び公開型地理情報システムの再構築などによるものです。"
    assert not reason_fits(wrong, ANALYSIS, CHANGE).ok
    assert reason_fits(right, ANALYSIS, CHANGE).ok


def test_summary_checks() -> None:
    source = sum(len(c.quote) for c in ANALYSIS)
    assert summary_problems("人件費は業務量の増加、事業費は地理情報システムの再構築による。", ANALYSIS, source) == []
    assert any("simplified" in p for p in summary_problems("窗口の業務量が増加した。", ANALYSIS, source))
    assert any("Markdown" in p for p in summary_problems("**要約** 業務量が増加した。", ANALYSIS, source))
    assert any("longer" in p for p in summary_problems(ANALYSIS[0].quote + "以上です。", ANALYSIS, source))
    assert any("unsupported" in p for p in summary_problems("市民満足度が大きく向上し、成功を強調した。", ANALYSIS, source))
    assert strip_markdown("**重要**\n- 一点目\n1. 二点目") == "重要\n一点目\n二点目"


def _fallback(facts: list[Fact], citations: list[Citation], intent: str = "figure") -> Answer:
    return Answer(question="q", answer="extractive", facts=facts, citations=citations, intent=intent, sheet_ids=[SID])


@pytest.mark.parametrize("reply,facts", [
    ("はい、2024年度のキャッシュレス決済の利用件数は計画を達成しました。", VERDICT),
    ("2023年度のデジタルファースト推進事業の事業費は前年度より増加しました。", CHANGE),
])
def test_a_contradicting_llm_answer_falls_back(reply: str, facts: list[Fact], caplog: pytest.LogCaptureFixture) -> None:
    fallback = _fallback(facts, [])
    with caplog.at_level(logging.WARNING, logger="assistant.llm"):
        got = write_with_llm(FakeListChatModel(responses=[reply]), "達成した？", facts, [], (), fallback)
    assert got == fallback
    assert any(hasattr(r, "claim_rejected") for r in caplog.records)


def test_a_faithful_llm_answer_is_kept_and_markdown_dropped() -> None:
    reply = "**2024年度**のキャッシュレス決済の利用件数は57,356件で、計画の70,000件に届きませんでした（達成率81.9%）。"
    got = write_with_llm(FakeListChatModel(responses=[reply]), "達成した？", VERDICT, [], (81.9,), _fallback(VERDICT, []))
    assert got.mode == "llm" and "**" not in got.answer


def test_a_summary_longer_than_its_source_falls_back() -> None:
    reply = ANALYSIS[0].quote + "これが要約です。"
    fallback = _fallback([], ANALYSIS, intent="summary")
    got = write_with_llm(FakeListChatModel(responses=[reply]), "要約して", [], ANALYSIS, (), fallback)
    assert got == fallback


def test_a_misconfigured_llm_is_one_line_and_extractive(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    from assistant.chain import chat_model_or_none
    from assistant.settings import AssistantSettings

    settings = AssistantSettings(home=tmp_path, llm={"backend": "llamacpp", "gguf_path": str(tmp_path / "none.gguf")})
    assert chat_model_or_none(settings) is None
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("warning: the LLM is not used") and "GGUF_PATH" in err[0]


def test_the_sheets_own_words_are_no_claims_of_the_model() -> None:
    quote = Citation(sheet_id=SID, project=P, section="今後周辺環境（予測）",
                     quote="自治体の情報システムの標準化について2025年度までに移行が求められている。重層的支援体制整備事業の本格実施に伴い連携が求められる。")
    # years and projects a quote writes, quoted or repeated, are the sheet's
    assert check_claims("今後周辺環境には「自治体の情報システムの標準化について2025年度までに移行が求められている。」とあります。",
                        VERDICT, "", [quote]).ok
    assert check_claims("重層的支援体制整備事業の本格実施に伴い連携が求められる。", VERDICT, "", [quote]).ok
    # an evaluation result is a value, not a direction: 一次評価「縮小」 says nothing decreased
    result = [Fact(sheet_id=SID, project=P, row="一次評価", fy=2024, field="result", value="縮小")]
    assert check_claims("デジタルファースト推進事業の一次評価は「縮小」です。", result).ok
    # "fell short of its plan" is a verdict, not a direction
    assert check_claims("In FY2024, cashless payments fell short of the plan.", VERDICT).ok
    # the model's own sentence is still checked: a year no fact, quote or extractive answer holds
    assert not check_claims("2019年度には標準化が完了しました。", VERDICT, "", [quote]).ok


def test_what_the_extractive_answer_states_is_allowed() -> None:
    said = "注意：人件費は平成27年度に算定方法が見直されたため、平成26年度以前の人件費は参考値です。"
    assert check_claims("平成26年度以前の人件費は参考値です。", VERDICT, "", (), said=said).ok
    assert not check_claims("平成26年度以前の人件費は参考値です。", VERDICT).ok
