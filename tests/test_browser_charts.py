"""The charts as a person meets them in Chromium (dashboard/chart_view.py): drawn by the plotly.js
build that the dashboard serves itself, a chart below the screen drawn when it is
scrolled to, a click on So sánh xã's ranking (HTML bars) highlighting a commune, and the
toolbar's camera saving under the download's name."""

from __future__ import annotations

import pytest
from browser_support import ARTIFACTS, CHART, IDLE, module_browser, module_server  # noqa: F401 (fixtures)

DRAWN_COUNT = f"() => [...document.querySelectorAll(\"{CHART}\")].filter(c => c.querySelector('svg.main-svg')).length"


@pytest.mark.browser
def test_charts_below_the_screen_are_drawn_when_scrolled_to_with_the_dashboards_plotly(
    server: str,
    browser,  # noqa: ANN001
) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    try:
        page.goto(f"{server}/?loc=P51&year=2025&ind=gia_dinh")
        page.wait_for_selector(IDLE, timeout=60_000)
        charts = page.locator(CHART)  # the elements, there before the charts' code has run
        assert charts.count() == 3  # progress, statuses, map
        # The indicator cards fill the first screen: no chart is drawn yet, each keeps its room.
        page.wait_for_timeout(1500)
        assert page.evaluate(DRAWN_COUNT) == 0
        held = [charts.nth(i).bounding_box()["height"] for i in range(3)]
        assert all(h >= 300 for h in held), held
        for i in range(3):
            charts.nth(i).scroll_into_view_if_needed()
            charts.nth(i).locator("svg.main-svg").first.wait_for(timeout=30_000)
        assert page.evaluate(DRAWN_COUNT) == 3
        # Drawn in the room each held: nothing below a chart moved when it was drawn.
        assert [charts.nth(i).bounding_box()["height"] for i in range(3)] == held
        progress = charts.nth(0)
        assert "Gia đình học tập — Tỉnh Quảng Ngãi" in progress.locator(".gtitle").text_content()
        assert [t.text_content() for t in progress.locator(".xtick text").all()][:2] == [
            "2021",
            "2022",
        ]
        page.screenshot(path=str(ARTIFACTS / "bieu_do_khi_cuon_toi.png"))
    finally:
        context.close()
    plotly = [u for u in asked if "plotly" in u.lower()]
    # plotly.js once, from the dashboard; Streamlit's 4,7 MB chart element never.
    assert len(plotly) == 1 and plotly[0] == f"{server}/xhht-static/plotly-xhht-4.1.1.min.js"
    assert [u for u in asked if not u.startswith((server, "data:", "blob:"))] == []


@pytest.mark.browser
def test_a_bar_click_highlights_the_commune_and_picks_it_for_its_profile(
    server: str,
    browser,  # noqa: ANN001
) -> None:
    # So sánh xã's ranking is HTML bars (dashboard/ranking_view.py): no plotly.js is fetched for
    # it; a click on a row highlights that commune and puts its name on "Mở hồ sơ".
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    try:
        page.goto(f"{server}/compare?loc=P51&year=2025&ind=gia_dinh")
        page.wait_for_selector(IDLE, timeout=60_000)
        rows = page.locator("[data-testid='xhht-ranking'] li.row[data-id]")
        rows.first.wait_for(timeout=60_000)
        assert rows.count() == 30  # the 15 highest and the 15 lowest
        third = rows.nth(2)
        named = third.locator(".name").inner_text()
        value = third.locator(".val").evaluate("e => e.firstChild.textContent")  # as seen
        assert third.get_attribute("title").splitlines()[:2] == [named, value]  # its hover
        assert third.locator(".bar").bounding_box()["width"] > 100
        assert [u for u in asked if "plotly" in u.lower()] == []
        third.locator(".name").click()
        page.wait_for_url("**hl=X*", timeout=60_000)
        page.wait_for_selector(IDLE, timeout=60_000)
        page.locator("[data-testid='xhht-ranking'] li.hl").wait_for(timeout=30_000)
        marked = page.locator("[data-testid='xhht-ranking'] li.hl .name").inner_text()
        assert marked == f"▶ {named}"
        highlight = page.locator("[data-testid='stSelectbox']").filter(
            has=page.get_by_text("Đánh dấu một xã", exact=True)
        )
        shown = highlight.locator("input").input_value() or highlight.text_content() or ""
        assert named in shown, (named, shown)
        # The clicked commune is one step from its profile.
        page.get_by_role("button", name=f"Mở hồ sơ: {named}").wait_for(timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "so_sanh_xep_hang_html.png"))
    finally:
        page.close()


@pytest.mark.browser
def test_the_toolbars_camera_saves_under_the_downloads_name(
    server: str,
    browser,  # noqa: ANN001
) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(f"{server}/?loc=P51&year=2025&ind=gia_dinh")
        page.wait_for_selector(IDLE, timeout=60_000)
        chart = page.locator(CHART).first
        chart.scroll_into_view_if_needed()
        chart.locator("svg.main-svg").first.wait_for(timeout=30_000)
        chart.hover()
        with page.expect_download(timeout=60_000) as shot:
            chart.locator(".modebar-btn[data-title*='PNG' i]").click()
        assert shot.value.suggested_filename == "gia_dinh_Quang_Ngai_2025.png"
    finally:
        context.close()
