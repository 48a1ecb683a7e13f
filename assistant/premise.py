"""A question that states what it asks and wants it confirmed: 「R6の総事業費って7,300万円だったよね？」
「H27は研修会を10回開催したんですよね？」「二次評価で縮小になったんですよね？」.

The answer's figures and results are what the sheet says; :func:`check` compares the question's
stated figures (in its units: 万円 and 円 read as the sheet's 千円) and stated results with them, and
says plainly when the sheet says otherwise. An answer that only restates the sheet would let a
wrong premise stand; one that declines would hide what the sheet does say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from assistant.answer import Fact
from assistant.understand import MONEY_SCALE, Frame

# 「…だったよね？」「…んでしょ？」「…ですよね」 "…, right?"
_CONFIRM = re.compile(r"(よね|でしょ|だっけ|でしたっけ|ましたっけ|じゃなかった|ではなかった|んだよね|ですね)\s*[?？!！。]*\s*$|"
                      r"(,\s*right|,\s*correct|isn't it|wasn't it|didn't (?:it|they)|weren't they|wasn't that)\s*\??\s*$")
_STATED = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(億|千万|百万|万)?\s*(千円|円|件|回|人|%|％|ポイント|施設|団体|校|世帯|t|km|箇所|か所)"
                     r"(?![a-z])")  # ("2023 to 2024", "3 times": no tonnes)
_COUNT_SCALE = {"億": Decimal(10**8), "千万": Decimal(10**7), "百万": Decimal(10**6), "万": Decimal(10**4)}
_OF_PLAN = re.compile(r"(計画|目標|予算|見込み?)(値|額)?(は|が|で|の)?\s*$")
_YEN_UNITS = ("千円", "円")


@dataclass(frozen=True)
class Stated:
    value: Decimal  # in the sheet's unit (千円 for money)
    unit: str
    text: str
    of_plan: bool  # 「計画は4回」: a plan's figure; otherwise what was done or spent
    slack: Decimal  # half the step the question wrote it in: 「6,667万円」 is 66,665–66,675千円


def stated(frame: Frame) -> list[Stated]:
    """The figures a question states, each in the unit the sheet prints it in."""
    out = []
    for m in _STATED.finditer(frame.norm):
        digits, scale, unit = m.group(1).replace(",", ""), m.group(2), m.group(3)
        value = Decimal(digits)
        step = Decimal(1).scaleb(-len(digits.partition(".")[2]))  # 65.1 → 0.1
        if unit in _YEN_UNITS:
            factor = MONEY_SCALE[scale] if scale else Decimal(1) if unit == "千円" else Decimal("0.001")
            value, step = value * factor, max(step * factor, Decimal(1))
            unit = "千円"
        elif scale:
            value, step = value * _COUNT_SCALE[scale], step * _COUNT_SCALE[scale]
        of_plan = bool(_OF_PLAN.search(frame.norm[max(0, m.start() - 8):m.start()]))
        out.append(Stated(value, "%" if unit in ("%", "％") else unit, m.group(0), of_plan, step / 2))
    return out


def _matches(s: Stated, facts: list[Fact]) -> bool | None:
    """True: a fact of that unit has the stated value; False: facts of that unit, none of them it;
    None: the answer states nothing in that unit."""
    same = [x for x in facts if isinstance(x.value, int | float) and not isinstance(x.value, bool)
            and (x.unit or "") == s.unit and x.field not in ("target_fy", "evaluation_fy", "count", "threshold")
            and (x.field == "plan") == s.of_plan]
    if not same:
        return None
    return any(abs(Decimal(str(x.value)) - s.value) <= s.slack for x in same)


def check(frame: Frame, facts: list[Fact]) -> str | None:
    """A line saying the sheet does not give what a confirming question took for granted, or None."""
    if not _CONFIRM.search(frame.norm):
        return None
    wrong = [s for s in stated(frame) if _matches(s, facts) is False]
    results = {str(x.value) for x in facts if x.field == "result"}
    wrong_results = [r for r in frame.results if results and r not in results]
    if not wrong and not wrong_results:
        return None
    # (the question's own figure is not repeated: every number an answer prints is one the sheet gives)
    said = "・".join((["数値"] if wrong else []) + [f"「{r}」" for r in wrong_results])
    if frame.lang == "ja":
        return f"ご質問の{said}は、シートの記載と一致しません。シートでは次のとおりです。"
    what = " and ".join((["the figure"] if wrong else []) + [f"「{r}」" for r in wrong_results])
    return f"The sheet does not give {what} the question states; it says:"
