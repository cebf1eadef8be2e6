"""The 16:9 slide deck (.pptx): title, summary, one slide per indicator, status counts, rankings, sources."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

import duckdb
import plotly.graph_objects as go
import polars as pl
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

from metrics import texts
from metrics.fmt import fmt_date, fmt_int, fmt_pct, fmt_pp
from metrics.indicators import registry
from metrics.locality_progress import IndicatorProgress, status_counts
from metrics.outputs.context import (
    Context,
    chart_targets,
    child_figures,
    children_synthetic,
    context,
    documents_named,
    figures_source,
    figures_sources,
    figures_synthetic,
    indicator_chart,
    plan_name,
    ranking_chart,
    series_synthetic,
    summary_rows,
    years_text,
)
from metrics.outputs.images import HEIGHT, export_server
from metrics.progress import Status

SLIDE_FONT = "Arial"  # present on the users' machines; Liberation Sans stands in for it here
TITLE_ONLY = 5  # python-pptx's default template: "Title Only"
SLIDE_CHART = (1280, 720)
MAIN_RANKED = ("gia_dinh", "dong_ho", "cong_dong_thon", "don_vi", "cong_dan_nguoi_lon")

# The slide's geometry, in inches. Everything but the footer lies between TOP and BOTTOM and
# within the side margins: a shape past the slide's edge is cut in every viewer.
SLIDE_W, SLIDE_H = 13.333, 7.5
SIDE = 0.4
WIDTH = SLIDE_W - 2 * SIDE
TOP = 1.15
FOOTER_TOP = 7.05
BOTTOM = FOOTER_TOP - 0.1
# Arial's mean advance is about half its size; a little more, so a cell is never shorter than
# its wrapped text (PowerPoint and LibreOffice grow a row to its text, past the slide's foot).
CHAR_EM = 0.5
LINE = 1.2  # line height, in sizes
CELL_MARGIN_H, CELL_MARGIN_V = 0.2, 0.1  # python-pptx's cells: 0.1 in each side, 0.05 top and foot
MARKS = "¹²³⁴⁵⁶⁷⁸⁹"


def build_deck(
    con: duckdb.DuckDBPyConnection,
    locality_id: str,
    year: int,
    out: Path | io.BytesIO,
    *,
    ctx: Context | None = None,
    pngs: Sequence[bytes] | None = None,
) -> int:
    """Title, summary, one slide per indicator, rankings, sources. Returns the slide count.
    `ctx` and `pngs` (the images of slide_charts(ctx), in order) come from a caller that has
    made them already (the pack draws all its charts in one batch)."""
    ctx = ctx or context(con, locality_id, year)
    charted, ranked = slide_content(ctx)
    # Every chart first, in one batch: each is built while Chromium draws the ones before it
    # (ExportServer.images); without a browser the user learns it before any slide is made.
    images = iter(pngs if pngs is not None else export_server().images(slide_charts(ctx), "png"))
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)  # 16:9, 13,33 × 7,5 in
    # 1. Title
    s = _titled(
        prs,
        texts.text("deck_cover_title", year=year),
        top=2.0,
        height=1.3,
        size=36,
        colour="1F5FA8",
    )
    place = ctx.place or ctx.name
    place_size = 28 if _lines(place, WIDTH, 28) == 1 else 22
    _textbox(s, SIDE, 3.4, WIDTH, 1.0, [place], size=place_size)
    _textbox(
        s,
        SIDE,
        4.5,
        WIDTH,
        0.6,
        [texts.text("deck_cover_subtitle", today=fmt_date(date.today()))],
        size=18,
        colour="444444",
    )
    _footer(s, ctx)

    # 2. Summary table
    _summary_slides(prs, ctx)

    # 3. One slide per indicator
    for it in charted:  # an indicator without a figure that year: the summary says so
        s = _titled(prs, it.indicator_label)
        chart_w = 9.9
        s.shapes.add_picture(
            io.BytesIO(next(images)), Inches(0.3), Inches(TOP), width=Inches(chart_w)
        )
        left = 0.3 + chart_w + 0.15
        lines = _key_numbers(ctx, it)
        width = SLIDE_W - SIDE - left
        size = next(
            (z for z in (16, 14, 12) if _text_height(lines, width, z) <= BOTTOM - TOP - 0.2), 11
        )
        _textbox(s, left, TOP + 0.2, width, BOTTOM - TOP - 0.2, lines, size=size)
        _footer(s, ctx, series_synthetic(ctx, it.indicator))

    # 4. How many communes (or provinces) are in each status, per indicator
    if ctx.children is not None:
        _status_slides(prs, ctx)

    # 5. Rankings of the communes (or provinces)
    for ind in ranked:
        label = registry().by_id(ind).label_vi
        who = (
            texts.text("export_who_communes")
            if ctx.locality["level"] == "province"
            else texts.text("export_who_provinces")
        )
        s = _titled(prs, texts.text("deck_ranking_title", who=who, label=label))
        pic = s.shapes.add_picture(
            io.BytesIO(next(images)), Inches(0.3), Inches(TOP), height=Inches(BOTTOM - TOP)
        )
        if pic.width > Inches(SLIDE_W - 0.6):  # a wide image: its width decides
            ratio = pic.height / pic.width
            pic.width = Inches(SLIDE_W - 0.6)
            pic.height = int(pic.width * ratio)
        _footer(s, ctx, children_synthetic(ctx, ind))

    # 6. Sources: every document once, the plans whose targets are drawn included
    _source_slides(prs, ctx, charted, ranked)
    prs.save(str(out) if isinstance(out, Path) else out)
    return len(prs.slides)


def slide_content(ctx: Context) -> tuple[list[IndicatorProgress], tuple[str, ...]]:
    """The indicators that get a chart slide (those with a figure that year) and those whose
    children are ranked (a province's communes, the country's provinces)."""
    charted = [it for it in ctx.items if it.has_data]
    return charted, (MAIN_RANKED if ctx.children is not None else ())


def slide_charts(ctx: Context) -> Iterator[go.Figure]:
    """The deck's charts in slide order, built one at a time as the export server asks."""
    charted, ranked = slide_content(ctx)
    for it in charted:
        # A 1280×720 canvas with the print layout's type: text half as large again on the slide;
        # the demo mark once, in the slide's footer.
        yield indicator_chart(ctx, it, size=SLIDE_CHART, demo_mark=False)
    for ind in ranked:
        fig = ranking_chart(ctx, ind, demo_mark=False)  # the slide footer says it
        fig.update_layout(height=max(HEIGHT, fig.layout.height or HEIGHT))
        yield fig


