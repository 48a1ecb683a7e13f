"""Hybrid retrieval (Chroma dense + BM25 on Sudachi tokens, RRF) over a real small store. No mocks.

The store: the three sample sheets plus ten generated ones, built with ``ingest.index.build`` and
the real e5 model (converted once per session by ``index_support``). The test that adds a sheet
runs last: the others do not depend on the store's size.
"""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

try:  # tests/ is a package now; a plain rootdir-style run finds the module directly
    from tests.index_support import SAMPLES, SEED, generated_corpus, model_cache, real_embeddings, tiny_sheets
except ImportError:  # pragma: no cover
    from index_support import SAMPLES, SEED, generated_corpus, model_cache, real_embeddings, tiny_sheets

from assistant.retrieve import HybridRetriever, Retriever, tokenize
from ingest.index import build
from ingest.parse import parse_document
from ingest.readers import read_bytes
from ingest.settings import Settings
from ingest.vectors import E5Embedding, VectorStore

pytestmark = pytest.mark.slow


# ----------------------------------------------------------------------------- tokenizer


def test_tokenize_keeps_compounds_and_drops_particles() -> None:
    toks = tokenize("「行政手続オンライン化ガイドライン」の策定やキャッシュレス決済環境の新規導入等の実施に伴い、業務量が増加した。")
    for word in ("行政手続", "ガイドライン", "策定", "キャッシュレス", "決済", "業務量", "増加"):
        assert word in toks, (word, toks)
    # particles, auxiliary verbs and symbols are gone
    for gone in ("の", "や", "に", "が", "た", "、", "。", "「", "」"):
        assert gone not in toks, (gone, toks)
    # mode C keeps the long unit; its mode-B parts come along, so 行政手続き finds 行政手続
    assert {"行政", "手続き"} <= set(toks)
    assert tokenize("マイナンバーカードの普及") == ["マイナンバーカード", "マイナンバー", "カード", "普及"]
    assert tokenize("電子申請手続き数")[:3] == ["電子申請", "電子", "申請"]
    # normalized forms: inflection, width and case, numbers; 事業費 stays one word
    assert tokenize("事業費が増えた理由") == ["事業費", "増える", "理由"]
    assert tokenize("ＤＸ戦略課") == tokenize("DX戦略課") == ["dx", "戦略", "課"]
    assert tokenize("１１，３６５千円") == tokenize("11,365千円")
    assert tokenize("") == [] and tokenize("、。 　") == []


def test_tokenize_is_thread_safe() -> None:
    text = SEED.read_text(encoding="utf-8")
    paragraphs = [p for p in text.split("\n") if len(p) > 20][:40]
    expected = [tokenize(p) for p in paragraphs]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(tokenize, paragraphs * 4))
    assert got == expected * 4


def test_tokenize_long_text() -> None:
    """Sudachi refuses inputs over ~49 KB; tokenize() cuts them."""
    toks = tokenize("行政手続のオンライン化を進める。\n" * 6000)
    assert toks.count("行政手続") == 6000


# ----------------------------------------------------------------------------- store


def _settings(home: Path) -> Settings:
    s = Settings(home=home)
    s.models.cache_dir = model_cache()
    return s


def _embedding() -> E5Embedding:
    return E5Embedding(embeddings=real_embeddings())


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, list[Path]]:
    root = tmp_path_factory.mktemp("retrieve")
    shutil.copytree(SAMPLES, root / "samples")
    files = sorted((root / "samples").glob("*.txt")) + generated_corpus(root / "generated", 10)
    settings = _settings(root / "store")
    report = build(files, settings, embedding=_embedding())
    assert report.ok, report.failed
    return settings, files


@pytest.fixture(scope="module")
def retriever(store) -> HybridRetriever:
    settings, _ = store
    return HybridRetriever.for_settings(settings, embedding=_embedding())


@pytest.fixture(scope="module")
def seed_id() -> str:
    return parse_document(read_bytes(SEED.read_bytes(), str(SEED))).sheet_id


def _keys(docs) -> list[tuple[str, str]]:
    return [(d.metadata["sheet_id"], d.metadata["key"]) for d in docs]


def test_first_construction_builds_the_index(retriever) -> None:
    snap = retriever.snapshot
    assert not retriever.loaded_from_cache and retriever.rebuilds == 1
    assert len(snap) > 13 * 15 and snap.tokenized > 0
    assert (retriever._state.cache_dir / snap.fingerprint[:32] / "chunks.json").is_file()


