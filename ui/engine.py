"""The app's engine: what every handler shares — the settings, the models loaded once, one warm
:class:`~assistant.chain.Assistant` per answer thread, and the uploads into the store.

Answers run in a few answer threads (``ANSWER_WORKERS``), each with its own ``Assistant`` around its
own read-only SQLite connection (a connection may not cross threads), kept warm (its catalog, parsed
sheets and name vectors) from one question to the next; the embedding model, the retriever, the name
vectors and the optional chat model are loaded once and shared.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import shutil
import tempfile
import threading
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any, TypeVar

from assistant.answer import Answer
from assistant.chain import Assistant, Turn
from ingest.check import StoreHealth, check_store
from ingest.index import NOT_WRITTEN, BuildReport, FileReport, build
from ingest.model import Sheet
from ingest.readers import MAX_BYTES, SUFFIXES
from ui import format as fmt
from ui import gradio_costs, serve
from ui import sheets as browse
from ui.settings import UISettings
from ui.side import SideData, side_data

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

log = logging.getLogger("sheetqa.app")

EMPTY_STORE = ("まだシートが登録されていません。「シートを追加」タブからシート（テキスト・PDF・JSON）を"
               "追加してください。")
UPLOAD_LOCK_WAIT = 120.0  # seconds an upload waits for another build (python -m ingest build) to finish
# Answers run in this many threads, each with its own warm Assistant. The work is Python (one core
# at a time, the GIL) with short waits on SQLite, Chroma and the model: a few threads keep the core
# busy; more would only multiply the Assistants' caches.
ANSWER_WORKERS = 3
ANSWER_THREAD = "sheetqa-answer"
T = TypeVar("T")


class Engine:
    """What the handlers share: settings, the loaded models, one Assistant per worker thread."""

    def __init__(self, settings: UISettings, embeddings: Embeddings | None = None,
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
        gradio_costs.own_files(self.files.root)
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
            a = Assistant.from_settings(self.settings, loaded=(self.retriever, self.chat_model))
            if a.dense is not None:  # one set of name vectors for every thread, computed once
                with self._dense_lock:
                    if self._dense is None:
                        self._dense = a.dense
                        # the project names an English question may mean, embedded before it is asked
                        threading.Thread(target=self._dense.warm, args=(a.catalog.project_matcher.names,),
                                         name="warm-names", daemon=True).start()
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
            if a is None:
                return None
            # asked once per fact row of every answer: kept while the store is unchanged (the
            # catalog the thread's last question read is replaced when it changes)
            seen = a.last_catalog if getattr(self._local, "answering", False) else a.catalog
            if getattr(self._local, "infos_of", None) is not seen or seen is None:
                self._local.infos_of, self._local.infos = seen, {}
            memo: dict[str, fmt.SheetInfo | None] = self._local.infos
            if sheet_id not in memo:
                sheet = a.sheet(sheet_id)
                memo[sheet_id] = None if sheet is None else fmt.sheet_info(
                    sheet, [f.path for f in a.store.files_of(sheet_id) if f.state == "indexed"])
            return memo[sheet_id]

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
               ) -> tuple[Answer | None, SideData | None, str | None]:
        """The extractive answer, its right column (:func:`side_data`: chart, table, CSV in
        ``folder``) and its sources panel, in one trip to an answer thread."""
        def get() -> tuple[Answer | None, SideData | None, str | None]:
            answer = self.ask(question, history, scope, write=False)  # the LLM, if any, later
            if answer is None:
                return None, None, None
            self._local.answering = True  # the store was looked at for this answer just now
            try:
                return answer, side_data(self, answer, folder), fmt.sources_markdown(answer, self.sheet, self.info)
            finally:
                self._local.answering = False

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
