"""A file that holds many sheets (a 部's binder) → the character range of each sheet (pure).

Cities publish one PDF per 部 with dozens of sheets; its text is the sheets one after another,
pages separated by form feeds (or, in a text someone joined, by nothing but blank lines). Each
template family has its own start (docs/formats.md):

- koriyama-r7: the title line 「令和N年度 事務事業マネジメントシート」, the first line of its page
  and printed once per sheet;
- koriyama-h27: the 「事務事業名」 label. Its name cell prints just before or just after it, and
  on some sheets the 事業概要 (目的 …) comes first: the sheet starts at the page break before
  the label, else at the blank line before it, else at the first line of that head block;
- other layouts: a title line such as 「事務事業評価シート」; a page that repeats the title without
  a project name of its own continues the sheet before it.

A file with one start (or none) is one sheet: its whole text, exactly as before.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.normalize import is_cell, nfkc

_R7_TITLE = re.compile(r"^(?:郡山市)?(?:令和|平成|R|H)(?:\d{1,2}|元)年度事務事業マネジメントシート")
_GENERIC_TITLE = re.compile(
    r"(?:事務事業|事業|行政)(?:評価|マネジメント|点検)(?:シート|調書|表|票|書|カルテ)"
)
_NAME_LABEL = re.compile(r"(?:事務事業名|事業名|事業の名称)")
_NAME_START = re.compile(r"^[|｜]?(?:事務事業名|事業名|事業の名称)(?:[:：|｜]|$|(?=\S))")
# Lines of an H27 sheet's head block (事業概要 and the 事務事業名 / 部 / 課 cells): the sheet may
# start with any of them, so a start is moved up over them.
_H27_HEAD = frozenset({"○事業概要", "目的", "(アウトカ", "ム)", "(アウトカム)", "目的(アウトカム)", "部", "課",
                       "NO", "政策体系", "事務事業名"})
_H27_TAIL_WORDS = ("把握困難", "利用者数", "市民ニーズ", "代替サービス", "状況", "年度", "評価", "○事業")
_PROSE = re.compile(r"[。、]")
_ORG = re.compile(r"^\S{1,20}(?:部|局|委員会|保健所|課|室)$")  # the 部 / 課 cells of the head block
# What a project name ends with: a stray line of the sheet before must not pass for one.
PROJECT_NAME_END = re.compile(
    r"(?:事業|事務|業務|費|金|制度|計画|運営|管理|活動|対策|整備|推進|支援|助成|補助|経費|講座|教室|大会|基金|調査|手当|給付)"
    r"(?:[(（][^()（）]*[)）])?$"
)


@dataclass(frozen=True)
class Segment:
    """One sheet's stretch of the file's text: ``text[start:end]``."""

    start: int
    end: int
    family: str  # the start that found it: koriyama-r7, koriyama-h27, generic, or "" (whole file)


@dataclass(frozen=True)
class _Line:
    no: int
    start: int  # offset of the line in the text
    raw: str
    key: str  # NFKC, no spaces


def _lines(text: str) -> list[_Line]:
    out, at = [], 0
    for no, raw in enumerate(text.split("\n")):
        out.append(_Line(no, at, raw, re.sub(r"\s+", "", nfkc(raw))))
        at += len(raw) + 1
    return out


def split(text: str, page_starts: Sequence[int] = (0,)) -> list[Segment]:
    """The sheets of a file, in order. One segment (the whole text) unless it holds several starts."""
    lines = _lines(text)
    whole = [Segment(0, len(text), "")]
    page_lines = {bisect_right([ln.start for ln in lines], p) - 1 for p in page_starts if p > 0}
    starts = _starts(lines, page_lines)
    if len(starts) < 2:
        return whole
    segments: list[Segment] = []
    for k, (line_no, family) in enumerate(starts):
        begin = lines[line_no].start if k else 0
        end = lines[starts[k + 1][0]].start if k + 1 < len(starts) else len(text)
        segments.append(Segment(begin, end, family))
    # text before the first start: a cover or a table of contents stays with the first sheet
    # unless it is substantial (then it is simply not a sheet, and is left out)
    first = lines[starts[0][0]].start
    preamble = [ln for ln in lines if ln.start < first and ln.key]
    if len(preamble) >= 5:
        segments[0] = Segment(first, segments[0].end, segments[0].family)
    merged: list[Segment] = []
    for seg in segments:
        if merged and _continues(text[seg.start:seg.end], seg.family):
            merged[-1] = Segment(merged[-1].start, seg.end, merged[-1].family)
        else:
            merged.append(seg)
    return merged if len(merged) > 1 else whole


def _starts(lines: list[_Line], page_lines: set[int]) -> list[tuple[int, str]]:
    """(line number, family) of every sheet start, in order."""
    r7 = [ln.no for ln in lines if _R7_TITLE.match(ln.key)]
    h27 = [ln.no for ln in lines if ln.key == "事務事業名"] if not r7 else []
    found: list[tuple[int, str]] = [(n, "koriyama-r7") for n in r7]
    if h27:
        prev = -1
        for anchor in h27:
            found.append((_h27_start(lines, anchor, prev, page_lines), "koriyama-h27"))
            prev = anchor
    if not found:
        found = [(ln.no, "generic") for ln in lines
                 if len(ln.key) <= 40 and _GENERIC_TITLE.search(ln.key) and "続き" not in ln.key]
    if len(found) < 2:
        # no title repeats: each sheet's name label starts it (at the top of its page, if pages are known)
        labels = [ln.no for ln in lines if _NAME_START.match(ln.key) and len(ln.key) <= 60]
        if len(labels) >= 2:
            found = [(_page_top(n, page_lines), "generic") for n in labels]
    # a start must open a new stretch: two starts on one line (or out of order) are one
    out: list[tuple[int, str]] = []
    for n, fam in sorted(found):
        if not out or n > out[-1][0]:
            out.append((n, fam))
    return out


def _page_top(line: int, page_lines: set[int], reach: int = 8) -> int:
    """The first line of the page a start label stands on, when it stands near its top."""
    tops = [p for p in page_lines if line - reach <= p <= line]
    return max(tops) if tops else line


def _h27_start(lines: list[_Line], anchor: int, prev: int, page_lines: set[int]) -> int:
    """Where the H27 sheet whose 事務事業名 label is on line ``anchor`` begins (after line ``prev``)."""
    pages = [p for p in page_lines if prev < p <= anchor]
    if pages:
        return max(pages)
    # walk up over the head block: the name cell just above the label, then 事業概要 lines
    start = anchor
    if anchor - 1 > prev and _name_like(lines[anchor - 1].key):
        start = anchor - 1
    j = start - 1
    head_seen = False
    while j > prev:
        key = lines[j].key
        if not key:
            break
        if key in _H27_HEAD or _ORG.match(key) or _PROSE.search(key) and len(key) >= 20:
            head_seen = head_seen or key in _H27_HEAD or bool(_ORG.match(key))
            j -= 1
            continue
        break
    if head_seen:
        # only up to the topmost head cell: prose above it belongs to the sheet before
        top = min(k for k in range(j + 1, start) if lines[k].key in _H27_HEAD or _ORG.match(lines[k].key))
        start = top
    blank = next((k for k in range(start - 1, prev, -1) if not lines[k].key), None)
    if blank is not None and all(_head_or_prose(lines[k].key) for k in range(blank + 1, start)):
        return blank + 1
    return start


def _name_like(key: str) -> bool:
    return (
        0 < len(key) <= 40
        and not _PROSE.search(key)
        and key not in _H27_HEAD
        and not is_cell(key)
        and not key.startswith(("(", "（"))
        and not any(w in key for w in _H27_TAIL_WORDS)
        and bool(PROJECT_NAME_END.search(key))
    )


def _head_or_prose(key: str) -> bool:
    return not key or key in _H27_HEAD or bool(_PROSE.search(key)) or _name_like(key)


def _continues(text: str, family: str) -> bool:
    """A stretch that is not a sheet of its own: a page that repeats the title, nothing more."""
    key = re.sub(r"\s+", "", nfkc(text))
    # koriyama-r7 prints its dated title once per sheet: a stretch that starts with one is a sheet
    # (when nothing else of it follows, it is reported as a sheet that cannot be read)
    if family == "generic":
        return not _NAME_LABEL.search(key)
    return False
