"""Named queries of figures: a connection and typed arguments in, a polars frame out. With the
other modules of metrics/queries/ and the store layer (metrics/store/), the only modules that
hold SQL (tests/test_layers.py).

Aggregation rules (docs/method.md, "Cách tính tỷ lệ"):
- A rate is Σ recognized / Σ total over the area, never an average of percentages. A sum whose
  parts do not all know their total has an unknown total (and so no rate of total).
- A current commune: its own figure; for years before the reorganisation, the sum of the old
  communes merged whole into it. Old communes that were split cannot be placed: they are
  counted in `unplaceable` and the figure is marked partial instead of guessed.
- A province: the sum over its communes (today's communes if any reported that year, else the
  old communes that lie in it); if no commune reported, the province's own figure (or its old
  provinces'); else the sum of its old districts'. One source per figure: never counted twice.
- The country: the sum of the provinces.
- An old district: its own figure, else the sum of its old communes; it also shows on its own.
Every figure says how complete it is: unit_level, reporting_units, units_in_area
(metrics.completeness).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import polars as pl

from metrics import completeness
from metrics.queries.registers import locality, units_by_province, units_under
from metrics.store import query_frame
from metrics.store.schema import COUNTRY_ID, LEVEL_COLUMNS

VALUE_COLUMNS = ("total", "registered", "recognized", *LEVEL_COLUMNS)

# Sum that stays unknown when any part is unknown (count(x) counts non-nulls).
_SUMS_STRICT = ",\n".join(
    f"CASE WHEN count(o.{c}) = count(*) THEN sum(o.{c}) END AS {c}"
    for c in ("total", "registered", "recognized")
)
_SUMS_LEVELS = ",\n".join(f"sum(o.{c}) AS {c}" for c in LEVEL_COLUMNS)
_AGG = f"""{_SUMS_STRICT},
    {_SUMS_LEVELS},
    count(*) AS units,
    bool_or(o.synthetic) AS synthetic,
    bool_or(o.total_from_register) AS total_from_register,
    coalesce(list_sort(array_agg(DISTINCT o.source) FILTER (WHERE o.source IS NOT NULL)), []::TEXT[]) AS sources,
    coalesce(list_sort(array_agg(DISTINCT o.source) FILTER (WHERE o.source IS NOT NULL AND o.synthetic)), []::TEXT[]) AS demo_sources"""

AREA_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "locality_id": pl.String,
    "year": pl.Int32,
    "indicator": pl.String,
    **{c: pl.Int64 for c in VALUE_COLUMNS},
    "units": pl.Int64,
    "synthetic": pl.Boolean,
    "total_from_register": pl.Boolean,
    "sources": pl.List(pl.String),
    # The sources of figures from synthetic (demo) batches, among `sources`: the batch's flag,
    # not the text, says a source is the demo's own line.
    "demo_sources": pl.List(pl.String),
    "basis": pl.String,
    "reporting_communes": pl.Int64,
    "communes_in_area": pl.Int64,
    "unplaceable": pl.Int64,
    "unit_level": pl.String,
    "reporting_units": pl.Int64,
    "units_in_area": pl.Int64,
    # Titles a province decides for every commune of its register (Indicator.register_base):
    # how many communes were assessed; the total is every commune of the register.
    "assessed": pl.Int64,
}


def _conform(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame in AREA_SCHEMA's columns and types (a column it lacks is null)."""
    missing = [
        pl.lit(None, dtype=t).alias(c) for c, t in AREA_SCHEMA.items() if c not in frame.columns
    ]
    return frame.with_columns(missing).select(list(AREA_SCHEMA)).cast(AREA_SCHEMA)  # type: ignore[arg-type]


def _empty_area() -> pl.DataFrame:
    return pl.DataFrame(schema=AREA_SCHEMA)


def _year_filter(years: Sequence[int] | None) -> tuple[str, list[object]]:
    if not years:
        return "", []
    return " AND o.year IN (SELECT unnest(?::INTEGER[]))", [list(years)]


