"""What a question asks, read from its words alone (no store): a :class:`Frame`.

The lexicon (``lexicon.toml``) names rows, measures, sections, operations, results and years;
this module finds them, reads years (explicit, ranges, relative, 「その前年」), thresholds
(「5千万円を超える」) and indicator rows named by number (成果指標②), and keeps the spans of the
question nothing here explained: :mod:`assistant.link` links those to what the store holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, cast

from assistant.lexicon import Hit, kanji_number, lexicon, normalize
from assistant.typos import retype
from ingest.normalize import find_fiscal_years
from ingest.templates import TEMPLATES

Lang = Literal["ja", "en"]
Comparator = Literal["gt", "ge", "lt", "le"]
Kind = Literal["target", "activity", "outcome"]

CIRCLED = "①②③④⑤⑥⑦⑧⑨"


# the ops that sort indicators by their plan: fell short of it, exceeded or met it, equalled it
PLAN_SIDES = ("under_plan", "over_plan", "on_plan")


@dataclass(frozen=True)
class Threshold:
    """「総事業費が5千万円を超える」: a comparison of a row with a value (money in 千円)."""

    op: Literal["gt", "ge", "lt", "le", "zero"]
    value: Decimal | None  # None for zero
    unit: str | None  # 千円 for money, else the unit written (件, %, 人)
    at: int = -1  # where the amount starts in the question (-1: not said)
    noun: str | None = None  # "more than 5,000 participants": what an English amount counts

    @property
    def counts(self) -> bool:
        """The amount counts something other than money or a rate (「500人を超えた」, "5,000 visitors"):
        an indicator's figure, not a cost."""
        return self.value is not None and self.unit not in ("千円", "%", "ポイント") and (
            self.unit is not None or bool(self.noun))


@dataclass
class Frame:
    """A question read into parts. Empty means 'not said': scope and conversation may fill it."""

    text: str
    norm: str
    lang: Lang
    hits: list[Hit] = field(default_factory=list)
    years: list[int] = field(default_factory=list)  # explicit fiscal years, in order of mention
    year_range: bool = False  # 「R4からR6」: every year between the first and the last
    bare_years: list[int] = field(default_factory=list)  # 「27年度」 with no era: the store decides
    sheet_years: list[int] = field(default_factory=list)  # 「R6のシートで見込んでいたR7」: the sheet a figure is read from
    relative: list[int] = field(default_factory=list)  # offsets from the sheet's evaluated year
    shift: int | None = None  # 「その前年」: from the year the conversation was about
    same_years: bool = False  # "over the same two years": the years the turn before compared
    rated_year: tuple[str, int] | None = None  # 「縮小って出た年度」(縮小, 0), 「廃止が決まる前の年度」(廃止, −1)
    past_n: int | None = None  # 「過去3年」
    rows: list[str] = field(default_factory=list)  # cost fields named, in order
    money: bool = False  # 「予算」「費用」: money without a row
    revenue: bool = False  # 「財源」
    measures: list[str] = field(default_factory=list)  # plan actual rate verdict change share breakdown trend
    direction: str | None = None  # 「増えた理由」 asserts up
    sections: list[str] = field(default_factory=list)  # section keys, plus "issues", "comments"
    evals: list[str] = field(default_factory=list)  # result, scores
    stages: list[str] = field(default_factory=list)  # primary, secondary
    results: list[str] = field(default_factory=list)  # 継続, 拡充 …
    ratio_to: bool = False  # 「R6比」: a year written with 比, the base of a change
    ops: list[str] = field(default_factory=list)  # why summary list count max min compare under_plan …
    kind: Kind | None = None
    kind_no: int | None = None
    all_indicators: bool = False  # 「指標」 with no kind: every row of the indicator table
    kind_span: tuple[int, int] | None = None
    threshold: Threshold | None = None
    top_n: int | None = None
    nth: int | None = None  # 「2番目に大きい」 "the third-highest": the place in the ranking asked
    theme: str | None = None  # 「DX関連」→ DX
    follow_up: bool = False  # refers to the previous turn
    deictic: bool = False  # 「この事業」: the project under discussion or in scope
    asks_years: bool = False  # 「目標を割った年は？」: the answer is a list of years
    first_year: bool = False  # 「最初の年から」「初年度の何倍」: the first year the row has
    change_base: bool = False  # 「前年度から」: a change from the year before
    same_org: bool = False  # 「同じ部の別の事業は？」
    describe: bool = False  # 「どんな費用に補助が出るの？」: what kind of thing, in the text's words
    base_years: list[int] = field(default_factory=list)  # 「R6と比べて」: a year named as the base of a change
    also_years: list[int] = field(default_factory=list)  # 「ついでにR5も」: a year asked besides the one discussed
    of_sheets: bool = False  # 「R6実施分のシートで」: only the sheets evaluating that year, not later ones' columns
    granular: str | None = None  # 「施設ごとの」「月別」: a breakdown finer than any sheet gives

    def has(self, *names: str) -> bool:
        """Any of these measures, ops, sections or evaluation items was asked."""
        bag = {*self.measures, *self.ops, *self.sections, *self.evals}
        return any(n in bag for n in names)

    @property
    def verdict(self) -> bool:
        return self.has("verdict", *PLAN_SIDES)

    @property
    def plan_side(self) -> str | None:
        """under / over / exact when the question sorts by meeting the plan (未達, 届かなかった /
        達成した, 上回った / 計画値ぴったり)."""
        if self.has("on_plan"):
            return "exact"
        words = [h.text for h in self.hits if h.key in ("verdict", "under_plan", "over_plan")]
        if any(re.search(r"未達|届か|下回|割っ|割り|足りな|できなかった|していない|miss|short|not|below|fail", w)
               for w in words):
            return "under"
        if words:
            return "over"
        return None

    @property
    def rank(self) -> bool:
        return self.has("max", "min")


def detect_lang(text: str) -> Lang:
    """English when Latin letters dominate, even around a Japanese project name."""
    ja = len(re.findall(r"[\u3040-\u30ff\u4e00-\u9fff]", text))
    latin = len(re.findall(r"[A-Za-z]", text))
    english = len(_EN_SENTENCE.findall(text))
    if ja and not english:
        return "ja"  # 「KPIは？」「DXの予算」: Latin words inside a Japanese question
    if english >= 2:
        return "en"  # "What is the 事業費 of …?": an English sentence around Japanese names
    return "ja" if ja and ja >= 0.3 * (ja + latin) else "en"


_EN_SENTENCE = re.compile(r"(?i)\b(what|how|which|who|when|why|where|is|are|was|were|did|does|do|the|of|for|show|tell|"
                          r"list|give|me|and|in|by|any|with)\b")


_FY = re.compile(r"(?<![a-z0-9])fy\s?'?((?:19|20)\d{2})(?!\d)|(?<![a-z0-9])fy\s?'?(\d{2})(?!\d)")
# 「H27の古い様式」「郡山のR7様式」 "the R7-format sheets": a layout named by the era year it came in,
# not a year asked (group 1 the era, group 2 its year)
_LAYOUT_YEAR = re.compile(r"(?<![a-z])(h|平成|r|令和)\s*(\d{1,2})\s*(?:-|年度?)?\s*(?:の)?\s*(?:古い|旧|新しい|新)?\s*"
                          r"(?:format|style|layout|template|様式|形式|書式|フォーマット)")
# the era years the templates the reader knows came in (koriyama-r7 → r7): 「R6様式」 names none, its R6 is a year
_KNOWN_LAYOUTS = frozenset(t.NAME.rsplit("-", 1)[1] for t in TEMPLATES if re.search(r"-[rh]\d+$", t.NAME))


def layout_tag(said: re.Match[str]) -> str:
    """The template tag a layout word names: 「R7様式」 → r7, "H27-format" → h27."""
    return f"{'r' if said.group(1) in ('r', '令和') else 'h'}{int(said.group(2))}"


def layouts_said(norm: str) -> list[re.Match[str]]:
    """Where the question names a layout the reader knows by the era year it came in."""
    return [m for m in _LAYOUT_YEAR.finditer(norm) if layout_tag(m) in _KNOWN_LAYOUTS]


_BARE_WESTERN = re.compile(r"(?<![\d.,])((?:19|20)\d{2})(?!\d|,\d)(?!\s*(?:件|人|回|円|千|万|施設|%|箇所|km))")
# 「2023予算」「2022決算」: a western year written straight before the basis of its figure
# (「2022から令和6年度」「2021〜2023」: a Western year at one end of a range)
_BARE_WESTERN_JA = re.compile(r"(?<![\d.,])((?:19|20)\d{2})(?=\s*(?:予算|決算|実績|計画|見込|当初|まで|以降|の(?![\d,])|は[？?、\s]|"
                              r"で(?:は|の)?[、\s]|と(?:(?:19|20)\d{2}|令和|平成|r\d|h\d)|$|[？?、]|\s*\(|\s*（)"
                              r"|\s*(?:から|〜|～|~|-|ー)\s*(?:(?:19|20)\d{2}(?![\d,]*\s*(?:人|円|千円|件|回|万))|令和|平成|r\d|h\d|fy))")
