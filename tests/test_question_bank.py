"""The question bank (eval/questions/bank/): specs compile, bank.jsonl is in sync, ref arithmetic is right."""

from __future__ import annotations

import importlib.util
import json
import sys
from fractions import Fraction
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
MAKE_BANK = ROOT / "eval" / "questions" / "bank" / "make_bank.py"
TRUTH = [SHARED / "seed" / "koriyama_r7_digital_first.expected.json",
         SHARED / "fixtures" / "kor_h27_shimin_shukaijo.expected.json",
         SHARED / "fixtures" / "kor_h27_suido_kenshu.expected.json"]


@pytest.fixture(scope="module")
def mb():
    for p in TRUTH:
        if not p.exists():
            pytest.skip(f"reference file {p} is absent (../shared is not checked out)")
    spec = importlib.util.spec_from_file_location("make_bank", MAKE_BANK)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules["make_bank"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def truth(mb):
    return mb.load_truth()


def test_bank_compiles_and_is_in_sync(mb, capsys):
    assert mb.main(["--check"]) == 0, capsys.readouterr().err
    text = (ROOT / "eval" / "questions" / "bank.jsonl").read_text(encoding="utf-8")
    lines = [json.loads(x) for x in text.splitlines()]
    assert len({q["id"] for q in lines}) == len(lines)
    assert {q["split"] for q in lines} <= {"tune", "holdout"}
    convs: dict[str, set[str]] = {}
    for q in lines:
        if q["conversation"]:
            convs.setdefault(q["conversation"], set()).add(q["split"])
        if not q["answerable"]:
            assert q["gold_numbers"] == []
    assert all(len(s) == 1 for s in convs.values()), "a conversation was split across tune/holdout"


def test_rate_is_half_up_one_decimal(mb, truth):
    ref = {"sheet": "seed", "ind": "オンライン申請件数", "fy": 2024, "calc": "rate"}
    assert mb.resolve_ref(truth, "seed", ref) == 105.6  # 316,799 / 300,000 = 105.5997
    cashless = {"sheet": "seed", "label": "成果指標③", "fy": 2024, "calc": "rate"}
    assert mb.resolve_ref(truth, "seed", cashless) == 81.9  # 57,356 / 70,000
    assert mb.half_up(Fraction(1, 4), 1) == Fraction(3, 10)  # 0.25 -> 0.3 (float round gives 0.2)
    assert mb.half_up(Fraction(-1, 4), 1) == Fraction(-3, 10)
    assert mb.plain(mb.half_up(Fraction(2675, 1000), 2)) == 2.68
    whole = mb.resolve_ref(truth, "seed", {"sheet": "seed", "label": "活動指標3", "fy": 2024, "calc": "rate"})
    assert whole == 100 and isinstance(whole, int)  # 58 / 58, written as int


def test_share_sum_and_pct_change(mb, truth):
    share = {"sheet": "seed", "cost": "general_revenue", "fy": 2024, "calc": "share", "of": "total_cost"}
    assert mb.resolve_ref(truth, "seed", share) == 91.3  # 60,853 / 66,671
    total = {"sheet": "seed", "cost": "total_cost", "calc": "sum", "fys": [2022, 2023, 2024]}
    assert mb.resolve_ref(truth, "seed", total) == 178250
    pct = {"sheet": "seed", "cost": "total_cost", "fy": 2024, "calc": "pct_change", "from": 2023}
    assert mb.resolve_ref(truth, "seed", pct) == 27.2  # (66,671 - 52,408) / 52,408
    diff = {"sheet": "seed", "cost": "project_cost", "fy": 2024, "calc": "diff", "from": 2023}
    assert mb.resolve_ref(truth, "seed", diff) == 11365
    ind = {"sheet": "seed", "label": "成果指標②", "fy": 2024, "calc": "pct_change", "from": 2023}
    assert mb.resolve_ref(truth, "seed", ind) == 8.8
    assert mb.resolve_ref(truth, "samples", {"expr": "len(projects())"}) == 3
    assert mb.resolve_ref(truth, "seed", {"expr": "pct(cost('seed', 2025, 'total_cost'), "
                                                  "cost('seed', 2024, 'total_cost'))"}) == -13.9


@pytest.mark.parametrize("ref, words", [
    ({"sheet": "seed", "cost": "national_prefectural", "fy": 2023}, "no national_prefectural"),
    ({"sheet": "h27-hall", "cost": "total_cost", "fy": 2015}, "not in store 'seed'"),
    ({"sheet": "seed", "ind": "存在しない指標", "fy": 2024}, "no indicator"),
    ({"expr": "1 / 3"}, "float"),
])
def test_invalid_ref_names_file_and_line(mb, truth, tmp_path, ref, words):
    good = {"id": "t-1", "store": "seed", "type": "figure", "lang": "ja", "question": "総事業費は？",
            "answerable": True, "numbers": [{"sheet": "seed", "cost": "total_cost", "fy": 2024}]}
    bad = dict(good, id="t-2", numbers=[ref])
    (tmp_path / "x_test.jsonl").write_text(
        "# comment\n" + json.dumps(good, ensure_ascii=False) + "\n\n"
        + json.dumps(bad, ensure_ascii=False) + "\n",
        encoding="utf-8")
    with pytest.raises(mb.SpecError) as e:
        mb.compile_specs(mb.read_specs(tmp_path), truth)
    assert "x_test.jsonl:4" in str(e.value) and words in str(e.value)


def test_spec_line_checks(mb, truth, tmp_path):
    line = {"id": "t-1", "store": "seed", "type": "unanswerable", "lang": "ja", "question": "委託先は？",
            "answerable": False, "numbers": [{"sheet": "seed", "cost": "total_cost", "fy": 2024}]}
    (tmp_path / "y.jsonl").write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(mb.SpecError, match=r"y\.jsonl:1: an unanswerable question has no numbers"):
        mb.compile_specs(mb.read_specs(tmp_path), truth)
    ok = dict(line, numbers=[], id="t-1")
    twice = json.dumps(ok, ensure_ascii=False) + "\n"
    (tmp_path / "y.jsonl").write_text(twice * 2, encoding="utf-8")
    with pytest.raises(mb.SpecError, match=r"y\.jsonl:2: id 't-1' already used at y\.jsonl:1"):
        mb.compile_specs(mb.read_specs(tmp_path), truth)


def test_forced_split(mb, truth, tmp_path):
    base = {"store": "seed", "type": "figure", "lang": "ja", "question": "総事業費は？", "answerable": True,
            "numbers": [{"sheet": "seed", "cost": "total_cost", "fy": 2024}]}
    conv = "z-c1"
    hashed = mb._split(conv)
    other = "holdout" if hashed == "tune" else "tune"
    lines = [dict(base, id="t-1", split=other), dict(base, id="t-2", split="holdout"),
             dict(base, id="t-3", split="tune"),
             dict(base, id="t-4", type="followup", conversation=conv, split=other),
             dict(base, id="t-5", type="followup", conversation=conv, split=other)]
    (tmp_path / "z.jsonl").write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines),
                                      encoding="utf-8")
    got = {q["id"]: q["split"] for q in mb.compile_specs(mb.read_specs(tmp_path), truth).questions}
    assert got == {"t-1": other, "t-2": "holdout", "t-3": "tune", "t-4": other, "t-5": other}
    # a conversation must not mix splits: a turn left to the hash (or forced otherwise) is refused
    mixed = lines[:4] + [dict(base, id="t-5", type="followup", conversation=conv)]
    (tmp_path / "z.jsonl").write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in mixed),
                                      encoding="utf-8")
    with pytest.raises(mb.SpecError, match=r"z\.jsonl:5: conversation 'z-c1' mixes splits"):
        mb.compile_specs(mb.read_specs(tmp_path), truth)
    bad = [dict(base, id="t-1", split="train")]
    (tmp_path / "z.jsonl").write_text(json.dumps(bad[0], ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(mb.SpecError, match=r"z\.jsonl:1: split 'train' is not one of tune, holdout"):
        mb.compile_specs(mb.read_specs(tmp_path), truth)
