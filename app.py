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

Start-up: the store checks itself first (:func:`ingest.check.check_store`). A damaged store is
one line on the page (in Japanese, with the next step) and in the log; the app starts without an
Assistant, and uploads are off. A store with a notice (vectors of no sheet, an interrupted build)
is usable; the page says what was found.

Threads: Gradio runs handlers in its worker threads; the answers themselves run in a few answer
threads (``ANSWER_WORKERS``), each with its own ``Assistant`` around its own read-only SQLite
connection (a connection may not cross threads), kept warm (its catalog, parsed sheets and name
vectors) from one question to the next. The embedding model, the retriever (its BM25 index and
Chroma collection), the name vectors and the optional chat model are loaded once and shared. Many
people asking at once wait for an answer thread, not in Gradio's queue, and the answer then
arrives whole (no waiting note, no growing pieces), with the right column's panels sent as plain
values when the session shows the same ones already: Gradio rebuilds a component for every update,
which is most of an answer's CPU under load. The conversation lives in the browser session
(``gr.State``), never in a global.

Files an answer writes (its CSV, its chart) are served only to the browser that asked
(:mod:`assistant.ui_serve`); with a login, failed logins back off per client.
"""

from __future__ import annotations

import os

# Before the heavy imports (design.md): no hub, no telemetry.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
# Gradio summarises every event it has seen (a pandas table of up to 10,000) after each event; the
# summary is only for its monitoring page. Every 200th event is enough.
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "200")

import argparse
import atexit
import logging
import re
import shutil
import socket
import sqlite3
import sys
import tempfile
import threading
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any, TypeVar

import gradio as gr
import pandas as pd

from assistant import ui_format as fmt
from assistant import ui_serve as serve
from assistant import ui_sheets as browse
from assistant.answer import Answer
from assistant.chain import Assistant, Turn
from assistant.memory import settle
from assistant.settings import AssistantSettings
from assistant.ui_charts import chart_png
from ingest.check import StoreDamaged, StoreHealth, check_store
from ingest.index import NOT_WRITTEN, BuildReport, FileReport, StoreBusy, build
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
# Answers run in this many threads, each with its own warm Assistant. The work is Python (one core
# at a time, the GIL) with short waits on SQLite, Chroma and the model: a few threads keep the core
# busy; more would only multiply the Assistants' caches.
ANSWER_WORKERS = 3
ANSWER_THREAD = "sheetqa-answer"
ASK_CONCURRENCY = 40  # questions Gradio lets in at once (they wait for an answer thread, not in its queue)
MAX_THREADS = 64  # Gradio's worker threads: the waiting questions and every other event
T = TypeVar("T")


def _shared_api_info(cls: type) -> None:
    """Gradio builds a new component for every update a handler sends (each answer hides or shows
    the right column's panels) and regenerates that component's JSON schema with pydantic each time:
    under load, a third of the app's CPU per answer. For a component whose schema is its data
    model's alone, compute it once per data model."""
    original = cls.api_info
    schemas: dict[Any, dict[str, Any]] = {}

    def api_info(self: Any) -> dict[str, Any]:
        if self.data_model not in schemas:
            schemas[self.data_model] = original(self)
        return schemas[self.data_model]

    cls.api_info = api_info


for _cls in (gr.Dataframe, gr.DownloadButton, gr.Image):  # Component.api_info: the data model's schema
    if "api_info" not in vars(_cls):
        _shared_api_info(_cls)


# ----------------------------------------------------------------------------- engine


class Engine:
    """What the handlers share: settings, the loaded models, one Assistant per worker thread."""

    def __init__(self, settings: AssistantSettings, embeddings: Embeddings | None = None,
                 retrieval: bool = True, health: StoreHealth | None = None) -> None:
        from ingest.vectors import E5Embedding

        self.settings = settings
        # the store checks itself before anything opens it (never a traceback: one line)
        self.health = health if health is not None else check_store(settings)
        if self.health.damaged:
            log.error("the store cannot be used: %s", self.health.line)
        elif self.health.state == "notice":
            log.warning("the store: %s", self.health.line)
        self.embedding = E5Embedding(embeddings=embeddings, settings=settings)
        self.retriever = None
        if retrieval and not self.health.damaged:
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
        self._dense: Any = None  # the name vectors, shared by every Assistant (DenseNames is thread-safe)
        self._dense_lock = threading.Lock()
        self._workers = ThreadPoolExecutor(ANSWER_WORKERS, thread_name_prefix=ANSWER_THREAD)
        self._busy = 0  # answers being computed now
        self._busy_lock = threading.Lock()
        self._upload_lock = threading.Lock()
        self.lock_wait = UPLOAD_LOCK_WAIT
        self.files_dir = Path(tempfile.mkdtemp(prefix="sheetqa-app-"))  # private: never served
        atexit.register(shutil.rmtree, self.files_dir, ignore_errors=True)
        self.files = serve.SessionFiles()  # what a session's answers wrote: served to that browser only
        self.throttle = serve.LoginThrottle()
        # which panels of the right column each session shows now (:func:`side_values`)
        self.shapes: dict[str, tuple[Any, ...]] = {}

    @property
    def usable(self) -> bool:
        """False when the store was damaged at start-up: no answers, no uploads (one line says why)."""
        return not self.health.damaged

    def store_problem(self) -> str:
        """The store's problem in one Japanese line with the next step (checked now)."""
        health = check_store(self.settings)
        if health.state == "empty":
            return EMPTY_STORE
        return health.line_ja if health.damaged else (
            "シートの保存先（ストア）を読み込めませんでした。管理者が python -m ingest check で確かめてください。")

    # -------------------------------------------------------------- reading

    def assistant(self) -> Assistant | None:
        """This thread's Assistant (None while the store holds nothing, or cannot be used)."""
        a = getattr(self._local, "assistant", None)
        if a is None:
            if not self.usable or not self.settings.sqlite_path.exists():
                return None
            store = FigureStore(self.settings.sqlite_path, read_only=True)
            a = Assistant(self.settings, store, self.retriever, self.chat_model)
            if a.dense is not None:  # one set of name vectors for every thread, computed once
                with self._dense_lock:
                    if self._dense is None:
                        self._dense = a.dense
                    a.dense = self._dense
            self._local.assistant = a
        return a

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in an answer thread (whose Assistant is warm); at once when already in one."""
        if threading.current_thread().name.startswith(ANSWER_THREAD):
            return fn(*args)
        return self._workers.submit(fn, *args).result()

    def busy(self) -> int:
        """Questions being answered right now (the asking one included)."""
        return self._busy

    def sheet(self, sheet_id: str) -> Sheet | None:
        def get() -> Sheet | None:
            a = self.assistant()
            return a.sheet(sheet_id) if a is not None else None

        return self.call(get)

    def rows(self) -> list[browse.SheetRow]:
        def get() -> list[browse.SheetRow]:
            a = self.assistant()
            return browse.load_rows(a.store) if a is not None else []

        return self.call(get)

    def info(self, sheet_id: str) -> fmt.SheetInfo | None:
        """A sheet's names for the UI: project, 課, year, and the names of the files it was read from."""
        def get() -> fmt.SheetInfo | None:
            a = self.assistant()
            sheet = a.sheet(sheet_id) if a is not None else None
            if a is None or sheet is None:
                return None
            return fmt.sheet_info(sheet, [f.path for f in a.store.files_of(sheet_id) if f.state == "indexed"])

        return self.call(get)

    def ask(self, question: str, history: list[Turn], scope: list[str] | None = None,
            write: bool = True) -> Answer | None:
        """The answer; ``scope`` (sheet ids) is what a question naming no project is about;
        ``write=False``: the extractive answer, without the LLM (see :meth:`write`)."""
        def get() -> Answer | None:
            a = self.assistant()
            return None if a is None else a.ask(question, history, scope=scope or None, write=write)

        return self.call(get)

    def answer(self, question: str, history: list[Turn], scope: list[str], folder: Path | None
               ) -> tuple[Answer | None, dict[str, Any] | None, str | None]:
        """The extractive answer, its right column (:func:`side_data`: chart, table, CSV in
        ``folder``) and its sources panel, in one trip to an answer thread."""
        def get() -> tuple[Answer | None, dict[str, Any] | None, str | None]:
            answer = self.ask(question, history, scope, write=False)  # the LLM, if any, later
            if answer is None:
                return None, None, None
            return answer, side_data(self, answer, folder), fmt.sources_markdown(answer, self.sheet, self.info)

        return self.call(get)

    @contextmanager
    def asking(self) -> Iterator[None]:
        """While a question is being answered (counted by :meth:`busy`)."""
        with self._busy_lock:
            self._busy += 1
        try:
            yield
        finally:
            with self._busy_lock:
                self._busy -= 1

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

    def add_files(self, uploads: list[tuple[str, Path]], progress: Any = None, replace: bool = False,
                  held: list[tuple[str, Path]] | None = None) -> BuildReport:
        """Copy uploads (name as given, temp path) into ``<store>/uploads`` and index them.

        A file of which nothing was written (failed, refused, conflict) leaves the store and the
        uploads folder as they were: a name that held an earlier upload gets its old content back,
        a new name is deleted. A binder of which some sheets were written stays, whatever its
        other sheets did. ``replace``: a sheet may replace the sheet another file brought (the
        「置き換える」 action after a ``conflict``). ``held`` receives (name, private copy) of each
        file with a conflict, for that action.

        Raises ``StoreBusy`` (another build holds the store) and ``StoreDamaged``; nothing of the
        batch stays then.
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
                refused.append(FileReport(name, "refused", reason=f"ファイルが大きすぎます（{size / 2**20:.1f} MB、"
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
                    report = build([d for d, _ in accepted], settings, progress=step, embedding=self.embedding,
                                   replace=replace)
                else:
                    report = BuildReport(store=str(settings.home), vectors=settings.chroma_location)
            except BaseException:  # the store is busy, or worse: nothing of this batch stays
                for path, old in backups.items():
                    _restore(Path(path), old)
                raise
            temp = {str(dest): (dest.name, tmp) for dest, tmp in accepted}
            for path, reports in report.by_file().items():
                if held is not None and path in temp and any(r.status == "conflict" for r in reports):
                    name, tmp = temp[path]
                    keep = self.files_dir / "held" / uuid.uuid4().hex / name
                    keep.parent.mkdir(parents=True)
                    shutil.copyfile(tmp, keep)
                    held.append((name, keep))
                if path in backups and all(r.status in NOT_WRITTEN for r in reports):
                    _restore(Path(path), backups.pop(path))
            report.files[:0] = refused
            return report

    def release(self, held: list[tuple[str, str]] | None) -> None:
        """Delete the private copies kept for 「置き換える」."""
        for _, path in held or []:
            if Path(path).is_relative_to(self.files_dir):
                shutil.rmtree(Path(path).parent, ignore_errors=True)


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
        head,  # a plain value: Gradio rebuilds a component for every update, not for a value
        gr.Image(value=chart, visible=chart is not None),
        gr.Dataframe(value=table if table is not None else pd.DataFrame(columns=fmt.FACT_COLUMNS),
                     visible=table is not None),
        gr.DownloadButton(value=csv, visible=csv is not None),
        gr.Markdown(value=quotes, visible=bool(quotes)),
        gr.Dataframe(value=store if store is not None else pd.DataFrame(columns=browse.HOLDING_COLUMNS),
                     visible=store is not None, column_widths=STORE_WIDTHS.get(
                         len(store.columns) if store is not None else 4)),
    )


def _shape(head: str, chart: str | None = None, table: pd.DataFrame | None = None, csv: str | None = None,
           quotes: str = "", store: pd.DataFrame | None = None) -> tuple[Any, ...]:
    """Which panels ``_side`` shows (and the store table's column widths)."""
    return (chart is not None, table is not None, csv is not None, bool(quotes),
            None if store is None else len(store.columns))


def side_values(engine: Engine, data: dict[str, Any], session: str | None) -> Side:
    """The right column for ``data`` (the arguments of ``_side``): as plain values when the session
    shows the same panels already, else as component updates. Gradio builds a whole component (and
    its config) for every update; a plain value is only converted. Under load that is most of an
    answer's CPU."""
    shape = _shape(**data)
    if not session or engine.shapes.get(session) != shape:
        if session:
            if len(engine.shapes) > 10_000:  # bounded: sessions whose page was not closed properly
                engine.shapes.clear()
            engine.shapes[session] = shape
        return _side(**data)
    table, store = data.get("table"), data.get("store")
    return (data["head"], data.get("chart"), table if table is not None else pd.DataFrame(columns=fmt.FACT_COLUMNS),
            data.get("csv"), data.get("quotes", ""),
            store if store is not None else pd.DataFrame(columns=browse.HOLDING_COLUMNS))


def _store_data(engine: Engine, head: str) -> dict[str, Any]:
    if not engine.usable:
        return {"head": f"**{fmt.SIDE_HEADINGS['store']}**\n\n{fmt.md_escape(engine.health.line_ja)}"}
    try:
        rows = engine.rows()
    except StoreError:
        rows = []
    if not rows:
        return {"head": f"**{fmt.SIDE_HEADINGS['store']}**\n\nまだありません。「シートを追加」タブから追加してください。"}
    return {"head": head, "store": browse.holdings_frame(rows)}


def _store_side(engine: Engine, head: str) -> Side:
    return _side(**_store_data(engine, head))


def _session_copy(path: Path, folder: Path) -> Path:
    """A chart drawn once (the shared private cache) as a file of this session's folder."""
    target = folder / path.name
    if not target.exists():
        tmp = folder / f".{uuid.uuid4().hex}.tmp"
        try:
            os.link(path, tmp)
        except OSError:  # another file system
            shutil.copyfile(path, tmp)
        os.replace(tmp, target)
    return target


def side_data(engine: Engine, answer: Answer | None, folder: Path | None = None) -> dict[str, Any]:
    """What the right column shows for one answer (the arguments of ``_side``): figures → chart and
    table; a text answer → the sections it quotes; a choice → the candidates; a decline (or no
    answer) → what the store holds. The CSV and the chart are written to ``folder`` (the asking
    session's; without one a private folder no client can fetch from)."""
    if answer is None:
        return _store_data(engine, f"**{fmt.SIDE_HEADINGS['store']}**")
    mode = fmt.side_mode(answer)
    head = f"**{fmt.SIDE_HEADINGS[mode]}**"
    if mode == "store":
        return _store_data(engine, head + "（この質問には、シートの記載から答えられませんでした）")
    if mode == "choices":
        return {"head": head + "（回答の下のボタンで選べます）", "store": browse.choices_frame(answer.choices)}
    quotes = fmt.quoted_sections_markdown(answer, engine.sheet, engine.info) if answer.citations else ""
    if mode == "quotes":
        return {"head": head, "quotes": quotes}
    folder = folder or engine.files.folder(None)
    table = pd.DataFrame(fmt.fact_rows(answer, engine.info), columns=fmt.FACT_COLUMNS)
    path = fmt.write_facts_csv(answer, folder / f"facts-{uuid.uuid4().hex[:12]}.csv", engine.info)
    try:
        drawn = chart_png(answer, engine.sheet, engine.files_dir / "charts")
        chart = _session_copy(drawn, folder) if drawn else None
    except Exception:  # a chart is a bonus: never lose the answer for it
        log.exception("chart failed for %r", answer.question)
        chart = None
    return {"head": head, "chart": str(chart) if chart else None, "table": table, "csv": str(path),
            "quotes": ("**引用した欄**\n\n" + quotes) if quotes else ""}


def side_for(engine: Engine, answer: Answer | None, folder: Path | None = None) -> Side:
    """The right column for one answer (:func:`side_data`, drawn)."""
    return _side(**side_data(engine, answer, folder))


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
    def run(question: str, shown: str, chat: list[dict], turns: list[Turn], scope: list[str], request: Any = None,
            history: list[Turn] | None = None):
        """Ask, and stream the chat and the right column (the generator both handlers share).
        ``history``: the turns the question follows (default: all of ``turns``)."""
        with engine.asking():
            yield from answer_turn(question, shown, chat, turns, scope, request, history)

    def answer_turn(question: str, shown: str, chat: list[dict], turns: list[Turn], scope: list[str],
                    request: Any, history: list[Turn] | None):
        chat.append({"role": "user", "content": shown})
        chat.append({"role": "assistant", "content": "…"})
        wait = _side(SIDE_WAIT)
        skip = tuple(gr.skip() for _ in wait)
        alone = engine.busy() <= 1
        if alone:  # the question and a waiting note at once (under load the answer comes sooner whole)
            engine.shapes.pop(getattr(request, "session_hash", None) or "", None)  # every panel hidden
            yield ("", chat, turns, *wait, None)
        answer: Answer | None = None
        data: dict[str, Any] | None = None
        sources: str | None = None
        if not engine.usable:
            text = engine.health.line_ja
        else:
            try:
                answer, data, sources = engine.answer(question, (turns if history is None else history)[-MAX_TURNS:],
                                                      scope, engine.files.folder(request))
                text = EMPTY_STORE if answer is None else answer.answer
            except (StoreError, sqlite3.DatabaseError) as e:
                log.warning("the store cannot be read: %s", e)
                text = engine.store_problem()
            except Exception:
                log.exception("answering %r failed", question)
                text = ERROR_TEXT
        # alone, the answer arrives in growing pieces; while others are being answered, whole with
        # the right column (one message less to compute and send for each answer)
        pieces = fmt.stream_pieces(text, STREAM_PIECES) if alone else []
        for piece in pieces:
            chat[-1] = {"role": "assistant", "content": fmt.md_lines(piece)}
            yield ("", chat, turns, *skip, gr.skip())
            if piece != text:
                time.sleep(STREAM_PAUSE)
        chat[-1] = {"role": "assistant", "content": fmt.md_lines(text)}
        session = getattr(request, "session_hash", None)
        side: tuple[Any, ...] = side_values(engine, data if data is not None else _store_data(
            engine, f"**{fmt.SIDE_HEADINGS['store']}**"), session)
        if answer is not None and engine.writes(answer):
            # the figures do not change with the wording: the right column now, then the LLM's turn
            yield ("", chat, turns, *side, gr.skip())
            answer = yield from write_live(engine, answer, chat, lambda: ("", chat, turns, *skip, gr.skip()))
            side = skip  # shown above
        if answer is not None:
            if sources:
                chat.append({"role": "assistant", "content": sources,
                             "metadata": {"title": fmt.sources_title(answer), "status": "done"}})
            if answer.choices:  # buttons under the answer: the same question, for one project
                chat[-1]["options"] = [{"label": fmt.choice_label(c), "value": c.sheet_id} for c in answer.choices]
            turns = [*turns, Turn(question, answer, list(scope))][-MAX_TURNS:]
        yield ("", chat, turns, *side, answer.model_dump(mode="json") if answer else None)

    def respond(message: str, chat: list[dict] | None, turns: list[Turn] | None, scope: list[str] | None = None,
                request: gr.Request | None = None):
        question = (message or "").strip()[:MAX_QUESTION]
        chat, turns, scope = list(chat or []), list(turns or []), [s for s in (scope or []) if s]
        if not question:
            yield ("", chat, turns, *(gr.skip() for _ in range(6)), gr.skip())
            return
        yield from run(question, fmt.md_escape(question) + _scope_note(engine, scope), chat, turns, scope, request)

    def choose(evt: gr.SelectData, chat: list[dict] | None, turns: list[Turn] | None,
               request: gr.Request | None = None):
        """A choice button: the question that offered it, asked again for the chosen project (as if
        the turn that offered the choice had not been: it is what is asked again)."""
        chat, turns = list(chat or []), list(turns or [])
        sheet_id = str(evt.value or "")
        if not turns or not sheet_id:
            yield ("", chat, turns, *(gr.skip() for _ in range(6)), gr.skip())
            return
        question = turns[-1].question
        yield from run(question, fmt.md_escape(question) + _scope_note(engine, [sheet_id]), chat, turns, [sheet_id],
                       request, history=turns[:-1])

    respond.choose = choose  # type: ignore[attr-defined]
    return respond


def clear_chat(engine: Engine):
    def clear(request: gr.Request | None = None):
        engine.shapes.pop(getattr(request, "session_hash", None) or "", None)
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
BUSY_TEXT = "ほかの登録処理が実行中です。しばらくしてからもう一度お試しください。"
CONFLICT_NOTE = ("「重複（未登録）」のシートは、ほかのファイルで登録済みのシートと重なるため登録していません（登録済みの"
                 "シートは元のままです）。新しい内容で置き換えるときは「置き換える」を押してください。")


def report_rows(report: BuildReport) -> tuple[list[list[str]], list[str]]:
    """The upload table (one row per sheet, reasons in Japanese, file names only) and, for a file
    that held several sheets, a line 「FILE: N シート」."""
    rows = [[fmt.file_name(r.path), fmt.STATUS_LABELS.get(r.status, r.status), r.project or "", fmt.reason_ja(r.reason)]
            for r in report.files]
    binders = [f"{fmt.file_name(path)}: {n} シート" for path, n in report.binders.items() if n > 1]
    return rows, binders


def report_note(report: BuildReport) -> str:
    """The line over the upload table: files, counts per status, seconds, binders, what to do next."""
    _, binders = report_rows(report)
    counts = report.count()
    summary = "、".join(f"{fmt.STATUS_LABELS.get(s, s)} {n}件" for s, n in counts.items() if n)
    n_files = len({fmt.file_name(r.path) for r in report.files})
    note = f"{n_files} ファイル: {summary}（{report.seconds:.1f} 秒）"
    if binders:
        note += "\n\n" + "\n\n".join(fmt.md_escape(b) for b in binders)
    if counts["failed"] or counts.get("refused"):
        note += "\n\n「失敗」「上限超過」のファイルは登録されず、登録済みのシートは元のままです。"
    if counts.get("conflict"):
        note += "\n\n" + CONFLICT_NOTE
    return note


def make_add(engine: Engine):
    """The 「登録する」 and 「置き換える」 handlers: (note, report table, the file box, held conflicts,
    the 「置き換える」 button)."""

    def outcome(note: str, report: BuildReport | None, held: list[tuple[str, Path]]):
        table = pd.DataFrame(report_rows(report)[0] if report else [], columns=REPORT_COLUMNS)
        kept = [(name, str(path)) for name, path in held]
        return note, table, None, kept, gr.Button(visible=bool(kept))

    def run(uploads: list[tuple[str, Path]], progress: Any, replace: bool):
        if not engine.usable:
            return outcome(engine.health.line_ja, None, [])
        held: list[tuple[str, Path]] = []
        try:
            report = engine.add_files(uploads, progress, replace=replace, held=held)
        except StoreBusy:
            return BUSY_TEXT, gr.skip(), gr.skip(), gr.skip(), gr.skip()
        except (StoreDamaged, StoreError, sqlite3.DatabaseError) as e:  # nothing of the batch stayed
            log.error("upload refused: %s", e)
            return outcome(engine.store_problem(), None, [])
        return outcome(report_note(report), report, held)

    def add(files: list[str] | None, conflicts: list[tuple[str, str]] | None,
            progress: gr.Progress = gr.Progress()):  # noqa: B008 (Gradio's idiom)
        engine.release(conflicts)  # a new upload: the last one's 「置き換える」 is gone
        if not files:
            return outcome("ファイルを選んでから「登録する」を押してください。", None, [])
        return run([(Path(f).name, Path(f)) for f in files], progress, replace=False)

    def replace(conflicts: list[tuple[str, str]] | None, progress: gr.Progress = gr.Progress()):  # noqa: B008
        """「置き換える」: the files whose sheets were a conflict, built again with ``replace``."""
        uploads = [(name, Path(path)) for name, path in conflicts or [] if Path(path).is_file()]
        if not uploads:
            return outcome("置き換えるファイルがありません。もう一度「登録する」からやり直してください。", None, [])
        try:
            return run(uploads, progress, replace=True)
        finally:
            engine.release(conflicts)

    add.replace = replace  # type: ignore[attr-defined]
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
        store_line = fmt.store_status(engine.health)
        gr.Markdown(store_line, visible=bool(store_line), elem_id="store-note", elem_classes="sheetqa-head")
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
                        side_head = gr.Markdown(SIDE_IDLE if rows else EMPTY_STORE if engine.usable else
                                                fmt.md_escape(engine.health.line_ja), elem_id="side-head")
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
                    "「登録する」を押してください。部局などでまとめた、いくつものシートが入った1つのファイル（PDF・テキスト）も"
                    "登録できます（シートごとに結果を表示します）。読み取れなかったファイルは理由を表示し、登録済みの内容は"
                    "変わりません。同じ名前のファイルを登録し直すと、そのシートは新しい内容に置き換わります。"
                )
                upload = gr.File(file_count="multiple", file_types=list(SUFFIXES), label="シートのファイル",
                                 elem_id="upload", interactive=engine.usable)
                add_btn = gr.Button("登録する", variant="primary", elem_id="add-button", interactive=engine.usable)
                add_note = gr.Markdown("" if engine.usable else fmt.md_escape(engine.health.line_ja), elem_id="add-note")
                replace_btn = gr.Button("置き換える", variant="stop", visible=False, elem_id="replace-button", size="sm")
                conflicts = gr.State([])
                add_report = gr.Dataframe(headers=REPORT_COLUMNS, label="ファイルごとの結果", interactive=False,
                                          wrap=True, elem_id="add-report", column_widths=["200px", "90px", "200px", "auto"])
            with gr.Tab("使い方", id="guide", elem_id="tab-guide"):
                gr.Markdown(guide_text(), elem_id="guide")

        side_outputs = [side_head, plot, facts, csv_btn, quotes, store_table]
        chat_outputs = [msg, chatbot, turns, *side_outputs, answer_json]
        ask_args: dict[str, Any] = {"fn": respond, "inputs": [msg, chatbot, turns, scope], "outputs": chat_outputs,
                                    "concurrency_limit": ASK_CONCURRENCY, "concurrency_id": "ask",
                                    "show_progress": "minimal"}
        msg.submit(**ask_args, api_name="ask")
        send.click(**ask_args, api_visibility="private")
        for b in example_buttons:
            b.click(lambda q: q, inputs=b, outputs=msg, api_visibility="private", queue=False).then(
                **ask_args, api_visibility="private")
        chatbot.option_select(respond.choose, inputs=[chatbot, turns], outputs=chat_outputs,  # type: ignore[attr-defined]
                              concurrency_limit=ASK_CONCURRENCY, concurrency_id="ask", show_progress="minimal",
                              api_name="choose")
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
        add_outputs = [add_note, add_report, upload, conflicts, replace_btn]
        add_btn.click(add, inputs=[upload, conflicts], outputs=add_outputs, api_name="add",
                      concurrency_limit=1, concurrency_id="add").then(**refresh)
        replace_btn.click(add.replace, inputs=conflicts, outputs=add_outputs, api_name="replace",  # type: ignore[attr-defined]
                          concurrency_limit=1, concurrency_id="add").then(**refresh)

        def forget(request: gr.Request) -> None:  # the page was closed: its answer files go
            engine.files.forget(request.session_hash)
            engine.shapes.pop(request.session_hash or "", None)

        demo.unload(forget)

    demo.queue(default_concurrency_limit=4, max_size=256)
    demo.sheetqa_settings = settings  # type: ignore[attr-defined]
    demo.sheetqa_engine = engine  # type: ignore[attr-defined]
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
    """Start the server: Gradio's, with the answer files guarded per browser and, with a login,
    failed logins throttled per client (:mod:`assistant.ui_serve`)."""
    from starlette.middleware import Middleware

    login = settings.app.login()
    engine: Engine = demo.sheetqa_engine  # type: ignore[attr-defined]
    middleware = [Middleware(serve.ServeGuard, files=engine.files)]
    if login:
        middleware.append(Middleware(serve.ThrottleLogin, throttle=engine.throttle))
    return demo.launch(
        server_name=settings.app.host,
        server_port=settings.app.port,
        auth=login,
        auth_message="事務事業評価シート Q&A にログインしてください。" if login else None,
        max_file_size=int(min(settings.app.max_upload_mb * 2**20, MAX_BYTES)),
        max_threads=MAX_THREADS,
        footer_links=[],
        css=CSS,
        theme=gr.themes.Soft(),
        ssr_mode=False,
        app_kwargs={"middleware": middleware},
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
    if engine.health.damaged:  # one line, no traceback: the page says the same in Japanese
        print(f"error: {engine.health.line}\nthe app starts to say so (no answers, no uploads); repair the "
              "store, then start it again", file=sys.stderr, flush=True)
    elif engine.health.state == "notice":
        print(f"notice: {engine.health.line}", flush=True)
    demo = build_app(engine)
    settle()  # the model, Gradio and the store, loaded for good: out of every later full collection
    try:
        launch(demo, settings, prevent_thread_lock=True, quiet=True)
    except OSError as e:  # the port is taken (another app.py?)
        print(f"error: cannot listen on {settings.app.host}:{settings.app.port} ({e}); "
              "choose another with --port or SHEETQA_APP__PORT", file=sys.stderr)
        return 1
    shown = "127.0.0.1" if settings.app.host in ("0.0.0.0", "::") else settings.app.host
    print(f"ready in {time.perf_counter() - started:.1f}s: open http://{shown}:{settings.app.port} "
          f"(listening on {settings.app.host}{', login required' if login else ''}; Ctrl-C stops)", flush=True)
    if engine.usable and not engine.rows():
        print("the store holds no sheet yet: add some in the 「シートを追加」 tab, or run "
              "python -m ingest build PATH", flush=True)
    demo.block_thread()
    return 0


if __name__ == "__main__":  # `sheetqa serve` is the same; a bad setting or store is one line (sheetqa/runner.py)
    from sheetqa.runner import run

    sys.exit(run(main))