_BARE_ERA_YEAR = re.compile(r"(?<![\d.,a-z令平昭])(\d{1,2}|元)\s*年度")
# 令和4〜6年度, R4-6, H25〜27: the second year without its era
ENGLISH_ERA = re.compile(r"\b(reiwa|heisei)\s*(\d{1,2}|gannen)\b")  # "Reiwa 7", "Heisei 27"
_ERA_RANGE = re.compile(r"(令和|平成|r|h)\s*(\d{1,2}|元)\s*年?度?\s*(?:から|〜|~|-|–|ー|→|to)\s*(\d{1,2})\s*年?度?(?!\d)")
_WESTERN_RANGE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:年度?)?\s*(?:から|〜|~|-|–|ー|→|to)\s*(?:fy\s?)?((?:19|20)\d{2})(?!\d)")
# (「R5の決算からR9の計画まで」: what is read in the first year may stand between)
_COST_VERB = re.compile(r"\b(?:does|do|did|will|would)\b(?:(?!\b(?:cost|spend|spent|record|report|show|list|have|has|as|on)\b)[^?])*"
                        r"\b(cost)\s*"
                        r"(?:(?:in|for|during)\s+(?:fy\s?)?[\w']+\s*)?(?:\?|$)")  # (the sentence ends: cost is its verb)
_BY_HOW_MUCH = re.compile(r"\bby how much\b|\bhow much (?:more|less|higher|lower|bigger|smaller)\b|どれだけ(?:多|少|大き|小さ)|何円(?:多|少)")
_BARE_MOST = ("一番", "いちばん", "最も", "もっとも")
# the first adjective after a bare 一番: lowest (group 1) or highest (group 2)
_MOST_WHICH = re.compile(r"[^。？?、]{0,14}?(?:(低|小さ|少な|短|安)|(高|大き|多|長|良))")
_WHY_NANDE = re.compile(r"何で(?!も)(?=[^。？?]{0,10}?(?:完了|廃止|休止|縮小|拡充|改善|継続|統合|減っ|減る|増え|増える|下が|上が|"
                        r"未達|届かな|多い|少ない|高い|低い|こう|そう|なった|なる))")
_RANGE_GAP = re.compile(r"^\s*(?:年度|年)?\s*(?:の?\s*(?:決算|実績|計画値?|見込み?|予算|actuals?|plan(?:ned)?|budget|settled(?: accounts)?)\s*)?"
                        r"(?:の|から|〜|~|-|–|ー|→|to|through|until|and|まで)\s*(?:の|the)?\s*(?:fy)?\s*$")
_PAST_N = re.compile(
    r"(?:過去|直近|ここ|この|最近の?)\s*(\d+|[一二三四五六七八九十])\s*(?:年|か年|ヵ年|カ年|ケ年|年度|年間)"
    r"|(?:last|past|previous|recent|(?:over|across|for|in) (?:the|its|all))\s+(\d+|two|three|four|five|six)\s+"
    r"(?:(?:fiscal|settled|reported|printed)\s+)?years"
    r"|(?<![\d年度])(\d|[一二三四五六七八九十])\s*(?:か年|ヵ年|カ年|ケ年|年分|年間)(?:の|で)?(?:合計|計|平均|推移|分|通算|実績|計画|数字|数値)"
    r"|(?<![\d年度])(\d|[一二三四五六七八九十])\s*年分\s*(?:を|の)?\s*(?:出|見せ|教え|並べ|表示|ください|下さい|ちょうだい|[?？]|$)")
_LATEST_SHEET = re.compile(r"\blatest (?:[a-z\-]+ ){0,4}sheet|最新の?(?:[一-龥ァ-ヶー]{0,8}の)?シート")
_EN_DIGIT = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
# (「成果指標3つ」 counts them: no number; 「成果指標3」「3つ目」 is one)
_KIND = re.compile(r"(成果|活動|対象)指標\s*(?:の\s*)?([①-⑨]|\d(?!\s*(?:つ(?!目)|個|件|本)))?(?:\s*つ目|番目)?|(outcome|activity|target)\s+indicators?\s*(?:no\.?\s*|#)?(\d)?"
                   r"|(target)(?= population| group\b)")  # "the target population (figure)": 対象指標
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5}
_ORDINAL_BEFORE = re.compile(rf"\b({'|'.join(_ORDINALS)})\s+$")
_ANY_INDICATOR = re.compile(r"(?<![成活対果動象終間])指標(?!分析)|(?<![a-z])(indicators|kpis?)(?![a-z])")
# 成果 on its own (not 成果指標, 成果物): the results a project reached, which its 成果指標 measure
_RESULTS_WORD = re.compile(r"成果(?!指標|物|品)(?=を|は|って|が|と|、|,|について|として|の(?:まとめ|要約|概要)|\s|$)")
# "key results" of a summary: what every indicator row shows (activity and outcome alike)
_KEY_RESULTS = re.compile(r"\b(?:key|main) (?:results|outcomes|figures)\b")
_KIND_KEYS: dict[str, Kind] = {"成果": "outcome", "活動": "activity", "対象": "target",
                               "outcome": "outcome", "activity": "activity", "target": "target"}
_TOP_N = re.compile(r"(?:上位|トップ|ベスト|ワースト|下位|上から|下から)\s*(\d+)|(\d+)\s*(?:位まで|つ|件|事業)(?:を|まで)?(?:挙げ|教え|出し|並べ|リスト)"
                    r"|\btop\s*(\d+)\b|\b(\d+)\s+(?:largest|biggest|highest|smallest|lowest)")
_AMOUNT = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(億|千万|百万|万|千)?\s*(円|件|人|回|施設|%|ポイント|割|校|日|時間|団体|箇所|か所|ヶ所|カ所"
                     r"|世帯|社|冊|台|トン|t|ha|戸|店舗|名|組|棟)?")
_NTH = re.compile(r"(?P<n>\d+|[二三四五六七八九十])\s*番目に?\s*(?P<how>大き|多|高|小さ|少な|低|安)"
                  r"|\b(?P<en>second|third|fourth|fifth|2nd|3rd|4th|5th)[\s-]+"
                  r"(?P<how_en>largest|biggest|highest|most|smallest|lowest|least|fewest)\b")
_SHEET_OF_YEAR = re.compile(r"(?:令和|平成|r|h|fy)\s*(?:\d{1,2}|元)\s*(?:年度?)?\s*$|(?:19|20)\d{2}\s*年度?\s*$")
_SHEET_AFTER = re.compile(r"\s*(?:[)）]|の?\s*シート|分の|版)")
_SHEET_NOUN = re.compile(r"(?:シート|表|調書)")
_RECENT = re.compile(r"\s+recent\b")
_VERB_OF_NOUN = re.compile(r"(?:した|する|している|してる|された|される)(?=[一-龥ァ-ヶ])(?![一-龥]{0,3}(?:結果|内容|区分|理由|点))")
_COPULA = re.compile(r"(?:しょう|す(?:か|よね|よ|ね)?(?:[?？。]|$)|した(?:っけ)?(?:[?？。]|$))")
_RATING_BEFORE = re.compile(r"(?:satisfaction|customer|visitor|user|survey|満足度?|アンケート)\s*(?:の)?\s*$")
_EN_FRAME = frozenset({"in", "for", "during", "by", "on", "at", "and", "or", "with", "of", "than", "last", "this", "next"})
_NOT_COUNTED_EN = frozenset({"this", "its", "was", "is", "has", "as", "times", "percent", "points", "yes", "less", "plus"})
_NEXT_OR_BEFORE = re.compile(r"翌年度?|次年度|次の年度?|前年度?|前の年度?|(?:the )?(?:next|following|previous|prior) year"
                             r"|(?:the )?year (?:after|before)")
_HALF = re.compile(r"半分|半数|過半")
MONEY_SCALE = {"億": Decimal(100000), "千万": Decimal(10000), "百万": Decimal(1000), "万": Decimal(10), "千": Decimal(1)}
# "above 30 million yen", "¥50m": English amounts, in 千円 as the sheets keep money
_AMOUNT_EN = re.compile(r"[¥￥]?\s*(\d[\d,]*(?:\.\d+)?)\s*(billion|million|thousand|bn|m|k)?\b\s*(yen|%|percent|cases|people)?")
_EN_SCALE = {"billion": Decimal(1000000), "bn": Decimal(1000000), "million": Decimal(1000), "m": Decimal(1000),
             "thousand": Decimal(1), "k": Decimal(1)}
