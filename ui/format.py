"""What the web UI shows of an ``Answer``: escaped text, the sources panel, the facts table, its CSV,
the side column's mode and the upload reasons in Japanese.

Pure drawing: everything here reads an :class:`~assistant.answer.Answer` (and, for names, years,
files and the table rows a figure came from, the :class:`~ingest.model.Sheet` and its file names),
and decides nothing about the answer itself.

Nothing that comes from a sheet (or from the person asking) reaches the page as markup: the
chat renders Markdown, so :func:`md_escape` turns ``< > &`` into entities and backslash-escapes
every Markdown sign; tables are plain-text cells. Staff see names (事業, 課, 年度, ファイル);
sheet ids appear only in a 詳細 line.
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Literal

from assistant.answer import NOT_FIGURES, Answer, Choice, Citation, Fact
from ingest.check import StoreHealth
from ingest.chunk import cost_text, indicator_text
from ingest.model import Sheet
from ingest.normalize import format_number
from ingest.vocabulary import COST_FIELDS, STAGE_LABELS, VALUE_LABELS

SheetLookup = Callable[[str], Sheet | None]

# Markdown's signs (CommonMark backslash-escapes any ASCII punctuation) and TeX's $.
_MD_SIGNS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$:=^\"'])")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]")

FIELD_LABELS: dict[str, str] = {
    **VALUE_LABELS,
    "change": "前年度比増減",
    "count": "件数",
    "target_fy": "評価対象年度",
    "covered_year": "記載のある年度",
    "warning": "注意",
    **COST_FIELDS,
}
# Fields that are no figure of the answer: the side column and the table leave them out.
FACT_COLUMNS = ["事業名", "項目", "年度", "値", "区分", "課", "ファイル"]
CSV_COLUMNS = [*FACT_COLUMNS, "単位", "算出", "シートID", "field"]
STATUS_LABELS = {"indexed": "登録", "unchanged": "変更なし", "replaced": "置き換え", "conflict": "重複（未登録）",
                 "refused": "上限超過", "failed": "失敗"}
INFERRED_NOTE = f"{STAGE_LABELS['primary']}・{STAGE_LABELS['secondary']}のどちらのコメントかは、シート上の位置から推定しました"


def md_escape(text: str | None) -> str:
    """Text shown literally by a Markdown renderer: no tag, no link, no emphasis, no TeX."""
    if not text:
        return ""
    return _MD_SIGNS.sub(r"\\\1", html.escape(str(text), quote=False))


def md_lines(text: str | None) -> str:
    """Escaped text whose line breaks stay line breaks (Markdown joins single newlines)."""
    return "  \n".join(md_escape(line) for line in str(text or "").split("\n"))


def file_name(path: str | None) -> str:
    """The base name of a stored path, whichever separator it uses: staff never see server paths."""
    if not path:
        return ""
    return PureWindowsPath(PurePosixPath(str(path)).name).name


# what a computed field is of its row (total_cost_share → 総事業費の割合), longest suffix first
_SUFFIX_LABELS = (("_forecast_growth", "の見込みとの差（%）"), ("_forecast_gap", "の見込みとの差"),
                  ("_forecast", "（前のシートの見込み）"), ("_plan_average", "の計画の平均"), ("_plan_sum", "の計画の合計"),
                  ("_change", "の増減"), ("_growth", "の増減率"), ("_share", "の割合"), ("_sum", "の合計"),
                  ("_average", "の平均"), ("_ratio", "の倍率"), ("_yen", "（円）"))
_COMPUTED_LABELS = {"plan_gap": "計画との差", "ratio": "比率", "sum": "合計", "score_total": "評点の合計",
                    "score_gap": "評点の合計の差", "indicator_name": "指標名", "threshold": "条件"}


def field_label(field: str) -> str:
    if field in FIELD_LABELS or field in _COMPUTED_LABELS:
        return FIELD_LABELS.get(field) or _COMPUTED_LABELS[field]
    for suffix, label in _SUFFIX_LABELS:
        if field.endswith(suffix):
            row = field.removesuffix(suffix)
            return f"{FIELD_LABELS.get(row) or _COMPUTED_LABELS.get(row, row)}{label}"
    return field


def value_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "はい" if v else "いいえ"
    if isinstance(v, int | float):
        return format_number(v)
    return str(v)


def answer_markdown(answer: Answer) -> str:
    return md_escape(answer.answer)


# While an LLM writes (app.write_live): the extractive answer stays on top, the draft grows under it.
LLM_WORKING = "（文章を整えています…）"
LLM_DRAFT = "文章を整えています（確認前の下書き）:"
LLM_REJECTED = "（LLMの文章は数値・内容の確認を通らなかったため、シートから直接まとめた回答を表示しています）"
LLM_FAILED = "（LLMから回答が得られなかったため、シートから直接まとめた回答を表示しています）"


def writing_markdown(answer: str, draft: str) -> str:
    """The chat bubble while the LLM writes: the extractive answer, then the progress line or the
    draft so far (escaped, quoted: it has not been checked yet)."""
    if not draft:
        return md_lines(answer) + "\n\n" + LLM_WORKING
    quoted = "\n".join("> " + line if line else ">" for line in md_lines(draft).split("\n"))
    return md_lines(answer) + "\n\n" + LLM_DRAFT + "\n\n" + quoted


def llm_status(chat_model: object | None, problem: str | None) -> str:
    """One line under the title: the LLM on (and what it does), or configured but unusable, or nothing.
    The problem itself (it may name a server path) goes to the log only."""
    if problem:
        return "LLMの設定に問題があるため、回答はシートから直接まとめています（詳しくはサーバーのログにあります）。"
    if chat_model is not None:
        return ("回答の文章はLLMが整えます。数値と内容はシートと照合し、合わないときはシートから直接まとめた回答を"
                "表示します。")
    return ""


def store_status(health: StoreHealth) -> str:
    """One line under the title about the store (``ingest.check``): damaged, with the next step and
    what is off until then; a notice as it is; nothing when all is well (or no store yet)."""
    if health.damaged:
        return (f"**シートの保存先（ストア）に問題があります。** {md_escape(health.line_ja)} 修復が終わるまで、質問への回答と"
                "シートの追加はできません（修復のあと、アプリを起動し直してください）。")
    if health.state == "notice":
        return md_escape(health.line_ja)
    return ""


def stream_pieces(text: str, pieces: int = 6) -> list[str]:
    """Growing prefixes of ``text`` (the assistant answers whole; the chat shows it arriving)."""
    if not text:
        return [""]
    step = max(1, -(-len(text) // pieces))
    cuts = list(range(step, len(text), step)) + [len(text)]
    return [text[:c] for c in cuts]


# ----------------------------------------------------------------------------- names of sheets


@dataclass(frozen=True)
class SheetInfo:
    """What staff call a sheet by: its project, 課, year and file (the id only for details)."""

    sheet_id: str
    project: str
    org: str  # 担当課, else 部局
    target_fy: int | None
    files: tuple[str, ...] = ()  # file names, never paths
    inferred: frozenset[str] = frozenset()  # keys of sections placed by their position on the page

    @property
    def year(self) -> str:
        return f"{self.target_fy}年度実施分" if self.target_fy else "年度不明"

    def where(self) -> str:
        """「DX戦略課・2024年度実施分・koriyama_r7_digital_first.txt」"""
        return "・".join(x for x in (self.org, self.year, "、".join(self.files)) if x)


InfoLookup = Callable[[str], SheetInfo | None]


def sheet_info(sheet: Sheet, paths: Iterable[str] = ()) -> SheetInfo:
    """A sheet's names; ``paths`` are the stored files it was read from (their names are kept)."""
    names = tuple(dict.fromkeys(n for n in (file_name(p) for p in paths) if n))
    if not names and sheet.source is not None:
        names = (file_name(sheet.source.path),)
    p = sheet.project
    return SheetInfo(sheet.sheet_id, p.name or "（事業名不明）", p.section or p.department or "", sheet.target_fy,
                     names, frozenset(s.key for s in sheet.sections if s.inferred))


