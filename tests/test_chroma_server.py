"""Server mode: with CHROMA_HOST/CHROMA_PORT set, the same build writes to a ``chroma run`` server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from index_support import SAMPLES, Store, counting_embedding, model_cache, tiny_sheets

from eval import bench
from ingest.index import build, remove
from ingest.settings import Settings

pytestmark = pytest.mark.slow

@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[tuple[str, int]]:
    # the same helper `python -m eval bench` serves a store with
    (tmp_path / "server-data").mkdir()
    with bench.chroma_server(tmp_path / "server-data", tmp_path / "chroma.log") as address:
        yield address


def test_build_into_a_chroma_server(chroma_server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    host, port = chroma_server
    monkeypatch.setenv("CHROMA_HOST", host)
    monkeypatch.setenv("CHROMA_PORT", str(port))
    settings = Settings(home=tmp_path / "store")  # host and port come from the environment
    settings.models.cache_dir = model_cache()
    assert settings.chroma_location == f"http://{host}:{port}"

    files = [SAMPLES / "kor_h27_suido_kenshu.txt", *tiny_sheets(tmp_path / "in", 2)]
    embedding, counter = counting_embedding()
    report = build(files, settings, embedding=embedding)
    assert report.ok, report.failed
    assert report.vectors == f"http://{host}:{port}"
    assert not settings.chroma_path.exists()  # nothing went to the embedded store
    chunks = sum(r.chunks for r in report.files)

    # read back over HTTP with a client of our own
    import chromadb

    client = chromadb.HttpClient(host=host, port=port)
    collection = client.get_collection(settings.chroma.collection)
    assert collection.count() == chunks
    got = collection.get(where={"project": "技術力向上職員研修事業"}, include=["metadatas"])
    assert len(got["ids"]) == report.files[0].chunks

    with Store(settings) as store:
        assert store.vectors.sheet_ids() == store.indexed_sheet_ids() == {r.sheet_id for r in report.files}
        hits = store.vectors.query("研修会の開催回数", k=3)
        assert hits[0][2]["project"] == "技術力向上職員研修事業"

    # idempotent over HTTP too, and removal reaches the server
    embedding, counter = counting_embedding()
    again = build(files, settings, embedding=embedding)
    assert again.count()["unchanged"] == 3 and counter.calls == 0
    removed = remove(report.files[1].sheet_id, settings)
    assert removed.removed and removed.chunks_deleted == report.files[1].chunks
    assert collection.count() == chunks - report.files[1].chunks
