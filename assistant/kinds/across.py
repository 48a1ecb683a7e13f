"""Questions over many projects: rankings (by amount, by change, by % change, by share), filters
(plans missed or met, thresholds, one row against another, rows with nothing, evaluation
results and their negation, 一次 ≠ 二次) and lists (by 部/課, by theme, counts).

Costs come from one SQL query over the figures store; each project is read from the sheet that
best reports the year (the one evaluating it, else the earliest later one), or from its latest
sheet's evaluated year when no year is given."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from assistant import compose
from assistant.answer import Fact, Number
from assistant.figures import Missed, actual_rows, missed, plan_misses, plan_rows, rated_as, results_differ
from assistant.kinds.base import Desk, Part
from assistant.kinds.evaluation import score_items
from assistant.kinds.rows import PRINTED_ROW
from assistant.lexicon import lexicon
from assistant.link import matcher_for, read_question, with_dictionary
from assistant.measures import diff, growth, percent, rate, total
from assistant.query import CITIES_COUNTED, Query, theme_words
from assistant.resolve import ProjectKey, SheetRef, pick_sheet, project_key, squash
from assistant.understand import NEWEST_SHEET, Frame, Threshold
from ingest.normalize import nfkc
from ingest.store import PrintedValue
from ingest.templates.generic import MONEY_SCALE
from ingest.vocabulary import (
    COST_FIELDS,
    KIND_LABELS,
    RESULT_WORDS,
    REVENUE_FIELDS,
    SCORE_ITEMS,
    SCORE_ITEMS_EN,
    STAGE_LABELS,
    cost_unit,
)

NAMES_CAP = 100
LINES_CAP = 30

# a threshold's comparator: (the value, the amount) → the value meets it
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "gt": lambda x, v: x > v, "ge": lambda x, v: x >= v, "lt": lambda x, v: x < v, "le": lambda x, v: x <= v}


def scope_ids(q: Query, desk: Desk) -> tuple[list[str] | None, str]:
    """The sheets a cross-project question is limited to (a 部/課, a theme, the chosen sheets)."""
    if q.org_ids is not None:
        return q.org_ids, q.org_name or ""
    if q.how == "scope" and q.projects:
        return [i for p in q.projects for i in p.sheet_ids], ""
    if q.frame.theme:
        # (a theme some projects are about means those; only when none is, those whose text says it)
        said = re.search(re.escape(q.frame.theme), nfkc(q.frame.text), re.IGNORECASE)  # as written: DX, not dx
        return desk.catalog.mentioning(theme_words(q.frame.theme), about=True), f"{said.group(0) if said else q.frame.theme}関連"
    return None, ""


@dataclass
class Measured:
    ref: SheetRef
    fy: int
    value: Number
    parts: tuple[Number | None, ...] = ()  # what the value was computed from
    other: SheetRef | None = None  # the other sheet a part was read from (an earlier sheet's forecast)
    planned: bool = False  # a plan's figure: a year no sheet of the project has settled


_GENERAL_BASIS = re.compile(r"一般財源|所要一般|general[\s\-](?:revenue|fund)")


def _printed_asked(q: Query, desk: Desk) -> str | None:
    """A row the question names that only other cities' layouts print (正職員数, 間接事業費): no fixed
    cost field reads it."""
    own = desk.catalog.printed_only
    if not own:
        return None
    found = matcher_for(own, own_words=False).match(q.reading, PRINTED_ROW)
    return found[0].name if found else None


def _settled_printed(desk: Desk, label: str, ids: list[str] | None
                     ) -> dict[ProjectKey, dict[int, tuple[int, SheetRef, PrintedValue]]]:
    """Each project's settled figures of a printed row, by year, each year as its latest sheet prints it."""
    cat = desk.catalog
    years: dict[ProjectKey, dict[int, tuple[int, SheetRef, PrintedValue]]] = {}
    for v in desk.store.printed_values(label, ids):
        ref = cat.sheet(v.sheet_id)
        if ref is None or not settled(v.basis, v.fy, ref):
            continue
        seen = years.setdefault(project_key(ref), {})
        if v.fy not in seen or (ref.target_fy or 0) > seen[v.fy][0]:
            seen[v.fy] = (ref.target_fy or 0, ref, v)
    return years


def _scaled(v: PrintedValue) -> Decimal:
    """A printed value, money in 千円 (the sheets print some in 円)."""
    return Decimal(str(v.value)) * Decimal(str(MONEY_SCALE.get(v.unit or "", 1)))


def _step(now: PrintedValue, before: PrintedValue) -> Decimal:
    """A printed row's change from one year to the next, exact (0.5 − 0.3 is 0.2)."""
    return Decimal(str(now.value)) - Decimal(str(before.value))


def _cost_field(q: Query) -> str:
    rows = [r for r in q.frame.rows if r in COST_FIELDS]
    if q.frame.has("share") and len(rows) > 1 and "total_cost" in rows:
        rows = [r for r in rows if r != "total_cost"]  # 「総事業費に占める人件費の割合」: the part is ranked
    if rows and rows[0] in ("unit_cost_total", "unit_cost_general"):
        # 「単位コスト（一般財源ベース）」「一般財源から算出した単位コスト」: the unit cost on that basis
        general = "general_revenue" in rows or _GENERAL_BASIS.search(q.frame.norm)
        return "unit_cost_general" if general and not re.search(r"総コスト|total[\s\-]cost", q.frame.norm) else "unit_cost_total"
    return rows[0] if rows else "total_cost"


# 「市債が入ってる年度がある事業」 "projects that had bonds in any year": any settled year, not the latest
_IN_ANY_YEAR = re.compile(r"(?:年度|年)が(?:ある|あった)|いずれかの年|どこかの年|どの年度?か(?!ら)|"
                          r"\bin (?:any|some) (?:fiscal )?years?\b|\bat any point\b|\bever\b")


def settled(basis: str, fy: int, ref: SheetRef) -> bool:
    """A figure of a year that happened: printed as 決算/実績, or (a layout printing one figure a year)
    a year the sheet has evaluated."""
    return basis in ("決算", "実績") or basis == "" and ref.target_fy is not None and fy <= ref.target_fy


def settled_years(desk: Desk, field: str, ids: list[str] | None, plans: bool = False) -> list[Measured]:
    """Per project: the largest settled value of a cost row over every year its sheets give (a later
    sheet's figure for a year first), with that year: 「市債が入ってる年度がある事業」. With ``plans``, a
    project whose row is filled only in years to come gives its largest planned value, each year as
    the latest sheet giving it plans it, and only for years no sheet has settled since."""
    cat = desk.catalog
    best: dict[ProjectKey, Measured] = {}
    ahead: dict[tuple[ProjectKey, int], Measured] = {}  # the latest sheet's plan of each year
    seen: set[tuple[ProjectKey, int]] = set()
    rows = desk.store.cost_years([field], ids)
    for r in sorted(rows, key=lambda r: -((ref.target_fy or 0) if (ref := cat.sheet(r.sheet_id)) else 0)):
        ref = cat.sheet(r.sheet_id)
        if ref is None:
            continue
        key = project_key(ref)
        v = r.values.get(field)
        if not settled("", r.fy, ref):  # a plan, not a year that happened
            if plans:
                ahead.setdefault((key, r.fy), Measured(ref, r.fy, v or 0, planned=True))
            continue
        if (key, r.fy) in seen:
            continue  # (the year's first row is its settled figure: a budget after a blank one is no result)
        seen.add((key, r.fy))
        if v is not None and (key not in best or v > best[key].value):
            best[key] = Measured(ref, r.fy, v)
    got = list(best.values())
    if plans:
        planned: dict[ProjectKey, Measured] = {}
        for (key, fy), m in ahead.items():
            if (key, fy) not in seen and m.value and (key not in planned or m.value > planned[key].value):
                planned[key] = m  # (a year a later sheet settled is that sheet's, not the old plan's)
        got += [m for key, m in planned.items() if not (key in best and best[key].value)]
    return got


def measure_costs(q: Query, desk: Desk, field: str, ids: list[str] | None, fy: int | None,
                  how: str = "value", of: str | None = None, planned: bool = False) -> list[Measured]:
    """Per project: a cost row's value, change, % change or share in ``fy`` (each project's latest
    evaluated year when None). ``planned``: a year no sheet has evaluated yet, by its plans."""
    cat = desk.catalog
    if how == "share":
        of = of or "total_cost"
    cols = sorted({field, of or field})
    if ids is not None and not ids:
        return []
    by_sheet: dict[str, dict[int, dict[str, Number | None]]] = {}
    for r in desk.store.cost_years(cols, ids):  # the settled figure of a year printed twice first
        by_sheet.setdefault(r.sheet_id, {}).setdefault(r.fy, r.values)
    groups: dict[ProjectKey, list[SheetRef]] = {}
    for sid in by_sheet:
        ref = cat.sheet(sid)
        if ref is not None:
            groups.setdefault(project_key(ref), []).append(ref)
    out = []
    for refs in groups.values():
        year = fy if fy is not None else max(r.target_fy or 0 for r in refs)
        ref = pick_sheet(refs, year)
        if (ref.target_fy or 0) < year and not planned:
            continue  # only a plan for that year: not comparable with the others' results
        if q.frame.of_sheets and fy is not None and ref.target_fy != fy:
            continue  # 「R6実施分のシートで」: a sheet evaluating that year, not a later sheet's column
        table = by_sheet.get(ref.sheet_id, {})
        now = table.get(year, {}).get(field)
        if now is None:
            continue
        if how == "value":
            out.append(Measured(ref, year, now))
        elif how in ("change", "growth"):
            before = table.get(year - 1, {}).get(field)
            v = diff(now, before) if how == "change" else growth(now, before)
            if v is not None:
                out.append(Measured(ref, year, v, (before, now)))
        elif how == "forecast":  # the settled figure against what the sheet before printed for that year
            earlier = max((r for r in refs if r.target_fy is not None and r.target_fy < year),
                          key=lambda r: r.target_fy or 0, default=None)
            before = by_sheet.get(earlier.sheet_id, {}).get(year, {}).get(field) if earlier else None
            v = diff(now, before)
            if v is not None and earlier is not None:
                out.append(Measured(ref, year, v, (before, now), earlier))
        elif how == "share":
            den = table.get(year, {}).get(of or "total_cost")
            v = percent(now, den)
            if v is not None:
                out.append(Measured(ref, year, v, (now, den)))
    return out


_IN_THE_PAST = re.compile(r"(?:使っ|充て|入っ|出し|借り)たこと|使った|\bever\b|\bused\b|\bhave had\b|\bhad\b")
_SETTLED_WORD = re.compile(r"決算|実績|actual|settled|result")


def _plans_only(q: Query, fy: int, label: str, planned: list[Measured]) -> Part:
    """A settled figure asked for a year no sheet has evaluated yet: declined, with how many sheets
    plan one for it."""
    facts = [Fact(sheet_id="*", field="absent_year", value=fy, fy=fy, row="評価対象年度")]
    text = (f"{fy}年度の{label}の実績（決算）は、まだどのシートにもありません（評価されていない年度です）。"
            + (f"{len(planned)}事業のシートに計画額があります。「{fy}年度の計画額で」とお尋ねください。" if planned else "")
            if q.lang == "ja" else
            f"No sheet gives a settled {label} for FY{fy} yet (no sheet has evaluated that year)."
            + (f" {len(planned)} projects' sheets give a planned figure: ask for the FY{fy} plan." if planned else ""))
    if planned:
        facts.append(_count(len(planned)))
    return Part(text=text, facts=facts, answerable=False, intent="ranking")