def choice_label(c: Choice) -> str:
    """A button's text: 「デジタルファースト推進事業（ＤＸ戦略課・2024年度）」."""
    bits = [x for x in (c.section, f"{c.target_fy}年度" if c.target_fy else None) if x]
    return (c.project or "（事業名不明）") + (f"（{'・'.join(bits)}）" if bits else "")


# ----------------------------------------------------------------------------- the side column


SideMode = Literal["figures", "quotes", "store", "choices"]


def figure_facts(answer: Answer) -> list[Fact]:
    """The facts that are figures of some sheet (not warnings, years or store counts)."""
    return [f for f in answer.facts if f.sheet_id != "*" and f.field not in NOT_FIGURES]


def side_mode(answer: Answer) -> SideMode:
    """What the right column shows for this answer: its figures (chart and table), the sections it
    quotes, the candidate projects it asks to choose from, or — for a decline — what the store holds."""
    if answer.intent == "choice" or (answer.choices and not figure_facts(answer) and not answer.citations):
        return "choices"
    if not answer.answerable:
        return "store"
    if figure_facts(answer):
        return "figures"
    if answer.citations:
        return "quotes"
    return "store"


SIDE_HEADINGS: dict[SideMode, str] = {
    "figures": "回答の数値",
    "quotes": "回答が引用した欄",
    "store": "登録されているシート",
    "choices": "当てはまりうる事業",
}