PENDING_SOURCE = "Báo cáo xã đã nộp qua ứng dụng, chưa được tỉnh duyệt"


def pending_commune_figures(
    con: duckdb.DuckDBPyConnection, province_id: str, year: int
) -> pl.DataFrame:
    """The figures the province's communes submitted in the year's round and the province has
    not yet approved (state submitted), shaped like commune_figures' own rows."""
    sent = query_frame(
        con,
        f"""SELECT f.locality_id, f.year, f.indicator, f.total, f.registered, f.recognized,
                   {", ".join(f"f.{c}" for c in LEVEL_COLUMNS)},
                   1::BIGINT AS units, FALSE AS synthetic, FALSE AS total_from_register,
                   [?]::TEXT[] AS sources
            FROM round_figures f
            JOIN round_reports r ON r.locality_id = f.locality_id AND r.year = f.year
            WHERE r.state = 'submitted' AND r.province_id = ? AND f.year = ?""",
        [PENDING_SOURCE, province_id, year],
    )
    ones = ("reporting_units", "units_in_area", "reporting_communes", "communes_in_area")
    return _conform(
        sent.with_columns(
            pl.lit("own").alias("basis"),
            pl.lit(0, dtype=pl.Int64).alias("unplaceable"),
            pl.lit("commune").alias("unit_level"),
            *(pl.lit(1, dtype=pl.Int64).alias(c) for c in ones),
        )
    )


def commune_figures(
    con: duckdb.DuckDBPyConnection,
    province_id: str | None = None,
    commune_ids: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
    indicators: Sequence[str] | None = None,
) -> pl.DataFrame:
    """Figures of today's communes (own, else merged old communes), one row per commune, year, indicator."""
    where, params = _commune_scope(province_id, commune_ids)
    yf, yparams = _year_filter(years)
    inf = ""
    iparams: list[object] = []
    if indicators:
        inf = " AND o.indicator IN (SELECT unnest(?::TEXT[]))"
        iparams = [list(indicators)]
    # observations_current holds one row per (locality, year, indicator): no aggregation needed.
    own = query_frame(
        con,
        f"""SELECT o.locality_id, o.year, o.indicator, o.total, o.registered, o.recognized,
                   {", ".join(f"o.{c}" for c in LEVEL_COLUMNS)},
                   1::BIGINT AS units, o.synthetic, o.total_from_register,
                   CASE WHEN o.source IS NULL THEN []::TEXT[] ELSE [o.source] END AS sources,
                   CASE WHEN o.source IS NULL OR NOT o.synthetic THEN []::TEXT[] ELSE [o.source] END
                       AS demo_sources
            FROM observations_current o JOIN localities c ON c.id = o.locality_id
            WHERE c.level = 'commune' {where}{yf}{inf}""",
        [*params, *yparams, *iparams],
    )
    # Only figures of pre-2025 units can reach a commune through the lineage.
    where_old = where + " AND o.locality_id LIKE 'O%'"
    lineage_keys = query_frame(
        con,
        f"""SELECT g.new_id AS locality_id, o.year, o.indicator,
                   count(*) FILTER (WHERE g.relation = 'split') AS unplaceable
            FROM observations_current o
            JOIN lineage g ON g.old_id = o.locality_id
            JOIN localities c ON c.id = g.new_id
            WHERE c.level = 'commune' {where_old}{yf}{inf}
            GROUP BY ALL""",
        [*params, *yparams, *iparams],
    )
    # The merged sum must only count whole old communes; recompute it without the split ones.
    merged_whole = query_frame(
        con,
        f"""SELECT g.new_id AS locality_id, o.year, o.indicator, {_AGG}
            FROM observations_current o
            JOIN lineage g ON g.old_id = o.locality_id AND g.relation = 'merged'
            JOIN localities c ON c.id = g.new_id
            WHERE c.level = 'commune' {where_old}{yf}{inf}
            GROUP BY ALL""",
        [*params, *yparams, *iparams],
    )
    # Every old commune that lies in a new commune, whole or in part, is one of its units.
    old_units = query_frame(
        con,
        f"""SELECT g.new_id AS locality_id, count(*) AS units_in_area
            FROM lineage g JOIN localities c ON c.id = g.new_id JOIN localities u ON u.id = g.old_id
            WHERE c.level = 'commune' AND u.level = 'old_commune' {where}
            GROUP BY 1""",
        params,
    )
    own = own.with_columns(
        pl.lit("own").alias("basis"),
        pl.lit(0, dtype=pl.Int64).alias("unplaceable"),
        pl.lit("commune").alias("unit_level"),
        pl.lit(1, dtype=pl.Int64).alias("reporting_units"),
        pl.lit(1, dtype=pl.Int64).alias("units_in_area"),
    )
    lineage_rows = (
        lineage_keys.join(merged_whole, on=["locality_id", "year", "indicator"], how="left")
        .with_columns(
            pl.when(pl.col("units").is_null())
            .then(pl.lit("unplaceable"))
            .when(pl.col("unplaceable") > 0)
            .then(pl.lit("merged_partial"))
            .otherwise(pl.lit("merged"))
            .alias("basis"),
            pl.col("units").fill_null(0),
            pl.lit("old_commune").alias("unit_level"),
            pl.col("units").fill_null(0).alias("reporting_units"),
        )
        .join(old_units, on="locality_id", how="left")
        .join(
            own.select("locality_id", "year", "indicator"),
            on=["locality_id", "year", "indicator"],
            how="anti",
        )
    )
    out = pl.concat([own, lineage_rows.select(own.columns)], how="vertical_relaxed")
    # A partial or unplaceable history has no known total for the new commune.
    out = out.with_columns(
        [
            pl.when(pl.col("basis").is_in(["merged_partial", "unplaceable"]))
            .then(None)
            .otherwise(pl.col(c))
            .alias(c)
            for c in ("total", "registered")
        ]
        + [
            pl.when(pl.col("basis") == "unplaceable")
            .then(None)
            .otherwise(pl.col("recognized"))
            .alias("recognized"),
            pl.when(pl.col("basis") == "own")
            .then(1)
            .otherwise(pl.col("units").clip(0, 1))
            .alias("reporting_communes"),
            pl.lit(1, dtype=pl.Int64).alias("communes_in_area"),
        ]
    )
    return _conform(out)


