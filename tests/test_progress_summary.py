"""metrics/progress_summary.py: the summary table and the grouped sources of Hồ sơ địa bàn,
on a small real store (figures written as import batches)."""

from __future__ import annotations

import polars as pl
import pytest
from small_store import _OBS_SCHEMA, _TGT_SCHEMA, add_batch, con, obs, store  # noqa: F401

from metrics.locality_progress import progress_for, series_frame
from metrics.progress_summary import (
    SUMMARY_COLUMNS,
    communes_reporting,
    partial_groups,
    source_groups,
    summary_frame,
)
from metrics.queries import registers as rq
from metrics.store import transaction
from metrics.store.writes import BatchInfo, write_batch

QUANG_NGAI = "P51"


@pytest.fixture
def commune(con) -> str:  # noqa: F811
    return rq.communes_of(con, QUANG_NGAI)["id"].to_list()[0]


def test_summary_rows_in_words_of_the_reader(con, commune) -> None:  # noqa: F811
    # gia_dinh: 2021 100/200 = 50%, 2023 120/200 = 60% against the national 70% for 2025;
    # dong_ho has no figure in 2023 and is left out of the summary.
    add_batch(
        con,
        [obs(commune, 2021, "gia_dinh", 200, 100), obs(commune, 2023, "gia_dinh", 200, 120)],
    )
    items = progress_for(con, commune, 2023, ["gia_dinh", "dong_ho"])
    vi = summary_frame(items, "vi")
    assert vi.schema == pl.Schema(SUMMARY_COLUMNS)
    [row] = vi.to_dicts()
    assert row["indicator_label"] == "Gia đình học tập"
    assert (row["rate_pct"], row["target_pct"], row["target_year"]) == (60.0, 70.0, 2025)
    assert (row["recognized"], row["total"]) == (120, 200)
    assert row["status_label"] == "▲ Đúng tiến độ"
    assert row["target_scope"] == "quốc gia"
    assert row["plan_pct"] == pytest.approx(60 / 70 * 100)
    [en] = summary_frame(items, "en").to_dicts()
    assert (en["indicator_label"], en["status_label"], en["target_scope"]) == (
        "Learning families",
        "▲ On track",
        "national",
    )


def test_summary_without_figures_is_empty_with_its_columns(con, commune) -> None:  # noqa: F811
    items = progress_for(con, commune, 2023, ["gia_dinh"])
    empty = summary_frame(items)
    assert (empty.height, empty.columns) == (0, list(SUMMARY_COLUMNS))


def test_sources_grouped_by_document_with_years_and_indicators(con, commune) -> None:  # noqa: F811
    report = "Báo cáo số 12/BC-UBND"
    add_batch(
        con,
        [
            obs(commune, 2022, "gia_dinh", 200, 110, source=report),
            obs(commune, 2023, "gia_dinh", 200, 120, source=report),
            obs(commune, 2023, "dong_ho", 40, 30, source=report),
            obs(commune, 2021, "gia_dinh", 200, 100, source="Báo cáo năm 2021"),
        ],
    )
    with transaction(con):  # a synthetic (demo) batch: its source is known by the flag
        write_batch(
            con,
            BatchInfo(kind="demo", synthetic=True, created_by="pytest"),
            observations=pl.DataFrame(
                [obs(commune, 2024, "dong_ho", 40, 32, source="Nguồn minh họa")],
                schema=_OBS_SCHEMA,
            ),
            targets=pl.DataFrame([], schema=_TGT_SCHEMA),
        )
    series = {i: series_frame(con, commune, i) for i in ("gia_dinh", "dong_ho")}
    groups = source_groups(series)
    assert [(g.source, g.years, g.indicators, g.demo) for g in groups] == [
        ("Báo cáo năm 2021", [2021], ["gia_dinh"], False),
        (report, [2022, 2023], ["gia_dinh", "dong_ho"], False),
        ("Nguồn minh họa", [2024], ["dong_ho"], True),
    ]


def test_province_counts_its_reporting_communes_and_partial_figures(con) -> None:  # noqa: F811
    communes = rq.communes_of(con, QUANG_NGAI)["id"].to_list()
    # Two communes report gia_dinh, one of them dong_ho too: read on gia_dinh, 2 reported.
    add_batch(
        con,
        [
            obs(communes[0], 2023, "gia_dinh", 200, 120),
            obs(communes[1], 2023, "gia_dinh", 100, 50),
            obs(communes[0], 2023, "dong_ho", 40, 30),
        ],
    )
    items = progress_for(con, QUANG_NGAI, 2023, ["gia_dinh", "dong_ho"])
    reporting = communes_reporting(items)
    assert (reporting.reported, reporting.in_area) == (2, len(communes))
    assert reporting.missing == len(communes) - 2
    assert partial_groups(items) == {
        f"chưa đủ: 2/{len(communes)} xã báo cáo": ["gia_dinh"],
        f"chưa đủ: 1/{len(communes)} xã báo cáo": ["dong_ho"],
    }
    assert list(partial_groups(items, "en")) == [
        f"incomplete: 2 of {len(communes)} communes reported",
        f"incomplete: 1 of {len(communes)} communes reported",
    ]
    assert communes_reporting(progress_for(con, QUANG_NGAI, 2019, ["gia_dinh"])) is None
