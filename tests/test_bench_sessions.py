"""The load step's protocol-level driver (bench/sessions.py, bench/protocol.py) against a real
dashboard process on the demo store: a session gets the real rendered page back (the figures the
metrics layer computes, in the page's words), and the quick mode runs its sessions without
error, and the write passes count the watchers in the rate they offer and are reported as such.
Correctness only: the figures it measures are the benchmark's to print."""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path

import pytest

from bench.app_server import app_server
from bench.load_plan import PAGES, plan_writes
from bench.load_results import LoadResult, PageLoad, Write
from bench.protocol import ProtocolSession
from bench.sessions import (
    WATCH_SPAN,
    WATCH_WINDOW_S,
    WATCHERS,
    SessionsResult,
    WritePass,
    _Driver,
    quick,
    report,
)
from metrics.name_lookup import shown_part


def test_a_protocol_session_gets_the_rendered_page(demo_db: Path, tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    shutil.copy(demo_db, store)
    plan = plan_writes(store, tmp_path)

    async def views(url: str) -> dict[str, list]:
        session = ProtocolSession(url)
        try:
            out = {}
            for name in ("overview", "profile"):
                page, _, query = PAGES[name].partition("?")
                out[name] = [await session.view(page, query), await session.view(page, query)]
            return out
        finally:
            await session.close()

    with app_server(store) as server:
        seen = asyncio.run(views(server.url))
    for name in ("overview", "profile"):
        for view in seen[name]:  # the first view (a new session) and a rerun of the same
            assert view.error is None
            # The watched figure as the first screen shows it: Tổng quan's card "… /… hộ",
            # Hồ sơ's indicator table (4.777 recognised of 8.645 households).
            assert plan.states(name, view.text) == {0}
            assert view.elements > 10
    # The chosen province, as its own text (an option carries its toneless form out of sight).
    assert "Quảng Ngãi" in [shown_part(text) for text in seen["overview"][0].texts]
    assert "Xã Đăk Long, tỉnh Quảng Ngãi" in seen["profile"][0].text
    # What Hồ sơ draws once its placeholder is near, asked for as the browser asks: a new
    # session's view includes the fragment's run (its chart, register, sources), and the
    # session's next view draws it at once.
    first, again = seen["profile"]
    for view in (first, again):
        assert "Nguồn số liệu" in view.text and "Hình thành từ các đơn vị cũ" in view.text
    assert "xhht-near" in first.text and "xhht-near" not in again.text


def test_quick_mode_runs_its_sessions_without_error(demo_db: Path, tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    shutil.copy(demo_db, store)
    result = quick(str(store))
    assert result.sample  # a rendered page's text
    [step] = result.steps
    assert step.views > 0
    assert step.errors == []
    assert step.cpu_s > 0


def test_during_the_writes_the_watchers_views_count_in_the_rate_offered() -> None:
    # The pass's rate is every view the server is asked for: the arrivals make up what the
    # watchers and the Chromium pages (viewing on their own) leave of it, never below nothing.
    driver = _Driver("http://127.0.0.1:9", 0, 10, None)
    driver.rate = 8.0
    assert driver.others_rate() == 8.0  # the steps: all of it is the arrivals'
    driver.phase = "writes"
    now = time.monotonic()
    driver.watching_since = now - 1.0  # the watching began a second ago: their rate over it
    driver.own_starts.extend([now - 0.5] * 2)
    assert driver.others_rate() == pytest.approx(8.0 - 2 / 1.0, abs=0.01)
    driver.own_starts.clear()
    driver.watching_since = now - 60.0
    driver.own_starts.extend([now - WATCH_WINDOW_S - 1.0] * 5)  # out of the window: not counted
    driver.own_starts.extend([now - 0.5] * 12)  # 12 views in the window: 3 a second
    assert driver.others_rate() == 8.0 - 12 / WATCH_WINDOW_S
    assert len(driver.own_starts) == 12
    driver.own_starts.extend([now] * 40)
    assert driver.others_rate() == 0.0


def _pass(share: float, lags: list[float], seconds: list[float]) -> WritePass:
    loads = LoadResult("", WATCH_SPAN)
    t = 100.0
    for k, lag in enumerate(lags, start=1):
        loads.writes.append(Write(f"nhập {k}", k, t, t + 1.0, 0, "{}"))
        for s in WATCHERS:
            loads.loads.append(
                PageLoad(s, "overview", "writes", t + 1.0, t + 1.0 + lag, None, frozenset({k}))
            )
        t += 10.0
    return WritePass(share, 8.0 * share, loads, [(s, None) for s in seconds], wall_s=10.0)


def test_the_report_judges_the_lag_at_half_the_rate_and_names_the_rate_held_while_writing() -> None:
    r = SessionsResult("DuckDB", 100)
    r.passes = [
        _pass(0.5, [0.6, 1.5], [0.3] * 20),
        _pass(0.75, [2.5, 1.0], [0.5] * 20),
        _pass(1.0, [4.0, 3.0], [0.5] * 10 + [2.6] * 10),  # p95 over 2 s: not held
    ]
    rows, details = report(r)
    by_name = {name: (figure, budget, ok) for name, figure, budget, ok in rows}
    tag = "sessions (DuckDB, 1 tiến trình)"
    assert by_name[f"{tag}: khi ghi, 50% tốc độ bền: 2 lần ghi → mọi phiên thấy số mới"] == (
        "0,6–1,5 s",
        "≤ 2 s",
        True,
    )
    # Above the load a deployment is sized for, the lag is printed, not judged.
    assert by_name[f"{tag}: khi ghi, 75% tốc độ bền: 2 lần ghi → mọi phiên thấy số mới"] == (
        "1–2,5 s",
        "–",
        None,
    )
    full = f"{tag}: khi ghi, 100% tốc độ bền (chào 8, đạt 2 lượt/s): p95, lỗi (20 lượt)"
    assert by_name[full] == ("2,60 s, 0", "≤ 2 s, 0 lỗi", False)
    assert by_name[f"{tag}: tốc độ bền khi ghi, p95 ≤ 2 s, 0 lỗi"][0] == "2 lượt/s (75%)"
    assert "    nhập 2: lệnh 1 s (mã 0), mọi phiên thấy sau 1,5 s" in details
