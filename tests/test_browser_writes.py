"""Feedback while writing, in a real Chromium: an import or a rollback says it is running and how
it went; its button is disabled while it runs and a double press writes once; a page opened
meanwhile says that a write is under way. The write is held up by another process holding the
store's write lock (a DuckDB file admits one writer), as a slow import or a busy store would."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from browser_support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, IDLE, streamlit_server
from test_browser_import_export import DATA, sign_in

from metrics.auth import Account, AccountsFile, hash_password, save_accounts
from metrics.store import connect

WRITING = "Đang ghi vào kho"
UNDER_WAY = "Đang có một lần ghi vào kho"


@pytest.fixture()
def app(demo_db: Path, tmp_path: Path):
    store = tmp_path / "store.duckdb"
    shutil.copy(demo_db, store)
    accounts = tmp_path / "accounts.toml"
    save_accounts(
        AccountsFile(
            account=[
                Account(
                    name="canbo.qn",
                    display_name="Cán bộ Quảng Ngãi",
                    role="editor",
                    provinces=["51"],
                    password=hash_password("mat-khau-qn", iterations=1000),
                )
            ]
        ),
        accounts,
    )
    with streamlit_server(store, XHHT_ACCOUNTS=str(accounts), XHHT_LOCK_WAIT="120") as url:
        yield url, store


def _batches(store: Path) -> list[tuple[int, str, str]]:
    con = connect(store, read_only=True)
    try:
        return con.execute("SELECT id, kind, status FROM batches ORDER BY id").fetchall()
    finally:
        con.close()


@pytest.mark.browser
def test_an_import_and_a_rollback_say_they_run_and_write_once(app) -> None:  # noqa: ANN001
    from playwright.sync_api import sync_playwright

    url, store = app
    before = _batches(store)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(f"{url}/import")
            page.wait_for_selector(IDLE, timeout=60_000)
            sign_in(page)
            page.set_input_files(
                "[data-testid='stFileUploaderDropzoneInput']",
                str(DATA / "ok_change_dak_long_2025.csv"),
            )
            write = page.get_by_role("button", name="Ghi").filter(has_text="vào kho")
            write.wait_for(timeout=60_000)
            page.wait_for_selector(IDLE, timeout=60_000)

            holder = duckdb.connect(str(store))  # another writer holds the store
            try:
                write.dblclick()  # pressed twice, as a hurried hand does
                page.get_by_text(WRITING).first.wait_for(timeout=30_000)
                assert write.is_disabled()
                page.screenshot(path=str(ARTIFACTS / "ghi_dang_chay.png"))
                # Meanwhile, another reader opens the overview: it says a write is under way.
                other = browser.new_page(viewport={"width": 390, "height": 900})
                other.goto(f"{url}/?loc=P51&year=2025")
                other.get_by_text(UNDER_WAY).first.wait_for(timeout=60_000)
                other.screenshot(path=str(ARTIFACTS / "ghi_trang_khac_390.png"))
                english = browser.new_page(viewport={"width": 1440, "height": 900})
                english.goto(f"{url}/?loc=P51&year=2025&lang=en")
                english.get_by_text("A write to the store is under way").first.wait_for(
                    timeout=60_000
                )
                english.close()
            finally:
                holder.close()
            page.get_by_text("Đã nhập lô").first.wait_for(timeout=120_000)
            page.wait_for_selector(IDLE, timeout=60_000)
            page.screenshot(path=str(ARTIFACTS / "ghi_xong.png"))
            after = _batches(store)
            new = [b for b in after if b not in before]
            assert [(kind, status) for _, kind, status in new] == [("import", "active")]
            batch = new[0][0]
            # Once written, the other page no longer says a write is under way.
            other.reload()
            other.wait_for_selector(IDLE, timeout=60_000)
            other.get_by_role("heading", name="Tổng quan tiến độ").first.wait_for(timeout=60_000)
            assert other.get_by_text(UNDER_WAY).count() == 0
            other.close()

            # Rolled back: asked, confirmed with a double press while the store is held.
            page.get_by_role("button", name="Hoàn tác…", exact=True).click()
            page.wait_for_selector(IDLE, timeout=60_000)
            yes = page.get_by_role("button", name="Xác nhận hoàn tác")
            yes.wait_for(timeout=30_000)
            holder = duckdb.connect(str(store))
            try:
                yes.dblclick()
                page.get_by_text(f"Đang hoàn tác lô {batch}").first.wait_for(timeout=30_000)
                assert yes.is_disabled()
                page.screenshot(path=str(ARTIFACTS / "hoan_tac_dang_chay.png"))
            finally:
                holder.close()
            page.get_by_text(f"Đã hoàn tác lô {batch}").first.wait_for(timeout=120_000)
            page.wait_for_selector(IDLE, timeout=60_000)
            assert page.get_by_text("Không hoàn tác được").count() == 0
            rolled = dict((i, s) for i, _, s in _batches(store))
            assert rolled[batch] == "rolled_back"
            assert len(_batches(store)) == len(after)
        finally:
            browser.close()
