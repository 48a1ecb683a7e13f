"""Fuzzing the canonical JSON reader (issue #14): random structures never crash and never write.

Two properties, with hypothesis:

* reading: any bytes that look like JSON, any JSON value, and a valid sheet with any one of its
  values swapped for any JSON value either give sheets the model accepts whole (and that survive
  their own round trip), or one :class:`SheetError` line — never another exception;
* building: such a file either is indexed whole (rows and vectors agree) or changes nothing at
  all — no row, no vector, no pending mark. A tiny deterministic embedding keeps it fast.
"""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from index_support import SEED
from langchain_core.embeddings import Embeddings

from ingest.errors import SheetError
from ingest.model import Sheet
from ingest.parse import parse_file, parse_parts
from ingest.readers import read_bytes

VALID = json.loads(parse_file(SEED).to_json())
VALID["sheet_id"] = ""

scalars = (st.none() | st.booleans() | st.integers(min_value=-(10**40), max_value=10**40)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30)
           | st.sampled_from(["", "316799", "sheet/1", "2024", "令和6年度", "primary", "cost_analysis", "\ud800"]))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=20)


def _paths(obj: object, prefix: tuple = ()) -> list[tuple]:
    """Every place in a JSON value (dict keys and list indexes), leaves and branches."""
    out = [prefix]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _paths(v, (*prefix, i))
    return out


PLACES = [p for p in _paths(VALID) if p]


numbers = (st.integers(min_value=-(10**6), max_value=10**6) | st.integers(min_value=-(10**20), max_value=10**20)
           | st.floats(allow_nan=True, allow_infinity=True))


@st.composite
def mutated_sheets(draw: st.DrawFn) -> object:
    """The valid sheet, under a project name of its own, with one to three of its values (or
    branches) replaced — by any JSON value, or by a number of any size for a number — or deleted."""
    data = json.loads(json.dumps(VALID))
    data["project"]["name"] = f"試験事業{draw(st.integers(0, 10**6))}"
    for _ in range(draw(st.integers(1, 3))):
        place = draw(st.sampled_from(PLACES))
        parent = data
        try:
            for step in place[:-1]:
                parent = parent[step]
            old = parent[place[-1]]
            how = draw(st.sampled_from(["number", "number", "delete", "any"]))
            if how == "delete" and isinstance(parent, dict):
                parent.pop(place[-1], None)
            elif how == "number" and isinstance(old, int | float) and not isinstance(old, bool):
                parent[place[-1]] = draw(numbers)
            elif how != "number":
                parent[place[-1]] = draw(json_values)
        except (KeyError, IndexError, TypeError):  # an earlier change moved the place
            continue
    return data


documents = (mutated_sheets() | json_values
             | st.builds(lambda extra: {**extra, "schema": "sheet/1"}, st.dictionaries(
                 st.sampled_from([*VALID, "claimed_id", "extra"]), json_values, max_size=6)))


def _encode(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False, allow_nan=True).encode("utf-8", errors="surrogatepass")


def _read(data: bytes) -> list[Sheet]:
    """The sheets a file gives, or [] after exactly one SheetError line. Anything else fails."""
    try:
        parts = parse_parts(read_bytes(data, "fuzz.json"))
    except SheetError as e:
        assert "\n" not in str(e)
        return []
    sheets = [p.sheet for p in parts if p.sheet is not None]
    for p in parts:
        assert (p.sheet is None) != (p.error is None)
    for sheet in sheets:
        assert Sheet.from_json(sheet.to_json()) == sheet  # what the store keeps reads back the same
    return sheets


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_reading_never_crashes(doc: object) -> None:
    _read(_encode(doc))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200) | st.builds(lambda b: b'{"schema": "sheet/1", ' + b, st.binary(max_size=200)))
def test_reading_bytes_never_crashes(data: bytes) -> None:
    if data.strip():
        _read(b"{" + data if not data.lstrip().startswith(b"{") else data)


class _TinyEmbeddings(Embeddings):
    """8 numbers from a text's hash: vectors without the model, the same text the same vector."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self.embed_query(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        digest = hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).digest()
        return [b / 255 + 0.01 for b in digest[:8]]


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory: pytest.TempPathFactory):
    from ingest.settings import Settings
    from ingest.vectors import E5Embedding

    home = tmp_path_factory.mktemp("fuzz-store")
    return Settings(home=home / "store"), E5Embedding(embeddings=_TinyEmbeddings()), home


def _state(settings) -> tuple:
    from ingest.store import FigureStore
    from ingest.vectors import VectorStore

    if not settings.sqlite_path.exists():
        return (0, 0, 0, 0)
    with FigureStore(settings.sqlite_path, read_only=True) as figures:
        c = figures.counts()
        assert c.files_pending == 0 and figures.retired() == []
    vectors = VectorStore(settings, create=False).count() if settings.chroma_path.exists() else 0
    assert vectors == c.chunks
    return (c.sheets, c.files_indexed, c.chunks, vectors)


@pytest.mark.slow
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(mutated_sheets())
def test_building_writes_a_whole_sheet_or_nothing(fuzz_store, doc: object) -> None:
    from ingest.index import build

    settings, embedding, home = fuzz_store
    data = _encode(doc)
    path = home / f"{hashlib.sha256(data).hexdigest()[:12]}.json"
    path.write_bytes(data)
    before = _state(settings)
    [report] = build([path], settings, embedding=embedding).files
    after = _state(settings)
    assert report.status in ("indexed", "unchanged", "failed", "refused", "conflict"), report
    if report.status in ("indexed",):
        assert after[0] == before[0] + 1 and after[2] == before[2] + report.chunks
    elif report.status == "unchanged":
        assert after[0] == before[0]
    else:
        assert after == before, report
        assert "internal error" not in (report.reason or ""), report.reason
