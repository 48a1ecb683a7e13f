"""What the web UI shows of an ``Answer``: escaped text, the sources panel, the facts table, its CSV.

Pure drawing: everything here reads an :class:`~assistant.answer.Answer` (and, for the table rows a
figure came from, the :class:`~ingest.model.Sheet`), and decides nothing about the answer itself.

Nothing that comes from a sheet (or from the person asking) reaches the page as markup: the
chat renders Markdown, so :func:`md_escape` turns ``< > &`` into entities and backslash-escapes
every Markdown sign; tables are plain-text cells.
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Callable
from pathlib import Path

from assistant.answer import Answer, Fact
from ingest.chunk import cost_text, indicator_text
from ingest.model import COST_FIELDS, Sheet
from ingest.normalize import format_number

SheetLookup = Callable[[str], Sheet | None]

# Markdown's signs (CommonMark backslash-escapes any ASCII punctuation) and TeX's $.
_MD_SIGNS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$:=^\"'])")

FIELD_LABELS: dict[str, str] = {
    "plan": "計画",
    "actual": "実績",
    "rate": "達成率",
    "change": "前年度比増減",
    "result": "評価結果",
    "count": "件数",
    "department": "部局",
    "section": "担当課",
    "score": "評点",
    **COST_FIELDS,
}
FACT_COLUMNS = ["項目", "年度", "区分", "値", "単位", "事業名", "指標・費目", "算出", "シートID"]
STATUS_LABELS = {"indexed": "登録", "unchanged": "変更なし", "replaced": "置き換え", "failed": "失敗"}


def md_escape(text: str | None) -> str:
    """Text shown literally by a Markdown renderer: no tag, no link, no emphasis, no TeX."""
    if not text:
        return ""
    return _MD_SIGNS.sub(r"\\\1", html.escape(str(text), quote=False))


def field_label(field: str) -> str:
    if field.endswith("_change"):
        return f"{FIELD_LABELS.get(field.removesuffix('_change'), field)}の増減"
    return FIELD_LABELS.get(field, field)


def value_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int | float):
        return format_number(v)
    return str(v)


def answer_markdown(answer: Answer) -> str:
    return md_escape(answer.answer)


def stream_pieces(text: str, pieces: int = 6) -> list[str]:
    """Growing prefixes of ``text`` (the assistant answers whole; the chat shows it arriving)."""
    if not text:
        return [""]
    step = max(1, -(-len(text) // pieces))
    cuts = list(range(step, len(text), step)) + [len(text)]
    return [text[:c] for c in cuts]


# ----------------------------------------------------------------------------- facts table


def fact_rows(answer: Answer) -> list[list[object]]:
    rows = []
    for f in answer.facts:
        rows.append([
            f.row or "",
            "" if f.fy is None else f.fy,
            field_label(f.field),
            value_text(f.value),
            f.unit or "",
            f.project or "",
            f.indicator or "",
            "計算" if f.computed else "",
            "" if f.sheet_id == "*" else f.sheet_id,
        ])
    return rows


def write_facts_csv(answer: Answer, path: Path) -> Path:
    """The facts as CSV (UTF-8 with BOM so that Excel reads the Japanese); raw values, not formatted."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["question", *FACT_COLUMNS, "field"])
        for f, row in zip(answer.facts, fact_rows(answer), strict=True):
            row[3] = "" if f.value is None else f.value
            w.writerow([answer.question, *row, f.field])
    return path


# ----------------------------------------------------------------------------- sources panel


def _fact_groups(facts: list[Fact]) -> dict[tuple[str, str], list[Fact]]:
    groups: dict[tuple[str, str], list[Fact]] = {}
    for f in facts:
        if f.sheet_id == "*":
            continue
        groups.setdefault((f.sheet_id, f.row or f.field), []).append(f)
    return groups


def _row_reading(sheet: Sheet | None, facts: list[Fact]) -> str | None:
    """The sheet's table row the facts were read from, as the index states it."""
    if sheet is None:
        return None
    row = facts[0].row
    ind = next((i for i in sheet.indicators if i.label == row), None)
    if ind is not None and any(f.field in ("plan", "actual", "rate") for f in facts):
        return indicator_text(ind)
    cost_fields = [f.field.removesuffix("_change") for f in facts]
    if all(f in COST_FIELDS for f in cost_fields):
        years = sorted({f.fy for f in facts if f.fy is not None})
        wanted = set(cost_fields)
        lines = []
        for c in sheet.costs:
            if c.fy in years:
                values = {k: getattr(c, k) for k in COST_FIELDS if k in wanted}
                lines.append(cost_text(values, c.fy))
        return "\n".join(lines) or None
    return None


def sources_markdown(answer: Answer, sheet: SheetLookup, max_items: int = 12) -> str | None:
    """The collapsible panel under an answer: every quote verbatim, and the table rows of its figures."""
    parts: list[str] = []
    for c in answer.citations:
        head = f"**引用｜{md_escape(c.project or '')}**　{md_escape(c.section)}　シート {md_escape(c.sheet_id)}"
        parts.append(f"{head}\n\n> {md_escape(c.quote)}")
    for (sid, row), facts in list(_fact_groups(answer.facts).items())[:max_items]:
        project = facts[0].project or ""
        what = f"{row}「{facts[0].indicator}」" if facts[0].indicator and facts[0].indicator != row else row
        head = f"**表｜{md_escape(project)}**　{md_escape(what)}　シート {md_escape(sid)}"
        reading = _row_reading(sheet(sid), facts)
        if reading is None:
            reading = "、".join(
                f"{f.fy}年度 {field_label(f.field)} {value_text(f.value)}{f.unit or ''}" if f.fy else
                f"{field_label(f.field)} {value_text(f.value)}{f.unit or ''}" for f in facts)
        body = "\n\n".join(f"> {md_escape(line)}" for line in reading.split("\n"))
        parts.append(f"{head}\n\n{body}")
    if not parts:
        return None
    return "\n\n---\n\n".join(parts)


def sources_title(answer: Answer) -> str:
    n_quotes = len(answer.citations)
    n_rows = len(_fact_groups(answer.facts))
    bits = []
    if n_quotes:
        bits.append(f"引用 {n_quotes}件")
    if n_rows:
        bits.append(f"表 {n_rows}行")
    return "出典（" + "・".join(bits) + "）" if bits else "出典"