# ----------------------------------------------------------------------------- facts table


def _what(f: Fact) -> str:
    """The row a fact belongs to, as the sheet prints it: 成果指標②「オンライン申請件数」, 総事業費."""
    row, ind = f.row or "", f.indicator or ""
    if row and ind and ind != row and ind not in COST_FIELDS.values():
        return f"{row}「{ind}」"
    return row or ind or field_label(f.field)


def _kind(f: Fact) -> str:
    label = field_label(f.field)
    if f.computed:
        label += "（計算）"
    return label


def fact_rows(answer: Answer, info: InfoLookup | None = None) -> list[list[str]]:
    """The table beside the answer (columns :data:`FACT_COLUMNS`): one row per figure, names not ids."""
    facts = figure_facts(answer)
    if not facts:
        return []
    rows = []
    for f in [*facts, *(x for x in answer.facts if x.sheet_id == "*" and x.field not in NOT_FIGURES)]:
        i = info(f.sheet_id) if info is not None and f.sheet_id != "*" else None
        project = "（集計）" if f.sheet_id == "*" else f.project or (i.project if i else "")
        rows.append([
            project,
            _what(f),
            "" if f.fy is None else f"{f.fy}年度",
            value_text(f.value) + (f.unit or ""),
            _kind(f),
            i.org if i else "",
            "、".join(i.files) if i else "",
        ])
    return rows


# A cell a spreadsheet would read as a formula (OWASP "CSV Injection"): = + - @, or a tab or carriage
# return before one. Such text gets a leading ' so that Excel and LibreOffice show it as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def csv_cell(value: object) -> object:
    """A value as a CSV cell that no spreadsheet evaluates: numbers as they are (-5 stays a number),
    text starting with = + - @ tab or CR prefixed with a single quote."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def write_csv(path: Path, header: list[str], rows: Iterable[Iterable[object]]) -> Path:
    """Every CSV the app writes: UTF-8 with BOM (so that Excel reads the Japanese), cells through
    :func:`csv_cell`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([csv_cell(c) for c in header])
        w.writerows([csv_cell(c) for c in row] for row in rows)
    return path


