"""The optional LLM writer: the figure guard, the fallback, the backends (no real model, no network)."""

from __future__ import annotations

import json
import logging
import sys
import threading
import types
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langchain_core.outputs import ChatResult

from assistant.answer import Answer, Citation, Fact
from assistant.llm import (
    LLMError,
    allowed_numbers,
    build_messages,
    guard,
    make_chat_model,
    missing_from,
    numbers_in,
    will_write,
    write_answer,
    write_with_llm,
)
from assistant.settings import AssistantSettings, LLMSettings

SHEET = "koriyama-r7-digital-first"
PROJECT = "デジタルファースト推進事業"
INDICATOR = "オンラインによる電子申請手続き数（上記以外）"

FACTS = [
    Fact(sheet_id=SHEET, project=PROJECT, indicator=INDICATOR, row="活動指標②", fy=2024,
         field="plan", value=669, unit="件"),
    Fact(sheet_id=SHEET, project=PROJECT, indicator=INDICATOR, row="活動指標②", fy=2024,
         field="actual", value=685, unit="件"),
    Fact(sheet_id=SHEET, project=PROJECT, indicator="事業費", row="事業費", fy=2024,
         field="project_cost", value=50496, unit="千円"),
    Fact(sheet_id=SHEET, project=PROJECT, indicator="一般財源", row="一般財源", fy=2024,
         field="change", value=-1200, unit="千円", computed=True),
]
CITATIONS = [
    Citation(sheet_id=SHEET, project=PROJECT, section="総事業費（事業費・人件費）分析結果",
             quote="令和５年度と比べて事業費は増加したが、電子申請の件数は１２％伸びた。"),
]
RATE = 685 / 669 * 100  # 102.39…
QUESTION = "デジタルファースト推進事業の令和6年度の電子申請手続き数の実績は？"
FALLBACK = Answer(
    question=QUESTION,
    answer="2024年度（令和6年度）の実績は685件です。",  # what the LLM answers below must keep (completeness)
    facts=FACTS,
    citations=CITATIONS,
    intent="figure",
    sheet_ids=[SHEET],
)


def _write(reply: str, computed=(RATE,), question: str = QUESTION) -> Answer:
    model = FakeListChatModel(responses=[reply])
    return write_with_llm(model, question, FACTS, CITATIONS, computed, FALLBACK)


# ---- numbers_in ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("実績は1,234件", ["1234"]),
        ("実績は１，２３４件", ["1234"]),  # full-width digits and comma
        ("達成率は１０２．４％", ["102.4"]),
        ("△500千円の減", ["-500"]),
        ("▲1,200千円", ["-1200"]),
        ("−５件", ["-5"]),
        ("50,496千円", ["50496"]),
        ("令和6年度", ["6", "2024"]),
        ("2024年度（令和6年度）", ["2024", "6"]),
        ("令和元年度", ["1", "2019"]),
        ("FY2024: 685 cases", ["2024", "685"]),
        ("scores 4,3,3,4,4", ["4", "3", "3", "4", "4"]),
        ("2023-2024", ["2023", "2024"]),
        ("3万件", ["30000"]),
    ],
)
def test_numbers_in_normalizes(text: str, expected: list[str]) -> None:
    assert numbers_in(text) == [Decimal(e) for e in expected]


@pytest.mark.parametrize(
    "text",
    ["①②③", "活動指標②", "⑴背景", "一次評価と二次評価", "1次評価・2次評価", "第3次総合計画",
     "1. 背景\n2. 現状", "(1) 背景", "No.2", "1st", "1件当たりコスト", "活動指標2"],
)
def test_ordinals_are_not_numbers(text: str) -> None:
    assert numbers_in(text) == []


def test_list_numbering_skipped_but_figures_kept() -> None:
    assert numbers_in("1. 実績685件\n2. 計画669件") == [Decimal(685), Decimal(669)]


# ---- allowed numbers and the guard ------------------------------------------------------------


