"""``python -m eval run``: ask a question set through the public ``Assistant`` and write a report.

The harness only measures. It builds (or reuses) a store with the public ``ingest.index.build``,
asks every question through ``Assistant.ask`` (follow-ups with the conversation's earlier turns
as history), and grades each answer with :mod:`eval.metrics`:

* numbers right: every gold number appears in the answer text;
* mentions: every must-mention term (or one of each list of alternatives) appears;
* declined: an unanswerable question got ``answerable: false``; a false decline is an answerable
  question that got it;
* citations valid: each quote is verbatim in its sheet's text (sections of the canonical sheet
  as stored, or the source file's text with line breaks removed);
* hit@5: the answer's first five citations (or facts, without a gold section) come from the gold
  sheet (and section).

The default store ``eval/.store-dev/`` holds the three shipped samples (``data/samples``) and a
generated corpus (``eval.corpus``, n=60, seed=11, written under ``eval/.cache/corpus-dev/``); it is
rebuilt when those files or the ingest code changed. Reports go to ``eval/reports/`` as
``<set>-YYYYMMDD-HHMM.md`` / ``.json`` plus ``latest.md``; the last line printed is a verdict
against the acceptance bar. The exit code is 0 whenever a report was written.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from eval import metrics

EVAL_DIR = Path(__file__).resolve().parent
ROOT = EVAL_DIR.parent
DEFAULT_QUESTIONS = EVAL_DIR / "questions" / "dev.jsonl"
DEFAULT_STORE = EVAL_DIR / ".store-dev"
CORPUS_DIR = EVAL_DIR / ".cache" / "corpus-dev"
REPORTS_DIR = EVAL_DIR / "reports"
SAMPLES_DIR = ROOT / "data" / "samples"
CORPUS_N, CORPUS_SEED = 60, 11
STAMP = "eval-dev-stamp.json"

TYPES = ("figure", "trend", "comparison", "ranking", "filter", "derived", "list", "prose", "summary", "why",
         "ambiguous", "unanswerable", "followup")
STORES_DIR = EVAL_DIR / ".stores"
BANK_CORPUS = EVAL_DIR / ".cache" / "corpus-bank"
BANK_N, BANK_SEED = 60, 29
# sheets no tuning has read: another seed, with other cities' layouts, H27 sheets, PDFs and CP932 files
# Stores of sheets no tuning had read when their questions were written: another generator seed
# each, some files as PDF or CP932 as a city hall would upload them. Add one; never reseed one.
UNSEEN = {
    "fresh": {"n": 30, "seed": 71, "h27": 4, "generic": 8, "pdf_share": 0.15, "cp932_share": 0.15},
    "fresh2": {"n": 26, "seed": 113, "h27": 4, "generic": 8, "pdf_share": 0.2, "cp932_share": 0.2},
    "fresh3": {"n": 28, "seed": 157, "h27": 4, "generic": 10, "pdf_share": 0.25, "cp932_share": 0.2},
    "fresh4": {"n": 28, "seed": 199, "h27": 4, "generic": 10, "pdf_share": 0.25, "cp932_share": 0.25},
    "fresh5": {"n": 30, "seed": 263, "h27": 4, "generic": 10, "pdf_share": 0.3, "cp932_share": 0.2},
    "fresh6": {"n": 30, "seed": 307, "h27": 4, "generic": 12, "pdf_share": 0.3, "cp932_share": 0.25},
    "fresh7": {"n": 32, "seed": 331, "h27": 4, "generic": 10, "pdf_share": 0.3, "cp932_share": 0.25},
    "fresh8": {"n": 30, "seed": 389, "h27": 4, "generic": 12, "pdf_share": 0.35, "cp932_share": 0.25},
    "fresh9": {"n": 30, "seed": 431, "h27": 4, "generic": 12, "pdf_share": 0.35, "cp932_share": 0.3},
    "fresh10": {"n": 30, "seed": 467, "h27": 4, "generic": 12, "pdf_share": 0.35, "cp932_share": 0.3},
    "fresh11": {"n": 30, "seed": 503, "h27": 4, "generic": 12, "pdf_share": 0.35, "cp932_share": 0.3},
    "fresh12": {"n": 30, "seed": 541, "h27": 4, "generic": 12, "pdf_share": 0.35, "cp932_share": 0.3},
    "fresh13": {"n": 30, "seed": 577, "h27": 4, "generic": 12, "pdf_share": 0.35, "cp932_share": 0.3},
    "fresh14": {"n": 30, "seed": 613, "h27": 4, "generic": 12, "pdf_share": 0.35, "cp932_share": 0.3},
    "fresh15": {"n": 30, "seed": 653, "h27": 4, "generic": 12, "pdf_share": 0.35, "cp932_share": 0.3},
    "fresh16": {"n": 30, "seed": 691, "h27": 4, "generic": 12, "pdf_share": 0.35, "cp932_share": 0.3},
    "fresh17": {"n": 30, "seed": 727, "h27": 4, "generic": 12, "pdf_share": 0.35, "cp932_share": 0.3},
    "fresh18": {"n": 30, "seed": 761, "h27": 4, "generic": 12, "pdf_share": 0.35, "cp932_share": 0.3},
    "fresh19": {"n": 30, "seed": 797, "h27": 4, "generic": 12, "pdf_share": 0.35, "cp932_share": 0.3},
    "fresh20": {"n": 30, "seed": 839, "h27": 4, "generic": 12, "pdf_share": 0.35, "cp932_share": 0.3},
}


def generated_corpus(folder: Path, **how: Any) -> Path:
    """``folder`` holding a corpus written by ``eval.corpus.write_corpus(**how)`` (written when absent)."""
    from eval.corpus import write_corpus

    if not (folder / "manifest.jsonl").exists():
        write_corpus(folder, **how)
    return folder


def unseen_corpus(name: str) -> Path:
    """The folder of an unseen-sheet store's generated corpus (written when absent)."""
    return generated_corpus(EVAL_DIR / ".cache" / f"corpus-{name}", **UNSEEN[name])
