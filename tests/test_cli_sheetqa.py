"""``sheetqa``, the one console script: its subcommands are the commands of ``python -m ingest``,
``python -m assistant`` and ``python -m eval`` (the same output and exit codes), and a bad store or
setting is one line from every command (sheetqa/runner.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from index_support import ROOT, SAMPLES, subprocess_env

SHEETQA = Path(sys.executable).with_name("sheetqa")
QUESTION = "デジタルファースト推進事業の令和6年度の総事業費は？"


def _run(cmd: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, env=subprocess_env(**env), capture_output=True, text=True, timeout=600)


def sheetqa(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    if not SHEETQA.exists():
        pytest.fail(f"{SHEETQA} is not installed: pip install -e '.[test]' (make test does)")
    return _run([str(SHEETQA), *args], **env)


def module(name: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return _run([sys.executable, "-m", name, *args], **env)


def _same(obj: Any, store: Path) -> Any:
    """A build or list report without what differs between two stores: times and the store's path."""
    if isinstance(obj, dict):
        return {k: _same(v, store) for k, v in obj.items() if not k.endswith(("seconds", "_at"))}
    if isinstance(obj, list):
        return [_same(v, store) for v in obj]
    return obj.replace(str(store), "STORE") if isinstance(obj, str) else obj


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, subprocess.CompletedProcess[str]]]:
    """The samples built into one store by ``python -m ingest build`` and into another by ``sheetqa build``."""
    root = tmp_path_factory.mktemp("stores")
    old, new = root / "old", root / "new"
    return {"old": (old, module("ingest", "build", str(SAMPLES), "--store", str(old), "--json")),
            "new": (new, sheetqa("build", str(SAMPLES), "--store", str(new), "--json"))}


def test_help_lists_the_subcommands() -> None:
    out = sheetqa("--help")
    assert out.returncode == 0, out.stderr
    listed = out.stdout.split("Commands:")[1]
    for name in ("parse", "build", "check", "list", "remove", "ask", "chat", "serve", "eval"):
        assert f"\n  {name} " in listed, out.stdout
    assert sheetqa().returncode == 2  # no subcommand: the usage, as python -m ingest says it
    evals = sheetqa("eval", "--help")
    assert evals.returncode == 0 and all(c in evals.stdout for c in ("run", "compare", "bench", "corpus"))


def test_build_and_list_equal_python_m_ingest(stores) -> None:
    (old, old_build), (new, new_build) = stores["old"], stores["new"]
    for proc in (old_build, new_build):
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr
    assert _same(json.loads(new_build.stdout), new) == _same(json.loads(old_build.stdout), old)
    assert json.loads(new_build.stdout)["counts"]["indexed"] == 3
    for args in (["list"], ["list", "--json"], ["check"]):
        a = module("ingest", *args, "--store", str(old))
        b = sheetqa(*args, "--store", str(old))
        assert (b.returncode, b.stdout, b.stderr) == (a.returncode, a.stdout, a.stderr), args
    a = json.loads(module("ingest", "list", "--json", "--store", str(old)).stdout)
    b = json.loads(sheetqa("list", "--json", "--store", str(new)).stdout)
    assert _same(b, new) == _same(a, old) and len(b) == 3


def test_ask_json_equals_python_m_assistant(stores) -> None:
    store = str(stores["old"][0])
    a = module("assistant", "ask", "--json", "--store", store, QUESTION)
    b = sheetqa("ask", "--json", "--store", store, QUESTION)
    assert a.returncode == b.returncode == 0, (a.stderr, b.stderr)
    assert json.loads(b.stdout) == json.loads(a.stdout)
    assert json.loads(b.stdout)["facts"][0]["value"] == 66671


def test_a_bad_setting_is_one_line_and_exit_2(tmp_path: Path) -> None:
    for run in (lambda: sheetqa("ask", "--store", str(tmp_path), QUESTION, SHEETQA_LLM__BACKEND="bogus"),
                lambda: module("ingest", "list", "--store", str(tmp_path), SHEETQA_LLM__BACKEND="bogus"),
                lambda: sheetqa("list", "--store", str(tmp_path), SHEETQA_CHUNKS__SIZE="abc")):
        out = run()
        assert out.returncode == 2, out.stderr
        assert out.stdout == "" and out.stderr.count("\n") == 1, out.stderr
        assert out.stderr.startswith("error: a setting is not valid (SHEETQA_"), out.stderr


def test_errors_are_the_same_line_and_code_everywhere(tmp_path: Path) -> None:
    """No store, a file that is no sheet, a damaged figures database: one line, the contract's code."""
    not_a_sheet = tmp_path / "note.txt"
    not_a_sheet.write_text("hello\n", encoding="utf-8")
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "figures.sqlite3").write_bytes(b"not a database" * 100)
    cases = [(["ask", "--store", str(tmp_path / "none"), QUESTION], "assistant", 2),
             (["parse", str(not_a_sheet)], "ingest", 2),
             (["list", "--store", str(damaged)], "ingest", 4),
             (["ask", "--store", str(damaged), QUESTION], "assistant", 4)]
    for args, name, code in cases:
        a, b = module(name, *args), sheetqa(*args)
        assert (b.returncode, b.stdout, b.stderr) == (a.returncode, a.stdout, a.stderr), args
        assert b.returncode == code and b.stderr.count("\n") == 1 and b.stderr.startswith("error: "), (args, b.stderr)
