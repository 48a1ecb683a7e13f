"""koriyama-r7: the seed sheet and variants made from it by text transformation.

The reader must not be tuned to the one seed file: each variant changes the text the way another
sheet of the same template would differ (another year, fewer indicators, a rate in %, a revenue in
another year, full-width digits), and the expected reading is transformed to match.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from conftest import assert_all_cells

from ingest.errors import SheetError
from ingest.parse import parse_file

FULL_WIDTH = str.maketrans("0123456789,", "０１２３４５６７８９，")

# The seven indicator rows in print order (formats.md), with their labels on the sheet.
ROW_ORDER = (("target", 1), ("activity", 1), ("activity", 2), ("activity", 3),
             ("outcome", 1), ("outcome", 2), ("outcome", 3))
LABEL = {
    ("target", 1): "対象指標",
    ("activity", 1): "活動指標①", ("activity", 2): "活動指標②", ("activity", 3): "活動指標③",
    ("outcome", 1): "成果指標①", ("outcome", 2): "成果指標②", ("outcome", 3): "成果指標③",
}
# What a warning must name so a reader can find the cell: an indicator row, a cost row, a prose box.
ROW_WORDS = (*LABEL.values(), "事業費", "人件費", "総事業費", "国・県支出金", "市債", "受益者負担金", "その他",
             "一般財源", "歳入", "単位コスト", "背景", "欄", "コメント")
_VALUE_ROW = re.compile(r"^(\S{1,4})((?: [0-9,]+)+)$")


# ── transformations (text and expected reading together) ─────────────────────────────────


def parse_text(text: str, tmp_path: Path, name: str = "sheet.txt", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return parse_file(path)


def indicator_row_lines(lines: list[str]) -> list[int]:
    """Line numbers of the seven indicator value rows (the value rows before the 円/千円 rows)."""
    out = []
    for i, line in enumerate(lines):
        m = _VALUE_ROW.match(line.strip())
        if m and m.group(1) not in ("円", "千円"):
            out.append(i)
    assert len(out) == 7, f"the seed should print seven indicator rows, found {len(out)}"
    return out


def expected_indicator(expected: dict, kind: tuple[str, int]) -> dict:
    return next(i for i in expected["indicators"] if (i["kind"], i["no"]) == kind)


def remove_lines(lines: list[str], drop: set[int]) -> list[str]:
    """Drop the given lines, each with the blank line that follows it (boxes stay separated)."""
    out: list[str] = []
    skip_blank = False
    for i, line in enumerate(lines):
        if i in drop:
            skip_blank = True
            continue
        if skip_blank and not line.strip():
            skip_blank = False
            continue
        skip_blank = False
        out.append(line)
    return out


def replace_line(lines: list[str], old: str, new: str) -> None:
    hits = [i for i, line in enumerate(lines) if line.strip() == old]
    assert len(hits) == 1, f"{old!r} should stand alone on exactly one line, found {len(hits)}"
    lines[hits[0]] = new


def shift_years(text: str, expected: dict, delta: int = -1) -> tuple[str, dict]:
    """Every fiscal year moved by ``delta``: header, column labels, milestone years, prose."""

    def western(m: re.Match[str]) -> str:
        return f"{int(m.group(1)) + delta}年度"

    def era(m: re.Match[str]) -> str:
        raw = m.group(1)
        n = (1 if raw == "元" else int(unicodedata.normalize("NFKC", raw))) + delta
        assert n >= 1, "shift would leave 令和"
        if n == 1:
            digits = "元"
        elif raw.isascii():
            digits = str(n)
        else:
            digits = str(n).translate(FULL_WIDTH)
        return f"令和{digits}年度"

    out = re.sub(r"(\d{4})年度", western, text)
    out = re.sub(r"令和([0-9０-９]{1,2}|元)年度", era, out)
    for key in ("target_fy", "evaluation_fy"):
        if expected.get(key) is not None:
            expected[key] += delta
    for ind in expected["indicators"]:
        for v in ind["values"]:
            v["fy"] += delta
    for c in expected["costs"]:
        c["fy"] += delta
    return out, expected


def drop_indicators(text: str, expected: dict, kinds: list[tuple[str, int]]) -> tuple[str, dict]:
    """Remove the indicators' value rows and their name lines (their labels stay: printed text)."""
    lines = text.split("\n")
    rows = indicator_row_lines(lines)
    drop = {rows[ROW_ORDER.index(k)] for k in kinds}
    for k in kinds:
        name = expected_indicator(expected, k)["name"]
        hits = [i for i, line in enumerate(lines) if line.strip() == name]
        assert len(hits) == 1, f"name {name!r} should stand alone on exactly one line"
        drop.add(hits[0])
    expected["indicators"] = [i for i in expected["indicators"] if (i["kind"], i["no"]) not in kinds]
    return "\n".join(remove_lines(lines, drop)), expected


