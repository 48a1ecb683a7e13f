"""PDF text through pdfminer.six, whose layout analysis groups a sheet's cells into text boxes
separated by blank lines: the same shape as the extracted texts the templates were written for.

Pages are laid out one at a time (a 部's binder runs to hundreds of pages: only one page's
layout is ever in memory) and where each page's text begins is kept.

Reading is bounded (issue #14; :class:`ingest.readers.limits.ReadLimits`): pages, characters per
page and per file, the bytes any one stream and all streams together decompress to (pdfminer
inflates a whole stream at once: a 3 MB file can hold 1 GiB of zeros), and time. The stream
limits hold inside pdfminer itself — its inflate, LZW and run-length decoders are swapped for
bounded ones while a budget is active — so memory stays bounded on every OS. Time and memory
are also held from outside: by default the PDF is read in a worker process (``python -m
ingest.readers.pdf``, reused from file to file) that is stopped at the time limit and, on Linux
and macOS, runs under an address-space limit. A file beyond any limit raises
:class:`~ingest.errors.LimitError` with a one-line reason.
"""

from __future__ import annotations

import atexit
import io
import logging
import pickle
import queue
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from typing import Any

from ingest.errors import LimitError, SheetError
from ingest.readers.limits import ReadLimits, mb


def pdf_pages(data: bytes, name: str, limits: ReadLimits | None = None) -> tuple[str, tuple[int, ...]]:
    """The text of every page, joined, and the offset where each page begins."""
    limits = limits or ReadLimits()
    if limits.isolate:
        try:
            return _POOL.read(data, name, limits)
        except _NoWorker:
            pass  # no process could be started here: read in this one, every limit but the hard stop
    return read_pdf(data, name, limits)


def pdf_text(data: bytes, name: str, limits: ReadLimits | None = None) -> str:
    return pdf_pages(data, name, limits)[0]


# ----------------------------------------------------------------------------- in this process


class _Budget:
    """What one file may still cost while pdfminer reads it."""

    def __init__(self, name: str, limits: ReadLimits) -> None:
        self.name, self.limits = name, limits
        self.deadline = time.monotonic() + limits.seconds
        self.stream_cap = mb(limits.pdf_stream_mb)
        self.total_cap = mb(limits.pdf_decoded_mb)
        self.decoded = 0
        self.pages = 0
        self.page_chars = 0

    def refuse(self, reason: str) -> LimitError:
        return LimitError(self.name, reason)

    def stream(self, n: int) -> None:
        """One stream decoded to ``n`` bytes (or more than ``n``, when it was cut off there)."""
        if n > self.stream_cap:
            raise self.refuse(f"a PDF stream decompresses to more than {self.limits.pdf_stream_mb} MB "
                              "(a decompression bomb?)")
        self.decoded += n
        if self.decoded > self.total_cap:
            raise self.refuse(f"the PDF decompresses to more than {self.limits.pdf_decoded_mb} MB")
        self.tick()

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise self.refuse(f"reading took longer than {self.limits.seconds:.0f} s")

    def page(self) -> None:
        self.pages += 1
        self.page_chars = 0
        if self.pages > self.limits.pdf_pages:
            raise self.refuse(f"the PDF has more than {self.limits.pdf_pages:,} pages (split the binder)")
        self.tick()

    def char(self) -> None:
        self.page_chars += 1
        if self.page_chars > self.limits.page_chars:
            raise self.refuse(f"page {self.pages} has more than {self.limits.page_chars:,} characters")
        if self.page_chars % 1000 == 0:
            self.tick()


_active = threading.local()  # the budget of the file this thread is reading, if any


def _budget() -> _Budget | None:
    return getattr(_active, "budget", None)


class _BoundedDecompressor:
    def __init__(self, inner: Any, budget: _Budget) -> None:
        self.inner, self.budget, self.total = inner, budget, 0

    def _count(self, out: bytes) -> bytes:
        self.total += len(out)
        if self.total > self.budget.stream_cap:
            self.budget.stream(self.total)
        return out

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        return self._count(self.inner.decompress(data, max_length))

    def flush(self, *args: Any) -> bytes:
        return self._count(self.inner.flush(*args))

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.inner, attr)


