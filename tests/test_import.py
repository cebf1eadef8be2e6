"""Importing the spreadsheets users bring (README, "Files users import"): good and broken files side by side.

The files live in tests/data/imports/ (written by make_files.py there): ok_* must import, bad_*
must be refused with the exact Vietnamese message — sheet, row, column, text — and leave the store
exactly as it was. Every test works on its own copy of the session's demo store.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics.demo import init_store
from metrics.inputs import (
    TEMPLATE_FILE_NAMES,
    ImportResult,
    build_template,
    import_file,
    parse_count,
    parse_percent,
)
from metrics.locality_progress import progress_for
from metrics.name_lookup import LocalityIndex
from metrics.store import connect
from metrics.store.writes import rollback_batch

DATA = Path(__file__).parent / "data" / "imports"
ROOT = Path(__file__).resolve().parents[1]
SOURCE = "Báo cáo số 45/BC-UBND ngày 15/12/2025"
LONG_HEADERS = [
    "Năm",
    "Tỉnh",
    "Huyện",
    "Xã",
    "Mã xã",
    "Chỉ tiêu",
    "Tổng số",
    "Đăng ký",
    "Công nhận",
    "Tốt",
    "Khá",
    "Trung bình",
    "Mức độ 1",
    "Mức độ 2",
    "Nguồn",
]
LEVELS = ("level_tot", "level_kha", "level_trung_binh", "level_muc_do_1", "level_muc_do_2")

# Demo figures these files replace: xã Đăk Long (Quảng Ngãi), Gia đình học tập 2025.
DEMO_DAK_LONG_2025 = (8645, 6438, 4777)
# The three communes of ok_long_title_totals.xlsx with their 2025 Gia đình học tập figures.
GOOD_FIGURES = {
    "X23368": (9120, 7000, 6100),
    "X21115": (4210, 3900, 3500),
    "X21136": (1050, 800, 640),
}


# -- fixtures and helpers -------------------------------------------------------------------------


@pytest.fixture
def store(demo_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "store.duckdb"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture
def con(store: Path):
    con = connect(store)
    yield con
    con.close()


def run(con: duckdb.DuckDBPyConnection, index: LocalityIndex, name: str, **kw: Any) -> ImportResult:
    return import_file(con, DATA / name, index=index, **kw)


def fingerprint(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    """Row count and a hash of every row, in key order, of each table an import may touch."""
    tables = {
        "observations": "batch_id, locality_id, year, indicator",
        "targets": "batch_id, locality_id, indicator, target_year",
        "batches": "id",
        "observations_current": "locality_id, year, indicator",
        "targets_current": "locality_id, indicator, target_year",
    }
    out = {}
    for table, order in tables.items():
        rows = con.execute(
            f"SELECT count(*), hash(list(hash(t) ORDER BY {order})) FROM {table} t"
        ).fetchall()
        out[table] = (int(rows[0][0]), int(rows[0][1]))
    return out


def figure(
    con: duckdb.DuckDBPyConnection, locality: str, year: int, indicator: str
) -> tuple | None:
    rows = con.execute(
        "SELECT total, registered, recognized FROM observations_current WHERE locality_id = ? AND year = ? AND indicator = ?",
        [locality, year, indicator],
    ).fetchall()
    return rows[0] if rows else None


def problems(result: ImportResult) -> list[dict]:
    return [p.as_dict() for p in result.problems]


def last_batch(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT max(id) FROM batches").fetchall()[0][0])


# -- numbers typed as text ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.234", 1234),
        ("1 234", 1234),
        ("1\u00a0234", 1234),
        ("12.345.678", 12345678),
        ("1234", 1234),
        ("1234.0", 1234),
        ("0", 0),
        ("", None),
        ("-", None),
        ("–", None),
        ("-5", -5),
    ],
)
def test_parse_count(text: str, value: int | None) -> None:
    assert parse_count(text) == value


@pytest.mark.parametrize("text", ["12,5", "1.5", "1.23", "abc", "1,234", "12a"])
def test_parse_count_refuses_what_is_not_a_whole_count(text: str) -> None:
    with pytest.raises(ValueError):
        parse_count(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("85,5", 85.5),
        ("85.5", 85.5),
        ("85", 85.0),
        ("85,5%", 85.5),
        ("85 %", 85.0),
        ("1.234,5", 1234.5),
        ("", None),
    ],
)
def test_parse_percent(text: str, value: float | None) -> None:
    assert parse_percent(text) == value


# -- good files -------------------------------------------------------------------------------------


def test_title_rows_merged_title_and_totals_row(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex
) -> None:
    result = run(con, index, "ok_long_title_totals.xlsx", user="Phòng GD Quảng Ngãi")
    assert result.problems == []
    assert (result.status, result.kind, result.sheet) == ("imported", "results", "Báo cáo 2025")
    assert (result.rows, result.new, result.changed, result.unchanged) == (3, 0, 3, 0)
    assert result.notes == ["Bỏ qua dòng tổng cộng (dòng 8)."]
    assert result.preview is not None and result.preview["_row"].to_list() == [
        5,
        6,
        7,
    ]  # rows as Excel numbers them
    for locality, values in GOOD_FIGURES.items():
        assert figure(con, locality, 2025, "gia_dinh") == values  # "9.120" typed as text → 9120
    source = con.execute(
        "SELECT DISTINCT source FROM observations WHERE batch_id = ?", [result.batch]
    ).fetchall()
    assert source == [(SOURCE,)]


def test_wide_form_with_two_row_merged_headers(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex
) -> None:
    result = run(con, index, "ok_wide_merged.xlsx")
    assert result.problems == []
    assert (result.status, result.sheet, result.rows, result.changed) == (
        "imported",
        "Tổng hợp",
        3,
        3,
    )
    assert result.notes == ["Bỏ qua dòng tổng cộng (dòng 7)."]
    assert figure(con, "X23368", 2025, "gia_dinh") == (9120, 7000, 6100)
    assert figure(con, "X23368", 2025, "dong_ho") == (130, 100, 80)
    assert figure(con, "X21115", 2025, "gia_dinh") == (4210, 3900, 3500)
    # Trà Bồng left its Dòng họ columns empty: no figure for it in this batch.
    stored = con.execute(
        "SELECT locality_id, indicator FROM observations WHERE batch_id = ? ORDER BY 1, 2",
        [result.batch],
    ).fetchall()
    assert stored == [("X21115", "gia_dinh"), ("X23368", "dong_ho"), ("X23368", "gia_dinh")]


@pytest.mark.parametrize(
    ("name", "sheet", "label"),
    [
        ("ok_tcvn3.xlsx", "Số liệu", "TCVN3 (ABC)"),
        ("ok_tcvn3_cp1252.csv", "ok_tcvn3_cp1252.csv", "TCVN3 (ABC)"),
        ("ok_vni.xlsx", "Số liệu", "VNI-Windows"),
        ("ok_vni_cp1252.csv", "ok_vni_cp1252.csv", "VNI-Windows"),
    ],
)
def test_legacy_encodings_are_converted(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex, name: str, sheet: str, label: str
) -> None:
    result = run(con, index, name)
    assert result.problems == []
    assert (result.status, result.sheet, result.rows) == ("imported", sheet, 2)
    assert result.notes == [f"Trang “{sheet}” gõ bằng bảng mã {label}; đã chuyển sang Unicode."]
    assert result.preview is not None and result.preview["_row"].to_list() == [
        3,
        4,
    ]  # under the title row
    assert figure(con, "X23368", 2025, "gia_dinh") == (9120, 7000, 6100)
    assert figure(con, "X21115", 2025, "gia_dinh") == (4210, 3900, 3500)
    source = con.execute(
        "SELECT DISTINCT source FROM observations WHERE batch_id = ?", [result.batch]
    ).fetchall()
    assert source == [(SOURCE,)]


@pytest.mark.parametrize("name", ["ok_nfd.csv", "ok_windows1258.csv", "ok_no_diacritics.csv"])
def test_nfd_windows_1258_and_unmarked_headers(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex, name: str
) -> None:
    result = run(con, index, name)
    assert result.problems == []
    assert (result.status, result.rows, result.changed, result.notes) == ("imported", 2, 2, [])
    assert figure(con, "X23368", 2025, "gia_dinh") == (9120, 7000, 6100)
    assert figure(con, "X21115", 2025, "gia_dinh") == (4210, 3900, 3500)
    if name != "ok_no_diacritics.csv":  # the source text itself came through intact (NFC)
        source = con.execute(
            "SELECT DISTINCT source FROM observations WHERE batch_id = ?", [result.batch]
        ).fetchall()
        assert source == [(SOURCE,)]


def test_old_names_resolve_to_the_old_commune(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex
) -> None:
    result = run(con, index, "ok_old_names.csv")
    assert result.problems == []
    assert (result.status, result.new) == ("imported", 1)
    stored = con.execute(
        "SELECT locality_id, year, indicator, total, registered, recognized FROM observations WHERE batch_id = ?",
        [result.batch],
    ).fetchall()
    assert stored == [
        ("OX23504", 2023, "gia_dinh", 1250, 1100, 980)
    ]  # xã Đăk Long of huyện Đăk Hà, mã 23504


def test_first_sheet_with_a_table_is_taken_and_sheet_can_be_named(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex
) -> None:
    auto = run(con, index, "ok_two_sheets.xlsx", dry_run=True)
    assert (auto.status, auto.sheet, auto.rows, auto.problems) == ("dry_run", "Số liệu 2025", 3, [])
    named = run(con, index, "ok_two_sheets.xlsx", sheet="Số liệu 2025")
    assert (named.status, named.sheet, named.rows, named.problems) == (
        "imported",
        "Số liệu 2025",
        3,
        [],
    )
    for locality, values in GOOD_FIGURES.items():
        assert figure(con, locality, 2025, "gia_dinh") == values


def test_targets_file(con: duckdb.DuckDBPyConnection, index: LocalityIndex) -> None:
    result = run(con, index, "ok_targets.xlsx")
    assert result.problems == []
    assert (result.status, result.kind, result.sheet, result.rows, result.changed) == (
        "imported",
        "targets",
        "Mục tiêu",
        2,
        2,
    )
    stored = con.execute(
        "SELECT locality_id, indicator, target_year, percent, source, confirmed FROM targets_current WHERE batch_id = ? ORDER BY 1",
        [result.batch],
    ).fetchall()
    assert stored == [
        ("P51", "dong_ho", 2030, 70.0, "Kế hoạch số 33/KH-UBND ngày 05/01/2026", True),
        (
            "X23368",
            "gia_dinh",
            2030,
            85.5,
            "Nghị quyết số 12/NQ-HĐND ngày 20/12/2025",
            True,
        ),  # "85,5"
    ]


# -- broken files: the exact message, and the store untouched ---------------------------------------

RANGE_FIX = "số công nhận không thể vượt số đăng ký, số đăng ký không thể vượt tổng số; kiểm tra lại các cột này"
NOT_A_TABLE = "Tệp không phải bảng tính (Excel hoặc CSV). Chọn tệp .xlsx hoặc .csv."
LONG_FIELD = (
    'Có một ô dài hơn 131.072 ký tự, quá giới hạn của một ô CSV. Thường do một dấu ngoặc kép (") '
    "mở mà không đóng, khiến phần sau của tệp bị đọc thành một ô. Sửa dấu ngoặc kép ở dòng này "
    "(hoặc mở tệp bằng Excel và lưu lại dạng CSV UTF-8) rồi thử lại."
)
BROKEN: dict[str, list[tuple[str, int | None, str | None, str]]] = {
    "bad_unknown_commune.csv": [
        (
            "bad_unknown_commune.csv",
            2,
            "Xã",
            "Không tìm thấy địa bàn “Xã Không Có Thật, Quảng Ngãi” năm 2025 trong danh mục; kiểm tra chính tả hoặc ghi mã đơn vị hành chính.",
        ),
    ],
    "bad_ambiguous_commune.csv": [
        (
            "bad_ambiguous_commune.csv",
            2,
            "Xã",
            "Tên “Xã Đăk Long” khớp với 2 địa bàn; thêm tên huyện (cũ) hoặc tỉnh, hoặc ghi mã đơn vị hành chính. Có thể là: "
            "Xã Đăk Long (cũ), huyện Đăk Hà, tỉnh Kon Tum (cũ) — 23504; "
            "Xã Đăk Long (cũ), huyện Đắk Glei, tỉnh Kon Tum (cũ) — 23368.",
        ),
    ],
    "bad_levels_for_unrated_title.csv": [
        (
            "bad_levels_for_unrated_title.csv",
            2,
            "Tốt",
            "“Gia đình học tập” không xếp loại “Tốt” (chỉ tiêu này không có xếp loại): xóa số ở cột này.",
        ),
        (
            "bad_levels_for_unrated_title.csv",
            3,
            "Mức độ 1",
            "“Đơn vị học tập” không xếp loại “Mức độ 1” (chỉ tiêu này không có xếp loại): xóa số ở cột này.",
        ),
    ],
    "bad_recognized_over_total.xlsx": [
        ("Số liệu", 2, "Công nhận", f"Số công nhận (9500) lớn hơn tổng số (9120): {RANGE_FIX}."),
    ],
    "bad_negative_count.csv": [
        ("bad_negative_count.csv", 2, "Đăng ký", "Số âm (-5); số đếm phải từ 0 trở lên."),
    ],
    "bad_duplicate_rows.csv": [
        (
            "bad_duplicate_rows.csv",
            4,
            "Xã",
            "Trùng với dòng 2 (cùng địa bàn, năm, chỉ tiêu). Xóa một trong hai dòng.",
        ),
    ],
    "bad_three_good_one_bad.csv": [
        (
            "bad_three_good_one_bad.csv",
            5,
            "Đăng ký",
            f"Số đăng ký (5200) lớn hơn tổng số (5000): {RANGE_FIX}.",
        ),
    ],
    "bad_empty.csv": [
        ("bad_empty.csv", None, None, "Tệp rỗng: không có dòng nào. Chọn đúng tệp số liệu."),
    ],
    "bad_header_only.xlsx": [
        ("Số liệu", None, None, "Bảng không có dòng số liệu nào dưới dòng tiêu đề."),
    ],
    "bad_no_header.xlsx": [
        (
            "Trang tính1",
            None,
            None,
            "Không tìm thấy dòng tiêu đề. Bảng kết quả cần các cột: Năm, Tỉnh, Xã, Chỉ tiêu, Tổng số, Đăng ký, Công nhận; "
            "bảng mục tiêu cần: Địa bàn, Chỉ tiêu, Năm, Mục tiêu (%); danh sách công nhận cần: Tên đơn vị, Xếp loại; "
            "đặc điểm địa bàn cần: Năm, Tỉnh, Xã, Số hộ, Số nhân khẩu, Nguồn; phổ cập giáo dục cần: Năm, Tỉnh, Xã, "
            "Mầm non 5 tuổi, Tiểu học, THCS, Xóa mù chữ, Nguồn; bảng mục tiêu, nhiệm vụ của kế "
            "hoạch cần: Địa bàn, Mục tiêu, nhiệm vụ, Nguồn.",
        ),
    ],
    "bad_png_renamed.xlsx": [("bad_png_renamed.xlsx", None, None, NOT_A_TABLE)],
    "bad_random_bytes.xlsx": [("bad_random_bytes.xlsx", None, None, NOT_A_TABLE)],
    "bad_corrupt_zip.xlsx": [
        (
            "bad_corrupt_zip.xlsx",
            None,
            None,
            "Không đọc được tệp Excel (CalamineError). Mở tệp bằng Excel, lưu lại dạng .xlsx rồi thử lại.",
        ),
    ],
    "bad_targets_percent_120.xlsx": [
        ("Mục tiêu", 2, "Mục tiêu (%)", "Mục tiêu “120” phải là tỷ lệ từ 0 đến 100, ví dụ 85,5."),
    ],
    "bad_targets_no_source.csv": [
        (
            "bad_targets_no_source.csv",
            2,
            "Nguồn",
            "Thiếu nguồn: ghi văn bản đặt ra mục tiêu (số, ngày, cơ quan ban hành).",
        ),
    ],
    "bad_targets_year_2040.csv": [
        (
            "bad_targets_year_2040.csv",
            2,
            "Năm",
            "Năm mục tiêu “2040” không hợp lệ; ghi năm từ 2021 đến 2035.",
        ),
    ],
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_is_refused_with_the_exact_message(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex, name: str
) -> None:
    before = fingerprint(con)
    for dry_run in (True, False):
        result = run(con, index, name, dry_run=dry_run, user="tester")
        assert result.status == "refused"
        assert result.batch is None
        assert problems(result) == [
            dict(zip(("sheet", "row", "column", "message"), p, strict=True)) for p in BROKEN[name]
        ]
    assert fingerprint(con) == before


def test_broken_files_are_beside_good_ones() -> None:
    on_disk = {p.name for p in DATA.glob("bad_*")}
    assert on_disk == set(BROKEN)


def test_unknown_commune_message_says_not_found_and_lists_no_guess(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex
) -> None:
    result = run(con, index, "bad_unknown_commune.csv")
    [problem] = result.problems
    assert "Không tìm thấy địa bàn" in problem.message
    assert "Có thể là" not in problem.message
    assert str(problem) == ("trang “bad_unknown_commune.csv”, dòng 2, cột “Xã”: " + problem.message)


def test_ambiguous_commune_names_both_old_communes(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex
) -> None:
    [problem] = run(con, index, "bad_ambiguous_commune.csv").problems
    assert "khớp với 2 địa bàn" in problem.message
    assert "Xã Đăk Long (cũ), huyện Đăk Hà, tỉnh Kon Tum (cũ) — 23504" in problem.message
    assert "Xã Đăk Long (cũ), huyện Đắk Glei, tỉnh Kon Tum (cũ) — 23368" in problem.message


def test_missing_sheet_lists_the_sheets(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex
) -> None:
    before = fingerprint(con)
    result = run(con, index, "ok_two_sheets.xlsx", sheet="Trang 3")
    assert result.status == "refused"
    assert problems(result) == [
        {
            "sheet": "Trang 3",
            "row": None,
            "column": None,
            "message": "Không có trang “Trang 3” trong tệp. Các trang: Hướng dẫn, Số liệu 2025.",
        }
    ]
    assert fingerprint(con) == before


def test_all_or_nothing_three_good_rows_one_bad(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex
) -> None:
    before = {loc: figure(con, loc, 2025, "gia_dinh") for loc in GOOD_FIGURES}
    result = run(con, index, "bad_three_good_one_bad.csv")
    assert result.status == "refused"
    assert len(result.problems) == 1 and result.problems[0].row == 5
    assert {loc: figure(con, loc, 2025, "gia_dinh") for loc in GOOD_FIGURES} == before
    assert before["X23368"] == DEMO_DAK_LONG_2025  # the three good rows were not written either


@pytest.mark.parametrize(
    ("data", "row", "message"),
    [
        (b"\xff\xfea", None, NOT_A_TABLE),  # UTF-16 mark, then a cut-off character
        (b"a" * 200_000, 1, LONG_FIELD),  # one "field" longer than any CSV cell: said so
    ],
    ids=["truncated-utf16", "one-huge-field"],
)
def test_text_that_is_no_table_is_refused_not_crashed(
    con: duckdb.DuckDBPyConnection,
    index: LocalityIndex,
    data: bytes,
    row: int | None,
    message: str,
) -> None:
    before = fingerprint(con)
    result = import_file(con, Path("bao_cao.csv"), data=data, index=index)
    assert problems(result) == [
        {"sheet": "bao_cao.csv", "row": row, "column": None, "message": message}
    ]
    assert fingerprint(con) == before


def test_count_too_large_for_the_store_is_refused(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex
) -> None:
    data = "Năm,Tỉnh,Xã,Chỉ tiêu,Tổng số,Công nhận\n2025,Quảng Ngãi,Xã Đăk Long,gia_dinh,99999999999999999999,1\n".encode()
    before = fingerprint(con)
    result = import_file(con, Path("so_lieu.csv"), data=data, index=index)
    assert problems(result) == [
        {
            "sheet": "so_lieu.csv",
            "row": 2,
            "column": "Tổng số",
            "message": "Số “99999999999999999999” quá lớn; số đếm phải nhỏ hơn 1.000.000.000.",
        }
    ]
    assert fingerprint(con) == before


# -- dry run, re-import, rollback, history -------------------------------------------------------------


def test_dry_run_writes_nothing_but_counts_new_changed_unchanged(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex
) -> None:
    before = fingerprint(con)
    first = run(con, index, "ok_batch_first.csv", dry_run=True)
    assert (
        first.status,
        first.batch,
        first.new,
        first.changed,
        first.unchanged,
        first.problems,
    ) == ("dry_run", None, 2, 0, 0, [])
    assert fingerprint(con) == before

    imported = run(con, index, "ok_batch_first.csv")
    assert (imported.status, imported.new) == ("imported", 2)
    after_first = fingerprint(con)

    second = run(con, index, "ok_batch_second.csv", dry_run=True)
    assert (second.status, second.rows, second.new, second.changed, second.unchanged) == (
        "dry_run",
        3,
        1,
        1,
        1,
    )
    assert second.preview is not None
    assert second.preview.select("locality_id", "change").rows() == [
        ("OX23504", "unchanged"),
        ("OX23503", "changed"),
        ("OX23509", "new"),
    ]
    assert fingerprint(con) == after_first
    assert figure(con, "OX23503", 2023, "gia_dinh") == (
        900,
        850,
        700,
    )  # the correction is not written


def test_same_file_twice_adds_no_batch(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex
) -> None:
    first = run(con, index, "ok_batch_first.csv", user="tester")
    assert (first.status, first.new, first.changed, first.unchanged) == ("imported", 2, 0, 0)
    assert first.batch == last_batch(con)
    before = fingerprint(con)
    again = run(con, index, "ok_batch_first.csv", user="tester")
    assert (again.status, again.batch, again.rows, again.new, again.changed, again.unchanged) == (
        "imported",
        None,
        2,
        0,
        0,
        2,
    )
    assert again.problems == []
    assert again.notes == [
        f"Tệp có nội dung giống hệt tệp đã nhập ở lô {first.batch}.",
        "Mọi số liệu trong tệp đã có trong kho, không có gì thay đổi: không tạo lô mới.",
    ]
    assert fingerprint(con) == before


def test_rollback_brings_the_old_figure_back(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex
) -> None:
    def shown() -> tuple:
        [p] = progress_for(con, "X23368", 2025, ["gia_dinh"])
        return p.total, p.registered, p.recognized

    assert shown() == DEMO_DAK_LONG_2025
    result = run(con, index, "ok_change_dak_long_2025.csv", user="Nguyễn Văn A")
    assert (result.status, result.changed) == ("imported", 1)
    assert shown() == (8645, 8000, 7500)
    [p] = progress_for(con, "X23368", 2025, ["gia_dinh"])
    assert p.rate_pct == pytest.approx(7500 / 8645 * 100)

    assert result.batch is not None
    rollback_batch(con, result.batch)
    assert shown() == DEMO_DAK_LONG_2025
    status = con.execute("SELECT status FROM batches WHERE id = ?", [result.batch]).fetchall()
    assert status == [("rolled_back",)]
    # The figures of the rolled-back batch stay in the store, out of force.
    assert con.execute(
        "SELECT count(*) FROM observations WHERE batch_id = ?", [result.batch]
    ).fetchall() == [(1,)]


# -- command line -------------------------------------------------------------------------------------


def xhht(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("XHHT_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "metrics.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=env,
        timeout=120,
    )


@pytest.mark.usefixtures("operators")
def test_cli_import_json_history_and_rollback(store: Path) -> None:
    path = DATA / "ok_change_dak_long_2025.csv"
    out = xhht("import", str(path), "--db", str(store), "--json", "--user", "nguyen.van.a")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert {"status", "batch", "rows", "new", "changed", "unchanged", "problems"} <= result.keys()
    assert (
        result["status"],
        result["rows"],
        result["new"],
        result["changed"],
        result["unchanged"],
        result["problems"],
    ) == ("imported", 1, 0, 1, 0, [])
    batch = result["batch"]
    assert isinstance(batch, int)

    history = xhht("history", "--db", str(store), "--json")
    assert history.returncode == 0, history.stderr
    [entry] = [b for b in json.loads(history.stdout) if b["id"] == batch]
    assert (
        entry["created_by"],
        entry["file_name"],
        entry["kind"],
        entry["rows"],
        entry["status"],
    ) == ("nguyen.van.a", "ok_change_dak_long_2025.csv", "import", 1, "active")
    assert entry["file_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    text = xhht("history", "--db", str(store))
    assert "nguyen.van.a" in text.stdout and "ok_change_dak_long_2025.csv" in text.stdout

    con = connect(store, read_only=True)
    try:
        assert figure(con, "X23368", 2025, "gia_dinh") == (8645, 8000, 7500)
    finally:
        con.close()
    undo = xhht("rollback", str(batch), "--db", str(store))
    assert (undo.returncode, undo.stdout.strip()) == (
        0,
        f"Đã hoàn tác lô {batch}: các số liệu trước đó (nếu có) được dùng lại.",
    )
    again = xhht("rollback", str(batch), "--db", str(store))
    assert (again.returncode, again.stderr.strip()) == (
        1,
        f"Lỗi: Lô nhập số {batch} đã được hoàn tác trước đó.",
    )
    con = connect(store, read_only=True)
    try:
        assert figure(con, "X23368", 2025, "gia_dinh") == DEMO_DAK_LONG_2025
        [(status, file_sha)] = con.execute(
            "SELECT status, file_sha256 FROM batches WHERE id = ?", [batch]
        ).fetchall()
        assert (status, file_sha) == ("rolled_back", hashlib.sha256(path.read_bytes()).hexdigest())
    finally:
        con.close()


def test_cli_refused_import_exits_1_with_problems(store: Path) -> None:
    out = xhht("import", str(DATA / "bad_negative_count.csv"), "--db", str(store), "--json")
    assert out.returncode == 1
    result = json.loads(out.stdout)
    assert (result["status"], result["batch"]) == ("refused", None)
    assert result["problems"] == [
        {
            "sheet": "bad_negative_count.csv",
            "row": 2,
            "column": "Đăng ký",
            "message": "Số âm (-5); số đếm phải từ 0 trở lên.",
        }
    ]
    plain = xhht("import", str(DATA / "bad_negative_count.csv"), "--db", str(store))
    assert plain.returncode == 1
    assert plain.stdout.splitlines() == [
        "Không nhập tệp bad_negative_count.csv: có 1 lỗi. Kho dữ liệu không thay đổi.",
        "  - trang “bad_negative_count.csv”, dòng 2, cột “Đăng ký”: Số âm (-5); số đếm phải từ 0 trở lên.",
    ]


def test_cli_dry_run_and_usage_errors(store: Path, tmp_path: Path) -> None:
    con = connect(store, read_only=True)
    try:
        before = fingerprint(con)
    finally:
        con.close()
    dry = xhht("import", str(DATA / "ok_batch_second.csv"), "--db", str(store), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert (
        dry.stdout.strip()
        == "Sẽ nhập 3 dòng số liệu kết quả từ trang “ok_batch_second.csv”: 3 mới, 0 thay đổi, 0 không đổi."
    )

    missing = xhht("import", "--db", str(store), "--json")  # no FILE
    assert missing.returncode == 2
    assert "FILE" in missing.stderr
    no_file = xhht("import", str(tmp_path / "khong_co.xlsx"), "--db", str(store))
    assert (no_file.returncode, no_file.stderr.strip()) == (
        1,
        f"Lỗi: Không tìm thấy tệp {tmp_path / 'khong_co.xlsx'}.",
    )
    con = connect(store, read_only=True)
    try:
        assert fingerprint(con) == before
    finally:
        con.close()


def test_cli_template_then_import(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "mau.xlsx"
    made = xhht("template", "long", "-o", str(out))
    assert (made.returncode, made.stdout.strip()) == (0, f"Đã ghi biểu mẫu {out}.")
    assert out.read_bytes() == build_template("long")
    again = xhht("template", "long", "-o", str(out))
    assert (again.returncode, again.stderr.strip()) == (
        1,
        f"Lỗi: Tệp {out} đã có. Dùng --force để ghi đè.",
    )
    result = json.loads(xhht("import", str(out), "--db", str(store), "--json", "--dry-run").stdout)
    assert (result["status"], result["rows"], result["problems"]) == ("dry_run", 1, [])


# -- round trips --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "rows", "sheet"),
    [
        ("wide", 4, "Số liệu"),
        ("long", 1, "Số liệu"),
        ("targets", 1, "Mục tiêu"),
        ("list", 1, "Danh sách"),
        ("plans", 1, "Kế hoạch"),
    ],
)
def test_each_template_imports_unchanged(
    con: duckdb.DuckDBPyConnection,
    index: LocalityIndex,
    tmp_path: Path,
    kind: str,
    rows: int,
    sheet: str,
) -> None:
    path = tmp_path / TEMPLATE_FILE_NAMES[kind]
    path.write_bytes(build_template(kind))  # type: ignore[arg-type]
    dry = import_file(con, path, dry_run=True, index=index)
    assert (dry.status, dry.problems, dry.rows, dry.sheet) == ("dry_run", [], rows, sheet)
    done = import_file(con, path, index=index)
    assert (done.status, done.problems, done.rows) == ("imported", [], rows)
    assert (done.new, done.changed, done.unchanged) == (dry.new, dry.changed, dry.unchanged)
    if kind == "wide":  # the sample row is xã Đăk Long's 2025 figures for four models
        assert figure(con, "X23368", 2025, "gia_dinh") == (8645, 6500, 5100)
        assert figure(con, "X23368", 2025, "don_vi") == (32, 28, 24)


def export_long_csv(con: duckdb.DuckDBPyConnection, batch: int) -> bytes:
    """A batch's figures as a long-form CSV with the long template's headers (names and codes)."""
    rows = con.execute(
        f"""SELECT o.year, l.level, l.code, l.name, op.name AS old_province, o.indicator,
                   o.total, o.registered, o.recognized, {", ".join("o." + c for c in LEVELS)}, o.source
            FROM observations o JOIN localities l ON l.id = o.locality_id
            LEFT JOIN localities op ON op.id = l.old_province_id
            WHERE o.batch_id = ? ORDER BY o.locality_id, o.year, o.indicator""",
        [batch],
    ).fetchall()
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(LONG_HEADERS)
    for year, level, code, name, old_province, indicator, *counts, source in rows:
        province = district = commune = commune_code = ""
        if level in ("commune", "old_commune"):
            commune, commune_code = name, code
        elif level == "old_district":
            province, district = old_province, name
        else:
            province = name
        writer.writerow(
            [
                year,
                province,
                district,
                commune,
                commune_code,
                indicator,
                *["" if c is None else c for c in counts],
                source or "",
            ]
        )
    return buf.getvalue().encode("utf-8")


def test_export_of_a_batch_imports_to_the_same_figures(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex, tmp_path: Path
) -> None:
    first = run(con, index, "ok_long_all_columns.csv")
    assert (first.status, first.rows, first.problems) == ("imported", 4, [])
    exported = tmp_path / "xuat_lo.csv"
    exported.write_bytes(export_long_csv(con, first.batch))  # type: ignore[arg-type]

    fresh = connect(tmp_path / "fresh.duckdb")
    try:
        init_store(fresh)
        second = import_file(fresh, exported, index=index)
        assert (second.status, second.rows, second.new, second.problems) == ("imported", 4, 4, [])
        columns = f"locality_id, year, indicator, total, registered, recognized, {', '.join(LEVELS)}, total_from_register, source"
        query = f"SELECT {columns} FROM observations WHERE batch_id = ? ORDER BY locality_id, year, indicator"
        original = con.execute(query, [first.batch]).fetchall()
        assert fresh.execute(query, [second.batch]).fetchall() == original
    finally:
        fresh.close()
    assert [r[:3] for r in original] == [
        ("OH618", 2024, "don_vi_cap_tinh"),
        ("OX23504", 2023, "gia_dinh"),
        ("P51", 2025, "cong_dong_xa"),
        ("X23368", 2025, "don_vi"),
    ]
    assert original[0][9:11] == (20, 4)  # Mức độ 1/2 of the former district's units
    assert all(r[6:9] == (None, None, None) for r in original)  # no Tốt/Khá/TB here


# -- property-based: nothing crashes, a refusal changes nothing --------------------------------------

_HEADER_WORDS = [
    "Năm",
    "Tỉnh",
    "Huyện",
    "Xã",
    "Mã xã",
    "Chỉ tiêu",
    "Tổng số",
    "Đăng ký",
    "Công nhận",
    "Tốt",
    "Mức độ 1",
    "Nguồn",
    "Địa bàn",
    "Mục tiêu (%)",
    "Gia đình học tập",
    "Tổng cộng",
    "Nam",
    "Tinh",
]
_VALUES = [
    "2023",
    "2025",
    "2040",
    "Quảng Ngãi",
    "Kon Tum",
    "Xã Đăk Long",
    "Đăk Hà",
    "23368",
    "gia_dinh",
    "dong_ho",
    "Toàn quốc",
    "1.234",
    "85,5",
    "-3",
    "0",
    "",
    "nan",
    "N¨m",
    "Naêm",
    "1e9",
    "120",
    SOURCE,
]
_CELL = st.one_of(
    st.sampled_from(_HEADER_WORDS + _VALUES),
    st.integers(-10, 10**21).map(str),
    st.text(max_size=12),
)
_GRID = st.lists(st.lists(_CELL, min_size=0, max_size=8), min_size=0, max_size=8)
_SORTED_COUNTS = st.lists(st.integers(0, 60_000), min_size=3, max_size=3).map(
    lambda c: [f"{n:,}".replace(",", ".") for n in sorted(c, reverse=True)]
)  # total ≥ registered ≥ recognized
_ANY_COUNTS = st.lists(
    st.one_of(st.integers(-2, 60).map(str), st.sampled_from(["", "1.234", "7,5", "x"])),
    min_size=3,
    max_size=3,
)
# Rows under the results header that are often valid (repeated choices weigh more), so that both
# outcomes are exercised.
_RESULT_ROW = st.tuples(
    st.sampled_from(["2025", "2025", "2025", "2023", "2040"]),
    st.sampled_from(["Quảng Ngãi", "Quảng Ngãi", "Quảng Ngãi", "Kon Tum", ""]),
    st.sampled_from(["Xã Đăk Long", "Xã Trà Bồng", "Xã Cà Đam", "Xã Không Có", "Tổng cộng"]),
    st.sampled_from(["gia_dinh", "dong_ho", "Gia đình học tập", "không rõ"]),
    st.one_of(_SORTED_COUNTS, _SORTED_COUNTS, _ANY_COUNTS),
).map(lambda r: [*r[:4], *r[4]])
_RESULTS_HEADER = ["Năm", "Tỉnh", "Xã", "Chỉ tiêu", "Tổng số", "Đăng ký", "Công nhận"]
_PROPERTY = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def grid_csv(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode("utf-8")


def grid_xlsx(rows: list[list[str]]) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("Số liệu")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            ws.write_string(r, c, value)
    wb.close()
    return buf.getvalue()


@_PROPERTY
@given(
    data=st.one_of(
        st.binary(max_size=2048),
        st.binary(max_size=512).map(lambda b: b"PK\x03\x04" + b),
        st.binary(max_size=512).map(lambda b: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b),
        st.binary(max_size=512).map(lambda b: b"\xff\xfe" + b),
        st.binary(max_size=512).map(lambda b: b"\xef\xbb\xbf" + b),
    )
)
def test_random_bytes_never_crash(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex, data: bytes
) -> None:
    before = fingerprint(con)
    result = import_file(con, Path("tep.xlsx"), data=data, index=index)
    assert isinstance(result, ImportResult)
    assert result.status == "refused" and result.problems
    assert fingerprint(con) == before


@_PROPERTY
@given(
    rows=st.one_of(
        _GRID,
        _GRID.map(lambda body: [_RESULTS_HEADER, *body]),
        _GRID.map(
            lambda body: [["Địa bàn", "Tỉnh", "Chỉ tiêu", "Năm", "Mục tiêu (%)", "Nguồn"], *body]
        ),
        st.lists(_RESULT_ROW, min_size=1, max_size=2).map(lambda body: [_RESULTS_HEADER, *body]),
    ),
    as_xlsx=st.booleans(),
)
def test_random_cell_grids_never_crash_and_refusals_change_nothing(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex, rows: list[list[str]], as_xlsx: bool
) -> None:
    data = grid_xlsx(rows) if as_xlsx else grid_csv(rows)
    before = fingerprint(con)
    result = import_file(con, Path("bang.xlsx" if as_xlsx else "bang.csv"), data=data, index=index)
    assert isinstance(result, ImportResult)
    assert result.status in ("imported", "refused")
    if result.status == "refused":
        assert result.problems and result.batch is None
        assert all(p.message for p in result.problems)
        assert fingerprint(con) == before
    else:
        assert result.problems == []
        assert result.rows == result.new + result.changed + result.unchanged
        assert result.preview is not None
        if result.batch is None:  # nothing new: nothing written
            assert result.new == result.changed == 0
            assert fingerprint(con) == before
        for row in result.preview.iter_rows(named=True):  # what was accepted is what is in force
            assert figure(con, row["locality_id"], row["year"], row["indicator"]) == (
                row["total"],
                row["registered"],
                row["recognized"],
            )


def test_control_characters_never_enter_the_store(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex
) -> None:
    """A terminal escape or a bell in a cell would reach `xhht history`, pages and exports."""
    data = (
        "Năm,Tỉnh,Xã,Mã xã,Chỉ tiêu,Tổng số,Đăng ký,Công nhận,Nguồn\n"
        "2025,Quảng Ngãi,Xã Đăk Long,23368,gia_dinh,8.645,8.000,7.500,"
        "Báo cáo \x1b[2J\x07số 45\x9b31m/BC-UBND\n"
    ).encode()
    done = import_file(con, Path("dieu_khien.csv"), data=data, index=index)
    assert done.status == "imported", done.problems
    [(source,)] = con.execute(
        "SELECT source FROM observations WHERE batch_id = ?", [done.batch]
    ).fetchall()
    assert source == "Báo cáo [2Jsố 4531m/BC-UBND"


# -- a row that contradicts itself ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        # The template's sample code (xã Đăk Long) left beside a typed name of another commune.
        (
            "2025,Tỉnh Quảng Ngãi,,Xã Dục Nông,23368,gia_dinh,100,,50",
            "Mã xã",
            "Mã 23368 là Xã Đăk Long, tỉnh Quảng Ngãi — 23368, nhưng tên ghi “Xã Dục Nông” là "
            "Xã Dục Nông, tỉnh Quảng Ngãi — ",
        ),
        # A province that does not contain the unit the code names.
        (
            "2025,Thành phố Hà Nội,,Xã Đăk Long,23368,gia_dinh,100,,50",
            "Tỉnh",
            "Xã Đăk Long, tỉnh Quảng Ngãi — 23368 không thuộc Thành phố Hà Nội",
        ),
        # A 2023 row: the old commune's code with the old district of another commune.
        (
            "2023,Tỉnh Kon Tum,Huyện Đăk Hà,Xã Ia Tơi,23538,gia_dinh,100,,50",
            "Huyện",
            "Xã Ia Tơi (cũ), huyện Ia H'Drai, tỉnh Kon Tum (cũ) — 23538 không thuộc Huyện Đăk Hà",
        ),
    ],
    ids=["name-of-another-commune", "province-not-containing", "old-district-not-containing"],
)
def test_a_row_whose_code_and_names_disagree_is_refused(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex, row: str, column: str, message: str
) -> None:
    header = "Năm,Tỉnh,Huyện,Xã,Mã xã,Chỉ tiêu,Tổng số,Đăng ký,Được công nhận\n"
    before = fingerprint(con)
    result = import_file(con, Path("bao_cao.csv"), data=(header + row + "\n").encode(), index=index)
    assert result.status == "refused"
    [problem] = problems(result)
    assert (problem["row"], problem["column"]) == (2, column)
    assert problem["message"].startswith(message), problem["message"]
    assert "Sửa mã" in problem["message"]
    assert fingerprint(con) == before


def test_todays_code_and_name_on_a_row_of_a_year_before_the_reorganisation_agree(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex
) -> None:
    """Phường Ba Đình (Hà Nội) kept the code 00004 of phường Trúc Bạch (cũ): a 2024 row entered
    back for today's ward with its code and name is today's ward, not refused as a contradiction;
    the old ward's own name with the code is the old ward; another name still contradicts."""
    data = (
        "Năm,Tỉnh,Xã,Mã xã,Chỉ tiêu,Tổng số,Đăng ký,Được công nhận\n"
        "2024,Hà Nội,Phường Ba Đình,00004,gia_dinh,1000,900,700\n"
        "2024,Hà Nội,Phường Trúc Bạch,00004,dong_ho,100,90,70\n"
    ).encode()
    result = import_file(con, Path("nhap_lai_2024.csv"), data=data, index=index)
    assert result.status == "imported", problems(result)
    assert figure(con, "X00004", 2024, "gia_dinh") == (1000, 900, 700)
    [(old,)] = con.execute(
        "SELECT l.name FROM observations o JOIN localities l ON l.id = o.locality_id "
        "WHERE o.batch_id = ? AND o.indicator = 'dong_ho'",
        [result.batch],
    ).fetchall()
    assert old == "Phường Trúc Bạch"
    before = fingerprint(con)
    wrong = "Năm,Tỉnh,Xã,Mã xã,Chỉ tiêu,Tổng số,Được công nhận\n2024,Hà Nội,Phường Ngọc Hà,00004,gia_dinh,100,50\n"
    refused = import_file(con, Path("sai.csv"), data=wrong.encode(), index=index)
    assert refused.status == "refused"
    [problem] = problems(refused)
    assert problem["message"].startswith(
        "Mã 00004 là Phường Trúc Bạch (cũ), quận Ba Đình, thành phố Hà Nội (cũ) — 00004, nhưng "
        "tên ghi “Phường Ngọc Hà” là "
    ), problem["message"]
    assert fingerprint(con) == before


def test_a_code_and_its_own_name_agree(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex
) -> None:
    # Written as officials write it (no tone marks, Đắk for Đăk): the same unit, imported.
    data = (
        "Năm,Tỉnh,Xã,Mã xã,Chỉ tiêu,Tổng số,Được công nhận\n"
        "2025,Quang Ngai,Xa Dak Long,23368,gia_dinh,9000,5000\n"
    ).encode()
    result = import_file(con, Path("bao_cao.csv"), data=data, index=index)
    assert result.status == "imported", problems(result)
    assert figure(con, "X23368", 2025, "gia_dinh") == (9000, None, 5000)
