"""Readers: a file's bytes → a Document (its text, or a canonical sheet for JSON).

Format is told by content, not by the name alone: ``%PDF-`` is a PDF, a JSON object is a
canonical sheet, anything else must decode as text. A PDF is read page by page and a text file
may hold form feeds (``\\f``, the page break PDF extractors write): ``page_starts`` keeps where each
page begins, so a binder of many sheets can be split and each sheet told its pages.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ingest.errors import LimitError, SheetError
from ingest.model import Sheet
from ingest.readers.limits import MAX_BYTES as MAX_BYTES  # re-exported: the UI caps uploads by it
from ingest.readers.limits import ReadLimits

MAX_SHEETS = 400  # sheets one file may hold: a whole city's set is several files, not one
SUFFIXES = (".txt", ".text", ".csv", ".pdf", ".json")

Format = Literal["text", "pdf", "json"]


@dataclass(frozen=True)
class Document:
    path: str
    sha256: str
    format: Format
    text: str = ""
    sheet: Sheet | None = None  # set for canonical JSON
    page_starts: tuple[int, ...] = (0,)  # offset in ``text`` where each page begins
    notes: tuple[str, ...] = field(default=())  # what the reader noticed (a cut-off file), for warnings

    def page_of(self, offset: int) -> int:
        """The 1-based page that holds the character at ``offset``."""
        from bisect import bisect_right

        return max(1, bisect_right(self.page_starts, offset))


def size_error(size: int, limit: int = MAX_BYTES) -> str:
    return f"file is {size / 1e6:.1f} MB; a file must be under {limit // 2**20} MB (split the binder)"


def read_document(path: str | Path, limits: ReadLimits | None = None) -> Document:
    """Read one file. Raises SheetError with a one-line reason when it cannot be read
    (:class:`~ingest.errors.LimitError` when reading it would cost more than ``limits`` allow)."""
    limits = limits or ReadLimits()
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise SheetError(name, "no such file")
    if p.is_dir():
        raise SheetError(name, "is a folder, not a file")
    size = p.stat().st_size
    if size > limits.max_bytes:
        raise LimitError(name, size_error(size, limits.max_bytes))
    try:
        data = p.read_bytes()
    except OSError as e:
        raise SheetError(name, f"cannot read file ({e.strerror or e})") from None
    return read_bytes(data, name, limits)


def read_bytes(data: bytes, name: str, limits: ReadLimits | None = None) -> Document:
    """Read a file's content; ``name`` is only used in messages and provenance."""
    from ingest.readers import canonical, pdf, text  # local: pdf pulls in pdfminer

    limits = limits or ReadLimits()
    if not data.strip():
        raise SheetError(name, "empty file")
    if len(data) > limits.max_bytes:
        raise LimitError(name, size_error(len(data), limits.max_bytes))
    sha = hashlib.sha256(data).hexdigest()
    if data.lstrip()[:5] == b"%PDF-":
        body, starts = pdf.pdf_pages(data, name, limits)
        return Document(name, sha, "pdf", text=body, page_starts=starts)
    if name.lower().endswith(".json") or data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
        return Document(name, sha, "json", sheet=canonical.read_canonical(data, name))
    decoded, notes = text.decode_text(data, name)
    if len(decoded) > limits.chars:
        raise LimitError(name, f"the text holds more than {limits.chars:,} characters (split the binder)")
    body, starts = text.pages(decoded)
    return Document(name, sha, "text", text=body, page_starts=starts, notes=notes)
