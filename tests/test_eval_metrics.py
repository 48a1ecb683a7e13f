"""The eval harness's metrics (pure, fast) and one small end-to-end smoke run of ``eval.run``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.answer import Answer, Citation, Fact
from eval import metrics
from eval.run import StoreView, acceptance, grade, load_questions, select, summarize
from ingest.model import Section

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "samples" / "koriyama_r7_digital_first.txt"


def answer(text: str = "", citations=(), facts=(), answerable: bool = True) -> Answer:
    return Answer(question="q", answer=text, answerable=answerable, citations=list(citations),
                  facts=list(facts))


def cite(sheet_id: str, quote: str, key: str | None = None, section: str = "二次評価コメント",
         project: str | None = None) -> Citation:
    return Citation(sheet_id=sheet_id, quote=quote, key=key, section=section, project=project)


# ----------------------------------------------------------------------------- numbers


def test_normalize_number_text_fullwidth_and_commas():
    assert metrics.normalize_number_text("３１６，７９９件") == "316799件"
    assert metrics.normalize_number_text("1,234,567円") == "1234567円"
    assert metrics.normalize_number_text("１０５．６％") == "105.6%"
    # not thousands groups: years in a list, two-digit groups
    assert metrics.normalize_number_text("2022,2023") == "2022,2023"
    assert metrics.normalize_number_text("10,20,30") == "10,20,30"


@pytest.mark.parametrize(
    ("text", "gold", "right"),
    [
        ("令和6年度の実績は316,799件です。", [316799], True),
        ("実績は３１６，７９９件、計画比は１０５．６％。", [316799, 105.6], True),
        ("実績は1,685件です。", [685], False),  # 685 inside 1,685
        ("実績は685.5件です。", [685], False),  # 685 inside a decimal
        ("計画比は105.65％", [105.6], False),
        ("計画比は102.40％", [102.4], True),
        ("685件。", [685], True),  # a sentence-final full stop is not a decimal point
        ("2024年度は685件", ["685"], True),
        ("事業費は11,365千円の増加", ["11,365"], True),
        ("前年度から−89,914千円", [89914], True),  # signs are ignored
        ("31万6,799件", [316799], True),  # 万 spelled numbers count too
        ("316,799件", [316799, 300000], False),  # every gold number is needed
        ("何もありません", [], True),
        ("84.0％", [84], True),
    ],
)
def test_numbers_right(text, gold, right):
    assert metrics.numbers_right(text, gold) is right


def test_missing_numbers_lists_what_is_absent():
    assert metrics.missing_numbers("207,137件から316,799件", [207137, 291289, 316799]) == [291289]


# ----------------------------------------------------------------------------- mentions


def test_mentions_terms_alternatives_and_numbers():
    text = "全庁型及び公開型地理情報システムの再構築などで、11365千円増えました。Online applications rose."
    assert metrics.mentions(text, ["地理情報システム"])
    assert metrics.mentions(text, [["11,365", "存在しない語"]])  # any one of a list
    assert metrics.mentions(text, ["online"])  # case-insensitive
    assert not metrics.mentions(text, ["地理情報システム", "キャッシュレス"])
    assert metrics.missing_terms(text, ["キャッシュレス", ["伴走支援", "ガイドライン"]]) == [
        "キャッシュレス", ["伴走支援", "ガイドライン"]]
    assert metrics.mentions("ＤＸ戦略課", ["DX戦略課"])  # NFKC
    assert not metrics.mentions("1,365千円", ["365"])  # a numeric term is a whole number
    assert metrics.mentions("anything", [])


# ----------------------------------------------------------------------------- citations


def test_sheet_text_joins_sections_and_unwrapped_raw():
    sections = [Section(key="purpose", label="意図（目的）", text="市民の利便性の向上を図る。"),
                {"text": "二つ目の節。"}]
    text = metrics.sheet_text(sections, "ページの\n折り返された\n文章")
    assert "市民の利便性の向上を図る。" in text and "二つ目の節。" in text
    assert "ページの折り返された文章" in text
    assert metrics.sheet_text([]) == ""


def test_citations_valid_verbatim_only():
    texts = {
        "s1": metrics.sheet_text(
            [Section(key="secondary_comment", label="二次評価コメント",
                     text="電子申請手続き数は453件から685件に増加しており、施策の効果が表れている。")],
            "窓口におけるキャッシュレス決済の利用件数は、計画値には届かなかっ\nたものの、前年度を上回る"),
    }
    ok = answer(citations=[cite("s1", "453件から685件に増加しており")])
    assert metrics.citations_valid(ok, texts)
    assert metrics.citations_valid(answer(), texts)  # no citations: nothing invalid
    # a quote found only in the printed page, across its line break
    assert metrics.citations_valid(answer(citations=[cite("s1", "計画値には届かなかったものの")]), texts)
    # surrounding whitespace is not part of the quote
    assert metrics.citations_valid(answer(citations=[cite("s1", "  施策の効果が表れている。\n")]), texts)
    # elisions: each piece verbatim, in order
    assert metrics.citations_valid(answer(citations=[cite("s1", "電子申請手続き数は…施策の効果が表れている")]), texts)
    assert not metrics.citations_valid(answer(citations=[cite("s1", "施策の効果が表れている…電子申請手続き数は")]), texts)
    # paraphrase, changed figures, wrong sheet, empty quote
    bad = [cite("s1", "453件から686件に増加しており"), cite("s1", "電子申請が大きく増えた"),
           cite("s2", "453件から685件に増加しており"), cite("s1", "  ")]
    for c in bad:
        assert not metrics.citations_valid(answer(citations=[c]), texts), c.quote
    mixed = answer(citations=[cite("s1", "453件から685件"), cite("s1", "言い換えた文")])
    assert [c.quote for c in metrics.invalid_citations(mixed, texts)] == ["言い換えた文"]


def test_citations_valid_takes_answer_json_and_candidate_lists():
    texts = {"s1": ["最初の候補", "二つ目の候補にある文"]}
    as_json = json.loads(answer(citations=[cite("s1", "候補にある文")]).model_dump_json())
    assert metrics.citations_valid(as_json, texts)


# ----------------------------------------------------------------------------- hit@k


def test_hit_at_k():
    other = [cite("x", "q", key="purpose") for _ in range(5)]
    gold = cite("g1", "q", key="secondary_comment")
    assert metrics.hit_at_k(answer(citations=[gold]), {"g1"}, "secondary_comment")
    assert not metrics.hit_at_k(answer(citations=[gold]), {"g1"}, "kaizen")  # wrong section
    assert not metrics.hit_at_k(answer(citations=other + [gold]), {"g1"}, "secondary_comment")  # 6th
    assert metrics.hit_at_k(answer(citations=other + [gold]), {"g1"}, "secondary_comment", k=6)
    # no key on the citation: its label decides
    labelled = cite("g1", "q", key=None, section="二次評価コメント")
    assert metrics.hit_at_k(answer(citations=[labelled]), ["g1"], "secondary_comment",
                            section_labels=["二次評価コメント"])
    # no gold section: the facts count
    fact = Fact(sheet_id="g1", field="actual", value=685)
    assert metrics.hit_at_k(answer(facts=[fact]), {"g1"})
    assert not metrics.hit_at_k(answer(facts=[fact]), {"g1"}, "secondary_comment")
    assert not metrics.hit_at_k(answer(facts=[fact]), {"g2"})
    # the project's name stands in when no gold id is known
    named = Fact(sheet_id="other-id", project="デジタルファースト推進事業", field="actual", value=1)
    assert metrics.hit_at_k(answer(facts=[named]), set(), gold_project="デジタルファースト推進事業")


def test_percentile():
    assert metrics.percentile([], 50) is None
    assert metrics.percentile([3.0], 95) == 3.0
    assert metrics.percentile([1, 2, 3, 4], 50) == 2.5
    assert metrics.percentile([1, 2, 3, 4, 5], 95) == pytest.approx(4.8)


# ----------------------------------------------------------------------------- the harness's bookkeeping


def test_load_and_select_questions(tmp_path):
    lines = [
        {"id": "a", "type": "figure", "question": "Q1", "gold_numbers": [1]},
        {"id": "b", "type": "figure", "question": "Q2", "conversation": "c"},
        {"id": "c", "type": "followup", "question": "その前年は？", "conversation": "c"},
        {"id": "d", "type": "unanswerable", "question": "市長は？"},
    ]
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    qs = load_questions(path)
    assert [q["id"] for q in qs] == ["a", "b", "c", "d"]
    assert qs[3]["answerable"] is False and qs[0]["answerable"] is True
    assert [q["id"] for q in select(qs, ["followup"])] == ["b", "c"]  # a conversation stays whole
    assert [q["id"] for q in select(qs, limit=2)] == ["a", "b", "c"]
    path.write_text(json.dumps({"id": "x", "type": "nonsense", "question": "?"}), encoding="utf-8")
    with pytest.raises(ValueError, match="type"):
        load_questions(path)


def test_dev_set_shape():
    qs = load_questions(ROOT / "eval" / "questions" / "dev.jsonl")
    assert len(qs) >= 80
    types = {q["type"] for q in qs}
    assert types == {"figure", "trend", "comparison", "filter", "summary", "why", "unanswerable", "followup"}
    assert any(q["lang"] == "en" for q in qs)
    for q in qs:
        if q["type"] in ("figure", "trend", "comparison") and q["answerable"]:
            assert q["gold_numbers"] or q["must_mention"], q["id"]
        if q["type"] == "followup":
            assert q["conversation"], q["id"]
    # follow-ups come after the turn that opens their conversation
    first = {}
    for i, q in enumerate(qs):
        if q["conversation"]:
            first.setdefault(q["conversation"], i)
            if q["type"] == "followup":
                assert first[q["conversation"]] < i


def test_grade_and_acceptance():
    view = StoreView(texts={"s1": "電子申請手続き数は453件から685件に増加"})
    view.labels["secondary_comment"].add("二次評価コメント")
    q_fig = {"id": "f", "type": "figure", "question": "?", "gold_numbers": [685], "must_mention": [],
             "answerable": True, "gold": None}
    q_un = {"id": "u", "type": "unanswerable", "question": "?", "gold_numbers": [], "must_mention": [],
            "answerable": False, "gold": None}
    good = grade(q_fig, answer("685件です", citations=[cite("s1", "453件から685件")]), view)
    assert good["passed"] and good["checks"] == {"numbers": True, "not_declined": True, "citations": True}
    declined = grade(q_un, answer("シートにはありません", answerable=False), view)
    assert declined["passed"]
    false_decline = grade(q_fig, answer("ありません", answerable=False), view)
    assert not false_decline["passed"] and "numbers missing: 685" in false_decline["failures"]
    bad_quote = grade(q_fig, answer("685件", citations=[cite("s1", "作り話")]), view)
    assert bad_quote["citations_invalid"] == 1 and not bad_quote["passed"]
    crashed = grade(q_un, None, view)
    assert not crashed["passed"]

    def result(q, g, error=None):
        return {"type": q["type"], "answerable": q["answerable"], "grade": g, "seconds": 0.1, "error": error}

    results = [result(q_fig, good), result(q_un, declined)]
    acc = acceptance(results)
    assert acc["passed"] and acc["verdict"].startswith("verdict: PASS")
    assert not acceptance(results + [result(q_fig, false_decline)])["passed"]
    assert not acceptance(results + [result(q_fig, bad_quote)])["parts"]["citations"]["ok"]
    assert not acceptance(results + [result(q_un, crashed, "boom")])["passed"]
    s = summarize(results + [result(q_fig, false_decline)])
    assert s["by_type"]["figure"]["numbers_right"] == (1, 2)
    assert s["by_type"]["figure"]["false_declines"] == 1
    assert s["overall"]["declined"] == (1, 1)


# ----------------------------------------------------------------------------- smoke: eval.run end to end


@pytest.mark.slow
def test_eval_run_smoke(tmp_path):
    """Three questions (one a follow-up) against a one-sheet store: the reports come out whole."""
    try:
        from assistant.chain import Assistant  # noqa: F401
        from assistant.settings import AssistantSettings
    except Exception as e:  # the assistant is written alongside; say why this cannot run
        pytest.skip(f"assistant.chain.Assistant is not importable ({type(e).__name__}: {e})")
    try:
        from tests.index_support import model_cache
    except ImportError:  # tests/ run as plain modules
        from index_support import model_cache

    from eval.run import run
    from ingest.index import build

    settings = AssistantSettings(home=tmp_path / "store")
    settings.models.cache_dir = model_cache()
    assert build([SEED], settings).ok
    questions = [
        {"id": "f1", "type": "figure", "question": "令和6年度のオンライン申請件数の実績は？",
         "conversation": "c1", "gold_numbers": [316799], "must_mention": [], "answerable": True,
         "gold": {"project": "デジタルファースト推進事業", "department": "政策開発部"}},
        {"id": "f2", "type": "followup", "question": "その前年は？", "conversation": "c1",
         "gold_numbers": [291289], "must_mention": [], "answerable": True, "gold": None},
        {"id": "u1", "type": "unanswerable", "question": "郡山市長の名前は？", "conversation": None,
         "gold_numbers": [], "must_mention": [], "answerable": False, "gold": None},
    ]
    reports = tmp_path / "reports"
    report = run(questions, settings=settings, reports_dir=reports, say=lambda *_: None)
    assert [r["id"] for r in report["results"]] == ["f1", "f2", "u1"]
    assert all(r["error"] is None for r in report["results"]), [r["error"] for r in report["results"]]
    assert report["acceptance"]["verdict"].startswith("verdict: ")
    assert set(report["summary"]["by_type"]) == {"figure", "followup", "unanswerable"}
    md = Path(report["paths"]["markdown"])
    assert md.exists() and md.name.startswith("custom-")
    assert (reports / "latest.md").read_text(encoding="utf-8") == md.read_text(encoding="utf-8")
    data = json.loads(Path(report["paths"]["json"]).read_text(encoding="utf-8"))
    assert data["schema"] == "eval-run/1" and len(data["results"]) == 3
    assert "| figure |" in md.read_text(encoding="utf-8")
