"""``python -m eval compare``: ours against the textbook RAG (:mod:`eval.baseline`), same questions, same sheets.

Both answer the question set over the same files: the dev store's (``eval.run.dev_files``: the
shipped samples and the generated dev corpus). Ours asks the dev store (built or refreshed by
``eval.run.ensure_dev_store``) through ``eval.run.run``; the baseline indexes those files into its
own Chroma collection under ``eval/.cache/baseline-dev-<size>-<overlap>/`` (rebuilt when the files
or the splitter settings change) and answers every question the same way (follow-ups with their
conversation's earlier turns). Every answer is graded by ``eval.run.grade`` (``eval.metrics``):

* numbers right: every gold number appears in the answer text. For the baseline without an LLM
  the "answer" is its retrieved context, so this is an upper bound: the numbers were at least
  in front of a reader;
* declined (unanswerable): ``answerable: false`` on the questions the sheets cannot answer;
  false declines: on the ones they can;
* citations valid: each quote is verbatim in the text of the sheet it names. The baseline's
  citations are its retrieved chunks, checked against their source file's text;
* p50 / p95: seconds per question, the answer only (loading and building excluded, shown apart).

``--llm`` measures the LLM modes: ours with ``backend=llamacpp`` (figure guard on) and the
baseline with the same loaded model, both from the GGUF ``make llm`` assembles
(:mod:`eval.llm_model`). The table goes to stdout and ``eval/reports/compare-latest.md``
(``compare-llm-latest.md`` with ``--llm``); every answer and its grade to the same name, ``.json``,
under ``eval/.cache/``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from eval import run as harness

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

REPORT = "compare-latest.md"
REPORT_LLM = "compare-llm-latest.md"
DETAILS = harness.EVAL_DIR / ".cache"  # compare-latest.json / compare-llm-latest.json: every answer
SYSTEMS = ("ours", "baseline")
COLUMNS = ("n", "numbers right", "declined (unanswerable)", "false declines", "citations valid", "p50 s", "p95 s")


class CompareError(RuntimeError):
    """Something the comparison needs is missing (the GGUF, llama-cpp-python)."""


def find_gguf(path: str | Path | None = None) -> Path:
    """The GGUF for ``--llm``: ``path``, else where ``make llm`` puts it."""
    from eval.llm_model import GGUF_NAME, default_path

    candidates = [Path(path)] if path else [default_path(), harness.ROOT / ".sheetqa" / "models" / GGUF_NAME]
    for c in candidates:
        if c.is_file():
            return c
    raise CompareError(f"no GGUF at {candidates[0]}: run `make llm` first (or give --gguf FILE)")


def llm_settings(gguf: Path, max_tokens: int = 256, n_ctx: int = 4096) -> Any:
    from assistant.settings import LLMSettings

    return LLMSettings(backend="llamacpp", gguf_path=gguf, n_ctx=n_ctx, n_threads=os.cpu_count() or None,
                       max_tokens=max_tokens, temperature=0.0)


def ask_all(system: Any, qs: list[dict], view: harness.StoreView, name: str,
            regrade: Callable[[Any], Any] = lambda a: a, progress: bool = False) -> list[dict]:
    """Ask every question through ``system.ask(question, history=…)`` and grade it (``eval.run.grade``).

    The loop ``eval.run.run`` runs, for a system that is not an ``Assistant``; ``regrade`` maps an
    answer to what grading sees (the baseline's citations: path → sheet id).
    """
    from assistant.chain import Turn

    histories: dict[str, list[Any]] = defaultdict(list)
    results = []
    for n, q in enumerate(qs, 1):
        history = histories[q["conversation"]] if q["conversation"] else []
        answer, error = None, None
        t = time.perf_counter()
        try:
            answer = system.ask(q["question"], history=list(history))
        except Exception as e:  # a crash is a failed question, not a failed comparison
            error = f"{type(e).__name__}: {e}"
        seconds = time.perf_counter() - t
        if q["conversation"] and answer is not None:
            history.append(Turn(question=q["question"], answer=answer))
        g = harness.grade(q, regrade(answer) if answer is not None else None, view)
        results.append({
            **{k: q.get(k) for k in ("id", "type", "question", "conversation", "gold_numbers", "must_mention",
                                     "answerable", "gold")},
            "seconds": round(seconds, 4),
            "answer": json.loads(answer.model_dump_json()) if answer is not None else None,
            "error": error,
            "grade": g,
        })
        if progress:
            print(f"[{name} {n:>3}/{len(qs)}] {'ok  ' if g['passed'] else 'FAIL'} {q['id']:<16} {seconds:6.2f} s",
                  file=sys.stderr, flush=True)
    return results


def _path_to_sheet(settings: Any) -> dict[str, str]:
    """Source file path → the store's sheet id (grading only: the baseline never sees it)."""
    from ingest.store import FigureStore

    with FigureStore(settings.sqlite_path, read_only=True) as fs:
        return {rec.path: rec.sheet_id for rec in fs.files() if rec.state == "indexed"}


def compare(
    questions: str | Path = harness.DEFAULT_QUESTIONS,
    llm: bool = False,
    gguf: str | Path | None = None,
    reports_dir: str | Path | None = harness.REPORTS_DIR,
    types: Iterable[str] | None = None,
    limit: int | None = None,
    chunk_size: int | None = None,
    chunk_overlap: int | None = None,
    max_tokens: int = 256,
    say: Callable[[str], None] = print,
    progress: bool = False,
) -> dict:
    """Run ours and the baseline on the same questions and files; return (and write) the comparison."""
    from assistant.chain import Assistant
    from assistant.settings import AssistantSettings, LLMSettings
    from eval.baseline import Baseline, texts_by_sheet

    qfile = Path(questions)
    qs = harness.select(harness.load_questions(qfile), types, limit)
    settings = AssistantSettings(home=harness.DEFAULT_STORE)
    settings.llm = llm_settings(find_gguf(gguf), max_tokens) if llm else LLMSettings(backend="off")
    if llm:
        # llama.cpp's OpenMP threads spin while they wait; on a small shared CPU that spinning starves
        # the threads doing the work (2 vCPUs here: 32 tokens took 42 s spinning, 5 s passive). Must be
        # set before llama_cpp loads the OpenMP runtime.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            import llama_cpp  # noqa: F401
        except ImportError:
            raise CompareError("--llm needs llama-cpp-python: run `make llm` first") from None
    harness.ensure_dev_store(settings, say=say)
    files = harness.dev_files()
    size = chunk_size if chunk_size is not None else settings.chunks.size
    overlap = chunk_overlap if chunk_overlap is not None else settings.chunks.overlap
    started = datetime.now().astimezone()

    # ours: the harness as `python -m eval run` runs it
    t = time.perf_counter()
    assistant = Assistant.from_settings(settings)
    ours_load = time.perf_counter() - t
    say(f"ours: loaded in {ours_load:.1f} s; asking {len(qs)} questions …")
    ours = harness.run(qs, settings=settings, reports_dir=None, say=say, progress=progress, assistant=assistant)
    ours["questions_file"] = harness._shown(qfile)

    # the baseline: its own collection over the same files, the same chat model when --llm
    t = time.perf_counter()
    home = harness.EVAL_DIR / ".cache" / f"baseline-dev-{size}-{overlap}"
    base = Baseline.build(files, home, model_dir=settings.model_dir, size=size, overlap=overlap,
                          chat_model=assistant.chat_model if llm else None, say=say)
    base_load = time.perf_counter() - t
    say(f"baseline: {base.chunks} chunks ({'built' if base.built else 'reused'}; {base_load:.1f} s); "
        f"asking {len(qs)} questions …")
    p2s = _path_to_sheet(settings)
    ours_view = harness.read_store(settings)
    base_view = harness.StoreView(texts=texts_by_sheet(base, p2s), summaries=ours_view.summaries,
                                  labels=ours_view.labels)

    def regrade(answer: Any) -> Any:
        cits = [c.model_copy(update={"sheet_id": p2s.get(c.sheet_id, c.sheet_id)}) for c in answer.citations]
        return answer.model_copy(update={"citations": cits})

    base_results = ask_all(base, qs, base_view, "baseline", regrade, progress)

    report = {
        "schema": "eval-compare/1",
        "started_at": started.isoformat(timespec="seconds"),
        "questions_file": harness._shown(qfile),
        "asked": len(qs),
        "store": harness._shown(settings.home),
        "sheets": ours["sheets"],
        "files": len(files),
        "llm": str(settings.llm.gguf_path.name) if llm else None,
        "max_tokens": max_tokens if llm else None,
        "baseline": {"chunk_size": size, "chunk_overlap": overlap, "k": base.k, "chunks": base.chunks,
                     "store": harness._shown(home), "build_seconds": round(base_load, 2), "built": base.built},
        "load_seconds": {"ours": round(ours_load, 2), "baseline": round(base_load, 2)},
        "modes": {"ours": ours["modes"],
                  "baseline": dict(Counter(r["answer"]["mode"] for r in base_results if r["answer"]))},
        "summary": {"ours": harness.summarize(ours["results"]), "baseline": harness.summarize(base_results)},
        "results": {"ours": ours["results"], "baseline": base_results},
    }
    report["verdict"] = verdict(report)
    if reports_dir is not None:
        md = render_markdown(report)
        rd = Path(reports_dir)
        rd.mkdir(parents=True, exist_ok=True)
        name = REPORT_LLM if llm else REPORT
        harness._write(rd / name, md)
        details = DETAILS / Path(name).with_suffix(".json").name
        details.parent.mkdir(parents=True, exist_ok=True)
        harness._write(details, json.dumps(report, ensure_ascii=False, indent=1) + "\n")
        report["paths"] = [str(rd / name), str(details)]
    return report


# ----------------------------------------------------------------------------- the table


def _cells(b: dict) -> list[str]:
    r, s = harness._ratio, harness._secs
    return [str(b["n"]), r(*b["numbers_right"]), r(*b["declined"]),
            str(b["false_declines"]) if b["answerable"] else "–", r(*b["citations_valid"]),
            s(b["p50_s"]), s(b["p95_s"])]


def table(report: dict) -> str:
    """The Markdown table: each question type × {ours, baseline}, then all questions."""
    s = report["summary"]
    base_name = "baseline (context)" if not report["llm"] else "baseline"
    lines = ["| type | system | " + " | ".join(COLUMNS) + " |",
             "| --- | --- | " + " | ".join("---:" for _ in COLUMNS) + " |"]
    types = list(s["ours"]["by_type"])
    for t in types + ["all"]:
        for sys_name, label in (("ours", "ours"), ("baseline", base_name)):
            b = s[sys_name]["overall"] if t == "all" else s[sys_name]["by_type"][t]
            name = "**all**" if t == "all" else t
            lines.append(f"| {name} | {label} | " + " | ".join(_cells(b)) + " |")
    return "\n".join(lines)


def verdict(report: dict) -> str:
    """Ours against the baseline on numbers right for figure, trend and comparison questions."""
    s = report["summary"]
    parts, ahead = [], True
    for t in harness.NUMBER_TYPES:
        o = s["ours"]["by_type"].get(t, {}).get("numbers_right", (0, 0))
        b = s["baseline"]["by_type"].get(t, {}).get("numbers_right", (0, 0))
        if not o[1]:
            continue
        ok = o[0] > b[0]
        ahead = ahead and ok
        parts.append(f"{t} {o[0]}/{o[1]} vs {b[0]}/{b[1]}{'' if ok else ' (NOT ahead)'}")
    head = "ours ahead" if ahead and parts else "ours NOT ahead"
    return f"{head} of the baseline on numbers right — " + "; ".join(parts)


def render_markdown(report: dict) -> str:
    b = report["baseline"]
    mode = (f"LLM mode: `{report['llm']}` through llama-cpp-python (max_tokens {report['max_tokens']}, "
            "temperature 0), ours with the figure guard on, the baseline with the same loaded model"
            if report["llm"] else "no LLM: ours extractive; the baseline's answer is its retrieved context")
    cmd = "python -m eval compare" + (" --llm" if report["llm"] else "")
    lines = [
        f"# sheetqa vs a plain RAG — {Path(report['questions_file'] or 'custom').stem} "
        f"({report['started_at'][:16].replace('T', ' ')})",
        "",
        f"- command: `{cmd}`",
        f"- questions: `{report['questions_file']}` ({report['asked']} asked); files: {report['files']} "
        f"({report['sheets']} sheets in `{report['store']}`)",
        f"- {mode}",
        f"- baseline: RecursiveCharacterTextSplitter({b['chunk_size']}, overlap {b['chunk_overlap']}) → "
        f"{b['chunks']} chunks → multilingual-e5-small → Chroma `{b['store']}` → top-{b['k']}",
        f"- answer modes: ours {_modes(report['modes']['ours'])}; baseline {_modes(report['modes']['baseline'])}",
        f"- load: ours {report['load_seconds']['ours']:.1f} s; baseline {report['load_seconds']['baseline']:.1f} s "
        f"({'built' if b['built'] else 'reused'})",
        "",
        f"**{report['verdict']}**",
        "",
        table(report),
        "",
        "numbers right: every gold number appears in the answer (NFKC, commas dropped, whole tokens)"
        + ("; for *baseline (context)* the answer is the four retrieved chunks, so it is an upper bound"
           if not report["llm"] else "")
        + "; declined: `answerable: false` on the unanswerable questions (the baseline declines only "
        "when it has nothing"
        + (", i.e. never without an LLM" if not report["llm"] else ", i.e. no chunk or a reply saying it does not know")
        + "); false declines: on answerable ones; citations valid: quotes verbatim in the sheet they name "
        "(the baseline's quotes are its chunks, checked against the source file's text); p50/p95: seconds "
        "per answer.",
        "",
    ]
    return "\n".join(lines)


def _modes(modes: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in modes.items()) or "–"


def main(args: Any) -> int:
    """The CLI body (``python -m eval compare``)."""
    from ingest.index import StoreBusy

    try:
        report = compare(
            questions=args.questions or harness.DEFAULT_QUESTIONS,
            llm=args.llm,
            gguf=args.gguf,
            types=args.type,
            limit=args.limit,
            chunk_size=args.chunk_size,
            chunk_overlap=args.chunk_overlap,
            max_tokens=args.max_tokens,
            reports_dir=args.reports or harness.REPORTS_DIR,
            say=lambda m: print(m, file=sys.stderr),
            progress=not args.quiet and (args.progress or sys.stderr.isatty()),
        )
    except (harness.QuestionError, FileNotFoundError, StoreBusy, CompareError) as e:
        print(f"python -m eval compare: {e}", file=sys.stderr)
        return 2
    print(table(report))
    print()
    print(report["verdict"])
    if report.get("paths"):
        print(f"report: {report['paths'][0]} (answers: {report['paths'][-1]})")
    return 0