def test_cost_reason_finds_the_cost_analysis(retriever, seed_id) -> None:
    # with no project named, the best are cost analyses (of whichever sheets)
    docs = retriever.invoke("事業費が増えた理由")
    assert len(docs) == 8  # default k
    assert all(key == "prose:cost_analysis:0" for _, key in _keys(docs[:3])), _keys(docs)
    # a paraphrase of the seed's passage (「…キャッシュレス決済環境の新規導入…などによるもの」)
    docs = retriever.invoke("キャッシュレス決済の導入で事業費が増加したのはなぜ")
    assert (seed_id, "prose:cost_analysis:0") in _keys(docs[:3]), _keys(docs)
    top = next(d for d in docs if d.metadata["key"] == "prose:cost_analysis:0" and d.metadata["sheet_id"] == seed_id)
    assert "11,365千円の増加" in top.page_content
    # both legs found it; the fused score is the RRF sum of its ranks
    m = top.metadata
    assert m["dense_rank"] is not None and m["bm25_rank"] is not None
    assert m["score"] == pytest.approx(1 / (60 + m["dense_rank"]) + 1 / (60 + m["bm25_rank"]))
    assert m["chunk_id"] == top.id and m["chunk_type"] == "prose" and m["section_key"] == "cost_analysis"
    assert [d.metadata["score"] for d in docs] == sorted((d.metadata["score"] for d in docs), reverse=True)


def test_secondary_comment_with_section_filter(retriever, seed_id) -> None:
    question = "オンライン化ガイドラインの策定について二次評価はどうコメントしたか"
    sections = ["primary_comment", "secondary_comment"]
    docs = retriever.invoke(question, section_keys=sections, k=5)
    assert len(docs) == 5 and all(d.metadata["section_key"] in sections for d in docs)
    assert (seed_id, "prose:secondary_comment:0") in _keys(docs[:3]), _keys(docs)
    docs = retriever.invoke(question, chunk_types=["prose"], k=5)
    assert (seed_id, "prose:secondary_comment:0") in _keys(docs[:3]), _keys(docs)
    # without a project, the section filter alone keeps every answer a second-stage comment
    docs = retriever.invoke("二次評価のコメント", section_keys=["secondary_comment"], k=5)
    assert len(docs) == 5 and {d.metadata["key"] for d in docs} == {"prose:secondary_comment:0"}


def test_sheet_filter_keeps_to_that_sheet(retriever, seed_id) -> None:
    docs = retriever.invoke("事業費が増えた理由", sheet_ids=[seed_id], k=10)
    assert len(docs) == 10 and {d.metadata["sheet_id"] for d in docs} == {seed_id}
    # the explanation is the nearest passage; the cost table chunks (one vector for all years,
    # keyword-rich) sit beside it in the fused list, and a prose-only search puts it first
    dense = retriever.invoke("事業費が増えた理由", sheet_ids=[seed_id], k=3, mode="dense")
    assert dense[0].metadata["key"] == "prose:cost_analysis:0"
    assert "prose:cost_analysis:0" in [d.metadata["key"] for d in docs[:5]]
    prose = retriever.invoke("事業費が増えた理由", sheet_ids=[seed_id], k=3, chunk_types="prose")
    assert prose[0].metadata["key"] == "prose:cost_analysis:0"
    # a configured copy: same index, its own defaults
    mine = retriever.with_filters(sheet_ids=[seed_id], chunk_types=["figures"], k=4)
    assert mine.snapshot is retriever.snapshot
    docs = mine.invoke("キャッシュレス決済の利用件数")
    assert len(docs) == 4 and {d.metadata["sheet_id"] for d in docs} == {seed_id}
    assert {d.metadata["chunk_type"] for d in docs} <= {"indicator", "cost", "evaluation"}
    assert docs[0].metadata.get("indicator_label") == "成果指標③"
    # the original keeps its own (no) filters
    assert len({d.metadata["sheet_id"] for d in retriever.invoke("事業費が増えた理由")}) > 1


def test_chunk_type_filter_in_both_legs(retriever) -> None:
    for mode in ("dense", "bm25", "hybrid"):
        docs = retriever.invoke("事業費", chunk_types=["cost"], mode=mode, k=6)
        assert len(docs) == 6 and {d.metadata["chunk_type"] for d in docs} == {"cost"}
        prose = retriever.invoke("事業費", chunk_types="prose", mode=mode, k=6)
        assert prose and {d.metadata["chunk_type"] for d in prose} == {"prose"}


