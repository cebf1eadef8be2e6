"""What the web server lets through besides the pages themselves (dashboard/access.py gates
those): when the accounts file says viewing needs a sign-in, every file the app serves (the
`/media/…` files pages and downloads make, app static files, uploads) and Streamlit's metrics
and agent API answer only a request carrying a valid sign-in; a deferred download (a button
whose file is made when clicked) is made only for the session that was given the button, while
that session's sign-in holds. And a path no page has gets a clear "not found", never the app's
shell at a depth where its scripts cannot load (they would come back as that same HTML)."""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Mapping
from typing import Any

from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.responses import HTMLResponse, PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from metrics import auth
from metrics.signin_state import SigninStateError

log = logging.getLogger("xhht.signin")

# Paths whose answers carry the store's data, or say who uses the service: closed to a request
# without a valid sign-in when viewing needs one. (Streamlit's own code and styles, the page
# shell, the health check and the sign-in pages stay open: the sign-in screen needs them.)
GATED_PREFIXES = (
    "/media/",
    "/app/static/",
    "/_stcore/upload_file/",
    "/_stcore/metrics",
    "/_stcore/agent/",
)

NOT_FOUND = {
    "vi": (
        "Không tìm thấy trang",
        "Địa chỉ {path} không phải một trang của bảng theo dõi.",
        "Về trang Tổng quan",
    ),
    "en": (
        "Page not found",
        "{path} is not a page of this dashboard.",
        "Go to the overview",
    ),
}


def viewing_needs_sign_in() -> bool:
    """True when the accounts file asks for it, and when it cannot be read (it may have)."""
    try:
        return auth.load_accounts().require_login_to_view
    except auth.AccountsError:
        return True


def signed_in(cookies: Mapping[str, str]) -> bool:
    """Whether these cookies carry a sign-in that holds now: a password session not ended, of
    an account that still has the same password, or the identity provider's signed cookie."""
    try:
        accounts = auth.load_accounts()
        token = cookies.get(auth.SESSION_COOKIE)
        if token and auth.read_session(token, accounts, auth.signin_state()) is not None:
            return True
    except (auth.AccountsError, SigninStateError) as exc:
        log.error("Không kiểm tra được đăng nhập: %s", exc)
        return False
    return _identity_provider_signed_in(cookies)


def _identity_provider_signed_in(cookies: Mapping[str, str]) -> bool:
    try:
        from streamlit.web.server.starlette.starlette_server_config import USER_COOKIE_NAME
        from streamlit.web.server.starlette.starlette_websocket import (
            _get_signed_cookie_with_chunks,
        )

        raw = _get_signed_cookie_with_chunks(dict(cookies), USER_COOKIE_NAME)
        if not raw:
            return False
        return bool(json.loads(raw).get("is_logged_in"))
    except Exception:  # noqa: BLE001 — no identity provider configured, or a forged cookie
        return False


def _lang(conn: HTTPConnection) -> str:
    value = conn.query_params.get("lang") or conn.cookies.get("xhht_lang") or "vi"
    return value if value in NOT_FOUND else "vi"


