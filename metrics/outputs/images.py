"""Chart images: the print layout of a figure and the kaleido export server that renders it."""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import os
import re
import shutil
import signal
import subprocess
import textwrap
import threading
import warnings
import weakref
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from metrics import texts
from metrics.escaping import plotly_literal

if TYPE_CHECKING:
    import plotly.graph_objects as go

WIDTH, HEIGHT = 1920, 1080
BROWSER_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


class ExportError(Exception):
    """An export that cannot be made here; the message says what to install or choose."""


# Below the plot: the x axis's ticks and title take ~95 px at print size, then the legend
# (rows of 20 px type, LEGEND_ROW_PX each), then the source line.
LEGEND_BELOW_PX = 100
FOOTER_BELOW_PX = 140
LEGEND_ROW_PX = 34
MARGIN_L, MARGIN_R = 130, 60  # room for the y axis's title beside its ticks; the right edge


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
    # Imported here, not at the top: `xhht export` starts Chromium before plotly loads.
    import plotly.graph_objects as go

    out = go.Figure(fig)
    # Type of 22 px (subtitle) and 18 px (source) runs ≈11–12 px a character: each line of the
    # subtitle wraps once (a long plan's name), then is cut to what the canvas holds, so nothing
    # runs past the image's edge.
    extra_top = 0
    if subtitle is not None:
        lines = [ln for part in subtitle.split("\n") for ln in _wrapped(part, width // 12 - 4, 2)]
        extra_top = 28 * (len(lines) - 1)
        text = "<br>".join(plotly_literal(ln) for ln in lines)
        out.update_layout(title={"subtitle": {"text": text}})
    out.update_traces(textfont={"size": 17}, selector={"type": "scatter"})
    out.update_traces(textfont={"size": 15}, selector={"type": "bar"})
    out.update_layout(title={"x": 0.01})
    out.update_yaxes(tickfont={"size": 18}, title={"standoff": 18})
    out.update_xaxes(tickfont={"size": 20})
    # The source on at most two lines, then the demo mark on a line of its own.
    shown = _wrapped(source, width // 11 - len(texts.text("image_source", footer="")), 2)
    footer = "<br>".join(plotly_literal(ln) for ln in shown)
    footer = texts.text("image_source", footer=footer)
    # A legend that wraps (a 1280 px slide, long plan names) pushes the source line down.
    more_rows = max(_legend_rows(out, width - MARGIN_L - MARGIN_R) - 1, 0) * LEGEND_ROW_PX
    extra_bottom = 24 * (len(shown) - 1) + more_rows
    if synthetic:
        footer += f"<br>{texts.text('synthetic')}"
    out.add_annotation(
        text=footer,
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="top",
        yshift=-FOOTER_BELOW_PX - more_rows,
        showarrow=False,
        font={"size": 18, "color": "#B00020" if synthetic else "#444444"},
        align="left",
    )
    rows = _category_rows(out)
    if rows:
        # A ranking of 96 communes names every one: the image grows to 28 px a row (type 18 px)
        # instead of squeezing rows until plotly drops every other label.
        height = max(height, 28 * rows + 330)
        out.update_yaxes(tickmode="linear", dtick=1, automargin=True)
    margin = {"l": MARGIN_L, "r": MARGIN_R, "t": 150 + extra_top, "b": 180 + 12 + extra_bottom}
    plot_px = max(height - margin["t"] - margin["b"], 1)
    out.update_layout(
        width=width,
        height=height,
        font={"size": 22},
        title={"font": {"size": _title_size(out, width)}, "subtitle": {"font": {"size": 22}}},
        margin=margin,  # room for the y-axis title beside its ticks
        # Below the x axis's ticks and title, in pixels of this canvas (a share of the plot's
        # height put it on the axis title "Năm"), above the source line.
        legend={
            "orientation": "h",
            "x": 0,
            "y": -LEGEND_BELOW_PX / plot_px,
            "yref": "paper",
            "yanchor": "top",
            "font": {"size": 20},
        },
    )
    return out


def _legend_rows(fig: go.Figure, room: int) -> int:
    """How many rows a horizontal legend of 20 px type takes in `room` pixels: plotly sets its
    entries in columns as wide as the widest (the symbol, ~11 px a character, a gap)."""
    if fig.layout.showlegend is False:
        return 0
    names = [
        re.sub(r"<[^>]*>", "", t.name) for t in fig.data if t.name and t.showlegend is not False
    ]
    if not names:
        return 0
    column = 50 + 11 * max(len(n) for n in names)
    per_row = max(room // column, 1)
    return -(-len(names) // per_row)


def _title_size(fig: go.Figure, width: int) -> int:
    """34 px, or less for a long title, so it stays within the canvas (plotly does not wrap
    it): a character of this type is about 0,6 of its size wide."""
    title = re.sub(r"<[^>]*>|&[a-z]+;", "x", fig.layout.title.text or "")
    return max(20, min(34, int((width - 40) / (0.6 * max(len(title), 1)))))


def _wrapped(text: str, room: int, most: int) -> list[str]:
    """`text` in lines of at most `room` characters, broken between words, at most `most` lines;
    what does not fit ends the last line with "…"."""
    room = max(room, 20)
    lines = textwrap.wrap(text, room, break_on_hyphens=False) or [""]
    if len(lines) > most:
        rest = " ".join(lines[most - 1 :])
        lines = [*lines[: most - 1], rest[: room - 1].rstrip() + "…"]
    return lines


def _category_rows(fig: go.Figure) -> int:
    """How many names a figure lists down its y axis (horizontal bars, heat maps); 0 for others."""
    names: set[object] = set()
    for trace in fig.data:
        if trace.type == "heatmap" or (trace.type == "bar" and trace.orientation == "h"):
            names.update(trace.y or ())
    return len(names)


class ExportServer:
    """Chart images from one headless Chromium that kaleido drives: starting it costs ≈2–3 s, each
    image after ≈0.05–0.1 s, so a process keeps one (export_server()).

    kaleido's own sync server is not used: it hands results back through one queue shared by all
    callers, so two Streamlit sessions exporting at once can get each other's image, and a caller
    waits forever if the browser dies. Here the browser lives on a thread with its own event loop;
    each call gets its own future, waits at most IMAGE_WAIT_S, and a browser that died or hung is
    started again once before the user is told."""

    # Pages of the one browser that draw at once: two images of a deck are drawn together. More
    # gain nothing on two cores and cost a renderer process each.
    TABS = 2
    START_WAIT_S = 90.0  # a cold Chromium on a busy two-core machine: 2–20 s
    IMAGE_WAIT_S = 90.0  # one 4K image on a busy machine: well under 10 s
    CLOSE_WAIT_S = 15.0  # kaleido's close: Chromium asked to quit, then killed after 3 s

    def __init__(self) -> None:
        self._lock = threading.Lock()  # one start or stop at a time
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None

    @staticmethod
    def find_browser() -> str | None:
        env = os.environ.get("BROWSER_PATH")
        if env and Path(env).exists():
            return env
        for cand in BROWSER_CANDIDATES:
            if Path(cand).exists():
                return cand
        return shutil.which("chromium") or shutil.which("google-chrome")

    @property
    def running(self) -> bool:
        return self._kaleido is not None

    def start_in_background(self) -> None:
        """Start the browser on a thread of its own and return at once: a command that will
        draw charts calls this first, so Chromium's start (≈2–3 s) overlaps reading the store,
        importing the format modules and building the figures. The first images() waits for it
        (start() holds the lock meanwhile); a failure shows there, not here."""

        def start_quietly() -> None:
            with contextlib.suppress(ExportError):
                self.start()

        threading.Thread(target=start_quietly, name="xhht-chart-export-start", daemon=True).start()

    def start(self) -> None:
        """Start the browser unless it runs; ExportError (saying what to install) without one."""
        with self._lock:
            if self._kaleido is not None:
                return
            browser = self.find_browser()
            if browser is None:
                raise ExportError(texts.text("image_no_chromium"))
            kaleido_class = _kaleido_class()  # ≈50 ms, paid by the first export, not page starts

            loop = asyncio.new_event_loop()
            thread = threading.Thread(
                target=loop.run_forever, name="xhht-chart-export", daemon=True
            )
            thread.start()

            async def open_browser() -> Any:
                # no MathJax: it would come from the network
                k = kaleido_class(
                    path=browser, mathjax=False, timeout=self.IMAGE_WAIT_S, n=self.TABS
                )
                await k.open()
                return k

            opening = asyncio.run_coroutine_threadsafe(open_browser(), loop)
            try:
                self._kaleido = opening.result(timeout=self.START_WAIT_S)
            except BaseException as exc:
                opening.cancel()
                _stop_loop(loop, thread)
                raise ExportError(
                    texts.text("image_no_start", browser=browser, name=type(exc).__name__, exc=exc)
                ) from exc
            self._loop, self._thread = loop, thread

    def close(self) -> None:
        with self._lock:
            self._close_locked()

    def _close_locked(self) -> None:
        k, loop, thread = self._kaleido, self._loop, self._thread
        self._kaleido = self._loop = self._thread = None
        if k is None or loop is None or thread is None:
            return
        closing = asyncio.run_coroutine_threadsafe(k.close(), loop)
        try:
            closing.result(timeout=self.CLOSE_WAIT_S)
        except BaseException:  # noqa: BLE001 — a browser that will not close is killed below
            closing.cancel()
        _stop_loop(loop, thread)
        _reap(k)

    def _restart(self, broken: Any) -> None:
        with self._lock:
            if self._kaleido is broken:  # another session may have restarted it already
                self._close_locked()
        self.start()

    def image_bytes(self, fig: go.Figure, fmt: str = "png", scale: float = 1.0) -> bytes:
        return self.images([fig], fmt, scale)[0]

    def images(
        self, figs: Iterable[go.Figure], fmt: str = "png", scale: float = 1.0
    ) -> list[bytes]:
        """Each figure's image, in order. A figure goes to the browser as soon as `figs` yields
        it, and up to TABS are drawn at once: a deck's next figure is built (in Python) while
        Chromium draws the ones before it. A browser that died or hung is started again once and
        the images not yet made are asked for again."""
        specs: list[tuple[dict, dict]] = []
        done: dict[int, bytes] = {}

        def first_pass() -> Iterator[int]:
            for fig in figs:
                specs.append(_spec(fig, fmt, scale))
                yield len(specs) - 1

        todo: Iterable[int] = first_pass()
        for attempt in (1, 2):
            self.start()
            with self._lock:
                k, loop = self._kaleido, self._loop
            if k is None or loop is None:
                continue  # closed in between by another thread: start again
            # Sent one by one as `todo` yields: the first figures draw while later ones are built.
            calls = [
                (
                    i,
                    asyncio.run_coroutine_threadsafe(
                        k.calc_fig(specs[i][0], opts=specs[i][1]), loop
                    ),
                )
                for i in todo
            ]
            failure: Exception | None = None
            for i, call in calls:
                try:
                    done[i] = bytes(call.result(timeout=self.IMAGE_WAIT_S + 5))
                except Exception as exc:
                    call.cancel()
                    hung = isinstance(exc, (concurrent.futures.TimeoutError, TimeoutError))
                    # kaleido cancels its renders when the browser dies under them
                    died = isinstance(exc, concurrent.futures.CancelledError) or _browser_gone(k)
                    for _, rest in calls:
                        rest.cancel()  # the rest wait behind the same browser: sent again below
                    if not (hung or died):
                        raise  # the figure itself could not be drawn: starting again would not help
                    failure = exc
                    break
            todo = [i for i in range(len(specs)) if i not in done]
            if failure is None:
                return [done[i] for i in range(len(specs))]
            if attempt == 2:
                raise ExportError(
                    texts.text("image_no_answer", name=type(failure).__name__)
                ) from failure
            self._restart(k)
        raise ExportError(texts.text("image_failed"))


# Images a page draws before it is reloaded. kaleido reloads a page after every image, to start
# each from a clean page; that reload (plotly.js parsed again, ≈0.12 s) takes longer than
# drawing a slide's chart: three quarters of a deck's export time if done after each. A PNG
# export leaves nothing behind on the page (plotly.js draws into a div it then purges), so a
# page is reloaded after this many images instead: kaleido's clean start is kept, its cost
# shared by a deck's charts.
RELOAD_EVERY = 20


def _kaleido_class() -> Any:
    """kaleido.Kaleido, reloading each page every RELOAD_EVERY images rather than after each.

    `_return_kaleido_tab` is kaleido's (pinned, 1.5.0) step that reloads a page and puts it
    back in the queue of free pages; tests/test_export.py checks it is still there, since a
    kaleido that renamed it would silently reload after every image again."""
    import kaleido
    from choreographer.utils import TmpDirWarning

    # choreographer warns when Chromium's profile outlives its close; _reap removes it once
    # Chromium has ended, so the warning would only alarm the user.
    warnings.filterwarnings("ignore", category=TmpDirWarning)

    class Kaleido(kaleido.Kaleido):
        async def _return_kaleido_tab(self, tab: Any) -> None:
            drawn = self.__dict__.setdefault("_xhht_drawn", {})
            drawn[id(tab)] = drawn.get(id(tab), 0) + 1
            if drawn[id(tab)] < RELOAD_EVERY:
                await self.tabs_ready.put(tab)
                return
            drawn[id(tab)] = 0
            await super()._return_kaleido_tab(tab)

    return Kaleido


def _spec(fig: go.Figure, fmt: str, scale: float) -> tuple[dict, dict]:
    opts = {
        "format": fmt,
        "width": fig.layout.width or WIDTH,
        "height": fig.layout.height or HEIGHT,
        "scale": scale,
    }
    return fig.to_dict(), opts


def _browser_gone(k: Any) -> bool:
    proc = getattr(k, "subprocess", None)
    return proc is None or proc.poll() is not None


def _reap(k: Any) -> None:
    """Chromium ended and waited for, then its profile removed, whatever kaleido's close
    managed (it may time out on a busy machine). A profile removed under a running Chromium
    fails when Chromium writes into it meanwhile ("Directory not empty: 'Default'")."""
    proc = getattr(k, "subprocess", None)
    if proc is None:
        return
    if proc.poll() is None:
        # choreographer starts the browser as the leader of its own process group: Chromium's
        # helper processes end with it.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
    for arg in proc.args if isinstance(proc.args, (list, tuple)) else []:
        if str(arg).startswith("--user-data-dir="):
            shutil.rmtree(str(arg).split("=", 1)[1], ignore_errors=True)


def _stop_loop(loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)
    if not thread.is_alive():
        loop.close()


_shared: ExportServer | None = None
_shared_lock = threading.Lock()


def export_server() -> ExportServer:
    """The process's export server: started on first use, closed at exit (or by close())."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = ExportServer()
            # At exit Python removes a TemporaryDirectory still there (Chromium's profile, which
            # choreographer makes) in weakref.finalize's atexit hook, registered when the process
            # makes its first finalize; atexit runs the last registered first. A finalize made
            # before close is registered puts that hook after close: Chromium is closed, then
            # its profile removed, never removed under a running Chromium.
            weakref.finalize(_shared, lambda: None)
            atexit.register(_shared.close)
        return _shared


def close_export_server() -> None:
    """Close the process's export server if one was made: for a server whose process may end
    without atexit (uvicorn re-raises SIGTERM once it has shut down)."""
    with _shared_lock:
        shared = _shared
    if shared is not None:
        shared.close()
