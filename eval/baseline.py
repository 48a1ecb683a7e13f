"""The baseline: the textbook RAG pipeline a newcomer would build over the same sheets.

raw sheet text → ``RecursiveCharacterTextSplitter`` chunks → the same e5 embedding model
(``ingest.embed.load_embeddings``, with its ``passage: ``/``query: `` prompts) → a Chroma collection
of its own (``langchain_chroma.Chroma``) → top-4 similarity search → an answer.

* Without an LLM, the "answer" is the retrieved context: the four chunks, joined. Graded like any
  answer, "numbers right" then means every gold number is somewhere in the context, which is an
  upper bound for what any reader of that context could get right.
* With a chat model, the model answers from that context with the standard RAG prompt (LangChain's
  ``rlm/rag-prompt``: "use the following pieces of retrieved context … if you don't know the
  answer, just say that you don't know").

Honest by construction: the same files (decoded by ``ingest.readers.read_document``, the byte →
text step only: encoding detection, a PDF's text layer; nothing of our parser), the same
questions, no templates, no figures table, no section keys. It says "declined"
(``answerable: false``) only when it has nothing: no chunk retrieved, or — with an LLM — a reply
that says it does not know. Without an LLM it therefore never declines, and the comparison
counts that as it is.

Each retrieved chunk is one :class:`~assistant.answer.Citation` whose ``sheet_id`` is the source
file's path and whose ``quote`` is the chunk text: the chunks are verbatim substrings of the
file's text, so ``eval.metrics`` checks them against that text like any other quote.

Follow-up questions: a plain RAG has no resolver for 「その前年は？」; the baseline's retrieval
query is the conversation's earlier questions and this one, joined (the cheapest history-aware
retriever; it only helps the baseline).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

K = 4
COLLECTION = "baseline"
STAMP = "baseline-stamp.json"
SECTION = "retrieved chunk"
# LangChain's rlm/rag-prompt, word for word, as one user message.
RAG_PROMPT = (
    "You are an assistant for question-answering tasks. Use the following pieces of retrieved context "
    "to answer the question. If you don't know the answer, just say that you don't know. Use three "
    "sentences maximum and keep the answer concise.\n"
    "Question: {question} \nContext: {context} \nAnswer:"
)
# A reply that says it does not know is the baseline's decline (it was told to say exactly that).
DONT_KNOW = ("don't know", "do not know", "i'm not sure", "cannot answer", "can't answer",
             "わかりません", "分かりません", "わからない", "分からない", "不明です", "記載がありません",
             "記載されていません", "情報がありません", "含まれていません", "答えられません")


def _answer_model() -> tuple[Any, Any]:
    from assistant.answer import Answer, Citation

    return Answer, Citation


@dataclass(frozen=True)
class Chunk:
    text: str
    source: str  # the file's path
    start: int  # where the chunk starts in the file's text


def read_text(path: str | Path) -> str:
    """The file's text as a newcomer's loader gives it (decoding only; no parsing)."""
    from ingest.readers import read_document

    return read_document(path).text


def split(texts: dict[str, str], size: int, overlap: int) -> list[Chunk]:
    """``RecursiveCharacterTextSplitter`` chunks of every file, with their source and offset."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=size, chunk_overlap=overlap, add_start_index=True)
    out: list[Chunk] = []
    for source, text in texts.items():
        for doc in splitter.create_documents([text], metadatas=[{"source": source}]):
            out.append(Chunk(doc.page_content, source, int(doc.metadata.get("start_index", -1))))
    return out


def _fingerprint(files: Sequence[Path], size: int, overlap: int, model_dir: Path) -> dict:
    return {
        "size": size,
        "overlap": overlap,
        "k": K,
        "model": str(Path(model_dir).resolve()),
        "files": {str(Path(f).resolve()): hashlib.sha256(Path(f).read_bytes()).hexdigest() for f in files},
    }


