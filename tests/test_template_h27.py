"""koriyama-h27: the two fixture sheets, variants made from them by text transformation, and
detection.

The reader must not be tuned to the two fixture files: each variant changes the text the way
another sheet of the family would differ (full-width digits, other years, a second 成果指標 with
decimals, costs laid out per value or per row, a blank cost cell), and the expected reading is
transformed to match.
"""

from __future__ import annotations

import copy
import importlib
import json
import re
from pathlib import Path

import pytest
from conftest import FIXTURES, SEED_TXT, assert_all_cells, need_shared

from ingest.errors import SheetError

h27 = importlib.import_module("ingest.templates.koriyama_h27")

FIXTURE_NAMES = ("kor_h27_shimin_shukaijo", "kor_h27_suido_kenshu")
FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
_FIGURE = re.compile(r"^[0-9,]+$")
_COST_LABELS = ("事業費", "人件費", "総事業費")


def fixture(name: str) -> tuple[str, dict]:
    txt, exp = FIXTURES / f"{name}.txt", FIXTURES / f"{name}.expected.json"
    need_shared(txt, exp)
    return txt.read_text(encoding="utf-8"), json.loads(exp.read_text(encoding="utf-8"))


# ── transformations (text and expected reading together) ─────────────────────────────────


def shift_years(text: str, expected: dict, by: int = 1) -> tuple[str, dict]:
    """Every 平成N年度 / HN年度 label moved by ``by`` years, and the expected reading with it."""
    text = re.sub(r"(平成|H)(\d{1,2})年度", lambda m: f"{m[1]}{int(m[2]) + by}年度", text)
    exp = copy.deepcopy(expected)
    exp["target_fy"] += by
    for ind in exp["indicators"]:
        for v in ind["values"]:
            v["fy"] += by
    for c in exp["costs"]:
        c["fy"] += by
    return text, exp


def costs_one_per_line(text: str) -> str:
    """`61,306 127,054 37,140` → one figure per line (a trailing ※ note stays on the last one)."""
    out, in_costs = [], False
    for line in text.split("\n"):
        in_costs = in_costs or line.startswith("○事業費")
        tokens = line.split(" ")
        lead = next((i for i, t in enumerate(tokens) if not _FIGURE.match(t)), len(tokens))
        if in_costs and lead > 1:
            out += tokens[: lead - 1] + [" ".join(tokens[lead - 1 :])]
        else:
            out.append(line)
    return "\n".join(out)


def costs_one_line_per_row(text: str) -> str:
    """`事業費` / `0` / `0` / `0` → `事業費` / `0 0 0`."""
    out: list[str] = []
    row_open = False  # the last output line holds a cost row's figures
    for line in text.split("\n"):
        s = line.strip()
        if row_open and _FIGURE.match(s):
            out[-1] += f" {s}"
            continue
        row_open = bool(out) and out[-1].strip() in _COST_LABELS and bool(_FIGURE.match(s))
        out.append(line)
    return "\n".join(out)


def add_second_outcome(text: str, after: str) -> str:
    """A 成果指標2 block with its own figures (a rate in %, with decimals) inserted after the line
    ``after`` (the last figure of 成果指標1), laid out like the 成果指標1 block."""
    block = ["成果指標2", "研修内容の理解度", "単位: %", "平成26年度", "85.5", "90.1", "計画値", "実績値",
             "平成27年度", "88", "91.2", "90.0", "93.4%"]
    lines = text.split("\n")
    at = lines.index(after) + 1
    return "\n".join(lines[:at] + block + lines[at:])


SECOND_OUTCOME = {
    "kind": "outcome", "no": 2, "name": "研修内容の理解度", "unit": "%",
    "values": [{"fy": 2013, "plan": 85.5, "actual": 90.1}, {"fy": 2014, "plan": 88, "actual": 91.2},
               {"fy": 2015, "plan": 90.0, "actual": 93.4}],
}


# ── the fixtures as they are ────────────────────────────────────────────────────────────


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_every_cell(name):
    text, expected = fixture(name)
    sheet = h27.parse(text)
    assert_all_cells(expected, sheet, name)
    assert sheet.template == "koriyama-h27" and sheet.municipality == "郡山市"
    assert sheet.sheet_id == "" and sheet.source is None
    assert sheet.evaluation_fy is None


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_personnel_cost_note_is_a_warning(name):
    text, _ = fixture(name)
    notes = [w for w in h27.parse(text).warnings if "人件費" in w and "参考値" in w]
    assert len(notes) == 1 and "平成27年度" in notes[0]


