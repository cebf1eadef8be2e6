"""Each page's server-side work, measured by running the real page script (streamlit's AppTest)
with every cache cleared first: what the server does for a visitor's first view of that choice."""

from __future__ import annotations

import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_page(db: Path, page: str, params: dict[str, str]) -> float:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["XHHT_DB"] = str(db)
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(f"views/{page}.py")
    st.cache_data.clear()
    t0 = time.perf_counter()
    at.run()
    ms = (time.perf_counter() - t0) * 1000
    if at.exception:
        raise RuntimeError(f"page {page} raised: {at.exception[0].message}")
    return ms


def page_choices(province_id: str) -> dict[str, tuple[str, dict[str, str]]]:
    return {
        "Tổng quan — toàn quốc": ("overview", {"loc": "VN", "year": "2025"}),
        f"So sánh xã — mọi xã của {province_id}": ("compare", {"loc": province_id, "year": "2025"}),
        "Hồ sơ địa bàn — xã Đăk Long": ("profile", {"loc": "X23368", "year": "2025"}),
    }
