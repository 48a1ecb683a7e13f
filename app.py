"""sheetqa's web UI (Gradio 6): chat with sources, figures and charts; the sheet browser; upload.

    python app.py [--store DIR] [--host 127.0.0.1] [--port 7860]

Only drawing: every answer comes from the same :class:`assistant.chain.Assistant` that
``python -m assistant`` uses, every upload goes through :func:`ingest.index.build` like
``python -m ingest build``. Settings are the project's one settings object
(:class:`assistant.settings.AssistantSettings`): ``SHEETQA_HOME``, ``SHEETQA_APP__HOST`` /
``__PORT`` / ``__MAX_UPLOAD_MB``, and ``SHEETQA_AUTH=user:password`` for a login.

With an LLM configured (``SHEETQA_LLM__…``, README "Answers written by an LLM"), the chat shows
the extractive answer at once, then the LLM's draft as it streams in, then the LLM's answer when it
passed every guard — or the extractive one with a note saying why. A misconfigured
LLM is one line on the page and in the log; answers are then extractive.

Threads: Gradio runs handlers in worker threads. The embedding model, the retriever (its BM25
index and Chroma collection) and the optional chat model are loaded once and shared; each worker
thread gets its own ``Assistant`` around its own read-only SQLite connection (a connection may
not cross threads). The conversation lives in the browser session (``gr.State``), never in a
global.
"""

from __future__ import annotations

import os

# Before the heavy imports (design.md): no hub, no telemetry.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import argparse
import atexit
import logging
import re
import shutil
import socket
import sys
import tempfile
import threading
import time
import unicodedata
import uuid
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any

import gradio as gr
import pandas as pd

from assistant import ui_format as fmt
from assistant import ui_sheets as browse
from assistant.answer import Answer
from assistant.chain import Assistant, Turn
from assistant.settings import AssistantSettings
from assistant.ui_charts import chart_png
from ingest.index import BuildReport, FileReport, StoreBusy, build
from ingest.model import Sheet
from ingest.readers import MAX_BYTES, SUFFIXES
from ingest.store import FigureStore, StoreError

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from assistant.llm import Written

log = logging.getLogger("sheetqa.app")

TITLE = "事務事業評価シート Q&A"
MAX_TURNS = 20  # earlier turns a follow-up may refer to (the session keeps no more)
MAX_QUESTION = 500  # characters of a question (the box stops there too)
STREAM_PIECES = 4  # the answer arrives whole; the chat shows it in this many growing pieces
STREAM_PAUSE = 0.03  # seconds between two pieces
LLM_POLL = 0.25  # seconds between two looks at the LLM's draft while it writes
EMPTY_STORE = ("まだシートが登録されていません。「シートを追加」タブからシート（テキスト・PDF・JSON）を"
               "追加してください。")
ERROR_TEXT = "回答の途中でエラーが起きました。質問を言い換えるか、しばらくしてからもう一度お試しください。"
SAMPLE_PROJECT = "デジタルファースト推進事業"
UPLOAD_LOCK_WAIT = 120.0  # seconds an upload waits for another build (python -m ingest build) to finish


# ----------------------------------------------------------------------------- engine