class _Zlib:
    """Stands in for the ``zlib`` module inside ``pdfminer.pdftypes``: bounded while a budget is active."""

    error = zlib.error

    def __getattr__(self, attr: str) -> Any:
        return getattr(zlib, attr)

    @staticmethod
    def decompress(data: bytes, *args: Any, **kw: Any) -> bytes:
        budget = _budget()
        if budget is None or args or kw:
            return zlib.decompress(data, *args, **kw)
        d = zlib.decompressobj()
        out = d.decompress(data, budget.stream_cap + 1)
        if len(out) > budget.stream_cap:
            budget.stream(len(out))  # refuses
        if not d.eof:  # as zlib.decompress says of a stream cut short (pdfminer then tries harder)
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        budget.stream(len(out))
        return out

    @staticmethod
    def decompressobj(*args: Any, **kw: Any) -> Any:
        budget = _budget()
        inner = zlib.decompressobj(*args, **kw)
        return inner if budget is None else _BoundedDecompressor(inner, budget)


def _bounded(pieces: Iterator[bytes]) -> bytes:
    """Join a decoder's output, refusing it once it grows past the active budget's stream limit."""
    budget = _budget()
    out = bytearray()
    for piece in pieces:
        out += piece
        if budget is not None and len(out) > budget.stream_cap:
            budget.stream(len(out))
    if budget is not None:
        budget.stream(len(out))
    return bytes(out)


def _lzwdecode(data: bytes) -> bytes:
    from pdfminer.lzw import LZWDecoder

    return _bounded(LZWDecoder(io.BytesIO(data)).run())


def _rl_pieces(data: bytes) -> Iterator[bytes]:
    """RunLengthDecode (PDF 1.4 §3.3.4) run by run (pdfminer's builds one list of ints)."""
    i, n = 0, len(data)
    while i < n:
        length = data[i]
        i += 1
        if length == 128:
            return
        if length < 128:
            yield data[i:i + length + 1]
            i += length + 1
        elif i < n:
            yield bytes((data[i],)) * (257 - length)
            i += 1


def _rldecode(data: bytes) -> bytes:
    return _bounded(_rl_pieces(data))


_patched = False
_patch_lock = threading.Lock()


def _patch_pdfminer() -> None:
    """Swap pdfminer's stream decoders for the bounded ones (they behave the same with no budget)."""
    global _patched
    with _patch_lock:
        if _patched:
            return
        from pdfminer import pdftypes

        pdftypes.zlib = _Zlib()  # type: ignore[assignment]
        pdftypes.lzwdecode = _lzwdecode
        pdftypes.rldecode = _rldecode
        _patched = True


def read_pdf(data: bytes, name: str, limits: ReadLimits | None = None) -> tuple[str, tuple[int, ...]]:
    """Read a PDF in this process, within ``limits`` (every one but the hard stop at the time limit)."""
    from pdfminer.converter import TextConverter
    from pdfminer.layout import LAParams
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFSyntaxError

    limits = limits or ReadLimits()
    _patch_pdfminer()
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # pdfminer logs every odd font at WARNING
    budget = _Budget(name, limits)

    class Bounded(TextConverter):
        def render_char(self, *args: Any, **kw: Any) -> float:
            budget.char()
            return super().render_char(*args, **kw)

    out = io.StringIO()
    starts: list[int] = []
    _active.budget = budget
    try:
        manager = PDFResourceManager()
        # The same converter and parameters as pdfminer's extract_text: one page's text, then "\f".
        device = Bounded(manager, out, codec="utf-8", laparams=LAParams())
        interpreter = PDFPageInterpreter(manager, device)
        for page in PDFPage.get_pages(io.BytesIO(data), caching=False):
            budget.page()
            starts.append(out.tell())
            interpreter.process_page(page)
            if out.tell() > limits.chars:
                raise budget.refuse(f"the PDF holds more than {limits.chars:,} characters")
        device.close()
    except LimitError:
        raise
    except MemoryError:
        raise LimitError(name, "reading the PDF needs more memory than is allowed") from None
    except PDFSyntaxError as e:
        raise SheetError(name, f"broken PDF ({e})") from None
    except Exception as e:  # pdfminer raises many kinds on damaged or encrypted files
        raise SheetError(name, f"cannot read PDF ({type(e).__name__}: {e})") from None
    finally:
        _active.budget = None
    text = out.getvalue()
    if not text.strip():
        raise SheetError(name, "PDF has no text layer (a scanned image?); run OCR first")
    return text.replace("\x0c", "\n"), tuple(starts) or (0,)


# ----------------------------------------------------------------------------- worker processes


class _NoWorker(Exception):
    """A worker process could not be started here."""


def _send(stream: Any, obj: object) -> None:
    blob = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack("<Q", len(blob)))
    stream.write(blob)
    stream.flush()


