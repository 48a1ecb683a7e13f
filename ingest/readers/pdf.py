"""PDF text through pdfminer.six, whose layout analysis groups a sheet's cells into text boxes
separated by blank lines: the same shape as the extracted texts the templates were written for.

Pages are laid out one at a time (a 部's binder runs to hundreds of pages: only one page's
layout is ever in memory) and where each page's text begins is kept.
"""

from __future__ import annotations

import io
import logging

from ingest.errors import SheetError


def pdf_pages(data: bytes, name: str) -> tuple[str, tuple[int, ...]]:
    """The text of every page, joined, and the offset where each page begins."""
    from pdfminer.converter import TextConverter
    from pdfminer.layout import LAParams
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFSyntaxError

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # pdfminer logs every odd font at WARNING
    out = io.StringIO()
    starts: list[int] = []
    try:
        manager = PDFResourceManager()
        # The same converter and parameters as pdfminer's extract_text: one page's text, then "\f".
        device = TextConverter(manager, out, codec="utf-8", laparams=LAParams())
        interpreter = PDFPageInterpreter(manager, device)
        for page in PDFPage.get_pages(io.BytesIO(data), caching=False):
            starts.append(out.tell())
            interpreter.process_page(page)
        device.close()
    except PDFSyntaxError as e:
        raise SheetError(name, f"broken PDF ({e})") from None
    except Exception as e:  # pdfminer raises many kinds on damaged or encrypted files
        raise SheetError(name, f"cannot read PDF ({type(e).__name__}: {e})") from None
    text = out.getvalue()
    if not text.strip():
        raise SheetError(name, "PDF has no text layer (a scanned image?); run OCR first")
    return text.replace("\x0c", "\n"), tuple(starts) or (0,)


def pdf_text(data: bytes, name: str) -> str:
    return pdf_pages(data, name)[0]
