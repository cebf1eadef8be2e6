"""Interface text in Vietnamese (default) and English. Pages ask for text by key: t("heading")."""

from __future__ import annotations

import streamlit as st

from metrics.progress import STATUS_STYLE, Status

LANGS = {"vi": "Tiếng Việt", "en": "English"}

TEXT: dict[str, dict[str, str]] = {
    "app_title": {"vi": "Xã hội học tập — theo dõi chỉ tiêu", "en": "Learning society — target tracker"},
    "nav_overview": {"vi": "Tổng quan", "en": "Overview"},
    "nav_compare": {"vi": "So sánh xã", "en": "Compare communes"},
    "nav_profile": {"vi": "Hồ sơ địa bàn", "en": "Locality profile"},
    "nav_method": {"vi": "Phương pháp", "en": "Method"},
    "nav_import": {"vi": "Nhập dữ liệu", "en": "Import data"},
    "nav_export": {"vi": "Xuất báo cáo", "en": "Export"},
    "import_title": {"vi": "Nhập dữ liệu", "en": "Import data"},
    "export_title": {"vi": "Xuất báo cáo cho hội nghị sơ kết, tổng kết", "en": "Exports for review conferences"},
    "download_png": {"vi": "Ảnh PNG", "en": "PNG image"},
    "download_png2": {"vi": "Ảnh PNG 2×", "en": "PNG 2×"},
    "download_svg": {"vi": "Ảnh SVG", "en": "SVG image"},
    "download_xlsx": {"vi": "Số liệu (XLSX)", "en": "Data (XLSX)"},
    "language": {"vi": "Ngôn ngữ", "en": "Language"},
    "all": {"vi": "Tất cả", "en": "All"},
    "synthetic": {
        "vi": "Dữ liệu minh họa — số liệu tổng hợp, không phải số liệu thật",
        "en": "Illustrative data — synthetic figures, not real statistics",
    },
    "store_missing_title": {"vi": "Không mở được kho dữ liệu", "en": "The data store cannot be opened"},
    "overview_title": {"vi": "Tổng quan tiến độ xây dựng xã hội học tập", "en": "Progress towards a learning society"},
    "compare_title": {"vi": "So sánh các xã", "en": "Compare communes"},
    "compare_title_country": {"vi": "So sánh các tỉnh", "en": "Compare provinces"},
    "profile_title": {"vi": "Hồ sơ địa bàn", "en": "Locality profile"},
    "method_title": {"vi": "Phương pháp tính và đánh giá", "en": "Method"},
    "area": {"vi": "Địa bàn", "en": "Area"},
    "country": {"vi": "Toàn quốc", "en": "Whole country"},
    "year": {"vi": "Năm", "en": "Year"},
    "indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "province": {"vi": "Tỉnh, thành phố", "en": "Province"},
    "commune": {"vi": "Xã, phường, đặc khu", "en": "Commune"},
    "whole_province": {"vi": "(Toàn tỉnh)", "en": "(Whole province)"},
    "cards_heading": {"vi": "Các chỉ tiêu năm {year}", "en": "Indicators in {year}"},
    "chart_heading": {"vi": "Diễn biến theo năm", "en": "Over time"},
    "status_heading": {"vi": "Số {children} theo mức độ tiến độ", "en": "{children} by status"},
    "map_heading": {"vi": "Bản đồ tiến độ các xã", "en": "Map of communes by status"},
    "map_heading_country": {"vi": "Bản đồ tiến độ các tỉnh", "en": "Map of provinces by status"},
    "ranked_heading": {"vi": "Xếp hạng", "en": "Ranking"},
    "heatmap_heading": {"vi": "Mức đạt kế hoạch theo chỉ tiêu", "en": "Share of target reached by indicator"},
    "table_heading": {"vi": "Bảng so sánh", "en": "Comparison table"},
    "targets_ahead_heading": {"vi": "Mục tiêu phía trước", "en": "Targets ahead"},
    "all_indicators_heading": {"vi": "Tất cả chỉ tiêu", "en": "All indicators"},
    "levels_heading": {"vi": "Xếp loại, mức độ công nhận", "en": "Ratings and levels"},
    "sources_heading": {"vi": "Nguồn số liệu", "en": "Sources"},
    "lineage_heading": {"vi": "Hình thành từ các đơn vị cũ", "en": "Formed from former units"},
    "completeness_heading": {"vi": "Mức đầy đủ của số liệu", "en": "Completeness"},
    "see_data": {"vi": "Xem bảng số liệu của biểu đồ", "en": "Show the chart's data"},
    "download_csv": {"vi": "Tải số liệu (CSV)", "en": "Download data (CSV)"},
    "download_html": {"vi": "Tải biểu đồ (HTML)", "en": "Download chart (HTML)"},
    "no_data_year": {"vi": "Chưa có số liệu năm {year}", "en": "No data for {year} yet"},
    "no_data_any": {
        "vi": "Chưa có số liệu nào cho {name}. Số liệu sẽ hiện ở đây khi được nhập vào kho.",
        "en": "No figures for {name} yet. They will show here once imported.",
    },
    "status_filter": {"vi": "Lọc theo mức độ tiến độ", "en": "Filter by status"},
    "type_filter": {"vi": "Lọc theo loại đơn vị", "en": "Filter by unit type"},
    "highlight": {"vi": "Đánh dấu một xã", "en": "Highlight a commune"},
    "highlight_none": {"vi": "(không)", "en": "(none)"},
    "open_profile": {"vi": "Xem hồ sơ xã", "en": "Open commune profile"},
    "open_profile_btn": {"vi": "Mở hồ sơ", "en": "Open profile"},
    "search": {"vi": "Tìm địa bàn theo tên hoặc mã", "en": "Search by name or code"},
    "search_hint": {
        "vi": "Ví dụ: “Đăk Long, Quảng Ngãi”, “23368”, “huyện Ia H'Drai”",
        "en": "e.g. “Đăk Long, Quảng Ngãi”, “23368”, “huyện Ia H'Drai”",
    },
    "old_district": {"vi": "Huyện cũ (trước 7/2025)", "en": "Former district (before 7/2025)"},
    "old_district_none": {"vi": "(không chọn)", "en": "(none)"},
    "choose_indicator_chart": {"vi": "Chỉ tiêu để vẽ", "en": "Indicator to chart"},
    "empty_filter": {"vi": "Không có địa bàn nào khớp bộ lọc.", "en": "No locality matches the filters."},
}


