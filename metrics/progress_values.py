"""The progress method on single values: the expressions of metrics.progress evaluated on one row
(rate, cagr, classify, assess, project, required pace, plan, change, nearest target year).

For one figure at a time and the hand-worked examples of tests/test_progress.py; frames of many
localities go through metrics.progress.judge directly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from metrics.progress import (
    Status,
    at_least_two_rows,
    cagr_expr,
    change_pp_expr,
    change_rel_expr,
    classify_expr,
    expected_expr,
    judge,
    nearest_targets,
    plan_pct_expr,
    projection_expr,
    rate_expr,
    required_pace_expr,
    trajectory,
)


def _one(columns: Mapping[str, object], *exprs: pl.Expr) -> tuple:
    """Evaluate expressions on one row (floats as Float64, years as Int64)."""
    schema = {k: pl.Int64 if k.endswith("year") else pl.Float64 for k in columns}
    frame = at_least_two_rows(pl.DataFrame({k: [v] for k, v in columns.items()}, schema=schema))
    return frame.select(e.alias(f"_{n}") for n, e in enumerate(exprs)).row(0)


def rate(recognized: float | None, base: float | None) -> float | None:
    """Σ recognized / Σ base × 100; None when the base is unknown or zero."""
    return _one({"r": recognized, "b": base}, rate_expr(pl.col("r"), pl.col("b")))[0]


def cagr(v0: float, v1: float, years: float) -> float:
    return _one(
        {"v0": v0, "v1": v1, "n": years}, cagr_expr(pl.col("v0"), pl.col("v1"), pl.col("n"))
    )[0]


def classify(ratio: float) -> Status:
    return Status(_one({"r": ratio}, classify_expr(pl.col("r")))[0])


def expected_value(
    base_year: int, base_value: float, target_year: int, target_value: float, year: int
) -> float:
    """The straight line from the baseline to the target."""
    cols = {"base_year": base_year, "b": base_value, "target_year": target_year, "t": target_value}
    return _one(
        cols,
        expected_expr(pl.col("base_year"), pl.col("b"), pl.col("target_year"), pl.col("t"), year),
    )[0]


def required_pace(
    current: float | None, current_year: int, target_value: float | None, target_year: int | None
) -> float | None:
    """Percentage points per year still needed ("cần tăng X điểm %/năm"); 0 when met."""
    cols = {"c": current, "t": target_value, "target_year": target_year}
    return _one(
        cols, required_pace_expr(pl.col("c"), current_year, pl.col("t"), pl.col("target_year"))
    )[0]


def plan_pct(actual: float | None, target: float | None) -> float | None:
    """ "Đạt N% kế hoạch": actual ÷ target × 100."""
    return _one({"a": actual, "t": target}, plan_pct_expr(pl.col("a"), pl.col("t")))[0]


def change(current: float | None, previous: float | None) -> tuple[float | None, float | None]:
    """(points, relative %) between two rates."""
    c, p = pl.col("c"), pl.col("p")
    points, relative = _one(
        {"c": current, "p": previous}, change_pp_expr(c, p), change_rel_expr(c, p)
    )
    return points, relative


def nearest_target_year(year: int, available: Iterable[int]) -> int | None:
    """The status of a year is judged against the nearest target year at or after it."""
    years = sorted(set(available))
    frame = pl.DataFrame(
        {"_k": [0] * len(years), "target_year": years},
        schema={"_k": pl.Int64, "target_year": pl.Int64},
    )
    nearest = nearest_targets(frame, year, ["_k"])
    return int(nearest["target_year"][0]) if nearest.height else None


def _points(series: Iterable[tuple[int, float]]) -> pl.DataFrame:
    pts = sorted((y, v) for y, v in series if v is not None)
    return pl.DataFrame(
        {"_k": [0] * len(pts), "year": [y for y, _ in pts], "rate_pct": [v for _, v in pts]},
        schema={"_k": pl.Int64, "year": pl.Int64, "rate_pct": pl.Float64},
    )


@dataclass(frozen=True)
class Assessment:
    status: Status
    ratio: float | None
    method: str  # "cagr" | "pp" | "met" | "insufficient"
    base_year: int | None
    base_value: float | None


def assess(
    series: Sequence[tuple[int, float]],
    current_year: int,
    target_value: float | None,
    target_year: int | None,
) -> Assessment:
    """Status of `current_year` from a series of (year, value) points, against one target."""
    points = _points(series)
    current = next(
        (v for y, v in points.select("year", "rate_pct").iter_rows() if y == current_year), None
    )
    row = pl.DataFrame(
        {
            "_k": [0],
            "rate_pct": [current],
            "previous_pct": [None],
            "target_pct": [target_value],
            "target_year": [target_year],
        },
        schema={
            "_k": pl.Int64,
            "rate_pct": pl.Float64,
            "previous_pct": pl.Float64,
            "target_pct": pl.Float64,
            "target_year": pl.Int64,
        },
    )
    r = judge(row, points, current_year, ["_k"]).row(0, named=True)
    return Assessment(Status(r["status"]), r["ratio"], r["method"], r["base_year"], r["base_pct"])


def project(
    series: Iterable[tuple[int, float]], current_year: int, target_year: int
) -> float | None:
    """Value at the target year on the recent trend (last four years with data), within 0–100."""
    fit = trajectory(_points(series), current_year, ["_k"])
    if fit.height == 0:
        return None
    return fit.select(projection_expr(pl.lit(target_year))).item()


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not (isinstance(value, float) and math.isnan(value))
