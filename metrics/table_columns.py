"""What each column of a page's table holds — a year, a code, a count, a rate, points — its
header in Vietnamese and English, and how one of its cells reads (2025; 3.783; 85,5; "–").

The one rule for years versus numbers: a column is what its field says here, never what its
header looks like ("Năm 2025 (%)" is a rate, "Năm gốc" a year). No Streamlit here; pages show a
`ShownTable` through dashboard.ui.table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import polars as pl

from metrics.fmt import DASH, fmt_num


class Kind(StrEnum):
    TEXT = "text"
    CODE = "code"  # an official code: digits as written, never "21.451"
    YEAR = "year"  # a whole number without a thousands separator: 2025
    COUNT = "count"  # 3.783
    RATE = "rate"  # a percentage, one decimal: 85,5
    POINTS = "points"  # percentage points, one decimal: 4,1
    PLAN = "plan"  # share of a plan reached, whole: 96
    COORD = "coord"  # a latitude or longitude: 15,1234


DECIMALS: dict[Kind, int] = {
    Kind.COUNT: 0,
    Kind.RATE: 1,
    Kind.POINTS: 1,
    Kind.PLAN: 0,
    Kind.COORD: 4,
}


@dataclass(frozen=True)
class Field:
    vi: str
    en: str
    kind: Kind
    # The header when the table is for one year ("Tỷ lệ 2025 (%)"), if it differs.
    vi_year: str | None = None
    en_year: str | None = None

    def header(self, lang: str, year: int | None = None) -> str:
        if year is not None and self.vi_year and self.en_year:
            return (self.en_year if lang == "en" else self.vi_year).format(year=year)
        return self.en if lang == "en" else self.vi


FIELDS: dict[str, Field] = {
    "rank": Field("Hạng", "Rank", Kind.COUNT),
    "locality_code": Field("Mã", "Code", Kind.CODE),
    "short_name": Field("Tên", "Name", Kind.TEXT),
    "unit_type": Field("Loại", "Type", Kind.TEXT),
    "indicator_label": Field("Chỉ tiêu", "Indicator", Kind.TEXT),
    "year": Field("Năm", "Year", Kind.YEAR),
    "base_year": Field("Năm gốc", "Base year", Kind.YEAR),
    "base_pct": Field("Đầu kỳ (%)", "At base year (%)", Kind.RATE),
    "rate_pct": Field("Tỷ lệ (%)", "Rate (%)", Kind.RATE, "Tỷ lệ {year} (%)", "Rate {year} (%)"),
    "total": Field("Tổng số", "Total", Kind.COUNT),
    "registered": Field("Đăng ký", "Registered", Kind.COUNT),
    "recognized": Field("Được công nhận", "Recognized", Kind.COUNT),
    "change_since_base_pp": Field("Thay đổi (điểm %)", "Change since base (pp)", Kind.POINTS),
    "change_since_base_rel_pct": Field("Thay đổi tương đối (%)", "Relative change (%)", Kind.RATE),
    "change_pp": Field("So với năm trước (điểm %)", "On previous year (pp)", Kind.POINTS),
    "target_year": Field("Năm mục tiêu", "Target year", Kind.YEAR),
    "target_pct": Field("Mục tiêu (%)", "Target (%)", Kind.RATE),
    "target_scope": Field("Cấp đặt mục tiêu", "Target set by", Kind.TEXT),
    "target_source": Field("Nguồn mục tiêu", "Target source", Kind.TEXT),
    "plan_pct": Field("Đạt % KH", "% of plan", Kind.PLAN),
    "status_label": Field("Đánh giá tiến độ", "Progress", Kind.TEXT),
    "projected_pct": Field("Dự báo năm mục tiêu (%)", "Projected at target year (%)", Kind.RATE),
    "gap_pp": Field("Còn thiếu (điểm %)", "Gap (pp)", Kind.POINTS),
    "required_pp_per_year": Field("Cần tăng (điểm %/năm)", "Needed (pp/year)", Kind.POINTS),
    "projected_gap_pp": Field(
        "Dự báo so với mục tiêu (điểm %)", "Projected vs target (pp)", Kind.POINTS
    ),
    "level": Field("Mức", "Level", Kind.TEXT),
    "count": Field("Số lượng", "Count", Kind.COUNT),
    # How complete a sum is ("chưa đủ: 1/23 huyện cũ báo cáo"; metrics.completeness).
    "partial_note": Field("Mức đầy đủ", "Completeness", Kind.TEXT),
    "completeness": Field("Đơn vị báo cáo", "Units reporting", Kind.TEXT),
    # The register of recognitions (metrics.recognitions.shown_entries, criteria_not_met).
    "unit_name": Field("Tên đơn vị", "Unit", Kind.TEXT),
    "unit_kind": Field("Loại đơn vị", "Kind of unit", Kind.TEXT),
    "locality_name": Field("Địa bàn", "Locality", Kind.TEXT),
    "title_label": Field("Danh hiệu", "Title", Kind.TEXT),
    "result_label": Field("Kết quả", "Result", Kind.TEXT),
    "decision": Field("Quyết định", "Decision", Kind.TEXT),
    "valid_until_text": Field("Hiệu lực đến", "Valid until", Kind.TEXT),
    "criteria_failed_text": Field("Tiêu chí không đạt", "Criteria not met", Kind.TEXT),
    "plan_section": Field("Phần", "Section", Kind.TEXT),
    "plan_item": Field("Mục tiêu, nhiệm vụ", "Commitment", Kind.TEXT),
    "plan_target": Field("Mục tiêu", "Target", Kind.TEXT),
    "plan_achieved": Field("Kết quả sau đó", "Later figure", Kind.TEXT),
    "plan_source": Field("Nguồn", "Source", Kind.TEXT),
    "self_assessed_text": Field("Tự đánh giá", "Self-assessed", Kind.TEXT),
    "proposal": Field("Tờ trình đề nghị", "Proposal", Kind.TEXT),
    "criterion": Field("Tiêu chí", "Criterion", Kind.CODE),
    "not_met": Field("Số không đạt", "Not met", Kind.COUNT),
    "assessed": Field("Số được đánh giá", "Assessed", Kind.COUNT),
    "lat": Field("Vĩ độ", "Latitude", Kind.COORD),
    "lon": Field("Kinh độ", "Longitude", Kind.COORD),
    # Nhập dữ liệu: a checked file's rows, beside the figures the store holds now …
    "change": Field("Thay đổi", "Change", Kind.TEXT),
    "row": Field("Dòng", "Row", Kind.COUNT),
    "locality": Field("Địa bàn", "Area", Kind.TEXT),
    "rate_change": Field("Tỷ lệ (%): đang có → mới", "Rate (%): now → new", Kind.TEXT),
    "target_change": Field("Mục tiêu (%): đang có → mới", "Target (%): now → new", Kind.TEXT),
    "result_change": Field("Kết quả: đang có → mới", "Result: now → new", Kind.TEXT),
    "context_change": Field(
        "Số hộ/nhân khẩu: đang có → mới", "Households/people: now → new", Kind.TEXT
    ),
    "education_change": Field(
        "Mầm non 5 tuổi · Tiểu học · THCS · Xóa mù chữ: đang có → mới",
        "Preschool (5) · Primary · Lower secondary · Literacy: now → new",
        Kind.TEXT,
    ),
    "recognized_old": Field("Được công nhận (đang có)", "Recognized (now)", Kind.COUNT),
    # … the problems that refuse one …
    "sheet": Field("Trang", "Sheet", Kind.TEXT),
    "column": Field("Cột", "Column", Kind.TEXT),
    "problem": Field("Lỗi và cách sửa", "Problem and how to fix it", Kind.TEXT),
    # … and the history of imports.
    "batch": Field("Lô", "Batch", Kind.CODE),
    "created_at": Field("Thời gian", "Time", Kind.TEXT),
    "created_by": Field("Người nhập", "Imported by", Kind.TEXT),
    "batch_kind": Field("Loại", "Kind", Kind.TEXT),
    "file_name": Field("Tệp", "File", Kind.TEXT),
    "rows": Field("Số dòng", "Rows", Kind.COUNT),
    "batch_status": Field("Trạng thái", "State", Kind.TEXT),
    "rolled_back": Field("Hoàn tác lúc, bởi", "Rolled back (when, by)", Kind.TEXT),
    "file_sha256": Field("Mã băm tệp", "File hash", Kind.TEXT),
}


def cell_text(value: Any, kind: Kind, lang: str = "vi") -> str:
    """One cell as a reader of `lang` sees it: "–" when missing, never "None" or "nan"."""
    if value is None or (isinstance(value, float) and value != value):
        return DASH
    if kind is Kind.YEAR:
        return str(int(value))
    if kind in DECIMALS:
        return fmt_num(value, DECIMALS[kind], lang=lang)
    text = str(value)
    return text if text.strip() else DASH


@dataclass(frozen=True)
class ShownTable:
    """A table as a page shows it: headers in the reader's language, values kept as values (a
    column sorts on numbers), what each column holds, and the language its numbers are written in."""

    frame: pl.DataFrame
    kinds: dict[str, Kind] = field(default_factory=dict)
    lang: str = "vi"

    def __post_init__(self) -> None:
        missing = [c for c in self.frame.columns if c not in self.kinds]
        assert not missing, f"columns without a kind: {missing}"

    @staticmethod
    def of(frame: pl.DataFrame, kinds: Mapping[str, Kind], lang: str = "vi") -> ShownTable:
        """A table whose headers the page wrote itself, each with its kind."""
        return ShownTable(frame, dict(kinds), lang)

    def cells(self) -> pl.DataFrame:
        """Every cell as text, the way it reads (for static tables and tests)."""
        return pl.DataFrame(
            {
                c: [cell_text(v, self.kinds[c], self.lang) for v in self.frame[c].to_list()]
                for c in self.frame.columns
            },
            schema=dict.fromkeys(self.frame.columns, pl.String),
        )


def shown_table(
    frame: pl.DataFrame,
    fields: Sequence[str],
    lang: str,
    *,
    year: int | None = None,
    extra: Mapping[str, Kind] | None = None,
) -> ShownTable:
    """The named fields of `frame`, in that order, under their headers in `lang` (with `year` in
    a header that names it). `extra`: columns already named by the page, with their kinds."""
    extra = dict(extra or {})
    renamed = {f: FIELDS[f].header(lang, year) for f in fields}
    out = frame.select(*[pl.col(f).alias(renamed[f]) for f in fields], *map(pl.col, extra))
    kinds = {renamed[f]: FIELDS[f].kind for f in fields} | extra
    return ShownTable(out, kinds, lang)
