"""The report draft (.docx) in the form of Nghị định 30/2020/NĐ-CP, Phụ lục I: issuing body and
Quốc hiệu – Tiêu ngữ, number, place and date, "BÁO CÁO" and its summary, căn cứ, I. Kết quả thực
hiện, II. Đánh giá chung, III. Phương hướng, nhiệm vụ, IV. Đề xuất, kiến nghị, Nơi nhận and the
signature block; the register's lists of recognised units as its appendix. What only the official
can judge is a highlighted placeholder (metrics.outputs.report_text writes the words)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb
import plotly.graph_objects as go
import polars as pl
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from metrics import texts
from metrics.circulars import RESULT_LABEL
from metrics.escaping import without_controls
from metrics.fmt import fmt_pct
from metrics.indicators import registry
from metrics.lagging import lagging_children, silent_children
from metrics.locality_progress import IndicatorProgress
from metrics.outputs.context import (
    Context,
    context,
    indicator_chart,
    register_of,
    summary_rows,
)
from metrics.outputs.images import ExportError, export_server
from metrics.outputs.report_text import (
    APPENDIX_HEADING,
    KINDS,
    NAME_TO_FILL,
    PLACEHOLDER_RE,
    Place,
    as_written,
    basis_documents,
    default_kind,
    indicator_sentence,
    lagging_line,
    listed_line,
    missing_names,
    not_recognised_text,
    other_lists_text,
    period_start,
    place_of,
    plan_ref,
    register_lines,
    shortfalls,
    status_text,
    strengths,
    summary_line,
    target_groups,
    to_fill,
)
from metrics.place_context import (
    EducationLevels,
    PlaceContext,
    area_word,
    context_for,
    context_sentences,
    education_for,
    education_sentence,
)
from metrics.plans import Latest, plan_groups
from metrics.queries.targets import plan_items_of
from metrics.recognitions import RecognitionList, is_recognised, lists_shown, recognition_lists
from metrics.series import each

REPORT_FONT = "Times New Roman"
BODY_PT = 14  # Nghị định 30/2020: body 13–14 pt
HEADER_PT = 13  # the header's lines: 12–13 pt
TABLE_PT = 12
FOOTER_DRAFT = texts.text("draft_footer")
# A4 and the decree's margins: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
MARGINS_CM = {"top": 2.0, "bottom": 2.0, "left": 3.0, "right": 2.0}
TEXT_WIDTH_CM = 21.0 - MARGINS_CM["left"] - MARGINS_CM["right"]  # 16 cm
PRINT_MIN_PT = 9.0  # no chart text under 9 pt once the image is placed on the page
CHART_ASPECT = 0.75  # height ÷ width: the print layout's fixed title and footer bands need room

# Once, where a reader compares years across the 2025 reorganisation.
REORGANISATION_NOTE = texts.text("draft_reorganisation_note")


def build_report(
    con: duckdb.DuckDBPyConnection,
    locality_id: str,
    year: int,
    out: Path | io.BytesIO,
    *,
    kind: str | None = None,
    recipient: str | None = None,
) -> None:
    """The draft for a place and year. `kind`: "so-ket" (sơ kết of the stage up to `year`) or
    "nam" (the year's result); by default a sơ kết when a five-year stage ends (2025, 2030).
    `recipient`: the body the report goes to ("Sở Giáo dục và Đào tạo"), named in the closing
    sentence and first under Nơi nhận; without it, a placeholder."""
    kind = kind or default_kind(year)
    if kind not in KINDS:
        raise ExportError(texts.text("draft_unknown_kind", kind=kind, kinds=", ".join(KINDS)))
    ctx = context(con, locality_id, year)
    reg = registry()
    rank = {ind.id: n for n, ind in enumerate(reg.in_model_order())}
    ctx.items.sort(key=lambda it: rank[it.indicator])  # sections, tables and charts alike
    place = place_of(con, ctx.locality)
    recipient = as_written(recipient).strip() if recipient else ""

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
    section.top_margin, section.bottom_margin = Cm(MARGINS_CM["top"]), Cm(MARGINS_CM["bottom"])
    section.left_margin, section.right_margin = Cm(MARGINS_CM["left"]), Cm(MARGINS_CM["right"])
    section.footer_distance = Cm(0.8)
    _set_styles(doc)

    shown = [it for it in ctx.items if it.has_data]
    invented = [it for it in shown if it.synthetic]
    all_invented = bool(invented) and len(invented) == len(shown)
    about = context_for(con, locality_id, year), education_for(con, locality_id, year)
    about_invented = any(a is not None and a.synthetic for a in about)
    foot = section.footer.paragraphs[0]
    foot.text = FOOTER_DRAFT + (
        f" {texts.text('synthetic')}." if invented or about_invented else ""
    )
    for run in foot.runs:
        run.font.size = Pt(10)
        run.font.italic = True

    _header(doc, place)
    _title(doc, kind, year, place)
    if all_invented:
        _para(doc, f"[{texts.text('synthetic')}]", italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _basis(doc, ctx, place, kind)

    # I. Kết quả thực hiện
    span = (
        texts.text("draft_span_stage", period_start=period_start(year), year=year)
        if kind == "so-ket"
        else texts.text("draft_span_year", year=year)
    )
    _heading(doc, texts.text("draft_heading_results_of", span=span), 2)
    _about(doc, place, *about, mark_each=about_invented and not all_invented)
    _heading(doc, texts.text("draft_heading_direction_work"), 3)
    _para(
        doc,
        to_fill(texts.text("draft_direction_to_fill")),
    )
    _heading(doc, texts.text("draft_heading_results"), 3)
    _para(
        doc,
        texts.text("draft_results_lead", year=year, where=place.where()),
    )
    if not place.old:
        _para(doc, REORGANISATION_NOTE, italic=True)
    _results(doc, ctx, place, mark_each=bool(invented) and not all_invented)
    entries = register_of(con, ctx)
    said = register_lines(entries, ctx.locality["id"])
    if said:
        # After the models' sections (2.1 …), numbered on from them.
        n = len({reg.by_id(it.indicator).model for it in ctx.items}) + 1
        _heading(doc, texts.text("draft_heading_recognitions", n=n), 4)
    for line in said:
        _para(doc, line)
    _heading(doc, texts.text("draft_heading_summary"), 3)
    _caption(doc, texts.text("draft_summary_table", year=year))
    _summary_table(doc, ctx, place)
    if kind == "so-ket":
        _caption(doc, texts.text("draft_years_table", period_start=period_start(year), year=year))
        _years_table(doc, ctx, place)

    # II. Đánh giá chung
    _heading(doc, texts.text("draft_heading_assessment"), 2)
    _heading(doc, texts.text("draft_heading_strengths"), 3)
    good = strengths(ctx.items, place, ctx.targets, year)
    if not good:
        _para(doc, texts.text("draft_no_strengths", year=year))
    for line in good:
        _para(doc, f"- {line}")
    _para(doc, to_fill(texts.text("draft_strengths_to_fill")))
    _heading(doc, texts.text("draft_heading_shortfalls"), 3)
    short = shortfalls(ctx.items, place, year)
    for line in short:
        _para(doc, f"- {line}")
    _children(doc, ctx, place)
    if not short and ctx.children is None:
        _para(doc, texts.text("draft_no_shortfalls", year=year))
    _para(doc, to_fill(texts.text("draft_causes_to_fill")))

    # III. Phương hướng, nhiệm vụ
    ahead = (
        texts.text("draft_ahead_stage", year_after=year + 1, end_year=max(2030, year + 1))
        if kind == "so-ket"
        else texts.text("draft_ahead_year", year_after=year + 1)
    )
    _heading(doc, texts.text("draft_heading_direction", ahead=ahead), 2)
    _heading(doc, texts.text("draft_heading_targets"), 3)
    groups = target_groups(ctx.targets, after=year, items=ctx.items, place=place)
    if not groups:
        _para(doc, texts.text("draft_no_targets_ahead", year=year))
    for source, lines in groups:  # each source named once, its targets under it
        _para(doc, f"Theo {source}:")
        for line in lines:
            _para(doc, f"- {line}")
    plans = plan_items_of(con, ctx.locality["id"])
    if plans.height:
        _para(doc, texts.text("draft_other_plan_items"))
        if plans["synthetic"].any():
            _para(doc, f"[{texts.text('synthetic')}]", italic=True)
        for source, lines in plan_groups(plans, latest_rates(ctx)):
            _para(doc, f"Theo {without_controls(source)}:")
            for line in lines:
                _para(doc, f"- {line}")
    _heading(doc, texts.text("draft_heading_tasks"), 3)
    _para(doc, to_fill(texts.text("draft_tasks_to_fill", year_after=year + 1)))

    _heading(doc, texts.text("draft_heading_proposals"), 2)
    _para(doc, to_fill(texts.text("draft_proposals_to_fill")))

    to = recipient or to_fill(texts.text("draft_signature_recipient"))
    _para(
        doc, texts.text("draft_closing", body=place.body(), to=to)
    ).paragraph_format.keep_with_next = True
    _signature(doc, place, recipient)

    lists = recognition_lists(entries) if entries.height else []
    if lists:
        add_appendix(doc, lists)
    _as_written(doc)
    doc.save(str(out) if isinstance(out, Path) else out)


def latest_rates(ctx: Context) -> Latest:
    """Each indicator's latest rate for the place up to the report's year."""
    known = ctx.series.filter(pl.col("rate_pct").is_not_null() & (pl.col("year") <= ctx.year))
    return {
        r["indicator"]: (int(r["year"]), float(r["rate_pct"]))
        for r in known.sort("year").group_by("indicator").last().iter_rows(named=True)
    }


# --- the form --------------------------------------------------------------------------------------


def _header(doc, place: Place) -> None:
    """The issuing body and number (left), Quốc hiệu – Tiêu ngữ and the place and date (right)."""
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    _widths(table, [Cm(6.0), Cm(TEXT_WIDTH_CM - 6.0)])
    issuer = place.issuer_lines()
    for n, line in enumerate(issuer):
        _para(
            left,
            line,
            bold=n == len(issuer) - 1,
            size=HEADER_PT,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            first=n == 0,
        )
    _para(left, "———", size=HEADER_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(left, place.number_line(), size=HEADER_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(
        right,
        texts.text("draft_state_name"),
        bold=True,
        size=12,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        first=True,
    )
    motto = _para(
        right,
        texts.text("draft_motto"),
        bold=True,
        size=HEADER_PT,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    for run in motto.runs:
        run.font.underline = True
    _para(right, "", size=HEADER_PT)
    _para(right, place.date_line(), italic=True, size=HEADER_PT, align=WD_ALIGN_PARAGRAPH.CENTER)


def _title(doc, kind: str, year: int, place: Place) -> None:
    first = _para(doc, texts.text("draft_title"), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    first.paragraph_format.space_before = Pt(18)
    first.paragraph_format.space_after = Pt(0)
    _para(doc, summary_line(kind, year, place.where()), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "———", align=WD_ALIGN_PARAGRAPH.CENTER)


def _basis(doc, ctx: Context, place: Place, kind: str) -> None:
    """Căn cứ: the plans and decisions whose targets are in force here, each once; the document
    that asked for the report is the official's to name."""
    for name in basis_documents(ctx.targets):
        _para(doc, texts.text("draft_basis_document", name=name))
    _para(
        doc, texts.text("draft_basis_pursuant", to_fill=to_fill(texts.text("draft_basis_request")))
    )
    what = summary_line(kind, ctx.year, "")
    _para(
        doc,
        texts.text("draft_basis_reports", body=place.body(), first=what[0].lower(), rest=what[1:]),
    )


def _about(
    doc,
    place: Place,
    about: PlaceContext | None,
    education: EducationLevels | None,
    mark_each: bool,
) -> None:
    """The results open on the place as its reports describe it: households and people, ethnic
    minorities, villages, agencies, schools (with their date), then the universal-education
    standards; a placeholder for what the store does not hold."""
    said: list[str] = []
    sources: list[str] = []
    for held, words in (
        (about, lambda a: context_sentences(a, area_word(place.own_name))),
        (education, lambda e: [education_sentence(e, place.own_name)]),
    ):
        if held is None:
            continue
        sentences = [w for w in words(held) if w]
        if mark_each and held.synthetic:
            sentences.append(texts.text("draft_about_demo_mark"))
        said += sentences
        demo = held.synthetic
        source = as_written(texts.text("fig_synthetic_note") if demo else held.source)
        if source not in sources:
            sources.append(source)
    if about is None:
        said.append(to_fill(texts.text("draft_about_context")))
    if education is None:
        said.append(to_fill(texts.text("draft_about_education")))
    _para(doc, " ".join(said))
    if sources:
        _para(
            doc,
            texts.text("draft_sources", sources="; ".join(sources)),
            italic=True,
            size=TABLE_PT,
        )


def _results(doc, ctx: Context, place: Place, mark_each: bool) -> None:
    """Per model a paragraph of sentences, the sources of its real figures, then its charts at a
    size that prints every text at 9 pt or more."""
    reg = registry()
    by_model: dict[str, list[IndicatorProgress]] = {}
    for it in ctx.items:
        by_model.setdefault(reg.by_id(it.indicator).model, []).append(it)
    models = {m.id: m for m in reg.model}
    unit_name = place.own_name
    charted: list[tuple[IndicatorProgress, go.Figure]] = []
    blocks: list[tuple[str, list[str], list[str], list[IndicatorProgress]]] = []
    for n, (model_id, its) in enumerate(by_model.items(), start=1):
        said = []
        for it in its:
            if not it.has_data:
                continue
            sentence = indicator_sentence(it, ctx.year, unit_name, place, ctx.targets)
            if mark_each and it.synthetic:
                sentence += texts.text("draft_results_demo_mark")
            said.append(sentence)
        missing = missing_names(ctx.items, place, among=its)
        if missing and not said:
            said.append(texts.text("draft_results_no_figures", year=ctx.year))
        elif missing:
            said.append(
                texts.text("draft_no_figures_on", year=ctx.year, missing="; ".join(missing))
            )
        elif not said:
            said.append(
                texts.text(
                    "draft_results_not_owed",
                    first=place.own_name[0].lower(),
                    rest=place.own_name[1:],
                )
            )
        sources: list[str] = []
        for it in its:
            for s in it.report_sources:
                if s not in sources:
                    sources.append(s)
        chart_items = [it for it in its if it.has_data and it.rate_pct is not None]
        blocks.append((f"2.{n}. {models[model_id].heading_vi()}", said, sources, chart_items))
        charted += [(it, _print_chart(ctx, it, place)) for it in chart_items]
    # All the charts at once (ExportServer.images): each is built while the one before is drawn.
    pngs = iter(export_server().images((fig for _, fig in charted), scale=2) if charted else [])
    number = 0
    for heading, said, sources, chart_items in blocks:
        _heading(doc, heading, 4)
        _para(doc, " ".join(said))
        if sources:
            _para(
                doc,
                texts.text("draft_sources", sources="; ".join(sources)),
                italic=True,
                size=TABLE_PT,
            )
        for it in chart_items:
            number += 1
            doc.add_picture(io.BytesIO(next(pngs)), width=Cm(TEXT_WIDTH_CM))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            doc.paragraphs[-1].paragraph_format.first_line_indent = Cm(0)
            label = place.label(registry().by_id(it.indicator))
            _caption(
                doc,
                texts.text("draft_chart_caption", number=number, label=label, name=place.name),
                italic=True,
            )


def _print_chart(ctx: Context, it: IndicatorProgress, place: Place) -> go.Figure:
    """The indicator's chart on a canvas narrow enough that its smallest text prints at 9 pt or
    more at the text width; marked as demo data only when its own figure is invented. Its title
    is the indicator in the place's words (the caption under it names the place)."""
    probe = indicator_chart(ctx, it, demo_mark=it.synthetic)
    width = chart_canvas_width(probe, TEXT_WIDTH_CM)
    height = round(width * CHART_ASPECT)
    fig = indicator_chart(ctx, it, (width, height), demo_mark=it.synthetic)
    # On the narrow canvas: the title wrapped to its width (the caption names the place too),
    # and no "Năm" under the years, where the legend's second row would run over it.
    title = place.label(registry().by_id(it.indicator))
    title_px = fig.layout.title.font.size or 34
    lines = _wrap(title, max(20, int((width - 40) / (0.55 * title_px))))
    margin_t = fig.layout.margin.t or 0
    fig.update_layout(
        title={"text": "<br>".join(lines)},
        margin={"t": margin_t + title_px * (len(lines) - 1)},
        height=height + title_px * (len(lines) - 1),
    )
    fig.update_xaxes(title=None)
    plot_px = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    fig.update_layout(legend={"y": -44 / plot_px})
    return fig


def _wrap(text: str, chars: int) -> list[str]:
    """Words into lines of at most `chars` characters."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def chart_canvas_width(fig: go.Figure, placed_cm: float, min_pt: float = PRINT_MIN_PT) -> int:
    """The widest canvas (pixels) on which the figure's smallest text, once the image is placed
    `placed_cm` wide, still measures `min_pt` points."""
    placed_pt = placed_cm / 2.54 * 72
    return int(smallest_text_px(fig) * placed_pt / min_pt)


def smallest_text_px(fig: go.Figure) -> float:
    """The smallest font size (px) of any text the figure draws: its layout font and every font,
    text font, tick font and annotation font it sets (hover labels are never printed)."""
    layout = fig.to_plotly_json()["layout"]
    sizes: list[float] = [float((layout.get("font") or {}).get("size") or 12)]

    def walk(node: Any, key: str = "") -> None:
        if isinstance(node, dict):
            if key.endswith("font") and "size" in node:
                size = node["size"]
                sizes.extend(
                    float(s) for s in (size if isinstance(size, list | tuple) else [size]) if s
                )
            for k, v in node.items():
                if k != "hoverlabel":
                    walk(v, k)
        elif isinstance(node, list | tuple):
            for v in node:
                walk(v, key)

    walk(fig.to_plotly_json())
    return min(sizes)


def _children(doc, ctx: Context, place: Place) -> None:
    """The communes (or provinces) that lag, fall back or sent no figure, as Tổng quan names
    them (metrics.lagging): a line per indicator, then a table of those that did not report."""
    children = ctx.children
    if children is None or not children.height:
        return
    word = texts.text("level_province") if place.level == "country" else texts.text("level_commune")
    lines = []
    for it in ctx.items:
        lag = lagging_children(children, it.indicator)
        line = lagging_line(place.label(registry().by_id(it.indicator)), lag.weakest, lag.falling)
        if line:
            lines.append(line)
    if lines:
        _para(doc, texts.text("draft_children_lagging", word=word))
        for line in lines:
            _para(doc, f"- {line}")
    silent = silent_children(children)
    if not silent:
        _para(doc, texts.text("draft_children_all_reported", word=word, year=ctx.year))
        return
    owed_all = {
        ind.id
        for ind in registry().in_model_order()
        if any(ind.id in missing for _, missing in silent)
    }
    _para(
        doc,
        texts.text("draft_children_silent", silent=len(silent), word=word, year=ctx.year),
    )
    _caption(doc, texts.text("draft_children_table", word=word, year=ctx.year))
    rows = []
    for name, missing in silent:
        said = (
            texts.text("draft_children_all")
            if set(missing) >= owed_all and len(owed_all) > 1
            else "; ".join(registry().by_id(i).short_vi for i in missing)
        )
        rows.append((name, said))
    table = _grid(
        doc,
        [
            "STT",
            texts.text("draft_children_col_name", level=word.split(",")[0]),
            texts.text("draft_children_col_missing"),
        ],
        [Cm(1.3), Cm(6.2), Cm(8.5)],
    )
    for i, (name, said) in enumerate(rows, start=1):
        _row(table, [str(i), name, said], center=(0,))


# --- tables ------------------------------------------------------------------------------------


def _summary_table(doc, ctx: Context, place: Place) -> None:
    """Bảng 1 in the models' order: the deck's and the workbook's figures (summary_rows), each
    target with its year and plan."""
    table = _grid(
        doc,
        [
            "STT",
            texts.text("indicator"),
            texts.text("draft_summary_col_counts"),
            texts.text("export_col_rate"),
            texts.text("draft_summary_col_target"),
            texts.text("draft_summary_col_plan"),
            texts.text("export_col_status"),
        ],
        [Cm(1.3), Cm(3.8), Cm(2.4), Cm(1.6), Cm(3.0), Cm(1.5), Cm(2.4)],
    )
    rows = [
        (row, it) for row, it in zip(summary_rows(ctx), ctx.items, strict=True) if _owed(it, place)
    ]
    for i, (row, it) in enumerate(rows, start=1):
        target = row.target
        if it.target_pct is not None:
            target += f"\n{plan_ref(it.target_source, it.target_scope_name)}"
        counts = row.counts if it.has_data else texts.text("fig_no_data")
        # A narrow column: the counts break after the slash and before a completeness note,
        # never inside a number.
        figure, _, note = counts.partition(" (")
        if len(figure) > 9:
            figure = figure.replace("/", "/\n", 1)
        counts = figure + (f"\n({note}" if note else "")
        if it.has_data and not it.recognized and it.total is None:
            counts = "0"
        if it.has_data and it.total == 1 and place.level == "commune":  # the commune itself
            counts = (
                texts.text("draft_summary_recognised")
                if it.recognized
                else texts.text("draft_summary_not_recognised")
            )
        label = place.label(registry().by_id(it.indicator))
        _row(
            table,
            [str(i), label, counts, row.rate, target, row.plan, status_text(it)],
            center=(0, 2, 3, 5),
        )


def _owed(it: IndicatorProgress, place: Place) -> bool:
    """A row for each figure, and for each indicator the place reports but did not: never a
    "Chưa có số liệu" for what the place does not report."""
    return it.has_data or place.owes(registry().by_id(it.indicator))


def _years_table(doc, ctx: Context, place: Place) -> None:
    """Bảng 2 (sơ kết): each indicator's rate in each year of the stage, from the charts' series."""
    years = list(range(period_start(ctx.year), ctx.year + 1))
    rates = {
        (r["indicator"], r["year"]): r["rate_pct"]
        for r in ctx.series.filter(pl.col("year").is_in(years)).iter_rows(named=True)
    }
    rest = TEXT_WIDTH_CM - 1.3 - 5.2
    table = _grid(
        doc,
        ["STT", texts.text("indicator"), *(str(y) for y in years)],
        [Cm(1.3), Cm(5.2), *(Cm(rest / len(years)) for _ in years)],
    )
    for i, it in enumerate((it for it in ctx.items if _owed(it, place)), start=1):
        cells = [fmt_pct(rates.get((it.indicator, y))) for y in years]
        label = place.label(registry().by_id(it.indicator))
        _row(
            table, [str(i), label, *cells], center=tuple(c for c in range(len(years) + 2) if c != 1)
        )


def _grid(doc, header: list[str], widths: list) -> Any:
    """A bordered table with its header row, repeated on every page the table runs over."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for c, h in enumerate(header):
        cell = table.rows[0].cells[c]
        _para(cell, h, bold=True, size=TABLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, first=True)
    _repeat_header(table)
    _widths(table, widths)
    return table


def _row(table, values: Iterable[str], center: tuple[int, ...] = ()) -> None:
    cells = table.add_row().cells
    for c, (cell, value) in enumerate(zip(cells, values, strict=True)):
        align = WD_ALIGN_PARAGRAPH.CENTER if c in center else WD_ALIGN_PARAGRAPH.LEFT
        for n, line in enumerate(value.split("\n")):
            _para(cell, line, size=TABLE_PT, align=align, first=n == 0)
    # A row is never cut between pages.
    table.rows[-1]._tr.get_or_add_trPr().append(_on("w:cantSplit"))
    for cell, column in zip(cells, table.columns, strict=True):
        cell.width = column.width


def _repeat_header(table) -> None:
    """Word's "Repeat as header row at the top of each page"."""
    table.rows[0]._tr.get_or_add_trPr().append(_on("w:tblHeader"))


def _on(tag: str) -> Any:
    el = OxmlElement(tag)
    el.set(qn("w:val"), "true")
    return el


def _widths(table, widths: list) -> None:
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for table_row in table.rows:
        for width, cell in zip(widths, table_row.cells, strict=True):
            cell.width = width


# --- closing ---------------------------------------------------------------------------------------


def _signature(doc, place: Place, recipient: str) -> None:
    """Nơi nhận (left, 12 and 11 pt) and the signature block (right): quyền hạn, chức vụ, then
    room for the signature and the signer's name."""
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.rows[0]._tr.get_or_add_trPr().append(_on("w:cantSplit"))  # one block, on one page
    left, right = table.rows[0].cells
    _widths(table, [Cm(7.5), Cm(TEXT_WIDTH_CM - 7.5)])
    _para(
        left, texts.text("draft_signature_recipients"), bold=True, italic=True, size=12, first=True
    )
    for line in (
        f"- {recipient or to_fill(texts.text('draft_signature_recipient'))} (b/c);",
        f"- {to_fill(texts.text('draft_signature_others'))};",
        texts.text("draft_signature_archive"),
    ):
        _para(left, line, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    for n, line in enumerate(place.signer_lines()):
        _para(right, line, bold=True, size=HEADER_PT, align=WD_ALIGN_PARAGRAPH.CENTER, first=n == 0)
    for _ in range(4):
        _para(right, "", size=HEADER_PT)
    _para(right, NAME_TO_FILL, bold=True, size=HEADER_PT, align=WD_ALIGN_PARAGRAPH.CENTER)


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
            doc.add_paragraph(f"[{texts.text('synthetic')}]").runs[0].italic = True
        for source in lst.sources:
            doc.add_paragraph(
                texts.text("draft_appendix_source", source=without_controls(source))
            ).runs[0].italic = True
        # The app makes drafts beside its page runs: each value in this thread (metrics.series).
        recognised = lst.entries.filter(
            each(lst.entries["result"], is_recognised, pl.Boolean).fill_null(False)
        )
        if recognised.height:
            table = _grid(
                doc,
                ["STT", texts.text("export_col_unit_name"), texts.text("register_result")],
                [Cm(1.3), Cm(11.7), Cm(3.0)],
            )
            for i, r in enumerate(recognised.iter_rows(named=True), start=1):
                result = RESULT_LABEL.get(r["result"], r["result"])
                _row(table, [str(i), without_controls(r["name"]), result], center=(0, 2))
            doc.add_paragraph()  # a table's last row would touch the next list's heading
        said = not_recognised_text(lst)
        if said:
            doc.add_paragraph(said)
    if rest:
        doc.add_paragraph(other_lists_text(rest))
        for lst in rest:
            doc.add_paragraph(f"- {without_controls(listed_line(lst))}")


# --- text ----------------------------------------------------------------------------------------


def _para(
    where,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    align: Any = None,
    first: bool = False,
) -> Any:
    """A paragraph (in the document or a table cell; `first` fills a cell's empty first one) whose
    placeholders are highlighted, so the official sees at once what is left to write."""
    p = where.paragraphs[0] if first and where.paragraphs else where.add_paragraph()
    if align is not None:
        p.alignment = align
    if align is not None or size is not None:
        p.paragraph_format.first_line_indent = Cm(0)
    text = without_controls(text)
    at = 0
    for m in PLACEHOLDER_RE.finditer(text):
        _run(p, text[at : m.start()], bold, italic, size)
        _run(p, m[0], bold, italic, size).font.highlight_color = WD_COLOR_INDEX.YELLOW
        at = m.end()
    _run(p, text[at:], bold, italic, size)
    return p


def _run(p, text: str, bold: bool, italic: bool, size: float | None) -> Any:
    run = p.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    if size is not None:
        run.font.size = Pt(size)
    return run


def _heading(doc, text: str, level: int) -> None:
    doc.add_heading(text, level=level)


def _caption(doc, text: str, italic: bool = False) -> None:
    p = _para(
        doc,
        text,
        bold=not italic,
        italic=italic,
        size=TABLE_PT + 1,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    p.paragraph_format.keep_with_next = True


def _as_written(doc) -> None:
    """Every run of the body, its tables and the footer in the one written form
    (report_text.as_written: the straight apostrophe, dd/mm/yyyy)."""

    def paragraphs(container: Any) -> Iterable[Any]:
        yield from container.paragraphs
        for table in getattr(container, "tables", []):
            for row in table.rows:
                for cell in row.cells:
                    yield from paragraphs(cell)

    def rewrite(container: Any) -> None:
        for p in paragraphs(container):
            for run in p.runs:
                text = as_written(run.text)
                if text != run.text:  # a picture's run has no text: setting it would drop it
                    run.text = text

    for section in doc.sections:
        rewrite(section.footer)
    rewrite(doc)


def _set_styles(doc) -> None:
    for style_name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "Title"):
        style = doc.styles[style_name]
        style.font.name = REPORT_FONT
        fonts = style.element.rPr.rFonts
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)  # the template's theme fonts would win over the name
        fonts.set(qn("w:eastAsia"), REPORT_FONT)
        style.font.size = Pt(BODY_PT)
        if style_name != "Normal":
            # Administrative documents: black bold headings, no theme colour, the body's size.
            style.font.color.rgb = RGBColor(0, 0, 0)
            style.font.bold = True
            style.font.italic = style_name == "Heading 4"
            style.paragraph_format.first_line_indent = (
                Cm(1.0) if style_name != "Heading 2" else Cm(0)
            )
            style.paragraph_format.space_before = Pt(6)
            style.paragraph_format.space_after = Pt(6)
            style.paragraph_format.keep_with_next = True
    normal = doc.styles["Normal"].paragraph_format
    normal.first_line_indent = Cm(1.0)
    normal.space_after = Pt(6)
    normal.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
