"""Template families. Each module reads one family's extracted text into a Sheet.

A template module exposes ``NAME``, ``detect(text) -> float`` (0 = not this family, 1 = sure)
and ``parse(text) -> Sheet`` (sheet_id and source left for the caller to fill). A new city is
one new module added to ``TEMPLATES``. When none claims a text that its labels show to be an
evaluation sheet, the generic reader takes what it can prove (``generic``).
"""

from __future__ import annotations

import re
from typing import Protocol

from ingest.model import Sheet
from ingest.templates import generic, koriyama_h27, koriyama_r7


class Template(Protocol):
    """What a template module exposes (the modules themselves satisfy it)."""

    NAME: str

    def detect(self, text: str) -> float: ...

    def parse(self, text: str) -> Sheet: ...


TEMPLATES: tuple[Template, ...] = (koriyama_r7, koriyama_h27)
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def detect(text: str) -> Template | None:
    """The template that claims the text most surely; the generic reader for an evaluation
    sheet no template claims; None for anything else."""
    scored = [(t.detect(text), t) for t in TEMPLATES]
    score, best = max(scored, key=lambda st: st[0])
    if score > 0:
        return best
    return generic if generic.detect(text) > 0 else None


def refusal(text: str) -> str:
    """Why a text is no sheet at all, in words a user can act on."""
    if not _JAPANESE.search(text):
        return "not a 事務事業評価 sheet (no Japanese text found)"
    found = generic.labels_found(text)
    if found:
        return ("not a 事務事業評価 sheet (found only " + "・".join(found[:6])
                + "; no project name with figures or an evaluation)")
    return "not a 事務事業評価 sheet (no indicator table or evaluation-sheet labels found)"
