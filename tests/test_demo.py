"""The demo store (`xhht demo`): deterministic synthetic figures, deliberate gaps, and the real
figures and targets of the seed reports kept apart from the synthetic ones."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from metrics.circulars import ABOVE_COMMUNE_TITLES, NOT_PASSED, PASSED
from metrics.demo import build_demo
from metrics.demo.figures import DEMO_YEARS
from metrics.indicators import registry
from metrics.locality_progress import children_progress, progress_for
from metrics.name_parts import lower_type
from metrics.queries.recognitions import entries_in, entries_of_place
from metrics.recognitions import register_count
from metrics.store import connect
from metrics.store.schema import COUNTRY_ID

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
    # Commune learning communities are counted on the communes of their year's register: the
    # old communes before the reorganisation (below), today's from 2025.
    per_commune = rows(
        demo_con,
        """SELECT l.id, o.indicator, list(o.year ORDER BY o.year)
           FROM localities l LEFT JOIN observations_current o
                ON o.locality_id = l.id AND o.indicator <> 'cong_dong_xa'
           WHERE l.level = 'commune' GROUP BY ALL""",
    )
    communes = {c for c, _, _ in per_commune}
    assert len(communes) == 3321
    assert all(ind is not None for _, ind, _ in per_commune), "a commune without any figure"
    indicators = {}
    for commune, ind, years in per_commune:
        indicators.setdefault(commune, {})[ind] = years
    for commune, by_ind in indicators.items():
        assert sorted(by_ind) == [i for i in COMMUNE_INDICATORS if i != "cong_dong_xa"], commune
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


def test_commune_communities_are_the_old_communes_before_2025_and_todays_after(demo_con) -> None:
    by_level = rows(
        demo_con,
        """SELECT l.level, list(DISTINCT o.year ORDER BY o.year), count(DISTINCT l.id)
           FROM observations_current o JOIN localities l ON l.id = o.locality_id
           WHERE o.indicator = 'cong_dong_xa' AND o.synthetic GROUP BY 1 ORDER BY 1""",
    )
    # Every old commune but those of the two old districts whose real reports the demo keeps
    # alone (huyện Ia H'Drai: 3, huyện Ba Tơ: 19).
    assert by_level == [
        ("commune", [2025], by_level[0][2]),
        ("old_commune", [2021, 2022, 2023, 2024], 10035 - 3 - 19),
    ]
    # Every commune that has reported 2025 has its community's figure.
    assert by_level[0][2] == scalar(
        demo_con,
        """SELECT count(DISTINCT locality_id) FROM observations_current o
           JOIN localities l ON l.id = o.locality_id WHERE l.level = 'commune' AND o.year = 2025""",
    )


@pytest.mark.parametrize("district", ["OH535", "OH618"])  # huyện Ba Tơ, huyện Ia H'Drai
def test_nothing_is_invented_inside_an_old_district_a_real_report_speaks_for(
    demo_con, district
) -> None:
    inside = rows(
        demo_con,
        """SELECT DISTINCT o.synthetic FROM observations_current o
           JOIN localities l ON l.id = o.locality_id WHERE l.id = ? OR l.parent_id = ?""",
        [district, district],
    )
    assert inside == [(False,)]
    assert (
        scalar(
            demo_con,
            """SELECT count(*) FROM recognitions_current r JOIN localities l ON l.id = r.locality_id
               WHERE (l.id = ? OR l.parent_id = ?) AND r.synthetic""",
            [district, district],
        )
        == 0
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
    assert all(5 < n < 100 for _, n in skipped)


@pytest.mark.parametrize("year", DEMO_YEARS)
def test_most_provinces_are_whole_and_the_few_partial_ones_mostly_rank(demo_con, year) -> None:
    """A national ranking ranks most provinces whole: communes miss a year in only a few
    provinces, and only Đắk Lắk's 2025 (half its communes) is kept apart."""
    kids = children_progress(demo_con, COUNTRY_ID, year, ["gia_dinh", "cong_dong_xa"])
    for indicator in ("gia_dinh", "cong_dong_xa"):
        sub = kids.filter(pl.col("indicator") == indicator)
        assert sub.height == 34
        whole = sub.filter(pl.col("complete"))
        assert whole.height >= 30, (indicator, sub.filter(~pl.col("complete"))["locality_name"])
        apart = sub.filter(pl.col("rank").is_null())["locality_name"].to_list()
        # cong_dong_xa is decided by the province for every commune of its register: its base is
        # the register, so it is always whole (a commune without a result was not recognised).
        partial_2025 = [] if registry().by_id(indicator).register_base else ["Tỉnh Đắk Lắk"]
        assert apart == (partial_2025 if year == 2025 else []), indicator
        assert sub["ranked_of"][0] == 34 - len(apart)
    nearly = kids.filter(
        (pl.col("indicator") == "gia_dinh") & ~pl.col("complete") & pl.col("rankable")
    )
    if year in (2022, 2023, 2025):  # a few late communes, and the ranking says how many reported
        assert 1 <= nearly.height <= 4
        assert all(re.fullmatch(r"\d+/\d+ xã", n) for n in nearly["partial_note"])
    if year == 2025:
        qn = kids.filter((pl.col("locality_id") == "P51") & (pl.col("indicator") == "gia_dinh"))
        assert (qn["partial_note"][0], qn["rankable"][0]) == ("92/96 xã", True)


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
    # Synthetic figures exist only for current communes and provinces, and for the old
    # communes' learning communities before the reorganisation.
    assert rows(
        demo_con,
        """SELECT DISTINCT l.level FROM observations_current o JOIN localities l ON l.id = o.locality_id
           WHERE o.synthetic AND (l.level <> 'old_commune' OR o.indicator = 'cong_dong_xa') ORDER BY 1""",
    ) == [("commune",), ("old_commune",), ("province",)]
    assert (
        scalar(
            demo_con,
            """SELECT count(*) FROM observations_current o JOIN localities l ON l.id = o.locality_id
               WHERE l.level = 'old_commune' AND (o.indicator <> 'cong_dong_xa' OR o.year >= 2025)""",
        )
        == 0
    )


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
    assert as_dict[("can_bo_khuyen_hoc", 2030)] == (70.0, False, False)
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


