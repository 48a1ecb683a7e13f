"""Speed benchmarks (not tests): how fast the product does its work on this machine.

``bench_ingest`` writes a generated corpus (text sheets), builds a fresh store from it through
the public ``ingest.index.build`` and reports sheets/s, chunks/s and where the time went. Model
conversion, model loading and corpus generation are timed apart from the build: they are one-off
costs, not throughput.
"""

from __future__ import annotations

import os
import platform
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def bench_ingest(
    n: int = 300,
    store: Path | None = None,
    model_cache: Path | None = None,
    seed: int = 1,
    progress: bool = False,
) -> dict[str, Any]:
    """Index ``n`` generated sheets into an empty store; return the figures.

    ``store`` must be empty or absent (default: a temporary folder, deleted afterwards).
    ``model_cache`` defaults to the settings' model folder, so the one-off conversion is shared
    with normal use.
    """
    from eval.corpus import write_corpus
    from ingest.index import build
    from ingest.settings import Settings
    from ingest.vectors import E5Embedding

    tmp = Path(tempfile.mkdtemp(prefix="sheetqa-bench-"))
    try:
        home = Path(store) if store is not None else tmp / "store"
        if home.exists() and any(home.iterdir()):
            raise FileExistsError(f"{home} is not empty; the benchmark needs an empty store")
        settings = Settings(home=home)
        settings.models.cache_dir = Path(model_cache) if model_cache else Settings().model_dir

        started = time.perf_counter()
        write_corpus(tmp / "corpus", n=n, seed=seed, pdf_share=0.0, cp932_share=0.0)
        corpus_seconds = time.perf_counter() - started

        from ingest.embed import prepare_model

        started = time.perf_counter()
        prepare_model(settings.model_dir)
        convert_seconds = time.perf_counter() - started
        embedding = E5Embedding(settings=settings)
        embedding.embeddings  # noqa: B018  (load now: loading is not indexing throughput)

        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=n, unit="sheet", desc="bench ingest", leave=False)

        def tick(*_: object) -> None:
            if bar is not None:
                bar.update(1)

        report = build([tmp / "corpus" / "sheets"], settings, progress=tick, embedding=embedding)
        if bar is not None:
            bar.close()
        rebuild = build([tmp / "corpus" / "sheets"], settings, embedding=embedding)

        seconds = report.seconds
        embed_rate = report.chunks_embedded / report.embed_seconds if report.embed_seconds else None
        chunks = sum(f.chunks for f in report.files)
        sheets = sum(1 for f in report.files if f.status != "failed")
        return {
            "sheets": sheets,
            "failed": len(report.failed),
            "failures": [f"{f.path}: {f.reason}" for f in report.failed][:10],
            "chunks": chunks,
            "chunks_embedded": report.chunks_embedded,
            "chunks_reused": sum(f.reused for f in report.files),
            "seconds": round(seconds, 2),
            "sheets_per_s": round(sheets / seconds, 2) if seconds else None,
            "chunks_per_s": round(chunks / seconds, 2) if seconds else None,
            "embedded_per_s": round(embed_rate, 2) if embed_rate else None,
            "embed_seconds": round(report.embed_seconds, 2),
            "embed_share": round(report.embed_seconds / seconds, 3) if seconds else None,
            "other_seconds": round(seconds - report.embed_seconds, 2),
            "embed_calls": report.embed_calls,
            "rebuild_seconds": round(rebuild.seconds, 2),
            "rebuild_unchanged": rebuild.count()["unchanged"],
            "model_load_seconds": round(embedding.load_seconds, 2),
            "model_convert_seconds": round(convert_seconds, 2),
            "corpus_seconds": round(corpus_seconds, 2),
            "target_seconds": 180,
            "within_target": seconds < 180 if n == 300 else None,
            "cores": _cores(),
            "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def format_ingest(r: dict[str, Any]) -> str:
    lines = [
        f"ingest: {r['sheets']} sheets ({r['failed']} failed), {r['chunks']} chunks in {r['seconds']:.1f} s "
        f"on {r['cores']} cores",
        f"  {r['sheets_per_s']} sheets/s, {r['chunks_per_s']} chunks/s",
        f"  embedding: {r['chunks_embedded']} chunks embedded ({r['chunks_reused']} reused from equal texts) "
        f"in {r['embed_seconds']:.1f} s = {r['embed_share']:.0%} of the time "
        f"({r['embedded_per_s']} chunks/s)",
        f"  everything else (parse, chunk, Chroma, SQLite): {r['other_seconds']:.1f} s",
        f"  re-run on the unchanged corpus: {r['rebuild_seconds']:.1f} s "
        f"({r['rebuild_unchanged']} unchanged)",
        f"  one-off: model load {r['model_load_seconds']:.1f} s, "
        f"conversion {r['model_convert_seconds']:.1f} s, "
        f"corpus generation {r['corpus_seconds']:.1f} s",
    ]
    if r["within_target"] is not None:
        verdict = "within" if r["within_target"] else "OVER"
        lines.append(f"  target: 300 sheets in under {r['target_seconds']} s: {verdict}")
    lines += [f"  failed: {f}" for f in r["failures"]]
    return "\n".join(lines)
