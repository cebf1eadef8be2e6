"""The workbook (.xlsx) in the layout of provincial reports: a summary sheet and one sheet per indicator."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import polars as pl

from metrics.completeness import completeness_text, in_ranking_order, partial_text
from metrics.indicators import registry
from metrics.outputs.cell_safety import safe_text
from metrics.outputs.context import context
from metrics.outputs.images import SYNTHETIC_LINE
from metrics.progress import Status

WORKBOOK_HEADERS = [
    "STT",
    "Đơn vị",
    "Tổng số",
    "Đăng ký",
    "Công nhận",
    "Tỷ lệ %",
    "Mục tiêu",
    "Đạt % kế hoạch",
    "Đánh giá tiến độ",
    "Đơn vị báo cáo",  # "96/96 xã báo cáo"; a partial figure: "chưa đủ: 1/23 huyện cũ báo cáo"
]


def build_workbook(
    con: duckdb.DuckDBPyConnection, locality_id: str, year: int, out: Path | io.BytesIO
) -> None:
    import xlsxwriter  # loaded when a workbook is made, not at every page start

    ctx = context(con, locality_id, year)
    reg = registry()
    # Text is written as text: no string becomes a formula, whatever it starts with.
    wb = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    title = wb.add_format({"bold": True, "font_size": 14, "font_name": "Times New Roman"})
    note = wb.add_format({"italic": True, "font_name": "Times New Roman", "font_color": "#B00020"})
    head = wb.add_format(
        {
            "bold": True,
            "border": 1,
            "bg_color": "#DCE6F1",
            "align": "center",
            "valign": "vcenter",
            "text_wrap": True,
            "font_name": "Times New Roman",
        }
    )
    text = wb.add_format({"border": 1, "font_name": "Times New Roman"})
    count = wb.add_format({"border": 1, "num_format": "#,##0", "font_name": "Times New Roman"})
    pct = wb.add_format({"border": 1, "num_format": "0.0", "font_name": "Times New Roman"})

    def sheet_header(ws, heading: str) -> int:
        ws.write(0, 0, heading, title)
        row = 1
        if ctx.synthetic:
            ws.write(row, 0, SYNTHETIC_LINE, note)
            row += 1
        ws.write_row(row + 1, 0, WORKBOOK_HEADERS, head)
        ws.freeze_panes(row + 2, 2)
        # Printed as reports are: A4 landscape, one page wide, the header row on every page.
        ws.set_paper(9)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(row + 1)
        ws.set_column(0, 0, 6)
        ws.set_column(1, 1, 42)
        ws.set_column(2, 4, 13)
        ws.set_column(5, 7, 12)
        ws.set_column(8, 8, 30)
        ws.set_column(9, 9, 34)
        return row + 2

    def write_line(ws, r: int, stt: int, name: str, d: dict) -> None:
        ws.write_number(r, 0, stt, text)
        ws.write_string(r, 1, safe_text(name), text)
        for c, k in ((2, "total"), (3, "registered"), (4, "recognized")):
            if d.get(k) is None:
                ws.write_blank(r, c, None, count)
            else:
                ws.write_number(r, c, d[k], count)
        for c, k in ((5, "rate_pct"), (6, "target_pct"), (7, "plan_pct")):
            if d.get(k) is None:
                ws.write_blank(r, c, None, pct)
            else:
                ws.write_number(r, c, round(d[k], 1), pct)
        ws.write_string(r, 8, safe_text(Status(d["status"]).label(symbol=True)), text)
        reported = (d["reporting_units"], d["units_in_area"], d["unit_level"])
        ws.write_string(r, 9, partial_text(*reported) or completeness_text(*reported), text)

    ws = wb.add_worksheet("Tổng hợp")
    r = sheet_header(ws, f"KẾT QUẢ XÂY DỰNG XÃ HỘI HỌC TẬP NĂM {year} — {ctx.name.upper()}")
    ws.write(r - 1, 1, "Chỉ tiêu", head)
    for i, it in enumerate(ctx.items, start=1):
        write_line(ws, r, i, it.indicator_label, it.public())
        r += 1
    for it in ctx.items:
        if ctx.children is None:
            break
        ind = reg.by_id(it.indicator)
        ws = wb.add_worksheet(ind.short_vi[:31].replace("/", "-"))
        r = sheet_header(ws, f"{ind.label_vi.upper()} NĂM {year} — {ctx.name.upper()}")
        # Ranked whole figures first, then the partial ones (unranked), then those without.
        sub = in_ranking_order(ctx.children.filter(pl.col("indicator") == it.indicator))
        for i, d in enumerate(sub.iter_rows(named=True), start=1):
            write_line(ws, r, i, d["locality_name"], d)
            r += 1
        ws.write(r, 1, "Tổng cộng", head)
        write_line(ws, r, len(sub) + 1, f"Tổng cộng {ctx.name}", it.public())
        ws.write(r, 0, "", text)
    wb.close()
