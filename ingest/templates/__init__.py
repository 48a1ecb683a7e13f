"""Template families. Each module reads one family's extracted text into a Sheet.

A template module exposes ``NAME``, ``detect(text) -> float`` (0 = not this family, 1 = sure)
and ``parse(text) -> Sheet`` (sheet_id and source left for the caller to fill). A new city is
one new module added to ``TEMPLATES``.
"""

from __future__ import annotations

from types import ModuleType

from ingest.templates import koriyama_h27, koriyama_r7

TEMPLATES: tuple[ModuleType, ...] = (koriyama_r7, koriyama_h27)


def detect(text: str) -> ModuleType | None:
    """The template that claims the text most surely, or None."""
    scored = [(t.detect(text), t) for t in TEMPLATES]
    score, best = max(scored, key=lambda st: st[0])
    return best if score > 0 else None
