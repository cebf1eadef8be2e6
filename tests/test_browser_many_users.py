"""The dashboard while others write: a data officer imports from the command line and rolls back
while two app processes serve the same store file to a browser; the pages never show an
error, and show the new figures on the next page run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, IDLE, streamlit_server

ROOT = Path(__file__).resolve().parent.parent
XHHT = Path(sys.executable).parent / "xhht"
CHANGE = ROOT / "tests" / "data" / "imports" / "ok_change_dak_long_2025.csv"
NEW_RATE = "86,8%"  # 7.500 / 8.645 households recognised, the file's figure for xã Đăk Long 2025


def xhht(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(XHHT), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env={**os.environ, "XHHT_LOCK_WAIT": "5"},
        cwd=ROOT,
    )


@pytest.mark.usefixtures("operators")
@pytest.mark.browser
def test_cli_import_and_rollback_while_two_app_processes_serve(
    demo_db: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    store = tmp_path / "kho.duckdb"
    shutil.copy(demo_db, store)
    ARTIFACTS.mkdir(exist_ok=True)
    with streamlit_server(store) as one, streamlit_server(store) as two, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            pages = []
            for url in (one, two):
                page = browser.new_page(viewport={"width": 1440, "height": 1000})
                page.goto(f"{url}/profile?loc=X23368&year=2025&ind=gia_dinh")
                page.wait_for_selector(IDLE, timeout=60_000)
                page.get_by_text("Xã Đăk Long").first.wait_for(timeout=30_000)
                assert page.get_by_text(NEW_RATE).count() == 0
                pages.append(page)

            # The apps hold no lock between page runs: the import gets in at once.
            done = xhht("import", str(CHANGE), "--db", str(store), "--user", "can_bo_xa")
            assert done.returncode == 0, done.stderr
            batch = done.stdout.split("(lô ")[1].split(")")[0]
            for page in pages:
                page.reload()
                page.wait_for_selector(IDLE, timeout=60_000)
                page.get_by_text(NEW_RATE).first.wait_for(timeout=30_000)
                assert page.locator("[data-testid='stException']").count() == 0
                assert page.get_by_text("Không mở được kho dữ liệu").count() == 0
            pages[0].screenshot(path=str(ARTIFACTS / "many_users_after_import.png"), full_page=True)

            done = xhht("rollback", batch, "--db", str(store))
            assert done.returncode == 0, done.stderr
            for page in pages:
                page.reload()
                page.wait_for_selector(IDLE, timeout=60_000)
                page.get_by_text("Xã Đăk Long").first.wait_for(timeout=30_000)
                page.wait_for_timeout(300)
                assert page.get_by_text(NEW_RATE).count() == 0
                assert page.locator("[data-testid='stException']").count() == 0
        finally:
            browser.close()
