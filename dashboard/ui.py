"""Shared page pieces: the store gate, the illustrative-data banner, URL-synced pickers, and
charts with their data and downloads one click away."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

import pandas as pd
import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import data
from dashboard.i18n import scope_text, t
from metrics.fmt import fmt_num, fmt_pct
from metrics.locality_progress import IndicatorProgress
from metrics.outputs.cell_safety import csv_bytes
from metrics.text import file_stem


def store_key() -> data.StoreKey:
    """The open store, or a plain-words error (and the page stops)."""
    state = data.store_state()
    if state.key is None:
        st.error(f"**{t('store_missing_title')}**\n\n{state.error}", icon=":material/error:")
        st.stop()
    assert state.key is not None
    return state.key


def banner(key: data.StoreKey) -> None:
    if data.has_synthetic(key):
        st.warning(t("synthetic"), icon=":material/science:")


def pick(
    name: str,
    label: str,
    options: Sequence[Any],
    *,
    format_func: Callable[[Any], str] = str,
    default: Any = None,
    page: str,
    widget: str = "selectbox",
    help: str | None = None,
) -> Any:
    """A selectbox whose value lives in the URL (?name=value), so a link opens the same view.

    The value is also kept for the session (`keep_<name>`), so moving between pages keeps the
    chosen area, indicator and year."""
    options = list(options)
    wkey = f"{page}__{name}"
    if not options:
        return None
    by_text = {str(o): o for o in options}
    current = st.session_state.get(wkey)
    if current not in options:
        qp = st.query_params.get(name)
        kept = st.session_state.get(f"keep_{name}")
        if qp is not None and qp in by_text:
            st.session_state[wkey] = by_text[qp]
        elif kept in options:
            st.session_state[wkey] = kept
        else:
            st.session_state[wkey] = default if default in options else options[0]
    if widget == "radio":
        value = st.radio(
            label, options, format_func=format_func, key=wkey, horizontal=True, help=help
        )
    else:
        value = st.selectbox(label, options, format_func=format_func, key=wkey, help=help)
    st.query_params[name] = str(value)
    st.session_state[f"keep_{name}"] = value
    return value


def to_pandas_vi(frame: pl.DataFrame, decimals: dict[str, int] | None = None) -> Any:
    """A pandas Styler that shows numbers the Vietnamese way but sorts on the values; a missing
    value shows as "–", never "None"."""
    frame = frame.with_columns(
        pl.col(c).cast(pl.String).fill_null("–")
        for c, dtype in zip(frame.columns, frame.dtypes, strict=True)
        if dtype in (pl.Null, pl.String)
    )
    pdf = frame.to_pandas()
    decimals = decimals or {}
    fmts: dict[str, Callable[[Any], str]] = {}
    for col, dtype in zip(frame.columns, frame.dtypes, strict=True):
        if dtype.is_numeric() and not col.lower().startswith(("năm", "year", "mã", "code")):
            d = decimals.get(col, 0 if dtype.is_integer() else 1)
            fmts[col] = _vi_number(d)
    return pdf.style.format(fmts, na_rep="–").format(
        na_rep="–", subset=[c for c in pdf.columns if c not in fmts]
    )


def _vi_number(decimals: int) -> Callable[[Any], str]:
    def show(value: Any) -> str:
        return "–" if value is None or pd.isna(value) else fmt_num(value, decimals)

    return show


def chart(
    fig: go.Figure,
    table: pl.DataFrame,
    name: str,
    *,
    key: str,
    on_select: Literal["ignore", "rerun"] = "ignore",
    decimals: dict[str, int] | None = None,
    source: str | None = None,
) -> Any:
    """The chart, its data in an expander, and downloads (CSV of the data, HTML of the chart
    with plotly.js inside — it opens with no internet)."""
    event = st.plotly_chart(
        fig,
        key=key,
        on_select=on_select,
        selection_mode="points",
        config={"displaylogo": False},
    )
    with st.expander(t("see_data")):
        if table.height:
            st.dataframe(to_pandas_vi(table, decimals), hide_index=True)
        else:
            st.caption("–")
        slug = file_stem(name)
        downloads: list[tuple[str, Callable[[], bytes], str, str]] = [
            (t("download_csv"), lambda: csv_bytes(table), "csv", "text/csv"),
            (
                t("download_xlsx"),
                lambda: data.table_xlsx(table, name),
                "xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                t("download_html"),
                lambda: fig.to_html(include_plotlyjs=True, full_html=True).encode("utf-8"),
                "html",
                "text/html",
            ),
        ]
        if data.export_available():
            src = source or DEFAULT_SOURCE
            downloads += [
                (t("download_png"), lambda: data.chart_image(fig, src, "png"), "png", "image/png"),
                (
                    t("download_png2"),
                    lambda: data.chart_image(fig, src, "png", scale=2),
                    "2x.png",
                    "image/png",
                ),
                (
                    t("download_svg"),
                    lambda: data.chart_image(fig, src, "svg"),
                    "svg",
                    "image/svg+xml",
                ),
            ]
        cols = st.columns(len(downloads))
        for col, (label, make, ext, mime) in zip(cols, downloads, strict=True):
            col.download_button(
                label,
                data=make,
                file_name=f"{slug}.{ext}",
                mime=mime,
                key=f"{key}_{ext}",
                on_click="ignore",
            )
        if not data.export_available():
            st.caption(data.export_unavailable_reason())
    return event


# The chart's own subtitle and "Dữ liệu minh họa" mark stay in the image; this line names the store.
DEFAULT_SOURCE = "Bảng theo dõi chỉ tiêu xây dựng xã hội học tập (tổng hợp từ số liệu trong kho)"


def later_target_note(item: IndicatorProgress) -> None:
    """Under a status short of its target: a later target the rate already passes, if any."""
    if item.later_target_met_year and item.status != "target_met":
        st.caption(
            t(
                "later_target_met",
                year=item.later_target_met_year,
                scope=scope_text(item.later_target_met_scope),
                pct=fmt_pct(item.later_target_met_pct),
            )
        )
