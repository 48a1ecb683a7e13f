"""``python -m eval corpus`` (also ``sheetqa eval corpus``): write a corpus, time it, or --check the
parser against one. Its options are declared beside the other eval commands (eval/__main__.py)."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from eval.corpus.write import SUFFIX, write_corpus


def main(args: argparse.Namespace) -> int:
    """Write the corpus the options ask for (to --out, or a temporary folder), then report or check it."""
    if not (args.out or args.check or args.time):
        print("python -m eval corpus: give --out DIR (or --check, or --time)", file=sys.stderr)
        return 2
    n = args.n if args.n is not None else (3000 if args.time and not args.check else 300)
    progress = sys.stderr.isatty()
    with tempfile.TemporaryDirectory(prefix="sheetqa-corpus-") as tmp:
        out = Path(args.out or tmp)
        start = time.perf_counter()
        manifest = write_corpus(out, n=n, seed=args.seed, pdf_share=args.pdf_share,
                                cp932_share=args.cp932_share, progress=progress, h27=args.h27,
                                generic=args.generic, binders=args.binders, binder_size=args.binder_size)
        took = time.perf_counter() - start
        r7 = [e for e in manifest if e.get("kind") == "koriyama-r7"]
        counts = {f: sum(1 for e in r7 if e["format"] == f) for f in SUFFIX}
        files = ", ".join(f"{k} {v}" for k, v in counts.items())
        others = {k: sum(1 for e in manifest if e.get("kind") == k) for k in ("koriyama-h27", "generic", "binder")}
        extra = "".join(f", {v} {k}" + ("s" if k == "binder" and v != 1 else "") for k, v in others.items() if v)
        where = out if args.out else "a temporary folder"
        print(f"wrote {n} sheets (seed {args.seed}; files: {files}{extra}) to {where} in {took:.1f} s")
        if args.time:
            print(f"generation time: {n} sheets in {took:.1f} s ({n / took:.0f} sheets/s)")
        if not args.check:
            return 0
        return _check(out, manifest, progress)


def _check(out: Path, manifest: list[dict[str, Any]], progress: bool) -> int:
    from eval import grade
    from ingest.model import Sheet

    try:
        from ingest.parse import parse_file, parse_sheets
    except Exception as e:  # the parser is written alongside; say why it cannot run
        print(f"cannot check: the parser does not import ({type(e).__name__}: {e})", file=sys.stderr)
        return 2
    truths: dict[str, Sheet] = {}

    def load_truth(entry: dict[str, Any]) -> Sheet:
        if entry["truth"] not in truths:
            truths[entry["truth"]] = Sheet.from_json((out / entry["truth"]).read_bytes())
        return truths[entry["truth"]]

    report = grade.grade_files(manifest, parse_file, load_truth, lambda e: str(out / e["file"]),
                               progress=progress, parse_many=parse_sheets)
    print(grade.format_report(report))
    return 0 if report.passed else 1
