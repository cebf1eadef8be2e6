"""The progress method as polars expressions: status, ratio, projection, pace, plan and change.

The method (docs/method.md) follows the Open SDG platform (Statistics Canada's method): with
base year b, current year c and target year T,

    ratio = CAGR(observed, b→c) / CAGR(required, b→T),  CAGR(v0→v1 over n) = (v1/v0)^(1/n) − 1

target met if the current value ≥ target; else on track if ratio ≥ 0.95, too slow if ≥ 0.60,
limited if ≥ 0, falling below 0. With a base value of 0 the CAGR is undefined, so the same
thresholds apply to the ratio of percentage points per year (observed ÷ required). Fewer than
two years of data: not assessable.

Each formula is written once, here, as polars expressions over a frame (`*_expr`, `trajectory`,
`with_status`, `judge`, `nearest_targets`): that is the definition. `judge` applies them to any
number of rows (one locality's 11 indicators, or a province's communes × 11: metrics.locality_progress);
the scalar functions of metrics.progress_values (`assess`, `project`, `required_pace`, `plan_pct`,
`change`, `expected_value`, `rate`, `cagr`, `classify`, `nearest_target_year`) evaluate the same
expressions on one row, for single values and the hand-worked examples of tests/test_progress.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import polars as pl

from metrics.texts import text

ON_TRACK_RATIO = 0.95
TOO_SLOW_RATIO = 0.60
LIMITED_RATIO = 0.0
BASELINE_FIRST_YEAR = 2021
TARGET_YEARS = (2025, 2026, 2030)
PROJECTION_WINDOW = 4  # the recent trend: the last four years with data


class Status(StrEnum):
    """Declared in display order (best first); STATUS_STYLE's `order` agrees (tests/test_progress.py)."""

    TARGET_MET = "target_met"
    ON_TRACK = "on_track"
    TOO_SLOW = "too_slow"
    LIMITED = "limited"
    FALLING = "falling"
    # The target's own year (or later) has come and the figure is below it: a verdict, not a
    # pace ("Chưa đạt mục tiêu năm 2025"), never "on track" however close the trend was.
    TARGET_MISSED = "target_missed"
    # Three different reasons for no verdict, said apart (a reader acts differently on each):
    NOT_ASSESSABLE = "not_assessable"  # a figure and a target, but no trend to judge yet
    NO_TARGET = "no_target"  # no target applies to this indicator here
    NOT_REPORTED = "not_reported"  # no figure for the year

    @classmethod
    def ordered(cls) -> list[Status]:
        """Every status in display order: legends, filters, tables."""
        return sorted(cls, key=lambda s: STATUS_STYLE[s].order)

    def label(self, lang: str = "vi", symbol: bool = False) -> str:
        """ "Đúng tiến độ" / "On track" (data/texts.toml, key status_<value>); with `symbol`,
        "▲ Đúng tiến độ", for places where the status has no colour."""
        words = text(f"status_{self.value}", lang)
        return f"{STATUS_STYLE[self].symbol} {words}" if symbol else words

    def label_for(self, target_year: int | None, lang: str = "vi", symbol: bool = False) -> str:
        """The status as one figure's verdict: a missed target names its year ("Chưa đạt mục
        tiêu năm 2025"); every other status reads as `label`."""
        if self is Status.TARGET_MISSED and target_year is not None:
            words = text("status_target_missed_year", lang, year=target_year)
            return f"{STATUS_STYLE[self].symbol} {words}" if symbol else words
        return self.label(lang, symbol)


@dataclass(frozen=True)
class StatusStyle:
    """How a status is drawn; its words are in data/texts.toml (Status.label)."""

    symbol: str  # status is never colour alone
    colour: str  # Okabe–Ito palette, readable with colour-blindness
    order: int


