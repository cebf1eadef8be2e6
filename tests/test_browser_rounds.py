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


@pytest.fixture()
def submitted(demo_db: Path, tmp_path: Path):
    """Đăk Long's round report as the reporter left it (a draft with a signed .docx attached)
    and Đăk Long's neighbour submitted with a signed PDF, then a file imported for Đăk Long
    after it: the reviewer's page has a download and an imported-vs-submitted note."""
    import docx
    import openpyxl

    store = tmp_path / "reviewed.duckdb"
    shutil.copy(demo_db, store)
    accounts = tmp_path / "reviewers.toml"
    quick = hash_password("mat-khau-xa", iterations=1000)
    save_accounts(
        AccountsFile(
            account=[
                Account(name="xa.daklong", role="reporter", unit="23368", password=quick),
                Account(name="duyet.qn", role="reviewer", unit="51", password=quick),
                Account(
                    name="bien.tap", role="editor", unit="51", provinces=["51"], password=quick
                ),
            ]
        ),
        accounts,
    )
    env = {"XHHT_ACCOUNTS": str(accounts), "XHHT_DB": str(store)}

    def xhht(*args: str) -> None:
        res = subprocess.run([str(XHHT), *args], capture_output=True, text=True,
                             env={**__import__("os").environ, **env})  # fmt: skip
        assert res.returncode == 0, res.stdout + res.stderr

    xhht("rounds", "open", "--province", "51", "--year", "2025", "--deadline", "2026-01-15",
         "--indicators", "gia_dinh", "dong_ho", "cong_dong_xa")  # fmt: skip
    form = tmp_path / "form.xlsx"
    xhht("template", "round", "--unit", "23368", "--year", "2025", "-o", str(form))
    wb = openpyxl.load_workbook(form)
    for row, values in {5: [9000, 7000, 6000], 6: [100, 90, 80], 7: [1, 1, 1, 1, 0]}.items():
        for j, v in enumerate(values):
            wb["Báo cáo"].cell(row=row, column=6 + j, value=v)
    wb.save(form)
    signed = docx.Document()
    signed.add_paragraph("UBND xã Đăk Long — Báo cáo xây dựng xã hội học tập năm 2025 (đã ký)")
    word = tmp_path / "Báo cáo <b>Đăk Long (ký).docx"
    signed.save(word)
    xhht("rounds", "submit", str(form), "--unit", "23368", "--year", "2025", "--attachment",
         str(word), "--user", "xa.daklong")  # fmt: skip
    change = Path(__file__).parent / "data" / "imports" / "ok_change_dak_long_2025.csv"
    xhht("import", str(change), "--user", "bien.tap")
    with streamlit_server(store, XHHT_ACCOUNTS=str(accounts)) as url:
        yield url, word


def sign_in(page, app: str, name: str, target: str) -> None:
    page.goto(f"{app}/dang-nhap?next=/{target}")
    page.get_by_label("Tên đăng nhập").fill(name)
    page.get_by_label("Mật khẩu").fill("mat-khau-xa")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"**/{target}**", timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)


