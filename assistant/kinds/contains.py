"""Whether a section of a sheet lists something: 「手段に集会所の整備補助って入ってる？」「カイゼン策に研修は含まれてる？」.

The thing asked is the nouns written between what names the project or section and the verb; the
answer is yes with the sentences of the section (every section when none is named) that hold all
of them, or no with what the section does list. A yes/no about the text, never a figure of a row
that shares a word with the thing (キャッシュレス決済の導入 is no 導入施設数)."""

from __future__ import annotations

import re

from assistant import compose
from assistant.answer import Citation, Fact
from assistant.kinds.base import Desk, Part, sheet_for
from assistant.kinds.rows import AMOUNT_ASKED, COUNT_ASKED
from assistant.lexicon import Hit, lexicon
from assistant.query import Project, Query
from ingest.model import SECTION_LABELS, Section

# 「…って入ってる？」「…は含まれていますか」「…も載ってる？」: the verb of a question about what a text lists
_INCLUDED = re.compile(r"(?:って|は|も|が)?\s*(?:入って(?:る|いる|ます|ない|いない)(?:か)?|含まれ(?:る|ます|て(?:る|いる|ます|ない|いない))?(?:か)?|"
                       r"含んで(?:る|いる|ます|ない)(?:か)?|載って(?:る|いる|ます|ない|いない)(?:か)?|"
                       r"書いて(?:ある|あります|ない)(?:か)?|書かれて(?:る|いる|います|ない)(?:か)?)\s*[?？]?\s*$")
# (a question word before the verb asks what is written: 「いつやるって書いてある？」「何が課題って書いてある？」)
_WHAT_WRITTEN = re.compile(r"(?:何|なに|なん|どんな|どう|どのよう|いつ|どこ|誰|だれ|どれ|どの)[^。？?]*"
                           r"(?:書いて|書かれて|載って|入って|含まれ)")
_SHOWN = 3  # sentences quoted when the thing is listed
_PROJECTS = 3  # projects answered in one question


class ContainsKind:
    name = "contains"

    def fit(self, q: Query) -> float:
        f = q.frame
        # (a section must be named: 「国・県支出金は入ってる？」 asks the revenue row, 「何件入ってる？」 a figure)
        if q.lang != "ja" or not q.projects or not _INCLUDED.search(f.norm) or not _section_spans(f.norm) \
                or _WHAT_WRITTEN.search(f.norm):
            return 0.0  # (「何て書いてある？」 asks what the section says, not whether it lists a thing)
        if COUNT_ASKED.search(f.norm) or AMOUNT_ASKED.search(f.norm) or f.rank or f.rows or f.revenue:
            return 0.0
        return 0.95 if _thing(q) else 0.0

    def answer(self, q: Query, desk: Desk) -> Part | None:
        words = _thing(q)
        if not words:
            return None
        part = Part(text="", intent="prose")
        lines: list[str] = []
        # (the sections as written: a row may share the word)
        keys = {h.key for h in _sections_said(q.frame.norm)} | set(q.frame.sections)
        for p in q.projects[:_PROJECTS]:  # (「AとBの手段に…って入ってる？」: each project answered)
            lines += self._one(q, desk, p, words, keys, part)
        if not lines:
            return None
        part.text = "\n".join(lines)
        return part

    def _one(self, q: Query, desk: Desk, p: Project, words: list[str], keys: set[str], part: Part) -> list[str]:
        """The yes or no of one project's sheet, its quotes added to ``part``."""
        f = q.frame
        ref = sheet_for(p, f.years[-1]) if f.years else p.latest
        sheet = desk.sheet(ref.sheet_id)
        if sheet is None:
            return []
        asked = [s for s in sheet.sections if s.key in keys and s.text]
        where = asked or [s for s in sheet.sections if s.text]
        found = [(s, sent) for s in where for sent in compose.sentences(s.text)
                 if all(_holds(sent, w) for w in words)]
        thing = "・".join(words)
        # (not every word, but the thing's main one: 「マイナポータルの活用」 where 手段 says 「マイナポータルの拡充」)
        main = max(words, key=len)
        some = [] if found or len(words) < 2 else [(s, sent) for s in where for sent in compose.sentences(s.text)
                                                    if _holds(sent, main)]
        when = f"（{sheet.target_fy}年度実施分）" if sheet.target_fy else ""
        part.sheet_ids.append(sheet.sheet_id)
        if sheet.target_fy:  # the year the answer names: a fact like any figure it states
            part.facts.append(Fact(sheet_id=sheet.sheet_id, project=p.name, field="target_fy", value=sheet.target_fy,
                                   fy=sheet.target_fy, row="評価対象年度", unit="年度"))
        quoted = found[:_SHOWN] or some[:_SHOWN] or [(s, s.text) for s in asked[:1]]
        cites = [Citation(sheet_id=sheet.sheet_id, project=sheet.project.name, section=s.label,
                          quote=sent[:desk.settings.max_quote_chars * 2], key=s.key) for s, sent in quoted]
        part.citations += cites
        label = _label(asked)
        if found:
            lead = f"はい。{p.name}{when}の{_label([s for s, _ in found]) or label}に「{thing}」の記載があります。"
        elif some:
            missing = "・".join(w for w in words if w != main)
            lead = (f"{p.name}{when}の{_label([s for s, _ in some])}に「{main}」の記載はありますが、"
                    f"「{missing}」とは書かれていません。")
        elif asked:
            lead = f"いいえ。{p.name}{when}の{label}に「{thing}」の記載はありません。{label}には次のように書かれています。"
        else:
            lead = f"{p.name}{when}のシートに「{thing}」の記載はありません。"
        return [lead, *(compose.quote_line(c, "ja") for c in cites)]


