"""Shows a ranking's HTML bars (metrics.figures.ranking_html) on a page, in the page itself, and
gives back a click on a row as a chart's click (dashboard/chart_view.py).

Why not the plotly chart: plotly.js's load and drawing were most of So sánh xã's first view in
the browser; these bars are text and boxes the browser lays out with the page. The browser side
is `static/ranking_view.js`, a Streamlit component (`st.components.v2`) with no frame."""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard.chart_view import STATIC

_draw = st.components.v2.component(
    "xhht_ranking",
    js=(STATIC / "ranking_view.js").read_text(encoding="utf-8"),
    isolate_styles=False,  # the block's own <style> is scoped by its class names
)


def show(html: str, *, key: str, select: bool = True) -> dict[str, Any]:
    """Draw `html`. With `select`, a click on a row reruns the page; the return value holds that
    click for this run only, and `st.session_state[key]` keeps the last click across runs
    (`{"selection": {"points": [{"customdata": [locality_id]}]}}`, as chart_view.show)."""
    component_key = "ranking-" + key.replace("__", "-")  # Streamlit reserves "__" in a key

    def keep_click() -> None:
        value = st.session_state.get(component_key) or {}
        picked = value.get("select") or {}
        st.session_state[key] = {"selection": {"points": picked.get("points", [])}}

    result = _draw(
        key=component_key,
        data={"html": html, "select": select},
        on_select_change=keep_click if select else None,
    )
    picked = (getattr(result, "select", None) or {}) if select else {}
    return {"selection": {"points": picked.get("points", [])}}
