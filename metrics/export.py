"""Exports for review conferences (sơ kết, tổng kết): chart images, slide decks, workbooks and the
draft of the "Kết quả thực hiện" part of a report.

Everything comes from the same functions as the pages (metrics.locality_progress for numbers,
metrics.figures for charts), so a figure in a deck equals the figure on the screen. Static images
go through kaleido with Debian's chromium; one export server is started once (warm_up) and
reused for every image of a deck.
"""

from __future__ import annotations

import io
import os
import shutil
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import plotly.graph_objects as go
import polars as pl

from metrics import figures
from metrics import queries as q
from metrics.fmt import fmt_int, fmt_num, fmt_pct, fmt_pp
from metrics.indicators import registry
from metrics.locality_progress import (
    IndicatorProgress,
    children_progress,
    progress_for,
    series_frame,
)
from metrics.progress import STATUS_STYLE, Status
from metrics.store import COUNTRY_ID

WIDTH, HEIGHT = 1920, 1080
BROWSER_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
SYNTHETIC_LINE = "Dữ liệu minh họa — số liệu tổng hợp, không phải số liệu thật"
FOOTER_DRAFT = "Bản dự thảo do Bảng theo dõi xã hội học tập tạo ra — cần được cán bộ kiểm tra, hoàn thiện trước khi ban hành."
MAIN_RANKED = ("gia_dinh", "dong_ho", "cong_dong_thon", "don_vi", "cong_dan_nguoi_lon")


class ExportError(Exception):
    """An export that cannot be made here; the message says what to install or choose."""


# ---------------------------------------------------------------------------------------------
# Static images
# ---------------------------------------------------------------------------------------------

_server_started = False


def find_browser() -> str | None:
    env = os.environ.get("BROWSER_PATH")
    if env and Path(env).exists():
        return env
    for cand in BROWSER_CANDIDATES:
        if Path(cand).exists():
            return cand
    found = shutil.which("chromium") or shutil.which("google-chrome")
    return found


def warm_up() -> None:
    """Start the kaleido export server once (≈2 s); later images take ≈0.2 s each."""
    global _server_started
    if _server_started:
        return
    browser = find_browser()
    if browser is None:
        raise ExportError(
            "Không tìm thấy trình duyệt Chromium để xuất ảnh biểu đồ. Cài bằng lệnh "
            "`apt-get install chromium fonts-dejavu-core` rồi thử lại. (Nút tải biểu đồ HTML trên trang vẫn dùng được.)"
        )
    os.environ.setdefault("BROWSER_PATH", browser)
    import kaleido

    kaleido.start_sync_server(mathjax=False, silence_warnings=True)
    _server_started = True


def for_print(fig: go.Figure, *, source: str, synthetic: bool, subtitle: str | None = None,
              width: int = WIDTH, height: int = HEIGHT) -> go.Figure:
    """A copy of a page figure laid out for a slide or a report: larger type, the locality and
    year under the title, and the source line and (for demo data) "Dữ liệu minh họa" inside the
    image, as Our World in Data's downloads carry them."""
    out = go.Figure(fig)
    if subtitle is not None:
        out.update_layout(title={"subtitle": {"text": subtitle}})
    out.update_traces(textfont={"size": 17}, selector={"type": "scatter"})
    out.update_traces(textfont={"size": 15}, selector={"type": "bar"})
    out.update_layout(title={"x": 0.01})
    out.update_yaxes(tickfont={"size": 18}, title={"standoff": 18})
    out.update_xaxes(tickfont={"size": 20})
    footer = f"Nguồn: {source}"
    if synthetic:
        footer += f"   ·   {SYNTHETIC_LINE}"
    out.add_annotation(
        text=footer, xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top", yshift=-128,
        showarrow=False, font={"size": 18, "color": "#B00020" if synthetic else "#444444"}, align="left",
    )
    out.update_layout(
        width=width, height=height, font={"size": 22},
        title={"font": {"size": 34}, "subtitle": {"font": {"size": 22}}},
        margin={"l": 130, "r": 60, "t": 150, "b": 180},  # room for the y-axis title beside its ticks
        legend={"orientation": "h", "x": 0, "y": -0.1, "yanchor": "top", "font": {"size": 20}},
    )
    return out


