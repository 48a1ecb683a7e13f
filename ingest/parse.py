"""One file → its canonical Sheets: read, split a binder into its sheets, pick each one's template,
parse, self-check."""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from ingest import binder, checks, templates
from ingest.errors import LimitError, SheetError
from ingest.model import Sheet, Source, describe
from ingest.readers import MAX_SHEETS, Document, read_document
from ingest.readers.limits import ReadLimits
from ingest.readers.text import CUT_NOTE

_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@dataclass(frozen=True)
class Part:
    """One sheet of a file: its reading, or why it has none, and where in the file it stands."""

    index: int  # 1-based place in the file
    count: int  # sheets the file holds
    start: int  # character range in the file's decoded text
    end: int
    pages: tuple[int, ...] | None  # PDF (or form-feed) pages it spans
    content_sha: str  # sha256 of the sheet's own text: its id, and the seed of its chunk ids
    sheet: Sheet | None = None
    error: SheetError | None = None

    @property
    def where(self) -> str:
        """「sheet 3 of 7 (pages 5–6)」, for messages about one sheet of a binder."""
        if self.count == 1:
            return ""
        pages = ""
        if self.pages:
            pages = f", page {self.pages[0]}" if len(self.pages) == 1 else f", pages {self.pages[0]}–{self.pages[-1]}"
        return f"sheet {self.index} of {self.count}{pages}"

    @property
    def reason(self) -> str:
        """Why this sheet has no reading (empty when it has one)."""
        return self.error.reason if self.error is not None else ""


def parse_file(path: str | Path) -> Sheet:
    """Parse a file of one sheet. Raises SheetError with a one-line reason (also when the file
    is a binder of several sheets: read those with :func:`parse_sheets`)."""
    doc = read_document(path)
    parts = parse_parts(doc)
    if len(parts) > 1:
        raise SheetError(doc.path, f"holds {len(parts)} sheets; read it with parse_sheets "
                                   "(python -m ingest parse prints one JSON line per sheet)")
    return _one(parts[0], doc)


def parse_sheets(path: str | Path) -> list[Sheet]:
    """Every sheet of a file (one for most files, many for a binder), in file order.

    Raises SheetError when none can be read; sheets that cannot be read among readable ones are
    left out (:func:`parse_parts` tells which and why).
    """
    doc = read_document(path)
    parts = parse_parts(doc)
    good = [p.sheet for p in parts if p.sheet is not None]
    if not good:
        raise first_error(parts, doc.path)
    return good


def parse_document(doc: Document) -> Sheet:
    """The one sheet of a document (raises SheetError for a binder of several)."""
    parts = parse_parts(doc)
    if len(parts) > 1:
        raise SheetError(doc.path, f"holds {len(parts)} sheets")
    return _one(parts[0], doc)


def parse_parts(doc: Document, limits: ReadLimits | None = None) -> list[Part]:
    """Split the document into its sheets and read each. Never raises for one bad sheet: its
    Part carries the error. Raises SheetError only for a file that cannot be split at all, and
    LimitError for one whose sheets take longer than ``limits.seconds`` to read."""
    limits = limits or ReadLimits()
    deadline = time.monotonic() + limits.seconds
    if doc.sheet is not None:
        # A canonical JSON's id and source are the store's, from the file read: the ``sheet_id``
        # it gives itself stays a claim (``claimed_id``), so no file can take another's sheet.
        sheet = doc.sheet.model_copy(deep=True)
        sheet.sheet_id = doc.sha256[:16]
        sheet.source = Source(path=doc.path, sha256=doc.sha256, format=doc.format)
        sheet.warnings.extend(w for w in checks.verify(sheet) if w not in sheet.warnings)
        part = Part(1, 1, 0, 0, None, doc.sha256)
        return [_checked(part, sheet, doc.path)]
    segments = binder.split(doc.text, doc.page_starts)
    if len(segments) > MAX_SHEETS:
        raise SheetError(doc.path, f"holds {len(segments)} sheets; one file may hold at most {MAX_SHEETS} "
                                   "(split it into one file per 部)")
    count = len(segments)
    parts = []
    for k, seg in enumerate(segments, start=1):
        text = doc.text[seg.start:seg.end]
        body = text.strip()
        lead = len(text) - len(text.lstrip())
        first, last = seg.start + lead, seg.start + lead + max(len(body) - 1, 0)
        pages = tuple(range(doc.page_of(first), doc.page_of(last) + 1)) if len(doc.page_starts) > 1 else None
        sha = doc.sha256 if count == 1 else hashlib.sha256(body.encode("utf-8")).hexdigest()
        part = Part(k, count, seg.start, seg.end, pages, sha)
        if time.monotonic() > deadline:
            raise LimitError(doc.path, f"reading its sheets took longer than {limits.seconds:.0f} s")
        if len(body) > limits.sheet_chars:
            error = SheetError(doc.path, f"one sheet's text is {len(body):,} characters; a sheet has at most "
                                         f"{limits.sheet_chars:,} (a binder the splitter could not cut?)")
            parts.append(Part(**{**part.__dict__, "error": error}))
            continue
        try:
            sheet = _parse_text(text, doc.path)
        except SheetError as e:
            parts.append(Part(**{**part.__dict__, "error": e}))
            continue
        sheet.sheet_id = sha[:16]
        sheet.source = Source(
            path=doc.path, sha256=doc.sha256, format=doc.format,
            **({"part": k, "parts": count, "chars": [seg.start, seg.end],
                "pages": list(pages) if pages else None} if count > 1 else {}),
        )
        if k == count and CUT_NOTE in doc.notes:
            sheet.status = "incomplete"
        if k == count:
            sheet.warnings.extend(n for n in doc.notes if n not in sheet.warnings)
        sheet.warnings.extend(w for w in checks.verify(sheet) if w not in sheet.warnings)
        parts.append(_checked(part, sheet, doc.path))
    return parts


def _checked(part: Part, sheet: Sheet, path: str) -> Part:
    """The part with its sheet validated whole, as the store will hold it: every value within
    the model's bounds (readers set fields after construction), or the one-line reason why not."""
    try:
        return Part(**{**part.__dict__, "sheet": sheet.checked()})
    except ValidationError as e:
        return Part(**{**part.__dict__, "error": SheetError(path, f"invalid sheet at {describe(e)}")})


def _parse_text(text: str, path: str) -> Sheet:
    template = templates.detect(text)
    if template is None:
        raise SheetError(path, templates.refusal(text))
    try:
        return template.parse(text)
    except SheetError as e:
        raise SheetError(path, e.reason) from None
    except ValidationError as e:  # a value the sheet prints beyond the model's bounds
        raise SheetError(path, f"invalid sheet at {describe(e)}") from None


def _one(part: Part, doc: Document) -> Sheet:
    if part.sheet is None:
        raise first_error([part], doc.path)
    return part.sheet


def first_error(parts: list[Part], path: str) -> SheetError:
    """The one-line error for a file none of whose sheets could be read."""
    failed = [p for p in parts if p.error is not None]
    if len(parts) == 1 and failed:
        return SheetError(path, failed[0].reason)
    reasons = "; ".join(f"{p.where}: {p.reason}" for p in failed[:3])
    return SheetError(path, f"none of its {len(parts)} sheets could be read ({reasons})")


def japanese(text: str) -> bool:
    return bool(_JAPANESE.search(text))
