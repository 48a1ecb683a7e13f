"""The chunk vectors in Chroma: embedded (``<store>/chroma``) or a ``chroma run`` server.

The collection uses cosine space and an explicit embedding function, :class:`E5Embedding`, so
Chroma never falls back to its default model (which it would try to download). Documents go in
with the e5 ``passage: `` prompt, queries with ``query: ``.

Ids derive from content (:func:`ingest.chunk.chunk_id`) and writes are upserts, so repeating a
write is harmless; :meth:`VectorStore.upsert` only embeds chunks whose id is not there yet, which
makes redoing a half-finished sheet cheap. Every call stays under the client's
``get_max_batch_size()``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ingest.chunk import Chunk
from ingest.settings import Settings

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection
    from langchain_core.embeddings import Embeddings

# Chroma's telemetry would try the network on every client start.
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

EMBEDDING_NAME = "sheetqa-e5"
MODEL_NAME = "multilingual-e5-small"

from chromadb.api.types import Documents, EmbeddingFunction  # noqa: E402  (after the env defaults)
from chromadb.utils.embedding_functions import register_embedding_function  # noqa: E402


@register_embedding_function
class E5Embedding(EmbeddingFunction[Documents]):
    """Chroma embedding function over the LangChain e5 embeddings (passage/query prompts).

    Registered under ``sheetqa-e5``, so a process that imports this module can open the
    collection and Chroma rebuilds the function from the stored config; the model then loads
    lazily from ``Settings().model_dir`` on first use. It also counts and times its calls
    (``calls``, ``texts``, ``seconds``), which the build report and the tests read.
    """

    def __init__(self, embeddings: Embeddings | None = None, settings: Settings | None = None) -> None:
        self._embeddings = embeddings
        self._settings = settings
        self.calls = 0
        self.texts = 0
        self.seconds = 0.0  # inside embed_documents, model loading excluded
        self.load_seconds = 0.0

    @property
    def loaded(self) -> bool:
        return self._embeddings is not None

    @property
    def embeddings(self) -> Embeddings:
        """The LangChain embeddings; loads the model on first use (a no-op rebuild never does)."""
        if self._embeddings is None:
            from transformers.utils import logging as hf_logging

            from ingest.embed import load_embeddings

            # "Loading weights" bars would cut through our report (transformers leaves it unannotated)
            hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
            started = time.perf_counter()
            settings = self._settings or Settings()
            self._embeddings = load_embeddings(
                settings.model_dir, settings.models.device, settings.models.batch_size
            )
            self.load_seconds += time.perf_counter() - started
        return self._embeddings

    def __call__(self, input: Documents) -> list[Any]:  # noqa: A002  (Chroma's parameter name)
        return self.embed_documents(list(input))

    def embed_documents(self, texts: list[str]) -> list[Any]:
        if not texts:
            return []
        model = self.embeddings
        started = time.perf_counter()
        vectors = model.embed_documents(texts)
        self.seconds += time.perf_counter() - started
        self.calls += 1
        self.texts += len(texts)
        return vectors

    def embed_query(self, input: Documents) -> list[Any]:  # noqa: A002
        return [self.embeddings.embed_query(t) for t in input]

    @staticmethod
    def name() -> str:
        return EMBEDDING_NAME

    def get_config(self) -> dict[str, Any]:
        # No paths: the same collection may be read on another machine (server mode).
        return {"model": MODEL_NAME, "document_prompt": "passage: ", "query_prompt": "query: "}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> E5Embedding:
        return E5Embedding()

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def supported_spaces(self) -> list[str]:  # type: ignore[override]
        return ["cosine"]


@dataclass(frozen=True)
class WritePlan:
    """What one sheet's write needs: chunks to embed and add, stored ids to delete."""

    sheet_id: str
    todo: list[Chunk]
    stale: list[str]

    @staticmethod
    def merge(plans: Sequence[WritePlan]) -> WritePlan:
        """Several sheets' plans as one write (``sheet_id`` is then only a label)."""
        return WritePlan(
            ",".join(p.sheet_id for p in plans),
            [c for p in plans for c in p.todo],
            [i for p in plans for i in p.stale],
        )


