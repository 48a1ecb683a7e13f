"""Which rows of a project's sheets a question asks for: indicators (by name, by 成果指標②, by
kind) and cost rows (named, 「予算」 as 総事業費 with its 内訳, 「財源」 as the revenue rows), and
the figures of each row for a year, read from the sheet that best reports that year."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from assistant.dense import DenseNames, row_by_meaning
from assistant.link import Match, Reading, inside_longer, matcher_for, read_question, undominated
from assistant.measures import rate
from assistant.query import INDICATOR_IN_SCOPE, Project, Query, beyond_measure_noun, year_spans
from assistant.resolve import squash
from assistant.understand import GREW_AFTER, Frame
from ingest.model import COST_FIELDS, Indicator, Sheet
from ingest.normalize import nfkc
from ingest.templates.generic import field_of
from ingest.vocabulary import COST_UNITS, REVENUE_FIELDS, row_label

MAX_INDICATORS = 3  # rows answered when several of a project's indicators fit equally
MONEY_ROWS = ("total_cost", "project_cost", "personnel_cost")


@dataclass(frozen=True)
class Row:
    """A row of the sheet: an indicator (by its kind and number) or a cost field."""

    kind: str  # "indicator", "cost" (a field of the cost table) or "printed" (a row as another layout prints it)
    key: str  # 成果指標② / total_cost / フルコスト
    name: str  # indicator name, or the cost row's label
    unit: str

    @property
    def is_cost(self) -> bool:
        return self.kind in ("cost", "printed")

    @property
    def printed(self) -> bool:
        return self.kind == "printed"


def indicator_row(ind: Indicator) -> Row:
    return Row("indicator", ind.label, ind.name or ind.label, ind.unit or "")


def cost_row(field: str) -> Row:
    return Row("cost", field, row_label(field), COST_UNITS[field])


def find_indicator(sheet: Sheet, row: Row) -> Indicator | None:
    """The indicator of ``sheet`` that is ``row``: same name, else same kind and number."""
    by_name = [i for i in sheet.indicators if (i.name or i.label) == row.name]
    if by_name:
        return by_name[0]
    return next((i for i in sheet.indicators if i.label == row.key), None)


def indicator_rows(q: Query, project: Project, sheet: Sheet, dense: DenseNames | None = None) -> list[Row]:
    """The indicators of one project the question names: 成果指標② by number, a name (in full, in
    part, paraphrased), or every row of a kind (「成果指標は？」); ``dense`` weighs an English
    question's few words against its meaning."""
    f = q.frame
    if f.kind is not None and f.kind_no is not None:
        ind = next((i for i in sheet.indicators if i.kind == f.kind and i.no == f.kind_no), None)
        return [indicator_row(ind)] if ind else []
    names = [i.name for i in sheet.indicators if i.name]
    # within one sheet a word only one of its rows has (病児 of 病児保育の延べ利用者数) settles it
    matcher = matcher_for(tuple(names), own_words=True) if names else None
    # a row matched only by the words that name the project (成年後見 of 成年後見制度に関する相談件数) is not named
    named = q.project_spans

    def own(found: list[Match]) -> list[Match]:
        # (nor is one spelled out inside a longer word naming the project: 「市民」 of 「市民大学」)
        return [m for m in found if (m.exact or not m.parts or not m.within(named)) and not all(inside_longer(x, named) for x in m.explains)]

    matches = beyond_measure_noun(q, undominated(own(matcher.match(q.reading, INDICATOR_IN_SCOPE) if matcher else []),
                                                 named + year_spans(f.norm)))
    matches = [m for m in matches if not _amid_longer(m, matches)]
    if matcher is not None and not matches and q.lang == "en":  # "people placed in jobs": 就労, not only 就職
        matches = own(said_in_english(q, project, sheet))
        # one word of some rendering ("children": 児童 of 放課後児童クラブの受入児童数) is weaker than the
        # whole question's meaning where that clearly names another row ("residents who feel the city is
        # a good place to raise children": 子育てしやすいまちだと感じる市民の割合)
        if matches and (near := row_by_meaning(q.frame, names, dense, {m.name for m in matches})) is not None \
                and near != matches[0].name:
            matches = []
    dictionary = own([m for m in q.english_rows if m.name in names])  # "home-purchase subsidies": 住宅取得補助件数
    if dictionary and (not matches or dictionary[0].words > max(m.words for m in matches)):
        # "Western-style toilet rate in city schools": three words of トイレ洋式化率 over the one
        # (schools) of 学校施設の改修校数
        matches = dictionary
    excluded = _set_aside_words(q)
    if excluded:  # 「入込数じゃなくて泊まった人」: not the row that is named to be set aside
        kept = [m for m in matches if not any(x in (m.name or "").lower() for x in excluded)]
        if re.search(r"じゃなく|ではなく|でなく", q.frame.norm):
            # what is asked instead must be named as well as the row set aside was, or it is no row
            top = matches[0].score if matches else 0.0
            matches = [m for m in kept if m.score >= top - 0.08]
        else:
            matches = kept or matches
    if f.kind is not None:
        kinds = {i.name for i in sheet.indicators if i.kind == f.kind}
        matches = [m for m in matches if m.name in kinds]
    picked: list[str] = []
    if matches:
        best = matches[0].score
        # a name spelled out, or words only this row has, settle it; near ties are all answered
        band = 0.0 if matches[0].exact else 0.08
        picked = [m.name for m in matches if m.score >= best - band][:MAX_INDICATORS]
        if best < 0.5 and len(picked) > 1 and not f.kind:
            picked = picked[:MAX_INDICATORS]
        # 「市政情報の入手しやすさと市への愛着、どっちが高い？」: a second row named by words of its own,
        # joined to the first by と/や (、 also ends a clause) — each row asked gets its own line
        taken = [span for m in matches if m.name in picked for span in m.parts]
        for m in matches:
            fresh = [span for span in m.parts if span not in taken]
            if m.name not in picked and m.score >= 0.5 and fresh and len(picked) < MAX_INDICATORS and any(
                    re.fullmatch(r"\s*(?:と|や|及び|および|and)[^、。？?！!]{0,6}", f.norm[min(e1, e2):max(s1, s2)])
                    for s1, e1 in fresh for s2, e2 in taken):
                picked.append(m.name)
                taken += m.parts
        if COUNT_ASKED.search(f.norm) and AMOUNT_ASKED.search(f.norm):
            # 「何件売れて、いくらになった？」: a count and an amount, one row each
            units = {i.name: i.unit or "" for i in sheet.indicators}
            have = {money(units.get(n, "")) for n in picked}
            other = next((m.name for m in matches if money(units.get(m.name, "")) not in have
                          and m.score >= best - 0.2), None)
            if other is not None:
                picked.append(other)
    if picked and matcher is not None and len(sentences := [x for x in _CLAUSES.split(f.norm) if x.strip()]) > 1:
        # 「R9の計画だと利用件数はいくつ？施設数も増やす予定？」: each sentence may name a row of its own
        for sentence in sentences:
            ms = [m for m in matcher.match(read_question(sentence), INDICATOR_IN_SCOPE - 0.15)
                  if (f.kind is None or m.name in {i.name for i in sheet.indicators if i.kind == f.kind})
                  and not any(x in (m.name or "").lower() for x in excluded)]
            # a sentence's own row: named well, or by words only it has, well ahead of the next
            if ms and ms[0].name not in picked and (ms[0].exact or ms[0].score >= 0.5 or ms[0].words > 0 and (
                    len(ms) == 1 or ms[0].score - ms[1].score >= 0.1)):
                picked.append(ms[0].name)
    if not picked and f.kind is not None:
        picked = [i.name or i.label for i in sheet.indicators if i.kind == f.kind]
    elif not picked and f.all_indicators and not matches:
        picked = [i.name or i.label for i in sheet.indicators]
    rows = []
    for name in picked:
        ind = next((i for i in sheet.indicators if (i.name or i.label) == name), None)
        if ind is not None:
            rows.append(indicator_row(ind))
    return rows


