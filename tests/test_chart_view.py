"""The dashboard's charts (dashboard/chart_view.py): the plotly.js it serves is the version the
plotly package (and so every export) draws with, and the web server hands it out."""

from __future__ import annotations

import re

import plotly.offline
from starlette.applications import Starlette
from starlette.testclient import TestClient

from dashboard import chart_view


def plotly_js_version(text: str) -> str | None:
    """The version in a plotly.js build's header comment ("plotly.js (xhht: scatter, bar,
    heatmap - minified) v4.1.1", as tools/plotly/build.sh writes it), or None."""
    found = re.search(r"plotly\.js[^\n]*?\bv(\d+\.\d+\.\d+)", text[:400])
    return found.group(1) if found else None


def test_the_served_plotly_js_is_the_plotly_packages_version() -> None:
    served = (chart_view.STATIC / chart_view.PLOTLY_JS).read_text(encoding="utf-8")
    assert plotly_js_version(served) == plotly.offline.get_plotlyjs_version()
    assert chart_view.PLOTLY_JS.endswith(f"-{plotly.offline.get_plotlyjs_version()}.min.js")
    assert (chart_view.STATIC / "plotly-LICENSE.txt").read_text().startswith("MIT License")
    # The build says which trace types it registered (tools/plotly/build.sh, entry.js).
    assert f"xhht: {', '.join(chart_view.TRACES)} - minified" in served[:300]


def test_plotly_js_version_reads_a_builds_header() -> None:
    assert plotly_js_version("/**\n* plotly.js (basic - minified) v2.35.2\n*/") == "2.35.2"
    assert plotly_js_version("/** plotly.js v4.1.1 */") == "4.1.1"
    assert plotly_js_version("console.log(1)") is None


def test_the_web_server_serves_plotly_js_and_nothing_outside_its_folder() -> None:
    from dashboard.server import STATIC_FILES

    client = TestClient(Starlette(routes=[STATIC_FILES]))
    answer = client.get(f"{chart_view.URL_PATH}/{chart_view.PLOTLY_JS}")
    assert answer.status_code == 200
    assert "javascript" in answer.headers["content-type"]
    assert answer.content[:3] == b"/**"
    assert client.get(f"{chart_view.URL_PATH}/../server.py").status_code == 404
    assert client.get(f"{chart_view.URL_PATH}/%2e%2e/server.py").status_code == 404
