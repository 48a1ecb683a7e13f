"""One row of a project per unit of another: 「1回あたり平均何人参加？」 (参加人数 ÷ 開催回数),
"how many children per club?" (受入児童数 ÷ 設置数) — computed from the two rows' actuals of
each year asked, and shown with both.

A cost per unit is no ratio of rows: the sheet prints its own 単位コスト (:mod:`rows`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from assistant import compose
from assistant.answer import Fact
from assistant.kinds.base import Desk, Part, read_years
from assistant.kinds.figure import IN_THOUSANDS, FigureKind, asked_counter, unit_fits
from assistant.kinds.rows import Row, indicator_row, indicator_rows
from assistant.lexicon import lexicon
from assistant.measures import times
from assistant.query import Project, Query
from assistant.resolve import bigrams

_PER_JA = re.compile(r"(?:1|一|１)?\s*([一-龥ァ-ヶー]{1,6}?)\s*(?:あたり|当たり|につき)(?!.{0,4}(?:コスト|費用|経費|円|金額|単価))")
_PER_EN = re.compile(r"\bper\s+([a-z]+)\b(?!\s+(?:cost|yen))")
_EN_UNITS = {"session": "回", "sessions": "回", "time": "回", "event": "回", "meeting": "回", "class": "回",
             "case": "件", "application": "件", "person": "人", "participant": "人", "user": "人", "household": "世帯",
             "school": "校", "facility": "施設", "site": "か所", "place": "か所", "location": "か所"}
_PEOPLE = ("人", "名", "世帯")


@dataclass(frozen=True)
class Per:
    word: str  # what one unit is, as asked: 回, クラブ, club
    counter: str | None  # its counter when it is one (回, 件, 施設 …)


_DIVIDE = re.compile(r"([一-龥ァ-ヶー]{1,10}?)で割(る|ると|った)")




def _yen(value: float) -> int:
    return int(Decimal(str(value)).quantize(Decimal("1"), ROUND_HALF_UP))


def asks_per(q: Query) -> Per | None:
    f = q.frame
    if any(r.startswith("unit_cost") for r in f.rows) or f.money:
        return None
    if m := _DIVIDE.search(f.norm):  # 「実績を導入施設数で割ると」: per one of what it is divided by
        word = m.group(1)
        unit = next((c for c in ("施設", "か所", "箇所", "件", "回", "人", "校", "世帯") if word.endswith(c) or c in word), None)
        return Per(word, unit)
    if m := _PER_JA.search(f.norm):
        word = m.group(1)
        counter = word if word in ("人", "名", "件", "回", "施設", "か所", "箇所", "校", "世帯", "団体", "日") else None
        if counter in ("人", "名", "世帯") and (noun := _counted_noun(f.norm[:m.start(1)])):
            return Per(noun, counter)  # 「未就学児1人あたり」: per one of them, counted in 人
        return Per(word, counter)
    if m := _PER_EN.search(f.norm):
        word = m.group(1)
        return Per(word, _EN_UNITS.get(word))
    return None


# money per one of something: 「1人当たり何円」「市民の数で割ると」 "per resident"
_MONEY_PER = re.compile(r"(?:1|一)\s*(人|名|世帯|件|回|施設|校|か所|箇所|km|m|ha|t|台|団体|日)\s*"
                        r"(?:あたり|当たり|につき|(?:やる|開く|行う|実施する|開催する)?のに)|"
                        r"([一-龥ァ-ヶー]{1,10}?)(?:の数)?で割|\bper (person|resident|citizen|participant|user|household)\b")
_SPENT = ("total_cost", "project_cost", "personnel_cost", "general_revenue", "national_prefectural")


_TIME_ASKED = re.compile(r"何(分|時間|日)|how (many )?(minutes|hours|days)|how long")


def asks_cost_per(q: Query) -> tuple[str, Per] | None:
    """A cost row named and divided by a count of the project (「総事業費を対象の市民の数で割ると1人当たり何円」):
    the cost row and what one unit is. Not when the sheet's own 単位コスト is named as such."""
    f = q.frame
    spent = [r for r in f.rows if r in _SPENT]
    if "単位コスト" in f.norm or "unit cost" in f.norm or (
            any(r.startswith("unit_cost") for r in f.rows) and not spent):  # 『…1件当たりのコスト』 the sheet prints
        return None
    if _TIME_ASKED.search(f.norm):
        return None  # 「1件あたり平均何分かかってる？」: time, which no cost divided by a count gives
    m = _MONEY_PER.search(f.norm)
    # no cost row named: 「1回やるのにいくらかかってる」 is what the whole project cost, per one; 「1件あたり
    # いくら補助してる」 is a subsidy per case, which no sheet gives
    if m is None or not (spent or re.search(r"かかっ|かかる|こすと|コスト|費用|経費|\bcost", f.norm)):
        return None
    spent = spent or ["total_cost"]
    word = m.group(1) or m.group(2) or _EN_UNITS.get(m.group(3) or "", "人")
    counter = next((c for c in ("施設", "か所", "箇所", "件", "回", "校", "世帯", "人", "名", "km", "ha", "台", "団体", "日")
                    if c in word), None) or (word if word in ("m", "t") else None)
    if m.group(3):
        counter = "人"
    if m.group(1) in ("人", "名", "世帯") and (noun := _counted_noun(f.norm[:m.start()])):
        word = noun  # 「未就学児1人あたりの総事業費」: divided by the 未就学児, not any row counted in 人
    return spent[0], Per(word, counter)


