"""Shared page pieces: the store gate, the illustrative-data banner, URL-synced pickers, and
charts with their data and downloads one click away."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Literal

import pandas as pd
import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import chart_view, data, near_view, ranking_view
from dashboard.i18n import lang, scope_text, t
from metrics import auth
from metrics.escaping import html_literal, markdown_literal
from metrics.fmt import DASH, fmt_int, fmt_pct
from metrics.inputs.signed_report import MIME, download_name
from metrics.locality_progress import IndicatorProgress
from metrics.name_lookup import typeable as typeable_label
from metrics.normalise import file_stem
from metrics.outputs.cell_safety import csv_bytes
from metrics.rounds import attachment_line
from metrics.series import each
from metrics.store.schema import COUNTRY_ID
from metrics.table_columns import DECIMALS, Kind, ShownTable, cell_text, shown_table


def store_key() -> data.StoreKey:
    """The open store, or a plain-words error (and the page stops)."""
    state = data.store_state()
    if state.key is None:
        # The store's own message is Vietnamese (the command line's); an English page says what
        # is wrong and what to do in English and quotes it as the detail.
        match state.problem:
            case "location":
                said = t("store_problem_location", detail=state.detail)
            case "missing":
                said = t("store_problem_missing", path=state.path)
            case "busy":
                said = t("store_problem_busy", detail=state.detail)
            case _:
                said = t("store_problem_unreadable", detail=state.detail)
        st.error(f"**{t('store_missing_title')}**\n\n{said}", icon=":material/error:")
        st.stop()
    assert state.key is not None
    return state.key


# Streamlit's own words inside its widgets, by where they sit in its page (1.67). Streamlit
# 1.67 has no way to set or translate them: st.multiselect takes a `placeholder` (the pages pass
# theirs) but no "Select all" label, st.file_uploader takes neither its button's nor its size
# limit's words, and there is no locale setting. So each is swapped by CSS, scoped to that one
# element: the element holding Streamlit's words is not displayed, and its parent shows the
# catalogue's words instead (::before; Streamlit draws the line under "Select all" with
# ::after). Hidden so, not merely invisible, the English words leave what a screen reader reads
# too, and the button or option is named by the new words. st.html (a style-only one takes no
# room on the page) loads its own code on first use, so on a session's first view Streamlit's
# words can show for a moment before the style arrives.
# Each is (the parent, the child holding Streamlit's words, how the new words look there).
UPLOAD_BUTTON = (  # "Upload"
    "[data-testid='stFileUploaderDropzone'] [data-testid^='stBaseButton']"
    " [data-testid='stMarkdownContainer']",
    "p",
    "",
)
UPLOAD_LIMIT = (  # "20MB per file", as Streamlit sets it: small, faded, on one line
    "[data-testid='stFileUploaderDropzoneInstructions'] > div",
    "span",
    "font-size: 0.875rem; opacity: 0.7; white-space: nowrap; overflow: hidden;"
    " text-overflow: ellipsis;",
)
UPLOAD_DROP = (  # "Drag and drop a file here", while a file is dragged over: small, bold
    # (the overlay holds only those words; the box of chosen files is a div too, holding divs)
    "[data-testid='stFileUploaderDropzone'] > div:not([data-testid]):has(> span:only-child)",
    "span",
    "font-size: 0.875rem; font-weight: 800; color: {primary};",
)
SELECT_ALL = (  # a multiselect's first option
    "[data-testid='stMultiSelectDropdown'] [data-key='__select_all__']",
    "div",
    "padding: 0 8px; white-space: nowrap;",
)
SELECT_MATCHES = (  # the same while searching: "Select 4 matches"
    "[data-testid='stMultiSelectDropdown'] [data-key='__select_matches__']",
    "div",
    "padding: 0 8px; white-space: nowrap;",
)
NO_RESULTS = (  # nothing matches the search: "No results", small, faded, centred
    "[data-testid='stMultiSelectDropdown'] [data-empty='true'] > [role='option']",
    "span",
    "display: flex; justify-content: center; padding: 8px; font-size: 0.875rem; opacity: 0.7;",
)
SELECT_NO_RESULTS = (  # the same in a selectbox's list (a province or commune typed)
    "[data-testid='stSelectboxVirtualDropdown'] [data-empty='true'] > [role='option']",
    "span",
    "display: flex; justify-content: center; padding: 8px; font-size: 0.875rem; opacity: 0.7;",
)


def css_string(text: str) -> str:
    """A CSS string literal of `text`: quotes, backslashes, line ends and < > escaped."""
    escaped = "".join(f"\\{ord(c):X} " if c in '"\\<>\n' else c for c in text)
    return f'"{escaped}"'


# Streamlit 1.67 lays a group of pills (st.pills, st.segmented_control) on one line that scrolls
# sideways when it is wider than its column: So sánh xã's ten statuses hid their last ones past
# the edge, on a phone and at 1440 px. Every group wraps instead, so each option is in view.
BUTTON_GROUPS_WRAP = (
    "[data-testid='stButtonGroup'] [role='toolbar'] "
    "{ flex-wrap: wrap; overflow-x: visible; row-gap: 0.5rem; }"
)


def widget_style() -> None:
    """Streamlit's own widget words in the session's language (see UPLOAD_BUTTON), and button
    groups that wrap (BUTTON_GROUPS_WRAP); once per run, before the page, so every page's
    uploaders, multiselects and pills read and lay out so. One style element for both."""
    words = [
        (UPLOAD_BUTTON, t("st_upload_button")),
        (UPLOAD_LIMIT, t("st_upload_limit", mb=st.get_option("server.maxUploadSize"))),
        (UPLOAD_DROP, t("st_upload_drop")),
        (SELECT_ALL, t("st_select_all")),
        (SELECT_MATCHES, t("st_select_matches")),
        (NO_RESULTS, t("st_no_results")),
        (SELECT_NO_RESULTS, t("st_no_results")),
    ]
    primary = st.get_option("theme.primaryColor") or "currentColor"
    rules = [
        f"{parent} > {child} {{ display: none !important; }}\n"
        f"{parent}::before {{ content: {css_string(text)}; "
        + look.replace("{primary}", primary)
        + " }"
        for (parent, child, look), text in words
    ]
    st.html("<style>\n" + "\n".join([*rules, BUTTON_GROUPS_WRAP]) + "\n</style>")


def upload_limit(widget_key: str, mb: int) -> None:
    """The size limit one uploader (`key=widget_key`) says, when lower than the server's."""
    parent = f".st-key-{widget_key} {UPLOAD_LIMIT[0]}"
    text = css_string(t("st_upload_limit", mb=mb))
    st.html(f"<style>\n{parent}::before {{ content: {text}; }}\n</style>")


