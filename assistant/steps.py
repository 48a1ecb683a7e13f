"""A LangChain sequence of plain steps, run as its steps when nothing listens to it.

``RunnableSequence.invoke`` sets up a callback manager, a child config, a tracing context and a
copied context for itself and for each step: in the load test (tests/test_app_load.py) 1–2 ms per
question, as long as answering it. That bookkeeping exists for callback handlers and tracers; when
none is configured (none passed in the config, no tracing switched on, no ``collect_runs``), each
step's function is called in turn with the same config, which is what the sequence computes. With
any handler, or a step that is not a plain function, LangChain's own ``invoke`` runs.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

from langchain_core.runnables import Runnable, RunnableConfig, RunnableLambda, RunnableSequence
from langchain_core.runnables.config import ensure_config, get_callback_manager_for_config
from langchain_core.runnables.utils import accepts_config

In = TypeVar("In")
Out = TypeVar("Out")


def invoke(chain: Runnable[In, Out], value: In, config: RunnableConfig | None = None) -> Out:
    """``chain.invoke(value, config)``, without LangChain's bookkeeping when nothing listens."""
    config = ensure_config(config)
    steps = chain.steps if isinstance(chain, RunnableSequence) else [chain]
    if (get_callback_manager_for_config(config).handlers
            or not all(isinstance(s, RunnableLambda) and callable(getattr(s, "func", None)) for s in steps)):
        return chain.invoke(value, config)
    now: Any = value
    for step in steps:
        func = step.func  # type: ignore[union-attr]  # a RunnableLambda's, checked above
        out = func(now, config) if accepts_config(func) else func(now)
        # a step that returns a Runnable: RunnableLambda runs it on the step's input
        now = out.invoke(now, config) if isinstance(out, Runnable) else out
    return cast(Out, now)
