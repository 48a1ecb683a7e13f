"""A question of several parts, each about its own year and its own thing.

「喜久田の除雪、R7実施分の評価結果と、R8の総事業費の見込みを教えて」 asks two questions: the R7
evaluation, and the R8 total cost. Read as one, every year applies to everything asked (the R8
evaluation, which no sheet has). :func:`parts_of` cuts such a question where its clauses change
both year and subject; the assistant asks them in turn, each later part as a follow-up of the ones
before (so 「R8の総事業費」 keeps the project the first part named), and joins the answers
(:func:`join`). A clause with neither a year nor a subject (「上下水道局長です。」) belongs to
the next one. Questions whose clauses share a subject (「R5の実績と、R6の計画は？」) stay whole:
one row over several years is what the figure answers already do.
"""

from __future__ import annotations

import re

from assistant.answer import Answer
from assistant.understand import Frame, understand

# where a clause may end: 「…と、」「、それと」「、あと」 and the ends of sentences
_CUT = re.compile(r"(?:と、|、\s*(?:それと|あと|それから|また)|[。？?！!])\s*")


def _subject(f: Frame) -> frozenset[str]:
    """What a clause asks about, coarsely: the evaluation, rows, money, sections."""
    out: set[str] = set()
    if f.evals or f.results or f.stages:
        out.add("evaluation")
    out |= {f"row:{r}" for r in f.rows}
    if f.money and not f.rows:
        out.add("money")
    out |= {f"section:{s}" for s in f.sections}
    if f.kind:
        out.add(f"kind:{f.kind}")
    return frozenset(out)


def parts_of(question: str) -> list[str] | None:
    """The question's parts when it asks different things of different years, else None."""
    pieces = [p.strip() for p in _CUT.split(question) if p and p.strip()]
    if len(pieces) < 2:
        return None
    parts: list[str] = []
    frames: list[Frame] = []
    carry = ""
    for piece in pieces:
        f = understand(carry + piece)
        if not f.years and not _subject(f):
            carry += piece + "。"  # a preamble: it belongs to what follows
            continue
        parts.append(carry + piece)
        frames.append(f)
        carry = ""
    if carry and parts:
        parts[-1] += "。" + carry.rstrip("。")
    if len(parts) < 2 or len(parts) > 3:
        return None
    subjects = [_subject(f) for f in frames]
    if not all(f.years for f in frames) or not all(subjects):
        return None
    if len({tuple(f.years) for f in frames}) < len(frames) or len(set(subjects)) < len(frames):
        return None
    return parts


def join(question: str, answers: list[Answer]) -> Answer:
    """One answer of the parts' answers, in the order asked."""
    return Answer(
        question=question,
        answer="\n".join(a.answer for a in answers),
        answerable=any(a.answerable for a in answers),
        facts=[x for a in answers for x in a.facts],
        citations=[c for a in answers for c in a.citations],
        mode="llm" if all(a.mode == "llm" for a in answers) else "extractive",
        intent=answers[0].intent,
        sheet_ids=list(dict.fromkeys(i for a in answers for i in a.sheet_ids)),
        choices=next((a.choices for a in answers if a.choices), []),
    )
