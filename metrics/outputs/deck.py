"""The 16:9 slide deck (.pptx): title, summary, one slide per indicator, status counts, rankings, sources."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

import duckdb
import plotly.graph_objects as go
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

from metrics.fmt import fmt_int, fmt_num, fmt_pct, fmt_pp
from metrics.indicators import registry
from metrics.locality_progress import IndicatorProgress, status_counts
from metrics.outputs.context import Context, context, indicator_chart, ranking_chart, summary_rows
from metrics.outputs.images import HEIGHT, SYNTHETIC_LINE, export_server
from metrics.progress import Status

SLIDE_FONT = "Arial"  # present on the users' machines; Liberation Sans stands in for it here
TITLE_ONLY = 5  # python-pptx's default template: "Title Only"
SLIDE_CHART = (1280, 720)
MAIN_RANKED = ("gia_dinh", "dong_ho", "cong_dong_thon", "don_vi", "cong_dan_nguoi_lon")


def build_deck(
    con: duckdb.DuckDBPyConnection, locality_id: str, year: int, out: Path | io.BytesIO
) -> int:
    """Title, summary, one slide per indicator, rankings, sources. Returns the slide count."""
    ctx = context(con, locality_id, year)
    charted = [it for it in ctx.items if it.has_data]  # no figure that year: nothing to show
    ranked = MAIN_RANKED if ctx.children is not None else ()
    # Every chart first, in one batch: each is built while Chromium draws the ones before it
    # (ExportServer.images); without a browser the user learns it before any slide is made.
    pngs = iter(export_server().images(_charts(ctx, charted, ranked), "png"))
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)  # 16:9
    # 1. Title
    s = _titled(
        prs,
        f"KẾT QUẢ XÂY DỰNG XÃ HỘI HỌC TẬP NĂM {year}",
        left=0.8,
        top=2.0,
        height=1.5,
        size=36,
        colour="1F5FA8",
    )
    _textbox(s, 0.8, 3.4, 11.7, 1.0, [ctx.name], size=28)
    _textbox(
        s,
        0.8,
        4.4,
        11.7,
        1.0,
        [f"Tài liệu phục vụ hội nghị sơ kết, tổng kết — ngày {date.today():%d/%m/%Y}"],
        size=18,
        colour="444444",
    )
    _footer(s, ctx)

    # 2. Summary table
    s = _titled(prs, f"Tổng hợp các chỉ tiêu năm {year} — {ctx.name}")
    _summary_table(s, ctx)
    _footer(s, ctx)

    # 3. One slide per indicator
    for it in charted:  # an indicator without a figure that year: the summary says so
        s = _titled(prs, it.indicator_label)
        s.shapes.add_picture(io.BytesIO(next(pngs)), Inches(0.3), Inches(1.25), width=Inches(10.2))
        target = (
            f"{fmt_pct(it.target_pct, 0)} ({it.target_year})"
            if it.target_pct is not None
            else "chưa có mục tiêu"
        )
        key_numbers = [
            f"Tỷ lệ năm {year}: {fmt_pct(it.rate_pct)}"
            if it.has_data
            else f"Chưa có số liệu năm {year}",
            f"Mục tiêu: {target}"
            + (f" — đạt {fmt_pct(it.plan_pct, 0)} kế hoạch" if it.plan_pct is not None else ""),
            f"Đánh giá tiến độ: {Status(it.status).label(symbol=True)}",
        ]
        if it.partial_note:
            key_numbers.append(f"Số liệu {it.partial_note}")
        if it.change_pp is not None:
            key_numbers.append(f"So với năm {year - 1}: {fmt_pp(it.change_pp)}")
        if it.required_pp_per_year:
            key_numbers.append(
                f"Cần tăng {fmt_num(it.required_pp_per_year)} điểm phần trăm mỗi năm"
            )
        _textbox(s, 10.6, 1.5, 2.6, 5.0, key_numbers, size=16)
        _footer(s, ctx)

    # 4. How many communes (or provinces) are in each status, per indicator
    if ctx.children is not None:
        who = "xã, phường" if ctx.locality["level"] == "province" else "tỉnh, thành phố"
        s = _titled(prs, f"Số {who} theo đánh giá tiến độ, năm {year}")
        _status_table(s, ctx)
        _footer(s, ctx)

    # 5. Rankings of the communes (or provinces)
    for ind in ranked:
        label = registry().by_id(ind).label_vi
        who = "các xã, phường" if ctx.locality["level"] == "province" else "các tỉnh, thành phố"
        s = _titled(prs, f"Xếp hạng {who}: {label}")
        s.shapes.add_picture(io.BytesIO(next(pngs)), Inches(0.3), Inches(1.2), height=Inches(5.8))
        _footer(s, ctx)

    # 6. Sources
    s = _titled(prs, "Nguồn số liệu và căn cứ")
    lines = sorted({src for it in ctx.items for src in it.sources})
    lines += sorted({f"Mục tiêu: {it.target_source}" for it in ctx.items if it.target_source})
    _textbox(s, 0.5, 1.2, 12.3, 5.6, [f"• {x}" for x in lines[:18]] or ["• Chưa có nguồn"], size=13)
    _footer(s, ctx)
    prs.save(str(out) if isinstance(out, Path) else out)
    return len(prs.slides)


def _charts(
    ctx: Context, charted: Sequence[IndicatorProgress], ranked: Sequence[str]
) -> Iterator[go.Figure]:
    """The deck's charts in slide order, built one at a time as the export server asks."""
    for it in charted:
        # A 1280×720 canvas with the print layout's type: text half as large again on the slide;
        # the demo mark once, in the slide's footer.
        yield indicator_chart(ctx, it, size=SLIDE_CHART, demo_mark=False)
    for ind in ranked:
        fig = ranking_chart(ctx, ind, demo_mark=False)  # the slide footer says it
        fig.update_layout(height=max(HEIGHT, fig.layout.height or HEIGHT))
        yield fig


