"""Real dashboard processes for the benchmark and the browser tests: `streamlit run` on a store,
each on a free loopback port, its output in a log file, and Debian's Chromium settings to drive it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"  # Debian's; never `playwright install`
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A Streamlit page that has finished its run.
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
# Each chart's element (dashboard/chart_view.py keys them "chart-…"): there as soon as the page
# has it, before the chart's own code has made its drawing area (`[data-testid='xhht-chart']`,
# which holds plotly's svg.main-svg once drawn). Counting drawing areas instead saw no chart at
# all when a run ended before that code had come, and called the page drawn.
CHART = ".stElementContainer[class*='st-key-chart-']"
START_WAIT_S = 90  # a cold start on a busy two-core machine takes 5–20 s


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class AppServer:
    url: str
    proc: subprocess.Popen[bytes]
    log: Path

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def _launch(
    store: str, log: Path, env_extra: dict[str, str], port: int | None, script: Path
) -> AppServer:
    port = port or free_port()
    env = {
        **os.environ,
        "XHHT_DB": store,
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        **env_extra,
    }
    # The output goes to a file, never to an unread pipe: once a pipe's 64 KB fill up, every
    # thread of the server that logs blocks, and the app stops answering mid-test.
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(script),
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return AppServer(f"http://127.0.0.1:{port}", proc, log)


def _wait_healthy(server: AppServer, deadline: float) -> None:
    while True:
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if server.proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"streamlit did not start:\n{server.log_tail()}")
        time.sleep(0.3)


def _stop(servers: list[AppServer]) -> None:
    for s in servers:
        s.proc.terminate()
    for s in servers:
        try:
            s.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            s.proc.kill()
            s.proc.wait()


@contextmanager
def app_servers(
    store: str | Path,
    count: int = 1,
    log_dir: Path | None = None,
    env_extra: dict[str, str] | None = None,
    ports: list[int] | None = None,
    script: Path = ROOT / "dashboard" / "server.py",
) -> Iterator[list[AppServer]]:
    """`count` dashboard processes on one store (started together, then waited for), through
    dashboard/server.py as a deployment runs them (or another `script`); stopped after. Their logs go to log_dir, or to a temporary folder removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="xhht-app-") as tmp:
        folder = log_dir or Path(tmp)
        servers: list[AppServer] = []
        try:
            for i in range(count):
                servers.append(
                    _launch(
                        str(store),
                        folder / f"app-server-{i}.log",
                        env_extra or {},
                        ports[i] if ports else None,
                        script,
                    )
                )
            deadline = time.monotonic() + START_WAIT_S
            for s in servers:
                _wait_healthy(s, deadline)
            yield servers
        finally:
            _stop(servers)


@contextmanager
def app_server(store: str | Path, port: int | None = None, **env_extra: str) -> Iterator[AppServer]:
    """One dashboard process on the store (on `port`, else a free one)."""
    with app_servers(store, 1, env_extra=env_extra, ports=[port] if port else None) as servers:
        yield servers[0]
