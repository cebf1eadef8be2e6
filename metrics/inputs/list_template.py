"""The list template (.xlsx): one table of recognised units, one unit a row, with drop-downs of
the register's titles, the results, the kinds of unit and the criteria, and a sample row that
imports as it is (metrics.inputs.templates offers it beside the other forms)."""

from __future__ import annotations

from datetime import date

import xlsxwriter

from metrics.circulars import CIRCULARS, NOT_ASSESSED, NOT_PASSED, REGISTER_TITLES, RESULT_LABEL
from metrics.fmt import EXCEL_DATE_FORMAT
from metrics.indicators import registry
from metrics.inputs import template_style as style
from metrics.recognitions import KINDS

LIST_SHEET = "Danh sách"
GUIDE_SHEET = "Hướng dẫn"
CRITERIA = 5  # Thông tư 24/2023 and 25/2023 (and 22/2020) have five criteria each
LIST_HEADERS = [
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
    *(f"Tiêu chí {n}" for n in range(1, CRITERIA + 1)),
    "Tự đánh giá",
    "Số tờ trình",
    "Ngày tờ trình",
    "Cơ quan trình",
    "Nguồn",
]
# A commune's recognition as a learning community in 2025 (Thông tư 25/2023: a level and its
# five criteria), decided by the province. The decision's number is left for the user to
# write; the row imports as it is, like the other templates' samples.
SAMPLE_DECISION = ("…/QĐ-UBND", date(2025, 12, 15), "UBND tỉnh Quảng Ngãi")
SAMPLE_ROW: dict[str, object] = {
    "Năm": 2025,
    "Tỉnh": "Quảng Ngãi",
    "Huyện": "",
    "Xã": "Xã Đăk Long",
    "Danh hiệu": "Cộng đồng học tập cấp xã",
    "Tên đơn vị": "Xã Đăk Long",
    "Loại đơn vị": "Xã, phường",
    "Xếp loại": "Mức độ 1",
    "Số quyết định": SAMPLE_DECISION[0],
    "Ngày quyết định": SAMPLE_DECISION[1],
    "Cơ quan quyết định": SAMPLE_DECISION[2],
    **{f"Tiêu chí {n}": "Đạt" for n in range(1, CRITERIA + 1)},
    # The way to the decision: the level the commune claimed, and the Sở's tờ trình.
    "Tự đánh giá": "Mức độ 1",
    "Số tờ trình": "…/TTr-SGDĐT",
    "Ngày tờ trình": date(2025, 12, 5),
    "Cơ quan trình": "Sở Giáo dục và Đào tạo tỉnh Quảng Ngãi",
    "Nguồn": "Quyết định số …/QĐ-UBND ngày 15/12/2025 của UBND tỉnh Quảng Ngãi",
}
CRITERION_WORDS = ("Đạt", "Không đạt")
# A unit assessing itself claims a level or Đạt, never these.
_NOT_CLAIMED = (NOT_PASSED, NOT_ASSESSED)


def _choices() -> dict[str, list[str]]:
    """Column → what its drop-down offers (each as the importer reads it)."""
    reg = registry()
    return {
        "Danh hiệu": [reg.title_by_id(t).label_vi for t in REGISTER_TITLES],
        "Xếp loại": list(RESULT_LABEL.values()),
        "Loại đơn vị": list(KINDS),
        "Tự đánh giá": [RESULT_LABEL[r] for r in RESULT_LABEL if r not in _NOT_CLAIMED],
        **{f"Tiêu chí {n}": list(CRITERION_WORDS) for n in range(1, CRITERIA + 1)},
    }


def _rules_lines() -> list[str]:
    """Each circular's titles, years, results and criteria, as the guide lists them."""
    reg = registry()
    lines = []
    for c in CIRCULARS:
        titles = "; ".join(reg.title_by_id(t).label_vi for t in REGISTER_TITLES if t in c.titles)
        years = f"từ năm {c.years[0]}" if c.years[1] >= 2100 else f"đến năm {c.years[1]}"
        criteria = f"; {c.criteria} tiêu chí" if c.criteria else "; không ghi tiêu chí"
        lines.append(f"{titles} — {years}, theo {c.name}: {c.results_text}{criteria}.")
    return lines


