"""sheetqa's web UI (Gradio 6): chat with sources, figures and charts; the sheet browser; upload.

Only drawing: every answer comes from the same :class:`assistant.chain.Assistant` that
``python -m assistant`` uses (built by :meth:`Assistant.from_settings`), every upload goes through
:func:`ingest.index.build` like ``python -m ingest build``. Settings are the project's one settings
object (:class:`ui.settings.UISettings`, the assistant's plus the UI's): ``SHEETQA_HOME``, ``SHEETQA_APP__HOST`` /
``__PORT`` / ``__MAX_UPLOAD_MB``, and ``SHEETQA_AUTH=user:password`` for a login.

One module a job:

- :mod:`ui.engine` — what every handler shares: settings, the models loaded once, one warm
  Assistant per answer thread, uploads into the store
- :mod:`ui.layout` — the page (``build_app``): the tabs and every event wired to its handler
- :mod:`ui.chat`, :mod:`ui.side` — the chat tab's handlers and its right column
- :mod:`ui.sheets` — the sheet browser (tables and the tab's handlers)
- :mod:`ui.upload` — the 「シートを追加」 tab
- :mod:`ui.format`, :mod:`ui.charts` — an answer as Markdown, tables and CSV; its chart (PNG)
- :mod:`ui.serve` — answer files served only to the browser that asked; the login throttle
- :mod:`ui.gradio_costs` — Gradio's per-class work for a component update, done once
- :mod:`ui.launch` — ``main`` (``python app.py``, ``sheetqa serve``) and ``launch``

With an LLM configured (``SHEETQA_LLM__…``, README "Answers written by an LLM"), the chat shows
the extractive answer at once, then the LLM's draft as it streams in, then the LLM's answer when it
passed every guard — or the extractive one with a note saying why. A misconfigured
LLM is one line on the page and in the log; answers are then extractive.

Start-up: the store checks itself first (:func:`ingest.check.check_store`). A damaged store is
one line on the page (in Japanese, with the next step) and in the log; the app starts without an
Assistant, and uploads are off. A store with a notice (vectors of no sheet, an interrupted build)
is usable; the page says what was found.

Threads: Gradio runs handlers in its worker threads; the answers themselves run in a few answer
threads (``ANSWER_WORKERS``), each with its own ``Assistant`` around its own read-only SQLite
connection (a connection may not cross threads), kept warm (its catalog, parsed sheets and name
vectors) from one question to the next. The embedding model, the retriever (its BM25 index and
Chroma collection), the name vectors and the optional chat model are loaded once and shared. Many
people asking at once wait for an answer thread, not in Gradio's queue, and the answer then
arrives whole (no waiting note, no growing pieces), with each panel of the right column sent as a
plain value when the session shows (or hides) it already: Gradio rebuilds a component for every
update, which was most of an answer's CPU under load (:mod:`ui.gradio_costs` does the rest of
Gradio's per-answer work once, or only when asked for). The conversation lives in the browser session
(``gr.State``), never in a global.

Files an answer writes (its CSV, its chart) are served only to the browser that asked
(:mod:`ui.serve`); with a login, failed logins back off per client.
"""

import os

# Before the heavy imports (design.md): no hub, no telemetry.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
# Gradio summarises every event it has seen (a pandas table of up to 10,000) after each event; the
# summary is only for its monitoring page. Every 200th event is enough,
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "200")
os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "2000")  # and of the last 2,000 events
