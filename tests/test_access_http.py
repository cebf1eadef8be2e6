"""Access as a visitor without a browser tries it, against two real dashboard processes on one
store and one accounts file that says viewing needs a sign-in: raw HTTP requests and a raw
Streamlit WebSocket client (tests/stream_client.py). Files, deferred downloads and metrics reach
only a valid sign-in; signing out ends the session on every process; wrong passwords are
counted across processes, per name and per address; unknown paths get the app or a clear
"not found"."""

from __future__ import annotations

import base64
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from browser_support import ARTIFACTS
from stream_client import StreamClient

from bench.app_server import AppServer, app_servers
from metrics.auth import Account, AccountsFile, hash_password, save_accounts

# A busy two-core machine (CI runs the suite two files at a time) can take seconds to answer a
# sign-in; httpx gives up after 5 s by default. This checks answers, not speed.
HTTP_TIMEOUT = 60.0

PASSWORD = "mat-khau-qn"
GATE = "Cần đăng nhập"


def _account(name: str, password: str = PASSWORD) -> Account:
    return Account(
        name=name,
        display_name=name,
        role="editor",
        provinces=["51"],
        password=hash_password(password, iterations=1000),
    )


@pytest.fixture(scope="module")
def accounts_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("accounts") / "accounts.toml"
    names = ["canbo.qn", "chu.tk", "chu.tk2", "nguoi.a", "nguoi.b", "nguoi.c", "csrf.qn"]
    save_accounts(
        AccountsFile(require_login_to_view=True, account=[_account(n) for n in names]), path
    )
    return path


@pytest.fixture(scope="module")
def servers(
    demo_db: Path, accounts_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[AppServer]]:
    store = tmp_path_factory.mktemp("store") / "store.duckdb"
    shutil.copy(demo_db, store)
    logs = ARTIFACTS / "app-logs"
    logs.mkdir(parents=True, exist_ok=True)
    with app_servers(
        store,
        count=2,
        log_dir=Path(tmp_path_factory.mktemp("logs", numbered=True)),
        env_extra={"XHHT_ACCOUNTS": str(accounts_file)},
    ) as pair:
        yield pair


def _form(client: httpx.Client, nxt: str = "/") -> str:
    """The sign-in page's form token, as a browser would post it back."""
    page = client.get("/dang-nhap", params={"next": nxt})
    assert page.status_code == 200
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


def _attempt(
    client: httpx.Client, name: str, password: str, address: str | None = None
) -> httpx.Response:
    token = _form(client)
    headers = {"X-Forwarded-For": address} if address else {}
    return client.post(
        "/dang-nhap",
        data={"name": name, "password": password, "csrf": token},
        headers=headers,
        follow_redirects=False,
    )


def _sign_in(url: str, name: str = "canbo.qn", address: str | None = None) -> str:
    with httpx.Client(base_url=url, timeout=HTTP_TIMEOUT) as client:
        done = _attempt(client, name, PASSWORD, address)
        assert done.status_code == 303, done.text
        return done.cookies["xhht_session"]


