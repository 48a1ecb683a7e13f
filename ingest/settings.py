"""The one settings object: every path, model and host the project uses.

Values come from (highest first) keyword arguments, ``SHEETQA_*`` environment variables (nested
fields with ``__``: ``SHEETQA_CHUNKS__SIZE=300``), then the defaults below. ``CHROMA_HOST`` /
``CHROMA_PORT`` are read under those exact names too, because that is what Chroma's own tools and
docs use. Nothing else in the code base reads the environment: pass a ``Settings`` around.
"""

from __future__ import annotations

from pathlib import Path
from typing import Self

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ingest.readers.limits import ReadLimits


class ModelSettings(BaseModel):
    cache_dir: Path | None = Field(
        None, description="where the converted embedding model lives; default <home>/models"
    )
    device: str = Field("cpu", description="torch device for the embedding model")
    batch_size: int = Field(16, ge=1, description="texts per forward pass of the embedding model (16 measured fastest on 2 cores)")


class ChromaSettings(BaseModel):
    host: str | None = Field(
        None, description="a Chroma server (`chroma run`); unset = the embedded store under <home>/chroma"
    )
    port: int = Field(8000, ge=1, le=65535, description="the Chroma server's port")
    ssl: bool = Field(False, description="talk HTTPS to the Chroma server")
    collection: str = Field(
        "sheet_chunks", min_length=3, max_length=512, description="the collection that holds the chunks"
    )


class ChunkSettings(BaseModel):
    size: int = Field(400, ge=50, description="longest prose chunk, in characters")
    overlap: int = Field(80, ge=0, description="characters a prose chunk repeats from the one before")

    @model_validator(mode="after")
    def _overlap_below_size(self) -> ChunkSettings:
        if self.overlap >= self.size:
            raise ValueError(f"chunk overlap ({self.overlap}) must be smaller than chunk size ({self.size})")
        return self


class IndexSettings(BaseModel):
    batch_size: int = Field(
        1024, ge=1, description="chunks per Chroma upsert (also capped by the server's max batch size); "
        "each call costs ~0.1 s whatever its size"
    )
    group_chunks: int = Field(
        1024,
        ge=1,
        description="new chunks gathered from several files before one embedding call: the model sorts "
        "them by length, so bigger groups pad less; a crash redoes at most one group",
    )
    lock_wait: float = Field(
        0.0, ge=0, description="seconds a build waits for another build on the same store; 0 = refuse at once"
    )
    crash_after: int | None = Field(
        None,
        description="tests only: exit hard after this many files, between the vector write and the "
        "SQLite commit of the next one (simulates a crash at the worst moment)",
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SHEETQA_", env_nested_delimiter="__", extra="ignore", populate_by_name=True
    )

    home: Path = Field(Path(".sheetqa"), description="the store folder (SQLite, embedded Chroma, models)")
    models: ModelSettings = Field(default_factory=ModelSettings)
    chroma: ChromaSettings = Field(default_factory=ChromaSettings)
    chunks: ChunkSettings = Field(default_factory=ChunkSettings)
    index: IndexSettings = Field(default_factory=IndexSettings)
    read: ReadLimits = Field(default_factory=ReadLimits, description="what reading one file may cost (issue #14)")

    # Chroma's conventional variables. An alias bypasses the SHEETQA_ prefix; they only fill
    # chroma.host/port when SHEETQA_CHROMA__HOST/PORT (or a keyword) did not.
    chroma_host_env: str | None = Field(None, validation_alias="CHROMA_HOST", exclude=True, repr=False)
    chroma_port_env: int | None = Field(None, validation_alias="CHROMA_PORT", exclude=True, repr=False)

    @model_validator(mode="after")
    def _chroma_from_env(self) -> Settings:
        if self.chroma.host is None and self.chroma_host_env:
            self.chroma.host = self.chroma_host_env
            if self.chroma_port_env is not None and "port" not in self.chroma.model_fields_set:
                self.chroma.port = self.chroma_port_env
        return self

    @property
    def model_dir(self) -> Path:
        return self.models.cache_dir if self.models.cache_dir is not None else self.home / "models"

    @property
    def sqlite_path(self) -> Path:
        return self.home / "figures.sqlite3"

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"

    @property
    def lock_path(self) -> Path:
        return self.home / ".lock"

    @property
    def chroma_location(self) -> str:
        """Where the vectors go, for messages: a folder or http://host:port."""
        if self.chroma.host:
            scheme = "https" if self.chroma.ssl else "http"
            return f"{scheme}://{self.chroma.host}:{self.chroma.port}"
        return str(self.chroma_path)

    def with_home(self, home: Path | str | None) -> Self:
        """A copy with another store folder (the CLI's --store)."""
        if home is None:
            return self
        return self.model_copy(update={"home": Path(home)})
