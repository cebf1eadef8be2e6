"""Progress of localities against their targets, per indicator: one locality or all the children of one.

This is where figures (metrics.queries) meet the method (metrics.progress). `progress_table` is
the one computation, over a frame of any number of localities × indicators; `progress_for` (one
locality, as IndicatorProgress items) and `children_progress` (every commune of a province or
every province of the country, as a frame) both call it, with the targets of
metrics.queries.targets.applicable_targets. The pages, the CLI (`xhht progress`), the exports and the tests all
read these functions, so a number is the same wherever a user reads it. Method: docs/method.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields

import duckdb
import polars as pl

from metrics import progress as pm
from metrics import queries as q
from metrics.completeness import (
    complete_expr,
    completeness_text,
    partial_text,
    rankable_expr,
    ranking_note,
    text_column,
)
from metrics.indicators import registry
from metrics.queries import registers as rq
from metrics.queries import targets as tq
from metrics.store.schema import COUNTRY_ID, LEVEL_COLUMNS

KEYS = ["locality_id", "indicator"]


@dataclass
class IndicatorProgress:
    # The stable JSON interface of `xhht progress --json` (README): do not rename these.
    locality_code: str | None
    locality_name: str
    indicator: str
    year: int
    total: int | None
    registered: int | None
    recognized: int | None
    rate_pct: float | None
    rate_registered_pct: float | None
    target_pct: float | None
    target_year: int | None
    target_source: str | None
    target_2030_pct: float | None
    status: str
    projected_pct: float | None
    required_pp_per_year: float | None
    reporting_communes: int | None
    communes_in_area: int | None
    # How complete the figure is, whatever its units (metrics.completeness): "1/23 huyện cũ".
    reporting_units: int | None = None
    units_in_area: int | None = None
    unit_level: str | None = None  # commune | old_commune | old_district | old_province | province
    # Further detail for pages and exports.
    locality_id: str = ""
    indicator_label: str = ""
    status_label: str = ""
    # Who set the target: a level's code (country, province, commune, old_district …); its
    # words are the catalogue's scope_<code> (metrics.texts.level_word), said at the edge.
    target_scope: str | None = None
    target_scope_name: str | None = None
    target_confirmed: bool | None = None
    target_2030_source: str | None = None
    plan_pct: float | None = None
    expected_pct: float | None = None
    ratio: float | None = None
    method: str | None = None
    base_year: int | None = None
    base_pct: float | None = None
    previous_pct: float | None = None
    change_pp: float | None = None
    change_rel_pct: float | None = None
    change_since_base_pp: float | None = None
    basis: str | None = None
    unplaceable: int = 0
    total_from_register: bool = False
    synthetic: bool = False
    sources: list[str] = field(default_factory=list)
    # Those of `sources` that come from synthetic (demo) batches: not a JSON key (public()).
    demo_sources: list[str] = field(default_factory=list)
    levels: dict[str, int] = field(default_factory=dict)
    has_data: bool = False
    complete: bool | None = None  # every unit of the area reported (None without a figure)
    # The farthest later target (after target_year) that the rate already reaches: a commune
    # behind the national 2025 target may already be past its own 2026 target; both are said.
    later_target_met_year: int | None = None
    later_target_met_pct: float | None = None
    later_target_met_scope: str | None = None
    # A title decided for every commune of the register (cong_dong_xa): how many were assessed
    # (the total is every commune). None elsewhere.
    assessed: int | None = None

    def public(self) -> dict:
        """The documented JSON keys (and the extra detail after them). A shallow copy:
        dataclasses.asdict deep-copies every value and was most of a province's compare page."""
        out = {f: getattr(self, f) for f in _FIELD_NAMES if f != "demo_sources"}
        out["sources"] = list(self.sources)
        out["levels"] = dict(self.levels)
        return out

    @property
    def report_sources(self) -> list[str]:
        """The reports behind the figure, without the sources of synthetic batches (the demo's
        own line): a chart or slide says "Dữ liệu minh họa" once, in its own mark."""
        return [s for s in self.sources if s not in self.demo_sources]

    @classmethod
    def from_row(cls, row: dict) -> IndicatorProgress:
        """A row of progress_table (levels from its level_* columns, sources a list)."""
        levels = {
            c.removeprefix("level_"): int(row[c]) for c in LEVEL_COLUMNS if row[c] is not None
        }
        sources = list(row["sources"] or [])
        demo = list(row["demo_sources"] or [])
        return cls(
            **{f: row[f] for f in _ROW_FIELDS}, sources=sources, demo_sources=demo, levels=levels
        )

    @property
    def completeness(self) -> str:
        """ "1/23 huyện cũ báo cáo" ("" without a figure)."""
        return completeness_text(self.reporting_units, self.units_in_area, self.unit_level)

    @property
    def partial_note(self) -> str:
        """ "chưa đủ: 1/23 huyện cũ báo cáo" when some units did not report, else ""."""
        return partial_text(self.reporting_units, self.units_in_area, self.unit_level)


