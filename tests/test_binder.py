"""Binders: one file holding many sheets, split into its sheets (issue #13).

A 部's binder joins its sheets page after page (form feeds, as a PDF extractor writes pages), or
one after another with nothing but a blank line (or not even that). Every sheet must come out
as its own record with its provenance; a sheet's id depends on its own text only, so re-indexing
an edited binder touches only the sheets that changed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, SEED_TXT, assert_all_cells, need_shared

from eval import corpus
from ingest import binder
from ingest.errors import SheetError
from ingest.parse import parse_file, parse_parts, parse_sheets
from ingest.readers import MAX_BYTES, read_bytes, read_document

H27 = ("kor_h27_shimin_shukaijo", "kor_h27_suido_kenshu")


def _fixture(name: str) -> tuple[str, dict]:
    txt, exp = FIXTURES / f"{name}.txt", FIXTURES / f"{name}.expected.json"
    need_shared(txt, exp)
    return txt.read_text(encoding="utf-8"), json.loads(exp.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def r7_specs():
    specs = list(corpus.generate(7, 21, 0.0, 0.0))
    return specs, [corpus.render_text(s) for s in specs]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _graded(sheets, truths) -> None:
    """Each truth's sheet is found by its name and year, and is read as a file of its own is."""
    assert len(sheets) == len(truths)
    got = {(s.project.name, s.target_fy): s for s in sheets}
    for truth in truths:
        sheet = got[(truth.project.name, truth.target_fy)]
        assert_all_cells(json.loads(truth.to_json()), sheet, truth.project.name)


# ── text binders ─────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("style", ["r7_formfeed", "r7_plain"])
def test_r7_sheets_with_and_without_page_marks(style, r7_specs, tmp_path):
    specs, texts = r7_specs
    path = _write(tmp_path, "bu.txt", corpus.bind(texts, style))
    sheets = parse_sheets(path)
    _graded(sheets, [s.sheet for s in specs])
    for k, sheet in enumerate(sheets, start=1):
        src = sheet.source
        assert src is not None and src.part == k and src.parts == len(specs) and src.path == str(path)
        start, end = src.chars
        assert start < end and "事務事業マネジメントシート" in read_document(path).text[start:end]
        if style == "r7_formfeed":
            assert src.pages == [k]  # one page per sheet here
        else:
            assert src.pages is None
    # the same sheet read alone reads the same (apart from where it came from)
    alone = parse_file(_write(tmp_path, "one.txt", texts[2]))
    assert alone.model_dump(exclude={"source", "sheet_id", "warnings"}) == \
        sheets[2].model_dump(exclude={"source", "sheet_id", "warnings"})


@pytest.mark.parametrize("joiner", ["\n\n", "\n", "\f"])
def test_h27_sheets_joined(joiner, tmp_path):
    """Five H27 sheets joined by blank lines, by nothing, or by page breaks: five records."""
    (a, ea), (b, eb) = (_fixture(n) for n in H27)
    texts = [a, b, a.replace("地域集会所補助事業", "集会所整備補助事業"), b.replace("技術力向上職員研修事業", "技術継承研修事業"), a]
    path = _write(tmp_path, "h27.txt", joiner.join(t.strip("\n") for t in texts) + "\n")
    parts = parse_parts(read_document(path))
    assert len(parts) == 5 and all(p.sheet is not None for p in parts)
    names = [p.sheet.project.name for p in parts]
    assert names == ["地域集会所補助事業", "技術力向上職員研修事業", "集会所整備補助事業", "技術継承研修事業", "地域集会所補助事業"]
    assert_all_cells(ea, parts[0].sheet, "first")
    assert_all_cells(eb, parts[1].sheet, "second")
    # the same text twice is the same sheet (one id); a changed one is another
    assert parts[0].sheet.sheet_id == parts[4].sheet.sheet_id != parts[2].sheet.sheet_id


def test_h27_name_after_purpose_stays_with_its_sheet(tmp_path):
    """On some sheets the 事業概要 prints before the 事務事業名 block: the split keeps it."""
    a, ea = _fixture(H27[0])
    b, eb = _fixture(H27[1])
    purpose = "水道局の技術系職員は、専門知識を持つベテラン層の年齢が上がり、今後まとまった退職が予想されている。"
    moved = b.replace("\n技術力向上職員研修事業\n事務事業名\n", "\n").replace(
        "○事業概要\n", f"○事業概要\n{purpose}\n技術力向上職員研修事業\n事務事業名\n", 1)
    path = _write(tmp_path, "h27.txt", a.strip("\n") + "\n" + moved.strip("\n") + "\n")
    sheets = parse_sheets(path)
    assert [s.project.name for s in sheets] == ["地域集会所補助事業", "技術力向上職員研修事業"]
    assert not any(purpose[:20] in s.text for s in sheets[0].sections)
    assert_all_cells(eb, sheets[1], "moved head")


def test_generic_sheets_by_page(tmp_path):
    specs = list(corpus.generic_specs(4, 3))
    path = _write(tmp_path, "other.txt", corpus.bind([g.text for g in specs], "generic_formfeed"))
    sheets = parse_sheets(path)
    assert [s.project.name for s in sheets] == [g.sheet.project.name for g in specs]
    assert all(s.template == "generic" for s in sheets)


