"""One file → one canonical Sheet: read, pick the template, parse, self-check."""

from __future__ import annotations

import re
from pathlib import Path

from ingest import checks, templates
from ingest.errors import SheetError
from ingest.model import Sheet, Source
from ingest.readers import Document, read_document

_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def parse_file(path: str | Path) -> Sheet:
    """Parse one sheet file. Raises SheetError with a one-line reason."""
    return parse_document(read_document(path))


def parse_document(doc: Document) -> Sheet:
    if doc.sheet is not None:
        sheet = doc.sheet.model_copy(deep=True)
        sheet.sheet_id = sheet.sheet_id or doc.sha256[:16]
        sheet.source = sheet.source or Source(path=doc.path, sha256=doc.sha256, format=doc.format)
    else:
        template = templates.detect(doc.text)
        if template is None:
            why = "no indicator table found" if _JAPANESE.search(doc.text) else "no Japanese text found"
            raise SheetError(doc.path, f"not a 事務事業評価 sheet ({why})")
        try:
            sheet = template.parse(doc.text)
        except SheetError as e:
            raise SheetError(doc.path, e.reason) from None
        sheet.sheet_id = doc.sha256[:16]
        sheet.source = Source(path=doc.path, sha256=doc.sha256, format=doc.format)
    sheet.warnings.extend(w for w in checks.verify(sheet) if w not in sheet.warnings)
    return sheet