class Engine:
    """What the handlers share: settings, the loaded models, one Assistant per worker thread."""

    def __init__(self, settings: AssistantSettings, embeddings: Embeddings | None = None,
                 retrieval: bool = True) -> None:
        from ingest.vectors import E5Embedding

        self.settings = settings
        self.embedding = E5Embedding(embeddings=embeddings, settings=settings)
        self.retriever = None
        if retrieval:
            from assistant.retrieve import HybridRetriever

            # loads the model now (not on the first question) and opens Chroma, once
            self.retriever = HybridRetriever.for_settings(settings, embedding=self.embedding)
        self.chat_model = None
        self.llm_problem: str | None = None  # why a configured LLM is not used (shown on the page)
        if settings.llm.backend != "off":
            from assistant.llm import LLMError, make_chat_model

            try:
                self.chat_model = make_chat_model(settings.llm)
            except LLMError as e:  # one line, never a traceback: the answers are extractive
                self.llm_problem = str(e)
                log.warning("the LLM is not used (%s); answers are extractive", e)
        self._local = threading.local()
        self._upload_lock = threading.Lock()
        self.lock_wait = UPLOAD_LOCK_WAIT
        self.files_dir = Path(tempfile.mkdtemp(prefix="sheetqa-app-"))
        atexit.register(shutil.rmtree, self.files_dir, ignore_errors=True)

    # -------------------------------------------------------------- reading

    def assistant(self) -> Assistant | None:
        """This thread's Assistant (None while the store holds nothing)."""
        a = getattr(self._local, "assistant", None)
        if a is None:
            if not self.settings.sqlite_path.exists():
                return None
            store = FigureStore(self.settings.sqlite_path, read_only=True)
            a = Assistant(self.settings, store, self.retriever, self.chat_model)
            self._local.assistant = a
        return a

    def sheet(self, sheet_id: str) -> Sheet | None:
        a = self.assistant()
        return a.sheet(sheet_id) if a is not None else None

    def rows(self) -> list[browse.SheetRow]:
        a = self.assistant()
        return browse.load_rows(a.store) if a is not None else []

    def info(self, sheet_id: str) -> fmt.SheetInfo | None:
        """A sheet's names for the UI: project, 課, year, and the names of the files it was read from."""
        a = self.assistant()
        sheet = a.sheet(sheet_id) if a is not None else None
        if a is None or sheet is None:
            return None
        return fmt.sheet_info(sheet, [f.path for f in a.store.files_of(sheet_id) if f.state == "indexed"])

    def ask(self, question: str, history: list[Turn], scope: list[str] | None = None,
            write: bool = True) -> Answer | None:
        """The answer; ``scope`` (sheet ids) is what a question naming no project is about;
        ``write=False``: the extractive answer, without the LLM (see :meth:`write`)."""
        a = self.assistant()
        return None if a is None else a.ask(question, history, scope=scope or None, write=write)

    def writes(self, answer: Answer) -> bool:
        """Whether the LLM will write this answer (one is configured and there is something to phrase)."""
        from assistant.llm import will_write

        return will_write(self.chat_model, answer)

    # -------------------------------------------------------------- adding

    @property
    def upload_dir(self) -> Path:
        return self.settings.home / "uploads"

    @property
    def max_upload_bytes(self) -> int:
        return min(int(self.settings.app.max_upload_mb * 2**20), MAX_BYTES)

    def add_files(self, uploads: list[tuple[str, Path]], progress: Any = None) -> BuildReport:
        """Copy uploads (name as given, temp path) into ``<store>/uploads`` and index them.

        A refused or failed file leaves the store and the uploads folder as they were: a name
        that held an earlier upload gets its old content back.
        """
        refused: list[FileReport] = []
        accepted: list[tuple[Path, Path]] = []  # (destination, temp file)
        for name, tmp in uploads:
            safe = safe_filename(name)
            size = tmp.stat().st_size if tmp.exists() else 0
            if Path(safe).suffix.lower() not in SUFFIXES:
                refused.append(FileReport(name, "failed", reason="対応していない種類のファイルです（"
                                          + "・".join(SUFFIXES) + " のみ）"))
            elif size > self.max_upload_bytes:
                refused.append(FileReport(name, "failed", reason=f"ファイルが大きすぎます（{size / 2**20:.1f} MB、"
                                          f"上限 {self.max_upload_bytes / 2**20:.0f} MB）"))
            elif size == 0:
                refused.append(FileReport(name, "failed", reason="空のファイルです"))
            else:
                taken = {d.name for d, _ in accepted}
                stem, suffix, n = Path(safe).stem, Path(safe).suffix, 2
                while safe in taken:  # two uploads of one batch with the same name: both kept
                    safe, n = f"{stem}-{n}{suffix}", n + 1
                accepted.append((self.upload_dir / safe, tmp))
        with self._upload_lock:
            backups: dict[str, bytes | None] = {}
            self.upload_dir.mkdir(parents=True, exist_ok=True)
            for dest, tmp in accepted:
                if str(dest) not in backups:
                    backups[str(dest)] = dest.read_bytes() if dest.exists() else None
                shutil.copyfile(tmp, dest)
            settings = self.settings.model_copy(
                update={"index": self.settings.index.model_copy(update={"lock_wait": self.lock_wait})})

            def step(r: FileReport, done: int, total: int) -> None:
                if progress is not None:
                    progress((done, total), desc=f"{Path(r.path).name}: {fmt.STATUS_LABELS.get(r.status, r.status)}",
                             unit="件")

            if progress is not None and accepted:
                progress((0, len(accepted)), desc="読み込みと索引づけ", unit="件")
            try:
                if accepted:
                    report = build([d for d, _ in accepted], settings, progress=step, embedding=self.embedding)
                else:
                    report = BuildReport(store=str(settings.home), vectors=settings.chroma_location)
            except BaseException:  # the store is busy, or worse: nothing of this batch stays
                for path, old in backups.items():
                    _restore(Path(path), old)
                raise
            for r in report.failed:
                if r.path in backups:
                    _restore(Path(r.path), backups.pop(r.path))
            report.files[:0] = refused
            return report

    def new_csv_path(self) -> Path:
        return self.files_dir / f"facts-{uuid.uuid4().hex[:12]}.csv"


def _restore(path: Path, old: bytes | None) -> None:
    """Put back what an upload overwrote (or remove the file it created)."""
    if old is None:
        path.unlink(missing_ok=True)
    else:
        path.write_bytes(old)


