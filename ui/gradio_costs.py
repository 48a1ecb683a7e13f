"""Gradio's per-answer work that no answer needs, done once, only when asked for, or without a hop.

Every answer hides or shows panels of the right column, and Gradio builds a new component for each
such update: it constructs it twice (our update, then its own copy for the session), reads the
constructor's signature with :mod:`inspect` for each construction and for each config, and
regenerates the component's JSON schema with pydantic. None of that changes between two answers;
under load it was a third of the app's CPU per answer. Besides, each session keeps a config of
every block of the page, recomputed for each output of each answer, which only Gradio's deep-link
route reads (this app has none): computed when read. Every output is walked in Python twice, for
files and for their URLs, and every file an answer shows is checked against the allowed folders
(each folder's real path looked up again for each file): an output without a file is copied in C,
a file the app wrote itself is given its URL at once. Each output's conversion and the handler's
call hop to a worker thread: small ones run on the event loop. And FastAPI tries each request
against Gradio's routes in turn, the queue's two 41st and 45th of 63: they come first. Imported
for its effect by :mod:`ui.side`.
"""

from __future__ import annotations

import functools
import inspect
import os
import types
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import gradio as gr
import gradio.blocks
import gradio.component_meta
import gradio.components.base
import gradio.components.dataframe
import gradio.helpers
import gradio.processing_utils
import gradio.queueing
import gradio.state_holder
import gradio.utils
import orjson
from gradio.blocks import BlocksConfig
from gradio.components import Component
from gradio.data_classes import GradioModel, GradioRootModel
from gradio.route_utils import API_PREFIX

from assistant.memory import per_object

if TYPE_CHECKING:
    from gradio.blocks import Blocks


# what Gradio reads of a function or class for every component and event: fixed for its life
_signature = per_object(inspect.signature)
_getfile = per_object(inspect.getfile)
_fullargspec = per_object(inspect.getfullargspec)


class _Shadow(types.ModuleType):
    """A module as Gradio's modules see it: the names given replaced, every other name the real
    module's (Gradio reads them through its own module attribute, e.g. ``gradio.blocks.anyio``)."""

    def __init__(self, real: Any, **replaced: Any) -> None:
        super().__init__(getattr(real, "__name__", type(real).__name__))
        self._real = real
        self.__dict__.update(replaced)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def _signature_once(obj: Callable[..., Any], *args: Any, **kwargs: Any) -> inspect.Signature:
    """A function's signature read once (it does not change), unless asked with options."""
    return inspect.signature(obj, *args, **kwargs) if args or kwargs else _signature(obj)


@functools.lru_cache(maxsize=1024)
def _server_fn_names(cls: type) -> list[str]:
    return [name for name in dir(cls) if getattr(getattr(cls, name, None), "_is_server_fn", False)]


def _component_dir(obj: Any) -> list[str]:
    """``dir`` as ``Component.__init__`` uses it — to find the class's server functions, reading every
    attribute of the new component (properties included) to do so. The names that can be server
    functions, found once per class; anything else gets the real ``dir``."""
    if isinstance(obj, type) and issubclass(obj, Component):
        return _server_fn_names(obj)
    return dir(obj)


def _shared_api_info(cls: type[Component]) -> None:
    """A component's JSON schema, when it is its data model's alone: computed once per data model."""
    original = cls.api_info
    schemas: dict[Any, dict[str, Any]] = {}

    def api_info(self: Any) -> dict[str, Any]:
        if self.data_model not in schemas:
            schemas[self.data_model] = original(self)
        return schemas[self.data_model]

    cls.api_info = api_info  # type: ignore[method-assign]  # replacing Gradio's method on purpose


class _DeferredConfig:
    """A block's config in a session, computed when read. Gradio's own code sets the value shown on
    top (``config["props"]["value"] = …``): kept, and applied when the config is built."""

    __slots__ = ("block", "key", "props")

    def __init__(self, key: int, block: Any) -> None:
        self.key, self.block = key, block
        self.props: dict[str, Any] = {}

    def __contains__(self, name: object) -> bool:
        return name == "props"

    def __getitem__(self, name: str) -> dict[str, Any]:
        if name != "props":
            raise KeyError(name)
        return self.props

    def build(self) -> dict[str, Any]:
        config = BlocksConfig.config_for_block(self.key, [], self.block)
        if "props" in config:
            config["props"].update(self.props)
        return config


