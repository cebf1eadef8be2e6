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
    return report.children_progress(_cur(key), parent_id, year)


@st.cache_data(show_spinner=False)
def series_all(key: StoreKey, locality_id: str) -> pl.DataFrame:
    """Every indicator's yearly figures of one locality: one roll-up, shared by all charts."""
    return report.series_all(_cur(key), locality_id)


def series(key: StoreKey, locality_id: str, indicator: str) -> pl.DataFrame:
    return series_all(key, locality_id).filter(pl.col("indicator") == indicator)


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
    return report.targets_ahead(_cur(key), locality_id, year)


def indicator_ids() -> list[str]:
    return registry().ids()


def is_country(locality_id: str) -> bool:
    return locality_id == COUNTRY_ID