# the clauses of a question that may each name a row: sentences, and "… and how many …"
# (「受けた人数と、受診率を」「加入率、あと総事業費も」: a list of rows, each its own clause)
_CLAUSES = re.compile(r"[？?。!！]|\band (?=how (?:many|much)\b)|と、|、\s*(?:あと|それから|それと)|(?<=[数率額費])と(?![、比])")
COUNT_ASKED = re.compile(r"how many|何件|何人|何回|何か所|何箇所|何施設|いくつ|number of")
# "by how much" is a gap, and "how much did online applications grow" a change: no amount
AMOUNT_ASKED = re.compile(rf"(?<!by )how much(?! did{GREW_AFTER.pattern})|いくら|金額|額は|for what amount")


_THE_REST = re.compile(r"残り|ほか|他の|以外|それ以外|あとは|the rest|other than|remainder")


def money(unit: str | None) -> bool:
    """A row counted in money (円, 千円)."""
    return (unit or "").endswith("円")


def _set_aside_words(q: Query) -> list[str]:
    """「マイナポータル以外」「入込数じゃなくて」: words that name what the row is NOT."""
    return [m.group(1) for m in re.finditer(r"([^\s(（、の]{2,12})(?:以外|じゃなく|ではなく|でなく)", q.frame.norm)
            if m.group(1) not in ("上記", "その他")]