def _defer_config(_id: int, rendered_ids: list[int], block: Any, *renderable: Any) -> Any:
    """``config_for_block`` as a session's own ``BlocksConfig`` sees it: SessionState's calls (three
    arguments) deferred; a render's (with its renderable) computed at once, as Gradio does."""
    if renderable:
        return BlocksConfig.config_for_block(_id, rendered_ids, block, *renderable)
    return _DeferredConfig(_id, block)


class _NoBlocksYet:
    """The app as ``SessionState.__init__`` sees it: every attribute the app's own, but no block to
    configure up front (the session's configs are set, deferred, right after)."""

    blocks: dict[int, Any] = {}

    def __init__(self, app: Any) -> None:
        self._app = app

    def __getattr__(self, name: str) -> Any:
        return getattr(self._app, name)


def _lazy_session_configs(cls: type[gradio.state_holder.SessionState]) -> None:
    original_init = cls.__init__

    def __init__(self: Any, blocks: Any) -> None:
        original_init(self, cast("Blocks", _NoBlocksYet(blocks)))
        self.blocks_config.config_for_block = _defer_config  # this session's copy only
        self.config_values = {k: _DeferredConfig(k, v) for k, v in self.blocks_config.blocks.items()
                              if k in blocks.blocks}

    def components(self: Any) -> Any:
        for config in self.config_values.values():
            built = config.build() if isinstance(config, _DeferredConfig) else config
            if built:
                yield built

    cls.__init__ = __init__  # type: ignore[method-assign]  # replacing Gradio's method on purpose
    cls.components = property(components)  # type: ignore[assignment,method-assign]
    cls._sheetqa_lazy = True  # type: ignore[attr-defined]


_gradio_is_in_or_equal = gradio.utils.is_in_or_equal  # Gradio's own, for the tests to compare with


@functools.lru_cache(maxsize=1024)
def _real_folder(path: str) -> Path:
    return gradio.utils.abspath(path).resolve()


def _is_in_or_equal(path_1: str | Path, path_2: str | Path) -> bool:
    """``gradio.utils.is_in_or_equal`` with the folder's real path looked up once: the folders are
    the app's allowed, blocked and cache folders, the same few for the process's life; the file's
    own real path is looked up each time (a file may be a new link)."""
    return gradio.utils.abspath(path_1).resolve().is_relative_to(_real_folder(str(path_2)))


class _HoldsFile(Exception):
    pass


# folders (real paths, with a trailing separator) under Gradio's cache whose files this app wrote
# itself — an answer's chart and CSV: shown as they are, where Gradio checks each against every
# allowed, blocked and static folder (a real path looked up each time) and records it for deletion
_OWN_FOLDERS: tuple[str, ...] = ()


def own_files(folder: Path) -> None:
    """Files under ``folder`` (under Gradio's cache, written by this app) are shown without checks."""
    global _OWN_FOLDERS
    real = str(folder.resolve()) + os.sep
    if real not in _OWN_FOLDERS:
        _OWN_FOLDERS = (*_OWN_FOLDERS, real)


def _own(path: Any) -> bool:
    # a normalised path (no "..", no "//") that starts with an own folder's real path is inside it
    return isinstance(path, str) and os.path.normpath(path) == path and path.startswith(_OWN_FOLDERS)


def _copy_shown(data: Any, files: bool) -> Any:
    """``data`` copied as ``async_traverse`` copies it (dicts and lists new, tuples as lists); with
    ``files``, a file of an own folder given the URL Gradio would give it; :class:`_HoldsFile`
    raised at any other file object."""
    if isinstance(data, dict):
        if gradio.processing_utils.client_utils.is_file_obj_with_meta(data):
            path = data.get("path")
            if not (files and _own(path) and not data.get("is_stream")):
                raise _HoldsFile
            return {**data, "url": f"{API_PREFIX}/file={gradio.processing_utils.client_utils.encode_file_path(path)}"}
        return {k: _copy_shown(v, files) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_copy_shown(v, files) for v in data]
    return data


_async_move_files_to_cache = gradio.processing_utils.async_move_files_to_cache
_add_root_url = gradio.processing_utils.add_root_url
# what orjson would convert, where Gradio's traversal keeps the object: refused, so Gradio's own runs
_AS_IS = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS


