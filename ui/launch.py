"""Start the app: ``main`` (``python app.py``, ``sheetqa serve``) reads the settings, checks the
port, loads the engine and the page, and :func:`launch` serves it with the answer files guarded per
browser and, with a login, failed logins throttled per client (:mod:`ui.serve`)."""

from __future__ import annotations

import argparse
import logging
import socket
import sys
import time
from typing import Any

import gradio as gr

from assistant.memory import settle
from ingest.readers import MAX_BYTES
from ui import gradio_costs, serve
from ui.engine import Engine
from ui.layout import CSS, ENGINES, TITLE, build_app
from ui.settings import UISettings

log = logging.getLogger("sheetqa.app")

MAX_THREADS = 64  # Gradio's worker threads: the waiting questions and every other event


def launch(demo: gr.Blocks, settings: UISettings, **kwargs: Any) -> Any:
    """Start the server: Gradio's, with the answer files guarded per browser and, with a login,
    failed logins throttled per client (:mod:`ui.serve`)."""
    from starlette.middleware import Middleware

    login = settings.app.login()
    engine = ENGINES[demo]
    middleware = [Middleware(serve.ServeGuard, files=engine.files)]
    if login:
        middleware.append(Middleware(serve.ThrottleLogin, throttle=engine.throttle))
    blocking = not kwargs.pop("prevent_thread_lock", False)
    served = demo.launch(
        server_name=settings.app.host,
        server_port=settings.app.port,
        auth=login,
        auth_message="事務事業評価シート Q&A にログインしてください。" if login else None,
        max_file_size=int(min(settings.app.max_upload_mb * 2**20, MAX_BYTES)),
        max_threads=MAX_THREADS,
        footer_links=[],
        css=CSS,
        theme=gr.themes.Soft(),
        ssr_mode=False,
        app_kwargs={"middleware": middleware},
        prevent_thread_lock=True,
        **kwargs,
    )
    gradio_costs.queue_routes_first(demo.app)
    if blocking:
        demo.block_thread()
    return served


def port_free(host: str, port: int) -> bool:
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((host, port))
        return True
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python app.py", description=f"{TITLE}（Gradio）")
    ap.add_argument("--store", help="the store folder (default: $SHEETQA_HOME or ./.sheetqa)")
    ap.add_argument("--host", help="listen address (default 127.0.0.1; SHEETQA_APP__HOST)")
    ap.add_argument("--port", type=int, help="port (default 7860; SHEETQA_APP__PORT)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log.setLevel(logging.INFO)
    try:  # bm25s sets its own logger to DEBUG when imported (and logs every index build): quiet it after
        import bm25s  # noqa: F401
    except ImportError:
        pass
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    settings = UISettings().with_home(args.store)
    app = settings.app.model_copy(update={k: v for k, v in (("host", args.host), ("port", args.port)) if v})
    settings = settings.model_copy(update={"app": app})
    try:
        login = settings.app.login()
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if settings.app.host not in ("127.0.0.1", "localhost", "::1") and login is None:
        log.warning("listening on %s without a login: anyone on the network can read and add sheets "
                    "(set SHEETQA_AUTH=user:password)", settings.app.host)
    if not port_free(settings.app.host, settings.app.port):  # say so now, not after loading the model
        print(f"error: {settings.app.host}:{settings.app.port} is in use (another app.py?); choose another "
              "port with --port or SHEETQA_APP__PORT", file=sys.stderr)
        return 1
    started = time.perf_counter()
    print(f"loading the model and the store {settings.home} …", flush=True)
    engine = Engine(settings)
    if engine.health.damaged:  # one line, no traceback: the page says the same in Japanese
        print(f"error: {engine.health.line}\nthe app starts to say so (no answers, no uploads); repair the "
              "store, then start it again", file=sys.stderr, flush=True)
    elif engine.health.state == "notice":
        print(f"notice: {engine.health.line}", flush=True)
    demo = build_app(engine)
    settle()  # the model, Gradio and the store, loaded for good: out of every later full collection
    try:
        launch(demo, settings, prevent_thread_lock=True, quiet=True)
    except OSError as e:  # the port is taken (another app.py?)
        print(f"error: cannot listen on {settings.app.host}:{settings.app.port} ({e}); "
              "choose another with --port or SHEETQA_APP__PORT", file=sys.stderr)
        return 1
    shown = "127.0.0.1" if settings.app.host in ("0.0.0.0", "::") else settings.app.host
    print(f"ready in {time.perf_counter() - started:.1f}s: open http://{shown}:{settings.app.port} "
          f"(listening on {settings.app.host}{', login required' if login else ''}; Ctrl-C stops)", flush=True)
    if engine.usable and not engine.rows():
        print("the store holds no sheet yet: add some in the 「シートを追加」 tab, or run "
              "python -m ingest build PATH", flush=True)
    demo.block_thread()
    return 0
