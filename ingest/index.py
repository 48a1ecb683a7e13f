"""Build, list and remove: sheets into the figures store (SQLite) and the chunk vectors (Chroma).

Order of operations for one file, chosen so that a crash or Ctrl-C at any point leaves a store
the next build completes:

1. hash the file; a file already indexed with that hash is ``unchanged`` (nothing parsed,
   nothing embedded, the model is not even loaded);
2. parse and chunk it (pure; a bad file fails here and touches nothing);
3. mark the file ``pending`` in SQLite (with the sheet it held before);
4. upsert its chunks into Chroma. Only ids not already there are written (redoing a
   half-written sheet costs only what is missing), a text whose vector is already stored (an
   equal paragraph of another sheet, or of the version being replaced) is copied rather than
   embedded, and stale chunks of the same sheet go. The new chunks of several files are
   embedded in one call (``index.group_chunks``): the model sorts texts by length before
   batching, so a mixed group pads far less than one sheet at a time; they are written in one
   Chroma call per batch too, since each call has a fixed cost of ~0.1 s;
5. in ONE SQLite transaction: write all its rows, mark the file ``indexed``, drop the rows of
   the sheet it replaces and queue that sheet in ``retired``;
6. delete the retired sheets' chunks from Chroma and clear the queue.

Readers treat the SQLite ``sheets`` table as the truth: a sheet is there only once its chunks
are in Chroma (5 after 4). A crash between 4 and 5 leaves a pending file, redone by the next
build (pending files are picked up even when that build is given other paths); a crash between
5 and 6 leaves a queued retirement, finished first thing by the next build.

One build at a time per store: an exclusive ``flock`` on ``<store>/.lock`` (released by the
kernel even when the process is killed). A second build waits ``index.lock_wait`` seconds, then
refuses with :class:`StoreBusy`.
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ingest.chunk import Chunk, chunk_sheet
from ingest.errors import SheetError
from ingest.model import Sheet
from ingest.readers import MAX_BYTES, SUFFIXES
from ingest.settings import Settings
from ingest.store import FigureStore, SheetSummary, StoreCounts

if TYPE_CHECKING:
    from ingest.vectors import E5Embedding, VectorStore

Status = Literal["indexed", "unchanged", "replaced", "failed"]
STATUSES: tuple[Status, ...] = ("indexed", "unchanged", "replaced", "failed")


class StoreBusy(Exception):
    """Another build (or remove) holds the store."""


@dataclass(frozen=True)
class FileReport:
    path: str
    status: Status
    sheet_id: str | None = None
    project: str | None = None
    chunks: int = 0  # chunks the sheet has
    embedded: int = 0  # chunks whose vector this build computed
    reused: int = 0  # chunks written with a vector copied from an equal stored text
    reason: str | None = None  # why it failed, or a note ("same content as …")
    replaced: str | None = None  # the sheet id it replaced
    seconds: float = 0.0


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

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed

    def count(self) -> dict[Status, int]:
        c = Counter(f.status for f in self.files)
        return {s: c.get(s, 0) for s in STATUSES}

    @property
    def chunks_embedded(self) -> int:
        return sum(f.embedded for f in self.files)


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


def _file_key(path: Path) -> str:
    """The files table's key: absolute and resolved, so ./a.txt and a.txt are one file."""
    return str(path.resolve())


# ----------------------------------------------------------------------------- lock


