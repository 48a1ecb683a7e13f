"""The answer records (contract.md, `assistant ask --json`): what the CLI, the UI and the eval share."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Number = int | float


class Fact(BaseModel):
    """One figure with its provenance: which sheet, which row, which year, which field."""

    model_config = ConfigDict(extra="forbid")

    sheet_id: str
    project: str | None = None
    indicator: str | None = Field(None, description="indicator name, or the cost row label (事業費, 総事業費 …)")
    row: str | None = Field(None, description="the row as the sheet prints it: 活動指標②, 事業費, 一次評価 …")
    fy: int | None = None
    field: str = Field(description="plan, actual, rate, change, project_cost, total_cost, result, …")
    value: Number | str | None = None
    unit: str | None = None
    computed: bool = Field(False, description="computed by code from other facts (a rate, a difference, a sum)")


# fields of facts that are no figure of the answer: a warning, the sheet's own year, the years a
# decline names as those the sheet covers or lacks (kept as facts so every number printed is traceable)
NOT_FIGURES = frozenset({"warning", "target_fy", "covered_year", "absent_year"})


class Citation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sheet_id: str
    project: str | None = None
    section: str = Field(description="the section's label as the sheet prints it")
    quote: str = Field(description="verbatim text from the sheet")
    key: str | None = Field(None, description="the section key (contract.md)")


class Choice(BaseModel):
    """A project the question may be about, offered when several fit (the app shows buttons)."""

    model_config = ConfigDict(extra="forbid")

    sheet_id: str
    project: str | None = None
    section: str | None = Field(None, description="担当課 (or 部局)")
    target_fy: int | None = None


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str
    answer: str
    answerable: bool = True
    facts: list[Fact] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    mode: Literal["extractive", "llm"] = "extractive"
    intent: str | None = Field(None, description="figure, trend, ranking, filter, summary, why, list")
    sheet_ids: list[str] = Field(default_factory=list, description="the sheets the answer is about")
    choices: list[Choice] = Field(
        default_factory=list, description="candidate projects when several fit the question (optional)"
    )

    def to_json(self) -> str:
        return self.model_dump_json(indent=1)