def write_facts_csv(answer: Answer, path: Path, info: InfoLookup | None = None) -> Path:
    """The facts as CSV; raw values, not formatted."""
    facts = figure_facts(answer)
    facts += [x for x in answer.facts if x.sheet_id == "*" and x.field not in NOT_FIGURES]
    rows = []
    for f, row in zip(facts, fact_rows(answer, info), strict=True):
        cells: list[object] = list(row)
        cells[3] = f.value
        cells[4] = field_label(f.field)
        rows.append([answer.question, *cells, f.unit or "", "計算" if f.computed else "",
                     "" if f.sheet_id == "*" else f.sheet_id, f.field])
    return write_csv(path, ["質問", *CSV_COLUMNS], rows)


# ----------------------------------------------------------------------------- sources panel


def _row_reading(sheet: Sheet | None, facts: list[Fact]) -> str | None:
    """The sheet's table row the facts were read from, as the index states it."""
    if sheet is None:
        return None
    row = facts[0].row
    ind = next((i for i in sheet.indicators if i.label == row), None)
    if ind is not None and any(f.field in ("plan", "actual", "rate") for f in facts):
        return indicator_text(ind)
    cost_fields = [f.field.removesuffix("_change") for f in facts]
    if all(f in COST_FIELDS for f in cost_fields):
        years = sorted({f.fy for f in facts if f.fy is not None})
        wanted = set(cost_fields)
        lines = []
        for c in sheet.costs:
            if c.fy in years:
                values = {k: getattr(c, k) for k in COST_FIELDS if k in wanted}
                lines.append(cost_text(values, c.fy))
        return "\n".join(lines) or None
    return None


def _unique_citations(citations: list[Citation]) -> list[Citation]:
    """Each quote once (an answer may quote one passage for two of its parts)."""
    return list({(c.sheet_id, c.key or c.section, c.quote): c for c in citations}.values())


def _fact_groups(facts: list[Fact]) -> dict[tuple[str, str], list[Fact]]:
    groups: dict[tuple[str, str], list[Fact]] = {}
    for f in facts:
        if f.sheet_id == "*" or f.field in NOT_FIGURES:
            continue
        groups.setdefault((f.sheet_id, f.row or f.field), []).append(f)
    return groups


def _fallback_info(sheet_id: str, project: str | None) -> SheetInfo:
    return SheetInfo(sheet_id, project or "（事業名不明）", "", None)


def sources_markdown(answer: Answer, sheet: SheetLookup, info: InfoLookup | None = None,
                     max_items: int = 12) -> str | None:
    """The collapsible panel under an answer, sheet by sheet: its name, 課, year and file, then every
    quote verbatim, the table rows its figures were read from, and the reader's warnings.
    Sheet ids only in the closing 詳細 line."""
    cites = _unique_citations(answer.citations)
    groups = list(_fact_groups(answer.facts).items())[:max_items]
    warnings = [f for f in answer.facts if f.field == "warning" and f.value]
    order = list(dict.fromkeys([c.sheet_id for c in cites] + [sid for (sid, _), _ in groups]
                               + [f.sheet_id for f in warnings]))
    blocks: list[str] = []
    shown: list[SheetInfo] = []
    for sid in order:
        names = {c.project for c in cites if c.sheet_id == sid} | {f.project for f in answer.facts if f.sheet_id == sid}
        i = (info(sid) if info is not None and sid != "*" else None) or _fallback_info(
            sid, next((n for n in names if n), None))
        if sid != "*":
            shown.append(i)
        parts = [f"**{md_escape(i.project)}**" + (f"　{md_escape(i.where())}" if i.where() else "")
                 if sid != "*" else "**シート全体**"]
        for c in (c for c in cites if c.sheet_id == sid):
            head = f"引用｜{md_escape(c.section)}"
            if c.key and c.key in i.inferred:
                head += f"（{INFERRED_NOTE}）"
            parts.append(f"{head}\n\n> {md_lines(c.quote)}")
        for (gsid, _row), facts in groups:
            if gsid != sid:
                continue
            reading = _row_reading(sheet(sid), facts)
            if reading is None:
                reading = "、".join(
                    (f"{f.fy}年度 " if f.fy else "") + f"{field_label(f.field)} {value_text(f.value)}{f.unit or ''}"
                    for f in facts)
            body = "\n\n".join(f"> {md_escape(line)}" for line in reading.split("\n"))
            parts.append(f"表｜{md_escape(_what(facts[0]))}\n\n{body}")
        for w in (w for w in warnings if w.sheet_id == sid):
            parts.append(f"注意（読み取りで確定できなかった点）\n\n> {md_lines(str(w.value))}")
        blocks.append("\n\n".join(parts))
    if not blocks:
        return None
    if shown:
        ids = "、".join(f"{md_escape(i.project)} {md_escape(i.sheet_id)}" for i in shown)
        blocks.append(f"詳細（シートID）: {ids}")
    return "\n\n---\n\n".join(blocks)


