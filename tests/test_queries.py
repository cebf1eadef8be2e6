"""Area aggregation through the lineage (metrics/queries/__init__.py), on a small real DuckDB store: the
registers and national targets of `init_store`, plus observations written by each test."""

from __future__ import annotations

import random

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from small_store import (
    IA_HDRAI,
    MERGED_NEW,
    MERGED_OLD,
    QUANG_NGAI,
    SPLIT_NEW,
    SPLIT_NEW_OTHER,
    SPLIT_OLD,
    WHOLE_INTO_SPLIT_NEW,
    add_batch,
    batch_of,
    obs,
    target,
)

from metrics import queries as q
from metrics.queries import registers as rq
from metrics.queries import targets as tq


def one(frame: pl.DataFrame, **where) -> dict:
    sub = frame.filter(**where)
    assert sub.height == 1, sub
    return sub.row(0, named=True)


def register_count(con, sql: str, params: list) -> int:
    [(n,)] = con.execute(
        sql, params
    ).fetchall()  # read to the end: DuckDB 2.0 keeps a half-read result open
    return int(n)


def communes_of_quang_ngai(con) -> list[str]:
    return rq.communes_of(con, QUANG_NGAI)["id"].to_list()


# --- the register facts these tests rely on ---------------------------------------------------


def test_register_facts_used_below(con):
    assert rq.locality(con, IA_HDRAI)["province_id"] == QUANG_NGAI
    assert rq.locality(con, IA_HDRAI)["parent_name"] == "Tỉnh Kon Tum"
    pred = rq.predecessors(con, MERGED_NEW)
    assert sorted(pred["id"].to_list()) == sorted(MERGED_OLD)
    assert set(pred["relation"]) == {"merged"}
    succ = rq.successors(con, SPLIT_OLD)
    assert sorted(succ["id"].to_list()) == sorted([SPLIT_NEW, SPLIT_NEW_OTHER])
    assert set(succ["relation"]) == {"split"}
    assert len(communes_of_quang_ngai(con)) == 96


# --- provinces ------------------------------------------------------------------------------


def test_province_whose_communes_half_reported(con):
    a, b = communes_of_quang_ngai(con)[:2]
    # Two communes of tỉnh Quảng Ngãi report: 40/100 and 150/300.
    # Province rate = (40 + 150) / (100 + 300) = 190 / 400 = 47.5% (not the mean of 40% and 50%).
    add_batch(
        con,
        [
            obs(a, 2024, "gia_dinh", 100, 40, registered=60),
            obs(b, 2024, "gia_dinh", 300, 150, registered=200),
        ],
    )
    row = one(q.province_figures(con, [QUANG_NGAI]), year=2024, indicator="gia_dinh")
    in_register = register_count(
        con,
        "SELECT count(*) FROM localities WHERE level = 'commune' AND province_id = ?",
        [QUANG_NGAI],
    )
    assert row["reporting_communes"] == 2
    assert row["communes_in_area"] == in_register == 96
    assert (row["total"], row["registered"], row["recognized"]) == (400, 260, 190)
    assert row["recognized"] * 100 / row["total"] == 47.5
    assert row["basis"] == "communes"
    assert row["sources"] == sorted([f"báo cáo thử {a} 2024", f"báo cáo thử {b} 2024"])
    # area_figures of a province is the same figure.
    assert one(q.area_figures(con, QUANG_NGAI), year=2024, indicator="gia_dinh") == row
    # The country: the same sum, out of all 3,321 communes (not only those of Quảng Ngãi).
    country = one(q.country_figures(con), year=2024, indicator="gia_dinh")
    assert (country["total"], country["recognized"], country["basis"]) == (400, 190, "provinces")
    assert (country["reporting_communes"], country["communes_in_area"]) == (2, 3321)


def test_unknown_total_in_one_commune_makes_the_province_total_unknown(con):
    a, b = communes_of_quang_ngai(con)[:2]
    # 40/100 and "11 recognized, total not reported": Σ total unknown, Σ recognized = 51.
    add_batch(con, [obs(a, 2024, "dong_ho", 100, 40), obs(b, 2024, "dong_ho", None, 11)])
    row = one(q.province_figures(con, [QUANG_NGAI]), year=2024, indicator="dong_ho")
    assert row["total"] is None
    assert row["recognized"] == 51


