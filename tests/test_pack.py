"""The conference pack as a reader gets it: every slide's shapes on the slide and clear of its
footer, every document named once with the plans whose targets are drawn, the workbook's target
year and source, old units named as old units, and the same files from `xhht export pack` and
from the Xuất báo cáo page's .zip."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation
from pptx.util import Inches

from metrics.locality_progress import progress_for
from metrics.outputs import context as ctx_mod
from metrics.outputs import deck, pack
from metrics.queries.targets import resolved_targets

IA_HDRAI = "OH618"  # huyện Ia H'Drai (cũ), tỉnh Kon Tum (cũ): real figures only, 2023
DAK_LONG = "X23368"  # xã Đăk Long: its own 2026/2030 targets beside the national 2025 ones
PLACES = [("P51", 2025), (DAK_LONG, 2025), (IA_HDRAI, 2023)]


@pytest.fixture(scope="module")
def packs(demo_con) -> dict[str, dict[str, bytes]]:
    """Each place's pack, made once: file name → content."""
    return {lid: dict(pack.build_pack(demo_con, lid, year)) for lid, year in PLACES}


def _one(files: dict[str, bytes], suffix: str) -> bytes:
    [content] = [v for k, v in files.items() if k.endswith(suffix)]
    return content


def _texts(shape) -> list[str]:
    if shape.has_text_frame:
        return [shape.text_frame.text]
    if getattr(shape, "has_table", False) and shape.has_table:
        return [" | ".join(c.text for c in row.cells) for row in shape.table.rows]
    return []


def _slide_text(slide) -> str:
    return "\n".join(t for sh in slide.shapes for t in _texts(sh))


def _source_slides(prs) -> list:
    return [s for s in prs.slides if s.shapes.title.text.startswith("Nguồn số liệu và căn cứ")]


@pytest.mark.chromium
@pytest.mark.parametrize(("lid", "year"), PLACES)
def test_every_shape_lies_on_its_slide_and_above_the_footer(packs, lid: str, year: int) -> None:
    prs = Presentation(io.BytesIO(_one(packs[lid], ".pptx")))
    footer_top = Inches(deck.FOOTER_TOP)
    for n, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            where = f"trang {n}, {shape.name}"
            assert shape.left >= 0 and shape.top >= 0, where
            assert shape.left + shape.width <= prs.slide_width, where
            assert shape.top + shape.height <= prs.slide_height, where
            if shape.top < footer_top:  # everything but the footer ends above it
                assert shape.top + shape.height <= footer_top, where
            if getattr(shape, "has_table", False) and shape.has_table:
                columns = sum(c.width for c in shape.table.columns)
                rows = sum(r.height for r in shape.table.rows)
                assert shape.left + columns <= prs.slide_width, where
                assert shape.top + rows <= footer_top, where
        # Nowhere a source that names nothing.
        text = _slide_text(slide)
        assert "Nguồn: –" not in text and "số liệu trong kho" not in text


@pytest.mark.chromium
def test_a_note_of_many_rows_is_said_once_under_the_summary(packs, demo_con) -> None:
    prs = Presentation(io.BytesIO(_one(packs["P51"], ".pptx")))
    summary = [s for s in prs.slides if s.shapes.title.text.startswith("Tổng hợp các chỉ tiêu")]
    text = "\n".join(_slide_text(s) for s in summary)
    # 92 of the 96 communes reported for most indicators: one footnote, a mark on each row.
    partial = {it.partial_note for it in progress_for(demo_con, "P51", 2025) if it.partial_note}
    assert partial == {"chưa đủ: 92/96 xã báo cáo"}
    assert text.count("92/96 xã báo cáo") == len(summary)  # once under each slide of the table
    assert "¹ Số liệu chưa đủ: 92/96 xã báo cáo." in text
    gd = next(it for it in progress_for(demo_con, "P51", 2025) if it.indicator == "gia_dinh")
    assert f"Gia đình học tập | {gd.recognized:,}/{gd.total:,}¹".replace(",", ".") in text
    assert "Quyết định số 387/QĐ-TTg" in text  # the plan of each row's target