def safe_filename(name: str, limit: int = 120) -> str:
    """The base name only (no folders, either separator), NFKC, letters/digits/._-() kept, rest → _."""
    base = PureWindowsPath(PurePosixPath(str(name)).name).name
    base = unicodedata.normalize("NFKC", base)
    base = re.sub(r"[^\w.\-()]", "_", base).lstrip("._") or "upload"
    stem, suffix = os.path.splitext(base)
    suffix = suffix.lower()[:8]
    return (stem[: max(1, limit - len(suffix))] or "upload") + suffix


# ----------------------------------------------------------------------------- chat

Side = tuple[Any, Any, Any, Any, Any, Any]  # heading, chart, facts table, CSV button, quotes, store table
SIDE_IDLE = "質問すると、ここに回答の数値（グラフと表）や引用した欄が出ます。いま登録されているシート:"
SIDE_WAIT = "回答を待っています…"
STORE_WIDTHS = {4: ["34%", "30%", "18%", "18%"], 3: ["42%", "35%", "23%"]}  # fit the column: no scrolling


def _side(head: str, chart: str | None = None, table: pd.DataFrame | None = None, csv: str | None = None,
          quotes: str = "", store: pd.DataFrame | None = None) -> Side:
    """Every panel of the right column at once: what one answer shows, and nothing left from the last."""
    return (
        gr.Markdown(value=head),
        gr.Image(value=chart, visible=chart is not None),
        gr.Dataframe(value=table if table is not None else pd.DataFrame(columns=fmt.FACT_COLUMNS),
                     visible=table is not None),
        gr.DownloadButton(value=csv, visible=csv is not None),
        gr.Markdown(value=quotes, visible=bool(quotes)),
        gr.Dataframe(value=store if store is not None else pd.DataFrame(columns=browse.HOLDING_COLUMNS),
                     visible=store is not None, column_widths=STORE_WIDTHS.get(
                         len(store.columns) if store is not None else 4)),
    )


def _store_side(engine: Engine, head: str) -> Side:
    try:
        rows = engine.rows()
    except StoreError:
        rows = []
    if not rows:
        return _side(f"**{fmt.SIDE_HEADINGS['store']}**\n\nまだありません。「シートを追加」タブから追加してください。")
    return _side(head, store=browse.holdings_frame(rows))


def side_for(engine: Engine, answer: Answer | None) -> Side:
    """The right column for one answer: figures → chart and table; a text answer → the sections it
    quotes; a choice → the candidates; a decline (or no answer) → what the store holds."""
    if answer is None:
        return _store_side(engine, f"**{fmt.SIDE_HEADINGS['store']}**")
    mode = fmt.side_mode(answer)
    head = f"**{fmt.SIDE_HEADINGS[mode]}**"
    if mode == "store":
        return _store_side(engine, head + "（この質問には、シートの記載から答えられませんでした）")
    if mode == "choices":
        return _side(head + "（回答の下のボタンで選べます）", store=browse.choices_frame(answer.choices))
    quotes = fmt.quoted_sections_markdown(answer, engine.sheet, engine.info) if answer.citations else ""
    if mode == "quotes":
        return _side(head, quotes=quotes)
    table = pd.DataFrame(fmt.fact_rows(answer, engine.info), columns=fmt.FACT_COLUMNS)
    path = fmt.write_facts_csv(answer, engine.new_csv_path(), engine.info)
    try:
        chart = chart_png(answer, engine.sheet, engine.files_dir / "charts")
    except Exception:  # a chart is a bonus: never lose the answer for it
        log.exception("chart failed for %r", answer.question)
        chart = None
    return _side(head, str(chart) if chart else None, table, str(path),
                 ("**引用した欄**\n\n" + quotes) if quotes else "")


def _scope_note(engine: Engine, scope: list[str]) -> str:
    """「対象: 事業名、…」 under a question asked with a scope (the chat keeps what it was about)."""
    names = [fmt.md_escape(i.project) for i in (engine.info(s) for s in scope) if i is not None]
    return "（対象: " + "、".join(names) + "）" if names else ""


def write_live(engine: Engine, answer: Answer, chat: list[dict], state: Any):
    """The LLM's turn: the extractive answer with 「文章を整えています…」 at once, the LLM's draft under
    it while it streams, then the answer that passed the guards — or the extractive one with a note
    saying why not. Yields ``state()`` after each change of ``chat[-1]``; returns the answer to keep."""
    draft = [""]  # the text the model has written so far (the writer thread replaces it)
    done: list[Written | None] = []
    assistant = engine.assistant()  # this worker's: Assistant.write needs no store, so no new connection

    def on_text(text: str) -> None:
        draft[0] = text

    def work() -> None:
        try:
            assert assistant is not None  # the answer came from it
            done.append(assistant.write(answer, on_text=on_text))
        except Exception:  # the extractive answer stands
            log.exception("writing %r with the LLM failed", answer.question)
            done.append(None)

    worker = threading.Thread(target=work, name="sheetqa-llm", daemon=True)
    worker.start()
    shown: str | None = None
    while True:
        finished = bool(done)  # read before the draft: the last draft is shown before the result
        now = draft[0]
        if now != shown and not finished:
            shown = now
            chat[-1] = {"role": "assistant", "content": fmt.writing_markdown(answer.answer, now)}
            yield state()
        if finished:
            break
        worker.join(LLM_POLL)
    written = done[0]
    final = written.answer if written is not None else answer
    note = fmt.LLM_REJECTED if written is not None and written.outcome == "rejected" else (
        fmt.LLM_FAILED if written is None or written.outcome == "failed" else "")
    chat[-1] = {"role": "assistant", "content": fmt.md_lines(final.answer) + (f"\n\n{note}" if note else "")}
    yield state()
    return final


