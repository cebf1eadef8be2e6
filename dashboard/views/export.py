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
        t("export_commune"),
        options,
        key=f"{PAGE}__commune",
        format_func=lambda c: commune_names.get(
            c, t("export_whole_province") if prov != "VN" else t("export_whole_country")
        ),
        disabled=communes is None,
    )
with c3:
    year = ui.pick("year", t("year"), years, default=years[0] if years else None, page=PAGE)
if year is None:
    st.info(t("export_no_figures"))
    st.stop()
target = commune or prov
label = commune_names.get(commune) or names[prov]

st.caption(t("export_caption"))
if not data.export_available():
    st.warning(data.export_unavailable_reason(), icon=":material/warning:")
slug = file_stem("XHHT", label, year)  # XHHT_Quang_Ngai_2025.pptx
docs = {
    "pptx": (
        t("export_deck"),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "xlsx": (
        t("export_workbook"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "docx": (
        t("export_report"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
}
cols = st.columns(3)
for col, (kind, (title, mime)) in zip(cols, docs.items(), strict=True):
    with col:
        made = st.session_state.get(f"{PAGE}__{kind}")
        if made and made[0] == (target, year):
            st.download_button(
                t("export_download", what=title),
                data=made[1],
                file_name=f"{slug}.{kind}",
                mime=mime,
                key=f"{PAGE}__dl_{kind}",
                type="primary",
                on_click="ignore",
            )
        elif st.button(
            t("export_make", what=title),
            key=f"{PAGE}__make_{kind}",
            disabled=kind != "xlsx" and not data.export_available(),
        ):
            with st.spinner(t("export_making", what=title.lower(), name=label, year=year)):
                try:
                    content = data.make_document(key, kind, target, year)
                except data.ExportError as exc:
                    st.error(str(exc))
                else:
                    st.session_state[f"{PAGE}__{kind}"] = ((target, year), content)
                    st.rerun()
