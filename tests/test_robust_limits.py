"""Resource limits for readers (issue #14, point 3).

The probe: a 1 MB PDF whose one content stream inflates to 1 GiB. Before #14 pdfminer inflated it
whole (the CLI reached 4.4 GB before it was killed; an app upload grew to 5 GB while holding the
store lock). Now every stream, page, character and second of a read is bounded, the read runs in
a worker process (stopped at the time limit, under a memory limit), a file beyond a limit is
``refused`` in one line and nothing of it is stored, and the store's lock is never held while a
file is read.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import pytest
from conftest import make_pdf
from index_support import ROOT, SAMPLES, SEED, counting_embedding, model_cache, subprocess_env

from ingest.errors import LimitError
from ingest.index import _Builder, build, pending_files, store_lock
from ingest.readers import read_bytes
from ingest.readers.limits import ReadLimits
from ingest.settings import Settings
from ingest.store import FigureStore

GIB = 2**30


def bomb_pdf(path: Path, inflated: int = GIB, flt: str = "FlateDecode") -> Path:
    """A valid one-page PDF whose content stream is ``inflated`` bytes of spaces, deflated (~1 MB;
    or run-length encoded: 2 bytes a 128-byte run)."""
    if flt == "RunLengthDecode":
        stream = bytes((129, 0x20)) * (inflated // 128) + bytes((128,))
    else:
        comp = zlib.compressobj(9)
        block = b" " * 2**20
        stream = b"".join([*(comp.compress(block) for _ in range(inflated // len(block))), comp.flush()])
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d /Filter /%s >>\nstream\n" % (len(stream), flt.encode()) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = bomb_pdf(tmp_path_factory.mktemp("bomb") / "bomb.pdf")
    assert path.stat().st_size < 3 * 2**20
    return path


def test_a_decompression_bomb_is_refused_quickly_with_bounded_memory(bomb: Path) -> None:
    """Through the CLI, measured from outside: the reading process and its worker together."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "t = time.monotonic()\n"
        "p = subprocess.run([sys.executable, '-m', 'ingest', 'parse', sys.argv[1]], capture_output=True, text=True)\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024\n"
        "print(p.returncode, round(time.monotonic() - t, 1), peak)\n"
        "sys.stderr.write(p.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe, str(bomb)], cwd=ROOT, env=subprocess_env(),
                          capture_output=True, text=True, timeout=120)
    rc, seconds, peak_mb = proc.stdout.split()
    assert rc == "2", proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "decompresses to more than 64 MB" in proc.stderr and "bomb.pdf" in proc.stderr
    assert float(seconds) < 30
    assert int(peak_mb) < 600, f"peak memory {peak_mb} MB"  # the stream alone would be 1,024 MB


def test_in_process_reading_keeps_the_limits(bomb: Path) -> None:
    """Where no worker process can run, pdfminer's own decoders are the bounded ones."""
    started = time.monotonic()
    with pytest.raises(LimitError, match="decompresses to more than 8 MB"):
        read_bytes(bomb.read_bytes(), "bomb.pdf", ReadLimits(isolate=False, pdf_stream_mb=8))
    assert time.monotonic() - started < 20


@pytest.mark.parametrize("isolate", [True, False])
def test_a_run_length_bomb_is_refused_too(tmp_path: Path, isolate: bool) -> None:
    path = bomb_pdf(tmp_path / "rl.pdf", inflated=256 * 2**20, flt="RunLengthDecode")  # 4 MB → 256 MB
    with pytest.raises(LimitError, match="decompresses to more than 64 MB"):
        read_bytes(path.read_bytes(), "rl.pdf", ReadLimits(isolate=isolate))


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_pdf(SEED.read_text(encoding="utf-8"), tmp_path_factory.mktemp("pdf") / "seed.pdf")


@pytest.mark.parametrize("isolate", [True, False])
def test_pages_characters_and_time_are_bounded(seed_pdf: Path, isolate: bool) -> None:
    data = seed_pdf.read_bytes()
    assert read_bytes(data, "seed.pdf", ReadLimits(isolate=isolate)).text  # within every limit: read
    for limits, words in [
        (ReadLimits(isolate=isolate, pdf_pages=1), "has more than 1 pages"),
        (ReadLimits(isolate=isolate, page_chars=100), "has more than 100 characters"),
        (ReadLimits(isolate=isolate, chars=1000), "holds more than 1,000 characters"),
        (ReadLimits(isolate=isolate, seconds=0.001), "took longer than"),
    ]:
        with pytest.raises(LimitError, match=words) as info:
            read_bytes(data, "seed.pdf", limits)
        assert "\n" not in str(info.value)


def test_text_files_are_bounded_too(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    with pytest.raises(LimitError, match="more than 100 characters"):
        read_bytes(text.encode("utf-8"), "seed.txt", ReadLimits(chars=100))
    with pytest.raises(LimitError, match="must be under"):
        read_bytes(text.encode("utf-8"), "seed.txt", ReadLimits(max_bytes=1000))


@pytest.mark.slow
def test_a_refused_file_leaves_nothing_and_the_others_are_indexed(bomb: Path, tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "store")
    settings.models.cache_dir = model_cache()
    embedding, _ = counting_embedding()
    report = build([bomb, SAMPLES / "kor_h27_suido_kenshu.txt"], settings, embedding=embedding)
    status = {Path(r.path).name: r for r in report.files}
    assert status["bomb.pdf"].status == "refused" and "decompresses" in status["bomb.pdf"].reason
    assert status["kor_h27_suido_kenshu.txt"].status == "indexed"
    assert not report.ok and report.failed == [status["bomb.pdf"]]
    assert pending_files(settings) == []
    with FigureStore(settings.sqlite_path, read_only=True) as figures:
        assert [f.path for f in figures.files()] == [str((SAMPLES / "kor_h27_suido_kenshu.txt").resolve())]


@pytest.mark.slow
def test_the_store_lock_is_not_held_while_a_file_is_read(tmp_path: Path, monkeypatch) -> None:
    """A build reading a slow file leaves the store free: another writer gets the lock at once."""
    settings = Settings(home=tmp_path / "store")
    settings.models.cache_dir = model_cache()
    reading, release = threading.Event(), threading.Event()
    real_load = _Builder.load

    def slow_load(self, path):  # noqa: ANN001
        reading.set()
        assert release.wait(60)
        return real_load(self, path)

    monkeypatch.setattr(_Builder, "load", slow_load)
    embedding, _ = counting_embedding()
    result: dict[str, object] = {}
    worker = threading.Thread(target=lambda: result.update(
        report=build([SAMPLES / "kor_h27_suido_kenshu.txt"], settings, embedding=embedding)))
    worker.start()
    try:
        assert reading.wait(60)
        with store_lock(settings, "test", wait=0):  # would raise StoreBusy if the build held it
            pass
    finally:
        release.set()
        worker.join(120)
    assert result["report"].ok  # type: ignore[union-attr]
