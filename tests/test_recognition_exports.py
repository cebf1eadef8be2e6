"""The register's lists where users meet them outside the dashboard: a workbook sheet per list
(its title, year and decision above the table), the report draft's appendix, and the list
template, which the import takes back as it is downloaded."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from metrics import texts
from metrics.circulars import REGISTER_TITLES, RESULT_LABEL, parse_result
from metrics.config import DATA_DIR
from metrics.indicators import registry
from metrics.inputs import TEMPLATE_FILE_NAMES, build_template, import_file
from metrics.inputs.list_template import LIST_SHEET
from metrics.outputs import report_draft, workbook
from metrics.outputs.cell_safety import sheet_name
from metrics.outputs.context import context, lists_of
from metrics.outputs.report_text import APPENDIX_HEADING
from metrics.queries.recognitions import entries_in, entries_of_place
from metrics.recognitions import MAX_LISTS_SHOWN
from metrics.store import connect

ROOT = Path(__file__).resolve().parent.parent
IA_HDRAI = "OH618"  # huyện Ia H'Drai (cũ), tỉnh Kon Tum (cũ): since 2025 in tỉnh Quảng Ngãi
IA_HDRAI_TITLE = (
    "Danh sách Đơn vị học tập cấp tỉnh, cấp huyện (cũ) năm 2023 — Quyết định số 87/QĐ-UBND "
    "ngày 10/02/2024 của UBND huyện Ia H'Drai, tỉnh Kon Tum"
)
LIST_HEADER = [
    "STT",
    "Tên đơn vị",
    "Loại đơn vị",
    "Địa bàn",
    "Kết quả",
    "Tiêu chí không đạt",
    "Hiệu lực đến",
]
BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def seed_units() -> list[str]:
    """The 23 units of the seed report's list (QĐ 87/QĐ-UBND), as data/seed_figures.toml has them."""
    seed = tomllib.loads((DATA_DIR / "seed_figures.toml").read_text(encoding="utf-8"))
    return list(seed["recognition_list"][0]["units"])


