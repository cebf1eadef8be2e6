"""What a deck or a report is made of: a locality's year of progress, its charts and its summary rows."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import plotly.graph_objects as go
import polars as pl

from metrics import register_queries as rq
from metrics import target_queries as tq
from metrics.completeness import PARTIAL_VI, RANK_MIN_PCT, in_ranking_order
from metrics.figures.comparison import ranked_bar
from metrics.figures.progress_chart import progress_chart
from metrics.fmt import fmt_int, fmt_pct
from metrics.locality_progress import (
    IndicatorProgress,
    children_progress,
    progress_for,
    series_all,
    series_frame,
)
from metrics.outputs.images import HEIGHT, WIDTH, ExportError, export_server, for_print
from metrics.recognition_queries import entries_in
from metrics.recognitions import RecognitionList, recognition_lists

RANK_SHOWN = 15  # on a slide: the 15 highest and the 15 lowest; the workbook has them all


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

    @property
    def name(self) -> str:
        return str(self.locality["name"])

    def item_synthetic(self, item: IndicatorProgress) -> bool:
        """Whether what a figure's chart and row show is invented: its figures up to the year,
        or a target drawn beside them (the demo's)."""
        drawn = self.targets.filter(pl.col("indicator") == item.indicator)
        return item.synthetic or bool(drawn["synthetic"].any())

    @property
    def synthetic_items(self) -> list[IndicatorProgress]:
        """The figures with data whose numbers are invented (the demo's)."""
        return [it for it in self.items if it.has_data and self.item_synthetic(it)]

    @property
    def real_items(self) -> list[IndicatorProgress]:
        """The figures with data from real reports only."""
        return [it for it in self.items if it.has_data and not self.item_synthetic(it)]

    @property
    def mixed(self) -> bool:
        """Real and invented figures side by side: each invented one is marked, each real one
        names its source."""
        return bool(self.synthetic_items) and bool(self.real_items)


def context(con: duckdb.DuckDBPyConnection, locality_id: str, year: int) -> Context:
    loc = rq.locality(con, locality_id)
    if loc is None:
        raise ExportError(f"Không có địa bàn {locality_id}.")
    series = series_all(con, locality_id)
    items = progress_for(con, locality_id, year, series=series)
    children = None
    if loc["level"] in ("province", "country"):
        children = children_progress(con, locality_id, year)
    targets = tq.resolved_targets(con, locality_id)
    ctx = Context(loc, year, items, children, False, series, targets)
    # Demo or not is told per figure: a document whose figures all come from real reports
    # carries no demo mark, whatever else the store holds.
    ctx.synthetic = bool(ctx.synthetic_items) or bool(
        children is not None
        and children.height
        and children.filter(pl.col("has_data"))["synthetic"].any()
    )
    return ctx


def lists_of(con: duckdb.DuckDBPyConnection, ctx: Context) -> list[RecognitionList]:
    """The register's lists for the area (its old units included) and the year; [] for none."""
    entries = entries_in(con, ctx.locality["level"], ctx.locality["id"], year=ctx.year)
    return recognition_lists(entries) if entries.height else []


def _sources_text(item: IndicatorProgress) -> str:
    """The reports behind a figure (the demo's own line left out: for_print marks demo data)."""
    return "; ".join(item.report_sources) or "số liệu trong kho"


def _children_source(ctx: Context) -> str:
    return (
        "Tổng hợp từ số liệu các xã, phường"
        if ctx.locality["level"] == "province"
        else "Tổng hợp từ số liệu các tỉnh, thành phố"
    )


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
    scope = f" · mục tiêu cấp {item.target_scope}" if item.target_scope else ""
    subtitle = f"{ctx.name} · năm {ctx.year} · tỷ lệ % trên tổng số{scope}"
    return for_print(
        fig,
        source=_sources_text(item),
        synthetic=ctx.item_synthetic(item) and demo_mark,
        subtitle=subtitle,
        width=size[0],
        height=size[1],
    )


def ranking_chart(ctx: Context, indicator: str, demo_mark: bool = True) -> go.Figure:
    """The 15 highest and 15 lowest (of many) for a slide; figures kept apart (under
    RANK_MIN_PCT % of units reported) after, unranked."""
    assert ctx.children is not None
    sub = ctx.children.filter((pl.col("indicator") == indicator) & pl.col("rate_pct").is_not_null())
    ordered = in_ranking_order(sub)
    whole = ordered.filter(pl.col("rank").is_not_null())
    partial = ordered.filter(pl.col("rank").is_null())
    note = ""
    if whole.height > 2 * RANK_SHOWN:
        note = (
            f" · {RANK_SHOWN} đơn vị cao nhất và {RANK_SHOWN} đơn vị thấp nhất trong {whole.height}"
        )
        whole = pl.concat([whole.head(RANK_SHOWN), whole.tail(RANK_SHOWN)])
    if partial.height:  # shown after the ranked ones, never ranked with them
        note += (
            f" · {partial.height} đơn vị {PARTIAL_VI} số liệu (dưới {RANK_MIN_PCT}% đơn vị"
            " báo cáo), không xếp hạng"
        )
        partial = partial.head(RANK_SHOWN)
    sub = pl.concat([whole, partial])
    fig = ranked_bar(sub, indicator=indicator, locality_name=ctx.name, synthetic=False)
    return for_print(
        fig,
        source=_children_source(ctx),
        synthetic=ctx.synthetic and demo_mark,
        subtitle=f"{ctx.name} · năm {ctx.year} · tỷ lệ % trên tổng số{note}",
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
        raise ExportError(f"Không có chỉ tiêu {indicator}.")
    return export_server().image_bytes(indicator_chart(ctx, item), fmt, scale)


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
            else "chưa có số liệu",
            rate=fmt_pct(it.rate_pct),
            target=f"{fmt_pct(it.target_pct, 0)} ({it.target_year})"
            if it.target_pct is not None
            else "–",
            plan=fmt_pct(it.plan_pct, 0),
            status=it.status,
        )
        for it in ctx.items
    ]
