"""The look every figure shares: colours, font, the Vietnamese number separators, the base layout
and the "Dữ liệu minh họa" mark."""

from __future__ import annotations

import plotly.graph_objects as go

from metrics.escaping import plotly_literal
from metrics.texts import text

SEPARATORS = ",."  # decimal comma, thousands dot
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
ACTUAL = "#0072B2"
TRAJECTORY = "#7F7F7F"
PROJECTION = "#0072B2"
TARGET = "#D55E00"
GRID = "#EBF0F8"
COLORWAY = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def base_layout(
    fig: go.Figure, title: str, subtitle: str | None, synthetic: bool, lang: str
) -> go.Figure:
    """Title, font, separators, colours and margins; whether the data is synthetic is kept in
    `layout.meta` for `finish`."""
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


def finish(fig: go.Figure) -> go.Figure:
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


def no_data_note(fig: go.Figure, lang: str) -> None:
    """ "Chưa có số liệu" in the middle of an empty figure."""
    fig.add_annotation(
        text=text("fig_no_data", lang),
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        showarrow=False,
    )