def _titled(
    prs,
    title: str,
    *,
    left: float = 0.4,
    top: float = 0.25,
    height: float = 0.8,
    size: int = 26,
    colour: str | None = None,
):
    """A slide whose title is the layout's title placeholder (so it shows in PowerPoint's
    outline and navigation), placed and set in the deck's type."""
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY])
    ph = slide.shapes.title
    ph.left, ph.top = Inches(left), Inches(top)
    ph.width, ph.height = Inches(12.5), Inches(height)
    tf = ph.text_frame
    tf.word_wrap = True
    tf.text = title
    for p in tf.paragraphs:
        p.alignment = PP_ALIGN.LEFT
        for run in p.runs:
            run.font.size = Pt(size)
            run.font.name = SLIDE_FONT
            run.font.bold = True
            if colour:
                run.font.color.rgb = RGBColor.from_string(colour)
    return slide


def _textbox(
    slide,
    left: float,
    top: float,
    width: float,
    height: float,
    lines: Sequence[str],
    size: int = 20,
    bold: bool = False,
    colour: str | None = None,
) -> None:
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


def _footer(slide, ctx: Context) -> None:
    if ctx.synthetic:
        _textbox(slide, 0.4, 7.05, 12.5, 0.4, [SYNTHETIC_LINE], size=12, colour="B00020")


def _set_table_font(table, size: int) -> None:
    for row in table.rows:
        for cell in row.cells:
            for p in cell.text_frame.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(size)
                    run.font.name = SLIDE_FONT


def _summary_table(slide, ctx: Context) -> None:
    rows = summary_rows(ctx)
    table = slide.shapes.add_table(
        len(rows) + 1, 6, Inches(0.4), Inches(1.1), Inches(12.5), Inches(0.4 * (len(rows) + 1))
    ).table
    for i, w in enumerate([4.3, 1.9, 1.4, 1.6, 1.3, 2.0]):
        table.columns[i].width = Inches(w)
    for c, h in enumerate(
        ["Chỉ tiêu", "Công nhận / Tổng số", "Tỷ lệ", "Mục tiêu", "Đạt KH", "Đánh giá tiến độ"]
    ):
        table.cell(0, c).text = h
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(
            [
                row.label,
                row.counts,
                row.rate,
                row.target,
                row.plan,
                Status(row.status).label(symbol=True),
            ]
        ):
            table.cell(r, c).text = v
    _set_table_font(table, 12)


def _status_table(slide, ctx: Context) -> None:
    assert ctx.children is not None
    order = Status.ordered()
    rows = len(ctx.items) + 1
    table = slide.shapes.add_table(
        rows, len(order) + 1, Inches(0.4), Inches(1.1), Inches(12.5), Inches(0.4 * rows)
    ).table
    table.columns[0].width = Inches(4.1)
    for c in range(1, len(order) + 1):
        table.columns[c].width = Inches(1.4)
    table.cell(0, 0).text = "Chỉ tiêu"
    for c, st in enumerate(order, start=1):
        table.cell(0, c).text = st.label(symbol=True)
    for r, it in enumerate(ctx.items, start=1):
        counts = status_counts(ctx.children, it.indicator)
        table.cell(r, 0).text = it.indicator_label
        for c, st in enumerate(order, start=1):
            table.cell(r, c).text = fmt_int(counts.get(st.value, 0))
    _set_table_font(table, 11)
