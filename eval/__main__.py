"""python -m eval SUBCOMMAND: measure the product from the outside.

  corpus   write a synthetic koriyama-r7 corpus with truth JSON, or --check the parser against one
  bench    speed benchmarks: ingest and query at 300 and 3,000 sheets, embedded and server Chroma
  run      ask a question set through the assistant and write an answer-quality report
  compare  ours against a plain RAG baseline (eval.baseline) on the same questions and sheets
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sheetqa.runner import run


def cmd_corpus(args: argparse.Namespace) -> int:
    from eval.corpus import cli

    return cli.main(args)


def cmd_run(args: argparse.Namespace) -> int:
    from eval import run

    return run.main(args)


def cmd_compare(args: argparse.Namespace) -> int:
    from eval import compare

    return compare.main(args)


def cmd_thresholds(args: argparse.Namespace) -> int:
    from eval import thresholds

    return thresholds.main(args)


def cmd_bench(args: argparse.Namespace) -> int:
    import json

    from eval import bench

    if args.what == "ingest":
        result = bench.bench_ingest(n=args.n or 300, store=args.store, seed=args.seed,
                                    progress=sys.stderr.isatty(), samples=args.samples,
                                    corpus_dir=args.corpus_dir)
        print(json.dumps(result, ensure_ascii=False, indent=1) if args.json else bench.format_ingest(result))
        return 0 if not result["failed"] else 1
    if args.what == "query":
        n = args.n or 300
        store = args.store or bench.BENCH_DIR / f"n{n}-s{args.seed}" / "store"
        result = bench.bench_query(n, store, seed=args.seed, server=args.server, repeat=args.repeat)
        print(json.dumps(result, ensure_ascii=False, indent=1) if args.json else bench.format_query(result))
        return 0
    sizes = [args.n] if args.n else args.sizes
    result = bench.bench_all(sizes, seed=args.seed, reuse=args.reuse, server=not args.no_server, repeat=args.repeat,
                             say=lambda m: print(m, file=sys.stderr, flush=True))
    paths = bench.write_bench(result)
    print(bench.render_bench(result))
    print("\nwrote " + ", ".join(str(p.relative_to(bench.ROOT)) for p in paths), file=sys.stderr)
    return 0


def main(argv: list[str] | None = None, prog: str = "python -m eval") -> int:
    """The eval commands (``sheetqa eval …`` is this too). Their options stay argparse's: some take
    several values (``bench --sizes 300 3000``), which click options cannot."""
    parser = argparse.ArgumentParser(prog=prog, description="Measure sheetqa from the outside.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "corpus", help="write a synthetic corpus with truth JSON (R7, H27, other layouts, binders), or check the parser",
        description="Write N synthetic koriyama-r7 sheets (text; a share also as CP932 and PDF), koriyama-h27 sheets, "
                    "other cities' sheets (generic layouts) and binders of many sheets, with their canonical truth "
                    "JSON; deterministic for a seed.")
    p.add_argument("--n", type=int, default=None, help="number of sheets (default 300; 3000 with --time)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--out", metavar="DIR", help="where to write (an empty folder or an earlier corpus)")
    p.add_argument("--check", action="store_true",
                   help="parse every file with ingest.parse.parse_file and grade it against its truth; "
                        "exit 1 below 99.5%% of cells or on any silent error")
    p.add_argument("--time", action="store_true", help="report how long generation took")
    p.add_argument("--pdf-share", type=float, default=0.05, help="share of sheets also written as PDF")
    p.add_argument("--cp932-share", type=float, default=0.10,
                   help="share of sheets also written as CP932 text")
    p.add_argument("--h27", type=int, default=60, help="koriyama-h27 sheets (the traps real sheets show) (default 60)")
    p.add_argument("--generic", type=int, default=40,
                   help="other cities' sheets in the four text shapes, read generically (default 40)")
    p.add_argument("--binders", type=int, default=6,
                   help="binder files of many sheets each (R7 with and without page marks, H27, generic, PDF)")
    p.add_argument("--binder-size", type=int, default=12, help="sheets per binder (default 12)")
    p.set_defaults(func=cmd_corpus)

    p = sub.add_parser(
        "run", help="ask a question set through the assistant and write an answer-quality report",
        description="Ask every question (follow-ups with their conversation's history) through the public "
                    "Assistant, grade the answers (numbers, mentions, declines, citations, hit@5) and write "
                    "eval/reports/<set>-YYYYMMDD-HHMM.md/.json and latest.md. Without --store the dev store "
                    "eval/.store-dev/ (samples + a generated corpus) is built or refreshed first. Exit 0 "
                    "whenever a report is written; the last line is the verdict against the acceptance.")
    p.add_argument("--questions", metavar="FILE", default=None,
                   help="question set, JSONL (default eval/questions/dev.jsonl)")
    p.add_argument("--store", metavar="DIR", default=None,
                   help="ask this store as it is (default: build/refresh eval/.store-dev/)")
    p.add_argument("--reports", metavar="DIR", default=None, help="where reports go (default eval/reports/)")
    p.add_argument("--type", action="append", metavar="TYPE",
                   help="only questions of this type (repeatable; conversations are kept whole)")
    p.add_argument("--limit", type=int, default=None, help="only the first N questions (for a quick look)")
    p.add_argument("--split", choices=("tune", "holdout"), default=None,
                   help="only this half of a question bank (eval/questions/bank.jsonl: tune on one, report the other)")
    p.add_argument("--quiet", action="store_true", help="no per-question progress lines")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser(
        "compare", help="ours against a plain RAG baseline, same questions and sheets: one table",
        description="Ask the question set through ours (the dev store) and through the textbook baseline "
                    "(RecursiveCharacterTextSplitter → the same e5 model → its own Chroma collection → top-4; "
                    "without an LLM its answer is the retrieved context), grade both with the eval metrics and "
                    "print one Markdown table per question type: numbers right, unanswerable declined, false "
                    "declines, citations valid, p50/p95 seconds. Writes eval/reports/compare-latest.md.")
    p.add_argument("--questions", metavar="FILE", default=None,
                   help="question set, JSONL (default eval/questions/dev.jsonl)")
    p.add_argument("--llm", action="store_true",
                   help="LLM mode: ours (figure guard on) and the baseline with the same local GGUF "
                        "(make llm installs llama-cpp-python and assembles it)")
    p.add_argument("--gguf", metavar="FILE", default=None,
                   help="the GGUF for --llm (default: where make llm puts it, .sheetqa/models/)")
    p.add_argument("--max-tokens", type=int, default=256, help="--llm: longest answer, in tokens (default 256)")
    p.add_argument("--chunk-size", type=int, default=None,
                   help="the baseline's splitter chunk size in characters (default: the store's, 400)")
    p.add_argument("--chunk-overlap", type=int, default=None,
                   help="the baseline's splitter overlap in characters (default: the store's, 80)")
    p.add_argument("--reports", metavar="DIR", default=None, help="where the report goes (default eval/reports/)")
    p.add_argument("--type", action="append", metavar="TYPE",
                   help="only questions of this type (repeatable; conversations are kept whole)")
    p.add_argument("--limit", type=int, default=None, help="only the first N questions")
    p.add_argument("--split", choices=("tune", "holdout"), default=None,
                   help="only this half of a question bank (eval/questions/bank.jsonl)")
    p.add_argument("--modes", action="store_true",
                   help="ours extractive against ours with the LLM (the GGUF of make llm), no baseline: right per "
                        "type in each mode, LLM answers the guards replaced, seconds per answer; writes "
                        "eval/reports/llm-compare-latest.md and .json")
    p.add_argument("--per-type", type=int, default=None, metavar="N",
                   help="--modes: a stratified sample, N questions of each type (a follow-up with its conversation)")
    p.add_argument("--seed", type=int, default=1, help="--per-type: the sample's random seed (default 1)")
    p.add_argument("--quiet", action="store_true", help="no per-question progress lines")
    p.add_argument("--progress", action="store_true",
                   help="per-question progress lines on stderr even when it is not a terminal (for a log)")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser(
        "thresholds", help="choose the meaning-match thresholds (assistant/dense.py) on the bank's tune split",
        description="Link each tune question of eval/questions/bank.jsonl to its nearest project name by e5 and "
                    "print, per (accept, margin), how many are linked and how many rightly; recommend the pair "
                    "that links most at the given precision.")
    p.add_argument("--precision", type=float, default=0.97)
    p.set_defaults(func=cmd_thresholds)

    p = sub.add_parser(
        "bench", help="speed benchmarks (not tests): ingest, query, or both at 300 and 3,000 sheets",
        description="all (default): for each corpus size, a fresh build (sheets/s, chunks/s, embedding share, "
                    "peak memory, store size), then the question set against it with embedded Chroma and "
                    "through a `chroma run` server; writes eval/reports/bench-latest.md, a JSON and "
                    "bench-latency.png. ingest: index N generated sheets into an empty store. query: p50/p95 "
                    "seconds per question (by type) for the store of N sheets, model loaded once.")
    p.add_argument("what", nargs="?", choices=["all", "ingest", "query"], default="all")
    p.add_argument("--n", type=int, default=None, help="number of generated sheets (default 300; all: --sizes)")
    p.add_argument("--sizes", type=int, nargs="+", default=[300, 3000], help="all: corpus sizes (default 300 3000)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--store", type=Path,
                   help="ingest: an empty folder to build into (default: a temporary one); "
                        "query: the store to ask (default eval/.bench/n<N>-s<seed>/store)")
    p.add_argument("--samples", action="store_true", help="ingest: index the shipped samples first (untimed)")
    p.add_argument("--corpus-dir", type=Path, help="ingest: keep the generated sheets here")
    p.add_argument("--server", action="store_true", help="query: through a `chroma run` server on loopback")
    p.add_argument("--no-server", action="store_true", help="all: skip the Chroma server runs")
    p.add_argument("--reuse", action="store_true", help="all: reuse stores an earlier run built")
    p.add_argument("--repeat", type=int, default=3,
                   help="query, all: ask the set this many times; each question counts with its median time")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.set_defaults(func=cmd_bench)

    args = parser.parse_args(argv)
    return run(lambda: args.func(args), store=getattr(args, "store", None))


if __name__ == "__main__":
    sys.exit(main())
