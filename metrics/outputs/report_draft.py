"""The report draft (.docx): the "Kết quả thực hiện" part of a sơ kết report, in administrative style."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import polars as pl
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from metrics import target_queries as tq
from metrics.completeness import PARTIAL_VI, units_text
from metrics.escaping import without_controls
from metrics.fmt import fmt_int, fmt_num, fmt_pct
from metrics.indicators import registry
from metrics.locality_progress import IndicatorProgress
from metrics.outputs.context import Context, context, indicator_chart, summary_rows
from metrics.outputs.images import SYNTHETIC_LINE, export_server
from metrics.progress import Status

REPORT_FONT = "Times New Roman"
FOOTER_DRAFT = "Bản dự thảo do Bảng theo dõi xã hội học tập tạo ra — cần được cán bộ kiểm tra, hoàn thiện trước khi ban hành."


def indicator_sentence(it: IndicatorProgress, year: int) -> str:
    """A report sentence: "Tỷ lệ gia đình được công nhận danh hiệu “Gia đình học tập” đạt 62,3%,
    bằng 89% kế hoạch năm 2025, tăng 4,1 điểm phần trăm so với năm 2024…"."""
    ind = registry().by_id(it.indicator)
    counted = ind.numerator_vi[0].lower() + ind.numerator_vi[1:]
    subject = f"Tỷ lệ {counted.removeprefix('số ')}"  # "Số hộ gia đình …" → "Tỷ lệ hộ gia đình …"
    if not it.has_data:
        return f"{ind.label_vi}: chưa có số liệu năm {year}."
    if it.rate_pct is None:
        base = f"{ind.label_vi}: có {fmt_int(it.recognized)} {ind.count_unit_vi} được công nhận"
        if it.rate_registered_pct is not None:
            base += f" trên {fmt_int(it.registered)} {ind.count_unit_vi} đăng ký ({fmt_pct(it.rate_registered_pct)} số đăng ký)"
        return base + " (chưa có tổng số để tính tỷ lệ)."
    text = f"{subject} đạt {fmt_pct(it.rate_pct)} ({fmt_int(it.recognized)}/{fmt_int(it.total)} {ind.count_unit_vi})"
    if it.plan_pct is not None and it.target_year is not None:
        text += f", bằng {fmt_pct(it.plan_pct, 0)} kế hoạch năm {it.target_year}"
    if it.change_pp is not None:
        if abs(it.change_pp) < 0.05:
            text += f", bằng năm {year - 1}"
        else:
            verb = "tăng" if it.change_pp > 0 else "giảm"
            text += f", {verb} {fmt_num(abs(it.change_pp))} điểm phần trăm so với năm {year - 1}"
    text += f"; {Status(it.status).label().lower()}"
    if it.required_pp_per_year:
        text += f", cần tăng bình quân {fmt_num(it.required_pp_per_year)} điểm phần trăm mỗi năm để đạt mục tiêu {fmt_pct(it.target_pct, 0)} năm {it.target_year}"
    if it.partial_note:  # "(chưa đủ: số liệu của 1/23 huyện cũ đã báo cáo)"
        reported = units_text(it.reporting_units, it.units_in_area, it.unit_level)
        text += f" ({PARTIAL_VI}: số liệu của {reported} đã báo cáo)"
    return text + "."


# Once, where a reader compares years across the 2025 reorganisation.
REORGANISATION_NOTE = (
    "Ghi chú: từ ngày 01/7/2025, cả nước có 34 tỉnh, thành phố và 3.321 xã, phường, đặc khu; "
    "không còn cấp huyện. Số liệu các năm trước được tính theo địa bàn hiện nay: số liệu của các "
    "xã cũ hợp thành một xã mới được cộng lại; xã cũ bị chia tách không được gán cho xã nào."
)


