"""Lists of recognised units (README, "Lists of recognised units"): both layouts import, each
bad list is refused with its row-level Vietnamese message and leaves the store as it was, a
newer list of the same decision replaces the older one and a rollback brings it back."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest

from metrics.inputs import ImportResult, import_file
from metrics.name_lookup import LocalityIndex
from metrics.queries.recognitions import entries_of_place
from metrics.recognitions import register_count
from metrics.store import connect
from metrics.store.writes import rollback_batch

ROOT = Path(__file__).resolve().parents[1]
IA_HDRAI = "OH618"  # huyện Ia H'Drai (cũ), tỉnh Kon Tum (cũ)
LIST_HEADERS = [
    "Năm",
    "Tỉnh",
    "Xã",
    "Danh hiệu",
    "Tên đơn vị",
    "Kết quả",
    "Số quyết định",
    "Ngày quyết định",
    "Cơ quan quyết định",
    "Tiêu chí 1",
    "Tiêu chí 2",
    "Tiêu chí 3",
    "Tiêu chí 4",
    "Tiêu chí 5",
]


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


def xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def heading_list(
    path: Path, title: str, decision: str, units: list[tuple[str, str]], header=None
) -> Path:
    return xlsx(
        path,
        [
            [title],
            [decision],
            [],
            header or ["STT", "Tên đơn vị", "Xếp loại"],
            *[[i, name, result] for i, (name, result) in enumerate(units, 1)],
        ],
    )


def fingerprint(con: duckdb.DuckDBPyConnection) -> dict[str, tuple]:
    out = {}
    for table in ("batches", "observations_current", "recognitions", "recognitions_current"):
        out[table] = con.execute(
            f"SELECT count(*), hash(list(hash(t) ORDER BY t)) FROM {table} t"
        ).fetchone()
    return out


def problems(result: ImportResult) -> list[tuple]:
    return [(p.row, p.column, p.message) for p in result.problems]


def imported(con, index: LocalityIndex, path: Path, **kw) -> ImportResult:
    return import_file(con, path, index=index, **kw)


# -- the two layouts ----------------------------------------------------------------------------


def test_the_seed_list_is_in_the_demo_store_as_real_data(demo_con) -> None:
    entries = entries_of_place(demo_con, IA_HDRAI, 2023, "don_vi_cap_tinh")
    assert entries.height == 23
    assert entries["name"][0] == "Văn phòng HĐND và UBND"
    assert "Trường MN Hoa Mai" in entries["name"].to_list()
    assert set(entries["result"]) == {"tot"}
    assert set(entries["synthetic"]) == {False}
    assert set(entries["decision_number"]) == {"87/QĐ-UBND"}
    assert set(entries["decision_date"]) == {date(2024, 2, 10)}
    assert set(entries["circular"]) == {"tt22_2020"}
    kinds = dict(zip(entries["name"], entries["kind"], strict=True))
    assert kinds["Trường TH-THCS Hùng Vương"] == "Trường học"
    assert kinds["UBND xã Ia Tơi"] == "Cơ quan, đơn vị"
    assert kinds["Phòng Tư pháp"] == "Cơ quan, đơn vị"
    assert entries["source"][0].startswith("Quyết định số 87/QĐ-UBND ngày 10/02/2024")


def test_the_register_agrees_with_the_reported_count(demo_con) -> None:
    entries = entries_of_place(demo_con, IA_HDRAI, 2023, "don_vi_cap_tinh")
    count = register_count(entries, reported=23)
    assert (count.listed, count.recognized, count.agrees) == (23, 23, True)
    assert count.sentence("đơn vị") == (
        "Danh sách: 23 đơn vị được công nhận (23 Tốt) — khớp số báo cáo (23)."
    )
    differs = register_count(entries, reported=25)
    assert differs.agrees is False
    assert differs.sentence("đơn vị") == (
        "Danh sách: 23 đơn vị được công nhận (23 Tốt) — số báo cáo là 25: danh sách ít hơn 2 "
        "đơn vị. Số báo cáo vẫn được dùng để tính tỷ lệ; đối chiếu lại danh sách và báo cáo."
    )
    # In English, the results keep the circulars' own words.
    assert count.sentence("units", "en") == (
        "List: 23 units recognised (23 Good) — matches the reported figure (23)."
    )
    assert differs.sentence("units", "en") == (
        "List: 23 units recognised (23 Good) — the report says 25: the list has 2 units fewer. "
        "Rates still use the reported figure; check the list against the report."
    )
    assert (
        register_count(entries, reported=None)
        .sentence("units", "en")
        .endswith("; no reported figure to compare it with.")
    )


def test_a_list_under_its_decision_replaces_that_decision_s_list_and_rolls_back(
    con, index: LocalityIndex, tmp_path: Path
) -> None:
    path = heading_list(
        tmp_path / "ia_hdrai.xlsx",
        "DANH SÁCH ĐƠN VỊ HỌC TẬP CẤP HUYỆN NĂM 2023",
        "(Kèm theo Quyết định số 87/QĐ-UBND ngày 10/02/2024 của UBND huyện Ia H'Drai, tỉnh Kon Tum)",
        [("Phòng Tư pháp", "Tốt"), ("Trường MN Hoa Mai", "Khá"), ("Trường MN Sơn Ca", "Tốt")],
    )
    result = imported(con, index, path)
    assert result.status == "imported", problems(result)
    assert (result.kind, result.rows) == ("recognitions", 3)
    # Phòng Tư pháp keeps its result but the list names another source: changed, as is Hoa Mai.
    assert (result.new, result.changed, result.unchanged) == (1, 2, 0)
    # Before anything is written, the officer is told which units the new list leaves out.
    assert result.notes[0].startswith(
        "21 đơn vị đang có trong danh sách của cùng quyết định không có trong tệp "
        "(Ban quản lý Đầu tư và Xây dựng, Phòng Giáo dục và Đào tạo, "
    )
    entries = entries_of_place(con, IA_HDRAI, 2023, "don_vi_cap_tinh")
    assert entries["name"].to_list() == ["Phòng Tư pháp", "Trường MN Hoa Mai", "Trường MN Sơn Ca"]
    assert entries["result"].to_list() == ["tot", "kha", "tot"]
    assert set(entries["issuer"]) == {"UBND huyện Ia H'Drai, tỉnh Kon Tum"}
    rollback_batch(con, result.batch, user="kiem_tra")
    assert entries_of_place(con, IA_HDRAI, 2023, "don_vi_cap_tinh").height == 23


def test_units_a_former_district_lists_as_don_vi_hoc_tap_are_its_own_units(
    con, index: LocalityIndex, tmp_path: Path
) -> None:
    """Reports call a district's units "Đơn vị học tập" (seed report: "đánh giá xếp loại Đơn vị
    học tập"): listed by a former district, with no commune, they are the district-level title,
    rated under Thông tư 22/2020 in 2023."""
    path = heading_list(
        tmp_path / "dvht.xlsx",
        "DANH SÁCH ĐƠN VỊ HỌC TẬP NĂM 2023",
        "(Kèm theo Quyết định số 88/QĐ-UBND ngày 12/02/2024 của UBND huyện Ia H'Drai, tỉnh Kon Tum)",
        [("Phòng Y tế", "Khá")],
    )
    result = imported(con, index, path)
    assert result.status == "imported", problems(result)
    added = entries_of_place(con, IA_HDRAI, 2023, "don_vi_cap_tinh").filter(
        pl.col("decision_number") == "88/QĐ-UBND"
    )
    assert added.select("name", "result", "circular").rows() == [("Phòng Y tế", "kha", "tt22_2020")]


def test_one_table_with_every_column_and_the_criteria(
    con, index: LocalityIndex, tmp_path: Path
) -> None:
    base = ["Quảng Ngãi", "Xã Đăk Long", "Cộng đồng học tập cấp xã"]
    path = xlsx(
        tmp_path / "xa.xlsx",
        [
            LIST_HEADERS,
            [
                2025,
                *base,
                "Xã Đăk Long",
                "Mức độ 1",
                "120/QĐ-UBND",
                datetime(2025, 12, 20),
                "UBND tỉnh Quảng Ngãi",
                "Đạt",
                "Đạt",
                "x",
                "Đạt",
                "Đạt",
            ],
            [
                2025,
                "Quảng Ngãi",
                "Xã Ba Tơ",
                "CĐHT cấp xã",
                "Xã Ba Tơ",
                "Không đạt",
                "120/QĐ-UBND",
                "20/12/2025",
                "UBND tỉnh Quảng Ngãi",
                "Đạt",
                "Không đạt",
                "Đạt",
                "Đạt",
                "Không đạt",
            ],
        ],
    )
    result = imported(con, index, path)
    assert result.status == "imported", problems(result)
    dak_long = entries_of_place(con, "X23368", 2025, "cong_dong_xa")
    assert dak_long.select("name", "result", "circular", "criteria_met", "valid_until").row(0) == (
        "Xã Đăk Long",
        "muc_do_1",
        "tt25_2023",
        "1,2,3,4,5",
        date(2028, 12, 19),  # 3 years from the decision, Thông tư 25/2023
    )
    ba_to = entries_of_place(con, "X21484", 2025, "cong_dong_xa")
    assert ba_to.select("result", "criteria_failed", "valid_until").row(0) == (
        "khong_dat",
        "2,5",
        None,
    )


def test_cli_lists_and_expiring(store: Path) -> None:
    def xhht(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "metrics.cli", *args, "--db", str(store)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )

    listed = xhht(
        "recognitions", "list", "--locality", "Huyện Ia H'Drai, Kon Tum", "--year", "2023", "--json"
    )
    assert listed.returncode == 0, listed.stderr
    every = json.loads(listed.stdout)
    # The district as a learning community was not yet assessed for 2023 (Thông tư 25/2023
    # took effect 12/02/2024): held apart from "not recognised".
    district = [e for e in every if e["title"] == "cong_dong_huyen"]
    assert [(e["name"], e["result"], e["result_label"]) for e in district] == [
        ("Huyện Ia H'Drai", "chua_danh_gia", "Chưa triển khai đánh giá")
    ]
    entries = [e for e in every if e["title"] == "don_vi_cap_tinh"]
    assert len(entries) == 23 == len(every) - 1
    first = entries[0]
    # The way to decision 87: each unit assessed itself Tốt, proposed by tờ trình 32a.
    assert {
        k: first[k]
        for k in ("self_assessed", "proposal_number", "proposal_date", "proposal_issuer")
    } == {
        "self_assessed": "tot",
        "proposal_number": "32a/TTr-PGDĐT",
        "proposal_date": "2024-02-05",
        "proposal_issuer": "Phòng Giáo dục và Đào tạo huyện Ia H'Drai",
    }
    assert {
        k: first[k]
        for k in (
            "name",
            "kind",
            "locality_code",
            "year",
            "title",
            "result",
            "decision_number",
            "decision_date",
            "issuer",
            "valid_until",
            "criteria_failed",
        )
    } == {
        "name": "Văn phòng HĐND và UBND",
        "kind": "Cơ quan, đơn vị",
        "locality_code": "618",
        "year": 2023,
        "title": "don_vi_cap_tinh",
        "result": "tot",
        "decision_number": "87/QĐ-UBND",
        "decision_date": "2024-02-10",
        "issuer": "UBND huyện Ia H'Drai, tỉnh Kon Tum",
        "valid_until": None,  # a yearly result (Thông tư 22/2020): no expiry
        "criteria_failed": [],
    }
    text = xhht("recognitions", "list", "--locality", "Huyện Ia H'Drai, Kon Tum", "--year", "2023")
    assert text.stdout.splitlines()[0].endswith("danh sách công nhận năm 2023: 23 đơn vị")
    assert text.stdout.splitlines()[1] == "  Cộng đồng học tập cấp huyện: chưa triển khai đánh giá"
    assert text.stdout.splitlines()[2] == (
        "  Đơn vị học tập cấp tỉnh, cấp huyện (cũ): Danh sách: 23 đơn vị được công nhận (23 Tốt) "
        "— khớp số báo cáo (23)."
    )
    assert text.stdout.splitlines()[3].endswith(
        "Đăng ký 23, tự đánh giá 23, đề nghị 23, công nhận 23."
    )
    assert (
        "Trường MN Hoa Mai (Trường học, Huyện Ia H'Drai); tự đánh giá Tốt; tờ trình số "
        "32a/TTr-PGDĐT ngày 05/02/2024 của Phòng Giáo dục và Đào tạo huyện Ia H'Drai — Tốt; "
        "Quyết định số 87/QĐ-UBND ngày 10/02/2024 của UBND huyện Ia H'Drai, tỉnh Kon Tum"
        in text.stdout
    )
    # Quảng Ngãi's demo communes assessed for 2024 under Thông tư 25 (each old district's
    # decision of December 2024) stand 3 years from it: looking from 2026, they lapse next year.
    lapsing = json.loads(
        xhht(
            "recognitions", "expiring", "--locality", "Quảng Ngãi", "--year", "2026", "--json"
        ).stdout
    )
    assert lapsing
    for e in lapsing:
        decided = date.fromisoformat(e["decision_date"])
        assert e["valid_until"] == (decided.replace(year=2027) - timedelta(days=1)).isoformat()
        assert decided.year == 2024 and e["valid_until"].startswith("2027-")
    assert {e["title"] for e in lapsing} == {"cong_dong_xa"}
    assert all(e["synthetic"] and e["result"] in ("muc_do_1", "muc_do_2") for e in lapsing)
    none = xhht("recognitions", "expiring", "--locality", "Quảng Ngãi", "--year", "2025")
    assert none.returncode == 0
    assert "Không có công nhận nào hết hiệu lực trong năm 2026." in none.stdout
    wrong = xhht(
        "recognitions", "list", "--locality", "Quảng Ngãi", "--year", "2025", "--title", "gia_dinh"
    )
    assert wrong.returncode == 1
    assert "Danh hiệu “gia_dinh” không có sổ công nhận" in wrong.stderr


# -- bad lists: a row-level message each, nothing written --------------------------------------


def _one_table(tmp_path: Path, rows: list[list[object]], headers=None) -> Path:
    return xlsx(tmp_path / "bad.xlsx", [headers or LIST_HEADERS[:9], *rows])


BAD_LISTS = {
    "result_of_another_circular": (
        [
            [
                2024,
                "Quảng Ngãi",
                "",
                "Đơn vị học tập cấp tỉnh",
                "Sở Tư pháp",
                "Tốt",
                "5/QĐ-UBND",
                "20/12/2024",
                "UBND tỉnh Quảng Ngãi",
            ]
        ],
        None,
        (
            2,
            "Kết quả",
            "Năm 2024, “Đơn vị học tập cấp tỉnh, cấp huyện (cũ)” được đánh giá theo Thông tư "
            "24/2023/TT-BGDĐT: ghi Mức độ 1, Mức độ 2 hoặc Không đạt (“Tốt” là kết quả theo Thông "
            "tư 22/2020/TT-BGDĐT). Kiểm tra năm hoặc kết quả.",
        ),
    ),
    "decision_outside_the_year": (
        [
            [
                2023,
                "Kon Tum",
                "",
                "Đơn vị học tập cấp huyện",
                "Phòng Nội vụ",
                "Tốt",
                "9/QĐ-UBND",
                "05/03/2021",
                "UBND tỉnh Kon Tum",
            ]
        ],
        None,
        (
            2,
            "Ngày quyết định",
            "Quyết định ngày 05/03/2021 không thuộc năm 2023 hoặc 2024: quyết định công nhận kết "
            "quả năm 2023 ban hành trong năm 2023 hoặc đầu năm 2024. Kiểm tra năm của danh sách "
            "hoặc ngày quyết định.",
        ),
    ),
    "a_day_that_does_not_exist": (
        [
            [
                2024,
                "Quảng Ngãi",
                "Xã Đăk Long",
                "Dòng họ học tập",
                "Dòng họ A Lăng",
                "Đạt",
                "7/QĐ-UBND",
                "31/02/2024",
                "UBND xã Đăk Long",
            ]
        ],
        None,
        (
            2,
            "Ngày quyết định",
            "“31/02/2024” không phải ngày; ghi ngày/tháng/năm, ví dụ 10/02/2024.",
        ),
    ),
    "the_same_unit_twice": (
        [
            [
                2025,
                "Quảng Ngãi",
                "Xã Đăk Long",
                "Dòng họ học tập",
                "Dòng họ A Lăng",
                "Đạt",
                "7/QĐ-UBND",
                "10/12/2025",
                "UBND xã Đăk Long",
            ],
            [
                2025,
                "Quảng Ngãi",
                "Xã Đăk Long",
                "Dòng họ học tập",
                "Dòng  họ A  Lăng",
                "Đạt",
                "7/QĐ-UBND",
                "10/12/2025",
                "UBND xã Đăk Long",
            ],
        ],
        None,
        (
            3,
            "Tên đơn vị",
            "“Dòng họ A Lăng” đã có ở dòng 2 của cùng quyết định: mỗi đơn vị ghi một lần. Xóa một "
            "trong hai dòng.",
        ),
    ),
    "a_criterion_the_circular_does_not_have": (
        [
            [
                2025,
                "Quảng Ngãi",
                "Xã Đăk Long",
                "Cộng đồng học tập cấp xã",
                "Xã Đăk Long",
                "Không đạt",
                "12/QĐ-UBND",
                "10/12/2025",
                "UBND tỉnh Quảng Ngãi",
                "Không đạt",
            ]
        ],
        [*LIST_HEADERS[:9], "Tiêu chí 6"],
        (
            2,
            "Tiêu chí 6",
            "Thông tư 25/2023/TT-BGDĐT có 5 tiêu chí (Tiêu chí 1 đến 5); không có tiêu chí 6. "
            "Kiểm tra tiêu đề cột.",
        ),
    ),
    "recognised_with_a_criterion_not_met": (
        [
            [
                2025,
                "Quảng Ngãi",
                "Xã Đăk Long",
                "Cộng đồng học tập cấp xã",
                "Xã Đăk Long",
                "Mức độ 1",
                "12/QĐ-UBND",
                "10/12/2025",
                "UBND tỉnh Quảng Ngãi",
                "Đạt",
                "Không đạt",
            ]
        ],
        [*LIST_HEADERS[:9], "Tiêu chí 1", "Tiêu chí 2"],
        (
            2,
            "Kết quả",
            "Được ghi “Mức độ 1” nhưng không đạt tiêu chí 2: theo Thông tư 25/2023/TT-BGDĐT, một "
            "tiêu chí không đạt thì không được công nhận. Sửa kết quả thành “Không đạt” hoặc kiểm "
            "tra các tiêu chí.",
        ),
    ),
    "families_are_counted_not_listed": (
        [[2025, "Quảng Ngãi", "Xã Đăk Long", "Gia đình học tập", "Hộ ông A", "Đạt", "", "", ""]],
        None,
        (
            2,
            "Danh hiệu",
            "“Gia đình học tập” không lập danh sách từng đơn vị (chỉ báo cáo số lượng). Danh hiệu "
            "lập danh sách: Đơn vị học tập cấp tỉnh, cấp huyện (cũ), Đơn vị học tập, Cộng đồng học "
            "tập cấp thôn, Cộng đồng học tập cấp xã, Dòng họ học tập, Cộng đồng học tập cấp huyện, "
            "Cộng đồng học tập cấp tỉnh.",
        ),
    ),
    "a_result_word_nobody_uses": (
        [
            [
                2025,
                "Quảng Ngãi",
                "Xã Đăk Long",
                "Cộng đồng học tập cấp thôn",
                "Thôn Đăk Ang",
                "Xuất sắc",
                "",
                "",
                "",
            ]
        ],
        None,
        (2, "Kết quả", "“Xuất sắc” không phải kết quả đánh giá; ghi Đạt hoặc Không đạt."),
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_LISTS))
def test_a_bad_list_is_refused_at_its_row_and_nothing_is_written(
    con, index: LocalityIndex, tmp_path: Path, case: str
) -> None:
    rows, headers, expected = BAD_LISTS[case]
    before = fingerprint(con)
    result = imported(con, index, _one_table(tmp_path, rows, headers))
    assert result.status == "refused"
    assert problems(result) == [expected]
    assert fingerprint(con) == before


def test_a_list_without_year_or_place_says_where_to_write_them(
    con, index: LocalityIndex, tmp_path: Path
) -> None:
    path = heading_list(
        tmp_path / "no_year.xlsx",
        "DANH SÁCH DÒNG HỌ HỌC TẬP",
        "(Kèm theo Quyết định số 3/QĐ-UBND)",
        [("Dòng họ Nguyễn", "Đạt")],
    )
    result = imported(con, index, path)
    assert result.status == "refused"
    assert problems(result) == [
        (
            5,
            "Năm",
            "Chưa ghi năm: thêm cột Năm, hoặc ghi năm trong tiêu đề danh sách (ví dụ “… năm 2023”).",
        ),
    ]
    path = heading_list(
        tmp_path / "no_place.xlsx",
        "DANH SÁCH DÒNG HỌ HỌC TẬP NĂM 2025",
        "(Kèm theo Quyết định số 3/QĐ-UBND ngày 12/12/2025)",
        [("Dòng họ Nguyễn", "Đạt")],
    )
    result = imported(con, index, path)
    assert problems(result) == [
        (
            5,
            "Xã",
            "Chưa ghi địa bàn: thêm cột Tỉnh, Huyện, Xã, hoặc ghi cơ quan quyết định (ví dụ “của "
            "UBND huyện Ia H'Drai, tỉnh Kon Tum”) trong tiêu đề danh sách.",
        ),
    ]


def test_the_register_sorts_by_a_column_and_finds_a_word_typed_without_marks(demo_con) -> None:
    from metrics.circulars import RESULT_LABEL
    from metrics.normalise import strip_marks
    from metrics.queries.recognitions import entries_in
    from metrics.recognitions import entries_matching, sorted_entries

    entries = entries_in(demo_con, "province", "P51", year=2024)
    assert sorted_entries(entries, "").equals(entries)  # as listed
    by_day = sorted_entries(entries, "valid_until_text")["valid_until"].to_list()
    dated = [d for d in by_day if d is not None]
    assert dated == sorted(dated) and len(dated) > 1
    assert by_day[len(dated) :] == [None] * (len(by_day) - len(dated))  # undated last
    ranks = [list(RESULT_LABEL).index(r) for r in sorted_entries(entries, "result_label")["result"]]
    assert ranks == sorted(ranks) and len(set(ranks)) > 1
    found = entries_matching(entries, "PHUONG")
    assert found.height and found.height < entries.height
    # "phuong" finds Phường, Phương, Phượng…: the letters, whatever their marks.
    texts = [f"{n} {p}" for n, p in zip(found["name"], found["locality_name"], strict=True)]
    assert all("phuong" in strip_marks(t).lower() for t in texts)
    assert any("Phường" in t for t in texts)
    assert entries_matching(entries, "  ").equals(entries)