def _key_numbers(ctx: Context, it: IndicatorProgress) -> list[str]:
    year = ctx.year
    lines = [
        texts.text("deck_key_rate", year=year, rate_pct=fmt_pct(it.rate_pct))
        if it.rate_pct is not None
        else texts.text(
            "deck_key_count",
            year=year,
            recognized=fmt_int(it.recognized),
            unit=registry().by_id(it.indicator).count_unit_vi,
        )
    ]
    if it.target_pct is not None and it.target_year is not None:
        plan = f" ({plan_name(it.target_source)})" if it.target_source else ""
        lines.append(
            texts.text(
                "deck_key_target",
                target_year=it.target_year,
                target_pct=fmt_pct(it.target_pct, 0),
                plan=plan,
            )
        )
        if it.plan_pct is not None:
            lines.append(texts.text("deck_key_plan", plan_pct=fmt_pct(it.plan_pct, 0)))
    else:
        lines.append(texts.text("deck_key_no_target"))
    lines.append(
        texts.text(
            "deck_key_status", status=Status(it.status).label_for(it.target_year, symbol=True)
        )
    )
    if it.partial_note:
        lines.append(texts.text("deck_key_partial", partial_note=it.partial_note))
    if it.change_pp is not None:
        lines.append(
            texts.text("deck_key_change", year_before=year - 1, change=fmt_pp(it.change_pp))
        )
    if it.required_pp_per_year:
        lines.append(
            texts.text("deck_key_pace", pace_words=texts.pace_words(it.required_pp_per_year))
        )
    return lines


