"""Files past the importer's limits (README, "Files users import"; metrics/inputs/limits.py), and
causes said as they are: each refused with the exact Vietnamese message — what is wrong, the
limit, how to fix it — before it can fill the server's memory, and the store left as it was.

The files are made here, real .xlsx and .csv bytes (openpyxl writes formulas without their
values, as programs do; the zip bombs are written straight into a zip). The CLI runs as a real
process, whose peak memory is read from the kernel; the import page runs through AppTest.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest
from test_import import LONG_HEADERS, fingerprint, problems

from metrics.inputs import ImportResult, import_file
from metrics.name_lookup import LocalityIndex
from metrics.store import connect, query_frame

ROOT = Path(__file__).resolve().parents[1]
SPLIT_FIX = "Tách thành nhiều tệp (ví dụ theo tỉnh hoặc theo năm)"
EMPTY_ROWS_FIX = (
    "Nếu bảng thật ít dòng hơn, trang còn nhiều dòng trống đã được định dạng: chọn các dòng "
    "trống dưới bảng (Ctrl+Shift+↓), bấm chuột phải → Xóa, lưu lại rồi tải lên lại"
)
EMPTY_COLUMNS_FIX = (
    "Nếu bảng thật ít cột hơn, trang còn nhiều cột trống đã được định dạng: chọn các cột trống "
    "bên phải bảng (Ctrl+Shift+→), bấm chuột phải → Xóa, lưu lại rồi tải lên lại"
)
FORMULA_FIX = (
    "nhưng tệp không lưu kết quả của công thức (tệp do phần mềm khác tạo, chưa mở bằng Excel), "
    "nên không đọc được giá trị. Mở tệp bằng Excel rồi lưu lại (Excel tính và lưu kết quả), "
    "hoặc sao chép các ô này rồi dán giá trị (Dán đặc biệt → Giá trị)."
)
GOOD_ROW = [2025, "Quảng Ngãi", "", "Xã Đăk Long", "", "gia_dinh", 9120, 7000, 6100]


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


def refused(con: duckdb.DuckDBPyConnection, index: LocalityIndex, name: str, data: bytes) -> list:
    before = fingerprint(con)
    result = import_file(con, Path(name), data=data, index=index, user="tester")
    assert (result.status, result.batch) == ("refused", None)
    assert fingerprint(con) == before
    return problems(result)


def xlsx(rows: list[list[object]], *, at: dict[str, object] | None = None) -> bytes:
    """A workbook as openpyxl writes it (formulas saved without their values)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Số liệu"
    for row in rows:
        ws.append(row)
    for ref, value in (at or {}).items():
        ws[ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xhht_peak(*args: str) -> tuple[int, str, str, float]:
    """Run `xhht …` as its own process: exit code, stdout, stderr and its peak memory in MB."""
    from bench.inputs import run_measured

    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("XHHT_DB", None)
    return run_measured([sys.executable, "-m", "metrics.cli", *args], cwd=ROOT, env=env)


# -- memory: a zip bomb, a sheet past the limits, a huge CSV -------------------------------------


def test_zip_bomb_is_refused_before_it_is_unpacked_and_the_process_stays_small(
    store: Path, tmp_path: Path
) -> None:
    """12 million identical cells, 2 MB on disk, 640 MB unpacked: today's reader unpacked them
    all and took over 2 GB; the zip's directory says the size before anything is unpacked."""
    from bench.inputs import zip_bomb

    bomb = tmp_path / "bao_cao.xlsx"
    zip_bomb(bomb, 1_200_000)
    with zipfile.ZipFile(bomb) as zf:
        unpacked = sum(i.file_size for i in zf.infolist())
    packed = bomb.stat().st_size
    assert packed < 5 * 1024 * 1024 and unpacked > 500 * 1024 * 1024
    before = fingerprint_of(store)
    code, out, err, peak_mb = xhht_peak("import", str(bomb), "--db", str(store))
    assert (code, err) == (1, ""), err
    assert out.splitlines() == [
        "Không nhập tệp bao_cao.xlsx: có 1 lỗi. Kho dữ liệu không thay đổi.",
        f"  - trang “bao_cao.xlsx”: Tệp Excel khi giải nén lớn hơn {round(unpacked / 2**20)} MB "
        f"(tệp nén chỉ {round(packed / 2**20)} MB), quá giới hạn 400 MB: trang tính có quá nhiều ô. "
        f"{SPLIT_FIX}. {EMPTY_ROWS_FIX}.",
    ]
    assert peak_mb < 1024, f"đỉnh bộ nhớ {peak_mb:.0f} MB"
    assert fingerprint_of(store) == before


def fingerprint_of(store: Path) -> dict:
    con = connect(store, read_only=True)
    try:
        return fingerprint(con)
    finally:
        con.close()


def test_sheet_past_the_row_limit_is_refused_before_it_is_read(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex
) -> None:
    """A good table, and one stray formatted cell 300.000 rows down."""
    data = xlsx([LONG_HEADERS[:9], GOOD_ROW], at={"A300000": " "})
    assert refused(con, index, "bao_cao.xlsx", data) == [
        {
            "sheet": "Số liệu",
            "row": None,
            "column": None,
            "message": f"Trang có 300.000 dòng, quá giới hạn 200.000 dòng số liệu (cộng 30 dòng tiêu đề). {SPLIT_FIX}. {EMPTY_ROWS_FIX}.",
        }
    ]


def test_sheet_past_the_column_limit_is_refused(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex
) -> None:
    data = xlsx([LONG_HEADERS[:9], GOOD_ROW], at={"KN2": "x"})  # column 300
    assert refused(con, index, "bao_cao.xlsx", data) == [
        {
            "sheet": "Số liệu",
            "row": 2,
            "column": None,
            "message": f"Trang có 300 cột, quá giới hạn 256 cột. {EMPTY_COLUMNS_FIX}.",
        }
    ]


def test_sheet_past_the_cell_limit_is_refused(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex
) -> None:
    """20 columns and a cell on row 200.001: the used range is 4.000.020 cells."""
    data = xlsx([[*LONG_HEADERS[:9], *[f"Ghi chú {i}" for i in range(11)]], GOOD_ROW])
    with_far_cell = xlsx(
        [[*LONG_HEADERS[:9], *[f"Ghi chú {i}" for i in range(11)]], GOOD_ROW],
        at={"T200001": "x"},
    )
    assert import_file(con, Path("a.xlsx"), data=data, index=index, dry_run=True).problems == []
    assert refused(con, index, "bao_cao.xlsx", with_far_cell) == [
        {
            "sheet": "Số liệu",
            "row": None,
            "column": None,
            "message": f"Trang có 4.000.020 ô (200.001 dòng × 20 cột), quá giới hạn 4.000.000 ô. {SPLIT_FIX}. {EMPTY_ROWS_FIX}.",
        }
    ]


def test_zip_member_that_lies_about_its_size_is_refused(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex
) -> None:
    """The zip directory says the sheet unpacks to 100 bytes; it unpacks to far more."""
    data = bytearray(xlsx([LONG_HEADERS[:9], GOOD_ROW]))
    member = b"xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        local = zf.getinfo(member.decode()).header_offset
    data[local + 22 : local + 26] = (100).to_bytes(4, "little")  # local header: uncompressed size
    entry = bytes(data).find(b"PK\x01\x02")  # the central directory, entry by entry
    while bytes(data[entry + 46 : entry + 46 + len(member)]) != member:
        sizes = [int.from_bytes(data[entry + k : entry + k + 2], "little") for k in (28, 30, 32)]
        entry += 46 + sum(sizes)
    data[entry + 24 : entry + 28] = (100).to_bytes(4, "little")
    assert refused(con, index, "bao_cao.xlsx", bytes(data)) == [
        {
            "sheet": "bao_cao.xlsx",
            "row": None,
            "column": None,
            "message": "Không đọc được tệp Excel: tệp nén bị hỏng hoặc khai báo sai kích thước (BadZipFile). Mở tệp bằng Excel, lưu lại dạng .xlsx rồi thử lại.",
        }
    ]


def test_huge_csv_is_refused_at_the_row_limit_and_the_process_stays_small(
    store: Path, tmp_path: Path
) -> None:
    """5 million one-character lines (10 MB): every line was a Python list before."""
    path = tmp_path / "so_lieu.csv"
    path.write_bytes(b"Nam,Tinh\n" + b"1\n" * 5_000_000)
    before = fingerprint_of(store)
    code, out, err, peak_mb = xhht_peak("import", str(path), "--db", str(store), "--dry-run")
    assert (code, err) == (1, ""), err
    assert out.splitlines() == [
        "Không nhập tệp so_lieu.csv: có 1 lỗi. Kho dữ liệu không thay đổi.",
        f"  - trang “so_lieu.csv”: Trang có 5.000.001 dòng, quá giới hạn 200.000 dòng số liệu (cộng 30 dòng tiêu đề). {SPLIT_FIX}. {EMPTY_ROWS_FIX}.",
    ]
    assert peak_mb < 1024, f"đỉnh bộ nhớ {peak_mb:.0f} MB"
    assert fingerprint_of(store) == before


def test_csv_line_with_too_many_columns_is_refused(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex
) -> None:
    header = ",".join(LONG_HEADERS[:9])
    line = f"2025,Quảng Ngãi,,Xã Đăk Long,,gia_dinh,9120,7000,6100{',' * 300}"
    data = f"{header}\n{line}\n".encode()
    assert refused(con, index, "so_lieu.csv", data) == [
        {
            "sheet": "so_lieu.csv",
            "row": 2,
            "column": None,
            "message": f"Trang có {line.count(',') + 1} cột, quá giới hạn 256 cột. {EMPTY_COLUMNS_FIX}.",
        }
    ]


# -- messages that say the true cause --------------------------------------------------------------

LONG_FIELD = (
    'Có một ô dài hơn 131.072 ký tự, quá giới hạn của một ô CSV. Thường do một dấu ngoặc kép (") '
    "mở mà không đóng, khiến phần sau của tệp bị đọc thành một ô. Sửa dấu ngoặc kép ở dòng này "
    "(hoặc mở tệp bằng Excel và lưu lại dạng CSV UTF-8) rồi thử lại."
)


def test_csv_field_too_long_says_so_and_where(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex
) -> None:
    """An opening quote never closed on line 3 makes the rest of the file one field."""
    header = ",".join(LONG_HEADERS[:9])
    good = "2025,Quảng Ngãi,,Xã Đăk Long,,gia_dinh,9120,7000,6100"
    rest = "\n".join(good for _ in range(3000))
    data = f'{header}\n{good}\n2025,"Quảng Ngãi,,Xã Trà Bồng,,gia_dinh,1,1,1\n{rest}\n'.encode()
    assert refused(con, index, "so_lieu.csv", data) == [
        {"sheet": "so_lieu.csv", "row": 3, "column": None, "message": LONG_FIELD}
    ]


def test_formula_without_saved_value_is_named_not_read_as_blank(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex
) -> None:
    rows = [
        LONG_HEADERS[:9],
        ["2025", "Quảng Ngãi", "", "Xã Đăk Long", "", "gia_dinh", "=500*2", 800, "=700"],
    ]
    assert refused(con, index, "bao_cao.xlsx", xlsx(rows)) == [
        {
            "sheet": "Số liệu",
            "row": 2,
            "column": "Tổng số",
            "message": f"Ô G2 chứa công thức “=500*2” {FORMULA_FIX}",
        },
        {
            "sheet": "Số liệu",
            "row": 2,
            "column": "Công nhận",
            "message": f"Ô I2 chứa công thức “=700” {FORMULA_FIX}",
        },
    ]


def test_formula_in_the_last_row_and_column_and_in_a_target(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex
) -> None:
    """The reader drops a formula cell without a value at the table's edge; it is still named."""
    rows = [
        ["Địa bàn", "Tỉnh", "Chỉ tiêu", "Năm", "Mục tiêu (%)", "Nguồn"],
        ["Xã Đăk Long", "Quảng Ngãi", "gia_dinh", 2030, 85, "Nghị quyết 12"],
    ]
    data = xlsx(
        rows,
        at={
            "A3": "Xã Đăk Long",
            "B3": "Quảng Ngãi",
            "C3": "dong_ho",
            "D3": 2030,
            "E3": "=80+5",
            "F3": '="NQ "&12',
        },
    )
    assert refused(con, index, "muc_tieu.xlsx", data) == [
        {
            "sheet": "Số liệu",
            "row": 3,
            "column": "Mục tiêu (%)",
            "message": f"Ô E3 chứa công thức “=80+5” {FORMULA_FIX}",
        },
        {
            "sheet": "Số liệu",
            "row": 3,
            "column": "Nguồn",
            "message": f'Ô F3 chứa công thức “="NQ "&12” {FORMULA_FIX}',
        },
    ]


def test_rows_are_numbered_from_the_first_row_even_when_it_is_empty(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex
) -> None:
    """A table that starts on row 3, column B: the refused row is row 4, as Excel shows it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Số liệu"
    for j, value in enumerate(LONG_HEADERS[:9], start=2):
        ws.cell(row=3, column=j, value=value)
    for j, value in enumerate(
        [2025, "Quảng Ngãi", "", "Xã Đăk Long", "", "gia_dinh", 100, -5, 1], start=2
    ):
        ws.cell(row=4, column=j, value=value)
    out = io.BytesIO()
    wb.save(out)
    assert refused(con, index, "bao_cao.xlsx", out.getvalue()) == [
        {
            "sheet": "Số liệu",
            "row": 4,
            "column": "Đăng ký",
            "message": "Số âm (-5); số đếm phải từ 0 trở lên.",
        }
    ]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda tmp: (tmp / "tep").write_text("") or tmp / "tep" / "kho.duckdb",
            "Lỗi: Không tạo được kho {db}: {tmp}/tep là một tệp, không phải thư mục. "
            "Chọn đường dẫn tới một tệp trong thư mục có quyền ghi, ví dụ `.xhht/xhht.duckdb`.",
        ),
        (
            lambda tmp: (tmp / "kho.duckdb.building").mkdir() or tmp / "kho.duckdb",
            "Lỗi: Không tạo được kho {db}: {tmp}/kho.duckdb.building là một thư mục (kho được dựng "
            "ở kho.duckdb.building rồi đổi tên); xóa hoặc đổi tên thư mục đó. "
            "Chọn đường dẫn tới một tệp trong thư mục có quyền ghi, ví dụ `.xhht/xhht.duckdb`.",
        ),
        (
            lambda tmp: (tmp / "thu_muc").mkdir() or tmp / "thu_muc",
            "Lỗi: {db} là một thư mục, không phải tệp kho. Chỉ tên tệp, ví dụ `{db}/xhht.duckdb`.",
        ),
    ],
    ids=["parent-is-a-file", "building-is-a-directory", "a-directory"],
)
def test_init_force_where_no_store_file_can_be_made_says_why(
    tmp_path: Path, make, message: str
) -> None:
    db = make(tmp_path)
    for command in ("init", "demo"):
        done = subprocess.run(
            [sys.executable, "-m", "metrics.cli", command, "--force", "--db", str(db)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=ROOT,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
            timeout=120,
        )
        assert (done.returncode, done.stdout, done.stderr.strip()) == (
            1,
            "",
            message.format(db=db, tmp=tmp_path),
        )
        assert "Traceback" not in done.stderr


# -- the import page: a large file previews, and is read once ----------------------------------


def results_csv(demo_db: Path, rows: int) -> bytes:
    """`rows` valid results rows: every commune × indicator, 2024 then 2025."""
    con = connect(demo_db, read_only=True)
    try:
        communes = query_frame(
            con,
            "SELECT l.code, p.short_name AS province FROM localities l JOIN localities p ON p.id = l.province_id WHERE l.level = 'commune' ORDER BY l.code",
        )
    finally:
        con.close()
    lines = ["Năm,Tỉnh,Mã xã,Chỉ tiêu,Tổng số,Đăng ký,Công nhận"]
    indicators = ("gia_dinh", "dong_ho", "cong_dong_thon", "don_vi", "ky_nang_so")
    for year in (2024, 2025):
        for c in communes.iter_rows(named=True):
            for ind in indicators:
                if len(lines) > rows:
                    break
                lines.append(
                    f"{year},{c['province']},{c['code']},{ind},1000,800,{600 + len(lines) % 13}"
                )
    assert len(lines) == rows + 1
    return ("\n".join(lines) + "\n").encode()


def test_import_page_previews_30000_rows_reads_the_file_once_and_writes_it(
    store: Path, tmp_path: Path, demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest
    from test_dashboard_pages import as_read

    import metrics.inputs.flow as flow

    monkeypatch.setenv("XHHT_ACCOUNTS", str(tmp_path / "no-accounts.toml"))  # nobody by password
    monkeypatch.setenv("XHHT_DB", str(store))
    reads: list[str] = []
    real_read = flow.read_workbook

    def counted(path: Path, data: bytes | None = None):  # counts, then reads for real
        reads.append(path.name)
        return real_read(path, data)

    monkeypatch.setattr(flow, "read_workbook", counted)
    before = fingerprint_of(store)

    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=300)
    at.run()  # the page has its own url_path: AppTest finds it once navigation has run
    at.switch_page("views/import_data.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # Signed in as the identity provider would sign in an administrator (AppTest seeds st.user;
    # the browser tests sign in through real password and OpenID Connect pages).
    at.secrets["auth"] = {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "khoa-thu",
        "client_id": "xhht",
        "client_secret": "bi-mat",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
    at.user = {"is_logged_in": True, "email": "quantri@tinh.gov.vn", "xhht_role": "admin"}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = [as_read(str(c.value)) for c in at.sidebar.caption]
    assert "Đã đăng nhập: quantri@tinh.gov.vn (quản trị viên)" in shown

    at.file_uploader[0].upload("so_lieu_30000.csv", results_csv(demo_db, 30_000), "text/csv")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == []
    [ok] = [as_read(str(s.value)) for s in at.success]
    assert ok.startswith("Tệp hợp lệ: 30.000 dòng số liệu kết quả (trang “so_lieu_30000.csv”)")
    assert (
        "Hiển thị 1.000 dòng đầu trong tổng số 30.000 dòng (các dòng thay đổi hoặc mới trước)."
        in [str(c.value) for c in at.caption]
    )
    [write] = [
        b for b in at.button if b.label.startswith("Ghi ") and b.label.endswith(" số liệu vào kho")
    ]
    at.run()  # a rerun reads nothing again
    [write] = [b for b in at.button if b.label.startswith("Ghi ")]
    write.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert reads == ["so_lieu_30000.csv"]
    [done] = [str(s.value) for s in at.success if str(s.value).startswith("Đã nhập lô")]
    assert fingerprint_of(store) != before
    con = connect(store, read_only=True)
    try:
        [(rows,)] = con.execute("SELECT rows FROM batches ORDER BY id DESC LIMIT 1").fetchall()
    finally:
        con.close()
    assert rows == 30_000
    assert done.startswith("Đã nhập lô ")


def test_a_checked_file_lists_its_sheets_for_the_pages_chooser(
    con: duckdb.DuckDBPyConnection, index: LocalityIndex
) -> None:
    """ImportResult.sheet_names lists every sheet (the page's chooser) without reading again."""
    data = xlsx([LONG_HEADERS[:9], GOOD_ROW])
    result: ImportResult = import_file(con, Path("a.xlsx"), data=data, index=index, dry_run=True)
    assert (result.status, result.sheet_names) == ("dry_run", ["Số liệu"])
