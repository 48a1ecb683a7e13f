"""The one error a user sees when a file cannot be read as a sheet."""

from __future__ import annotations


class SheetError(Exception):
    """A file that cannot become a sheet, with a reason a user can act on.

    str() gives one line: ``sheet.pdf: not a 事務事業評価 sheet (no indicator table found)``.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class LimitError(SheetError):
    """A file refused for what reading it would cost: too many pages, characters or decoded
    bytes, too long to read, too much memory (a decompression bomb, a hostile PDF). The build
    reports it ``refused``; nothing of it is stored."""