def set_aside(q: Query) -> set[str]:
    """Indicator names the question sets aside by name (their words before 以外 / じゃなくて)."""
    words = [w for w in _set_aside_words(q) if not w.startswith("上記")]
    return {i.name for _, i in q.indicators if i.name and any(w in i.name.lower() for w in words)} | \
        {i.name for i in q.head_rows if i.name and any(w in i.name.lower() for w in words)}


def cost_rows(q: Query) -> list[Row]:
    """Cost rows the question names; 「予算」「費用」 → 総事業費 with 事業費・人件費; 「財源」 → revenue;
    a breakdown adds the parts of a total."""
    f = q.frame
    fields = list(f.rows)
    if "unit_cost_general" in fields and "unit_cost_total" in fields and not re.search(r"総コスト|両方|both", f.norm):
        fields.remove("unit_cost_total")  # 「単位コスト（所要一般財源から算出）」 names the one
    elif "unit_cost_total" in fields and "unit_cost_general" not in fields:
        fields.append("unit_cost_general")  # the sheet prints both unit costs; both are answers
    if f.revenue and "その他" in f.norm and "other_revenue" not in fields:
        fields.append("other_revenue")  # 「財源の『その他』」
    elif f.revenue and (not any(x in REVENUE_FIELDS for x in fields) or _THE_REST.search(f.norm)):
        # 「使用料の収入」 names its row; 「一般財源が少ないけど、残りは何で賄ってる？」 asks the others too
        fields += ["total_cost", *REVENUE_FIELDS]
    if f.money and not fields:
        # "How much did it go up?" after the 人件費: the amount of the row the conversation is about
        carried = carried_rows(q, q.focus.rows if q.focus else [])
        follows = q.how in ("focus", "only", "scope") and not q.project_spans and not f.has("breakdown")
        kept = [k for k in carried if k in COST_FIELDS]
        if follows and carried and not kept and not any(is_indicator_key(k) for k in carried):
            return []  # rows another city's layout prints under its own labels (フルコスト): carried as printed
        fields = kept if kept and follows else list(MONEY_ROWS)
    if f.has("breakdown") and ("total_cost" in fields or not fields):
        fields = ["total_cost", "project_cost", "personnel_cost", *REVENUE_FIELDS] if f.revenue or \
            any(x in fields for x in REVENUE_FIELDS) else ["total_cost", "project_cost", "personnel_cost"]
    if f.has("share") and fields and not any(x == "total_cost" for x in fields):
        fields.append("total_cost")  # the denominator of a share
    return [cost_row(x) for x in dict.fromkeys(fields)]