_FIELD_NAMES = tuple(f.name for f in fields(IndicatorProgress))
_ROW_FIELDS = tuple(f for f in _FIELD_NAMES if f not in ("sources", "demo_sources", "levels"))


def with_rates(figures: pl.DataFrame) -> pl.DataFrame:
    """Figures (queries.*_figures) with rate_pct (of the total) and rate_registered_pct."""
    rec = pl.col("recognized")
    return figures.with_columns(
        pm.rate_expr(rec, pl.col("total")).alias("rate_pct"),
        pm.rate_expr(rec, pl.col("registered")).alias("rate_registered_pct"),
    )


def progress_table(
    grid: pl.DataFrame, figures: pl.DataFrame, targets: pl.DataFrame, year: int
) -> pl.DataFrame:
    """The progress of each row of `grid` (locality_id, locality_code, locality_name, indicator,
    and any further columns, kept) in `year`: one row each, with the columns of IndicatorProgress
    (sources as a list, levels as the level_* columns).

    `figures` are those localities' yearly figures with rates (with_rates), any years; `targets`
    the targets that apply to each (queries.targets.applicable_targets): `year` is judged against the
    nearest target year at or after it, and the 2030 target is shown beside it."""
    upto = figures.filter(pl.col("year") <= year)
    nearest = pm.nearest_targets(targets, year, KEYS).select(
        *KEYS,
        pl.col("target_year").cast(pl.Int64),
        pl.col("percent").alias("target_pct"),
        pl.col("source").alias("target_source"),
        pl.col("confirmed").alias("target_confirmed"),
        pl.col("scope_level").alias("target_scope"),
        pl.col("scope_name").alias("target_scope_name"),
    )
    t2030 = targets.filter(pl.col("target_year") == 2030).select(
        *KEYS,
        pl.col("percent").alias("target_2030_pct"),
        pl.col("source").alias("target_2030_source"),
    )
    current = upto.filter(pl.col("year") == year).select(
        *KEYS,
        "total",
        "registered",
        "recognized",
        "rate_pct",
        "rate_registered_pct",
        "reporting_communes",
        "communes_in_area",
        "unit_level",
        "reporting_units",
        "units_in_area",
        "basis",
        "unplaceable",
        "total_from_register",
        "assessed",
        "sources",
        "demo_sources",
        *LEVEL_COLUMNS,
        pl.lit(True).alias("has_data"),
    )
    previous = upto.filter(pl.col("year") == year - 1).select(
        *KEYS, pl.col("rate_pct").alias("previous_pct")
    )
    meta = (
        upto.group_by(KEYS)
        .agg(pl.col("synthetic").any())
        .join(
            figures.sort("year")
            .group_by(KEYS)
            .agg(pl.col("communes_in_area").drop_nulls().last().alias("_last_communes")),
            on=KEYS,
            how="full",
            coalesce=True,
        )
    )
    f = grid
    for part in (current, previous, nearest, t2030, meta):
        f = f.join(part, on=KEYS, how="left", maintain_order="left")
    f = pm.judge(f, upto.select(*KEYS, "year", "rate_pct"), year, KEYS)
    later_met = (
        f.select(*KEYS, "rate_pct", pl.col("target_year").alias("_judged_year"))
        .join(targets, on=KEYS)
        .filter(
            (pl.col("target_year") > pl.col("_judged_year"))
            & (pl.col("rate_pct") >= pl.col("percent"))
        )
        .sort("target_year")
        .group_by(KEYS, maintain_order=True)
        .last()
        .select(
            *KEYS,
            pl.col("target_year").cast(pl.Int64).alias("later_target_met_year"),
            pl.col("percent").alias("later_target_met_pct"),
            pl.col("scope_level").alias("later_target_met_scope"),
        )
    )
    f = f.join(later_met, on=KEYS, how="left", maintain_order="left")
    labels_of = {i.id: i.label_vi for i in registry().indicator}
    status_labels = {s.value: s.label() for s in pm.Status}
    # A missed target names its year (Status.label_for), the same words as the scalar path.
    before, _, after = pm.Status.TARGET_MISSED.label_for(0).partition("0")
    return f.with_columns(
        # Without a figure for the year: the latest number of communes in the area.
        pl.when(pl.col("has_data"))
        .then(pl.col("communes_in_area"))
        .otherwise(pl.col("_last_communes"))
        .alias("communes_in_area"),
        pl.when(pl.col("has_data")).then(complete_expr()).alias("complete"),
        pl.col("has_data").fill_null(False),
        pl.col("synthetic").fill_null(False),
        pl.col("unplaceable").fill_null(0),
        pl.col("total_from_register").fill_null(False),
        pl.lit(year).alias("year"),
        pl.col("indicator").replace_strict(labels_of).alias("indicator_label"),
        pl.when(pl.col("status") == pm.Status.TARGET_MISSED.value)
        .then(pl.concat_str(pl.lit(before), pl.col("target_year").cast(pl.String), pl.lit(after)))
        .otherwise(pl.col("status").replace_strict(status_labels))
        .alias("status_label"),
    )