NOTES = [
    "Mỗi dòng là một đơn vị (cơ quan, trường học, thôn, dòng họ hoặc xã) trong danh sách kèm "
    "theo một quyết định công nhận của một năm. Giữ nguyên dòng tiêu đề.",
    "Danh hiệu: chọn trong danh sách. Đơn vị học tập cấp tỉnh, cấp huyện (cũ) ghi Tỉnh (và "
    "Huyện với năm 2024 trở về trước), để trống cột Xã; các danh hiệu khác ghi Xã nơi đơn vị "
    "thuộc về. Với Cộng đồng học tập cấp xã, đơn vị là chính xã đó.",
    "Xếp loại theo thông tư của năm (danh sách bên dưới). Một tiêu chí “Không đạt” thì xếp "
    "loại là “Không đạt”. Các cột Tiêu chí để trống với danh hiệu không chấm theo tiêu chí.",
    "Số quyết định, Ngày quyết định (ngày/tháng/năm, ví dụ 15/12/2025), Cơ quan quyết định: "
    "của quyết định công nhận; ngày quyết định thuộc năm của danh sách hoặc năm sau.",
    "Loại đơn vị có thể để trống: được nhận biết theo tên (Trường …, Thôn …, Dòng họ …).",
    "Các bước trước quyết định (có thể để trống): Tự đánh giá ghi mức đơn vị tự xếp; Số tờ "
    "trình, Ngày tờ trình, Cơ quan trình ghi tờ trình đề nghị công nhận (ví dụ 32a/TTr-PGDĐT, "
    "05/02/2024, Phòng Giáo dục và Đào tạo huyện). Đơn vị đăng ký nhưng dừng trước quyết định "
    "thì để trống cột Xếp loại: danh sách ghi được đơn vị rơi ở bước nào.",
    "Cộng đồng học tập cấp huyện (đến 7/2025), cấp tỉnh: Tên đơn vị là chính huyện, tỉnh đó; "
    "chưa được đánh giá thì Xếp loại ghi “Chưa triển khai đánh giá” (khác “Không đạt”).",
    "Nhập lại danh sách của cùng quyết định (cùng địa bàn, năm, danh hiệu) thì danh sách mới "
    "thay cả danh sách cũ.",
    "Tên địa bàn ghi như thường dùng (Xã Đăk Long, H. Ba Tơ). Danh sách năm 2024 trở về trước "
    "ghi theo đơn vị hành chính cũ (có cột Huyện); từ năm 2025 ghi theo xã, tỉnh hiện nay.",
    "Tệp có một dòng sai sẽ không được nhập, kho dữ liệu giữ nguyên.",
    "Dòng mẫu (dòng đầu tiên dưới tiêu đề) là ví dụ: thay bằng danh sách của đơn vị trước khi "
    "nhập (nhập nguyên dòng mẫu sẽ ghi vào kho một danh sách có số quyết định “…”).",
]


def build_list_template(wb: xlsxwriter.Workbook) -> None:
    """The list's sheets in `wb` (made by metrics.inputs.templates.build_template)."""
    sheets = style.form_sheets(
        wb,
        (LIST_SHEET, GUIDE_SHEET),
        (
            "DANH SÁCH ĐƠN VỊ ĐƯỢC CÔNG NHẬN (MỖI ĐƠN VỊ MỘT DÒNG)",
            "HƯỚNG DẪN ĐIỀN DANH SÁCH CÔNG NHẬN",
        ),
        LIST_HEADERS,
        SAMPLE_ROW,
        NOTES,
    )
    data = sheets.data
    # Dates typed below the sample show as dates, day first.
    for header in ("Ngày quyết định", "Ngày tờ trình"):
        date_col = LIST_HEADERS.index(header)
        data.set_column(date_col, date_col, 14, wb.add_format({"num_format": EXCEL_DATE_FORMAT}))
    data.set_column(0, 0, 7)
    data.set_column(1, 3, 16)
    data.set_column(4, 5, 30)
    data.set_column(6, 7, 15)
    data.set_column(8, 8, 15)
    data.set_column(10, 10, 24)
    data.set_column(11, 10 + CRITERIA, 10)
    data.set_column(11 + CRITERIA, 11 + CRITERIA, 12)
    data.set_column(12 + CRITERIA, 12 + CRITERIA, 15)
    data.set_column(14 + CRITERIA, 14 + CRITERIA, 30)
    data.set_column(15 + CRITERIA, 15 + CRITERIA, 50)

    sheets.row += 1
    sheets.guide.write(sheets.row, 0, "Xếp loại theo từng danh hiệu và năm:", sheets.title)
    for line in _rules_lines():
        sheets.row += 1
        sheets.guide.write(sheets.row, 0, f"• {line}", sheets.text)
    written: dict[tuple[str, ...], str] = {}  # the criteria columns share one list
    for header, choices in _choices().items():
        source = written.get(tuple(choices))
        if source is None:
            named = f"Tiêu chí 1 … {CRITERIA}" if header.startswith("Tiêu chí") else header
            source = written[tuple(choices)] = sheets.choice_list(named, choices)
        sheets.pick_from(header, LIST_HEADERS.index(header), source)
