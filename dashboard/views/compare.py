"""So sánh xã: the communes of a province (or the provinces of the country) side by side —
ranked on one indicator, a heat map over all indicators, and a start→end table."""

from __future__ import annotations

import functools
from typing import Any

import polars as pl
import streamlit as st

from dashboard import data, ui
from dashboard.i18n import ind_label, ind_labels, lang, t, unit_type, unit_types
from metrics.completeness import RANK_MIN_PCT, in_ranking_order, units_text
from metrics.escaping import markdown_literal
from metrics.figures.comparison import heatmap, ranked_bar, shows_ends
from metrics.figures.ranking_html import ranking_html
from metrics.fmt import fmt_int
from metrics.normalise import file_stem
from metrics.outputs.cell_safety import csv_bytes
from metrics.progress import Status
from metrics.table_columns import FIELDS, Kind, shown_table

PAGE = "compare"
RANKING_ENDS = 15  # a long ranking's chart shows its 15 highest and 15 lowest
key = ui.store_key()
ui.banner(key)

names = ui.area_names(key)
years = sorted(data.years(key), reverse=True)
c1, c2, c3 = st.columns([2, 2, 1])
with c1:
    loc = ui.pick_area(names, page=PAGE)
with c2:
    ind_id = ui.pick(
        "ind",
        t("indicator"),
        data.indicator_ids(),
        format_func=ind_label,
        default="gia_dinh",
        page=PAGE,
    )
with c3:
    year = ui.pick("year", t("year"), years, default=years[0] if years else None, page=PAGE)
is_country = data.is_country(loc)
st.title(f"{t('compare_title_country') if is_country else t('compare_title')} — {names[loc]}")
synthetic = data.has_synthetic(key)

children = (
    ui.children_with_pending(key, loc, year, ind_id, PAGE, offered=not is_country)
    if year is not None
    else pl.DataFrame()
)
if children.height == 0:
    st.info(t("no_data_any", name=names[loc]))
    st.stop()

one = children.filter(pl.col("indicator") == ind_id)
# The filters are pills, one click each, every option in view: Streamlit's multiselects were a
# fifth of this page's first view in the browser (~70 ms of ~300, bench/browser_views.py). They
# offer what the units shown have (a status, a type), and what is chosen already.
f1, f2 = st.columns([3, 1])
# Arriving from a status bar on Tổng quan (?status=…): that status is the filter, once.
if (wanted := st.query_params.get("status")) in {s.value for s in Status}:
    st.session_state[f"{PAGE}__status"] = [wanted]
    del st.query_params["status"]


def _offered(values: list[str], key: str, order: list[str] | None = None) -> list[str]:
    """The values the units have, with those chosen already (a filter kept from another
    choice of area or year), in `order` (else sorted)."""
    have = set(values) | set(st.session_state.get(key) or [])
    return [v for v in order if v in have] if order is not None else sorted(have)


chosen_status = f1.pills(
    t("status_filter"),
    _offered(one["status"].to_list(), f"{PAGE}__status", order=[s.value for s in Status.ordered()]),
    selection_mode="multi",
    format_func=lambda s: Status(s).label(lang(), symbol=True),
    key=f"{PAGE}__status",
)
chosen_types = f2.pills(
    t("type_filter"),
    _offered(one["unit_type"].drop_nulls().to_list(), f"{PAGE}__types"),
    selection_mode="multi",
    format_func=unit_type,
    key=f"{PAGE}__types",
)
keep = one
if chosen_status:
    keep = keep.filter(pl.col("status").is_in(chosen_status))
if chosen_types:
    keep = keep.filter(pl.col("unit_type").is_in(chosen_types))
keep_ids = keep["locality_id"].to_list()

# A click on a bar highlights that commune (the chart keeps its selection under its key).
clicked = None
sel = st.session_state.get(f"{PAGE}__rank_chart")
if sel and sel.get("selection", {}).get("points"):
    cd = sel["selection"]["points"][0].get("customdata")
    if cd:
        clicked = cd[0]
child_names = dict(zip(one["locality_id"], one["short_name"], strict=True))
hl_options = ["", *one.sort("short_name")["locality_id"].to_list()]
if clicked in child_names and st.session_state.get(f"{PAGE}__last_click") != clicked:
    st.session_state[f"{PAGE}__last_click"] = clicked
    st.session_state[f"{PAGE}__hl"] = clicked
h1, h2 = st.columns([2, 3], vertical_alignment="bottom")
with h1:
    hl = ui.pick(
        "hl",
        t("highlight_province") if is_country else t("highlight_commune"),
        hl_options,
        format_func=ui.typeable({"": t("highlight_none"), **child_names}),  # "dak long" finds it
        default="",
        page=PAGE,
    )
hl_id = hl or None
with h2:
    # The unit highlighted (a click on its bar or name, or "Đánh dấu") is one step from its
    # profile: the one picker serves both, so the page lists the units once.
    if st.button(
        t("open_profile_of", name=child_names[hl_id]) if hl_id else t("open_profile_btn"),
        disabled=hl_id is None,
        help=None if hl_id else t("open_profile_help"),
        key=f"{PAGE}__go",
    ):
        st.switch_page(
            "views/profile.py", query_params={"loc": hl_id, "year": str(year), "ind": ind_id}
        )

if not keep_ids:
    st.info(t("empty_filter"))
    st.stop()

status_labels = {s.value: s.label(lang(), symbol=True) for s in Status}
# Ranked first, then partial figures (unranked), as metrics.completeness orders them.
ranked = in_ranking_order(keep.filter(pl.col("rate_pct").is_not_null())).with_columns(
    pl.col("status").replace_strict(status_labels).alias("status_label")
)
missing = keep.filter(pl.col("rate_pct").is_null())