def progress_for(
    con: duckdb.DuckDBPyConnection,
    locality_id: str,
    year: int,
    indicators: Sequence[str] | None = None,
    series: pl.DataFrame | None = None,
) -> list[IndicatorProgress]:
    """Every indicator (or the chosen ones) of one locality for one year. `series` may pass the
    locality's series_all() when the caller has it already (a page draws its charts from it)."""
    loc = rq.locality(con, locality_id)
    if loc is None:
        raise KeyError(locality_id)
    reg = registry()
    ids = list(indicators) if indicators else reg.ids()
    for i in ids:
        reg.by_id(i)  # an unknown indicator is refused here, by name
    figures = series if series is not None else series_all(con, locality_id)
    n = len(ids)
    grid = pl.DataFrame(
        {
            "locality_id": [locality_id] * n,
            "locality_code": [loc.get("code")] * n,
            "locality_name": [loc["name"]] * n,
            "indicator": ids,
        },
        schema={
            "locality_id": pl.String,
            "locality_code": pl.String,
            "locality_name": pl.String,
            "indicator": pl.String,
        },
    )
    table = progress_table(
        grid,
        figures.with_columns(pl.lit(locality_id).alias("locality_id")),
        tq.applicable_targets(con, [locality_id]),
        year,
    )
    items = [IndicatorProgress.from_row(row) for row in table.iter_rows(named=True)]
    for it in items:  # the title as the unit's level says it ("… cấp huyện" for an old district)
        it.indicator_label = reg.by_id(it.indicator).label_at(loc["level"])
    if indicators:
        return items  # asked for by name: said, whatever it holds
    # What the place owes: a commune does not report provincial units, so it is never "Chưa
    # báo cáo" for them; such a figure is shown only where one exists.
    return [it for it in items if it.has_data or owes(loc["level"], it.indicator)]


