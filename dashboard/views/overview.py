"""Tổng quan: the country or one province in one year — a card per indicator, a chart over
time, how many children stand in each status, and a map."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import data, ui
from dashboard.i18n import ind_label, lang, scope_text, status_badge, t
from metrics.completeness import partial_text
from metrics.completeness import text_column as completeness_texts
from metrics.escaping import html_literal, markdown_literal
from metrics.figures.comparison import status_map
from metrics.figures.counts import status_bar
from metrics.figures.progress_chart import progress_chart
from metrics.fmt import fmt_int, fmt_num, fmt_pct, fmt_points
from metrics.indicators import registry
from metrics.lagging import lagging_children
from metrics.locality_progress import IndicatorProgress, needing_attention
from metrics.normalise import file_stem
from metrics.progress import Status
from metrics.progress_summary import communes_reporting
from metrics.store.schema import COUNTRY_ID
from metrics.table_columns import shown_table
from metrics.texts import pace_words

PAGE = "overview"
CARDS_STYLE = """<style>
.xhht-cards { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 1rem;
  margin-bottom: 0.5rem; }
@media (max-width: 640px) { .xhht-cards { grid-template-columns: minmax(0, 1fr); } }
.xhht-card { border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem; padding: 1rem;
  display: flex; flex-direction: column; gap: 0.35rem; }
.xhht-card .name { font-weight: 600; text-decoration: underline dotted rgba(49, 51, 63, 0.4);
  text-underline-offset: 0.2em; }
