"""Helpers shared by templates: text lines, value rows, label matching, order-preserving placement.

A PDF extractor keeps a table row's filled cells but drops its blanks, so a row of n values in
a grid of m slots could sit in C(m, n) ways. ``embeddings`` enumerates them; the templates score
each with what the sheet itself says (arithmetic, prose, layout) and keep the best.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ingest.normalize import Number, is_number, nfkc, parse_number


@dataclass(frozen=True)
class Line:
    no: int  # 0-based position in the text
    raw: str  # as extracted (what citations quote)
    norm: str  # NFKC, trimmed, inner spaces collapsed (what matching uses)

    @property
    def key(self) -> str:
        """The line without any spaces, for matching labels."""
        return self.norm.replace(" ", "")


def split_lines(text: str) -> list[Line]:
    out = []
    for i, raw in enumerate(text.split("\n")):
        norm = re.sub(r"\s+", " ", nfkc(raw)).strip()
        out.append(Line(i, raw.rstrip(), norm))
    return out


@dataclass(frozen=True)
class ValueRow:
    """A printed table row: a unit followed by the filled cells, blanks dropped."""

    line: Line
    unit: str
    values: tuple[Number, ...]


_UNIT_RE = re.compile(r"^[^\d\s△▲\-−,.]{1,8}$")


def value_row(line: Line, bare_units: Sequence[str] = ()) -> ValueRow | None:
    """Read ``件 626 343 …`` as a row; a bare unit only when listed in ``bare_units``."""
    parts = line.norm.split(" ")
    if not parts or not _UNIT_RE.match(parts[0]):
        return None
    cells = parts[1:]
    if not cells:
        return ValueRow(line, parts[0], ()) if parts[0] in bare_units else None
    if not all(is_number(c) for c in cells):
        return None
    numbers = tuple(n for c in cells if (n := parse_number(c)) is not None)
    return ValueRow(line, parts[0], numbers) if len(numbers) == len(cells) else None


def embeddings(n: int, m: int) -> Iterator[tuple[int, ...]]:
    """Every order-preserving way to put n values into m slots (slot index per value)."""
    if n > m:
        return iter(())
    return itertools.combinations(range(m), n)


def leading_int(line: Line) -> int | None:
    m = re.match(r"^(\d+)(?:\s|$)", line.norm)
    return int(m.group(1)) if m else None


def has_prose(s: str) -> bool:
    """Sentences, not labels: Japanese punctuation, or a line too long for any label."""
    return "。" in s or "、" in s or (len(s) >= 48 and s.count(" ") <= 2)


def groups(lines: list[Line]) -> list[list[Line]]:
    """The extractor's text boxes: runs of non-empty lines between blank lines.

    pdfminer separates boxes with a blank line. A text with (almost) no blank lines came from
    another extractor: there every line is its own group, and runs of sentence lines are joined.
    """
    filled = [line for line in lines if line.key]
    if len(lines) - len(filled) >= len(filled) * 0.2:
        out: list[list[Line]] = []
        run: list[Line] = []
        for line in lines:
            if line.key:
                run.append(line)
            elif run:
                out.append(run)
                run = []
        return out + ([run] if run else [])
    out = []
    for line in filled:
        if out and has_prose(out[-1][-1].norm) and not out[-1][-1].norm.endswith("。") and (
            has_prose(line.norm) or len(line.key) >= 8
        ):
            out[-1].append(line)
        else:
            out.append([line])
    return out


def compact(s: str) -> str:
    """Strip every kind of space: labels arrive with stray ones."""
    return re.sub(r"\s+", "", nfkc(s))