def owes(level: str, indicator: str) -> bool:
    """Whether a unit of `level` reports `indicator`, so that no figure is "Chưa báo cáo".
    Communes and old communes report the titles of the commune level (Indicator.level_scope),
    not the province's own units, nor their own "Cộng đồng học tập" cấp xã, which the province
    decides (Indicator.register_base, Thông tư 25/2023); provinces, old districts and the
    country owe every title."""
    if level in ("commune", "old_commune"):
        ind = registry().by_id(indicator)
        return ind.level_scope == "commune" and not ind.register_base
    return True


def children_progress(
    con: duckdb.DuckDBPyConnection,
    parent_id: str,
    year: int,
    indicators: Sequence[str] | None = None,
    *,
    pending: bool = False,
    lang: str = "vi",
) -> pl.DataFrame:
    """Each commune of a province (or each province of the country), per indicator, with its
    status, change and rank within the parent (1 = highest rate): progress_table for all the
    children at once (a province has up to ~170 communes × 11 indicators).

    `pending`: a commune's figures submitted in the year's round and not yet approved stand in
    for its approved ones, and a column `pending` says which rows they are (a province only).

    `rankable`: the figure is ranked (metrics.completeness.is_rankable); `partial_note` says
    what a ranking says beside it (completeness.ranking_note: "", "92/96 xã", or "chưa đủ:
    50/102 xã báo cáo" for one kept apart); both said in `lang` (the CLI's and the exports'
    Vietnamese by default)."""
    if parent_id == COUNTRY_ID:
        children = rq.provinces(con).with_columns(pl.lit("Tỉnh").alias("unit_type"))
        figures = q.province_figures(con)
    else:
        children = rq.communes_of(con, parent_id)
        figures = q.commune_figures(con, province_id=parent_id)
    sent = pl.DataFrame()
    if pending and parent_id != COUNTRY_ID:
        sent, figures = _with_pending(con, figures, parent_id, year)
    ids = list(indicators) if indicators else registry().ids()
    if children.height == 0:
        return pl.DataFrame()
    grid = children.select(
        pl.col("id").alias("locality_id"),
        pl.col("code").alias("locality_code"),
        pl.col("name").alias("locality_name"),
        "short_name",
        "unit_type",
        "lat",
        "lon",
    ).join(pl.DataFrame({"indicator": ids}), how="cross")
    targets = tq.applicable_targets(con, children["id"].to_list())
    f = progress_table(
        grid, with_rates(figures.filter(pl.col("indicator").is_in(ids))), targets, year
    )
    if not indicators:  # what each child owes, as progress_for (a commune: no provincial units)
        level = "province" if parent_id == COUNTRY_ID else "commune"
        owed = [i for i in ids if owes(level, i)]
        f = f.filter(pl.col("has_data") | pl.col("indicator").is_in(owed))
    rate, base = pl.col("rate_pct"), pl.col("base_pct")
    # Figures with at least RANK_MIN_PCT % of their units are ranked ("92/96 xã" said beside
    # them); one further from whole (1/23 huyện cũ) comes after them, unranked.
    f = f.with_columns(
        (pl.col("has_data") & rate.is_not_null() & rankable_expr())
        .fill_null(False)
        .alias("rankable")
    )
    ranked = pl.when(pl.col("rankable")).then(rate)
    f = f.with_columns(
        pl.when(pl.col("has_data"))
        .then(pm.change_rel_expr(rate, base))
        .alias("change_since_base_rel_pct"),
        pl.col("sources").list.join("; ").fill_null(""),
        pl.col("demo_sources").list.join("; ").fill_null(""),
        ranked.rank(method="min", descending=True).over("indicator").cast(pl.Int64).alias("rank"),
        ranked.is_not_null().sum().over("indicator").alias("ranked_of"),
        text_column(f, lang=lang).alias("completeness"),
        text_column(f, ranking_note, lang).alias("partial_note"),
    )
    public = [n for n in _FIELD_NAMES if n not in ("levels", "demo_sources")]
    extra = [
        "demo_sources",
        "change_since_base_rel_pct",
        "short_name",
        "unit_type",
        "lat",
        "lon",
        "rankable",
        "rank",
        "ranked_of",
        "completeness",
        "partial_note",
    ]
    if pending:
        marks = sent.select("locality_id", "indicator", pl.lit(True).alias("pending"))
        f = f.join(marks, on=["locality_id", "indicator"], how="left").with_columns(
            pl.col("pending").fill_null(False)
        )
        extra.append("pending")
    order = {i: n for n, i in enumerate(ids)}
    return (
        f.with_columns(
            pl.col("indicator").replace_strict(order, return_dtype=pl.Int64).alias("_ord")
        )
        .sort("_ord", maintain_order=True)
        .select([*public, *extra])
    )