_THEME_WORD = re.compile(r"関連|関係|に関する|分野|系")  # what makes the words before it a theme
_THEME = re.compile(rf"([\w・]{{1,12}}?)(?:{_THEME_WORD.pattern})(?:の|で)?(?:事業|project|$|の|で|は)")
# a theme's projects asked and nothing of them: 「DX関連の事業は？」「子育て関係の事業って何がある？」
_THEME_ASKED = re.compile(rf"(?:{_THEME_WORD.pattern})の?事業(?:って|は|が|を|で)?(?:何|なに|どれ|どんな(?:の|もの)?)?(?:が|の)?"
                          r"(?:ある|あります|あるの)?(?:か|かな|の|ですか)?\s*[?？]?\s*$")
_THEME_EN = re.compile(r"\b([a-z]{2,}(?:\s[a-z]{3,})?)[- ]related\b|\brelated to ([a-z ]{2,20}?)\b(?:projects?|\?|$)")
_FOLLOW_START = ("その", "それ", "じゃあ", "じゃ", "では", "で、", "あと", "ほかに", "他に", "ちなみに", "では、", "and ", "what about",
                 "how about", "and the", "also", "then ")
# 「水道の研修のほうは？」「喜久田だと？」: the same question of another project
_OTHER_ONE = re.compile(r"(のほう|の方|ほう|のやつ)(は|だと|では|で|も)?[?？]?$|(のほう|の方)(は|だと|では|も)?[\s、,]|のほう(は|だと|では|も)|(だと|では|は)[?？]$|^what about|^how about|^and (for|in) ")
_DEICTIC = re.compile(r"この事業|本事業|当該事業|この取組|この取り組み|こちらの事業|この施策|this project|the project\b(?! of| called)")
_EN_PRONOUN = re.compile(r"\b(it|its|that|this|they|them|those)\b")


_KANJI = re.compile(r"[一-龥]")


def _inside_compound(hits: list[Hit], norm: str, text: str = "") -> list[Hit]:
    """「鑑定評価手数料」: an evaluation word between kanji, the ones before it no phrase of their own,
    is part of another noun (a fee), not the evaluation asked about; 「一次評価コメント」 keeps it."""
    def covered(i: int) -> bool:
        return any(h.start <= i < h.end for h in hits)

    def plan_name(h: Hit) -> bool:  # 「ＤＸ郡山推進計画」「総合計画」 "the DX Koriyama plan": a plan's name
        if h.group != "measure" or h.key != "plan" or h.start == 0:
            return False
        if h.text == "計画":
            return (bool(_KANJI.match(norm[h.start - 1])) and not norm[:h.start].endswith(("年度", "年"))
                    and not covered(h.start - 1))
        before = re.search(r"([a-z][a-z0-9]*)\s+$", norm[:h.start])
        return h.text == "plan" and before is not None and re.search(
            rf"\b{before.group(1)[0].upper()}{re.escape(before.group(1)[1:])}\b", text) is not None

    return [h for h in hits if not (h.group == "eval" and 0 < h.start and h.end < len(norm)
                                    and _KANJI.match(norm[h.start - 1]) and _KANJI.match(norm[h.end])
                                    and not covered(h.start - 1)) and not plan_name(h)]


RECENT_YEARS = 3  # 「最近の推移」: how many years are recent
_KANJI_WORD = re.compile(r"[一-龥]+")  # a phrase of several words (どこの部) may end inside one (部署)


def _inside_word(hits: list[Hit], norm: str) -> list[Hit]:
    """A kanji phrase that begins or ends inside a word of the question is part of that word, not
    the phrase: 差 of 差押え asks no difference, 業者 of 事業者 names no firm. The words are Sudachi's
    shortest (mode A), so a phrase at the edge of a compound (事業費 of 総事業費) stays; a phrase may end
    inside a verb or an adjective (the lexicon holds stems: 増え of 増えた)."""
    if not any(_KANJI_WORD.fullmatch(h.text) for h in hits):
        return hits
    from assistant.sudachi import tokens

    toks = tokens(norm, short=True)
    inner = {i for t in toks for i in range(t.start + 1, t.end)}
    inner_noun = {i for t in toks if t.pos == "名詞" for i in range(t.start + 1, t.end)}
    return [h for h in hits if not (_KANJI_WORD.fullmatch(h.text) and (h.start in inner or h.end in inner_noun))]


# a counter typed in hiragana on a phone (なんにん, なんけん): the question word as printed
_KANA_COUNTER = re.compile(r"なん(にん|めい|けん|かい|しせつ|こう|ぼん|ぱーせんと)(?![ぁ-ゖ])")
_KANA_COUNTER_KANJI = {"にん": "人", "めい": "名", "けん": "件", "かい": "回", "しせつ": "施設", "こう": "校",
                       "ぼん": "本", "ぱーせんと": "%"}


_EN_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])")
_BEGUN = re.compile(r"\b(?:why|when) (?:was|were|did) (?:[a-z\-'’]+ ){0,7}?(established|set up|created|founded|launched|"
                    r"introduced)\b(?! in (?:fy|\d))")


# 「国・県と一般財源で」「国・県は？」: the state and prefecture said short, as a revenue row beside another or
# asked alone — not 「国・県の動向」「国や県との連携」
_STATE_SHORT = re.compile(r"(国・県|国や県)(?=\s*(?:と|、|や|・)\s*(?:一般財源|市債|地方債|使用料|受益者|その他)|"
                          r"\s*(?:は|って|の分|分|の額|の金額)\s*(?:[?？]|いくら|$))")


def _state_short(hits: list[Hit], norm: str) -> list[Hit]:
    extra = [Hit(m.start(), m.end(), "row", "national_prefectural", m.group(0)) for m in _STATE_SHORT.finditer(norm)
             if not any(h.start < m.end() and m.start() < h.end for h in hits)]
    return sorted(hits + extra, key=lambda h: h.start) if extra else hits


def _comparing(hits: list[Hit], norm: str) -> list[Hit]:
    """「総事業費比べて」: the 比 of 比べる/比較 makes no ratio (総事業費比); the row before it and the
    comparison are found again on their own."""
    out = []
    for h in hits:
        if h.text.endswith("比") and norm.startswith(("べ", "較"), h.end):
            for start, end in ((h.start, h.end - 1), (h.end - 1, h.end + 1)):
                out += [Hit(x.start + start, x.end + start, x.group, x.key, x.text) for x in lexicon().find(norm[start:end])]
        else:
            out.append(h)
    return out


def _kana_counters(norm: str) -> str:
    return _KANA_COUNTER.sub(lambda m: "何" + _KANA_COUNTER_KANJI[m.group(1)], norm)


