"""What the browser tests share: a dashboard process on a free loopback port (bench.app_server,
which the benchmark drives too) and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench.app_server import CHART, CHROMIUM, CHROMIUM_ARGS, IDLE, ROOT, app_servers

ARTIFACTS = ROOT / "test-artifacts"
__all__ = [
    "ARTIFACTS",
    "CHART",
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "IDLE",
    "ROOT",
    "module_browser",
    "module_server",
    "streamlit_server",
]


@contextmanager
def streamlit_server(db: Path, port: int | None = None, **env_extra: str) -> Iterator[str]:
    """`streamlit run dashboard/server.py` on the given store; yields its URL, stops it after."""
    logs = ARTIFACTS / "app-logs"
    logs.mkdir(parents=True, exist_ok=True)
    # Kept after the test: when a page misbehaves, the server's own account of it is here.
    with app_servers(
        db,
        log_dir=Path(tempfile.mkdtemp(dir=logs)),
        env_extra=env_extra,
        ports=[port] if port else None,
    ) as servers:
        try:
            yield servers[0].url
        finally:
            # pytest shows this only for a test that failed: the server's side of the story.
            print(f"--- {servers[0].log} (cuối) ---\n{servers[0].log_tail(3000)}")


@pytest.fixture(scope="module", name="server")
def module_server(demo_db: Path) -> Iterator[str]:
    """One dashboard on the demo store for a test module (`server`, once imported there)."""
    with streamlit_server(demo_db) as url:
        yield url


@pytest.fixture(scope="module", name="browser")
def module_browser() -> Iterator[object]:
    """One Chromium for a test module (`browser`, once imported there)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