# The ranking on one indicator or the heat map of every indicator: one chart at a time (in the
# URL, ?view=heatmap): for a large province the heat map is ~1.500 labelled cells, the slowest
# thing Chromium draws on the page, and a phone would scroll past one chart to reach the other.
views = {"rank": t("compare_view_rank"), "heatmap": t("compare_view_heatmap")}
view = ui.pick(
    "view",
    t("compare_view"),
    list(views),
    format_func=views.__getitem__,
    default="rank",
    page=PAGE,
    widget="segmented",
)
if view == "rank":
    st.subheader(f"{t('ranked_heading')}: {ind_label(ind_id)}, {year}")
    # Those without figures are named once, under the table (ui.left_out).
    what = t("word_provinces") if is_country else t("word_communes")
    partial = keep.filter(pl.col("rate_pct").is_not_null() & pl.col("rank").is_null())
    if partial.height:
        st.caption(
            t(
                "compare_partial_unranked",
                n=partial.height,
                what=what,
                year=year,
                pct=RANK_MIN_PCT,
                names=", ".join(
                    f"{markdown_literal(n)} ({c})"
                    for n, c in partial.select("short_name", "completeness").rows()
                ),
            )
        )
    nearly = keep.filter(pl.col("rank").is_not_null() & (pl.col("partial_note") != ""))
    if nearly.height:
        st.caption(
            t(
                "compare_nearly_whole_ranked",
                n=nearly.height,
                what=what,
                pct=RANK_MIN_PCT,
                names=", ".join(
                    f"{markdown_literal(n)} ({units_text(r, u, lv, lang())})"
                    for n, r, u, lv in nearly.sort("rank")
                    .select("short_name", "reporting_units", "units_in_area", "unit_level")
                    .rows()
                ),
            )
        )
    # A long ranking shows its two ends (and the highlighted unit) until asked for every bar.
    ranked_n = keep.filter(pl.col("rate_pct").is_not_null() & pl.col("rankable")).height
    long_ranking = shows_ends(ranked_n, RANKING_ENDS)
    show_all = long_ranking and st.session_state.get(f"{PAGE}__all_bars", False)
    # On the page, HTML bars (no plotly.js on the first screen); the plotly figure of the same
    # rows is made only for a download.
    bars: dict[str, Any] = {
        "indicator": ind_id,
        "locality_name": names[loc],
        "highlight_id": hl_id,
        "synthetic": synthetic,
        "lang": lang(),
        "ends": None if show_all else RANKING_ENDS,
    }
    rank_table = shown_table(
        ranked,
        [
            "rank",
            "locality_code",
            "short_name",
            "rate_pct",
            "target_pct",
            "plan_pct",
            "status_label",
            "partial_note",
        ],
        lang(),
    )
    ui.ranking(
        ranking_html(keep, **bars),
        functools.partial(ranked_bar, keep, **bars),
        rank_table,
        file_stem("xep_hang", ind_id, names[loc], year),
        key=f"{PAGE}__rank_chart",
    )
    if long_ranking:
        st.toggle(
            t(
                "compare_all_bars",
                n=fmt_int(ranked_n, lang=lang()),
                what=t("word_provinces") if is_country else t("word_communes"),
            ),
            key=f"{PAGE}__all_bars",
        )
    if not is_country:
        st.caption(t("compare_bar_hint"))
else:
    st.subheader(t("heatmap_heading"))
    hm_children = children.filter(pl.col("locality_id").is_in(keep_ids))
    hfig = ui.figure(
        heatmap,
        hm_children,
        locality_name=names[loc],
        highlight_id=hl_id,
        synthetic=synthetic,
        lang=lang(),
    )
    hm_pivot = (
        hm_children.select("short_name", "indicator", "plan_pct")
        .with_columns(
            pl.col("indicator").replace_strict(ind_labels(short=True), return_dtype=pl.String)
        )
        .pivot(on="indicator", index="short_name", values="plan_pct")
    )
    hm_table = shown_table(
        hm_pivot, ["short_name"], lang(), extra=dict.fromkeys(hm_pivot.columns[1:], Kind.PLAN)
    )
    ui.chart(hfig, hm_table, file_stem("ban_do_nhiet", names[loc], year), key=f"{PAGE}__heatmap")
    st.caption(t("compare_heatmap_caption"))

st.subheader(f"{t('table_heading')}: {ind_label(ind_id)}")
# What a leader looks for first — the rate, the target, the share of plan and the status — stays
# in view at 1440 px; the details follow. Units without figures are named below, not sorted.
table = shown_table(
    ranked.with_columns(pl.col("unit_type").replace(unit_types())),
    [
        "rank",
        "short_name",
        "rate_pct",
        "target_pct",
        "target_year",
        "plan_pct",
        "status_label",
        "locality_code",
        "unit_type",
        "base_year",
        "base_pct",
        "change_since_base_pp",
        "change_since_base_rel_pct",
        "change_pp",
        "partial_note",
    ],
    lang(),
    year=year,
)
# Drawn when scrolled near: below the ranking, the grid's code and drawing held up the first view.
ui.table_when_near(
    table, key=f"{PAGE}__table", height=420, pin=FIELDS["short_name"].header(lang())
)  # a phone scrolls sideways
ui.left_out(missing["short_name"].to_list(), year)
st.download_button(
    t("download_csv"),
    data=lambda: csv_bytes(table.frame),
    file_name=file_stem("so_sanh", ind_id, names[loc], year) + ".csv",
    mime="text/csv",
    key=f"{PAGE}__table_csv",
    on_click="ignore",
)
st.caption(t("compare_table_caption"))
