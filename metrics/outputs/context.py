"""What a deck or a report is made of: a locality's year of progress, its charts and its summary rows."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

import duckdb
import plotly.graph_objects as go
import polars as pl

from metrics import texts
from metrics.completeness import PARTIAL_VI, RANK_MIN_PCT, in_ranking_order
from metrics.escaping import plotly_literal, without_controls
from metrics.figures.comparison import ranked_bar, shows_ends
from metrics.figures.progress_chart import progress_chart
from metrics.fmt import fmt_int, fmt_pct
from metrics.indicators import registry
from metrics.locality_progress import (
    IndicatorProgress,
    children_progress,
    progress_for,
    series_all,
    series_frame,
)
from metrics.name_lookup import LocalityIndex
from metrics.name_parts import OLD_LEVELS, split_code_suffix
from metrics.outputs.images import HEIGHT, WIDTH, ExportError, export_server, for_print
from metrics.queries import registers as rq
from metrics.queries import targets as tq
from metrics.queries.recognitions import entries_in
from metrics.recognitions import RecognitionList, recognition_lists

# On a slide: the 10 highest and the 10 lowest, large enough to read when projected; the
# workbook has them all.
RANK_SHOWN = 10


@dataclass
class Context:
    locality: dict
    year: int
    items: list[IndicatorProgress]
    children: pl.DataFrame | None
    synthetic: bool
    # Read once for all of a document's charts: every indicator's yearly figures (one roll-up)
    # and the targets that apply, rather than both again for each chart.
    series: pl.DataFrame
    targets: pl.DataFrame
    # The unit as a document heads it, old units with "(cũ)" and their old province:
    # "Huyện Ia H'Drai (cũ), tỉnh Kon Tum (cũ)"; "" where only the name is known.
    place: str = ""

    @property
    def name(self) -> str:
        """The unit's name, an old one marked so: "Huyện Ia H'Drai (cũ)"."""
        old = self.locality.get("level") in OLD_LEVELS
        return str(self.locality["name"]) + (texts.text("export_former_suffix") if old else "")


def context(con: duckdb.DuckDBPyConnection, locality_id: str, year: int) -> Context:
    loc = rq.locality(con, locality_id)
    if loc is None:
        raise ExportError(texts.text("export_no_locality", locality_id=locality_id))
    series = series_all(con, locality_id)
    items = progress_for(con, locality_id, year, series=series)
    children = None
    if loc["level"] in ("province", "country"):
        children = children_progress(con, locality_id, year)
    targets = tq.resolved_targets(con, locality_id)
    place = split_code_suffix(LocalityIndex.from_store(con).label(locality_id))[0]
    ctx = Context(loc, year, items, children, False, series, targets, place)
    # Demo or not is told per figure: a document whose figures all come from real reports
    # carries no demo mark, whatever else the store holds.
    ctx.synthetic = figures_synthetic(ctx)
    return ctx


def register_of(con: duckdb.DuckDBPyConnection, ctx: Context) -> pl.DataFrame:
    """The register's entries for the area (its old units included) and the year."""
    return entries_in(con, ctx.locality["level"], ctx.locality["id"], year=ctx.year)


def lists_of(con: duckdb.DuckDBPyConnection, ctx: Context) -> list[RecognitionList]:
    """The register's lists for the area (its old units included) and the year; [] for none."""
    entries = register_of(con, ctx)
    return recognition_lists(entries) if entries.height else []


def years_text(years: Iterable[int]) -> str:
    """ "2021–2023, 2025": years in order, a run of three or more as a range."""
    runs: list[list[int]] = []
    for y in sorted(set(years)):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs)


def figures_sources(figures: Iterable[tuple[int, Sequence[str], Collection[str]]]) -> list[str]:
    """What "Nguồn:" names for figures, given each one's year, sources and the sources among
    them that come from synthetic batches (demo_sources): the reports each once, then the
    invented figures named as such — with their years when some figures are real ("Dữ liệu
    minh họa, số liệu giả định (năm 2021–2022)"), the demo's own line when all are; [] without
    a figure."""
    real: dict[str, None] = {}
    demo: dict[str, None] = {}
    demo_years: set[int] = set()
    for year, sources, demo_sources in figures:
        for source in sources:
            text = without_controls(source).strip()
            if not text:
                continue
            if source in demo_sources:
                demo[text] = None
                demo_years.add(year)
            else:
                real[text] = None
    if demo and real:
        return [*real, texts.text("sources_demo_years", years=years_text(demo_years))]
    return list(real) or list(demo)


def child_figures(children: pl.DataFrame, year: int) -> list[tuple[int, list[str], list[str]]]:
    """The (year, sources, demo_sources) of each row of a children_progress frame, whose
    sources are joined with "; "."""
    return [
        (year, (r["sources"] or "").split("; "), (r["demo_sources"] or "").split("; "))
        for r in children.select("sources", "demo_sources").iter_rows(named=True)
    ]