STATUS_STYLE: dict[Status, StatusStyle] = {
    Status.TARGET_MET: StatusStyle("✔", "#009E73", 0),
    Status.ON_TRACK: StatusStyle("▲", "#56B4E9", 1),
    Status.TOO_SLOW: StatusStyle("►", "#E69F00", 2),
    Status.LIMITED: StatusStyle("■", "#CC79A7", 3),
    Status.FALLING: StatusStyle("▼", "#D55E00", 4),
    Status.TARGET_MISSED: StatusStyle("✖", "#8C1C13", 5),
    Status.NOT_ASSESSABLE: StatusStyle("○", "#999999", 6),
    Status.NO_TARGET: StatusStyle("–", "#BBBBBB", 7),
    Status.NOT_REPORTED: StatusStyle("∅", "#666666", 8),
}


# Behind the pace their target needs, stalled or going back: the units a leader calls first
# (Tổng quan's map names them).
LAGGING: tuple[Status, ...] = (
    Status.TOO_SLOW,
    Status.LIMITED,
    Status.FALLING,
    Status.TARGET_MISSED,
)


# --- the formulas, as expressions (the definition) ----------------------------------------------

Num = pl.Expr | int


def rate_expr(recognized: pl.Expr, base: pl.Expr) -> pl.Expr:
    """Σ recognized / Σ base × 100; null when the base is unknown or zero."""
    return pl.when(base > 0).then(recognized * 100.0 / base)


def cagr_expr(v0: pl.Expr, v1: pl.Expr, years: Num) -> pl.Expr:
    return (v1 / v0) ** (1.0 / years) - 1.0


def classify_expr(ratio: pl.Expr) -> pl.Expr:
    return (
        pl.when(ratio >= ON_TRACK_RATIO)
        .then(pl.lit(Status.ON_TRACK.value))
        .when(ratio >= TOO_SLOW_RATIO)
        .then(pl.lit(Status.TOO_SLOW.value))
        .when(ratio >= LIMITED_RATIO)
        .then(pl.lit(Status.LIMITED.value))
        .otherwise(pl.lit(Status.FALLING.value))
    )


def expected_expr(
    base_year: pl.Expr, base: pl.Expr, target_year: pl.Expr, target: pl.Expr, year: Num
) -> pl.Expr:
    """The straight line from the baseline to the target, read at `year`."""
    line = base + (target - base) * (year - base_year) / (target_year - base_year)
    return pl.when(base_year.is_not_null() & target.is_not_null() & target_year.is_not_null()).then(
        pl.when(target_year == base_year).then(target).otherwise(line)
    )


def required_pace_expr(
    current: pl.Expr, year: Num, target: pl.Expr, target_year: pl.Expr
) -> pl.Expr:
    """Percentage points per year still needed ("cần tăng X điểm %/năm"); 0 when met; null once
    the target year has come (what is left is a gap, not a pace)."""
    return (
        pl.when(current.is_null() | target.is_null() | target_year.is_null())
        .then(None)
        .when(current >= target)
        .then(0.0)
        .when(target_year <= year)
        .then(None)
        .otherwise((target - current) / (target_year - year))
    )


def plan_pct_expr(actual: pl.Expr, target: pl.Expr) -> pl.Expr:
    """ "Đạt N% kế hoạch": actual ÷ target × 100."""
    return pl.when(target > 0).then(actual * 100.0 / target)


def change_pp_expr(current: pl.Expr, previous: pl.Expr) -> pl.Expr:
    return current - previous


def change_rel_expr(current: pl.Expr, previous: pl.Expr) -> pl.Expr:
    """Relative change in %; null from 0."""
    return pl.when(previous != 0).then((current - previous) * 100.0 / previous)


def projection_expr(target_year: pl.Expr) -> pl.Expr:
    """The value at `target_year` on the least-squares line of `trajectory`'s fit, within 0–100;
    null with fewer than two years."""
    slope = pl.col("_sxy") / pl.col("_sxx")
    return pl.when(target_year.is_not_null() & (pl.col("_nx") >= 2)).then(
        (slope * target_year + (pl.col("_my") - slope * pl.col("_mx"))).clip(0.0, 100.0)
    )


