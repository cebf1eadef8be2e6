"""The web server: the dashboard (dashboard/app.py) with the password sign-in pages beside it
and, when configured, sign-in through an OpenID Connect provider. Start it with
`streamlit run dashboard/server.py` (Streamlit finds the `app` below and serves it)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

# `streamlit run dashboard/server.py` puts dashboard/ on sys.path, not the project root.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from starlette.middleware import Middleware  # noqa: E402
from starlette.routing import Mount  # noqa: E402
from starlette.staticfiles import StaticFiles  # noqa: E402
from streamlit.starlette import App  # noqa: E402

from dashboard import chart_view, guard, nodelay, page_shell  # noqa: E402
from dashboard.signin_routes import ROUTES  # noqa: E402
from metrics import auth  # noqa: E402

OIDC_ENV = {
    "server_metadata_url": "XHHT_OIDC_METADATA_URL",
    "client_id": "XHHT_OIDC_CLIENT_ID",
    "client_secret": "XHHT_OIDC_CLIENT_SECRET",
}


def oidc_secrets() -> dict | None:
    """Streamlit's `[auth]` settings from the environment, so a deployment (and the tests) need
    no secrets file: the provider's discovery URL, this client's id and secret, and the public
    address of the dashboard (XHHT_PUBLIC_URL) to which the provider sends people back. An
    `[auth]` section in .streamlit/secrets.toml works as well, as Streamlit documents."""
    values = {key: os.environ.get(env, "") for key, env in OIDC_ENV.items()}
    if not all(values.values()):
        return None
    public = os.environ.get("XHHT_PUBLIC_URL", "http://localhost:8501").rstrip("/")
    return {
        "auth": {
            **values,
            "redirect_uri": f"{public}/oauth2callback",
            # Streamlit's own identity cookie is signed with this; one key for the whole service.
            "cookie_secret": auth.session_secret(),
            "client_kwargs": {"scope": "openid profile email", "prompt": "login"},
        }
    }


nodelay.enable()  # before uvicorn accepts a connection (dashboard/nodelay.py says why)
guard.bind_deferred_downloads()  # before the first session is made

# plotly.js for the charts (dashboard/chart_view.py). Its file name carries its version, so a
# browser may keep it: Starlette answers a repeated request with 304 Not Modified.
STATIC_FILES = Mount(chart_view.URL_PATH, StaticFiles(directory=chart_view.STATIC))


@contextlib.asynccontextmanager
async def lifespan(_app: App) -> AsyncIterator[None]:
    yield None
    # uvicorn ends the process by raising SIGTERM again after its shutdown, so atexit does not
    # run: the chart exporter's Chromium is closed here, its profile removed from the temp folder.
    from metrics.outputs import images

    await asyncio.to_thread(images.close_export_server)


app = App(
    Path(__file__).with_name("app.py"),
    lifespan=lifespan,
    routes=[*ROUTES, *page_shell.ROUTES, STATIC_FILES],
    # Files, metrics and unknown paths are judged before Streamlit sees them (dashboard/guard.py).
    middleware=[Middleware(guard.Guard)],
    secrets=oidc_secrets(),
)