def _titled(
    prs,
    title: str,
    *,
    top: float = 0.25,
    height: float = 0.8,
    size: int = 26,
    colour: str | None = None,
):
    """A slide whose title is the layout's title placeholder (so it shows in PowerPoint's
    outline and navigation), placed and set in the deck's type; a long title in smaller type,
    so it stays on its lines above the content."""
    while size > 18 and _lines(title, WIDTH, size) * size * LINE / 72 > height - 0.1:
        size -= 2
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY])
    ph = slide.shapes.title
    ph.left, ph.top = Inches(SIDE), Inches(top)
    ph.width, ph.height = Inches(WIDTH), Inches(height)
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
    align: PP_ALIGN | None = None,
) -> None:
    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    tf = box.text_frame
    tf.word_wrap = True
    for i, line in enumerate(lines):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.text = line
        if align is not None:
            p.alignment = align
        for run in p.runs:
            run.font.size = Pt(size)
            run.font.name = SLIDE_FONT
            run.font.bold = bold
            if colour:
                run.font.color.rgb = RGBColor.from_string(colour)


def _footer(slide, ctx: Context, demo: bool | None = None) -> None:
    """The place and year on every slide's foot (right), the demo mark (left) when the slide
    shows invented figures (`demo`; by default, when the document does)."""
    if figures_synthetic(ctx) if demo is None else demo:
        _textbox(
            slide, SIDE, FOOTER_TOP, 6.6, 0.35, [texts.text("synthetic")], size=12, colour="B00020"
        )
    _textbox(
        slide,
        SIDE + 6.7,
        FOOTER_TOP,
        WIDTH - 6.7,
        0.35,
        [texts.text("export_footer", place=ctx.place or ctx.name, year=ctx.year)],
        size=11,
        colour="666666",
        align=PP_ALIGN.RIGHT,
    )


# -- Measuring text: a table is split over slides before it reaches the footer ------------------


def _lines(text: str, width: float, size: float) -> int:
    """How many lines `text` wraps to in a box `width` inches wide at `size` points."""
    per_line = max(4, int(width * 72 / (size * CHAR_EM)))
    return sum(len(textwrap.wrap(par, per_line)) or 1 for par in text.split("\n"))


def _text_height(lines: Sequence[str], width: float, size: float) -> float:
    """A text box's height in inches: its wrapped lines and the box's insets."""
    return sum(_lines(ln, width - 0.2, size) for ln in lines) * size * LINE / 72 + 0.1


def _row_height(cells: Sequence[str], widths: Sequence[float], size: float) -> float:
    most = max(_lines(text, w - CELL_MARGIN_H, size) for text, w in zip(cells, widths, strict=True))
    return most * size * LINE / 72 + CELL_MARGIN_V + 0.02


