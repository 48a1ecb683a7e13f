"""PDF text through pdfminer.six, whose layout analysis groups a sheet's cells into text boxes
separated by blank lines: the same shape as the extracted texts the templates were written for."""

from __future__ import annotations

import io
import logging

from ingest.errors import SheetError


def pdf_text(data: bytes, name: str) -> str:
    from pdfminer.high_level import extract_text
    from pdfminer.pdfparser import PDFSyntaxError

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # pdfminer logs every odd font at WARNING
    try:
        text = extract_text(io.BytesIO(data))
    except PDFSyntaxError as e:
        raise SheetError(name, f"broken PDF ({e})") from None
    except Exception as e:  # pdfminer raises many kinds on damaged or encrypted files
        raise SheetError(name, f"cannot read PDF ({type(e).__name__}: {e})") from None
    if not text.strip():
        raise SheetError(name, "PDF has no text layer (a scanned image?); run OCR first")
    return text.replace("\x0c", "\n")
