"""The look every figure shares: colours, font, the reader's number separators, the base layout
and the "Dữ liệu minh họa" mark."""

from __future__ import annotations

import plotly.graph_objects as go

from metrics.escaping import plotly_literal
from metrics.fmt import separators
from metrics.texts import text

FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
ACTUAL = "#0072B2"
TRAJECTORY = "#7F7F7F"
PROJECTION = "#0072B2"
TARGET = "#D55E00"
GRID = "#EBF0F8"
# Plotly's mode bar stands down the right edge, not across the top: across, it covered the title
# and the "Dữ liệu minh họa" mark whenever a pointer (or, on a phone, a finger) was on the chart.
# Only the tools a reader uses stay: zoom, pan, reset and the picture; box and lasso selection
# and the zoom-in/out/autoscale buttons add nothing here and made the bar longer.
MODEBAR = {
    "orientation": "v",
    "remove": ["select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d"],
}
MODEBAR_ROOM = 36  # px of right margin: the vertical bar's width and a gap
TITLE_PAD = 34  # px above the title: the top row holds the "Dữ liệu minh họa" mark (finish)
# A figure may carry in `layout.meta[NARROW]` what a phone draws instead ({"traces": {index:
# {property: value}}}): dashboard/static/chart_view.js applies it to a chart narrower than
# NARROW_PX, where labels that a wide chart spaces out would fall on each other.
NARROW = "narrow"
NARROW_PX = 600
COLORWAY = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def base_layout(
    fig: go.Figure, title: str, subtitle: str | None, synthetic: bool, lang: str
) -> go.Figure:
    """Title, font, separators, colours and margins; whether the data is synthetic is kept in
    `layout.meta` for `finish`."""
    fig.update_layout(
        separators=separators(lang),  # 85,5 and 3.783; English 85.5 and 3,783
        font={"family": FONT, "size": 13},
        # Titles carry locality names and sources: text, never Plotly's HTML.
        title={
            "text": plotly_literal(title),
            # A subtitle of several lines ("\n"): Plotly never wraps a title, so a long one would
            # be cut at the chart's edge, on a phone most of all.
            "subtitle": {"text": "<br>".join(map(plotly_literal, (subtitle or "").split("\n")))},
            "x": 0.0,
            "xanchor": "left",
            # Pinned to the figure's top: plotly centres an "auto" title in the top margin, so a
            # margin that grows (a legend wrapping on a phone) pushed the title down into it.
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": TITLE_PAD},
        },
        # The look of plotly's "plotly_white", set directly: applying a named template copies
        # and validates all of it (~20 ms a figure, most of a page's figure time).
        template="none",
        paper_bgcolor="white",
        plot_bgcolor="white",
        colorway=COLORWAY,
        # The right margin holds the mode bar (MODEBAR), clear of the plot and the demo mark.
        margin={"l": 10, "r": MODEBAR_ROOM, "t": 88, "b": 50},
        hoverlabel={"font": {"family": FONT}},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        modebar=MODEBAR,
    )
    # Axes make room for their tick labels (plotly_white's automargin, which template "none"
    # leaves out): on a phone plotly turns ten years on end, and a fixed margin cut them to "2C".
    fig.update_xaxes(gridcolor=GRID, linecolor=GRID, zerolinecolor=GRID, ticks="", automargin=True)
    fig.update_yaxes(gridcolor=GRID, linecolor=GRID, zerolinecolor=GRID, ticks="", automargin=True)
    fig.layout.meta = {"synthetic": synthetic, "lang": lang}
    return fig


def finish(fig: go.Figure) -> go.Figure:
    """The "Dữ liệu minh họa" mark, at the top right of the figure, clear of the plot."""
    meta = fig.layout.meta or {}
    if meta.get("synthetic"):
        top = fig.layout.margin.t if fig.layout.margin.t is not None else 88
        fig.add_annotation(
            text=text("fig_synthetic_note", meta.get("lang", "vi")),
            xref="paper",
            yref="paper",
            x=1,
            y=1,
            xanchor="right",
            yanchor="top",
            yshift=top - 5,  # its foot clear of a long title's top on a phone
            showarrow=False,
            font={"color": "#B00020", "size": 12},
        )
    return fig


def no_data_note(fig: go.Figure, lang: str) -> None:
    """ "Chưa có số liệu" in the middle of an empty figure, its axes hidden: empty axes read as
    a chart that failed to draw."""
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.add_annotation(
        text=text("fig_no_data", lang),
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        showarrow=False,
    )
