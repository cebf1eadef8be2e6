"""The targets still ahead of a locality: for each indicator and later target year, the share
reached now, the gap, the pace still needed and where the recent trend leads (Hồ sơ)."""

from __future__ import annotations

import duckdb
import polars as pl

from metrics import progress as pm
from metrics.indicators import registry
from metrics.locality_progress import series_all
from metrics.queries import targets as tq

TARGETS_AHEAD_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "indicator": pl.String,
    "target_year": pl.Int64,
    "target_pct": pl.Float64,
    "scope_level": pl.String,
    "scope_name": pl.String,
    "source": pl.String,
    "confirmed": pl.Boolean,
    "rate_pct": pl.Float64,
    "plan_pct": pl.Float64,
    "gap_pp": pl.Float64,
    "required_pp_per_year": pl.Float64,
    "projected_pct": pl.Float64,
    "projected_gap_pp": pl.Float64,
}


def targets_ahead(
    con: duckdb.DuckDBPyConnection,
    locality_id: str,
    year: int,
    series: pl.DataFrame | None = None,
    targets: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """For each indicator and each target year after `year` (a commune's own 2026 and 2030
    targets, say): the target and where it comes from, the share reached now, the gap, the pace
    still needed and where the recent trend leads. `series` (series_all) and `targets`
    (resolved_targets) may be passed when the caller has them."""
    series = series if series is not None else series_all(con, locality_id)
    tg = targets if targets is not None else tq.resolved_targets(con, locality_id)
    ids = registry().ids()
    now = series.filter(pl.col("year") == year).select("indicator", "rate_pct")
    trend = pm.trajectory(series.select("indicator", "year", "rate_pct"), year, ["indicator"])
    rate, target, ty = pl.col("rate_pct"), pl.col("target_pct"), pl.col("target_year")
    f = (
        tg.filter(pl.col("target_year") > year)
        .join(
            pl.DataFrame({"indicator": ids, "_ord": list(range(len(ids)))}),
            on="indicator",
            how="inner",
        )
        .join(now, on="indicator", how="left")
        .join(trend, on="indicator", how="left")
        .with_columns(pl.col("target_year").cast(pl.Int64), pl.col("percent").alias("target_pct"))
        .with_columns(pm.projection_expr(ty).alias("projected_pct"))
    )
    return (
        f.sort("_ord", "target_year")
        .select(
            "indicator",
            "target_year",
            "target_pct",
            "scope_level",
            "scope_name",
            "source",
            "confirmed",
            "rate_pct",
            pm.plan_pct_expr(rate, target).alias("plan_pct"),
            pm.change_pp_expr(target, rate).alias("gap_pp"),
            pm.required_pace_expr(rate, year, target, ty).alias("required_pp_per_year"),
            "projected_pct",
            pm.change_pp_expr(pl.col("projected_pct"), target).alias("projected_gap_pp"),
        )
        .cast(TARGETS_AHEAD_SCHEMA)  # type: ignore[arg-type]
    )
