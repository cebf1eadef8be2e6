"""Draws a page's heavy element once its place comes near the screen, not with the first view: a
placeholder of its height stands there until the browser says it is near (or at the first scroll,
or a moment after the page has come), then a rerun of that part of the page alone draws it.

Why: So sánh xã's data grid, below its ranking, cost its first view ~0,25 s of the browser's
main thread (its code, 1,6 MB, and its drawing) for something nobody sees before scrolling
(bench/browser_views.py). The browser side is `static/near_view.js`, a Streamlit component
(`st.components.v2`) with no frame."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard.chart_view import STATIC

_placeholder = st.components.v2.component(
    "xhht_near",
    js=(STATIC / "near_view.js").read_text(encoding="utf-8"),
    isolate_styles=False,
)


def near_flag(key: str) -> str:
    """The session's flag that `key`'s element has been asked for: set, it is drawn at once on
    every later run (a test sets it as the browser would)."""
    return f"{key}__near"


def when_near(key: str, height: int, draw: Callable[[], None]) -> None:
    """`draw()` here once the browser has asked for it; until then a placeholder of `height`
    px. Call it inside an `st.fragment`, so that asking reruns only the fragment."""
    flag = near_flag(key)
    if not st.session_state.get(flag):

        def asked() -> None:
            st.session_state[flag] = True

        _placeholder(
            key="near-" + key.replace("__", "-"),  # Streamlit reserves "__" in a key
            data={"height": height},
            on_near_change=asked,
        )
        return
    draw()
