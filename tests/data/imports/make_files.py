"""Write the import test files of this folder: good files (ok_*) and broken ones (bad_*) side by side.

Run once from the project root (`.venv/bin/python tests/data/imports/make_files.py`); the files are
committed and tests/test_import.py reads them from disk. The output is byte-for-byte reproducible
(fixed workbook dates, seeded random bytes), so re-running it changes nothing.

Each file imitates something data officers really send: title rows and merged headers above the
table, a "Tổng cộng" row, numbers typed as text, legacy TCVN3/VNI fonts, Windows-1258 CSV, NFD text
from a Mac, headers typed without tone marks, and the mistakes the importer must refuse.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import struct
import unicodedata
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).resolve().parent
SOURCE = "Báo cáo số 45/BC-UBND ngày 15/12/2025"
FIXED_DATE = dt.datetime(2025, 12, 15, 8, 0, 0)

LONG_HEADERS = [
    "Năm",
    "Tỉnh",
    "Huyện",
    "Xã",
    "Chỉ tiêu",
    "Tổng số",
    "Đăng ký",
    "Công nhận",
    "Nguồn",
]
TARGET_HEADERS = ["Địa bàn", "Tỉnh", "Chỉ tiêu", "Năm", "Mục tiêu (%)", "Nguồn"]

# Three communes of today's tỉnh Quảng Ngãi, figures of 2025 (numbers typed as text, as pasted
# from a Word report).
GOOD_LONG_ROWS = [
    [
        "2025",
        "Quảng Ngãi",
        "",
        "Xã Đăk Long",
        "Gia đình học tập",
        "9.120",
        "7.000",
        "6.100",
        SOURCE,
    ],
    [
        "2025",
        "Quảng Ngãi",
        "",
        "Xã Trà Bồng",
        "Gia đình học tập",
        "4.210",
        "3.900",
        "3.500",
        SOURCE,
    ],
    ["2025", "Quảng Ngãi", "", "Xã Cà Đam", "gia_dinh", "1.050", "800", "640", SOURCE],
]


# -- legacy encodings (written here independently of metrics.inputs.legacy_encodings) --------------

_TCVN3_PAIRS = (
    "àµ á¸ ả¶ ã· ạ¹ ă¨ ằ» ắ¾ ẳ¼ ẵ½ ặÆ â© ầÇ ấÊ ẩÈ ẫÉ ậË đ® èÌ éÐ ẻÎ ẽÏ ẹÑ êª ềÒ ếÕ ểÓ ễÔ ệÖ "
    "ì× íÝ ỉØ ĩÜ ịÞ òß óã ỏá õâ ọä ô« ồå ốè ổæ ỗç ộé ơ¬ ờê ớí ởë ỡì ợî ùï úó ủñ ũò ụô ư\u00ad "
    "ừõ ứø ửö ữ÷ ựù ỳú ýý ỷû ỹü ỵþ Ă¡ Â¢ Đ§ Ê£ Ô¤ Ơ¥ Ư¦"
)
TCVN3 = {pair[0]: pair[1] for pair in _TCVN3_PAIRS.split(" ")}


def to_tcvn3(text: str) -> str:
    """Unicode → the characters a .VnTime font shows as Vietnamese. Marked capitals other than
    Ă Â Đ Ê Ô Ơ Ư were typed with the capital font using the lower-case codes."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in TCVN3:
            out.append(TCVN3[ch])
        elif ch.lower() in TCVN3 and ch.lower() != ch:
            out.append(TCVN3[ch.lower()])
        else:
            out.append(ch)
    return "".join(out)


