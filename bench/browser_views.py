"""What a person waits for in a real browser: each page's first view (fresh visits, median) beside
a bare Streamlit page measured in the same run, and a change of province, indicator or year on a
page already open.

A view is done when the script has finished (the app's `data-test-script-state` is notRunning),
no element on the screen is still a placeholder (Streamlit draws a skeleton while an element's
code — the data grid's 1,6 MB — is being loaded), every chart on the screen has drawn its SVG,
every data grid on the screen its canvas, and the browser has painted a frame after that. The clock
starts with the navigation (or the click) and stops there. Charts further down are drawn as they
are scrolled near (dashboard/chart_view.py): a second figure per page scrolls to each of them
at once and stops when the last one and every table are drawn, so what that costs is printed
too. Debian's Chromium through Playwright, on the loopback."""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench.app_server import CHART, CHROMIUM, CHROMIUM_ARGS, IDLE, app_servers

FIRST_VIEW_MARGIN_MS = 300  # a page's first view: at most this much after a bare page's
CHANGE_BUDGET_MS = 300  # a change of province on an open page
VISITS = 5
BARE_PAGE = """import streamlit as st

st.set_page_config(layout="wide")
st.title("Trang trống")
st.write("Một trang Streamlit không có gì khác: thước đo cho các trang của bảng điều khiển.")
"""


def _views(province_id: str) -> dict[str, str]:
    return {
        "Tổng quan — toàn quốc": "?loc=VN&year=2025",
        f"Tổng quan — {province_id}": f"?loc={province_id}&year=2025",
        "So sánh xã": f"compare?loc={province_id}&ind=gia_dinh&year=2025",
        "Hồ sơ địa bàn — xã Đăk Long": "profile?loc=X23368&year=2025",
        # A province's Hồ sơ: its register of recognitions (hundreds of units), what lapses and
        # its former units, the longest lists of any page.
        "Hồ sơ địa bàn — tỉnh Quảng Ngãi": "profile?loc=P51&year=2025",
        "Phương pháp": "method",
    }


# Charts and tables are loaded on demand: until their code has arrived, Streamlit shows a
# skeleton in their place, and the script has long finished. Checking only the script state
# and the charts present (as this bench first did) stopped the clock before any chart existed.
_CHARTS = f'[...document.querySelectorAll("{CHART}")]'
_ON_SCREEN = (
    "(c => { const r = c.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; })"
)
# A placeholder for an element drawn when scrolled near (dashboard/near_view.py) is not drawn.
_WAITING = (
    """[...document.querySelectorAll('[data-testid="stSkeleton"], [data-testid="xhht-near"]')]"""
)
_DRAWN = f"""() => !{_WAITING}.some({_ON_SCREEN})
    && {_CHARTS}.filter({_ON_SCREEN}).every(c => c.querySelector('svg.main-svg'))
    && [...document.querySelectorAll('[data-testid="stDataFrame"]')]
        .filter(t => t.checkVisibility()).filter({_ON_SCREEN})
        .every(t => t.querySelector("canvas"))"""
_ALL_DRAWN = f"""() => {_WAITING}.length === 0
    && {_CHARTS}.every(c => c.querySelector('svg.main-svg'))
    && [...document.querySelectorAll('[data-testid="stDataFrame"]')]
        .every(t => !t.checkVisibility() || t.querySelector("canvas"))"""
# Scroll to the next chart or placeholder not drawn yet; true when every one is drawn.
_SCROLL_ON = f"""() => {{
    const todo = [...{_CHARTS}.filter(c => !c.querySelector('svg.main-svg')),
        ...document.querySelectorAll('[data-testid="xhht-near"]')];
    if (todo.length) todo[0].scrollIntoView({{block: "center"}});
    return todo.length === 0;
}}"""
# Two animation frames: the browser has painted what the checks saw.
_PAINTED = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def _done(page) -> None:  # noqa: ANN001
    page.wait_for_selector(IDLE, timeout=120_000)
    page.wait_for_function(_DRAWN, timeout=120_000, polling=20)
    page.evaluate(_PAINTED)