def _fileless_copy(data: Any) -> tuple[bool, Any]:
    """(True, a copy) for plain JSON without a file — made in C, where Gradio's traversals await a
    coroutine or call a check for every cell and message; (False, None) for anything else: a file
    object, or what is no plain JSON (a dataclass, a date, numpy, a key that is no string …)."""
    if data is None or isinstance(data, (str, int, float, bool)):
        return True, data
    try:
        text = orjson.dumps(data, option=_AS_IS)
    except TypeError:
        return False, None
    return (False, None) if b'"gradio.FileData"' in text else (True, orjson.loads(text))


async def _move_files_to_cache(data: Any, block: Any, *args: Any, **kwargs: Any) -> Any:
    """``async_move_files_to_cache`` for an output without a file (a table, the chat's text, the
    answer's JSON): one plain copy; an output showing a file the app wrote (:func:`own_files`): a
    copy with its URL. Anything else (an upload, a file from elsewhere, a loaded app's) goes to
    Gradio's own."""
    plain = data.model_dump() if isinstance(data, (GradioModel, GradioRootModel)) else data
    done, copy = _fileless_copy(plain)
    if done:
        return copy
    files = not args and kwargs == {"postprocess": True} and getattr(block, "proxy_url", None) is None
    try:
        return _copy_shown(plain, files)
    except _HoldsFile:
        return await _async_move_files_to_cache(data, block, *args, **kwargs)


def _with_root_url(data: Any, root_url: str, previous_root_url: str | None) -> Any:
    """``add_root_url`` (on every output of every answer once the app knows its URL): an output
    without a file copied in C, one with a file walked by Gradio's own."""
    def one(value: Any) -> Any:
        done, copy = _fileless_copy(value)
        return copy if done else _add_root_url(value, root_url, previous_root_url)

    return [one(d) for d in data] if isinstance(data, list) else one(data)


# Gradio hops to a worker thread to call an event's handler and each input's preprocess and output's
# postprocess (an image's encoding may be slow). Calling a generator handler runs none of its code,
# and what this app gives these components is a string, a few messages or rows, a file's path: the
# work takes microseconds, the hop (a thread woken, the GIL handed over twice) a few hundred, a
# dozen times per answer. Done on the event loop instead; a large value still hops.
_ON_LOOP: tuple[type, ...] = (gr.Textbox, gr.Chatbot, gr.JSON, gr.Markdown, gr.Dataframe, gr.DownloadButton,
                              gr.Image, gr.File, gr.Dropdown, gr.State)
_SMALL_ROWS = 200  # a table or chat up to this many rows or messages is converted on the loop


def _small(value: Any) -> bool:
    if value is None or isinstance(value, (str, Path, bool, int, float)):
        return True
    rows = value.get("data") if isinstance(value, dict) else getattr(value, "root", value)
    return isinstance(rows, list) and len(rows) <= _SMALL_ROWS


def _on_loop(fn: Callable[..., Any], args: tuple[Any, ...]) -> bool:
    owner = getattr(fn, "__self__", None)
    if isinstance(owner, _ON_LOOP):
        return (getattr(fn, "__name__", "") in ("preprocess", "postprocess") and len(args) == 1
                and (isinstance(owner, gr.JSON) or _small(args[0])))  # JSON: orjson both ways
    return inspect.isgeneratorfunction(fn) or inspect.isasyncgenfunction(fn)