@contextmanager
def store_lock(settings: Settings, what: str = "build") -> Iterator[None]:
    """Hold the store's exclusive lock for the block; wait up to ``index.lock_wait`` seconds."""
    settings.home.mkdir(parents=True, exist_ok=True)
    fd = os.open(settings.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + settings.index.lock_wait
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
class _Prepared:
    """A parsed, chunked file waiting for its vectors and rows (steps 3-6)."""

    path: Path
    key: str
    sha: str
    sheet: Sheet
    chunks: list[Chunk]
    status: Status
    previous: str | None
    started: float


class _Builder:
    def __init__(self, settings: Settings, embedding: E5Embedding | None, force: bool) -> None:
        from ingest.vectors import VectorStore

        self.settings = settings
        self.force = force
        self.figures = FigureStore(settings.sqlite_path)
        self.vectors: VectorStore = VectorStore(settings, embedding)
        self.written = 0  # files whose rows were committed (the crash hook counts these)

    def close(self) -> None:
        self.figures.close()

    def sweep_retired(self) -> None:
        """Delete the chunks of sheets whose rows are gone (step 6, or a crash's leftover)."""
        for sheet_id in self.figures.retired():
            if not self.figures.has_sheet(sheet_id):
                self.vectors.delete_sheet(sheet_id)
            self.figures.clear_retired(sheet_id)

    # -------------------------------------------------------------- steps 1-2, per file

    def prepare(self, path: Path) -> FileReport | _Prepared:
        """Hash, skip, parse and chunk one file. A FileReport when nothing more is to be done."""
        started = time.perf_counter()
        key = _file_key(path)
        rec = self.figures.file(key)
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                why = f"file is {size / 1e6:.1f} MB; one sheet must be under {MAX_BYTES // 2**20} MB"
                return FileReport(str(path), "failed", reason=why)
            data = path.read_bytes()
        except OSError as e:
            return FileReport(str(path), "failed", reason=f"cannot read file ({e.strerror or e})")
        sha = hashlib.sha256(data).hexdigest()
        if not self.force and rec is not None and rec.state == "indexed" and rec.sha256 == sha:
            known = self.figures.summary(rec.sheet_id)
            if known is not None:
                return FileReport(
                    str(path), "unchanged", known.sheet_id, known.project, known.n_chunks,
                    seconds=time.perf_counter() - started,
                )

        from ingest.parse import parse_document
        from ingest.readers import read_bytes

        try:
            sheet = parse_document(read_bytes(data, str(path)))
        except SheetError as e:
            was_indexed = rec is not None and rec.state == "indexed"
            kept = " (the version indexed before is kept)" if was_indexed else ""
            return FileReport(str(path), "failed", reason=e.reason + kept)
        chunks = chunk_sheet(sheet, self.settings.chunks.size, self.settings.chunks.overlap, sha)

        previous: str | None = None  # the sheet this file held indexed before, if any
        if rec is None:
            status: Status = "indexed"
        elif rec.state == "indexed":
            previous = rec.sheet_id
            status = "replaced" if rec.sha256 != sha else "unchanged"  # same hash here: --force
        else:  # pending: an interrupted build's file
            previous = rec.prev_sheet_id
            status = "replaced" if previous is not None else "indexed"

        twins = [
            f.path
            for f in self.figures.files_of(sheet.sheet_id)
            if f.path != key and f.state == "indexed" and f.sha256 == sha
        ]
        if twins and self.figures.has_sheet(sheet.sheet_id) and not self.force:
            # the same content is indexed from another path: point this file at it, embed nothing
            if self.figures.mark_indexed(key, sha, sheet.sheet_id):
                self.sweep_retired()
            item = _Prepared(path, key, sha, sheet, chunks, "unchanged" if status == "indexed" else status,
                             previous, started)
            return self._report(item, 0, f"same content as {twins[0]}")
        return _Prepared(path, key, sha, sheet, chunks, status, previous, started)

    # -------------------------------------------------------------- steps 3-6, per group

    def write(self, group: list[_Prepared]) -> Iterator[FileReport]:
        """Embed a group's new chunks in one call, then write and commit file by file.

        One call for the whole group because the model sorts texts by length before batching:
        across many sheets the batches pad far less than within one sheet.
        """
        for item in group:
            self.figures.mark_pending(item.key, item.sha, item.sheet.sheet_id)
        self.sweep_retired()  # before any upsert: a queued deletion must not hit fresh chunks
        plans = [self.vectors.plan(item.sheet.sheet_id, item.chunks) for item in group]
        # Each distinct text is embedded at most once, and not at all when the collection
        # already holds its vector (an equal paragraph of another sheet or of the old version).
        shas = {str(c.metadata["vector_sha"]): c.embed_text for plan in plans for c in plan.todo}
        table = self.vectors.stored_vectors(list(shas))
        fresh = [sha for sha in shas if sha not in table]
        computed = self.vectors.embedding.embed_documents([shas[h] for h in fresh])
        table.update(zip(fresh, computed, strict=True))
        unclaimed = set(fresh)  # a fresh vector counts as embedded for the first file that uses it
        # One vector write for the whole group: every file is still pending, so a crash now
        # leaves vectors that the next build finds (and does not embed again) before it commits.
        from ingest.vectors import WritePlan

        merged = WritePlan.merge(plans)
        self.vectors.apply(merged, [table[str(c.metadata["vector_sha"])] for c in merged.todo])
        crash_after = self.settings.index.crash_after
        for item, plan in zip(group, plans, strict=True):
            keys = [str(c.metadata["vector_sha"]) for c in plan.todo]
            embedded = len(unclaimed & set(keys))
            unclaimed -= set(keys)
            if crash_after is not None and self.written >= crash_after:
                os._exit(99)  # tests: die between the vector write and the SQLite commit
            self.figures.put_sheet(item.sheet, item.key, item.sha, len(item.chunks))
            self.written += 1
            self.sweep_retired()
            if item.status == "unchanged" and (plan.todo or plan.stale):
                item.status = "indexed"  # --force on an unchanged file whose chunks came out different
            yield self._report(item, embedded, reused=len(plan.todo) - embedded)

    def _report(self, item: _Prepared, embedded: int, note: str | None = None, reused: int = 0) -> FileReport:
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
        )


