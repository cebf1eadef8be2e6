"""The dashboard's only door to the store: cached wrappers around metrics functions.

No SQL and no progress maths here or in the pages: this module calls metrics.queries,
metrics.report and metrics.progress, and caches the answers. The store is opened once per
process read-only (st.cache_resource); every read takes its own cursor, so sessions and reruns
never share a half-read result. Every cache key starts with (path, mtime): rebuilding the store
(`xhht demo --force`) makes the next read see the new file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st

from metrics import progress as pm
from metrics import queries as q
from metrics import report
from metrics.config import db_path
from metrics.indicators import registry
from metrics.report import IndicatorProgress
from metrics.resolve import LocalityIndex
from metrics.store import COUNTRY_ID, LEVEL_COLUMNS, StoreError, check_store, connect

StoreKey = tuple[str, float]


@dataclass(frozen=True)
class StoreState:
    key: StoreKey | None
    error: str | None


def store_state() -> StoreState:
    """The store named by XHHT_DB (or the default path), or a Vietnamese error saying how to make one."""
    path = Path(db_path()).resolve()
    if not path.exists():
        return StoreState(
            None,
            f"Chưa có kho dữ liệu tại `{path}`.\n\n"
            "Tạo kho dữ liệu minh họa bằng lệnh `make demo` (hoặc "
            f"`xhht demo --db {path}`), hoặc chỉ đường dẫn tới kho có sẵn bằng biến môi trường "
            "`XHHT_DB`, rồi tải lại trang.",
        )
    key: StoreKey = (str(path), path.stat().st_mtime)
    try:
        _connection(key)
    except StoreError as exc:
        return StoreState(None, f"{exc}\n\nTạo lại kho bằng `make demo FORCE=1` (hoặc `xhht demo --force`).")
    return StoreState(key, None)


@st.cache_resource(show_spinner=False)
def _connection(key: StoreKey) -> duckdb.DuckDBPyConnection:
    con = connect(key[0], read_only=True)
    check_store(con.cursor())  # a throwaway cursor: check_store leaves its result open
    return con


def _cur(key: StoreKey) -> duckdb.DuckDBPyConnection:
    return _connection(key).cursor()


@st.cache_data(show_spinner=False)
def years(key: StoreKey) -> list[int]:
    return q.store_years(_cur(key))


@st.cache_data(show_spinner=False)
def has_synthetic(key: StoreKey) -> bool:
    return q.store_has_synthetic(_cur(key))


@st.cache_data(show_spinner=False)
def provinces(key: StoreKey) -> pl.DataFrame:
    return q.provinces(_cur(key))


@st.cache_data(show_spinner=False)
def communes(key: StoreKey, province_id: str) -> pl.DataFrame:
    return q.communes_of(_cur(key), province_id)


@st.cache_data(show_spinner=False)
def old_districts(key: StoreKey, province_id: str) -> pl.DataFrame:
    return q.old_districts_of(_cur(key), province_id)


@st.cache_data(show_spinner=False)
def locality(key: StoreKey, locality_id: str) -> dict | None:
    return q.locality(_cur(key), locality_id)


@st.cache_data(show_spinner=False)
def predecessors(key: StoreKey, locality_id: str) -> pl.DataFrame:
    return q.predecessors(_cur(key), locality_id)


@st.cache_data(show_spinner=False)
def progress(key: StoreKey, locality_id: str, year: int) -> list[IndicatorProgress]:
    return report.progress_for(_cur(key), locality_id, year)


@st.cache_data(show_spinner=False)
def children(key: StoreKey, parent_id: str, year: int) -> pl.DataFrame:
    """Each commune of a province (or each province of the country) × indicator, with status."""
    frame = report.children_progress(_cur(key), parent_id, year)
    if frame.height == 0:
        return frame
    # Start → end like Our World in Data's table: relative change since the baseline.
    rel = [
        pm.change(r, b)[1] if bool(h) else None
        for r, b, h in zip(frame["rate_pct"], frame["base_pct"], frame["has_data"], strict=True)
    ]
    return frame.with_columns(pl.Series("change_since_base_rel_pct", rel, dtype=pl.Float64))


@st.cache_data(show_spinner=False)
def series(key: StoreKey, locality_id: str, indicator: str) -> pl.DataFrame:
    return report.series_frame(_cur(key), locality_id, indicator)


@st.cache_data(show_spinner=False)
def targets(key: StoreKey, locality_id: str) -> pl.DataFrame:
    return q.resolved_targets(_cur(key), locality_id)


@st.cache_resource(show_spinner=False)
def locality_index(key: StoreKey) -> LocalityIndex:
    return LocalityIndex.from_store(_cur(key))


def status_counts(children_frame: pl.DataFrame, indicator: str) -> dict[str, int]:
    return report.status_counts(children_frame, indicator)


@st.cache_data(show_spinner=False)
def levels(key: StoreKey, locality_id: str, indicator: str) -> pl.DataFrame:
    """Counts by level/rating (year, level, count) for one indicator, where reports give them."""
    s = series(key, locality_id, indicator)
    rows = [
        {"year": int(r["year"]), "level": c.removeprefix("level_"), "count": int(r[c])}
        for r in s.iter_rows(named=True)
        for c in LEVEL_COLUMNS
        if r.get(c) is not None
    ]
    if not any(r["count"] for r in rows):
        rows = []  # only zeros: nothing was rated, so there is no breakdown to show
    return pl.DataFrame(rows, schema={"year": pl.Int64, "level": pl.String, "count": pl.Int64})


@st.cache_data(show_spinner=False)
def targets_ahead(key: StoreKey, locality_id: str, year: int) -> pl.DataFrame:
    """For each indicator and each target year after `year`: the target, where it comes from,
    the share reached now, the pace still needed and where the recent trend leads."""
    items = {p.indicator: p for p in progress(key, locality_id, year)}
    tg = targets(key, locality_id)
    rows = []
    for r in tg.filter(pl.col("target_year") > year).sort("indicator", "target_year").iter_rows(named=True):
        p = items.get(r["indicator"])
        if p is None:
            continue
        s = series(key, locality_id, r["indicator"])
        pts = [(int(y), float(v)) for y, v in zip(s["year"], s["rate_pct"], strict=True) if v is not None and y <= year]
        ty = int(r["target_year"])
        projected = pm.project(pts, year, ty)
        rows.append(
            {
                "indicator": r["indicator"],
                "target_year": ty,
                "target_pct": r["percent"],
                "scope_level": report.SCOPE_LABEL_VI.get(r["scope_level"], r["scope_level"]),
                "scope_name": r["scope_name"],
                "source": r["source"],
                "confirmed": r["confirmed"],
                "rate_pct": p.rate_pct,
                "plan_pct": pm.plan_pct(p.rate_pct, r["percent"]),
                "gap_pp": pm.change(r["percent"], p.rate_pct)[0],
                "required_pp_per_year": pm.required_pace(p.rate_pct, year, r["percent"], ty),
                "projected_pct": projected,
                "projected_gap_pp": pm.change(projected, r["percent"])[0],
            }
        )
    schema = {
        "indicator": pl.String, "target_year": pl.Int64, "target_pct": pl.Float64, "scope_level": pl.String,
        "scope_name": pl.String, "source": pl.String, "confirmed": pl.Boolean, "rate_pct": pl.Float64,
        "plan_pct": pl.Float64, "gap_pp": pl.Float64, "required_pp_per_year": pl.Float64,
        "projected_pct": pl.Float64, "projected_gap_pp": pl.Float64,
    }
    order = {i: n for n, i in enumerate(registry().ids())}
    rows.sort(key=lambda r: (order.get(r["indicator"], 99), r["target_year"]))
    return pl.DataFrame(rows, schema=schema)


def indicator_ids() -> list[str]:
    return registry().ids()


def is_country(locality_id: str) -> bool:
    return locality_id == COUNTRY_ID