def _hop_unless(at_once: Callable[[Callable[..., Any], tuple[Any, ...]], bool],
                hop: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """``hop`` (a worker-thread ``run_sync``), except for the calls ``at_once`` says are cheap:
    those run on the event loop."""
    async def run_sync(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if at_once(fn, args):
            return fn(*args)
        return await hop(fn, *args, **kwargs)

    return run_sync


_queue_run_sync = gradio.queueing.run_sync


def _summary_kept(fn: Callable[..., Any], args: tuple[Any, ...]) -> bool:
    """After every event Gradio hops to a worker thread to summarise its event statistics, which
    it recomputes only every Nth event (ui/__init__.py sets N); the other times the call returns
    the summary it keeps."""
    queue = getattr(fn, "__self__", None)
    if getattr(fn, "__name__", "") != "compute_analytics_summary" or not isinstance(queue, gradio.queueing.Queue):
        return False
    due = getattr(queue, "events_recorded", 0) - getattr(queue, "event_count_at_last_cache", 0)
    return due < getattr(queue, "ANAYLTICS_CACHE_FREQUENCY", 0)  # Gradio's spelling


# the routes every answer takes: the browser joins the queue, then reads the session's event stream
QUEUE_ROUTES = (("POST", "/queue/join"), ("GET", "/queue/data"))


def queue_routes_first(app: Any) -> int:
    """FastAPI tries a request against each route in turn — twice for Gradio's routes (once to find
    their router, once inside it) — and the queue's two, which every answer takes, are its 41st and
    45th of 63. Put them first, each only when no route before it matches its path at all (so which
    route answers any request does not change). And their login check, a plain function that
    looks a token up in a dict, is called on the event loop, where FastAPI hops to a worker thread
    for it. Returns how many routes were moved."""
    from starlette.routing import Match

    moved = 0
    for branch in getattr(app.router, "routes", []):
        router: Any = getattr(branch, "original_router", None)
        routes = getattr(router, "routes", None)
        if not isinstance(routes, list):
            continue
        for method, path in reversed(QUEUE_ROUTES):
            full = getattr(router, "prefix", "") + path
            scopes = [{"type": "http", "method": m, "path": full, "root_path": ""} for m in (method, "OPTIONS")]
            hot = next((i for i, r in enumerate(routes) if r.matches(scopes[0])[0] == Match.FULL), None)
            if hot is None:
                continue
            _login_check_on_loop(getattr(routes[hot], "dependant", None))
            if hot < len(QUEUE_ROUTES) or any(r.matches(sc)[0] != Match.NONE for r in routes[:hot] for sc in scopes):
                continue
            routes.insert(0, routes.pop(hot))
            moved += 1
        if moved and isinstance(getattr(router, "_routes_version", None), int):
            router._routes_version += 1  # FastAPI's cache of the routes, keyed by this count
    return moved


def _login_check_on_loop(dependant: Any) -> None:
    for sub in getattr(dependant, "dependencies", []):
        check = sub.call
        if (getattr(check, "__name__", "") == "login_check" and getattr(check, "__module__", "") == "gradio.routes"
                and not inspect.iscoroutinefunction(check)):
            sub.call = _awaitable(check)


def _awaitable(check: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(check)
    async def on_loop(**values: Any) -> Any:
        return check(**values)

    return on_loop


def install() -> None:
    """Idempotent: the patches are made once per process."""
    for module in (gradio.blocks, gradio.component_meta, gradio.helpers, gradio.utils):
        if not isinstance(module.inspect, _Shadow):
            module.inspect = _Shadow(  # type: ignore[attr-defined]  # Gradio's own name
                inspect, signature=_signature_once, getfile=_getfile, getfullargspec=_fullargspec)
    gradio.components.base.dir = _component_dir  # type: ignore[attr-defined]  # shadows the builtin there
    for cls in (gr.Dataframe, gr.DownloadButton, gr.Image):  # Component.api_info: the data model's schema
        if "api_info" not in vars(cls):
            _shared_api_info(cls)
    if not getattr(gradio.state_holder.SessionState, "_sheetqa_lazy", False):
        _lazy_session_configs(gradio.state_holder.SessionState)
    for module in (gradio.utils, gradio.processing_utils):
        module.is_in_or_equal = _is_in_or_equal  # type: ignore[attr-defined]  # Gradio's own name
    gradio.processing_utils.async_move_files_to_cache = _move_files_to_cache
    gradio.processing_utils.add_root_url = _with_root_url
    if gradio.queueing.run_sync is _queue_run_sync:
        gradio.queueing.run_sync = _hop_unless(_summary_kept, _queue_run_sync)  # type: ignore[assignment]
    anyio = gradio.blocks.anyio
    if not isinstance(anyio, _Shadow):
        gradio.blocks.anyio = _Shadow(anyio, to_thread=_Shadow(
            anyio.to_thread, run_sync=_hop_unless(_on_loop, anyio.to_thread.run_sync)))
    if not hasattr(gradio.utils.get_type_hints, "cache_info"):  # an event handler's, read for every event
        gradio.utils.get_type_hints = per_object(gradio.utils.get_type_hints, 1024)
    # whether polars is installed: a look through sys.path for every table an answer shows
    polars = gradio.components.dataframe._is_polars_available
    if not isinstance(polars, functools._lru_cache_wrapper):
        gradio.components.dataframe._is_polars_available = functools.cache(polars)


install()
