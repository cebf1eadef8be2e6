"""Báo cáo của xã: a commune's reporter enters the round's figures (one row per indicator asked,
last year's beside, the rate as they type, every rule of an imported row said at its field),
saves a draft, comes back, submits, and attaches its signed report (PDF or Word, replaced
while a draft, read-only once submitted); a submitted report is read-only until the province
returns it. An admin may open any commune's form."""

from __future__ import annotations

import streamlit as st

from dashboard import access, data, ui
from dashboard.i18n import ind_label, lang, t
from metrics.escaping import markdown_literal
from metrics.fmt import fmt_date, fmt_datetime, fmt_int, fmt_pct
from metrics.inputs.forms import HEADER_LABEL
from metrics.inputs.round_form import check_report, form_columns, texts_of
from metrics.inputs.signed_report import (
    EXTENSIONS,
    MAX_ATTACHMENT_MB,
    AttachmentRefused,
    check_signed_report,
    too_large,
)
from metrics.rounds import (
    EDITABLE,
    STATE_LABELS,
    Attached,
    Saved,
    attach_report,
    days_left,
    history_rows,
    rate,
    save_report,
)
from metrics.texts import text

PAGE = "report"
key = ui.store_key()
ui.banner(key)
st.title(t("report_title"))

who = access.principal()
if who is None or who.role not in ("reporter", "admin"):
    st.info(t("report_for_reporters"), icon=":material/lock:")
    if who is None:
        access.sign_in_choices(access.accounts())
    st.stop()
assert who is not None  # st.stop() ended the run otherwise
me = who  # narrowed, for the writes below (closures do not keep the narrowing)

# --- Which commune and round --------------------------------------------------------------------
if who.role == "reporter":
    code = str(who.unit)
else:
    provinces = data.provinces(key)
    p_ids = provinces["id"].to_list()
    p_names = dict(zip(p_ids, provinces["name"].to_list(), strict=True))
    pid = st.selectbox(
        t("round_province"), p_ids, format_func=ui.typeable(p_names), key=f"{PAGE}__p"
    )
    communes = data.communes(key, pid)
    c_names = dict(zip(communes["code"].to_list(), communes["name"].to_list(), strict=True))
    code = st.selectbox(
        t("report_commune"), list(c_names), format_func=ui.typeable(c_names), key=f"{PAGE}__c"
    )
place = data.locality(key, f"X{code}")
if place is None:
    st.error(t("report_unknown_commune", code=code), icon=":material/error:")
    st.stop()
years = data.round_years(key, place["province_id"])
if not years:
    st.info(t("report_no_round", province=place["province_name"]), icon=":material/event_busy:")
    st.stop()
year = st.selectbox(t("round_year"), years, key=f"{PAGE}__year") if len(years) > 1 else years[0]
view = data.report_view(key, code, year)
report = view["report"] or {}
state = report.get("state", "not_started")
deadline = view["round"]["deadline"]
left = days_left(deadline)

st.subheader(f"{place['name']} — {t('report_year', year=year)}")
st.markdown(
    f"**{STATE_LABELS[lang()][state]}** · "
    + (
        t("round_days_left", date=f"{fmt_date(deadline)}", days=left)
        if left >= 0
        else t("round_overdue", date=f"{fmt_date(deadline)}", days=-left)
    )
)
if view["round"]["note"]:
    st.caption(t("round_note", note=markdown_literal(view["round"]["note"])))
if state == "returned":
    st.warning(
        t(
            "report_returned",
            by=markdown_literal(report["reviewed_by"]),
            reason=markdown_literal(report["reason"] or ""),
        ),
        icon=":material/undo:",
    )
elif state == "submitted":
    st.info(
        t("report_submitted", at=f"{fmt_datetime(report['submitted_at'])}"),
        icon=":material/hourglass_top:",
    )
elif state == "approved":
    st.success(
        t("report_approved", by=markdown_literal(report["reviewed_by"]), batch=report["batch_id"])
        if report["batch_id"] is not None
        else t("report_approved_import_newer", by=markdown_literal(report["reviewed_by"])),
        icon=":material/verified:",
    )

# --- The form -----------------------------------------------------------------------------------
editable = state in EDITABLE
# The revision the form was opened at: a save from an older one (another tab, a double click)
# is refused by the store, never written over a newer report.
rev_key = f"{PAGE}__rev_{code}_{year}"
revision = int(report.get("revision", 0))
if not editable or rev_key not in st.session_state:
    st.session_state[rev_key] = revision
