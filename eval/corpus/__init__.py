"""Synthetic koriyama-r7 sheets with known answers: a city's worth of 事務事業マネジメントシート.

Generation is pure: ``generate(n, seed)`` draws a city of projects from ``random.Random`` and
yields one ``SheetSpec`` per (project, evaluated year): the truth ``Sheet`` (canonical
``sheet/1``) and the ``Layout`` facts only the printed page needs (codes, wrap widths,
blemishes). ``render_text`` prints a spec the way a PDF extractor gives the seed sheet
(``../shared/seed/koriyama_r7_digital_first.txt``, line by line: blank cells dropped, indicator
names far from their rows); ``render_pdf`` typesets that text. ``write_corpus`` is the only I/O.

A project is a timeline (2020–2029) shared by all of its sheets, so the 2023 actual a 2024
sheet prints is the one the 2023 sheet printed; city-wide 対象指標 (市民, 65歳以上の市民 …) are the
same series in every sheet that uses them.

The modules, each one job:

  bank      the content bank: the texts and words drawn from, read once from ``data/*.toml``
            (themes with their projects, indicators and sentences; shared sentences, districts,
            city-wide series; results and their weights; the sentences around a sheet's figures)
  figures   figures and years as the sheets write them (令和６年度, 72.4％, 12ポイント)
  world     the city and its projects: one timeline per project, its indicators and money
  prose     the prose sections, written around the sheet's own figures
  sheet     one R7 sheet's truth and layout, and ``generate`` (the sheets of a city)
  text      an R7 sheet as extracted text
  pdf       texts typeset as PDF
  h27       koriyama-h27 sheets (the 平成 family) with the traps real sheets show
  generic   other cities' full-cost sheets in four text shapes
  binder    many sheets in one file
  write     the corpus on disk: sheet files, truth JSON, manifest
  cli       ``python -m eval corpus``

This package re-exports what callers use, so ``from eval.corpus import write_corpus`` (and the
rest below) reads the same as before the split.
"""

from __future__ import annotations

from eval.corpus.bank import (
    ACTIVITY_CLOSING,
    AREAS,
    BREAKABLE,
    CITY_SERIES,
    GENERIC,
    GENERIC_CITIES,
    KAIZEN_NEEDS,
    NON_TERMINAL,
    OUTCOME_CLOSING,
    PAGE_HEADERS,
    PERSONNEL_DOWN,
    PERSONNEL_FLAT,
    PERSONNEL_UP,
    PLAN_CATEGORIES,
    RESULT_CLOSING,
    TERMINAL,
    THEME_BY_KEY,
    THEMES,
    TIMING_ACTIONS,
    IndicatorTemplate,
    Subject,
    Theme,
)
from eval.corpus.binder import BINDER_STYLES, bind
from eval.corpus.figures import (
    DECIMAL_UNITS,
    diff_unit,
    era_fw,
    fullwidth,
    fy_fw,
    lower_is_better,
    round_half_up,
    with_unit,
)
from eval.corpus.generic import GENERIC_LAYOUTS, GenericSpec, build_generic, generic_specs, render_generic
from eval.corpus.h27 import H27_TEMPLATE, H27_TRAPS, H27Spec, build_h27, h27_specs, render_h27
from eval.corpus.pdf import render_pdf, render_pdf_pages
from eval.corpus.prose import indicator_sentence
from eval.corpus.sheet import (
    PROSE_KEYS,
    TEMPLATE,
    WIDTHS,
    Layout,
    SheetSpec,
    build_sheet,
    generate,
    revenue_assignments,
)
from eval.corpus.text import _width, cost_rows, indicator_rows, render_text, wrap
from eval.corpus.world import (
    CITY,
    FIRST_FY,
    LAST_FY,
    MUNICIPALITY,
    TARGET_YEARS,
    Series,
    Timeline,
    loguniform,
    money_plan,
    new_timeline,
    nice,
    weighted,
)
from eval.corpus.write import SUFFIX, read_manifest, write_corpus

__all__ = [
    # bank
    "ACTIVITY_CLOSING", "AREAS", "BREAKABLE", "CITY_SERIES", "GENERIC", "GENERIC_CITIES", "KAIZEN_NEEDS",
    "NON_TERMINAL", "OUTCOME_CLOSING", "PAGE_HEADERS", "PERSONNEL_DOWN", "PERSONNEL_FLAT", "PERSONNEL_UP",
    "PLAN_CATEGORIES", "RESULT_CLOSING", "TERMINAL", "THEME_BY_KEY", "THEMES", "TIMING_ACTIONS",
    "IndicatorTemplate", "Subject", "Theme",
    # figures
    "DECIMAL_UNITS", "diff_unit", "era_fw", "fullwidth", "fy_fw", "lower_is_better", "round_half_up", "with_unit",
    # world
    "CITY", "FIRST_FY", "LAST_FY", "MUNICIPALITY", "TARGET_YEARS", "Series", "Timeline", "loguniform",
    "money_plan", "new_timeline", "nice", "weighted",
    # prose, sheet
    "indicator_sentence", "PROSE_KEYS", "TEMPLATE", "WIDTHS", "Layout", "SheetSpec", "build_sheet", "generate",
    "revenue_assignments",
    # text, pdf
    "_width", "cost_rows", "indicator_rows", "render_text", "wrap", "render_pdf", "render_pdf_pages",
    # h27, generic, binder
    "H27_TEMPLATE", "H27_TRAPS", "H27Spec", "build_h27", "h27_specs", "render_h27",
    "GENERIC_LAYOUTS", "GenericSpec", "build_generic", "generic_specs", "render_generic",
    "BINDER_STYLES", "bind",
    # write
    "SUFFIX", "read_manifest", "write_corpus",
]
