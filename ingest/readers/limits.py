"""What reading one file may cost (issue #14): bytes, PDF pages, decoded stream bytes, characters,
seconds and memory. A file beyond any of them is refused with a one-line reason
(:class:`ingest.errors.LimitError`) and nothing of it is stored.

The defaults sit far above any real sheet or binder (a 部's binder: ~150 sheets, a few hundred
pages, 1–20 MB) and far below what would stall an office PC. ``Settings().read`` holds them
(``SHEETQA_READ__SECONDS=600`` …).
"""

from __future__ import annotations

from pydantic import BaseModel, Field

MAX_BYTES = 40 * 1024 * 1024  # one file; a 部's binder is 1–20 MB (docs/formats.md)


class ReadLimits(BaseModel):
    max_bytes: int = Field(MAX_BYTES, ge=1, description="bytes of one file")
    pdf_pages: int = Field(2_000, ge=1, description="pages of one PDF")
    pdf_stream_mb: int = Field(
        64, ge=1, description="MB one PDF stream may decompress to (a page's text is a few KB)")
    pdf_decoded_mb: int = Field(
        1_024, ge=1, description="MB all the streams of one PDF may decompress to, together")
    page_chars: int = Field(
        40_000, ge=1, description="characters on one PDF page (a dense page has ~5,000); pdfminer's layout "
        "analysis grows faster than linearly with them")
    chars: int = Field(8_000_000, ge=1, description="characters of text in one file (400 sheets at most)")
    sheet_chars: int = Field(300_000, ge=1, description="characters of one sheet (a sheet has ~10,000)")
    seconds: float = Field(300.0, gt=0, description="seconds reading and parsing one file may take")
    memory_mb: int = Field(
        2_048, ge=256, description="MB of address space the PDF reader's process may use (Linux and macOS; "
        "on Windows the stream and page limits bound it)")
    isolate: bool = Field(
        True, description="read PDFs in a separate process that is stopped at the time limit (in-process "
        "reading still keeps every other limit)")


def mb(n: int) -> int:
    return n * 2**20
