"""The password sign-in and sign-out pages, served beside the dashboard (dashboard/server.py):
a plain HTML form whose answer sets a signed, HttpOnly session cookie that every page reads.

Streamlit cannot set a cookie from a script run, and a sign-in kept in the session state is lost
on reload or when a link is opened; a cookie set here lasts `session_hours` (accounts file)."""

from __future__ import annotations

import html
import secrets
import threading
import time
from collections import deque
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from metrics import auth

CSRF_COOKIE = "xhht_signin_csrf"
FAILURES_ALLOWED = 5  # per account name and process, in FAILURE_WINDOW_S; then a pause
FAILURE_WINDOW_S = 15 * 60

_failures: dict[str, deque[float]] = {}
_failures_lock = threading.Lock()

TEXTS = {
    "vi": {
        "title": "Đăng nhập — Bảng theo dõi xã hội học tập",
        "heading": "Đăng nhập",
        "lead": "Đăng nhập để nhập và hoàn tác số liệu của tỉnh được giao.",
        "name": "Tên đăng nhập",
        "password": "Mật khẩu",
        "submit": "Đăng nhập",
        "back": "Quay lại bảng theo dõi",
        "wrong": "Tên đăng nhập hoặc mật khẩu không đúng.",
        "paused": "Đã sai mật khẩu nhiều lần; thử lại sau {minutes} phút.",
        "stale": "Trang đăng nhập đã cũ; nhập lại tên và mật khẩu.",
        "no_accounts": "Chưa có tài khoản nào. Quản trị viên tạo tài khoản bằng lệnh "
        "`xhht accounts add TÊN --province MÃ_TỈNH`.",
        "broken": "Không đọc được tệp tài khoản: {error}",
        "expiry": "Phiên đăng nhập kéo dài {hours} giờ; sau đó đăng nhập lại.",
    },
    "en": {
        "title": "Sign in — Learning society dashboard",
        "heading": "Sign in",
        "lead": "Sign in to import and roll back your provinces' figures.",
        "name": "User name",
        "password": "Password",
        "submit": "Sign in",
        "back": "Back to the dashboard",
        "wrong": "Wrong user name or password.",
        "paused": "Too many wrong passwords; try again in {minutes} minutes.",
        "stale": "The sign-in page had expired; enter your name and password again.",
        "no_accounts": "There are no accounts yet. An administrator creates them with "
        "`xhht accounts add NAME --province CODE`.",
        "broken": "The accounts file cannot be read: {error}",
        "expiry": "A sign-in lasts {hours} hours; then sign in again.",
    },
}