stored = texts_of(view["figures"])
entered: dict[str, dict[str, str]] = {}
typed_check = None
for ind in view["indicators"]:
    with st.container(border=True):
        st.markdown(f"**{ind_label(ind)}**")
        before = view["last_year"].get(ind)
        if before:
            st.caption(
                t(
                    "report_last_year",
                    year=year - 1,
                    total=fmt_int(before.get("total"), lang=lang()),
                    recognized=fmt_int(before.get("recognized"), lang=lang()),
                    rate=fmt_pct(rate(before), lang=lang()),
                )
            )
        columns = form_columns(ind)
        cells = st.columns(len(columns))
        values: dict[str, str] = {}
        for cell, col in zip(cells, columns, strict=True):
            values[col] = cell.text_input(
                HEADER_LABEL[col],
                value=stored.get(ind, {}).get(col, ""),
                key=f"{PAGE}__{code}_{year}_{state if not editable else 'edit'}_{ind}_{col}",
                disabled=not editable,
            )
        entered[ind] = values
        # The rules of an imported row, on what is typed now: each fault at its field.
        one = check_report([ind], {ind: values}, complete=False)
        for cell, col in zip(cells, columns, strict=True):
            message = one.faults.get(ind, {}).get(col)
            if message:
                cell.error(markdown_literal(message), icon=":material/error:")
        counts = one.figures.get(ind)
        shown_rate = rate(counts) if counts and not one.faults else None
        st.caption(t("report_rate", rate=fmt_pct(shown_rate, lang=lang())))

if editable:
    draft_check = check_report(view["indicators"], entered, complete=False)
    c1, c2 = st.columns(2)
    save = c1.button(t("report_save"), key=f"{PAGE}__save", disabled=not draft_check.ok)
    submit = c2.button(
        t("report_submit"), key=f"{PAGE}__submit", type="primary", disabled=not draft_check.ok
    )
    if not draft_check.ok:
        st.caption(t("report_fix_first"))
    if save or submit:
        if submit:
            full = check_report(view["indicators"], entered, complete=True)
            if not full.ok:
                st.error(
                    t("report_incomplete")
                    + "\n\n"
                    + "\n".join(f"- {markdown_literal(m)}" for m in full.messages()),
                    icon=":material/error:",
                )
                st.stop()
        opened_at = st.session_state[rev_key]
        result = data.round_write(
            key,
            text("round_role_submit", "vi") if submit else text("round_role_save", "vi"),
            lambda con: save_report(
                con, me, code, year, entered, submit=bool(submit), revision=opened_at
            ),
        )
        if isinstance(result, Saved):
            st.session_state[rev_key] = result.revision
            st.session_state[f"{PAGE}__done"] = (
                t("report_done_submit", revision=result.revision)
                if submit
                else t("report_done_save", revision=result.revision)
            )
            st.rerun()
        st.error(markdown_literal(str(result)), icon=":material/error:")
done = st.session_state.pop(f"{PAGE}__done", None)
if done:
    st.success(done, icon=":material/check_circle:")

# --- The signed report ----------------------------------------------------------------------------
st.markdown(f"**{t('report_attach_heading')}**")
attached = view["attachment"]
ui.attachment(key, me, code, year, attached, f"{PAGE}__attachment")
if editable:
    st.caption(t("report_attach_help", mb=MAX_ATTACHMENT_MB))
    uploads = st.session_state.get(f"{PAGE}__uploads", 0)
    ui.upload_limit(f"{PAGE}__attach_{uploads}", MAX_ATTACHMENT_MB)
    upload = st.file_uploader(
        t("report_attach_label", mb=MAX_ATTACHMENT_MB),
        type=list(EXTENSIONS),
        max_upload_size=MAX_ATTACHMENT_MB,  # the browser refuses a larger file before sending it
        key=f"{PAGE}__attach_{uploads}",  # a new key empties it after a file is attached
    )
    if upload is not None and st.button(
        t("report_attach_replace") if attached else t("report_attach_button"),
        key=f"{PAGE}__attach_go",
        type="primary",
    ):
        try:
            refusal = too_large(upload.name, upload.size)  # before its bytes are read
            if refusal:
                raise AttachmentRefused(refusal)
            signed = check_signed_report(upload.name, upload.getvalue())
        except AttachmentRefused as exc:
            st.error(markdown_literal(str(exc)), icon=":material/error:")
        else:
            outcome = data.round_write(
                key,
                text("round_role_attach", "vi"),
                lambda con: attach_report(con, me, code, year, signed),
            )
            if isinstance(outcome, Attached):
                st.session_state[rev_key] = outcome.revision
                st.session_state[f"{PAGE}__uploads"] = uploads + 1
                st.session_state[f"{PAGE}__attached"] = t(
                    "report_attach_done", name=outcome.file_name, revision=outcome.revision
                )
                st.rerun()
            st.error(markdown_literal(str(outcome)), icon=":material/error:")
elif attached:
    st.caption(t("report_attach_locked"))
attached_now = st.session_state.pop(f"{PAGE}__attached", None)
if attached_now:
    st.success(markdown_literal(attached_now), icon=":material/attach_file:")

name, content = data.round_template(key, code, year)
st.download_button(
    t("report_template"),
    data=content,
    file_name=name,
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key=f"{PAGE}__tpl",
    on_click="ignore",
)
events = data.report_events(key, place["id"], year)
if events.height:
    with st.expander(t("report_history")):
        ui.text_table(history_rows(events, lang()))