def _commune_scope(
    province_id: str | None, commune_ids: Sequence[str] | None
) -> tuple[str, list[object]]:
    if commune_ids is not None:
        return " AND c.id IN (SELECT unnest(?::TEXT[]))", [list(commune_ids)]
    if province_id is not None:
        return " AND c.province_id = ?", [province_id]
    return "", []


def province_figures(
    con: duckdb.DuckDBPyConnection,
    province_ids: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
) -> pl.DataFrame:
    """Figures of today's provinces, one row per province, year and indicator (rules above)."""
    pf = ""
    pparams: list[object] = []
    if province_ids is not None:
        pf = " AND l.province_id IN (SELECT unnest(?::TEXT[]))"
        pparams = [list(province_ids)]
    yf, yparams = _year_filter(years)
    by_level = query_frame(
        con,
        f"""SELECT l.province_id AS locality_id, l.level, o.year, o.indicator, {_AGG},
                   count(*) AS reporting  -- one row per locality, year and indicator in force
            FROM observations_current o JOIN localities l ON l.id = o.locality_id
            WHERE l.level <> 'country' {pf}{yf}
            GROUP BY ALL""",
        [*pparams, *yparams],
    )
    units = units_by_province(con, province_ids)
    sizes = units.pivot(on="unit_level", index="locality_id", values="units_in_area")
    sizes = sizes.select(
        "locality_id",
        *(
            (pl.col(lv) if lv in sizes.columns else pl.lit(0, dtype=pl.Int64)).alias(name)
            for lv, name in (("commune", "communes_now"), ("old_commune", "communes_old"))
        ),
    )
    if by_level.height == 0:
        return _empty_area()
    priority = {"commune": 0, "old_commune": 1, "province": 2, "old_province": 3, "old_district": 4}
    basis = {
        "commune": "communes",
        "old_commune": "old_communes",
        "province": "own",
        "old_province": "old_provinces",
        "old_district": "old_districts",
    }
    chosen = (
        by_level.with_columns(
            pl.col("level").replace_strict(priority, return_dtype=pl.Int64).alias("_prio")
        )
        .sort("_prio")
        .group_by(["locality_id", "year", "indicator"], maintain_order=True)
        .first()
        .join(sizes, on="locality_id", how="left")
        .with_columns(
            pl.col("level").replace_strict(basis, return_dtype=pl.String).alias("basis"),
            pl.when(pl.col("level") == "old_commune")
            .then(pl.col("communes_old"))
            .otherwise(pl.col("communes_now"))
            .alias("communes_in_area"),
            pl.when(pl.col("level").is_in(["commune", "old_commune"]))
            .then(pl.col("reporting"))
            .otherwise(None)
            .alias("reporting_communes"),
            pl.lit(0, dtype=pl.Int64).alias("unplaceable"),
            pl.col("level").alias("unit_level"),
            pl.col("reporting").alias("reporting_units"),
        )
        .join(units, on=["locality_id", "unit_level"], how="left")
    )
    # A title the province decides for every commune (cong_dong_xa): its base is every commune
    # of the register, not those with a result; a commune without one was not recognised. The
    # figure is then whole, and says how many were assessed. (The registry is imported here:
    # `xhht localities find` reads the register through this package and needs no indicator.)
    from metrics.indicators import registry

    register_base = pl.col("indicator").is_in(registry().register_based()) & pl.col(
        "unit_level"
    ).is_in(["commune", "old_commune"])
    chosen = chosen.with_columns(
        pl.when(register_base).then(pl.col("reporting_units")).alias("assessed"),
        pl.when(register_base).then(pl.col("units_in_area")).otherwise("total").alias("total"),
        pl.when(register_base)
        .then(pl.col("units_in_area"))
        .otherwise("reporting_units")
        .alias("reporting_units"),
    )
    return _conform(chosen)


