"""Figure builders on small hand-made frames: the right traces, values and Vietnamese text."""

from __future__ import annotations

import polars as pl
import pytest

from metrics.figures.comparison import heatmap, ranked_bar, status_map
from metrics.figures.counts import level_bar, status_bar
from metrics.figures.progress_chart import progress_chart
from metrics.locality_progress import IndicatorProgress
from metrics.progress import STATUS_STYLE, Status


def _item(**kw: object) -> IndicatorProgress:
    base: dict = dict(
        locality_code="23368",
        locality_name="Xã Đăk Long",
        indicator="gia_dinh",
        year=2025,
        total=1000,
        registered=None,
        recognized=550,
        rate_pct=55.0,
        rate_registered_pct=None,
        target_pct=70.0,
        target_year=2025,
        target_source="QĐ 387",
        target_2030_pct=85.0,
        status="limited",
        projected_pct=56.0,
        required_pp_per_year=None,
        reporting_communes=1,
        communes_in_area=1,
        base_year=2021,
        base_pct=50.0,
        sources=["Báo cáo xã Đăk Long 2025"],
    )
    base.update(kw)
    return IndicatorProgress(**base)


SERIES = pl.DataFrame(
    {"year": [2021, 2022, 2023, 2024, 2025], "rate_pct": [50.0, 51.5, 52.0, 54.0, 55.0]}
)
TARGETS = pl.DataFrame({"target_year": [2025, 2026, 2030], "percent": [70.0, 50.0, 85.0]})


def test_progress_chart_has_actuals_trajectory_projection_and_targets() -> None:
    fig = progress_chart(SERIES, _item(), TARGETS, synthetic=True)
    by_name = {t.name: t for t in fig.data}
    actual = by_name["Thực hiện"]
    assert list(actual.x) == [2021, 2022, 2023, 2024, 2025]
    assert list(actual.text) == ["50%", "51,5%", "52%", "54%", "55%"]
    assert "lines" in actual.mode and "markers" in actual.mode
    trajectory = by_name["Lộ trình đến mục tiêu"]
    assert list(trajectory.x) == [2021, 2025, 2026, 2030]
    assert list(trajectory.y) == [50.0, 70.0, 50.0, 85.0]
    projection = by_name["Dự báo theo xu hướng"]
    assert projection.line.dash == "dash"
    assert list(projection.x) == [2025, 2026, 2030]
    targets = by_name["Mục tiêu"]
    assert list(targets.x) == [2025, 2026, 2030]
    assert "Mục tiêu 2026: 50%" in list(targets.text)
    # 2025 and 2026 a year apart: labels on opposite sides of their stars, never on each other;
    # 2030 at the axis' right end reads leftwards, so a phone does not cut it off.
    assert list(targets.textposition) == ["top left", "bottom right", "top left"]
    assert fig.layout.separators == ",."
    assert "Gia đình học tập — Xã Đăk Long" in fig.layout.title.text
    assert "Nguồn: Báo cáo xã Đăk Long 2025" in fig.layout.title.subtitle.text
    assert any(a.text == "Dữ liệu minh họa" for a in fig.layout.annotations)


def test_progress_chart_without_synthetic_has_no_mark() -> None:
    fig = progress_chart(SERIES, _item(), {2025: 70.0}, synthetic=False)
    assert not any(a.text == "Dữ liệu minh họa" for a in fig.layout.annotations)


def test_progress_chart_in_english_writes_english_numbers() -> None:
    fig = progress_chart(SERIES, _item(), {2025: 70.0}, synthetic=False, lang="en")
    assert fig.layout.separators == ".,"
    texts = [t for tr in fig.data for t in (tr.text or ())]
    assert texts and not any("," in t for t in texts)
    assert any("." in t for t in texts), texts


def test_a_rate_near_zero_is_labelled_above_its_point_clear_of_the_years() -> None:
    series = pl.DataFrame({"year": [2023, 2024, 2025], "rate_pct": [0.0, 40.0, 5.0]})
    fig = progress_chart(series, _item(rate_pct=5.0), {2025: 70.0}, synthetic=False)
    actual = fig.data[0]
    assert list(actual.text) == ["0%", "40%", "5%"]
    assert list(actual.textposition) == ["top center", "bottom center", "top center"]


