"""Gradio's per-answer work that no answer needs, done once or only when asked for.

Every answer hides or shows panels of the right column, and Gradio builds a new component for each
such update: it constructs it twice (our update, then its own copy for the session), reads the
constructor's signature with :mod:`inspect` for each construction and for each config, and
regenerates the component's JSON schema with pydantic. None of that changes between two answers;
under load it was a third of the app's CPU per answer. Besides, each session keeps a config of
every block of the page, recomputed for each output of each answer, which only Gradio's deep-link
route reads (this app has none): computed when read. And every file an answer shows is checked
against the allowed folders, each folder's real path looked up again for each file. Imported for
its effect by :mod:`ui.side`.
"""

from __future__ import annotations

import functools
import inspect
import types
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import gradio as gr
import gradio.blocks
import gradio.component_meta
import gradio.components.base
import gradio.components.dataframe
import gradio.helpers
import gradio.processing_utils
import gradio.state_holder
import gradio.utils
import orjson
from gradio.blocks import BlocksConfig
from gradio.components import Component
from gradio.data_classes import GradioModel, GradioRootModel

from assistant.memory import per_object

if TYPE_CHECKING:
    from gradio.blocks import Blocks


# what Gradio reads of a function or class for every component and event: fixed for its life
_signature = per_object(inspect.signature)
_getfile = per_object(inspect.getfile)
_fullargspec = per_object(inspect.getfullargspec)


class _Inspect(types.ModuleType):
    """:mod:`inspect` as Gradio's modules see it: signatures of the same function read once (a
    function's signature does not change); every other name is the real module's."""

    def __getattr__(self, name: str) -> Any:
        return getattr(inspect, name)

    @staticmethod
    def signature(obj: Callable[..., Any], *args: Any, **kwargs: Any) -> inspect.Signature:
        return inspect.signature(obj, *args, **kwargs) if args or kwargs else _signature(obj)

    getfile = staticmethod(_getfile)
    getfullargspec = staticmethod(_fullargspec)


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


def _copy_of_fileless(data: Any) -> Any:
    """``data`` copied as ``async_traverse`` copies it (dicts and lists new, tuples as lists), or
    :class:`_HoldsFile` raised at the first file object in it."""
    if isinstance(data, dict):
        if gradio.processing_utils.client_utils.is_file_obj_with_meta(data):
            raise _HoldsFile
        return {k: _copy_of_fileless(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_copy_of_fileless(v) for v in data]
    return data


_async_move_files_to_cache = gradio.processing_utils.async_move_files_to_cache
# what orjson would convert, where Gradio's traversal keeps the object: refused, so Gradio's own runs
_AS_IS = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS


async def _move_files_to_cache(data: Any, block: Any, *args: Any, **kwargs: Any) -> Any:
    """``async_move_files_to_cache`` for an output without a file (a table, the chat's text, the
    answer's JSON): one plain copy, where Gradio awaits a coroutine for every cell and message.
    An output that holds a file goes to Gradio's own."""
    plain = data.model_dump() if isinstance(data, (GradioModel, GradioRootModel)) else data
    if plain is None or isinstance(plain, (str, int, float, bool)):
        return plain
    try:  # JSON text is a copy made in C; a file object in it names its type
        text = orjson.dumps(plain, option=_AS_IS)
    except TypeError:  # not plain JSON (a dataclass, a date, numpy, a key that is no string …)
        text = None
    if text is not None and b'"gradio.FileData"' not in text:
        return orjson.loads(text)
    try:
        return _copy_of_fileless(plain)
    except _HoldsFile:
        return await _async_move_files_to_cache(data, block, *args, **kwargs)


def install() -> None:
    """Idempotent: the patches are made once per process."""
    for module in (gradio.blocks, gradio.component_meta, gradio.helpers, gradio.utils):
        if not isinstance(module.inspect, _Inspect):
            module.inspect = _Inspect("inspect")  # type: ignore[attr-defined]  # Gradio's own name
    gradio.components.base.dir = _component_dir  # type: ignore[attr-defined]  # shadows the builtin there
    for cls in (gr.Dataframe, gr.DownloadButton, gr.Image):  # Component.api_info: the data model's schema
        if "api_info" not in vars(cls):
            _shared_api_info(cls)
    if not getattr(gradio.state_holder.SessionState, "_sheetqa_lazy", False):
        _lazy_session_configs(gradio.state_holder.SessionState)
    for module in (gradio.utils, gradio.processing_utils):
        module.is_in_or_equal = _is_in_or_equal  # type: ignore[attr-defined]  # Gradio's own name
    gradio.processing_utils.async_move_files_to_cache = _move_files_to_cache
    if not hasattr(gradio.utils.get_type_hints, "cache_info"):  # an event handler's, read for every event
        gradio.utils.get_type_hints = per_object(gradio.utils.get_type_hints, 1024)
    # whether polars is installed: a look through sys.path for every table an answer shows
    polars = gradio.components.dataframe._is_polars_available
    if not isinstance(polars, functools._lru_cache_wrapper):
        gradio.components.dataframe._is_polars_available = functools.cache(polars)


install()