def attachment(
    key: data.StoreKey,
    me: auth.Principal | None,
    code: str,
    year: int,
    attached: dict | None,
    widget: str,
) -> None:
    """A round report's signed attachment: its line (or that there is none) and, when there is
    one, its download (read only when clicked)."""
    line = attachment_line(attached, lang())
    st.caption(markdown_literal(line) if line else t("report_attach_none"))
    if attached:
        st.download_button(
            t("report_attach_download"),
            data=lambda: data.attachment_file(key, me, code, year),
            file_name=download_name(attached["file_name"], attached["kind"]),
            mime=MIME[attached["kind"]],
            key=widget,
            icon=":material/download:",
            on_click="ignore",
        )


def children_with_pending(
    key: data.StoreKey, loc: str, year: int, indicator: str, page: str, *, offered: bool
) -> pl.DataFrame:
    """A province's communes × indicator (data.children), approved figures only unless the
    switch "Hiện cả số liệu đã nộp chờ duyệt" (off by default; `offered` for a province) is on:
    then the submitted, not yet approved ones too, their names marked wherever they show (the
    tables, the bars' and the map's labels), and a line saying how many."""
    pending = offered and st.toggle(t("show_pending"), key=f"{page}__pending")
    children = data.children(key, loc, year, pending, lang())
    if not pending or children.height == 0:
        return children
    waiting = children.filter(pl.col("pending") & (pl.col("indicator") == indicator)).height
    st.caption(t("pending_note", n=fmt_int(waiting)))
    return children.with_columns(
        pl.when(pl.col("pending"))
        .then(pl.col("short_name") + " " + t("pending_mark"))
        .otherwise(pl.col("short_name"))
        .alias("short_name")
    )


