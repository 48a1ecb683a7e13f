"""The plain-RAG baseline (eval.baseline): builds over a few sample sheets, answers with its top-4 chunks."""

from __future__ import annotations

import shutil
from pathlib import Path

from index_support import SAMPLES, model_cache, real_embeddings

from eval import metrics
from eval.baseline import Baseline, K, read_text, says_dont_know, split


def _files(tmp_path: Path) -> list[Path]:
    out = []
    for p in sorted(SAMPLES.glob("*.txt"))[:3]:
        dst = tmp_path / "sheets" / p.name
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(p, dst)
        out.append(dst)
    return out


def test_chunks_are_verbatim_substrings_of_the_file_text(tmp_path: Path) -> None:
    files = _files(tmp_path)
    texts = {str(f): read_text(f) for f in files}
    chunks = split(texts, 400, 80)
    assert len(chunks) > len(files)
    for c in chunks:
        assert len(c.text) <= 400
        assert texts[c.source][c.start:c.start + len(c.text)] == c.text


def test_baseline_answers_with_its_top4_context(tmp_path: Path) -> None:
    files = _files(tmp_path)
    base = Baseline.build(files, tmp_path / "baseline", model_dir=model_cache(), embeddings=real_embeddings())
    assert base.built and base.chunks > 0
    q = "デジタルファースト推進事業のコンビニ交付の件数、令和6年度の実績は？"
    a = base.ask(q)
    assert a.answerable  # without an LLM the baseline never declines
    assert a.mode == "extractive"
    assert len(a.citations) == K
    # the answer is the context: the four chunks, joined, best first
    assert a.answer == "\n\n".join(c.quote for c in a.citations)
    assert any("digital_first" in c.sheet_id for c in a.citations[:2])
    # every chunk is verbatim in its source file: valid citations against the raw text
    texts = {str(Path(f).resolve()): read_text(f) for f in files}
    assert metrics.invalid_citations(a, texts) == []

    # a second build over the same files reuses the collection as it is
    again = Baseline.build(files, tmp_path / "baseline", model_dir=model_cache(), embeddings=real_embeddings())
    assert not again.built and again.chunks == base.chunks
    assert [c.quote for c in again.ask(q).citations] == [c.quote for c in a.citations]


def test_baseline_with_a_chat_model_answers_from_the_context(tmp_path: Path) -> None:
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    files = _files(tmp_path)[:2]
    chat = FakeListChatModel(responses=["実績は77,934件です。", "I don't know."])
    base = Baseline.build(files, tmp_path / "b", model_dir=model_cache(), embeddings=real_embeddings(),
                          chat_model=chat)
    a = base.ask("コンビニ交付の件数は？")
    assert a.mode == "llm" and a.answerable and a.answer == "実績は77,934件です。"
    assert len(a.citations) == K
    b = base.ask("2040年の人口推計は？")
    assert not b.answerable  # it said it does not know: its decline


def test_says_dont_know() -> None:
    assert says_dont_know("I don't know.")
    assert says_dont_know("資料からはわかりません。")
    assert says_dont_know("")
    assert not says_dont_know("令和6年度の実績は685件です。")
