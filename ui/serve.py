"""What the web server adds to Gradio's own: answer files served only to the browser that asked
for them, and a login that backs off.

**Answer files.** Gradio serves any file of its cache folder (``/gradio_api/file=PATH``) to any
client that names the path (any logged-in client when a login is set). The files an answer
writes — the CSV of 数値をCSVで保存, the chart — belong to the session that asked: they are
written to ``<Gradio's cache>/sheetqa-files-RANDOM/OWNER/SESSION/`` (:class:`SessionFiles`), where
OWNER is an HMAC of a random cookie :class:`ServeGuard` gives every browser (``sheetqa-client``,
HttpOnly, SameSite=Lax), and a request for a path under that folder is served only with the
cookie whose HMAC is OWNER; any other client — another browser, a script that learnt the path, a
client without the cookie — gets 404. A session's folder is deleted when its page closes
(``demo.unload``), the whole tree when the app stops.

**Login throttling.** Gradio checks ``POST /login`` itself, without any limit.
:class:`LoginThrottle` keeps, per client address (as uvicorn reports it: behind a reverse proxy on
the same machine, the X-Forwarded-For address), the failed logins of the last ``window`` seconds.
The first ``free`` failures cost nothing; after the n-th, the client's next attempt waits
``base · 2^(n − free − 1)`` seconds (at most ``cap``): a wait up to ``hold`` seconds is waited
on the server (the login page just takes longer), a longer one is answered 429 with Retry-After.
A client has one attempt in flight at a time; the others get 429 at once. A right password
clears the client's record.
"""

from __future__ import annotations

import asyncio
import atexit
import hmac
import json
import logging
import math
import os
import re
import secrets
import shutil
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger("sheetqa.app")

COOKIE = "sheetqa-client"
NOBODY = "nobody"  # the owner of files made for a client without the cookie: no cookie's HMAC is this

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _safe(name: str | None) -> str:
    return re.sub(r"[^\w-]", "_", name or "")[:64] or "none"


def request_cookie(request: Any) -> str | None:
    """The ``sheetqa-client`` cookie of a ``gr.Request`` (None: no request, no cookie)."""
    if request is None:
        return None
    try:
        cookies = getattr(request, "cookies", None) or {}
        value = cookies.get(COOKIE)
    except (AttributeError, KeyError, TypeError):  # a request without cookies at all (a direct call)
        return None
    return str(value) if value else None


class SessionFiles:
    """The answer files' folders: one per browser (its cookie's HMAC) and session."""

    def __init__(self, root: Path | None = None) -> None:
        if root is None:
            from gradio.utils import get_upload_folder

            root = Path(get_upload_folder()) / f"sheetqa-files-{secrets.token_hex(8)}"
        self.root = root.resolve()
        self._secret = secrets.token_bytes(32)
        self._made: set[Path] = set()
        atexit.register(shutil.rmtree, self.root, ignore_errors=True)

    def owner(self, cookie: str | None) -> str:
        if not cookie:
            return NOBODY
        return hmac.new(self._secret, cookie.encode(), "sha256").hexdigest()[:32]

    def folder(self, request: Any = None) -> Path:
        """The folder of this request's session (made if need be). Without a request (a direct
        call, a test) a folder no client can fetch from."""
        session = getattr(request, "session_hash", None) if request is not None else None
        path = self.root / self.owner(request_cookie(request)) / _safe(session)
        if path not in self._made:  # one mkdir a session, not one an answer
            path.mkdir(parents=True, exist_ok=True)
            self._made.add(path)
        return path

    def forget(self, session: str | None) -> None:
        """Delete a session's files (its page was closed)."""
        if not session:
            return
        for folder in self.root.glob(f"*/{_safe(session)}"):
            self._made.discard(folder)
            shutil.rmtree(folder, ignore_errors=True)

    def holds(self, path: str) -> bool:
        try:
            Path(os.path.abspath(path)).resolve().relative_to(self.root)
            return True
        except (ValueError, OSError):
            return False

    def may_read(self, path: str, cookie: str | None) -> bool:
        """Whether the client with ``cookie`` may fetch ``path`` (a path of this tree)."""
        try:
            rel = Path(os.path.abspath(path)).resolve().relative_to(self.root)
        except (ValueError, OSError):
            return False
        return bool(cookie) and len(rel.parts) >= 2 and hmac.compare_digest(rel.parts[0], self.owner(cookie))


def _header(scope: Scope, name: bytes) -> str | None:
    headers: list[tuple[bytes, bytes]] = scope.get("headers") or []  # ASGI: (name, value) byte pairs
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def scope_cookie(scope: Scope) -> str | None:
    raw = _header(scope, b"cookie")
    if not raw:
        return None
    from starlette.requests import cookie_parser

    return cookie_parser(raw).get(COOKIE) or None