@pytest.fixture
def store(demo_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "store.duckdb"
    shutil.copy(demo_db, path)
    return path


def _workbook(con, locality_id: str, year: int, tmp_path: Path) -> openpyxl.Workbook:
    out = tmp_path / f"{locality_id}_{year}.xlsx"
    workbook.build_workbook(con, locality_id, year, out)
    return openpyxl.load_workbook(out)


def _rows(ws, first: int) -> list[list[object]]:
    return [[c.value for c in row] for row in ws.iter_rows(min_row=first)]


# -- the workbook --------------------------------------------------------------------------------


@pytest.mark.parametrize("locality_id", [IA_HDRAI, "P51"])  # the old district rolls into Quảng Ngãi
def test_workbook_sheet_of_the_ia_hdrai_list(demo_con, tmp_path: Path, locality_id: str) -> None:
    wb = _workbook(demo_con, locality_id, 2023, tmp_path)
    lists = [n for n in wb.sheetnames if n.startswith("Danh sách")]
    assert lists == ["Danh sách ĐVHT tỉnh-huyện 87"]
    assert wb.sheetnames[-1] == lists[0]  # after the summary and the indicators' sheets
    ws = wb[lists[0]]
    assert ws["A1"].value == IA_HDRAI_TITLE
    # Real data, not demo: its source is named, no demo mark.
    assert ws["A2"].value.startswith("Nguồn: Quyết định số 87/QĐ-UBND ngày 10/02/2024")
    assert texts.text("synthetic") not in [c.value for c in ws["A"]]
    assert [c.value for c in ws[4]] == LIST_HEADER
    body = _rows(ws, 5)
    assert [r[0] for r in body] == list(range(1, 24))
    assert [r[1] for r in body] == seed_units()
    assert body[0][2:6] == ["Cơ quan, đơn vị", "Huyện Ia H'Drai (cũ)", "Tốt", None]
    assert body[17][1:3] == ["Trường TH-THCS Hùng Vương", "Trường học"]
    assert {r[4] for r in body} == {"Tốt"}
    # Under Thông tư 22/2020 a rating is the result of its year: it does not lapse (never a
    # day before the decision of 10/02/2024 that recognised it).
    assert {r[6] for r in body} == {"Kết quả năm 2023"}
    assert ws.freeze_panes == "C5" and ws.print_title_rows == "$4:$4"
    assert ws.auto_filter.ref == "A4:G27"
    summary = wb["Tổng hợp"]
    notes = [c.value for c in summary["A"] if c.value and str(c.value).startswith("Danh sách")]
    assert notes == [
        "Danh sách công nhận năm 2023: 1 danh sách, 23 đơn vị — mỗi danh sách một trang "
        "“Danh sách …”."
    ]


def test_workbook_of_a_province_caps_its_list_sheets(demo_con, tmp_path: Path) -> None:
    wb = _workbook(demo_con, "P51", 2025, tmp_path)
    entries = entries_in(demo_con, "province", "P51", year=2025)
    total = len(lists_of(demo_con, context(demo_con, "P51", 2025)))
    assert total > MAX_LISTS_SHOWN  # the demo's 13 lists: past the cap
    lists = [n for n in wb.sheetnames if n.startswith("Danh sách")]
    assert len(lists) == MAX_LISTS_SHOWN and lists[-1] == "Danh sách khác"
    assert len({n.casefold() for n in wb.sheetnames}) == len(wb.sheetnames)
    for name in wb.sheetnames:
        assert len(name) <= 31 and not BAD_SHEET_CHARS.search(name), name
    labels = {registry().title_by_id(t).label_vi: t for t in REGISTER_TITLES}
    # The province's own list (its communes as learning communities) first, then each
    # commune's lists side by side.
    assert re.fullmatch(r"Danh sách CĐHT xã \d+", lists[0])
    seen = 0
    for name in lists[:-1]:
        ws = wb[name]
        title = ws["A1"].value
        found = re.fullmatch(
            r"Danh sách (.+) năm 2025 — Quyết định số (\d+)/QĐ-UBND ngày (\d\d/\d\d/2025) của "
            r"UBND (.+)",
            title,
        )
        assert found, title
        assert found.group(1) in labels
        assert name.endswith(f" {found.group(2)}")  # the sheet is named by the decision's number
        assert ws["A2"].value == texts.text(
            "synthetic"
        )  # demo lists say so, as the other sheets do
        assert [c.value for c in ws[4]] == LIST_HEADER
        body = _rows(ws, 5)
        assert [r[0] for r in body] == list(range(1, len(body) + 1))
        # A unit that stopped before the decision is listed as such.
        assert {r[4] for r in body} <= {*RESULT_LABEL.values(), "Chưa có quyết định"}
        seen += len(body)
    cong_dong_xa = _rows(wb[lists[0]], 5)
    failed = [r for r in cong_dong_xa if r[4] == "Không đạt"]
    assert failed and all(r[5] and r[6] is None for r in failed)  # criteria missed, no validity
    recognised = [r for r in cong_dong_xa if r[4] != "Không đạt"]
    # Under Thông tư 25/2023 a recognition stands 3 years from the decision.
    assert recognised and {r[6] for r in recognised} == {datetime(2028, 12, 14)}

    other = wb["Danh sách khác"]
    rest = _rows(other, 5)
    shown = MAX_LISTS_SHOWN - 1
    assert other["A1"].value == (
        f"Các danh sách khác năm 2025 — Tỉnh Quảng Ngãi: {total - shown} danh sách, "
        f"{len(rest)} đơn vị (cột Danh sách ghi danh hiệu và quyết định của từng đơn vị)"
    )
    assert [c.value for c in other[4]] == ["STT", "Danh sách", *LIST_HEADER[1:]]
    assert all(re.match(r".+ năm 2025 — Quyết định số \d+/QĐ-UBND", r[1]) for r in rest)
    assert seen + len(rest) == entries.height  # every unit of the year, once
    summary = [c.value for c in wb["Tổng hợp"]["A"] if c.value]
    assert summary[-1] == (
        f"Danh sách công nhận năm 2025: {total} danh sách, {entries.height} đơn vị — "
        f"mỗi danh sách một trang “Danh sách …”; {shown} danh sách đầu có trang riêng, "
        f"{total - shown} danh sách còn lại ghép chung trang “Danh sách khác” (cột Danh sách "
        "ghi danh sách của từng đơn vị)."
    )


def test_no_list_no_list_sheet(demo_con, tmp_path: Path) -> None:
    assert entries_in(demo_con, "commune", "X23368", year=2023).height == 0
    wb = _workbook(demo_con, "X23368", 2023, tmp_path)
    assert wb.sheetnames == ["Tổng hợp"]
    assert not any(str(c.value).startswith("Danh sách") for c in wb["Tổng hợp"]["A"])


def test_sheet_names_excel_accepts() -> None:
    taken = {"tổng hợp"}
    assert sheet_name("Tổng Hợp", taken) == "Tổng Hợp (2)"
    assert sheet_name("Danh sách a/b:c*d?e[f]g\\h", taken) == "Danh sách a-b-c-d-e-f-g-h"
    long = "Danh sách " + "x" * 40
    first, second = sheet_name(long, taken), sheet_name(long, taken)
    assert (len(first), len(second)) == (31, 31) and second.endswith(" (2)")
    assert sheet_name("'Danh sách'", taken) == "Danh sách"


def _list_csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(
            [
                [
                    "Năm",
                    "Tỉnh",
                    "Xã",
                    "Danh hiệu",
                    "Tên đơn vị",
                    "Xếp loại",
                    "Số quyết định",
                    "Ngày quyết định",
                    "Cơ quan quyết định",
                ],
                *rows,
            ]
        )
    return path


FORMULA = '=HYPERLINK("https://evil.example/?q=1","Bấm")'


def test_list_texts_never_run_or_break_the_files(store: Path, tmp_path: Path) -> None:
    """A unit named like a formula stays text in the workbook; control characters a CSV brought
    in are left out of the report (python-docx refuses them)."""
    rows = [
        [2025, "Quảng Ngãi", "Xã Đăk Long", "Dòng họ học tập", FORMULA, "Đạt", "12/QĐ-UBND"],
        [
            2025,
            "Quảng Ngãi",
            "Xã Đăk Long",
            "Dòng họ học tập",
            "Họ Nguyễn\x07",
            "Đạt",
            "12/QĐ-UBND",
        ],
    ]
    rows = [[*r, "10/12/2025", "UBND xã Đăk Long\x1b"] for r in rows]
    con = connect(store)
    try:
        done = import_file(con, _list_csv(tmp_path / "ds.csv", rows))
        assert (done.status, done.problems) == ("imported", [])
        wb = _workbook(con, "X23368", 2025, tmp_path)
        ws = wb["Danh sách Dòng họ 12"]
        cells = {c.value: c for c in ws["B"] if c.value}
        assert ("'" + FORMULA) in cells and cells["'" + FORMULA].data_type == "s"
        doc = Document()
        report_draft.add_appendix(doc, lists_of(con, context(con, "X23368", 2025)))
        text = "\n".join(p.text for p in doc.paragraphs)
        assert "Quyết định số 12/QĐ-UBND ngày 10/12/2025 của UBND xã Đăk Long" in text
        assert "\x1b" not in text and "\x07" not in text
    finally:
        con.close()


# -- the report draft's appendix ------------------------------------------------------------------


def _tables(doc) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]