def test_single_legs_and_rank_metadata(retriever) -> None:
    dense = retriever.invoke("マイナンバーカードの普及", mode="dense", k=5)
    assert [d.metadata["dense_rank"] for d in dense] == [1, 2, 3, 4, 5]
    assert all(d.metadata["bm25_rank"] is None and d.metadata["bm25_score"] is None for d in dense)
    assert all(0 <= d.metadata["dense_distance"] <= 2 for d in dense)
    bm25 = retriever.invoke("マイナンバーカードの普及", mode="bm25", k=5)
    assert [d.metadata["bm25_rank"] for d in bm25] == [1, 2, 3, 4, 5]
    assert all(d.metadata["dense_rank"] is None and d.metadata["bm25_score"] > 0 for d in bm25)
    assert "マイナンバーカード" in bm25[0].page_content


def test_edge_cases(retriever, seed_id) -> None:
    assert retriever.invoke("事業費", sheet_ids=[]) == []  # an empty filter admits nothing
    assert retriever.invoke("事業費", sheet_ids=["no-such-sheet"]) == []
    assert retriever.invoke("   ") == []
    # no token in the vocabulary: the keyword leg is empty, the dense leg still answers
    docs = retriever.invoke("ｚｚｚｑｑｑ", k=3)
    assert len(docs) == 3 and all(d.metadata["bm25_rank"] is None for d in docs)
    with pytest.raises(TypeError):
        retriever.invoke("事業費", colour="red")
    with pytest.raises(ValueError):
        retriever.invoke("事業費", chunk_types=["tables"])
    assert Retriever is HybridRetriever
    # a question is embedded on one torch thread; the process's setting is restored after
    import torch

    before = torch.get_num_threads()
    retriever.invoke("事業費", mode="dense")
    assert torch.get_num_threads() == before


def test_empty_store_answers_nothing(tmp_path: Path) -> None:
    r = HybridRetriever.for_settings(_settings(tmp_path / "empty"), embedding=_embedding())
    assert len(r.snapshot) == 0 and r.invoke("事業費が増えた理由") == []


def test_uncommitted_chunks_are_not_returned(store, retriever, tmp_path: Path) -> None:
    """Chunks in Chroma whose sheet the figures store does not list (a build still running)."""
    from ingest.chunk import chunk_sheet

    settings, _ = store
    [path] = tiny_sheets(tmp_path, 1)
    sheet = parse_document(read_bytes(path.read_bytes(), str(path)))
    vectors = VectorStore(settings, _embedding())
    vectors.upsert(sheet.sheet_id, chunk_sheet(sheet))
    try:
        retriever.refresh()
        assert sheet.sheet_id in {str(m["sheet_id"]) for m in retriever.snapshot.metadatas}
        for mode in ("dense", "bm25"):
            docs = retriever.invoke("試験のための0番目の事業", mode=mode, k=20)
            assert sheet.sheet_id not in {d.metadata["sheet_id"] for d in docs}
    finally:
        vectors.delete_sheet(sheet.sheet_id)
    retriever.refresh()


def test_bm25_cache_reused_then_rebuilt_after_a_new_sheet(store, retriever) -> None:
    settings, files = store
    before = retriever.snapshot
    again = HybridRetriever.for_settings(settings, embedding=_embedding())
    assert again.loaded_from_cache and again.rebuilds == 0
    assert again.snapshot.fingerprint == before.fingerprint and again.snapshot.ids == before.ids
    q = "事業費が増えた理由"
    assert _keys(again.invoke(q)) == _keys(retriever.invoke(q))

    # index one more sheet
    extra = generated_corpus(files[-1].parent.parent.parent / "extra", 11)[-1]
    report = build([extra], settings, embedding=_embedding())
    assert report.ok and report.count()["indexed"] == 1
    new_id = report.files[0].sheet_id
    project = report.files[0].project

    fresh = HybridRetriever.for_settings(settings, embedding=_embedding())
    assert not fresh.loaded_from_cache and fresh.rebuilds == 1
    assert fresh.snapshot.fingerprint != before.fingerprint
    assert len(fresh.snapshot) == len(before) + report.files[0].chunks
    # only the new sheet's texts were tokenized: the rest came from the previous cache
    assert 0 < fresh.snapshot.tokenized <= report.files[0].chunks
    for mode in ("bm25", "dense"):
        docs = fresh.invoke(f"{project}の事業費", sheet_ids=[new_id], mode=mode, k=3)
        assert len(docs) == 3 and {d.metadata["sheet_id"] for d in docs} == {new_id}

    # a retriever opened before the build sees the new sheet on its next query
    docs = retriever.invoke(f"{project}の事業費", sheet_ids=[new_id], k=3)
    assert docs and {d.metadata["sheet_id"] for d in docs} == {new_id}
    assert retriever.snapshot.fingerprint == fresh.snapshot.fingerprint
    # ... and a third process start loads the new cache
    third = HybridRetriever.for_settings(settings, embedding=_embedding())
    assert third.loaded_from_cache and third.rebuilds == 0
