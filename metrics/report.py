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


def targets_ahead(con: duckdb.DuckDBPyConnection, locality_id: str, year: int) -> pl.DataFrame:
    """For each indicator and each target year after `year` (a commune's own 2026 and 2030
    targets, say): the target and where it comes from, the share reached now, the gap, the pace
    still needed and where the recent trend leads."""
    items = {p.indicator: p for p in progress_for(con, locality_id, year)}
    series = series_all(con, locality_id)
    tg = q.resolved_targets(con, locality_id)
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
    status, change and rank within the parent (1 = highest rate)."""
    if parent_id == COUNTRY_ID:
        children = q.provinces(con)
        figures = q.province_figures(con)
    else:
        children = q.communes_of(con, parent_id)
        figures = q.commune_figures(con, province_id=parent_id)
    figures = _with_rates(figures)
    ids = list(indicators) if indicators else registry().ids()
    figures = figures.filter(pl.col("indicator").is_in(ids))
    # Targets: the child's own, else the parent's, else the nation's (per target year).
    scope_ids = [*children["id"].to_list(), parent_id, COUNTRY_ID]
    all_targets = q.targets_by_scope(con, scope_ids)
    names = {r["id"]: r for r in q.scope_names(con, [parent_id, COUNTRY_ID]).iter_rows(named=True)}
    tgt: dict[str, dict[str, dict[int, dict]]] = {}
    for row in all_targets.iter_rows(named=True):
        tgt.setdefault(row["scope_id"], {}).setdefault(row["indicator"], {})[int(row["target_year"])] = row
    grouped: dict[tuple[str, str], list[dict]] = {}
    for row in figures.iter_rows(named=True):
        grouped.setdefault((row["locality_id"], row["indicator"]), []).append(row)
    out: list[dict] = []
    for child in children.iter_rows(named=True):
        loc = {"id": child["id"], "code": child["code"], "name": child["name"]}
        for ind in ids:
            merged_targets: dict[int, dict] = {}
            chain = [(COUNTRY_ID, "country")]
            if parent_id != COUNTRY_ID:
                chain.append((parent_id, "province"))
            chain.append((child["id"], "commune" if parent_id != COUNTRY_ID else "province"))
            for scope, level in chain:
                for ty, row in tgt.get(scope, {}).get(ind, {}).items():
                    scope_name = child["name"] if scope == child["id"] else names.get(scope, {}).get("name", scope)
                    merged_targets[ty] = {**row, "scope_level": level, "scope_name": scope_name}
            p = assess_indicator(loc, ind, year, grouped.get((child["id"], ind), []), merged_targets)
            d = p.public()
            d.pop("levels")
            d["sources"] = "; ".join(p.sources)
            # Start → end, as Our World in Data's table: relative change since the baseline.
            d["change_since_base_rel_pct"] = pm.change(p.rate_pct, p.base_pct)[1] if p.has_data else None
            d["short_name"] = child["short_name"]
            d["unit_type"] = child.get("unit_type", "Tỉnh")
            d["lat"], d["lon"] = child["lat"], child["lon"]
            out.append(d)
    frame = pl.DataFrame(out, infer_schema_length=None)
    if frame.height == 0:
        return frame
    return frame.with_columns(
        pl.col("rate_pct").rank(method="min", descending=True).over("indicator").cast(pl.Int64).alias("rank"),
        pl.col("rate_pct").is_not_null().sum().over("indicator").alias("ranked_of"),
    )


def status_counts(children: pl.DataFrame, indicator: str) -> dict[str, int]:
    """How many children are in each status for one indicator."""
    sub = children.filter(pl.col("indicator") == indicator)
    counts = {s.value: 0 for s in pm.Status}
    for status, n in sub.group_by("status").len().iter_rows():
        counts[status] = int(n)
    return counts