def make_respond(engine: Engine):
    def run(question: str, shown: str, chat: list[dict], turns: list[Turn], scope: list[str]):
        """Ask, and stream the chat and the right column (the generator both handlers share)."""
        chat.append({"role": "user", "content": shown})
        chat.append({"role": "assistant", "content": "…"})
        wait = _side(SIDE_WAIT)
        yield ("", chat, turns, *wait, None)
        answer: Answer | None = None
        try:
            answer = engine.ask(question, turns[-MAX_TURNS:], scope, write=False)  # the LLM, if any, below
            text = EMPTY_STORE if answer is None else answer.answer
        except StoreError as e:
            log.warning("store not readable: %s", e)
            text = EMPTY_STORE
        except Exception:
            log.exception("answering %r failed", question)
            text = ERROR_TEXT
        for piece in fmt.stream_pieces(text, STREAM_PIECES):
            chat[-1] = {"role": "assistant", "content": fmt.md_lines(piece)}
            yield ("", chat, turns, *(gr.skip() for _ in wait), gr.skip())
            time.sleep(STREAM_PAUSE)
        side: tuple[Any, ...] | None = None
        if answer is not None and engine.writes(answer):
            # the figures do not change with the wording: the right column now, then the LLM's turn
            yield ("", chat, turns, *side_for(engine, answer), gr.skip())
            answer = yield from write_live(engine, answer, chat,
                                           lambda: ("", chat, turns, *(gr.skip() for _ in wait), gr.skip()))
            side = tuple(gr.skip() for _ in wait)  # shown above
        if answer is not None:
            sources = fmt.sources_markdown(answer, engine.sheet, engine.info)
            if sources:
                chat.append({"role": "assistant", "content": sources,
                             "metadata": {"title": fmt.sources_title(answer), "status": "done"}})
            if answer.choices:  # buttons under the answer: the same question, for one project
                chat[-1]["options"] = [{"label": fmt.choice_label(c), "value": c.sheet_id} for c in answer.choices]
            turns = [*turns, Turn(question, answer)][-MAX_TURNS:]
        if side is None:
            side = side_for(engine, answer) if answer is not None else _store_side(
                engine, f"**{fmt.SIDE_HEADINGS['store']}**")
        yield ("", chat, turns, *side, answer.model_dump(mode="json") if answer else None)

    def respond(message: str, chat: list[dict] | None, turns: list[Turn] | None, scope: list[str] | None = None):
        question = (message or "").strip()[:MAX_QUESTION]
        chat, turns, scope = list(chat or []), list(turns or []), [s for s in (scope or []) if s]
        if not question:
            yield ("", chat, turns, *(gr.skip() for _ in range(6)), gr.skip())
            return
        yield from run(question, fmt.md_escape(question) + _scope_note(engine, scope), chat, turns, scope)

    def choose(evt: gr.SelectData, chat: list[dict] | None, turns: list[Turn] | None):
        """A choice button: the question that offered it, asked again for the chosen project."""
        chat, turns = list(chat or []), list(turns or [])
        sheet_id = str(evt.value or "")
        if not turns or not sheet_id:
            yield ("", chat, turns, *(gr.skip() for _ in range(6)), gr.skip())
            return
        question = turns[-1].question
        yield from run(question, fmt.md_escape(question) + _scope_note(engine, [sheet_id]), chat, turns, [sheet_id])

    respond.choose = choose  # type: ignore[attr-defined]
    return respond


def clear_chat(engine: Engine):
    def clear():
        return ("", [], [], *_store_side(engine, f"**{fmt.SIDE_HEADINGS['store']}**"), None)

    return clear


def example_questions(rows: list[browse.SheetRow]) -> list[str]:
    projects = [r.summary.project for r in rows if r.summary.project]
    if SAMPLE_PROJECT in projects:
        return [
            "令和6年度のオンライン申請件数の実績は？",
            "キャッシュレス決済の目標は達成できた？",
            f"{SAMPLE_PROJECT}の総事業費の推移は？",
            "総事業費が最も大きい事業は？",
            "成果指標が計画に届かなかった事業は？",
            f"{SAMPLE_PROJECT}の二次評価のコメントを要約して",
        ]
    p = projects[-1] if projects else "〇〇事業"
    return [f"{p}の総事業費の推移は？", f"{p}の成果指標の実績は？", f"{p}の二次評価のコメントを要約して",
            "総事業費が最も大きい事業は？", "成果指標が計画に届かなかった事業は？"]