def image_bytes(fig: go.Figure, fmt: str = "png", scale: float = 1.0) -> bytes:
    warm_up()
    with warnings.catch_warnings():
        # plotly passes browser options that a running export server does not need.
        warnings.filterwarnings("ignore", message="The kopts argument is ignored")
        data = fig.to_image(format=fmt, width=fig.layout.width or WIDTH, height=fig.layout.height or HEIGHT, scale=scale)
    return bytes(data)


# ---------------------------------------------------------------------------------------------
# What a deck or report is made of
# ---------------------------------------------------------------------------------------------


@dataclass
class Context:
    locality: dict
    year: int
    items: list[IndicatorProgress]
    children: pl.DataFrame | None
    synthetic: bool

    @property
    def name(self) -> str:
        return str(self.locality["name"])


def context(con: duckdb.DuckDBPyConnection, locality_id: str, year: int) -> Context:
    loc = q.locality(con, locality_id)
    if loc is None:
        raise ExportError(f"Không có địa bàn {locality_id}.")
    items = progress_for(con, locality_id, year)
    children = None
    if loc["level"] in ("province", "country"):
        children = children_progress(con, locality_id, year)
    synthetic = any(it.synthetic for it in items) or q.store_has_synthetic(con)
    return Context(loc, year, items, children, synthetic)


def indicator_chart(con: duckdb.DuckDBPyConnection, ctx: Context, item: IndicatorProgress) -> go.Figure:
    series = series_frame(con, ctx.locality["id"], item.indicator)
    targets = q.resolved_targets(con, ctx.locality["id"]).filter(pl.col("indicator") == item.indicator)
    fig = figures.progress_chart(series, item, targets, synthetic=False)
    scope = f" · mục tiêu cấp {item.target_scope}" if item.target_scope else ""
    subtitle = f"{ctx.name} · năm {ctx.year} · tỷ lệ % trên tổng số{scope}"
    return for_print(fig, source=_sources_text(item), synthetic=ctx.synthetic, subtitle=subtitle)


RANK_SHOWN = 15  # on a slide: the 15 highest and the 15 lowest; the workbook has them all


def ranking_chart(ctx: Context, indicator: str) -> go.Figure:
    assert ctx.children is not None
    sub = ctx.children.filter((pl.col("indicator") == indicator) & pl.col("rate_pct").is_not_null())
    note = ""
    if sub.height > 2 * RANK_SHOWN:
        ordered = sub.sort("rate_pct", descending=True)
        keep = pl.concat([ordered.head(RANK_SHOWN), ordered.tail(RANK_SHOWN)])
        note = f" · {RANK_SHOWN} đơn vị cao nhất và {RANK_SHOWN} đơn vị thấp nhất trong {sub.height}"
        sub = keep
    fig = figures.ranked_bar(sub, indicator=indicator, locality_name=ctx.name, synthetic=False)
    return for_print(fig, source=_children_source(ctx), synthetic=ctx.synthetic,
                     subtitle=f"{ctx.name} · năm {ctx.year} · tỷ lệ % trên tổng số{note}")


def _sources_text(item: IndicatorProgress) -> str:
    text = "; ".join(item.sources) if item.sources else "số liệu trong kho"
    return text if len(text) < 160 else text[:157] + "…"


def _children_source(ctx: Context) -> str:
    return "Tổng hợp từ số liệu các xã, phường" if ctx.locality["level"] == "province" else "Tổng hợp từ số liệu các tỉnh, thành phố"


def status_words(status: str) -> str:
    style = STATUS_STYLE[Status(status)]
    return f"{style.symbol} {style.label_vi}"


def chart_export(con: duckdb.DuckDBPyConnection, locality_id: str, year: int, indicator: str, fmt: str, scale: float = 1.0) -> bytes:
    """One indicator's progress chart as PNG or SVG (the CLI's `export png|svg`)."""
    ctx = context(con, locality_id, year)
    item = next((it for it in ctx.items if it.indicator == indicator), None)
    if item is None:
        raise ExportError(f"Không có chỉ tiêu {indicator}.")
    return image_bytes(indicator_chart(con, ctx, item), fmt, scale)


