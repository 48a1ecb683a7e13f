"""The prose sections of an R7 sheet, written around the sheet's own figures.

The sentences come from the content bank (``data/prose.toml``, ``common.toml``, the theme's own
lines); this module picks them and fills in the figures, so an analysis quotes the very numbers
the sheet's table prints.
"""

from __future__ import annotations

import random

from eval.corpus.bank import (
    ACTIVITY_CLOSING,
    COMMENT_PROSE,
    COST_PROSE,
    GENERIC,
    INDICATOR_PROSE,
    KAIZEN_NEEDS,
    KAIZEN_PROSE,
    OUTCOME_CLOSING,
    PERSONNEL_DOWN,
    PERSONNEL_FLAT,
    PERSONNEL_UP,
    RESULT_CLOSING,
    THEMES,
    TIMING_ACTIONS,
)
from eval.corpus.figures import diff_unit, era_fw, fill, known, lower_is_better, with_unit
from eval.corpus.world import Timeline
from ingest.model import Cost, Evaluation, Indicator
from ingest.normalize import format_number

INDENT = "　"  # a comment's paragraphs start with a full-width space
BULLET = "・"


def achievement(ind: Indicator | None, t: int) -> float | None:
    """Actual over plan in year ``t`` (plan over actual when lower is better); None without both."""
    v = ind.value(t) if ind else None
    if ind is None or v is None or v.plan is None or v.actual is None:
        return None
    if lower_is_better(ind.name or ""):
        return (v.plan + 1) / (v.actual + 1)
    return v.actual / v.plan if v.plan else None


def indicator_sentence(rng: random.Random, ind: Indicator, t: int) -> str | None:
    """One sentence on an indicator's year-``t`` figures (plan, actual, the year before)."""
    cur, prev = ind.value(t), ind.value(t - 1)
    if cur is None or cur.actual is None:
        return None
    say = INDICATOR_PROSE
    n, u = known(ind.name), ind.unit or ""
    a, p = cur.actual, cur.plan
    a0 = prev.actual if prev else None
    A = with_unit(a, u)
    if p is None:
        return fill(say.actual_only, n=n, t=t, A=A)
    P = with_unit(p, u)
    up_word, down_word = say.rate_change if u == "%" else say.count_change
    options: list[str] = []
    if lower_is_better(n):
        options += [fill(s, n=n, t=t, A=A, P=P) for s in (say.lower_met if a <= p else say.lower_missed)]
        if a0 is not None and a0 != a:
            options.append(fill(say.lower_moved, n=n, A0=with_unit(a0, u), A=A,
                                word=up_word if a > a0 else down_word))
        return rng.choice(options)
    rate = f"{a / p * 100:.1f}" if p else None
    if a > p:
        D = diff_unit(a - p, u)
        options += [fill(s, n=n, t=t, A=A, P=P, D=D) for s in say.above]
        if rate:
            options.append(fill(say.above_rate, n=n, A=A, P=P, rate=rate))
    elif a == p:
        options += [fill(s, n=n, t=t, A=A) for s in say.on_plan]
    else:
        D = diff_unit(p - a, u)
        options += [fill(s, n=n, t=t, A=A, P=P, D=D) for s in say.below]
        if rate:
            options.append(fill(say.below_rate, n=n, A=A, P=P, rate=rate))
    if a0 is not None and a0 != a:
        word = up_word if a > a0 else down_word
        A0 = with_unit(a0, u)
        moved = say.moved_met if a >= p else say.moved_up_short if a > a0 else say.moved_down_short
        options.append(fill(moved, n=n, A0=A0, A=A, P=P, word=word))
    return rng.choice(options)


