"""Shared by the index tests: one converted model per test session, a counting embedding, corpora.

A plain module (not a conftest): the index tests import it, so the model is converted and loaded
once for every test file that needs it, whatever order they run in.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
from pathlib import Path

from langchain_core.embeddings import Embeddings

from ingest.model import Cost, Indicator, IndicatorValue, Project, Section, Sheet
from ingest.normalize import format_number
from ingest.settings import Settings
from ingest.store import FigureStore, SheetSummary, StoreCounts
from ingest.vectors import E5Embedding

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
SEED = SAMPLES / "koriyama_r7_digital_first.txt"


@functools.cache
def model_cache() -> Path:
    """A model cache holding the converted e5 model, made once per session."""
    from ingest.embed import prepare_model

    cache = Path(tempfile.mkdtemp(prefix="sheetqa-test-models-"))
    atexit.register(shutil.rmtree, cache, ignore_errors=True)
    prepare_model(cache)
    return cache


@functools.cache
def real_embeddings() -> Embeddings:
    from ingest.embed import load_embeddings

    return load_embeddings(model_cache())


class CountingEmbeddings(Embeddings):
    """The real model, with every call counted (the tests assert how much was embedded)."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.calls = 0
        self.texts = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        self.texts += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def counting_embedding() -> tuple[E5Embedding, CountingEmbeddings]:
    counter = CountingEmbeddings(real_embeddings())
    return E5Embedding(embeddings=counter), counter


def subprocess_env(**extra: str) -> dict[str, str]:
    """Environment for a ``python -m ingest`` child: offline, the session's model, no stray store."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHEETQA_", "CHROMA_"))}
    env.update(
        HF_HUB_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
        PYTHONUNBUFFERED="1",  # per-file lines arrive as they are printed
        SHEETQA_MODELS__CACHE_DIR=str(model_cache()),
    )
    env.update(extra)
    return env


def generated_corpus(out: Path, n: int) -> list[Path]:
    """``n`` generated koriyama-r7 text sheets (eval.corpus), or seed variants when it is absent."""
    try:
        from eval.corpus import write_corpus
    except ImportError:
        write_corpus = None
    if write_corpus is not None:
        write_corpus(out, n=n, seed=7, pdf_share=0.0, cp932_share=0.0)
        return sorted((out / "sheets").glob("*.txt"))
    out.mkdir(parents=True, exist_ok=True)
    seed = SEED.read_text(encoding="utf-8")
    files = []
    for i in range(n):
        p = out / f"variant_{i:02d}.txt"
        p.write_text(seed.replace("デジタルファースト推進事業", f"デジタルファースト推進事業（第{i + 2}期）"), encoding="utf-8")
        files.append(p)
    return files


def tiny_sheets(out: Path, n: int) -> list[Path]:
    """``n`` small canonical JSON sheets (3 short chunks each): cheap to embed, for crash tests."""
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(n):
        sheet = Sheet(
            sheet_id="",  # empty: the reader derives it from the file's hash
            template="canonical",
            municipality="郡山市",
            target_fy=2024,
            project=Project(name=f"試験事業{i:02d}", department="総務部", section="総務課"),
            indicators=[Indicator(kind="activity", no=1, name=f"講座{i}の開催回数", unit="回",
                                  values=[IndicatorValue(fy=2024, plan=10 + i, actual=9 + i)])],
            costs=[Cost(fy=2024, project_cost=1000 + i, personnel_cost=500, total_cost=1500 + i)],
            sections=[Section(key="purpose", label="意図（目的）", text=f"試験のための{i}番目の事業である。")],
        )
        p = out / f"tiny_{i:02d}.json"
        p.write_text(sheet.to_json(), encoding="utf-8")
        files.append(p)
    return files


class Store:
    """A store opened read-only for the tests to look at what a build wrote: figures (SQLite) and
    chunks (Chroma). (The assistant reads through ``FigureStore`` and its retriever directly.)

    ``Store(settings)`` never writes: the SQLite file is opened with ``mode=ro`` and the Chroma
    collection with ``get_collection`` (no creation). Use the named reads of ``figures``
    (:class:`~ingest.store.FigureStore`, the one module that speaks SQL) for exact lookups and
    ``vectors.query(text, k, where)`` (or ``vectors.collection`` directly) for similarity search;
    only sheets in ``indexed_sheet_ids()`` count (a chunk of any other sheet belongs to an
    unfinished build).
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


def actual_shown(sheet: Sheet, row: str, fy: int) -> str:
    """The actual of the indicator ``row`` in ``fy`` as an answer prints it (the sheet must give it)."""
    ind = next(i for i in sheet.indicators if i.name == row)
    value = ind.value(fy)
    assert value is not None and value.actual is not None
    return format_number(value.actual)


def variant_of(seed: Sheet, name: str, factor: int, renames: dict[str, str] | None = None, *,
               section: str | None = None, years_back: int = 0, secondary: str | None = None,
               costs: dict[int, dict[str, int | None]] | None = None, municipality: str | None = None) -> Sheet:
    """The seed's tables under another project (a canonical sheet), every figure scaled by ``factor``
    so values differ: indicators renamed by ``renames``, the sheet ``years_back`` years earlier
    (every year moved with it), its 二次評価 ``secondary``, cost cells set by ``costs`` (fy → row → value),
    and another city's (``municipality``)."""
    data = seed.model_copy(deep=True)
    data.sheet_id = ""
    data.template = "canonical"
    data.source = None
    data.project = Project(name=name, department="総務部", section=section or f"{name[:2]}課")
    data.municipality = municipality or data.municipality
    data.target_fy = (data.target_fy or 0) - years_back
    data.evaluation_fy = (data.evaluation_fy or 0) - years_back
    for ind in data.indicators:
        ind.name = (renames or {}).get(ind.name or "", ind.name)
        for v in ind.values:
            v.fy -= years_back
            v.plan = None if v.plan is None else v.plan * factor
            v.actual = None if v.actual is None else v.actual * factor
    for c in data.costs:
        c.fy -= years_back
        for key in ("project_cost", "personnel_cost", "total_cost", "national_prefectural", "general_revenue"):
            if getattr(c, key) is not None:
                setattr(c, key, getattr(c, key) * factor)
        for key, value in (costs or {}).get(c.fy, {}).items():
            setattr(c, key, value)
    data.past_results = []
    if secondary is not None:
        data.evaluations = [e.model_copy(update={"result": secondary}) if e.stage == "secondary" else e
                            for e in data.evaluations]
    return data


def store_of(root: Path, files: list[Path], sheets: list[Sheet]):  # -> Assistant (imported late: heavy)
    """An assistant over ``files`` and ``sheets`` (written as canonical JSON), with the real e5 model."""
    from assistant.chain import Assistant
    from assistant.settings import AssistantSettings
    from ingest.index import build

    files = list(files)
    for i, sheet in enumerate(sheets):
        p = root / f"variant{i}.json"
        p.write_text(sheet.to_json(), encoding="utf-8")
        files.append(p)
    settings = AssistantSettings(home=root / "store", models={"cache_dir": model_cache()})
    report = build(files, settings, embedding=E5Embedding(embeddings=real_embeddings()))
    assert report.ok, report.failed
    return Assistant.from_settings(settings, retrieval=False)