def test_a_page_without_a_title_continues_its_sheet(r7_specs):
    """A sheet that runs over several pages is one sheet: only a title line starts another."""
    _, texts = r7_specs
    first = texts[0].split("\n")
    half = len(first) // 2
    two_pages = "\n".join(first[:half]) + "\f" + "\n".join(first[half:])
    text = two_pages + "\f" + texts[1]
    doc = read_bytes(text.encode("utf-8"), "bu.txt")
    segments = binder.split(doc.text, doc.page_starts)
    assert len(segments) == 2
    parts = parse_parts(doc)
    assert parts[0].pages == (1, 2) and parts[1].pages == (3,)


def test_a_file_of_one_sheet_is_read_as_before(tmp_path):
    need_shared(SEED_TXT)
    text = SEED_TXT.read_text(encoding="utf-8")
    doc = read_document(SEED_TXT)
    [part] = parse_parts(doc)
    assert (part.start, part.end) == (0, len(text)) and part.count == 1
    assert part.sheet.sheet_id == doc.sha256[:16]
    assert part.sheet.source.part is None and part.sheet.source.pages is None


def test_a_sheet_id_depends_on_its_own_text(r7_specs, tmp_path):
    """Editing one sheet of a binder changes that sheet's id only."""
    _, texts = r7_specs
    before = parse_sheets(_write(tmp_path, "a.txt", corpus.bind(texts, "r7_formfeed")))
    edited = list(texts)
    edited[3] = edited[3].replace("。", "．", 1)
    after = parse_sheets(_write(tmp_path, "b.txt", corpus.bind(edited, "r7_formfeed")))
    changed = [k for k, (x, y) in enumerate(zip(before, after, strict=True)) if x.sheet_id != y.sheet_id]
    assert changed == [3]


def test_one_unreadable_sheet_does_not_lose_the_others(r7_specs, tmp_path):
    _, texts = r7_specs
    broken = texts[1].split("\n")[:6]  # the title and nothing readable
    path = _write(tmp_path, "bu.txt", corpus.bind([texts[0], "\n".join(broken), texts[2]], "r7_formfeed"))
    parts = parse_parts(read_document(path))
    assert [p.sheet is not None for p in parts] == [True, False, True]
    assert "sheet 2 of 3" in parts[1].where and "page 2" in parts[1].where
    assert len(parse_sheets(path)) == 2
    with pytest.raises(SheetError, match="holds 3 sheets"):
        parse_file(path)


# ── PDF ──────────────────────────────────────────────────────────────────────────────────


def test_multi_sheet_pdf(r7_specs, tmp_path):
    """A binder PDF made with reportlab: each sheet starts a page; read page by page."""
    specs, texts = r7_specs
    path = tmp_path / "bu.pdf"
    path.write_bytes(corpus.render_pdf_pages(texts[:4]))
    doc = read_document(path)
    assert doc.format == "pdf" and len(doc.page_starts) >= 4
    sheets = parse_sheets(path)
    _graded(sheets, [s.sheet for s in specs[:4]])
    pages = [s.source.pages for s in sheets]
    assert pages[0][0] == 1 and all(a[-1] < b[0] for a, b in zip(pages, pages[1:]))


# ── a 部's worth: 100 sheets ────────────────────────────────────────────────────────────


def test_hundred_sheet_binder_from_the_corpus(tmp_path):
    manifest = corpus.write_corpus(tmp_path / "c", n=100, seed=4, pdf_share=0.0, cp932_share=0.0,
                                   binders=1, binder_size=100)
    [entry] = [e for e in manifest if e["kind"] == "binder"]
    assert len(entry["truths"]) == 100
    sheets = parse_sheets(tmp_path / "c" / entry["file"])
    assert len(sheets) == 100
    from ingest.model import Sheet

    truths = [Sheet.from_json((tmp_path / "c" / t).read_bytes()) for t in entry["truths"]]
    assert [(s.project.name, s.target_fy) for s in sheets] == [(t.project.name, t.target_fy) for t in truths]
    assert len({s.sheet_id for s in sheets}) == 100


# ── limits and the command line ──────────────────────────────────────────────────────────


def test_a_file_over_the_limit_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.pdf"
    with path.open("wb") as f:
        f.truncate(MAX_BYTES + 1)  # sparse: refused by its size, never read
    with pytest.raises(SheetError, match="MB"):
        read_document(path)


def test_parse_binder_json_lines(r7_specs, tmp_path):
    _, texts = r7_specs
    path = _write(tmp_path, "bu.txt", corpus.bind(texts[:3], "r7_formfeed"))
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run([sys.executable, "-m", "ingest", "parse", str(path), "--json"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().split("\n")
    assert len(lines) == 3
    records = [json.loads(line) for line in lines]
    assert [r["source"]["part"] for r in records] == [1, 2, 3]
    assert all(r["schema"] == "sheet/1" and r["status"] == "complete" for r in records)


@pytest.mark.parametrize("joiner", ["\f", "\n\n", "\n"])
def test_generic_sheets_without_titles_split_at_their_name_labels(joiner):
    specs = list(corpus.generic_specs(4, 3))
    texts = ["\n".join(line for line in g.text.split("\n") if "事務事業評価" not in line.replace(" ", ""))
             for g in specs]
    parts = parse_parts(read_bytes(joiner.join(texts).encode("utf-8"), "other.txt"))
    assert [p.sheet.project.name for p in parts] == [g.sheet.project.name for g in specs]