def _cues(ind: Indicator, t: int, last: int) -> list[str]:
    """Plain words for blank cells, as staff write them under the table."""
    out = []
    first = min((v.fy for v in ind.values if v.actual is not None), default=None)
    if first is not None and first > t - 2:
        out.append(fill(INDICATOR_PROSE.set_up_later, n=ind.name, t=first))
    if ind.kind != "target" and last == t + 3 and ind.value(t + 3) is None:
        out.append(fill(INDICATOR_PROSE.no_plan_yet, n=ind.name, t=t + 3))
    return out


def _analysis(rng: random.Random, inds: list[Indicator], t: int, last: int, closing: tuple[str, ...],
              slots: dict[str, str]) -> str:
    parts = []
    for ind in inds:
        s = indicator_sentence(rng, ind, t)
        if s:
            parts.append(s)
        parts += _cues(ind, t, last)
    parts.append(fill(rng.choice(closing), **slots))
    return "".join(parts)


def _split_amount(rng: random.Random, total: int, parts: int) -> list[int]:
    if parts <= 1 or total < parts * 10:
        return [total]
    cuts = sorted(rng.sample(range(1, total), parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total])]


def _cost_paragraphs(rng: random.Random, tl: Timeline, costs: list[Cost], t: int, focus: str) -> list[str]:
    say = COST_PROSE
    cur = next(c for c in costs if c.fy == t)
    prev = next(c for c in costs if c.fy == t - 1)
    cur_pe, prev_pe = known(cur.personnel_cost), known(prev.personnel_cost)
    d = cur_pe - prev_pe
    if d > max(300, prev_pe * 0.05):
        pers = rng.choice(PERSONNEL_UP)
    elif d < -max(300, prev_pe * 0.05):
        pers = rng.choice(PERSONNEL_DOWN)
    else:
        pers = rng.choice(PERSONNEL_FLAT)
    out = [say.personnel_heading, fill(pers, focus=focus, d=format_number(abs(d)))]
    cur_pc, prev_pc = known(cur.project_cost), known(prev.project_cost)
    diff = cur_pc - prev_pc
    items = rng.sample(tl.theme.items, min(3, len(tl.theme.items)))
    out.append(say.project_heading)
    if abs(diff) > prev_pc * 0.05 and abs(diff) >= 20:
        up, down = INDICATOR_PROSE.count_change
        cause = fill(say.raised if diff > 0 else say.cut, item=items[0])
        amounts = _split_amount(rng, int(abs(diff)), rng.choice((1, 2)))  # whole 千円
        out.append(fill(say.changed, d=format_number(abs(diff)), word=up if diff > 0 else down, cause=cause)
                   + (say.breakdown if len(amounts) > 1 else ""))
        if len(amounts) > 1:
            out += [fill(say.item, item=item, d=format_number(v)) for item, v in zip(items, amounts)]
    else:
        amounts = _split_amount(rng, int(cur_pc), rng.choice((2, 3)))  # whole 千円
        out.append(fill(say.steady, era=era_fw(t), d=format_number(cur_pc)))
        out += [fill(say.item, item=item, d=format_number(v)) for item, v in zip(items, amounts)]
    return out


def _kaizen(rng: random.Random, tl: Timeline, inds: list[Indicator], t: int) -> list[str]:
    say = KAIZEN_PROSE
    out = [say.measures]
    out += [BULLET + m for m in rng.sample(tl.theme.kaizen, rng.randint(2, min(4, len(tl.theme.kaizen))))]
    out.append(say.timing)
    months = sorted(rng.sample((6, 7, 8, 9, 10, 11, 12, 1, 2), rng.randint(2, 3)), key=lambda m: (m < 4, m))
    for m, action in zip(months, rng.sample(TIMING_ACTIONS, len(months))):
        d = rng.randint(1, 27)
        day = fill(rng.choice(say.days), d=d, d1=d + 1)
        out.append(fill(say.step, month=m, day=day, action=action))
    goal = next((i for i in inds if i.kind != "target" and i.value(t + 1)), None)
    if goal and rng.random() < 0.6:
        out.append(fill(say.goal, n=goal.name, P=with_unit(known(known(goal.value(t + 1)).plan), goal.unit or "")))
    out.append(say.needs)
    out.append(fill(say.need, need=rng.choice(KAIZEN_NEEDS)))
    others = sorted({p[1] for th in THEMES for p in th.places if p[1] != tl.section})
    out.append(fill(say.related, sections="、".join(rng.sample(others, rng.randint(1, 2)))))
    return out


