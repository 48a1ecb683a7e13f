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

``--modes`` compares ours with itself instead: each question is answered extractively
(``Assistant.ask(write=False)``) and that same answer is then written by the LLM through every guard
(``Assistant.write``), so both modes see the same questions, stores and conversation turns. Per
question type: right in each mode, how many LLM answers were shown, replaced by a guard, or lost to
a model failure, and seconds per answer (the LLM's include the extractive answer under it). The
whole bank in LLM mode takes hours on 2 cores: ``--per-type N`` asks a stratified sample (N of each
type, drawn with ``--seed``; a follow-up comes with its whole conversation, whose other turns count
in their own types). Writes ``eval/reports/llm-compare-latest.md`` and ``.json``.
"""

from __future__ import annotations

import json
import os
import random
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
REPORT_MODES = "llm-compare-latest"  # .md and .json, both under eval/reports/
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
        results.append(harness.record(q, answer, error, seconds, g))
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
    split: str | None = None,
) -> dict:
    """Run ours and the baseline on the same questions and files; return (and write) the comparison."""
    from assistant.chain import Assistant
    from assistant.settings import AssistantSettings, LLMSettings
    from eval.baseline import Baseline, texts_by_sheet

    qfile = Path(questions)
    qs = harness.select(harness.load_questions(qfile), types, limit, split)
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
    base_view = harness.StoreView(texts=dict(texts_by_sheet(base, p2s)), summaries=ours_view.summaries,
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
        # the GGUF file, or the served model (an OpenAI-compatible endpoint)
        "llm": (settings.llm.gguf_path.name if settings.llm.gguf_path else settings.llm.model) if llm else None,
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


# ----------------------------------------------------------------------------- extractive vs LLM


def sample_by_type(qs: list[dict], per_type: int, seed: int = 1) -> list[dict]:
    """``per_type`` questions of each type, drawn at random with ``seed``, in file order; a chosen
    follow-up brings its whole conversation (the other turns are asked and graded as well)."""
    rng = random.Random(seed)
    by_type: dict[str, list[dict]] = defaultdict(list)
    turns: dict[str, list[dict]] = defaultdict(list)
    for q in qs:
        by_type[q["type"]].append(q)
        if q["conversation"]:
            turns[q["conversation"]].append(q)
    chosen: set[str] = set()
    for t in sorted(by_type):
        taken = 0
        for q in rng.sample(by_type[t], len(by_type[t])):
            if taken >= per_type:
                break
            if q["id"] in chosen:
                continue
            group = turns[q["conversation"]] if q["conversation"] else [q]  # a conversation comes whole
            chosen |= {x["id"] for x in group}
            taken += sum(1 for x in group if x["type"] == t)
    return [q for q in qs if q["id"] in chosen]


def _slim(row: dict) -> dict:
    """A report line without the answer's facts and citations (the JSON stays readable)."""
    answer = row.get("answer")
    if answer:
        answer = {k: answer[k] for k in ("answer", "answerable", "mode", "intent")} | {
            "facts": len(answer["facts"]), "citations": len(answer["citations"])}
    return {**{k: v for k, v in row.items() if k not in ("answer", "lang", "source", "role", "style")}, "answer": answer}


class _FirstText:
    """An ``on_text`` callback that notes when the first text arrived."""

    at: float | None = None

    def __call__(self, _text: str) -> None:
        if self.at is None:
            self.at = time.perf_counter()


def compare_modes(
    questions: str | Path = harness.DEFAULT_QUESTIONS,
    split: str | None = None,
    per_type: int | None = None,
    seed: int = 1,
    gguf: str | Path | None = None,
    types: Iterable[str] | None = None,
    limit: int | None = None,
    max_tokens: int = 256,
    reports_dir: str | Path | None = harness.REPORTS_DIR,
    say: Callable[[str], None] = print,
    progress: bool = False,
) -> dict:
    """Ours extractive against ours with the LLM (the GGUF of ``make llm``), same questions and turns."""
    from assistant.chain import Assistant, Turn
    from assistant.llm import make_chat_model
    from assistant.settings import AssistantSettings, LLMSettings

    qfile = Path(questions)
    qs = harness.select(harness.load_questions(qfile), types, limit, split)
    if per_type:
        qs = sample_by_type(qs, per_type, seed)
    settings = llm_settings(find_gguf(gguf), max_tokens)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        raise CompareError("--modes needs llama-cpp-python: run `make llm` first") from None
    started = datetime.now().astimezone()
    t = time.perf_counter()
    chat = make_chat_model(settings)
    load = time.perf_counter() - t
    say(f"LLM {settings.gguf_path.name} loaded in {load:.1f} s; asking {len(qs)} questions in both modes …")
    off = LLMSettings(backend="off")
    groups: dict[str | None, list[dict]] = defaultdict(list)
    for q in qs:
        groups[q.get("store")].append(q)
    results: dict[str, list[dict]] = {"extractive": [], "llm": []}
    for name, group in groups.items():
        if name is None:
            s = AssistantSettings(home=harness.DEFAULT_STORE)
            harness.ensure_dev_store(s, say=say)
        else:
            s = harness.bank_settings(name, say)
        view = harness.read_store(s)
        assistant = Assistant.from_settings(s.model_copy(update={"llm": off}))
        assistant.chat_model = chat
        histories: dict[str, list[Any]] = defaultdict(list)
        for q in group:
            history = histories[q["conversation"]] if q["conversation"] else []
            extractive = written = error = None
            first = _FirstText()
            t0 = time.perf_counter()
            try:
                extractive = assistant.ask(q["question"], history=list(history), scope=q.get("scope") or None,
                                           write=False)
                t1 = time.perf_counter()
                written = assistant.write(extractive, on_text=first)
            except Exception as e:  # a crash is a failed question, not a failed comparison
                error = f"{type(e).__name__}: {e}"
                t1 = time.perf_counter()
            t2 = time.perf_counter()
            final = written.answer if written is not None else extractive
            if q["conversation"] and final is not None:
                history.append(Turn(question=q["question"], answer=final))
            results["extractive"].append(harness.record(q, extractive, error, t1 - t0, harness.grade(q, extractive, view)))
            row = harness.record(q, final, error, t2 - t0, harness.grade(q, final, view))
            row.update(outcome=written.outcome if written else None, guard=written.guard if written else None,
                       problems=list(written.problems) if written else [], draft=written.draft if written else "",
                       first_text_s=round(first.at - t0, 3) if first.at is not None else None)
            results["llm"].append(row)
            if progress:
                ok = "ok  " if row["grade"]["right"] else "FAIL"
                print(f"[{len(results['llm']):>3}/{len(qs)}] {ok} {q['id']:<12} {q['type']:<12} "
                      f"{row['outcome'] or '-':<9} {t2 - t0:6.1f} s", file=sys.stderr, flush=True)
    report = {
        "schema": "eval-llm-modes/1",
        "started_at": started.isoformat(timespec="seconds"),
        "questions_file": harness._shown(qfile),
        "split": split,
        "per_type": per_type,
        "seed": seed,
        "asked": len(qs),
        "llm": settings.gguf_path.name,
        "max_tokens": max_tokens,
        "n_threads": settings.n_threads,
        "load_seconds": round(load, 2),
        "summary": modes_summary(results),
        "results": {m: [_slim(r) for r in rs] for m, rs in results.items()},
    }
    report["verdict"] = modes_verdict(report)
    if reports_dir is not None:
        rd = Path(reports_dir)
        rd.mkdir(parents=True, exist_ok=True)
        md, js = rd / f"{REPORT_MODES}.md", rd / f"{REPORT_MODES}.json"
        harness._write(md, render_modes(report))
        harness._write(js, json.dumps(report, ensure_ascii=False, indent=1) + "\n")
        report["paths"] = [str(md), str(js)]
    return report


def modes_summary(results: dict[str, list[dict]]) -> dict:
    """Per type (and all): right in each mode, what the LLM's answers became, seconds p50/p95."""
    from eval import metrics

    def bare(row: dict) -> str:
        return "".join((row["answer"] or {}).get("answer", "").split())

    def block(ext: list[dict], llm: list[dict]) -> dict:
        outcomes = Counter(r["outcome"] for r in llm)
        firsts = [r["first_text_s"] for r in llm if r["first_text_s"] is not None]
        wrote = [r["seconds"] for r in llm if r["outcome"] != "skipped"]
        return {
            "n": len(ext),
            "right_extractive": sum(r["grade"]["right"] for r in ext),
            "right_llm": sum(r["grade"]["right"] for r in llm),
            "llm_shown": outcomes["llm"],
            # shown, and not the extractive text again (a small model often copies its draft)
            "llm_reworded": sum(1 for e, r in zip(ext, llm, strict=True) if r["outcome"] == "llm" and bare(r) != bare(e)),
            "replaced": outcomes["rejected"],
            "failed": outcomes["failed"],
            "skipped": outcomes["skipped"],
            "guards": dict(Counter(r["guard"] for r in llm if r["guard"])),
            "extractive_p50_s": metrics.percentile([r["seconds"] for r in ext], 50),
            "extractive_p95_s": metrics.percentile([r["seconds"] for r in ext], 95),
            "llm_p50_s": metrics.percentile([r["seconds"] for r in llm], 50),
            "llm_p95_s": metrics.percentile([r["seconds"] for r in llm], 95),
            "written_p50_s": metrics.percentile(wrote, 50),
            "written_p95_s": metrics.percentile(wrote, 95),
            "first_text_p50_s": metrics.percentile(firsts, 50),
        }

    ext, llm = results["extractive"], results["llm"]
    types = [t for t in harness.TYPES if any(r["type"] == t for r in ext)]
    return {"by_type": {t: block([r for r in ext if r["type"] == t], [r for r in llm if r["type"] == t])
                        for t in types},
            "overall": block(ext, llm)}


def modes_verdict(report: dict) -> str:
    worse = [f"{t} {b['right_llm']}/{b['n']} < {b['right_extractive']}/{b['n']}"
             for t, b in report["summary"]["by_type"].items() if b["right_llm"] < b["right_extractive"]]
    if worse:
        return "FAIL: the LLM mode is less right than extractive on " + "; ".join(worse)
    return "PASS: the LLM mode is never less right than extractive on any type"


def render_modes(report: dict) -> str:
    s, secs = report["summary"], harness._secs
    head = ("| type | n | right, extractive | right, LLM | LLM text shown | replaced by a guard | LLM failed | "
            "no LLM needed | s/answer extractive p50 / p95 | s/answer LLM p50 / p95 | LLM written: p50 / p95 | "
            "first LLM text p50 |")
    lines = [
        f"# Extractive vs LLM answers ({report['started_at'][:16].replace('T', ' ')})",
        "",
        f"- command: `python -m eval compare --modes --questions {report['questions_file']}"
        + (f" --split {report['split']}" if report["split"] else "")
        + (f" --per-type {report['per_type']} --seed {report['seed']}" if report["per_type"] else "") + "`",
        f"- questions: {report['asked']} asked"
        + (f" — a stratified sample of the {report['split']} split, {report['per_type']} per type drawn at random "
           "(seed " + str(report["seed"]) + "), a follow-up with its whole conversation (its other turns counted "
           "in their own types); the same questions and turns in both modes" if report["per_type"] else ""),
        (f"- LLM: `{report['llm']}` through llama-cpp-python, temperature 0, max_tokens {report['max_tokens']}, "
         f"{report['n_threads']} threads, loaded in {report['load_seconds']:.1f} s; each extractive answer is "
         "rewritten by the LLM and checked by the figure, claim and summary guards"),
        "",
        f"**{report['verdict']}**",
        "",
        head,
        "| --- " + "| ---: " * (head.count("|") - 2) + "|",
    ]

    def row(name: str, b: dict) -> str:
        guards = ", ".join(f"{k} {v}" for k, v in sorted(b["guards"].items()))
        return (f"| {name} | {b['n']} | {b['right_extractive']}/{b['n']} | {b['right_llm']}/{b['n']} | "
                f"{b['llm_shown']} ({b['llm_reworded']} reworded) | {b['replaced']}" + (f" ({guards})" if guards else "") + f" | {b['failed']} | "
                f"{b['skipped']} | {secs(b['extractive_p50_s'])} / {secs(b['extractive_p95_s'])} | "
                f"{secs(b['llm_p50_s'])} / {secs(b['llm_p95_s'])} | {secs(b['written_p50_s'])} / "
                f"{secs(b['written_p95_s'])} | {secs(b['first_text_p50_s'])} |")

    lines += [row(t, b) for t, b in s["by_type"].items()] + [row("**all**", s["overall"])]
    lines += [
        "",
        ("right: every check of `python -m eval run` but hit@5 (gold numbers, mentions, declines, verbatim "
         "citations); LLM text shown: the LLM's answer passed every guard (reworded: its text is not the "
         "extractive answer's again, spaces aside); replaced by a guard: the LLM wrote an "
         "answer a guard refused (which guard in brackets), so the extractive answer was shown; LLM failed: error, "
         "timeout or no text; no LLM needed: declines and questions asked back, said as they are. Seconds per "
         "answer: the LLM mode's include the extractive answer under it; *LLM written* counts only answers the "
         "LLM wrote; *first LLM text*: when the app's draft starts to show."),
        "",
    ]
    ext = {r["id"]: r for r in report["results"]["extractive"]}
    worse = [r for r in report["results"]["llm"] if ext[r["id"]]["grade"]["right"] and not r["grade"]["right"]]
    better = [r for r in report["results"]["llm"] if not ext[r["id"]]["grade"]["right"] and r["grade"]["right"]]
    lines += [f"## Right extractively, wrong with the LLM ({len(worse)})", ""]
    lines += [_case(r) for r in worse] or ["None.", ""]
    lines += [f"## Wrong extractively, right with the LLM ({len(better)})", ""]
    lines += [_case(r) for r in better] or ["None.", ""]
    rejected = [r for r in report["results"]["llm"] if r["outcome"] == "rejected"]
    lines += [f"## Replaced by a guard ({len(rejected)})", ""]
    lines += [_case(r) for r in rejected] or ["None.", ""]
    return "\n".join(lines).rstrip() + "\n"


def _case(r: dict) -> str:
    out = [f"- **{r['id']}** ({r['type']}) {r['question']}"]
    if r.get("guard"):
        out.append(f"  - {r['guard']} guard: " + "; ".join(r["problems"])[:300])
    if r.get("draft") and r["outcome"] != "llm":
        out.append("  - LLM draft: " + r["draft"].replace("\n", " ")[:300])
    if r.get("answer"):
        out.append(f"  - shown ({r['answer']['mode']}): " + r["answer"]["answer"].replace("\n", " ")[:300])
    if r["grade"]["failures"]:
        out.append("  - grade: " + "; ".join(r["grade"]["failures"])[:300])
    return "\n".join(out) + "\n"


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
    """The CLI body (``python -m eval compare``; ``--modes``: extractive against LLM answers)."""
    from ingest.index import StoreBusy

    common = {
        "questions": args.questions or harness.DEFAULT_QUESTIONS,
        "gguf": args.gguf,
        "types": args.type,
        "limit": args.limit,
        "split": args.split,
        "max_tokens": args.max_tokens,
        "reports_dir": args.reports or harness.REPORTS_DIR,
        "say": lambda m: print(m, file=sys.stderr),
        "progress": not args.quiet and (args.progress or sys.stderr.isatty()),
    }
    try:
        if args.modes:
            report = compare_modes(**common, per_type=args.per_type, seed=args.seed)
        else:
            report = compare(**common, llm=args.llm, chunk_size=args.chunk_size, chunk_overlap=args.chunk_overlap)
    except (harness.QuestionError, FileNotFoundError, StoreBusy, CompareError) as e:
        print(f"python -m eval compare: {e}", file=sys.stderr)
        return 2
    if args.modes:
        md = render_modes(report)
        print(md[md.index("| type |"):md.index("\n\n", md.index("| type |"))])
    else:
        print(table(report))
    print()
    print(report["verdict"])
    if report.get("paths"):
        print(f"report: {report['paths'][0]} (answers: {report['paths'][-1]})")
    return 0
