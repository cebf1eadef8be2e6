"""Shows a plotly figure on a page: drawn in the browser by a plotly.js build of the dashboard's own
(the trace types it draws), served by the dashboard itself, when the chart comes near the screen.

Why not `st.plotly_chart`: Streamlit's chart element carries every trace type plotly has (4,7 MB
of code, with maps, 3-D and WebGL) and the browser spent ~0,6 s of its main thread evaluating it
on each first view, then drew every chart of the page before the page was usable, the ones far
below the screen too (bench/browser_views.py). The dashboard's figures use lines, markers, bars
and a heat map: plotly.js built with just those (TRACES; tools/plotly/build.sh), 1,2 MB that a
browser evaluates in ~0,12 s, and the same plotly.js version as the Python package, so a chart
on the page and its exported PNG are drawn by the same code. A chart on screen is drawn at
once; one further down when it is scrolled near, plotly.js having been loaded after the first
view. The figure's own look (fonts, colours, separators) is kept:
Streamlit's theme does not repaint it, so the page shows what the exports show.

The browser side is `static/chart_view.js`, a Streamlit component (`st.components.v2`) drawn in
the page itself, not in a frame."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import plotly.graph_objects as go
import streamlit as st

STATIC = Path(__file__).resolve().parent / "static"
URL_PATH = "/xhht-static"  # where dashboard/server.py serves STATIC
PLOTLY_JS = "plotly-xhht-4.1.1.min.js"  # tools/plotly/build.sh; plotly's MIT licence beside it
TRACES = ("scatter", "bar", "heatmap")  # the trace types that build draws
DEFAULT_HEIGHT = 450  # plotly's own, for a figure that sets none (as static/chart_view.js)
# Relative to the page, as Streamlit's own files are, so a dashboard behind a path prefix works.
PLOTLY_SRC = f".{URL_PATH}/{PLOTLY_JS}"

_draw = st.components.v2.component(
    "xhht_chart",
    js=(STATIC / "chart_view.js").read_text(encoding="utf-8"),
    # In the page's DOM, not a shadow root: plotly.js puts its styles (mode bar, hover labels)
    # in the document's head.
    isolate_styles=False,
)


@dataclass(frozen=True)
class Drawn:
    """A figure as the browser gets it: plotly's JSON and the room it holds."""

    json: str
    height: int


def drawn(fig: go.Figure) -> Drawn:
    return Drawn(fig.to_json(), int(fig.layout.height or DEFAULT_HEIGHT))


def show(
    fig: Drawn,
    *,
    key: str,
    config: dict[str, Any],
    on_select: Literal["ignore", "rerun"] = "ignore",
) -> dict[str, Any]:
    """Draw `fig` (made by `drawn`). With on_select="rerun", a click on a point reruns the page; the return
    value holds that click's points for this run only (empty otherwise), and
    `st.session_state[key]` keeps the last click across runs, in the shape `st.plotly_chart`
    gave (`{"selection": {"points": [{"customdata": […], …}]}}`): a page reads it before the
    chart is drawn again."""
    # Streamlit reserves "__" in a component's key.
    component_key = "chart-" + key.replace("__", "-")

    def keep_click() -> None:
        value = st.session_state.get(component_key) or {}
        picked = value.get("select") or {}
        st.session_state[key] = {"selection": {"points": picked.get("points", [])}}

    selects = on_select == "rerun"
    result = _draw(
        key=component_key,
        # The page keeps the chart's room from the start, before its code has come.
        height=fig.height,
        data={
            "figure": fig.json,
            "config": config,
            "select": selects,
            "plotly_src": PLOTLY_SRC,
        },
        on_select_change=keep_click if selects else None,
    )
    picked = (getattr(result, "select", None) or {}) if selects else {}
    return {"selection": {"points": picked.get("points", [])}}