class Baseline:
    """A plain RAG over ``files``: its own Chroma folder under ``home``. Build once, ask many times."""

    def __init__(self, store: Any, texts: dict[str, str], chat_model: Any | None = None, k: int = K,
                 chunks: int = 0, build_seconds: float = 0.0, built: bool = True) -> None:
        self.store = store  # langchain_chroma.Chroma
        self.texts = texts  # source path → the text its chunks come from
        self.chat_model = chat_model
        self.k = k
        self.chunks = chunks
        self.build_seconds = build_seconds
        self.built = built

    @classmethod
    def build(
        cls,
        files: Iterable[str | Path],
        home: str | Path,
        model_dir: str | Path | None = None,
        embeddings: Any | None = None,
        size: int = 400,
        overlap: int = 80,
        chat_model: Any | None = None,
        k: int = K,
        say: Callable[[str], None] = lambda _: None,
    ) -> Baseline:
        """Index ``files`` into ``home`` (reused as it is when the files and settings are the same).

        ``embeddings``: a LangChain ``Embeddings`` (default ``load_embeddings(model_dir)``: the e5
        model ours uses). ``size``/``overlap``: the splitter's, in characters.
        """
        from langchain_chroma import Chroma

        paths = [Path(f) for f in files]
        home = Path(home)
        if embeddings is None:
            if model_dir is None:
                raise ValueError("give embeddings or model_dir")
            from ingest.embed import load_embeddings

            embeddings = load_embeddings(Path(model_dir))
        texts = {str(f.resolve()): read_text(f) for f in paths}
        stamp = _fingerprint(paths, size, overlap, Path(model_dir) if model_dir else Path("-"))
        stamp_path = home / STAMP
        t0 = time.perf_counter()
        old = None
        if stamp_path.exists():
            try:
                old = json.loads(stamp_path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                old = None
        persist = home / "chroma"
        if old is not None and {k: v for k, v in old.items() if k != "chunks"} == stamp and persist.exists():
            store = Chroma(collection_name=COLLECTION, embedding_function=embeddings,
                           persist_directory=str(persist))
            return cls(store, texts, chat_model, k, chunks=old.get("chunks", 0), built=False,
                       build_seconds=time.perf_counter() - t0)
        shutil.rmtree(persist, ignore_errors=True)
        stamp_path.unlink(missing_ok=True)
        home.mkdir(parents=True, exist_ok=True)
        chunks = split(texts, size, overlap)
        say(f"building the baseline's Chroma collection {persist} ({len(paths)} files, {len(chunks)} chunks) …")
        store = Chroma(collection_name=COLLECTION, embedding_function=embeddings, persist_directory=str(persist))
        ids = [f"{hashlib.sha1(c.source.encode()).hexdigest()[:12]}-{i}" for i, c in enumerate(chunks)]
        store.add_texts([c.text for c in chunks], metadatas=[{"source": c.source, "start": c.start} for c in chunks],
                        ids=ids)
        stamp_path.write_text(json.dumps({**stamp, "chunks": len(chunks)}, ensure_ascii=False, indent=1),
                              encoding="utf-8")
        return cls(store, texts, chat_model, k, chunks=len(chunks), build_seconds=time.perf_counter() - t0)

    # ── asking ────────────────────────────────────────────────────────────────────────────

    def retrieve(self, query: str) -> list[tuple[str, str]]:
        """The top-k chunks for ``query``: (source path, chunk text), best first."""
        docs = self.store.similarity_search(query, k=self.k)
        return [(d.metadata.get("source", ""), d.page_content) for d in docs]

    def ask(self, question: str, history: Sequence[Any] | None = None) -> Any:
        """An :class:`~assistant.answer.Answer`: the context (no LLM) or the LLM's reply from it."""
        Answer, Citation = _answer_model()
        earlier = [getattr(t, "question", t) for t in (history or [])]
        query = "\n".join([*map(str, earlier), question])
        hits = self.retrieve(query)
        citations = [Citation(sheet_id=src, section=SECTION, quote=text) for src, text in hits]
        if not hits:
            return Answer(question=question, answer="(no context retrieved)", answerable=False)
        context = "\n\n".join(text for _, text in hits)
        if self.chat_model is None:
            return Answer(question=question, answer=context, citations=citations)
        from langchain_core.messages import HumanMessage

        try:
            reply = self.chat_model.invoke([HumanMessage(content=RAG_PROMPT.format(question=question,
                                                                                   context=context))])
            text = (reply.text if hasattr(reply, "text") else str(reply)).strip()
        except Exception as exc:  # a failed call is an empty answer, not a crash of the comparison
            text = f"(LLM error: {type(exc).__name__}: {exc})"
        return Answer(question=question, answer=text, answerable=not says_dont_know(text),
                      citations=citations, mode="llm")


def says_dont_know(text: str) -> bool:
    """True when the reply says it does not know (the RAG prompt's instruction for "no answer")."""
    t = (text or "").casefold().replace("’", "'")
    return not t.strip() or any(p in t for p in DONT_KNOW)


def texts_by_sheet(baseline: Baseline, path_to_sheet: dict[str, str]) -> dict[str, list[str]]:
    """The quotable text per id for grading: each source file's text under its sheet id (and path)."""
    out: dict[str, list[str]] = {}
    for path, text in baseline.texts.items():
        out.setdefault(path, []).append(text)
        sid = path_to_sheet.get(path)
        if sid:
            out.setdefault(sid, []).append(text)
    return out
