"""The pages' tables as a reader sees them: years as years, rates 85,5, "–" for a missing value
(never "None"), units without figures named below a table instead of sorted into it, and the
columns a leader looks for first in view. Read from what the page sends the browser: the cells'
display text (pandas Styler) and the grid's placeholder for a missing value."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pyarrow as pa
import pytest
from html_elements import html_table_with
from page_runs import scrolled_down
from streamlit.testing.v1 import AppTest
from test_dashboard_pages import APP, as_read

from metrics.table_columns import FIELDS, Kind, ShownTable, cell_text, shown_table


@pytest.fixture(autouse=True)
def store_env(demo_db: Path) -> Iterator[None]:
    old = os.environ.get("XHHT_DB")
    os.environ["XHHT_DB"] = str(demo_db)
    yield
    if old is None:
        os.environ.pop("XHHT_DB", None)
    else:
        os.environ["XHHT_DB"] = old


def open_page(page: str, **params: str) -> AppTest:
    at = scrolled_down(AppTest.from_file(APP, default_timeout=120))
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown(element) -> dict[str, list[str]]:  # noqa: ANN001
    """A grid's columns as their cells read: the display text, or the placeholder when empty."""
    proto = element.proto
    values = pa.ipc.open_stream(io.BytesIO(proto.arrow_data.data)).read_all().to_pandas()
    display = pa.ipc.open_stream(io.BytesIO(proto.arrow_data.styler.display_values)).read_all()
    cells = display.to_pandas()
    out: dict[str, list[str]] = {}
    for col in values.columns:
        out[str(col)] = [
            proto.placeholder if v is None or v != v else str(d)
            for v, d in zip(values[col].tolist(), cells[col].tolist(), strict=True)
        ]
    return out


def grid_with(at: AppTest, header: str) -> dict[str, list[str]]:
    return next(t for t in (shown(d) for d in at.dataframe) if header in t)


def body(at: AppTest) -> str:
    return as_read("\n".join(str(c.value) for c in [*at.caption, *at.markdown]))


def test_compare_table_shows_years_rates_and_dashes() -> None:
    at = open_page("views/compare.py", loc="P51", ind="gia_dinh", year="2025")
    table = grid_with(at, "Năm gốc")
    assert table["Năm gốc"] and all(re.fullmatch(r"20\d\d|–", c) for c in table["Năm gốc"])
    assert all(re.fullmatch(r"20\d\d|–", c) for c in table["Năm mục tiêu"])
    assert all(re.fullmatch(r"\d{1,3}(,\d)?", c) for c in table["Tỷ lệ 2025 (%)"])
    assert all(re.fullmatch(r"\d+|–", c) for c in table["Đạt % KH"])
    assert all(re.fullmatch(r"\d+", c) for c in table["Mã"])  # a code, never "21.451"
    cells = [c for col in table.values() for c in col]
    assert not [c for c in cells if c in ("None", "nan", "NaN", "") or re.search(r"\.\d{4}", c)]


def test_compare_names_units_without_figures_below_the_table() -> None:
    at = open_page("views/compare.py", loc="P51", ind="gia_dinh", year="2025")
    table = grid_with(at, "Năm gốc")
    assert "–" not in table["Tỷ lệ 2025 (%)"]  # none sorts first (or last) for want of figures
    assert "Dục Nông" not in table["Tên"]
    assert "Không có trong bảng — 4 chưa có số liệu năm 2025: Dục Nông" in body(at)


def test_compare_puts_status_and_share_of_plan_in_view() -> None:
    # At 1440 px the grid shows about seven columns without scrolling sideways
    # (tests/test_browser_tables.py measures it in Chromium).
    at = open_page("views/compare.py", loc="P51", ind="gia_dinh", year="2025")
    first = list(grid_with(at, "Năm gốc"))[:7]
    assert "Đánh giá tiến độ" in first and "Đạt % KH" in first and "Tên" in first


