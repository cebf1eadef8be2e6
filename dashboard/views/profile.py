"""Hồ sơ địa bàn: one province, commune or former district — every indicator against its
targets, the targets still ahead, ratings, sources, completeness and the units it came from."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import data, recognition_panel, ui
from dashboard.i18n import (
    ind_label,
    ind_labels,
    lang,
    scope_names,
    scope_text,
    status_badge,
    t,
    unit_type,
)
from metrics.escaping import markdown_literal
from metrics.figures.counts import level_bar
from metrics.figures.progress_chart import progress_chart
from metrics.fmt import fmt_int, fmt_num, fmt_pct, fmt_points
from metrics.indicators import registry
from metrics.name_lookup import Purpose
from metrics.name_parts import lower_type
from metrics.normalise import file_stem
from metrics.outputs.cell_safety import csv_bytes
from metrics.place_context import area_word, context_sentences, education_sentence
from metrics.plans import shown_plan_items
from metrics.progress_summary import (
    communes_reporting,
    partial_groups,
    source_groups,
    summary_frame,
)
from metrics.rounds import STATE_LABELS, history_rows, rate, state_from_events
from metrics.table_columns import Kind, ShownTable, shown_table
from metrics.texts import pace_words

PAGE = "profile"
K_PROV, K_COM, K_OD = f"{PAGE}__prov", f"{PAGE}__com", f"{PAGE}__od"
key = ui.store_key()
banner_slot = st.container()  # filled once the place is known: demo or not is told per place
st.title(t("profile_title"))

provs = data.provinces(key)
prov_names = dict(zip(provs["id"], provs["short_name"], strict=True))
index = data.locality_index(key)


def _place(locality_id: str) -> bool:
    """Point the three pickers at a locality (a province, commune or former district)."""
    rec = data.locality(key, locality_id)
    if rec is None or not rec.get("province_id") and rec["level"] != "province":
        return False
    prov = locality_id if rec["level"] == "province" else rec["province_id"]
    if prov not in prov_names:
        return False
    st.session_state[K_PROV] = prov
    st.session_state[K_COM] = locality_id if rec["level"] == "commune" else ""
    st.session_state[K_OD] = (
        locality_id if rec["level"] in ("old_district", "old_commune", "old_province") else ""
    )
    return True


def _go(locality_id: str) -> None:
    _place(locality_id)


if K_PROV not in st.session_state:
    wanted = st.query_params.get("loc") or st.session_state.get("keep_loc") or ui.DEFAULT_PROVINCE
    if not _place(str(wanted)):
        _place(ui.DEFAULT_PROVINCE)


def _search() -> None:
    text = st.session_state.get(f"{PAGE}__search", "")
    if not text.strip():
        return
    res = index.resolve(text, purpose=Purpose.VIEW_FIGURES)  # today's unit unless marked old
    st.session_state[f"{PAGE}__search_result"] = res
    if res.ok and res.locality is not None:
        _place(res.locality.id)


st.text_input(t("search"), placeholder=t("search_hint"), key=f"{PAGE}__search", on_change=_search)
res = st.session_state.get(f"{PAGE}__search_result")
if res is not None:
    # Found: today's unit opens, and former units that had the name are offered beside it
    # ("dak long": two former xã Đăk Long). Not found or several: said in the page's language.
    namesakes = index.old_namesakes(res.query, res.locality.id) if res.ok and res.locality else []
    if res.ok and namesakes:
        st.caption(t("search_old_namesakes", n=len(namesakes), query=markdown_literal(res.query)))
    elif res.status == "ambiguous":
        st.caption(t("search_ambiguous", n=len(res.candidates), query=markdown_literal(res.query)))
    elif not res.ok:
        st.caption(t("search_not_found", query=markdown_literal(res.query)))
    placeable = [
        c
        for c in (namesakes if res.ok else res.candidates)
        if c.level in ("province", "commune", "old_district", "old_commune")
    ]
    if placeable:
        cols = st.columns(min(3, len(placeable)))
        for i, c in enumerate(placeable[:9]):
            if cols[i % len(cols)].button(index.label(c.id, lang()), key=f"{PAGE}__cand_{c.id}"):
                _place(c.id)
                st.session_state[f"{PAGE}__search_result"] = None
                st.rerun()

c1, c2, c3, c4 = st.columns([2, 2, 2, 1])
with c1:
    prov = st.selectbox(
        t("province"),
        list(prov_names),
        format_func=ui.typeable(prov_names),
        key=K_PROV,
        on_change=lambda: st.session_state.update({K_COM: "", K_OD: ""}),
    )
coms = data.communes(key, prov)
com_names = {"": t("whole_province"), **dict(zip(coms["id"], coms["name"], strict=True))}
ods = data.old_districts(key, prov)
od_names = {
    "": t("old_district_none"),
    **{
        r["id"]: t(
            "profile_old_district_option", name=r["name"], old_province=r["old_province_name"]
        )
        for r in ods.iter_rows(named=True)
    },
}
if st.session_state.get(K_COM) not in com_names:
    st.session_state[K_COM] = ""
if st.session_state.get(K_OD) not in od_names:
    od_names[st.session_state[K_OD]] = (
        index.label(st.session_state[K_OD], lang())
        if st.session_state.get(K_OD) in index.by_id
        else ""
    )
with c2:
    com = st.selectbox(
        t("commune"),
        list(com_names),
        format_func=ui.typeable(com_names),
        key=K_COM,
        on_change=lambda: st.session_state.update({K_OD: ""}),
    )
with c3:
    # The third picker holds the former districts; a former commune placed there by a search
    # or a link is named as what it is.
    chosen_old = data.locality(key, st.session_state[K_OD]) if st.session_state.get(K_OD) else None
    od = st.selectbox(
        t("old_commune")
        if chosen_old and chosen_old["level"] == "old_commune"
        else t("old_district"),
        list(od_names),
        format_func=ui.typeable(od_names),
        key=K_OD,
        on_change=lambda: st.session_state.update({K_COM: ""}),
    )
loc = od or com or prov
# Only the years this locality has figures for (a former district may stop in 2023).
all_inds = data.indicator_ids()
series_by_ind = {i: data.series(key, loc, i) for i in all_inds}
years_with = sorted(
    {int(y) for s in series_by_ind.values() for y in s["year"].to_list()}, reverse=True
)
years = years_with or sorted(data.years(key), reverse=True)
with c4:
    year = ui.pick("year", t("year"), years, default=years[0] if years else None, page=PAGE)

st.query_params["loc"] = loc
st.session_state["keep_loc"] = (
    loc if loc in prov_names else st.session_state.get("keep_loc", ui.DEFAULT_PROVINCE)
)
found = data.locality(key, loc)
assert found is not None  # the pickers offer only localities the store holds
rec: dict = found  # the sections below, drawn later as functions, see it as found
legacy = rec["era"] == "legacy"
# Administrative style: "Xã Đăk Long, tỉnh Quảng Ngãi" (a parent's type word in lower case).
parent = rec.get("parent_name") if rec["level"] != "province" else None
# In English the parent keeps its registered name ("Xã Đăk Long, Tỉnh Quảng Ngãi").
where = rec["name"] + (f", {lower_type(parent) if lang() == 'vi' else parent}" if parent else "")
st.header(where + (t("profile_legacy_suffix") if legacy else ""))
if rec.get("code"):
    st.caption(t("profile_code", code=rec["code"], unit_type=unit_type(rec["unit_type"])))
if legacy:  # never a dead end: the unit(s) a former one became part of, one click away
    became = data.successors(key, loc)
    if became.height:
        st.info(t("profile_became_part_of", name=markdown_literal(rec["name"])))
        cols = st.columns(min(4, became.height))
        for i, r in enumerate(became.head(12).iter_rows(named=True)):
            cols[i % len(cols)].button(
                r["name"],
                key=f"{PAGE}__became_{r['id']}",
                icon=":material/arrow_forward:",
                on_click=_go,  # a callback runs before the page: the pickers take it
                args=(r["id"],),
            )

items = data.progress(key, loc, year)
place_ctx, education = data.place_context_of(key, loc, year) if year else (None, None)
with banner_slot:
    # A place whose figures and targets all come from real reports carries no demo mark.
    ui.banner(
        key,
        synthetic=bool(data.series_all(key, loc)["synthetic"].any())
        or bool(data.targets(key, loc)["synthetic"].any())
        or any(c is not None and c.synthetic for c in (place_ctx, education)),
    )


def _source_caption(source: str, synthetic: bool) -> None:
    # An invented figure's source is a sentence of ours, said in the reader's language.
    said = t("sources_demo") if synthetic else source
    st.caption(t("context_source", source=markdown_literal(said)))


# The place as its reports describe it: households, people, villages, agencies, schools, and
# the universal-education standards it holds (metrics.place_context).
st.subheader(t("context_heading"))
area = area_word(rec["name"]) if lang() == "vi" else rec["name"]
# One report usually gives both: its source is then said once, under both.
same_source = (
    place_ctx is not None and education is not None and place_ctx.source == education.source
)
if place_ctx is not None:
    st.markdown(markdown_literal(" ".join(context_sentences(place_ctx, area, lang()))))
    if not same_source:
        _source_caption(place_ctx.source, place_ctx.synthetic)
elif year:
    st.caption(t("context_none", year=year))
if education is not None:
    st.markdown(markdown_literal(education_sentence(education, rec["name"], lang())))
    _source_caption(education.source, education.synthetic)
elif year:
    st.caption(t("education_none", year=year))
if not years_with:
    st.info(t("no_data_any", name=rec["name"]))
    if legacy:
        st.caption(t("profile_legacy_see_new"))
    st.stop()

# Completeness: the years with figures, and for a province the communes that reported.
st.subheader(t("completeness_heading"))
have = [p for p in items if p.has_data]
lines = [
    t("profile_years_with", years=", ".join(map(str, sorted(years_with)))),
    t("profile_year_coverage", year=year, have=len(have), total=len(items)),
]
standing = data.round_standing(key, loc, year) if rec["level"] == "province" else None
reporting = communes_reporting(items)
if standing is not None:  # the province's round of the year: where its communes' reports stand
    lines.append(standing.sentence(lang()))
elif reporting and rec["level"] == "province":
    lines.append(
        t(
            "profile_communes_missing",
            missing=fmt_int(reporting.missing, lang=lang()),
            total=fmt_int(reporting.in_area, lang=lang()),
            year=year,
        )
    )
# Any figure summed from units not all of which reported: "chưa đủ: 1/23 huyện cũ báo cáo".
lines += [
    t("profile_partial", note=note, year=year, labels=", ".join(map(ind_label, indicators)))
    for note, indicators in partial_groups(items, lang()).items()
]
if any(p.unplaceable for p in items):
    lines.append(t("profile_split_history"))
st.markdown("\n".join(f"- {x}" for x in lines))

st.subheader(t("all_indicators_heading") + f" — {year}")
reg = registry()
shown = [
    p for p in items if series_by_ind[p.indicator].height
]  # indicators this locality ever reported
summary = summary_frame(shown, lang())
# The columns that answer "where are we against the target" first (rate, change on last year,
# projection, target, verdict): in view at 1440 px; counts and sources after them.
SUMMARY_ORDER = [
    "indicator_label",
    "rate_pct",
    "change_pp",
    "projected_pct",
    "target_pct",
    "target_year",
    "status_label",
    "plan_pct",
    "recognized",
    "total",
    "target_scope",
    "completeness",
]
ui.html_table(
    shown_table(summary, SUMMARY_ORDER, lang(), year=year),
    t("profile_table_summary", name=rec["name"], year=year),
    pin_first=True,
)
ui.left_out([ind_label(p.indicator) for p in shown if not p.has_data], year)
st.caption(t("profile_status_caption", year=year))


def _pending_figures() -> None:
    """A commune's figures submitted in the year's round, not yet approved: beside the approved
    ones, only when asked, each marked as not yet approved."""
    if rec["level"] == "commune" and st.toggle(t("show_pending"), key=f"{PAGE}__pending"):
        sent = data.pending_figures(key, rec["province_id"], year, loc)
        if sent.height == 0:
            st.caption(t("pending_none", year=year))
        else:
            approved = {p.indicator: p for p in items}

            def sent_counts(recognized: int | None, total: int | None, pct: float | None) -> str:
                return (
                    f"{fmt_int(recognized, lang=lang())}/{fmt_int(total, lang=lang())}"
                    f" ({fmt_pct(pct, lang=lang())})"
                )

            rows = []
            for r in sent.iter_rows(named=True):
                was = approved.get(r["indicator"])
                rows.append(
                    {
                        t("round_col_indicator"): ind_label(r["indicator"]),
                        t("pending_col_approved"): (
                            sent_counts(was.recognized, was.total, was.rate_pct) if was else "–"
                        ),
                        t("pending_col_sent"): (
                            sent_counts(r["recognized"], r["total"], rate(r))
                            + " "
                            + t("pending_mark")
                        ),
                    }
                )
            ui.text_table(rows)


def _targets_ahead() -> None:
    """Targets after this year, each with the share reached and the pace still needed."""
    ahead = data.targets_ahead(key, loc, year).filter(pl.col("rate_pct").is_not_null())
    if ahead.height and not legacy:
        st.subheader(t("targets_ahead_heading"))
        own = ahead.filter(pl.col("scope_level") == "commune")
        if own.height:
            st.markdown(
                t(
                    "profile_own_targets",
                    name=rec["name"],
                    years=", ".join(str(y) for y in sorted(set(own["target_year"].to_list()))),
                    year=year,
                )
            )
        ahead_table = shown_table(
            ahead.with_columns(
                pl.col("indicator")
                .replace_strict(ind_labels(), return_dtype=pl.String)
                .alias("indicator_label"),
                pl.col("scope_level")
                .replace_strict(scope_names(), default=pl.col("scope_level"))
                .alias("target_scope"),
                pl.col("source").alias("target_source"),
            ),
            [
                "indicator_label",
                "target_year",
                "target_pct",
                "rate_pct",
                "plan_pct",
                "gap_pp",
                "required_pp_per_year",
                "projected_pct",
                "projected_gap_pp",
                "target_scope",
                "target_source",
            ],
            lang(),
            year=year,
        )
        ui.html_table(
            ahead_table, t("profile_table_ahead", name=rec["name"], year=year), pin_first=True
        )
        st.download_button(
            t("download_csv"),
            data=lambda: csv_bytes(ahead_table.frame),
            file_name=file_stem("muc_tieu_phia_truoc", rec["name"], year) + ".csv",
            mime="text/csv",
            key=f"{PAGE}__ahead_csv",
            on_click="ignore",
        )


def _plan_items() -> None:
    """The plan's commitments, beside the latest figure of the indicator each measures."""
    plans = data.plan_items(key, loc)
    if plans.height:
        st.subheader(t("plan_items_heading"))
        st.caption(t("plan_items_caption", name=rec["name"]))
        if plans["synthetic"].any():
            st.caption(t("plan_items_demo"))
        # The latest figure of each indicator, beside the items it measures.
        latest = {
            i: (int(r["year"]), float(r["rate_pct"]))
            for i, s in series_by_ind.items()
            for r in s.filter(pl.col("rate_pct").is_not_null())
            .sort("year")
            .tail(1)
            .iter_rows(named=True)
        }
        plan_table = shown_table(
            shown_plan_items(plans, latest, lang()),
            ["plan_item", "plan_target", "plan_achieved", "plan_section", "plan_source"],
            lang(),
        )
        ui.html_table(plan_table, t("profile_table_plans", name=rec["name"]))
        st.download_button(
            t("download_csv"),
            data=lambda: csv_bytes(plan_table.frame),
            file_name=file_stem("ke_hoach", rec["name"]) + ".csv",
            mime="text/csv",
            key=f"{PAGE}__plans_csv",
            on_click="ignore",
        )


