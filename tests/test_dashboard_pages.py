"""Every dashboard page, run headless through streamlit.testing against the session's demo store."""

from __future__ import annotations

import io
import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import plotly.graph_objects as go
import pytest
from html_elements import card_rates, html_table_with, html_text, read
from page_runs import scrolled_down
from streamlit.testing.v1 import AppTest

from dashboard.near_view import near_flag
from metrics.escaping import WORD_JOINER, markdown_literal
from metrics.fmt import fmt_pct
from metrics.indicators import registry
from metrics.locality_progress import progress_for
from metrics.progress import Status

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")


@pytest.fixture(autouse=True)
def store_env(demo_db: Path) -> Iterator[None]:
    old = os.environ.get("XHHT_DB")
    os.environ["XHHT_DB"] = str(demo_db)
    yield
    if old is None:
        os.environ.pop("XHHT_DB", None)
    else:
        os.environ["XHHT_DB"] = old


def open_page(page: str | None = None, *, scrolled: bool = True, **params: str) -> AppTest:
    """The page as a reader has it; `scrolled`: with the elements drawn once scrolled near
    (dashboard/near_view.py) asked for, as the browser asks when they come near the screen."""
    at = AppTest.from_file(APP, default_timeout=120)
    if scrolled:
        scrolled_down(at)
    for k, v in params.items():
        at.query_params[k] = v
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def charts(at: AppTest) -> list[dict]:
    """The figures the page draws (dashboard/chart_view.py), as plotly's JSON."""
    return [
        json.loads(json.loads(e.proto.json)["figure"])
        for e in at.get("bidi_component")
        if e.proto.component_name == "xhht_chart"
    ]


def rankings(at: AppTest) -> list[str]:
    """The ranking blocks the page draws as HTML bars (dashboard/ranking_view.py)."""
    return [
        json.loads(e.proto.json)["html"]
        for e in at.get("bidi_component")
        if e.proto.component_name == "xhht_ranking"
    ]


def ranking_rows(at: AppTest) -> list[tuple[str, str]]:
    """Each row of the page's ranking, top down, as a reader sees it: (name, value)."""
    rows = [read(li) for li in re.findall(r'<li class="row.*?</li>', rankings(at)[0], re.S)]
    return [(r.by_class["name"][0], (r.by_class.get("val") or [""])[0]) for r in rows]


def texts(at: AppTest) -> str:
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "warning",
        "error",
        "success",
    ):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [str(m.value) for m in at.metric]
    parts.append(html_text(at))  # Hồ sơ's tables, Tổng quan's cards (st.html)
    return as_read("\n".join(parts))


