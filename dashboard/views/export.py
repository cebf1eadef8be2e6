"""Xuất báo cáo: the deck, the workbook, the report draft and the whole pack (.zip) for the
country, a province, a commune or a former district and a year — the same documents as `xhht
export`."""

from __future__ import annotations

import streamlit as st

from dashboard import data, ui
from dashboard.i18n import lang, t
from metrics.escaping import markdown_literal
from metrics.name_lookup import typeable
from metrics.name_parts import lower_type
from metrics.outputs.pack import document_stem
from metrics.outputs.report_text import KINDS, default_kind

PAGE = "export"
data.warm_export()  # Chromium starts while the user chooses (the first deck waited 4–6 s more)
key = ui.store_key()
ui.banner(key)
st.title(t("export_title"))

names = ui.area_names(key)
years = sorted(data.years(key), reverse=True)
c1, c2, c3 = st.columns([2, 2, 1])
with c1:
    prov = ui.pick_area(names, page=PAGE)
communes = data.communes(key, prov) if not data.is_country(prov) else None
olds = data.old_districts(key, prov) if not data.is_country(prov) else None
with c2:
    # Today's communes, then the former districts (before 7/2025), each marked "(cũ)" with its
    # old province, as every document made for it names it.
    commune_names = (
        dict(zip(communes["id"], communes["name"], strict=True)) if communes is not None else {}
    )
    if olds is not None:
        commune_names |= {
            r["id"]: t(
                "export_old_district",
                name=r["name"],
                province=lower_type(r["old_province_name"]),
            )
            for r in olds.iter_rows(named=True)
        }
    options = ["", *commune_names]
    commune = st.selectbox(
        t("export_commune"),
        options,
        key=f"{PAGE}__commune",
        format_func=lambda c: typeable(
            commune_names.get(
                c,
                t("export_whole_province")
                if not data.is_country(prov)
                else t("export_whole_country"),
            )
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

# The report draft's kind and recipient (the draft and the pack's draft): a sơ kết when a
# five-year stage ends, else the year's result; the body it goes to, or a placeholder.
k1, k2 = st.columns([2, 3])
with k1:
    kind_words = {"so-ket": t("export_report_kind_so_ket"), "nam": t("export_report_kind_nam")}
    report_kind = st.radio(
        t("export_report_kind"),
        list(KINDS),
        index=list(KINDS).index(default_kind(year)),
        format_func=kind_words.__getitem__,
        key=f"{PAGE}__report_kind_{year}",
        horizontal=True,
    )
with k2:
    recipient = st.text_input(
        t("export_recipient"),
        key=f"{PAGE}__recipient",
        placeholder=t("export_recipient_hint"),
        max_chars=200,
    ).strip()
report = {"report_kind": report_kind, "recipient": recipient or None}

st.caption(t("export_caption"))
st.caption(t("export_pack_caption"))
if not data.export_available():
    st.warning(data.export_unavailable_reason(), icon=":material/warning:")
place = data.locality(key, target)
slug = document_stem(place, year) if place else "XHHT"  # XHHT_Quang_Ngai_2025.pptx
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
    "zip": (t("export_pack"), "application/zip"),
}
# One click makes and downloads a document: the button's `data` is a DocumentJob, which Streamlit
# calls when the button is clicked (the button shows a spinner meanwhile) and whose bytes the
# browser then saves. The click does not rerun the page (on_click="ignore"): a rerun registers
# the button's callable again under a new id and drops the one the browser is fetching, so on a
# busy server the click could lose the race and download nothing. A job is kept for as long as
# the page offers the same document; a small fragment, rerun every second and a half, says what
# is being made and how it went, in the session's language (the job's thread cannot write).
jobs = st.session_state.setdefault(f"{PAGE}__jobs", {})  # kind → the job its button offers
cols = st.columns(len(docs))
for col, (kind, (title, mime)) in zip(cols, docs.items(), strict=True):
    name = f"{slug}.{kind}"
    drafted = kind in ("docx", "zip")  # the documents that hold the report draft
    offer = (key, kind, target, year, lang(), tuple(report.values()) if drafted else ())
    job = jobs.get(kind)
    if job is None or job.offer != offer:
        job = data.DocumentJob(
            key,
            kind,
            target,
            year,
            failed=t("export_failed", what=title.lower(), error="{error}"),
            report=report if drafted else None,
        )
        job.offer = offer
        job.making = t("export_making", what=title.lower(), name=markdown_literal(label), year=year)
        job.made = t("export_made", file=name)
        jobs[kind] = job
    with col:
        st.download_button(
            t("export_download", what=title),
            data=job,
            file_name=name,
            mime=mime,
            key=f"{PAGE}__dl_{kind}",
            type="primary",
            icon=":material/download:",
            help=t("export_download_help", file=name),
            disabled=kind != "xlsx" and not data.export_available(),
            on_click="ignore",
        )


@st.fragment(run_every=1.5)
def progress() -> None:
    """What is being made, for whom; then that it was made, or why it failed."""
    for job in jobs.values():
        if job.state == "making":
            st.caption(f":material/hourglass_top: {job.making}")
        elif job.state == "failed":
            st.error(job.error, icon=":material/error:")
        elif job.state == "made":
            st.success(job.made, icon=":material/check_circle:")


progress()
