"""How every command runs, whichever way it is called (``sheetqa …``, ``python -m ingest …``,
``python -m assistant …``, ``python -m eval …``): the settings are checked first, and whatever a
command raises becomes one line on stderr and an exit code (docs/contract.md), never a traceback.

Exit codes: 0 done; 1 done, but something was not written or not found (the command returns it);
2 bad input (a file that is no sheet, a setting that does not validate, missing arguments); 3 an
internal error (one line that asks to report it); 4 a store that is busy, damaged or unreachable;
130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

BAD_INPUT = 2
INTERNAL = 3
STORE = 4
INTERRUPTED = 130


def settings_problem(e: Exception) -> str:
    """A setting that does not validate, named by its environment variable, in one line."""
    errors = e.errors() if hasattr(e, "errors") else []
    parts = [f"SHEETQA_{'__'.join(str(x) for x in err['loc']).upper()}: {err['msg']}" for err in errors]
    return "a setting is not valid (" + "; ".join(parts or [str(e)]) + ")"


def _store_errors() -> tuple[type[Exception], ...]:
    """Store errors, looked up only when the store modules were imported (``parse`` never loads
    them): another build holding the store, an unusable or damaged one."""
    index, store = sys.modules.get("ingest.index"), sys.modules.get("ingest.store")
    return tuple(([index.StoreBusy] if index is not None else []) + ([store.StoreError] if store is not None else []))


def failure(e: BaseException, store: str | Path | None = None, file: str | None = None) -> tuple[int, str]:
    """What a command's error means for its user: the exit code and the one line to print."""
    import sqlite3

    from pydantic import ValidationError

    from ingest.errors import SheetError

    if isinstance(e, KeyboardInterrupt):
        return INTERRUPTED, "interrupted"
    if isinstance(e, SheetError):
        return BAD_INPUT, f"error: {e}"
    if isinstance(e, ValidationError) and e.title.endswith("Settings"):
        return BAD_INPUT, f"error: {settings_problem(e)}"
    if isinstance(e, _store_errors()):  # another build holds the store; it is unusable or damaged
        return STORE, f"error: {e}"
    if isinstance(e, sqlite3.DatabaseError) or "chroma" in type(e).__module__:
        from ingest.check import explain
        from ingest.settings import Settings

        return STORE, f"error: {explain(Settings().with_home(store), e)}"
    where = f"{file}: " if file else ""
    report = "please report this file" if file else "please report it"
    return INTERNAL, f"error: {where}internal error ({type(e).__name__}: {e}); {report}"


def run(command: Callable[[], int], *, store: str | Path | None = None, file: str | None = None) -> int:
    """Run one command: the settings validated first (a bad ``SHEETQA_…`` variable is one line,
    exit 2, whatever the command), then the command; its errors as :func:`failure` says."""
    try:
        from ui.settings import UISettings  # every SHEETQA_ setting: the LLM's and the app's included

        UISettings()
        return command()
    except BrokenPipeError:  # the reader went away (… | head): nothing more to say
        return 0
    except (Exception, KeyboardInterrupt) as e:
        code, line = failure(e, store, file)
        print(line, file=sys.stderr)
        return code


def command(name: str, body: Callable[[argparse.Namespace], int], params: list[click.Parameter],
            short: str, help: str = "") -> click.Command:
    """A click command that runs ``body`` under :func:`run`. ``body`` gets the options as an
    ``argparse.Namespace`` (repeated options and arguments as lists) and returns the exit code.
    ``short`` is its line in the list of commands, ``help`` what ``--help`` adds to it."""

    def callback(**kw: Any) -> int:
        args = argparse.Namespace(**{k: list(v) if isinstance(v, tuple) else v for k, v in kw.items()})
        return run(lambda: body(args), store=getattr(args, "store", None), file=getattr(args, "file", None))

    return click.Command(name, callback=callback, params=params, short_help=short, help=f"{short}. {help}".strip())


class Group(click.Group):
    """A group that lists its commands in the order they were added, not alphabetically, and
    takes ``-h`` for ``--help`` (as the argparse commands did)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, context_settings={"help_option_names": ["-h", "--help"]}, **kwargs)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


def main_of(group: click.Command, argv: Sequence[str] | None, prog: str) -> int:
    """Run a click command tree and return its exit code (a usage error: 2, as argparse did)."""
    try:
        rv = group.main(args=list(argv) if argv is not None else None, prog_name=prog, standalone_mode=False)
    except click.ClickException as e:
        e.show()
        return e.exit_code
    except click.Abort:
        return INTERRUPTED
    return rv if isinstance(rv, int) else 0