def said_in_english(q: Query, project: Project, sheet: Sheet) -> list[Match]:
    """The rows of ``sheet`` an English question says a word of, in any of its renderings, other than
    through the project's own words."""
    names = tuple(i.name for i in sheet.indicators if i.name)
    if q.lang != "en" or not names:
        return []
    every = read_question(q.frame.norm, every=True)
    return [m for m in matcher_for(names, own_words=True).match(every, INDICATOR_IN_SCOPE)
            if not _by_project_words(m, every, project.name)]


def _by_project_words(m: Match, r: Reading, project: str) -> bool:
    """A row found only through a piece of what an English word was rendered as, where the whole
    rendering is the project's: "streetlights" → 道路照明 finds 道路 in 道路の穴ぼこ等補修件数 of
    道路照明ＬＥＤ化推進事業 — the streetlights are the project's, no road repair ("support staff" →
    支援員 is the row 特別支援教育支援員の配置人数 itself, whole)."""
    name, home = squash(m.name or ""), squash(project)
    at = {span: [squash(f) for f, sp in r.forms.items() if sp == span and len(f) >= 2] for span in m.parts}
    found = [(f, span) for span, forms in at.items() for f in forms if f in name]
    return bool(found) and all(any(f in g and g != f and g in home and g not in name for g in at[span])
                               for f, span in found)


def _amid_longer(m: Match, matches: list[Match]) -> bool:
    """A short row spelled out amid the words naming a longer one that holds its name (「公共交通に満足
    してる市民の割合」: 市民 of 公共交通の利用に満足している市民の割合): no row asked."""
    for o in matches:
        if o is m or not o.explains or o.words <= m.words or (m.name or "") not in (o.name or ""):
            continue
        start, end = min(a for a, _ in o.explains), max(b for _, b in o.explains)
        if all(start < s and e <= end for s, e in m.explains):
            return True
    return False


def carried_rows(q: Query, keys: list[str]) -> list[str]:
    """The rows a follow-up goes on with: ``keys``, and the total before them where they are its two parts
    broken down after it was asked (「総事業費は？」「事業費と人件費に分けると？」「前の年からどれだけ増えた？」:
    the total moved too)."""
    f = q.frame
    if q.focus and q.focus.rows_before and _BOTH_ROWS.search(f.norm):
        # 「事業費は？」「人件費も」「その2つ、前年度と比べて」: the rows of the two turns
        return list(dict.fromkeys([*q.focus.rows_before, *keys]))
    totals = [k for k in (q.focus.rows_before if q.focus else []) if k == "total_cost" or field_of(k) == "total_cost"]
    # (「フルコストは？」「間接費は？」"and the budget for the following year?": the total and its parts)
    parts = len(keys) >= 2 and all(k in _PARTS or field_of(k) in _PARTS for k in keys)
    if totals and parts and (f.has("change") or f.direction or f.relative or f.shift is not None):
        return [totals[0], *keys]
    return list(keys)


_BOTH_ROWS = re.compile(r"その(?:2|２|二)つ|(?:2|２|二)つとも|両方とも?|どちらも|\bboth (?:of them|figures|rows|numbers)\b|\bthose two\b")
# the two parts of a total: 事業費 and 人件費, as other layouts print them (直接事業費, 間接事業費)
_PARTS = frozenset({"project_cost", "personnel_cost", "直接事業費", "間接事業費"})


def is_indicator_key(key: str) -> bool:
    """A row key of the indicator table (成果指標②), not a cost row's."""
    return key.startswith(("成果", "活動", "対象"))


def printed_units(sheet: Sheet) -> dict[str, str]:
    """The labels another city's layout prints its cost rows under, each with its unit (the first year's)."""
    labels: dict[str, str] = {}
    for c in sheet.costs:
        for r in c.rows:
            labels.setdefault(r.label, r.unit or "")
    return labels