@pytest.mark.browser
def test_the_signed_report_attached_then_downloaded_by_the_reviewer(
    app, submitted, tmp_path: Path
) -> None:
    """The reporter attaches a .docx on the form (a renamed PNG refused first); the province's
    reviewer sees the other report's file, downloads the same bytes, and the note saying the
    imported file is newer than the submission; both pages at 1440 and 390 px, vi and en."""
    import docx
    from PIL import Image
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    fake = tmp_path / "bao_cao.pdf"
    Image.new("RGB", (40, 30), "white").save(fake, format="PNG")
    signed = docx.Document()
    signed.add_paragraph("Báo cáo có chữ ký")
    word = tmp_path / "Bao cao da ky.docx"
    signed.save(word)
    review_url, review_word = submitted
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1440, "height": 1000})
            page = context.new_page()
            sign_in(page, app, "xa.daklong", "bao-cao-xa")
            page.get_by_text("Chưa đính kèm báo cáo có chữ ký.").wait_for(timeout=60_000)
            chooser = page.locator("input[type=file]")
            chooser.set_input_files(str(fake))
            page.get_by_role("button", name="Đính kèm tệp này").click()
            page.get_by_text(
                "Tệp “bao_cao.pdf” mang đuôi .pdf nhưng nội dung không phải PDF hợp lệ"
            ).wait_for(timeout=60_000)
            page.screenshot(path=str(ARTIFACTS / "rounds-attach-refused-1440.png"), full_page=True)
            page.locator("input[type=file]").set_input_files(str(word))
            page.get_by_role("button", name="Đính kèm tệp này").click()
            page.get_by_text("Đã đính kèm Bao cao da ky.docx (lần lưu 1).").wait_for(timeout=60_000)
            page.get_by_text("Đã đính kèm: Bao cao da ky.docx — Word (.docx)").wait_for(
                timeout=60_000
            )
            page.screenshot(path=str(ARTIFACTS / "rounds-attach-1440.png"), full_page=True)
            with page.expect_download() as got:
                page.get_by_role("button", name="Tải báo cáo có chữ ký").click()
            assert Path(got.value.path()).read_bytes() == word.read_bytes()
            assert got.value.suggested_filename == "Bao_cao_da_ky.docx"
            page.set_viewport_size({"width": 390, "height": 844})
            page.goto(f"{app}/bao-cao-xa?lang=en")
            page.wait_for_selector(IDLE, timeout=60_000)
            page.get_by_text("Attached: Bao cao da ky.docx — Word (.docx)").wait_for(timeout=60_000)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            page.screenshot(path=str(ARTIFACTS / "rounds-attach-390-en.png"), full_page=True)
            context.close()

            context = browser.new_context(viewport={"width": 1440, "height": 1000})
            page = context.new_page()
            sign_in(page, review_url, "duyet.qn", "duyet-bao-cao")
            page.get_by_text("Số liệu nhập từ tệp ngày").first.wait_for(timeout=60_000)
            page.get_by_text(f"Đã đính kèm: {review_word.name} — Word (.docx)").wait_for(
                timeout=60_000
            )
            assert page.locator("b", has_text="Đăk Long").count() == 0  # the name shown as text
            with page.expect_download() as got:
                page.get_by_role("button", name="Tải báo cáo có chữ ký").click()
            assert Path(got.value.path()).read_bytes() == review_word.read_bytes()
            assert got.value.suggested_filename == "Bao_cao_b_Dak_Long_ky.docx"
            page.screenshot(path=str(ARTIFACTS / "rounds-review-1440.png"), full_page=True)
            page.locator("[data-testid='stDataFrame']").first.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "rounds-review-table-1440.png"), full_page=True)
            page.goto(f"{review_url}/duyet-bao-cao?lang=en")
            page.wait_for_selector(IDLE, timeout=60_000)
            page.get_by_text("Figures imported from a file on").first.wait_for(timeout=60_000)
            page.get_by_text("Download the signed report").wait_for(timeout=60_000)
            page.wait_for_selector(IDLE, timeout=60_000)
            page.screenshot(path=str(ARTIFACTS / "rounds-review-1440-en.png"), full_page=True)
            page.set_viewport_size({"width": 390, "height": 844})
            page.reload()
            page.wait_for_selector(IDLE, timeout=60_000)
            page.get_by_text("Download the signed report").wait_for(timeout=60_000)
            page.get_by_text("Download the signed report").scroll_into_view_if_needed()
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            page.screenshot(path=str(ARTIFACTS / "rounds-review-390-en.png"), full_page=True)
            page.goto(f"{review_url}/duyet-bao-cao?lang=vi")
            page.wait_for_selector(IDLE, timeout=60_000)
            page.get_by_text("Tải báo cáo có chữ ký").wait_for(timeout=60_000)
            page.get_by_text("Số liệu nhập từ tệp ngày").scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "rounds-review-390.png"), full_page=True)
        finally:
            browser.close()
