"""The commune's form in a real Chromium, at a desktop's and a phone's width: a reporter signs
in with a password, types a recognised count above the total and is told at the field, then
saves a draft. Screenshots go to test-artifacts/."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, IDLE, streamlit_server

from metrics.auth import Account, AccountsFile, hash_password, save_accounts

XHHT = Path(sys.executable).parent / "xhht"


@pytest.fixture()
def app(demo_db: Path, tmp_path: Path):
    store = tmp_path / "store.duckdb"
    shutil.copy(demo_db, store)
    accounts = tmp_path / "accounts.toml"
    quick = hash_password("mat-khau-xa", iterations=1000)
    save_accounts(
        AccountsFile(
            account=[Account(name="xa.daklong", role="reporter", unit="23368", password=quick)]
        ),
        accounts,
    )
    subprocess.run(
        [str(XHHT), "rounds", "open", "--province", "51", "--year", "2025", "--deadline",
         "2026-01-15", "--indicators", "gia_dinh", "dong_ho", "cong_dong_xa", "--db", str(store)],
        check=True, capture_output=True,
    )  # fmt: skip
    with streamlit_server(store, XHHT_ACCOUNTS=str(accounts)) as url:
        yield url


@pytest.mark.browser
def test_the_form_at_a_desktop_and_a_phone_width(app) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1440, "height": 1000})
            page = context.new_page()
            page.goto(f"{app}/dang-nhap?next=/bao-cao-xa")
            page.get_by_label("Tên đăng nhập").fill("xa.daklong")
            page.get_by_label("Mật khẩu").fill("mat-khau-xa")
            page.get_by_role("button", name="Đăng nhập").click()
            page.wait_for_url("**/bao-cao-xa**", timeout=60_000)
            page.get_by_text("Xã Đăk Long — báo cáo năm 2025").wait_for(timeout=60_000)
            page.wait_for_selector(IDLE, timeout=60_000)
            fields = page.get_by_label("Công nhận")
            page.get_by_label("Tổng số").first.fill("1.000")
            page.get_by_label("Tổng số").first.press("Tab")
            fields.first.fill("1.200")
            fields.first.press("Tab")
            page.get_by_text("Số công nhận (1200) lớn hơn tổng số (1000)").wait_for(timeout=60_000)
            page.screenshot(path=str(ARTIFACTS / "rounds-form-1440.png"), full_page=True)
            fields.first.fill("800")
            fields.first.press("Tab")
            page.get_by_text("Tỷ lệ công nhận: 80%").wait_for(timeout=60_000)
            page.get_by_role("button", name="Lưu nháp").click()
            page.get_by_text("Đã lưu nháp (lần lưu 1)").wait_for(timeout=60_000)

            page.set_viewport_size({"width": 390, "height": 844})
            page.reload()
            page.wait_for_selector(IDLE, timeout=60_000)
            page.get_by_text("Đang nhập (nháp)").wait_for(timeout=60_000)
            total = page.get_by_label("Tổng số").first
            assert total.input_value() == "1.000"
            box = total.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            page.screenshot(path=str(ARTIFACTS / "rounds-form-390.png"), full_page=True)
        finally:
            browser.close()
