"""Names as people type them, in a real Chromium: the pickers find a province or commune typed
without tone marks, in any case, đ typed as d; say "no result" in the page's language; a search
for an old name two former units shared offers both; a former unit's page names and opens the
commune it became part of; the picker holding a former commune calls it one."""

from __future__ import annotations

import pytest
from browser_support import ARTIFACTS, IDLE, module_browser, module_server

from metrics.name_lookup import TYPED_FORM_GAP

__all__ = ["module_browser", "module_server"]

NO_RESULT = "[data-testid='stSelectboxVirtualDropdown'] [data-empty='true'] > [role='option']"


def _open(browser, url: str, width: int = 1440):  # noqa: ANN001, ANN202
    page = browser.new_page(viewport={"width": width, "height": 1000})
    page.goto(url)
    page.wait_for_selector(IDLE, timeout=60_000)
    return page


def _typed(page, label: str, typed: str) -> list[str]:  # noqa: ANN001
    """What the picker labelled `label` lists once `typed` is typed into it, as a reader sees it."""
    box = page.locator("[data-testid='stSelectbox']").filter(has_text=label).first
    box.locator("input").click()
    box.locator("input").fill(typed)
    page.wait_for_timeout(300)
    texts = page.locator("[data-testid='stSelectboxVirtualDropdown'] [role='option']").all()
    return [o.inner_text().split(TYPED_FORM_GAP)[0].strip() for o in texts]


def _no_result_words(page) -> str:  # noqa: ANN001
    return page.locator(NO_RESULT).first.evaluate(
        "e => getComputedStyle(e, '::before').content.replace(/^\"|\"$/g, '')"
    )


@pytest.mark.browser
@pytest.mark.parametrize(
    ("lang", "province", "commune", "none"),
    [
        ("vi", "Tỉnh, thành phố", "Xã, phường", "Không tìm thấy"),
        ("en", "Province", "Commune", "No results"),
    ],
)
def test_the_pickers_find_names_typed_without_marks(
    server: str,
    browser,
    lang: str,
    province: str,
    commune: str,
    none: str,  # noqa: ANN001
) -> None:
    page = _open(browser, f"{server}/profile?loc=P51&year=2025&lang={lang}")
    try:
        assert _typed(page, province, "quang ngai")[0] == "Quảng Ngãi"
        page.keyboard.press("Escape")
        assert _typed(page, commune, "DAK LONG")[0] == "Xã Đăk Long"
        assert _typed(page, commune, "dak pxi")[0] == "Xã Đăk Pxi"
        assert _typed(page, commune, "zzqq") == [""]
        assert _no_result_words(page) == none
        # What the box shows once a commune is picked: the name alone, the typed form unseen.
        _typed(page, commune, "dak long")
        page.keyboard.press("Enter")
        page.wait_for_selector(IDLE, timeout=60_000)
        page.get_by_role("heading", name="Xã Đăk Long").first.wait_for(timeout=30_000)
        box = page.locator("[data-testid='stSelectbox']").filter(has_text=commune).first
        shown = box.locator("input").evaluate(
            "e => { const c = document.createElement('canvas').getContext('2d');"
            " c.font = getComputedStyle(e).font; return [c.measureText(e.value).width,"
            " c.measureText(e.value.split('\\u2003')[0]).width, e.clientWidth]; }"
        )
        assert shown[1] < shown[2] < shown[0]  # the name fits; the folded form lies past the edge
        page.screenshot(path=str(ARTIFACTS / f"names_picker_{lang}.png"))
    finally:
        page.close()


