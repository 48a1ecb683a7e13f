"""Binders: a 部's sheets in one file, as pages (form feeds) or one after another."""

from __future__ import annotations

# One style per binder in turn: the family of its sheets, then how they are joined.
BINDER_STYLES = ("r7_formfeed", "r7_plain", "h27_blank", "h27_formfeed", "generic_formfeed", "r7_pdf")


def bind(texts: list[str], style: str) -> str:
    """Join sheet texts the way a binder holds them: pages (form feeds), or one after another."""
    if style.endswith("formfeed") or style.endswith("pdf"):
        return "\f".join(t.strip("\n") + "\n" for t in texts)
    if style == "h27_blank":
        return "\n\n".join(t.strip("\n") for t in texts) + "\n"
    return "\n".join(t.strip("\n") for t in texts) + "\n"