# ----------------------------------------------------------------------------- sheets tab


def make_sheet_handlers(engine: Engine):
    def table(department: str, section: str, fy: str, result: str, text: str, warnings_only: bool,
              scope: list[str] | None):
        try:
            rows = engine.rows()
        except StoreError:
            rows = []
        opts = browse.choices(rows)
        shown = browse.filter_rows(rows, department, section, fy, result, text, warnings_only)
        known = {r.summary.sheet_id for r in rows}

        def keep(v: str, key: str) -> str:
            return v if v in opts[key] else browse.ALL

        return (
            browse.sheets_frame(shown),
            [r.summary.sheet_id for r in shown],
            gr.Dropdown(choices=opts["department"], value=keep(department, "department")),
            gr.Dropdown(choices=opts["section"], value=keep(section, "section")),
            gr.Dropdown(choices=opts["fy"], value=keep(fy, "fy")),
            gr.Dropdown(choices=opts["result"], value=keep(result, "result")),
            gr.Dropdown(choices=browse.pick_choices(shown)),
            f"{len(shown)} / {len(rows)} 件のシート",
            gr.Dropdown(choices=browse.pick_choices(rows), value=[s for s in (scope or []) if s in known]),
        )

    def show(sheet_id: str | None):
        sheet = engine.sheet(sheet_id) if sheet_id else None
        if sheet is None:
            empty = pd.DataFrame()
            return (gr.Column(visible=False), empty, empty, empty, empty, empty, empty)
        info = engine.info(sheet.sheet_id)
        ind = browse.indicators_frame(sheet)
        return (
            gr.Column(visible=True),
            browse.heading_frame(sheet, list(info.files) if info else None),
            gr.Dataframe(value=ind, column_widths=browse.indicator_widths(ind)),
            browse.costs_frame(sheet),
            browse.evaluations_frame(sheet),
            browse.sections_frame(sheet),
            browse.warnings_frame(sheet),
        )

    def pick(evt: gr.SelectData, ids: list[str]):
        row = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        try:
            return ids[int(row)]
        except (IndexError, ValueError, TypeError):
            return gr.skip()

    def ask_about(sheet_id: str | None):
        """「この事業について質問」: this sheet becomes the conversation's scope; on to the chat."""
        if not sheet_id:
            return gr.skip(), gr.skip()
        return gr.Dropdown(value=[sheet_id]), gr.Tabs(selected="chat")

    def add_to_scope(sheet_id: str | None, scope: list[str] | None):
        if not sheet_id:
            return gr.skip()
        return gr.Dropdown(value=list(dict.fromkeys([*(scope or []), sheet_id])))

    return table, show, pick, ask_about, add_to_scope


# ----------------------------------------------------------------------------- add tab


REPORT_COLUMNS = ["ファイル", "結果", "事業名", "理由"]


def report_rows(report: BuildReport) -> tuple[list[list[str]], list[str]]:
    """The upload table (one row per sheet, reasons in Japanese, file names only) and, for a file
    that held several sheets, a line 「FILE: N シート」."""
    rows = [[fmt.file_name(r.path), fmt.STATUS_LABELS.get(r.status, r.status), r.project or "", fmt.reason_ja(r.reason)]
            for r in report.files]
    per_file: dict[str, int] = {}
    for r in report.files:
        if r.status != "failed":
            per_file[fmt.file_name(r.path)] = per_file.get(fmt.file_name(r.path), 0) + 1
    binders = [f"{name}: {n} シート" for name, n in per_file.items() if n > 1]
    return rows, binders


def make_add(engine: Engine):
    def add(files: list[str] | None, progress: gr.Progress = gr.Progress()):  # noqa: B008 (Gradio's idiom)
        if not files:
            return "ファイルを選んでから「登録する」を押してください。", pd.DataFrame(columns=REPORT_COLUMNS), None
        uploads = [(Path(f).name, Path(f)) for f in files]
        try:
            report = engine.add_files(uploads, progress)
        except StoreBusy:
            return "ほかの登録処理が実行中です。しばらくしてからもう一度お試しください。", gr.skip(), gr.skip()
        rows, binders = report_rows(report)
        counts = report.count()
        summary = "、".join(f"{fmt.STATUS_LABELS[s]} {n}件" for s, n in counts.items() if n)
        n_files = len({fmt.file_name(r.path) for r in report.files})
        note = f"{n_files} ファイル: {summary}（{report.seconds:.1f} 秒）"
        if binders:
            note += "\n\n" + "\n\n".join(fmt.md_escape(b) for b in binders)
        if counts["failed"]:
            note += "\n\n失敗したファイルは登録されず、登録済みのシートは元のままです。"
        return note, pd.DataFrame(rows, columns=REPORT_COLUMNS), None

    return add


# ----------------------------------------------------------------------------- layout


