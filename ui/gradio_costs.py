"""Gradio's per-update work that depends only on a component's class, computed once per class.

Every answer hides or shows panels of the right column, and Gradio builds a new component for each
such update: it constructs it twice (our update, then its own copy for the session), reads the
constructor's signature with :mod:`inspect` for each construction and for each config, and
regenerates the component's JSON schema with pydantic. None of that changes between two answers;
under load it was a third of the app's CPU per answer. Imported for its effect by :mod:`ui.side`.
"""

from __future__ import annotations

import functools
import inspect
import types
from collections.abc import Callable
from typing import Any

import gradio as gr
import gradio.blocks
import gradio.component_meta
import gradio.components.base
from gradio.components import Component


@functools.lru_cache(maxsize=4096)
def _signature(obj: Callable[..., Any]) -> inspect.Signature:
    return inspect.signature(obj)


@functools.lru_cache(maxsize=4096)
def _getfile(obj: Any) -> str:
    return inspect.getfile(obj)


@functools.lru_cache(maxsize=4096)
def _fullargspec(fn: Callable[..., Any]) -> inspect.FullArgSpec:
    return inspect.getfullargspec(fn)


class _Inspect(types.ModuleType):
    """:mod:`inspect` as Gradio's modules see it: signatures of the same function read once (a
    function's signature does not change); every other name is the real module's."""

    def __getattr__(self, name: str) -> Any:
        return getattr(inspect, name)

    @staticmethod
    def signature(obj: Callable[..., Any], *args: Any, **kwargs: Any) -> inspect.Signature:
        if args or kwargs:
            return inspect.signature(obj, *args, **kwargs)
        try:
            return _signature(obj)
        except TypeError:  # unhashable callable
            return inspect.signature(obj)

    @staticmethod
    def getfile(obj: Any) -> str:
        try:
            return _getfile(obj)
        except TypeError:
            return inspect.getfile(obj)

    @staticmethod
    def getfullargspec(fn: Callable[..., Any]) -> inspect.FullArgSpec:
        try:
            return _fullargspec(fn)
        except TypeError:
            return inspect.getfullargspec(fn)


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


def install() -> None:
    """Idempotent: the patches are made once per process."""
    for module in (gradio.blocks, gradio.component_meta):
        if not isinstance(module.inspect, _Inspect):
            module.inspect = _Inspect("inspect")  # type: ignore[attr-defined]  # Gradio's own name
    gradio.components.base.dir = _component_dir  # type: ignore[attr-defined]  # shadows the builtin there
    for cls in (gr.Dataframe, gr.DownloadButton, gr.Image):  # Component.api_info: the data model's schema
        if "api_info" not in vars(cls):
            _shared_api_info(cls)


install()
