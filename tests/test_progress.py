"""The progress maths of docs/method.md (metrics/progress.py, metrics/progress_values.py), on
worked examples checked by hand and on properties that must hold for any input."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics import progress_values as pv
from metrics.progress import STATUS_STYLE, Status

# --- status: worked examples -----------------------------------------------------------------


def test_target_met_with_a_single_year():
    # 2025: 72% against a 70% target for 2025 → 72 ≥ 70: met, even with one year of data.
    a = pv.assess([(2025, 72.0)], 2025, 70.0, 2025)
    assert a.status is Status.TARGET_MET
    assert a.method == "met"
    assert a.ratio is None
    assert (a.base_year, a.base_value) == (2025, 72.0)


def test_target_met_exactly_at_the_target():
    # 2021 50%, 2023 70%, target 70% (2025): 70 ≥ 70 → met before the target year.
    a = pv.assess([(2021, 50.0), (2023, 70.0)], 2023, 70.0, 2025)
    assert a.status is Status.TARGET_MET


def test_on_track():
    # 2021 50%, 2023 60%, target 70% in 2025.
    # observed CAGR = (60/50)^(1/2) − 1 = 1.095445 − 1 = 0.095445
    # required CAGR = (70/50)^(1/4) − 1 = 1.087757 − 1 = 0.087757
    # ratio = 0.095445 / 0.087757 = 1.0876 ≥ 0.95 → on track
    a = pv.assess([(2021, 50.0), (2023, 60.0)], 2023, 70.0, 2025)
    assert a.status is Status.ON_TRACK
    assert a.method == "cagr"
    assert a.ratio == pytest.approx(1.0876, abs=1e-4)
    assert a.ratio == pytest.approx((1.2**0.5 - 1) / (1.4**0.25 - 1))
    assert (a.base_year, a.base_value) == (2021, 50.0)


def test_too_slow():
    # 2021 50%, 2023 58%, target 70% in 2025.
    # observed CAGR = (58/50)^(1/2) − 1 = 1.077033 − 1 = 0.077033
    # required CAGR = (70/50)^(1/4) − 1 = 0.087757
    # ratio = 0.077033 / 0.087757 = 0.8778: between 0.60 and 0.95 → progress but too slow
    a = pv.assess([(2021, 50.0), (2022, 54.0), (2023, 58.0)], 2023, 70.0, 2025)
    assert a.status is Status.TOO_SLOW
    assert a.ratio == pytest.approx(0.8778, abs=1e-4)


def test_limited():
    # 2021 50%, 2023 52%, target 70% in 2025.
    # observed CAGR = (52/50)^(1/2) − 1 = 1.019804 − 1 = 0.019804
    # ratio = 0.019804 / 0.087757 = 0.2257: 0 ≤ ratio < 0.60 → limited progress
    a = pv.assess([(2021, 50.0), (2023, 52.0)], 2023, 70.0, 2025)
    assert a.status is Status.LIMITED
    assert a.ratio == pytest.approx(0.2257, abs=1e-4)


def test_stalled_is_limited():
    # 2021 50%, 2023 50%: observed CAGR 0 → ratio 0 → limited (not falling).
    a = pv.assess([(2021, 50.0), (2023, 50.0)], 2023, 70.0, 2025)
    assert a.status is Status.LIMITED
    assert a.ratio == 0.0


def test_falling():
    # 2021 50%, 2023 45%, target 70% in 2025.
    # observed CAGR = (45/50)^(1/2) − 1 = 0.948683 − 1 = −0.051317
    # ratio = −0.051317 / 0.087757 = −0.5848 < 0 → falling back
    a = pv.assess([(2021, 50.0), (2023, 45.0)], 2023, 70.0, 2025)
    assert a.status is Status.FALLING
    assert a.ratio == pytest.approx(-0.5848, abs=1e-4)


def test_base_value_zero_uses_percentage_points():
    # 0% in 2023 → 10% in 2024, target 40% in 2026: CAGR from 0 is undefined.
    # observed = (10 − 0) / (2024 − 2023) = 10 pp/yr; required = (40 − 0) / (2026 − 2023) = 13.33 pp/yr
    # ratio = 10 / 13.33 = 0.75 → too slow
    a = pv.assess([(2023, 0.0), (2024, 10.0)], 2024, 40.0, 2026)
    assert a.method == "pp"
    assert a.ratio == pytest.approx(0.75)
    assert a.status is Status.TOO_SLOW


def test_current_value_zero_uses_percentage_points():
    # 20% in 2021 → 0% in 2023, target 40% in 2025: CAGR to 0 is −100%, so points are used.
    # observed = (0 − 20) / 2 = −10 pp/yr; required = (40 − 20) / 4 = 5 pp/yr; ratio = −2 → falling
    a = pv.assess([(2021, 20.0), (2023, 0.0)], 2023, 40.0, 2025)
    assert a.method == "pp"
    assert a.ratio == pytest.approx(-2.0)
    assert a.status is Status.FALLING


def test_single_year_not_assessable():
    # One year (2023: 40%) below the 70% target: no trend to judge.
    a = pv.assess([(2023, 40.0)], 2023, 70.0, 2025)
    assert a.status is Status.NOT_ASSESSABLE
    assert a.method == "insufficient"
    assert a.ratio is None


def test_no_figure_for_the_year_and_no_target_are_said_apart():
    series = [(2021, 50.0), (2022, 55.0)]
    # No figure for 2023 itself: not reported (with or without a target).
    assert pv.assess(series, 2023, 70.0, 2025).status is Status.NOT_REPORTED
    assert pv.assess(series, 2023, None, None).status is Status.NOT_REPORTED
    # A figure, two years, but no target applies.
    assert pv.assess(series, 2022, None, None).status is Status.NO_TARGET
    # A figure and a target but one year only: no trend yet.
    assert pv.assess([(2022, 55.0)], 2022, 70.0, 2025).status is Status.NOT_ASSESSABLE
    assert [s.label() for s in Status.ordered()[-3:]] == [
        "Chưa đủ dữ liệu để đánh giá",
        "Không có mục tiêu",
        "Chưa báo cáo",
    ]


def test_baseline_is_first_year_from_2021():
    # A 2019 figure is before the baseline window: the base is 2021 (50%), not 2019 (10%).
    # observed = (60/50)^(1/2) − 1 → same ratio 1.0876 as the on-track example.
    a = pv.assess([(2019, 10.0), (2021, 50.0), (2023, 60.0)], 2023, 70.0, 2025)
    assert (a.base_year, a.base_value) == (2021, 50.0)
    assert a.status is Status.ON_TRACK
    # Later years than the current one are ignored: 2024 does not change the 2023 verdict.
    b = pv.assess([(2021, 50.0), (2023, 60.0), (2024, 20.0)], 2023, 70.0, 2025)
    assert b == a


def test_baseline_above_target_then_dropped_below_is_falling():
    # 2021 75% (above the 70% target), 2023 68%: required CAGR (70/75)^(1/4) − 1 < 0,
    # observed (68/75)^(1/2) − 1 < 0 → falling, no ratio.
    a = pv.assess([(2021, 75.0), (2023, 68.0)], 2023, 70.0, 2025)
    assert a.status is Status.FALLING
    assert a.ratio is None


@pytest.mark.parametrize(
    ("ratio", "status"),
    [
        (1.5, Status.ON_TRACK),
        (0.95, Status.ON_TRACK),
        (0.9499, Status.TOO_SLOW),
        (0.60, Status.TOO_SLOW),
        (0.5999, Status.LIMITED),
        (0.0, Status.LIMITED),
        (-0.0001, Status.FALLING),
    ],
)
def test_classify_thresholds(ratio, status):
    assert pv.classify(ratio) is status


def test_cagr_and_expected_value():
    # 50 → 72 over 2 years: (72/50)^(1/2) − 1 = 1.2 − 1 = 0.2
    assert pv.cagr(50.0, 72.0, 2) == pytest.approx(0.2)
    # Straight line 2021 50% → 2025 70%: in 2023, 50 + 20 × 2/4 = 60
    assert pv.expected_value(2021, 50.0, 2025, 70.0, 2023) == pytest.approx(60.0)
    # Base year = target year: the target itself.
    assert pv.expected_value(2025, 50.0, 2025, 70.0, 2025) == 70.0


def test_status_labels_vietnamese_and_english():
    assert Status.ON_TRACK.label() == "Đúng tiến độ"
    assert Status("too_slow").label("en") == "Progress too slow"
    # Every status has a symbol: status is never colour alone.
    symbols = [s.symbol for s in STATUS_STYLE.values()]
    assert symbols == ["✔", "▲", "►", "■", "▼", "✖", "○", "–", "∅"]
    assert len(set(symbols)) == len(symbols)


# --- rate, projection, pace, plan, change ---------------------------------------------------


def test_rate():
    assert pv.rate(23, 23) == 100.0
    # 190 of 400 → 47.5%
    assert pv.rate(190, 400) == pytest.approx(47.5)
    assert pv.rate(11, None) is None  # total unknown: no rate
    assert pv.rate(0, 0) is None
    assert pv.rate(None, 10) is None


def test_projection_least_squares_over_last_four_years():
    # The last four years 2021–2024: 50, 52, 56, 58 (2020's 90 is outside the window).
    # mean year 2022.5, mean value 54; Sxx = 2.25+0.25+0.25+2.25 = 5;
    # Sxy = (−1.5)(−4) + (−0.5)(−2) + (0.5)(2) + (1.5)(4) = 14 → slope 2.8 pp/yr
    # value in 2025 = 54 + 2.8 × (2025 − 2022.5) = 61.0
    series = [(2020, 90.0), (2021, 50.0), (2022, 52.0), (2023, 56.0), (2024, 58.0)]
    assert pv.project(series, 2024, 2025) == pytest.approx(61.0)
    # Years after the current one are not used: as of 2023, the fit is over 2020–2023
    # (90, 50, 52, 56): mean 2021.5, 62; Sxy = (−1.5)(28)+(−0.5)(−12)+(0.5)(−10)+(1.5)(−6) = −50
    # slope −50/5 = −10 → 2025: 62 − 10 × 3.5 = 27
    assert pv.project(series, 2023, 2025) == pytest.approx(27.0)


def test_projection_clipped_to_0_100_and_needs_two_years():
    # 90 → 98: +8/yr → 2026: 98 + 16 = 114 → clipped to 100
    assert pv.project([(2023, 90.0), (2024, 98.0)], 2024, 2026) == 100.0
    # 10 → 2: −8/yr → 2026: 2 − 16 = −14 → clipped to 0
    assert pv.project([(2023, 10.0), (2024, 2.0)], 2024, 2026) == 0.0
    assert pv.project([(2024, 40.0)], 2024, 2026) is None


def test_required_pace():
    # 58% in 2023, 70% by 2025: (70 − 58) / (2025 − 2023) = 6 pp/yr ("cần tăng 6 điểm %/năm")
    assert pv.required_pace(58.0, 2023, 70.0, 2025) == pytest.approx(6.0)
    # 10% in 2024, 40% by 2030: 30 / 6 = 5 pp/yr
    assert pv.required_pace(10.0, 2024, 40.0, 2030) == pytest.approx(5.0)
    assert pv.required_pace(72.0, 2023, 70.0, 2025) == 0.0  # already met
    assert (
        pv.required_pace(60.0, 2025, 70.0, 2025) is None
    )  # target year reached: a gap, not a pace
    assert pv.required_pace(None, 2023, 70.0, 2025) is None


def test_plan_pct():
    # 58% against a 70% plan: 58 / 70 × 100 = 82.857 → "đạt 83% kế hoạch"
    assert pv.plan_pct(58.0, 70.0) == pytest.approx(82.857, abs=1e-3)
    # 77% against 70%: 110% of plan
    assert pv.plan_pct(77.0, 70.0) == pytest.approx(110.0)
    assert pv.plan_pct(50.0, 0.0) is None
    assert pv.plan_pct(None, 70.0) is None


def test_change():
    # 50% → 58%: +8 points, +16% relative (8/50)
    assert pv.change(58.0, 50.0) == (pytest.approx(8.0), pytest.approx(16.0))
    # from 0: points only
    assert pv.change(5.0, 0.0) == (5.0, None)
    assert pv.change(5.0, None) == (None, None)


@pytest.mark.parametrize(
    ("year", "available", "expected"),
    [
        (2023, (2025, 2030), 2025),
        (2025, (2025, 2030), 2025),
        (2026, (2025, 2026, 2030), 2026),
        (2026, (2025, 2030), 2030),
        (2021, (2030, 2025, 2025), 2025),
        (2031, (2025, 2030), None),
        (2025, (), None),
    ],
)
def test_nearest_target_year(year, available, expected):
    assert pv.nearest_target_year(year, available) == expected


def test_is_number():
    assert pv.is_number(3) and pv.is_number(2.5)
    assert not pv.is_number(math.nan)
    assert not pv.is_number(None)
    assert not pv.is_number("3")


# --- properties -------------------------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(
    st.integers(min_value=1, max_value=10**9).flatmap(
        lambda t: st.tuples(st.integers(0, t), st.just(t))
    )
)
def test_rate_within_0_100_when_recognized_le_total(pair):
    recognized, total = pair
    r = pv.rate(recognized, total)
    assert r is not None
    assert 0.0 <= r <= 100.0
    assert r == pytest.approx(recognized * 100 / total)


# Rates come from counts (recognized × 100 / total), so a positive rate is never below ~1e-7:
# no subnormal floats, whose CAGR would overflow.
_rate_values = st.one_of(st.just(0.0), st.floats(min_value=1e-6, max_value=100, allow_nan=False))
_series = st.dictionaries(
    st.integers(min_value=2021, max_value=2025),
    _rate_values,
    min_size=1,
    max_size=5,
)


@settings(max_examples=50, deadline=None)
@given(
    _series,
    st.floats(min_value=1, max_value=100, allow_nan=False),
    st.sampled_from([2025, 2026, 2030]),
    st.randoms(),
)
def test_assess_ignores_the_order_of_the_series(values, target, target_year, rnd: random.Random):
    series = list(values.items())
    current_year = max(values)
    shuffled = series[:]
    rnd.shuffle(shuffled)
    a = pv.assess(series, current_year, target, target_year)
    b = pv.assess(shuffled, current_year, target, target_year)
    assert a == b
    assert pv.project(series, current_year, target_year) == pv.project(
        shuffled, current_year, target_year
    )
    if values[current_year] >= target:
        assert a.status is Status.TARGET_MET
    elif current_year >= target_year:  # the target's year has come: a result, not a pace
        assert a.status is Status.TARGET_MISSED
    elif len(values) == 1:
        assert a.status is Status.NOT_ASSESSABLE


@settings(max_examples=50, deadline=None)
@given(_series, st.sampled_from([2025, 2026, 2030]))
def test_projection_always_within_0_100(values, target_year):
    p = pv.project(list(values.items()), max(values), target_year)
    if len(values) < 2:
        assert p is None
    else:
        assert p is not None
        assert 0.0 <= p <= 100.0


def test_what_needs_attention_is_worst_first() -> None:
    from metrics.locality_progress import IndicatorProgress, needing_attention

    def item(ind: str, status: str, plan: float | None) -> IndicatorProgress:
        return IndicatorProgress(
            **{
                f: None
                for f in IndicatorProgress.__dataclass_fields__
                if f not in ("sources", "levels")
            }
            | {"indicator": ind, "status": status, "plan_pct": plan, "has_data": True}
        )

    items = [
        item("a", "too_slow", 80.0),
        item("b", "target_met", 100.0),
        item("c", "target_missed", 95.0),
        item("d", "falling", 70.0),
        item("e", "target_missed", 60.0),
        item("f", "on_track", 90.0),
        item("g", "limited", None),
    ]
    assert [p.indicator for p in needing_attention(items)] == ["e", "c", "d", "g", "a"]
