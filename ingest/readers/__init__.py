"""Readers: a file's bytes → a Document (its text, or a canonical sheet for JSON).

Format is told by content, not by the name alone: ``%PDF-`` is a PDF, a JSON object is a
canonical sheet, anything else must decode as text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ingest.errors import SheetError
from ingest.model import Sheet

MAX_BYTES = 16 * 1024 * 1024  # one sheet is a few hundred KB; a whole city's binder is not one sheet
SUFFIXES = (".txt", ".text", ".csv", ".pdf", ".json")

Format = Literal["text", "pdf", "json"]


@dataclass(frozen=True)
class Document:
    path: str
    sha256: str
    format: Format
    text: str = ""
    sheet: Sheet | None = None  # set for canonical JSON


def read_document(path: str | Path) -> Document:
    """Read one file. Raises SheetError with a one-line reason when it cannot be read."""
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise SheetError(name, "no such file")
    if p.is_dir():
        raise SheetError(name, "is a folder, not a file")
    size = p.stat().st_size
    if size > MAX_BYTES:
        raise SheetError(name, f"file is {size / 1e6:.1f} MB; one sheet must be under {MAX_BYTES // 2**20} MB")
    try:
        data = p.read_bytes()
    except OSError as e:
        raise SheetError(name, f"cannot read file ({e.strerror or e})") from None
    return read_bytes(data, name)


def read_bytes(data: bytes, name: str) -> Document:
    """Read a file's content; ``name`` is only used in messages and provenance."""
    from ingest.readers import canonical, pdf, text  # local: pdf pulls in pdfminer

    if not data.strip():
        raise SheetError(name, "empty file")
    if len(data) > MAX_BYTES:
        raise SheetError(name, f"file is {len(data) / 1e6:.1f} MB; one sheet must be under {MAX_BYTES // 2**20} MB")
    sha = hashlib.sha256(data).hexdigest()
    if data.lstrip()[:5] == b"%PDF-":
        return Document(name, sha, "pdf", text=pdf.pdf_text(data, name))
    if name.lower().endswith(".json") or data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
        return Document(name, sha, "json", sheet=canonical.read_canonical(data, name))
    return Document(name, sha, "text", text=text.decode_text(data, name))
