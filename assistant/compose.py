"""Answer text from facts and quotes, with no model: every figure with its unit and year, the
project named, quotes verbatim and capped, the section named."""

from __future__ import annotations

import re

from assistant.answer import Citation, Fact, Number
from assistant.resolve import bigrams
from ingest.model import SECTION_LABELS
from ingest.normalize import era_label
from ingest.normalize import format_number as fmt

FIELD_JA = {"plan": "計画", "actual": "実績", "rate": "達成率", "change": "前年度からの増減"}
FIELD_EN = {"plan": "plan", "actual": "actual", "rate": "achievement rate", "change": "change from the year before"}
COST_EN = {
    "project_cost": "project cost", "personnel_cost": "personnel cost", "total_cost": "total cost",
    "general_revenue": "general revenue", "national_prefectural": "national/prefectural funds",
    "municipal_bonds": "municipal bonds", "user_charges": "user charges", "other_revenue": "other revenue",
    "unit_cost_total": "unit cost (total)", "unit_cost_general": "unit cost (general revenue)",
}


def year_ja(fy: int | None) -> str:
    return "" if fy is None else f"{fy}年度（{era_label(fy)}）"


def year_en(fy: int | None) -> str:
    return "" if fy is None else f"FY{fy}"


def num(v: Number | str | None, unit: str | None = None) -> str:
    if v is None:
        return "―"
    if isinstance(v, str):
        return v
    return f"{fmt(v)}{unit or ''}"


def signed(v: Number, unit: str | None = None) -> str:
    return f"{'+' if v > 0 else ''}{fmt(v) if v >= 0 else '−' + fmt(-v)}{unit or ''}"


# ── indicators ────────────────────────────────────────────────────────────────────────────


def indicator_sentence(facts: list[Fact], lang: str) -> str:
    """「2024年度（令和6年度）の実績は685件（計画669件、達成率102.4%）」 for one indicator-year."""
    by = {f.field: f for f in facts}
    f0 = facts[0]
    unit = f0.unit if f0.field != "rate" else next((f.unit for f in facts if f.field != "rate"), "")
    actual, plan, r, ch = by.get("actual"), by.get("plan"), by.get("rate"), by.get("change")
    if lang == "en":
        parts = []
        if actual:
            parts.append(f"the actual was {num(actual.value)} {unit}")
        if plan:
            parts.append(f"the plan was {num(plan.value)} {unit}")
        if r:
            parts.append(f"{num(r.value)}% of plan")
        if ch:
            parts.append(f"a change of {signed(ch.value)} {unit} from the year before")
        return f"In {year_en(f0.fy)}, " + ", ".join(parts)
    head = year_ja(f0.fy) + "の"
    if actual:
        extra = [f"計画{num(plan.value, unit)}" if plan else "", f"達成率{num(r.value)}%" if r else ""]
        extra = [e for e in extra if e]
        s = f"{head}実績は{num(actual.value, unit)}" + (f"（{'、'.join(extra)}）" if extra else "")
    elif plan:
        s = f"{head}計画は{num(plan.value, unit)}"
    else:
        s = head + "値"
    if ch:
        s += f"、前年度から{signed(ch.value, unit)}"
    return s


def indicator_answer(project: str | None, label: str, name: str | None, facts: list[Fact], lang: str) -> str:
    years = sorted({f.fy for f in facts if f.fy is not None})
    sentences = [indicator_sentence([f for f in facts if f.fy == fy], lang) for fy in years]
    if lang == "en":
        return f"{project}: {label} 「{name}」 — " + "; ".join(sentences) + "."
    return f"{project}の{label}「{name}」は、" + "。".join(sentences) + "です。"


def trend_answer(project: str | None, label: str, name: str | None, facts: list[Fact], lang: str) -> str:
    years = sorted({f.fy for f in facts if f.fy is not None})
    rows = []
    for fy in years:
        by = {f.field: f for f in facts if f.fy == fy}
        unit = next((f.unit for f in facts if f.field in ("plan", "actual")), "")
        a, p = by.get("actual"), by.get("plan")
        if lang == "en":
            rows.append(f"FY{fy}: actual {num(a.value if a else None)} / plan {num(p.value if p else None)} {unit}")
        else:
            rows.append(f"{fy}年度 実績{num(a.value if a else None, unit)}・計画{num(p.value if p else None, unit)}")
    if lang == "en":
        return f"{project}: {label} 「{name}」 over the years — " + "; ".join(rows) + "."
    return f"{project}の{label}「{name}」の推移：" + "、".join(rows) + "。"