def percent_indicator(text: str, expected: dict) -> tuple[str, dict]:
    """活動指標③ becomes a rate in % with decimals."""
    lines = text.split("\n")
    row = indicator_row_lines(lines)[ROW_ORDER.index(("activity", 3))]
    lines[row] = "％ 35.5 35.2 52.0 52.4 58.1 58.3 60.0 60.0 60.0"
    ind = expected_indicator(expected, ("activity", 3))
    replace_line(lines, ind["name"], "キャッシュレス決済対応施設の割合")
    ind["name"] = "キャッシュレス決済対応施設の割合"
    ind["unit"] = "％"
    ind["values"] = [
        {"fy": 2022, "plan": 35.5, "actual": 35.2},
        {"fy": 2023, "plan": 52.0, "actual": 52.4},
        {"fy": 2024, "plan": 58.1, "actual": 58.3},
        {"fy": 2025, "plan": 60.0, "actual": None},
        {"fy": 2026, "plan": 60.0, "actual": None},
        {"fy": 2027, "plan": 60.0, "actual": None},
    ]
    return "\n".join(lines), expected


def move_revenue(text: str, expected: dict) -> tuple[str, dict]:
    """The lone 国・県支出金 5,818 belongs to 2023 instead of 2024.

    一般財源等 2023 = 52,408 − 5,818 = 46,590 and 2024 = 66,671; the 所要一般財源 unit cost follows
    (一般財源等 × 1000 ÷ (成果指標② + ③), rounded): 2023 → 138, 2024 → 178.
    """
    lines = text.split("\n")
    replace_line(lines, "千円 59,171 52,408 60,853 57,390 73,000 73,000 0",
                 "千円 59,171 46,590 66,671 57,390 73,000 73,000 0")
    replace_line(lines, "円 238 155 163 132 163 158", "円 238 138 178 132 163 158")
    by_fy = {c["fy"]: c for c in expected["costs"]}
    assert round(46590 * 1000 / (291289 + 46800)) == 138
    assert round(66671 * 1000 / (316799 + 57356)) == 178
    by_fy[2023].update(national_prefectural=5818, general_revenue=46590, unit_cost_general=138)
    del by_fy[2024]["national_prefectural"]
    by_fy[2024].update(general_revenue=66671, unit_cost_general=178)
    return "\n".join(lines), expected


def full_width_value_rows(text: str, expected: dict) -> tuple[str, dict]:
    """Digits and commas of every value row in full width (件 ６２６ １，７２８ …)."""
    out = []
    for line in text.split("\n"):
        m = _VALUE_ROW.match(line.strip())
        out.append(m.group(1) + m.group(2).translate(FULL_WIDTH) if m else line)
    return "\n".join(out), expected


def full_width_everywhere(text: str, expected: dict) -> tuple[str, dict]:
    """Every ASCII digit and comma in the whole text in full width (years, codes, prose too)."""
    return text.translate(FULL_WIDTH), expected


# ── the seed itself ──────────────────────────────────────────────────────────────────────


