"""Charts for the web UI: what an answer's figures look like over the years or across projects.

* an indicator (one sheet): its plan and actual for every year the sheet gives, as bars;
* costs (one sheet): the cost rows the answer names, every year of the sheet's cost table,
  the years after the evaluated one marked 計画 (budget), the others 実績;
* figures of several projects (a ranking, a list of indicators that missed their plan): bars,
  one per project;
* one row's trend in several projects (「人件費の推移」 with no project named): a panel per project,
  each with its own years (a 2015 sheet beside a 2024 one share no axis).

Every text is at least ``MIN_PT`` at ``FIG_WIDTH`` × ``DPI``, which is 12 px or more once the
browser shrinks the PNG into the right column at 1366×768; the PNG records its smallest text (in
image pixels) under ``MIN_FONT_KEY`` so that the browser test can check it as shown. The note on
hatched (budget) bars appears only when a bar is hatched.

Only drawing: the values are the answer's facts or the rows of the sheets they cite. Figures are
``matplotlib.figure.Figure`` objects (no pyplot state, safe in the server's worker threads).
Drawing one costs a few hundred milliseconds of CPU, so :func:`chart_png` keeps each rendered
chart as a PNG named by what it shows (a sheet id names its content, so the same sheet row always
draws the same picture) and draws it once.

Japanese labels need a Japanese font: the first one installed is used (IPAex / IPA / Noto CJK /
Takao …, including the IPAexGothic that the ``japanize-matplotlib`` package ships, found without
importing it); with none, labels fall back to ASCII so that nothing shows as empty boxes.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator

from assistant.answer import NOT_FIGURES, Answer, Fact
from ingest.model import Sheet
from ingest.vocabulary import COST_FIELDS, COST_UNITS, THOUSAND_YEN, YEN

SheetLookup = Callable[[str], Sheet | None]

_JA_FAMILIES = (
    "IPAexGothic", "IPAGothic", "IPAPGothic", "Noto Sans CJK JP", "Noto Sans JP", "Source Han Sans JP",
    "TakaoGothic", "TakaoPGothic", "VL Gothic", "Yu Gothic", "Meiryo", "Hiragino Sans", "MS Gothic",
)
# Sizes: the PNG is FIG_WIDTH inches at DPI, shown about 480 px wide in the right column at
# 1366×768 (scale ≈ 0.64); MIN_PT there is ≈ 13 px, and every text of a chart is at least that.
FIG_WIDTH = 5.0
DPI = 150
MIN_PT = 10.0
TITLE_PT = 11.0
MIN_FONT_KEY = "sheetqa-min-font-px"  # PNG text chunk: the smallest text, in pixels of the image
PLAN_COLOR = "#9ecae1"
ACTUAL_COLOR = "#2171b5"
BUDGET_HATCH = "//"


@functools.cache
def japanese_font() -> str | None:
    """The family name of an installed Japanese font, or None (then labels are ASCII)."""
    try:
        spec = importlib.util.find_spec("japanize_matplotlib")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        for base in spec.submodule_search_locations:
            for ttf in Path(base).glob("fonts/*.ttf"):
                try:
                    font_manager.fontManager.addfont(str(ttf))
                except (OSError, RuntimeError, ValueError):
                    pass
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in _JA_FAMILIES:
        if family in installed:
            return family
    return None


def _figure(height: float = 3.2, left: float = 0.13) -> Figure:
    # fixed margins: a layout engine would cost more than the drawing itself
    fig = Figure(figsize=(FIG_WIDTH, height), dpi=DPI)
    fig.subplots_adjust(left=left, right=0.97, top=1 - 0.62 / height, bottom=0.72 / height)
    return fig


def _text_width(text: str, points: float) -> float:
    """Rough width in inches: a wide (CJK) character is 1 em, others about 0.6."""
    ems = sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6 for ch in text)
    return ems * points / 72


def _fit_title(text: str, points: float = TITLE_PT, width: float = FIG_WIDTH - 0.3) -> str:
    """The title on two lines when one would run off the figure (split at the widest gap: 　 or 「)."""
    if _text_width(text, points) <= width:
        return text
    for sep in ("　", "「", "（"):
        head, found, tail = text.partition(sep)
        if found and head:
            tail = (found if sep != "　" else "") + tail
            return head + "\n" + (tail if _text_width(tail, points) <= width else _shorten(tail, points, width))
    return _shorten(text, points, width)


def _shorten(text: str, points: float, width: float) -> str:
    while len(text) > 4 and _text_width(text + "…", points) > width:
        text = text[:-1]
    return text + "…"


def _style(fig: Figure, horizontal: bool = False) -> None:
    """Grid, spines, tick sizes, and the Japanese font on every text of the figure."""
    family = japanese_font()
    for ax in fig.axes:
        ax.grid(axis="x" if horizontal else "y", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.tick_params(labelsize=MIN_PT)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    if family:
        for text in fig.findobj(Text):
            text.set_fontfamily([family, "DejaVu Sans"])


def min_font_points(fig: Figure) -> float:
    """The smallest size of any text the figure shows (the browser test's ≥ 12 px rests on it)."""
    # matplotlib types the size as float | str (what set_fontsize takes); a Text gives it in points
    sizes = [float(t.get_fontsize()) for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return min(sizes) if sizes else MIN_PT


def _label(ja: str, en: str) -> str:
    return ja if japanese_font() else en


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() or abs(v) >= 100 else f"{v:,.1f}"


def _annotate(ax: Axes, bars: BarContainer, values: Sequence[float | None]) -> None:
    for bar, v in zip(bars, values, strict=True):
        if v is None:
            continue
        ax.annotate(_fmt(v), (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va="bottom",
                    fontsize=MIN_PT, xytext=(0, 2), textcoords="offset points")


def _top(fig: Figure, title: str, legend: bool) -> None:
    """Room above the axes for the title (one or two lines) and a legend row, in inches → fraction."""
    height = fig.get_figheight()
    need = 0.12 + (title.count("\n") + 1) * TITLE_PT * 1.35 / 72 + (MIN_PT * 2.0 / 72 if legend else 0.05)
    fig.subplots_adjust(top=1 - need / height)


def _fit_left(fig: Figure, top: float) -> None:
    """A left margin wide enough for the longest y tick label (the axis top, e.g. 350,000)."""
    fig.subplots_adjust(left=min(0.3, (_text_width(f"{top:,.0f}", MIN_PT) + 0.22) / FIG_WIDTH))


def _legend(ax: Axes, ncols: int) -> None:
    ax.legend(fontsize=MIN_PT, frameon=False, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=ncols,
              borderaxespad=0.1, handlelength=1.2, columnspacing=1.0)


def _budget_note(ax: Axes, hatched: bool) -> None:
    """The x-axis label; the hatch is explained only when some bar carries it."""
    ax.set_xlabel(_label("年度（斜線は評価年度より後の計画）", "fiscal year (hatched = budget)") if hatched
                  else _label("年度", "fiscal year"), fontsize=MIN_PT)


# ----------------------------------------------------------------------------- one sheet


def indicator_chart(sheet: Sheet, row: str, highlight: set[int] | None = None) -> Figure | None:
    ind = next((i for i in sheet.indicators if i.label == row), None)
    if ind is None:
        return None
    values = [v for v in ind.values if v.plan is not None or v.actual is not None]
    if not values:
        return None
    fig = _figure(3.5)
    title = _fit_title(_label(f"{sheet.project.name or ''}　{ind.label}「{ind.name or ''}」"
                              + (f"（{ind.unit}）" if ind.unit else ""), f"{ind.kind} #{ind.no} (plan / actual)"))
    fig.suptitle(title, fontsize=TITLE_PT, x=0.02, ha="left", y=0.99, va="top")
    _top(fig, title, legend=True)
    ax = fig.add_subplot()
    xs = list(range(len(values)))
    w = 0.38
    plans = [v.plan for v in values]
    actuals = [v.actual for v in values]
    b1 = ax.bar([x - w / 2 for x in xs], [p or 0 for p in plans], w, label=_label("計画", "plan"), color=PLAN_COLOR)
    b2 = ax.bar([x + w / 2 for x in xs], [a or 0 for a in actuals], w, label=_label("実績", "actual"),
                color=ACTUAL_COLOR)
    if len(values) <= 4:  # wider groups: both labels fit
        _annotate(ax, b1, plans)
    else:
        _annotate(ax, b1, [p if a is None else None for p, a in zip(plans, actuals, strict=True)])
    _annotate(ax, b2, actuals)
    ax.set_xticks(xs, [f"{v.fy}" + ("*" if highlight and v.fy in highlight else "") for v in values])
    ax.set_xlabel(_label("年度（* は回答の年度）", "fiscal year (* = asked)") if highlight else _label("年度", "fiscal year"),
                  fontsize=MIN_PT)
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:,.0f}")
    ax.yaxis.set_major_locator(MaxNLocator(4))
    top = max([v for v in plans + actuals if v is not None] or [0])
    ax.set_ylim(0, top * 1.2 or 1)
    _fit_left(fig, top * 1.2)
    _legend(ax, 2)
    _style(fig)
    return fig


def cost_chart(sheet: Sheet, fields: list[str]) -> Figure | None:
    fields = [f for f in dict.fromkeys(fields) if f in COST_FIELDS]
    costs = [c for c in sheet.costs if any(getattr(c, f) is not None for f in fields)]
    if not fields or not costs:
        return None
    yen = all(COST_UNITS[f] == YEN for f in fields)
    if not yen:
        fields = [f for f in fields if COST_UNITS[f] != YEN]
    fields = fields[:4]
    fig = _figure(3.5)
    unit = _label(YEN, "yen") if yen else _label(THOUSAND_YEN, "k yen")
    names = "・".join(COST_FIELDS[f] for f in fields)
    title = _fit_title(_label(f"{sheet.project.name or ''}　{names}の推移（{unit}）", f"costs ({unit})"))
    fig.suptitle(title, fontsize=TITLE_PT, x=0.02, ha="left", y=0.99, va="top")
    _top(fig, title, legend=len(fields) > 1)
    ax = fig.add_subplot()
    xs = list(range(len(costs)))
    w = 0.8 / len(fields)
    palette = ["#2171b5", "#fd8d3c", "#74c476", "#9e9ac8"]
    target = sheet.target_fy
    hatched = False
    for n, f in enumerate(fields):
        vals = [getattr(c, f) for c in costs]
        bars = ax.bar([x - 0.4 + w / 2 + n * w for x in xs], [v or 0 for v in vals], w,
                      label=_label(COST_FIELDS[f], f), color=palette[n % len(palette)])
        for bar, c in zip(bars, costs, strict=True):
            if target is not None and c.fy > target:
                bar.set_hatch(BUDGET_HATCH)
                bar.set_alpha(0.55)
                hatched = True
        if len(fields) == 1 and len(costs) <= 6:  # more labels than that run into each other
            _annotate(ax, bars, vals)
    ax.set_xticks(xs, [f"{c.fy}" for c in costs])
    _budget_note(ax, hatched)
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:,.0f}")
    ax.yaxis.set_major_locator(MaxNLocator(4))
    top = max([getattr(c, f) or 0 for c in costs for f in fields] or [0])
    ax.set_ylim(0, top * 1.2 or 1)
    _fit_left(fig, top * 1.2)
    if len(fields) > 1:
        _legend(ax, len(fields))
    _style(fig)
    return fig


# ----------------------------------------------------------------------------- several projects


def trends_chart(series: list[tuple[str, list[tuple[int, float, bool]]]], title: str) -> Figure | None:
    """One panel per project, its years as bars (hatched: a budget year after the evaluated one).

    ``series`` is (project, [(fy, value, planned)]): several projects' trends of one row, whose
    years need not overlap (a 2015 sheet beside a 2024 one), so each keeps its own axis."""
    series = [(name, pts) for name, pts in series if pts][:4]
    if not series:
        return None
    panel = 1.55
    height = 0.75 + panel * len(series)
    fig = Figure(figsize=(FIG_WIDTH, height), dpi=DPI)
    fig.subplots_adjust(left=0.13, right=0.97, top=1 - 0.55 / height, bottom=0.5 / height, hspace=0.95)
    fig.suptitle(_fit_title(title), fontsize=TITLE_PT, x=0.02, ha="left", y=1 - 0.08 / height, va="top")
    hatched = False
    for n, (name, pts) in enumerate(series):
        ax = fig.add_subplot(len(series), 1, n + 1)
        xs = list(range(len(pts)))
        bars = ax.bar(xs, [v for _, v, _ in pts], 0.6, color=ACTUAL_COLOR)
        for bar, (_, _, planned) in zip(bars, pts, strict=True):
            if planned:
                bar.set_hatch(BUDGET_HATCH)
                bar.set_alpha(0.55)
                hatched = True
        if len(pts) <= 6:
            _annotate(ax, bars, [v for _, v, _ in pts])
        ax.set_xticks(xs, [str(fy) for fy, _, _ in pts])
        ax.set_title(_shorten(name, MIN_PT, FIG_WIDTH - 0.5) if _text_width(name, MIN_PT) > FIG_WIDTH - 0.5 else name,
                     fontsize=MIN_PT, loc="left")
        ax.yaxis.set_major_formatter(lambda v, _: f"{v:,.0f}")
        ax.yaxis.set_major_locator(MaxNLocator(3))
        ax.set_ylim(0, max(v for _, v, _ in pts) * 1.3 or 1)
    _fit_left(fig, max(v for _, pts in series for _, v, _ in pts) * 1.3)
    if hatched:  # the note under the last panel's years, not on them
        fig.subplots_adjust(bottom=0.8 / height)
        fig.text(0.02, 0.1 / height, _label("斜線は評価年度より後の計画", "hatched = budget"), fontsize=MIN_PT)
    _style(fig)
    return fig


def _short_name(name: str, limit: int = 15) -> str:
    """A bar's label within ``limit`` characters, keeping a trailing （year） whole."""
    head, sep, year = name.rpartition("（")
    tail = sep + year if sep and year.endswith("）") and len(year) <= 6 else ""
    base = head if tail else name
    room = limit - len(tail)
    return (base if len(base) <= room else base[: room - 1] + "…") + tail


def comparison_chart(facts: list[Fact], title: str) -> Figure | None:
    """Horizontal bars, one per fact (a project's figure), the order of the answer kept."""
    numbered = [(f, float(f.value)) for f in facts if isinstance(f.value, int | float) and not isinstance(f.value, bool)]
    if len(numbered) < 2:
        return None
    numbered = numbered[:20]
    facts = [f for f, _ in numbered]
    values = [v for _, v in numbered]
    names = []
    for f in facts:
        name = f.project or f.sheet_id
        if f.row and f.field == "rate":
            name += f"　{f.row}"
        names.append(name if japanese_font() else f.sheet_id + (f" {f.fy}" if f.fy else ""))
    names = [_short_name(n) for n in names]
    height = max(2.4, 0.36 * len(facts) + 1.2)
    left = min(0.5, (max(_text_width(n, MIN_PT) for n in names) * 1.05 + 0.2) / FIG_WIDTH)
    fig = _figure(height, left)
    title = _fit_title(title)
    fig.subplots_adjust(bottom=0.5 / height, right=0.84)
    fig.suptitle(title, fontsize=TITLE_PT, x=0.02, ha="left", y=1 - 0.08 / height, va="top")
    _top(fig, title, legend=False)
    ax = fig.add_subplot()
    ys = list(range(len(facts)))[::-1]
    bars = ax.barh(ys, values, color=ACTUAL_COLOR, height=0.6)
    for bar, v in zip(bars, values, strict=True):
        ax.annotate(_fmt(v), (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                    va="center", fontsize=MIN_PT, xytext=(3, 0), textcoords="offset points")
    ax.set_yticks(ys, names)
    if facts[0].field == "rate":
        ax.axvline(100, color="#cb181d", linewidth=0.8, linestyle="--")
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:,.0f}")
    ax.xaxis.set_major_locator(MaxNLocator(4))
    _style(fig, horizontal=True)
    top = max(values)
    ax.set_xlim(0, max(top, 110.0) if facts[0].field == "rate" else top or 1)
    return fig


# ----------------------------------------------------------------------------- choose


Plan = tuple[tuple[object, ...], Callable[[], Figure | None]]


def chart_plan(answer: Answer, sheet: SheetLookup) -> Plan | None:
    """What to draw for an answer: (a key naming the picture, a function drawing it), or None."""
    facts = [f for f in answer.facts if f.sheet_id != "*" and f.field not in NOT_FIGURES]
    if not facts or not answer.answerable:
        return None
    sheets = list(dict.fromkeys(f.sheet_id for f in facts))
    if len(sheets) > 1:
        rates = [f for f in facts if f.field == "rate"]
        first = facts[0].field
        chosen = rates or [f for f in facts if f.field == first]
        label = chosen[0].indicator or chosen[0].row or first
        unit = f"（{chosen[0].unit}）" if chosen[0].unit else ""
        per_sheet = {sid: [f for f in chosen if f.sheet_id == sid] for sid in sheets}
        if not rates and all(len({f.fy for f in fs}) >= 2 for fs in per_sheet.values() if fs):
            title = _label(f"{label}の推移{unit}", f"{first} by year")

            def draw_trends() -> Figure | None:
                series = []
                for sid, fs in per_sheet.items():
                    s = sheet(sid)
                    target = s.target_fy if s is not None else None
                    pts = sorted({f.fy: (f.fy, float(f.value), target is not None and f.fy > target)
                                  for f in fs if f.fy is not None and isinstance(f.value, int | float)
                                  and not isinstance(f.value, bool)}.values())
                    series.append((fs[0].project or sid if japanese_font() else sid, pts))
                return trends_chart(series, title)

            key = ("trends", title, *((f.sheet_id, f.fy, f.field, f.value) for f in chosen))
            return key, draw_trends
        title = (_label("計画に対する達成率（%）", "achievement vs plan (%)") if rates
                 else _label(f"{label}{unit}", first))
        if len({f.fy for f in chosen}) > 1:  # years differ between projects: say which is which
            chosen = [f.model_copy(update={"project": f"{f.project or f.sheet_id}（{f.fy}）"}) if f.fy else f
                      for f in chosen]
        key = ("compare", title, *((f.sheet_id, f.project, f.row, f.fy, f.field, f.value, f.unit) for f in chosen))
        return key, lambda: comparison_chart(chosen, title)
    ind = next((f for f in facts if f.field in ("plan", "actual", "rate") and f.row), None)
    if ind is not None:
        years = sorted({f.fy for f in facts if f.fy is not None})

        def draw_indicator() -> Figure | None:
            s = sheet(sheets[0])
            return None if s is None else indicator_chart(s, ind.row or "", set(years))

        return ("indicator", sheets[0], ind.row, *years), draw_indicator
    cost_fields = list(dict.fromkeys(
        f.field.removesuffix("_change") for f in facts if f.field.removesuffix("_change") in COST_FIELDS))
    if cost_fields:
        def draw_costs() -> Figure | None:
            s = sheet(sheets[0])
            return None if s is None else cost_chart(s, cost_fields)

        return ("costs", sheets[0], *cost_fields), draw_costs
    return None


def chart_for(answer: Answer, sheet: SheetLookup) -> Figure | None:
    """The chart an answer calls for, or None (a single word, a quote, nothing numeric)."""
    plan = chart_plan(answer, sheet)
    return None if plan is None else plan[1]()


def chart_png(answer: Answer, sheet: SheetLookup, folder: Path) -> Path | None:
    """The answer's chart as a PNG in ``folder``, drawn only the first time that picture is asked for."""
    plan = chart_plan(answer, sheet)
    if plan is None:
        return None
    key, draw = plan
    digest = hashlib.sha256(repr((key, japanese_font(), FIG_WIDTH, DPI, MIN_PT)).encode()).hexdigest()[:24]
    path = folder / f"chart-{digest}.png"
    if path.exists():
        return path
    fig = draw()
    if fig is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.{id(fig)}.tmp")
    fig.savefig(tmp, format="png", metadata={MIN_FONT_KEY: f"{min_font_points(fig) * DPI / 72:.1f}"})
    os.replace(tmp, path)  # whole or absent, even with two threads drawing the same chart
    return path