def test_tangled_activity_values_are_reported():
    """shimin's three 活動指標 come out interleaved: every placement names its row and field."""
    text, _ = fixture("kor_h27_shimin_shukaijo")
    warnings = h27.parse(text).warnings
    for label in ("活動指標1", "活動指標2", "活動指標3"):
        placed = [w for w in warnings if w.startswith(f"{label}:") and "実績値" in w]
        assert len(placed) == 3, (label, warnings)
    # 単年度 = the year-on-year difference of 累計: 379 − 356 = 23, 389 − 379 = 10.
    assert any(w.startswith("活動指標1: 平成26年度の実績値 23") and "累計" in w for w in warnings)


def test_regular_sheet_has_no_placement_guesses():
    text, _ = fixture("kor_h27_suido_kenshu")
    assert [w for w in h27.parse(text).warnings if "指標" in w] == []


def test_purpose_prose_drops_split_label_fragments():
    text, _ = fixture("kor_h27_suido_kenshu")
    sections = {s.key: s.text for s in h27.parse(text).sections}
    purpose = sections["purpose"]
    assert purpose.startswith("水道局の技術系職員は") and purpose.endswith("職員の能力と意識を高める。")
    assert "講師を務める技術研修会" in purpose
    assert not any(frag in purpose for frag in ("(アウトカ", "ム)", "目的"))
    assert sections["means"] == "水道に関する専門技術を高めるため、職員自らが講師となって技術研修会を行う。"


# ── variants ────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_full_width_digits(name):
    text, expected = fixture(name)
    assert_all_cells(expected, h27.parse(text.translate(FULL_WIDTH_DIGITS)), f"{name} full-width")


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_years_shifted_by_one(name):
    text, expected = shift_years(*fixture(name))
    assert "平成28年度" in text and "H28年度" in text
    sheet = h27.parse(text)
    assert sheet.target_fy == 2016
    assert_all_cells(expected, sheet, f"{name} H26–H28")
    assert any("平成28年度に算定方法" in w for w in sheet.warnings)


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_bare_year_labels(name):
    """25年度 without its era: in this family that is a 平成 year."""
    text, expected = fixture(name)
    variant = re.sub(r"(?:平成|H)(\d{1,2})年度", r"\1年度", text)
    assert "平成" not in variant
    assert_all_cells(expected, h27.parse(variant), f"{name} bare years")


def test_blank_activity_cell_is_reported_not_invented():
    """One actual fewer than columns: the two figures are placed, each placement reported,
    and the third year stays None."""
    text, _ = fixture("kor_h27_suido_kenshu")
    sheet = h27.parse(text.replace("\n6\n8\n", "\n8\n"))
    activity = next(i for i in sheet.indicators if i.kind == "activity")
    actuals = [v.actual for v in activity.values]
    assert sorted(a for a in actuals if a is not None) == [4, 8] and actuals.count(None) == 1
    assert all(v.plan is None for v in activity.values)
    placed = [w for w in sheet.warnings if w.startswith("活動指標1:") and "実績値" in w]
    assert len(placed) == 2


def test_second_outcome_with_decimals():
    text, expected = fixture("kor_h27_suido_kenshu")
    expected["indicators"].append(SECOND_OUTCOME)
    sheet = h27.parse(add_second_outcome(text, after="283"))
    assert_all_cells(expected, sheet, "suido + 成果指標2")
    second = next(i for i in sheet.indicators if (i.kind, i.no) == ("outcome", 2))
    assert second.value(2014).actual == 91.2 and isinstance(second.value(2015).plan, int)


def test_costs_one_value_per_line():
    text, expected = fixture("kor_h27_shimin_shukaijo")
    variant = costs_one_per_line(text)
    assert "\n61,306\n127,054\n37,140\n" in variant
    assert_all_cells(expected, h27.parse(variant), "shimin, costs one per line")


def test_costs_one_line_per_row():
    text, expected = fixture("kor_h27_suido_kenshu")
    variant = costs_one_line_per_row(text)
    assert "事業費\n0 0 0\n" in variant
    assert_all_cells(expected, h27.parse(variant), "suido, costs one line per row")


def test_blank_cost_cell_is_placed_by_arithmetic_and_never_filled_in():
    text, _ = fixture("kor_h27_shimin_shukaijo")
    sheet = h27.parse(text.replace("61,306 127,054 37,140", "61,306 37,140"))
    by_year = {c.fy: c for c in sheet.costs}
    assert by_year[2013].project_cost == 61306 and by_year[2015].project_cost == 37140
    assert by_year[2014].project_cost is None  # 128,929 − 1,875 would be a guess, not a reading
    assert by_year[2014].total_cost == 128929
    assert sum(1 for w in sheet.warnings if w.startswith("事業費:") and "総事業費" in w) == 2


