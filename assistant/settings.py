"""The assistant's settings: the project's one ``Settings`` plus the LLM and retrieval knobs.

``AssistantSettings`` extends ``ingest.settings.Settings`` rather than living beside it, so a single
object still carries every path, model and host (same ``SHEETQA_`` prefix, nested with ``__``)::

    SHEETQA_LLM__BACKEND=openai SHEETQA_LLM__BASE_URL=http://127.0.0.1:11434/v1 \
    SHEETQA_LLM__MODEL=qwen2.5:7b-instruct python -m assistant ask "…"

The LLM is off by default: answers are extractive unless a backend is chosen here.

The web UI's knobs (host, port, login) are not here: they extend these in ``ui/settings.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr

from ingest.settings import Settings

LLMBackend = Literal["off", "openai", "llamacpp"]


class LLMSettings(BaseModel):
    backend: LLMBackend = Field(
        "off",
        description="off = extractive answers only; openai = an OpenAI-compatible /chat/completions "
        "endpoint (Ollama, vLLM, llama.cpp's llama-server); llamacpp = a local GGUF file through the "
        "llama-cpp-python package (installed separately)",
    )
    base_url: str = Field(
        "http://127.0.0.1:11434/v1",
        description="the OpenAI-compatible API root, up to and including /v1 (Ollama's default here; "
        "vLLM is usually http://127.0.0.1:8000/v1, llama-server http://127.0.0.1:8080/v1)",
    )
    model: str | None = Field(
        None,
        description="the model name the endpoint serves (Ollama needs it, e.g. qwen2.5:7b-instruct); "
        "unset = the request carries no model and a single-model server uses its own",
    )
    # SecretStr keeps the key out of reprs and logs; "none" is what keyless local servers accept.
    api_key: SecretStr = Field(SecretStr("none"), description="bearer token for the endpoint")
    gguf_path: Path | None = Field(None, description="the .gguf file for backend=llamacpp")
    temperature: float = Field(0.0, ge=0.0, le=2.0, description="sampling temperature; 0 = deterministic")
    max_tokens: int = Field(512, ge=1, description="longest answer the model may write, in tokens")
    timeout_s: float = Field(
        60.0,
        gt=0,
        description="seconds to wait for the endpoint before falling back to the extractive answer",
    )
    n_ctx: int = Field(4096, ge=256, description="llama.cpp context window in tokens (prompt + answer)")
    n_threads: int | None = Field(
        None, ge=1, description="llama.cpp CPU threads; unset = llama.cpp's own choice"
    )


class AssistantSettings(Settings):
    """Everything ``Settings`` holds, plus what the assistant needs to answer."""

    llm: LLMSettings = Field(default_factory=LLMSettings, description="the optional prose writer")
    top_k: int = Field(8, ge=1, description="text chunks retrieved per question")
    max_quote_chars: int = Field(
        240,
        ge=20,
        description="longest verbatim quote an answer cites, in characters",
    )
    max_distance: float = Field(
        0.2,
        ge=0,
        le=2,
        description="with no project named, a passage further than this cosine distance from the question "
        "is not an answer (e5 puts related Japanese passages within ~0.15)",
    )

