"""The page shell (dashboard/page_shell.py): Streamlit's index.html with modulepreload links for
the charts' and tables' code a page shows, worked out from the modules' own imports. Tried on a
planted build first, then on Streamlit's own, then as the server answers."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from starlette.requests import Request

from dashboard import page_shell

INDEX = """<html><head>
    <script type="module" crossorigin src="./static/js/index.js"></script>
    <link rel="modulepreload" crossorigin href="./static/js/react.js">
  </head><body><div id="root"></div></body></html>"""


def _build(tmp_path: Path) -> Path:
    js = tmp_path / "js"
    js.mkdir()
    files = {
        "index.js": 'import{a}from"./react.js";',
        "react.js": "export const a=1;",
        "PlotlyChart.Ab_1.js": 'import{a}from"./react.js";import"./plotly-core.js";',
        "plotly-core.js": 'import{t}from"./tiny.js";export const p=1;',
        "tiny.js": "export const t=1;",
        "DataFrame.x9.js": 'import{a}from"./react.js";',
        "PlotlyChartOld.js": "not an element's module",
    }
    for name, text in files.items():
        (js / name).write_text(text)
    return js


def test_preloads_follow_imports_and_skip_what_the_shell_loads(tmp_path: Path) -> None:
    js = _build(tmp_path)
    assert page_shell.preloads(INDEX, js, ("PlotlyChart",)) == [
        "PlotlyChart.Ab_1.js",
        "plotly-core.js",
        "tiny.js",
    ]
    assert page_shell.preloads(INDEX, js, ("DataFrame",)) == ["DataFrame.x9.js"]
    # A Streamlit that renamed or dropped a module: nothing preloaded, nothing broken.
    assert page_shell.preloads(INDEX, js, ("Gone",)) == []
    html = page_shell.with_preloads(INDEX, ["tiny.js"])
    assert html.count('<link rel="modulepreload" crossorigin href="./static/js/tiny.js">') == 1
    assert html.index("tiny.js") < html.index("</head>")


def test_the_real_shell_preloads_existing_files_and_keeps_streamlits_own() -> None:
    index = (page_shell.STATIC / "index.html").read_text(encoding="utf-8")
    js = page_shell.STATIC / "static" / "js"
    # Nhập dữ liệu's first view is its preview grid.
    imports = page_shell.shell_html("/import")
    preloaded = re.findall(r'rel="modulepreload" crossorigin href="\./static/js/([^"]+)"', imports)
    assert any(f.startswith("DataFrame.") for f in preloaded)
    assert all((js / f).is_file() for f in preloaded)
    assert all(line in imports for line in index.splitlines())  # Streamlit's shell, added to
    # So sánh xã's grid is drawn when scrolled near (near_view.py) and Hồ sơ's lists are HTML
    # tables: neither preloads the grid's code.
    for path in ("/compare", "/profile"):
        shell = page_shell.shell_html(path)
        found = re.findall(r'rel="modulepreload" crossorigin href="\./static/js/([^"]+)"', shell)
        assert any(f.startswith("BidiComponent.") for f in found), path
        assert not any(f.startswith("DataFrame.") for f in found), path
        assert all((js / f).is_file() for f in found)
    overview = page_shell.shell_html("/")
    assert "BidiComponent." in overview and "DataFrame." not in overview
    assert "PlotlyChart." not in overview  # Streamlit's chart element is not used (chart_view.py)


def test_the_server_answers_each_page_with_its_shell() -> None:
    routed = {r.path: r for r in page_shell.ROUTES}
    for path, elements in page_shell.PAGE_ELEMENTS.items():
        if not elements:  # nothing to preload: Streamlit's own shell serves it
            assert path not in routed
            continue
        assert routed[path].methods is not None and "GET" in routed[path].methods
        scope = {"type": "http", "method": "GET", "path": path, "query_string": b"loc=P51"}
        answer = asyncio.run(page_shell.shell(Request({**scope, "headers": []})))
        assert answer.status_code == 200
        assert answer.headers["cache-control"] == "no-cache"  # an upgrade's new names reach people
        assert answer.media_type == "text/html"
        for element in elements:
            assert f'href="./static/js/{element}.'.encode() in answer.body


def test_pages_with_a_chart_on_their_first_screen_fetch_plotly_with_the_page() -> None:
    from dashboard.chart_view import PLOTLY_SRC

    link = f'<link rel="preload" as="script" href="{PLOTLY_SRC}">'
    for path in page_shell.PAGE_ELEMENTS:
        if not page_shell.PAGE_ELEMENTS[path]:
            continue
        html = page_shell.shell_html(path)
        assert (link in html) == (path in page_shell.CHART_ON_FIRST_SCREEN), path
    # Tổng quan's charts stand below its cards: fetched early, plotly ran amid its first view.
    assert "/" not in page_shell.CHART_ON_FIRST_SCREEN