def test_seed_every_cell(seed_text, seed_expected, tmp_path):
    sheet = parse_text(seed_text, tmp_path)
    assert_all_cells(seed_expected, sheet, "seed")
    assert sheet.template == "koriyama-r7"
    assert (sheet.evaluation_fy, sheet.target_fy) == (2025, 2024)
    assert sheet.source is not None and sheet.source.format == "text"


def test_seed_no_cost_row_guessed(seed_text, tmp_path):
    """The seed's table adds up: only the ambiguous trailing milestone figure is warned about."""
    sheet = parse_text(seed_text, tmp_path)
    cost_words = ("事業費", "人件費", "国・県支出金", "一般財源", "単位コスト", "歳入")
    assert not [w for w in sheet.warnings if any(x in w for x in cost_words)], sheet.warnings


def test_seed_2028_placeholder_is_not_a_budget(seed_text, tmp_path):
    sheet = parse_text(seed_text, tmp_path)
    c = sheet.cost(2028)
    assert c is None or c.total_cost is None, "the trailing 0 of 2028 is a placeholder, not a zero budget"
    assert all(v.fy <= 2027 for i in sheet.indicators for v in i.values)


def test_seed_sections_and_scores(seed_text, tmp_path):
    sheet = parse_text(seed_text, tmp_path)
    keys = {s.key for s in sheet.sections}
    for key in ("resident_needs", "activity_analysis", "outcome_analysis", "cost_analysis", "kaizen"):
        assert key in keys, f"section {key} missing: {sorted(keys)}"
    text = {s.key: s.text for s in sheet.sections}
    assert any("453件から685件に増加" in s.text for s in sheet.sections), "prose lost"
    assert "11,365千円" in text["cost_analysis"]
    stages = {e.stage: e for e in sheet.evaluations}
    assert stages["primary"].result == stages["secondary"].result == "継続"


# ── variants ─────────────────────────────────────────────────────────────────────────────


def _variant_reiwa6(text, expected):
    return shift_years(text, expected, -1)


def _variant_without_3s(text, expected):
    return drop_indicators(text, expected, [("activity", 3), ("outcome", 3)])


def _variant_only_firsts(text, expected):
    return drop_indicators(text, expected, [("activity", 2), ("activity", 3), ("outcome", 2), ("outcome", 3)])


