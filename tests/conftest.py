"""Shared fixtures: the ../shared reference files, the cell grader and a PDF builder.

The reference sheets live outside the repository (``../shared``); tests that need them skip with
a reason when the folder is absent instead of failing.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED_TXT = SHARED / "seed" / "koriyama_r7_digital_first.txt"
SEED_EXPECTED = SHARED / "seed" / "koriyama_r7_digital_first.expected.json"
COMPARE_PY = SHARED / "tools" / "compare_sheet.py"
FIXTURES = SHARED / "fixtures"

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def need_shared(*paths: Path) -> None:
    """Skip the calling test when a ../shared reference file is not there."""
    for p in paths:
        if not p.exists():
            pytest.skip(f"reference file {p} is absent (../shared is not checked out)")


def _load_compare():
    need_shared(COMPARE_PY)
    spec = importlib.util.spec_from_file_location("compare_sheet", COMPARE_PY)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def compare_sheet():
    """The ../shared/tools/compare_sheet.py module."""
    return _load_compare()


def grade(expected: dict, actual) -> tuple[int, int, list[tuple[str, object, object]]]:
    """Grade ``actual`` (a Sheet, a JSON string or a dict) against an expected reading.

    Returns (right, total, wrong) where wrong lists (cell label, expected, actual).
    """
    module = _load_compare()
    if hasattr(actual, "to_json"):
        actual = json.loads(actual.to_json())
    elif isinstance(actual, (str, bytes)):
        actual = json.loads(actual)
    cells = module.compare(expected, actual)
    wrong = [(label, e, a) for label, e, a in cells if e != a]
    return len(cells) - len(wrong), len(cells), wrong


def assert_all_cells(expected: dict, actual, what: str = "") -> None:
    right, total, wrong = grade(expected, actual)
    assert total > 0, "nothing graded"
    detail = "\n".join(f"  {label}: expected {e!r}, got {a!r}" for label, e, a in wrong)
    assert not wrong, f"{what}: {right} right of {total} cells; wrong:\n{detail}"


@pytest.fixture(name="grade")
def grade_fixture():
    return grade


@pytest.fixture(scope="session")
def seed_text() -> str:
    need_shared(SEED_TXT)
    return SEED_TXT.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def _seed_expected() -> dict:
    need_shared(SEED_EXPECTED)
    return json.loads(SEED_EXPECTED.read_text(encoding="utf-8"))


@pytest.fixture
def seed_expected(_seed_expected) -> dict:
    """A fresh deep copy each time: variant tests transform it in place."""
    return copy.deepcopy(_seed_expected)


def make_pdf(text: str, path: Path, font_size: float = 9.0) -> Path:
    """Typeset ``text`` as a PDF the way a sheet's text comes out of an extractor.

    One drawString per text line, a blank line is a vertical gap, a new page when the page is
    full (before a run of lines that would not fit, so a paragraph stays on one page). The font
    is reportlab's built-in Japanese CID font (no font file needed).
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "HeiseiKakuGo-W5"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    width, height = A4
    margin = 36.0
    leading = font_size * 1.35
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(font, font_size)
    y = height - margin
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        # A box (a run of filled lines) is never split across pages: the page breaks before it.
        run = 0
        while i + run < len(lines) and lines[i + run].strip():
            run += 1
        need = max(run, 1) * leading
        if y - need < margin and y < height - margin:
            c.showPage()
            c.setFont(font, font_size)
            y = height - margin
        for line in lines[i:i + max(run, 1)]:
            if line.strip():
                c.drawString(margin, y, line)
            y -= leading
        i += max(run, 1)
    c.save()
    return path