def write_prose(rng: random.Random, tl: Timeline, t: int, inds: list[Indicator], costs: list[Cost],
                evaluations: list[Evaluation]) -> dict[str, list[str]]:
    """Every prose section of the sheet evaluating ``tl``'s year ``t``: key → logical lines."""
    th = tl.theme
    slots = {"s": tl.short, "benefit": rng.choice(th.benefit), "start": era_fw(tl.started)}
    focus = rng.choice(th.focus)

    def pick(key: str, extra: float) -> str:
        text = fill(rng.choice(getattr(th, key if key != "resident_needs" else "needs")), **slots)
        if key in GENERIC and rng.random() < extra:
            text += fill(rng.choice(GENERIC[key]), **slots)
        return text

    say = COMMENT_PROSE
    acts = [i for i in inds if i.kind == "activity"]
    outs = [i for i in inds if i.kind == "outcome"]
    target = next((i for i in inds if i.kind == "target"), None)
    current = pick("current", 0.4)
    if target and rng.random() < 0.5:
        a, a0 = known(known(target.value(t)).actual), known(known(target.value(t - 1)).actual)
        unit = known(target.unit)
        up, down = INDICATOR_PROSE.count_change
        current += (fill(say.target_changed, t=t, n=target.name, A=with_unit(a, unit), D=diff_unit(a - a0, unit),
                         word=up if a > a0 else down) if a != a0 else
                    fill(say.target_same, t=t, n=target.name, A=with_unit(a, unit)))
    if outs:
        outcome = _analysis(rng, outs, t, costs[-1].fy, OUTCOME_CLOSING, slots)
    else:
        outcome = fill(say.no_outcomes, **slots)
    primary, secondary = evaluations
    lead = acts[0] if acts else outs[0]
    achieved = (achievement(lead, t) or 0) >= 1.0
    first = indicator_sentence(rng, lead, t) or ""
    prim = [INDENT + first]
    if rng.random() < 0.6:
        prim.append(INDENT + fill(say.focus_on_track if achieved else say.focus_short, focus=focus))
    prim.append(INDENT + fill(rng.choice(RESULT_CLOSING[known(primary.result)]), **slots))
    about = (outs or acts)[0]
    said = indicator_sentence(rng, about, t) or ""
    if rng.random() < 0.65:
        opening = fill(say.after_result, last_era=era_fw(t - 1), word=tl.results[t - 1], era=era_fw(t), focus=focus)
    else:
        opening = fill(say.this_year, era=era_fw(t), focus=focus)
    sec = [INDENT + opening + said, INDENT + fill(rng.choice(RESULT_CLOSING[known(secondary.result)]), **slots)]
    chosen = set(rng.sample(th.means, rng.randint(3, min(5, len(th.means)))))
    means = [m for m in th.means if m in chosen]
    return {
        "resident_needs": [pick("resident_needs", 0.5)],
        "background": [pick("background", 0.6)],
        "outlook": [pick("outlook", 0.4)],
        "purpose": [fill(rng.choice(th.purpose), **slots)],
        "means": [BULLET + m for m in means],
        "current": [current],
        "activity_analysis": [_analysis(rng, acts, t, costs[-1].fy, ACTIVITY_CLOSING, slots)],
        "primary_comment": prim,
        "kaizen": _kaizen(rng, tl, inds, t),
        "secondary_comment": sec,
        "outcome_analysis": [outcome],
        "cost_analysis": _cost_paragraphs(rng, tl, costs, t, focus),
    }
