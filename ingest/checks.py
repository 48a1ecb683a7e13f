"""Self-check: the identities every sheet's figures must satisfy (formats.md).

Each failure becomes a plain-words warning that names the row and the year, so a reader can
find the cell that does not add up. Nothing here changes a value.
"""

from __future__ import annotations

from ingest.model import COST_FIELDS, REVENUE_FIELDS, Sheet
from ingest.normalize import format_number as fmt


def verify(sheet: Sheet) -> list[str]:
    """Warnings for every identity the sheet breaks (empty list when all hold)."""
    out: list[str] = []
    for c in sheet.costs:
        pc, pe, total = c.project_cost, c.personnel_cost, c.total_cost
        if pc is not None and pe is not None and total is not None and pc + pe != total:
            out.append(
                f"{c.fy}年度: 事業費 {fmt(pc)} + 人件費 {fmt(pe)} = {fmt(pc + pe)} が"
                f"総事業費 {fmt(total)} と合いません（千円）"
            )
        revenues = [getattr(c, f) for f in REVENUE_FIELDS]
        if total is not None and c.general_revenue is not None:
            got = sum(v for v in revenues if v is not None)
            # a full-cost sheet (フルコスト) funds only its direct cost: its revenues add up to 事業費
            if got != total and not (sheet.template == "generic" and got == pc):
                names = "・".join(COST_FIELDS[f] for f in REVENUE_FIELDS if getattr(c, f) is not None)
                out.append(f"{c.fy}年度: 歳入（{names}）の計 {fmt(got)} が総事業費 {fmt(total)} と合いません（千円）")
        ut, ug = c.unit_cost_total, c.unit_cost_general
        general = c.general_revenue
        if ut is not None and ug is not None and general is not None and total:
            expected = ut * general / total
            if abs(ug - expected) > 1.5:
                out.append(
                    f"{c.fy}年度: 単位コスト（一般財源） {fmt(ug)} 円が 単位コスト（総コスト）× 一般財源等 ÷ 総事業費"
                    f" ≈ {expected:.0f} 円と合いません"
                )
    if sheet.target_fy is not None:
        for ind in sheet.indicators:
            future = [v.fy for v in ind.values if v.actual is not None and v.fy > sheet.target_fy]
            if future:
                out.append(f"{ind.label}: 評価対象年度（{sheet.target_fy}年度）より後の {future} 年度に実績値があります")
    if (sheet.target_fy is not None and sheet.evaluation_fy is not None
            and sheet.evaluation_fy != sheet.target_fy + 1):
        out.append(f"評価年度 {sheet.evaluation_fy} と対象年度 {sheet.target_fy} が1年ずれていません")
    return out
