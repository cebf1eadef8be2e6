"""Numbers as users read them in reports: Vietnamese 3.783 and 85,5%, English 3,783 and 85.5%."""

from __future__ import annotations

import math
from datetime import date, datetime

import numpy as np
import pytest

from metrics.fmt import DASH, fmt_date, fmt_datetime, fmt_int, fmt_num, fmt_pct, fmt_pp, separators


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (3783, "3.783"),
        (0, "0"),
        (999, "999"),
        (1000, "1.000"),
        (1234567, "1.234.567"),
        (3783.4, "3.783"),
        (np.int64(3783), "3.783"),
    ],
)
def test_fmt_int_uses_dot_for_thousands(value: float, shown: str) -> None:
    assert fmt_int(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (85.5, "85,5%"),
        (85.0, "85%"),
        (100, "100%"),
        (0, "0%"),
        (3.14159, "3,1%"),
        (np.float64(70.25), "70,3%"),
    ],
)
def test_fmt_pct_uses_comma_for_decimals(value: float, shown: str) -> None:
    assert fmt_pct(value) == shown


def test_fmt_num_groups_thousands_and_drops_a_trailing_zero() -> None:
    assert fmt_num(3783.25) == "3.783,3"
    assert fmt_num(1234567.891, 2) == "1.234.567,89"
    assert fmt_num(85.0) == "85"
    assert fmt_num(85.04) == "85"
    assert fmt_num(12.5, 0) == "13"


def test_halves_round_up_as_in_the_reports() -> None:
    # 41 of 80 units is 51,25%: reports and Excel show 51,3%, not the banker's 51,2%,
    # although 41 / 80 * 100 is 51.24999999999999 in floating point.
    assert fmt_pct(41 / 80 * 100) == "51,3%"
    assert fmt_pct(51.25) == "51,3%"
    assert fmt_pct(12.25) == "12,3%"
    assert fmt_int(2.5) == "3"
    assert fmt_num(2.675, 2) == "2,68"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (4.1, "+4,1 điểm %"),
        (-2.5, "−2,5 điểm %"),
        (0, "0 điểm %"),
        (12.0, "+12 điểm %"),
        (1234.56, "+1.234,6 điểm %"),
    ],
)
def test_fmt_pp_shows_signed_percentage_points(value: float, shown: str) -> None:
    assert fmt_pp(value) == shown


def test_fmt_pp_unsigned_and_tiny_changes() -> None:
    assert fmt_pp(4.1, signed=False) == "4,1 điểm %"
    # A change that rounds to nothing is shown as nothing, without a sign.
    assert fmt_pp(-0.04) == "0 điểm %"
    assert fmt_pp(0.04) == "0 điểm %"
    assert fmt_pct(-0.04) == "0%"


@pytest.mark.parametrize("fmt", [fmt_int, fmt_num, fmt_pct, fmt_pp])
@pytest.mark.parametrize("missing", [None, math.nan, float("nan")])
def test_missing_values_show_a_dash(fmt, missing) -> None:
    assert fmt(missing) == DASH == "–"


@pytest.mark.parametrize(
    ("vi", "en"),
    [
        (fmt_int(3783), fmt_int(3783, lang="en")),
        (fmt_num(3783.25), fmt_num(3783.25, lang="en")),
        (fmt_pct(85.5), fmt_pct(85.5, lang="en")),
        (fmt_pct(1234.56, 2), fmt_pct(1234.56, 2, lang="en")),
        (fmt_pp(4.1), fmt_pp(4.1, lang="en")),
        (fmt_pp(-0.3), fmt_pp(-0.3, lang="en")),
    ],
)
def test_english_swaps_the_marks(vi: str, en: str) -> None:
    expected = {
        "3.783": "3,783",
        "3.783,3": "3,783.3",
        "85,5%": "85.5%",
        "1.234,56%": "1,234.56%",
        "+4,1 điểm %": "+4.1 pp",
        "−0,3 điểm %": "−0.3 pp",
    }
    assert en == expected[vi]


def test_english_and_vietnamese_plotly_separators() -> None:
    assert (separators("vi"), separators("en")) == (",.", ".,")
    assert (fmt_int(None, lang="en"), fmt_pct(float("nan"), lang="en")) == (DASH, DASH)


def test_dates_day_first_as_in_decisions() -> None:
    assert fmt_date(date(2025, 3, 7)) == "07/03/2025"
    assert fmt_datetime(datetime(2025, 3, 7, 9, 5)) == "07/03/2025 09:05"
