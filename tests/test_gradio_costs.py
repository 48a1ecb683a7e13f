"""Gradio's per-answer work done once, or only when asked for (ui/gradio_costs.py): the same results.

Under load each answer builds new components for the right column, and Gradio recomputes more
than it uses; these patches took the load test (tests/test_app_load.py) from 3.1–3.9× a lone
user's p95 to 2.3–2.8×, and (with the lazy session configs, the plain copy of file-less outputs,
the folder lookups and the per-event hints) the server's CPU per answer down by a further 30%
(65 → 45 ms on a slow 2-core machine, interleaved runs). Copying outputs with a file the app wrote
and adding root URLs in C, converting small values on the event loop, and the queue's routes first
took it from 20–21 to 13–15 ms on a faster one. If a Gradio upgrade moves the code they patch,
these tests say so before the load test does."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import gradio as gr
import gradio.blocks
import gradio.component_meta
import gradio.components.base
import gradio.components.dataframe
import gradio.utils

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
        assert isinstance(module.inspect, costs._Shadow)
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


def test_a_sessions_block_configs_are_computed_only_when_read_and_as_gradio_would() -> None:
    # every output of every answer used to recompute its block's whole config for the session
    # (read only by Gradio's deep-link route); deferred, the route still gets the same configs
    from gradio.blocks import BlocksConfig
    from gradio.state_holder import SessionState

    with gr.Blocks() as demo:
        box = gr.Textbox(value="初め", label="質問")
        turns = gr.State([])
        gr.Image(visible=False)
    state = SessionState(demo)
    assert isinstance(state.config_values[box._id], costs._DeferredConfig)  # nothing computed yet
    state[turns._id] = [1, 2]
    state[box._id] = gr.Textbox(value="後", label="質問", visible=False, render=False)
    state._update_config(box._id)
    state._update_value_in_config(box._id, "表示中の値")
    state.config_values[box._id]  # noqa: B018 (a read of the dict alone computes nothing)
    assert isinstance(state.config_values[box._id], costs._DeferredConfig)
    built = {c["id"]: c for c in state.components}
    assert set(built) == set(demo.blocks)
    for key, config in built.items():
        expected = BlocksConfig.config_for_block(key, [], state.blocks_config.blocks[key])
        if key == box._id:
            expected["props"]["value"] = "表示中の値"
        assert config == expected, key
    assert built[box._id]["props"]["visible"] is False


def _file(path: str) -> dict:
    return {"path": path, "meta": {"_type": "gradio.FileData"}}


def test_outputs_without_a_file_are_copied_as_gradio_copies_them() -> None:
    import asyncio
    import datetime

    from gradio_client.utils import async_traverse, is_file_obj_with_meta

    async def gradio_copy(data: object) -> object:
        async def same(d: dict) -> dict:
            return d
        return await async_traverse(data, same, is_file_obj_with_meta)

    calls: list[object] = []

    async def gradio_moves(data: object, block: object, *args: object, **kwargs: object) -> object:
        calls.append(data)
        return "gradio's"

    chat = [{"role": "user", "content": "令和6年度の実績は？"}, {"role": "assistant", "content": "316,799件",
                                                             "options": ({"label": "a", "value": 1},)}]
    table = {"headers": ["事業名", "値"], "data": [["デジタル", 1.5], ["集会所", None]]}
    original, costs._async_move_files_to_cache = costs._async_move_files_to_cache, gradio_moves
    try:
        for data in (chat, table, "", None, 3, {"answer": {"facts": [], "ok": True}}):
            copy = asyncio.run(costs._move_files_to_cache(data, None, postprocess=True))
            assert copy == asyncio.run(gradio_copy(data)), data
            if isinstance(data, (list, dict)):
                assert copy is not data  # a copy: the handler goes on changing its chat
        assert not calls
        # what is no plain JSON is copied as Gradio copies it (a date stays a date) …
        for data in ({"when": datetime.date(2025, 4, 1)}, {1: "数の鍵"}, [(1, 2)]):
            copy = asyncio.run(costs._move_files_to_cache(data, None))
            assert copy == asyncio.run(gradio_copy(data)) and copy is not data, data
        assert not calls
        # … and anything holding a file goes to Gradio's own
        for data in ([{"content": _file("/tmp/a.png")}], _file("/tmp/b.csv"), {"d": datetime.date(2025, 4, 1),
                                                                            "f": [_file("/tmp/c.csv")]}):
            assert asyncio.run(costs._move_files_to_cache(data, None)) == "gradio's", data
        assert len(calls) == 3
    finally:
        costs._async_move_files_to_cache = original


def test_file_checks_agree_with_gradios(tmp_path) -> None:
    import os

    folder = tmp_path / "allowed"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "f.csv").write_text("x")
    os.symlink(folder, tmp_path / "link")
    outside = tmp_path / "other.csv"
    outside.write_text("x")
    os.symlink(outside, folder / "escape.csv")  # inside by name, outside in fact
    cases = [(folder / "sub" / "f.csv", folder), (folder, folder), (outside, folder), (tmp_path / "link" / "sub", folder),
             (folder / "escape.csv", folder), (folder / "sub" / ".." / ".." / "other.csv", folder),
             (folder / "sub" / "f.csv", tmp_path / "link"), ("relative/x", os.getcwd())]
    for a, b in cases:
        for x, y in ((a, b), (str(a), str(b))):
            assert costs._is_in_or_equal(x, y) == costs._gradio_is_in_or_equal(x, y), (x, y)
    assert not costs._is_in_or_equal(folder / "escape.csv", folder)


def test_per_event_lookups_are_read_once() -> None:
    def handler(message: str, request: gr.Request) -> str:
        return message

    assert gradio.utils.get_type_hints(handler) == {"message": str, "request": gr.Request, "return": str}
    assert gradio.utils.get_type_hints(handler) is gradio.utils.get_type_hints(handler)
    assert hasattr(gradio.components.dataframe._is_polars_available, "cache_info")
    value = gr.Dataframe().postprocess({"headers": ["事業名"], "data": [["デジタル"]]})
    assert value.headers == ["事業名"] and value.data == [["デジタル"]]


def test_files_the_app_wrote_are_shown_as_gradio_would_show_them(tmp_path) -> None:
    import asyncio

    from gradio.utils import get_upload_folder

    own = Path(get_upload_folder()) / f"sheetqa-test-{tmp_path.name}"
    (own / "s1").mkdir(parents=True, exist_ok=True)
    chart = own / "s1" / "グラフ 1.png"
    chart.write_bytes(b"\x89PNG")
    elsewhere = tmp_path / "other.csv"
    elsewhere.write_text("x")
    costs.own_files(own)
    image = gr.Image(type="filepath")
    value = image.postprocess(str(chart)).model_dump()
    ours = asyncio.run(costs._move_files_to_cache(value, image, postprocess=True))
    gradios = asyncio.run(costs._async_move_files_to_cache(value, image, postprocess=True))
    assert ours == gradios and ours["url"].startswith("/gradio_api/file=") and ours is not value
    calls: list[object] = []

    async def gradio_moves(data: object, block: object, *args: object, **kwargs: object) -> object:
        calls.append(data)
        return "gradio's"

    original, costs._async_move_files_to_cache = costs._async_move_files_to_cache, gradio_moves
    try:  # a file from elsewhere, a path that only names the folder, an input: Gradio's own checks
        for path in (str(elsewhere), str(own / "s1" / ".." / ".." / "x.png"), str(own) + "-not/x.png"):
            assert asyncio.run(costs._move_files_to_cache(_file(path), image, postprocess=True)) == "gradio's"
        assert asyncio.run(costs._move_files_to_cache(_file(str(chart)), image)) == "gradio's"
        assert len(calls) == 4
    finally:
        costs._async_move_files_to_cache = original


def test_root_urls_are_added_as_gradio_adds_them() -> None:
    root = "http://127.0.0.1:7860"
    outputs = ["", [{"role": "user", "content": "実績は？"}], {"headers": ["年度"], "data": [[2024]]},
               {**_file("/tmp/g/a.png"), "url": "/gradio_api/file=/tmp/g/a.png"}, None,
               {"answer": {"facts": [{"value": 1.5}]}}]
    ours = costs._with_root_url(outputs, root, None)
    gradios = costs._add_root_url(json.loads(json.dumps(outputs)), root, None)
    assert ours == gradios and ours[3]["url"] == root + "/gradio_api/file=/tmp/g/a.png"
    assert ours[1] is not outputs[1]


def test_small_values_are_converted_on_the_event_loop() -> None:
    import asyncio
    import threading
    import types

    import numpy as np

    where: list[str] = []

    def postprocess(self: gr.Textbox, value: str) -> str:  # a Textbox's, noting where it ran (no subclass:
        where.append(threading.current_thread().name)  # Gradio writes a .pyi beside a component class)
        return value

    def handler(x: str):  # type: ignore[no-untyped-def]
        yield x

    run = gradio.blocks.anyio.to_thread.run_sync
    table, box = gr.Dataframe(), gr.Textbox()

    async def main() -> None:
        assert await run(types.MethodType(postprocess, box), "実績", limiter=None) == "実績"
        assert inspect.isgenerator(await run(handler, "x"))
        small = await run(table.postprocess, {"headers": ["a"], "data": [[1]] * 10})
        large = await run(table.postprocess, {"headers": ["a"], "data": [[1]] * 1000})
        assert small.data == [[1]] * 10 and len(large.data) == 1000
        picture = await run(gr.Image().postprocess, np.zeros((2, 2, 3), dtype=np.uint8))
        assert picture is not None

    asyncio.run(main())
    assert where == [threading.main_thread().name]
    assert costs._on_loop(table.postprocess, ({"data": [[1]] * 10},))
    assert not costs._on_loop(table.postprocess, ({"data": [[1]] * 1000},))
    assert not costs._on_loop(gr.Image().postprocess, (np.zeros((2, 2, 3)),))
    assert costs._on_loop(handler, ("x",)) and not costs._on_loop(print, ("x",))


def test_the_queue_routes_come_first_only_where_nothing_before_them_matches() -> None:
    from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException

    def login_check(x_user: str | None = Header(None)) -> None:  # as Gradio's: a plain function
        if x_user != "staff":
            raise HTTPException(status_code=401)

    login_check.__module__ = "gradio.routes"

    def app_with(*paths: tuple[str, str]) -> tuple[FastAPI, APIRouter]:
        def answers(path: str):  # type: ignore[no-untyped-def]
            return lambda: {"path": path}

        router = APIRouter(prefix="/gradio_api")
        for method, path in paths:
            router.add_api_route(path, answers(path), methods=[method], dependencies=[Depends(login_check)])
        app = FastAPI()
        app.include_router(router)
        return app, router

    app, router = app_with(("GET", "/info"), ("GET", "/file={path:path}"), ("POST", "/queue/join"),
                           ("GET", "/queue/status"), ("GET", "/queue/data"))
    assert costs.queue_routes_first(app) == 2
    assert [r.path for r in router.routes][:3] == ["/gradio_api/queue/join", "/gradio_api/queue/data",
                                                   "/gradio_api/info"]
    assert costs.queue_routes_first(app) == 0  # already first
    from fastapi.testclient import TestClient

    checks = {r.path: r.dependant.dependencies[0].call for r in router.routes}  # type: ignore[attr-defined]
    assert inspect.iscoroutinefunction(checks["/gradio_api/queue/join"]) and checks["/gradio_api/info"] is login_check
    client = TestClient(app, headers={"x-user": "staff"})
    assert client.post("/gradio_api/queue/join").status_code == 200
    assert client.get("/gradio_api/queue/data").json() == {"path": "/queue/data"}
    assert client.get("/gradio_api/info").json() == {"path": "/info"}
    stranger = TestClient(app)  # the login is checked as before
    assert stranger.post("/gradio_api/queue/join").status_code == stranger.get("/gradio_api/queue/data").status_code == 401
    # a route before the queue's that matches its path (any method) keeps it where it is
    app, router = app_with(("GET", "/queue/{what}"), ("POST", "/queue/join"), ("GET", "/queue/data"))
    assert costs.queue_routes_first(app) == 0
    assert [r.path for r in router.routes] == ["/gradio_api/queue/{what}", "/gradio_api/queue/join",
                                               "/gradio_api/queue/data"]


def test_gradios_event_statistics_are_summarised_when_due_without_a_hop_otherwise() -> None:
    import asyncio
    import threading

    import gradio.queueing

    where: list[str] = []

    class Summaries:  # the part of gradio.queueing.Queue the hop looks at
        events_recorded, event_count_at_last_cache, ANAYLTICS_CACHE_FREQUENCY = 5, 0, 200

        def compute_analytics_summary(self, records: list) -> dict:
            where.append(threading.current_thread().name)
            return {"functions": {}}

    queue = Summaries()
    real = gradio.queueing.Queue
    gradio.queueing.Queue = Summaries  # type: ignore[misc,assignment]
    try:
        assert asyncio.run(gradio.queueing.run_sync(queue.compute_analytics_summary, [])) == {"functions": {}}
        queue.events_recorded = 200  # due: Gradio's own hop
        asyncio.run(gradio.queueing.run_sync(queue.compute_analytics_summary, []))
    finally:
        gradio.queueing.Queue = real  # type: ignore[misc]
    assert where[0] == threading.main_thread().name != where[1]
