"""Imported text stays text: the two escaping helpers (Streamlit Markdown, Plotly) on the nasty
cases, the spreadsheet cell rule, and the places they are applied — figures, chart images,
downloads, the workbook (`xhht export xlsx`), the deck and the report draft."""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from hostile_texts import (
    CONTROLS,
    DAK_LONG,
    EVIL,
    FORMULA,
    SOURCE_2025,
    SOURCE_2027,
    hostile_store,
)
from hypothesis import given
from hypothesis import strategies as st

from metrics import cli
from metrics.escaping import WORD_JOINER, markdown_literal, plotly_literal
from metrics.figures.comparison import heatmap, ranked_bar, status_map
from metrics.figures.progress_chart import progress_chart
from metrics.locality_progress import IndicatorProgress
from metrics.outputs import images
from metrics.outputs.cell_safety import csv_bytes, safe_cell, safe_frame, xlsx_bytes
from metrics.store import connect

ASCII_PUNCTUATION = r"[!-/:-@\[-`{-~]"


def read(markdown: str) -> str:
    """What CommonMark shows for escaped text: each backslash escape is its character; the
    word joiners are invisible."""
    return re.sub(r"\\(" + ASCII_PUNCTUATION + ")", r"\1", markdown).replace(WORD_JOINER, "")


def unescaped_punctuation(markdown: str) -> list[str]:
    """ASCII punctuation not escaped by a backslash (a pair of backslashes is one shown "\\")."""
    stripped = re.sub(r"\\" + ASCII_PUNCTUATION, "", markdown)
    return re.findall(ASCII_PUNCTUATION, stripped)


# -- Streamlit Markdown ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a\\b", "a\\\\b"),
        ("\\*x\\*", "\\\\\\*x\\\\\\*"),  # escapes in the file are shown, not obeyed
        ("$$x$$", "\\$\\$x\\$\\$"),
        ("giá $5 và $6", "giá \\$5 và \\$6"),
        (":red[x]", "\\:red\\[x\\]"),
        (":material/home: :smile:", "\\:material\\/home\\: \\:smile\\:"),
        ("<script>alert(1)</script>", "\\<script\\>alert\\(1\\)\\<\\/script\\>"),
        ("[a](b)", "\\[a\\]\\(b\\)"),
        ("![a](b)", "\\!\\[a\\]\\(b\\)"),
        ("`mã` ```", "\\`mã\\` \\`\\`\\`"),
        ("dòng 1\n# dòng 2\r\n\n- dòng 3", "dòng 1 \\# dòng 2 \\- dòng 3"),
        ("# Tiêu đề", "\\# Tiêu đề"),
        ("| a | b |\n|---|---|", "\\| a \\| b \\| \\|\\-\\-\\-\\|\\-\\-\\-\\|"),
        ("&amp; &#60;", "\\&amp\\; \\&\\#60\\;"),
        ("**đậm** _nghiêng_ ~~gạch~~", "\\*\\*đậm\\*\\* \\_nghiêng\\_ \\~\\~gạch\\~\\~"),
        ("Quyết định 387/QĐ-TTg", "Quyết định 387\\/QĐ\\-TTg"),
        (None, ""),
    ],
)
def test_markdown_literal_escapes_every_markup_character(text: str | None, escaped: str) -> None:
    assert markdown_literal(text) == escaped
    assert read(escaped) == " ".join((text or "").split())


@pytest.mark.parametrize(
    "text",
    [
        "https://evil.example",
        "[Bấm vào đây](https://evil.example)",
        "HTTP://EVIL.EXAMPLE/x",
        "www.evil.example và WWW.evil.example",
        "thư a@evil.example",
        "<https://evil.example>",
    ],
)
def test_markdown_literal_keeps_addresses_from_becoming_links(text: str) -> None:
    """Streamlit links bare URLs and e-mail addresses in text (GFM autolink literals), escapes
    or not: a word joiner sits inside every "://", after "www" and before "@"."""
    out = markdown_literal(text)
    shown = read(out.replace(WORD_JOINER, "\x00"))  # keep the joiners visible here
    assert "://" not in shown and "@" not in shown.replace("\x00@", "")
    assert not re.search(r"(?i)www\.", shown)
    assert read(out) == text


@given(st.text())
def test_markdown_literal_shows_any_text_as_typed(text: str) -> None:
    out = markdown_literal(text)
    assert unescaped_punctuation(out) == []
    assert "\n" not in out and "\r" not in out
    assert read(out) == " ".join(text.split())