def test_profile_tables_show_dashes_not_none() -> None:
    at = open_page("views/profile.py", loc="X23368", year="2025")
    summary = html_table_with(at, "Đánh giá tiến độ")
    row = summary["Chỉ tiêu"].index("Cộng đồng học tập cấp xã")  # figures, but no target
    assert summary["Mục tiêu (%)"][row] == "–" and summary["Năm mục tiêu"][row] == "–"
    assert summary["Tỷ lệ 2025 (%)"][0] == "55,3" and summary["Được công nhận"][0] == "4.777"
    ahead = html_table_with(at, "Nguồn mục tiêu")
    assert set(ahead["Năm mục tiêu"]) <= {"2026", "2030", "2035"}
    for table in (summary, ahead):
        assert "None" not in [c for col in table.values() for c in col]


def test_profile_names_indicators_without_figures_that_year() -> None:
    at = open_page("views/profile.py", loc="OH618", year="2023")
    summary = html_table_with(at, "Đánh giá tiến độ")
    assert "–" not in summary["Tỷ lệ 2023 (%)"]


def test_tables_speak_english_too() -> None:
    at = open_page("views/compare.py", loc="P51", ind="gia_dinh", year="2025", lang="en")
    table = grid_with(at, "Base year")
    assert list(table)[:7] == [
        "Rank",
        "Name",
        "Rate 2025 (%)",
        "Target (%)",
        "Target year",
        "% of plan",
        "Progress",
    ]
    assert "✔ Target met" in table["Progress"]
    assert "Not in the table — 4 without figures for 2025" in body(at)


# -- the rule itself ------------------------------------------------------------------------------


def test_a_column_is_what_its_field_says_not_what_its_header_looks_like() -> None:
    import polars as pl

    frame = pl.DataFrame(
        {"base_year": [2021, None], "rate_pct": [81.474616, None], "total": [3783, 12]}
    )
    table = shown_table(frame, ["base_year", "rate_pct", "total"], "vi", year=2025)
    assert table.frame.columns == ["Năm gốc", "Tỷ lệ 2025 (%)", "Tổng số"]
    assert table.cells().rows() == [("2021", "81,5", "3.783"), ("–", "–", "12")]
    english = shown_table(frame, ["base_year", "rate_pct", "total"], "en", year=2025)
    assert english.cells().rows() == [("2021", "81.5", "3,783"), ("–", "–", "12")]
    assert FIELDS["rate_pct"].kind is Kind.RATE and FIELDS["target_year"].kind is Kind.YEAR
    assert cell_text(2025.0, Kind.YEAR) == "2025" and cell_text(float("nan"), Kind.RATE) == "–"
    with pytest.raises(AssertionError, match="without a kind"):
        ShownTable.of(frame, {"base_year": Kind.YEAR})


def test_a_column_of_long_text_is_given_room_to_read() -> None:
    # A source of a sentence's length, squeezed to the narrowest column, made every row of Hồ
    # sơ's targets ahead a column of single words: such a column's cells are "wide" (20rem).
    from dashboard.ui import WIDE_TEXT_CHARS, table_html

    long_source = "Kế hoạch số 12/KH-UBND ngày 15/3/2026 của Ủy ban nhân dân xã Đăk Long"
    assert len(long_source) > WIDE_TEXT_CHARS
    frame = pl.DataFrame(
        {
            "Chỉ tiêu": ["Gia đình học tập", "Dòng họ học tập"],
            "Mục tiêu (%)": [85.0, 75.0],
            "Cấp": ["xã", "tỉnh"],
            "Nguồn": [long_source, None],
        }
    )
    kinds = {"Chỉ tiêu": Kind.TEXT, "Mục tiêu (%)": Kind.RATE, "Cấp": Kind.TEXT, "Nguồn": Kind.TEXT}
    markup = table_html(ShownTable.of(frame, kinds, "vi"), "Mục tiêu", pin_first=True)
    cells = re.findall(r"<td( class=\"[^\"]*\")?>([^<]*)</td>", markup)
    classes = {text: cls for cls, text in cells}
    assert classes[long_source] == ' class="wide"'
    assert classes["–"] == ' class="wide"'  # the whole column, an empty cell too
    assert classes["Gia đình học tập"] == ' class="pin"'  # the pinned first column stays as it is
    assert classes["xã"] == "" and classes["85"] == ' class="num"'