def sources_title(answer: Answer) -> str:
    n_quotes = len(_unique_citations(answer.citations))
    n_rows = len(_fact_groups(answer.facts))
    n_warn = sum(1 for f in answer.facts if f.field == "warning" and f.value)
    bits = []
    if n_quotes:
        bits.append(f"引用 {n_quotes}件")
    if n_rows:
        bits.append(f"表 {n_rows}行")
    if n_warn:
        bits.append(f"注意 {n_warn}件")
    return "出典（" + "・".join(bits) + "）" if bits else "出典"


def quoted_sections_markdown(answer: Answer, sheet: SheetLookup, info: InfoLookup | None = None) -> str:
    """The side column of a text answer: each section the answer quotes, whole, under its names."""
    out: list[str] = []
    seen: set[tuple[str, str]] = set()
    for c in _unique_citations(answer.citations):
        key = (c.sheet_id, c.key or c.section)
        if key in seen:
            continue
        seen.add(key)
        s = sheet(c.sheet_id)
        sec = None
        if s is not None:
            sec = next((x for x in s.sections if (c.key and x.key == c.key) or x.label == c.section), None)
        i = (info(c.sheet_id) if info is not None else None) or _fallback_info(c.sheet_id, c.project)
        head = f"**{md_escape(c.section)}**｜{md_escape(i.project)}" + (f"（{md_escape(i.where())}）" if i.where() else "")
        note = f"\n\n※{INFERRED_NOTE}" if c.key and c.key in i.inferred else ""
        out.append(f"{head}{note}\n\n{md_lines(sec.text if sec is not None else c.quote)}")
    return "\n\n---\n\n".join(out)


# ----------------------------------------------------------------------------- upload reports

# Why a sheet would stand in for another file's (ingest.index: a conflict, or --replace).
_WHY = {"it claims that sheet's id": "同じシートIDが書かれています", "the same project, 課 and year": "事業名・課・年度が同じです"}
# What a value out of the model's bounds is (ingest.model.describe, after "invalid sheet at PLACE: ").
_INVALID: list[tuple[str, str]] = [
    (r'the number "(.*)" is written as text.*', "数値が文字列（\"{0}\"）で書かれています。引用符を外してください"),
    (r"must be a finite number.*", "数値ではありません（NaN や無限大）"),
    (r"number out of range.*", "値が大きすぎます"),
    (r"Input should be (?:greater|less) than or equal to (\d+)", "範囲外の値です（境界 {0}）"),
    (r"Input should be a valid (?:integer|number).*", "数値ではありません"),
    (r"String should have at most ([\d,]+) characters?", "文字数が多すぎます（上限 {0} 字）"),
    (r"List should have at most ([\d,]+) items?.*", "項目が多すぎます（上限 {0} 件）"),
    (r"Field required", "必要な項目がありません"),
]


