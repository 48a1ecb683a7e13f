"""``python -m assistant``: ask one question, a batch of them, or chat in the terminal."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ingest.errors import SheetError


def _assistant(args: argparse.Namespace):  # -> Assistant (imported lazily: --help stays instant)
    from assistant.chain import Assistant
    from assistant.settings import AssistantSettings
    from ingest.check import StoreDamaged, check_store

    settings = AssistantSettings().with_home(args.store)
    if not settings.sqlite_path.exists():
        raise SheetError(str(settings.home), "no store here yet; index sheets first: python -m ingest build PATH")
    health = check_store(settings)  # a damaged store is one line and what to run, before any model loads
    if not health.usable:
        raise StoreDamaged(health.line)
    return Assistant.from_settings(settings)


def _source(assistant, sheet_id: str, project: str | None) -> str:  # noqa: ANN001
    """「デジタルファースト推進事業（ＤＸ戦略課・2024年度・koriyama_r7_digital_first.txt）」: what a user
    can find the sheet by (its id stays in the JSON)."""
    ref = assistant.catalog.sheet(sheet_id) if assistant is not None else None
    sheet = assistant.sheet(sheet_id) if assistant is not None else None
    bits = [ref.section if ref else None, f"{ref.target_fy}年度" if ref and ref.target_fy else None,
            Path(sheet.source.path).name if sheet is not None and sheet.source and sheet.source.path else None]
    return f"{project or (ref.project if ref else sheet_id)}（{'・'.join(b for b in bits if b) or sheet_id}）"


def _print_answer(answer, as_json: bool, extra: dict | None = None, assistant=None) -> None:  # noqa: ANN001
    if as_json:
        obj = json.loads(answer.model_dump_json())
        obj = {**(extra or {}), **{k: obj[k] for k in ("question", "answer", "answerable", "facts", "citations", "mode")},
               **{k: obj[k] for k in ("intent", "sheet_ids")}, **({"choices": obj["choices"]} if obj["choices"] else {})}
        sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
        return
    print(answer.answer)
    if answer.facts and not answer.citations:
        sources = sorted({_source(assistant, f.sheet_id, f.project) for f in answer.facts
                          if f.sheet_id != "*" and f.project})
        if sources:
            print("\n出典: " + "、".join(sources))
    if answer.choices:
        print("\n候補: " + "、".join(f"{c.project}（{c.section or ''}、{c.target_fy}年度）" for c in answer.choices))


def _ask(args: argparse.Namespace) -> int:
    if args.batch:
        return _batch(args)
    if not args.question:
        print("error: give a question, or --batch FILE.jsonl", file=sys.stderr)
        return 2
    assistant = _assistant(args)
    _print_answer(assistant.ask(args.question, scope=_scope(assistant, args)), args.json, assistant=assistant)
    return 0


def _scope(assistant, args: argparse.Namespace) -> list[str] | None:  # noqa: ANN001
    """``--sheet ID_OR_NAME`` (repeatable): what a question that names no project is about."""
    if not args.sheet:
        return None
    missing = [s for s in args.sheet if not assistant.resolve_scope([s])]
    if missing:
        raise SheetError(missing[0], "no such sheet or project in the store (python -m ingest list shows them)")
    return list(args.sheet)


def _batch(args: argparse.Namespace) -> int:
    """Many questions, one model load. Lines that share a ``conversation`` key are one
    conversation in file order (follow-ups see the earlier turns); the others are independent."""
    from assistant.chain import Turn

    path = Path(args.batch)
    if not path.exists():
        raise SheetError(str(path), "no such file")
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            conv = item.get("conversation")
            items.append((item.get("id", n), str(item["question"]), None if conv is None else str(conv)))
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError):
            raise SheetError(str(path), f"line {n} is not {{\"id\": …, \"question\": …}}") from None
    assistant = _assistant(args)
    scope = _scope(assistant, args)
    histories: dict[str, list] = {}
    for qid, question, conv in items:
        history = histories.setdefault(conv, []) if conv is not None else []
        answer = assistant.ask(question, history, scope=scope)
        if conv is not None:
            history.append(Turn(question, answer, list(scope or [])))
        _print_answer(answer, True, {"id": qid})
    return 0


def _chat(args: argparse.Namespace) -> int:
    from assistant.chain import Turn

    assistant = _assistant(args)
    scope = _scope(assistant, args)
    history: list[Turn] = []
    print("質問をどうぞ（終了は空行または Ctrl-D）")
    while True:
        try:
            question = input("> ").strip()
        except EOFError:
            break
        if not question:
            break
        answer = assistant.ask(question, history, scope=scope)
        _print_answer(answer, False, assistant=assistant)
        history.append(Turn(question, answer, list(scope or [])))
    return 0


def settings_problem(e: Exception) -> str:
    """A setting that does not validate, named by its environment variable, in one line."""
    errors = e.errors() if hasattr(e, "errors") else []
    parts = [f"SHEETQA_{'__'.join(str(x) for x in err['loc']).upper()}: {err['msg']}" for err in errors]
    return "a setting is not valid (" + "; ".join(parts or [str(e)]) + ")"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m assistant", description="事務事業評価シートに質問する")
    sub = ap.add_subparsers(dest="command", required=True)
    a = sub.add_parser("ask", help="answer one question (or --batch FILE.jsonl)")
    a.add_argument("question", nargs="?")
    a.add_argument("--json", action="store_true", help="print the answer JSON (contract.md)")
    a.add_argument("--batch", metavar="FILE.jsonl", help='one {"id": …, "question": …} per line; JSON out, one per line')
    a.add_argument("--store", help="the store folder (default: SHEETQA_HOME or ./.sheetqa)")
    a.add_argument("--sheet", action="append", metavar="ID_OR_NAME",
                   help="the sheet (id) or project (name) a question that names none is about; repeatable")
    a.set_defaults(run=_ask)
    c = sub.add_parser("chat", help="a conversation in the terminal (follow-up questions keep their context)")
    c.add_argument("--store")
    c.add_argument("--sheet", action="append", metavar="ID_OR_NAME", help="as for ask")
    c.set_defaults(run=_chat)
    args = ap.parse_args(argv)
    try:
        return args.run(args)
    except SheetError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:  # a store that cannot be read, or a bug: one line, never a traceback
        import sqlite3

        from pydantic import ValidationError

        if isinstance(e, ValidationError) and e.title == "AssistantSettings":
            print(f"error: {settings_problem(e)}", file=sys.stderr)
            return 2

        from assistant.settings import AssistantSettings
        from ingest.check import explain
        from ingest.store import StoreError

        if isinstance(e, StoreError):
            print(f"error: {e}", file=sys.stderr)
            return 4
        settings = AssistantSettings().with_home(getattr(args, "store", None))
        if isinstance(e, sqlite3.DatabaseError) or "chroma" in type(e).__module__:
            print(f"error: {explain(settings, e)}", file=sys.stderr)
            return 4
        print(f"error: internal error ({type(e).__name__}: {e}); please report it", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
