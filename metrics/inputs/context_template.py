"""The templates (.xlsx) of a place's context (households, people, villages, agencies, schools)
and of its universal-education levels: one row a place and year, drop-downs where the values
are a closed list, and a sample row — huyện Ia H'Drai's own 2023 figures, as its report states
them — that imports as it is (metrics.inputs.templates offers them beside the other forms)."""

from __future__ import annotations

from datetime import date

import xlsxwriter

from metrics.inputs import template_style as style
from metrics.place_context import CODE_LABEL_VI, EDUCATION_CODES

DATA_SHEET = "Số liệu"
GUIDE_SHEET = "Hướng dẫn"
HEADER_ROW = 2  # 0-based: the title, a blank row, then the headers
FIRST_DATA_ROW = HEADER_ROW + 1
MAX_TEMPLATE_ROW = 20_000  # the drop-downs reach this row

# Where the sample's figures come from (the same report data/seed_figures.toml cites).
SAMPLE_SOURCE = (
    "Báo cáo của UBND huyện Ia H'Drai đánh giá kết quả tổ chức, triển khai thực hiện xây dựng "
    "“Đơn vị học tập” cấp huyện và bài học kinh nghiệm, 2024"
)
_PLACE = {"Năm": 2023, "Tỉnh": "Kon Tum", "Huyện": "Ia H'Drai", "Xã": "", "Mã xã": ""}
_DATED = {"Tính đến ngày": date(2023, 12, 31), "Nguồn": SAMPLE_SOURCE}

CONTEXT_SAMPLE: dict[str, object] = {
    **_PLACE,
    "Số hộ": 3783,
    "Số nhân khẩu": 15500,
    "Số hộ DTTS": 2497,
    "Số nhân khẩu DTTS": 9608,
    "Số thôn (làng)": 21,
    "Số tổ dân phố": "",
    "Số cơ quan, đơn vị": "",
    "Số trường học": "",
    **_DATED,
}
EDUCATION_SAMPLE: dict[str, object] = {
    **_PLACE,
    "Mầm non 5 tuổi": CODE_LABEL_VI["dat"],
    "Tiểu học": CODE_LABEL_VI["muc_do_3"],
    "THCS": CODE_LABEL_VI["muc_do_2"],
    "Xóa mù chữ": CODE_LABEL_VI["muc_do_2"],
    **_DATED,
}
# Column → the codes its drop-down offers (as their labels).
EDUCATION_CHOICES = {
    "Mầm non 5 tuổi": EDUCATION_CODES["preschool_5"],
    "Tiểu học": EDUCATION_CODES["primary_school"],
    "THCS": EDUCATION_CODES["lower_secondary"],
    "Xóa mù chữ": EDUCATION_CODES["literacy"],
}

_PLACE_NOTES = [
    "Mỗi dòng là một địa bàn (xã, huyện cũ hoặc tỉnh) trong một năm. Giữ nguyên dòng tiêu đề.",
    "Số liệu năm 2024 trở về trước ghi theo đơn vị hành chính cũ (cột Huyện, để trống cột Xã "
    "nếu là số liệu của cả huyện); từ năm 2025 ghi theo xã, tỉnh hiện nay. Nếu có thể, ghi Mã "
    "xã — mã được ưu tiên hơn tên.",
    "Tính đến ngày: ngày/tháng/năm của số liệu (ví dụ 31/12/2023), trong năm của dòng hoặc năm "
    "sau. Nguồn bắt buộc: báo cáo có số liệu (số, ngày, cơ quan ban hành).",
    "Nhập lại cùng địa bàn và năm thì dòng mới thay dòng cũ; hoàn tác lô nhập thì dòng cũ được "
    "dùng lại. Tệp có một dòng sai sẽ không được nhập, kho dữ liệu giữ nguyên.",
    "Dòng mẫu là số liệu thật của huyện Ia H'Drai (tỉnh Kon Tum cũ) năm 2023, theo báo cáo của "
    "UBND huyện: thay bằng số liệu của địa bàn trước khi nhập.",
]
CONTEXT_NOTES = [
    "Các cột số ghi số nguyên, có thể có dấu chấm hàng nghìn (3.783); cột nào không có số liệu "
    "thì để trống (không ghi 0). Số hộ DTTS không vượt Số hộ; Số nhân khẩu DTTS không vượt Số "
    "nhân khẩu; Số hộ không vượt Số nhân khẩu.",
    "Tỷ lệ nhân khẩu DTTS trong dân số được tính từ hai cột nhân khẩu, không cần ghi.",
    "Khi nhập, tổng số hộ của chỉ tiêu Gia đình học tập cùng địa bàn, năm được so với Số hộ: "
    "lệch quá 10% thì trang xem trước cảnh báo (vẫn có thể ghi).",
]
EDUCATION_NOTES = [
    "Mầm non 5 tuổi: Đạt hoặc Chưa đạt chuẩn phổ cập giáo dục mầm non cho trẻ em 5 tuổi. Tiểu "
    "học, THCS: Mức độ 1, 2, 3 (hoặc Chưa đạt). Xóa mù chữ: Mức độ 1, 2 (hoặc Chưa đạt). Chọn "
    "trong danh sách; cột nào chưa có kết quả thì để trống.",
]