def as_read(markdown: str) -> str:
    """Markdown as a reader sees it, as far as these tests look: imported text is escaped
    (metrics.escaping.markdown_literal), its backslashes and word joiners are not shown."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace(WORD_JOINER, "")


def metric_values(at: AppTest) -> list[str]:
    """The rates the page shows large: Tổng quan's cards, Hồ sơ's chosen indicator."""
    return card_rates(at) + [str(m.value) for m in at.metric]


@pytest.mark.parametrize(
    ("page", "params", "expected"),
    [
        (None, {"loc": "P51", "year": "2025"}, "Tổng quan tiến độ"),
        (
            "views/compare.py",
            {"loc": "P51", "ind": "gia_dinh", "year": "2025"},
            "So sánh các xã — Quảng Ngãi",
        ),
        ("views/compare.py", {"loc": "VN", "ind": "don_vi", "year": "2024"}, "So sánh các tỉnh"),
        ("views/profile.py", {"loc": "X23368", "year": "2025"}, "Xã Đăk Long, tỉnh Quảng Ngãi"),
        ("views/profile.py", {"loc": "P51"}, "Tỉnh Quảng Ngãi"),
        ("views/method.py", {}, "Phương pháp tính"),
    ],
)
def test_each_page_renders(page: str | None, params: dict[str, str], expected: str) -> None:
    at = open_page(page, **params)
    body = texts(at)
    assert expected in body
    assert "Dữ liệu minh họa — số liệu giả định, không phải số liệu thật" in body


def test_a_place_of_real_figures_only_carries_no_demo_mark() -> None:
    # Huyện Ia H'Drai (cũ): its figures (11 units in 2022, 23/23 in 2023) and its list are the
    # seed reports' own; the store holds demo data elsewhere, which this page does not show.
    body = texts(open_page("views/profile.py", loc="OH618", year="2023"))
    assert "Huyện Ia H'Drai" in body
    assert "Dữ liệu minh họa" not in body
    # A commune of demo figures keeps the mark.
    assert "Dữ liệu minh họa — số liệu giả định" in texts(
        open_page("views/profile.py", loc="X23368", year="2025")
    )


def test_overview_card_shows_the_reports_rate(demo_con) -> None:
    item = next(p for p in progress_for(demo_con, "P51", 2025) if p.indicator == "gia_dinh")
    at = open_page(None, loc="P51", year="2025")
    shown = fmt_pct(item.rate_pct)
    assert re.fullmatch(r"\d+,\d%", shown)
    assert metric_values(at)[0] == shown  # the first card is Gia đình học tập
    body = texts(at)
    assert "4/96 xã chưa báo cáo" in body
    assert "Chưa có số liệu năm 2025" in body  # don_vi_cap_tinh: said in words, not a zero
    assert "mục tiêu quốc gia" in body
    # Each card answers "where are we against 2026 and 2030": the targets ahead and the gap.
    assert re.search(r"2030: \d+% \(còn \d+(,\d)? điểm %\)", body)


def test_changing_province_year_and_indicator_changes_values() -> None:
    at = open_page(None, loc="P51", year="2025")
    before = metric_values(at)
    at.selectbox(key="overview__loc").set_value("P01").run()
    assert not at.exception
    after_province = metric_values(at)
    assert after_province != before
    assert at.query_params["loc"] == ["P01"] or at.query_params["loc"] == "P01"
    at.selectbox(key="overview__year").set_value(2023).run()
    assert not at.exception
    assert metric_values(at) != after_province
    assert "Các chỉ tiêu năm 2023" in texts(at)

    cmp = open_page("views/compare.py", loc="P51", ind="gia_dinh", year="2025")
    assert "Xếp hạng: Gia đình học tập, 2025" in texts(cmp)
    cmp.selectbox(key="compare__ind").set_value("dong_ho").run()
    assert not cmp.exception
    assert "Xếp hạng: Dòng họ học tập, 2025" in texts(cmp)


def test_locality_without_data_says_so() -> None:
    at = open_page("views/profile.py", loc="OH536")  # huyện Lý Sơn (cũ): no communes, no figures
    assert "Chưa có số liệu nào cho Huyện Lý Sơn" in texts(at)


def test_profile_shows_the_communes_own_targets_ahead() -> None:
    at = open_page("views/profile.py", loc="X23368", year="2025")
    body = texts(at)
    assert "Mục tiêu phía trước" in body
    assert "Xã Đăk Long** có mục tiêu riêng" in body
    assert "Mục tiêu 2026: **50%** (mục tiêu xã)" in body
    assert "Mục tiêu 2030: **85%** (mục tiêu xã)" in body
    ahead = html_table_with(at, "Nguồn mục tiêu")
    gia = [i for i, name in enumerate(ahead["Chỉ tiêu"]) if name == "Gia đình học tập"]
    assert sorted(ahead["Năm mục tiêu"][i] for i in gia) == ["2026", "2030"]
    assert sorted(ahead["Mục tiêu (%)"][i] for i in gia) == ["50", "85"]


def test_seed_figure_levels_show_for_ia_hdrai() -> None:
    at = open_page("views/profile.py", loc="OH618", year="2023")
    body = texts(at)
    assert "Xếp loại, mức độ công nhận" in body
    assert "100%" in metric_values(at)  # 23/23 units recognized
    assert "Quyết định số 87/QĐ-UBND" in body


def test_compare_of_the_country_opens_a_highlighted_provinces_profile() -> None:
    # AppTest does not follow st.switch_page; tests/test_browser.py clicks through for real.
    at = open_page("views/compare.py", loc="VN", ind="gia_dinh", year="2025")
    assert at.button(key="compare__go").disabled
    at.selectbox(key="compare__hl").set_value("P51").run()
    assert not at.exception
    go = at.button(key="compare__go")
    assert not go.disabled and go.label == "Mở hồ sơ: Quảng Ngãi"


def test_language_switch_changes_titles_and_status_labels() -> None:
    # ?lang=en is what the sidebar switch writes; tests/test_browser.py clicks the switch itself.
    at = open_page(None, loc="P51", year="2025", lang="en")
    assert at.radio(key="lang").value == "en"
    body = texts(at)
    assert "Progress towards a learning society" in body
    assert "Missed the 2025 target" in body  # a status in English, with its year
    assert "Tổng quan tiến độ" not in body
    # Counts name what they count in the reader's language: "… households", not "… hộ".
    assert re.search(r"\d/[\d,.]+ households", body)
    assert not re.search(r"\d/[\d,.]+ hộ\b", body)


def test_missing_store_gives_instructions(tmp_path: Path) -> None:
    os.environ["XHHT_DB"] = str(tmp_path / "none.duckdb")
    at = scrolled_down(AppTest.from_file(APP, default_timeout=60))
    at.run()
    assert not at.exception
    message = "\n".join(str(e.value) for e in at.error)
    assert "Chưa có kho dữ liệu" in message
    assert "make demo" in message and "xhht demo" in message


def _store_error_in_english(store: Path) -> str:
    os.environ["XHHT_DB"] = str(store)  # the autouse fixture puts the demo store back after
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    return "\n".join(str(e.value) for e in at.error)


def test_a_store_that_cannot_be_opened_is_explained_in_the_pages_language(tmp_path: Path) -> None:
    # English pages say what is wrong and what to do in English; the store's own message (the
    # command line's, Vietnamese) is quoted as the detail.
    missing = tmp_path / "none.duckdb"
    message = _store_error_in_english(missing)
    assert "The data store cannot be opened" in message
    assert f"There is no data store at `{missing}`" in message
    assert "make demo" in message and "Chưa có" not in message
    bad = tmp_path / "not_a_store.duckdb"
    bad.write_bytes(b"these bytes are not a DuckDB file")
    message = _store_error_in_english(bad)
    assert "The store could not be read." in message
    assert "The store's message (in Vietnamese): " in message


def test_no_sql_in_the_dashboard() -> None:
    sql = re.compile(
        r"\b(SELECT|INSERT|UPDATE|DELETE)\b.*|\bFROM\s+\w+|\.execute\(|\.sql\(|query_frame"
    )
    for path in (ROOT / "dashboard").rglob("*.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not sql.search(line), (
                f"{path.relative_to(ROOT)}:{n}: SQL belongs in metrics.queries: {line.strip()}"
            )


def test_core_does_not_import_streamlit() -> None:
    for path in (ROOT / "metrics").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import|from)\s+streamlit", text, re.M), path.name


def test_compare_filters_by_the_statuses_and_types_its_units_have() -> None:
    at = open_page("views/compare.py", loc="P51", ind="gia_dinh", year="2025")
    status = at.button_group(key="compare__status")
    kinds = at.button_group(key="compare__types")
    ranked = dict(ranking_rows(at))
    # Offered: the statuses and unit types the province's communes have, in the legend's order
    # (Streamlit shows a label's leading emoji, "✓", as the pill's icon, apart from its text).
    order = [s.label("vi") for s in Status.ordered()]
    offered = [next(w for w in order if o.endswith(w)) for o in status.options]
    assert offered and offered == sorted(offered, key=order.index)
    assert Status.TARGET_MET.label("vi") in offered
    assert set(kinds.options) <= {"Xã", "Phường", "Đặc khu"} and kinds.options
    status.set_value([Status.TARGET_MET.value]).run()
    assert not at.exception, [e.value for e in at.exception]
    kept = dict(ranking_rows(at))
    assert any("Chưa đạt mục tiêu" in v for v in ranked.values())
    assert kept and all("Đã đạt mục tiêu" in v for v in kept.values())  # only those that met it


def test_the_highlighted_commune_is_one_step_from_its_profile() -> None:
    at = open_page("views/compare.py", loc="P51", ind="gia_dinh", year="2025")
    go = at.button(key="compare__go")
    assert go.disabled and go.label == "Mở hồ sơ"  # nothing highlighted: nothing to open
    assert "nút “Mở hồ sơ” bên trên mở hồ sơ" in texts(at)  # the hint names the button there is
    assert at.selectbox(key="compare__hl").value == ""
    at.selectbox(key="compare__hl").set_value("X23368").run()
    assert not at.exception, [e.value for e in at.exception]
    go = at.button(key="compare__go")
    assert not go.disabled and go.label == "Mở hồ sơ: Đăk Long"
    assert not [w for w in at.warning if "Session State" in str(w.value)]
    # The communes are listed once on the page: one picker highlights and opens.
    assert [s.key for s in at.selectbox].count("compare__hl") == 1
    assert "compare__goto" not in [s.key for s in at.selectbox]
    at.selectbox(key="compare__hl").set_value("").run()
    assert at.button(key="compare__go").disabled


def test_a_partial_figure_says_so_and_is_not_ranked() -> None:
    # Demo store: tỉnh Quảng Ngãi's "Đơn vị học tập cấp tỉnh" 2023 is huyện Ia H'Drai's alone.
    cmp = open_page("views/compare.py", loc="VN", ind="don_vi_cap_tinh", year="2023")
    body = texts(cmp)
    assert (
        "1 tỉnh chưa đủ số liệu năm 2023 (dưới 90% đơn vị báo cáo), không xếp hạng, đứng sau "
        "các tỉnh được xếp hạng: Quảng Ngãi (1/23 huyện cũ báo cáo)"
    ) in body
    table = cmp.dataframe[-1].value
    last = table[table["Tên"] == "Quảng Ngãi"].iloc[0]
    assert last["Mức đầy đủ"] == "chưa đủ: 1/23 huyện cũ báo cáo"
    assert list(table["Tên"])[33] == "Quảng Ngãi"  # after the 33 ranked provinces
    overview = open_page(None, loc="P51", year="2023")
    assert "⚠ chưa đủ: 1/23 huyện cũ báo cáo" in texts(overview)
    profile = open_page("views/profile.py", loc="P51", year="2023")
    assert (
        "chưa đủ: 1/23 huyện cũ báo cáo năm 2023: Đơn vị học tập cấp tỉnh, cấp huyện (cũ)."
        in texts(profile)
    )


def test_overview_names_the_units_that_lag_and_skips_empty_cards(demo_db: Path) -> None:
    from metrics.locality_progress import children_progress
    from metrics.store import connect

    at = open_page(None, loc="P51", year="2025", ind="gia_dinh")
    assert not at.exception, [e.value for e in at.exception]
    body = texts(at).replace("**", "")  # bold marks are not read
    con = connect(demo_db, read_only=True)
    try:
        one = children_progress(con, "P51", 2025, ["gia_dinh"])
        items = progress_for(con, "P51", 2025)
    finally:
        con.close()
    weakest = one.filter(one["plan_pct"].is_not_null()).sort("plan_pct").head(5)
    assert "Những xã cần quan tâm — Gia đình học tập" in body
    first = weakest.row(0, named=True)
    assert (
        f"5 thấp nhất so với mục tiêu: {first['short_name']} ({fmt_pct(first['rate_pct'])}" in body
    )
    silent = one.filter(one["rate_pct"].is_null())["short_name"].to_list()
    assert f"Chưa báo cáo năm 2025 ({len(silent)}): " + ", ".join(silent) in body
    falling = one.filter(one["status"] == "falling")["short_name"].to_list()
    assert f"Đang đi lùi ({len(falling)}): " in body
    # No card for an indicator without a 2025 figure; it is named once, below the cards.
    without = [it.indicator_label for it in items if not it.has_data]
    assert without == ["Đơn vị học tập cấp tỉnh, cấp huyện (cũ)"]
    assert "Chưa có số liệu năm 2025: Đơn vị học tập cấp tỉnh, cấp huyện (cũ)." in body
    assert "Bấm vào một thanh để mở trang So sánh" in body


def test_export_page_in_english() -> None:
    at = open_page("views/export.py", loc="P51", year="2025")
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [b.label for b in at.download_button] == [
        "Download slide deck (.pptx)",
        "Download workbook (.xlsx)",
        "Download report draft (.docx)",
        "Download whole pack (.zip)",
    ]
    assert (
        at.selectbox(key="export__commune").label
        == "Commune or former district (empty: the whole province)"
    )
    assert "The documents themselves are in Vietnamese." in texts(at)


def test_profile_lists_who_was_recognised_and_checks_the_count() -> None:
    at = open_page("views/profile.py", loc="OH618", year="2023")
    body = texts(at)
    assert "Danh sách công nhận — 2023" in body
    assert (
        "**Đơn vị học tập cấp tỉnh, cấp huyện (cũ)** — Danh sách: 23 đơn vị được công nhận (23 Tốt) "
        "— khớp số báo cáo (23)." in body
    )
    assert "23/23 đơn vị trong danh sách" in body
    # The district as a learning community, not yet assessed (not "not recognised"), and the
    # way to decision 87.
    assert "Cộng đồng học tập cấp huyện: chưa triển khai đánh giá" in body
    assert "**Các bước đến quyết định**" in body
    assert "Đăng ký 23, tự đánh giá 23, đề nghị 23, công nhận 23." in body
    assert (
        "Đề nghị tại: Tờ trình số 32a/TTr\\-PGDĐT ngày 05/02/2024 của Phòng Giáo dục và Đào tạo "
        "huyện Ia H'Drai."
        in body
        or "Đề nghị tại: Tờ trình số 32a/TTr-PGDĐT ngày 05/02/2024 của Phòng Giáo dục và Đào tạo "
        "huyện Ia H'Drai."
        in body
    )
    english_page = open_page("views/profile.py", loc="OH618", year="2023", lang="en")
    english = texts(english_page)
    assert "District learning community: not yet assessed" in english
    assert "Registered 23, self-assessed 23, proposed 23, recognised 23." in english
    assert "— List: 23 units recognised (23 Good) — matches the reported figure (23)." in english
    assert "Danh sách: 23" not in english
    assert "; 1 indicator(s)_" in english and "chỉ tiêu_" not in english  # the sources
    # The list itself: an HTML table of its 23 units, read whole (no data grid on the page).
    assert not at.dataframe
    names = html_table_with(at, "Tên đơn vị")
    assert len(names["Tên đơn vị"]) == 23
    assert names["Tên đơn vị"][-1] == "Trường MN Hoa Mai"
    assert set(names["Kết quả"]) == {"Tốt"}
    assert set(names["Quyết định"]) == {"87/QĐ-UBND (10/02/2024)"}
    assert set(names["Tự đánh giá"]) == {"Tốt"}
    assert set(names["Tờ trình đề nghị"]) == {"32a/TTr-PGDĐT (05/02/2024)"}
    assert "Bảng hiện" not in body  # 23 rows: no "first rows" line, no switch
    units = html_table_with(english_page, "Unit")
    assert list(units) == [
        "Unit",
        "Kind of unit",
        "Locality",
        "Title",
        "Result",
        "Decision",
        "Valid until",
        "Criteria not met",
        "Self-assessed",
        "Proposal",
    ]
    assert set(units["Result"]) == {"Good"} and set(units["Self-assessed"]) == {"Good"}
    assert set(units["Decision"]) == {"87/QĐ-UBND (10/02/2024)"}
    assert units["Unit"][-1] == "Trường MN Hoa Mai"
    # Filtering by result: no unit was rated Khá, so the filter offers only what the list has.
    assert at.selectbox(key="profile__reg_result").options == ["Tất cả", "Tốt"]


def test_profile_shows_the_plans_other_commitments_under_its_targets() -> None:
    at = open_page("views/profile.py", loc="X23368", year="2025")
    body = texts(at)
    assert "Mục tiêu, nhiệm vụ khác của kế hoạch" in body
    plans = html_table_with(at, "Mục tiêu, nhiệm vụ")
    assert plans["Mục tiêu, nhiệm vụ"][2] == "100% thôn duy trì hoạt động “Cộng đồng học tập”"
    assert plans["Mục tiêu"] == ["100% đến năm 2030", "100% đến năm 2030", "100%"]
    assert plans["Kết quả sau đó"][2] == "năm 2025 đạt 100%"
    english = open_page("views/profile.py", loc="X23368", year="2025", lang="en")
    assert "Other plan commitments" in texts(english)
    assert html_table_with(english, "Commitment")["Target"][0] == "100% by 2030"


def test_profile_of_a_province_shows_criteria_missed_and_what_lapses(demo_con) -> None:
    at = open_page("views/profile.py", loc="P51", year="2024")
    body = texts(at)
    assert "Tiêu chí chưa đạt nhiều nhất (Cộng đồng học tập cấp xã, Thông tư 25/2023)" in body
    failed = demo_con.execute(
        "SELECT criteria_failed FROM recognitions_current r JOIN localities l ON l.id = r.locality_id "
        "WHERE l.province_id = 'P51' AND r.year = 2024 AND r.indicator = 'cong_dong_xa'"
    ).fetchall()
    counts: dict[int, int] = {}
    for (text,) in failed:
        for n in (text or "").split(","):
            if n:
                counts[int(n)] = counts.get(int(n), 0) + 1
    worst = max(sorted(counts), key=lambda n: counts[n])
    assert (
        f"Tiêu chí {worst} chưa đạt nhiều nhất: {counts[worst]}/{len(failed)} xã được đánh giá."
        in body
    )
    at.selectbox(key="profile__lapse_year").set_value(2027).run()
    lapsing = demo_con.execute(
        "SELECT count(*), count(DISTINCT r.locality_id) FROM recognitions_current r "
        "JOIN localities l ON l.id = r.locality_id WHERE l.province_id = 'P51' "
        "AND year(r.valid_until) = 2027"
    ).fetchone()
    assert lapsing[0] > 0
    assert f"{lapsing[0]} công nhận hết hiệu lực trong năm 2027, ở {lapsing[1]} địa bàn" in texts(
        at
    )


def test_export_is_one_click_that_says_what_it_makes_then_that_it_made_it() -> None:
    """One button per document, whose click makes and downloads it without rerunning the page
    (a rerun would drop the callable the browser is fetching). The page says what is being made
    while the job runs (Streamlit runs it on its own thread in a real session: here the test
    calls the job the button offers, as Streamlit would), then that it was made."""
    import openpyxl

    at = open_page("views/export.py", loc="P51", year="2025")
    assert [b.label for b in at.download_button] == [
        "Tải Bộ trình chiếu (.pptx)",
        "Tải Bảng tính (.xlsx)",
        "Tải Dự thảo báo cáo (.docx)",
        "Tải Trọn bộ tài liệu (.zip)",
    ]
    assert not at.button  # no separate "Tạo …" step any more
    # The whole pack, named by place and year as the other files.
    assert at.session_state["export__jobs"]["zip"].made.startswith(
        "Đã tạo tệp XHHT_Quang_Ngai_2025.zip;"
    )
    job = at.session_state["export__jobs"]["xlsx"]
    at.run()
    assert at.session_state["export__jobs"]["xlsx"] is job  # the same offer keeps its job
    assert "Đang tạo" not in texts(at) and "Đã tạo tệp" not in texts(at)
    job.state = "making"  # as while Streamlit's thread runs it
    at.run()
    assert "Đang tạo bảng tính (.xlsx) cho Quảng Ngãi, năm 2025…" in texts(at)
    content = job()
    assert job.state == "made"
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Tổng hợp"]
    assert sheet["A1"].value == "KẾT QUẢ XÂY DỰNG XÃ HỘI HỌC TẬP NĂM 2025 — TỈNH QUẢNG NGÃI"
    at.run()
    assert "Đã tạo tệp XHHT_Quang_Ngai_2025.xlsx; trình duyệt đang tải tệp về." in texts(at)
    assert "Đang tạo" not in texts(at)
    # Another place (a commune) is another document: a new job, nothing said about the old one.
    at.selectbox(key="export__commune").set_value("X23368").run()
    assert at.session_state["export__jobs"]["xlsx"] is not job
    assert "Đã tạo tệp" not in texts(at)
    # A former district is offered too, named as an old unit in its files.
    at.selectbox(key="export__commune").set_value("OH618").run()
    made = at.session_state["export__jobs"]["zip"].made
    assert made.startswith("Đã tạo tệp XHHT_Huyen_Ia_H_Drai_cu_2025.zip;")


def test_a_document_that_cannot_be_made_says_why_in_vietnamese(demo_db: Path) -> None:
    from dashboard import data

    state = data.store_state()
    assert state.problem is None and state.key is not None and state.key[0] == str(demo_db)
    job = data.DocumentJob(state.key, "xlsx", "KHONG_CO", 2025, failed="lỗi: {error}")
    with pytest.raises(data.ExportError):
        job()
    assert (job.state, job.error) == ("failed", "Không có địa bàn KHONG_CO.")


def test_a_charts_data_is_sent_only_once_its_expander_opens() -> None:
    # A closed "Xem bảng số liệu" held a data grid and six download buttons the browser laid out
    # on every view; they are made when a reader opens it, and stay while it is open.
    at = open_page("views/compare.py", loc="P51", ind="gia_dinh", year="2025")
    assert [e.label for e in at.expander] == ["Xem bảng số liệu của biểu đồ"]
    assert len(at.dataframe) == 1  # the comparison table itself
    downloads = at.get("download_button")
    assert [d.proto.label for d in downloads] == ["Tải số liệu (CSV)"]  # the table's own
    at.session_state["compare__rank_chart__data"] = True  # what a click on the expander sets
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    ranked = at.expander[0]
    assert len(ranked.dataframe) == 1
    assert "Hạng" in ranked.dataframe[0].value.columns
    labels = [d.proto.label for d in ranked.get("download_button")]
    assert labels[:3] == ["Tải số liệu (CSV)", "Số liệu (XLSX)", "Tải biểu đồ (HTML)"]
    at.segmented_control(key="compare__view").set_value("heatmap").run()
    assert len(at.expander[0].dataframe) == 0  # the heat map's own stays closed


def test_compare_draws_the_ranking_or_the_heat_map() -> None:
    at = open_page("views/compare.py", loc="P51", ind="gia_dinh", year="2025")
    assert charts(at) == []  # the ranking is HTML bars: no plotly.js on the first screen
    [bars] = rankings(at)
    assert "Gia đình học tập — Quảng Ngãi" in read(bars).by_class["t"]
    assert "Xếp hạng: Gia đình học tập, 2025" in texts(at)
    at.segmented_control(key="compare__view").set_value("heatmap").run()
    assert not at.exception, [e.value for e in at.exception]
    drawn = charts(at)
    assert len(drawn) == 1 and rankings(at) == []
    assert [t["type"] for t in drawn[0]["data"]][0] == "heatmap"
    assert at.query_params["view"] in ("heatmap", ["heatmap"])
    assert "Mức đạt kế hoạch theo chỉ tiêu" in texts(at)
    assert "Bảng so sánh: Gia đình học tập" in texts(at)  # the table stays under either
    # A link with ?view=heatmap opens the heat map.
    linked = open_page("views/compare.py", loc="P51", ind="gia_dinh", year="2025", view="heatmap")
    assert charts(linked)[0]["data"][0]["type"] == "heatmap"


def test_method_tables_are_text_naming_every_indicator_and_source() -> None:
    at = open_page("views/method.py")
    assert len(at.dataframe) == 0  # words read whole, not cut at a grid column's edge
    body = texts(at)
    markdown = "\n".join(str(m.value) for m in at.markdown)
    for ind in registry().ordered():
        row = next(
            r
            for r in markdown.splitlines()
            if r.startswith(f"| {markdown_literal(ind.label('vi'))} | ")
        )
        assert markdown_literal(ind.basis("vi")) in row
        assert markdown_literal(ind.id) not in row  # ids are for files, not readers
        for target in ind.national_target:
            assert as_read(target.source) in body


@pytest.mark.parametrize(
    ("path", "page"),
    [
        ("/", None),
        ("/compare", "views/compare.py"),
        ("/profile", "views/profile.py"),
        ("/export", "views/export.py"),
        # /import (views/import_data.py, its history a data grid) has a url_path of its own,
        # which AppTest's switch_page does not find; the browser tests open it.
        ("/method", "views/method.py"),
    ],
)
def test_each_pages_shell_preloads_the_elements_its_first_view_shows(
    path: str, page: str | None
) -> None:
    # dashboard/page_shell.py names, per page, the large elements whose code the browser starts
    # loading with the page: what a page shows and what its shell preloads stay the same list.
    from dashboard.page_shell import PAGE_ELEMENTS

    at = open_page(page, scrolled=False)  # the first view: nothing scrolled near yet
    shown = {"BidiComponent": bool(at.get("bidi_component")), "DataFrame": bool(at.dataframe)}
    assert {e for e, present in shown.items() if present} == set(PAGE_ELEMENTS[path])


def test_profile_in_english_has_no_vietnamese_sentences_of_its_own() -> None:
    at = open_page("views/profile.py", loc="P51", year="2024", lang="en")
    body = texts(at)
    assert "Target 2025: **70%** (national target)" in body
    assert "percentage points a year" in body
    assert re.search(r"From 2021 to 2024: [+−]?[\d.]+ pp", body)
    assert "communes have not reported for 2024" in body
    for vietnamese in ("Mục tiêu 2025", "cần tăng", "Cần tăng", "xã chưa báo cáo", "Từ 2021 đến"):
        assert vietnamese not in body, vietnamese


def test_numbers_in_english_are_written_the_english_way() -> None:
    english = open_page("views/profile.py", loc="X23368", year="2025", lang="en")
    vietnamese = open_page("views/profile.py", loc="X23368", year="2025")
    assert re.search(r"\b\d{1,3},\d{3}/\d{1,3},\d{3} households", texts(english))
    assert re.search(r"needs \*\*\d+(\.\d)? percentage points a year", texts(english))
    assert re.search(r"\b\d{1,3}\.\d{3}/\d{1,3}\.\d{3} ", texts(vietnamese))
    assert re.search(r"\*\*\d+(,\d)? điểm phần trăm mỗi năm", texts(vietnamese))
    en_rates = [m.value for m in english.metric]
    vi_rates = [m.value for m in vietnamese.metric]
    assert any("." in r for r in en_rates) and any("," in r for r in vi_rates)
    assert all(re.fullmatch(r"\d+(\.\d)?%|–", r) for r in en_rates), en_rates
    assert all(re.fullmatch(r"\d+(,\d)?%|–", r) for r in vi_rates), vi_rates


def test_what_needs_attention_comes_before_the_cards() -> None:
    # On a phone the cards stack a screen each: the indicators to act on are named above them,
    # worst first, each with its rate, its verdict and how much of its plan it reached.
    for lang, heading, cards in (
        ("vi", "**Cần chú ý năm 2025: ", "Các chỉ tiêu năm 2025"),
        ("en", "**Needs attention in 2025: ", "Indicators in 2025"),
    ):
        at = open_page(None, loc="P51", year="2025", lang=lang)
        seq = [v for v in (getattr(n, "value", None) for n in at.main) if isinstance(v, str)]
        first = next(i for i, v in enumerate(seq) if v.startswith(heading))
        assert first < seq.index(cards)
        lines = seq[first + 1].splitlines()
        assert len(lines) == int(seq[first].removeprefix(heading).split()[0])
        plans = [float(re.findall(r"(\d+)% (?:kế hoạch|of plan)\)$", x)[0]) for x in lines]
        assert plans == sorted(plans)  # all missed here: the furthest from plan first
        rate = r"\d+(,\d)?%" if lang == "vi" else r"\d+(\.\d)?%"
        assert all(re.search(rf"\*\*: {rate} — ✖ ", x) for x in lines), lines


def test_overview_compare_and_method_in_english() -> None:
    overview = texts(open_page(None, loc="P51", year="2025", lang="en"))
    assert re.search(r"\(\d+[\d,]*%, \d+% of plan\)", overview)
    assert "% KH" not in overview
    assert "⚠ incomplete: 92 of 96 communes reported" in overview
    assert "chưa đủ" not in overview
    compare = texts(open_page("views/compare.py", loc="P51", year="2025", lang="en"))
    assert "chưa có số liệu" not in compare  # named once, under the table, in English
    method = texts(open_page("views/method.py", lang="en"))
    assert "| Indicator | Numerator | Denominator | Legal basis | Ratings / levels |" in method
    assert "gia_dinh" not in method and "gia\\_dinh" not in method  # ids are for files, not readers
    assert "○ not yet (read from a provincial plan)" in method


def test_every_chart_is_of_a_trace_type_the_served_plotly_js_draws() -> None:
    # dashboard/chart_view.py serves a plotly.js built with TRACES only (tools/plotly/build.sh):
    # a figure of another type would draw as an empty frame.
    from dashboard.chart_view import TRACES

    seen: set[str] = set()
    for page, params in [
        (None, {"loc": "VN", "year": "2025"}),
        (None, {"loc": "P51", "year": "2025"}),
        ("views/compare.py", {"loc": "P51", "ind": "gia_dinh", "year": "2025"}),
        ("views/compare.py", {"loc": "P51", "year": "2025", "view": "heatmap"}),
        ("views/profile.py", {"loc": "X23368", "year": "2025"}),
        ("views/profile.py", {"loc": "P51", "year": "2025"}),
    ]:
        for figure in charts(open_page(page, **params)):
            seen |= {trace.get("type", "scatter") for trace in figure["data"]}
    assert seen == set(TRACES)


def test_compare_shows_a_long_rankings_ends_until_asked_for_every_bar() -> None:
    at = open_page("views/compare.py", loc="P51", ind="gia_dinh", year="2025")
    rows = ranking_rows(at)
    ranked = [(n, v) for n, v in rows if v]
    assert len(ranked) == 30
    gap = next(n for n, v in rows if not v)
    hidden = int(re.search(r"⋯ (\d+) đơn vị khác ⋯", gap).group(1))
    # The highest first, with the rate and status symbol the table gives each commune.
    table = at.dataframe[-1].value
    best = table.iloc[0]  # the table lists by rank
    assert ranked[0][0] == best["Tên"]
    assert ranked[0][1].startswith(fmt_pct(best["Tỷ lệ 2025 (%)"]))
    toggle = at.toggle(key="compare__all_bars")
    assert toggle.label == f"Hiện đủ cả {30 + hidden} xã trên biểu đồ"
    toggle.set_value(True).run()
    assert not at.exception
    rows = ranking_rows(at)
    assert len(rows) == 30 + hidden and all(v for _, v in rows)
    # The downloads' chart is the plotly figure of the same rows.
    at.session_state["compare__rank_chart__data"] = True
    at.run()
    labels = [d.proto.label for d in at.expander[0].get("download_button")]
    assert "Tải biểu đồ (HTML)" in labels


def test_a_bar_click_and_the_highlight_picker_mark_the_same_row() -> None:
    at = open_page("views/compare.py", loc="P51", ind="gia_dinh", year="2025", hl="X23368")
    rows = ranking_rows(at)
    marked = [n for n, _ in rows if n.startswith("▶ ")]
    assert marked == ["▶ Đăk Long"]  # shown wherever it ranks, between the ends if need be
    assert read(rankings(at)[0]).by_class["hl"][0].startswith("▶ Đăk Long")
    # A click on a row: the browser sends its id, as a chart's click (ranking_view.show).
    at = open_page("views/compare.py", loc="P51", ind="gia_dinh", year="2025")
    at.session_state["compare__rank_chart"] = {
        "selection": {"points": [{"customdata": ["X23368"]}]}
    }
    at.run()
    assert at.selectbox(key="compare__hl").value == "X23368"
    assert at.button(key="compare__go").label == "Mở hồ sơ: Đăk Long"
    assert [n for n, _ in ranking_rows(at) if n.startswith("▶ ")] == ["▶ Đăk Long"]


def test_the_ranking_in_english() -> None:
    at = open_page("views/compare.py", loc="P51", ind="gia_dinh", year="2025", lang="en")
    reader = read(rankings(at)[0])
    assert reader.by_class["t"] == ["Learning families — Quảng Ngãi"]
    words = "".join(reader.text)
    assert "Target" in words and "Rate (% of total)" in words
    assert re.search(r"⋯ \d+ others ⋯", words)
    assert all(re.fullmatch(r"\d+\.\d%.*|\d+%.*", v) for v in reader.by_class["val"])
    for vietnamese in ("Mục tiêu", "đơn vị khác", "Tỷ lệ"):
        assert vietnamese not in words, vietnamese


def test_profile_draws_what_is_under_its_indicator_table_once_scrolled_near() -> None:
    # The first view: the place, its context, completeness and the indicator table, then a
    # placeholder; the targets ahead, the chart, the register and the former units come when
    # the browser says the placeholder is near (or a moment after the page has come).
    at = open_page("views/profile.py", scrolled=False, loc="P51", year="2025")
    first = texts(at)
    assert "Tất cả chỉ tiêu — 2025" in first and "Đặc điểm địa bàn" in first
    assert not charts(at)
    for later in ("Mục tiêu phía trước", "Nguồn số liệu", "Hình thành từ các đơn vị cũ"):
        assert later not in first, later
    [waiting] = [e for e in at.get("bidi_component") if e.proto.component_name == "xhht_near"]
    assert json.loads(waiting.proto.json) == {"height": 1600}
    at.session_state[near_flag("profile__below")] = True  # what the browser's "near" sets
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    below = texts(at)
    for later in ("Mục tiêu phía trước", "Nguồn số liệu", "Hình thành từ các đơn vị cũ"):
        assert later in below, later
    assert [c["layout"]["title"]["text"] for c in charts(at)][0].startswith("Gia đình học tập")
    assert not [e for e in at.get("bidi_component") if e.proto.component_name == "xhht_near"]


def test_compare_draws_its_grid_once_scrolled_near() -> None:
    # The first view holds a placeholder where the grid goes (dashboard/near_view.py); the
    # browser asks for it when it comes near the screen, and the grid is drawn from then on.
    at = open_page("views/compare.py", scrolled=False, loc="P51", ind="gia_dinh", year="2025")
    assert len(at.dataframe) == 0
    [waiting] = [e for e in at.get("bidi_component") if e.proto.component_name == "xhht_near"]
    assert json.loads(waiting.proto.json) == {"height": 420}
    assert [d.proto.label for d in at.get("download_button")] == ["Tải số liệu (CSV)"]
    assert "Bảng so sánh: Gia đình học tập" in texts(at)
    at.session_state[near_flag("compare__table")] = True  # what the browser's "near" sets
    at.run()
    assert at.dataframe[-1].value["Tên"].tolist()[0] == "Trà Câu"  # the highest first
    assert not [e for e in at.get("bidi_component") if e.proto.component_name == "xhht_near"]


def test_former_units_are_a_table_of_words_with_their_csv(demo_con) -> None:
    from metrics.queries.registers import predecessors

    for loc in ("X23368", "P51"):
        at = open_page("views/profile.py", loc=loc, year="2025")
        assert not at.dataframe  # no data grid anywhere on Hồ sơ
        former = html_table_with(at, "Đơn vị cũ")
        assert list(former) == ["Mã", "Đơn vị cũ", "Thuộc", "Cách hình thành"]
        preds = predecessors(demo_con, loc)
        shown = min(preds.height, 25)
        assert former["Đơn vị cũ"] == preds["name"].to_list()[:shown]
        assert former["Mã"] == preds["code"].to_list()[:shown]
        assert set(former["Cách hình thành"]) <= {
            "Gộp toàn bộ",
            "⚠ Bị chia tách — số liệu không gán được vào một xã mới",
        }
        # Every former unit in the CSV under the table.
        lineage_csv = [b for b in at.get("download_button") if b.proto.id.endswith("lineage_csv")]
        assert [b.proto.label for b in lineage_csv] == ["Tải số liệu (CSV)"]
    english = open_page("views/profile.py", loc="X23368", year="2025", lang="en")
    assert list(html_table_with(english, "Former unit")) == [
        "Code",
        "Former unit",
        "Within",
        "How it was formed",
    ]


def _register(at: AppTest, header: str = "Tên đơn vị") -> dict[str, list[str]]:
    return html_table_with(at, header)


def test_a_provinces_register_shows_its_first_rows_then_all_and_finds_and_sorts(
    demo_con,
) -> None:
    import polars as pl

    from metrics.circulars import NOT_ASSESSED
    from metrics.normalise import fold
    from metrics.queries.recognitions import entries_in

    listed = entries_in(demo_con, "province", "P51", year=2024).filter(
        pl.col("result") != NOT_ASSESSED
    )
    n = listed.height
    assert n > 25  # a province's list runs long
    at = open_page("views/profile.py", loc="P51", year="2024")
    assert not at.dataframe
    first = _register(at)
    assert first["Tên đơn vị"] == listed["name"].to_list()[:25]  # as listed
    body = texts(at)
    assert f"Bảng hiện 25 dòng đầu trong {n} dòng; tệp CSV có đủ cả." in body
    switch = at.toggle(key="profile__reg__all")
    assert switch.label == f"Hiện đủ cả {n} dòng"
    switch.set_value(True).run()
    assert not at.exception
    assert _register(at)["Tên đơn vị"] == listed["name"].to_list()
    assert f"Bảng hiện 25 dòng đầu trong {n} dòng" not in texts(at)
    # Found by a word typed without its marks, in the unit's name or its place.
    at.text_input(key="profile__reg_find").input("truong").run()
    found = [
        r["name"]
        for r in listed.iter_rows(named=True)
        if "truong" in fold(f"{r['name']} {r['locality_name']}")
    ]
    assert found and len(found) < n
    assert _register(at)["Tên đơn vị"] == found
    assert f"{len(found)}/{n} đơn vị trong danh sách" in texts(at)
    at.text_input(key="profile__reg_find").input("").run()
    assert _register(at)["Tên đơn vị"] == listed["name"].to_list()  # whole again, as switched
    # Sorted by a column: names by their letters (Đ beside D), the last day by date.
    sort = at.selectbox(key="profile__reg_sort")
    assert sort.options == [
        "Thứ tự trong danh sách",
        "Tên đơn vị",
        "Địa bàn",
        "Kết quả",
        "Quyết định",
        "Hiệu lực đến",
    ]
    sort.set_value("unit_name").run()
    names = _register(at)["Tên đơn vị"]
    assert sorted(names) == sorted(listed["name"].to_list())
    assert names == sorted(names, key=fold)
    at.selectbox(key="profile__reg_sort").set_value("valid_until_text").run()
    days = [d for d in _register(at)["Hiệu lực đến"] if re.fullmatch(r"\d\d/\d\d/\d{4}", d)]
    assert len(days) > 1
    as_dates = [tuple(reversed(d.split("/"))) for d in days]
    assert as_dates == sorted(as_dates)
    # The same in English: its headers, the line and the switch in English words.
    english = open_page("views/profile.py", loc="P51", year="2024", lang="en")
    assert len(_register(english, "Unit")["Unit"]) == 25
    assert f"The table shows the first 25 of {n:,} rows; the CSV file has them all." in texts(
        english
    )
    assert english.toggle(key="profile__reg__all").label == f"Show all {n:,} rows"
    assert english.selectbox(key="profile__reg_sort").options[:2] == ["As listed", "Unit"]


HOSTILE_UNIT = "<img src=x onerror=alert(1)> **Trường** <b>đậm</b> [x](https://evil.example) &amp;"


def test_a_hostile_unit_name_in_the_register_shows_as_typed(demo_db: Path, tmp_path: Path) -> None:
    import shutil

    import openpyxl

    from metrics.inputs import import_file
    from metrics.store import connect

    store = tmp_path / "store.duckdb"
    shutil.copy(demo_db, store)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    for row in (
        [
            "Năm",
            "Tỉnh",
            "Xã",
            "Danh hiệu",
            "Tên đơn vị",
            "Kết quả",
            "Số quyết định",
            "Ngày quyết định",
            "Cơ quan quyết định",
        ],
        [
            2025,
            "Quảng Ngãi",
            "Xã Đăk Long",
            "Đơn vị học tập",
            HOSTILE_UNIT,
            "Đạt",
            "99/QĐ-UBND",
            "20/12/2025",
            "UBND xã Đăk Long",
        ],
    ):
        sheet.append(row)
    book.save(tmp_path / "list.xlsx")
    con = connect(store)
    try:
        result = import_file(con, tmp_path / "list.xlsx")
        assert result.status == "imported", result.problems
    finally:
        con.close()
    os.environ["XHHT_DB"] = str(store)  # the autouse fixture puts the demo store back after
    at = open_page("views/profile.py", loc="X23368", year="2025")
    register = _register(at)
    assert HOSTILE_UNIT in register["Tên đơn vị"]  # every character as typed, nothing drawn
    raw = "".join(h.value for h in at.get("html") if "Tên đơn vị" in h.value)
    assert "<img" not in raw and "<b>đậm" not in raw
    assert "&lt;img src=x onerror=alert(1)&gt;" in raw and "&amp;amp;" in raw


@pytest.mark.chromium
def test_opening_the_export_page_starts_chromium_for_the_first_deck() -> None:
    from metrics.outputs import images

    server = images.export_server()
    server.close()
    assert not server.running
    open_page("views/export.py", loc="P51", year="2025")
    deadline = time.monotonic() + 90  # a cold start on a busy two-core machine
    while not server.running and time.monotonic() < deadline:
        time.sleep(0.2)
    assert server.running  # the first export finds it started
    assert server.image_bytes(go.Figure(go.Bar(x=[1], y=[2])), "png")[:4] == b"\x89PNG"


@pytest.mark.chromium
def test_export_page_makes_the_draft_of_the_kind_and_for_the_recipient_chosen() -> None:
    import io

    from docx import Document

    at = open_page("views/export.py", loc="X23368", year="2024")
    kind = at.radio(key="export__report_kind_2024")
    assert kind.value == "nam"  # 2024 ends no stage: the year's result by default
    assert kind.options == ["Sơ kết giai đoạn", "Kết quả năm"]
    kind.set_value("so-ket")
    at.text_input(key="export__recipient").input("Sở Giáo dục và Đào tạo")
    at.run()
    assert not at.exception
    job = at.session_state["export__jobs"]["docx"]
    assert job.report == {"report_kind": "so-ket", "recipient": "Sở Giáo dục và Đào tạo"}
    doc = Document(io.BytesIO(job()))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "Sơ kết giai đoạn 2021–2024" in body
    assert "Sở Giáo dục và Đào tạo" in body
    # The deck and the workbook hold no draft: their offer does not change with these.
    assert at.session_state["export__jobs"]["xlsx"].report == {}


# Letters only Vietnamese writes: an English page showing one has a Vietnamese word left over.
VIETNAMESE_ONLY = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)
# Names that stay Vietnamese in English, besides the register's places and the store's sources:
# the documents' own names and the office a draft is addressed to.
VIETNAMESE_BY_NATURE = (
    re.compile(r"(?:Quyết định|Thông tư|QĐ|Tờ trình)[^;|\n)]*"),
    re.compile(r"[\w/]+/(?:TT|QĐ|TTr)-\w+"),  # a document's number: 25/2023/TT-BGDĐT
    re.compile(r"“[^”]*”"),  # a document's or a section's title, or a word the lists write, quoted
    re.compile(r"Sở Giáo dục và Đào tạo"),
)


def _vietnamese_names(con) -> list[str]:
    """What may stay Vietnamese on an English page: places (as registered, and as a sentence
    writes a parent, "huyện Đắk Glei") and the documents figures and lists cite."""
    from metrics.name_parts import lower_type

    places = [n for (n,) in con.sql("SELECT name FROM localities").fetchall()]
    places += [n for (n,) in con.sql("SELECT short_name FROM localities").fetchall() if n]
    docs = [
        s
        for (s,) in con.sql(
            "SELECT DISTINCT source FROM observations UNION SELECT DISTINCT source FROM "
            "targets UNION SELECT DISTINCT decision_number FROM recognitions UNION "
            "SELECT DISTINCT issuer FROM recognitions UNION SELECT DISTINCT name FROM recognitions "
            "UNION SELECT DISTINCT source FROM place_context UNION SELECT DISTINCT source FROM "
            "education_levels "
            "UNION SELECT DISTINCT proposal_issuer FROM recognitions "
            # A plan's commitments are shown as the plan words them (the page says so).
            "UNION SELECT DISTINCT item_text FROM plan_items UNION SELECT DISTINCT section FROM "
            "plan_items UNION SELECT DISTINCT source FROM plan_items"
        ).fetchall()
        if s
    ]
    docs += [nt.source for i in registry().indicator for nt in i.national_target]
    names = {*places, *(lower_type(p) for p in places), *docs}
    return sorted(names, key=len, reverse=True)  # longest first: "Xã Đăk Long" before "Đăk Long"


def _everything_shown(at: AppTest) -> str:
    """Every word the page shows: texts, widgets' labels and options, tables' headers and cells."""
    parts = [texts(at)]
    for kind in (
        "selectbox",
        "multiselect",
        "button_group",
        "radio",
        "text_input",
        "button",
        "expander",
        "tabs",
    ):
        for w in getattr(at, kind, []):
            if getattr(w, "key", None) == "lang":  # the switch names each language in its own
                continue
            parts.append(str(getattr(w, "label", "")))
            parts.append(str(getattr(w, "placeholder", "") or ""))
            parts += [str(option) for option in getattr(w, "options", []) or []]  # as shown
    for grid in at.dataframe:
        frame = grid.value.data if hasattr(grid.value, "data") else grid.value
        parts.append(" | ".join(map(str, frame.columns)))
        for column in frame.columns:
            parts += [str(v) for v in frame[column].tolist()]
    return "\n".join(parts)


@pytest.mark.parametrize(
    ("page", "params"),
    [
        (None, {"loc": "P51", "year": "2025"}),
        ("views/compare.py", {"loc": "P51", "year": "2025"}),
        ("views/profile.py", {"loc": "X23368", "year": "2025"}),
        ("views/profile.py", {"loc": "OH618", "year": "2023"}),
        ("views/profile.py", {"loc": "OX23504", "year": "2024"}),
        ("views/method.py", {}),
        ("views/export.py", {"loc": "P51", "year": "2025"}),
    ],
)
def test_english_pages_are_english_but_for_names(
    page: str | None, params: dict[str, str], demo_con
) -> None:
    shown = _everything_shown(open_page(page, lang="en", **params))
    for name in _vietnamese_names(demo_con):
        shown = shown.replace(name, "‹name›")
    for pattern in VIETNAMESE_BY_NATURE:
        shown = pattern.sub("‹name›", shown)
    left = [line for line in shown.splitlines() if VIETNAMESE_ONLY.search(line)]
    assert not left, left[:10]


# A recognition's own title in the register, in both languages: never an indicator's short
# heading ("Communes", "CĐHT cấp xã").
REGISTER_TITLE_WORDS = {
    "dong_ho": ("Dòng họ học tập", "Learning clan"),
    "cong_dong_thon": ("Cộng đồng học tập cấp thôn", "Learning community (village level)"),
    "cong_dong_xa": ("Cộng đồng học tập cấp xã", "Learning community (commune level)"),
    "cong_dong_huyen": ("Cộng đồng học tập cấp huyện", "Learning community (district level)"),
    "cong_dong_tinh": ("Cộng đồng học tập cấp tỉnh", "Learning community (provincial level)"),
    "don_vi": ("Đơn vị học tập", "Learning unit"),
    "don_vi_cap_tinh": (
        "Đơn vị học tập cấp tỉnh, cấp huyện (cũ)",
        "Learning unit (provincial or former district level)",
    ),
}


def test_the_register_names_each_title_by_its_own_words(demo_con) -> None:
    import polars as pl

    from metrics.circulars import REGISTER_TITLES
    from metrics.queries.recognitions import entries_in
    from metrics.recognitions import shown_entries

    assert set(REGISTER_TITLES) == set(REGISTER_TITLE_WORDS)  # every title the register holds
    one = entries_in(demo_con, "province", "P51", year=2024).head(1)
    for title, (vi, en) in REGISTER_TITLE_WORDS.items():
        entry = one.with_columns(pl.lit(title).alias("title"))
        assert shown_entries(entry, "vi")["title_label"].to_list() == [vi]
        assert shown_entries(entry, "en")["title_label"].to_list() == [en]


def test_the_english_register_table_says_learning_community_commune_level() -> None:
    for lang, words in (
        ("en", "Learning community (commune level)"),
        ("vi", "Cộng đồng học tập cấp xã"),
    ):
        at = open_page("views/profile.py", loc="P51", year="2024", lang=lang)
        column = "Title" if lang == "en" else "Danh hiệu"
        table = html_table_with(at, column)
        assert len(table[column]) == 25 and set(table[column]) == {words}
        picker = at.selectbox(key="profile__reg_title")
        assert [str(o).split("\u2003")[0] for o in picker.options][1:] == [words]


def _progress_points(at: AppTest, name: str) -> dict[int, float]:
    """The progress chart's points of the trace `name` (year → rate), as the page sends them."""
    for fig in charts(at):
        for trace in fig["data"]:
            if trace.get("name") == name and trace.get("x") and trace.get("y"):
                return {
                    int(x): float(y)
                    for x, y in zip(trace["x"], trace["y"], strict=True)
                    if y is not None
                }
    return {}


