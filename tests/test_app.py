"""The web UI without a browser: names, escaping, settings, uploads, login, and what the chat returns.

The browser run is ``test_app_e2e.py``, the load run ``test_app_load.py``.
"""

from __future__ import annotations

import itertools
import socket
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from app import Engine, build_app, launch, make_respond, safe_filename
from assistant.answer import Answer, Citation, Fact
from assistant.settings import AssistantSettings
from assistant.ui_format import md_escape, sources_markdown, stream_pieces, write_facts_csv
from ingest.index import list_sheets
from ingest.model import Cost, Indicator, IndicatorValue, Project, Section, Sheet

pytestmark = [
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sheet_json(name: str = "試験事業", actual: int = 9) -> str:
    return Sheet(
        sheet_id="", template="canonical", municipality="郡山市", target_fy=2024,
        project=Project(name=name, department="総務部", section="総務課"),
        indicators=[Indicator(kind="activity", no=1, name="講座の開催回数", unit="回",
                              values=[IndicatorValue(fy=2023, plan=8, actual=7), IndicatorValue(fy=2024, plan=10, actual=actual)])],
        costs=[Cost(fy=2023, project_cost=900, personnel_cost=500, total_cost=1400),
               Cost(fy=2024, project_cost=1000, personnel_cost=500, total_cost=1500)],
        sections=[Section(key="purpose", label="意図（目的）", text="市民が学ぶ機会を増やす。")],
    ).to_json()


# ----------------------------------------------------------------------------- pure parts


@pytest.mark.parametrize(("given", "expected"), [
    ("sheet.txt", "sheet.txt"),
    ("../../etc/passwd.json", "passwd.json"),
    ("..\\..\\Windows\\evil.PDF", "evil.pdf"),
    (".hidden.json", "hidden.json"),
    ("事業 シート（令和6年度）.txt", "事業_シート(令和6年度).txt"),
    ("a<b>|c;rm -rf.json", "a_b__c_rm_-rf.json"),
    ("", "upload"),
    ("x" * 300 + ".txt", "x" * 116 + ".txt"),
])
def test_safe_filename(given: str, expected: str) -> None:
    assert safe_filename(given) == expected


def test_md_escape_shows_markup_as_text() -> None:
    raw = '<img src=x onerror="alert(1)"> [a](javascript:x) **b** `c` $d$ 1. e'
    out = md_escape(raw)
    assert "<" not in out and ">" not in out
    assert "\\[a\\]\\(javascript\\:x\\)" in out and "\\*\\*b\\*\\*" in out and "\\$d\\$" in out
    assert md_escape("令和6年度の実績は316,799件") == "令和6年度の実績は316,799件"  # plain Japanese untouched


def test_stream_pieces_grow_to_the_whole_text() -> None:
    pieces = stream_pieces("デジタルファースト推進事業の実績は316,799件です。", 4)
    assert pieces[-1] == "デジタルファースト推進事業の実績は316,799件です。"
    assert all(a == b[: len(a)] for a, b in itertools.pairwise(pieces))
    assert stream_pieces("") == [""]


def test_sources_and_csv(tmp_path: Path) -> None:
    answer = Answer(
        question="q", answer="a",
        facts=[Fact(sheet_id="s1", project="P", indicator="総事業費", row="総事業費", fy=2024, field="total_cost",
                    value=1500, unit="千円")],
        citations=[Citation(sheet_id="s1", project="P", section="意図（目的）", quote="<b>市民</b>が学ぶ。")],
    )
    md = sources_markdown(answer, lambda sid: None)
    assert md is not None and "&lt;b&gt;市民&lt;/b&gt;が学ぶ。" in md and "1,500千円" in md
    text = write_facts_csv(answer, tmp_path / "f.csv").read_text(encoding="utf-8-sig")
    assert "1500" in text and "総事業費" in text and text.splitlines()[0].startswith("question,")


def test_settings_app_defaults_and_login(monkeypatch: pytest.MonkeyPatch) -> None:
    for k in ("SHEETQA_AUTH", "SHEETQA_APP__AUTH", "SHEETQA_APP__HOST"):
        monkeypatch.delenv(k, raising=False)
    s = AssistantSettings()
    assert (s.app.host, s.app.port, s.app.login()) == ("127.0.0.1", 7860, None)
    monkeypatch.setenv("SHEETQA_AUTH", "staff:pa:ss")
    s = AssistantSettings()
    assert s.app.login() == ("staff", "pa:ss")
    assert "pa:ss" not in repr(s) and "auth_env" not in s.model_dump()
    monkeypatch.setenv("SHEETQA_AUTH", "nopassword")
    with pytest.raises(ValueError, match="user:password"):
        AssistantSettings().app.login()


# ----------------------------------------------------------------------------- with a store


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    from tests.index_support import model_cache, real_embeddings

    home = tmp_path_factory.mktemp("app-unit-store")
    settings = AssistantSettings(home=home, models={"cache_dir": model_cache()})
    return Engine(settings, embeddings=real_embeddings(), retrieval=False)


def _upload(engine: Engine, tmp_path: Path, name: str, content: str | bytes):
    tmp = tmp_path / f"up-{len(list(tmp_path.iterdir()))}"
    tmp.write_bytes(content.encode() if isinstance(content, str) else content)
    return engine.add_files([(name, tmp)])


def _write(folder: Path, name: str, content: str) -> Path:
    path = folder / name
    path.write_text(content, encoding="utf-8")
    return path


def test_upload_statuses_and_a_failed_file_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    r = _upload(engine, tmp_path, "講座.json", _sheet_json())
    assert [f.status for f in r.files] == ["indexed"], r.files
    first = {s.sheet_id for s in list_sheets(engine.settings)}
    stored = (engine.upload_dir / "講座.json").read_bytes()

    assert [f.status for f in _upload(engine, tmp_path, "講座.json", _sheet_json()).files] == ["unchanged"]

    # a broken file under the same name: refused, the indexed sheet and the file on disk stay
    r = _upload(engine, tmp_path, "講座.json", "{ not json")
    assert [f.status for f in r.files] == ["failed"] and r.files[0].reason
    assert {s.sheet_id for s in list_sheets(engine.settings)} == first
    assert (engine.upload_dir / "講座.json").read_bytes() == stored

    # a new name that fails leaves no file behind
    r = _upload(engine, tmp_path, "../壊れた.txt", "これはシートではありません。")
    assert [f.status for f in r.files] == ["failed"]
    assert not (engine.upload_dir / "壊れた.txt").exists()

    # wrong type, too large, empty: refused before anything is written
    assert "対応していない" in (_upload(engine, tmp_path, "evil.exe", _sheet_json()).files[0].reason or "")
    assert "空のファイル" in (_upload(engine, tmp_path, "empty.json", b"").files[0].reason or "")
    tiny = engine.settings.model_copy(update={"app": engine.settings.app.model_copy(update={"max_upload_mb": 0.001})})
    small = Engine(tiny, embeddings=engine.embedding.embeddings, retrieval=False)
    assert "大きすぎ" in (_upload(small, tmp_path, "big.json", _sheet_json()).files[0].reason or "")
    assert sorted(p.name for p in engine.upload_dir.iterdir()) == ["講座.json"]

    # two files of one batch with one name: both kept
    r = engine.add_files([("twin.json", _write(tmp_path, "t1.json", _sheet_json("双子甲"))),
                          ("twin.json", _write(tmp_path, "t2.json", _sheet_json("双子乙")))])
    assert [f.status for f in r.files] == ["indexed", "indexed"]
    assert {"twin.json", "twin-2.json"} <= {p.name for p in engine.upload_dir.iterdir()}
    from ingest.index import remove

    for f in r.files:
        remove(f.sheet_id or "", engine.settings)
    for name in ("twin.json", "twin-2.json"):
        (engine.upload_dir / name).unlink()

    # another build holding the store: the batch is refused whole, nothing of it stays
    from ingest.index import StoreBusy, store_lock

    engine.lock_wait = 0.0
    try:
        with store_lock(engine.settings, "test"), pytest.raises(StoreBusy):
            engine.add_files([("other.json", _write(tmp_path, "o.json", _sheet_json("別の事業")))], None)
    finally:
        engine.lock_wait = 120.0
    assert sorted(p.name for p in engine.upload_dir.iterdir()) == ["講座.json"]

    # new content under the same name replaces the sheet
    r = _upload(engine, tmp_path, "講座.json", _sheet_json(actual=10))
    assert [f.status for f in r.files] == ["replaced"]
    assert len(list_sheets(engine.settings)) == 1


def test_chat_handler_answers_with_facts_sources_and_chart(engine: Engine, tmp_path: Path) -> None:
    if not list_sheets(engine.settings):
        _upload(engine, tmp_path, "講座.json", _sheet_json())
    respond = make_respond(engine)
    outs = list(respond("試験事業の講座の開催回数の推移は？", [], []))
    assert len(outs) >= 3  # the question, the growing answer, the final update
    msg, chat, turns, _facts, csv_btn, chart, answer = outs[-1]
    assert msg == "" and chat[0] == {"role": "user", "content": "試験事業の講座の開催回数の推移は？"}
    assert answer["answerable"] and "講座の開催回数" in chat[1]["content"]
    assert chat[2]["metadata"]["title"].startswith("出典")
    assert len(turns) == 1 and turns[0].answer.answer == answer["answer"]

    def path_of(v: object) -> Path:  # a component built outside Blocks holds its value as file data
        return Path(v["path"] if isinstance(v, dict) else v)  # type: ignore[index, arg-type]

    assert path_of(csv_btn.value).exists() and chart.value and path_of(chart.value).suffix == ".png"
    # the follow-up starts from this conversation's own history
    outs = list(respond("その前年は？", chat, turns))
    assert outs[-1][6]["facts"][0]["fy"] == 2023


def test_empty_store_says_so(tmp_path: Path) -> None:
    from tests.index_support import model_cache

    engine = Engine(AssistantSettings(home=tmp_path / "none", models={"cache_dir": model_cache()}), retrieval=False)
    outs = list(make_respond(engine)("令和6年度の実績は？", [], []))
    assert "まだシートが登録されていません" in outs[-1][1][-1]["content"]


def test_login_required_when_auth_is_set(engine: Engine, tmp_path: Path) -> None:
    from gradio_client import Client
    from gradio_client.exceptions import AuthenticationError

    if not list_sheets(engine.settings):
        _upload(engine, tmp_path, "講座.json", _sheet_json())
    app = engine.settings.app.model_copy(update={"port": _free_port(), "auth": SecretStr("staff:secret")})
    settings = engine.settings.model_copy(update={"app": app})
    demo = build_app(engine)
    launch(demo, settings, prevent_thread_lock=True, quiet=True)
    try:
        assert demo.server_name == "127.0.0.1"
        url = f"http://127.0.0.1:{app.port}/"
        assert httpx.get(url + "config").status_code == 401
        with pytest.raises((AuthenticationError, ValueError), match="login"):
            Client(url, auth=("staff", "wrong"), verbose=False)
        client = Client(url, auth=("staff", "secret"), verbose=False, download_files=False)
        result = client.predict("試験事業の総事業費は？", [], api_name="/ask")
        assert "1,500" in result[-1]["answer"]
    finally:
        demo.close()
