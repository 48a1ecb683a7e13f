"""An R7 sheet as text, the way a PDF extractor gives the seed sheet
(``../shared/seed/koriyama_r7_digital_first.txt``): line by line, blank cells dropped, indicator
names far from their rows, prose hard-wrapped like the sheet's cells."""

from __future__ import annotations

import re
from collections.abc import Iterable

from eval.corpus.bank import COST_PROSE
from eval.corpus.figures import era_fw, fy_fw, known
from eval.corpus.sheet import SheetSpec
from ingest.model import IndicatorKind, Sheet
from ingest.normalize import format_number

_UNIT_SUFFIX = "千円|円|件|人|回|施設|km|％|%|ポイント|年度|月|日|t|冊|校|箇所|世帯|社|団体|時間|ha|g"
_ATOM = re.compile(rf"[0-9](?:[0-9,.]*[0-9])?(?:{_UNIT_SUFFIX})?|[A-Za-z][A-Za-z0-9]*|.", re.S)


def _width(s: str) -> float:
    return len(s) - 0.5 * len(s.encode("ascii", "ignore"))


def wrap(text: str, width: float) -> list[str]:
    """Hard-wrap like the sheet's cells: by width, never inside a figure or a word in Latin letters."""
    lines: list[str] = []
    cur, used = "", 0.0
    for atom in _ATOM.findall(text):
        w = _width(atom)
        if cur and used + w > width:
            lines.append(cur)
            cur, used = "", 0.0
        cur += atom
        used += w
    if cur:
        lines.append(cur)
    if len(lines) > 1 and _width(lines[-1]) < 4:  # a tail this short would stand alone like a label
        tail = lines.pop()
        lines[-1] += tail
    return lines


def _value_row(unit: str, values: Iterable[float | None]) -> str:
    return " ".join([unit, *(format_number(v) for v in values if v is not None)])


def indicator_rows(sheet: Sheet) -> list[str]:
    """``UNIT v1 v2 …`` per filled indicator, blank cells dropped (table order: 対象, 活動①②③, 成果①②③)."""
    t = known(sheet.target_fy)
    order = {"target": 0, "activity": 1, "outcome": 2}
    rows = []
    for ind in sorted(sheet.indicators, key=lambda i: (order[i.kind], i.no)):
        cells: list[float | None] = []
        for y in range(t - 2, t + 1):
            v = ind.value(y)
            if ind.kind != "target":
                cells.append(v.plan if v else None)
            cells.append(v.actual if v else None)
        for y in range(t + 1, t + 4):
            v = ind.value(y)
            cells.append(v.plan if v else None)
        cells += [m.value for m in sorted(ind.milestones, key=lambda m: m.kind != "mid")]
        rows.append(_value_row(ind.unit or "", cells))
    return rows


def cost_rows(sheet: Sheet) -> list[str]:
    """The two 円 rows, then the nine 千円 rows; the total rows print 0 in years without figures."""
    t = known(sheet.target_fy)
    by_year = {c.fy: c for c in sheet.costs}
    years = range(t - 2, t + 5)

    def row(unit: str, f: str, placeholder: bool = False) -> str:
        vals = []
        for y in years:
            c = by_year.get(y)
            v = getattr(c, f) if c else None
            vals.append(0 if c is None and placeholder else v)
        return _value_row(unit, vals)

    return [
        row("円", "unit_cost_total"), row("円", "unit_cost_general"),
        row("千円", "project_cost"), row("千円", "personnel_cost"), row("千円", "total_cost", True),
        row("千円", "national_prefectural"), row("千円", "municipal_bonds"), row("千円", "user_charges"),
        row("千円", "other_revenue"), row("千円", "general_revenue", True), row("千円", "total_cost", True),
    ]


_RADAR = (["４　活動指標", "（活動達成度）"], ["３　効率性", "0"], ["2"], ["4"], ["１ 規模・方法の妥当"], ["性"],
          ["２ 公平性"], ["３ 効率性", "４ 活動指標"], ["（活動達成度）"], ["５ 成果指標"], ["（目的達成度）"], ["0"], ["2"],
          ["4"], ["１ 規模・方法の妥"], ["当性"], ["２ 公平性"], ["３ 効率性", "４ 活動指標"], ["（活動達成度）"],
          ["５ 成果指標"], ["（目的達成度）"])


