"""The canonical sheet (`sheet/1` in docs/contract.md): what every reader and template produces.

Money is in 千円 except unit costs (円). Fiscal years are Western integers. A value the sheet
does not give is ``None`` (JSON ``null``), never 0.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

# The labels live in the vocabulary; re-exported here (`X as X`: explicitly, for mypy's no_implicit_reexport)
# for the readers that import them with the model.
from ingest.vocabulary import COST_FIELDS as COST_FIELDS
from ingest.vocabulary import KIND_LABELS as KIND_LABELS
from ingest.vocabulary import PLAN_CATEGORY_WORDS as PLAN_CATEGORY_WORDS
from ingest.vocabulary import RESULT_WORDS as RESULT_WORDS
from ingest.vocabulary import REVENUE_FIELDS as REVENUE_FIELDS
from ingest.vocabulary import SECTION_LABELS as SECTION_LABELS
from ingest.vocabulary import STAGE_LABELS as STAGE_LABELS

SCHEMA: Literal["sheet/1"] = "sheet/1"

# Bounds every value of a sheet keeps (issue #14): far beyond any real sheet, and within what
# SQLite (signed 64-bit integers), Chroma and the answers handle. A sheet outside them is
# refused whole, with the field named, before anything is written. (Text that is not valid
# Unicode — a lone surrogate from "\ud800" in JSON — pydantic refuses by itself.)
MAX_ABS = 10**15  # any figure: 10^15 千円 is a thousand times Japan's national budget
FY_MIN, FY_MAX = 1926, 2100  # fiscal years the 和暦 labels cover: 昭和元年度 … 令和82年度
MAX_NAME = 1_000  # characters of a name, label, unit, id or path
MAX_TEXT = 200_000  # characters of one section's text (a whole sheet is ~10,000)
MAX_NOTE = 5_000  # characters of one warning or note
MAX_LIST = 500  # entries of any list in a sheet (a real one has at most a few dozen)


def _bounded(v: int | float) -> int | float:
    if isinstance(v, float) and not math.isfinite(v):
        raise ValueError("must be a finite number (not NaN or infinity)")
    if abs(v) > MAX_ABS:
        raise ValueError(f"number out of range (at most {MAX_ABS:.0e} either way)")
    return v


Number = Annotated[int | float, AfterValidator(_bounded)]
FiscalYear = Annotated[int, Field(ge=FY_MIN, le=FY_MAX)]
Name = Annotated[str, StringConstraints(max_length=MAX_NAME)]
Note = Annotated[str, StringConstraints(max_length=MAX_NOTE)]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
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


def _int_if_whole(v: Number | None) -> Number | None:
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)


class Source(_Record):
    path: Name
    sha256: Name  # of the whole file
    format: Literal["text", "pdf", "json"]
    # Where the sheet stands in a file that holds several (a binder); all None for a file of one sheet.
    part: int | None = Field(None, ge=1, le=MAX_LIST, description="the sheet's place in its file, 1-based")
    parts: int | None = Field(None, ge=1, le=MAX_LIST, description="how many sheets the file holds")
    pages: list[Annotated[int, Field(ge=1, le=100_000)]] | None = Field(
        None, max_length=MAX_LIST, description="the PDF pages (1-based) the sheet spans")
    chars: list[Annotated[int, Field(ge=0, le=10**9)]] | None = Field(
        None, min_length=2, max_length=2, description="[start, end) character range in the file's decoded text"
    )


class Project(_Record):
    name: Name | None = None
    department: Name | None = None
    section: Name | None = Field(None, description="担当課")


class IndicatorValue(_Record):
    fy: FiscalYear
    plan: Number | None = None
    actual: Number | None = None

    _whole = field_validator("plan", "actual")(_int_if_whole)


class Milestone(_Record):
    """A 中間指標 / 最終指標 cell: a target value outside the yearly columns."""

    kind: Literal["mid", "final", "unknown"]
    fy: FiscalYear | None = None
    value: Number

    _whole = field_validator("value")(_int_if_whole)


class Indicator(_Record):
    kind: IndicatorKind
    no: int = Field(ge=1, le=9)
    name: Name | None = None
    unit: Name | None = None
    values: list[IndicatorValue] = Field(default_factory=list, max_length=MAX_LIST)
    milestones: list[Milestone] = Field(default_factory=list, max_length=MAX_LIST)

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

    label: Name
    value: Number | None = None
    unit: Name | None = Field(None, description="as printed: 千円, 円, 人 …; money is not converted here")

    _whole = field_validator("value")(_int_if_whole)


class Cost(_Record):
    fy: FiscalYear
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
        default_factory=list, max_length=MAX_LIST,
        description="the sheet's own row labels with this year's values (generic layouts)",
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
    result: Name | None = None
    scores: list[Annotated[int, Field(ge=0, le=100)] | None] | None = Field(
        None, max_length=10, description="規模・方法の妥当性, 公平性, 効率性, 活動指標, 成果指標 (1–5)"
    )


class PastResult(_Record):
    """One column of the 実計区分 / 評価結果 line: the plan category and result of a past year."""

    fy: FiscalYear
    plan_category: Name | None = None
    result: Name | None = None


class Section(_Record):
    key: SectionKey
    label: Name
    text: Text
    inferred: bool = Field(
        False, description="placed by its position on the page, not by a label printed beside it"
    )


class Sheet(_Record):
    schema_: Literal["sheet/1"] = Field(SCHEMA, alias="schema")
    sheet_id: Name
    template: Name
    status: SheetStatus = Field(
        "complete", description="incomplete: the text stops before the sheet's end (a cut-off file or page)"
    )
    claimed_id: Name | None = Field(
        None, description="the sheet_id a canonical JSON file gave itself: kept, never used as the store's key"
    )
    source: Source | None = None
    municipality: Name | None = None
    evaluation_fy: FiscalYear | None = None
    target_fy: FiscalYear | None = None
    project: Project = Field(default_factory=Project)
    indicators: list[Indicator] = Field(default_factory=list, max_length=MAX_LIST)
    costs: list[Cost] = Field(default_factory=list, max_length=MAX_LIST)
    evaluations: list[Evaluation] = Field(default_factory=list, max_length=MAX_LIST)
    past_results: list[PastResult] = Field(default_factory=list, max_length=MAX_LIST)
    sections: list[Section] = Field(default_factory=list, max_length=MAX_LIST)
    warnings: list[Note] = Field(default_factory=list, max_length=10 * MAX_LIST)
    notes: list[Note] = Field(
        default_factory=list, max_length=MAX_LIST, description="free remarks from whoever wrote the record"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Sheet:
        keys = [(c.fy, c.basis) for c in self.costs]
        if len(set(keys)) != len(keys):
            raise ValueError(f"costs hold two rows for one fiscal year and basis: {sorted(c.fy for c in self.costs)}")
        self.costs.sort(key=lambda c: (c.fy, BASIS_ORDER.index(c.basis)))
        rows = [(i.kind, i.no) for i in self.indicators]
        if len(set(rows)) != len(rows):
            raise ValueError("two indicators share one kind and number")
        # the store keys these by (sheet, stage) and (sheet, year): a second one could not be written
        stages = [e.stage for e in self.evaluations]
        if len(set(stages)) != len(stages):
            raise ValueError("two evaluations of one stage (一次 or 二次)")
        years = [r.fy for r in self.past_results]
        if len(set(years)) != len(years):
            raise ValueError(f"past results hold two entries for one fiscal year: {sorted(years)}")
        return self

    def cost(self, fy: int, basis: CostBasis | None = None) -> Cost | None:
        """The year's cost row: of that basis when given, else the settled figure first
        (no basis, 決算, 実績), then the budget or plan."""
        rows = [c for c in self.costs if c.fy == fy]
        if basis is not None:
            return next((c for c in rows if c.basis == basis), None)
        return min(rows, key=lambda c: BASIS_ORDER.index(c.basis), default=None)

    def to_json(self, indent: int | None = 1) -> str:
        """The canonical JSON (``claimed_id`` only when there is one: most sheets never had a claim)."""
        return self.model_dump_json(by_alias=True, indent=indent,
                                    exclude=None if self.claimed_id else {"claimed_id"})

    def checked(self) -> Sheet:
        """The sheet validated anew, field by field (readers may set fields after construction).
        Raises pydantic's ValidationError; :func:`ingest.parse.invalid` words it in one line."""
        return type(self).model_validate(self.model_dump(by_alias=True))

    @classmethod
    def from_json(cls, text: str | bytes) -> Sheet:
        return cls.model_validate_json(text)


_TYPE_TAGS = frozenset({"int", "float", "str", "bool", "none", "list", "dict"})


def describe(error: ValidationError) -> str:
    """A validation error in one line: where (``costs.0.total_cost``) and what is wrong."""

    def where(e: ErrorDetails) -> str:
        # a union's branch (``int``, ``function-after[…]``) is no place a user can find in the file
        return ".".join(str(x) for x in e["loc"] if not (isinstance(x, str) and (x in _TYPE_TAGS or "[" in x)))

    errors = error.errors()
    place = where(errors[0])
    # of a union's branches, the one that says most: NaN is "not finite", not "not an integer"
    first = min((e for e in errors if where(e) == place),
                key=lambda e: (e["type"].endswith("_type"), e["type"] != "float_type"))
    given = first.get("input")
    if isinstance(given, str) and first["type"] in ("int_type", "float_type", "int_parsing", "float_parsing"):
        shown = given if len(given) <= 20 else given[:20] + "…"
        msg = f'the number "{shown}" is written as text; write it without quotes'
    else:
        msg = first["msg"].removeprefix("Value error, ")
    return f"{place or 'top'}: {msg}"