# What a leader looks at first, worst first: a target missed, a falling rate, progress limited
# or too slow. The others (met, on track, not judged) wait in the cards.
NEEDS_ATTENTION = (
    pm.Status.TARGET_MISSED,
    pm.Status.FALLING,
    pm.Status.LIMITED,
    pm.Status.TOO_SLOW,
)


def needing_attention(items: Sequence[IndicatorProgress]) -> list[IndicatorProgress]:
    """The indicators whose status needs attention (NEEDS_ATTENTION), worst status first and,
    within one, the furthest from its plan first."""
    order = {s.value: i for i, s in enumerate(NEEDS_ATTENTION)}
    return sorted(
        (p for p in items if p.has_data and p.status in order),
        key=lambda p: (order[p.status], p.plan_pct if p.plan_pct is not None else float("inf")),
    )


def _with_pending(
    con: duckdb.DuckDBPyConnection, figures: pl.DataFrame, province_id: str, year: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The submitted-not-yet-approved figures of the year, and `figures` with them in place of
    the approved ones of the same commune, year and indicator."""
    keys = ["locality_id", "year", "indicator"]
    sent = q.pending_commune_figures(con, province_id, year)
    if sent.height == 0:
        return sent, figures
    kept = figures.join(sent.select(keys), on=keys, how="anti")
    return sent, pl.concat([kept, sent.select(figures.columns)], how="vertical_relaxed")


def status_counts(children: pl.DataFrame, indicator: str) -> dict[str, int]:
    """How many children are in each status for one indicator."""
    sub = children.filter(pl.col("indicator") == indicator)
    counts = {s.value: 0 for s in pm.Status}
    for status, n in sub.group_by("status").len().iter_rows():
        counts[status] = int(n)
    return counts


def progress_frame(items: Sequence[IndicatorProgress]) -> pl.DataFrame:
    rows = [
        {k: v for k, v in it.public().items() if k not in ("levels", "sources")} for it in items
    ]
    for r, it in zip(rows, items, strict=True):
        r["sources"] = "; ".join(it.sources)
    return pl.DataFrame(rows, infer_schema_length=None)


def series_all(con: duckdb.DuckDBPyConnection, locality_id: str) -> pl.DataFrame:
    """Yearly figures of every indicator for one locality, with rates (for charts and tables)."""
    return with_rates(q.area_figures(con, locality_id)).sort("indicator", "year")


def series_frame(con: duckdb.DuckDBPyConnection, locality_id: str, indicator: str) -> pl.DataFrame:
    """Yearly figures of one indicator for one locality, with rates."""
    return series_all(con, locality_id).filter(pl.col("indicator") == indicator)