class RankKind:
    name = "ranking"

    def fit(self, q: Query) -> float:
        return 0.9 if q.frame.rank and not q.single else 0.0

    def answer(self, q: Query, desk: Desk) -> Part | None:
        f = q.frame
        ids, scope = scope_ids(q, desk)
        if q.projects and len(q.projects) > 1:
            ids = [i for p in q.projects for i in p.sheet_ids]
        if f.results and not f.has("why"):
            # 「二次評価が拡充だった事業を、総事業費の大きい順に」: the projects so rated (that year), ranked
            stage = f.stages[0] if len(f.stages) == 1 else "secondary"
            rated = [r for r in desk.catalog.sheets if (ids is None or r.sheet_id in set(ids))
                     and _result_of(r, stage) in f.results
                     and (not f.years or r.target_fy in f.years)]
            keys = {project_key(r) for r in rated}
            ids = [r.sheet_id for r in desk.catalog.sheets if project_key(r) in keys]
            scope = (scope + "の" if scope else "") + f"{STAGE_LABELS[stage]}が「{'・'.join(f.results)}」"
        if "scores" in f.evals:
            return self.scores(q, desk, ids, scope)
        if (label := _printed_asked(q, desk)) is not None:
            return self.printed(q, desk, ids, scope, label)
        if (f.has("rate") or f.kind or f.all_indicators) and not (f.rows or f.money or f.revenue):
            return self.rates(q, desk, ids, scope)
        field = _cost_field(q)
        # 「前年度比の伸び」「対前年」 rank by the rate, unless an amount is asked (「前年度比で何円増えた」)
        by_rate = re.search(r"%|率|percent|前年度?比|対前年", f.norm) is not None and not re.search(r"額|円|いくら", f.norm)
        how = "growth" if f.has("change") and by_rate else \
            "change" if f.has("change") else "share" if f.has("share") else "value"
        fy = (max(f.years) if how in ("change", "growth") else f.years[0]) if f.years else None
        got = measure_costs(q, desk, field, ids, fy, how)
        kept = None if ids is None else set(ids)
        ahead = not got and fy is not None and how == "value" and all(
            (r.target_fy or 0) < fy for r in desk.catalog.sheets if kept is None or r.sheet_id in kept)
        if ahead and fy is not None:  # 「R8の総事業費ランキング」: no sheet has evaluated that year; its plans, as plans
            got = measure_costs(q, desk, field, ids, fy, how, planned=True)
            if _SETTLED_WORD.search(f.norm):  # 「R8決算の…」: a result no sheet can give yet
                return _plans_only(q, fy, compose.row_label(field, q.lang), got)
        if not got:
            return None
        # 「一番減った」 "the biggest drop": the most negative change ranks first
        down = how in ("change", "growth") and f.direction == "down"
        drop, lowest = down and not f.has("min"), f.has("min") != down
        got.sort(key=lambda m: (m.value, m.ref.project or ""), reverse=not lowest)
        n = f.top_n or 5
        shown = got[:max(n, 5)]
        unit = "%" if how in ("growth", "share") else cost_unit(field)
        label = compose.row_label(field, q.lang)
        what = ({"value": label, "change": f"{label}の前年度からの増減", "growth": f"{label}の前年度比増減率",
                 "share": f"{label}の総事業費に占める割合"} if q.lang == "ja" else
                {"value": label, "change": f"change in {label} from the year before",
                 "growth": f"year-on-year change in {label} (%)", "share": f"share of {label} in the total cost"})[how]
        facts = []
        for m in shown:
            facts.append(Fact(sheet_id=m.ref.sheet_id, project=m.ref.project, indicator=label, row=label, fy=m.fy,
                              field=field if how == "value" else f"{field}_{how}", value=m.value, unit=unit,
                              computed=how != "value"))
        top = shown[0]
        lang = q.lang
        name = desk.catalog.display_name  # (two cities' namesakes ranked apart: each with its city)
        when = compose.year_ja(fy) + "の" if fy else "各事業の最新の評価対象年度の"
        fmt: Callable[[Number], str] = (lambda v: compose.signed(v, unit)) if how == "change" else \
            (lambda v: compose.signed_pct(v)) if how == "growth" else (lambda v: compose.num(v, unit))
        if lang == "en":
            rest = "; ".join(f"{name(m.ref)} ({fmt(m.value)}, FY{m.fy})" for m in shown[1:n if f.top_n else 5])
            most = "largest drop in the" if drop else "lowest" if lowest else "highest"
            text = (f"The {most} {what}{' among ' + scope + ' projects' if scope else ''}"
                    f"{' in FY' + str(fy) if fy else ''} is {name(top.ref)} ({fmt(top.value)}, FY{top.fy})."
                    + (f" Next: {rest}." if rest else ""))
        else:
            order = "減った" if drop else "小さい" if lowest else "大きい"
            lines = [f"{when}{scope + 'の事業で' if scope else ''}{what}{'で' if drop else 'が'}最も{order}のは{name(top.ref)}"
                     f"（{top.ref.section or top.ref.department or ''}）の{fmt(top.value)}（{top.fy}年度）です。"]
            after = shown[1:n if f.top_n else 5]
            if after:
                lines.append("続いて" + "、".join(f"{name(m.ref)}（{fmt(m.value)}）" for m in after) + "です。")
            text = "\n".join(lines)
        if any(h.group == "op" and h.key == "count" and re.search(r"事業|project", h.text) for h in f.hits):
            # "how many projects have …, and which spent the least": how many were ranked
            facts.append(_count(len(got)))
            text = (f"{when}{what}がある事業は{len(got)}件です。\n" if lang == "ja" else
                    f"{len(got)} projects have a {what}{' for FY' + str(fy) if fy else ''}.\n") + text
        if ahead:
            text = (f"{fy}年度はまだどのシートでも評価されていないため、計画額で比べています。\n" if lang == "ja" else
                    f"No sheet has evaluated FY{fy} yet: these are planned figures.\n") + text
        if f.nth and len(got) >= f.nth:  # 「2番目に大きいのは」: that place said first, the ranking after it
            at = got[f.nth - 1]
            text = (f"{when}{what}が{f.nth}番目に{order}のは{name(at.ref)}の{fmt(at.value)}（{at.fy}年度）です。\n"
                    if lang == "ja" else f"Number {f.nth} by {what}: {name(at.ref)} ({fmt(at.value)}, FY{at.fy}).\n") + text
        return Part(text=text, facts=facts, sheet_ids=[m.ref.sheet_id for m in shown], intent="ranking")


    def printed(self, q: Query, desk: Desk, ids: list[str] | None, scope: str, label: str) -> Part | None:
        """「正職員数が一番多い事業」「正職員数が前年度から一番増えた事業」: projects ranked by a row only other
        cities' layouts print (its value, or its change from the year before), settled figures only, in
        the year asked (each project's latest settled year when none is). Money printed in 円 and in 千円
        is compared in one scale; each value is shown as its sheet prints it."""
        f = q.frame
        change = f.has("change")
        if f.has("share"):  # 「総事業費に占める間接事業費の割合」: not computed for these rows — said, not guessed
            return Part(text=(f"「{label}」の割合による順位は出していません（他市の様式が印字する行は、値と前年度からの増減で比べます）。"
                              if q.lang == "ja" else f"Rankings by the share of 「{label}」 are not computed (rows only "
                              "other layouts print are compared by value and by change from the year before)."),
                        answerable=False, intent="ranking")
        years = _settled_printed(desk, label, ids)
        got: list[tuple[Decimal, SheetRef, PrintedValue, PrintedValue | None]] = []
        for by_year in years.values():
            year = f.years[-1] if f.years else max(by_year)
            if year not in by_year:
                continue
            _, ref, now = by_year[year]
            before = by_year.get(year - 1)
            if change and before is None:
                continue
            got.append((_scaled(now) - _scaled(before[2]) if change and before else _scaled(now), ref, now,
                        before[2] if before else None))
        if not got:
            return None
        lowest = f.has("min") != (change and f.direction == "down")
        got.sort(key=lambda g: (g[0], g[1].project or ""), reverse=not lowest)
        shown = got[:f.top_n or 5]
        money = any(g[2].unit in MONEY_SCALE for g in shown)

        def said(g: tuple[Decimal, SheetRef, PrintedValue, PrintedValue | None]) -> str:
            _, _, now, before = g
            if change and before is not None:
                step = _step(now, before)
                shown_step = int(step) if step == step.to_integral_value() else float(step)
                return (f"{compose.signed(shown_step, now.unit or '')}、{before.fy}→{now.fy}年度" if q.lang == "ja"
                        else f"{compose.signed(shown_step, now.unit or '')} (FY{before.fy}→FY{now.fy})")
            return (f"{compose.num(now.value, now.unit)}、{now.fy}年度{now.basis}" if q.lang == "ja"
                    else f"{compose.num(now.value, now.unit)} (FY{now.fy} {now.basis})".replace(" )", ")"))

        facts = []
        for _, ref, now, prior in shown:  # (a change with both years' figures it was computed from)
            base = dict(sheet_id=ref.sheet_id, project=ref.project, indicator=label, row=label, unit=now.unit)
            facts += [Fact(**base, fy=v.fy, field="printed", value=v.value) for v in (prior, now) if v is not None
                      and (change or v is now)]
            if change and prior is not None:
                facts.append(Fact(**base, fy=now.fy, field="printed_change", computed=True, value=_step(now, prior)))
        top = shown[0]
        name = desk.catalog.display_name
        if q.lang == "en":
            what = f"change in 「{label}」 from the year before" if change else f"「{label}」"
            text = (f"The {'lowest' if lowest else 'highest'} {what}{' in FY' + str(f.years[-1]) if f.years else ''} "
                    f"(settled figures{'' if f.years else ', each project’s latest year'}) is {name(top[1])}: {said(top)}."
                    + (" Next: " + "; ".join(f"{name(g[1])} {said(g)}" for g in shown[1:]) + "." if len(shown) > 1 else ""))
        else:
            when_ja = compose.year_ja(f.years[-1]) + "の" if f.years else "各事業の直近の決算年度の"
            most = "大きい" if change else ("小さい" if money else "少ない") if lowest else ("大きい" if money else "多い")
            what = f"「{label}」の前年度からの{'減少' if lowest else '増加'}" if change else f"「{label}」"
            text = (f"{when_ja}{scope + 'の事業で' if scope else ''}{what}が最も{most}のは{name(top[1])}（{said(top)}）です。"
                    + ("\n続いて" + "、".join(f"{name(g[1])}（{said(g)}）" for g in shown[1:]) + "です。" if len(shown) > 1 else ""))
        # a row the reader placed by inference (値が2個で欄が3個…) says so beside the ranking
        placed = [g[1].project or "" for g in shown if (sheet := desk.sheet(g[1].sheet_id)) is not None
                  and any(w.startswith(f"{label}:") and "みなして" in w for w in sheet.warnings)]
        if placed:
            text += (f"\n注意：{'、'.join(placed)}のシートは「{label}」の値が欄より少なく、決算・実績の欄の値として読んでいます。"
                     if q.lang == "ja" else f"\nNote: on the sheets of {', '.join(placed)} 「{label}」 prints fewer figures "
                     "than columns; they were read as the settled columns' values.")
        return Part(text=text, facts=facts, sheet_ids=[g[1].sheet_id for g in shown], intent="ranking")

    def rates(self, q: Query, desk: Desk, ids: list[str] | None, scope: str) -> Part | None:
        """「成果指標の達成率が一番低かったのはどの事業のどの指標？」: indicators ranked by actual ÷ plan."""
        f = q.frame
        fy = f.years[0] if f.years else None
        rows = [(rate(m.actual, m.plan), m) for m in plan_rows(desk.store, desk.catalog, f.kind, fy, ids)]
        rows = [(r, m) for r, m in rows if r is not None]
        if not rows:
            return None
        lowest = f.has("min")
        rows.sort(key=lambda x: (x[0], x[1].project or ""), reverse=not lowest)
        shown = rows[:max(f.top_n or 5, 5)]
        facts = []
        for r, m in shown:
            base = dict(sheet_id=m.sheet_id, project=m.project, indicator=m.name, row=m.label, fy=m.fy)
            facts += [Fact(**base, field="actual", value=m.actual, unit=m.unit), Fact(**base, field="plan", value=m.plan,
                                                                                     unit=m.unit),
                      Fact(**base, field="rate", value=r, unit="%", computed=True)]
        r, top = shown[0]
        kind = KIND_LABELS.get(f.kind or "", "指標")
        if q.lang == "en":
            text = (f"The {'lowest' if lowest else 'highest'} achievement rate{' in FY' + str(fy) if fy else ''} is "
                    f"{top.project}'s {top.label} 「{top.name}」: {compose.num(r)}% (actual {compose.num(top.actual)} vs "
                    f"plan {compose.num(top.plan)} {top.unit or ''}).".replace(" )", ")"))
            text += " Next: " + "; ".join(f"{m.project} 「{m.name}」 {compose.num(x)}%" for x, m in shown[1:]) + "."
        else:
            when = compose.year_ja(fy) + "に" if fy else "各事業の最新の評価で"
            text = (f"{when}{scope + 'の事業で' if scope else ''}{kind}の達成率が最も{'低い' if lowest else '高い'}のは、"
                    f"{top.project}の{top.label}「{top.name}」の{compose.num(r)}%です（実績{compose.num(top.actual, top.unit)}、"
                    f"計画{compose.num(top.plan, top.unit)}）。\n続いて" + "、".join(
                        f"{m.project}「{m.name}」（{compose.num(x)}%）" for x, m in shown[1:]) + "です。")
        return Part(text=text, facts=facts, sheet_ids=list(dict.fromkeys(m.sheet_id for _, m in shown)),
                    intent="ranking")

    def scores(self, q: Query, desk: Desk, ids: list[str] | None, scope: str) -> Part | None:
        """「二次評価の評点の合計が一番高い事業は？」: projects ranked by the sum of a stage's five scores."""
        f = q.frame
        stage = f.stages[0] if len(f.stages) == 1 else "secondary"
        cat = desk.catalog
        keep = None if ids is None else set(ids)
        # 「効率性の点数が一番低かった事業」: that item, not the sum — the item written beside 点数/評点/score
        items = [i for i in score_items(f.norm) if re.search(
            rf"(?:{re.escape(SCORE_ITEMS[i])}|{SCORE_ITEMS_EN[i].split()[0][:6]}[a-z]*)\s*(?:の)?\s*(?:評点|点数|点|score)", f.norm)]
        item = items[0] if len(items) == 1 else None
        got: list[tuple[int, SheetRef, list[int]]] = []
        for r in desk.store.evaluation_scores((stage,)):
            ref = cat.sheet(r.sheet_id)
            scores = [x for x in r.scores if x is not None]
            value = sum(scores) if item is None else r.scores[item]
            if ref is None or not scores or value is None or (keep is not None and ref.sheet_id not in keep) \
                    or (f.years and ref.target_fy not in f.years):
                continue
            got.append((value, ref, scores))
        if not f.years:  # each project's latest evaluation
            got = _latest_per_project(got, lambda g: g[1])
        if not got:
            return None
        lowest = f.has("min")
        got.sort(key=lambda g: (g[0], g[1].project or ""), reverse=not lowest)
        shown = got[:max(f.top_n or 5, 5)]
        label = STAGE_LABELS["primary" if stage == "primary" else "secondary"]
        what_ja = f"{SCORE_ITEMS[item]}の評点" if item is not None else "評点の合計"
        what_en = f"{SCORE_ITEMS_EN[item]} score" if item is not None else "score total"
        facts = [Fact(sheet_id=ref.sheet_id, project=ref.project, row=f"{label} {what_ja}", fy=ref.target_fy,
                      field="score" if item is not None else "score_total", value=total_, unit="点",
                      computed=item is None) for total_, ref, _ in shown]
        t, top, _ = shown[0]
        if q.lang == "en":
            text = (f"The {'lowest' if lowest else 'highest'} {stage} evaluation {what_en} is {top.project} "
                    f"(FY{top.target_fy}): {t} points." + (" Next: " + "; ".join(f"{r.project} ({x})" for x, r, _ in shown[1:])
                                                          + "." if len(shown) > 1 else ""))
        else:
            text = (f"{label}の{what_ja}が最も{'低い' if lowest else '高い'}のは{top.project}（{top.target_fy}年度実施分）の"
                    f"{t}点です。" + ("\n続いて" + "、".join(f"{r.project}（{x}点）" for x, r, _ in shown[1:]) + "です。"
                                    if len(shown) > 1 else ""))
        return Part(text=text, facts=facts, sheet_ids=[r.sheet_id for _, r, _ in shown], intent="ranking")


