"""Duyệt báo cáo: a province's reviewer opens the year's round, sees every commune's state (counts
per state, days to the deadline, a filter by state), opens a submission beside last year with
large changes flagged and its signed report to download, approves one or many (each written as
one batch) or returns one with a reason the commune sees, and downloads the communes not yet
submitted for the reminder calls."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import streamlit as st

from dashboard import access, data, ui
from dashboard.i18n import ind_label, ind_labels, lang, t
from metrics.escaping import markdown_literal
from metrics.fmt import DATETIME_FORMAT, fmt_date, fmt_int, fmt_pct
from metrics.rounds import (
    STATE_LABELS,
    STATES,
    commune_indicators,
    completeness_line,
    days_left,
    history_rows,
    open_round,
    review,
    reviewable_provinces,
    source_note,
    state_counts,
    with_source_notes,
)
from metrics.texts import text

PAGE = "review"
key = ui.store_key()
ui.banner(key)
st.title(t("review_title"))

who = access.principal()
allowed = reviewable_provinces(who)
if who is None or allowed == []:
    st.info(t("review_for_reviewers"), icon=":material/lock:")
    if who is None:
        access.sign_in_choices(access.accounts())
    st.stop()
assert who is not None  # st.stop() ended the run otherwise
me = who  # narrowed, for the writes below (closures do not keep the narrowing)

provinces = data.provinces(key)
if allowed is not None:
    provinces = provinces.filter(pl.col("code").is_in(allowed))
p_ids = provinces["id"].to_list()
p_names = dict(zip(p_ids, provinces["name"].to_list(), strict=True))
p_codes = dict(zip(p_ids, provinces["code"].to_list(), strict=True))
pid = (
    st.selectbox(t("round_province"), p_ids, format_func=ui.typeable(p_names), key=f"{PAGE}__p")
    if len(p_ids) > 1
    else p_ids[0]
)
pcode = p_codes[pid]
years = data.round_years(key, pid)
labels = STATE_LABELS[lang()]


def round_settings(year: int | None, current: dict | None) -> None:
    """The form that opens a round (or changes an open one's deadline, indicators, note)."""
    all_ids = commune_indicators()
    names = ind_labels()
    with st.form(f"{PAGE}__open_{year}"):
        new_year = year or st.number_input(
            t("round_year"), 2015, 2030, value=date.today().year - 1, key=f"{PAGE}__new_year"
        )
        deadline = st.date_input(
            t("round_deadline"),
            value=current["deadline"] if current else date.today() + timedelta(days=30),
            format="DD/MM/YYYY",
        )
        asked = st.multiselect(
            t("round_indicators"),
            all_ids,
            default=current["indicators"].split(",") if current else all_ids,
            format_func=names.__getitem__,
        )
        note = st.text_input(t("round_note_label"), value=(current or {}).get("note") or "")
        if st.form_submit_button(t("round_open") if current is None else t("round_change")):
            result = data.round_write(
                key,
                text("round_role_open", "vi"),
                lambda con: open_round(
                    con, me, pcode, int(new_year), deadline, asked or None, note
                ),
            )
            if isinstance(result, str):
                st.error(markdown_literal(result), icon=":material/error:")
            else:
                st.session_state[f"{PAGE}__year"] = int(new_year)
                st.rerun()


if not years:
    st.info(t("review_no_round", province=p_names[pid]), icon=":material/event_busy:")
    round_settings(None, None)
    st.stop()
year = st.selectbox(t("round_year"), years, key=f"{PAGE}__year")
found, states = data.round_status(key, pcode, year)
with st.expander(t("review_settings")):
    round_settings(year, found)
    if st.checkbox(t("review_open_other"), key=f"{PAGE}__other"):
        round_settings(None, None)

# --- Where the round stands -----------------------------------------------------------------------
counts = state_counts(states)
left = days_left(found["deadline"])
deadline_text = (
    t("round_days_left", date=f"{fmt_date(found['deadline'])}", days=left)
    if left >= 0
    else t("round_overdue", date=f"{fmt_date(found['deadline'])}", days=-left)
)
st.markdown(f"**{markdown_literal(completeness_line(counts, lang()))}** · {deadline_text}")
cells = st.columns(len(STATES))
for cell, s in zip(cells, STATES, strict=True):
    cell.metric(labels[s], fmt_int(counts[s], lang=lang()))

shown_states = st.multiselect(
    t("review_filter"),
    list(STATES),
    default=list(STATES),
    format_func=labels.__getitem__,
    key=f"{PAGE}__filter",
)


def when(col: str) -> pl.Expr:
    return pl.col(col).dt.strftime(DATETIME_FORMAT)


table = with_source_notes(states.filter(pl.col("state").is_in(shown_states)), lang()).select(
    pl.col("code").alias(t("round_col_code")),
    pl.col("name").alias(t("round_col_name")),
    pl.col("state").replace_strict(labels).alias(t("round_col_state")),
    when("submitted_at").alias(t("round_col_submitted")),
    pl.col("submitted_by").alias(t("round_col_submitted_by")),
    when("reviewed_at").alias(t("round_col_reviewed")),
    pl.col("reviewed_by").alias(t("round_col_reviewed_by")),
    pl.col("reason").alias(t("round_col_reason")),
    pl.col("source").alias(t("round_col_source")),
)
st.dataframe(table, hide_index=True, placeholder="–")
missing = states.filter(pl.col("state").is_in(["not_started", "draft", "returned"])).select(
    pl.col("code").alias(text("round_col_code", "vi")),
    pl.col("name").alias(text("unit_type_xa", "vi")),
    pl.col("state").replace_strict(STATE_LABELS["vi"]).alias(text("round_col_state", "vi")),
    pl.col("updated_by").alias(text("review_missing_col_updated_by", "vi")),
    when("updated_at").alias(text("review_missing_col_saved", "vi")),
)
st.download_button(
    t("review_download_missing", n=missing.height),
    data=data.table_xlsx(missing, text("review_missing_sheet", "vi", year=year)),
    file_name=f"Xa_chua_nop_{pcode}_{year}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key=f"{PAGE}__missing",
    on_click="ignore",
    disabled=missing.height == 0,
)

# --- Approving many at once -----------------------------------------------------------------------
waiting = states.filter(pl.col("state") == "submitted")
names = dict(zip(states["code"].to_list(), states["name"].to_list(), strict=True))
st.subheader(t("review_waiting", n=waiting.height))


def act(codes: list[str], approve: bool, reason: str | None = None) -> None:
    result = data.round_write(
        key,
        text("round_role_approve", "vi") if approve else text("round_role_return", "vi"),
        lambda con: review(con, me, pcode, year, codes, approve=approve, reason=reason),
    )
    if isinstance(result, str):
        st.session_state[f"{PAGE}__error"] = result
    else:
        names_done = ", ".join(r.name for r in result)
        st.session_state[f"{PAGE}__done"] = (
            t("review_done_approve", n=len(result), names=names_done)
            if approve
            else t("review_done_return", names=names_done)
        )
    st.rerun()


if waiting.height:
    chosen = st.multiselect(
        t("review_pick_many"),
        waiting["code"].to_list(),
        format_func=names.__getitem__,
        key=f"{PAGE}__many",
    )
    if st.button(
        t("review_approve_many", n=len(chosen)), key=f"{PAGE}__approve_many", disabled=not chosen
    ):
        act(chosen, approve=True)
for slot, kind in ((f"{PAGE}__error", "error"), (f"{PAGE}__done", "success")):
    message = st.session_state.pop(slot, None)
    if message:
        (st.error if kind == "error" else st.success)(markdown_literal(message))

# --- One submission beside last year --------------------------------------------------------------
st.subheader(t("review_one"))
codes = states.filter(pl.col("state") != "not_started")["code"].to_list()
if not codes:
    st.caption(t("review_nothing_yet"))
    st.stop()
default = waiting["code"].to_list()[:1] or codes[:1]
code = st.selectbox(
    t("report_commune"),
    codes,
    index=codes.index(default[0]),
    format_func=lambda c: f"{names[c]} — {labels[states.filter(pl.col('code') == c)['state'][0]]}",
    key=f"{PAGE}__one",
)
view = data.report_view(key, code, year)
compared, note = data.report_review(key, code, year, lang())
newer = source_note(states.filter(pl.col("code") == code).row(0, named=True), lang())
if newer:
    st.warning(markdown_literal(newer), icon=":material/difference:")
if note:
    st.info(markdown_literal(note), icon=":material/info:")
flagged = compared.filter(pl.col("flag") != "")
if flagged.height:
    st.warning(t("review_flagged", n=flagged.height), icon=":material/flag:")
ui.text_table(
    [
        {
            t("round_col_indicator"): ind_label(r["indicator"]),
            t("review_col_before", year=year - 1): (
                f"{fmt_int(r['recognized_before'], lang=lang())}/{fmt_int(r['total_before'], lang=lang())} "
                f"({fmt_pct(r['rate_before'], lang=lang())})"
            ),
            t("review_col_now", year=year): (
                f"{fmt_int(r['recognized'], lang=lang())}/{fmt_int(r['total'], lang=lang())} ({fmt_pct(r['rate'], lang=lang())})"
            ),
            t("review_col_flag"): ("⚠ " + r["flag"]) if r["flag"] else "",
        }
        for r in compared.iter_rows(named=True)
    ]
)
attached = view["attachment"]
ui.attachment(key, me, code, year, attached, f"{PAGE}__attachment_{code}")
report = view["report"] or {}
if report.get("state") == "submitted":
    if st.button(t("review_approve_one", name=names[code]), key=f"{PAGE}__approve", type="primary"):
        act([code], approve=True)
    reason = st.text_area(t("review_reason"), key=f"{PAGE}__reason", max_chars=500)
    if st.button(t("review_return"), key=f"{PAGE}__return"):
        act([code], approve=False, reason=reason)
events = data.report_events(key, f"X{code}", year)
if events.height:
    with st.expander(t("report_history")):
        ui.text_table(history_rows(events, lang()))