.xhht-card .rate { font-size: 2.25rem; line-height: 1.2; }
.xhht-card .delta { font-size: 0.875rem; }
.xhht-card .delta.up { color: #177245; }
.xhht-card .delta.down { color: #b3261e; }
.xhht-card .delta.flat { color: rgba(49, 51, 63, 0.6); }
.xhht-card .small { font-size: 0.875rem; color: rgba(49, 51, 63, 0.6); }
</style>"""
key = ui.store_key()
ui.banner(key)
st.title(t("overview_title"))

names = ui.area_names(key)
years = sorted(data.years(key), reverse=True)
c1, c2 = st.columns([3, 1])
with c1:
    loc = ui.pick_area(names, page=PAGE, default=COUNTRY_ID)
with c2:
    year = ui.pick("year", t("year"), years, default=years[0] if years else None, page=PAGE)
if year is None:
    st.info(t("no_data_any", name=names.get(loc, loc)))
    st.stop()

items = data.progress(key, loc, year)
is_country = data.is_country(loc)
child_word = t("children_provinces") if is_country else t("children_communes")
synthetic = data.has_synthetic(key)

# Completeness: how many communes reported this year ("4/96 xã chưa báo cáo"); while the
# province runs a reporting round, where its communes' reports stand.
with_data = [p for p in items if p.has_data]
standing = data.round_standing(key, loc, year)
if standing is not None:
    msg = standing.sentence(lang())
    if standing.waiting:
        msg += " " + t("overview_round_waiting", waiting=fmt_int(standing.waiting, lang=lang()))
    if standing.complete:
        st.caption(msg)
    else:
        st.warning(msg, icon=":material/assignment_late:")
if not with_data:
    st.info(t("no_data_year", year=year) + f" — {names[loc]}.")
elif (
    standing is None and (reporting := communes_reporting(items)) and reporting.reported is not None
):
    if reporting.missing > 0:
        msg = t(
            "overview_missing_reports",
            missing=fmt_int(reporting.missing, lang=lang()),
            total=fmt_int(reporting.in_area, lang=lang()),
            year=year,
        )
        st.warning(msg, icon=":material/assignment_late:")
    else:
        st.caption(
            t(
                "overview_complete",
                reported=fmt_int(reporting.reported, lang=lang()),
                total=fmt_int(reporting.in_area, lang=lang()),
                year=year,
            )
        )

# What needs attention comes first: on a phone the cards stack, a screen or more each.
if attention := needing_attention(items):
    with st.container(border=True):
        st.markdown(f"**{t('attention_heading', n=len(attention), year=year)}**")
        st.markdown(
            "\n".join(
                "- "
                + t(
                    "attention_line",
                    indicator=ind_label(p.indicator),
                    rate=fmt_pct(p.rate_pct, lang=lang()),
                    status=Status(p.status).label_for(p.target_year, lang(), symbol=True),
                )
                + (
                    f" ({t('attention_plan', plan=fmt_num(p.plan_pct, 0, lang=lang()))})"
                    if p.plan_pct is not None
                    else ""
                )
                for p in attention
            )
        )

st.subheader(t("cards_heading", year=year))
reg = registry()
# A card for each indicator with a figure that year; the others are named once, below.
cards = [p for p in items if p.has_data]
# The leader's question on the card itself: the targets still ahead (2026, 2030) and the gap.
ahead = data.targets_ahead(key, loc, year)


def _card(p: IndicatorProgress) -> str:
    """One indicator's card as HTML: its name (what it counts, on hover), the rate and its
    change on last year, the counts, the target and the share of plan reached, the verdict, and
    the targets ahead with their gaps. Words from the catalogue carry their **bold**; a
    target's source (a file's words) is escaped."""
    ind = reg.by_id(p.indicator)
    parts = [
        f'<div class="name" title="{html_literal(f"{ind.numerator(lang())} / {ind.denominator(lang())}")}">'
        f"{html_literal(ind_label(p.indicator))}</div>",
        f'<div class="rate">{html_literal(fmt_pct(p.rate_pct, lang=lang()))}</div>',
    ]
    if p.change_pp is not None:
        pp = fmt_points(p.change_pp, lang=lang())
        way = "up" if pp.startswith("+") else "down" if pp.startswith("−") else "flat"
        arrow = {"up": "▲", "down": "▼", "flat": "▶"}[way]
        parts.append(
            f'<div class="delta {way}">{arrow} '
            f"{ui.catalogue_html(t('overview_delta', pp=pp, previous=year - 1))}</div>"
        )
    parts.append(
        '<div class="small">'
        + html_literal(
            f"{fmt_int(p.recognized, lang=lang())}/{fmt_int(p.total, lang=lang())} {ind.count_unit(lang())}"
        )
        + "</div>"
    )
    if p.partial_note:  # "chưa đủ: 1/23 huyện cũ báo cáo"
        parts.append(
            '<div class="small">⚠ '
            + html_literal(partial_text(p.reporting_units, p.units_in_area, p.unit_level, lang()))
            + "</div>"
        )
    if p.target_pct is not None:
        unconfirmed = "" if p.target_confirmed else t("target_unconfirmed")
        target = t(
            "overview_target",
            year=p.target_year,
            pct=fmt_pct(p.target_pct, lang=lang()),
            scope=scope_text(p.target_scope),
        )
        parts.append(
            f'<div title="{html_literal(f"{p.target_source}{unconfirmed}")}">'
            f"{ui.catalogue_html(target)}</div>"
        )
        parts.append(
            f"<div>{ui.catalogue_html(t('overview_plan', pct=fmt_num(p.plan_pct, 0, lang=lang())))}</div>"
        )
    else:
        parts.append(f'<div class="small">{html_literal(t("overview_no_pct_target"))}</div>')
    parts.append(f"<div>{status_badge(p.status, p.target_year)}</div>")
    if later_met := ui.later_target_text(p):
        parts.append(f'<div class="small">{html_literal(later_met)}</div>')
    later = ahead.filter(pl.col("indicator") == p.indicator)
    if later.height:
        parts.append(
            '<div class="small">'
            + html_literal(
                " · ".join(
                    t(
                        "overview_ahead_met",
                        year=r["target_year"],
                        pct=fmt_pct(r["target_pct"], lang=lang()),
                    )
                    if (r["gap_pp"] or 0) <= 0
                    else t(
                        "overview_ahead_gap",
                        year=r["target_year"],
                        pct=fmt_pct(r["target_pct"], lang=lang()),
                        gap=fmt_points(r["gap_pp"], signed=False, lang=lang()),
                    )
                    for r in later.iter_rows(named=True)
                )
            )
            + "</div>"
        )
    return f'<div class="xhht-card">{"".join(parts)}</div>'


# One HTML block for all the cards (a few dozen Streamlit elements each drew and laid out was
# most of the page's time in the browser). Row by row, three to a row at 1440 px; on a phone
# they stack in the same order.
if cards:
    st.html(CARDS_STYLE + f'<div class="xhht-cards">{"".join(map(_card, cards))}</div>')
if without := [ind_label(p.indicator) for p in items if not p.has_data]:
    st.caption(t("cards_left_out", year=year, names=", ".join(without)))

st.divider()
st.subheader(t("chart_heading"))
chartable = [p.indicator for p in items]
ind_id = ui.pick(
    "ind",
    t("choose_indicator_chart"),
    chartable,
    format_func=ind_label,
    default="gia_dinh",
    page=PAGE,
)
item = next(p for p in items if p.indicator == ind_id)
series = data.series(key, loc, ind_id)
tg = data.targets(key, loc).filter(pl.col("indicator") == ind_id)
if series.height == 0:
    st.info(t("no_data_any", name=f"{ind_label(ind_id)} — {names[loc]}"))
else:
    fig = ui.figure(progress_chart, series, item, tg, synthetic=item.synthetic, lang=lang())
    table = shown_table(
        series.with_columns(completeness_texts(series, lang=lang()).alias("completeness")),
        ["year", "total", "recognized", "rate_pct", "completeness"],
        lang(),
    )
    ui.chart(fig, table, file_stem(ind_id, names[loc], year), key="ov_progress")
    if item.required_pp_per_year:
        st.caption(
            t(
                "profile_pace_to_target",
                pace=pace_words(item.required_pp_per_year, lang()),
                year=item.target_year,
            )
        )

children = ui.children_with_pending(
    key, loc, year, ind_id, "overview", offered=data.is_province(loc)
)
if children.height:
    # Which units lag on the chosen indicator (the report draft names the same ones).
    lag = lagging_children(children, ind_id)
    weakest, falling, silent = lag.weakest, lag.falling, lag.silent
    st.subheader(t("lagging_heading", children=child_word, indicator=ind_label(ind_id)))
    if weakest.height:
        st.markdown(
            t("lagging_weakest", n=weakest.height)
            + ", ".join(
                f"{markdown_literal(r['short_name'])} ({fmt_pct(r['rate_pct'], lang=lang())}, "
                f"{t('plan_short', plan=fmt_num(r['plan_pct'], 0, lang=lang()))})"
                for r in weakest.iter_rows(named=True)
            )
        )
    st.markdown(
        t("lagging_falling", n=falling.height)
        + (", ".join(map(markdown_literal, falling["short_name"].to_list())) or "–")
    )
    st.markdown(
        t("lagging_silent", n=len(silent), year=year)
        + (", ".join(map(markdown_literal, silent)) or "–")
    )
    left, right = st.columns([2, 3])
    with left:
        st.subheader(t("status_heading", children=child_word))
        counts = data.status_counts(children, ind_id)
        sfig = ui.figure(status_bar, counts, title=f"{ind_label(ind_id)}, {year}", lang=lang())
        stable = shown_table(
            pl.DataFrame(
                {
                    "status_label": [Status(s).label(lang(), symbol=True) for s in counts],
                    "count": list(counts.values()),
                }
            ),
            ["status_label", "count"],
            lang(),
        )
        picked = ui.chart(
            sfig,
            stable,
            file_stem("trang_thai", ind_id, names[loc], year),
            key="ov_status",
            on_select="rerun",
        )
        # A bar opens So sánh with that status filtered: the units behind the count.
        points = (picked or {}).get("selection", {}).get("points", [])
        if points and points[0].get("customdata"):
            st.switch_page(
                "views/compare.py",
                query_params={
                    "loc": loc,
                    "year": str(year),
                    "ind": ind_id,
                    "status": points[0]["customdata"][0],
                },
            )
        st.caption(t("status_bar_hint"))
    with right:
        st.subheader(t("map_heading_country") if is_country else t("map_heading"))
        mfig = ui.figure(
            status_map,
            children,
            indicator=ind_id,
            locality_name=names[loc],
            synthetic=synthetic,
            lang=lang(),
            children_are="provinces" if is_country else "communes",
        )
        mtable = shown_table(
            children.filter(pl.col("indicator") == ind_id).with_columns(
                pl.col("status")
                .replace_strict({s.value: s.label(lang(), symbol=True) for s in Status})
                .alias("status_label")
            ),
            ["locality_code", "short_name", "rate_pct", "status_label", "partial_note"],
            lang(),
        )
        ui.chart(mfig, mtable, file_stem("ban_do", ind_id, names[loc], year), key="ov_map")