def test_old_district_rolls_into_todays_province(con):
    # Huyện Ia H'Drai (tỉnh Kon Tum cũ) reported 23/23 provincial-level units in 2023; no commune
    # of Quảng Ngãi reported that indicator: the province figure is the old districts' sum.
    add_batch(con, [obs(IA_HDRAI, 2023, "don_vi_cap_tinh", 23, 23, registered=23, level_tot=23)])
    prov = one(q.province_figures(con, [QUANG_NGAI]), year=2023, indicator="don_vi_cap_tinh")
    assert prov["basis"] == "old_districts"
    assert (prov["total"], prov["recognized"], prov["level_tot"]) == (23, 23, 23)
    assert prov["reporting_communes"] is None
    # …and the old district shows on its own.
    own = one(q.area_figures(con, IA_HDRAI), year=2023, indicator="don_vi_cap_tinh")
    assert own["basis"] == "own"
    assert (own["locality_id"], own["total"], own["recognized"], own["level_tot"]) == (
        IA_HDRAI,
        23,
        23,
        23,
    )
    # The country is the sum of provinces: only Quảng Ngãi has this figure.
    country = one(q.country_figures(con), year=2023, indicator="don_vi_cap_tinh")
    assert (country["total"], country["recognized"], country["basis"]) == (23, 23, "provinces")


def test_old_district_not_added_when_communes_reported(con):
    a = communes_of_quang_ngai(con)[0]
    # Both a commune (5/10) and the old district (23/23) have a 2023 figure: communes come first,
    # the district is not added on top → 5/10, not 28/33.
    add_batch(
        con,
        [obs(a, 2023, "don_vi_cap_tinh", 10, 5), obs(IA_HDRAI, 2023, "don_vi_cap_tinh", 23, 23)],
    )
    prov = one(q.province_figures(con, [QUANG_NGAI]), year=2023, indicator="don_vi_cap_tinh")
    assert (prov["basis"], prov["total"], prov["recognized"], prov["reporting_communes"]) == (
        "communes",
        10,
        5,
        1,
    )


def test_old_district_from_its_old_communes(con):
    # No figure of the district itself: its old communes Ia Dom 4/10 and Ia Tơi 6/10 → 10/20.
    add_batch(
        con,
        [obs(MERGED_OLD[0], 2022, "gia_dinh", 10, 4), obs(MERGED_OLD[1], 2022, "gia_dinh", 10, 6)],
    )
    row = one(q.area_figures(con, IA_HDRAI), year=2022, indicator="gia_dinh")
    assert (row["basis"], row["total"], row["recognized"], row["units"]) == ("children", 20, 10, 2)


def test_provinces_own_figure_used_only_when_no_commune_reported(con):
    a, b = communes_of_quang_ngai(con)[:2]
    # 2022: only the province reports (800/1000) → its own figure.
    # 2023: the province reports 999/1000 and two communes report 40/100 and 150/300 →
    #       the communes' 190/400; the province's own figure is not added (never counted twice).
    add_batch(
        con,
        [
            obs(QUANG_NGAI, 2022, "gia_dinh", 1000, 800),
            obs(QUANG_NGAI, 2023, "gia_dinh", 1000, 999),
            obs(a, 2023, "gia_dinh", 100, 40),
            obs(b, 2023, "gia_dinh", 300, 150),
        ],
    )
    figs = q.province_figures(con, [QUANG_NGAI])
    r22 = one(figs, year=2022, indicator="gia_dinh")
    assert (r22["basis"], r22["total"], r22["recognized"], r22["reporting_communes"]) == (
        "own",
        1000,
        800,
        None,
    )
    r23 = one(figs, year=2023, indicator="gia_dinh")
    assert (r23["basis"], r23["total"], r23["recognized"], r23["reporting_communes"]) == (
        "communes",
        400,
        190,
        2,
    )


