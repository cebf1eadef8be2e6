"""The register of recognitions on Hồ sơ địa bàn: who was recognised in the place that year
(found by name or place, filtered by title, result and decision, sorted by a column), whether
the list agrees with the reported count, the criteria most often not met, and the recognitions
that lapse next year, by commune."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from dashboard import data, ui
from dashboard.i18n import ind_label, lang, t
from metrics.circulars import NOT_ASSESSED, RESULT_LABEL, result_label
from metrics.escaping import markdown_literal
from metrics.fmt import fmt_date
from metrics.indicators import registry
from metrics.locality_progress import IndicatorProgress
from metrics.name_parts import lower_type
from metrics.normalise import file_stem
from metrics.recognitions import (
    SHOWN_ENTRY_FIELDS,
    SORT_FIELDS,
    STEP_FIELDS,
    above_commune_states,
    counts_of_place,
    criteria_not_met,
    entries_matching,
    funnel,
    recognition_lists,
    shown_entries,
    sorted_entries,
    title_words,
)
from metrics.series import each
from metrics.table_columns import FIELDS, shown_table

PAGE = "profile"


def _entries_table(
    frame: pl.DataFrame, fields: tuple[str, ...], caption: str, name: str, key: str
) -> None:
    shown = shown_table(shown_entries(frame, lang()), list(fields), lang())
    ui.long_table(shown, caption, key=f"{PAGE}__{key}", file_name=file_stem(name) + ".csv")


def _count_lines(entries: pl.DataFrame, loc: str, items: list[IndicatorProgress]) -> list[str]:
    """Per title listed for exactly this place: the count the list implies beside the reported
    one ("Danh sách: 23 đơn vị được công nhận (23 Tốt) — khớp số báo cáo (23).")."""
    reported = {p.indicator: p.recognized for p in items}
    return [
        f"**{ind_label(title)}** — "
        f"{count.sentence(registry().title_by_id(title).count_unit(lang()), lang())}"
        for title, count in counts_of_place(entries, loc, reported)
        if count.listed or not count.not_assessed
    ]


def _funnels(entries: pl.DataFrame) -> None:
    """Each list that records the way to its decision: registered, self-assessed, proposed,
    recognised, the levels claimed, the tờ trình, and where units fell out."""
    ways = [(lst, way) for lst in recognition_lists(entries) if (way := funnel(lst.entries))]
    if not ways:
        return
    # One Markdown element for them all: a province lists a dozen decisions, and each element
    # is drawn on its own on the page's first view.
    parts = [f"**{t('register_funnel_heading')}**"]
    for lst, way in ways:
        unit = registry().title_by_id(lst.title).count_unit(lang())
        named = f"{ind_label(lst.title)} {lst.year}" + (
            f" — {lst.decision}" if lst.decision else ""
        )
        lines = [way.sentence(lang()), *way.how(lang()), *way.fell_out(unit, lang())]
        parts.append(
            f"*{markdown_literal(named)}*\n\n"
            + "\n".join(f"- {markdown_literal(line)}" for line in lines)
        )
    st.markdown("\n\n".join(parts))


def show(
    key: data.StoreKey, rec: dict, loc: str, year: int, items: list[IndicatorProgress]
) -> None:
    st.subheader(t("register_heading", year=year))
    every = data.recognitions(key, rec["level"], loc, year)
    # A district or province "not yet assessed" is said in a line, not listed as a unit.
    entries = every.filter(pl.col("result") != NOT_ASSESSED)
    if not every.height:
        st.caption(t("register_none", name=rec["name"], year=year))
    else:
        if entries["synthetic"].any():
            st.caption(t("register_demo"))
        said = [
            *_count_lines(entries, loc, items),
            *(markdown_literal(s) for _, s in above_commune_states(every, loc, lang())),
        ]
        if said:  # a paragraph each, in one element
            st.markdown("\n\n".join(said))
        _funnels(entries)
    if entries.height:
        c1, c2, c3 = st.columns(3)
        everything = t("register_all")
        titles = entries["title"].unique(maintain_order=True).to_list()
        title = c1.selectbox(
            t("register_title"),
            ["", *titles],
            format_func=lambda v: everything if not v else title_words(v, lang()),
            key=f"{PAGE}__reg_title",
        )
        results = [r for r in RESULT_LABEL if r in set(entries["result"])]
        result = c2.selectbox(
            t("register_result"),
            ["", *results],
            format_func=lambda v: everything if not v else result_label(v, lang()),
            key=f"{PAGE}__reg_result",
        )
        decisions = sorted(set(entries["decision_number"]))
        decision = c3.selectbox(
            t("register_decision"),
            ["", *decisions],
            format_func=lambda v: everything if v == "" else v,
            key=f"{PAGE}__reg_decision",
        )
        c4, c5 = st.columns(2)
        words = c4.text_input(t("register_find"), key=f"{PAGE}__reg_find")
        order = c5.selectbox(
            t("register_sort"),
            ["", *SORT_FIELDS],
            format_func=lambda f: FIELDS[f].header(lang()) if f else t("register_sort_listed"),
            key=f"{PAGE}__reg_sort",
        )
        chosen = entries_matching(entries, words)
        if title:
            chosen = chosen.filter(pl.col("title") == title)
        if result:
            chosen = chosen.filter(pl.col("result") == result)
        if decision:
            chosen = chosen.filter(pl.col("decision_number") == decision)
        st.caption(t("register_count", n=chosen.height, total=entries.height))
        stepped = any(entries[c].drop_nulls().len() for c in ("self_assessed", "proposal_number"))
        fields = (*SHOWN_ENTRY_FIELDS, *STEP_FIELDS) if stepped else SHOWN_ENTRY_FIELDS
        _entries_table(
            sorted_entries(chosen, order),
            fields,
            t("register_table", name=rec["name"], year=year),
            f"danh_sach_{rec['name']}_{year}",
            "reg",
        )
        _criteria(entries)
    _lapsing(key, rec, loc)


def _criteria(entries: pl.DataFrame) -> None:
    """Communes under Thông tư 25/2023: which criteria were most often not met."""
    assessed = entries.filter(pl.col("circular") == "tt25_2023")
    missed = criteria_not_met(assessed)
    if not missed.height or not missed["not_met"].sum():
        return
    worst = missed.row(0, named=True)
    st.markdown(
        f"**{t('register_criteria_heading')}**\n\n"
        + t(
            "register_criteria_worst",
            n=worst["criterion"],
            k=worst["not_met"],
            of=worst["assessed"],
        )
    )
    ui.html_table(
        shown_table(missed, ["criterion", "not_met", "assessed"], lang()),
        t("register_criteria_table"),
    )


def _lapsing(key: data.StoreKey, rec: dict, loc: str) -> None:
    """Recognitions that lapse in a coming year (next year by default), by commune."""
    st.subheader(t("register_lapsing_heading"))
    this_year = date.today().year
    lapse_year = st.selectbox(
        t("register_lapsing_year"),
        [this_year, this_year + 1, this_year + 2],
        index=1,
        key=f"{PAGE}__lapse_year",
    )
    lapsing = data.lapsing(key, rec["level"], loc, lapse_year)
    if not lapsing.height:
        st.caption(t("register_lapsing_none", name=rec["name"], year=lapse_year))
        return
    # By place, not by name: two old communes may share a name ("Xã Đăk Long" of huyện Đăk Hà
    # and of huyện Đắk Glei), so an old one is named with its old district.
    by_place = lapsing.group_by("locality_id").agg(
        pl.col("locality_name").first(),
        pl.col("locality_level").first(),
        pl.col("parent_name").first(),
        pl.len().alias("n"),
        pl.col("valid_until").min().alias("first"),
    )
    by_place = (
        by_place.with_columns(each(by_place["parent_name"], lower_type).alias("parent_lower"))
        .with_columns(
            pl.when(pl.col("locality_level") == "old_commune")
            .then(pl.format("{} ({})", "locality_name", "parent_lower"))
            .otherwise(pl.col("locality_name"))
            .alias("locality_name")
        )
        .drop("parent_lower")
        .sort(["first", "locality_name"])
    )
    st.markdown(
        t("register_lapsing_summary", n=lapsing.height, places=by_place.height, year=lapse_year)
        + "\n\n"
        + "\n".join(
            f"- {markdown_literal(r['locality_name'])}: {r['n']} ({fmt_date(r['first'])})"
            for r in by_place.head(30).iter_rows(named=True)
        )
    )
    _entries_table(
        lapsing.sort(["locality_name", "valid_until", "name"]),
        (
            "locality_name",
            "unit_name",
            "title_label",
            "result_label",
            "decision",
            "valid_until_text",
        ),
        t("register_lapsing_table", name=rec["name"], year=lapse_year),
        f"het_hieu_luc_{rec['name']}_{lapse_year}",
        "lapse",
    )
