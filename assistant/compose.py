"""Answer text from facts and quotes, with no model: every figure with its unit and year, the
project named, quotes verbatim and capped, the section named."""

from __future__ import annotations

import re

from assistant.answer import Citation, Number
from assistant.resolve import bigrams
from ingest.normalize import era_label
from ingest.normalize import format_number as fmt
from ingest.vocabulary import SECTION_LABELS
from ingest.vocabulary import row_label as _row_label


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


# ── figures ───────────────────────────────────────────────────────────────────────────────


def row_label(field: str, lang: str = "ja") -> str:
    """A cost row as answers name it: 総事業費 / total cost (ingest/vocabulary.py)."""
    return _row_label(field, lang)


def pct(v: float | None) -> str:
    return "―" if v is None else f"{fmt(v)}%"


def signed_pct(v: float | None) -> str:
    if v is None:
        return ""
    return f"{'+' if v > 0 else ''}{fmt(v) if v >= 0 else '−' + fmt(-v)}%"


def indicator_cell(fy: int, plan: Number | None, actual: Number | None, r: float | None, unit: str,
                   verdict: bool | None, keep_down: bool, lang: str, pending: bool = True) -> str:
    """「2024年度（令和6年度）は実績316,799件（計画300,000件、達成率105.6%、計画を達成）」"""
    if lang == "en":
        bits = []
        if actual is not None:
            bits.append(f"actual {num(actual)} {unit}".rstrip())
        if plan is not None:
            bits.append(f"plan {num(plan)} {unit}".rstrip())
        if r is not None:
            bits.append(f"{num(r)}% of plan")
        return f"FY{fy}: " + ", ".join(bits)
    extra = []
    if plan is not None and actual is not None:
        extra.append(f"計画{num(plan, unit)}")
    if r is not None:
        extra.append(f"達成率{num(r)}%")
    if actual is not None:
        return f"{year_ja(fy)}は実績{num(actual, unit)}" + (f"（{'、'.join(extra)}）" if extra else "")
    if plan is None:
        return f"{year_ja(fy)}は記載なし"
    # ``pending``: no actual yet (a plan year); else the plan alone was asked
    return f"{year_ja(fy)}は計画{num(plan, unit)}" + ("（実績はまだありません）" if pending else "")


def verdict_line(name: str, fy: int, met: bool, keep_down: bool, lang: str, beat: bool = False) -> str:
    """Whether the plan was met, as a sentence of its own: 「2024年度（令和6年度）は計画を達成しました。」
    (``beat``: the actual went past the plan, "did it beat the plan?" answered in its own words)."""
    if lang == "en":
        if met:
            return (f"In FY{fy}, {name} met its plan{' (stayed within the ceiling)' if keep_down else ''}"
                    + (" — yes, it exceeded the plan." if beat else "."))
        return f"In FY{fy}, {name} fell short of its plan{' (went over the ceiling)' if keep_down else ''}: not achieved."
    if met:
        return f"{year_ja(fy)}の{name}は計画を達成しました" + ("（上限以下に抑えました）。" if keep_down else "。")
    return f"{year_ja(fy)}の{name}は計画に届きませんでした（未達成{'：上限を超えました' if keep_down else ''}）。"


def cost_cell(fy: int, value: Number | None, unit: str, planned: bool, lang: str, basis: str = "") -> str:
    """One year of a cost row; ``basis``: the column it is of where that needs saying (予算, 決算)."""
    if lang == "en":
        said = {"予算": " (budget)", "決算": " (settled)"}.get(basis, " (plan)" if planned else "")
        return f"FY{fy}{said}: {num(value)} {unit}"
    return f"{year_ja(fy)}{f'（{basis}）' if basis else '（計画）' if planned else ''}は{num(value, unit)}"


def join_cells(head: str, cells: list[str], lang: str) -> str:
    if lang == "en":
        return f"{head}: " + "; ".join(cells) + "."
    if len(cells) == 1:
        return f"{head}は、{cells[0]}です。"
    return f"{head}は、" + "、".join(cells) + "です。"


def share_line(name: str, share: float, fy: int, of: str, lang: str) -> str:
    if lang == "en":
        return f"In FY{fy}, {name} is {num(share)}% of the {of}."
    return f"{year_ja(fy)}の{name}は{of}の{num(share)}%を占めます。"


def change_line(name: str, y0: int, y1: int, d: Number | None, g: float | None, unit: str, lang: str,
                asserted: str | None = None) -> str:
    """「2023年度から2024年度に+11,365千円（+29.0%）増えました」, and whether the question's premise holds."""
    if d is None:
        return ""
    unit = diff_unit(unit, lang)
    way = "増えました" if d > 0 else "減りました" if d < 0 else "変わっていません"
    if lang == "en":
        way_en = "rose" if d > 0 else "fell" if d < 0 else "did not change"
        text = f"From FY{y0} to FY{y1}, {name} {way_en} by {num(abs(d))} {unit}".rstrip()
        text += f" ({signed_pct(g)})." if g is not None else "."
        if asserted and ((asserted == "up") != (d > 0)) and d != 0:
            text += f" Note: it {'decreased' if d < 0 else 'increased'}, not the other way round."
        return text
    text = f"{year_ja(y0)}から{year_ja(y1)}にかけて{name}は{signed(d, unit)}"
    text += f"（{signed_pct(g)}）" if g is not None else ""
    text += f"で、{num(abs(d), unit)}{way}。" if d != 0 else "で、変わっていません。"
    if asserted and d != 0 and (asserted == "up") != (d > 0):
        text += f"（ご質問とは逆に{'減少' if d < 0 else '増加'}しています。）"
    return text