_POINTS = re.compile(r"\d+(\.\d+)?\s*点|\d+\s*points?\b")
_ALL = re.compile(r"すべて|全て|全部|いずれも|どれも|all (of )?(its|their|the)|every (one|indicator)|all indicators"
                  r"|\ball (met|exceeded|achieved|hit|reached)\b")
# 「縮小になってるシートはどれ？」 "which sheets": every sheet, not each project's latest
_SHEETS_ASKED = re.compile(r"(?:になって(?:る|いる)|になった|とされた|だった)シート|シート(?:は|を|って|が)?(?:どれ|一覧|全部)"
                           r"|\bwhich (?:evaluation )?sheets\b|\bsheets? (?:that|where|with)\b")
# (「拡充になった年がある事業」「過去の評価結果も含めて」: some year's result, the latest or not)
_EVER = re.compile(r"ことのある|ことがある|ことある|ことが?あった|過去に|過去の評価|一度でも|これまでに|履歴|"
                   r"(?:た|だ)(?:年|年度)(?:が|の)?(?:ある|あった)|ever (been )?|at any time|in any year|in some year")


# 「全事業」「全部」「すべての事業」 "all projects": the store as a whole
_EVERY_PROJECT = re.compile(r"全事業|全部|すべて|全て|全体|どの事業も|各事業|\ball (?:the )?projects\b|\bevery project\b|"
                            r"\beach project\b|\bacross (?:all )?(?:the )?projects\b")


class TotalKind:
    """A cost row added up over the projects of a scope the question says (a 部/課/city, a theme, 全事業):
    「郡山の事業、R6の総事業費を合計するといくら？」 "the total cost of all projects in FY2025". Projects
    named or under discussion are added up by the figure type."""

    name = "total"

    def fit(self, q: Query) -> float:
        f = q.frame
        # (projects named — 「集会所補助と水道研修の人件費、合わせると」 — are the figure type's: each with its notes;
        # a name that fits several — 「町内会の事業」 — is theirs too; the store is summed only when said so)
        scoped = q.org_ids is not None or f.theme is not None or _EVERY_PROJECT.search(f.norm) is not None
        return 0.95 if f.has("sum") and f.rows and not q.projects and (not q.candidates or q.how == "org") and scoped \
            and not f.rank and not f.threshold else 0.0

    def answer(self, q: Query, desk: Desk) -> Part | None:
        f = q.frame
        ids, scope = scope_ids(q, desk)
        field = _cost_field(q)
        years = list(range(min(f.years), max(f.years) + 1)) if f.year_range and len(f.years) >= 2 else f.years
        if len(years) < 2:
            return self.one_year(q, desk, ids, scope, field, years[0] if years else None)
        # 「全事業のR5〜R7の総事業費の合計」: each year's total, then all of them together
        parts = [part for y in years if (part := self.one_year(q, desk, ids, scope, field, y)) is not None]
        sums = [x for part in parts for x in part.facts if x.field == f"{field}_sum"]
        grand = total([x.value for x in sums if not isinstance(x.value, str)])
        if not parts or grand is None:
            return None
        unit, label = cost_unit(field), compose.row_label(field, q.lang)
        last = (f"{years[0]}〜{years[-1]}年度の{label}の合計（各年度の合計を足したもの）は{compose.num(grand, unit)}です。"
                if q.lang == "ja" else f"FY{years[0]}–FY{years[-1]} together: {compose.num(grand)} {unit}.")
        return Part(text="\n\n".join(part.text for part in parts) + "\n" + last,
                    facts=[x for part in parts for x in part.facts] + [
                        Fact(sheet_id="*", row=label, field=f"{field}_sum_years", value=grand, unit=unit, computed=True)],
                    sheet_ids=[i for part in parts for i in part.sheet_ids], intent="ranking")

    def one_year(self, q: Query, desk: Desk, ids: list[str] | None, scope: str, field: str, fy: int | None) -> Part | None:
        """The row added up over the projects in ``fy`` (each project's latest evaluated year when None)."""
        got = sorted(measure_costs(q, desk, field, ids, fy), key=lambda m: (-m.value, m.ref.project or ""))
        added = total([m.value for m in got])
        if not got or added is None:
            return None
        unit, label = cost_unit(field), compose.row_label(field, q.lang)
        facts = [Fact(sheet_id=m.ref.sheet_id, project=m.ref.project, row=label, fy=m.fy, field=field, value=m.value,
                      unit=unit) for m in got]
        facts.append(Fact(sheet_id="*", row=label, fy=fy, field=f"{field}_sum", value=added, unit=unit, computed=True))
        facts.append(_count(len(got)))
        # a project with no sheet evaluating that year has its figure from a later sheet's column: the
        # total of the sheets evaluating the year alone is said too, since either may be meant
        later = [m for m in got if fy is not None and m.ref.target_fy != fy]
        own = total([m.value for m in got if m not in later]) if later and len(later) < len(got) else None
        if own is not None:
            facts.append(Fact(sheet_id="*", row=label, fy=fy, field=f"{field}_sum_own", value=own, unit=unit, computed=True))
        if q.lang == "ja":
            when = compose.year_ja(fy) + "の" if fy else "各事業の最新の評価対象年度の"
            lines = [f"{when}{scope + 'の' if scope else ''}{len(got)}事業の{label}の合計は{compose.num(added, unit)}です。"]
            lines += [f"・{m.ref.project}：{compose.num(m.value, unit)}（{m.fy}年度"
                      + (f"、{m.ref.target_fy}年度実施分のシートの欄" if m in later else "") + "）" for m in got]
            if own is not None:
                lines.append(f"{fy}年度実施分のシートがある{len(got) - len(later)}事業だけなら{compose.num(own, unit)}です。")
        else:
            lines = [f"The {label} of {len(got)} {scope + ' ' if scope else ''}projects"
                     f"{' in FY' + str(fy) if fy else ' (each in its latest evaluated year)'} adds up to "
                     f"{compose.num(added)} {unit}."]
            lines += [f"- {m.ref.project}: {compose.num(m.value)} {unit} (FY{m.fy}"
                      + (f", from the FY{m.ref.target_fy} sheet" if m in later else "") + ")" for m in got]
            if own is not None:
                lines.append(f"The {len(got) - len(later)} projects with a sheet evaluating FY{fy} alone add up to "
                             f"{compose.num(own)} {unit}.")
        return Part(text="\n".join(lines), facts=facts, sheet_ids=[m.ref.sheet_id for m in got], intent="ranking")


