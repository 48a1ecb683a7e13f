"""The vocabulary: every label, unit and result word the code writes, in one place.

Readers (ingest/templates), the canonical sheet (ingest/model.py), the chunks, the answers
(assistant/compose.py and the kinds), the LLM prompt (assistant/llm.py) and the UI all name a cost
row, an evaluation stage, an indicator kind, a section or a score item with the strings defined
here, so a label changes in one place and the answer, the prompt and the table agree. It lives in
``ingest`` because ``assistant`` may import ``ingest`` and not the other way round.

What users *type* is not here: the question words (synonyms, readings, English) are data in
assistant/lexicon.toml, and a reader's list of the ways different sheets print a row
(「フルコスト」, 「地方債」) stays with the reader. docs/design.md says why.
"""

from __future__ import annotations

# ── units ─────────────────────────────────────────────────────────────────────────────────────
THOUSAND_YEN = "千円"  # every cost figure of a sheet …
YEN = "円"  # … but the unit costs

# ── evaluation results ───────────────────────────────────────────────────────────────────────
# The words an evaluation's result (and a plan's 実計区分) takes, in the sheet's order.
RESULT_WORDS = ("継続", "拡充", "改善", "縮小", "統合", "休止", "廃止", "完了")
# 実計区分 takes the result words and 新規 (a project's first year in the plan)
PLAN_CATEGORY_WORDS = ("新規", *RESULT_WORDS)
NO_RESULT = "（結果なし）"  # an evaluation whose result the sheet leaves blank
# Results after which no budget is planned.
TERMINAL_RESULTS = ("完了", "廃止", "休止", "統合")

# ── stages, indicator kinds, score items ─────────────────────────────────────────────────────
STAGE_LABELS: dict[str, str] = {"primary": "一次評価", "secondary": "二次評価"}
KIND_LABELS: dict[str, str] = {"target": "対象指標", "activity": "活動指標", "outcome": "成果指標"}
# The five scored items of an evaluation, in the sheet's order (1–5 points each).
SCORE_ITEMS = ("規模・方法の妥当性", "公平性", "効率性", KIND_LABELS["activity"], KIND_LABELS["outcome"])
SCORE_ITEMS_EN = ("scale and method", "fairness", "efficiency", "activity indicators", "outcome indicators")
# A milestone of an indicator (中間指標 / 最終指標), as chunks and answers name it.
MILESTONE_LABELS: dict[str, str] = {"mid": "中間指標", "final": "最終指標", "unknown": "目標値"}

# ── sections ─────────────────────────────────────────────────────────────────────────────────
# Each section key with the label the koriyama-r7 sheet prints.
SECTION_LABELS: dict[str, str] = {
    "background": "事業開始時周辺環境（背景）",
    "current": "現状周辺環境",
    "outlook": "今後周辺環境（予測）",
    "resident_needs": "住民意向分析",
    "purpose": "意図（目的）",
    "means": "手段",
    "activity_analysis": "活動指標分析結果",
    "outcome_analysis": "成果指標分析結果",
    "cost_analysis": "総事業費（事業費・人件費）分析結果",
    "primary_comment": "一次評価コメント",
    "secondary_comment": "二次評価コメント",
    "kaizen": "カイゼン策・行動計画",
    "other": "その他",
}
# The section as the embedded heading names it: short (every token costs embedding time) and the
# same whatever the template printed, so equal sections of different templates embed alike.
SECTION_SHORT_LABELS: dict[str, str] = {
    "background": "背景", "current": "現状", "outlook": "今後の見通し", "resident_needs": "住民意向",
    "purpose": "目的", "means": "手段", "activity_analysis": "活動指標の分析",
    "outcome_analysis": "成果指標の分析", "cost_analysis": "事業費の分析", "primary_comment": STAGE_LABELS["primary"],
    "secondary_comment": STAGE_LABELS["secondary"], "kaizen": "カイゼン策",
}

