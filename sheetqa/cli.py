"""``sheetqa``: the one command, with every job as a subcommand.

    sheetqa parse FILE [--json]                  python -m ingest parse …
    sheetqa build PATH... [--store DIR] …        python -m ingest build …
    sheetqa check | list | remove …              python -m ingest check | list | remove …
    sheetqa ask "QUESTION" [--json] …            python -m assistant ask …
    sheetqa chat [--store DIR]                   python -m assistant chat …
    sheetqa serve [--store DIR] [--host H] …     python app.py …
    sheetqa eval run | compare | bench | …       python -m eval …

Each subcommand is the very command of the older form (the same click command object, or for
``serve`` and ``eval`` the same ``main``), so options, output and exit codes are the same
(docs/contract.md); errors are handled in one place, :mod:`sheetqa.runner`.
"""

from __future__ import annotations

import sys

import click

from sheetqa.runner import Group, main_of, run


def _serve(store: str | None, host: str | None, port: int | None) -> int:
    argv = [*(["--store", store] if store else []), *(["--host", host] if host else []),
            *(["--port", str(port)] if port else [])]

    def start() -> int:
        import app

        return app.main(argv)

    return run(start, store=store)


SERVE = click.Command("serve", callback=_serve, params=[
    click.Option(["--store"], metavar="DIR", help="the store folder (default: $SHEETQA_HOME or ./.sheetqa)"),
    click.Option(["--host"], help="listen address (default 127.0.0.1; SHEETQA_APP__HOST)"),
    click.Option(["--port"], type=int, help="port (default 7860; SHEETQA_APP__PORT)"),
], short_help="Start the web UI over the store", help="Start the web UI (Gradio) over the store: what python app.py and make run start.")


def _eval(argv: tuple[str, ...]) -> int:
    from eval.__main__ import main as eval_main

    return eval_main(list(argv), prog="sheetqa eval")


EVAL = click.Command(
    "eval", callback=_eval, params=[click.Argument(["argv"], nargs=-1, type=click.UNPROCESSED)],
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True}, add_help_option=False,
    short_help="Measure answers and speed: run, compare, bench, corpus …",
    help="Measure sheetqa from the outside: run, compare, bench, corpus, thresholds (sheetqa eval --help).")


def cli() -> click.Group:
    from assistant.__main__ import COMMANDS as ASSISTANT
    from ingest.__main__ import COMMANDS as INGEST

    return Group("sheetqa", commands=[*INGEST, *ASSISTANT, SERVE, EVAL],
                 help="事務事業評価シートを読み込み、質問に答える。Read evaluation sheets and answer questions "
                      "about them (docs/contract.md).")


def main(argv: list[str] | None = None) -> int:
    return main_of(cli(), argv, "sheetqa")


if __name__ == "__main__":
    sys.exit(main())
