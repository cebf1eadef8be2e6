"""Figure builders: polars frames and IndicatorProgress in, plotly figures out. Pure functions.

Pages, exports and tests share them, so a chart is the same wherever it is shown. No Streamlit
here. Every figure works offline (no map tiles, no CDN) and writes numbers the Vietnamese way:
`layout.separators = ",."` makes the axes read 85,5 and 3.783, and hover/text use metrics.fmt.
Status is never colour alone: every status mark carries its symbol (✔ ▲ ► ■ ▼ ○) too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import plotly.graph_objects as go
import polars as pl

from metrics import progress as pm
from metrics.escaping import plotly_literal
from metrics.fmt import fmt_int, fmt_num, fmt_pct
from metrics.indicators import registry
from metrics.locality_progress import IndicatorProgress
from metrics.progress import STATUS_STYLE, Status
from metrics.texts import text

SEPARATORS = ",."  # decimal comma, thousands dot
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
ACTUAL = "#0072B2"
TRAJECTORY = "#7F7F7F"
PROJECTION = "#0072B2"
TARGET = "#D55E00"
GRID = "#EBF0F8"
COLORWAY = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def _base_layout(
    fig: go.Figure, title: str, subtitle: str | None, synthetic: bool, lang: str
) -> go.Figure:
    fig.update_layout(
        separators=SEPARATORS,
        font={"family": FONT, "size": 13},
        # Titles carry locality names and sources: text, never Plotly's HTML.
        title={
            "text": plotly_literal(title),
            "subtitle": {"text": plotly_literal(subtitle)},
            "x": 0.0,
            "xanchor": "left",
        },
        # The look of plotly's "plotly_white", set directly: applying a named template copies
        # and validates all of it (~20 ms a figure, most of a page's figure time).
        template="none",
        paper_bgcolor="white",
        plot_bgcolor="white",
        colorway=COLORWAY,
        margin={"l": 10, "r": 20, "t": 80, "b": 50},
        hoverlabel={"font": {"family": FONT}},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
    )
    fig.update_xaxes(gridcolor=GRID, linecolor=GRID, zerolinecolor=GRID, ticks="")
    fig.update_yaxes(gridcolor=GRID, linecolor=GRID, zerolinecolor=GRID, ticks="")
    fig.layout.meta = {"synthetic": synthetic, "lang": lang}
    return fig


def _finish(fig: go.Figure) -> go.Figure:
    """The "Dữ liệu minh họa" mark, at the top right of the figure, clear of the plot."""
    meta = fig.layout.meta or {}
    if meta.get("synthetic"):
        top = fig.layout.margin.t if fig.layout.margin.t is not None else 80
        fig.add_annotation(
            text=text("fig_synthetic_note", meta.get("lang", "vi")),
            xref="paper",
            yref="paper",
            x=1,
            y=1,
            xanchor="right",
            yanchor="top",
            yshift=top - 8,
            showarrow=False,
            font={"color": "#B00020", "size": 12},
        )
    return fig


def _targets_map(targets: pl.DataFrame | Mapping[int, float] | None) -> dict[int, float]:
    if targets is None:
        return {}
    if isinstance(targets, pl.DataFrame):
        return {int(r["target_year"]): float(r["percent"]) for r in targets.iter_rows(named=True)}
    return {int(k): float(v) for k, v in targets.items()}


def progress_chart(
    series: pl.DataFrame,
    item: IndicatorProgress,
    targets: pl.DataFrame | Mapping[int, float] | None = None,
    *,
    synthetic: bool = False,
    lang: str = "vi",
) -> go.Figure:
    """Actual rates by year, the straight trajectory from the baseline to the targets, the targets
    (2025/2026/2030) marked, and the projection from the recent trend (dashed).

    `series` has columns year and rate_pct (metrics.locality_progress.series_frame); `targets` the
    resolved targets of the indicator (target_year, percent), or {year: percent}.
    """
    ind = registry().by_id(item.indicator)
    label = ind.label(lang)
    tmap = _targets_map(targets)
    if item.target_year is not None and item.target_pct is not None:
        tmap.setdefault(item.target_year, item.target_pct)
    pts = [
        (int(r["year"]), float(r["rate_pct"]))
        for r in series.sort("year").iter_rows(named=True)
        if r.get("rate_pct") is not None and int(r["year"]) <= item.year
    ]
    fig = go.Figure()
    if pts:
        fig.add_trace(
            go.Scatter(
                x=[y for y, _ in pts],
                y=[v for _, v in pts],
                mode="lines+markers+text",
                name=text("fig_actual", lang),
                line={"color": ACTUAL, "width": 3},
                marker={"size": 8},
                text=[fmt_pct(v) for _, v in pts],
                textposition="bottom center",
                textfont={"size": 11, "color": ACTUAL},
                hovertemplate="%{x}: %{text}<extra></extra>",
            )
        )
    # The trajectory: baseline → each later target, in order (docs/method.md).
    if item.base_year is not None and item.base_pct is not None:
        later = sorted((y, v) for y, v in tmap.items() if y > item.base_year)
        if later:
            xs = [item.base_year, *[y for y, _ in later]]
            ys = [item.base_pct, *[v for _, v in later]]
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    name=text("fig_trajectory", lang),
                    line={"color": TRAJECTORY, "width": 1.5, "dash": "dot"},
                    text=[fmt_pct(v) for v in ys],
                    hovertemplate="%{x}: %{text}<extra>"
                    + text("fig_trajectory", lang)
                    + "</extra>",
                )
            )
    # Projection from the last actual point to each later target year.
    if pts:
        last_year, last_val = pts[-1]
        proj_years = sorted(y for y in tmap if y > last_year)
        proj = [(y, pm.project(pts, item.year, y)) for y in proj_years]
        proj_pts = [(y, v) for y, v in proj if v is not None]
        if proj_pts:
            xs = [last_year, *[y for y, _ in proj_pts]]
            ys = [last_val, *[v for _, v in proj_pts]]
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines+markers",
                    name=text("fig_projection", lang),
                    line={"color": PROJECTION, "width": 2, "dash": "dash"},
                    marker={"size": 6, "symbol": "circle-open"},
                    text=[fmt_pct(v) for v in ys],
                    hovertemplate="%{x}: %{text}<extra>"
                    + text("fig_projection", lang)
                    + "</extra>",
                )
            )
    if tmap:
        ty = sorted(tmap)
        fig.add_trace(
            go.Scatter(
                x=ty,
                y=[tmap[y] for y in ty],
                mode="markers+text",
                name=text("fig_target", lang),
                marker={
                    "symbol": "star",
                    "size": 15,
                    "color": TARGET,
                    "line": {"width": 1, "color": "white"},
                },
                text=[text("fig_target_of", lang, year=y, pct=fmt_pct(tmap[y])) for y in ty],
                textposition="top center",
                textfont={"color": TARGET, "size": 11},
                cliponaxis=False,
                hovertemplate="%{text}<extra></extra>",
            )
        )
    years = [y for y, _ in pts] + list(tmap)
    if years:
        fig.update_xaxes(
            range=[min(years) - 0.5, max(years) + 0.9], dtick=1, title=text("year", lang)
        )
    values = [v for _, v in pts] + list(tmap.values())
    top = max(values, default=100.0)
    fig.update_yaxes(
        range=[0, max(10.0, math.ceil(top / 10) * 10 + 10)],
        ticksuffix="%",
        title=text("fig_rate", lang),
    )
    sources = "; ".join(item.sources) if item.sources else "–"
    subtitle = f"{text('fig_source', lang)}: {_short(sources, 140)}"
    title = f"{label} — {item.locality_name}"
    if not pts:
        fig.add_annotation(
            text=text("fig_no_data", lang),
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
            showarrow=False,
        )
    return _finish(_base_layout(fig, title, subtitle, synthetic, lang))


def _short(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def ranked_bar(
    children: pl.DataFrame,
    *,
    indicator: str,
    locality_name: str = "",
    highlight_id: str | None = None,
    synthetic: bool = False,
    lang: str = "vi",
) -> go.Figure:
    """Children (communes or provinces) sorted by rate, coloured by status with the status symbol
    in the text, each child's target marked, and one child highlighted.

    `children` is metrics.locality_progress.children_progress (any indicators; this one is kept).
    """
    ind = registry().by_id(indicator)
    sub = children.filter(
        (pl.col("indicator") == indicator) & pl.col("rate_pct").is_not_null()
    ).sort("rate_pct", descending=False)
    used = ("locality_id", "short_name", "status", "rate_pct", "target_pct", "plan_pct", "year")
    rows = list(sub.select(used).iter_rows(named=True))
    names = [plotly_literal(r["short_name"]) for r in rows]
    colours = [STATUS_STYLE[Status(r["status"])].colour for r in rows]
    lines = [
        {"width": 3 if r["locality_id"] == highlight_id else 0, "color": "#000000"} for r in rows
    ]
    fig = go.Figure(
        go.Bar(
            x=[r["rate_pct"] for r in rows],
            y=names,
            orientation="h",
            marker={
                "color": colours,
                "line": {"width": [ln["width"] for ln in lines], "color": "#000000"},
            },
            text=[
                f"{fmt_pct(r['rate_pct'])} {STATUS_STYLE[Status(r['status'])].symbol}" for r in rows
            ],
            textposition="outside",
            cliponaxis=False,
            customdata=[
                [
                    r["locality_id"],
                    Status(r["status"]).label(lang, symbol=True),
                    fmt_pct(r["target_pct"]),
                    fmt_pct(r["plan_pct"], 0),
                ]
                for r in rows
            ],
            hovertemplate="<b>%{y}</b><br>%{text}<br>%{customdata[1]}<br>"
            + text("fig_target", lang)
            + ": %{customdata[2]} · %{customdata[3]}<extra></extra>",
            name=ind.label(lang),
            showlegend=False,
        )
    )
    targets = [r["target_pct"] for r in rows]
    if rows and any(t is not None for t in targets):
        fig.add_trace(
            go.Scatter(
                x=targets,
                y=names,
                mode="markers",
                marker={"symbol": "line-ns", "size": 14, "line": {"width": 2.5, "color": TARGET}},
                name=text("fig_target", lang),
                text=[fmt_pct(t) for t in targets],
                hovertemplate="%{y}: " + text("fig_target", lang) + " %{text}<extra></extra>",
            )
        )
    # One legend entry per status present, so the colours are explained in words.
    present = {Status(r["status"]) for r in rows}
    for st in (s for s in Status.ordered() if s in present):
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker={"color": STATUS_STYLE[st].colour, "size": 12, "symbol": "square"},
                name=st.label(lang, symbol=True),
                hoverinfo="skip",
            )
        )
    if highlight_id is not None:
        hl = [r for r in rows if r["locality_id"] == highlight_id]
        if hl:
            fig.add_annotation(
                x=0,
                y=plotly_literal(hl[0]["short_name"]),
                text="▶",
                showarrow=False,
                xanchor="right",
                xshift=-2,
                font={"size": 14},
            )
    title = f"{ind.label(lang)} — {locality_name}".strip(" —")
    year = rows[0]["year"] if rows else ""
    subtitle = f"{year} · {text('fig_rate', lang)}"
    fig.update_xaxes(range=[0, 112], ticksuffix="%", title=text("fig_rate", lang))
    fig.update_yaxes(type="category", automargin=True, tickfont={"size": 11})
    _base_layout(fig, title, subtitle, synthetic, lang)
    fig.update_layout(
        height=max(360, 22 * len(rows) + 220),
        bargap=0.25,
        margin={"t": 150},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "entrywidth": 0},
    )
    if not rows:
        fig.add_annotation(
            text=text("fig_no_data", lang),
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
            showarrow=False,
        )
    return _finish(fig)


def heatmap(
    children: pl.DataFrame,
    *,
    indicators: Sequence[str] | None = None,
    locality_name: str = "",
    highlight_id: str | None = None,
    synthetic: bool = False,
    lang: str = "vi",
) -> go.Figure:
    """Children × indicators coloured by the share of the target reached ("Đạt N% kế hoạch"),
    with the value as text. Rows ordered by the mean share, weakest at the top."""
    reg = registry()
    ids = [
        i for i in (indicators or reg.ids()) if i in set(children["indicator"].unique().to_list())
    ]
    sub = children.filter(pl.col("indicator").is_in(ids) & pl.col("plan_pct").is_not_null())
    ids = [i for i in ids if i in set(sub["indicator"].unique().to_list())]
    order = (
        sub.group_by("locality_id", "short_name")
        .agg(pl.col("plan_pct").mean().alias("_m"))
        .sort("_m", descending=False)
    )
    child_ids = order["locality_id"].to_list()
    names = [plotly_literal(n) for n in order["short_name"].to_list()]
    # Only the columns used: iterating all ~50 columns of the children frame cost more than the rest.
    lookup = {
        (r["locality_id"], r["indicator"]): r
        for r in sub.select("locality_id", "indicator", "plan_pct").iter_rows(named=True)
    }
    z: list[list[float | None]] = []
    cells: list[list[str]] = []
    for cid in child_ids:
        zr: list[float | None] = []
        tr: list[str] = []
        for i in ids:
            r = lookup.get((cid, i))
            zr.append(None if r is None else min(float(r["plan_pct"]), 120.0))
            tr.append("" if r is None else fmt_num(r["plan_pct"], 0))
        z.append(zr)
        cells.append(tr)
    xlabels = [reg.by_id(i).label(lang, short=True) for i in ids]
    ylabels = [
        f"▶ {n}" if cid == highlight_id else n for cid, n in zip(child_ids, names, strict=True)
    ]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=xlabels,
            y=ylabels,
            text=cells,
            texttemplate="%{text}",
            textfont={"size": 10},
            zmin=0,
            zmax=120,
            colorscale=[[0, "#D55E00"], [0.5, "#F0E442"], [100 / 120, "#56B4E9"], [1, "#0072B2"]],
            colorbar={
                "title": {"text": text("fig_plan_short", lang), "font": {"size": 12}},
                "ticksuffix": "%",
            },
            hovertemplate="%{y} · %{x}<br>"
            + text("fig_of_target", lang, pct="%{text}%")
            + "<extra></extra>",
            xgap=1,
            ygap=1,
        )
    )
    fig.update_yaxes(autorange="reversed", type="category", tickfont={"size": 11})
    fig.update_xaxes(side="top", type="category", tickangle=-30)
    title = f"{text('fig_plan', lang)} — {locality_name}".strip(" —")
    _base_layout(fig, title, None, synthetic, lang)
    fig.update_layout(height=max(320, 20 * len(child_ids) + 200), margin={"t": 160})
    return _finish(fig)


def status_map(
    children: pl.DataFrame,
    *,
    indicator: str,
    size_col: str = "total",
    locality_name: str = "",
    highlight_id: str | None = None,
    synthetic: bool = False,
    lang: str = "vi",
) -> go.Figure:
    """Points at each child's lat/lon coloured (and shaped) by status, sized by `size_col`.

    A plain scatter with equal aspect (longitude scaled by cos(latitude)): no tiles, no
    topojson, so it draws with no network."""
    ind = registry().by_id(indicator)
    sub = children.filter(
        (pl.col("indicator") == indicator)
        & pl.col("lat").is_not_null()
        & pl.col("lon").is_not_null()
    )
    fig = go.Figure()
    sizes = [v for v in sub[size_col].to_list() if v is not None] if size_col in sub.columns else []
    biggest = max(sizes, default=1) or 1
    marker_symbol = {
        Status.TARGET_MET: "circle",
        Status.ON_TRACK: "triangle-up",
        Status.TOO_SLOW: "triangle-right",
        Status.LIMITED: "square",
        Status.FALLING: "triangle-down",
        Status.NOT_ASSESSABLE: "circle-open",
    }
    for st in Status.ordered():
        part = sub.filter(pl.col("status") == st.value)
        if part.height == 0:
            continue
        rows = list(part.iter_rows(named=True))
        fig.add_trace(
            go.Scatter(
                x=[r["lon"] for r in rows],
                y=[r["lat"] for r in rows],
                mode="markers",
                name=st.label(lang, symbol=True),
                marker={
                    "color": STATUS_STYLE[st].colour,
                    "symbol": marker_symbol[st],
                    "size": [7 + 18 * math.sqrt((r.get(size_col) or 0) / biggest) for r in rows],
                    "line": {
                        "width": [2.5 if r["locality_id"] == highlight_id else 0.5 for r in rows],
                        "color": [
                            "#000000" if r["locality_id"] == highlight_id else "#FFFFFF"
                            for r in rows
                        ],
                    },
                    "opacity": 0.9,
                },
                text=[plotly_literal(r["short_name"]) for r in rows],
                customdata=[
                    [r["locality_id"], fmt_pct(r["rate_pct"]), fmt_int(r.get(size_col))]
                    for r in rows
                ],
                hovertemplate="<b>%{text}</b><br>%{customdata[1]} · "
                + text("fig_households", lang)
                + " %{customdata[2]}<extra>"
                + st.label(lang, symbol=True)
                + "</extra>",
            )
        )
    lats = [v for v in sub["lat"].to_list() if v is not None]
    mean_lat = sum(lats) / len(lats) if lats else 16.0
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(
        visible=False,
        scaleanchor="x",
        scaleratio=1 / math.cos(math.radians(mean_lat)),
        constrain="domain",
    )
    title = f"{ind.label(lang)} — {locality_name}".strip(" —")
    year = sub["year"][0] if sub.height else ""
    _base_layout(
        fig,
        title,
        f"{year} · {'vị trí trung tâm xã, cỡ điểm theo tổng số' if lang == 'vi' else 'centroids, size by total'}",
        synthetic,
        lang,
    )
    fig.update_layout(height=560, plot_bgcolor="#F4F6F8", legend={"y": -0.02})
    return _finish(fig)


def level_bar(
    levels: pl.DataFrame,
    *,
    title: str = "",
    synthetic: bool = False,
    lang: str = "vi",
) -> go.Figure:
    """Counts by level or rating (Tốt/Khá/…, Mức độ 1/2), stacked by year.

    `levels` has columns year, level (e.g. "tot", "muc_do_1") and count."""
    reg = registry()
    fig = go.Figure()
    colours = {
        "tot": "#009E73",
        "kha": "#56B4E9",
        "trung_binh": "#E69F00",
        "muc_do_1": "#56B4E9",
        "muc_do_2": "#0072B2",
    }
    for lv in reg.level:
        part = levels.filter(pl.col("level") == lv.id).sort("year")
        if part.height == 0:
            continue
        counts = part["count"].to_list()
        fig.add_trace(
            go.Bar(
                x=[str(y) for y in part["year"].to_list()],
                y=counts,
                name=lv.label(lang),
                marker={"color": colours.get(lv.id, "#999999")},
                text=[fmt_int(c) for c in counts],
                textposition="inside",
                hovertemplate="%{x}: %{text}<extra>" + lv.label(lang) + "</extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category", title=text("year", lang))
    fig.update_yaxes(title=text("fig_count", lang))
    _base_layout(fig, title, None, synthetic, lang)
    fig.update_layout(height=360)
    return _finish(fig)


def status_bar(counts: Mapping[str, int], *, title: str = "", lang: str = "vi") -> go.Figure:
    """How many children are in each status (metrics.locality_progress.status_counts), symbol in the text."""
    order = Status.ordered()
    fig = go.Figure(
        go.Bar(
            x=[int(counts.get(s.value, 0)) for s in order],
            y=[s.label(lang, symbol=True) for s in order],
            orientation="h",
            marker={"color": [STATUS_STYLE[s].colour for s in order]},
            text=[fmt_int(counts.get(s.value, 0)) for s in order],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(title=text("fig_count", lang))
    _base_layout(fig, title, None, False, lang)
    fig.update_layout(height=300, showlegend=False, margin={"t": 50})
    return fig
