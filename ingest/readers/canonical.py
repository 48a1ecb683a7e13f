"""The canonical JSON itself: the way in for templates nobody has a reader for yet."""

from __future__ import annotations

import json

from pydantic import ValidationError

from ingest.errors import SheetError
from ingest.model import Sheet


def read_canonical(data: bytes, name: str) -> Sheet:
    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise SheetError(name, "JSON must be UTF-8") from None
    except json.JSONDecodeError as e:
        raise SheetError(name, f"broken JSON (line {e.lineno}, column {e.colno}: {e.msg})") from None
    if not isinstance(obj, dict) or obj.get("schema") != "sheet/1":
        raise SheetError(name, 'JSON is not a canonical sheet (expected "schema": "sheet/1")')
    obj.setdefault("template", "canonical")
    obj.setdefault("sheet_id", "")
    try:
        return Sheet.model_validate(obj)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise SheetError(name, f"invalid canonical sheet at {where or 'top'}: {first['msg']}") from None