@pytest.mark.parametrize("lines, why", [(12, "no fiscal-year columns"), (25, "no indicator values")])
def test_truncated_sheet_is_an_error(lines, why):
    text, _ = fixture("kor_h27_shimin_shukaijo")
    head = "\n".join(text.split("\n")[:lines])
    assert h27.detect(head) > 0
    with pytest.raises(SheetError) as err:
        h27.parse(head)
    assert err.value.path == "" and "truncated sheet" in err.value.reason and why in err.value.reason


# ── a sheet written here, so the family is tested without ../shared too ─────────────────

# Another arrangement of the same family: label above each name, a blank mark (―) among the
# actuals, costs with the label on the figures' line.
HANDMADE = """市民活動支援事業
事務事業名
部
市民部
○事業概要
課
市民活動推進課
目的
(アウトカ
市民の自主的な活動を支え、地域の課題を地域で解決できるようにする。
ム)
成果指標1
活動団体数
単位: 団体
平成25年度
平成26年度
120
118
平成27年度
125
130
130
141
手段
(アウト
プット)
団体への助成と、相談窓口の運営を行う。
活動指標1
相談件数
単位: 件
平成25年度
平成26年度
平成27年度
310
実績値
―
405
○事業費(インプット)
単位:千円
H25年度 H26年度 H27年度
事業費 5,000 5,200 5,100
人件費 3,000 3,000 7,400
総事業費 8,000 8,200 12,500
"""


def test_handmade_sheet():
    sheet = h27.parse(HANDMADE)
    assert sheet.project.model_dump() == {"name": "市民活動支援事業", "department": "市民部", "section": "市民活動推進課"}
    assert sheet.target_fy == 2015
    outcome, activity = sheet.indicators
    assert (outcome.kind, outcome.no, outcome.name, outcome.unit) == ("outcome", 1, "活動団体数", "団体")
    assert [(v.fy, v.plan, v.actual) for v in outcome.values] == [
        (2013, 120, 118), (2014, 125, 130), (2015, 130, 141)]
    assert (activity.kind, activity.no, activity.name, activity.unit) == ("activity", 1, "相談件数", "件")
    assert [(v.fy, v.plan, v.actual) for v in activity.values] == [
        (2013, None, 310), (2014, None, None), (2015, None, 405)]
    assert [(c.fy, c.project_cost, c.personnel_cost, c.total_cost) for c in sheet.costs] == [
        (2013, 5000, 3000, 8000), (2014, 5200, 3000, 8200), (2015, 5100, 7400, 12500)]
    assert {s.key: s.text for s in sheet.sections} == {
        "purpose": "市民の自主的な活動を支え、地域の課題を地域で解決できるようにする。",
        "means": "団体への助成と、相談窓口の運営を行う。",
    }
    assert sheet.warnings == []


# ── detection ───────────────────────────────────────────────────────────────────────────

PROSE = """本市では、平成25年度から地域の集会所の整備に対する補助を行ってきた。事業費は年度により
大きく変動するが、計画値と実績値を比べると、おおむね計画どおりに進んでいる。単位あたりの
費用についても、今後、事務事業名の見直しとあわせて検討していく予定である。
春の桜は美しく、川沿いの道には多くの人が訪れる。"""


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_detect_h27_text(name):
    text, _ = fixture(name)
    assert h27.detect(text) > 0.5
    assert h27.detect(text.translate(FULL_WIDTH_DIGITS)) > 0.5


def test_detect_handmade():
    assert h27.detect(HANDMADE) > 0.5


def test_detect_r7_seed_is_zero():
    need_shared(SEED_TXT)
    text = SEED_TXT.read_text(encoding="utf-8")
    assert h27.detect(text) == 0.0
    # Not only because of its header: NFKC turns 成果指標① into 成果指標1, which must not count.
    assert h27.detect(text.replace("事務事業マネジメントシート", "")) == 0.0


@pytest.mark.parametrize("text", [PROSE, "", "郡山市の事務事業評価について", "\n".join(PROSE)])
def test_detect_prose_is_zero(text):
    assert h27.detect(text) == 0.0


def test_pipeline_picks_this_template(tmp_path: Path):
    from ingest.parse import parse_file

    text, expected = fixture("kor_h27_suido_kenshu")
    path = tmp_path / "suido.txt"
    path.write_bytes(text.encode("cp932"))
    sheet = parse_file(path)
    assert sheet.template == "koriyama-h27" and sheet.sheet_id
    assert_all_cells(expected, sheet, "suido via parse_file (CP932)")