def _thing(q: Query) -> list[str]:
    """The nouns of what the question asks to be listed: after the project's name or the section named,
    up to the verb (「手段に【集会所の整備補助】って入ってる？」)."""
    f = q.frame
    verb = _INCLUDED.search(f.norm)
    if verb is None:
        return []
    sections = _section_spans(f.norm)
    taken = [*q.project_spans, *sections]
    fw = lexicon().function_words

    def nouns(start: int, end: int) -> list[str]:
        return [u.text for u in q.reading.units if start <= u.start and u.end <= end and u.noun and len(u.text) >= 2
                and u.text not in fw and not re.fullmatch(r"[\d０-９]+", u.text)
                and not any(a <= u.start < b for a, b in taken)]

    start = max((e for _, e in taken if e <= verb.start()), default=0)
    # (「借地料は手段に含まれてる？」: the thing said before the section, after the project's name)
    return nouns(start, verb.start()) or (nouns(max((e for _, e in q.project_spans if e <= sections[0][0]), default=0),
                                                sections[0][0]) if sections else [])


def _sections_said(norm: str) -> list[Hit]:
    return [h for h in lexicon().find(norm) if h.group == "section"]


def _section_spans(norm: str) -> list[tuple[int, int]]:
    return [(h.start, h.end) for h in _sections_said(norm)]


def _holds(sentence: str, word: str) -> bool:
    """The sentence says the word, or both its halves (整備補助 in 「整備に対する補助」, システム運用 in
    「システムの運用」): split where its script changes, else in the middle."""
    if word in sentence:
        return True
    if len(word) < 4:
        return False
    cut = next((i for i in range(1, len(word)) if _script(word[i]) != _script(word[i - 1])), len(word) // 2)
    return word[:cut] in sentence and word[cut:] in sentence


def _script(ch: str) -> str:
    return "kana" if re.match(r"[ァ-ヶーぁ-ゖ]", ch) else "kanji" if re.match(r"[一-龥]", ch) else "other"


def _label(sections: list[Section]) -> str:
    return "・".join(dict.fromkeys(s.label or SECTION_LABELS.get(s.key, s.key) for s in sections))
