"""The load step's protocol-level driver (bench/sessions.py, bench/protocol.py) against a real
dashboard process on the demo store: a session gets the real rendered page back (the figures the
metrics layer computes, in the page's words), and the quick mode runs its sessions without
error. Correctness only: the figures it measures are the benchmark's to print."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from bench.app_server import app_server
from bench.load_plan import PAGES, plan_writes
from bench.protocol import ProtocolSession
from bench.sessions import quick
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