CSS = """
footer { display: none !important; }
.sheetqa-examples button { font-size: 0.85em; }
/* the chat's own clear (trash) icon sat over the first bubble; 「会話を消去」 does its job */
#chatbot .icon-button-wrapper.top-panel { display: none !important; }
#chatbot .message-row { padding-top: 2px; }
#side-quotes { max-height: 520px; overflow-y: auto; }
/* wide tables scroll sideways inside their box; the first column (事業名, 指標 …) stays in view */
.table-wrap .first-column { position: sticky !important; left: 0; z-index: 3; }
.table-wrap .first-column { background: var(--background-fill-primary) !important; }
#side-head p { margin: 0; }
#scope-row { align-items: flex-end; }
#scope-clear { max-height: 42px; margin-bottom: 6px; }
.sheetqa-head p { margin: 0 0 4px 0; }
"""


def build_app(engine: Engine) -> gr.Blocks:
    settings = engine.settings
    try:
        rows = engine.rows()
    except StoreError:
        rows = []
    opts = browse.choices(rows)
    limit_mb = engine.max_upload_bytes / 2**20
    respond = make_respond(engine)
    table, show, pick, ask_about, add_to_scope = make_sheet_handlers(engine)
    add = make_add(engine)

    with gr.Blocks(title=TITLE, delete_cache=(3600, 3600), fill_width=True) as demo:
        gr.Markdown(f"### {TITLE}\nシートに書かれた数値と文章だけで答えます。数値には出典（事業・課・年度・ファイル）が付きます。"
                    "使い方は「使い方」タブにあります。", elem_classes="sheetqa-head")
        llm_line = fmt.llm_status(engine.chat_model, engine.llm_problem)
        gr.Markdown(llm_line, visible=bool(llm_line), elem_id="llm-note", elem_classes="sheetqa-head")
        turns = gr.State([])
        shown_ids = gr.State([r.summary.sheet_id for r in rows])
        with gr.Tabs(selected="chat") as tabs:
            with gr.Tab("質問する", id="chat", elem_id="tab-chat"):  # noqa: SIM117 (the layout reads as nested)
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=420):
                        chatbot = gr.Chatbot(
                            show_label=False, height="max(300px, calc(100vh - 420px))", elem_id="chatbot",
                            sanitize_html=True, allow_tags=False, latex_delimiters=[], render_markdown=True,
                            buttons=["copy"], feedback_options=None,
                            placeholder="事務事業評価シートについて質問してください。",
                        )
                        with gr.Row(equal_height=False, elem_id="scope-row"):
                            scope = gr.Dropdown(
                                browse.pick_choices(rows), value=[], multiselect=True, scale=6, elem_id="scope",
                                label="質問の対象（選んだ事業について答えます。事業名を書いた質問はその事業について）",
                            )
                            scope_clear = gr.Button("対象を解除", size="sm", scale=1, min_width=90, elem_id="scope-clear")
                        with gr.Row():
                            msg = gr.Textbox(placeholder="例: 令和6年度のオンライン申請件数の実績は？", show_label=False,
                                             scale=6, elem_id="question", max_length=MAX_QUESTION, autofocus=True)
                            send = gr.Button("送信", variant="primary", scale=1, min_width=70, elem_id="send")
                            clear = gr.Button("会話を消去", scale=1, min_width=90, elem_id="clear")
                        with gr.Accordion("質問の例（押すとそのまま質問します）", open=False, elem_id="examples"):  # noqa: SIM117
                            with gr.Row(elem_classes="sheetqa-examples"):
                                example_buttons = [gr.Button(q, size="sm") for q in example_questions(rows)]
                    with gr.Column(scale=2, min_width=360, elem_id="side"):
                        side_head = gr.Markdown(SIDE_IDLE if rows else EMPTY_STORE, elem_id="side-head")
                        plot = gr.Image(label="グラフ", show_label=False, visible=False, elem_id="chart", type="filepath",
                                        interactive=False, format="png", buttons=["download", "fullscreen"],
                                        alt_text="回答の数値のグラフ")
                        facts = gr.Dataframe(
                            headers=fmt.FACT_COLUMNS, label="回答に使った数値", interactive=False, wrap=True,
                            elem_id="facts", max_height=360, visible=False, pinned_columns=1,
                            column_widths=["150px", "170px", "90px", "110px", "110px", "120px", "180px"],
                        )
                        csv_btn = gr.DownloadButton("数値をCSVで保存", visible=False, elem_id="facts-csv", size="sm")
                        quotes = gr.Markdown(visible=False, elem_id="side-quotes")
                        store_table = gr.Dataframe(browse.holdings_frame(rows), label="シート", visible=bool(rows), interactive=False, wrap=True,
                                                   elem_id="side-store", max_height=420, pinned_columns=1,
                                                   column_widths=STORE_WIDTHS[4])
                        answer_json = gr.JSON(visible=False, label="回答（JSON）")
            with gr.Tab("シート一覧", id="sheets", elem_id="tab-sheets") as sheets_tab:
                with gr.Row():
                    f_dept = gr.Dropdown(opts["department"], value=browse.ALL, label="部局", scale=2)
                    f_sect = gr.Dropdown(opts["section"], value=browse.ALL, label="課", scale=2)
                    f_fy = gr.Dropdown(opts["fy"], value=browse.ALL, label="評価対象年度", scale=1)
                    f_res = gr.Dropdown(opts["result"], value=browse.ALL, label="評価結果", scale=1)
                with gr.Row():
                    f_text = gr.Textbox(label="事業名・課・ファイル名で絞り込み", placeholder="例: デジタル", scale=4)
                    f_warn = gr.Checkbox(label="注意があるシートだけ", scale=1)
                    reload = gr.Button("再読み込み", scale=1, size="sm")
                count = gr.Markdown(elem_id="sheet-count")
                sheet_table = gr.Dataframe(
                    browse.sheets_frame(rows), label="登録済みのシート（行を押すと読み取り結果を表示）", interactive=False,
                    wrap=True, elem_id="sheet-table", max_height=420, pinned_columns=1,
                )
                pick_sheet = gr.Dropdown(browse.pick_choices(rows), value=None, label="シートを選ぶ", elem_id="sheet-pick")
                with gr.Column(visible=False) as detail:
                    with gr.Row():
                        ask_btn = gr.Button("この事業について質問", variant="primary", elem_id="ask-about", scale=2)
                        scope_add = gr.Button("質問の対象に追加（複数の事業を選べます）", elem_id="scope-add", scale=2)
                    d_head = gr.Dataframe(label="シート", interactive=False, wrap=True, elem_id="sheet-head",
                                          column_widths=["120px", "auto"])
                    d_ind = gr.Dataframe(label="指標（計画 / 実績）", interactive=False, wrap=True, elem_id="sheet-indicators",
                                         pinned_columns=1)
                    d_cost = gr.Dataframe(label="事業費（千円、単位コストは円）", interactive=False, wrap=True,
                                          elem_id="sheet-costs", pinned_columns=1)
                    d_eval = gr.Dataframe(label="評価", interactive=False, wrap=True, elem_id="sheet-evals")
                    with gr.Accordion("文章（各欄の本文）", open=False, elem_id="sheet-texts"):
                        d_sect = gr.Dataframe(label="文章", interactive=False, wrap=True, max_height=600,
                                              elem_id="sheet-sections", column_widths=["180px", "auto"])
                    d_warn = gr.Dataframe(label="注意", interactive=False, wrap=True, elem_id="sheet-warnings",
                                          column_widths=["50px", "auto"])
            with gr.Tab("シートを追加", id="add", elem_id="tab-add"):
                gr.Markdown(
                    f"事務事業評価シートのファイル（{'・'.join(SUFFIXES)}、1ファイル {limit_mb:.0f} MB まで）を選んで"
                    "「登録する」を押してください。読み取れなかったファイルは理由を表示し、登録済みの内容は変わりません。"
                    "同じ名前のファイルを登録し直すと、そのシートは新しい内容に置き換わります。"
                )
                upload = gr.File(file_count="multiple", file_types=list(SUFFIXES), label="シートのファイル",
                                 elem_id="upload")
                add_btn = gr.Button("登録する", variant="primary", elem_id="add-button")
                add_note = gr.Markdown(elem_id="add-note")
                add_report = gr.Dataframe(headers=REPORT_COLUMNS, label="ファイルごとの結果", interactive=False,
                                          wrap=True, elem_id="add-report", column_widths=["200px", "90px", "200px", "auto"])
            with gr.Tab("使い方", id="guide", elem_id="tab-guide"):
                gr.Markdown(guide_text(), elem_id="guide")

        side_outputs = [side_head, plot, facts, csv_btn, quotes, store_table]
        chat_outputs = [msg, chatbot, turns, *side_outputs, answer_json]
        ask_args: dict[str, Any] = {"fn": respond, "inputs": [msg, chatbot, turns, scope], "outputs": chat_outputs,
                                    "concurrency_limit": 16, "concurrency_id": "ask", "show_progress": "minimal"}
        msg.submit(**ask_args, api_name="ask")
        send.click(**ask_args, api_visibility="private")
        for b in example_buttons:
            b.click(lambda q: q, inputs=b, outputs=msg, api_visibility="private", queue=False).then(
                **ask_args, api_visibility="private")
        chatbot.option_select(respond.choose, inputs=[chatbot, turns], outputs=chat_outputs,  # type: ignore[attr-defined]
                              concurrency_limit=16, concurrency_id="ask", show_progress="minimal", api_name="choose")
        clear.click(clear_chat(engine), outputs=chat_outputs, api_name="clear", queue=False)
        scope_clear.click(lambda: gr.Dropdown(value=[]), outputs=scope, api_visibility="private", queue=False)

        filters = [f_dept, f_sect, f_fy, f_res, f_text, f_warn, scope]
        table_outputs = [sheet_table, shown_ids, f_dept, f_sect, f_fy, f_res, pick_sheet, count, scope]
        refresh: dict[str, Any] = {"fn": table, "inputs": filters, "outputs": table_outputs,
                                   "api_visibility": "private"}
        for f in (f_dept, f_sect, f_fy, f_res, f_warn):
            f.input(**refresh)  # user input only: the refresh itself resets these without looping
        f_text.submit(**refresh)
        reload.click(**refresh)
        sheets_tab.select(**refresh)
        demo.load(**refresh)
        detail_outputs = [detail, d_head, d_ind, d_cost, d_eval, d_sect, d_warn]
        pick_sheet.change(show, inputs=pick_sheet, outputs=detail_outputs, api_name="sheet")
        sheet_table.select(pick, inputs=shown_ids, outputs=pick_sheet, api_visibility="private")
        ask_btn.click(ask_about, inputs=pick_sheet, outputs=[scope, tabs], api_visibility="private", queue=False)
        scope_add.click(add_to_scope, inputs=[pick_sheet, scope], outputs=scope, api_visibility="private", queue=False)
        add_btn.click(add, inputs=upload, outputs=[add_note, add_report, upload], api_name="add",
                      concurrency_limit=1).then(**refresh)

    demo.queue(default_concurrency_limit=4, max_size=256)
    demo.sheetqa_settings = settings  # type: ignore[attr-defined]
    return demo