def _write(wb: xlsxwriter.Workbook, title_text: str, sample: dict[str, object], notes: list[str]):
    head = wb.add_format(style.HEAD)
    title = wb.add_format(style.TITLE)
    text = wb.add_format(style.TEXT)
    cell = wb.add_format(style.CELL)
    day = wb.add_format({"border": 1, "num_format": "dd/mm/yyyy"})
    count = wb.add_format({"num_format": "#,##0", "border": 1})
    data = wb.add_worksheet(DATA_SHEET)
    guide = wb.add_worksheet(GUIDE_SHEET)
    headers = list(sample)
    data.write(0, 0, title_text, title)
    data.write_row(HEADER_ROW, 0, headers, head)
    for c, header in enumerate(headers):
        value = sample[header]
        if isinstance(value, date):
            data.write_datetime(FIRST_DATA_ROW, c, value, day)
        elif isinstance(value, int) and header != "Năm":
            data.write_number(FIRST_DATA_ROW, c, value, count)
        else:
            data.write(FIRST_DATA_ROW, c, value, cell)
    date_col = headers.index("Tính đến ngày")
    data.set_column(0, 0, 7)
    data.set_column(1, 4, 14)
    data.set_column(5, date_col - 1, 13)
    data.set_column(date_col, date_col, 14, wb.add_format({"num_format": "dd/mm/yyyy"}))
    data.set_column(date_col + 1, date_col + 1, 60)
    data.freeze_panes(FIRST_DATA_ROW, 0)
    guide.set_column(0, 0, 110)
    guide.write(0, 0, "HƯỚNG DẪN ĐIỀN BIỂU MẪU", title)
    r = 2
    for line in [*notes, *_PLACE_NOTES]:
        guide.write(r, 0, f"• {line}", text)
        r += 1
    return data, guide, r, text, title


def build_context_template(wb: xlsxwriter.Workbook) -> None:
    """The context's sheets in `wb` (made by metrics.inputs.templates.build_template)."""
    _write(
        wb,
        "ĐẶC ĐIỂM ĐỊA BÀN (SỐ HỘ, NHÂN KHẨU, THÔN, CƠ QUAN, TRƯỜNG HỌC)",
        CONTEXT_SAMPLE,
        CONTEXT_NOTES,
    )


def build_education_template(wb: xlsxwriter.Workbook) -> None:
    """The universal-education sheets in `wb`, each level column a drop-down of its levels."""
    data, guide, r, text, title = _write(
        wb, "KẾT QUẢ PHỔ CẬP GIÁO DỤC, XÓA MÙ CHỮ", EDUCATION_SAMPLE, EDUCATION_NOTES
    )
    headers = list(EDUCATION_SAMPLE)
    written: dict[tuple[str, ...], str] = {}  # tiểu học and THCS share one list
    for header, codes in EDUCATION_CHOICES.items():
        source = written.get(codes)
        if source is None:
            r += 1
            guide.write(r, 0, f"Danh sách chọn của cột {header}:", title)
            first = r + 1
            for code in codes:
                r += 1
                guide.write(r, 0, CODE_LABEL_VI[code], text)
            source = written[codes] = f"='{GUIDE_SHEET}'!$A${first + 1}:$A${r + 1}"
            r += 1
        col = headers.index(header)
        data.data_validation(
            FIRST_DATA_ROW,
            col,
            MAX_TEMPLATE_ROW,
            col,
            {
                "validate": "list",
                "source": source,
                # A stop: the importer reads only these levels (and their codes).
                "error_type": "stop",
                "error_title": header,
                "error_message": "Chọn một mức trong danh sách (xem trang Hướng dẫn).",
            },
        )