def chart_data(con: duckdb.DuckDBPyConnection, locality_id: str, indicator: str) -> pl.DataFrame:
    """The data behind a progress chart, with Vietnamese column names (CSV/XLSX downloads)."""
    s = series_frame(con, locality_id, indicator)
    return s.select(
        pl.col("year").alias("Năm"),
        pl.col("total").alias("Tổng số"),
        pl.col("registered").alias("Đăng ký"),
        pl.col("recognized").alias("Công nhận"),
        pl.col("rate_pct").round(2).alias("Tỷ lệ (% tổng số)"),
        pl.col("rate_registered_pct").round(2).alias("Tỷ lệ (% đăng ký)"),
        pl.col("sources").list.join("; ").alias("Nguồn"),
    )


# ---------------------------------------------------------------------------------------------
# Workbook (.xlsx) in the layout of provincial reports
# ---------------------------------------------------------------------------------------------

WORKBOOK_HEADERS = ["STT", "Đơn vị", "Tổng số", "Đăng ký", "Công nhận", "Tỷ lệ %", "Mục tiêu", "Đạt % kế hoạch", "Trạng thái"]


def build_workbook(con: duckdb.DuckDBPyConnection, locality_id: str, year: int, out: Path | io.BytesIO) -> None:
    import xlsxwriter

    ctx = context(con, locality_id, year)
    reg = registry()
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    title = wb.add_format({"bold": True, "font_size": 14, "font_name": "Times New Roman"})
    note = wb.add_format({"italic": True, "font_name": "Times New Roman", "font_color": "#B00020"})
    head = wb.add_format({"bold": True, "border": 1, "bg_color": "#DCE6F1", "align": "center", "valign": "vcenter", "text_wrap": True, "font_name": "Times New Roman"})
    text = wb.add_format({"border": 1, "font_name": "Times New Roman"})
    count = wb.add_format({"border": 1, "num_format": "#,##0", "font_name": "Times New Roman"})
    pct = wb.add_format({"border": 1, "num_format": "0.0", "font_name": "Times New Roman"})

    def sheet_header(ws, heading: str) -> int:  # noqa: ANN001
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
        return row + 2

    def write_line(ws, r: int, stt: int, name: str, d: dict) -> None:  # noqa: ANN001
        ws.write_number(r, 0, stt, text)
        ws.write(r, 1, name, text)
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
        ws.write(r, 8, status_words(d["status"]), text)

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
        sub = ctx.children.filter(pl.col("indicator") == it.indicator).sort(["rank", "locality_name"], nulls_last=True)
        for i, d in enumerate(sub.iter_rows(named=True), start=1):
            write_line(ws, r, i, d["locality_name"], d)
            r += 1
        ws.write(r, 1, "Tổng cộng", head)
        write_line(ws, r, len(sub) + 1, f"Tổng cộng {ctx.name}", it.public())
        ws.write(r, 0, "", text)
    wb.close()


# ---------------------------------------------------------------------------------------------
# Slide deck (.pptx, 16:9)
# ---------------------------------------------------------------------------------------------

SLIDE_FONT = "Arial"  # present on the users' machines; Liberation Sans stands in for it here


