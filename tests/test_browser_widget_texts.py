"""Nhập dữ liệu and Duyệt báo cáo's filter by state in both languages, in a real Chromium:
the page's own words and Streamlit's words inside its widgets ("Upload", "Select all", …), which
dashboard/ui.py swaps by CSS, read in the interface's language, also to a screen reader."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, IDLE, ROOT, streamlit_server

from metrics.auth import Account, AccountsFile, hash_password, save_accounts

DATA = ROOT / "tests" / "data" / "imports"
XHHT = Path(sys.executable).parent / "xhht"
REVIEWER, PASSWORD = "duyet.qn", "mat-khau-duyet"
WORDS = {
    "vi": {
        "heading": "Nhập tệp",
        "button": "Chọn tệp",
        "limit": "Tối đa 20 MB mỗi tệp",
        "drop": "Thả tệp vào đây",
        "filter": "Lọc theo trạng thái",
        "draft": "Đang nhập (nháp)",
        "submitted": "Đã nộp, chờ duyệt",
        "typed": "Đ",  # in both states taken off
        "select_all": "Chọn tất cả",
        "matches": "Chọn mọi mục tìm thấy",
        "none": "Không tìm thấy",
        "refused": "Kho dữ liệu không thay đổi",
        "problems": "Lỗi và cách sửa",
        "valid": "Tệp hợp lệ",
        "change": "Tỷ lệ (%): đang có → mới",
    },
    "en": {
        "heading": "Import a file",
        "button": "Upload",
        "limit": "20 MB per file",
        "drop": "Drag and drop a file here",
        "filter": "Filter by state",
        "draft": "Draft",
        "submitted": "Submitted",
        "typed": "t",
        "select_all": "Select all",
        "matches": "Select all matches",
        "none": "No results",
        "refused": "The store has not changed",
        "problems": "Problem and how to fix it",
        "valid": "The file is valid",
        "change": "Rate (%): now → new",
    },
}
STREAMLITS_OWN = ("Upload", "20MB per file", "Drag and drop", "Select all", "No results")


LIMIT_SPAN = "[data-testid='stFileUploaderDropzoneInstructions'] > div > span"
SWAPPED = "s => { const e = document.querySelector(s); return !!e && getComputedStyle(e).display === 'none'; }"


@pytest.fixture(scope="module")
def server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # A province's reviewer, and a round open: its page filters the communes by state with a
    # multiselect (where Streamlit writes "Select all" and "No results").
    work = tmp_path_factory.mktemp("widget_texts")
    store = work / "store.duckdb"
    shutil.copy(demo_db, store)
    accounts = work / "accounts.toml"
    quick = hash_password(PASSWORD, iterations=1000)
    save_accounts(
        AccountsFile(account=[Account(name=REVIEWER, role="reviewer", unit="51", password=quick)]),
        accounts,
    )
    subprocess.run(
        [str(XHHT), "rounds", "open", "--province", "51", "--year", "2025", "--deadline",
         "2026-01-15", "--indicators", "gia_dinh", "--db", str(store)],
        check=True, capture_output=True,
    )  # fmt: skip
    with streamlit_server(store, XHHT_ACCOUNTS=str(accounts)) as url:
        yield url


def before_text(page, selector: str) -> str:  # noqa: ANN001
    """What an element's ::before shows (how dashboard/ui.py puts words into a widget)."""
    return page.locator(selector).first.evaluate(
        "e => getComputedStyle(e, '::before').content.replace(/^\"|\"$/g, '')"
    )


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_import_page_and_filters_read_in_the_interface_language(server: str, lang: str) -> None:
    from playwright.sync_api import sync_playwright

    words = WORDS[lang]
    query = "?lang=en" if lang == "en" else ""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for width in (1440, 390):
                page = browser.new_page(viewport={"width": width, "height": 1000})
                page.goto(f"{server}/import{query}")
                page.wait_for_selector(IDLE, timeout=60_000)
                page.get_by_role("heading", name=words["heading"]).wait_for(timeout=60_000)
                uploader = page.locator("[data-testid='stFileUploader']")
                # st.html's style can arrive a moment after the uploader (dashboard/ui.py).
                page.wait_for_function(SWAPPED, arg=LIMIT_SPAN, timeout=30_000)
                # The button is named by the swapped word (what a screen reader says too); the
                # size limit reads so; Streamlit's English words are not shown or read.
                button = uploader.get_by_role("button", name=words["button"], exact=True)
                button.wait_for(timeout=30_000)
                assert button.is_visible()
                snapshot = uploader.aria_snapshot()
                assert f"text: {words['limit']}" in snapshot, snapshot
                if lang == "vi":
                    assert not any(own in snapshot for own in STREAMLITS_OWN), snapshot
                    assert uploader.get_by_text("Upload", exact=True).is_hidden()
                    assert uploader.get_by_text("20MB per file").is_hidden()
                # While a file is dragged over it.
                page.dispatch_event(
                    "[data-testid='stFileUploaderDropzone']",
                    "dragenter",
                    {
                        "dataTransfer": page.evaluate_handle(
                            "() => { const d = new DataTransfer();"
                            " d.items.add(new File(['x'], 'a.csv')); return d; }"
                        )
                    },
                )
                overlay = "[data-testid='stFileUploaderDropzone'] > div:not([data-testid])"
                page.locator(overlay).wait_for(timeout=10_000)
                assert before_text(page, overlay) == words["drop"]
                assert page.locator(f"{overlay} > span").is_hidden()
                page.screenshot(
                    path=str(ARTIFACTS / f"nhap_du_lieu_{lang}_{width}.png"), full_page=True
                )
                page.dispatch_event("[data-testid='stFileUploaderDropzone']", "dragleave")

                # Duyệt báo cáo, signed in as the province's reviewer: the round's settings.
                page.goto(f"{server}/dang-nhap?next=/duyet-bao-cao")
                page.get_by_label("Tên đăng nhập").fill(REVIEWER)
                page.get_by_label("Mật khẩu").fill(PASSWORD)
                page.get_by_role("button", name="Đăng nhập").click()
                page.wait_for_url("**/duyet-bao-cao**", timeout=60_000)
                page.goto(f"{server}/duyet-bao-cao{query}")
                page.wait_for_selector(IDLE, timeout=60_000)
                picker = page.locator("[data-testid='stMultiSelect']").filter(
                    has=page.get_by_text(words["filter"], exact=True)
                )
                # Every state is shown at first: two are taken off, to be offered again
                # (Streamlit offers "Select all" from two options up).
                for state in (words["draft"], words["submitted"]):
                    picker.get_by_role("button", name=f"Remove {state}").click()
                    page.wait_for_selector(IDLE, timeout=60_000)
                field = picker.get_by_role("combobox")
                picker.get_by_role("button", name="Open", exact=True).click()  # with tags in it
                listbox = page.get_by_role("listbox")
                listbox.get_by_role("option", name=words["select_all"], exact=True).wait_for(
                    timeout=30_000
                )
                page.screenshot(path=str(ARTIFACTS / f"duyet_loc_{lang}_{width}.png"))
                if lang == "vi":
                    assert "Select all" not in listbox.aria_snapshot()
                field.fill(words["typed"])
                listbox.get_by_role("option", name=words["matches"], exact=True).wait_for(
                    timeout=30_000
                )
                field.fill("zzzz")
                empty = (
                    "[data-testid='stMultiSelectDropdown'] [data-empty='true'] > [role='option']"
                )
                page.locator(empty).wait_for(state="attached", timeout=30_000)
                assert before_text(page, empty) == words["none"]
                page.close()

            # A refused file and a valid one, at desktop width: the page's own words and the
            # tables' headers in the interface's language.
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(f"{server}/import{query}")
            page.wait_for_selector(IDLE, timeout=60_000)
            page.set_input_files(
                "[data-testid='stFileUploaderDropzoneInput']",
                str(DATA / "bad_recognized_over_total.xlsx"),
            )
            page.get_by_text(words["refused"]).first.wait_for(timeout=60_000)
            page.wait_for_selector(IDLE, timeout=60_000)
            problems = page.locator("[data-testid='stTable']").filter(has_text=words["problems"])
            assert problems.count() == 1
            page.screenshot(path=str(ARTIFACTS / f"nhap_du_lieu_loi_{lang}.png"), full_page=True)
            page.set_input_files(
                "[data-testid='stFileUploaderDropzoneInput']",
                str(DATA / "ok_change_dak_long_2025.csv"),
            )
            page.get_by_text(words["valid"]).first.wait_for(timeout=60_000)
            page.wait_for_selector(IDLE, timeout=60_000)
            grid = page.locator("[data-testid='stDataFrame']").filter(has_text=words["change"])
            grid.first.wait_for(state="attached", timeout=30_000)
            # The box of the chosen file is not the dragging overlay: it does not say "drop".
            snapshot = page.locator("[data-testid='stFileUploader']").aria_snapshot()
            assert "ok_change_dak_long_2025.csv" in snapshot and words["drop"] not in snapshot
            page.screenshot(path=str(ARTIFACTS / f"nhap_du_lieu_xem_{lang}.png"), full_page=True)
            page.close()
        finally:
            browser.close()
