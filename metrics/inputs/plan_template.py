"""The plan template (.xlsx): a place's plan commitments that are not rates, one item a row
(its text, an optional target percentage and year, an indicator that measures it, a later
figure with its year and source), with drop-downs of the sections and the indicators and a
sample row that imports as it is (metrics.inputs.templates offers it beside the other forms)."""

from __future__ import annotations

import xlsxwriter

from metrics.indicators import registry
from metrics.inputs import template_style as style

PLAN_SHEET = "Kế hoạch"
GUIDE_SHEET = "Hướng dẫn"
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
FIRST_DATA_ROW = style.FIRST_DATA_ROW
MAX_TEMPLATE_ROW = style.MAX_TEMPLATE_ROW
SECTIONS = (
    "Mục tiêu chung",
    "Mục tiêu cụ thể",
    "Nhiệm vụ, giải pháp",
)
SAMPLE_ROW: dict[str, object] = {
    "Địa bàn": "Xã Đăk Long",
    "Tỉnh": "Quảng Ngãi",
    "Phần": "Mục tiêu cụ thể",
    "Mục tiêu, nhiệm vụ": "100% thôn duy trì hoạt động Cộng đồng học tập",
    "Mục tiêu (%)": 100,
    "Năm": 2030,
    "Chỉ tiêu": "",
    "Kết quả (%)": "",
    "Năm kết quả": "",
    "Nguồn kết quả": "",
    "Nguồn": "Kế hoạch số …/KH-UBND ngày … của UBND xã Đăk Long",
}
NOTES = [
    "Mỗi dòng là một mục tiêu, nhiệm vụ của kế hoạch một địa bàn (ghi “Toàn quốc”, tên tỉnh "
    "hoặc tên xã hiện nay) mà không phải là tỷ lệ của một chỉ tiêu, ví dụ “100% cán bộ, hội "
    "viên Hội Khuyến học các cấp được quán triệt các tiêu chí …”. Giữ nguyên dòng tiêu đề.",
    "Mục tiêu, nhiệm vụ và Nguồn (văn bản đặt ra: số, ngày, cơ quan ban hành) bắt buộc; các cột "
    "khác có thể để trống.",
    "Mục tiêu (%) và Năm: tỷ lệ và năm phải đạt, nếu kế hoạch ghi (ví dụ 100 và 2030).",
    "Chỉ tiêu: chọn nếu số liệu của một chỉ tiêu đo được mục tiêu này (trang Hồ sơ địa bàn sẽ "
    "ghi tỷ lệ của chỉ tiêu bên cạnh).",
    "Kết quả (%), Năm kết quả, Nguồn kết quả: tỷ lệ đạt được của một năm sau, khi có báo cáo; "
    "ghi đủ cả ba cột.",
    "Nhập lại cùng kế hoạch (cùng địa bàn, cùng Nguồn) thì các mục mới thay các mục cũ của kế "
    "hoạch đó.",
    "Tệp có một dòng sai sẽ không được nhập, kho dữ liệu giữ nguyên.",
    "Dòng mẫu (dòng đầu tiên dưới tiêu đề) là ví dụ: thay bằng kế hoạch của đơn vị trước khi nhập.",
]


def build_plan_template(wb: xlsxwriter.Workbook) -> None:
    """The plan's sheets in `wb` (made by metrics.inputs.templates.build_template)."""
    sheets = style.form_sheets(
        wb,
        (PLAN_SHEET, GUIDE_SHEET),
        (
            "MỤC TIÊU, NHIỆM VỤ CỦA KẾ HOẠCH (MỖI MỤC MỘT DÒNG)",
            "HƯỚNG DẪN ĐIỀN MỤC TIÊU, NHIỆM VỤ CỦA KẾ HOẠCH",
        ),
        PLAN_HEADERS,
        SAMPLE_ROW,
        NOTES,
    )
    data = sheets.data
    data.set_column(0, 1, 16)
    data.set_column(2, 2, 18)
    data.set_column(3, 3, 60)
    data.set_column(4, 5, 10)
    data.set_column(6, 6, 26)
    data.set_column(7, 8, 11)
    data.set_column(9, 10, 45)
    choices = {
        "Phần": list(SECTIONS),
        "Chỉ tiêu": [ind.label_vi for ind in registry().ordered()],
    }
    for header, values in choices.items():
        # A warning, not a stop: a plan may name its own section, an indicator its id.
        sheets.pick_from(header, PLAN_HEADERS.index(header), sheets.choice_list(header, values))
    for header, low, high in (("Năm", 2021, 2035), ("Năm kết quả", 2021, 2035)):
        col = PLAN_HEADERS.index(header)
        data.data_validation(
            FIRST_DATA_ROW,
            col,
            MAX_TEMPLATE_ROW,
            col,
            {
                "validate": "integer",
                "criteria": "between",
                "minimum": low,
                "maximum": high,
                "error_type": "warning",
                "error_title": header,
                "error_message": f"Ghi năm từ {low} đến {high}.",
            },
        )