def _counted_noun(before: str) -> str | None:
    """The noun right before 「1人あたり」 (「未就学児1人あたり」 → 未就学児): what one unit is one of."""
    m = re.search(r"([一-龥ァ-ヶー]{2,8})の?\s*$", before.rstrip("1一１ "))
    return m.group(1) if m else None


def _counter(norm: str) -> str | None:
    c = asked_counter(norm)
    if c is None and re.search(r"how many (children|students|pupils|users|visitors|members|staff)", norm):
        c = "人"
    return c


class RatioKind:
    name = "ratio"

    def fit(self, q: Query) -> float:
        if q.projects and asks_cost_per(q):
            return 0.9
        divided = bool(_DIVIDE.search(q.frame.norm))
        return 0.88 if q.projects and asks_per(q) and (_counter(q.frame.norm) or divided) else 0.0

    def answer(self, q: Query, desk: Desk) -> Part | None:
        if (money := asks_cost_per(q)) is not None:
            return self.cost_per(q, desk, *money)
        per = asks_per(q)
        counter = _counter(q.frame.norm)
        if per is None or (counter is None and not _DIVIDE.search(q.frame.norm)):
            return None
        part = Part(text="", intent="figure")
        lines: list[str] = []
        for p in q.projects[:3]:
            lines += self.project_lines(q, desk, p, per, counter, part)
        if not part.facts:
            return None
        part.text = "\n".join(lines)
        part.sheet_ids = list(dict.fromkeys(x.sheet_id for x in part.facts))
        return part

    def cost_per(self, q: Query, desk: Desk, key: str, per: Per) -> Part | None:
        """A cost row (千円) ÷ a count of the project, in yen per one, rounded half up to the yen."""
        from assistant.kinds.rows import cost_row

        part = Part(text="", intent="figure")
        lines: list[str] = []
        figure = FigureKind()
        money = cost_row(key)
        for p in q.projects[:3]:
            latest = desk.sheet(p.latest.sheet_id)
            if latest is None:
                continue
            den = _denominator(q, [indicator_row(i) for i in latest.indicators if i.name], per)
            if den is None:
                lines.append(f"{p.name}のシートには、{money.name}を割る「{per.word}」の数の行がありません。" if q.lang == "ja"
                             else f"The sheet of {p.name} has no count of {per.word} to divide {money.name} by.")
                continue
            for fy in read_years(q, p).years:
                a, b = figure.cell(desk, p, money, fy), figure.cell(desk, p, den, fy)
                count = b.actual if b is not None else None
                if a is None or a.value is None or b is None or not count:
                    continue
                yen = _yen(a.value * 1000 / count)
                base = dict(project=p.name, fy=fy)
                part.facts += [Fact(sheet_id=a.sheet.sheet_id, indicator=money.name, row=money.name, field=key,
                                    value=a.value, unit="千円", **base),
                               Fact(sheet_id=b.sheet.sheet_id, indicator=den.name, row=den.key, field="actual",
                                    value=count, unit=den.unit, **base),
                               Fact(sheet_id=a.sheet.sheet_id, indicator=f"{money.name} ÷ {den.name}", row="比率",
                                    field="ratio", value=yen, unit="円", computed=True, **base)]
                # in the sheet's own unit too: 「3,714千円」 is how a 財政課 analyst reads it back
                # (to one decimal when asked in 千円 and under 1,000千円: 「千円で計算して」 → 888.4千円)
                thousands = (times(a.value, count) if IN_THOUSANDS.search(q.frame.norm) and yen < 1_000_000
                             else _yen(a.value / count)) if yen >= 10_000 else None
                if thousands is not None:
                    part.facts.append(Fact(sheet_id=a.sheet.sheet_id, indicator=f"{money.name} ÷ {den.name}", row="比率",
                                           field="ratio_thousands", value=thousands, unit="千円", computed=True, **base))
                in_thousands = f"（約{compose.num(thousands, '千円')}）" if thousands is not None else ""
                unit = den.unit or ""
                # 1km, 1施設, 1人 (of 千人)
                one = unit if re.fullmatch(r"[a-zA-Z]+", unit) else next(
                    (c for c in ("施設", "か所", "箇所", "団体", "世帯", "事業所") if unit.endswith(c)), unit[-1:] or "件")
                if q.lang == "ja":
                    lines.append(f"{p.name}の{compose.year_ja(fy)}は、{money.name}{compose.num(a.value, '千円')}÷"
                                 f"{den.name}{compose.num(count, unit)}で、1{one}あたり約{compose.num(yen, '円')}"
                                 f"{in_thousands}です（円未満四捨五入）。")
                else:
                    lines.append(f"{p.name}, FY{fy}: {money.name} {compose.num(a.value)} 千円 ÷ {den.name} "
                                 f"{compose.num(count)} {unit} = about {compose.num(yen)} yen per {per.word}"
                                 + (f" (about {compose.num(thousands)} 千円)." if thousands is not None else "."))
        if not part.facts and not lines:
            return None
        part.text = "\n".join(lines)
        part.answerable = bool(part.facts)
        part.sheet_ids = list(dict.fromkeys(x.sheet_id for x in part.facts)) or [p.latest.sheet_id for p in q.projects[:3]]
        return part

    def project_lines(self, q: Query, desk: Desk, p: Project, per: Per, counter: str | None, part: Part) -> list[str]:
        latest = desk.sheet(p.latest.sheet_id)
        if latest is None:
            return []
        rows = [indicator_row(i) for i in latest.indicators if i.name]
        words = {per.word, *lexicon().english.get(per.word, ()), *lexicon().english.get(per.word + "s", ())}
        named = [r for r in rows if len(per.word) >= 3 and per.word in r.name]  # 「導入施設数で割ると」
        if named:
            dens = named
        elif per.counter:
            dens = [r for r in rows if per.counter in (r.unit or "")]  # the unit itself: 施設 is no count of 件
        else:  # 「クラブあたり」: the row counting those things, not people
            dens = [r for r in rows if any(w in r.name for w in words) and not any(u in r.unit for u in _PEOPLE)]
        if counter is not None:
            nums = [r for r in rows if unit_fits(counter, r.unit) and r not in dens]
        else:  # 「利用件数を導入施設数で割ると」: the row the question names, divided
            nums = [r for r in indicator_rows(q, p, latest) if r not in dens]
        pair = _best_pair(nums, dens, q)
        if pair is None:
            return []
        num, den = pair
        figure = FigureKind()
        out: list[str] = []
        for fy in read_years(q, p).years:
            a, b = figure.cell(desk, p, num, fy), figure.cell(desk, p, den, fy)
            if a is None or b is None or a.actual is None or not b.actual:
                continue
            value = float(Decimal(str(a.actual / b.actual)).quantize(Decimal("0.1"), ROUND_HALF_UP))
            base = dict(project=p.name, fy=fy)
            part.facts += [Fact(sheet_id=a.sheet.sheet_id, indicator=num.name, row=num.key, field="actual",
                                value=a.actual, unit=num.unit, **base),
                           Fact(sheet_id=b.sheet.sheet_id, indicator=den.name, row=den.key, field="actual",
                                value=b.actual, unit=den.unit, **base),
                           Fact(sheet_id=a.sheet.sheet_id, indicator=f"{num.name} ÷ {den.name}", row="比率",
                                field="ratio", value=value, unit=f"{num.unit}/{den.unit}", computed=True, **base)]
            if q.lang == "ja":
                out.append(f"{p.name}の{compose.year_ja(fy)}は、{num.name}{compose.num(a.actual, num.unit)}÷{den.name}"
                           f"{compose.num(b.actual, den.unit)}で、{den.unit}あたり約{compose.num(value)}{num.unit}です。")
            else:
                out.append(f"{p.name}, FY{fy}: {num.name} {compose.num(a.actual)} {num.unit} ÷ {den.name} "
                           f"{compose.num(b.actual)} {den.unit} = about {compose.num(value)} {num.unit} per {den.unit}.")
        return out