@pytest.mark.browser
def test_an_old_name_two_units_shared_offers_both_and_leads_to_todays_commune(
    server: str,
    browser,  # noqa: ANN001
) -> None:
    page = _open(browser, f"{server}/profile?loc=P51&year=2025")
    try:
        search = page.get_by_label("Tìm địa bàn theo tên hoặc mã")
        search.fill("dak long")
        search.press("Enter")
        page.wait_for_selector(IDLE, timeout=60_000)
        page.get_by_role("heading", name="Xã Đăk Long, tỉnh Quảng Ngãi").wait_for(timeout=30_000)
        page.get_by_text("Trước 7/2025 còn 2 đơn vị cũ mang tên “dak long”").wait_for()
        ha = page.get_by_role("button", name="Xã Đăk Long (cũ), huyện Đăk Hà")
        glei = page.get_by_role("button", name="Xã Đăk Long (cũ), huyện Đắk Glei")
        ha.wait_for(timeout=30_000)  # drawn after the sentence that announces them
        glei.wait_for(timeout=30_000)
        page.wait_for_selector(IDLE, timeout=60_000)
        assert ha.count() == 1 and glei.count() == 1
        page.screenshot(path=str(ARTIFACTS / "names_two_old_dak_long.png"))

        ha.click()
        page.wait_for_selector(IDLE, timeout=60_000)
        page.get_by_role("heading", name="Xã Đăk Long, huyện Đăk Hà (trước 7/2025)").wait_for()
        # The third picker names what it holds: a former commune, not a former district.
        assert (
            page.locator("[data-testid='stSelectbox']")
            .filter(has_text="Xã cũ (trước 7/2025)")
            .count()
            == 1
        )
        assert page.locator("[data-testid='stSelectbox']").filter(has_text="Huyện cũ").count() == 0
        page.get_by_text("Xã Đăk Long là đơn vị trước 7/2025; nay thuộc:").wait_for()
        page.screenshot(path=str(ARTIFACTS / "names_old_dak_long.png"))

        page.get_by_role("button", name="Xã Đăk Pxi").click()
        page.wait_for_selector(IDLE, timeout=60_000)
        page.get_by_role("heading", name="Xã Đăk Pxi, tỉnh Quảng Ngãi").wait_for(timeout=30_000)
        assert "loc=X23504" in page.url
    finally:
        page.close()


@pytest.mark.browser
def test_english_buttons_for_old_namesakes_mark_them_former(server: str, browser) -> None:  # noqa: ANN001
    page = _open(browser, f"{server}/profile?loc=P51&year=2025&lang=en")
    try:
        search = page.get_by_label("Search by name or code")
        search.fill("dak long")
        search.press("Enter")
        page.wait_for_selector(IDLE, timeout=60_000)
        ha = page.get_by_role(
            "button", name="Xã Đăk Long (former), huyện Đăk Hà, tỉnh Kon Tum (former) — 23504"
        )
        ha.wait_for(timeout=30_000)
        page.wait_for_selector(IDLE, timeout=60_000)
        assert page.get_by_role("button", name="(cũ)").count() == 0
        ha.click()
        page.wait_for_selector(IDLE, timeout=60_000)
        page.get_by_role("heading", name="Xã Đăk Long, Huyện Đăk Hà (before 7/2025)").wait_for()
        picker = page.locator("[data-testid='stSelectbox']").filter(has_text="Former commune")
        shown = picker.locator("input").input_value() or picker.inner_text()
        assert shown.startswith("Xã Đăk Long (former), huyện Đăk Hà"), shown
        assert "cũ" not in page.locator("[data-testid='stMain']").inner_text()
        page.screenshot(path=str(ARTIFACTS / "names_old_dak_long_en.png"))
    finally:
        page.close()


@pytest.mark.browser
def test_a_search_that_finds_nothing_says_so_in_english(server: str, browser) -> None:  # noqa: ANN001
    page = _open(browser, f"{server}/profile?loc=P51&year=2025&lang=en")
    try:
        search = page.get_by_label("Search by name or code")
        search.fill("zzqq")
        search.press("Enter")
        page.wait_for_selector(IDLE, timeout=60_000)
        page.get_by_text("No place named “zzqq” was found").wait_for(timeout=30_000)
        assert page.get_by_text("Không tìm thấy").count() == 0
    finally:
        page.close()