VARIANTS = {
    "reiwa6": _variant_reiwa6,
    "without_activity3_outcome3": _variant_without_3s,
    "only_target_activity1_outcome1": _variant_only_firsts,
    "percent_decimals": percent_indicator,
    "revenue_in_2023": move_revenue,
    "full_width_value_rows": full_width_value_rows,
    "full_width_everywhere": full_width_everywhere,
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_variant_every_cell(variant, seed_text, seed_expected, tmp_path):
    text, expected = VARIANTS[variant](seed_text, seed_expected)
    assert text != seed_text
    sheet = parse_text(text, tmp_path)
    assert_all_cells(expected, sheet, variant)
    for w in sheet.warnings:
        assert any(word in w for word in ROW_WORDS), f"{variant}: a warning that names no row: {w}"


def test_reiwa6_years(seed_text, seed_expected, tmp_path):
    text, _ = shift_years(seed_text, seed_expected, -1)
    assert "令和６年度 事務事業マネジメントシート" in text
    assert "令和５年度実施事業に係る事務事業評価" in text
    assert "2021年度（令和３年度）" in text and "2026年度 2027年度 中間指標" in text
    sheet = parse_text(text, tmp_path)
    assert (sheet.evaluation_fy, sheet.target_fy) == (2024, 2023)
    assert [c.fy for c in sheet.costs] == list(range(2021, 2027))
    assert sheet.past_results == [] or min(p.fy for p in sheet.past_results) == 2021


@pytest.mark.parametrize("variant", ["without_activity3_outcome3", "only_target_activity1_outcome1"])
def test_fewer_rows_say_which_rows(variant, seed_text, seed_expected, tmp_path):
    """With rows missing, any guess about which rows are printed names the rows it settled on."""
    text, expected = VARIANTS[variant](seed_text, seed_expected)
    sheet = parse_text(text, tmp_path)
    kept = {(i["kind"], i["no"]) for i in expected["indicators"]}
    assert {(i.kind, i.no) for i in sheet.indicators} == kept
    for w in sheet.warnings:
        if "指標が" in w and "行のみ" in w:
            for k in kept:
                assert LABEL[k] in w, f"warning does not name {LABEL[k]}: {w}"
    # Nothing may be said about rows that are not there.
    dropped = set(ROW_ORDER) - kept
    for w in sheet.warnings:
        if "行のみ" in w:
            continue
        for k in dropped:
            assert not w.startswith(LABEL[k]), f"warning about a row that is not printed: {w}"


def test_percent_values_are_decimals(seed_text, seed_expected, tmp_path):
    text, _ = percent_indicator(seed_text, seed_expected)
    sheet = parse_text(text, tmp_path)
    ind = next(i for i in sheet.indicators if (i.kind, i.no) == ("activity", 3))
    assert unicodedata.normalize("NFKC", ind.unit) == "%"
    v2024 = ind.value(2024)
    assert v2024 is not None and (v2024.plan, v2024.actual) == (58.1, 58.3)
    assert isinstance(v2024.actual, float)


def test_revenue_in_2023(seed_text, seed_expected, tmp_path):
    text, _ = move_revenue(seed_text, seed_expected)
    sheet = parse_text(text, tmp_path)
    c2023, c2024 = sheet.cost(2023), sheet.cost(2024)
    assert c2023 is not None and c2024 is not None
    assert (c2023.national_prefectural, c2023.general_revenue) == (5818, 46590)
    assert c2024.national_prefectural is None
    assert c2024.general_revenue == 66671
    assert not [w for w in sheet.warnings if "国・県支出金" in w or "一般財源" in w], sheet.warnings


def test_full_width_value_rows_same_as_seed(seed_text, seed_expected, tmp_path):
    plain = parse_text(seed_text, tmp_path, "plain.txt")
    text, _ = full_width_value_rows(seed_text, seed_expected)
    assert "件 ６２６ ３４３" in text
    wide = parse_text(text, tmp_path, "wide.txt")
    assert wide.indicators == plain.indicators
    assert wide.costs == plain.costs


def test_truncated_seed_is_an_error(seed_text, tmp_path):
    path = tmp_path / "cut.txt"
    path.write_text("\n".join(seed_text.split("\n")[:8]), encoding="utf-8")
    with pytest.raises(SheetError) as info:
        parse_file(path)
    assert "cut.txt" in str(info.value) and "\n" not in str(info.value)


# ── sheets that stop early, and names that must be checked (issue #13) ──────────────────


def _names(expected: dict) -> dict[tuple[str, int], str]:
    return {(i["kind"], i["no"]): i["name"] for i in expected["indicators"]}


def test_first_kilobyte_and_a_half_is_incomplete_and_invents_no_names(seed_text, seed_expected, tmp_path):
    """The issue's example: the seed's first 1.5 KB (cut inside a character) is stored as
    incomplete; its figures are kept, no indicator gets a name it does not print."""
    path = tmp_path / "cut.txt"
    path.write_bytes(seed_text.encode("utf-8")[:1536])
    sheet = parse_file(path)
    assert sheet.status == "incomplete"
    assert all(i.name is None for i in sheet.indicators)
    assert len(sheet.indicators) == 7
    assert sheet.cost(2024).total_cost == 66671
    assert any("途中で終わっています" in w for w in sheet.warnings)
    assert any("文字の途中で切れています" in w for w in sheet.warnings)


@pytest.mark.parametrize("cut", range(1200, 11400, 600))
def test_cut_anywhere_never_invents(cut, seed_text, seed_expected, tmp_path):
    truth = _names(seed_expected)
    path = tmp_path / "cut.txt"
    path.write_text(seed_text[:cut], encoding="utf-8")
    try:
        sheet = parse_file(path)
    except SheetError:
        return  # nothing readable yet: refused, with a reason
    for ind in sheet.indicators:
        assert ind.name is None or ind.name == truth[(ind.kind, ind.no)], (cut, ind.label, ind.name)
    assert sheet.project.name in (None, seed_expected["project"]["name"])
    if cut < len(seed_text) - 1500:
        assert sheet.status == "incomplete"


def test_whole_seed_is_complete(seed_text, tmp_path):
    assert parse_text(seed_text, tmp_path).status == "complete"


def test_a_missing_middle_is_incomplete(seed_text, tmp_path):
    """A page lost from the middle (the name block and the analysis boxes): incomplete."""
    lines = seed_text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.strip() == "４　活動指標")
    end = next(i for i, line in enumerate(lines) if line.strip() == "一次評価コメント")
    sheet = parse_text("\n".join(lines[:start] + lines[end:]), tmp_path)
    assert sheet.status == "incomplete"
    assert len(sheet.indicators) == 7