@dataclass(frozen=True)
class UpsertStats:
    chunks: int  # chunks the sheet has
    embedded: int  # of them, newly embedded and written
    deleted: int  # stale chunks of the same sheet removed


def make_client(settings: Settings) -> ClientAPI:
    """PersistentClient under the store, or HttpClient when a Chroma host is configured."""
    import chromadb
    from chromadb.config import Settings as ChromaClientSettings

    client_settings = ChromaClientSettings(anonymized_telemetry=False)
    if settings.chroma.host:
        return chromadb.HttpClient(
            host=settings.chroma.host,
            port=settings.chroma.port,
            ssl=settings.chroma.ssl,
            settings=client_settings,
        )
    if not (settings.chroma_path / "chroma.sqlite3").exists():
        _forget_client(str(settings.chroma_path))
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=client_settings)


def _forget_client(path: str) -> None:
    """Chroma keeps one client per folder for the process's life; when the folder was deleted
    under it (a damaged store being repaired), that client writes to files that are gone. Drop it,
    so the next client starts on the folder as it is."""
    try:
        from chromadb.api.shared_system_client import SharedSystemClient

        system = SharedSystemClient._identifier_to_system.pop(path, None)
        SharedSystemClient._identifier_to_refcount.pop(path, None)
        if system is not None:
            system.stop()
    except Exception:  # another Chroma version: nothing cached to drop, or nothing we can do
        pass


