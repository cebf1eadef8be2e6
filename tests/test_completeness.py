"""How complete every sum is (metrics/completeness.py): figures reported by communes, old
communes, old districts and old provinces each say how many of the area's units reported, and
rankings, heat maps and exports never rank a partial figure as a whole one."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl
from small_store import (
    IA_HDRAI,
    QUANG_NGAI,
    SPLIT_NEW,
    SPLIT_OLD,
    WHOLE_INTO_SPLIT_NEW,
    add_batch,
    obs,
)

from metrics.completeness import RANK_MIN_PCT, in_ranking_order, is_rankable, ranking_note
from metrics.figures.comparison import heatmap, ranked_bar
from metrics.locality_progress import children_progress, progress_for
from metrics.outputs import report_draft, workbook
from metrics.outputs.context import Context, summary_rows
from metrics.queries import registers as rq
from metrics.store.schema import COUNTRY_ID

HA_NOI = "P01"
KON_TUM_OLD = "OP62"  # tỉnh Kon Tum (cũ), now in tỉnh Quảng Ngãi with tỉnh Quảng Ngãi (cũ)
DAK_PXI, DAK_PXI_OLD, DAK_LONG_OLD = "X23504", "OX23503", "OX23504"  # xã Đăk Pxi = 2 old communes
IA_DAL_OLD = "OX23535"  # one of the 3 old communes of huyện Ia H'Drai


def single(con, locality_id: str, year: int, indicator: str):
    [item] = progress_for(con, locality_id, year, [indicator])
    return item


def completeness(item) -> tuple:
    return (item.reporting_units, item.units_in_area, item.unit_level, item.complete)


def test_a_province_summed_from_one_old_district_says_1_of_23(con):
    add_batch(con, [obs(IA_HDRAI, 2023, "don_vi_cap_tinh", 23, 23)])
    p = single(con, QUANG_NGAI, 2023, "don_vi_cap_tinh")
    assert (p.recognized, p.total, p.rate_pct) == (23, 23, 100.0)
    assert rq.old_districts_of(con, QUANG_NGAI).height == 23
    assert completeness(p) == (1, 23, "old_district", False)
    assert p.completeness == "1/23 huyện cũ báo cáo"
    assert p.partial_note == "chưa đủ: 1/23 huyện cũ báo cáo"
    # The keys that count communes keep their meaning: no commune reported.
    assert (p.reporting_communes, p.communes_in_area) == (None, 96)
    # All 23 old districts reported: whole.
    others = rq.old_districts_of(con, QUANG_NGAI).filter(pl.col("id") != IA_HDRAI)["id"]
    add_batch(con, [obs(d, 2023, "don_vi_cap_tinh", 10, 5) for d in others])
    p = single(con, QUANG_NGAI, 2023, "don_vi_cap_tinh")
    assert completeness(p) == (23, 23, "old_district", True)
    assert (p.completeness, p.partial_note) == ("23/23 huyện cũ báo cáo", "")


def test_a_partial_province_is_not_ranked_with_whole_ones(con):
    add_batch(
        con,
        [
            obs(IA_HDRAI, 2023, "don_vi_cap_tinh", 23, 23),  # 100%, from 1/23 huyện cũ
            obs(HA_NOI, 2023, "don_vi_cap_tinh", 50, 40),  # 80%, the province's own report
        ],
    )
    kids = children_progress(con, COUNTRY_ID, 2023, ["don_vi_cap_tinh"])
    rows = {r["locality_id"]: r for r in kids.iter_rows(named=True)}
    qn, hn = rows[QUANG_NGAI], rows[HA_NOI]
    assert (qn["rate_pct"], qn["rank"], qn["complete"]) == (100.0, None, False)
    assert qn["partial_note"] == "chưa đủ: 1/23 huyện cũ báo cáo"
    assert (hn["rate_pct"], hn["rank"], hn["ranked_of"]) == (80.0, 1, 1)
    assert (hn["completeness"], hn["partial_note"]) == ("1/1 tỉnh báo cáo", "")
    # The country mixes levels: its units are the provinces, whole ones out of all 34.
    vn = single(con, COUNTRY_ID, 2023, "don_vi_cap_tinh")
    assert completeness(vn) == (1, 34, "province", False)
    assert vn.partial_note == "chưa đủ: 1/34 tỉnh báo cáo"

    # The ranking chart: the whole figure at the top, the partial one below it, hatched and said.
    bar = ranked_bar(kids, indicator="don_vi_cap_tinh").data[0]
    assert list(bar.y) == ["Quảng Ngãi", "Hà Nội"]  # drawn bottom-up
    assert list(bar.text) == ["100% – · chưa đủ: 1/23 huyện cũ báo cáo", "80% –"]
    assert list(bar.marker.pattern.shape) == ["/", ""]
    # The heat map marks the partial cell and leaves it out of the order.
    reported = kids.filter(pl.col("rate_pct").is_not_null())
    heat = heatmap(reported.with_columns(pl.lit(100.0).alias("plan_pct"))).data[0]
    assert list(heat.y) == ["Hà Nội", "Quảng Ngãi"]
    assert [list(r) for r in heat.text] == [["100"], ["100*"]]


def test_a_new_commune_whose_old_communes_did_not_all_report(con):
    add_batch(con, [obs(DAK_PXI_OLD, 2024, "gia_dinh", 100, 60)])
    p = single(con, DAK_PXI, 2024, "gia_dinh")
    assert (p.recognized, p.total, p.basis) == (60, 100, "merged")
    assert completeness(p) == (1, 2, "old_commune", False)
    assert p.partial_note == "chưa đủ: 1/2 xã cũ báo cáo"
    # In its province's ranking it comes after the communes with whole figures.
    other = rq.communes_of(con, QUANG_NGAI).filter(pl.col("id") != DAK_PXI)["id"][0]
    add_batch(con, [obs(other, 2024, "gia_dinh", 100, 30)])
    kids = children_progress(con, QUANG_NGAI, 2024, ["gia_dinh"])
    rows = {r["locality_id"]: r for r in kids.iter_rows(named=True)}
    assert (rows[other]["rank"], rows[other]["ranked_of"]) == (1, 1)
    assert (rows[DAK_PXI]["rate_pct"], rows[DAK_PXI]["rank"]) == (60.0, None)
    assert rows[DAK_PXI]["completeness"] == "1/2 xã cũ báo cáo"
    # Both old communes reported: whole, and ranked.
    add_batch(con, [obs(DAK_LONG_OLD, 2024, "gia_dinh", 100, 40)])
    p = single(con, DAK_PXI, 2024, "gia_dinh")
    assert completeness(p) == (2, 2, "old_commune", True)
    assert (p.rate_pct, p.completeness, p.partial_note) == (50.0, "2/2 xã cũ báo cáo", "")
    kids = children_progress(con, QUANG_NGAI, 2024, ["gia_dinh"])
    ranked = kids.filter(pl.col("rank").is_not_null()).sort("rank")
    assert ranked["locality_id"].to_list() == [DAK_PXI, other]


def test_a_split_old_commune_never_completes_its_new_commune(con):
    # X21136 took OX21136 whole and part of OX21142: its area is 2 old communes, and the split
    # one's figures cannot be placed, so the sum is short of that part whatever it reported.
    add_batch(con, [obs(WHOLE_INTO_SPLIT_NEW, 2023, "gia_dinh", 100, 50)])
    p = single(con, SPLIT_NEW, 2023, "gia_dinh")
    assert completeness(p) == (1, 2, "old_commune", False)
    add_batch(con, [obs(SPLIT_OLD, 2023, "gia_dinh", 100, 50)])
    p = single(con, SPLIT_NEW, 2023, "gia_dinh")
    assert (p.basis, p.unplaceable, p.rate_pct) == ("merged_partial", 1, None)
    assert p.partial_note == "chưa đủ: 1/2 xã cũ báo cáo"


def test_old_provinces_and_old_units_count_their_own_units(con):
    add_batch(con, [obs(KON_TUM_OLD, 2022, "don_vi_cap_tinh", 40, 30)])
    p = single(con, QUANG_NGAI, 2022, "don_vi_cap_tinh")
    assert completeness(p) == (1, 2, "old_province", False)
    assert p.partial_note == "chưa đủ: 1/2 tỉnh cũ báo cáo"
    # An old province summed from its old districts; an old district from its old communes.
    add_batch(con, [obs(IA_HDRAI, 2023, "don_vi_cap_tinh", 23, 23)])
    kon_tum = single(con, KON_TUM_OLD, 2023, "don_vi_cap_tinh")
    assert completeness(kon_tum) == (1, 10, "old_district", False)
    assert kon_tum.partial_note == "chưa đủ: 1/10 huyện cũ báo cáo"
    add_batch(con, [obs(IA_DAL_OLD, 2024, "gia_dinh", 300, 100)])
    ia_hdrai = single(con, IA_HDRAI, 2024, "gia_dinh")
    assert completeness(ia_hdrai) == (1, 3, "old_commune", False)
    assert ia_hdrai.partial_note == "chưa đủ: 1/3 xã cũ báo cáo"
    # A unit's own report is whole: 1/1.
    own = single(con, IA_HDRAI, 2023, "don_vi_cap_tinh")
    assert (completeness(own), own.partial_note) == ((1, 1, "old_district", True), "")


def test_the_country_counts_every_commune_in_vietnamese_format(con):
    commune = rq.communes_of(con, QUANG_NGAI)["id"][0]
    add_batch(con, [obs(commune, 2025, "gia_dinh", 100, 70)])
    vn = single(con, COUNTRY_ID, 2025, "gia_dinh")
    assert completeness(vn) == (1, 3321, "commune", False)
    assert vn.partial_note == "chưa đủ: 1/3.321 xã báo cáo"
    assert (vn.reporting_communes, vn.communes_in_area) == (1, 3321)


def test_report_sentence_and_summary_row_say_the_figure_is_partial(con):
    add_batch(con, [obs(IA_HDRAI, 2023, "don_vi_cap_tinh", 23, 23)])
    p = single(con, QUANG_NGAI, 2023, "don_vi_cap_tinh")
    sentence = report_draft.indicator_sentence(p, 2023)
    assert sentence.endswith(" (chưa đủ: số liệu của 1/23 huyện cũ đã báo cáo).")
    ctx = Context(
        {"id": QUANG_NGAI, "name": "Tỉnh Quảng Ngãi"},
        2023,
        [p],
        None,
        False,
        series=pl.DataFrame(),
        targets=pl.DataFrame(),
    )
    [row] = summary_rows(ctx)
    assert row.counts == "23/23 (chưa đủ: 1/23 huyện cũ báo cáo)"


def test_country_workbook_lists_the_partial_province_after_the_ranked_ones(
    demo_con, tmp_path: Path
):
    # The demo store: tỉnh Quảng Ngãi's "Đơn vị học tập cấp tỉnh" 2023 is huyện Ia H'Drai's
    # 23/23 alone; the other 33 provinces report their own figure.
    out = tmp_path / "vn.xlsx"
    workbook.build_workbook(demo_con, COUNTRY_ID, 2023, out)
    wb = openpyxl.load_workbook(out)
    sheet = next(
        wb[n] for n in wb.sheetnames if wb[n]["A1"].value.startswith("ĐƠN VỊ HỌC TẬP CẤP TỈNH")
    )
    head = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "STT")
    header = [c.value for c in sheet[head]]
    assert header[-1] == "Đơn vị báo cáo" == [c.value for c in wb["Tổng hợp"][head]][-1]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=head + 1)]
    names = [r[1] for r in rows]
    assert names[33] == "Tỉnh Quảng Ngãi"  # after the 33 whole provinces
    assert rows[33][5] == 100 and rows[33][-1] == "chưa đủ: 1/23 huyện cũ báo cáo"
    assert rows[0][-1] in (None, "")  # a province that is its own one report says nothing
    assert rows[-1][1] == "Tổng cộng Toàn quốc"
    assert rows[-1][-1] == "chưa đủ: 33/34 tỉnh báo cáo"


# -- which figures a ranking ranks ---------------------------------------------------------------

CAN_THO, DAK_LAK, LAI_CHAU = "P92", "P66", "P12"  # 103, 102 and 38 communes


def test_ranking_rule_worked_examples():
    # At least RANK_MIN_PCT = 90 % of the area's units reported: ranked, saying how many did.
    assert RANK_MIN_PCT == 90
    assert ranking_note(101, 103, "commune") == "101/103 xã"
    assert ranking_note(92, 96, "commune") == "92/96 xã"
    assert ranking_note(9, 10, "old_commune") == "9/10 xã cũ"  # exactly 90 %
    assert ranking_note(101, 103, "commune", "en") == "101/103 communes"
    assert (is_rankable(101, 103), is_rankable(92, 96), is_rankable(9, 10)) == (True, True, True)
    # Further from whole: kept apart, unranked.
    assert ranking_note(50, 102, "commune") == "chưa đủ: 50/102 xã báo cáo"
    assert ranking_note(86, 96, "commune") == "chưa đủ: 86/96 xã báo cáo"  # 89,6 %
    assert ranking_note(1, 2, "old_commune") == "chưa đủ: 1/2 xã cũ báo cáo"
    assert (is_rankable(50, 102), is_rankable(86, 96), is_rankable(1, 2)) == (False, False, False)
    # Whole: nothing to say.
    assert (ranking_note(103, 103, "commune"), is_rankable(103, 103)) == ("", True)
    assert (is_rankable(None, 10), is_rankable(0, 0)) == (False, False)


def _report_communes(con, province: str, reported: int, rate_pct: float) -> list[dict]:
    """Figures for the first `reported` communes of a province, each at `rate_pct` of 1.000."""
    ids = rq.communes_of(con, province).sort("id")["id"].to_list()[:reported]
    return [obs(c, 2025, "gia_dinh", 1000, round(10 * rate_pct)) for c in ids]


def test_a_nearly_whole_province_is_ranked_and_a_half_reported_one_is_not(con, tmp_path: Path):
    add_batch(
        con,
        _report_communes(con, CAN_THO, 101, 75.9)  # 101/103 xã: ranked, says so
        + _report_communes(con, DAK_LAK, 50, 90.0)  # 50/102 xã: kept apart
        + _report_communes(con, LAI_CHAU, 38, 64.9),  # 38/38 xã: whole
    )
    kids = children_progress(con, COUNTRY_ID, 2025, ["gia_dinh"])
    rows = {r["locality_id"]: r for r in kids.iter_rows(named=True)}
    can_tho, dak_lak, lai_chau = rows[CAN_THO], rows[DAK_LAK], rows[LAI_CHAU]
    assert (can_tho["rate_pct"], can_tho["rank"], can_tho["ranked_of"]) == (75.9, 1, 2)
    assert (can_tho["complete"], can_tho["rankable"]) == (False, True)
    assert can_tho["partial_note"] == "101/103 xã"
    assert (lai_chau["rate_pct"], lai_chau["rank"], lai_chau["partial_note"]) == (64.9, 2, "")
    # Đắk Lắk's 90 % is the highest rate, but half its communes are missing: not ranked.
    assert (dak_lak["rate_pct"], dak_lak["rank"], dak_lak["rankable"]) == (90.0, None, False)
    assert dak_lak["partial_note"] == "chưa đủ: 50/102 xã báo cáo"
    assert in_ranking_order(kids.filter(pl.col("rate_pct").is_not_null()))[
        "locality_id"
    ].to_list() == [CAN_THO, LAI_CHAU, DAK_LAK]

    # The chart: Đắk Lắk below the ranked ones, hatched, the hatch in the legend; Cần Thơ's
    # text says how many of its communes reported.
    fig = ranked_bar(kids, indicator="gia_dinh", locality_name="Toàn quốc")
    bar = fig.data[0]
    assert list(bar.y) == ["Đắk Lắk", "Lai Châu", "Cần Thơ"]  # drawn bottom-up
    assert list(bar.marker.pattern.shape) == ["/", "", ""]
    assert list(bar.text) == [
        "90% ✔ · chưa đủ: 50/102 xã báo cáo",
        "64,9% ✖",  # 2025 is the national target's own year and 64,9% < 70%: missed
        "75,9% ✔ · 101/103 xã",
    ]
    legend = [t for t in fig.data if t.type == "bar" and t.showlegend is not False]
    assert [(t.name, t.marker.pattern.shape) for t in legend] == [
        ("Chưa đủ số liệu (dưới 90% đơn vị báo cáo), không xếp hạng", "/")
    ]
    # Each value stands right of its bar and of its target mark (70 %), never on the line.
    values = next(t for t in fig.data if t.type == "scatter" and t.mode == "text")
    target = next(t for t in fig.data if t.name == "Mục tiêu")
    for x, rate, goal in zip(values.x, bar.x, target.x, strict=True):
        assert x > max(rate, goal)
    assert [v.lstrip("\u2002") for v in values.text] == list(bar.text)  # past a target: a space

    # The workbook: ranked rows say how many reported, the one kept apart says it is partial.
    out = tmp_path / "vn.xlsx"
    workbook.build_workbook(con, COUNTRY_ID, 2025, out)
    sheet = next(
        s for s in openpyxl.load_workbook(out) if s["A1"].value.startswith("GIA ĐÌNH HỌC TẬP")
    )
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    header = next(n for n, r in enumerate(rows) if r[0] == "STT")
    said = rows[header].index("Đơn vị báo cáo")
    lines = rows[header + 1 : header + 4]
    assert [(r[1], r[said]) for r in lines] == [
        ("Thành phố Cần Thơ", "101/103 xã báo cáo"),
        ("Tỉnh Lai Châu", "38/38 xã báo cáo"),
        ("Tỉnh Đắk Lắk", "chưa đủ: 50/102 xã báo cáo"),
    ]