def country_figures(
    con: duckdb.DuckDBPyConnection, years: Sequence[int] | None = None
) -> pl.DataFrame:
    prov = province_figures(con, None, years)
    if prov.height == 0:
        return _empty_area()
    out = _sum_areas(prov, COUNTRY_ID, "provinces")
    # Completeness is out of every commune of the country: a province with no figure at all
    # for that year and indicator has no row above, but its communes still did not report.
    units = units_by_province(con)
    sizes = units.filter(pl.col("unit_level") == "commune").select(
        "locality_id", pl.col("units_in_area").alias("_n")
    )
    per_level = units.group_by("unit_level").agg(pl.col("units_in_area").sum())
    whole = completeness.country_units(prov, dict(per_level.iter_rows()))
    present = (
        prov.join(sizes, on="locality_id", how="left")
        .group_by(["year", "indicator"])
        .agg(pl.col("_n").sum())
    )
    return (
        out.drop("unit_level", "reporting_units", "units_in_area")
        .join(whole, on=["year", "indicator"], how="left")
        .join(present, on=["year", "indicator"], how="left")
        .with_columns(
            (pl.col("communes_in_area") + int(sizes["_n"].sum()) - pl.col("_n")).alias(
                "communes_in_area"
            )
        )
        .pipe(_conform)
    )