def test_after_a_write_charts_show_the_new_figures_and_keep_the_others(
    demo_db: Path, tmp_path: Path
) -> None:
    """The shared figures (ui.figure) outlive a new state of the store (only the per-state
    answers of dashboard.data are dropped): a chart whose figures the write changed is drawn
    anew with them, another is the same as before."""
    import shutil

    import openpyxl

    from metrics.inputs import import_file
    from metrics.store import connect

    store = tmp_path / "store.duckdb"
    shutil.copy(demo_db, store)
    os.environ["XHHT_DB"] = str(store)  # the autouse fixture puts the demo store back after
    before = open_page("views/profile.py", loc="X23368", year="2025")
    other = open_page("views/profile.py", loc="X23377", year="2025")
    rates = _progress_points(before, "Thực hiện")
    assert rates[2025] == pytest.approx(55.26, abs=0.01)  # 4.777/8.645 hộ
    other_rates = _progress_points(other, "Thực hiện")
    assert other_rates

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Kết quả"
    sheet.append(["Năm", "Tỉnh", "Xã", "Chỉ tiêu", "Tổng số", "Đăng ký", "Công nhận", "Nguồn"])
    sheet.append([2025, "Quảng Ngãi", "Xã Đăk Long", "gia_dinh", 8645, 8000, 6000, "Kiểm thử"])
    book.save(tmp_path / "results.xlsx")
    con = connect(store)
    try:
        result = import_file(con, tmp_path / "results.xlsx")
        assert result.status == "imported", result.problems
    finally:
        con.close()

    after = open_page("views/profile.py", loc="X23368", year="2025")
    assert _progress_points(after, "Thực hiện")[2025] == pytest.approx(
        69.40, abs=0.01
    )  # 6.000/8.645
    assert {y: r for y, r in _progress_points(after, "Thực hiện").items() if y < 2025} == {
        y: r for y, r in rates.items() if y < 2025
    }
    assert (
        _progress_points(open_page("views/profile.py", loc="X23377", year="2025"), "Thực hiện")
        == other_rates
    )
