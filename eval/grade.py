"""Grade parsed sheets against their truth, cell by cell, and find the silent errors.

The graded cells and the rules are those of the shared ``compare_sheet.py`` (kept self-contained
here: the product must not need ``../shared``): project name/department/section, target_fy,
every indicator's kind/no/name/unit and plan/actual per fiscal year, every cost field per fiscal
year, the evaluation results. A cell the truth leaves null or does not hold is not graded.
Indicators are paired by (kind, no), falling back to the closest name (ratio ≥ 0.6). Strings
compare after NFKC with spaces removed; whole floats compare as integers.

A wrong cell is *silent* when nothing tells the reader to doubt it: its sheet's ``warnings`` do
not name the row (the truth indicator's label such as 活動指標②, or the cost row's label from
``ingest.model.COST_FIELDS``). Project, target_fy and evaluation cells are silent whenever wrong.
A file the parser refused (``SheetError``) counts its cells wrong but loud.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ingest.model import COST_FIELDS, Indicator, Sheet

TARGET_PCT = 99.5
ALWAYS_SILENT = ""  # the row label of cells no warning can excuse


def norm(v: object) -> object:
    if isinstance(v, str):
        return unicodedata.normalize("NFKC", v).replace(" ", "").replace("\u3000", "")
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


@dataclass(frozen=True)
class Cell:
    key: str  # e.g. activity2.2024.plan, cost.2024.total_cost, project.name
    row: str  # the label a warning must name to make a wrong cell loud ("" = always silent)
    expected: object
    actual: object

    @property
    def right(self) -> bool:
        return self.expected == self.actual


def _ratio(a: Indicator, b: Indicator) -> float:
    return difflib.SequenceMatcher(None, str(norm(a.name or "")), str(norm(b.name or ""))).ratio()


def pair_indicators(expected: list[Indicator],
                    actual: list[Indicator]) -> list[tuple[Indicator, Indicator | None]]:
    pairs, free = [], list(actual)
    for e in expected:
        m = next((a for a in free if a.kind == e.kind and a.no == e.no), None)
        if m is None and free:
            m = max(free, key=lambda a: _ratio(a, e))
            if _ratio(m, e) < 0.6:
                m = None
        if m is not None:
            free.remove(m)
        pairs.append((e, m))
    return pairs


def cells(truth: Sheet, parsed: Sheet | None) -> list[Cell]:
    """Every graded cell of ``truth``, with what ``parsed`` holds there (None when it holds nothing)."""
    out: list[Cell] = []

    def cell(key: str, row: str, e: object, a: object) -> None:
        if e is not None:
            out.append(Cell(key, row, norm(e), norm(a)))

    got = parsed or Sheet(sheet_id="", template="")
    for k in ("name", "department", "section"):
        cell(f"project.{k}", ALWAYS_SILENT, getattr(truth.project, k), getattr(got.project, k))
    cell("target_fy", ALWAYS_SILENT, truth.target_fy, got.target_fy)
    for e, a in pair_indicators(truth.indicators, got.indicators):
        tag, label = f"{e.kind}{e.no}", e.label
        for k in ("kind", "no", "name", "unit"):
            cell(f"{tag}.{k}", label, getattr(e, k), getattr(a, k) if a else None)
        for v in e.values:
            av = a.value(v.fy) if a else None
            for f in ("plan", "actual"):
                cell(f"{tag}.{v.fy}.{f}", label, getattr(v, f), getattr(av, f) if av else None)
    for c in truth.costs:
        ac = got.cost(c.fy, c.basis) if c.basis else got.cost(c.fy)
        tag = f"{c.fy}{c.basis or ''}"
        for f, label in COST_FIELDS.items():
            cell(f"cost.{tag}.{f}", label, getattr(c, f), getattr(ac, f) if ac else None)
        for r in c.rows:  # a generic sheet's own rows (フルコスト, 地方債 …), by their label
            ar = ac.row(r.label) if ac else None
            cell(f"cost.{tag}.row.{r.label}", r.label, r.value, ar.value if ar else None)
    stages = {e.stage: e for e in got.evaluations}
    for ev in truth.evaluations:
        ae = stages.get(ev.stage)
        cell(f"evaluation.{ev.stage}.result", ALWAYS_SILENT, ev.result, ae.result if ae else None)
    return out


def mentions(warnings: Iterable[str], label: str) -> bool:
    """True when a warning names the row (also after NFKC, so 活動指標② matches 活動指標2)."""
    if not label:
        return False
    wide = unicodedata.normalize("NFKC", label)
    return any(label in w or wide in unicodedata.normalize("NFKC", w) for w in warnings)


@dataclass
class SheetGrade:
    sheet_id: str
    file: str
    format: str
    cells: list[Cell]
    error: str | None = None  # the parser's refusal (SheetError) or crash, when it gave no sheet
    warnings: list[str] = field(default_factory=list)

    @property
    def wrong(self) -> list[Cell]:
        return [c for c in self.cells if not c.right]

    @property
    def silent(self) -> list[Cell]:
        if self.error is not None:
            return []
        return [c for c in self.wrong if not mentions(self.warnings, c.row)]

    @property
    def right(self) -> int:
        return len(self.cells) - len(self.wrong)


def grade_sheet(truth: Sheet, parsed: Sheet | None, *, file: str = "", format: str = "",
                error: str | None = None) -> SheetGrade:
    return SheetGrade(
        sheet_id=truth.sheet_id, file=file, format=format, cells=cells(truth, parsed),
        error=error if parsed is None else None, warnings=list(parsed.warnings) if parsed else [],
    )


@dataclass(repr=False)
class Report:
    grades: list[SheetGrade]
    target: float = TARGET_PCT

    def __repr__(self) -> str:
        return f"Report({len(self.grades)} files, {self.pct:.2f}% of cells right, {len(self.silent)} silent)"

    @staticmethod
    def _pct(grades: list[SheetGrade]) -> float:
        total = sum(len(g.cells) for g in grades)
        return 100.0 * sum(g.right for g in grades) / total if total else 0.0

    @property
    def pct(self) -> float:
        return self._pct(self.grades)

    def by_format(self) -> dict[str, tuple[int, float]]:
        """format → (files, % of cells right)."""
        groups: dict[str, list[SheetGrade]] = {}
        for g in self.grades:
            groups.setdefault(g.format, []).append(g)
        return {f: (len(gs), self._pct(gs)) for f, gs in sorted(groups.items())}

    @property
    def silent(self) -> list[tuple[SheetGrade, Cell]]:
        return [(g, c) for g in self.grades for c in g.silent]

    @property
    def failures(self) -> list[SheetGrade]:
        return [g for g in self.grades if g.error is not None]

    def worst(self, k: int = 10) -> list[SheetGrade]:
        bad = [g for g in self.grades if g.wrong or g.error]
        return sorted(bad, key=lambda g: (-len(g.wrong), g.file))[:k]

    @property
    def passed(self) -> bool:
        return self.pct >= self.target and not self.silent


def grade_files(entries: Iterable[dict], parse: Callable[[str], Sheet], load_truth: Callable[[dict], Sheet],
                path_of: Callable[[dict], str], progress: bool = False,
                parse_many: Callable[[str], list[Sheet]] | None = None) -> Report:
    """Parse each manifest entry's file and grade it; a refusal or crash is recorded, never raised.

    A binder entry (``"truths"``: one truth per sheet, in file order) is read with ``parse_many``
    and each of its sheets graded against the truth at its place; a sheet the parser did not find
    counts all its cells wrong (the file's grade carries the count it found).
    """
    from tqdm import tqdm

    from ingest.errors import SheetError

    entries = list(entries)
    grades = []
    for entry in tqdm(entries, desc="parse", unit="file", disable=not progress, leave=False):
        if "truths" in entry and parse_many is not None:
            truths = [load_truth({**entry, "truth": t}) for t in entry["truths"]]
            try:
                sheets: list[Sheet] = parse_many(path_of(entry))
                error = None if len(sheets) == len(truths) else f"found {len(sheets)} sheets of {len(truths)}"
            except SheetError as e:
                sheets, error = [], f"refused: {e.reason}"
            except Exception as e:  # a parser bug must not stop the grading of the others
                sheets, error = [], f"crashed: {type(e).__name__}: {e}"
            by_name = {(s.project.name, s.target_fy): s for s in sheets}
            for k, truth in enumerate(truths, start=1):
                # each truth against the sheet of its name and year (binders are graded sheet by sheet)
                got = by_name.get((truth.project.name, truth.target_fy)) or (sheets[k - 1] if k <= len(sheets) else None)
                g = grade_sheet(truth, got, file=f"{entry['file']}#{k}", format=f"binder-{entry['format']}",
                                error=None if got is not None else error or "sheet not found")
                grades.append(g)
            continue
        truth = load_truth(entry)
        parsed, error = None, None
        try:
            parsed = parse(path_of(entry))
        except SheetError as e:
            error = f"refused: {e.reason}"
        except Exception as e:  # a parser bug must not stop the grading of the others
            error = f"crashed: {type(e).__name__}: {e}"
        fmt = entry["format"] if entry.get("kind", "koriyama-r7") == "koriyama-r7" else entry["kind"]
        grades.append(grade_sheet(truth, parsed, file=entry["file"], format=fmt, error=error))
    return Report(grades)


def format_report(report: Report, worst: int = 10, examples: int = 4) -> str:
    """The plain-text summary ``python -m eval corpus --check`` prints."""
    total = sum(len(g.cells) for g in report.grades)
    right = sum(g.right for g in report.grades)
    lines = [f"cells right: {right} of {total} ({report.pct:.2f}%)   (target: ≥ {report.target}% and no silent errors)"]
    for fmt, (n, pct) in report.by_format().items():
        lines.append(f"  {fmt:<6} {n:>5} files  {pct:7.2f}%")
    silent = report.silent
    lines.append(f"silent errors: {len(silent)} (in {len({g.file for g, _ in silent})} files)")
    for g, c in silent[:12]:
        lines.append(f"  {g.file}  {c.key}: expected {c.expected!r}, got {c.actual!r}")
    if report.failures:
        lines.append(f"files the parser refused or crashed on: {len(report.failures)}")
        for g in report.failures[:8]:
            lines.append(f"  {g.file}: {g.error}")
    bad = report.worst(worst)
    if bad:
        lines.append(f"worst files ({len(bad)} shown):")
        for g in bad:
            head = f"  {g.file}  {g.right}/{len(g.cells)} right"
            if g.error:
                lines.append(f"{head}  ({g.error})")
                continue
            lines.append(f"{head}  ({len(g.silent)} silent)")
            for c in g.wrong[:examples]:
                flag = "SILENT " if c in g.silent else ""
                lines.append(f"      {flag}{c.key}: expected {c.expected!r}, got {c.actual!r}")
    lines.append("PASS" if report.passed else "FAIL")
    return "\n".join(lines)