def banner(key: data.StoreKey, synthetic: bool | None = None) -> None:
    """The demo mark: where the page says what it shows (`synthetic`), for that; else for the
    store as a whole. And, while the store is being written, a notice that it is."""
    if data.has_synthetic(key) if synthetic is None else synthetic:
        st.warning(t("synthetic"), icon=":material/science:")
    if data.writes_running(key):  # what the page shows is from before that write
        st.info(t("write_under_way"), icon=":material/hourglass_top:")


def write_button(label: str, *, key: str, token: str, **button_args: Any) -> bool:
    """A button that starts a write to the store: True in the run after it is pressed (the
    write is then the caller's, inside `write_status`). It is disabled from that run until the
    write ends, and a press that reaches the server late (a double click) does nothing: a
    write already asked for, running, or done for the same `token` (the file, the batch) is
    not asked for again."""
    asked, running, done = f"{key}__asked", f"{key}__running", f"{key}__done"

    def ask() -> None:
        if st.session_state.get(running) or token in (
            st.session_state.get(asked),
            st.session_state.get(done),
        ):
            return
        st.session_state[asked] = token

    busy = bool(st.session_state.get(running)) or st.session_state.get(asked) == token
    st.button(label, key=key, on_click=ask, disabled=busy, **button_args)
    return st.session_state.get(asked) == token and not st.session_state.get(running)


@dataclasses.dataclass
class Write:
    """A write under way: its status box, and whether it went through (the caller says so)."""

    box: Any
    ok: bool = False


@contextlib.contextmanager
def write_status(key: str, token: str, running_label: str) -> Iterator[Write]:
    """Around the write `write_button(key=key, token=token)` asked for: a status box that
    says it is running while it runs; the button stays disabled till it ends. The caller
    updates the box with how it went and sets `ok` when it went through: only then is a later
    press of the same write ignored (a refused one may be tried again)."""
    asked, running, done = f"{key}__asked", f"{key}__running", f"{key}__done"
    st.session_state[running] = True
    write: Write | None = None
    try:
        with st.status(running_label, expanded=False) as box:
            write = Write(box)
            yield write
    finally:
        if write is not None and write.ok:
            st.session_state[done] = token
        st.session_state[running] = False
        st.session_state[asked] = None


def typeable(names: Mapping[Any, str]) -> Callable[[Any], str]:
    """A selectbox's format_func whose option texts its filter finds typed without tone marks
    ("dak long", "QUANG NGAI"): the folded form rides after each name, out of sight
    (metrics.name_lookup.typeable)."""
    return lambda option: typeable_label(names[option])


def pick(
    name: str,
    label: str,
    options: Sequence[Any],
    *,
    format_func: Callable[[Any], str] = str,
    default: Any = None,
    page: str,
    widget: str = "selectbox",
    help: str | None = None,
) -> Any:
    """A selectbox whose value lives in the URL (?name=value), so a link opens the same view.

    The value is also kept for the session (`keep_<name>`), so moving between pages keeps the
    chosen area, indicator and year."""
    options = list(options)
    wkey = f"{page}__{name}"
    if not options:
        return None
    by_text = {str(o): o for o in options}
    current = st.session_state.get(wkey)
    if current not in options:
        qp = st.query_params.get(name)
        kept = st.session_state.get(f"keep_{name}")
        if qp is not None and qp in by_text:
            st.session_state[wkey] = by_text[qp]
        elif kept in options:
            st.session_state[wkey] = kept
        else:
            st.session_state[wkey] = default if default in options else options[0]
    if widget == "radio":
        value = st.radio(
            label, options, format_func=format_func, key=wkey, horizontal=True, help=help
        )
    elif widget == "segmented":
        value = st.segmented_control(
            label, options, format_func=format_func, key=wkey, required=True, help=help
        )
    else:
        value = st.selectbox(
            label,
            options,
            format_func=lambda o: typeable_label(format_func(o)),
            key=wkey,
            help=help,
        )
    st.query_params[name] = str(value)
    st.session_state[f"keep_{name}"] = value
    return value


# The province a page opens on before anyone chose one (Quảng Ngãi, the province whose reports
# the product was drawn from); Tổng quan opens on the whole country (COUNTRY_ID).
DEFAULT_PROVINCE = "P51"


