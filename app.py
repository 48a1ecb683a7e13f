"""sheetqa's web UI: the entry point. The app itself is the :mod:`ui` package.

    python app.py [--store DIR] [--host 127.0.0.1] [--port 7860]

``make run`` and ``sheetqa serve`` start the same :func:`ui.launch.main`.
"""

from __future__ import annotations

import sys

from ui.launch import main

__all__ = ["main"]

if __name__ == "__main__":  # `sheetqa serve` is the same; a bad setting or store is one line (sheetqa/runner.py)
    from sheetqa.runner import run

    sys.exit(run(main))