def understand(text: str, respell: Callable[[str], str] | None = None) -> Frame:
    """The frame of a question; ``respell`` spells hiragana as the store's names print it."""
    lex = lexicon()
    norm = lex.respell(_kana_counters(normalize(text)))
    if respell is not None:
        norm = respell(norm)
    lang = detect_lang(norm)
    if lang == "en":
        norm = retype(norm, text)  # "the mobile libary project": library
    f = Frame(text=text, norm=norm, lang=lang)
    # (an English compound hyphenated or not is the same phrase: "general-fund burden" has the
    # lexicon's "general fund"; the text keeps its length, so every span stays where it is)
    if lang == "en":
        found = lex.find(_EN_HYPHEN.sub(" ", norm))
        # "why was the digital first project established?": how it began, the 背景
        found += [Hit(m.start(1), m.end(1), "section", "background", m.group(1)) for m in _BEGUN.finditer(norm)
                  if not any(h.start < m.end(1) and m.start(1) < h.end for h in found)]
    else:
        found = _state_short(_comparing(lex.find(norm), norm), norm)
        # 「何で完了になったの？」「何で減ったの？」: 何で asks why where a result or a change follows (not
        # 「何で払える？」, by what)
        found += [Hit(m.start(), m.end(), "op", "why", m.group(0)) for m in _WHY_NANDE.finditer(norm)
                  if not any(h.group == "op" and h.key == "why" for h in found)]
    f.hits = _inside_word(_inside_compound(_negated(found, norm), norm, text), norm)
    # "the most recent total cost": the latest year ("most recent"), no ranking ("the most")
    f.hits = [Hit(h.start, m.end(), "relative", "most recent", norm[h.start:m.end()])
              if h.group == "op" and h.text.endswith("most") and (m := _RECENT.match(norm, h.end)) else h for h in f.hits]
    # 「いちばん達成率が低かった」: 一番 said apart from its adjective ranks by it, lowest first
    f.hits = [Hit(h.start, h.end, "op", "min", h.text) if h.group == "op" and h.key == "max" and h.text in _BARE_MOST
              and (m := _MOST_WHICH.match(norm, h.end)) and m.group(1) else h for h in f.hits]

    if (intro := _SELF_INTRO.match(norm)) and not any(h.group in ("row", "section") for h in f.hits
                                                       if h.end <= intro.end()):
        # 「担当者です。」「保健所長です。」: who is asking, not what is asked (no 担当者 named)
        f.hits = [h for h in f.hits if h.start >= intro.end()]
    if picked := [m.span(1) for m in _PICK_UP_VERB.finditer(norm)]:
        drop_hits(f, picked, groups=("measure",))  # "how much waste did the city pick up": collected, no rise
    _read_years(f)
    if len(f.years) >= 2 and f.year_range:
        _sum_over_years(f)
    if (kind_of := _KIND_OF_MONEY.search(norm)) and not re.search(r"いくら|何円|何千円|金額|額は|how much", norm):
        # 「どんな費用に補助が出るの？」 asks what kind of cost, not how much: what the text says of it
        f.hits = [h for h in f.hits if not (h.group == "money" and kind_of.start() <= h.start < kind_of.end())]
        f.describe = True
    # "how many percentage points short of plan": a difference of rates, no evaluation's scores
    f.hits = [h for h in f.hits if not (h.group == "eval" and h.key == "scores" and h.text.startswith("point")
                                        and re.search(r"(?:percentage|pct\.?|%)\s*$", norm[:h.start]))]
    # "how much did online applications grow": the size of a change of what is named, no money
    f.hits = [h for h in f.hits if not (h.group == "money" and h.text == "how much did" and GREW_AFTER.match(norm, h.end))]
    # "how much does the … interpreter program cost?": cost is the verb, "program" the project's — money in
    # general, not the 事業費 row ("program cost")
    if (cost_verb := _COST_VERB.search(norm)) is not None:
        f.hits = [Hit(cost_verb.start(1), cost_verb.end(1), "money", "money", cost_verb.group(1))
                  if h.group == "row" and h.key == "project_cost" and h.end == cost_verb.end(1) else h for h in f.hits]
    _apply(f)
    # 「上がった背景」「減った要因」: the reason for the change, not the project's 背景 section
    moved = [i for i, h in enumerate(f.hits) if h.group == "section" and h.key == "background"
             and _MOVED_BEFORE.search(norm[:h.start])]
    for i in moved:
        h = f.hits[i]
        f.hits[i] = Hit(h.start, h.end, "op", "why", h.text)
    if moved:
        _apply(f)
    if named_sheet := [(h.start, h.end) for h in f.hits if h.group == "eval" and h.key == "result" and h.text == "評価"
                       and _SHEET_OF_YEAR.search(norm[:h.start]) and _SHEET_AFTER.match(norm, h.end)]:
        drop_hits(f, named_sheet, groups=("eval",))  # 「（令和７年度評価）」「R7評価のシートで」: which sheet, nothing asked
    if sheet_word := [(h.start, h.end) for h in f.hits if h.group == "eval" and h.key == "result" and h.text == "評価"
                      and _SHEET_NOUN.match(norm, h.end)]:
        drop_hits(f, sheet_word, groups=("eval",))  # 「4年度分の評価シート」: the sheet's name, no result asked
    if verb := [(h.start, h.end) for h in f.hits if h.group == "eval" and h.key == "result" and h.text == "評価"
                and _VERB_OF_NOUN.match(norm, h.end)]:
        drop_hits(f, verb, groups=("eval",))  # 「評価した土地の筆数」: what was valued, no evaluation result asked
    if f.lang == "en" and re.search(r"\bhow (?:many|much)\b", norm) and (done := [
            (h.start, h.end) for h in f.hits if h.group == "result" and re.search(r"\b(?:were|was|been|be|got|get)\s+$",
                                                                              norm[:h.start])]):
        drop_hits(f, done, groups=("result",))  # "how many metres of road were improved": a deed counted, no result
    if copula := [(h.start, h.end) for h in f.hits if h.group == "eval" and h.key == "org" and h.text.endswith("で")
                  and _COPULA.match(norm, h.end)]:
        drop_hits(f, copula, groups=("eval",))  # 「どの事業でしょうか」 asks which projects, not which one runs it
    if "scores" in f.evals and (rated := [(h.start, h.end) for h in f.hits if h.group == "eval" and h.key == "scores"
                                          and _RATING_BEFORE.search(norm[:h.start])]):
        drop_hits(f, rated, groups=("eval",))  # "what satisfaction score did visitors give": a rating, not 評点
    if "scores" in f.evals and ("change" in f.measures and _OF_A_RATE.search(norm)
                                or f.has("verdict", "under_plan", "over_plan") and not _SCORE_NAMED.search(norm)):
        # "how many points did the rate jump", "how far short of plan, in points": percentage points, not 評点
        drop_hits(f, [m.span() for m in _POINTS.finditer(norm)])
    if f.has("count") and (listed := [(h.start, h.end) for h in f.hits if h.group == "measure" and h.key == "trend"
                                      and h.text.startswith("一覧")]):
        drop_hits(f, listed, groups=("measure",))  # 「事業は何本？一覧で」: the projects counted, named — no years
    _read_kind(f)
    if f.kind_span and any(h.group == "section" and h.start <= f.kind_span[0] < h.end for h in f.hits):
        f.kind = f.kind_no = None  # 「成果指標分析結果」 is a section, not the 成果指標 rows
        f.kind_span = None
    _read_threshold(f)
    if m := _TOP_N.search(norm):
        f.top_n = int(next(g for g in m.groups() if g))
    if m := _NTH.search(norm):  # 「2番目に大きい」: a ranking, down to that place
        place = m.group("n") or m.group("en")
        f.nth = int(place) if place.isdigit() else _ORDINALS.get(place) or kanji_number(place)
        if f.nth and f.nth >= 2:
            low = bool(re.match(r"小さ|少な|低|安|small|low|least|few", m.group("how") or m.group("how_en")))
            if not f.has("min", "max"):
                f.ops.append("min" if low else "max")
            f.top_n = max(f.top_n or 0, f.nth)
        else:
            f.nth = None
    f.theme = _theme(norm)
    if f.theme and "list" not in f.ops and _THEME_ASKED.search(norm) and not norm.startswith(_FOLLOW_START):
        f.ops.append("list")  # 「DX関連の事業は？」「防災系の事業ってある？」: which projects they are
    f.deictic = bool(_DEICTIC.search(norm))
    if _SHARE_OF.search(norm):  # 「総事業費の何％？」: a share of that total, not an achievement rate
        if "share" not in f.measures:
            f.measures.append("share")
        if "rate" in f.measures:
            f.measures.remove("rate")
    f.same_years = bool(_SAME_YEARS.search(norm))
    if f.same_years and re.search(r"percent|%|パーセント|倍|multiple|growth|伸び", norm) and "change" not in f.measures:
        f.measures.append("change")  # 「同じ期間で何%？」 asks the change over those years
    if _BY_HOW_MUCH.search(norm) and len(set(f.years)) == 2 and "change" not in f.measures \
            and not re.search(r"計画(?:より|と比べ|に対し)|than (?:the |its )?plan", norm):
        f.measures.append("change")  # "by how much does the FY2023 plan exceed the FY2022 actual": the gap of two years
    if f.has("summary") and any(h.group == "section" and h.key == "current" and h.text in ("状況", "status", "situation")
                                for h in f.hits):
        # 「R7の状況、要点を3行で」: how the project stands (the sheet summed up), not its 現状周辺環境 section
        drop_hits(f, [h.span for h in f.hits if h.group == "section" and h.key == "current"], groups=("section",))
    f.of_sheets = bool(_OF_SHEETS.search(norm))
    # two sheets told apart (「前のシート」「最新シート」; not 「Aの最新シートとBの最新シート」), or an earlier one's 見込み
    sheets_named = {re.sub(r"\s|の", "", m.group(0)) for m in _SHEET_REF.finditer(norm)}
    earlier_named = any(not NEWEST_SHEET.search(x) for x in sheets_named)
    if "forecast" not in f.measures and (
            _SHEET_PLAN.search(norm) and re.search(r"決算|実績|確定|settled|actual|reported", norm)
            or len(sheets_named) >= 2 or earlier_named and _ESTIMATE.search(norm)):
        # 「R6のシートに載ってたR7の計画値と、R7シートの決算値」「前のシートの見込みと最新シートの確定値」
        # "the earlier sheet's estimate versus the latest sheet's actual": one year as two sheets print it
        f.measures.append("forecast")
    if lang == "en" and "background" not in f.sections and _HOW_STARTED.search(norm):
        f.sections.append("background")  # "how did Koriyama's open data project start": its 背景
    f.same_org = bool(re.search(r"同じ(部|課|部局|所属)|same (department|division|section)", norm))
    g = _GRANULAR.search(norm)
    if g and g.group(1) not in _NOT_GRANULAR:
        f.granular = g.group(1)
    elif en := _GRANULAR_EN.search(norm):
        f.granular = g.group(1) if g else en.group(1)  # a Japanese 「年度ごと」 set aside above still wins here
    elif adj := _GRANULAR_EN_ADJ.search(norm):
        f.granular = g.group(1) if g else _PERIOD_OF.get(adj.group(1), re.split(r"[\s\-]", adj.group(1))[0])
    elif place := _WHICH_PLACES.search(norm):  # "which neighbourhoods had the most inspections": by place
        f.granular = place.group(1)
    if f.lang == "en" and (m := _WHICH.search(norm)) and not ({m.group(1), m.group(2) or ""} & _WHICH_OK) \
            and not _WHICH_VERB.match(m.group(1)):
        f.ops.append("entity")
    if f.lang == "en" and "list" not in f.ops and _WHICH_PROJECTS.search(norm):
        f.ops.append("list")  # "which Koriyama projects' sheets show …": which projects, as "which projects"
    f.asks_years = bool(re.search(r"(年|年度)(は|が|を|って)?\s*(いつ|どれ|どこ|[?？]|$)|いつ|何年度|どの年|which years?|what years?|when", norm))
    f.first_year = bool(_FIRST_YEAR.search(norm))
    f.follow_up = (norm.startswith(_FOLLOW_START) or f.shift is not None or bool(_OTHER_ONE.search(norm))
                   or (lang == "en" and bool(_EN_PRONOUN.search(norm)) and "project" not in norm))
    return f