def _swap_lines(text: str, a: str, b: str) -> str:
    return text.replace(f"\n{a}\n", "\n@@A@@\n").replace(f"\n{b}\n", f"\n{a}\n").replace("\n@@A@@\n", f"\n{b}\n")


def test_names_out_of_their_usual_order_are_read_by_what_the_prose_says(seed_text, seed_expected, tmp_path):
    """成果指標②/③'s names printed in each other's place: the analysis says 「キャッシュレス決済の
    利用件数」は計画値を下回った, which only 成果指標③'s figures do."""
    text = _swap_lines(seed_text, "キャッシュレス決済の利用件数", "オンライン申請件数")
    sheet = parse_text(text, tmp_path)
    assert_all_cells(seed_expected, sheet, "o2/o3 names swapped in the text")


def test_a_name_placement_the_sheet_contradicts_is_a_warning(seed_text, seed_expected, tmp_path):
    """成果指標① and ③'s names swapped in the layout: the place says one thing, the prose another;
    whatever is stored, the rows involved are named in a warning."""
    o1 = expected_indicator(seed_expected, ("outcome", 1))["name"]
    o3 = expected_indicator(seed_expected, ("outcome", 3))["name"]
    sheet = parse_text(_swap_lines(seed_text, o1, o3), tmp_path)
    truth = _names(seed_expected)
    for ind in sheet.indicators:
        if ind.name != truth[(ind.kind, ind.no)]:
            assert any(ind.label in w and "確かめられません" in w for w in sheet.warnings), ind.label


def test_an_empty_first_activity_row_shifts_no_numbering(seed_text, seed_expected, tmp_path):
    """活動指標① empty (its row and name not printed): the other rows keep their numbers, and the
    reading says it considered the alternative."""
    text, expected = drop_indicators(seed_text, seed_expected, [("activity", 1)])
    sheet = parse_text(text, tmp_path)
    assert_all_cells(expected, sheet, "no 活動指標①")
    assert [i.label for i in sheet.indicators if i.kind == "activity"] == ["活動指標②", "活動指標③"]


def test_every_seed_name_is_confirmed(seed_text, tmp_path):
    sheet = parse_text(seed_text, tmp_path)
    assert not [w for w in sheet.warnings if "確かめられません" in w]