def test_a_rate_just_past_its_years_target_is_labelled_above_clear_of_the_targets_label() -> None:
    """72,4% in 2025 beside a 2025 target of 70%: the target's label reads under its star, so
    the rate's label goes above its point (both under them, they overlapped on the exported
    chart); a rate under its target keeps its label under the point."""
    series = pl.DataFrame({"year": [2024, 2025], "rate_pct": [65.9, 72.4]})
    fig = progress_chart(series, _item(rate_pct=72.4), {2025: 70.0}, synthetic=False)
    actual, target = fig.data[0], next(t for t in fig.data if "Mục tiêu 2025" in str(t.text))
    assert list(actual.text) == ["65,9%", "72,4%"]
    assert list(actual.textposition) == ["bottom center", "top center"]
    assert target.textposition[list(target.x).index(2025)].startswith("bottom")

    below = pl.DataFrame({"year": [2024, 2025], "rate_pct": [60.0, 66.0]})
    fig = progress_chart(below, _item(rate_pct=66.0), {2025: 70.0}, synthetic=False)
    assert list(fig.data[0].textposition) == ["bottom center", "bottom center"]


def test_the_countrys_chart_in_english_names_the_country_in_english() -> None:
    """The country is "Whole country" on an English page (a province keeps its own name), and
    the demo's invented figures give their source as illustrative, not a dash."""
    country = _item(locality_id="VN", locality_name="Toàn quốc", sources=["demo"],
                    demo_sources=["demo"])  # fmt: skip
    fig = progress_chart(SERIES, country, {2025: 70.0}, synthetic=True, lang="en")
    assert fig.layout.title.text.endswith("— Whole country")
    assert "Source: Illustrative data" in fig.layout.title.subtitle.text
    fig = progress_chart(SERIES, country, {2025: 70.0}, synthetic=True)
    assert fig.layout.title.text.endswith("— Toàn quốc")
    assert "Nguồn: Dữ liệu minh họa" in fig.layout.title.subtitle.text


def test_progress_chart_has_a_phone_variant_with_short_labels() -> None:
    fig = progress_chart(SERIES, _item(), {2025: 70.0, 2026: 50.0, 2030: 85.0}, synthetic=False)
    narrow = fig.layout.meta["narrow"]["traces"]
    by_name = {tr.name: i for i, tr in enumerate(fig.data)}
    actual = narrow[str(by_name["Thực hiện"])]["text"]
    assert actual[:-1] == [""] * (len(actual) - 1) and actual[-1] == fig.data[0].text[-1]
    targets = narrow[str(by_name["Mục tiêu"])]
    assert targets["text"] == ["70%", "50%", "85%"]
    assert targets["hovertext"][0] == "Mục tiêu 2025: 70%"  # in full on a tap


CHILDREN = pl.DataFrame(
    {
        "locality_id": ["X1", "X2", "X3", "X4"],
        "locality_code": ["1", "2", "3", "4"],
        "short_name": ["An Phú", "Ba Tơ", "Cà Đam", "Dục Nông"],
        "indicator": ["gia_dinh"] * 4,
        "year": [2025] * 4,
        "rate_pct": [72.5, 60.0, 16.0, None],
        "target_pct": [70.0, 70.0, 70.0, 70.0],
        "plan_pct": [103.6, 85.7, 22.9, None],
        "status": ["target_met", "too_slow", "falling", "not_assessable"],
        "total": [1000, 2000, 500, None],
        "lat": [15.1, 14.8, 15.3, 14.9],
        "lon": [108.8, 108.6, 108.1, 108.5],
        "unit_type": ["Xã", "Xã", "Xã", "Phường"],
    }
)


def test_ranked_bar_sorts_colours_and_marks_status_with_symbols() -> None:
    fig = ranked_bar(CHILDREN, indicator="gia_dinh", locality_name="Quảng Ngãi", highlight_id="X2")
    bar = fig.data[0]
    assert list(bar.y) == [
        "Cà Đam",
        "Ba Tơ",
        "An Phú",
    ]  # ascending: the best at the top of a horizontal bar
    assert list(bar.x) == [16.0, 60.0, 72.5]
    assert list(bar.text) == ["16% ▼", "60% ►", "72,5% ✔"]
    assert list(bar.marker.color) == [
        STATUS_STYLE[Status.FALLING].colour,
        STATUS_STYLE[Status.TOO_SLOW].colour,
        STATUS_STYLE[Status.TARGET_MET].colour,
    ]
    assert list(bar.marker.line.width) == [0, 3, 0]  # Ba Tơ highlighted
    target = next(t for t in fig.data if t.name == "Mục tiêu")
    assert list(target.x) == [70.0, 70.0, 70.0]
    legend = {t.name for t in fig.data if t.name and t.name.startswith(("✔", "►", "▼"))}
    assert legend == {"✔ Đã đạt mục tiêu", "► Có tiến bộ nhưng chậm", "▼ Đang đi lùi"}