def build_deck(con: duckdb.DuckDBPyConnection, locality_id: str, year: int, out: Path | io.BytesIO) -> int:
    """Title, summary, one slide per indicator, rankings, sources. Returns the slide count."""
    from pptx import Presentation
    from pptx.util import Emu, Pt

    ctx = context(con, locality_id, year)
    warm_up()
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)  # 16:9
    blank = prs.slide_layouts[6]

    def textbox(slide, left: float, top: float, width: float, height: float, lines: Sequence[str], size: int = 20, bold: bool = False, colour: str | None = None):  # noqa: ANN001, ANN202
        from pptx.dml.color import RGBColor
        from pptx.util import Inches

        box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
        tf = box.text_frame
        tf.word_wrap = True
        for i, line in enumerate(lines):
            p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            p.text = line
            for run in p.runs:
                run.font.size = Pt(size)
                run.font.name = SLIDE_FONT
                run.font.bold = bold
                if colour:
                    run.font.color.rgb = RGBColor.from_string(colour)
        return box

    def footer(slide) -> None:  # noqa: ANN001
        if ctx.synthetic:
            textbox(slide, 0.4, 7.05, 12.5, 0.4, [SYNTHETIC_LINE], size=12, colour="B00020")

    def picture(slide, fig: go.Figure) -> None:  # noqa: ANN001
        from pptx.util import Inches

        png = image_bytes(fig, "png")
        slide.shapes.add_picture(io.BytesIO(png), Inches(0.3), Inches(1.25), width=Inches(10.2))

    # 1. Title
    s = prs.slides.add_slide(blank)
    textbox(s, 0.8, 2.0, 11.7, 1.5, [f"KẾT QUẢ XÂY DỰNG XÃ HỘI HỌC TẬP NĂM {year}"], size=36, bold=True, colour="1F5FA8")
    textbox(s, 0.8, 3.4, 11.7, 1.0, [ctx.name], size=28)
    textbox(s, 0.8, 4.4, 11.7, 1.0, [f"Tài liệu phục vụ hội nghị sơ kết, tổng kết — ngày {date.today():%d/%m/%Y}"], size=18, colour="444444")
    footer(s)

    # 2. Summary table
    s = prs.slides.add_slide(blank)
    textbox(s, 0.4, 0.25, 12.5, 0.8, [f"Tổng hợp các chỉ tiêu năm {year} — {ctx.name}"], size=26, bold=True)
    _summary_table(s, ctx)
    footer(s)

    # 3. One slide per indicator
    for it in ctx.items:
        s = prs.slides.add_slide(blank)
        textbox(s, 0.4, 0.25, 12.5, 0.8, [it.indicator_label], size=26, bold=True)
        picture(s, indicator_chart(con, ctx, it))
        target = f"{fmt_pct(it.target_pct, 0)} ({it.target_year})" if it.target_pct is not None else "chưa có mục tiêu"
        key_numbers = [
            f"Tỷ lệ năm {year}: {fmt_pct(it.rate_pct)}" if it.has_data else f"Chưa có số liệu năm {year}",
            f"Mục tiêu: {target}" + (f" — đạt {fmt_pct(it.plan_pct, 0)} kế hoạch" if it.plan_pct is not None else ""),
            f"Mức độ: {status_words(it.status)}",
        ]
        if it.change_pp is not None:
            key_numbers.append(f"So với năm {year - 1}: {fmt_pp(it.change_pp)}")
        if it.required_pp_per_year:
            key_numbers.append(f"Cần tăng {fmt_num(it.required_pp_per_year)} điểm %/năm")
        textbox(s, 10.6, 1.5, 2.6, 5.0, key_numbers, size=16)
        footer(s)

    # 4. How many communes (or provinces) are in each status, per indicator
    if ctx.children is not None:
        s = prs.slides.add_slide(blank)
        who = "xã, phường" if ctx.locality["level"] == "province" else "tỉnh, thành phố"
        textbox(s, 0.4, 0.25, 12.5, 0.8, [f"Số {who} theo mức độ đạt mục tiêu, năm {year}"], size=26, bold=True)
        _status_table(s, ctx)
        footer(s)

    # 5. Rankings of the communes (or provinces)
    if ctx.children is not None:
        for ind in MAIN_RANKED:
            s = prs.slides.add_slide(blank)
            label = registry().by_id(ind).label_vi
            who = "các xã, phường" if ctx.locality["level"] == "province" else "các tỉnh, thành phố"
            textbox(s, 0.4, 0.25, 12.5, 0.8, [f"Xếp hạng {who}: {label}"], size=26, bold=True)
            fig = ranking_chart(ctx, ind)
            fig.update_layout(height=max(HEIGHT, fig.layout.height or HEIGHT))
            png = image_bytes(fig, "png")
            from pptx.util import Inches

            s.shapes.add_picture(io.BytesIO(png), Inches(0.3), Inches(1.2), height=Inches(5.8))
            footer(s)

    # 6. Sources
    s = prs.slides.add_slide(blank)
    textbox(s, 0.4, 0.25, 12.5, 0.8, ["Nguồn số liệu và căn cứ"], size=26, bold=True)
    lines = sorted({src for it in ctx.items for src in it.sources})
    lines += sorted({f"Mục tiêu: {it.target_source}" for it in ctx.items if it.target_source})
    textbox(s, 0.5, 1.2, 12.3, 5.6, [f"• {x}" for x in lines[:18]] or ["• Chưa có nguồn"], size=13)
    footer(s)
    prs.save(str(out) if isinstance(out, Path) else out)
    return len(prs.slides)