class FilterKind:
    name = "filter"

    def fit(self, q: Query) -> float:
        f = q.frame
        if f.threshold is not None and f.threshold.counts and q.how in ("indicator", "none") \
                and _OF_PROJECTS.search(f.norm) and not f.asks_years:
            return 0.85  # 「相談件数が300件以上の事業」: a row several projects may have, over an amount
        if q.single and not f.results and q.how != "org":
            return 0.0
        if f.has("differ") and (f.stages or f.evals):
            return 0.9
        if _only_source(f) is not None and not q.single:
            return 0.9  # 「財源が一般財源等だけの事業」
        if f.results and not f.has("why"):
            return 0.85 if not q.single else 0.0
        if f.verdict and not q.projects and (f.has("every") or f.kind or q.org_ids is not None or f.theme
                                              or "事業" in f.norm or "project" in f.norm):
            return 0.85
        if f.threshold is not None and not q.projects:
            return 0.85
        if f.rows and (f.has("count", "list") or _ANY_PROJECT.search(f.norm)) and not q.projects and not f.rank:
            return 0.8  # 「国・県支出金が入っている事業はいくつ」: the projects where the row is not empty
        if f.rows and f.direction and not q.projects and not f.rank and re.search(r"事業|projects", f.norm):
            return 0.8  # 「総事業費が前年より減った事業」
        if f.rows and f.has("forecast") and not q.projects and not f.rank:
            return 0.8  # 「決算が前の年のシートの見込みを上回った事業」
        return 0.0

    def answer(self, q: Query, desk: Desk) -> Part | None:
        f = q.frame
        ids, scope = scope_ids(q, desk)
        if (only := _only_source(f)) is not None:
            return self.only_source(q, desk, ids, scope, only)
        if f.threshold is not None and f.threshold.op != "zero" and _POINTS.search(f.norm) and not f.rows:
            return self.score_threshold(q, desk, ids, scope)  # 「評点が2点以下」「評点の合計が3点以上違う」
        if f.has("differ") and (f.stages or f.evals) and len(f.stages) != 1:
            return self.differ(q, desk, ids)
        if f.results:
            return self.results(q, desk, ids, scope)
        if f.verdict:
            return self.plans(q, desk, ids, scope)
        if f.threshold is not None and f.threshold.value is not None and (label := _printed_asked(q, desk)) is not None:
            return self.printed_threshold(q, desk, ids, scope, label)  # 「正職員数が1人以上の事業」
        if f.threshold is not None and f.threshold.counts and not (f.money or set(f.rows) & set(COST_FIELDS)):
            return self.counted(q, desk, ids, scope)  # 「受講者数が500人を超えた事業」: an indicator's actual
        if f.threshold is not None and f.threshold.value is not None and f.has("rate") and not (
                f.rows or f.money or f.revenue) and f.threshold.unit in (None, "%"):
            return self.rate_threshold(q, desk, ids, scope)  # 「成果指標の達成率が90％未満のもの」
        if f.threshold is not None:
            return self.threshold(q, desk, ids, scope)
        if f.rows and f.has("forecast"):
            return self.against_forecast(q, desk, ids, scope)
        if f.rows and f.direction:
            return self.moved(q, desk, ids, scope)
        if f.rows:
            return self.nonzero(q, desk, ids, scope)
        return None

    def moved(self, q: Query, desk: Desk, ids: list[str] | None, scope: str) -> Part:
        """「R6決算の総事業費がR5より減った事業」: the projects whose row went up (or down) in the year."""
        f = q.frame
        field = _cost_field(q)
        fy = max(f.years) if f.years else None  # 「R6がR5より」: the later year's change
        got = [m for m in measure_costs(q, desk, field, ids, fy, "change") if (m.value > 0) == (f.direction == "up")
               and m.value != 0]
        got.sort(key=lambda m: m.value, reverse=f.direction == "up")
        label = compose.row_label(field, q.lang)
        unit = cost_unit(field)
        facts = []
        for m in got:
            base = dict(sheet_id=m.ref.sheet_id, project=m.ref.project, indicator=label, row=label, unit=unit)
            facts += [Fact(**base, fy=m.fy - 1, field=field, value=m.parts[0]), Fact(**base, fy=m.fy, field=field,
                                                                                      value=m.parts[1]),
                      Fact(**base, fy=m.fy, field=f"{field}_change", value=m.value, computed=True)]
        facts.append(_count(len(got)))
        verb_ja, verb_en = ("増えた", "rose") if f.direction == "up" else ("減った", "fell")
        if q.lang == "en":
            text = (f"{len(got)} project(s) whose {label} {verb_en}: " + "; ".join(
                f"{m.ref.project} (FY{m.fy - 1} {compose.num(m.parts[0])} → FY{m.fy} {compose.num(m.parts[1])} {unit})"
                for m in got) + ".") if got else f"No project's {label} {verb_en}."
        else:
            when = compose.year_ja(fy) + "に" if fy else "各事業の最新の評価対象年度に"
            text = (f"{when}{scope + 'の事業で' if scope else ''}{label}が前年度より{verb_ja}事業は{len(got)}件です。\n"
                    + "\n".join(f"・{m.ref.project}：{compose.num(m.parts[0], unit)}→{compose.num(m.parts[1], unit)}"
                                 f"（{compose.signed(m.value, unit)}）" for m in got)) if got else \
                f"{when}{label}が前年度より{verb_ja}事業はありません。"
        return Part(text=text, facts=facts, sheet_ids=[m.ref.sheet_id for m in got], intent="filter")

    def against_forecast(self, q: Query, desk: Desk, ids: list[str] | None, scope: str) -> Part:
        """「R7の決算が前の年のシートの見込みを上回った事業」: each project's settled figure for the year
        against what its sheet of the year before printed for it; above, below, or both listed."""
        f = q.frame
        field = _cost_field(q)
        fy = max(f.years) if f.years else None
        up = re.search(r"上回|超え|多かった|多い|増え|above|exceed|more", f.norm)
        down = re.search(r"下回|少なかった|少ない|減っ|below|less|under", f.norm)
        got = [m for m in measure_costs(q, desk, field, ids, fy, "forecast")
               if (m.value > 0 if up and not down else m.value < 0 if down and not up else True)]
        got.sort(key=lambda m: m.value, reverse=not down)
        label = compose.row_label(field, q.lang)
        unit = cost_unit(field)
        facts = []
        for m in got:
            base = dict(project=m.ref.project, indicator=label, row=label, unit=unit, fy=m.fy)
            facts += [Fact(**base, sheet_id=(m.other or m.ref).sheet_id, field=f"{field}_forecast", value=m.parts[0]),
                      Fact(**base, sheet_id=m.ref.sheet_id, field=field, value=m.parts[1]),
                      Fact(**base, sheet_id=m.ref.sheet_id, field=f"{field}_forecast_gap", value=m.value, computed=True)]
        facts.append(_count(len(got)))
        how_ja = "見込みを上回った" if up and not down else "見込みを下回った" if down and not up else "見込みと決算を比べられる"
        when = compose.year_ja(fy) + "の" if fy else "各事業の最新の評価対象年度の"
        if q.lang == "en":
            text = (f"{len(got)} project(s): " + "; ".join(
                f"{m.ref.project} (forecast {compose.num(m.parts[0])} → settled {compose.num(m.parts[1])} {unit})"
                for m in got) + ".") if got else "No project matches."
        else:
            text = (f"{when}{label}の決算が、前の年のシートの{how_ja}事業は{len(got)}件です"
                    f"{'（' + scope + '）' if scope else ''}。\n"
                    + "\n".join(f"・{m.ref.project}：見込み{compose.num(m.parts[0], unit)}→決算{compose.num(m.parts[1], unit)}"
                                 f"（{compose.signed(m.value, unit)}）" for m in got)) if got else \
                f"{when}{label}の決算が前の年のシートの{how_ja}事業はありません。"
        return Part(text=text, facts=facts, sheet_ids=[m.ref.sheet_id for m in got], intent="filter")

    def only_source(self, q: Query, desk: Desk, ids: list[str] | None, scope: str, field: str) -> Part:
        """「財源が一般財源等だけの事業」: the projects whose whole cost that one revenue row pays, in the
        year asked (each project's latest evaluated year when none is)."""
        f = q.frame
        fy = f.years[0] if f.years else None
        totals = {(m.ref.sheet_id, m.fy): m.value for m in measure_costs(q, desk, "total_cost", ids, fy)}
        got = [m for m in measure_costs(q, desk, field, ids, fy) if m.value and totals.get((m.ref.sheet_id, m.fy)) == m.value]
        label, unit = compose.row_label(field, q.lang), cost_unit(field)
        facts = [Fact(sheet_id=m.ref.sheet_id, project=m.ref.project, indicator=label, row=label, fy=m.fy, field=field,
                      value=m.value, unit=unit) for m in got] + [_count(len(got))]
        if q.lang == "en":
            text = (f"{len(got)} project(s) pay their whole cost from {label}: "
                    + "; ".join(f"{m.ref.project} ({compose.num(m.value)} {unit}, FY{m.fy})" for m in got) + ".")
        else:
            when = compose.year_ja(fy) + "に" if fy else "各事業の最新の評価対象年度に"
            text = (f"{when}{scope + 'の事業で' if scope else ''}財源が{label}だけ（総事業費と同額）の事業は{len(got)}件です。\n"
                    + "\n".join(f"・{m.ref.project}：{compose.num(m.value, unit)}（{m.fy}年度）" for m in got))
        return Part(text=text, facts=facts, sheet_ids=[m.ref.sheet_id for m in got], intent="filter")

    def nonzero(self, q: Query, desk: Desk, ids: list[str] | None, scope: str) -> Part:
        """The projects where a row is not empty; each revenue row named (「国県支出金とか地方債とか」), or
        every one but 一般財源 (「一般財源以外の財源」), listed in turn."""
        f = q.frame
        named = [r for r in f.rows if r in REVENUE_FIELDS]
        if _BUT_GENERAL.search(f.norm):
            named = [r for r in REVENUE_FIELDS if r != "general_revenue"]
        fields = named if len(named) >= 2 else [_cost_field(q)]
        fy = f.years[0] if f.years else None
        facts: list[Fact] = []
        lines: list[str] = []
        projects: set[ProjectKey] = set()  # (two cities' namesakes are two projects)
        # (no year said: whether a project has it at all — 「地方債が入ってる事業」「実績ベースで」 — is any
        # settled year's, unless the latest is asked)
        any_year = fy is None and not f.relative and (_IN_ANY_YEAR.search(f.norm) is not None or not NEWEST_SHEET.search(f.norm))
        # (「地方債が入ってる」 with no 実績/決算 said: a row filled only in a plan's year counts, marked so —
        # not when the past is asked: 「使ったことがある」 "ever used")
        plans = any_year and not _SETTLED_WORD.search(f.norm) and not _IN_THE_PAST.search(f.norm)
        for field in fields:
            got = sorted((m for m in (settled_years(desk, field, ids, plans) if any_year else measure_costs(q, desk, field, ids, fy))
                          if m.value), key=lambda m: -m.value)
            if not got and len(fields) > 1:
                continue
            projects |= {project_key(m.ref) for m in got}
            label = compose.row_label(field, q.lang)
            unit = cost_unit(field)
            facts += [Fact(sheet_id=m.ref.sheet_id, project=m.ref.project, indicator=label, row=label, fy=m.fy,
                           field=field, value=m.value, unit=unit) for m in got]
            if q.lang == "en":
                when_en = (" in some year" if plans else " in some settled year") if any_year else ""
                lines.append(f"{len(got)} project(s) have {label}{when_en}: " + "; ".join(
                    f"{desk.catalog.display_name(m.ref)} ({compose.num(m.value)} {unit}"
                    f"{f', FY{m.fy}' + (' plan' if m.planned else '') if any_year else ''})"
                    for m in got) + ".")
            else:
                when = compose.year_ja(fy) + "に" if fy else ("いずれかの年度に" if plans else "いずれかの年度（決算）に") if any_year else "各事業の最新の評価対象年度に"
                lines.append(f"{when}{scope + 'の事業で' if scope else ''}{label}がある事業は{len(got)}件です。\n"
                             + "\n".join(f"・{desk.catalog.display_name(m.ref)}：{compose.num(m.value, unit)}（{m.fy}年度"
                                          f"{'・計画' if m.planned else ''}）" for m in got))
        facts.append(_count(len(projects)))
        if not lines:
            lines.append("該当する事業はありません。" if q.lang == "ja" else "No project has any.")
        return Part(text="\n".join(lines), facts=facts, sheet_ids=list(dict.fromkeys(x.sheet_id for x in facts
                                                                                      if x.sheet_id != "*")),
                    intent="filter")

    def results(self, q: Query, desk: Desk, ids: list[str] | None, scope: str) -> Part:
        f = q.frame
        if _EVER.search(f.norm) and not f.has("negation"):
            return self.ever(q, desk, ids, scope, f.results)
        if len(f.results) == 2 and len(f.stages) == 2 and not f.has("negation"):
            return self.stage_pair(q, desk, ids, scope)
        negate = f.has("negation")
        # no stage named: each sheet's last word (二次評価, or the one evaluation another layout prints)
        asked = f.stages[0] if len(f.stages) == 1 else None
        cat = desk.catalog
        keep = None if ids is None else set(ids)
        refs = [r for r in cat.sheets if (not f.years or r.target_fy in f.years) and (keep is None or r.sheet_id in keep)]
        every = refs

        def stage_of(r: SheetRef) -> str:
            return asked or ("primary" if r.primary and not r.secondary else "secondary")

        def rated(rs: list[SheetRef]) -> list[SheetRef]:
            return [r for r in rs if (_result_of(r, stage_of(r)) in words) != negate and _result_of(r, stage_of(r))]

        words = set(f.results)  # 「縮小・休止・廃止のどれか」: any of them
        sheets_asked = not f.years and bool(_SHEETS_ASKED.search(f.norm))  # 「縮小になってるシートはどれ？」: every sheet
        if not f.years and not sheets_asked:  # each project's latest evaluation
            latest: dict[ProjectKey, SheetRef] = {}
            for r in refs:
                k = project_key(r)
                if k not in latest or (r.target_fy or 0) > (latest[k].target_fy or 0):
                    latest[k] = r
            refs = list(latest.values())
        got = rated(refs)
        before = rated(every) if not got and not negate and not f.years and not sheets_asked else []
        earlier = bool(before)
        if earlier:  # none in the latest evaluations: the earlier sheets that were, said as such
            got, sheets_asked = before, True
        got.sort(key=lambda r: (r.project or "", r.target_fy or 0))
        stages = {asked} if asked else {stage_of(r) for r in got}
        stage = next(iter(stages)) if len(stages) == 1 else ""
        label = STAGE_LABELS[stage] if stage else "評価結果"
        facts = [Fact(sheet_id=r.sheet_id, project=r.project, row=STAGE_LABELS[stage_of(r)],
                      indicator=f"{STAGE_LABELS[stage_of(r)]}の評価結果", fy=r.target_fy,
                      field="result", value=_result_of(r, stage_of(r))) for r in got]
        facts.append(_count(len(got)))
        word = "・".join(f.results)
        cond = f"「{word}」{'以外' if negate else ''}" if len(f.results) == 1 else \
            f"「{word}」{'のいずれでもない' if negate else 'のいずれか'}"
        if q.lang == "en":
            names = "; ".join(f"{r.project} (FY{r.target_fy}: {_result_of(r, stage_of(r))})"
                              for r in got[:NAMES_CAP])
            where = f"the {stage} evaluation" if stage else "the evaluation"
            text = (f"{len(got)} project(s) {'not ' if negate else ''}rated 「{word}」 in {where}: {names}."
                    if got else f"No project was {'not ' if negate else ''}rated 「{word}」 in {where}.")
            if earlier:
                text = f"None in the latest evaluations; in earlier sheets, {text[0].lower()}{text[1:]}"
            elif sheets_asked and got:
                text = f"In every sheet stored, {text[0].lower()}{text[1:]}"
        else:
            when = "・".join(f"{y}年度実施分" for y in f.years) + "で" if f.years else \
                "各事業の最新の評価では該当がなく、それより前のシートで" if earlier else \
                "登録されているシートで" if sheets_asked else "最新の評価で"
            lines = [f"・{r.project}（{r.target_fy}年度実施分）：{STAGE_LABELS[stage_of(r)]}「{_result_of(r, stage_of(r))}」"
                     for r in got[:NAMES_CAP]]
            named = len({project_key(r) for r in got})
            counted = f"シートは{len(got)}件です（{named}事業）" if sheets_asked and named != len(got) else f"事業は{len(got)}件です"
            text = (f"{when}{scope + 'の事業のうち' if scope else ''}{label}が{cond}の{counted}。\n" + "\n".join(lines)
                    if got else f"{when}{label}が{cond}の事業はありません。")
        return Part(text=text, facts=facts, sheet_ids=[r.sheet_id for r in got], intent="filter")

    def ever(self, q: Query, desk: Desk, ids: list[str] | None, scope: str, words: list[str]) -> Part:
        """「縮小になったことのある事業」「廃止とか休止になったことある事業」: every year any sheet prints for a
        project — its own 二次評価 and the 実計区分・評価結果 line of past years."""
        cat = desk.catalog
        keep = None if ids is None else set(ids)
        years: dict[ProjectKey, dict[int, tuple[str, str, str]]] = {}  # project → fy → (sheet id, source, result)
        for r in cat.sheets:
            if (keep is None or r.sheet_id in keep) and r.secondary in words and r.target_fy is not None:
                years.setdefault(project_key(r), {})[r.target_fy] = (r.sheet_id, STAGE_LABELS["secondary"], r.secondary)
        for row in desk.store.past_results(words, tuple(keep) if keep else None):
            ref = cat.sheet(row.sheet_id)
            if ref is not None:
                years.setdefault(project_key(ref), {}).setdefault(row.fy, (ref.sheet_id, "実計区分・評価結果", row.result))
        got = sorted(years.items(), key=lambda kv: kv[0][0] or "")
        facts = [Fact(sheet_id=sid, project=key[0], row=src, indicator="評価結果", fy=fy, field="result", value=res)
                 for key, ys in got for fy, (sid, src, res) in sorted(ys.items())]
        word = "・".join(words)
        facts.append(_count(len(got)))
        if q.lang == "en":
            text = (f"{len(got)} project(s) were rated 「{word}」 in some year: " + "; ".join(
                f"{k[0]} (FY{', FY'.join(str(y) for y in sorted(ys))})" for k, ys in got) + ".") if got else \
                f"No project was ever rated 「{word}」 in the sheets stored."
        else:
            lines = [f"・{k[0]}：" + "、".join(f"{y}年度" + (f"（{ys[y][2]}）" if len(words) > 1 else "")
                                             for y in sorted(ys)) for k, ys in got[:NAMES_CAP]]
            text = (f"{scope + 'の事業のうち' if scope else ''}評価結果が「{word}」になったことのある事業は{len(got)}件です"
                    f"（各シートの評価と、実計区分・評価結果欄の過去の年度を含みます）。\n" + "\n".join(lines)) if got else \
                f"評価結果が「{word}」になったことのある事業は、登録されているシートにはありません。"
        return Part(text=text, facts=facts, sheet_ids=list(dict.fromkeys(x.sheet_id for x in facts if x.sheet_id != "*")),
                    intent="filter")

    def stage_pair(self, q: Query, desk: Desk, ids: list[str] | None, scope: str) -> Part:
        """「一次では改善だったのに二次で継続」: the results in the order the stages are named."""
        f = q.frame
        order = sorted((h.start, h.key) for h in f.hits if h.group == "stage")
        words = sorted((h.start, h.key) for h in f.hits if h.group == "result")
        want = {stage: word for (_, stage), (_, word) in zip(order, words)}
        keep = None if ids is None else set(ids)
        got = [r for r in desk.catalog.sheets if (keep is None or r.sheet_id in keep)
               and (not f.years or r.target_fy in f.years)
               and r.primary == want.get("primary", r.primary) and r.secondary == want.get("secondary", r.secondary)]
        got.sort(key=lambda r: (r.project or "", r.target_fy or 0))
        facts = [x for r in got for x in _stage_results(r)]
        facts.append(_count(len(got)))
        cond = f"一次評価「{want.get('primary', '―')}」・二次評価「{want.get('secondary', '―')}」"
        if q.lang == "en":
            text = (f"{len(got)} project(s) were rated primary {want.get('primary')} and secondary {want.get('secondary')}: "
                    + "; ".join(f"{r.project} (FY{r.target_fy})" for r in got) + ".") if got else \
                f"No project was rated primary {want.get('primary')} and secondary {want.get('secondary')}."
        else:
            when = "・".join(f"{y}年度実施分" for y in f.years) + "で" if f.years else ""
            text = (f"{when}{cond}の事業は{len(got)}件です：" + "、".join(f"{r.project}（{r.target_fy}年度実施分）"
                                                                for r in got) + "。") if got else \
                f"{when}{cond}の事業はありません。"
        return Part(text=text, facts=facts, sheet_ids=[r.sheet_id for r in got], intent="filter")

    def differ(self, q: Query, desk: Desk, ids: list[str] | None) -> Part:
        rows = results_differ(desk.catalog, q.frame.years, ids)
        facts = [x for r in rows for x in _stage_results(r)]
        facts.append(_count(len(rows)))
        if q.lang == "en":
            lines = "; ".join(f"{r.project} (FY{r.target_fy}): primary {r.primary} → secondary {r.secondary}" for r in rows)
            text = f"{len(rows)} project(s) got different results: {lines}." if rows else \
                "No project got different primary and secondary results."
        else:
            lines = "\n".join(f"・{r.project}（{r.target_fy}年度実施分）：一次評価「{r.primary}」→ 二次評価「{r.secondary}」"
                              for r in rows)
            projects = len({r.project for r in rows})
            what = "事業" if projects == len(rows) else "シート"  # one project may differ in two years
            text = (f"一次評価と二次評価の結果が異なる{what}は{len(rows)}件"
                    f"{f'（{projects}事業）' if what == 'シート' else ''}です。\n{lines}" if rows
                    else "一次評価と二次評価の結果が異なる事業はありません。")
        return Part(text=text, facts=facts, sheet_ids=[r.sheet_id for r in rows], intent="filter")

    def plans(self, q: Query, desk: Desk, ids: list[str] | None, scope: str) -> Part:
        f = q.frame
        side = f.plan_side
        over = side == "over"
        fy = f.years[0] if f.years else None
        if over and _ALL.search(f.norm):
            return self.all_met(q, desk, ids, scope, fy)
        if side == "exact":  # 「計画値ぴったりだった事業」
            misses = [m for m in plan_rows(desk.store, desk.catalog, f.kind, fy, ids) if m.actual == m.plan]
        else:
            misses = plan_misses(desk.store, desk.catalog, f.kind, fy, under=not over, sheet_ids=ids)
        facts: list[Fact] = []
        for m in misses:
            base = dict(sheet_id=m.sheet_id, project=m.project, indicator=m.name, row=m.label, fy=m.fy, unit=m.unit)
            facts += [Fact(**base, field="plan", value=m.plan), Fact(**base, field="actual", value=m.actual)]
            if (r := rate(m.actual, m.plan)) is not None:
                facts.append(Fact(**{**base, "unit": "%"}, field="rate", value=r, computed=True))
        projects = list(dict.fromkeys(m.project for m in misses))
        facts.append(_count(len(projects)))
        # 「下回ったもの、全部でいくつ？」 may count the indicators: both counts are said
        facts.append(Fact(sheet_id="*", field="count", value=len(misses), unit="件", computed=True, row="該当する指標の数"))
        kind_ja = KIND_LABELS.get(f.kind or "", "指標")
        if q.lang == "en":
            verb = {"over": "exceeded", "exact": "exactly equalled"}.get(side or "", "fell short of")
            lines = "; ".join(f"{m.project}: {m.label} 「{m.name}」 FY{m.fy} actual {compose.num(m.actual)} vs plan "
                              f"{compose.num(m.plan)} {m.unit or ''}" for m in misses[:15])
            text = (f"{len(projects)} project(s) have an indicator that {verb} its plan ({len(misses)} indicator(s)): "
                    f"{lines}." if misses else "No project has such an indicator.")
        else:
            verb = {"over": "計画を上回った", "exact": "計画値ぴったりだった"}.get(side or "", "計画に届かなかった（未達成の）")
            when = compose.year_ja(fy) + "に" if fy else "最新の評価で"
            detail = "\n".join(f"・{m.project}：{m.label}「{m.name}」{m.fy}年度 実績{compose.num(m.actual, m.unit)}"
                               f"（計画{compose.num(m.plan, m.unit)}、達成率{compose.num(rate(m.actual, m.plan))}%）"
                               for m in misses[:LINES_CAP])
            names = "：" + "、".join(map(str, projects[:NAMES_CAP])) + (f"ほか{len(projects) - NAMES_CAP}事業"
                                                                      if len(projects) > NAMES_CAP else "")
            text = (f"{when}{scope + 'の事業で' if scope else ''}{kind_ja}が{verb}事業は{len(projects)}件"
                    f"（該当する{kind_ja}は{len(misses)}件）です{names}。\n{detail}"
                    if misses else f"{when}{kind_ja}が{verb}事業はありません。")
            if len(misses) > LINES_CAP:
                facts.append(_count(len(misses) - LINES_CAP))
                text += f"\n…ほか{len(misses) - LINES_CAP}件（表をご覧ください）"
        return Part(text=text, facts=facts, sheet_ids=list(dict.fromkeys(m.sheet_id for m in misses)), intent="filter")

    def all_met(self, q: Query, desk: Desk, ids: list[str] | None, scope: str, fy: int | None) -> Part:
        """「成果指標をすべて計画達成した事業」: projects none of whose indicators (of the kind asked)
        missed its plan in the year, each with its indicators."""
        f = q.frame
        rows = plan_rows(desk.store, desk.catalog, f.kind, fy, ids)
        by_project: dict[str | None, list[Missed]] = {}
        for m in rows:
            by_project.setdefault(m.project, []).append(m)
        good = {p: ms for p, ms in by_project.items() if not any(missed(m) for m in ms)}
        facts: list[Fact] = []
        for ms in good.values():
            for m in ms:
                base = dict(sheet_id=m.sheet_id, project=m.project, indicator=m.name, row=m.label, fy=m.fy, unit=m.unit)
                facts += [Fact(**base, field="plan", value=m.plan), Fact(**base, field="actual", value=m.actual)]
        facts += [_count(len(good)), Fact(sheet_id="*", field="count", value=len(by_project), unit="件", computed=True,
                                          row="計画と実績のある事業の数")]
        kind_ja = KIND_LABELS.get(f.kind or "", "指標")
        names = list(good)
        if q.lang == "en":
            text = (f"{len(good)} project(s) met the plan on every {f.kind or ''} indicator: " + ", ".join(map(str, names))
                    + f" (of {len(by_project)} with plans and actuals).") if good else \
                "No project met the plan on every such indicator."
        else:
            when = compose.year_ja(fy) + "に" if fy else "最新の評価で"
            text = (f"{when}{scope + 'の事業で' if scope else ''}{kind_ja}がすべて計画を達成した事業は{len(good)}件です"
                    f"（計画と実績のある{len(by_project)}事業のうち）：" + "、".join(map(str, names[:NAMES_CAP])) + "。")\
                if good else f"{when}{kind_ja}がすべて計画を達成した事業はありません。"
        return Part(text=text, facts=facts, sheet_ids=list(dict.fromkeys(x.sheet_id for x in facts if x.sheet_id != "*")),
                    intent="filter")

    def printed_threshold(self, q: Query, desk: Desk, ids: list[str] | None, scope: str, label: str) -> Part:
        """「他市のシートで、直近の決算の正職員数が1人以上の事業」: a row only other cities' layouts print,
        over an amount — each project's settled figure of the year asked (its latest settled year when
        none is), money compared in 千円 whatever unit its sheet prints."""
        f = q.frame
        t = f.threshold
        assert t is not None and t.value is not None
        compare = _COMPARE[t.op]
        got = []
        for by_year in _settled_printed(desk, label, ids).values():
            year = f.years[-1] if f.years else max(by_year)
            if year in by_year and compare(float(_scaled(by_year[year][2])), float(t.value)):
                got.append(by_year[year][1:])
        got.sort(key=lambda g: (-_scaled(g[1]), g[0].project or ""))
        facts = [Fact(sheet_id=ref.sheet_id, project=ref.project, indicator=label, row=label, fy=v.fy, field="printed",
                      value=v.value, unit=v.unit) for ref, v in got]
        facts += [_count(len(got)), Fact(sheet_id="*", field="threshold", value=_plain(t.value), unit=t.unit,
                                         computed=True, row="条件")]
        amount = compose.num(_plain(t.value), t.unit or "")
        if q.lang == "en":
            names = "; ".join(f"{ref.project} ({compose.num(v.value, v.unit)}, FY{v.fy} {v.basis})" for ref, v in got[:NAMES_CAP])
            text = (f"{len(got)} project(s) whose settled 「{label}」 is {_COND_EN[t.op]} {amount}: {names}." if got
                    else f"No project's settled 「{label}」 is {_COND_EN[t.op]} {amount}.")
        else:
            when = compose.year_ja(f.years[-1]) + "の決算・実績で" if f.years else "各事業の直近の決算・実績で"
            lines = "\n".join(f"・{ref.project}：{compose.num(v.value, v.unit)}（{v.fy}年度{v.basis}）" for ref, v in got[:NAMES_CAP])
            head = f"{scope + 'の事業のうち、' if scope else ''}{when}「{label}」が{amount}{_COND_JA[t.op]}"
            text = f"{head}事業は{len(got)}件です。\n{lines}" if got else f"{head}事業はありません。"
        return Part(text=text, facts=facts, sheet_ids=[ref.sheet_id for ref, _ in got], intent="filter")

    def threshold(self, q: Query, desk: Desk, ids: list[str] | None, scope: str) -> Part | None:
        f = q.frame
        t = f.threshold
        assert t is not None
        fy = f.years[0] if f.years else None
        rows = [r for r in f.rows if r in COST_FIELDS]
        if t.op != "zero" and t.value is None and len(rows) >= 2:
            return self.row_vs_row(q, desk, ids, rows[0], rows[1], t.op, fy, scope)
        field = _cost_field(q)  # 「総事業費に占める人件費の割合が40％を超える」: the part's share
        how = "share" if f.has("share") else "value"
        got = measure_costs(q, desk, field, ids, fy, how)
        if t.op == "zero":
            everyone = measure_costs(q, desk, "total_cost", ids, fy)
            have = {m.ref.sheet_id for m in got if m.value}
            got = [Measured(m.ref, m.fy, 0) for m in everyone if m.ref.sheet_id not in have]
        else:
            assert t.value is not None  # a comparison without an amount is one row against another (above)
            v = float(t.value)
            compare = _COMPARE[t.op]
            got = [m for m in got if compare(float(m.value), v)]
        got.sort(key=lambda m: m.value, reverse=True)
        unit = "%" if how == "share" else cost_unit(field)
        label = compose.row_label(field, q.lang)
        facts = [Fact(sheet_id=m.ref.sheet_id, project=m.ref.project, indicator=label, row=label, fy=m.fy,
                      field=field if how == "value" else f"{field}_share", value=m.value, unit=unit) for m in got]
        if how == "share" and q.lang == "ja":  # 「人件費が50%を超える」 reads as an amount: the share it is
            label = f"総事業費に占める{label}の割合"
        facts.append(_count(len(got)))
        if t.value is not None:  # the amount the question set, in the sheet's unit
            facts.append(Fact(sheet_id="*", field="threshold", value=_plain(t.value),
                              unit=t.unit or unit, computed=True, row="条件"))
        cond = _COND_JA[t.op]
        amount = "" if t.value is None else compose.num(_plain(t.value), t.unit or unit)
        if q.lang == "en":
            names = "; ".join(f"{m.ref.project} ({compose.num(m.value)} {unit}, FY{m.fy})" for m in got[:NAMES_CAP])
            text = f"{len(got)} project(s) match: {names}." if got else "No project matches."
        else:
            when = compose.year_ja(fy) + "に" if fy else "各事業の最新の評価対象年度に"
            lines = "\n".join(f"・{m.ref.project}：{compose.num(m.value, unit)}（{m.fy}年度）" for m in got[:NAMES_CAP])
            text = (f"{when}{scope + 'の事業で' if scope else ''}{label}{'が' + amount if amount else ''}{cond}事業は"
                    f"{len(got)}件です。\n{lines}" if got else f"{when}{label}{'が' + amount if amount else ''}{cond}事業はありません。")
        return Part(text=text, facts=facts, sheet_ids=[m.ref.sheet_id for m in got], intent="filter")

    def counted(self, q: Query, desk: Desk, ids: list[str] | None, scope: str) -> Part:
        """Indicators whose actual passes an amount that counts something (「受講者数が500人を超えた事業」,
        "more than 5,000 participants"): the rows the question's words name, in the unit it says.
        Words naming no row are said so; a cost is never compared with people or cases."""
        f = q.frame
        t = f.threshold
        assert t is not None and t.value is not None
        fy = f.years[0] if f.years else None
        rows = actual_rows(desk.store, desk.catalog, f.kind, fy, ids)
        named = _counted_rows(q, desk, t)
        what = t.noun or ("" if q.lang == "en" else _counted_words(f.norm[:max(t.at, 0)]))
        if named is None:  # no row word: every row in the unit said (「成果指標が1万件以上」)
            rows = [m for m in rows if t.unit is not None and _same_unit(m.unit, t.unit)]
        else:
            rows = [m for m in rows if m.name in named and (t.unit is None or _same_unit(m.unit, t.unit))]
        if not rows:
            kind_ja = KIND_LABELS.get(f.kind or "", "指標")
            when = compose.year_ja(fy) + "の" if fy else ""
            text = ((f"{when}{kind_ja}に、{t.unit}で数える実績のある指標はありません。" if named is None else
                     f"{when}「{what}」にあたる{kind_ja}（{t.unit or '単位'}）は、登録されているシートにありません。")
                    if q.lang == "ja" else (f"No indicator in the store counts \"{what}\"" if what else
                                            f"No indicator in the store counts in {t.unit}") + (f" in FY{fy}." if fy else "."))
            return Part(text=text, facts=[_count(0)], answerable=False, intent="filter")
        compare = _COMPARE[t.op]
        got = sorted((m for m in rows if compare(float(m.actual), float(t.value))), key=lambda m: -m.actual)
        facts = [Fact(sheet_id=m.sheet_id, project=m.project, indicator=m.name, row=m.label, fy=m.fy, field="actual",
                      value=m.actual, unit=m.unit) for m in got]
        projects = list(dict.fromkeys(m.project for m in got))
        facts += [_count(len(projects)), Fact(sheet_id="*", field="threshold", value=_plain(t.value), unit=t.unit,
                                              computed=True, row="条件")]
        amount = compose.num(_plain(t.value), t.unit)
        if q.lang == "en":
            cond = _COND_EN[t.op]
            text = (f"{len(projects)} project(s) with {cond} {amount} {what}" + (f" in FY{fy}" if fy else "") + ": "
                    + "; ".join(f"{m.project}: {m.label} 「{m.name}」 FY{m.fy} actual {compose.num(m.actual)} {m.unit or ''}"
                                for m in got[:NAMES_CAP]) + "."
                    if got else f"No project has {cond} {amount} {what} (rows looked at: "
                    + ", ".join(dict.fromkeys(f"「{m.name}」" for m in rows)) + ").")
        else:
            when = compose.year_ja(fy) + "に" if fy else "各事業の最新の評価で"
            head = f"{when}{scope + 'の事業で' if scope else ''}{what}が{amount}{_COND_JA[t.op]}事業"
            lines = [f"・{m.project}：{m.label}「{m.name}」{m.fy}年度 実績{compose.num(m.actual, m.unit)}" for m in got[:LINES_CAP]]
            text = (f"{head}は{len(projects)}件です。\n" + "\n".join(lines) if got else
                    f"{head}はありません（見た指標：" + "、".join(dict.fromkeys(f"「{m.name}」" for m in rows)) + "）。")
        return Part(text=text, facts=facts, sheet_ids=list(dict.fromkeys(m.sheet_id for m in got)), intent="filter")

    def rate_threshold(self, q: Query, desk: Desk, ids: list[str] | None, scope: str) -> Part:
        """Indicators whose achievement rate (actual ÷ plan) passes the threshold, in the year asked."""
        f = q.frame
        t = f.threshold
        assert t is not None and t.value is not None
        fy = f.years[0] if f.years else None
        compare = _COMPARE[t.op]
        got = [(r, m) for m in plan_rows(desk.store, desk.catalog, f.kind, fy, ids)
               if (r := rate(m.actual, m.plan)) is not None and compare(float(r), float(t.value))
               and not (f.of_sheets and fy is not None and (ref := desk.catalog.sheet(m.sheet_id)) is not None
                        and ref.target_fy != fy)]
        got.sort(key=lambda x: (x[0], x[1].project or ""))
        facts = []
        for r, m in got:
            base = dict(sheet_id=m.sheet_id, project=m.project, indicator=m.name, row=m.label, fy=m.fy)
            facts += [Fact(**base, field="actual", value=m.actual, unit=m.unit),
                      Fact(**base, field="plan", value=m.plan, unit=m.unit),
                      Fact(**base, field="rate", value=r, unit="%", computed=True)]
        facts.append(_count(len(got)))
        facts.append(Fact(sheet_id="*", field="threshold", value=_plain(t.value),
                          unit="%", computed=True, row="条件"))
        kind = KIND_LABELS.get(f.kind or "", "指標")
        cond = _COND_JA[t.op]
        amount = compose.num(_plain(t.value), "%")
        if q.lang == "en":
            text = (f"{len(got)} indicator(s) with an achievement rate {t.op} {amount}"
                    + (f" in FY{fy}" if fy else "") + ": "
                    + "; ".join(f"{m.project} 「{m.name}」 {compose.num(r)}%" for r, m in got[:NAMES_CAP]) + "."
                    if got else f"No indicator has an achievement rate {t.op} {amount}.")
        else:
            when = compose.year_ja(fy) + "に" if fy else "各事業の最新の評価で"
            lines = [f"・{m.project}：{m.label}「{m.name}」{compose.num(r)}%（実績{compose.num(m.actual, m.unit)}、"
                     f"計画{compose.num(m.plan, m.unit)}）" for r, m in got[:NAMES_CAP]]
            text = (f"{when}{scope + 'の事業で' if scope else ''}{kind}の達成率が{amount}{cond}ものは{len(got)}件です。\n"
                    + "\n".join(lines) if got else f"{when}{kind}の達成率が{amount}{cond}ものはありません。")
        return Part(text=text, facts=facts, sheet_ids=list(dict.fromkeys(m.sheet_id for _, m in got)), intent="filter")

    def score_threshold(self, q: Query, desk: Desk, ids: list[str] | None, scope: str) -> Part | None:
        """「二次評価の成果指標の評点が2点以下の事業」「一次と二次で評点の合計が3点以上違うシート」: the
        evaluations whose score (one item, or the sum of the five) meets the condition."""

        f = q.frame
        t = f.threshold
        assert t is not None and t.value is not None
        v = float(t.value)
        compare = _COMPARE[t.op]
        items = [i for i, item in enumerate(SCORE_ITEMS) if item in f.norm or (i == 0 and "規模" in f.norm)]
        gap = len(f.stages) == 2 and bool(re.search(r"違|差|ずれ|開き|differ|gap", f.norm))
        stages = ("primary", "secondary") if gap else (f.stages[0],) if len(f.stages) == 1 else ("secondary",)
        keep = None if ids is None else set(ids)
        per_sheet: dict[str, dict[str, int]] = {}
        for r in desk.store.evaluation_scores(stages):
            ref = desk.catalog.sheet(r.sheet_id)
            if ref is None or (keep is not None and ref.sheet_id not in keep) or (f.years and ref.target_fy not in f.years):
                continue
            scores = list(r.scores)
            picked = [scores[i] for i in items] if items and not gap else scores
            known = [x for x in picked if x is not None]
            if len(known) < len(picked):
                continue
            per_sheet.setdefault(ref.sheet_id, {})[r.stage] = sum(known)
        got: list[tuple[SheetRef, int, dict[str, int]]] = []
        for sid, by_stage in per_sheet.items():
            ref = desk.catalog.sheet(sid)
            if ref is None or any(st not in by_stage for st in stages):
                continue
            value = abs(by_stage["primary"] - by_stage["secondary"]) if gap else by_stage[stages[0]]
            if compare(value, v):
                got.append((ref, value, by_stage))
        if not f.years and not gap:  # each project's latest evaluation
            got = _latest_per_project(got, lambda g: g[0])
        got.sort(key=lambda g: (-(g[0].target_fy or 0), g[0].project or ""))
        stage_ja = STAGE_LABELS
        what = ("一次評価と二次評価の評点の合計の差" if gap else
                f"{stage_ja[stages[0]]}の" + ("・".join(SCORE_ITEMS[i] for i in items) + "の評点" if items else "評点の合計"))
        facts = []
        for ref, value, by_stage in got:
            for st, total_ in by_stage.items():
                item = "・".join(SCORE_ITEMS[i] for i in items) + "の評点" if items and not gap else "評点の合計"
                facts.append(Fact(sheet_id=ref.sheet_id, project=ref.project, row=f"{stage_ja[st]} {item}",
                                  fy=ref.target_fy, field="score_total" if not items or gap else "score", value=total_,
                                  unit="点", computed=not items or gap))
            if gap:
                facts.append(Fact(sheet_id=ref.sheet_id, project=ref.project, row=what, fy=ref.target_fy,
                                  field="score_gap", value=value, unit="点", computed=True))
        facts.append(_count(len(got)))
        facts.append(Fact(sheet_id="*", field="threshold", value=int(v) if v == int(v) else v, unit="点", computed=True,
                          row="条件"))
        cond = _COND_JA[t.op]
        amount = compose.num(int(v) if v == int(v) else v, "点")
        if q.lang == "en":
            text = (f"{len(got)} evaluation(s): " + "; ".join(f"{r.project} (FY{r.target_fy}, {x} points)" for r, x, _ in got[:NAMES_CAP])
                    + ".") if got else "No evaluation matches."
        else:
            def line(r: SheetRef, x: int, by: dict[str, int]) -> str:
                detail = f"一次{by['primary']}点・二次{by['secondary']}点、差{x}点" if gap else f"{x}点"
                return f"・{r.project}（{r.target_fy}年度実施分）：{detail}"

            text = (f"{what}が{amount}{cond}{'シート' if gap or f.years else '事業'}は{len(got)}件です"
                    f"{'（' + scope + '）' if scope else ''}。\n" + "\n".join(line(*g) for g in got[:NAMES_CAP])) \
                if got else f"{what}が{amount}{cond}ものはありません。"
        return Part(text=text, facts=facts, sheet_ids=[r.sheet_id for r, _, _ in got], intent="filter")

    def row_vs_row(self, q: Query, desk: Desk, ids: list[str] | None, a: str, b: str, op: str, fy: int | None,
                   scope: str) -> Part:
        xs = {m.ref.sheet_id: m for m in measure_costs(q, desk, a, ids, fy)}
        ys = {m.ref.sheet_id: m for m in measure_costs(q, desk, b, ids, fy)}
        bigger = op in ("gt", "ge")
        got = [(xs[s], ys[s]) for s in xs if s in ys and ((xs[s].value > ys[s].value) if bigger else
                                                         (xs[s].value < ys[s].value))]
        la, lb = compose.row_label(a, q.lang), compose.row_label(b, q.lang)
        facts = []
        for x, y in got:
            for m, lab, fld in ((x, la, a), (y, lb, b)):
                facts.append(Fact(sheet_id=m.ref.sheet_id, project=m.ref.project, indicator=lab, row=lab, fy=m.fy,
                                  field=fld, value=m.value, unit="千円"))
        facts.append(_count(len(got)))
        word = "多い" if bigger else "少ない"
        if q.lang == "en":
            text = (f"{len(got)} project(s) where {la} is {'larger' if bigger else 'smaller'} than {lb}: " +
                    "; ".join(f"{x.ref.project} ({compose.num(x.value)} vs {compose.num(y.value)} 千円, FY{x.fy})"
                              for x, y in got) + "." if got else f"No project has {la} {'above' if bigger else 'below'} {lb}.")
        else:
            lines = "\n".join(f"・{x.ref.project}（{x.fy}年度）：{la}{compose.num(x.value, '千円')}、{lb}{compose.num(y.value, '千円')}"
                              for x, y in got)
            text = (f"{scope + 'の事業で' if scope else ''}{la}が{lb}より{word}事業は{len(got)}件です。\n{lines}" if got
                    else f"{la}が{lb}より{word}事業はありません。")
        return Part(text=text, facts=facts, sheet_ids=[x.ref.sheet_id for x, _ in got], intent="filter")