def test_heatmap_shows_share_of_target_as_text() -> None:
    two = pl.concat(
        [
            CHILDREN,
            CHILDREN.with_columns(
                pl.lit("dong_ho").alias("indicator"), (pl.col("plan_pct") / 2).alias("plan_pct")
            ),
        ]
    )
    fig = heatmap(two)
    hm = fig.data[0]
    assert list(hm.x) == ["Gia đình HT", "Dòng họ HT"]
    assert list(hm.y) == ["Cà Đam", "Ba Tơ", "An Phú"]  # weakest first
    assert list(hm.text[0]) == ["23", "11"]
    assert hm.zmin == 0 and hm.zmax == 120


def test_heatmap_colours_change_at_the_target() -> None:
    """90 %, 100 % and 105 % of the target are three different colours, the hue turning at 100 %."""
    from plotly.colors import sample_colorscale, unlabel_rgb

    scale = [[pos, colour] for pos, colour in heatmap(CHILDREN).data[0].colorscale]
    shown = {
        pct: unlabel_rgb(sample_colorscale(scale, [pct / 120])[0]) for pct in (60, 90, 99, 100, 105)
    }
    behind = [shown[p] for p in (60, 90, 99)]
    reached = [shown[p] for p in (100, 105)]
    assert all(r > b for r, _, b in behind)  # orange: behind the target
    assert all(b > r for r, _, b in reached)  # blue: the target reached
    assert len({shown[p] for p in (90, 100, 105)}) == 3


def test_status_map_is_offline_and_groups_by_status() -> None:
    fig = status_map(CHILDREN, indicator="gia_dinh")
    assert all(t.type == "scatter" for t in fig.data)  # no tiles, no geo topojson
    names = [t.name for t in fig.data]
    assert names == [
        "✔ Đã đạt mục tiêu",
        "► Có tiến bộ nhưng chậm",
        "▼ Đang đi lùi",
        "○ Chưa đủ dữ liệu để đánh giá",
    ]
    assert fig.layout.yaxis.scaleanchor == "x"
    assert fig.data[0].customdata[0][1] == "72,5%"
    assert fig.data[1].customdata[0][2] == "2.000"


def test_level_bar_stacks_levels_by_year() -> None:
    levels = pl.DataFrame(
        {
            "year": [2023, 2024, 2024],
            "level": ["tot", "muc_do_1", "muc_do_2"],
            "count": [23, 10, 1200],
        }
    )
    fig = level_bar(levels, title="Đơn vị học tập")
    assert fig.layout.barmode == "stack"
    assert [t.name for t in fig.data] == ["Tốt", "Mức độ 1", "Mức độ 2"]
    assert list(fig.data[2].text) == ["1.200"]
    assert (fig.layout.yaxis.tickformat, fig.layout.yaxis.dtick) == (",d", None)
    # One recognised commune: its axis counts whole units (0, 1), never 0,2 0,4 …
    one = level_bar(pl.DataFrame({"year": [2024], "level": ["muc_do_1"], "count": [1]}))
    assert (one.layout.yaxis.tickformat, one.layout.yaxis.dtick) == (",d", 1)
    every = pl.DataFrame(
        {
            "year": [2023] * 3 + [2024] * 2,
            "level": ["tot", "kha", "trung_binh", "muc_do_1", "muc_do_2"],
            "count": [1, 2, 3, 4, 5],
        }
    )
    colours = [t.marker.color for t in level_bar(every, title="x").data]
    assert len(set(colours)) == 5  # Khá and Mức độ 1 told apart too


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_status_bar_counts(lang: str) -> None:
    fig = status_bar({"target_met": 3, "falling": 1}, lang=lang)
    bar = fig.data[0]
    assert len(bar.y) == len(Status)
    assert bar.x[0] == 3
    assert bar.y[0].startswith("✔")
    assert ("Target met" in bar.y[0]) == (lang == "en")