def test_allowed_numbers_holds_values_years_quotes_and_rounded_rates() -> None:
    allowed = allowed_numbers(FACTS, CITATIONS, [RATE])
    for n in ("669", "685", "50496", "-1200", "2024", "12", "5", "2023", "102.4", "102"):
        assert Decimal(n) in allowed, n
    assert Decimal("103.4") not in allowed
    assert Decimal("50496000") not in allowed  # no 千円 → 円 rescaling


def test_guard_accepts_the_right_figures() -> None:
    text = "2024年度（令和6年度）の実績は685件で、計画669件に対する達成率は102.4%でした。事業費は50,496千円です。"
    assert guard(text, FACTS, CITATIONS, [RATE]).ok


def test_guard_normalizes_full_width_commas_and_triangle() -> None:
    text = "令和６年度の実績は６８５件、一般財源は△1,200千円（前年度比）、事業費は５０，４９６千円。"
    result = guard(text, FACTS, CITATIONS, [])
    assert result.ok, result.unknown


def test_guard_positive_may_carry_a_negative_in_words_but_not_the_reverse() -> None:
    assert guard("一般財源は1,200千円減少しました。", FACTS, CITATIONS, []).ok
    assert not guard("実績は△685件", FACTS, CITATIONS, []).ok


def test_guard_rejects_an_invented_number() -> None:
    result = guard("令和6年度の実績は686件でした。", FACTS, CITATIONS, [RATE])
    assert not result.ok
    assert result.unknown == ["686"]


def test_guard_rejects_a_wrong_rate_and_accepts_the_computed_one() -> None:
    assert not guard("達成率は103.4%です。", FACTS, CITATIONS, [RATE]).ok
    assert guard("達成率は102.4%です。", FACTS, CITATIONS, [RATE]).ok
    assert guard("達成率は102.4%です。", FACTS, CITATIONS, [102.4]).ok
    assert guard("達成率は約102%です。", FACTS, CITATIONS, [RATE]).ok  # integer rounding of a computed rate
    # without the computed value, a rate is an unknown number
    assert guard("達成率は102.4%です。", FACTS, CITATIONS, []).unknown == ["102.4"]


def test_guard_rounding_is_for_computed_values_only() -> None:
    facts = [Fact(sheet_id=SHEET, fy=2024, field="actual", value=12.34, unit="%")]
    assert guard("12.34%", facts, [], []).ok
    assert not guard("12.3%", facts, [], []).ok
    computed_fact = facts[0].model_copy(update={"computed": True})
    assert guard("12.3%", [computed_fact], [], []).ok


def test_guard_years_match_fact_years_and_quotes() -> None:
    for text in ("令和6年度の実績", "2024年度の実績", "R6の実績", "2024年度（令和6年度）", "FY2024", "令和5年度と比べて"):
        assert guard(text, FACTS, CITATIONS, []).ok, text
    # 令和7年度 (2025) is neither a fact's year nor in a quote
    assert guard("令和7年度の計画", FACTS, CITATIONS, []).unknown == ["令和7年度"]
    assert not guard("2022年度は", FACTS, CITATIONS, []).ok
    # a year the question names is the subject, not an invented figure
    assert guard("2022年度の数値は資料にありません。", FACTS, CITATIONS, [], question="2022年度は？").ok
    # the era number alone is not a figure: "6件" is still checked as a number
    assert not guard("6件", FACTS, CITATIONS, []).ok


def test_guard_ignores_ordinals() -> None:
    text = "活動指標②（一次評価・二次評価とも継続）、第2次計画の①の指標では685件です。"
    assert guard(text, FACTS, CITATIONS, []).ok


def test_guard_accepts_numbers_in_quotes_and_indicator_names() -> None:
    assert guard("電子申請の件数は12%伸びました。", FACTS, CITATIONS, []).ok
    facts = [Fact(sheet_id=SHEET, indicator="65歳以上の利用者数", fy=2024, field="actual", value=30, unit="人")]
    assert guard("65歳以上の利用者数は30人です。", facts, [], []).ok


# ---- write_with_llm ---------------------------------------------------------------------------


