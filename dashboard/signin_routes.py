"""The password sign-in and sign-out pages, served beside the dashboard (dashboard/server.py):
a plain HTML form whose answer sets an HttpOnly cookie holding an opaque session id that every
page and file request looks up in the shared sign-in state (metrics/signin_state.py); signing
out ends that session on the server, for every process.

Streamlit cannot set a cookie from a script run, and a sign-in kept in the session state is lost
on reload or when a link is opened; a cookie set here lasts `session_hours` (accounts file).
Wrong passwords are counted in the shared state, per name and per client address, and logged
(logger `xhht.signin`); metrics.auth.signin_wait says how long an attempt waits."""

from __future__ import annotations

import html
import logging
import secrets
from urllib.parse import quote

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from metrics import auth
from metrics.signin_state import SigninStateError

CSRF_COOKIE = "xhht_signin_csrf"
FORM_SALT = "xhht-signin-form"  # the form tokens' own namespace under the service's key
FORM_MAX_AGE_S = 3600

log = logging.getLogger("xhht.signin")
if not log.handlers:  # Streamlit configures only its own loggers: say it on the server's output
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(_handler)
    log.setLevel(logging.INFO)
    log.propagate = False

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
        "slow": "Đã sai mật khẩu nhiều lần; đợi {seconds} giây rồi thử lại.",
        "state": "Không kiểm tra được đăng nhập lúc này: {error}",
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
        "slow": "Too many wrong passwords; wait {seconds} seconds, then try again.",
        "state": "Sign-in cannot be checked just now: {error}",
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


def _forms() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(auth.session_secret(), salt=FORM_SALT)


def form_token(nonce: str, nxt: str) -> str:
    """The hidden field of one sign-in form: signed, naming this form (the page, where it leads
    next) and the browser's nonce cookie, so a token is good for the form it came with only."""
    return _forms().dumps({"form": "dang-nhap", "next": nxt, "nonce": nonce})


def form_token_holds(token: str, nonce: str, nxt: str) -> bool:
    try:
        data = _forms().loads(token, max_age=FORM_MAX_AGE_S)
    except BadSignature:  # also too old
        return False
    return (
        isinstance(data, dict)
        and data.get("form") == "dang-nhap"
        and data.get("next") == nxt
        and bool(nonce)
        and secrets.compare_digest(str(data.get("nonce", "")), nonce)
    )


def client_address(request: Request) -> str:
    # uvicorn gives the address a trusted proxy forwarded (X-Forwarded-For from the addresses in
    # $FORWARDED_ALLOW_IPS, 127.0.0.1 by default), else the peer's own.
    return request.client.host if request.client else "?"


def _page(request: Request, message: str = "", status: int = 200, name: str = "") -> Response:
    lang = _lang(request)
    tx = TEXTS[lang]
    nonce = secrets.token_urlsafe(24)
    nxt = safe_next(request.query_params.get("next"))
    token = form_token(nonce, nxt)
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
        nonce,
        max_age=FORM_MAX_AGE_S,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        path="/",
    )
    return response


def _wait_message(tx: dict[str, str], wait: auth.Wait) -> str:
    if wait.why == "slow":
        return tx["slow"].format(seconds=int(wait.seconds) + 1)
    return tx["paused"].format(minutes=int(wait.seconds // 60) + 1)


async def sign_in(request: Request) -> Response:
    if request.method != "POST":
        return _page(request)
    tx = TEXTS[_lang(request)]
    form = await request.form()
    name = str(form.get("name", "")).strip()[:64]
    password = str(form.get("password", ""))[:1024]
    nxt = safe_next(request.query_params.get("next"))
    sent, nonce = str(form.get("csrf", "")), request.cookies.get(CSRF_COOKIE, "")
    if not form_token_holds(sent, nonce, nxt):
        return _page(request, tx["stale"], status=400, name=name)
    address = client_address(request)
    try:
        accounts = auth.load_accounts()
    except auth.AccountsError as exc:
        return _page(request, tx["broken"].format(error=str(exc)), status=500, name=name)
    try:
        state = auth.signin_state()
        wait = auth.signin_wait(state, name, address)
        if wait.seconds > 0:
            log.warning(
                "Từ chối đăng nhập “%s” từ %s: chờ thêm %.0f giây (%s).",
                name,
                address,
                wait.seconds,
                {"slow": "chậm lại", "name": "tên bị đoán", "address": "địa chỉ đoán nhiều tên"}[
                    wait.why
                ],
            )
            return _page(request, _wait_message(tx, wait), 429, name)
        account = auth.authenticate(accounts, name, password)
        if account is None:
            state.record_failure(name, address)
            log.warning("Sai tên hoặc mật khẩu cho “%s” từ %s.", name, address)
            return _page(request, tx["wrong"], status=401, name=name)
        state.record_success(name, address)
        session = auth.issue_session(account, state)
    except SigninStateError as exc:
        log.error("Trạng thái đăng nhập: %s", exc)
        return _page(request, tx["state"].format(error=str(exc)), status=503, name=name)
    log.info("Đăng nhập “%s” từ %s.", name, address)
    response = RedirectResponse(nxt, status_code=303)
    response.set_cookie(
        auth.SESSION_COOKIE,
        session,
        max_age=int(accounts.session_hours * 3600),
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


async def sign_out(request: Request) -> Response:
    """End the session on the server (every process then refuses its id), then forget the cookie."""
    token = request.cookies.get(auth.SESSION_COOKIE)
    if token:
        try:
            auth.end_session(token, auth.signin_state())
        except SigninStateError as exc:
            log.error("Không kết thúc được phiên đăng nhập: %s", exc)
            tx = TEXTS[_lang(request)]
            return _page(request, tx["state"].format(error=str(exc)), status=503)
    response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    response.delete_cookie(auth.SESSION_COOKIE, path="/")
    return response


ROUTES = [
    Route("/dang-nhap", sign_in, methods=["GET", "POST"]),
    Route("/dang-xuat", sign_out, methods=["GET", "POST"]),
]