def test_demo_data_is_marked_once_per_chart() -> None:
    from metrics.demo import DEMO_SOURCE

    # The demo's line comes from a synthetic batch: the figure lists it among its demo_sources.
    item = _item(sources=[DEMO_SOURCE, "Báo cáo xã Đăk Long 2025"], demo_sources=[DEMO_SOURCE])
    fig = progress_chart(SERIES, item, TARGETS, synthetic=True)
    shown = [fig.layout.title.text, fig.layout.title.subtitle.text] + [
        a.text for a in fig.layout.annotations
    ]
    assert sum("Dữ liệu minh họa" in s for s in shown) == 1  # the mark, not the source line too
    assert fig.layout.title.subtitle.text == "Nguồn: Báo cáo xã Đăk Long 2025"


# --- on a phone (390 px) as at 1440 px: what the layout itself promises --------------------------


def _every_figure(synthetic: bool = True) -> list:
    return [
        progress_chart(SERIES, _item(), TARGETS, synthetic=synthetic),
        ranked_bar(CHILDREN, indicator="gia_dinh", synthetic=synthetic),
        heatmap(CHILDREN, synthetic=synthetic),
        status_map(CHILDREN, indicator="gia_dinh", synthetic=synthetic),
        status_bar({"target_met": 3}),
        level_bar(pl.DataFrame({"year": [2024], "level": ["tot"], "count": [3]}), title="x"),
    ]


def test_the_mode_bar_stands_down_the_right_edge_beside_the_plot() -> None:
    for fig in _every_figure():
        assert fig.layout.modebar.orientation == "v"  # across the top it covered the title
        assert {"select2d", "lasso2d"} <= set(fig.layout.modebar.remove)
        assert fig.layout.margin.r >= 30  # its column, clear of the plot and the demo mark


def test_titles_stay_at_the_top_and_axes_make_room_for_their_ticks() -> None:
    for fig in _every_figure():
        title = fig.layout.title
        assert (title.yref, title.y, title.yanchor) == ("container", 1, "top")
        assert title.pad.t > 24  # the demo mark's row (12 px type) above it
        # On a phone plotly stands ten years on end; a fixed margin cut them to "2C".
        assert fig.layout.xaxis.automargin is True and fig.layout.yaxis.automargin is True


def test_the_progress_legend_sits_at_the_foot_clear_of_the_years() -> None:
    fig = progress_chart(SERIES, _item(), TARGETS)
    legend = fig.layout.legend
    assert (legend.yref, legend.y, legend.yanchor) == ("container", 0, "bottom")
    # Every year from the first figure to the last target is a tick.
    assert fig.layout.xaxis.dtick == 1
    assert fig.layout.xaxis.range[0] < 2021 and fig.layout.xaxis.range[1] > 2030
    # The printed chart puts its legend back under the plot on the image's own scale.
    from metrics.outputs.images import for_print

    assert for_print(fig, source="x", synthetic=False).layout.legend.yref == "paper"


def test_the_ranking_has_no_empty_rows_and_its_legend_sits_under_the_title() -> None:
    fig = ranked_bar(CHILDREN, indicator="gia_dinh")
    assert list(fig.layout.yaxis.range) == [-0.5, 2.5]  # three names, three rows
    assert all(None not in (t.y or ()) for t in fig.data)  # legend entries add no row
    legend = fig.layout.legend
    top_px = (1 - legend.y) * fig.layout.height
    assert legend.yref == "container" and legend.yanchor == "top"
    entries = [t for t in fig.data if t.showlegend is not False]
    assert legend.orientation == "v"  # one under another, at any width
    # Room for exactly its entries, one a line: no empty band between the legend and the bars.
    assert top_px >= 80 and top_px + 20 * len(entries) <= fig.layout.margin.t
    assert fig.layout.margin.t <= top_px + 24 * len(entries) + 10


def test_the_map_names_the_units_that_lag() -> None:
    fig = status_map(CHILDREN, indicator="gia_dinh")
    named = {t.name: list(t.text) for t in fig.data if "text" in t.mode}
    # too slow (Ba Tơ) and falling (Cà Đam) are named; met and not assessable are only points.
    assert named == {"► Có tiến bộ nhưng chậm": ["Ba Tơ"], "▼ Đang đi lùi": ["Cà Đam"]}
    assert {t.name for t in fig.data if t.mode == "markers"} == {
        "✔ Đã đạt mục tiêu",
        "○ Chưa đủ dữ liệu để đánh giá",
    }


