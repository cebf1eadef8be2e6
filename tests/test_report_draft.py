"""The report draft read as an official reads it (python-docx): models and targets in the
registry's order, each source named once, no internal notes, the pace still needed for 2030,
levels and ratings, no "0/1 xã" for a commune, places named in administrative style."""

from __future__ import annotations

import re
from dataclasses import replace

import polars as pl
import pytest
from docx import Document

from metrics import target_queries as tq
from metrics.fmt import fmt_int, fmt_num, fmt_pct
from metrics.indicators import registry
from metrics.locality_progress import progress_for
from metrics.outputs import report_draft
from metrics.outputs.report_text import APPENDIX_HEADING, counted

CASES = {"VN": 2025, "P51": 2025, "X23368": 2025, "OH618": 2023}
TARGETS_HEADING = "IV. MỤC TIÊU GIAI ĐOẠN TIẾP THEO"


@pytest.fixture(scope="module")
def reports(demo_con, tmp_path_factory) -> dict[str, list[str]]:
    """Each case's paragraphs, as Word shows them."""
    out = {}
    for locality_id, year in CASES.items():
        path = tmp_path_factory.mktemp("report") / f"{locality_id}.docx"
        report_draft.build_report(demo_con, locality_id, year, path)
        out[locality_id] = [p.text for p in Document(str(path)).paragraphs]
    return out


def _body(paragraphs: list[str]) -> list[str]:
    """The report without its appendix of lists (tests/test_recognition_exports.py reads that)."""
    if APPENDIX_HEADING in paragraphs:
        return paragraphs[: paragraphs.index(APPENDIX_HEADING)]
    return paragraphs


def _targets_part(paragraphs: list[str]) -> list[str]:
    body = _body(paragraphs)
    return body[body.index(TARGETS_HEADING) + 1 :]


def _item(demo_con, locality_id: str, indicator: str):
    year = CASES[locality_id]
    return next(i for i in progress_for(demo_con, locality_id, year) if i.indicator == indicator)


@pytest.mark.chromium
@pytest.mark.parametrize("locality_id", list(CASES))
def test_models_and_targets_follow_the_registry_order(reports, locality_id: str) -> None:
    reg = registry()
    models = {m.id: m for m in reg.model}
    listed = [m.id for m in reg.model]
    headings = [p for p in _body(reports[locality_id]) if re.match(r"^\d+\. ", p)]
    shown = [next(m for m in listed if h.endswith(models[m].heading_vi())) for h in headings]
    assert shown == listed  # gia đình … cộng đồng xã, then cán bộ khuyến học
    assert headings[-1] == "7. Đội ngũ cán bộ khuyến học"
    # Within each year's line, the targets come in the models' order.
    phrases = [counted(ind) for ind in reg.in_model_order()]
    lines = [p for p in _targets_part(reports[locality_id]) if p.startswith("- Đến năm")]
    assert lines
    for line in lines:
        found = [n for n, phrase in enumerate(phrases) if f"% {phrase}" in line]
        assert found and found == sorted(found), line


@pytest.mark.chromium
@pytest.mark.parametrize("locality_id", list(CASES))
def test_each_source_is_named_once(reports, demo_con, locality_id: str) -> None:
    paragraphs = reports[locality_id]
    part = _targets_part(paragraphs)
    leads = [p for p in part if p.startswith("Theo ")]
    assert leads and len(leads) == len(set(leads))
    assert not any("(theo " in p for p in paragraphs)  # no target line repeats its source
    text = "\n".join(paragraphs)
    for doc in registry().document:
        assert text.count(doc.number) <= 1, doc.number
    # Every target of the years after the report's is said, under its source.
    later = tq.resolved_targets(demo_con, locality_id).filter(
        pl.col("target_year") > CASES[locality_id]
    )
    for row in later.iter_rows(named=True):
        phrase = f"{fmt_pct(row['percent'], 0)} {counted(registry().by_id(row['indicator']))}"
        assert any(
            p.startswith(f"- Đến năm {row['target_year']}:") and phrase in p for p in part
        ), phrase


@pytest.mark.chromium
def test_several_sources_each_lead_their_own_targets(reports) -> None:
    # Huyện Ia H'Drai in 2023: the national decisions for 2025, the province's plan for some.
    leads = [p for p in _targets_part(reports["OH618"]) if p.startswith("Theo ")]
    assert leads[0].startswith("Theo Quyết định số 387/QĐ-TTg ngày 25/3/2022 của Thủ tướng")
    assert any(p.startswith("Theo Quyết định số 677/QĐ-TTg ngày 03/6/2022") for p in leads)
    assert len(leads) == 3


@pytest.mark.chromium
@pytest.mark.parametrize("locality_id", list(CASES))
def test_no_internal_notes(reports, locality_id: str) -> None:
    text = "\n".join(reports[locality_id])
    for word in ("chưa đối chiếu", "chưa xác nhận", "có tỉnh ghi", "None", "nan", "Điều 1, mục"):
        assert word not in text
    assert re.search(r"\b[a-z]+_[a-z_]+\b", text) is None  # no indicator ids, no level codes
    assert re.search(rf"\b{locality_id}\b", text) is None  # no locality ids
    assert "muc_do" not in text and "target_met" not in text


