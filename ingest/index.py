"""Build, list and remove: sheets into the figures store (SQLite) and the chunk vectors (Chroma).

Order of operations for one file, chosen so that a crash or Ctrl-C at any point leaves a store
the next build completes, and so that reading a file never holds up the store:

1. hash the file; a file already indexed with that hash is ``unchanged`` (nothing parsed,
   nothing embedded, the model is not even loaded);
2. parse, validate and chunk it, WITHOUT the store's lock (pure; a bad file fails here and
   touches nothing; a file beyond the read limits — pages, decoded bytes, characters, time — is
   ``refused``). Every sheet is validated whole against the model's bounds first, so a value
   SQLite could not hold never reaches a write. A binder (a file of many sheets) becomes one
   item per sheet, each with its own content hash: a sheet that did not change keeps its id and
   is only re-linked to the file, so re-indexing a binder embeds and writes only the sheets that
   changed;
3. under the lock, decide each sheet: the same content already stored is linked, not written;
   a sheet that would stand in for a sheet another file brought — it claims that sheet's id, or
   it is the same project, 部・課 and year — is a ``conflict`` and changes nothing unless the
   build was asked to ``replace``; then mark the file ``pending`` in SQLite (with the sheet it
   held before);
4. upsert its chunks into Chroma. Only ids not already there are written (redoing a
   half-written sheet costs only what is missing), a text whose vector is already stored (an
   equal paragraph of another sheet, or of the version being replaced) is copied rather than
   embedded, and stale chunks of the same sheet go. The new chunks of several files are
   embedded in one call (``index.group_chunks``): the model sorts texts by length before
   batching, so a mixed group pads far less than one sheet at a time; they are written in one
   Chroma call per batch too, since each call has a fixed cost of ~0.1 s;
5. in ONE SQLite transaction per sheet: write all its rows, mark the file ``indexed``, drop the
   rows of the sheet it replaces and queue that sheet in ``retired``. A sheet whose write fails
   fails alone: its pending mark is undone and its fresh vectors queued for deletion, and the
   group's other sheets are written;
6. delete the retired sheets' chunks from Chroma and clear the queue.

Readers treat the SQLite ``sheets`` table as the truth: a sheet is there only once its chunks
are in Chroma (5 after 4). A crash between 4 and 5 leaves a pending file, redone by the next
build (pending files are picked up even when that build is given other paths; one that cannot
be read any more is let go); a crash between 5 and 6 leaves a queued retirement, finished first
thing by the next build.

One writer at a time per store: an exclusive ``flock`` on ``<store>/.lock`` (released by the
kernel even when the process is killed), held while a group is decided and written, never while
a file is read. A build takes it first to check the store (:mod:`ingest.check`): a store whose
vectors are missing or whose figures database is damaged stops the build with
:class:`~ingest.check.StoreDamaged` unless it runs with ``repair``. A second build waits
``index.lock_wait`` seconds for that first hold, then refuses with :class:`StoreBusy`; between
its groups a running build waits longer (``LATER_WAIT``): other builds' groups are short.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any, Literal

from ingest.check import StoreDamaged, check_store, set_aside
from ingest.chunk import Chunk, chunk_sheet
from ingest.errors import LimitError, SheetError
from ingest.model import Sheet
from ingest.readers import SUFFIXES, size_error
from ingest.settings import Settings
from ingest.store import FigureStore, SheetSummary

if TYPE_CHECKING:
    from ingest.parse import Part
    from ingest.vectors import E5Embedding, VectorStore, WritePlan

__all__ = [
    "BuildReport",
    "FileReport",
    "StoreBusy",
    "StoreDamaged",
    "build",
    "collect_files",
    "known_file",
    "list_sheets",
    "pending_files",
    "remove",
    "remove_file",
    "store_lock",
]

Status = Literal["indexed", "unchanged", "replaced", "conflict", "refused", "failed"]
STATUSES: tuple[Status, ...] = ("indexed", "unchanged", "replaced", "conflict", "refused", "failed")
ALWAYS_COUNTED: tuple[Status, ...] = ("indexed", "unchanged", "replaced", "failed")  # the others when they occur
NOT_WRITTEN: frozenset[str] = frozenset({"failed", "refused", "conflict"})
LATER_WAIT = 600.0  # seconds a running build waits for the lock between its groups


class StoreBusy(Exception):
    """Another build (or remove) holds the store."""


@dataclass(frozen=True)
class FileReport:
    """One sheet's outcome (a file of one sheet: the file's). A binder gives one per sheet, all
    with the binder's ``path``, told apart by ``part``.

    ``status``: ``indexed``, ``unchanged``, ``replaced`` (this file's earlier version, or — asked
    with ``replace`` — another file's sheet, named in ``replaced``), ``conflict`` (it would stand
    in for ``conflict_with``, a sheet another file brought; nothing changed), ``refused`` (beyond
    a read limit; nothing stored) or ``failed`` (not a readable sheet; nothing stored)."""

    path: str
    status: Status
    sheet_id: str | None = None
    project: str | None = None
    chunks: int = 0  # chunks the sheet has
    embedded: int = 0  # chunks whose vector this build computed
    reused: int = 0  # chunks written with a vector copied from an equal stored text
    reason: str | None = None  # why it failed, or a note ("same content as …"); file names, no folders
    replaced: str | None = None  # the sheet id it replaced
    seconds: float = 0.0
    part: int | None = None  # the sheet's place in a binder (None: a file of one sheet)
    parts: int | None = None  # sheets the file holds (None: one, or a file that failed whole)
    pages: str | None = None  # the pages it spans in the file, "5-6"
    sheet_status: str | None = None  # complete | incomplete
    dropped: tuple[str, ...] = ()  # sheets the file held before and no longer does (on its first report)
    conflict_with: str | None = None  # status conflict: the stored sheet it would have replaced

    @property
    def label(self) -> str:
        """The file, and the sheet's place in it for a binder: ``bu.pdf#3``."""
        return f"{self.path}#{self.part}" if self.part is not None and (self.parts or 0) > 1 else self.path

    @property
    def written(self) -> bool:
        return self.status not in NOT_WRITTEN


