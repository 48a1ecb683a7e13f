"""``python -m ingest``: parse sheets (and, with the index, build and manage the store)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

import click

from sheetqa.runner import Group, command, main_of

if TYPE_CHECKING:
    from ingest.settings import Settings


def _parse(args: argparse.Namespace) -> int:
    """One sheet: its canonical JSON (or a summary). A binder: one JSON line per sheet (JSON
    Lines), and one line on stderr for each sheet that could not be read (exit 1 then)."""
    from ingest.parse import first_error, parse_parts
    from ingest.readers import read_document

    doc = read_document(args.file)
    parts = parse_parts(doc)
    good = [(p, p.sheet) for p in parts if p.sheet is not None]
    if not good:
        raise first_error(parts, doc.path)
    many = len(parts) > 1
    if args.json:
        for _, sheet in good:
            sys.stdout.write((sheet.model_dump_json(by_alias=True) if many else sheet.to_json()) + "\n")
    else:
        from rich.console import Console
        from rich.rule import Rule

        from ingest.summary import render

        console = Console(width=max(120, Console().width))
        if many:
            console.print(f"{doc.path}: {len(good)} sheets" + (f" ({len(parts) - len(good)} unreadable)"
                                                                  if len(good) < len(parts) else ""))
        for p, sheet in good:
            if many:
                console.print(Rule(p.where))
            console.print(render(sheet))
    for part in parts:
        if part.error is not None:
            print(f"error: {doc.path}: {part.where}: {part.error.reason}", file=sys.stderr)
    return 1 if len(good) < len(parts) else 0


def _settings(args: argparse.Namespace) -> Settings:
    from ingest.settings import Settings  # imported here: `parse` stays light

    return Settings().with_home(args.store)


def _build(args: argparse.Namespace) -> int:
    import json
    from collections import Counter
    from dataclasses import asdict

    from tqdm import tqdm

    from ingest.index import FileReport, build

    settings = _settings(args)
    bar = tqdm(total=0, unit="file", desc="build", file=sys.stderr, disable=None, dynamic_ncols=True)

    def line(r: FileReport) -> str:
        if r.status in ("failed", "refused", "conflict"):
            return f"{r.status:<10} {r.label}: {r.reason}"
        what = f"{r.sheet_id}  {r.project or '（事業名不明）'}  {r.chunks} chunks"
        if r.embedded or r.reused:
            what += f" ({r.embedded} embedded" + (f", {r.reused} reused" if r.reused else "") + ")"
        if r.replaced and r.replaced != r.sheet_id:
            what += f"  replaces {r.replaced}"
        if r.sheet_status == "incomplete":
            what += "  [incomplete: the text stops early]"
        if r.pages:
            what += f"  (pages {r.pages})"
        if r.reason:
            what += f"  [{r.reason}]"
        if r.dropped:
            what += f"  (no longer in the file: {', '.join(r.dropped)})"
        return f"{r.status:<10} {r.label}  {what}"

    def progress(r: FileReport, done: int, total: int) -> None:
        bar.total = total
        bar.update(1)
        if not args.json:
            bar.write(line(r), file=sys.stdout)

    if not args.paths and not args.repair:
        print("error: give the files or folders to index (or --repair alone to mend the store)", file=sys.stderr)
        return 2
    try:
        report = build(args.paths, settings, progress=progress, force=args.force, replace=args.replace,
                       repair=args.repair)
    finally:
        bar.close()
    if args.json:
        out = {**asdict(report), "counts": report.count(), "ok": report.ok, "binders": report.binders}
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
        return 0 if report.ok else 1
    counts = report.count()
    summary = ", ".join(f"{n} {s}" for s, n in counts.items())
    embedded = report.chunks_embedded
    timing = f"{report.seconds:.1f}s"
    if embedded:
        share = report.embed_seconds / report.seconds if report.seconds else 0.0
        timing += f"; {embedded} chunks embedded in {report.embed_seconds:.1f}s ({share:.0%} of the time)"
    if report.model_load_seconds:
        timing += f"; model load {report.model_load_seconds:.1f}s"
    recovered = ""
    if report.recovered:
        recovered = f"; {report.recovered} left pending by an interrupted build redone"
    for path, n in report.binders.items():
        statuses = Counter(r.status for r in report.by_file()[path])
        print(f"{path}: {n} sheets (" + ", ".join(f"{k} {v}" for k, v in statuses.items()) + ")")
    n_files = len(report.by_file())
    sheets = "" if n_files == len(report.files) else f", {len(report.files)} sheets"
    if report.files or not args.repair:
        print(f"{n_files} files{sheets}: {summary} ({timing}{recovered})")
    if args.repair:
        aside = f"; set aside: {', '.join(report.set_aside)}" if report.set_aside else ""
        print(f"repaired: {report.repaired} chunks given their vectors again, {report.orphans_dropped} vectors "
              f"of no sheet dropped{aside}")
    print(f"store {report.store}  vectors {report.vectors}")
    return 0 if report.ok else 1


def _check(args: argparse.Namespace) -> int:
    """The store checks itself: SQLite's integrity_check, every sheet's vectors counted."""
    import json
    from dataclasses import asdict

    from ingest.check import check_store

    settings = _settings(args)
    health = check_store(settings, deep=True)
    if args.json:
        sys.stdout.write(json.dumps({**asdict(health), "usable": health.usable}, ensure_ascii=False, indent=1) + "\n")
    else:
        print(f"{health.state}: {health.line}")
        if health.state != "empty" and not (health.problem or "").startswith("figures"):
            print(f"store {settings.home}: {health.sheets:,} sheets, {health.chunks:,} chunks; figures database "
                  f"{health.integrity}; vectors {settings.chroma_location}: {health.vectors:,}")
        for what, table in (("without vectors", health.missing), ("with extra vectors", health.extra),
                            ("of no sheet", health.orphans)):
            if table:
                shown = ", ".join(f"{sid} ({n})" for sid, n in list(table.items())[:5])
                print(f"  chunks {what}: {shown}{' …' if len(table) > 5 else ''}")
    return {"ok": 0, "notice": 0, "empty": 1}.get(health.state, 4)


def _list(args: argparse.Namespace) -> int:
    import json
    from dataclasses import asdict

    from ingest.index import list_sheets, pending_files

    settings = _settings(args)
    sheets = list_sheets(settings)
    pending = pending_files(settings)
    if args.json:
        sys.stdout.write(json.dumps([asdict(s) for s in sheets], ensure_ascii=False, indent=1) + "\n")
        return 0
    if pending:
        print(f"{len(pending)} files were left half-indexed by an interrupted build; the next build "
              f"finishes them: {', '.join(pending[:3])}{' …' if len(pending) > 3 else ''}", file=sys.stderr)
    if not sheets:
        print(f"the store {settings.home} holds no sheets; add some with: python -m ingest build PATH...")
        return 0
    if not settings.chroma.host and not (settings.chroma_path / "chroma.sqlite3").exists():
        print(f"warning: the vector folder {settings.chroma_path} is missing: answers cannot search the text; "
              "repair: python -m ingest build --repair", file=sys.stderr)
    for s in sheets:
        fy = str(s.target_fy or "----")
        who = " ".join(x for x in (s.department, s.section) if x)
        name = s.project or "（事業名不明）"
        where = s.source_path or ""
        if s.source_part:
            where += f"#{s.source_part}" + (f" (pages {s.source_pages})" if s.source_pages else "")
        flag = "  [incomplete]" if s.status == "incomplete" else ""
        print(f"{s.sheet_id}  {fy}  {name}  {who}  {s.template}  {s.n_chunks} chunks  {where}{flag}")
    incomplete = sum(1 for s in sheets if s.status == "incomplete")
    note = f" ({incomplete} incomplete: their text stops early)" if incomplete else ""
    print(f"{len(sheets)} sheets in {settings.home}{note}")
    return 0


def _remove(args: argparse.Namespace) -> int:
    """Sheet ids, or files: a file the store holds goes with every sheet it holds (a binder's all)."""
    from ingest.index import known_file, remove, remove_file

    settings = _settings(args)
    failed = 0
    for sheet_id in args.sheet_ids:
        if known_file(sheet_id, settings):
            fr = remove_file(sheet_id, settings)
            kept = len(fr.sheet_ids) - len(fr.removed)
            also = f"; {kept} kept (another file holds them)" if kept else ""
            print(f"removed {fr.path}: {len(fr.removed)} sheets ({fr.chunks_deleted} chunks){also}")
            continue
        r = remove(sheet_id, settings)
        if r.removed:
            files = f"; files: {', '.join(r.files)}" if r.files else ""
            print(f"removed {sheet_id} ({r.chunks_deleted} chunks{files})")
        else:
            where = settings.home
            print(f"error: no sheet {sheet_id} in {where} (see: python -m ingest list)", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


STORE_HELP = "the store folder (default: $SHEETQA_HOME or ./.sheetqa)"


def _store() -> click.Option:
    return click.Option(["--store"], metavar="DIR", help=STORE_HELP)


def _json(help: str = "print JSON") -> click.Option:
    return click.Option(["--json"], is_flag=True, help=help)


# The commands, shared with the ``sheetqa`` command (sheetqa/cli.py): one definition each.
PARSE = command("parse", _parse, [
    click.Argument(["file"]),
    _json("print the canonical sheet/1 JSON (a binder: one JSON object per line per sheet)"),
], "Parse a file and print its sheets", "Text, PDF or canonical JSON; nothing is stored.")
BUILD = command("build", _build, [
    click.Argument(["paths"], nargs=-1, metavar="[PATH]..."),
    _store(),
    click.Option(["--force"], is_flag=True, help="re-parse unchanged files too (embeds only new chunks)"),
    click.Option(["--replace"], is_flag=True,
                 help="let a sheet replace the sheet another file brought (same project, 課 and year, or the "
                      "id it claims); without it that is a conflict and nothing changes"),
    click.Option(["--repair"], is_flag=True,
                 help="mend a damaged store: give every sheet its missing vectors, drop vectors of no sheet; "
                      "a damaged figures database is set aside and rebuilt from PATH..."),
    _json("print the build report as JSON"),
], "Parse and index files or folders into the store", "Folders are searched recursively; idempotent.")
CHECK = command("check", _check, [_store(), _json()], "Check the store",
                "SQLite's integrity_check, every sheet's vectors counted against its chunks.")
LIST = command("list", _list, [_store(), _json()], "List the sheets the store holds")
REMOVE = command("remove", _remove, [
    click.Argument(["sheet_ids"], nargs=-1, required=True, metavar="SHEET_ID|FILE..."),
    _store(),
], "Drop sheets or files from every index", "A file goes with every sheet it holds.")
COMMANDS = [PARSE, BUILD, CHECK, LIST, REMOVE]


def main(argv: list[str] | None = None) -> int:
    cli = Group("ingest", commands=COMMANDS, help="事務事業評価シートを読み込む")
    return main_of(cli, argv, "python -m ingest")


if __name__ == "__main__":
    sys.exit(main())