def test_files_and_deferred_downloads_reach_only_a_signed_in_session(
    servers: list[AppServer],
) -> None:
    url = servers[0].url
    cookie = {"xhht_session": _sign_in(url)}
    with StreamClient(url, cookie) as mine, StreamClient(url) as stranger:
        profile = mine.run_page("profile", "loc=P51&year=2025")
        assert GATE not in profile.texts
        assert profile.deferred_ids, "the profile page offers its tables as downloads"

        # An anonymous session sees the sign-in screen, and gets nothing for another's id.
        seen = stranger.run_page("profile", "loc=P51&year=2025")
        assert GATE in seen.texts and not seen.deferred_ids
        for file_id in profile.deferred_ids:
            got, refusal = stranger.deferred_file(file_id)
            assert (got, refusal) == ("", "Cần đăng nhập / Sign-in required")

        # The session that was given the button gets its file; the file itself answers only
        # a request carrying a valid sign-in.
        csv_url, refusal = mine.deferred_file(profile.deferred_ids[0])
        assert refusal == "" and csv_url.startswith("/media/")
        assert httpx.get(url + csv_url, timeout=HTTP_TIMEOUT).status_code == 403
        mine_csv = httpx.get(url + csv_url, cookies=cookie, timeout=HTTP_TIMEOUT)
        assert mine_csv.status_code == 200 and mine_csv.content
        assert "no-store" in mine_csv.headers["cache-control"]
        wrong = httpx.get(url + csv_url, cookies={"xhht_session": "x" * 43}, timeout=HTTP_TIMEOUT)
        assert wrong.status_code == 403
        # The other process shares the sign-in, not the file.
        assert (
            httpx.get(servers[1].url + csv_url, cookies=cookie, timeout=HTTP_TIMEOUT).status_code
            == 404
        )

        export = mine.run_page("export", "loc=P51&year=2025")
        assert len(export.deferred_ids) == 4  # deck, workbook, draft, the whole pack
        for file_id in export.deferred_ids:
            assert stranger.deferred_file(file_id) == ("", "Cần đăng nhập / Sign-in required")
        # The workbook (the second button) needs no Chromium: made for its own session.
        workbooks = [mine.deferred_file(export.deferred_ids[1])]
        xlsx = next(u for u, _ in workbooks if u.endswith(".xlsx"))
        assert httpx.get(url + xlsx, timeout=HTTP_TIMEOUT).status_code == 403
        body = httpx.get(url + xlsx, cookies=cookie, timeout=HTTP_TIMEOUT).content
        assert body[:2] == b"PK" and len(body) > 10_000

        # Signed out: the same cookie opens nothing, and the open page's session gets no file.
        assert httpx.get(url + "/dang-xuat", cookies=cookie, timeout=HTTP_TIMEOUT).status_code in (
            200,
            303,
        )
        assert httpx.get(url + xlsx, cookies=cookie, timeout=HTTP_TIMEOUT).status_code == 403
        got, refusal = mine.deferred_file(export.deferred_ids[0])
        assert got == "" and refusal == "Cần đăng nhập / Sign-in required"
        assert GATE in mine.run_page("export", "loc=P51&year=2025").texts


def test_signing_out_on_one_process_ends_the_session_on_the_other(
    servers: list[AppServer],
) -> None:
    first, second = (s.url for s in servers)
    token = _sign_in(first, "nguoi.a")
    cookie = {"xhht_session": token}
    # The cookie is an opaque id: neither the name nor a password digest can be read from it.
    assert "nguoi" not in token
    padded = token + "=" * (-len(token) % 4)
    assert b"nguoi" not in base64.urlsafe_b64decode(padded)
    assert (
        httpx.get(second + "/_stcore/metrics", cookies=cookie, timeout=HTTP_TIMEOUT).status_code
        == 200
    )
    with StreamClient(second, cookie) as page:
        assert GATE not in page.run_page("method").texts
        out = httpx.get(
            first + "/dang-xuat", cookies=cookie, follow_redirects=False, timeout=HTTP_TIMEOUT
        )
        assert out.status_code == 303
        assert 'xhht_session=""' in out.headers["set-cookie"]
        # The page open on the other process shows the sign-in screen on its next run.
        assert GATE in page.run_page("method").texts
    assert (
        httpx.get(second + "/_stcore/metrics", cookies=cookie, timeout=HTTP_TIMEOUT).status_code
        == 403
    )
    # A second sign-in is a new session; the ended one stays ended.
    again = _sign_in(second, "nguoi.a")
    assert again != token
    assert (
        httpx.get(
            first + "/_stcore/metrics", cookies={"xhht_session": again}, timeout=HTTP_TIMEOUT
        ).status_code
        == 200
    )
    assert (
        httpx.get(first + "/_stcore/metrics", cookies=cookie, timeout=HTTP_TIMEOUT).status_code
        == 403
    )


