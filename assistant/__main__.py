"""``python -m assistant``: ask one question, a batch of them, or chat in the terminal."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ingest.errors import SheetError
from sheetqa.runner import Group, command, main_of

if TYPE_CHECKING:
    from assistant.answer import Answer
    from assistant.chain import Assistant


def _assistant(args: argparse.Namespace) -> Assistant:  # imported lazily: --help stays instant
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


def _source(assistant: Assistant | None, sheet_id: str, project: str | None) -> str:
    """「デジタルファースト推進事業（ＤＸ戦略課・2024年度・koriyama_r7_digital_first.txt）」: what a user
    can find the sheet by (its id stays in the JSON)."""
    ref = assistant.catalog.sheet(sheet_id) if assistant is not None else None
    sheet = assistant.sheet(sheet_id) if assistant is not None else None
    bits = [ref.section if ref else None, f"{ref.target_fy}年度" if ref and ref.target_fy else None,
            Path(sheet.source.path).name if sheet is not None and sheet.source and sheet.source.path else None]
    return f"{project or (ref.project if ref else sheet_id)}（{'・'.join(b for b in bits if b) or sheet_id}）"


def _print_answer(answer: Answer, as_json: bool, extra: dict[str, Any] | None = None,
                  assistant: Assistant | None = None) -> None:
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


def _scope(assistant: Assistant, args: argparse.Namespace) -> list[str] | None:
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
    histories: dict[str, list[Turn]] = {}
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


def _sheet(help: str) -> click.Option:
    return click.Option(["--sheet"], multiple=True, metavar="ID_OR_NAME", help=help)


STORE_HELP = "the store folder (default: SHEETQA_HOME or ./.sheetqa)"
# The commands, shared with the ``sheetqa`` command (sheetqa/cli.py): one definition each.
ASK = command("ask", _ask, [
    click.Argument(["question"], required=False),
    click.Option(["--json"], is_flag=True, help="print the answer JSON (contract.md)"),
    click.Option(["--batch"], metavar="FILE.jsonl",
                 help='one {"id": …, "question": …} per line; JSON out, one per line'),
    click.Option(["--store"], metavar="DIR", help=STORE_HELP),
    _sheet("the sheet (id) or project (name) a question that names none is about; repeatable"),
], "Answer one question (or --batch FILE.jsonl)")
CHAT = command("chat", _chat, [click.Option(["--store"], metavar="DIR", help=STORE_HELP), _sheet("as for ask")],
               "A conversation in the terminal", "Follow-up questions keep their context; an empty line or Ctrl-D "
               "ends it.")
COMMANDS = [ASK, CHAT]


def main(argv: list[str] | None = None) -> int:
    cli = Group("assistant", commands=COMMANDS, help="事務事業評価シートに質問する")
    return main_of(cli, argv, "python -m assistant")


if __name__ == "__main__":
    sys.exit(main())