# -- Plotly -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        (
            '<a href="https://evil.example">x</a>',
            '&lt;a href="https://evil.example"&gt;x&lt;/a&gt;',
        ),
        ("<b>đậm</b><br>", "&lt;b&gt;đậm&lt;/b&gt;&lt;br&gt;"),
        ("&amp; &lt;", "&amp;amp; &amp;lt;"),  # shown as typed, not as "& <"
        ("a < b > c", "a &lt; b &gt; c"),
        ("**x** $y$ [a](b)", "**x** $y$ [a](b)"),  # Plotly reads no Markdown
        ("đỏ\x07\x1b[31m\x00", "đỏ[31m"),  # control characters have no glyph
        (None, ""),
    ],
)
def test_plotly_literal(text: str | None, escaped: str) -> None:
    assert plotly_literal(text) == escaped


def _item(**kw: object) -> IndicatorProgress:
    base: dict = dict(
        locality_code="23368",
        locality_name="Xã <b>Đăk</b> Long",
        indicator="gia_dinh",
        year=2025,
        total=1000,
        registered=None,
        recognized=550,
        rate_pct=55.0,
        rate_registered_pct=None,
        target_pct=70.0,
        target_year=2025,
        target_source="QĐ 387",
        target_2030_pct=85.0,
        status="limited",
        projected_pct=56.0,
        required_pp_per_year=None,
        reporting_communes=1,
        communes_in_area=1,
        sources=[f'<a href="{EVIL}">Bấm</a> &amp;'],
    )
    base.update(kw)
    return IndicatorProgress(**base)


def test_progress_chart_title_and_source_line_are_text() -> None:
    series = pl.DataFrame({"year": [2024, 2025], "rate_pct": [50.0, 55.0]})
    fig = progress_chart(series, _item())
    assert fig.layout.title.text == "Gia đình học tập — Xã &lt;b&gt;Đăk&lt;/b&gt; Long"
    subtitle = fig.layout.title.subtitle.text
    assert subtitle == f'Nguồn: &lt;a href="{EVIL}"&gt;Bấm&lt;/a&gt; &amp;amp;'
    # the HTML page download carries the same escaped text
    assert f'<a href="{EVIL}"' not in fig.to_html(include_plotlyjs=False)


def test_ranked_bar_names_are_text_on_the_axis_and_in_the_hover() -> None:
    children = pl.DataFrame(
        {
            "locality_id": ["X1", "X2"],
            "short_name": ["<b>An</b> Phú", "Ba & Tơ"],
            "indicator": ["gia_dinh"] * 2,
            "year": [2025] * 2,
            "rate_pct": [72.5, 60.0],
            "target_pct": [70.0, 70.0],
            "plan_pct": [103.6, 85.7],
            "status": ["target_met", "too_slow"],
            "total": [1000, 2000],
            "lat": [15.1, 14.8],
            "lon": [108.8, 108.6],
        }
    )
    bar = ranked_bar(children, indicator="gia_dinh", locality_name="<i>P</i>", highlight_id="X1")
    assert list(bar.data[0].y) == ["Ba &amp; Tơ", "&lt;b&gt;An&lt;/b&gt; Phú"]
    assert bar.layout.annotations[0].y == "&lt;b&gt;An&lt;/b&gt; Phú"  # the highlight marker
    assert "&lt;i&gt;P&lt;/i&gt;" in bar.layout.title.text
    heat = heatmap(children, locality_name="P")
    assert "&lt;b&gt;An&lt;/b&gt; Phú" in list(heat.data[0].y)
    scatter = status_map(children, indicator="gia_dinh")
    assert {n for t in scatter.data for n in t.text} == {"&lt;b&gt;An&lt;/b&gt; Phú", "Ba &amp; Tơ"}


def test_print_layout_source_line_and_subtitle_are_text() -> None:
    fig = progress_chart(pl.DataFrame({"year": [2025], "rate_pct": [55.0]}), _item())
    out = images.for_print(
        fig, source=f'<a href="{EVIL}">x</a>', synthetic=False, subtitle="<b>s</b>"
    )
    assert out.layout.annotations[-1].text == f'Nguồn: &lt;a href="{EVIL}"&gt;x&lt;/a&gt;'
    assert out.layout.title.subtitle.text == "&lt;b&gt;s&lt;/b&gt;"


# -- Spreadsheet cells ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        (FORMULA, "'" + FORMULA),
        ("+84 912", "'+84 912"),
        ("-3,5", "'-3,5"),  # text that looks like a number is still text
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Báo cáo = 3", "Báo cáo = 3"),
        ("–", "–"),
        ("", ""),
        (-3.5, -3.5),
        (0, 0),
        (None, None),
    ],
)
def test_safe_cell(value: object, safe: object) -> None:
    assert safe_cell(value) == safe


