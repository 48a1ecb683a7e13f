"""The canonical JSON itself: the way in for templates nobody has a reader for yet.

Read strictly (issue #14): a number must be a JSON number (``"316799"`` is text, refused), every
value within the bounds of :mod:`ingest.model`, the nesting no deeper than a sheet's own. The
``sheet_id`` a file gives itself is only a claim: it is kept as ``claimed_id`` and the store
derives the id from the file's content (:func:`ingest.parse.parse_parts`).
"""

from __future__ import annotations

import json

from pydantic import ValidationError

from ingest.errors import LimitError, SheetError
from ingest.model import Sheet, describe

MAX_JSON_BYTES = 5 * 2**20  # a canonical sheet is ~10–30 KB; a bigger JSON is something else
MAX_DEPTH = 10  # a sheet nests 6 deep (sheet → indicators → indicator → values → value → number)


def _too_deep(obj: object) -> bool:
    stack = [(obj, 1)]
    while stack:
        o, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(o, dict):
            stack.extend((v, depth + 1) for v in o.values())
        elif isinstance(o, list):
            stack.extend((v, depth + 1) for v in o)
    return False


def read_canonical(data: bytes, name: str) -> Sheet:
    if len(data) > MAX_JSON_BYTES:
        raise LimitError(name, f"JSON is {len(data) / 1e6:.1f} MB; a canonical sheet must be under "
                               f"{MAX_JSON_BYTES // 2**20} MB")
    deep = f"JSON nested too deeply (a canonical sheet nests at most {MAX_DEPTH} levels)"
    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise SheetError(name, "JSON must be UTF-8") from None
    except json.JSONDecodeError as e:
        raise SheetError(name, f"broken JSON (line {e.lineno}, column {e.colno}: {e.msg})") from None
    except RecursionError:
        raise SheetError(name, deep) from None
    if not isinstance(obj, dict) or obj.get("schema") != "sheet/1":
        raise SheetError(name, 'JSON is not a canonical sheet (expected "schema": "sheet/1")')
    if _too_deep(obj):
        raise SheetError(name, deep)
    obj = {"template": "canonical", **obj, "sheet_id": obj.get("sheet_id", "")}
    try:
        sheet = Sheet.model_validate(obj, strict=True)
    except ValidationError as e:
        raise SheetError(name, f"invalid canonical sheet at {describe(e)}") from None
    # the id it gives itself is a claim (kept); the store's id comes from the content
    sheet.claimed_id = sheet.sheet_id or sheet.claimed_id or None
    sheet.sheet_id = ""
    return sheet