@pytest.mark.chromium
@pytest.mark.parametrize(("lid", "year"), PLACES)
def test_the_sources_slide_names_each_document_once_with_the_plans_drawn(
    packs, demo_con, lid: str, year: int
) -> None:
    prs = Presentation(io.BytesIO(_one(packs[lid], ".pptx")))
    slides = _source_slides(prs)
    assert slides
    lines = [
        p.text
        for s in slides
        for sh in s.shapes
        if sh.has_text_frame and sh != s.shapes.title
        for p in sh.text_frame.paragraphs
        if p.text.startswith("• ")
    ]
    assert len(lines) == len(set(lines))
    text = "\n".join(lines)
    charted = [it for it in progress_for(demo_con, lid, year) if it.has_data]
    drawn = resolved_targets(demo_con, lid).filter(
        resolved_targets(demo_con, lid)["indicator"].is_in([it.indicator for it in charted])
    )
    documents = {d for s in drawn["source"].to_list() for d in ctx_mod.documents_named(s)}
    documents |= {
        d for it in charted if it.target_source for d in ctx_mod.documents_named(it.target_source)
    }
    for name in documents:
        assert sum(line.startswith(f"• {name} — mục tiêu năm") for line in lines) == 1, name
    assert text.count("Quyết định số 387/QĐ-TTg ngày 25/03/2022") <= 1
    assert text.count("Quyết định số 677/QĐ-TTg ngày 03/06/2022") <= 1
    if lid == DAK_LONG:  # the commune's own plan, whose 2026 and 2030 targets its charts draw
        assert any("UBND xã Đăk Long" in line and "2026" in line for line in lines)
    if lid == IA_HDRAI:  # the real decision its figure comes from
        assert any(line.startswith("• Quyết định số 87/QĐ-UBND") for line in lines)


def test_a_chart_subtitle_names_the_plans_of_the_targets_it_draws(demo_con) -> None:
    ctx = ctx_mod.context(demo_con, DAK_LONG, 2025)
    gd = next(it for it in ctx.items if it.indicator == "gia_dinh")
    fig = ctx_mod.indicator_chart(ctx, gd)
    subtitle = fig.layout.title.subtitle.text
    assert subtitle.startswith("Xã Đăk Long, tỉnh Quảng Ngãi · năm 2025")
    assert "Mục tiêu năm 2025: Quyết định số 387/QĐ-TTg" in subtitle
    assert "<br>Mục tiêu năm 2026, 2030: Báo cáo sơ kết giai đoạn 2024–2025" in subtitle
    source = fig.layout.annotations[-1].text
    assert source.startswith("Nguồn: Dữ liệu minh họa")


def test_an_old_units_chart_names_it_old_and_its_real_source(demo_con) -> None:
    ctx = ctx_mod.context(demo_con, IA_HDRAI, 2023)
    it = next(it for it in ctx.items if it.indicator == "don_vi_cap_tinh")
    fig = ctx_mod.indicator_chart(ctx, it)
    assert fig.layout.title.text.endswith("— Huyện Ia H'Drai (cũ)")
    assert fig.layout.title.subtitle.text.startswith(
        "Huyện Ia H'Drai (cũ), tỉnh Kon Tum (cũ) · năm 2023"
    )
    source = fig.layout.annotations[-1].text.replace("<br>", " ")  # the image's two lines
    assert "Quyết định số 87/QĐ-UBND ngày 10/02/2024" in source
    assert "Dữ liệu minh họa" not in source  # every figure drawn is real


def test_figures_source_names_real_reports_and_marks_the_invented_with_their_years() -> None:
    demo = "Dữ liệu minh họa (số liệu giả định, sinh ngẫu nhiên)"
    real = "Quyết định số 87/QĐ-UBND ngày 10/02/2024 của UBND huyện Ia H'Drai"
    # Each figure: its year, its sources and those of them from synthetic (demo) batches.
    mixed = ctx_mod.figures_source(
        [
            (2021, [demo], [demo]),
            (2022, [demo], [demo]),
            (2023, [demo], [demo]),
            (2024, [real], []),
            (2025, [real, demo], [demo]),
        ]
    )
    assert mixed == f"{real}; Dữ liệu minh họa, số liệu giả định (năm 2021–2023, 2025)"
    # A source is named whole, whatever it holds.
    odd = "Báo cáo số 5; phụ lục &amp; bảng"
    assert ctx_mod.figures_sources([(2025, [odd, demo], [demo])]) == [
        odd,
        "Dữ liệu minh họa, số liệu giả định (năm 2025)",
    ]
    assert ctx_mod.figures_source([(2025, [demo], [demo]), (2024, [demo], [demo])]) == demo
    assert ctx_mod.figures_source([(2023, [real], []), (2024, [real], [])]) == real
    # A real report whose name starts like the demo's is a real report: the flag decides.
    look_alike = "Dữ liệu minh họa của xã (báo cáo thật)"
    assert ctx_mod.figures_source([(2025, [look_alike], [])]) == look_alike
    assert ctx_mod.figures_source([]) == ""


def _header_row(ws) -> int:
    return next(r for r in range(1, 12) if ws.cell(r, 1).value == "STT")