def printed_rows(q: Query, sheet: Sheet) -> list[Row]:
    """Cost rows another city's layout prints under its own labels (フルコスト, 地方債, 正職員数), as
    the question names them."""
    labels = printed_units(sheet)
    if not labels:
        return []
    matches = matcher_for(tuple(labels), own_words=False).match(q.reading, PRINTED_ROW)
    if not matches:
        return []
    best = matches[0].score
    # (a label written out whole is the one: 「直接事業費」 is no 間接事業費 for sharing 事業費 — though
    # 「直接・間接の内訳」 names both)
    return [Row("printed", m.name, m.name, labels[m.name]) for m in matches
            if m.score >= best - 0.02 and not said_for_another(q, m, list(labels))][:MAX_INDICATORS]


def said_for_another(q: Query, m: Match, labels: list[str]) -> bool:
    """A printed label matched only by words that say another of ``labels``: one written out whole
    (「直接事業費」 is no 間接事業費 for sharing 事業費), or the fixed field a label is printed for
    (「事業費のうち市債」: 事業費 is 直接事業費)."""
    norm = q.frame.norm

    def within(spans: list[tuple[int, int]]) -> bool:
        """No character of the label beyond those ``spans`` say is written anywhere else (間 of 間接事業費);
        in English, the words it was found by lie inside them ("indirect cost" is its own)."""
        if q.lang == "en":
            return m.within(spans)
        said = "".join(norm[s:e] for s, e in spans)
        rest = "".join(ch for i, ch in enumerate(norm) if not any(s <= i < e for s, e in spans))
        return not any(ch in rest for ch in set(nfkc(m.name).lower()) - set(said))

    spelled = spelled_spans(norm, [x for x in labels if x != m.name])
    if spelled and not spelled_spans(norm, [m.name]) and within(spelled):
        return True
    fields = [h.span for h in q.frame.hits if h.group == "row" and h.key in q.frame.rows
              and any(field_of(label) == h.key for label in labels if label != m.name)]
    return bool(fields) and field_of(m.name) not in q.frame.rows and within(fields)


def spelled_spans(norm: str, labels: list[str]) -> list[tuple[int, int]]:
    """Where the question writes one of ``labels`` out whole."""
    return [m.span() for label in labels for m in re.finditer(re.escape(nfkc(label).lower()), norm)]


PRINTED_ROW = 0.6  # a printed label must be named nearly whole: they are short (地方債, 人件費)


def share_base(field: str) -> str:
    """The total a row is a share of: revenue rows and both costs are parts of 総事業費."""
    return "total_cost"


def rows_holding(frame: Frame, sheet: Sheet, only_row: bool = False) -> list[Indicator]:
    """The indicators holding a figure the question states (「35回まで落ちた」, "claims 122.5%
    achievement"): as a plan or an actual in some year, or for a % as the year's achievement rate;
    else, with ``only_row``, the one row counting in the figure's unit."""
    from assistant.kinds.figure import unit_fits
    from assistant.premise import stated

    found: list[Indicator] = []
    for s in stated(frame):
        if s.unit == "千円":
            continue
        counted = [i for i in sheet.indicators if i.name and unit_fits(s.unit, i.unit)]
        holding = [i for i in sheet.indicators if i.name and _holds(i, s.value, s.slack, i in counted, s.unit == "%")]
        found += holding or (counted if only_row and len(counted) == 1 else [])
    return list({id(i): i for i in found}.values())


def _holds(i: Indicator, value: Decimal, slack: Decimal, counted: bool, rated: bool) -> bool:
    """A year of ``i`` gives ``value``: as plan or actual (``counted``: in its unit), or as the rate (``rated``)."""
    for v in i.values:
        values = [v.plan, v.actual] if counted else []
        if rated:
            values.append(rate(v.actual, v.plan))
        if any(x is not None and abs(Decimal(str(x)) - value) <= slack for x in values):
            return True
    return False