def _blocks(spec: SheetSpec) -> list[list[str]]:
    sheet, lay = spec.sheet, spec.layout
    t = known(sheet.target_fy)
    ev = {e.stage: e for e in sheet.evaluations}
    names = {(i.kind, i.no): i.name for i in sheet.indicators}
    par = lay.paragraphs

    def prose(key: str, prefix: str = "") -> list[list[str]]:
        if key == lay.missing_section:
            return []
        lines = [ln for p in par[key] for ln in wrap(p, lay.widths[key])]
        if prefix:
            lines[0] = prefix + lines[0].lstrip("　")
        return [lines]

    def name(kind: IndicatorKind, no: int) -> list[list[str]]:
        n = names.get((kind, no))
        return [[n]] if n else []

    def marks(k: int) -> str:
        return "".join(" ○" for _ in range(k))

    code_stage, code_office, code_policy, sub_no = lay.codes
    p, s = ev["primary"].scores or [3] * 5, ev["secondary"].scores or [3] * 5
    words = " ".join(w for r in sheet.past_results for w in (r.plan_category or "", r.result or "") if w)
    cost = par["cost_analysis"]
    heading = COST_PROSE.project_heading  # the cost analysis prints in two places, cut here
    split = cost.index(heading) if heading in cost else len(cost)
    blocks: list[list[str]] = [
        [f"{era_fw(t + 1)} 事務事業マネジメントシート 段階： {code_stage}"],
        [f"１　事業概要 {code_office} 所属コード"],
        ["SDGs 広域事業 総合戦略 セーフ 2025 2030 2040 2050 ＤＸ推進"],
        ["施策"],
        ["２　事業進捗等（指標等推移）", f"{t + 3}年度 {t + 4}年度 中間指標 最終指標"],
        ["計画 実績 " * 5 + f"計画 計画 {lay.mid_fy}年度 {lay.final_fy}年度"],
        *([r] for r in indicator_rows(sheet)),
        *([r] for r in cost_rows(sheet)),
        [f"　 実計区分 評価結果 {words}"],
        [" "],
        ["３　一次評価（部局内評価）", "（１）事業手法評価 （２）事業継続性評価"],
        [f"{p[0]} 5レス カウンターレス キャッシュレス ペーパーレス ファイルレス ムーブレス", "（会議レス）"],
        [f"{p[1]}{marks(lay.marks[0])}"],
        [f"{p[2]}{marks(lay.marks[2])}"],
        [f"{p[3]} 気候変動対応 ＤＸ", "(デジタル市役所)"],
        ["部局間協奏"],
        [f"{p[4]}{marks(lay.marks[1])}"],
        ["４　二次評価", "（１）事業手法評価 （２）事業継続性評価"],
        *([str(v)] for v in s),
        [f"{era_fw(t)}実施事業に係る事務事業評価"],
        ["今後周辺環境（予測）"],
        ["中事業番号"],
        [sub_no, "大綱（取組）"],
        ["受益者負担金（使用料、負担金等）"],
        ["国・県支出金"],
        [f"{fy_fw(t)} {fy_fw(t + 1)}"],
        ["事業開始時周辺環境（背景） 現状周辺環境"],
        ["○"],
        [fy_fw(t - 2)],
        ["まちづくり基本指針八次実施計画"],
        [known(sheet.project.name)],
        ["住民意向分析"],
        *prose("resident_needs"),
        [f"{sheet.project.department} {sheet.project.section}"],
        ["次期実施計画"],
        *prose("background"),
        *prose("outlook"),
        [code_policy],
        *prose("purpose"),
        ["手段 意図（目的）"],
        ["○"],
        *prose("means"),
        ["政策体系"],
        [f"{lay.policy}　等 {lay.sdg[0]}", lay.sdg[1], lay.sdg[2]],
        *prose("current"),
        ["４　活動指標", "（活動達成度） ○"],
        ["１　規模・方法の妥当性"], ["２　公平性"], ["３　効率性"], ["１　規模・方法の妥当性"], ["２　公平性"],
        ["成果指標③"], ["成果指標②"], ["成果指標①"], ["活動指標③"], ["活動指標②"], ["活動指標①"], ["対象指標"],
        *name("outcome", 1),
        ["５　成果指標", "（目的達成度）"],
        ["５　成果指標", "（目的達成度）"],
        ["活動指標分析結果"],
        *prose("activity_analysis"),
        *prose("primary_comment", f"代替事業（{'有' if lay.alternative else '無'}） 　"),
        *prose("kaizen"),
        ["ニーズ（大）"], ["代替事業（無）"], ["ニーズ（小）"], ["ニーズ（小）"],
        *prose("secondary_comment"),
        [lay.unit_cost_label],
        *name("activity", 3),
        ["指標名指標名"],
        *name("activity", 2),
        ["成果指標分析結果"],
        *prose("outcome_analysis"),
        ["一次評価コメント"],
        [known(ev["primary"].result)],
        ["代替事業（有）"],
        *([] if lay.missing_section == "cost_analysis" else
          [[ln for p_ in cost[:split] for ln in wrap(p_, lay.widths["cost_analysis"])]]),
        [f"（参考）{era_fw(t)}カイゼンのための行動計画"],
        *([] if lay.missing_section == "cost_analysis" or split == len(cost) else
          [[ln for p_ in cost[split:] for ln in wrap(p_, lay.widths["cost_analysis"])]]),
        ["まちづくり基本指針次期実施計画"],
        ["歳入計"],
        ["まちづくり基本指針七次実施計画まちづくり基本指針六次実施計画まちづくり基本指針五次実施計画"],
        [lay.unit_cost_label],
        ["単位"],
        ["一般財源等"],
        [fy_fw(t - 1)],
        *name("activity", 1), *name("target", 1), *name("outcome", 3), *name("outcome", 2),
        ["事業費"],
        ["歳出計（総事業費）"],
        ["単位コスト（総コストから算出）"],
        ["市債"],
        ["ニーズ（大）"],
        ["二次評価コメント"],
        [fy_fw(t + 2)],
        ["○"],
        [known(ev["secondary"].result)],
        ["単位コスト（所要一般財源から算出）"],
        ["その他"],
        ["人件費"],
        ["総事業費（事業費・人件費）分析結果"],
        *(list(b) for b in _RADAR),
    ]
    if lay.broken_label:
        label, cut = lay.broken_label
        for block in blocks:
            if label in block:
                i = block.index(label)
                head, tail = label[:cut].rstrip(), label[cut:].lstrip()
                block[i:i + 1] = [head, tail] if head and tail else [label]
                break
    if lay.page_header:
        where, text = lay.page_header
        first = next(i for i, b in enumerate(blocks) if b[0].startswith("　 実計区分")) + 1
        blocks.insert(first + int(where * (len(blocks) - first)), [text])
    return blocks


def render_text(spec: SheetSpec) -> str:
    """The sheet as a PDF extractor gives it: blocks of lines separated by one blank line."""
    return "\n" + "\n\n".join("\n".join(b) for b in _blocks(spec)) + "\n\n\n"