@pytest.mark.chromium
def test_report_appendix_of_ia_hdrai(demo_con, tmp_path: Path) -> None:
    out = tmp_path / "iahdrai.docx"
    report_draft.build_report(demo_con, IA_HDRAI, 2023, out)
    doc = Document(str(out))
    paragraphs = [p.text for p in doc.paragraphs]
    appendix = paragraphs[paragraphs.index(APPENDIX_HEADING) :]
    assert appendix[:3] == [
        "Phụ lục: Danh sách đơn vị được công nhận",
        f"1. {IA_HDRAI_TITLE}",
        # The draft writes one apostrophe in names, the straight one (the seed typed ’).
        "Nguồn: Quyết định số 87/QĐ-UBND ngày 10/02/2024 của UBND huyện Ia H'Drai; Báo cáo kết "
        "quả đánh giá xếp loại Đơn vị học tập năm 2023 của UBND huyện Ia H'Drai (“23/23 đơn vị "
        "xếp loại tốt”, danh sách ở chú thích 3)",
    ]
    assert doc.paragraphs[paragraphs.index(APPENDIX_HEADING)].style.name == "Heading 2"
    table = _tables(doc)[-1]
    assert table[0] == ["STT", "Tên đơn vị", "Kết quả"]
    units = [name.replace("’", "'") for name in seed_units()]
    assert table[1:] == [[str(i), name, "Tốt"] for i, name in enumerate(units, start=1)]
    # The header row repeats on each page the list runs over.
    assert doc.tables[-1].rows[0]._tr.xpath("./w:trPr/w:tblHeader")
    assert not any("không đạt" in p for p in appendix)  # all 23 rated Tốt