# 「事業を2つ以上持ってる部」「部局ごとの事業数」「一番事業が多い課」
_PER_ORG = re.compile(r"事業(を|が)(?P<n>[0-9０-９]+)(つ|個|件|本)?以上.{0,12}(部局|部|課)|"
                      r"(部局|部|課)(ごと|別)の?(事業数|事業の数)|(部局|部|課)(ごと|別)に(見て|みて)?.{0,16}事業(を|が|の数)|"
                      r"事業(が|の数が)(一番|最も)多い(部局|部|課)|projects per (department|section)")
_AT_LEAST = re.compile(r"([0-9０-９]+)\s*(つ|個|件|本|事業)?以上")
# 「対象指標が『市民』になってる事業」: an indicator of a kind named exactly so
_KIND_IS = re.compile(r"(対象|活動|成果)指標(が|を)[『「\"']?(?P<name>[^』」\"'、,。?？(（]{1,20}?)[』」\"']?(\s*[（(][^）)]*[）)])?(に|と)(なって|なってる|して(?:いる|る)|設定)")


def _only_source(f: Frame) -> str | None:
    """The revenue row the question says pays alone (「財源が一般財源等だけ」「市債のみ」), if any."""
    for h in f.hits:
        if h.group == "row" and h.key in REVENUE_FIELDS and (_ONLY.match(f.norm, h.end) or _ALL_OF.search(f.norm[:h.start])):
            return h.key
    return None


