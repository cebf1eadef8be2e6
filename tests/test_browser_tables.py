"""The compare table in a real Chromium at 1440 px: the status and the share of plan are in
view without scrolling sideways, and sorting a column either way never brings up a unit
without figures (they are named below the table). The grid draws on a canvas; what it shows
is read from the hidden table it keeps for screen readers, which holds only the columns and
rows in view."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, IDLE, streamlit_server


@pytest.fixture(scope="module")
def server(demo_db: Path) -> Iterator[str]:
    with streamlit_server(demo_db) as url:
        yield url


def _first_rate(grid) -> str:  # noqa: ANN001
    """The rate cell of the first row in view (its raw value: the grid's a11y text)."""
    headers = [h.text_content() or "" for h in grid.locator("[role='columnheader']").all()]
    # A sorted column's header gains an arrow: "↑ Tỷ lệ 2025 (%)".
    col = next(i for i, h in enumerate(headers) if h.endswith("Tỷ lệ 2025 (%)"))
    return grid.locator("[role='row']").nth(1).locator("[role='gridcell']").nth(col).text_content()


@pytest.mark.browser
def test_compare_table_in_view_and_sorted_without_gaps(server: str) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(f"{server}/compare?loc=P51&ind=gia_dinh&year=2025")
            page.wait_for_selector(IDLE, timeout=60_000)
            grid = page.locator("[data-testid='stDataFrame']").filter(has_text="Đầu kỳ").first
            page.get_by_text("Không có trong bảng").first.scroll_into_view_if_needed()
            grid.wait_for(timeout=30_000)
            box = grid.bounding_box()
            assert box is not None and box["x"] + box["width"] <= 1440
            in_view = [h.text_content() for h in grid.locator("[role='columnheader']").all()]
            assert "Đánh giá tiến độ" in in_view and "Đạt % KH" in in_view
            assert "So với năm trước (điểm %)" not in in_view  # the details come after
            # Sort on the rate, ascending then descending: a rate heads the table both times.
            rates, arrows = [], []
            for _ in range(2):
                page.mouse.click(box["x"] + 235, box["y"] + 18)  # the "Tỷ lệ 2025 (%)" header
                page.wait_for_timeout(600)
                rates.append(_first_rate(grid))
                heads = grid.locator("[role='columnheader']").all_text_contents()
                arrows += [h for h in heads if h.endswith("Tỷ lệ 2025 (%)")]
            assert arrows == ["↑ Tỷ lệ 2025 (%)", "↓ Tỷ lệ 2025 (%)"], arrows
            grid.screenshot(path=str(ARTIFACTS / "so_sanh_bang_sap_xep.png"))
            assert all(r and r.strip() for r in rates), rates
            low, high = (float(r) for r in rates)
            assert low < high, rates  # really sorted, both ways
        finally:
            browser.close()