def safe_next(target: str | None) -> str:
    """Where to go after signing in or out: a path of this site only (never `//host` or
    `https://…`, which would make the sign-in page a springboard to another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _lang(request: Request) -> str:
    value = request.query_params.get("lang") or request.cookies.get("xhht_lang") or "vi"
    return value if value in TEXTS else "vi"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "") == "https"


def _page(request: Request, message: str = "", status: int = 200, name: str = "") -> Response:
    lang = _lang(request)
    tx = TEXTS[lang]
    token = secrets.token_urlsafe(24)
    nxt = safe_next(request.query_params.get("next"))
    try:
        accounts = auth.load_accounts()
        hours = (
            f"{accounts.session_hours:g}".replace(".", ",")
            if lang == "vi"
            else f"{accounts.session_hours:g}"
        )
        note = tx["expiry"].format(hours=hours) if accounts.account else tx["no_accounts"]
    except auth.AccountsError as exc:
        note = tx["broken"].format(error=str(exc))
    e = html.escape
    body = f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(tx["title"])}</title>
<style>
body {{ font-family: "Source Sans Pro", "DejaVu Sans", Arial, sans-serif; background: #f6f8fb;
       color: #1f2430; margin: 0; display: flex; min-height: 100vh; align-items: center;
       justify-content: center; }}
main {{ background: #fff; border: 1px solid #dde3ec; border-radius: 10px; padding: 2rem;
       width: min(26rem, 92vw); box-sizing: border-box; }}
h1 {{ font-size: 1.6rem; margin: 0 0 .5rem; }}
p {{ line-height: 1.45; }}
label {{ display: block; margin: 1rem 0 .3rem; font-weight: 600; }}
input {{ width: 100%; padding: .6rem; font-size: 1rem; border: 1px solid #b8c2d0;
        border-radius: 6px; box-sizing: border-box; }}
button {{ margin-top: 1.3rem; width: 100%; padding: .7rem; font-size: 1rem; border: 0;
         border-radius: 6px; background: #1f5fa8; color: #fff; cursor: pointer; }}
.error {{ background: #fdecea; color: #8a1c12; padding: .7rem; border-radius: 6px; }}
.note {{ color: #5a6475; font-size: .9rem; }}
</style></head>
<body><main>
<h1>{e(tx["heading"])}</h1>
<p>{e(tx["lead"])}</p>
{f'<p class="error" role="alert">{e(message)}</p>' if message else ""}
<form method="post" action="dang-nhap?next={e(quote(nxt, safe="/"))}&amp;lang={lang}">
<input type="hidden" name="csrf" value="{e(token)}">
<label for="name">{e(tx["name"])}</label>
<input id="name" name="name" autocomplete="username" required value="{e(name)}" autofocus>
<label for="password">{e(tx["password"])}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">{e(tx["submit"])}</button>
</form>
<p class="note">{e(note)}</p>
<p><a href="{e(nxt)}">{e(tx["back"])}</a></p>
</main></body></html>"""
    response = HTMLResponse(body, status_code=status)
    response.set_cookie(
        CSRF_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        path="/",
    )
    return response


def _paused_for(name: str) -> float:
    """Seconds until `name` may try again (0: now)."""
    now = time.monotonic()
    with _failures_lock:
        recent = _failures.get(name)
        if not recent:
            return 0.0
        while recent and now - recent[0] > FAILURE_WINDOW_S:
            recent.popleft()
        if len(recent) < FAILURES_ALLOWED:
            return 0.0
        return FAILURE_WINDOW_S - (now - recent[0])


def _failed(name: str) -> None:
    with _failures_lock:
        _failures.setdefault(name, deque(maxlen=FAILURES_ALLOWED)).append(time.monotonic())


async def sign_in(request: Request) -> Response:
    if request.method != "POST":
        return _page(request)
    tx = TEXTS[_lang(request)]
    form = await request.form()
    name = str(form.get("name", "")).strip()[:64]
    password = str(form.get("password", ""))[:1024]
    sent, kept = str(form.get("csrf", "")), request.cookies.get(CSRF_COOKIE, "")
    if not kept or not secrets.compare_digest(sent, kept):
        return _page(request, tx["stale"], status=400, name=name)
    paused = _paused_for(name)
    if paused > 0:
        return _page(request, tx["paused"].format(minutes=int(paused // 60) + 1), 429, name)
    try:
        accounts = auth.load_accounts()
    except auth.AccountsError as exc:
        return _page(request, tx["broken"].format(error=str(exc)), status=500, name=name)
    account = auth.authenticate(accounts, name, password)
    if account is None:
        _failed(name)
        return _page(request, tx["wrong"], status=401, name=name)
    response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    response.set_cookie(
        auth.SESSION_COOKIE,
        auth.issue_session(account, auth.session_secret()),
        max_age=int(accounts.session_hours * 3600),
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


async def sign_out(request: Request) -> Response:
    response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    response.delete_cookie(auth.SESSION_COOKIE, path="/")
    return response


ROUTES = [
    Route("/dang-nhap", sign_in, methods=["GET", "POST"]),
    Route("/dang-xuat", sign_out, methods=["GET", "POST"]),
]