@dataclass
class BuildReport:
    store: str
    vectors: str  # the Chroma location: a folder or http://host:port
    files: list[FileReport] = field(default_factory=list)
    seconds: float = 0.0
    embed_seconds: float = 0.0  # inside the embedding model, loading excluded
    model_load_seconds: float = 0.0
    embed_calls: int = 0
    recovered: int = 0  # pending files from an interrupted build, redone
    repaired: int = 0  # --repair: chunks whose vector was written anew
    orphans_dropped: int = 0  # --repair: vectors of no sheet deleted
    set_aside: list[str] = field(default_factory=list)  # --repair: damaged parts moved out of the way

    @property
    def failed(self) -> list[FileReport]:
        """Every report that wrote nothing: failed, refused and conflict."""
        return [f for f in self.files if f.status in NOT_WRITTEN]

    @property
    def ok(self) -> bool:
        return not self.failed

    def count(self) -> dict[str, int]:
        """Reports per status: indexed, unchanged, replaced and failed always; conflict and
        refused when there are any."""
        c = Counter(f.status for f in self.files)
        return {s: c.get(s, 0) for s in STATUSES if s in ALWAYS_COUNTED or c.get(s)}

    @property
    def chunks_embedded(self) -> int:
        return sum(f.embedded for f in self.files)

    def by_file(self) -> dict[str, list[FileReport]]:
        """The reports grouped by file, in build order."""
        out: dict[str, list[FileReport]] = {}
        for f in self.files:
            out.setdefault(f.path, []).append(f)
        return out

    def sheets_in(self, path: str) -> int:
        """How many sheets the file holds (its readable ones)."""
        return sum(1 for f in self.files if f.path == path and f.status not in ("failed", "refused"))

    @property
    def binders(self) -> dict[str, int]:
        """Files that held more than one sheet → how many (「FILE: N sheets」)."""
        out = {}
        for path, reports in self.by_file().items():
            n = sum(1 for r in reports if r.status not in ("failed", "refused"))
            if n > 1 or any((r.parts or 0) > 1 for r in reports):
                out[path] = n
        return out


@dataclass(frozen=True)
class RemoveResult:
    sheet_id: str
    removed: bool
    chunks_deleted: int
    files: list[str]


Progress = Callable[[FileReport, int, int], None]  # (report of one file, files done, files total)


# ----------------------------------------------------------------------------- files


def collect_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[FileReport]]:
    """Expand folders (recursively, sheet suffixes only, hidden entries skipped).

    Returns (files, failures) where failures are paths that do not exist. A file named
    explicitly is taken whatever its suffix: the readers tell the format by content.
    """
    found: list[Path] = []
    failures: list[FileReport] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).parts
                if f.is_file() and f.suffix.lower() in SUFFIXES and not any(x.startswith(".") for x in rel):
                    found.append(f)
        elif p.exists():
            found.append(p)
        else:
            failures.append(FileReport(str(raw), "failed", reason="no such file or folder"))
    seen: set[Path] = set()
    unique = []
    for f in found:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, failures


def _pages(pages: tuple[int, ...] | None) -> str | None:
    if not pages:
        return None
    return f"{pages[0]}" if len(pages) == 1 else f"{pages[0]}-{pages[-1]}"


def _file_key(path: Path) -> str:
    """The files table's key: absolute and resolved, so ./a.txt and a.txt are one file."""
    return str(path.resolve())


def _shown(path: str) -> str:
    """Another file named in a report: its name only (reports reach users; folders are the server's)."""
    return PureWindowsPath(PurePosixPath(path).name).name


# ----------------------------------------------------------------------------- lock