_ONLY = re.compile(r"\s*(だけ|のみ|しか|only|alone|100\s*(?:%|パーセント|percent)"
                   r"(?!\s*(?:未満|以下|以上|超|切|割|じゃ|でな|ではな|not|below|under|or less)))")
_ALL_OF = re.compile(r"(?:全額|全部|すべて|全て|100\s*%)(?:が|を)?\s*$|\b(?:entirely|fully|wholly|100% by|all from) (?:by |from |with )?(?:the )?$")


def lists_projects(f: Frame) -> bool:
    """The question asks which projects have (or lack) rows or sheets: a list over the store even
    when a word of it names one project (「研修会の指標がある事業」)."""
    return bool(_WITH_ROW.search(f.norm) or _NO_KIND.search(f.norm) and f.kind or _HAS_SHEETS.search(f.norm)
                or _PER_ORG.search(f.norm) or _KIND_IS.search(f.norm) and f.kind or _NAMED_WITH.search(f.norm)
                # 「子育て関係の事業ってある？」: the projects of a theme, though its word names one of them
                or f.theme is not None and f.has("list", "count") and not (f.rows or f.money or f.sections or f.measures))


# 「出前講座の指標がある事業」: the projects by an indicator; 「成果指標が一つも設定されてない事業」: by none
_WITH_ROW = re.compile(r"([一-龥ァ-ヶー々a-z0-9]{2,})\s*の(指標|項目)(が|を)(ある|あります|入って|設定して|設定されて|使って|持って)|"
                       r"(指標|項目)に([一-龥ァ-ヶー々a-z0-9]{2,})(が|を)(ある|入って|含む|使って)")