def file_target(path: str) -> str | None:
    """The file a request path asks Gradio for (``…/file=PATH``, ``…/file/PATH``), or None."""
    for mark in ("file=", "/file/"):
        at = path.find(mark)
        if at >= 0:
            target = path[at + len(mark):]
            return target if mark == "file=" else "/" + target.lstrip("/")
    return None


async def _reply(send: Send, status: int, body: dict[str, Any], headers: Sequence[tuple[bytes, bytes]] = ()) -> None:
    data = json.dumps(body, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(data)).encode()), *headers]})
    await send({"type": "http.response.body", "body": data})


class ServeGuard:
    """ASGI middleware: gives each browser its ``sheetqa-client`` cookie and serves a session's
    answer files only to the browser whose cookie owns them."""

    def __init__(self, app: ASGIApp, files: SessionFiles) -> None:
        self.app = app
        self.files = files

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookie = scope_cookie(scope)
        target = file_target(scope.get("path") or "")
        if target is not None and self.files.holds(target) and not self.files.may_read(target, cookie):
            await _reply(send, 404, {"detail": "Not Found"})
            return
        if cookie:
            await self.app(scope, receive, send)
            return
        secure = "; Secure" if scope.get("scheme") == "https" else ""
        set_cookie = f"{COOKIE}={secrets.token_urlsafe(24)}; Path=/; HttpOnly; SameSite=Lax{secure}".encode()

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", set_cookie)]}
            await send(message)

        await self.app(scope, receive, send_with_cookie)


# ----------------------------------------------------------------------------- login


@dataclass
class _Record:
    failures: int = 0
    last: float = 0.0  # when the last failure was
    busy: bool = False  # an attempt is being checked


class LoginThrottle:
    """Per-client back-off after failed logins (the policy is the module's docstring)."""

    def __init__(self, free: int = 3, base: float = 1.0, cap: float = 300.0, window: float = 900.0,
                 hold: float = 5.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.free, self.base, self.cap, self.window, self.hold = free, base, cap, window, hold
        self.clock = clock
        self._clients: dict[str, _Record] = {}
        self._lock = threading.Lock()

    def delay(self, failures: int) -> float:
        """Seconds an attempt waits after ``failures`` failed ones."""
        if failures <= self.free:
            return 0.0
        return min(self.cap, self.base * 2.0 ** (failures - self.free - 1))

    def _record(self, client: str, now: float) -> _Record:
        rec = self._clients.get(client)
        if rec is not None and not rec.busy and rec.failures and now - rec.last > self.window:
            rec.failures = 0  # forgotten: no failure for a whole window
        if rec is None:
            if len(self._clients) > 10_000:  # bounded: drop the records nothing holds any more
                for key in [k for k, r in self._clients.items() if not r.busy and now - r.last > self.window]:
                    del self._clients[key]
            rec = self._clients[client] = _Record()
        return rec

    def begin(self, client: str) -> tuple[str, float]:
        """``("go", wait)``: check this attempt after ``wait`` seconds (it is now in flight);
        ``("busy", 0)``: another attempt of this client is in flight; ``("later", wait)``: refused,
        try again in ``wait`` seconds."""
        with self._lock:
            now = self.clock()
            rec = self._record(client, now)
            if rec.busy:
                return "busy", 0.0
            wait = max(0.0, rec.last + self.delay(rec.failures) - now) if rec.failures else 0.0
            if wait > self.hold:
                return "later", wait
            rec.busy = True
            return "go", wait

    def end(self, client: str, ok: bool | None) -> None:
        """The attempt's outcome: True (logged in), False (wrong login), None (neither: an error)."""
        with self._lock:
            rec = self._record(client, self.clock())
            rec.busy = False
            if ok:
                rec.failures = 0
            elif ok is False:
                rec.failures += 1
                rec.last = self.clock()
                if rec.failures > self.free:
                    log.warning("login: %d failed attempts from %s; its next attempt waits %.0f s",
                                rec.failures, client, self.delay(rec.failures))


class ThrottleLogin:
    """ASGI middleware: Gradio's ``POST /login`` through a :class:`LoginThrottle`."""

    def __init__(self, app: ASGIApp, throttle: LoginThrottle) -> None:
        self.app = app
        self.throttle = throttle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = (scope.get("path") or "").rstrip("/")
        if scope["type"] != "http" or scope.get("method") != "POST" or not path.endswith("/login"):
            await self.app(scope, receive, send)
            return
        client = str((scope.get("client") or ("unknown",))[0])
        verdict, wait = self.throttle.begin(client)
        if verdict != "go":
            seconds = max(1, math.ceil(wait))
            await _reply(send, 429, {"detail": f"ログインの試行が多すぎます。{seconds} 秒ほど待ってから、もう一度お試しください。"},
                         [(b"retry-after", str(seconds).encode())])
            return
        status: list[int] = []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))
            await send(message)

        try:
            if wait > 0:
                await asyncio.sleep(wait)
            await self.app(scope, receive, watch)
        finally:
            code = status[0] if status else None
            self.throttle.end(client, True if code == 200 else False if code == 400 else None)
