"""``python -m ingest``: parse sheets (and, with the index, build and manage the store)."""

from __future__ import annotations

import argparse
import sys

from ingest.errors import SheetError


def _parse(args: argparse.Namespace) -> int:
    from ingest.parse import parse_file

    sheet = parse_file(args.file)
    if args.json:
        sys.stdout.write(sheet.to_json() + "\n")
    else:
        from rich.console import Console

        from ingest.summary import render

        Console(width=max(120, Console().width)).print(render(sheet))
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ingest", description="事務事業評価シートを読み込む")
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parse", help="parse one sheet (text, PDF or canonical JSON) and print it; stores nothing")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="print the canonical sheet/1 JSON")
    p.set_defaults(run=_parse)
    args = ap.parse_args(argv)
    try:
        return args.run(args)
    except SheetError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:  # a bug of ours: still one line for the user, with what to report
        where = getattr(args, "file", "") or ""
        print(f"error: {where}: internal error ({type(e).__name__}: {e}); please report this file", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