def _table_slides(
    prs,
    ctx: Context,
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    weights: Sequence[float],
    *,
    size: int = 12,
    notes: Sequence[str] = (),
) -> None:
    """A table as wide as the slide's text area (column widths in the ratio of `weights`), its
    rows split over as many slides as they need (the header row on each, "(tiếp)" after the
    first title) so none runs into the footer; `notes` said once under the table, in smaller
    type, on every slide of it."""
    widths = [WIDTH * w / sum(weights) for w in weights]

    def measure(z: int) -> tuple[float, list[float], float, float]:
        head_h = _row_height(header, widths, z)
        note_h = _text_height(notes, WIDTH, z - 1) if notes else 0.0
        room = BOTTOM - TOP - head_h - (note_h + 0.1 if notes else 0.0)
        return head_h, [_row_height(r, widths, z) for r in rows], note_h, room

    # Type a point or two smaller rather than a slide more, down to 10 points.
    for z in range(size, max(size - 2, 10) - 1, -1):
        head_h, heights, note_h, room = measure(z)
        if sum(heights) <= room:
            size = z
            break
    else:
        head_h, heights, note_h, room = measure(size)
    pages: list[list[int]] = [[]]
    used = 0.0
    for i, h in enumerate(heights):
        if pages[-1] and used + h > room:
            pages.append([])
            used = 0.0
        pages[-1].append(i)
        used += h
    for n, page in enumerate(pages):
        s = _titled(prs, title if n == 0 else texts.text("deck_table_continued", title=title))
        row_h = [head_h, *(heights[i] for i in page)]
        shape = s.shapes.add_table(
            len(row_h),
            len(widths),
            Inches(SIDE),
            Inches(TOP),
            Inches(WIDTH),
            Inches(sum(row_h)),
        )
        table = shape.table
        for c, w in enumerate(widths):
            table.columns[c].width = Inches(w)
        for r, h in enumerate(row_h):
            table.rows[r].height = Inches(h)
        for c, text in enumerate(header):
            table.cell(0, c).text = text
        for r, i in enumerate(page, start=1):
            for c, text in enumerate(rows[i]):
                table.cell(r, c).text = text
        _set_table_font(table, size)
        shape.height = sum(table.rows[r].height for r in range(len(row_h)))
        if notes:
            top = TOP + sum(row_h) + 0.1
            _textbox(s, SIDE, top, WIDTH, note_h, notes, size=size - 1, colour="444444")
        _footer(s, ctx)


def _set_table_font(table, size: int) -> None:
    for row in table.rows:
        for cell in row.cells:
            for p in cell.text_frame.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(size)
                    run.font.name = SLIDE_FONT


def _summary_slides(prs, ctx: Context) -> None:
    """One row per indicator; what is said of many rows (a figure not every unit reported, the
    figures' source) is said once under the table, a row pointing to it by a mark."""
    marks: dict[str, str] = {}  # partial note → its mark
    rows = []
    for it, row in zip(ctx.items, summary_rows(ctx), strict=True):
        counts = row.counts
        if it.partial_note:
            mark = marks.setdefault(it.partial_note, MARKS[len(marks) % len(MARKS)])
            counts = counts.replace(f" ({it.partial_note})", "") + mark
        rows.append(
            [
                row.label,
                counts,
                row.rate,
                row.target,
                plan_name(it.target_source) if it.target_source else "–",
                row.plan,
                Status(row.status).label_for(it.target_year, symbol=True),
            ]
        )
    notes = [
        texts.text("deck_summary_partial", mark=mark, note=note) for note, mark in marks.items()
    ]
    said = figures_source(
        (ctx.year, it.sources, it.demo_sources) for it in ctx.items if it.has_data
    )
    notes.append(
        texts.text(
            "export_sources",
            said=said or texts.text("export_no_figures_for", year=ctx.year),
        )
    )
    notes.append(texts.text("deck_summary_target_note"))
    _table_slides(
        prs,
        ctx,
        texts.text("deck_summary_title", year=ctx.year, name=ctx.name),
        [
            texts.text("indicator"),
            texts.text("deck_summary_col_counts"),
            texts.text("export_col_rate"),
            texts.text("deck_summary_col_target"),
            texts.text("deck_summary_col_basis"),
            texts.text("deck_summary_col_plan"),
            texts.text("export_col_status"),
        ],
        rows,
        [3.0, 2.3, 0.9, 1.2, 2.2, 0.9, 2.2],
        size=12,
        notes=notes,
    )


def _status_slides(prs, ctx: Context) -> None:
    assert ctx.children is not None
    order = Status.ordered()
    level = ctx.locality["level"]
    who = (
        texts.text("export_communes_wards") if level == "province" else texts.text("level_province")
    )
    rows = []
    for it in ctx.items:
        counts = status_counts(ctx.children, it.indicator)
        rows.append([it.indicator_label, *(fmt_int(counts.get(st.value, 0)) for st in order)])
    said = figures_source(child_figures(ctx.children, ctx.year))
    notes = [
        texts.text("deck_status_note", who=who, year=ctx.year),
        texts.text("deck_status_source", who=who) + (f": {said}." if said else "."),
    ]
    _table_slides(
        prs,
        ctx,
        texts.text("deck_status_title", who=who, year=ctx.year),
        [texts.text("indicator"), *(st.label(symbol=True) for st in order)],
        rows,
        [3.4, *([1.25] * len(order))],
        size=11,
        notes=notes,
    )