class VectorStore:
    """The chunk collection. ``embedding`` defaults to the e5 model from the settings' cache."""

    def __init__(
        self, settings: Settings, embedding: E5Embedding | None = None, create: bool = True
    ) -> None:
        self.settings = settings
        self.embedding = embedding or E5Embedding(settings=settings)
        self.client = make_client(settings)
        name = settings.chroma.collection
        if create:
            self.collection: Collection = self.client.get_or_create_collection(
                name,
                embedding_function=self.embedding,  # type: ignore[arg-type]
                configuration={"hnsw": {"space": "cosine"}},
                metadata={"embedding_model": MODEL_NAME, "app": "sheetqa"},
            )
        else:
            self.collection = self.client.get_collection(
                name, embedding_function=self.embedding  # type: ignore[arg-type]
            )
        # the server's limit, and ours, whichever is smaller
        self.batch_size = max(1, min(settings.index.batch_size, self.client.get_max_batch_size()))

    # ------------------------------------------------------------------ write

    def ids_of(self, sheet_id: str) -> set[str]:
        """Ids of every chunk of ``sheet_id`` now in the collection (paged under the batch limit)."""
        ids: set[str] = set()
        offset = 0
        while True:
            got = self.collection.get(
                where={"sheet_id": sheet_id}, include=[], limit=self.batch_size, offset=offset
            )
            ids.update(got["ids"])
            if len(got["ids"]) < self.batch_size:
                return ids
            offset += self.batch_size

    def keys_of(self, sheet_id: str) -> dict[str, str]:
        """Every stored chunk of ``sheet_id`` by its key within the sheet (``cost:2024`` …) → its id."""
        found: dict[str, str] = {}
        offset = 0
        while True:
            got = self.collection.get(
                where={"sheet_id": sheet_id}, include=["metadatas"], limit=self.batch_size, offset=offset
            )
            for cid, meta in zip(got["ids"], got["metadatas"] or [], strict=True):
                found[str((meta or {}).get("key", cid))] = cid
            if len(got["ids"]) < self.batch_size:
                return found
            offset += self.batch_size

    def plan(self, sheet_id: str, chunks: Sequence[Chunk]) -> WritePlan:
        """Compare with what is stored: chunks whose id is there already need no embedding."""
        have = self.ids_of(sheet_id)
        wanted = {c.id for c in chunks}
        return WritePlan(sheet_id, [c for c in chunks if c.id not in have], sorted(have - wanted))

    def stored_vectors(self, vector_shas: Sequence[str]) -> dict[str, Any]:
        """Vectors already stored for these embedded texts (any sheet), by ``vector_sha``.

        A replaced sheet mostly repeats the text of the version it replaces, and a project's
        sheets repeat paragraphs from year to year; those vectors are copied, not recomputed.
        """
        found: dict[str, Any] = {}
        wanted = sorted(set(vector_shas))
        step = max(1, min(self.batch_size, 500))  # a bounded $in list per query
        for start in range(0, len(wanted), step):
            where: dict[str, Any] = {"vector_sha": {"$in": wanted[start : start + step]}}
            got = self.collection.get(where=where, include=["metadatas", "embeddings"])
            embeddings = got["embeddings"]
            if embeddings is None:
                continue
            for meta, vector in zip(got["metadatas"] or [], embeddings, strict=True):
                if meta and meta.get("vector_sha") not in found:
                    found[str(meta["vector_sha"])] = vector
        return found

    def apply(self, plan: WritePlan, embeddings: Sequence[Any]) -> None:
        """Write a plan's chunks with their (already computed) embeddings; delete its stale ids.

        Each Chroma call costs ~0.1 s whatever its size (a log write and an index update), so
        callers merge the plans of many sheets (:meth:`WritePlan.merge`) into as few calls as
        the batch limit allows.
        """
        if len(embeddings) != len(plan.todo):
            raise ValueError(f"{len(plan.todo)} chunks but {len(embeddings)} embeddings")
        # one dtype for fresh (lists) and copied (arrays) vectors: Chroma wants them uniform
        matrix = np.asarray(embeddings, dtype=np.float32) if plan.todo else np.zeros((0, 0), np.float32)
        for start in range(0, len(plan.todo), self.batch_size):
            batch = plan.todo[start : start + self.batch_size]
            self.collection.upsert(
                ids=[c.id for c in batch],
                documents=[c.text for c in batch],
                metadatas=[dict(c.metadata) for c in batch],
                embeddings=matrix[start : start + self.batch_size],
            )
        for start in range(0, len(plan.stale), self.batch_size):
            self.collection.delete(ids=plan.stale[start : start + self.batch_size])

    def upsert(self, sheet_id: str, chunks: Sequence[Chunk]) -> UpsertStats:
        """Make the collection hold exactly ``chunks`` for ``sheet_id``.

        Chunks already stored under the same id (same sheet content, same text) are not embedded
        again; chunks of the sheet that are no longer produced are deleted.
        """
        plan = self.plan(sheet_id, chunks)
        self.apply(plan, self.embedding.embed_documents([c.embed_text for c in plan.todo]))
        return UpsertStats(chunks=len(chunks), embedded=len(plan.todo), deleted=len(plan.stale))

    def delete_sheet(self, sheet_id: str) -> int:
        """Delete every chunk of a sheet. Returns how many there were."""
        ids = sorted(self.ids_of(sheet_id))
        for start in range(0, len(ids), self.batch_size):
            self.collection.delete(ids=ids[start : start + self.batch_size])
        return len(ids)

    # ------------------------------------------------------------------ read

    def count(self) -> int:
        return self.collection.count()

    def sheet_ids(self) -> set[str]:
        """Distinct sheet ids present in the collection (a full scan: for checks and tests)."""
        found: set[str] = set()
        offset = 0
        while True:
            got = self.collection.get(include=["metadatas"], limit=self.batch_size, offset=offset)
            found.update(str(m["sheet_id"]) for m in got["metadatas"] or [] if m)
            if len(got["ids"]) < self.batch_size:
                return found
            offset += self.batch_size

    def query(
        self, text: str, k: int = 8, where: dict[str, Any] | None = None
    ) -> list[tuple[str, str, dict[str, Any], float]]:
        """Nearest chunks to a question: (id, document, metadata, cosine distance), best first."""
        got = self.collection.query(
            query_embeddings=self.embedding.embed_query([text]),
            n_results=k,
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        docs, metas, dists = got["documents"], got["metadatas"], got["distances"]
        assert docs is not None and metas is not None and dists is not None  # include= asks for them
        return [
            (i, d, dict(m or {}), float(s))
            for i, d, m, s in zip(got["ids"][0], docs[0], metas[0], dists[0], strict=True)
        ]
