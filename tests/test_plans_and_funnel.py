"""Issue 22, items 3–6: the way to a decision (registered, self-assessed, proposed, decided) and
where units fell out; learning communities above the commune "not yet assessed"; a place's
plan commitments that are not rates — imported from their template (row-level messages, the
store left as it was, rollback), shown as the profile and the draft say them; the demo's real
ones from the seeds."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from metrics.inputs import build_template, import_file
from metrics.plans import plan_groups, shown_plan_items
from metrics.queries.recognitions import entries_in
from metrics.queries.targets import plan_items_of
from metrics.recognitions import above_commune_states, funnel, recognition_lists
from metrics.store import connect
from metrics.store.writes import rollback_batch

ROOT = Path(__file__).resolve().parents[1]
DAK_LONG = "23368"  # xã Đăk Long, tỉnh Quảng Ngãi (the templates' sample commune)
PLAN_HEADERS = [
    "Địa bàn",
    "Tỉnh",
    "Phần",
    "Mục tiêu, nhiệm vụ",
    "Mục tiêu (%)",
    "Năm",
    "Chỉ tiêu",
    "Kết quả (%)",
    "Năm kết quả",
    "Nguồn kết quả",
    "Nguồn",
]
PLAN = "Kế hoạch số 12/KH-UBND ngày 10/3/2026 của UBND xã Ba Tơ"


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


def xlsx(path: Path, rows: list[list[object]], title: str = "Kế hoạch") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def locality_id(con, code: str) -> str:
    return con.execute("SELECT id FROM localities WHERE code = ?", [code]).fetchone()[0]


# -- the demo holds the seeds' real steps and commitments ---------------------------------------


def test_ia_hdrai_2023_funnel_and_district_community_not_assessed(demo_con) -> None:
    entries = entries_in(demo_con, "old_district", "OH618", year=2023)
    assert above_commune_states(entries, "OH618") == [
        ("cong_dong_huyen", "Cộng đồng học tập cấp huyện: chưa triển khai đánh giá")
    ]
    assert above_commune_states(entries, "OH618", "en") == [
        ("cong_dong_huyen", "District learning community: not yet assessed")
    ]
    (units,) = recognition_lists(entries)  # "not yet assessed" is no list
    way = funnel(units.entries)
    assert way.sentence() == "Đăng ký 23, tự đánh giá 23, đề nghị 23, công nhận 23."
    assert way.how() == [
        "Mức tự đánh giá: Tốt 23.",
        "Đề nghị tại: Tờ trình số 32a/TTr-PGDĐT ngày 05/02/2024 của Phòng Giáo dục và Đào tạo "
        "huyện Ia H'Drai.",
    ]
    assert way.fell_out("đơn vị") == []
    # Decision 48 (2022): its list is not in the report; the figure's source names tờ trình 11.
    source = demo_con.execute(
        "SELECT source FROM observations_current WHERE locality_id = 'OH618' AND year = 2022 "
        "AND indicator = 'don_vi_cap_tinh'"
    ).fetchone()[0]
    assert "Tờ trình số 11/TTr-PGDĐT ngày 24/02/2023" in source
    assert "Quyết định số 48/QĐ-UBND ngày 24/02/2023" in source


def test_demo_units_fall_out_on_the_way(demo_con) -> None:
    """The demo's synthetic commune lists of 2025 name who stopped at each step."""
    entries = entries_in(demo_con, "province", "P51", year=2025)
    ways = [
        (lst, w)
        for lst in recognition_lists(entries)
        if lst.title == "don_vi" and (w := funnel(lst.entries))
    ]
    assert ways
    fell = [line for _, w in ways for line in w.fell_out("đơn vị")]
    assert any("đăng ký nhưng chưa tự đánh giá" in line for line in fell)
    for lst, w in ways:
        assert w.registered >= w.self_assessed >= w.proposed >= w.recognized
        assert w.recognized == lst.recognized
        assert all(lst.synthetic for lst, _ in ways)


def test_dak_long_plan_items_from_its_report(demo_con) -> None:
    place = locality_id(demo_con, DAK_LONG)
    items = plan_items_of(demo_con, place)
    assert items.height == 3 and not items["synthetic"].any()
    shown = shown_plan_items(items, {}, "vi").rows(named=True)
    assert shown[0]["plan_item"].startswith("100% cán bộ, hội viên Hội Khuyến học các cấp")
    assert shown[0]["plan_target"] == "100% đến năm 2030"
    assert shown[2]["plan_achieved"] == "năm 2025 đạt 100%"
    en = shown_plan_items(items, {}, "en").rows(named=True)
    assert en[0]["plan_target"] == "100% by 2030" and en[2]["plan_achieved"] == "2025: 100%"
    groups = plan_groups(items, {})
    assert [len(lines) for _, lines in groups] == [2, 1]
    assert groups[0][1][0].endswith("(đến năm 2030);")
    assert groups[1][1][0] == (
        "100% thôn duy trì hoạt động “Cộng đồng học tập” (năm 2025 đạt 100%, theo cùng báo "
        "cáo, Phần thứ nhất, mục 2)."
    )