def _status_table(slide, ctx: Context) -> None:  # noqa: ANN001
    from pptx.util import Inches, Pt

    from metrics.locality_progress import status_counts

    assert ctx.children is not None
    order = sorted(Status, key=lambda st: STATUS_STYLE[st].order)
    rows = len(ctx.items) + 1
    table = slide.shapes.add_table(rows, len(order) + 1, Inches(0.4), Inches(1.1), Inches(12.5), Inches(0.4 * rows)).table
    table.columns[0].width = Inches(4.1)
    for c in range(1, len(order) + 1):
        table.columns[c].width = Inches(1.4)
    table.cell(0, 0).text = "Chỉ tiêu"
    for c, st in enumerate(order, start=1):
        table.cell(0, c).text = status_words(st.value)
    for r, it in enumerate(ctx.items, start=1):
        counts = status_counts(ctx.children, it.indicator)
        table.cell(r, 0).text = it.indicator_label
        for c, st in enumerate(order, start=1):
            table.cell(r, c).text = fmt_int(counts.get(st.value, 0))
    for r in range(rows):
        for c in range(len(order) + 1):
            for p in table.cell(r, c).text_frame.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(11)
                    run.font.name = SLIDE_FONT


def _summary_table(slide, ctx: Context) -> None:  # noqa: ANN001
    from pptx.util import Inches, Pt

    rows = len(ctx.items) + 1
    shape = slide.shapes.add_table(rows, 6, Inches(0.4), Inches(1.1), Inches(12.5), Inches(0.4 * rows))
    table = shape.table
    widths = [4.3, 1.9, 1.4, 1.6, 1.3, 2.0]
    for i, w in enumerate(widths):
        table.columns[i].width = Inches(w)
    header = ["Chỉ tiêu", "Công nhận / Tổng số", "Tỷ lệ", "Mục tiêu", "Đạt KH", "Mức độ"]
    for c, h in enumerate(header):
        table.cell(0, c).text = h
    for r, it in enumerate(ctx.items, start=1):
        values = [
            it.indicator_label,
            f"{fmt_int(it.recognized)}/{fmt_int(it.total)}" if it.has_data else "chưa có số liệu",
            fmt_pct(it.rate_pct),
            f"{fmt_pct(it.target_pct, 0)} ({it.target_year})" if it.target_pct is not None else "–",
            fmt_pct(it.plan_pct, 0),
            status_words(it.status),
        ]
        for c, v in enumerate(values):
            table.cell(r, c).text = v
    for r in range(rows):
        for c in range(6):
            for p in table.cell(r, c).text_frame.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(12)
                    run.font.name = SLIDE_FONT


# ---------------------------------------------------------------------------------------------
# Report draft (.docx): the "Kết quả thực hiện" part, administrative style
# ---------------------------------------------------------------------------------------------

REPORT_FONT = "Times New Roman"


def indicator_sentence(it: IndicatorProgress, year: int) -> str:
    """A report sentence: "Tỷ lệ gia đình được công nhận danh hiệu “Gia đình học tập” đạt 62,3%,
    bằng 89% kế hoạch năm 2025, tăng 4,1 điểm % so với năm 2024…"."""
    reg = registry()
    ind = reg.by_id(it.indicator)
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
            text += f", {verb} {fmt_num(abs(it.change_pp))} điểm % so với năm {year - 1}"
    text += f"; {STATUS_STYLE[Status(it.status)].label_vi.lower()}"
    if it.required_pp_per_year:
        text += f", cần tăng bình quân {fmt_num(it.required_pp_per_year)} điểm %/năm để đạt mục tiêu {fmt_pct(it.target_pct, 0)} năm {it.target_year}"
    if it.reporting_communes is not None and it.communes_in_area and it.reporting_communes < it.communes_in_area:
        text += f" (số liệu của {it.reporting_communes}/{it.communes_in_area} xã đã báo cáo)"
    return text + "."