def _seq_sum(e: pl.Expr) -> pl.Expr:
    # Left to right, as a person (and Python's sum) adds: a pairwise sum differs in the last bits.
    return e.cum_sum().last()


def trajectory(points: pl.DataFrame, year: int, keys: Sequence[str]) -> pl.DataFrame:
    """Per key, from rates by year (keys…, year, rate_pct): the baseline (first year from 2021 up
    to `year` with a rate: base_year, base_pct, _n_points such years) and the least-squares fit
    over the last PROJECTION_WINDOW years with a rate up to `year` (_nx years, means _mx and _my,
    sums _sxx and _sxy)."""
    keys = list(keys)
    rate, y = pl.col("rate_pct"), pl.col("year")
    pts = points.filter(rate.is_not_null() & (y <= year)).sort("year", maintain_order=True)
    base = (
        pts.filter(y >= BASELINE_FIRST_YEAR)
        .group_by(keys)
        .agg(
            y.first().cast(pl.Int64).alias("base_year"),
            rate.first().alias("base_pct"),
            pl.len().alias("_n_points"),
        )
    )
    recent = (
        pts.group_by(keys, maintain_order=True)
        .tail(PROJECTION_WINDOW)
        .with_columns(
            (y.sum() / pl.len()).over(keys).alias("_mx"),
            (_seq_sum(rate) / pl.len()).over(keys).alias("_my"),
        )
    )
    dx = y - pl.col("_mx")
    fit = recent.group_by(keys).agg(
        y.n_unique().alias("_nx"),
        pl.col("_mx").first(),
        pl.col("_my").first(),
        _seq_sum(dx * dx).alias("_sxx"),
        _seq_sum(dx * (rate - pl.col("_my"))).alias("_sxy"),
    )
    return base.join(fit, on=keys, how="full", coalesce=True)


def with_status(frame: pl.DataFrame, year: int) -> pl.DataFrame:
    """Adds status, ratio, method and (when assessable) base_year, base_pct, from rate_pct (the
    rate of `year`), target_pct, target_year and trajectory's base_year, base_pct, _n_points."""
    rate, target, ty = pl.col("rate_pct"), pl.col("target_pct"), pl.col("target_year")
    by, bv = pl.col("base_year"), pl.col("base_pct")
    cagr_ok = (bv > 0) & (rate > 0)
    assessable = (
        rate.is_not_null()
        & target.is_not_null()
        & ty.is_not_null()
        & pl.lit(year >= BASELINE_FIRST_YEAR)
    )
    met = assessable & (rate >= target)
    missed = assessable & ~met & (ty <= year)
    f = frame.with_columns(
        # CAGR is undefined from (or to) zero: compare percentage points per year instead.
        pl.when(cagr_ok)
        .then(cagr_expr(bv, rate, year - by))
        .otherwise((rate - bv) / (year - by))
        .alias("_observed"),
        pl.when(cagr_ok)
        .then(cagr_expr(bv, target, ty - by))
        .otherwise((target - bv) / (ty - by))
        .alias("_required"),
        cagr_ok.alias("_cagr"),
        assessable.alias("_assessable"),
        met.alias("_met"),
        missed.alias("_missed"),
        (assessable & ~met & (pl.col("_n_points") >= 2) & (by != year) & (ty > by)).alias(
            "_enough"
        ),
    )
    counted = pl.col("recognized").is_not_null() if "recognized" in frame.columns else pl.lit(False)
    observed, required, enough, met = (
        pl.col("_observed"),
        pl.col("_required"),
        pl.col("_enough"),
        pl.col("_met"),
    )
    return f.with_columns(
        pl.when(enough & (required > 0)).then(observed / required).alias("ratio"),
        pl.when(met)
        .then(pl.lit("met"))
        .when(enough & pl.col("_cagr"))
        .then(pl.lit("cagr"))
        .when(enough)
        .then(pl.lit("pp"))
        .otherwise(pl.lit("insufficient"))
        .alias("method"),
        pl.when(pl.col("_assessable")).then(by).alias("base_year"),
        pl.when(pl.col("_assessable")).then(bv).alias("base_pct"),
        pl.when(met)
        .then(pl.lit(Status.TARGET_MET.value))
        .when(pl.col("_missed"))
        .then(pl.lit(Status.TARGET_MISSED.value))
        # A count without a total ("11/– đơn vị") was reported: it has no rate to judge.
        .when(rate.is_null() & counted)
        .then(pl.lit(Status.NOT_ASSESSABLE.value))
        .when(rate.is_null())
        .then(pl.lit(Status.NOT_REPORTED.value))
        .when(target.is_null() | ty.is_null())
        .then(pl.lit(Status.NO_TARGET.value))
        .when(~enough)
        .then(pl.lit(Status.NOT_ASSESSABLE.value))
        # The baseline was already at the target and the value has dropped below it since.
        .when(required <= 0)
        .then(
            pl.when(observed < 0)
            .then(pl.lit(Status.FALLING.value))
            .otherwise(pl.lit(Status.ON_TRACK.value))
        )
        .otherwise(classify_expr(observed / required))
        .alias("status"),
    )