NUMBER_TYPES = ("figure", "trend", "comparison")  # the acceptance: every gold number right here
K = 5
DECLINE_BAR = 0.90


class QuestionError(ValueError):
    """The question file is not usable (a line the harness cannot read)."""


# ----------------------------------------------------------------------------- questions


def load_questions(path: str | Path) -> list[dict]:
    """Read a question set (JSONL). Missing optional keys get their defaults; bad lines raise."""
    path = Path(path)
    if not path.exists():
        raise QuestionError(f"{path}: no such file")
    out: list[dict] = []
    seen: set[str] = set()
    for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            q = json.loads(line)
        except json.JSONDecodeError as e:
            raise QuestionError(f"{path}:{n}: not JSON ({e.msg})") from None
        if not isinstance(q, dict) or not isinstance(q.get("question"), str) or not q.get("id"):
            raise QuestionError(f"{path}:{n}: needs at least \"id\" and \"question\"")
        q["id"] = str(q["id"])
        if q["id"] in seen:
            raise QuestionError(f"{path}:{n}: id {q['id']!r} appears twice")
        seen.add(q["id"])
        q.setdefault("type", "figure")
        if q["type"] not in TYPES:
            raise QuestionError(f"{path}:{n}: type {q['type']!r} is not one of {', '.join(TYPES)}")
        q.setdefault("conversation", None)
        q["gold_numbers"] = list(q.get("gold_numbers") or [])
        q["must_mention"] = list(q.get("must_mention") or [])
        q.setdefault("answerable", q["type"] != "unanswerable")
        q.setdefault("gold", None)
        out.append(q)
    return out


def select(questions: list[dict], types: Iterable[str] | None = None, limit: int | None = None,
           split: str | None = None) -> list[dict]:
    """Questions of the given types (and split), at most ``limit`` (a conversation is kept whole,
    in file order)."""
    types = set(types or [])
    keep = [q for q in questions if (not types or q["type"] in types) and (not split or q.get("split") == split)]
    if limit is not None:
        keep = keep[:limit]
    convs = {q["conversation"] for q in keep if q["conversation"]}
    ids = {q["id"] for q in keep}
    return [q for q in questions if q["id"] in ids or (q["conversation"] and q["conversation"] in convs)]