def diff_unit(unit: str, lang: str = "ja") -> str:
    """The unit of a difference: a rate's is in points (15.6% → 13% is −2.6ポイント, not −2.6%)."""
    if unit in ("%", "％"):
        return "ポイント" if lang == "ja" else "points"
    return unit


def step(a: int, b: int, d: Number | None, g: float | None, unit: str, lang: str) -> str:
    unit = diff_unit(unit, lang)
    if lang == "en":
        return f"FY{a}→FY{b} {signed(d, ' ' + unit) if d is not None else '―'}" + (f" ({signed_pct(g)})" if g is not None else "")
    return f"{a}→{b}年度 {signed(d, unit) if d is not None else '―'}" + (f"（{signed_pct(g)}）" if g is not None else "")


def best_year(name: str, fy: int, v: Number, unit: str, lowest: bool, lang: str) -> str:
    if lang == "en":
        return f"The {'lowest' if lowest else 'highest'} {name} was in FY{fy}: {num(v)} {unit}."
    return f"{name}が最も{'少ない' if lowest else '多い'}のは{year_ja(fy)}の{num(v, unit)}です。"


_SIDE_EN = {"under": "fell short of", "over": "met", "exact": "exactly equalled"}
_SIDE_JA = {"under": "計画に届かなかった", "over": "計画を達成した", "exact": "計画値と同じだった"}


def missed_years(name: str, years: list[int], side: str, lang: str) -> str:
    """The years in which a row fell short of (``under``), met (``over``) or equalled (``exact``) its plan."""
    if lang == "en":
        what = _SIDE_EN[side]
        return (f"Years in which {name} {what} its plan: " + ", ".join(f"FY{y}" for y in years) + "."
                if years else f"No year in which {name} {what} its plan.")
    what = _SIDE_JA[side]
    return (f"{name}が{what}のは" + "、".join(year_ja(y) for y in years) + "です。" if years
            else f"{name}が{what}年度はありません。")


def no_actual_yet(years: list[int], lang: str) -> str:
    if lang == "en":
        return "No actual is reported yet for " + ", ".join(f"FY{y}" for y in years) + " (plans only)."
    return "・".join(year_ja(y) for y in years) + "の実績はまだシートにありません（計画のみ）。"


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


def _content_grams(text: str) -> set[str]:
    """Character bigrams of the kanji/katakana/Latin runs: what a sentence is about."""
    runs = re.findall(r"[一-龥ァ-ヶーA-Za-z0-9０-９]{2,}", text)
    return {r[i:i + 2] for r in runs for i in range(len(r) - 1)}


def summary_sentences(text: str, question: str, cap: int, prefer: tuple[str, ...] = ()) -> list[str]:
    """A summary: the sentences that together cover most of the section's content (greedy
    coverage of its content bigrams), shorter than the section, in the sheet's order. Headings
    such as 「(1) 具体的なカイゼン策」 are skipped."""
    sents = [s for s in sentences(text) if len(s) >= 12 and not re.fullmatch(r"[(（]?\d+[)）]\s*\S{0,16}", s)]
    if not sents:
        return best_sentences(text, question, cap, prefer)
    budget = min(cap, max(120, int(len(text) * 0.6)))
    grams = [_content_grams(s) for s in sents]
    covered: set[str] = set()
    chosen: list[int] = []
    used = 0
    if len(sents) > 2 and len(sents[-1]) <= budget // 2:
        chosen.append(len(sents) - 1)  # a comment's last sentence is its conclusion (継続して実施する)
        covered |= grams[-1]  # (the conclusion is on top of the budget, not part of it)
    used = 0
    while True:
        best, gain = -1, 0.0
        for i, g in enumerate(grams):
            if i in chosen or (used and used + len(sents[i]) > budget):
                continue
            new = len(g - covered) / (len(sents[i]) ** 0.5) * (1.3 if re.search(r"\d|「", sents[i]) else 1.0)
            if new > gain:
                best, gain = i, new
        if best < 0 or gain <= 0:
            break
        chosen.append(best)
        covered |= grams[best]
        used += len(sents[best])
        if used >= budget * 0.9:
            break
    return [sents[i][:cap] for i in sorted(chosen)]


def cue_sentences(text: str, cues: tuple[str, ...], cap: int) -> list[str]:
    """Sentences stating a problem (課題, 必要がある, 一方で …), best first by cue count, within ``cap``."""
    scored = [(sum(1 for c in cues if c in s), i, s) for i, s in enumerate(sentences(text))]
    scored = [x for x in scored if x[0] > 0]
    return _within_cap([(float(n), i, s) for n, i, s in scored], cap) if scored else []


def reason_sentences(text: str, question: str, focus: list[str], cap: int, cues: tuple[str, ...]) -> list[str]:
    """The sentences that give a reason about the row asked: a 【事業費】 block for 事業費, a sentence
    naming the indicator; reason words (ため, による, 伴い …) lift a sentence."""
    blocks = re.split(r"(?=【[^】]{1,12}】)", text)
    if len(blocks) > 1 and focus:
        named = [b for b in blocks if any(b.startswith(f"【{w}") for w in focus)]
        if named:
            text = "\n".join(named)
    sents = sentences(text)
    if not sents:
        return []
    qb = bigrams(question)
    scored = []
    for i, s in enumerate(sents):
        overlap = len(qb & bigrams(s)) / (len(qb) or 1)
        about = 0.6 * sum(1 for w in focus if w and w in s)
        reason = 0.25 * min(2, sum(1 for c in cues if c in s))
        scored.append((overlap + about + reason - 0.01 * i, i, s))
    return _within_cap(scored, cap)


def quote_line(c: Citation, lang: str) -> str:
    return f"{c.section}より：「{c.quote}」" if lang == "ja" else f"From {c.section}: 「{c.quote}」"


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
