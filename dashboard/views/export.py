"""Xuất báo cáo: the deck, the workbook and the report draft for a province, the country or a
commune and a year — the same documents as `xhht export`."""

from __future__ import annotations

import streamlit as st

from dashboard import data, ui
from dashboard.i18n import t
from metrics.text import file_stem

PAGE = "export"
key = ui.store_key()
ui.banner(key)
st.title(t("export_title"))

provs = data.provinces(key)
names = {"VN": t("country"), **dict(zip(provs["id"], provs["short_name"], strict=True))}
years = sorted(data.years(key), reverse=True)
c1, c2, c3 = st.columns([2, 2, 1])
with c1:
    prov = ui.pick(
        "loc", t("area"), list(names), format_func=names.__getitem__, default="P51", page=PAGE
    )
communes = data.communes(key, prov) if prov != "VN" else None
with c2:
    options = ["", *(communes["id"].to_list() if communes is not None else [])]
    commune_names = (
        dict(zip(communes["id"], communes["name"], strict=True)) if communes is not None else {}
    )
    commune = st.selectbox(
        "Xã, phường (để trống: cả tỉnh)",
        options,
        key=f"{PAGE}__commune",
        format_func=lambda c: commune_names.get(c, "(cả tỉnh)" if prov != "VN" else "(toàn quốc)"),
        disabled=communes is None,
    )
with c3:
    year = ui.pick("year", t("year"), years, default=years[0] if years else None, page=PAGE)
if year is None:
    st.info("Kho chưa có số liệu.")
    st.stop()
target = commune or prov
label = commune_names.get(commune) or names[prov]

st.caption(
    "Bộ trình chiếu 16:9 (trang tiêu đề, tổng hợp, mỗi chỉ tiêu một trang có biểu đồ, xếp hạng, nguồn), "
    "bảng tính theo mẫu báo cáo của tỉnh (mỗi chỉ tiêu một trang), và dự thảo phần “Kết quả thực hiện” "
    "của báo cáo sơ kết (A4, Times New Roman) để cán bộ hoàn thiện."
)
if not data.export_available():
    st.warning(data.export_unavailable_reason(), icon=":material/warning:")
slug = file_stem("XHHT", label, year)  # XHHT_Quang_Ngai_2025.pptx
docs = {
    "pptx": (
        "Bộ trình chiếu (.pptx)",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "xlsx": (
        "Bảng tính (.xlsx)",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "docx": (
        "Dự thảo báo cáo (.docx)",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
}
cols = st.columns(3)
for col, (kind, (title, mime)) in zip(cols, docs.items(), strict=True):
    with col:
        made = st.session_state.get(f"{PAGE}__{kind}")
        if made and made[0] == (target, year):
            st.download_button(
                f"Tải {title}",
                data=made[1],
                file_name=f"{slug}.{kind}",
                mime=mime,
                key=f"{PAGE}__dl_{kind}",
                type="primary",
                on_click="ignore",
            )
        elif st.button(
            f"Tạo {title}",
            key=f"{PAGE}__make_{kind}",
            disabled=kind != "xlsx" and not data.export_available(),
        ):
            with st.spinner(f"Đang tạo {title.lower()} cho {label}, năm {year}…"):
                try:
                    content = data.make_document(key, kind, target, year)
                except data.ExportError as exc:
                    st.error(str(exc))
                else:
                    st.session_state[f"{PAGE}__{kind}"] = ((target, year), content)
                    st.rerun()