def build_report(con: duckdb.DuckDBPyConnection, locality_id: str, year: int, out: Path | io.BytesIO) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    ctx = context(con, locality_id, year)
    reg = registry()
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
    section.left_margin, section.right_margin = Cm(3.0), Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
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
            style.paragraph_format.first_line_indent = Cm(1.0) if style_name == "Heading 3" else Cm(0)
    doc.styles["Normal"].paragraph_format.first_line_indent = Cm(1.0)
    doc.styles["Normal"].paragraph_format.space_after = Pt(6)

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
    by_model: dict[str, list[IndicatorProgress]] = {}
    for it in ctx.items:
        by_model.setdefault(reg.by_id(it.indicator).model, []).append(it)
    models = {m.id: m for m in reg.model}
    for n, (model_id, its) in enumerate(by_model.items(), start=1):
        doc.add_heading(f"{n}. Xây dựng mô hình “{models[model_id].label_vi}”", level=3)
        doc.add_paragraph(" ".join(indicator_sentence(it, year) for it in its))

    doc.add_heading("II. BẢNG TỔNG HỢP", level=2)
    table = doc.add_table(rows=1, cols=7)
    table.style = "Table Grid"
    for c, h in enumerate(["STT", "Chỉ tiêu", "Công nhận/Tổng số", "Tỷ lệ", "Mục tiêu", "Đạt % KH", "Mức độ"]):
        table.rows[0].cells[c].text = h
    for i, it in enumerate(ctx.items, start=1):
        cells = table.add_row().cells
        values = [str(i), it.indicator_label,
                  f"{fmt_int(it.recognized)}/{fmt_int(it.total)}" if it.has_data else "chưa có số liệu",
                  fmt_pct(it.rate_pct),
                  f"{fmt_pct(it.target_pct, 0)} ({it.target_year})" if it.target_pct is not None else "–",
                  fmt_pct(it.plan_pct, 0), STATUS_STYLE[Status(it.status)].label_vi]
        for c, v in enumerate(values):
            cells[c].text = v
    widths = [Cm(1.2), Cm(4.6), Cm(3.3), Cm(1.5), Cm(1.9), Cm(1.4), Cm(2.1)]  # 16 cm of A4 text width
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for width, cell in zip(widths, row.cells, strict=True):
            cell.width = width
            for p in cell.paragraphs:
                p.paragraph_format.first_line_indent = Cm(0)
                for r in p.runs:
                    r.font.size = Pt(12)
    for cell in table.rows[0].cells:
        for r in cell.paragraphs[0].runs:
            r.font.bold = True

    doc.add_heading("III. BIỂU ĐỒ", level=2)
    warm_up()
    for it in ctx.items:
        if not it.has_data or it.rate_pct is None:
            continue
        png = image_bytes(indicator_chart(con, ctx, it), "png")
        doc.add_picture(io.BytesIO(png), width=Cm(16))
        cap = doc.add_paragraph(f"Biểu đồ: {it.indicator_label} — {ctx.name}")
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc.add_heading("IV. MỤC TIÊU GIAI ĐOẠN TIẾP THEO", level=2)
    targets = q.resolved_targets(con, ctx.locality["id"]).filter(pl.col("target_year") > year)
    if targets.height == 0:
        doc.add_paragraph("Chưa có mục tiêu cho các năm sau trong kho dữ liệu.")
    for row in targets.sort(["target_year", "indicator"]).iter_rows(named=True):
        label = reg.by_id(row["indicator"]).label_vi
        doc.add_paragraph(f"- Đến năm {row['target_year']}: {label} đạt {fmt_pct(row['percent'], 0)} (theo {row['source']}).")
    doc.save(str(out) if isinstance(out, Path) else out)


def default_locality_label(ctx: Context) -> str:
    return "Toàn quốc" if ctx.locality["id"] == COUNTRY_ID else ctx.name
