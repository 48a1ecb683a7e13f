"""The claim guard: what an LLM answer asserts, checked against the facts it was given.

The figure guard (:func:`assistant.llm.guard`) rejects a number the facts do not hold. An answer
can also be false without a new number: 「計画を達成した」 for 57,356 of a 70,000 plan, 「増加した」 for
a decrease, a reason given for 事業費 that the sheet gives for 人件費, a year or a project the facts
never mention. This module reads such claims sentence by sentence and says which contradict the
facts. A contradiction sends the answer back to the extractive one, exactly as an invented number
does.

It also holds the checks for an LLM *summary*: shorter than what it summarises, every sentence
supported by the quoted text, plain text (no Markdown), Japanese script only (no
simplified-Chinese forms such as 窗 for 窓).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from assistant.answer import Citation, Fact, Number
from assistant.lexicon import lexicon
from assistant.measures import met
from ingest.normalize import find_fiscal_years, nfkc

# ── verdicts and directions as a sentence states them ──────────────────────────────────────

_MET = re.compile(r"(計画|目標)[をに]?(達成|上回|クリア)(?![率度])|達成し|達成でき|上回っ|上回り|届いた|届いて|超えた|met (?:its|the)|"
                  r"exceeded|achieved|hit (?:its|the) (?:target|plan)|above (?:the )?(?:plan|target)|on target")
_MISSED = re.compile(r"未達|届か|届きません|届いていない|下回|達成でき(?:なかった|ず|ていない)|達成して(?:いない|おらず)|達成せず|不足|"
                     r"fell short|fall short|missed|below (?:the )?(?:plan|target)|did not (?:meet|reach|achieve)|"
                     r"didn't (?:meet|reach|achieve)|not (?:met|achieved|reached)|short of")
_UP = re.compile(r"増加|増え|伸び|上昇|増額|上がっ|多くなっ|膨らん|\bincreas|\brose\b|\brise\b|\bgrew\b|\bgrowth\b|went up|"
                 r"\bhigher than\b")
_DOWN = re.compile(r"減少|減っ|減り|低下|減額|下がっ|少なくなっ|縮小|\bdecreas|\bfell\b(?! short)|\bfall\b(?! short)|\bdropp?ed\b|\bdeclin|"
                   r"went down|\blower than\b")
_YES = re.compile(r"^(はい|ええ|yes\b)", re.I)
_NO = re.compile(r"^(いいえ|いえ|no\b)", re.I)
# A project name as an answer writes it: the run of kanji, katakana, Latin letters and digits that
# ends in 事業. Hiragana and particles end the run, so 「水道局の事業」「これらの事業」「引き続き事業」
# 「が一番高い事業」 name no project (a name spelled with hiragana is not checked at all).
_PROJECT = re.compile(r"(?<![一-龥々〆ァ-ヶーA-Za-z0-9])([一-龥々〆ァ-ヶーA-Za-z0-9]{2,30}事業)(?![費所者])")
_SENTENCE = re.compile(r"[^。\n!?！？]+[。!?！？]?")
_MARKDOWN = re.compile(r"\*\*|__|^#{1,6}\s|^\s*[-*+]\s|^\s*\d+[.)]\s|`", re.M)

# Simplified-Chinese forms that Japanese never writes (their Japanese forms in the comment).
SIMPLIFIED = frozenset(
    "们这说为发书长门问时对计划项经费进业窗况实现务报设构续绩标达总额预结评价应请关东车动"
    "让认识该谁调谈论讲译试详语误轮转连选还远运过迟边铁钱银错间闻开际陆难电"
    "务劳势华单卖卫厅历压县变吗启员响团围图圆场坏块坚坛执扩扫护拥择换损"
    "环产亲虑记讨议访证诉词诗话诸读课谊谋谢谨谱贝负贡财责贤"
    "败货质贩贪贫购贯贴贵贺贸资赋赏赔赖赞赠赢轨轩软轰轻载辅辆辈辉输迁违"
) - frozenset("与数参双叙据辞随")  # forms Japanese writes too stay out

NUMBER_GUARD_FIELDS = ("plan", "actual")
# The values whose year-to-year movement a direction (増加/減少) describes: an indicator's actual and
# the cost rows (a plan's movement is no 増加 of the row).
SERIES_FIELDS = frozenset({"actual", "project_cost", "personnel_cost", "total_cost", "national_prefectural",
                           "municipal_bonds", "user_charges", "other_revenue", "general_revenue",
                           "unit_cost_total", "unit_cost_general", "unit_cost"})


@dataclass(frozen=True)
class Contradiction:
    sentence: str
    why: str


@dataclass
class ClaimResult:
    contradictions: list[Contradiction] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.contradictions


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


@dataclass
class _Row:
    """What the facts say about one row (an indicator or a cost row): names, years, verdicts, changes."""

    names: set[str] = field(default_factory=set)
    met: dict[int, bool] = field(default_factory=dict)  # fy → plan met
    change: dict[int, float] = field(default_factory=dict)  # fy → change from the year before
    series: dict[int, float] = field(default_factory=dict)  # fy → the row's actual (or cost) value

    def changes(self) -> dict[int, float]:
        """fy → change from the year before: the computed ones, else read off the yearly values."""
        if self.change:
            return self.change
        years = sorted(self.series)
        return {b: self.series[b] - self.series[a] for a, b in pairwise(years) if b == a + 1}


def _rows(facts: Sequence[Fact]) -> dict[tuple[str | None, str], _Row]:
    """Facts grouped by (project, row)."""
    rows: dict[tuple[str | None, str], _Row] = {}
    pairs: dict[tuple[str | None, str, int], dict[str, Number | None]] = {}  # → plan, actual
    names: dict[tuple[str | None, str, int], str | None] = {}  # → the indicator's name
    for f in facts:
        if f.sheet_id == "*" or f.row is None:
            continue
        key = (f.project, f.row)
        r = rows.setdefault(key, _Row())
        for name in (f.row, f.indicator):
            if name:
                r.names.add(nfkc(name))
        if f.fy is not None and f.field in NUMBER_GUARD_FIELDS:
            names.setdefault((f.project, f.row, f.fy), f.indicator)
            pairs.setdefault((f.project, f.row, f.fy), {})[f.field] = f.value if isinstance(f.value, int | float) else None
        if f.fy is not None and f.computed and (f.field == "change" or f.field.endswith("_change")) \
                and isinstance(f.value, int | float):
            r.change[f.fy] = float(f.value)
        elif f.fy is not None and not f.computed and isinstance(f.value, int | float) and f.field in SERIES_FIELDS:
            r.series[f.fy] = float(f.value)
    for (project, row, fy), v in pairs.items():
        ok = met(v.get("actual"), v.get("plan"), names[(project, row, fy)])
        if ok is not None:
            rows[(project, row)].met[fy] = ok
    return rows


def _about(sentence: str, rows: dict[tuple[str | None, str], _Row]) -> list[_Row]:
    """The rows a sentence names (by indicator name or row label); all rows when it names none."""
    s = nfkc(sentence)
    named = [r for r in rows.values() if any(n and n in s for n in r.names)]
    return named or list(rows.values())


def _years(sentence: str) -> set[int]:
    return {m.fy for m in find_fiscal_years(nfkc(sentence))} | {int(y) for y in re.findall(r"FY\s?((?:19|20)\d{2})", sentence)}


def check_claims(text: str, facts: Sequence[Fact], question: str = "",
                 citations: Sequence[Citation] = (), said: str = "") -> ClaimResult:
    """Contradictions between what ``text`` asserts and what ``facts`` hold.

    A verdict (達成/未達, a はい/いいえ to a verdict question) or a direction (増加/減少) must also
    have something to stand on: a plan and actual, a change or yearly values in the facts, or a
    quote (or ``said``, the extractive answer) that says as much. With none of them the claim is
    unsupported and counts as a contradiction (「はい、計画を達成した」 over facts that hold no plan).

    The sheet's own words are no claim of the model's: a 「…」 span or a whole sentence found verbatim
    in a quote, a fact's text value (一次評価「縮小」) or ``said`` is not checked, and the years and
    project names the quotes and ``said`` write are allowed like the facts' own.
    """
    out = ClaimResult()
    rows = _rows(facts)
    sources = [nfkc(c.quote) for c in citations] + [nfkc(str(f.value)) for f in facts if isinstance(f.value, str)]
    sources += [nfkc(said)] if said else []
    evidence = [x for src in [nfkc(c.quote) for c in citations] + [nfkc(said)] for x in sentences(src)]
    projects = {nfkc(f.project) for f in facts if f.project} | {nfkc(c.project) for c in citations if c.project}
    projects |= {m.group(1) for src in evidence for m in _PROJECT.finditer(src)}
    fact_years = {f.fy for f in facts if f.fy is not None}
    allowed_years = fact_years | _question_years(question) | {y for src in evidence for y in _years(src)}
    for i, sent in enumerate(sentences(text)):
        s = _own_words(nfkc(sent), sources)
        if not s.strip(" 。.、,"):
            continue
        years = _years(s)
        about = _about(s, rows)
        # verdicts: 達成した / 届かなかった
        says_met, says_missed = bool(_MET.search(s)), bool(_MISSED.search(s))
        if i == 0 and (says_met or says_missed) is False:
            says_met, says_missed = bool(_YES.search(s)) and _asks_verdict(question), bool(_NO.search(s)) and _asks_verdict(question)
        if says_met != says_missed:
            verdicts = [ok for r in about for fy, ok in r.met.items() if not years or fy in years]
            if verdicts and all(ok != says_met for ok in verdicts):
                out.contradictions.append(Contradiction(sent, "達成" if says_met else "未達"))
            elif not any(r.met for r in rows.values()) and not _quoted(evidence, _MET if says_met else _MISSED):
                out.contradictions.append(Contradiction(sent, "根拠のない" + ("達成" if says_met else "未達")))
        # directions: 増加した / 減少した
        up, down = bool(_UP.search(s)), bool(_DOWN.search(s))
        if up != down:
            changes = [d for r in about for fy, d in r.changes().items() if (not years or fy in years) and d != 0]
            if changes and all((d > 0) != up for d in changes):
                out.contradictions.append(Contradiction(sent, "増加" if up else "減少"))
            elif not any(r.changes() for r in rows.values()) and not _quoted(evidence, _UP if up else _DOWN):
                out.contradictions.append(Contradiction(sent, "根拠のない" + ("増加" if up else "減少")))
        # projects and years the facts never mention
        for m in _PROJECT.finditer(s):
            name = m.group(1)
            if projects and not any(name in p or p in name for p in projects) and len(name) > 4:
                out.contradictions.append(Contradiction(sent, f"事業「{name}」"))
        if fact_years:
            strays = {y for y in years if y not in allowed_years and str(y) not in question}
            if strays:
                out.contradictions.append(Contradiction(sent, f"年度 {sorted(strays)}"))
    return out


def _own_words(sentence: str, sources: Sequence[str]) -> str:
    """The sentence without what it repeats verbatim: the whole of it, or a 「…」 span (nested
    quotes and all), found in one of ``sources`` (NFKC text) is the sheet's, not the model's."""
    core = sentence.strip().rstrip("。.")
    if len(core) >= 8 and any(core in src for src in sources):
        return ""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(sentence):
        if ch == "「":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "」" and depth:
            depth -= 1
            if depth == 0:
                inner = sentence[start + 1:i]
                if not (inner and any(inner in src for src in sources)):
                    out.append(sentence[start:i + 1])
        elif depth == 0:
            out.append(ch)
    if depth:  # an unclosed quote: keep the rest as written
        out.append(sentence[start:])
    return "".join(out)


def _quoted(quoted: list[str], claim: re.Pattern[str]) -> bool:
    """A quoted sentence says the same (the model may repeat what the sheet itself concludes)."""
    return any(claim.search(q) for q in quoted)


def _asks_verdict(question: str) -> bool:
    return bool(re.search(r"達成|届い|届か|クリア|上回|下回|meet|met|achiev|reach", nfkc(question), re.I))


def _question_years(question: str) -> set[int]:
    return _years(question) if question else set()


def reason_fits(text: str, citations: Sequence[Citation], facts: Sequence[Fact]) -> ClaimResult:
    """A reason the model attaches to a row must be one the sheet gives for that row: 「事業費が増えたのは
    …業務量の増加」 where the sheet says it of 人件費 is a contradiction."""
    out = ClaimResult()
    labels = [row.label for row in lexicon().rows.values()] + ["事業費", "人件費"]
    blocks = {}
    for c in citations:
        for part in re.split(r"(?=【[^】]{1,12}】)", c.quote):
            m = re.match(r"【([^】]{1,12})】", part)
            if m:
                blocks[m.group(1)] = nfkc(part)
    if not blocks:
        return out
    for sent in sentences(text):
        s = nfkc(sent)
        rows = [lab for lab in labels if lab in s]
        if len(set(rows)) != 1:
            continue
        row = rows[0]
        for label, body in blocks.items():
            if label == row:
                continue
            words = [w for w in re.findall(r"[一-龥ァ-ヶー]{3,}", body) if w not in labels]
            own = blocks.get(row, "")
            if sum(1 for w in words if w in s and w not in own) >= 2:
                out.contradictions.append(Contradiction(sent, f"{label}の理由を{row}に"))
                break
    return out


# ── summaries ──────────────────────────────────────────────────────────────────────────────


def summary_problems(text: str, citations: Sequence[Citation], source_chars: int, ratio: float = 0.9,
                     support: float = 0.35, said: str = "") -> list[str]:
    """Why an LLM summary (or any text answer) cannot be shown: longer than ``ratio`` of the
    ``source_chars`` it summarises (0: no length limit), Markdown, simplified-Chinese forms, or a
    sentence the quoted text (and ``said``, the extractive answer's framing) does not support: the
    share of its character bigrams found there."""
    problems = []
    if source_chars and len(text) > ratio * source_chars:
        problems.append(f"longer than {ratio:.0%} of the source ({len(text)} / {source_chars} characters)")
    if _MARKDOWN.search(text):
        problems.append("Markdown")
    bad = sorted({ch for ch in text if ch in SIMPLIFIED})
    if bad:
        problems.append("simplified-Chinese forms: " + "".join(bad))
    source = nfkc("\n".join([c.quote for c in citations] + [said]))
    grams = {source[i:i + 2] for i in range(len(source) - 1)}
    for sent in sentences(text):
        s = re.sub(r"[\s、。,.「」]", "", nfkc(sent))
        own = [s[i:i + 2] for i in range(len(s) - 1)]
        if len(own) >= 6 and sum(1 for g in own if g in grams) / len(own) < support:
            problems.append(f"unsupported: {sent[:40]}")
    return problems


def strip_markdown(text: str) -> str:
    """Markdown emphasis and list marks out, for a plain-text chat."""
    text = text.replace("**", "").replace("__", "").replace("`", "")
    text = re.sub(r"^#{1,6}\s*", "", text, flags=re.M)
    return re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", text, flags=re.M)