@pytest.mark.parametrize("broken", [
    # a PDF sets the first item of 手段 apart, and breaks the list at a gap
    ("・オンライン申請手続きの拡充\n・マイナポータルの拡充", "・オンライン申請手続きの拡充\n\n\n・マイナポータルの拡充"),
    ("○\n\n・オンライン申請手続きの拡充\n", "○\n\n・オンライン申請手続きの拡充\n\n"),
    # … and the カイゼン box at its own heading
    ("(2) カイゼンの明確な時期\n・8月6・7日", "(2) カイゼンの明確な時期\n\n\n・8月6・7日"),
])
def test_a_box_broken_at_a_gap_keeps_its_sections(seed_text, tmp_path, broken):
    # the same sections, word for word, as the unbroken sheet: no box read as 「その他」, no item lost
    old, new = broken
    assert old in seed_text
    whole = tmp_path / "whole.txt"
    whole.write_text(seed_text, encoding="utf-8")
    gapped = tmp_path / "gapped.txt"
    gapped.write_text(seed_text.replace(old, new, 1), encoding="utf-8")
    want = {s.key: re.sub(r"\s", "", s.text) for s in parse_file(whole).sections}
    got = {s.key: re.sub(r"\s", "", s.text) for s in parse_file(gapped).sections}
    assert got == want


@pytest.mark.parametrize("broken", [
    # the カイゼン box's first heading set apart from its items
    ("(1) 具体的なカイゼン策\n・7月18日", "(1) 具体的なカイゼン策\n\n\n・7月18日"),
    # a page's running header between a label and its box
    ("成果指標分析結果\n\nマイナンバーカードの普及", "成果指標分析結果\n\n事務事業評価（続き）\n\nマイナンバーカードの普及"),
    # a comment box broken in the middle of a sentence, and at a paragraph opening on 「また、」
    ("策定や伴走支援の実施などを行った結果、電子申請手続き数は453件\n",
     "策定や伴走支援の実施などを行った結果、電子申請手続き数は453件\n\n\n"),
    ("るものと考えられる。\n　今後は、", "るものと考えられる。\n\n\n　今後は、"),
])
def test_a_box_broken_at_a_gap_keeps_its_sections_too(seed_text, tmp_path, broken):
    test_a_box_broken_at_a_gap_keeps_its_sections(seed_text, tmp_path, broken)


def test_a_comment_closing_sentence_set_apart_stays_in_its_box(seed_text, tmp_path):
    # the 一次 comment's last paragraph (one sentence, no figure) set apart by a PDF's gap
    test_a_box_broken_at_a_gap_keeps_its_sections(
        seed_text, tmp_path, ("に進捗している。\n　今後においても", "に進捗している。\n\n\n　今後においても"))


def test_a_blank_analysis_box_leaves_the_comments_in_theirs(seed_text, tmp_path):
    # 活動指標分析結果 left blank: the comment box read next is the 一次 comment, not the analysis
    start = seed_text.index("市民が来庁せずに目的を達成できる")
    end = seed_text.index("代替事業（有） 　マイナポータル")
    whole = {s.key: s.text for s in parse_text(seed_text, tmp_path).sections}
    blank = {s.key: s.text for s in parse_text(seed_text[:start] + seed_text[end:], tmp_path).sections}
    assert "activity_analysis" not in blank
    for key in ("primary_comment", "secondary_comment", "outcome_analysis", "kaizen"):
        assert blank[key] == whole[key], key


def test_only_a_lone_closing_sentence_joins_the_comment_before_it() -> None:
    from ingest.templates.koriyama_r7 import join_continued

    closing = "　事業の必要性は高いことから、現行の手法を維持しつつ継続して取り組む。"
    one = "代替事業（有） 　「設置補助件数」は計画値48件に対して実績値49件となった。"
    two = "　令和５年度の評価を受け、「削減率」は30.3％となった。"
    assert join_continued([one, closing, two], 2, mid_word=True) == [one + "\n" + closing, two]
    # a second comment of one sentence that quotes a figure opens its own box
    assert join_continued([one, two, "　令和6年度は2件増えた。"], 2, mid_word=True) == [one, two, "　令和6年度は2件増えた。"]
    # a one-sentence comment that opened with its box's mark (代替事業（有）…) is a box of its own
    assert join_continued([one, closing, "【参考】令和6年度は3件。"], 2, mid_word=True, opened=[True, True, False]) == [
        one, closing, "【参考】令和6年度は3件。"]
    # plan boxes are not comments: a one-sentence 目的 is a box of its own
    assert join_continued(["求められた。", closing, "見込まれる。"], 2) == ["求められた。", closing, "見込まれる。"]


