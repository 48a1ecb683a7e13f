"""The canonical sheet (`sheet/1` in docs/contract.md): what every reader and template produces.

Money is in 千円 except unit costs (円). Fiscal years are Western integers. A value the sheet
does not give is ``None`` (JSON ``null``), never 0.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA = "sheet/1"

Number = int | float
SheetStatus = Literal["complete", "incomplete"]
# What a cost figure is: a budget, a settled account, a plan or an actual. None: the template's one
# figure per year (koriyama-*: the settled amount up to the evaluated year, the budget or plan after).
CostBasis = Literal["予算", "決算", "計画", "実績"]
BASIS_ORDER: tuple[str | None, ...] = (None, "決算", "実績", "予算", "計画")
IndicatorKind = Literal["target", "activity", "outcome"]
Stage = Literal["primary", "secondary"]
SectionKey = Literal[
    "background",
    "current",
    "outlook",
    "resident_needs",
    "purpose",
    "means",
    "activity_analysis",
    "outcome_analysis",
    "cost_analysis",
    "primary_comment",
    "secondary_comment",
    "kaizen",
    "other",
]
RESULT_WORDS = ("継続", "拡充", "改善", "縮小", "統合", "休止", "廃止", "完了")
# 実計区分 takes the result words and 新規 (a project's first year in the plan)
PLAN_CATEGORY_WORDS = ("新規", *RESULT_WORDS)

KIND_LABELS: dict[str, str] = {"target": "対象指標", "activity": "活動指標", "outcome": "成果指標"}
STAGE_LABELS: dict[str, str] = {"primary": "一次評価", "secondary": "二次評価"}
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
# Cost fields in sheet order, with the label each row carries on the sheet.
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


def _int_if_whole(v: Number | None) -> Number | None:
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Source(_Record):
    path: str
    sha256: str  # of the whole file
    format: Literal["text", "pdf", "json"]
    # Where the sheet stands in a file that holds several (a binder); all None for a file of one sheet.
    part: int | None = Field(None, ge=1, description="the sheet's place in its file, 1-based")
    parts: int | None = Field(None, ge=1, description="how many sheets the file holds")
    pages: list[int] | None = Field(None, description="the PDF pages (1-based) the sheet spans")
    chars: list[int] | None = Field(
        None, min_length=2, max_length=2, description="[start, end) character range in the file's decoded text"
    )


class Project(_Record):
    name: str | None = None
    department: str | None = None
    section: str | None = Field(None, description="担当課")


class IndicatorValue(_Record):
    fy: int = Field(ge=1900, le=2200)
    plan: Number | None = None
    actual: Number | None = None

    _whole = field_validator("plan", "actual")(_int_if_whole)


class Milestone(_Record):
    """A 中間指標 / 最終指標 cell: a target value outside the yearly columns."""

    kind: Literal["mid", "final", "unknown"]
    fy: int | None = None
    value: Number

    _whole = field_validator("value")(_int_if_whole)


class Indicator(_Record):
    kind: IndicatorKind
    no: int = Field(ge=1, le=9)
    name: str | None = None
    unit: str | None = None
    values: list[IndicatorValue] = Field(default_factory=list)
    milestones: list[Milestone] = Field(default_factory=list)

    @field_validator("values")
    @classmethod
    def _one_per_year(cls, values: list[IndicatorValue]) -> list[IndicatorValue]:
        years = [v.fy for v in values]
        if len(set(years)) != len(years):
            raise ValueError(f"indicator has two values for one fiscal year: {sorted(years)}")
        return sorted(values, key=lambda v: v.fy)

    @property
    def label(self) -> str:
        """The row's label on the sheet, e.g. 活動指標②."""
        if self.kind == "target":
            return "対象指標"
        return f"{KIND_LABELS[self.kind]}{'①②③④⑤⑥⑦⑧⑨'[self.no - 1]}"

    def value(self, fy: int) -> IndicatorValue | None:
        return next((v for v in self.values if v.fy == fy), None)