def test_a_new_password_or_a_removed_account_ends_its_sessions_everywhere(
    servers: list[AppServer], accounts_file: Path
) -> None:
    from metrics.auth import load_accounts

    first, second = (s.url for s in servers)
    cookie = {"xhht_session": _sign_in(first, "nguoi.b")}
    assert (
        httpx.get(second + "/_stcore/metrics", cookies=cookie, timeout=HTTP_TIMEOUT).status_code
        == 200
    )
    before = load_accounts(accounts_file)
    try:
        renewed = [
            a.model_copy(update={"password": hash_password("mat-khau-moi", iterations=1000)})
            if a.name == "nguoi.b"
            else a
            for a in before.account
        ]
        save_accounts(before.model_copy(update={"account": renewed}), accounts_file)
        for url in (first, second):
            assert (
                httpx.get(
                    url + "/_stcore/metrics", cookies=cookie, timeout=HTTP_TIMEOUT
                ).status_code
                == 403
            )
        save_accounts(before, accounts_file)  # the old password back: the session stays ended
        for url in (first, second):
            assert (
                httpx.get(
                    url + "/_stcore/metrics", cookies=cookie, timeout=HTTP_TIMEOUT
                ).status_code
                == 403
            )
    finally:
        save_accounts(before, accounts_file)


def test_wrong_passwords_are_counted_across_processes_per_name(
    servers: list[AppServer],
) -> None:
    urls = [s.url for s in servers]
    clients = [httpx.Client(base_url=u, timeout=HTTP_TIMEOUT) for u in urls]
    try:
        # Five wrong passwords, spread over both processes, from an address the owner never
        # signed in from: the sixth attempt pauses there, on either process.
        codes = [_attempt(clients[i % 2], "canbo.qn", f"sai-{i}", "10.1.0.5") for i in range(5)]
        assert [c.status_code for c in codes] == [401] * 5
        for client in clients:
            paused = _attempt(client, "canbo.qn", PASSWORD, "10.1.0.5")
            assert paused.status_code == 429
            assert "Đã sai mật khẩu nhiều lần; thử lại sau 15 phút." in paused.text
        log = servers[0].log_tail(20_000) + servers[1].log_tail(20_000)
        assert "Sai tên hoặc mật khẩu cho “canbo.qn” từ 10.1.0.5." in log
        assert "Từ chối đăng nhập “canbo.qn” từ 10.1.0.5" in log
    finally:
        for client in clients:
            client.close()


def test_guessing_from_elsewhere_never_locks_the_owner_out_of_a_known_address(
    servers: list[AppServer],
) -> None:
    first, second = (s.url for s in servers)
    _sign_in(first, "chu.tk", address="10.2.0.7")  # the owner's office
    with httpx.Client(base_url=second, timeout=HTTP_TIMEOUT) as attacker:
        codes = [
            _attempt(attacker, "chu.tk", f"doan-{i}", "10.2.0.66").status_code for i in range(7)
        ]
        assert codes == [401] * 5 + [429] * 2
        # The right password from the guessing address waits out the pause too.
        assert _attempt(attacker, "chu.tk", PASSWORD, "10.2.0.66").status_code == 429
    with httpx.Client(base_url=first, timeout=HTTP_TIMEOUT) as owner:
        assert _attempt(owner, "chu.tk", PASSWORD, "10.2.0.7").status_code == 303


def test_the_owner_mistyping_at_a_known_address_is_slowed_down_not_shut_out(
    servers: list[AppServer],
) -> None:
    url = servers[0].url
    _sign_in(url, "chu.tk2", address="10.3.0.7")
    with httpx.Client(base_url=url, timeout=HTTP_TIMEOUT) as owner:
        codes = [
            _attempt(owner, "chu.tk2", f"go-nham-{i}", "10.3.0.7").status_code for i in range(5)
        ]
        assert codes == [401] * 5
        slowed = _attempt(owner, "chu.tk2", PASSWORD, "10.3.0.7")
        assert slowed.status_code == 429
        assert re.search(r"đợi \d+ giây rồi thử lại", slowed.text)
        wait = int(re.search(r"đợi (\d+) giây", slowed.text).group(1))  # type: ignore[union-attr]
        assert wait <= 2
        time.sleep(wait + 0.5)
        assert _attempt(owner, "chu.tk2", PASSWORD, "10.3.0.7").status_code == 303


def test_an_address_guessing_many_names_is_paused(servers: list[AppServer]) -> None:
    url = servers[1].url
    with httpx.Client(base_url=url, timeout=HTTP_TIMEOUT) as sprayer:
        codes = [
            _attempt(sprayer, f"ten-{i}", "mat-khau-doan", "10.4.0.9").status_code
            for i in range(20)
        ]
        assert codes == [401] * 20
        paused = _attempt(sprayer, "canbo.qn", PASSWORD, "10.4.0.9")
        assert paused.status_code == 429
    # Another address is not held back by it.
    assert _sign_in(url, "nguoi.c", address="10.4.0.10")