def _progress_chart() -> None:
    """One indicator's trajectory against its targets, with its card beside it."""
    st.divider()
    st.subheader(t("chart_heading"))
    with_series = [p.indicator for p in items if series_by_ind[p.indicator].height]
    ind_id = ui.pick(
        "ind",
        t("choose_indicator_chart"),
        with_series,
        format_func=ind_label,
        default="gia_dinh",
        page=PAGE,
    )
    item = next(p for p in items if p.indicator == ind_id)
    left, right = st.columns([3, 2])
    with left:
        s = series_by_ind[ind_id]
        tg = data.targets(key, loc).filter(pl.col("indicator") == ind_id)
        fig = ui.figure(progress_chart, s, item, tg, synthetic=item.synthetic, lang=lang())
        table = shown_table(s, ["year", "total", "recognized", "rate_pct"], lang())
        ui.chart(fig, table, file_stem(ind_id, rec["name"], year), key=f"{PAGE}__progress")
    with right, st.container(border=True):
        st.markdown(f"**{ind_label(ind_id)} — {year}**")
        if item.has_data:
            st.metric(
                ind_label(ind_id), fmt_pct(item.rate_pct, lang=lang()), label_visibility="collapsed"
            )
            st.caption(
                f"{fmt_int(item.recognized, lang=lang())}/{fmt_int(item.total, lang=lang())} {reg.by_id(ind_id).count_unit(lang())}"
            )
        else:
            st.markdown(f"_{t('no_data_year', year=year)}_")
        st.markdown(status_badge(item.status, item.target_year), unsafe_allow_html=True)
        ui.later_target_note(item)
        if item.target_pct is not None:
            st.markdown(
                t(
                    "profile_target_line",
                    year=item.target_year,
                    pct=fmt_pct(item.target_pct, lang=lang()),
                    scope=scope_text(item.target_scope),
                ),
                help=markdown_literal(item.target_source),
            )
        # The targets after this year, with the share reached and the pace still needed.
        for r in (
            data.targets_ahead(key, loc, year)
            .filter(pl.col("indicator") == ind_id)
            .iter_rows(named=True)
        ):
            line = t(
                "profile_target_line",
                year=r["target_year"],
                pct=fmt_pct(r["target_pct"], lang=lang()),
                scope=scope_text(r["scope_level"]),
            )
            if r["rate_pct"] is not None:
                line += t("profile_plan_reached", plan=fmt_num(r["plan_pct"], 0, lang=lang()))
                pace = r["required_pp_per_year"]
                line += (
                    t("profile_reached")
                    if pace == 0
                    else t("profile_pace_needed", pace=pace_words(pace, lang()))
                )
            st.markdown(line, help=markdown_literal(r["source"]))
        if item.change_since_base_pp is not None:
            st.markdown(
                t(
                    "profile_change_since_base",
                    base=item.base_year,
                    year=year,
                    pp=fmt_points(item.change_since_base_pp, lang=lang()),
                )
            )
        if item.required_pp_per_year:
            st.markdown(
                t(
                    "profile_pace_to_target",
                    pace=pace_words(item.required_pp_per_year, lang()),
                    year=item.target_year,
                )
            )


