"""The report draft read as the official who signs it reads it (python-docx), for the country, a
province, a commune with its own targets, an old district with real figures and an old district
reporting none: the form of Nghị định 30/2020 (header, Số, place and date, BÁO CÁO, căn cứ,
I–IV, Nơi nhận, signature), placeholders for what only the official can write, the sentences a
reader sees, the communes that lag, tables and charts made to print."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX

from metrics.fmt import fmt_int, fmt_num, fmt_pct
from metrics.indicators import registry
from metrics.lagging import lagging_children, owed_by_communes, silent_children
from metrics.locality_progress import children_progress, progress_for
from metrics.outputs import report_draft
from metrics.outputs.context import context
from metrics.outputs.report_text import (
    APPENDIX_HEADING,
    PLACEHOLDER_RE,
    Place,
    as_written,
    counted,
    default_kind,
    none_text,
    summary_line,
)
from metrics.queries import targets as tq

CASES = {"VN": 2025, "P51": 2025, "X23368": 2025, "OH618": 2023, "OH535": 2024}
UBND = {"P51": "TỈNH QUẢNG NGÃI", "X23368": "XÃ ĐĂK LONG"}
WHERE = {
    "VN": "trên phạm vi toàn quốc",
    "P51": "trên địa bàn tỉnh Quảng Ngãi",
    "X23368": "trên địa bàn xã Đăk Long, tỉnh Quảng Ngãi",
    "OH618": "trên địa bàn huyện Ia H'Drai (cũ), tỉnh Kon Tum (cũ)",
    "OH535": "trên địa bàn huyện Ba Tơ (cũ), tỉnh Quảng Ngãi (cũ)",
}
SECTIONS = (
    "I. KẾT QUẢ THỰC HIỆN",
    "II. ĐÁNH GIÁ CHUNG",
    "III. PHƯƠNG HƯỚNG, NHIỆM VỤ",
    "IV. ĐỀ XUẤT, KIẾN NGHỊ",
)


@pytest.fixture(scope="module")
def docs(demo_con, tmp_path_factory) -> dict:
    out = {}
    folder = tmp_path_factory.mktemp("report")
    for locality_id, year in CASES.items():
        path = folder / f"{locality_id}.docx"
        report_draft.build_report(demo_con, locality_id, year, path)
        out[locality_id] = Document(str(path))
    return out


def _paragraphs(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def _body(doc) -> list[str]:
    """The report without its appendix of lists (tests/test_recognition_exports.py reads that)."""
    ps = _paragraphs(doc)
    return ps[: ps.index(APPENDIX_HEADING)] if APPENDIX_HEADING in ps else ps


def _text(doc) -> str:
    """Every paragraph and every table cell, as a reader sees them."""
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(_paragraphs(doc) + cells)


def _part(doc, start: str, end: str) -> list[str]:
    body = _body(doc)
    i = next(n for n, p in enumerate(body) if p.startswith(start))
    j = next(n for n, p in enumerate(body) if p.startswith(end) and n > i)
    return body[i + 1 : j]


def _item(demo_con, locality_id: str, indicator: str):
    year = CASES[locality_id]
    return next(i for i in progress_for(demo_con, locality_id, year) if i.indicator == indicator)


def _grid_tables(doc) -> list:
    return [t for t in doc.tables if t.style is not None and t.style.name == "Table Grid"]


def _summary(doc) -> list[list[str]]:
    table = next(t for t in _grid_tables(doc) if t.rows[0].cells[1].text == "Chỉ tiêu")
    return [[c.text for c in row.cells] for row in table.rows]


# --- the form ----------------------------------------------------------------------------------


@pytest.mark.chromium
@pytest.mark.parametrize("locality_id", list(CASES))
def test_header_number_place_and_date(docs, locality_id: str) -> None:
    doc = docs[locality_id]
    header = doc.tables[0]
    left, right = (c.text.split("\n") for c in header.rows[0].cells)
    assert right[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    motto = header.rows[0].cells[1].paragraphs[1]
    assert all(run.font.underline for run in motto.runs)
    date = header.rows[0].cells[1].paragraphs[-1]
    assert all(run.font.italic for run in date.runs if run.text.strip())
    if locality_id in UBND:
        assert left[:2] == ["ỦY BAN NHÂN DÂN", UBND[locality_id]]
        assert "Số: …/BC-UBND" in left
        short = "Quảng Ngãi" if locality_id == "P51" else "Đăk Long"
        assert date.text == f"{short}, ngày … tháng … năm 20…"
    else:  # the country, and an old unit whose UBND is gone: the official names the body
        assert left[0] == "[TÊN CƠ QUAN BÁO CÁO]" and "Số: …/BC-…" in left
        assert date.text == "[Địa danh], ngày … tháng … năm 20…"


@pytest.mark.chromium
@pytest.mark.parametrize("locality_id", list(CASES))
def test_title_basis_sections_and_signature(docs, demo_con, locality_id: str) -> None:
    doc, year = docs[locality_id], CASES[locality_id]
    body = _body(doc)
    kind = "so-ket" if year == 2025 else "nam"
    title = body.index("BÁO CÁO")
    assert body[title + 1] == summary_line(kind, year, WHERE[locality_id])
    assert body[title + 1].startswith(
        "Sơ kết giai đoạn 2021–2025"
        if kind == "so-ket"
        else f"Kết quả thực hiện xây dựng xã hội học tập năm {year}"
    )
    # Căn cứ: each plan or decision whose targets are in force here, once.
    basis = [p for p in body if p.startswith("Căn cứ ")]
    assert basis and len(basis) == len(set(basis))
    for row in tq.resolved_targets(demo_con, locality_id).iter_rows(named=True):
        cited = registry().documents_cited(row["source"])
        for doc_ in cited:
            assert f"Căn cứ {as_written(doc_.name_vi)};" in basis
        if not cited:
            assert f"Căn cứ {as_written(row['source'])};" in basis
    # The sections in the decree's order.
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    found = [next(h for h in headings if h.startswith(s)) for s in SECTIONS]
    assert [headings.index(h) for h in found] == sorted(headings.index(h) for h in found)
    assert "1. Ưu điểm" in body and "2. Hạn chế, nguyên nhân" in body
    # Nơi nhận and the signature block.
    closing = _closing_table(doc)
    left, right = (c.text.split("\n") for c in closing.rows[0].cells)
    assert left[0] == "Nơi nhận:" and left[-1] == "- Lưu: VT."
    assert right[-1] == "[Họ và tên]"
    if locality_id in UBND:
        assert right[:3] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    else:
        assert right[0] == "[QUYỀN HẠN, CHỨC VỤ NGƯỜI KÝ]"


def _closing_table(doc):
    return next(t for t in doc.tables if t.rows[0].cells[0].text.startswith("Nơi nhận:"))


@pytest.mark.chromium
@pytest.mark.parametrize("locality_id", list(CASES))
def test_what_the_official_writes_is_a_highlighted_placeholder(docs, locality_id: str) -> None:
    doc = docs[locality_id]
    body = _body(doc)
    for section, what in [
        ("1. Công tác chỉ đạo", "[Đề nghị cán bộ bổ sung: việc ban hành kế hoạch"),
        ("2. Hạn chế, nguyên nhân", "[Đề nghị cán bộ bổ sung: nguyên nhân"),
        ("2. Nhiệm vụ, giải pháp", "[Đề nghị cán bộ bổ sung: nhiệm vụ, giải pháp trọng tâm"),
        ("IV. ĐỀ XUẤT, KIẾN NGHỊ", "[Đề nghị cán bộ bổ sung: đề xuất, kiến nghị"),
    ]:
        after = body[body.index(next(p for p in body if p.startswith(section))) :]
        assert any(p.startswith(what) for p in after), section
    assert any(
        p.startswith("Thực hiện [Đề nghị cán bộ bổ sung: văn bản yêu cầu báo cáo") for p in body
    )
    # Every placeholder is its own highlighted run, and nothing else is highlighted.
    paragraphs = list(doc.paragraphs) + [
        p for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs
    ]
    placeholders = 0
    for p in paragraphs:
        highlighted = [r.text for r in p.runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW]
        assert highlighted == PLACEHOLDER_RE.findall(p.text), p.text
        placeholders += len(highlighted)
    assert placeholders >= 7


@pytest.mark.chromium
@pytest.mark.parametrize("locality_id", list(CASES))
def test_print_form(docs, locality_id: str) -> None:
    doc = docs[locality_id]
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    cm = {
        k: round(getattr(section, f"{k}_margin").cm, 2) for k in ("top", "bottom", "left", "right")
    }
    assert 2.0 <= cm["top"] <= 2.5 and 2.0 <= cm["bottom"] <= 2.5
    assert 3.0 <= cm["left"] <= 3.5 and 1.5 <= cm["right"] <= 2.0
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert 13 <= doc.styles["Normal"].font.size.pt <= 14
    # Every table with borders repeats its header row on each page it runs over.
    for table in _grid_tables(doc):
        assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader"), table.rows[0].cells[1].text
    # Charts fill the text width.
    for shape in doc.inline_shapes:
        assert round(shape.width.cm, 1) == round(report_draft.TEXT_WIDTH_CM, 1)


@pytest.mark.chromium
@pytest.mark.parametrize("locality_id", list(CASES))
def test_words_as_officials_write_them(docs, locality_id: str) -> None:
    text = _text(docs[locality_id])
    assert "’" not in text  # one apostrophe in names: the straight one
    assert re.search(r"(?<![\d/])\d{1,2}/\d{1,2}/\d{4}", text) is None or all(
        re.fullmatch(r"\d{2}/\d{2}/\d{4}", d)
        for d in re.findall(r"(?<![\d/])\d{1,2}/\d{1,2}/\d{4}(?![\d/])", text)
    )
    assert re.search(r"\bcó 0 ", text) is None
    for word in ("None", "nan", "chưa đối chiếu", "Điều 1, mục"):
        assert word not in text
    assert re.search(r"\b[a-z]+_[a-z_]+\b", text) is None  # no indicator ids, no level codes
    assert re.search(rf"\b{locality_id}\b", text) is None  # no locality ids


@pytest.mark.chromium
@pytest.mark.parametrize("locality_id", list(CASES))
def test_summary_table_in_the_models_order(docs, demo_con, locality_id: str) -> None:
    rows = _summary(docs[locality_id])
    assert rows[0][:2] == ["STT", "Chỉ tiêu"]
    place = Place(locality_id, _level(demo_con, locality_id), "", "", "", "")
    items = {it.indicator: it for it in progress_for(demo_con, locality_id, CASES[locality_id])}
    expected = [
        ind
        for ind in registry().in_model_order()
        if ind.id in items and (items[ind.id].has_data or place.owes(ind))
    ]
    assert [r[0] for r in rows[1:]] == [str(n) for n in range(1, len(expected) + 1)]
    assert len(rows) - 1 == len(expected)
    for row, ind in zip(rows[1:], expected, strict=True):
        it = items[ind.id]
        if it.rate_pct is not None:
            assert row[3] == fmt_pct(it.rate_pct)
        if it.has_data:
            assert row[6] != "Chưa báo cáo"  # a figure is never "not reported"


def _level(demo_con, locality_id: str) -> str:
    return context(demo_con, locality_id, CASES[locality_id]).locality["level"]


# --- sentences ----------------------------------------------------------------------------------


@pytest.mark.chromium
def test_an_old_district_reporting_none(docs) -> None:
    text = "\n".join(_body(docs["OH535"]))
    assert "Không có cơ quan, đơn vị cấp huyện nào được công nhận “Đơn vị học tập”." in text
    assert (
        "Không có xã, thị trấn nào được công nhận “Cộng đồng học tập” cấp xã (tổng số 19 xã, thị trấn)."
        in text
    )
    assert "huyện cũ" not in text and "đặc khu" not in text.replace("xã, phường, đặc khu", "")
    rows = {r[1]: r for r in _summary(docs["OH535"])}
    assert rows["Đơn vị học tập cấp huyện"][2] == "0"
    assert rows["Đơn vị học tập cấp huyện"][6] != "Chưa báo cáo"


@pytest.mark.chromium
def test_an_old_district_with_real_figures(docs) -> None:
    body = _body(docs["OH618"])
    units = next(p for p in body if p.startswith("Tỷ lệ cơ quan, đơn vị cấp huyện"))
    assert units.startswith(
        "Tỷ lệ cơ quan, đơn vị cấp huyện được công nhận “Đơn vị học tập” đạt 100% (23/23 đơn vị, "
        "trong đó 23 đơn vị xếp loại Tốt)."
    )
    # What it has just reported is never "not yet reported" in the same breath.
    assert "về: Đơn vị học tập" not in units
    assert "Khá" not in units  # a level nobody reached is not listed
    assert (
        "Nguồn số liệu: Quyết định số 87/QĐ-UBND ngày 10/02/2024 của UBND huyện Ia H'Drai"
        in "\n".join(body)
    )
    strengths = _part(docs["OH618"], "1. Ưu điểm", "2. Hạn chế")
    assert "- Đơn vị học tập cấp huyện: 100%; tất cả 23 đơn vị đều được công nhận." in strengths
    # All its figures are real: no demo mark in the body or the footer.
    assert "Dữ liệu minh họa" not in "\n".join(body)
    assert "Dữ liệu minh họa" not in docs["OH618"].sections[0].footer.paragraphs[0].text


@pytest.mark.chromium
def test_a_commune_past_its_own_later_target(docs, demo_con) -> None:
    gd = _item(demo_con, "X23368", "gia_dinh")
    assert gd.status != "target_met" and gd.rate_pct >= 50  # behind 2025, past its own 2026
    text = "\n".join(_body(docs["X23368"]))
    assert "đã vượt mục tiêu năm 2026 (50%, kế hoạch của xã Đăk Long)" in text
    strengths = _part(docs["X23368"], "1. Ưu điểm", "2. Hạn chế")
    assert any(p.startswith("- Gia đình học tập: ") and "năm 2026 (50%" in p for p in strengths)
    assert "Xã Đăk Long chưa được công nhận “Cộng đồng học tập” cấp xã." in text
    assert "0/1 xã" not in text and "1/1 xã" not in text
    # A commune does not report the province's units: no row, no "not reported".
    assert not any(r[1].startswith("Đơn vị học tập cấp tỉnh") for r in _summary(docs["X23368"]))
    assert "Chưa có số liệu năm 2025 về: Đơn vị học tập cấp tỉnh" not in text


@pytest.mark.chromium
@pytest.mark.parametrize("locality_id", ["VN", "P51"])
def test_levels_said_are_the_figures(docs, demo_con, locality_id: str) -> None:
    it = _item(demo_con, locality_id, "cong_dong_xa")
    m1, m2 = it.levels["muc_do_1"], it.levels["muc_do_2"]
    # The base is every commune of the register; how many were assessed is said beside it.
    said = (
        f"({fmt_int(it.recognized)}/{fmt_int(it.total)} xã trong danh mục, "
        f"{fmt_int(it.assessed)} xã được đánh giá, trong đó {fmt_int(m1)} xã đạt "
        f"Mức độ 1, {fmt_int(m2)} Mức độ 2)"
    )
    assert said in "\n".join(_body(docs[locality_id]))


@pytest.mark.chromium
@pytest.mark.parametrize("locality_id", ["VN", "P51"])
def test_the_children_that_lag_fall_back_or_did_not_report(docs, demo_con, locality_id) -> None:
    year = CASES[locality_id]
    children = children_progress(demo_con, locality_id, year)
    part = _part(docs[locality_id], "2. Hạn chế, nguyên nhân", "III. ")
    text = "\n".join(part)
    named = 0
    for ind in registry().in_model_order():
        lag = lagging_children(children, ind.id)
        for name in lag.weakest["short_name"].to_list() + lag.falling["short_name"].to_list():
            assert name in text, (ind.id, name)
            named += 1
    assert named
    silent = silent_children(children)
    word = "tỉnh, thành phố" if locality_id == "VN" else "xã, phường, đặc khu"
    table = next(
        t for t in docs[locality_id].tables if t.rows[0].cells[-1].text == "Chỉ tiêu chưa báo cáo"
    )
    assert [r.cells[1].text for r in table.rows[1:]] == [name for name, _ in silent]
    assert f"Có {len(silent)} {word} chưa báo cáo đủ số liệu năm {year} (Bảng 3)." in part


@pytest.mark.chromium
@pytest.mark.parametrize("locality_id", ["VN", "P51", "X23368"])
def test_the_targets_ahead_and_the_pace_each_needs(docs, demo_con, locality_id: str) -> None:
    year = CASES[locality_id]
    part = _part(docs[locality_id], "III. ", "IV. ")
    leads = [p for p in part if p.startswith("Theo ")]
    assert leads and len(leads) == len(set(leads))  # each source once
    items = {it.indicator: it for it in progress_for(demo_con, locality_id, year)}
    later = tq.resolved_targets(demo_con, locality_id).filter(pl.col("target_year") > year)
    for row in later.iter_rows(named=True):
        ind = registry().by_id(row["indicator"])
        pct = fmt_pct(row["percent"], 0)
        # The programme's targets in the decisions' own words; a local plan's in the rate's.
        line = f"- Đến năm {row['target_year']}: " + (
            ind.target_phrase(pct)
            if row["scope_level"] == "country" and ind.target_words_vi
            else f"{pct} {counted(ind)}"
        )
        [said] = [p for p in part if p.startswith(line)]
        rate = items[ind.id].rate_pct
        if rate is not None and rate < row["percent"]:
            pace = (row["percent"] - rate) / (row["target_year"] - year)
            assert (
                f"(năm {year} đạt {fmt_pct(rate)}, cần tăng bình quân {fmt_num(pace)} điểm phần trăm mỗi năm)"
                in said
            )
        elif rate is not None:
            assert said.endswith(f"(năm {year} đạt {fmt_pct(rate)}, đã đạt);") or said.endswith(
                "đã đạt)."
            )


@pytest.mark.chromium
def test_models_follow_the_registry_order(docs) -> None:
    models = [m.heading_vi() for m in registry().model]
    headings = [p.text for p in docs["P51"].paragraphs if p.style.name == "Heading 4"]
    # Then what the register says beside the rates (the demo's lists record the way to their
    # decisions), numbered on.
    assert headings == [
        *(f"2.{n}. {m}" for n, m in enumerate(models, start=1)),
        f"2.{len(models) + 1}. Đánh giá, công nhận các danh hiệu",
    ]


# --- options -------------------------------------------------------------------------------------


@pytest.mark.chromium
def test_kind_and_recipient_from_the_command_line(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "qn.docx"
    done = subprocess.run(
        [
            sys.executable, "-m", "metrics.cli", "export", "docx", "--db", str(demo_db),
            "--locality", "Quảng Ngãi", "--year", "2025", "--kind", "nam",
            "--recipient", "Bộ Giáo dục và Đào tạo", "-o", str(out),
        ],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    doc = Document(str(out))
    body = _body(doc)
    assert body[body.index("BÁO CÁO") + 1] == (
        "Kết quả thực hiện xây dựng xã hội học tập năm 2025 trên địa bàn tỉnh Quảng Ngãi và "
        "nhiệm vụ năm 2026"
    )
    assert any(p.startswith("I. KẾT QUẢ THỰC HIỆN NĂM 2025") for p in body)
    assert any(p.startswith("III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2026") for p in body)
    assert (
        "Ủy ban nhân dân tỉnh Quảng Ngãi báo cáo Bộ Giáo dục và Đào tạo biết, tổng hợp./." in body
    )
    closing = _closing_table(doc)
    assert closing.rows[0].cells[0].paragraphs[1].text == "- Bộ Giáo dục và Đào tạo (b/c);"
    # A year's result has no table of the stage's years.
    assert not any(p.startswith("Bảng 2.") for p in body)


# --- without Chromium ----------------------------------------------------------------------------


def test_charts_print_no_text_under_9_pt(demo_con) -> None:
    ctx = context(demo_con, "P51", 2025)
    place = Place("P51", "province", "Tỉnh", "Tỉnh Quảng Ngãi", "Tỉnh Quảng Ngãi", "Quảng Ngãi")
    for it in ctx.items:
        if it.rate_pct is None:
            continue
        fig = report_draft._print_chart(ctx, it, place)
        placed_pt = report_draft.TEXT_WIDTH_CM / 2.54 * 72
        smallest_pt = report_draft.smallest_text_px(fig) * placed_pt / fig.layout.width
        assert smallest_pt >= 9.0, it.indicator
        assert "<br>" not in fig.layout.title.text or len(fig.layout.title.text) > 30


def test_smallest_text_reads_every_font() -> None:
    import plotly.graph_objects as go

    fig = go.Figure(go.Scatter(x=[1], y=[1], text=["a"], textfont={"size": 13}))
    fig.update_layout(font={"size": 20}, xaxis={"tickfont": {"size": 16}})
    assert report_draft.smallest_text_px(fig) == 13
    fig.add_annotation(text="x", font={"size": 11})
    assert report_draft.smallest_text_px(fig) == 11
    fig.update_layout(hoverlabel={"font": {"size": 6}})  # never printed
    assert report_draft.smallest_text_px(fig) == 11


def test_words_of_the_era_and_of_none() -> None:
    ba_to = Place(
        "OH535",
        "old_district",
        "Huyện",
        "Huyện Ba Tơ (cũ), tỉnh Quảng Ngãi (cũ)",
        "Huyện Ba Tơ",
        "Ba Tơ",
    )
    units = registry().by_id("don_vi_cap_tinh")
    assert ba_to.label(units) == "Đơn vị học tập cấp huyện"
    assert ba_to.counted(registry().by_id("cong_dong_xa")).startswith("xã, thị trấn được công nhận")
    assert ba_to.era("1/23 huyện cũ") == "1/23 huyện"
    assert none_text(counted(registry().by_id("gia_dinh")), "hộ") == (
        "Không có hộ gia đình nào được công nhận danh hiệu “Gia đình học tập”"
    )
    assert none_text(counted(registry().by_id("ky_nang_so")), "người") == (
        "Không có công dân học tập nào có kỹ năng số"
    )
    assert as_written("Ia H’Drai, ngày 5/2/2024; QĐ 87/QĐ-UBND; 23/23") == (
        "Ia H'Drai, ngày 05/02/2024; QĐ 87/QĐ-UBND; 23/23"
    )
    assert (default_kind(2025), default_kind(2030), default_kind(2024)) == (
        "so-ket",
        "so-ket",
        "nam",
    )


def test_a_target_reached_and_a_later_one_passed(demo_con) -> None:
    gd = _item(demo_con, "P51", "gia_dinh")
    targets = tq.resolved_targets(demo_con, "P51")
    reached = replace(gd, rate_pct=99.0, status="target_met")
    sentence = report_draft.indicator_sentence(reached, 2025, targets=targets)
    assert "; đã đạt mục tiêu" in sentence
    later = targets.filter((pl.col("indicator") == "gia_dinh") & (pl.col("target_year") > 2025))
    for row in later.iter_rows(named=True):
        assert f"năm {row['target_year']} ({fmt_pct(row['percent'], 0)}" in sentence


def test_communes_owe_their_own_figures_only() -> None:
    owed = {ind.id for ind in registry().indicator if owed_by_communes(ind)}
    assert "don_vi_cap_tinh" not in owed and "cong_dong_xa" not in owed
    assert {"gia_dinh", "dong_ho", "cong_dong_thon", "don_vi"} <= owed


def test_every_national_target_names_a_registered_decision() -> None:
    reg = registry()
    for ind in reg.indicator:
        for target in ind.national_target:
            assert reg.documents_cited(target.source), (ind.id, target.year)
