"""Each page's server-side work, measured by running the real page script (streamlit's AppTest)
with every cache cleared first: what the server does for a visitor's first view of that choice.

The figure is the time the server spends in the script run (app.py, the page, its queries,
maths and figures, and turning elements into messages), taken around Streamlit's ScriptRunner;
AppTest's own work of reading those messages back on the test side is not server work."""

from __future__ import annotations

import gc
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


_script_ms: list[float] = []


def _time_script_runs() -> None:
    import streamlit.runtime.scriptrunner.script_runner as script_runner

    runner = script_runner.ScriptRunner
    if getattr(runner, "_xhht_timed", False):
        return
    original = runner._run_script

    def timed(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        t0 = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            _script_ms.append((time.perf_counter() - t0) * 1000)

    runner._run_script = timed  # type: ignore[method-assign]
    runner._xhht_timed = True  # type: ignore[attr-defined]


def run_page(db: Path, page: str, params: dict[str, str]) -> float:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    _time_script_runs()

    os.environ["XHHT_DB"] = str(db)
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(f"views/{page}.py")
    st.cache_data.clear()
    # The harness's own garbage (earlier AppTest element trees) is collected first, so a run
    # does not pay for collecting what a real server would never have made; GC stays on.
    gc.collect()
    _script_ms.clear()
    at.run()
    ms = sum(_script_ms)  # a page that reruns itself (st.rerun) counts every run
    if at.exception:
        raise RuntimeError(f"page {page} raised: {at.exception[0].message}")
    return ms


def page_choices(province_id: str) -> dict[str, tuple[str, dict[str, str]]]:
    return {
        "Tổng quan — toàn quốc": ("overview", {"loc": "VN", "year": "2025"}),
        f"So sánh xã — mọi xã của {province_id}": ("compare", {"loc": province_id, "year": "2025"}),
        "Hồ sơ địa bàn — xã Đăk Long": ("profile", {"loc": "X23368", "year": "2025"}),
    }
