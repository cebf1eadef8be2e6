"""Every page in a real Chromium: it renders, shows Vietnamese text and raises nothing.

Starts `streamlit run dashboard/app.py` on a free port against the session's demo store and
drives Debian's Chromium through Playwright (never `playwright install`). Screenshots go to
test-artifacts/ (git-ignored) for people to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, IDLE, streamlit_server

PAGES = [
    (
        "?loc=P51&year=2025",
        "tong_quan",
        ["Tổng quan tiến độ", "Gia đình học tập", "Dữ liệu minh họa"],
    ),
    (
        "compare?loc=P51&ind=gia_dinh&year=2025",
        "so_sanh",
        ["So sánh các xã", "Xếp hạng", "Dữ liệu minh họa"],
    ),
    (
        "profile?loc=X23368&year=2025",
        "ho_so_dak_long",
        ["Xã Đăk Long", "Mục tiêu phía trước", "Dữ liệu minh họa"],
    ),
    (
        "profile?loc=OH618&year=2023",
        "ho_so_ia_hdrai",
        ["Huyện Ia H'Drai", "Xếp loại", "87/QĐ-UBND"],  # real figures only: no demo mark
    ),
    ("method", "phuong_phap", ["Phương pháp tính", "Mục tiêu quốc gia", "Dữ liệu minh họa"]),
]


@pytest.fixture(scope="module")
def server(demo_db: Path) -> Iterator[str]:
    with streamlit_server(demo_db) as url:
        yield url


@pytest.mark.browser
def test_every_page_renders_in_chromium(server: str) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            # Offices run it without the internet: nothing a page shows may come from outside.
            outside: list[str] = []
            page.on(
                "request",
                lambda r: (
                    outside.append(r.url)
                    if not r.url.startswith((server, "data:", "blob:", "about:"))
                    else None
                ),
            )
            for path, name, texts in PAGES:
                page.goto(f"{server}/{path}")
                page.wait_for_selector(IDLE, timeout=60_000)
                page.wait_for_timeout(800)  # let plotly draw
                page.wait_for_selector(IDLE, timeout=60_000)
                for text in texts:
                    page.get_by_text(text).first.wait_for(
                        timeout=30_000
                    )  # visible, or fails naming the text
                assert page.locator("[data-testid='stException']").count() == 0, (
                    f"{name}: exception shown"
                )
                assert page.get_by_text("None", exact=True).count() == 0, (
                    f"{name}: a missing value shows as None"
                )
                assert page.get_by_text("Page not found").count() == 0, (
                    f"{name}: the URL path is not a page"
                )
                page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            assert outside == []

            # Drill down: from the ranking of Quảng Ngãi to the profile of xã Đăk Long.
            page.goto(f"{server}/compare?loc=P51&ind=gia_dinh&year=2025")
            page.wait_for_selector(IDLE, timeout=60_000)
            box = page.locator("[data-testid='stSelectbox']").filter(has_text="Đánh dấu một xã")
            box.locator("input").click()
            box.locator("input").fill("dak long")  # typed without tone marks, as officials do
            # The option reads "Đăk Long", its toneless form ("dak long") out of sight after it.
            page.get_by_role("option", name=re.compile(r"^Đăk Long(\s|$)")).first.click()
            page.wait_for_selector(IDLE, timeout=60_000)
            page.get_by_role("button", name="Mở hồ sơ: Đăk Long").click()
            page.wait_for_url("**/profile?*loc=X23368*", timeout=60_000)
            page.wait_for_selector(IDLE, timeout=60_000)
            page.get_by_text("Xã Đăk Long, tỉnh Quảng Ngãi").first.wait_for(timeout=30_000)
            assert page.locator("[data-testid='stException']").count() == 0
            page.screenshot(path=str(ARTIFACTS / "drill_down_dak_long.png"))

            # The language switch in the sidebar.
            page.get_by_text("English", exact=True).click()
            page.wait_for_url("**lang=en*", timeout=60_000)
            page.wait_for_selector(IDLE, timeout=60_000)
            page.get_by_role("heading", name="Locality profile").first.wait_for(timeout=30_000)
        finally:
            browser.close()


@pytest.mark.browser
def test_a_status_bar_opens_compare_filtered_to_that_status(server: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(f"{server}/?loc=P51&year=2025&ind=gia_dinh")
            page.wait_for_selector(IDLE, timeout=60_000)
            chart = page.locator(".st-key-chart-ov_status [data-testid='xhht-chart']")
            chart.scroll_into_view_if_needed()
            bars = chart.locator("g.point path")
            bars.first.wait_for(timeout=60_000)
            # Click the longest bar where a person would: plotly's drag layer lies over the bars.
            boxes = [bars.nth(i).bounding_box() for i in range(bars.count())]
            box = max((b for b in boxes if b), key=lambda b: b["width"])
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.wait_for_url("**/compare**", timeout=60_000)
            page.wait_for_selector(IDLE, timeout=60_000)
            # The status clicked is the one filter pill pressed.
            chosen = page.locator(".st-key-compare__status button[aria-pressed='true']")
            chosen.first.wait_for(timeout=30_000)
            assert chosen.count() == 1
            page.screenshot(path=str(ARTIFACTS / "tong_quan_den_so_sanh.png"))
        finally:
            browser.close()