# -- the lists of recognised units ---------------------------------------------------------------

LEVELS = ("tot", "kha", "trung_binh", "muc_do_1", "muc_do_2")
REORGANISATION = date(2025, 7, 1)


def lists(con) -> list[tuple[str, int, str]]:
    """Every (place, year, title) the register holds a list for: the demo's and the seed's."""
    return rows(
        con, "SELECT DISTINCT locality_id, year, indicator FROM recognitions_current ORDER BY ALL"
    )


def figure(con, place: str, year: int, title: str) -> dict | None:
    found = con.execute(
        f"""SELECT registered, recognized, {", ".join(f"level_{lv}" for lv in LEVELS)}
            FROM observations_current WHERE locality_id = ? AND year = ? AND indicator = ?""",
        [place, year, title],
    ).fetchall()
    if not found:
        return None
    return dict(zip(("registered", "recognized", *LEVELS), found[0], strict=True))


def test_every_list_follows_the_figure_of_its_place_title_and_year(demo_con) -> None:
    """Whatever list the demo makes for a place, title and year holds as many recognised units
    as the figure counts, at each level as many as it counts; the units it lists as not
    recognised registered and fell short."""
    every = lists(demo_con)
    assert len(every) > 250  # the communes' and old communes' assessments, villages, units
    for place, year, title in every:
        if title in ABOVE_COMMUNE_TITLES:  # a place assessed as a whole: no figure counts it
            continue
        count = register_count(entries_of_place(demo_con, place, year, title), None)
        fig = figure(demo_con, place, year, title)
        assert fig is not None, (place, year, title)
        assert count.recognized == fig["recognized"], (place, year, title)
        for level in LEVELS:
            assert count.by_result.get(level, 0) == (fig[level] or 0), (place, year, title, level)
        if not any(fig[level] for level in LEVELS):  # a title the figures do not rate
            assert set(count.by_result) <= {PASSED, NOT_PASSED}, (place, year, title)
        failed = count.by_result.get(NOT_PASSED, 0)
        if fig["registered"] is not None:
            assert failed <= fig["registered"] - fig["recognized"], (place, year, title)
        if title == "cong_dong_xa":  # every commune that registered was assessed
            assert count.listed == fig["registered"], (place, year, title)


