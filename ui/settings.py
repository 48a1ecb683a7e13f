"""The web app's settings: the assistant's (:class:`assistant.settings.AssistantSettings`) plus the UI's own.

The settings nest in the order the code depends on itself — ``ingest.settings.Settings`` (paths,
models, the Chroma host) ⊂ ``AssistantSettings`` (LLM, retrieval) ⊂ :class:`UISettings` (``app``) —
so the assistant never sees the UI's knobs and one object still carries everything the app needs
(same ``SHEETQA_`` prefix, nested with ``__``)::

    SHEETQA_APP__HOST=0.0.0.0 SHEETQA_AUTH=staff:secret python app.py

It listens on 127.0.0.1 unless ``SHEETQA_APP__HOST`` says otherwise; ``SHEETQA_AUTH=user:password``
(or ``SHEETQA_APP__AUTH``) turns on a login.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr, model_validator

from assistant.settings import AssistantSettings


class AppSettings(BaseModel):
    """The Gradio UI (``python app.py``, ``sheetqa serve``)."""

    host: str = Field(
        "127.0.0.1",
        description="the address the UI listens on; 0.0.0.0 opens it to the network (then set a login)",
    )
    port: int = Field(7860, ge=1, le=65535, description="the UI's port")
    auth: SecretStr | None = Field(
        None, description="user:password: the UI asks for this login (also read from SHEETQA_AUTH)"
    )
    max_upload_mb: float = Field(
        16, gt=0, description="largest sheet file the UI accepts, in MB (the readers refuse over 16 MB anyway)"
    )

    def login(self) -> tuple[str, str] | None:
        """``auth`` split into (user, password); None when no login is set."""
        if self.auth is None or not self.auth.get_secret_value():
            return None
        user, sep, password = self.auth.get_secret_value().partition(":")
        if not sep or not user or not password:
            raise ValueError("SHEETQA_AUTH must be user:password (both non-empty)")
        return user, password


class UISettings(AssistantSettings):
    """Everything the assistant's settings hold, plus the web UI's: the whole product's settings."""

    app: AppSettings = Field(default_factory=AppSettings, description="the web UI (app.py)")

    # The login's conventional variable: SHEETQA_AUTH=user:password (SHEETQA_APP__AUTH works too).
    auth_env: SecretStr | None = Field(None, validation_alias="SHEETQA_AUTH", exclude=True, repr=False)

    @model_validator(mode="after")
    def _auth_from_env(self) -> UISettings:
        if self.app.auth is None and self.auth_env is not None:
            self.app.auth = self.auth_env
        return self