def _sum_areas(frame: pl.DataFrame, locality_id: str, basis: str) -> pl.DataFrame:
    strict = [
        pl.when(pl.col(c).null_count() == 0).then(pl.col(c).sum()).otherwise(None).alias(c)
        for c in ("total", "registered", "recognized")
    ]
    levels = [
        pl.when(pl.col(c).is_not_null().any()).then(pl.col(c).sum()).otherwise(None).alias(c)
        for c in LEVEL_COLUMNS
    ]
    out = frame.group_by(["year", "indicator"]).agg(
        *strict,
        *levels,
        pl.col("units").sum(),
        pl.col("synthetic").any(),
        pl.col("total_from_register").any(),
        pl.col("sources")
        .list.explode(keep_nulls=False, empty_as_null=False)
        .unique()
        .sort()
        .alias("sources"),
        pl.col("demo_sources")
        .list.explode(keep_nulls=False, empty_as_null=False)
        .unique()
        .sort()
        .alias("demo_sources"),
        pl.col("reporting_communes").sum(),
        pl.col("communes_in_area").sum(),
        pl.col("unplaceable").sum(),
        pl.when(pl.col("assessed").is_not_null().any())
        .then(pl.col("assessed").sum())
        .alias("assessed"),
        pl.lit(None, dtype=pl.String).alias("unit_level"),
        pl.lit(None, dtype=pl.Int64).alias("reporting_units"),
        pl.lit(None, dtype=pl.Int64).alias("units_in_area"),
    )
    return out.with_columns(
        pl.lit(locality_id).alias("locality_id"), pl.lit(basis).alias("basis")
    ).pipe(_conform)


def old_unit_figures(con: duckdb.DuckDBPyConnection, locality_id: str, level: str) -> pl.DataFrame:
    """An old district (own figure, else its old communes'), old province or old commune."""
    own = query_frame(
        con,
        f"""SELECT o.locality_id, o.year, o.indicator, {_AGG}
            FROM observations_current o WHERE o.locality_id = ? GROUP BY ALL""",
        [locality_id],
    ).with_columns(
        pl.lit("own").alias("basis"),
        pl.lit(level).alias("unit_level"),
        pl.col("units").alias("reporting_units"),
        pl.lit(1, dtype=pl.Int64).alias("units_in_area"),
    )
    if level == "old_commune":
        children = own.clear()
    else:
        child_level = "old_commune" if level == "old_district" else "old_district"
        in_area = units_under(con, locality_id, child_level)
        children = query_frame(
            con,
            f"""SELECT ? AS locality_id, o.year, o.indicator, {_AGG}
                FROM observations_current o JOIN localities c ON c.id = o.locality_id
                WHERE c.parent_id = ? AND c.level = ? GROUP BY ALL""",
            [locality_id, locality_id, child_level],
        ).with_columns(
            pl.lit("children").alias("basis"),
            pl.lit(child_level).alias("unit_level"),
            pl.col("units").alias("reporting_units"),
            pl.lit(in_area, dtype=pl.Int64).alias("units_in_area"),
        )
    children = children.join(
        own.select("locality_id", "year", "indicator"),
        on=["locality_id", "year", "indicator"],
        how="anti",
    )
    out = pl.concat([own, children], how="vertical_relaxed")
    return out.with_columns(
        pl.lit(None, dtype=pl.Int64).alias("reporting_communes"),
        pl.lit(None, dtype=pl.Int64).alias("communes_in_area"),
        pl.lit(0, dtype=pl.Int64).alias("unplaceable"),
    ).pipe(_conform)


def area_figures(
    con: duckdb.DuckDBPyConnection, locality_id: str, years: Sequence[int] | None = None
) -> pl.DataFrame:
    """Figures of any locality by year and indicator, with the rules of this module."""
    loc = locality(con, locality_id)
    if loc is None:
        return _empty_area()
    level = loc["level"]
    if level == "country":
        return country_figures(con, years)
    if level == "province":
        return province_figures(con, [locality_id], years)
    if level == "commune":
        return commune_figures(con, commune_ids=[locality_id], years=years)
    frame = old_unit_figures(con, locality_id, level)
    return frame.filter(pl.col("year").is_in(list(years))) if years else frame


def store_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    return [
        int(r[0])
        for r in con.execute("SELECT DISTINCT year FROM observations_current ORDER BY 1").fetchall()
    ]


def store_has_synthetic(con: duckdb.DuckDBPyConnection) -> bool:
    # fetchall, not fetchone: DuckDB 2.0 leaves a half-read result open on the connection.
    rows = con.execute(
        "SELECT count(*) FROM batches WHERE synthetic AND status = 'active'"
    ).fetchall()
    return bool(rows and rows[0][0])
