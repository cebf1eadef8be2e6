"""Phương pháp: what each indicator counts, the national targets and their legal sources, how
rates are aggregated and how progress is judged."""

from __future__ import annotations

import streamlit as st

from dashboard import ui
from dashboard.i18n import lang, t
from metrics import progress as pm
from metrics.fmt import fmt_num, fmt_pct
from metrics.indicators import registry
from metrics.method_doc import method_text
from metrics.progress import STATUS_STYLE, Status

key = ui.store_key()
ui.banner(key)
st.title(t("method_title"))
reg = registry()

st.header(t("method_indicators_heading"))
# Tables of words, drawn as text (ui.text_table): the legal sources are read whole.
ui.text_table(
    [
        {
            t("method_col_indicator"): i.label(lang()),
            t("method_col_numerator"): i.numerator(lang()),
            t("method_col_denominator"): i.denominator(lang()),
            t("method_col_basis"): i.basis(lang()),
            t("method_col_levels"): ", ".join(reg.level_label(x, lang()) for x in i.levels) or "–",
        }
        for i in reg.ordered()
    ]
)

st.header(t("method_national_targets_heading"))
ui.text_table(
    [
        {
            t("method_col_indicator"): i.label(lang()),
            t("method_col_year"): str(nt.year),
            t("method_col_target"): fmt_pct(nt.percent, lang=lang()),
            t("method_col_confirmed"): t("method_confirmed_yes")
            if nt.confirmed
            else t("method_confirmed_no"),
            t("method_col_source"): nt.source,
        }
        for i in reg.ordered()
        for nt in i.national_target
    ]
)
# The method itself is written once, in docs/method.md (and its English twin), and shown here.
st.markdown(method_text(lang()))

st.subheader(t("method_statuses_heading"))
# Vietnamese writes the thresholds with a decimal comma (0,95), English as Python prints them (0.95).
ratios = {
    "on_track": fmt_num(pm.ON_TRACK_RATIO, 2, lang=lang()),
    "on_track_raw": pm.ON_TRACK_RATIO,
    "too_slow": fmt_num(pm.TOO_SLOW_RATIO, 2, lang=lang()),
    "too_slow_raw": pm.TOO_SLOW_RATIO,
}
thresholds = {
    Status.TARGET_MET: t("method_rule_target_met"),
    Status.ON_TRACK: t("method_rule_on_track", **ratios),
    Status.TOO_SLOW: t("method_rule_too_slow", **ratios),
    Status.LIMITED: t("method_rule_limited", **ratios),
    Status.FALLING: t("method_rule_falling"),
    Status.TARGET_MISSED: t("method_rule_target_missed"),
    Status.NOT_ASSESSABLE: t("method_rule_not_assessable"),
    Status.NO_TARGET: t("method_rule_no_target"),
    Status.NOT_REPORTED: t("method_rule_not_reported"),
}
for s in Status.ordered():
    style = STATUS_STYLE[s]
    label = s.label(lang())
    st.markdown(
        f"<span style='color:{style.colour};font-weight:600'>{style.symbol} {label}</span> — {thresholds[s]}",
        unsafe_allow_html=True,
    )
st.caption(t("method_colours_note"))

st.header(t("method_synthetic_heading"))
st.markdown(t("method_synthetic_body"))
