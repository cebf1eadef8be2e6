"""Progress of a locality (or of all the children of one) against its targets, per indicator.

This is where figures (metrics.queries) meet the maths (metrics.progress). The pages, the CLI
(`xhht progress`), the exports and the tests all call these functions, so a number is the
same wherever a user reads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields

import duckdb
import polars as pl

from metrics import progress as pm
from metrics import queries as q
from metrics.indicators import registry
from metrics.store import COUNTRY_ID, LEVEL_COLUMNS

SCOPE_LABEL_VI = {
    "country": "quốc gia",
    "province": "tỉnh",
    "commune": "xã",
    "old_district": "huyện (cũ)",
    "old_province": "tỉnh (cũ)",
    "old_commune": "xã (cũ)",
}


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
    # Further detail for pages and exports.
    locality_id: str = ""
    indicator_label: str = ""
    status_label: str = ""
    target_scope: str | None = None  # quốc gia / tỉnh / xã …
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
    levels: dict[str, int] = field(default_factory=dict)
    has_data: bool = False

    def public(self) -> dict:
        """The documented JSON keys (and the extra detail after them). A shallow copy:
        dataclasses.asdict deep-copies every value and was most of a province's compare page."""
        out = {f: getattr(self, f) for f in _FIELD_NAMES}
        out["sources"] = list(self.sources)
        out["levels"] = dict(self.levels)
        return out


_FIELD_NAMES = tuple(f.name for f in fields(IndicatorProgress))


def _targets_by_indicator(targets: pl.DataFrame) -> dict[str, dict[int, dict]]:
    out: dict[str, dict[int, dict]] = {}
    for row in targets.iter_rows(named=True):
        out.setdefault(row["indicator"], {})[int(row["target_year"])] = row
    return out


def _rate_series(rows: list[dict]) -> list[tuple[int, float]]:
    return [(r["year"], r["_rate"]) for r in rows if r["_rate"] is not None]


def _with_rates(figures: pl.DataFrame) -> pl.DataFrame:
    return figures.with_columns(
        pl.when(pl.col("total") > 0).then(pl.col("recognized") * 100.0 / pl.col("total")).otherwise(None).alias("_rate"),
        pl.when(pl.col("registered") > 0)
        .then(pl.col("recognized") * 100.0 / pl.col("registered"))
        .otherwise(None)
        .alias("_rate_registered"),
    )


def assess_indicator(
    loc: dict,
    indicator: str,
    year: int,
    rows: list[dict],
    targets: dict[int, dict],
) -> IndicatorProgress:
    """One indicator of one locality: rows are that locality's yearly figures for the indicator."""
    reg = registry()
    ind = reg.by_id(indicator)
    rows = sorted(rows, key=lambda r: r["year"])
    current = next((r for r in rows if r["year"] == year), None)
    series = _rate_series([r for r in rows if r["year"] <= year])
    target_year = pm.nearest_target_year(year, targets)
    target = targets.get(target_year) if target_year else None
    target_pct = target["percent"] if target else None
    t2030 = targets.get(2030)
    rate_pct = current["_rate"] if current else None
    assessment = pm.assess(series, year, target_pct, target_year)
    previous = next((r["_rate"] for r in rows if r["year"] == year - 1), None)
    change_pp, change_rel = pm.change(rate_pct, previous)
    base_change = None
    if assessment.base_value is not None and rate_pct is not None and assessment.base_year != year:
        base_change = rate_pct - assessment.base_value
    expected = None
    if assessment.base_year is not None and target_pct is not None and target_year is not None:
        expected = pm.expected_value(assessment.base_year, assessment.base_value or 0.0, target_year, target_pct, year)
    levels = {}
    if current:
        levels = {c.removeprefix("level_"): int(current[c]) for c in LEVEL_COLUMNS if current.get(c) is not None}
    return IndicatorProgress(
        locality_code=loc.get("code"),
        locality_name=loc["name"],
        indicator=indicator,
        year=year,
        total=current["total"] if current else None,
        registered=current["registered"] if current else None,
        recognized=current["recognized"] if current else None,
        rate_pct=rate_pct,
        rate_registered_pct=current["_rate_registered"] if current else None,
        target_pct=target_pct,
        target_year=target_year if target else None,
        target_source=target["source"] if target else None,
        target_2030_pct=t2030["percent"] if t2030 else None,
        status=assessment.status.value,
        projected_pct=pm.project(series, year, target_year) if target_year else None,
        required_pp_per_year=pm.required_pace(rate_pct, year, target_pct, target_year),
        reporting_communes=current["reporting_communes"] if current else None,
        communes_in_area=current["communes_in_area"] if current else _communes_in_area(rows),
        locality_id=loc["id"],
        indicator_label=ind.label_vi,
        status_label=pm.status_label(assessment.status),
        target_scope=SCOPE_LABEL_VI.get(target["scope_level"]) if target else None,
        target_scope_name=target["scope_name"] if target else None,
        target_confirmed=target["confirmed"] if target else None,
        target_2030_source=t2030["source"] if t2030 else None,
        plan_pct=pm.plan_pct(rate_pct, target_pct),
        expected_pct=expected,
        ratio=assessment.ratio,
        method=assessment.method,
        base_year=assessment.base_year,
        base_pct=assessment.base_value,
        previous_pct=previous,
        change_pp=change_pp,
        change_rel_pct=change_rel,
        change_since_base_pp=base_change,
        basis=current["basis"] if current else None,
        unplaceable=int(current["unplaceable"] or 0) if current else 0,
        total_from_register=bool(current["total_from_register"]) if current else False,
        synthetic=any(bool(r["synthetic"]) for r in rows if r["year"] <= year),
        sources=list(current["sources"] or []) if current else [],
        levels=levels,
        has_data=current is not None,
    )