def test_the_map_subtitle_says_what_a_point_is() -> None:
    communes = status_map(CHILDREN, indicator="gia_dinh").layout.title.subtitle.text
    assert communes.startswith("2025 · vị trí trung tâm xã, cỡ điểm theo tổng số<br>")
    assert "xã tiến bộ chậm, hạn chế hoặc đi lùi" in communes
    provinces = status_map(
        CHILDREN, indicator="gia_dinh", children_are="provinces"
    ).layout.title.subtitle.text
    assert provinces.startswith("2025 · mỗi điểm là một tỉnh, cỡ điểm theo tổng số<br>")
    assert "xã" not in provinces  # at the national level no point is a commune
    english = status_map(CHILDREN, indicator="gia_dinh", children_are="provinces", lang="en")
    assert "one point per province" in english.layout.title.subtitle.text


def _many(n: int) -> pl.DataFrame:
    """n communes ranked 1 … n by rate (commune 1 the lowest)."""
    return pl.DataFrame(
        {
            "locality_id": [f"X{i}" for i in range(1, n + 1)],
            "short_name": [f"Xã {i:03d}" for i in range(1, n + 1)],
            "indicator": ["gia_dinh"] * n,
            "year": [2025] * n,
            "rate_pct": [float(i) / 2 for i in range(1, n + 1)],
            "target_pct": [70.0] * n,
            "plan_pct": [float(i) / 1.4 for i in range(1, n + 1)],
            "status": ["too_slow"] * n,
        }
    )


def test_a_long_ranking_shows_its_ends_the_highlight_and_how_many_it_leaves_out() -> None:
    fig = ranked_bar(_many(164), indicator="gia_dinh", ends=15, highlight_id="X80")
    bar = fig.data[0]
    names = [str(y).replace("\u200b", "") for y in bar.y]
    assert names[:15] == [f"Xã {i:03d}" for i in range(1, 16)]  # the lowest, at the bottom
    assert names[15] == "⋯ 64 đơn vị khác ⋯"
    assert names[16] == "Xã 080"  # the highlighted commune, where it stands
    assert names[17] == "⋯ 69 đơn vị khác ⋯"
    assert names[18:] == [f"Xã {i:03d}" for i in range(150, 165)]  # the highest, at the top
    assert len(set(bar.y)) == len(bar.y)  # each gap a row of its own
    gaps = [i for i, n in enumerate(names) if n.startswith("⋯")]
    assert [bar.x[i] for i in gaps] == [None, None] and [bar.text[i] for i in gaps] == ["", ""]
    assert [bar.customdata[i][0] for i in gaps] == [None, None]  # a click on a gap picks nobody
    assert fig.layout.yaxis.range == (-0.5, 32.5)
    entries = sum(1 for t in fig.data if t.showlegend is not False)
    assert fig.layout.height == 22 * 33 + 170 + 22 * entries  # rows, axes, title, legend
    # English, and every bar when asked (or when the ranking is barely longer than its ends).
    en = ranked_bar(_many(164), indicator="gia_dinh", ends=15, lang="en").data[0]
    assert "⋯ 134 others ⋯" in [str(y).replace("\u200b", "") for y in en.y]
    assert len(ranked_bar(_many(164), indicator="gia_dinh").data[0].y) == 164
    assert len(ranked_bar(_many(40), indicator="gia_dinh", ends=15).data[0].y) == 40


def test_a_target_label_stays_off_the_line_that_passes_its_year() -> None:
    # Below 2025's target and projected below 2026's: both labels above their stars, reading
    # away from each other; before, 2026's sat below-right, on the dashed projection.
    fig = progress_chart(SERIES, _item(), {2025: 70.0, 2026: 75.0, 2030: 85.0}, synthetic=False)
    targets = next(t for t in fig.data if t.name == "Mục tiêu")
    projection = next(t for t in fig.data if t.name == "Dự báo theo xu hướng")
    assert dict(zip(projection.x, projection.y, strict=True))[2026] < 75.0
    assert list(targets.textposition) == ["top left", "top right", "top left"]
    # Ahead of a low 2026 target: its label goes below, under the line above it.
    fig = progress_chart(SERIES, _item(), {2025: 70.0, 2026: 40.0}, synthetic=False)
    targets = next(t for t in fig.data if t.name == "Mục tiêu")
    assert list(targets.textposition) == ["top left", "bottom left"]


def test_a_chart_without_data_says_so_instead_of_empty_axes() -> None:
    empty = CHILDREN.filter(pl.col("indicator") == "none")
    figures = {
        "ranked": ranked_bar(empty, indicator="gia_dinh"),
        "heatmap": heatmap(empty),
        "map": status_map(empty, indicator="gia_dinh"),
        "levels": level_bar(pl.DataFrame({"year": [], "level": [], "count": []})),
        "statuses": status_bar({}),
        "progress": progress_chart(SERIES.head(0), _item(), {}, synthetic=False),
    }
    for name, fig in figures.items():
        notes = [a.text for a in fig.layout.annotations]
        assert "Chưa có số liệu" in notes, name
        assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False, name
    english = status_bar({}, lang="en")
    assert "No data yet" in [a.text for a in english.layout.annotations]