@pytest.mark.parametrize("year", [2024, 2025])
def test_an_areas_communities_list_adds_up_to_its_figure(demo_con, year) -> None:
    """What a report says of an area ("16/92 xã, 9 đạt Mức độ 1, 7 Mức độ 2") and the list
    attached to it agree: the province and each of its old districts."""
    areas = [("province", "P51")] + [
        ("old_district", d)
        for (d,) in rows(
            demo_con,
            "SELECT id FROM localities WHERE level = 'old_district' AND province_id = 'P51'",
        )
    ]
    for level, area in areas:
        if level == "old_district" and year >= 2025:
            continue
        entries = entries_in(demo_con, level, area, year=year, title="cong_dong_xa")
        [p] = progress_for(demo_con, area, year, ["cong_dong_xa"])
        if not p.has_data:  # huyện Lý Sơn had no communes; huyện Ia H'Drai reported units only
            assert entries.height == 0
            continue
        count = register_count(entries, p.recognized)
        assert count.agrees, (area, year, count)
        listed = {lv: n for lv, n in count.by_result.items() if lv != NOT_PASSED}
        assert listed == {lv: n for lv, n in p.levels.items() if n}, (area, year)


def test_no_unit_is_named_in_a_decision_dated_before_it_existed(demo_con) -> None:
    """Decisions signed before 1/7/2025 name the units of the register of the time (old
    communes, old districts), issued by the UBND of the old district that held them; those
    signed after name today's units."""
    entries = rows(
        demo_con,
        """SELECT r.year, r.decision_date, r.issuer, l.era, l.level, l.name, d.name, op.name
           FROM recognitions_current r JOIN localities l ON l.id = r.locality_id
           LEFT JOIN localities d ON d.id = l.parent_id AND l.level = 'old_commune'
           LEFT JOIN localities op ON op.id = l.old_province_id
           -- a place not yet assessed has no decision to date
           WHERE r.result <> 'chua_danh_gia'""",
    )
    assert {(y, era) for y, _, _, era, *_ in entries} == {
        (2023, "legacy"),
        (2024, "legacy"),
        (2025, "current"),
    }
    for year, decided, issuer, era, level, name, district, old_province in entries:
        assert decided.year in (year, year + 1), (name, decided)
        if decided < REORGANISATION:
            assert era == "legacy", (name, decided)
        else:
            assert era == "current", (name, decided)
        if level == "old_commune":
            assert issuer == f"UBND {lower_type(district)}, {lower_type(old_province)}", name
            assert year < 2025


def test_units_are_named_as_reports_name_them(demo_con) -> None:
    named = rows(
        demo_con,
        """SELECT r.locality_id, r.indicator, r.name, r.kind, l.name
           FROM recognitions_current r JOIN localities l ON l.id = r.locality_id WHERE r.synthetic""",
    )
    by_list: dict[tuple[str, str], list[str]] = {}
    for place, title, name, kind, place_name in named:
        by_list.setdefault((place, title), []).append(name)
        if title == "cong_dong_xa":  # the commune itself, as the register names it
            assert name == place_name
        elif title == "cong_dong_thon":
            assert re.fullmatch(r"(Thôn|Tổ dân phố) [1-9]\d*", name), name
            assert name.startswith("Tổ dân phố") == place_name.startswith("Phường"), name
        else:
            assert title == "don_vi"
            assert re.match(UNIT_NAME, name), name
            assert not re.search(r"\bsố \d+\b|\(", name), name  # never "Cơ quan số 12 (xã …)"
            assert (kind == "Trường học") == name.startswith("Trường "), name
            if "UBND" in name or name.startswith(("Công an", "Trạm Y tế", "Hội ", "Phòng")):
                assert lower_type(place_name) in name, name  # "Trạm Y tế xã Đăk Long"
    assert all(len(set(names)) == len(names) for names in by_list.values())
    assert {t for _, t in by_list} == {"cong_dong_xa", "cong_dong_thon", "don_vi"}


UNIT_NAME = (
    r"(Văn phòng HĐND và UBND|Phòng|Trung tâm|Công an|Ban Chỉ huy|Trạm Y tế|Ủy ban MTTQ|Hội|"
    r"Đoàn Thanh niên|Bưu điện|Hợp tác xã|Quỹ tín dụng|Trường (Mầm non|Tiểu học|THCS)|"
    r"Chi hội|Chi đoàn) "
)
