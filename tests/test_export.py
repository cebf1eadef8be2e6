"""Exports opened as a user would open them (python-pptx, openpyxl, python-docx, Pillow), made
with a real Chromium through kaleido."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from PIL import Image, ImageStat
from pptx import Presentation

from metrics.fmt import fmt_int, fmt_pct
from metrics.locality_progress import progress_for
from metrics.outputs import context, deck, images, report_draft, workbook


@pytest.fixture(scope="module")
def deck_qn(demo_con, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("deck") / "qn.pptx"
    deck.build_deck(demo_con, "P51", 2025, out)
    return out


def _slide_texts(slide) -> list[str]:
    texts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            texts.append(shape.text_frame.text)
        if shape.has_table:
            for row in shape.table.rows:
                texts.append(" | ".join(cell.text for cell in row.cells))
    return texts


@pytest.mark.chromium
def test_province_deck_slides_titles_and_figures(deck_qn: Path, demo_con) -> None:
    prs = Presentation(str(deck_qn))
    assert prs.slide_width / prs.slide_height == pytest.approx(16 / 9, rel=1e-3)
    slides = list(prs.slides)
    # title, summary, the 10 indicators with a 2025 figure, status counts, 5 rankings, sources:
    # Đơn vị học tập cấp tỉnh, cấp huyện (cũ) has no 2025 figure here, so no slide.
    shown = [it for it in progress_for(demo_con, "P51", 2025) if it.has_data]
    assert [it.indicator for it in progress_for(demo_con, "P51", 2025) if not it.has_data] == [
        "don_vi_cap_tinh"
    ]
    assert len(slides) == 2 + len(shown) + 1 + 5 + 1 == 19
    titles = [_slide_texts(s)[0] for s in slides]
    assert titles[0] == "KẾT QUẢ XÂY DỰNG XÃ HỘI HỌC TẬP NĂM 2025"
    assert titles[1] == "Tổng hợp các chỉ tiêu năm 2025 — Tỉnh Quảng Ngãi"
    assert titles[2] == "Gia đình học tập"
    assert titles[2 : 2 + len(shown)] == [it.indicator_label for it in shown]
    assert titles[12] == "Số xã, phường theo đánh giá tiến độ, năm 2025"
    # Titles are the layouts' title placeholders: PowerPoint's outline lists every slide.
    assert all(
        s.shapes.title is not None and s.shapes.title.text == t
        for s, t in zip(slides, titles, strict=True)
    )
    assert titles[13] == "Xếp hạng các xã, phường: Gia đình học tập"
    assert titles[-1] == "Nguồn số liệu và căn cứ"

    items = {it.indicator: it for it in progress_for(demo_con, "P51", 2025)}
    gd = items["gia_dinh"]
    summary = "\n".join(_slide_texts(slides[1]))
    # 92 of the 96 communes reported in 2025: the counts say the figure is partial.
    assert gd.partial_note == "chưa đủ: 92/96 xã báo cáo"
    # The partial note is said once, under the table; the row points to it.
    counts = f"{fmt_int(gd.recognized)}/{fmt_int(gd.total)}¹"
    expected_row = (
        f"Gia đình học tập | {counts} | {fmt_pct(gd.rate_pct)} | 70% (2025) | "
        "Quyết định số 387/QĐ-TTg"
    )
    assert expected_row in summary
    assert "¹ Số liệu chưa đủ: 92/96 xã báo cáo." in summary
    key_numbers = "\n".join(_slide_texts(slides[2]))
    assert f"Tỷ lệ năm 2025: {fmt_pct(gd.rate_pct)}" in key_numbers
    assert f"Đạt {fmt_pct(gd.plan_pct, 0)} kế hoạch" in key_numbers
    assert "Mục tiêu năm 2025: 70% (Quyết định số 387/QĐ-TTg)" in key_numbers
    # Every slide says the data is illustrative; every chart slide carries a picture.
    for slide in slides:
        assert any("Dữ liệu minh họa" in t for t in _slide_texts(slide))
    assert sum(1 for s in slides[2:12] for sh in s.shapes if sh.shape_type == 13) == 10  # PICTURE
    runs = [
        r
        for s in slides
        for sh in s.shapes
        if sh.has_text_frame
        for p in sh.text_frame.paragraphs
        for r in p.runs
    ]
    assert {r.font.name for r in runs} == {"Arial"}


@pytest.mark.chromium
def test_commune_deck_has_no_ranking(demo_con, tmp_path: Path) -> None:
    out = tmp_path / "dl.pptx"
    n = deck.build_deck(demo_con, "X23368", 2025, out)
    prs = Presentation(str(out))
    with_figures = [it for it in progress_for(demo_con, "X23368", 2025) if it.has_data]
    assert n == len(prs.slides) == 2 + len(with_figures) + 1  # title, summary, indicators, sources
    assert _slide_texts(prs.slides[0])[1] == "Xã Đăk Long, tỉnh Quảng Ngãi"


def test_workbook_layout_and_values(demo_con, tmp_path: Path) -> None:
    out = tmp_path / "qn.xlsx"
    workbook.build_workbook(demo_con, "P51", 2025, out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Tổng hợp"
    # The summary, the place's context (tests/test_place_context.py), one sheet per indicator,
    # then the register's lists (tests/test_recognition_exports.py).
    assert wb.sheetnames[1] == "Đặc điểm địa bàn"
    indicator_sheets = [n for n in wb.sheetnames[2:] if not n.startswith("Danh sách")]
    assert len(indicator_sheets) == 11 and wb.sheetnames[2:13] == indicator_sheets
    ws = wb["Tổng hợp"]
    assert ws["A1"].value == "KẾT QUẢ XÂY DỰNG XÃ HỘI HỌC TẬP NĂM 2025 — TỈNH QUẢNG NGÃI"
    assert ws["A2"].value.startswith("Dữ liệu minh họa")
    # Said once above the table: where the figures and the targets come from.
    assert ws["A3"].value.startswith("Nguồn số liệu: Dữ liệu minh họa")
    assert (
        ws["A4"].value.startswith("Mục tiêu: ")
        and "Quyết định số 387/QĐ-TTg ngày" in ws["A4"].value
    )
    header = [c.value for c in ws[6]]
    assert header == [
        "STT",
        "Chỉ tiêu",
        "Tổng số",
        "Đăng ký",
        "Công nhận",
        "Tỷ lệ %",
        "Mục tiêu %",
        "Năm mục tiêu",
        "Nguồn mục tiêu",
        "Đạt % kế hoạch",
        "Đánh giá tiến độ",
        "Đơn vị báo cáo",
    ]
    assert ws.freeze_panes == "C7"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9  # A4
    assert ws.print_title_rows == "$6:$6"  # the header row repeats on every printed page
    gd = next(it for it in progress_for(demo_con, "P51", 2025) if it.indicator == "gia_dinh")
    row = [c.value for c in ws[7]]
    assert row[:5] == [1, "Gia đình học tập", gd.total, gd.registered, gd.recognized]
    assert row[5] == round(gd.rate_pct, 1)
    assert row[6:9] == [70, 2025, "Quyết định số 387/QĐ-TTg"]
    assert row[10] == "✖ Chưa đạt mục tiêu năm 2025"  # 65,2% < 70% in the target's own year
    assert row[11] == "chưa đủ: 92/96 xã báo cáo"
    assert ws["C7"].number_format == "#,##0" and ws["H7"].number_format == "0"
    assert ws.column_dimensions["B"].width > 30
    # One sheet per indicator lists every commune, ranked, with a total row.
    sheet = wb["Gia đình HT"]
    assert [c.value for c in sheet[6]] == header[:1] + ["Đơn vị"] + header[2:]
    names = [sheet.cell(r, 2).value for r in range(7, sheet.max_row + 1)]
    assert len(names) == 96 + 1
    assert names[-1] == "Tổng cộng Tỉnh Quảng Ngãi"
    assert sheet.cell(sheet.max_row, 5).value == gd.recognized
    # A commune is its own one report: no "1/1 xã báo cáo" down the column.
    assert {sheet.cell(r, 12).value for r in range(7, sheet.max_row)} <= {None, ""}


@pytest.mark.chromium
def test_report_draft_sentences_style_and_footer(demo_con, tmp_path: Path) -> None:
    out = tmp_path / "dl.docx"
    report_draft.build_report(demo_con, "X23368", 2025, out)
    doc = Document(str(out))
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert doc.styles["Normal"].font.size.pt == 14
    text = "\n".join(p.text for p in doc.paragraphs)
    gd = next(it for it in progress_for(demo_con, "X23368", 2025) if it.indicator == "gia_dinh")
    sentence = report_draft.indicator_sentence(gd, 2025)
    assert sentence.removesuffix(".") in text  # the draft adds the later target it passes
    assert sentence.startswith(
        f"Tỷ lệ hộ gia đình được công nhận danh hiệu “Gia đình học tập” đạt {fmt_pct(gd.rate_pct)}"
    )
    assert "bằng" in sentence and "kế hoạch năm 2025" in sentence
    # The commune's own targets for the next period come from its plan, with the pace each needs.
    assert "- Đến năm 2026: 50% hộ gia đình được công nhận danh hiệu “Gia đình học tập” (" in text
    assert "- Đến năm 2030: 85% hộ gia đình được công nhận danh hiệu “Gia đình học tập” (" in text
    assert report_draft.REORGANISATION_NOTE in text  # the 2025 reorganisation, said once
    assert text.count("34 tỉnh, thành phố và 3.321 xã") == 1
    assert "Bản dự thảo" in section.footer.paragraphs[0].text
    assert "Dữ liệu minh họa" in section.footer.paragraphs[0].text
    summary = next(t for t in doc.tables if t.rows[0].cells[1].text == "Chỉ tiêu")
    assert summary.rows[1].cells[1].text == "Gia đình học tập"
    assert len(doc.inline_shapes) >= 9  # the charts
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "2.1. Xây dựng mô hình “Gia đình học tập”" in headings
    # Cán bộ khuyến học is an indicator of the programme, not a learning model.
    assert not any("mô hình “Cán bộ khuyến học”" in h for h in headings)
    assert any(h.endswith(". Đội ngũ cán bộ khuyến học") for h in headings)


@pytest.mark.chromium
def test_png_size_not_blank_and_svg_text(demo_con) -> None:
    png = context.chart_export(demo_con, "P51", 2025, "gia_dinh", "png")
    image = Image.open(io.BytesIO(png))
    assert image.size == (1920, 1080)
    assert max(ImageStat.Stat(image.convert("L")).stddev) > 10  # lines and text, not a blank page
    big = Image.open(
        io.BytesIO(context.chart_export(demo_con, "P51", 2025, "gia_dinh", "png", scale=2))
    )
    assert big.size == (3840, 2160)
    svg = context.chart_export(demo_con, "P51", 2025, "gia_dinh", "svg").decode("utf-8")
    assert "Gia đình học tập — Tỉnh Quảng Ngãi" in svg
    assert "Tỉnh Quảng Ngãi · năm 2025" in svg
    assert "Dữ liệu minh họa" in svg and "Nguồn:" in svg


def test_chart_data_is_the_chart_series(demo_con) -> None:
    data = context.chart_data(demo_con, "P51", "gia_dinh")
    gd = next(it for it in progress_for(demo_con, "P51", 2025) if it.indicator == "gia_dinh")
    assert data.columns[:4] == ["Năm", "Tổng số", "Đăng ký", "Công nhận"]
    last = data.filter(data["Năm"] == 2025).row(0, named=True)
    assert last["Công nhận"] == gd.recognized and last["Tổng số"] == gd.total


def test_missing_browser_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images, "BROWSER_CANDIDATES", ("/nonexistent/chromium",))
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setattr(images.shutil, "which", lambda name: None)
    with pytest.raises(images.ExportError, match="apt-get install chromium"):
        images.ExportServer().start()


@pytest.mark.chromium
def test_sessions_exporting_at_once_each_get_their_own_chart() -> None:
    """kaleido's shared sync server can hand one caller another's image; ours may not."""
    import plotly.graph_objects as go

    server = images.ExportServer()
    figs = [
        go.Figure(go.Bar(x=["A", "B"], y=[i, 10 - i]), layout={"title": f"Xã số {i}"})
        for i in range(6)
    ]
    try:
        one_by_one = [server.image_bytes(f, "png", scale=0.25) for f in figs]
        assert len(set(one_by_one)) == len(figs)  # PNG is byte-stable here; SVG ids are random
        at_once: list[bytes | None] = [None] * len(figs)

        def export(i: int) -> None:
            at_once[i] = server.image_bytes(figs[i], "png", scale=0.25)

        threads = [threading.Thread(target=export, args=(i,)) for i in range(len(figs))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert at_once == one_by_one
    finally:
        server.close()


@pytest.mark.chromium
def test_a_browser_that_died_is_started_again() -> None:
    import plotly.graph_objects as go

    server = images.ExportServer()
    fig = go.Figure(go.Bar(x=["A"], y=[1]), layout={"title": "Sau khi trình duyệt tắt"})
    try:
        server.start()
        os.kill(server._kaleido.subprocess.pid, signal.SIGKILL)  # as the kernel's OOM killer would
        svg = server.image_bytes(fig, "svg")
        assert "Sau khi trình duyệt tắt".encode() in svg
    finally:
        server.close()


@pytest.mark.chromium
def test_a_batch_of_images_comes_back_in_order_across_page_reloads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A deck's charts go to the browser together (ExportServer.images), two pages drawing at
    once, each reloaded after RELOAD_EVERY images: every image is its own figure's, in order."""
    import plotly.graph_objects as go

    monkeypatch.setattr(images, "RELOAD_EVERY", 3)  # several reloads in a short test
    server = images.ExportServer()
    figs = [
        go.Figure(go.Bar(x=["A", "B"], y=[i, 20 - i]), layout={"title": f"Xã số {i}"})
        for i in range(14)
    ]
    try:
        batch = server.images(iter(figs), "png", scale=0.25)
        assert len(batch) == len(figs) and len(set(batch)) == len(figs)
        assert batch == [server.image_bytes(f, "png", scale=0.25) for f in figs]
        svgs = server.images(figs[:4], "svg")
        assert [f"Xã số {i}".encode() in svg for i, svg in enumerate(svgs)] == [True] * 4
    finally:
        server.close()