def _denominator(q: Query, rows: list[Row], per: Per) -> Row | None:
    """The count a cost is divided by: the row the question names among those counting in the unit
    asked, else the 対象指標 when the question says 対象 or asks per person."""
    fitting = [r for r in rows if per.counter is None or unit_fits(per.counter, r.unit)
               or per.counter in ("人", "名") and any(u in (r.unit or "") for u in _PEOPLE)]
    named = [r for r in fitting if r.name and r.name.lower() in q.frame.norm] or \
        [r for r in fitting if len(per.word) >= 2 and per.word in (r.name or "")]
    if named:
        return max(named, key=lambda r: len(r.name or ""))
    asked = bigrams(q.frame.norm)
    scored = sorted(fitting, key=lambda r: -len(bigrams(r.name or "") & asked))
    if scored and len(bigrams(scored[0].name or "") & asked) >= 2:
        return scored[0]
    if len(fitting) == 1 and per.counter not in (None, "人", "名", "世帯"):
        return fitting[0]  # 「改修1校あたり」: the one row counting schools
    target = [r for r in fitting if r.key.startswith("対象")]
    if target and ("対象" in q.frame.norm or per.counter in ("人", "名", "世帯")):
        return target[0]
    return None


def _best_pair(nums: list[Row], dens: list[Row], q: Query) -> tuple[Row, Row] | None:
    """The two rows about the same thing (参加人数 and 開催回数 of one 研修会), the question's words
    breaking ties."""
    if not nums or not dens:
        return None
    asked = bigrams(q.frame.norm)

    def score(n: Row, d: Row) -> tuple[int, int]:
        return len(bigrams(n.name) & bigrams(d.name)), len(bigrams(n.name) & asked) + len(bigrams(d.name) & asked)

    return max(((n, d) for n in nums for d in dens), key=lambda x: score(*x))