# ── cost rows ────────────────────────────────────────────────────────────────────────────────
# Cost fields in sheet order, with the label each row carries on the sheet (the model, the
# readers' warnings, the chunks, the UI's tables and the LLM prompt's facts).
COST_FIELDS: dict[str, str] = {
    "project_cost": "事業費",
    "personnel_cost": "人件費",
    "total_cost": "総事業費",
    "national_prefectural": "国・県支出金",
    "municipal_bonds": "市債",
    "user_charges": "受益者負担金",
    "other_revenue": "その他",
    "general_revenue": "一般財源等",
    "unit_cost_total": "単位コスト（総コスト）",
    "unit_cost_general": "単位コスト（一般財源）",
}
REVENUE_FIELDS = ("national_prefectural", "municipal_bonds", "user_charges", "other_revenue", "general_revenue")
# The cost table as a heading names it (the UI, the summary, the cost chunks).
COST_TABLE_TITLE = f"{COST_FIELDS['project_cost']}（{THOUSAND_YEN}、単位コストは{YEN}）"
REVENUE_TOTAL_LABEL = "歳入計"  # printed on koriyama-r7 sheets; no field of the model
# The unit of each cost field: 円 for the unit costs, 千円 for the rest.
COST_UNITS: dict[str, str] = {f: (YEN if f.startswith("unit_cost") else THOUSAND_YEN) for f in COST_FIELDS}
# A cost row as answers name it, Japanese and English: the sheet's label where it is unambiguous
# alone, the sheet's full printed label for the unit costs, and その他 said to be revenue.
ANSWER_ROW_LABELS: dict[str, tuple[str, str]] = {
    "total_cost": (COST_FIELDS["total_cost"], "total cost"),
    "project_cost": (COST_FIELDS["project_cost"], "project cost"),
    "personnel_cost": (COST_FIELDS["personnel_cost"], "personnel cost"),
    "national_prefectural": (COST_FIELDS["national_prefectural"], "national/prefectural funds"),
    "municipal_bonds": (COST_FIELDS["municipal_bonds"], "municipal bonds"),
    "user_charges": (COST_FIELDS["user_charges"], "user charges"),
    "other_revenue": ("その他（財源）", "other revenue"),
    "general_revenue": (COST_FIELDS["general_revenue"], "general revenue"),
    "unit_cost_total": ("単位コスト（総コストから算出）", "unit cost"),
    "unit_cost_general": ("単位コスト（所要一般財源から算出）", "unit cost (general revenue)"),
}


def cost_unit(field: str) -> str:
    """The unit of a cost field: 円 for 単位コスト, 千円 for every other row."""
    return YEN if field.startswith("unit_cost") else THOUSAND_YEN


def row_label(field: str, lang: str = "ja") -> str:
    """A cost row as answers name it: 総事業費 / total cost."""
    ja, en = ANSWER_ROW_LABELS[field]
    return ja if lang == "ja" else en


# ── what a figure is ─────────────────────────────────────────────────────────────────────────
# The non-cost fields of a fact, as tables and the LLM prompt name them.
VALUE_LABELS: dict[str, str] = {
    "plan": "計画",
    "actual": "実績",
    "rate": "達成率",
    "result": "評価結果",
    "score": "評点",
    "department": "部局",
    "section": "担当課",
}

# ── direction of an indicator ────────────────────────────────────────────────────────────────
# Indicators that count something to be kept down (the plan is a ceiling) …
KEEP_DOWN_WORDS = ("事故", "待機児童", "死亡", "発生件数", "排出量", "被害", "不法投棄", "滞納", "未納", "苦情",
                   "待ち時間", "待機時間", "離職", "超過勤務", "残業", "犯罪", "出火", "虐待", "不登校", "負傷")
# … unless what is counted is the remedy (温室効果ガス排出量削減率, 浸水被害の解消戸数).
# (and what is done about it: 滞納処分件数, 滞納繰越分の徴収率, 不登校児童生徒への相談・支援件数 count the work, not the trouble)
REDUCTION_WORDS = ("削減", "減少率", "低減", "抑制率", "解消", "防止", "対策", "処分", "徴収", "収納", "相談", "支援")