@contextmanager
def store_lock(settings: Settings, what: str = "build", wait: float | None = None) -> Iterator[None]:
    """Hold the store's exclusive lock for the block; wait up to ``wait`` seconds (default
    ``index.lock_wait``)."""
    settings.home.mkdir(parents=True, exist_ok=True)
    fd = os.open(settings.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + (settings.index.lock_wait if wait is None else wait)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as e:
                if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "another process"
                    raise StoreBusy(
                        f"another build is running on {settings.home} ({holder}); "
                        "wait for it to finish, then run this again"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{what}, pid {os.getpid()}".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# ----------------------------------------------------------------------------- build


@dataclass
class _Loaded:
    """A file read, parsed, validated and chunked without the lock (steps 1-2)."""

    path: Path
    key: str
    sha: str
    parts: list[Part]
    chunks: dict[int, list[Chunk]]  # by part
    started: float


@dataclass
class _Prepared:
    """A sheet decided and waiting for its vectors and rows (steps 3-6)."""

    path: Path
    key: str
    sha: str
    sheet: Sheet
    chunks: list[Chunk]
    status: Status
    previous: str | None
    started: float
    part: int = 1
    parts: int = 1
    # on a binder's last item: the sheet count, and the parts that could not be read; their
    # old rows (and rows beyond the count) go once this item is written
    finish: tuple[int, tuple[int, ...]] | None = None
    dropped: tuple[str, ...] = ()
    supersede: tuple[str, ...] = ()  # other files' sheets it replaces, as asked (replace)
    note: str | None = None


def _identity(sheet: Sheet) -> tuple[str, str, str, str, int] | None:
    """What a sheet is about: municipality, 部, 課, project and year (None: it names no project or year)."""
    p = sheet.project
    if not p.name or sheet.target_fy is None:
        return None
    return (sheet.municipality or "", p.department or "", p.section or "", p.name, sheet.target_fy)


def _internal(e: BaseException) -> str:
    """A bug's or a store error's one line; an OSError by its cause alone (its text names a path)."""
    text = (e.strerror or "") if isinstance(e, OSError) and e.strerror else str(e)
    return f"internal error ({type(e).__name__}: {text.splitlines()[0][:200] if text else ''})"


class _Builder:
    def __init__(self, settings: Settings, embedding: E5Embedding | None, force: bool, replace: bool) -> None:
        from ingest.vectors import E5Embedding

        self.settings = settings
        self.force = force
        self.replace = replace
        self.embedding = embedding or E5Embedding(settings=settings)
        self._figures: FigureStore | None = None
        self._vectors: VectorStore | None = None
        self.written = 0  # files whose rows were committed (the crash hook counts these)

    @property
    def figures(self) -> FigureStore:
        if self._figures is None:
            self._figures = FigureStore(self.settings.sqlite_path)
        return self._figures

    @property
    def vectors(self) -> VectorStore:
        if self._vectors is None:
            from ingest.vectors import VectorStore

            self._vectors = VectorStore(self.settings, self.embedding)
        return self._vectors

    def close(self) -> None:
        if self._figures is not None:
            self._figures.close()

    @contextmanager
    def locked(self) -> Iterator[None]:
        """The store's lock for one group's decisions and writes (never held while reading files)."""
        with store_lock(self.settings, "build", wait=max(self.settings.index.lock_wait, LATER_WAIT)):
            yield

    def sweep_retired(self) -> None:
        """Delete the chunks of sheets whose rows are gone (step 6, or a crash's leftover)."""
        for sheet_id in self.figures.retired():
            if not self.figures.has_sheet(sheet_id):
                self.vectors.delete_sheet(sheet_id)
            self.figures.clear_retired(sheet_id)

    # -------------------------------------------------------------- start: check, repair

    def start(self, report: BuildReport, repair: bool, have_paths: bool) -> None:
        """Under the first hold of the lock: check the store; with ``repair``, set aside what is
        damaged beyond repair in place; then finish what a crash left queued."""
        health = check_store(self.settings)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        if health.problem == "vectors_unreachable":
            raise StoreDamaged(health.line)
        if health.problem in ("figures_damaged", "figures_newer"):
            if not repair or health.problem == "figures_newer":
                raise StoreDamaged(health.line)
            if not have_paths:
                raise StoreDamaged(f"{health.message}; give the files or folders of your sheets to rebuild it "
                                   "from: python -m ingest build --repair PATH...")
            moved = set_aside(self.settings.sqlite_path, stamp)
            report.set_aside.append(str(moved))
        elif health.problem == "vectors_unreadable" and repair:
            moved = set_aside(self.settings.chroma_path, stamp)
            report.set_aside.append(str(moved))
        elif health.damaged and not repair:
            raise StoreDamaged(health.line)
        self.sweep_retired()

    def repair(self, report: BuildReport) -> None:
        """``--repair``, after the build: every sheet's vectors made whole again (missing chunks
        embedded from the stored reading, or copied from an equal text), chunks of no sheet
        dropped."""
        health = check_store(self.settings, deep=True)
        if health.damaged and health.problem != "vectors_missing":
            raise StoreDamaged(health.line)
        sheets = sorted(set(health.missing) | set(health.extra))
        if sheets:
            report.repaired = self._rechunk(sheets)
        for sheet_id in sorted(health.orphans):
            report.orphans_dropped += self.vectors.delete_sheet(sheet_id)

    def _rechunk(self, sheet_ids: list[str]) -> int:
        """Make each sheet's vectors match its chunks, made anew from its stored reading."""
        from ingest.vectors import WritePlan

        plans, counts = [], {}
        for sheet_id in sheet_ids:
            sheet = self.figures.get_sheet(sheet_id)
            if sheet is None:
                continue
            src = sheet.source
            # the id seed the build used for a file of one sheet (a binder's sheet: any fixed seed)
            seed = src.sha256 if src is not None and src.part is None else sheet_id
            chunks = chunk_sheet(sheet, self.settings.chunks.size, self.settings.chunks.overlap, seed)
            stored = self.vectors.keys_of(sheet_id)
            keys = {c.key for c in chunks}
            plans.append(WritePlan(sheet_id, [c for c in chunks if c.key not in stored],
                                   sorted(i for k, i in stored.items() if k not in keys)))
            counts[sheet_id] = len(chunks)
        self._embed_and_apply(plans)
        for sheet_id, n in counts.items():
            self.figures.set_chunk_count(sheet_id, n)
        return sum(len(p.todo) for p in plans)

    def _embed_and_apply(self, plans: list[WritePlan]) -> set[str]:
        """Write the plans' chunks: each distinct embedded text is embedded at most once, and not
        at all when the collection already holds its vector (an equal paragraph of another sheet
        or of the old version). One vector write for all. Returns the texts (``vector_sha``)
        embedded now."""
        from ingest.vectors import WritePlan

        shas = {str(c.metadata["vector_sha"]): c.embed_text for plan in plans for c in plan.todo}
        table = self.vectors.stored_vectors(list(shas))
        fresh = [sha for sha in shas if sha not in table]
        computed = self.vectors.embedding.embed_documents([shas[h] for h in fresh])
        table.update(zip(fresh, computed, strict=True))
        merged = WritePlan.merge(plans)
        self.vectors.apply(merged, [table[str(c.metadata["vector_sha"])] for c in merged.todo])
        return set(fresh)

    # -------------------------------------------------------------- steps 1-2, per file, unlocked

    def _unchanged(self, path: Path, recs: list[Any], sha: str, started: float) -> list[FileReport] | None:
        """The file's reports when it is indexed with this very content (nothing to do)."""
        if self.force or not recs or not all(r.state == "indexed" and r.sha256 == sha for r in recs):
            return None
        known = [k for r in recs if (k := self.figures.summary(r.sheet_id)) is not None]
        if len(known) != len(recs):
            return None
        many = len(recs) > 1
        return [
            FileReport(
                str(path), "unchanged", k.sheet_id, k.project, k.n_chunks,
                seconds=time.perf_counter() - started, part=r.part if many else None,
                parts=len(recs) if many else None,
                pages=k.source_pages if many else None,
                sheet_status=k.status,
            )
            for r, k in zip(recs, known, strict=True)
        ]

    def load(self, path: Path) -> list[FileReport] | _Loaded:
        """Hash, skip, read, parse, validate and chunk one file, reading the store but never
        writing it (no lock needed). Reports when there is nothing to write (unchanged, failed,
        refused), else the loaded file."""
        started = time.perf_counter()
        key = _file_key(path)
        limits = self.settings.read
        recs = self.figures.file_parts(key) if self.settings.sqlite_path.exists() else []
        try:
            size = path.stat().st_size
            if size > limits.max_bytes:
                return [FileReport(str(path), "refused", reason=size_error(size, limits.max_bytes))]
            data = path.read_bytes()
        except OSError as e:
            return [FileReport(str(path), "failed", reason=f"cannot read file ({e.strerror or e})")]
        sha = hashlib.sha256(data).hexdigest()
        unchanged = self._unchanged(path, recs, sha, started)
        if unchanged is not None:
            return unchanged

        from ingest.parse import first_error, parse_parts
        from ingest.readers import read_bytes

        kept = " (the version indexed before is kept)" if any(r.state == "indexed" for r in recs) else ""
        try:
            parts = parse_parts(read_bytes(data, str(path), limits), limits)
        except LimitError as e:
            return [FileReport(str(path), "refused", reason=e.reason + kept)]
        except SheetError as e:
            return [FileReport(str(path), "failed", reason=e.reason + kept)]
        if all(p.sheet is None for p in parts):
            return [FileReport(str(path), "failed", reason=first_error(parts, str(path)).reason + kept)]
        size_, overlap = self.settings.chunks.size, self.settings.chunks.overlap
        chunks = {p.index: chunk_sheet(p.sheet, size_, overlap, p.content_sha) for p in parts if p.sheet is not None}
        return _Loaded(path, key, sha, parts, chunks, started)

    # -------------------------------------------------------------- step 3, per file, locked

    def decide(self, ld: _Loaded) -> list[FileReport | _Prepared]:
        """One item per sheet of a loaded file: a FileReport for a sheet with nothing more to do
        (unchanged, linked, failed, conflict), a _Prepared for one to write."""
        path, key, sha, parts, started = ld.path, ld.key, ld.sha, ld.parts, ld.started
        recs = self.figures.file_parts(key)
        again = self._unchanged(path, recs, sha, started)  # another build indexed it meanwhile
        if again is not None:
            return list(again)
        count = len(parts)
        many = count > 1
        by_part = {r.part: r for r in recs}
        new_ids = frozenset(p.sheet.sheet_id for p in parts if p.sheet is not None)
        out: list[FileReport | _Prepared] = []
        failed: list[int] = []
        conflicted: set[int] = set()
        seen: dict[str, int] = {}  # sheet id → the first part of this file that holds it
        for p in parts:
            where: dict[str, Any] = {"part": p.index if many else None, "parts": count if many else None,
                                     "pages": _pages(p.pages) if many else None}
            if p.sheet is None:
                failed.append(p.index)
                reason = f"{p.where}: {p.reason}" if many else p.reason
                out.append(FileReport(str(path), "failed", reason=reason, **where))
                continue
            sheet = p.sheet
            where["sheet_status"] = sheet.status
            chunks = ld.chunks[p.index]
            rec = by_part.get(p.index)
            previous: str | None = None
            if rec is None:
                status: Status = "indexed"
            elif rec.state == "indexed":
                previous = rec.sheet_id
                status = "replaced" if rec.sheet_id != sheet.sheet_id else "unchanged"  # same id here: --force
            else:  # pending: an interrupted build's part
                previous = rec.prev_sheet_id
                status = "replaced" if previous not in (None, sheet.sheet_id) else "indexed"
            if status == "replaced" and previous in new_ids:
                status, previous = "indexed", None  # the old sheet is still in the file, at another place
            twin = seen.get(sheet.sheet_id)
            seen.setdefault(sheet.sheet_id, p.index)
            if self.figures.has_sheet(sheet.sheet_id) and (not self.force or twin is not None):
                # already in the store (this binder before, another file, or an earlier part):
                # point this part at it, embed nothing
                note = self._twin_note(sheet.sheet_id, key, p.index, twin, many)
                if self.figures.mark_indexed(key, sha, sheet.sheet_id, p.index, keep=new_ids):
                    self.sweep_retired()
                stored = self.figures.get_sheet(sheet.sheet_id)
                if twin is None and stored is not None and stored.source and sheet.source \
                        and _file_key(Path(stored.source.path)) == key:
                    self.figures.update_source(sheet.sheet_id, sheet.source)  # it moved within the binder
                # the sheet itself is unchanged (it may have moved within the binder)
                out.append(FileReport(
                    str(path), "unchanged", sheet.sheet_id, sheet.project.name, len(chunks), reason=note,
                    seconds=time.perf_counter() - started, **where,
                ))
                continue
            others = self._others(sheet, key)
            supersede: tuple[str, ...] = ()
            note = None
            if others:
                other, reason = others[0]
                if not self.replace:
                    conflicted.add(p.index)
                    out.append(FileReport(
                        str(path), "conflict", sheet.sheet_id, sheet.project.name, len(chunks),
                        reason=f"{reason}; nothing was changed — to replace it: --replace",
                        seconds=time.perf_counter() - started, conflict_with=other, **where,
                    ))
                    continue
                supersede = tuple(o for o, _ in others)
                note = reason.replace("would replace", "replaces", 1) + " (as asked: --replace)"
                if status != "replaced":
                    status, previous = "replaced", other
            out.append(_Prepared(path, key, sha, sheet, chunks, status, previous, started, p.index, count,
                                 supersede=supersede, note=note))
        # sheets the file held before and holds no more (a replaced one is reported as such)
        replacing = {x.previous for x in out if isinstance(x, _Prepared) and x.status == "replaced"}
        dropped = tuple(dict.fromkeys(r.sheet_id for r in recs if r.sheet_id not in new_ids
                                      and r.sheet_id not in replacing and r.part not in conflicted))
        pending = [x for x in out if isinstance(x, _Prepared)]
        if pending:
            pending[-1].finish = (count, tuple(failed))
            pending[0].dropped = dropped
        else:
            self._finish(key, count, tuple(failed))
            first = next(i for i, x in enumerate(out) if isinstance(x, FileReport))
            out[first] = replace(out[first], dropped=dropped)
        return out

    def _others(self, sheet: Sheet, key: str) -> list[tuple[str, str]]:
        """Sheets other files brought that ``sheet`` would stand in for, each with the reason
        (one line, file names only): the sheet it claims to be, and the stored sheets of the same
        project, 部・課 and year. A sheet only this file holds is its own earlier version."""
        found: list[tuple[str, str]] = []
        claimed = sheet.claimed_id
        if claimed and claimed != sheet.sheet_id and self.figures.has_sheet(claimed):
            found.append((claimed, "it claims that sheet's id"))
        found += [(o, "the same project, 課 and year") for o in self.figures.same_project(sheet)]
        out: list[tuple[str, str]] = []
        for other, why in found:
            holders = [f for f in self.figures.files_of(other) if f.path != key and f.state == "indexed"]
            if not holders or any(o == other for o, _ in out):
                continue
            held = self.figures.summary(other)
            what = (held.project if held and held.project else "（事業名不明）") + (
                f" ({held.target_fy}年度)" if held and held.target_fy else "")
            src = _shown(holders[0].path)
            if len(self.figures.file_parts(holders[0].path)) > 1:
                src += f"#{holders[0].part}"
            out.append((other, f"would replace {what} from {src}: {why}"))
        return out

    def _twin_note(self, sheet_id: str, key: str, part: int, twin: int | None, many: bool) -> str | None:
        if twin is not None:
            return f"same content as sheet {twin} of this file"
        others = [f for f in self.figures.files_of(sheet_id) if (f.path, f.part) != (key, part) and f.state == "indexed"]
        elsewhere = [f for f in others if f.path != key]
        if elsewhere:
            o = elsewhere[0]
            return f"same content as {_shown(o.path)}" + (f"#{o.part}" if len(self.figures.file_parts(o.path)) > 1 else "")
        if others:
            return f"was sheet {others[0].part} of this file"
        return None

    def _finish(self, key: str, count: int, failed: tuple[int, ...]) -> None:
        """After a binder's sheets are written: rows beyond its sheet count, and rows of parts
        that could not be read this time, go (with the sheets only they held)."""
        if self.figures.drop_parts(key, count):
            self.sweep_retired()
        for k in failed:
            if self.figures.drop_part(key, k):
                self.sweep_retired()

    # -------------------------------------------------------------- steps 3-6, per group, locked

    def abandon(self, key: str, part: int | None = None) -> None:
        """Undo what a failed write (or an unreadable pending file) left: its pending marks go,
        and the vectors it wrote for a sheet nothing holds are deleted."""
        if self.figures.abandon_pending(key, part):
            self.sweep_retired()

    def write(self, group: list[_Prepared]) -> Iterator[FileReport]:
        """Embed a group's new chunks in one call, then write and commit sheet by sheet; a sheet
        whose write fails fails alone and leaves nothing behind.

        One call for the whole group because the model sorts texts by length before batching:
        across many sheets the batches pad far less than within one sheet.
        """
        for item in group:
            self.figures.mark_pending(item.key, item.sha, item.sheet.sheet_id, item.part)
        self.sweep_retired()  # before any upsert: a queued deletion must not hit fresh chunks
        # One vector write for the whole group: every file is still pending, so a crash now
        # leaves vectors that the next build finds (and does not embed again) before it commits.
        try:
            plans = [self.vectors.plan(item.sheet.sheet_id, item.chunks) for item in group]
            unclaimed = self._embed_and_apply(plans)  # a fresh vector counts as embedded for its first user
        except Exception as e:
            for item in group:
                self.abandon(item.key, item.part)
                yield self._failed(item, _internal(e))
            return
        crash_after = self.settings.index.crash_after
        for item, plan in zip(group, plans, strict=True):
            keys = [str(c.metadata["vector_sha"]) for c in plan.todo]
            embedded = len(unclaimed & set(keys))
            unclaimed -= set(keys)
            if crash_after is not None and self.written >= crash_after:
                os._exit(99)  # tests: die between the vector write and the SQLite commit
            try:
                self.figures.put_sheet(item.sheet, item.key, item.sha, len(item.chunks), item.part, item.supersede)
            except Exception as e:  # this sheet alone: its mark undone, its fresh vectors dropped
                self.abandon(item.key, item.part)
                if item.finish is not None:
                    self._finish(item.key, *item.finish)
                yield self._failed(item, _internal(e))
                continue
            self.written += 1
            self.sweep_retired()
            if item.finish is not None:
                self._finish(item.key, *item.finish)
            if item.status == "unchanged" and (plan.todo or plan.stale):
                item.status = "indexed"  # --force on an unchanged file whose chunks came out different
            yield self._report(item, embedded, note=item.note, reused=len(plan.todo) - embedded)

    def _failed(self, item: _Prepared, reason: str) -> FileReport:
        many = item.parts > 1
        kept = " (the version indexed before is kept)" if item.previous and not item.supersede else ""
        return FileReport(str(item.path), "failed", item.sheet.sheet_id, item.sheet.project.name, len(item.chunks),
                          reason=reason + kept, seconds=time.perf_counter() - item.started,
                          part=item.part if many else None, parts=item.parts if many else None)

    def _report(self, item: _Prepared, embedded: int, note: str | None = None, reused: int = 0) -> FileReport:
        many = item.parts > 1
        src = item.sheet.source
        return FileReport(
            path=str(item.path),
            status=item.status,
            sheet_id=item.sheet.sheet_id,
            project=item.sheet.project.name,
            chunks=len(item.chunks),
            embedded=embedded,
            reused=reused,
            reason=note,
            replaced=item.previous if item.status == "replaced" else None,
            seconds=time.perf_counter() - item.started,
            part=item.part if many else None,
            parts=item.parts if many else None,
            pages=_pages(tuple(src.pages)) if many and src and src.pages else None,
            sheet_status=item.sheet.status,
            dropped=item.dropped,
        )


def _run(
    builder: _Builder,
    files: list[Path],
    failures: list[FileReport],
    report: BuildReport,
    progress: Progress | None,
) -> None:
    total = len(files) + len(failures)

    def done(r: FileReport) -> None:
        report.files.append(r)
        if progress:
            progress(r, len(report.files), total)

    for f in failures:
        done(f)

    def guarded(path: Path, step: Callable[[], Any]) -> Any:
        try:
            return step()
        except LimitError as e:
            return [FileReport(str(path), "refused", reason=e.reason)]
        except SheetError as e:
            return [FileReport(str(path), "failed", reason=e.reason)]
        except Exception as e:  # a bug or a store error: this file fails, the others go on
            return [FileReport(str(path), "failed", reason=_internal(e))]

    pending_keys = {r.path for r in builder.figures.files("pending")} if builder.settings.sqlite_path.exists() else set()
    abandoned: list[str] = []  # files left pending by a crash that cannot be read any more

    def write_batch(batch: list[_Loaded]) -> None:
        group: list[_Prepared] = []

        def flush() -> None:
            nonlocal group
            todo, group = group, []
            try:
                for r in builder.write(todo):
                    done(r)
                    todo = todo[1:]
            except Exception as e:  # the store itself failed: these sheets fail, their marks undone
                for item in todo:
                    try:
                        builder.abandon(item.key, item.part)
                    except Exception:  # the next build redoes a pending mark left here
                        pass
                    done(FileReport(str(item.path), "failed", reason=_internal(e)))

        with builder.locked():
            for key in abandoned:
                builder.abandon(key)
            abandoned.clear()
            size = 0
            for ld in batch:
                if _collides(ld, group):
                    flush()  # one of its sheets is (or claims to be) one of the group's: write those first
                    size = 0
                got = guarded(ld.path, partial(builder.decide, ld))
                for item in got:
                    if isinstance(item, FileReport):
                        done(item)
                    else:
                        group.append(item)
                        size += len(item.chunks)
                if size >= builder.settings.index.group_chunks:
                    flush()
                    size = 0
            flush()

    batch: list[_Loaded] = []
    size = 0
    for path in list(files):
        got = guarded(path, partial(builder.load, path))
        if isinstance(got, _Loaded):
            total += len(got.parts) - 1  # a binder reports once per sheet
            batch.append(got)
            size += sum(len(c) for c in got.chunks.values())
            if size >= builder.settings.index.group_chunks:
                write_batch(batch)
                batch, size = [], 0
            continue
        total += len(got) - 1
        for r in got:
            done(r)
        key = _file_key(path)
        if key in pending_keys and not any(r.written for r in got):
            abandoned.append(key)  # a crash's pending file that cannot be read now: let it go
    if batch or abandoned:
        write_batch(batch)


def _collides(ld: _Loaded, group: list[_Prepared]) -> bool:
    """Does a sheet of ``ld`` share an id, a claimed id or a project and year with a sheet of
    ``group`` from another file? Then the group is written first, so the store can tell."""
    if not group:
        return False
    sheets = [p.sheet for p in ld.parts if p.sheet is not None]
    ids = {s.sheet_id for s in sheets} | {s.claimed_id for s in sheets if s.claimed_id}
    idents = {_identity(s) for s in sheets} - {None}
    return any(g.key != ld.key and (g.sheet.sheet_id in ids or g.sheet.claimed_id in ids
                                    or _identity(g.sheet) in idents) for g in group)


def build(
    paths: Iterable[str | Path],
    settings: Settings | None = None,
    progress: Progress | None = None,
    embedding: E5Embedding | None = None,
    force: bool = False,
    replace: bool = False,
    repair: bool = False,
) -> BuildReport:
    """Index files and folders into the store. One bad file never stops the others.

    ``embedding`` replaces the model loaded from the settings (tests pass a counting one);
    ``force`` re-parses and re-chunks files whose hash is unchanged (only new chunk texts are
    embedded); ``replace`` lets a sheet replace the sheet another file brought (a ``conflict``
    otherwise); ``repair`` mends a damaged store: a figures database that cannot be read is set
    aside and rebuilt from ``paths``, a vector store that cannot be read is set aside, and every
    sheet's missing vectors are made again from its stored reading, vectors of no sheet dropped.

    Raises :class:`StoreBusy` when another build holds the store, and
    :class:`~ingest.check.StoreDamaged` (a ``StoreError``) for a damaged store without ``repair``.
    """
    settings = settings or Settings()
    started = time.perf_counter()
    paths = list(paths)
    files, failures = collect_files(paths)
    report = BuildReport(store=str(settings.home), vectors=settings.chroma_location)
    builder = _Builder(settings, embedding, force, replace)
    try:
        with store_lock(settings, "build"):
            builder.start(report, repair, have_paths=bool(paths))
            # files an interrupted build left pending: finish them now, whatever this build was asked
            asked = {_file_key(f) for f in files}
            for rec in builder.figures.files("pending"):
                if rec.path in asked:
                    continue
                if Path(rec.path).is_file():
                    files.append(Path(rec.path))
                    asked.add(rec.path)
                    report.recovered += 1
                else:
                    builder.figures.forget_file(rec.path)
            builder.sweep_retired()
        _run(builder, files, failures, report, progress)
        if repair:
            with builder.locked():
                builder.repair(report)
    finally:
        emb = builder.embedding
        report.embed_seconds = emb.seconds
        report.model_load_seconds = emb.load_seconds
        report.embed_calls = emb.calls
        builder.close()
    # a binder's sheets in file order (an unchanged sheet is reported before the changed ones)
    order = {path: n for n, path in enumerate(dict.fromkeys(f.path for f in report.files))}
    report.files.sort(key=lambda f: (order[f.path], f.part or 0))
    report.seconds = time.perf_counter() - started
    return report


# ----------------------------------------------------------------------------- remove, list, read


def remove(sheet_id: str, settings: Settings | None = None) -> RemoveResult:
    """Drop one sheet from every index (rows, files, chunks)."""
    from ingest.vectors import VectorStore

    settings = settings or Settings()
    with store_lock(settings, "remove"), FigureStore(settings.sqlite_path) as figures:
        files = [f.path for f in figures.files_of(sheet_id)]
        removed = figures.remove_sheet(sheet_id)
        deleted = 0
        # Only the vectors of sheets the figures store has let go of: an unknown id may
        # still have orphan chunks (from a build killed before its first commit).
        vectors = VectorStore(settings)
        for retired in figures.retired():
            if not figures.has_sheet(retired):
                n = vectors.delete_sheet(retired)
                deleted += n if retired == sheet_id else 0
            figures.clear_retired(retired)
        if not removed:
            deleted = vectors.delete_sheet(sheet_id)
            removed = deleted > 0
    return RemoveResult(sheet_id, removed, deleted, files)


@dataclass(frozen=True)
class FileRemoval:
    path: str  # as the store knows it (absolute)
    sheet_ids: list[str]  # the sheets the file held
    removed: list[str]  # those that went (a sheet another file also holds stays)
    chunks_deleted: int


def known_file(path: str | Path, settings: Settings | None = None) -> str | None:
    """The store's key for a file it holds (absolute and resolved), or None."""
    settings = settings or Settings()
    if not settings.sqlite_path.exists():
        return None
    key = _file_key(Path(path))
    with FigureStore(settings.sqlite_path, read_only=True) as figures:
        return key if figures.file_parts(key) else None


def remove_file(path: str | Path, settings: Settings | None = None) -> FileRemoval:
    """Drop a file from every index: all the sheets it holds (a binder's every sheet), except a
    sheet another file holds too."""
    from ingest.vectors import VectorStore

    settings = settings or Settings()
    key = _file_key(Path(path))
    with store_lock(settings, "remove"), FigureStore(settings.sqlite_path) as figures:
        held = [r.sheet_id for r in figures.file_parts(key)]
        retired = figures.remove_file(key)
        vectors = VectorStore(settings)
        deleted = 0
        for sheet_id in figures.retired():
            if not figures.has_sheet(sheet_id):
                deleted += vectors.delete_sheet(sheet_id)
            figures.clear_retired(sheet_id)
    return FileRemoval(key, list(dict.fromkeys(held)), [s for s in retired if s in held], deleted)


def list_sheets(settings: Settings | None = None) -> list[SheetSummary]:
    """What the store holds (empty when nothing was built yet). Needs no model and no Chroma."""
    settings = settings or Settings()
    if not settings.sqlite_path.exists():
        return []
    with FigureStore(settings.sqlite_path, read_only=True) as figures:
        return figures.list_sheets()


def pending_files(settings: Settings | None = None) -> list[str]:
    """Files an interrupted build left half-indexed (the next build finishes them)."""
    settings = settings or Settings()
    if not settings.sqlite_path.exists():
        return []
    with FigureStore(settings.sqlite_path, read_only=True) as figures:
        return [f.path for f in figures.files("pending")]