def test_provinces_own_figure_wins_over_its_old_districts(con):
    # The province reports 30/50 for 2024 and huyện Ia H'Drai 23/23: the province's own → 30/50.
    add_batch(
        con,
        [
            obs(QUANG_NGAI, 2024, "don_vi_cap_tinh", 50, 30),
            obs(IA_HDRAI, 2024, "don_vi_cap_tinh", 23, 23),
        ],
    )
    prov = one(q.province_figures(con, [QUANG_NGAI]), year=2024, indicator="don_vi_cap_tinh")
    assert (prov["basis"], prov["total"], prov["recognized"]) == ("own", 50, 30)


def test_old_communes_sum_into_the_province_for_earlier_years(con):
    # 2023, before the reorganisation: two old communes report 80/200 and 120/300 → 200/500,
    # out of the province's 272 old communes in the register.
    add_batch(
        con,
        [
            obs(MERGED_OLD[0], 2023, "gia_dinh", 200, 80),
            obs(MERGED_OLD[1], 2023, "gia_dinh", 300, 120),
        ],
    )
    prov = one(q.province_figures(con, [QUANG_NGAI]), year=2023, indicator="gia_dinh")
    old_in_register = register_count(
        con,
        "SELECT count(*) FROM localities WHERE level = 'old_commune' AND province_id = ?",
        [QUANG_NGAI],
    )
    assert (prov["basis"], prov["total"], prov["recognized"]) == ("old_communes", 500, 200)
    assert prov["reporting_communes"] == 2
    assert prov["communes_in_area"] == old_in_register == 272


# --- communes through the lineage ---------------------------------------------------------------


def test_old_communes_merged_whole_sum_into_the_new_commune(con):
    # xã Ia Dom (cũ) 80/200 and xã Ia Tơi (cũ) 120/300 were merged whole into today's X23538:
    # its 2023 figure is (80 + 120) / (200 + 300) = 200 / 500 = 40%.
    add_batch(
        con,
        [
            obs(MERGED_OLD[0], 2023, "gia_dinh", 200, 80),
            obs(MERGED_OLD[1], 2023, "gia_dinh", 300, 120),
        ],
    )
    row = one(q.area_figures(con, MERGED_NEW), year=2023, indicator="gia_dinh")
    assert (row["basis"], row["total"], row["recognized"], row["units"]) == ("merged", 500, 200, 2)
    assert (row["reporting_communes"], row["communes_in_area"], row["unplaceable"]) == (1, 1, 0)


def test_new_communes_own_figure_wins_over_its_predecessors(con):
    # The new commune reported its own 2023 figure 7/10; its old communes' 200/500 are not added.
    add_batch(
        con,
        [
            obs(MERGED_OLD[0], 2023, "gia_dinh", 200, 80),
            obs(MERGED_OLD[1], 2023, "gia_dinh", 300, 120),
            obs(MERGED_NEW, 2023, "gia_dinh", 10, 7),
        ],
    )
    row = one(q.commune_figures(con, commune_ids=[MERGED_NEW]), year=2023, indicator="gia_dinh")
    assert (row["basis"], row["total"], row["recognized"]) == ("own", 10, 7)


def test_split_old_commune_alone_is_unplaceable(con):
    # Only the split old commune reported (50/100): neither new commune can be given a figure.
    add_batch(con, [obs(SPLIT_OLD, 2023, "gia_dinh", 100, 50)])
    figs = q.commune_figures(con, province_id=QUANG_NGAI, years=[2023], indicators=["gia_dinh"])
    for new in (SPLIT_NEW, SPLIT_NEW_OTHER):
        row = one(figs, locality_id=new)
        assert row["basis"] == "unplaceable"
        assert (row["total"], row["registered"], row["recognized"]) == (None, None, None)
        assert row["unplaceable"] == 1
        assert row["reporting_communes"] == 0