@pytest.mark.chromium
@pytest.mark.parametrize(("lid", "year"), PLACES)
def test_the_workbook_says_each_targets_year_and_source(
    packs, demo_con, lid: str, year: int
) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(_one(packs[lid], ".xlsx")))
    ws = wb["Tổng hợp"]
    h = _header_row(ws)
    header = [c.value for c in ws[h]]
    col = {name: i + 1 for i, name in enumerate(header)}
    assert {"Mục tiêu %", "Năm mục tiêu", "Nguồn mục tiêu"} <= set(header)
    notes = "\n".join(str(ws.cell(r, 1).value or "") for r in range(2, h))
    assert "Nguồn số liệu: " in notes and "số liệu trong kho" not in notes
    for r, it in enumerate(progress_for(demo_con, lid, year), start=h + 1):
        assert ws.cell(r, col["Chỉ tiêu"]).value == it.indicator_label
        year_cell = ws.cell(r, col["Năm mục tiêu"])
        assert year_cell.value == it.target_year
        if it.target_year is not None:  # a year, never 2.025
            assert year_cell.number_format == "0"
            assert ws.cell(r, col["Nguồn mục tiêu"]).value == ctx_mod.plan_name(it.target_source)
            for name in ctx_mod.documents_named(it.target_source):
                assert name in notes  # named in full once, above the table
        if it.total is not None:
            assert ws.cell(r, col["Tổng số"]).value == it.total
            assert ws.cell(r, col["Tổng số"]).number_format == "#,##0"
    # Printable: A4 landscape, one page wide, the header row on every page.
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == f"${h}:${h}"


@pytest.mark.chromium
def test_an_old_unit_is_named_old_in_every_file(packs) -> None:
    files = packs[IA_HDRAI]
    assert all(name.startswith("XHHT_Huyen_Ia_H_Drai_cu_2023") for name in files)
    prs = Presentation(io.BytesIO(_one(files, ".pptx")))
    slides = list(prs.slides)
    assert "Huyện Ia H'Drai (cũ), tỉnh Kon Tum (cũ)" in _slide_text(slides[0])
    assert slides[1].shapes.title.text == "Tổng hợp các chỉ tiêu năm 2023 — Huyện Ia H'Drai (cũ)"
    # Its only figure is real: no slide says the data is invented.
    assert not any("Dữ liệu minh họa" in _slide_text(s) for s in slides)
    wb = openpyxl.load_workbook(io.BytesIO(_one(files, ".xlsx")))
    assert wb["Tổng hợp"]["A1"].value == (
        "KẾT QUẢ XÂY DỰNG XÃ HỘI HỌC TẬP NĂM 2023 — HUYỆN IA H'DRAI (CŨ), TỈNH KON TUM (CŨ)"
    )


def test_file_names_by_place_and_year(demo_con) -> None:
    from metrics.queries import registers as rq

    def stem(lid: str, year: int) -> str:
        return pack.document_stem(rq.locality(demo_con, lid), year)

    assert stem("P51", 2025) == "XHHT_Quang_Ngai_2025"
    assert stem("VN", 2025) == "XHHT_Toan_quoc_2025"
    assert stem(DAK_LONG, 2025) == "XHHT_Xa_Dak_Long_2025"
    assert stem(IA_HDRAI, 2023) == "XHHT_Huyen_Ia_H_Drai_cu_2023"


@pytest.mark.chromium
def test_the_cli_and_the_page_give_the_same_pack(packs, demo_db: Path, demo_con, tmp_path) -> None:
    from dashboard.data import make_document

    out = tmp_path / "bo"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "metrics.cli",
            "export",
            "pack",
            "--db",
            str(demo_db),
            "--locality",
            "Huyện Ia H'Drai (cũ)",
            "--year",
            "2023",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    written = sorted(p.name for p in out.iterdir())
    archive = zipfile.ZipFile(io.BytesIO(make_document(demo_con, "zip", IA_HDRAI, 2023)))
    assert sorted(archive.namelist()) == written == sorted(packs[IA_HDRAI])
    stem = "XHHT_Huyen_Ia_H_Drai_cu_2023"
    assert written == sorted(
        [
            f"{stem}.docx",
            f"{stem}.pptx",
            f"{stem}.xlsx",
            f"{stem}_bieu_do_01_Don_vi_hoc_tap_cap_huyen.png",
        ]
    )
    assert archive.read(f"{stem}_bieu_do_01_Don_vi_hoc_tap_cap_huyen.png").startswith(b"\x89PNG")
    # One PNG per chart of the deck, in its order; a province's rankings too.
    names = sorted(packs["P51"])
    pngs = [n for n in names if n.endswith(".png")]
    prs = Presentation(io.BytesIO(_one(packs["P51"], ".pptx")))
    pictures = sum(1 for s in prs.slides for sh in s.shapes if sh.shape_type == 13)
    assert len(pngs) == pictures
    assert "XHHT_Quang_Ngai_2025_bieu_do_01_Gia_dinh_hoc_tap.png" in pngs
    assert any("_Xep_hang_Gia_dinh_hoc_tap.png" in n for n in pngs)


def test_a_pack_into_a_file_is_refused(demo_db: Path, tmp_path: Path) -> None:
    taken = tmp_path / "bo.zip"
    taken.write_text("x")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "metrics.cli",
            "export",
            "pack",
            "--db",
            str(demo_db),
            "--locality",
            "Quảng Ngãi",
            "--year",
            "2025",
            "-o",
            str(taken),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "cần một thư mục" in done.stderr
    assert taken.read_text() == "x"