def test_a_list_item_wrapped_then_broken_at_a_gap_stays_one_list(seed_text, tmp_path):
    # ・…提供が / 可能なシステムの運用 is one item; the list goes on after the gap
    items = "・オンライン申請手続きの拡充\n・マイナポータルの拡充\n・インターネットによる行政サービスの提供が\n可能なシステムの運用\n"
    wrapped_first = ("・インターネットによる行政サービスの提供が\n可能なシステムの運用\n・オンライン申請手続きの拡充\n"
                     "・マイナポータルの拡充\n")
    gapped_first = wrapped_first.replace("システムの運用\n", "システムの運用\n\n\n")
    assert items in seed_text
    whole, gapped = tmp_path / "whole.txt", tmp_path / "gapped.txt"
    whole.write_text(seed_text.replace(items, wrapped_first), encoding="utf-8")
    gapped.write_text(seed_text.replace(items, gapped_first), encoding="utf-8")
    want = {s.key: re.sub(r"\s", "", s.text) for s in parse_file(whole).sections}
    got = {s.key: re.sub(r"\s", "", s.text) for s in parse_file(gapped).sections}
    assert got == want and "means" in got


def test_a_list_item_cut_mid_word_by_a_gap_keeps_its_rest(seed_text, tmp_path):
    # ・…提供が可 | gap | 能なシステムの運用: the rest of the item, not a stray line dropped
    items = "・オンライン申請手続きの拡充\n・マイナポータルの拡充\n・インターネットによる行政サービスの提供が\n可能なシステムの運用\n"
    assert items in seed_text
    cut = items.replace("提供が\n可能な", "提供が可\n\n\n能な")
    sheet = parse_text(seed_text.replace(items, cut), tmp_path)
    means = next(s.text for s in sheet.sections if s.key == "means")
    assert re.sub(r"\s", "", means).endswith("・インターネットによる行政サービスの提供が可能なシステムの運用"), means
    # a line after a list whose last item is no longer than the others (it did not reach the box's edge)
    # is no rest of it: an indicator's name printed after the 手段 box stays out of it
    from ingest.templates.koriyama_r7 import _wrapped_rest
    from ingest.templates.layout import split_lines

    box = split_lines("・オンライン申請手続きの拡充を図る取組\n・マイナポータルの活用の促進と周知")
    assert not _wrapped_rest(box, split_lines("コンビニでの証明書等発行件数"))


_OUTLOOK = "自治体DX計画に示されている重点取組事項の中の"
_BACKGROUND = "国のデジタルガバメント実行計画やそれに基づく"
_CURRENT = "国の自治体DX推進計画に基づく自治体DX計画に示されている重点取組事"


def _without_box(text: str, opening: str) -> str:
    """The sheet with the plan box that opens on ``opening`` left blank."""
    start = text.index(opening)
    end = text.index("\n\n", start)
    return text[:start] + text[end + 2:]


@pytest.mark.parametrize("opening, blank", [(_CURRENT, "current"), (_BACKGROUND, "background")])
def test_a_blank_plan_box_leaves_the_others_in_their_boxes(seed_text, tmp_path, opening, blank):
    # one of 背景・予測・目的・手段・現状 left blank: four boxes, placed by 手段's list and by how each
    # box's sentences end, not all four kept as 「その他」
    whole = {s.key: s for s in parse_text(seed_text, tmp_path).sections}
    sheet = parse_text(_without_box(seed_text, opening), tmp_path, name="blank.txt")
    got = {s.key: s for s in sheet.sections}
    plan = {"background", "outlook", "purpose", "means", "current"}
    assert blank not in got and "other" not in got
    for key in plan - {blank}:
        assert re.sub(r"\s", "", got[key].text) == re.sub(r"\s", "", whole[key].text), key
        assert got[key].inferred
    assert any("空欄" in w for w in sheet.warnings)


