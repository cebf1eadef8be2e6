"""Who is using the dashboard in this script run: the signed-in person (password session cookie
or identity provider), the sidebar that shows them, and the gate that keeps every page shut
when the accounts file says viewing needs a sign-in."""

from __future__ import annotations

import html
from urllib.parse import quote

import streamlit as st

from dashboard.i18n import lang
from metrics import auth
from metrics.escaping import markdown_literal
from metrics.signin_state import SigninStateError

ROLE_LABELS = {
    "vi": {
        "viewer": "người xem",
        "reporter": "người báo cáo của xã",
        "reviewer": "người duyệt",
        "editor": "biên tập viên",
        "admin": "quản trị viên",
    },
    "en": {
        "viewer": "viewer",
        "reporter": "commune reporter",
        "reviewer": "reviewer",
        "editor": "editor",
        "admin": "administrator",
    },
}


def accounts() -> auth.AccountsFile | None:
    """The accounts file, or None (after saying why, in place) when it cannot be read."""
    try:
        return auth.load_accounts()
    except auth.AccountsError as exc:
        st.error(str(exc), icon=":material/error:")
        return None


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all
        return False


def current_principal(accounts_file: auth.AccountsFile | None) -> auth.Principal | None:
    """The person signed in: a password session cookie that still holds, else the identity
    provider's sign-in (st.user), else None."""
    if accounts_file is not None:
        token = st.context.cookies.get(auth.SESSION_COOKIE)
        if not isinstance(token, str):  # a cookie is text; a test harness's stand-in is not
            token = None
        try:
            # Looked up on every run: a sign-out or a new password ends it on the next one.
            account = (
                auth.read_session(token, accounts_file, auth.signin_state()) if token else None
            )
        except SigninStateError as exc:
            st.error(str(exc), icon=":material/error:")
            account = None
        if account is not None:
            return account.principal()
    if oidc_configured() and st.user.is_logged_in:
        mapping = (accounts_file.oidc if accounts_file else None) or auth.OidcMapping()
        return auth.principal_from_claims(st.user.to_dict(), mapping)
    return None


def _here() -> str:
    url = st.context.url or "/"
    path = "/" + url.split("://", 1)[-1].split("/", 1)[-1] if "://" in url else url
    return path or "/"


def _link(label: str, href: str, *, primary: bool = False) -> None:
    # st.html, not a markdown link or st.link_button: those open a new tab, and the sign-in
    # must come back to this one. The label and address are escaped here.
    style = (
        "display:inline-block;padding:.45rem .9rem;border-radius:.5rem;text-decoration:none;"
        + (
            "background:#1f5fa8;color:#fff;"
            if primary
            else "border:1px solid #b8c2d0;color:inherit;"
        )
    )
    st.html(f'<a href="{html.escape(href)}" style="{style}">{html.escape(label)}</a>')


def sign_in_href() -> str:
    return f"dang-nhap?next={quote(_here(), safe='/')}&lang={lang()}"


def sidebar(principal: auth.Principal | None, accounts_file: auth.AccountsFile | None) -> None:
    vi = lang() == "vi"
    with st.sidebar:
        if principal is not None:
            role = ROLE_LABELS[lang()][principal.role]
            # A display name comes from the accounts file or the identity provider: text only.
            name = markdown_literal(principal.display_name)
            st.caption(("Đã đăng nhập: " if vi else "Signed in: ") + f"{name} ({role})")
            if principal.via == "oidc":
                if st.button("Đăng xuất" if vi else "Sign out", key="access__logout"):
                    st.logout()
            else:
                _link(
                    "Đăng xuất" if vi else "Sign out", f"dang-xuat?next={quote(_here(), safe='/')}"
                )
        else:
            sign_in_choices(accounts_file, compact=True)


def sign_in_choices(accounts_file: auth.AccountsFile | None, *, compact: bool = False) -> None:
    """The ways to sign in that this service offers (nothing when it offers none)."""
    vi = lang() == "vi"
    if accounts_file is not None and accounts_file.account:
        _link("Đăng nhập" if vi else "Sign in", sign_in_href(), primary=not compact)
    if oidc_configured():
        label = "Đăng nhập qua cổng định danh" if vi else "Sign in with the identity provider"
        if st.button(label, key="access__oidc" + ("_side" if compact else "")):
            st.login()


def gate() -> auth.Principal | None:
    """The signed-in person; when viewing needs a sign-in and nobody is signed in, a sign-in
    screen instead of the page (no page, figure or download is produced) and the run stops."""
    accounts_file = accounts()
    principal = current_principal(accounts_file)
    st.session_state["principal"] = principal
    if accounts_file is None:
        # An unreadable accounts file may have required sign-in: show nothing rather than all.
        st.stop()
    if accounts_file.require_login_to_view and principal is None:
        vi = lang() == "vi"
        st.title("Cần đăng nhập" if vi else "Sign-in required")
        st.write(
            "Bảng theo dõi này chỉ dành cho người có tài khoản. Đăng nhập để xem."
            if vi
            else "This dashboard is for account holders only. Sign in to view it."
        )
        if not accounts_file.account and not oidc_configured():
            st.info(
                "Chưa có tài khoản nào. Quản trị viên tạo tài khoản bằng lệnh "
                "`xhht accounts add TÊN --province MÃ_TỈNH`."
                if vi
                else "There are no accounts yet. An administrator creates them with "
                "`xhht accounts add NAME --province CODE`."
            )
        sign_in_choices(accounts_file)
        st.stop()
    sidebar(principal, accounts_file)
    return principal


def principal() -> auth.Principal | None:
    """The person `gate()` found for this run (pages call this)."""
    return st.session_state.get("principal")
