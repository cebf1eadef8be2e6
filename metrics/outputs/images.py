"""Chart images: the print layout of a figure and the kaleido export server that renders it."""

from __future__ import annotations

import atexit
import os
import shutil
import threading
import warnings
from pathlib import Path

import plotly.graph_objects as go

WIDTH, HEIGHT = 1920, 1080
BROWSER_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
SYNTHETIC_LINE = "Dữ liệu minh họa — số liệu tổng hợp, không phải số liệu thật"


class ExportError(Exception):
    """An export that cannot be made here; the message says what to install or choose."""


def for_print(
    fig: go.Figure,
    *,
    source: str,
    synthetic: bool,
    subtitle: str | None = None,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> go.Figure:
    """A copy of a page figure laid out for a slide or a report: larger type, the locality and
    year under the title, and the source line and (for demo data) "Dữ liệu minh họa" inside the
    image, as Our World in Data's downloads carry them."""
    out = go.Figure(fig)
    if subtitle is not None:
        out.update_layout(title={"subtitle": {"text": subtitle}})
    out.update_traces(textfont={"size": 17}, selector={"type": "scatter"})
    out.update_traces(textfont={"size": 15}, selector={"type": "bar"})
    out.update_layout(title={"x": 0.01})
    out.update_yaxes(tickfont={"size": 18}, title={"standoff": 18})
    out.update_xaxes(tickfont={"size": 20})
    footer = f"Nguồn: {source}"
    if synthetic:
        footer += f"   ·   {SYNTHETIC_LINE}"
    out.add_annotation(
        text=footer,
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="top",
        yshift=-128,
        showarrow=False,
        font={"size": 18, "color": "#B00020" if synthetic else "#444444"},
        align="left",
    )
    out.update_layout(
        width=width,
        height=height,
        font={"size": 22},
        title={"font": {"size": 34}, "subtitle": {"font": {"size": 22}}},
        margin={
            "l": 130,
            "r": 60,
            "t": 150,
            "b": 180,
        },  # room for the y-axis title beside its ticks
        legend={"orientation": "h", "x": 0, "y": -0.1, "yanchor": "top", "font": {"size": 20}},
    )
    return out


class ExportServer:
    """kaleido's export server on a Chromium: starting it costs ≈2 s, each image after ≈0.2 s.

    kaleido keeps one such server per process, so the process shares one ExportServer
    (export_server()); the lock keeps two Streamlit sessions from starting it at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = False

    @staticmethod
    def find_browser() -> str | None:
        env = os.environ.get("BROWSER_PATH")
        if env and Path(env).exists():
            return env
        for cand in BROWSER_CANDIDATES:
            if Path(cand).exists():
                return cand
        return shutil.which("chromium") or shutil.which("google-chrome")

    def start(self) -> None:
        """Start the server unless it runs; ExportError (saying what to install) without a browser."""
        with self._lock:
            if self._running:
                return
            browser = self.find_browser()
            if browser is None:
                raise ExportError(
                    "Không tìm thấy trình duyệt Chromium để xuất ảnh biểu đồ. Cài bằng lệnh "
                    "`apt-get install chromium fonts-dejavu-core` rồi thử lại. (Nút tải biểu đồ HTML trên trang vẫn dùng được.)"
                )
            import kaleido  # ≈50 ms, paid only by the first export rather than by every page start

            kaleido.start_sync_server(path=browser, mathjax=False, silence_warnings=True)
            self._running = True

    def close(self) -> None:
        with self._lock:
            if not self._running:
                return
            import kaleido

            kaleido.stop_sync_server(silence_warnings=True)
            self._running = False

    def image_bytes(self, fig: go.Figure, fmt: str = "png", scale: float = 1.0) -> bytes:
        self.start()
        with warnings.catch_warnings():
            # plotly passes browser options that a running export server does not need.
            warnings.filterwarnings("ignore", message="The kopts argument is ignored")
            data = fig.to_image(
                format=fmt,
                width=fig.layout.width or WIDTH,
                height=fig.layout.height or HEIGHT,
                scale=scale,
            )
        return bytes(data)


_shared: ExportServer | None = None
_shared_lock = threading.Lock()


def export_server() -> ExportServer:
    """The process's export server: started on first use, closed at exit (or by close())."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = ExportServer()
            atexit.register(_shared.close)
        return _shared
