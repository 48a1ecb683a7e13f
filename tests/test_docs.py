"""The repository's docs stand alone: every docs/*.md the code cites, and every docs/ link of the
README, is a file of this repository (not of ../shared)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".venv", ".git", "node_modules", "build", "dist", "__pycache__", ".sheetqa", ".cache"}
CITED = re.compile(r"docs/([\w-]+\.md)")
# Markdown links and images into docs/: [text](docs/x.md#anchor), ![alt](docs/screenshots/y.png)
LINKED = re.compile(r"\]\((docs/[^)#\s]+)")


def _python_files() -> list[Path]:
    """The repository's Python files (this one aside: its patterns and messages are no citations)."""
    return sorted(p for p in ROOT.rglob("*.py")
                  if not SKIP_DIRS.intersection(p.relative_to(ROOT).parts[:-1]) and p != Path(__file__).resolve())


def _citations() -> list[tuple[str, int, str]]:
    """(file, line, docs/NAME.md) for every docs/*.md a Python file names."""
    out = []
    for path in _python_files():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            out += [(str(path.relative_to(ROOT)), n, f"docs/{m}") for m in CITED.findall(line)]
    return out


def test_the_specs_the_code_cites_are_in_the_repo() -> None:
    for name in ("contract.md", "formats.md", "design.md"):
        assert (ROOT / "docs" / name).is_file(), f"docs/{name} is missing"


def test_every_docs_path_a_python_file_cites_exists() -> None:
    cited = _citations()
    assert cited, "no docs/*.md citation found: is the scan looking in the right place?"
    missing = [f"{f}:{n}: {doc}" for f, n, doc in cited if not (ROOT / doc).is_file()]
    assert not missing, "cited but not in the repository:\n" + "\n".join(missing)


def test_no_python_file_points_to_the_shared_docs() -> None:
    """../shared keeps the hand-checked sheets the tests read; the specs live in docs/."""
    pointing = [f"{p.relative_to(ROOT)}:{n}" for p in _python_files()
                for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                if "shared/docs" in line]
    assert not pointing, "point these to docs/ in the repository:\n" + "\n".join(pointing)


@pytest.mark.parametrize("doc", ["README.md", "docs/contract.md", "docs/formats.md", "docs/design.md"])
def test_docs_links_exist(doc: str) -> None:
    """The README's links into docs/ and the specs' links to each other resolve to files."""
    path = ROOT / doc
    text = path.read_text(encoding="utf-8")
    if doc == "README.md":
        targets = LINKED.findall(text)
        assert targets, "the README links to nothing under docs/"
        assert "shared/docs" not in text, "the README points to ../shared/docs; link docs/ instead"
    else:
        targets = [t for t in re.findall(r"\]\(([^)#\s]+)", text) if not re.match(r"[a-z]+://", t)]
    missing = [t for t in targets if not (path.parent / t).exists()]
    assert not missing, f"{doc} links to files that do not exist: {missing}"


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.mark.parametrize("doc", ["docs/contract.md", "docs/formats.md", "docs/design.md"])
def test_anchors_between_the_specs_exist(doc: str) -> None:
    text = (ROOT / doc).read_text(encoding="utf-8")
    bad = []
    for target, anchor in re.findall(r"\]\(([\w-]+\.md)#([^)\s]+)\)", text):
        other = (ROOT / "docs" / target).read_text(encoding="utf-8")
        slugs = {_slug(h) for h in re.findall(r"^#+ (.+)$", other, flags=re.MULTILINE)}
        if anchor not in slugs:
            bad.append(f"{target}#{anchor}")
    assert not bad, f"{doc} links to headings that do not exist: {bad}"


def test_the_readme_lists_the_docs() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("contract.md", "formats.md", "design.md"):
        assert f"(docs/{name})" in text, f"the README does not link docs/{name}"
