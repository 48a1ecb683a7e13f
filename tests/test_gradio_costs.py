"""Gradio's per-class work done once (ui/gradio_costs.py): the same results, computed once.

Under load each answer builds new components for the right column; these patches took the load
test (tests/test_app_load.py) from 3.1–3.9× a lone user's p95 to 2.3–2.8×. If a Gradio upgrade
moves the code they patch, these tests say so before the load test does."""

from __future__ import annotations

import inspect

import gradio as gr
import gradio.blocks
import gradio.component_meta
import gradio.components.base

import ui.gradio_costs as costs

COMPONENTS = (gr.Chatbot, gr.Dataframe, gr.DownloadButton, gr.Image, gr.Markdown, gr.JSON, gr.FileExplorer)


def test_a_components_schema_is_made_once_per_data_model() -> None:
    # each answer sends the right column's panels as new components; Gradio would regenerate their
    # JSON schemas with pydantic every time (a third of an answer's CPU under load; the patch was
    # once lost in a move of the UI code, and the load ratio went from 2.5× to 4×)
    for cls in (gr.Dataframe, gr.DownloadButton, gr.Image):
        a, b = cls(), cls()
        assert a.api_info() is b.api_info(), cls


def test_gradio_reads_each_signature_once() -> None:
    costs.install()  # idempotent
    for module in (gradio.blocks, gradio.component_meta):
        assert isinstance(module.inspect, costs._Inspect)
        assert module.inspect.isgeneratorfunction is inspect.isgeneratorfunction  # the rest is inspect's
    shim = gradio.blocks.inspect
    assert shim.signature(gr.Image.__init__) is shim.signature(gr.Image.__init__)
    assert shim.signature(gr.Image.__init__) == inspect.signature(gr.Image.__init__)
    assert shim.getfullargspec(gr.Image.__init__) == inspect.getfullargspec(gr.Image.__init__)
    assert shim.getfile(gr.Image) == inspect.getfile(gr.Image)
    assert shim.signature(lambda x, y=1: x) == inspect.signature(lambda x, y=1: x)
    assert str(shim.signature(len, follow_wrapped=False)) == str(inspect.signature(len, follow_wrapped=False))


def test_components_are_built_as_before() -> None:
    for cls in COMPONENTS:
        names = [name for name in dir(cls) if getattr(getattr(cls, name, None), "_is_server_fn", False)]
        assert [f.__name__ for f in cls().server_fns] == names, cls
    assert [f.__name__ for f in gr.FileExplorer().server_fns] == ["ls"]  # one that has a server function
    assert gradio.components.base.dir(3) == dir(3)  # anything but a component class: the real dir
    image = gr.Image(value=None, visible=False)
    config = image.get_config()
    assert config["visible"] is False and config["name"] == "image"
    assert gr.Image.get_component_class_id() == gr.Image.get_component_class_id()
