"""The corpus on disk: sheet files, their canonical truth JSON and ``manifest.jsonl`` (the only I/O
of eval.corpus).

``write_corpus(out, n, seed)`` writes ``n`` koriyama-r7 sheets (text; a share also as CP932 and
PDF) and, when asked, koriyama-h27 sheets, other cities' sheets and binders of many sheets;
deterministic for a seed, byte for byte.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from eval.corpus.binder import BINDER_STYLES, bind
from eval.corpus.generic import generic_specs
from eval.corpus.h27 import h27_specs
from eval.corpus.pdf import render_pdf, render_pdf_pages
from eval.corpus.sheet import generate
from eval.corpus.text import render_text
from ingest.model import Sheet

SUFFIX = {"text": ".txt", "cp932": ".cp932.txt", "pdf": ".pdf"}


def _prepare(out: Path) -> None:
    """An empty folder, or a corpus this module wrote before (which is replaced)."""
    if out.exists() and any(out.iterdir()):
        if not (out / "manifest.jsonl").exists():
            raise FileExistsError(f"{out} is not empty and holds no corpus manifest; choose an empty folder")
        for sub in ("sheets", "truth", "binders"):
            if (out / sub).is_dir():
                shutil.rmtree(out / sub)
        (out / "manifest.jsonl").unlink()
    (out / "sheets").mkdir(parents=True, exist_ok=True)
    (out / "truth").mkdir(exist_ok=True)


def write_corpus(out: str | Path, n: int = 300, seed: int = 1, pdf_share: float = 0.05,
                 cp932_share: float = 0.10, progress: bool = False, h27: int = 0, generic: int = 0,
                 binders: int = 0, binder_size: int = 12) -> list[dict[str, Any]]:
    """Write ``n`` koriyama-r7 sheets under ``out``: ``sheets/`` (text, CP932, PDF), ``truth/``
    (canonical JSON), ``manifest.jsonl`` (one line per sheet file). Returns the manifest entries.

    Optionally also ``h27`` koriyama-h27 sheets (text, with the traps real sheets show), ``generic``
    sheets of other cities' layouts (one of four text shapes each), and ``binders`` files of
    ``binder_size`` sheets each (``binders/``: one file, many truths, in file order).
    """
    from tqdm import tqdm

    out = Path(out)
    _prepare(out)
    manifest: list[dict[str, Any]] = []
    r7_texts: list[tuple[str, str]] = []  # (truth path, text) for binders
    specs = generate(n, seed, pdf_share, cp932_share)
    for spec in tqdm(specs, total=n, desc="corpus", unit="sheet", disable=not progress, leave=False):
        sid = spec.sheet.sheet_id
        truth = f"truth/{sid}.json"
        (out / truth).write_text(spec.sheet.to_json(), encoding="utf-8")
        text = render_text(spec)
        if binders and len(r7_texts) < binders * binder_size:
            r7_texts.append((truth, text))
        for fmt in spec.formats:
            rel = f"sheets/{sid}{SUFFIX[fmt]}"
            data = (text.encode("utf-8") if fmt == "text" else text.encode("cp932") if fmt == "cp932"
                    else render_pdf(text))
            (out / rel).write_bytes(data)
            manifest.append({"id": sid, "file": rel, "format": fmt, "truth": truth, "kind": "koriyama-r7",
                             "project": spec.sheet.project.name, "target_fy": spec.sheet.target_fy,
                             "blemishes": spec.layout.blemishes(), "blanks": spec.layout.blanks})
    kinds: dict[str, list[tuple[str, str]]] = {"koriyama-h27": [], "generic": []}

    def text_sheet(kind: str, sheet: Sheet, text: str, blemishes: list[str]) -> None:
        """A sheet written as text only (the H27 and other cities' layouts): truth, text, manifest line."""
        sid = sheet.sheet_id
        truth = f"truth/{sid}.json"
        (out / truth).write_text(sheet.to_json(), encoding="utf-8")
        (out / f"sheets/{sid}.txt").write_text(text, encoding="utf-8")
        kinds[kind].append((truth, text))
        manifest.append({"id": sid, "file": f"sheets/{sid}.txt", "format": "text", "truth": truth, "kind": kind,
                         "project": sheet.project.name, "target_fy": sheet.target_fy, "blemishes": blemishes,
                         "blanks": {}})

    for spec in h27_specs(h27, seed):
        text_sheet("koriyama-h27", spec.sheet, spec.text, [f"trap: {t}" for t in spec.traps])
    for g in generic_specs(generic, seed):
        text_sheet("generic", g.sheet, g.text, [f"layout: {g.layout}"])
    if binders:
        (out / "binders").mkdir(exist_ok=True)
    pools = {"r7": r7_texts, "h27": kinds["koriyama-h27"], "generic": kinds["generic"]}
    for b in range(binders):
        style = BINDER_STYLES[b % len(BINDER_STYLES)]
        family = style.split("_")[0]
        pool = pools[family]
        start = (b // len(BINDER_STYLES)) * binder_size
        members = pool[start:start + binder_size] or pool[:binder_size]
        if len(members) < 2:
            continue
        bid = f"binder-s{seed}-{b:03d}"
        if style.endswith("pdf"):
            rel = f"binders/{bid}.pdf"
            (out / rel).write_bytes(render_pdf_pages([t for _, t in members]))
            fmt = "pdf"
        else:
            rel = f"binders/{bid}.txt"
            (out / rel).write_text(bind([t for _, t in members], style), encoding="utf-8")
            fmt = "text"
        manifest.append({"id": bid, "file": rel, "format": fmt, "kind": "binder", "style": style,
                         "truths": [t for t, _ in members], "truth": members[0][0], "project": None,
                         "target_fy": None, "blemishes": [], "blanks": {}})
    with open(out / "manifest.jsonl", "w", encoding="utf-8") as f:
        for entry in manifest:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return manifest


def read_manifest(out: str | Path) -> list[dict[str, Any]]:
    with open(Path(out) / "manifest.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
