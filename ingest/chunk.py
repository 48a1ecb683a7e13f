"""Sheet → retrieval chunks (pure: no model, no store).

Three kinds of chunk, so that a similarity search can land on prose and on tables alike:

* ``prose``: one per prose section; a long section is split on sentence boundaries (~400
  characters, with overlap). The body is the sheet's own text, verbatim, so it can be quoted.
* ``indicator``: one per indicator, stating its figures in words
  (「活動指標② オンラインによる電子申請手続き数（上記以外）（件）: 2024年度 計画 669、実績 685。…」).
* ``cost``: one per fiscal year of the cost table (「2024年度（令和6年度） 事業費 50,496千円、…」).
* ``evaluation``: one per sheet with evaluation results and scores, when the sheet has any.

Every chunk's text is ``heading + "\\n" + body``: the heading names the project (and its
department and 課) and the part of the sheet, which the body alone often does not say
(「本事業は…」) and which both the embedding and a keyword search need. ``chunk_body`` gives the
body back for quoting.

What is embedded (``embed_text``) is shorter: the heading without 部/課 (filters find those) and,
for a table chunk, only what it is *about* (「【事業名】成果指標② 就職者数（人）の計画と実績」): digits
carry no meaning for the embedding model, cost it most of its time (a number is several
tokens) and pull a vector towards every other table; the figures stay in the stored document,
where keyword search and the figures store find them. ``text_sha`` identifies the document text
(the keyword index caches its tokens by it), ``vector_sha`` the embedded text, so the index
reuses a stored vector for an equal embedded text instead of computing it again.

Chroma metadata holds only scalars (str, int, float, bool), so lists are encoded as strings
(``fiscal_years`` = ",2022,2023,2024,", so a substring test for ",2024," is exact) and absent
values are left out rather than stored as None.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

from ingest.model import Indicator, Sheet
from ingest.normalize import format_number, fy_label
from ingest.vocabulary import (
    COST_FIELDS,
    COST_TABLE_TITLE,
    COST_UNITS,
    KIND_LABELS,
    MILESTONE_LABELS,
    SCORE_ITEMS,
    SECTION_SHORT_LABELS,
    STAGE_LABELS,
)

ChunkType = Literal["prose", "indicator", "cost", "evaluation"]
Scalar = str | int | float | bool

# Sentence ends first, then clause breaks; "" is the last resort for a run without any.
_SEPARATORS = ["\n\n", "\n", "。", "．", "！", "？", "；", "、", "，", " ", ""]


@dataclass(frozen=True)
class Chunk:
    id: str
    text: str  # heading + "\n" + body: the Chroma document (keyword search, quotes)
    heading: str
    body: str
    key: str  # unique within the sheet: "prose:purpose:0", "indicator:activity:2", "cost:2024", …
    metadata: dict[str, Scalar] = field(default_factory=dict)
    embed_text: str = ""  # what the model embeds; "" = the text itself

    def __post_init__(self) -> None:
        if not self.embed_text:
            object.__setattr__(self, "embed_text", self.text)


def chunk_body(document: str) -> str:
    """The body of a stored chunk document (the sheet's own words for a prose chunk)."""
    return document.split("\n", 1)[1] if "\n" in document else document


def encode_years(years: list[int] | set[int]) -> str:
    """{2024, 2022} → ",2022,2024," (Chroma metadata cannot hold lists)."""
    return "," + ",".join(str(y) for y in sorted(set(years))) + "," if years else ""


def decode_years(text: str) -> list[int]:
    return [int(y) for y in text.strip(",").split(",") if y]


def text_sha(text: str) -> str:
    """Identifies a text alone, whichever sheet it comes from (``text_sha``, ``vector_sha``)."""
    return hashlib.sha256(text.encode()).hexdigest()


def chunk_id(content_hash: str, key: str, text: str, embed_text: str = "") -> str:
    """Deterministic: the same sheet content gives the same ids, so a redo upserts in place.

    The embedded text takes part (when it differs from the text): a change to what is embedded
    gives new ids, so ``build --force`` replaces the old vectors.
    """
    extra = f"\0{embed_text}" if embed_text and embed_text != text else ""
    return hashlib.sha256(f"{content_hash}\0{key}\0{text}{extra}".encode()).hexdigest()


def sheet_years(sheet: Sheet) -> set[int]:
    years = {v.fy for i in sheet.indicators for v in i.values} | {c.fy for c in sheet.costs}
    years |= {y for y in (sheet.target_fy, sheet.evaluation_fy) if y is not None}
    return years


def _project_heading(sheet: Sheet) -> str:
    # Short on purpose: it is repeated in every chunk and every token costs embedding time.
    # The municipality and the evaluated year stay in metadata (filters): without the year, a
    # paragraph a project repeats from one year's sheet to the next is the same text, whose
    # vector the index reuses instead of computing it again.
    p = sheet.project
    who = " ".join(x for x in (p.department, p.section) if x)
    return f"【{p.name or '（事業名不明）'}】{who}".rstrip()


def _fmt(value: float | None) -> str:
    return "―" if value is None else format_number(value)


def indicator_text(ind: Indicator) -> str:
    """「活動指標② 名前（件）: 2024年度 計画 669、実績 685。…」"""
    unit = f"（{ind.unit}）" if ind.unit else ""
    name = ind.name or "（名称なし）"
    parts = []
    for v in ind.values:
        if v.plan is None and v.actual is None:
            continue
        figures = []
        if v.plan is not None:
            figures.append(f"計画 {_fmt(v.plan)}")
        if v.actual is not None:
            figures.append(f"実績 {_fmt(v.actual)}")
        # Western years only: every year of the row is in this one chunk, so the 和暦 would
        # not tell chunks apart and would cost ~6 tokens a year (cost chunks, one per year, keep it).
        parts.append(f"{v.fy}年度 {'、'.join(figures)}")
    for m in ind.milestones:
        when = f"（{m.fy}年度）" if m.fy else ""
        parts.append(f"{MILESTONE_LABELS[m.kind]}{when} {_fmt(m.value)}")
    figures_text = "。".join(parts) if parts else "数値の記載なし"
    return f"{ind.label} {name}{unit}: {figures_text}。"


def indicator_topic(ind: Indicator) -> str:
    """What an indicator chunk is about, without its figures: 「成果指標② 就職者数（人）の計画と実績」"""
    unit = f"（{ind.unit}）" if ind.unit else ""
    return f"{ind.label} {ind.name or '（名称なし）'}{unit}の計画と実績"


def cost_text(cost_fields: dict[str, int | float | None], fy: int, basis: str | None = None,
              rows: list[dict[str, Any]] | None = None) -> str:
    """「2024年度（令和6年度） 事業費 50,496千円、人件費 16,175千円、総事業費 66,671千円、…」

    A generic sheet's year carries its basis (「2016年度（平成28年度）決算」) and its own rows as
    the sheet labels them (フルコスト 5,400千円、正職員数 0.5人), after the fixed fields.
    """
    parts = []
    for name, label in COST_FIELDS.items():
        value = cost_fields.get(name)
        if value is None:
            continue
        unit = COST_UNITS[name]
        parts.append(f"{label} {_fmt(value)}{unit}")
    for row in rows or []:
        if row.get("value") is not None:
            parts.append(f"{row['label']} {_fmt(row['value'])}{row.get('unit') or ''}")
    return f"{fy_label(fy)}{basis or ''} {'、'.join(parts)}。"


def split_prose(text: str, size: int, overlap: int) -> list[str]:
    """Split on sentence boundaries into pieces of at most ``size`` characters (when possible)."""
    text = text.strip()
    if len(text) <= size:
        return [text] if text else []
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=size, chunk_overlap=overlap, separators=_SEPARATORS, keep_separator="end"
    )
    return [p for p in (s.strip() for s in splitter.split_text(text)) if p]


