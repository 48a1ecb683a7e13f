"""What an answer reads once and keeps, and what it skips when nobody looks.

Measured in the load test (tests/test_app_load.py): tokenizing the same names again for each
linking step was a tenth of an answer's CPU, LangChain's reading of each step's signature on every
invoke another tenth, and LangChain's callback bookkeeping around the chain and each step (with no
handler to call) 1–2 ms a question, as long as the answering. Kept results must be the ones
computed afresh, no caller may change what the next one gets, and a handler or tracer that listens
still sees every step."""

from __future__ import annotations

from typing import Any

from assistant import sudachi


def test_tokens_are_kept_and_callers_cannot_change_them() -> None:
    sudachi.forget()
    first = sudachi.tokens("デジタルファースト推進事業の総事業費")
    assert [t.surface for t in first][:2] == ["デジタル", "ファースト"]
    first.clear()  # a caller's list is its own
    again = sudachi.tokens("デジタルファースト推進事業の総事業費")
    assert again and again == sudachi.tokens("デジタルファースト推進事業の総事業費")
    assert sudachi._tokens.cache_info().hits >= 2
    short = sudachi.tokens("参加者数", short=True)
    assert [t.surface for t in short] == ["参加", "者", "数"] != [t.surface for t in sudachi.tokens("参加者数")]
    sudachi.forget()
    assert sudachi._tokens.cache_info().currsize == 0
    assert sudachi.tokens("参加者数", short=True) == short and sudachi.tokens("") == []


def test_a_chain_steps_signature_is_read_once() -> None:
    import langchain_core.runnables.utils as runnable_utils
    from langchain_core.runnables import RunnableConfig, RunnableLambda

    import assistant.chain  # noqa: F401 (the patch is made on import)

    def plain(x: int) -> int:
        return x + 1

    def with_config(x: int, config: RunnableConfig) -> Any:
        return config.get("configurable", {}).get("add", 0) + x

    assert runnable_utils.accepts_config(with_config) and not runnable_utils.accepts_config(plain)
    assert runnable_utils._signature_parameters(plain) is runnable_utils._signature_parameters(plain)
    chain = RunnableLambda(plain) | RunnableLambda(with_config)
    assert chain.invoke(1, config={"configurable": {"add": 10}}) == 12
    assert chain.invoke(1) == 2


def test_a_chain_runs_as_its_steps_unless_something_listens() -> None:
    from langchain_core.callbacks import BaseCallbackHandler
    from langchain_core.runnables import RunnableConfig, RunnableLambda
    from langchain_core.tracers.context import collect_runs

    from assistant import steps

    seen: list[str] = []

    def first(x: int) -> int:
        seen.append("first")
        return x + 1

    def second(x: int, config: RunnableConfig) -> int:
        return x * config.get("configurable", {}).get("times", 1)

    def delegate(x: int) -> Any:  # a step may return a Runnable: it runs on the step's input
        return RunnableLambda(lambda y: y - 100)

    chain = RunnableLambda(first) | RunnableLambda(second) | RunnableLambda(delegate)
    config: RunnableConfig = {"configurable": {"times": 3}}
    assert steps.invoke(chain, 1, config) == chain.invoke(1, config) == -94
    assert steps.invoke(RunnableLambda(first), 5) == 6

    with collect_runs() as runs:  # a tracer listens: LangChain's own invoke, every step recorded
        assert steps.invoke(chain, 1, config) == -94
    assert [r.name for r in runs.traced_runs] and len(runs.traced_runs[0].child_runs) == 3

    class Count(BaseCallbackHandler):
        starts = 0

        def on_chain_start(self, *args: Any, **kwargs: Any) -> None:
            Count.starts += 1

    assert steps.invoke(chain, 1, {"configurable": {"times": 3}, "callbacks": [Count()]}) == -94
    assert Count.starts >= 4  # the sequence and its three steps
