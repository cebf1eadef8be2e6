"""Text a file brought in is shown as text in a real Chromium: no image it names is fetched, no
link it writes is live, no Markdown, directive, LaTeX or HTML in it is drawn; the CSV download
of the targets ahead keeps its formula from running (tests/hostile_texts.py holds the texts)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, IDLE, streamlit_server
from hostile_texts import (
    DAK_LONG,
    FORMULA,
    SOURCE_2025,
    SOURCE_2027,
    SOURCE_LINK,
    TRAP,
    hostile_store,
    results_csv,
)

from metrics.escaping import WORD_JOINER, without_controls

# Every address an element links to or loads (SVG's xlink:href included) that names the evil host.
LINKS_TO_EVIL = """() => [...document.querySelectorAll('*')].flatMap(el =>
    [...el.attributes].filter(a => ['href', 'xlink:href', 'src', 'srcset', 'action']
        .includes(a.name) && a.value.includes('evil.example'))
        .map(a => `${el.tagName} ${a.name}=${a.value}`))"""


@pytest.fixture(scope="module")
def hostile(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_store(demo_db, tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def server(hostile: Path) -> Iterator[str]:
    with streamlit_server(hostile) as url:
        yield url


def _shown(text: str) -> str:
    """Text as a reader reads it: the invisible word joiners that keep URLs unlinked aside."""
    return text.replace(WORD_JOINER, "")


def _assert_nothing_acts(page, requests: list[str]) -> None:  # noqa: ANN001
    assert [u for u in requests if TRAP in u] == [], "an image named by imported text was fetched"
    assert page.evaluate(LINKS_TO_EVIL) == [], "imported text became a link"
    assert page.locator(".katex, [data-testid='stMarkdownContainer'] img").count() == 0


def _open_profile(page, server: str) -> None:  # noqa: ANN001
    page.goto(f"{server}/profile?loc={DAK_LONG}&year=2025&ind=gia_dinh")
    page.wait_for_selector(IDLE, timeout=60_000)
    page.get_by_text("Nguồn số liệu").first.wait_for(timeout=30_000)
    page.wait_for_timeout(800)  # let plotly draw
    page.wait_for_selector(IDLE, timeout=60_000)


@pytest.mark.browser
def test_profile_shows_imported_sources_as_typed(server: str) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            _open_profile(page, server)
            # Help tooltips read Markdown too: open each one beside the targets.
            tips = []
            icons = page.locator(
                "[data-testid='stTooltipIcon'] [data-testid='stTooltipHoverTarget']"
            )
            for i in range(icons.count()):
                icons.nth(i).hover()
                tip = page.locator("[data-testid='stTooltipContent']").last
                tip.wait_for(timeout=10_000)
                page.wait_for_timeout(200)
                tips.append(_shown(tip.inner_text()))
            _assert_nothing_acts(page, requests)

            page.get_by_text("**đậm**").first.wait_for(timeout=10_000)  # as typed, not bold
            # The sources list: each imported source word for word.
            items = [
                _shown(t)
                for t in page.locator("[data-testid='stMarkdownContainer'] li").all_inner_texts()
            ]
            assert any(t.startswith(f"{SOURCE_2025} — 2025") for t in items), items
            assert any(t.startswith(f"{SOURCE_LINK} — 2025") for t in items), items
            assert FORMULA in tips, tips
            # The targets ahead, an HTML table the page writes: the sources cell by cell as
            # typed, nothing of them an element.
            cells = [_shown(c) for c in page.locator(".xhht-table td").all_inner_texts()]
            assert FORMULA in cells and without_controls(SOURCE_2027).strip() in cells, cells
            assert page.locator(".xhht-table td *").count() == 0
            # The chart's source line: Plotly draws the <a href> and <b> of it as text.
            chart_texts = page.evaluate(
                "() => [...document.querySelectorAll('svg text')].map(t => t.textContent)"
            )
            assert f"Nguồn: {SOURCE_2025}" in chart_texts

            page.get_by_text("Nguồn số liệu").first.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "ho_so_nguon_nhap_vao.png"))
        finally:
            browser.close()


@pytest.mark.browser
def test_profile_targets_csv_keeps_formulas_from_running(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
            _open_profile(page, server)
            with page.expect_download(timeout=60_000) as info:
                page.locator(".st-key-profile__ahead_csv button").click()
            path = tmp_path / "ahead.csv"
            info.value.save_as(path)
        finally:
            browser.close()
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    row_2030 = next(
        r for r in rows if r["Chỉ tiêu"] == "Gia đình học tập" and r["Năm mục tiêu"] == "2030"
    )
    # The formula is text that cannot run; the numbers stay numbers, negative ones too.
    assert row_2030["Nguồn mục tiêu"] == "'" + FORMULA
    assert float(row_2030["Mục tiêu (%)"]) == 95.0
    numeric = ["Mục tiêu (%)", "Còn thiếu (điểm %)", "Dự báo so với mục tiêu (điểm %)"]
    values = [float(r[c]) for r in rows for c in numeric if r[c]]  # no apostrophe in front
    assert any(v < 0 for v in values), values  # a negative number is written as a number
    assert not any(v.startswith(("=", "+", "@", "\t", "\r")) for r in rows for v in r.values())


@pytest.mark.browser
def test_import_page_shows_file_and_sheet_names_as_text(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    # A file name cannot hold "/", so the link is a mailto: and the image a relative address.
    name = "**đậm** [Bấm vào đây](mailto:a@evil.example) ![t](trap.png) $x$.csv"
    upload = results_csv(tmp_path / name)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(f"{server}/import")
            page.wait_for_selector(IDLE, timeout=60_000)
            page.set_input_files("[data-testid='stFileUploaderDropzoneInput']", str(upload))
            page.get_by_text("Tệp hợp lệ").first.wait_for(timeout=60_000)
            page.wait_for_selector(IDLE, timeout=60_000)
            # The file's name stands for its sheet in the message, as typed.
            message = _shown(
                page.locator("[data-testid='stAlertContentSuccess']").first.inner_text()
            )
            assert f"(trang “{name}”)" in message, message
            assert [u for u in requests if "trap.png" in u] == []
            _assert_nothing_acts(page, requests)
        finally:
            browser.close()
