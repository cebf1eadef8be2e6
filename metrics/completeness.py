"""How complete a sum is: how many of an area's units reported, at the level of the units whose
reports were summed, how that is said ("1/23 huyện cũ báo cáo"), and which figures a ranking ranks
(docs/method.md, "Mức đầy đủ").

Every figure of an area carries `unit_level`, `reporting_units` and `units_in_area`
(metrics.queries): a commune's own report is 1/1 xã; a new commune summed from its old communes
is out of every old commune that lies in it (a split one too: its figures never reach the sum);
a province is out of all its units of the level used (communes, old communes, old districts, old
provinces, or itself). A figure is whole when every unit of the area reported. A ranking ranks a
figure when at least RANK_MIN_PCT % of its units reported, saying how many ("92/96 xã"); one
further from whole is kept apart, unranked ("chưa đủ: 50/102 xã báo cáo").
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from metrics.fmt import fmt_int
from metrics.texts import level_word

PARTIAL_VI = "chưa đủ"
# A rate is ranked when at least this share (%) of its area's units reported: a province whose
# 92 of 96 communes reported stands among the others, one with 50 of 102 does not.
RANK_MIN_PCT = 90


def is_partial(reporting: int | None, in_area: int | None) -> bool:
    """Some units of the area did not report (or their figures could not be placed)."""
    return reporting is not None and in_area is not None and reporting < in_area


def is_rankable(reporting: int | None, in_area: int | None) -> bool:
    """At least RANK_MIN_PCT % of the area's units reported: the figure is ranked."""
    if reporting is None or not in_area:
        return False
    return reporting * 100 >= in_area * RANK_MIN_PCT


def rankable_expr() -> pl.Expr:
    """is_rankable over a frame's `reporting_units` and `units_in_area` (null without them)."""
    return pl.col("reporting_units") * 100 >= pl.col("units_in_area") * RANK_MIN_PCT


def units_text(
    reporting: int | None, in_area: int | None, level: str | None, lang: str = "vi"
) -> str:
    """ "1/23 huyện cũ" ("1/23 former districts"); "" when nothing is known."""
    if reporting is None or not in_area or level is None:
        return ""
    return f"{fmt_int(reporting, lang=lang)}/{fmt_int(in_area, lang=lang)} {level_word('units', level, lang)}"


def completeness_text(
    reporting: int | None, in_area: int | None, level: str | None, lang: str = "vi"
) -> str:
    """ "1/23 huyện cũ báo cáo" ("1/23 former districts reported"); "" when nothing is known."""
    units = units_text(reporting, in_area, level, lang)
    if not units:
        return ""
    return f"{units} reported" if lang == "en" else f"{units} báo cáo"


def partial_text(
    reporting: int | None, in_area: int | None, level: str | None, lang: str = "vi"
) -> str:
    """ "chưa đủ: 1/23 huyện cũ báo cáo" for a partial figure ("incomplete: 1 of 23 former
    districts reported" in English); "" for a whole one."""
    if not is_partial(reporting, in_area) or level is None or not in_area:
        return ""
    if lang == "en":
        return f"incomplete: {fmt_int(reporting, lang=lang)} of {fmt_int(in_area, lang=lang)} {level_word('units', level, lang)} reported"
    return f"{PARTIAL_VI}: {completeness_text(reporting, in_area, level, lang)}"


def ranking_note(
    reporting: int | None, in_area: int | None, level: str | None, lang: str = "vi"
) -> str:
    """What a ranking says beside a figure: nothing when whole; how many units reported when it
    is ranked though a few did not ("92/96 xã"); partial_text when it is kept apart."""
    if not is_partial(reporting, in_area):
        return ""
    if is_rankable(reporting, in_area):
        return units_text(reporting, in_area, level, lang)
    return partial_text(reporting, in_area, level, lang)


def complete_expr() -> pl.Expr:
    """True when every unit of the area reported; null without a figure."""
    return pl.col("reporting_units") >= pl.col("units_in_area")


def text_column(
    frame: pl.DataFrame,
    say: Callable[[int | None, int | None, str | None, str], str] = completeness_text,
    lang: str = "vi",
) -> pl.Series:
    """`say` (completeness_text, ranking_note …) of each row of a frame with the three columns,
    in `lang`."""
    rows = frame.select("reporting_units", "units_in_area", "unit_level").iter_rows()
    return pl.Series([say(r, n, lv, lang) for r, n, lv in rows], dtype=pl.String)


def country_units(provinces: pl.DataFrame, units_per_level: dict[str, int]) -> pl.DataFrame:
    """The country's completeness per year and indicator, from its provinces' figures.

    When every province's figure is made of units of one level, the country's is too: the units
    that reported, out of all the country's units of that level (a province with no figure
    still has units that did not report). When the levels differ, the units are the provinces:
    those whose figure is whole, out of all provinces."""
    g = provinces.group_by(["year", "indicator"]).agg(
        pl.col("unit_level").n_unique().alias("_levels"),
        pl.col("unit_level").first().alias("_level"),
        pl.col("reporting_units").sum().alias("_reported"),
        (pl.col("reporting_units") >= pl.col("units_in_area")).sum().alias("_whole"),
    )
    one_level = pl.col("_levels") == 1
    in_country = pl.col("_level").replace_strict(units_per_level, default=0, return_dtype=pl.Int64)
    return g.select(
        "year",
        "indicator",
        pl.when(one_level).then(pl.col("_level")).otherwise(pl.lit("province")).alias("unit_level"),
        pl.when(one_level)
        .then(pl.col("_reported"))
        .otherwise(pl.col("_whole"))
        .cast(pl.Int64)
        .alias("reporting_units"),
        pl.when(one_level)
        .then(in_country)
        .otherwise(pl.lit(units_per_level.get("province", 0)))
        .cast(pl.Int64)
        .alias("units_in_area"),
    )


def in_ranking_order(children: pl.DataFrame) -> pl.DataFrame:
    """Children (locality_progress.children_progress) as a ranking lists them: the ranked
    figures by rank, then those kept apart (unranked) by rate, then those without a rate."""
    group = (
        pl.when(pl.col("rank").is_not_null())
        .then(0)
        .when(pl.col("rate_pct").is_not_null())
        .then(1)
        .otherwise(2)
    )
    return children.sort(
        [group, "rank", "rate_pct", "locality_name"],
        descending=[False, False, True, False],
        nulls_last=True,
        maintain_order=True,
    )
