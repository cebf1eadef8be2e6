"""Downloadable import templates (.xlsx): a table with a sample row and an instructions sheet.

What is offered here must import unchanged (tests/test_import.py imports each template).
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Literal

import xlsxwriter

from metrics.indicators import registry
from metrics.inputs import template_style as style
from metrics.inputs.context_template import build_context_template, build_education_template
from metrics.inputs.list_template import build_list_template
from metrics.inputs.plan_template import build_plan_template

TemplateKind = Literal["wide", "long", "targets", "list", "context", "education", "plans"]
TEMPLATE_FILE_NAMES: dict[str, str] = {
    "wide": "mau_ket_qua_dang_ngang.xlsx",
    "long": "mau_ket_qua_dang_doc.xlsx",
    "targets": "mau_muc_tieu.xlsx",
    "list": "mau_danh_sach_cong_nhan.xlsx",  # metrics.inputs.list_template
    "context": "mau_dac_diem_dia_ban.xlsx",  # metrics.inputs.context_template
    "education": "mau_pho_cap_giao_duc.xlsx",
    "plans": "mau_ke_hoach.xlsx",  # metrics.inputs.plan_template
}
# Models shown as column groups of the wide template, in the order of provincial summary tables.
WIDE_INDICATORS = (
    "gia_dinh",
    "dong_ho",
    "cong_dong_thon",
    "don_vi",
    "cong_dan_nguoi_lon",
    "cong_dan_can_bo",
    "ky_nang_so",
    "thanh_thao_so",
    "can_bo_khuyen_hoc",
    "cong_dong_xa",
)
SAMPLE_WIDE = {  # one commune's figures, as a commune would report them (sample only)
    "gia_dinh": (8645, 6500, 5100),
    "dong_ho": (120, 90, 70),
    "cong_dong_thon": (14, 12, 10),
    "don_vi": (32, 28, 24),
}

CHOICES_HEADING = "Danh sách chọn của cột Chỉ tiêu:"
MAX_TEMPLATE_ROW = 20_000  # the drop-down reaches this row
FIRST_DATA_ROW = {"long": 3, "targets": 3}

_COMMON_NOTES = [
    "Giữ nguyên dòng tiêu đề; có thể thêm dòng tên bảng phía trên và dòng “Tổng cộng” ở cuối (sẽ được bỏ qua).",
    "Số đếm ghi số nguyên, có thể có dấu chấm hàng nghìn (1.234). Tỷ lệ ghi dạng 85,5.",
    "Tên địa bàn ghi như thường dùng (Xã Đăk Long, P. Hồng Hà, H. Ba Tơ); nếu có thể, ghi Mã xã — mã được ưu tiên hơn tên.",
    "Số liệu năm 2024 trở về trước ghi theo đơn vị hành chính cũ (có cột Huyện); từ năm 2025 ghi theo xã, tỉnh hiện nay.",
    "Mỗi dòng phải thỏa: Công nhận ≤ Đăng ký ≤ Tổng số. Tệp có một dòng sai sẽ không được nhập, kho dữ liệu giữ nguyên.",
    "Dòng mẫu (dòng đầu tiên dưới tiêu đề) là ví dụ: thay bằng số liệu của đơn vị trước khi nhập.",
]


def build_template(kind: TemplateKind) -> bytes:
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    # A fixed creation date: the same template is the same bytes whenever it is made (its hash
    # then tells an untouched template from a filled one).
    wb.set_properties({"created": datetime(2025, 7, 1, tzinfo=UTC)})
    own = {
        "list": build_list_template,
        "context": build_context_template,
        "education": build_education_template,
        "plans": build_plan_template,
    }.get(kind)
    if own is not None:
        own(wb)
        wb.close()
        return buffer.getvalue()
    head = wb.add_format(style.HEAD)
    title = wb.add_format(style.TITLE)
    text = wb.add_format(style.TEXT)
    count = wb.add_format({"num_format": "#,##0", "border": 1})
    cell = wb.add_format(style.CELL)
    data = wb.add_worksheet("Số liệu" if kind != "targets" else "Mục tiêu")
    guide = wb.add_worksheet("Hướng dẫn")
    reg = registry()

    if kind == "wide":
        data.write(0, 0, "BIỂU TỔNG HỢP KẾT QUẢ XÂY DỰNG CÁC MÔ HÌNH HỌC TẬP", title)
        base = ["STT", "Năm", "Tỉnh", "Huyện", "Xã", "Mã xã"]
        for j, name in enumerate(base):
            data.merge_range(2, j, 3, j, name, head)
        col = len(base)
        for ind_id in WIDE_INDICATORS:
            ind = reg.by_id(ind_id)
            data.merge_range(2, col, 2, col + 2, ind.label_vi, head)
            for k, sub in enumerate(("Tổng số", "Đăng ký", "Công nhận")):
                data.write(3, col + k, sub, head)
            col += 3
        data.merge_range(2, col, 3, col, "Nguồn", head)
        data.write_row(4, 0, [1, 2025, "Quảng Ngãi", "", "Xã Đăk Long", "23368"], cell)
        col = len(base)
        for ind_id in WIDE_INDICATORS:
            values = SAMPLE_WIDE.get(ind_id)
            for k in range(3):
                if values:
                    data.write_number(4, col + k, values[k], count)
                else:
                    data.write_blank(4, col + k, None, cell)
            col += 3
        data.write(4, col, "Báo cáo số …/BC-UBND ngày …", cell)
        data.freeze_panes(4, 6)
        data.set_column(0, 0, 5)
        data.set_column(1, 1, 7)
        data.set_column(2, 4, 16)
        data.set_column(5, 5, 8)
        data.set_column(6, col - 1, 11)
        data.set_column(col, col, 30)
        notes = [
            "Mỗi dòng là một xã (hoặc một tỉnh, một huyện cũ) trong một năm; mỗi mô hình có ba cột Tổng số, Đăng ký, Công nhận.",
            "Mô hình nào không có số liệu thì để trống cả ba cột.",
        ]
    elif kind == "long":
        data.write(0, 0, "KẾT QUẢ CÔNG NHẬN DANH HIỆU HỌC TẬP", title)
        headers = [
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
        data.write_row(2, 0, headers, head)
        data.write_row(3, 0, [2025, "Quảng Ngãi", "", "Xã Đăk Long", "23368"], cell)
        data.write(3, 5, reg.by_id("gia_dinh").label_vi, cell)
        data.write_row(3, 6, list(SAMPLE_WIDE["gia_dinh"]), count)
        data.write_row(3, 9, ["", "", "", "", ""], cell)
        data.write(3, 14, "Báo cáo số …/BC-UBND ngày … của UBND xã Đăk Long", cell)
        data.freeze_panes(3, 0)
        data.set_column(0, 0, 7)
        data.set_column(1, 5, 18)
        data.set_column(6, 13, 10)
        data.set_column(14, 14, 45)
        notes = [
            "Mỗi dòng là một chỉ tiêu của một địa bàn trong một năm. Để trống cột Xã nếu số liệu là của cả huyện (cũ) hoặc cả tỉnh.",
            "Cột Chỉ tiêu ghi mã hoặc tên chỉ tiêu (xem danh sách bên dưới). Các cột Tốt, Khá, Trung bình, Mức độ 1, 2 có thể để trống.",
        ]
    else:
        data.write(0, 0, "MỤC TIÊU XÂY DỰNG XÃ HỘI HỌC TẬP", title)
        headers = ["Địa bàn", "Tỉnh", "Chỉ tiêu", "Năm", "Mục tiêu (%)", "Nguồn"]
        data.write_row(2, 0, headers, head)
        data.write_row(
            3,
            0,
            [
                "Xã Đăk Long",
                "Quảng Ngãi",
                "Gia đình học tập",
                2026,
                50,
                "Báo cáo sơ kết giai đoạn 2024–2025 và kế hoạch 2026–2030 của UBND xã Đăk Long",
            ],
            cell,
        )
        data.freeze_panes(3, 0)
        data.set_column(0, 2, 22)
        data.set_column(3, 4, 12)
        data.set_column(5, 5, 60)
        notes = [
            "Mỗi dòng là mục tiêu của một địa bàn (ghi “Toàn quốc”, tên tỉnh hoặc tên xã) cho một chỉ tiêu và một năm (2021–2035).",
            "Cột Nguồn bắt buộc: văn bản đặt ra mục tiêu (số, ngày, cơ quan ban hành).",
        ]

    guide.set_column(0, 0, 110)
    # The "Chỉ tiêu" column offers the indicators' names as a drop-down (what the importer
    # accepts: metrics.indicators resolve_alias); the list lives at the end of the guide.
    choice_col = {"long": 5, "targets": 2}.get(kind)
    guide.write(0, 0, "HƯỚNG DẪN ĐIỀN BIỂU MẪU", title)
    r = 2
    for line in [*notes, *_COMMON_NOTES]:
        guide.write(r, 0, f"• {line}", text)
        r += 1
    r += 1
    guide.write(r, 0, "Các chỉ tiêu (tử số / mẫu số):", title)
    r += 1
    for ind in reg.ordered():
        guide.write(r, 0, f"{ind.label_vi}: {ind.numerator_vi} / {ind.denominator_vi}", text)
        r += 1
    if choice_col is not None:
        r += 1
        guide.write(r, 0, CHOICES_HEADING, title)
        first = r + 1
        for ind in reg.ordered():
            r += 1
            guide.write(r, 0, ind.label_vi, text)
        data.data_validation(
            FIRST_DATA_ROW[kind],
            choice_col,
            MAX_TEMPLATE_ROW,
            choice_col,
            {
                "validate": "list",
                "source": f"='Hướng dẫn'!$A${first + 1}:$A${r + 1}",
                # A warning, not a stop: a typed id (gia_dinh) imports too.
                "error_type": "warning",
                "error_title": "Chỉ tiêu",
                "error_message": "Nên chọn một chỉ tiêu trong danh sách (xem trang Hướng dẫn).",
            },
        )
    wb.close()
    return buffer.getvalue()