def figures_source(figures: Iterable[tuple[int, Sequence[str], Collection[str]]]) -> str:
    """figures_sources as one line: "Quyết định số 87/QĐ-UBND …; Dữ liệu minh họa, …"."""
    return "; ".join(figures_sources(figures))


def series_source(ctx: Context, indicator: str) -> str:
    """The sources of the figures a progress chart draws (every year up to the context's)."""
    rows = ctx.series.filter((pl.col("indicator") == indicator) & (pl.col("year") <= ctx.year))
    return figures_source(
        (r["year"], r["sources"] or [], r["demo_sources"] or [])
        for r in rows.select("year", "sources", "demo_sources").iter_rows(named=True)
    )


def series_synthetic(ctx: Context, indicator: str) -> bool:
    """Whether any figure a progress chart draws is invented (the demo's)."""
    rows = ctx.series.filter((pl.col("indicator") == indicator) & (pl.col("year") <= ctx.year))
    return bool(rows["synthetic"].any()) if rows.height else False


def children_synthetic(ctx: Context, indicator: str | None = None) -> bool:
    """Whether any child's figure (of one indicator, or of any) is invented."""
    if ctx.children is None:
        return False
    rows = ctx.children
    if indicator is not None:
        rows = rows.filter(pl.col("indicator") == indicator)
    return bool(rows["synthetic"].fill_null(False).any())


def figures_synthetic(ctx: Context) -> bool:
    """Whether any figure a document shows for the place and year is invented: its own
    figures and, for a province or the country, its children's. A document of real figures
    only carries no demo mark, whatever else the store holds."""
    own = any(it.synthetic for it in ctx.items if it.has_data)
    return own or children_synthetic(ctx)


def children_source(ctx: Context, indicator: str) -> str:
    """The sources of the children's figures a ranking draws: "Số liệu các xã, phường: …"."""
    assert ctx.children is not None
    said = figures_source(
        child_figures(ctx.children.filter(pl.col("indicator") == indicator), ctx.year)
    )
    who = (
        texts.text("export_who_communes")
        if ctx.locality["level"] == "province"
        else texts.text("export_who_provinces")
    )
    return texts.text("export_children_source", who=who) + (f": {said}" if said else "")


def plan_name(source: str) -> str:
    """The plan or decision that sets a target, as a chart or a table cell names it: the first
    registered decision its source cites, by number ("Quyết định số 387/QĐ-TTg"); any other
    source as typed."""
    cited = registry().documents_cited(source)
    if not cited:
        return without_controls(source).strip()
    doc = cited[0]
    end = doc.name_vi.find(doc.number)
    return doc.name_vi[: end + len(doc.number)] if end >= 0 else doc.name_vi


def documents_named(source: str) -> list[str]:
    """Every document a source names, in full, as a list of sources prints them: the registered
    decisions it cites ("Quyết định số 387/QĐ-TTg ngày 25/3/2022 …"), else the text as typed."""
    cited = registry().documents_cited(source)
    return [d.name_vi for d in cited] or [without_controls(source).strip()]


def target_plans(targets: pl.DataFrame) -> list[tuple[str, list[int]]]:
    """The plans that set these targets (rows with `source` and `target_year`), each once with
    the years it sets: [("Quyết định số 387/QĐ-TTg", [2025, 2030]), ("Kế hoạch …", [2026])],
    in the order of their first year."""
    plans: dict[str, set[int]] = {}
    for row in targets.select("source", "target_year").drop_nulls().iter_rows(named=True):
        plans.setdefault(plan_name(row["source"]), set()).add(int(row["target_year"]))
    return sorted(((p, sorted(ys)) for p, ys in plans.items()), key=lambda py: (py[1][0], py[0]))


def plans_line(targets: pl.DataFrame) -> str:
    """A chart's subtitle lines naming the plans whose targets it draws, one line a plan:
    "Mục tiêu năm 2025: Quyết định số 387/QĐ-TTg\nMục tiêu năm 2026, 2030: Kế hoạch …"; ""
    without a target."""
    return "\n".join(
        texts.text("export_plans_line", years=", ".join(map(str, years)), plan=plan)
        for plan, years in target_plans(targets)
    )


def chart_targets(ctx: Context, indicator: str) -> pl.DataFrame:
    """The targets a progress chart draws: every target year that applies to the place."""
    return ctx.targets.filter(pl.col("indicator") == indicator)