# -- the way to a decision, imported ------------------------------------------------------------


def test_a_list_with_its_steps_imports_and_says_who_fell_out(store: Path, tmp_path: Path) -> None:
    header = [
        "Năm",
        "Tỉnh",
        "Xã",
        "Danh hiệu",
        "Tên đơn vị",
        "Xếp loại",
        "Tự đánh giá",
        "Số tờ trình",
        "Ngày tờ trình",
        "Cơ quan trình",
        "Số quyết định",
        "Ngày quyết định",
        "Cơ quan quyết định",
    ]
    decided = ["47/QĐ-UBND", date(2025, 12, 20), "UBND xã Đăk Long"]
    proposal = ["15/TTr-VHXH", date(2025, 12, 10), "Phòng Văn hóa - Xã hội xã Đăk Long"]
    place = [2025, "Quảng Ngãi", "Xã Đăk Long", "Đơn vị học tập"]
    rows = [
        header,
        [*place, "Trường TH Đăk Long", "Đạt", "Đạt", *proposal, *decided],
        [*place, "Trường THCS Đăk Long", "Đạt", "Đạt", *proposal, *decided],
        [*place, "Trạm Y tế xã Đăk Long", "", "Đạt", *proposal, "", "", ""],
        [*place, "Trường MN Đăk Long", "", "Đạt", "", "", "", "", "", ""],
        [*place, "Bưu điện xã Đăk Long", "", "", "", "", "", "", "", ""],
    ]
    path = xlsx(tmp_path / "buoc.xlsx", rows, "Danh sách")
    con = connect(store)
    try:
        result = import_file(con, path)
        assert result.status == "imported", [p.message for p in result.problems]
        place_id = locality_id(con, DAK_LONG)
        entries = entries_in(con, "commune", place_id, year=2025)
    finally:
        con.close()
    (lst,) = [x for x in recognition_lists(entries) if x.decision_number == "47/QĐ-UBND"]
    way = funnel(lst.entries)
    assert way.sentence() == "Đăng ký 5, tự đánh giá 4, đề nghị 3, công nhận 2."
    assert way.fell_out("đơn vị") == [
        "1 đơn vị đăng ký nhưng chưa tự đánh giá: Bưu điện xã Đăk Long.",
        "1 đơn vị tự đánh giá nhưng không được đề nghị công nhận: Trường MN Đăk Long.",
        "1 đơn vị được đề nghị nhưng chưa có quyết định: Trạm Y tế xã Đăk Long.",
    ]
    listed = subprocess.run(
        [
            sys.executable,
            "-m",
            "metrics.cli",
            "recognitions",
            "list",
            "--locality",
            DAK_LONG,
            "--year",
            "2025",
            "--title",
            "don_vi",
            "--json",
            "--db",
            str(store),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    by_name = {e["name"]: e for e in json.loads(listed.stdout)}
    assert {
        k: by_name["Trạm Y tế xã Đăk Long"][k]
        for k in ("result", "self_assessed", "proposal_number", "proposal_date", "proposal_issuer")
    } == {
        "result": None,
        "self_assessed": "dat",
        "proposal_number": "15/TTr-VHXH",
        "proposal_date": "2025-12-10",
        "proposal_issuer": "Phòng Văn hóa - Xã hội xã Đăk Long",
    }
    assert by_name["Bưu điện xã Đăk Long"]["self_assessed"] is None


def test_a_proposal_after_its_decision_is_refused_at_its_row(store: Path, tmp_path: Path) -> None:
    header = ["Năm", "Tỉnh", "Xã", "Danh hiệu", "Tên đơn vị", "Xếp loại", "Tự đánh giá"]
    header += ["Số tờ trình", "Ngày tờ trình", "Số quyết định", "Ngày quyết định"]
    row = [2025, "Quảng Ngãi", "Xã Đăk Long", "Đơn vị học tập", "Trường TH Đăk Long", "Đạt"]
    row += ["Đạt", "15/TTr-VHXH", date(2025, 12, 28), "47/QĐ-UBND", date(2025, 12, 20)]
    path = xlsx(tmp_path / "sai.xlsx", [header, row], "Danh sách")
    con = connect(store)
    try:
        before = con.execute("SELECT count(*) FROM recognitions").fetchone()
        result = import_file(con, path)
        after = con.execute("SELECT count(*) FROM recognitions").fetchone()
    finally:
        con.close()
    assert result.status == "refused" and before == after
    assert [(p.row, p.column, p.message) for p in result.problems] == [
        (
            2,
            "Ngày tờ trình",
            "Tờ trình ngày 28/12/2025 sau quyết định ngày 20/12/2025: tờ trình đề nghị trước "
            "khi có quyết định. Kiểm tra ngày tờ trình hoặc ngày quyết định.",
        )
    ]


# -- plan commitments, imported -----------------------------------------------------------------


def test_the_plan_template_imports_as_it_is_and_rolls_back(store: Path, tmp_path: Path) -> None:
    path = tmp_path / "mau_ke_hoach.xlsx"
    path.write_bytes(build_template("plans"))
    wb = openpyxl.load_workbook(path)
    ws = wb["Kế hoạch"]
    assert [c.value for c in ws[3]] == PLAN_HEADERS
    # Drop-downs: the sections and the indicators offered, the years bounded.
    kinds = sorted((dv.type, str(dv.sqref)) for dv in ws.data_validations.dataValidation)
    assert kinds == [
        ("list", "C4:C20001"),
        ("list", "G4:G20001"),
        ("whole", "F4:F20001"),
        ("whole", "I4:I20001"),
    ]
    con = connect(store)
    try:
        place = locality_id(con, DAK_LONG)
        dry = import_file(con, path, dry_run=True)
        assert (dry.status, dry.kind, dry.new) == ("dry_run", "plans", 1)
        assert dry.preview["item_text"].to_list() == [
            "100% thôn duy trì hoạt động Cộng đồng học tập"
        ]
        done = import_file(con, path, user="tester")
        assert done.status == "imported" and done.batch
        items = plan_items_of(con, place)
        assert items.height == 4  # the seed's three and the template's sample
        sample = items.filter(items["source"].str.starts_with("Kế hoạch số …"))
        assert sample.select("target_pct", "target_year", "section").row(0) == (
            100.0,
            2030,
            "Mục tiêu cụ thể",
        )
        rollback_batch(con, done.batch, "tester")
        assert plan_items_of(con, place).height == 3
    finally:
        con.close()


def test_a_later_figure_is_attached_and_a_newer_file_of_the_plan_replaces_it(
    store: Path, tmp_path: Path
) -> None:
    first = [
        PLAN_HEADERS,
        [
            "Xã Ba Tơ",
            "Quảng Ngãi",
            "",
            "Mỗi thôn có một tủ sách cộng đồng",
            100,
            2028,
            "",
            "",
            "",
            "",
            PLAN,
        ],
        [
            "Xã Ba Tơ",
            "Quảng Ngãi",
            "",
            "Tổ chức Tuần lễ học tập suốt đời",
            "",
            "",
            "",
            "",
            "",
            "",
            PLAN,
        ],
    ]
    later = [
        PLAN_HEADERS,
        [
            "Xã Ba Tơ",
            "Quảng Ngãi",
            "",
            "Mỗi thôn có một tủ sách cộng đồng",
            100,
            2028,
            "",
            "62,5",
            2026,
            "Báo cáo số 5/BC-UBND ngày 12/12/2026 của UBND xã Ba Tơ",
            PLAN,
        ],
    ]
    con = connect(store)
    try:
        assert import_file(con, xlsx(tmp_path / "a.xlsx", first)).status == "imported"
        place = con.execute(
            "SELECT id FROM localities WHERE name = 'Xã Ba Tơ' AND level = 'commune'"
        ).fetchone()[0]
        assert plan_items_of(con, place).height == 2
        result = import_file(con, xlsx(tmp_path / "b.xlsx", later))
        assert result.status == "imported"
        items = plan_items_of(con, place)
    finally:
        con.close()
    # The plan is replaced whole, as a list is: the newer file holds one item.
    assert items["item_text"].to_list() == ["Mỗi thôn có một tủ sách cộng đồng"]
    (row,) = shown_plan_items(items, {}, "vi").rows(named=True)
    assert row["plan_achieved"] == "năm 2026 đạt 62,5%"
    assert row["plan_target"] == "100% đến năm 2028"


BAD_PLANS = {
    "no_item": (
        ["Xã Đăk Long", "Quảng Ngãi", "", "", 100, 2030, "", "", "", "", PLAN],
        "Mục tiêu, nhiệm vụ",
        "Thiếu nội dung: ghi mục tiêu, nhiệm vụ như kế hoạch viết (ví dụ “100% thôn duy trì "
        "hoạt động Cộng đồng học tập”).",
    ),
    "no_plan": (
        ["Xã Đăk Long", "Quảng Ngãi", "", "Tủ sách ở mỗi thôn", "", "", "", "", "", "", ""],
        "Nguồn",
        "Thiếu nguồn: ghi văn bản đặt ra mục tiêu, nhiệm vụ (số, ngày, cơ quan ban hành), ví "
        "dụ “Báo cáo số 12/BC-UBND ngày 10/6/2025 của UBND xã Đăk Long”.",
    ),
    "percent_over_100": (
        ["Xã Đăk Long", "Quảng Ngãi", "", "Tủ sách ở mỗi thôn", 120, 2030, "", "", "", "", PLAN],
        "Mục tiêu (%)",
        "Mục tiêu “120” phải là tỷ lệ từ 0 đến 100, ví dụ 100 hoặc 85,5 (để trống nếu mục tiêu "
        "không có tỷ lệ).",
    ),
    "later_figure_without_year": (
        [
            "Xã Đăk Long",
            "Quảng Ngãi",
            "",
            "Tủ sách ở mỗi thôn",
            100,
            2030,
            "",
            80,
            "",
            "BC 5",
            PLAN,
        ],
        "Năm kết quả",
        f"Năm kết quả “” không hợp lệ: ghi năm đạt được tỷ lệ, từ 2021 đến {date.today().year}.",
    ),
    "year_without_later_figure": (
        ["Xã Đăk Long", "Quảng Ngãi", "", "Tủ sách ở mỗi thôn", 100, 2030, "", "", 2026, "", PLAN],
        "Kết quả (%)",
        "Có năm hoặc nguồn kết quả nhưng chưa ghi tỷ lệ đạt được: ghi tỷ lệ (ví dụ 92,5), hoặc "
        "xóa năm và nguồn kết quả.",
    ),
    "unknown_indicator": (
        [
            "Xã Đăk Long",
            "Quảng Ngãi",
            "",
            "Tủ sách ở mỗi thôn",
            "",
            "",
            "Tủ sách",
            "",
            "",
            "",
            PLAN,
        ],
        "Chỉ tiêu",
        "Không có chỉ tiêu “Tủ sách”. Dùng mã hoặc tên chỉ tiêu, ví dụ cong_dong_thon, “Cộng "
        "đồng học tập cấp thôn” (hoặc để trống).",
    ),
    "formula_without_value": (
        ["Xã Đăk Long", "Quảng Ngãi", "", "=1+1", "", "", "", "", "", "", PLAN],
        "Mục tiêu, nhiệm vụ",
        "Ô D2 chứa công thức “=1+1” nhưng tệp không lưu kết quả của công thức (tệp do phần mềm "
        "khác tạo, chưa mở bằng Excel), nên không đọc được giá trị. Mở tệp bằng Excel rồi lưu "
        "lại (Excel tính và lưu kết quả), hoặc sao chép các ô này rồi dán giá trị (Dán đặc biệt "
        "→ Giá trị).",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_PLANS))
def test_a_bad_plan_row_is_refused_at_its_row_and_nothing_is_written(
    case: str, store: Path, tmp_path: Path
) -> None:
    row, column, message = BAD_PLANS[case]
    path = xlsx(tmp_path / "bad.xlsx", [PLAN_HEADERS, row])
    con = connect(store)
    try:
        before = con.execute("SELECT count(*), max(id) FROM batches").fetchone()
        result = import_file(con, path)
        after = con.execute("SELECT count(*), max(id) FROM batches").fetchone()
    finally:
        con.close()
    assert result.status == "refused" and before == after
    assert [(p.row, p.column, p.message) for p in result.problems] == [(2, column, message)]


def test_an_editor_imports_only_their_provinces_plans(store: Path, tmp_path: Path) -> None:
    path = xlsx(
        tmp_path / "p.xlsx",
        [PLAN_HEADERS, ["Xã Đăk Long", "Quảng Ngãi", "", "Tủ sách", "", "", "", "", "", "", PLAN]],
    )
    con = connect(store)
    try:
        result = import_file(con, path, allowed_provinces=["01"])
    finally:
        con.close()
    assert result.status == "refused"
    assert result.problems[0].row == 2
    assert "Quảng Ngãi" in result.problems[0].message