class CostRow(_Record):
    """One row of a cost table as the sheet labels it (フルコスト, 地方債, 正職員数 …), for one year."""

    label: str
    value: Number | None = None
    unit: str | None = Field(None, description="as printed: 千円, 円, 人 …; money is not converted here")

    _whole = field_validator("value")(_int_if_whole)


class Cost(_Record):
    fy: int = Field(ge=1900, le=2200)
    basis: CostBasis | None = None
    project_cost: Number | None = None
    personnel_cost: Number | None = None
    total_cost: Number | None = None
    national_prefectural: Number | None = None
    municipal_bonds: Number | None = None
    user_charges: Number | None = None
    other_revenue: Number | None = None
    general_revenue: Number | None = None
    unit_cost_total: Number | None = None
    unit_cost_general: Number | None = None

    rows: list[CostRow] = Field(
        default_factory=list, description="the sheet's own row labels with this year's values (generic layouts)"
    )

    _whole = field_validator(*COST_FIELDS)(_int_if_whole)

    def is_empty(self) -> bool:
        return all(getattr(self, f) is None for f in COST_FIELDS) and all(r.value is None for r in self.rows)

    def row(self, label: str) -> CostRow | None:
        """The sheet's own row by its label (spaces ignored)."""
        key = "".join(label.split())
        return next((r for r in self.rows if "".join(r.label.split()) == key), None)


class Evaluation(_Record):
    stage: Stage
    result: str | None = None
    scores: list[int | None] | None = Field(
        None, description="規模・方法の妥当性, 公平性, 効率性, 活動指標, 成果指標 (1–5)"
    )


class PastResult(_Record):
    """One column of the 実計区分 / 評価結果 line: the plan category and result of a past year."""

    fy: int
    plan_category: str | None = None
    result: str | None = None


class Section(_Record):
    key: SectionKey
    label: str
    text: str
    inferred: bool = Field(
        False, description="placed by its position on the page, not by a label printed beside it"
    )


class Sheet(_Record):
    schema_: Literal["sheet/1"] = Field(SCHEMA, alias="schema")
    sheet_id: str
    template: str
    status: SheetStatus = Field(
        "complete", description="incomplete: the text stops before the sheet's end (a cut-off file or page)"
    )
    source: Source | None = None
    municipality: str | None = None
    evaluation_fy: int | None = None
    target_fy: int | None = None
    project: Project = Field(default_factory=Project)
    indicators: list[Indicator] = Field(default_factory=list)
    costs: list[Cost] = Field(default_factory=list)
    evaluations: list[Evaluation] = Field(default_factory=list)
    past_results: list[PastResult] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list, description="free remarks from whoever wrote the record")

    @model_validator(mode="after")
    def _consistent(self) -> Sheet:
        keys = [(c.fy, c.basis) for c in self.costs]
        if len(set(keys)) != len(keys):
            raise ValueError(f"costs hold two rows for one fiscal year and basis: {sorted(c.fy for c in self.costs)}")
        self.costs.sort(key=lambda c: (c.fy, BASIS_ORDER.index(c.basis)))
        rows = [(i.kind, i.no) for i in self.indicators]
        if len(set(rows)) != len(rows):
            raise ValueError("two indicators share one kind and number")
        return self

    def cost(self, fy: int, basis: CostBasis | None = None) -> Cost | None:
        """The year's cost row: of that basis when given, else the settled figure first
        (no basis, 決算, 実績), then the budget or plan."""
        rows = [c for c in self.costs if c.fy == fy]
        if basis is not None:
            return next((c for c in rows if c.basis == basis), None)
        return min(rows, key=lambda c: BASIS_ORDER.index(c.basis), default=None)

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True, indent=1)

    @classmethod
    def from_json(cls, text: str | bytes) -> Sheet:
        return cls.model_validate_json(text)
