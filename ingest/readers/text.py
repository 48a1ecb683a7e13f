"""Text files: UTF-8 (with or without BOM), UTF-16 (with a BOM, or without one: told by its
characters), or CP932/Shift_JIS, detected."""

from __future__ import annotations

from ingest.errors import SheetError

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
CUT_NOTE = "ファイルの末尾が文字の途中で切れています（途中までのファイルです）"


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters: an image, an archive, an Office file."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(head) * 0.02


def decode_text(data: bytes, name: str) -> tuple[str, tuple[str, ...]]:
    """Decode sheet text, with notes on what was odd. UTF-8 is tried first: CP932 bytes almost
    never form valid UTF-8. A UTF-8 file cut inside its last character (a file cut at a byte
    count) is read up to that character and says so."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return _clean(data.decode(enc)), ()
            except UnicodeDecodeError:
                raise SheetError(name, f"starts with a {enc} byte-order mark but does not decode as {enc}") from None
    if looks_binary(data):
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise SheetError(name, "binary file, not text, PDF or JSON")
        return _clean(utf16), ()
    try:
        return _clean(data.decode("utf-8")), ()
    except UnicodeDecodeError as e:
        if e.start >= len(data) - 3 and e.reason == "unexpected end of data":
            return _clean(data[: e.start].decode("utf-8")), (CUT_NOTE,)
    try:
        return _clean(data.decode("cp932")), ()
    except UnicodeDecodeError:
        pass
    raise SheetError(name, "text is neither UTF-8 nor CP932 (Shift_JIS); save it as UTF-8 and try again")


def _plausible(ch: str) -> bool:
    """A character a sheet's text is made of: printable ASCII, kana, kanji, CJK punctuation and
    full-width forms, whitespace."""
    o = ord(ch)
    return (0x20 <= o < 0x7F or ch in "\t\n\r\f" or 0x3000 <= o <= 0x30FF or 0x4E00 <= o <= 0x9FFF
            or 0xFF00 <= o <= 0xFFEF or 0x2000 <= o <= 0x27BF or 0x00A0 <= o <= 0x00FF)


def _utf16_without_bom(data: bytes) -> str | None:
    """Text saved as UTF-16 without a byte-order mark (some Windows tools write it): its NUL bytes
    made it look binary. Taken as UTF-16 only when nearly every character is one a sheet holds;
    random bytes read as UTF-16 are mostly rare code points and control characters."""
    even = data[: len(data) // 2 * 2]
    head = even[:16384]
    # ASCII (line breaks, digits, spaces) puts its NUL in the high byte: the odd bytes for LE
    nul_odd, nul_even = head[1::2].count(0), head[0::2].count(0)
    for enc in ("utf-16-le", "utf-16-be") if nul_odd >= nul_even else ("utf-16-be", "utf-16-le"):
        sample = head.decode(enc, errors="replace")  # the head may end inside a surrogate pair
        if sample and sum(map(_plausible, sample)) >= 0.98 * len(sample):
            try:
                return even.decode(enc)
            except UnicodeDecodeError:
                return None
    return None


def pages(text: str) -> tuple[str, tuple[int, ...]]:
    """Form feeds (a PDF extractor's page breaks) become line breaks; where each page begins is kept."""
    if "\f" not in text:
        return text, (0,)
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\f" and i + 1 < len(text):
            starts.append(i + 1)
    return text.replace("\f", "\n"), tuple(starts)


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