_MOVED_BEFORE = re.compile(r"(上がっ|増え|減っ|下がっ|伸び|落ち|高くなっ|低くなっ|増加し|減少し|改善し|悪化し|跳ね上がっ)"
                           r"(た|てる|ている|てきた)の?\s*$")
_FIRST_YEAR = re.compile(r"最初の年|初年度|初年|最初の年度|一番最初|\bfirst (?:fiscal )?year\b")
_SHARE_OF = re.compile(r"(総事業費|事業費|人件費|総コスト|予算)(全体)?の(うち)?何\s*(%|パーセント|割)|"
                       r"(percent|percentage|share|proportion) of (the )?(total|overall) (cost|budget)")
_SAME_YEARS = re.compile(r"same (two |2 )?(fiscal )?(years|period)|同じ(2年|二年|期間|年度間)|その(2|二|両)年(?!前|後|度?前|度?後)|両年度|"
                         r"(both|those two|the two) (fiscal )?years")
_RATED_YEAR = re.compile(r"[」』\"']?(?:って|と|に|が|で)?(?:評価)?(?:出た|なった|された|決まった|決まる|判定された|になった)?"
                         r"(?:の)?(前|翌|次)?の?(?:年度|年)(?!度?[0-9])|"
                         # 「改善と評価されたのはいつ？」
                         r"[」』\"']?(?:って|と|に)(?:評価)?(?:出た|なった|された|決まった|判定された)(?:の|のは|は)"
                         r"(?:いつ|何年度|何年|どの年度)")
_HIT_FIELDS = ("rows", "measures", "sections", "evals", "stages", "results", "ops")
_NEGATION = re.compile(r"(でき|し|て|され)?(なかった|ない|ず|ていない|てない|ませんでした|ません)")


def _negated(hits: list[Hit], norm: str) -> list[Hit]:
    """「計画を達成できなかった」: a met-the-plan phrase followed by a negation asks for the misses
    (and its なかった is no 「ゼロ」)."""
    out: list[Hit] = []
    skip_until = -1
    for h in hits:
        if h.start < skip_until:
            continue
        if h.group == "op" and h.key == "over_plan" and (m := _NEGATION.match(norm, h.end)):
            out.append(Hit(h.start, m.end(), "op", "under_plan", norm[h.start:m.end()]))
            skip_until = m.end()
            continue
        if h.group == "row" and _LEFT_OUT.match(norm, h.end) and any(o.group == "row" and o is not h for o in hits):
            continue  # 「事業費（人件費抜き）」: the row left out is not asked
        out.append(h)
    return out


_LEFT_OUT = re.compile(r"\s*(抜き|ぬき|を除く|を除いた|除き|以外|は除いて|を含まない|なし)")


def _apply(f: Frame) -> None:
    """The frame's words from its lexicon hits (again, after hits inside a name were dropped)."""
    lex = lexicon()
    for name in _HIT_FIELDS:
        setattr(f, name, [])
    f.money = f.revenue = False
    for h in f.hits:
        if h.group == "row" and h.key not in f.rows:
            f.rows.append(h.key)
        elif h.group == "money":
            f.money = True
        elif h.group == "revenue":
            f.revenue = True
        elif h.group == "measure" and h.key not in f.measures:
            f.measures.append(h.key)
        elif h.group == "section" and h.key not in f.sections:
            f.sections.append(h.key)
        elif h.group == "eval" and h.key not in f.evals:
            f.evals.append(h.key)
        elif h.group == "stage" and h.key not in f.stages:
            f.stages.append(h.key)
        elif h.group == "result" and h.key not in f.results:
            f.results.append(h.key)
        elif h.group == "op" and h.key not in f.ops:
            f.ops.append(h.key)
    if f.ratio_to and "change" not in f.measures:
        f.measures.append("change")  # 「R6比」: the change from that year
    # 「一次と二次のコメント」: a comment asked of each stage named
    if f.stages and any(k in ("primary_comment", "secondary_comment", "comments") for k in f.sections):
        for st in f.stages:
            if f"{st}_comment" not in f.sections:
                f.sections.append(f"{st}_comment")
        if "comments" in f.sections:
            f.sections.remove("comments")
    if "comments" in f.sections and any(k in f.sections for k in ("primary_comment", "secondary_comment")):
        f.sections.remove("comments")  # 「二次評価で何て言われた」: that comment, not both
    if "resident_needs" in f.sections and "comments" in f.sections:
        f.sections.remove("comments")  # 「住民からどんな意見」
    f.rated_year = None
    said = f.norm
    for h in f.hits:
        if h.group == "result" and (m := _RATED_YEAR.match(f.norm, h.end)):
            f.rated_year = (h.key, -1 if m.group(1) == "前" else 1 if m.group(1) in ("翌", "次") else 0)
            said = said[:h.start] + " " * (m.end() - h.start) + said[m.end():]  # a year, not a 縮小 of money
            break
    f.direction = lex.direction(said)
    if f.direction and "change" not in f.measures and not f.has("verdict", *PLAN_SIDES):
        f.measures.append("change")
    if f.change_base and "change" not in f.measures:
        f.measures.append("change")
    if f.stages and not (f.sections or f.evals or f.rows or f.measures or f.money):
        f.evals.append("result")  # 「一次評価は？」 "the first-stage result?"


_GRANULAR = re.compile(r"([一-龥ァ-ヶー]{1,8}?[きぎしちりい]?)(?:ごと|毎|別)(?:の|に|で|は|[?？（(、]|$)")
_NOT_GRANULAR = {"年度", "年", "事業", "課", "部", "部局", "指標", "項目", "財源", "費目", "各年度", "年次", "所属", "担当課",
                 "評価", "種類", "区分", "内容", "性", "特", "格", "個", "区", "分", "識", "差", "判", "選", "送", "送り"}
_GRANULAR_EN = re.compile(r"\b(?:by|per|for each|in each|at each|to each|broken down by|"
                          r"break(?:ing)? (?:it |them )?down by|"
                          r"(?:split|divided) (?:between|among|across|by)(?: [a-z\-]+){0,4}?) "
                          r"(month|months|district|districts|area|areas|facility|facilities|route|routes|school|schools|"
                          r"site|sites|construction site|construction sites|location|locations|region|regions|"
                          r"theme|themes|age|ages|ward|wards|neighbourhood|neighborhood|store|stores|job grade|job grades|"
                          r"grade|grades|position|positions|post|posts|employee|employees|staff member|staff members|"
                          r"person|individual|contractor|contractors|vendor|vendors|quarter|quarters|week|weeks|day|days)\b")
# "which neighbourhoods had the most …": places within a project, never a sheet's rows
_WHICH_PLACES = re.compile(r"\bwhich (neighbou?rhoods?|districts?|wards?|areas?|regions?) (?:had|have|has|saw|see|got|get|"
                           r"received|receive|recorded|did|were|was)\b")
# "the month-by-month breakdown", "monthly figures": finer than the fiscal year any sheet gives
_GRANULAR_EN_ADJ = re.compile(r"\b(month[\s\-]by[\s\-]month|monthly|quarterly|weekly|daily|week[\s\-]by[\s\-]week|"
                              r"day[\s\-]by[\s\-]day)\s+(?:[a-z]+\s+)?(?:breakdown|split|figures|numbers|data)\b")
