"""Progress maths (DESIGN.md §3): rates, trajectories, status, projection, pace. Pure functions.

Status follows the Open SDG platform (Statistics Canada's method): with base year b, current
year c and target year T,

    ratio = CAGR(observed, b→c) / CAGR(required, b→T),  CAGR(v0→v1 over n) = (v1/v0)^(1/n) − 1

target met if the current value ≥ target; else on track if ratio ≥ 0.95, too slow if ≥ 0.60,
limited if ≥ 0, falling below 0. With a base value of 0 the CAGR is undefined, so the same
thresholds apply to the ratio of percentage points per year (observed ÷ required). Fewer than
two years of data: not assessable.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

ON_TRACK_RATIO = 0.95
TOO_SLOW_RATIO = 0.60
LIMITED_RATIO = 0.0
BASELINE_FIRST_YEAR = 2021
TARGET_YEARS = (2025, 2026, 2030)
PROJECTION_WINDOW = 4  # the recent trend: the last four years with data


class Status(StrEnum):
    TARGET_MET = "target_met"
    ON_TRACK = "on_track"
    TOO_SLOW = "too_slow"
    LIMITED = "limited"
    FALLING = "falling"
    NOT_ASSESSABLE = "not_assessable"


@dataclass(frozen=True)
class StatusStyle:
    label_vi: str
    label_en: str
    symbol: str  # status is never colour alone
    colour: str  # Okabe–Ito palette, readable with colour-blindness
    order: int


STATUS_STYLE: dict[Status, StatusStyle] = {
    Status.TARGET_MET: StatusStyle("Đã đạt mục tiêu", "Target met", "✔", "#009E73", 0),
    Status.ON_TRACK: StatusStyle("Đúng tiến độ", "On track", "▲", "#56B4E9", 1),
    Status.TOO_SLOW: StatusStyle("Có tiến bộ nhưng chậm", "Progress too slow", "►", "#E69F00", 2),
    Status.LIMITED: StatusStyle("Tiến bộ hạn chế", "Limited progress", "■", "#CC79A7", 3),
    Status.FALLING: StatusStyle("Đang đi lùi", "Falling back", "▼", "#D55E00", 4),
    Status.NOT_ASSESSABLE: StatusStyle("Chưa đủ dữ liệu để đánh giá", "Not assessable", "○", "#999999", 5),
}


def status_label(status: Status | str, lang: str = "vi") -> str:
    style = STATUS_STYLE[Status(status)]
    return style.label_vi if lang == "vi" else style.label_en


def rate(recognized: float | None, base: float | None) -> float | None:
    """Σ recognized / Σ base × 100; None when the base is unknown or zero."""
    if recognized is None or base is None or base <= 0:
        return None
    return recognized * 100.0 / base


def cagr(v0: float, v1: float, years: float) -> float:
    return (v1 / v0) ** (1.0 / years) - 1.0


def expected_value(base_year: int, base_value: float, target_year: int, target_value: float, year: int) -> float:
    """The straight line from the baseline to the target."""
    if target_year == base_year:
        return target_value
    return base_value + (target_value - base_value) * (year - base_year) / (target_year - base_year)


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
    points = sorted((y, v) for y, v in series if v is not None and BASELINE_FIRST_YEAR <= y <= current_year)
    current = next((v for y, v in points if y == current_year), None)
    if current is None or target_value is None or target_year is None:
        return Assessment(Status.NOT_ASSESSABLE, None, "insufficient", None, None)
    base_year, base_value = points[0]
    if current >= target_value:
        return Assessment(Status.TARGET_MET, None, "met", base_year, base_value)
    if len(points) < 2 or base_year == current_year or target_year <= base_year:
        return Assessment(Status.NOT_ASSESSABLE, None, "insufficient", base_year, base_value)
    if base_value > 0 and current > 0:
        observed = cagr(base_value, current, current_year - base_year)
        required = cagr(base_value, target_value, target_year - base_year)
        method = "cagr"
    else:
        # CAGR is undefined from (or to) zero: compare percentage points per year instead.
        observed = (current - base_value) / (current_year - base_year)
        required = (target_value - base_value) / (target_year - base_year)
        method = "pp"
    if required <= 0:
        # The baseline was already at the target and the value has dropped below it since.
        return Assessment(Status.FALLING if observed < 0 else Status.ON_TRACK, None, method, base_year, base_value)
    ratio = observed / required
    return Assessment(classify(ratio), ratio, method, base_year, base_value)


def classify(ratio: float) -> Status:
    if ratio >= ON_TRACK_RATIO:
        return Status.ON_TRACK
    if ratio >= TOO_SLOW_RATIO:
        return Status.TOO_SLOW
    if ratio >= LIMITED_RATIO:
        return Status.LIMITED
    return Status.FALLING


def linear_fit(points: Sequence[tuple[int, float]]) -> tuple[float, float] | None:
    """Least-squares (slope, intercept) through the points; None with fewer than two years."""
    if len({y for y, _ in points}) < 2:
        return None
    n = len(points)
    mx = sum(y for y, _ in points) / n
    my = sum(v for _, v in points) / n
    sxx = sum((y - mx) ** 2 for y, _ in points)
    sxy = sum((y - mx) * (v - my) for y, v in points)
    slope = sxy / sxx
    return slope, my - slope * mx


def project(series: Iterable[tuple[int, float]], current_year: int, target_year: int) -> float | None:
    """Value at the target year on the recent trend (last four years with data), within 0–100."""
    points = sorted((y, v) for y, v in series if v is not None and y <= current_year)[-PROJECTION_WINDOW:]
    fit = linear_fit(points)
    if fit is None:
        return None
    slope, intercept = fit
    return min(100.0, max(0.0, slope * target_year + intercept))


def required_pace(current: float | None, current_year: int, target_value: float | None, target_year: int | None) -> float | None:
    """Percentage points per year still needed ("cần tăng X điểm %/năm"); 0 when met."""
    if current is None or target_value is None or target_year is None:
        return None
    if current >= target_value:
        return 0.0
    if target_year <= current_year:
        return None  # the target year has come: what is left is a gap, not a pace
    return (target_value - current) / (target_year - current_year)


def plan_pct(actual: float | None, target: float | None) -> float | None:
    """"Đạt N% kế hoạch": actual ÷ target × 100."""
    if actual is None or target is None or target <= 0:
        return None
    return actual * 100.0 / target


def change(current: float | None, previous: float | None) -> tuple[float | None, float | None]:
    """(points, relative %) between two rates."""
    if current is None or previous is None:
        return None, None
    points = current - previous
    relative = None if previous == 0 else points * 100.0 / previous
    return points, relative


def nearest_target_year(year: int, available: Iterable[int]) -> int | None:
    """The status of a year is judged against the nearest target year at or after it."""
    later = sorted(y for y in set(available) if y >= year)
    return later[0] if later else None


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not (isinstance(value, float) and math.isnan(value))