def _communes_in_area(rows: list[dict]) -> int | None:
    for r in reversed(rows):
        if r.get("communes_in_area") is not None:
            return int(r["communes_in_area"])
    return None


def progress_for(
    con: duckdb.DuckDBPyConnection,
    locality_id: str,
    year: int,
    indicators: Sequence[str] | None = None,
    series: pl.DataFrame | None = None,
) -> list[IndicatorProgress]:
    """Every indicator (or the chosen ones) of one locality for one year. `series` may pass the
    locality's series_all() when the caller has it already (a page draws its charts from it)."""
    loc = q.locality(con, locality_id)
    if loc is None:
        raise KeyError(locality_id)
    if series is None:
        figures = _with_rates(q.area_figures(con, locality_id))
    else:
        figures = series.rename({"rate_pct": "_rate", "rate_registered_pct": "_rate_registered"})
    targets = _targets_by_indicator(q.resolved_targets(con, locality_id))
    by_ind: dict[str, list[dict]] = {}
    for row in figures.iter_rows(named=True):
        by_ind.setdefault(row["indicator"], []).append(row)
    ids = list(indicators) if indicators else registry().ids()
    return [assess_indicator(loc, i, year, by_ind.get(i, []), targets.get(i, {})) for i in ids]


def progress_frame(items: Sequence[IndicatorProgress]) -> pl.DataFrame:
    rows = [{k: v for k, v in it.public().items() if k not in ("levels", "sources")} for it in items]
    for r, it in zip(rows, items, strict=True):
        r["sources"] = "; ".join(it.sources)
    return pl.DataFrame(rows, infer_schema_length=None)


def series_all(con: duckdb.DuckDBPyConnection, locality_id: str) -> pl.DataFrame:
    """Yearly figures of every indicator for one locality, with rates (for charts and tables)."""
    figures = _with_rates(q.area_figures(con, locality_id))
    return figures.sort("indicator", "year").rename({"_rate": "rate_pct", "_rate_registered": "rate_registered_pct"})


def series_frame(con: duckdb.DuckDBPyConnection, locality_id: str, indicator: str) -> pl.DataFrame:
    """Yearly figures of one indicator for one locality, with rates."""
    return series_all(con, locality_id).filter(pl.col("indicator") == indicator)


TARGETS_AHEAD_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "indicator": pl.String, "target_year": pl.Int64, "target_pct": pl.Float64, "scope_level": pl.String,
    "scope_name": pl.String, "source": pl.String, "confirmed": pl.Boolean, "rate_pct": pl.Float64,
    "plan_pct": pl.Float64, "gap_pp": pl.Float64, "required_pp_per_year": pl.Float64,
    "projected_pct": pl.Float64, "projected_gap_pp": pl.Float64,
}


