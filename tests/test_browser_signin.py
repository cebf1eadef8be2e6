"""Sign-in in a real Chromium against the real server (dashboard/server.py): when the accounts
file says viewing needs a sign-in, no page, chart or download reaches an anonymous visitor; a
password sign-in lasts through reloads and opened links until it expires or the person signs
out; and sign-in through an OpenID Connect provider (a real one, on 127.0.0.1) gives the role
and provinces its claims say."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from browser_support import ARTIFACTS, CHART, CHROMIUM, CHROMIUM_ARGS, IDLE, streamlit_server

from bench.app_server import free_port
from metrics.auth import Account, AccountsFile, hash_password, save_accounts
from metrics.escaping import WORD_JOINER

PAGES = ("", "compare", "profile", "export", "import", "method")
GATE = "Cần đăng nhập"


def _accounts(tmp_path: Path, **settings: object) -> Path:
    path = tmp_path / "accounts.toml"
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
            ],
            **settings,  # type: ignore[arg-type]
        ),
        path,
    )
    return path


@pytest.fixture()
def store(demo_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "store.duckdb"
    shutil.copy(demo_db, path)
    return path


def _settle(page) -> None:  # noqa: ANN001
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_timeout(300)


def _sign_in(page, password: str = "mat-khau-qn") -> None:  # noqa: ANN001
    page.get_by_label("Tên đăng nhập").fill("canbo.qn")
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def _form_token(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html[:400]
    return found.group(1)


def _signed_in_as(page) -> str:  # noqa: ANN001
    # A name is shown as text: an invisible word joiner keeps "@" from making a mail link.
    return " ".join(page.get_by_test_id("stSidebar").all_inner_texts()).replace(WORD_JOINER, "")


@pytest.mark.browser
def test_nothing_is_shown_before_sign_in_then_the_sign_in_lasts(
    store: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    accounts = _accounts(tmp_path, require_login_to_view=True)
    with streamlit_server(store, XHHT_ACCOUNTS=str(accounts)) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1440, "height": 900})
            page = context.new_page()
            for path in PAGES:
                page.goto(f"{url}/{path}?loc=P51&year=2025")
                _settle(page)
                assert page.get_by_role("heading", name=GATE).count() == 1, path
                assert page.locator(CHART).count() == 0, path
                assert page.get_by_test_id("stDownloadButton").count() == 0, path
                assert page.get_by_test_id("stDataFrame").count() == 0, path
                assert "Quảng Ngãi" not in page.get_by_test_id("stMain").inner_text(), path
            page.screenshot(path=str(ARTIFACTS / "dang_nhap_can_thiet.png"))

            page.goto(f"{url}/compare?loc=P51&year=2025")
            _settle(page)
            page.get_by_role("link", name="Đăng nhập").click()
            page.wait_for_url("**/dang-nhap**")
            _sign_in(page, "sai-mat-khau")
            assert (
                page.get_by_role("alert").inner_text() == "Tên đăng nhập hoặc mật khẩu không đúng."
            )
            _sign_in(page)
            page.wait_for_url("**/compare**", timeout=30_000)
            _settle(page)
            assert page.get_by_role("heading", name=GATE).count() == 0
            assert "So sánh các xã — Quảng Ngãi" in page.get_by_test_id("stMain").inner_text()
            assert "Đã đăng nhập: Cán bộ Quảng Ngãi (biên tập viên)" in _signed_in_as(page)

            page.reload()
            _settle(page)
            assert "Đã đăng nhập: Cán bộ Quảng Ngãi" in _signed_in_as(page)
            other = context.new_page()  # a link opened in a new tab
            other.goto(f"{url}/profile?loc=P51&year=2025")
            _settle(other)
            assert other.get_by_role("heading", name=GATE).count() == 0
            assert "Đã đăng nhập: Cán bộ Quảng Ngãi" in _signed_in_as(other)
            other.close()

            page.get_by_role("link", name="Đăng xuất").click()
            page.wait_for_url("**/compare**", timeout=30_000)
            _settle(page)
            assert page.get_by_role("heading", name=GATE).count() == 1
            cookies = {c["name"] for c in page.context.cookies()}
            assert "xhht_session" not in cookies
        finally:
            browser.close()


@pytest.mark.browser
def test_a_sign_in_ends_when_its_time_is_up(store: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    accounts = _accounts(
        tmp_path, require_login_to_view=True, session_hours=0.01
    )  # 36 s: long enough to see it hold on a busy machine
    with streamlit_server(store, XHHT_ACCOUNTS=str(accounts)) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{url}/dang-nhap?next=/method")
            assert "kéo dài 0,01 giờ" in page.inner_text("body")
            _sign_in(page)
            page.wait_for_url("**/method**", timeout=30_000)
            _settle(page)
            assert page.get_by_role("heading", name=GATE).count() == 0
            expires = next(
                c["expires"] for c in page.context.cookies() if c["name"] == "xhht_session"
            )
            time.sleep(max(0.0, expires - time.time()) + 1)
            page.reload()  # the cookie is past its max-age (and the token past its own, see test_auth)
            _settle(page)
            assert page.get_by_role("heading", name=GATE).count() == 1
        finally:
            browser.close()


@pytest.mark.browser
def test_the_sign_in_page_refuses_foreign_redirects_stale_forms_and_guessing(
    store: Path, tmp_path: Path
) -> None:
    accounts = _accounts(tmp_path)
    with streamlit_server(store, XHHT_ACCOUNTS=str(accounts)) as url:
        with httpx.Client(base_url=url, follow_redirects=False) as client:
            page = client.get("/dang-nhap", params={"next": "https://evil.example/"})
            assert page.status_code == 200
            csrf = _form_token(page.text)
            done = client.post(
                "/dang-nhap?next=" + quote("https://evil.example/"),
                data={"name": "canbo.qn", "password": "mat-khau-qn", "csrf": csrf},
            )
            assert done.status_code == 303
            assert done.headers["location"] == "/"  # never another site
            assert "HttpOnly" in done.headers["set-cookie"]
            assert "SameSite=lax" in done.headers["set-cookie"]

        with httpx.Client(base_url=url) as client:  # a form posted without the page's token
            stale = client.post("/dang-nhap", data={"name": "canbo.qn", "password": "mat-khau-qn"})
            assert stale.status_code == 400
            assert "xhht_session" not in client.cookies

        with httpx.Client(base_url=url) as client:
            form = client.get("/dang-nhap").text

            def attempt(password: str) -> httpx.Response:
                # Each answer is a fresh form with a fresh token, as the browser would post.
                nonlocal form
                csrf = _form_token(form)
                # From an address canbo.qn never signed in from (the sign-in above was from
                # 127.0.0.1, where its owner is only slowed down: tests/test_access_http.py).
                answer = client.post(
                    "/dang-nhap",
                    data={"name": "canbo.qn", "password": password, "csrf": csrf},
                    headers={"X-Forwarded-For": "10.9.0.1"},
                )
                form = answer.text
                return answer

            codes = [attempt(f"sai-{i}").status_code for i in range(6)]
            assert codes == [401] * 5 + [429]
            right = attempt("mat-khau-qn")
            assert right.status_code == 429  # the right password waits out the pause too
            assert "thử lại sau 15 phút" in right.text


@pytest.mark.browser
def test_sign_in_through_an_openid_connect_provider(store: Path, tmp_path: Path) -> None:
    """oidc-provider-mock is a real OpenID provider (discovery, authorization form, signed ID
    tokens) on the loopback; the browser signs in through its form as a person would."""
    from oidc_provider_mock import run_server_in_thread
    from playwright.sync_api import sync_playwright

    accounts = _accounts(tmp_path)
    port = free_port()
    with run_server_in_thread() as provider:
        issuer = f"http://localhost:{provider.server_port}"
        claims = {
            "email": "nguyen.an@quangngai.gov.vn",
            "name": "Nguyễn An",
            "xhht_role": "editor",
            "xhht_provinces": ["51"],
        }
        put = httpx.put(f"{issuer}/users/{quote('nguyen.an')}", json=claims)
        assert put.status_code == 204
        httpx.put(f"{issuer}/users/{quote('khach')}", json={"email": "khach@example.vn"})
        env = {
            "XHHT_ACCOUNTS": str(accounts),
            "XHHT_OIDC_METADATA_URL": f"{issuer}/.well-known/openid-configuration",
            "XHHT_OIDC_CLIENT_ID": "xhht-dashboard",
            "XHHT_OIDC_CLIENT_SECRET": "bi-mat-cua-ung-dung",
            "XHHT_PUBLIC_URL": f"http://127.0.0.1:{port}",
        }
        with streamlit_server(store, port=port, **env) as url, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                page.goto(f"{url}/import")
                _settle(page)
                page.get_by_role("button", name="Đăng nhập qua cổng định danh").first.click()
                page.get_by_placeholder("sub").first.wait_for(timeout=60_000)
                assert page.url.startswith(issuer)
                page.get_by_placeholder("sub").first.fill("nguyen.an")
                page.get_by_role("button", name="Authorize").click()
                page.wait_for_url(f"{url}/**", timeout=60_000)
                _settle(page)
                assert "Đã đăng nhập: Nguyễn An (biên tập viên)" in _signed_in_as(page)
                page.goto(f"{url}/import")
                _settle(page)
                main = page.get_by_test_id("stMain").inner_text()
                assert "Đăng nhập để ghi dữ liệu" not in main
                assert "chỉ được xem" not in main
                page.screenshot(path=str(ARTIFACTS / "dang_nhap_oidc.png"))

                page.get_by_role("button", name="Đăng xuất").click()
                # Streamlit ends the provider's session too; the provider asks to confirm.
                page.get_by_role("button", name="End session").click(timeout=60_000)
                page.wait_for_url(f"{url}/**", timeout=60_000)
                page.goto(f"{url}/import")
                _settle(page)
                assert "Đăng nhập để ghi dữ liệu" in page.get_by_test_id("stMain").inner_text()

                # Someone the provider knows but gives no role: a viewer, who may not write.
                page.get_by_role("button", name="Đăng nhập qua cổng định danh").first.click()
                page.get_by_placeholder("sub").first.wait_for(timeout=60_000)
                page.get_by_placeholder("sub").first.fill("khach")
                page.get_by_role("button", name="Authorize").click()
                page.wait_for_url(f"{url}/**", timeout=60_000)
                _settle(page)
                assert "Đã đăng nhập: khach@example.vn (người xem)" in _signed_in_as(page)
                page.goto(f"{url}/import")
                _settle(page)
                assert "chỉ được xem" in page.get_by_test_id("stMain").inner_text()
            finally:
                browser.close()
