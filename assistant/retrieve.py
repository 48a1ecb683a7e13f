"""Hybrid retrieval over the sheet chunks: Chroma (dense, e5) + BM25 (Sudachi tokens), fused by RRF.

Two legs, each filtered the same way (sheets, sections, chunk types):

* dense: the question embedded with the e5 ``query: `` prompt, nearest chunks from the Chroma
  collection (cosine), filters as a Chroma ``where``;
* keyword: ``bm25s`` over :func:`tokenize` (SudachiPy, ``sudachidict_core``, mode C), filters as
  a 0/1 weight mask over the documents.

The two rankings are fused with reciprocal-rank fusion, ``score = Σ 1 / (rrf_k + rank)`` with
1-based ranks and ``rrf_k = 60``. Each returned :class:`~langchain_core.documents.Document`
carries the chunk's own metadata plus ``chunk_id``, ``score``, ``dense_rank`` / ``bm25_rank``
(``None`` when that leg did not find the chunk), ``dense_distance`` and ``bm25_score``.

The BM25 index is built from the chunk texts stored in Chroma, so it always matches the vectors.
It is cached under ``<home>/bm25/<fingerprint>/`` where the fingerprint hashes the tokenizer
version, the collection's id and the sorted chunk ids: a process that starts on an unchanged
store loads it (``loaded_from_cache``); after a build it is rebuilt, re-tokenizing only the
texts the previous cache did not have (tokens are cached by ``text_sha``).

Only sheets the figures store lists (``sheets`` table) count: a chunk of any other sheet belongs
to a build that has not committed yet (see :func:`ingest.index.build`), and both legs skip it.
Before each query the retriever checks, cheaply, whether the store changed (chunk count, the
SQLite files' modification times) and refreshes its snapshot when it did.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import EllipsisType
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field, PrivateAttr, field_validator

from assistant import sudachi
from assistant.memory import settle
from ingest.chunk import text_sha
from ingest.settings import Settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

if TYPE_CHECKING:
    import bm25s
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection
    from chromadb.api.types import GetResult

# ----------------------------------------------------------------------------- tokenizer

# Bump when tokenize() changes: every cached BM25 index is then rebuilt.
TOKENIZER_VERSION = "sudachi-core-C+B-1"
_MAX_PIECE = 4000  # characters per Sudachi call (Sudachi refuses inputs over ~49 KB)


def _pieces(text: str) -> Iterable[str]:
    """Cut a long text at line ends (or hard) so that no Sudachi call gets too much."""
    while len(text) > _MAX_PIECE:
        cut = text.rfind("\n", 0, _MAX_PIECE)
        if cut <= 0:
            cut = text.rfind("。", 0, _MAX_PIECE)
        cut = cut + 1 if cut > 0 else _MAX_PIECE
        yield text[:cut]
        text = text[cut:]
    if text:
        yield text


def tokenize(text: str) -> list[str]:
    """Keyword tokens of a text; the same function indexes the chunks and reads the question.

    NFKC first, then Sudachi mode C (long units: 行政手続, 二次評価, 電子申請 stay whole), the
    ``normalized_form`` of every morpheme that is not a particle, auxiliary verb, symbol or
    space (増えた → 増える; 11,365千 → 11365000), lower-cased. A mode-C word that mode B splits
    further also contributes its parts (電子申請 → 電子申請 電子 申請; 行政手続 → … 行政 手続き),
    so 「行政手続きのオンライン化」 still meets a chunk that wrote 行政手続オンライン化. Mode B,
    not A: A would also cut 事業費 and 自治体 into 事業/費 and 自治/体.
    """
    from sudachipy import SplitMode

    if not text:
        return []
    _, drop = sudachi.dictionary()
    tok = sudachi.tokenizer()
    out: list[str] = []
    for piece in _pieces(unicodedata.normalize("NFKC", text)):
        for m in tok.tokenize(piece):
            if m.part_of_speech_id() in drop:
                continue
            form = m.normalized_form().strip().lower()
            if not form:
                continue
            out.append(form)
            parts = m.split(SplitMode.B)
            if len(parts) > 1:
                for p in parts:
                    if p.part_of_speech_id() not in drop:
                        sub = p.normalized_form().strip().lower()
                        if sub and sub != form:
                            out.append(sub)
    return out


# ----------------------------------------------------------------------------- filters

ChunkKind = Literal["prose", "indicator", "cost", "evaluation"]
CHUNK_TYPES: tuple[str, ...] = ("prose", "indicator", "cost", "evaluation")
# Aliases accepted in ``chunk_types``: "figures" = the chunks that state figures in words.
CHUNK_TYPE_GROUPS: dict[str, tuple[str, ...]] = {
    "figures": ("indicator", "cost", "evaluation"),
    "text": ("prose",),
}
Mode = Literal["hybrid", "dense", "bm25"]


def expand_chunk_types(types: Iterable[str] | None) -> list[str] | None:
    if types is None:
        return None
    out: list[str] = []
    for t in [types] if isinstance(types, str) else types:
        for x in CHUNK_TYPE_GROUPS.get(t, (t,)):
            if x not in CHUNK_TYPES:
                known = ", ".join(CHUNK_TYPES + tuple(CHUNK_TYPE_GROUPS))
                raise ValueError(f"unknown chunk type {t!r}; use {known}")
            if x not in out:
                out.append(x)
    return out


@dataclass(frozen=True)
class Filters:
    sheet_ids: list[str] | None = None
    section_keys: list[str] | None = None
    chunk_types: list[str] | None = None

    @property
    def empty_result(self) -> bool:
        """An empty list (not None) admits nothing."""
        return any(v is not None and len(v) == 0 for v in (self.sheet_ids, self.section_keys, self.chunk_types))

    def where(self) -> dict[str, Any] | None:
        """The Chroma ``where`` clause (None when unfiltered)."""
        parts = []
        for key, values in (
            ("sheet_id", self.sheet_ids),
            ("section_key", self.section_keys),
            ("chunk_type", self.chunk_types),
        ):
            if values:
                vals = sorted(set(values))
                parts.append({key: vals[0]} if len(vals) == 1 else {key: {"$in": vals}})
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else {"$and": parts}


def _as_list(v: Iterable[str] | str | None) -> list[str] | None:
    if v is None:
        return None
    return [v] if isinstance(v, str) else list(v)


# ----------------------------------------------------------------------------- snapshot


class _Codes:
    """A metadata column as small integers, for fast masks."""

    def __init__(self, values: Sequence[str | None]) -> None:
        self.index: dict[str | None, int] = {}
        self.codes = np.fromiter(
            (self.index.setdefault(v, len(self.index)) for v in values), dtype=np.int32, count=len(values)
        )

    def mask(self, wanted: Iterable[str]) -> np.ndarray:
        ids = [self.index[w] for w in wanted if w in self.index]
        return np.isin(self.codes, np.asarray(ids, dtype=np.int32))


@dataclass
class Snapshot:
    """What the BM25 leg searches: every chunk of the collection, in id order."""

    fingerprint: str
    ids: list[str]
    documents: list[str]
    metadatas: list[dict[str, Any]]
    bm25: bm25s.BM25 | None
    valid: np.ndarray  # chunk belongs to a sheet the figures store lists
    loaded_from_cache: bool = False
    build_seconds: float = 0.0  # building or loading
    tokenized: int = 0  # texts tokenized for this snapshot (0 when loaded or all reused)
    tokens_by_sha: dict[str, list[str]] | None = None  # kept after a build, to reuse on the next
    position: dict[str, int] = field(default_factory=dict)
    sheets: _Codes = field(init=False)  # the metadata columns, coded in __post_init__
    sections: _Codes = field(init=False)
    types: _Codes = field(init=False)

    def __post_init__(self) -> None:
        self.position = {cid: i for i, cid in enumerate(self.ids)}
        self.sheets = _Codes([str(m.get("sheet_id")) for m in self.metadatas])
        self.sections = _Codes([m.get("section_key") for m in self.metadatas])
        self.types = _Codes([m.get("chunk_type") for m in self.metadatas])

    def __len__(self) -> int:
        return len(self.ids)

    def mask(self, f: Filters) -> np.ndarray:
        m = self.valid.copy()
        if f.sheet_ids is not None:
            m &= self.sheets.mask(f.sheet_ids)
        if f.section_keys is not None:
            m &= self.sections.mask(f.section_keys)
        if f.chunk_types is not None:
            m &= self.types.mask(f.chunk_types)
        return m


def fingerprint(collection_id: str, ids: Iterable[str]) -> str:
    h = hashlib.sha256(f"{TOKENIZER_VERSION}\0{collection_id}\0".encode())
    for cid in sorted(ids):
        h.update(cid.encode())
        h.update(b"\n")
    return h.hexdigest()


def _index_bm25(tokens: list[list[str]]) -> bm25s.BM25 | None:
    import bm25s

    if not tokens:
        return None
    bm = bm25s.BM25(k1=1.5, b=0.75, method="lucene")
    bm.index(tokens, show_progress=False)
    return bm


class _State:
    """Shared by a retriever and its copies (``with_filters``): the collection and the snapshot."""

    def __init__(
        self,
        client: ClientAPI | None,
        collection_name: str | None,
        collection: Collection | None,
        embedding: Any,
        cache_dir: Path | None,
        figures_path: Path | None,
        page_size: int,
    ) -> None:
        self.client = client
        self.collection_name = collection_name
        self.collection = collection
        self.embedding = embedding
        self.cache_dir = cache_dir
        self.figures_path = figures_path
        self.page_size = page_size
        self.lock = threading.RLock()
        self.snapshot: Snapshot | None = None
        self.signature: tuple[Any, ...] | None = None
        self.rebuilds = 0  # snapshots built (not loaded) by this process
        self.loads = 0  # snapshots loaded from the disk cache

    # -------------------------------------------------------------- store access

    def open_collection(self) -> Collection | None:
        if self.collection is None and self.client is not None and self.collection_name:
            from chromadb.errors import NotFoundError

            try:
                ef = self.embedding if _is_chroma_ef(self.embedding) else None
                self.collection = self.client.get_collection(self.collection_name, embedding_function=ef)
            except (NotFoundError, ValueError):
                return None
        return self.collection

    def store_signature(self) -> tuple[Any, ...]:
        """Cheap: changes whenever a build or a removal changed the store."""
        col = self.open_collection()
        count = col.count() if col is not None else -1
        stamps: list[int] = []
        if self.figures_path is not None:
            for suffix in ("", "-wal"):
                try:
                    st = os.stat(f"{self.figures_path}{suffix}")
                    stamps += [st.st_mtime_ns, st.st_size]
                except OSError:
                    stamps += [0, 0]
        return (count, *stamps)

    def indexed_sheets(self) -> set[str] | None:
        """Sheets the figures store lists; None when there is no figures store (no restriction)."""
        if self.figures_path is None or not self.figures_path.exists():
            return None
        from ingest.store import FigureStore

        with FigureStore(self.figures_path, read_only=True) as figures:
            return figures.sheet_ids()

    def _get(self, **kwargs: Any) -> GetResult:
        col = self.collection
        assert col is not None
        return col.get(**kwargs)

    def list_ids(self) -> list[str]:
        ids: list[str] = []
        offset = 0
        while True:
            got = self._get(include=[], limit=self.page_size, offset=offset)
            ids += got["ids"]
            if len(got["ids"]) < self.page_size:
                return ids
            offset += self.page_size

    def fetch(self, ids: list[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        out: dict[str, tuple[str, dict[str, Any]]] = {}
        for start in range(0, len(ids), self.page_size):
            got = self._get(ids=ids[start : start + self.page_size], include=["documents", "metadatas"])
            for cid, doc, meta in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True):
                out[cid] = (doc or "", dict(meta or {}))
        return out

    def fetch_all(self) -> dict[str, tuple[str, dict[str, Any]]]:
        """Every chunk, paged (faster than by ids when most are needed)."""
        out: dict[str, tuple[str, dict[str, Any]]] = {}
        offset = 0
        while True:
            got = self._get(include=["documents", "metadatas"], limit=self.page_size, offset=offset)
            for cid, doc, meta in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True):
                out[cid] = (doc or "", dict(meta or {}))
            if len(got["ids"]) < self.page_size:
                return out
            offset += self.page_size

    # -------------------------------------------------------------- refresh

    def refresh(self, force: bool = False) -> Snapshot:
        """Bring the snapshot up to date with the store (load, reuse or rebuild)."""
        with self.lock:
            signature = self.store_signature()
            if self.snapshot is not None and not force and signature == self.signature:
                return self.snapshot
            started = time.perf_counter()
            old = self.snapshot
            col = self.open_collection()
            valid_sheets = self.indexed_sheets()
            if col is None:
                snap = Snapshot("", [], [], [], None, np.zeros(0, bool))
            else:
                ids = sorted(set(self.list_ids()))
                fp = fingerprint(str(col.id), ids)
                if old is not None and old.fingerprint == fp and not force:
                    snap = old
                    snap.valid = _valid(snap.metadatas, valid_sheets)
                else:
                    snap = (None if force else self._load(fp, valid_sheets)) or self._build(
                        str(col.id), ids, valid_sheets
                    )
            if snap is not old:
                snap.build_seconds = time.perf_counter() - started
                settle()  # the snapshot lives until the store changes
            self.snapshot = snap
            self.signature = signature
            return snap

    def _cache_path(self, fp: str) -> Path | None:
        return None if self.cache_dir is None else self.cache_dir / fp[:32]

    def _load(self, fp: str, valid_sheets: set[str] | None) -> Snapshot | None:
        path = self._cache_path(fp)
        if path is None or not (path / "chunks.json").is_file():
            return None
        import bm25s

        try:
            data = json.loads((path / "chunks.json").read_text(encoding="utf-8"))
            if data.get("fingerprint") != fp:
                return None
            bm = bm25s.BM25.load(str(path), mmap=False, show_progress=False, verbosity=0) if data["ids"] else None
        except (OSError, ValueError, KeyError):
            return None  # damaged or half-pruned by another process: rebuild
        self.loads += 1
        return Snapshot(
            fp, data["ids"], data["documents"], data["metadatas"], bm,
            _valid(data["metadatas"], valid_sheets), loaded_from_cache=True,
        )

    def _previous(self) -> tuple[dict[str, tuple[str, dict[str, Any]]], dict[str, list[str]]]:
        """What an earlier snapshot holds: chunks by id, tokens by text_sha.

        From memory, else from the newest cache on disk (a process starting after a build).
        Chunk ids derive from the content, so a chunk with a known id is the same chunk.
        """
        old = self.snapshot
        chunks: dict[str, tuple[str, dict[str, Any]]] = {}
        if old is not None:
            chunks = {cid: (old.documents[i], old.metadatas[i]) for cid, i in old.position.items()}
            if old.tokens_by_sha is not None:
                return chunks, old.tokens_by_sha
        if self.cache_dir is None or not self.cache_dir.is_dir():
            return chunks, {}
        dirs: list[Path] = []
        if old is not None and old.fingerprint:
            dirs.append(self.cache_dir / old.fingerprint[:32])
        dirs += sorted(
            (p for p in self.cache_dir.iterdir() if p.is_dir() and not p.name.startswith(".")),
            key=lambda p: p.stat().st_mtime_ns,
            reverse=True,
        )
        for d in dirs:
            try:
                data = json.loads((d / "tokens.json").read_text(encoding="utf-8"))
                if data.get("tokenizer") != TOKENIZER_VERSION:
                    continue
                tokens = {k: v.split("\t") if v else [] for k, v in data["tokens"].items()}
                if not chunks:
                    got = json.loads((d / "chunks.json").read_text(encoding="utf-8"))
                    chunks = {
                        cid: (doc, meta)
                        for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
                    }
                return chunks, tokens
            except (OSError, ValueError, KeyError, AttributeError, TypeError):
                continue
        return chunks, {}

    def _build(self, collection_id: str, ids: list[str], valid_sheets: set[str] | None) -> Snapshot:
        known_chunks, known = self._previous()
        keep = set(ids)
        have = {cid: v for cid, v in known_chunks.items() if cid in keep}
        missing = [cid for cid in ids if cid not in have]
        have.update(self.fetch_all() if len(missing) > len(ids) // 2 else self.fetch(missing))
        if lost := [cid for cid in ids if cid not in have]:
            have.update(self.fetch(lost))  # a page that moved under a concurrent write
        ids = [cid for cid in ids if cid in have]  # a chunk deleted meanwhile
        fp = fingerprint(collection_id, ids)
        documents = [have[cid][0] for cid in ids]
        metadatas = [have[cid][1] for cid in ids]
        tokens_by_sha: dict[str, list[str]] = {}
        tokens: list[list[str]] = []
        fresh = 0
        for doc, meta in zip(documents, metadatas, strict=True):
            sha = str(meta.get("text_sha") or text_sha(doc))
            toks = tokens_by_sha.get(sha)
            if toks is None:
                toks = known.get(sha)
                if toks is None:
                    toks = tokenize(doc)
                    fresh += 1
                tokens_by_sha[sha] = toks
            tokens.append(toks)
        bm = _index_bm25(tokens)
        self.rebuilds += 1
        snap = Snapshot(
            fp, ids, documents, metadatas, bm, _valid(metadatas, valid_sheets),
            tokenized=fresh, tokens_by_sha=tokens_by_sha,
        )
        self._save(snap, tokens_by_sha)
        return snap

    def _save(self, snap: Snapshot, tokens_by_sha: dict[str, list[str]]) -> None:
        final = self._cache_path(snap.fingerprint)
        if final is None or self.cache_dir is None:
            return
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=self.cache_dir))
            try:
                if snap.bm25 is not None:
                    snap.bm25.save(str(tmp), show_progress=False)
                # tokens first: chunks.json's presence marks a complete folder
                flat = {k: "\t".join(v) for k, v in tokens_by_sha.items()}
                (tmp / "tokens.json").write_text(
                    json.dumps({"tokenizer": TOKENIZER_VERSION, "tokens": flat}, ensure_ascii=False),
                    encoding="utf-8",
                )
                (tmp / "chunks.json").write_text(
                    json.dumps(
                        {
                            "fingerprint": snap.fingerprint,
                            "tokenizer": TOKENIZER_VERSION,
                            "ids": snap.ids,
                            "documents": snap.documents,
                            "metadatas": snap.metadatas,
                        },
                        ensure_ascii=False,
                    ),
                    encoding="utf-8",
                )
                if final.exists():
                    shutil.rmtree(final, ignore_errors=True)
                try:
                    tmp.rename(final)
                except OSError:
                    pass  # another process saved the same fingerprint first
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
            self._prune(keep=final)
        except OSError:
            pass  # a read-only store still answers; it just rebuilds next time

    def _prune(self, keep: Path, spare: int = 1) -> None:
        """Drop old caches, keeping ``keep`` and the ``spare`` newest others (another process's)."""
        assert self.cache_dir is not None
        others = sorted(
            (p for p in self.cache_dir.iterdir() if p.is_dir() and p != keep and not p.name.startswith(".")),
            key=lambda p: p.stat().st_mtime_ns,
            reverse=True,
        )
        for p in others[spare:]:
            shutil.rmtree(p, ignore_errors=True)


def _valid(metadatas: list[dict[str, Any]], sheets: set[str] | None) -> np.ndarray:
    if sheets is None:
        return np.ones(len(metadatas), dtype=bool)
    return np.fromiter((str(m.get("sheet_id")) in sheets for m in metadatas), dtype=bool, count=len(metadatas))


_threads_lock = threading.Lock()


@contextmanager
def _torch_threads(n: int | None) -> Iterator[None]:
    """Run the block with ``n`` torch intra-op threads, then restore the previous count."""
    torch = sys.modules.get("torch")
    if n is None or torch is None:
        yield
        return
    with _threads_lock:
        before = torch.get_num_threads()
        if before != n:
            torch.set_num_threads(n)
        try:
            yield
        finally:
            if before != n:
                torch.set_num_threads(before)


def _is_chroma_ef(embedding: Any) -> bool:
    from ingest.vectors import E5Embedding

    return isinstance(embedding, E5Embedding)


# ----------------------------------------------------------------------------- retriever


@dataclass(frozen=True)
class Hit:
    """One leg's candidate."""

    id: str
    rank: int  # 1-based
    value: float  # cosine distance (dense) or BM25 score


class HybridRetriever(BaseRetriever):
    """Chroma dense search + BM25 over Sudachi tokens, fused by reciprocal rank.

    Build one with :meth:`for_settings`. Filters and ``k`` are fields (defaults for every call;
    :meth:`with_filters` gives a configured copy sharing the same index) and can also be passed
    per call: ``retriever.invoke(q, k=3, sheet_ids=[...], section_keys=[...],
    chunk_types=["prose"])``. ``chunk_types`` takes ``prose``, ``indicator``, ``cost``,
    ``evaluation`` and the groups ``figures`` (indicator + cost + evaluation) and ``text``
    (prose). ``None`` means no filter; an empty list matches nothing.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    k: int = Field(8, ge=1, description="chunks returned")
    fetch_k: int = Field(50, ge=1, description="candidates each leg contributes to the fusion")
    rrf_k: int = Field(60, ge=1, description="reciprocal-rank fusion constant")
    mode: Mode = Field("hybrid", description="hybrid, or one leg alone (dense / bm25) for comparisons")
    sheet_ids: list[str] | None = None
    section_keys: list[str] | None = None
    chunk_types: list[str] | None = None
    auto_refresh: bool = Field(True, description="check for store changes before each query")
    query_threads: int | None = Field(
        1,
        ge=1,
        description="torch threads while embedding a question (None: leave torch's setting). One "
        "short text gains nothing from a second thread, and on a busy 2-core machine two threads "
        "wait on each other: p95 ~2 s instead of ~0.2 s (measured)",
    )

    _state: _State = PrivateAttr()

    @field_validator("chunk_types", mode="before")
    @classmethod
    def _check_types(cls, v: Any) -> list[str] | None:
        return expand_chunk_types(v)

    # -------------------------------------------------------------- construction

    @classmethod
    def for_settings(
        cls,
        settings: Settings | None = None,
        *,
        embedding: Any = None,
        client: ClientAPI | None = None,
        **fields: Any,
    ) -> HybridRetriever:
        """Open the store's Chroma (embedded or HTTP), load the model once, load or build BM25.

        ``embedding``: an :class:`ingest.vectors.E5Embedding` or any LangChain ``Embeddings``
        (default: the e5 model from ``settings.model_dir``, loaded now). ``fields``: the
        retriever's fields (``k``, filters, …).
        """
        from ingest.vectors import E5Embedding, make_client

        settings = settings or Settings()
        if embedding is None:
            embedding = E5Embedding(settings=settings)
        if isinstance(embedding, E5Embedding):
            _ = embedding.embeddings  # load the model now, not on the first question
        client = client or make_client(settings)
        page = max(1, min(5000, client.get_max_batch_size()))
        state = _State(
            client, settings.chroma.collection, None, embedding,
            settings.home / "bm25", settings.sqlite_path, page,
        )
        return cls._with_state(state, **fields)

    @classmethod
    def from_collection(
        cls,
        collection: Collection,
        embedding: Any,
        *,
        cache_dir: Path | None = None,
        figures_path: Path | None = None,
        **fields: Any,
    ) -> HybridRetriever:
        """Over an open collection (no figures store unless ``figures_path``; no disk cache unless
        ``cache_dir``)."""
        state = _State(None, None, collection, embedding, cache_dir, figures_path, 5000)
        return cls._with_state(state, **fields)

    @classmethod
    def _with_state(cls, state: _State, **fields: Any) -> HybridRetriever:
        self = cls(**fields)
        self._state = state
        state.refresh()
        return self

    def with_filters(self, **fields: Any) -> HybridRetriever:
        """A copy with other defaults (k, filters, mode); shares the index and the model."""
        checked = type(self).model_validate({**self.model_dump(), **fields})
        checked._state = self._state
        return checked

    # -------------------------------------------------------------- state

    @property
    def snapshot(self) -> Snapshot:
        snap = self._state.snapshot
        assert snap is not None
        return snap

    @property
    def loaded_from_cache(self) -> bool:
        """The current BM25 index came from the disk cache (not tokenized in this process)."""
        return self.snapshot.loaded_from_cache

    @property
    def rebuilds(self) -> int:
        return self._state.rebuilds

    def refresh(self, force: bool = False) -> Snapshot:
        """Pick up store changes now (``force``: rebuild the BM25 index, ignoring the disk cache)."""
        return self._state.refresh(force)

    # -------------------------------------------------------------- legs

    def _filters(self, sheet_ids: Any, section_keys: Any, chunk_types: Any) -> Filters:
        return Filters(
            _as_list(sheet_ids) if sheet_ids is not ... else self.sheet_ids,
            _as_list(section_keys) if section_keys is not ... else self.section_keys,
            expand_chunk_types(chunk_types) if chunk_types is not ... else self.chunk_types,
        )

    def embed_query(self, query: str) -> list[float]:
        """The question's e5 vector (``query: `` prompt)."""
        emb = self._state.embedding
        with _torch_threads(self.query_threads):
            if _is_chroma_ef(emb):
                return list(emb.embed_query([query])[0])
            return list(emb.embed_query(query))

    def embed_passages(self, texts: list[str]) -> list[list[float]]:
        """e5 vectors of short texts as passages (``passage: `` prompt): names to link questions to."""
        emb = self._state.embedding
        with _torch_threads(self.query_threads):
            return [list(v) for v in emb.embed_documents(list(texts))]

    def dense(self, query: str, filters: Filters, n: int, snap: Snapshot | None = None) -> list[Hit]:
        """Nearest chunks by the e5 vectors (cosine distance), filtered in Chroma."""
        snap = snap or self.snapshot
        col = self._state.open_collection()
        if col is None or filters.empty_result or not len(snap):
            return []
        got = col.query(
            query_embeddings=[self.embed_query(query)],  # type: ignore[arg-type]  # chromadb: list[list[float]] is fine, the stub is invariant
            n_results=min(n, len(snap)),
            where=filters.where(),
            include=["distances"],  # texts and metadata come from the snapshot: ~15 ms less
        )
        distances = got["distances"]
        assert distances is not None  # include=["distances"]
        hits: list[Hit] = []
        for cid, dist in zip(got["ids"][0], distances[0], strict=True):
            pos = snap.position.get(cid)
            if pos is None or not snap.valid[pos]:
                continue  # an uncommitted build's chunk (or newer than this snapshot)
            hits.append(Hit(cid, len(hits) + 1, float(dist)))
        return hits

    def keyword(self, query: str, filters: Filters, n: int, snap: Snapshot | None = None) -> list[Hit]:
        """BM25 over Sudachi tokens; filters as a weight mask. Only chunks sharing a token."""
        snap = snap or self.snapshot
        bm = snap.bm25
        if bm is None or filters.empty_result:
            return []
        vocab = bm.vocab_dict
        token_ids = sorted({vocab[t] for t in tokenize(query) if t in vocab})
        if not token_ids:
            return []
        mask = snap.mask(filters)
        scores = bm.get_scores_from_ids(token_ids, weight_mask=mask.astype(np.float32))
        nz = np.flatnonzero(scores > 0)
        if len(nz) > n:
            nz = nz[np.argpartition(-scores[nz], n - 1)[:n]]
        order = nz[np.lexsort((nz, -scores[nz]))]  # score desc, then id order: deterministic
        return [Hit(snap.ids[i], r + 1, float(scores[i])) for r, i in enumerate(order.tolist())]

    # -------------------------------------------------------------- search

    def search(
        self,
        query: str,
        k: int | None = None,
        *,
        sheet_ids: Iterable[str] | str | None | EllipsisType = ...,  # ... (left out): the retriever's own
        section_keys: Iterable[str] | str | None | EllipsisType = ...,
        chunk_types: Iterable[str] | str | None | EllipsisType = ...,
        mode: Mode | None = None,
        fetch_k: int | None = None,
    ) -> list[Document]:
        """The fused top ``k``. Filter arguments left out use the retriever's own."""
        k = k or self.k
        mode = mode or self.mode
        if mode not in ("hybrid", "dense", "bm25"):
            raise ValueError(f"mode must be hybrid, dense or bm25, not {mode!r}")
        n = max(fetch_k or self.fetch_k, k)
        filters = self._filters(sheet_ids, section_keys, chunk_types)
        snap = self._state.refresh() if self.auto_refresh else self.snapshot
        if not query.strip() or filters.empty_result:
            return []
        dense = self.dense(query, filters, n, snap) if mode in ("hybrid", "dense") else []
        bm25 = self.keyword(query, filters, n, snap) if mode in ("hybrid", "bm25") else []
        return self._fuse(dense, bm25, k, snap)

    def _fuse(self, dense: list[Hit], bm25: list[Hit], k: int, snap: Snapshot) -> list[Document]:
        by_id: dict[str, dict[str, Any]] = {}
        for leg, hits in (("dense", dense), ("bm25", bm25)):
            for h in hits:
                e = by_id.setdefault(h.id, {"score": 0.0, "dense": None, "bm25": None})
                e["score"] += 1.0 / (self.rrf_k + h.rank)
                e[leg] = h
        best = sorted(
            by_id.items(),
            key=lambda kv: (
                -kv[1]["score"],
                min(h.rank for h in (kv[1]["dense"], kv[1]["bm25"]) if h is not None),
                kv[0],
            ),
        )[:k]
        docs = []
        for cid, e in best:
            d: Hit | None = e["dense"]
            b: Hit | None = e["bm25"]
            pos = snap.position[cid]
            text = snap.documents[pos]
            meta = dict(snap.metadatas[pos])
            meta.update(
                chunk_id=cid,
                score=e["score"],
                dense_rank=d.rank if d else None,
                bm25_rank=b.rank if b else None,
                dense_distance=d.value if d else None,
                bm25_score=b.value if b else None,
            )
            docs.append(Document(page_content=text, metadata=meta, id=cid))
        return docs

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None,
        sheet_ids: Iterable[str] | str | None | EllipsisType = ...,  # ... (left out): the retriever's own
        section_keys: Iterable[str] | str | None | EllipsisType = ...,
        chunk_types: Iterable[str] | str | None | EllipsisType = ...,
        mode: Mode | None = None,
        **kwargs: Any,
    ) -> list[Document]:
        unknown = set(kwargs) - {"verbose"}
        if unknown:
            raise TypeError(f"unknown retriever arguments: {', '.join(sorted(unknown))}")
        return self.search(
            query, k, sheet_ids=sheet_ids, section_keys=section_keys, chunk_types=chunk_types, mode=mode
        )


Retriever = HybridRetriever