FRAME = pl.DataFrame(
    {
        "Nguồn": [FORMULA, "-3,5", "Báo cáo số 45", None],
        "Loại": pl.Series(["@x", "Xã", "Xã", "Xã"], dtype=pl.Categorical),
        "Tỷ lệ (%)": [-3.5, 0.0, 85.5, None],
        "Năm": [2025, 2024, 2023, 2022],
    }
)


def test_safe_frame_changes_text_columns_only() -> None:
    safe = safe_frame(FRAME)
    assert safe["Nguồn"].to_list() == ["'" + FORMULA, "'-3,5", "Báo cáo số 45", None]
    assert safe["Loại"].to_list() == ["'@x", "Xã", "Xã", "Xã"]
    assert safe["Tỷ lệ (%)"].to_list() == [-3.5, 0.0, 85.5, None]
    assert safe.schema["Năm"] == pl.Int64


def test_csv_download_neutralises_formulas_and_keeps_numbers() -> None:
    text = csv_bytes(FRAME).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[
        1
    ] == '\'=HYPERLINK(""https://evil.example/?q=1"",""Bấm"")",\'@x,-3.5,2025'.replace(
        "'=HYPERLINK", "\"'=HYPERLINK"
    )
    assert lines[2] == '"\'-3,5",Xã,0.0,2024'


def _cells(content: bytes) -> list[list[openpyxl.cell.cell.Cell]]:
    return [list(r) for r in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows()]


@pytest.mark.parametrize("make", ["cell_safety", "dashboard"])
def test_xlsx_download_writes_formulas_as_text_and_numbers_as_numbers(make: str) -> None:
    if make == "dashboard":  # the chart's "Số liệu (XLSX)" button
        from dashboard.data import table_xlsx

        content = table_xlsx(FRAME, "ban_do")
    else:
        content = xlsx_bytes(FRAME, "Số liệu")
    rows = _cells(content)
    assert [c.value for c in rows[0]] == ["Nguồn", "Loại", "Tỷ lệ (%)", "Năm"]
    assert (rows[1][0].value, rows[1][0].data_type) == ("'" + FORMULA, "s")
    assert (rows[2][0].value, rows[2][0].data_type) == ("'-3,5", "s")
    assert (rows[1][2].value, rows[1][2].data_type) == (-3.5, "n")
    assert (rows[1][3].value, rows[1][3].data_type) == (2025, "n")


def test_cli_workbook_writes_a_formula_name_as_text(demo_db: Path, tmp_path: Path) -> None:
    """`xhht export xlsx`: a unit whose name starts a formula is a text cell (xlsxwriter's write()
    would have made it a formula), its figures numbers."""
    import shutil

    store = tmp_path / "store.duckdb"
    shutil.copy(demo_db, store)
    con = connect(store)
    con.execute(
        "UPDATE localities SET name = ?, short_name = ? WHERE id = ?", [FORMULA, FORMULA, DAK_LONG]
    )
    con.close()
    out = tmp_path / "qn.xlsx"
    assert (
        cli.main(
            [
                "export",
                "xlsx",
                "--locality",
                "P51",
                "--year",
                "2025",
                "-o",
                str(out),
                "--db",
                str(store),
            ]
        )
        == 0
    )
    rows = [r for ws in openpyxl.load_workbook(out).worksheets for r in ws.iter_rows()]
    named = [r for r in rows if r[1].value and "HYPERLINK" in str(r[1].value)]
    assert named, "xã Đăk Long is listed on the indicators' sheets"
    for row in named:
        assert (row[1].value, row[1].data_type) == ("'" + FORMULA, "s")
        assert row[0].data_type == "n" and row[2].data_type == "n"
    assert any(isinstance(r[2].value, int) for r in named)  # its figures are numbers
    assert all(c.data_type != "f" for r in rows for c in r)


# -- Deck, report draft and chart images on a store holding hostile sources ---------------------


@pytest.fixture(scope="module")
def hostile_con(demo_db: Path, tmp_path_factory: pytest.TempPathFactory):
    con = connect(hostile_store(demo_db, tmp_path_factory.mktemp("hostile")), read_only=True)
    yield con
    con.close()