def _invalid(place: str, detail: str) -> str:
    what = next((ja.format(*m.groups()) for p, ja in _INVALID if (m := re.fullmatch(p, detail.strip(), re.DOTALL))),
                "値が正しくありません")
    return f"シートの項目「{place}」: {what}"


def _stands_in(text: str) -> Callable[[list[str]], str]:
    """A conflict's or a replacement's reason: ``text`` with {what} (the stored sheet), {file} and {why}."""
    def say(g: list[str]) -> str:
        return text.format(what=g[0], file=file_name(g[1]), why=_WHY.get(g[2], g[2]))
    return say


# (pattern of the reader's English reason, the Japanese shown to staff); {0}, {1} … are the groups,
# or a function of the groups
_Reason = str | Callable[[list[str]], str]
_REASON_TEXTS: list[tuple[str, _Reason]] = [
    (r"same content as (.+)", "同じ内容のファイル（{name0}）が登録済みです"),
    (r"no such file( or folder)?", "ファイルが見つかりません"),
    (r"is a folder, not a file", "フォルダーです。ファイルを選んでください"),
    (r"file is ([\d.]+) MB; (?:one sheet|a file) must be under (\d+) MB.*", "ファイルが大きすぎます（{0} MB、上限 {1} MB）"),
    (r"holds (\d+) sheets; one file may hold at most (\d+).*", "1ファイルに {0} 件のシートがあります（上限 {1} 件）。分けて登録してください"),
    (r"holds (\d+) sheets.*", "1ファイルに {0} 件のシートがあります"),
    (r"none of its (\d+) sheets could be read.*", "ファイル内の {0} 件のシートをどれも読み取れませんでした"),
    (r"cannot read file.*", "ファイルを読み込めませんでした"),
    (r"empty file", "空のファイルです"),
    (r"starts with a (\S+) byte-order mark but does not decode as .*",
     "{0} の印（BOM）が付いていますが、{0} として読めません"),
    (r"binary file, not text, PDF or JSON", "テキスト・PDF・JSON のどれでもありません"),
    (r"text is neither UTF-8 nor CP932.*", "文字コードが UTF-8 でも Shift_JIS でもありません。UTF-8 で保存し直してください"),
    (r"JSON must be UTF-8", "JSON は UTF-8 で保存してください"),
    (r"broken JSON \(line (\d+), column (\d+).*", "JSON の書き方に誤りがあります（{0} 行目 {1} 文字目）"),
    (r"JSON is not a canonical sheet.*", "シートの JSON ではありません（\"schema\": \"sheet/1\" がありません）"),
    (r"JSON is ([\d.]+) MB; a canonical sheet must be under (\d+) MB", "JSON が大きすぎます（{0} MB、上限 {1} MB）"),
    (r"JSON nested too deeply.*", "JSON の入れ子が深すぎます（シートの JSON の形ではありません）"),
    (r"invalid (?:canonical )?sheet at (\S+?): (.*)", lambda g: _invalid(g[0], g[1])),
    (r"would replace (.+) from (.+?): (it claims that sheet's id|the same project, 課 and year).*",
     _stands_in("登録済みの「{what}」（{file}）と重なるため（{why}）、登録していません。置き換えるときは「置き換える」を押して"
                "ください")),
    (r"replaces (.+) from (.+?): (it claims that sheet's id|the same project, 課 and year).*",
     _stands_in("登録済みの「{what}」（{file}）を置き換えました（{why}）")),
    (r"a PDF stream decompresses to more than (\d+) MB.*",
     "PDF の中のデータを展開すると {0} MB を超えるため、読み込みを中止しました（圧縮爆弾の疑い）"),
    (r"the PDF decompresses to more than (\d+) MB.*", "PDF 全体を展開すると {0} MB を超えるため、読み込みを中止しました"),
    (r"the PDF has more than ([\d,]+) pages.*", "PDF が {0} ページを超えています。ファイルを分けて登録してください"),
    (r"page (\d+) has more than ([\d,]+) characters.*", "{0} ページ目の文字数が {1} 字を超えるため、読み込みを中止しました"),
    (r"the (?:text|PDF) holds more than ([\d,]+) characters.*", "文字数が {0} 字を超えています。ファイルを分けて登録してください"),
    (r"reading (?:its sheets )?took longer than (\d+) s.*", "読み込みに {0} 秒以上かかったため、中止しました"),
    (r"reading the PDF needs (?:more than [\d,]+ MB of )?(?:more )?memory.*",
     "PDF の読み込みに必要なメモリが上限を超えるため、中止しました"),
    (r"the PDF reader stopped while reading it.*", "PDF の読み込み中に処理が止まりました（メモリ不足の疑い）"),
    (r"broken PDF.*|cannot read PDF.*", "PDF が壊れているため読めません"),
    (r"PDF has no text layer.*", "PDF に文字のデータがありません（スキャンした画像など）。文字認識（OCR）をしてから登録してください"),
    (r"not a 事務事業評価 sheet \(no Japanese text found\)", "事務事業評価シートではありません（日本語の文章がありません）"),
    (r"not a 事務事業評価 sheet \(found only.*", "事務事業評価シートではありません（事業名と数値・評価の組が見つかりません）"),
    (r"not a 事務事業評価 sheet.*", "事務事業評価シートではありません（指標の表や評価シートの項目名が見つかりません）"),
    (r"truncated sheet: no fiscal-year columns.*", "シートが途中で切れているようです（年度の列が見つかりません）"),
    (r"truncated sheet: no indicator values.*", "シートが途中で切れているようです（指標の値が見つかりません）"),
    (r"truncated sheet: no indicator or cost.*", "シートが途中で切れているようです（指標・事業費の数値が見つかりません）"),
    (r"truncated sheet: no evaluation year.*", "シートが途中で切れているようです（見出しに評価年度がありません）"),
    (r"truncated sheet.*", "シートが途中で切れているようです"),
    (r"internal error.*", "読み込みの途中でエラーが起きました。管理者に連絡してください"),
]
_REASONS: list[tuple[re.Pattern[str], _Reason]] = [(re.compile(p, re.DOTALL), ja) for p, ja in _REASON_TEXTS]
_KEPT = " (the version indexed before is kept)"
# one sheet of a binder: 「sheet 3 of 7, pages 5–6: reason」
_PART = re.compile(r"sheet (\d+) of (\d+)(?:, pages? (\d+)(?:–(\d+))?)?: (.+)", re.DOTALL)
_PATHISH = re.compile(r"(?:[A-Za-z]:)?[\\/][^\s（）()、。]*")


def reason_ja(reason: str | None) -> str:
    """An upload's reason as staff read it: Japanese, file names at most, never a server path."""
    if not reason:
        return ""
    text = reason.strip()
    part = _PART.fullmatch(text)
    if part:  # the position in the binder, then the reason of that sheet
        n, of, first, last, rest = part.groups()
        pages = f"・{first}〜{last}ページ" if last else f"・{first}ページ" if first else ""
        return f"{of}件中{n}件目のシート{pages}: {reason_ja(rest)}"
    kept = text.endswith(_KEPT)
    text = text.removesuffix(_KEPT).strip()
    out = None
    for pattern, ja in _REASONS:
        m = pattern.fullmatch(text)
        if m:
            groups = [g or "" for g in m.groups()]
            out = ja(groups) if callable(ja) else ja.format(*groups, name0=file_name(groups[0]) if groups else "")
            break
    if out is None:
        if _JAPANESE.search(text) and not re.search(r"[A-Za-z]{4,} [A-Za-z]{3,}", text):
            out = _PATHISH.sub(lambda m: file_name(m.group(0)), text)  # already Japanese
        else:
            out = "シートとして読み取れませんでした"
    return out + ("（以前に登録した内容はそのまま残ります）" if kept else "")