def test_a_sign_in_form_token_is_good_for_its_own_form_only(servers: list[AppServer]) -> None:
    url = servers[0].url
    with httpx.Client(base_url=url, timeout=HTTP_TIMEOUT) as client:
        token = _form(client, "/method")
        nonce = client.cookies["xhht_signin_csrf"]
        data = {"name": "csrf.qn", "password": PASSWORD}

        # Posted with another form's destination: refused.
        moved = client.post("/dang-nhap?next=/export", data={**data, "csrf": token})
        assert moved.status_code == 400
        assert "Trang đăng nhập đã cũ" in moved.text
        # The cookie's nonce posted back as the token (the old double-submit): refused.
        client.cookies.set("xhht_signin_csrf", nonce)
        echoed = client.post("/dang-nhap?next=/method", data={**data, "csrf": nonce})
        assert echoed.status_code == 400
        # A token from another browser's form (another nonce): refused.
        with httpx.Client(base_url=url, timeout=HTTP_TIMEOUT) as other:
            foreign = _form(other, "/method")
        client.cookies.set("xhht_signin_csrf", nonce)
        stolen = client.post("/dang-nhap?next=/method", data={**data, "csrf": foreign})
        assert stolen.status_code == 400
        assert "xhht_session" not in client.cookies
        # Its own form: signed in.
        client.cookies.set("xhht_signin_csrf", nonce)
        done = client.post(
            "/dang-nhap?next=/method", data={**data, "csrf": token}, follow_redirects=False
        )
        assert done.status_code == 303 and done.headers["location"] == "/method"


def test_metrics_and_files_are_closed_without_a_sign_in(servers: list[AppServer]) -> None:
    url = servers[0].url
    for path in ("/_stcore/metrics", "/media/abc.csv", "/app/static/x.csv"):
        answer = httpx.get(url + path, timeout=HTTP_TIMEOUT)
        assert answer.status_code == 403, path
        assert answer.text == "Cần đăng nhập / Sign-in required"
    assert (
        httpx.get(url + "/_stcore/health", timeout=HTTP_TIMEOUT).text == "ok"
    )  # what a load balancer asks stays open
    cookie = {"xhht_session": _sign_in(url)}
    metrics = httpx.get(url + "/_stcore/metrics", cookies=cookie, timeout=HTTP_TIMEOUT)
    assert metrics.status_code == 200


@pytest.mark.parametrize("path", ["/profile/x", "/compare/x", "/method/a/b", "/khong-co/trang"])
def test_an_unknown_path_below_a_page_is_a_clear_not_found(
    servers: list[AppServer], path: str
) -> None:
    url = servers[0].url
    page = httpx.get(url + path, timeout=HTTP_TIMEOUT)
    assert page.status_code == 404
    assert "<h1>Không tìm thấy trang</h1>" in page.text
    assert f"Địa chỉ {path} không phải một trang của bảng theo dõi." in page.text
    assert '<a href="/">Về trang Tổng quan</a>' in page.text
    assert "<script" not in page.text
    english = httpx.get(url + path, params={"lang": "en"}, timeout=HTTP_TIMEOUT)
    assert "<h1>Page not found</h1>" in english.text
    # The scripts a browser would have asked for there are not found, never HTML.
    script = httpx.get(url + path.rsplit("/", 1)[0] + "/static/js/index.js", timeout=HTTP_TIMEOUT)
    assert script.status_code == 404 and "html" not in script.headers["content-type"]


def test_an_unknown_page_gets_the_app_whose_scripts_load(servers: list[AppServer]) -> None:
    url = servers[0].url
    shell = httpx.get(url + "/khong-co-trang", timeout=HTTP_TIMEOUT)
    assert shell.status_code == 200 and "text/html" in shell.headers["content-type"]
    scripts = re.findall(r'src="\./(static/js/[^"]+\.js)"', shell.text)
    assert scripts
    for src in scripts:
        answer = httpx.get(f"{url}/{src}", timeout=HTTP_TIMEOUT)
        assert answer.status_code == 200
        assert "javascript" in answer.headers["content-type"]
