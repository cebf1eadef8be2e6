"""The report draft (.docx): the "Kết quả thực hiện" part of a sơ kết report, in administrative
style, with the register's lists of recognised units as its appendix."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import polars as pl
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from metrics.circulars import NOT_PASSED, RESULT_LABEL
from metrics.escaping import without_controls
from metrics.indicators import registry
from metrics.locality_progress import IndicatorProgress
from metrics.outputs.context import Context, context, indicator_chart, lists_of, summary_rows
from metrics.outputs.images import SYNTHETIC_LINE, export_server
from metrics.outputs.report_text import (
    APPENDIX_HEADING,
    indicator_sentence,
    listed_line,
    not_recognised_text,
    other_lists_text,
    place_name,
    target_groups,
    where_text,
)
from metrics.progress import Status
from metrics.recognitions import RecognitionList, lists_shown

REPORT_FONT = "Times New Roman"
FOOTER_DRAFT = "Bản dự thảo do Bảng theo dõi xã hội học tập tạo ra — cần được cán bộ kiểm tra, hoàn thiện trước khi ban hành."


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
    rank = {ind.id: n for n, ind in enumerate(reg.in_model_order())}
    ctx.items.sort(key=lambda it: rank[it.indicator])  # sections, table and charts alike
    place = place_name(con, locality_id)
    unit_name = place.split(", ")[0]  # "Xã Ia Tơi (cũ)"
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
    section.left_margin, section.right_margin = Cm(3.0), Cm(2.0)
    # Within Nghị định 30/2020's margins (top and bottom 20–25 mm): the two-line footer sits
    # 1 cm from the edge, so a table running over a page stops clear of it.
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.5)
    section.footer_distance = Cm(1.0)
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
    sub.add_run(f"({place})").italic = True
    if ctx.synthetic:
        warn = doc.add_paragraph()
        warn.alignment = WD_ALIGN_PARAGRAPH.CENTER
        r = warn.add_run(f"[{SYNTHETIC_LINE}]")
        r.italic = True

    doc.add_heading("I. KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU", level=2)
    doc.add_paragraph(
        f"Kết quả thực hiện các mục tiêu xây dựng xã hội học tập năm {year} "
        f"{where_text(locality_id, place)} như sau:"
    )
    doc.add_paragraph(REORGANISATION_NOTE).runs[0].italic = True
    by_model: dict[str, list[IndicatorProgress]] = {}
    for it in ctx.items:
        by_model.setdefault(reg.by_id(it.indicator).model, []).append(it)
    models = {m.id: m for m in reg.model}
    for n, (model_id, its) in enumerate(by_model.items(), start=1):
        doc.add_heading(f"{n}. {models[model_id].heading_vi()}", level=3)
        said = [indicator_sentence(it, year, unit_name) for it in its if it.has_data]
        missing = [reg.by_id(it.indicator).label_vi for it in its if not it.has_data]
        if missing and not said:
            said.append(f"Chưa có số liệu năm {year}.")
        elif missing:
            said.append(f"Chưa có số liệu năm {year} về: {'; '.join(missing)}.")
        doc.add_paragraph(" ".join(said))

    doc.add_heading("II. BẢNG TỔNG HỢP", level=2)
    _summary_table(doc, ctx)

    doc.add_heading("III. BIỂU ĐỒ", level=2)
    charted = [it for it in ctx.items if it.has_data and it.rate_pct is not None]
    # All the charts at once (ExportServer.images): each is built while the one before is drawn.
    pngs = export_server().images(indicator_chart(ctx, it) for it in charted)
    for it, png in zip(charted, pngs, strict=True):
        doc.add_picture(io.BytesIO(png), width=Cm(16))
        cap = doc.add_paragraph(f"Biểu đồ: {it.indicator_label} — {ctx.name}")
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc.add_heading("IV. MỤC TIÊU GIAI ĐOẠN TIẾP THEO", level=2)
    groups = target_groups(ctx.targets, after=year)
    if not groups:
        doc.add_paragraph("Chưa có mục tiêu cho các năm sau trong kho dữ liệu.")
    for source, lines in groups:  # each source named once, its targets under it
        doc.add_paragraph(f"Theo {source}:")
        for line in lines:
            doc.add_paragraph(f"- {line}")
    lists = lists_of(con, ctx)
    if lists:
        add_appendix(doc, lists)
    doc.save(str(out) if isinstance(out, Path) else out)


def add_appendix(doc, lists: list[RecognitionList]) -> None:
    """The lists as reports attach them, on a new page: per list a heading naming its title,
    year and decision, then its recognised units (STT, Tên đơn vị, Kết quả). Past the cap the
    other lists are named, one line each, not printed."""
    doc.add_page_break()
    doc.add_heading(APPENDIX_HEADING, level=2).alignment = WD_ALIGN_PARAGRAPH.CENTER
    shown, rest = lists_shown(lists)
    for n, lst in enumerate(shown, start=1):
        doc.add_heading(f"{n}. {without_controls(lst.heading)}", level=3)
        if lst.synthetic:
            doc.add_paragraph(f"[{SYNTHETIC_LINE}]").runs[0].italic = True
        for source in lst.sources:
            doc.add_paragraph(f"Nguồn: {without_controls(source)}").runs[0].italic = True
        recognised = lst.entries.filter(pl.col("result") != NOT_PASSED)
        if recognised.height:
            rows = [
                (without_controls(r["name"]), RESULT_LABEL.get(r["result"], r["result"]))
                for r in recognised.iter_rows(named=True)
            ]
            _list_table(doc, rows)
        said = not_recognised_text(lst)
        if said:
            doc.add_paragraph(said)
    if rest:
        doc.add_paragraph(other_lists_text(rest))
        for lst in rest:
            doc.add_paragraph(f"- {without_controls(listed_line(lst))}")


def _list_table(doc, rows: list[tuple[str, str]]) -> None:
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for c, h in enumerate(("STT", "Tên đơn vị", "Kết quả")):
        table.rows[0].cells[c].text = h
    for i, (name, result) in enumerate(rows, start=1):
        cells = table.add_row().cells
        for c, v in enumerate((str(i), name, result)):
            cells[c].text = v
    _fit(table, [Cm(1.3), Cm(11.7), Cm(3.0)])
    for row in table.rows:  # numbers and results centred, as attachments print them
        for c in (0, 2):
            row.cells[c].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    # A long list runs over pages: its header row repeats on each (Word's "Repeat as header row").
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    doc.add_paragraph()  # a table's last row would touch the next list's heading


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
    _fit(table, widths)


def _fit(table, widths: list) -> None:
    """Column widths (16 cm of A4 text width), 12-point text without the body's first-line
    indent, the header row bold."""
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