def _run(
    builder: _Builder,
    files: list[Path],
    failures: list[FileReport],
    report: BuildReport,
    progress: Progress | None,
) -> None:
    builder.sweep_retired()
    # files an interrupted build left pending: finish them now, whatever this build was asked
    asked = {_file_key(f) for f in files}
    for rec in builder.figures.files("pending"):
        if rec.path in asked:
            continue
        if Path(rec.path).is_file():
            files.append(Path(rec.path))
            report.recovered += 1
        else:
            builder.figures.forget_file(rec.path)
    builder.sweep_retired()
    total = len(files) + len(failures)

    def done(r: FileReport) -> None:
        report.files.append(r)
        if progress:
            progress(r, len(report.files), total)

    for f in failures:
        done(f)

    def guarded(path: Path, step: Callable[[], FileReport | _Prepared]) -> FileReport | _Prepared:
        try:
            return step()
        except SheetError as e:
            return FileReport(str(path), "failed", reason=e.reason)
        except Exception as e:  # a bug or a store error: this file fails, the others go on
            return FileReport(str(path), "failed", reason=f"internal error ({type(e).__name__}: {e})")

    group: list[_Prepared] = []
    size = 0

    def flush() -> None:
        nonlocal group, size
        if not group:
            return
        todo, group, size = group, [], 0
        try:
            for r in builder.write(todo):
                done(r)
                todo = todo[1:]
        except Exception as e:
            # the file being written and those after it fail; their pending marks make the
            # next build redo them
            for item in todo:
                done(FileReport(str(item.path), "failed", reason=f"internal error ({type(e).__name__}: {e})"))

    queue = list(files)
    while queue:
        path = queue.pop(0)
        got = guarded(path, lambda p=path: builder.prepare(p))  # type: ignore[misc]
        if isinstance(got, FileReport):
            done(got)
            continue
        if any(item.sheet.sheet_id == got.sheet.sheet_id for item in group):
            # same sheet twice in one group: write the first, then this one finds it indexed
            flush()
            queue.insert(0, path)
            continue
        group.append(got)
        size += len(got.chunks)
        if size >= builder.settings.index.group_chunks:
            flush()
    flush()


def build(
    paths: Iterable[str | Path],
    settings: Settings | None = None,
    progress: Progress | None = None,
    embedding: E5Embedding | None = None,
    force: bool = False,
) -> BuildReport:
    """Index files and folders into the store. One bad file never stops the others.

    ``embedding`` replaces the model loaded from the settings (tests pass a counting one);
    ``force`` re-parses and re-chunks files whose hash is unchanged (only new chunk texts are
    embedded). Raises :class:`StoreBusy` when another build holds the store.
    """
    settings = settings or Settings()
    started = time.perf_counter()
    files, failures = collect_files(paths)
    report = BuildReport(store=str(settings.home), vectors=settings.chroma_location)
    with store_lock(settings, "build"):
        builder = _Builder(settings, embedding, force)
        try:
            _run(builder, files, failures, report, progress)
        finally:
            emb = builder.vectors.embedding
            report.embed_seconds = emb.seconds
            report.model_load_seconds = emb.load_seconds
            report.embed_calls = emb.calls
            builder.close()
    report.seconds = time.perf_counter() - started
    return report


# ----------------------------------------------------------------------------- remove, list, read


def remove(sheet_id: str, settings: Settings | None = None) -> RemoveResult:
    """Drop one sheet from every index (rows, files, chunks)."""
    from ingest.vectors import VectorStore

    settings = settings or Settings()
    with store_lock(settings, "remove"):
        with FigureStore(settings.sqlite_path) as figures:
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


class Store:
    """The read side, for the assistant: figures (SQLite) and chunks (Chroma), opened read-only.

    ``Store(settings)`` never writes: the SQLite file is opened with ``mode=ro`` and the Chroma
    collection with ``get_collection`` (no creation). Use ``figures.query(sql, params)`` for
    exact lookups and ``vectors.query(text, k, where)`` (or ``vectors.collection`` directly) for
    similarity search; only sheets in ``indexed_sheet_ids()`` count (a chunk of any other sheet
    belongs to an unfinished build).
    """

    def __init__(self, settings: Settings | None = None, embedding: E5Embedding | None = None) -> None:
        from ingest.vectors import VectorStore

        self.settings = settings or Settings()
        self.figures = FigureStore(self.settings.sqlite_path, read_only=True)
        self.vectors: VectorStore = VectorStore(self.settings, embedding, create=False)

    def close(self) -> None:
        self.figures.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def list_sheets(self) -> list[SheetSummary]:
        return self.figures.list_sheets()

    def get_sheet(self, sheet_id: str) -> Sheet | None:
        return self.figures.get_sheet(sheet_id)

    def indexed_sheet_ids(self) -> set[str]:
        return self.figures.sheet_ids()

    def counts(self) -> StoreCounts:
        return self.figures.counts()


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