_PERIOD_OF = {"monthly": "month", "quarterly": "quarter", "weekly": "week", "daily": "day"}
# (「…のシートのうち、which ones …」 "of the sheets evaluating FY2022, which ones received …": which projects)
_WHICH_PROJECTS = re.compile(r"\bwhich (?:[a-z'’\-]+ ){1,3}(?:projects|programs|programmes|schemes)\b"
                             r"|\bof the (?:[a-z0-9'’\-]+ ){0,3}sheets\b.{0,40}\bwhich (?:ones|of them)\b")
_WHICH = re.compile(r"\bwhich (?:of the |of its )?(?:fy\s?\d{2,4} |\d{4} )?([a-z]+)(?: ([a-z]+))?")
_WHICH_OK = {"project", "projects", "year", "years", "fiscal", "department", "departments", "division", "divisions",
             "section", "sections", "indicator", "indicators", "one", "ones", "had", "has", "is", "was", "were", "are",
             "programme", "program", "programs", "programmes", "evaluation", "result", "of", "figure", "figures",
             "number", "numbers", "value", "values", "row", "rows", "cost", "costs", "comment", "stage", "reason",
             "criteria", "criterion", "item", "items", "category", "categories", "score", "scores", "sheet", "sheets",
             "city", "cities", "municipality", "municipalities"}
# 「which relied more on …」「which spent the most」: a verb after which asks which project, not which place
_WHICH_VERB = re.compile(r"[a-z]+ed$|(more|most|less|least|did|does|do|got|gets|grew|grows|fell|falls|rose|rises|spent|"
                         r"spends|met|meets|saw|sees|paid|pays|relies|uses|costs|gives|gave|came|comes|ranks|leads|"
                         r"depends|needs|shows|scores|performs|achieves|reaches|misses|exceeds|took|takes|brought|brings|made|makes|"
                         r"received|receives|drew|draws|attracted|attracts)$")
GREW_AFTER = re.compile(r"(?:\s+(?!(?:costs?|spend|spent|spending|pay|paid|budget|expenses?|invest|to|for|on|in)\b)"
                        r"[\w'’-]+){1,5}?\s+(?:grow|rise|increase|decrease|fall|drop|decline|change|go (?:up|down)|shrink)\b")
_CHANGE_BASE = re.compile(r"(前年度?|前の年|昨年度?|去年|previous year|year before|last year)\s*"
                          r"(から|と比べ|と比較|に比べ|より|比|と比|than|compared)"
                          r"|compar(?:e|ed|es|ing)\s+(?:it\s+|that\s+)?(?:with|to)\s+(?:the\s+)?"
                          r"(?:previous year|year before|last year|prior year)"
                          r"|\b(?:from|since|over|versus|vs\.?|on)\s+(?:the\s+)?(?:previous year|year before|last year|prior year)")


_POINTS = re.compile(r"\b(percentage )?points?\b|ポイント")
_SCORE_NAMED = re.compile(r"評点|点数|\bscores?\b|\bevaluation points\b")
_OF_A_RATE = re.compile(r"\b(rate|ratio|share|percentage|proportion|turnout)\b|率|割合")


# a sheet named by its place among the project's sheets or by its year (「前のシート」「R6版」 "the FY2023 sheet")
_SHEET_REF = re.compile(r"(?:一つ前|ひとつ前|1つ前|前|前年度?|去年|昨年度?|最新|直近|新しい|古い|"
                        r"(?:令和|平成|r|h)\s*(?:\d{1,2}|元)\s*年?度?|20\d{2}\s*年?度?)\s*の?\s*(?:評価)?(?:シート|版)|"
                        r"\b(?:earlier|previous|prior|older|latest|newest|most recent|newer|last year's|fy\s?\d{4}|\d{4})"
                        r"(?:'s)? (?:evaluation )?sheet\b")
_HOW_STARTED = re.compile(r"\bhow did (?:the |its |this )?[a-z'’\- ]{0,60}?\b(?:start|begin|come about|get started)\b")
# the newest sheet named (「最新のシート」 "the current sheet"): not an earlier one
NEWEST_SHEET = re.compile(r"最新|直近|新しい|latest|newest|most recent|newer|current")
_ESTIMATE = re.compile(r"見込|予定|想定|当初|estimate|forecast|projected|expected")
_SHEET_PLAN = re.compile(r"シート.{0,14}(計画|見込|予算)|(earlier|previous|prior) sheet.{0,30}(plan|forecast|budget)")
_OF_SHEETS = re.compile(r"実施分|実施事業|評価シート|のシートで|(?:を|が)?評価した(?:シート|事業)|"
                        r"(fy\s?\d{4}|\d{4}) (evaluation )?sheets?|(?:sheets?|one) (?:that )?(covering|evaluating|evaluates|covers) fy")
_SELF_INTRO = re.compile(r"[^。？?!！]{1,24}?(です|でございます|と申します|の者です)[。、!！]\s*")
_KIND_OF_MONEY = re.compile(r"(どんな|どういう|どのような|どういった|何の|なんの|何に|what kinds? of|which kinds? of)\s*"
                            r"(費用|経費|お金|コスト|支出|costs?|expenses?|spending)")


def _sum_over_years(f: Frame) -> None:
    """「H25〜H27の事業費の合計」: over a range of years 「事業費の合計」 sums 事業費, it is not 総事業費
    (the sheet's 事業費 + 人件費)."""
    out = []
    for h in f.hits:
        m = re.fullmatch(r"(事業費|人件費)の合計", h.text)
        if h.group == "row" and h.key == "total_cost" and m:
            key = "project_cost" if m.group(1) == "事業費" else "personnel_cost"
            cut = h.start + len(m.group(1))
            out += [Hit(h.start, cut, "row", key, m.group(1)), Hit(cut + 1, h.end, "measure", "sum", "合計")]
        else:
            out.append(h)
    f.hits = out


def drop_ops(f: Frame, *keys: str) -> None:
    """Forget these ops (「他市」 read as the store's other cities' sheets, not figures from outside)."""
    keep = [h for h in f.hits if not (h.group == "op" and h.key in keys)]
    if len(keep) != len(f.hits):
        f.hits = keep
        _apply(f)


def drop_hits(f: Frame, spans: list[tuple[int, int]], groups: tuple[str, ...] = ()) -> None:
    """Forget lexicon words (of these ``groups``, or all) found inside these spans (a project's own
    name: 固定資産評価適正化事業 is no question about 評価)."""
    keep = [h for h in f.hits if groups and h.group not in groups or not any(s <= h.start and h.end <= e for s, e in spans)]
    if len(keep) != len(f.hits):
        compared = any(h.group == "comparator" for h in f.hits if h not in keep)
        f.hits = keep
        _apply(f)
        if compared:  # ("zero-carbon city program": its zero asks no year with none)
            f.threshold = None
            _read_threshold(f)


# "did the city pick up", "to pick up": the verb of collecting, not "sales picked up" (a rise)
_PICK_UP_VERB = re.compile(r"\b(?:(?:did|does|do|will|would|can|could)\s+(?:the\s+|our\s+)?(?:city|town|they|we|you|staff|crews?|"
                           r"volunteers|residents|department|office|project|program|programme)\s+|to\s+)(pick(?:ed)? up)\b")
_RATIO = r"比(?![率較べ重])"  # 「R6比」: a year with 比, not 比率・比較・比べ・比重
# (「H27決算と比べて」: the year's settled figure is the base)
_BASE_AFTER = re.compile(rf"\s*(?:年度)?\s*(?:の?(?:決算|実績)(?:額|値)?)?\s*(?:と比べ|と比較|に比べ|と比して|比で|比べて|{_RATIO}|than|compared)")
_RATIO_TO = re.compile(rf"\s*(?:年度)?\s*{_RATIO}")
_ALSO_AFTER = re.compile(r"\s*(?:年度)?(?:の(?:分|数字|値))?も(?!の)|\s*(?:too|as well)\b")
_BASE_BEFORE = re.compile(r"(compar(?:e|ed|es|ing) (?:(?:it|that|this|them) )?(with|to)|versus|vs\.?|against|relative to)\s*(the )?$")
_EVALUATED_IN = re.compile(r"\s*(?:年度)?\s*(?:に|で)(?:行った|した|やった|実施した)?評価(?:した|された|の|を|で)")
# 「R6分のシート（R7評価）」: beside the year of the work (分, 実施分), the year after it said with 評価 is
# when it was evaluated (alone, 「R7評価のシート」 is read as the sheet of R7's work, as staff mostly mean it)
_DONE_IN = re.compile(r"\s*(?:年度)?\s*(?:実施)?分")
_RATED_IN = re.compile(r"\s*(?:年度)?\s*評価")
# 「令和７年度評価のシート」「令和7年度評価で」: the evaluation round, as the sheets' title says it (not
# 「令和6年度評価は？」, an evaluation asked)
_FORMAL_EVALUATION = re.compile(r"(?:令和|平成)\s*(?:\d{1,2}|元)\s*年度\s*(?:事務事業)?評価\s*(?:の\s*(?:シート|事業)|シート|で|分|対象外)")
_LEAD_IN = re.compile(r"^(?:じゃあ|じゃ|では|それでは|あと|それと|次は|次に|ちなみに)[、,\s]*")


