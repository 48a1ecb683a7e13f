"""Load: 10 conversations at once against the web UI, 5 questions each, through ``gradio_client``.

The app runs in this process on a free port, over a store built from ``data/samples`` (the model
is the session's, already loaded). Each conversation is its own process with its own
``gradio_client.Client`` (its own session, so follow-ups such as 「その前年は？」 use that
conversation's history and nobody else's); all start at the same moment. Every answer must hold
its expected figure, none may be lost, and the latency percentiles are printed and written to
``tests/artifacts/load.json``.

Module-level imports stay light: the conversation processes import this module.
"""

from __future__ import annotations

import json
import multiprocessing
import socket
import time
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
pytestmark = [  # gradio's own event statistics, with pandas 3
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

# Follow-ups stay right after the question they follow.
B1 = [("令和6年度のオンライン申請件数の実績は？", "316,799"), ("その前年は？", "291,289"), ("計画値は？", "291,289")]
B2 = [("令和6年度のキャッシュレス決済の利用件数の実績は？", "57,356"), ("計画値は？", "70,000"), ("達成率は？", "81.9")]
B3 = [("コンビニでの証明書等発行件数の令和6年度の実績は？", "77,934"), ("その前年は？", "69,940")]
B4 = [("デジタルファースト推進事業の令和6年度の事業費は？", "50,496"), ("その前年は？", "39,131")]
B5 = [("地域集会所補助事業の事業費は？", "37,140"), ("人件費は？", "4,711")]
S = [
    ("デジタルファースト推進事業の総事業費の推移は？", "66,671"),
    ("総事業費が最も大きい事業は？", "デジタルファースト推進事業"),
    ("成果指標が計画に届かなかった事業は？", "2件"),
    ("技術力向上職員研修事業の目的は？", "技術研修会"),
    ("研修会開催回数の推移は？", "8回"),
    ("技術力向上職員研修事業の総事業費は？", "4,775"),
    ("令和6年度の電子申請手続き数の実績は？", "685"),
    ("キャッシュレス決済導入施設数の令和6年度の実績は？", "58施設"),
    ("デジタルファースト推進事業の人件費の推移は？", "16,175"),
    ("デジタルファースト推進事業の二次評価のコメントを要約して", "行政手続オンライン化"),
]
CONVERSATIONS = [
    B1 + [S[0], S[1]], B2 + [S[2], S[3]], B3 + B5 + [S[4]], B4 + B3 + [S[5]], [S[6]] + B1 + [S[7]],
    [S[8]] + B2 + [S[9]], B5 + [S[1]] + B4, [S[3]] + B3 + [S[0], S[6]], B4 + B5 + [S[2]], [S[9], S[5]] + B1,
]


def converse(args: tuple[str, int, float]) -> list[dict]:
    """One conversation (in its own process): 5 questions in a row, one client session."""
    from gradio_client import Client

    url, n, start = args
    client = Client(url, verbose=False, download_files=False)
    while time.time() < start:  # every conversation starts at once
        time.sleep(0.01)
    chat: list = []
    out = []
    for question, expected in CONVERSATIONS[n]:
        t0 = time.perf_counter()
        try:
            result = client.predict(question, chat, api_name="/ask")
            error = None
        except Exception as e:  # noqa: BLE001 (a lost answer is reported, it does not stop the run)
            result, error = None, f"{type(e).__name__}: {e}"
        seconds = time.perf_counter() - t0
        answer = result[-1] if result else None  # the answer JSON (hidden output)
        text = answer["answer"] if isinstance(answer, dict) else ""
        out.append({"conversation": n, "question": question, "expected": expected, "answer": text,
                    "ok": expected in text, "seconds": seconds, "error": error})
        if result:
            chat = result[1]
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    from app import Engine, build_app, launch
    from assistant.settings import AssistantSettings
    from ingest.index import build
    from ingest.vectors import E5Embedding
    from tests.index_support import SAMPLES, model_cache, real_embeddings

    home = tmp_path_factory.mktemp("app-load-store")
    settings = AssistantSettings(home=home, models={"cache_dir": model_cache()})
    report = build([SAMPLES], settings, embedding=E5Embedding(embeddings=real_embeddings()))
    assert report.ok, report.failed
    settings = settings.model_copy(update={"app": settings.app.model_copy(update={"port": _free_port()})})
    engine = Engine(settings, embeddings=real_embeddings())
    demo = build_app(engine)
    launch(demo, settings, prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{settings.app.port}/"
    finally:
        demo.close()


@pytest.mark.slow
def test_ten_conversations_at_once(app_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert len(CONVERSATIONS) == 10 and all(len(c) == 5 for c in CONVERSATIONS)
    ctx = multiprocessing.get_context("spawn")
    started = time.perf_counter()
    with ctx.Pool(len(CONVERSATIONS)) as pool:
        start = time.time() + 10  # time for every process to import and connect
        runs = pool.map(converse, [(app_url, n, start) for n in range(len(CONVERSATIONS))], chunksize=1)
    wall = time.perf_counter() - started - 10
    results = [r for run in runs for r in run]
    lat = sorted(r["seconds"] for r in results)

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, max(0, round(p / 100 * len(lat)) - 1))]

    summary = {"conversations": len(runs), "answers": len(results), "ok": sum(r["ok"] for r in results),
               "p50_s": round(pct(50), 3), "p95_s": round(pct(95), 3), "max_s": round(lat[-1], 3),
               "wall_s": round(wall, 1)}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "load.json").write_text(json.dumps({"summary": summary, "results": results}, ensure_ascii=False,
                                                    indent=1), encoding="utf-8")
    with capsys.disabled():  # the figure this test exists to report: shown even when output is captured
        print(f"\nload: {summary['answers']} answers in {summary['conversations']} conversations at once "
              f"({summary['ok']} right); p50 {summary['p50_s']}s, p95 {summary['p95_s']}s, max {summary['max_s']}s")
    wrong = [r for r in results if not r["ok"]]
    assert len(results) == 50, "answers were lost"
    assert not wrong, "\n".join(f"#{r['conversation']} {r['question']}: expected {r['expected']}, got "
                                f"{r['answer'][:120]!r} {r['error'] or ''}" for r in wrong)