def build_report(
    con: duckdb.DuckDBPyConnection, locality_id: str, year: int, out: Path | io.BytesIO
) -> None:
    ctx = context(con, locality_id, year)
    reg = registry()
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
    section.left_margin, section.right_margin = Cm(3.0), Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    _set_styles(doc)

    foot = section.footer.paragraphs[0]
    foot.text = FOOTER_DRAFT + (f" {SYNTHETIC_LINE}." if ctx.synthetic else "")
    for run in foot.runs:
        run.font.size = Pt(10)
        run.font.italic = True
        run.font.name = REPORT_FONT

    t = doc.add_paragraph()
    t.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = t.add_run(f"KẾT QUẢ THỰC HIỆN XÂY DỰNG XÃ HỘI HỌC TẬP NĂM {year}")
    run.bold = True
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub.add_run(f"({ctx.name})").italic = True
    if ctx.synthetic:
        warn = doc.add_paragraph()
        warn.alignment = WD_ALIGN_PARAGRAPH.CENTER
        r = warn.add_run(f"[{SYNTHETIC_LINE}]")
        r.italic = True

    doc.add_heading("I. KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU", level=2)
    doc.add_paragraph(REORGANISATION_NOTE).runs[0].italic = True
    by_model: dict[str, list[IndicatorProgress]] = {}
    for it in ctx.items:
        by_model.setdefault(reg.by_id(it.indicator).model, []).append(it)
    models = {m.id: m for m in reg.model}
    for n, (model_id, its) in enumerate(by_model.items(), start=1):
        doc.add_heading(f"{n}. {models[model_id].heading_vi()}", level=3)
        doc.add_paragraph(" ".join(indicator_sentence(it, year) for it in its))

    doc.add_heading("II. BẢNG TỔNG HỢP", level=2)
    _summary_table(doc, ctx)

    doc.add_heading("III. BIỂU ĐỒ", level=2)
    server = export_server()
    server.start()
    for it in ctx.items:
        if not it.has_data or it.rate_pct is None:
            continue
        png = server.image_bytes(indicator_chart(con, ctx, it), "png")
        doc.add_picture(io.BytesIO(png), width=Cm(16))
        cap = doc.add_paragraph(f"Biểu đồ: {it.indicator_label} — {ctx.name}")
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc.add_heading("IV. MỤC TIÊU GIAI ĐOẠN TIẾP THEO", level=2)
    targets = tq.resolved_targets(con, ctx.locality["id"]).filter(pl.col("target_year") > year)
    if targets.height == 0:
        doc.add_paragraph("Chưa có mục tiêu cho các năm sau trong kho dữ liệu.")
    for row in targets.sort(["target_year", "indicator"]).iter_rows(named=True):
        label = reg.by_id(row["indicator"]).label_vi
        doc.add_paragraph(
            f"- Đến năm {row['target_year']}: {label} đạt {fmt_pct(row['percent'], 0)} (theo {without_controls(row['source'])})."
        )
    doc.save(str(out) if isinstance(out, Path) else out)


def _set_styles(doc) -> None:
    for style_name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Title"):
        style = doc.styles[style_name]
        style.font.name = REPORT_FONT
        fonts = style.element.rPr.rFonts
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)  # the template's theme fonts would win over the name
        fonts.set(qn("w:eastAsia"), REPORT_FONT)
        style.font.size = Pt(14)
        if style_name != "Normal":
            # Administrative documents: black bold headings, no theme colour.
            style.font.color.rgb = RGBColor(0, 0, 0)
            style.font.bold = True
            style.font.italic = style_name == "Heading 3"
            style.paragraph_format.first_line_indent = (
                Cm(1.0) if style_name == "Heading 3" else Cm(0)
            )
    doc.styles["Normal"].paragraph_format.first_line_indent = Cm(1.0)
    doc.styles["Normal"].paragraph_format.space_after = Pt(6)


def _summary_table(doc, ctx: Context) -> None:
    table = doc.add_table(rows=1, cols=7)
    table.style = "Table Grid"
    for c, h in enumerate(
        [
            "STT",
            "Chỉ tiêu",
            "Công nhận/Tổng số",
            "Tỷ lệ",
            "Mục tiêu",
            "Đạt % KH",
            "Đánh giá tiến độ",
        ]
    ):
        table.rows[0].cells[c].text = h
    for i, row in enumerate(summary_rows(ctx), start=1):
        cells = table.add_row().cells
        values = [
            str(i),
            row.label,
            row.counts,
            row.rate,
            row.target,
            row.plan,
            Status(row.status).label(),
        ]
        for c, v in enumerate(values):
            cells[c].text = v
    widths = [
        Cm(1.2),
        Cm(4.6),
        Cm(3.3),
        Cm(1.5),
        Cm(1.9),
        Cm(1.4),
        Cm(2.1),
    ]  # 16 cm of A4 text width
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for table_row in table.rows:
        for width, cell in zip(widths, table_row.cells, strict=True):
            cell.width = width
            for p in cell.paragraphs:
                p.paragraph_format.first_line_indent = Cm(0)
                for r in p.runs:
                    r.font.size = Pt(12)
    for cell in table.rows[0].cells:
        for r in cell.paragraphs[0].runs:
            r.font.bold = True
