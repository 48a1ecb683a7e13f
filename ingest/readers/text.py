"""Text files: UTF-8 (with or without BOM), UTF-16 with BOM, or CP932/Shift_JIS, detected."""

from __future__ import annotations

from ingest.errors import SheetError

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters: an image, an archive, an Office file."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(head) * 0.02


def decode_text(data: bytes, name: str) -> str:
    """Decode sheet text. UTF-8 is tried first: CP932 bytes almost never form valid UTF-8."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return _clean(data.decode(enc))
            except UnicodeDecodeError:
                raise SheetError(name, f"starts with a {enc} byte-order mark but does not decode as {enc}") from None
    if looks_binary(data):
        raise SheetError(name, "binary file, not text, PDF or JSON")
    for enc in ("utf-8", "cp932"):
        try:
            return _clean(data.decode(enc))
        except UnicodeDecodeError:
            continue
    raise SheetError(name, "text is neither UTF-8 nor CP932 (Shift_JIS); save it as UTF-8 and try again")


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