def area_names(key: data.StoreKey) -> dict[str, str]:
    """The areas a page shows, id → short name: the whole country first, then every province."""
    provs = data.provinces(key)
    return {COUNTRY_ID: t("country"), **dict(zip(provs["id"], provs["short_name"], strict=True))}


def pick_area(names: Mapping[str, str], *, page: str, default: str = DEFAULT_PROVINCE) -> str:
    """The one area picker (?loc=…): the country or a province of `area_names`."""
    return pick(
        "loc", t("area"), list(names), format_func=names.__getitem__, default=default, page=page
    )


def styled(shown: ShownTable) -> Any:
    """A pandas Styler that shows each cell as its column's kind reads (metrics.table_columns)
    but sorts on the values."""
    shows = {c: _shows(k, shown.lang) for c, k in shown.kinds.items()}
    return pandas_frame(shown.frame).style.format(shows)


def pandas_frame(frame: pl.DataFrame) -> pd.DataFrame:
    """The frame in pandas, converted in this thread. pyarrow's threaded conversion waits for
    its pool holding the GIL while a pool task (an extension column) asks for the GIL: the whole
    app process hung (gdb, after writes, when every session's page is worked out anew)."""
    return frame.to_pandas(use_threads=False)


def _shows(kind: Kind, lang: str) -> Callable[[Any], str]:
    return lambda value: cell_text(None if pd.isna(value) else value, kind, lang)


def table(
    shown: ShownTable, *, height: int | Literal["auto"] = "auto", pin: str | None = None
) -> None:
    """A sortable table: numbers as the page's language writes them, years as years, "–" for a missing value
    (the grid's placeholder; it would say "None"). The grid sorts a missing value first, so a
    page keeps rows without figures out of it and names them below (`left_out`)."""
    st.dataframe(
        styled(shown),
        hide_index=True,
        height=height,
        placeholder=DASH,
        column_config={pin: st.column_config.Column(pinned=True)} if pin else None,
    )


def table_when_near(shown: ShownTable, *, key: str, height: int, pin: str | None = None) -> None:
    """`table`, drawn once its place comes near the screen (dashboard/near_view.py): a long
    grid below a page's first screen costs that first view its code and its drawing."""
    section_when_near(key, height=height, draw=lambda: table(shown, height=height, pin=pin))


@st.fragment
def section_when_near(key: str, *, height: int, draw: Callable[[], None]) -> None:
    """`draw()`, once its place comes near the screen; until then a placeholder of `height` px
    (dashboard/near_view.py). A fragment: being asked for reruns this part of the page alone,
    and so does any widget `draw` makes."""
    near_view.when_near(key, height, draw)


WIDE_TEXT_CHARS = 40  # a text column with a cell longer than this is given room (table_html)

# A table drawn as HTML (html_table): light like the page's own text, its numbers right-aligned
# in one column of figures, its first column kept in view while the rest scrolls sideways inside
# the table's box (a phone's 390 px).
TABLE_STYLE = """<style>
.xhht-table { overflow-x: auto; max-width: 100%; margin: 0 0 0.5rem; }
.xhht-table table { border-collapse: collapse; font-size: 0.875rem; min-width: 100%; }
.xhht-table caption { caption-side: top; text-align: left; font-size: 0.875rem;
  color: rgba(49, 51, 63, 0.6); padding: 0 0 0.25rem; position: sticky; left: 0;
  max-width: calc(100vw - 2rem); }
.xhht-table th, .xhht-table td { padding: 0.3rem 0.5rem; text-align: left; vertical-align: top;
  border-bottom: 1px solid rgba(49, 51, 63, 0.1); }
.xhht-table th { font-weight: 600; background: #f0f2f6; min-width: 5rem; max-width: 12rem; }
.xhht-table td { min-width: 11rem; max-width: 26rem; }
.xhht-table .num { text-align: right; }
.xhht-table td.wide { min-width: 20rem; }
.xhht-table td.num { min-width: 0; white-space: nowrap; font-variant-numeric: tabular-nums; }
.xhht-table .pin { position: sticky; left: 0; background: #fff; min-width: 9rem;
  box-shadow: 1px 0 0 rgba(49, 51, 63, 0.1); }
.xhht-table th.pin { background: #f0f2f6; }
.xhht-table.long { max-height: 36rem; overflow-y: auto; }
.xhht-table.long thead th { position: sticky; top: 0; z-index: 1; }
.xhht-table.long thead th.pin { z-index: 2; }
</style>"""


