"""The page shell (Streamlit's index.html) served for the dashboard's pages with the code of its
charts and tables asked for at once, so it arrives while the page's script runs.

Streamlit loads an element's code only when the script first sends one: the components' (our
charts, dashboard/chart_view.py, which then load plotly.js themselves) after the first chart,
the data grid's (1,6 MB with its parts) after the first table. On a two-core
server that came 1–3 s after the script had finished (bench/browser_views.py), and every page
of this dashboard shows a chart or a table. A `<link rel="modulepreload">` for those files and
the modules they import starts the download and the compilation with the page itself; the
browser runs them when Streamlit asks for them, as before. The files keep their hashed names
and long cache lifetimes; if a Streamlit upgrade renames or drops one, nothing is preloaded
and pages load as Streamlit alone loads them."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import streamlit
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from dashboard.chart_view import PLOTLY_SRC

STATIC = Path(streamlit.__file__).resolve().parent / "static"
# Each page's URL path (dashboard/app.py; Tổng quan is the root) and the large elements its
# first view shows, by the name of their module in Streamlit's build: components (our charts)
# and data grids. (Small widgets' modules, tens of KB each, load fast enough as Streamlit asks for them.)
PAGE_ELEMENTS: dict[str, tuple[str, ...]] = {
    "/": ("BidiComponent",),
    "/compare": ("BidiComponent",),  # its grid is drawn when scrolled near (near_view.py)
    "/profile": ("BidiComponent",),
    "/export": (),
    "/import": ("DataFrame",),
    "/method": (),
}

# Pages whose first screen (1440 px) holds a chart: plotly.js (dashboard/chart_view.py) is
# fetched with the page. Elsewhere the charts are further down and fetch it after the first view:
# fetched early, it ran in the middle of drawing that view. So sánh xã's first screen is its
# ranking, HTML bars (dashboard/ranking_view.py); its heat map, a view asked for, fetches it then.
CHART_ON_FIRST_SCREEN: frozenset[str] = frozenset()

_IMPORT = re.compile(r'(?:\bfrom|\bimport)\s*"\./([\w.\-]+\.js)"')
_IN_SHELL = re.compile(r'(?:href|src)="\./static/js/([\w.\-]+\.js)"')


def static_imports(js_dir: Path, name: str) -> list[str]:
    """The modules `name` imports statically (`import … from "./x.js"`), in order."""
    text = (js_dir / name).read_text(encoding="utf-8", errors="replace")
    return list(dict.fromkeys(_IMPORT.findall(text)))


def preloads(index_html: str, js_dir: Path, elements: tuple[str, ...]) -> list[str]:
    """The files to preload: each element's module and every module it imports, however
    deeply, less those the shell already loads."""
    loaded = set(_IN_SHELL.findall(index_html))
    wanted: list[str] = []
    todo = sorted(
        p.name
        for element in elements
        for p in js_dir.glob(f"{element}.*.js")
        if re.fullmatch(rf"{element}\.[\w\-]+\.js", p.name)
    )
    seen: set[str] = set()
    while todo:
        name = todo.pop(0)
        if name in seen or not (js_dir / name).is_file():
            continue
        seen.add(name)
        if name not in loaded:
            wanted.append(name)
        todo.extend(static_imports(js_dir, name))
    return wanted


def stylesheets(css_dir: Path, elements: tuple[str, ...]) -> list[str]:
    """The elements' own stylesheets in Streamlit's build (`DataFrame.<hash>.css`)."""
    return sorted(
        p.name
        for element in elements
        for p in css_dir.glob(f"{element}.*.css")
        if re.fullmatch(rf"{element}\.[\w\-]+\.css", p.name)
    )


def with_preloads(
    index_html: str,
    files: list[str],
    scripts: tuple[str, ...] = (),
    styles: list[str] | None = None,
) -> str:
    """The shell with a modulepreload link for each of Streamlit's `files`, a preload link for
    each classic script in `scripts` (fetched now, run when a chart asks for it) and each of the
    elements' `styles` linked at once. Streamlit's loader waits for an element's stylesheet
    before drawing it and asks for it only then (~0,2 s on Hồ sơ, while the script's messages
    kept the server busy); a stylesheet already in the page it takes as loaded."""
    links = (
        "".join(
            f'\n    <link rel="modulepreload" crossorigin href="./static/js/{f}">' for f in files
        )
        + "".join(f'\n    <link rel="preload" as="script" href="{src}">' for src in scripts)
        + "".join(
            f'\n    <link rel="stylesheet" crossorigin href="./static/css/{c}">'
            for c in styles or []
        )
    )
    return index_html.replace("</head>", f"{links}\n  </head>", 1)


@functools.cache
def shell_html(path: str) -> str:
    index = (STATIC / "index.html").read_text(encoding="utf-8")
    elements = PAGE_ELEMENTS[path]
    files = preloads(index, STATIC / "static" / "js", elements)
    scripts = (PLOTLY_SRC,) if path in CHART_ON_FIRST_SCREEN else ()
    return with_preloads(index, files, scripts, stylesheets(STATIC / "static" / "css", elements))


async def shell(request: Request) -> HTMLResponse:
    # As Streamlit serves its shell: never cached, so an upgrade's new file names reach people.
    html = shell_html(request.url.path.rstrip("/") or "/")
    return HTMLResponse(html, headers={"Cache-Control": "no-cache"})


ROUTES = [
    Route(path, shell, methods=["GET"]) for path, elements in PAGE_ELEMENTS.items() if elements
]