# ── the traps real sheets of other departments show (issue #13) ─────────────────────────
#
# Each variant moves the text the way another department's sheet prints it; the reading must not
# depend on where the two fixtures happen to put things.

SHIMIN_PURPOSE = "地域の集会所を整備する際に各種の補助を行うことで、地域コミュニティの活動を盛んにする。"


def name_after_purpose(text: str) -> str:
    """The 事務事業名 block prints after the 目的 text."""
    out = text.replace("\n地域集会所補助事業\n事務事業名\n", "\n").replace(
        SHIMIN_PURPOSE + "\n", SHIMIN_PURPOSE + "\n地域集会所補助事業\n事務事業名\n")
    assert out.count("事務事業名") == 1 and out != text
    return out


def name_after_outcome_label(text: str) -> str:
    """The label and the 部 block first; the name stands after 成果指標1, before its 課."""
    out = text.replace(
        "\n地域集会所補助事業\n事務事業名\n部\n市民部\n○事業概要\n目的\n(アウトカ\nム)\n成果指標1\n課\n",
        "\n事務事業名\n市民部\n部\n○事業概要\n目的\n(アウトカ\nム)\n成果指標1\n地域集会所補助事業\n市民・NPO活動推進課\n課\n",
    ).replace("政策体系\n市民・NPO活動推進課\n平成27年度", "政策体系\n平成27年度")
    assert out != text
    return out


def cost_rows_far_apart(text: str) -> str:
    """The cost table in two fragments: 人件費 and 総事業費 print after the continuity block."""
    rows = ("人件費\n1,875 1,875 4,711 ※人件費は平成27年度に算定方法を見直したため、\n"
            "総事業費\n63,181 128,929 41,851 平成26年度までの人件費は参考値として示しています。\n")
    assert rows in text
    return text.replace(rows, "") + "\n" + rows


def last_cost_column_elsewhere(text: str) -> str:
    """The H27 column of the cost table prints at the very end of the sheet."""
    out = (text.replace("61,306 127,054 37,140", "61,306 127,054").replace("1,875 1,875 4,711 ※", "1,875 1,875 ※")
           .replace("63,181 128,929 41,851 平成", "63,181 128,929 平成"))
    return out + "H27年度\n37,140\n4,711\n41,851\n"


def value_before_label(text: str) -> str:
    """A year's value prints before its row label."""
    out = text.replace("事業費\n61,306 127,054 37,140\n人件費\n", "61,306\n事業費\n127,054 37,140\n人件費\n")
    assert out != text
    return out


def outcome_name_far_from_unit(text: str) -> str:
    """suido's 成果指標1 name prints under 区分, its 単位 line just before 手段 (as on most sheets)."""
    name = "研修会参加人数(技術力が向上した職員数)"
    out = text.replace(f"成果指標1\n{name}\n単位: 人\n平成25年度\n区分\n", f"成果指標1\n平成25年度\n区分\n{name}\n")
    out = out.replace("区分\n手段\n(アウト\nプット)\n活動指標1", "単位: 人\n区分\n手段\n(アウト\nプット)\n活動指標1")
    assert out != text and out.count("単位: 人") == 1
    return out


SHIMIN_TRAPS = [name_after_purpose, name_after_outcome_label, cost_rows_far_apart, last_cost_column_elsewhere,
                value_before_label]


@pytest.mark.parametrize("trap", SHIMIN_TRAPS, ids=lambda f: f.__name__)
def test_trap_every_cell(trap):
    text, expected = fixture("kor_h27_shimin_shukaijo")
    sheet = h27.parse(trap(text))
    assert_all_cells(expected, sheet, trap.__name__)


def test_traps_combined():
    text, expected = fixture("kor_h27_shimin_shukaijo")
    for trap in (name_after_outcome_label, value_before_label, cost_rows_far_apart):
        text = trap(text)
    assert_all_cells(expected, h27.parse(text), "combined")


def test_outcome_name_far_from_its_unit():
    text, expected = fixture("kor_h27_suido_kenshu")
    assert_all_cells(expected, h27.parse(outcome_name_far_from_unit(text)), "suido name far from unit")


def test_primary_result_is_read():
    text, expected = fixture("kor_h27_suido_kenshu")
    tail = "規模・方法の妥当性\n3\n2\n公平性\n4\n2\n4 成果指標\n(目的達成度)\n5 活動指標\n(活動達成度)\n一\n次\n評\n価\n改善\nH27年度\n"
    sheet = h27.parse(text + tail)
    assert [(e.stage, e.result) for e in sheet.evaluations] == [("primary", "改善")]
    expected["evaluations"] = [{"stage": "primary", "result": "改善"}]
    assert_all_cells(expected, sheet, "suido with its 一次評価")


