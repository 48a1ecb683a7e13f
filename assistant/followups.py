"""A question about the answer just given, read against that answer rather than asked afresh.

After a list across projects, 「じゃあ縮小は？」 asks the list again with one thing changed
(:func:`swapped`), 「逆に一番少ないのは？」 turns a ranking round (:func:`flipped`), 「その中で…」 asks
of the projects listed (:func:`within_list`), 「3番目は？」 names a place of the ranking shown
(:func:`nth_of_before`) and 「その事業の…」 is the project it named first (:func:`top_of_ranking`).
「その2つの差は？」「合わせると？」 compute on the figures shown (:func:`on_figures_before`), and
「もう一つの…事業のほうは？」 is the project named earlier beside the current one (:func:`the_other`).
Each returns None when the question asks something of its own; the assistant then reads it as usual.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from assistant import compose
from assistant.answer import NOT_FIGURES, Answer, Citation, Fact
from assistant.lexicon import kanji_number
from assistant.understand import Frame, understand
from ingest.vocabulary import COST_FIELDS

if TYPE_CHECKING:
    from assistant.chain import Turn

_ACROSS = ("filter", "ranking", "list")


@lru_cache(maxsize=256)
def _read(text: str) -> Frame:
    """The question read once for every reader here (each asks of the same turn; none changes the frame)."""
    return understand(text)


def _listed(before: Answer) -> list[Fact]:
    """The figures the answer before showed: its own facts (not computed) of a project its text names."""
    return [x for x in before.facts if x.project and x.sheet_id != "*" and not x.computed and x.field not in NOT_FIGURES
            and x.project in before.answer]


def _projects(before: Answer) -> list[str]:
    """The projects the answer before named with a figure, in the order of its facts."""
    return [x.project for x in _listed(before) if x.project]


def _number(x: Fact) -> bool:
    return isinstance(x.value, int | float) and not isinstance(x.value, bool)
_YEAR_WORD = re.compile(r"(令和|平成|r|h|fy)?\s*[0-9０-９元]{1,4}\s*年?度?", re.I)


def swapped(question: str, before: str, before_intent: str | None) -> str | None:
    """「じゃあ縮小は？」 after 「二次評価が『拡充』になった事業は？」: the question before with the one thing
    changed (a result, or a year), when the turn before asked across projects and this one names
    nothing else; None otherwise."""
    if before_intent not in _ACROSS or len(question) > 24:
        return None
    f, b = _read(question), _read(before)
    if f.rows or f.sections or f.kind or f.money or f.evals or f.measures and f.measures != ["change"] \
            or set(f.ops) - {"list", "count"}:
        return None  # 「それぞれ廃止の理由は？」 asks something of the list, not another list
    if f.results and b.results and not f.years:
        old = b.results[0]
        return before.replace(old, "・".join(f.results), 1) if old in before else None
    if f.years and b.years and not f.results and len(f.years) == len(b.years) == 1:
        now, was = _YEAR_WORD.search(f.text), _YEAR_WORD.search(before)
        if now and was:
            return before[:was.start()] + now.group(0).strip() + before[was.end():]
    return None


_SUM_ASK = re.compile(r"合計|足す|足し|総額|合わせ(?:る|て|ると)|\b(?:sum|total|add (?:them|those|these) up|combined)\b")
_DIFF_ASK = re.compile(r"差(?!押)|違い|違う|開き|\b(?:difference|gap)\b")
_RATIO_ASK = re.compile(r"何倍|倍|\b(?:times|ratio)\b")
_OF_THOSE = re.compile(r"その|それ|これ|この|上の|今の|さっき|挙げた|両方|どっち|[0-9０-９一二三四五六七八九十]+\s*(?:つ|事業|件)|全部|みんな|"
                       r"\b(?:those|these|them|both|all of|the two)\b")


def on_figures_before(question: str, before: Answer) -> Answer | None:
    """「その3つを合計すると？」「その2つの差は？」「上の2つで何倍違う？」「差額は？」: arithmetic on the figures
    the answer before showed (each kept with its sheet, the result computed); None when the question
    asks anything of its own (a row, a year, a section) or the figures shown are not one kind."""
    f = _read(question)
    n = f.norm
    op = "sum" if _SUM_ASK.search(n) else "ratio" if _RATIO_ASK.search(n) else "diff" if _DIFF_ASK.search(n) else None
    bare = len(n) <= 12  # 「差額は？」「合わせると何件？」: nothing but the operation
    if op is None or len(question) > 40 or not (bare or _OF_THOSE.search(n)) \
            or f.rows or f.years or f.results or f.sections or f.evals or f.kind:
        return None
    shown = [x for x in before.facts if not x.computed and x.sheet_id != "*" and _number(x)
             and compose.num(x.value) in before.answer]
    groups = Counter((x.field, x.unit) for x in shown)
    kinds = [k for k, c in groups.items() if c >= 2]
    actuals = [k for k in kinds if k[0] == "actual"]
    if len(kinds) > 1 and len(actuals) == 1 and len({(x.project, x.indicator, x.fy) for x in shown
                                                     if (x.field, x.unit) == actuals[0]}) == groups[actuals[0]]:
        # each project's (or year's) actual, shown with its plan and rate: the actuals are the figures
        kinds = actuals
    if len(kinds) != 1:
        return None  # several kinds of figure (plan and actual of two years): which to combine is unclear
    items = [x for x in shown if (x.field, x.unit) == kinds[0]]
    unit = items[0].unit
    if op != "sum" and len(items) != 2 or op == "sum" and unit in ("%", "％"):
        return None  # a difference or a ratio is of two; shares do not add up
    rows = list(dict.fromkeys(x.indicator or x.row or x.field for x in items))
    label = "・".join(rows)  # 借地料補助件数・借家料補助件数: two rows of one project, in the same unit
    values = [Decimal(str(x.value)) for x in items]
    big, small = (items[0], items[-1]) if values[0] >= values[-1] else (items[-1], items[0])  # of two
    en = f.lang == "en"

    def who(x: Fact) -> str:
        row = f"「{x.indicator or x.row}」" if len(rows) > 1 else ""
        return f"{x.project}{row}（{x.fy}年度）" if not en else f"{x.project}{row} (FY{x.fy})"

    gap = unit  # the unit of the result: a difference of two rates is in points (compose.diff_unit)
    if op == "sum":
        result = sum(values, Decimal(0))
        head = (f"The figures shown add up to {compose.num(_plain(result))} {unit or ''} ({label})." if en
                else f"これらの{label}を合計すると{compose.num(_plain(result), unit)}です。")
    elif op == "diff":
        result = abs(values[0] - values[1])
        gap = compose.diff_unit(unit) if unit else unit
        head = (f"The difference is {compose.num(_plain(result))} {compose.diff_unit(unit or '', 'en')}: "
                f"{who(big)} is higher than {who(small)}." if en
                else f"差は{compose.num(_plain(result), gap)}です（{who(big)}のほうが{who(small)}より{'高い' if gap == 'ポイント' else '多い'}）。")
    else:
        if min(values) <= 0:
            return None
        result = (max(values) / min(values)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        head = (f"{who(big)} is {result} times {who(small)} ({label})." if en
                else f"{who(big)}の{label}は、{who(small)}の{result}倍です。")
    lines = [f"- {who(x)}: {compose.num(x.value)} {unit or ''}" if en else f"・{who(x)}：{compose.num(x.value, unit)}"
             for x in items]
    done = Fact(sheet_id="*", field=op, value=_plain(result), unit=None if op == "ratio" else gap, computed=True,
                row=label, indicator=label)
    return Answer(question=question, answer="\n".join([head, *lines]), facts=[*items, done], intent="figure",
                  sheet_ids=list(dict.fromkeys(x.sheet_id for x in items)))


def two_turns_compared(history: list[Turn]) -> Answer | None:
    """「デジタルデバイドのオンライン申請件数は？」「デジタルファーストだと？」「合計で？」: the last two answers
    each gave the same figure (row, year, field) of another project, or of another row in the same
    unit (「借地料補助は？」「借家料のほうは？」「合わせると？」) — one answer holding both, for
    :func:`on_figures_before`; None otherwise."""
    if len(history) < 2:
        return None
    a, b = history[-2].answer, history[-1].answer

    def one(x: Answer) -> Fact | None:
        shown = [f for f in _listed(x) if _number(f) and f.field == "actual"] or [f for f in _listed(x) if _number(f)]
        return shown[0] if len({(f.project, f.indicator, f.field, f.fy) for f in shown}) == 1 else None

    fb = one(b)
    if fb is None:
        return None
    # the answer before may have listed several years: its figure of the year the last one gave;
    # 「借地料補助は？」「借家料のほうは？」「合わせると？」: another row of the same project counts too
    same = [f for f in _listed(a) if _number(f) and (f.project, f.indicator) != (fb.project, fb.indicator)
            and (f.field, f.fy, f.unit) == (fb.field, fb.fy, fb.unit)
            and (f.project != fb.project or f.indicator != fb.indicator and fb.indicator)]
    if len(same) != 1:
        return None
    fa = same[0]
    return b.model_copy(update={"answer": a.answer + "\n" + b.answer, "facts": [fa, fb]})


def _plain(d: Decimal) -> int | float:
    return int(d) if d == d.to_integral_value() else float(d)


_WITHIN = re.compile(r"(?:その|この|これらの|上の|今の)(?:中|うち|内)(?:で|の|から)?|\bamong (?:them|those|these)\b|"
                     r"\bof (?:them|those|these)\b")


def within_list(question: str, before: Answer) -> tuple[str, list[str]] | None:
    """「その中でR6の総事業費が一番大きいのは？」 after a list across projects: the question without
    「その中で」, and the projects that list named (the sheets it is to be asked of); None otherwise."""
    if before.intent not in _ACROSS:
        return None
    f = _read(question)
    m = _WITHIN.search(f.norm)
    names = list(dict.fromkeys(_projects(before)))
    if m is None or len(names) < 2:
        return None
    rest = (f.norm[:m.start()] + f.norm[m.end():]).strip(" 、,")
    fields = {x.field for x in _listed(before)} & set(COST_FIELDS)
    if len(fields) == 1 and not (f.rows or f.kind or f.all_indicators) and _AMOUNT.search(rest):
        # 「その中で金額が一番大きいのは？」 after a list of the projects with 国・県支出金: that row's amount
        rest = f"{compose.row_label(fields.pop(), 'ja')}の{rest}"
    years = {x.fy for x in _listed(before) if x.fy}
    if not f.years and len(years) == 1:  # the list's year, unless the question names another
        rest = f"{years.pop()}年度、{rest}"
    return rest, names


_AMOUNT = re.compile(r"額|いくら|お金|amount|how much|biggest|largest|smallest")


_LOW = re.compile(r"(一番|最も|いちばん|もっとも)?\s*(低い|低かった|少ない|少なかった|悪い|悪かった|小さい)|\b(lowest|worst|smallest)\b")
_HIGH = re.compile(r"(一番|最も|いちばん|もっとも)?\s*(高い|高かった|多い|多かった|良い|よい|良かった|大きい)|\b(highest|best|largest)\b")
def _lowest(f: Frame) -> bool | None:
    """Whether the question asks the lowest (smallest) or the highest (largest); None for neither or
    both: no superlative a reader here can settle."""
    low = bool(_LOW.search(f.norm))
    return None if low == bool(_HIGH.search(f.norm)) else low


_RATE_ASK = re.compile(r"達成率|達成度|\bachievement\b|\brate\b")


def extreme_of_rows(question: str, before: Answer) -> Answer | None:
    """「その中で達成率が一番低いのは？」 after the indicators of one project were listed with their
    rates (「計画を下回った指標は？」): the row of that list with the lowest (highest) rate, with its
    actual and plan; None when the list was of projects, or the question asks anything else."""
    f = _read(question)
    if not (_WITHIN.search(f.norm) and _RATE_ASK.search(f.norm)) or f.years or f.sections or f.evals or len(question) > 60:
        return None
    rates = [x for x in before.facts if x.field == "rate" and x.project and x.indicator and _number(x)
             and not x.sheet_id == "*" and compose.num(x.value) in before.answer]
    if len({x.project for x in rates}) != 1 or len({x.indicator for x in rates}) < 2:
        return None
    low = _lowest(f)
    if low is None:
        return None
    x = (min if low else max)(rates, key=lambda r: Decimal(str(r.value)))
    ties = [r for r in rates if r.value == x.value and r.indicator != x.indicator]
    pair = [y for y in before.facts if y.project == x.project and y.indicator == x.indicator and y.fy == x.fy
            and y.field in ("actual", "plan")]
    actual = next((y for y in pair if y.field == "actual"), None)
    plan = next((y for y in pair if y.field == "plan"), None)
    word = ("低い" if low else "高い") if f.lang == "ja" else ("lowest" if low else "highest")
    if f.lang == "ja":
        text = (f"その中で達成率が最も{word}のは{x.row or ''}「{x.indicator}」の{compose.num(x.value)}%です"
                + (f"（実績{compose.num(actual.value, actual.unit)}、計画{compose.num(plan.value, plan.unit)}、{x.fy}年度）"
                   if actual and plan else f"（{x.fy}年度）") + "。"
                + ("同じ達成率の指標：" + "、".join(f"「{r.indicator}」" for r in ties) + "。" if ties else ""))
    else:
        text = (f"Of those, the {word} achievement rate is 「{x.indicator}」 ({x.row or ''}) at {compose.num(x.value)}%"
                + (f" (actual {compose.num(actual.value)} {actual.unit or ''}, plan {compose.num(plan.value)} {plan.unit or ''},"
                   f" FY{x.fy})" if actual and plan else f" (FY{x.fy})") + ".")
    facts = [x, *pair]
    return Answer(question=question, answer=text, facts=facts, intent="figure", sheet_ids=[x.sheet_id])


# 「・全庁型及び公開型地理情報システム(構築)9,555千円」: an item the sheet lists with its amount
_ITEM = re.compile(r"^・\s*(?P<item>\D+?)\s*(?P<amount>\d{1,3}(?:,\d{3})+|\d+)\s*(?P<unit>千円|円)$")


def extreme_of_items(question: str, before: Answer) -> Answer | None:
    """「その中で一番大きいのは？」 after an answer quoting a list of items with amounts (a breakdown of
    事業費 in the cost analysis): the largest (smallest) item, quoted; None when the answer before
    quoted no such list, or the question asks anything else."""
    f = _read(question)
    if not _WITHIN.search(f.norm) or f.years or f.sections or f.evals or f.rows or len(question) > 60:
        return None
    low = _lowest(f)
    if low is None:
        return None
    items = [(c, m) for c in before.citations for line in c.quote.splitlines()
             if (m := _ITEM.match(unicodedata.normalize("NFKC", line).strip().rstrip("」")))]
    if len(items) < 2 or len({m.group("unit") for _, m in items}) != 1:
        return None
    c, m = (min if low else max)(items, key=lambda cm: int(cm[1].group("amount").replace(",", "")))
    line = next(x for x in c.quote.splitlines() if m.group("amount") in unicodedata.normalize("NFKC", x))
    item, amount = m.group("item").strip(), f"{m.group('amount')}{m.group('unit')}"
    word = ("小さい" if low else "大きい") if f.lang == "ja" else ("smallest" if low else "largest")
    text = (f"その中で最も{word}のは「{item}」の{amount}です（{c.section}より）。" if f.lang == "ja"
            else f"Of those, the {word} is 「{item}」 at {amount} (from {c.section}).")
    quote = Citation(sheet_id=c.sheet_id, project=c.project, section=c.section, quote=line.strip().rstrip("」"), key=c.key)
    return Answer(question=question, answer=text, citations=[quote], intent="figure", sheet_ids=[c.sheet_id])


_NTH = re.compile(r"([0-9０-９]+|[一二三四五六七八九十])\s*番目|\b(second|third|fourth|fifth)\b")
_ORDINALS = {"second": 2, "third": 3, "fourth": 4, "fifth": 5}


def nth_of_before(question: str, before: Answer) -> Answer | None:
    """「大きい順で3番目は？」 after a ranking: the project at that place of the list shown (by its own
    figure, with its sheet); None when the list showed fewer, or the question asks anything else."""
    f = _read(question)
    m = _NTH.search(f.norm)
    if before.intent != "ranking" or m is None or len(question) > 30 or f.rows or f.years or f.sections:
        return None
    word = m.group(1) or ""
    n = _ORDINALS[m.group(2)] if m.group(2) else (int(unicodedata.normalize("NFKC", word)) if word.isdigit()
                                                  else kanji_number(word))
    shown = [x for x in _listed(before) if _number(x)]
    shown.sort(key=lambda x: before.answer.index(x.project or ""))
    if re.search(r"小さい順|少ない順|低い順|下から|from the bottom|smallest", f.norm):
        shown.reverse()
    if not 1 <= n <= len(shown):
        return None
    x = shown[n - 1]
    label = x.indicator or x.row or x.field
    text = (f"{n}番目は{x.project}の{compose.num(x.value, x.unit)}（{label}、{x.fy}年度）です。" if f.lang == "ja"
            else f"Number {n} is {x.project}: {compose.num(x.value)} {x.unit or ''} ({label}, FY{x.fy}).")
    return Answer(question=question, answer=text, facts=[x], intent="figure", sheet_ids=[x.sheet_id])


_THE_OTHER = re.compile(r"(?:さっきの|先ほどの|前の)?もう(?:一つ|ひとつ|1つ|１つ|一個|1個|いっこ|片方|一方|いっぽう)の?(?:[^、,？?。]{0,12}?事業)?(?:の?ほう)?"
                        r"|\bthe other (?:one|project)\b")


def the_other(question: str, history: list[Turn], projects: Iterable[str] = ()) -> tuple[str, list[str]] | None:
    """「もう一つの町内会の事業のほうは？」「さっきのもう片方の事業、R5の計画値は？」: the project the
    conversation named earlier beside the one it is about now (the one the question's words fit, when
    several) — or, when it named none, the one other project of ``projects`` (the store's) those words
    fit; and the question without the phrase. None when there is no such single project."""
    f = _read(question)
    m = _THE_OTHER.search(f.norm)
    if m is None or not history:
        return None
    now = {x.project for x in history[-1].answer.facts if x.project}
    earlier = list(dict.fromkeys(x.project for t in reversed(history[-4:]) for x in t.answer.facts
                                 if x.project and x.project not in now))
    said = m.group(0)
    words = [w for w in re.findall(r"[一-龥ァ-ヶー]{2,}", said) if w not in ("事業", "片方", "一方", "一個")]
    fitting = [p for p in earlier if any(w in p for w in words)]
    if not fitting and words:  # 「もう一個の町内会の事業」 when only one was named: the store's other one
        fitting = [p for p in dict.fromkeys(projects) if p not in now and all(w in p for w in words)]
    pick = fitting or earlier
    if len(pick) != 1:
        return None
    rest = (f.norm[:m.start()] + f.norm[m.end():]).strip(" 、,")
    return (rest if len(rest) > 3 else "のほうは？"), pick


_THAT_ONE = re.compile(r"(?:^|[、,\s])(?:じゃあ|で、?)?(?:その|この)事業|^(?:じゃあ)?そこ(?:の|は|って)|\bthat (?:project|one)\b")
_EACH = re.compile(r"それぞれ|各|全部|両方|みんな|その[0-9０-９一二三四五六七八九十]+|その中|このうち|そのうち|\b(?:each|all|both|them)\b")


def top_of_ranking(question: str, before: Answer) -> list[str] | None:
    """「その事業の二次評価は？」 after 「総事業費が一番大きい事業は？」: the one project the ranking named
    first (「それぞれ」「その3つ」 ask of the whole list, and are not this); None otherwise."""
    if before.intent != "ranking":
        return None
    f = _read(question)
    if not _THAT_ONE.search(f.norm) or _EACH.search(f.norm):
        return None
    named = _projects(before)
    if not named:
        return None
    first = min(named, key=before.answer.index)
    return [first]


_SUPERLATIVE = re.compile(r"(一番|いちばん|最も|もっとも)\s*(多|少な|大き|小さ|高|低)|(多|少な|大き|小さ|高|低)(い|かった)?\s*(順|ほう|方)")


def flipped(question: str, before: str, before_intent: str | None) -> str | None:
    """「逆に一番少ないのは？」 after 「人件費が一番多いのはどれ？」: the ranking before, the other way
    round (its row, year and scope kept); None when the question asks anything of its own."""
    if before_intent != "ranking" or len(question) > 24:
        return None
    f = _read(question)
    now, was = _SUPERLATIVE.search(f.norm), _SUPERLATIVE.search(before)
    if now is None or was is None or f.rows or f.years or f.sections or f.evals or f.kind:
        return None
    new, old = now.group(2) or now.group(3), was.group(2) or was.group(3)
    if new == old:
        return None
    at = was.start(2) if was.group(2) else was.start(3)
    return before[:at] + new + before[at + len(old):]
