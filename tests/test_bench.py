"""`python -m eval bench` reporting: the Markdown tables, the verdicts and the chart.

The benchmark itself is a command, not a test (it takes half an hour at 3,000 sheets); these
tests feed its renderers a result of the shape it produces.
"""

from __future__ import annotations

import json
from pathlib import Path

from eval import bench


def _ingest(sheets: int, seconds: float) -> dict:
    return {"sheets": sheets, "seconds": seconds, "sheets_per_s": round(sheets / seconds, 2), "chunks": sheets * 23,
            "chunks_per_s": round(sheets * 23 / seconds, 2), "chunks_embedded": sheets * 14,
            "chunks_reused": sheets * 9, "embed_share": 0.86, "peak_rss_mb": 1500.0, "store_mb": sheets / 6}


def _query(sheets: int, p50: float, p95: float) -> dict:
    return {"sheets": sheets, "questions": 108, "p50_s": p50, "p95_s": p95, "cold_seconds": 0.4,
            "passed": 108, "peak_rss_mb": 1200.0,
            "by_type": {"figure": {"p95_s": p95}, "why": {"p95_s": p95 / 2}}}


def _result(p95_large: float) -> dict:
    runs = [
        {"n": 300, "ingest": _ingest(300, 170.0), "query": _query(303, 0.02, 0.11), "server": _query(303, 0.02, 0.09)},
        {"n": 3000, "ingest": _ingest(3000, 1500.0), "query": _query(3003, 0.05, p95_large), "server": None},
    ]
    return {"started_at": "2026-11-26T21:00:00+00:00", "cores": 2, "machine": "x86_64", "seed": 1, "runs": runs,
            "p95_ratio": round(p95_large / 0.11, 2)}


def test_report_states_every_target_with_its_verdict() -> None:
    text = bench.render_bench(_result(0.2))
    assert "| 3,000 | 1500 |" in text and "| 303 | server (HTTP, loopback) |" in text
    assert "300 sheets indexed in 170 s (target < 180 s): met" in text
    assert "query p95 at 3,003 sheets: 0.200 s (target < 1.5 s): met" in text
    assert "= 1.82× (target ≤ 2×): met" in text
    assert "NOT met" in bench.render_bench(_result(0.3))  # 2.73×


def test_write_bench_leaves_markdown_json_and_a_png(tmp_path: Path) -> None:
    md, js, png = bench.write_bench(_result(0.2), tmp_path)
    assert md.name == "bench-latest.md" and "bench-latency.png" in md.read_text(encoding="utf-8")
    assert json.loads(js.read_text(encoding="utf-8"))["p95_ratio"] == 1.82
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


def test_dir_size_and_peak_memory(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.bin").write_bytes(b"0" * 1000)
    (tmp_path / "y.bin").write_bytes(b"0" * 24)
    assert bench.dir_size(tmp_path) == 1024
    assert bench.dir_size(tmp_path / "missing") == 0
    assert bench.peak_rss_mb() > 10


def _answered(qid: str, seconds: float, passed: bool = True) -> dict:
    grade = {"checks": {}, "passed": passed, "declined": False, "citations": 0, "citations_invalid": 0}
    return {"id": qid, "type": "figure", "answerable": True, "seconds": seconds, "grade": grade}


def test_each_question_counts_with_its_median_over_the_passes() -> None:
    passes = [{"results": [_answered("a", 0.010), _answered("b", 0.002, passed=False)]},
              {"results": [_answered("a", 0.900), _answered("b", 0.004)]},  # a stray pause on a
              {"results": [_answered("a", 0.012), _answered("b", 0.003)]}]
    report = bench.median_times(passes)
    assert [r["seconds"] for r in report["results"]] == [0.012, 0.003]
    assert report["summary"]["overall"]["passed"] == 1  # graded on the first pass
    assert report["summary"]["overall"]["p95_s"] < 0.012