def test_a_placement_by_wording_is_never_silent(seed_text, tmp_path):
    # the seed's 背景 ends 「…加速化することが見込まれる」, as a 予測 would: with 予測 blank, the
    # wording cannot tell the two apart for certain, so whatever is placed says it was inferred
    sheet = parse_text(_without_box(seed_text, _OUTLOOK), tmp_path, name="blank.txt")
    plan = [s for s in sheet.sections if s.key in {"background", "outlook", "purpose", "means", "current"}]
    assert plan and all(s.inferred for s in plan)
    assert any("空欄" in w or "その他" in w for w in sheet.warnings)


def test_a_blank_box_whose_neighbours_read_alike_stays_unplaced():
    from ingest.templates.koriyama_r7 import place_plan_blocks

    means = "・講座の開催\n・情報発信"
    # 手段's place decides: what follows the list is 現状, whatever its wording
    assert place_plan_blocks(["当初は求められた。", "見込まれる。", "向上を図る。", means]) == (
        "background", "outlook", "purpose", "means")
    assert place_plan_blocks(["求められた。", "向上を図る。", means, "増えている。"]) == (
        "background", "purpose", "means", "current")
    assert place_plan_blocks(["見込まれる。", "向上を図る。", means, "増えている。"]) == (
        "outlook", "purpose", "means", "current")
    # two boxes before the list that both read as 背景: no order fits every box, none is chosen
    assert place_plan_blocks(["求められた。", "必要があった。", means, "増えている。"]) is None
    # no list at all: 手段 is the blank box
    assert place_plan_blocks(["求められた。", "見込まれる。", "図る。", "増えている。"]) == (
        "background", "outlook", "purpose", "current")
    # two lists: no order has room for both
    assert place_plan_blocks([means, "見込まれる。", means, "増えている。"]) is None


def test_a_sentence_cut_short_by_a_gap_is_prose_not_a_name(seed_text, seed_expected, tmp_path):
    # 「…」は… with no 、 or 。 before the gap is the start of a sentence, not an indicator's name
    old = "代替事業（有） 　マイナポータルによる申請手続き数及びそれ以外のオンラインによる\n"
    new = "代替事業（有） 　「オンライン申請件数」は計画値に対して実績値が大きく上回\n\n\nり、"
    assert old in seed_text
    sheet = parse_text(seed_text.replace(old, new, 1), tmp_path)
    assert_all_cells(seed_expected, sheet, "comment cut short")
    comment = next(s.text for s in sheet.sections if s.key == "primary_comment")
    assert re.sub(r"\s", "", comment).startswith("「オンライン申請件数」は計画値に対して実績値が大きく上回り、")


def test_comment_boxes_are_joined_only_where_a_sentence_goes_on() -> None:
    from ingest.templates.koriyama_r7 import join_continued

    # a PDF cut a sentence: the rest opens mid-word, unindented
    assert join_continued(["　実績は1,769件にとどまり、計画値の1,800件", "を下回った。", "　二次のコメント。"], 2,
                          mid_word=True) == ["　実績は1,769件にとどまり、計画値の1,800件\nを下回った。", "　二次のコメント。"]
    # a comment that ends without 。 stays apart from the next box, which opens indented
    assert join_continued(["　市として継続", "　二次のコメント。", "　三つ目。"], 2, mid_word=True)[:2] == [
        "　市として継続", "　二次のコメント。"]


def test_a_list_of_one_wrapped_item_is_the_means_box() -> None:
    from ingest.templates.koriyama_r7 import place_plan_blocks

    means = "・インターネットによる行政サービスの提供が\n可能なシステムの運用"
    assert place_plan_blocks(["求められた。", "見込まれる。", "向上を図る。", means]) == (
        "background", "outlook", "purpose", "means")
