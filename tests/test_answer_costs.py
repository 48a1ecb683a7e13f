"""What an answer reads once and keeps: a text's Sudachi tokens, a chain step's signature.

Both were measured in the load test (tests/test_app_load.py): tokenizing the same names again
for each linking step was a tenth of an answer's CPU, LangChain's reading of each step's
signature on every invoke another tenth. Kept results must be the ones computed afresh, and no
caller may change what the next one gets."""

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
