"""What the browser tests share: a dashboard process on a free loopback port (bench.app_server,
which the benchmark drives too) and Debian's Chromium driven by Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.app_server import CHROMIUM, CHROMIUM_ARGS, IDLE, ROOT, app_server

ARTIFACTS = ROOT / "test-artifacts"
__all__ = ["ARTIFACTS", "CHROMIUM", "CHROMIUM_ARGS", "IDLE", "ROOT", "streamlit_server"]


@contextmanager
def streamlit_server(db: Path, **env_extra: str) -> Iterator[str]:
    """`streamlit run dashboard/app.py` on the given store; yields its URL, stops it after."""
    with app_server(db, **env_extra) as server:
        yield server.url
