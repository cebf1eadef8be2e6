"""Nhập dữ liệu and the compare page's filters in both languages, in a real Chromium: the page's
own words and Streamlit's words inside its widgets ("Upload", "Select all", …), which
dashboard/ui.py swaps by CSS, read in the interface's language, also to a screen reader."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, IDLE, ROOT, streamlit_server

DATA = ROOT / "tests" / "data" / "imports"
WORDS = {
    "vi": {
        "heading": "Nhập tệp",
        "button": "Chọn tệp",
        "limit": "Tối đa 20 MB mỗi tệp",
        "drop": "Thả tệp vào đây",
        "placeholder": "Tất cả",
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
        "placeholder": "All",
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
def server(demo_db: Path) -> Iterator[str]:
    with streamlit_server(demo_db) as url:
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

                page.goto(
                    f"{server}/compare{query}{'&' if query else '?'}loc=P51&ind=gia_dinh&year=2025"
                )
                page.wait_for_selector(IDLE, timeout=60_000)
                status = page.locator("[data-testid='stMultiSelect']").first
                field = status.get_by_role("combobox")
                assert field.get_attribute("placeholder") == words["placeholder"]
                field.click()
                listbox = page.get_by_role("listbox")
                listbox.get_by_role("option", name=words["select_all"], exact=True).wait_for(
                    timeout=30_000
                )
                page.screenshot(path=str(ARTIFACTS / f"so_sanh_loc_{lang}_{width}.png"))
                if lang == "vi":
                    assert "Select all" not in listbox.aria_snapshot()
                field.fill("o" if lang == "en" else "Đ")
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