def test_no_value_is_not_an_indicator_figure():
    """The NO cell (4560) prints among the outcome block's cells; it is never a figure of it."""
    text, _ = fixture("kor_h27_shimin_shukaijo")
    sheet = h27.parse(text)
    assert all(v.plan != 4560 and v.actual != 4560 for i in sheet.indicators for v in i.values)


def test_two_outcomes_told_apart_by_size():
    """Two 成果指標 whose figures interleave: each takes the figures of its size, read in order."""
    from eval import corpus

    specs = [s for s in corpus.h27_specs(40, 5) if "two_outcomes" in s.traps]
    assert specs
    for spec in specs:
        sheet = h27.parse(spec.text)
        got = {(i.kind, i.no): i for i in sheet.indicators}
        for ind in spec.sheet.indicators:
            assert got[(ind.kind, ind.no)].values == ind.values, (spec.sheet.sheet_id, ind.label)


def test_corpus_h27_sheets_every_cell():
    """The generated H27 sheets (every trap, alone and together) read cell for cell."""
    import json as _json

    from eval import corpus

    for spec in corpus.h27_specs(30, 9):
        expected = _json.loads(spec.sheet.to_json())
        assert_all_cells(expected, h27.parse(spec.text), f"{spec.sheet.sheet_id} {spec.traps}")


def test_side_by_side_blocks_read_a_year_at_a_time():
    """Two 活動指標 blocks side by side whose later years come a line at a time across both
    (34 / 60 / 30 61 / 31 78): each row keeps its own years (the steadier reading), reported."""
    import json as _json

    from eval import corpus

    spec = next(corpus.h27_specs(1, 223))
    assert "企業訪問件数" in spec.text
    sheet = h27.parse(spec.text)
    assert_all_cells(_json.loads(spec.sheet.to_json()), sheet, spec.sheet.sheet_id)
    assert any("横に並んだ指標" in w for w in sheet.warnings)


def test_the_continuity_block_is_read_in_words_once() -> None:
    # 「利用者数の把握が困難である」 is printed under both stages: one section, each sentence once
    text = (Path(__file__).resolve().parents[1] / "data" / "samples" / "kor_h27_shimin_shukaijo.txt").read_text(encoding="utf-8")
    sections = [s for s in h27.parse(text).sections if s.label == h27.CONTINUITY_LABEL]
    assert len(sections) == 1 and sections[0].key == "other"
    assert sections[0].text == ("利用者数の把握が困難である。他の団体において代替サービスが実施されていない。"
                                "利用者数：H23年度 把握困難、H24年度 把握困難、H25年度 把握困難、H26年度 把握困難、H27年度 把握困難。")


_BLOCK = ["○事業継続性評価", "代替サービスの有無", "状況", "利用者数が増加傾向である", "二", "次", "評", "価", "○", "年度",
          "H23年度", "利用者数", "2,854", "H24年度", "2,978", "H25年度", "8,144", "H26年度"]


@pytest.mark.parametrize("tail, counts", [
    # the evaluation's scores printed amid the table: no count of users
    (["規模・方法の妥当性", "2", "4", "公平性", "4", "2", "効率性", "4", "継続", "一次評価", "1", "4 成果指標", "(目的達成度)",
      "5 活動指標", "(活動達成度)", "2,519", "H27年度", "8,138"], "H26年度 2,519、H27年度 8,138"),
    # the cost table after it: its H28 column is no year of the table
    (["565", "H27年度", "7,010", "H28年度", "124,357", "4,644", "129,001"], "H26年度 565、H27年度 7,010。"),
    (["565", "H27年度", "7,010", "人件費", "7,280", "9,271"], "H26年度 565、H27年度 7,010。"),
])
def test_the_continuity_blocks_users_by_year(tail: list[str], counts: str) -> None:
    # the block's table of users by year is read with its years (「事業継続性評価のH26の利用者数」 is asked)
    said = h27._continuity([h27._Line(t, t) for t in _BLOCK + tail])
    assert said is not None and "利用者数：H23年度 2,854、H24年度 2,978、H25年度 8,144、" + counts in said, said


def test_a_continuity_table_that_cannot_be_paired_gives_no_counts() -> None:
    # a year with no value before the next: no value is placed in a guessed year
    said = h27._continuity([h27._Line(t, t) for t in ["○事業継続性評価", "利用者数が増加傾向である", "年度", "H23年度", "利用者数",
                                                   "H24年度", "218"]])
    assert said == "利用者数が増加傾向である。", said