# -- the status map's names: none over another, none over another point, none cut off ------------


def _overlap(a: tuple, b: tuple) -> bool:
    return not (a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1])


def _inside(a: tuple, b: tuple) -> bool:
    return b[0] <= a[0] and b[1] <= a[1] and a[2] <= b[2] and a[3] <= b[3]


def _check_names(names, markers: list[tuple[float, float, float]], points: list) -> int:  # noqa: ANN001
    """Every view's placed names clear of each other and of every other point's marker, and
    within the room; returns how many names were placed."""
    assert names.views
    for boxes, marker_boxes, room in names.views:
        placed = [(i, b) for i, b in enumerate(boxes) if b is not None]
        for k, (i, a) in enumerate(placed):
            assert _inside(a, room), points[i][2]
            for j, b in placed[k + 1 :]:
                assert not _overlap(a, b), (points[i][2], points[j][2])
            own = (points[i][0], points[i][1])
            for m, box in zip(markers, marker_boxes, strict=True):
                assert (m[0], m[1]) == own or not _overlap(a, box), points[i][2]
    return sum(p is not None for p in names.places)


@pytest.mark.parametrize(("loc", "at_least"), [("P79", 3), ("P51", 2), ("VN", 8)])
def test_the_maps_names_of_the_largest_provinces_and_the_country_cover_nothing(
    demo_con,  # noqa: ANN001
    loc: str,
    at_least: int,
) -> None:
    import math

    from metrics.figures.comparison import _marker_px, map_markers, name_boxes
    from metrics.locality_progress import children_progress
    from metrics.progress import LAGGING

    kids = children_progress(demo_con, loc, 2025, ["gia_dinh"]).filter(
        pl.col("lat").is_not_null() & pl.col("lon").is_not_null()
    )
    markers = map_markers(kids)
    biggest = max(v for v in kids["total"].to_list() if v is not None)
    lagging = sorted(
        (r for r in kids.iter_rows(named=True) if r["status"] in {s.value for s in LAGGING}),
        key=lambda r: (-STATUS_STYLE[Status(r["status"])].order, -(r["total"] or 0)),
    )
    points = [
        (r["lon"], r["lat"], r["short_name"], _marker_px(r["total"], biggest)) for r in lagging
    ]
    mean_lat = sum(kids["lat"].to_list()) / kids.height
    names = name_boxes(points, mean_lat, markers)
    placed = _check_names(names, markers, points)
    assert at_least <= placed < len(points)  # thinned, not emptied
    assert math.isclose(mean_lat, sum(m[1] for m in markers) / len(markers))
    # The figure writes exactly those names, each where it was placed, and says how many not.
    fig = status_map(
        kids, indicator="gia_dinh", children_are="provinces" if loc == "VN" else "communes"
    )
    drawn = {
        text: position
        for t in fig.data
        if "text" in t.mode
        for text, template, position in zip(t.text, t.texttemplate, t.textposition, strict=True)
        if template
    }
    expected = {p[2]: place for p, place in zip(points, names.places, strict=True) if place}
    assert drawn == expected
    assert f"Ẩn {len(points) - placed} tên" in fig.layout.title.subtitle.text


def test_a_name_that_would_cover_a_neighbour_moves_round_its_point_or_is_left_off() -> None:
    from metrics.figures.comparison import name_boxes

    # A point with a neighbour just above it: its name goes below; a third point boxed in on
    # every side keeps no name.
    markers = [(106.0, 16.0, 10.0), (106.0, 16.05, 10.0), (107.0, 15.0, 10.0), (105.0, 15.0, 10.0)]
    points = [(106.0, 16.0, "Dưới", 10.0)]
    names = name_boxes(points, 16.0, markers)
    assert names.places == ["bottom center"]
    _check_names(names, markers, points)
    crowd = [(106.0 + dx, 16.0 + dy, 10.0) for dx in (-0.02, 0, 0.02) for dy in (-0.02, 0, 0.02)]
    crowd += [(105.0, 15.0, 10.0), (107.0, 17.0, 10.0)]
    boxed = name_boxes([(106.0, 16.0, "Giữa", 10.0)], 16.0, crowd)
    assert boxed.places == [None]