# ----------------------------------------------------------------------------- the store


def _ingest_fingerprint() -> str:
    """A hash of the ingest code: a parser change makes the dev store stale."""
    h = hashlib.sha256()
    for p in sorted((ROOT / "ingest").rglob("*.py")):
        h.update(str(p.relative_to(ROOT)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def dev_files(corpus_dir: Path = CORPUS_DIR) -> list[Path]:
    """The dev store's files: the shipped samples, then the generated corpus (written afresh; text only)."""
    from eval.corpus import write_corpus

    write_corpus(corpus_dir, n=CORPUS_N, seed=CORPUS_SEED, pdf_share=0.0, cp932_share=0.0)
    return sorted(SAMPLES_DIR.glob("*.txt")) + sorted((corpus_dir / "sheets").glob("*.txt"))


def store_files(name: str) -> list[Path]:
    """The files of a named question-bank store: ``seed`` (the one R7 sample), ``samples`` (the
    three shipped samples), ``bank`` (the samples + a generated corpus, n=60, seed=29)."""
    samples = sorted(SAMPLES_DIR.glob("*.txt"))
    if name == "seed":
        return [SAMPLES_DIR / "koriyama_r7_digital_first.txt"]
    if name == "samples":
        return samples
    if name == "bank":
        generated_corpus(BANK_CORPUS, n=BANK_N, seed=BANK_SEED)
        return samples + sorted(p for p in (BANK_CORPUS / "sheets").glob("*.txt") if not p.name.endswith(".cp932.txt"))
    if name in UNSEEN:
        corpus = unseen_corpus(name)
        # one file a sheet, the hardest to read first: the PDF, else the CP932 text, else the text
        chosen: dict[str, Path] = {}
        rank = {"pdf": 0, "cp932": 1, "text": 2}
        for line in (corpus / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
            e = json.loads(line)
            if e.get("kind") == "binder":
                continue
            if e["id"] not in chosen or rank[e["format"]] < rank[_format_of(chosen[e["id"]])]:
                chosen[e["id"]] = corpus / e["file"]
        return [chosen[k] for k in sorted(chosen)]
    raise QuestionError(f"unknown store {name!r} (seed, samples, bank, {', '.join(UNSEEN)})")


def _format_of(path: Path) -> str:
    return "pdf" if path.suffix == ".pdf" else "cp932" if path.name.endswith(".cp932.txt") else "text"


def ensure_dev_store(
    settings: Any, corpus_dir: Path = CORPUS_DIR, say: Callable[[str], None] = print,
    files: list[Path] | None = None,
) -> dict:
    """Build the dev store (or the given files' store) when missing or stale; return what was done."""
    from ingest.index import build, remove
    from ingest.store import FigureStore

    files = files if files is not None else dev_files(corpus_dir)
    stamp = {
        "ingest": _ingest_fingerprint(),
        "files": {str(f.resolve()): hashlib.sha256(f.read_bytes()).hexdigest() for f in files},
    }
    stamp_path = Path(settings.home) / STAMP
    old = None
    if stamp_path.exists():
        try:
            old = json.loads(stamp_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            old = None
    if old == stamp and settings.sqlite_path.exists():
        return {"built": False, "files": len(files)}
    force = old is not None and old.get("ingest") != stamp["ingest"]
    if not settings.sqlite_path.exists():
        why = "missing"
    else:
        why = "ingest code changed" if force else "files changed"
    say(f"building the dev store {settings.home} ({why}; {len(files)} files) …")
    report = build(files, settings, force=force)
    wanted = set(stamp["files"])
    dropped = 0
    with FigureStore(settings.sqlite_path, read_only=True) as fs:
        strays = {rec.sheet_id for rec in fs.files() if rec.path not in wanted}
        keep = {rec.sheet_id for rec in fs.files() if rec.path in wanted}
    for sheet_id in sorted(strays - keep):
        remove(sheet_id, settings)
        dropped += 1
    counts = report.count()
    failed = [f"{f.path}: {f.reason}" for f in report.failed]
    say(f"  indexed {counts['indexed']}, replaced {counts['replaced']}, unchanged {counts['unchanged']}, "
        f"failed {counts['failed']}, dropped {dropped} ({report.seconds:.1f} s)")
    for line in failed:
        say(f"  failed: {line}")
    if report.ok:
        stamp_path.write_text(json.dumps(stamp, ensure_ascii=False, indent=1), encoding="utf-8")
    return {"built": True, "files": len(files), "counts": counts, "failed": failed, "dropped": dropped,
            "seconds": round(report.seconds, 2)}


@dataclass
class StoreView:
    """What grading needs from the store: each sheet's text and who is who."""

    texts: dict[str, str | list[str]] = field(default_factory=dict)  # or candidate texts (the baseline's)
    summaries: list[Any] = field(default_factory=list)
    labels: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # section key → labels


def read_store(settings: Any) -> StoreView:
    """Each indexed sheet's quotable text (sections + source text without line breaks)."""
    from ingest.errors import SheetError
    from ingest.model import SECTION_LABELS
    from ingest.readers import read_document
    from ingest.store import FigureStore

    view = StoreView()
    for key, label in SECTION_LABELS.items():
        view.labels[key].add(label)
    with FigureStore(settings.sqlite_path, read_only=True) as fs:
        view.summaries = fs.list_sheets()
        for summary in view.summaries:
            sheet = fs.get_sheet(summary.sheet_id)
            if sheet is None:
                continue
            raws = []
            paths = [rec.path for rec in fs.files_of(summary.sheet_id) if rec.state == "indexed"]
            if sheet.source and sheet.source.path:
                paths.append(sheet.source.path)
            for p in dict.fromkeys(paths):
                try:
                    doc = read_document(p)
                except (SheetError, OSError):
                    continue
                if doc.text:
                    raws.append(doc.text)
            for s in sheet.sections:
                view.labels[s.key].add(s.label)
            view.texts[summary.sheet_id] = metrics.sheet_text(sheet.sections, "\n\n".join(raws) or None)
    return view


def gold_sheet_ids(gold: dict | None, view: StoreView) -> list[str]:
    """The store's sheets a question's gold points at (project, department, evaluated year)."""
    if not gold or not gold.get("project"):
        return []
    same = [s for s in view.summaries if s.project == gold["project"]]
    if gold.get("department"):
        by_dept = [s for s in same if s.department == gold["department"]]
        same = by_dept or same
    if gold.get("target_fy") is not None:
        same = [s for s in same if s.target_fy == gold["target_fy"]] or same
    return [s.sheet_id for s in same]


# ----------------------------------------------------------------------------- grading


def grade(q: dict, answer: Any, view: StoreView) -> dict:
    """The checks that apply to one question; ``failures`` says what went wrong, in words."""
    checks: dict[str, bool] = {}
    notes: list[str] = []
    text = answer.answer if answer is not None else ""
    declined = answer is not None and not answer.answerable
    if q["gold_numbers"]:
        missing = metrics.missing_numbers(text, q["gold_numbers"])
        checks["numbers"] = not missing
        if missing:
            notes.append(f"numbers missing: {', '.join(map(str, missing))}")
    if q["must_mention"]:
        missing_t = metrics.missing_terms(text, q["must_mention"])
        checks["mentions"] = not missing_t
        if missing_t:
            words = (t if isinstance(t, str) else " / ".join(t) for t in missing_t)
            notes.append("not mentioned: " + ", ".join(words))
    if q.get("wrong_numbers") and answer is not None and not declined:
        wrong = [w for w in q["wrong_numbers"] if not metrics.missing_numbers(text, [w])]
        if wrong:
            notes.append(f"(info) a neighbouring figure appears: {', '.join(map(str, wrong))}")
    if q.get("expect_choices") and answer is not None and answer.choices:
        checks.pop("numbers", None)
        checks.pop("mentions", None)
        notes = [n for n in notes if not n.startswith(("numbers missing", "not mentioned"))]
    if q["answerable"]:
        checks["not_declined"] = answer is not None and not declined
        if declined:
            notes.append("false decline (answerable: false on an answerable question)")
    else:
        checks["declined"] = declined
        if answer is not None and not declined:
            notes.append("not declined (the sheets do not hold this answer)")
    citations = list(answer.citations) if answer is not None else []
    bad = metrics.invalid_citations(answer, view.texts) if answer is not None else []
    checks["citations"] = answer is not None and not bad
    for c in bad:
        notes.append(f"citation not verbatim in {c.sheet_id} ({c.section}): 「{c.quote[:120]}」")
    hit = None
    gold = q.get("gold") or {}
    if q["answerable"] and gold.get("project"):
        ids = gold_sheet_ids(gold, view)
        key = gold.get("section_key")
        # the project's name only stands in when the store has no sheet for it (names can repeat)
        hit = answer is not None and metrics.hit_at_k(
            answer, ids, key, K, view.labels.get(key, set()) if key else (),
            gold_project=None if ids else gold["project"])
        checks[f"hit@{K}"] = hit
        if not hit:
            where = f"{gold['project']}" + (f" / {key}" if key else "")
            notes.append(f"hit@{K} miss: nothing from {where} in the first {K} citations/facts")
    if answer is None:
        notes.insert(0, "no answer (the assistant raised)")
    core = {k: v for k, v in checks.items() if not k.startswith("hit@")}
    return {
        "checks": checks,
        "passed": all(checks.values()),
        "right": all(core.values()),
        "declined": declined,
        "citations": len(citations),
        "citations_invalid": len(bad),
        "failures": notes,
    }


# ----------------------------------------------------------------------------- summary


def _ratio(a: int, b: int) -> str:
    return f"{a}/{b}" if b else "–"


def _secs(x: float | None) -> str:
    return f"{x:.2f}" if x is not None else "–"


def summarize(results: list[dict]) -> dict:
    """Per type and overall: the counts the report table shows."""

    def block(rs: list[dict]) -> dict:
        def count(check: str) -> tuple[int, int]:
            xs = [r["grade"]["checks"][check] for r in rs if check in r["grade"]["checks"]]
            return sum(xs), len(xs)

        secs = [r["seconds"] for r in rs if r.get("seconds") is not None]
        answerable = [r for r in rs if r["answerable"]]
        unanswerable = [r for r in rs if not r["answerable"]]
        n_cit = sum(r["grade"]["citations"] for r in rs)
        bad_cit = sum(r["grade"]["citations_invalid"] for r in rs)
        return {
            "n": len(rs),
            "passed": sum(r["grade"]["passed"] for r in rs),
            "right": sum(r["grade"].get("right", r["grade"]["passed"]) for r in rs),
            "numbers_right": count("numbers"),
            "mentions": count("mentions"),
            "declined": (sum(r["grade"]["declined"] for r in unanswerable), len(unanswerable)),
            "false_declines": sum(r["grade"]["declined"] for r in answerable),
            "answerable": len(answerable),
            "citations_valid": (n_cit - bad_cit, n_cit),
            "answers_with_invalid_citations": sum(1 for r in rs if r["grade"]["citations_invalid"]),
            f"hit@{K}": count(f"hit@{K}"),
            "errors": sum(1 for r in rs if r.get("error")),
            "p50_s": metrics.percentile(secs, 50),
            "p95_s": metrics.percentile(secs, 95),
        }

    present = [t for t in TYPES if any(r["type"] == t for r in results)]
    by_type = {t: block([r for r in results if r["type"] == t]) for t in present}
    return {"by_type": by_type, "overall": block(results)}


def acceptance(results: list[dict]) -> dict:
    """The product's acceptance bar, measured."""
    num = [r for r in results if r["type"] in NUMBER_TYPES and "numbers" in r["grade"]["checks"]]
    num_ok = sum(r["grade"]["checks"]["numbers"] for r in num)
    un = [r for r in results if not r["answerable"]]
    un_ok = sum(r["grade"]["declined"] for r in un)
    false_declines = sum(r["grade"]["declined"] for r in results if r["answerable"])
    n_cit = sum(r["grade"]["citations"] for r in results)
    bad_cit = sum(r["grade"]["citations_invalid"] for r in results)
    errors = sum(1 for r in results if r.get("error"))
    parts = {
        "numbers": {"right": num_ok, "of": len(num), "ok": num_ok == len(num)},
        "declined": {"declined": un_ok, "of": len(un), "share": (un_ok / len(un)) if un else None,
                     "ok": (un_ok / len(un) >= DECLINE_BAR) if un else True},
        "false_declines": {"count": false_declines, "ok": false_declines == 0},
        "citations": {"valid": n_cit - bad_cit, "of": n_cit, "ok": bad_cit == 0},
        "errors": {"count": errors, "ok": errors == 0},
    }
    passed = all(p["ok"] for p in parts.values())

    def mark(ok: bool) -> str:
        return "ok" if ok else "MISS"

    d = parts["declined"]
    share = f" = {d['share']:.0%}" if d["share"] is not None else ""
    verdict = (
        f"verdict: {'PASS' if passed else 'FAIL'} against the acceptance — "
        f"gold numbers ({'/'.join(NUMBER_TYPES)}) {num_ok}/{len(num)} {mark(parts['numbers']['ok'])}; "
        f"unanswerable declined {un_ok}/{len(un)}{share} (≥{DECLINE_BAR:.0%}) {mark(d['ok'])}; "
        f"false declines {false_declines} {mark(parts['false_declines']['ok'])}; "
        f"citations valid {n_cit - bad_cit}/{n_cit} {mark(parts['citations']['ok'])}"
        + (f"; {errors} question(s) raised an error MISS" if errors else "")
    )
    return {"passed": passed, "parts": parts, "verdict": verdict}


# ----------------------------------------------------------------------------- report


def render_markdown(report: dict) -> str:
    s = report["summary"]
    lines = [
        f"# sheetqa eval — {report['set']} ({report['started_at'][:16].replace('T', ' ')})",
        "",
        f"- questions: `{report['questions_file'] or 'given in code'}` ({len(report['results'])} asked)",
        f"- store: `{report['store']}` ({report['sheets']} sheets)",
        f"- answer modes: {', '.join(f'{k} {v}' for k, v in report['modes'].items()) or '–'}; "
        f"assistant load {report['load_seconds']:.1f} s; all questions {report['ask_seconds']:.1f} s",
        "",
        f"**{report['acceptance']['verdict']}**",
        "",
        "| type | n | right | passed | numbers right | mentions | declined | false declines | citations valid "
        f"| hit@{K} | p50 s | p95 s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]

    def row(name: str, b: dict) -> str:
        return (f"| {name} | {b['n']} | {b.get('right', b['passed'])}/{b['n']} | {b['passed']}/{b['n']} | "
                f"{_ratio(*b['numbers_right'])} | "
                f"{_ratio(*b['mentions'])} | {_ratio(*b['declined'])} | "
                f"{b['false_declines'] if b['answerable'] else '–'} | {_ratio(*b['citations_valid'])} | "
                f"{_ratio(*b[f'hit@{K}'])} | {_secs(b['p50_s'])} | {_secs(b['p95_s'])} |")

    for t, b in s["by_type"].items():
        lines.append(row(t, b))
    lines.append(row("**all**", s["overall"]))
    lines += [
        "",
        "numbers right: every gold number appears in the answer (NFKC, commas dropped, whole tokens); "
        "declined: `answerable: false` on unanswerable questions; false declines: on answerable ones; "
        f"citations valid: quotes verbatim in their sheet; hit@{K}: the gold sheet/section among the first "
        f"{K} citations (or facts, when no section is named).",
        "",
    ]
    failed = [r for r in report["results"] if not r["grade"]["passed"]]
    lines.append(f"## Failures ({len(failed)})")
    lines.append("")
    if not failed:
        lines.append("None.")
    for r in failed:
        conv = f" · conversation `{r['conversation']}`" if r.get("conversation") else ""
        lines.append(f"### {r['id']} ({r['type']}{conv})")
        lines.append("")
        lines.append(f"- Q: {r['question']}")
        if r["gold_numbers"]:
            lines.append(f"- gold numbers: {', '.join(map(str, r['gold_numbers']))}")
        if r["must_mention"]:
            terms = [t if isinstance(t, str) else " / ".join(t) for t in r["must_mention"]]
            lines.append(f"- must mention: {', '.join(terms)}")
        for note in r["grade"]["failures"]:
            lines.append(f"- **{note}**")
        if r.get("error"):
            lines.append(f"- error: `{r['error']}`")
        ans = r.get("answer")
        if ans is not None:
            text = ans["answer"] if len(ans["answer"]) <= 1500 else ans["answer"][:1500] + " …"
            lines.append(f"- answer (answerable: {str(ans['answerable']).lower()}, "
                         f"intent: {ans.get('intent')}, {len(ans['facts'])} facts, "
                         f"{len(ans['citations'])} citations, {r['seconds']:.2f} s):")
            lines.append("")
            lines.extend("  > " + line if line else "  >" for line in text.splitlines() or [""])
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _shown(path: Path | str | None) -> str | None:
    """A path as the report shows it: relative to the repository when inside it."""
    if path is None:
        return None
    p = Path(path).resolve()
    try:
        return str(p.relative_to(ROOT))
    except ValueError:
        return str(p)


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_reports(report: dict, reports_dir: Path) -> tuple[Path, Path]:
    reports_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.fromisoformat(report["started_at"]).strftime("%Y%m%d-%H%M")
    base = reports_dir / f"{report['set']}-{stamp}"
    md = render_markdown(report)
    _write(base.with_suffix(".md"), md)
    _write(base.with_suffix(".json"), json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    _write(reports_dir / "latest.md", md)
    return base.with_suffix(".md"), base.with_suffix(".json")


# ----------------------------------------------------------------------------- run


def run(
    questions: str | Path | list[dict] = DEFAULT_QUESTIONS,
    store: str | Path | None = None,
    reports_dir: str | Path | None = REPORTS_DIR,
    settings: Any | None = None,
    types: Iterable[str] | None = None,
    limit: int | None = None,
    say: Callable[[str], None] = print,
    progress: bool = False,
    assistant: Any | None = None,
    split: str | None = None,
) -> dict:
    """Ask every question, grade, write the reports (unless ``reports_dir`` is None); return the report.

    ``settings`` (an ``AssistantSettings``) or ``store`` pick the store, used as it is; with
    neither, the dev store is built or refreshed first. ``assistant`` reuses a loaded one.
    """
    from assistant.chain import Assistant
    from assistant.settings import AssistantSettings

    if isinstance(questions, (str, Path)):
        qfile = Path(questions)
        qs = load_questions(qfile)
        set_name = qfile.stem
    else:
        qfile, qs, set_name = None, list(questions), "custom"
    qs = select(qs, types, limit, split)
    build_info: dict | None = None
    groups: dict[str | None, list[dict]] = defaultdict(list)
    for q in qs:
        groups[q.get("store")].append(q)
    results: list[dict] = []
    views: dict[str | None, StoreView] = {}
    load_seconds = 0.0
    started = datetime.now().astimezone()
    t_ask = time.perf_counter()
    sheets_total = 0
    store_names = []
    for name, group in groups.items():
        if name is None:
            s = settings
            if s is None:
                s = AssistantSettings(home=Path(store) if store is not None else DEFAULT_STORE)
                if store is None:
                    build_info = ensure_dev_store(s, say=say)
            a = assistant
        else:
            s = bank_settings(name, say)
            a = None
        if not s.sqlite_path.exists():
            raise FileNotFoundError(
                f"no store at {s.home}: build one with python -m ingest build PATH --store DIR")
        view = views[name] = read_store(s)
        sheets_total += len(view.summaries)
        store_names.append(_shown(s.home))
        t0 = time.perf_counter()
        if a is None:
            a = Assistant.from_settings(s)
        load_seconds += time.perf_counter() - t0
        results += _ask_all(a, group, view, progress, len(qs), len(results))
    ask_seconds = time.perf_counter() - t_ask

    report = {
        "schema": "eval-run/1",
        "set": set_name,
        "questions_file": _shown(qfile),
        "store": ", ".join(str(x) for x in store_names),
        "sheets": sheets_total,
        "build": build_info,
        "started_at": started.isoformat(timespec="seconds"),
        "load_seconds": round(load_seconds, 3),
        "ask_seconds": round(ask_seconds, 3),
        "modes": dict(Counter(r["answer"]["mode"] for r in results if r["answer"])),
        "summary": summarize(results),
        "acceptance": acceptance(results),
        "results": results,
    }
    if reports_dir is not None:
        md, js = write_reports(report, Path(reports_dir))
        latest = Path(reports_dir) / "latest.md"
        report["paths"] = {"markdown": str(md), "json": str(js), "latest": str(latest)}
    return report


def bank_settings(name: str, say: Callable[[str], None] = print) -> Any:
    """The settings of a named question-bank store (``store_files``), built or refreshed first."""
    from assistant.settings import AssistantSettings

    s = AssistantSettings(home=STORES_DIR / name)
    ensure_dev_store(s, say=say, files=store_files(name))
    return s


def record(q: dict, answer: Any, error: str | None, seconds: float, g: dict) -> dict:
    """One question's line of a report: the question's keys, the answer JSON, its time and grade."""
    return {
        **{k: q.get(k) for k in ("id", "type", "question", "conversation", "gold_numbers", "must_mention",
                                 "wrong_numbers", "answerable", "gold", "lang", "source", "store", "scope",
                                 "split", "role", "style")},
        "seconds": round(seconds, 4),
        "answer": json.loads(answer.model_dump_json()) if answer is not None else None,
        "error": error,
        "grade": g,
    }


def _ask_all(assistant: Any, qs: list[dict], view: StoreView, progress: bool, total: int, done: int) -> list[dict]:
    """Ask one store's questions in file order; a conversation's turns see the turns before."""
    from assistant.chain import Turn

    histories: dict[str, list[Any]] = defaultdict(list)
    results: list[dict] = []
    for n, q in enumerate(qs, done + 1):
        history = histories[q["conversation"]] if q["conversation"] else []
        answer, error = None, None
        t = time.perf_counter()
        try:
            answer = assistant.ask(q["question"], history=list(history), scope=q.get("scope") or None)
        except Exception as e:  # a crash is a failed question, not a failed run
            error = f"{type(e).__name__}: {e}"
        seconds = time.perf_counter() - t
        if q["conversation"] and answer is not None:
            history.append(Turn(question=q["question"], answer=answer))
        g = grade(q, answer, view)
        results.append(record(q, answer, error, seconds, g))
        if progress:
            mark = "ok  " if g["passed"] else "FAIL"
            print(f"[{n:>3}/{total}] {mark} {q['id']:<16} {seconds:6.2f} s  {q['question'][:60]}",
                  file=sys.stderr, flush=True)
    return results


def print_table(report: dict, out: Callable[[str], None] = print) -> None:
    """The per-type table, as in the Markdown report."""
    md = render_markdown(report)
    start = md.index("| type |")
    end = md.index("\n\n", start)
    out(md[start:end])


def main(args: Any) -> int:
    """The CLI body (``python -m eval run``); ``args`` from the dispatcher's parser."""
    from ingest.index import StoreBusy

    try:
        report = run(
            questions=args.questions or DEFAULT_QUESTIONS,
            store=args.store,
            reports_dir=args.reports or REPORTS_DIR,
            types=args.type,
            limit=args.limit,
            split=getattr(args, "split", None),
            progress=not args.quiet and sys.stderr.isatty(),
        )
    except (QuestionError, FileNotFoundError, StoreBusy) as e:
        print(f"python -m eval run: {e}", file=sys.stderr)
        return 2
    print_table(report)
    paths = report.get("paths", {})
    if paths:
        print(f"\nreport: {paths['markdown']} (+ .json, {paths['latest']})")
    print(report["acceptance"]["verdict"])
    return 0