_OF_SHEET = re.compile(r"\s*(?:年度)?(?:の|実施分の?)?\s*(?:評価)?(?:シート|版)|\s*(?:'s)?\s+(?:evaluation )?sheet\b")


def _read_years(f: Frame) -> None:
    lex = lexicon()
    norm = f.norm
    era_range = False
    # the era letters of R6 / H27 are upper case to the year reader; offsets are the same
    # (「H27の古い様式」 "the old H27-format sheet" names the layout, not a year)
    norm = _LAYOUT_YEAR.sub(lambda m: " " * len(m.group(0)) if layout_tag(m) in _KNOWN_LAYOUTS else m.group(0), norm)
    mentions = [(m.fy, m.start, m.end) for m in find_fiscal_years(norm.upper())]
    m: re.Match[str] | None
    for m in _FY.finditer(norm):
        fy = int(m.group(1)) if m.group(1) else 2000 + int(m.group(2))
        mentions.append((fy, m.start(), m.end()))
    for m in ENGLISH_ERA.finditer(norm):  # "in Reiwa 7", "Heisei 27": the era spelled in English
        n = 1 if m.group(2) == "gannen" else int(m.group(2))
        mentions.append(({"reiwa": 2018, "heisei": 1988}[m.group(1)] + n, m.start(), m.end()))
    # a bare western year: in English any (2024), in Japanese one written before its basis (2023予算)
    taken = [(s, e) for _, s, e in mentions]
    for m in (_BARE_WESTERN if f.lang == "en" else _BARE_WESTERN_JA).finditer(norm):
        if not any(s <= m.start() < e for s, e in taken):
            mentions.append((int(m.group(1)), m.start(), m.end()))
    if m := _WESTERN_RANGE.search(norm):  # 2022〜2024年度: the first year has no 年度 of its own
        a, b = int(m.group(1)), int(m.group(2))
        if a < b:
            mentions = [x for x in mentions if not (m.start() <= x[1] < m.end())]
            mentions += [(a, m.start(), m.start() + 4), (b, m.end() - 4, m.end())]
            era_range = True
    if m := _ERA_RANGE.search(norm):  # 令和4〜6年度: the second year carries the first one's era
        era = {"r": "令和", "h": "平成"}.get(m.group(1), m.group(1))
        base = 2018 if era == "令和" else 1988
        a = base + (1 if m.group(2) == "元" else int(m.group(2)))
        b = base + int(m.group(3))
        if a < b:
            mentions = [x for x in mentions if not (m.start() <= x[1] < m.end())]
            mentions += [(a, m.start(), m.start() + 1), (b, m.end() - 1, m.end())]
            era_range = True
    mentions.sort(key=lambda x: x[1])
    # 「R5じゃなくてR7で」: a year set aside is not asked (when another one is)
    kept = [x for x in mentions if not re.match(r"\s*(?:の?(?:じゃ|では|で)なく|以外)", norm[x[2]:])]
    set_aside = [(s, e) for _, s, e in mentions] if kept and len(kept) < len(mentions) else []
    if set_aside:
        mentions = kept
    # 「R7に評価したシート」: a year the evaluation was written in, of the year before's work
    mentions = [(fy - 1 if _EVALUATED_IN.match(norm, e) else fy, s_, e) for fy, s_, e in mentions]
    if len(mentions) == 1 and _FORMAL_EVALUATION.match(norm[mentions[0][1]:]):
        # 「令和７年度評価のシート」: the evaluation of that year, as the sheets' title says it (令和7年度
        # 事務事業評価), of the work of the year before — alone; 「R7評価」 staff mostly say of R7's work
        fy, s_, e = mentions[0]
        mentions = [(fy - 1, s_, e)]
    done = {fy for fy, _, e in mentions if _DONE_IN.match(norm, e)}
    mentions = [x for x in mentions if not (_RATED_IN.match(norm, x[2]) and x[0] - 1 in done)]
    # 「R6のシートで見込んでいたR7の額」: a year naming the sheet a figure is read from, beside the year asked
    on_sheet = {fy for fy, _, e in mentions if _OF_SHEET.match(norm, e)}
    asked = [x for x in mentions if not _OF_SHEET.match(norm, x[2])]
    if on_sheet and asked:
        f.sheet_years = sorted(on_sheet - {fy for fy, _, _ in asked})
        mentions = asked
    # 「H27の関係人口創出、SNS投稿数のH25〜H27推移」: a range said after a year naming the project's sheet,
    # which the range holds — the range is asked
    ranged = [i for i in range(1, len(mentions) - 1) if _RANGE_GAP.match(norm[mentions[i][2]:mentions[i + 1][1]])
              and mentions[i][0] < mentions[i + 1][0]]
    if ranged and all(mentions[ranged[0]][0] <= fy <= mentions[ranged[0] + 1][0] for fy, _, _ in mentions):
        mentions = mentions[ranged[0]:ranged[0] + 2]
    chain = [i for i in range(len(mentions) - 1) if _RANGE_GAP.match(norm[mentions[i][2]:mentions[i + 1][1]])
             and mentions[i][0] < mentions[i + 1][0]]
    if len(mentions) >= 3 and len(chain) == len(mentions) - 1:
        mentions = [mentions[0], mentions[-1]]  # 「R5→R6→R7」: one range, from its first year to its last
        era_range = True
    years: list[int] = []
    for fy, _, _ in mentions:
        if fy not in years:
            years.append(fy)
    f.years = years
    f.base_years = [fy for fy, s, e in mentions if _BASE_AFTER.match(norm, e) or _BASE_BEFORE.search(norm[:s])]
    f.ratio_to = any(_RATIO_TO.match(norm, e) for _, _, e in mentions)
    f.also_years = [fy for fy, _, e in mentions if _ALSO_AFTER.match(norm, e)]
    if len(mentions) >= 2:
        gap = norm[mentions[0][2]:mentions[1][1]]
        f.year_range = era_range or bool(_RANGE_GAP.match(gap)) and mentions[0][0] < mentions[1][0]
    taken = [(s, e) for _, s, e in mentions] + set_aside
    bare: list[re.Match[str]] = []
    for bare_year in _BARE_ERA_YEAR.finditer(norm):
        if not any(s <= bare_year.start() < e for s, e in taken):
            f.bare_years.append(1 if bare_year.group(1) == "元" else int(bare_year.group(1)))
            bare.append(bare_year)
    if not mentions and len(bare) == 2 and f.bare_years[0] < f.bare_years[1] \
            and _RANGE_GAP.match(norm[bare[0].end():bare[1].start()]):
        f.year_range = True  # 「23年度決算から24年度決算」: a range of two years said without their era
    for h in f.hits:
        if h.group == "relative" and _OF_SHEET.match(norm, h.end):
            # 「最新のシートに載ってる3年分」「去年のシートでは見込みいくら？」: which sheet, not the year asked
            continue
        if h.group == "relative" and lex.relative[h.key] not in f.relative:
            f.relative.append(lex.relative[h.key])
        elif h.group == "shift":
            if lex.shift[h.key] == -1 and re.match(r"\s*(と比べ|と比較|から|より|に比べ|比|than|compared)", norm[h.end:]):
                f.change_base = True  # 「前の年と比べて」: the base of a change, not another year
            else:
                f.shift = lex.shift[h.key]
    if on_sheet and not asked and f.relative and not f.sheet_years:
        # 「令和８年度シートで、昨年度の人件費」: the year names the sheet the year asked is counted from
        f.sheet_years = sorted(on_sheet)
        f.years = [y for y in f.years if y not in on_sheet]
    # 「前年度から増えた」「前年度比」 name the base of a change, not the year asked about
    if f.relative == [-1] and _CHANGE_BASE.search(norm):
        f.relative = []
        f.change_base = True
    # 「R7の実績と、翌年度の計画」 "FY2025 …, and the plan for the next year": the year after the one named
    # (昨年度 and "last year" are counted from the sheet, not from the year named)
    after = [h for h in f.hits if h.group in ("relative", "shift") and _NEXT_OR_BEFORE.fullmatch(h.text.strip())
             and mentions and h.start >= mentions[0][2]]
    if len(f.years) == 1 and after and not f.change_base:
        step = lex.relative.get(after[0].key) if after[0].group == "relative" else lex.shift.get(after[0].key)
        if step in (1, -1):
            f.years.append(f.years[0] + step)
            f.relative, f.shift = [], None
    vague = [h for h in f.hits if h.group == "measure" and h.key == "change"
             and h.text in ("by how much", "how much", "どれくらい", "どのくらい", "どれだけ")]
    if vague and any(h.group == "measure" and h.key in ("verdict", "under_plan", "over_plan") for h in f.hits) \
            and not f.change_base and not f.relative:
        # "So they missed the plan? By how much?": the gap to the plan, not a change between years
        drop_hits(f, [h.span for h in vague], groups=("measure",))
    trend_verbs = [h for h in f.hits if h.group == "measure" and h.key == "trend"]
    if f.change_base and trend_verbs and all(re.search(r"(て|で)(る|い)", norm[h.start:h.end + 2]) for h in trend_verbs):
        # 「前の年より増えてる？」: a change from the year before, not the trend of every year
        drop_hits(f, [h.span for h in trend_verbs], groups=("measure",))
    if m := _PAST_N.search(norm):
        g = m.group(1) or m.group(2) or m.group(3) or m.group(4)
        f.past_n = int(g) if g.isdigit() else _EN_DIGIT.get(g) or kanji_number(g)
        inside = [h for h in f.hits if h.group == "relative" and m.start() <= h.start < m.end()]
        if f.past_n and inside and f.relative == [lexicon().relative.get(h.text) for h in inside][:1]:
            f.relative = []  # 「直近3年」: the last three years, not the latest one alone
        elif f.past_n and f.relative == [-1] and _LATEST_SHEET.search(norm):
            f.relative = []  # "the three years on the latest sheet": which sheet, not the latest year alone
    if f.relative == [-1] and any(h.group == "relative" and h.text in ("最近", "近年") for h in f.hits) and any(
            h.group == "measure" and h.key == "trend" for h in f.hits):
        # 「最近どう推移してる？」: the last few years, not the latest one alone
        f.relative = []
        f.past_n = f.past_n or RECENT_YEARS