GUIDE = Path(__file__).resolve().parent / "docs" / "guide.md"


def guide_text() -> str:
    """docs/guide.md for the 「使い方」 tab (the project's own text, so rendered as Markdown)."""
    try:
        text = GUIDE.read_text(encoding="utf-8")
    except OSError:
        return "使い方の説明（docs/guide.md）が見つかりません。"
    return re.sub(r"^# .*\n", "", text, count=1)  # the tab's name is the title


# ----------------------------------------------------------------------------- main


def launch(demo: gr.Blocks, settings: AssistantSettings, **kwargs: Any) -> Any:
    login = settings.app.login()
    return demo.launch(
        server_name=settings.app.host,
        server_port=settings.app.port,
        auth=login,
        auth_message="事務事業評価シート Q&A にログインしてください。" if login else None,
        max_file_size=int(min(settings.app.max_upload_mb * 2**20, MAX_BYTES)),
        footer_links=[],
        css=CSS,
        theme=gr.themes.Soft(),
        ssr_mode=False,
        **kwargs,
    )


def port_free(host: str, port: int) -> bool:
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((host, port))
        return True
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python app.py", description=f"{TITLE}（Gradio）")
    ap.add_argument("--store", help="the store folder (default: $SHEETQA_HOME or ./.sheetqa)")
    ap.add_argument("--host", help="listen address (default 127.0.0.1; SHEETQA_APP__HOST)")
    ap.add_argument("--port", type=int, help="port (default 7860; SHEETQA_APP__PORT)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log.setLevel(logging.INFO)
    try:  # bm25s sets its own logger to DEBUG when imported (and logs every index build): quiet it after
        import bm25s  # noqa: F401
    except ImportError:
        pass
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    settings = AssistantSettings().with_home(args.store)
    app = settings.app.model_copy(update={k: v for k, v in (("host", args.host), ("port", args.port)) if v})
    settings = settings.model_copy(update={"app": app})
    try:
        login = settings.app.login()
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if settings.app.host not in ("127.0.0.1", "localhost", "::1") and login is None:
        log.warning("listening on %s without a login: anyone on the network can read and add sheets "
                    "(set SHEETQA_AUTH=user:password)", settings.app.host)
    if not port_free(settings.app.host, settings.app.port):  # say so now, not after loading the model
        print(f"error: {settings.app.host}:{settings.app.port} is in use (another app.py?); choose another "
              "port with --port or SHEETQA_APP__PORT", file=sys.stderr)
        return 1
    started = time.perf_counter()
    print(f"loading the model and the store {settings.home} …", flush=True)
    engine = Engine(settings)
    demo = build_app(engine)
    try:
        launch(demo, settings, prevent_thread_lock=True, quiet=True)
    except OSError as e:  # the port is taken (another app.py?)
        print(f"error: cannot listen on {settings.app.host}:{settings.app.port} ({e}); "
              "choose another with --port or SHEETQA_APP__PORT", file=sys.stderr)
        return 1
    shown = "127.0.0.1" if settings.app.host in ("0.0.0.0", "::") else settings.app.host
    print(f"ready in {time.perf_counter() - started:.1f}s: open http://{shown}:{settings.app.port} "
          f"(listening on {settings.app.host}{', login required' if login else ''}; Ctrl-C stops)", flush=True)
    if not engine.rows():
        print("the store holds no sheet yet: add some in the 「シートを追加」 tab, or run "
              "python -m ingest build PATH", flush=True)
    demo.block_thread()
    return 0


if __name__ == "__main__":
    sys.exit(main())
