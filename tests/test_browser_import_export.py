"""The import and export pages in a real Chromium: a broken file is explained and changes
nothing; an editor signs in, writes a good file, sees it on the dashboard and rolls it back;
a workbook is exported from the page."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from browser_support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, IDLE, ROOT, streamlit_server

from metrics.auth import Account, AccountsFile, hash_password, save_accounts
from metrics.locality_progress import progress_for
from metrics.store import connect

DATA = ROOT / "tests" / "data" / "imports"


@pytest.fixture()
def app(demo_db: Path, tmp_path: Path):
    store = tmp_path / "store.duckdb"
    shutil.copy(demo_db, store)
    accounts = tmp_path / "accounts.toml"
    save_accounts(
        AccountsFile(
            account=[
                Account(
                    name="canbo.qn",
                    display_name="Cán bộ Quảng Ngãi",
                    role="editor",
                    provinces=["51"],
                    password=hash_password("mat-khau-qn", iterations=1000),
                )
            ]
        ),
        accounts,
    )
    with streamlit_server(store, XHHT_ACCOUNTS=str(accounts)) as url:
        yield url, store


def sign_in(page) -> None:  # noqa: ANN001
    """Through the sign-in page and back: the session cookie keeps the officer signed in."""
    page.get_by_role("link", name="Đăng nhập").first.click()
    page.wait_for_url("**/dang-nhap**", timeout=60_000)
    page.get_by_label("Tên đăng nhập").fill("canbo.qn")
    page.get_by_label("Mật khẩu").fill("mat-khau-qn")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/import**", timeout=60_000)
    page.get_by_text("Đã đăng nhập").first.wait_for(timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)


def _gia_dinh_dak_long(store: Path) -> int | None:
    con = connect(store, read_only=True)
    try:
        return next(
            p.recognized for p in progress_for(con, "X23368", 2025) if p.indicator == "gia_dinh"
        )
    finally:
        con.close()


@pytest.mark.browser
def test_import_page_refuses_then_writes_then_rolls_back(app, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    url, store = app
    before = _gia_dinh_dak_long(store)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{url}/import")
            page.wait_for_selector(IDLE, timeout=60_000)
            # A broken file: every problem named, nothing written.
            page.set_input_files(
                "[data-testid='stFileUploaderDropzoneInput']",
                str(DATA / "bad_recognized_over_total.xlsx"),
            )
            page.get_by_text("Kho dữ liệu không thay đổi").first.wait_for(timeout=60_000)
            page.wait_for_selector(IDLE, timeout=60_000)
            page.screenshot(path=str(ARTIFACTS / "nhap_du_lieu_loi.png"), full_page=True)
            assert page.locator("[data-testid='stException']").count() == 0
            # The problems are a table whose text wraps (not a grid that cuts it off).
            problems = page.locator("[data-testid='stTable']").filter(has_text="Lỗi và cách sửa")
            assert problems.count() == 1
            assert problems.get_by_text("Công nhận").count() >= 1
            box = problems.bounding_box()
            assert box is not None and box["width"] <= 1400
            # A good file: previewed; writing asks for a sign-in first.
            page.set_input_files(
                "[data-testid='stFileUploaderDropzoneInput']",
                str(DATA / "ok_change_dak_long_2025.csv"),
            )
            page.get_by_text("Tệp hợp lệ").first.wait_for(timeout=60_000)
            # The script may still be drawing the rest of the page: wait for the notice itself.
            page.get_by_text(
                "Đăng nhập bằng tài khoản biên tập để ghi tệp này vào kho"
            ).first.wait_for(timeout=60_000)
            page.wait_for_selector(IDLE, timeout=60_000)
            # The changed row shows its rate in force → the file's (4.777 → 7.500 of 8.645).
            # (The grid draws on a canvas; its cells are also in a hidden table for screen readers.)
            grid = page.locator("[data-testid='stDataFrame']").filter(has_text="đang có → mới")
            grid.first.wait_for(state="attached", timeout=30_000)
            assert "55,3% → 86,8%" in (grid.first.text_content() or "")
            sign_in(page)
            # Back from the sign-in page, a new page session: the file is uploaded again.
            page.set_input_files(
                "[data-testid='stFileUploaderDropzoneInput']",
                str(DATA / "ok_change_dak_long_2025.csv"),
            )
            page.get_by_role("button", name="Ghi").filter(has_text="vào kho").click()
            page.get_by_text("Đã nhập lô").first.wait_for(timeout=60_000)
            page.wait_for_selector(IDLE, timeout=60_000)
            page.screenshot(path=str(ARTIFACTS / "nhap_du_lieu_da_ghi.png"), full_page=True)
            after = _gia_dinh_dak_long(store)
            assert after != before
            # The dashboard shows the new figure.
            page.goto(f"{url}/profile?loc=X23368&year=2025")
            page.wait_for_selector(IDLE, timeout=60_000)
            page.get_by_text(f"{after:,}".replace(",", ".")).first.wait_for(timeout=60_000)
            # Roll it back: still signed in after opening other pages; the demo figure returns.
            page.goto(f"{url}/import")
            page.wait_for_selector(IDLE, timeout=60_000)
            page.get_by_text("Đã đăng nhập: Cán bộ Quảng Ngãi").first.wait_for(timeout=60_000)
            page.get_by_role("button", name="Hoàn tác…", exact=True).click()
            # A second step names what goes, and nothing is undone until it is confirmed.
            ask = page.locator("[data-testid='stAlert']").filter(has_text="Hoàn tác lô")
            ask.first.wait_for(timeout=60_000)
            text = ask.first.inner_text()
            assert "ok_change_dak_long_2025.csv" in text and "canbo.qn" in text
            assert "1 dòng" in text and "/20" in text  # the date the batch was imported
            assert _gia_dinh_dak_long(store) == after
            page.screenshot(path=str(ARTIFACTS / "nhap_du_lieu_hoan_tac.png"), full_page=True)
            page.get_by_role("button", name="Xác nhận hoàn tác").click()
            page.get_by_text("Đã hoàn tác lô").first.wait_for(timeout=60_000)
            assert _gia_dinh_dak_long(store) == before
            # The history says who rolled it back.
            page.wait_for_selector(IDLE, timeout=60_000)
            history = page.locator("[data-testid='stDataFrame']").filter(has_text="Hoàn tác lúc")
            history.first.wait_for(state="attached", timeout=30_000)
            assert "canbo.qn" in (history.first.text_content() or "")
        finally:
            browser.close()


@pytest.mark.browser
def test_a_list_of_recognised_units_is_previewed_written_and_shown(app, tmp_path: Path) -> None:
    """An officer of Quảng Ngãi brings a commune's list of clans as the decision attaches it: the
    preview names each unit and its result, the write lands, Hồ sơ địa bàn lists the clans."""
    from playwright.sync_api import sync_playwright

    url, store = app
    path = tmp_path / "dong_ho_dak_long.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (
        ["DANH SÁCH DÒNG HỌ HỌC TẬP NĂM 2025"],
        [
            "(Kèm theo Quyết định số 41/QĐ-UBND ngày 12/12/2025 của UBND xã Đăk Long, tỉnh Quảng Ngãi)"
        ],
        ["STT", "Tên dòng họ", "Kết quả"],
        [1, "Dòng họ A Lăng", "Đạt"],
        [2, "Dòng họ Y Brơ", "Đạt"],
        [3, "Dòng họ Đinh <b>Văn</b>", "Không đạt"],
    ):
        ws.append(row)
    wb.save(path)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{url}/import")
            page.wait_for_selector(IDLE, timeout=60_000)
            sign_in(page)
            page.set_input_files("[data-testid='stFileUploaderDropzoneInput']", str(path))
            page.get_by_text("Tệp hợp lệ: 3 dòng danh sách công nhận").first.wait_for(
                timeout=60_000
            )
            page.wait_for_selector(IDLE, timeout=60_000)
            grid = page.locator("[data-testid='stDataFrame']").filter(has_text="Tên đơn vị")
            grid.first.wait_for(state="attached", timeout=30_000)
            preview = grid.first.text_content() or ""
            assert "Dòng họ A Lăng" in preview and "Không đạt" in preview
            assert "41/QĐ-UBND" in preview
            page.get_by_role("button", name="Ghi").filter(has_text="vào kho").click()
            page.get_by_text("Đã nhập lô").first.wait_for(timeout=60_000)
            page.goto(f"{url}/profile?loc=X23368&year=2025")
            page.wait_for_selector(IDLE, timeout=60_000)
            page.get_by_text("Danh sách công nhận — 2025").first.wait_for(timeout=60_000)
            # The register is an HTML table (ui.long_table) holding the units just written.
            listed = page.locator(".xhht-table table").filter(has_text="Dòng họ Y Brơ")
            listed.first.wait_for(state="attached", timeout=30_000)
            # Imported text is text: the tag shows as typed, nothing is drawn bold.
            assert "Dòng họ Đinh <b>Văn</b>" in (listed.first.text_content() or "")
            assert listed.first.locator("b").count() == 0
            page.screenshot(path=str(ARTIFACTS / "ho_so_danh_sach.png"), full_page=True)
        finally:
            browser.close()


@pytest.mark.browser
def test_export_page_makes_a_workbook(app, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    url, _ = app
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
            page.goto(f"{url}/export?loc=P51&year=2025")
            page.wait_for_selector(IDLE, timeout=60_000)
            with page.expect_download(timeout=60_000) as info:  # one click: made, then saved
                page.get_by_role("button", name="Tải Bảng tính (.xlsx)").click()
            path = tmp_path / "qn.xlsx"
            assert info.value.suggested_filename == "XHHT_Quang_Ngai_2025.xlsx"  # place and year
            info.value.save_as(path)
            page.get_by_text("Đã tạo tệp XHHT_Quang_Ngai_2025.xlsx").wait_for(timeout=60_000)
            page.screenshot(path=str(ARTIFACTS / "xuat_bao_cao.png"), full_page=True)
        finally:
            browser.close()
    wb = openpyxl.load_workbook(path)
    assert (
        wb["Tổng hợp"]["A1"].value == "KẾT QUẢ XÂY DỰNG XÃ HỘI HỌC TẬP NĂM 2025 — TỈNH QUẢNG NGÃI"
    )


@pytest.mark.browser
@pytest.mark.chromium
def test_one_click_downloads_the_province_deck(app, tmp_path: Path) -> None:
    """The deck in one click, as a conference officer gets it: a real .pptx named for the place
    and year, made while the button turns, opened with python-pptx."""
    from playwright.sync_api import sync_playwright
    from pptx import Presentation

    url, _ = app
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
            page.goto(f"{url}/export?loc=P51&year=2025")
            page.wait_for_selector(IDLE, timeout=60_000)
            with page.expect_download(timeout=180_000) as info:
                page.get_by_role("button", name="Tải Bộ trình chiếu (.pptx)").click()
            assert info.value.suggested_filename == "XHHT_Quang_Ngai_2025.pptx"
            path = tmp_path / info.value.suggested_filename
            info.value.save_as(path)
            page.get_by_text("Đã tạo tệp XHHT_Quang_Ngai_2025.pptx").wait_for(timeout=60_000)
            page.screenshot(path=str(ARTIFACTS / "xuat_bao_cao_pptx.png"), full_page=True)
        finally:
            browser.close()
    prs = Presentation(str(path))
    titles = [s.shapes.title.text for s in prs.slides]
    assert len(titles) == 19
    assert titles[0] == "KẾT QUẢ XÂY DỰNG XÃ HỘI HỌC TẬP NĂM 2025"
    assert titles[1] == "Tổng hợp các chỉ tiêu năm 2025 — Tỉnh Quảng Ngãi"
    pictures = [sh for s in prs.slides for sh in s.shapes if sh.shape_type == 13]
    assert len(pictures) == 15 and all(len(p.image.blob) > 20_000 for p in pictures)


@pytest.mark.browser
def test_chart_downloads_png_and_xlsx(app, tmp_path: Path) -> None:
    from PIL import Image
    from playwright.sync_api import sync_playwright

    url, _ = app
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
            page.goto(f"{url}/?loc=P51&year=2025&ind=gia_dinh")
            page.wait_for_selector(IDLE, timeout=60_000)
            page.get_by_text("Xem bảng số liệu của biểu đồ").first.click()
            with page.expect_download(timeout=60_000) as png_info:
                page.get_by_role("button", name="Ảnh PNG", exact=True).first.click()
            png = tmp_path / "chart.png"
            assert png_info.value.suggested_filename == "gia_dinh_Quang_Ngai_2025.png"
            png_info.value.save_as(png)
            with page.expect_download(timeout=60_000) as xlsx_info:
                page.get_by_role("button", name="Số liệu (XLSX)").first.click()
            xlsx = tmp_path / "chart.xlsx"
            xlsx_info.value.save_as(xlsx)
        finally:
            browser.close()
    assert Image.open(png).size == (1920, 1080)
    sheet = openpyxl.load_workbook(xlsx).active
    assert [c.value for c in sheet[1]] == [
        "Năm",
        "Tổng số",
        "Được công nhận",
        "Tỷ lệ (%)",
        "Đơn vị báo cáo",
    ]
    assert [sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)] == [
        2021,
        2022,
        2023,
        2024,
        2025,
    ]
    gd = next(
        p
        for p in progress_for(connect(app[1], read_only=True), "P51", 2025)
        if p.indicator == "gia_dinh"
    )
    assert sheet.cell(6, 3).value == gd.recognized
    assert sheet.cell(6, 5).value == "92/96 xã báo cáo" == gd.completeness