def _first_view_ms(browser, url: str, whole_page: bool = False) -> float:  # noqa: ANN001
    """From the navigation to the first view drawn; with `whole_page`, on until every chart
    of the page is drawn, scrolling to each in turn."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        t0 = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.wait_for_selector("[data-testid='stApp']", timeout=120_000)
        _done(page)
        if whole_page:
            page.wait_for_function(_SCROLL_ON, timeout=120_000, polling=20)
            page.wait_for_function(_ALL_DRAWN, timeout=120_000, polling=20)
            page.evaluate(_PAINTED)
        return (time.perf_counter() - t0) * 1000
    finally:
        context.close()


def _change_ms(browser, url: str, label: str, to_name: str, to_param: str) -> float:  # noqa: ANN001
    """Pick `to_name` in the selectbox labelled `label` on an open page: from the click on the
    option until the new view is drawn."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        page.goto(url)
        _done(page)
        box = (
            page.locator("[data-testid='stSelectbox']")
            .filter(has=page.get_by_text(label, exact=True))
            .first
        )
        box.locator("input").click()
        box.locator("input").fill(to_name)
        # An option reads its name, its toneless form ("ha noi") out of sight after it.
        option = page.get_by_role("option", name=re.compile(rf"^{re.escape(to_name)}(\s|$)")).first
        option.wait_for(timeout=30_000)
        # A picker further down (the indicator's) is scrolled to first: the charts that come
        # near are drawn then, as a person sees them before picking, not inside the change.
        _done(page)
        t0 = time.perf_counter()
        option.click()
        # The run writes the new choice into the address while it runs; then it must finish.
        page.wait_for_url(f"**{to_param}**", timeout=120_000)
        _done(page)
        return (time.perf_counter() - t0) * 1000
    finally:
        context.close()


# On an open Tổng quan of the country: (what changes, selectbox label, option, its URL parameter).
CHANGES = [
    ("đổi tỉnh", "Địa bàn", "Hà Nội", "loc=P01"),
    ("đổi chỉ tiêu", "Chỉ tiêu để vẽ", "Dòng họ học tập", "ind=dong_ho"),
    ("đổi năm", "Năm", "2024", "year=2024"),
]


def bench_browser_views(db: Path, province_id: str) -> Iterator[tuple[str, str, str, bool | None]]:
    """Rows for bench's table: the bare page, each view with its margin over the bare page, and
    a change of province, of indicator and of year on an open page."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="xhht-bare-") as tmp:
        bare_script = Path(tmp) / "bare.py"
        bare_script.write_text(BARE_PAGE, encoding="utf-8")
        with (
            app_servers(db) as ours,
            app_servers(db, script=bare_script) as bare,
            sync_playwright() as pw,
        ):
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                _first_view_ms(browser, bare[0].url)  # warm both servers and the browser
                for path in _views(province_id).values():
                    _first_view_ms(browser, f"{ours[0].url}/{path}")
                bare_ms = statistics.median(
                    _first_view_ms(browser, bare[0].url) for _ in range(VISITS)
                )
                yield ("browser: trang Streamlit trống", f"{bare_ms:.0f} ms", "–", None)
                for name, path in _views(province_id).items():
                    ms = statistics.median(
                        _first_view_ms(browser, f"{ours[0].url}/{path}") for _ in range(VISITS)
                    )
                    extra = ms - bare_ms
                    yield (
                        f"browser: {name}",
                        f"{ms:.0f} ms ({extra:+.0f})",
                        f"+{FIRST_VIEW_MARGIN_MS} ms",
                        extra <= FIRST_VIEW_MARGIN_MS,
                    )
                    whole = statistics.median(
                        _first_view_ms(browser, f"{ours[0].url}/{path}", whole_page=True)
                        for _ in range(VISITS)
                    )
                    yield ("browser:   … cuộn tới mọi biểu đồ", f"{whole:.0f} ms", "–", None)
                for what, label, to_name, to_param in CHANGES:
                    change = statistics.median(
                        _change_ms(
                            browser,
                            f"{ours[0].url}/?loc=VN&year=2025&ind=gia_dinh",
                            label,
                            to_name,
                            to_param,
                        )
                        for _ in range(VISITS)
                    )
                    yield (
                        f"browser: {what} trên Tổng quan",
                        f"{change:.0f} ms",
                        f"< {CHANGE_BUDGET_MS} ms",
                        change < CHANGE_BUDGET_MS,
                    )
            finally:
                browser.close()