def _levels() -> None:
    """The ratings (xếp loại) each indicator reported, as bars."""
    lv_inds = [p.indicator for p in items if data.levels(key, loc, p.indicator).height]
    if lv_inds:
        st.subheader(t("levels_heading"))
        cols = st.columns(min(2, len(lv_inds)))
        for i, li in enumerate(lv_inds):
            lv = data.levels(key, loc, li)
            with cols[i % len(cols)]:
                lfig = ui.figure(
                    level_bar,
                    lv,
                    title=f"{ind_label(li, short=True)} — {rec['name']}",  # fits a phone's width
                    synthetic=bool(data.series(key, loc, li)["synthetic"].any()),
                    lang=lang(),
                )
                lt = shown_table(
                    lv.with_columns(
                        pl.col("level").replace_strict(
                            {lv.id: lv.label_vi for lv in reg.level}, return_dtype=pl.String
                        )
                    ),
                    ["year", "level", "count"],
                    lang(),
                )
                ui.chart(
                    lfig, lt, file_stem("xep_loai", li, rec["name"]), key=f"{PAGE}__levels_{li}"
                )


def _register_and_sources() -> None:
    """The register of recognitions, then where the figures came from."""
    recognition_panel.show(key, rec, loc, year, items)

    st.subheader(t("sources_heading"))
    source_lines = []
    for group in source_groups(series_by_ind):
        yrs = ", ".join(str(y) for y in group.years)
        n_ind = t("sources_indicators", n=len(group.indicators))
        # The demo store's own source is a sentence of ours, said in the reader's language.
        doc = t("sources_demo") if group.demo else group.source
        source_lines.append(f"- {markdown_literal(doc)} — _{yrs}; {n_ind}_")
    st.markdown("\n".join(source_lines))  # one list, one element


