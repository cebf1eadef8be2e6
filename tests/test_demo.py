"""The demo store (`xhht demo`): deterministic synthetic figures, deliberate gaps, and the real
figures and targets of the seed reports kept apart from the synthetic ones."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from metrics.demo import build_demo
from metrics.demo_figures import DEMO_YEARS
from metrics.indicators import registry
from metrics.store import connect

COMMUNE_INDICATORS = sorted(i.id for i in registry().indicator if i.level_scope == "commune")

# Xã Đăk Long's own targets (2026, 2030), from its 2025 plan (data/seed_figures.toml).
DAK_LONG_TARGETS = {
    "cong_dan_nguoi_lon": (45, 60),
    "cong_dan_can_bo": (70, 80),
    "gia_dinh": (50, 85),
    "dong_ho": (50, 75),
    "cong_dong_thon": (65, 75),
    "don_vi": (60, 90),
    "ky_nang_so": (70, 90),
    "thanh_thao_so": (50, 80),
    "can_bo_khuyen_hoc": (60, 70),
}


def rows(con, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def scalar(con, sql: str, params: list | None = None):
    return rows(con, sql, params)[0][0]


def digest(con, sql: str) -> str:
    h = hashlib.sha256()
    for row in con.execute(sql).fetchall():
        h.update(repr(row).encode())
    return h.hexdigest()


OBSERVATIONS_IN_ORDER = "SELECT * FROM observations ORDER BY batch_id, locality_id, year, indicator"
TARGETS_IN_ORDER = "SELECT * FROM targets ORDER BY batch_id, locality_id, indicator, target_year"


def test_demo_is_deterministic(demo_con, tmp_path: Path) -> None:
    con = connect(tmp_path / "again.duckdb")
    try:
        summary = build_demo(con)
        again_obs = digest(con, OBSERVATIONS_IN_ORDER)
        again_tgt = digest(con, TARGETS_IN_ORDER)
        again_n = scalar(con, "SELECT count(*) FROM observations")
    finally:
        con.close()
    assert again_n == scalar(demo_con, "SELECT count(*) FROM observations") > 150_000
    assert summary.communes == 3321
    assert summary.seed_observations == 4
    assert again_obs == digest(demo_con, OBSERVATIONS_IN_ORDER)
    assert again_tgt == digest(demo_con, TARGETS_IN_ORDER)


def test_three_batches_registers_demo_seed(demo_con) -> None:
    batches = rows(demo_con, "SELECT id, kind, synthetic, status FROM batches ORDER BY id")
    assert batches == [
        (1, "registers", False, "active"),
        (2, "demo", True, "active"),
        (3, "seed", False, "active"),
    ]


# -- coverage and gaps ---------------------------------------------------------------------------


def test_every_commune_reports_every_commune_indicator_except_deliberate_gaps(demo_con) -> None:
    per_commune = rows(
        demo_con,
        """SELECT l.id, o.indicator, list(o.year ORDER BY o.year)
           FROM localities l LEFT JOIN observations_current o ON o.locality_id = l.id
           WHERE l.level = 'commune' GROUP BY ALL""",
    )
    communes = {c for c, _, _ in per_commune}
    assert len(communes) == 3321
    assert all(ind is not None for _, ind, _ in per_commune), "a commune without any figure"
    indicators = {}
    for commune, ind, years in per_commune:
        indicators.setdefault(commune, {})[ind] = years
    for commune, by_ind in indicators.items():
        assert sorted(by_ind) == COMMUNE_INDICATORS, commune
        # A commune's gaps are the same for all its indicators.
        assert len({tuple(y) for y in by_ind.values()}) == 1, commune
        years = next(iter(by_ind.values()))
        missing = set(DEMO_YEARS) - set(years)
        # Gaps: at most one of 2022/2023 skipped, and 2025 possibly not reported yet.
        assert {2021, 2024} <= set(years), commune
        assert missing <= {2022, 2023, 2025} and len(missing & {2022, 2023}) <= 1, (
            commune,
            missing,
        )


def test_no_figures_outside_the_demo_years_or_for_unknown_units(demo_con) -> None:
    assert rows(demo_con, "SELECT DISTINCT year FROM observations ORDER BY year") == [
        (y,) for y in DEMO_YEARS
    ]
    assert (
        scalar(
            demo_con,
            "SELECT count(*) FROM observations o WHERE NOT EXISTS (SELECT 1 FROM localities l WHERE l.id = o.locality_id)",
        )
        == 0
    )
    assert (
        scalar(
            demo_con,
            "SELECT count(*) FROM observations o WHERE NOT EXISTS (SELECT 1 FROM indicators i WHERE i.id = o.indicator)",
        )
        == 0
    )


def test_some_communes_have_not_reported_2025(demo_con) -> None:
    missing_2025 = scalar(
        demo_con,
        """SELECT count(*) FROM localities l WHERE level = 'commune' AND NOT EXISTS (
               SELECT 1 FROM observations_current o WHERE o.locality_id = l.id AND o.year = 2025)""",
    )
    assert 50 < missing_2025 < 400


def test_about_half_of_dak_lak_has_not_reported_2025(demo_con) -> None:
    total, missing = rows(
        demo_con,
        """SELECT count(*), count(*) FILTER (WHERE NOT EXISTS (
               SELECT 1 FROM observations_current o WHERE o.locality_id = l.id AND o.year = 2025))
           FROM localities l JOIN localities p ON p.id = l.province_id
           WHERE l.level = 'commune' AND p.code = '66'""",
    )[0]
    assert rows(demo_con, "SELECT name FROM localities WHERE id = 'P66'") == [("Tỉnh Đắk Lắk",)]
    assert total == 102
    assert 0.35 <= missing / total <= 0.65


def test_some_communes_skip_2022_or_2023(demo_con) -> None:
    skipped = rows(
        demo_con,
        """SELECT y.year, count(*) FROM localities l CROSS JOIN (VALUES (2022), (2023)) y(year)
           WHERE l.level = 'commune' AND NOT EXISTS (
               SELECT 1 FROM observations_current o WHERE o.locality_id = l.id AND o.year = y.year)
           GROUP BY y.year ORDER BY y.year""",
    )
    assert [y for y, _ in skipped] == [2022, 2023]
    assert all(20 < n < 200 for _, n in skipped)


def test_provincial_units_reported_by_every_province_but_quang_ngai(demo_con) -> None:
    provinces = rows(
        demo_con,
        """SELECT DISTINCT locality_id FROM observations_current
           WHERE indicator = 'don_vi_cap_tinh' AND synthetic ORDER BY 1""",
    )
    assert len(provinces) == 33
    assert ("P51",) not in provinces
    assert all(p.startswith("P") for (p,) in provinces)


# -- consistency ---------------------------------------------------------------------------------


def test_recognized_within_registered_within_total(demo_con) -> None:
    assert (
        scalar(
            demo_con,
            """SELECT count(*) FROM observations
           WHERE recognized > registered OR registered > total OR recognized > total
              OR least(total, registered, recognized) < 0""",
        )
        == 0
    )
    # The synthetic figures are complete.
    assert (
        scalar(
            demo_con,
            "SELECT count(*) FROM observations_current WHERE synthetic AND (total IS NULL OR registered IS NULL OR recognized IS NULL)",
        )
        == 0
    )


def test_only_rated_titles_carry_ratings(demo_con) -> None:
    # Commune-level learning units carry no Tốt/Khá/Mức độ: the circulars rate provincial and
    # former district units (don_vi_cap_tinh) and, by Mức độ, commune learning communities.
    rated_communes = scalar(
        demo_con,
        """SELECT count(*) FROM observations_current WHERE synthetic AND indicator = 'don_vi'
           AND coalesce(level_tot, level_kha, level_trung_binh, level_muc_do_1, level_muc_do_2) IS NOT NULL""",
    )
    assert rated_communes == 0
    # Thông tư 22/2020 ratings until 2023, Mức độ 1/2 (Thông tư 24/2023) from 2024.
    bad = scalar(
        demo_con,
        """SELECT count(*) FROM observations_current WHERE synthetic AND indicator = 'don_vi_cap_tinh' AND (
               (year <= 2023 AND (coalesce(level_tot + level_kha, -1) > recognized OR level_muc_do_1 IS NOT NULL))
            OR (year >= 2024 AND (coalesce(level_muc_do_1 + level_muc_do_2, -1) > recognized OR level_tot IS NOT NULL)))""",
    )
    assert bad == 0


def test_every_demo_row_is_in_a_synthetic_batch(demo_con) -> None:
    sources = rows(
        demo_con,
        """SELECT b.kind, b.synthetic, count(*), min(o.source) FROM observations o JOIN batches b ON b.id = o.batch_id
           GROUP BY ALL ORDER BY b.kind""",
    )
    assert [(kind, synthetic) for kind, synthetic, _, _ in sources] == [
        ("demo", True),
        ("seed", False),
    ]
    demo = next(s for s in sources if s[0] == "demo")
    assert demo[2] > 150_000
    assert demo[3].startswith("Dữ liệu minh họa")
    # Synthetic commune figures exist only for current communes and provinces.
    assert rows(
        demo_con,
        """SELECT DISTINCT l.level FROM observations_current o JOIN localities l ON l.id = o.locality_id
           WHERE o.synthetic ORDER BY 1""",
    ) == [("commune",), ("province",)]


# -- the real figures of the seed reports ---------------------------------------------------------


def seed(con, locality_id: str, year: int, indicator: str) -> dict:
    found = con.execute(
        """SELECT total, registered, recognized, level_tot, total_from_register, synthetic, source
           FROM observations_current WHERE locality_id = ? AND year = ? AND indicator = ?""",
        [locality_id, year, indicator],
    ).fetchall()
    assert len(found) == 1, (locality_id, year, indicator)
    keys = (
        "total",
        "registered",
        "recognized",
        "level_tot",
        "total_from_register",
        "synthetic",
        "source",
    )
    return dict(zip(keys, found[0], strict=True))


def test_ia_hdrai_2022_units(demo_con) -> None:
    fig = seed(demo_con, "OH618", 2022, "don_vi_cap_tinh")
    assert fig["recognized"] == 11
    assert fig["total"] is None and fig["registered"] is None
    assert fig["synthetic"] is False
    assert "48/QĐ-UBND" in fig["source"]


def test_ia_hdrai_2023_units_all_rated_good(demo_con) -> None:
    fig = seed(demo_con, "OH618", 2023, "don_vi_cap_tinh")
    assert (fig["total"], fig["registered"], fig["recognized"], fig["level_tot"]) == (
        23,
        23,
        23,
        23,
    )
    assert fig["synthetic"] is False
    assert fig["total_from_register"] is False
    assert "87/QĐ-UBND" in fig["source"]


def test_ba_to_2024_nothing_recognized(demo_con) -> None:
    units = seed(demo_con, "OH535", 2024, "don_vi_cap_tinh")
    assert units["recognized"] == 0
    assert units["synthetic"] is False
    communes = seed(demo_con, "OH535", 2024, "cong_dong_xa")
    assert communes["recognized"] == 0
    assert communes["synthetic"] is False
    assert communes["total_from_register"] is True
    old_communes_of_ba_to = scalar(
        demo_con,
        "SELECT count(*) FROM localities WHERE parent_id = 'OH535' AND level = 'old_commune'",
    )
    assert old_communes_of_ba_to == 19
    assert communes["total"] == old_communes_of_ba_to
    assert "Thông tư 25/2023" in communes["source"]


def test_only_the_seed_figures_are_real(demo_con) -> None:
    real = rows(
        demo_con,
        "SELECT locality_id, year, indicator FROM observations_current WHERE NOT synthetic ORDER BY ALL",
    )
    assert real == [
        ("OH535", 2024, "cong_dong_xa"),
        ("OH535", 2024, "don_vi_cap_tinh"),
        ("OH618", 2022, "don_vi_cap_tinh"),
        ("OH618", 2023, "don_vi_cap_tinh"),
    ]


# -- targets -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("indicator", "expected"), DAK_LONG_TARGETS.items())
def test_dak_long_targets_are_the_communes_own(
    demo_con, indicator: str, expected: tuple[int, int]
) -> None:
    found = rows(
        demo_con,
        """SELECT target_year, percent, synthetic, confirmed, source FROM targets_current
           WHERE locality_id = 'X23368' AND indicator = ? ORDER BY target_year""",
        [indicator],
    )
    assert [(y, p) for y, p, *_ in found] == [(2026, expected[0]), (2030, expected[1])]
    assert all(synthetic is False and confirmed is True for _, _, synthetic, confirmed, _ in found)
    assert all("xã Đăk Long" in source for *_, source in found)


def test_dak_long_has_no_other_targets(demo_con) -> None:
    assert (
        scalar(demo_con, "SELECT count(*) FROM targets_current WHERE locality_id = 'X23368'") == 18
    )


def test_national_targets_under_vn(demo_con) -> None:
    national = rows(
        demo_con,
        """SELECT indicator, target_year, percent, confirmed, synthetic FROM targets_current
           WHERE locality_id = 'VN' ORDER BY indicator, target_year""",
    )
    assert len(national) == 18
    as_dict = {(ind, y): (p, c, s) for ind, y, p, c, s in national}
    assert as_dict[("gia_dinh", 2025)] == (70.0, True, False)
    assert as_dict[("gia_dinh", 2030)] == (85.0, False, False)
    assert as_dict[("can_bo_khuyen_hoc", 2030)] == (60.0, False, False)
    assert as_dict[("ky_nang_so", 2030)] == (90.0, True, False)  # stated in QĐ 677 itself
    assert {ind for ind, _ in as_dict} == set(COMMUNE_INDICATORS) - {"cong_dong_xa"}


def test_demo_province_targets_are_marked_as_illustration(demo_con) -> None:
    provincial = rows(
        demo_con,
        """SELECT DISTINCT t.locality_id, t.synthetic, t.source FROM targets_current t
           JOIN localities l ON l.id = t.locality_id WHERE l.level = 'province' ORDER BY 1""",
    )
    assert [p for p, _, _ in provincial] == ["P01", "P51", "P79"]
    assert all(synthetic is True and "minh họa" in source for _, synthetic, source in provincial)