@pytest.mark.chromium
def test_report_without_lists_has_no_appendix(demo_con, tmp_path: Path) -> None:
    out = tmp_path / "dl2023.docx"
    report_draft.build_report(demo_con, "X23368", 2023, out)
    assert APPENDIX_HEADING not in [p.text for p in Document(str(out)).paragraphs]


def test_report_appendix_of_a_province(demo_con) -> None:
    lists = lists_of(demo_con, context(demo_con, "P51", 2025))
    doc = Document()
    report_draft.add_appendix(doc, lists)
    paragraphs = [p.text for p in doc.paragraphs]
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 3"]
    shown = MAX_LISTS_SHOWN - 1
    assert [h.split(". ", 1)[0] for h in headings] == [str(n) for n in range(1, shown + 1)]
    assert headings[0].startswith("1. Danh sách Cộng đồng học tập cấp xã năm 2025 — Quyết định số ")
    assert paragraphs.count(f"[{texts.text('synthetic')}]") == shown
    # The communes' list: its table holds the recognised; the others are counted after it.
    first = lists[0]
    failed = first.entries.height - first.recognized
    assert (
        f"Ngoài {first.recognized} xã được công nhận nêu trên, {failed} xã được đánh giá nhưng "
        "không đạt (tiêu chí không đạt của từng đơn vị: xem bảng tính xuất cùng địa bàn, năm)."
    ) in paragraphs
    tables = _tables(doc)
    assert len(tables) == shown and len(tables[0]) == first.recognized + 1
    assert {row[2] for row in tables[0][1:]} <= {"Mức độ 1", "Mức độ 2"}
    # Past the cap the other lists are named, one line each.
    rest = lists[shown:]
    units = sum(lst.entries.height for lst in rest)
    at = paragraphs.index(
        f"Còn {len(rest)} danh sách khác ({units} đơn vị) không in trong phụ lục này; toàn bộ "
        "danh sách có trong bảng tính (.xlsx) xuất cùng địa bàn, năm (trang “Danh sách khác”):"
    )
    named = paragraphs[at + 1 :]
    assert len(named) == len(rest) == 4
    assert all(
        re.fullmatch(r"- Danh sách .+ năm 2025 — .+ \(\d+ .+ được công nhận\)", n) for n in named
    )


# -- the list template ----------------------------------------------------------------------------