def table_html(
    shown: ShownTable, caption: str, *, pin_first: bool = False, long: bool = False
) -> str:
    """`shown` as one HTML table: its headers (`<th scope="col">`), each cell as its column's
    kind reads it (metrics.table_columns: 3.783 / 85,5 in Vietnamese, 3,783 / 85.5 in English,
    "–" when missing), figures right-aligned, every header and cell escaped (a name brought in by
    a file shows as the characters it holds). `pin_first`: the first column stays in view;
    `long`: the table scrolls inside a box of its own, its headers staying in view."""
    cols = shown.frame.columns
    # A column of long text (a source, a note) is given room to read in a few lines: squeezed to
    # the narrowest width, it made every row of its table a column of single words.
    longest = shown.frame.select(
        pl.col(c).cast(pl.String).str.len_chars().max() for c in cols if shown.kinds[c] is Kind.TEXT
    )
    wide = {
        c
        for c, n in (longest.row(0, named=True) if longest.width else {}).items()
        if (n or 0) > WIDE_TEXT_CHARS
    }

    def cls(i: int, c: str) -> str:
        names = (
            (["pin"] if pin_first and i == 0 else [])
            + (["num"] if shown.kinds[c] in DECIMALS or shown.kinds[c] is Kind.YEAR else [])
            + (["wide"] if c in wide and not (pin_first and i == 0) else [])
        )
        return f' class="{" ".join(names)}"' if names else ""

    head = "".join(f'<th scope="col"{cls(i, c)}>{html_literal(c)}</th>' for i, c in enumerate(cols))
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{cls(i, c)}>{html_literal(cell_text(v, shown.kinds[c], shown.lang))}</td>"
            for i, (c, v) in enumerate(zip(cols, row, strict=True))
        )
        + "</tr>"
        for row in shown.frame.iter_rows()
    )
    return (
        f'<div class="xhht-table{" long" if long else ""}" role="region" tabindex="0"'
        f' aria-label="{html_literal(caption)}">'
        f"<table><caption>{html_literal(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def html_table(shown: ShownTable, caption: str, *, pin_first: bool = False) -> None:
    """A table of words and a few figures, read whole (`table_html`): the browser draws it as
    text, with none of the data grid's code (1,6 MB, drawn on a canvas). It does not sort; a
    long list is a `long_table`."""
    st.html(TABLE_STYLE + table_html(shown, caption, pin_first=pin_first))


LONG_TABLE_ROWS = 25  # a long list shows this many rows until asked for all (long_table)


@st.fragment
def long_table(
    shown: ShownTable,
    caption: str,
    *,
    key: str,
    file_name: str,
    pin_first: bool = True,
) -> None:
    """A list that may run to hundreds of rows (a province's register, its former units) as an
    HTML table (`table_html`) in a box that scrolls, its headers and first column in view: the
    first LONG_TABLE_ROWS rows, a line saying how many there are, a switch for all of them, and
    every row in the CSV download. Not a data grid: its 1,6 MB of code and its canvas were laid
    out on every first view of the page, for a list seldom read to its end. A fragment: the
    switch redraws this table, not the page."""
    rows = shown.frame.height
    switch = f"{key}__all"
    if switch in st.session_state:
        # Kept while a filter leaves too few rows for the switch to show: set again, Streamlit
        # does not drop it with the widget, and the list is whole again when the filter goes.
        st.session_state[switch] = st.session_state[switch]
    every = rows <= LONG_TABLE_ROWS or bool(st.session_state.get(switch))
    part = (
        shown if every else ShownTable(shown.frame.head(LONG_TABLE_ROWS), shown.kinds, shown.lang)
    )
    st.html(
        TABLE_STYLE + table_html(part, caption, pin_first=pin_first, long=rows > LONG_TABLE_ROWS)
    )
    if rows > LONG_TABLE_ROWS:
        if not every:
            st.caption(
                t(
                    "table_first_rows",
                    shown=fmt_int(LONG_TABLE_ROWS, lang=lang()),
                    total=fmt_int(rows, lang=lang()),
                )
            )
        st.toggle(t("table_show_all", n=fmt_int(rows, lang=lang())), key=switch)
    st.download_button(
        t("download_csv"),
        data=lambda: csv_bytes(shown.frame),
        file_name=file_name,
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
    )


def text_table(rows: Sequence[Mapping[str, object]]) -> None:
    """A short table of words (every row's keys are the headers), drawn as a Markdown table:
    its text wraps to the page instead of being cut at a grid column's edge, and it needs none
    of the data grid's code (1,6 MB the browser loads, then draws on a canvas). Each cell is
    escaped, so it shows what it holds (a `|` in a source stays a `|`)."""
    if not rows:
        return
    headers = list(rows[0])

    def line(cells: Sequence[object]) -> str:
        return "| " + " | ".join(markdown_literal(c) or DASH for c in cells) + " |"

    st.markdown(
        "\n".join(
            [
                line(headers),
                "|" + "---|" * len(headers),
                *(line([r[h] for h in headers]) for r in rows),
            ]
        )
    )


def left_out(names: Sequence[str], year: int) -> None:
    """Below a table: the units or indicators without figures that year, which it leaves out."""
    if names:
        st.caption(
            t(
                "left_out",
                n=fmt_int(len(names), lang=lang()),
                year=year,
                names=", ".join(map(markdown_literal, names)),
            )
        )


@dataclasses.dataclass(frozen=True)
class Figure:
    """A figure a page shows (`figure`): what the browser draws, and how to make the plotly
    figure again for a download."""

    drawn: chart_view.Drawn
    make: Callable[[], go.Figure]


def figure(build: Callable[..., go.Figure], /, *args: Any, **kwargs: Any) -> Figure:
    """`build(*args, **kwargs)`, made once for every session that asks for the same figure:
    building a plotly figure (its validation of every property set) was half of a chart page's
    server time, and on a change of control the page waits for it. The arguments are the key
    (frames by their rows, as st.cache_data hashes them), so a write, which changes the
    frames a page reads, makes new figures."""
    name = f"{build.__module__}.{build.__qualname__}"
    return Figure(_drawn(build, name, args, kwargs), lambda: build(*args, **kwargs))


# A figure's JSON is 2–50 KB (a province's heat map the largest): a few hundred of them stay well
# inside the memory step's budget.
@st.cache_data(show_spinner=False, max_entries=256)
def _drawn(
    _build: Callable[..., go.Figure], name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> chart_view.Drawn:
    return chart_view.drawn(_build(*args, **kwargs))


def chart(
    fig: Figure,
    shown: ShownTable,
    name: str,
    *,
    key: str,
    on_select: Literal["ignore", "rerun"] = "ignore",
    source: str | None = None,
) -> Any:
    """The chart (made by `figure`), its data in an expander, and downloads (CSV of the data,
    HTML of the chart with plotly.js inside — it opens with no internet)."""
    event = chart_view.show(
        fig.drawn,
        key=key,
        on_select=on_select,
        # The toolbar's camera saves under the same name as the downloads below
        # ("gia_dinh_Quang_Ngai_2025.png"), not a name plotly makes from the title.
        config={**PLOTLY_CONFIG, "toImageButtonOptions": {"filename": file_stem(name)}},
    )
    _chart_data(fig.make, shown, name, key=key, source=source)
    return event


def ranking(
    html: str,
    make_figure: Callable[[], go.Figure],
    shown: ShownTable,
    name: str,
    *,
    key: str,
) -> Any:
    """A ranking's HTML bars (metrics.figures.ranking_html) with the same expander as `chart`:
    its data and downloads, the chart's among them (`make_figure`, made only for a download). A
    click on a row reruns the page, as a click on a chart's bar (`st.session_state[key]`)."""
    event = ranking_view.show(html, key=key)
    _chart_data(make_figure, shown, name, key=key, source=None)
    return event


@st.fragment
def _chart_data(
    make_figure: Callable[[], go.Figure],
    shown: ShownTable,
    name: str,
    *,
    key: str,
    source: str | None,
) -> None:
    """The expander under a chart. Its table and downloads are made only while it is open: a
    closed expander's content was still sent, laid out and drawn by the browser on every view
    (a data grid, six buttons), about a third of a chart page's time. Opening it reruns only
    this fragment, not the page."""
    box = st.expander(t("see_data"), key=f"{key}__data", on_change="rerun")
    if not box.open:
        return
    table = shown.frame
    fig = functools.cache(make_figure)  # made again only for a download that draws it
    with box:
        if table.height:
            st.dataframe(styled(shown), hide_index=True, placeholder=DASH)
        else:
            st.caption("–")
        slug = file_stem(name)
        downloads: list[tuple[str, Callable[[], bytes], str, str]] = [
            (t("download_csv"), lambda: csv_bytes(table), "csv", "text/csv"),
            (
                t("download_xlsx"),
                lambda: data.table_xlsx(table, name),
                "xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                t("download_html"),
                lambda: fig().to_html(include_plotlyjs=True, full_html=True).encode("utf-8"),
                "html",
                "text/html",
            ),
        ]
        if data.export_available():
            src = source or t("chart_source_default")
            downloads += [
                (
                    t("download_png"),
                    lambda: data.chart_image(fig(), src, "png"),
                    "png",
                    "image/png",
                ),
                (
                    t("download_png2"),
                    lambda: data.chart_image(fig(), src, "png", scale=2),
                    "2x.png",
                    "image/png",
                ),
                (
                    t("download_svg"),
                    lambda: data.chart_image(fig(), src, "svg"),
                    "svg",
                    "image/svg+xml",
                ),
            ]
        cols = st.columns(len(downloads))
        for col, (label, make, ext, mime) in zip(cols, downloads, strict=True):
            col.download_button(
                label,
                data=make,
                file_name=f"{slug}.{ext}",
                mime=mime,
                key=f"{key}_{ext}",
                on_click="ignore",
            )
        if not data.export_available():
            st.caption(data.export_unavailable_reason())


PLOTLY_CONFIG = {"displaylogo": False}


def later_target_text(item: IndicatorProgress) -> str | None:
    """For a status short of its target: the later target the rate already passes, if any."""
    if item.later_target_met_year and item.status != "target_met":
        return t(
            "later_target_met",
            year=item.later_target_met_year,
            scope=scope_text(item.later_target_met_scope),
            pct=fmt_pct(item.later_target_met_pct, lang=lang()),
        )
    return None


def later_target_note(item: IndicatorProgress) -> None:
    """Under a status short of its target: a later target the rate already passes, if any."""
    if note := later_target_text(item):
        st.caption(note)


def catalogue_html(words: str) -> str:
    """A catalogue sentence for HTML a page writes (st.html): escaped, its **bold** kept."""
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html_literal(words))


PROBLEMS_SHOWN = 200  # a refused file with thousands of problems shows the first ones and a count


def problems_table(
    rows: Sequence[tuple[str | None, int | None, str | None, str]], *, name: str, key: str
) -> None:
    """An import's problems (sheet, row, column, what to fix) in a table whose text wraps:
    st.table, whose cells are Markdown, so each is escaped. Past PROBLEMS_SHOWN, a count and
    every problem in a CSV."""
    frame = pl.DataFrame(
        list(rows),
        schema={"sheet": pl.String, "row": pl.Int64, "column": pl.String, "problem": pl.String},
        orient="row",
    )
    shown = shown_table(frame, frame.columns, lang())
    frame = shown.frame  # headers in the reader's language, in the CSV too
    cells = ShownTable(frame.head(PROBLEMS_SHOWN), shown.kinds, shown.lang).cells()
    st.table(
        pandas_frame(cells.with_columns(each(cells[c], markdown_literal) for c in cells.columns)),
        hide_index=True,
    )
    if frame.height > PROBLEMS_SHOWN:
        st.caption(
            t(
                "problems_first",
                shown=fmt_int(PROBLEMS_SHOWN, lang=lang()),
                total=fmt_int(frame.height, lang=lang()),
            )
        )
        st.download_button(
            t("problems_csv"),
            data=lambda: csv_bytes(frame),
            file_name=file_stem("loi", name) + ".csv",
            mime="text/csv",
            key=key,
            on_click="ignore",
        )