def test_model_with_the_right_figures_gives_an_llm_answer() -> None:
    prose = "令和6年度の電子申請手続き数は685件で、計画の669件を上回り、達成率は102.4%でした。"
    answer = _write(prose)
    assert answer.mode == "llm"
    assert answer.answer == prose
    assert answer.facts == FALLBACK.facts and answer.citations == FALLBACK.citations
    assert answer.question == FALLBACK.question and answer.sheet_ids == FALLBACK.sheet_ids
    assert set(Answer.model_fields) == set(answer.model_dump())


@pytest.mark.parametrize(
    "prose",
    ["令和6年度の実績は686件でした。", "実績は685件、達成率は103.4%でした。", "事業費は50,496,000円です。"],
)
def test_model_inventing_a_number_falls_back_unchanged(prose: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="assistant.llm"):
        answer = _write(prose)
    assert answer == FALLBACK
    assert answer.mode == "extractive"
    rejected = [r for r in caplog.records if hasattr(r, "guard_rejected")]
    assert rejected and rejected[0].guard_rejected


def test_computed_rate_is_accepted_when_passed() -> None:
    prose = "2024年度の実績は685件、達成率は102.4%です。"
    assert _write(prose, computed=(RATE,)).mode == "llm"
    assert _write(prose, computed={"達成率（実績÷計画）": 102.4}).mode == "llm"
    assert _write(prose, computed=()).mode == "extractive"


def test_english_question_gets_an_english_instruction() -> None:
    messages = build_messages("What was the actual in FY2024?", FACTS, CITATIONS, {"achievement rate": 102.4})
    assert isinstance(messages[0], SystemMessage) and isinstance(messages[1], HumanMessage)
    assert "英語の質問には英語で" in messages[0].content
    user = messages[1].content
    assert "回答の言語: English" in user
    assert "[F2]" in user and "685 件" in user and "2024年度（令和6年度）" in user and "活動指標②" in user
    assert "[C1] achievement rate = 102.4" in user
    assert "[Q1]" in user and CITATIONS[0].quote in user
    assert "回答の言語: 日本語" in build_messages(QUESTION, FACTS, CITATIONS, [])[1].content


def test_english_answer_passes_the_guard() -> None:
    prose = "In FY2024 the project handled 685 online applications against a plan of 669 (102.4%)."
    assert _write(prose, question="How many online applications in FY2024?").mode == "llm"


class _Broken(BaseChatModel):
    error: type[Exception] = TimeoutError

    @property
    def _llm_type(self) -> str:
        return "broken"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        raise self.error("the model timed out")


@pytest.mark.parametrize("error", [TimeoutError, RuntimeError, httpx.ConnectError])
def test_model_error_falls_back(error: type[Exception], caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="assistant.llm"):
        answer = write_with_llm(_Broken(error=error), QUESTION, FACTS, CITATIONS, [RATE], FALLBACK)
    assert answer == FALLBACK
    assert "LLM call failed" in caplog.text


def test_empty_or_thinking_only_reply_falls_back() -> None:
    assert _write("   ") == FALLBACK
    assert _write("<think>まだ考え中") == FALLBACK
    assert _write("<think>686かな</think>実績は685件です。").answer == "実績は685件です。"


def test_no_model_or_unanswerable_keeps_the_fallback() -> None:
    assert write_with_llm(None, QUESTION, FACTS, CITATIONS, [], FALLBACK) == FALLBACK
    unanswerable = FALLBACK.model_copy(update={"answerable": False, "answer": "資料からは分かりません。"})
    model = FakeListChatModel(responses=["685件です。"])
    assert write_with_llm(model, QUESTION, FACTS, CITATIONS, [], unanswerable) == unanswerable


# ---- settings and backends --------------------------------------------------------------------