def _round_history() -> None:
    """Who entered, submitted, returned and approved a commune's figures of the year."""
    if rec["level"] == "commune":  # who entered, submitted, returned and approved its figures
        events = data.report_events(key, loc, year)
        if events.height:
            state = STATE_LABELS[lang()][state_from_events(events)]
            with st.expander(t("profile_history", year=year, state=state)):
                ui.text_table(history_rows(events, lang()))


def _former_units() -> None:
    """The units this one came from, and a warning where one was split."""
    preds = data.predecessors(key, loc)
    if preds.height:
        st.subheader(t("lineage_heading"))
        rel = {
            "merged": t("lineage_merged"),
            "split": t("lineage_split"),
        }
        pt = preds.select(
            pl.col("code").alias(t("lineage_code")),
            pl.col("name").alias(t("lineage_old_unit")),
            pl.col("parent_name").alias(t("lineage_parent")),
            pl.col("relation")
            .replace_strict(rel, default=pl.col("relation"))
            .alias(t("lineage_relation")),
        )
        if rec["level"] == "province":
            st.caption(t("profile_former_units", n=preds.height))
        # A commune's few former units or a province's hundreds: words, read down the list.
        ui.long_table(
            ShownTable.of(
                pt,
                {
                    t("lineage_code"): Kind.CODE,
                    t("lineage_old_unit"): Kind.TEXT,
                    t("lineage_parent"): Kind.TEXT,
                    t("lineage_relation"): Kind.TEXT,
                },
                lang(),
            ),
            t("lineage_table", name=rec["name"]),
            key=f"{PAGE}__lineage",
            file_name=file_stem("don_vi_cu", rec["name"]) + ".csv",
        )
        n_split = preds.filter(pl.col("relation") == "split").height
        if n_split:
            st.warning(t("lineage_split_warning", n=n_split, name=rec["name"]))


def _below_first_screen() -> None:
    """Everything under the indicator table: drawn once it comes near the screen."""
    _pending_figures()
    _targets_ahead()
    _plan_items()
    _progress_chart()
    _levels()
    _register_and_sources()
    _round_history()
    _former_units()


# Under the first screen at 1440 px, and far under it on a phone: drawn when it comes near (or a
# moment after the page has come), so the first view carries only what is seen first.
ui.section_when_near(f"{PAGE}__below", height=1600, draw=_below_first_screen)