def _recv(stream: Any) -> Any:
    """The next message, or None at the end of the stream."""

    def exactly(n: int) -> bytes | None:
        buf = bytearray()
        while len(buf) < n:
            got = stream.read(n - len(buf))
            if not got:
                return None
            buf += got
        return bytes(buf)

    head = exactly(8)
    if head is None:
        return None
    body = exactly(struct.unpack("<Q", head)[0])
    return None if body is None else pickle.loads(body)  # noqa: S301  (our own worker)


class _Worker:
    """One ``python -m ingest.readers.pdf`` process and a thread that collects its replies."""

    START_SECONDS = 60.0

    def __init__(self) -> None:
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "ingest.readers.pdf"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            )
        except OSError as e:
            raise _NoWorker(str(e)) from None
        self.replies: queue.Queue[Any] = queue.Queue()
        threading.Thread(target=self._pump, name="pdf-worker-replies", daemon=True).start()
        try:
            ready = self.replies.get(timeout=self.START_SECONDS)
        except queue.Empty:
            ready = None
        if ready != ("ready",):
            self.kill()
            raise _NoWorker("the PDF worker did not start")

    def _pump(self) -> None:
        try:
            while True:
                msg = _recv(self.proc.stdout)
                self.replies.put(msg)
                if msg is None:
                    return
        except Exception:  # a broken pipe or a garbled reply: the worker is gone
            self.replies.put(None)

    def ask(self, request: object, timeout: float) -> Any:
        """The reply, None when the worker died; raises queue.Empty at the time limit."""
        try:
            _send(self.proc.stdin, request)
        except OSError:
            return None
        return self.replies.get(timeout=timeout)

    def kill(self) -> None:
        try:
            self.proc.kill()
            self.proc.wait(timeout=10)
        except Exception:  # already gone
            pass
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass

    def close(self) -> None:
        """Let it end by itself (end of its input), then make sure."""
        try:
            if self.proc.stdin is not None:
                self.proc.stdin.close()
            self.proc.wait(timeout=2)
        except Exception:
            pass
        self.kill()


class _Pool:
    """Up to ``size`` workers, reused from file to file (a worker starts in ~0.3 s)."""

    def __init__(self, size: int = 2) -> None:
        self.idle: list[_Worker] = []
        self.lock = threading.Lock()
        self.slots = threading.BoundedSemaphore(size)

    def read(self, data: bytes, name: str, limits: ReadLimits) -> tuple[str, tuple[int, ...]]:
        with self.slots:
            with self.lock:
                worker = self.idle.pop() if self.idle else None
            worker = worker or _Worker()
            keep = False
            try:
                try:
                    reply = worker.ask((name, data, limits.model_dump()), limits.seconds + 5.0)
                except queue.Empty:
                    raise LimitError(name, f"reading took longer than {limits.seconds:.0f} s "
                                           "(a damaged or hostile PDF?)") from None
                if reply is None:
                    raise LimitError(name, "the PDF reader stopped while reading it (out of memory?)")
                kind, *rest = reply
                if kind == "ok":
                    keep = True
                    return rest[0], tuple(rest[1])
                if kind == "limit":
                    raise LimitError(name, rest[0])  # the worker may be worn: a fresh one next time
                keep = True
                raise SheetError(name, rest[0])
            finally:
                if keep:
                    with self.lock:
                        self.idle.append(worker)
                else:
                    worker.kill()

    def close(self) -> None:
        with self.lock:
            workers, self.idle = self.idle, []
        for w in workers:
            w.close()


_POOL = _Pool()
atexit.register(_POOL.close)


def _limit_memory(megabytes: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: the stream and page limits bound memory
        return
    soft = mb(megabytes)
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    except (ValueError, OSError):
        pass


def _serve() -> None:
    """The worker: read requests (name, bytes, limits) from stdin, answer on stdout, until EOF."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    channel_in, channel_out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing printed may garble the replies
    _send(channel_out, ("ready",))
    while True:
        request = _recv(channel_in)
        if request is None:
            return
        name, data, raw_limits = request
        limits = ReadLimits(**raw_limits)
        _limit_memory(limits.memory_mb)
        try:
            text, starts = read_pdf(data, name, limits)
            reply: tuple[Any, ...] = ("ok", text, starts)
        except LimitError as e:
            reply = ("limit", e.reason)
        except SheetError as e:
            reply = ("error", e.reason)
        except MemoryError:
            reply = ("limit", f"reading the PDF needs more than {limits.memory_mb:,} MB of memory")
        except Exception as e:
            reply = ("error", f"cannot read PDF ({type(e).__name__}: {e})")
        del data, request
        _send(channel_out, reply)


if __name__ == "__main__":
    _serve()
