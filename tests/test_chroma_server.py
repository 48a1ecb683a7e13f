"""Server mode: with CHROMA_HOST/CHROMA_PORT set, the same build writes to a ``chroma run`` server."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from index_support import SAMPLES, counting_embedding, model_cache, tiny_sheets

from ingest.index import Store, build, remove
from ingest.settings import Settings

pytestmark = pytest.mark.slow

CHROMA = Path(sys.executable).with_name("chroma")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[tuple[str, int]]:
    exe = CHROMA if CHROMA.exists() else shutil.which("chroma")
    if exe is None:
        pytest.skip("the `chroma` executable is not installed")
    port = _free_port()
    log = (tmp_path / "chroma.log").open("wb")
    proc = subprocess.Popen(
        [str(exe), "run", "--host", "127.0.0.1", "--port", str(port),
         "--path", str(tmp_path / "server-data")],
        stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        import chromadb
        from chromadb.config import Settings as ClientSettings

        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"chroma run exited ({proc.returncode}): {(tmp_path / 'chroma.log').read_text()}")
            try:
                chromadb.HttpClient(host="127.0.0.1", port=port,
                                    settings=ClientSettings(anonymized_telemetry=False)).heartbeat()
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        yield "127.0.0.1", port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


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