_VNI_TONE = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_TONE_AFTER_CIRCUMFLEX = {
    "\u0301": "á",
    "\u0300": "à",
    "\u0309": "å",
    "\u0303": "ã",
    "\u0323": "ä",
}
_VNI_TONE_AFTER_BREVE = {"\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_VNI_I = {"\u0301": "í", "\u0300": "ì", "\u0309": "æ", "\u0303": "ó", "\u0323": "ò"}


def to_vni(text: str) -> str:
    """Unicode → VNI-Windows: base letter, then a vowel-mark character, then a tone character."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        upper = ch.isupper()
        low = ch.lower()
        if low == "đ":
            out.append("Ñ" if upper else "ñ")
            continue
        parts = unicodedata.normalize("NFD", low)
        base, marks = parts[0], parts[1:]
        if base not in "aeiouy" or not marks:
            out.append(ch)
            continue
        tone = next((m for m in marks if m in _VNI_TONE), None)
        if base == "i":
            code = _VNI_I[tone] if tone else "i"
        elif base == "y" and tone == "\u0323":
            code = "î"
        elif "\u0302" in marks:  # â ê ô
            code = base + (_VNI_TONE_AFTER_CIRCUMFLEX[tone] if tone else "â")
        elif "\u0306" in marks:  # ă
            code = base + (_VNI_TONE_AFTER_BREVE[tone] if tone else "ê")
        elif "\u031b" in marks:  # ơ ư
            code = {"o": "ô", "u": "ö"}[base] + (_VNI_TONE[tone] if tone else "")
        else:
            code = base + (_VNI_TONE[tone] if tone else "")
        out.append(code.upper() if upper else code)
    return "".join(out)


_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Excel writes it: precomposed â ă ê ô ơ ư đ, tone marks as separate bytes."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(m for m in parts if m in _TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(m for m in parts if m not in _TONE_MARKS))
        out += (base + tones).encode("cp1258")
    return bytes(out)


# -- writers ----------------------------------------------------------------------------------------


def csv_text(rows: Sequence[Sequence[object]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def write_csv(
    name: str,
    rows: Sequence[Sequence[object]],
    *,
    encode: Callable[[str], bytes] | None = None,
    delimiter: str = ",",
) -> None:
    text = csv_text(rows, delimiter)
    (HERE / name).write_bytes(encode(text) if encode else text.encode("utf-8"))


def workbook(name: str) -> xlsxwriter.Workbook:
    wb = xlsxwriter.Workbook(str(HERE / name))
    wb.set_properties({"created": FIXED_DATE, "author": "Phòng Giáo dục"})
    return wb


def write_rows(ws, first_row: int, rows: Sequence[Sequence[object]]) -> None:  # noqa: ANN001
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str):
                ws.write_string(first_row + r, c, value)  # keep "9.120" as typed text
            elif value is None:
                continue
            else:
                ws.write_number(first_row + r, c, value)


def simple_xlsx(name: str, rows: Sequence[Sequence[object]], sheet: str = "Số liệu") -> None:
    wb = workbook(name)
    write_rows(wb.add_worksheet(sheet), 0, rows)
    wb.close()


# -- good files -------------------------------------------------------------------------------------


def ok_long_title_totals() -> None:
    """Merged title and subtitle above the header, a blank row, then the table and a totals row."""
    wb = workbook("ok_long_title_totals.xlsx")
    ws = wb.add_worksheet("Báo cáo 2025")
    bold = wb.add_format({"bold": True, "align": "center"})
    ws.merge_range(
        0, 0, 0, len(LONG_HEADERS) - 1, "BÁO CÁO KẾT QUẢ XÂY DỰNG XÃ HỘI HỌC TẬP NĂM 2025", bold
    )
    ws.merge_range(
        1, 0, 1, len(LONG_HEADERS) - 1, "(Kèm theo Báo cáo số 45/BC-UBND ngày 15/12/2025)"
    )
    write_rows(ws, 3, [LONG_HEADERS, *GOOD_LONG_ROWS])
    write_rows(ws, 7, [["Tổng cộng", "", "", "", "", "14.380", "11.700", "10.240", ""]])
    wb.close()


def ok_wide_merged() -> None:
    """Wide form with a two-row header: base columns merged down, each model merged across its
    three columns, real numbers in the cells, and a totals row."""
    wb = workbook("ok_wide_merged.xlsx")
    ws = wb.add_worksheet("Tổng hợp")
    head = wb.add_format({"bold": True, "border": 1})
    ws.merge_range(0, 0, 0, 9, "BIỂU TỔNG HỢP CÁC MÔ HÌNH HỌC TẬP NĂM 2025", head)
    for j, name in enumerate(["STT", "Năm", "Tỉnh", "Xã"]):
        ws.merge_range(2, j, 3, j, name, head)
    ws.merge_range(2, 4, 2, 6, "Gia đình học tập", head)
    ws.merge_range(2, 7, 2, 9, "Dòng họ học tập", head)
    for j, sub in enumerate(["Tổng số", "Đăng ký", "Công nhận"] * 2):
        ws.write(3, 4 + j, sub, head)
    ws.merge_range(2, 10, 3, 10, "Nguồn", head)
    write_rows(
        ws,
        4,
        [
            [1, 2025, "Quảng Ngãi", "Xã Đăk Long", 9120, 7000, 6100, 130, 100, 80, SOURCE],
            [2, 2025, "Quảng Ngãi", "Xã Trà Bồng", 4210, 3900, 3500, None, None, None, SOURCE],
            ["Tổng cộng", "", "", "", 13330, 10900, 9600, 130, 100, 80, ""],
        ],
    )
    wb.close()


def ok_legacy() -> None:
    rows = [LONG_HEADERS, *GOOD_LONG_ROWS[:2]]
    title = ["BÁO CÁO KẾT QUẢ XÂY DỰNG XÃ HỘI HỌC TẬP"]
    tcvn3 = [[to_tcvn3(str(c)) for c in r] for r in [title, *rows]]
    vni = [[to_vni(str(c)) for c in r] for r in [title, *rows]]
    simple_xlsx("ok_tcvn3.xlsx", tcvn3)
    simple_xlsx("ok_vni.xlsx", vni)
    write_csv("ok_tcvn3_cp1252.csv", tcvn3, encode=lambda t: t.encode("cp1252"))
    write_csv("ok_vni_cp1252.csv", vni, encode=lambda t: t.encode("cp1252"))


def ok_encodings() -> None:
    rows = [LONG_HEADERS, *GOOD_LONG_ROWS[:2]]
    write_csv("ok_windows1258.csv", rows, encode=to_cp1258, delimiter=";")
    write_csv("ok_nfd.csv", rows, encode=lambda t: unicodedata.normalize("NFD", t).encode("utf-8"))
    write_csv(
        "ok_no_diacritics.csv",
        [
            ["Nam", "Tinh", "Xa", "Chi tieu", "Tong so", "Dang ky", "Cong nhan"],
            ["2025", "Quang Ngai", "Dak Long", "gia_dinh", "9120", "7000", "6100"],
            ["2025", "Quang Ngai", "Tra Bong", "gia_dinh", "4210", "3900", "3500"],
        ],
    )


def ok_old_names() -> None:
    """A 2023 figure of the old xã Đăk Long of huyện Đăk Hà (tỉnh Kon Tum cũ), mã 23504."""
    write_csv(
        "ok_old_names.csv",
        [
            LONG_HEADERS,
            [
                "2023",
                "Kon Tum",
                "Huyện Đăk Hà",
                "Xã Đắk Long",
                "Gia đình học tập",
                "1.250",
                "1.100",
                "980",
                SOURCE,
            ],
        ],
    )


def ok_change_and_batches() -> None:
    # Replaces the demo figure of xã Đăk Long (Quảng Ngãi), Gia đình học tập 2025.
    write_csv(
        "ok_change_dak_long_2025.csv",
        [
            ["Năm", "Tỉnh", "Xã", "Mã xã", "Chỉ tiêu", "Tổng số", "Đăng ký", "Công nhận", "Nguồn"],
            [
                "2025",
                "Quảng Ngãi",
                "Xã Đăk Long",
                "23368",
                "gia_dinh",
                "8.645",
                "8.000",
                "7.500",
                SOURCE,
            ],
        ],
    )
    # Two 2023 figures of old communes that the demo store does not have …
    first = [
        LONG_HEADERS,
        ["2023", "Kon Tum", "Đăk Hà", "Đăk Long", "gia_dinh", "1.250", "1.100", "980", SOURCE],
        ["2023", "Kon Tum", "Đăk Hà", "Đăk Pxi", "gia_dinh", "900", "850", "700", SOURCE],
    ]
    write_csv("ok_batch_first.csv", first)
    # … then the same two (one corrected) and one more: 1 unchanged, 1 changed, 1 new.
    write_csv(
        "ok_batch_second.csv",
        [
            LONG_HEADERS,
            first[1],
            ["2023", "Kon Tum", "Đăk Hà", "Đăk Pxi", "gia_dinh", "900", "860", "720", SOURCE],
            ["2023", "Kon Tum", "Đăk Hà", "Đăk Ui", "gia_dinh", "600", "500", "450", SOURCE],
        ],
    )


def bad_levels_for_unrated_title() -> None:
    """Ratings on titles the circulars do not rate: a family and a commune-level learning unit."""
    write_csv(
        "bad_levels_for_unrated_title.csv",
        [
            [
                "Năm",
                "Tỉnh",
                "Xã",
                "Mã xã",
                "Chỉ tiêu",
                "Tổng số",
                "Công nhận",
                "Tốt",
                "Mức độ 1",
                "Nguồn",
            ],
            [
                "2025",
                "Quảng Ngãi",
                "Xã Đăk Long",
                "23368",
                "gia_dinh",
                "1.250",
                "980",
                "600",
                "",
                SOURCE,
            ],
            ["2025", "Quảng Ngãi", "Xã Đăk Long", "23368", "don_vi", "32", "28", "", "20", SOURCE],
        ],
    )


def ok_long_all_columns() -> None:
    """Every column of the long template: an old commune, an old district with Mức độ 1/2 (the
    rated title, Thông tư 24/2023 from 2024), today's commune, and a province; the input of the
    export → import round trip."""
    write_csv(
        "ok_long_all_columns.csv",
        [
            [
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
            ],
            [
                "2023",
                "Kon Tum",
                "Huyện Đăk Hà",
                "Xã Đăk Long",
                "",
                "Gia đình học tập",
                "1.250",
                "1.100",
                "980",
                "",
                "",
                "",
                "",
                "",
                SOURCE,
            ],
            [
                "2024",
                "Kon Tum",
                "Ia H'Drai",
                "",
                "",
                "Đơn vị học tập cấp huyện",
                "25",
                "25",
                "24",
                "",
                "",
                "",
                "20",
                "4",
                "Quyết định số 90/QĐ-UBND ngày 12/02/2025 của UBND huyện Ia H’Drai",
            ],
            [
                "2025",
                "Quảng Ngãi",
                "",
                "Xã Đăk Long",
                "23368",
                "don_vi",
                "32",
                "30",
                "28",
                "",
                "",
                "",
                "",
                "",
                SOURCE,
            ],
            [
                "2025",
                "Quảng Ngãi",
                "",
                "",
                "",
                "Cộng đồng học tập cấp xã",
                "96",
                "90",
                "81",
                "",
                "",
                "",
                "",
                "",
                "Báo cáo số 300/BC-UBND ngày 20/12/2025 của UBND tỉnh Quảng Ngãi",
            ],
        ],
    )


def ok_multi_sheet() -> None:
    """A guide sheet first (no table), the figures on the second sheet."""
    wb = workbook("ok_two_sheets.xlsx")
    write_rows(wb.add_worksheet("Hướng dẫn"), 0, [["Điền số liệu vào trang “Số liệu 2025”."]])
    write_rows(wb.add_worksheet("Số liệu 2025"), 0, [LONG_HEADERS, *GOOD_LONG_ROWS])
    wb.close()


def ok_targets() -> None:
    wb = workbook("ok_targets.xlsx")
    ws = wb.add_worksheet("Mục tiêu")
    ws.merge_range(0, 0, 0, 5, "MỤC TIÊU XÂY DỰNG XÃ HỘI HỌC TẬP GIAI ĐOẠN 2026–2030")
    write_rows(
        ws,
        2,
        [
            TARGET_HEADERS,
            [
                "Xã Đăk Long",
                "Quảng Ngãi",
                "Gia đình học tập",
                "2030",
                "85,5",
                "Nghị quyết số 12/NQ-HĐND ngày 20/12/2025",
            ],
            [
                "Tỉnh Quảng Ngãi",
                "",
                "Dòng họ học tập",
                2030,
                70,
                "Kế hoạch số 33/KH-UBND ngày 05/01/2026",
            ],
        ],
    )
    wb.close()


# -- broken files ----------------------------------------------------------------------------------


def bad_rows() -> None:
    write_csv(
        "bad_unknown_commune.csv",
        [
            LONG_HEADERS,
            ["2025", "Quảng Ngãi", "", "Xã Không Có Thật", "gia_dinh", "100", "80", "60", SOURCE],
        ],
    )
    write_csv(
        "bad_ambiguous_commune.csv",
        [
            LONG_HEADERS,
            ["2023", "", "", "Xã Đăk Long", "gia_dinh", "1.250", "1.100", "980", SOURCE],
        ],
    )
    simple_xlsx(
        "bad_recognized_over_total.xlsx",
        [
            LONG_HEADERS,
            [2025, "Quảng Ngãi", "", "Xã Đăk Long", "gia_dinh", 9120, None, 9500, SOURCE],
        ],
    )
    write_csv(
        "bad_negative_count.csv",
        [
            LONG_HEADERS,
            ["2025", "Quảng Ngãi", "", "Xã Đăk Long", "gia_dinh", "9.120", "-5", "0", SOURCE],
        ],
    )
    write_csv(
        "bad_duplicate_rows.csv",
        [LONG_HEADERS, GOOD_LONG_ROWS[0], GOOD_LONG_ROWS[1], GOOD_LONG_ROWS[0]],
    )
    # Three good rows and one bad one (registered above the total): nothing may be written.
    write_csv(
        "bad_three_good_one_bad.csv",
        [
            LONG_HEADERS,
            *GOOD_LONG_ROWS,
            [
                "2025",
                "Quảng Ngãi",
                "",
                "Xã Bình Sơn",
                "gia_dinh",
                "5.000",
                "5.200",
                "4.000",
                SOURCE,
            ],
        ],
    )


def bad_files() -> None:
    (HERE / "bad_empty.csv").write_bytes(b"")
    simple_xlsx("bad_header_only.xlsx", [LONG_HEADERS])
    simple_xlsx(
        "bad_no_header.xlsx",
        [
            ["Danh sách gửi kèm công văn"],
            ["Xã Đăk Long", "đã nộp"],
            ["Xã Trà Bồng", "chưa nộp"],
        ],
        sheet="Trang tính1",
    )
    (HERE / "bad_png_renamed.xlsx").write_bytes(tiny_png())
    (HERE / "bad_random_bytes.xlsx").write_bytes(random.Random(20251215).randbytes(3000))
    good = (HERE / "ok_long_title_totals.xlsx").read_bytes()
    (HERE / "bad_corrupt_zip.xlsx").write_bytes(
        good[: len(good) // 2]
    )  # a download cut off half way


def bad_targets() -> None:
    simple_xlsx(
        "bad_targets_percent_120.xlsx",
        [
            TARGET_HEADERS,
            [
                "Xã Đăk Long",
                "Quảng Ngãi",
                "Gia đình học tập",
                2030,
                120,
                "Nghị quyết số 12/NQ-HĐND ngày 20/12/2025",
            ],
        ],
        sheet="Mục tiêu",
    )
    write_csv(
        "bad_targets_no_source.csv",
        [
            TARGET_HEADERS,
            ["Xã Đăk Long", "Quảng Ngãi", "Gia đình học tập", "2030", "85,5", ""],
        ],
    )
    write_csv(
        "bad_targets_year_2040.csv",
        [
            TARGET_HEADERS,
            [
                "Xã Đăk Long",
                "Quảng Ngãi",
                "Gia đình học tập",
                "2040",
                "90",
                "Nghị quyết số 12/NQ-HĐND ngày 20/12/2025",
            ],
        ],
    )


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    ok_long_title_totals()
    ok_wide_merged()
    ok_legacy()
    ok_encodings()
    ok_old_names()
    ok_change_and_batches()
    ok_long_all_columns()
    bad_levels_for_unrated_title()
    ok_multi_sheet()
    ok_targets()
    bad_rows()
    bad_files()
    bad_targets()


if __name__ == "__main__":
    main()