def indicator_chart(
    ctx: Context,
    item: IndicatorProgress,
    size: tuple[int, int] = (WIDTH, HEIGHT),
    demo_mark: bool = True,
) -> go.Figure:
    """The indicator's chart laid out for print at `size` pixels; the type stays the same size,
    so a smaller canvas (the deck's 1280×720) shows it larger on the page. `demo_mark=False`
    where the page around it (a slide's footer) already says the data is illustrative."""
    series = ctx.series.filter(pl.col("indicator") == item.indicator)
    targets = ctx.targets.filter(pl.col("indicator") == item.indicator)
    fig = progress_chart(series, item, targets, synthetic=False)
    fig.update_layout(title={"text": plotly_literal(f"{item.indicator_label} — {ctx.name}")})
    subtitle = texts.text("export_ranking_subtitle", place=ctx.place or ctx.name, year=ctx.year)
    drawn = plans_line(chart_targets(ctx, item.indicator))
    if drawn:
        subtitle += "\n" + drawn
    return for_print(
        fig,
        source=series_source(ctx, item.indicator) or texts.text("export_summary_no_figures"),
        synthetic=demo_mark and series_synthetic(ctx, item.indicator),
        subtitle=subtitle,
        width=size[0],
        height=size[1],
    )


def ranking_chart(ctx: Context, indicator: str, demo_mark: bool = True) -> go.Figure:
    """The RANK_SHOWN highest and lowest (of many) for a slide, the units between them one row
    "⋯ N đơn vị khác ⋯" as on So sánh xã; figures kept apart (under RANK_MIN_PCT % of units
    reported) after, unranked."""
    assert ctx.children is not None
    sub = ctx.children.filter((pl.col("indicator") == indicator) & pl.col("rate_pct").is_not_null())
    ordered = in_ranking_order(sub)
    whole = ordered.filter(pl.col("rank").is_not_null())
    partial = ordered.filter(pl.col("rank").is_null())
    note = ""
    if shows_ends(whole.height, RANK_SHOWN):
        note = texts.text("export_ranking_shown", rank_shown=RANK_SHOWN, height=whole.height)
    if partial.height:  # shown after the ranked ones, never ranked with them
        note += texts.text(
            "export_ranking_partial",
            height=partial.height,
            partial=PARTIAL_VI,
            rank_min_pct=RANK_MIN_PCT,
        )
    fig = ranked_bar(
        sub, indicator=indicator, locality_name=ctx.name, synthetic=False, ends=RANK_SHOWN
    )
    subtitle = texts.text("export_ranking_subtitle", place=ctx.place or ctx.name, year=ctx.year)
    if note:  # what the ranking leaves out, on a line of its own
        subtitle += "\n" + note.removeprefix(" · ")
    drawn = plans_line(sub.select(pl.col("target_source").alias("source"), "target_year"))
    if drawn:
        subtitle += "\n" + drawn
    return for_print(
        fig,
        source=children_source(ctx, indicator),
        synthetic=demo_mark and children_synthetic(ctx, indicator),
        subtitle=subtitle,
    )


def chart_export(
    con: duckdb.DuckDBPyConnection,
    locality_id: str,
    year: int,
    indicator: str,
    fmt: str,
    scale: float = 1.0,
) -> bytes:
    """One indicator's progress chart as PNG or SVG (the CLI's `export png|svg`)."""
    ctx = context(con, locality_id, year)
    item = next((it for it in ctx.items if it.indicator == indicator), None)
    if item is None:
        raise ExportError(texts.text("export_no_indicator", indicator=indicator))
    return export_server().image_bytes(indicator_chart(ctx, item), fmt, scale)


def chart_data(con: duckdb.DuckDBPyConnection, locality_id: str, indicator: str) -> pl.DataFrame:
    """The data behind a progress chart, with Vietnamese column names (CSV/XLSX downloads)."""
    s = series_frame(con, locality_id, indicator)
    return s.select(
        pl.col("year").alias(texts.text("year")),
        pl.col("total").alias(texts.text("fig_households")),
        pl.col("registered").alias(texts.text("export_registered")),
        pl.col("recognized").alias(texts.text("export_recognised")),
        pl.col("rate_pct").round(2).alias(texts.text("export_rate_of_total")),
        pl.col("rate_registered_pct").round(2).alias(texts.text("export_rate_of_registered")),
        pl.col("sources").list.join("; ").alias(texts.text("method_col_source")),
    )


@dataclass(frozen=True)
class SummaryRow:
    """One indicator's line of the summary table, as the deck and the report draft print it.
    The status stays a code: the deck shows it with its symbol, the report in words only."""

    label: str
    counts: str  # "công nhận/tổng số"
    rate: str
    target: str
    plan: str
    status: str


def summary_rows(ctx: Context) -> list[SummaryRow]:
    return [
        SummaryRow(
            label=it.indicator_label,
            counts=f"{fmt_int(it.recognized)}/{fmt_int(it.total)}"
            + (f" ({it.partial_note})" if it.partial_note else "")
            if it.has_data
            else texts.text("export_summary_no_figures"),
            rate=fmt_pct(it.rate_pct),
            target=f"{fmt_pct(it.target_pct, 0)} ({it.target_year})"
            if it.target_pct is not None
            else "–",
            plan=fmt_pct(it.plan_pct, 0),
            status=it.status,
        )
        for it in ctx.items
    ]