_NO_KIND = re.compile(r"指標(が|を|は)(一つも|ひとつも|1つも|１つも|全く|まったく)?(設定(されて|して)?(い)?ない|ない|ありません|無い)|"
                      r"\b(no|without( any)?) (outcome|activity|target) indicators?\b")
_HAS_SHEETS = re.compile(r"シート(が|の|は)?(ある|あります|揃って|そろって|登録されて|出て)|(have|has|with) (a )?sheets?\b")
# 「保健所の事業ってこの中にいくつ入ってる？」「環境部の事業は何件？」: a count of projects, not of a row
# "how many ALTs does Higashihama employ": a count of something the sheets may count, not of projects
_COUNTS_OTHER = re.compile(r"\bhow many (?!(?:of (?:the|its|their) )?(?:projects?|programs?|programmes?|schemes?|"
                           r"initiatives?|sheets?|evaluation sheets?|different|distinct|separate|unique|of|(?:other )?"
                           rf"{lexicon().municipality_en}|are|is|were|was|in|do|does|did|have|has|there)\b)[a-z]")
_COUNT_PROJECTS = re.compile(r"事業(は|って|が|の数は?)?(この中に|全部で|全体で|ここに)?(いくつ|幾つ|何件|何本|何個|何事業)")
# 「保健所の事業は？」「水道局の事業って？」: the 部/課's projects, nothing asked of them
_OF_ORG = re.compile(r"(部|課|局|所|室|本部|事務局|委員会)の事業(は|って|を)?\s*[?？]?\s*$")
# 「事業名に『町内会』が入ってる事業」 "projects with 'digital' in their name": by a word of the name
_NAMED_WITH = re.compile(r"(事業名|名前|名称)(に|で|の中に)?\s*[「『\"]?(?P<ja>[^」』\"\s、。]{1,20}?)[」』\"]?\s*(が|を|と|って)?\s*"
                         r"(入って|入る|含まれ|含む|つく|付く|ついて|付いて|ある)|"
                         r"(with|containing|contain|contains|include|includes|including|have|has)\s+[\"'「]?(?P<en>[^\"'」]{1,30}?)[\"'」]?"
                         r"\s+in (the|their|its) names?")
# 「4年度分そろってる事業」「複数年度分のシートがある事業」 "projects with sheets for three years": by how
# many years of sheets a project has
# (not 「2024年度分」「令和6年度分」: a year's sheets)
_SHEET_COUNT = re.compile(r"(?<![0-9０-９和成rh元])(?P<n>[0-9０-９]{1,2}|複数|二|三|四|五)\s*(?:年度|年|か年|カ年|ヵ年|ケ年)(?:分|ぶん)|"
                          r"(?P<many>複数年度?|複数の年度|複数のシート|シートが複数|何(?:年度|年|か年)(?:分|ぶん)も|"
                          r"シートが(?:何枚|いくつ)も|(?:何枚|いくつ)もシート)|"
                          r"\bsheets? (?:for|covering) (?P<en>\d+|two|three|four|five|several|multiple|more than one) "
                          r"(?:or more )?(?:different )?(?:fiscal )?years\b|"
                          r"\b(?P<en_many>multiple|several|more than one|two or more) sheets\b")
_NUMBER_WORDS = {"二": 2, "三": 3, "四": 4, "五": 5, "two": 2, "three": 3, "four": 4, "five": 5}


def sheet_count(norm: str) -> int | None:
    """The least number of years of sheets the question asks a project to have (「4年度分」→ 4, 複数 → 2)."""
    m = _SHEET_COUNT.search(norm)
    if m is None:
        return None
    if m.group("many") or m.group("en_many"):
        return 2
    word = nfkc(m.group("n") or m.group("en") or "")
    return int(word) if word.isdigit() else _NUMBER_WORDS.get(word, 2)


_EVERY_YEAR = re.compile(r"毎年|全年度|すべての年度|全ての年度|どの年度も|欠けずに|抜けなく|every year|each year|all (the )?years")


