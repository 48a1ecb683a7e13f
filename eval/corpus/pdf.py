"""Sheet texts typeset as PDF, one text line per PDF line, with a built-in Japanese CID font
(reportlab: the ``eval`` extra). Invariant: the same texts give the same bytes."""

from __future__ import annotations

import io

_FONT = "HeiseiKakuGo-W5"


def render_pdf(text: str) -> bytes:
    """Typeset the text one line per line (blank lines as vertical gaps) with a built-in CID font."""
    return render_pdf_pages([text])


def render_pdf_pages(pages: list[str]) -> bytes:
    """Typeset each text on pages of its own (a new page for each sheet), as a binder PDF is."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if _FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_FONT))
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, invariant=1)  # invariant: same text → same bytes
    _, height = A4
    size, leading, margin = 9, 12, 40
    for k, text in enumerate(pages):
        if k:
            pdf.showPage()
        pdf.setFont(_FONT, size)
        y = height - margin
        for line in text.strip("\n").split("\n"):
            if y < margin:
                pdf.showPage()
                pdf.setFont(_FONT, size)
                y = height - margin
            if line.strip():
                pdf.drawString(margin, y, line)
            y -= leading
    pdf.save()
    return buf.getvalue()