# ── costs ─────────────────────────────────────────────────────────────────────────────────


def cost_answer(project: str | None, facts: list[Fact], lang: str) -> str:
    years = sorted({f.fy for f in facts if f.fy is not None})
    out = []
    for fy in years:
        parts = []
        for f in (x for x in facts if x.fy == fy):
            if f.field.endswith("_change"):
                base = f.field.removesuffix("_change")
                parts.append(
                    f"change from the year before {signed(f.value, ' ' + f.unit)}" if lang == "en"
                    else f"前年度から{signed(f.value, f.unit)}"  # type: ignore[arg-type]
                )
                del base
            elif lang == "en":
                parts.append(f"{COST_EN.get(f.field, f.field)} {num(f.value)} {f.unit}")
            else:
                parts.append(f"{f.row}は{num(f.value, f.unit)}")
        out.append((f"{year_en(fy)}: " if lang == "en" else f"{year_ja(fy)}の") + ("; " if lang == "en" else "、").join(parts))
    if lang == "en":
        return f"{project} — " + ". ".join(out) + "."
    return f"{project}の" + "。".join(out) + "です。"


# ── quotes ────────────────────────────────────────────────────────────────────────────────

_SENTENCE = re.compile(r"[^。\n]+(?:。|$)|[^\n]+", re.M)


def sentences(text: str) -> list[str]:
    """Sentences and list items of a section, each a verbatim substring of it."""
    return [m.group(0).strip() for m in _SENTENCE.finditer(text) if m.group(0).strip()]


def _within_cap(scored: list[tuple[float, int, str]], cap: int) -> list[str]:
    """The best-scored sentences that fit in ``cap`` characters, back in the sheet's order."""
    chosen: list[tuple[int, str]] = []
    used = 0
    for _, i, s in sorted(scored, reverse=True):
        if used and used + len(s) > cap:
            continue
        chosen.append((i, s[:cap]))
        used += len(s)
        if used >= cap * 0.8:
            break
    return [s for _, s in sorted(chosen)]


def best_sentences(text: str, question: str, cap: int, prefer: tuple[str, ...] = ()) -> list[str]:
    """The sentences that best answer the question, in the order the sheet has them, within ``cap``
    characters. ``prefer`` words (ため, による, 増加 …) lift sentences that give reasons."""
    sents = sentences(text)
    if not sents:
        return []
    qb = bigrams(question)
    scored = []
    for i, s in enumerate(sents):
        overlap = len(qb & bigrams(s)) / (len(qb) or 1)
        bonus = 0.3 * sum(1 for w in prefer if w in s)
        scored.append((overlap + bonus - 0.02 * i, i, s))
    return _within_cap(scored, cap)


def summary_sentences(text: str, question: str, cap: int, prefer: tuple[str, ...] = ()) -> list[str]:
    """A summary is the section's substance: full sentences (headings like 「(1) 具体的なカイゼン策」
    skipped), earlier ones first, with figures and named items preferred, within ``cap``."""
    sents = [s for s in sentences(text) if len(s) >= 12 and not re.fullmatch(r"[(（]?\d+[)）]\s*\S{0,16}", s)]
    if not sents:
        return best_sentences(text, question, cap, prefer)
    qb = bigrams(question)
    scored = []
    for i, s in enumerate(sents):
        substance = 0.2 * bool(re.search(r"\d", s)) + 0.2 * ("「" in s) + min(len(s), 80) / 400
        overlap = len(qb & bigrams(s)) / (len(qb) or 1)
        scored.append((overlap + substance - 0.05 * i, i, s))
    return _within_cap(scored, cap)


def quote_answer(project: str | None, citations: list[Citation], lang: str, lead: str = "") -> str:
    blocks = []
    for c in citations:
        blocks.append(f"{c.section}より：「{c.quote}」" if lang == "ja" else f"From {c.section}: 「{c.quote}」")
    head = lead or (f"{project}について、シートには次のように書かれています。" if lang == "ja"
                    else f"For {project}, the sheet says:")
    return head + "\n" + "\n".join(blocks)


def section_label(key: str) -> str:
    return SECTION_LABELS.get(key, key)


def decline(lang: str, holds: str) -> str:
    if lang == "en":
        return f"The sheets do not hold the answer to this question. What they do hold: {holds}"
    return f"登録されているシートには、この質問に答える記載が見つかりませんでした。シートにあるのは{holds}です。"