def test_list_template_columns_sample_and_drop_downs() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(build_template("list")))
    assert wb.sheetnames == [LIST_SHEET, "Hướng dẫn"]
    ws = wb[LIST_SHEET]
    head = [c.value for c in ws[3]]
    assert head == [
        "Năm",
        "Tỉnh",
        "Huyện",
        "Xã",
        "Danh hiệu",
        "Tên đơn vị",
        "Loại đơn vị",
        "Xếp loại",
        "Số quyết định",
        "Ngày quyết định",
        "Cơ quan quyết định",
        "Tiêu chí 1",
        "Tiêu chí 2",
        "Tiêu chí 3",
        "Tiêu chí 4",
        "Tiêu chí 5",
        "Tự đánh giá",
        "Số tờ trình",
        "Ngày tờ trình",
        "Cơ quan trình",
        "Nguồn",
    ]
    sample = dict(zip(head, (c.value for c in ws[4]), strict=True))
    assert (sample["Năm"], sample["Xã"], sample["Danh hiệu"], sample["Xếp loại"]) == (
        2025,
        "Xã Đăk Long",
        "Cộng đồng học tập cấp xã",
        "Mức độ 1",
    )
    assert not sample["Huyện"]  # from 2025 there are no districts
    assert sample["Ngày quyết định"] == datetime(2025, 12, 15)
    rules = {str(v.sqref).split(":")[0]: v for v in ws.data_validations.dataValidation}
    guide = wb["Hướng dẫn"]

    def offered(column: str) -> list[str]:
        ref = rules[f"{column}4"].formula1.split("!")[1].replace("$", "")
        return [c.value for row in guide[ref] for c in row]

    reg = registry()
    titles = offered("E")
    assert [getattr(reg.resolve_title(t), "id", None) for t in titles] == list(REGISTER_TITLES)
    assert [parse_result(w) for w in offered("H")] == list(RESULT_LABEL)
    assert offered("G")[0] == "Cơ quan, đơn vị"
    assert {offered(c)[1] for c in "LMNOP"} == {"Không đạt"}
    assert all(rules[c + "4"].type == "list" for c in "EGHLMNOP")


def test_list_template_imports_as_downloaded(store: Path, tmp_path: Path) -> None:
    path = tmp_path / TEMPLATE_FILE_NAMES["list"]
    path.write_bytes(build_template("list"))
    con = connect(store)
    try:
        dry = import_file(con, path, dry_run=True)
        assert (dry.status, dry.problems, dry.rows, dry.sheet, dry.kind) == (
            "dry_run",
            [],
            1,
            LIST_SHEET,
            "recognitions",
        )
        done = import_file(con, path)
        assert (done.status, done.problems, done.new) == ("imported", [], 1)
        listed = entries_of_place(con, "X23368", 2025, "cong_dong_xa")
        row = listed.filter(listed["decision_number"] == "…/QĐ-UBND").row(0, named=True)
        assert (row["name"], row["result"], row["criteria_met"], row["criteria_failed"]) == (
            "Xã Đăk Long",
            "muc_do_1",
            "1,2,3,4,5",
            None,
        )
        assert (row["decision_date"], row["issuer"]) == (date(2025, 12, 15), "UBND tỉnh Quảng Ngãi")
        assert row["valid_until"] == date(2028, 12, 14)  # Thông tư 25/2023: 3 years
    finally:
        con.close()


def test_cli_template_list_then_dry_run(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "ds.xlsx"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("XHHT_DB", None)

    def xhht(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "metrics.cli", *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=ROOT,
            env=env,
            check=False,
        )

    made = xhht("template", "list", "-o", str(out))
    assert (made.returncode, made.stdout.strip()) == (0, f"Đã ghi biểu mẫu {out}.")
    assert out.read_bytes() == build_template("list")
    result = json.loads(xhht("import", str(out), "--db", str(store), "--json", "--dry-run").stdout)
    assert (result["status"], result["kind"], result["rows"], result["problems"]) == (
        "dry_run",
        "recognitions",
        1,
        [],
    )