@pytest.mark.chromium
def test_a_batch_survives_a_browser_that_died() -> None:
    import plotly.graph_objects as go

    server = images.ExportServer()
    figs = [go.Figure(go.Bar(x=["A"], y=[i + 1]), layout={"title": f"Lô {i}"}) for i in range(5)]
    try:
        server.start()
        os.kill(server._kaleido.subprocess.pid, signal.SIGKILL)
        svgs = server.images(figs, "svg")
        assert [f"Lô {i}".encode() in svg for i, svg in enumerate(svgs)] == [True] * 5
    finally:
        server.close()


def test_kaleido_still_has_the_page_reload_step_the_server_spaces_out() -> None:
    """images._kaleido_class overrides kaleido's private `_return_kaleido_tab` (reload a page,
    put it back among the free ones). A kaleido without it would reload after every image again,
    three times slower and silently: this test says so at the upgrade instead."""
    import inspect

    import kaleido

    step = getattr(kaleido.Kaleido, "_return_kaleido_tab", None)
    assert step is not None and inspect.iscoroutinefunction(step)
    assert list(inspect.signature(step).parameters) == ["self", "tab"]
    source = inspect.getsource(step)
    assert "tab.reload()" in source and "self.tabs_ready.put(tab)" in source
    ours = images._kaleido_class()
    assert issubclass(ours, kaleido.Kaleido)
    assert "_return_kaleido_tab" in vars(ours)


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "metrics.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