@pytest.mark.chromium
@pytest.mark.parametrize("locality_id", ["VN", "P51", "X23368"])
def test_the_pace_still_needed_for_2030(reports, demo_con, locality_id: str) -> None:
    text = "\n".join(reports[locality_id])
    for it in progress_for(demo_con, locality_id, CASES[locality_id]):
        if it.rate_pct is None or it.target_2030_pct is None or it.total == 1:
            continue
        assert it.rate_pct < it.target_2030_pct  # the demo reaches no 2030 target yet
        pace = (it.target_2030_pct - it.rate_pct) / (2030 - CASES[locality_id])
        said = (
            f"để đạt mục tiêu {fmt_pct(it.target_2030_pct, 0)} vào năm 2030, "
            f"cần tăng bình quân {fmt_num(pace)} điểm phần trăm mỗi năm"
        )
        assert said in text, it.indicator


def test_a_2030_target_reached_is_said_so(demo_con) -> None:
    gd = _item(demo_con, "P51", "gia_dinh")
    reached = replace(gd, rate_pct=gd.target_2030_pct + 1)
    sentence = report_draft.indicator_sentence(reached, 2025)
    assert f"đã đạt mục tiêu năm 2030 ({fmt_pct(gd.target_2030_pct, 0)})" in sentence
    assert "cần tăng" not in sentence


@pytest.mark.chromium
def test_ratings_of_a_former_district(reports, demo_con) -> None:
    # Huyện Ia H'Drai's real 2023 figures: its 23 units, all rated Tốt.
    text = "\n".join(reports["OH618"])
    assert "(23/23 đơn vị, trong đó 23 đơn vị xếp loại Tốt)" in text
    assert "Khá" not in text  # a level nobody reached is not listed


@pytest.mark.chromium
@pytest.mark.parametrize("locality_id", ["VN", "P51"])
def test_recognition_levels_of_communes(reports, demo_con, locality_id: str) -> None:
    it = _item(demo_con, locality_id, "cong_dong_xa")
    m1, m2 = it.levels["muc_do_1"], it.levels["muc_do_2"]
    said = f"({fmt_int(it.recognized)}/{fmt_int(it.total)} xã, trong đó {fmt_int(m1)} xã đạt Mức độ 1, {fmt_int(m2)} Mức độ 2)"
    assert said in "\n".join(reports[locality_id])


@pytest.mark.chromium
def test_a_commune_is_not_one_of_one(reports) -> None:
    text = "\n".join(reports["X23368"])
    assert "0/1 xã" not in text and "1/1 xã" not in text and "báo cáo)" not in text
    assert "Xã Đăk Long chưa được công nhận “Cộng đồng học tập” cấp xã." in text


@pytest.mark.chromium
@pytest.mark.parametrize("locality_id", ["VN", "P51"])
def test_an_area_of_many_units_says_how_many_reported(reports, demo_con, locality_id) -> None:
    gd = _item(demo_con, locality_id, "gia_dinh")
    assert gd.reporting_units < gd.units_in_area
    said = f"(chưa đủ: số liệu của {fmt_int(gd.reporting_units)}/{fmt_int(gd.units_in_area)} xã đã báo cáo)"
    assert said in "\n".join(reports[locality_id])


@pytest.mark.chromium
@pytest.mark.parametrize(
    ("locality_id", "title", "where"),
    [
        ("VN", "(Toàn quốc)", "trên phạm vi toàn quốc"),
        ("P51", "(Tỉnh Quảng Ngãi)", "trên địa bàn tỉnh Quảng Ngãi"),
        ("X23368", "(Xã Đăk Long, tỉnh Quảng Ngãi)", "trên địa bàn xã Đăk Long, tỉnh Quảng Ngãi"),
        (
            "OH618",
            "(Huyện Ia H'Drai (cũ), tỉnh Kon Tum (cũ))",
            "trên địa bàn huyện Ia H'Drai (cũ), tỉnh Kon Tum (cũ)",
        ),
    ],
)
def test_places_in_administrative_style(reports, locality_id: str, title: str, where: str) -> None:
    paragraphs = reports[locality_id]
    assert title in paragraphs[:3]
    year = CASES[locality_id]
    opening = f"Kết quả thực hiện các mục tiêu xây dựng xã hội học tập năm {year} {where} như sau:"
    assert opening in paragraphs


@pytest.mark.chromium
def test_a_model_without_figures_says_so_once(reports) -> None:
    paragraphs = reports["OH618"]
    citizens = paragraphs.index("5. Xây dựng mô hình “Công dân học tập”")
    assert paragraphs[citizens + 1] == "Chưa có số liệu năm 2023."


def test_every_national_target_names_a_registered_decision() -> None:
    reg = registry()
    for ind in reg.indicator:
        for target in ind.national_target:
            assert reg.documents_cited(target.source), (ind.id, target.year)