def _read_kind(f: Frame) -> None:
    m: re.Match[str] | None
    for m in _KIND.finditer(f.norm):
        word = m.group(1) or m.group(3) or m.group(5)
        no = m.group(2) or m.group(4)
        f.kind = _KIND_KEYS[word]
        f.kind_span = m.span()
        if no:
            f.kind_no = CIRCLED.index(no) + 1 if no in CIRCLED else int(no)
        elif m.group(3) and (nth := _ORDINAL_BEFORE.search(f.norm[:m.start()])):
            f.kind_no = _ORDINALS[nth.group(1)]  # "the third outcome indicator": 成果指標③
        if f.kind == "target":
            f.kind_no = 1
        break
    if f.kind is None and (m := _ANY_INDICATOR.search(f.norm) or _KEY_RESULTS.search(f.norm)):
        f.all_indicators = True  # 「この事業の指標を教えて」: every row of the indicator table
        f.kind_span = m.span()
    elif f.kind is None and (m := _RESULTS_WORD.search(f.norm)):
        f.kind = "outcome"  # 「R6の成果を一言で」: what the outcome indicators show
        f.kind_span = m.span()


_YEAR_TOKEN = re.compile(r"(?:令和|平成|昭和|r|h|fy)\s*(?:\d{1,4}|元)\s*(?:年度|年)?|(?:19|20)\d{2}\s*年度?|\d{1,2}\s*年度|"
                         r"\d{1,2}\s*(?:か年|カ年|ヵ年|年)分")


def _en_money(m: re.Match[str], window: str) -> bool:
    """An English amount is money: yen said, or a scale word ("30 million") no other noun follows
    ("1 million visitors", "500 m of waterways" are no money)."""
    if m.group(3) == "yen" or re.search(r"[¥￥]", window[:m.end()]):
        return True
    if m.group(3) or m.group(2) not in ("million", "billion", "thousand"):
        return False
    after = re.match(r"\s*([a-z]+)", window[m.end():])
    return after is None or after.group(1) in ("in", "for", "during", "by", "on", "at", "and", "or", "with")


def _read_threshold(f: Frame) -> None:
    comps = [h for h in f.hits if h.group == "comparator"]
    if not comps:
        return
    c = comps[0]
    if c.key == "zero":
        f.threshold = Threshold("zero", None, None)
        return
    op = cast(Comparator, c.key)  # the lexicon's other comparators: gt, ge, lt, le
    # the amount next to the comparator: before it in Japanese, after it in English
    start = max(0, c.start - 16) if f.lang == "ja" else c.end  # where the amount is looked for
    # 「R6実績で…」「3年度分以上」: years, not amounts (blanked before the window is cut: 「r6」 across its edge)
    blanked = _YEAR_TOKEN.sub(lambda m: " " * len(m.group(0)), f.norm)
    window = blanked[start:c.start] if f.lang == "ja" else blanked[start:start + 24]
    amounts = list(_AMOUNT.finditer(window))
    half = _HALF.search(window) if f.lang == "ja" else None
    if not amounts and half is None:
        if len(f.rows) >= 2 and c.key in ("gt", "ge", "lt", "le"):
            f.threshold = Threshold(op, None, None)  # 「人件費が事業費より多い」: one row against another
        return
    if half is not None and (not amounts or amounts[-1].start() < half.start()):
        value, unit, at = Decimal(50), "%", half.start()  # 「半分以上」: 50%
    elif f.lang == "en" and (en := _AMOUNT_EN.match(window, amounts[0].start())) and _en_money(en, window):
        value = Decimal(en.group(1).replace(",", ""))
        value = value * _EN_SCALE[en.group(2)] if en.group(2) else value / 1000
        f.threshold = Threshold(op, value, "千円", start + amounts[0].start())
        return
    else:
        m = amounts[-1] if f.lang == "ja" else amounts[0]
        digits, scale, unit = m.group(1).replace(",", ""), m.group(2), m.group(3)
        value, at = Decimal(digits), m.start()
        if f.lang == "en" and (en := _AMOUNT_EN.match(window, m.start())) and en.group(2) in (
                None, "million", "thousand", "billion") and en.group(3) in (None, "cases", "people"):
            # "more than 5,000 participants": the count an indicator gives, the noun naming it
            count = Decimal(en.group(1).replace(",", "")) * (_EN_SCALE[en.group(2)] * 1000 if en.group(2) else 1)
            rest = window[en.end():] + f.norm[start + 24:]
            if en.group(3):  # "over 300 cases": the unit, no row named
                f.threshold = Threshold(op, count, {"cases": "件", "people": "人"}[en.group(3)], start + at)
                return
            # (a phrase ending in a plural noun counts something: "5,000 participants", "500,000 online
            # applications"; "above 90 last year" counts nothing)
            noun = (w := re.match(r"\s*((?:[a-z]+(?:-[a-z]+)?\s+){0,2}?[a-z]+(?:-[a-z]+)?(?<!s)s)\b", rest)) and w.group(1)
            if noun and noun.split()[-1] not in _NOT_COUNTED_EN and not set(noun.split()[:-1]) & _EN_FRAME:
                f.threshold = Threshold(op, count, None, start + at, noun)
                return
        if scale and unit not in (None, "円"):  # 「1万人」: the number's own scale, not money's (MONEY_SCALE is in 千円)
            value, scale = value * MONEY_SCALE[scale] * 1000, None
        if scale or unit == "円":
            value = value * MONEY_SCALE.get(scale or "", Decimal(1)) if scale else value / 1000
            unit = "千円"
        if m.group(0).strip() and re.fullmatch(r"(?:19|20)\d{2}", digits) and not unit:
            return  # a year, not an amount
        if unit == "割":  # 「8割以上」: 80%
            value, unit = value * 10, "%"
    f.threshold = Threshold(op, value, unit, start + at)
    if unit == "%" and len(f.rows) >= 2 and "share" not in f.measures and any(
            h.group == "row" and re.fullmatch(r"\s*の\s*", f.norm[h.end:start + at]) for h in f.hits):
        f.measures.append("share")  # 「人件費が総事業費の5割を超える」: a share of that row, over the threshold


def theme_span(norm: str) -> tuple[int, int] | None:
    """Where the question says its theme (「ごみ関係」 of 「ごみ関係の事業の総事業費は？」)."""
    m = _THEME.search(norm)
    said = _THEME_WORD.match(norm, m.end(1)) if m else None
    return (m.start(1), said.end()) if m and said else None


def _theme(norm: str) -> str | None:
    if m := _THEME.search(norm):
        # 「子育てとかこども関係の」: each word joined by とか/や is the theme (「・」 between them)
        # (no も: こども is a word)
        pieces = re.split(r"とか|[のはがをにでとへや、]", _LEAD_IN.sub("", m.group(1)))
        words = [pieces[-1]]
        for before in reversed(re.findall(r"([^のはがをにでとへや、]{2,})(?:とか|や)", m.group(1))):
            words.insert(0, before)
        words = [w for w in dict.fromkeys(words) if len(w) >= 2 and w not in ("事業", "予算", "評価")]
        if words:
            return "・".join(words)
    if m := _THEME_EN.search(norm):
        return (m.group(1) or m.group(2) or "").strip() or None
    return None