@pytest.mark.chromium
def test_cli_export(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "qn.xlsx"
    done = _cli(
        "export",
        "xlsx",
        "--db",
        str(demo_db),
        "--locality",
        "Quảng Ngãi",
        "--year",
        "2025",
        "-o",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert "Đã xuất" in done.stdout and out.exists()
    wrong = _cli(
        "export",
        "png",
        "--db",
        str(demo_db),
        "--locality",
        "Quảng Ngãi",
        "--year",
        "2025",
        "-o",
        str(tmp_path / "x.jpg"),
    )
    assert wrong.returncode == 1
    assert "phải có đuôi .png" in wrong.stderr
    no_ind = _cli(
        "export",
        "svg",
        "--db",
        str(demo_db),
        "--locality",
        "Quảng Ngãi",
        "--year",
        "2025",
        "-o",
        str(tmp_path / "x.svg"),
    )
    assert no_ind.returncode == 1 and "--indicator" in no_ind.stderr
    usage = _cli(
        "export",
        "gif",
        "--db",
        str(demo_db),
        "--locality",
        "Quảng Ngãi",
        "--year",
        "2025",
        "-o",
        "x.gif",
    )
    assert usage.returncode == 2


# Exports one after another: Chromium's profile removed while the browser runs breaks only now
# and then (asyncio's "Task was destroyed" after a refusal while Chromium starts, a traceback
# "Directory not empty: 'Default'" after an export), so each kind is run several times.
EXPORT_ROUNDS = 3
REFUSED_ROUNDS = 5


@pytest.mark.chromium
def test_exports_end_cleanly_and_leave_no_browser_profile(demo_db: Path, tmp_path: Path) -> None:
    """Each `xhht export png/pptx` exits 0 with nothing on stderr (no traceback of Chromium's
    profile removed under the running browser), one refused while Chromium is still starting
    prints its refusal alone, and none leaves a temporary folder behind."""
    # The exports' temporary folders, Chromium's profile among them: a short path, since
    # Chromium's socket in its profile must fit a Unix socket's 108 bytes.
    with tempfile.TemporaryDirectory(prefix="xhht-") as short:
        _export_rounds(demo_db, tmp_path, Path(short))


def _export_rounds(demo_db: Path, tmp_path: Path, temp: Path) -> None:
    env = {**os.environ, "TMPDIR": str(temp)}
    where = ["--db", str(demo_db), "--year", "2025", "--locality"]
    for i in range(EXPORT_ROUNDS):
        for kind, extra in (("png", ["--indicator", "gia_dinh"]), ("pptx", [])):
            out = tmp_path / f"qn{i}.{kind}"
            done = _cli("export", kind, *where, "Quảng Ngãi", *extra, "-o", str(out), env=env)
            assert (done.returncode, done.stderr) == (0, ""), f"{kind} #{i}: {done.stderr}"
            assert "Đã xuất" in done.stdout and out.stat().st_size > 10_000
            assert list(temp.iterdir()) == [], f"{kind} #{i}"
    nowhere = "Xã Không Có Thật"
    for i in range(REFUSED_ROUNDS):
        refused = _cli(
            "export", "png", *where, nowhere, "--indicator", "gia_dinh", "-o", "x.png", env=env
        )
        assert refused.returncode == 1
        lines = refused.stderr.splitlines()
        assert lines[0].startswith(f"Lỗi: Không tìm thấy địa bàn “{nowhere}”")
        # then only its suggestions: "Có phải là:" and "  - …" lines
        assert [x for x in lines[1:] if x != "Có phải là:" and not x.startswith("  - ")] == []
        assert list(temp.iterdir()) == [], f"refused #{i}"


@pytest.mark.chromium
def test_the_app_stopped_closes_its_chart_browser(demo_db: Path, tmp_path: Path) -> None:
    """The dashboard stopped as a service manager stops it (SIGTERM), after its export page
    started Chromium for chart images: no traceback in its log, nothing left in its temporary
    folder (Chromium's profile removed once Chromium has ended)."""
    from stream_client import StreamClient

    from bench.app_server import app_servers

    with tempfile.TemporaryDirectory(prefix="xhht-") as short:  # short: Chromium's socket path
        temp = Path(short)
        with app_servers(demo_db, log_dir=tmp_path, env_extra={"TMPDIR": short}) as [server]:
            with StreamClient(server.url) as client:
                client.run_page("export", "loc=P51&year=2025")
            deadline = time.monotonic() + 90  # a cold Chromium on a busy two-core machine
            while not list(temp.glob("*/Default")) and time.monotonic() < deadline:
                time.sleep(0.3)
            assert list(temp.glob("*/Default")), "the export page started no Chromium"
        log = server.log.read_text(errors="replace")
        assert server.proc.returncode in (0, -signal.SIGTERM), log[-3000:]
        assert "Traceback" not in log, log[-3000:]
        assert list(temp.iterdir()) == []


@pytest.mark.chromium
def test_a_ranking_of_every_commune_names_every_commune_in_its_image(demo_con) -> None:
    import re

    from metrics.figures.comparison import ranked_bar
    from metrics.locality_progress import children_progress

    kids = children_progress(demo_con, "P51", 2025, ["gia_dinh"])
    ranked = kids.filter(kids["rate_pct"].is_not_null())
    assert ranked.height > 90
    fig = images.for_print(
        ranked_bar(kids, indicator="gia_dinh", locality_name="Quảng Ngãi"),
        source="Bảng theo dõi",
        synthetic=True,
    )
    assert fig.layout.height >= 28 * ranked.height  # taller than a slide, not squeezed
    svg = images.export_server().image_bytes(fig, "svg").decode()
    assert len(re.findall(r'class="ytick"', svg)) == ranked.height  # every commune named
    assert "Đặng Thùy Trâm" in svg and "Đăk Long" in svg


@pytest.mark.chromium
@pytest.mark.parametrize("place", ["P51", "X23368"])
def test_the_deck_charts_legend_stays_clear_of_the_source_line(demo_con, place: str) -> None:
    """Every indicator slide's chart (a 1280 px canvas, where the legend wraps to a second row):
    the legend's box ends above the source line, the source line inside the image, and each
    line of the subtitle (a commune's long plan name) whole or wrapped, never past the edge."""
    import re

    ctx = context.context(demo_con, place, 2025)
    charted, _ = deck.slide_content(ctx)
    figs = list(deck.slide_charts(ctx))[: len(charted)]
    assert len(figs) >= 9
    wrapped = 0
    for fig, svg in zip(figs, images.export_server().images(figs, "svg"), strict=True):
        text = svg.decode()
        legend = re.search(
            r'class="legend"[^>]*transform="translate\([\d.]+,([\d.]+)\)"><rect class="bg"'
            r'[^>]*height="([\d.]+)"',
            text,
        )
        source = re.search(
            r'class="cursor-pointer" transform="translate\([\d.]+,([\d.]+)\)"><rect class="bg"'
            r'[^>]*height="([\d.]+)"[^>]*/><text class="annotation-text"[^>]*>Nguồn:',
            text,
        )
        assert source, fig.layout.title.text
        assert float(source[1]) + float(source[2]) <= fig.layout.height
        if legend:  # a chart of one line has none
            assert text[legend.start() : source.start()].count('class="legendtext"') >= 4
            bottom = float(legend[1]) + float(legend[2])
            assert bottom + 4 <= float(source[1]), fig.layout.title.text
        subtitle = fig.layout.title.subtitle.text
        wrapped += subtitle.count("<br>") > 2
        assert "…" not in subtitle, subtitle
    if place == "X23368":  # its plan's long name takes two lines
        assert wrapped