def test_split_plus_whole_old_commune_is_partial(con):
    # X21136 took OX21136 whole (90/200) and part of the split OX21142 (50/100):
    # total unknown (the split part cannot be placed), recognized only the whole part's 90.
    add_batch(
        con,
        [
            obs(WHOLE_INTO_SPLIT_NEW, 2023, "gia_dinh", 200, 90),
            obs(SPLIT_OLD, 2023, "gia_dinh", 100, 50),
        ],
    )
    row = one(q.area_figures(con, SPLIT_NEW), year=2023, indicator="gia_dinh")
    assert row["basis"] == "merged_partial"
    assert row["total"] is None
    assert row["registered"] is None
    assert row["recognized"] == 90
    assert row["unplaceable"] == 1


def test_unknown_locality_has_no_figures(con):
    assert q.area_figures(con, "NOPE").height == 0
    assert rq.locality(con, "NOPE") is None
    assert tq.resolved_targets(con, "NOPE").height == 0


# --- targets ------------------------------------------------------------------------------------


def test_resolved_targets_own_then_province_then_nation(con):
    a, b = communes_of_quang_ngai(con)[:2]
    add_batch(
        con,
        [],
        [
            target(QUANG_NGAI, "gia_dinh", 2026, 68.0, "Kế hoạch tỉnh"),
            target(a, "gia_dinh", 2026, 55.0, "Kế hoạch xã"),
        ],
    )
    own = {
        r["target_year"]: r
        for r in tq.resolved_targets(con, a).filter(indicator="gia_dinh").iter_rows(named=True)
    }
    assert (own[2026]["percent"], own[2026]["scope_level"], own[2026]["source"]) == (
        55.0,
        "commune",
        "Kế hoạch xã",
    )
    assert (own[2025]["percent"], own[2025]["scope_level"]) == (70.0, "country")
    assert (own[2030]["percent"], own[2030]["scope_level"]) == (85.0, "country")
    inherited = {
        r["target_year"]: r
        for r in tq.resolved_targets(con, b).filter(indicator="gia_dinh").iter_rows(named=True)
    }
    assert (inherited[2026]["percent"], inherited[2026]["scope_level"]) == (68.0, "province")
    assert inherited[2026]["scope_name"] == "Tỉnh Quảng Ngãi"
    # One row per indicator and target year.
    assert tq.resolved_targets(con, b).group_by("indicator", "target_year").len()["len"].max() == 1


# --- properties ---------------------------------------------------------------------------------

_figure = st.integers(min_value=1, max_value=50_000).flatmap(
    lambda t: st.tuples(st.just(t), st.integers(0, t))
)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(_figure, min_size=1, max_size=6))
def test_province_figure_is_the_sum_over_its_communes(con, figures):
    ids = communes_of_quang_ngai(con)[10 : 10 + len(figures)]
    rows = [obs(c, 2025, "gia_dinh", t, r) for c, (t, r) in zip(ids, figures, strict=True)]
    with batch_of(con, rows):
        row = one(q.area_figures(con, QUANG_NGAI, years=[2025]), indicator="gia_dinh")
    assert row["total"] == sum(t for t, _ in figures)
    assert row["recognized"] == sum(r for _, r in figures)
    assert row["reporting_communes"] == len(figures)


def _sorted_area(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort("locality_id", "year", "indicator")


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                [
                    MERGED_OLD[0],
                    MERGED_OLD[1],
                    SPLIT_OLD,
                    WHOLE_INTO_SPLIT_NEW,
                    MERGED_NEW,
                    IA_HDRAI,
                ]
            ),
            st.sampled_from([2023, 2024, 2025]),
            st.sampled_from(["gia_dinh", "dong_ho"]),
            _figure,
        ),
        min_size=1,
        max_size=8,
        unique_by=lambda r: r[:3],
    ),
    st.randoms(),
)
def test_row_order_changes_nothing(con, rows, rnd: random.Random):
    records = [obs(loc, y, ind, t, r) for loc, y, ind, (t, r) in rows]
    shuffled = records[:]
    rnd.shuffle(shuffled)
    results = []
    for order in (records, shuffled):
        with batch_of(con, order):
            results.append(
                [
                    _sorted_area(q.area_figures(con, loc))
                    for loc in (QUANG_NGAI, MERGED_NEW, SPLIT_NEW, IA_HDRAI)
                ]
            )
    for first, second in zip(*results, strict=True):
        assert first.equals(second)