def lang() -> str:
    value = st.session_state.get("lang", "vi")
    return value if value in LANGS else "vi"


def t(key: str, **kwargs: object) -> str:
    entry = TEXT[key]
    text = entry.get(lang(), entry["vi"])
    return text.format(**kwargs) if kwargs else text


def status_label(status: str) -> str:
    style = STATUS_STYLE[Status(status)]
    return style.label_vi if lang() == "vi" else style.label_en


def status_badge(status: str) -> str:
    """Symbol + words + colour (HTML span); colour is never the only carrier."""
    style = STATUS_STYLE[Status(status)]
    return (
        f"<span style='color:{style.colour};font-weight:600'>{style.symbol} "
        f"{status_label(status)}</span>"
    )


def ind_label(indicator_id: str, short: bool = False) -> str:
    from metrics.indicators import registry

    ind = registry().by_id(indicator_id)
    if lang() == "vi":
        return ind.short_vi if short else ind.label_vi
    return ind.short_en if short else ind.label_en


SCOPE_EN = {"quốc gia": "national", "tỉnh": "provincial", "xã": "commune", "huyện (cũ)": "former district"}


def scope_text(scope: str | None) -> str:
    """"mục tiêu quốc gia" / "national target"."""
    if scope is None:
        return ""
    return f"mục tiêu {scope}" if lang() == "vi" else f"{SCOPE_EN.get(scope, scope)} target"