def _source_slides(
    prs, ctx: Context, charted: Sequence[IndicatorProgress], ranked: Sequence[str]
) -> None:
    """The documents behind the deck, each once: the reports its figures come from, then the
    plans and decisions that set the targets its tables and charts show, with those years."""
    figures: list[tuple[int, list[str], list[str]]] = [
        (ctx.year, list(it.sources), list(it.demo_sources)) for it in ctx.items if it.has_data
    ]
    for it in charted:
        rows = ctx.series.filter(
            (pl.col("indicator") == it.indicator) & (pl.col("year") <= ctx.year)
        )
        figures += [
            (r["year"], r["sources"] or [], r["demo_sources"] or [])
            for r in rows.iter_rows(named=True)
        ]
    if ctx.children is not None:
        kids = ctx.children.filter(pl.col("indicator").is_in(list(ranked)))
        figures += child_figures(kids, ctx.year)
    # Each figure source is named whole; the demo's invented figures once, as such.
    figure_lines = figures_sources(figures)

    # (source, year, confirmed) of every target shown: the summary's, the charts', the rankings'.
    shown: list[tuple[str, int, bool]] = [
        (it.target_source, it.target_year, bool(it.target_confirmed))
        for it in ctx.items
        if it.target_source and it.target_year is not None
    ]
    for it in charted:
        for r in chart_targets(ctx, it.indicator).iter_rows(named=True):
            shown.append((r["source"], r["target_year"], bool(r["confirmed"])))
    if ctx.children is not None and ranked:
        kids = ctx.children.filter(
            pl.col("indicator").is_in(list(ranked)) & pl.col("target_source").is_not_null()
        )
        for source, target_year, confirmed in (
            kids.select("target_source", "target_year", "target_confirmed").unique().rows()
        ):
            shown.append((source, target_year, bool(confirmed)))
    documents: dict[str, tuple[set[int], set[int]]] = {}  # name → (years, unconfirmed years)
    for source, target_year, confirmed in shown:
        for name in documents_named(source):
            years, unconfirmed = documents.setdefault(name, (set(), set()))
            years.add(int(target_year))
            if not confirmed:
                unconfirmed.add(int(target_year))
    target_lines = []
    for name, (years, unconfirmed) in documents.items():
        line = texts.text("deck_sources_document", name=name, years_text=years_text(years))
        if unconfirmed:
            line += texts.text("deck_sources_read_from_plans", years_text=years_text(unconfirmed))
        target_lines.append(line)

    blocks: list[tuple[str, bool]] = [(texts.text("export_col_figures"), True)]
    blocks += [(f"• {x}", False) for x in figure_lines] or [
        (texts.text("deck_sources_no_figures"), False)
    ]
    blocks.append((texts.text("method_col_target"), True))
    blocks += [(f"• {x}", False) for x in target_lines] or [
        (texts.text("deck_sources_no_target"), False)
    ]
    size = 13
    pages: list[list[tuple[str, bool]]] = [[]]
    used = 0.0
    for text, heading in blocks:
        h = _text_height([text], WIDTH, size) - 0.1
        if pages[-1] and used + h > BOTTOM - TOP - 0.2:
            pages.append([])
            used = 0.0
        pages[-1].append((text, heading))
        used += h
    for n, page in enumerate(pages):
        s = _titled(
            prs,
            texts.text("deck_sources_title") + (texts.text("deck_continued") if n else ""),
        )
        box = s.shapes.add_textbox(Inches(SIDE), Inches(TOP), Inches(WIDTH), Inches(BOTTOM - TOP))
        tf = box.text_frame
        tf.word_wrap = True
        for i, (text, heading) in enumerate(page):
            p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            p.text = text
            for run in p.runs:
                run.font.size = Pt(size)
                run.font.name = SLIDE_FONT
                run.font.bold = heading
        _footer(s, ctx)