def test_settings_default_off_and_env(monkeypatch: pytest.MonkeyPatch) -> None:
    s = AssistantSettings()
    assert s.llm.backend == "off" and s.top_k == 8 and s.max_quote_chars == 240
    assert s.llm.api_key.get_secret_value() == "none" and s.llm.temperature == 0 and s.llm.max_tokens == 512
    monkeypatch.setenv("SHEETQA_LLM__BACKEND", "openai")
    monkeypatch.setenv("SHEETQA_LLM__MODEL", "qwen2.5:7b-instruct")
    monkeypatch.setenv("SHEETQA_TOP_K", "5")
    s = AssistantSettings()
    assert s.llm.backend == "openai" and s.llm.model == "qwen2.5:7b-instruct" and s.top_k == 5


def test_make_chat_model_off_is_none() -> None:
    assert make_chat_model(LLMSettings()) is None


def test_importing_the_writer_loads_no_chat_model_package() -> None:
    """The LLM is off by default: langchain-openai (1–2 s) and -community load only when chosen."""
    import subprocess

    code = ("import sys, assistant.llm; "
            "print([m for m in ('langchain_openai', 'openai', 'langchain_community', 'llama_cpp') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "[]"


# ---- llamacpp: langchain-community's ChatLlamaCpp over a fake llama_cpp module -------------------


def _fake_llama_cpp(monkeypatch: pytest.MonkeyPatch, llama: type) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", types.SimpleNamespace(Llama=llama, LlamaGrammar=object))


def _gguf(tmp_path: Path) -> Path:
    gguf = tmp_path / "model.gguf"
    gguf.write_bytes(b"GGUF")
    return gguf


def test_make_chat_model_llamacpp_without_package(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # makes `import llama_cpp` raise ImportError
    with pytest.raises(LLMError, match="llama-cpp-python"):
        make_chat_model(LLMSettings(backend="llamacpp", gguf_path=_gguf(tmp_path)))


def test_make_chat_model_llamacpp_needs_a_file(tmp_path) -> None:
    with pytest.raises(LLMError, match="GGUF_PATH"):
        make_chat_model(LLMSettings(backend="llamacpp"))
    with pytest.raises(LLMError, match="not a file"):
        make_chat_model(LLMSettings(backend="llamacpp", gguf_path=tmp_path / "missing.gguf"))


def test_a_gguf_llama_cpp_cannot_load_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    class Broken:
        def __init__(self, model_path: str, **kwargs) -> None:
            raise ValueError(f"Failed to load model from file: {model_path}")

    _fake_llama_cpp(monkeypatch, Broken)
    with pytest.raises(LLMError, match="could not be loaded") as caught:
        make_chat_model(LLMSettings(backend="llamacpp", gguf_path=_gguf(tmp_path)))
    assert "\n" not in str(caught.value)


def _chunks(*pieces: str) -> list[dict]:
    return ([{"choices": [{"delta": {"role": "assistant"}}]}]
            + [{"choices": [{"delta": {"content": p}}]} for p in pieces]
            + [{"choices": [{"delta": {}, "finish_reason": "stop"}]}])


def test_llamacpp_through_chat_llama_cpp(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    from langchain_community.chat_models import ChatLlamaCpp

    calls: dict = {}

    class FakeLlama:
        def __init__(self, model_path: str, **kwargs) -> None:
            calls["init"] = {"model_path": model_path, **kwargs}

        def create_chat_completion(self, **kwargs):
            calls.setdefault("chat", []).append(kwargs)
            assert kwargs["stream"] is True  # invoke() streams too (streaming=True): one locked path
            return iter(_chunks("実績は685件です。"))

    _fake_llama_cpp(monkeypatch, FakeLlama)
    gguf = _gguf(tmp_path)
    model = make_chat_model(LLMSettings(backend="llamacpp", gguf_path=gguf, n_ctx=2048, n_threads=2))
    assert isinstance(model, ChatLlamaCpp)
    init = calls["init"]
    assert (init["model_path"], init["n_ctx"], init["n_threads"], init["verbose"]) == (str(gguf), 2048, 2, False)
    # llama.cpp's own defaults where ChatLlamaCpp's differ (a batch of 8; a rope base over the GGUF's)
    assert (init["n_batch"], init["rope_freq_base"], init["rope_freq_scale"]) == (512, 0.0, 0.0)
    answer = write_with_llm(model, QUESTION, FACTS, CITATIONS, [RATE], FALLBACK)
    assert answer.mode == "llm" and answer.answer == "実績は685件です。"
    assert write_with_llm(model, QUESTION, FACTS, CITATIONS, [RATE], FALLBACK).mode == "llm"
    assert len(calls["chat"]) == 2  # loaded once, called twice
    sent = calls["chat"][0]
    assert [m["role"] for m in sent["messages"]] == ["system", "user"]
    assert (sent["temperature"], sent["max_tokens"], sent["repeat_penalty"]) == (0, 512, 1.0)


def test_llamacpp_streams_one_answer_at_a_time(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    class FakeLlama:
        def __init__(self, model_path: str, **kwargs) -> None:
            pass

        def create_chat_completion(self, **kwargs):
            assert model._lock.locked()  # the lock is what this checks
            return iter(_chunks("実績は", "685件です。"))

    _fake_llama_cpp(monkeypatch, FakeLlama)
    model = make_chat_model(LLMSettings(backend="llamacpp", gguf_path=_gguf(tmp_path)))
    assert [c.text for c in model.stream("質問") if c.text] == ["実績は", "685件です。"]
    assert not model._lock.locked()
    assert model.invoke("質問").text == "実績は685件です。" and not model._lock.locked()


# ---- openai: langchain-openai's ChatOpenAI against a fake server on 127.0.0.1 --------------------


def _completion(content: str) -> dict:
    return {"id": "x", "object": "chat.completion", "model": "m",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 12, "completion_tokens": 7, "total_tokens": 19}}


def _sse(*pieces: str) -> bytes:
    events = [{"choices": [{"index": 0, "delta": {"role": "assistant"}}]}]
    events += [{"choices": [{"index": 0, "delta": {"content": p}}]} for p in pieces]
    lines = [f"data: {json.dumps(e, ensure_ascii=False)}\n\n" for e in events] + [": keep-alive\n\n", "data: [DONE]\n\n"]
    return "".join(lines).encode()


class FakeServer:
    """An OpenAI-compatible server on a free port: ``reply(body)`` gives (status, content type, bytes)
    for each request; ``requests`` holds (path, headers, JSON body)."""

    def __init__(self, reply) -> None:
        self.reply = reply
        self.requests: list[tuple[str, dict, dict]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                status, content_type, data = fake.reply(body)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def _answers(content: str, stream_too: bool = True):
    def reply(body: dict) -> tuple[int, str, bytes]:
        if body.get("stream") and stream_too:
            return 200, "text/event-stream", _sse(content)
        return 200, "application/json", json.dumps(_completion(content)).encode()
    return reply


def test_openai_compatible_posts_the_right_json() -> None:
    from langchain_openai import ChatOpenAI

    with FakeServer(_answers("実績は685件です。")) as server:
        settings = LLMSettings(backend="openai", base_url=server.url + "/", model="qwen2.5:7b-instruct",
                               api_key="sk-local", max_tokens=300, timeout_s=5)
        model = make_chat_model(settings)
        assert isinstance(model, ChatOpenAI)
        history = [SystemMessage(content="sys"), HumanMessage(content="質問"), AIMessage(content="前の答え")]
        reply = model.invoke(history)
    assert reply.text == "実績は685件です。"
    assert reply.usage_metadata["total_tokens"] == 19
    ((path, headers, body),) = server.requests
    assert path == "/v1/chat/completions"
    assert headers["authorization"] == "Bearer sk-local"
    assert body == {
        "model": "qwen2.5:7b-instruct",
        "messages": [{"role": "system", "content": "sys"}, {"role": "user", "content": "質問"},
                     {"role": "assistant", "content": "前の答え"}],
        "temperature": 0.0, "max_tokens": 300, "stream": False,  # max_tokens: what Ollama and llama-server read
    }
    assert "sk-local" not in repr(model)


def test_openai_compatible_http_error_falls_back() -> None:
    with FakeServer(lambda body: (404, "application/json", b'{"error": "model \'x\' not found"}')) as server:
        model = make_chat_model(LLMSettings(backend="openai", base_url=server.url, model="x", timeout_s=5))
        with pytest.raises(Exception, match="404"):
            model.invoke("hi")
        written = write_answer(model, FALLBACK)
    assert (written.outcome, written.answer) == ("failed", FALLBACK) and "404" in written.problems[0]


def test_openai_compatible_without_a_model_name() -> None:
    """Unset SHEETQA_LLM__MODEL: an empty name, which a single-model server takes as its own."""
    with FakeServer(_answers("令和6年度の実績は685件、達成率は102.4%です。")) as server:
        model = make_chat_model(LLMSettings(backend="openai", base_url=server.url, timeout_s=10))
        answer = write_with_llm(model, QUESTION, FACTS, CITATIONS, [RATE], FALLBACK)
    assert answer.mode == "llm"
    ((path, _, body),) = server.requests
    assert path == "/v1/chat/completions" and body["model"] == ""
    assert body["messages"][0]["role"] == "system"


def test_openai_compatible_timeout_falls_back_after_one_try() -> None:
    import time

    def slow(body: dict) -> tuple[int, str, bytes]:
        time.sleep(1.5)
        return _answers("実績は685件です。")(body)

    with FakeServer(slow) as server:
        model = make_chat_model(LLMSettings(backend="openai", base_url=server.url, timeout_s=0.3))
        started = time.perf_counter()
        written = write_answer(model, FALLBACK)
        took = time.perf_counter() - started
    assert (written.outcome, written.answer) == ("failed", FALLBACK) and "Timeout" in written.problems[0]
    assert len(server.requests) == 1 and took < 1.2  # no retries: the extractive answer after timeout_s


# ---- streaming and what the writer did -------------------------------------------------------


def test_openai_compatible_streams_server_sent_events() -> None:
    pieces = ("実績は", "685件", "です。")
    with FakeServer(lambda body: (200, "text/event-stream", _sse(*pieces))) as server:
        model = make_chat_model(LLMSettings(backend="openai", base_url=server.url, timeout_s=5))
        assert [c.text for c in model.stream("質問") if c.text] == list(pieces)
        drafts: list[str] = []
        written = write_answer(model, FALLBACK.model_copy(update={"facts": FACTS}), on_text=drafts.append)
    assert server.requests[0][2]["stream"] is True
    assert written.outcome == "llm" and written.answer.answer == "実績は685件です。"
    assert drafts == ["実績は", "実績は685件", "実績は685件です。"]  # growing, as the app shows it


def test_a_server_that_ignores_stream_gives_the_extractive_answer() -> None:
    with FakeServer(_answers("実績は685件です。", stream_too=False)) as server:
        model = make_chat_model(LLMSettings(backend="openai", base_url=server.url, timeout_s=5))
        written = write_answer(model, FALLBACK, on_text=lambda text: None)
    assert (written.outcome, written.answer) == ("failed", FALLBACK)


def test_written_says_what_happened() -> None:
    answer = FALLBACK.model_copy(update={"facts": FACTS})
    ok = write_answer(FakeListChatModel(responses=["2024年度の実績は685件です。"]), answer)
    assert (ok.outcome, ok.answer.mode, ok.fell_back) == ("llm", "llm", False)
    bad = write_answer(FakeListChatModel(responses=["2024年度の実績は700件です。"]), answer)
    assert (bad.outcome, bad.guard, bad.answer) == ("rejected", "figure", answer) and bad.fell_back
    assert bad.problems == ("700",) and bad.draft == "2024年度の実績は700件です。"
    lost = write_answer(_Broken(), answer)
    assert lost.outcome == "failed" and lost.answer == answer and lost.fell_back
    assert write_answer(None, answer).outcome == "skipped"


def test_a_question_asked_back_is_not_rewritten() -> None:
    back = Answer(question="総事業費は？", answer="どの事業についての質問ですか？", intent="choice",
                  facts=[Fact(sheet_id="*", field="count", value=3, unit="件", computed=True)])
    model = FakeListChatModel(responses=["3件の事業があります。"])
    assert not will_write(model, back) and write_answer(model, back).outcome == "skipped"
    assert will_write(model, FALLBACK) and not will_write(None, FALLBACK)


def test_a_draft_shows_no_thinking_and_no_markdown() -> None:
    drafts: list[str] = []
    model = FakeListChatModel(responses=["<think>685?</think>**実績**は685件です。"])
    write_answer(model, FALLBACK, on_text=drafts.append)
    assert drafts[-1] == "実績は685件です。"
    assert not any("<think" in d or "685?" in d or "**" in d for d in drafts)


# ---- completeness: an LLM answer may say it differently, never say less ---------------------------


FULL = Answer(
    question="一番小さいのは？",
    answer="各事業の最新の評価対象年度の総事業費が最も小さいのは技術力向上職員研修事業（総務課）の4,775千円（2015年度）です。"
           "一次評価は継続、担当の総務課より：「研修を△2回減らした」。",
    facts=[Fact(sheet_id="t", project="技術力向上職員研修事業", row="総事業費", fy=2015, field="total_cost", value=4775,
                unit="千円"),
           Fact(sheet_id="t", project="技術力向上職員研修事業", row="一次評価", fy=2015, field="result", value="継続"),
           Fact(sheet_id="t", project="技術力向上職員研修事業", row="担当", field="section", value="総務課")],
    intent="ranking",
)


@pytest.mark.parametrize(("text", "missing"), [
    ("4,775 千円", ["技術力向上職員研修事業", "継続", "総務課"]),  # the project, the result and the 課 dropped
    ("技術力向上職員研修事業（総務課）は2015年度に継続と評価されました。", ["4,775"]),  # the figure dropped
    ("The smallest is 技術力向上職員研修事業 (総務課, FY2015): 4775 thousand yen; first evaluation 継続.", []),
    ("2015年度、総事業費が最も小さいのは技術力向上職員研修事業で4,775千円、担当は総務課、一次評価は継続です。", []),
])
def test_what_the_extractive_answer_states_must_stay(text: str, missing: list[str]) -> None:
    # years are no required figures (2015 may be said as 平成27年度); quoted text (△2) is not required
    assert missing_from(text, FULL) == missing


def test_an_incomplete_llm_answer_falls_back() -> None:
    written = write_answer(FakeListChatModel(responses=["4,775 千円"]), FULL)
    assert (written.outcome, written.guard, written.answer) == ("rejected", "completeness", FULL)


def test_numbers_and_years_the_extractive_answer_states_are_allowed() -> None:
    said = "「職員研修の開催回数」は2の事業の指標にあります。平成26年度以前の人件費は参考値です。"
    text = "職員研修の開催回数は2の事業にあり、平成26年度以前の人件費は参考値です。"
    assert not guard(text, FACTS, [], []).ok
    assert guard(text, FACTS, [], [], said=said).ok


def test_the_extractive_answer_goes_to_the_model_as_a_draft() -> None:
    seen: list = []

    class Recording(FakeListChatModel):
        def _call(self, messages, stop=None, run_manager=None, **kwargs):
            seen.append(messages)
            return super()._call(messages, stop, run_manager, **kwargs)

    write_answer(Recording(responses=["2024年度の実績は685件です。"]), FALLBACK)
    prompt = seen[0][-1].content
    assert prompt.rstrip().endswith(FALLBACK.answer) and "一つも落とさず" in prompt


def test_a_setting_that_does_not_validate_is_one_line(tmp_path) -> None:
    """SHEETQA_LLM__BACKEND=bogus: the CLI says which variable and what it accepts, no traceback."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "SHEETQA_LLM__BACKEND": "bogus", "HF_HUB_OFFLINE": "1"}
    out = subprocess.run([sys.executable, "-m", "assistant", "ask", "--store", str(tmp_path), "総事業費は？"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and "SHEETQA_LLM__BACKEND" in out.stderr and "Traceback" not in out.stderr