def _no_links(content: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        xml = " ".join(
            z.read(n).decode("utf-8", "replace")
            for n in z.namelist()
            if n.endswith((".xml", ".rels"))
        )
    assert (
        "hlinkClick" not in xml
        and "<w:hyperlink" not in xml
        and 'evil.example" TargetMode' not in xml
    )


@pytest.mark.chromium
def test_deck_and_report_print_imported_sources_as_typed(hostile_con) -> None:
    from docx import Document
    from pptx import Presentation

    from metrics.outputs.deck import build_deck
    from metrics.outputs.report_draft import build_report

    deck = io.BytesIO()
    build_deck(hostile_con, DAK_LONG, 2025, deck)
    sources = [
        shape.text_frame.text
        for shape in list(Presentation(io.BytesIO(deck.getvalue())).slides)[-1].shapes
        if shape.has_text_frame
    ]
    assert any(f"• {SOURCE_2025}" in t for t in sources), sources
    _no_links(deck.getvalue())

    report = io.BytesIO()
    build_report(hostile_con, DAK_LONG, 2025, report)
    text = "\n".join(p.text for p in Document(io.BytesIO(report.getvalue())).paragraphs)
    assert f"Theo {FORMULA}:" in text
    assert f"Theo {SOURCE_2027.replace(CONTROLS, '[31m')}:" in text  # no control characters
    _no_links(report.getvalue())


@pytest.mark.chromium
def test_chart_image_draws_imported_source_as_text(hostile_con) -> None:
    from metrics.outputs.context import chart_export

    svg = chart_export(hostile_con, DAK_LONG, 2025, "gia_dinh", "svg").decode("utf-8")
    assert re.search(r"<a[\s>]", svg) is None  # no link element
    text = html.unescape(svg)
    assert f"Nguồn: {SOURCE_2025}" in text  # the tags and the image address, drawn as text


@pytest.mark.chromium
def test_chart_image_with_control_characters_in_its_source() -> None:
    """A source carrying control characters made plotly.js fail the whole image (Error 525)."""
    fig = progress_chart(
        pl.DataFrame({"year": [2024, 2025], "rate_pct": [50.0, 55.0]}),
        _item(sources=[f"Báo cáo {CONTROLS}đỏ"]),
    )
    out = images.for_print(fig, source=f"Báo cáo {CONTROLS}đỏ", synthetic=False)
    png = images.export_server().image_bytes(out, "png")
    assert png.startswith(b"\x89PNG")


def test_downloads_read_right_in_a_vietnamese_excel(tmp_path) -> None:
    import openpyxl
    import polars as pl

    from metrics.outputs.cell_safety import csv_bytes, xlsx_bytes

    frame = pl.DataFrame(
        {"Năm": [2021, 2025], "Tổng số": [3783, 15500], "Tỷ lệ (%)": [81.47461641437545, 5.06]}
    )
    # CSV: fractions as the page shows them, years and counts as they are.
    assert csv_bytes(frame).decode("utf-8-sig").splitlines() == [
        "Năm,Tổng số,Tỷ lệ (%)",
        "2021,3783,81.5",
        "2025,15500,5.1",
    ]
    path = tmp_path / "t.xlsx"
    path.write_bytes(xlsx_bytes(frame, "Bảng"))
    ws = openpyxl.load_workbook(path)["Bảng"]
    assert [ws["A2"].value, ws["A2"].number_format] == [2021, "0"]  # never "2.021"
    assert ws["B3"].value == 15500 and ws["B3"].number_format.startswith("#,##0")
    assert ws["C2"].value == 81.47461641437545 and ws["C2"].number_format == "#,##0.0"


def test_html_table_shows_hostile_names_as_text() -> None:
    # Hồ sơ's tables are HTML the page writes (dashboard.ui.table_html): a name or source
    # brought in by a file is escaped in every cell and header, and reads as typed.
    from html_elements import read

    from dashboard.ui import table_html
    from metrics.table_columns import Kind, ShownTable

    img = "<img src=x onerror=alert(1)>"
    frame = pl.DataFrame(
        {
            "Tên": [img, FORMULA, SOURCE_2025],
            f"Tỷ lệ {img}": [85.5, None, 3783.0],
        }
    )
    for lang, numbers in (("vi", ["85,5", "–", "3.783"]), ("en", ["85.5", "–", "3,783"])):
        shown = ShownTable.of(frame, {"Tên": Kind.TEXT, f"Tỷ lệ {img}": Kind.RATE}, lang)
        markup = table_html(shown, f"Bảng {img}")
        reader = read(markup)
        assert set(reader.tags) == {"div", "table", "caption", "thead", "tr", "th", "tbody", "td"}
        [table] = reader.tables
        assert table["caption"] == f"Bảng {img}"
        assert table["headers"] == ["Tên", f"Tỷ lệ {img}"]
        assert [row[0] for row in table["rows"]] == [img, FORMULA, SOURCE_2025]
        assert [row[1] for row in table["rows"]] == numbers
        assert "<img" not in markup and '="x"' not in markup