def chunk_sheet(
    sheet: Sheet, size: int = 400, overlap: int = 80, content_hash: str | None = None
) -> list[Chunk]:
    """Every chunk of one sheet, in sheet order.

    ``content_hash`` (default: the sheet's source hash) seeds the chunk ids; the index passes
    the hash of the file it read, which differs from the source hash for a canonical JSON file.
    """
    if content_hash is None:
        content_hash = sheet.source.sha256 if sheet.source else sheet.sheet_id
    project = _project_heading(sheet)
    years = sheet_years(sheet)
    base: dict[str, Scalar | None] = {  # None: not stored (dropped below)
        "sheet_id": sheet.sheet_id,
        "template": sheet.template,
        "municipality": sheet.municipality,
        "project": sheet.project.name,
        "department": sheet.project.department,
        "section": sheet.project.section,  # 担当課 (contract: project.section)
        "target_fy": sheet.target_fy,
        "evaluation_fy": sheet.evaluation_fy,
        "fiscal_years": encode_years(years),
        "fy_min": min(years) if years else None,
        "fy_max": max(years) if years else None,
        "source_path": sheet.source.path if sheet.source else None,
        "source_part": sheet.source.part if sheet.source else None,  # its place in a binder
        "status": sheet.status if sheet.status != "complete" else None,  # only the exception is stored
    }
    chunks: list[Chunk] = []

    brief = f"【{sheet.project.name or '（事業名不明）'}】"  # the embedded heading: no 部/課, they are filters

    def add(kind: ChunkType, key: str, label: str, body: str, topic: str, **extra: Scalar | None) -> None:
        heading = f"{project} {label}"
        text = f"{heading}\n{body}"
        embed = f"{brief}{topic}"
        meta = {
            **base,
            **extra,
            "chunk_type": kind,
            "key": key,
            "ordinal": len(chunks),
            "text_sha": text_sha(text),
            "vector_sha": text_sha(embed),
        }
        clean = {k: v for k, v in meta.items() if v is not None and v != ""}
        chunks.append(Chunk(chunk_id(content_hash, key, text, embed), text, heading, body, key, clean, embed))

    seen: dict[str, int] = {}
    for sec in sheet.sections:
        # a template may give one key twice (e.g. two "other" boxes): number them apart
        n = seen[sec.key] = seen.get(sec.key, -1) + 1
        skey = sec.key if n == 0 else f"{sec.key}{n + 1}"
        pieces = split_prose(sec.text, size, overlap)
        for i, piece in enumerate(pieces):
            part = f"（{i + 1}/{len(pieces)}）" if len(pieces) > 1 else ""
            add(
                "prose",
                f"prose:{skey}:{i}",
                f"{sec.label}{part}",
                piece,
                f"{SECTION_SHORT_LABELS.get(sec.key, sec.label)}{part}\n{piece}",
                section_key=sec.key,
                section_label=sec.label,
                part=i,
                parts=len(pieces),
            )
    for ind in sheet.indicators:
        ind_years = sorted({v.fy for v in ind.values})
        add(
            "indicator",
            f"indicator:{ind.kind}:{ind.no}",
            KIND_LABELS[ind.kind],
            indicator_text(ind),
            indicator_topic(ind),
            section_key="indicators",
            section_label=KIND_LABELS[ind.kind],
            indicator_kind=ind.kind,
            indicator_no=ind.no,
            indicator_label=ind.label,
            indicator_name=ind.name,
            unit=ind.unit,
            indicator_years=encode_years(ind_years),
        )
    for cost in sheet.costs:
        if cost.is_empty():
            continue
        add(
            "cost",
            f"cost:{cost.fy}" + (f":{cost.basis}" if cost.basis else ""),
            COST_TABLE_TITLE,
            cost_text(cost.model_dump(exclude={"fy", "basis", "rows"}), cost.fy, cost.basis,
                      [r.model_dump() for r in cost.rows]),
            # no year: it is a filter (``fy``), and one vector then serves every year's chunk
            "事業費・人件費・財源・単位コスト",
            section_key="costs",
            section_label="事業費",
            fy=cost.fy,
            basis=cost.basis,
        )
    lines, results = [], []
    for ev in sheet.evaluations:
        line = f"{STAGE_LABELS[ev.stage]}: {ev.result or '結果の記載なし'}"
        results.append(line)
        if ev.scores and any(s is not None for s in ev.scores):
            scores = "、".join(f"{label} {s}" for label, s in zip(SCORE_ITEMS, ev.scores) if s is not None)
            line += f"（評点 {scores}）"
        lines.append(line)
    for past in sheet.past_results:
        if past.plan_category or past.result:
            what = "、".join(
                x
                for x in (
                    f"実計区分 {past.plan_category}" if past.plan_category else "",
                    f"評価結果 {past.result}" if past.result else "",
                )
                if x
            )
            lines.append(f"{fy_label(past.fy)}: {what}")
    if lines:
        topic = "評価結果 " + ("、".join(results) + "。評点と" if results else "") + "過去の評価結果"
        add("evaluation", "evaluation", "評価結果", "。".join(lines) + "。", topic,
            section_key="evaluations", section_label="評価結果")
    return chunks