def not_found_page(path: str, lang: str) -> HTMLResponse:
    title, text, back = NOT_FOUND[lang]
    e = html.escape
    body = f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<style>body {{ font-family: "Source Sans Pro", "DejaVu Sans", Arial, sans-serif; margin: 3rem auto;
max-width: 40rem; padding: 0 1rem; color: #1f2430; }} a {{ color: #1f5fa8; }}</style>
</head><body><main>
<h1>{e(title)}</h1>
<p>{e(text.format(path=path[:200]))}</p>
<p><a href="/{"?lang=en" if lang == "en" else ""}">{e(back)}</a></p>
</main></body></html>"""
    return HTMLResponse(body, status_code=404, headers={"Cache-Control": "no-cache"})


class Guard:
    """ASGI middleware in front of Streamlit's own (dashboard/server.py)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        if path.startswith(GATED_PREFIXES) and viewing_needs_sign_in():
            conn = HTTPConnection(scope)
            if not signed_in(conn.cookies):
                log.info("Từ chối %s %s: chưa đăng nhập.", scope.get("method"), path)
                refusal = PlainTextResponse(
                    "Cần đăng nhập / Sign-in required", status_code=403, headers=_NO_STORE
                )
                await refusal(scope, receive, send)
                return
            await self.app(scope, receive, _no_store(send))
            return
        if (
            scope.get("method") in ("GET", "HEAD")
            and path.strip("/").count("/") >= 1
            and not path.startswith(_OWN_HTML)
        ):
            await self.app(scope, receive, _shell_as_not_found(scope, receive, send))
            return
        await self.app(scope, receive, send)


_NO_STORE = {"Cache-Control": "private, no-store"}
# Streamlit's own places below the first level that may answer with HTML of their own (a
# component's page, the identity provider's return).
_OWN_HTML = ("/component/", "/_stcore/", "/auth/", "/oauth2callback")


def _no_store(send: Send) -> Send:
    """A gated answer is for the signed-in person only: no shared cache keeps it."""

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [(k, v) for k, v in message.get("headers", []) if k != b"cache-control"]
            headers.append((b"cache-control", b"private, no-store"))
            message = {**message, "headers": headers}
        await send(message)

    return wrapped


def _shell_as_not_found(scope: Scope, receive: Receive, send: Send) -> Send:
    """Streamlit answers any path it has no file for with its page shell, whose scripts are
    named relative to the page: below the first level (`/profile/x`) they resolve to paths that
    get the shell again, and the browser shows a white page. Such an answer becomes a 404
    page; any other answer passes unchanged."""
    replaced = False

    async def wrapped(message: Message) -> None:
        nonlocal replaced
        if message["type"] == "http.response.start":
            headers = Headers(raw=message.get("headers", []))
            if message["status"] == 200 and headers.get("content-type", "").startswith("text/html"):
                replaced = True
                conn = HTTPConnection(scope)
                path = scope.get("path", "")
                if _looks_like_file(path):
                    page: Any = PlainTextResponse("Not found", status_code=404)
                else:
                    page = not_found_page(path, _lang(conn))
                await page(scope, receive, send)
                return
        if replaced:
            return  # the shell's own body is dropped
        await send(message)

    return wrapped


def _looks_like_file(path: str) -> bool:
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return "." in last


# --- deferred downloads -----------------------------------------------------------------------


def bind_deferred_downloads() -> None:
    """Make Streamlit's deferred downloads answer only the session the button was given to, and
    only while its sign-in holds when viewing needs one. Streamlit runs any session's request
    for any registered id, and the ids travel to the browser: one leaked id was a file for
    anyone. An import error at start (rather than a quiet hole) if Streamlit's parts moved."""
    from streamlit import runtime
    from streamlit.proto.ForwardMsg_pb2 import BackendOperationResponse
    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.backend_operation_handler import DeferredFileHandler

    def media_files() -> Any:  # noqa: ANN401
        return runtime.get_instance().media_file_mgr

    class SessionBoundDeferredFiles(DeferredFileHandler):
        async def handle(self, request: Any, session_id: str) -> Any:  # noqa: ANN401
            file_id = request.deferred_file.file_id
            refusal = deferred_refusal(media_files(), file_id, session_id)
            if refusal:
                log.warning("Từ chối tệp tải về %s cho phiên %s: %s.", file_id, session_id, refusal)
                return BackendOperationResponse(
                    request_id=request.request_id, error_msg="Cần đăng nhập / Sign-in required"
                )
            return await super().handle(request, session_id)

    original = AppSession._create_backend_operation_dispatcher
    if getattr(original, "_xhht_bound", False):
        return

    def create(self: AppSession) -> Any:  # noqa: ANN401
        dispatcher = original(self)
        dispatcher.register("deferred_file", SessionBoundDeferredFiles(media_files))
        return dispatcher

    create._xhht_bound = True  # type: ignore[attr-defined]
    AppSession._create_backend_operation_dispatcher = create  # type: ignore[method-assign]


def deferred_refusal(media_file_mgr: Any, file_id: str, session_id: str) -> str:  # noqa: ANN401
    """Why this session may not have this deferred file ("" when it may)."""
    entries = getattr(media_file_mgr, "_deferred_callables", None)
    if entries is None:
        return "Streamlit không còn giữ danh sách tệp tải về theo phiên"
    entry = entries.get(file_id)
    if entry is None:
        return ""  # Streamlit itself answers that it has no such file
    if entry.get("session_id") != session_id:
        return "nút tải về thuộc phiên khác"
    if viewing_needs_sign_in() and not signed_in(_session_cookies(session_id)):
        return "phiên chưa đăng nhập hoặc đã đăng xuất"
    return ""


def _session_cookies(session_id: str) -> Mapping[str, str]:
    from streamlit import runtime

    client = runtime.get_instance().get_client(session_id)
    context = getattr(client, "client_context", None) if client is not None else None
    return dict(context.cookies) if context is not None else {}
