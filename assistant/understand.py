"""What a question asks, read from its words alone (no store): years, fields, intent, subject.

Resolving the subject to projects and indicators needs the store and happens in the chain;
relative years (前年度, 今年度) stay relative here and are fixed against a sheet's evaluated year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from ingest.normalize import find_fiscal_years, nfkc

Intent = Literal["figure", "trend", "ranking", "filter", "summary", "why", "list"]
Field = Literal[
    "plan", "actual", "rate", "change",
    "project_cost", "personnel_cost", "total_cost", "general_revenue", "national_prefectural",
    "municipal_bonds", "user_charges", "unit_cost", "result", "section", "department", "scores",
]
Kind = Literal["target", "activity", "outcome"]

# Longest phrases first: 総事業費 must win over 事業費, 一般財源 over 財源.
_FIELD_WORDS: tuple[tuple[str, Field], ...] = (
    ("単位コスト", "unit_cost"), ("1件当たり", "unit_cost"), ("一件当たり", "unit_cost"), ("unit cost", "unit_cost"),
    ("総事業費", "total_cost"), ("歳出計", "total_cost"), ("総コスト", "total_cost"), ("total cost", "total_cost"),
    ("事業費", "project_cost"), ("予算", "project_cost"), ("project cost", "project_cost"), ("budget", "project_cost"),
    ("人件費", "personnel_cost"), ("personnel", "personnel_cost"), ("staff cost", "personnel_cost"),
    ("一般財源", "general_revenue"), ("general revenue", "general_revenue"),
    ("国・県支出金", "national_prefectural"), ("国県支出金", "national_prefectural"), ("補助金", "national_prefectural"),
    ("subsid", "national_prefectural"),
    ("市債", "municipal_bonds"), ("bond", "municipal_bonds"),
    ("受益者負担", "user_charges"), ("使用料", "user_charges"),
    ("達成率", "rate"), ("計画比", "rate"), ("達成度", "rate"), ("達成状況", "rate"), ("achievement", "rate"),
    ("vs plan", "rate"), ("against plan", "rate"), ("against the plan", "rate"),
    ("何%", "rate"), ("何パーセント", "rate"), ("計画に対して", "rate"), ("percent", "rate"),
    ("増減", "change"), ("前年比", "change"), ("増え", "change"), ("減っ", "change"), ("減り", "change"),
    ("比べ", "change"), ("比較して", "change"), ("compared", "change"), ("前年度比", "change"), ("伸び", "change"), ("増えた", "change"),
    ("減った", "change"), ("増加", "change"), ("減少", "change"), ("change", "change"), ("increase", "change"),
    ("decrease", "change"), ("grew", "change"), ("go up", "change"), ("went up", "change"), ("go down", "change"),
    ("went down", "change"), ("higher", "change"), ("lower", "change"), ("rise", "change"), ("rose", "change"), ("fell", "change"),
    ("計画値", "plan"), ("計画", "plan"), ("目標", "plan"), ("plan", "plan"), ("target value", "plan"),
    ("実績値", "actual"), ("実績", "actual"), ("actual", "actual"), ("result", "actual"),
    ("評価結果", "result"), ("判定", "result"), ("評価は", "result"), ("rated", "result"), ("と評価され", "result"), ("rating", "result"), ("evaluation result", "result"),
    ("評点", "scores"), ("スコア", "scores"), ("score", "scores"),
    ("担当課", "section"), ("所管課", "section"), ("どこの課", "section"), ("担当部署", "section"), ("所管", "section"),
    ("担当は", "section"), ("division", "section"), ("which section", "section"), ("in charge", "section"),
    ("担当部", "department"), ("department", "department"),
)
_KIND_WORDS: tuple[tuple[str, Kind], ...] = (
    ("成果指標", "outcome"), ("outcome", "outcome"), ("活動指標", "activity"), ("activity indicator", "activity"),
    ("対象指標", "target"),
)
_SECTION_WORDS: tuple[tuple[str, str], ...] = (
    ("二次評価", "secondary_comment"), ("secondary", "secondary_comment"), ("一次評価", "primary_comment"),
    ("primary", "primary_comment"), ("カイゼン", "kaizen"), ("改善策", "kaizen"), ("行動計画", "kaizen"),
    ("kaizen", "kaizen"), ("improvement plan", "kaizen"), ("背景", "background"), ("background", "background"),
    ("現状", "current"), ("今後", "outlook"), ("見通し", "outlook"), ("予測", "outlook"), ("outlook", "outlook"),
    ("住民意向", "resident_needs"), ("市民ニーズ", "resident_needs"), ("ニーズ", "resident_needs"),
    ("目的", "purpose"), ("ねらい", "purpose"), ("purpose", "purpose"), ("手段", "means"), ("means", "means"),
    ("活動指標分析", "activity_analysis"), ("成果指標分析", "outcome_analysis"), ("コスト分析", "cost_analysis"),
)
_ANALYSIS = (
    (re.compile(r"成果指標.{0,4}分析|outcome.{0,12}analys"), "outcome_analysis"),
    (re.compile(r"活動指標.{0,4}分析|activity.{0,12}analys"), "activity_analysis"),
    (re.compile(r"(事業費|コスト|費用|人件費).{0,4}分析|cost.{0,12}analys"), "cost_analysis"),
)
_WHY = ("理由", "なぜ", "何故", "なんで", "どうして", "要因", "原因", "背景は", "why", "reason", "because")
_SUMMARY = ("要約", "まとめ", "概要", "どんな事業", "どのような事業", "説明して", "教えて", "summar", "overview", "describe",
            "what is the project", "コメント", "comment")
_RANKING = ("最も", "一番", "いちばん", "もっとも", "最大", "最小", "最高", "最低", "ランキング", "上位", "下位", "順に", "大きい順",
            "多い順", "トップ", "largest", "biggest", "highest", "most", "lowest", "smallest", "least", "top ", "rank")
_MIN_RE = re.compile(r"(最も|一番|いちばん|もっとも)(小さ|少な|低)|最小|最低|少ない順|小さい順|低い順|下位|lowest|smallest|least|fewest")
_FILTER_UNDER = ("未達", "下回", "届かなかった", "達成していない", "達成できなかった", "未達成", "missed", "below plan",
                 "below target", "fell short", "short of", "not achieve", "did not meet", "didn't meet", "under plan")
_FILTER_OVER = ("上回", "超過", "達成した", "達成している", "exceeded", "above plan", "above target", "met the plan",
                "met their", "beat")
_TREND = ("推移", "経年", "過去", "この3年", "ここ数年", "毎年", "年ごと", "年度別", "trend", "over the years",
          "each year", "year by year", "history", "変化", "どう変わ")
_LIST = ("一覧", "どんな事業がある", "どの事業", "which projects", "list", "何件ある", "いくつある", "how many projects")
_RESULT_WORDS = ("継続", "拡充", "改善", "縮小", "統合", "休止", "廃止", "完了")

_RELATIVE: tuple[tuple[str, int], ...] = (
    ("前々年度", -2), ("一昨年度", -2), ("前年度", -1), ("昨年度", -1), ("前年", -1), ("昨年", -1),
    ("去年", -1), ("今年度", 0), ("本年度", 0), ("当年度", 0), ("今年", 0), ("来年度", 1), ("翌年度", 1),
    ("next year", 1), ("last year", -1), ("previous year", -1), ("prior year", -1), ("this year", 0),
    ("the year before", -1),
)
_PAST_N = re.compile(r"(?:過去|直近|ここ|この)\s*(\d+)\s*(?:年|か年|ヵ年|カ年)|(?:last|past)\s+(\d+)\s+years")
_THEME_MARK = re.compile(r"(?:関連|関係|に関する|分野)")
_THEME_EN = re.compile(r"\b([A-Za-z]{2,})(?=[- ]related)|\b([A-Z]{2,5})(?=\s+projects?)")


@dataclass
class Question:
    """A question read into parts. Empty lists mean 'not said': the conversation may fill them."""

    text: str
    lang: Literal["ja", "en"]
    intent: Intent
    years: list[int] = field(default_factory=list)
    relative_years: list[int] = field(default_factory=list)  # offsets from the sheet's evaluated year
    fields: list[Field] = field(default_factory=list)
    kind: Kind | None = None
    sections: list[str] = field(default_factory=list)
    lowest: bool = False  # ranking direction
    condition: Literal["under", "over"] | None = None
    differ: bool = False  # 一次評価と二次評価の結果が違う
    theme: str | None = None  # 「DX関連」→ "DX"
    result_word: str | None = None  # 「廃止」と評価された事業
    subject: str = ""  # what is left once years, fields and question words are taken out
    follow_up: bool = False  # refers to the previous turn (その前年は？, 計画値は？)


def detect_lang(text: str) -> Literal["ja", "en"]:
    """English when Latin letters dominate, even around a Japanese project name."""
    ja = len(re.findall(r"[\u3040-\u30ff\u4e00-\u9fff]", text))
    latin = len(re.findall(r"[A-Za-z]", text))
    return "ja" if ja and ja >= 0.3 * (ja + latin) else "en"


def _has(t: str, words: tuple[str, ...]) -> bool:
    return any(w in t for w in words)


def understand(text: str) -> Question:
    t = nfkc(text).strip()
    low = t.lower()
    lang = detect_lang(t)

    years = sorted({m.fy for m in find_fiscal_years(t)})
    years += [int(y) for y in re.findall(r"\bFY\s?((?:19|20)\d{2})\b", t, re.I) if int(y) not in years]
    years += [int(y) for y in re.findall(r"\b((?:19|20)\d{2})\b", t) if int(y) not in years and lang == "en"]
    years = sorted(set(years))
    # 「前年度から増えた」「前年度比」name the base of a change, not the year asked about.
    base_only = re.sub(r"(前年度?|昨年度?)(から|と比べ|と比較|に比べ|比)", "", low)
    relative = sorted({off for w, off in _RELATIVE if w in base_only})
    if "その前年" in t or "その前の年" in t or "前の年" in t:
        relative = []  # relative to the previous turn's year, resolved by the conversation
    if m := _PAST_N.search(low):
        n = int(m.group(1) or m.group(2))
        relative = sorted(set(relative) | set(range(-(n - 1), 1)))

    fields: list[Field] = []
    rest = low
    for word, f in _FIELD_WORDS:
        if word in rest:
            if f not in fields:
                fields.append(f)
            rest = rest.replace(word, " ")
    kind = next((k for w, k in _KIND_WORDS if w in low), None)
    sections = []
    for rx, key in _ANALYSIS:
        if rx.search(low):
            sections.append(key)
    for w, key in _SECTION_WORDS:
        if w in low and key not in sections and not (key in ("primary_comment", "secondary_comment") and not re.search(
                r"コメント|comment|所見|意見|書かれ|内容|まとめ|要約|summar|どんな|どのよう", low)):
            sections.append(key)
    if sections and any(k.endswith("_analysis") for k in sections):
        sections = [k for k in sections if k.endswith("_analysis") or k.endswith("_comment") or k == "kaizen"]

    condition: Literal["under", "over"] | None = None
    if _has(low, _FILTER_UNDER):
        condition = "under"
    elif _has(low, _FILTER_OVER) and not _has(low, ("達成率", "achievement rate")):
        condition = "over"

    theme = _theme(t)
    if theme is None and (m := _THEME_EN.search(t)):
        theme = m.group(1) or m.group(2)

    result_word = None
    if m := re.search("(?:「|評価が|判定が|評価結果が|rated\\s*「?)(" + "|".join(_RESULT_WORDS) + ")(?:」)?"
                      "|(" + "|".join(_RESULT_WORDS) + ")(?:」)?(?:と評価|となった|になった|とされた|と判定|の評価)", t):
        result_word = m.group(1) or m.group(2)
    differ = bool(re.search(r"(一次評価と二次評価|一次と二次).{0,12}(違|異な|食い違)|primary and secondary.{0,30}differ", low))

    if result_word and "result" not in fields and _has(low, _WHY):
        fields.append("result")  # 「二次評価が縮小なのはどうして？」 asks about the result
    if _has(low, _WHY):
        intent: Intent = "why"
    elif condition or result_word or differ:
        intent = "filter"
    elif _has(low, _RANKING):
        intent = "ranking"
    elif _has(low, _TREND) or len(years) + len(relative) >= 3:
        intent = "trend"
    elif sections and not fields or _has(low, _SUMMARY) and not fields:
        intent = "summary"
    elif _has(low, _LIST) and not fields:
        intent = "list"
    else:
        intent = "figure"

    subject = _subject(t)
    if len(subject) <= 2 and not re.search(r"[A-Za-z0-9一-龥]{2}", subject):
        subject = ""  # a stray kana: nothing named
    follow_up = (
        "その" in t[:4] or low.startswith(("では", "じゃあ", "それ", "and ", "what about", "how about"))
        or (lang == "en" and bool(re.search(r"\b(it|that|this|they|them)\b", low)) and not re.search(r"事業|project", low))
        or (not subject and not theme and intent in ("figure", "trend", "why", "summary"))
    )
    return Question(
        text=text, lang=lang, intent=intent, years=years, relative_years=relative, fields=fields, kind=kind,
        sections=sections, lowest=bool(_MIN_RE.search(low)), condition=condition, theme=theme,
        result_word=result_word, differ=differ, subject=subject, follow_up=follow_up,
    )


def _script(ch: str) -> str:
    if ch.isascii() and ch.isalnum():
        return "latin"
    if "\u30a0" <= ch <= "\u30ff":
        return "katakana"
    if "\u4e00" <= ch <= "\u9fff" or "\u3040" <= ch <= "\u309f":
        return "kanji"
    return "other"


def _theme(t: str) -> str | None:
    """The word before 関連/分野: 「DX関連事業」→ DX, 「子育て支援関連」→ 子育て支援 (one script run)."""
    m = _THEME_MARK.search(t)
    if not m or m.start() == 0:
        return None
    i = m.start()
    kind = _script(t[i - 1])
    j = i
    while j > 0 and _script(t[j - 1]) == kind and t[j - 1] not in "のはがをにでともへや" and i - j < 10:
        j -= 1
    return t[j:i] or None


# Words that carry no subject: question forms, particles, field and year words.
_STOP = re.compile(
    "|".join(
        sorted(
            {re.escape(w) for w, _ in _FIELD_WORDS + _KIND_WORDS + _SECTION_WORDS + _RELATIVE}
            | {re.escape(w) for w in _WHY + _SUMMARY + _RANKING + _FILTER_UNDER + _FILTER_OVER + _TREND + _LIST}
            | {r"(?:19|20)\d{2}\s*年度?", r"(令和|平成|R|H)\s*(\d{1,2}|元)\s*年?度?", r"[（(][^)）]*年度?[)）]", r"FY\s?\d{4}",
               r"過去\d+年", r"直近\d+年", "について", "に関して", "を教えて", "教えてください", "ください", "どのくらい",
               "どれくらい", "いくら", "何件", "何人", "何回", "ですか", "でしたか", "ますか", "ました", "でした", "いくつ", "どれだけ",
               "なりましたか", "増えましたか", "減りましたか", "増えた", "減った", "増え", "減り", "なった", "教えて",
               "どうなってる", "どうなっている", "どう推移した", "推移した", "ですか", "何%", "何％", "何パーセント",
               "ありますか", "だった", "[?？。、!！]", "どう", "どの", "なっている", "なって",
               "いる", "ある", "その", "それ", "では", "じゃあ", "値", "数値", "比較", "比べ", "から", "して", "する",
               "大きい", "小さい", "多い", "少ない", "高い", "低い", r"\b(?:19|20)\d{2}\b", r"\bhad\b", r"\bhas\b",
               r"\bhave\b", r"[A-Za-z]+[- ]related", "関連", "分野",
               r"\bwhat\b", r"\bwhich\b", r"\bwas\b", r"\bwere\b", r"\bis\b", r"\bare\b", r"\bthe\b", r"\bof\b",
               r"\bin\b", r"\bfor\b", r"\bhow\b", r"\bmany\b", r"\bmuch\b", r"\bdid\b", r"\bdo\b", r"\bby\b",
               r"\bproject'?s?\b", r"\bnumber\b", r"\bto\b", r"\band\b", r"\bits\b", r"\bit\b", r"\bthat\b"},
            key=len,
            reverse=True,
        )
    ),
    re.I,
)


def _subject(t: str) -> str:
    s = _STOP.sub(" ", t)
    s = re.sub(r"(?:^|\s)[のはがをにでともへや]+(?=\s|$)", " ", s)
    s = re.sub(r"[のはがをにでとも]+$", "", re.sub(r"\s+", " ", s).strip())
    s = re.sub(r"^[のはがをにでとも]+", "", s)
    s = s.strip(" 　・,.")
    return "" if s in ("事業", "の事業", "project", "projects") else s
