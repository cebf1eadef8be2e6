"""The forms a file can hold, results, targets, lists of recognitions, a place's context, its
universal-education levels and plan items: their columns, how users spell the headers, the
labels messages give columns, the words their messages differ in, their keys."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from metrics.store.schema import CONTEXT_COUNTS, EDUCATION_FIELDS, LEVEL_COLUMNS

# Column id → header spellings (compared with metrics.normalise.key).
RESULT_HEADERS: dict[str, tuple[str, ...]] = {
    "year": ("Năm", "Năm báo cáo", "Year"),
    "province": ("Tỉnh", "Tỉnh/Thành phố", "Tỉnh, thành phố", "Province"),
    "district": ("Huyện", "Huyện (cũ)", "Quận/Huyện", "District"),
    "commune": ("Xã", "Xã/Phường", "Xã, phường", "Xã/Phường/Đặc khu", "Đơn vị", "Commune"),
    "code": ("Mã xã", "Mã", "Mã đơn vị", "Mã ĐVHC", "Code"),
    "indicator": ("Chỉ tiêu", "Danh hiệu", "Mô hình", "Indicator"),
    "total": ("Tổng số", "Tổng", "Total"),
    "registered": ("Đăng ký", "Số đăng ký", "Registered"),
    "recognized": ("Công nhận", "Được công nhận", "Đạt", "Số công nhận", "Recognized"),
    "level_tot": ("Tốt", "Loại tốt"),
    "level_kha": ("Khá", "Loại khá"),
    "level_trung_binh": ("Trung bình", "Loại trung bình"),
    "level_muc_do_1": ("Mức độ 1", "Mức 1"),
    "level_muc_do_2": ("Mức độ 2", "Mức 2"),
    "source": ("Nguồn", "Văn bản", "Nguồn số liệu", "Source"),
}
TARGET_HEADERS: dict[str, tuple[str, ...]] = {
    "place": ("Địa bàn", "Đơn vị", "Locality"),
    "province": ("Tỉnh", "Tỉnh/Thành phố", "Province"),
    "indicator": ("Chỉ tiêu", "Indicator"),
    "year": ("Năm", "Năm mục tiêu", "Year"),
    "percent": ("Mục tiêu (%)", "Mục tiêu", "Mục tiêu %", "Tỷ lệ mục tiêu", "Target (%)"),
    "source": ("Nguồn", "Văn bản", "Source"),
}
# A list of recognised units: one table whose columns carry everything, or a title and the
# decision above a table "STT, Tên đơn vị, Xếp loại" (metrics.inputs.list_heading reads those).
# Criterion columns ("Tiêu chí 1" …) are found by metrics.circulars.criterion_number.
RECOGNITION_HEADERS: dict[str, tuple[str, ...]] = {
    "year": ("Năm", "Năm công nhận", "Năm đánh giá", "Year"),
    "province": RESULT_HEADERS["province"],
    "district": RESULT_HEADERS["district"],
    "commune": ("Xã", "Xã/Phường", "Xã, phường", "Xã/Phường/Đặc khu", "Commune"),
    "code": ("Mã xã", "Mã ĐVHC", "Code"),
    "indicator": ("Danh hiệu", "Chỉ tiêu", "Mô hình", "Loại danh hiệu", "Title"),
    "name": (
        "Tên đơn vị",
        "Tên cơ quan, đơn vị",
        "Cơ quan, đơn vị",
        "Đơn vị",
        "Tên",
        "Tên dòng họ",
        "Tên thôn, tổ dân phố",
        "Tên thôn",
        "Tên xã",
        "Name",
    ),
    "kind": ("Loại đơn vị", "Loại hình", "Loại hình đơn vị", "Kind"),
    "result": (
        "Xếp loại",
        "Kết quả",
        "Mức độ",
        "Kết quả xếp loại",
        "Kết quả đánh giá",
        "Mức độ công nhận",
        "Result",
    ),
    "decision_number": ("Số quyết định", "Số QĐ", "Quyết định số", "Decision"),
    "decision_date": ("Ngày quyết định", "Ngày QĐ", "Ngày ký", "Decision date"),
    "issuer": ("Cơ quan quyết định", "Cơ quan ban hành", "Cấp quyết định", "Issuer"),
    # The way to the decision: the level the unit claimed assessing itself, and the tờ trình
    # that proposed it (blank: it stopped before that step).
    "self_assessed": (
        "Tự đánh giá",
        "Kết quả tự đánh giá",
        "Tự xếp loại",
        "Mức độ tự đánh giá",
        "Self-assessed",
    ),
    "proposal_number": ("Số tờ trình", "Tờ trình số", "Tờ trình", "Proposal"),
    "proposal_date": ("Ngày tờ trình", "Ngày trình", "Proposal date"),
    "proposal_issuer": ("Cơ quan trình", "Cơ quan đề nghị", "Đơn vị trình", "Proposed by"),
    "source": ("Nguồn", "Văn bản", "Source"),
}
# A place's context in a year: one row a place (commune, old district or province).
_PLACE_HEADERS = {
    "year": RESULT_HEADERS["year"],
    "province": RESULT_HEADERS["province"],
    "district": RESULT_HEADERS["district"],
    "commune": ("Xã", "Xã/Phường", "Xã, phường", "Xã/Phường/Đặc khu", "Commune"),
    "code": ("Mã xã", "Mã", "Mã ĐVHC", "Code"),
}
_DATED_SOURCE = {
    "as_of": ("Tính đến ngày", "Tính đến", "Ngày số liệu", "Số liệu tính đến", "As of"),
    "source": RESULT_HEADERS["source"],
}
CONTEXT_HEADERS: dict[str, tuple[str, ...]] = {
    **_PLACE_HEADERS,
    "households": ("Số hộ", "Tổng số hộ", "Số hộ dân", "Households"),
    "population": ("Số nhân khẩu", "Nhân khẩu", "Dân số", "Population"),
    "minority_households": ("Số hộ DTTS", "Hộ DTTS", "Số hộ dân tộc thiểu số"),
    "minority_population": ("Số nhân khẩu DTTS", "Nhân khẩu DTTS", "Số nhân khẩu dân tộc thiểu số"),
    "villages": ("Số thôn (làng)", "Số thôn", "Số thôn, làng", "Thôn (làng)"),
    "residential_groups": ("Số tổ dân phố", "Tổ dân phố"),
    "agencies": ("Số cơ quan, đơn vị", "Số cơ quan"),
    "schools": ("Số trường học", "Số trường", "Trường học"),
    **_DATED_SOURCE,
}
# A place's universal-education and literacy levels in a year (metrics.place_context codes).
EDUCATION_HEADERS: dict[str, tuple[str, ...]] = {
    **_PLACE_HEADERS,
    "preschool_5": (
        "Mầm non 5 tuổi",
        "PCGD mầm non 5 tuổi",
        "Phổ cập GD mầm non 5 tuổi",
        "Phổ cập giáo dục mầm non cho trẻ em 5 tuổi",
    ),
    "primary_school": (
        "Tiểu học",
        "PCGD tiểu học",
        "Phổ cập GD tiểu học",
        "Phổ cập giáo dục tiểu học",
    ),
    "lower_secondary": (
        "THCS",
        "Trung học cơ sở",
        "PCGD THCS",
        "Phổ cập GD THCS",
        "Phổ cập giáo dục THCS",
    ),
    "literacy": ("Xóa mù chữ", "XMC"),
    **_DATED_SOURCE,
}
# A place's plan commitments that are not rates ("100% thôn duy trì hoạt động Cộng đồng học
# tập"): one row per item, with an optional target percentage and year, and a later figure.
PLAN_HEADERS: dict[str, tuple[str, ...]] = {
    "place": TARGET_HEADERS["place"],
    "province": TARGET_HEADERS["province"],
    "section": ("Phần", "Nhóm", "Mục của kế hoạch", "Section"),
    "item": (
        "Mục tiêu, nhiệm vụ",
        "Mục tiêu nhiệm vụ",
        "Nội dung",
        "Nội dung mục tiêu",
        "Nhiệm vụ",
        "Plan item",
    ),
    "percent": TARGET_HEADERS["percent"],
    "year": ("Năm", "Năm mục tiêu", "Đến năm", "Year"),
    "indicator": ("Chỉ tiêu", "Indicator"),
    "achieved_pct": ("Kết quả (%)", "Kết quả đạt được (%)", "Tỷ lệ đạt được", "Achieved (%)"),
    "achieved_year": ("Năm kết quả", "Năm đạt được", "Achieved year"),
    "achieved_source": ("Nguồn kết quả", "Văn bản kết quả", "Achieved source"),
    "source": ("Nguồn", "Văn bản", "Kế hoạch", "Source"),
}
# Column id → the label every message gives that column: its first spelling, the one the
# templates use. The columns the forms share (year, province, indicator, source) are spelled
# first alike in all, so one label serves all.
HEADER_LABEL = {
    cid: names[0]
    for cid, names in {
        **EDUCATION_HEADERS,
        **CONTEXT_HEADERS,
        **PLAN_HEADERS,
        **RECOGNITION_HEADERS,
        **RESULT_HEADERS,
        **TARGET_HEADERS,
    }.items()
}

# The counts of a results row, in the order their columns are checked (and problems listed).
COUNT_COLUMNS = ("total", "registered", "recognized", *LEVEL_COLUMNS)


@dataclass(frozen=True)
class Form:
    """What differs between a results table and a targets table; the rest is shared."""

    name: str  # results | targets
    headers: dict[str, tuple[str, ...]]
    identifying_columns: frozenset[str]  # a header row with all of these is a table of this form
    listed_columns: tuple[str, ...]  # what the "no header row" message asks for
    years: tuple[int, int]  # the years a row may hold, both included
    year_noun: str  # how the year problem names the year
    indicator_examples: str  # how the indicator problem ends
    row_noun: str  # what a row of the form holds, for the empty-table problem
    duplicate_same: str  # what two duplicate rows share, in the words of the form
    duplicate_column: str  # where a duplicate row is pointed at
    key_columns: tuple[str, ...]  # a figure's key in the store: a duplicate repeats it
    value_columns: tuple[str, ...]  # what a re-import compares to tell changed from unchanged
    current_table: str  # where the store keeps the figures in force
    frame_schema: dict[str, type[pl.DataType]]  # the checked rows' frame
    batch_note: str  # how a batch of this form is described in the history


RESULTS = Form(
    name="results",
    headers=RESULT_HEADERS,
    identifying_columns=frozenset({"year", "indicator", "recognized"}),
    listed_columns=(
        "year",
        "province",
        "commune",
        "indicator",
        "total",
        "registered",
        "recognized",
    ),
    years=(2015, 2030),
    year_noun="Năm",
    indicator_examples="ví dụ: gia_dinh, “Gia đình học tập”, “Đơn vị học tập”.",
    row_noun="số liệu",
    duplicate_same="địa bàn, năm, chỉ tiêu",
    duplicate_column="commune",
    key_columns=("locality_id", "year", "indicator"),
    value_columns=COUNT_COLUMNS,
    current_table="observations_current",
    frame_schema={
        "locality_id": pl.String,
        "year": pl.Int32,
        "indicator": pl.String,
        **{c: pl.Int64 for c in COUNT_COLUMNS},
        "total_from_register": pl.Boolean,
        "source": pl.String,
        "_row": pl.Int64,
        "_locality": pl.String,
    },
    batch_note="Kết quả",
)
TARGETS = Form(
    name="targets",
    headers=TARGET_HEADERS,
    identifying_columns=frozenset({"place", "indicator", "year", "percent"}),
    listed_columns=("place", "indicator", "year", "percent"),
    years=(2021, 2035),
    year_noun="Năm mục tiêu",
    indicator_examples="ví dụ gia_dinh.",
    row_noun="mục tiêu",
    duplicate_same="địa bàn, chỉ tiêu, năm",
    duplicate_column="place",
    key_columns=("locality_id", "indicator", "target_year"),
    value_columns=("percent",),
    current_table="targets_current",
    frame_schema={
        "locality_id": pl.String,
        "indicator": pl.String,
        "target_year": pl.Int32,
        "percent": pl.Float64,
        "source": pl.String,
        "confirmed": pl.Boolean,
        "_row": pl.Int64,
        "_locality": pl.String,
    },
    batch_note="Mục tiêu",
)
# What a re-imported list compares to tell a changed entry from an unchanged one.
RECOGNITION_VALUES = (
    "name",
    "kind",
    "result",
    "decision_date",
    "issuer",
    "criteria_met",
    "criteria_failed",
    "source",
    "self_assessed",
    "proposal_number",
    "proposal_date",
    "proposal_issuer",
)
RECOGNITIONS = Form(
    name="recognitions",
    headers=RECOGNITION_HEADERS,
    identifying_columns=frozenset({"name", "result"}),
    listed_columns=("name", "result"),
    years=(2015, 2030),
    year_noun="Năm",
    indicator_examples="ví dụ: don_vi_cap_tinh, “Đơn vị học tập cấp huyện”, “Dòng họ học tập”.",
    row_noun="đơn vị",
    duplicate_same="quyết định",
    duplicate_column="name",
    key_columns=("locality_id", "year", "indicator", "decision_number", "name_key"),
    value_columns=RECOGNITION_VALUES,
    current_table="recognitions_current",
    frame_schema={
        "locality_id": pl.String,
        "year": pl.Int32,
        "indicator": pl.String,
        "name": pl.String,
        "name_key": pl.String,
        "kind": pl.String,
        "result": pl.String,
        "circular": pl.String,
        "decision_number": pl.String,
        "decision_date": pl.Date,
        "issuer": pl.String,
        "criteria_met": pl.String,
        "criteria_failed": pl.String,
        "valid_until": pl.Date,
        "source": pl.String,
        "self_assessed": pl.String,
        "proposal_number": pl.String,
        "proposal_date": pl.Date,
        "proposal_issuer": pl.String,
        "_row": pl.Int64,
        "_locality": pl.String,
    },
    batch_note="Danh sách công nhận",
)
_PLACE_YEAR_SCHEMA: dict[str, type[pl.DataType]] = {"locality_id": pl.String, "year": pl.Int32}
CONTEXT = Form(
    name="context",
    headers=CONTEXT_HEADERS,
    identifying_columns=frozenset({"year", "households", "population"}),
    listed_columns=("year", "province", "commune", "households", "population", "source"),
    years=(2015, 2030),
    year_noun="Năm",
    indicator_examples="",
    row_noun="đặc điểm địa bàn",
    duplicate_same="địa bàn, năm",
    duplicate_column="commune",
    key_columns=("locality_id", "year"),
    value_columns=(*CONTEXT_COUNTS, "as_of", "source"),
    current_table="place_context_current",
    frame_schema={
        **_PLACE_YEAR_SCHEMA,
        **{c: pl.Int64 for c in CONTEXT_COUNTS},
        "as_of": pl.Date,
        "source": pl.String,
        "_row": pl.Int64,
        "_locality": pl.String,
    },
    batch_note="Đặc điểm địa bàn",
)
EDUCATION = Form(
    name="education",
    headers=EDUCATION_HEADERS,
    identifying_columns=frozenset({"year", "primary_school", "literacy"}),
    listed_columns=(
        "year",
        "province",
        "commune",
        "preschool_5",
        "primary_school",
        "lower_secondary",
        "literacy",
        "source",
    ),
    years=(2015, 2030),
    year_noun="Năm",
    indicator_examples="",
    row_noun="mức phổ cập giáo dục",
    duplicate_same="địa bàn, năm",
    duplicate_column="commune",
    key_columns=("locality_id", "year"),
    value_columns=(*EDUCATION_FIELDS, "as_of", "source"),
    current_table="education_levels_current",
    frame_schema={
        **_PLACE_YEAR_SCHEMA,
        **{f: pl.String for f in EDUCATION_FIELDS},
        "as_of": pl.Date,
        "source": pl.String,
        "_row": pl.Int64,
        "_locality": pl.String,
    },
    batch_note="Phổ cập giáo dục, xóa mù chữ",
)
PLAN_VALUES = (
    "section",
    "item_text",
    "target_pct",
    "target_year",
    "indicator",
    "achieved_pct",
    "achieved_year",
    "achieved_source",
)
# The plan form's rows as the store takes them (the demo writes its plans in the same columns).
PLAN_ITEM_SCHEMA = {
    "locality_id": pl.String,
    "source": pl.String,
    "section": pl.String,
    "item_text": pl.String,
    "item_key": pl.String,
    "target_pct": pl.Float64,
    "target_year": pl.Int32,
    "indicator": pl.String,
    "achieved_pct": pl.Float64,
    "achieved_year": pl.Int32,
    "achieved_source": pl.String,
    "_row": pl.Int64,
}
PLANS = Form(
    name="plans",
    headers=PLAN_HEADERS,
    identifying_columns=frozenset({"place", "item"}),
    listed_columns=("place", "item", "source"),
    years=(2021, 2035),
    year_noun="Năm mục tiêu",
    indicator_examples="ví dụ cong_dong_thon, “Cộng đồng học tập cấp thôn” (hoặc để trống).",
    row_noun="mục tiêu, nhiệm vụ",
    duplicate_same="địa bàn, kế hoạch, nội dung",
    duplicate_column="item",
    key_columns=("locality_id", "source", "item_key"),
    value_columns=PLAN_VALUES,
    current_table="plan_items_current",
    frame_schema={**PLAN_ITEM_SCHEMA, "_locality": pl.String},
    batch_note="Mục tiêu, nhiệm vụ của kế hoạch",
)
FORMS = {form.name: form for form in (RESULTS, TARGETS, RECOGNITIONS, CONTEXT, EDUCATION, PLANS)}

# What a checked file's rows are, as "Sẽ nhập 23 dòng …" says it.
ROWS_OF = {
    "results": "số liệu kết quả",
    "targets": "mục tiêu",
    "recognitions": "danh sách công nhận (mỗi dòng một đơn vị)",
    "context": "đặc điểm địa bàn (số hộ, nhân khẩu, thôn, cơ quan, trường học)",
    "education": "mức phổ cập giáo dục, xóa mù chữ",
    "plans": "mục tiêu, nhiệm vụ của kế hoạch",
}


def column_list(form: Form) -> str:
    """The columns a table of the form needs, as its labels: "Địa bàn, Chỉ tiêu, Năm, Mục tiêu (%)"."""
    return ", ".join(HEADER_LABEL[c] for c in form.listed_columns)
