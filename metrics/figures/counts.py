"""Small count bars: units by level or rating over the years, and children per status."""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go
import polars as pl

from metrics.figures.style import base_layout, finish, no_data_note
from metrics.fmt import fmt_int
from metrics.indicators import registry
from metrics.progress import STATUS_STYLE, Status
from metrics.texts import text


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
    # Each level its own colour (Okabe–Ito): a series that changes from Thông tư 22 ratings to
    # Thông tư 24 levels in 2024 shows both on one chart, so Khá and Mức độ 1 must not match.
    colours = {
        "tot": "#009E73",
        "kha": "#56B4E9",
        "trung_binh": "#E69F00",
        "muc_do_1": "#CC79A7",
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
                text=[fmt_int(c, lang=lang) for c in counts],
                textposition="inside",
                hovertemplate="%{x}: %{text}<extra>" + lv.label(lang) + "</extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category", title=text("year", lang))
    # Counts are whole: a few units must not be ticked 0,2 0,4 … (one tick per unit up to 5).
    tallest = (
        levels.group_by("year").agg(pl.col("count").sum())["count"].max() if levels.height else 0
    )
    fig.update_yaxes(
        title=text("fig_count", lang),
        tickformat=",d",
        rangemode="tozero",
        dtick=1 if isinstance(tallest, int | float) and tallest <= 5 else None,
    )
    base_layout(fig, title, None, synthetic, lang)
    fig.update_layout(height=360)
    if not fig.data:
        no_data_note(fig, lang)
    return finish(fig)


def status_bar(counts: Mapping[str, int], *, title: str = "", lang: str = "vi") -> go.Figure:
    """How many children are in each status (metrics.locality_progress.status_counts), symbol in the text."""
    order = Status.ordered()
    fig = go.Figure(
        go.Bar(
            x=[int(counts.get(s.value, 0)) for s in order],
            y=[s.label(lang, symbol=True) for s in order],
            customdata=[[s.value] for s in order],  # a click names the status, in any language
            orientation="h",
            marker={"color": [STATUS_STYLE[s].colour for s in order]},
            text=[fmt_int(counts.get(s.value, 0), lang=lang) for s in order],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(title=text("fig_count", lang))
    base_layout(fig, title, None, False, lang)
    fig.update_layout(height=300, showlegend=False, margin={"t": 66})
    if not any(counts.values()):
        no_data_note(fig, lang)
    return fig
