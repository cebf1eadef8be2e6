"""metrics/targets_ahead.py: the targets still ahead of a place, worked by hand on a small real
store — the gap, the pace still needed and where the recent trend leads (Hồ sơ's table)."""

from __future__ import annotations

import pytest
from small_store import QUANG_NGAI, add_batch, con, obs, store, target  # noqa: F401

from metrics.queries import registers as rq
from metrics.targets_ahead import TARGETS_AHEAD_SCHEMA, targets_ahead


@pytest.fixture
def commune(con) -> str:  # noqa: F811
    return rq.communes_of(con, QUANG_NGAI)["id"].to_list()[0]


def rows(con, commune: str, year: int) -> dict[int, dict]:  # noqa: F811
    ahead = targets_ahead(con, commune, year).filter(indicator="gia_dinh")
    return {r["target_year"]: r for r in ahead.iter_rows(named=True)}


def test_gap_pace_and_projection_worked_by_hand(con, commune) -> None:  # noqa: F811
    # gia_dinh 50% (2021), 55% (2022), 60% (2023): a straight line, +5 points a year. The
    # commune set itself 75% for 2026; the nation asks 70% by 2025 and 85% by 2030.
    add_batch(
        con,
        [
            obs(commune, 2021, "gia_dinh", 200, 100),
            obs(commune, 2022, "gia_dinh", 200, 110),
            obs(commune, 2023, "gia_dinh", 200, 120),
        ],
        [target(commune, "gia_dinh", 2026, 75.0, "Kế hoạch của UBND xã")],
    )
    ahead = rows(con, commune, 2023)
    assert sorted(ahead) == [2025, 2026, 2030]
    # 2025, national 70%: gap 70 − 60 = 10; pace 10 ÷ (2025 − 2023) = 5 a year; the line
    # reaches 60 + 2 × 5 = 70 in 2025: on it exactly (projected gap 0).
    y25 = ahead[2025]
    assert (y25["target_pct"], y25["scope_level"], y25["rate_pct"]) == (70.0, "country", 60.0)
    assert y25["gap_pp"] == pytest.approx(10.0)
    assert y25["required_pp_per_year"] == pytest.approx(5.0)
    assert y25["projected_pct"] == pytest.approx(70.0)
    assert y25["projected_gap_pp"] == pytest.approx(0.0)
    assert y25["plan_pct"] == pytest.approx(60 / 70 * 100)
    # 2026, the commune's own 75%: gap 15; pace 15 ÷ 3 = 5; the line gives 75: gap 0.
    y26 = ahead[2026]
    assert (y26["target_pct"], y26["scope_level"], y26["source"]) == (
        75.0,
        "commune",
        "Kế hoạch của UBND xã",
    )
    assert (y26["gap_pp"], y26["required_pp_per_year"]) == (pytest.approx(15.0), pytest.approx(5.0))
    assert (y26["projected_pct"], y26["projected_gap_pp"]) == (
        pytest.approx(75.0),
        pytest.approx(0.0),
    )
    # 2030, national 85%: gap 25; pace 25 ÷ 7 ≈ 3,57; the line gives 60 + 7 × 5 = 95, 10 past it.
    y30 = ahead[2030]
    assert (y30["target_pct"], y30["scope_level"]) == (85.0, "country")
    assert y30["gap_pp"] == pytest.approx(25.0)
    assert y30["required_pp_per_year"] == pytest.approx(25 / 7)
    assert (y30["projected_pct"], y30["projected_gap_pp"]) == (
        pytest.approx(95.0),
        pytest.approx(10.0),
    )


def test_a_target_reached_needs_no_pace_and_one_year_projects_nothing(con, commune) -> None:  # noqa: F811
    # One year only, 72% in 2023: past the 2025 target (pace 0, gap −2), short of 2030's 85%;
    # one point draws no line, so no projection.
    add_batch(con, [obs(commune, 2023, "gia_dinh", 100, 72)])
    ahead = rows(con, commune, 2023)
    assert ahead[2025]["gap_pp"] == pytest.approx(-2.0)
    assert ahead[2025]["required_pp_per_year"] == 0.0
    assert ahead[2030]["required_pp_per_year"] == pytest.approx(13 / 7)
    assert all(r["projected_pct"] is None and r["projected_gap_pp"] is None for r in ahead.values())


def test_no_figure_keeps_the_targets_without_rates(con, commune) -> None:  # noqa: F811
    ahead = targets_ahead(con, commune, 2023)
    assert ahead.schema == dict(TARGETS_AHEAD_SCHEMA)
    gia_dinh = ahead.filter(indicator="gia_dinh")
    assert gia_dinh["target_year"].to_list() == [2025, 2030]
    assert gia_dinh["rate_pct"].null_count() == gia_dinh.height
    assert gia_dinh["required_pp_per_year"].null_count() == gia_dinh.height