class ListKind:
    name = "list"

    def fit(self, q: Query) -> float:
        f = q.frame
        # (an indicator row named counts too: 「AとB、R5の加入率を並べて」 lists figures, not projects)
        nothing_else = not (f.rows or f.money or f.measures or f.evals or f.sections or f.results or f.kind
                            or len(q.projects) >= 2 and any(m.exact or m.parts for m in q.scope_rows))
        if f.has("list", "count") and nothing_else and (not q.single or q.how == "org" or q.org_ids is not None or f.theme) \
                and not _COUNTS_OTHER.search(f.norm):
            return 0.8
        if q.how == "org" and (q.candidates or f.same_org) and nothing_else and not q.head and not _COUNTS_OTHER.search(f.norm):
            return 0.7  # 「政策開発部の事業は？」「同じ部の別の事業は？」
        if q.how == "org" and q.org_ids is not None and nothing_else and not q.head and (
                _OF_ORG.search(f.norm) or _COUNT_PROJECTS.search(f.norm)) and not f.has("summary", "why"):
            return 0.7  # 「保健所の事業は？」 names a 部/課 with one project: that project is the list
        if _NAMED_WITH.search(f.norm) and not (f.rows or f.money or f.evals or f.sections or f.results):
            return 0.95
        if _NO_KIND.search(f.norm) and f.kind and not (f.rows or f.money or f.evals or f.sections or f.results):
            return 0.9  # 「成果指標が一つも設定されてない事業」: by the rows they lack (no row is zero)
        if _PER_ORG.search(f.norm) and not (f.rows or f.money or f.evals or f.sections or f.results or f.kind):
            return 0.95  # 「事業を2つ以上持ってる部」「課ごとの事業数」: projects counted per 部/課 (no ranking of costs)
        if _KIND_IS.search(f.norm) and f.kind and not (f.rows or f.money or f.evals or f.sections or f.results):
            return 0.9
        if _WITH_ROW.search(f.norm) and not (f.rows or f.money or f.evals or f.sections or f.results or f.threshold):
            return 0.85  # 「出前講座の指標がある事業」: by their rows
        if (_HAS_SHEETS.search(f.norm) or sheet_count(f.norm) and f.has("list", "count")) and (not q.single or q.how == "only") and (
                set(f.measures) <= {"trend", "actual"} or sheet_count(f.norm)) and not (
                f.rows or f.money or f.evals or f.sections or f.results or f.kind):
            return 0.8  # 「R4からR7まで毎年シートがある事業」: the projects by the years of their sheets
        return 0.0

    def answer(self, q: Query, desk: Desk) -> Part | None:
        f = q.frame
        if m_name := _NAMED_WITH.search(f.norm):
            return self.named_with(q, desk, m_name.group("ja") or m_name.group("en"))
        if _NO_KIND.search(f.norm) and f.kind:
            return self.without_kind(q, desk, f.kind)
        if (m := _PER_ORG.search(f.norm)) and not f.kind:
            return self.per_org(q, desk, m)
        if (m := _KIND_IS.search(f.norm)) and f.kind:
            return self.kind_is(q, desk, f.kind, m.group("name"))
        if (m := _WITH_ROW.search(f.norm)) and not (f.rows or f.money):
            return self.with_row(q, desk, m.group(1) or m.group(6))
        ids, scope = scope_ids(q, desk)
        cat = desk.catalog
        keep = None if ids is None else set(ids)
        refs = [s for s in cat.sheets if keep is None or s.sheet_id in keep]
        years = q.frame.years
        said_ja = said_en = ""
        least = sheet_count(q.frame.norm)
        years_of: dict[ProjectKey, set[int]] = {}
        for s in refs:
            years_of.setdefault(project_key(s), set()).add(s.target_fy or 0)
        if len(years) >= 2 and (q.frame.has("trend") or _EVERY_YEAR.search(q.frame.norm) or least and q.frame.year_range):
            said_ja = f"{min(years)}〜{max(years)}年度のどの年度にもシートがある"
            said_en = f" with a sheet for every year FY{min(years)}–FY{max(years)}"
            # a sheet for each year of the range: the projects none of whose years is missing
            wanted = set(range(min(years), max(years) + 1))
            refs = [s for s in refs if wanted <= years_of[project_key(s)] and s.target_fy in wanted]
            least = None  # (「R4〜R7の4年分」: the range says which four)
        elif years:
            refs = [s for s in refs if s.target_fy in years]
            said_ja = "・".join(f"{y}年度" for y in years) + "実施分のシートがある"
            said_en = " with a sheet for " + ", ".join(f"FY{y}" for y in years)
        if least is not None:
            refs = [s for s in refs if len(years_of[project_key(s)]) >= least]
            said_ja = (said_ja[:-1] + "り、" if said_ja else "") + f"シートが{least}年度分以上ある"
            said_en += f"{' and' if said_en else ''} with sheets for {least} or more years"
        names = list(dict.fromkeys(s.project for s in refs if s.project))
        if q.frame.same_org and not names:
            text = (f"{scope}にはほかの事業のシートは登録されていません。" if q.lang == "ja"
                    else f"No other project of {scope} is in the store.")
            return Part(text=text, facts=[_count(0)], answerable=False, intent="list")
        facts = [Fact(sheet_id=s.sheet_id, project=s.project, field="section", value=s.section or s.department,
                      row="担当") for s in refs] + [_count(len(names))]
        where = f"{scope}の" if scope else "" if said_ja else "登録されているシートの"
        text = (f"{where}{said_ja}事業は{len(names)}件です：" + "、".join(names) + "。") if q.lang == "ja" else (
            f"{len(names)} project(s){' for ' + scope if scope else ''}{said_en}: " + ", ".join(names) + ".")
        if SHEETS_COUNTED.search(f.norm):
            # 「郡山のシートって何枚？」: the sheets, then the projects they are of (a project has a sheet a year)
            facts.append(Fact(sheet_id="*", project=None, field="sheet_count", value=len(refs), unit="件",
                              computed=True, row="シート数"))
            text = (f"{where}シートは{len(refs)}件（{len(names)}事業分）です。\n" if q.lang == "ja"
                    else f"{len(refs)} sheets ({len(names)} projects).\n") + text
        if CITIES_COUNTED.search(f.norm):  # 「郡山市以外の自治体のシート、何団体分？」: the cities, counted
            cities = sorted({c for s in refs if (c := cat.city_of.get(s.sheet_id))})
            facts.append(Fact(sheet_id="*", project=None, field="city_count", value=len(cities), computed=True))
            text = (f"{'・'.join(cities)}の{len(cities)}団体です。\n" if q.lang == "ja"
                    else f"{len(cities)} municipalities: {', '.join(cities)}.\n") + text
        return Part(text=text, facts=facts, sheet_ids=[s.sheet_id for s in refs], intent="list")


    def named_with(self, q: Query, desk: Desk, term: str) -> Part:
        """The projects whose name holds ``term`` (「事業名に町内会が入ってる事業」), their latest sheets."""
        want = squash(term)
        found = [r for r in _latest_per_project(list(desk.catalog.sheets), lambda r: r) if want in squash(r.project or "")]
        facts = [Fact(sheet_id=r.sheet_id, project=r.project, field="project", value=r.project) for r in found]
        facts.append(_count(len(found)))
        names = "、".join(r.project or "" for r in found)
        text = (f"事業名に「{term}」を含む事業は{len(found)}件です" + (f"：{names}。" if found else "。") if q.lang == "ja"
                else f"{len(found)} project(s) have 「{term}」 in their name" + (f": {names}." if found else "."))
        return Part(text=text, facts=facts, sheet_ids=[r.sheet_id for r in found], answerable=True, intent="list")

    def with_row(self, q: Query, desk: Desk, term: str) -> Part:
        """The projects one of whose indicators is about ``term`` (「出前講座の指標がある事業」), each with
        the indicator's name as its latest sheet prints it."""
        cat = desk.catalog
        want = squash(re.sub(r"(?<=.{2})(系|系統|関係|関連|っぽい|的な)$", "", term))  # 「満足度系の指標」: 満足度
        stem = re.sub(r"(?<=.{2})度$", "", want)  # 満足度 of 「満足している市民の割合」 too
        found: dict[ProjectKey, tuple[SheetRef, str]] = {}
        for ref in cat.sheets:
            for i in cat.indicators_of(ref.sheet_id):
                if i.name and stem in squash(i.name):
                    k = project_key(ref)
                    if k not in found or (ref.target_fy or 0) > (found[k][0].target_fy or 0):
                        found[k] = (ref, i.name)
        facts = [Fact(sheet_id=r.sheet_id, project=r.project, indicator=name, field="indicator_name", value=name)
                 for r, name in found.values()] + [_count(len(found))]
        if q.lang == "ja":
            lines = [f"「{term}」の指標がある事業は{len(found)}件です。"] + [f"・{r.project}：{name}" for r, name in found.values()]
        else:
            lines = [f"{len(found)} project(s) have an indicator about 「{term}」."] + [
                f"- {r.project}: {name}" for r, name in found.values()]
        return Part(text="\n".join(lines), facts=facts, sheet_ids=[r.sheet_id for r, _ in found.values()],
                    answerable=bool(found), intent="list")

    def per_org(self, q: Query, desk: Desk, m: re.Match[str]) -> Part:
        """Projects counted per 部 (or 課, when the question says 課), latest sheets; 「2つ以上」 keeps
        the 部 with at least that many."""
        cat = desk.catalog
        by_section = "課" in (m.group(0) or "") or "section" in q.frame.norm
        latest = _latest_per_project(list(cat.sheets), lambda r: r)
        groups: dict[str, list[SheetRef]] = {}
        for r in latest:
            groups.setdefault((r.section if by_section else r.department) or "（不明）", []).append(r)
        n = _AT_LEAST.search(q.frame.norm)
        least = int(nfkc(n.group(1))) if n else 1
        kept = sorted(((org, rs) for org, rs in groups.items() if len(rs) >= least), key=lambda x: (-len(x[1]), x[0]))
        facts = [Fact(sheet_id=r.sheet_id, project=r.project, field="section" if by_section else "department",
                      value=org, row="担当") for org, rs in kept for r in rs]
        facts += [Fact(sheet_id="*", field="count", value=len(rs), unit="件", computed=True, row=org) for org, rs in kept]
        facts.append(_count(len(kept)))
        unit = "課" if by_section else "部"
        if q.lang == "ja":
            head = (f"事業を{least}つ以上持つ{unit}は{len(kept)}つです。" if least > 1
                    else f"{unit}ごとの事業数（最新のシート）は次のとおりです。")
            lines = [head] + [f"・{org}：{len(rs)}事業（" + "、".join(r.project or "" for r in rs) + "）" for org, rs in kept]
        else:
            head = (f"{len(kept)} {'sections' if by_section else 'departments'} have {least} or more projects."
                    if least > 1 else f"Projects per {'section' if by_section else 'department'} (latest sheets):")
            lines = [head] + [f"- {org}: {len(rs)} ({', '.join(r.project or '' for r in rs)})" for org, rs in kept]
        return Part(text="\n".join(lines), facts=facts, sheet_ids=[r.sheet_id for _, rs in kept for r in rs],
                    answerable=bool(kept), intent="list")

    def kind_is(self, q: Query, desk: Desk, kind: str, name: str) -> Part:
        """The projects whose indicator of ``kind`` is exactly ``name`` (「対象指標が『市民』の事業」: not
        「65歳以上の市民」), on their latest sheet."""
        cat = desk.catalog
        want = squash(name)
        latest = _latest_per_project(_scoped_sheets(desk, scope_ids(q, desk)[0]), lambda r: r)
        hits = [(r, i) for r in latest for i in cat.indicators_of(r.sheet_id)
                if i.kind == kind and i.name and squash(i.name) == want]
        label = KIND_LABELS.get(kind, kind)
        facts = [Fact(sheet_id=r.sheet_id, project=r.project, indicator=i.name, row=i.label, field="indicator_name",
                      value=i.name) for r, i in hits] + [_count(len(hits))]
        if q.lang == "ja":
            lines = [f"{label}が「{name}」の事業は{len(hits)}件です（最新のシート）。"] + [f"・{r.project}" for r, _ in hits]
        else:
            lines = [f"{len(hits)} project(s) whose {label} is 「{name}」 (latest sheets):"] + [
                f"- {r.project}" for r, _ in hits]
        return Part(text="\n".join(lines), facts=facts, sheet_ids=[r.sheet_id for r, _ in hits], intent="list")

    def without_kind(self, q: Query, desk: Desk, kind: str) -> Part:
        """The projects whose latest sheet sets no indicator of ``kind`` (「成果指標が一つもない事業」)."""
        cat = desk.catalog
        ids, scope = scope_ids(q, desk)
        latest = _latest_per_project(_scoped_sheets(desk, ids), lambda r: r)
        none = [r for r in latest if not any(i.kind == kind and i.name for i in cat.indicators_of(r.sheet_id))]
        label = KIND_LABELS.get(kind, kind)
        facts = [Fact(sheet_id=r.sheet_id, project=r.project, fy=r.target_fy, field="indicator_count", row=label, value=0,
                      computed=True) for r in none] + [_count(len(none))]
        if q.lang == "ja":
            lines = [f"{scope + 'の事業のうち' if scope else ''}最新のシートで{label}が一つも設定されていない事業は{len(none)}件です。"] + [
                f"・{r.project}（{r.target_fy}年度実施分）" for r in none]
        else:
            lines = [f"{len(none)} project(s) set no {label} on their latest sheet."] + [
                f"- {r.project} (FY{r.target_fy})" for r in none]
        return Part(text="\n".join(lines), facts=facts, sheet_ids=[r.sheet_id for r in none], intent="list")


def _scoped_sheets(desk: Desk, ids: list[str] | None) -> list[SheetRef]:
    """The store's sheets within the scope :func:`scope_ids` gave (a 部/課, a city, a layout, a theme)."""
    keep = None if ids is None else set(ids)
    return [r for r in desk.catalog.sheets if keep is None or r.sheet_id in keep]


T = TypeVar("T")


def _latest_per_project(items: list[T], ref_of: Callable[[T], SheetRef]) -> list[T]:
    """Of items about sheets, the one about each project's latest evaluated sheet (first seen on a tie)."""
    latest: dict[ProjectKey, T] = {}
    for item in items:
        k = project_key(ref_of(item))
        if k not in latest or (ref_of(item).target_fy or 0) > (ref_of(latest[k]).target_fy or 0):
            latest[k] = item
    return list(latest.values())


def _stage_results(r: SheetRef) -> list[Fact]:
    """A sheet's 一次評価 and 二次評価 results as facts."""
    base = dict(sheet_id=r.sheet_id, project=r.project, fy=r.target_fy, field="result")
    return [Fact(**base, row=STAGE_LABELS[st], indicator=f"{STAGE_LABELS[st]}の評価結果", value=v)
            for st, v in (("primary", r.primary), ("secondary", r.secondary))]


# how each comparator reads in a Japanese answer (「50%未満の」)
_COND_JA = {"gt": "を超える", "ge": "以上の", "lt": "未満の", "le": "以下の", "zero": "がない（ゼロの）"}
_COND_EN = {"gt": "more than", "ge": "at least", "lt": "less than", "le": "at most", "zero": "zero"}


_BUT_GENERAL = re.compile(r"一般財源(?:等)?以外|other than (?:the )?general (?:revenue|funds?)|besides general (?:revenue|funds?)")
_OF_PROJECTS = re.compile(r"事業|projects|programs")
# "did any projects use municipal bonds", 「市債を使った事業ある？」: the projects where a row is not empty
_ANY_PROJECT = re.compile(r"\bany\b[\w\s]{0,20}\b(?:projects?|programs?)\b"
                          r"|\bwhich (?:[a-z]+ ){0,2}(?:projects?|programs?) (?:used?|had|have|got|received)\b"
                          r"|(?:使った|使ってる|使っている|入った|入ってる|入っている|受けた|ある|あった)事業(?:は|って|ある|あった|[？?]|$)"
                          # 「市債を財源に入れてる郡山の事業」「地方債を財源にしてる他市のシート」
                          r"|財源(?:に|として)(?:入れ|し|使|充て|組み込|用い)[ぁ-ゖ]{0,5}(?:[一-龥ァ-ヶ]{1,6}の)?(?:事業|シート)")
_UNIT_FORMS = {"か所": "箇所", "ヶ所": "箇所", "カ所": "箇所", "名": "人", "トン": "t"}


def _same_unit(a: str | None, b: str) -> bool:
    return a is not None and _UNIT_FORMS.get(a, a) == _UNIT_FORMS.get(b, b)


# words before an amount that name no row: every row in the unit said is meant
_NO_ROW_WORDS = frozenset({"実績", "実績値", "指標", "件数", "人数", "回数", "数", "値", *KIND_LABELS.values()})


def _counted_words(before: str) -> str:
    """The words before a Japanese amount that name what it counts: 「R6に受講者数が」 → 受講者数."""
    words = [w for w in re.split(r"[、,\s]|に|で|は|が|の|を", before) if w and not re.search(r"\d", w)]
    return words[-1] if words else "実績"


def _counted_rows(q: Query, desk: Desk, t: Threshold) -> set[str] | None:
    """The indicator names the words of a counting threshold name (None when they name none: the
    question says only a kind or 実績)."""
    norm = q.frame.norm
    if not t.noun and (q.lang == "en" or _counted_words(norm[:max(t.at, 0)]) in _NO_ROW_WORDS):
        return None  # "over 300 cases", 「成果指標が1万件以上」: every row in the unit said
    if t.noun:  # (English: the noun after the amount, its words carried to Japanese)
        at = norm.find(t.noun, max(t.at, 0))
        r = with_dictionary(read_question(norm[at:at + len(t.noun)]), 0, len(t.noun))
    else:  # (Japanese: the words before it)
        r = read_question(norm[:max(t.at, 0)])
    # a word only some rows have settles them (受講者数), as a project's own word settles its name
    found = matcher_for(tuple(desk.catalog.indicator_matcher.names)).match(r, 0.6)
    if not found:
        return set()
    best = found[0].score
    return {m.name for m in found if m.score >= best - 0.15}


def _plain(v: Decimal) -> int | float:
    """A threshold as the question wrote it: 50, not 50.0; 2.5 as it is."""
    return float(v) if v % 1 else int(v)


def _result_of(r: SheetRef, stage: str) -> str | None:
    """A sheet's result at one stage (二次評価 unless 一次評価 is asked)."""
    return r.primary if stage == "primary" else r.secondary


# 「シートって何件入ってる？」「何枚」 "how many sheets": the sheets counted, not only their projects
SHEETS_COUNTED = re.compile(r"シート[^。？?]{0,12}?(?:何件|何枚|いくつ|何本|の数|の件数|の枚数)|何枚|"
                            r"\b(?:how many|number of) (?:\w+ ){0,3}sheets\b")


def _count(n: int) -> Fact:
    """How many projects a list holds: a number the answer states, so a fact like any other."""
    return Fact(sheet_id="*", field="count", value=n, unit="件", computed=True, row="件数")


__all__ = ["RankKind", "FilterKind", "ListKind", "RESULT_WORDS", "lists_projects", "rated_as"]