def targets_ahead(
    con: duckdb.DuckDBPyConnection,
    locality_id: str,
    year: int,
    series: pl.DataFrame | None = None,
    targets: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """For each indicator and each target year after `year` (a commune's own 2026 and 2030
    targets, say): the target and where it comes from, the share reached now, the gap, the pace
    still needed and where the recent trend leads. `series` (series_all) and `targets`
    (resolved_targets) may be passed when the caller has them."""
    series = series if series is not None else series_all(con, locality_id)
    items = {p.indicator: p for p in progress_for(con, locality_id, year, series=series)}
    tg = targets if targets is not None else q.resolved_targets(con, locality_id)
    rows = []
    for r in tg.filter(pl.col("target_year") > year).iter_rows(named=True):
        p = items.get(r["indicator"])
        if p is None:
            continue
        s = series.filter(pl.col("indicator") == r["indicator"])
        pts = [(int(y), float(v)) for y, v in zip(s["year"], s["rate_pct"], strict=True) if v is not None and y <= year]
        ty = int(r["target_year"])
        projected = pm.project(pts, year, ty)
        rows.append(
            {
                "indicator": r["indicator"],
                "target_year": ty,
                "target_pct": r["percent"],
                "scope_level": SCOPE_LABEL_VI.get(r["scope_level"], r["scope_level"]),
                "scope_name": r["scope_name"],
                "source": r["source"],
                "confirmed": r["confirmed"],
                "rate_pct": p.rate_pct,
                "plan_pct": pm.plan_pct(p.rate_pct, r["percent"]),
                "gap_pp": pm.change(r["percent"], p.rate_pct)[0],
                "required_pp_per_year": pm.required_pace(p.rate_pct, year, r["percent"], ty),
                "projected_pct": projected,
                "projected_gap_pp": pm.change(projected, r["percent"])[0],
            }
        )
    order = {i: n for n, i in enumerate(registry().ids())}
    rows.sort(key=lambda r: (order.get(r["indicator"], 99), r["target_year"]))
    return pl.DataFrame(rows, schema=TARGETS_AHEAD_SCHEMA)


def children_progress(
    con: duckdb.DuckDBPyConnection,
    parent_id: str,
    year: int,
    indicators: Sequence[str] | None = None,
) -> pl.DataFrame:
    """Each commune of a province (or each province of the country), per indicator, with its
    status, change and rank within the parent (1 = highest rate).

    The same method as progress_for / assess_indicator, computed for all children at once with
    polars (a province has up to ~170 communes × 11 indicators); tests/test_report.py checks
    that every row equals progress_for of that child."""
    if parent_id == COUNTRY_ID:
        children = q.provinces(con).with_columns(pl.lit("Tỉnh").alias("unit_type"))
        figures = q.province_figures(con)
        own_level = "province"
    else:
        children = q.communes_of(con, parent_id)
        figures = q.commune_figures(con, province_id=parent_id)
        own_level = "commune"
    ids = list(indicators) if indicators else registry().ids()
    if children.height == 0:
        return pl.DataFrame()
    all_years = _with_rates(figures).filter(pl.col("indicator").is_in(ids))
    figures = all_years.filter(pl.col("year") <= year)
    grid = children.select(
        pl.col("id").alias("locality_id"), pl.col("code").alias("locality_code"), pl.col("name").alias("locality_name"),
        "short_name", "unit_type", "lat", "lon",
    ).join(pl.DataFrame({"indicator": ids}), how="cross")
    keys = ["locality_id", "indicator"]

    # Targets: for each child, indicator and target year the child's own, else the parent's,
    # else the nation's; then the nearest target year at or after `year`, and 2030.
    scope_ids = [*children["id"].to_list(), parent_id, COUNTRY_ID]
    names = dict(q.scope_names(con, [parent_id, COUNTRY_ID]).select("id", "name").iter_rows())
    tg = q.targets_by_scope(con, scope_ids).filter(pl.col("indicator").is_in(ids))
    prio = {parent_id: 1, COUNTRY_ID: 0}
    general = tg.filter(pl.col("scope_id").is_in([COUNTRY_ID, parent_id]))
    general = (
        grid.select(keys)
        .join(general, on="indicator", how="inner")
        .with_columns(pl.col("scope_id").replace_strict(prio, default=2, return_dtype=pl.Int64).alias("_prio"))
    )
    own = tg.filter(~pl.col("scope_id").is_in([COUNTRY_ID, parent_id])).with_columns(
        pl.col("scope_id").alias("locality_id"), pl.lit(2, dtype=pl.Int64).alias("_prio")
    )
    levels_of = {parent_id: "province", COUNTRY_ID: "country"}  # the country wins when it is the parent
    targets = (
        pl.concat([general, own.select(general.columns)], how="vertical_relaxed")
        .sort("_prio")
        .group_by([*keys, "target_year"], maintain_order=True)
        .last()
        .with_columns(
            pl.col("scope_id").replace_strict(levels_of, default=own_level).alias("_scope_level"),
            pl.col("scope_id").replace_strict(names, default=None, return_dtype=pl.String).alias("_scope_name"),
        )
    )
    nearest = (
        targets.filter(pl.col("target_year") >= year).sort("target_year").group_by(keys, maintain_order=True).first()
        .select(
            *keys, pl.col("target_year").cast(pl.Int64), pl.col("percent").alias("target_pct"),
            pl.col("source").alias("target_source"), pl.col("confirmed").alias("target_confirmed"),
            pl.col("_scope_level"), pl.col("_scope_name"),
        )
    )
    t2030 = targets.filter(pl.col("target_year") == 2030).select(
        *keys, pl.col("percent").alias("target_2030_pct"), pl.col("source").alias("target_2030_source")
    )

    # The series: base (first year ≥ 2021 with a rate), previous year, the recent trend.
    pts = figures.filter(pl.col("_rate").is_not_null() & (pl.col("year") >= pm.BASELINE_FIRST_YEAR)).sort("year")
    base = pts.group_by(keys).agg(
        pl.col("year").first().cast(pl.Int64).alias("base_year"), pl.col("_rate").first().alias("base_pct"),
        pl.len().alias("_n_points"),
    )
    recent = figures.filter(pl.col("_rate").is_not_null()).sort("year").group_by(keys).tail(pm.PROJECTION_WINDOW)
    trend = (
        recent.with_columns(pl.col("year").cast(pl.Float64).alias("_x"))
        .group_by(keys)
        .agg(
            pl.col("_x").n_unique().alias("_nx"),
            ((pl.col("_x") - pl.col("_x").mean()) * (pl.col("_rate") - pl.col("_rate").mean())).sum().alias("_sxy"),
            ((pl.col("_x") - pl.col("_x").mean()) ** 2).sum().alias("_sxx"),
            pl.col("_x").mean().alias("_mx"),
            pl.col("_rate").mean().alias("_my"),
        )
    )
    previous = figures.filter(pl.col("year") == year - 1).select(*keys, pl.col("_rate").alias("previous_pct"))
    current = figures.filter(pl.col("year") == year).select(
        *keys, "total", "registered", "recognized", pl.col("_rate").alias("rate_pct"),
        pl.col("_rate_registered").alias("rate_registered_pct"), "reporting_communes",
        pl.col("communes_in_area").alias("_cur_communes"), "basis", "unplaceable", "total_from_register",
        pl.col("sources").list.join("; ").alias("sources"), pl.lit(True).alias("has_data"),
    )
    meta = figures.group_by(keys).agg(pl.col("synthetic").any().alias("synthetic")).join(
        all_years.sort("year").group_by(keys).agg(pl.col("communes_in_area").drop_nulls().last().alias("_last_communes")),
        on=keys, how="full", coalesce=True,
    )
    f = (
        grid.join(current, on=keys, how="left")
        .join(base, on=keys, how="left")
        .join(trend, on=keys, how="left")
        .join(previous, on=keys, how="left")
        .join(nearest, on=keys, how="left")
        .join(t2030, on=keys, how="left")
        .join(meta, on=keys, how="left")
    )
    rate, target, ty = pl.col("rate_pct"), pl.col("target_pct"), pl.col("target_year")
    by, bv = pl.col("base_year"), pl.col("base_pct")
    cagr_ok = (bv > 0) & (rate > 0)
    observed = (
        pl.when(cagr_ok).then((rate / bv) ** (1.0 / (year - by)) - 1.0).otherwise((rate - bv) / (year - by))
    )
    required = (
        pl.when(cagr_ok).then((target / bv) ** (1.0 / (ty - by)) - 1.0).otherwise((target - bv) / (ty - by))
    )
    assessable = rate.is_not_null() & target.is_not_null()
    met = assessable & (rate >= target)
    enough = assessable & ~met & (pl.col("_n_points") >= 2) & (by != year) & (ty > by)
    f = f.with_columns(
        pl.when(enough & (required > 0)).then(observed / required).otherwise(None).alias("ratio"),
        pl.when(met).then(pl.lit("met")).when(enough & cagr_ok).then(pl.lit("cagr")).when(enough).then(pl.lit("pp"))
        .otherwise(pl.lit("insufficient")).alias("method"),
        pl.when(~assessable).then(None).otherwise(by).alias("base_year"),
        pl.when(~assessable).then(None).otherwise(bv).alias("base_pct"),
        pl.when(met).then(pl.lit(pm.Status.TARGET_MET.value))
        .when(~enough).then(pl.lit(pm.Status.NOT_ASSESSABLE.value))
        .when(required <= 0).then(
            pl.when(observed < 0).then(pl.lit(pm.Status.FALLING.value)).otherwise(pl.lit(pm.Status.ON_TRACK.value))
        )
        .when(observed / required >= pm.ON_TRACK_RATIO).then(pl.lit(pm.Status.ON_TRACK.value))
        .when(observed / required >= pm.TOO_SLOW_RATIO).then(pl.lit(pm.Status.TOO_SLOW.value))
        .when(observed / required >= pm.LIMITED_RATIO).then(pl.lit(pm.Status.LIMITED.value))
        .otherwise(pl.lit(pm.Status.FALLING.value))
        .alias("status"),
    )
    slope = pl.col("_sxy") / pl.col("_sxx")
    by, bv = pl.col("base_year"), pl.col("base_pct")
    f = f.with_columns(
        pl.when(ty.is_not_null() & (pl.col("_nx") >= 2))
        .then((slope * ty + (pl.col("_my") - slope * pl.col("_mx"))).clip(0.0, 100.0))
        .otherwise(None).alias("projected_pct"),
        pl.when(rate.is_null() | target.is_null()).then(None)
        .when(rate >= target).then(0.0)
        .when(ty <= year).then(None)
        .otherwise((target - rate) / (ty - year)).alias("required_pp_per_year"),
        pl.when(target > 0).then(rate * 100.0 / target).otherwise(None).alias("plan_pct"),
        pl.when(by.is_not_null() & target.is_not_null())
        .then(pl.when(ty == by).then(target).otherwise(bv + (target - bv) * (year - by) / (ty - by)))
        .otherwise(None).alias("expected_pct"),
        (rate - pl.col("previous_pct")).alias("change_pp"),
        pl.when(pl.col("previous_pct") != 0).then((rate - pl.col("previous_pct")) * 100.0 / pl.col("previous_pct"))
        .otherwise(None).alias("change_rel_pct"),
        pl.when(by.is_not_null() & (by != year)).then(rate - bv).otherwise(None).alias("change_since_base_pp"),
        pl.when(pl.col("has_data")).then(
            pl.when(bv != 0).then((rate - bv) * 100.0 / bv).otherwise(None)
        ).otherwise(None).alias("change_since_base_rel_pct"),
        pl.col("_scope_level").replace_strict(SCOPE_LABEL_VI, default=None, return_dtype=pl.String).alias("target_scope"),
        pl.when(pl.col("_scope_level") == own_level).then(pl.col("locality_name")).otherwise(pl.col("_scope_name"))
        .alias("target_scope_name"),
        pl.coalesce("_cur_communes", "_last_communes").alias("communes_in_area"),
        pl.col("has_data").fill_null(False),
        pl.col("synthetic").fill_null(False),
        pl.col("unplaceable").fill_null(0),
        pl.col("total_from_register").fill_null(False),
        pl.col("sources").fill_null(""),
        pl.lit(year).alias("year"),
    )
    labels = {i.id: i.label_vi for i in registry().indicator}
    status_labels = {s.value: pm.status_label(s) for s in pm.Status}
    f = f.with_columns(
        pl.col("indicator").replace_strict(labels).alias("indicator_label"),
        pl.col("status").replace_strict(status_labels).alias("status_label"),
        pl.when(pl.col("target_year").is_null()).then(None).otherwise(pl.col("target_year")).alias("target_year"),
    )
    f = f.with_columns(
        pl.col("rate_pct").rank(method="min", descending=True).over("indicator").cast(pl.Int64).alias("rank"),
        pl.col("rate_pct").is_not_null().sum().over("indicator").alias("ranked_of"),
    )
    public = [n for n in _FIELD_NAMES if n != "levels"]
    extra = ["change_since_base_rel_pct", "short_name", "unit_type", "lat", "lon", "rank", "ranked_of"]
    order = {i: n for n, i in enumerate(ids)}
    return (
        f.with_columns(pl.col("indicator").replace_strict(order, return_dtype=pl.Int64).alias("_ord"))
        .sort("_ord", maintain_order=True)
        .select([*public, *extra])
    )


def status_counts(children: pl.DataFrame, indicator: str) -> dict[str, int]:
    """How many children are in each status for one indicator."""
    sub = children.filter(pl.col("indicator") == indicator)
    counts = {s.value: 0 for s in pm.Status}
    for status, n in sub.group_by("status").len().iter_rows():
        counts[status] = int(n)
    return counts