def judge(
    frame: pl.DataFrame, points: pl.DataFrame, year: int, keys: Sequence[str]
) -> pl.DataFrame:
    """The method over a frame. `frame` has one row per key with rate_pct (of `year`),
    previous_pct (of year − 1), target_pct and target_year (the target that `year` is judged
    against); `points` the rates by year (keys…, year, rate_pct). Adds status, ratio, method,
    base_year, base_pct, projected_pct, required_pp_per_year, plan_pct, expected_pct, change_pp,
    change_rel_pct and change_since_base_pp (and working columns named _…)."""
    rate, target, ty, prev = (
        pl.col("rate_pct"),
        pl.col("target_pct"),
        pl.col("target_year"),
        pl.col("previous_pct"),
    )
    rows = frame.height
    f = at_least_two_rows(frame).join(
        trajectory(points, year, keys), on=list(keys), how="left", maintain_order="left"
    )
    f = with_status(f, year)
    by, bv = pl.col("base_year"), pl.col("base_pct")
    f = f.with_columns(
        projection_expr(ty).alias("projected_pct"),
        required_pace_expr(rate, year, target, ty).alias("required_pp_per_year"),
        plan_pct_expr(rate, target).alias("plan_pct"),
        expected_expr(by, bv, ty, target, year).alias("expected_pct"),
        change_pp_expr(rate, prev).alias("change_pp"),
        change_rel_expr(rate, prev).alias("change_rel_pct"),
        pl.when(by.is_not_null() & (by != year))
        .then(change_pp_expr(rate, bv))
        .alias("change_since_base_pp"),
    )
    return f.head(rows)


def at_least_two_rows(frame: pl.DataFrame) -> pl.DataFrame:
    # polars takes x ** 0.5 of a one-row column as sqrt(x), which can differ in the last bit
    # from pow(x, 0.5), what a longer column (and Python) computes: a locality's progress must
    # not depend on how many indicators were asked for. An all-null row is added; callers keep
    # the first rows only.
    return pl.concat([frame, frame.clear(1)]) if frame.height == 1 else frame


def nearest_targets(targets: pl.DataFrame, year: int, keys: Sequence[str]) -> pl.DataFrame:
    """The status of a year is judged against the nearest target year at or after it: per key,
    the row of `targets` with that target_year."""
    later = targets.filter(pl.col("target_year") >= year).sort("target_year", maintain_order=True)
    return later.group_by(list(keys), maintain_order=True).first()
