"""The web UI without a browser: names, escaping, settings, uploads, login, and what the chat returns.

The browser run is ``test_app_e2e.py``, the load run ``test_app_load.py``.
"""

from __future__ import annotations

import itertools
import re
import socket
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from assistant.answer import Answer, Choice, Citation, Fact
from ingest.index import BuildReport, FileReport, list_sheets
from ingest.model import Cost, Indicator, IndicatorValue, Project, Section, Sheet, Source
from ui import charts as ui_charts
from ui.chat import make_respond
from ui.engine import Engine, safe_filename
from ui.format import (
    FACT_COLUMNS,
    fact_rows,
    md_escape,
    quoted_sections_markdown,
    reason_ja,
    sheet_info,
    side_mode,
    sources_markdown,
    stream_pieces,
    write_facts_csv,
)
from ui.launch import launch
from ui.layout import build_app
from ui.settings import UISettings
from ui.side import side_for
from ui.upload import report_rows

pytestmark = [
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sheet_json(name: str = "試験事業", actual: int = 9, section: str = "総務課") -> str:
    return Sheet(
        sheet_id="", template="canonical", municipality="郡山市", target_fy=2024,
        project=Project(name=name, department="総務部", section=section),
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


def _named_sheet() -> Sheet:
    return Sheet(
        sheet_id="s1", template="koriyama-r7", target_fy=2024,
        source=Source(path="/srv/secret/uploads/講座.json", sha256="0" * 64, format="json"),
        project=Project(name="P事業", department="総務部", section="総務課"),
        costs=[Cost(fy=2023, total_cost=1400), Cost(fy=2024, total_cost=1500), Cost(fy=2025, total_cost=1600)],
        sections=[Section(key="purpose", label="意図（目的）", text="<b>市民</b>が学ぶ。"),
                  Section(key="secondary_comment", label="二次評価コメント", text="継続する。", inferred=True)],
    )


def test_sources_name_project_section_year_file_and_ids_only_in_details(tmp_path: Path) -> None:
    sheet = _named_sheet()
    info = sheet_info(sheet, ["/srv/secret/uploads/講座.json", "C:\\data\\講座-copy.json"])
    assert info.files == ("講座.json", "講座-copy.json") and info.inferred == {"secondary_comment"}
    answer = Answer(
        question="q", answer="a",
        facts=[Fact(sheet_id="s1", project="P事業", indicator="総事業費", row="総事業費", fy=2024, field="total_cost",
                    value=1500, unit="千円"),
               Fact(sheet_id="s1", project="P事業", field="warning", value="総事業費の2025年度は推定です"),
               Fact(sheet_id="*", field="count", value=1, unit="件", row="事業数", computed=True)],
        citations=[Citation(sheet_id="s1", project="P事業", section="意図（目的）", quote="<b>市民</b>が学ぶ。", key="purpose"),
                   Citation(sheet_id="s1", project="P事業", section="意図（目的）", quote="<b>市民</b>が学ぶ。", key="purpose"),
                   Citation(sheet_id="s1", project="P事業", section="二次評価コメント", quote="継続する。",
                            key="secondary_comment")],
    )
    md = sources_markdown(answer, lambda sid: sheet if sid == "s1" else None, lambda sid: info if sid == "s1" else None)
    assert md is not None
    head, *_, details = md.split("\n\n---\n\n")
    assert "P事業" in head and "総務課" in head and "2024年度実施分" in head and md_escape("講座.json") in head
    assert "/srv" not in md and "C:" not in md
    assert "s1" not in head and details.startswith("詳細（シートID）") and "s1" in details
    assert md.count("&lt;b&gt;市民&lt;/b&gt;が学ぶ。") == 1  # escaped, and a repeated quote shown once
    assert "シート上の位置から推定" in md  # the inferred comment says so; the purpose quote does not
    assert md.index("シート上の位置から推定") > md.index("二次評価コメント")
    assert "1,500千円" in md and "総事業費の2025年度は推定です" in md

    rows = fact_rows(answer, lambda sid: info)
    assert rows[0] == ["P事業", "総事業費", "2024年度", "1,500千円", "総事業費", "総務課", "講座.json、講座-copy.json"]
    assert rows[1][0] == "（集計）" and len(rows) == 2  # the warning is no row of the table
    assert all(len(r) == len(FACT_COLUMNS) for r in rows) and not any("s1" in c for r in rows for c in r)
    text = write_facts_csv(answer, tmp_path / "f.csv", lambda sid: info).read_text(encoding="utf-8-sig")
    assert "1500" in text and "総事業費" in text and text.splitlines()[0].startswith("質問,")

    side = quoted_sections_markdown(answer, lambda sid: sheet, lambda sid: info)
    assert side.count("意図（目的）") == 1 and "&lt;b&gt;市民" in side and "シート上の位置から推定" in side


def test_side_mode_follows_the_answer() -> None:
    fig = Fact(sheet_id="s1", project="P", row="総事業費", fy=2024, field="total_cost", value=1, unit="千円")
    cite = Citation(sheet_id="s1", project="P", section="目的", quote="x")
    year = Fact(sheet_id="s1", field="target_fy", value=2024, fy=2024)
    assert side_mode(Answer(question="q", answer="a", facts=[fig])) == "figures"
    assert side_mode(Answer(question="q", answer="a", facts=[year], citations=[cite])) == "quotes"
    assert side_mode(Answer(question="q", answer="a", answerable=False,
                            facts=[Fact(sheet_id="*", field="covered_year", value=2024)])) == "store"
    ask_back = Answer(question="q", answer="どの事業？", intent="choice",
                      choices=[Choice(sheet_id="s1", project="P"), Choice(sheet_id="s2", project="Q")],
                      facts=[Fact(sheet_id="*", field="count", value=2)])
    assert side_mode(ask_back) == "choices"


@pytest.mark.parametrize("reason", [
    "same content as /home/x/data/samples/a.txt", "no such file or folder", "is a folder, not a file",
    "file is 20.0 MB; one sheet must be under 16 MB", "cannot read file (Permission denied)", "empty file",
    "starts with a UTF-16 byte-order mark but does not decode as UTF-16", "binary file, not text, PDF or JSON",
    "text is neither UTF-8 nor CP932 (Shift_JIS); save it as UTF-8 and try again", "JSON must be UTF-8",
    "broken JSON (line 1, column 3: Expecting value)", 'JSON is not a canonical sheet (expected "schema": "sheet/1")',
    "invalid canonical sheet at indicators.0: Field required", "broken PDF (EOF marker not found)",
    "PDF has no text layer (a scanned image?); run OCR first",
    "not a 事務事業評価 sheet (no indicator table found)", "not a 事務事業評価 sheet (no Japanese text found)",
    "truncated sheet: no fiscal-year columns found", "truncated sheet: no indicator or cost figures found",
    "internal error (KeyError: 'x')", "not a 事務事業評価 sheet (no indicator table found) (the version indexed before is kept)",
    "something nobody wrote a translation for", "ファイルが大きすぎます（20.0 MB、上限 16 MB）",
    "file is 70.0 MB; a file must be under 64 MB (split the binder)", "holds 3 sheets",
    "not a 事務事業評価 sheet (found only 事業名・評価; no project name with figures or an evaluation)",
    "sheet 3 of 7, pages 5–6: truncated sheet: no indicator values found",
    "none of its 2 sheets could be read (sheet 1 of 2: empty file; sheet 2 of 2: empty file)",
])
def test_upload_reasons_are_japanese_without_paths(reason: str) -> None:
    out = reason_ja(reason)
    assert out and "/home" not in out and "/" not in out.replace("sheet/1", "")
    assert not re.search(r"\b(?!UTF|JSON|PDF|OCR|BOM|CP932|MB|Shift_JIS|schema|sheet)[A-Za-z]{4,}\b",
                         re.sub(r"「[^」]*」", "", out.replace("a.txt", ""))), out  # 「」: a JSON key as written
    if reason.startswith("sheet 3 of 7"):
        assert out.startswith("7件中3件目のシート・5〜6ページ: シートが途中で切れているようです")
    if "kept" in reason:
        assert "以前に登録した内容はそのまま残ります" in out
    assert reason_ja("same content as /home/x/data/samples/a.txt") == "同じ内容のファイル（a.txt）が登録済みです"


def test_upload_report_rows_and_binders() -> None:
    report = BuildReport(store="s", vectors="v", files=[
        FileReport("/srv/up/binder.pdf", "indexed", "a", "甲事業"), FileReport("/srv/up/binder.pdf", "indexed", "b", "乙事業"),
        FileReport("/srv/up/bad.txt", "failed", reason="empty file")])
    rows, binders = report_rows(report)
    assert rows[0][:3] == ["binder.pdf", "登録", "甲事業"] and rows[2] == ["bad.txt", "失敗", "", "空のファイルです"]
    assert binders == ["binder.pdf: 2 シート"]


def _sized(fig) -> float:
    """The smallest text of a chart in CSS pixels, shown 480 px wide (the right column at 1366×768)."""
    return ui_charts.min_font_points(fig) * ui_charts.DPI / 72 * 480 / (ui_charts.FIG_WIDTH * ui_charts.DPI)


def test_charts_text_is_at_least_12px_and_hatching_explained_only_when_drawn(tmp_path: Path) -> None:
    from matplotlib.text import Text

    sheet = Sheet.model_validate_json(_sheet_json())
    ind = ui_charts.indicator_chart(sheet, "活動指標①", {2024})
    past = ui_charts.cost_chart(sheet, ["total_cost"])  # every year evaluated: nothing hatched
    named = _named_sheet()
    future = ui_charts.cost_chart(named, ["total_cost", "personnel_cost"])  # 2025 is a budget year
    facts = [Fact(sheet_id=s, project=p, fy=fy, field="total_cost", value=v, unit="千円")
             for s, p, fy, v in [("a", "甲事業", 2014, 10), ("a", "甲事業", 2015, 12),
                                 ("b", "とても長い名前の乙事業の推進と支援", 2023, 30), ("b", "とても長い名前の乙事業の推進と支援", 2024, 33)]]
    trends = ui_charts.trends_chart([("甲事業", [(2014, 10.0, False), (2015, 12.0, False)]),
                                     ("乙事業", [(2024, 33.0, False), (2025, 40.0, True)])], "総事業費の推移（千円）")
    compare = ui_charts.comparison_chart([facts[1], facts[3]], "総事業費（千円）")
    for fig in (ind, past, future, trends, compare):
        assert fig is not None and _sized(fig) >= 12, _sized(fig)

    def texts(fig) -> str:
        return " ".join(t.get_text() for t in fig.findobj(Text))

    if ui_charts.japanese_font():
        assert "斜線" not in texts(past) and "斜線" in texts(future) and "斜線" in texts(trends)
    # the PNG says how small its text is (the browser test scales it by the shown width)
    from PIL import Image

    answer = Answer(question="q", answer="a", facts=facts)
    path = ui_charts.chart_png(answer, lambda sid: None, tmp_path)
    assert path is not None
    with Image.open(path) as img:
        assert img.width == ui_charts.FIG_WIDTH * ui_charts.DPI
        assert float(img.info[ui_charts.MIN_FONT_KEY]) >= ui_charts.MIN_PT * ui_charts.DPI / 72 - 0.05  # 1 decimal


def test_settings_app_defaults_and_login(monkeypatch: pytest.MonkeyPatch) -> None:
    for k in ("SHEETQA_AUTH", "SHEETQA_APP__AUTH", "SHEETQA_APP__HOST"):
        monkeypatch.delenv(k, raising=False)
    s = UISettings()
    assert (s.app.host, s.app.port, s.app.login()) == ("127.0.0.1", 7860, None)
    monkeypatch.setenv("SHEETQA_AUTH", "staff:pa:ss")
    s = UISettings()
    assert s.app.login() == ("staff", "pa:ss")
    assert "pa:ss" not in repr(s) and "auth_env" not in s.model_dump()
    monkeypatch.setenv("SHEETQA_AUTH", "nopassword")
    with pytest.raises(ValueError, match="user:password"):
        UISettings().app.login()


def test_the_assistant_settings_know_nothing_of_the_ui() -> None:
    # The layers nest one way (design.md): the CLI's and the eval's assistant carry no web knobs.
    from assistant.settings import AssistantSettings

    assert "app" not in AssistantSettings.model_fields and "auth_env" not in AssistantSettings.model_fields
    assert issubclass(UISettings, AssistantSettings) and "app" in UISettings.model_fields


# ----------------------------------------------------------------------------- with a store


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    from tests.index_support import model_cache, real_embeddings

    home = tmp_path_factory.mktemp("app-unit-store")
    settings = UISettings(home=home, models={"cache_dir": model_cache()})
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


def _final(outs: list) -> dict[str, object]:
    names = ["msg", "chat", "turns", "head", "chart", "facts", "csv", "quotes", "store", "answer"]
    assert all(len(o) == len(names) for o in outs)
    return dict(zip(names, outs[-1], strict=True))


def test_chat_handler_answers_with_facts_sources_and_chart(engine: Engine, tmp_path: Path) -> None:
    if not list_sheets(engine.settings):
        _upload(engine, tmp_path, "講座.json", _sheet_json())
    respond = make_respond(engine)
    outs = list(respond("試験事業の講座の開催回数の推移は？", [], []))
    assert len(outs) >= 3  # the question, the growing answer, the final update
    out = _final(outs)
    chat, turns, answer = out["chat"], out["turns"], out["answer"]
    assert out["msg"] == "" and chat[0] == {"role": "user", "content": "試験事業の講座の開催回数の推移は？"}
    assert answer["answerable"] and "講座の開催回数" in chat[1]["content"]
    assert chat[2]["metadata"]["title"].startswith("出典")
    assert "試験事業" in chat[2]["content"] and "総務課" in chat[2]["content"] and md_escape("講座.json") in chat[2]["content"]
    assert len(turns) == 1 and turns[0].answer.answer == answer["answer"]

    def path_of(v: object) -> Path:  # the panels are updates: the file's path as the handler gave it
        return Path(str(v))

    # the right column: chart, table and CSV shown; quotes and the store list hidden
    assert path_of(out["csv"]["value"]).exists() and out["chart"]["value"] and path_of(out["chart"]["value"]).suffix == ".png"
    assert out["facts"]["visible"] and not out["quotes"]["visible"] and not out["store"]["visible"]
    # while the next question is answered, the last answer's panels are gone at once
    outs = list(respond("その前年は？", chat, turns))
    assert not outs[0][4]["visible"] and not outs[0][5]["visible"]  # chart, table
    assert _final(outs)["answer"]["facts"][0]["fy"] == 2023  # the follow-up used this conversation's history
    # a decline: the store's sheets, nothing of the figures
    out = _final(list(respond("試験事業の2030年度の予算は？", [], [])))
    assert not out["answer"]["answerable"]
    assert out["store"]["visible"] and not out["chart"]["visible"] and not out["facts"]["visible"]
    # a text answer: the quoted section whole, no chart
    out = _final(list(respond("試験事業の目的は？", [], [])))
    assert out["quotes"]["visible"] and "市民が学ぶ機会を増やす" in out["quotes"]["value"] and not out["chart"]["visible"]


def test_scope_and_choice_buttons(engine: Engine, tmp_path: Path) -> None:
    r = _upload(engine, tmp_path, "双子.json", _sheet_json("試験拡充事業", actual=5))
    other = _upload(engine, tmp_path, "別事業.json", _sheet_json("試験改善事業", actual=6))  # several projects fit
    try:
        respond = make_respond(engine)
        twin = r.files[0].sheet_id or ""
        # the scope answers a question naming no project, and the chat says what it was about
        out = _final(list(respond("講座の開催回数の実績は？", [], [], [twin])))
        assert "試験拡充事業" in out["chat"][1]["content"] and "対象" in out["chat"][0]["content"]
        assert {f["sheet_id"] for f in out["answer"]["facts"] if f["sheet_id"] != "*"} == {twin}
        # without a scope several projects fit: buttons under the answer, each the same question for one
        out = _final(list(respond("総事業費は？", [], [])))
        options = out["chat"][-1].get("options") or []
        assert len(options) >= 2 and twin in {o["value"] for o in options}
        assert any("試験拡充事業" in o["label"] and "総務課" in o["label"] for o in options)

        class Picked:
            value = twin

        again = _final(list(respond.choose(Picked(), out["chat"], out["turns"])))  # type: ignore[attr-defined]
        assert again["chat"][-2 if "metadata" in again["chat"][-1] else -1]["content"].startswith("試験拡充事業")
        assert {f["sheet_id"] for f in again["answer"]["facts"] if f["sheet_id"] != "*"} == {twin}
        assert again["turns"][-1].question == "総事業費は？"
    finally:
        from ingest.index import remove

        remove(r.files[0].sheet_id or "", engine.settings)
        remove(other.files[0].sheet_id or "", engine.settings)
        (engine.upload_dir / "双子.json").unlink(missing_ok=True)
        (engine.upload_dir / "別事業.json").unlink(missing_ok=True)


def test_empty_store_says_so(tmp_path: Path) -> None:
    from tests.index_support import model_cache

    engine = Engine(UISettings(home=tmp_path / "none", models={"cache_dir": model_cache()}), retrieval=False)
    outs = list(make_respond(engine)("令和6年度の実績は？", [], []))
    assert "まだシートが登録されていません" in outs[-1][1][-1]["content"]
    assert "まだありません" in side_for(engine, None)[0]


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


# ----------------------------------------------------------------------------- with an LLM (a fake one)


def _llm_engine(engine: Engine, model: object) -> Engine:
    """The same store, with ``model`` as its chat model (a fresh Engine: assistants are per thread)."""
    e = Engine(engine.settings, embeddings=engine.embedding.embeddings, retrieval=False)
    e.chat_model = model
    return e


LLM_QUESTION = "試験事業の2024年度の講座の開催回数の実績は？"


def _run(gen) -> tuple[list, list[str]]:
    """Every update the handler yields, and the answer bubble as it was at each (the chat list is
    one object the handler keeps changing)."""
    outs, contents = [], []
    for o in gen:
        outs.append(o)
        if len(o[1]) > 1:
            contents.append(o[1][1]["content"])
    return outs, contents


def test_llm_extractive_first_then_the_llm_answer(engine: Engine, tmp_path: Path) -> None:
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from ui.format import LLM_DRAFT, LLM_WORKING, md_lines

    if not list_sheets(engine.settings):
        _upload(engine, tmp_path, "講座.json", _sheet_json())
    extractive = engine.ask(LLM_QUESTION, [], write=False)
    assert extractive is not None and extractive.mode == "extractive"
    value = {f.field: f.value for f in extractive.facts}  # earlier tests may change the actual
    reply = (f"試験事業の2024年度（令和6年度）の講座の開催回数の実績は{value['actual']}回で、"
             f"計画{value['plan']}回に対する達成率は{value['rate']}%でした。")
    llm = _llm_engine(engine, FakeListChatModel(responses=[reply], sleep=0.02))
    assert llm.writes(extractive) and not engine.writes(extractive)
    outs, contents = _run(make_respond(llm)(LLM_QUESTION, [], []))
    # the extractive answer with the progress line first, then the draft, then the checked answer alone
    first = contents.index(md_lines(extractive.answer) + "\n\n" + LLM_WORKING)
    drafts = [i for i, c in enumerate(contents) if LLM_DRAFT in c]
    assert drafts and first < drafts[0]
    assert all(c.startswith(md_lines(extractive.answer)) for c in contents[first:drafts[-1] + 1])
    out = _final(outs)
    assert out["chat"][1]["content"] == md_lines(reply)
    assert out["answer"]["mode"] == "llm" and out["turns"][-1].answer.mode == "llm"
    assert out["chat"][2]["metadata"]["title"].startswith("出典")  # sources as for any answer
    # the right column came with the extractive answer, before the LLM wrote
    side_at = next(i for i, o in enumerate(outs) if isinstance(o[5], dict) and o[5].get("visible"))
    assert side_at < len(outs) - 1


def test_llm_answer_a_guard_refuses_gives_the_extractive_one_with_a_note(engine: Engine, tmp_path: Path) -> None:
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from ui.format import LLM_REJECTED, md_lines

    if not list_sheets(engine.settings):
        _upload(engine, tmp_path, "講座.json", _sheet_json())
    wrong = "試験事業の2024年度の講座の開催回数は12回でした。"  # 12 is in no fact
    llm = _llm_engine(engine, FakeListChatModel(responses=[wrong]))
    extractive = llm.ask(LLM_QUESTION, [], write=False)
    out = _final(list(make_respond(llm)(LLM_QUESTION, [], [])))
    assert out["chat"][1]["content"] == md_lines(extractive.answer) + "\n\n" + LLM_REJECTED
    assert out["answer"]["mode"] == "extractive" and out["answer"]["answer"] == extractive.answer


def test_llm_that_fails_gives_the_extractive_answer_with_a_note(engine: Engine, tmp_path: Path) -> None:
    from langchain_core.language_models import BaseChatModel

    from ui.format import LLM_FAILED

    class Down(BaseChatModel):
        @property
        def _llm_type(self) -> str:
            return "down"

        def _generate(self, messages, stop=None, run_manager=None, **kwargs):
            raise ConnectionError("connection refused")

    if not list_sheets(engine.settings):
        _upload(engine, tmp_path, "講座.json", _sheet_json())
    out = _final(list(make_respond(_llm_engine(engine, Down()))(LLM_QUESTION, [], [])))
    assert out["chat"][1]["content"].endswith(LLM_FAILED) and out["answer"]["mode"] == "extractive"


def test_misconfigured_llm_is_a_note_on_the_page_and_answers_are_extractive(engine: Engine, tmp_path: Path,
                                                                          caplog: pytest.LogCaptureFixture) -> None:
    import logging

    if not list_sheets(engine.settings):
        _upload(engine, tmp_path, "講座.json", _sheet_json())
    bad = engine.settings.model_copy(update={"llm": engine.settings.llm.model_copy(
        update={"backend": "llamacpp", "gguf_path": tmp_path / "none.gguf"})})
    with caplog.at_level(logging.WARNING, logger="sheetqa.app"):
        broken = Engine(bad, embeddings=engine.embedding.embeddings, retrieval=False)  # no exception
    assert broken.chat_model is None and "GGUF_PATH" in (broken.llm_problem or "")
    assert next(r.getMessage() for r in caplog.records if "LLM" in r.getMessage()).count("\n") == 0
    demo = build_app(broken)
    notes = [b for b in demo.blocks.values() if getattr(b, "elem_id", None) == "llm-note"]
    assert notes and notes[0].visible and "LLMの設定に問題" in notes[0].value and "/tmp" not in notes[0].value
    out = _final(list(make_respond(broken)(LLM_QUESTION, [], [])))
    assert out["answer"]["mode"] == "extractive" and out["answer"]["answer"] == engine.ask(LLM_QUESTION, []).answer
    assert "LLM" not in out["chat"][1]["content"]  # the page says it once; the answers carry no note


def test_every_field_an_answer_computes_has_a_japanese_label() -> None:
    """The 区分 column of 回答に使った数値 and the CSV: computed fields named in Japanese, never as code."""
    from ui.format import field_label

    for field, label in [("total_cost_share", "総事業費の割合"), ("project_cost_change", "事業費の増減"),
                         ("total_cost_forecast_gap", "総事業費の見込みとの差"), ("general_revenue_sum", "一般財源等の合計"),
                         ("成果指標①_average", "成果指標①の平均"), ("plan_gap", "計画との差"), ("ratio", "比率"),
                         ("score_total", "評点の合計"), ("indicator_name", "指標名")]:
        assert field_label(field) == label, field
        assert not re.search(r"[a-z]_[a-z]", field_label(field)), field
